/*
 * rules.c - compiling a contract into checks (see rules.h).
 *
 * Each "fields" entry gives up to eight checks in a fixed order
 * (required, type, format, pattern, enum, range, length, unique,
 * reference); each "rules" entry one check per field, or one over several
 * fields (any_of, unique, duplicate_rate, order, grouped rules).  The
 * order of the list is the order of the checks on a record, of
 * _dq.violations and of the summary's rules, and --merge relies on it.
 *
 * Enum strings are kept in a string map (base/strmap.h; ASCII
 * case folded for "insensitive"), so an enum check is one probe whatever
 * the number of values.  A pattern is compiled twice: by regcomp (the
 * reference) and by base/ere.h's faster matcher when it can take it.
 *
 * CSV typing (contract/types.h): a slot records the cell type its field
 * has -- declared by a type rule, else implied by a numeric range, an enum
 * of numbers or booleans, or a condition's literal; implications that
 * disagree leave the field as text.
 */
#include "contract/rules.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "contract/bound.h"
#include "norm/date.h"
#include "stream/sidefile.h"

const char *const dq_rule_kind_names[DQ_NRULE_KIND] = {
	"required",	"any_of",	  "type",	"format",
	"pattern",	"not_pattern",	  "enum",	"not_in",
	"range",	"length",	  "order",	"expr",
	"unique",	"reference",	  "not_reference", "null_rate",
	"invalid_rate", "duplicate_rate", "row_count",	"columns",
	"closed",	"forbidden_fields", "column_order", "aggregate", "group_rate",
	"group_count",	"group_run",	"items"
};

static const char *const check_prefix[DQ_NRULE_KIND] = {
	"REQ",	 "REQ",	  "TYPE",  "FMT",   "PAT",     "NOTPAT",
	"ENUM",	 "NOTIN", "RANGE", "LEN",   "ORDER",   "EXPR",
	"UNIQ",	 "REF",	  "NOTREF", "NULL", "INVALID", "DUP",
	"ROWS",	 "COLUMNS", "CLOSED", "FORBID", "COLORDER", "AGG", "GROUP",
	"GROUP", "RUN", "ITEMS"
};

const char *const dq_cat_names[DQ_NCAT] = { "schema", "format",
					     "completeness", "bounds",
					     "uniqueness" };
static const enum dq_cat check_cat[DQ_NRULE_KIND] = {
	DQ_CAT_COMPLETENESS, DQ_CAT_COMPLETENESS, /* required, any_of */
	DQ_CAT_SCHEMA,	     DQ_CAT_FORMAT,	  /* type, format */
	DQ_CAT_FORMAT,	     DQ_CAT_FORMAT,	  /* pattern, not_pattern */
	DQ_CAT_BOUNDS,	     DQ_CAT_BOUNDS,	  /* enum, not_in */
	DQ_CAT_BOUNDS,	     DQ_CAT_BOUNDS,	  /* range, length */
	DQ_CAT_BOUNDS,	     DQ_CAT_BOUNDS,	  /* order, expr */
	DQ_CAT_UNIQUENESS,   DQ_CAT_BOUNDS,	  /* unique, reference */
	DQ_CAT_UNIQUENESS,   DQ_CAT_COMPLETENESS, /* not_reference, null_rate */
	DQ_CAT_FORMAT,	     DQ_CAT_UNIQUENESS,	  /* invalid, duplicate_rate */
	DQ_CAT_COMPLETENESS, DQ_CAT_SCHEMA,	  /* row_count, columns */
	DQ_CAT_SCHEMA,	     DQ_CAT_SCHEMA,	  /* closed, forbidden_fields */
	DQ_CAT_SCHEMA,	     DQ_CAT_BOUNDS,	  /* column_order, aggregate */
	DQ_CAT_BOUNDS,			  /* group_rate */
	DQ_CAT_BOUNDS,	     DQ_CAT_BOUNDS,	  /* group_count, group_run */
	DQ_CAT_BOUNDS				  /* items */
};

const char *const dq_stat_names[DQ_NSTAT] = { "mean", "stddev", "sum",
					       "min",  "max",	 "count" };

const char *const dq_sev_names[4] = { "info", "warn", "error", "none" };


/* Where a slot's cell type came from: a declared type wins over what the
 * other rules imply (a numeric range, an enum of numbers, a condition
 * comparing with true); implications that disagree leave the text. */
enum { CELL_NONE, CELL_IMPLIED, CELL_DECLARED, CELL_CONFLICT };


static int
slot_get(struct dq_rules *rs, const char *name)
{
	size_t n = strlen(name);
	long i = dq_strmap_get(&rs->snames, name, n);
	if (i >= 0)
		return (int)i;
	rs->slots = dq_xrealloc(rs->slots, (rs->nslots + 1) * sizeof(*rs->slots));
	struct dq_slot *s = &rs->slots[rs->nslots];
	memset(s, 0, sizeof(*s));
	s->name = dq_xstrdup(name);
	s->len = n;
	s->mi = -1;
	s->ubuf = (struct dq_buf)DQ_BUF_INIT;
	dq_strmap_add(&rs->snames, name, n, rs->nslots);
	int slot = (int)rs->nslots++;
	/* A path: its top-level key is a field some rule reads too (a
	 * closed contract knows it), and the checker resolves the path in
	 * records without the exact name. */
	struct dq_path p;
	if (dq_path_is_nested(name, n) && !dq_path_parse(&p, name, n, NULL)) {
		char *top = dq_xstrndup(p.s[0].key, p.s[0].len);
		slot_get(rs, top);
		free(top);
		rs->slots[slot].path = dq_xmalloc(sizeof(p));
		*rs->slots[slot].path = p;
		rs->pslots = dq_xrealloc(rs->pslots,
					 (rs->npslots + 1) * sizeof(int));
		rs->pslots[rs->npslots++] = slot;
	}
	return slot;
}

static void
slot_cell(struct dq_rules *rs, int slot, enum dq_cell c, int declared)
{
	struct dq_slot *s = &rs->slots[slot];
	if (s->cell_from == CELL_DECLARED)
		return;
	if (declared) {
		s->cell = c;
		s->cell_from = CELL_DECLARED;
	} else if (s->cell_from == CELL_NONE) {
		s->cell = c;
		s->cell_from = CELL_IMPLIED;
	} else if (s->cell_from == CELL_IMPLIED && s->cell != c) {
		s->cell = DQ_CELL_TEXT;
		s->cell_from = CELL_CONFLICT;
	}
}

/* The cell type a literal (or a list of them) implies: numbers a number,
 * booleans a boolean; -1 for text or a mixture. */
static int
literal_cell(const cJSON *v)
{
	if (cJSON_IsArray(v)) {
		const cJSON *it;
		int c = -1, first = 1;
		cJSON_ArrayForEach(it, v)
		{
			int k = literal_cell(it);
			if (k < 0 || (!first && k != c))
				return -1;
			c = k;
			first = 0;
		}
		return c;
	}
	if (cJSON_IsNumber(v))
		return DQ_CELL_NUMBER;
	if (cJSON_IsBool(v))
		return DQ_CELL_BOOLEAN;
	return -1;
}

static void
slot_cell_literal(struct dq_rules *rs, int slot, const cJSON *v)
{
	int c = literal_cell(v);
	if (c >= 0)
		slot_cell(rs, slot, (enum dq_cell)c, 0);
}

/* The cell type a declared type means. */
static enum dq_cell
type_cell(enum dq_type t)
{
	return t == DQ_TYPE_INTEGER || t == DQ_TYPE_NUMBER ? DQ_CELL_NUMBER
	       : t == DQ_TYPE_BOOLEAN		       ? DQ_CELL_BOOLEAN
						       : DQ_CELL_TEXT;
}

static struct dq_rule *
rule_new(struct dq_rules *rs, const char *code, enum dq_rule_kind kind, const char *label)
{
	rs->rules = dq_xrealloc(rs->rules, (rs->nrules + 1) * sizeof(*rs->rules));
	struct dq_rule *r = &rs->rules[rs->nrules++];
	memset(r, 0, sizeof(*r));
	dq_strmap_init(&r->estr);
	r->kind = kind;
	r->skip_missing = kind <= DQ_RULE_NOT_REFERENCE &&
			  kind != DQ_RULE_REQUIRED && kind != DQ_RULE_ANY_OF &&
			  kind != DQ_RULE_UNIQUE && kind != DQ_RULE_ORDER &&
			  kind != DQ_RULE_EXPR;
	r->cat = check_cat[kind];
	r->sev = DQ_SEV_ERROR;
	r->order_slot = -1;
	r->label = dq_xstrdup(label);
	if (code) {
		r->code = dq_xstrdup(code);
	} else {
		struct dq_buf b = DQ_BUF_INIT;
		dq_buf_addf(&b, "%s:%s", check_prefix[kind], label);
		r->code = dq_buf_detach(&b, NULL);
	}
	return r;
}

