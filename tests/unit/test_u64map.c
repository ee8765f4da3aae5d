/* Unit tests for lib/base/u64map.c: put, get, change through the
 * pointer, the key 0 and the largest key, growth, and a walk in slot
 * order that visits every key once. */
#include "base/u64map.h"
#include "unit.h"

int
main(void)
{
	struct dq_u64map m;
	uint8_t *v;
	uint64_t k, sum = 0;
	size_t it = 0, seen = 0;
	int ok = 1;

	dq_u64map_init(&m);
	UNIT_OK(dq_u64map_get(&m, 7) == NULL, "empty: nothing");
	UNIT_OK(dq_u64map_get(&m, 0) == NULL, "empty: no 0 either");
	dq_u64map_put(&m, 7, 1);
	dq_u64map_put(&m, UINT64_MAX, 2);
	dq_u64map_put(&m, 0, 3);
	v = dq_u64map_get(&m, 7);
	UNIT_INT(v ? *v : -1, 1, "7 -> 1");
	*v |= 4;
	UNIT_INT(*dq_u64map_get(&m, 7), 5, "changed in place");
	UNIT_INT(*dq_u64map_get(&m, UINT64_MAX), 2, "largest key");
	UNIT_INT(*dq_u64map_get(&m, 0), 3, "key 0");
	UNIT_INT(m.n, 2, "0 is kept apart");
	dq_u64map_put(&m, 7, 9);
	UNIT_INT(*dq_u64map_get(&m, 7), 9, "a later put wins");
	UNIT_INT(m.n, 2, "no new key");
	for (uint64_t i = 1; i <= 10000; i++)
		dq_u64map_put(&m, i << 20, (uint8_t)i);
	for (uint64_t i = 1; i <= 10000; i++) {
		v = dq_u64map_get(&m, i << 20);
		ok &= v && *v == (uint8_t)i;
	}
	UNIT_OK(ok, "10000 keys after growth");
	UNIT_OK(m.cap >= 2 * m.n && m.cap == 32768, "at most half full");
	while (dq_u64map_next(&m, &it, &k, &v)) {
		seen++;
		sum += k >> 20;
		if (seen == m.n + 1)
			UNIT_INT(k, 0, "the key 0 comes last");
	}
	UNIT_INT(seen, 10003, "the walk visits every key");
	UNIT_OK(sum == 50005000u + (UINT64_MAX >> 20), "each once");
	dq_u64map_release(&m);
	UNIT_OK(m.key == NULL && m.cap == 0, "released");
	return unit_done();
}
