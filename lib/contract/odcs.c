/*
 * odcs.c - an Open Data Contract Standard (ODCS v3) contract to dq's.
 *
 * Reference: the Open Data Contract Standard, v3.0 and v3.1 (bitol-io,
 * bitol-io.github.io/open-data-contract-standard), sections "Schema"
 * and "Data quality".  A contract's schema[] lists objects (tables),
 * each with properties[] (columns: name, logicalType, required, unique,
 * primaryKey, logicalTypeOptions) and quality[] rules; a property has
 * quality[] too.  The dq contract is one object's: its properties
 * become fields.
 *
 * A library quality rule (type library, or any rule with a metric)
 * measures nullValues, missingValues, invalidValues (values not in
 * arguments.validValues, or not matching arguments.pattern),
 * duplicateValues or rowCount, and compares it with one operator
 * (mustBe, mustBeLessThan, mustBeBetween ...), in rows (the default) or
 * percent.  As for SodaCL (soda.c): a limit of 0 failures is dq's
 * per-record check, a percent is a rate (null_rate, duplicate_rate or
 * the check's tolerance), a count above 0 cannot be said and is kept at
 * 0, approximate.  ODCS's null is SQL's NULL; dq's missing is its blank,
 * which also takes "" and white space: required, unique and the
 * metrics are approximate for that.  sql, custom and text rules, and
 * the contract's servers, team, SLA and the rest, are reported.
 */
#include "contract/import.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "contract/ecma.h"

struct odcs {
	struct dq_import *im;
	cJSON *contract, *fields, *rules;
};

#define note(t, ...) dq_import_note((t)->im, __VA_ARGS__)
#define put(t, f, key, v, ptr) \
	dq_import_put((t)->im, f, key, v, ptr, "property key or rule")

static const char null_note[] = "dq's missing also takes \"\" and white "
				"space, which are values to ODCS (SQL's NULL)";
static const char blank_note[] = "dq does not check \"\" and white space "
				 "(missing to dq, as NULL is to ODCS)";

/* ODCS's logical types as dq's; approx: the note when not exact. */
static const struct {
	const char *odcs, *dq, *approx;
} types[] = {
	{ "string", "string", NULL },
	{ "integer", "integer", NULL },
	{ "number", "number", NULL },
	{ "boolean", "boolean", NULL },
	{ "date", "date", NULL },
	{ "timestamp", "datetime", "dq's datetime also takes a date alone" },
	{ "object", "object", NULL },
	{ "array", "array", NULL },
};

/* The operators, and the threshold each makes. */
static const struct {
	const char *key;
	int op;
} ops[] = {
	{ "mustBe", DQ_OP_EQ },
	{ "mustNotBe", DQ_OP_NE },
	{ "mustBeLessThan", DQ_OP_LT },
	{ "mustBeLessOrEqualTo", DQ_OP_LE },
	{ "mustBeLessThanOrEqualTo", DQ_OP_LE },
	{ "mustBeGreaterThan", DQ_OP_GT },
	{ "mustBeGreaterOrEqualTo", DQ_OP_GE },
	{ "mustBeGreaterThanOrEqualTo", DQ_OP_GE },
	{ "mustBeBetween", DQ_OP_IN },
	{ "mustNotBeBetween", DQ_OP_OUT },
};

/* Keys of a quality rule that change no outcome. */
static const char *const quiet_quality[] = { "id", "name", "description",
	"dimension", "businessImpact", "method", "schedule", "scheduler",
	"tags", "authoritativeDefinitions", "customProperties", "type",
	"metric", "rule", "arguments", "unit", "severity", "validValues",
	NULL };

/* Read the rule q's threshold into th (unit percent: th->pct); -1
 * after a note when it has none dq reads. */
static int
threshold(struct odcs *t, const cJSON *q, const char *ptr,
	  struct dq_import_thr *th)
{
	const cJSON *v, *u;
	int n = 0;

