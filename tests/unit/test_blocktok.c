/* Unit tests for lib/er/blocktok.c: tokens kept once per record, the
 * guard per token, IDF weights and the default threshold, pruning, a
 * pair sharing several tokens made once, and link mode. */
#include <math.h>

#include "er/blocktok.h"
#include "unit.h"

static size_t asked;

/* Skip tokens of more than 4 records. */
static int
guard(void *ctx, size_t rule, size_t first, size_t size, uint64_t hash)
{
	(void)ctx;
	(void)rule;
	(void)first;
	(void)hash;
	asked++;
	return size > 4;
}

static size_t pairs[8], npairs;

static void
pair(void *ctx, size_t i, size_t j)
{
	(void)ctx;
	if (npairs < 8)
		pairs[npairs] = i * 10 + j;
	npairs++;
}

static void
add(struct dq_blocktok *t, const char *s)
{
	dq_blocktok_add(t, s, strlen(s));
}

/* a in 5 records, b in 3, c and z in 2, x, y, q in 1. */
static void
six(struct dq_blocktok *t)
{
	static const char *const rec[6] = { "a b x", "b a y b", "a c",
					    "c a",   "a z",     "b z q" };
	dq_blocktok_init(t, 0, -1);
	for (size_t i = 0; i < 6; i++)
		add(t, rec[i]);
}

int
main(void)
{
	struct dq_blocktok t;
	unsigned char dedupe[6] = { 0 }, link[6] = { 0, 0, 0, 1, 1, 1 };
	uint64_t found = 0;

	/* a in 5 records (skipped), b in 3 (ln 2), c and z in 2 (ln 3);
	 * N = 6, threshold ln(6) / 2 = 0.896. */
	six(&t);
	UNIT_INT(t.off[2] - t.off[1], 3, "a token twice in a record counts once");
	UNIT_INT(dq_blocktok_list(&t, dedupe, guard, NULL), 3,
		 "b, c, z kept");
	UNIT_INT(asked, 4, "the guard asked about a, b, c, z");
	UNIT_INT(t.tokens, 7, "seven distinct tokens");
	UNIT_INT(t.keyed, 6, "six records with tokens");
	UNIT_OK(fabs(t.threshold - log(6.0) / 2) < 1e-12, "ln(N) / 2");
	UNIT_INT(dq_blocktok_agree(&t, 0, 1), 0,
		 "b alone (0.693) is under the threshold; a was skipped");
	UNIT_INT(dq_blocktok_agree(&t, 2, 3), 1, "c (1.099) is enough");
	UNIT_INT(dq_blocktok_pairs(&t, DQ_BLOCKS_DEDUPE, pair, NULL, NULL,
				   &found), 2, "two pairs written");
	UNIT_INT(pairs[0] + pairs[1], 23 + 45, "(2,3) and (4,5)");
	UNIT_INT(found, 2, "found");
	UNIT_INT(t.pruned, 3, "(0,1) (0,5) (1,5) share only b: pruned");
	dq_blocktok_release(&t);

	/* The same in link mode: records 3-5 on the second side. */
	six(&t);
	dq_blocktok_list(&t, link, guard, NULL);
	npairs = 0;
	found = 0;
	UNIT_INT(dq_blocktok_pairs(&t, DQ_BLOCKS_LINK, pair, NULL, NULL,
				   &found), 1, "link: only (2,3) crosses");
	UNIT_INT(pairs[0], 23, "(2,3)");
	UNIT_INT(t.pruned, 2, "(0,5) (1,5) pruned; (0,1) and (4,5) do not cross");
	dq_blocktok_release(&t);

	/* Two shared tokens, each too light alone (ln 1.5 = 0.405 against
	 * ln(3) / 2 = 0.549), together enough; the pair is made once, in
	 * the block of the first; an explicit threshold. */
	dq_blocktok_init(&t, 0, -1);
	add(&t, "p q");
	add(&t, "q p");
	add(&t, "s");
	add(&t, "");
	UNIT_INT(dq_blocktok_list(&t, dedupe, guard, NULL), 2, "p and q");
	UNIT_INT(t.keyed, 3, "a record without tokens is not counted");
	npairs = 0;
	found = 0;
	UNIT_INT(dq_blocktok_pairs(&t, DQ_BLOCKS_DEDUPE, pair, NULL, NULL,
				   &found), 1, "written once");
	UNIT_INT(found, 1, "found once");
	UNIT_INT(pairs[0], 1, "(0,1)");
	dq_blocktok_release(&t);
	dq_blocktok_init(&t, 0, 0.9);
	add(&t, "p q");
	add(&t, "q p");
	add(&t, "s");
	dq_blocktok_list(&t, dedupe, guard, NULL);
	found = 0;
	UNIT_INT(dq_blocktok_pairs(&t, DQ_BLOCKS_DEDUPE, pair, NULL, NULL,
				   &found), 0, "0.81 under --min-weight 0.9");
	UNIT_INT(t.pruned, 1, "pruned once");
	dq_blocktok_release(&t);
	return unit_done();
}
