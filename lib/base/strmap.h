/*
 * strmap.h - a map from byte strings to indexes, for names: columns,
 * fields, keys seen.  The one hand-written hash table for strings: a
 * program that needs "have I seen this name, and where is it?" uses this.
 *
 * Keys are copied (the map owns them) and compared byte for byte, so they
 * may hold anything, NUL included.  Open addressing with linear probing,
 * XXH3-64 hashes kept beside each slot so that a probe compares strings
 * only on a full hash match; the table stays at most half full, so a
 * look-up costs about one probe.  Memory: 16 bytes per slot (two to four
 * slots per key) plus the keys.
 */
#ifndef DQ_STRMAP_H
#define DQ_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct dq_strmap_slot {
	uint64_t hash;
	size_t entry;  /* index into keys/lens/vals + 1; 0 for an empty slot */
};

struct dq_strmap {
	struct dq_strmap_slot *slots; /* owned */
	size_t cap;                   /* slots, a power of two, or 0 */
	char **keys;                  /* owned copies, NUL-terminated */
	size_t *lens;
	size_t *vals;
	size_t n;                     /* entries, in the order added */
};

void dq_strmap_init(struct dq_strmap *m);
void dq_strmap_release(struct dq_strmap *m);

/* The value of key (n bytes), or -1 if it is not in the map. */
long dq_strmap_get(const struct dq_strmap *m, const char *key, size_t n);

/*
 * Add key with value val unless it is there: returns 1 if it was added,
 * 0 if it was there (its value is left as it was).  Entries keep the
 * order they were added in: m->keys[i] for i < m->n.
 */
int dq_strmap_add(struct dq_strmap *m, const char *key, size_t n, size_t val);

#endif
