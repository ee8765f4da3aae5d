/*
 * keyline.c - key lines of dq-block's two passes (see keyline.h).
 *
 * Hex digits are read through a table: the digits of hashes are random,
 * so branches would mispredict half the time.  Numbers are written
 * without printf: a line is written per rule and record.
 */
#include "er/keyline.h"

#include <string.h>

static const signed char hexval[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

int
dq_keyline_hex64(const char *p, uint64_t *v)
{
	uint64_t x = 0;
	int bad = 0;

	for (int i = 0; i < 16; i++) {
		int d = hexval[(unsigned char)p[i]];
		bad |= d;
		x = x << 4 | (uint64_t)(d & 15);
	}
	*v = x;
	return bad < 0 ? -1 : 0;
}

void
dq_keyline_put_seq(char *p, uint64_t seq)
{
	for (int d = 11; d >= 0; d--, seq /= 10)
		p[d] = (char)('0' + seq % 10);
}

void
dq_keyline_common(struct dq_buf *out, uint64_t seq, int src,
		  unsigned source, const uint64_t *h, size_t nrules)
{
	char t[16];

	/* "\t%012llu\t%c\t" without printf. */
	t[0] = '\t';
	dq_keyline_put_seq(t + 1, seq);
	t[13] = '\t';
	t[14] = (char)src;
	t[15] = '\t';
	dq_buf_reset(out);
	if (src == DQ_KEYLINE_LINK) {
		dq_buf_add(out, t, 14);
		dq_buf_add_int(out, source);
		dq_buf_addch(out, '\t');
	} else {
		dq_buf_add(out, t, 16);
	}
	for (size_t r = 0; r < nrules; r++) {
		if (r)
			dq_buf_addch(out, ',');
		dq_buf_add_hex64(out, h[r]);
	}
	dq_buf_addch(out, '\t');
}

void
dq_keyline_add(struct dq_buf *out, size_t r, uint64_t hash,
	       const struct dq_buf *common, const char *key, size_t keylen,
	       const char *rec, size_t reclen)
{
	char num[3] = { (char)('0' + r / 10), (char)('0' + r % 10), '\t' };

	dq_buf_add(out, num, 3);
	dq_buf_add_hex64(out, hash);
	dq_buf_add(out, common->buf, common->len);
	dq_buf_add_json_string(out, key, keylen);
	dq_buf_addch(out, '\t');
	dq_buf_add(out, rec, reclen);
}

int
dq_keyline_parse(const char *s, size_t n, size_t nrules, struct dq_keyline *k)
{
	const char *p = s, *e = s + n, *t;
	size_t r;

	if (n < 3 + 17 + 13 + 2 || p[2] != '\t' || p[0] < '0' ||
	    p[0] > '9' || p[1] < '0' || p[1] > '9')
		return -1;
	k->rule = (size_t)((p[0] - '0') * 10 + (p[1] - '0'));
	if (k->rule >= nrules || dq_keyline_hex64(p + 3, &k->hash) ||
	    p[19] != '\t' || p[32] != '\t')
		return -1;
	k->seq = 0;
	for (int d = 20; d < 32; d++) {
		if (p[d] < '0' || p[d] > '9')
			return -1;
		k->seq = k->seq * 10 + (uint64_t)(p[d] - '0');
	}
	k->src = (unsigned char)p[33];
	k->source = k->src == DQ_KEYLINE_A ? 1 :
		    k->src == DQ_KEYLINE_B ? 2 : 0;
	p += 33;
	if (k->src >= '1' && k->src <= '9') {
		/* A file of a link of more than two: its number. */
		k->src = DQ_KEYLINE_LINK;
		for (k->source = 0; p < e && *p >= '0' && *p <= '9' &&
				    k->source < 1000; p++)
			k->source = k->source * 10 + (unsigned)(*p - '0');
		if (k->source >= 1000)
			return -1;
	} else if (!strchr("daben", k->src) || !k->src) {
		return -1;
	} else {
		p++;
	}
	if (p >= e || *p++ != '\t')
		return -1;
	for (r = 0; r < nrules; r++) {
		if (p + 17 > e || dq_keyline_hex64(p, &k->h[r]) ||
		    p[16] != (r + 1 < nrules ? ',' : '\t'))
			return -1;
		p += 17;
	}
	if (k->h[k->rule] != k->hash)
		return -1;
	/* The key: a JSON string without tabs inside. */
	t = memchr(p, '\t', (size_t)(e - p));
	if (!t || t - p < 2 || *p != '"' || t[-1] != '"')
		return -1;
	k->key = p;
	k->keylen = (size_t)(t - p);
	k->rec = t + 1;
	k->reclen = (size_t)(e - t - 1);
	return k->reclen ? 0 : -1;
}