static void
rule_add_slot(struct dq_rules *rs, struct dq_rule *r, const char *field)
{
	r->slots = dq_xrealloc(r->slots, (r->nslots + 1) * sizeof(int));
	r->slots[r->nslots++] = slot_get(rs, field);
}

int
dq_sev_parse(const char *s, enum dq_sev *out)
{
	for (int i = 0; i <= DQ_SEV_NONE; i++)
		if (!strcmp(s, dq_sev_names[i])) {
			*out = (enum dq_sev)i;
			return 0;
		}
	if (!strcmp(s, "warning")) {
		*out = DQ_SEV_WARN;
		return 0;
	}
	return -1;
}



/* What a field is declared to hold, for an expression's type check: the
 * type of a type rule on it loaded before (the "fields" section comes
 * first). */
static enum dq_xtype
declared_xtype(const struct dq_rules *rs, int slot)
{
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct dq_rule *r = &rs->rules[i];
		if (r->kind != DQ_RULE_TYPE || r->slots[0] != slot)
			continue;
		switch (r->type) {
		case DQ_TYPE_INTEGER:
		case DQ_TYPE_NUMBER:
			return DQ_XT_NUM;
		case DQ_TYPE_BOOLEAN:
			return DQ_XT_BOOL;
		case DQ_TYPE_DATE:
		case DQ_TYPE_DATETIME:
			return DQ_XT_DATE;
		case DQ_TYPE_ENUM:
		case DQ_TYPE_OBJECT:
		case DQ_TYPE_ARRAY:
			return DQ_XT_ANY;
		default:
			return DQ_XT_STR;
		}
	}
	return DQ_XT_ANY;
}

/* dq_expr_resolve_fn: an expression's field is a slot; a number or a
 * boolean beside it types its CSV cells as a condition's literal does. */
static int
expr_resolve(void *ctx, const char *name, size_t n, enum dq_xtype use,
	     enum dq_xtype *declared)
{
	struct dq_rules *rs = ctx;
	char *nm = dq_xstrndup(name, n);
	int slot = slot_get(rs, nm);
	free(nm);
	if (use == DQ_XT_NUM)
		slot_cell(rs, slot, DQ_CELL_NUMBER, 0);
	else if (use == DQ_XT_BOOL)
		slot_cell(rs, slot, DQ_CELL_BOOLEAN, 0);
	*declared = declared_xtype(rs, slot);
	return slot;
}

/* Compile the expression v (a rule's "expr") into *out (malloc'd). */
static int
load_expr(struct dq_rules *rs, const cJSON *v, struct dq_expr **out,
	  const char *where)
{
	char w[340];
	snprintf(w, sizeof(w), "%s.expr", where);
	if (!cJSON_IsString(v))
		return dq_error("%s: an expression is a string", w);
	*out = dq_xmalloc(sizeof(**out));
	if (dq_expr_compile(*out, v->valuestring, expr_resolve, rs, w)) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

static int
load_cond(struct dq_rules *rs, const cJSON *c, struct dq_cond *out, const char *where)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(c, "field");
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(c, "expr");
	const cJSON *it;
	int nops = 0;

	if (x) {
		if (cJSON_GetArraySize(c) != 1)
			return dq_error("%s: a condition is either \"expr\" "
					"alone or \"field\" and one operator",
					where);
		if (load_expr(rs, x, &out->expr, where))
			return -1;
		out->op = DQ_COND_EXPR;
		out->slot = out->expr->slots[0];
		return 0;
	}
	if (!cJSON_IsString(f))
		return dq_error("%s: a condition needs \"field\" (or "
				"\"expr\")", where);
	out->slot = slot_get(rs, f->valuestring);
	cJSON_ArrayForEach(it, c)
	{
		if (!strcmp(it->string, "field"))
			continue;
		nops++;
		if (!strcmp(it->string, "equals"))
			out->op = DQ_COND_EQ;
		else if (!strcmp(it->string, "not_equals"))
			out->op = DQ_COND_NE;
		else if (!strcmp(it->string, "in")) {
			if (!cJSON_IsArray(it))
				return dq_error("%s: \"in\" takes a list",
						where);
			out->op = DQ_COND_IN;
		} else if (!strcmp(it->string, "present") ||
			   !strcmp(it->string, "absent")) {
			if (!cJSON_IsBool(it))
				return dq_error("%s: \"%s\" takes true or "
						"false",
						where, it->string);
			int present = !strcmp(it->string, "present") ==
				      !!cJSON_IsTrue(it);
			out->op = present ? DQ_COND_PRESENT : DQ_COND_ABSENT;
			continue;
		}
		out->vals = cJSON_Duplicate(it, 1);
		slot_cell_literal(rs, out->slot, it);
	}
	if (nops != 1)
		return dq_error("%s: a condition has exactly one of equals, "
				"not_equals, in, present, absent",
				where);
	return 0;
}

/* The text an enum value is kept and looked up by: itself, or ASCII
 * case folded when the enum ignores case (the folding of strncasecmp in
 * the C locale) into b.  Returns the text. */
static const char *
enum_key(const struct dq_rule *r, const char *s, size_t n, struct dq_buf *b)
{
	if (!r->enum_ci)
		return s;
	dq_buf_reset(b);
	dq_buf_grow(b, n);
	for (size_t i = 0; i < n; i++)
		b->buf[i] = s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i];
	b->len = n;
	return b->buf;
}

/* The string values of an enum in a string map, so that a check costs
 * one look-up rather than a comparison per value. */
static void
enum_table(struct dq_rule *r)
{
	struct dq_buf b = DQ_BUF_INIT;
	for (size_t k = 0; k < r->nev; k++)
		if (r->ev[k].json == DQ_JSON_STRING)
			dq_strmap_add(&r->estr,
				      enum_key(r, r->ev[k].s, r->ev[k].n, &b),
				      r->ev[k].n, k);
	dq_buf_release(&b);
}

/* Is the text one of the case-ignoring enum's strings? */
int
dq_rules_enum_has_folded(const struct dq_rule *r, const char *s, size_t n)
{
	char low[64];
	if (n > sizeof(low)) {
		struct dq_buf b = DQ_BUF_INIT;
		int has = dq_strmap_get(&r->estr, enum_key(r, s, n, &b), n) >= 0;
		dq_buf_release(&b);
		return has;
	}
	for (size_t i = 0; i < n; i++)
		low[i] = s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i];
	return dq_strmap_get(&r->estr, low, n) >= 0;
}

static int
load_enum(struct dq_rule *r, const cJSON *vals, const cJSON *ci,
	  const char *where)
{
	const cJSON *v;
	struct dq_buf b = DQ_BUF_INIT;

	if (!cJSON_IsArray(vals) || !cJSON_GetArraySize(vals))
		return dq_error("%s: enum values must be a non-empty list",
				where);
	if (ci) {
		if (!cJSON_IsString(ci) ||
		    (strcmp(ci->valuestring, "sensitive") &&
		     strcmp(ci->valuestring, "insensitive")))
			return dq_error("%s: case is \"sensitive\" or "
					"\"insensitive\"",
					where);
		r->enum_ci = !strcmp(ci->valuestring, "insensitive");
	}
	if (r->part == DQ_PART_DOMAIN)
		r->enum_ci = 1; /* a domain has no case */
	dq_buf_addf(&b, "%s%s (", r->part == DQ_PART_DOMAIN ? "domain is " : "",
		    r->kind == DQ_RULE_NOT_IN ? "one of the forbidden values"
					      : "not one of the allowed values");
	cJSON_ArrayForEach(v, vals)
	{
		struct dq_enumv e = { 0 };
		if (cJSON_IsString(v)) {
			e.json = DQ_JSON_STRING;
			e.s = dq_xstrdup(v->valuestring);
			e.n = strlen(e.s);
		} else if (cJSON_IsNumber(v)) {
			e.json = DQ_JSON_NUMBER;
			e.d = v->valuedouble;
		} else if (cJSON_IsBool(v)) {
			e.json = cJSON_IsTrue(v) ? DQ_JSON_TRUE : DQ_JSON_FALSE;
		} else if (cJSON_IsNull(v)) {
			e.json = DQ_JSON_NULL; /* seen only where "missing"
						* is "absent" */
		} else {
			dq_buf_release(&b);
			return dq_error("%s: enum values are strings, numbers, "
					"booleans or null",
					where);
		}
		r->ev = dq_xrealloc(r->ev, (r->nev + 1) * sizeof(e));
		r->ev[r->nev++] = e;
		if (b.len < 120) {
			char *p = cJSON_PrintUnformatted(v);
			dq_buf_addf(&b, "%s%s", r->nev > 1 ? ", " : "", p);
			cJSON_free(p);
		} else if (b.buf[b.len - 1] != '.') {
			dq_buf_addstr(&b, ", ...");
		}
	}
	dq_buf_addch(&b, ')');
	r->enum_msg = dq_buf_detach(&b, NULL);
	enum_table(r);
	return 0;
}

