/*
 * odcsexport.c - dq contract to Open Data Contract Standard (ODCS v3.1).
 *
 * Reference: the Open Data Contract Standard v3.1.0 (bitol-io,
 * bitol-io.github.io/open-data-contract-standard), sections
 * "Fundamentals", "Schema" and "Data quality".  The inverse of odcs.c's
 * mapping (docs/contract.md), so that importing the export gives back
 * the contract's checks: the contract is one schema object, its fields
 * are properties (logicalType, required, unique, logicalTypeOptions),
 * and the checks with a severity or a tolerance, enum, and the rules are
 * library quality rules: nullValues, duplicateValues, invalidValues with
 * validValues or pattern, rowCount.  A per-record check is "mustBe: 0"
 * failures; a tolerance or a rate R is "mustBeLessOrEqualTo: 100 R" with
 * "unit: percent" (the importer reads the percent back as R); a rule's
 * code is its quality rule's name, which the importer keeps.
 *
 * What the two cannot share is reported, each entry with its place in
 * the contract: ODCS's null is SQL's NULL, while dq's missing is its
 * blank (also "" and white space), so required, unique and the metrics
 * are approximate as they are on import; logicalType and
 * logicalTypeOptions carry no severity or tolerance; a path into nested
 * records, a reference, not_in, conditions, row expressions and the
 * other sections have no library form.
 */
#include "contract/import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "contract/ecma.h"
#include "stream/path.h"

struct ox {
	struct dq_import *im;
	cJSON *obj;   /* the schema object (borrowed from the document) */
	cJSON *props; /* its properties (borrowed) */
};

#define note(x, ...) dq_import_note((x)->im, __VA_ARGS__)

static const char null_note[] = "ODCS's missing is SQL's NULL: \"\" and "
				"white space, which dq's missing takes, pass "
				"there";
static const char blank_note[] = "ODCS counts \"\" and white space, which "
				 "are missing to dq and not checked";

/* Metadata: changes no result, so nothing to say. */
static const char *const quiet_keys[] = { "codes", "hint", "owner", "tags",
	"example", "normalize", "region", "description", NULL };
static const char *const quiet_rule[] = { "check", "description", "hint",
	"owner", "tags", "message", NULL };

/* The column of the field path name (a top-level key, unescaped), or
 * NULL for a path into nested records.  The caller frees it. */
static char *
column(const char *name)
{
	struct dq_path p;
	char *col = NULL;

	if (!dq_path_is_nested(name, strlen(name)))
		return dq_xstrdup(name);
	if (dq_path_parse(&p, name, strlen(name), NULL))
		col = dq_xstrdup(name); /* no path: the key as written */
	else if (p.n == 1 && p.s[0].key)
		col = dq_xstrndup(p.s[0].key, p.s[0].len);
	dq_path_release(&p);
	return col;
}

/* rate (0..1) as a percent, rounded to 15 digits so that the importer's
 * percent / 100 is rate again (0.07 x 100 is 7.000000000000001). */
static double
percent(double rate)
{
	char b[32];
	snprintf(b, sizeof(b), "%.15g", rate * 100);
	return strtod(b, NULL);
}

/* A dq severity as ODCS's, or NULL for error (ODCS's default). */
static const char *
odcs_severity(const char *sev)
{
	if (!strcmp(sev, "warn"))
		return "warning";
	if (!strcmp(sev, "info"))
		return "info";
	return NULL;
}

/* The severity ("error" when none) and the tolerance (0) of the field
 * f's check: one value for all, or an object by check name. */
static const char *
check_severity(const cJSON *f, const char *check)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, "severity");
	if (cJSON_IsObject(v))
		v = cJSON_GetObjectItemCaseSensitive(v, check);
	return cJSON_IsString(v) ? v->valuestring : "error";
}

static double
check_tolerance(const cJSON *f, const char *check)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, "tolerance");
	if (cJSON_IsObject(v))
		v = cJSON_GetObjectItemCaseSensitive(v, check);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* A library quality rule on metric appended to list, named code when
 * not NULL (v3.1 has no id for a rule; the importer reads either); the
 * caller adds arguments, then limit() the threshold. */
