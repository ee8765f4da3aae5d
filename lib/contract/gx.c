/*
 * gx.c - a Great Expectations suite (JSON) to dq contract.
 *
 * Reference: the Expectations Gallery (greatexpectations.io/expectations)
 * and GX Core's suite format: a document with "expectations", each with
 * its name ("type" since GX 1.0, "expectation_type" before) and its
 * "kwargs".  Column map expectations (not null, unique, in set, match
 * regex, between, value lengths, of type) check each value and pass
 * when at least "mostly" of the values they apply to (all but nulls, but
 * for not_be_null) pass: dq's tolerance, the share of failures a check
 * allows (1 - mostly), read as the same share of the same values.
 * Table expectations (row count, columns) become dq's set-level rules,
 * coded GX-N, N the expectation's place in the list (from 0, as in the
 * report's pointers).
 *
 * GX's null is None, NaN or SQL's NULL; dq's missing is its blank,
 * which also takes "" and white space: each expectation whose answer
 * that changes is reported approximate.  Regular expressions are
 * Python's re, searched (unanchored): read as ECMA-262's (ecma.h),
 * approximate where the two differ (\d, \w, \s take non-ASCII
 * characters in Python; $ also matches before a final newline), not
 * translated where the syntax is Python's own.
 */
#include "contract/import.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/util.h"
#include "contract/ecma.h"

struct gx {
	struct dq_import *im;
	cJSON *contract, *fields, *rules;
	cJSON *closed; /* the closed rule of a column set, or NULL */
	char *closed_ptr;
};

#define note(t, ...) dq_import_note((t)->im, __VA_ARGS__)

static const char blank_note[] = "dq's missing also takes \"\" and white "
                                 "space, which GX sees as values";

static cJSON *
rule(struct gx *t, int n, const char *sfx, const char *check)
{
	return dq_import_rule(t->rules, check, NULL, "GX-%d%s", n, sfx);
}

/* A GX (pandas or SQL) type name as dq's JSON kind, or NULL. */
static const char *
kind(const char *s)
{
	static const struct {
		const char *gx, *dq;
	} map[] = {
	    {"int", "integer"},     {"int64", "integer"},
	    {"int32", "integer"},   {"integer", "integer"},
	    {"bigint", "integer"},  {"smallint", "integer"},
	    {"float", "number"},    {"float64", "number"},
	    {"float32", "number"},  {"double", "number"},
	    {"numeric", "number"},  {"decimal", "number"},
	    {"real", "number"},     {"str", "string"},
	    {"string", "string"},   {"varchar", "string"},
	    {"text", "string"},     {"bool", "boolean"},
	    {"boolean", "boolean"},
	};
	for (size_t k = 0; k < sizeof(map) / sizeof(map[0]); k++)
		if (!strcasecmp(s, map[k].gx))
			return map[k].dq;
	return NULL;
}

/* Python's regex as dq's pattern on f (check "pattern" or
 * "not_pattern"); 0 when set. */
static int
regex(struct gx *t, cJSON *f, const char *key, const cJSON *re, const char *ptr)
{
	static const char *const own[] = {"(?P", "(?i", "(?m", "(?s",
	                                  "(?x", "(?a", "(?u", "(?L",
	                                  "\\A", "\\Z", NULL};
	struct dq_buf b = DQ_BUF_INIT;
	const char *why = "not a string";
	int rc = -1;

	if (cJSON_IsString(re)) {
		for (int k = 0; own[k]; k++)
			if (strstr(re->valuestring, own[k])) {
				note(t, ptr, key, 0,
				     "'%s' is Python's own "
				     "syntax",
				     own[k]);
				return -1;
			}
		rc = dq_ecma_to_ere(re->valuestring, &b, &why);
	}
	if (rc < 0) {
		note(t, ptr, key, 0, "%s: POSIX ERE cannot express it", why);
	} else if (!dq_import_put(t->im, f, key, cJSON_CreateString(b.buf), ptr,
	                          "expectation")) {
		const char *s = re->valuestring;
		if (rc > 0)
			note(t, ptr, key, 1, "%s", why);
		if (strstr(s, "\\d") || strstr(s, "\\w") || strstr(s, "\\s"))
			note(t, ptr, key, 1,
			     "Python's \\d, \\w and \\s also "
			     "match non-ASCII digits, letters and spaces");
		if (strchr(s, '$'))
			note(t, ptr, key, 1,
			     "Python's $ also matches before a "
			     "final newline");
		rc = 0;
	} else {
		rc = -1;
	}
	dq_buf_release(&b);
	return rc;
}