	memset(th, 0, sizeof(*th));
	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		if (!(v = cJSON_GetObjectItemCaseSensitive(q, ops[k].key)))
			continue;
		char *p = dq_import_pointer(ptr, ops[k].key);
		int range = ops[k].op == DQ_OP_IN || ops[k].op == DQ_OP_OUT;
		if (n++) {
			note(t, p, ops[k].key, 0, "a second operator: the "
			     "first is read");
		} else if (range ? !cJSON_IsArray(v) ||
					   cJSON_GetArraySize(v) != 2 ||
					   !cJSON_IsNumber(v->child) ||
					   !cJSON_IsNumber(v->child->next)
				 : !cJSON_IsNumber(v)) {
			note(t, p, ops[k].key, 0, "%s", range
				     ? "not a list of two numbers"
				     : "not a number");
			free(p);
			return -1;
		} else {
			th->op = ops[k].op;
			th->a = range ? v->child->valuedouble : v->valuedouble;
			th->b = range ? v->child->next->valuedouble : 0;
		}
		free(p);
	}
	if (!n) {
		note(t, ptr, "quality", 0, "no operator (mustBe, "
		     "mustBeLessThan, mustBeBetween...): the rule checks "
		     "nothing");
		return -1;
	}
	if ((u = cJSON_GetObjectItemCaseSensitive(q, "unit"))) {
		th->pct = cJSON_IsString(u) &&
			  !strcmp(u->valuestring, "percent");
		if (!th->pct && (!cJSON_IsString(u) ||
				 strcmp(u->valuestring, "rows"))) {
			char *p = dq_import_pointer(ptr, "unit");
			note(t, p, "unit", 0, "not rows or percent");
			free(p);
			return -1;
		}
	}
	return 0;
}

/* A rule for the quality rule q: its code q's id (v3.2) or name, the
 * first that is no rule's code yet (so that a contract exported to ODCS
 * keeps its codes); else ODCS-N (the object's N-th quality rule) or
 * ODCS-P.N (the P-th property's), both from 0 as in the report's
 * pointers. */
static cJSON *
rule(struct odcs *t, const cJSON *q, int prop, int n, const char *check,
     const char *sev)
{
	static const char *const keys[] = { "id", "name" };
	for (int k = 0; k < 2; k++) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(q, keys[k]);
		if (cJSON_IsString(id) && *id->valuestring &&
		    !cJSON_GetObjectItemCaseSensitive(t->rules,
						      id->valuestring))
			return dq_import_rule(t->rules, check, sev, "%s",
					      id->valuestring);
	}
	if (prop >= 0)
		return dq_import_rule(t->rules, check, sev, "ODCS-%d.%d", prop,
				      n);
	return dq_import_rule(t->rules, check, sev, "ODCS-%d", n);
}

/* The severity of the rule q: "error", "warn" or "info". */
static const char *
severity(struct odcs *t, const cJSON *q, const char *ptr)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(q, "severity");
	if (!v || (cJSON_IsString(v) && !strcmp(v->valuestring, "error")))
		return "error";
	if (cJSON_IsString(v) && !strcmp(v->valuestring, "info"))
		return "info";
	if (cJSON_IsString(v) && (!strcmp(v->valuestring, "warning") ||
				  !strcmp(v->valuestring, "warn")))
		return "warn";
	char *p = dq_import_pointer(ptr, "severity");
	note(t, p, "severity", 0, "not error, warning or info: the check "
	     "is an error");
	free(p);
	return "error";
}

/* The check made on f (or NULL for none) gets sev and the rate lim. */
static void
per_check(cJSON *f, const char *check, const char *sev, double lim)
{
	if (strcmp(sev, "error"))
		dq_import_per_check(f, "severity", check,
				    cJSON_CreateString(sev));
	if (lim > 0)
		dq_import_per_check(f, "tolerance", check,
				    cJSON_CreateNumber(lim));
}

/* invalidValues on the field f: its validValues or pattern argument
 * as enum or pattern; the check made, or NULL. */
