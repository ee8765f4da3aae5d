/*
 * export.c - dq contract to JSON Schema (2020-12).
 *
 * The inverse of import.c's mapping (docs/contract.md, "Importing and
 * exporting"), for the subset JSON Schema can say; every key or rule it
 * cannot say goes to the report, as an import's do, with its place in
 * the contract as a JSON pointer.  A field with "missing": "absent" has
 * JSON Schema's meaning of a value and maps directly; a field with dq's
 * own meaning has its checks under {"if": present, "then": ...}, present
 * being {"not": {"enum": [null, ""]}}, and its required adds that to the
 * member (approximate: dq's blank also takes white space, [] and {}).
 */
#include "contract/import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "contract/contract.h"
#include "contract/ecma.h"

struct ex {
	struct dq_import *im;
	cJSON *schema;
};

#define note(x, ...) dq_import_note((x)->im, __VA_ARGS__)

/* Metadata: changes no result, so nothing to say. */
static const char *const quiet_keys[] = { "codes", "hint", "owner", "tags",
	"example", "description", "missing", "normalize", "region", NULL };

/* The object schema of the member path names, made on the way:
 * "a.b" -> properties.a.properties.b, "a[]" -> properties.a.items. */
static cJSON *
node(cJSON *root, const char *path, cJSON **parent, char **last)
{
	cJSON *at = root;
	struct dq_buf key = DQ_BUF_INIT;
	const char *p = path;

	*parent = NULL;
	while (*p) {
		dq_buf_reset(&key);
		while (*p && *p != '.' && *p != '[') {
			if (*p == '\\' && p[1])
				p++;
			dq_buf_addch(&key, *p++);
		}
		cJSON *props = cJSON_GetObjectItemCaseSensitive(at, "properties");
		if (!props)
			props = cJSON_AddObjectToObject(at, "properties");
		cJSON *n = cJSON_GetObjectItemCaseSensitive(props, key.buf);
		if (!n)
			n = cJSON_AddObjectToObject(props, key.buf);
		*parent = at;
		free(*last);
		*last = dq_xstrdup(key.buf);
		at = n;
		while (p[0] == '[' && p[1] == ']') {
			cJSON *it = cJSON_GetObjectItemCaseSensitive(at, "items");
			if (!it)
				it = cJSON_AddObjectToObject(at, "items");
			*parent = NULL;
			at = it;
			p += 2;
		}
		if (*p == '.')
			p++;
	}
	dq_buf_release(&key);
	return at;
}

int
dq_ere_to_ecma(const char *p, struct dq_buf *o)
{
	while (*p) {
		if (*p == '\\' && p[1]) {
			dq_buf_add(o, p, 2);
			p += 2;
			continue;
		}
		if (*p != '[') {
			dq_buf_addch(o, *p++);
			continue;
		}
		dq_buf_addch(o, *p++);
		if (*p == '^')
			dq_buf_addch(o, *p++);
		if (*p == ']') {
			dq_buf_addstr(o, "\\]");
			p++;
		}
		while (*p && *p != ']') {
			if (p[0] == '[' && (p[1] == ':' || p[1] == '.' ||
					    p[1] == '='))
				return -1;
			if (*p == '\\')
				dq_buf_addch(o, '\\');
			dq_buf_addch(o, *p++);
		}
		if (*p)
			dq_buf_addch(o, *p++);
	}
	return 0;
}

