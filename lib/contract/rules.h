/*
 * rules.h - a contract compiled into checks: the rule set dq-validate
 * applies to every record.
 *
 * The contract's "fields" and "rules" sections (and the quick flags'
 * document, the same shape) become one flat list of struct dq_rule; a rule
 * is one check applied to one field (or one compound key), which is also
 * the unit of the score.  The fields the rules read are slots: each
 * record's members are matched to slots in one pass (contract/check.h),
 * and a slot caches what its value decodes to.  Violation text is made
 * here, once, so that a failure costs a few copies.
 *
 * Ownership: struct dq_rules owns its rules, slots and everything they
 * point to; dq_rules_release frees it all.  cJSON documents passed in are
 * borrowed.
 */
#ifndef DQ_RULES_H
#define DQ_RULES_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "base/ere.h"
#include "base/keyset.h"
#include "base/strmap.h"
#include "base/util.h"
#include "contract/contract.h"
#include "contract/expr.h"
#include "sketch/moments.h"
#include "contract/types.h"
#include "stream/path.h"

/* The checks a rule makes; dq_rule_kind_names are the contract's words. */
enum dq_rule_kind {
	DQ_RULE_REQUIRED,
	DQ_RULE_ANY_OF,
	DQ_RULE_TYPE,
	DQ_RULE_FORMAT,
	DQ_RULE_PATTERN,
	DQ_RULE_NOT_PATTERN,
	DQ_RULE_ENUM,
	DQ_RULE_NOT_IN,
	DQ_RULE_RANGE,
	DQ_RULE_LENGTH,
	DQ_RULE_ORDER,
	DQ_RULE_EXPR,
	DQ_RULE_UNIQUE,
	DQ_RULE_REFERENCE,
	DQ_RULE_NOT_REFERENCE,
	DQ_RULE_NULL_RATE,
	DQ_RULE_INVALID_RATE,
	DQ_RULE_DUP_RATE,
	DQ_RULE_ROW_COUNT,
	DQ_RULE_COLUMNS,
	DQ_RULE_CLOSED,
	DQ_RULE_FORBIDDEN,
	DQ_RULE_COLUMN_ORDER,
	DQ_RULE_AGGREGATE,
	DQ_RULE_GROUP_RATE,
	DQ_RULE_GROUP_COUNT,
	DQ_RULE_GROUP_RUN,
	DQ_RULE_ITEMS, /* an array's length bounds, unique elements */
	DQ_NRULE_KIND
};
/* "required", "any_of", ... indexed by enum dq_rule_kind. */
extern const char *const dq_rule_kind_names[DQ_NRULE_KIND];

/* The grouped rules (group_rate, group_count, group_run): per group_by
 * key, decided at the end. */
static inline int
dq_rule_grouped(int kind)
{
	return kind >= DQ_RULE_GROUP_RATE && kind <= DQ_RULE_GROUP_RUN;
}

/* The score's categories, and their names in contracts and summaries. */
enum dq_cat { DQ_CAT_SCHEMA, DQ_CAT_FORMAT, DQ_CAT_COMPLETENESS, DQ_CAT_BOUNDS,
	   DQ_CAT_UNIQUENESS, DQ_NCAT };

extern const char *const dq_cat_names[DQ_NCAT];
/* Categories a contract names besides the five (a rule's "category",
 * a weight in "score.weights"): at most DQ_MAXCAT in all. */
#define DQ_MAXCAT 32

/* Severities; DQ_SEV_NONE only as --fail-on none. */
enum dq_sev { DQ_SEV_INFO, DQ_SEV_WARN, DQ_SEV_ERROR, DQ_SEV_NONE };
extern const char *const dq_sev_names[4];

/* "info", "warn" (also "warning"), "error" or "none": 0 and *out set, or
 * -1. */
int dq_sev_parse(const char *s, enum dq_sev *out);

enum { DQ_COND_EQ, DQ_COND_NE, DQ_COND_IN, DQ_COND_PRESENT, DQ_COND_ABSENT,
       DQ_COND_EXPR };

