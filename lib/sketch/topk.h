/*
 * topk.h - the most frequent values of a stream (Misra-Gries summary).
 *
 *	struct dq_topk t;
 *	dq_topk_init(&t, 256);                   (counters kept)
 *	dq_topk_add(&t, val, len, hash);         (hash: any 64-bit hash of val)
 *	dq_topk_merge(&t, &other);
 *	n = dq_topk_sorted(&t, &items);          (by count, descending)
 *	dq_topk_release(&t);
 *
 * Counts are exact while dq_topk_exact() (fewer distinct values than
 * counters ever seen); otherwise each count is low by at most t.err, and
 * every value more frequent than total / (cap + 1) is held.
 */
#ifndef DQ_TOPK_H
#define DQ_TOPK_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct dq_topk_item {
	char *val;       /* copy of the value bytes, NUL-ended, in the pool */
	size_t len;
	uint64_t hash;
	uint64_t count;
};

struct dq_topk {
	size_t cap;      /* counters kept between operations */
	size_t n;        /* counters in use */
	struct dq_topk_item *item; /* icap items, up to 2 cap (a merge may
				    * need them) */
	size_t icap;     /* items allocated */
	uint64_t *slot;  /* hash table: item index + 1 and the hash's high
			  * 32 bits above it; 0 free */
	size_t nslot;    /* a power of two >= 2 icap */
	uint64_t total;  /* values added */
	uint64_t err;    /* upper bound on the undercount of any count */
	char *pool;      /* the values; owned */
	size_t poollen, poolcap, live;
};

void dq_topk_init(struct dq_topk *t, size_t cap);
void dq_topk_release(struct dq_topk *t);
/* Returns 1 when val was already counted (so it was seen before), else 0. */
int dq_topk_add(struct dq_topk *t, const char *val, size_t len,
		uint64_t hash);
/* Ask the CPU to load the slot a value of this hash probes first: called
 * some values ahead, it hides the cache miss of the lookup.
 * Always inlined: GCC 12 takes a function made only of prefetches for
 * one without effects, and drops its calls. */
static inline __attribute__((always_inline)) void
dq_topk_prefetch(const struct dq_topk *t, uint64_t hash)
{
	__builtin_prefetch(&t->slot[(size_t)hash & (t->nslot - 1)]);
}

/* dst becomes a summary of both inputs with the same cap (Agarwal et al.
 * 2012 merge); dst->err grows by src->err and the merge's own cut. */
void dq_topk_merge(struct dq_topk *dst, const struct dq_topk *src);
int dq_topk_exact(const struct dq_topk *t);
/* Sort t's items by count descending (ties by value bytes) in place and
 * point *items at them (borrowed until the next change of t); returns n. */
size_t dq_topk_sorted(struct dq_topk *t, const struct dq_topk_item **items);

/* State as a new cJSON object {cap, total, err, items:[[val,count]...]}
 * (values as strings: the bytes must be UTF-8), and back (t initialized by
 * this call; returns 0, or -1 on a malformed object with t left empty).
 * The hash of each loaded value is recomputed with hashfn. */
cJSON *dq_topk_save(const struct dq_topk *t);
int dq_topk_load(struct dq_topk *t, const cJSON *j,
		 uint64_t (*hashfn)(const void *, size_t));

#endif
