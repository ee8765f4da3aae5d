/*
 * quantile.c - the KLL quantile sketch.
 *
 * Algorithm.  Z. Karnin, K. Lang, E. Liberty, "Optimal Quantile
 * Approximation in Streams", FOCS 2016 (arXiv:1603.05346), in the simple
 * practical form also used by Apache DataSketches: a stack of compactors.
 * Level h holds items that each stand for 2^h input values.  Level h may
 * hold cap(h) = max(2, floor(k (2/3)^(H-1-h))) items, H the number of
 * levels, so the top level holds k and lower levels geometrically fewer.
 * Values enter level 0.  When the sketch holds more than the sum of the
 * capacities, the lowest level at or over its capacity is compacted: it is
 * sorted, a fair coin picks the odd or the even positions, those items move
 * up one level (their weight doubles) and the others are dropped; with an
 * odd count the largest item stays behind.  Total weight stays exactly n.
 * Merging two sketches concatenates their levels and compacts until the
 * sum of capacities holds again; the result is a valid KLL sketch of the
 * union (the mergeability the paper proves).
 *
 * Memory layout.  One growable array of doubles per level (at most
 * DQ_QUANTILE_MAXLEV levels, enough for 2^60 values); about 3k items held.
 *
 * Error.  The paper bounds the rank error by eps n with k = O((1/eps)
 * sqrt(log(1/delta))).  For k = 200 DataSketches reports a normalized rank
 * error of 1.65 % at 99 % confidence; that is the bound dq states
 * (DQ_QUANTILE_RANK_ERROR), and tests/unit/test_quantile.c checks it on
 * known distributions (uniform, skewed, sorted input, merged halves).  The
 * answers are exact while nothing was compacted (n <= k).  The coin is a
 * fixed-seed xorshift generator, so a run is reproducible.
 */
#include <math.h>
#include <stdlib.h>

#include "sketch/quantile.h"
#include "base/rng.h"
#include "base/util.h"

void
dq_quantile_init(struct dq_quantile *q, uint32_t k)
{
	memset(q, 0, sizeof(*q));
	q->k = k < 8 ? 8 : k;
	q->nlev = 1;
	q->rng = 0x2545f4914f6cdd1dull;
}

void
dq_quantile_release(struct dq_quantile *q)
{
	for (uint32_t h = 0; h < DQ_QUANTILE_MAXLEV; h++)
		free(q->lev[h]);
	dq_quantile_init(q, q->k);
}

/* The capacities of the levels depend only on k and the number of
 * levels, so they are computed again only when that number changed:
 * with many levels, level 0 holds 2 items and the checks after every
 * other value would otherwise recompute them all. */
static void
caps_update(struct dq_quantile *q)
{
	double pw = 1; /* (2/3)^d, d the depth below the top level */
	q->tcap = 0;
	for (uint32_t d = 0; d < q->nlev; d++) {
		uint32_t h = q->nlev - 1 - d;
		double c = q->k * pw;
		q->cap[h] = c < 2 ? 2 : (uint32_t)c;
		q->tcap += q->cap[h];
		pw *= 2.0 / 3.0;
	}
	q->capnlev = q->nlev;
}

/* Capacity of level h. */
static uint32_t
cap(struct dq_quantile *q, uint32_t h)
{
	if (q->capnlev != q->nlev)
		caps_update(q);
	return q->cap[h];
}

static size_t
total_cap(struct dq_quantile *q)
{
	if (q->capnlev != q->nlev)
		caps_update(q);
	return q->tcap;
}

