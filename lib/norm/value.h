/*
 * value.h - normalizers for single field values: e-mail addresses,
 * booleans, human-written numbers, US states and US ZIP codes.
 *
 * Every function reads a UTF-8 text s of n bytes (not NUL-terminated, may
 * hold anything) and never allocates except to grow the caller's buffer.
 * The text is borrowed.  Functions that produce text APPEND it to out
 * (they never reset it) and, on rejection, return -1 leaving out exactly as
 * it was.  None of them prints or exits (growing out may exit 2 on out of
 * memory, like every dq_buf function).  They keep no state and are safe to
 * call from several threads at once.
 *
 * The rules each function accepts are described at the top of value.c;
 * the comments here say what comes out.
 */
#ifndef DQ_VALUE_H
#define DQ_VALUE_H

#include <stddef.h>

#include "base/util.h"

/* Flags for dq_email_normalize(). */
enum {
	/* Remove "+tag" from the local part ("ann+news@x.org" -> ann@x.org).
	 * A local part that starts with '+' is left alone. */
	DQ_EMAIL_STRIP_TAG = 1,
	/* Remove dots from the local part for providers known to ignore
	 * them (gmail.com, googlemail.com), and rewrite googlemail.com as
	 * gmail.com. */
	DQ_EMAIL_STRIP_DOTS = 2,
	/* Remove dots from the local part for every domain (implies
	 * DQ_EMAIL_STRIP_DOTS, including the googlemail.com rewrite). */
	DQ_EMAIL_STRIP_DOTS_ALL = 4
};

/*
 * Normalize an e-mail address: trim surrounding white space; unwrap a
 * display name "Ann Lee <ann@x.org>", angle brackets "<ann@x.org>" and a
 * "mailto:" URI prefix (its "?query" is dropped); lower-case ASCII letters
 * in both parts (also in the local part of an address with non-ASCII
 * characters; non-ASCII letters are not case-mapped); drop needless quotes
 * around a local part ("\"ann\"@x.org" -> ann@x.org); then apply flags.
 * Returns 0 and appends "local@domain", or -1 (appending nothing) if the
 * text is not a syntactically plausible address (see value.c).
 */
int dq_email_normalize(const char *s, size_t n, int flags, struct dq_buf *out);

/* Syntax check with exactly the rules of dq_email_normalize(): 1 if it
 * would accept s, 0 if not. */
int dq_email_valid(const char *s, size_t n);

/* 1 if s is exactly an address (RFC 5322 addr-spec, within the same
 * rules): no white space around it, no display name or angle brackets,
 * no mailto: -- the check of a value that should already be clean. */
int dq_email_valid_exact(const char *s, size_t n);

/*
 * Parse a boolean: yes/no, y/n, true/false, t/f, 1/0, on/off, in any ASCII
 * case, with surrounding white space.  Sets *val to 1 or 0 and returns 0;
 * returns -1 (leaving *val alone) for anything else, including "".
 */
int dq_bool_parse(const char *s, size_t n, int *val);

struct dq_number_opts {
	char decimal;      /* the decimal mark: '.' (default) or ',' */
	int percent_scale; /* 1 (default): "12.5%" -> 0.125; 0: -> 12.5 */
};

/* Set the defaults: decimal '.', percent_scale 1. */
void dq_number_opts_init(struct dq_number_opts *o);

/*
 * Parse a human-written number ("$1,234.50", "(1.234,50 EUR)", "12.5%",
 * "1 234 567", "1,23,45,678", "1234-") and append it as a JSON number text
 * that keeps every digit the input had: no exponent unless the input had
 * one, the input's fraction digits kept ("1,234.50" -> 1234.50), leading
 * zeros and '+' dropped, "-0" written "0".  With percent_scale the decimal
 * point is shifted two places on the digit string ("12.5%" -> 0.125,
 * "100%" -> 1.00), never through a double.  o may be NULL for the
 * defaults.  Returns 0, or -1 (appending nothing) if s is not a number.
 */
int dq_number_normalize(const char *s, size_t n,
			const struct dq_number_opts *o, struct dq_buf *out);

/*
 * Map a US state, DC, territory or freely associated state name, USPS
 * abbreviation or common variant ("California", "calif.", "CA",
 * "N. Carolina", "Washington D.C.", "Puerto Rico") to its two-letter USPS
 * code.  Returns a static string (never freed by anyone), or NULL if s is
 * not known.
 */
const char *dq_us_state_code(const char *s, size_t n);

/*
 * 1 if s is exactly one of the codes dq_us_state_code() produces (two
 * upper-case letters: "CA", "PW", "AE"), 0 if not -- the check of a value
 * that should already be clean.  The same table, so the toolkit accepts
 * its own output.
 */
int dq_us_state_valid(const char *s, size_t n);

/*
 * Normalize a US ZIP code: "12345", "12345-6789", "12345 6789" and
 * "123456789" become "12345" or "12345-6789".  With restore_zeros, values
 * that lost their leading zeros in a spreadsheet are padded back: 3 or 4
 * digits to 5 ("2134" -> "02134"), 7 or 8 digits to 9, "2134-1234" ->
 * "02134-1234", and a numeric ".0" tail is dropped ("2134.0" -> "02134").
 * state is the record's state: its USPS code ("MA"), or NULL when it
 * has no US state (none, or "Sachsen").  A padded ZIP must lie
 * in that state's prefixes (norm/usps.h): "2134" under MA is 02134,
 * under CA it is not a ZIP ("7330" under TX is no 07330, a New Jersey
 * ZIP).  Returns 0 and appends, or -1 (appending nothing) if s is not a
 * ZIP.
 */
int dq_zip_normalize(const char *s, size_t n, int restore_zeros,
		     const char *state, struct dq_buf *out);

/*
 * 1 if s is exactly a ZIP code as dq_zip_normalize() writes it ("12345"
 * or "12345-6789", the five digits not "00000"), 0 if not -- the check of
 * a value that should already be clean.
 */
int dq_zip_valid(const char *s, size_t n);

#endif
