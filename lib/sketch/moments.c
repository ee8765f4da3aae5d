/*
 * moments.c - streaming, mergeable central moments.
 *
 * Algorithm.  One pass with Welford's update (B. P. Welford, "Note on a
 * method for calculating corrected sums of squares and products",
 * Technometrics 4(3), 1962) extended to the third moment, and the pairwise
 * combination of two partial results from P. Pébay, "Formulas for robust,
 * one-pass parallel computation of covariances and arbitrary-order
 * statistical moments", Sandia report SAND2008-6212, eq. 1.1 and 2.1:
 *
 *	d = mean_b - mean_a, n = na + nb
 *	mean = mean_a + d nb / n
 *	M2 = M2a + M2b + d^2 na nb / n
 *	M3 = M3a + M3b + d^3 na nb (na - nb) / n^2 + 3 d (na M2b - nb M2a) / n
 *
 * Adding one value is the merge with nb = 1, M2b = M3b = 0.  Unlike the
 * textbook sum-of-squares formula this does not cancel catastrophically
 * when the mean is large beside the spread.
 *
 * Exactness.  Counts, min, max are exact; mean and moments are floating
 * point, so a merge of partials equals one pass up to rounding (relative
 * difference of order 1e-15 per merge), not bit for bit.
 */
#include <math.h>

#include "sketch/moments.h"

static void
combine(struct dq_moments *a, uint64_t nb, double meanb, double m2b,
	double m3b)
{
	double na = (double)a->n, fb = (double)nb, n = na + fb;
	double d = meanb - a->mean, dn = d / n;

	a->m3 += m3b + d * dn * dn * na * fb * (na - fb) +
		 3 * dn * (na * m2b - fb * a->m2);
	a->m2 += m2b + d * dn * na * fb;
	a->mean += dn * fb;
	a->n += nb;
}

void
dq_moments_add(struct dq_moments *m, double x)
{
	if (!m->n) {
		m->min = m->max = x;
	} else {
		if (x < m->min)
			m->min = x;
		if (x > m->max)
			m->max = x;
	}
	m->sum += x;
	combine(m, 1, x, 0, 0);
}

void
dq_moments_merge(struct dq_moments *dst, const struct dq_moments *src)
{
	if (!src->n)
		return;
	if (!dst->n) {
		*dst = *src;
		return;
	}
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	dst->sum += src->sum;
	combine(dst, src->n, src->mean, src->m2, src->m3);
}

double
dq_moments_stddev(const struct dq_moments *m)
{
	return m->n ? sqrt(m->m2 / (double)m->n) : 0;
}

double
dq_moments_sample_stddev(const struct dq_moments *m)
{
	return m->n > 1 ? sqrt(m->m2 / (double)(m->n - 1)) : 0;
}

double
dq_moments_skewness(const struct dq_moments *m)
{
	if (!m->n || m->m2 <= 0)
		return 0;
	return sqrt((double)m->n) * m->m3 / pow(m->m2, 1.5);
}
