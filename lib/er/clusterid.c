/*
 * clusterid.c - stable cluster ids (see clusterid.h).
 *
 * The claims are one entry per member that had an earlier id, sorted by
 * (earlier id, cluster) so that the entries of one claim are adjacent and
 * folded into a count, then sorted by strength and granted in order:
 * O(m log m) for m members with earlier ids.
 */
#include "er/clusterid.h"

#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "base/util.h"

struct claim {
	const char *prev;
	uint32_t prevlen;
	uint32_t cl;    /* cluster index */
	uint32_t count; /* members of cl that were in prev */
};

static int
cmp_claim_prev(const void *x, const void *y)
{
	const struct claim *a = x, *b = y;
	size_t n = a->prevlen < b->prevlen ? a->prevlen : b->prevlen;
	int r = memcmp(a->prev, b->prev, n);
	if (!r)
		r = (a->prevlen > b->prevlen) - (a->prevlen < b->prevlen);
	if (!r)
		r = (a->cl > b->cl) - (a->cl < b->cl);
	return r;
}

static int
cmp_claim_strength(const void *x, const void *y)
{
	const struct claim *a = x, *b = y;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return cmp_claim_prev(x, y);
}

char *
dq_clusterid_fresh(const char *key, size_t n, const struct dq_keyset *old,
		   struct dq_keyset *used)
{
	struct dq_buf b = DQ_BUF_INIT;
	uint64_t h = XXH3_64bits(key, n);

	for (uint64_t salt = 1;; salt++) {
		dq_buf_reset(&b);
		dq_buf_addch(&b, 'c');
		dq_buf_add_hex64(&b, h);
		if ((!old || !dq_keyset_has(old, b.buf, b.len)) &&
		    (!used || dq_keyset_add(used, b.buf, b.len)))
			break;
		uint64_t in[2] = { h, salt };
		h = XXH3_64bits(in, sizeof(in));
	}
	return dq_buf_detach(&b, NULL);
}

void
dq_clusterid_assign(struct dq_clusterid *c, const struct dq_clusterid_in *in)
{
	struct dq_keyset used;
	struct claim *cl;
	size_t i, k, nc = 0, m = 0;

	memset(c, 0, sizeof(*c));
	c->n = in->n;
	c->id = dq_xcalloc(in->n + 1, sizeof(*c->id));
	if (!in->old) {
		for (i = 0; i < in->n; i++)
			c->id[i] = dq_clusterid_fresh(in->first[i],
						      in->firstlen[i], NULL,
						      NULL);
		return;
	}
	cl = dq_xmalloc((in->start[in->n] + 1) * sizeof(*cl));
	for (i = 0; i < in->n; i++)
		for (k = in->start[i]; k < in->start[i + 1]; k++)
			if (in->prev[k])
				cl[nc++] = (struct claim){ in->prev[k],
							   in->prevlen[k],
							   (uint32_t)i, 1 };
	qsort(cl, nc, sizeof(*cl), cmp_claim_prev);
	for (k = 0; k < nc; k++) {
		if (m && cl[m - 1].cl == cl[k].cl &&
		    cl[m - 1].prevlen == cl[k].prevlen &&
		    !memcmp(cl[m - 1].prev, cl[k].prev, cl[k].prevlen)) {
			cl[m - 1].count++;
			continue;
		}
		cl[m++] = cl[k];
	}
	qsort(cl, m, sizeof(*cl), cmp_claim_strength);
	dq_keyset_init(&used);
	for (k = 0; k < m; k++) {
		if (c->id[cl[k].cl] ||
		    dq_keyset_has(&used, cl[k].prev, cl[k].prevlen))
			continue;
		dq_keyset_add(&used, cl[k].prev, cl[k].prevlen);
		c->id[cl[k].cl] = dq_xstrndup(cl[k].prev, cl[k].prevlen);
		c->kept++;
	}
	free(cl);
	for (i = 0; i < in->n; i++)
		if (!c->id[i]) {
			c->id[i] = dq_clusterid_fresh(in->first[i],
						      in->firstlen[i], in->old,
						      &used);
			c->fresh++;
		}
	dq_keyset_release(&used);
}

void
dq_clusterid_release(struct dq_clusterid *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->id[i]);
	free(c->id);
	memset(c, 0, sizeof(*c));
}