/* A condition: {"field": F, OP: V}, or {"expr": "..."} (DQ_COND_EXPR:
 * slot is the expression's first field; it holds when the expression is
 * true, not false or unknown). */
struct dq_cond {
	int slot;
	int op;
	cJSON *vals; /* owned: the value (EQ, NE) or the list (IN) */
	struct dq_expr *expr; /* owned, DQ_COND_EXPR only */
};

struct dq_enumv {
	int json; /* DQ_JSON_STRING, _NUMBER, _TRUE, _FALSE */
	char *s;
	size_t n;
	double d;
};

struct dq_example {
	long line;
	char *id;    /* raw JSON */
	char *value; /* raw JSON, NULL when too long */
};

/* A group_run entry: its order value is a number (kind 0), a date or
 * date-time as seconds since 1970 (kind 1), or text (kind 2, s). */
struct dq_runent {
	double num;
	char *s; /* order value text, NULL for a number or date */
	size_t slen;
	uint64_t seq;
	int kind;
	int hit;
};

struct dq_group {
	char *key; /* the key bytes */
	size_t keylen;
	char *label; /* JSON array of the group values */
	uint64_t total, hits;
	double measured; /* its rate, count or longest run, at the end */
	struct dq_runent *ents;
	size_t n, cap;
};

/* Which of a rule's messages a failure uses: the main one; for type
 * checks the JSON type found (0-6); for format checks DQ_MSG_UNPARSED too;
 * for range and length checks DQ_MSG_MIN or DQ_MSG_MAX. */
enum dq_msg { DQ_MSG_MAIN = 0, DQ_MSG_MIN = 0, DQ_MSG_MAX = 1, DQ_MSG_UNPARSED = 1,
	   DQ_MSG_PERCENT = 2, DQ_MSG_REPEAT = 2, DQ_NMSG = 7 };

/* The statistics an aggregate rule bounds; dq_stat_names are the
 * contract's words. */
enum { DQ_STAT_MEAN, DQ_STAT_STDDEV, DQ_STAT_SUM, DQ_STAT_MIN, DQ_STAT_MAX,
       DQ_STAT_COUNT, DQ_NSTAT };
extern const char *const dq_stat_names[DQ_NSTAT];

/* What part of a value a value-set check reads: all of it, or the
 * domain of an e-mail address (after the last '@'). */
enum { DQ_PART_ALL, DQ_PART_DOMAIN };

/* Is kind one of the checks "part" applies to? */
static inline int
dq_rule_has_part(enum dq_rule_kind kind)
{
	return (kind >= DQ_RULE_PATTERN && kind <= DQ_RULE_NOT_IN) ||
	       kind == DQ_RULE_REFERENCE || kind == DQ_RULE_NOT_REFERENCE;
}

/* What "50%" means to a numeric range: nothing said (a violation: the
 * scale is unknown), 50 (points) or 0.5 (fraction). */
enum dq_percent { DQ_PERCENT_NONE, DQ_PERCENT_POINTS, DQ_PERCENT_FRACTION };

/* The bit of "null" in struct dq_rule's types. */
#define DQ_TYPES_NULL (1u << DQ_NTYPE)

struct dq_rule {
	char *code;
	enum dq_rule_kind kind;
	int skip_missing; /* a value check: a missing value is skipped
			   * (only required, any_of, null_rate see it) */
	int absent; /* its field says "missing": "absent": only an absent
		     * member is missing; null, "", [] and {} are values,
		     * and an array is checked whole */
	unsigned types; /* a type check of a list of kinds: bit
			 * 1 << DQ_TYPE_X per kind, DQ_TYPES_NULL for null;
			 * 0: the one type in "type" */
	int cat; /* a DQ_CAT_*, or a contract's own (rs->cat_names) */
	enum dq_sev sev;
	char *hint;
	char *message;
	char *owner;   /* rule metadata, copied into the summary: who */
	cJSON *tags;   /* answers for it, and a list of strings (owned) */
	double tolerance;
	char *label; /* the field, "a,b" or "a|b", for output */
	int *slots;
	size_t nslots;
	int pii; /* 1 + the policy that hides its values (contract/pii.h):
		  * the first of its fields that hides; 0 not yet asked */
	int has_if;
	struct dq_cond cond;