/* A dq type (or, fmt set, a format: no JSON kind is asked for). */
static void
type_of(struct ex *x, cJSON *s, const cJSON *t, const char *ptr, int fmt)
{
	static const char *const plain[] = { "string", "integer", "number",
		"boolean", "object", "array", NULL };
	if (cJSON_IsArray(t)) {
		dq_contract_put(s, "type", cJSON_Duplicate(t, 1));
		return;
	}
	if (!cJSON_IsString(t))
		return;
	const char *n = t->valuestring;
	if (dq_import_in_list(plain, n)) {
		dq_contract_put(s, "type", cJSON_CreateString(n));
	} else if (!strcmp(n, "date") || !strcmp(n, "datetime") ||
		   !strcmp(n, "email")) {
		if (!fmt)
			dq_contract_put(s, "type", cJSON_CreateString("string"));
		dq_contract_put(s, "format", cJSON_CreateString(!strcmp(n, "datetime")
							    ? "date-time" : n));
		note(x, ptr, "type", 1, "JSON Schema's format '%s' is an "
		     "annotation unless the validator asserts formats, and "
		     "its grammar is not dq's", n);
	} else if (!strcmp(n, "zip")) {
		if (!fmt)
			dq_contract_put(s, "type", cJSON_CreateString("string"));
		dq_contract_put(s, "pattern", cJSON_CreateString("^[0-9]{5}(-[0-9]{4})?$"));
	} else if (!strcmp(n, "phone")) {
		if (!fmt)
			dq_contract_put(s, "type", cJSON_CreateString("string"));
		dq_contract_put(s, "pattern",
		    cJSON_CreateString("^\\+[1-9][0-9]{6,14}(;ext=[0-9]+)?$"));
	} else if (strcmp(n, "enum")) {
		if (!fmt)
			dq_contract_put(s, "type", cJSON_CreateString("string"));
		note(x, ptr, "type", 0, "JSON Schema has no '%s': only a "
		     "string is asked for", n);
	}
}

static void
field(struct ex *x, const char *name, const cJSON *f, const char *ptr)
{
	cJSON *parent = NULL;
	char *last = NULL;
	cJSON *at = node(x->schema, name, &parent, &last);
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(f, "missing");
	int absent = cJSON_IsString(m) && !strcmp(m->valuestring, "absent");
	cJSON *s = at;
	const cJSON *it;

	if (!absent && f->child && !(f->child == m && !m->next)) {
		/* dq's own missing: the checks hold for a present value. */
		cJSON *c = cJSON_AddObjectToObject(at, "if");
		cJSON_AddItemToObject(c, "not",
			cJSON_Parse("{\"enum\": [null, \"\"]}"));
		s = cJSON_AddObjectToObject(at, "then");
	}
	cJSON_ArrayForEach(it, f)
	{
		const char *k = it->string;
		char *p = dq_import_pointer(ptr, k);
		if (!strcmp(k, "description") && cJSON_IsString(it)) {
			cJSON_AddItemToObject(at, "description",
					      cJSON_Duplicate(it, 1));
		} else if (dq_import_in_list(quiet_keys, k)) {
			/* metadata */
		} else if (!strcmp(k, "type")) {
			type_of(x, s, it, p, 0);
		} else if (!strcmp(k, "format")) {
			type_of(x, s, it, p, 1);
		} else if (!strcmp(k, "required") && cJSON_IsTrue(it)) {
			if (!parent) {
				note(x, p, k, 0, "a required element of an "
				     "array: JSON Schema's required names "
				     "members");
			} else {
				cJSON *r = cJSON_GetObjectItemCaseSensitive(
					parent, "required");
				if (!r)
					r = cJSON_AddArrayToObject(parent,
								   "required");
				cJSON_AddItemToArray(r, cJSON_CreateString(last));
				if (!absent) {
					cJSON_AddItemToObject(at, "not",
						cJSON_Parse("{\"enum\": [null, \"\"]}"));
					note(x, p, k, 1, "dq's required also "
					     "fails strings of white space, [] "
					     "and {}");
				}
			}
		} else if (!strcmp(k, "required")) {
			/* false: nothing to say */
		} else if (!strcmp(k, "enum") || !strcmp(k, "not_in")) {
			cJSON *e = cJSON_Duplicate(it, 1);
			if (k[0] == 'e') {
				cJSON_AddItemToObject(s, "enum", e);
			} else {
				cJSON *n = cJSON_AddObjectToObject(s, "not");
				cJSON_AddItemToObject(n, "enum", e);
			}
			if (cJSON_GetObjectItemCaseSensitive(f, "enum_case"))
				note(x, p, k, 0, "JSON Schema's enum is "
				     "case-sensitive");
		} else if (!strcmp(k, "enum_case")) {
			/* said with enum */
		} else if ((!strcmp(k, "pattern") || !strcmp(k, "not_pattern")) &&
			   cJSON_IsString(it)) {
			struct dq_buf b = DQ_BUF_INIT;
			if (dq_ere_to_ecma(it->valuestring, &b)) {
				note(x, p, k, 0, "a POSIX class ([:alpha:]) "
				     "has no ECMA-262 form here");
			} else if (k[0] == 'p') {
				dq_contract_put(s, "pattern", cJSON_CreateString(b.buf));
			} else {
				cJSON *n = cJSON_AddObjectToObject(s, "not");
				cJSON_AddStringToObject(n, "pattern", b.buf);
			}
			dq_buf_release(&b);
		} else if ((!strcmp(k, "min") || !strcmp(k, "max")) &&
			   cJSON_IsNumber(it)) {
			cJSON_AddNumberToObject(s, k[1] == 'i' ? "minimum"
							       : "maximum",
						it->valuedouble);
		} else if ((!strcmp(k, "min") || !strcmp(k, "max")) &&
			   cJSON_IsString(it) &&
			   cJSON_GetObjectItemCaseSensitive(s, "format")) {
			cJSON_AddStringToObject(s, k[1] == 'i' ? "formatMinimum"
							       : "formatMaximum",
						it->valuestring);
			note(x, p, k, 1, "a date bound as Ajv's keyword "
			     "(ajv-formats), not JSON Schema's");
		} else if (!strcmp(k, "min_length") || !strcmp(k, "max_length") ||
			   !strcmp(k, "min_items") || !strcmp(k, "max_items")) {
			static const char *const to[][2] = {
				{ "min_length", "minLength" },
				{ "max_length", "maxLength" },
				{ "min_items", "minItems" },
				{ "max_items", "maxItems" } };
			for (int i = 0; i < 4; i++)
				if (!strcmp(to[i][0], k))
					cJSON_AddItemToObject(
						s, to[i][1],
						cJSON_Duplicate(it, 1));
		} else if (!strcmp(k, "unique_items") && cJSON_IsTrue(it)) {
			cJSON_AddTrueToObject(s, "uniqueItems");
		} else {
			note(x, p, k, 0, "JSON Schema cannot say '%s'", k);
		}
		free(p);
	}
	free(last);
}

