/*
 * dbt.c - a dbt model's tests (schema.yml) to dq contract.
 *
 * Reference: dbt's documentation (docs.getdbt.com): "Add data tests to
 * your DAG" and the reference pages for data_tests, the four generic
 * tests (unique, not_null, accepted_values, relationships) and the
 * test configs severity, warn_if, error_if, where and enabled.  A
 * properties file lists models[], each with columns[]; a column's
 * data_tests (tests before dbt 1.8) name generic tests, bare or with
 * arguments (under "arguments" since dbt 1.10, beside them before) and
 * a config.  The contract is one model's: its columns become fields,
 * and each known test the field's check of the same meaning.
 *
 * SQL's NULL is the one missing value of a dbt test; dq's missing is
 * its own blank (absent, null, "", white space, [] and {}), which is
 * what a NULL becomes in an NDJSON or CSV export, but "" and white
 * space are values to SQL: each test whose answer that changes is
 * reported approximate.  A test's thresholds (warn_if, error_if) count
 * failing rows; dq's check fails at its first failure (its tolerance is
 * a rate), so a threshold other than "!=0" is reported approximate.
 */
#include "contract/import.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/util.h"

struct dbt {
	struct dq_import *im;
	const char *const *refs; /* "NAME=FILE", NULL-ended (borrowed) */
	cJSON *fields;
};

#define note(t, ...) dq_import_note((t)->im, __VA_ARGS__)

/*
 * The model name in a relationships test's "to": ref('m'),
 * ref('package', 'm'), ref('m', v=2) or source('s', 't') (named "s.t"),
 * quotes single or double.  A new string, or NULL.
 */
static char *
to_name(const char *to)
{
	char *arg[2] = { NULL, NULL };
	int src, n = 0;
	const char *s = to;

	while (isspace((unsigned char)*s))
		s++;
	if (!strncmp(s, "ref(", 4))
		src = 0, s += 4;
	else if (!strncmp(s, "source(", 7))
		src = 1, s += 7;
	else
		return NULL;
	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\'' || *s == '"') {
			const char *e = strchr(s + 1, *s);
			if (!e || e == s + 1 || n == 2)
				goto bad;
			arg[n++] = dq_xstrndup(s + 1, (size_t)(e - s - 1));
			s = e + 1;
		} else if (!strncmp(s, "v=", 2) || !strncmp(s, "version=", 8)) {
			s += strcspn(s, ",)"); /* a version: the same file */
		} else {
			goto bad;
		}
		while (isspace((unsigned char)*s))
			s++;
		if (*s == ')')
			break;
		if (*s++ != ',')
			goto bad;
	}
	s++;
	while (isspace((unsigned char)*s))
		s++;
	if (*s || !n || (src && n != 2))
		goto bad;
	if (src) {
		struct dq_buf b = DQ_BUF_INIT;
		dq_buf_addf(&b, "%s.%s", arg[0], arg[1]);
		free(arg[0]);
		free(arg[1]);
		return dq_buf_detach(&b, NULL);
	}
	free(n == 2 ? arg[0] : NULL);
	return arg[n - 1];
bad:
	free(arg[0]);
	free(arg[1]);
	return NULL;
}

/* A test's config key: in its "config", else beside its arguments (the
 * older form). */
static const cJSON *
config(const cJSON *body, const char *key)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(body, "config");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, key);
	return v ? v : cJSON_GetObjectItemCaseSensitive(body, key);
}

/* Is a threshold dbt's default "!=0" (spaces aside)? */
static int
default_threshold(const char *s)
{
	char b[8];
	size_t n = 0;
	for (; *s && n < sizeof(b) - 1; s++)
		if (!isspace((unsigned char)*s))
			b[n++] = *s;
	b[n] = '\0';
	return !*s && (!strcmp(b, "!=0") || !strcmp(b, "<>0"));
}

/* key: v in the field f, unless a test set key already (import.h). */
#define set_check(t, f, key, v, ptr, test) \
	dq_import_put((t)->im, f, key, v, ptr, "test")

/*
 * Read the test at ptr (an entry of data_tests) on the field f: its
 * name (name is the test's), the arguments and config in body (NULL
 * for a bare name).
 */
