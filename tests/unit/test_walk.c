/* Unit tests for lib/stream/walk.c: members, elements, escapes, nesting
 * and find, checked against the scanner's view of the same text. */
#include <stdio.h>
#include <string.h>

#include "base/rng.h"
#include "stream/walk.h"
#include "unit.h"

#define S(lit) lit, sizeof(lit) - 1
#define MEM_IS(p, n, lit, what) UNIT_MEM(p, n, lit, sizeof(lit) - 1, what)

static void
test_members(void)
{
	const char t[] = " { \"a\" : 1 , \"b\\\"c\":\"x\\\\\" ,\"n\":{\"d\":[1,"
			 "\"]}\",{}]},\"e\":null,\"f\":-2.5e3 } ";
	struct dq_walk w;
	struct dq_member m;

	UNIT_INT(dq_walk_begin(&w, S(t)), DQ_JSON_OBJECT, "object");
	UNIT_INT(dq_walk_member(&w, &m), 1, "first member");
	MEM_IS(m.key, m.keylen, "a", "key a");
	MEM_IS(m.val, m.vallen, "1", "value 1");
	UNIT_INT(m.type, DQ_JSON_NUMBER, "number");
	UNIT_INT(m.flags, 0, "no escapes");
	UNIT_INT(dq_walk_member(&w, &m), 1, "second member");
	MEM_IS(m.key, m.keylen, "b\\\"c", "escaped key, raw");
	UNIT_INT(m.flags, DQ_M_KEY_ESC | DQ_M_VAL_ESC, "both escaped");
	UNIT_OK(dq_member_key_is(&m, S("b\"c")), "key compares unescaped");
	MEM_IS(m.val, m.vallen, "\"x\\\\\"", "string ending in \\\\");
	UNIT_INT(dq_walk_member(&w, &m), 1, "third member");
	MEM_IS(m.val, m.vallen, "{\"d\":[1,\"]}\",{}]}",
		 "nested value with brackets in a string");
	UNIT_INT(m.type, DQ_JSON_OBJECT, "object value");
	UNIT_INT(dq_walk_member(&w, &m), 1, "fourth member");
	UNIT_INT(m.type, DQ_JSON_NULL, "null");
	UNIT_INT(dq_walk_member(&w, &m), 1, "fifth member");
	MEM_IS(m.val, m.vallen, "-2.5e3", "number before space");
	UNIT_INT(dq_walk_member(&w, &m), 0, "end");
	UNIT_INT(dq_walk_member(&w, &m), 0, "still the end");

	UNIT_INT(dq_walk_begin(&w, S("{}")), DQ_JSON_OBJECT, "empty object");
	UNIT_INT(dq_walk_member(&w, &m), 0, "no members");
	UNIT_INT(dq_walk_begin(&w, S("\"{}\"")), -1, "a string is no object");
	UNIT_INT(dq_walk_member(&w, &m), 0, "nothing to walk");
	UNIT_INT(dq_walk_begin(&w, S("")), -1, "empty text");
}

static void
test_elements(void)
{
	struct dq_walk w;
	struct dq_member m;
	const char *want[] = { "\"a\"", "[1,[2]]", "true", "{\"k\":\"]\"}",
			       "3" };
	int k = 0;

	UNIT_INT(dq_walk_begin(&w, S("[\"a\", [1,[2]] ,true,{\"k\":\"]\"},3]")),
		 DQ_JSON_ARRAY, "array");
	while (dq_walk_element(&w, &m)) {
		if (k < 5)
			UNIT_MEM(m.val, m.vallen, want[k], strlen(want[k]),
				 "element");
		UNIT_OK(m.key == NULL, "elements have no key");
		k++;
	}
	UNIT_INT(k, 5, "five elements");
	UNIT_INT(dq_walk_begin(&w, S("[ ]")), DQ_JSON_ARRAY, "empty array");
	UNIT_INT(dq_walk_element(&w, &m), 0, "no elements");
}

static void
test_find(void)
{
	struct dq_member m;
	/* The nested "row" must not be found as a top-level member. */
	const char t[] = "{\"x\":{\"row\":1},\"r\\u006fw\":7,\"row\":9}";

	UNIT_INT(dq_walk_find(S(t), S("row"), &m), 1, "found");
	MEM_IS(m.val, m.vallen, "7", "the escaped key is the first row");
	UNIT_INT(dq_walk_find(S("{\"x\":{\"row\":1}}"), S("row"), &m), 0,
		 "a nested key is not a member");
	UNIT_INT(dq_walk_find(S("[{\"row\":1}]"), S("row"), &m), 0,
		 "an array has no members");
	UNIT_INT(dq_walk_find(S("{\"a\\\\\":\"\\\"\",\"b\":2}"), S("b"), &m), 1,
		 "after escaped backslash and quote");
	MEM_IS(m.val, m.vallen, "2", "value of b");
}

/* The last member by a forward walk, for comparison. */
static int
last_forward(const char *s, size_t n, struct dq_member *last)
{
	struct dq_walk w;
	struct dq_member m;
	int found = 0;

	if (dq_walk_begin(&w, s, n) != DQ_JSON_OBJECT)
		return 0;
	while (dq_walk_member(&w, &m)) {
		*last = m;
		found = 1;
	}
	return found;
}

