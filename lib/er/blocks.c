/*
 * blocks.c - phase 1 of in-memory blocking (see blocks.h).
 *
 * Memory: 32 bytes per keyed record during a rule's sort (entries and
 * their copy), 4 bytes per record in a kept block.
 */
#include "er/blocks.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define ent dq_blocks_ent

/* Sort by h, keeping input order among equal hashes: one counting pass
 * on the top 16 bits of the hash, then an insertion sort inside each of
 * the 65536 buckets (a handful of entries each, since the hashes are
 * uniform; a big block is one run of equal hashes, already in order). */
void
dq_blocks_sort(struct ent *a, struct ent *tmp, size_t n, size_t *cnt)
{
	size_t d, i, j;

	memset(cnt, 0, 65537 * sizeof(*cnt));
	for (i = 0; i < n; i++)
		cnt[(a[i].h >> 48) + 1]++;
	for (d = 1; d <= 65536; d++)
		cnt[d] += cnt[d - 1];
	for (i = 0; i < n; i++)
		tmp[cnt[a[i].h >> 48]++] = a[i];
	/* cnt[d] is now the end of bucket d. */
	for (d = 0, i = 0; d < 65536; i = cnt[d++]) {
		for (size_t k = i + 1; k < cnt[d]; k++) {
			struct ent x = tmp[k];
			for (j = k; j > i && tmp[j - 1].h > x.h; j--)
				tmp[j] = tmp[j - 1];
			tmp[j] = x;
		}
	}
	memcpy(a, tmp, n * sizeof(*a));
}

void
dq_blocks_init(struct dq_blocks *b, uint64_t *key, size_t n, size_t nrules,
	       const unsigned char *src)
{
	b->key = key;
	b->n = n;
	b->nrules = nrules;
	b->src = src;
	b->a = dq_xmalloc((n + 1) * sizeof(struct ent));
	b->tmp = dq_xmalloc((n + 1) * sizeof(struct ent));
	b->cnt = dq_xmalloc(65537 * sizeof(*b->cnt));
}

void
dq_blocks_release(struct dq_blocks *b)
{
	free(b->a);
	free(b->tmp);
	free(b->cnt);
	memset(b, 0, sizeof(*b));
}

size_t
dq_blocks_list(struct dq_blocks *bl, size_t r,
	       int (*guard)(void *ctx, size_t r, size_t first, size_t size),
	       void *ctx, struct dq_blocks_list *out)
{
	struct ent *a = bl->a, *tmp = bl->tmp;
	uint64_t *k = bl->key + r;
	size_t m = 0, b, e, x, kept = 0;

	for (size_t i = 0; i < bl->n; i++)
		if (k[i * bl->nrules]) {
			a[m].h = k[i * bl->nrules];
			a[m++].i = i;
		}
	dq_blocks_sort(a, tmp, m, bl->cnt);
	out->src = bl->src;
	for (b = 0; b < m; b = e) {
		for (e = b + 1; e < m && a[e].h == a[b].h; e++)
			;
		if (e - b < 2)
			continue;
		if (guard(ctx, r, a[b].i, e - b)) {
			for (x = b; x < e; x++)
				k[a[x].i * bl->nrules] = 0;
			continue;
		}
		kept++;
		if (out->n + (e - b) > out->cap) {
			out->cap = (out->n + (e - b)) * 2;
			out->m = dq_xrealloc(out->m, out->cap * sizeof(*out->m));
		}
		for (x = b; x < e; x++)
			out->m[out->n++] = (uint32_t)a[x].i |
					   (x == b ? DQ_BLOCKS_START : 0) |
					   (bl->src[a[x].i] ? DQ_BLOCKS_SIDE
							       : 0);
	}
	return kept;
}

void
dq_blocks_list_release(struct dq_blocks_list *l)
{
	free(l->m);
	memset(l, 0, sizeof(*l));
}

uint64_t
dq_blocks_pairs(const struct dq_blocks_list *l, size_t r, int mode,
		const uint64_t *key, size_t nrules,
		void (*pair)(void *ctx, size_t i, size_t j),
		int (*before)(void *ctx, size_t i, size_t j), void *ctx,
		uint64_t *found)
{
	const uint32_t *m = l->m;
	uint64_t written = 0;
	size_t b, e;

	for (b = 0; b < l->n; b = e) {
		for (e = b + 1; e < l->n && !(m[e] & DQ_BLOCKS_START); e++)
			;
		for (size_t x = b; x < e; x++) {
			size_t i = m[x] & DQ_BLOCKS_INDEX;
			const uint64_t *ki = key + i * nrules;
			for (size_t y = x + 1; y < e; y++) {
				size_t j = m[y] & DQ_BLOCKS_INDEX;
				if (!dq_blocks_eligible(mode, m[x], m[y],
							l->src))
					continue;
				(*found)++;
				if (dq_blocks_found_before(r, ki,
							   key + j * nrules) ||
				    (before && before(ctx, i, j)))
					continue;
				written++;
				pair(ctx, i, j);
			}
		}
	}
	return written;
}
