/* Unit tests for lib/sketch/moments.c: hand-computed figures, merge equals one
 * pass, a large offset that breaks the naive formula. */
#include "sketch/moments.h"
#include "unit.h"

int
main(void)
{
	struct dq_moments m = DQ_MOMENTS_INIT, a = DQ_MOMENTS_INIT,
			  b = DQ_MOMENTS_INIT;
	const double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };

	UNIT_NEAR(dq_moments_stddev(&m), 0, 0, "empty stddev 0");
	UNIT_NEAR(dq_moments_skewness(&m), 0, 0, "empty skewness 0");
	for (int i = 0; i < 8; i++)
		dq_moments_add(&m, x[i]);
	UNIT_INT(m.n, 8, "n");
	UNIT_NEAR(m.mean, 5, 1e-15, "mean 5");
	UNIT_NEAR(dq_moments_stddev(&m), 2, 1e-15, "population stddev 2");
	UNIT_NEAR(dq_moments_sample_stddev(&m), sqrt(32.0 / 7), 1e-15,
		  "sample stddev sqrt(32/7)");
	/* Sum of cubed deviations: -27 -1 -1 -1 0 0 8 64 = 42;
	 * g1 = sqrt(8) * 42 / 32^1.5 = 0.65625. */
	UNIT_NEAR(dq_moments_skewness(&m), 0.65625, 1e-14, "skewness");
	UNIT_NEAR(m.min, 2, 0, "min");
	UNIT_NEAR(m.max, 9, 0, "max");
	UNIT_NEAR(m.sum, 40, 0, "sum");

	for (int i = 0; i < 3; i++)
		dq_moments_add(&a, x[i]);
	for (int i = 3; i < 8; i++)
		dq_moments_add(&b, x[i]);
	dq_moments_merge(&a, &b);
	UNIT_INT(a.n, 8, "merged n");
	UNIT_NEAR(a.mean, 5, 1e-15, "merged mean");
	UNIT_NEAR(a.m2, 32, 1e-13, "merged M2");
	UNIT_NEAR(a.m3, 42, 1e-12, "merged M3");
	UNIT_NEAR(a.min, 2, 0, "merged min");
	UNIT_NEAR(a.max, 9, 0, "merged max");

	struct dq_moments e = DQ_MOMENTS_INIT;
	dq_moments_merge(&e, &a);
	UNIT_NEAR(e.m3, a.m3, 0, "merge into empty copies");
	dq_moments_merge(&a, &(struct dq_moments)DQ_MOMENTS_INIT);
	UNIT_INT(a.n, 8, "merge of empty changes nothing");

	/* 1e9 + {4, 7, 13, 16}: variance 22.5 survives the offset. */
	struct dq_moments big = DQ_MOMENTS_INIT;
	dq_moments_add(&big, 1e9 + 4);
	dq_moments_add(&big, 1e9 + 7);
	dq_moments_add(&big, 1e9 + 13);
	dq_moments_add(&big, 1e9 + 16);
	UNIT_NEAR(dq_moments_stddev(&big), sqrt(22.5), 1e-6,
		  "no cancellation at a large offset");
	UNIT_NEAR(dq_moments_skewness(&big), 0, 1e-6, "symmetric: skew 0");

	struct dq_moments one = DQ_MOMENTS_INIT;
	dq_moments_add(&one, -3);
	UNIT_NEAR(dq_moments_stddev(&one), 0, 0, "one value: stddev 0");
	UNIT_NEAR(dq_moments_sample_stddev(&one), 0, 0, "one value: s 0");
	UNIT_NEAR(dq_moments_skewness(&one), 0, 0, "one value: skew 0");
	return unit_done();
}
