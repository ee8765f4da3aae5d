/* Unit tests for lib/sketch/dupsketch.c: exact counts, the estimate within 3
 * standard errors on known duplicates, merge equal to one sketch, text
 * round trip, malformed text. */
#include <math.h>
#include <string.h>
#include <xxhash.h>

#include "sketch/dupsketch.h"
#include "unit.h"

static uint64_t
h64(uint64_t i)
{
	return XXH3_64bits(&i, sizeof(i));
}

/* n distinct items, then d copies of earlier items (item i * 7 mod n). */
static void
feed(struct dq_dupsketch *s, uint64_t from, uint64_t to, uint64_t n)
{
	for (uint64_t i = from; i < to; i++)
		dq_dupsketch_add(s, h64(i < n ? i : (i * 7) % n));
}

int
main(void)
{
	struct dq_dupsketch a, b, c;
	struct dq_buf t = DQ_BUF_INIT;

	dq_dupsketch_init(&a);
	UNIT_INT((long long)dq_dupsketch_count(&a), 0, "empty: no duplicates");
	UNIT_OK(dq_dupsketch_exact(&a), "empty is exact");
	dq_dupsketch_add(&a, 0);
	dq_dupsketch_add(&a, 0);
	dq_dupsketch_add(&a, 2);
	UNIT_INT((long long)dq_dupsketch_count(&a), 1,
		 "hash 0 is an item like any other (kept as 1)");
	dq_dupsketch_release(&a);

	/* Exact: 60000 distinct items and 5000 copies. */
	dq_dupsketch_init(&a);
	feed(&a, 0, 65000, 60000);
	UNIT_OK(dq_dupsketch_exact(&a), "60000 distinct: exact");
	UNIT_INT((long long)dq_dupsketch_count(&a), 5000, "5000 duplicates");
	UNIT_INT((long long)dq_dupsketch_stderr(&a), 0, "no error when exact");
	dq_dupsketch_release(&a);

	/* Sampled: 1M distinct, 20000 copies; level 4 (p = 1/16), standard
	 * error about sqrt(20000 * 15) = 548. */
	dq_dupsketch_init(&a);
	feed(&a, 0, 1020000, 1000000);
	UNIT_OK(!dq_dupsketch_exact(&a), "1M distinct: estimated");
	UNIT_INT(a.level, 4, "level 4 for 1M distinct");
	UNIT_OK(a.n <= DQ_DUPSKETCH_CAP, "within capacity");
	UNIT_NEAR(dq_dupsketch_stderr(&a), 548, 80, "standard error");
	UNIT_NEAR(dq_dupsketch_count(&a), 20000,
		  3 * dq_dupsketch_stderr(&a), "estimate within 3 sigma");

	/* A merge of three parts is the sketch of the whole stream. */
	dq_dupsketch_init(&b);
	dq_dupsketch_init(&c);
	feed(&b, 0, 400000, 1000000);
	feed(&c, 400000, 1020000, 1000000);
	dq_dupsketch_merge(&b, &c);
	UNIT_INT(b.level, a.level, "merged level");
	UNIT_INT(b.n, a.n, "merged size");
	UNIT_OK(dq_dupsketch_count(&b) == dq_dupsketch_count(&a),
		"merged estimate equals one sketch");

	/* Text round trip. */
	dq_dupsketch_save(&a, &t);
	dq_dupsketch_release(&c);
	dq_dupsketch_init(&c);
	UNIT_INT(dq_dupsketch_load(&c, t.buf), 0, "load what was saved");
	UNIT_OK(dq_dupsketch_count(&c) == dq_dupsketch_count(&a) &&
		c.level == a.level, "loaded sketch equals the saved one");
	dq_dupsketch_release(&c);
	static const char *const bad[] = { "", "x:", "65:", "0:12", "0:12,0;",
					   "0:0,1;", "1:ffffffffffffffff,1;",
					   "0:zz,1;", "+0:", "0:12,+1;",
					   "0:12,1", "0:12,99999999999999999999;",
					   "0:00000000000000012,1;" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		dq_dupsketch_init(&c);
		UNIT_INT(dq_dupsketch_load(&c, bad[i]), -1, bad[i]);
		dq_dupsketch_release(&c);
	}
	dq_buf_release(&t);
	dq_dupsketch_release(&a);
	dq_dupsketch_release(&b);
	return unit_done();
}
