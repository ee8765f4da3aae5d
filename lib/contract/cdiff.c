/*
 * cdiff.c - a contract's changes in a reviewer's terms (contract/cdiff.h).
 *
 * Fields and rules are compared entry by entry and key by key, each key
 * with its direction: what it means for the set of values that pass when
 * it is added, removed, raised or lowered.  Other sections are compared
 * as JSON (added, removed, changed).  Key order never counts.
 */
#include "contract/cdiff.h"

#include <stdlib.h>
#include <string.h>

#include "contract/rules.h"

/* How a key's change moves the set of passing values. */
enum dir {
	D_META,  /* no direction */
	D_FLAG,  /* true: a check (required, unique) */
	D_CHECK, /* present: a check (pattern, type, reference) */
	D_MIN,   /* a lower bound: higher is tighter */
	D_MAX,   /* an upper bound: lower is tighter */
	D_TOL,   /* a tolerance (default 0): higher is looser */
	D_SEV,   /* a severity (default error): higher is tighter */
	D_ENUM,  /* allowed values: each added loosens */
	D_NOTIN, /* forbidden values: each added tightens */
	D_COND   /* a condition: present, fewer records are checked */
};

static const struct {
	const char *key;
	enum dir dir;
} dirs[] = {
	{ "required", D_FLAG },	     { "unique", D_FLAG },
	{ "unique_items", D_FLAG },  { "type", D_CHECK },
	{ "format", D_CHECK },	     { "pattern", D_CHECK },
	{ "not_pattern", D_CHECK },  { "reference", D_CHECK },
	{ "not_reference", D_CHECK }, { "expr", D_CHECK },
	{ "min", D_MIN },	     { "min_length", D_MIN },
	{ "min_items", D_MIN },	     { "max", D_MAX },
	{ "max_length", D_MAX },     { "max_items", D_MAX },
	{ "tolerance", D_TOL },	     { "severity", D_SEV },
	{ "enum", D_ENUM },	     { "not_in", D_NOTIN },
	{ "if", D_COND },	     { "when", D_COND },
};

static enum dir
key_dir(const char *key, const cJSON *a, const cJSON *b)
{
	if (!strcmp(key, "values")) {
		/* A rule's values: allowed (enum) or forbidden (not_in). */
		const cJSON *ck = cJSON_GetObjectItemCaseSensitive(b ? b : a,
								  "check");
		if (cJSON_IsString(ck) && !strcmp(ck->valuestring, "enum"))
			return D_ENUM;
		if (cJSON_IsString(ck) && !strcmp(ck->valuestring, "not_in"))
			return D_NOTIN;
		return D_META;
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (!strcmp(dirs[i].key, key))
			return dirs[i].dir;
	return D_META;
}

/* A change; value: one value of a list, "added" or "removed" (vkey). */
static void
addv(cJSON *ch, const char *path, const char *change, const cJSON *from,
     const cJSON *to, const char *vkey, const cJSON *value)
{
	cJSON *c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "path", path);
	cJSON_AddStringToObject(c, "change", change);
	if (from)
		cJSON_AddItemToObject(c, "from", cJSON_Duplicate(from, 1));
	if (to)
		cJSON_AddItemToObject(c, "to", cJSON_Duplicate(to, 1));
	if (value)
		cJSON_AddItemToObject(c, vkey, cJSON_Duplicate(value, 1));
	cJSON_AddItemToArray(ch, c);
}

static void
add(cJSON *ch, const char *path, const char *change, const cJSON *from,
    const cJSON *to)
{
	addv(ch, path, change, from, to, NULL, NULL);
}

static char *
join(const char *path, const char *key)
{
	struct dq_buf b = DQ_BUF_INIT;
	dq_buf_addf(&b, "%s%s%s", path, *path ? "." : "", key);
	return dq_buf_detach(&b, NULL);
}

/* A date bound "YYYY-MM-DD..." (compared as text). */
static int
is_date(const cJSON *v)
{
	const char *s = cJSON_IsString(v) ? v->valuestring : "";
	return strlen(s) >= 10 && s[4] == '-' && s[7] == '-' &&
	       s[0] >= '0' && s[0] <= '9';
}