/* A bound that moves with the run's day ("today-30d", "year"): min above
 * max there depends on the day, and is the rule's business, not a
 * contract error. */
static int
relative(const cJSON *b)
{
	return cJSON_IsString(b) && (!strncmp(b->valuestring, "today", 5) ||
				     !strncmp(b->valuestring, "year", 4));
}

static int
load_range(struct dq_rules *rs, struct dq_rule *r, const cJSON *min, const cJSON *max, int date_field,
	   const char *where)
{
	struct dq_buf t = DQ_BUF_INIT;
	int dmin = -1, dmax = -1;

	if (min) {
		if (dq_bound_parse(min, 0, date_field, rs->today, &dmin, &r->min, &t, where))
			goto fail;
		r->has_min = 1;
		struct dq_buf b = DQ_BUF_INIT;
		dq_buf_addf(&b, "%s the minimum %s", dmin ? "before" : "below",
			    t.buf);
		r->min_msg = dq_buf_detach(&b, NULL);
	}
	if (max) {
		if (dq_bound_parse(max, 1, date_field, rs->today, &dmax, &r->max, &t, where))
			goto fail;
		r->has_max = 1;
		struct dq_buf b = DQ_BUF_INIT;
		dq_buf_addf(&b, "%s the maximum %s", dmax ? "after" : "above",
			    t.buf);
		r->max_msg = dq_buf_detach(&b, NULL);
	}
	if (dmin >= 0 && dmax >= 0 && dmin != dmax) {
		dq_error("%s: min and max must both be dates or both numbers",
			 where);
		goto fail;
	}
	r->date_bounds = dmin > 0 || dmax > 0;
	if (r->has_min && r->has_max && !relative(min) && !relative(max) &&
	    r->min > r->max) {
		dq_error("%s: min is above max: no value can pass", where);
		goto fail;
	}
	dq_buf_release(&t);
	return 0;
fail:
	dq_buf_release(&t);
	return -1;
}

/* "percent": "points" or "fraction" (absent: none said). */
static int
load_percent(struct dq_rule *r, const cJSON *v, const char *where)
{
	if (!v)
		return 0;
	if (cJSON_IsString(v) && !strcmp(v->valuestring, "points"))
		r->percent = DQ_PERCENT_POINTS;
	else if (cJSON_IsString(v) && !strcmp(v->valuestring, "fraction"))
		r->percent = DQ_PERCENT_FRACTION;
	else
		return dq_error("%s: percent is \"points\" (50%% is 50) or "
				"\"fraction\" (50%% is 0.5)", where);
	return 0;
}

/* An array's "min_items", "max_items" and "unique_items" in o: 0, or -1
 * after a message. */
static int
load_items(struct dq_rule *r, const cJSON *o, const char *where)
{
	const cJSON *min = cJSON_GetObjectItemCaseSensitive(o, "min_items");
	const cJSON *max = cJSON_GetObjectItemCaseSensitive(o, "max_items");
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(o, "unique_items");
	struct dq_buf b = DQ_BUF_INIT;

	if ((min && (!cJSON_IsNumber(min) || min->valuedouble < 0 ||
		     min->valuedouble != floor(min->valuedouble))) ||
	    (max && (!cJSON_IsNumber(max) || max->valuedouble < 0 ||
		     max->valuedouble != floor(max->valuedouble))))
		return dq_error("%s: min_items and max_items are whole "
				"numbers >= 0", where);
	if (min && max && min->valuedouble > max->valuedouble)
		return dq_error("%s: min_items is above max_items: no array "
				"can pass", where);
	if (u && !cJSON_IsBool(u))
		return dq_error("%s.unique_items: true or false", where);
	if (!min && !max && !cJSON_IsTrue(u))
		return dq_error("%s: needs min_items, max_items or "
				"unique_items", where);
	if (min) {
		r->has_min = 1;
		r->min = min->valuedouble;
		dq_buf_addf(&b, "fewer than %g elements", r->min);
		r->min_msg = dq_buf_detach(&b, NULL);
	}
	if (max) {
		r->has_max = 1;
		r->max = max->valuedouble;
		dq_buf_addf(&b, "more than %g elements", r->max);
		r->max_msg = dq_buf_detach(&b, NULL);
	}
	r->unique_items = cJSON_IsTrue(u);
	return 0;
}

static int
load_length(struct dq_rule *r, const cJSON *min, const cJSON *max,
	    const char *where)
{
	struct dq_buf b = DQ_BUF_INIT;
	if ((min && (!cJSON_IsNumber(min) || min->valuedouble < 0)) ||
	    (max && (!cJSON_IsNumber(max) || max->valuedouble < 0)))
		return dq_error("%s: lengths are whole numbers >= 0", where);
	if (min && max && min->valuedouble > max->valuedouble)
		return dq_error("%s: min_length is above max_length: no value "
				"can pass", where);
	if (min) {
		r->has_min = 1;
		r->min = min->valuedouble;
		dq_buf_addf(&b, "shorter than %g characters", r->min);
		r->min_msg = dq_buf_detach(&b, NULL);
	}
	if (max) {
		r->has_max = 1;
		r->max = max->valuedouble;
		dq_buf_addf(&b, "longer than %g characters", r->max);
		r->max_msg = dq_buf_detach(&b, NULL);
	}
	return 0;
}

static int
load_pattern(struct dq_rule *r, const cJSON *p, const char *where)
{
	if (!cJSON_IsString(p))
		return dq_error("%s: pattern must be a string", where);
	int br = dq_ere_backref(p->valuestring);
	if (br)
		return dq_error("%s: pattern \"%s\" uses a back-reference "
				"(\\%c), whose matching time can grow "
				"exponentially with the value: write it "
				"without one", where, p->valuestring, br);
	int rc = regcomp(&r->re, p->valuestring, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		char msg[200];
		regerror(rc, &r->re, msg, sizeof(msg));
		return dq_error("%s: bad pattern \"%s\": %s", where,
				p->valuestring, msg);
	}
	r->has_re = 1;
	r->pattern = dq_xstrdup(p->valuestring);
	r->ere = dq_xmalloc(sizeof(*r->ere));
	if (dq_ere_compile(r->ere, p->valuestring)) {
		free(r->ere);
		r->ere = NULL;
	}
	return 0;
}

/* Key-set loading for a reference rule: the key column of a file, read
 * strictly (a bad line is an error: a set with a hole answers wrongly). */
static int
load_reference(struct dq_rules *rs, struct dq_rule *r, const char *file, const char *key,
	       const char *records, const char *where)
{
	struct dq_sidefile sf;
	struct dq_buf t = DQ_BUF_INIT;
	int rc;

	if (rs->check_only) {
		/* Another program checks the contract: the file must be
		 * there, its keys are dq-validate's to read. */
		if (!access(file, R_OK))
			return 0;
		dq_error("%s: %s", file, strerror(errno));
		return dq_error("%s: cannot read the reference file", where);
	}
	dq_sidefile_init(&sf);
	sf.in.records = records;
	if (dq_sidefile_open(&sf, file)) {
		dq_sidefile_release(&sf);
		return dq_error("%s: cannot read the reference file", where);
	}
	r->ref_file = dq_xstrdup(file);
	r->ref_key = dq_xstrdup(key);
	while ((rc = dq_sidefile_next(&sf)) > 0) {
		long i = dq_record_find(&sf.rec, key, strlen(key));
		if (i < 0)
			continue;
		const struct dq_member *m = &sf.rec.m[i];
		if (m->type == DQ_JSON_STRING) {
			dq_buf_reset(&t);
			dq_json_unescape(m->val, m->vallen, &t);
			for (size_t k = 0; r->part == DQ_PART_DOMAIN && k < t.len; k++)
				if (t.buf[k] >= 'A' && t.buf[k] <= 'Z')
					t.buf[k] += 32;
			dq_keyset_add(&r->set, t.buf, t.len);
		} else if (m->type == DQ_JSON_NUMBER) {
			dq_keyset_add(&r->set, m->val, m->vallen);
		}
	}
	int bad = sf.bad > 0;
	dq_buf_release(&t);
	dq_sidefile_release(&sf);
	if (rc < 0 && !bad)
		return dq_error("%s: error reading %s", where, file);
	return rc < 0 ? -1 : 0;
}

