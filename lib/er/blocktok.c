/*
 * blocktok.c - token blocking with IDF-weighted pruning (see blocktok.h
 * for the method and its reference).
 *
 * Layout: the tokens of record i are h[off[i] .. off[i + 1]), sorted by
 * hash, each once, with w[] their weights.  Phase 1 sorts one (hash,
 * position) entry per token occurrence, the position packing the token's
 * index (high 34 bits) and its record (low 30 bits, as DQ_BLOCKS_INDEX),
 * so a stable sort leaves each block in input order.
 */
#include "er/blocktok.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "base/util.h"

#define REC_BITS 30

/* Weights are kept as floats (7 digits): a sum within EPS of the
 * threshold reaches it, so that a bound met exactly on paper (a token of
 * n records against ln(N / n)) is met in the program too. */
#define EPS 1e-6

void
dq_blocktok_init(struct dq_blocktok *t, size_t rule, double min_weight)
{
	memset(t, 0, sizeof(*t));
	t->rule = rule;
	t->min_weight = min_weight;
	t->off = dq_xmalloc(sizeof(*t->off));
	t->off[0] = 0;
}

void
dq_blocktok_release(struct dq_blocktok *t)
{
	free(t->off);
	free(t->h);
	free(t->w);
	free(t->bh);
	dq_blocks_list_release(&t->list);
	memset(t, 0, sizeof(*t));
}