static void
same_last(const char *s, size_t n, const char *what)
{
	struct dq_member f = { 0 }, b = { 0 };
	int rf = last_forward(s, n, &f), rb = dq_walk_last(s, n, &b);

	UNIT_INT(rb, rf, what);
	if (rf && rb) {
		UNIT_MEM(b.key, b.keylen, f.key, f.keylen, what);
		UNIT_MEM(b.val, b.vallen, f.val, f.vallen, what);
		UNIT_INT(b.type, f.type, what);
		UNIT_INT(b.flags, f.flags, what);
	}
}

/* dq_walk_last agrees with the forward walk: on hand-made edge cases,
 * then on objects assembled from tricky pieces (strings ending in escaped
 * backslashes, quotes and brackets inside strings, white space). */
static void
test_last(void)
{
	static const char *cases[] = {
		"{}", " { } ", "{\"a\":1}", " {\"a\" : 1 } \n",
		"{\"a\":1,\"_dq\":{\"row\":3,\"file\":\"x}\\\"{\"}}",
		"{\"a\\\\\":\"\\\\\"}", "{\"k\\\"\":[1,\"]\",{}]}",
		"{\"x\":\"a\\\"b\"}", "{\"n\":null}", "{\"t\":true }",
		"{\"v\":-2.5e3}", "[1,2]", "\"s\"", "",
		"{\"a\":{\"b\":{\"c\":[[],{}]}}}",
	};
	static const char *keys[] = { "a", "_dq", "k\\\"q", "\\\\", "sp ace" };
	static const char *vals[] = {
		"1", "-0.5", "null", "true", "\"\"", "\"x\\\\\"", "\"\\\"\"",
		"\"}{][\"", "[1,\"]\",{\"a\":\"}\"}]", "{}", "{\"row\":2}",
		"[ ]", "\"a,b:c\"",
	};
	const size_t nk = sizeof(keys) / sizeof(keys[0]);
	const size_t nv = sizeof(vals) / sizeof(vals[0]);
	char buf[512];
	unsigned x = 12345;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		same_last(cases[i], strlen(cases[i]), cases[i]);
	for (int t = 0; t < 3000; t++) {
		size_t len = 0;
		int members = (int)((x = x * 1103515245u + 12345u) >> 16) % 4;
		const char *sp = (x >> 8) & 1 ? " " : "";
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s{", sp);
		for (int k = 0; k < members; k++) {
			x = x * 1103515245u + 12345u;
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
						"%s%s\"%s\"%s:%s%s", k ? "," : "", sp,
						keys[(x >> 16) % nk], sp, sp,
						vals[(x >> 4) % nv]);
		}
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s}%s",
					sp, sp);
		same_last(buf, len, "assembled object");
	}
}

/*
 * The grammar of walk.c's opening comment, read the slow way as the
 * reference: the closing quote is the first quote after p preceded by an
 * even run of backslashes; esc when a backslash comes before it; e when
 * there is none.
 */
static const char *
ref_skip_string(const char *p, const char *e, int *esc)
{
	for (const char *q = p + 1; q < e; q++) {
		size_t k = 0;
		if (*q != '"')
			continue;
		while (q - 1 - k > p && q[-1 - (long)k] == '\\')
			k++;
		if (k % 2 == 0) {
			if (memchr(p + 1, '\\', (size_t)(q - p - 1)))
				*esc = 1;
			return q + 1;
		}
	}
	return e;
}

/* dq_walk_skip_string, 16 bytes at a time, against the reference on
 * random strings of quotes, backslashes and letters, of every length to
 * 80 (past the 16-byte steps and the tail after them). */
static void
test_skip_string_random(void)
{
	static const char alpha[] = "\"\\\\ab\\\"x";
	char buf[96];
	struct dq_rng st;
	int bad = 0, unterminated = 0;

	dq_rng_seed(&st, 13);
	for (int t = 0; t < 200000; t++) {
		size_t n = 1 + (size_t)dq_rng_below(&st, 80);
		int e1 = 0, e2 = 0;
		buf[0] = '"';
		for (size_t i = 1; i < n; i++)
			buf[i] = dq_rng_below(&st, 4) ?
				 alpha[dq_rng_below(&st, (uint32_t)sizeof(alpha) - 1)] :
				 'a' + (char)dq_rng_below(&st, 26);
		const char *got = dq_walk_skip_string(buf, buf + n, &e1);
		const char *want = ref_skip_string(buf, buf + n, &e2);
		if (want == buf + n) {
			unterminated++;
			e1 = e2 = 0; /* not valid JSON: only the end counts */
		}
		if (got != want || e1 != e2) {
			if (!bad++)
				fprintf(stderr, "# differs on '%.*s'\n", (int)n,
					buf);
		}
	}
	UNIT_INT(bad, 0, "skip_string agrees with the grammar");
	UNIT_OK(unterminated > 1000 && unterminated < 190000,
		"both terminated and unterminated strings were tried");
}

int
main(void)
{
	test_skip_string_random();
	test_members();
	test_elements();
	test_find();
	test_last();
	return unit_done();
}
