/*
 * lint.c - a contract's findings before it runs (contract/lint.h).
 *
 * Unknown keys come from the loader's own schema (dq_contract_keys_each),
 * with the nearest known key as a hint (base/edit.h).  A field's or
 * rule's values are checked by compiling it alone as dq-validate would
 * (dq_rules_check), its messages taken as findings, so that lint refuses
 * exactly what the programs refuse; and beyond that, what they accept but
 * cannot mean:
 *
 * - A pattern no text matches.  POSIX EREs are matched unanchored, and
 *   '^' and '$' match only at the ends of the value (no REG_NEWLINE), so
 *   a pattern matches nothing exactly when every way through it puts a
 *   '^' after text or a '$' before it.  Each sub-expression is summed up
 *   by the kinds of match it can make, a set of triples (empty?, must
 *   start at the value's start?, must end at its end?): a character is
 *   (0,0,0), '^' (1,1,0), '$' (1,0,1); a concatenation joins each pair
 *   whose anchors allow it, an alternation is the union, and repetitions
 *   are the powers, which repeat after at most 2^8 steps since there are
 *   8 triples.  The pattern matches nothing when its set is empty.
 * - Bounds no value passes (min above max, min_length above max_length,
 *   min_items above max_items) and enum values the field's own type,
 *   pattern, bounds, lengths or not_in refuse.
 * - Rules naming fields the contract does not define, and with data,
 *   fields that never occur in it.
 */
#include "contract/lint.h"

#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/edit.h"
#include "base/ere.h"
#include "base/utf8.h"
#include "contract/bound.h"
#include "contract/check.h"
#include "contract/expr.h"
#include "contract/rules.h"
#include "contract/types.h"
#include "norm/date.h"

void
dq_lint_init(struct dq_lint *l)
{
	memset(l, 0, sizeof(*l));
	l->findings = cJSON_CreateArray();
	if (!l->findings)
		dq_die("out of memory");
}

void
dq_lint_release(struct dq_lint *l)
{
	cJSON_Delete(l->findings);
	memset(l, 0, sizeof(*l));
}

static void
vadd(struct dq_lint *l, const char *path, const char *check, int warning,
     const char *fmt, va_list ap)
{
	struct dq_buf b = DQ_BUF_INIT;
	cJSON *f = cJSON_CreateObject();

	dq_buf_vaddf(&b, fmt, ap);
	cJSON_AddStringToObject(f, "path", path);
	cJSON_AddStringToObject(f, "check", check);
	cJSON_AddStringToObject(f, "severity", warning ? "warning" : "error");
	cJSON_AddStringToObject(f, "message", b.buf);
	cJSON_AddItemToArray(l->findings, f);
	if (!warning)
		l->errors++;
	dq_buf_release(&b);
}

static void __attribute__((format(printf, 4, 5)))
add(struct dq_lint *l, const char *path, const char *check, const char *fmt,
    ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(l, path, check, 0, fmt, ap);
	va_end(ap);
}

/* A finding that does not make the contract wrong by itself. */
static void __attribute__((format(printf, 4, 5)))
add_warning(struct dq_lint *l, const char *path, const char *check,
	    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(l, path, check, 1, fmt, ap);
	va_end(ap);
}

void
dq_lint_text(const struct dq_lint *l, struct dq_buf *out)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, l->findings)
	dq_buf_addf(out, "%s: %s%s\n",
		    cJSON_GetObjectItemCaseSensitive(f, "path")->valuestring,
		    strcmp(cJSON_GetObjectItemCaseSensitive(f, "severity")
				   ->valuestring,
			   "warning")
			    ? ""
			    : "warning: ",
		    cJSON_GetObjectItemCaseSensitive(f, "message")->valuestring);
}

/* ---- unknown keys ---- */

static void
on_key(void *ctx, const char *path, const char *what, const char *near)
{
	struct dq_lint *l = ctx;
	if (near)
		add(l, path, "unknown_key", "%s (did you mean '%s'?)", what,
		    near);
	else
		add(l, path, *what == 'u' ? "unknown_key" : "not_object", "%s",
		    what);
}

/* ---- patterns that match nothing ---- */

/* A set of match kinds: bit e | s << 1 | t << 2 (see the top). */
#define K(e, s, t) (1u << ((e) | (s) << 1 | (t) << 2))
#define K_EMPTY K(1, 0, 0)
#define K_CHAR K(0, 0, 0)

