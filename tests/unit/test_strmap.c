/* Unit tests for lib/base/strmap.c: exact values, order, NUL bytes, the
 * empty key, many keys across resizes. */
#include <stdio.h>
#include <string.h>

#include "base/strmap.h"
#include "unit.h"

int
main(void)
{
	struct dq_strmap m;
	char k[32];
	int fresh = 0, again = 0, right = 0;

	dq_strmap_init(&m);
	UNIT_INT(dq_strmap_get(&m, "a", 1), -1, "empty map has nothing");
	UNIT_INT(dq_strmap_add(&m, "a", 1, 7), 1, "added");
	UNIT_INT(dq_strmap_add(&m, "a", 1, 9), 0, "there already");
	UNIT_INT(dq_strmap_get(&m, "a", 1), 7, "first value kept");
	UNIT_INT(dq_strmap_add(&m, "", 0, 3), 1, "the empty key is a key");
	UNIT_INT(dq_strmap_get(&m, "", 0), 3, "and has its value");
	UNIT_INT(dq_strmap_add(&m, "a\0b", 3, 4), 1, "bytes after NUL count");
	UNIT_INT(dq_strmap_get(&m, "a\0c", 3), -1, "a\\0c is another key");
	UNIT_INT(dq_strmap_get(&m, "a\0b", 3), 4, "a\\0b found");
	UNIT_INT(m.n, 3, "three entries");
	UNIT_STR(m.keys[0], "a", "entries keep their order");
	UNIT_INT(m.lens[2], 3, "the length of a key with a NUL");
	for (int i = 0; i < 100000; i++) {
		int n = snprintf(k, sizeof(k), "key-%d", i);
		fresh += dq_strmap_add(&m, k, (size_t)n, (size_t)i + 10);
	}
	for (int i = 0; i < 100000; i++) {
		int n = snprintf(k, sizeof(k), "key-%d", i);
		again += dq_strmap_add(&m, k, (size_t)n, 0);
		right += dq_strmap_get(&m, k, (size_t)n) == i + 10;
	}
	UNIT_INT(fresh, 100000, "100000 new keys");
	UNIT_INT(again, 0, "none new the second time");
	UNIT_INT(right, 100000, "every value right after resizes");
	UNIT_STR(m.keys[3], "key-0", "order across resizes");
	UNIT_OK(m.cap >= 2 * m.n, "at most half full");
	dq_strmap_release(&m);
	UNIT_INT(m.n, 0, "released");
	return unit_done();
}
