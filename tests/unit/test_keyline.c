/* Unit tests for lib/er/keyline.c: the exact bytes of a key line, the
 * round trip, and lines that are not key lines. */
#include <string.h>

#include "er/keyline.h"
#include "unit.h"

#define MEM_IS(p, n, lit, what) UNIT_MEM(p, n, lit, sizeof(lit) - 1, what)

int
main(void)
{
	struct dq_buf common = DQ_BUF_INIT, out = DQ_BUF_INIT;
	uint64_t h[3] = { 0xfedcba9876543210u, 0, 1 };
	struct dq_keyline k;
	uint64_t v;
	const char *rec = "{\"id\":1}";

	dq_keyline_common(&common, 1234567890123u, 'a', 9, h, 3);
	MEM_IS(common.buf, common.len,
	       "\t234567890123\ta\tfedcba9876543210,0000000000000000,"
	       "0000000000000001\t", "common part: 12 low digits of SEQ");
	dq_keyline_add(&out, 2, h[2], &common, "S530\x1f\"x\"", 8, rec,
		       strlen(rec));
	MEM_IS(out.buf, out.len,
	       "02\t0000000000000001\t234567890123\ta\tfedcba9876543210,"
	       "0000000000000000,0000000000000001\t\"S530\\u001f\\\"x\\\"\"\t"
	       "{\"id\":1}", "the line, byte for byte");
	UNIT_INT(dq_keyline_parse(out.buf, out.len, 3, &k), 0, "parses");
	UNIT_INT(k.rule, 2, "rule");
	UNIT_INT(k.hash, 1, "hash");
	UNIT_INT(k.src, 'a', "side");
	UNIT_INT(k.source, 1, "a: the link's first file");
	UNIT_OK(k.seq == 234567890123u, "record number");
	dq_keyline_put_seq(out.buf + DQ_KEYLINE_SEQ_AT, 42);
	UNIT_INT(dq_keyline_parse(out.buf, out.len, 3, &k), 0,
		 "renumbered, it parses");
	UNIT_OK(k.seq == 42 && k.rule == 2 && k.src == 'a',
		"the new number, nothing else changed");
	dq_keyline_put_seq(out.buf + DQ_KEYLINE_SEQ_AT, 234567890123u);
	UNIT_OK(k.h[0] == h[0] && k.h[1] == 0 && k.h[2] == 1, "hashes");
	MEM_IS(k.key, k.keylen, "\"S530\\u001f\\\"x\\\"\"", "key as JSON");
	MEM_IS(k.rec, k.reclen, "{\"id\":1}", "record");
	UNIT_INT(dq_keyline_parse(out.buf, out.len, 2, &k), -1,
		 "another number of rules");
	UNIT_INT(dq_keyline_parse(out.buf, out.len - strlen(rec), 3, &k), -1,
		 "no record");
	out.buf[33] = 'z';
	UNIT_INT(dq_keyline_parse(out.buf, out.len, 3, &k), -1, "bad side");
	out.buf[33] = 'a';
	out.buf[25] = 'x';
	UNIT_INT(dq_keyline_parse(out.buf, out.len, 3, &k), -1,
		 "a record number that is not digits");
	out.buf[25] = '7';
	out.buf[5] = 'A';
	UNIT_INT(dq_keyline_parse(out.buf, out.len, 3, &k), -1,
		 "upper-case hex");
	UNIT_INT(dq_keyline_parse("", 0, 3, &k), -1, "empty line");
	UNIT_INT(dq_keyline_hex64("ffffffffffffffff", &v), 0, "largest");
	UNIT_OK(v == UINT64_MAX, "its value");
	UNIT_INT(dq_keyline_hex64("000000000000000g", &v), -1, "a g");
	/* A file of a link of more than two: its number in decimal. */
	dq_keyline_common(&common, 7, DQ_KEYLINE_LINK, 12, h, 1);
	MEM_IS(common.buf, common.len,
	       "\t000000000007\t12\tfedcba9876543210\t", "file 12");
	dq_buf_reset(&out);
	dq_keyline_add(&out, 0, h[0], &common, "k", 1, rec, strlen(rec));
	UNIT_INT(dq_keyline_parse(out.buf, out.len, 1, &k), 0, "parses");
	UNIT_INT(k.src * 1000 + k.source, DQ_KEYLINE_LINK * 1000 + 12,
		 "a numbered file");
	MEM_IS(k.rec, k.reclen, "{\"id\":1}", "its record");
	out.buf[34] = '\t';
	UNIT_INT(dq_keyline_parse(out.buf, out.len, 1, &k), -1,
		 "an empty field after the number");
	{
		struct dq_keyline a = { .src = 'l', .source = 2 };
		struct dq_keyline b = { .src = 'l', .source = 3 };
		struct dq_keyline c = { .src = 'l', .source = 2 };
		struct dq_keyline d = { .src = 'd' }, o = { .src = 'e' };
		struct dq_keyline n = { .src = 'n' };
		UNIT_OK(dq_keyline_eligible(&a, &b), "files 2 and 3");
		UNIT_OK(!dq_keyline_eligible(&a, &c), "file 2 twice");
		UNIT_OK(dq_keyline_eligible(&d, &d), "dedupe");
		UNIT_OK(!dq_keyline_eligible(&o, &o), "two existing");
		UNIT_OK(dq_keyline_eligible(&o, &n), "existing and new");
	}
	dq_buf_release(&common);
	dq_buf_release(&out);
	return unit_done();
}