static unsigned
cat(unsigned a, unsigned b)
{
	unsigned r = 0;
	for (int i = 0; i < 8; i++) {
		if (!(a >> i & 1))
			continue;
		int ae = i & 1, as = i >> 1 & 1, at = i >> 2 & 1;
		for (int j = 0; j < 8; j++) {
			if (!(b >> j & 1))
				continue;
			int be = j & 1, bs = j >> 1 & 1, bt = j >> 2 & 1;
			/* '^' after text, or text after '$'. */
			if ((bs && !ae) || (at && !be))
				continue;
			r |= K(ae && be, as || (ae && bs), bt || (be && at));
		}
	}
	return r;
}

/* The union of a^k for k in [lo, hi] (hi < 0: no end). */
static unsigned
power(unsigned a, long lo, long hi)
{
	unsigned p = K_EMPTY, r = 0;
	for (long k = 0; k < lo; k++)
		p = cat(p, a);
	/* The powers repeat within 256 steps: beyond, nothing is new. */
	for (long k = lo; (hi < 0 || k <= hi) && k < lo + 256; k++) {
		r |= p;
		p = cat(p, a);
	}
	return r;
}

static unsigned alt(const char **p);

static unsigned
atom(const char **p)
{
	const char *s = *p;
	unsigned a;

	switch (*s) {
	case '(':
		*p = s + 1;
		a = alt(p);
		if (**p == ')')
			(*p)++;
		return a;
	case '^':
		*p = s + 1;
		return K(1, 1, 0);
	case '$':
		*p = s + 1;
		return K(1, 0, 1);
	case '[':
		*p = dq_ere_skip_bracket(s);
		return K_CHAR;
	case '\\':
		*p = s + (s[1] ? 2 : 1);
		return K_CHAR;
	default:
		*p = s + 1;
		while ((**p & 0xC0) == 0x80)
			(*p)++;
		return K_CHAR;
	}
}

static unsigned
seq(const char **p)
{
	unsigned m = K_EMPTY;
	while (**p && **p != '|' && **p != ')') {
		unsigned a = atom(p);
		for (;;) {
			char c = **p;
			if (c == '*') {
				a = power(a, 0, -1);
			} else if (c == '+') {
				a = power(a, 1, -1);
			} else if (c == '?') {
				a |= K_EMPTY;
			} else if (c == '{' && (*p)[1] >= '0' && (*p)[1] <= '9') {
				char *e;
				long lo = strtol(*p + 1, &e, 10), hi = lo;
				if (*e == ',')
					hi = e[1] == '}' ? -1 : strtol(e + 1, &e, 10);
				if (*e == ',')
					e++;
				a = power(a, lo, hi);
				*p = *e == '}' ? e : e - 1;
			} else {
				break;
			}
			(*p)++;
		}
		m = cat(m, a);
	}
	return m;
}

static unsigned
alt(const char **p)
{
	unsigned m = seq(p);
	while (**p == '|') {
		(*p)++;
		m |= seq(p);
	}
	return m;
}

/* Does the ERE pattern (which regcomp accepted) match no text at all? */
static int
matches_nothing(const char *pattern)
{
	const char *p = pattern;
	unsigned m = alt(&p);
	/* A ')' without its '(' is an ordinary character to glibc. */
	while (*p) {
		p++;
		m = cat(m, K_CHAR) | cat(m, alt(&p));
	}
	return !m;
}

/* Check the pattern at path: 0, or -1 when it does not compile (a
 * finding either way). */
static int
lint_pattern(struct dq_lint *l, const char *path, const cJSON *v)
{
	regex_t re;
	char err[200];
	int rc;

	if (!cJSON_IsString(v))
		return 0; /* dq_rules_check says what it must be */
	if ((rc = regcomp(&re, v->valuestring, REG_EXTENDED | REG_NOSUB))) {
		regerror(rc, &re, err, sizeof(err));
		add(l, path, "pattern", "does not compile: %s", err);
		return -1;
	}
	regfree(&re);
	if (matches_nothing(v->valuestring))
		add(l, path, "pattern",
		    "matches nothing: a '^' stands after text or a '$' before "
		    "it on every way through \"%s\"",
		    v->valuestring);
	return 0;
}

/* ---- bounds and enums ---- */

/* A fixed bound (a number or an ISO date, not one relative to today):
 * 1 and *v (a number or a day count), *is_date. */