static const char *
invalid(struct odcs *t, cJSON *f, const cJSON *q, const char *ptr)
{
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(q, "arguments");
	const cJSON *vals = cJSON_GetObjectItemCaseSensitive(args,
							     "validValues");
	const cJSON *pat = cJSON_GetObjectItemCaseSensitive(args, "pattern");
	const cJSON *x;
	const char *made = NULL;

	if (!vals) /* v3.0 wrote validValues beside the rule */
		vals = cJSON_GetObjectItemCaseSensitive(q, "validValues");
	if (vals) {
		char *p = dq_import_pointer(ptr, "validValues");
		int ok = cJSON_IsArray(vals) && cJSON_GetArraySize(vals);
		cJSON_ArrayForEach(x, vals)
		ok &= cJSON_IsString(x) || cJSON_IsNumber(x);
		if (!ok)
			note(t, p, "validValues", 0, "not a list of strings "
			     "and numbers");
		else if (!put(t, f, "enum", cJSON_Duplicate(vals, 1), p))
			made = "enum";
		free(p);
	}
	if (pat) {
		char *p = dq_import_pointer(ptr, "pattern");
		struct dq_buf b = DQ_BUF_INIT;
		const char *why = "not a string";
		int rc = cJSON_IsString(pat) ? dq_ecma_to_ere(pat->valuestring,
							     &b, &why)
					     : -1;
		if (rc < 0)
			note(t, p, "pattern", 0, "%s: POSIX ERE cannot express "
			     "it", why);
		else if (made)
			note(t, p, "pattern", 0, "validValues and pattern in "
			     "one rule: validValues is read");
		else if (!put(t, f, "pattern", cJSON_CreateString(b.buf), p))
			made = "pattern";
		if (rc > 0 && made && !strcmp(made, "pattern"))
			note(t, p, "pattern", 1, "%s", why);
		dq_buf_release(&b);
		free(p);
	}
	if (!vals && !pat)
		note(t, ptr, "invalidValues", 0, "no validValues or pattern "
		     "argument: the rule checks nothing dq reads");
	return made;
}

/* The metric of q (v3.1's metric, or v3.0's rule), or NULL. */
static const char *
metric_of(const cJSON *q)
{
	static const char *const v30[][2] = {
		{ "nullCheck", "nullValues" },
		{ "duplicateCount", "duplicateValues" },
		{ "validValues", "invalidValues" },
		{ "rowCount", "rowCount" },
	};
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(q, "metric");
	if (cJSON_IsString(m))
		return m->valuestring;
	m = cJSON_GetObjectItemCaseSensitive(q, "rule");
	if (!cJSON_IsString(m))
		return NULL;
	for (size_t k = 0; k < sizeof(v30) / sizeof(v30[0]); k++)
		if (!strcmp(m->valuestring, v30[k][0]))
			return v30[k][1];
	return m->valuestring;
}

/*
 * The quality rule q at ptr, the n-th of its list, on the property col
 * (field f, the prop-th property; col NULL for the object's rules).
 */
