/*
 * dupsketch.h - how many items of a stream repeat an earlier one.
 *
 *	struct dq_dupsketch d;
 *	dq_dupsketch_init(&d);
 *	dq_dupsketch_add(&d, XXH3_64bits(line, len));  (one hash per item)
 *	double dups = dq_dupsketch_count(&d);          (exact while level 0)
 *	dq_dupsketch_release(&d);
 *
 * Exact (up to 64-bit hash collisions) while the stream has at most
 * DQ_DUPSKETCH_CAP distinct items; then an unbiased estimate from a hash
 * sample of the distinct items, with its standard error from
 * dq_dupsketch_stderr().  Two sketches merge exactly: the merge is the
 * sketch of the concatenated streams.  Memory: at most 4 DQ_DUPSKETCH_CAP
 * slots of 16 bytes (4 MB).
 */
#ifndef DQ_DUPSKETCH_H
#define DQ_DUPSKETCH_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

#define DQ_DUPSKETCH_CAP 65536

struct dq_dupsketch {
	uint64_t *hash;   /* open addressing; 0 marks a free slot; owned */
	uint64_t *count;  /* occurrences of each kept hash; owned */
	size_t nslot;     /* a power of two */
	size_t n;         /* hashes kept */
	unsigned level;   /* kept: hashes whose top `level` bits are 0 */
};

/* Ask the CPU to load the slot dq_dupsketch_add(d, h) will probe first:
 * called some items ahead, it hides the cache misses (the table grows to
 * 4 MB).
 * Always inlined: GCC 12 takes a function made only of prefetches for
 * one without effects, and drops its calls. */
static inline __attribute__((always_inline)) void
dq_dupsketch_prefetch(const struct dq_dupsketch *d, uint64_t h)
{
	size_t i = (size_t)(h ^ (h >> 29)) & (d->nslot - 1);
	__builtin_prefetch(&d->hash[i]);
	__builtin_prefetch(&d->count[i]);
}

void dq_dupsketch_init(struct dq_dupsketch *d);
void dq_dupsketch_release(struct dq_dupsketch *d);
void dq_dupsketch_add(struct dq_dupsketch *d, uint64_t hash);
/* 1 while the count is exact (nothing has been sampled away). */
int dq_dupsketch_exact(const struct dq_dupsketch *d);
/* Items that repeat an earlier item (items minus distinct items). */
double dq_dupsketch_count(const struct dq_dupsketch *d);
/* Estimated standard error of dq_dupsketch_count (0 while exact). */
double dq_dupsketch_stderr(const struct dq_dupsketch *d);
/* dst becomes the sketch of both streams. */
void dq_dupsketch_merge(struct dq_dupsketch *dst,
			const struct dq_dupsketch *src);

/* Text form, appended to out: "L:" (the level, decimal) then
 * "HASH,COUNT;" per kept hash (hex, decimal).  dq_dupsketch_load reads it
 * into an initialized, empty sketch: 0, or -1 when malformed. */
void dq_dupsketch_save(const struct dq_dupsketch *d, struct dq_buf *out);
int dq_dupsketch_load(struct dq_dupsketch *d, const char *s);

#endif