static int
fixed_bound(const cJSON *b, int is_max, int date_field, double *v,
	    int *is_date)
{
	struct dq_buf t = DQ_BUF_INIT;
	struct dq_buf *old;
	int rc;

	if (cJSON_IsString(b) && (!strncmp(b->valuestring, "today", 5) ||
				  !strncmp(b->valuestring, "year", 4)))
		return 0;
	if (!cJSON_IsNumber(b) && !cJSON_IsString(b))
		return 0;
	old = dq_error_capture(&t);
	rc = dq_bound_parse(b, is_max, date_field, 0, is_date, v, &t, "");
	dq_error_capture(old);
	dq_buf_release(&t);
	return rc == 0;
}

/* min above max: a finding at path.min, and 1. */
static int
lint_pair(struct dq_lint *l, const char *path, const cJSON *o,
	  const char *kmin, const char *kmax, int date_field)
{
	const cJSON *mn = cJSON_GetObjectItemCaseSensitive(o, kmin);
	const cJSON *mx = cJSON_GetObjectItemCaseSensitive(o, kmax);
	double a, b;
	int da, db;

	if (!fixed_bound(mn, 0, date_field, &a, &da) ||
	    !fixed_bound(mx, 1, date_field, &b, &db) || da != db || a <= b)
		return 0;
	struct dq_buf p = DQ_BUF_INIT;
	char *ta = cJSON_PrintUnformatted(mn), *tb = cJSON_PrintUnformatted(mx);
	dq_buf_addf(&p, "%s.%s", path, kmin);
	add(l, p.buf, "bounds", "%s %s is above %s %s: no value can pass",
	    kmin, ta, kmax, tb);
	cJSON_free(ta);
	cJSON_free(tb);
	dq_buf_release(&p);
	return 1;
}

/* Why the field entry f refuses the enum value v, or NULL. */
static const char *
enum_refused(const cJSON *f, const cJSON *v, struct dq_buf *why)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(f, "type");
	const cJSON *pat = cJSON_GetObjectItemCaseSensitive(f, "pattern");
	const cJSON *ni = cJSON_GetObjectItemCaseSensitive(f, "not_in"), *it;
	char *text = cJSON_IsString(v) ? NULL : cJSON_PrintUnformatted(v);
	const char *s = cJSON_IsString(v) ? v->valuestring : text;
	int ty = cJSON_IsString(t) ? dq_type_parse(t->valuestring) : -1;

	dq_buf_reset(why);
	if (ty >= 0) {
		int ok;
		switch (ty) {
		case DQ_TYPE_INTEGER:
			ok = cJSON_IsNumber(v) && !strpbrk(s, ".eE");
			break;
		case DQ_TYPE_NUMBER:
			ok = cJSON_IsNumber(v);
			break;
		case DQ_TYPE_BOOLEAN:
			ok = cJSON_IsBool(v);
			break;
		case DQ_TYPE_ENUM:
			ok = 1;
			break;
		case DQ_TYPE_OBJECT:
		case DQ_TYPE_ARRAY:
			ok = 0;
			break;
		default:
			ok = cJSON_IsString(v) &&
			     dq_format_valid((enum dq_type)ty, s, strlen(s));
		}
		if (!ok)
			dq_buf_addf(why, "not of its type %s", t->valuestring);
	}
	if (!why->len && cJSON_IsString(pat)) {
		regex_t re;
		if (!regcomp(&re, pat->valuestring, REG_EXTENDED | REG_NOSUB)) {
			if (regexec(&re, s, 0, NULL, 0))
				dq_buf_addf(why, "does not match its pattern");
			regfree(&re);
		}
	}
	if (!why->len && cJSON_IsNumber(v)) {
		double b;
		int d;
		if (fixed_bound(cJSON_GetObjectItemCaseSensitive(f, "min"), 0, 0,
				&b, &d) && !d && v->valuedouble < b)
			dq_buf_addf(why, "below its min %g", b);
		else if (fixed_bound(cJSON_GetObjectItemCaseSensitive(f, "max"),
				     1, 0, &b, &d) && !d && v->valuedouble > b)
			dq_buf_addf(why, "above its max %g", b);
	}
	if (!why->len && cJSON_IsString(v)) {
		const cJSON *mn = cJSON_GetObjectItemCaseSensitive(f,
								  "min_length");
		const cJSON *mx = cJSON_GetObjectItemCaseSensitive(f,
								  "max_length");
		double n = (double)dq_utf8_count(s, strlen(s));
		if (cJSON_IsNumber(mn) && n < mn->valuedouble)
			dq_buf_addf(why, "shorter than its min_length %g",
				    mn->valuedouble);
		else if (cJSON_IsNumber(mx) && n > mx->valuedouble)
			dq_buf_addf(why, "longer than its max_length %g",
				    mx->valuedouble);
	}
	if (!why->len)
		cJSON_ArrayForEach(it, ni)
		if (cJSON_Compare(it, v, 1)) {
			dq_buf_addf(why, "also in its not_in");
			break;
		}
	free(text);
	return why->len ? why->buf : NULL;
}

