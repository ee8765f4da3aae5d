/*
 * path.c - field paths (see path.h).
 *
 * A path is parsed once into its steps (unescaped keys and "[]" steps)
 * and resolved per record by walking the member values the scanner found
 * (stream/walk.h): a key step finds one member of an object, a "[]" step
 * goes through the elements of an array, depth first, so the values come
 * in the order they are written.  The walk only skips strings and counts
 * brackets; nothing is decoded that the path does not name.
 */
#include "stream/path.h"

#include <stdlib.h>
#include <string.h>

#include "stream/walk.h"

int
dq_path_is_nested(const char *name, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (name[i] == '.' || name[i] == '[' || name[i] == ']' ||
		    name[i] == '\\')
			return 1;
	return 0;
}

int
dq_path_has_each(const char *name, size_t n)
{
	struct dq_path p;
	int each;

	if (!dq_path_is_nested(name, n))
		return 0;
	each = !dq_path_parse(&p, name, n, NULL) && p.neach > 0;
	dq_path_release(&p);
	return each;
}

static void
add_step(struct dq_path *p, const char *key, size_t len)
{
	p->s = dq_xrealloc(p->s, (p->n + 1) * sizeof(*p->s));
	p->s[p->n].key = key ? dq_xstrndup(key, len) : NULL;
	p->s[p->n].len = len;
	p->n++;
	if (!key)
		p->neach++;
}

static int
bad(struct dq_path *p, const char **why, const char *reason)
{
	dq_path_release(p);
	if (why)
		*why = reason;
	return -1;
}

int
dq_path_parse(struct dq_path *p, const char *name, size_t n,
	      const char **why)
{
	struct dq_buf key = DQ_BUF_INIT;
	int after_each = 0; /* the last thing read was "[]" */
	int rc = 0;

	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < n && !rc; i++) {
		char c = name[i];
		if (c == '\\') {
			if (i + 1 == n || !strchr(".[]\\", name[i + 1])) {
				rc = bad(p, why, "a backslash escapes only "
					 "'.', '[', ']' or '\\'");
				break;
			}
			if (after_each) {
				rc = bad(p, why, "'[]' is followed by '.', "
					 "'[]' or the end");
				break;
			}
			dq_buf_addch(&key, name[++i]);
		} else if (c == '.') {
			if (!key.len && !after_each) {
				rc = bad(p, why, "an empty key");
				break;
			}
			if (key.len)
				add_step(p, key.buf, key.len);
			dq_buf_reset(&key);
			after_each = 0;
			if (i + 1 == n)
				rc = bad(p, why, "an empty key");
		} else if (c == '[') {
			if (i + 1 == n || name[i + 1] != ']') {
				rc = bad(p, why, "'[' is not followed by ']' "
					 "(element indexes are not paths: "
					 "'[]' is each element)");
				break;
			}
			if (!key.len && !after_each) {
				rc = bad(p, why, "'[]' follows no key");
				break;
			}
			if (key.len)
				add_step(p, key.buf, key.len);
			dq_buf_reset(&key);
			add_step(p, NULL, 0);
			after_each = 1;
			i++;
		} else if (c == ']') {
			rc = bad(p, why, "']' without '['");
		} else {
			if (after_each) {
				rc = bad(p, why, "'[]' is followed by '.', "
					 "'[]' or the end");
				break;
			}
			dq_buf_addch(&key, c);
		}
	}
	if (!rc && !n)
		rc = bad(p, why, "an empty key");
	if (!rc && key.len)
		add_step(p, key.buf, key.len);
	if (!rc && p->n > DQ_PATH_MAX_STEPS)
		rc = bad(p, why, "too many steps");
	dq_buf_release(&key);
	if (!rc) {
		p->name = dq_xstrndup(name, n);
		p->namelen = n;
	}
	return rc;
}

void
dq_path_release(struct dq_path *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->s[i].key);
	free(p->s);
	free(p->name);
	memset(p, 0, sizeof(*p));
}