static void
quality(struct odcs *t, const cJSON *q, const char *ptr, int n,
	const char *col, cJSON *f, int prop)
{
	const cJSON *v, *ty = cJSON_GetObjectItemCaseSensitive(q, "type");
	const char *metric = metric_of(q);
	struct dq_import_thr th;
	double lim;

	if (!cJSON_IsObject(q)) {
		note(t, ptr, "quality", 0, "not a rule (an object)");
		return;
	}
	if (ty && (!cJSON_IsString(ty) || strcmp(ty->valuestring, "library"))) {
		const char *s = cJSON_IsString(ty) ? ty->valuestring : "?";
		note(t, ptr, s, 0, "%s", !strcmp(s, "text")
			     ? "a rule for people to read: it checks nothing"
		     : !strcmp(s, "sql") ? "a SQL query: dq-contract does not "
					   "translate it"
					 : "a rule of another tool (custom): "
					   "dq-contract does not translate it");
		return;
	}
	if (!metric) {
		note(t, ptr, "quality", 0, "a library rule without a metric");
		return;
	}
	cJSON_ArrayForEach(v, q)
	{
		int known = dq_import_in_list(quiet_quality, v->string);
		for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
			known |= !strcmp(v->string, ops[k].key);
		if (!known) {
			char *p = dq_import_pointer(ptr, v->string);
			note(t, p, v->string, 0, "a quality rule key "
			     "dq-contract does not read");
			free(p);
		}
	}
	if (threshold(t, q, ptr, &th))
		return;
	const char *sev = severity(t, q, ptr);

	if (!strcmp(metric, "rowCount")) {
		if (col || th.pct) {
			note(t, ptr, metric, 0, "%s", col
				     ? "a row count on a property: dq's "
				       "row_count is the object's"
				     : "a row count in percent");
			return;
		}
		cJSON *r = rule(t, q, -1, n, "row_count", sev);
		int rc = dq_import_bounds(r, &th, 1);
		if (rc < 0) {
			cJSON_Delete(cJSON_DetachItemViaPointer(t->rules, r));
			goto unbounded;
		}
		return;
	}
	int miss = !strcmp(metric, "nullValues") ||
		   !strcmp(metric, "missingValues");
	int dup = !strcmp(metric, "duplicateValues");
	int inv = !strcmp(metric, "invalidValues");
	if (!miss && !dup && !inv) {
		note(t, ptr, metric, 0, "a metric dq-contract does not know "
		     "(it reads nullValues, missingValues, invalidValues, "
		     "duplicateValues, rowCount)");
		return;
	}
	/* Between 0 and b lets at most b fail. */
	if (th.op == DQ_OP_IN && th.a <= 0)
		th.op = DQ_OP_LE, th.a = th.b;
	int exact = dq_import_failure_limit(&th, !th.pct, &lim);
	if (exact < 0)
		goto unbounded;
	if (th.pct)
		lim /= 100;
	if (!th.pct && lim > 0) {
		note(t, ptr, metric, 1, "a count of %g failures: dq's check "
		     "fails at the first (its rates are shares of records)",
		     lim);
		lim = 0;
	} else if (!exact) {
		note(t, ptr, metric, 1, "a strict bound: dq's rate may equal "
		     "its limit");
	}

	/* Duplicates of several properties, on the object. */
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(q, "arguments");
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(args,
							      "properties");
	if (!col && !(dup && cJSON_IsArray(props) &&
		      cJSON_GetArraySize(props))) {
		note(t, ptr, metric, 0, "%s on the object and no property: "
		     "dq's checks are a field's", metric);
		return;
	}
	if (miss) {
		if (!strcmp(metric, "missingValues")) {
			char *p = dq_import_pointer(ptr, "arguments");
			note(t, p, "missingValues", 1, "dq's missing is its "
			     "blank (dq-normalize's null_tokens turn other "
			     "values into null first)");
			free(p);
		}
		if (lim > 0) {
			cJSON *r = rule(t, q, prop, n, "null_rate", sev);
			cJSON_AddStringToObject(r, "field", col);
			cJSON_AddNumberToObject(r, "max", lim);
		} else if (put(t, f, "required", cJSON_CreateTrue(), ptr)) {
			return;
		} else {
			per_check(f, "required", sev, 0);
		}
		note(t, ptr, metric, 1, "%s", null_note);
		return;
	}
	if (dup) {
		if (lim > 0 || !col) {
			cJSON *r = rule(t, q, prop, n, lim > 0 ? "duplicate_rate"
							    : "unique", sev);
			cJSON *l = cJSON_AddArrayToObject(r, "fields");
			const cJSON *x, *names = col ? NULL : props;
			if (col)
				cJSON_AddItemToArray(l, cJSON_CreateString(col));
			cJSON_ArrayForEach(x, names)
			if (cJSON_IsString(x)) {
				char *fp = dq_import_path("", x->valuestring);
				cJSON_AddItemToArray(l, cJSON_CreateString(fp));
				free(fp);
			}
			if (lim > 0) {
				cJSON_AddNumberToObject(r, "max", lim);
				note(t, ptr, metric, 1, "ODCS may count every "
				     "row of a repeated value; dq's rate the "
				     "repeats after the first");
			}
		} else if (put(t, f, "unique", cJSON_CreateTrue(), ptr)) {
			return;
		} else {
			per_check(f, "unique", sev, 0);
		}
		note(t, ptr, metric, 1, "%s", blank_note);
		return;
	}
	const char *made = invalid(t, f, q, ptr);
	if (!made)
		return;
	per_check(f, made, sev, lim);
	if (lim > 0)
		note(t, ptr, metric, 1, "a tolerance on the check, a share of "
		     "the values present; ODCS's percent is of all rows");
	note(t, ptr, metric, 1, "%s", blank_note);
	return;
unbounded:
	note(t, ptr, metric, 0, "a threshold dq cannot say here (it says "
	     "upper bounds on failures and ranges of row counts)");
}

/* Each rule of the list at ptr; col NULL: the object's. */
static void
qualities(struct odcs *t, const cJSON *list, const char *ptr,
	  const char *col, cJSON *f, int prop)
{
	const cJSON *q;
	int i = 0;

	if (!cJSON_IsArray(list)) {
		note(t, ptr, "quality", 0, "not a list");
		return;
	}
	cJSON_ArrayForEach(q, list)
	{
		char idx[24];
		snprintf(idx, sizeof(idx), "%d", i);
		char *p = dq_import_pointer(ptr, idx);
		quality(t, q, p, i++, col, f, prop);
		free(p);
	}
}

