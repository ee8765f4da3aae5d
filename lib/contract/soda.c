/*
 * soda.c - SodaCL checks (checks.yml) to dq contract.
 *
 * Reference: Soda's SodaCL reference (docs.soda.io, "SodaCL metrics and
 * checks", "Missing metrics", "Validity metrics", "Numeric metrics",
 * "Schema checks", "Reference checks", "Freshness checks", "Failed rows
 * checks", "Optional check configurations").  A checks file maps
 * "checks for DATASET" to a list of checks; a check is a line (a metric,
 * its column in brackets, a threshold: "missing_count(email) = 0",
 * "row_count between 10 and 1000") alone or as the key of its
 * configuration ("valid format: email", "warn: when > 0", "fail: when >
 * 10").
 *
 * A check passes when its metric meets its threshold; dq's per-record
 * checks fail at their first failure, and its rates (null_rate,
 * duplicate_rate, a check's tolerance) are shares of the records.  So a
 * threshold on failures of 0 is the per-record check, exact; a percent
 * is a rate, exact with <= and approximate with < (the limit itself
 * passes in dq); a count above 0 cannot be said and the check is kept
 * at 0, approximate.  Soda's missing is SQL's NULL (plus the values it
 * lists); dq's is its blank, which also takes "" and white space: each
 * missing, validity and duplicate check is approximate for that.
 */
#include "contract/import.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/util.h"
#include "contract/ecma.h"

struct soda {
	struct dq_import *im;
	const char *const *refs; /* "NAME=FILE", NULL-ended (borrowed) */
	cJSON *contract, *fields, *rules;
};

#define note(t, ...) dq_import_note((t)->im, __VA_ARGS__)

