/*
 * ere.h - a fast matcher for simple POSIX extended regular expressions.
 *
 *	regex_t re;                       (regcomp(&re, p, REG_EXTENDED)
 *	struct dq_ere e;                   accepted p first)
 *	int fast = dq_ere_compile(&e, p) == 0;
 *	...
 *	int hit = fast ? dq_ere_match(&e, s, n) : !regexec(&re, s0, 0, 0, 0);
 *
 * For a pattern it can take (literals, bracket expressions, '.', groups,
 * '|', '*', '+', '?', '{n}', '{n,}', '{n,m}', and '^'/'$' at its ends,
 * at most 64 character positions once repetitions are written out) it
 * answers what regexec(3) answers with nmatch 0 in the C locale: whether
 * some substring matches.  Anything else it declines, and the caller
 * keeps regexec.  It exists because glibc's regexec costs several
 * hundred instructions a call even for "^[0-9]{5}$".
 */
#ifndef DQ_ERE_H
#define DQ_ERE_H

#include <stddef.h>
#include <stdint.h>

#define DQ_ERE_MAXPOS 64

struct dq_ere {
	uint64_t cls[256];              /* positions that accept a byte */
	uint64_t follow[DQ_ERE_MAXPOS]; /* positions that may come next */
	uint64_t first, last;
	int nullable; /* the empty string matches the body */
	int bol, eol; /* anchored by '^' at the start / '$' at the end */
};

/*
 * Compile pattern (which regcomp with REG_EXTENDED accepted) into e: 0,
 * or -1 when it is outside the subset above or the locale is not
 * single-byte; e is then unusable and nothing is allocated either way.
 */
int dq_ere_compile(struct dq_ere *e, const char *pattern);

/* 1 when s (n bytes, matched up to its first NUL as regexec would see
 * it) contains a match of e, else 0. */
int dq_ere_match(const struct dq_ere *e, const char *s, size_t n);

/*
 * The digit of the first back-reference (\1 to \9, outside bracket
 * expressions) in pattern, or 0 if it has none.  glibc's regexec accepts
 * back-references in extended expressions, and matching one can take
 * time exponential in the value's length (a 5 KB value ran past 30 s), so
 * dq refuses such patterns when a contract is loaded.
 */
int dq_ere_backref(const char *pattern);

/* p points at the '[' of a bracket expression: where it ends (after its
 * ']', or at the NUL of an unterminated one). */
const char *dq_ere_skip_bracket(const char *p);

#endif
