/*
 * keyset.h - an exact set of keys held as 128-bit hashes.
 *
 * For uniqueness checks and reference look-ups over millions of keys: a
 * key is hashed with XXH3-128 and only the 16-byte hash is kept, so memory
 * does not depend on the key's length.  Two different keys are taken as
 * equal only if their 128-bit hashes collide, which for n keys happens
 * with probability about n^2 / 2^129 (1e-20 for 1e9 keys): exact for
 * every practical purpose, and stated as such in the docs.
 *
 * Memory: the table is an open-addressing array of 16-byte slots kept
 * between 3/8 and 3/4 full, so 21 to 43 bytes per distinct key, plus the
 * old table for the moment of a resize.
 */
#ifndef DQ_KEYSET_H
#define DQ_KEYSET_H

#include <stddef.h>
#include <stdint.h>

struct dq_keyset {
	uint64_t *slots; /* 2 words per slot: low, high; owned */
	size_t cap;      /* slots, a power of two (0 before the first add) */
	size_t n;        /* keys held */
};

void dq_keyset_init(struct dq_keyset *s);
void dq_keyset_release(struct dq_keyset *s);

/* Add the key (n bytes, any content): 1 if it was new, 0 if present. */
int dq_keyset_add(struct dq_keyset *s, const void *key, size_t n);

/* 1 if the key is in the set, else 0. */
int dq_keyset_has(const struct dq_keyset *s, const void *key, size_t n);

/*
 * An add split in two, so that the table's cache miss (the set of a few
 * million keys is far larger than the cache) can overlap other work:
 * dq_keyset_hash computes the key's hash, dq_keyset_prefetch asks the CPU
 * for its slot, and dq_keyset_add_hash, later, does what dq_keyset_add
 * does.  The hash does not depend on the set.
 */
struct dq_keyhash {
	uint64_t lo, hi;
};
void dq_keyset_hash(const void *key, size_t n, struct dq_keyhash *h);
void dq_keyset_prefetch(const struct dq_keyset *s, const struct dq_keyhash *h);
int dq_keyset_add_hash(struct dq_keyset *s, const struct dq_keyhash *h);

/* Bytes of memory the table uses now. */
size_t dq_keyset_bytes(const struct dq_keyset *s);

#endif