static const char *
skip(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

static int
number(const char **sp, double *v, int *pct)
{
	char *e;
	const char *s = skip(*sp);
	*v = strtod(s, &e);
	if (e == s || !isfinite(*v))
		return -1;
	s = skip(e);
	if (*s == '%')
		*pct = 1, s++;
	*sp = s;
	return 0;
}

/* Parse "= 0", "< 5%", "between 1 and 10", "not between ..." (the whole
 * rest of s); 0, or -1 when it is no threshold. */
static int
threshold(const char *s, struct dq_import_thr *t)
{
	static const struct { const char *w; int op; } ops[] = {
		{ "<=", DQ_OP_LE }, { ">=", DQ_OP_GE }, { "!=", DQ_OP_NE },
		{ "<>", DQ_OP_NE }, { "=", DQ_OP_EQ }, { "<", DQ_OP_LT }, { ">", DQ_OP_GT }
	};
	memset(t, 0, sizeof(*t));
	s = skip(s);
	int out = !strncmp(s, "not between ", 12);
	if (out || !strncmp(s, "between ", 8)) {
		s += out ? 12 : 8;
		t->op = out ? DQ_OP_OUT : DQ_OP_IN;
		if (number(&s, &t->a, &t->pct))
			return -1;
		s = skip(s);
		if (strncmp(s, "and ", 4))
			return -1;
		s += 4;
		if (number(&s, &t->b, &t->pct))
			return -1;
		return *skip(s) ? -1 : 0;
	}
	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		if (!strncmp(s, ops[k].w, strlen(ops[k].w))) {
			t->op = ops[k].op;
			s += strlen(ops[k].w);
			if (number(&s, &t->a, &t->pct))
				return -1;
			return *skip(s) ? -1 : 0;
		}
	return -1;
}

/* The column's field; key: v in it unless a check set key already; a
 * per-check key (import.h). */
#define field(t, col) dq_import_field((t)->fields, col)
#define put(t, f, key, v, ptr) dq_import_put((t)->im, f, key, v, ptr, "check")
#define per_check dq_import_per_check

/* A rule, code SODA-n (n the check's place in the list, from 0 as in
 * the report's pointers), or
 * SODA-n.sub for the sub-th rule a schema check makes. */
static cJSON *
rule(struct soda *t, int n, int sub, const char *check, const char *sev)
{
	if (sub)
		return dq_import_rule(t->rules, check, sev, "SODA-%d.%d", n,
				      sub);
	return dq_import_rule(t->rules, check, sev, "SODA-%d", n);
}

/* The validity configuration of an invalid_* check: each key a check
 * on the field f; the names of the checks made go to made[]. */
static int
validity(struct soda *t, cJSON *f, const cJSON *cfg, const char *ptr,
	 const char **made, int max)
{
	const cJSON *v;
	int n = 0;

	cJSON_ArrayForEach(v, cfg)
	{
		const char *k = v->string, *check = NULL;
		char *p = dq_import_pointer(ptr, k);
		if (!strcmp(k, "valid values") || !strcmp(k, "invalid values")) {
			const cJSON *x;
			int ok = cJSON_IsArray(v) && cJSON_GetArraySize(v);
			cJSON_ArrayForEach(x, v)
			ok &= cJSON_IsString(x) || cJSON_IsNumber(x);
			int valid = k[0] == 'v';
			if (!ok)
				note(t, p, k, 0, "not a list of strings and "
				     "numbers");
			else if (!put(t, f, valid ? "enum" : "not_in",
				      cJSON_Duplicate(v, 1), p))
				check = valid ? "enum" : "not_in";
		} else if (!strcmp(k, "valid regex") ||
			   !strcmp(k, "invalid regex")) {
			struct dq_buf b = DQ_BUF_INIT;
			const char *why = "not a string";
			int rc = cJSON_IsString(v) ? dq_ecma_to_ere(
							     v->valuestring, &b, &why)
						   : -1;
			const char *key = k[0] == 'v' ? "pattern"
						      : "not_pattern";
			if (rc < 0) {
				note(t, p, k, 0, "%s: POSIX ERE cannot express "
				     "it", why);
			} else if (!put(t, f, key, cJSON_CreateString(b.buf),
					p)) {
				check = key;
				note(t, p, k, 1, "the data source's regular "
				     "expression dialect, read as ECMA-262's%s%s",
				     rc > 0 ? ": " : "", rc > 0 ? why : "");
			}
			dq_buf_release(&b);
		} else if (!strcmp(k, "valid min") || !strcmp(k, "valid max")) {
			if (!cJSON_IsNumber(v))
				note(t, p, k, 0, "not a number");
			else if (!put(t, f, k[7] == 'i' ? "min" : "max",
				      cJSON_Duplicate(v, 1), p))
				check = "range";
		} else if (!strcmp(k, "valid length") ||
			   !strcmp(k, "valid min length") ||
			   !strcmp(k, "valid max length")) {
			int lo = k[7] != 'a', hi = k[7] != 'i';
			if (!cJSON_IsNumber(v) || v->valuedouble < 0) {
				note(t, p, k, 0, "not a length");
			} else if ((!lo || !put(t, f, "min_length",
						cJSON_Duplicate(v, 1), p)) &&
				   (!hi || !put(t, f, "max_length",
						cJSON_Duplicate(v, 1), p))) {
				check = "length";
			}
		} else if (!strcmp(k, "valid format")) {
			const char *fmt = !cJSON_IsString(v) ? NULL
					  : !strcmp(v->valuestring, "email")
						  ? "email"
					  : !strcmp(v->valuestring,
						    "date iso 8601")
						  ? "datetime"
						  : NULL;
			if (!fmt)
				note(t, p, k, 0, "dq has no format '%s' (it "
				     "reads email, date iso 8601)",
				     cJSON_IsString(v) ? v->valuestring : "?");
			else if (!put(t, f, "format", cJSON_CreateString(fmt),
				      p)) {
				check = "format";
				note(t, p, k, 1, "%s", fmt[0] == 'e'
					     ? "dq's email is RFC 5322's "
					       "addr-spec"
					     : "dq's datetime is RFC 3339's "
					       "form, a date alone included");
			}
		} else if (strcmp(k, "name") && strcmp(k, "warn") &&
			   strcmp(k, "fail") && strcmp(k, "filter") &&
			   strcmp(k, "identity") && strcmp(k, "attributes") &&
			   strcmp(k, "samples limit")) {
			note(t, p, k, 0, "a configuration dq-contract does not "
			     "read here");
		}
		if (check && n < max)
			made[n++] = check;
		free(p);
	}
	return n;
}

/* SQL's type names as dq's, for a schema check's wrong column type. */
static const char *
sql_type(const char *s)
{
	static const struct { const char *sql, *dq; } map[] = {
		{ "integer", "integer" }, { "int", "integer" },
		{ "bigint", "integer" }, { "smallint", "integer" },
		{ "numeric", "number" }, { "decimal", "number" },
		{ "float", "number" }, { "double", "number" },
		{ "double precision", "number" }, { "real", "number" },
		{ "text", "string" }, { "varchar", "string" },
		{ "character varying", "string" }, { "string", "string" },
		{ "boolean", "boolean" }, { "bool", "boolean" },
		{ "date", "date" }, { "timestamp", "datetime" },
	};
	for (size_t k = 0; k < sizeof(map) / sizeof(map[0]); k++)
		if (!strcasecmp(s, map[k].sql))
			return map[k].dq;
	return NULL;
}

static void
schema_check(struct soda *t, const cJSON *cfg, const char *ptr, int n)
{
	const cJSON *lvl, *w;
	int sub = 0;

	cJSON_ArrayForEach(lvl, cfg)
	{
		char *p = dq_import_pointer(ptr, lvl->string);
		int warn = !strcmp(lvl->string, "warn");
		if (!warn && strcmp(lvl->string, "fail")) {
			if (strcmp(lvl->string, "name"))
				note(t, p, lvl->string, 0, "a schema check "
				     "configuration dq-contract does not read");
			free(p);
			continue;
		}
		cJSON_ArrayForEach(w, lvl)
		{
			char *q = dq_import_pointer(p, w->string);
			const char *k = w->string, *sev = warn ? "warn" : "error";
			if (!strcmp(k, "when required column missing") &&
			    cJSON_IsArray(w)) {
				cJSON *r = rule(t, n, ++sub, "columns", sev);
				cJSON_AddItemToObject(r, "fields",
						      cJSON_Duplicate(w, 1));
			} else if (!strcmp(k, "when forbidden column present") &&
				   cJSON_IsArray(w)) {
				cJSON *r = rule(t, n, ++sub, "forbidden_fields", sev);
				cJSON *l = cJSON_AddArrayToObject(r, "patterns");
				const cJSON *x;
				int wild = 0;
				cJSON_ArrayForEach(x, w)
				if (cJSON_IsString(x)) {
					char *g = dq_xstrdup(x->valuestring);
					for (char *c = g; *c; c++)
						if (*c == '%')
							*c = '*', wild = 1;
					cJSON_AddItemToArray(l,
							     cJSON_CreateString(g));
					free(g);
				}
				if (wild)
					note(t, q, k, 1, "SQL's wildcard %% read "
					     "as fnmatch(3)'s *");
			} else if (!strcmp(k, "when wrong column type") &&
				   cJSON_IsObject(w)) {
				const cJSON *c;
				cJSON_ArrayForEach(c, w)
				{
					char *cp = dq_import_pointer(q, c->string);
					const char *ty = cJSON_IsString(c)
							 ? sql_type(c->valuestring)
							 : NULL;
					cJSON *f = ty ? field(t, c->string)
						      : NULL;
					if (!ty) {
						note(t, cp, "type", 0, "dq has no "
						     "type for '%s'",
						     cJSON_IsString(c)
							     ? c->valuestring
							     : "?");
					} else if (!put(t, f, "type",
							cJSON_CreateString(ty),
							cp)) {
						if (warn)
							per_check(f, "severity",
								  "type",
								  cJSON_CreateString(
									  "warn"));
						note(t, cp, "type", 1, "Soda "
						     "compares the column's "
						     "SQL type; dq each "
						     "value's kind");
					}
					free(cp);
				}
			} else {
				note(t, q, k, 0, "a schema condition dq-contract "
				     "does not read (it reads required column "
				     "missing, forbidden column present, wrong "
				     "column type)");
			}
			free(q);
		}
		free(p);
	}
}

/* "values in (a) must exist in T (b)": a reference. */
static void
reference_check(struct soda *t, const char *s, const char *ptr,
		const char *sev)
{
	char col[256], tab[256], key[256];
	int end = 0;
	if (sscanf(s, "values in (%255[^)]) must exist in %255s (%255[^)])%n",
		   col, tab, key, &end) != 3 || s[end] ||
	    strchr(col, ',') || strchr(key, ',')) {
		note(t, ptr, "reference", 0, "a reference check of several "
		     "columns, or not one (values in (COL) must exist in "
		     "DATASET (COL))");
		return;
	}
	const char *file = dq_import_ref(t->refs, tab, strlen(tab));
	if (!file) {
		note(t, ptr, "reference", 0, "no file for '%s': give --ref "
		     "%s=FILE", tab, tab);
		return;
	}
	cJSON *f = field(t, col);
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "file", file);
	cJSON_AddStringToObject(r, "key", key);
	if (put(t, f, "reference", r, ptr))
		return;
	if (strcmp(sev, "error"))
		per_check(f, "severity", "reference", cJSON_CreateString(sev));
	note(t, ptr, "reference", 1, "dq does not check \"\" and white space "
	     "(missing to dq, as NULL is to Soda)");
}