static void
lint_enum(struct dq_lint *l, const char *path, const cJSON *f)
{
	const cJSON *en = cJSON_GetObjectItemCaseSensitive(f, "enum"), *v;
	struct dq_buf why = DQ_BUF_INIT, p = DQ_BUF_INIT;
	int i = 0;

	cJSON_ArrayForEach(v, en)
	{
		if (!cJSON_IsObject(v) && !cJSON_IsArray(v) &&
		    !cJSON_IsNull(v) && enum_refused(f, v, &why)) {
			char *t = cJSON_PrintUnformatted(v);
			dq_buf_reset(&p);
			dq_buf_addf(&p, "%s.enum[%d]", path, i);
			add(l, p.buf, "enum",
			    "%s can never pass: %s", t, why.buf);
			cJSON_free(t);
		}
		i++;
	}
	dq_buf_release(&why);
	dq_buf_release(&p);
}

/* ---- what dq-validate refuses, entry by entry ---- */

static int
has_placeholder(const cJSON *j)
{
	const cJSON *it;
	if (cJSON_IsString(j))
		return strstr(j->valuestring, "${") ||
		       !strncmp(j->valuestring, "env(", 4);
	cJSON_ArrayForEach(it, j)
	if (has_placeholder(it))
		return 1;
	return 0;
}

/* A relative reference "file" of o (a field's reference, a rule) made
 * relative to dir, as dq_contract_load does. */
static void
join_file(cJSON *o, const char *dir)
{
	cJSON *f = cJSON_GetObjectItemCaseSensitive(o, "file");
	if (*dir && cJSON_IsString(f) && f->valuestring[0] &&
	    f->valuestring[0] != '/') {
		struct dq_buf b = DQ_BUF_INIT;
		dq_buf_addf(&b, "%s%s", dir, f->valuestring);
		cJSON_SetValuestring(f, b.buf);
		dq_buf_release(&b);
	}
}

/* Compile the contract mini (taken) as dq-validate would, each message
 * a finding at the path it names (else at path). */
static void
lint_compile(struct dq_lint *l, cJSON *mini, const char *path)
{
	struct dq_contract c;
	struct dq_buf msg = DQ_BUF_INIT;
	struct dq_buf *old;

	dq_contract_init(&c);
	cJSON_Delete(c.root);
	c.root = mini;
	old = dq_error_capture(&msg);
	dq_rules_check(&c);
	dq_error_capture(old);
	dq_contract_release(&c);
	for (char *s = msg.buf, *nl; *s; s = nl + 1) {
		nl = strchr(s, '\n');
		*nl = '\0';
		if (!strncmp(s, "contract: ", 10))
			s += 10;
		char *colon = strstr(s, ": ");
		if (colon && !memchr(s, ' ', (size_t)(colon - s))) {
			*colon = '\0';
			add(l, s, "invalid", "%s", colon + 2);
		} else {
			add(l, path, "invalid", "%s", s);
		}
	}
	dq_buf_release(&msg);
}