static cJSON *
library(cJSON *list, const char *code, const char *metric)
{
	cJSON *q = cJSON_CreateObject();
	if (code)
		cJSON_AddStringToObject(q, "name", code);
	cJSON_AddStringToObject(q, "metric", metric);
	cJSON_AddItemToArray(list, q);
	return q;
}

/* No failure (tol 0), or at most tol of them, in percent; then the
 * severity. */
static void
limit(cJSON *q, const char *sev, double tol)
{
	const char *s = odcs_severity(sev);
	if (tol > 0) {
		cJSON_AddNumberToObject(q, "mustBeLessOrEqualTo", percent(tol));
		cJSON_AddStringToObject(q, "unit", "percent");
	} else {
		cJSON_AddNumberToObject(q, "mustBe", 0);
	}
	if (s)
		cJSON_AddStringToObject(q, "severity", s);
}

/* The quality list of the property p, made on the way. */
static cJSON *
quality_of(cJSON *p)
{
	cJSON *l = cJSON_GetObjectItemCaseSensitive(p, "quality");
	return l ? l : cJSON_AddArrayToObject(p, "quality");
}

/* The logical type of the dq type t into p; a format goes to opts. */
static void
type_of(struct ox *x, cJSON *p, cJSON *opts, const cJSON *t, const char *ptr)
{
	static const char *const same[] = { "string", "integer", "number",
		"boolean", "object", "array", "date", NULL };
	const char *n = cJSON_IsString(t) ? t->valuestring : NULL;

	if (!n) {
		note(x, ptr, "type", 0, "a list of types: ODCS's logicalType "
		     "is one");
	} else if (dq_import_in_list(same, n)) {
		cJSON_AddStringToObject(p, "logicalType", n);
	} else if (!strcmp(n, "datetime")) {
		cJSON_AddStringToObject(p, "logicalType", "timestamp");
		note(x, ptr, "type", 1, "dq's datetime also takes a date alone "
		     "and a time without seconds");
	} else if (!strcmp(n, "email")) {
		cJSON_AddStringToObject(p, "logicalType", "string");
		cJSON_AddStringToObject(opts, "format", "email");
		note(x, ptr, "type", 1, "a string of format email: dq's email "
		     "is RFC 5322's addr-spec, ODCS names the format only");
	} else if (!strcmp(n, "enum")) {
		note(x, ptr, "type", 1, "ODCS has no enum type: the values are "
		     "the enum's invalidValues rule, their kind is not "
		     "checked");
	} else {
		cJSON_AddStringToObject(p, "logicalType", "string");
		note(x, ptr, "type", 0, "ODCS has no '%s': only a string is "
		     "asked for", n);
	}
}

/* The pattern (an ERE) as ECMA-262 into b: 0, or -1 after a note.  Read
 * back as the importer reads it, so that an approximation is said. */
static int
ecma_pattern(struct ox *x, const char *pat, struct dq_buf *b, const char *ptr)
{
	struct dq_buf back = DQ_BUF_INIT;
	const char *why = NULL;
	int rc;

	if (dq_ere_to_ecma(pat, b)) {
		note(x, ptr, "pattern", 0, "a POSIX class ([:alpha:]) has no "
		     "ECMA-262 form here");
		return -1;
	}
	rc = dq_ecma_to_ere(b->buf, &back, &why);
	dq_buf_release(&back);
	if (rc < 0) {
		note(x, ptr, "pattern", 0, "%s: no ECMA-262 form that reads "
		     "back as this pattern", why);
		return -1;
	}
	if (rc > 0)
		note(x, ptr, "pattern", 1, "%s", why);
	return 0;
}

/* required or unique of the field f: the property's key when an error
 * without tolerance, else a nullValues or duplicateValues rule. */
