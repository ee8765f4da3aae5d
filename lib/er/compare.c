/*
 * compare.c - comparators for record linkage.
 *
 * Strings are first decoded into arrays of code points, so every measure
 * counts characters, not bytes.
 *
 * Jaro (M. A. Jaro, "Advances in record-linkage methodology as applied to
 * matching the 1985 census of Tampa, Florida", JASA 84, 1989): characters
 * match when equal and no further apart than max(|a|,|b|)/2 - 1; with m
 * matches and t half the number of matched characters out of order,
 * J = (m/|a| + m/|b| + (m - t)/m) / 3.  Winkler's variant (W. E. Winkler,
 * "String comparator metrics and enhanced decision rules in the
 * Fellegi-Sunter model of record linkage", Proc. Section on Survey
 * Research Methods, ASA, 1990) adds l * 0.1 * (1 - J) for a common prefix
 * of l <= 4 characters when J > 0.7.
 *
 * Levenshtein (V. I. Levenshtein, 1966) and the optimal-string-alignment
 * form of Damerau's distance (F. J. Damerau, CACM 7(3), 1964) use the
 * classic dynamic programme with two (three) rows: O(|a| |b|) time,
 * O(|b|) memory.  Normalized similarity is 1 - d / max(|a|, |b|).
 *
 * Token Jaccard and q-gram Dice follow P. Christen, "Data Matching",
 * Springer 2012, chapter 5.  q-grams are compared as sorted arrays of
 * 64-bit packed code points (q <= 8 with 8-bit folding would collide, so
 * grams are hashed to 64 bits; a collision only raises a similarity by
 * one gram in 2^64).
 *
 * The nickname table is written for dq from common knowledge of English
 * given names: each line is a group of names that are the same person's
 * name; two names match when some group holds both.  It is small (about
 * 150 groups) and English-centred; a contract can switch it off.
 *
 * Monge-Elkan (A. E. Monge and C. P. Elkan, "The field matching problem:
 * algorithms and applications", KDD 1996): the mean over one side's words
 * of the best inner similarity with the other side's; dq takes the mean
 * of both directions (the measure is not symmetric).  TF-IDF cosine
 * (G. Salton and C. Buckley, "Term-weighting approaches in automatic text
 * retrieval", IP&M 24(5), 1988; W. W. Cohen, "Integration of
 * heterogeneous databases without common domains using queries based on
 * textual similarity", SIGMOD 1998, for its use in matching names of
 * things): words weighted by count x idf, cosine of the two vectors.
 * Words are compared as sorted byte strings, so no hash can collide.
 *
 * Limits: no locale-specific folding beyond dq_text_ascii; Jaro and the
 * edit distances are quadratic, meant for fields (names, streets), not
 * documents.
 */
#include "er/compare.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/edit.h"
#include "base/utf8.h"
#include "norm/text.h"

/* ---- code points ---- */

struct cps {
	uint32_t *c;
	size_t n;
	uint32_t stack[DQ_CMP_STACK];
};

static size_t
decode(const char *s, size_t n, uint32_t *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k = 0, len;

	/* A byte that does not start a whole character stands for itself
	 * (the values come validated; this only keeps a bad one safe). */
	while (i < n) {
		uint32_t c = p[i];
		if (c < 0x80 || DQ_UTF8_IS_CONT(c) || i + dq_utf8_len(c) > n) {
			out[k++] = c;
			i++;
			continue;
		}
		out[k++] = dq_utf8_decode(p + i, &len);
		i += len;
	}
	return k;
}

static void
cps_init(struct cps *c, const char *s, size_t n)
{
	c->c = n <= DQ_CMP_STACK ? c->stack : dq_xmalloc(n * sizeof(uint32_t));
	c->n = decode(s, n, c->c);
}

static void
cps_release(struct cps *c)
{
	if (c->c != c->stack)
		free(c->c);
}

/* ---- Jaro, Jaro-Winkler ---- */

static double
jaro_cps(const uint32_t *a, size_t an, const uint32_t *b, size_t bn)
{
	unsigned char sfa[DQ_CMP_STACK], sfb[DQ_CMP_STACK];
	unsigned char *fa, *fb;
	size_t m = 0, t = 0, k = 0, win;
	double j;

	if (!an && !bn)
		return 1.0;
	if (!an || !bn)
		return 0.0;
	fa = an <= DQ_CMP_STACK ? sfa : dq_xmalloc(an);
	fb = bn <= DQ_CMP_STACK ? sfb : dq_xmalloc(bn);
	memset(fa, 0, an);
	memset(fb, 0, bn);
	win = (an > bn ? an : bn) / 2;
	win = win ? win - 1 : 0;
	for (size_t i = 0; i < an; i++) {
		size_t lo = i > win ? i - win : 0;
		size_t hi = i + win + 1 < bn ? i + win + 1 : bn;
		for (size_t x = lo; x < hi; x++)
			if (!fb[x] && a[i] == b[x]) {
				fa[i] = fb[x] = 1;
				m++;
				break;
			}
	}
	if (m) {
		for (size_t i = 0; i < an; i++) {
			if (!fa[i])
				continue;
			while (!fb[k])
				k++;
			if (a[i] != b[k])
				t++;
			k++;
		}
	}
	if (fa != sfa)
		free(fa);
	if (fb != sfb)
		free(fb);
	if (!m)
		return 0.0;
	j = ((double)m / (double)an + (double)m / (double)bn +
	     ((double)m - (double)(t / 2)) / (double)m) / 3.0;
	return j;
}