static void
lint_field(struct dq_lint *l, const char *name, const cJSON *f,
	   const char *dir)
{
	struct dq_buf path = DQ_BUF_INIT, sub = DQ_BUF_INIT;
	cJSON *copy;

	if (!cJSON_IsObject(f) || has_placeholder(f))
		return;
	dq_buf_addf(&path, "fields.%s", name);
	copy = cJSON_Duplicate(f, 1);
	static const char *const pats[] = { "pattern", "not_pattern", NULL };
	for (int i = 0; pats[i]; i++) {
		dq_buf_reset(&sub);
		dq_buf_addf(&sub, "%s.%s", path.buf, pats[i]);
		if (lint_pattern(l, sub.buf,
				 cJSON_GetObjectItemCaseSensitive(f, pats[i])))
			cJSON_DeleteItemFromObjectCaseSensitive(copy, pats[i]);
	}
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(f, "type");
	int date = cJSON_IsString(t) && (!strcmp(t->valuestring, "date") ||
					 !strcmp(t->valuestring, "datetime"));
	static const char *const pairs[][2] = { { "min", "max" },
						{ "min_length", "max_length" },
						{ "min_items", "max_items" } };
	for (int i = 0; i < 3; i++)
		if (lint_pair(l, path.buf, f, pairs[i][0], pairs[i][1], date)) {
			cJSON_DeleteItemFromObjectCaseSensitive(copy,
								pairs[i][0]);
			cJSON_DeleteItemFromObjectCaseSensitive(copy,
								pairs[i][1]);
		}
	lint_enum(l, path.buf, f);
	join_file(cJSON_GetObjectItemCaseSensitive(copy, "reference"), dir);
	join_file(cJSON_GetObjectItemCaseSensitive(copy, "not_reference"),
		  dir);
	cJSON *mini = cJSON_CreateObject();
	cJSON_AddItemToObject(cJSON_AddObjectToObject(mini, "fields"), name,
			      copy);
	lint_compile(l, mini, path.buf);
	dq_buf_release(&path);
	dq_buf_release(&sub);
}

/* ---- fields a rule names ---- */

struct names {
	char **v;
	size_t n;
};

static void
names_add(struct names *ns, const char *s, size_t n)
{
	for (size_t i = 0; i < ns->n; i++)
		if (strlen(ns->v[i]) == n && !memcmp(ns->v[i], s, n))
			return;
	ns->v = dq_xrealloc(ns->v, (ns->n + 1) * sizeof(char *));
	ns->v[ns->n++] = dq_xstrndup(s, n);
}

static void
names_release(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
}

static int
resolve_name(void *ctx, const char *name, size_t n, enum dq_xtype use,
	     enum dq_xtype *declared)
{
	struct names *ns = ctx;
	names_add(ns, name, n);
	*declared = DQ_XT_ANY;
	return (int)ns->n - 1;
}

static void
expr_names(struct names *ns, const cJSON *x)
{
	struct dq_expr e = { 0 };
	struct dq_buf msg = DQ_BUF_INIT;
	struct dq_buf *old;

	if (!cJSON_IsString(x))
		return;
	old = dq_error_capture(&msg); /* lint_compile reports it */
	if (!dq_expr_compile(&e, x->valuestring, resolve_name, ns, ""))
		dq_expr_release(&e);
	dq_error_capture(old);
	dq_buf_release(&msg);
}

static void
list_names(struct names *ns, const cJSON *v)
{
	const cJSON *it;
	if (cJSON_IsString(v))
		names_add(ns, v->valuestring, strlen(v->valuestring));
	cJSON_ArrayForEach(it, v)
	if (cJSON_IsString(it))
		names_add(ns, it->valuestring, strlen(it->valuestring));
}

/* The fields the rules entry r names, in the order it names them. */
static void
rule_names(struct names *ns, const cJSON *r)
{
	static const char *const keys[] = { "field", "fields", "group_by",
					    "order_by", NULL };
	const cJSON *ck = cJSON_GetObjectItemCaseSensitive(r, "check");
	const cJSON *before = cJSON_GetObjectItemCaseSensitive(r, "before");
	static const char *const conds[] = { "if", "when", NULL };
	for (int i = 0; keys[i]; i++)
		list_names(ns, cJSON_GetObjectItemCaseSensitive(r, keys[i]));
	for (int i = 0; conds[i]; i++) {
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(r, conds[i]);
		list_names(ns, cJSON_GetObjectItemCaseSensitive(c, "field"));
		expr_names(ns, cJSON_GetObjectItemCaseSensitive(c, "expr"));
	}
	expr_names(ns, cJSON_GetObjectItemCaseSensitive(r, "expr"));
	/* An order rule's "before" is the other field. */
	if (cJSON_IsString(ck) && !strcmp(ck->valuestring, "order"))
		list_names(ns, before);
}

/* Is a within b's path, or b within a's ("addr" and "addr.city",
 * "tags" and "tags[]")? */
static int
nested(const char *a, const char *b)
{
	size_t n = strlen(b);
	return !strncmp(a, b, n) && (a[n] == '.' || a[n] == '[');
}