static void
presence(struct ox *x, cJSON *p, const cJSON *f, const char *check,
	 const char *ptr)
{
	const char *sev = check_severity(f, check);
	double tol = check_tolerance(f, check);
	int req = !strcmp(check, "required");

	if (!strcmp(sev, "error") && tol <= 0) {
		cJSON_AddTrueToObject(p, check);
	} else {
		const char *m = req ? "nullValues" : "duplicateValues";
		cJSON *q = library(quality_of(p), NULL, m);
		limit(q, sev, tol);
		if (tol > 0)
			note(x, ptr, check, 1, "a tolerance is a percent of "
			     "%s, read back as a %s rule", req ? "nulls"
			     : "duplicates", req ? "null_rate"
			     : "duplicate_rate");
	}
	note(x, ptr, check, 1, "%s", req ? null_note : blank_note);
}

/* enum or pattern (ECMA text ecma) of f as an invalidValues rule. */
static void
invalid(struct ox *x, cJSON *p, const cJSON *f, const char *check,
	const cJSON *vals, const char *ecma, const char *ptr)
{
	const char *sev = check_severity(f, check);
	double tol = check_tolerance(f, check);
	cJSON *q = library(quality_of(p), NULL, "invalidValues");
	cJSON *a = cJSON_AddObjectToObject(q, "arguments");

	if (vals)
		cJSON_AddItemToObject(a, "validValues",
				      cJSON_Duplicate(vals, 1));
	else
		cJSON_AddStringToObject(a, "pattern", ecma);
	limit(q, sev, tol);
	if (tol > 0)
		note(x, ptr, check, 1, "a tolerance is a share of the values "
		     "present, ODCS's percent of all rows");
	note(x, ptr, check, 1, "%s", blank_note);
}

/* Is v a list of strings and numbers, as validValues is? */
static int
scalars(const cJSON *v)
{
	const cJSON *it;
	if (!cJSON_IsArray(v) || !cJSON_GetArraySize(v))
		return 0;
	cJSON_ArrayForEach(it, v)
	if (!cJSON_IsString(it) && !cJSON_IsNumber(it))
		return 0;
	return 1;
}

/* Severities and tolerances of the checks logicalType and
 * logicalTypeOptions say (type, format, range, length, items): ODCS has
 * neither for them. */
static void
unsaid(struct ox *x, const cJSON *f, const char *ptr)
{
	static const char *const said[] = { "required", "unique", "enum",
		"pattern", NULL };
	static const char *const keys[] = { "severity", "tolerance", NULL };

	for (int k = 0; keys[k]; k++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, keys[k]);
		const cJSON *it;
		char *p = dq_import_pointer(ptr, keys[k]);
		if (cJSON_IsObject(v)) {
			cJSON_ArrayForEach(it, v)
			{
				if (dq_import_in_list(said, it->string) ||
				    (cJSON_IsString(it) &&
				     !strcmp(it->valuestring, "error")) ||
				    (cJSON_IsNumber(it) &&
				     it->valuedouble <= 0))
					continue;
				char *q = dq_import_pointer(p, it->string);
				note(x, q, keys[k], 0, "ODCS says the %s check "
				     "in logicalType or logicalTypeOptions, "
				     "which have no %s", it->string, keys[k]);
				free(q);
			}
		} else if ((cJSON_IsString(v) && strcmp(v->valuestring,
							"error")) ||
			   (cJSON_IsNumber(v) && v->valuedouble > 0)) {
			static const char *const other[] = { "type", "format",
				"min", "max", "min_length", "max_length",
				"min_items", "max_items", "unique_items",
				NULL };
			int n = 0;
			for (int i = 0; other[i]; i++)
				n += cJSON_HasObjectItem(f, other[i]);
			if (n)
				note(x, p, keys[k], 0, "ODCS says the type, "
				     "format, range, length and items checks "
				     "in logicalType and logicalTypeOptions, "
				     "which have no %s", keys[k]);
		}
		free(p);
	}
}

/* May the logicalTypeOptions of a property of logical type lt (NULL:
 * none) hold key?  v3.1's schema closes each type's options. */
