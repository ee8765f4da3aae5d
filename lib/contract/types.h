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
int dq_value_missing(const struct dq_member *m);

/* The same for a raw JSON value text v[0..n) (a string with its quotes). */
int dq_value_missing_raw(const char *v, size_t n);

#endif
