/*
 * topk.c - heavy hitters with the Misra-Gries summary.
 *
 * Algorithm.  J. Misra, D. Gries, "Finding repeated elements", Science of
 * Computer Programming 2(2), 1982: keep at most cap (value, count) pairs.
 * A value already held has its count incremented; a new value takes a free
 * counter; when none is free, every count is decremented by one (the new
 * value's single occurrence cancels with them) and counters at zero are
 * freed.  Two summaries merge as in P. K. Agarwal, G. Cormode, Z. Huang,
 * J. Phillips, Z. Wei, K. Yi, "Mergeable Summaries", PODS 2012: add the
 * counts, and if more than cap counters remain subtract the (cap+1)-th
 * largest count from all and free those at or below zero.
 *
 * Memory layout.  An array of up to 2 cap items (each a copy of the
 * value's bytes in one pool, its 64-bit hash and count), grown as values
 * come, and an open-addressing table of uint64_t slots (a power of two at
 * least twice the items' room; item index + 1 and the hash's high half)
 * indexed by the hash; after a decrement or a merge cut the table is
 * rebuilt.  Memory is bounded by cap times the longest
 * value held.
 *
 * Error.  Every count is low by at most err, the sum of all decrements,
 * and err <= (total - sum of held counts) / (cap + 1) <= total / (cap + 1).
 * While err is 0 -- fewer than cap + 1 distinct values ever met -- the
 * counts are exact and every distinct value is held.  Decrement rounds
 * cost O(cap) but each removes cap + 1 units of count, so the cost of
 * adding is O(1) amortized.
 */
#include <stdlib.h>

#include "sketch/topk.h"
#include "base/util.h"

void
dq_topk_init(struct dq_topk *t, size_t cap)
{
	t->cap = cap ? cap : 1;
	t->n = 0;
	t->icap = 2 * t->cap < 8 ? 2 * t->cap : 8;
	t->item = dq_xcalloc(t->icap, sizeof(*t->item));
	t->nslot = 16;
	t->slot = dq_xcalloc(t->nslot, sizeof(*t->slot));
	t->total = 0;
	t->err = 0;
	t->pool = NULL;
	t->poollen = t->poolcap = t->live = 0;
}