double
dq_cmp_jaro(const char *a, size_t an, const char *b, size_t bn)
{
	struct cps x, y;
	double r;
	cps_init(&x, a, an);
	cps_init(&y, b, bn);
	r = jaro_cps(x.c, x.n, y.c, y.n);
	cps_release(&x);
	cps_release(&y);
	return r;
}

double
dq_cmp_jaro_winkler(const char *a, size_t an, const char *b, size_t bn)
{
	struct cps x, y;
	double j;
	size_t l = 0;

	/* Equal bytes are the common case in linkage: skip the work. */
	if (an == bn && !memcmp(a, b, an))
		return 1.0;
	cps_init(&x, a, an);
	cps_init(&y, b, bn);
	j = jaro_cps(x.c, x.n, y.c, y.n);
	if (j > 0.7) {
		while (l < 4 && l < x.n && l < y.n && x.c[l] == y.c[l])
			l++;
		j += (double)l * 0.1 * (1.0 - j);
	}
	cps_release(&x);
	cps_release(&y);
	return j;
}

/* ---- edit distances ---- */

static size_t
edit(const char *a, size_t an, const char *b, size_t bn, int transpose,
     size_t *maxlen)
{
	struct cps x, y;
	size_t d;
	cps_init(&x, a, an);
	cps_init(&y, b, bn);
	d = dq_edit_distance(x.c, x.n, y.c, y.n, transpose);
	*maxlen = x.n > y.n ? x.n : y.n;
	cps_release(&x);
	cps_release(&y);
	return d;
}

size_t
dq_cmp_levenshtein(const char *a, size_t an, const char *b, size_t bn)
{
	size_t ml;
	return edit(a, an, b, bn, 0, &ml);
}

size_t
dq_cmp_damerau(const char *a, size_t an, const char *b, size_t bn)
{
	size_t ml;
	return edit(a, an, b, bn, 1, &ml);
}

double
dq_cmp_levenshtein_sim(const char *a, size_t an, const char *b, size_t bn)
{
	size_t ml, d = edit(a, an, b, bn, 0, &ml);
	return ml ? 1.0 - (double)d / (double)ml : 1.0;
}

double
dq_cmp_damerau_sim(const char *a, size_t an, const char *b, size_t bn)
{
	size_t ml, d = edit(a, an, b, bn, 1, &ml);
	return ml ? 1.0 - (double)d / (double)ml : 1.0;
}

/* ---- token and q-gram sets ---- */

static int
is_sep(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       (c < 0x80 && c > ' ' && !((c >= '0' && c <= '9') ||
					 (c >= 'a' && c <= 'z') ||
					 (c >= 'A' && c <= 'Z')));
}

static int
cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

/* FNV-1a over code points: token and gram hashes. */
static uint64_t
hash_cps(const uint32_t *c, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 1099511628211ull;
	}
	return h;
}

static size_t
tokens(const struct cps *s, uint64_t *out)
{
	size_t k = 0, i = 0;
	while (i < s->n) {
		while (i < s->n && is_sep(s->c[i]))
			i++;
		size_t st = i;
		while (i < s->n && !is_sep(s->c[i]))
			i++;
		if (i > st)
			out[k++] = hash_cps(s->c + st, i - st);
	}
	qsort(out, k, sizeof(*out), cmp_u64);
	return k;
}

/* Count common elements of two sorted arrays; with uniq, as sets. */
static size_t
common(const uint64_t *a, size_t an, const uint64_t *b, size_t bn, int uniq,
       size_t *ua, size_t *ub)
{
	size_t i = 0, j = 0, c = 0, na = 0, nb = 0;
	while (i < an || j < bn) {
		if (j >= bn || (i < an && a[i] < b[j])) {
			na++;
			i++;
			while (uniq && i < an && a[i] == a[i - 1])
				i++;
		} else if (i >= an || b[j] < a[i]) {
			nb++;
			j++;
			while (uniq && j < bn && b[j] == b[j - 1])
				j++;
		} else {
			c++;
			na++;
			nb++;
			i++;
			j++;
			while (uniq && i < an && a[i] == a[i - 1])
				i++;
			while (uniq && j < bn && b[j] == b[j - 1])
				j++;
		}
	}
	*ua = na;
	*ub = nb;
	return c;
}

