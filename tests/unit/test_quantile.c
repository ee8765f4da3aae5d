/* Unit tests for lib/sketch/quantile.c: exact for small n, rank error within
 * DQ_QUANTILE_RANK_ERROR on known distributions, merge, save/load. */
#include <stdlib.h>

#include "sketch/quantile.h"
#include "unit.h"

static const double phis[] = { 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99 };

/* Values are 0..n-1 in some order, so the true rank of v is v itself. */
static void
check_ranks(const struct dq_quantile *q, uint64_t n, const char *name)
{
	char what[120];
	for (size_t i = 0; i < sizeof(phis) / sizeof(*phis); i++) {
		double v = dq_quantile_get(q, phis[i]);
		snprintf(what, sizeof(what), "%s: p%g rank error within bound",
			 name, phis[i] * 100);
		UNIT_NEAR(v / (double)n, phis[i], DQ_QUANTILE_RANK_ERROR,
			  what);
	}
}

static uint64_t rs = 88172645463325252ull;
static uint64_t
rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

int
main(void)
{
	struct dq_quantile q, b;
	const uint64_t n = 1000000;

	dq_quantile_init(&q, DQ_QUANTILE_K);
	UNIT_OK(isnan(dq_quantile_get(&q, 0.5)), "empty: NaN");
	UNIT_NEAR(dq_quantile_cdf(&q, 1), 0, 0, "empty cdf 0");
	for (int i = 1; i <= 100; i++)
		dq_quantile_add(&q, i);
	dq_quantile_add(&q, NAN);
	UNIT_INT(q.n, 100, "NaN is ignored");
	UNIT_OK(dq_quantile_exact(&q), "100 values: exact");
	UNIT_NEAR(dq_quantile_get(&q, 0.5), 50, 0, "exact median");
	UNIT_NEAR(dq_quantile_get(&q, 0.99), 99, 0, "exact p99");
	UNIT_NEAR(dq_quantile_get(&q, 0), 1, 0, "phi 0 is the minimum");
	UNIT_NEAR(dq_quantile_get(&q, 1), 100, 0, "phi 1 is the maximum");
	UNIT_NEAR(dq_quantile_cdf(&q, 25), 0.25, 0, "exact cdf");
	dq_quantile_release(&q);

	/* Sorted input, the adversarial order for naive sampling. */
	dq_quantile_init(&q, DQ_QUANTILE_K);
	for (uint64_t i = 0; i < n; i++)
		dq_quantile_add(&q, (double)i);
	UNIT_OK(!dq_quantile_exact(&q), "1M values: compacted");
	UNIT_OK(q.size < 4 * DQ_QUANTILE_K, "memory stays about 3k items");
	check_ranks(&q, n, "sorted 0..1M");
	UNIT_NEAR(dq_quantile_cdf(&q, n / 2), 0.5, DQ_QUANTILE_RANK_ERROR,
		  "cdf at the median");

	/* Several ranks at once: the same values as one at a time. */
	{
		double v[sizeof(phis) / sizeof(*phis)];
		int same = 1;
		dq_quantile_getv(&q, phis, sizeof(phis) / sizeof(*phis), v);
		for (size_t i = 0; i < sizeof(phis) / sizeof(*phis); i++)
			same &= v[i] == dq_quantile_get(&q, phis[i]);
		UNIT_OK(same, "getv equals get rank by rank");
	}
	dq_quantile_release(&q);

	/* Reverse order. */
	dq_quantile_init(&q, DQ_QUANTILE_K);
	for (uint64_t i = n; i-- > 0;)
		dq_quantile_add(&q, (double)i);
	check_ranks(&q, n, "reversed");
	dq_quantile_release(&q);

	/* A random permutation (multiplicative: i * 7919 mod a prime). */
	const uint64_t p = 1000003;
	dq_quantile_init(&q, DQ_QUANTILE_K);
	for (uint64_t i = 0; i < p; i++)
		dq_quantile_add(&q, (double)(i * 7919 % p));
	check_ranks(&q, p, "permuted");

	/* Merge: two halves of the permutation. */
	dq_quantile_init(&b, DQ_QUANTILE_K);
	struct dq_quantile a;
	dq_quantile_init(&a, DQ_QUANTILE_K);
	for (uint64_t i = 0; i < p; i++)
		dq_quantile_add(i < p / 3 ? &a : &b, (double)(i * 7919 % p));
	dq_quantile_merge(&a, &b);
	UNIT_INT(a.n, p, "merged n");
	check_ranks(&a, p, "merged thirds");

	/* Save and load. */
	cJSON *j = dq_quantile_save(&a);
	struct dq_quantile c;
	UNIT_INT(dq_quantile_load(&c, j), 0, "load");
	UNIT_NEAR(dq_quantile_get(&c, 0.5), dq_quantile_get(&a, 0.5), 0,
		  "loaded median equals");
	dq_quantile_release(&c);
	cJSON_ReplaceItemInObject(j, "n", cJSON_CreateNumber(5));
	UNIT_INT(dq_quantile_load(&c, j), -1, "weights not adding to n");
	cJSON_Delete(j);
	j = cJSON_Parse("{\"k\":200,\"n\":1,\"levels\":[[\"x\"]]}");
	UNIT_INT(dq_quantile_load(&c, j), -1, "non-number item refused");
	cJSON_Delete(j);
	dq_quantile_release(&a);
	dq_quantile_release(&b);
	dq_quantile_release(&q);

	/* Skewed: exponential, checked against its exact quantiles. */
	dq_quantile_init(&q, DQ_QUANTILE_K);
	for (uint64_t i = 0; i < n; i++) {
		double u = ((double)(rnd() >> 11) + 0.5) / 9007199254740992.0;
		dq_quantile_add(&q, -log(u));
	}
	for (size_t i = 0; i < sizeof(phis) / sizeof(*phis); i++) {
		double v = dq_quantile_get(&q, phis[i]);
		/* CDF of Exp(1) at v is 1 - e^-v. */
		UNIT_NEAR(1 - exp(-v), phis[i],
			  DQ_QUANTILE_RANK_ERROR + 0.002,
			  "exponential quantile within bound (+ sampling)");
	}
	dq_quantile_release(&q);
	return unit_done();
}
