/*
 * changes.c - new, changed, unchanged and gone (stream/changes.h).
 *
 * The previous hashes sit in a strmap by canonical key; workers only read
 * it.  Each worker lists its keyed records with their input sequence
 * number; at the end the lists are sorted by key, then by sequence, so
 * that the later of two records with one key gives the file its hash
 * whatever the number of threads.
 */
#include "stream/changes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream/out.h"
#include "stream/walk.h"

#define GONE_SHOWN 100

const char *const dq_change_names[DQ_CHANGE_NKINDS] = {
	"new", "changed", "unchanged", "unkeyed"
};

void
dq_changes_init(struct dq_changes *c)
{
	memset(c, 0, sizeof(*c));
	dq_strmap_init(&c->prev);
}

void
dq_change_list_release(struct dq_change_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].raw);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void
dq_changes_release(struct dq_changes *c)
{
	for (size_t i = 0; i < c->prev.n; i++)
		free(c->prevraw[i]);
	free(c->prevraw);
	free(c->prevhash);
	dq_strmap_release(&c->prev);
	dq_change_list_release(&c->all);
	memset(c, 0, sizeof(*c));
}

static int
is_hex(const char *s, size_t n)
{
	return n == DQ_CANON_HEX && strspn(s, "0123456789abcdef") >= n;
}