double
dq_cmp_jaccard(const char *a, size_t an, const char *b, size_t bn)
{
	struct cps x, y;
	uint64_t sa[DQ_CMP_STACK], sb[DQ_CMP_STACK], *ta, *tb;
	size_t na, nb, ua, ub, c;
	double r;

	cps_init(&x, a, an);
	cps_init(&y, b, bn);
	ta = x.n <= DQ_CMP_STACK ? sa : dq_xmalloc(x.n * sizeof(uint64_t));
	tb = y.n <= DQ_CMP_STACK ? sb : dq_xmalloc(y.n * sizeof(uint64_t));
	na = tokens(&x, ta);
	nb = tokens(&y, tb);
	c = common(ta, na, tb, nb, 1, &ua, &ub);
	if (!na && !nb)
		r = 1.0;
	else
		r = (double)c / (double)(ua + ub - c);
	if (ta != sa)
		free(ta);
	if (tb != sb)
		free(tb);
	cps_release(&x);
	cps_release(&y);
	return r;
}

/* ---- words: Monge-Elkan, TF-IDF, codes, years ---- */

static int
byte_sep(unsigned char c)
{
	return c < 0x80 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			     (c >= 'A' && c <= 'Z'));
}

size_t
dq_cmp_tokens(const char *s, size_t n, struct dq_cmp_token *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k = 0, i = 0;

	while (i < n) {
		while (i < n && byte_sep(p[i]))
			i++;
		size_t st = i;
		while (i < n && !byte_sep(p[i]))
			i++;
		if (i > st) {
			if (k < cap) {
				out[k].s = s + st;
				out[k].n = i - st;
			}
			k++;
		}
	}
	return k;
}

/* Words of s as a sorted set (duplicates removed), in *v (the stack
 * array st of DQ_CMP_STACK or the heap); its size. */
static int
tok_cmp(const void *x, const void *y)
{
	const struct dq_cmp_token *a = x, *b = y;
	size_t n = a->n < b->n ? a->n : b->n;
	int c = memcmp(a->s, b->s, n);
	return c ? c : (a->n > b->n) - (a->n < b->n);
}

static size_t
word_list(const char *s, size_t n, struct dq_cmp_token *st,
	  struct dq_cmp_token **v, int uniq)
{
	size_t k = dq_cmp_tokens(s, n, st, DQ_CMP_STACK), u = 0;

	*v = st;
	if (k > DQ_CMP_STACK) {
		*v = dq_xmalloc(k * sizeof(**v));
		dq_cmp_tokens(s, n, *v, k);
	}
	qsort(*v, k, sizeof(**v), tok_cmp);
	if (!uniq)
		return k;
	for (size_t i = 0; i < k; i++)
		if (!u || tok_cmp(&(*v)[u - 1], &(*v)[i]))
			(*v)[u++] = (*v)[i];
	return u;
}

static double
inner_sim(enum dq_cmp_inner in, const struct dq_cmp_token *a,
	  const struct dq_cmp_token *b)
{
	if (a->n == b->n && !memcmp(a->s, b->s, a->n))
		return 1;
	switch (in) {
	case DQ_CMP_INNER_LEVENSHTEIN:
		return dq_cmp_levenshtein_sim(a->s, a->n, b->s, b->n);
	case DQ_CMP_INNER_DAMERAU:
		return dq_cmp_damerau_sim(a->s, a->n, b->s, b->n);
	default:
		return dq_cmp_jaro_winkler(a->s, a->n, b->s, b->n);
	}
}

double
dq_cmp_monge_elkan(const char *a, size_t an, const char *b, size_t bn,
		   enum dq_cmp_inner inner)
{
	struct dq_cmp_token sa[DQ_CMP_STACK], sb[DQ_CMP_STACK], *x, *y;
	size_t nx = word_list(a, an, sa, &x, 1), ny = word_list(b, bn, sb, &y, 1);
	double *best_y, stack_y[DQ_CMP_STACK], sum_x = 0, sum_y = 0, r;

	if (!nx || !ny) {
		r = !nx && !ny ? 1.0 : 0.0;
		goto out;
	}
	/* One pass over the |x| x |y| pairs serves both directions. */
	best_y = ny <= DQ_CMP_STACK ? stack_y : dq_xmalloc(ny * sizeof(double));
	for (size_t j = 0; j < ny; j++)
		best_y[j] = 0;
	for (size_t i = 0; i < nx; i++) {
		double best = 0;
		for (size_t j = 0; j < ny; j++) {
			double v = inner_sim(inner, &x[i], &y[j]);
			if (v > best)
				best = v;
			if (v > best_y[j])
				best_y[j] = v;
		}
		sum_x += best;
	}
	for (size_t j = 0; j < ny; j++)
		sum_y += best_y[j];
	r = (sum_x / (double)nx + sum_y / (double)ny) / 2;
	if (best_y != stack_y)
		free(best_y);
out:
	if (x != sa)
		free(x);
	if (y != sb)
		free(y);
	return r;
}

/* The squared norm of a sorted word list's weighted counts, and each
 * distinct word's weight x count in w (same order as the distinct words
 * written back to v); the number of distinct words. */
static size_t
weigh(struct dq_cmp_token *v, size_t k, dq_cmp_idf_fn idf, const void *ctx,
      double *w, double *norm2)
{
	size_t u = 0;

	*norm2 = 0;
	for (size_t i = 0; i < k;) {
		size_t j = i + 1;
		while (j < k && !tok_cmp(&v[i], &v[j]))
			j++;
		double x = (double)(j - i) * (idf ? idf(ctx, v[i].s, v[i].n) : 1);
		v[u] = v[i];
		w[u++] = x;
		*norm2 += x * x;
		i = j;
	}
	return u;
}