/* One check: its line s, its configuration cfg (or NULL), at ptr, the
 * n-th of the list. */
static void
check(struct soda *t, const char *s, const cJSON *cfg, const char *ptr,
      int n)
{
	char metric[32], col[256], *p;
	const char *rest, *sev = "error";
	struct dq_import_thr th;
	const cJSON *v;
	int ncol = 0;

	s = skip(s);
	if (!strcmp(s, "schema")) {
		schema_check(t, cfg, ptr, n);
		return;
	}
	if (!strncmp(s, "failed rows", 11) || !strncmp(s, "freshness(", 10) ||
	    !strncmp(s, "change ", 7) || !strncmp(s, "anomaly ", 8) ||
	    !strncmp(s, "distribution_difference", 23) ||
	    !strncmp(s, "group by", 8) || !strncmp(s, "for each", 8) ||
	    !strncmp(s, "user defined", 12)) {
		note(t, ptr, s, 0, "%s", !strncmp(s, "freshness(", 10)
			     ? "dq-validate has no freshness check: dq-anomaly's "
			       "freshness_lag limit on a profile says it"
			     : "a check dq-contract does not translate");
		return;
	}
	/* Where fail: / warn: give the threshold, the level is theirs. */
	const cJSON *fail = cJSON_GetObjectItemCaseSensitive(cfg, "fail");
	const cJSON *warn = cJSON_GetObjectItemCaseSensitive(cfg, "warn");
	if (!strncmp(s, "values in ", 10)) {
		if (warn && !fail)
			sev = "warn";
		reference_check(t, s, ptr, sev);
		return;
	}
	size_t m = strspn(s, "abcdefghijklmnopqrstuvwxyz_");
	if (!m || m >= sizeof(metric))
		goto unknown;
	memcpy(metric, s, m);
	metric[m] = '\0';
	rest = s + m;
	col[0] = '\0';
	if (*rest == '(') {
		const char *e = strchr(rest, ')');
		if (!e || (size_t)(e - rest - 1) >= sizeof(col))
			goto unknown;
		memcpy(col, rest + 1, (size_t)(e - rest - 1));
		col[e - rest - 1] = '\0';
		rest = e + 1;
		ncol = 1;
		for (char *c = col; *c; c++)
			ncol += *c == ',';
	}
	if (*skip(rest)) {
		if (threshold(rest, &th))
			goto unknown;
		if (fail || warn) {
			p = dq_import_pointer(ptr, fail ? "fail" : "warn");
			note(t, p, fail ? "fail" : "warn", 0, "a threshold in "
			     "the check and in its configuration: the "
			     "check's is read");
			free(p);
		}
	} else {
		const cJSON *lvl = fail ? fail : warn;
		if (!cJSON_IsString(lvl) ||
		    strncmp(skip(lvl->valuestring), "when ", 5) ||
		    threshold(skip(lvl->valuestring) + 5, &th))
			goto unknown;
		/* An alert says when the check fails: its threshold
		 * is the opposite. */
		static const int neg[] = { DQ_OP_NONE, DQ_OP_NE, DQ_OP_EQ, DQ_OP_GE,
					   DQ_OP_GT, DQ_OP_LE, DQ_OP_LT, DQ_OP_OUT, DQ_OP_IN };
		th.op = neg[th.op];
		if (!fail)
			sev = "warn";
		if (fail && warn) {
			p = dq_import_pointer(ptr, "warn");
			note(t, p, "warn", 1, "dq's check has one level: the "
			     "fail threshold is read, the warn one is not");
			free(p);
		}
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(cfg, "filter"))) {
		p = dq_import_pointer(ptr, "filter");
		note(t, p, "filter", 1, "a SQL filter: dq checks every record");
		free(p);
	}

	/* Measures of the whole dataset. */
	static const struct { const char *soda, *stat; } aggs[] = {
		{ "avg", "mean" }, { "min", "min" }, { "max", "max" },
		{ "sum", "sum" }, { "stddev", "stddev" },
	};
	if (!strcmp(metric, "row_count") && !ncol) {
		cJSON *r = rule(t, n, 0, "row_count", sev);
		int rc = dq_import_bounds(r, &th, 1);
		if (rc < 0) {
			cJSON_Delete(cJSON_DetachItemViaPointer(t->rules, r));
			goto unbounded;
		}
		if (rc)
			note(t, ptr, metric, 1, "a strict bound: dq's are "
			     "inclusive");
		return;
	}
	for (size_t k = 0; k < sizeof(aggs) / sizeof(aggs[0]); k++)
		if (!strcmp(metric, aggs[k].soda) && ncol == 1) {
			cJSON *r = rule(t, n, 0, "aggregate", sev);
			cJSON_AddStringToObject(r, "field", col);
			cJSON_AddStringToObject(r, "stat", aggs[k].stat);
			int rc = dq_import_bounds(r, &th, 0);
			if (rc < 0) {
				cJSON_Delete(cJSON_DetachItemViaPointer(t->rules,
									r));
				goto unbounded;
			}
			if (rc)
				note(t, ptr, metric, 1, "a strict bound: dq's "
				     "are inclusive");
			return;
		}

	/* Failures per record. */
	int miss = !strncmp(metric, "missing_", 8);
	int inv = !strncmp(metric, "invalid_", 8);
	int dup = !strncmp(metric, "duplicate_", 10);
	const char *kind = strchr(metric, '_');
	if (!(miss || inv || dup) || !kind ||
	    (strcmp(kind, "_count") && strcmp(kind, "_percent")) ||
	    !ncol || (ncol > 1 && !dup))
		goto unknown;
	int count = !strcmp(kind, "_count");
	double lim;
	int exact = dq_import_failure_limit(&th, count, &lim);
	if (exact < 0)
		goto unbounded;
	if (!count)
		lim /= 100;
	if (count && lim > 0) {
		note(t, ptr, metric, 1, "a count of %g failures: dq's check "
		     "fails at the first (its rates are shares of records)",
		     lim);
		lim = 0;
	} else if (!exact) {
		note(t, ptr, metric, 1, "a strict bound: dq's rate may equal "
		     "its limit");
	}
	cJSON *f = ncol == 1 ? field(t, col) : NULL;
	if (miss) {
		if ((v = cJSON_GetObjectItemCaseSensitive(cfg,
							  "missing values")) ||
		    (v = cJSON_GetObjectItemCaseSensitive(cfg,
							  "missing regex"))) {
			p = dq_import_pointer(ptr, v->string);
			note(t, p, v->string, 0, "dq's missing is its blank "
			     "(dq-normalize's null_tokens turn other values "
			     "into null first)");
			free(p);
		}
		if (lim > 0) {
			cJSON *r = rule(t, n, 0, "null_rate", sev);
			cJSON_AddStringToObject(r, "field", col);
			cJSON_AddNumberToObject(r, "max", lim);
		} else if (put(t, f, "required", cJSON_CreateTrue(), ptr)) {
			return;
		} else if (strcmp(sev, "error")) {
			per_check(f, "severity", "required",
				  cJSON_CreateString(sev));
		}
		note(t, ptr, metric, 1, "dq's missing also takes \"\" and "
		     "white space, which are values to Soda");
		return;
	}
	if (dup) {
		if (lim > 0 || ncol > 1) {
			cJSON *r = rule(t, n, 0, lim > 0 ? "duplicate_rate"
							 : "unique", sev);
			cJSON *l = cJSON_AddArrayToObject(r, "fields");
			for (char *c = strtok(col, ","); c;
			     c = strtok(NULL, ","))
				cJSON_AddItemToArray(l, cJSON_CreateString(
								skip(c)));
			if (lim > 0) {
				cJSON_AddNumberToObject(r, "max", lim);
				note(t, ptr, metric, 1, "Soda counts every row of "
				     "a repeated value; dq's rate the repeats "
				     "after the first");
			}
		} else if (put(t, f, "unique", cJSON_CreateTrue(), ptr)) {
			return;
		} else if (strcmp(sev, "error")) {
			per_check(f, "severity", "unique",
				  cJSON_CreateString(sev));
		}
		note(t, ptr, metric, 1, "dq does not compare \"\" and white "
		     "space (missing to dq, as NULL is to Soda)");
		return;
	}
	const char *made[8];
	int nm = validity(t, f, cfg, ptr, made, 8);
	if (!nm) {
		note(t, ptr, metric, 0, "no validity configuration dq reads: "
		     "the check checks nothing here");
		return;
	}
	for (int k = 0; k < nm; k++) {
		if (strcmp(sev, "error"))
			per_check(f, "severity", made[k],
				  cJSON_CreateString(sev));
		if (lim > 0)
			per_check(f, "tolerance", made[k],
				  cJSON_CreateNumber(lim));
	}
	if (lim > 0)
		note(t, ptr, metric, 1, "a tolerance on each check, a share of "
		     "the values present; Soda's percent is of all rows and "
		     "counts a value once");
	note(t, ptr, metric, 1, "dq does not check \"\" and white space "
	     "(missing to dq, as NULL is to Soda)");
	return;
