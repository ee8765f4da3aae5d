/*
 * import.c - JSON Schema to dq contract.
 *
 * References: JSON Schema Core and Validation, drafts 4, 6, 7, 2019-09
 * and 2020-12 (json-schema.org); RFC 6901 (JSON pointers, the report's
 * paths).  One pass over the schema: the root's "properties" become
 * fields, nested objects' properties fields named by path ("a.b"), an
 * array's "items" the field "a[]".  Every field is written with
 * "missing": "absent", dq's form of JSON Schema's meaning of a value: only
 * an absent member is missing; null, "", [] and {} are values its checks
 * see, and an array is checked whole.  What dq cannot say exactly goes to
 * the report (import.h), never silently away.
 */
#include "contract/import.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "contract/ecma.h"

/* Bits of a schema's "type". */
enum {
	T_STRING = 1, T_INTEGER = 2, T_NUMBER = 4, T_BOOLEAN = 8,
	T_OBJECT = 16, T_ARRAY = 32, T_NULL = 64, T_ALL = 127
};

static const char *const type_names[] = {
	"string", "integer", "number", "boolean", "object", "array", "null"
};

struct js {
	struct dq_import *im;
	const cJSON *root;
	cJSON *contract, *fields, *rules;
	int depth;
};

void
dq_import_init(struct dq_import *im, const char *file)
{
	im->file = file;
	im->sub = NULL;
	im->report = cJSON_CreateArray();
	if (!im->report)
		dq_die("out of memory");
}

void
dq_import_release(struct dq_import *im)
{
	cJSON_Delete(im->report);
	im->report = NULL;
}

void
dq_import_note(struct dq_import *im, const char *ptr, const char *keyword,
	       int approx, const char *fmt, ...)
{
	struct dq_buf b = DQ_BUF_INIT;
	va_list ap;
	cJSON *e = cJSON_CreateObject();

	va_start(ap, fmt);
	dq_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (im->sub)
		cJSON_AddStringToObject(e, "file", im->sub);
	cJSON_AddStringToObject(e, "path", *ptr ? ptr : "/");
	cJSON_AddStringToObject(e, "keyword", keyword);
	cJSON_AddStringToObject(e, "status",
				approx ? "approximate" : "not translated");
	cJSON_AddStringToObject(e, "note", b.buf);
	cJSON_AddItemToArray(im->report, e);
	dq_buf_release(&b);
}

#define note(j, ...) dq_import_note((j)->im, __VA_ARGS__)

int
dq_import_warn(const struct dq_import *im)
{
	const cJSON *e;
	int n = 0;
	cJSON_ArrayForEach(e, im->report)
	{
		const cJSON *f = cJSON_GetObjectItem(e, "file");
		dq_warn("%s#%s: %s: %s", f ? f->valuestring : im->file,
			cJSON_GetObjectItem(e, "path")->valuestring,
			cJSON_GetObjectItem(e, "status")->valuestring,
			cJSON_GetObjectItem(e, "note")->valuestring);
		n++;
	}
	return n;
}

char *
dq_import_pointer(const char *ptr, const char *key)
{
	struct dq_buf b = DQ_BUF_INIT;
	dq_buf_addf(&b, "%s/", ptr);
	for (const char *s = key; *s; s++)
		if (*s == '~')
			dq_buf_addstr(&b, "~0");
		else if (*s == '/')
			dq_buf_addstr(&b, "~1");
		else
			dq_buf_addch(&b, *s);
	return dq_buf_detach(&b, NULL);
}

cJSON *
dq_import_rule(cJSON *rules, const char *check, const char *sev,
	       const char *code_fmt, ...)
{
	struct dq_buf code = DQ_BUF_INIT;
	va_list ap;
	va_start(ap, code_fmt);
	dq_buf_vaddf(&code, code_fmt, ap);
	va_end(ap);
	cJSON *r = cJSON_AddObjectToObject(rules, code.buf);
	dq_buf_release(&code);
	cJSON_AddStringToObject(r, "check", check);
	if (sev && strcmp(sev, "error"))
		cJSON_AddStringToObject(r, "severity", sev);
	return r;
}

cJSON *
dq_import_field(cJSON *fields, const char *col)
{
	char *n = dq_import_path("", col);
	cJSON *f = cJSON_GetObjectItemCaseSensitive(fields, n);
	if (!f)
		f = cJSON_AddObjectToObject(fields, n);
	free(n);
	return f;
}

int
dq_import_put(struct dq_import *im, cJSON *f, const char *key, cJSON *v,
	      const char *ptr, const char *what)
{
	if (cJSON_GetObjectItemCaseSensitive(f, key)) {
		dq_import_note(im, ptr, key, 0, "a second %s sets the "
			       "column's '%s': dq's field has one", what, key);
		cJSON_Delete(v);
		return -1;
	}
	cJSON_AddItemToObject(f, key, v);
	return 0;
}

