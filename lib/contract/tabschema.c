/*
 * tabschema.c - Frictionless Table Schema (and Data Package) to dq
 * contract.
 *
 * Reference: the Frictionless specifications, Table Schema and Data
 * Package (specs.frictionlessdata.io, v1): a schema's "fields" (name,
 * type, format, constraints), "primaryKey", "foreignKeys" and
 * "missingValues"; a package's "resources" with "path" and "schema".
 * Table Schema describes the cells of a table, as dq's fields do, with
 * "" the one missing value by default: dq's own meaning of missing (a
 * blank cell), so fields keep dq's default.  Patterns are XML Schema
 * regular expressions, anchored (ecma.h's dq_xsd_to_ere).
 */
#include "contract/import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "contract/contract.h"
#include "contract/ecma.h"

struct ts {
	struct dq_import *im;
	const cJSON *package; /* NULL for a lone schema */
	const char *dir;
	cJSON *contract, *fields, *rules;
	int required; /* some field is required (or in the primary key) */
};

#define note(t, ...) dq_import_note((t)->im, __VA_ARGS__)

/* Table Schema's type (and format) as dq's type, or NULL. */
static const char *
type_of(struct ts *t, const char *type, const char *format,
	const char *fp, const char *tp)
{
	static const char *const same[] = { "string", "integer", "number",
		"boolean", "object", "array", NULL };
	int plain = !format || !strcmp(format, "default");

	if (!strcmp(type, "string")) {
		if (plain)
			return "string";
		if (!strcmp(format, "email")) {
			note(t, fp, "format", 1, "dq's email is RFC 5322's "
			     "addr-spec (dq-normalize's rule)");
			return "email";
		}
		note(t, fp, "format", 0, "dq has no string format '%s' "
		     "(it has email): the field is checked as a string",
		     format);
		return "string";
	}
	if (!strcmp(type, "date") || !strcmp(type, "datetime")) {
		if (!plain) {
			note(t, fp, "format", 0, "dq reads ISO 8601 dates "
			     "only, not the format '%s': the field is not "
			     "type-checked", format);
			return NULL;
		}
		if (type[4])
			note(t, tp, "type", 1, "dq's datetime also takes a "
			     "date alone and a time without seconds");
		return type;
	}
	if (!strcmp(type, "year")) {
		note(t, tp, "type", 1, "a year is checked as an integer");
		return "integer";
	}
	if (!strcmp(type, "any"))
		return NULL;
	for (int k = 0; same[k]; k++)
		if (!strcmp(type, same[k])) {
			if (!plain)
				note(t, fp, "format", 0, "dq has no format "
				     "'%s' for %s", format, type);
			return type;
		}
	note(t, tp, "type", 0, "dq has no type '%s': the field is not "
	     "type-checked", type);
	return NULL;
}

/* type_of, with the report's pointers to the field's "format" and
 * "type" under ptr. */
static const char *
map_type(struct ts *t, const char *type, const char *format,
	 const char *ptr)
{
	char *fp = dq_import_pointer(ptr, "format");
	char *tp = dq_import_pointer(ptr, "type");
	const char *r = type_of(t, type, format, fp, tp);
	free(fp);
	free(tp);
	return r;
}