double
dq_cmp_tfidf(const char *a, size_t an, const char *b, size_t bn,
	     dq_cmp_idf_fn idf, const void *ctx)
{
	struct dq_cmp_token sa[DQ_CMP_STACK], sb[DQ_CMP_STACK], *x, *y;
	double wa_s[DQ_CMP_STACK], wb_s[DQ_CMP_STACK], *wa, *wb;
	double na2, nb2, dot = 0, r;
	size_t nx = word_list(a, an, sa, &x, 0), ny = word_list(b, bn, sb, &y, 0);

	if (!nx || !ny) {
		r = !nx && !ny ? 1.0 : 0.0;
		if (x != sa)
			free(x);
		if (y != sb)
			free(y);
		return r;
	}
	wa = nx <= DQ_CMP_STACK ? wa_s : dq_xmalloc(nx * sizeof(double));
	wb = ny <= DQ_CMP_STACK ? wb_s : dq_xmalloc(ny * sizeof(double));
	nx = weigh(x, nx, idf, ctx, wa, &na2);
	ny = weigh(y, ny, idf, ctx, wb, &nb2);
	for (size_t i = 0, j = 0; i < nx && j < ny;) {
		int c = tok_cmp(&x[i], &y[j]);
		if (!c)
			dot += wa[i++] * wb[j++];
		else if (c < 0)
			i++;
		else
			j++;
	}
	r = na2 > 0 && nb2 > 0 ? dot / sqrt(na2 * nb2) : 0;
	/* Rounding can put equal vectors a hair above 1. */
	if (r > 1)
		r = 1;
	if (wa != wa_s)
		free(wa);
	if (wb != wb_s)
		free(wb);
	if (x != sa)
		free(x);
	if (y != sb)
		free(y);
	return r;
}

/* The codes of s (see compare.h): up to DQ_CMP_MAX_CODES of them, their
 * text in buf (at most cap bytes), as a sorted set. */
struct codes {
	struct dq_cmp_token c[DQ_CMP_MAX_CODES];
	size_t n;
	char buf[1024];
};

static int
is_code(const char *w, size_t n)
{
	size_t d = 0, lead = 0, letters = 0;

	if (n < 4)
		return 0;
	for (size_t i = 0; i < n; i++)
		d += w[i] >= '0' && w[i] <= '9';
	if (!d)
		return 0;
	if (d == n)
		return n >= 6;
	while (lead < n && w[lead] >= '0' && w[lead] <= '9')
		lead++;
	for (size_t i = lead; i < n; i++)
		letters += (w[i] | 0x20) >= 'a' && (w[i] | 0x20) <= 'z';
	/* Digits then letters only: "500gb", "1080p" are quantities. */
	return !(lead >= 1 && lead <= 5 && letters == n - lead &&
		 n - lead <= 3);
}

static void
codes_read(const char *s, size_t n, struct codes *c)
{
	size_t i = 0, used = 0;

	c->n = 0;
	while (i < n && c->n < DQ_CMP_MAX_CODES) {
		/* A word with its joiners: '-', '/', '.' between two
		 * alphanumerics. */
		while (i < n && byte_sep((unsigned char)s[i]))
			i++;
		char *w = c->buf + used;
		size_t k = 0;
		while (i < n) {
			unsigned char ch = (unsigned char)s[i];
			if (!byte_sep(ch)) {
				if (used + k < sizeof(c->buf))
					w[k++] = (char)ch;
				i++;
			} else if ((ch == '-' || ch == '/' || ch == '.') &&
				   i + 1 < n &&
				   !byte_sep((unsigned char)s[i + 1]) && k) {
				i++;
			} else {
				break;
			}
		}
		if (k && is_code(w, k)) {
			c->c[c->n].s = w;
			c->c[c->n++].n = k;
			used += k;
		}
	}
	qsort(c->c, c->n, sizeof(c->c[0]), tok_cmp);
	size_t u = 0;
	for (size_t j = 0; j < c->n; j++)
		if (!u || tok_cmp(&c->c[u - 1], &c->c[j]))
			c->c[u++] = c->c[j];
	c->n = u;
}

enum dq_cmp_code_level
dq_cmp_code(const char *a, size_t an, const char *b, size_t bn)
{
	struct codes x, y;
	size_t i, j, same = 0;

	codes_read(a, an, &x);
	codes_read(b, bn, &y);
	if (!x.n || !y.n)
		return DQ_CMP_CODE_NONE;
	for (i = 0, j = 0; i < x.n && j < y.n;) {
		int c = tok_cmp(&x.c[i], &y.c[j]);
		same += !c;
		i += c <= 0;
		j += c >= 0;
	}
	if (same == x.n && same == y.n)
		return DQ_CMP_CODE_EXACT;
	if (same)
		return DQ_CMP_CODE_SHARED;
	for (i = 0; i < x.n; i++)
		for (j = 0; j < y.n; j++)
			if (x.c[i].n >= 5 && y.c[j].n >= 5 &&
			    dq_cmp_damerau(x.c[i].s, x.c[i].n, y.c[j].s,
					   y.c[j].n) <= 1)
				return DQ_CMP_CODE_CLOSE;
	return DQ_CMP_CODE_CONFLICT;
}