void
dq_import_per_check(cJSON *f, const char *key, const char *check, cJSON *v)
{
	cJSON *o = cJSON_GetObjectItemCaseSensitive(f, key);
	if (!o)
		o = cJSON_AddObjectToObject(f, key);
	cJSON_DeleteItemFromObjectCaseSensitive(o, check);
	cJSON_AddItemToObject(o, check, v);
}

void
dq_import_prune(cJSON *fields)
{
	for (cJSON *f = fields->child, *next; f; f = next) {
		next = f->next;
		if (!f->child)
			cJSON_Delete(cJSON_DetachItemViaPointer(fields, f));
	}
}

int
dq_import_failure_limit(const struct dq_import_thr *th, int count,
			double *lim)
{
	switch (th->op) {
	case DQ_OP_EQ:
		*lim = 0;
		return th->a == 0 ? 1 : -1;
	case DQ_OP_LE:
		*lim = th->a;
		return 1;
	case DQ_OP_LT:
		if (count && th->a == floor(th->a)) {
			*lim = th->a - 1;
			return *lim >= 0 ? 1 : -1;
		}
		*lim = th->a;
		return th->a > 0 ? 0 : -1;
	default:
		return -1;
	}
}

int
dq_import_bounds(cJSON *r, const struct dq_import_thr *th, int integral)
{
	double a = th->a;
	int strict = th->op == DQ_OP_LT || th->op == DQ_OP_GT;
	if (strict && integral && a == floor(a))
		a += th->op == DQ_OP_LT ? -1 : 1, strict = 0;
	switch (th->op) {
	case DQ_OP_EQ:
		cJSON_AddNumberToObject(r, "min", a);
		cJSON_AddNumberToObject(r, "max", a);
		return 0;
	case DQ_OP_LT:
	case DQ_OP_LE:
		cJSON_AddNumberToObject(r, "max", a);
		return strict;
	case DQ_OP_GT:
	case DQ_OP_GE:
		cJSON_AddNumberToObject(r, "min", a);
		return strict;
	case DQ_OP_IN:
		cJSON_AddNumberToObject(r, "min", a);
		cJSON_AddNumberToObject(r, "max", th->b);
		return 0;
	default:
		return -1;
	}
}

void
dq_import_tidy(cJSON *contract)
{
	cJSON *rules = cJSON_GetObjectItemCaseSensitive(contract, "rules");
	cJSON *fields = cJSON_GetObjectItemCaseSensitive(contract, "fields");
	if (rules && !rules->child)
		cJSON_DeleteItemFromObject(contract, "rules");
	if (fields) {
		dq_import_prune(fields);
		if (!fields->child)
			cJSON_DeleteItemFromObject(contract, "fields");
	}
}

const char *
dq_import_ref(const char *const *refs, const char *name, size_t len)
{
	for (const char *const *r = refs; r && *r; r++)
		if (!strncmp(*r, name, len) && (*r)[len] == '=')
			return *r + len + 1;
	return NULL;
}

char *
dq_import_path(const char *path, const char *name)
{
	struct dq_buf b = DQ_BUF_INIT;
	if (*path)
		dq_buf_addf(&b, "%s.", path);
	for (const char *s = name; *s; s++) {
		if (strchr(".[]\\", *s))
			dq_buf_addch(&b, '\\');
		dq_buf_addch(&b, *s);
	}
	return dq_buf_detach(&b, NULL);
}

/* The schema a local "$ref" ("#", "#/definitions/x", "#/$defs/x") points
 * at, or NULL. */
static const cJSON *
resolve(const struct js *j, const char *ref)
{
	const cJSON *at = j->root;
	if (ref[0] != '#')
		return NULL;
	for (const char *p = ref + 1; *p && at;) {
		if (*p != '/')
			return NULL;
		p++;
		struct dq_buf b = DQ_BUF_INIT;
		while (*p && *p != '/') {
			if (p[0] == '~' && (p[1] == '0' || p[1] == '1')) {
				dq_buf_addch(&b, p[1] == '0' ? '~' : '/');
				p += 2;
			} else if (p[0] == '%' && p[1] && p[2]) {
				char h[3] = { p[1], p[2], 0 };
				dq_buf_addch(&b, (int)strtol(h, NULL, 16));
				p += 3;
			} else {
				dq_buf_addch(&b, *p++);
			}
		}
		if (cJSON_IsArray(at)) {
			char *end;
			long i = strtol(b.buf, &end, 10);
			at = *end || !b.len ? NULL : cJSON_GetArrayItem(at, (int)i);
		} else {
			at = cJSON_GetObjectItemCaseSensitive(at, b.buf);
		}
		dq_buf_release(&b);
	}
	return at;
}

