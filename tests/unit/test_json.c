/* test_json.c - the NDJSON scanner: acceptance, rejection, losslessness. */
#include <stdlib.h>

#include "stream/json.h"
#include "unit.h"

static struct dq_record rec;

/* Scan and write back with no changes; the output must equal want. */
static void
roundtrip(const char *line, const char *want, const char *what)
{
	struct dq_json_error e;
	struct dq_buf out = DQ_BUF_INIT;
	int rc = dq_json_scan(&rec, line, strlen(line), &e);
	UNIT_INT(rc, 0, what);
	if (rc) {
		printf("#   reason: %s at %zu\n", e.reason, e.offset);
		return;
	}
	dq_record_write(&rec, NULL, 0, &out);
	UNIT_STR(out.buf, want, what);
	dq_buf_release(&out);
}

static void
reject(const char *line, size_t n, const char *reason, long offset,
       const char *what)
{
	struct dq_json_error e = { 0, NULL };
	int rc = dq_json_scan(&rec, line, n, &e);
	UNIT_INT(rc, -1, what);
	UNIT_STR(rc ? e.reason : NULL, reason, what);
	if (offset >= 0)
		UNIT_INT(rc ? (long)e.offset : -1, offset, what);
}

#define REJECT(s, reason, off) reject(s, sizeof(s) - 1, reason, off, s)

static void
test_lossless(void)
{
	roundtrip("{\"n\":9007199254740993}", "{\"n\":9007199254740993}",
		  "integer above 2^53 kept");
	roundtrip("{\"x\":59.0,\"y\":1e400,\"z\":-0.0e-0}",
		  "{\"x\":59.0,\"y\":1e400,\"z\":-0.0e-0}", "numbers kept");
	roundtrip("{\"s\":\"\\u00e9\\n\\/\"}", "{\"s\":\"\\u00e9\\n\\/\"}",
		  "escapes kept as written");
	roundtrip("{\"o\":{\"a\": [1, {\"b\" : null}]}}",
		  "{\"o\":{\"a\": [1, {\"b\" : null}]}}",
		  "nested values byte for byte");
	roundtrip("{ \"a\" : 1 ,\t\"b\":\"x\" }", "{\"a\":1,\"b\":\"x\"}",
		  "top-level white space compacted");
	roundtrip("{}", "{}", "empty object");
	roundtrip("{\"\xf0\x9f\x98\x80\":\"\xe2\x82\xac\"}",
		  "{\"\xf0\x9f\x98\x80\":\"\xe2\x82\xac\"}", "UTF-8 keys and values");
	roundtrip("{\"a\":\"\\ud83d\\ude00\"}", "{\"a\":\"\\ud83d\\ude00\"}",
		  "surrogate pair escape");
	roundtrip("{\"t\":true,\"f\":false,\"n\":null,\"e\":\"\"}",
		  "{\"t\":true,\"f\":false,\"n\":null,\"e\":\"\"}", "literals");
}

static void
test_short_strings(void)
{
	roundtrip("{\"k\":\"fifteen chars..\",\"p\":\"................\"}",
		  "{\"k\":\"fifteen chars..\",\"p\":\"................\"}",
		  "quote as the 16th byte of the window");
	roundtrip("{\"k\":\"sixteen chars...\",\"p\":\"................\"}",
		  "{\"k\":\"sixteen chars...\",\"p\":\"................\"}",
		  "quote just past the window");
	roundtrip("{\"k\":\"\",\"\":\"x\",\"p\":\"................\"}",
		  "{\"k\":\"\",\"\":\"x\",\"p\":\"................\"}",
		  "empty key and empty value");
	roundtrip("{\"k\":\"caf\xc3\xa9\",\"e\":\"a\\\"b\",\"p\":\"...........\"}",
		  "{\"k\":\"caf\xc3\xa9\",\"e\":\"a\\\"b\",\"p\":\"...........\"}",
		  "UTF-8 and an escape inside the window");
	UNIT_INT(rec.m[1].flags & DQ_M_VAL_ESC, DQ_M_VAL_ESC,
		 "an escape in a short value is noted");
	UNIT_INT(rec.m[0].flags & DQ_M_VAL_ESC, 0, "no escape, none noted");
}