/* A field-level option that is either one value for all the field's
 * checks or an object keyed by check name. */
static const cJSON *
per_check(const cJSON *f, const char *key, enum dq_rule_kind kind)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, key);
	if (cJSON_IsObject(v))
		return cJSON_GetObjectItemCaseSensitive(v, dq_rule_kind_names[kind]);
	return v;
}

/* The index of the category named name, added (unweighted) when it is
 * not one of the five or one named before; -1 when the name is not a
 * plain word or there are DQ_MAXCAT already. */
static int
category(struct dq_rules *rs, const char *name)
{
	int c = 0;
	while (c < rs->ncat && strcmp(rs->cat_names[c], name))
		c++;
	if (c < rs->ncat)
		return c;
	if (!*name || strlen(name) > 64 || rs->ncat == DQ_MAXCAT)
		return -1;
	for (const char *s = name; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return -1;
	rs->cat_names[c] = dq_xstrdup(name);
	rs->weights[c] = 0;
	rs->ncat++;
	return c;
}

/* Severity, hint, tolerance, part, owner and tags of a rule from obj (a
 * field entry when by_check: one value for all its checks, or an object
 * by check name), and for a rules entry its category, message and
 * condition too. */
static int
load_common(struct dq_rules *rs, struct dq_rule *r, const cJSON *obj, int by_check, const char *where)
{
	const cJSON *v;

	v = by_check ? per_check(obj, "severity", r->kind)
		     : cJSON_GetObjectItemCaseSensitive(obj, "severity");
	if (v && (!cJSON_IsString(v) || dq_sev_parse(v->valuestring, &r->sev) ||
		  r->sev == DQ_SEV_NONE))
		return dq_error("%s: severity is error, warn or info", where);
	v = by_check ? per_check(obj, "hint", r->kind)
		     : cJSON_GetObjectItemCaseSensitive(obj, "hint");
	if (v) {
		if (!cJSON_IsString(v))
			return dq_error("%s: hint must be a string", where);
		r->hint = dq_xstrdup(v->valuestring);
	}
	v = by_check ? per_check(obj, "tolerance", r->kind)
		     : cJSON_GetObjectItemCaseSensitive(obj, "tolerance");
	if (v) {
		if (!cJSON_IsNumber(v) || v->valuedouble < 0 ||
		    v->valuedouble > 1)
			return dq_error("%s: tolerance is a rate in [0, 1]",
					where);
		r->tolerance = v->valuedouble;
	}
	v = by_check ? per_check(obj, "part", r->kind)
		     : cJSON_GetObjectItemCaseSensitive(obj, "part");
	if (v && (!by_check || dq_rule_has_part(r->kind))) {
		if (!dq_rule_has_part(r->kind))
			return dq_error("%s: part applies to enum, not_in, "
					"pattern, not_pattern, reference and "
					"not_reference", where);
		if (!cJSON_IsString(v) || strcmp(v->valuestring, "domain"))
			return dq_error("%s: part is \"domain\" (an e-mail "
					"address's domain)", where);
		r->part = DQ_PART_DOMAIN;
	}
	v = by_check ? per_check(obj, "owner", r->kind)
		     : cJSON_GetObjectItemCaseSensitive(obj, "owner");
	if (v) {
		if (!cJSON_IsString(v))
			return dq_error("%s: owner must be a string", where);
		r->owner = dq_xstrdup(v->valuestring);
	}
	v = by_check ? per_check(obj, "tags", r->kind)
		     : cJSON_GetObjectItemCaseSensitive(obj, "tags");
	if (v) {
		const cJSON *it;
		int ok = cJSON_IsArray(v);
		cJSON_ArrayForEach(it, v)
		ok &= cJSON_IsString(it);
		if (!ok)
			return dq_error("%s: tags is a list of strings", where);
		r->tags = cJSON_Duplicate(v, 1);
	}
	if (by_check)
		return 0;
	v = cJSON_GetObjectItemCaseSensitive(obj, "category");
	if (v) {
		int c = cJSON_IsString(v) ? category(rs, v->valuestring) : -1;
		if (c < 0)
			return dq_error("%s: category is schema, format, "
					"completeness, bounds, uniqueness or "
					"a name of your own (letters, digits, "
					"'_' and '-'; at most %d in all)",
					where, DQ_MAXCAT);
		r->cat = c;
	}
	v = cJSON_GetObjectItemCaseSensitive(obj, "message");
	if (v) {
		if (!cJSON_IsString(v))
			return dq_error("%s: message must be a string", where);
		r->message = dq_xstrdup(v->valuestring);
	}
	v = cJSON_GetObjectItemCaseSensitive(obj, "if");
	if (v) {
		if (r->kind >= DQ_RULE_UNIQUE && r->kind != DQ_RULE_ITEMS)
			return dq_error("%s: \"if\" applies to per-record "
					"checks only",
					where);
		if (load_cond(rs, v, &r->cond, where))
			return -1;
		r->has_if = 1;
	}
	return 0;
}

/*
 * A field's "type" as a list of JSON kinds (["string", "null"]): the
 * bits of *types, and in *t the type that types the field's CSV cells and
 * expressions: the one kind besides null, else enum (any).
 */
static int
type_list(const cJSON *list, unsigned *types, int *t)
{
	static const enum dq_type kinds[] = {
		DQ_TYPE_STRING, DQ_TYPE_INTEGER, DQ_TYPE_NUMBER,
		DQ_TYPE_BOOLEAN, DQ_TYPE_OBJECT, DQ_TYPE_ARRAY
	};
	const cJSON *it;
	int n = 0;

	*types = 0;
	cJSON_ArrayForEach(it, list)
	{
		unsigned bit = 0;
		if (!cJSON_IsString(it))
			return -1;
		if (!strcmp(it->valuestring, "null"))
			bit = DQ_TYPES_NULL;
		for (size_t k = 0; k < sizeof(kinds) / sizeof(*kinds); k++)
			if (!strcmp(it->valuestring, dq_type_names[kinds[k]])) {
				bit = 1u << kinds[k];
				*t = (int)kinds[k];
				n++;
			}
		if (!bit || (*types & bit))
			return -1;
		*types |= bit;
	}
	if (!*types)
		return -1;
	if (n != 1)
		*t = DQ_TYPE_ENUM;
	return 0;
}

/* The checks of one "fields" entry. */
static int
load_field(struct dq_rules *rs, const char *name, const cJSON *f, const char *src)
{
	char where[300];
	const cJSON *codes = cJSON_GetObjectItemCaseSensitive(f, "codes");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(f, "type");
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(f, "format");
	const cJSON *v;
	int t = -1, ft = -1;

	snprintf(where, sizeof(where), "%s: fields.%s", src, name);
	if (codes && !cJSON_IsObject(codes))
		return dq_error("%s.codes: must be an object", where);
	unsigned types = 0;
	if (cJSON_IsArray(type)) {
		if (type_list(type, &types, &t))
			return dq_error("%s.type: a list of type names "
					"string, integer, number, boolean, "
					"object, array or null, once each",
					where);
	} else if (type) {
		if (!cJSON_IsString(type) || (t = dq_type_parse(type->valuestring)) < 0)
			return dq_error("%s.type: unknown type", where);
	}
	v = cJSON_GetObjectItemCaseSensitive(f, "missing");
	if (v && (!cJSON_IsString(v) || (strcmp(v->valuestring, "blank") &&
					 strcmp(v->valuestring, "absent"))))
		return dq_error("%s.missing: \"blank\" or \"absent\"", where);
	int absent = v && !strcmp(v->valuestring, "absent");
	if (fmt) {
		if (!cJSON_IsString(fmt) || (ft = dq_type_parse(fmt->valuestring)) < 0 ||
		    !dq_type_parsed((enum dq_type)ft))
			return dq_error("%s.format: unknown format (email, "
					"phone, date, datetime, us_state, zip)",
					where);
	} else if (t >= 0 && dq_type_parsed((enum dq_type)t)) {
		ft = t;
	}

#define NEW(kind)                                                            \
	do {                                                                 \
		const cJSON *c_ = cJSON_GetObjectItemCaseSensitive(          \
			codes, dq_rule_kind_names[kind]);                           \
		if (c_ && !cJSON_IsString(c_))                               \
			return dq_error("%s.codes: codes are strings", where); \
		r = rule_new(rs, c_ ? c_->valuestring : NULL, kind, name);       \
		r->absent = absent;                                              \
		rule_add_slot(rs, r, name);                                      \
		if (load_common(rs, r, f, 1, where))                             \
			return -1;                                           \
	} while (0)

	struct dq_rule *r;
	v = cJSON_GetObjectItemCaseSensitive(f, "required");
	if (v && !cJSON_IsBool(v))
		return dq_error("%s.required: true or false", where);
	if (cJSON_IsTrue(v))
		NEW(DQ_RULE_REQUIRED);
	if (t >= 0) {
		NEW(DQ_RULE_TYPE);
		r->type = (enum dq_type)t;
		r->types = types;
		slot_cell(rs, r->slots[0], type_cell(r->type), 1);
		if (t == DQ_TYPE_US_STATE || t == DQ_TYPE_ZIP || t == DQ_TYPE_DATE ||
		    t == DQ_TYPE_DATETIME || t == DQ_TYPE_EMAIL || t == DQ_TYPE_PHONE)
			r->cat = DQ_CAT_SCHEMA;
	}
	if (ft >= 0) {
		NEW(DQ_RULE_FORMAT);
		r->type = (enum dq_type)ft;
	}
	static const char *const pat_keys[] = { "pattern", "not_pattern" };
	for (int k = 0; k < 2; k++)
		if ((v = cJSON_GetObjectItemCaseSensitive(f, pat_keys[k]))) {
			NEW(k ? DQ_RULE_NOT_PATTERN : DQ_RULE_PATTERN);
			if (load_pattern(r, v, where))
				return -1;
		}
	static const char *const enum_keys[] = { "enum", "not_in" };
	for (int k = 0; k < 2; k++)
		if ((v = cJSON_GetObjectItemCaseSensitive(f, enum_keys[k]))) {
			NEW(k ? DQ_RULE_NOT_IN : DQ_RULE_ENUM);
			if (load_enum(r, v,
				      cJSON_GetObjectItemCaseSensitive(
					      f, "enum_case"),
				      where))
				return -1;
			slot_cell_literal(rs, r->slots[0], v);
		}
	/* A list of several kinds stands as "enum" in t; only the type
	 * enum itself needs the list of values. */
	if (t == DQ_TYPE_ENUM && !types &&
	    !cJSON_GetObjectItemCaseSensitive(f, "enum"))
		return dq_error("%s: type enum needs \"enum\"", where);
	const cJSON *mn = cJSON_GetObjectItemCaseSensitive(f, "min");
	const cJSON *mx = cJSON_GetObjectItemCaseSensitive(f, "max");
	if (mn || mx) {
		NEW(DQ_RULE_RANGE);
		if (load_range(rs, r, mn, mx, t == DQ_TYPE_DATE || t == DQ_TYPE_DATETIME,
			       where) ||
		    load_percent(r, cJSON_GetObjectItemCaseSensitive(f, "percent"),
				 where))
			return -1;
		if (!r->date_bounds)
			slot_cell(rs, r->slots[0], DQ_CELL_NUMBER, 0);
	}
	mn = cJSON_GetObjectItemCaseSensitive(f, "min_length");
	mx = cJSON_GetObjectItemCaseSensitive(f, "max_length");
	if (mn || mx) {
		NEW(DQ_RULE_LENGTH);
		if (load_length(r, mn, mx, where))
			return -1;
	}
	if (cJSON_GetObjectItemCaseSensitive(f, "min_items") ||
	    cJSON_GetObjectItemCaseSensitive(f, "max_items") ||
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "unique_items")) ||
	    (cJSON_GetObjectItemCaseSensitive(f, "unique_items") &&
	     !cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(f,
							     "unique_items")))) {
		NEW(DQ_RULE_ITEMS);
		if (load_items(r, f, where))
			return -1;
	}
	v = cJSON_GetObjectItemCaseSensitive(f, "unique");
	if (v && !cJSON_IsBool(v))
		return dq_error("%s.unique: true or false", where);
	if (cJSON_IsTrue(v))
		NEW(DQ_RULE_UNIQUE);
	static const char *const ref_keys[] = { "reference", "not_reference" };
	for (int k = 0; k < 2; k++) {
		if (!(v = cJSON_GetObjectItemCaseSensitive(f, ref_keys[k])))
			continue;
		const cJSON *file = cJSON_GetObjectItemCaseSensitive(v, "file");
		const cJSON *key = cJSON_GetObjectItemCaseSensitive(v, "key");
		const cJSON *recs =
			cJSON_GetObjectItemCaseSensitive(v, "records");
		if (!cJSON_IsString(file))
			return dq_error("%s.%s: needs \"file\"", where,
					ref_keys[k]);
		if (recs && !cJSON_IsString(recs))
			return dq_error("%s.%s.records: a field path, such as "
					"\"records\"", where, ref_keys[k]);
		NEW(k ? DQ_RULE_NOT_REFERENCE : DQ_RULE_REFERENCE);
		if (load_reference(rs, r, file->valuestring,
				   cJSON_IsString(key) ? key->valuestring : name,
				   recs ? recs->valuestring : NULL, where))
			return -1;
	}