void
dq_topk_release(struct dq_topk *t)
{
	for (size_t i = 0; i < t->n; i++)
		t->item[i].val = NULL;
	free(t->pool);
	free(t->item);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

/* Unaligned loads of 8 and 4 bytes. */
static inline uint64_t
load8(const char *p)
{
	uint64_t x;
	memcpy(&x, p, 8);
	return x;
}

static inline uint32_t
load4(const char *p)
{
	uint32_t x;
	memcpy(&x, p, 4);
	return x;
}

/* Are the n bytes at a and b the same?  Values are mostly short: two
 * overlapping loads compare 4 to 16 bytes without a call. */
static inline int
same(const char *a, const char *b, size_t n)
{
	if (n >= 8 && n <= 16)
		return load8(a) == load8(b) &&
		       load8(a + n - 8) == load8(b + n - 8);
	if (n >= 4 && n < 8)
		return load4(a) == load4(b) &&
		       load4(a + n - 4) == load4(b + n - 4);
	return !memcmp(a, b, n);
}

/* The slot of val, or the free slot where it would go.  At least twice
 * as many slots (a power of two) as items keep the load at or below one
 * half. */
static size_t
find(const struct dq_topk *t, const char *val, size_t len, uint64_t hash)
{
	size_t mask = t->nslot - 1, i = (size_t)hash & mask;
	uint64_t sl;
	/* A slot holds the item index + 1 and the high half of its hash, so
	 * a probe past another value does not touch the item. */
	while ((sl = t->slot[i])) {
		const struct dq_topk_item *it = &t->item[(uint32_t)sl - 1];
		if ((sl >> 32) != (hash >> 32)) {
			i = (i + 1) & mask;
			continue;
		}
		if (it->hash == hash && it->len == len &&
		    same(it->val, val, len))
			return i;
		i = (i + 1) & mask;
	}
	return i;
}

static uint64_t
tag(uint64_t hash, size_t i)
{
	return (hash >> 32 << 32) | (uint32_t)(i + 1);
}

static void
rebuild(struct dq_topk *t)
{
	memset(t->slot, 0, t->nslot * sizeof(*t->slot));
	for (size_t i = 0; i < t->n; i++) {
		struct dq_topk_item *it = &t->item[i];
		t->slot[find(t, it->val, it->len, it->hash)] = tag(it->hash, i);
	}
}

/* Room for one more item: the arrays grow with the values met, up to
 * 2 cap items and a table at least twice as large, so a summary of few
 * values stays small (a thousand fields of one value each cost a few
 * hundred bytes each, not 2 cap items). */
static void __attribute__((noinline))
grow(struct dq_topk *t)
{
	t->icap = 2 * t->icap < 2 * t->cap ? 2 * t->icap : 2 * t->cap;
	t->item = dq_xrealloc(t->item, t->icap * sizeof(*t->item));
	if (t->nslot >= 2 * t->icap)
		return;
	while (t->nslot < 2 * t->icap)
		t->nslot *= 2;
	free(t->slot);
	t->slot = dq_xcalloc(t->nslot, sizeof(*t->slot));
	rebuild(t);
}

/* Subtract d from every count and free counters at or below zero. */
static void
cut(struct dq_topk *t, uint64_t d)
{
	size_t j = 0;
	for (size_t i = 0; i < t->n; i++) {
		if (t->item[i].count <= d) {
			t->live -= t->item[i].len + 1;
			continue;
		}
		t->item[j] = t->item[i];
		t->item[j++].count -= d;
	}
	t->n = j;
	t->err += d;
	rebuild(t);
}

/*
 * Values live in one pool per summary, not one allocation each: a stream
 * of distinct values would otherwise cost a malloc and a free per value.
 * A cut only forgets values; when the pool is full, the live values move
 * to a fresh pool twice their size.
 */
static char *
pool_add(struct dq_topk *t, const char *val, size_t len)
{
	char *v;
	if (t->poollen + len + 1 > t->poolcap) {
		size_t cap = 2 * (t->live + len + 1), off = 0;
		char *np;
		if (cap < 4096)
			cap = 4096;
		np = dq_xmalloc(cap);
		for (size_t i = 0; i < t->n; i++) {
			struct dq_topk_item *it = &t->item[i];
			memcpy(np + off, it->val, it->len + 1);
			it->val = np + off;
			off += it->len + 1;
		}
		free(t->pool);
		t->pool = np;
		t->poolcap = cap;
		t->poollen = off;
	}
	v = t->pool + t->poollen;
	memcpy(v, val, len);
	v[len] = '\0';
	t->poollen += len + 1;
	t->live += len + 1;
	return v;
}

/* A new item of count c at the free slot s.  When the arrays are full
 * they grow here (s is then found again in the new table), so a value
 * already held costs no test of room. */
static void
insert(struct dq_topk *t, size_t s, const char *val, size_t len,
       uint64_t hash, uint64_t c)
{
	if (t->n == t->icap) {
		grow(t);
		s = find(t, val, len, hash);
	}
	struct dq_topk_item *it = &t->item[t->n];
	it->val = pool_add(t, val, len);
	it->len = len;
	it->hash = hash;
	it->count = c;
	t->slot[s] = tag(hash, t->n++);
}

static void
add_count(struct dq_topk *t, const char *val, size_t len, uint64_t hash,
	  uint64_t c)
{
	size_t s = find(t, val, len, hash);
	if (t->slot[s])
		t->item[(uint32_t)t->slot[s] - 1].count += c;
	else
		insert(t, s, val, len, hash, c);
}

int
dq_topk_add(struct dq_topk *t, const char *val, size_t len, uint64_t hash)
{
	size_t s = find(t, val, len, hash);
	t->total++;
	if (t->slot[s]) {
		t->item[(uint32_t)t->slot[s] - 1].count++;
		return 1;
	}
	/* The free slot find gave is where the value goes: one probe. */
	if (t->n < t->cap)
		insert(t, s, val, len, hash, 1);
	else
		cut(t, 1);
	return 0;
}

static int
cmp_count(const void *a, const void *b)
{
	const struct dq_topk_item *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->val, y->val, n);
	if (c)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

void
dq_topk_merge(struct dq_topk *dst, const struct dq_topk *src)
{
	dst->total += src->total;
	dst->err += src->err;
	for (size_t i = 0; i < src->n; i++) {
		const struct dq_topk_item *it = &src->item[i];
		add_count(dst, it->val, it->len, it->hash, it->count);
		if (dst->n == 2 * dst->cap) {
			/* Full: cut now so the arrays never overflow. */
			qsort(dst->item, dst->n, sizeof(*dst->item), cmp_count);
			cut(dst, dst->item[dst->cap].count);
		}
	}
	if (dst->n > dst->cap) {
		qsort(dst->item, dst->n, sizeof(*dst->item), cmp_count);
		cut(dst, dst->item[dst->cap].count);
	}
}

int
dq_topk_exact(const struct dq_topk *t)
{
	return t->err == 0;
}

size_t
dq_topk_sorted(struct dq_topk *t, const struct dq_topk_item **items)
{
	qsort(t->item, t->n, sizeof(*t->item), cmp_count);
	rebuild(t);
	*items = t->item;
	return t->n;
}

cJSON *
dq_topk_save(const struct dq_topk *t)
{
	cJSON *j = cJSON_CreateObject(), *a = cJSON_CreateArray();
	cJSON_AddNumberToObject(j, "cap", (double)t->cap);
	cJSON_AddNumberToObject(j, "total", (double)t->total);
	cJSON_AddNumberToObject(j, "err", (double)t->err);
	for (size_t i = 0; i < t->n; i++) {
		cJSON *p = cJSON_CreateArray();
		cJSON_AddItemToArray(p, cJSON_CreateString(t->item[i].val));
		cJSON_AddItemToArray(p,
				     cJSON_CreateNumber((double)t->item[i].count));
		cJSON_AddItemToArray(a, p);
	}
	cJSON_AddItemToObject(j, "items", a);
	return j;
}

int
dq_topk_load(struct dq_topk *t, const cJSON *j,
	     uint64_t (*hashfn)(const void *, size_t))
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "cap");
	const cJSON *tot = cJSON_GetObjectItemCaseSensitive(j, "total");
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(j, "err");
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, "items"), *p;
	uint64_t total, errc, cnt;

	if (!cJSON_IsNumber(c) || !cJSON_IsNumber(tot) ||
	    !cJSON_IsNumber(err) || !cJSON_IsArray(a) || c->valuedouble < 1 ||
	    c->valuedouble > 1 << 20 || cJSON_GetArraySize(a) > c->valuedouble
	    || dq_double_to_u64(tot->valuedouble, &total) ||
	    dq_double_to_u64(err->valuedouble, &errc))
		return -1;
	dq_topk_init(t, (size_t)c->valuedouble);
	t->total = total;
	t->err = errc;
	cJSON_ArrayForEach(p, a) {
		const cJSON *v = cJSON_GetArrayItem(p, 0);
		const cJSON *n = cJSON_GetArrayItem(p, 1);
		if (!cJSON_IsString(v) || !cJSON_IsNumber(n) ||
		    dq_double_to_u64(n->valuedouble, &cnt) || cnt < 1) {
			dq_topk_release(t);
			return -1;
		}
		size_t len = strlen(v->valuestring);
		uint64_t h = hashfn(v->valuestring, len);
		if (t->slot[find(t, v->valuestring, len, h)]) {
			dq_topk_release(t);
			return -1;
		}
		add_count(t, v->valuestring, len, h, cnt);
	}
	return 0;
}
