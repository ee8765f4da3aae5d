/*
 * reservoir.h - a uniform random sample of byte strings (Algorithm R).
 *
 *	struct dq_reservoir r;
 *	dq_reservoir_init(&r, 25, seed);
 *	dq_reservoir_add(&r, line, len);       (for each item of the stream)
 *	dq_reservoir_merge(&r, &other);        (a sample of both streams)
 *	r.item[i], r.len[i] for i < r.n        (borrowed, in no set order)
 *	dq_reservoir_release(&r);
 */
#ifndef DQ_RESERVOIR_H
#define DQ_RESERVOIR_H

#include <stddef.h>
#include <stdint.h>

struct dq_reservoir {
	size_t cap;
	size_t n;        /* items held: min(cap, seen) */
	uint64_t seen;   /* items offered */
	uint64_t rng;    /* xorshift64 state */
	char **item;     /* owned copies, NUL-terminated */
	size_t *len;
};

void dq_reservoir_init(struct dq_reservoir *r, size_t cap, uint64_t seed);
void dq_reservoir_release(struct dq_reservoir *r);
void dq_reservoir_add(struct dq_reservoir *r, const char *s, size_t len);
/* dst becomes a uniform sample of the union of both streams (src is not
 * changed). */
void dq_reservoir_merge(struct dq_reservoir *dst,
			const struct dq_reservoir *src);

#endif