static void
constraints(struct ts *t, cJSON *f, const char *type, const cJSON *c,
	    const char *ptr)
{
	const cJSON *it;
	int is_list = type && (!strcmp(type, "array") ||
			       !strcmp(type, "object"));
	cJSON_ArrayForEach(it, c)
	{
		const char *k = it->string;
		char *p = dq_import_pointer(ptr, k);
		if (!strcmp(k, "required") || !strcmp(k, "unique")) {
			t->required |= !strcmp(k, "required") &&
				       cJSON_IsTrue(it);
			if (cJSON_IsBool(it))
				cJSON_AddItemToObject(f, k,
						      cJSON_Duplicate(it, 1));
			else
				note(t, p, k, 0, "not true or false");
		} else if (!strcmp(k, "minLength") ||
			   !strcmp(k, "maxLength")) {
			if (!cJSON_IsNumber(it))
				note(t, p, k, 0, "not a number");
			else if (is_list && !strcmp(type, "object"))
				note(t, p, k, 0, "dq does not count an "
				     "object's members");
			else
				cJSON_AddNumberToObject(
					f, is_list ? (k[1] == 'i' ? "min_items"
								  : "max_items")
						   : (k[1] == 'i' ? "min_length"
								  : "max_length"),
					it->valuedouble);
		} else if (!strcmp(k, "minimum") || !strcmp(k, "maximum")) {
			if (cJSON_IsNumber(it) ||
			    (cJSON_IsString(it) && type &&
			     !strcmp(type, "date")))
				cJSON_AddItemToObject(f, k[1] == 'i' ? "min"
								     : "max",
						      cJSON_Duplicate(it, 1));
			else
				note(t, p, k, 0, "dq's bounds are numbers "
				     "and dates");
		} else if (!strcmp(k, "pattern")) {
			struct dq_buf b = DQ_BUF_INIT;
			const char *why;
			int rc = cJSON_IsString(it)
					 ? dq_xsd_to_ere(it->valuestring, &b,
							 &why)
					 : (why = "not a string", -1);
			if (rc < 0)
				note(t, p, k, 0, "%s: POSIX ERE cannot "
				     "express it", why);
			else
				cJSON_AddStringToObject(f, "pattern", b.buf);
			if (rc > 0)
				note(t, p, k, 1, "%s", why);
			dq_buf_release(&b);
		} else if (!strcmp(k, "enum")) {
			const cJSON *v;
			int ok = cJSON_IsArray(it) && cJSON_GetArraySize(it);
			cJSON_ArrayForEach(v, it)
			ok &= !cJSON_IsObject(v) && !cJSON_IsArray(v);
			if (ok)
				cJSON_AddItemToObject(f, "enum",
						      cJSON_Duplicate(it, 1));
			else
				note(t, p, k, 0, "dq's enum is a non-empty "
				     "list of strings, numbers and booleans");
		} else {
			note(t, p, k, 0, "dq has no constraint '%s'", k);
		}
		free(p);
	}
}

/* A key: a name or a list of names, as a cJSON list (new). */
static cJSON *
key_list(const cJSON *k)
{
	if (cJSON_IsString(k)) {
		cJSON *l = cJSON_CreateArray();
		cJSON_AddItemToArray(l, cJSON_CreateString(k->valuestring));
		return l;
	}
	const cJSON *it;
	if (!cJSON_IsArray(k) || !cJSON_GetArraySize(k))
		return NULL;
	cJSON_ArrayForEach(it, k)
	if (!cJSON_IsString(it))
		return NULL;
	return cJSON_Duplicate(k, 1);
}

static const cJSON *
find_resource(const cJSON *pkg, const char *name)
{
	const cJSON *r;
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(pkg, "resources"))
	{
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(r, "name");
		if (cJSON_IsString(n) && !strcmp(n->valuestring, name))
			return r;
	}
	return NULL;
}

static void
foreign_key(struct ts *t, const cJSON *fk, const char *ptr)
{
	cJSON *mine = key_list(cJSON_GetObjectItemCaseSensitive(fk, "fields"));
	const cJSON *ref = cJSON_GetObjectItemCaseSensitive(fk, "reference");
	cJSON *theirs = key_list(cJSON_GetObjectItemCaseSensitive(ref,
								  "fields"));
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(ref, "resource");
	const cJSON *r, *path;

	if (!mine || !theirs || !cJSON_IsString(res) ||
	    cJSON_GetArraySize(mine) != cJSON_GetArraySize(theirs)) {
		note(t, ptr, "foreignKeys", 0, "not a foreign key (fields, "
		     "reference.resource, reference.fields)");
	} else if (cJSON_GetArraySize(mine) > 1) {
		note(t, ptr, "foreignKeys", 0, "a key of several fields: "
		     "dq's reference is one field's");
	} else if (!*res->valuestring) {
		note(t, ptr, "foreignKeys", 0, "a reference to the table "
		     "itself: dq's reference reads another file");
	} else if (!t->package ||
		   !(r = find_resource(t->package, res->valuestring))) {
		note(t, ptr, "foreignKeys", 0, "the resource '%s' cannot be "
		     "resolved: %s", res->valuestring,
		     t->package ? "the package has no resource of that name"
				: "a lone Table Schema names no files");
	} else if (!cJSON_IsString(path = cJSON_GetObjectItemCaseSensitive(
					   r, "path")) ||
		   strstr(path->valuestring, "://")) {
		note(t, ptr, "foreignKeys", 0, "the resource '%s' is not one "
		     "local file", res->valuestring);
	} else {
		char *name = dq_import_path("", mine->child->valuestring);
		cJSON *f = cJSON_GetObjectItemCaseSensitive(t->fields, name);
		if (!f)
			f = cJSON_AddObjectToObject(t->fields, name);
		cJSON *rf = cJSON_AddObjectToObject(f, "reference");
		cJSON_AddStringToObject(rf, "file", path->valuestring);
		cJSON_AddStringToObject(rf, "key",
					theirs->child->valuestring);
		free(name);
	}
	cJSON_Delete(mine);
	cJSON_Delete(theirs);
}

