/*
 * fuzz_json.c - libFuzzer entry point for the NDJSON record scanner
 * (lib/stream/json.c).
 *
 * The input is one line.  Beyond "no crash, no sanitizer report", two
 * properties are checked because a scanner bug that does not crash would
 * still corrupt records: a line the scanner accepts must come back out of
 * dq_record_write() as a line the scanner accepts again, and writing that
 * second scan must give the same bytes (the writer is idempotent); and
 * dq_json_validate() must accept every object the scanner accepts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stream/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dq_record r1, r2;
	static int ready;
	struct dq_json_error err;
	struct dq_buf o1 = DQ_BUF_INIT, o2 = DQ_BUF_INIT;
	/* A copy without slack, so ASan sees any read past the end. */
	char *s = malloc(size ? size : 1);

	if (!ready) {
		dq_record_init(&r1);
		dq_record_init(&r2);
		ready = 1;
	}
	memcpy(s, data, size);
	if (dq_json_scan(&r1, s, size, &err) == 0) {
		if (dq_json_validate(s, size, &err) != DQ_JSON_OBJECT)
			abort();
		dq_record_write(&r1, "\"row\":1", 7, &o1);
		if (dq_json_scan(&r2, o1.buf, o1.len, &err) != 0)
			abort();
		dq_record_write(&r2, "\"row\":1", 7, &o2);
		if (o1.len != o2.len || memcmp(o1.buf, o2.buf, o1.len))
			abort();
		/* Look every member up again by its own key. */
		for (size_t i = 0; i < r1.n; i++) {
			struct dq_buf k = DQ_BUF_INIT;
			dq_buf_addch(&k, '"');
			dq_buf_add(&k, r1.m[i].key, r1.m[i].keylen);
			dq_buf_addch(&k, '"');
			struct dq_buf u = DQ_BUF_INIT;
			dq_json_unescape(k.buf, k.len, &u);
			if (dq_record_find(&r1, u.buf, u.len) < 0)
				abort();
			dq_buf_release(&k);
			dq_buf_release(&u);
		}
	} else {
		if (err.offset > size || !err.reason)
			abort();
		(void)dq_json_validate(s, size, &err);
	}
	dq_buf_release(&o1);
	dq_buf_release(&o2);
	free(s);
	return 0;
}