	struct dq_expr *expr; /* an expr check's expression (owned) */
	enum dq_type type; /* type, format */
	int part; /* the value-set checks (enum, pattern, reference and
		   * their negations): DQ_PART_DOMAIN reads an e-mail
		   * address's domain, ASCII lower-cased */
	regex_t re;
	int has_re;
	struct dq_ere *ere; /* the same pattern, matched faster; or NULL */
	char *pattern;
	struct dq_enumv *ev;
	size_t nev;
	int enum_ci;
	struct dq_strmap estr; /* string values (ASCII-folded when enum_ci)
				* to their index in ev */
	char *enum_msg;
	int date_bounds, has_min, has_max;
	double min, max; /* numbers, or day counts */
	enum dq_percent percent; /* range: strings "N%" */
	char *min_msg, *max_msg;
	int allow_equal;
	char *ref_file, *ref_key;
	struct dq_keyset set;
	/* A uniqueness check decided after the record's other checks: its
	 * key's hash, and where in vbuf its violation goes (after dnv
	 * violations). */
	struct dq_keyhash kh;
	size_t dpos;
	int dnv;

	/* Grouped rules. */
	int order_slot;
	int date_order; /* group_run: how 9/10/2026 reads (enum
			 * dq_date_order, norm/date.h) */
	struct dq_cond when;
	struct dq_group *groups;
	size_t ngroups;
	size_t *gtab;
	size_t gcap;

	/* Precomputed output text, so that a violation costs copies, not
	 * formatting: a _dq.violations entry up to its value
	 * ({"code":..,"field":..,"severity":..,"message":..,"value":) and
	 * the messages as JSON strings, both indexed by enum dq_msg, and the
	 * JSON of the code, field label and hint for the violations file. */
	char *ventry[DQ_NMSG];
	size_t ventrylen[DQ_NMSG];
	char *jmsg[DQ_NMSG];
	size_t jmsglen[DQ_NMSG];
	char *jcode, *jlabel, *jhint;

	/* Schema rules: forbidden's glob patterns (fnmatch(3)); the first
	 * record whose columns are out of order (their names in the order
	 * found, and its line). */
	char **globs;
	size_t nglobs;
	char *found, *found_json;
	long found_line;
	int col_gate; /* a required check on a field a columns rule lists:
		       * a CSV column missing from the header is that
		       * rule's one failure, not one per row */

	/* An aggregate rule: which statistic (DQ_STAT_*) of the field's
	 * numbers, kept as streaming moments. */
	int stat;
	struct dq_moments mom;

	/* Tallies. */
	uint64_t checked, failures;
	double measured;
	int has_measured;
	struct dq_example *ex;
	size_t nex;
	int failed;
	int each; /* its field is a path with "[]": checked per element
		   * (set by dq_check_init) */
	int elem; /* a value check: on an array value, checks each
		   * element (set by dq_check_init) */
	int unique_items; /* items: no element may repeat */
};

/*
 * A field some rule reads.  Each record's members are matched to slots in
 * one pass (a hash table from name to slot), and a slot caches what its
 * value decodes to -- unescaped text, number, ISO date -- so that several
 * checks on one field decode it once.
 */
enum { DQ_SV_TEXT = 1, DQ_SV_NUM = 2, DQ_SV_ISO = 4 };

struct dq_slot {
	char *name;
	size_t len;
	long mi; /* member index in the current record, or -1 */
	const struct dq_member *mp; /* the value in the current record,
				     * or NULL: &rec->m[mi], or nm */
	unsigned have; /* DQ_SV_* computed for this record */
	int seen;      /* the field appeared in some record (any value,
			* null too): a check on a field that never did
			* checked nothing (score.h).  Here, in padding,
			* so that the slot keeps its size */
	const char *txt;
	size_t tlen;
	struct dq_buf ubuf; /* unescaped text of a string with escapes */
	double num;
	int iso; /* dq_iso_parse's result */
	long long days;
	double secs;
	enum dq_cell cell; /* how a CSV cell of the field is typed */
	int cell_from;     /* where cell came from (rules.c) */
	/* A name that is a path (stream/path.h): parsed once (owned), and
	 * the value found along it when no member has the exact name. */
	struct dq_path *path;
	struct dq_member nm;
};