static int
schema(struct ts *t, const cJSON *s, const char *ptr)
{
	const cJSON *it, *v;
	int i = 0;

	if (!cJSON_IsArray(v = cJSON_GetObjectItemCaseSensitive(s, "fields")))
		return dq_error("%s: not a Table Schema (no \"fields\" list)",
				t->im->file);
	cJSON_ArrayForEach(it, v)
	{
		char idx[24], *p;
		snprintf(idx, sizeof(idx), "/fields/%d", i++);
		struct dq_buf b = DQ_BUF_INIT;
		dq_buf_addf(&b, "%s%s", ptr, idx);
		p = dq_buf_detach(&b, NULL);
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, "name");
		if (!cJSON_IsString(name) || !*name->valuestring) {
			note(t, p, "name", 0, "a field without a name");
			free(p);
			continue;
		}
		char *fname = dq_import_path("", name->valuestring);
		cJSON *f = cJSON_AddObjectToObject(t->fields, fname);
		const cJSON *ty = cJSON_GetObjectItemCaseSensitive(it, "type");
		const cJSON *fm = cJSON_GetObjectItemCaseSensitive(it, "format");
		const char *type = map_type(
			t, cJSON_IsString(ty) ? ty->valuestring : "string",
			cJSON_IsString(fm) ? fm->valuestring : NULL, p);
		if (type)
			cJSON_AddStringToObject(f, "type", type);
		const cJSON *k;
		cJSON_ArrayForEach(k, it)
		{
			char *q = dq_import_pointer(p, k->string);
			if (!strcmp(k->string, "description") &&
			    cJSON_IsString(k))
				cJSON_AddStringToObject(f, "description",
							k->valuestring);
			else if (!strcmp(k->string, "constraints"))
				constraints(t, f, type, k, q);
			else if (!strcmp(k->string, "trueValues") ||
				 !strcmp(k->string, "falseValues") ||
				 !strcmp(k->string, "decimalChar") ||
				 !strcmp(k->string, "groupChar") ||
				 !strcmp(k->string, "bareNumber"))
				note(t, q, k->string, 0, "dq reads JSON "
				     "numbers and true/false only (run "
				     "dq-normalize's number or boolean step "
				     "first)");
			free(q);
		}
		free(fname);
		free(p);
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(s, "primaryKey"))) {
		char *p = dq_import_pointer(ptr, "primaryKey");
		cJSON *keys = key_list(v);
		if (!keys) {
			note(t, p, "primaryKey", 0, "not a name or a list "
			     "of names");
		} else {
			/* Each part required, the whole unique. */
			t->required = 1;
			cJSON_ArrayForEach(it, keys)
			{
				char *n = dq_import_path("", it->valuestring);
				cJSON *f = cJSON_GetObjectItemCaseSensitive(
					t->fields, n);
				if (!f)
					f = cJSON_AddObjectToObject(t->fields, n);
				if (!cJSON_GetObjectItemCaseSensitive(f,
								      "required"))
					cJSON_AddTrueToObject(f, "required");
				free(n);
			}
			cJSON *r = cJSON_AddObjectToObject(t->rules, "PK");
			cJSON_AddStringToObject(r, "check", "unique");
			cJSON_AddItemToObject(r, "fields", keys);
		}
		free(p);
	}
	i = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(s,
								"foreignKeys"))
	{
		char idx[32];
		snprintf(idx, sizeof(idx), "/foreignKeys/%d", i++);
		struct dq_buf b = DQ_BUF_INIT;
		dq_buf_addf(&b, "%s%s", ptr, idx);
		foreign_key(t, it, b.buf);
		dq_buf_release(&b);
	}
	v = cJSON_GetObjectItemCaseSensitive(s, "missingValues");
	char *p = dq_import_pointer(ptr, "missingValues");
	cJSON *extra = cJSON_CreateArray();
	int has_empty = !v;
	cJSON_ArrayForEach(it, v)
	{
		if (cJSON_IsString(it) && !*it->valuestring)
			has_empty = 1;
		else if (cJSON_IsString(it))
			cJSON_AddItemToArray(extra, cJSON_Duplicate(it, 1));
	}
	if (!has_empty)
		note(t, p, "missingValues", 0, "\"\" is not a missing value "
		     "here; dq's missing always includes a blank cell");
	else if (t->required)
		note(t, p, "missingValues", 1, "dq's missing also takes a "
		     "cell of white space only, which Table Schema's "
		     "required lets pass");
	if (cJSON_GetArraySize(extra)) {
		cJSON *n = cJSON_AddObjectToObject(t->contract, "normalize");
		cJSON_AddItemToObject(n, "null_tokens", extra);
		note(t, p, "missingValues", 1, "dq-normalize's null step "
		     "(normalize.null_tokens) turns these into null; "
		     "dq-validate alone sees them as values");
	} else {
		cJSON_Delete(extra);
	}
	free(p);
	return 0;
}