static int
option_ok(const char *lt, const char *key)
{
	static const struct {
		const char *type, *keys[5];
	} open[] = {
		{ "string", { "minLength", "maxLength", "pattern", "format",
			      NULL } },
		{ "date", { "minimum", "maximum", NULL } },
		{ "timestamp", { "minimum", "maximum", NULL } },
		{ "integer", { "minimum", "maximum", NULL } },
		{ "number", { "minimum", "maximum", NULL } },
		{ "object", { NULL } },
		{ "array", { "minItems", "maxItems", "uniqueItems", NULL } },
	};
	if (!lt)
		return 1;
	for (size_t i = 0; i < sizeof(open) / sizeof(open[0]); i++)
		if (!strcmp(open[i].type, lt))
			return dq_import_in_list(open[i].keys, key);
	return 1; /* boolean: no options listed, none closed */
}

/* Set the option key to v when a property of logical type lt may have
 * it; else a note at ptr. */
static void
option(struct ox *x, cJSON *opts, const char *lt, const char *key,
       const cJSON *v, const char *ptr)
{
	if (option_ok(lt, key))
		cJSON_AddItemToObject(opts, key, cJSON_Duplicate(v, 1));
	else
		note(x, ptr, key, 0, "ODCS's logicalTypeOptions of %s have no "
		     "%s", lt, key);
}

/* Is the date bound s one ODCS can say (not relative to today)? */
static int
fixed_date(const char *s)
{
	return strncmp(s, "today", 5) && strncmp(s, "year", 4);
}

