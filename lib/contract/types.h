/*
 * types.h - what a value is: missing or present, and which types and
 * formats it has.  One meaning for every program: dq-validate's
 * `required`, `type` and `format`, dq-block's key parts, dq-profile's
 * completeness, detection and --suggest, dq-merge's survivorship all ask
 * these functions.
 *
 * Types are JSON's (string, integer, number, boolean, object, array) and
 * the formats of text that dq-normalize writes: email (norm/value.h's
 * exact check), ISO 8601 date and date-time (one grammar, dq_iso_parse),
 * E.164 phone, US state code and ZIP (norm/value.h's one table and one
 * rule).  The checks every value of a record may go through are inline.
 */
#ifndef DQ_TYPES_H
#define DQ_TYPES_H

#include <stddef.h>
#include <string.h>

#include "norm/date.h"
#include "stream/json.h"

/* The types and formats a contract can name. */
enum dq_type {
	DQ_TYPE_STRING,
	DQ_TYPE_INTEGER,
	DQ_TYPE_NUMBER,
	DQ_TYPE_BOOLEAN,
	DQ_TYPE_DATE,
	DQ_TYPE_DATETIME,
	DQ_TYPE_EMAIL,
	DQ_TYPE_PHONE,
	DQ_TYPE_US_STATE,
	DQ_TYPE_ZIP,
	DQ_TYPE_ENUM,
	DQ_TYPE_OBJECT,
	DQ_TYPE_ARRAY,
	DQ_NTYPE
};

/* "string", "integer", ... indexed by enum dq_type. */
extern const char *const dq_type_names[DQ_NTYPE];

/* The JSON kinds of enum dq_json_type as messages name them ("null",
 * "boolean", "boolean", "number", "string", "array", "object"). */
extern const char *const dq_json_kind_names[7];

/* The type named s (also "bool" and "state"), or -1. */
int dq_type_parse(const char *s);

/* Is t a format of text that dq-normalize parses (so that a format check
 * exists for it): not string, enum, object or array. */
int dq_type_parsed(enum dq_type t);

/* The message of a failed format check of t ("not a US state code"). */
const char *dq_format_what(enum dq_type t);

/*
 * Is the text s[0..n) (a string's unescaped value) a valid value of the
 * format t?  Email, date, date-time, phone, US state and ZIP have rules;
 * any other type answers 1.
 */
int dq_format_valid(enum dq_type t, const char *s, size_t n);

/* Is the member's JSON kind the type t (integer: a number without '.',
 * 'e' or 'E'; enum: a string, number or boolean; a format: a string)? */
static inline int
dq_type_matches(const struct dq_member *m, enum dq_type t)
{
	switch (t) {
	case DQ_TYPE_INTEGER:
		return m->type == DQ_JSON_NUMBER &&
		       !memchr(m->val, '.', m->vallen) &&
		       !memchr(m->val, 'e', m->vallen) &&
		       !memchr(m->val, 'E', m->vallen);
	case DQ_TYPE_NUMBER:
		return m->type == DQ_JSON_NUMBER;
	case DQ_TYPE_BOOLEAN:
		return m->type == DQ_JSON_TRUE || m->type == DQ_JSON_FALSE;
	case DQ_TYPE_OBJECT:
		return m->type == DQ_JSON_OBJECT;
	case DQ_TYPE_ARRAY:
		return m->type == DQ_JSON_ARRAY;
	case DQ_TYPE_ENUM:
		return m->type == DQ_JSON_STRING || m->type == DQ_JSON_NUMBER ||
		       m->type == DQ_JSON_TRUE || m->type == DQ_JSON_FALSE;
	default:
		return m->type == DQ_JSON_STRING;
	}
}

