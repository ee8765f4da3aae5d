/*
 * pii.c - sensitive fields and their shown form (contract/pii.h).
 *
 * The hash is HMAC-SHA-256 (RFC 2104 over FIPS 180-4, base/sha256.c) cut
 * to its first 16 bytes: RFC 2104 section 5 allows truncation to no less
 * than half the output, and 128 bits keep collisions among a file's
 * distinct values out of reach.
 */
#include "contract/pii.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "base/sha256.h"
#include "stream/json.h"
#include "stream/walk.h"

struct dq_pii_rule {
	char *name;
	size_t len;
	enum dq_pii_policy pol;
};

static const struct dq_pii none;
static const struct dq_pii *active = &none;

void
dq_pii_init(struct dq_pii *p)
{
	memset(p, 0, sizeof(*p));
}

void
dq_pii_release(struct dq_pii *p)
{
	for (size_t i = 0; i < p->nfield; i++)
		free(p->field[i].name);
	for (size_t i = 0; i < p->nglob; i++)
		free(p->glob[i].name);
	free(p->field);
	free(p->glob);
	if (p->key)
		memset(p->key, 0, p->keylen);
	free(p->key);
	if (active == p)
		active = &none;
	memset(p, 0, sizeof(*p));
}

/* The policy a contract value names: true, false ("keep"), or a word. */
static int
parse_policy(const cJSON *v, const char *where, enum dq_pii_policy *pol)
{
	static const struct {
		const char *word;
		enum dq_pii_policy pol;
	} words[] = { { "mask", DQ_PII_MASK },   { "hash", DQ_PII_HASH },
		      { "drop", DQ_PII_DROP },   { "keep", DQ_PII_KEEP },
		      { "candidate", DQ_PII_MASK } };

	if (cJSON_IsBool(v)) {
		*pol = cJSON_IsTrue(v) ? DQ_PII_MASK : DQ_PII_KEEP;
		return 0;
	}
	if (cJSON_IsString(v))
		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (!strcmp(v->valuestring, words[i].word)) {
				*pol = words[i].pol;
				return 0;
			}
	return dq_error("contract: '%s' must be true, false, \"mask\", "
			"\"hash\", \"drop\" or \"keep\"", where);
}

static void
push(struct dq_pii_rule **r, size_t *n, const char *name,
     enum dq_pii_policy pol)
{
	*r = dq_xrealloc(*r, (*n + 1) * sizeof(**r));
	(*r)[*n].name = dq_xstrdup(name);
	(*r)[*n].len = strlen(name);
	(*r)[(*n)++].pol = pol;
}

int
dq_pii_load(struct dq_pii *p, const struct dq_contract *c)
{
	const cJSON *fields = dq_contract_get(c, "fields");
	const cJSON *sect = dq_contract_get(c, "pii"), *e, *names = NULL;
	const char *var = dq_pii_key_env(c);
	struct dq_buf where = DQ_BUF_INIT;
	enum dq_pii_policy pol;
	int hash = 0, rc = -1;

	cJSON_ArrayForEach(e, fields) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "pii");
		if (!v)
			continue;
		dq_buf_reset(&where);
		dq_buf_addf(&where, "fields.%s.pii", e->string);
		if (parse_policy(v, where.buf, &pol))
			goto out;
		push(&p->field, &p->nfield, e->string, pol);
		hash |= pol == DQ_PII_HASH;
	}
	if (sect && !cJSON_IsObject(sect)) {
		dq_error("contract: 'pii' must be an object");
		goto out;
	}
	if (sect) {
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(sect,
								  "key_env");
		names = cJSON_GetObjectItemCaseSensitive(sect, "names");
		if (k && (!cJSON_IsString(k) || !*k->valuestring)) {
			dq_error("contract: 'pii.key_env' must be the name "
				 "of an environment variable");
			goto out;
		}
		if (names && !cJSON_IsObject(names)) {
			dq_error("contract: 'pii.names' must be an object of "
				 "globs and policies");
			goto out;
		}
	}
	cJSON_ArrayForEach(e, names) {
		dq_buf_reset(&where);
		dq_buf_addf(&where, "pii.names.%s", e->string);
		if (parse_policy(e, where.buf, &pol))
			goto out;
		push(&p->glob, &p->nglob, e->string, pol);
		hash |= pol == DQ_PII_HASH;
	}
	if (hash) {
		const char *key = getenv(var);
		if (!key || !*key) {
			dq_error("contract: a field's pii is \"hash\" and the "
				 "key's environment variable %s is not set",
				 var);
			goto out;
		}
		p->keylen = strlen(key);
		p->key = (unsigned char *)dq_xstrndup(key, p->keylen);
	}
	rc = 0;
out:
	dq_buf_release(&where);
	return rc;
}