int
dq_changes_load(struct dq_changes *c, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	struct dq_record r;
	struct dq_json_error err;
	struct dq_buf key = DQ_BUF_INIT;
	int rc = -1;

	if (!fp)
		return dq_error("--previous %s: %s", path, strerror(errno));
	dq_record_init(&r);
	while ((len = getline(&line, &cap, fp)) > 0) {
		long k, h;
		lineno++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (!len)
			continue;
		if (dq_json_scan(&r, line, (size_t)len, &err) ||
		    (k = dq_record_find(&r, "key", 3)) < 0 ||
		    (h = dq_record_find(&r, "hash", 4)) < 0 ||
		    (r.m[k].type != DQ_JSON_STRING &&
		     r.m[k].type != DQ_JSON_NUMBER) ||
		    r.m[h].type != DQ_JSON_STRING ||
		    !is_hex(r.m[h].val + 1, r.m[h].vallen - 2)) {
			dq_error("--previous %s:%ld: not a hashes line "
				 "{\"key\":ID,\"hash\":\"32 hex digits\"}",
				 path, lineno);
			goto out;
		}
		dq_buf_reset(&key);
		dq_canon_value(r.m[k].val, r.m[k].vallen, &key);
		if (!dq_strmap_add(&c->prev, key.buf, key.len, c->prev.n)) {
			dq_error("--previous %s:%ld: key %.*s twice", path,
				 lineno, (int)r.m[k].vallen, r.m[k].val);
			goto out;
		}
		size_t i = c->prev.n - 1;
		c->prevhash = dq_xrealloc(c->prevhash,
					  c->prev.n * sizeof(*c->prevhash));
		c->prevraw = dq_xrealloc(c->prevraw,
					 c->prev.n * sizeof(*c->prevraw));
		memcpy(c->prevhash[i], r.m[h].val + 1, DQ_CANON_HEX);
		c->prevhash[i][DQ_CANON_HEX] = '\0';
		c->prevraw[i] = dq_xstrndup(r.m[k].val, r.m[k].vallen);
	}
	if (ferror(fp)) {
		dq_error("--previous %s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	fclose(fp);
	free(line);
	dq_record_release(&r);
	dq_buf_release(&key);
	return rc;
}

enum dq_change
dq_changes_tag(const struct dq_changes *c, struct dq_change_list *l,
	       uint64_t seq, const struct dq_member *key,
	       const struct dq_record *r, struct dq_buf *scratch)
{
	struct dq_change_ent *e;
	enum dq_change kind;
	long i;

	if (!key || (key->type != DQ_JSON_STRING &&
		     key->type != DQ_JSON_NUMBER)) {
		l->count[DQ_CHANGE_UNKEYED]++;
		return DQ_CHANGE_UNKEYED;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->v = dq_xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	e = &l->v[l->n++];
	e->seq = seq;
	dq_canon_hash(r, scratch, e->hash);
	dq_buf_reset(scratch);
	dq_canon_value(key->val, key->vallen, scratch);
	e->key = dq_xstrndup(scratch->buf, scratch->len);
	e->keylen = scratch->len;
	e->raw = dq_xstrndup(key->val, key->vallen);
	i = dq_strmap_get(&c->prev, e->key, e->keylen);
	kind = i < 0 ? DQ_CHANGE_NEW :
	       strcmp(c->prevhash[c->prev.vals[i]], e->hash) ?
		       DQ_CHANGE_CHANGED : DQ_CHANGE_UNCHANGED;
	l->count[kind]++;
	return kind;
}

void
dq_changes_absorb(struct dq_changes *c, struct dq_change_list *l)
{
	struct dq_change_list *a = &c->all;
	if (a->n + l->n > a->cap) {
		a->cap = a->n + l->n;
		a->v = dq_xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	if (l->n)
		memcpy(a->v + a->n, l->v, l->n * sizeof(*l->v));
	a->n += l->n;
	for (int k = 0; k < DQ_CHANGE_NKINDS; k++)
		a->count[k] += l->count[k];
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
ent_cmp(const void *x, const void *y)
{
	const struct dq_change_ent *a = x, *b = y;
	size_t n = a->keylen < b->keylen ? a->keylen : b->keylen;
	int d = memcmp(a->key, b->key, n);
	if (!d)
		d = (a->keylen > b->keylen) - (a->keylen < b->keylen);
	if (!d)
		d = (a->seq > b->seq) - (a->seq < b->seq);
	return d;
}

int
dq_changes_finish(struct dq_changes *c, const char *out, cJSON *summary)
{
	struct dq_change_list *a = &c->all;
	struct dq_strmap seen;
	struct dq_out o;
	uint64_t dups = 0, gone = 0;
	cJSON *s = cJSON_AddObjectToObject(summary, "changes");
	cJSON *gk;

	if (a->n > 1)
		qsort(a->v, a->n, sizeof(*a->v), ent_cmp);
	dq_out_init(&o);
	if (out && dq_out_open(&o, out))
		return -1;
	dq_strmap_init(&seen);
	for (size_t i = 0; i < a->n; i++) {
		const struct dq_change_ent *e = &a->v[i];
		dq_strmap_add(&seen, e->key, e->keylen, i);
		if (i + 1 < a->n && a->v[i + 1].keylen == e->keylen &&
		    !memcmp(a->v[i + 1].key, e->key, e->keylen)) {
			dups++;
			continue; /* the later record of the key wins */
		}
		if (o.fd < 0)
			continue;
		dq_buf_addstr(&o.b, "{\"key\":");
		dq_buf_addstr(&o.b, e->raw);
		dq_buf_addstr(&o.b, ",\"hash\":\"");
		dq_buf_addstr(&o.b, e->hash);
		dq_buf_addstr(&o.b, "\"}\n");
		dq_out_commit(&o);
	}
	for (int k = 0; k < DQ_CHANGE_UNKEYED; k++)
		cJSON_AddNumberToObject(s, dq_change_names[k],
					(double)a->count[k]);
	gk = cJSON_CreateArray();
	for (size_t i = 0; i < c->prev.n; i++) {
		if (dq_strmap_get(&seen, c->prev.keys[i], c->prev.lens[i]) >= 0)
			continue;
		if (gone++ < GONE_SHOWN) {
			cJSON *v = cJSON_Parse(c->prevraw[i]);
			cJSON_AddItemToArray(gk, v ? v : cJSON_CreateNull());
		}
	}
	cJSON_AddNumberToObject(s, "gone", (double)gone);
	cJSON_AddNumberToObject(s, "unkeyed",
				(double)a->count[DQ_CHANGE_UNKEYED]);
	cJSON_AddNumberToObject(s, "duplicate_keys", (double)dups);
	cJSON_AddItemToObject(s, "gone_keys", gk);
	dq_strmap_release(&seen);
	if (o.fd >= 0)
		dq_out_close(&o);
	return 0;
}