static void
test(struct dbt *t, cJSON *f, const char *name, const cJSON *body,
     const char *ptr)
{
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(body, "arguments");
	const cJSON *v;
	const char *check = NULL, *sev = "error";
	char *p;

	if (!args)
		args = body;
	if ((v = config(body, "enabled")) && cJSON_IsFalse(v))
		return; /* a test switched off checks nothing */
	if (!strncmp(name, "dbt.", 4))
		name += 4;
	if (!strcmp(name, "not_null")) {
		if (set_check(t, f, "required", cJSON_CreateTrue(), ptr, name))
			return;
		check = "required";
		note(t, ptr, name, 1, "dq's missing also takes \"\" and white "
		     "space, which SQL's not null lets pass");
	} else if (!strcmp(name, "unique")) {
		if (set_check(t, f, "unique", cJSON_CreateTrue(), ptr, name))
			return;
		check = "unique";
		note(t, ptr, name, 1, "dq does not compare \"\" and white "
		     "space (missing to dq, as NULL is to SQL), which SQL's "
		     "unique test counts");
	} else if (!strcmp(name, "accepted_values")) {
		const cJSON *vals = cJSON_GetObjectItemCaseSensitive(args,
								     "values");
		const cJSON *q = cJSON_GetObjectItemCaseSensitive(args, "quote");
		int ok = cJSON_IsArray(vals) && cJSON_GetArraySize(vals) > 0;
		int strings = 0;
		cJSON_ArrayForEach(v, vals)
		{
			ok &= cJSON_IsString(v) || cJSON_IsNumber(v) ||
			      cJSON_IsBool(v);
			strings |= cJSON_IsString(v);
		}
		p = dq_import_pointer(ptr, "values");
		if (!ok) {
			note(t, p, name, 0, "not a non-empty list of strings, "
			     "numbers and booleans");
			free(p);
			return;
		}
		free(p);
		if (set_check(t, f, "enum", cJSON_Duplicate(vals, 1), ptr,
			      name))
			return;
		check = "enum";
		note(t, ptr, name, 1, "dq does not check \"\" and white space "
		     "(missing to dq, as NULL is to SQL), which SQL's test "
		     "fails unless they are listed");
		if (cJSON_IsFalse(q) && strings) {
			p = dq_import_pointer(ptr, "quote");
			note(t, p, "quote", 1, "unquoted values are SQL "
			     "expressions; dq compares the text written");
			free(p);
		}
	} else if (!strcmp(name, "relationships")) {
		const cJSON *to = cJSON_GetObjectItemCaseSensitive(args, "to");
		const cJSON *key = cJSON_GetObjectItemCaseSensitive(args,
								    "field");
		char *model = cJSON_IsString(to) ? to_name(to->valuestring)
						 : NULL;
		const char *file = model ? dq_import_ref(t->refs, model, strlen(model))
					 : NULL;
		if (!model || !cJSON_IsString(key)) {
			note(t, ptr, name, 0, "not a relationship (to: "
			     "ref('model') or source('s', 't'), field)");
		} else if (!file) {
			note(t, ptr, name, 0, "no file for '%s': give --ref "
			     "%s=FILE", model, model);
		} else {
			cJSON *r = cJSON_CreateObject();
			cJSON_AddStringToObject(r, "file", file);
			cJSON_AddStringToObject(r, "key", key->valuestring);
			if (!set_check(t, f, "reference", r, ptr, name)) {
				check = "reference";
				note(t, ptr, name, 1, "dq does not check \"\" "
				     "and white space (missing to dq, as NULL "
				     "is to SQL), which SQL's test fails "
				     "unless '%s' has them", model);
			}
		}
		free(model);
		if (!check)
			return;
	} else {
		note(t, ptr, name, 0, "a test dq-contract does not know (it "
		     "reads unique, not_null, accepted_values, "
		     "relationships)");
		return;
	}

	if ((v = config(body, "severity"))) {
		p = dq_import_pointer(ptr, "severity");
		if (cJSON_IsString(v) && !strcasecmp(v->valuestring, "warn"))
			sev = "warn";
		else if (!cJSON_IsString(v) ||
			 strcasecmp(v->valuestring, "error"))
			note(t, p, "severity", 0, "not warn or error: the "
			     "check is an error");
		free(p);
	}
	if (!strcmp(sev, "warn")) {
		cJSON *s = cJSON_GetObjectItemCaseSensitive(f, "severity");
		if (!s)
			s = cJSON_AddObjectToObject(f, "severity");
		cJSON_AddStringToObject(s, check, sev);
	}
	/* The threshold that decides the test's outcome at its severity. */
	const char *th = !strcmp(sev, "warn") ? "warn_if" : "error_if";
	if ((v = config(body, th))) {
		p = dq_import_pointer(ptr, th);
		if (!cJSON_IsString(v) || !default_threshold(v->valuestring))
			note(t, p, th, 1, "dbt counts failing rows; dq's check "
			     "fails at the first failure (its tolerance is "
			     "a rate)");
		free(p);
	}
	static const char *const approx[] = { "where", "fail_calc", NULL };
	for (int k = 0; approx[k]; k++)
		if ((v = config(body, approx[k]))) {
			p = dq_import_pointer(ptr, approx[k]);
			note(t, p, approx[k], 1, "%s", k ? "dq counts failing "
			     "records" : "a SQL filter: dq checks every "
			     "record");
			free(p);
		}
}