#undef NEW
	return 0;
}

static int
check_kind(const char *s)
{
	for (int i = 0; i < DQ_NRULE_KIND; i++)
		if (!strcmp(s, dq_rule_kind_names[i]))
			return i;
	if (!strcmp(s, "require_any_of"))
		return DQ_RULE_ANY_OF;
	return -1;
}

/* The field names of a rules entry: "field" (one) or "fields" (list). */
static int
rule_fields(const cJSON *o, const char *key, const char ***names, size_t *n,
	    const char *where)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key), *it;
	*n = 0;
	*names = NULL;
	if (!v)
		return 0;
	if (cJSON_IsString(v)) {
		*names = dq_xmalloc(sizeof(char *));
		(*names)[(*n)++] = v->valuestring;
		return 0;
	}
	if (!cJSON_IsArray(v))
		return dq_error("%s.%s: a field name or a list of them", where,
				key);
	cJSON_ArrayForEach(it, v)
	{
		if (!cJSON_IsString(it)) {
			free(*names);
			return dq_error("%s.%s: field names are strings",
					where, key);
		}
		*names = dq_xrealloc(*names, (*n + 1) * sizeof(char *));
		(*names)[(*n)++] = it->valuestring;
	}
	return 0;
}

/* The numeric "min" / "max" of a set-level or grouped rule; at least one
 * must be given.  Returns 0, or -1 after a message naming the rule. */
static int
set_rate_bounds(struct dq_rule *r, const cJSON *mn, const cJSON *mx,
		const char *where)
{
	if ((mn && !cJSON_IsNumber(mn)) || (mx && !cJSON_IsNumber(mx)) ||
	    (!mn && !mx))
		return dq_error("%s: needs a numeric \"min\" or \"max\"",
				where);
	r->has_min = !!mn;
	r->has_max = !!mx;
	r->min = mn ? mn->valuedouble : 0;
	r->max = mx ? mx->valuedouble : 0;
	return 0;
}

/* The schema rules: columns (fields, all required to appear),
 * column_order (fields, two or more), closed (fields: other names
 * allowed besides the contract's), forbidden_fields (patterns). */
static int
load_schema_rule(struct dq_rules *rs, const char *code, enum dq_rule_kind kind,
		 const cJSON *o, const char **fields, size_t nf,
		 const char *where)
{
	const cJSON *pats = cJSON_GetObjectItemCaseSensitive(o, "patterns");
	struct dq_buf label = DQ_BUF_INIT;

	if (kind == DQ_RULE_FORBIDDEN) {
		const cJSON *it;
		int ok = cJSON_IsArray(pats) && cJSON_GetArraySize(pats) > 0;
		cJSON_ArrayForEach(it, pats)
		ok &= cJSON_IsString(it);
		if (!ok || nf)
			return dq_error("%s: forbidden_fields takes \"patterns\", "
					"a list of name patterns (\"*ssn*\")",
					where);
		cJSON_ArrayForEach(it, pats)
		dq_buf_addf(&label, "%s%s", label.len ? "," : "",
			    it->valuestring);
	} else if (pats) {
		return dq_error("%s: \"patterns\" is for forbidden_fields",
				where);
	} else if ((kind == DQ_RULE_COLUMNS && !nf) ||
		   (kind == DQ_RULE_COLUMN_ORDER && nf < 2)) {
		return dq_error("%s: %s needs \"fields\"%s", where,
				dq_rule_kind_names[kind],
				kind == DQ_RULE_COLUMN_ORDER ? " (two or more)"
							     : "");
	}
	for (size_t i = 0; i < nf; i++)
		dq_buf_addf(&label, "%s%s", i ? "," : "", fields[i]);
	struct dq_rule *r = rule_new(rs, code, kind, label.buf);
	dq_buf_release(&label);
	for (size_t i = 0; i < nf; i++)
		rule_add_slot(rs, r, fields[i]);
	if (kind == DQ_RULE_FORBIDDEN) {
		const cJSON *it;
		cJSON_ArrayForEach(it, pats)
		{
			r->globs = dq_xrealloc(r->globs, (r->nglobs + 1) *
							 sizeof(char *));
			r->globs[r->nglobs++] = dq_xstrdup(it->valuestring);
		}
	}
	if (kind == DQ_RULE_CLOSED || kind == DQ_RULE_FORBIDDEN)
		rs->watch_others = 1;
	return load_common(rs, r, o, 0, where);
}

