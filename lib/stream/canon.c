/*
 * canon.c - the canonical form and hash of a record (stream/canon.h).
 *
 * The form: a null is "z", true "t", false "f"; a number "n" then its
 * exact key and ";"; a string "s", its byte length in decimal, ":" and its
 * bytes; an array "a", its element count, ":" and the elements; an object
 * "o", its member count, ":" and for each member in the order of its key's
 * bytes (a shorter key first when one is the other's start) the key as a
 * string is written, then the value.  Keys are unique in dq's records
 * (stream/json.c refuses duplicates), so the order is total.
 */
#include "stream/canon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "base/num.h"
#include "stream/walk.h"

struct kv {
	size_t key, keylen; /* the unescaped key in the keys buffer */
	const char *val;
	size_t vallen;
};

/* qsort_r's order: ctx is the keys' buffer (no shared state, so that
 * worker threads hash at once). */
static int
kv_cmp(const void *x, const void *y, void *ctx)
{
	const char *keys_base = ctx;
	const struct kv *a = x, *b = y;
	size_t n = a->keylen < b->keylen ? a->keylen : b->keylen;
	int c = memcmp(keys_base + a->key, keys_base + b->key, n);
	if (c)
		return c;
	return (a->keylen > b->keylen) - (a->keylen < b->keylen);
}

static void
add_string(struct dq_buf *out, const char *s, size_t n)
{
	dq_buf_addf(out, "s%zu:", n);
	dq_buf_add(out, s, n);
}

/* A raw JSON string's text, unescaped when it must be. */
static void
add_raw_string(struct dq_buf *out, const char *raw, size_t n, int esc)
{
	if (!esc) {
		add_string(out, raw + 1, n - 2);
		return;
	}
	struct dq_buf t = DQ_BUF_INIT;
	dq_json_unescape(raw, n, &t);
	add_string(out, t.buf, t.len);
	dq_buf_release(&t);
}

/* Members kv[0..n) with their keys in keys: sorted, then written. */
static void
add_members(struct dq_buf *out, struct kv *kv, size_t n,
	    const struct dq_buf *keys)
{
	if (n > 1)
		qsort_r(kv, n, sizeof(*kv), kv_cmp, keys->buf);
	dq_buf_addf(out, "o%zu:", n);
	for (size_t i = 0; i < n; i++) {
		add_string(out, keys->buf + kv[i].key, kv[i].keylen);
		dq_canon_value(kv[i].val, kv[i].vallen, out);
	}
}

/* The unescaped key of member m into keys; its place in kv. */
static void
push_key(struct kv *kv, const struct dq_member *m, struct dq_buf *keys)
{
	kv->key = keys->len;
	if (m->flags & DQ_M_KEY_ESC) {
		/* A renamed key sits in the arena without its quotes. */
		struct dq_buf q = DQ_BUF_INIT;
		dq_buf_addch(&q, '"');
		dq_buf_add(&q, m->key, m->keylen);
		dq_buf_addch(&q, '"');
		dq_json_unescape(q.buf, q.len, keys);
		dq_buf_release(&q);
	} else {
		dq_buf_add(keys, m->key, m->keylen);
	}
	kv->keylen = keys->len - kv->key;
	kv->val = m->val;
	kv->vallen = m->vallen;
}

void
dq_canon_value(const char *s, size_t n, struct dq_buf *out)
{
	struct dq_walk w;
	struct dq_member m;

	while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++, n--;
	switch (n ? dq_walk_type(*s) : DQ_JSON_NULL) {
	case DQ_JSON_NULL:
		dq_buf_addch(out, 'z');
		return;
	case DQ_JSON_TRUE:
		dq_buf_addch(out, 't');
		return;
	case DQ_JSON_FALSE:
		dq_buf_addch(out, 'f');
		return;
	case DQ_JSON_NUMBER:
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
			     s[n - 1] == '\n' || s[n - 1] == '\r'))
			n--;
		dq_buf_addch(out, 'n');
		dq_num_exact_key(s, n, out);
		dq_buf_addch(out, ';');
		return;
	case DQ_JSON_STRING: {
		int esc = 0;
		const char *e = dq_walk_skip_string(s, s + n, &esc);
		add_raw_string(out, s, (size_t)(e - s), esc);
		return;
	}
	case DQ_JSON_ARRAY: {
		struct dq_buf el = DQ_BUF_INIT;
		size_t count = 0;
		dq_walk_begin(&w, s, n);
		while (dq_walk_element(&w, &m)) {
			dq_canon_value(m.val, m.vallen, &el);
			count++;
		}
		dq_buf_addf(out, "a%zu:", count);
		dq_buf_add(out, el.buf, el.len);
		dq_buf_release(&el);
		return;
	}
	case DQ_JSON_OBJECT: {
		struct dq_buf keys = DQ_BUF_INIT;
		struct kv *kv = NULL;
		size_t count = 0, cap = 0;
		dq_walk_begin(&w, s, n);
		while (dq_walk_member(&w, &m)) {
			if (count == cap) {
				cap = cap ? 2 * cap : 8;
				kv = dq_xrealloc(kv, cap * sizeof(*kv));
			}
			push_key(&kv[count++], &m, &keys);
		}
		add_members(out, kv, count, &keys);
		free(kv);
		dq_buf_release(&keys);
		return;
	}
	}
}

void
dq_canon_hash(const struct dq_record *r, struct dq_buf *scratch,
	      char hex[DQ_CANON_HEX + 1])
{
	struct dq_buf keys = DQ_BUF_INIT;
	struct kv *kv = dq_xcalloc(r->n + 1, sizeof(*kv));
	size_t count = 0;

	for (size_t i = 0; i < r->n; i++) {
		if ((long)i == r->dq || (r->m[i].flags & DQ_M_DROPPED))
			continue;
		push_key(&kv[count++], &r->m[i], &keys);
	}
	dq_buf_reset(scratch);
	add_members(scratch, kv, count, &keys);
	XXH128_hash_t h = XXH3_128bits(scratch->buf, scratch->len);
	snprintf(hex, DQ_CANON_HEX + 1, "%016llx%016llx",
		 (unsigned long long)h.high64, (unsigned long long)h.low64);
	free(kv);
	dq_buf_release(&keys);
}
