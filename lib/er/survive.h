/*
 * survive.h - survivorship: which member's value each field of a golden
 * record takes.
 *
 * A cluster's member records are given in member order (dq-merge: ids in
 * byte order, then file order).  For each field that any member has
 * (fields in order of first appearance, member by member; "_dq" left
 * out), the candidates are the members' values; only valid values take
 * part -- a value is valid unless dq_value_missing (contract/types.h)
 * says it is missing (null, a blank string, [] or {}), so a
 * valid value is never overwritten by an empty one.  A value its record
 * lists in "_dq.unparsed" (dq-normalize could not parse it) takes part
 * only when no member has a valid value that was not, so an unparsed
 * phone or an impossible date never wins over a normalized one.  The field's rule
 * ranks the valid candidates and the best one wins; among equally ranked
 * candidates the earliest member wins, and the field is reported as a tie
 * when an equally ranked candidate held a different value.  With no
 * valid value the earliest member's empty value (null, "" ...) is kept.
 * The winning value is copied byte for byte.
 *
 * Rules (contract names):
 *   non_null        every valid value ranks equal: the earliest wins
 *   most_recent     the latest timestamp in the record's timestamp field
 *                   (ISO 8601 and the forms lib/date.h reads; a number is
 *                   epoch seconds; no zone means UTC); none ranks last
 *   source_priority the record's source field, by its position in the
 *                   priority list; a source not listed ranks last
 *   most_frequent   the value held by the most members (same bytes)
 *   longest         most code points (numbers: characters)
 *   min, max        numerically when some candidate is a number or a
 *                   numeric string (the others are then left out), else
 *                   by the UTF-8 bytes of the text
 *   union           every distinct valid value, as a JSON array: the
 *                   primary first (chosen by the rule named in "primary",
 *                   default most_frequent), then the others in member
 *                   order.  With "into", the field keeps the primary and
 *                   the array goes to the field named by "into".
 *
 * Groups ("groups": {"address": ["street", "city", "state", "zip"]}, the
 * default when the section names none): the fields of a group come from
 * one member together, so an address is never built from two.  That
 * member is chosen by the rule of the group's first field (a union's
 * primary rule) among the members with a valid value in some field of
 * the group, its value being the first such field's; each field of the
 * group then takes that member's value, or null when it lacks the field.
 * When no member has a valid value in the group, each field is decided
 * on its own as above.
 */
#ifndef DQ_SURVIVE_H
#define DQ_SURVIVE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "stream/json.h"
#include "base/util.h"

enum dq_survive_rule {
	DQ_SURV_NON_NULL,
	DQ_SURV_MOST_RECENT,
	DQ_SURV_SOURCE,
	DQ_SURV_MOST_FREQUENT,
	DQ_SURV_LONGEST,
	DQ_SURV_MIN,
	DQ_SURV_MAX,
	DQ_SURV_UNION
};

struct dq_survive_spec {
	char *field;     /* NULL for the default spec; owned */
	int rule;        /* enum dq_survive_rule */
	int primary;     /* union: the rule that picks the primary */
	char *timestamp; /* field read by most_recent (owned, may be NULL) */
	char *source;    /* field read by source_priority (owned) */
	char **priority; /* source values, best first (owned) */
	size_t npriority;
	char *into;      /* union: field for the array (owned, may be NULL) */
	size_t fieldlen, intolen;
};

/* Fields that survive together, from one member (an address). */
struct dq_survive_group {
	char *name;    /* owned */
	char **field;  /* owned */
	size_t *len;   /* owned */
	size_t n;
};

struct dq_survive {
	struct dq_survive_spec def;  /* fields not listed */
	struct dq_survive_group *g;  /* groups (owned) */
	size_t ng;
	struct dq_survive_spec *f;   /* listed fields (owned) */
	size_t nf;
	double weak_link;            /* contract weak_link, -1 if not set */
	long long max_size;          /* contract max_cluster_size, 0 if not */
	int has_into;                /* some field has "into" */
};

/* What one build produced, as JSON member text without braces. */
struct dq_survive_out {
	struct dq_buf fields; /* "k":v,... the golden record's fields */
	struct dq_buf prov;   /* "k":ID,... winner per field */
	struct dq_buf rules;  /* "k":"rule",... */
	struct dq_buf ties;   /* "k",... fields decided by member order */
	struct dq_buf orig;   /* "k":v,... the survivors' originals
			       * (their records' "_dq.orig") */
	size_t nties;
	int want_rules;       /* fill rules and ties (set by the caller) */
};

/* Name of a rule ("most_recent"). */
const char *dq_survive_rule_name(int rule);

/*
 * Load the contract's "survivorship" section (may be NULL: every field
 * non_null).  Returns 0, or -1 after printing a message naming the key.
 */
int dq_survive_load(struct dq_survive *s, const cJSON *section);
void dq_survive_release(struct dq_survive *s);

void dq_survive_out_init(struct dq_survive_out *o);
void dq_survive_out_release(struct dq_survive_out *o);

/*
 * Build a golden record from recs[0..n) (scanned records, member order;
 * borrowed) whose ids, as raw JSON, are ids[i] (idlen[i] bytes).  The
 * results replace the contents of o.
 */
void dq_survive_build(const struct dq_survive *s, const struct dq_record *recs,
		      size_t n, const char *const *ids, const size_t *idlen,
		      struct dq_survive_out *o);

#endif