/* logicalTypeOptions of the field f (type: its logical type, or ""). */
static void
options(struct odcs *t, cJSON *f, const cJSON *o, const char *type,
	const char *ptr)
{
	const cJSON *v;
	int integer = !strcmp(type, "integer");

	cJSON_ArrayForEach(v, o)
	{
		const char *k = v->string;
		char *p = dq_import_pointer(ptr, k);
		int lower = !strcmp(k, "minimum") ||
			    !strcmp(k, "exclusiveMinimum");
		int items = !strcmp(k, "minItems") || !strcmp(k, "maxItems");
		if (items || !strcmp(k, "minLength") ||
		    !strcmp(k, "maxLength")) {
			if (!cJSON_IsNumber(v) || v->valuedouble < 0 ||
			    v->valuedouble != floor(v->valuedouble))
				note(t, p, k, 0, "not a whole number");
			else
				put(t, f, k[1] == 'i' ? items ? "min_items"
							      : "min_length"
				    : items	      ? "max_items"
						      : "max_length",
				    cJSON_Duplicate(v, 1), p);
		} else if (!strcmp(k, "uniqueItems")) {
			if (!cJSON_IsBool(v))
				note(t, p, k, 0, "not true or false");
			else if (cJSON_IsTrue(v))
				put(t, f, "unique_items", cJSON_CreateTrue(), p);
		} else if (!strcmp(k, "pattern")) {
			struct dq_buf b = DQ_BUF_INIT;
			const char *why = "not a string";
			int rc = cJSON_IsString(v) ? dq_ecma_to_ere(
							     v->valuestring, &b, &why)
						   : -1;
			if (rc < 0)
				note(t, p, k, 0, "%s: POSIX ERE cannot express "
				     "it", why);
			else if (!put(t, f, "pattern",
				      cJSON_CreateString(b.buf), p) && rc)
				note(t, p, k, 1, "%s", why);
			dq_buf_release(&b);
		} else if (!strcmp(k, "format")) {
			if (cJSON_IsString(v) && !strcmp(type, "string") &&
			    !strcmp(v->valuestring, "email")) {
				if (!put(t, f, "format",
					 cJSON_CreateString("email"), p))
					note(t, p, k, 1, "dq's email is RFC "
					     "5322's addr-spec");
			} else if (strcmp(type, "string")) {
				note(t, p, k, 1, "the %s's format as written "
				     "in the data source: dq reads RFC 3339",
				     *type ? type : "value");
			} else {
				note(t, p, k, 0, "dq has no format '%s' (it "
				     "reads email)", cJSON_IsString(v)
					     ? v->valuestring : "?");
			}
		} else if (lower || !strcmp(k, "maximum") ||
			   !strcmp(k, "exclusiveMaximum")) {
			const char *key = lower ? "min" : "max";
			int excl = !strncmp(k, "exclusive", 9);
			const cJSON *e = cJSON_GetObjectItemCaseSensitive(
				o, lower ? "exclusiveMinimum"
					 : "exclusiveMaximum");
			if (excl && cJSON_IsBool(v)) {
				free(p);
				continue; /* v3.0: read with the bound */
			}
			if (!excl && cJSON_IsTrue(e))
				excl = 1;
			if (!strcmp(type, "date") && cJSON_IsString(v) &&
			    !excl) {
				put(t, f, key, cJSON_Duplicate(v, 1), p);
			} else if (!cJSON_IsNumber(v)) {
				note(t, p, k, 0, "not a number");
			} else if (!excl) {
				put(t, f, key, cJSON_Duplicate(v, 1), p);
			} else if (integer &&
				   v->valuedouble == floor(v->valuedouble)) {
				/* Integers only: > 5 is >= 6. */
				put(t, f, key,
				    cJSON_CreateNumber(v->valuedouble +
						       (lower ? 1 : -1)), p);
			} else if (!put(t, f, key, cJSON_Duplicate(v, 1), p)) {
				note(t, p, k, 1, "an exclusive bound: dq's "
				     "range takes the limit itself");
			}
		} else {
			note(t, p, k, 0, "a logicalTypeOptions key dq-contract "
			     "does not read");
		}
		free(p);
	}
}

static const char *const quiet_property[] = { "name", "description",
	"businessName", "physicalType", "physicalName", "classification",
	"tags", "examples", "partitioned", "partitionKeyPosition",
	"primaryKeyPosition", "criticalDataElement", "transformLogic",
	"transformSourceObjects", "transformDescription", "encryptedName",
	"authoritativeDefinitions", "customProperties", "logicalType",
	"logicalTypeOptions", "required", "unique", "primaryKey", "quality",
	"id", NULL };

