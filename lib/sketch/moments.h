/*
 * moments.h - streaming, mergeable count, mean, variance and skewness.
 *
 *	struct dq_moments m = DQ_MOMENTS_INIT;
 *	dq_moments_add(&m, x);             (for each value)
 *	dq_moments_merge(&m, &other);      (m now covers both inputs)
 *	dq_moments_stddev(&m), dq_moments_skewness(&m)
 *
 * No allocation: the struct is the whole state.
 */
#ifndef DQ_MOMENTS_H
#define DQ_MOMENTS_H

#include <stdint.h>

struct dq_moments {
	uint64_t n;
	double mean;
	double m2; /* sum of squared deviations from the mean */
	double m3; /* sum of cubed deviations from the mean */
	double sum;
	double min, max;
};

#define DQ_MOMENTS_INIT { 0, 0, 0, 0, 0, 0, 0 }

void dq_moments_add(struct dq_moments *m, double x);
void dq_moments_merge(struct dq_moments *dst, const struct dq_moments *src);
/* Population standard deviation (divide by n); 0 when n is 0. */
double dq_moments_stddev(const struct dq_moments *m);
/* Sample standard deviation (divide by n - 1); 0 for n < 2. */
double dq_moments_sample_stddev(const struct dq_moments *m);
/* Population skewness g1 = sqrt(n) m3 / m2^1.5; 0 when m2 is 0. */
double dq_moments_skewness(const struct dq_moments *m);

#endif