/* `name` > N (or <): the exclusive bound an import wrote. */
static int
exclusive(struct ex *x, const cJSON *r)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(r, "expr");
	char name[256], op;
	double v;
	int n = 0;
	if (cJSON_GetArraySize(r) != 2 || !cJSON_IsString(e) ||
	    sscanf(e->valuestring, "`%255[^`]` %c %lf%n", name, &op, &v,
		   &n) != 3 || e->valuestring[n] || (op != '<' && op != '>') ||
	    strpbrk(name, ".[]\\"))
		return 0;
	cJSON *parent = NULL;
	char *last = NULL;
	cJSON *at = node(x->schema, name, &parent, &last);
	free(last);
	cJSON_AddNumberToObject(at, op == '>' ? "exclusiveMinimum"
					      : "exclusiveMaximum", v);
	return 1;
}

static int
plain_names(const cJSON *l)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, l)
	if (!cJSON_IsString(it) || strpbrk(it->valuestring, ".[]\\"))
		return 0;
	return 1;
}

/* {"required": [name], "properties": {name: V}}, V {"const": c} or,
 * c NULL, the present idiom. */
static cJSON *
member(const char *name, const cJSON *c)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *req = cJSON_AddArrayToObject(o, "required");
	cJSON_AddItemToArray(req, cJSON_CreateString(name));
	cJSON *v = cJSON_AddObjectToObject(
		cJSON_AddObjectToObject(o, "properties"), name);
	if (c)
		cJSON_AddItemToObject(v, "const", cJSON_Duplicate(c, 1));
	else
		cJSON_AddItemToObject(v, "not",
				      cJSON_Parse("{\"enum\": [null, \"\"]}"));
	return o;
}

static cJSON *
all_of(struct ex *x)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(x->schema, "allOf");
	return a ? a : cJSON_AddArrayToObject(x->schema, "allOf");
}

