/*
 * contract.c - contract layers, merging, --set, schema check, checksum.
 *
 * The schema below is the single declaration of every key a contract may
 * hold.  Each entry names a key and what may sit under it: nothing more
 * (a leaf of any JSON type), a fixed set of keys (an object described by
 * another table), or a map whose keys are the user's own (field names,
 * rule codes) each described by the same table.
 */
#include "contract/contract.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "base/edit.h"
#include "contract/import.h"
#include "contract/yaml.h"
#include "stream/json.h"
#include "base/util.h"

struct keyspec {
	const char *key;
	const struct keyspec *sub; /* keys allowed in the object below */
	int map;                   /* the object below is name -> sub */
};

/* A condition: {"field": "attended", "equals": true}. */
static const struct keyspec cond_keys[] = {
	{ "field", NULL, 0 },   { "equals", NULL, 0 },
	{ "not_equals", NULL, 0 }, { "in", NULL, 0 },
	{ "present", NULL, 0 }, { "absent", NULL, 0 },
	{ "expr", NULL, 0 },
	{ NULL, NULL, 0 }
};

/* A reference: the key column of another NDJSON or CSV file. */
static const struct keyspec ref_keys[] = {
	{ "file", NULL, 0 }, { "key", NULL, 0 }, { "records", NULL, 0 },
	{ NULL, NULL, 0 }
};

/* Normalizer steps may be a string or {"name": options}; options vary by
 * step and are checked by dq-normalize itself. */
static const struct keyspec field_keys[] = {
	{ "type", NULL, 0 },       { "normalize", NULL, 0 },
	{ "required", NULL, 0 },   { "enum", NULL, 0 },
	{ "enum_case", NULL, 0 },  { "min", NULL, 0 },
	{ "max", NULL, 0 },        { "min_length", NULL, 0 },
	{ "max_length", NULL, 0 }, { "pattern", NULL, 0 },
	{ "unique", NULL, 0 },     { "format", NULL, 0 },
	{ "region", NULL, 0 },     { "description", NULL, 0 },
	{ "severity", NULL, 0 },   { "hint", NULL, 0 },
	{ "tolerance", NULL, 0 },  { "codes", NULL, 0 },
	{ "reference", ref_keys, 0 }, { "example", NULL, 0 },
	{ "percent", NULL, 0 },    { "not_in", NULL, 0 },
	{ "not_pattern", NULL, 0 }, { "not_reference", ref_keys, 0 },
	{ "part", NULL, 0 },       { "default", NULL, 0 },
	{ "derive", NULL, 0 },      { "owner", NULL, 0 },
	{ "tags", NULL, 0 },        { "min_items", NULL, 0 },
	{ "max_items", NULL, 0 },  { "unique_items", NULL, 0 },
	{ "missing", NULL, 0 },
	{ "pii", NULL, 0 },
	{ NULL, NULL, 0 }
};

