/*
 * reservoir.c - a uniform sample of a stream of unknown length.
 *
 * Algorithm R (J. S. Vitter, "Random Sampling with a Reservoir", ACM TOMS
 * 11(1), 1985, where it is credited to Alan Waterman): the first cap items
 * fill the reservoir; item number t (1-based, t > cap) replaces a uniformly
 * chosen slot with probability cap / t.  Every item of the stream is then
 * in the sample with probability cap / seen.
 *
 * Merging two samples of disjoint streams of sizes Na and Nb: the number
 * of the merged sample's items that come from A must follow the
 * hypergeometric law of drawing min(cap, Na + Nb) items without
 * replacement from Na + Nb.  So each draw takes side A with probability
 * (A's items not yet drawn) / (all not yet drawn), then a uniformly chosen
 * item of that side's sample not yet taken.  When both samples are
 * uniform, so is the result.  When the two streams fit in the reservoir
 * whole, the result is A's items then B's, as one pass over A then B
 * keeps them.
 *
 * Memory layout: cap owned strings and their lengths.  The generator is a
 * seeded xorshift64 (G. Marsaglia, "Xorshift RNGs", J. Stat. Software
 * 8(14), 2003), so runs are reproducible; modulo bias is below 2^-40 for
 * streams under 2^24 items and ignored.
 */
#include <stdlib.h>

#include "sketch/reservoir.h"
#include "base/rng.h"
#include "base/util.h"

static uint64_t
next(struct dq_reservoir *r)
{
	return dq_rng_xorshift64(&r->rng);
}

void
dq_reservoir_init(struct dq_reservoir *r, size_t cap, uint64_t seed)
{
	r->cap = cap;
	r->n = 0;
	r->seen = 0;
	r->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
	r->item = dq_xcalloc(cap ? cap : 1, sizeof(char *));
	r->len = dq_xcalloc(cap ? cap : 1, sizeof(size_t));
}

void
dq_reservoir_release(struct dq_reservoir *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->item[i]);
	free(r->item);
	free(r->len);
	memset(r, 0, sizeof(*r));
}

static void
put(struct dq_reservoir *r, size_t i, const char *s, size_t len)
{
	if (i < r->n)
		free(r->item[i]);
	r->item[i] = dq_xstrndup(s, len);
	r->len[i] = len;
}

void
dq_reservoir_add(struct dq_reservoir *r, const char *s, size_t len)
{
	r->seen++;
	if (!r->cap)
		return;
	if (r->n < r->cap) {
		put(r, r->n, s, len);
		r->n++;
		return;
	}
	uint64_t j = next(r) % r->seen;
	if (j < r->cap)
		put(r, (size_t)j, s, len);
}

void
dq_reservoir_merge(struct dq_reservoir *dst, const struct dq_reservoir *src)
{
	size_t na = dst->n, nb = src->n, want;
	double wa = (double)dst->seen, wb = (double)src->seen;
	char **a = dst->item;
	size_t *al = dst->len;
	char **out = dq_xcalloc(dst->cap ? dst->cap : 1, sizeof(char *));
	size_t *outl = dq_xcalloc(dst->cap ? dst->cap : 1, sizeof(size_t));
	/* Which of src's items are still available. */
	size_t *bi = dq_xmalloc((nb ? nb : 1) * sizeof(size_t));
	size_t k = 0;

	for (size_t i = 0; i < nb; i++)
		bi[i] = i;
	want = na + nb < dst->cap ? na + nb : dst->cap;
	if ((uint64_t)na == dst->seen && (uint64_t)nb == src->seen &&
	    na + nb <= dst->cap) {
		/* Every item of both streams: in stream order. */
		for (size_t i = 0; i < na; i++) {
			out[k] = a[i];
			outl[k++] = al[i];
		}
		for (size_t i = 0; i < nb; i++) {
			out[k] = dq_xstrndup(src->item[i], src->len[i]);
			outl[k++] = src->len[i];
		}
		na = nb = 0;
	}
	while (k < want) {
		double u = (double)(next(dst) >> 11) / 9007199254740992.0;
		int from_a = nb == 0 || (na && u * (wa + wb) < wa);
		size_t pick;
		if (from_a) {
			pick = (size_t)(next(dst) % na);
			out[k] = a[pick];
			outl[k++] = al[pick];
			a[pick] = a[--na];
			al[pick] = al[na];
			wa -= 1;
		} else {
			pick = (size_t)(next(dst) % nb);
			out[k] = dq_xstrndup(src->item[bi[pick]],
					     src->len[bi[pick]]);
			outl[k++] = src->len[bi[pick]];
			bi[pick] = bi[--nb];
			wb -= 1;
		}
	}
	for (size_t i = 0; i < na; i++)
		free(a[i]);
	free(a);
	free(al);
	free(bi);
	dst->item = out;
	dst->len = outl;
	dst->n = k;
	dst->seen += src->seen;
}
