/* Unit tests for lib/base/rng.h: each generator's first outputs against
 * values computed independently from the published algorithms, and the
 * bounded draw's range and spread. */
#include "base/rng.h"
#include "unit.h"

int
main(void)
{
	uint64_t s = 0, x = 88172645463325252ull;
	struct dq_rng r;
	unsigned counts[10] = { 0 };
	int in_range = 1;

	UNIT_OK(dq_rng_splitmix64(&s) == 0xe220a8397b1dcdafull,
		"splitmix64 from 0, first");
	UNIT_OK(dq_rng_splitmix64(&s) == 0x6e789e6aa1b965f4ull,
		"splitmix64 from 0, second");
	UNIT_OK(dq_rng_xorshift64(&x) == 8748534153485358512ull,
		"xorshift64: Marsaglia's first value");
	dq_rng_seed(&r, 1);
	UNIT_OK(dq_rng_next(&r) == 0xb3f2af6d0fc710c5ull, "xoshiro256** 1");
	UNIT_OK(dq_rng_next(&r) == 0x853b559647364ceaull, "xoshiro256** 2");
	UNIT_OK(dq_rng_next(&r) == 0x92f89756082a4514ull, "xoshiro256** 3");
	dq_rng_seed(&r, 1);
	UNIT_INT(dq_rng_below(&r, 10), 7, "below(10) from seed 1");
	dq_rng_seed(&r, 0);
	UNIT_OK(r.s[0] | r.s[1] | r.s[2] | r.s[3], "seed 0 is a usable state");
	UNIT_INT(dq_rng_below(&r, 1), 0, "below(1) is 0");
	for (int i = 0; i < 100000; i++) {
		uint32_t v = dq_rng_below(&r, 10);
		in_range &= v < 10;
		counts[v < 10 ? v : 0]++;
	}
	UNIT_OK(in_range, "below(10) stays below 10");
	for (int i = 0; i < 10; i++)
		UNIT_OK(counts[i] > 9500 && counts[i] < 10500,
			"below(10): each value near 10%");
	UNIT_OK(dq_rng_below(&r, 4294967295u) < 4294967295u,
		"below(2^32 - 1)");
	return unit_done();
}
