/*
 * steps.h - the normalizer step registry: the named steps a field's value
 * goes through (trim, email, phone, date, number, ...), read from a
 * contract's "fields" and "normalize" sections or from dq-normalize's
 * quick flags, and run over one member of a record.
 *
 * A field's steps form a list applied in order, each to the text the one
 * before it produced.  A value is normalized by its whole list or left
 * exactly as it came: dq_steps_run() returns -1 (and the caller keeps the
 * member it saved) when any step cannot parse the value.  A step produces
 * a string's text or raw JSON (a number, true, false, null); once a value
 * is raw only the steps that read a number's text still apply (a phone,
 * ZIP, date, digits or boolean written as a JSON number).
 *
 *	struct dq_steps set;
 *	struct dq_step_list email = { 0 };
 *	struct dq_steps_scratch w = { 0 };
 *	dq_steps_init(&set);
 *	if (dq_steps_load_section(&set, normalize_section, &drop, &keep) ||
 *	    dq_steps_from_field(&set, fields_email, "contract: fields.email",
 *				&email))
 *		... a message was printed: exit 2 ...
 *	rc = dq_steps_run(&set, email.v, email.n, &w, rec, i);
 *	dq_steps_scratch_release(&w);
 *	dq_step_list_release(&email);
 *	dq_steps_release(&set);
 *
 * Messages are docs/contract.md's: "contract: fields.F.normalize: unknown
 * step 'x'".  Functions that read configuration return 0, or -1 after
 * dq_error(); none exits (but out of memory, as every dq_x* allocation).
 * dq_step_apply() and dq_steps_run() read the set and the list only, so
 * any number of threads may run them at once, each with its own scratch.
 */
#ifndef DQ_STEPS_H
#define DQ_STEPS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/util.h"
#include "norm/date.h"
#include "norm/text.h"
#include "norm/value.h"
#include "stream/json.h"

enum dq_step_kind {
	DQ_STEP_TRIM,
	DQ_STEP_COLLAPSE,
	DQ_STEP_NFC,
	DQ_STEP_NFKC,
	DQ_STEP_LOWER,
	DQ_STEP_UPPER,
	DQ_STEP_TITLE,
	DQ_STEP_NAME,
	DQ_STEP_ASCII,
	DQ_STEP_NULL,
	DQ_STEP_EMAIL,
	DQ_STEP_PHONE,
	DQ_STEP_DATE,
	DQ_STEP_DATETIME,
	DQ_STEP_NUMBER,
	DQ_STEP_BOOL,
	DQ_STEP_STATE,
	DQ_STEP_ZIP,
	DQ_STEP_DIGITS,
	DQ_STEP_MAP,
	DQ_STEP_MASK,  /* the value becomes "[masked]" */
	DQ_STEP_HASH,  /* the keyed hash of its text (dq_steps.hash_key) */
	DQ_STEP_DROP,  /* the field is removed (top-level fields only) */
	DQ_STEP_HTML_UNESCAPE, /* HTML character references decoded */
	DQ_STEP_INVISIBLE,     /* soft hyphen, zero-width space, ... removed */
	DQ_STEP_NKINDS
};

/* One step and its options (those of its kind; the rest stay default). */
struct dq_step {
	enum dq_step_kind kind;
	int email_flags;     /* DQ_EMAIL_* */
	char region[4];      /* phone: ISO 3166 region, upper case */
	int ext_drop;        /* phone: drop an extension */
	int zip_restore;     /* zip: restore leading zeros (default 1) */
	/* zip: the field holding the record's state (borrowed: the
	 * contract's or the caller's string), whose prefixes a padded ZIP
	 * must lie in; NULL for none.  zip_no_state: the contract said
	 * "state": false, so no field is set later either. */
	const char *zip_state;
	int zip_no_state;
	int name_field;      /* null: a name field's (spares names_keep) */
	/* map: {"from": to, ...}, borrowed from the contract, which
	 * outlives the run; to is a string, number, boolean or null. */
	const cJSON *map;
	struct dq_date_opts date;
	struct dq_number_opts num;
};

/* A list of steps; { 0 } is empty. */
struct dq_step_list {
	struct dq_step *v; /* owned */
	size_t n;
};

/* What every step list of a run shares. */
struct dq_steps {
	char region[4];          /* default phone region ("US") */
	char **null_tokens;      /* owned; compared case-insensitively */
	size_t nnull;
	char **names_keep;       /* owned; null tokens a name field keeps,
				  * compared by case */
	size_t nkeep;
	char **particles;        /* owned, NULL-ended; NULL: built-in list */
	struct dq_name_opts name_opts;
	/* The key of the hash step (borrowed: the environment's), set by
	 * the caller before a list with a hash step runs; NULL: none, and
	 * a hash step fails every value. */
	const char *hash_key;
	size_t hash_keylen;
};

/* The masked form the mask step writes, and the hex digits of a hash:
 * contract/pii.h's, so that a masked field and a masked echo agree. */
#define DQ_STEP_MASKED "[masked]"
#define DQ_STEP_HASH_HEX 32

/* Region US, the default null tokens ("", n/a, na, null, nil, none, -,
 * --) and the two a name field keeps when written as names, "Na" and
 * "Nil" (a surname, a given name; NA, na, NIL and nil stay placeholders). */
