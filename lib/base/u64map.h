/*
 * u64map.h - a map from 64-bit keys to one byte each: open addressing,
 * linear probing on XXH3-64 of the key, at most half full, growing by
 * doubling from 256 slots.  Slot order is a function of the keys put (in
 * their order), so walking the slots is repeatable from run to run.
 *
 * dq-merge keeps a person's decisions in one (key: the pair of ids,
 * value: the decision and whether it was applied); dq-block --from-keys
 * its skipped blocks (key: rule and key hash); the Fellegi-Sunter trainer
 * the ids it has seen (key: their hash).  The key 0 is kept apart
 * (slot 0 in a key array means empty) and comes last in a walk.
 */
#ifndef DQ_U64MAP_H
#define DQ_U64MAP_H

#include <stddef.h>
#include <stdint.h>

struct dq_u64map {
	uint64_t *key; /* 0: empty slot (owned) */
	uint8_t *val;  /* (owned) */
	size_t cap, n;
	int has_zero;  /* the key 0 is in the map, with zero_val */
	uint8_t zero_val;
};

void dq_u64map_init(struct dq_u64map *m);
void dq_u64map_release(struct dq_u64map *m);

/* Set key k's value to v (a new key or not). */
void dq_u64map_put(struct dq_u64map *m, uint64_t k, uint8_t v);

/* Key k's value, to read or change, or NULL when k is not in the map.
 * Valid until the next put. */
uint8_t *dq_u64map_get(struct dq_u64map *m, uint64_t k);

/* Walk the map: start with *it = 0; 1 with the next key and its value,
 * 0 at the end. */
int dq_u64map_next(struct dq_u64map *m, size_t *it, uint64_t *k,
		   uint8_t **v);

#endif
