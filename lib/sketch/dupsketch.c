/*
 * dupsketch.c - counting repeated items with a hash sample of the distinct
 * items.
 *
 * Why not rows minus a HyperLogLog estimate of the distinct rows: the
 * HyperLogLog error is relative to the distinct count, so on a million
 * rows with a thousand duplicates its 0.8 % standard error (8000 rows)
 * swamps the answer.  Here the error is relative to the duplicates.
 *
 * Algorithm.  Distinct sampling (P. B. Gibbons, "Distinct Sampling for
 * Highly-Accurate Answers to Distinct Values Queries and Event Reports",
 * VLDB 2001; the adaptive halving is Wegman's, analysed by P. Flajolet,
 * "On adaptive sampling", Computing 43, 1990).  Every item is reduced to
 * a 64-bit hash.  The sketch keeps, with an exact occurrence count, every
 * hash whose top `level` bits are zero: a uniform sample of the distinct
 * items with probability p = 2^-level, decided by the hash, so all copies
 * of an item are in or out together.  When more than DQ_DUPSKETCH_CAP
 * hashes are kept, level goes up by one and the hashes that no longer
 * qualify are dropped.
 *
 * Estimate.  Duplicates D = sum over distinct items of (c_i - 1).  The
 * estimate sum over kept hashes of (c_i - 1) / p is unbiased, with
 * variance (1 - p) / p * sum over all items of (c_i - 1)^2, which is
 * estimated by (1 - p) / p^2 * sum over kept hashes of (c_i - 1)^2
 * (dq_dupsketch_stderr reports its square root).  While level is 0 the
 * count is exact.  For rows that occur at most twice, the relative
 * standard error is sqrt((1 - p) / (p D)): on 1M distinct rows (p = 1/16)
 * with 10000 duplicates, 3.9 %.
 *
 * Merge.  Two sketches of the same hash function merge exactly: take the
 * larger level, add the counts of qualifying hashes, raise the level while
 * the table is over capacity.  The result is the sketch of the
 * concatenated streams, whatever the split.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sketch/dupsketch.h"

#define MINSLOT 1024

void
dq_dupsketch_init(struct dq_dupsketch *d)
{
	d->nslot = MINSLOT;
	d->hash = dq_xcalloc(d->nslot, sizeof(*d->hash));
	d->count = dq_xcalloc(d->nslot, sizeof(*d->count));
	d->n = 0;
	d->level = 0;
}

void
dq_dupsketch_release(struct dq_dupsketch *d)
{
	free(d->hash);
	free(d->count);
	memset(d, 0, sizeof(*d));
}

static int
keeps(unsigned level, uint64_t h)
{
	return level == 0 || (level < 64 && (h >> (64 - level)) == 0);
}

static void
put(struct dq_dupsketch *d, uint64_t h, uint64_t c)
{
	/* dq_dupsketch_prefetch knows this first slot. */
	size_t mask = d->nslot - 1, i = (size_t)(h ^ (h >> 29)) & mask;
	while (d->hash[i] && d->hash[i] != h)
		i = (i + 1) & mask;
	if (!d->hash[i]) {
		d->hash[i] = h;
		d->n++;
	}
	d->count[i] += c;
}

/* Rebuild the table with nslot slots, keeping only hashes that qualify
 * at the current level. */
static void
rebuild(struct dq_dupsketch *d, size_t nslot)
{
	uint64_t *h = d->hash, *c = d->count;
	size_t old = d->nslot;
	d->nslot = nslot;
	d->hash = dq_xcalloc(nslot, sizeof(*d->hash));
	d->count = dq_xcalloc(nslot, sizeof(*d->count));
	d->n = 0;
	for (size_t i = 0; i < old; i++)
		if (h[i] && keeps(d->level, h[i]))
			put(d, h[i], c[i]);
	free(h);
	free(c);
}

static void
fit(struct dq_dupsketch *d)
{
	if (d->n <= DQ_DUPSKETCH_CAP) {
		if (2 * d->n > d->nslot)
			rebuild(d, 2 * d->nslot);
		return;
	}
	while (d->n > DQ_DUPSKETCH_CAP) {
		d->level++;
		rebuild(d, d->nslot);
	}
}

