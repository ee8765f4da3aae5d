/*
 * hll.h - distinct counting: exact for small sets, then HyperLogLog.
 *
 *	struct dq_hll h;
 *	dq_hll_init(&h);
 *	dq_hll_add(&h, XXH3_64bits(value, len));   (one 64-bit hash per value)
 *	double d = dq_hll_count(&h);               (exact while dq_hll_exact)
 *	dq_hll_release(&h);
 *
 * Callers hash the values themselves (any good 64-bit hash; dq uses XXH3)
 * so that a value hashed once can feed several sketches.  Two sketches
 * merge exactly: dq_hll_merge(a, b) gives the sketch of the union.
 *
 * Memory: 16 to 2 * DQ_HLL_EXACT 64-bit hash slots (128 bytes to 32 KB,
 * twice the distinct values met) in exact mode, then
 * 2^DQ_HLL_P one-byte registers (16 KB).  Standard error in HLL mode:
 * 1.04 / sqrt(2^14) = 0.81 %.
 */
#ifndef DQ_HLL_H
#define DQ_HLL_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

#define DQ_HLL_P 14
#define DQ_HLL_M (1u << DQ_HLL_P)
#define DQ_HLL_EXACT 2048
/* Relative standard error of the estimate in HLL mode. */
#define DQ_HLL_STDERR 0.008125

struct dq_hll {
	uint64_t *set;   /* exact mode: open-addressing set of hashes; owned */
	size_t nset;     /* hashes in set */
	size_t cap;      /* slots in set, a power of two (0: none yet) */
	uint8_t *reg;    /* HLL mode: DQ_HLL_M registers; owned; NULL before */
};

void dq_hll_init(struct dq_hll *h);
void dq_hll_release(struct dq_hll *h);
void dq_hll_add(struct dq_hll *h, uint64_t hash);

/* Ask the CPU to load the register dq_hll_add(h, x) will touch: called
 * some values ahead, it hides the cache miss.  (In exact mode, a few
 * thousand hashes, there is nothing to ask for.)
 * Always inlined: GCC 12 takes a function made only of prefetches for
 * one without effects, and drops its calls. */
static inline __attribute__((always_inline)) void
dq_hll_prefetch(const struct dq_hll *h, uint64_t x)
{
	if (h->reg)
		__builtin_prefetch(&h->reg[x >> (64 - DQ_HLL_P)]);
}

/* 1 while the count is exact (at most DQ_HLL_EXACT distinct hashes). */
int dq_hll_exact(const struct dq_hll *h);
double dq_hll_count(const struct dq_hll *h);
/* dst becomes the sketch of the union of dst's and src's inputs. */
void dq_hll_merge(struct dq_hll *dst, const struct dq_hll *src);

/*
 * Serialize to text (appended to out): "x:" then 16 hex digits per hash in
 * exact mode, "h:" then the registers as 2 hex digits each in HLL mode.
 * dq_hll_load() reads that text back into a fresh (initialized) sketch and
 * returns 0, or -1 if the text is malformed (h is then empty).
 */
void dq_hll_save(const struct dq_hll *h, struct dq_buf *out);
int dq_hll_load(struct dq_hll *h, const char *s, size_t n);

#endif