int
dq_cmp_year(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		while (j < n && s[j] >= '0' && s[j] <= '9')
			j++;
		if (j - i == 4 && (s[i] == '1' || s[i] == '2'))
			return (s[i] - '0') * 1000 + (s[i + 1] - '0') * 100 +
			       (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
		if (j > i)
			i = j;
	}
	return 0;
}

static size_t
grams(const struct cps *s, int q, uint64_t *out)
{
	size_t n = s->n + 2 * (size_t)(q - 1), k = 0;
	uint32_t g[8];
	if (!s->n)
		return 0;
	for (size_t i = 0; i + (size_t)q <= n; i++) {
		for (int j = 0; j < q; j++) {
			size_t p = i + (size_t)j;
			/* U+FFFF (a non-character) marks the padding. */
			g[j] = p < (size_t)(q - 1) || p >= s->n + (size_t)(q - 1)
				       ? 0xffff
				       : s->c[p - (size_t)(q - 1)];
		}
		out[k++] = hash_cps(g, (size_t)q);
	}
	qsort(out, k, sizeof(*out), cmp_u64);
	return k;
}

double
dq_cmp_qgram(const char *a, size_t an, const char *b, size_t bn, int q)
{
	struct cps x, y;
	uint64_t sa[DQ_CMP_STACK + 8], sb[DQ_CMP_STACK + 8], *ga, *gb;
	size_t na, nb, ua, ub, c;
	double r;

	if (q < 1)
		q = 1;
	if (q > 8)
		q = 8;
	cps_init(&x, a, an);
	cps_init(&y, b, bn);
	ga = x.n + 8 <= DQ_CMP_STACK + 8 ? sa
		: dq_xmalloc((x.n + 8) * sizeof(uint64_t));
	gb = y.n + 8 <= DQ_CMP_STACK + 8 ? sb
		: dq_xmalloc((y.n + 8) * sizeof(uint64_t));
	na = grams(&x, q, ga);
	nb = grams(&y, q, gb);
	c = common(ga, na, gb, nb, 0, &ua, &ub);
	r = !na && !nb ? 1.0 : 2.0 * (double)c / (double)(na + nb);
	if (ga != sa)
		free(ga);
	if (gb != sb)
		free(gb);
	cps_release(&x);
	cps_release(&y);
	return r;
}

/* ---- numbers, dates ---- */

double
dq_cmp_abs_diff(double x, double y)
{
	return fabs(x - y);
}

double
dq_cmp_rel_diff(double x, double y)
{
	double m = fabs(x) > fabs(y) ? fabs(x) : fabs(y);
	return m == 0 ? 0.0 : fabs(x - y) / m;
}

