/*
 * tsexport.c - dq contract to Frictionless Table Schema.
 *
 * Reference: the Frictionless Table Schema specification (v1,
 * specs.frictionlessdata.io/table-schema): "fields" with name, type,
 * format and constraints (required, unique, enum, pattern, minimum,
 * maximum, minLength, maxLength), "primaryKey", "missingValues".  The
 * inverse of tabschema.c's mapping (docs/contract.md), so that importing
 * the export gives back the contract for what both can say; everything
 * else goes to the report with its place in the contract.  A Table
 * Schema describes the cells of a flat table: a field named by a path
 * into nested records has no column.  Its patterns are XML Schema
 * regular expressions matched against the whole cell, where dq's are
 * POSIX EREs searched for anywhere: "^(X)$" and "^X$" are X, anything
 * else is wrapped in ".*" (approximate: XML Schema's '.' does not match
 * a line end).
 */
#include "contract/import.h"

#include <stdlib.h>
#include <string.h>

#include "base/ere.h"
#include "base/util.h"
#include "contract/contract.h"
#include "contract/ecma.h"

#define note(im, ...) dq_import_note((im), __VA_ARGS__)

/* Metadata: changes no result, so nothing to say. */
static const char *const quiet_keys[] = { "codes", "hint", "owner", "tags",
	"example", "normalize", "region", NULL };

/* Does the ERE p hold c ('|') outside its groups and bracket
 * expressions?  c 0: does its first group close before its end (so that
 * "(a)(b)" is not one group)? */
static int
depth0(const char *p, char c)
{
	int depth = 0;
	for (const char *q = p; *q; q++) {
		if (*q == '\\' && q[1]) {
			q++;
		} else if (*q == '[') {
			q = dq_ere_skip_bracket(q) - 1;
		} else if (*q == '(') {
			depth++;
		} else if (*q == ')') {
			if (!--depth && !c && q[1])
				return 1;
		} else if (c && *q == c && !depth) {
			return 1;
		}
	}
	return 0;
}

/* The pattern p as an XML Schema one matching whole cells into o: 0
 * exact, 1 approximate, -1 not expressible (*why says). */
static int
xsd_pattern(const char *p, struct dq_buf *o, const char **why)
{
	size_t n = strlen(p);
	int bol = *p == '^';
	int eol = n > (size_t)bol && p[n - 1] == '$' &&
		  (n < 2 || p[n - 2] != '\\');
	char *body = dq_xstrndup(p + bol, n - (size_t)bol - (size_t)eol);
	struct dq_buf e = DQ_BUF_INIT;
	int rc = 0;

	/* "(X)" whole: the group an import wrapped the pattern in. */
	size_t bn = strlen(body);
	int alt = depth0(body, '|');
	if (bol && eol && bn >= 2 && body[0] == '(' &&
	    !depth0(body, 0)) {
		memmove(body, body + 1, bn - 2);
		body[bn - 2] = '\0';
		alt = 0;
	}
	if (alt && (bol || eol)) {
		/* "^a|b" is "^a" or "b": not one anchored whole. */
		*why = "an anchor on one alternative: XML Schema has none";
		rc = -1;
		goto out;
	}
	if (dq_ere_to_ecma(body, &e)) {
		*why = "a POSIX class ([:alpha:]) has no XML Schema form here";
		rc = -1;
		goto out;
	}
	/* '^' and '$' left inside are anchors to POSIX, characters to XML
	 * Schema. */
	for (const char *q = e.buf; *q; q++) {
		if (*q == '\\' && q[1]) {
			q++;
		} else if (*q == '[') {
			while (q[1] && q[1] != ']')
				q += q[1] == '\\' && q[2] ? 2 : 1;
		} else if (*q == '^' || *q == '$') {
			*why = "an anchor inside the pattern: XML Schema has "
			       "none";
			rc = -1;
			goto out;
		}
	}
	if (bol && eol) {
		dq_buf_addstr(o, e.buf);
	} else {
		dq_buf_addf(o, "%s(%s)%s", bol ? "" : ".*", e.buf,
			    eol ? "" : ".*");
		*why = "the pattern is searched for in the value: XML Schema "
		       "matches the whole cell, so it is wrapped in '.*', "
		       "whose '.' does not match a line end";
		rc = 1;
	}
out:
	free(body);
	dq_buf_release(&e);
	return rc;
}