/* A bound (min_value or max_value) as dq's: a number, or an ISO date. */
static int
bound_ok(const cJSON *v)
{
	if (cJSON_IsNumber(v))
		return 1;
	if (!cJSON_IsString(v) || strlen(v->valuestring) != 10)
		return 0;
	const char *s = v->valuestring;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* The statistic of expect_column_STAT_to_be_between (s[0..len) the
 * STAT) as an aggregate rule's stat, or NULL. */
static const char *
aggregate(const char *s, size_t len)
{
	static const struct {
		const char *gx, *dq;
	} map[] = {
	    {"mean", "mean"}, {"min", "min"},      {"max", "max"},
	    {"sum", "sum"},   {"stdev", "stddev"},
	};
	for (size_t k = 0; k < sizeof(map) / sizeof(map[0]); k++)
		if (strlen(map[k].gx) == len && !strncmp(s, map[k].gx, len))
			return map[k].dq;
	return NULL;
}

static void
expectation(struct gx *t, const cJSON *e, const char *ptr, int n)
{
	const cJSON *ty = cJSON_GetObjectItemCaseSensitive(e, "type");
	const cJSON *kw = cJSON_GetObjectItemCaseSensitive(e, "kwargs");
	const cJSON *v, *col;
	const char *check = NULL;
	char *p;

	if (!ty)
		ty = cJSON_GetObjectItemCaseSensitive(e, "expectation_type");
	if (!cJSON_IsString(ty) || !cJSON_IsObject(kw)) {
		note(t, ptr, "type", 0, "not an expectation (type, kwargs)");
		return;
	}
	const char *x = ty->valuestring;
	char *kp = dq_import_pointer(ptr, "kwargs");
	col = cJSON_GetObjectItemCaseSensitive(kw, "column");
	/* The kwargs an expectation reads; the rest is reported. */
	static const char *const common[] = {
	    "column",           "mostly", "result_format", "include_config",
	    "catch_exceptions", "meta",   "batch_id",      NULL};
	const char *const *mine = NULL;
	const char *stat;
	cJSON *f = NULL;

	if (!strncmp(x, "expect_column_", 14) && !cJSON_IsString(col)) {
		note(t, kp, "column", 0, "no column named");
		goto out;
	}
	if (!strcmp(x, "expect_column_to_exist")) {
		cJSON *r = rule(t, n, "", "columns");
		cJSON *l = cJSON_AddArrayToObject(r, "fields");
		cJSON_AddItemToArray(l, cJSON_CreateString(col->valuestring));
	} else if (!strcmp(x, "expect_table_row_count_to_be_between") ||
	           !strcmp(x, "expect_table_row_count_to_equal")) {
		static const char *const k[] = {"min_value", "max_value",
		                                "value", NULL};
		mine = k;
		cJSON *r = rule(t, n, "", "row_count");
		if ((v = cJSON_GetObjectItemCaseSensitive(kw, "value")) &&
		    cJSON_IsNumber(v)) {
			cJSON_AddNumberToObject(r, "min", v->valuedouble);
			cJSON_AddNumberToObject(r, "max", v->valuedouble);
		}
		if (cJSON_IsNumber(
		        v = cJSON_GetObjectItemCaseSensitive(kw, "min_value")))
			cJSON_AddNumberToObject(r, "min", v->valuedouble);
		if (cJSON_IsNumber(
		        v = cJSON_GetObjectItemCaseSensitive(kw, "max_value")))
			cJSON_AddNumberToObject(r, "max", v->valuedouble);
		if (!cJSON_GetObjectItemCaseSensitive(r, "min") &&
		    !cJSON_GetObjectItemCaseSensitive(r, "max")) {
			cJSON_Delete(cJSON_DetachItemViaPointer(t->rules, r));
			note(t, kp, x, 0, "no numeric bound");
		}
	} else if (!strcmp(x, "expect_table_columns_to_match_set") ||
	           !strcmp(x, "expect_table_columns_to_match_ordered_list")) {
		static const char *const k[] = {"column_set", "column_list",
		                                "exact_match", NULL};
		mine = k;
		int ordered = x[30] == 'o';
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(
		    kw, ordered ? "column_list" : "column_set");
		const cJSON *em =
		    cJSON_GetObjectItemCaseSensitive(kw, "exact_match");
		int ok = cJSON_IsArray(l) && cJSON_GetArraySize(l);
		cJSON_ArrayForEach (v, l)
			ok &= cJSON_IsString(v);
		if (!ok) {
			note(t, kp, x, 0, "not a list of column names");
			goto out;
		}
		cJSON *r = rule(t, n, ".1", "columns");
		cJSON_AddItemToObject(r, "fields", cJSON_Duplicate(l, 1));
		if (ordered || !cJSON_IsFalse(em)) {
			r = rule(t, n, ".2", "closed");
			cJSON_AddItemToObject(r, "fields",
			                      cJSON_Duplicate(l, 1));
			t->closed = r;
			free(t->closed_ptr);
			t->closed_ptr = dq_xstrdup(ptr);
		}
		if (ordered && cJSON_GetArraySize(l) > 1) {
			r = rule(t, n, ".3", "column_order");
			cJSON_AddItemToObject(r, "fields",
			                      cJSON_Duplicate(l, 1));
		}
	} else if (!strcmp(x, "expect_column_values_to_not_be_null")) {
		f = dq_import_field(t->fields, col->valuestring);
		if (!dq_import_put(t->im, f, "required", cJSON_CreateTrue(),
		                   ptr, "expectation")) {
			check = "required";
			note(t, ptr, x, 1, "%s", blank_note);
		}
	} else if (!strcmp(x, "expect_column_values_to_be_unique")) {
		f = dq_import_field(t->fields, col->valuestring);
		if (!dq_import_put(t->im, f, "unique", cJSON_CreateTrue(), ptr,
		                   "expectation")) {
			check = "unique";
			note(t, ptr, x, 1,
			     "dq does not compare \"\" and white "
			     "space (missing to dq)");
		}
	} else if (!strcmp(x, "expect_column_values_to_be_in_set") ||
	           !strcmp(x, "expect_column_values_to_not_be_in_set")) {
		static const char *const k[] = {"value_set", NULL};
		mine = k;
		int in = x[24] == 'b';
		const cJSON *s =
		    cJSON_GetObjectItemCaseSensitive(kw, "value_set");
		int ok = cJSON_IsArray(s) && cJSON_GetArraySize(s);
		cJSON_ArrayForEach (v, s)
			ok &= cJSON_IsString(v) || cJSON_IsNumber(v) ||
			      cJSON_IsBool(v);
		f = dq_import_field(t->fields, col->valuestring);
		if (!ok) {
			p = dq_import_pointer(kp, "value_set");
			note(t, p, "value_set", 0,
			     "not a non-empty list of "
			     "strings, numbers and booleans");
			free(p);
		} else if (!dq_import_put(t->im, f, in ? "enum" : "not_in",
		                          cJSON_Duplicate(s, 1), ptr,
		                          "expectation")) {
			check = in ? "enum" : "not_in";
			note(t, ptr, x, 1,
			     "dq does not check \"\" and white "
			     "space (missing to dq)");
		}
	} else if (!strcmp(x, "expect_column_values_to_match_regex") ||
	           !strcmp(x, "expect_column_values_to_not_match_regex")) {
		static const char *const k[] = {"regex", NULL};
		mine = k;
		int yes = x[24] == 'm';
		f = dq_import_field(t->fields, col->valuestring);
		p = dq_import_pointer(kp, "regex");
		if (!regex(t, f, yes ? "pattern" : "not_pattern",
		           cJSON_GetObjectItemCaseSensitive(kw, "regex"), p))
			check = yes ? "pattern" : "not_pattern";
		free(p);
	} else if (!strcmp(x, "expect_column_values_to_be_between") ||
	           !strcmp(x, "expect_column_value_lengths_to_be_between") ||
	           !strcmp(x, "expect_column_value_lengths_to_equal")) {
		static const char *const k[] = {"min_value",  "max_value",
		                                "strict_min", "strict_max",
		                                "value",      NULL};
		mine = k;
		int len = x[20] == 'l';
		const cJSON *lo =
		    cJSON_GetObjectItemCaseSensitive(kw, "min_value");
		const cJSON *hi =
		    cJSON_GetObjectItemCaseSensitive(kw, "max_value");
		if (len && (v = cJSON_GetObjectItemCaseSensitive(kw, "value")))
			lo = hi = v;
		f = dq_import_field(t->fields, col->valuestring);
		int set = 0;
		for (int b = 0; b < 2; b++) {
			const cJSON *bd = b ? hi : lo;
			const char *key =
			    len ? (b ? "max_length" : "min_length")
			        : (b ? "max" : "min");
			if (!bd || cJSON_IsNull(bd))
				continue;
			p = dq_import_pointer(kp, bd->string);
			if (len ? !cJSON_IsNumber(bd) || bd->valuedouble < 0
			        : !bound_ok(bd)) {
				note(t, p, bd->string, 0,
				     "dq's bounds are "
				     "numbers and ISO dates");
			} else if (!dq_import_put(t->im, f, key,
			                          cJSON_Duplicate(bd, 1), p,
			                          "expectation")) {
				set = 1;
				const cJSON *st =
				    cJSON_GetObjectItemCaseSensitive(
				        kw, b ? "strict_max" : "strict_min");
				if (cJSON_IsTrue(st)) {
					char *sp =
					    dq_import_pointer(kp, st->string);
					note(t, sp, st->string, 1,
					     "a strict "
					     "bound: dq's are inclusive");
					free(sp);
				}
			}
			free(p);
		}
		if (set)
			check = len ? "length" : "range";
		else
			note(t, ptr, x, 0, "no bound dq reads");
	} else if (!strcmp(x, "expect_column_values_to_be_of_type") ||
	           !strcmp(x, "expect_column_values_to_be_in_type_list")) {
		static const char *const k[] = {"type_", "type_list", NULL};
		mine = k;
		int list = x[27] == 'i';
		const cJSON *tl = cJSON_GetObjectItemCaseSensitive(
		    kw, list ? "type_list" : "type_");
		cJSON *kinds = cJSON_CreateArray();
		const char *bad = NULL;
		if (list && cJSON_IsArray(tl) && cJSON_GetArraySize(tl)) {
			cJSON_ArrayForEach (v, tl) {
				const char *d = cJSON_IsString(v)
				                    ? kind(v->valuestring)
				                    : NULL;
				if (!d) {
					bad = cJSON_IsString(v) ? v->valuestring
					                        : "?";
					break;
				}
				int seen = 0;
				const cJSON *w;
				cJSON_ArrayForEach (w, kinds)
					seen |= !strcmp(w->valuestring, d);
				if (!seen)
					cJSON_AddItemToArray(
					    kinds, cJSON_CreateString(d));
			}
		} else if (!list && cJSON_IsString(tl)) {
			const char *d = kind(tl->valuestring);
			if (d)
				cJSON_AddItemToArray(kinds,
				                     cJSON_CreateString(d));
			else
				bad = tl->valuestring;
		} else {
			bad = "?";
		}
		f = dq_import_field(t->fields, col->valuestring);
		p = dq_import_pointer(kp, list ? "type_list" : "type_");
		if (bad) {
			note(t, p, x, 0, "dq has no type for '%s'", bad);
			cJSON_Delete(kinds);
		} else if (!dq_import_put(t->im, f, "type",
		                          cJSON_GetArraySize(kinds) == 1
		                              ? cJSON_CreateString(
		                                    kinds->child->valuestring)
		                              : cJSON_Duplicate(kinds, 1),
		                          p, "expectation")) {
			check = "type";
			note(t, p, x, 1,
			     "GX compares the column's type (pandas "
			     "dtype or SQL type); dq each value's JSON kind");
		}
		if (!bad)
			cJSON_Delete(kinds);
		free(p);
	} else if (!strncmp(x, "expect_column_", 14) &&
	           strstr(x, "_to_be_between") &&
	           (stat = aggregate(x + 14, strlen(x) - 14 - 14))) {
		static const char *const k[] = {
		    "min_value", "max_value", "strict_min", "strict_max", NULL};
		mine = k;
		cJSON *r = rule(t, n, "", "aggregate");
		cJSON_AddStringToObject(r, "field", col->valuestring);
		cJSON_AddStringToObject(r, "stat", stat);
		for (int b = 0; b < 2; b++) {
			v = cJSON_GetObjectItemCaseSensitive(
			    kw, b ? "max_value" : "min_value");
			if (cJSON_IsNumber(v))
				cJSON_AddNumberToObject(r, b ? "max" : "min",
				                        v->valuedouble);
			const cJSON *st = cJSON_GetObjectItemCaseSensitive(
			    kw, b ? "strict_max" : "strict_min");
			if (cJSON_IsNumber(v) && cJSON_IsTrue(st)) {
				p = dq_import_pointer(kp, st->string);
				note(t, p, st->string, 1,
				     "a strict bound: dq's "
				     "are inclusive");
				free(p);
			}
		}
		if (!cJSON_GetObjectItemCaseSensitive(r, "min") &&
		    !cJSON_GetObjectItemCaseSensitive(r, "max")) {
			cJSON_Delete(cJSON_DetachItemViaPointer(t->rules, r));
			note(t, kp, x, 0, "no numeric bound");
		}
	} else {
		note(t, ptr, x, 0,
		     "an expectation dq-contract does not "
		     "translate");
		goto out;
	}
	if (f && !check)
		goto out; /* reported: the rest is the expectation's */

	/* mostly: the share that must pass; dq's tolerance the share that
	 * may fail. */
	if ((v = cJSON_GetObjectItemCaseSensitive(kw, "mostly"))) {
		p = dq_import_pointer(kp, "mostly");
		if (!cJSON_IsNumber(v) || v->valuedouble < 0 ||
		    v->valuedouble > 1 || !f) {
			note(t, p, "mostly", 0, "%s",
			     f ? "not a share from 0 "
			         "to 1"
			       : "dq's rule has no tolerance here");
		} else if (check && v->valuedouble < 1) {
			double tol = round((1 - v->valuedouble) * 1e12) / 1e12;
			dq_import_per_check(f, "tolerance", check,
			                    cJSON_CreateNumber(tol));
			if (!strcmp(check, "unique"))
				note(t, p, "mostly", 1,
				     "GX fails every row of "
				     "a repeated value, dq the repeats after "
				     "the first");
		}
		free(p);
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(kw, "row_condition"))) {
		p = dq_import_pointer(kp, "row_condition");
		note(t, p, "row_condition", 1,
		     "a condition on the rows: dq "
		     "checks every record");
		free(p);
	}
	cJSON_ArrayForEach (v, kw) {
		const char *k = v->string;
		if (dq_import_in_list(common, k) ||
		    (mine && dq_import_in_list(mine, k)) ||
		    !strcmp(k, "row_condition") ||
		    !strcmp(k, "condition_parser"))
			continue;
		p = dq_import_pointer(kp, k);
		note(t, p, k, 0, "an argument dq-contract does not read");
		free(p);
	}
	/* GX 1.x's severity. */
	if (f && check &&
	    cJSON_IsString(
	        v = cJSON_GetObjectItemCaseSensitive(e, "severity"))) {
		const char *s = v->valuestring;
		if (!strcmp(s, "warning") || !strcmp(s, "info"))
			dq_import_per_check(
			    f, "severity", check,
			    cJSON_CreateString(s[0] == 'w' ? "warn" : "info"));
		else if (strcmp(s, "critical")) {
			p = dq_import_pointer(ptr, "severity");
			note(t, p, "severity", 0,
			     "not critical, warning or "
			     "info");
			free(p);
		}
	}
out:
	free(kp);
}

