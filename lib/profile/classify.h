/*
 * classify.h - what kind of value a string is, for dq-profile: the value
 * types, a one-pass scan of a string's bytes (properties, code points,
 * shape), and the cheap tests that decide its type.
 *
 * The profile engine (profile/profile.c) calls these once per value that
 * is not in its value cache, so the byte-level tests are static inline
 * here and inline into its loop; only the date-word test, reached by
 * strings with both letters and digits, is a call.  Nothing here
 * allocates or keeps state between calls except the scratch buffer a
 * caller passes to dq_classify_to_double(); every table is read-only, so
 * any number of threads may classify at once.
 *
 * A yes from dq_classify_may_be_date() is only a maybe: the caller still
 * runs dq_date_parse() (norm/date.h).  dq_classify_phone() judges by look
 * only (digits and "+()-. "); dq-validate's E.164 form, dates and
 * e-mail addresses are contract/types.h's and norm/value.h's own checks,
 * called by the profiler, never copied here.
 */
#ifndef DQ_CLASSIFY_H
#define DQ_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* The value types dq-profile tells apart (strings are classified by their
 * content, so CSV input gets types too).  The order is the order of ties
 * and of the partial state's "types" array: never reorder. */
enum dq_vtype {
	DQ_VT_INTEGER,
	DQ_VT_NUMBER,
	DQ_VT_BOOLEAN,
	DQ_VT_STRING,
	DQ_VT_DATE,
	DQ_VT_DATETIME,
	DQ_VT_EMAIL,
	DQ_VT_PHONE,
	DQ_VT_OBJECT,
	DQ_VT_ARRAY,
	DQ_VT_COUNT
};

/* "integer", "number", ... in enum order. */
extern const char *const dq_vtype_names[DQ_VT_COUNT];

/* The type named name, or -1 (name may be NULL). */
int dq_vtype_index(const char *name);

/* Shapes longer than this many bytes end in "~". */
#define DQ_CLASSIFY_SHAPE_MAX 32

/* What one pass over a string learns of each byte (dq_classify_scan). */
enum {
	DQ_CLASSIFY_DIGIT = 1,
	DQ_CLASSIFY_ALPHA = 2,    /* an ASCII letter */
	DQ_CLASSIFY_NODATE = 4,   /* a byte dq_date_parse never reads */
	DQ_CLASSIFY_AT = 8,       /* "@" */
	DQ_CLASSIFY_NOPHONE = 16, /* not a digit or one of "+()-. " */
	DQ_CLASSIFY_NONNUM = 32,  /* not a digit or one of "+-.eE" */
	DQ_CLASSIFY_CONT = 64     /* a UTF-8 continuation byte, 10xxxxxx */
};

/* The DQ_CLASSIFY_* properties of each byte, and its shape character
 * (A, a, 9, itself, or 0 for a non-ASCII byte). */
extern const unsigned char dq_classify_props[256];
extern const char dq_classify_shape_map[256];

/* 1 if s (n bytes) is a signed decimal integer of at most 19 digits. */
static inline int
dq_classify_integer(const char *s, size_t n)
{
	size_t i = 0;
	if (n && (s[0] == '-' || s[0] == '+'))
		i++;
	if (i == n || n - i > 19)
		return 0;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* 1 if s is a decimal number as text: sign, digits, optional fraction and
 * exponent; no hex, inf or nan (strtod would take them). */
static inline int
dq_classify_number(const char *s, size_t n)
{
	size_t i = 0, d = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++, d++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, d++;
	}
	if (!d)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		if (i == n || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i == n;
}

/* 1 if s looks like a phone number: digits with + ( ) - . and spaces, 7 to
 * 15 digits, starting with a digit, + or (.  (Validating against numbering
 * plans is dq-normalize's job; a profile only needs the kind.) */
static inline int
dq_classify_phone(const char *s, size_t n)
{
	size_t d = 0;
	if (!n || !(s[0] == '+' || s[0] == '(' || (s[0] >= '0' && s[0] <= '9')))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9')
			d++;
		else if (!strchr("+()-. ", c))
			return 0;
	}
	return d >= 7 && d <= 15;
}

/*
 * The number s (n bytes, a number as dq_classify_number or JSON takes
 * it) as strtod would read it.  scratch is the caller's buffer for the
 * slow path (it is overwritten).
 */