/* The Table Schema type of a dq type (t); the report at ptr. */
static void
type_of(struct dq_import *im, cJSON *f, const cJSON *t, const char *ptr)
{
	static const char *const same[] = { "string", "integer", "number",
		"boolean", "object", "array", "date", NULL };
	const char *n = NULL;

	if (t && cJSON_IsString(t))
		n = t->valuestring;
	if (!t) {
		cJSON_AddStringToObject(f, "type", "any");
	} else if (!n) {
		cJSON_AddStringToObject(f, "type", "any");
		note(im, ptr, "type", 0, "a list of types: Table Schema's "
		     "field has one");
	} else if (dq_import_in_list(same, n)) {
		cJSON_AddStringToObject(f, "type", n);
	} else if (!strcmp(n, "datetime")) {
		cJSON_AddStringToObject(f, "type", n);
		note(im, ptr, "type", 1, "dq's datetime also takes a date "
		     "alone and a time without seconds");
	} else if (!strcmp(n, "email")) {
		cJSON_AddStringToObject(f, "type", "string");
		cJSON_AddStringToObject(f, "format", "email");
		note(im, ptr, "type", 1, "dq's email is RFC 5322's "
		     "addr-spec (dq-normalize's rule)");
	} else {
		cJSON_AddStringToObject(f, "type", "string");
		note(im, ptr, "type", 0, "Table Schema has no '%s': only a "
		     "string is asked for", n);
	}
}

static void
field(struct dq_import *im, cJSON *list, const char *name, const cJSON *f,
      const char *ptr)
{
	cJSON *o, *c;
	const cJSON *it;

	if (strpbrk(name, ".[]\\")) {
		note(im, ptr, "fields", 0, "a path into nested records: a "
		     "Table Schema's fields are a flat table's columns");
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToArray(list, o);
	cJSON_AddStringToObject(o, "name", name);
	char *tp = dq_import_pointer(ptr, "type");
	type_of(im, o, cJSON_GetObjectItemCaseSensitive(f, "type"), tp);
	free(tp);
	const cJSON *ty = cJSON_GetObjectItemCaseSensitive(o, "type");
	int list_type = !strcmp(ty->valuestring, "array");
	c = cJSON_CreateObject();
	cJSON_ArrayForEach(it, f)
	{
		const char *k = it->string;
		char *p = dq_import_pointer(ptr, k);
		if (!strcmp(k, "type") || dq_import_in_list(quiet_keys, k)) {
			/* said above, or metadata */
		} else if (!strcmp(k, "description") && cJSON_IsString(it)) {
			cJSON_AddItemToObject(o, "description",
					      cJSON_Duplicate(it, 1));
		} else if (!strcmp(k, "required") || !strcmp(k, "unique")) {
			if (cJSON_IsTrue(it))
				cJSON_AddTrueToObject(c, k);
			if (cJSON_IsTrue(it) && k[0] == 'r')
				note(im, p, k, 1, "dq's missing also takes a "
				     "cell of white space only, which Table "
				     "Schema's required lets pass");
		} else if (!strcmp(k, "enum")) {
			cJSON_AddItemToObject(c, "enum", cJSON_Duplicate(it, 1));
			if (cJSON_GetObjectItemCaseSensitive(f, "enum_case"))
				note(im, p, k, 0, "Table Schema's enum is "
				     "case-sensitive");
		} else if (!strcmp(k, "enum_case")) {
			/* said with enum */
		} else if (!strcmp(k, "pattern") && cJSON_IsString(it)) {
			struct dq_buf b = DQ_BUF_INIT;
			const char *why = NULL;
			int rc = xsd_pattern(it->valuestring, &b, &why);
			if (rc >= 0)
				cJSON_AddStringToObject(c, "pattern", b.buf);
			if (rc)
				note(im, p, k, rc > 0, "%s", why);
			dq_buf_release(&b);
		} else if ((!strcmp(k, "min") || !strcmp(k, "max")) &&
			   (cJSON_IsNumber(it) ||
			    (cJSON_IsString(it) &&
			     !strcmp(ty->valuestring, "date") &&
			     strncmp(it->valuestring, "today", 5) &&
			     strncmp(it->valuestring, "year", 4)))) {
			cJSON_AddItemToObject(c, k[1] == 'i' ? "minimum"
							     : "maximum",
					      cJSON_Duplicate(it, 1));
		} else if (((!strcmp(k, "min_length") ||
			     !strcmp(k, "max_length")) && !list_type) ||
			   ((!strcmp(k, "min_items") ||
			     !strcmp(k, "max_items")) && list_type)) {
			cJSON_AddItemToObject(c, k[1] == 'i' ? "minLength"
							     : "maxLength",
					      cJSON_Duplicate(it, 1));
		} else {
			note(im, p, k, 0, "Table Schema cannot say '%s'", k);
		}
		free(p);
	}
	if (c->child)
		cJSON_AddItemToObject(o, "constraints", c);
	else
		cJSON_Delete(c);
}

static cJSON *
find_field(cJSON *list, const char *name)
{
	cJSON *it;
	cJSON_ArrayForEach(it, list)
	if (!strcmp(cJSON_GetObjectItemCaseSensitive(it, "name")->valuestring,
		    name))
		return it;
	return NULL;
}

/* Are all of the names' fields required (constraints.required)? */
static int
all_required(cJSON *list, const cJSON *names)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, names)
	{
		cJSON *f = cJSON_IsString(it) ? find_field(list, it->valuestring)
					      : NULL;
		cJSON *c = cJSON_GetObjectItemCaseSensitive(f, "constraints");
		if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c,
								   "required")))
			return 0;
	}
	return 1;
}

