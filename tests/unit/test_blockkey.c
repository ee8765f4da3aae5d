/* Unit tests for lib/er/blockkey.c: every field function, composite and
 * multi-field keys, missing parts, and rule parsing errors. */
#include "er/blockkey.h"
#include "unit.h"

/* Apply one function to a raw JSON value; "<missing>" when missing. */
static void
fn(const char *spec, const char *raw, int type, const char *want)
{
	struct dq_blockkey k;
	struct dq_buf b = DQ_BUF_INIT, err = DQ_BUF_INIT;
	char what[160];
	int ok;

	snprintf(what, sizeof(what), "%s of %s = %s", spec, raw, want);
	if (dq_blockkey_parse(&k, spec, &err)) {
		UNIT_OK(0, what);
		printf("#   parse: %s\n", err.buf);
		dq_buf_release(&err);
		return;
	}
	ok = dq_blockkey_apply(k.parts[0].fn, k.parts[0].arg, raw, strlen(raw),
			       type, &b);
	UNIT_STR(ok ? b.buf : "<missing>", want, what);
	if (!ok)
		UNIT_INT(b.len, 0, "a missing part leaves out unchanged");
	dq_blockkey_release(&k);
	dq_buf_release(&b);
}

#define S DQ_JSON_STRING

/* The key of a record (a JSON line) under spec. */
static void
key(const char *spec, const char *line, const char *want)
{
	struct dq_blockkey k;
	struct dq_record r;
	struct dq_json_error e;
	struct dq_buf b = DQ_BUF_INIT, err = DQ_BUF_INIT;
	char what[200];

	snprintf(what, sizeof(what), "key %s of %s", spec, line);
	dq_record_init(&r);
	UNIT_INT(dq_json_scan(&r, line, strlen(line), &e), 0, "scan");
	UNIT_INT(dq_blockkey_parse(&k, spec, &err), 0, spec);
	dq_buf_addstr(&b, "pre:");
	if (dq_blockkey_make(&k, &r, &b)) {
		for (size_t i = 0; i < b.len; i++)
			if (b.buf[i] == DQ_BLOCKKEY_SEP)
				b.buf[i] = '|';
		UNIT_STR(b.buf + 4, want, what);
	} else {
		UNIT_STR("<missing>", want, what);
		UNIT_STR(b.buf, "pre:", "missing key leaves out unchanged");
	}
	dq_blockkey_release(&k);
	dq_record_release(&r);
	dq_buf_release(&b);
	dq_buf_release(&err);
}

static void
bad(const char *spec, const char *msg)
{
	struct dq_blockkey k;
	struct dq_buf err = DQ_BUF_INIT;

	UNIT_INT(dq_blockkey_parse(&k, spec, &err), -1, spec);
	UNIT_STR(err.buf, msg, spec);
	UNIT_INT(k.nparts, 0, "failed parse leaves no parts");
	dq_buf_release(&err);
}

/* A set of keys shares its parts: each computed once per record. */
static void
test_set(void)
{
	struct dq_blockkey k1, k2, k3;
	struct dq_blockkey_set set;
	struct dq_buf err = DQ_BUF_INIT, b = DQ_BUF_INIT;
	struct dq_record r;
	struct dq_json_error e;
	const char *line = "{\"last\":\"Smith\",\"dob\":\"1950-05-27\","
			   "\"zip\":\"\\u00a0\"}";

	dq_blockkey_parse(&k1, "last:soundex,dob:year", &err);
	dq_blockkey_parse(&k2, "last:soundex, zip", &err);
	dq_blockkey_parse(&k3, "dob:year,last:exact", &err);
	dq_blockkey_set_init(&set);
	UNIT_INT(dq_blockkey_set_add(&set, &k1), 0, "key 0");
	UNIT_INT(dq_blockkey_set_add(&set, &k2), 0, "key 1");
	UNIT_INT(dq_blockkey_set_add(&set, &k3), 0, "key 2");
	UNIT_INT(set.nparts, 4, "soundex and year shared: 4 distinct parts");
	dq_record_init(&r);
	dq_json_scan(&r, line, strlen(line), &e);
	dq_blockkey_set_record(&set);
	UNIT_INT(dq_blockkey_set_key(&set, 0, &k1, &r, &b), 1, "key 0 made");
	UNIT_STR(b.buf, "S530\x1f" "1950", "key 0 value");
	dq_buf_reset(&b);
	UNIT_INT(dq_blockkey_set_key(&set, 1, &k2, &r, &b), 0,
		 "key 1: a blank zip is missing");
	dq_buf_reset(&b);
	UNIT_INT(dq_blockkey_set_key(&set, 2, &k3, &r, &b), 1, "key 2 made");
	UNIT_STR(b.buf, "1950\x1fSmith", "parts in the key's order");
	UNIT_INT(set.ok[0] + set.ok[1] + set.ok[2] + set.ok[3], 3,
		 "each part computed once: 1 + 1 + 0 + 1");
	dq_blockkey_set_release(&set);
	dq_blockkey_release(&k1);
	dq_blockkey_release(&k2);
	dq_blockkey_release(&k3);
	dq_record_release(&r);
	dq_buf_release(&b);
	dq_buf_release(&err);
}