/* The type bits of schema s (T_ALL without "type"); -1 when "type" is
 * not a type name or a list of them. */
static int
type_bits(const cJSON *s)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(s, "type"), *it;
	int bits = 0;
	if (!t)
		return T_ALL;
	if (cJSON_IsString(t)) {
		for (int k = 0; k < 7; k++)
			if (!strcmp(t->valuestring, type_names[k]))
				return 1 << k;
		return -1;
	}
	if (!cJSON_IsArray(t) || !cJSON_GetArraySize(t))
		return -1;
	cJSON_ArrayForEach(it, t)
	{
		int k;
		if (!cJSON_IsString(it))
			return -1;
		for (k = 0; k < 7; k++)
			if (!strcmp(it->valuestring, type_names[k]))
				break;
		if (k == 7)
			return -1;
		bits |= 1 << k;
	}
	return bits;
}

static cJSON *
field(struct js *j, const char *path)
{
	cJSON *f = cJSON_GetObjectItemCaseSensitive(j->fields, path);
	if (!f) {
		f = cJSON_AddObjectToObject(j->fields, path);
		cJSON_AddStringToObject(f, "missing", "absent");
	}
	return f;
}

/* Set f.key to v (which it takes), unless it holds another value: both
 * constraints hold in JSON Schema, and dq's field has one of each. */
static void
set(struct js *j, cJSON *f, const char *key, cJSON *v, const char *ptr,
    const char *keyword)
{
	cJSON *old = cJSON_GetObjectItemCaseSensitive(f, key);
	if (!old) {
		cJSON_AddItemToObject(f, key, v);
		return;
	}
	if (!cJSON_Compare(old, v, 1))
		note(j, ptr, keyword, 0, "a second '%s' on the same value "
		     "(from $ref or allOf): dq's field keeps the first", key);
	cJSON_Delete(v);
}

/* A dq rule in the contract's "rules" (code unique by a suffix). */
static cJSON *
rule(struct js *j, const char *prefix, const char *path)
{
	struct dq_buf b = DQ_BUF_INIT;
	dq_buf_addf(&b, "%s:%s", prefix, path);
	for (int n = 2; cJSON_GetObjectItemCaseSensitive(j->rules, b.buf);
	     n++) {
		dq_buf_reset(&b);
		dq_buf_addf(&b, "%s:%s#%d", prefix, path, n);
	}
	cJSON *r = cJSON_AddObjectToObject(j->rules, b.buf);
	dq_buf_release(&b);
	return r;
}

/* JSON Schema keywords that validate nothing: annotations. */
static const char *const annotations[] = {
	"$schema", "$id", "id", "$comment", "$anchor", "$dynamicAnchor",
	"$vocabulary", "title", "examples", "default", "deprecated",
	"readOnly", "writeOnly", "$defs", "definitions", "contentMediaType",
	"contentEncoding", "contentSchema", "description", NULL
};

/* Keywords dq has no form for. */
static const char *const untranslated[] = {
	"oneOf", "not", "contains",
	"minContains", "maxContains", "prefixItems", "additionalItems",
	"unevaluatedItems", "unevaluatedProperties", "patternProperties",
	"propertyNames", "dependentRequired", "dependentSchemas",
	"dependencies", "minProperties", "maxProperties", "multipleOf",
	"$dynamicRef", "$recursiveRef", "$recursiveAnchor", NULL
};

int
dq_import_in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return 1;
	return 0;
}

void
dq_export_rest(struct dq_import *im, const cJSON *contract, const char *said,
	       const char *format)
{
	static const char *const keys[] = { "name", "description", "fields",
		"rules", "version", "id", NULL };
	const cJSON *it;
	cJSON_ArrayForEach(it, contract)
	if (!dq_import_in_list(keys, it->string) &&
	    (!said || strcmp(it->string, said))) {
		char *p = dq_import_pointer("", it->string);
		dq_import_note(im, p, it->string, 0, "not a check %s can say",
			       format);
		free(p);
	}
}

static void schema(struct js *j, const char *path, const cJSON *s,
		   const char *ptr, int chain);

/* s, through a local "$ref" when it is only that. */
static const cJSON *
deref(const struct js *j, const cJSON *s)
{
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(s, "$ref");
	if (cJSON_IsString(r) && cJSON_GetArraySize(s) == 1) {
		const cJSON *t = resolve(j, r->valuestring);
		return t ? t : s;
	}
	return s;
}

/* Is s the "present" idiom, {"not": {"enum": [null, ""]}}: a value that
 * is neither null nor ""? */