/* An expr check: the fields it reads are the expression's. */
static int
load_expr_rule(struct dq_rules *rs, const char *code, const cJSON *o,
	       size_t nf, const char *where)
{
	struct dq_expr *x;
	struct dq_buf label = DQ_BUF_INIT;

	if (nf)
		return dq_error("%s: an expr check reads the fields its "
				"expression names: no \"field\"", where);
	if (!cJSON_GetObjectItemCaseSensitive(o, "expr"))
		return dq_error("%s: needs \"expr\"", where);
	if (load_expr(rs, cJSON_GetObjectItemCaseSensitive(o, "expr"), &x,
		      where))
		return -1;
	for (size_t i = 0; i < x->nslots; i++)
		dq_buf_addf(&label, "%s%s", i ? "," : "",
			    rs->slots[x->slots[i]].name);
	struct dq_rule *r = rule_new(rs, code, DQ_RULE_EXPR, label.buf);
	dq_buf_release(&label);
	r->expr = x;
	for (size_t i = 0; i < x->nslots; i++) {
		r->slots = dq_xrealloc(r->slots, (r->nslots + 1) * sizeof(int));
		r->slots[r->nslots++] = x->slots[i];
	}
	return load_common(rs, r, o, 0, where);
}

static int
load_rule(struct dq_rules *rs, const char *code, const cJSON *o, const char *src)
{
	char where[300];
	const char **fields = NULL, **f2 = NULL, **gb = NULL;
	size_t nf = 0, nf2 = 0, ngb = 0;
	const cJSON *ck = cJSON_GetObjectItemCaseSensitive(o, "check");
	const cJSON *v;
	int kind, rc = -1;
	struct dq_buf label = DQ_BUF_INIT;

	snprintf(where, sizeof(where), "%s: rules.%s", src, code);
	if (!cJSON_IsString(ck) || (kind = check_kind(ck->valuestring)) < 0)
		return dq_error("%s.check: unknown or missing check", where);
	if (rule_fields(o, "field", &fields, &nf, where) ||
	    rule_fields(o, "fields", &f2, &nf2, where))
		goto out;
	fields = dq_xrealloc(fields, (nf + nf2 + 1) * sizeof(char *));
	for (size_t i = 0; i < nf2; i++)
		fields[nf++] = f2[i];
	if (kind == DQ_RULE_EXPR) {
		rc = load_expr_rule(rs, code, o, nf, where);
		goto out;
	}
	if (kind >= DQ_RULE_COLUMNS && kind <= DQ_RULE_COLUMN_ORDER) {
		rc = load_schema_rule(rs, code, (enum dq_rule_kind)kind, o,
				      fields, nf, where);
		goto out;
	}
	if (!nf && kind != DQ_RULE_ROW_COUNT && !dq_rule_grouped(kind)) {
		dq_error("%s: needs \"field\" or \"fields\"", where);
		goto out;
	}
	const cJSON *mn = cJSON_GetObjectItemCaseSensitive(o, "min");
	const cJSON *mx = cJSON_GetObjectItemCaseSensitive(o, "max");

	/* Checks over several fields at once, or none. */
	if (kind == DQ_RULE_ANY_OF || kind == DQ_RULE_UNIQUE || kind == DQ_RULE_DUP_RATE ||
	    kind == DQ_RULE_ORDER || kind == DQ_RULE_ROW_COUNT || dq_rule_grouped(kind)) {
		const char *sep = kind == DQ_RULE_ANY_OF ? "|" : ",";
		if (kind == DQ_RULE_ORDER) {
			v = cJSON_GetObjectItemCaseSensitive(o, "before");
			if (nf != 1 || !cJSON_IsString(v)) {
				dq_error("%s: order needs one \"field\" and "
					 "\"before\"",
					 where);
				goto out;
			}
			fields = dq_xrealloc(fields, 2 * sizeof(char *));
			fields[nf++] = v->valuestring;
			sep = "<";
		}
		if (dq_rule_grouped(kind)) {
			if (rule_fields(o, "group_by", &gb, &ngb, where))
				goto out;
			if (!ngb) {
				dq_error("%s: needs \"group_by\"", where);
				goto out;
			}
			for (size_t i = 0; i < ngb; i++)
				dq_buf_addf(&label, "%s%s", i ? "," : "", gb[i]);
		} else {
			for (size_t i = 0; i < nf; i++)
				dq_buf_addf(&label, "%s%s", i ? sep : "",
					    fields[i]);
		}
		struct dq_rule *r = rule_new(rs, code, (enum dq_rule_kind)kind, label.buf);
		for (size_t i = 0; i < nf && !dq_rule_grouped(kind); i++)
			rule_add_slot(rs, r, fields[i]);
		for (size_t i = 0; i < ngb; i++)
			rule_add_slot(rs, r, gb[i]);
		if (load_common(rs, r, o, 0, where))
			goto out;
		if (kind == DQ_RULE_ORDER) {
			v = cJSON_GetObjectItemCaseSensitive(o, "allow_equal");
			r->allow_equal = v ? cJSON_IsTrue(v) : 1;
		}
		if (kind == DQ_RULE_DUP_RATE || kind == DQ_RULE_ROW_COUNT ||
		    dq_rule_grouped(kind)) {
			if (set_rate_bounds(r, mn, mx, where))
				goto out;
		}
		if (dq_rule_grouped(kind)) {
			v = cJSON_GetObjectItemCaseSensitive(o, "when");
			if (!v) {
				dq_error("%s: needs \"when\"", where);
				goto out;
			}
			if (load_cond(rs, v, &r->when, where))
				goto out;
			v = cJSON_GetObjectItemCaseSensitive(o, "order_by");
			if (kind == DQ_RULE_GROUP_RUN) {
				if (!cJSON_IsString(v)) {
					dq_error("%s: group_run needs "
						 "\"order_by\"",
						 where);
					goto out;
				}
				r->order_slot = slot_get(rs, v->valuestring);
				v = cJSON_GetObjectItemCaseSensitive(
					o, "date_order");
				static const char *const ords[] = { "mdy", "dmy",
								    "ymd" };
				int k = 0;
				while (v && k < 3 && !(cJSON_IsString(v) &&
						       !strcmp(v->valuestring,
							       ords[k])))
					k++;
				if (k == 3) {
					dq_error("%s: date_order is mdy, dmy or "
						 "ymd",
						 where);
					goto out;
				}
				r->date_order = v ? k : DQ_DATE_MDY;
			}
		}
		rc = 0;
		goto out;
	}

	/* One check per field. */
	for (size_t i = 0; i < nf; i++) {
		struct dq_rule *r = rule_new(rs, code, (enum dq_rule_kind)kind, fields[i]);
		rule_add_slot(rs, r, fields[i]);
		if (load_common(rs, r, o, 0, where))
			goto out;
		switch (kind) {
		case DQ_RULE_TYPE:
		case DQ_RULE_FORMAT:
			v = cJSON_GetObjectItemCaseSensitive(
				o, kind == DQ_RULE_TYPE ? "type" : "format");
			if (!cJSON_IsString(v) ||
			    dq_type_parse(v->valuestring) < 0) {
				dq_error("%s: needs a known \"%s\"", where,
					 kind == DQ_RULE_TYPE ? "type" : "format");
				goto out;
			}
			r->type = (enum dq_type)dq_type_parse(v->valuestring);
			if (kind == DQ_RULE_TYPE)
				slot_cell(rs, r->slots[0], type_cell(r->type), 1);
			break;
		case DQ_RULE_PATTERN:
		case DQ_RULE_NOT_PATTERN:
			if (load_pattern(r, cJSON_GetObjectItemCaseSensitive(
						    o, "pattern"),
					 where))
				goto out;
			break;
		case DQ_RULE_ENUM:
		case DQ_RULE_NOT_IN:
			v = cJSON_GetObjectItemCaseSensitive(o, "values");
			if (load_enum(r, v,
				      cJSON_GetObjectItemCaseSensitive(o, "case"),
				      where))
				goto out;
			slot_cell_literal(rs, r->slots[0], v);
			break;
		case DQ_RULE_RANGE: {
			v = cJSON_GetObjectItemCaseSensitive(o, "type");
			int df = cJSON_IsString(v) &&
				 (!strcmp(v->valuestring, "date") ||
				  !strcmp(v->valuestring, "datetime"));
			if ((!mn && !mx) || load_range(rs, r, mn, mx, df, where)) {
				if (!mn && !mx)
					dq_error("%s: needs min or max", where);
				goto out;
			}
			if (load_percent(r, cJSON_GetObjectItemCaseSensitive(
						    o, "percent"), where))
				goto out;
			if (!r->date_bounds)
				slot_cell(rs, r->slots[0], DQ_CELL_NUMBER, 0);
			break;
		}
		case DQ_RULE_ITEMS:
			if (load_items(r, o, where))
				goto out;
			break;
		case DQ_RULE_LENGTH:
			if (load_length(r, cJSON_GetObjectItemCaseSensitive(
						   o, "min_length"),
					cJSON_GetObjectItemCaseSensitive(
						o, "max_length"),
					where))
				goto out;
			break;
		case DQ_RULE_REFERENCE:
		case DQ_RULE_NOT_REFERENCE: {
			const cJSON *file =
				cJSON_GetObjectItemCaseSensitive(o, "file");
			const cJSON *key =
				cJSON_GetObjectItemCaseSensitive(o, "key");
			const cJSON *recs =
				cJSON_GetObjectItemCaseSensitive(o, "records");
			if (!cJSON_IsString(file)) {
				dq_error("%s: needs \"file\"", where);
				goto out;
			}
			if (recs && !cJSON_IsString(recs)) {
				dq_error("%s.records: a field path, such as "
					 "\"records\"", where);
				goto out;
			}
			if (load_reference(rs, r, file->valuestring,
					   cJSON_IsString(key) ? key->valuestring
							       : fields[i],
					   recs ? recs->valuestring : NULL,
					   where))
				goto out;
			break;
		}
		case DQ_RULE_NULL_RATE:
		case DQ_RULE_INVALID_RATE:
			if (set_rate_bounds(r, mn, mx, where))
				goto out;
			break;
		case DQ_RULE_AGGREGATE: {
			v = cJSON_GetObjectItemCaseSensitive(o, "stat");
			int k = 0;
			while (k < DQ_NSTAT && !(cJSON_IsString(v) &&
						 !strcmp(v->valuestring,
							 dq_stat_names[k])))
				k++;
			if (k == DQ_NSTAT) {
				dq_error("%s: stat is mean, stddev, sum, min, "
					 "max or count", where);
				goto out;
			}
			r->stat = k;
			if (set_rate_bounds(r, mn, mx, where))
				goto out;
			slot_cell(rs, r->slots[0], DQ_CELL_NUMBER, 0);
			break;
		}
		default:
			break;
		}
	}
	rc = 0;
out:
	free(fields);
	free(f2);
	free(gb);
	dq_buf_release(&label);
	return rc;
}