static int
defined(const cJSON *fields, const char *name)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, fields)
	if (!strcmp(f->string, name) || nested(name, f->string) ||
	    nested(f->string, name))
		return 1;
	return 0;
}

/* A range or length rule whose bounds and its field's own leave no
 * value that passes both. */
static void
lint_overlap(struct dq_lint *l, const char *path, const cJSON *r,
	     const cJSON *fields)
{
	const cJSON *ck = cJSON_GetObjectItemCaseSensitive(r, "check");
	const cJSON *fn = cJSON_GetObjectItemCaseSensitive(r, "field");
	const char *kmin, *kmax;
	double rmin, rmax, fmin, fmax;
	int d1, d2, d3, d4;

	if (!cJSON_IsString(ck) || !cJSON_IsString(fn))
		return;
	if (!strcmp(ck->valuestring, "range")) {
		kmin = "min";
		kmax = "max";
	} else if (!strcmp(ck->valuestring, "length")) {
		kmin = "min_length";
		kmax = "max_length";
	} else {
		return;
	}
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(fields,
							  fn->valuestring);
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(f, "type");
	int date = cJSON_IsString(t) && (!strcmp(t->valuestring, "date") ||
					 !strcmp(t->valuestring, "datetime"));
	if (*kmin == 'm' && kmin[3] == '_')
		date = 0; /* lengths */
	int has_rmin = fixed_bound(cJSON_GetObjectItemCaseSensitive(r, kmin),
				   0, date, &rmin, &d1);
	int has_rmax = fixed_bound(cJSON_GetObjectItemCaseSensitive(r, kmax),
				   1, date, &rmax, &d2);
	int has_fmin = fixed_bound(cJSON_GetObjectItemCaseSensitive(f, kmin),
				   0, date, &fmin, &d3);
	int has_fmax = fixed_bound(cJSON_GetObjectItemCaseSensitive(f, kmax),
				   1, date, &fmax, &d4);
	if ((has_rmin && has_fmax && d1 == d4 && rmin > fmax) ||
	    (has_rmax && has_fmin && d2 == d3 && rmax < fmin))
		add(l, path, "bounds",
		    "its bounds and fields.%s's %s/%s leave no value that "
		    "passes both",
		    fn->valuestring, kmin, kmax);
}

/* A rule's findings; nofields: the contract has no "fields" section,
 * so that its rules name fields it does not define on purpose. */
static void
lint_rule(struct dq_lint *l, const char *code, const cJSON *r,
	  const cJSON *fields, int nofields, const char *dir)
{
	struct dq_buf path = DQ_BUF_INIT;
	struct names ns = { NULL, 0 };

	if (!cJSON_IsObject(r))
		return;
	dq_buf_addf(&path, "rules.%s", code);
	rule_names(&ns, r);
	for (size_t i = 0; i < ns.n; i++) {
		if (defined(fields, ns.v[i]))
			continue;
		if (nofields) {
			add_warning(l, path.buf, "undefined_field",
				    "field '%s': the contract has no fields "
				    "section to define it",
				    ns.v[i]);
			continue;
		}
		const cJSON *f, *near = NULL;
		size_t best = SIZE_MAX;
		cJSON_ArrayForEach(f, fields)
		{
			size_t d = dq_edit_typo(ns.v[i], f->string);
			if (d < best) {
				best = d;
				near = f;
			}
		}
		if (near)
			add(l, path.buf, "undefined_field",
			    "field '%s' is not in the contract's fields (did "
			    "you mean '%s'?)",
			    ns.v[i], near->string);
		else
			add(l, path.buf, "undefined_field",
			    "field '%s' is not in the contract's fields",
			    ns.v[i]);
	}
	names_release(&ns);
	lint_overlap(l, path.buf, r, fields);
	if (has_placeholder(r)) {
		dq_buf_release(&path);
		return;
	}
	struct dq_buf sub = DQ_BUF_INIT;
	dq_buf_addf(&sub, "%s.pattern", path.buf);
	cJSON *copy = cJSON_Duplicate(r, 1);
	if (lint_pattern(l, sub.buf, cJSON_GetObjectItemCaseSensitive(r,
								      "pattern")))
		cJSON_DeleteItemFromObjectCaseSensitive(copy, "pattern");
	join_file(copy, dir);
	/* The fields' declared types, which an expression's checks read. */
	cJSON *mini = cJSON_CreateObject(), *types;
	const cJSON *f;
	types = cJSON_AddObjectToObject(mini, "fields");
	cJSON_ArrayForEach(f, fields)
	{
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(f, "type");
		if (cJSON_IsString(t) && dq_type_parse(t->valuestring) >= 0) {
			cJSON *o = cJSON_AddObjectToObject(types, f->string);
			cJSON_AddStringToObject(o, "type", t->valuestring);
		}
	}
	cJSON_AddItemToObject(cJSON_AddObjectToObject(mini, "rules"), code,
			      copy);
	lint_compile(l, mini, path.buf);
	dq_buf_release(&sub);
	dq_buf_release(&path);
}

