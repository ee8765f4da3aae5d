/*
 * sha256.c - SHA-256 (NIST FIPS 180-4, "Secure Hash Standard", 2015,
 * section 6.2) and HMAC (RFC 2104, Krawczyk, Bellare and Canetti, 1997).
 *
 * The message is taken in 64-byte blocks; each is expanded into the 64
 * words W[t] of the message schedule (FIPS 180-4 6.2.2 step 1) and mixed
 * into the eight working variables with the constants K[t] (4.2.2, the
 * first 32 bits of the fractional parts of the cube roots of the first 64
 * primes).  The final block is padded with 0x80, zeros and the message
 * length in bits as a big-endian 64-bit number (5.1.1).
 *
 * HMAC(K, m) = H((K' ^ opad) || H((K' ^ ipad) || m)), where K' is the key
 * hashed when longer than the 64-byte block, then padded with zeros to it;
 * ipad is 0x36 and opad 0x5c repeated.  tests/unit/test_sha256.c checks
 * the FIPS 180-4 example vectors ("abc", the 448-bit message, a million
 * 'a') and RFC 4231's HMAC-SHA-256 test cases 1 to 4, 6 and 7.
 */
#include "base/sha256.h"

#include <string.h>

#include "base/util.h"

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void
block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh, t1, t2;
	int t;

	for (t = 0; t < 16; t++)
		w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
		       (uint32_t)p[4 * t + 2] << 8 | p[4 * t + 3];
	for (t = 16; t < 64; t++) {
		uint32_t s0 = ROR(w[t - 15], 7) ^ ROR(w[t - 15], 18) ^
			      (w[t - 15] >> 3);
		uint32_t s1 = ROR(w[t - 2], 17) ^ ROR(w[t - 2], 19) ^
			      (w[t - 2] >> 10);
		w[t] = w[t - 16] + s0 + w[t - 7] + s1;
	}
	a = h[0], b = h[1], c = h[2], d = h[3];
	e = h[4], f = h[5], g = h[6], hh = h[7];
	for (t = 0; t < 64; t++) {
		t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
		     ((e & f) ^ (~e & g)) + K[t] + w[t];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
		     ((a & b) ^ (a & c) ^ (b & c));
		hh = g, g = f, f = e, e = d + t1;
		d = c, c = b, b = a, a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d;
	h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

void
dq_sha256_init(struct dq_sha256 *s)
{
	static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
					0xa54ff53a, 0x510e527f, 0x9b05688c,
					0x1f83d9ab, 0x5be0cd19 };
	memcpy(s->h, h0, sizeof(h0));
	s->bytes = 0;
	s->nblk = 0;
}

void
dq_sha256_update(struct dq_sha256 *s, const void *data, size_t n)
{
	const unsigned char *p = data;

	s->bytes += n;
	if (s->nblk) {
		size_t k = 64 - s->nblk < n ? 64 - s->nblk : n;
		memcpy(s->blk + s->nblk, p, k);
		s->nblk += k, p += k, n -= k;
		if (s->nblk < 64)
			return;
		block(s->h, s->blk);
		s->nblk = 0;
	}
	for (; n >= 64; p += 64, n -= 64)
		block(s->h, p);
	memcpy(s->blk, p, n);
	s->nblk = n;
}

void
dq_sha256_final(struct dq_sha256 *s, unsigned char out[DQ_SHA256_LEN])
{
	uint64_t bits = s->bytes * 8;
	int i;

	s->blk[s->nblk++] = 0x80;
	if (s->nblk > 56) {
		memset(s->blk + s->nblk, 0, 64 - s->nblk);
		block(s->h, s->blk);
		s->nblk = 0;
	}
	memset(s->blk + s->nblk, 0, 56 - s->nblk);
	for (i = 0; i < 8; i++)
		s->blk[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	block(s->h, s->blk);
	for (i = 0; i < 32; i++)
		out[i] = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

void
dq_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t n,
	       unsigned char out[DQ_SHA256_LEN])
{
	unsigned char k[64] = { 0 }, pad[64], inner[DQ_SHA256_LEN];
	struct dq_sha256 s;
	int i;

	if (keylen > 64) {
		dq_sha256_init(&s);
		dq_sha256_update(&s, key, keylen);
		dq_sha256_final(&s, k);
	} else if (keylen) {
		memcpy(k, key, keylen);
	}
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	dq_sha256_init(&s);
	dq_sha256_update(&s, pad, 64);
	dq_sha256_update(&s, msg, n);
	dq_sha256_final(&s, inner);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	dq_sha256_init(&s);
	dq_sha256_update(&s, pad, 64);
	dq_sha256_update(&s, inner, sizeof(inner));
	dq_sha256_final(&s, out);
}

void
dq_hmac_hex(const void *key, size_t keylen, const void *msg, size_t n,
	    int nhex, struct dq_buf *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[DQ_SHA256_LEN];

	dq_hmac_sha256(key, keylen, msg, n, d);
	for (int i = 0; i < nhex && i < 2 * DQ_SHA256_LEN; i++)
		dq_buf_addch(out, hex[i % 2 ? d[i / 2] & 15 : d[i / 2] >> 4]);
}