static void
field(struct ox *x, const char *name, const cJSON *f, const char *ptr)
{
	char *col = column(name);
	const cJSON *it;

	if (!col) {
		note(x, ptr, "fields", 0, "a path into nested records: the "
		     "export is one object's properties, as dq-contract "
		     "imports them");
		return;
	}
	cJSON *p = cJSON_CreateObject();
	cJSON *opts = cJSON_CreateObject();
	const cJSON *ty = cJSON_GetObjectItemCaseSensitive(f, "type");
	int date = cJSON_IsString(ty) && !strcmp(ty->valuestring, "date");
	cJSON_AddItemToArray(x->props, p);
	cJSON_AddStringToObject(p, "name", col);
	free(col);
	it = cJSON_GetObjectItemCaseSensitive(f, "description");
	if (cJSON_IsString(it))
		cJSON_AddStringToObject(p, "description", it->valuestring);
	if (ty) {
		char *tp = dq_import_pointer(ptr, "type");
		type_of(x, p, opts, ty, tp);
		free(tp);
	}
	/* The keys of p in ODCS's order: required and unique before the
	 * options, the quality rules last. */
	cJSON_ArrayForEach(it, f)
	{
		const char *k = it->string;
		char *pp = dq_import_pointer(ptr, k);
		if (!strcmp(k, "required") || !strcmp(k, "unique")) {
			if (cJSON_IsTrue(it))
				presence(x, p, f, k, pp);
		}
		free(pp);
	}
	cJSON_AddItemToObject(p, "logicalTypeOptions", opts);
	it = cJSON_GetObjectItemCaseSensitive(p, "logicalType");
	const char *lt = cJSON_IsString(it) ? it->valuestring : NULL;
	cJSON_ArrayForEach(it, f)
	{
		const char *k = it->string;
		char *pp = dq_import_pointer(ptr, k);
		if (!strcmp(k, "type") || !strcmp(k, "required") ||
		    !strcmp(k, "unique") || !strcmp(k, "severity") ||
		    !strcmp(k, "tolerance") ||
		    dq_import_in_list(quiet_keys, k)) {
			/* said above or below, or metadata */
		} else if (!strcmp(k, "enum") && scalars(it)) {
			invalid(x, p, f, "enum", it, NULL, pp);
		} else if (!strcmp(k, "enum_case")) {
			if (!cJSON_IsString(it) ||
			    strcmp(it->valuestring, "sensitive"))
				note(x, pp, k, 0, "ODCS's validValues compare "
				     "exactly");
		} else if (!strcmp(k, "pattern") && cJSON_IsString(it)) {
			struct dq_buf b = DQ_BUF_INIT;
			if (ecma_pattern(x, it->valuestring, &b, pp)) {
				/* said */
			} else if (!strcmp(check_severity(f, "pattern"),
					   "error") &&
				   check_tolerance(f, "pattern") <= 0 &&
				   option_ok(lt, "pattern")) {
				cJSON_AddStringToObject(opts, "pattern", b.buf);
			} else {
				invalid(x, p, f, "pattern", NULL, b.buf, pp);
			}
			dq_buf_release(&b);
		} else if ((!strcmp(k, "min") || !strcmp(k, "max")) &&
			   (cJSON_IsNumber(it) ||
			    (date && cJSON_IsString(it) &&
			     fixed_date(it->valuestring)))) {
			option(x, opts, lt, k[1] == 'i' ? "minimum"
							: "maximum", it, pp);
		} else if ((!strcmp(k, "min") || !strcmp(k, "max")) &&
			   date && cJSON_IsString(it)) {
			note(x, pp, k, 0, "a date relative to today: ODCS's "
			     "bound is a fixed date");
		} else if (!strcmp(k, "min_length") ||
			   !strcmp(k, "max_length")) {
			option(x, opts, lt, k[1] == 'i' ? "minLength"
							: "maxLength", it, pp);
		} else if (!strcmp(k, "min_items") || !strcmp(k, "max_items")) {
			option(x, opts, lt, k[1] == 'i' ? "minItems"
							: "maxItems", it, pp);
		} else if (!strcmp(k, "unique_items")) {
			if (cJSON_IsTrue(it))
				option(x, opts, lt, "uniqueItems", it, pp);
		} else if (!strcmp(k, "format") && cJSON_IsString(it) &&
			   !strcmp(it->valuestring, "email") &&
			   (!lt || strcmp(lt, "string"))) {
			note(x, pp, k, 0, "ODCS's format email is an option of "
			     "a string, and the field's type is %s",
			     lt ? lt : "not one");
		} else if (!strcmp(k, "format") && cJSON_IsString(it) &&
			   !strcmp(it->valuestring, "email")) {
			if (!cJSON_HasObjectItem(opts, "format"))
				cJSON_AddStringToObject(opts, "format",
							"email");
			note(x, pp, k, 1, "dq's email is RFC 5322's addr-spec, "
			     "ODCS names the format only");
		} else {
			note(x, pp, k, 0, "ODCS cannot say '%s'", k);
		}
		free(pp);
	}
	unsaid(x, f, ptr);
	/* logicalTypeOptions before quality, and only when it says
	 * something. */
	cJSON *q = cJSON_DetachItemFromObjectCaseSensitive(p, "quality");
	if (!opts->child)
		cJSON_DeleteItemFromObjectCaseSensitive(p,
							"logicalTypeOptions");
	if (q)
		cJSON_AddItemToObject(p, "quality", q);
}

/* The property named col, added (name only) when there is none. */
static cJSON *
property(struct ox *x, const char *col)
{
	cJSON *it;
	cJSON_ArrayForEach(it, x->props)
	if (!strcmp(cJSON_GetObjectItemCaseSensitive(it, "name")->valuestring,
		    col))
		return it;
	it = cJSON_CreateObject();
	cJSON_AddStringToObject(it, "name", col);
	cJSON_AddItemToArray(x->props, it);
	return it;
}

/* The rule's field or fields as a list of columns (NULL when one is a
 * path into nested records, or there are none). */
static cJSON *
columns(const cJSON *r)
{
	const cJSON *fs = cJSON_GetObjectItemCaseSensitive(r, "fields");
	const cJSON *fd = cJSON_GetObjectItemCaseSensitive(r, "field");
	const cJSON *it;
	cJSON *l = cJSON_CreateArray();

	if (cJSON_IsString(fd)) {
		char *c = column(fd->valuestring);
		if (c)
			cJSON_AddItemToArray(l, cJSON_CreateString(c));
		free(c);
		fs = NULL;
	}
	cJSON_ArrayForEach(it, fs)
	{
		char *c = cJSON_IsString(it) ? column(it->valuestring) : NULL;
		if (!c) {
			cJSON_Delete(l);
			return NULL;
		}
		cJSON_AddItemToArray(l, cJSON_CreateString(c));
		free(c);
	}
	if (!l->child) {
		cJSON_Delete(l);
		return NULL;
	}
	return l;
}

