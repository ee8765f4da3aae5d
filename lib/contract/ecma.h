/*
 * ecma.h - a JSON Schema pattern (an ECMA-262 regular expression) as the
 * POSIX extended regular expression dq-validate matches.
 *
 * Both are unanchored searches: "a" matches "xay" in either, so the
 * anchors are kept as written.  dq matches bytes in the C locale, and a
 * contract is UTF-8 JSON, so what cannot be said in those terms is either
 * refused (the construct is named) or translated with a note:
 *
 *	\d \w          [0-9] [A-Za-z0-9_]            exact
 *	\s             the ASCII white space and, as alternatives, each
 *	               other White_Space character ECMA-262 lists  exact
 *	(?:  (?<n>     (                              exact
 *	*? +? ?? {n,m}? the greedy form: whether some substring matches
 *	               does not depend on greed       exact
 *	\uXXXX \xHH \t the character itself           exact
 *	é+             (é)+, so that a repetition takes the whole character
 *	[a-zé]         ([a-z]|é)                      exact
 *	.  [^...] \D \W \S  match one byte: exact on ASCII text; a
 *	               non-ASCII character counts as its 2 to 4 bytes, and
 *	               '.' also matches U+2028 and U+2029        approximate
 *	lookaround, \b \B, back-references, \p{...}, \cX, \0, a non-ASCII
 *	               range, a negated class with non-ASCII members,
 *	               [] and [^]                      refused
 */
#ifndef DQ_ECMA_H
#define DQ_ECMA_H

#include "base/util.h"

/*
 * Translate the pattern p into ERE text appended to out.  Returns 0
 * (exact), 1 (approximate: *why says how), or -1 (refused: *why names
 * the construct; out holds garbage).  *why is a static string.
 */
int dq_ecma_to_ere(const char *p, struct dq_buf *out, const char **why);

/*
 * The same for an XML Schema pattern (Table Schema's "pattern"), which
 * must match the whole value: the ERE is wrapped in ^( and )$, and '^'
 * and '$' are characters.  Its class subtraction and \i, \c are
 * refused; otherwise the ECMA-262 table above applies.
 */
int dq_xsd_to_ere(const char *p, struct dq_buf *out, const char **why);

/* An ERE as ECMA-262 (and XML Schema, but for '^' and '$', which are
 * characters there): the same text but for bracket expressions, where
 * POSIX takes ']' first and '\\' as characters.  Appended to o; -1 for a
 * class name ([:alpha:]), which has no such form here. */
int dq_ere_to_ecma(const char *p, struct dq_buf *o);

#endif