const char *
dq_pii_key_env(const struct dq_contract *c)
{
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(
		dq_contract_get(c, "pii"), "key_env");
	return cJSON_IsString(k) && *k->valuestring ? k->valuestring
						     : "DQ_PII_KEY";
}

enum dq_pii_policy
dq_pii_policy(const struct dq_pii *p, const char *name, size_t n)
{
	char buf[256];
	char *s;
	enum dq_pii_policy pol = DQ_PII_NONE;
	size_t best = 0;

	/* The longest field (or parent path) that names it. */
	for (size_t i = 0; i < p->nfield; i++) {
		const struct dq_pii_rule *r = &p->field[i];
		if (r->len <= n && r->len > best &&
		    !memcmp(r->name, name, r->len) &&
		    (r->len == n || name[r->len] == '.' ||
		     name[r->len] == '[')) {
			best = r->len;
			pol = r->pol;
		}
	}
	if (best || !p->nglob)
		return pol;
	s = n < sizeof(buf) ? buf : dq_xmalloc(n + 1);
	memcpy(s, name, n);
	s[n] = '\0';
	for (size_t i = 0; i < p->nglob; i++)
		if (!fnmatch(p->glob[i].name, s, 0)) {
			pol = p->glob[i].pol;
			break;
		}
	if (s != buf)
		free(s);
	return pol;
}

void
dq_pii_render(const struct dq_pii *p, enum dq_pii_policy pol, const char *s,
	      size_t n, struct dq_buf *out)
{
	switch (pol) {
	case DQ_PII_NONE:
	case DQ_PII_KEEP:
		dq_buf_add(out, s, n);
		return;
	case DQ_PII_HASH:
		if (p->key) {
			dq_hmac_hex(p->key, p->keylen, s, n, DQ_PII_HASH_HEX,
				    out);
			return;
		}
		/* No key (a policy built by hand): never show the value. */
		/* fall through */
	case DQ_PII_MASK:
	case DQ_PII_DROP:
		dq_buf_addstr(out, DQ_PII_MASKED);
		return;
	}
}

void
dq_pii_render_json(const struct dq_pii *p, enum dq_pii_policy pol,
		   const char *raw, size_t n, struct dq_buf *out)
{
	struct dq_buf t = DQ_BUF_INIT, r = DQ_BUF_INIT;

	if (!dq_pii_hides(pol) || (n == 4 && !memcmp(raw, "null", 4))) {
		dq_buf_add(out, raw, n);
		return;
	}
	if (n && raw[0] == '"')
		dq_json_unescape(raw, n, &t);
	else
		dq_buf_add(&t, raw, n);
	dq_pii_render(p, pol, t.buf, t.len, &r);
	dq_buf_add_json_string(out, r.buf, r.len);
	dq_buf_release(&t);
	dq_buf_release(&r);
}

const struct dq_pii *
dq_pii_active(void)
{
	return active;
}

void
dq_pii_use(const struct dq_pii *p)
{
	active = p ? p : &none;
}

int
dq_pii_any(void)
{
	return active->nfield || active->nglob;
}

/* The field path of a member key (unescaped) appended to name: ".key"
 * (or "key" at the top), with '.', '[', ']' and '\\' escaped as the
 * contract writes them (stream/path.h). */
static void
add_path_key(struct dq_buf *name, const char *k, size_t n)
{
	if (name->len)
		dq_buf_addch(name, '.');
	for (size_t i = 0; i < n; i++) {
		if (k[i] == '.' || k[i] == '[' || k[i] == ']' || k[i] == '\\')
			dq_buf_addch(name, '\\');
		dq_buf_addch(name, k[i]);
	}
}

/*
 * The object or array text s[0..n) of the field named name, with every
 * value inside it that the active policy hides ("addr.city", "tags[]",
 * "items[].card") in its shown form, compact, into out: the number of
 * values masked (out is meaningful only when it is not 0).  elems_named:
 * s is the list of the values of a "[]" path, each named name itself.
 */
