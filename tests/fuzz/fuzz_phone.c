/*
 * fuzz_phone.c - libFuzzer entry point for the phone normalizer
 * (lib/norm/phone.c and its libphonenumber bridge, lib/norm/phone_lpn.cc).
 *
 * The first byte picks the default region.  Besides crashes, this checks
 * the promise phone.h makes: the C fast path, whenever it does not
 * decline, gives exactly libphonenumber's answer; dq_phone_e164() gives
 * that answer carried to its fixed point (the library's answer whenever
 * the library reads its own E.164 form back as itself), '+' and digits
 * only, and normalizes to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "norm/phone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *regions[] = { "US", "GB", "DE", "FR", "IN", "BR",
					 "AU", "", NULL, "us", "001", "ZZ",
					 "JP", "IT", "CN", "RU" };
	struct dq_buf e1 = DQ_BUF_INIT, x1 = DQ_BUF_INIT;
	struct dq_buf e2 = DQ_BUF_INIT, x2 = DQ_BUF_INIT;
	struct dq_buf e3 = DQ_BUF_INIT, x3 = DQ_BUF_INIT;
	const char *region;
	char *s;
	int rf, rl;

	if (size < 1 || size > 400)
		return 0;
	region = regions[data[0] & 15];
	data++;
	size--;
	s = malloc(size ? size : 1);
	memcpy(s, data, size);
	rf = dq_phone_e164_fast(s, size, region, &e1, &x1);
	rl = dq_phone_e164_full(s, size, region, &e2, &x2);
	if (rf != DQ_PHONE_DECLINED &&
	    (rf != rl || strcmp(e1.buf, e2.buf) || strcmp(x1.buf, x2.buf)))
		abort();
	if (dq_phone_e164(s, size, region, &e3, &x3) != rl ||
	    (rl == 0 && strcmp(x3.buf ? x3.buf : "", x2.buf ? x2.buf : "")))
		abort();
	if (rl == 0) {
		struct dq_buf e4 = DQ_BUF_INIT, x4 = DQ_BUF_INIT;
		int r4;
		if (e3.buf[0] != '+' || e3.len < 2 ||
		    strspn(e3.buf + 1, "0123456789") != e3.len - 1)
			abort();
		/* The answer is its own answer (idempotent), and it is the
		 * library's unless the library reads its own form as
		 * another number. */
		if (dq_phone_e164(e3.buf, e3.len, NULL, &e4, &x4) != 0 ||
		    strcmp(e4.buf, e3.buf) || x4.len)
			abort();
		dq_buf_reset(&e4);
		r4 = dq_phone_e164_full(e2.buf, e2.len, NULL, &e4, &x4);
		if (r4 == 0 && !strcmp(e4.buf, e2.buf) &&
		    strcmp(e3.buf, e2.buf))
			abort();
		dq_buf_release(&e4);
		dq_buf_release(&x4);
	}
	dq_buf_release(&e1);
	dq_buf_release(&x1);
	dq_buf_release(&e2);
	dq_buf_release(&x2);
	dq_buf_release(&e3);
	dq_buf_release(&x3);
	free(s);
	return 0;
}