/* The prop-th property p at ptr.  A primary key's name goes to keys
 * (at its primaryKeyPosition). */
static void
property(struct odcs *t, const cJSON *it, const char *ptr, int prop,
	 cJSON *keys)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, "name");
	const cJSON *v, *lt = cJSON_GetObjectItemCaseSensitive(it,
							       "logicalType");
	const char *type = lt != NULL && cJSON_IsString(lt) ? lt->valuestring
							    : "";
	char *p;

	if (!cJSON_IsString(name) || !*name->valuestring) {
		note(t, ptr, "name", 0, "a property without a name");
		return;
	}
	char *col = dq_import_path("", name->valuestring);
	cJSON *f = dq_import_field(t->fields, name->valuestring);
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(
				   it, "description")))
		cJSON_AddStringToObject(f, "description", v->valuestring);
	if (lt) {
		p = dq_import_pointer(ptr, "logicalType");
		size_t k = 0;
		while (k < sizeof(types) / sizeof(types[0]) &&
		       strcmp(types[k].odcs, type))
			k++;
		if (k == sizeof(types) / sizeof(types[0]))
			note(t, p, "logicalType", 0, "dq has no type '%s'",
			     *type ? type : "?");
		else if (!put(t, f, "type", cJSON_CreateString(types[k].dq), p) &&
			 types[k].approx)
			note(t, p, "logicalType", 1, "%s", types[k].approx);
		free(p);
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "required"))) {
		p = dq_import_pointer(ptr, "required");
		if (!put(t, f, "required", cJSON_CreateTrue(), p))
			note(t, p, "required", 1, "%s", null_note);
		free(p);
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "unique"))) {
		p = dq_import_pointer(ptr, "unique");
		if (!put(t, f, "unique", cJSON_CreateTrue(), p))
			note(t, p, "unique", 1, "%s", blank_note);
		free(p);
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "primaryKey"))) {
		const cJSON *pos = cJSON_GetObjectItemCaseSensitive(
			it, "primaryKeyPosition");
		p = dq_import_pointer(ptr, "primaryKey");
		note(t, p, "primaryKey", 1, "required and unique: %s", null_note);
		free(p);
		cJSON *k = cJSON_CreateArray();
		cJSON_AddItemToArray(k, cJSON_CreateString(col));
		cJSON_AddItemToArray(k, cJSON_CreateNumber(
						cJSON_IsNumber(pos) ? pos->valuedouble
								    : prop));
		cJSON_AddItemToArray(keys, k);
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(it, "logicalTypeOptions"))) {
		p = dq_import_pointer(ptr, "logicalTypeOptions");
		options(t, f, v, type, p);
		free(p);
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(it, "quality"))) {
		p = dq_import_pointer(ptr, "quality");
		qualities(t, v, p, col, f, prop);
		free(p);
	}
	cJSON_ArrayForEach(v, it)
	if (!dq_import_in_list(quiet_property, v->string)) {
		p = dq_import_pointer(ptr, v->string);
		note(t, p, v->string, 0, "%s", !strcmp(v->string, "properties") ||
					       !strcmp(v->string, "items")
			     ? "a nested object's or array's properties: "
			       "not read"
			     : "a property key dq-contract does not read");
		free(p);
	}
	free(col);
}

/* The primary key: each part required; one part unique, several a
 * unique rule PK in primaryKeyPosition's order.  keys: [[name, pos]]. */
static void
primary_key(struct odcs *t, cJSON *keys)
{
	int n = cJSON_GetArraySize(keys);
	cJSON *k;

	if (!n)
		return;
	cJSON_ArrayForEach(k, keys)
	{
		/* The part's path, escaped already: its field is there. */
		cJSON *f = cJSON_GetObjectItemCaseSensitive(
			t->fields, k->child->valuestring);
		if (!cJSON_GetObjectItemCaseSensitive(f, "required"))
			cJSON_AddTrueToObject(f, "required");
		if (n == 1 && !cJSON_GetObjectItemCaseSensitive(f, "unique"))
			cJSON_AddTrueToObject(f, "unique");
	}
	if (n == 1)
		return;
	cJSON *r = cJSON_AddObjectToObject(t->rules, "PK");
	cJSON_AddStringToObject(r, "check", "unique");
	cJSON *l = cJSON_AddArrayToObject(r, "fields");
	/* n is small: pick the least position left each time. */
	for (int i = 0; i < n; i++) {
		cJSON *best = NULL;
		cJSON_ArrayForEach(k, keys)
		if (k->child->next &&
		    (!best || k->child->next->valuedouble <
				      best->child->next->valuedouble))
			best = k;
		if (!best)
			break;
		cJSON_AddItemToArray(l, cJSON_CreateString(
						best->child->valuestring));
		cJSON_DeleteItemFromArray(best, 1);
	}
}

