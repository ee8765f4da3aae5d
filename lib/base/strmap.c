/*
 * strmap.c - string to index map (see strmap.h).  Linear probing over a
 * power-of-two table of (hash, entry) slots; the table doubles when it
 * would pass half full, re-inserting by the stored hashes (no key is
 * hashed twice).
 */
#include "base/strmap.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

void
dq_strmap_init(struct dq_strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
dq_strmap_release(struct dq_strmap *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->lens);
	free(m->vals);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

/* The slot of key, or of the empty slot where it would go.  Always
 * inlined: dq-validate looks up its slots and enum values per record. */
static inline __attribute__((always_inline)) size_t
find(const struct dq_strmap *m, uint64_t h, const char *key, size_t n)
{
	size_t mask = m->cap - 1, i = (size_t)h & mask;

	for (;; i = (i + 1) & mask) {
		const struct dq_strmap_slot *s = &m->slots[i];
		if (!s->entry)
			return i;
		if (s->hash == h && m->lens[s->entry - 1] == n &&
		    !memcmp(m->keys[s->entry - 1], key, n))
			return i;
	}
}

long
dq_strmap_get(const struct dq_strmap *m, const char *key, size_t n)
{
	if (!m->cap)
		return -1;
	uint64_t h = XXH3_64bits(key, n);
	size_t i = find(m, h, key, n);
	return m->slots[i].entry ? (long)m->vals[m->slots[i].entry - 1] : -1;
}

static void
grow(struct dq_strmap *m)
{
	size_t cap = m->cap ? 2 * m->cap : 16;
	struct dq_strmap_slot *old = m->slots;
	size_t oldcap = m->cap;

	m->slots = dq_xcalloc(cap, sizeof(*m->slots));
	m->cap = cap;
	for (size_t i = 0; i < oldcap; i++) {
		if (!old[i].entry)
			continue;
		size_t j = (size_t)old[i].hash & (cap - 1);
		while (m->slots[j].entry)
			j = (j + 1) & (cap - 1);
		m->slots[j] = old[i];
	}
	free(old);
}

int
dq_strmap_add(struct dq_strmap *m, const char *key, size_t n, size_t val)
{
	uint64_t h = XXH3_64bits(key, n);
	size_t i;

	if (2 * (m->n + 1) > m->cap)
		grow(m);
	i = find(m, h, key, n);
	if (m->slots[i].entry)
		return 0;
	/* Entries grow with the table: cap / 2 always has room. */
	if ((m->n & (m->n - 1)) == 0 || !m->n) {
		size_t c = m->n ? 2 * m->n : 1;
		m->keys = dq_xrealloc(m->keys, c * sizeof(*m->keys));
		m->lens = dq_xrealloc(m->lens, c * sizeof(*m->lens));
		m->vals = dq_xrealloc(m->vals, c * sizeof(*m->vals));
	}
	m->keys[m->n] = dq_xstrndup(key, n);
	m->lens[m->n] = n;
	m->vals[m->n] = val;
	m->slots[i].hash = h;
	m->slots[i].entry = ++m->n;
	return 1;
}
