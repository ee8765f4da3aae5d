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

/*
 * CSV cells are text; a contract's types are JSON's.  So that one contract
 * gives one answer on the CSV and on the NDJSON of the same data, the
 * cells of fields the contract types are typed before any rule sees them:
 *
 *	DQ_CELL_NUMBER   "150", "-3.5", "1e3" (JSON's number grammar, the
 *	                 text kept as it is) become numbers
 *	DQ_CELL_BOOLEAN  "true" and "false" become booleans
 *
 * and an empty cell of such a field becomes null.  Anything else stays a
 * string, so that a type check fails it as on NDJSON ("found string").
 * DQ_CELL_TEXT leaves the cell alone.  NDJSON is never retyped.
 */
enum dq_cell { DQ_CELL_TEXT, DQ_CELL_NUMBER, DQ_CELL_BOOLEAN };

/* Type member i of rec, a CSV cell, as t (through dq_record_set: the
 * record then writes the typed value).  Returns 1 if the value changed,
 * 0 if not. */
int dq_value_type_cell(struct dq_record *rec, size_t i, enum dq_cell t);

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
