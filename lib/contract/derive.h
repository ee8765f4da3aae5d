/*
 * derive.h - defaults and derived fields: the values dq-normalize fills
 * in after a record's fields went through their steps, as the contract's
 * "fields" section says (docs/contract.md, "Defaults and derived
 * fields"):
 *
 *	"country":     {"default": "US"}
 *	"birth_year":  {"derive": {"year": "dob"}}
 *	"school_year": {"derive": {"academic_year": "date", "starts": "08-01"}}
 *	"absent_pct":  {"derive": {"ratio": ["absent", "enrolled"],
 *	                           "scale": 100, "round": 1}}
 *
 * A default replaces a missing value (contract/types.h's one meaning:
 * absent, null, blank, [] or {}); a derivation computes its field from
 * others, read after their own steps ran, and replaces whatever the field
 * held.  Fills run in the contract's order, so a derivation may read a
 * field an earlier one filled.
 *
 *	struct dq_fills fs;
 *	dq_fills_init(&fs);
 *	if (dq_fills_load(&fs, fields_section))
 *		... a message was printed: exit 2 ...
 *	for (size_t i = 0; i < fs.n; i++)
 *		rc = dq_fill_apply(&fs.v[i], rec, &tmp, &prev);
 *	dq_fills_release(&fs);
 *
 * Loading returns 0, or -1 after dq_error() with the field's path;
 * dq_fill_apply() only reads the fill, so threads may share one set.
 */
#ifndef DQ_DERIVE_H
#define DQ_DERIVE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/util.h"
#include "stream/json.h"

enum dq_fill_kind {
	DQ_FILL_DEFAULT,
	DQ_FILL_COPY,          /* {"copy": "F"} */
	DQ_FILL_YEAR,          /* {"year": "F"}: a date's year, a number */
	DQ_FILL_MONTH,         /* {"month": "F"}: 1..12 */
	DQ_FILL_ACADEMIC_YEAR, /* {"academic_year": "F", "starts": "MM-DD"} */
	DQ_FILL_RATIO          /* {"ratio": ["A", "B"], "scale", "round"} */
};

struct dq_fill {
	enum dq_fill_kind kind;
	char *field;           /* owned */
	char *src[2];          /* owned; the fields read (NULL: unused) */
	char *raw;             /* default: its JSON text (owned) */
	enum dq_json_type rawtype;
	int start_month, start_day; /* academic_year */
	double scale;          /* ratio: times this (default 1) */
	int round;             /* ratio: decimal places, -1 for none */
};

struct dq_fills {
	struct dq_fill *v;
	size_t n;
};

void dq_fills_init(struct dq_fills *fs);
void dq_fills_release(struct dq_fills *fs);

/* Read the "default" and "derive" keys of every field of a contract's
 * "fields" section (may be NULL). */
int dq_fills_load(struct dq_fills *fs, const cJSON *fields);

/* What dq_fill_apply() did. */
enum {
	DQ_FILL_KEPT,      /* nothing: the value was there, or is the same */
	DQ_FILL_SET,       /* the field was given a value */
	DQ_FILL_NO_SOURCE, /* a source is missing: the field is null */
	DQ_FILL_FAILED     /* a source could not be read (not a date, not a
			    * number, a division by zero): the field is
			    * null */
};

/*
 * Apply f to r.  tmp is scratch.  When the field held a value that the
 * fill replaced, its raw JSON is appended to prev (may be NULL) for the
 * caller's _dq.orig; prev is left alone otherwise.
 */
int dq_fill_apply(const struct dq_fill *f, struct dq_record *r,
		  struct dq_buf *tmp, struct dq_buf *prev);

#endif
