/* Unit tests for lib/sketch/hll.c: exact mode, HLL within 3 standard errors on
 * known cardinalities, merge, save/load. */
#include <math.h>
#include <xxhash.h>

#include "sketch/hll.h"
#include "unit.h"

static uint64_t
h64(uint64_t i)
{
	return XXH3_64bits(&i, sizeof(i));
}

static void
check_card(uint64_t n)
{
	struct dq_hll h;
	char what[80];
	dq_hll_init(&h);
	for (uint64_t i = 0; i < n; i++)
		dq_hll_add(&h, h64(i));
	double e = dq_hll_count(&h);
	snprintf(what, sizeof(what), "cardinality %llu within 3 sigma",
		 (unsigned long long)n);
	UNIT_NEAR(e, (double)n, 3 * DQ_HLL_STDERR * (double)n, what);
	dq_hll_release(&h);
}

int
main(void)
{
	struct dq_hll a, b;
	struct dq_buf s = DQ_BUF_INIT;

	dq_hll_init(&a);
	UNIT_INT(dq_hll_count(&a), 0, "empty sketch counts 0");
	UNIT_OK(dq_hll_exact(&a), "empty sketch is exact");
	for (int r = 0; r < 3; r++)
		for (uint64_t i = 0; i < 1000; i++)
			dq_hll_add(&a, h64(i));
	UNIT_INT(dq_hll_count(&a), 1000, "1000 distinct, each 3 times: exact");
	dq_hll_add(&a, 0);
	dq_hll_add(&a, 0);
	UNIT_INT(dq_hll_count(&a), 1001, "the hash 0 counts once");
	dq_hll_release(&a);

	dq_hll_init(&a);
	for (uint64_t i = 0; i < DQ_HLL_EXACT; i++)
		dq_hll_add(&a, h64(i));
	UNIT_OK(dq_hll_exact(&a), "DQ_HLL_EXACT distinct: still exact");
	UNIT_INT(dq_hll_count(&a), DQ_HLL_EXACT, "count at the threshold");
	dq_hll_add(&a, h64(5));
	UNIT_OK(dq_hll_exact(&a), "a repeat does not switch modes");
	dq_hll_add(&a, h64(DQ_HLL_EXACT));
	UNIT_OK(!dq_hll_exact(&a), "one more switches to registers");
	UNIT_NEAR(dq_hll_count(&a), DQ_HLL_EXACT + 1,
		  3 * DQ_HLL_STDERR * (DQ_HLL_EXACT + 1), "just past exact");
	dq_hll_release(&a);

	check_card(3000);
	check_card(10000);
	check_card(30000);   /* where raw HLL is biased without a fix */
	check_card(100000);
	check_card(1000000);
	check_card(10000000);

	/* Merge: two overlapping halves count the union. */
	dq_hll_init(&a);
	dq_hll_init(&b);
	for (uint64_t i = 0; i < 600000; i++)
		dq_hll_add(&a, h64(i));
	for (uint64_t i = 400000; i < 1000000; i++)
		dq_hll_add(&b, h64(i));
	dq_hll_merge(&a, &b);
	UNIT_NEAR(dq_hll_count(&a), 1e6, 3 * DQ_HLL_STDERR * 1e6,
		  "merge of overlapping halves counts the union");
	struct dq_hll whole;
	dq_hll_init(&whole);
	for (uint64_t i = 0; i < 1000000; i++)
		dq_hll_add(&whole, h64(i));
	UNIT_OK(!memcmp(whole.reg, a.reg, DQ_HLL_M),
		"merged registers equal one pass over the union");
	dq_hll_release(&whole);

	/* Save and load, both modes. */
	dq_hll_save(&a, &s);
	UNIT_INT(s.len, 2 + 2 * DQ_HLL_M, "register text length");
	dq_hll_release(&b);
	UNIT_INT(dq_hll_load(&b, s.buf, s.len), 0, "load registers");
	UNIT_OK(dq_hll_count(&b) == dq_hll_count(&a), "same estimate");
	dq_hll_release(&b);
	s.buf[5] = 'z';
	UNIT_INT(dq_hll_load(&b, s.buf, s.len), -1, "bad hex digit refused");
	UNIT_OK(!b.reg && !b.set, "nothing left after a failed load");
	dq_buf_reset(&s);
	dq_hll_release(&a);
	dq_hll_init(&a);
	dq_hll_save(&a, &s);
	UNIT_STR(s.buf, "x:", "empty exact sketch text");
	dq_hll_add(&a, 1);
	dq_hll_add(&a, 0xffffffffffffffffull);
	dq_buf_reset(&s);
	dq_hll_save(&a, &s);
	UNIT_INT(s.len, 34, "two hashes in exact text");
	UNIT_INT(dq_hll_load(&b, s.buf, s.len), 0, "load exact");
	UNIT_INT(dq_hll_count(&b), 2, "exact count survives");
	dq_hll_release(&b);
	UNIT_INT(dq_hll_load(&b, "x:123", 5), -1, "short hash refused");
	UNIT_INT(dq_hll_load(&b, "", 0), -1, "empty text refused");
	UNIT_INT(dq_hll_load(&b, "h:00", 4), -1, "short registers refused");

	/* Exact merge of two exact sketches stays exact. */
	dq_hll_release(&a);
	dq_hll_init(&a);
	dq_hll_init(&b);
	for (uint64_t i = 0; i < 100; i++)
		dq_hll_add(&a, h64(i));
	for (uint64_t i = 50; i < 150; i++)
		dq_hll_add(&b, h64(i));
	dq_hll_merge(&a, &b);
	UNIT_OK(dq_hll_exact(&a), "small merge stays exact");
	UNIT_INT(dq_hll_count(&a), 150, "small merge counts the union");
	dq_hll_release(&a);
	dq_hll_release(&b);
	dq_buf_release(&s);
	return unit_done();
}