/* A unique rule whose fields are all required: the primary key (the
 * first one); on one field, that field's unique constraint. */
static void
rule(struct dq_import *im, cJSON *schema, cJSON *list, const cJSON *r,
     const char *ptr)
{
	const cJSON *ck = cJSON_GetObjectItemCaseSensitive(r, "check");
	const cJSON *fs = cJSON_GetObjectItemCaseSensitive(r, "fields");
	const cJSON *fd = cJSON_GetObjectItemCaseSensitive(r, "field");
	const cJSON *it;
	int extra = 0;

	cJSON_ArrayForEach(it, r)
	extra |= strcmp(it->string, "check") && strcmp(it->string, "fields") &&
		 strcmp(it->string, "field") &&
		 strcmp(it->string, "description");
	if (cJSON_IsString(ck) && !strcmp(ck->valuestring, "unique") &&
	    !extra && (cJSON_IsArray(fs) || cJSON_IsString(fd))) {
		cJSON *names = cJSON_IsArray(fs) ? cJSON_Duplicate(fs, 1)
						 : cJSON_CreateArray();
		if (!cJSON_IsArray(fs))
			cJSON_AddItemToArray(names, cJSON_Duplicate(fd, 1));
		int found = 1;
		cJSON_ArrayForEach(it, names)
		found &= cJSON_IsString(it) &&
			 find_field(list, it->valuestring) != NULL;
		if (found && !cJSON_HasObjectItem(schema, "primaryKey") &&
		    all_required(list, names)) {
			cJSON_AddItemToObject(schema, "primaryKey", names);
			return;
		}
		if (found && cJSON_GetArraySize(names) == 1) {
			cJSON *f = find_field(list, names->child->valuestring);
			cJSON *c = cJSON_GetObjectItemCaseSensitive(
				f, "constraints");
			if (!c)
				c = cJSON_AddObjectToObject(f, "constraints");
			if (!cJSON_HasObjectItem(c, "unique"))
				cJSON_AddTrueToObject(c, "unique");
			cJSON_Delete(names);
			return;
		}
		cJSON_Delete(names);
	}
	note(im, ptr, "rules", 0, "Table Schema cannot say this rule "
	     "(only a primary key or a one-field unique)");
}

cJSON *
dq_export_tableschema(struct dq_import *im, const cJSON *contract)
{
	cJSON *schema = cJSON_CreateObject();
	const cJSON *it;

	it = cJSON_GetObjectItemCaseSensitive(contract, "name");
	if (cJSON_IsString(it))
		cJSON_AddStringToObject(schema, "name", it->valuestring);
	it = cJSON_GetObjectItemCaseSensitive(contract, "description");
	if (cJSON_IsString(it))
		cJSON_AddStringToObject(schema, "description",
					it->valuestring);
	cJSON *list = cJSON_AddArrayToObject(schema, "fields");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(contract,
								"fields"))
	{
		char *p = dq_import_pointer("/fields", it->string);
		field(im, list, it->string, it, p);
		free(p);
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(contract,
								"rules"))
	{
		char *p = dq_import_pointer("/rules", it->string);
		rule(im, schema, list, it, p);
		free(p);
	}
	/* The normalizer's null tokens are the cells Table Schema reads as
	 * missing, beside "" (dq's blank). */
	const cJSON *norm = cJSON_GetObjectItemCaseSensitive(contract,
							     "normalize");
	cJSON_ArrayForEach(it, norm)
	{
		char *p = dq_import_pointer("/normalize", it->string);
		if (!strcmp(it->string, "null_tokens") && cJSON_IsArray(it)) {
			cJSON *mv = cJSON_AddArrayToObject(schema,
							   "missingValues");
			const cJSON *v;
			cJSON_AddItemToArray(mv, cJSON_CreateString(""));
			cJSON_ArrayForEach(v, it)
			if (cJSON_IsString(v) && *v->valuestring)
				cJSON_AddItemToArray(mv,
						     cJSON_Duplicate(v, 1));
			note(im, p, it->string, 1, "dq-normalize's null step "
			     "turns these into null; Table Schema reads them "
			     "as missing wherever they stand");
		} else {
			note(im, p, it->string, 0, "not a check Table Schema "
			     "can say");
		}
		free(p);
	}
	dq_export_rest(im, contract, "normalize", "Table Schema");
	return schema;
}
