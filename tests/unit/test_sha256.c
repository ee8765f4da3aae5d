/* Unit tests for lib/base/sha256.c: the FIPS 180-4 example messages
 * (NIST's "SHA256.pdf" examples and the one-million-'a' message) and RFC
 * 4231's HMAC-SHA-256 test cases 1-4, 6 and 7 (case 5 is a truncated
 * output, the same computation). */
#include <string.h>

#include "base/sha256.h"
#include "base/util.h"
#include "unit.h"

static char hex[2 * DQ_SHA256_LEN + 1];

static const char *
tohex(const unsigned char *d)
{
	for (int i = 0; i < DQ_SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	return hex;
}

static const char *
sha(const void *m, size_t n)
{
	struct dq_sha256 s;
	unsigned char d[DQ_SHA256_LEN];
	dq_sha256_init(&s);
	dq_sha256_update(&s, m, n);
	dq_sha256_final(&s, d);
	return tohex(d);
}

static const char *
hmac(const void *k, size_t kn, const void *m, size_t n)
{
	unsigned char d[DQ_SHA256_LEN];
	dq_hmac_sha256(k, kn, m, n, d);
	return tohex(d);
}

int
main(void)
{
	static char big[1000000];
	unsigned char k[131];
	char m[50];
	struct dq_sha256 s;
	unsigned char d[DQ_SHA256_LEN];

	UNIT_STR(sha("", 0),
		 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		 "sha256: empty");
	UNIT_STR(sha("abc", 3),
		 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		 "sha256: abc (FIPS 180-4 one block)");
	UNIT_STR(sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56),
		 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
		 "sha256: 448 bits (two blocks)");
	memset(big, 'a', sizeof(big));
	UNIT_STR(sha(big, sizeof(big)),
		 "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
		 "sha256: a million 'a'");
	/* The same million bytes fed in odd pieces. */
	dq_sha256_init(&s);
	for (size_t i = 0; i < sizeof(big); i += 997)
		dq_sha256_update(&s, big + i,
				 sizeof(big) - i < 997 ? sizeof(big) - i : 997);
	dq_sha256_final(&s, d);
	UNIT_STR(tohex(d),
		 "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
		 "sha256: a million 'a' in 997-byte pieces");

	memset(k, 0x0b, 20);
	UNIT_STR(hmac(k, 20, "Hi There", 8),
		 "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
		 "hmac: RFC 4231 case 1");
	UNIT_STR(hmac("Jefe", 4, "what do ya want for nothing?", 28),
		 "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
		 "hmac: RFC 4231 case 2");
	{
		struct dq_buf b = DQ_BUF_INIT;
		dq_hmac_hex("Jefe", 4, "what do ya want for nothing?", 28, 32,
			    &b);
		UNIT_STR(b.buf, "5bdcc146bf60754e6a042426089575c7",
			 "hmac_hex: the first 32 digits of case 2");
		dq_buf_reset(&b);
		dq_hmac_hex("Jefe", 4, "what do ya want for nothing?", 28, 99,
			    &b);
		UNIT_INT(b.len, 64, "hmac_hex: at most 64 digits");
		dq_buf_release(&b);
	}
	memset(k, 0xaa, 20);
	memset(m, 0xdd, 50);
	UNIT_STR(hmac(k, 20, m, 50),
		 "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
		 "hmac: RFC 4231 case 3");
	for (int i = 0; i < 25; i++)
		k[i] = (unsigned char)(i + 1);
	memset(m, 0xcd, 50);
	UNIT_STR(hmac(k, 25, m, 50),
		 "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
		 "hmac: RFC 4231 case 4");
	memset(k, 0xaa, 131);
	UNIT_STR(hmac(k, 131,
		      "Test Using Larger Than Block-Size Key - Hash Key First",
		      54),
		 "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
		 "hmac: RFC 4231 case 6 (key longer than a block)");
	{
		const char *m7 =
			"This is a test using a larger than block-size key and "
			"a larger than block-size data. The key needs to be "
			"hashed before being used by the HMAC algorithm.";
		UNIT_STR(hmac(k, 131, m7, strlen(m7)),
			 "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
			 "hmac: RFC 4231 case 7");
	}
	return unit_done();
}