void
dq_dupsketch_add(struct dq_dupsketch *d, uint64_t h)
{
	if (!h)
		h = 1; /* 0 marks a free slot: a 2^-64 collision */
	if (!keeps(d->level, h))
		return;
	put(d, h, 1);
	if (2 * d->n > d->nslot || d->n > DQ_DUPSKETCH_CAP)
		fit(d);
}

int
dq_dupsketch_exact(const struct dq_dupsketch *d)
{
	return d->level == 0;
}

double
dq_dupsketch_count(const struct dq_dupsketch *d)
{
	double s = 0;
	for (size_t i = 0; i < d->nslot; i++)
		if (d->hash[i])
			s += (double)(d->count[i] - 1);
	return ldexp(s, (int)d->level);
}

double
dq_dupsketch_stderr(const struct dq_dupsketch *d)
{
	double s = 0, p = ldexp(1, -(int)d->level);
	if (!d->level)
		return 0;
	for (size_t i = 0; i < d->nslot; i++)
		if (d->hash[i]) {
			double x = (double)(d->count[i] - 1);
			s += x * x;
		}
	return sqrt((1 - p) / (p * p) * s);
}

void
dq_dupsketch_merge(struct dq_dupsketch *dst, const struct dq_dupsketch *src)
{
	if (src->level > dst->level) {
		dst->level = src->level;
		rebuild(dst, dst->nslot);
	}
	for (size_t i = 0; i < src->nslot; i++) {
		if (!src->hash[i] || !keeps(dst->level, src->hash[i]))
			continue;
		put(dst, src->hash[i], src->count[i]);
		if (2 * dst->n > dst->nslot || dst->n > DQ_DUPSKETCH_CAP)
			fit(dst);
	}
}

/* Append v in lowercase hex without leading zeros (as "%" PRIx64). */
static void
add_hex(struct dq_buf *out, uint64_t v)
{
	char tmp[16];
	int n = 0;
	do {
		tmp[15 - n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	dq_buf_add(out, tmp + 16 - n, (size_t)n);
}

/* Append v in decimal (as "%" PRIu64). */
static void
add_dec(struct dq_buf *out, uint64_t v)
{
	char tmp[20];
	int n = 0;
	do {
		tmp[19 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	dq_buf_add(out, tmp + 20 - n, (size_t)n);
}

/* The state is written once per worker and read once per merge, 65536
 * entries at most: by hand, not by printf and strtoull. */
void
dq_dupsketch_save(const struct dq_dupsketch *d, struct dq_buf *out)
{
	dq_buf_addf(out, "%u:", d->level);
	for (size_t i = 0; i < d->nslot; i++) {
		if (!d->hash[i])
			continue;
		add_hex(out, d->hash[i]);
		dq_buf_addch(out, ',');
		add_dec(out, d->count[i]);
		dq_buf_addch(out, ';');
	}
}

/* Read a number of 1 to 16 hex digits (base 16) or of 1 to 19 decimal
 * digits (base 10) at s into *v: the end, or NULL if there is none. */
static const char *
get_num(const char *s, int base, uint64_t *v)
{
	const char *start = s;
	uint64_t x = 0;
	for (;; s++) {
		int c = (unsigned char)*s, d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			break;
		if (s - start == (base == 16 ? 16 : 19))
			return NULL;
		x = x * (uint64_t)base + (uint64_t)d;
	}
	*v = x;
	return s == start ? NULL : s;
}

int
dq_dupsketch_load(struct dq_dupsketch *d, const char *s)
{
	uint64_t lv;
	s = get_num(s, 10, &lv);
	if (!s || *s != ':' || lv > 64)
		return -1;
	d->level = (unsigned)lv;
	s++;
	while (*s) {
		uint64_t h, c;
		s = get_num(s, 16, &h);
		if (!s || *s != ',' || !h || !keeps(d->level, h))
			return -1;
		s++;
		if (*s < '1' || *s > '9')
			return -1;
		s = get_num(s, 10, &c);
		if (!s || *s != ';')
			return -1;
		s++;
		put(d, h, c);
		if (2 * d->n > d->nslot)
			rebuild(d, 2 * d->nslot);
	}
	return d->n > DQ_DUPSKETCH_CAP ? -1 : 0;
}