/* Sensitive fields by name (contract/pii.h). */
static const struct keyspec pii_keys[] = {
	{ "names", NULL, 0 }, { "key_env", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct keyspec normalize_keys[] = {
	{ "null_tokens", NULL, 0 }, { "unknown_fields", NULL, 0 },
	{ "keep_original", NULL, 0 }, { "region", NULL, 0 },
	{ "date_order", NULL, 0 },  { "year_pivot", NULL, 0 },
	{ "particles", NULL, 0 },   { "trim_all", NULL, 0 },
	{ "names_keep", NULL, 0 },
	{ NULL, NULL, 0 }
};

/* One entry of "rules", keyed by its code (dq-validate). */
static const struct keyspec rule_keys[] = {
	{ "check", NULL, 0 },       { "field", NULL, 0 },
	{ "fields", NULL, 0 },      { "severity", NULL, 0 },
	{ "category", NULL, 0 },    { "hint", NULL, 0 },
	{ "tolerance", NULL, 0 },   { "message", NULL, 0 },
	{ "description", NULL, 0 }, { "if", cond_keys, 0 },
	{ "type", NULL, 0 },        { "format", NULL, 0 },
	{ "pattern", NULL, 0 },     { "values", NULL, 0 },
	{ "case", NULL, 0 },        { "min", NULL, 0 },
	{ "max", NULL, 0 },         { "min_length", NULL, 0 },
	{ "max_length", NULL, 0 },  { "before", NULL, 0 },
	{ "allow_equal", NULL, 0 }, { "file", NULL, 0 },
	{ "key", NULL, 0 },         { "group_by", NULL, 0 },
	{ "records", NULL, 0 },
	{ "order_by", NULL, 0 },    { "when", cond_keys, 0 },
	{ "percent", NULL, 0 },     { "date_order", NULL, 0 },
	{ "owner", NULL, 0 },       { "tags", NULL, 0 },
	{ "expr", NULL, 0 },        { "part", NULL, 0 },
	{ "patterns", NULL, 0 },    { "stat", NULL, 0 },
	{ "min_items", NULL, 0 },   { "max_items", NULL, 0 },
	{ "unique_items", NULL, 0 },
	{ NULL, NULL, 0 }
};

/* The profile section (dq-profile): caps of the document, drift
 * tolerances and freshness limits ({"FIELD": "12h"}). */
static const struct keyspec profile_keys[] = {
	{ "top", NULL, 0 },      { "buckets", NULL, 0 },
	{ "sample", NULL, 0 },   { "examples", NULL, 0 },
	{ "shapes", NULL, 0 },   { "null_ratio", NULL, 0 },
	{ "null_floor", NULL, 0 }, { "psi", NULL, 0 },
	{ "mean_shift", NULL, 0 }, { "row_tolerance", NULL, 0 },
	{ "sigma", NULL, 0 },    { "freshness", NULL, 0 },
	{ NULL, NULL, 0 }
};

/* A blocking rule: {"key": "last_name:soundex,dob:year"}.  See
 * docs/blocking.md. */
static const struct keyspec block_rule_keys[] = {
	{ "key", NULL, 0 }, { "max_block", NULL, 0 },
	{ "min_weight", NULL, 0 }, { "description", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct keyspec blocking_keys[] = {
	{ "rules", block_rule_keys, 1 }, { "max_block", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct keyspec score_keys[] = {
	{ "weights", NULL, 0 }  /* any name: rules.c */, { "pass_mark", NULL, 0 },
	{ "allow_empty", NULL, 0 }, { "allow_absent_fields", NULL, 0 },
	{ NULL, NULL, 0 }
};

/* survivorship (dq-merge, docs/merge.md): a rule per field. */
static const struct keyspec surv_field_keys[] = {
	{ "rule", NULL, 0 },   { "primary", NULL, 0 },
	{ "timestamp", NULL, 0 }, { "source", NULL, 0 },
	{ "source_priority", NULL, 0 }, { "into", NULL, 0 },
	{ NULL, NULL, 0 }
};
static const struct keyspec survivorship_keys[] = {
	{ "default", NULL, 0 },   { "timestamp", NULL, 0 },
	{ "source", NULL, 0 },    { "source_priority", NULL, 0 },
	{ "fields", surv_field_keys, 1 }, { "weak_link", NULL, 0 },
	{ "max_cluster_size", NULL, 0 }, { "groups", NULL, 0 },
	{ NULL, NULL, 0 }
};

/* dq-score: how fields are compared and weighed (docs/score.md). */
static const struct keyspec compare_field_keys[] = {
	{ "comparator", NULL, 0 }, { "weight", NULL, 0 },
	{ "close", NULL, 0 },      { "similar", NULL, 0 },
	{ "num_close", NULL, 0 },  { "num_near", NULL, 0 },
	{ "within_days", NULL, 0 }, { "last_digits", NULL, 0 },
	{ "q", NULL, 0 },          { "nicknames", NULL, 0 },
	{ "tf", NULL, 0 },         { "m", NULL, 0 },
	{ "u", NULL, 0 },          { "description", NULL, 0 },
	{ "swap_with", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct keyspec guard_keys[] = {
	{ "shared", NULL, 0 }, { "differ", NULL, 0 },
	{ "unless", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct keyspec compare_keys[] = {
	{ "model", NULL, 0 },  { "prior", NULL, 0 },
	{ "u_from", NULL, 0 },
	{ "fields", compare_field_keys, 1 }, { "guard", guard_keys, 0 },
	{ NULL, NULL, 0 }
};

static const struct keyspec threshold_keys[] = {
	{ "match", NULL, 0 }, { "review", NULL, 0 },
	{ NULL, NULL, 0 }
};

/* identity (stream/meta.h): are --id values global or per source? */
static const struct keyspec identity_keys[] = {
	{ "global", NULL, 0 }, { "source", NULL, 0 },
	{ NULL, NULL, 0 }
};

/* dq-anomaly (docs/anomaly.md): the alert limits and the judgment. */
static const struct keyspec alerts_keys[] = {
	{ "limits", NULL, 0 },      { "metrics", NULL, 0 },
	{ "window", NULL, 0 },      { "season", NULL, 0 },
	{ "min_history", NULL, 0 }, { "warn", NULL, 0 },
	{ "error", NULL, 0 },       { "min_change", NULL, 0 },
	{ NULL, NULL, 0 }
};

/* Sections owned by programs not written yet are accepted as a whole
 * (sub == NULL) until those programs declare their keys here. */
static const struct keyspec top_keys[] = {
	{ "name", NULL, 0 },        { "version", NULL, 0 },
	{ "description", NULL, 0 }, { "id", NULL, 0 },
	{ "fields", field_keys, 1 }, { "rename", NULL, 0 },
	{ "normalize", normalize_keys, 0 },
	{ "rules", rule_keys, 1 },  { "score", score_keys, 0 },
	{ "blocking", blocking_keys, 0 }, { "compare", compare_keys, 0 },
	{ "thresholds", threshold_keys, 0 },
	{ "survivorship", survivorship_keys, 0 },
	{ "profile", profile_keys, 0 },
	{ "identity", identity_keys, 0 },
	{ "alerts", alerts_keys, 0 },
	{ "pii", pii_keys, 0 },
	{ NULL, NULL, 0 }
};

void
dq_contract_init(struct dq_contract *c)
{
	memset(c, 0, sizeof(*c));
	c->root = cJSON_CreateObject();
	if (!c->root)
		dq_die("out of memory");
}

void
dq_contract_release(struct dq_contract *c)
{
	cJSON_Delete(c->root);
	cJSON_Delete(c->declared);
	for (size_t i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	memset(c, 0, sizeof(*c));
}

char *
dq_read_file(const char *path, size_t *len)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	struct dq_buf b = DQ_BUF_INIT;
	char chunk[65536];
	size_t n;

	if (!fp) {
		dq_error("%s: %s", path, strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		dq_buf_add(&b, chunk, n);
	int bad = ferror(fp) ? (errno ? errno : EIO) : 0;
	if (fp != stdin)
		fclose(fp);
	if (bad) {
		dq_error("%s: %s", path, strerror(bad));
		dq_buf_release(&b);
		return NULL;
	}
	return dq_buf_detach(&b, len);
}

/* "file" or, for a YAML layer that says where path was, "file:line:col". */
static const char *
where(char *buf, size_t n, const char *file, const struct dq_yaml_marks *m,
      const char *path)
{
	const struct dq_yaml_mark *k = dq_yaml_marks_find(m, path);
	if (k)
		snprintf(buf, n, "%s:%ld:%ld", file, k->line, k->col);
	else
		snprintf(buf, n, "%s", file);
	return buf;
}

static int
check_keys(const cJSON *obj, const struct keyspec *spec, int map,
	   const char *path, const char *file, const struct dq_yaml_marks *m)
{
	const cJSON *it;
	char sub[512], at[1024];

	if (!cJSON_IsObject(obj))
		return dq_error("contract %s: '%s' must be an object",
				where(at, sizeof(at), file, m, path), path);
	cJSON_ArrayForEach(it, obj)
	{
		const struct keyspec *k = NULL;
		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "",
			 it->string);
		if (map) {
			if (check_keys(it, spec, 0, sub, file, m))
				return -1;
			continue;
		}
		for (const struct keyspec *s = spec; s->key; s++)
			if (!strcmp(s->key, it->string))
				k = s;
		if (!k)
			return dq_error("contract %s: unknown key '%s'",
					where(at, sizeof(at), file, m, sub),
					sub);
		if (k->sub && check_keys(it, k->sub, k->map, sub, file, m))
			return -1;
	}
	return 0;
}

/* The key of spec nearest to key, when key could be a typo of it
 * (base/edit.h), else NULL. */
static const char *
near_key(const struct keyspec *spec, const char *key)
{
	size_t best = SIZE_MAX;
	const char *near = NULL;

	for (const struct keyspec *s = spec; s->key; s++) {
		size_t d = dq_edit_typo(key, s->key);
		if (d < best) {
			best = d;
			near = s->key;
		}
	}
	return near;
}

static size_t
keys_each(const cJSON *obj, const struct keyspec *spec, int map,
	  const char *path, dq_contract_key_fn fn, void *ctx)
{
	const cJSON *it;
	size_t n = 0;

	if (!cJSON_IsObject(obj)) {
		fn(ctx, path, "must be an object", NULL);
		return 1;
	}
	cJSON_ArrayForEach(it, obj)
	{
		struct dq_buf sub = DQ_BUF_INIT;
		const struct keyspec *k = NULL;
		dq_buf_addf(&sub, "%s%s%s", path, *path ? "." : "",
			    it->string);
		if (map) {
			n += keys_each(it, spec, 0, sub.buf, fn, ctx);
			dq_buf_release(&sub);
			continue;
		}
		for (const struct keyspec *s = spec; s->key; s++)
			if (!strcmp(s->key, it->string))
				k = s;
		if (!k) {
			fn(ctx, sub.buf, "unknown key",
			   near_key(spec, it->string));
			n++;
		} else if (k->sub) {
			n += keys_each(it, k->sub, k->map, sub.buf, fn, ctx);
		}
		dq_buf_release(&sub);
	}
	return n;
}

size_t
dq_contract_keys_each(const cJSON *doc, dq_contract_key_fn fn, void *ctx)
{
	return keys_each(doc, top_keys, 0, "", fn, ctx);
}

/* Merge src into dst (both objects); src items are moved or copied. */
static void
merge(cJSON *dst, const cJSON *src)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, src)
	{
		cJSON *old = cJSON_GetObjectItemCaseSensitive(dst, it->string);
		if (old && cJSON_IsObject(old) && cJSON_IsObject(it)) {
			merge(old, it);
			continue;
		}
		cJSON *copy = cJSON_Duplicate(it, 1);
		if (!copy)
			dq_die("out of memory");
		if (old)
			cJSON_ReplaceItemInObjectCaseSensitive(dst, it->string,
							       copy);
		else
			cJSON_AddItemToObject(dst, it->string, copy);
	}
}

/* Parse one layer's text strictly. */
static cJSON *
parse_layer(const char *text, size_t len, const char *file)
{
	struct dq_json_error e;
	int type = dq_json_validate(text, len, &e);

	if (type < 0) {
		/* Count lines up to the error for the message. */
		long line = 1;
		for (size_t i = 0; i < e.offset && i < len; i++)
			line += text[i] == '\n';
		dq_error("contract %s:%ld: %s", file, line, e.reason);
		return NULL;
	}
	if (type != DQ_JSON_OBJECT) {
		dq_error("contract %s: must be a JSON object", file);
		return NULL;
	}
	const char *end;
	cJSON *j = cJSON_ParseWithOpts(text, &end, 1);
	if (!j)
		dq_error("contract %s: cannot parse", file);
	return j;
}

void
dq_contract_put(cJSON *obj, const char *key, cJSON *v)
{
	if (cJSON_HasObjectItem(obj, key))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v);
	else
		cJSON_AddItemToObject(obj, key, v);
}

cJSON *
dq_contract_read_doc(const char *file)
{
	size_t len;
	char *text = dq_read_file(file, &len);
	if (!text)
		return NULL;
	cJSON *j = dq_yaml_is_yaml(file, text, len)
			   ? dq_yaml_parse(text, len, file, NULL)
			   : parse_layer(text, len, file);
	free(text);
	return j;
}

/* Build the one-key-path object {"a":{"b":value}} for --set a.b=value. */
static cJSON *
set_layer(const char *set)
{
	const char *eq = strchr(set, '=');
	if (!eq || eq == set) {
		dq_error("--set '%s': expected PATH=VALUE", set);
		return NULL;
	}
	const char *vtext = eq + 1;
	struct dq_json_error e;
	cJSON *val = NULL;
	if (*vtext && dq_json_validate(vtext, strlen(vtext), &e) >= 0)
		val = cJSON_Parse(vtext);
	if (!val)
		val = cJSON_CreateString(vtext);
	if (!val)
		dq_die("out of memory");

	/* Walk the path from its end, wrapping the value. */
	char *path = dq_xstrndup(set, (size_t)(eq - set));
	char *p;
	while ((p = strrchr(path, '.')) != NULL) {
		if (!p[1]) {
			dq_error("--set '%s': empty path component", set);
			cJSON_Delete(val);
			free(path);
			return NULL;
		}
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, p + 1, val);
		val = o;
		*p = '\0';
	}
	if (!*path) {
		dq_error("--set '%s': empty path component", set);
		cJSON_Delete(val);
		free(path);
		return NULL;
	}
	cJSON *top = cJSON_CreateObject();
	cJSON_AddItemToObject(top, path, val);
	free(path);
	return top;
}

static int
cmp_items(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	return strcmp(x->string, y->string);
}

/* Append the canonical form: objects with sorted keys, compact. */
static void
canonical(const cJSON *j, struct dq_buf *out)
{
	if (cJSON_IsObject(j)) {
		size_t n = (size_t)cJSON_GetArraySize(j), i = 0;
		const cJSON **v = dq_xcalloc(n ? n : 1, sizeof(*v));
		const cJSON *it;
		cJSON_ArrayForEach(it, j) v[i++] = it;
		qsort(v, n, sizeof(*v), cmp_items);
		dq_buf_addch(out, '{');
		for (i = 0; i < n; i++) {
			if (i)
				dq_buf_addch(out, ',');
			dq_buf_add_json_string(out, v[i]->string,
					       strlen(v[i]->string));
			dq_buf_addch(out, ':');
			canonical(v[i], out);
		}
		dq_buf_addch(out, '}');
		free(v);
	} else if (cJSON_IsArray(j)) {
		const cJSON *it;
		int first = 1;
		dq_buf_addch(out, '[');
		cJSON_ArrayForEach(it, j)
		{
			if (!first)
				dq_buf_addch(out, ',');
			first = 0;
			canonical(it, out);
		}
		dq_buf_addch(out, ']');
	} else {
		char *s = cJSON_PrintUnformatted(j);
		if (!s)
			dq_die("out of memory");
		dq_buf_addstr(out, s);
		cJSON_free(s);
	}
}

/* A variable's name starts at p: its length (0 when none). */
static size_t
env_name(const char *p)
{
	size_t n = 0;
	if (!(p[0] == '_' || (p[0] >= 'A' && p[0] <= 'Z') ||
	      (p[0] >= 'a' && p[0] <= 'z')))
		return 0;
	while (p[n] == '_' || (p[n] >= 'A' && p[n] <= 'Z') ||
	       (p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9'))
		n++;
	return n;
}

static int
env_unset(const char *path, const char *name, size_t n)
{
	return dq_error("contract: '%s': environment variable %.*s is not set",
			path, (int)n, name);
}

/*
 * Resolve the placeholders of the strings under j from the environment:
 * a string that is all env("VAR") (or env('VAR')) becomes VAR's value,
 * and ${VAR} anywhere in a string is replaced by it.  *found counts the
 * placeholders.  -1 with a message naming the key when a variable is not
 * set.
 */
static int
resolve_env(cJSON *j, const char *path, int *found)
{
	if (cJSON_IsObject(j) || cJSON_IsArray(j)) {
		cJSON *it;
		char sub[512];
		cJSON_ArrayForEach(it, j)
		{
			snprintf(sub, sizeof(sub), "%s%s%s", path,
				 *path && it->string ? "." : "",
				 it->string ? it->string : "");
			if (resolve_env(it, sub, found))
				return -1;
		}
		return 0;
	}
	if (!cJSON_IsString(j))
		return 0;
	const char *s = j->valuestring;
	size_t len = strlen(s), n;
	if (len > 7 && !strncmp(s, "env(", 4) && (s[4] == '"' || s[4] == '\'')
	    && (n = env_name(s + 5)) && s[5 + n] == s[4] && s[6 + n] == ')' &&
	    !s[7 + n]) {
		char *name = dq_xstrndup(s + 5, n);
		const char *v = getenv(name);
		free(name);
		if (!v)
			return env_unset(path, s + 5, n);
		(*found)++;
		cJSON_SetValuestring(j, v);
		return 0;
	}
	if (!strstr(s, "${"))
		return 0;
	struct dq_buf b = DQ_BUF_INIT;
	for (const char *p = s; *p;) {
		if (p[0] == '$' && p[1] == '{' && (n = env_name(p + 2)) &&
		    p[2 + n] == '}') {
			char *name = dq_xstrndup(p + 2, n);
			const char *v = getenv(name);
			free(name);
			if (!v) {
				dq_buf_release(&b);
				return env_unset(path, p + 2, n);
			}
			(*found)++;
			dq_buf_addstr(&b, v);
			p += n + 3;
		} else {
			dq_buf_addch(&b, *p++);
		}
	}
	cJSON_SetValuestring(j, b.buf);
	dq_buf_release(&b);
	return 0;
}

/*
 * Paths in a contract (a reference's "file", in fields.F.reference and in
 * rules.CODE) are relative to the directory of the layer that set them,
 * not to the working directory.  Each is noted with that directory as the
 * layers load (a later layer's value replaces an earlier one's, and so
 * does its directory), and joined after the checksum, which so stays that
 * of the contract as written wherever it is run from.
 */
struct relpath {
	char *sect, *name;
	char *dir; /* NULL: the working directory (--set, a bare name) */
};

struct relpaths {
	struct relpath *v;
	size_t n, cap;
};

static cJSON *
path_item(const cJSON *root, const char *sect, const char *name)
{
	cJSON *o = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(root, sect), name);
	if (!strcmp(sect, "fields"))
		o = cJSON_GetObjectItemCaseSensitive(o, "reference");
	return cJSON_GetObjectItemCaseSensitive(o, "file");
}

static void
note_paths(struct relpaths *rp, const cJSON *layer, const char *file)
{
	static const char *const sects[] = { "fields", "rules", NULL };
	const char *slash = file ? strrchr(file, '/') : NULL;

	for (int k = 0; sects[k]; k++) {
		const cJSON *it;
		cJSON_ArrayForEach(it,
				   cJSON_GetObjectItemCaseSensitive(layer,
								    sects[k]))
		{
			if (!it->string ||
			    !cJSON_IsString(path_item(layer, sects[k],
						      it->string)))
				continue;
			size_t i;
			for (i = 0; i < rp->n; i++)
				if (!strcmp(rp->v[i].sect, sects[k]) &&
				    !strcmp(rp->v[i].name, it->string))
					break;
			if (i == rp->n) {
				if (rp->n == rp->cap) {
					rp->cap = rp->cap ? 2 * rp->cap : 8;
					rp->v = dq_xrealloc(rp->v, rp->cap *
							    sizeof(*rp->v));
				}
				rp->v[i].sect = dq_xstrdup(sects[k]);
				rp->v[i].name = dq_xstrdup(it->string);
				rp->n++;
			} else {
				free(rp->v[i].dir);
			}
			rp->v[i].dir = slash ? dq_xstrndup(file, (size_t)(
							   slash - file + 1))
					     : NULL;
		}
	}
}

/* Join the noted paths to their directories in root; *found counts
 * those changed. */
static void
join_paths(struct relpaths *rp, cJSON *root, int *found)
{
	for (size_t i = 0; i < rp->n; i++) {
		cJSON *f = path_item(root, rp->v[i].sect, rp->v[i].name);
		if (rp->v[i].dir && cJSON_IsString(f) &&
		    f->valuestring[0] != '/' && f->valuestring[0]) {
			struct dq_buf b = DQ_BUF_INIT;
			dq_buf_addf(&b, "%s%s", rp->v[i].dir, f->valuestring);
			cJSON_SetValuestring(f, b.buf);
			dq_buf_release(&b);
			(*found)++;
		}
	}
}

static void
relpaths_release(struct relpaths *rp)
{
	for (size_t i = 0; i < rp->n; i++) {
		free(rp->v[i].sect);
		free(rp->v[i].name);
		free(rp->v[i].dir);
	}
	free(rp->v);
}

/* A non-empty list of objects with a "name" each: a Table Schema's
 * fields, a Data Package's resources (never a dq contract's). */
static int
named_objects(const cJSON *l)
{
	const cJSON *it;
	if (!cJSON_IsArray(l) || !l->child)
		return 0;
	cJSON_ArrayForEach(it, l)
	if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(it, "name")))
		return 0;
	return 1;
}

/*
 * A document of several tables (a package's resources, an ODCS
 * document's schema objects): the first is the dataset, said so that no
 * one takes another for it.  Its name, or NULL when there is one table.
 */
static const char *
first_of(const cJSON *doc, const char *key, const char *what,
	 const char *option, const char *file)
{
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(doc, key);
	const cJSON *nm = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetArrayItem(l, 0), "name");

	if (cJSON_GetArraySize(l) < 2 || !cJSON_IsString(nm))
		return NULL;
	dq_warn("%s: %d %s: reading the first, '%s' (dq-contract import %s "
		"for another)", file, cJSON_GetArraySize(l), what,
		nm->valuestring, option);
	return nm->valuestring;
}

/*
 * A layer written for another tool, -c schema.json: a JSON Schema (it
 * has "$schema"), an Open Data Contract Standard document ("kind":
 * "DataContract" with an "apiVersion"), a Data Package ("resources") or
 * a Table Schema ("fields" as a list), each list of objects with names,
 * is replaced by the contract dq-contract import makes of it, its report
 * printed as warnings.  0, or -1 after a message.
 */
static int
foreign(cJSON **layer, const char *file)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(*layer, "fields");
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(*layer, "kind");
	int js = cJSON_IsString(cJSON_GetObjectItemCaseSensitive(*layer,
								  "$schema"));
	int odcs = cJSON_IsString(kind) &&
		   !strcmp(kind->valuestring, "DataContract") &&
		   cJSON_GetObjectItemCaseSensitive(*layer, "apiVersion");
	struct dq_import im;
	cJSON *c;

	if (!js && !odcs && !named_objects(f) &&
	    !named_objects(cJSON_GetObjectItemCaseSensitive(*layer,
							   "resources")))
		return 0;
	dq_import_init(&im, file);
	if (js) {
		c = dq_import_jsonschema(&im, *layer);
	} else if (odcs) {
		c = dq_import_odcs(&im, *layer,
				   first_of(*layer, "schema", "schema objects",
					    "--schema", file));
	} else {
		const char *slash = strrchr(file, '/');
		char *dir = dq_xstrndup(file, slash ? (size_t)(slash - file + 1)
						    : 0);
		c = dq_import_tableschema(&im, *layer, dir,
					  first_of(*layer, "resources",
						   "resources", "--resource",
						   file));
		free(dir);
	}
	if (c)
		dq_import_warn(&im);
	dq_import_release(&im);
	if (!c)
		return -1;
	cJSON_Delete(*layer);
	*layer = c;
	return 0;
}

int
dq_contract_load(struct dq_contract *c, char **files, size_t nfiles,
		 char **sets, size_t nsets)
{
	size_t i;
	struct relpaths rp = { NULL, 0, 0 };
	int rc = -1;

	c->files = dq_xcalloc(nfiles + 1, sizeof(char *));
	for (i = 0; i < nfiles; i++) {
		size_t len;
		char *text = dq_read_file(files[i], &len);
		if (!text)
			goto out;
		struct dq_yaml_marks marks = { NULL, 0, 0 };
		cJSON *layer = dq_yaml_is_yaml(files[i], text, len) ?
			       dq_yaml_parse(text, len, files[i], &marks) :
			       parse_layer(text, len, files[i]);
		free(text);
		if (!layer) {
			dq_yaml_marks_release(&marks);
			goto out;
		}
		c->files[c->nfiles++] = dq_xstrdup(files[i]);
		if (foreign(&layer, files[i])) {
			dq_yaml_marks_release(&marks);
			goto out;
		}
		int bad = check_keys(layer, top_keys, 0, "", files[i], &marks);
		dq_yaml_marks_release(&marks);
		if (bad) {
			cJSON_Delete(layer);
			goto out;
		}
		note_paths(&rp, layer, strcmp(files[i], "-") ? files[i] : NULL);
		merge(c->root, layer);
		cJSON_Delete(layer);
	}
	for (i = 0; i < nsets; i++) {
		cJSON *layer = set_layer(sets[i]);
		if (!layer)
			goto out;
		if (check_keys(layer, top_keys, 0, "", "--set", NULL)) {
			cJSON_Delete(layer);
			goto out;
		}
		note_paths(&rp, layer, NULL);
		merge(c->root, layer);
		cJSON_Delete(layer);
	}
	struct dq_buf b = DQ_BUF_INIT;
	canonical(c->root, &b);
	snprintf(c->checksum, sizeof(c->checksum), "%016llx",
		 (unsigned long long)XXH64(b.buf, b.len, 0));
	dq_buf_release(&b);
	/* The checksum above is of the contract as written, placeholders
	 * and paths as they are: it names the variables, never their
	 * (secret) values, and does not change with the directory it is
	 * run from.  The programs read the resolved copy. */
	cJSON *resolved = cJSON_Duplicate(c->root, 1);
	int found = 0;
	if (!resolved)
		dq_die("out of memory");
	if (resolve_env(resolved, "", &found)) {
		cJSON_Delete(resolved);
		goto out;
	}
	join_paths(&rp, resolved, &found);
	if (found) {
		c->declared = c->root;
		c->root = resolved;
	} else {
		cJSON_Delete(resolved);
	}
	rc = 0;
out:
	relpaths_release(&rp);
	return rc;
}

const cJSON *
dq_contract_declared(const struct dq_contract *c)
{
	return c->declared ? c->declared : c->root;
}

cJSON *
dq_contract_get(const struct dq_contract *c, const char *section)
{
	return cJSON_GetObjectItemCaseSensitive(c->root, section);
}
