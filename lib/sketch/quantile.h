/*
 * quantile.h - a mergeable quantile sketch (KLL).
 *
 *	struct dq_quantile q;
 *	dq_quantile_init(&q, DQ_QUANTILE_K);
 *	dq_quantile_add(&q, x);                 (for each value; NaN ignored)
 *	dq_quantile_merge(&q, &other);          (q now summarizes both)
 *	double p50 = dq_quantile_get(&q, 0.5);
 *	dq_quantile_release(&q);
 *
 * Memory: about 3 k doubles whatever the input size (k = 200: under 5 KB
 * of items).  Rank error: see quantile.c (measured there and in
 * tests/unit/test_quantile.c; DQ_QUANTILE_RANK_ERROR is the stated bound).
 */
#ifndef DQ_QUANTILE_H
#define DQ_QUANTILE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define DQ_QUANTILE_K 200
#define DQ_QUANTILE_MAXLEV 60
/* Stated normalized rank error for k = 200 (99 % of queries). */
#define DQ_QUANTILE_RANK_ERROR 0.0165

struct dq_quantile {
	uint32_t k;
	uint32_t nlev;
	uint64_t n;                          /* values seen */
	uint64_t rng;                        /* compaction coin (xorshift) */
	double *lev[DQ_QUANTILE_MAXLEV];     /* items of weight 2^h; owned */
	uint32_t len[DQ_QUANTILE_MAXLEV];
	uint32_t alloc[DQ_QUANTILE_MAXLEV];
	size_t size;                         /* items held in all levels */
	/* Level capacities and their sum, for capnlev levels (a cache). */
	uint32_t cap[DQ_QUANTILE_MAXLEV];
	size_t tcap;
	uint32_t capnlev;
};

void dq_quantile_init(struct dq_quantile *q, uint32_t k);
void dq_quantile_release(struct dq_quantile *q);
void dq_quantile_add(struct dq_quantile *q, double x);
void dq_quantile_merge(struct dq_quantile *dst, const struct dq_quantile *src);
/* The value of rank phi * n (0 <= phi <= 1); NaN when empty. */
double dq_quantile_get(const struct dq_quantile *q, double phi);
/* The values of ranks phi[0..n) * n into out[0..n): as n calls of
 * dq_quantile_get, with one sort. */
void dq_quantile_getv(const struct dq_quantile *q, const double *phi,
		      size_t n, double *out);
/* Estimated fraction of values <= x; 0 when empty. */
double dq_quantile_cdf(const struct dq_quantile *q, double x);
/* 1 while no compaction happened (answers are exact). */
int dq_quantile_exact(const struct dq_quantile *q);

/* The state as a new cJSON object {k, n, levels: [[...], ...]} (caller
 * deletes), and back: 0, or -1 when j is not such an object (q is then
 * empty but initialized). */
cJSON *dq_quantile_save(const struct dq_quantile *q);
int dq_quantile_load(struct dq_quantile *q, const cJSON *j);

#endif