/* Walk the steps from k on, below the value cur. */
static int
walk(const struct dq_path *p, size_t k, const struct dq_member *cur,
     long top, long *idx, size_t nidx, dq_path_fn fn, void *ctx)
{
	struct dq_member m;
	struct dq_walk w;

	for (; k < p->n && p->s[k].key; k++) {
		if (cur->type != DQ_JSON_OBJECT ||
		    !dq_walk_find(cur->val, cur->vallen, p->s[k].key,
				  p->s[k].len, &m))
			return 0;
		cur = &m;
	}
	if (k == p->n)
		return fn(ctx, cur, top, idx, nidx);
	/* A "[]" step. */
	if (cur->type != DQ_JSON_ARRAY) {
		idx[nidx] = -1;
		return walk(p, k + 1, cur, top, idx, nidx + 1, fn, ctx);
	}
	struct dq_member el;
	long i = 0;
	int rc;
	dq_walk_begin(&w, cur->val, cur->vallen);
	while (dq_walk_element(&w, &el)) {
		idx[nidx] = i++;
		if ((rc = walk(p, k + 1, &el, top, idx, nidx + 1, fn, ctx)))
			return rc;
	}
	return 0;
}

int
dq_path_each(const struct dq_path *p, const struct dq_record *r,
	     dq_path_fn fn, void *ctx)
{
	long idx[DQ_PATH_MAX_STEPS];
	long top;

	if (!p->n)
		return 0;
	top = dq_record_find(r, p->name, p->namelen);
	if (top >= 0)
		return fn(ctx, &r->m[top], top, idx, 0);
	top = dq_record_find(r, p->s[0].key, p->s[0].len);
	if (top < 0)
		return 0;
	return walk(p, 1, &r->m[top], top, idx, 0, fn, ctx);
}

int
dq_path_each_text(const struct dq_path *p, const char *s, size_t n,
		  dq_path_fn fn, void *ctx)
{
	long idx[DQ_PATH_MAX_STEPS];
	struct dq_member m;

	if (!p->n)
		return 0;
	if (dq_walk_find(s, n, p->name, p->namelen, &m))
		return fn(ctx, &m, -1, idx, 0);
	m.type = DQ_JSON_OBJECT;
	m.val = s;
	m.vallen = n;
	return walk(p, 0, &m, -1, idx, 0, fn, ctx);
}

struct get_ctx {
	struct dq_member *leaf;
	long *top;
};

static int
get_one(void *ctx, const struct dq_member *leaf, long top, const long *idx,
	size_t nidx)
{
	struct get_ctx *g = ctx;
	(void)idx;
	(void)nidx;
	*g->leaf = *leaf;
	if (g->top)
		*g->top = top;
	return 1;
}

int
dq_path_get(const struct dq_path *p, const struct dq_record *r,
	    struct dq_member *leaf, long *top)
{
	struct get_ctx g = { leaf, top };
	return dq_path_each(p, r, get_one, &g) == 1;
}

/* The next key of name [*p, e) into key (unescaped, at most cap bytes):
 * its length, 0 when there is none or it is not a plain key. */
static size_t
next_key(const char **p, const char *e, char *key, size_t cap)
{
	size_t kl = 0;
	const char *q = *p;

	while (q < e && *q != '.') {
		if (*q == '[' || *q == ']')
			return 0;
		if (*q == '\\') {
			if (++q == e)
				return 0;
		}
		if (kl == cap)
			return 0;
		key[kl++] = *q++;
	}
	if (q < e && ++q == e)
		return 0; /* a trailing dot */
	*p = q;
	return kl;
}

/* The rest of the name [p, e) below the value cur. */
static int
find_below(struct dq_member cur, const char *p, const char *e,
	   struct dq_member *m)
{
	char key[256];
	size_t kl;

	while (p < e) {
		if (!(kl = next_key(&p, e, key, sizeof(key))) ||
		    cur.type != DQ_JSON_OBJECT ||
		    !dq_walk_find(cur.val, cur.vallen, key, kl, &cur))
			return 0;
	}
	*m = cur;
	return 1;
}

int
dq_path_find(const struct dq_record *r, const char *name, size_t len,
	     struct dq_member *m)
{
	const char *p = name, *e = name + len;
	char key[256];
	size_t kl;
	long i = dq_record_find(r, name, len);

	if (i >= 0) {
		*m = r->m[i];
		return 1;
	}
	if (!dq_path_is_nested(name, len) ||
	    !(kl = next_key(&p, e, key, sizeof(key))) ||
	    (i = dq_record_find(r, key, kl)) < 0)
		return 0;
	return find_below(r->m[i], p, e, m);
}

int
dq_path_find_text(const char *s, size_t n, const char *name, size_t len,
		  struct dq_member *m)
{
	struct dq_member top = { 0 };

