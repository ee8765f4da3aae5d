/*
 * types.h - what a value is: missing or present, and (as the toolkit
 * grows into it) which types and formats it has.  One meaning for every
 * program: dq-validate's `required`, dq-block's key parts, dq-profile's
 * completeness and dq-merge's survivorship all ask these functions.
 */
#ifndef DQ_TYPES_H
#define DQ_TYPES_H

#include <stddef.h>

#include "stream/json.h"

/*
 * Is the value missing?  Missing is: absent (m is NULL), null, a string
 * that is empty or holds only white space (Unicode's White_Space, also
 * when written as an escape: "\t", "\u00a0"), an empty array [] or an
 * empty object {} (white space inside the brackets allowed).  Zero, false
 * and "null" as text are values, not missing.
 */
static inline int dq_value_missing(const struct dq_member *m);

/* The part of dq_value_missing() that reads the text: a string whose
 * first character is not visible ASCII, an array or an object.  Call
 * dq_value_missing(). */
int dq_value_missing_text(const struct dq_member *m);

/* The same for a raw JSON value text v[0..n) (a string with its quotes). */
int dq_value_missing_raw(const char *v, size_t n);

/* Inline, as dq-validate asks it of every value every rule reads: the
 * common answers (absent, null, a number, a string that starts with a
 * visible character) cost no call. */
static inline int
dq_value_missing(const struct dq_member *m)
{
	if (!m)
		return 1;
	switch (m->type) {
	case DQ_JSON_NULL:
		return 1;
	case DQ_JSON_STRING:
		if (m->vallen <= 2)
			return 1;
		if ((unsigned char)m->val[1] > ' ' &&
		    (unsigned char)m->val[1] < 0x7F && m->val[1] != '\\')
			return 0;
		return dq_value_missing_text(m);
	case DQ_JSON_ARRAY:
	case DQ_JSON_OBJECT:
		return dq_value_missing_text(m);
	default:
		return 0;
	}
}

#endif
