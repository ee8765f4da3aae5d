/*
 * rng.h - the toolkit's one family of seeded pseudo-random generators.
 *
 * dq uses randomness only where a run must still be reproducible: a
 * sample, a compaction coin, synthetic data, a test's inputs.  So every
 * generator here is seeded, uses integer arithmetic only, and gives the
 * same sequence on every platform.
 *
 *   splitmix64 (G. Steele, D. Lea and C. Flood, "Fast splittable
 *     pseudorandom number generators", OOPSLA 2014): one 64-bit word of
 *     state; seeds the others, and is good enough alone for test inputs.
 *   xorshift64 (G. Marsaglia, "Xorshift RNGs", J. Stat. Softw. 8(14),
 *     2003), shifts 13, 7, 17: one word, never 0; the sketches' coins.
 *   xoshiro256** (D. Blackman and S. Vigna, "Scrambled linear pseudorandom
 *     number generators", ACM TOMS 47(4), 2021, https://prng.di.unimi.it/):
 *     four words seeded through splitmix64; dq-gen's source.
 *   dq_rng_below(): a uniform integer in [0, n) by D. Lemire's
 *     multiply-and-reject ("Fast random integer generation in an
 *     interval", ACM TOMACS 29(1), 2019), no modulo bias.
 *
 * The steps are inline: dq-gen draws several numbers per field.  None is
 * safe to share between threads; give each its own state.
 */
#ifndef DQ_RNG_H
#define DQ_RNG_H

#include <stdint.h>

/* splitmix64: advance *s and return the next 64 bits. */
static inline uint64_t
dq_rng_splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* xorshift64: advance *s (which must not be 0) and return it. */
static inline uint64_t
dq_rng_xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* xoshiro256** state. */
struct dq_rng {
	uint64_t s[4];
};

/* Seed r from one word through splitmix64 (any seed, 0 included). */
static inline void
dq_rng_seed(struct dq_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = dq_rng_splitmix64(&seed);
}

static inline uint64_t
dq_rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256**: the next 64 random bits. */
static inline uint64_t
dq_rng_next(struct dq_rng *r)
{
	uint64_t *s = r->s;
	uint64_t v = dq_rng_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = dq_rng_rotl(s[3], 45);
	return v;
}

/* A uniform integer in [0, n), n > 0, from the high 32 bits of each draw
 * (Lemire's method). */
static inline uint32_t
dq_rng_below(struct dq_rng *r, uint32_t n)
{
	uint64_t m = (dq_rng_next(r) >> 32) * (uint64_t)n;
	uint32_t l = (uint32_t)m;

	if (l < n) {
		uint32_t t = -n % n;
		while (l < t) {
			m = (dq_rng_next(r) >> 32) * (uint64_t)n;
			l = (uint32_t)m;
		}
	}
	return (uint32_t)(m >> 32);
}

#endif