void
dq_lint_contract(struct dq_lint *l, const cJSON *doc, const char *dir)
{
	const cJSON *it, *fields;

	dq_contract_keys_each(doc, on_key, l);
	fields = cJSON_GetObjectItemCaseSensitive(doc, "fields");
	if (!cJSON_IsObject(fields))
		fields = NULL;
	cJSON_ArrayForEach(it, fields)
	lint_field(l, it->string, it, dir);
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(doc, "rules");
	if (!cJSON_IsObject(rules))
		rules = NULL;
	cJSON_ArrayForEach(it, rules)
	lint_rule(l, it->string, it, fields,
		  !cJSON_GetObjectItemCaseSensitive(doc, "fields"), dir);
	const cJSON *score = cJSON_GetObjectItemCaseSensitive(doc, "score");
	if (score && !has_placeholder(score)) {
		cJSON *mini = cJSON_CreateObject();
		cJSON_AddItemToObject(mini, "score", cJSON_Duplicate(score, 1));
		lint_compile(l, mini, "score");
	}
}

/* ---- with data: fields that never occur ---- */

int
dq_lint_data(struct dq_lint *l, const struct dq_contract *c,
	     struct dq_input *in)
{
	struct dq_rules rs;
	struct dq_check ck;
	struct dq_out none;
	struct dq_record rec;
	struct dq_item item;
	struct dq_json_error err;
	const cJSON *it;
	int rc = -1, got;

	dq_rules_init(&rs, dq_date_today_days());
	if (dq_rules_load(&rs, c, NULL)) {
		dq_rules_release(&rs);
		return -1;
	}
	dq_rules_ready(&rs, "id");
	dq_out_init(&none);
	dq_check_init(&ck, &rs, &none, "lint", 0, 100000000);
	dq_record_init(&rec);
	while ((got = dq_input_next(in, &item)) > 0) {
		if (item.reason ||
		    dq_json_scan(&rec, item.text, item.len, &err)) {
			l->rejected++;
			continue;
		}
		l->records++;
		if (dq_check_record(&ck, &rec, item.line, l->records,
				    item.csv))
			goto out;
	}
	if (got < 0)
		goto out;
	cJSON_ArrayForEach(it, dq_contract_get(c, "fields"))
	{
		int s = dq_rules_slot(&rs, it->string, strlen(it->string));
		if (s >= 0 && !rs.slots[s].seen) {
			struct dq_buf p = DQ_BUF_INIT;
			dq_buf_addf(&p, "fields.%s", it->string);
			add(l, p.buf, "absent_in_data",
			    "never occurs in the data (%llu records): its "
			    "checks would check nothing",
			    (unsigned long long)l->records);
			dq_buf_release(&p);
		}
	}
	cJSON_ArrayForEach(it, dq_contract_get(c, "rules"))
	{
		struct names ns = { NULL, 0 };
		struct dq_buf p = DQ_BUF_INIT;
		rule_names(&ns, it);
		dq_buf_addf(&p, "rules.%s", it->string);
		for (size_t i = 0; i < ns.n; i++) {
			int s = dq_rules_slot(&rs, ns.v[i], strlen(ns.v[i]));
			if (s >= 0 && !rs.slots[s].seen)
				add(l, p.buf, "absent_in_data",
				    "field '%s' never occurs in the data "
				    "(%llu records)",
				    ns.v[i], (unsigned long long)l->records);
		}
		names_release(&ns);
		dq_buf_release(&p);
	}
	rc = 0;
out:
	dq_record_release(&rec);
	dq_check_release(&ck);
	dq_buf_release(&none.b);
	dq_rules_release(&rs);
	return rc;
}