static void
rule(struct ex *x, const cJSON *r, const char *ptr)
{
	const cJSON *ck = cJSON_GetObjectItemCaseSensitive(r, "check");
	const cJSON *fd = cJSON_GetObjectItemCaseSensitive(r, "field");
	const cJSON *cond = cJSON_GetObjectItemCaseSensitive(r, "if");
	const char *c = cJSON_IsString(ck) ? ck->valuestring : "";

	if (!strcmp(c, "closed") && cJSON_GetArraySize(r) == 1) {
		cJSON_AddFalseToObject(x->schema, "additionalProperties");
		return;
	}
	if (!strcmp(c, "expr") && exclusive(x, r))
		return;
	/* required a.b if a is present: required in the object a. */
	if (!strcmp(c, "required") && cJSON_IsString(fd) &&
	    cJSON_GetArraySize(r) == 3 && cJSON_GetArraySize(cond) == 2 &&
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cond, "present"))) {
		const cJSON *pf = cJSON_GetObjectItemCaseSensitive(cond, "field");
		size_t n = cJSON_IsString(pf) ? strlen(pf->valuestring) : 0;
		if (n && !strncmp(fd->valuestring, pf->valuestring, n) &&
		    fd->valuestring[n] == '.' &&
		    !strpbrk(fd->valuestring + n + 1, ".[]\\")) {
			cJSON *parent = NULL;
			char *last = NULL;
			node(x->schema, fd->valuestring, &parent, &last);
			cJSON *q = cJSON_GetObjectItemCaseSensitive(parent,
								    "required");
			if (!q)
				q = cJSON_AddArrayToObject(parent, "required");
			cJSON_AddItemToArray(q, cJSON_CreateString(last));
			free(last);
			return;
		}
	}
	/* The idioms import.c reads back: one of these is present; G is
	 * present when X is C. */
	const cJSON *fs = cJSON_GetObjectItemCaseSensitive(r, "fields");
	if (!strcmp(c, "any_of") && cJSON_GetArraySize(r) == 2 &&
	    cJSON_GetArraySize(fs) >= 2 && plain_names(fs)) {
		cJSON *any = cJSON_CreateArray();
		const cJSON *f;
		cJSON_ArrayForEach(f, fs)
		cJSON_AddItemToArray(any, member(f->valuestring, NULL));
		cJSON *w = cJSON_CreateObject();
		cJSON_AddItemToObject(w, "anyOf", any);
		cJSON_AddItemToArray(all_of(x), w);
		note(x, ptr, c, 1, "present is neither null nor \"\": dq's "
		     "blank also takes white space, [] and {}");
		return;
	}
	const cJSON *eq = cJSON_GetObjectItemCaseSensitive(cond, "equals");
	const cJSON *xf = cJSON_GetObjectItemCaseSensitive(cond, "field");
	if (!strcmp(c, "required") && cJSON_IsString(fd) &&
	    cJSON_GetArraySize(r) == 3 && cJSON_GetArraySize(cond) == 2 &&
	    eq && !cJSON_IsObject(eq) && !cJSON_IsArray(eq) &&
	    cJSON_IsString(xf) && !strpbrk(xf->valuestring, ".[]\\") &&
	    !strpbrk(fd->valuestring, ".[]\\")) {
		cJSON *w = cJSON_CreateObject();
		cJSON_AddItemToObject(w, "if", member(xf->valuestring, eq));
		cJSON_AddItemToObject(w, "then", member(fd->valuestring, NULL));
		cJSON_AddItemToArray(all_of(x), w);
		note(x, ptr, c, 1, "present is neither null nor \"\": dq's "
		     "blank also takes white space, [] and {}");
		return;
	}
	note(x, ptr, c, 0, "JSON Schema cannot say this '%s' rule", c);
}

cJSON *
dq_export_jsonschema(struct dq_import *im, const cJSON *contract)
{
	struct ex x = { im, cJSON_CreateObject() };
	const cJSON *it;

	cJSON_AddStringToObject(x.schema, "$schema",
				"https://json-schema.org/draft/2020-12/schema");
	it = cJSON_GetObjectItemCaseSensitive(contract, "name");
	if (cJSON_IsString(it))
		cJSON_AddStringToObject(x.schema, "title", it->valuestring);
	it = cJSON_GetObjectItemCaseSensitive(contract, "description");
	if (cJSON_IsString(it))
		cJSON_AddStringToObject(x.schema, "description", it->valuestring);
	cJSON_AddStringToObject(x.schema, "type", "object");
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
		rule(&x, it, p);
		free(p);
	}
	dq_export_rest(im, contract, NULL, "JSON Schema");
	return x.schema;
}