/* -1, 0, 1 as b is below, equal to, above a; 2 when not comparable. */
static int
order(const cJSON *a, const cJSON *b)
{
	if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
		return (b->valuedouble > a->valuedouble) -
		       (b->valuedouble < a->valuedouble);
	if (is_date(a) && is_date(b)) {
		int c = strcmp(b->valuestring, a->valuestring);
		return (c > 0) - (c < 0);
	}
	return 2;
}

static int
sev_rank(const cJSON *v)
{
	enum dq_sev s = DQ_SEV_ERROR;
	if (cJSON_IsString(v) && dq_sev_parse(v->valuestring, &s))
		return -1;
	return (int)s;
}

static int
in_list(const cJSON *list, const cJSON *v)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, list)
	if (cJSON_Compare(it, v, 1))
		return 1;
	return 0;
}

static void diff_key(cJSON *ch, const char *path, enum dir d,
		     const cJSON *a, const cJSON *b);

/* Objects a and b (either may be NULL: no keys), key by key, each with
 * the direction dir_of gives (NULL: d for all). */
static void
diff_keys(cJSON *ch, const char *path, const cJSON *a, const cJSON *b,
	  int entry, enum dir d)
{
	const cJSON *it;
	for (int side = 0; side < 2; side++) {
		cJSON_ArrayForEach(it, (side ? b : a))
		{
			const cJSON *o = cJSON_GetObjectItemCaseSensitive(
				side ? a : b, it->string);
			if (side && o)
				continue; /* seen from a */
			char *p = join(path, it->string);
			diff_key(ch, p,
				 entry ? key_dir(it->string, a, b) : d,
				 side ? NULL : it, side ? it : o);
			free(p);
		}
	}
}

/* One key: a (old) and b (new), either NULL when absent. */
static void
diff_key(cJSON *ch, const char *path, enum dir d, const cJSON *a,
	 const cJSON *b)
{
	const char *tight = "tightened", *loose = "loosened";

	if (a && b && cJSON_Compare(a, b, 1))
		return;
	/* Per-check severities and tolerances: {"range": 0.01}. */
	if ((d == D_SEV || d == D_TOL) && (cJSON_IsObject(a) || !a) &&
	    (cJSON_IsObject(b) || !b) && (a || b)) {
		diff_keys(ch, path, a, b, 0, d);
		return;
	}
	switch (d) {
	case D_META:
		if (cJSON_IsObject(a) && cJSON_IsObject(b)) {
			diff_keys(ch, path, a, b, 0, D_META);
			return;
		}
		add(ch, path, !a ? "added" : !b ? "removed" : "changed", a, b);
		return;
	case D_FLAG: {
		int ta = cJSON_IsTrue(a), tb = cJSON_IsTrue(b);
		add(ch, path, ta == tb ? "changed" : tb ? tight : loose, a, b);
		return;
	}
	case D_CHECK:
		add(ch, path, !a ? tight : !b ? loose : "changed", a, b);
		return;
	case D_COND:
		add(ch, path, !a ? loose : !b ? tight : "changed", a, b);
		return;
	case D_MIN:
	case D_MAX: {
		int o = a && b ? order(a, b) : 0;
		const char *up = d == D_MIN ? tight : loose;
		const char *down = d == D_MIN ? loose : tight;
		add(ch, path,
		    !a ? tight : !b ? loose : o == 1 ? up : o == -1 ? down
							       : "changed",
		    a, b);
		return;
	}
	case D_TOL: {
		double x = cJSON_IsNumber(a) ? a->valuedouble : 0;
		double y = cJSON_IsNumber(b) ? b->valuedouble : 0;
		int ok = (!a || cJSON_IsNumber(a)) && (!b || cJSON_IsNumber(b));
		add(ch, path, !ok || x == y ? "changed" : y > x ? loose : tight,
		    a, b);
		return;
	}
	case D_SEV: {
		int x = sev_rank(a), y = sev_rank(b);
		add(ch, path, x < 0 || y < 0 || x == y ? "changed"
			      : y > x		       ? tight
						       : loose,
		    a, b);
		return;
	}
	case D_ENUM:
	case D_NOTIN: {
		const char *more = d == D_ENUM ? loose : tight;
		const char *fewer = d == D_ENUM ? tight : loose;
		const cJSON *it;
		if (!cJSON_IsArray(a) || !cJSON_IsArray(b)) {
			add(ch, path, !a ? fewer : !b ? more : "changed", a,
			    b);
			return;
		}
		cJSON_ArrayForEach(it, a)
		if (!in_list(b, it))
			addv(ch, path, fewer, NULL, NULL, "removed", it);
		cJSON_ArrayForEach(it, b)
		if (!in_list(a, it))
			addv(ch, path, more, NULL, NULL, "added", it);
		/* The same values in another order: no change to report
		 * but the order, which no check reads. */
		return;
	}
	}
}