/* Each test of the list (at ptr) on the field f; f NULL: a model's
 * tests, each naming its column with column_name. */
static void
tests(struct dbt *t, cJSON *f, const cJSON *list, const char *ptr)
{
	const cJSON *it;
	int i = 0;

	if (!cJSON_IsArray(list)) {
		note(t, ptr, "data_tests", 0, "not a list");
		return;
	}
	cJSON_ArrayForEach(it, list)
	{
		char idx[24];
		snprintf(idx, sizeof(idx), "%d", i++);
		char *p = dq_import_pointer(ptr, idx);
		const cJSON *body = NULL, *tn;
		const char *name = NULL;
		if (cJSON_IsString(it)) {
			name = it->valuestring;
		} else if (cJSON_IsObject(it) &&
			   cJSON_IsString(tn = cJSON_GetObjectItemCaseSensitive(
						  it, "test_name"))) {
			name = tn->valuestring, body = it;
		} else if (cJSON_IsObject(it) && it->child && !it->child->next &&
			   (cJSON_IsObject(it->child) ||
			    cJSON_IsNull(it->child))) {
			name = it->child->string, body = it->child;
			char *q = dq_import_pointer(p, name);
			free(p);
			p = q;
		}
		if (!name) {
			note(t, p, "data_tests", 0, "not a test (a name, or "
			     "one name with its arguments)");
		} else if (f) {
			test(t, f, name, body, p);
		} else {
			const cJSON *args = cJSON_GetObjectItemCaseSensitive(
				body, "arguments");
			const cJSON *col = cJSON_GetObjectItemCaseSensitive(
				args ? args : body, "column_name");
			size_t n = cJSON_IsString(col)
					   ? strspn(col->valuestring,
						    "abcdefghijklmnopqrstuvwxyz"
						    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
						    "0123456789_")
					   : 0;
			if (!n || col->valuestring[n] ||
			    isdigit((unsigned char)col->valuestring[0])) {
				note(t, p, name, 0, "a model's test on no "
				     "column (or on an expression)");
			} else {
				/* A column no entry lists joins the
				 * fields only with a check. */
				cJSON *c = cJSON_GetObjectItemCaseSensitive(
					t->fields, col->valuestring);
				cJSON *mine = c ? NULL : cJSON_CreateObject();
				test(t, c ? c : mine, name, body, p);
				if (mine && mine->child)
					cJSON_AddItemToObject(t->fields,
							      col->valuestring,
							      mine);
				else
					cJSON_Delete(mine);
			}
		}
		free(p);
	}
}

static const char *const ignored_model[] = { "name", "description",
	"columns", "data_tests", "tests", "config", "meta", "docs", "access",
	"group", "tags", "latest_version", "deprecation_date", NULL };
static const char *const ignored_column[] = { "name", "description",
	"data_tests", "tests", "quote", "meta", "tags", "docs", "policy_tags",
	"granularity", "config", NULL };