static int
is_present(const struct js *j, const cJSON *s)
{
	const cJSON *n, *e;
	s = deref(j, s);
	n = cJSON_GetObjectItemCaseSensitive(s, "not");
	e = cJSON_GetObjectItemCaseSensitive(n, "enum");
	if (cJSON_GetArraySize(s) != 1 || cJSON_GetArraySize(n) != 1 ||
	    cJSON_GetArraySize(e) != 2)
		return 0;
	const cJSON *a = cJSON_GetArrayItem(e, 0), *b = cJSON_GetArrayItem(e, 1);
	return (cJSON_IsNull(a) && cJSON_IsString(b) && !*b->valuestring) ||
	       (cJSON_IsNull(b) && cJSON_IsString(a) && !*a->valuestring);
}

/* The member name of the idiom {"required": [X], "properties": {X: V}}
 * (V the present idiom when present is set, else {"const": C} with *c
 * set to C), or NULL. */
static const char *
one_member(const struct js *j, const cJSON *s, int present, const cJSON **c)
{
	const cJSON *req, *props, *v;
	s = deref(j, s);
	req = cJSON_GetObjectItemCaseSensitive(s, "required");
	props = cJSON_GetObjectItemCaseSensitive(s, "properties");
	if (cJSON_GetArraySize(s) != 2 || cJSON_GetArraySize(req) != 1 ||
	    cJSON_GetArraySize(props) != 1 ||
	    !cJSON_IsString(req->child) || !props->child->string ||
	    strcmp(req->child->valuestring, props->child->string))
		return NULL;
	v = deref(j, props->child);
	if (present)
		return is_present(j, v) ? props->child->string : NULL;
	*c = cJSON_GetObjectItemCaseSensitive(v, "const");
	if (cJSON_GetArraySize(v) != 1 || !*c || cJSON_IsObject(*c) ||
	    cJSON_IsArray(*c))
		return NULL;
	return props->child->string;
}

static const char blank_note[] =
	"dq's missing (blank) also takes strings of white space, [] and {}, "
	"where the schema checks them";

/*
 * "if" with "then" (no "else"), in the idioms a hand-written twin of a
 * dq contract uses (scripts/bench-validate.schema.json):
 *  - on a member, if present then S: S with dq's own meaning of missing;
 *  - if X is C then G is present: a required rule on G with
 *    "if": {"field": X, "equals": C}.
 * 1 when translated.
 */
static int
do_if(struct js *j, const char *path, const cJSON *s, const char *ptr)
{
	const cJSON *cond = cJSON_GetObjectItemCaseSensitive(s, "if");
	const cJSON *then = cJSON_GetObjectItemCaseSensitive(s, "then");
	const cJSON *c = NULL;
	const char *x, *g;

	if (!then || cJSON_GetObjectItemCaseSensitive(s, "else"))
		return 0;
	if (*path && is_present(j, cond)) {
		cJSON *f = field(j, path);
		cJSON_DeleteItemFromObjectCaseSensitive(f, "missing");
		char *p = dq_import_pointer(ptr, "then");
		schema(j, path, then, p, 0);
		cJSON_DeleteItemFromObjectCaseSensitive(f, "missing");
		note(j, p, "then", 1, "checked when '%s' is present: %s",
		     path, blank_note);
		free(p);
		return 1;
	}
	if (strstr(path, "[]") || !(x = one_member(j, cond, 0, &c)) ||
	    !(g = one_member(j, then, 1, NULL)))
		return 0;
	char *xp = dq_import_path(path, x), *gp = dq_import_path(path, g);
	cJSON *r = rule(j, "REQ", gp);
	cJSON_AddStringToObject(r, "check", "required");
	cJSON_AddStringToObject(r, "field", gp);
	cJSON *w = cJSON_AddObjectToObject(r, "if");
	cJSON_AddStringToObject(w, "field", xp);
	cJSON_AddItemToObject(w, "equals", cJSON_Duplicate(c, 1));
	note(j, ptr, "if", 1, "'%s' is required when '%s' is %s: %s", gp, xp,
	     cJSON_IsString(c) ? c->valuestring
	     : cJSON_IsTrue(c) ? "true" : cJSON_IsFalse(c) ? "false" : "that",
	     blank_note);
	free(xp);
	free(gp);
	return 1;
}

/* "anyOf" whose every branch says one member is present: an any_of
 * rule.  1 when translated. */
static int
do_any_of(struct js *j, const char *path, const cJSON *v, const char *ptr)
{
	const cJSON *b;
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) < 2 ||
	    strstr(path, "[]"))
		return 0;
	cJSON_ArrayForEach(b, v)
	if (!one_member(j, b, 1, NULL))
		return 0;
	cJSON *list = cJSON_CreateArray();
	struct dq_buf names = DQ_BUF_INIT;
	cJSON_ArrayForEach(b, v)
	{
		char *cp = dq_import_path(path, one_member(j, b, 1, NULL));
		cJSON_AddItemToArray(list, cJSON_CreateString(cp));
		dq_buf_addf(&names, "%s%s", names.len ? "," : "", cp);
		free(cp);
	}
	cJSON *r = rule(j, "ANY", names.buf);
	cJSON_AddStringToObject(r, "check", "any_of");
	cJSON_AddItemToObject(r, "fields", list);
	note(j, ptr, "anyOf", 1, "one of %s is present: %s", names.buf,
	     blank_note);
	dq_buf_release(&names);
	return 1;
}

