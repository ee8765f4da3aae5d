/* test_util.c - buffers, JSON string escaping, number parsing. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "unit.h"
#include "base/edit.h"
#include "base/util.h"

int
main(void)
{
	struct dq_buf b = DQ_BUF_INIT;

	UNIT_STR(b.buf, "", "an initialised buffer reads as empty");
	dq_buf_add_json_string(&b, "a\"b\\c\n\t\x01\x1f/\xc3\xa9", 12);
	UNIT_STR(b.buf, "\"a\\\"b\\\\c\\n\\t\\u0001\\u001f/\xc3\xa9\"",
		 "JSON string escaping");
	dq_buf_reset(&b);
	dq_buf_add_json_string(&b, "", 0);
	UNIT_STR(b.buf, "\"\"", "empty JSON string");
	dq_buf_reset(&b);
	dq_buf_add_json_string(&b, "x\0y", 3);
	UNIT_STR(b.buf, "\"x\\u0000y\"", "NUL escaped");

	dq_buf_reset(&b);
	dq_buf_add_int(&b, 0);
	dq_buf_addch(&b, ' ');
	dq_buf_add_int(&b, -42);
	dq_buf_addch(&b, ' ');
	dq_buf_add_int(&b, LLONG_MIN);
	dq_buf_addch(&b, ' ');
	dq_buf_add_int(&b, LLONG_MAX);
	UNIT_STR(b.buf, "0 -42 -9223372036854775808 9223372036854775807",
		 "decimal integers incl. the extremes");
	dq_buf_reset(&b);
	dq_buf_add_hex64(&b, 0);
	dq_buf_add_hex64(&b, UINT64_MAX);
	UNIT_STR(b.buf, "0000000000000000ffffffffffffffff", "hex64");

	dq_buf_reset(&b);
	for (int i = 0; i < 1 << 20; i++)
		dq_buf_addch(&b, 'a' + i % 26);
	UNIT_INT(b.len, 1 << 20, "1 MB by single bytes");
	UNIT_INT(b.buf[b.len], 0, "still NUL-terminated");
	UNIT_INT(b.buf[(1 << 20) - 1], 'a' + ((1 << 20) - 1) % 26, "last byte");
	dq_buf_shrink(&b, 16);
	UNIT_INT(b.len, 1 << 20, "shrink never cuts content");
	dq_buf_reset(&b);
	dq_buf_addf(&b, "%s-%d-%.*s", "x", 7, 3, "abcdef");
	UNIT_STR(b.buf, "x-7-abc", "formatted append");
	size_t len;
	char *d = dq_buf_detach(&b, &len);
	UNIT_STR(d, "x-7-abc", "detach keeps the text");
	UNIT_INT(len, 7, "detach length");
	UNIT_INT(b.len, 0, "detached buffer is empty");
	free(d);

	long long v;
	UNIT_INT(dq_parse_ll("42", 0, 100, &v), 0, "parse 42");
	UNIT_INT(v, 42, "value 42");
	UNIT_INT(dq_parse_ll("101", 0, 100, &v), -1, "above max");
	UNIT_INT(dq_parse_ll("-1", 0, 100, &v), -1, "below min");
	UNIT_INT(dq_parse_ll("4x", 0, 100, &v), -1, "trailing junk");
	UNIT_INT(dq_parse_ll("", 0, 100, &v), -1, "empty");
	UNIT_INT(dq_parse_ll("99999999999999999999", 0, LLONG_MAX, &v), -1,
		 "overflow");

	/* Counts loaded from documents: whole, in [0, 2^64), else refused
	 * (fuzz_profile found a count of 3.9e119 converted to uint64_t). */
	uint64_t u = 7;
	UNIT_INT(dq_double_to_u64(0, &u), 0, "count 0");
	UNIT_INT(u, 0, "count 0 value");
	UNIT_INT(dq_double_to_u64(9007199254740992.0, &u), 0, "count 2^53");
	UNIT_INT(u == 9007199254740992ULL, 1, "count 2^53 value");
	UNIT_INT(dq_double_to_u64(18446744073709549568.0, &u), 0,
		 "largest double below 2^64");
	UNIT_INT(dq_double_to_u64(18446744073709551616.0, &u), -1, "2^64");
	UNIT_INT(dq_double_to_u64(3.88889e119, &u), -1, "3.9e119");
	UNIT_INT(dq_double_to_u64(-1, &u), -1, "negative");
	UNIT_INT(dq_double_to_u64(1.5, &u), -1, "fraction");
	UNIT_INT(dq_double_to_u64(HUGE_VAL, &u), -1, "infinity");
	UNIT_INT(dq_double_to_u64(NAN, &u), -1, "NaN");

	/* Messages captured for a caller that reports them itself. */
	struct dq_buf cap = DQ_BUF_INIT;
	UNIT_INT(dq_error_capture(&cap) == NULL, 1, "no capture before");
	UNIT_INT(dq_error("field '%s': bad", "x"), -1, "error returns -1");
	dq_warn("w %d", 2);
	UNIT_INT(dq_error_capture(NULL) == &cap, 1, "capture restored");
	UNIT_STR(cap.buf, "field 'x': bad\nwarning: w 2\n", "captured");
	dq_buf_release(&cap);

	/* Typos: at most 2 edits (a swap is one), under half the name. */
	UNIT_INT((long)dq_edit_typo("requird", "required"), 1, "one left out");
	UNIT_INT((long)dq_edit_typo("min_lenght", "min_length"), 1, "swap");
	UNIT_INT(dq_edit_typo("ab", "ba") == SIZE_MAX, 1, "ab/ba: 1 edit of 2");
	UNIT_INT(dq_edit_typo("abc", "xyz") == SIZE_MAX, 1, "not a typo");
	UNIT_INT(dq_edit_typo("max", "min") == SIZE_MAX, 1, "2 of 3");
	UNIT_INT(dq_edit_typo("", "a") == SIZE_MAX, 1, "empty");
	dq_buf_release(&b);
	return unit_done();
}
