/*
 * phone_corpus.h - the phone corpus reader and random number maker shared
 * by test_phone.c and bench_phone.c.
 *
 * The corpus (data/phone-corpus.tsv, written by scripts/gen-phone-corpus)
 * has one case per line: region, input, expected E.164 (empty if invalid),
 * expected extension.  Inputs hold no tabs or newlines.
 */
#ifndef DQ_PHONE_CORPUS_H
#define DQ_PHONE_CORPUS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "base/util.h"

struct pcase {
	char *region, *input, *e164, *ext;
	size_t inlen;
};

/* Read the corpus; returns the number of cases (0 if the file cannot be
 * read or a line has not four fields).  The cases and their strings are
 * the caller's: free with corpus_free. */
static size_t
corpus_read(const char *path, struct pcase **out)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n = 0, alloc = 0;
	ssize_t len;
	struct pcase *c = NULL;

	*out = NULL;
	if (!f)
		return 0;
	while ((len = getline(&line, &cap, f)) > 0) {
		char *field[4], *p = line;
		int i;

		if (line[len - 1] == '\n')
			line[--len] = '\0';
		for (i = 0; i < 4; i++) {
			field[i] = p;
			p = strchr(p, '\t');
			if (!p && i < 3)
				break;
			if (p)
				*p++ = '\0';
		}
		if (i < 4 || p) {
			n = 0;
			break;
		}
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 1024;
			c = dq_xrealloc(c, alloc * sizeof(*c));
		}
		c[n].region = dq_xstrdup(field[0]);
		c[n].input = dq_xstrdup(field[1]);
		c[n].inlen = strlen(field[1]);
		c[n].e164 = dq_xstrdup(field[2]);
		c[n].ext = dq_xstrdup(field[3]);
		n++;
	}
	free(line);
	fclose(f);
	*out = c;
	return n;
}

static void
corpus_free(struct pcase *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(c[i].region);
		free(c[i].input);
		free(c[i].e164);
		free(c[i].ext);
	}
	free(c);
}

/* splitmix64: a small seeded generator, so every run makes the same
 * numbers. */
static uint64_t
rnd_next(uint64_t *s)
{
	return dq_rng_splitmix64(s);
}

static unsigned
rnd(uint64_t *s, unsigned n)
{
	return (unsigned)(rnd_next(s) % n);
}

/*
 * A random phone-like text in out (at most outcap-1 bytes, NUL-terminated):
 * the digits of a random corpus input (or of nothing), with digits
 * changed, dropped, added, prefixed with '+', a country code, an
 * international or national prefix, then punctuated.  Most land in the
 * fast path's domain; many are valid numbers.
 */
static size_t
random_number(uint64_t *s, const struct pcase *c, size_t nc, char *out,
	      size_t outcap)
{
	static const char *const pre[] = { "",   "",   "",   "+",   "+1",
					   "0",  "00", "1",  "011", "+44",
					   "44", "+0", "001" };
	static const char punct[] = " -.()";
	char dig[64];
	size_t nd = 0, i, n = 0;
	const char *src = nc ? c[rnd(s, (unsigned)nc)].input : "";
	const char *p = pre[rnd(s, sizeof(pre) / sizeof(pre[0]))];

	for (; *p && nd < 40; p++)
		dig[nd++] = *p;
	for (; *src && nd < 40; src++)
		if (*src >= '0' && *src <= '9')
			dig[nd++] = *src;
	if (nd < 4 || rnd(s, 8) == 0)
		for (i = rnd(s, 14); i > 0 && nd < 40; i--)
			dig[nd++] = (char)('0' + rnd(s, 10));
	for (i = rnd(s, 3); i > 0 && nd > 0; i--) {
		size_t at = rnd(s, (unsigned)nd);
		switch (rnd(s, 3)) {
		case 0:
			dig[at] = (char)('0' + rnd(s, 10));
			break;
		case 1:
			memmove(dig + at, dig + at + 1, nd - at - 1);
			nd--;
			break;
		default:
			if (nd < 40) {
				memmove(dig + at + 1, dig + at, nd - at);
				dig[at] = (char)('0' + rnd(s, 10));
				nd++;
			}
		}
	}
	for (i = 0; i < nd && n + 2 < outcap; i++) {
		if (i > 0 && rnd(s, 4) == 0)
			out[n++] = punct[rnd(s, sizeof(punct) - 1)];
		out[n++] = dig[i];
	}
	out[n] = '\0';
	return n;
}

#endif
