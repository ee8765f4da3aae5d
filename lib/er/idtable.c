/*
 * idtable.c - records filed by id (see idtable.h).
 */
#include "er/idtable.h"

#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

void
dq_idtable_init(struct dq_idtable *t)
{
	memset(t, 0, sizeof(*t));
	dq_arena_init(&t->keys);
}

void
dq_idtable_release(struct dq_idtable *t)
{
	free(t->node);
	free(t->rec);
	free(t->slot);
	dq_arena_release(&t->keys);
	dq_store_release(&t->store);
	memset(t, 0, sizeof(*t));
}

static void
grow(struct dq_idtable *t)
{
	size_t ncap = t->cap ? 2 * t->cap : 1024;
	uint64_t *s = dq_xcalloc(ncap, sizeof(*s));

	for (size_t i = 0; i < t->cap; i++) {
		if (!t->slot[i])
			continue;
		size_t h = (size_t)(t->slot[i] >> 32) & (ncap - 1);
		while (s[h])
			h = (h + 1) & (ncap - 1);
		s[h] = t->slot[i];
	}
	free(t->slot);
	t->slot = s;
	t->cap = ncap;
}

uint32_t
dq_idtable_get(struct dq_idtable *t, const char *key, size_t n, int str,
	       int create)
{
	if (!t->cap || (t->n + 1) * 4 > t->cap * 3) {
		if (!create && !t->cap)
			return DQ_IDTABLE_NONE;
		grow(t);
	}
	uint64_t tag = XXH3_64bits(key, n) >> 32;
	size_t h = (size_t)tag & (t->cap - 1);
	size_t head = n < DQ_IDTABLE_HEAD ? n : DQ_IDTABLE_HEAD;
	while (t->slot[h]) {
		if (t->slot[h] >> 32 == tag) {
			uint32_t i = (uint32_t)t->slot[h] - 1;
			const struct dq_id *nd = &t->node[i];
			if (nd->keylen == n && !memcmp(nd->head, key, head) &&
			    (n <= DQ_IDTABLE_HEAD ||
			     !memcmp(nd->key + DQ_IDTABLE_HEAD,
				     key + DQ_IDTABLE_HEAD,
				     n - DQ_IDTABLE_HEAD)))
				return i;
		}
		h = (h + 1) & (t->cap - 1);
	}
	if (!create)
		return DQ_IDTABLE_NONE;
	if (t->n == t->nodecap) {
		t->nodecap = t->nodecap ? 2 * t->nodecap : 1024;
		t->node = dq_xrealloc(t->node, t->nodecap * sizeof(*t->node));
	}
	struct dq_id *nd = &t->node[t->n];
	memset(nd, 0, sizeof(*nd));
	nd->key = dq_arena_dup(&t->keys, key, n);
	memcpy(nd->head, key, head);
	nd->keylen = (uint32_t)n;
	nd->str = (uint8_t)str;
	nd->rec = DQ_IDTABLE_NONE;
	t->slot[h] = tag << 32 | (uint64_t)++t->n;
	return (uint32_t)(t->n - 1);
}

void
dq_idtable_add_record(struct dq_idtable *t, uint32_t node, const char *text,
		      size_t len)
{
	if (t->nrec == t->reccap) {
		t->reccap = t->reccap ? 2 * t->reccap : 1024;
		t->rec = dq_xrealloc(t->rec, t->reccap * sizeof(*t->rec));
	}
	struct dq_idrec *r = &t->rec[t->nrec];
	r->text = dq_store_dup(&t->store, text, len);
	r->len = (uint32_t)len;
	r->node = node;
	r->next = DQ_IDTABLE_NONE;
	if (t->node[node].rec == DQ_IDTABLE_NONE) {
		t->node[node].rec = (uint32_t)t->nrec;
	} else {
		uint32_t k = t->node[node].rec;
		while (t->rec[k].next != DQ_IDTABLE_NONE)
			k = t->rec[k].next;
		t->rec[k].next = (uint32_t)t->nrec;
	}
	t->nrec++;
}

void
dq_idtable_add_json(struct dq_buf *b, const struct dq_id *id)
{
	if (id->str)
		dq_buf_add_json_string(b, id->key, id->keylen);
	else
		dq_buf_add(b, id->key, id->keylen);
}

/* Sorting ids: the first 8 bytes, big-endian, decide most comparisons
 * without touching the keys. */
struct sortkey {
	uint64_t prefix;
	uint32_t node;
};

static int
cmp_node(const void *x, const void *y, void *arg)
{
	const struct sortkey *p = x, *q = y;
	const struct dq_id *node = arg;
	if (p->prefix != q->prefix)
		return p->prefix < q->prefix ? -1 : 1;
	const struct dq_id *a = &node[p->node], *b = &node[q->node];
	size_t n = a->keylen < b->keylen ? a->keylen : b->keylen;
	int r = memcmp(a->key, b->key, n);
	if (r)
		return r;
	return (a->keylen > b->keylen) - (a->keylen < b->keylen);
}

void
dq_idtable_order(const struct dq_idtable *t, uint32_t *order,
		 uint32_t *rankof)
{
	struct sortkey *sk = dq_xmalloc((t->n + 1) * sizeof(*sk));
	size_t i, k;

	for (i = 0; i < t->n; i++) {
		const struct dq_id *nd = &t->node[i];
		uint64_t p = 0;
		for (k = 0; k < 8; k++)
			p = p << 8 | (k < nd->keylen ? (unsigned char)nd->key[k]
						     : 0);
		sk[i] = (struct sortkey){ p, (uint32_t)i };
	}
	qsort_r(sk, t->n, sizeof(*sk), cmp_node, t->node);
	for (i = 0; i < t->n; i++)
		order[i] = sk[i].node;
	free(sk);
	for (i = 0; i < t->n; i++)
		rankof[order[i]] = (uint32_t)i;
}