static void
do_type(struct js *j, cJSON *f, const cJSON *v, int bits, const char *ptr)
{
	if (bits < 0) {
		note(j, ptr, "type", 0, "not a type name or a list of them");
		return;
	}
	if (bits == T_ALL && !v)
		return;
	if (bits & T_INTEGER)
		note(j, ptr, "type", 1, "dq's integer is a number written "
		     "without '.', 'e' or 'E': 1.0 and 1e2 are integers in "
		     "JSON Schema, not in dq");
	/* "number" includes "integer": the list says number. */
	if ((bits & T_NUMBER) && (bits & T_INTEGER))
		bits &= ~T_INTEGER;
	int n = 0, k1 = 0;
	for (int k = 0; k < 7; k++)
		if (bits & (1 << k)) {
			n++;
			k1 = k;
		}
	if (n == 1 && k1 != 6) {
		set(j, f, "type", cJSON_CreateString(type_names[k1]), ptr,
		    "type");
		return;
	}
	cJSON *list = cJSON_CreateArray();
	for (int k = 0; k < 7; k++)
		if (bits & (1 << k))
			cJSON_AddItemToArray(list,
					     cJSON_CreateString(type_names[k]));
	set(j, f, "type", list, ptr, "type");
}

static void
do_enum(struct js *j, cJSON *f, const cJSON *v, const char *kw,
	const char *ptr)
{
	const cJSON *it;
	cJSON *vals;
	if (!strcmp(kw, "const")) {
		vals = cJSON_CreateArray();
		cJSON_AddItemToArray(vals, cJSON_Duplicate(v, 1));
	} else {
		if (!cJSON_IsArray(v) || !cJSON_GetArraySize(v)) {
			note(j, ptr, kw, 0, "an empty or malformed enum "
			     "(no value is valid): dq's enum has at least "
			     "one value");
			return;
		}
		vals = cJSON_Duplicate(v, 1);
	}
	cJSON_ArrayForEach(it, vals)
	if (cJSON_IsObject(it) || cJSON_IsArray(it)) {
		note(j, ptr, kw, 0, "an object or array value: dq's enum "
		     "holds strings, numbers, booleans and null");
		cJSON_Delete(vals);
		return;
	}
	set(j, f, "enum", vals, ptr, kw);
}

static void
do_pattern(struct js *j, cJSON *f, const cJSON *v, int bits,
	   const char *ptr)
{
	struct dq_buf b = DQ_BUF_INIT;
	const char *why;
	int rc;

	if (!cJSON_IsString(v)) {
		note(j, ptr, "pattern", 0, "not a string");
		return;
	}
	if (!(bits & T_STRING))
		return; /* applies to strings only: nothing to check */
	rc = dq_ecma_to_ere(v->valuestring, &b, &why);
	if (rc < 0) {
		note(j, ptr, "pattern", 0, "%s: POSIX ERE cannot express it",
		     why);
	} else {
		if (rc > 0)
			note(j, ptr, "pattern", 1, "%s", why);
		if (bits & (T_INTEGER | T_NUMBER))
			note(j, ptr, "pattern", 1, "dq matches a pattern "
			     "against the text of a number too; JSON Schema "
			     "only against strings");
		set(j, f, "pattern", cJSON_CreateString(b.buf), ptr,
		    "pattern");
	}
	dq_buf_release(&b);
}

static void
do_format(struct js *j, cJSON *f, const cJSON *v, int bits,
	  const char *ptr)
{
	static const char *const map[][3] = {
		{ "email", "email", "dq's is RFC 5322's addr-spec "
		  "(dq-normalize's rule), JSON Schema's RFC 5321's Mailbox" },
		{ "date", "date", "dq's is RFC 3339's full-date, as "
		  "JSON Schema's" },
		{ "date-time", "datetime", "dq's RFC 3339 date-time "
		  "also takes a date alone and a time without seconds or "
		  "zone" },
		{ NULL, NULL, NULL }
	};
	if (!cJSON_IsString(v)) {
		note(j, ptr, "format", 0, "not a string");
		return;
	}
	if (!(bits & T_STRING))
		return;
	for (int k = 0; map[k][0]; k++)
		if (!strcmp(map[k][0], v->valuestring)) {
			note(j, ptr, "format", 1, "asserted by dq (an "
			     "annotation unless the validator asserts "
			     "formats); %s", map[k][2]);
			set(j, f, "format", cJSON_CreateString(map[k][1]),
			    ptr, "format");
			return;
		}
	note(j, ptr, "format", 0, "dq has no format '%s' (it has email, "
	     "date and date-time)", v->valuestring);
}