	if (dq_walk_find(s, n, name, len, m))
		return 1;
	if (!dq_path_is_nested(name, len))
		return 0;
	top.val = s;
	top.vallen = n;
	top.type = DQ_JSON_OBJECT;
	return find_below(top, name, name + len, m);
}

static int
add_element(void *ctx, const struct dq_member *leaf, long top,
	    const long *idx, size_t nidx)
{
	struct dq_buf *b = ctx;
	(void)top;
	(void)idx;
	(void)nidx;
	dq_buf_add(b, leaf->val, leaf->vallen);
	dq_buf_addch(b, ',');
	return 0;
}

int
dq_path_value(const struct dq_path *p, const struct dq_record *r,
	      struct dq_buf *out)
{
	struct dq_member m = { 0 };
	size_t at = out->len;

	if (!p->neach) {
		if (!dq_path_get(p, r, &m, NULL))
			return 0;
		dq_buf_add(out, m.val, m.vallen);
		return 1;
	}
	dq_buf_addch(out, '[');
	dq_path_each(p, r, add_element, out);
	if (out->len == at + 1) {
		out->len = at;
		out->buf[at] = '\0';
		return 0;
	}
	out->buf[out->len - 1] = ']';
	return 1;
}

void
dq_path_label(const struct dq_path *p, const long *idx, size_t nidx,
	      struct dq_buf *out)
{
	const char *s = p->name, *e = p->name + p->namelen;
	size_t k = 0;

	if (!nidx) {
		dq_buf_add(out, s, p->namelen);
		return;
	}
	while (s < e) {
		if (*s == '\\' && s + 1 < e) {
			dq_buf_add(out, s, 2);
			s += 2;
		} else if (*s == '[' && k < nidx) {
			if (idx[k] >= 0) {
				dq_buf_addch(out, '[');
				dq_buf_add_int(out, idx[k]);
				dq_buf_addch(out, ']');
			}
			k++;
			s += 2;
		} else {
			dq_buf_addch(out, *s++);
		}
	}
}

void
dq_path_splice(struct dq_record *r, size_t top, const struct dq_path_edit *e,
	       size_t n, struct dq_buf *buf)
{
	const struct dq_member *m = &r->m[top];
	const char *p = m->val, *end = m->val + m->vallen;

	dq_buf_reset(buf);
	for (size_t i = 0; i < n; i++) {
		dq_buf_add(buf, p, (size_t)(e[i].at - p));
		dq_buf_add(buf, e[i].val, e[i].vallen);
		p = e[i].at + e[i].len;
	}
	dq_buf_add(buf, p, (size_t)(end - p));
	dq_record_set(r, top, buf->buf, buf->len, (enum dq_json_type)m->type);
}

int
dq_path_take(const struct dq_path *p, struct dq_record *r, struct dq_buf *val,
	     struct dq_buf *buf)
{
	struct dq_member leaf = { 0 }, m, prev = { 0 };
	long top = -1;

	if (p->n < 2 || p->neach || !dq_path_get(p, r, &leaf, &top) ||
	    top < 0 || dq_record_find(r, p->name, p->namelen) >= 0)
		return 0;
	/* The object that holds the value: the top-level member's value,
	 * then one key down for each step but the last. */
	const char *s = r->m[top].val;
	size_t n = r->m[top].vallen;
	for (size_t k = 1; k + 1 < p->n; k++) {
		if (!dq_walk_find(s, n, p->s[k].key, p->s[k].len, &m))
			return 0;
		s = m.val;
		n = m.vallen;
	}
	/* Its members: the one whose value is the leaf goes, with the comma
	 * before it (or after it, when it is the first). */
	struct dq_walk w;
	const char *from = NULL, *to = NULL;
	int first = 1;
	dq_walk_begin(&w, s, n);
	while (dq_walk_member(&w, &m)) {
		if (from) {
			to = m.key - 1; /* the next member's opening quote */
			break;
		}
		if (m.val == leaf.val) {
			from = first ? m.key - 1 : prev.val + prev.vallen;
			to = m.val + m.vallen;
			if (!first)
				break;
		}
		prev = m;
		first = 0;
	}
	if (!from)
		return 0;
	dq_buf_add(val, leaf.val, leaf.vallen);
	struct dq_path_edit e = { from, (size_t)(to - from), "", 0 };
	dq_path_splice(r, (size_t)top, &e, 1, buf);
	return 1;
}