static int
load_score(struct dq_rules *rs, const cJSON *s)
{
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(s, "weights"), *it;
	cJSON_ArrayForEach(it, w)
	{
		int c = category(rs, it->string);
		if (c < 0)
			return dq_error("contract: score.weights.%s: a "
					"category is named with letters, "
					"digits, '_' and '-' (at most %d in "
					"all)", it->string, DQ_MAXCAT);
		if (!cJSON_IsNumber(it) || it->valuedouble < 0)
			return dq_error("contract: score.weights.%s: a number "
					">= 0", it->string);
		rs->weights[c] = it->valuedouble;
		rs->cat_weighted[c] = 1;
	}
	/* A weight for a category of its own that no rule names is a typo
	 * ("formats") or a rule left out: it would weigh nothing. */
	for (int c = DQ_NCAT; c < rs->ncat; c++) {
		size_t ri = 0;
		while (ri < rs->nrules && rs->rules[ri].cat != c)
			ri++;
		if (ri == rs->nrules)
			return dq_error("contract: score.weights.%s: no rule "
					"has category %s (the five are schema, "
					"format, completeness, bounds and "
					"uniqueness)", rs->cat_names[c],
					rs->cat_names[c]);
	}
	const cJSON *pm = cJSON_GetObjectItemCaseSensitive(s, "pass_mark");
	if (pm && !rs->pass_mark_set) {
		if (!cJSON_IsNumber(pm) || pm->valuedouble < 0 ||
		    pm->valuedouble > 100)
			return dq_error("contract: score.pass_mark: a number "
					"in [0, 100]");
		rs->pass_mark = pm->valuedouble;
	}
	const char *const flags[] = { "allow_empty", "allow_absent_fields" };
	int *dst[] = { &rs->allow_empty, &rs->allow_absent };
	for (int i = 0; i < 2; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(s, flags[i]);
		if (v && !cJSON_IsBool(v))
			return dq_error("contract: score.%s: true or false",
					flags[i]);
		if (cJSON_IsTrue(v))
			*dst[i] = 1;
	}
	return 0;
}

int
dq_rules_load(struct dq_rules *rs, const struct dq_contract *c,
	      const cJSON *quick)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, dq_contract_get(c, "fields"))
	if (load_field(rs, it->string, it, "contract"))
		return -1;
	cJSON_ArrayForEach(it, dq_contract_get(c, "rules"))
	if (load_rule(rs, it->string, it, "contract"))
		return -1;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(quick, "fields"))
	if (load_field(rs, it->string, it, "command line"))
		return -1;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(quick, "rules"))
	if (load_rule(rs, it->string, it, "command line"))
		return -1;
	/* The contract's own name and version, stamped into summaries. */
	const cJSON *nm = dq_contract_get(c, "name");
	const cJSON *ver = dq_contract_get(c, "version");
	if ((nm && !cJSON_IsString(nm)) ||
	    (ver && !cJSON_IsString(ver) && !cJSON_IsNumber(ver)))
		return dq_error("contract: name is a string, version a string "
				"or number");
	if (nm || ver) {
		rs->contract_id = cJSON_CreateObject();
		cJSON_AddItemToObject(rs->contract_id, "name",
				      nm ? cJSON_Duplicate(nm, 0)
					 : cJSON_CreateNull());
		cJSON_AddItemToObject(rs->contract_id, "version",
				      ver ? cJSON_Duplicate(ver, 0)
					  : cJSON_CreateNull());
	}
	return load_score(rs, dq_contract_get(c, "score"));
}

int
dq_rules_check(const struct dq_contract *c)
{
	struct dq_rules rs;
	int rc;

	if (!dq_contract_get(c, "fields") && !dq_contract_get(c, "rules") &&
	    !dq_contract_get(c, "score"))
		return 0;
	/* Relative bounds are checked against a fixed day: only their
	 * shape matters here (min above max is checked between fixed
	 * bounds only). */
	dq_rules_init(&rs, 0);
	rs.check_only = 1;
	rc = dq_rules_load(&rs, c, NULL);
	dq_rules_release(&rs);
	return rc;
}

/* A JSON string of s, malloc'd. */
static char *
json_str(const char *s, size_t *n)
{
	struct dq_buf b = DQ_BUF_INIT;
	dq_buf_add_json_string(&b, s, strlen(s));
	return dq_buf_detach(&b, n);
}