/* A section of entries (fields, rules): added, removed, or key by key. */
static void
diff_entries(cJSON *ch, const char *sect, const cJSON *a, const cJSON *b)
{
	const cJSON *it;
	for (int side = 0; side < 2; side++) {
		cJSON_ArrayForEach(it, (side ? b : a))
		{
			const cJSON *o = cJSON_GetObjectItemCaseSensitive(
				side ? a : b, it->string);
			char *p = join(sect, it->string);
			if (!o)
				add(ch, p, side ? "added" : "removed", NULL,
				    NULL);
			else if (!side && cJSON_IsObject(it) &&
				 cJSON_IsObject(o))
				diff_keys(ch, p, it, o, 1, D_META);
			else if (!side && !cJSON_Compare(it, o, 1))
				add(ch, p, "changed", it, o);
			free(p);
		}
	}
}

cJSON *
dq_contract_diff(const cJSON *a, const cJSON *b)
{
	cJSON *ch = cJSON_CreateArray();
	const cJSON *it;

	if (!ch)
		dq_die("out of memory");
	for (int side = 0; side < 2; side++) {
		cJSON_ArrayForEach(it, (side ? b : a))
		{
			const cJSON *o = cJSON_GetObjectItemCaseSensitive(
				side ? a : b, it->string);
			const cJSON *x = side ? o : it, *y = side ? it : o;
			if (side && o)
				continue;
			if ((!strcmp(it->string, "fields") ||
			     !strcmp(it->string, "rules")) &&
			    (!x || cJSON_IsObject(x)) &&
			    (!y || cJSON_IsObject(y)))
				diff_entries(ch, it->string, x, y);
			else
				diff_key(ch, it->string, D_META, x, y);
		}
	}
	return ch;
}

static void
value(struct dq_buf *out, const cJSON *v)
{
	if (!v) {
		dq_buf_addstr(out, "(absent)");
		return;
	}
	char *s = cJSON_PrintUnformatted(v);
	if (!s)
		dq_die("out of memory");
	dq_buf_addstr(out, s);
	cJSON_free(s);
}

void
dq_contract_diff_text(const cJSON *changes, struct dq_buf *out)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, changes)
	{
		const char *path = cJSON_GetObjectItemCaseSensitive(c, "path")
					   ->valuestring;
		const char *what = cJSON_GetObjectItemCaseSensitive(c, "change")
					   ->valuestring;
		const cJSON *from = cJSON_GetObjectItemCaseSensitive(c, "from");
		const cJSON *to = cJSON_GetObjectItemCaseSensitive(c, "to");
		const cJSON *added = cJSON_GetObjectItemCaseSensitive(c,
								     "added");
		const cJSON *gone = cJSON_GetObjectItemCaseSensitive(c,
								    "removed");
		dq_buf_addf(out, "%s: ", path);
		if (added || gone) {
			value(out, added ? added : gone);
			dq_buf_addstr(out, added ? " added" : " removed");
		} else if (from || to) {
			value(out, from);
			dq_buf_addstr(out, " -> ");
			value(out, to);
		} else {
			dq_buf_addstr(out, what);
			dq_buf_addch(out, '\n');
			continue;
		}
		dq_buf_addf(out, ": %s\n", what);
	}
}