cJSON *
dq_import_gx(struct dq_import *im, const cJSON *doc)
{
	struct gx t = {im, NULL, NULL, NULL, NULL, NULL};
	const cJSON *ex = cJSON_GetObjectItemCaseSensitive(doc, "expectations");
	const cJSON *e, *v;

	if (!cJSON_IsArray(ex)) {
		dq_error("%s: not a Great Expectations suite (no "
		         "\"expectations\" list)",
		         im->file);
		return NULL;
	}
	t.contract = cJSON_CreateObject();
	v = cJSON_GetObjectItemCaseSensitive(doc, "name");
	if (!cJSON_IsString(v))
		v = cJSON_GetObjectItemCaseSensitive(doc,
		                                     "expectation_suite_name");
	if (cJSON_IsString(v))
		cJSON_AddStringToObject(t.contract, "name", v->valuestring);
	t.fields = cJSON_AddObjectToObject(t.contract, "fields");
	t.rules = cJSON_AddObjectToObject(t.contract, "rules");
	int i = 0;
	cJSON_ArrayForEach (e, ex) {
		char idx[32];
		snprintf(idx, sizeof(idx), "/expectations/%d", i);
		expectation(&t, e, idx, i);
		i++;
	}
	/* A column only an expectation not translated named has no entry. */
	dq_import_prune(t.fields);
	if (t.closed) {
		/* closed allows the contract's own fields too. */
		const cJSON *allowed =
		    cJSON_GetObjectItemCaseSensitive(t.closed, "fields");
		cJSON_ArrayForEach (v, t.fields) {
			const cJSON *a;
			int in = 0;
			cJSON_ArrayForEach (a, allowed)
				in |= !strcmp(a->valuestring, v->string);
			if (!in) {
				note(&t, t.closed_ptr, "exact_match", 1,
				     "the "
				     "contract's field '%s' is allowed too",
				     v->string);
				break;
			}
		}
	}
	free(t.closed_ptr);
	if (!t.fields->child)
		cJSON_DeleteItemFromObject(t.contract, "fields");
	if (!t.rules->child)
		cJSON_DeleteItemFromObject(t.contract, "rules");
	return t.contract;
}