/* The output text of a per-record rule's violations, made once. */
static void
rule_texts(struct dq_rules *rs, struct dq_rule *r)
{
	struct dq_buf t[DQ_NMSG];
	int nm = 1;

	for (int k = 0; k < DQ_NMSG; k++)
		t[k] = (struct dq_buf)DQ_BUF_INIT;
	switch (r->kind) {
	case DQ_RULE_REQUIRED:
		dq_buf_addstr(&t[0], "required value is missing");
		break;
	case DQ_RULE_ANY_OF:
	{
		char msg[200];
		snprintf(msg, sizeof(msg), "none of %s is present", r->label);
		for (char *p = msg; *p; p++)
			if (*p == '|')
				*p = ',';
		dq_buf_addstr(&t[0], msg);
		break;
	}
	case DQ_RULE_TYPE:
		nm = DQ_NMSG;
		for (int k = 0; k < DQ_NMSG; k++) {
			dq_buf_addstr(&t[k], "expected ");
			if (!r->types)
				dq_buf_addstr(&t[k], dq_type_names[r->type]);
			for (int y = 0, w = 0; y <= DQ_NTYPE; y++)
				if (r->types & (1u << y))
					dq_buf_addf(&t[k], "%s%s",
						    w++ ? " or " : "",
						    y == DQ_NTYPE
							    ? "null"
							    : dq_type_names[y]);
			dq_buf_addf(&t[k], ", found %s", dq_json_kind_names[k]);
		}
		break;
	case DQ_RULE_FORMAT:
		nm = 2;
		dq_buf_addstr(&t[DQ_MSG_MAIN], dq_format_what(r->type));
		dq_buf_addf(&t[DQ_MSG_UNPARSED],
			    "dq-normalize could not parse it as %s",
			    dq_type_names[r->type]);
		break;
	case DQ_RULE_PATTERN:
	case DQ_RULE_NOT_PATTERN:
		dq_buf_addf(&t[0], "%s%s pattern %.150s",
			    r->part == DQ_PART_DOMAIN ? "domain " : "",
			    r->kind == DQ_RULE_PATTERN ? "does not match the"
						       : "matches the forbidden",
			    r->pattern);
		break;
	case DQ_RULE_ENUM:
	case DQ_RULE_NOT_IN:
		dq_buf_addstr(&t[0], r->enum_msg);
		break;
	case DQ_RULE_RANGE:
	case DQ_RULE_LENGTH:
		nm = r->kind == DQ_RULE_RANGE ? 3 : 2;
		dq_buf_addstr(&t[DQ_MSG_MIN], r->min_msg ? r->min_msg : "");
		dq_buf_addstr(&t[DQ_MSG_MAX], r->max_msg ? r->max_msg : "");
		dq_buf_addstr(&t[DQ_MSG_PERCENT],
			      "a percent sign, and the contract does not say "
			      "what it means here (\"percent\": \"points\" or "
			      "\"fraction\")");
		break;
	case DQ_RULE_ITEMS:
		nm = 3;
		dq_buf_addstr(&t[DQ_MSG_MIN], r->min_msg ? r->min_msg : "");
		dq_buf_addstr(&t[DQ_MSG_MAX], r->max_msg ? r->max_msg : "");
		dq_buf_addstr(&t[DQ_MSG_REPEAT], "an element is repeated");
		break;
	case DQ_RULE_ORDER:
		dq_buf_addf(&t[0], "%.80s must %s %.80s",
			    rs->slots[r->slots[0]].name,
			    r->allow_equal ? "not be after" : "be before",
			    rs->slots[r->slots[1]].name);
		break;
	case DQ_RULE_EXPR:
		dq_buf_addf(&t[0], "%.200s is false", r->expr->text);
		break;
	case DQ_RULE_UNIQUE:
		dq_buf_addf(&t[0], "duplicate of an earlier record's %s",
			    r->nslots > 1 ? "key" : "value");
		break;
	case DQ_RULE_REFERENCE:
	case DQ_RULE_NOT_REFERENCE:
		dq_buf_addf(&t[0], "%s%s in column %.60s of %.100s",
			    r->part == DQ_PART_DOMAIN ? "domain " : "",
			    r->kind == DQ_RULE_REFERENCE ? "not found"
							 : "already",
			    r->ref_key, r->ref_file);
		break;
	default:
		break;
	}
	for (int k = 0; k < nm; k++) {
		const char *m = r->message ? r->message : t[k].buf;
		r->jmsg[k] = json_str(m, &r->jmsglen[k]);
	}
	for (int k = 0; k < DQ_NMSG; k++)
		dq_buf_release(&t[k]);

	struct dq_buf b = DQ_BUF_INIT;
	r->jcode = json_str(r->code, NULL);
	r->jlabel = json_str(r->label, NULL);
	r->jhint = r->hint ? json_str(r->hint, NULL) : dq_xstrdup("null");
	dq_buf_addstr(&b, "{\"code\":");
	dq_buf_addstr(&b, r->jcode);
	dq_buf_addstr(&b, ",\"field\":");
	dq_buf_addstr(&b, r->jlabel);
	dq_buf_addstr(&b, ",\"severity\":\"");
	dq_buf_addstr(&b, dq_sev_names[r->sev]);
	dq_buf_addstr(&b, "\",\"message\":");
	size_t head = b.len;
	for (int k = 0; k < nm; k++) {
		b.len = head;
		dq_buf_add(&b, r->jmsg[k], r->jmsglen[k]);
		dq_buf_addstr(&b, ",\"value\":");
		r->ventry[k] = dq_xstrndup(b.buf, b.len);
		r->ventrylen[k] = b.len;
	}
	dq_buf_release(&b);
}


void
dq_rules_init(struct dq_rules *rs, long long today)
{
	static const double w[DQ_NCAT] = { 40, 35, 20, 15, 10 };

	memset(rs, 0, sizeof(*rs));
	dq_strmap_init(&rs->snames);
	dq_strmap_init(&rs->others);
	memcpy(rs->weights, w, sizeof(w));
	for (int c = 0; c < DQ_NCAT; c++)
		rs->cat_names[c] = (char *)dq_cat_names[c];
	rs->ncat = DQ_NCAT;
	rs->pass_mark = 80;
	rs->id_slot = -1;
	rs->today = today;
}

void
dq_rules_release(struct dq_rules *rs)
{
	for (int c = DQ_NCAT; c < rs->ncat; c++)
		free(rs->cat_names[c]);
	for (size_t ri = 0; ri < rs->nrules; ri++) {
		struct dq_rule *r = &rs->rules[ri];
		free(r->code);
		free(r->hint);
		free(r->message);
		free(r->label);
		free(r->slots);
		cJSON_Delete(r->cond.vals);
		cJSON_Delete(r->when.vals);
		struct dq_expr *xs[] = { r->expr, r->cond.expr, r->when.expr };
		for (int k = 0; k < 3; k++)
			if (xs[k]) {
				dq_expr_release(xs[k]);
				free(xs[k]);
			}
		if (r->has_re)
			regfree(&r->re);
		free(r->ere);
		free(r->pattern);
		for (size_t k = 0; k < r->nev; k++)
			free(r->ev[k].s);
		free(r->ev);
		dq_strmap_release(&r->estr);
		free(r->owner);
		cJSON_Delete(r->tags);
		free(r->enum_msg);
		free(r->min_msg);
		free(r->max_msg);
		free(r->ref_file);
		free(r->ref_key);
		for (int k = 0; k < DQ_NMSG; k++) {
			free(r->ventry[k]);
			free(r->jmsg[k]);
		}
		for (size_t k = 0; k < r->nglobs; k++)
			free(r->globs[k]);
		free(r->globs);
		free(r->found);
		free(r->found_json);
		free(r->jcode);
		free(r->jlabel);
		free(r->jhint);
		dq_keyset_release(&r->set);
		for (size_t k = 0; k < r->ngroups; k++) {
			struct dq_group *g = &r->groups[k];
			for (size_t j = 0; j < g->n; j++)
				free(g->ents[j].s);
			free(g->ents);
			free(g->key);
			free(g->label);
		}
		free(r->groups);
		free(r->gtab);
		for (size_t k = 0; k < r->nex; k++) {
			free(r->ex[k].id);
			free(r->ex[k].value);
		}
		free(r->ex);
	}
	free(rs->rules);
	for (size_t i = 0; i < rs->nslots; i++) {
		free(rs->slots[i].name);
		dq_buf_release(&rs->slots[i].ubuf);
		if (rs->slots[i].path) {
			dq_path_release(rs->slots[i].path);
			free(rs->slots[i].path);
		}
	}
	free(rs->slots);
	free(rs->pslots);
	dq_strmap_release(&rs->snames);
	dq_strmap_release(&rs->others);
	free(rs->other_recs);
	cJSON_Delete(rs->contract_id);
	memset(rs, 0, sizeof(*rs));
}

void
dq_rules_ready(struct dq_rules *rs, const char *id_field)
{
	rs->id_slot = slot_get(rs, id_field);
	for (size_t ri = 0; ri < rs->nrules; ri++) {
		struct dq_rule *c = &rs->rules[ri];
		for (size_t k = 0; c->kind == DQ_RULE_COLUMNS && k < c->nslots; k++)
			for (size_t j = 0; j < rs->nrules; j++)
				if (rs->rules[j].kind == DQ_RULE_REQUIRED &&
				    rs->rules[j].slots[0] == c->slots[k])
					rs->rules[j].col_gate = 1;
	}
	for (size_t ri = 0; ri < rs->nrules; ri++) {
		rs->rules[ri].dnv = -1;
		rule_texts(rs, &rs->rules[ri]);
		rs->has_invalid_rate |= rs->rules[ri].kind ==
					DQ_RULE_INVALID_RATE;
	}
}