static const char *const quiet_object[] = { "name", "description",
	"physicalName", "physicalType", "logicalType", "businessName",
	"dataGranularityDescription", "tags", "authoritativeDefinitions",
	"customProperties", "properties", "quality", "id", NULL };
static const char *const quiet_top[] = { "apiVersion", "kind", "id",
	"name", "version", "status", "domain", "dataProduct", "tenant",
	"description", "schema", "tags", "contractCreatedTs", NULL };

cJSON *
dq_import_odcs(struct dq_import *im, const cJSON *doc, const char *name)
{
	struct odcs t = { im, NULL, NULL, NULL };
	const cJSON *schema = cJSON_GetObjectItemCaseSensitive(doc, "schema");
	const cJSON *o, *pick = NULL, *v, *it;
	struct dq_buf list = DQ_BUF_INIT;
	int n = 0, at = 0;

	if (!cJSON_IsArray(schema) || !cJSON_GetArraySize(schema)) {
		dq_error("%s: not an ODCS contract with a schema (no "
			 "\"schema\" list)", im->file);
		return NULL;
	}
	cJSON_ArrayForEach(o, schema)
	{
		const cJSON *nm = cJSON_GetObjectItemCaseSensitive(o, "name");
		const char *s = cJSON_IsString(nm) ? nm->valuestring : "";
		dq_buf_addf(&list, "%s%s", n ? ", " : "", s);
		if (name ? !strcmp(s, name) && !pick : !n)
			pick = o, at = n;
		n++;
	}
	if (!name && n > 1) {
		dq_error("%s: %d schema objects: choose one with --schema (%s)",
			 im->file, n, list.buf);
		dq_buf_release(&list);
		return NULL;
	}
	if (!pick || !cJSON_IsObject(pick)) {
		if (name)
			dq_error("%s: no schema object '%s' (objects: %s)",
				 im->file, name, list.buf);
		else
			dq_error("%s: the schema object is not an object",
				 im->file);
		dq_buf_release(&list);
		return NULL;
	}
	dq_buf_release(&list);

	t.contract = cJSON_CreateObject();
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(pick, "name")))
		cJSON_AddStringToObject(t.contract, "name", v->valuestring);
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(pick,
								"description")))
		cJSON_AddStringToObject(t.contract, "description",
					v->valuestring);
	t.fields = cJSON_AddObjectToObject(t.contract, "fields");
	t.rules = cJSON_AddObjectToObject(t.contract, "rules");
	char ptr[48];
	snprintf(ptr, sizeof(ptr), "/schema/%d", at);
	cJSON *keys = cJSON_CreateArray();
	int i = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(pick,
								"properties"))
	{
		char p[80];
		snprintf(p, sizeof(p), "%s/properties/%d", ptr, i);
		property(&t, it, p, i++, keys);
	}
	primary_key(&t, keys);
	cJSON_Delete(keys);
	if ((v = cJSON_GetObjectItemCaseSensitive(pick, "quality"))) {
		char *p = dq_import_pointer(ptr, "quality");
		qualities(&t, v, p, NULL, NULL, -1);
		free(p);
	}
	cJSON_ArrayForEach(v, pick)
	if (!dq_import_in_list(quiet_object, v->string)) {
		char *p = dq_import_pointer(ptr, v->string);
		note(&t, p, v->string, 0, "an object key dq-contract does not "
		     "read");
		free(p);
	}
	cJSON_ArrayForEach(v, doc)
	if (!dq_import_in_list(quiet_top, v->string)) {
		char *p = dq_import_pointer("", v->string);
		note(&t, p, v->string, 0, "not read: the contract is one "
		     "schema object's checks");
		free(p);
	}
	/* A property only a rule not translated named has no entry. */
	dq_import_tidy(t.contract);
	return t.contract;
}