static void
test_reject(void)
{
	REJECT("", "empty line", 0);
	REJECT("[1,2]", "not a JSON object", 0);
	REJECT("\"s\"", "not a JSON object", 0);
	REJECT("{\"a\":1", "truncated object", 6);
	REJECT("{\"a\":1}x", "trailing characters after the object", 7);
	REJECT("{\"a\":1}{\"b\":2}", "trailing characters after the object", 7);
	REJECT("{\"a\":01}", "expected ',' or '}' in object", 6);
	REJECT("{\"a\":1.}", "invalid number", 7);
	REJECT("{\"a\":-}", "invalid number", 6);
	REJECT("{\"a\":1e}", "invalid number", 7);
	REJECT("{\"a\":+1}", "expected a value", 5);
	REJECT("{\"a\":tru}", "invalid literal", 5);
	REJECT("{\"a\":NaN}", "expected a value", 5);
	REJECT("{a:1}", "expected a string key", 1);
	REJECT("{\"a\" 1}", "expected ':' after key", 5);
	REJECT("{\"a\":1,}", "expected a string key", 7);
	REJECT("{\"a\":\"x\\q\"}", "invalid escape in string", 7);
	REJECT("{\"a\":\"\\u12G4\"}", "invalid \\u escape in string", 6);
	REJECT("{\"a\":\"\\ud800\"}", "lone surrogate in string", 6);
	REJECT("{\"a\":\"\\udc00\\ud800\"}", "lone surrogate in string", 6);
	REJECT("{\"a\":\"\\ud800\\u0041\"}", "lone surrogate in string", 6);
	REJECT("{\"a\":\"\x01\"}", "control character in string", 6);
	REJECT("{\"a\":\"tab\there\"}", "control character in string", 9);
	REJECT("{\"a\":\"\xff\"}", "invalid UTF-8", 6);
	REJECT("{\"a\":\"\xc0\xaf\"}", "invalid UTF-8", 6);   /* overlong */
	REJECT("{\"a\":\"\xed\xa0\x80\"}", "invalid UTF-8", 6); /* surrogate */
	REJECT("{\"a\":\"\xf4\x90\x80\x80\"}", "invalid UTF-8", 6); /* >10FFFF */
	REJECT("{\"a\":\"\xe2\x82\"}", "invalid UTF-8", 6);   /* truncated */
	REJECT("{\"a\":1,\"a\":2}", "duplicate key", 7);
	REJECT("{\"a\":1,\"\\u0061\":2}", "duplicate key", 7);
	REJECT("{\"o\":{\"k\":1,\"k\":2}}", "duplicate key", 12);
	REJECT("{\"a\":[1,2}", "expected ',' or ']' in array", 9);
	REJECT("{\"a\":\"abc", "unterminated string", 9);
	reject("{\"a\":\"x\0y\"}", 11, "control character in string", 7,
	       "NUL byte inside a string");
	/* Short strings are settled 16 bytes at a time when as many
	 * follow: a problem inside or just past the window is still
	 * found (the padding puts 16 bytes after every quote). */
	REJECT("{\"a\":\"\x01\",\"padding\":\"...............\"}",
	       "control character in string", 6);
	REJECT("{\"key\x1f\":1,\"padding\":\"................\"}",
	       "control character in string", 5);
	REJECT("{\"a\":\"fifteen chars..\x7f\xff\",\"padding\":\"........\"}",
	       "invalid UTF-8", 22);
	REJECT("{\"a\":\"sixteen chars...\x02\",\"padding\":\"........\"}",
	       "control character in string", 22);
	REJECT("{\"a\":\"ab\\x\",\"padding\":\"................\"}",
	       "invalid escape in string", 8);
	REJECT("{\"a\":1,\"a\":\"x\",\"padding\":\"................\"}",
	       "duplicate key", 7);
}