static size_t
mask_nested(struct dq_buf *name, const char *s, size_t n, struct dq_buf *out,
	    int depth, int elems_named)
{
	struct dq_walk w;
	struct dq_member m;
	struct dq_buf key = DQ_BUF_INIT;
	size_t masked = 0, base = name->len;
	int t = dq_walk_begin(&w, s, n), first = 1;

	if (t < 0 || depth > 16) {
		dq_buf_add(out, s, n);
		return 0;
	}
	dq_buf_addch(out, t == DQ_JSON_OBJECT ? '{' : '[');
	while (t == DQ_JSON_OBJECT ? dq_walk_member(&w, &m)
				   : dq_walk_element(&w, &m)) {
		if (!first)
			dq_buf_addch(out, ',');
		first = 0;
		name->len = base;
		if (t == DQ_JSON_OBJECT) {
			dq_buf_reset(&key);
			if (m.flags & DQ_M_KEY_ESC)
				dq_json_unescape(m.key - 1, m.keylen + 2, &key);
			else
				dq_buf_add(&key, m.key, m.keylen);
			add_path_key(name, key.buf, key.len);
			dq_buf_addch(out, '"');
			dq_buf_add(out, m.key, m.keylen);
			dq_buf_add(out, "\":", 2);
		} else if (!elems_named) {
			dq_buf_add(name, "[]", 2);
		}
		enum dq_pii_policy pol =
			dq_pii_policy(active, name->buf, name->len);
		if (dq_pii_hides(pol) && m.type != DQ_JSON_NULL) {
			dq_pii_render_json(active, pol, m.val, m.vallen, out);
			masked++;
		} else if (m.type == DQ_JSON_OBJECT || m.type == DQ_JSON_ARRAY) {
			masked += mask_nested(name, m.val, m.vallen, out,
					      depth + 1, 0);
		} else {
			dq_buf_add(out, m.val, m.vallen);
		}
	}
	dq_buf_addch(out, t == DQ_JSON_OBJECT ? '}' : ']');
	name->len = base;
	dq_buf_release(&key);
	return masked;
}

const char *
dq_pii_show(const char *field, const char *s, size_t *n, struct dq_buf *out)
{
	enum dq_pii_policy pol;

	if (!dq_pii_any())
		return s;
	pol = dq_pii_policy(active, field, strlen(field));
	if (!dq_pii_hides(pol))
		return s;
	dq_buf_reset(out);
	dq_pii_render(active, pol, s, *n, out);
	*n = out->len;
	return out->buf;
}

const char *
dq_pii_show_json(const char *field, const char *raw, size_t *n,
		 struct dq_buf *out)
{
	enum dq_pii_policy pol;

	if (!dq_pii_any())
		return raw;
	pol = dq_pii_policy(active, field, strlen(field));
	if (!dq_pii_hides(pol)) {
		/* An object or array with a sensitive value inside it. */
		if (*n && (raw[0] == '{' || raw[0] == '[')) {
			struct dq_buf name = DQ_BUF_INIT;
			dq_buf_addstr(&name, field);
			dq_buf_reset(out);
			/* The value of a field "items[]" read whole is the
			 * list of its elements, each named "items[]". */
			size_t fl = strlen(field);
			int named = fl >= 2 && !strcmp(field + fl - 2, "[]");
			size_t k = mask_nested(&name, raw, *n, out, 0, named);
			dq_buf_release(&name);
			if (k) {
				*n = out->len;
				return out->buf;
			}
		}
		return raw;
	}
	dq_buf_reset(out);
	dq_pii_render_json(active, pol, raw, *n, out);
	*n = out->len;
	return out->buf;
}

size_t
dq_pii_mask_object(const char *s, size_t n, struct dq_buf *out)
{
	struct dq_record r;
	struct dq_json_error err;
	struct dq_buf key = DQ_BUF_INIT, v = DQ_BUF_INIT;
	size_t masked = 0;

	if (!dq_pii_any()) {
		dq_buf_add(out, s, n);
		return 0;
	}
	dq_record_init(&r);
	if (dq_json_scan(&r, s, n, &err)) {
		dq_buf_add(out, s, n);
		goto out;
	}
	for (size_t i = 0; i < r.n; i++) {
		const struct dq_member *m = &r.m[i];
		enum dq_pii_policy pol;
		dq_buf_reset(&key);
		/* A freshly scanned key sits between its quotes. */
		if (m->flags & DQ_M_KEY_ESC)
			dq_json_unescape(m->key - 1, m->keylen + 2, &key);
		else
			dq_buf_add(&key, m->key, m->keylen);
		pol = dq_pii_policy(active, key.buf, key.len);
		if (!dq_pii_hides(pol) &&
		    (m->type == DQ_JSON_OBJECT || m->type == DQ_JSON_ARRAY)) {
			/* A sensitive value inside it (addr.city). */
			struct dq_buf name = DQ_BUF_INIT;
			size_t k;
			add_path_key(&name, key.buf, key.len);
			dq_buf_reset(&v);
			k = mask_nested(&name, m->val, m->vallen, &v, 0, 0);
			dq_buf_release(&name);
			if (k)
				dq_record_set(&r, i, v.buf, v.len,
					      (enum dq_json_type)m->type);
			masked += k;
			continue;
		}
		if (!dq_pii_hides(pol) || m->type == DQ_JSON_NULL)
			continue;
		dq_buf_reset(&v);
		dq_pii_render_json(active, pol, m->val, m->vallen, &v);
		dq_record_set(&r, i, v.buf, v.len, DQ_JSON_STRING);
		masked++;
	}
	if (masked)
		dq_record_write(&r, NULL, 0, out);
	else
		dq_buf_add(out, s, n);
out:
	dq_record_release(&r);
	dq_buf_release(&key);
	dq_buf_release(&v);
	return masked;
}