static void
push(struct dq_quantile *q, uint32_t h, double x)
{
	if (q->len[h] == q->alloc[h]) {
		q->alloc[h] = q->alloc[h] ? 2 * q->alloc[h] : 16;
		q->lev[h] = dq_xrealloc(q->lev[h],
					q->alloc[h] * sizeof(double));
	}
	q->lev[h][q->len[h]++] = x;
	q->size++;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sort doubles ascending (no NaN here): insertion sort for short runs,
 * else quicksort on the median of three.  Compaction sorts a level on
 * nearly every call, and qsort's indirect compare and merge buffer cost
 * more than the sorting itself. */
static void
sort_doubles(double *v, size_t n)
{
	while (n > 16) {
		double a = v[0], b = v[n / 2], c = v[n - 1], p, t;
		size_t i = 0, j = n - 1;
		p = a < b ? (b < c ? b : a < c ? c : a) :
			    (a < c ? a : b < c ? c : b);
		for (;;) {
			while (v[i] < p)
				i++;
			while (v[j] > p)
				j--;
			if (i >= j)
				break;
			t = v[i];
			v[i++] = v[j];
			v[j--] = t;
		}
		/* Recurse into the smaller side, loop on the larger. */
		if (j + 1 < n - j - 1) {
			sort_doubles(v, j + 1);
			v += j + 1;
			n -= j + 1;
		} else {
			sort_doubles(v + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	for (size_t i = 1; i < n; i++) {
		double x = v[i];
		size_t k = i;
		for (; k > 0 && v[k - 1] > x; k--)
			v[k] = v[k - 1];
		v[k] = x;
	}
}

static int
coin(struct dq_quantile *q)
{
	return (int)(dq_rng_xorshift64(&q->rng) >> 63);
}

static void
compact(struct dq_quantile *q)
{
	while (q->size > total_cap(q)) {
		uint32_t h = 0;
		while (h < q->nlev && q->len[h] < cap(q, h))
			h++;
		if (h == q->nlev)
			return; /* cannot happen: size > sum of capacities */
		if (h + 1 == q->nlev) {
			if (q->nlev == DQ_QUANTILE_MAXLEV)
				return;
			q->nlev++;
		}
		double *v = q->lev[h];
		uint32_t n = q->len[h], keep = n & 1, off = (uint32_t)coin(q);
		sort_doubles(v, n);
		for (uint32_t i = off; i < n - keep; i += 2)
			push(q, h + 1, v[i]);
		q->size -= n;
		q->len[h] = 0;
		if (keep) {
			v[0] = v[n - 1];
			q->len[h] = 1;
			q->size++;
		}
	}
}

void
dq_quantile_add(struct dq_quantile *q, double x)
{
	if (isnan(x))
		return;
	push(q, 0, x);
	q->n++;
	/* Level 0 fills first; only then can the sum of capacities be
	 * exceeded, so the full check runs rarely. */
	if (q->len[0] >= cap(q, 0) && q->size > total_cap(q))
		compact(q);
}

void
dq_quantile_merge(struct dq_quantile *dst, const struct dq_quantile *src)
{
	while (dst->nlev < src->nlev)
		dst->nlev++;
	for (uint32_t h = 0; h < src->nlev; h++)
		for (uint32_t i = 0; i < src->len[h]; i++)
			push(dst, h, src->lev[h][i]);
	dst->n += src->n;
	compact(dst);
}

int
dq_quantile_exact(const struct dq_quantile *q)
{
	return q->nlev == 1;
}

struct witem {
	double x;
	uint64_t w;
};

static int
cmp_witem(const void *a, const void *b)
{
	return cmp_double(&((const struct witem *)a)->x,
			  &((const struct witem *)b)->x);
}

static struct witem *
gather(const struct dq_quantile *q)
{
	struct witem *v = dq_xmalloc((q->size + 1) * sizeof(*v));
	size_t j = 0;
	for (uint32_t h = 0; h < q->nlev; h++)
		for (uint32_t i = 0; i < q->len[h]; i++) {
			v[j].x = q->lev[h][i];
			v[j++].w = (uint64_t)1 << h;
		}
	qsort(v, j, sizeof(*v), cmp_witem);
	return v;
}

void
dq_quantile_getv(const struct dq_quantile *q, const double *phi, size_t n,
		 double *out)
{
	struct witem *v;
	if (!q->size) {
		for (size_t k = 0; k < n; k++)
			out[k] = NAN;
		return;
	}
	/* One sort of the items for all the ranks asked. */
	v = gather(q);
	for (size_t k = 0; k < n; k++) {
		double target = phi[k] * (double)q->n, r = v[0].x;
		uint64_t cum = 0;
		/* The smallest item whose cumulative weight reaches the
		 * target rank (rank 1-based: phi = 0 gives the minimum
		 * held). */
		for (size_t i = 0; i < q->size; i++) {
			cum += v[i].w;
			r = v[i].x;
			if ((double)cum >= target)
				break;
		}
		out[k] = r;
	}
	free(v);
}

double
dq_quantile_get(const struct dq_quantile *q, double phi)
{
	double r;
	dq_quantile_getv(q, &phi, 1, &r);
	return r;
}

double
dq_quantile_cdf(const struct dq_quantile *q, double x)
{
	uint64_t cum = 0;
	if (!q->n)
		return 0;
	for (uint32_t h = 0; h < q->nlev; h++)
		for (uint32_t i = 0; i < q->len[h]; i++)
			if (q->lev[h][i] <= x)
				cum += (uint64_t)1 << h;
	return (double)cum / (double)q->n;
}

cJSON *
dq_quantile_save(const struct dq_quantile *q)
{
	cJSON *j = cJSON_CreateObject(), *levs = cJSON_CreateArray();
	cJSON_AddNumberToObject(j, "k", q->k);
	cJSON_AddNumberToObject(j, "n", (double)q->n);
	for (uint32_t h = 0; h < q->nlev; h++)
		cJSON_AddItemToArray(levs, cJSON_CreateDoubleArray(q->lev[h] ?
				     q->lev[h] : (double[]){ 0 },
				     (int)q->len[h]));
	cJSON_AddItemToObject(j, "levels", levs);
	return j;
}

int
dq_quantile_load(struct dq_quantile *q, const cJSON *j)
{
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(j, "k");
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(j, "n");
	const cJSON *levs = cJSON_GetObjectItemCaseSensitive(j, "levels"), *l;
	uint32_t h = 0;
	uint64_t nn;

	if (!cJSON_IsNumber(k) || !cJSON_IsNumber(n) || !cJSON_IsArray(levs) ||
	    k->valuedouble < 8 || k->valuedouble > 65536 ||
	    dq_double_to_u64(n->valuedouble, &nn))
		return -1;
	dq_quantile_init(q, (uint32_t)k->valuedouble);
	cJSON_ArrayForEach(l, levs) {
		const cJSON *x;
		if (h == DQ_QUANTILE_MAXLEV || !cJSON_IsArray(l))
			goto bad;
		cJSON_ArrayForEach(x, l) {
			if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble))
				goto bad;
			push(q, h, x->valuedouble);
		}
		h++;
	}
	q->nlev = h ? h : 1;
	q->n = nn;
	/* The weights must add up to n, or queries would be wrong. */
	uint64_t w = 0;
	for (h = 0; h < q->nlev; h++)
		w += (uint64_t)q->len[h] << h;
	if (w != q->n)
		goto bad;
	return 0;
bad:
	dq_quantile_release(q);
	return -1;
}