cJSON *
dq_import_tableschema(struct dq_import *im, const cJSON *doc,
		      const char *dir, const char *resource)
{
	struct ts t = { im, NULL, dir, NULL, NULL, NULL, 0 };
	const cJSON *s = doc, *res = NULL, *rs;
	cJSON *loaded = NULL;
	char ptr[64] = "", *sub = NULL;

	if (!cJSON_IsObject(doc))
		goto bad;
	if ((rs = cJSON_GetObjectItemCaseSensitive(doc, "resources"))) {
		int n = cJSON_GetArraySize(rs), i = 0;
		t.package = doc;
		if (resource) {
			res = find_resource(doc, resource);
			if (!res) {
				dq_error("%s: no resource '%s'", im->file,
					 resource);
				return NULL;
			}
		} else if (n == 1) {
			res = rs->child;
		} else {
			dq_error("%s: %d resources: choose one with "
				 "--resource", im->file, n);
			return NULL;
		}
		for (const cJSON *r = rs->child; r != res; r = r->next)
			i++;
		snprintf(ptr, sizeof(ptr), "/resources/%d/schema", i);
		s = cJSON_GetObjectItemCaseSensitive(res, "schema");
		if (cJSON_IsString(s)) {
			struct dq_buf b = DQ_BUF_INIT;
			dq_buf_addf(&b, "%s%s", s->valuestring[0] == '/'
							? "" : dir,
				    s->valuestring);
			loaded = dq_contract_read_doc(b.buf);
			if (!loaded) {
				dq_buf_release(&b);
				return NULL;
			}
			sub = dq_buf_detach(&b, NULL);
			im->sub = sub;
			s = loaded;
			ptr[0] = '\0';
		}
		if (!cJSON_IsObject(s)) {
			dq_error("%s: the resource has no schema", im->file);
			cJSON_Delete(loaded);
			im->sub = NULL;
			free(sub);
			return NULL;
		}
	}
	t.contract = cJSON_CreateObject();
	const cJSON *nm = cJSON_GetObjectItemCaseSensitive(res ? res : doc,
							   "name");
	if (cJSON_IsString(nm))
		cJSON_AddStringToObject(t.contract, "name", nm->valuestring);
	t.fields = cJSON_AddObjectToObject(t.contract, "fields");
	t.rules = cJSON_AddObjectToObject(t.contract, "rules");
	int rc = schema(&t, s, ptr);
	cJSON_Delete(loaded);
	im->sub = NULL;
	free(sub);
	if (rc) {
		cJSON_Delete(t.contract);
		return NULL;
	}
	if (!t.rules->child)
		cJSON_DeleteItemFromObject(t.contract, "rules");
	return t.contract;
bad:
	dq_error("%s: not a Table Schema or Data Package (an object)",
		 im->file);
	return NULL;
}
