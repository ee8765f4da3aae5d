/*
 * fuzz_entity.c - libFuzzer entry point for the text that comes out of web
 * pages and product catalogues: HTML character references and invisible
 * characters (lib/norm/entity.c), and the word comparators that read such
 * text (lib/er/compare.c: words, Monge-Elkan, TF-IDF, codes, years).
 *
 * Checks: decoding fails exactly on invalid UTF-8 and otherwise writes
 * valid UTF-8; text without '&' decodes to itself; removing invisible
 * characters never lengthens a text and leaves none behind; every
 * similarity is in [0, 1], Monge-Elkan and TF-IDF give the same value
 * both ways round, a text against itself has codes EXACT or NONE.  The
 * input is split at its first NUL byte into the two sides of a pair.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "er/compare.h"
#include "norm/entity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static double
idf_len(const void *ctx, const char *w, size_t n)
{
	(void)ctx;
	(void)w;
	return 1.0 + (double)(n % 5);
}

static void
pair(const char *a, size_t an, const char *b, size_t bn)
{
	double s1, s2;
	int l;

	s1 = dq_cmp_monge_elkan(a, an, b, bn, DQ_CMP_INNER_JARO_WINKLER);
	s2 = dq_cmp_monge_elkan(b, bn, a, an, DQ_CMP_INNER_JARO_WINKLER);
	if (!(s1 >= 0 && s1 <= 1) || fabs(s1 - s2) > 1e-9)
		abort();
	s1 = dq_cmp_monge_elkan(a, an, b, bn, DQ_CMP_INNER_DAMERAU);
	if (!(s1 >= 0 && s1 <= 1))
		abort();
	s1 = dq_cmp_tfidf(a, an, b, bn, idf_len, NULL);
	s2 = dq_cmp_tfidf(b, bn, a, an, idf_len, NULL);
	if (!(s1 >= 0 && s1 <= 1) || fabs(s1 - s2) > 1e-9)
		abort();
	l = (int)dq_cmp_code(a, an, b, bn);
	if (l < DQ_CMP_CODE_EXACT || l > DQ_CMP_CODE_NONE)
		abort();
	l = (int)dq_cmp_code(a, an, a, an);
	if (l != DQ_CMP_CODE_EXACT && l != DQ_CMP_CODE_NONE)
		abort();
	l = dq_cmp_year(a, an);
	if (l && (l < 1000 || l > 2999))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dq_buf out = DQ_BUF_INIT, inv = DQ_BUF_INIT;
	const char *s = (const char *)data;
	const char *nul = memchr(s, '\0', size);
	size_t an = nul ? (size_t)(nul - s) : size;
	int valid = dq_utf8_valid(s, size);
	int rc = dq_entity_decode(s, size, &out);

	if (rc != (valid ? 0 : -1) || (valid && !dq_utf8_valid(out.buf, out.len)))
		abort();
	if (valid && !memchr(s, '&', size) &&
	    (out.len != size || memcmp(out.buf, s, size)))
		abort();
	if (valid) {
		if (dq_entity_invisible(out.buf, out.len, &inv) ||
		    inv.len > out.len)
			abort();
		out.len = 0;
		if (dq_entity_invisible(inv.buf, inv.len, &out) ||
		    out.len != inv.len)
			abort();
	}
	pair(s, an, nul ? nul + 1 : s, nul ? size - an - 1 : 0);
	dq_buf_release(&out);
	dq_buf_release(&inv);
	return 0;
}