/* The object's quality list, made on the way. */
static cJSON *
object_quality(struct ox *x)
{
	return quality_of(x->obj);
}

static void
rule(struct ox *x, const char *code, const cJSON *r, const char *ptr)
{
	const cJSON *ck = cJSON_GetObjectItemCaseSensitive(r, "check");
	const cJSON *mn = cJSON_GetObjectItemCaseSensitive(r, "min");
	const cJSON *mx = cJSON_GetObjectItemCaseSensitive(r, "max");
	const cJSON *sv = cJSON_GetObjectItemCaseSensitive(r, "severity");
	const cJSON *tl = cJSON_GetObjectItemCaseSensitive(r, "tolerance");
	const char *c = cJSON_IsString(ck) ? ck->valuestring : "";
	const char *sev = cJSON_IsString(sv) ? sv->valuestring : "error";
	double tol = cJSON_IsNumber(tl) ? tl->valuedouble : 0;
	const cJSON *it;
	cJSON *cols = NULL, *q;

	/* The keys each rule ODCS can say takes; any other changes what
	 * it checks (a condition, a case rule, a minimum rate). */
	int row = !strcmp(c, "row_count"), uniq = !strcmp(c, "unique");
	int dup = !strcmp(c, "duplicate_rate"), nul = !strcmp(c, "null_rate");
	if (!row && !uniq && !dup && !nul) {
		note(x, ptr, c, 0, "ODCS's library metrics cannot say this "
		     "'%s' rule", c);
		return;
	}
	cJSON_ArrayForEach(it, r)
	{
		const char *k = it->string;
		int ok = dq_import_in_list(quiet_rule, k) ||
			 !strcmp(k, "severity") ||
			 (row && (!strcmp(k, "min") || !strcmp(k, "max"))) ||
			 (!row && (!strcmp(k, "field") ||
				   !strcmp(k, "fields"))) ||
			 (uniq && !strcmp(k, "tolerance")) ||
			 ((dup || nul) && !strcmp(k, "max"));
		if (!ok) {
			note(x, ptr, c, 0, "ODCS cannot say the '%s' rule's "
			     "'%s'", c, k);
			return;
		}
	}
	if (!row && (!(cols = columns(r)) ||
		     (nul && cJSON_GetArraySize(cols) != 1))) {
		note(x, ptr, c, 0, "%s", cols ? "a null_rate of several "
		     "fields: ODCS's nullValues is one property's"
		     : "a path into nested records, or no field: the "
		       "export's properties are one object's");
		cJSON_Delete(cols);
		return;
	}
	if (row) {
		q = library(object_quality(x), code, "rowCount");
		if (cJSON_IsNumber(mn) && cJSON_IsNumber(mx) &&
		    mn->valuedouble == mx->valuedouble) {
			/* mustBeBetween's two numbers differ */
			cJSON_AddItemToObject(q, "mustBe",
					      cJSON_Duplicate(mn, 1));
		} else if (cJSON_IsNumber(mn) && cJSON_IsNumber(mx)) {
			cJSON *b = cJSON_AddArrayToObject(q, "mustBeBetween");
			cJSON_AddItemToArray(b, cJSON_Duplicate(mn, 1));
			cJSON_AddItemToArray(b, cJSON_Duplicate(mx, 1));
		} else if (cJSON_IsNumber(mn)) {
			cJSON_AddItemToObject(q, "mustBeGreaterOrEqualTo",
					      cJSON_Duplicate(mn, 1));
		} else if (cJSON_IsNumber(mx)) {
			cJSON_AddItemToObject(q, "mustBeLessOrEqualTo",
					      cJSON_Duplicate(mx, 1));
		}
		if (odcs_severity(sev))
			cJSON_AddStringToObject(q, "severity",
						odcs_severity(sev));
		return;
	}
	if (nul) {
		cJSON *p = property(x, cols->child->valuestring);
		q = library(quality_of(p), code, "nullValues");
		limit(q, sev, cJSON_IsNumber(mx) ? mx->valuedouble : 0);
		note(x, ptr, c, 1, "%s", null_note);
		cJSON_Delete(cols);
		return;
	}
	/* unique, duplicate_rate: duplicates of the properties, on the
	 * object. */
	q = library(object_quality(x), code, "duplicateValues");
	cJSON_AddItemToObject(cJSON_AddObjectToObject(q, "arguments"),
			      "properties", cols);
	limit(q, sev, dup ? (cJSON_IsNumber(mx) ? mx->valuedouble : 0) : tol);
	if (dup || tol > 0)
		note(x, ptr, c, 1, "ODCS may count every row of a repeated "
		     "value; dq's rate the repeats after the first");
	note(x, ptr, c, 1, "%s", blank_note);
}