int
main(void)
{
	test_set();
	fn("f:exact", "\" Smith \"", S, " Smith ");
	fn("f", "\"Smith\"", S, "Smith");
	fn("f:exact", "42", DQ_JSON_NUMBER, "42");
	fn("f:exact", "59.0", DQ_JSON_NUMBER, "59.0");
	fn("f:exact", "true", DQ_JSON_TRUE, "true");
	fn("f:exact", "null", DQ_JSON_NULL, "<missing>");
	fn("f:exact", "{\"a\":1}", DQ_JSON_OBJECT, "<missing>");
	fn("f:exact", "[1]", DQ_JSON_ARRAY, "<missing>");
	fn("f:exact", "\"\"", S, "<missing>");
	fn("f:exact", "\"caf\\u00e9\"", S, "caf\xc3\xa9");
	fn("f:lower", "\"  \\u00c9MILE Stra\\u00dfe \"", S,
	   "\xc3\xa9mile strasse");
	fn("f:lower", "\"   \"", S, "<missing>");
	/* Missing is contract/types.h's: blank in any Unicode space, also
	 * under exact, which keeps white space otherwise. */
	fn("f:exact", "\"  \"", S, "<missing>");
	fn("f:exact", "\"\\t\"", S, "<missing>");
	fn("f:exact", "\"\\u00a0\"", S, "<missing>");
	fn("f:lower", "\"\xc2\xa0\xe2\x80\x83\xe3\x80\x80\"", S, "<missing>");
	fn("f:sorted_tokens", "\"\\u2003 \\u3000\"", S, "<missing>");
	fn("f:exact", "\" \\u00a0x\"", S, " \xc2\xa0x");
	fn("f:exact", "{}", DQ_JSON_OBJECT, "<missing>");
	fn("f:exact", "0", DQ_JSON_NUMBER, "0");
	fn("f:exact", "false", DQ_JSON_FALSE, "false");
	fn("f:soundex", "\"Robert\"", S, "R163");
	fn("f:soundex", "\"1234\"", S, "<missing>");
	fn("f:nysiis", "\"Schmidt\"", S, "SNAD");
	fn("f:metaphone", "\"Smith\"", S, "SM0");
	fn("f:metaphone_alt", "\"Smith\"", S, "XMT");
	fn("f:metaphone_alt", "\"Thomas\"", S, "TMS");
	fn("f:first(3)", "\"O'Brien\"", S, "obr");
	fn("f:first(3)", "\"Zo\\u00eb Ann\"", S, "zoe");
	fn("f:first(5)", "\"AB 1\"", S, "ab1");
	fn("f:first(5)", "\"SE1  0XB\"", S, "se10x");
	fn("f:first(2)", "\"--\"", S, "<missing>");
	fn("f:initials", "\"John  ronald-reuel Tolkien\"", S, "jrrt");
	fn("f:initials", "\"\\u00c9mile Zola\"", S, "ez");
	fn("f:year", "\"1950-05-27\"", S, "1950");
	fn("f:month", "\"1950-05-27\"", S, "05");
	fn("f:day", "\"1950-05-27\"", S, "27");
	fn("f:year", "\"1950-05-27T10:00:00Z\"", S, "1950");
	fn("f:year", "\"05/27/1950\"", S, "1950");
	fn("f:month", "\"05/27/1950\"", S, "05");
	fn("f:month", "\"27.06.2004\"", S, "06");
	fn("f:year", "\"2023-02-30\"", S, "<missing>");
	fn("f:year", "\"not a date\"", S, "<missing>");
	fn("f:email_local", "\"Bob.Smith@Example.COM\"", S, "bob.smith");
	fn("f:email_domain", "\"Bob.Smith@Example.COM\"", S, "example.com");
	fn("f:email_local", "\"a@b@c.org\"", S, "a@b");
	fn("f:email_domain", "\"no-at-sign\"", S, "<missing>");
	fn("f:email_local", "\"@x.org\"", S, "<missing>");
	fn("f:email_domain", "\"bob@\"", S, "<missing>");
	fn("f:digits", "\"+1 (415) 555-2671\"", S, "14155552671");
	fn("f:digits", "4155552671", DQ_JSON_NUMBER, "4155552671");
	fn("f:digits", "\"n/a\"", S, "<missing>");
	fn("f:last_digits(4)", "\"+1 (415) 555-2671\"", S, "2671");
	fn("f:last_digits(4)", "\"x12\"", S, "<missing>");
	fn("f:last_digits(3)", "\"123\"", S, "123");
	fn("f:sorted_tokens", "\"Smith, John  A.\"", S, "a john smith");
	fn("f:sorted_tokens", "\"john SMITH\"", S, "john smith");
	fn("f:sorted_tokens", "\"...\"", S, "<missing>");
	/* Over 64 bytes: the word list is on the heap. */
	fn("f:sorted_tokens",
	   "\"z y x w v u t s r q p o n m l k j i h g f e d c b a "
	   "9 8 7 6 5 4 3 2 1 0\"", S,
	   "0 1 2 3 4 5 6 7 8 9 a b c d e f g h i j k l m n o p q r s t u v "
	   "w x y z");
	/* Token functions: one token per word, q-gram, code, surname. */
	fn("f:words", "\"Sony  Cyber-shot, DSC-W55 (Black)\"", S,
	   "sony cyber shot dsc w55 black");
	fn("f:words", "\"Caf\u00e9 M\u00dcLLER\"", S, "cafe muller");
	fn("f:words", "\" -- \"", S, "<missing>");
	fn("f:qgrams(3)", "\"Sony TV\"", S, "son ony tv");
	fn("f:qgrams(2)", "\"abc\"", S, "ab bc");
	fn("f:codes", "\"Sony PS-LX350H turntable 2007 cs3 v2\"", S,
	   "pslx350h cs3");
	fn("f:codes", "\"ISBN 0-596-00712-4, 49.99\"", S, "0596007124");
	fn("f:codes", "\"Office 2007\"", S, "<missing>");
	fn("f:surnames", "\"J. Smith and A. O'Brien\"", S, "smith obrien");
	fn("f:surnames", "\"Smith, J.; O'Brien, A.\"", S, "smith obrien");
	fn("f:surnames", "\"Hans-Peter M\u00fcller & R Ng\"", S,
	   "muller ng");
	fn("f:surnames", "\"A. B.\"", S, "<missing>");

	key("last:soundex,dob:year",
	    "{\"last\":\"Smyth\",\"dob\":\"1950-05-27\"}", "S530|1950");
	key("last:soundex , dob:year",
	    "{\"last\":\"Smyth\",\"dob\":null}", "<missing>");
	key("last:soundex,dob:year", "{\"last\":\"Smyth\"}", "<missing>");
	key("last:soundex,dob:year",
	    "{\"last\":\"\",\"dob\":\"1950-05-27\"}", "<missing>");
	key("first+last:soundex",
	    "{\"first\":\"Smith\",\"last\":\"John\"}", "J500 S530");
	key("first + last:soundex",
	    "{\"first\":\"John\",\"last\":\"Smith\"}", "J500 S530");
	key("first+last:soundex", "{\"first\":\"John\"}", "<missing>");
	key("first+last:first(1),zip",
	    "{\"first\":\"Zoe\",\"last\":\"Adams\",\"zip\":\"02139\"}",
	    "a z|02139");
	key(" a b :exact", "{\"a b\":\"x\"}", "x");

	bad("", "empty key");
	bad("a:soundx", "key part 'a:soundx': unknown function 'soundx'");
	bad(":soundex", "key part ':soundex': no field name");
	bad("a:first", "key part 'a:first': first needs a count, as in "
	    "first(3)");
	bad("a:first(0)", "key part 'a:first(0)': count '0' is not an "
	    "integer in 1..100");
	bad("a:first(x)", "key part 'a:first(x)': count 'x' is not an "
	    "integer in 1..100");
	bad("a:soundex(2)", "key part 'a:soundex(2)': soundex takes no "
	    "count");
	bad("a,,b", "empty key part");
	bad("a+:soundex", "key part field 'a+': empty field name");
	UNIT_STR(dq_blockkey_fn_name(DQ_BK_LAST_DIGITS), "last_digits",
		 "function name");
	return unit_done();
}