static inline double
dq_classify_to_double(const char *s, size_t n, struct dq_buf *scratch)
{
	/* Fast path: at most 15 digits with an optional sign and point.
	 * The digits make an integer m < 2^53 and 10^k is exact for k <= 15,
	 * so m / 10^k is the correctly rounded value, as strtod gives. */
	static const double p10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
				      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
				      1e15 };
	size_t i = 0, nd = 0;
	int neg = 0, frac = -1;
	uint64_t m = 0;
	if (n && (s[0] == '-' || s[0] == '+'))
		neg = s[i++] == '-';
	for (; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			m = m * 10 + (uint64_t)(s[i] - '0');
			nd++;
		} else if (s[i] == '.' && frac < 0) {
			frac = (int)i;
		} else {
			break;
		}
	}
	if (i == n && nd && (nd <= 15 || (frac < 0 && nd <= 19))) {
		/* An integer of up to 19 digits is below 2^64, and its
		 * conversion to double rounds once, to nearest, as strtod
		 * does (ids and account numbers are often that long). */
		double x = (double)m;
		if (frac >= 0)
			x /= p10[n - 1 - (size_t)frac];
		return neg ? -x : x;
	}
	dq_buf_reset(scratch);
	dq_buf_add(scratch, s, n);
	return strtod(scratch->buf, NULL);
}

/*
 * One pass over string s (n bytes) for what classifying it needs: the
 * DQ_CLASSIFY_* properties of its bytes, or-ed (returned), its code
 * points (*cp) and its shape (out, NUL-terminated, *shlen bytes): ASCII
 * letters become A or a, digits 9, other non-ASCII code points *, the
 * rest stays ("Main St 12" -> "Aaaa Aa 99"); shapes longer than
 * DQ_CLASSIFY_SHAPE_MAX bytes end in "~".  One table lookup per byte:
 * mixed text ("Aaaa 9999") defeats the branch predictor of a chain of
 * range tests, and one pass reads the bytes once where a pass per test
 * read them six times.
 */
static inline unsigned
dq_classify_scan(const char *s, size_t n, size_t *cp,
		 char out[DQ_CLASSIFY_SHAPE_MAX + 2], size_t *shlen)
{
	unsigned acc = 0;
	size_t len = 0, cont = 0, i = 0;
	int seq = 0; /* inside a non-ASCII code point */
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned p = dq_classify_props[c];
		acc |= p;
		if (c < 0x80) {
			seq = 0;
		} else if (p & DQ_CLASSIFY_CONT) {
			cont++;
			if (seq)
				continue;
		}
		if (len >= DQ_CLASSIFY_SHAPE_MAX) {
			out[len++] = '~';
			i++;
			break;
		}
		if (c >= 0x80) {
			/* One code point of another script: "*". */
			seq = 1;
			out[len++] = '*';
		} else {
			out[len++] = dq_classify_shape_map[c];
		}
	}
	for (; i < n; i++) {
		unsigned p = dq_classify_props[(unsigned char)s[i]];
		acc |= p;
		cont += (p & DQ_CLASSIFY_CONT) != 0;
	}
	out[len] = '\0';
	*shlen = len;
	*cp = n - cont;
	return acc;
}

/* 1 if every run of ASCII letters in s is a word dq_date_parse reads (a
 * month or weekday name first); see dq_classify_may_be_date(). */
int dq_classify_date_words(const char *s, size_t n);

/*
 * Could s be a date for dq_date_parse?  Text it surely refuses is most
 * non-dates with a digit (street addresses, ids, e-mail addresses), and
 * refusing costs the parser more than these checks: it reads only ASCII
 * letters and digits, the separators " +,-./:", the controls \t to \r
 * and the bytes of U+00A0 and U+202F (acc, the properties of the bytes
 * of s from dq_classify_scan(), has no DQ_CLASSIFY_NODATE); every date
 * form has a digit; and every run of letters is one of its words.  A yes
 * is only a maybe.
 */
static inline int
dq_classify_may_be_date(const char *s, size_t n, unsigned acc)
{
	if ((acc & DQ_CLASSIFY_NODATE) || !(acc & DQ_CLASSIFY_DIGIT))
		return 0;
	if (!(acc & DQ_CLASSIFY_ALPHA))
		return 1;
	return dq_classify_date_words(s, n);
}

#endif