/* The name of the schema object: the contract's, or its file's
 * (without directory and extension). */
static char *
object_name(const cJSON *contract, const char *file)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(contract, "name");
	if (cJSON_IsString(n) && *n->valuestring)
		return dq_xstrdup(n->valuestring);
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	const char *dot = strchr(base, '.');
	if (dot == base || !*base)
		return dq_xstrdup("records");
	return dq_xstrndup(base, dot ? (size_t)(dot - base) : strlen(base));
}

/* A string of the contract's, or a number's text, or dflt. */
static void
add_text(cJSON *doc, const char *key, const cJSON *v, const char *dflt)
{
	char b[32];
	if (cJSON_IsString(v) && *v->valuestring) {
		cJSON_AddStringToObject(doc, key, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		snprintf(b, sizeof(b), "%.15g", v->valuedouble);
		cJSON_AddStringToObject(doc, key, b);
	} else {
		cJSON_AddStringToObject(doc, key, dflt);
	}
}

cJSON *
dq_export_odcs(struct dq_import *im, const cJSON *contract)
{
	struct ox x = { im, NULL, NULL };
	cJSON *doc = cJSON_CreateObject();
	const cJSON *it;
	char *name = object_name(contract, im->file);

	/* Fundamentals: apiVersion, kind, id, version and status are
	 * required. */
	cJSON_AddStringToObject(doc, "apiVersion", "v3.1.0");
	cJSON_AddStringToObject(doc, "kind", "DataContract");
	add_text(doc, "id", cJSON_GetObjectItemCaseSensitive(contract, "id"),
		 name);
	it = cJSON_GetObjectItemCaseSensitive(contract, "name");
	if (cJSON_IsString(it))
		cJSON_AddStringToObject(doc, "name", it->valuestring);
	add_text(doc, "version",
		 cJSON_GetObjectItemCaseSensitive(contract, "version"),
		 "1.0.0");
	cJSON_AddStringToObject(doc, "status", "draft");
	x.obj = cJSON_CreateObject();
	cJSON_AddItemToArray(cJSON_AddArrayToObject(doc, "schema"), x.obj);
	cJSON_AddStringToObject(x.obj, "name", name);
	free(name);
	cJSON_AddStringToObject(x.obj, "logicalType", "object");
	it = cJSON_GetObjectItemCaseSensitive(contract, "description");
	if (cJSON_IsString(it))
		cJSON_AddStringToObject(x.obj, "description", it->valuestring);
	x.props = cJSON_AddArrayToObject(x.obj, "properties");

	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(contract,
								"fields"))
	{
		char *p = dq_import_pointer("/fields", it->string);
		field(&x, it->string, it, p);
		free(p);
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(contract,
								"rules"))
	{
		char *p = dq_import_pointer("/rules", it->string);
		rule(&x, it->string, it, p);
		free(p);
	}
	if (!x.props->child)
		cJSON_DeleteItemFromObjectCaseSensitive(x.obj, "properties");
	dq_export_rest(im, contract, NULL, "ODCS");
	return doc;
}