static inline int
dq_types_digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/*
 * The one ISO 8601 grammar: a calendar date "YYYY-MM-DD", optionally
 * followed by "THH:MM", ":SS", ".fraction" and "Z" or "+HH:MM" (RFC
 * 3339's profile, with seconds and zone optional).  Sets *days (since
 * 1970-01-01) and *secs (seconds since that midnight, minus the zone
 * offset: may leave [0, 86400)).  Returns 0 for a date, 1 for a
 * date-time, -1 otherwise.  days and secs may be NULL when only that kind
 * is wanted (dq-profile's counts): inline, the day count is then not
 * computed.  Inline: dq-validate parses every date value.
 */
static inline int
dq_iso_parse(const char *s, size_t n, long long *days, double *secs)
{
	int y, mo, d, h, mi, sec = 0;
	if (n < 10 || dq_types_digits(s, 4, &y) || s[4] != '-' ||
	    dq_types_digits(s + 5, 2, &mo) || s[7] != '-' ||
	    dq_types_digits(s + 8, 2, &d) || !dq_date_valid(y, mo, d))
		return -1;
	if (days)
		*days = dq_date_days(y, mo, d);
	if (secs)
		*secs = 0;
	if (n == 10)
		return 0;
	const char *p = s + 10, *e = s + n;
	if (e - p < 6 || *p != 'T' || dq_types_digits(p + 1, 2, &h) ||
	    p[3] != ':' || dq_types_digits(p + 4, 2, &mi) || h > 23 || mi > 59)
		return -1;
	p += 6;
	double frac = 0;
	if (p < e && *p == ':') {
		if (e - p < 3 || dq_types_digits(p + 1, 2, &sec) || sec > 60)
			return -1;
		p += 3;
		if (p < e && *p == '.') {
			double scale = 0.1;
			p++;
			if (p == e || *p < '0' || *p > '9')
				return -1;
			while (p < e && *p >= '0' && *p <= '9') {
				frac += (*p - '0') * scale;
				scale /= 10;
				p++;
			}
		}
	}
	int off = 0;
	if (p < e && *p == 'Z') {
		p++;
	} else if (p < e && (*p == '+' || *p == '-')) {
		int oh, om;
		if (e - p < 6 || dq_types_digits(p + 1, 2, &oh) || p[3] != ':' ||
		    dq_types_digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
		off = (oh * 60 + om) * (*p == '-' ? -1 : 1);
		p += 6;
	}
	if (p != e)
		return -1;
	if (secs)
		*secs = h * 3600 + mi * 60 + sec + frac - off * 60;
	return 1;
}

/*
 * The one E.164 check: "+", a first digit 1-9 and 7-15 digits in all,
 * optionally followed by ";ext=" and digits (as dq-normalize --phone
 * writes them).  Inline: dq-validate checks every phone value.
 */
static inline int
dq_e164_valid(const char *s, size_t n)
{
	size_t main = n, i;

	/* memchr for the rare ';', not memmem: the numbers are short. */
	for (const char *x = s; n >= 5 && (x = memchr(x, ';', n - 4 - (size_t)(x - s)));
	     x++)
		if (!memcmp(x + 1, "ext=", 4)) {
			main = (size_t)(x - s);
			break;
		}
	if (main < n) {
		if (n - main - 5 == 0)
			return 0;
		for (i = main + 5; i < n; i++)
			if (s[i] < '0' || s[i] > '9')
				return 0;
	}
	if (main < 8 || main > 16 || s[0] != '+' || s[1] == '0')
		return 0;
	for (i = 1; i < main; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

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
	if (m->type == DQ_JSON_STRING) {
		/* Visible ASCII first, not a backslash: one subtraction
		 * and compare for the range 0x21-0x7E. */
		unsigned c = (unsigned char)m->val[1];
		if (m->vallen > 2 && c - 0x21u < 0x5Eu && c != '\\')
			return 0;
		return m->vallen <= 2 || dq_value_missing_text(m);
	}
	if (m->type == DQ_JSON_ARRAY || m->type == DQ_JSON_OBJECT)
		return dq_value_missing_text(m);
	return m->type == DQ_JSON_NULL;
}

#endif
