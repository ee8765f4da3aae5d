/*
 * u64map.c - 64-bit keys to bytes (see u64map.h).
 */
#include "base/u64map.h"

#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "base/util.h"

void
dq_u64map_init(struct dq_u64map *m)
{
	memset(m, 0, sizeof(*m));
}

void
dq_u64map_release(struct dq_u64map *m)
{
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

/* The slot of k (not 0): where it is, or the empty slot it would take. */
static size_t
slot(const struct dq_u64map *m, uint64_t k)
{
	size_t h = (size_t)XXH3_64bits(&k, sizeof(k)) & (m->cap - 1);

	while (m->key[h] && m->key[h] != k)
		h = (h + 1) & (m->cap - 1);
	return h;
}

void
dq_u64map_put(struct dq_u64map *m, uint64_t k, uint8_t v)
{
	size_t h;

	if (!k) {
		m->has_zero = 1;
		m->zero_val = v;
		return;
	}
	if ((m->n + 1) * 2 > m->cap) {
		struct dq_u64map o = *m;
		m->cap = o.cap ? 2 * o.cap : 256;
		m->key = dq_xcalloc(m->cap, sizeof(*m->key));
		m->val = dq_xcalloc(m->cap, 1);
		for (size_t i = 0; i < o.cap; i++)
			if (o.key[i]) {
				h = slot(m, o.key[i]);
				m->key[h] = o.key[i];
				m->val[h] = o.val[i];
			}
		free(o.key);
		free(o.val);
	}
	h = slot(m, k);
	if (!m->key[h]) {
		m->key[h] = k;
		m->n++;
	}
	m->val[h] = v;
}

uint8_t *
dq_u64map_get(struct dq_u64map *m, uint64_t k)
{
	size_t h;

	if (!k)
		return m->has_zero ? &m->zero_val : NULL;
	if (!m->cap)
		return NULL;
	h = slot(m, k);
	return m->key[h] ? &m->val[h] : NULL;
}

int
dq_u64map_next(struct dq_u64map *m, size_t *it, uint64_t *k, uint8_t **v)
{
	while (*it < m->cap) {
		size_t i = (*it)++;
		if (m->key[i]) {
			*k = m->key[i];
			*v = &m->val[i];
			return 1;
		}
	}
	if (*it == m->cap && m->has_zero) {
		(*it)++;
		*k = 0;
		*v = &m->zero_val;
		return 1;
	}
	return 0;
}
