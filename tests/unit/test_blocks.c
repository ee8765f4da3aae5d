/* Unit tests for lib/er/blocks.c: blocks in hash order with input order
 * inside, singletons left out, the guard clearing a skipped block's keys,
 * the side bit, and the per-pair rules. */
#include "er/blocks.h"
#include "unit.h"

static size_t asked[8][2];
static size_t nasked;

/* Skip blocks of more than 3. */
static int
guard(void *ctx, size_t r, size_t first, size_t size)
{
	(void)ctx;
	(void)r;
	asked[nasked][0] = first;
	asked[nasked++][1] = size;
	return size > 3;
}

/* The pairs written, as 10 * i + j. */
static size_t pairs[8], npairs;
static uint64_t found;

static void
pair(void *ctx, size_t i, size_t j)
{
	(void)ctx;
	if (npairs < 8)
		pairs[npairs] = i * 10 + j;
	npairs++;
}

int
main(void)
{
	/* 7 records, 2 rules.  Rule 0: {0, 3, 5} under hash 9, {1, 2, 4,
	 * 6} under hash 1 (too big); rule 1: {2, 6} under 5, 0 keyless. */
	uint64_t key[7 * 2] = { 9, 0, 1, 7, 1, 5, 9, 8, 1, 4, 9, 3, 1, 5 };
	unsigned char second[7] = { 0, 0, 1, 0, 0, 1, 1 };
	struct dq_blocks b;
	struct dq_blocks_list l0 = { 0 }, l1 = { 0 };

	dq_blocks_init(&b, key, 7, 2, second);
	UNIT_INT(dq_blocks_list(&b, 0, guard, NULL, &l0), 1, "one kept");
	UNIT_INT(nasked, 2, "two blocks asked about");
	UNIT_INT(asked[0][0] * 10 + asked[0][1], 14,
		 "hash 1 first: record 1, 4 records");
	UNIT_INT(asked[1][0] * 10 + asked[1][1], 3,
		 "then hash 9: record 0, 3 records");
	UNIT_INT(l0.n, 3, "its 3 members listed");
	UNIT_INT(l0.m[0], 0 | DQ_BLOCKS_START, "record 0 starts it");
	UNIT_INT(l0.m[1], 3, "record 3");
	UNIT_INT(l0.m[2], 5 | DQ_BLOCKS_SIDE, "record 5, second side");
	UNIT_INT(key[1 * 2] + key[2 * 2] + key[4 * 2] + key[6 * 2], 0,
		 "the skipped block's keys cleared");
	UNIT_INT(key[0], 9, "the kept block's keys stay");
	UNIT_INT(dq_blocks_list(&b, 1, guard, NULL, &l1), 1, "rule 1");
	UNIT_INT(l1.n, 2, "{2, 6}");
	UNIT_INT(l1.m[0], 2 | DQ_BLOCKS_START | DQ_BLOCKS_SIDE, "2");
	UNIT_INT(l1.m[1], 6 | DQ_BLOCKS_SIDE, "6");
	dq_blocks_release(&b);

	UNIT_OK(dq_blocks_eligible(DQ_BLOCKS_DEDUPE, 1, 2, second),
		"dedupe: all");
	UNIT_OK(!dq_blocks_eligible(DQ_BLOCKS_LINK, 0, 1, second),
		"link: same source");
	UNIT_OK(dq_blocks_eligible(DQ_BLOCKS_LINK, 1, 2 | DQ_BLOCKS_SIDE,
				   second), "link: across");
	UNIT_OK(!dq_blocks_eligible(DQ_BLOCKS_INCREMENTAL, 1, 2, second),
		"incremental: two old");
	UNIT_OK(dq_blocks_eligible(DQ_BLOCKS_INCREMENTAL,
				   1 | DQ_BLOCKS_SIDE, 2 | DQ_BLOCKS_SIDE,
				   second), "incremental: two new");
	{
		/* A link of three files: sources 0, 1 and 2.  Records 5
		 * and 6 are both from later files (the side bit alike),
		 * yet from different ones. */
		const unsigned char three[7] = { 0, 0, 1, 0, 0, 1, 2 };
		UNIT_OK(dq_blocks_eligible(DQ_BLOCKS_LINK, 5 | DQ_BLOCKS_SIDE,
					   6 | DQ_BLOCKS_SIDE, three),
			"link of three: files 2 and 3 pair");
		UNIT_OK(!dq_blocks_eligible(DQ_BLOCKS_LINK, 2 | DQ_BLOCKS_SIDE,
					    5 | DQ_BLOCKS_SIDE, three),
			"link of three: two of file 2 do not");
	}
	UNIT_OK(dq_blocks_found_before(1, &key[0], &key[3 * 2]),
		"rule 0 had records 0 and 3");
	UNIT_OK(!dq_blocks_found_before(0, &key[0], &key[3 * 2]),
		"nothing before rule 0");
	UNIT_OK(!dq_blocks_found_before(1, &key[2 * 2], &key[6 * 2]),
		"cleared keys do not agree");
	/* Phase 2. */
	npairs = 0;
	found = 0;
	UNIT_INT(dq_blocks_pairs(&l0, 0, DQ_BLOCKS_DEDUPE, key, 2, pair, NULL, NULL,
				 &found), 3, "dedupe: three pairs in {0, 3, 5}");
	UNIT_INT(pairs[0] * 100 + pairs[1] * 10 + pairs[2], 3 * 100 + 5 * 10 +
		 35, "(0,3) (0,5) (3,5): i read before j, in order");
	UNIT_INT(found, 3, "all found");
	npairs = 0;
	UNIT_INT(dq_blocks_pairs(&l0, 0, DQ_BLOCKS_LINK, key, 2, pair, NULL, NULL,
				 &found), 2, "link: across the sides only");
	UNIT_INT(pairs[0] * 100 + pairs[1], 5 * 100 + 35, "(0,5) (3,5)");
	UNIT_INT(found, 5, "found adds up");
	npairs = 0;
	UNIT_INT(dq_blocks_pairs(&l1, 1, DQ_BLOCKS_INCREMENTAL, key, 2, pair, NULL,
				 NULL, &found), 1, "incremental: two new");
	UNIT_INT(pairs[0], 26, "(2,6): rule 0's cleared keys do not agree");
	dq_blocks_list_release(&l0);
	dq_blocks_list_release(&l1);
	{
		/* Rule 1 finds (0, 2) again: counted, not written. */
		uint64_t k2[3 * 2] = { 4, 6, 4, 1, 4, 6 };
		unsigned char side[3] = { 0, 0, 0 };
		struct dq_blocks_list m0 = { 0 }, m1 = { 0 };
		dq_blocks_init(&b, k2, 3, 2, side);
		dq_blocks_list(&b, 0, guard, NULL, &m0);
		dq_blocks_list(&b, 1, guard, NULL, &m1);
		dq_blocks_release(&b);
		found = 0;
		npairs = 0;
		UNIT_INT(dq_blocks_pairs(&m1, 1, DQ_BLOCKS_DEDUPE, k2, 2, pair,
					 NULL, NULL, &found), 0,
			 "a pair an earlier rule wrote is not written again");
		UNIT_INT(found, 1, "but found");
		UNIT_INT(npairs, 0, "no call");
		dq_blocks_list_release(&m0);
		dq_blocks_list_release(&m1);
	}
	return unit_done();
}
