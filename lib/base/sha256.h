/*
 * sha256.h - SHA-256 and HMAC-SHA-256, for keyed hashes of sensitive
 * values (contract/pii.h).
 *
 *	struct dq_sha256 s;
 *	dq_sha256_init(&s);
 *	dq_sha256_update(&s, data, n);    (any number of times)
 *	dq_sha256_final(&s, digest);      (32 bytes)
 *
 * dq_hmac_sha256() is the one-shot keyed form.  Nothing is allocated.
 */
#ifndef DQ_SHA256_H
#define DQ_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define DQ_SHA256_LEN 32

struct dq_sha256 {
	uint32_t h[8];
	uint64_t bytes;       /* message length so far */
	unsigned char blk[64];
	size_t nblk;          /* bytes waiting in blk */
};

void dq_sha256_init(struct dq_sha256 *s);
void dq_sha256_update(struct dq_sha256 *s, const void *data, size_t n);
void dq_sha256_final(struct dq_sha256 *s, unsigned char out[DQ_SHA256_LEN]);

/* HMAC-SHA-256 of msg[0..n) under key[0..keylen) into out (32 bytes). */
void dq_hmac_sha256(const void *key, size_t keylen, const void *msg,
		    size_t n, unsigned char out[DQ_SHA256_LEN]);

/* Append the first nhex hex digits (lower case, at most 64) of
 * HMAC-SHA-256(key, msg) to out: the keyed hash dq shows and writes for
 * sensitive values (contract/pii.h, norm/steps.h's hash step). */
struct dq_buf;
void dq_hmac_hex(const void *key, size_t keylen, const void *msg, size_t n,
		 int nhex, struct dq_buf *out);

#endif