struct dq_rules {
	struct dq_rule *rules;
	size_t nrules;
	struct dq_slot *slots;
	size_t nslots;
	struct dq_strmap snames; /* field name -> slot index */
	int *pslots;  /* the slots whose names are paths */
	size_t npslots;
	int has_invalid_rate;
	int id_slot;
	/* With a closed or forbidden rule, the fields no rule names are
	 * counted as they come: their names (at most DQ_RULES_MAX_OTHERS)
	 * and the records each appears in. */
	int watch_others;
	struct dq_strmap others;
	uint64_t *other_recs;
	uint64_t others_dropped; /* members of names past the cap */

	/* The score: category weights and the pass mark (contract
	 * "score", or the defaults 40/35/20/15/10 and 80). */
	double weights[DQ_MAXCAT];
	/* Every category's name: the five, then the contract's own (0 weight
	 * unless score.weights gives one: unweighted). */
	char *cat_names[DQ_MAXCAT];
	int ncat;
	int cat_weighted[DQ_MAXCAT]; /* a weight came from score.weights */
	double pass_mark;
	int pass_mark_set; /* --pass-mark given: the contract's is ignored */
	/* The gate fails on an input without records, and on a check whose
	 * field appears in no record, unless these are set (score.
	 * allow_empty, score.allow_absent_fields, or the flags). */
	int allow_empty, allow_absent;

	long long today; /* the run's day, for relative bounds */
	int check_only;  /* dq_rules_check: reference files only looked at */
	cJSON *contract_id; /* {"name", "version"} of the contract as it
			     * says them, for the summary (owned), or NULL */
};

#define DQ_RULES_MAX_OTHERS 10000

/* Set the defaults; today is the run's day (days since 1970-01-01). */
void dq_rules_init(struct dq_rules *rs, long long today);
void dq_rules_release(struct dq_rules *rs);

/*
 * Compile the contract's "fields" and "rules", then quick's (the quick
 * flags as a {"fields": .., "rules": ..} document; may be NULL), then
 * read its "score".  Reference files are read here.  Returns 0, or -1
 * after a message naming the contract key.
 */
int dq_rules_load(struct dq_rules *rs, const struct dq_contract *c,
		  const cJSON *quick);

/*
 * Check the contract's "fields" and "rules" as dq_rules_load() compiles
 * them (unknown types, "required": "yes", min above max, bad patterns,
 * missing reference files), without keeping anything: every program runs
 * it on the contract it is given, so a contract another program would
 * refuse is refused by all.  Returns 0, or -1 after a message.
 */
int dq_rules_check(const struct dq_contract *c);

/* After loading: add the record-id field's slot, build the slot table and
 * every rule's output text.  id_field is borrowed. */
void dq_rules_ready(struct dq_rules *rs, const char *id_field);

/* The slot of the field named k[0..n) (unescaped), or -1. */
static inline int
dq_rules_slot(const struct dq_rules *rs, const char *k, size_t n)
{
	return (int)dq_strmap_get(&rs->snames, k, n);
}

/* Is s one of the enum's strings (one probe of its hash table)?  Inline
 * for an enum that keeps case (dq-validate asks per value); one that
 * ignores case folds s first, out of line. */
int dq_rules_enum_has_folded(const struct dq_rule *r, const char *s,
			     size_t n);

static inline int
dq_rules_enum_has(const struct dq_rule *r, const char *s, size_t n)
{
	if (!r->enum_ci)
		return dq_strmap_get(&r->estr, s, n) >= 0;
	return dq_rules_enum_has_folded(r, s, n);
}

#endif