/* Ajv's formatMinimum and formatMaximum (ajv-formats) on a date or
 * date-time: dq's date bounds. */
static void
do_format_bound(struct js *j, cJSON *f, const cJSON *s, const cJSON *v,
		const char *kw, const char *ptr)
{
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(s, "format");
	if (!f || !cJSON_IsString(v) || !cJSON_IsString(fmt) ||
	    (strcmp(fmt->valuestring, "date") &&
	     strcmp(fmt->valuestring, "date-time"))) {
		note(j, ptr, kw, 0, "not a JSON Schema keyword dq knows "
		     "(Ajv's, on a date or date-time only): not checked");
		return;
	}
	set(j, f, kw[6] == 'M' && kw[7] == 'i' ? "min" : "max",
	    cJSON_CreateString(v->valuestring), ptr, kw);
	note(j, ptr, kw, 1, "Ajv's keyword (ajv-formats), not JSON Schema's: "
	     "a dq date bound (\"today\" is the run's day, as "
	     "scripts/bench-ajv.js reads it)");
}

/* minimum, maximum and the exclusive ones (a number since draft 6, a
 * boolean beside minimum/maximum in draft 4). */
static void
do_bound(struct js *j, const char *path, cJSON *f, const cJSON *s,
	 const char *kw, int bits, const char *ptr)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(s, kw);
	int lower = !strcmp(kw, "minimum") || !strcmp(kw, "exclusiveMinimum");
	int excl = !strncmp(kw, "exclusive", 9);
	const char *key = lower ? "min" : "max";

	if (excl && cJSON_IsBool(v))
		return; /* draft 4: read with minimum/maximum */
	if (!excl && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
			     s, lower ? "exclusiveMinimum"
				      : "exclusiveMaximum")))
		excl = 1;
	if (!cJSON_IsNumber(v)) {
		note(j, ptr, kw, 0, "not a number");
		return;
	}
	if (!(bits & (T_INTEGER | T_NUMBER)))
		return; /* applies to numbers only */
	if (bits & T_STRING)
		note(j, ptr, kw, 1, "dq's range fails a string of a number "
		     "and '%%' (\"50%%\"), which JSON Schema lets pass");
	double x = v->valuedouble;
	if (!excl) {
		set(j, f, key, cJSON_CreateNumber(x), ptr, kw);
		return;
	}
	if (!(bits & T_NUMBER) && x == floor(x) && fabs(x) < 9e15) {
		/* Integers only: > 5 is >= 6. */
		set(j, f, key, cJSON_CreateNumber(lower ? x + 1 : x - 1), ptr,
		    kw);
		return;
	}
	if (strpbrk(path, ".[]\\`")) {
		note(j, ptr, kw, 0, "an exclusive bound on a nested value: "
		     "dq's range is inclusive and its expressions read "
		     "top-level fields");
		return;
	}
	char num[64];
	snprintf(num, sizeof(num), "%.17g", x);
	struct dq_buf b = DQ_BUF_INIT;
	dq_buf_addf(&b, "`%s` %s %s", path, lower ? ">" : "<", num);
	cJSON *r = rule(j, lower ? "XMIN" : "XMAX", path);
	cJSON_AddStringToObject(r, "check", "expr");
	cJSON_AddStringToObject(r, "expr", b.buf);
	dq_buf_release(&b);
}

static void
do_count(struct js *j, cJSON *f, const cJSON *v, const char *kw,
	 const char *key, const char *ptr)
{
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 ||
	    v->valuedouble != floor(v->valuedouble)) {
		note(j, ptr, kw, 0, "not a whole number");
		return;
	}
	set(j, f, key, cJSON_CreateNumber(v->valuedouble), ptr, kw);
}

static void
do_required(struct js *j, const char *path, const cJSON *s,
	    const cJSON *v, const char *ptr, int chain)
{
	const cJSON *it;
	if (!cJSON_IsArray(v)) {
		note(j, ptr, "required", 0, "not a list of names");
		return;
	}
	cJSON_ArrayForEach(it, v)
	{
		if (!cJSON_IsString(it)) {
			note(j, ptr, "required", 0, "not a list of names");
			continue;
		}
		char *cp = dq_import_path(path, it->valuestring);
		if (strstr(path, "[]")) {
			note(j, ptr, "required", 0, "'%s' in each element "
			     "of an array: dq's required reads the path's "
			     "values, not each element's members",
			     it->valuestring);
		} else if (chain) {
			cJSON *f = field(j, cp);
			set(j, f, "required", cJSON_CreateTrue(), ptr,
			    "required");
		} else {
			cJSON *r = rule(j, "REQ", cp);
			cJSON_AddStringToObject(r, "check", "required");
			cJSON_AddStringToObject(r, "field", cp);
			cJSON *c = cJSON_AddObjectToObject(r, "if");
			cJSON_AddStringToObject(c, "field", path);
			cJSON_AddTrueToObject(c, "present");
			note(j, ptr, "required", 1, "'%s' is required when "
			     "'%s' is present and not null or {}: JSON "
			     "Schema requires it in any object there, {} "
			     "included", cp, path);
		}
		free(cp);
	}
	(void)s;
}