unbounded:
	note(t, ptr, metric, 0, "a threshold dq cannot say here (it says "
	     "upper bounds on failures and ranges of measures)");
	return;
unknown:
	note(t, ptr, s, 0, "a check dq-contract does not translate");
}

cJSON *
dq_import_soda(struct dq_import *im, const cJSON *doc, const char *table,
	       const char *const *refs)
{
	struct soda t = { im, refs, NULL, NULL, NULL };
	const cJSON *v, *pick = NULL;
	struct dq_buf list = DQ_BUF_INIT;
	int n = 0;

	if (!cJSON_IsObject(doc)) {
		dq_error("%s: not a SodaCL checks file (a mapping)", im->file);
		return NULL;
	}
	cJSON_ArrayForEach(v, doc)
	if (!strncmp(v->string, "checks for ", 11)) {
		const char *name = skip(v->string + 11);
		dq_buf_addf(&list, "%s%s", n++ ? ", " : "", name);
		if (table ? !strcmp(name, table) && !pick : n == 1)
			pick = v;
	}
	if (!n) {
		dq_error("%s: not a SodaCL checks file (no \"checks for\")",
			 im->file);
		dq_buf_release(&list);
		return NULL;
	}
	if (!table && n > 1) {
		dq_error("%s: checks for %d datasets: choose one with --table "
			 "(%s)", im->file, n, list.buf);
		dq_buf_release(&list);
		return NULL;
	}
	if (!pick) {
		dq_error("%s: no checks for '%s' (datasets: %s)", im->file,
			 table, list.buf);
		dq_buf_release(&list);
		return NULL;
	}
	dq_buf_release(&list);
	char *ptr = dq_import_pointer("", pick->string);
	if (!cJSON_IsArray(pick)) {
		dq_error("%s#%s: not a list of checks", im->file, ptr);
		free(ptr);
		return NULL;
	}
	t.contract = cJSON_CreateObject();
	cJSON_AddStringToObject(t.contract, "name", skip(pick->string + 11));
	t.fields = cJSON_AddObjectToObject(t.contract, "fields");
	t.rules = cJSON_AddObjectToObject(t.contract, "rules");
	int i = 0;
	cJSON_ArrayForEach(v, pick)
	{
		char idx[24];
		snprintf(idx, sizeof(idx), "%d", i++);
		char *p = dq_import_pointer(ptr, idx);
		if (cJSON_IsString(v)) {
			check(&t, v->valuestring, NULL, p, i - 1);
		} else if (cJSON_IsObject(v) && v->child && !v->child->next) {
			char *q = dq_import_pointer(p, v->child->string);
			check(&t, v->child->string, v->child, q, i - 1);
			free(q);
		} else {
			note(&t, p, "check", 0, "not a check (a line, or one "
			     "line with its configuration)");
		}
		free(p);
	}
	free(ptr);
	cJSON_ArrayForEach(v, doc)
	if (v != pick && strncmp(v->string, "checks for ", 11)) {
		char *q = dq_import_pointer("", v->string);
		note(&t, q, v->string, 0, "not read: the contract is one "
		     "dataset's checks");
		free(q);
	}
	/* A column only a check not translated named has no entry. */
	dq_import_tidy(t.contract);
	return t.contract;
}
