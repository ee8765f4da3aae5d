/*
 * store.c - an append-only text store in huge-page chunks (see store.h).
 */
#include "base/store.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/util.h"

#define STORE_CHUNK ((size_t)64 << 20)
#define STORE_BIG ((size_t)1 << 20)
#define HUGE_PAGE ((uintptr_t)2 << 20)

static char *
store_alloc(struct dq_store *st, size_t size)
{
	char *c = dq_xmalloc(size);
	uintptr_t lo = ((uintptr_t)c + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t hi = ((uintptr_t)c + size) & ~(HUGE_PAGE - 1);

	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
	if (st->n == st->cap) {
		st->cap = st->cap ? 2 * st->cap : 16;
		st->chunk = dq_xrealloc(st->chunk, st->cap * sizeof(char *));
	}
	st->chunk[st->n++] = c;
	return c;
}

const char *
dq_store_dup(struct dq_store *st, const char *s, size_t n)
{
	char *p;

	if (n + 1 > STORE_BIG) {
		p = store_alloc(st, n + 1);
	} else {
		if (!st->cur || st->used + n + 1 > STORE_CHUNK) {
			st->cur = store_alloc(st, STORE_CHUNK);
			st->used = 0;
		}
		p = st->cur + st->used;
		st->used += n + 1;
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
dq_store_release(struct dq_store *st)
{
	for (size_t i = 0; i < st->n; i++)
		free(st->chunk[i]);
	free(st->chunk);
	memset(st, 0, sizeof(*st));
}
