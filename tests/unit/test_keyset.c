/* Unit tests for lib/base/keyset.c. */
#include <stdio.h>
#include <stdlib.h>

#include "base/keyset.h"
#include "unit.h"

int
main(void)
{
	struct dq_keyset s;
	char k[32];

	dq_keyset_init(&s);
	UNIT_INT(dq_keyset_has(&s, "a", 1), 0, "empty set has nothing");
	UNIT_INT(dq_keyset_bytes(&s), 0, "empty set uses no table");
	UNIT_INT(dq_keyset_add(&s, "a", 1), 1, "first add is new");
	UNIT_INT(dq_keyset_add(&s, "a", 1), 0, "second add is a duplicate");
	UNIT_INT(dq_keyset_add(&s, "", 0), 1, "empty key is a key");
	UNIT_INT(dq_keyset_add(&s, "", 0), 0, "empty key again");
	UNIT_INT(dq_keyset_add(&s, "a\0b", 3), 1, "embedded NUL differs");
	UNIT_INT(dq_keyset_has(&s, "a\0c", 3), 0, "bytes after NUL count");
	UNIT_INT(s.n, 3, "three keys");

	/* Many keys across several resizes: every one found, none twice. */
	int fresh = 0, again = 0, found = 0;
	for (int i = 0; i < 100000; i++) {
		int n = snprintf(k, sizeof(k), "key-%d", i);
		fresh += dq_keyset_add(&s, k, (size_t)n);
	}
	for (int i = 0; i < 100000; i++) {
		int n = snprintf(k, sizeof(k), "key-%d", i);
		again += dq_keyset_add(&s, k, (size_t)n);
		found += dq_keyset_has(&s, k, (size_t)n);
	}
	UNIT_INT(fresh, 100000, "100000 distinct keys all new");
	UNIT_INT(again, 0, "re-adding finds each");
	UNIT_INT(found, 100000, "has() finds each");
	UNIT_INT(dq_keyset_has(&s, "key-100000", 10), 0, "absent key");
	UNIT_INT(s.n, 100003, "count");
	/* 262144 slots of 16 bytes: within 21..43 bytes a key. */
	UNIT_INT(dq_keyset_bytes(&s), 262144 * 16, "table size");
	dq_keyset_release(&s);
	UNIT_INT(s.n, 0, "released");

	/* The split add agrees with the whole one, key by key. */
	struct dq_keyhash h, h2;
	dq_keyset_init(&s);
	dq_keyset_hash("a", 1, &h);
	dq_keyset_prefetch(&s, &h); /* no table yet: must not touch it */
	UNIT_INT(dq_keyset_add_hash(&s, &h), 1, "split add: new");
	UNIT_INT(dq_keyset_add(&s, "a", 1), 0, "whole add sees the split one");
	dq_keyset_hash("a", 1, &h2);
	UNIT_INT(h2.lo == h.lo && h2.hi == h.hi, 1, "hash is deterministic");
	dq_keyset_hash("b", 1, &h2);
	UNIT_INT(h2.lo == h.lo && h2.hi == h.hi, 0, "other key, other hash");
	dq_keyset_prefetch(&s, &h2);
	UNIT_INT(dq_keyset_add_hash(&s, &h2), 1, "split add of b: new");
	UNIT_INT(dq_keyset_add_hash(&s, &h2), 0, "split add of b again");
	UNIT_INT(dq_keyset_has(&s, "b", 1), 1, "has() finds the split add");
	fresh = 0;
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(k, sizeof(k), "k%d", i);
		dq_keyset_hash(k, (size_t)n, &h);
		dq_keyset_prefetch(&s, &h);
		fresh += dq_keyset_add_hash(&s, &h);
	}
	UNIT_INT(fresh, 5000, "split adds across resizes all new");
	UNIT_INT(dq_keyset_add(&s, "k4999", 5), 0, "and found by the whole add");
	UNIT_INT(s.n, 5002, "count after split adds");
	dq_keyset_release(&s);
	return unit_done();
}