/* The children of an object schema at path. */
static void
do_properties(struct js *j, const char *path, const cJSON *s,
	      const cJSON *v, const char *ptr, int chain)
{
	const cJSON *it;
	const cJSON *req = cJSON_GetObjectItemCaseSensitive(s, "required");
	if (!cJSON_IsObject(v)) {
		note(j, ptr, "properties", 0, "not an object");
		return;
	}
	cJSON_ArrayForEach(it, v)
	{
		char *cp = dq_import_path(path, it->string);
		char *p = dq_import_pointer(ptr, it->string);
		int is_req = 0;
		const cJSON *r;
		cJSON_ArrayForEach(r, req)
		is_req |= cJSON_IsString(r) &&
			  !strcmp(r->valuestring, it->string);
		field(j, cp);
		/* A nested member's required is exact when every object
		 * on the way is required and can only be an object. */
		schema(j, cp, it, p,
		       chain && is_req && !strstr(cp, "[]") &&
			       cJSON_IsObject(it) && type_bits(it) == T_OBJECT);
		free(cp);
		free(p);
	}
}

static void
schema(struct js *j, const char *path, const cJSON *s, const char *ptr,
       int chain)
{
	const cJSON *it;
	int bits;

	if (cJSON_IsTrue(s))
		return;
	if (cJSON_IsFalse(s)) {
		note(j, ptr, "false", 0, "a schema that no value passes");
		return;
	}
	if (!cJSON_IsObject(s)) {
		note(j, ptr, "schema", 0, "not a schema (an object or a "
		     "boolean)");
		return;
	}
	if (++j->depth > 64) {
		note(j, ptr, "$ref", 0, "nested or referred to more than 64 "
		     "levels deep");
		j->depth--;
		return;
	}
	bits = type_bits(s);
	cJSON *f = *path ? field(j, path) : NULL;
	cJSON_ArrayForEach(it, s)
	{
		const char *kw = it->string;
		char *p = dq_import_pointer(ptr, kw);
		if (!strcmp(kw, "description") && f && cJSON_IsString(it)) {
			set(j, f, "description", cJSON_Duplicate(it, 1), p,
			    kw);
		} else if (dq_import_in_list(annotations, kw)) {
			/* validates nothing */
		} else if (!strcmp(kw, "$ref")) {
			const cJSON *t = cJSON_IsString(it)
						 ? resolve(j, it->valuestring)
						 : NULL;
			if (!t)
				note(j, p, kw, 0, "not a reference dq can "
				     "follow (only '#...' in this document)");
			else
				schema(j, path, t, p, chain);
		} else if (!strcmp(kw, "allOf") && cJSON_IsArray(it)) {
			const cJSON *sub;
			int i = 0;
			cJSON_ArrayForEach(sub, it)
			{
				char n[24];
				snprintf(n, sizeof(n), "%d", i++);
				char *q = dq_import_pointer(p, n);
				schema(j, path, sub, q, chain);
				free(q);
			}
		} else if (!strcmp(kw, "if")) {
			if (!do_if(j, path, s, ptr))
				note(j, p, kw, 0, "dq has no form for this "
				     "'if' (with its 'then' and 'else')");
		} else if (!strcmp(kw, "then") || !strcmp(kw, "else")) {
			/* read with "if" (alone, JSON Schema ignores it) */
		} else if (!strcmp(kw, "anyOf")) {
			if (!do_any_of(j, path, it, p))
				note(j, p, kw, 0, "dq has no form for 'anyOf'");
		} else if (!strcmp(kw, "formatMinimum") ||
			   !strcmp(kw, "formatMaximum")) {
			do_format_bound(j, f, s, it, kw, p);
		} else if (dq_import_in_list(untranslated, kw)) {
			note(j, p, kw, 0, "dq has no form for '%s'", kw);
		} else if (!strcmp(kw, "properties")) {
			do_properties(j, path, s, it, p, chain);
		} else if (!strcmp(kw, "required")) {
			do_required(j, path, s, it, p, chain);
		} else if (!strcmp(kw, "additionalProperties")) {
			if (cJSON_IsTrue(it) ||
			    (cJSON_IsObject(it) && !it->child)) {
				/* anything goes */
			} else if (cJSON_IsFalse(it) && !*path) {
				cJSON *r = rule(j, "CLOSED", "record");
				cJSON_AddStringToObject(r, "check", "closed");
				note(j, p, kw, 1, "dq's rule 'closed' fails "
				     "the run and names the members no "
				     "property declares, with their count, but "
				     "does not mark the records that have them");
			} else {
				note(j, p, kw, 0, "dq closes the record's "
				     "top level only (rule 'closed'), and "
				     "has no schema for other members");
			}
		} else if (!*path) {
			if (strcmp(kw, "type") || bits != T_OBJECT)
				note(j, p, kw, 0, "a record is a JSON "
				     "object: '%s' at the top level is not "
				     "translated", kw);
		} else if (!strcmp(kw, "type")) {
			do_type(j, f, it, bits, p);
		} else if (!strcmp(kw, "enum") || !strcmp(kw, "const")) {
			do_enum(j, f, it, kw, p);
		} else if (!strcmp(kw, "pattern")) {
			do_pattern(j, f, it, bits, p);
		} else if (!strcmp(kw, "format")) {
			do_format(j, f, it, bits, p);
		} else if (!strcmp(kw, "minimum") || !strcmp(kw, "maximum") ||
			   !strcmp(kw, "exclusiveMinimum") ||
			   !strcmp(kw, "exclusiveMaximum")) {
			do_bound(j, path, f, s, kw, bits, p);
		} else if (!strcmp(kw, "minLength") ||
			   !strcmp(kw, "maxLength")) {
			if (bits & T_STRING)
				do_count(j, f, it, kw, kw[1] == 'i'
						? "min_length" : "max_length", p);
		} else if (!strcmp(kw, "minItems") ||
			   !strcmp(kw, "maxItems")) {
			if (bits & T_ARRAY)
				do_count(j, f, it, kw, kw[1] == 'i'
						? "min_items" : "max_items", p);
		} else if (!strcmp(kw, "uniqueItems")) {
			if (cJSON_IsTrue(it) && (bits & T_ARRAY)) {
				const cJSON *el = cJSON_GetObjectItemCaseSensitive(
					s, "items");
				int eb = cJSON_IsObject(el) ? type_bits(el)
							    : T_ALL;
				set(j, f, "unique_items", cJSON_CreateTrue(),
				    p, kw);
				if (eb < 0 || (eb & (T_OBJECT | T_ARRAY)))
					note(j, p, kw, 1, "dq compares objects "
					     "and arrays by their text (key "
					     "order counts), JSON Schema by "
					     "their content");
			}
		} else if (!strcmp(kw, "items")) {
			if (cJSON_IsFalse(it)) {
				set(j, f, "max_items", cJSON_CreateNumber(0), p,
				    kw);
			} else if (cJSON_IsObject(it)) {
				char *ep = dq_xmalloc(strlen(path) + 3);
				sprintf(ep, "%s[]", path);
				field(j, ep);
				schema(j, ep, it, p, 0);
				free(ep);
			} else if (!cJSON_IsTrue(it)) {
				note(j, p, kw, 0, "a list of schemas (one "
				     "per position): dq checks every element "
				     "alike");
			}
		} else {
			note(j, p, kw, 0, "not a JSON Schema keyword dq "
			     "knows: not checked");
		}
		free(p);
	}
	j->depth--;
}