static void
test_depth(void)
{
	struct dq_buf b = DQ_BUF_INIT;
	struct dq_json_error e;
	int d;

	/* DQ_JSON_MAX_DEPTH levels in all (the record itself is one). */
	dq_buf_addstr(&b, "{\"a\":");
	for (d = 1; d < DQ_JSON_MAX_DEPTH; d++)
		dq_buf_addch(&b, '[');
	for (d = 1; d < DQ_JSON_MAX_DEPTH; d++)
		dq_buf_addch(&b, ']');
	dq_buf_addch(&b, '}');
	UNIT_INT(dq_json_scan(&rec, b.buf, b.len, &e), 0,
		 "nesting at the limit accepted");
	dq_buf_reset(&b);
	dq_buf_addstr(&b, "{\"a\":");
	for (d = 0; d < 100000; d++)
		dq_buf_addch(&b, '[');
	UNIT_INT(dq_json_scan(&rec, b.buf, b.len, &e), -1,
		 "nesting 100000 deep rejected, no crash");
	UNIT_STR(e.reason, "nesting too deep", "nesting reason");
	dq_buf_release(&b);
}

static void
test_many_keys(void)
{
	struct dq_buf b = DQ_BUF_INIT;
	struct dq_json_error e;
	int i, n = 200000;

	dq_buf_addch(&b, '{');
	for (i = 0; i < n; i++)
		dq_buf_addf(&b, "%s\"k%d\":%d", i ? "," : "", i, i);
	dq_buf_addch(&b, '}');
	UNIT_INT(dq_json_scan(&rec, b.buf, b.len, &e), 0,
		 "200000 distinct keys accepted");
	UNIT_INT(rec.n, n, "200000 members recorded");
	b.len--;
	dq_buf_addstr(&b, ",\"k123456\":0}");
	UNIT_INT(dq_json_scan(&rec, b.buf, b.len, &e), -1,
		 "a repeat among 200000 keys found");
	UNIT_STR(e.reason, "duplicate key", "duplicate among many");
	dq_buf_release(&b);
}

static void
test_big_value(void)
{
	struct dq_buf b = DQ_BUF_INIT, out = DQ_BUF_INIT;
	struct dq_json_error e;
	size_t i;

	dq_buf_addstr(&b, "{\"big\":\"");
	for (i = 0; i < (1u << 20); i++)
		dq_buf_addch(&b, "abc\xc3\xa9"[i % 5] == (char)0xc3 ? 'x' : 'y');
	dq_buf_addstr(&b, "\",\"z\":1}");
	UNIT_INT(dq_json_scan(&rec, b.buf, b.len, &e), 0, "1 MB value");
	dq_record_write(&rec, NULL, 0, &out);
	UNIT_MEM(out.buf, out.len, b.buf, b.len, "1 MB value unchanged");
	dq_buf_release(&b);
	dq_buf_release(&out);
}

static void
test_edit(void)
{
	struct dq_json_error e;
	struct dq_buf out = DQ_BUF_INIT;
	const char *line = "{\"a\":\" x \",\"b\":2,\"c\":[1],\"_dq\":{\"row\":"
			   "7,\"k\":1}}";

	UNIT_INT(dq_json_scan(&rec, line, strlen(line), &e), 0, "edit scan");
	UNIT_INT(rec.dq, 3, "_dq found");
	UNIT_INT(dq_record_find(&rec, "b", 1), 1, "find b");
	UNIT_INT(dq_record_find(&rec, "zz", 2), -1, "find absent");
	dq_record_set(&rec, 0, "\"x\"", 3, DQ_JSON_STRING);
	dq_record_rename(&rec, 1, "B\"", 2);
	dq_record_drop(&rec, 2);
	dq_record_add(&rec, "new", 3, "null", 4, DQ_JSON_NULL);
	dq_record_write(&rec, "\"row\":9,\"hash\":\"h\"", 18, &out);
	UNIT_STR(out.buf,
		 "{\"a\":\"x\",\"B\\\"\":2,\"new\":null,\"_dq\":{\"k\":1,"
		 "\"row\":9,\"hash\":\"h\"}}",
		 "set, rename, drop, add and _dq merge");
	line = "{\"\\u005fdq\":{\"row\":3},\"a\":1}";
	UNIT_INT(dq_json_scan(&rec, line, strlen(line), &e), 0, "escaped _dq");
	UNIT_INT(rec.dq, 0, "_dq written with an escape is still _dq");
	dq_buf_reset(&out);
	line = "{\"id\":1}";
	dq_json_scan(&rec, line, strlen(line), &e);
	dq_record_write(&rec, "\"row\":1", 7, &out);
	UNIT_STR(out.buf, "{\"id\":1,\"_dq\":{\"row\":1}}", "new _dq added");
	dq_buf_release(&out);
}