static long long
days(int y, int m, int d)
{
	/* Days from civil (H. Hinnant's algorithm, public description). */
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* YYYYMMDD digits, for the one-typo test. */
static void
ymd(char *s, int y, int m, int d)
{
	unsigned v = (unsigned)(y % 10000) * 10000u + (unsigned)(m % 100) * 100u +
		     (unsigned)(d % 100);
	for (int i = 7; i >= 0; i--, v /= 10)
		s[i] = (char)('0' + v % 10);
	s[8] = 0;
}

enum dq_cmp_date_level
dq_cmp_date(int y1, int m1, int d1, int y2, int m2, int d2, int within_days)
{
	char a[9], b[9];
	long long dd;

	if (y1 == y2 && m1 == m2 && d1 == d2)
		return DQ_CMP_DATE_EXACT;
	if (y1 == y2 && m1 == d2 && d1 == m2)
		return DQ_CMP_DATE_SWAPPED;
	dd = days(y1, m1, d1) - days(y2, m2, d2);
	if (dd < 0)
		dd = -dd;
	if (dd <= within_days)
		return DQ_CMP_DATE_WITHIN;
	ymd(a, y1, m1, d1);
	ymd(b, y2, m2, d2);
	if (dq_cmp_damerau(a, 8, b, 8) <= 1)
		return DQ_CMP_DATE_WITHIN;
	/* The year one off, or the century mistyped or misread from a
	 * two-digit year. */
	if (m1 == m2 && d1 == d2 &&
	    (abs(y1 - y2) == 1 || abs(y1 - y2) == 100))
		return DQ_CMP_DATE_WITHIN;
	/* One short date ("08/09/43") read both ways at once: day and
	 * month in the other order and the two-digit year in the other
	 * century (1943-09-08 and 2043-08-09). */
	if (m1 == d2 && d1 == m2 && abs(y1 - y2) == 100)
		return DQ_CMP_DATE_WITHIN;
	if (y1 == y2)
		return DQ_CMP_DATE_SAME_YEAR;
	return DQ_CMP_DATE_DIFFERENT;
}

/* ---- email, phone ---- */

enum dq_cmp_email_level
dq_cmp_email(const char *a, size_t an, const char *b, size_t bn)
{
	const char *ata = memrchr(a, '@', an), *atb = memrchr(b, '@', bn);
	size_t la, lb;

	if (an == bn && !memcmp(a, b, an))
		return DQ_CMP_EMAIL_EXACT;
	la = ata ? (size_t)(ata - a) : an;
	lb = atb ? (size_t)(atb - b) : bn;
	if (la && la == lb && !memcmp(a, b, la))
		return DQ_CMP_EMAIL_LOCAL;
	if (ata && atb && an - la == bn - lb && an - la > 1 &&
	    !memcmp(ata, atb, an - la))
		return DQ_CMP_EMAIL_DOMAIN;
	return DQ_CMP_EMAIL_DIFFERENT;
}

/* The digits of a phone number, an extension left out.  intl is 1 when
 * the number is written with its country code: a leading '+' or the
 * international prefix "00", which is dropped ("0033 1 55" is "33155"). */
struct phone_digits {
	char d[64];
	size_t n;
	int intl;
};

static void
phone_digits(const char *s, size_t n, struct phone_digits *p)
{
	size_t i = 0, k = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	p->intl = i < n && s[i] == '+';
	for (; i < n && k < sizeof(p->d); i++) {
		/* An extension (";ext=12", " x12", " ext. 12") is not part
		 * of the number. */
		if (k && (s[i] == ';' || s[i] == 'x' || s[i] == 'X' ||
			  s[i] == 'e' || s[i] == 'E' || s[i] == '#'))
			break;
		if (s[i] >= '0' && s[i] <= '9')
			p->d[k++] = s[i];
	}
	if (!p->intl && k > 2 && p->d[0] == '0' && p->d[1] == '0') {
		memmove(p->d, p->d + 2, k - 2);
		k -= 2;
		p->intl = 1;
	}
	p->n = k;
}

/* 1 when nat, a national number with its trunk prefix 0 ("01 55 24 11
 * 16"), is intl, a number with its country code ("+33 1 55 24 11 16"):
 * the digits after the 0 end intl, and what is left before them is a
 * country code of 1 to 3 digits. */
static int
trunk_same(const struct phone_digits *nat, const struct phone_digits *intl)
{
	size_t m;

	if (nat->intl || !intl->intl || nat->n < 2 || nat->d[0] != '0')
		return 0;
	m = nat->n - 1;
	return intl->n > m && intl->n - m <= 3 &&
	       !memcmp(nat->d + 1, intl->d + intl->n - m, m);
}

enum dq_cmp_phone_level
dq_cmp_phone(const char *a, size_t an, const char *b, size_t bn, int n)
{
	struct phone_digits pa, pb;
	size_t k = n > 0 ? (size_t)n : 0, la, lb;

	phone_digits(a, an, &pa);
	phone_digits(b, bn, &pb);
	la = pa.n;
	lb = pb.n;
	if (!la || !lb)
		return DQ_CMP_PHONE_DIFFERENT;
	if (la == lb && !memcmp(pa.d, pb.d, la))
		return DQ_CMP_PHONE_EXACT;
	if (la >= 10 && lb >= 10 && !memcmp(pa.d + la - 10, pb.d + lb - 10, 10))
		return DQ_CMP_PHONE_EXACT;
	if (trunk_same(&pa, &pb) || trunk_same(&pb, &pa))
		return DQ_CMP_PHONE_EXACT;
	/* The last n digits say something only when one side is partial:
	 * it has fewer digits than the other and fewer than the 10 that
	 * identify a number above ("555-0100" for "+1 206 555 0100").  Two
	 * complete numbers that differ are different numbers however many
	 * digits they end in. */
	if (la == lb || (la < lb ? la : lb) >= 10)
		return DQ_CMP_PHONE_DIFFERENT;
	if (k && la >= k && lb >= k &&
	    !memcmp(pa.d + la - k, pb.d + lb - k, k))
		return DQ_CMP_PHONE_LAST_N;
	return DQ_CMP_PHONE_DIFFERENT;
}

/* ---- nicknames ---- */

/* One group per line, names separated by spaces.  Written for dq. */
static const char *const nick_groups[] = {
	"abigail abby abbie gail", "abraham abe bram",
	"albert al bert bertie", "alan al", "alfred al alf fred freddie",
	"alexander alex al alec sandy xander lex sasha", "alexandra alex sandra sandy lexi",
	"alexis alex lexi", "allison ali allie", "amanda mandy manda",
	"andrew andy drew", "angela angie", "anthony tony ant",
	"antonio tony toni", "arthur art artie", "barbara barb babs barbie",
	"benjamin ben benny benji", "bernard bernie", "beverly bev",
	"bradley brad", "calvin cal", "catherine cathy kate katie cat kathy",
	"katherine kathy kate katie kat kitty", "kathleen kathy kate katie",
	"charles charlie chuck chas chaz", "charlotte charlie lottie",
	"christina chris tina christy", "christine chris tina chrissy",
	"christopher chris kit topher", "clifford cliff", "cynthia cindy",
	"daniel dan danny", "danielle dani", "david dave davey",
	"deborah debbie deb debra", "dennis denny", "dolores lola",
	"donald don donnie", "dorothy dot dottie dolly", "douglas doug",
	"edward ed eddie ted ned", "edwin ed eddie", "edmund ed ned",
	"eleanor ellie nora nell", "elizabeth liz beth betty lizzie eliza libby bess betsy",
	"emily em emmy", "eugene gene", "frances fran fanny frankie",
	"francis frank fran frankie", "franklin frank", "frederick fred freddie rick",
	"gabriel gabe", "gabrielle gabby", "gerald gerry jerry",
	"gregory greg", "harold hal harry", "henry hank harry hal",
	"herbert herb bert", "howard howie", "isabel izzy bella isabelle",
	"isabella bella izzy", "jacob jake", "james jim jimmy jamie",
	"janet jan", "jeffrey jeff", "jennifer jen jenny jenn",
	"jessica jess jessie", "joan joanie", "john jack johnny jon",
	"jonathan jon jonny nathan", "joseph joe joey jo", "josephine jo josie",
	"joshua josh", "judith judy", "julia julie jules", "kenneth ken kenny",
	"kimberly kim", "lawrence larry laurie", "leonard leo len lenny",
	"louis lou louie", "louise lou lulu", "margaret peggy maggie meg marge madge greta daisy",
	"martha marty patty mattie", "martin marty", "matthew matt",
	"melissa mel missy", "michael mike mick mickey micky mikey",
	"michelle shelly", "mitchell mitch", "nancy nan", "nathaniel nate nat nathan",
	"nicholas nick nicky", "nicole nikki nicky", "oliver ollie",
	"pamela pam", "patricia pat patty trish tricia", "patrick pat paddy",
	"peter pete", "philip phil", "phillip phil", "rebecca becky becca",
	"raymond ray", "richard dick rick ricky rich richie", "robert bob bobby rob robbie bert",
	"roberta bobbie robbie", "ronald ron ronnie", "rosemary rose rosie",
	"samantha sam sammy", "samuel sam sammy", "sarah sally sadie",
	"stephanie steph stephie", "stephen steve stevie", "steven steve stevie",
	"susan sue susie suzy", "suzanne sue susie", "terence terry",
	"theodore ted teddy theo", "thomas tom tommy", "timothy tim timmy",
	"valerie val", "victoria vicky tori", "vincent vince vinny",
	"virginia ginny", "walter walt wally", "william bill billy will willie liam",
	"zachary zach zack", "wilhelm willi", "johann hans", "johannes hans",
	"giuseppe beppe peppe", "francesco franco", "alejandro alex",
	"francisco paco pancho frank", "jose pepe", "guillermo memo",
	"ignacio nacho", "enrique quique", "manuel manolo manny",
	"dmitri dima", "aleksandr sasha", "alexei alyosha", "mikhail misha",
	"vladimir vova volodya", "ekaterina katya", "elena lena",
	"natalia natasha", "maria mary mariam", "mary molly polly mae",
	"ann anne annie nan nancy", "anna annie", "helen nell nellie",
	"caroline carrie carol", "carolyn carrie", "teresa terry tess tessa",
	"theresa terry tess", "jacqueline jackie", "jacquelyn jackie",
	"ursula uschi", "malgorzata gosia", "jakub kuba", "wojciech wojtek",
	"katarzyna kasia", "aleksandra ola", "agnieszka aga",
	"raymond ray", "santiago santi", "guadalupe lupe",
	"evelyn evie eve", "amelia millie amy", "mildred millie",
	"jesus chuy", "tomasz tomek", "maximilian max", "maxwell max",
	"olivia liv livvy", "sophia sophie", "madison maddie", "megan meg",
	NULL
};

struct nick {
	char name[16];
	unsigned short group;
};

static struct nick *nicks;
static size_t nnicks;
/* The names of group g: nicks[bygroup[gstart[g]]] .. before
 * nicks[bygroup[gstart[g + 1]]]. */
static size_t *bygroup, *gstart;
static pthread_once_t nick_once = PTHREAD_ONCE_INIT;

static int
cmp_nick(const void *x, const void *y)
{
	const struct nick *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	return c ? c : (int)a->group - (int)b->group;
}

static void
nick_build(void)
{
	size_t cap = 0;
	for (size_t g = 0; nick_groups[g]; g++) {
		const char *s = nick_groups[g];
		while (*s) {
			size_t l = strcspn(s, " ");
			if (nnicks == cap) {
				cap = cap ? 2 * cap : 512;
				nicks = dq_xrealloc(nicks, cap * sizeof(*nicks));
			}
			if (l >= sizeof(nicks->name))
				l = sizeof(nicks->name) - 1;
			memcpy(nicks[nnicks].name, s, l);
			nicks[nnicks].name[l] = 0;
			nicks[nnicks++].group = (unsigned short)g;
			s += l;
			s += *s == ' ';
		}
	}
	qsort(nicks, nnicks, sizeof(*nicks), cmp_nick);
	size_t ng = 0;
	while (nick_groups[ng])
		ng++;
	gstart = dq_xcalloc(ng + 2, sizeof(*gstart));
	bygroup = dq_xmalloc((nnicks ? nnicks : 1) * sizeof(*bygroup));
	for (size_t i = 0; i < nnicks; i++)
		gstart[nicks[i].group + 2]++;
	for (size_t g = 2; g < ng + 2; g++)
		gstart[g] += gstart[g - 1];
	for (size_t i = 0; i < nnicks; i++)
		bygroup[gstart[nicks[i].group + 1]++] = i;
}

/* The range of table entries for name s. */
static size_t
nick_find(const char *s, size_t n, size_t *end)
{
	size_t lo = 0, hi = nnicks;
	char key[16];
	if (n >= sizeof(key))
		return *end = 0;
	memcpy(key, s, n);
	key[n] = 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(nicks[mid].name, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*end = lo;
	while (*end < nnicks && !strcmp(nicks[*end].name, key))
		(*end)++;
	return lo;
}

int
dq_cmp_nickname(const char *a, size_t an, const char *b, size_t bn)
{
	size_t ea, eb, sa, sb;
	if (an == bn && !memcmp(a, b, an))
		return 1;
	/* Built on first use, once whatever the threads; the table is
	 * constant afterwards. */
	pthread_once(&nick_once, nick_build);
	sa = nick_find(a, an, &ea);
	sb = nick_find(b, bn, &eb);
	for (size_t i = sa; i < ea; i++)
		for (size_t j = sb; j < eb; j++)
			if (nicks[i].group == nicks[j].group)
				return 1;
	return 0;
}

int
dq_cmp_nickname_typo(const char *a, size_t an, const char *b, size_t bn)
{
	size_t ea, eb, sa;
	pthread_once(&nick_once, nick_build);
	if (an < 3 || bn < 3)
		return 0;
	sa = nick_find(a, an, &ea);
	if (sa == ea) {
		const char *t = a;
		size_t tn = an;
		a = b, an = bn, b = t, bn = tn;
		sa = nick_find(a, an, &ea);
	}
	/* A name of the table is a name, not a typo: "pam" is not
	 * "pat" misspelt. */
	if (sa == ea || nick_find(b, bn, &eb) != eb)
		return 0;
	for (size_t i = sa; i < ea; i++) {
		unsigned g = nicks[i].group;
		for (size_t k = gstart[g]; k < gstart[g + 1]; k++) {
			const char *n = nicks[bygroup[k]].name;
			size_t nn = strlen(n);
			if (nn >= 3 && nn + 1 >= bn && bn + 1 >= nn &&
			    dq_cmp_damerau(n, nn, b, bn) <= 1)
				return 1;
		}
	}
	return 0;
}

/* The groups of the table names one edit (Damerau) from s[0..n), at
 * most cap of them, into g; returns how many.  Scans the whole table. */
static size_t
near_groups(const char *s, size_t n, unsigned *g, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < nnicks && k < cap; i++) {
		size_t nn = strlen(nicks[i].name);
		if (nn >= 3 && nn + 1 >= n && n + 1 >= nn &&
		    dq_cmp_damerau(nicks[i].name, nn, s, n) <= 1)
			g[k++] = nicks[i].group;
	}
	return k;
}

int
dq_cmp_nickname_near(const char *a, size_t an, const char *b, size_t bn)
{
	unsigned ga[32], gb[32];
	size_t na, nb, ea, eb;

	if (dq_cmp_nickname(a, an, b, bn) || dq_cmp_nickname_typo(a, an, b, bn))
		return 1;
	if (an < 4 || bn < 4 || nick_find(a, an, &ea) != ea ||
	    nick_find(b, bn, &eb) != eb)
		return 0;
	na = near_groups(a, an, ga, 32);
	nb = near_groups(b, bn, gb, 32);
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			if (ga[i] == gb[j])
				return 1;
	return 0;
}

/* ---- folding ---- */

void
dq_cmp_fold(const char *s, size_t n, struct dq_buf *out)
{
	struct dq_buf tmp = DQ_BUF_INIT;
	const char *p = s;
	size_t len = n, i, start = out->len;
	int ascii = 1, space = 1;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80) {
			ascii = 0;
			break;
		}
	if (!ascii) {
		dq_text_ascii(s, n, &tmp);
		struct dq_buf low = DQ_BUF_INIT;
		dq_text_casefold(tmp.buf, tmp.len, &low);
		dq_buf_release(&tmp);
		tmp = low;
		p = tmp.buf;
		len = tmp.len;
	}
	/* The result is never longer than p: room once, then plain
	 * stores (this runs on every compared value of every pair). */
	if (out->cap - out->len <= len)
		dq_buf_grow(out, len + 1);
	char *o = out->buf + out->len, *o0 = out->buf + start;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = 1;
			continue;
		}
		if (space && o > o0)
			*o++ = ' ';
		space = 0;
		*o++ = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	*o = '\0';
	out->len = (size_t)(o - out->buf);
	dq_buf_release(&tmp);
}