cJSON *
dq_import_jsonschema(struct dq_import *im, const cJSON *s)
{
	struct js j = { im, s, NULL, NULL, NULL, 0 };
	const cJSON *v;

	if (!cJSON_IsObject(s)) {
		dq_error("%s: not a JSON Schema (an object)", im->file);
		return NULL;
	}
	int bits = type_bits(s);
	if (bits < 0 || !(bits & T_OBJECT)) {
		dq_error("%s: the schema is not of objects (records are "
			 "JSON objects)", im->file);
		return NULL;
	}
	j.contract = cJSON_CreateObject();
	if ((v = cJSON_GetObjectItemCaseSensitive(s, "title")) &&
	    cJSON_IsString(v))
		cJSON_AddStringToObject(j.contract, "name", v->valuestring);
	if ((v = cJSON_GetObjectItemCaseSensitive(s, "description")) &&
	    cJSON_IsString(v))
		cJSON_AddStringToObject(j.contract, "description",
					v->valuestring);
	j.fields = cJSON_AddObjectToObject(j.contract, "fields");
	j.rules = cJSON_AddObjectToObject(j.contract, "rules");
	schema(&j, "", s, "", 1);
	if (!j.rules->child)
		cJSON_DeleteItemFromObject(j.contract, "rules");
	return j.contract;
}
