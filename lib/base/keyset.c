/*
 * keyset.c - exact key set over XXH3-128 hashes, open addressing.
 *
 * Linear probing over a power-of-two table of (low, high) hash pairs; the
 * low word picks the slot.  The all-zero pair marks an empty slot, so a
 * key whose hash is all zero is stored as (1, 0): one more (harmless)
 * collision class among 2^128.  The table doubles when it passes 3/4
 * full, which keeps probe sequences short (Knuth, TAOCP vol. 3, 6.4:
 * about 2.5 probes for a miss at load 3/4).  See keyset.h for memory.
 */
#include "base/keyset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "base/util.h"

void
dq_keyset_init(struct dq_keyset *s)
{
	memset(s, 0, sizeof(*s));
}

void
dq_keyset_release(struct dq_keyset *s)
{
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

static void
hash(const void *key, size_t n, uint64_t *lo, uint64_t *hi)
{
	XXH128_hash_t h = XXH3_128bits(key, n);
	*lo = h.low64;
	*hi = h.high64;
	if (!*lo && !*hi)
		*lo = 1;
}

/* Slot of (lo, hi), or of the empty slot where it would go. */
static size_t
probe(const struct dq_keyset *s, uint64_t lo, uint64_t hi)
{
	size_t mask = s->cap - 1, i = (size_t)lo & mask;
	for (;;) {
		const uint64_t *p = s->slots + 2 * i;
		if ((p[0] == lo && p[1] == hi) || (!p[0] && !p[1]))
			return i;
		i = (i + 1) & mask;
	}
}

#define HUGE_PAGE ((uintptr_t)2 << 20)

/*
 * Ask for transparent huge pages over the 2 MB-aligned part of a large
 * table (advice only: nothing changes where the kernel says no).  A set
 * of a million keys is 32 MB of randomly probed slots: with 4 KB pages
 * nearly every probe misses the TLB and filling it takes 8,000 faults;
 * with 2 MB pages it is 16 of each.  Memory stays what keyset.h states,
 * as a table that large is a whole number of huge pages.
 */
static void
huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	uintptr_t a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t b = ((uintptr_t)p + n) & ~(HUGE_PAGE - 1);
	if (a < b)
		madvise((void *)a, b - a, MADV_HUGEPAGE);
#endif
}

static void
grow(struct dq_keyset *s)
{
	struct dq_keyset old = *s;
	s->cap = old.cap ? old.cap * 2 : 1024;
	/*
	 * Zeroed by writing, not by calloc: calloc's fresh pages are the
	 * shared zero page until written, so the first probe (a read) maps
	 * it and the insert that follows takes a second, copy-on-write fault
	 * that flushes the TLB.  That was a third of dq-validate's time on
	 * a million distinct ids; writing every page once costs one plain
	 * fault a page.
	 */
	s->slots = dq_xmalloc(s->cap * 2 * sizeof(uint64_t));
	huge(s->slots, s->cap * 2 * sizeof(uint64_t));
	memset(s->slots, 0, s->cap * 2 * sizeof(uint64_t));
	for (size_t i = 0; i < old.cap; i++) {
		const uint64_t *p = old.slots + 2 * i;
		if (!p[0] && !p[1])
			continue;
		size_t j = probe(s, p[0], p[1]);
		s->slots[2 * j] = p[0];
		s->slots[2 * j + 1] = p[1];
	}
	free(old.slots);
}

void
dq_keyset_hash(const void *key, size_t n, struct dq_keyhash *h)
{
	hash(key, n, &h->lo, &h->hi);
}

void
dq_keyset_prefetch(const struct dq_keyset *s, const struct dq_keyhash *h)
{
	if (s->cap)
		__builtin_prefetch(s->slots + 2 * ((size_t)h->lo & (s->cap - 1)));
}

int
dq_keyset_add_hash(struct dq_keyset *s, const struct dq_keyhash *h)
{
	if ((s->n + 1) * 4 > s->cap * 3)
		grow(s);
	size_t i = probe(s, h->lo, h->hi);
	uint64_t *p = s->slots + 2 * i;
	if (p[0] || p[1])
		return 0;
	p[0] = h->lo;
	p[1] = h->hi;
	s->n++;
	return 1;
}

int
dq_keyset_add(struct dq_keyset *s, const void *key, size_t n)
{
	struct dq_keyhash h;
	dq_keyset_hash(key, n, &h);
	return dq_keyset_add_hash(s, &h);
}

int
dq_keyset_has(const struct dq_keyset *s, const void *key, size_t n)
{
	uint64_t lo, hi;
	if (!s->cap)
		return 0;
	hash(key, n, &lo, &hi);
	const uint64_t *p = s->slots + 2 * probe(s, lo, hi);
	return p[0] || p[1];
}

size_t
dq_keyset_bytes(const struct dq_keyset *s)
{
	return s->cap * 2 * sizeof(uint64_t);
}
