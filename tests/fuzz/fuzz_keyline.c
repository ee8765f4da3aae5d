/*
 * fuzz_keyline.c - libFuzzer entry point for the key lines of dq-block's
 * two passes (lib/er/keyline.c) and the scored pairs dq-merge reads
 * (lib/er/merge.c, with its _dq.sources).
 *
 * The first byte picks the number of rules (1 to 64) and which parser
 * reads the rest.  A key line that parses must be one the writer makes:
 * its rule below the rules' number, its hash that rule's, its key and
 * record inside the line, and the line up to its key rebuilt from the
 * parsed fields byte for byte (dq_keyline_add writes nothing else).  A
 * pair that dq-merge accepts must give an entry whose two sources are
 * both 0, or two different numbers from 1 to 64.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "er/keyline.h"
#include "er/merge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
key_line(const char *s, size_t n, size_t nrules)
{
	struct dq_keyline k;
	struct dq_buf common = DQ_BUF_INIT, line = DQ_BUF_INIT;
	unsigned want;

	if (dq_keyline_parse(s, n, nrules, &k))
		return;
	want = k.src == DQ_KEYLINE_A ? 1 : k.src == DQ_KEYLINE_B ? 2 : 0;
	if (k.rule >= nrules || k.h[k.rule] != k.hash || k.key < s ||
	    k.key + k.keylen > s + n || k.rec + k.reclen != s + n ||
	    !k.reclen ||
	    (k.src == DQ_KEYLINE_LINK ? k.source < 1 || k.source > 999 :
					k.source != want))
		abort();
	dq_keyline_common(&common, k.seq, k.src, k.source, k.h, nrules);
	dq_keyline_add(&line, k.rule, k.hash, &common, "", 0, "", 0);
	/* The rebuilt line ends with the key "" and a tab: compare what
	 * comes before. */
	if (line.len < 3 || (size_t)(k.key - s) != line.len - 3 ||
	    memcmp(line.buf, s, line.len - 3))
		abort();
	dq_buf_release(&common);
	dq_buf_release(&line);
}

static void
pair(const char *s, size_t n)
{
	static struct dq_record r;
	static int ready;
	struct dq_json_error err;
	struct dq_ident how = { "id", 0, NULL };
	struct dq_buf id = DQ_BUF_INIT, out = DQ_BUF_INIT;

	if (!ready) {
		dq_record_init(&r);
		ready = 1;
	}
	if (dq_json_scan(&r, s, n, &err) == 0 &&
	    !dq_merge_pair_entry(&r, &how, 1, &id, &out)) {
		/* kind, score, then the two sources. */
		unsigned a, b;
		if (out.len < 1 + sizeof(double) + 2)
			abort();
		a = (unsigned char)out.buf[1 + sizeof(double)];
		b = (unsigned char)out.buf[2 + sizeof(double)];
		if ((a || b) && (!a || !b || a == b ||
				 a > DQ_MERGE_MAX_SOURCES ||
				 b > DQ_MERGE_MAX_SOURCES))
			abort();
	}
	dq_buf_release(&id);
	dq_buf_release(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1)
		return 0;
	/* A copy without slack, so ASan sees any read past the end. */
	s = malloc(size - 1 ? size - 1 : 1);
	memcpy(s, data + 1, size - 1);
	if (data[0] & 0x80)
		pair(s, size - 1);
	else
		key_line(s, size - 1, (size_t)(data[0] & 63) + 1);
	free(s);
	return 0;
}