static void
model(struct dbt *t, const cJSON *m, const char *ptr)
{
	const cJSON *it, *v;
	int i = 0;

	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(m, "columns"))
	{
		char idx[24];
		snprintf(idx, sizeof(idx), "/columns/%d", i++);
		struct dq_buf b = DQ_BUF_INIT;
		dq_buf_addf(&b, "%s%s", ptr, idx);
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, "name");
		if (!cJSON_IsString(name) || !*name->valuestring) {
			note(t, b.buf, "name", 0, "a column without a name");
			dq_buf_release(&b);
			continue;
		}
		char *fname = dq_import_path("", name->valuestring);
		cJSON *f = cJSON_GetObjectItemCaseSensitive(t->fields, fname);
		if (!f)
			f = cJSON_AddObjectToObject(t->fields, fname);
		if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(
					   it, "description")))
			cJSON_AddStringToObject(f, "description",
						v->valuestring);
		cJSON_ArrayForEach(v, it)
		{
			char *q = dq_import_pointer(b.buf, v->string);
			if (!strcmp(v->string, "data_tests") ||
			    !strcmp(v->string, "tests"))
				tests(t, f, v, q);
			else if (!dq_import_in_list(ignored_column, v->string))
				note(t, q, v->string, 0, "%s",
				     !strcmp(v->string, "data_type") ||
						     !strcmp(v->string,
							     "constraints")
					     ? "a model contract's (checked by "
					       "dbt at build time): not read"
					     : "a column key dq-contract does "
					       "not read");
			free(q);
		}
		free(fname);
		dq_buf_release(&b);
	}
	cJSON_ArrayForEach(v, m)
	{
		char *q = dq_import_pointer(ptr, v->string);
		if (!strcmp(v->string, "data_tests") ||
		    !strcmp(v->string, "tests"))
			tests(t, NULL, v, q);
		else if (!dq_import_in_list(ignored_model, v->string))
			note(t, q, v->string, 0, "a model key dq-contract "
			     "does not read");
		free(q);
	}
}

cJSON *
dq_import_dbt(struct dq_import *im, const cJSON *doc, const char *name,
	      const char *const *refs)
{
	struct dbt t = { im, refs, NULL };
	const cJSON *models = cJSON_GetObjectItemCaseSensitive(doc, "models");
	const cJSON *m, *pick = NULL, *v;
	struct dq_buf list = DQ_BUF_INIT;
	int n = 0, i = 0, at = 0;

	if (!cJSON_IsArray(models) || !cJSON_GetArraySize(models)) {
		dq_error("%s: not a dbt properties file with models (no "
			 "\"models\" list)", im->file);
		return NULL;
	}
	cJSON_ArrayForEach(m, models)
	{
		const cJSON *nm = cJSON_GetObjectItemCaseSensitive(m, "name");
		const char *s = cJSON_IsString(nm) ? nm->valuestring : "";
		dq_buf_addf(&list, "%s%s", n++ ? ", " : "", s);
		if (name ? !strcmp(s, name) && !pick : n == 1)
			pick = m, at = i;
		i++;
	}
	if (!name && n > 1) {
		dq_error("%s: %d models: choose one with --model (%s)",
			 im->file, n, list.buf);
		dq_buf_release(&list);
		return NULL;
	}
	if (!pick || !cJSON_IsObject(pick)) {
		if (name)
			dq_error("%s: no model '%s' (models: %s)", im->file,
				 name, list.buf);
		else
			dq_error("%s: the model is not an object", im->file);
		dq_buf_release(&list);
		return NULL;
	}
	dq_buf_release(&list);

	cJSON *contract = cJSON_CreateObject();
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(pick, "name")))
		cJSON_AddStringToObject(contract, "name", v->valuestring);
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(pick,
								"description")))
		cJSON_AddStringToObject(contract, "description", v->valuestring);
	t.fields = cJSON_AddObjectToObject(contract, "fields");
	char ptr[32];
	snprintf(ptr, sizeof(ptr), "/models/%d", at);
	model(&t, pick, ptr);
	cJSON_ArrayForEach(v, doc)
	if (strcmp(v->string, "version") && strcmp(v->string, "models")) {
		char *q = dq_import_pointer("", v->string);
		note(&t, q, v->string, 0, "not read: the contract is one "
		     "model's");
		free(q);
	}
	return contract;
}