/* Write line (scanned) after dropping member drop and setting member set
 * to "v" (-1: none); the output must equal want. */
static void
edit_write(const char *line, int drop, int set, const char *want,
	   const char *what)
{
	struct dq_json_error e;
	struct dq_buf out = DQ_BUF_INIT;

	UNIT_INT(dq_json_scan(&rec, line, strlen(line), &e), 0, what);
	if (drop >= 0)
		dq_record_drop(&rec, (size_t)drop);
	if (set >= 0)
		dq_record_set(&rec, (size_t)set, "\"v\"", 3, DQ_JSON_STRING);
	dq_record_write(&rec, "\"row\":1", 7, &out);
	UNIT_STR(out.buf, want, what);
	dq_buf_release(&out);
}

/* Members as they came are copied in runs from a compact line: the runs
 * must stop at every changed, dropped or _dq member. */
static void
test_write_runs(void)
{
	const char *line = "{\"a\":1,\"b\":\"x\",\"c\":{\"d\":[1, 2]},"
			   "\"e\":null,\"f\":\"\\u00e9\"}";

	edit_write(line, -1, 2,
		   "{\"a\":1,\"b\":\"x\",\"c\":\"v\",\"e\":null,"
		   "\"f\":\"\\u00e9\",\"_dq\":{\"row\":1}}",
		   "run, changed member, run");
	edit_write(line, 0, 4,
		   "{\"b\":\"x\",\"c\":{\"d\":[1, 2]},\"e\":null,"
		   "\"f\":\"v\",\"_dq\":{\"row\":1}}",
		   "first dropped, last changed");
	edit_write(line, 3, -1,
		   "{\"a\":1,\"b\":\"x\",\"c\":{\"d\":[1, 2]},"
		   "\"f\":\"\\u00e9\",\"_dq\":{\"row\":1}}",
		   "a dropped member inside a run");
	edit_write("{\"a\":1,\"_dq\":{\"row\":5},\"b\":2,\"c\":3}", -1, 0,
		   "{\"a\":\"v\",\"b\":2,\"c\":3,\"_dq\":{\"row\":1}}",
		   "_dq inside the line moves to the end");
	edit_write("{\"a\":1,\"b\":2,\"c\":3,\"_dq\":{\"x\":1}}", 2, -1,
		   "{\"a\":1,\"b\":2,\"_dq\":{\"x\":1,\"row\":1}}",
		   "a run ends before _dq");
	edit_write("{ \"a\" : 1 ,\"b\":2,\"c\":3}", -1, 1,
		   "{\"a\":1,\"b\":\"v\",\"c\":3,\"_dq\":{\"row\":1}}",
		   "a line with white space is written member by member");
}

static void
test_unescape(void)
{
	struct dq_buf b = DQ_BUF_INIT;
	const char *raw = "\"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\"";
	dq_json_unescape(raw, strlen(raw), &b);
	UNIT_STR(b.buf, "a\"b\\c/d\n\xc3\xa9\xf0\x9f\x98\x80", "unescape");
	dq_buf_reset(&b);
	dq_json_unescape("\"\"", 2, &b);
	UNIT_INT(b.len, 0, "unescape empty");
	dq_buf_release(&b);
}

static void
test_validate(void)
{
	struct dq_json_error e;
	UNIT_INT(dq_json_validate(" [1, \"a\"] ", 10, &e), DQ_JSON_ARRAY,
		 "validate array");
	UNIT_INT(dq_json_validate("12", 2, &e), DQ_JSON_NUMBER,
		 "validate number");
	UNIT_INT(dq_json_validate("1 2", 3, &e), -1, "validate two values");
}

int
main(void)
{
	dq_record_init(&rec);
	test_lossless();
	test_reject();
	test_depth();
	test_many_keys();
	test_big_value();
	test_edit();
	test_short_strings();
	test_write_runs();
	test_unescape();
	test_validate();
	dq_record_release(&rec);
	return unit_done();
}