void dq_steps_init(struct dq_steps *s);
void dq_steps_release(struct dq_steps *s);

/* Replace the null tokens by a comma-separated list (--null-tokens). */
void dq_steps_set_null_tokens(struct dq_steps *s, const char *list);

/*
 * Read a contract's "normalize" section (may be NULL): null_tokens,
 * names_keep, region, particles, and the two output choices the program keeps:
 * unknown_fields "drop" sets *drop_unknown, keep_original true sets
 * *keep_original (neither is ever cleared).
 */
int dq_steps_load_section(struct dq_steps *s, const cJSON *sec,
			  int *drop_unknown, int *keep_original);

/* The kind a step name means ("trim", ..., "us_state"; also "name",
 * "bool" and "state"), or -1. */
int dq_step_kind(const char *name);
/* The contract name of a kind ("title_name", "boolean", "us_state"). */
const char *dq_step_name(enum dq_step_kind k);

/* A step of kind k with its defaults and the run's region. */
void dq_step_init(const struct dq_steps *s, struct dq_step *st,
		  enum dq_step_kind k);

void dq_step_list_add(struct dq_step_list *l, const struct dq_step *st);
void dq_step_list_release(struct dq_step_list *l);

/* 1 when l holds a step of kind k. */
int dq_step_list_has(const struct dq_step_list *l, enum dq_step_kind k);

/* Give the zip steps of l that name no state field (and were not told
 * "state": false) the field state (borrowed; it outlives l's use). */
void dq_step_list_zip_state(struct dq_step_list *l, const char *state);

/*
 * Mark the null steps of l as a name field's: a null token written as
 * normalize.names_keep lists it (by case) is left as it is ("Na" stays
 * "Na", "NA" becomes null).  A name field
 * is one whose steps include title_name; dq_steps_from_field() marks its
 * list itself, a caller that adds steps to a list afterwards (quick
 * flags) marks it again.
 */
void dq_step_list_names(struct dq_step_list *l);

/*
 * Append to l the steps of one field of a contract's "fields" section, fs
 * ({"type": T, "normalize": [...], "region": CC}): its "normalize" list
 * (a step is a name or {"name": options}; one bare name is a list of
 * one), or without one the steps its type implies (trim, null, then the
 * type's own: email, phone, date, datetime, boolean, integer and number,
 * us_state, zip).  A list with title_name is a name field's
 * (dq_step_list_names).  where names the field for messages.
 */
int dq_steps_from_field(const struct dq_steps *s, const cJSON *fs,
			const char *where, struct dq_step_list *l);

/*
 * Append to l the steps of a quick flag on one field: kind is a step
 * name, arg (may be NULL) the flag's ":ARG" (a phone region, a date
 * order).  Typed steps take the value whole, so trim and null come first,
 * as a type's defaults do; lower, upper, title, title_name and ascii come
 * alone.  Messages start "--KIND: ".
 */
int dq_steps_quick(const struct dq_steps *s, const char *kind,
		   const char *arg, struct dq_step_list *l);

/* What dq_step_apply() produced. */
enum { DQ_STEP_STRING, DQ_STEP_RAW, DQ_STEP_FAIL };

/*
 * Apply one step to the text in (n bytes): appends the result to out and
 * returns DQ_STEP_STRING (a string's text) or DQ_STEP_RAW (raw JSON), or
 * DQ_STEP_FAIL with nothing appended.  r (may be NULL: no state) is the
 * record the value belongs to, read by a zip step for its state field
 * when a ZIP needs padding (see dq_steps_run); r is only read.
 */
int dq_step_apply(const struct dq_steps *s, const struct dq_step *st,
		  const struct dq_record *r, const char *in, size_t n,
		  struct dq_buf *out);

/* A thread's buffers for dq_steps_run(); { 0 } is ready. */
struct dq_steps_scratch {
	struct dq_buf ping, pong, text, enc;
};
void dq_steps_scratch_release(struct dq_steps_scratch *w);

/*
 * Run the list v (n steps) over member mi of r, a string or a number
 * (other values are left alone).  A zip step with a state field reads
 * that member of r as dq_us_state_code() reads a state: a US state there
 * must agree with a padded ZIP; anything else (absent, null, a null
 * token, "Sachsen") says nothing, and the ZIP is padded as without.  Returns 1 if the value changed (and
 * sets it with dq_record_set), 0 if unchanged, -1 if a step could not
 * parse it: the member may then hold an earlier step's result, so a
 * caller that wants all or nothing saves and restores it.
 */
int dq_steps_run(const struct dq_steps *s, const struct dq_step *v, size_t n,
		 struct dq_steps_scratch *w, struct dq_record *r, size_t mi);

/*
 * The same over any value m of r (a nested one: stream/path.h), without
 * changing r: 1 with out holding the new value's raw JSON and *type its
 * type, 0 if unchanged, -1 if a step could not parse it.  out may be
 * w->enc, not w's other buffers.
 */
int dq_steps_run_value(const struct dq_steps *s, const struct dq_step *v,
		       size_t n, struct dq_steps_scratch *w,
		       const struct dq_record *r, const struct dq_member *m,
		       struct dq_buf *out, enum dq_json_type *type);

#endif