uint64_t
dq_blocktok_hash(const char *s, size_t n)
{
	uint64_t h = XXH3_64bits(s, n);
	return h ? h : 1;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

void
dq_blocktok_add(struct dq_blocktok *t, const char *text, size_t len)
{
	size_t start = t->ntok, i = 0, k, m;

	while (i < len) {
		size_t e = i;
		while (e < len && text[e] != ' ')
			e++;
		if (e > i) {
			if (t->ntok == t->tcap) {
				t->tcap = t->tcap ? t->tcap * 2 : 1024;
				t->h = dq_xrealloc(t->h,
						   t->tcap * sizeof(*t->h));
			}
			t->h[t->ntok++] = dq_blocktok_hash(text + i, e - i);
		}
		i = e + 1;
	}
	/* Sorted, each token once. */
	qsort(t->h + start, t->ntok - start, sizeof(*t->h), cmp_u64);
	for (k = start, m = start; k < t->ntok; k++)
		if (m == start || t->h[m - 1] != t->h[k])
			t->h[m++] = t->h[k];
	t->ntok = m;
	t->keyed += m > start;
	if (t->n + 2 > t->ncap) {
		t->ncap = t->ncap ? t->ncap * 2 : 1024;
		t->off = dq_xrealloc(t->off, t->ncap * sizeof(*t->off));
	}
	t->off[++t->n] = t->ntok;
}

size_t
dq_blocktok_list(struct dq_blocktok *t, const unsigned char *src,
		 int (*guard)(void *ctx, size_t rule, size_t first,
			      size_t size, uint64_t hash),
		 void *ctx)
{
	struct dq_blocks_ent *a = dq_xmalloc((t->ntok + 1) * sizeof(*a));
	struct dq_blocks_ent *tmp = dq_xmalloc((t->ntok + 1) * sizeof(*tmp));
	size_t *cnt = dq_xmalloc(65537 * sizeof(*cnt));
	struct dq_blocks_list *out = &t->list;
	size_t b, e, x, kept = 0, bcap = 0;
	double N = (double)t->keyed;

	out->src = src;
	t->w = dq_xrealloc(t->w, (t->ntok + 1) * sizeof(*t->w));
	for (size_t i = 0, k = 0; i < t->n; i++)
		for (; k < t->off[i + 1]; k++) {
			a[k].h = t->h[k];
			a[k].i = (uint64_t)k << REC_BITS | i;
		}
	dq_blocks_sort(a, tmp, t->ntok, cnt);
	free(tmp);
	free(cnt);
	t->threshold = t->min_weight >= 0 ? t->min_weight :
		       N > 1 ? log(N) / 2 : 0;
	for (b = 0; b < t->ntok; b = e) {
		for (e = b + 1; e < t->ntok && a[e].h == a[b].h; e++)
			;
		size_t size = e - b;
		int skip = size >= 2 &&
			   guard(ctx, t->rule,
				 a[b].i & DQ_BLOCKS_INDEX, size, a[b].h);
		/* A token in every record weighs 0; keep it apart from a
		 * skipped one, which no pair may count. */
		float w = skip ? 0.0f : (float)log(N / (double)size);
		if (!skip && w <= 0)
			w = 1e-9f;
		t->tokens++;
		for (x = b; x < e; x++)
			t->w[a[x].i >> REC_BITS] = w;
		if (skip || size < 2)
			continue;
		kept++;
		if (t->nb == bcap) {
			bcap = bcap ? bcap * 2 : 256;
			t->bh = dq_xrealloc(t->bh, bcap * sizeof(*t->bh));
		}
		t->bh[t->nb++] = a[b].h;
		if (out->n + size > out->cap) {
			out->cap = (out->n + size) * 2;
			out->m = dq_xrealloc(out->m, out->cap * sizeof(*out->m));
		}
		for (x = b; x < e; x++) {
			size_t i = a[x].i & DQ_BLOCKS_INDEX;
			out->m[out->n++] = (uint32_t)i |
					   (x == b ? DQ_BLOCKS_START : 0) |
					   (src[i] ? DQ_BLOCKS_SIDE : 0);
		}
	}
	free(a);
	return kept;
}

/*
 * The summed weight of the kept tokens records i and j share; -1 when
 * the first of them (the smallest hash) is below `from` (the pair
 * belongs to an earlier block).  from 0 asks for the sum alone.
 */
static double
shared(const struct dq_blocktok *t, size_t i, size_t j, uint64_t from)
{
	size_t p = t->off[i], pe = t->off[i + 1];
	size_t q = t->off[j], qe = t->off[j + 1];
	double sum = 0;
	int first = 1;

	while (p < pe && q < qe) {
		if (t->h[p] < t->h[q]) {
			p++;
		} else if (t->h[p] > t->h[q]) {
			q++;
		} else {
			if (t->w[p] > 0) {
				if (first && t->h[p] < from)
					return -1;
				first = 0;
				sum += t->w[p];
			}
			p++;
			q++;
		}
	}
	return sum;
}

int
dq_blocktok_agree(const struct dq_blocktok *t, size_t i, size_t j)
{
	return shared(t, i, j, 0) + EPS >= t->threshold;
}

uint64_t
dq_blocktok_pairs(struct dq_blocktok *t, int mode,
		  void (*pair)(void *ctx, size_t i, size_t j),
		  int (*before)(void *ctx, size_t i, size_t j), void *ctx,
		  uint64_t *found)
{
	const uint32_t *m = t->list.m;
	uint64_t written = 0;
	size_t b, e, blk = 0;

	for (b = 0; b < t->list.n; b = e, blk++) {
		for (e = b + 1; e < t->list.n && !(m[e] & DQ_BLOCKS_START);
		     e++)
			;
		for (size_t x = b; x < e; x++) {
			size_t i = m[x] & DQ_BLOCKS_INDEX;
			for (size_t y = x + 1; y < e; y++) {
				size_t j = m[y] & DQ_BLOCKS_INDEX;
				double s;
				if (!dq_blocks_eligible(mode, m[x], m[y],
							t->list.src))
					continue;
				s = shared(t, i, j, t->bh[blk]);
				if (s < 0)
					continue;
				if (s + EPS < t->threshold) {
					t->pruned++;
					continue;
				}
				(*found)++;
				if (before && before(ctx, i, j))
					continue;
				written++;
				pair(ctx, i, j);
			}
		}
	}
	return written;
}
