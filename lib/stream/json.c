/*
 * json.c - strict, lossless scanning of one NDJSON line.
 *
 * The grammar is RFC 8259 (JSON) with UTF-8 as in RFC 3629 and the
 * well-formed byte sequences of Unicode 15, table 3-7 (no overlong forms,
 * no encoded surrogates, nothing above U+10FFFF).  The scanner is a
 * recursive-descent validator that never builds values: it records spans.
 * Depth is bounded by DQ_JSON_MAX_DEPTH, so recursion is bounded too.
 *
 * Speed: string bodies are skipped sixteen bytes at a time with SSE2
 * compares (a quote, a backslash, or a byte below 0x20 as a signed char,
 * which also catches every non-ASCII byte); only those bytes stop the fast
 * loop, and the byte loop after it handles escapes and UTF-8.
 *
 * Duplicate keys: each object's keys are kept on a stack while it is
 * scanned; at its close they are compared pairwise when there are few,
 * or through an open-addressing table of XXH3 hashes when there are many,
 * so a million-key object costs linear time.  Keys with escapes are
 * compared after unescaping ("a" and "\u0061" are the same key).
 */
#include "stream/json.h"

#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

/* ---- arena ---- */

struct dq_arena_block {
	struct dq_arena_block *next;
	size_t cap;
	char data[];
};

#define ARENA_BLOCK 65536

void
dq_arena_init(struct dq_arena *a)
{
	a->head = NULL;
	a->used = 0;
}

void *
dq_arena_alloc(struct dq_arena *a, size_t n)
{
	struct dq_arena_block *b;

	n = (n + 7) & ~(size_t)7;
	if (a->head && a->head->cap - a->used >= n) {
		void *p = a->head->data + a->used;
		a->used += n;
		return p;
	}
	size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
	b = dq_xmalloc(sizeof(*b) + cap);
	b->cap = cap;
	b->next = a->head;
	a->head = b;
	a->used = n;
	return b->data;
}

char *
dq_arena_dup(struct dq_arena *a, const char *s, size_t n)
{
	char *p = dq_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
dq_arena_reset(struct dq_arena *a)
{
	/* Keep one ordinary block for the next record; free the rest. */
	struct dq_arena_block *b = a->head, *keep = NULL;
	while (b) {
		struct dq_arena_block *next = b->next;
		if (!keep && b->cap == ARENA_BLOCK)
			keep = b;
		else
			free(b);
		b = next;
	}
	if (keep)
		keep->next = NULL;
	a->head = keep;
	a->used = 0;
}

void
dq_arena_release(struct dq_arena *a)
{
	struct dq_arena_block *b = a->head;
	while (b) {
		struct dq_arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->used = 0;
}

/* ---- scanner ---- */

struct keyref {
	const char *p;
	size_t len;
	int esc;
};

struct scan {
	const char *start, *p, *end;
	const char *err_at;
	const char *reason;
	struct dq_record *r;
	int last_esc;        /* the last string scanned had escapes */
	int any_key_esc;     /* some top-level key had escapes */
	struct keyref *keys; /* the key stack */
	size_t nkeys, capkeys;
	int depth;
};

static int
fail(struct scan *s, const char *at, const char *reason)
{
	if (!s->reason) {
		s->err_at = at;
		s->reason = reason;
	}
	return -1;
}

static inline int
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static inline void
skip_ws(struct scan *s)
{
	/* Most calls find no white space: one compare settles them. */
	while (s->p < s->end && (unsigned char)*s->p <= ' ' &&
	       is_ws((unsigned char)*s->p))
		s->p++;
}

/* skip_ws() that says whether it skipped anything; compact JSON, the
 * common case, costs one compare per call. */
static inline int
skip_ws_at(struct scan *s)
{
	if (s->p >= s->end || (unsigned char)*s->p > ' ')
		return 0;
	const char *q = s->p;
	skip_ws(s);
	return q != s->p;
}

/* Length of the UTF-8 sequence at p (valid per table 3-7), or 0. */
static inline size_t
utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0];
	size_t avail = (size_t)(end - p);

	if (c >= 0xC2 && c <= 0xDF) {
		if (avail >= 2 && (p[1] & 0xC0) == 0x80)
			return 2;
		return 0;
	}
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned char lo = 0x80, hi = 0xBF;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
		if (avail >= 3 && p[1] >= lo && p[1] <= hi &&
		    (p[2] & 0xC0) == 0x80)
			return 3;
		return 0;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned char lo = 0x80, hi = 0xBF;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
		if (avail >= 4 && p[1] >= lo && p[1] <= hi &&
		    (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80)
			return 4;
		return 0;
	}
	return 0;
}

static inline int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int
hex4(const char *p, const char *end)
{
	int v = 0, i;
	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		int h = hexval((unsigned char)p[i]);
		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

#ifdef __SSE2__
#include <emmintrin.h>

/*
 * Bit i set when byte i of p[0..16) is a quote, a backslash, or below 0x20
 * or at or above 0x80: a signed compare with 0x20 catches both, since
 * bytes 0x80-0xFF are negative as signed chars.
 */
static inline unsigned
special16(const char *p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)p);
	__m128i q = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
	__m128i b = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
	__m128i c = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(q, b), c));
}
#endif

/*
 * Scan a string; s->p is at the opening quote.  On success s->p is past
 * the closing quote and *esc says whether there were escapes.
 */
static int
scan_string(struct scan *s, int *esc)
{
	const char *p = s->p + 1, *end = s->end;

	*esc = 0;
	for (;;) {
#ifdef __SSE2__
		while (end - p >= 16) {
			unsigned m = special16(p);
			if (m) {
				p += __builtin_ctz(m);
				break;
			}
			p += 16;
		}
#endif
		if (p >= end)
			return fail(s, p, "unterminated string");
		unsigned char c = (unsigned char)*p;
		if (c == '"') {
			s->p = p + 1;
			return 0;
		}
		if (c == '\\') {
			*esc = 1;
			if (end - p < 2)
				return fail(s, p, "unterminated string");
			switch (p[1]) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				p += 2;
				continue;
			case 'u':
				break;
			default:
				return fail(s, p, "invalid escape in string");
			}
			int u = hex4(p + 2, end);
			if (u < 0)
				return fail(s, p, "invalid \\u escape in string");
			if (u >= 0xDC00 && u <= 0xDFFF)
				return fail(s, p, "lone surrogate in string");
			if (u >= 0xD800 && u <= 0xDBFF) {
				int lo = -1;
				if (end - p >= 12 && p[6] == '\\' && p[7] == 'u')
					lo = hex4(p + 8, end);
				if (lo < 0xDC00 || lo > 0xDFFF)
					return fail(s, p,
						    "lone surrogate in string");
				p += 12;
			} else {
				p += 6;
			}
			continue;
		}
		if (c < 0x20)
			return fail(s, p, "control character in string");
		if (c >= 0x80) {
			size_t k = utf8_seq((const unsigned char *)p,
					    (const unsigned char *)end);
			if (!k)
				return fail(s, p, "invalid UTF-8");
			p += k;
			continue;
		}
		p++;
	}
}

/*
 * scan_string() for the common short string, its closing quote within
 * the next 16 bytes with nothing special before it: one vector compare,
 * inline.  Returns 1 with s->p past the quote (no escapes), or 0 having
 * done nothing, for scan_string() to decide.
 */
static inline int
short_string(struct scan *s)
{
#ifdef __SSE2__
	const char *p = s->p + 1;

	if (s->end - p >= 16) {
		unsigned m = special16(p);
		if (m && p[__builtin_ctz(m)] == '"') {
			s->p = p + __builtin_ctz(m) + 1;
			return 1;
		}
	}
#endif
	(void)s;
	return 0;
}

static int
scan_number(struct scan *s)
{
	const char *p = s->p, *end = s->end;

	if (p < end && *p == '-')
		p++;
	if (p >= end)
		return fail(s, p, "invalid number");
	if (*p == '0') {
		p++;
	} else if (*p >= '1' && *p <= '9') {
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	} else {
		return fail(s, p, "invalid number");
	}
	if (p < end && *p == '.') {
		p++;
		if (p >= end || *p < '0' || *p > '9')
			return fail(s, p, "invalid number");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return fail(s, p, "invalid number");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	s->p = p;
	return 0;
}

static int
scan_literal(struct scan *s, const char *lit, size_t n)
{
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n))
		return fail(s, s->p, "invalid literal");
	s->p += n;
	return 0;
}

static void
push_key(struct scan *s, const char *p, size_t len, int esc)
{
	if (s->nkeys == s->capkeys) {
		s->capkeys = s->capkeys ? s->capkeys * 2 : 64;
		s->keys = dq_xrealloc(s->keys, s->capkeys * sizeof(*s->keys));
	}
	s->keys[s->nkeys].p = p;
	s->keys[s->nkeys].len = len;
	s->keys[s->nkeys].esc = esc;
	s->nkeys++;
}

/* Unescaped text of a key into b (reset first); returns b's bytes. */
static const char *
key_text(const struct keyref *k, struct dq_buf *b, size_t *len)
{
	if (!k->esc) {
		*len = k->len;
		return k->p;
	}
	dq_buf_reset(b);
	/* dq_json_unescape wants the quotes around the text. */
	dq_json_unescape(k->p - 1, k->len + 2, b);
	*len = b->len;
	return b->buf;
}

static int
keys_equal(const struct keyref *a, const struct keyref *b,
	   struct dq_buf *tmp1, struct dq_buf *tmp2)
{
	size_t la, lb;
	const char *pa, *pb;

	if (!a->esc && !b->esc)
		return a->len == b->len && !memcmp(a->p, b->p, a->len);
	pa = key_text(a, tmp1, &la);
	pb = key_text(b, tmp2, &lb);
	return la == lb && !memcmp(pa, pb, la);
}

/* A cheap 8-bit digest of a key's text: length and end bytes. */
static inline unsigned
key_digest(const char *t, size_t len)
{
	if (!len)
		return 0;
	return (unsigned)(len * 31 + (unsigned char)t[0] * 7 +
			  (unsigned char)t[len - 1] * 3 +
			  (len > 2 ? (unsigned char)t[len / 2] : 0)) &
	       255;
}

/* Check the keys on the stack from index base for repeats. */
static int
check_dupes(struct scan *s, size_t base)
{
	struct keyref *k = s->keys + base;
	size_t n = s->nkeys - base, i, j;
	struct dq_buf t1 = DQ_BUF_INIT, t2 = DQ_BUF_INIT;
	int rc = 0;

	if (n < 2)
		return 0;
	if (n <= 64) {
		/* A 256-bit filter on the digests: only keys whose digests
		 * meet are compared, so a typical record compares none. */
		uint64_t seen[4] = { 0, 0, 0, 0 };
		unsigned char dg[64];
		for (i = 0; i < n && !rc; i++) {
			size_t len;
			const char *t = key_text(&k[i], &t1, &len);
			unsigned d = key_digest(t, len);
			dg[i] = (unsigned char)d;
			if (seen[d >> 6] & (1ULL << (d & 63))) {
				for (j = 0; j < i; j++)
					if (dg[j] == d &&
					    keys_equal(&k[i], &k[j], &t1, &t2)) {
						rc = fail(s, k[i].p - 1,
							  "duplicate key");
						break;
					}
			}
			seen[d >> 6] |= 1ULL << (d & 63);
		}
		dq_buf_release(&t1);
		dq_buf_release(&t2);
		return rc;
	}
	/* Open addressing on XXH3 of the unescaped key; slots hold i + 1. */
	size_t cap = 32;
	while (cap < n * 2)
		cap *= 2;
	struct dq_record *r = s->r;
	if (r->keyset_cap < cap) {
		free(r->keyset);
		r->keyset = dq_xmalloc(cap * sizeof(size_t));
		r->keyset_cap = cap;
	}
	size_t *slot = r->keyset;
	memset(slot, 0, cap * sizeof(size_t));
	for (i = 0; i < n && !rc; i++) {
		size_t len;
		const char *t = key_text(&k[i], &t1, &len);
		size_t h = (size_t)XXH3_64bits(t, len) & (cap - 1);
		while (slot[h]) {
			if (keys_equal(&k[i], &k[slot[h] - 1], &t1, &t2)) {
				rc = fail(s, k[i].p - 1, "duplicate key");
				break;
			}
			/* key_text may have reused t1: rehash is not needed, the
			 * probe only moves on. */
			h = (h + 1) & (cap - 1);
		}
		slot[h] = i + 1;
	}
	dq_buf_release(&t1);
	dq_buf_release(&t2);
	return rc;
}

static int scan_value(struct scan *s, int *type);

static int
scan_object_body(struct scan *s, int top)
{
	size_t base = s->nkeys;
	int ws = 0;
	struct dq_record *r = s->r;

	/* s->p is past '{'. */
	ws |= skip_ws_at(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		if (top)
			r->compact = !ws;
		return 0;
	}
	for (;;) {
		int esc, type;
		if (s->p >= s->end)
			return fail(s, s->p, "truncated object");
		if (*s->p != '"')
			return fail(s, s->p, "expected a string key");
		const char *kstart = s->p;
		if (short_string(s))
			esc = 0;
		else if (scan_string(s, &esc))
			return -1;
		push_key(s, kstart + 1, (size_t)(s->p - kstart - 2), esc);
		ws |= skip_ws_at(s);
		if (s->p >= s->end)
			return fail(s, s->p, "truncated object");
		if (*s->p != ':')
			return fail(s, s->p, "expected ':' after key");
		s->p++;
		ws |= skip_ws_at(s);
		const char *vstart = s->p;
		if (s->p < s->end && *s->p == '"' && short_string(s)) {
			type = DQ_JSON_STRING;
			s->last_esc = 0;
		} else if (scan_value(s, &type)) {
			return -1;
		}
		if (top) {
			if (r->n == r->cap) {
				r->cap = r->cap ? r->cap * 2 : 32;
				r->m = dq_xrealloc(r->m, r->cap * sizeof(*r->m));
			}
			struct dq_member *m = &r->m[r->n++];
			m->key = kstart + 1;
			m->keylen = s->keys[s->nkeys - 1].len;
			m->val = vstart;
			m->vallen = (size_t)(s->p - vstart);
			m->type = (uint8_t)type;
			m->flags = (uint8_t)(esc ? DQ_M_KEY_ESC : 0);
			if (type == DQ_JSON_STRING && s->last_esc)
				m->flags |= DQ_M_VAL_ESC;
			if (esc)
				s->any_key_esc = 1;
			else if (m->keylen == 3 && !memcmp(m->key, "_dq", 3))
				r->dq = (long)(r->n - 1);
		}
		ws |= skip_ws_at(s);
		if (s->p >= s->end)
			return fail(s, s->p, "truncated object");
		if (*s->p == ',') {
			s->p++;
			ws |= skip_ws_at(s);
			continue;
		}
		if (*s->p == '}') {
			s->p++;
			break;
		}
		return fail(s, s->p, "expected ',' or '}' in object");
	}
	if (check_dupes(s, base))
		return -1;
	s->nkeys = base;
	if (top)
		r->compact = !ws;
	return 0;
}

static int
scan_array_body(struct scan *s)
{
	int type;

	skip_ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return 0;
	}
	for (;;) {
		if (scan_value(s, &type))
			return -1;
		skip_ws(s);
		if (s->p >= s->end)
			return fail(s, s->p, "truncated array");
		if (*s->p == ',') {
			s->p++;
			skip_ws(s);
			continue;
		}
		if (*s->p == ']') {
			s->p++;
			return 0;
		}
		return fail(s, s->p, "expected ',' or ']' in array");
	}
}

static int
scan_value(struct scan *s, int *type)
{
	int esc, rc;

	if (s->p >= s->end)
		return fail(s, s->p, "truncated: expected a value");
	switch (*s->p) {
	case '"':
		*type = DQ_JSON_STRING;
		rc = scan_string(s, &esc);
		s->last_esc = esc;
		return rc;
	case '{':
	case '[':
		if (s->depth >= DQ_JSON_MAX_DEPTH)
			return fail(s, s->p, "nesting too deep");
		s->depth++;
		if (*s->p++ == '{') {
			*type = DQ_JSON_OBJECT;
			rc = scan_object_body(s, 0);
		} else {
			*type = DQ_JSON_ARRAY;
			rc = scan_array_body(s);
		}
		s->depth--;
		return rc;
	case 't':
		*type = DQ_JSON_TRUE;
		return scan_literal(s, "true", 4);
	case 'f':
		*type = DQ_JSON_FALSE;
		return scan_literal(s, "false", 5);
	case 'n':
		*type = DQ_JSON_NULL;
		return scan_literal(s, "null", 4);
	default:
		*type = DQ_JSON_NUMBER;
		if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))
			return scan_number(s);
		return fail(s, s->p, "expected a value");
	}
}

void
dq_record_init(struct dq_record *r)
{
	memset(r, 0, sizeof(*r));
	r->dq = -1;
	dq_arena_init(&r->arena);
	dq_buf_init(&r->scratch, 0);
}

void
dq_record_release(struct dq_record *r)
{
	free(r->m);
	free(r->keyset);
	free(r->keys);
	dq_arena_release(&r->arena);
	dq_buf_release(&r->scratch);
	memset(r, 0, sizeof(*r));
	r->dq = -1;
}

void
dq_record_adopt(struct dq_record *r, const char *text, size_t n,
		const struct dq_member *m, size_t nm)
{
	r->text = text;
	r->len = n;
	r->modified = 0;
	r->compact = 1;
	r->dq = -1;
	if (r->arena.head)
		dq_arena_reset(&r->arena);
	if (nm > r->cap) {
		r->cap = nm < 32 ? 32 : nm;
		r->m = dq_xrealloc(r->m, r->cap * sizeof(*r->m));
	}
	if (nm)
		memcpy(r->m, m, nm * sizeof(*m));
	r->n = nm;
}

static void
scan_begin(struct scan *s, struct dq_record *r, const char *p, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->start = s->p = p;
	s->end = p + n;
	s->r = r;
	/* The key stack lives in the record across calls, which saves
	 * allocations and keeps records of different threads apart. */
	s->keys = r->keys;
	s->capkeys = r->keys_cap;
}

static void
scan_end(struct scan *s)
{
	s->r->keys = s->keys;
	s->r->keys_cap = s->capkeys;
}

int
dq_json_scan(struct dq_record *r, const char *text, size_t n,
	     struct dq_json_error *err)
{
	struct scan s;
	int rc = -1;

	r->text = text;
	r->len = n;
	r->n = 0;
	r->dq = -1;
	r->modified = 0;
	r->compact = 1;
	if (r->arena.head)
		dq_arena_reset(&r->arena);

	scan_begin(&s, r, text, n);
	skip_ws(&s);
	int lead = s.p != s.start;
	if (s.p >= s.end) {
		fail(&s, s.p, "empty line");
	} else if (*s.p != '{') {
		fail(&s, s.p, "not a JSON object");
	} else {
		s.p++;
		s.depth = 1;
		if (!scan_object_body(&s, 1)) {
			const char *close = s.p;
			skip_ws(&s);
			if (s.p != s.end)
				fail(&s, s.p, "trailing characters after the object");
			else
				rc = 0;
			if (lead || close != s.end)
				r->compact = 0;
		}
	}
	scan_end(&s);
	if (rc) {
		err->offset = (size_t)(s.err_at - text);
		err->reason = s.reason;
		r->n = 0;
		r->dq = -1;
		return -1;
	}
	/* "_dq" written with escapes ("\u005fdq") is still "_dq". */
	if (r->dq < 0 && s.any_key_esc)
		for (size_t i = 0; i < r->n; i++)
			if ((r->m[i].flags & DQ_M_KEY_ESC) &&
			    dq_member_key_is(&r->m[i], "_dq", 3)) {
				r->dq = (long)i;
				break;
			}
	/* "_dq" is dq's own metadata, always an object: a field of that
	 * name (a CSV column "_dq") would be dropped or taken for it, so
	 * the record is rejected whole instead. */
	if (r->dq >= 0 && r->m[r->dq].type != DQ_JSON_OBJECT) {
		err->offset = (size_t)(r->m[r->dq].key - 1 - text);
		err->reason = "member \"_dq\" is not an object (the name is "
			      "dq's metadata: rename the field)";
		r->n = 0;
		r->dq = -1;
		return -1;
	}
	return 0;
}

int
dq_json_validate(const char *text, size_t n, struct dq_json_error *err)
{
	struct scan s;
	struct dq_record dummy;
	int type = -1;

	dq_record_init(&dummy);
	scan_begin(&s, &dummy, text, n);
	skip_ws(&s);
	if (!scan_value(&s, &type)) {
		skip_ws(&s);
		if (s.p != s.end)
			fail(&s, s.p, "trailing characters after the value");
	}
	scan_end(&s);
	dq_record_release(&dummy);
	if (s.reason) {
		err->offset = (size_t)(s.err_at - text);
		err->reason = s.reason;
		return -1;
	}
	return type;
}

void
dq_json_unescape(const char *raw, size_t n, struct dq_buf *out)
{
	const char *p, *end, *run;

	if (n < 2 || raw[0] != '"') {
		dq_buf_add(out, raw, n);
		return;
	}
	p = raw + 1;
	end = raw + n - 1;
	run = p;
	while (p < end) {
		if (*p != '\\') {
			p++;
			continue;
		}
		dq_buf_add(out, run, (size_t)(p - run));
		char c = p[1];
		p += 2;
		switch (c) {
		case 'b': dq_buf_addch(out, '\b'); break;
		case 'f': dq_buf_addch(out, '\f'); break;
		case 'n': dq_buf_addch(out, '\n'); break;
		case 'r': dq_buf_addch(out, '\r'); break;
		case 't': dq_buf_addch(out, '\t'); break;
		case 'u': {
			unsigned u = (unsigned)hex4(p, end);
			p += 4;
			if (u >= 0xD800 && u <= 0xDBFF) {
				unsigned lo = (unsigned)hex4(p + 2, end);
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				p += 6;
			}
			char b[4];
			size_t k;
			if (u < 0x80) {
				b[0] = (char)u;
				k = 1;
			} else if (u < 0x800) {
				b[0] = (char)(0xC0 | u >> 6);
				b[1] = (char)(0x80 | (u & 0x3F));
				k = 2;
			} else if (u < 0x10000) {
				b[0] = (char)(0xE0 | u >> 12);
				b[1] = (char)(0x80 | ((u >> 6) & 0x3F));
				b[2] = (char)(0x80 | (u & 0x3F));
				k = 3;
			} else {
				b[0] = (char)(0xF0 | u >> 18);
				b[1] = (char)(0x80 | ((u >> 12) & 0x3F));
				b[2] = (char)(0x80 | ((u >> 6) & 0x3F));
				b[3] = (char)(0x80 | (u & 0x3F));
				k = 4;
			}
			dq_buf_add(out, b, k);
			break;
		}
		default: /* '"', '\\', '/' */
			dq_buf_addch(out, c);
		}
		run = p;
	}
	dq_buf_add(out, run, (size_t)(end - run));
}

int
dq_member_key_is_escaped(const struct dq_member *m, const char *key,
			 size_t keylen)
{
	struct dq_buf b = DQ_BUF_INIT;
	dq_json_unescape(m->key - 1, m->keylen + 2, &b);
	int eq = b.len == keylen && !memcmp(b.buf, key, keylen);
	dq_buf_release(&b);
	return eq;
}

long
dq_record_find(const struct dq_record *r, const char *key, size_t keylen)
{
	for (size_t i = 0; i < r->n; i++)
		if (!(r->m[i].flags & DQ_M_DROPPED) &&
		    dq_member_key_is(&r->m[i], key, keylen))
			return (long)i;
	return -1;
}

void
dq_record_set(struct dq_record *r, size_t i, const char *val, size_t vallen,
	      enum dq_json_type type)
{
	struct dq_member *m = &r->m[i];
	m->val = dq_arena_dup(&r->arena, val, vallen);
	m->vallen = vallen;
	m->type = (uint8_t)type;
	m->flags = (uint8_t)((m->flags & ~DQ_M_VAL_ESC) | DQ_M_CHANGED);
	if (type == DQ_JSON_STRING && memchr(val, '\\', vallen))
		m->flags |= DQ_M_VAL_ESC;
	r->modified = 1;
}

/* Escape key into the arena; returns the text without quotes. */
static const char *
arena_key(struct dq_record *r, const char *key, size_t keylen, size_t *outlen,
	  int *esc)
{
	struct dq_buf b = DQ_BUF_INIT;
	dq_buf_add_json_string(&b, key, keylen);
	*outlen = b.len - 2;
	*esc = memchr(b.buf, '\\', b.len) != NULL;
	const char *p = dq_arena_dup(&r->arena, b.buf + 1, b.len - 2);
	dq_buf_release(&b);
	return p;
}

void
dq_record_rename(struct dq_record *r, size_t i, const char *key,
		 size_t keylen)
{
	struct dq_member *m = &r->m[i];
	int esc;
	m->key = arena_key(r, key, keylen, &m->keylen, &esc);
	m->flags = (uint8_t)((m->flags & ~DQ_M_KEY_ESC) | DQ_M_RENAMED |
			     (esc ? DQ_M_KEY_ESC : 0));
	r->modified = 1;
}

void
dq_record_drop(struct dq_record *r, size_t i)
{
	r->m[i].flags |= DQ_M_DROPPED;
	r->modified = 1;
}

size_t
dq_record_add(struct dq_record *r, const char *key, size_t keylen,
	      const char *val, size_t vallen, enum dq_json_type type)
{
	int esc;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		r->m = dq_xrealloc(r->m, r->cap * sizeof(*r->m));
	}
	struct dq_member *m = &r->m[r->n];
	memset(m, 0, sizeof(*m));
	m->key = arena_key(r, key, keylen, &m->keylen, &esc);
	m->flags = (uint8_t)(DQ_M_ADDED | (esc ? DQ_M_KEY_ESC : 0));
	r->n++;
	dq_record_set(r, r->n - 1, val, vallen, type);
	return r->n - 1;
}

/*
 * Skip one validated value starting at p; returns the end.  Only used on
 * text the scanner has accepted, so it checks nothing.
 */
static const char *
skip_valid(const char *p, const char *end)
{
	int depth = 0;

	do {
		while (p < end && is_ws((unsigned char)*p))
			p++;
		switch (*p) {
		case '"':
			p++;
			while (*p != '"') {
				if (*p == '\\')
					p++;
				p++;
			}
			p++;
			break;
		case '{': case '[':
			depth++;
			p++;
			continue;
		case '}': case ']':
			depth--;
			p++;
			break;
		case ',': case ':':
			p++;
			continue;
		default:
			while (p < end && !strchr(",}] \t\r\n", *p))
				p++;
		}
	} while (depth > 0);
	return p;
}

/*
 * Walk the members of a validated object text; calls fn for each with the
 * raw key (without quotes) and raw value.
 */
static void
each_member(const char *p, size_t n,
	    void (*fn)(void *, const char *, size_t, const char *, size_t),
	    void *ctx)
{
	const char *end = p + n;
	while (p < end && *p != '{')
		p++;
	p++;
	for (;;) {
		while (p < end && (is_ws((unsigned char)*p) || *p == ','))
			p++;
		if (p >= end || *p == '}')
			return;
		const char *k = p + 1;
		const char *ke = skip_valid(p, end);
		p = ke;
		while (*p != ':')
			p++;
		p++;
		while (is_ws((unsigned char)*p))
			p++;
		const char *v = p;
		p = skip_valid(p, end);
		fn(ctx, k, (size_t)(ke - 1 - k), v, (size_t)(p - v));
	}
}

/* Meta members set by the program, kept on the record for the writer. */
struct meta_ctx {
	struct dq_buf *out;
	const char *meta;
	size_t metalen;
	int first;
};

/* Does raw member text meta contain the raw key k? */
static int
meta_has_key(const char *meta, size_t metalen, const char *k, size_t klen)
{
	const char *p = meta, *end = meta + metalen;
	while (p < end) {
		if (*p != '"')
			return 0;
		const char *ke = skip_valid(p, end);
		if ((size_t)(ke - p - 2) == klen && !memcmp(p + 1, k, klen))
			return 1;
		p = ke + 1; /* ':' */
		p = skip_valid(p, end);
		if (p < end && *p == ',')
			p++;
	}
	return 0;
}

static void
copy_old_meta(void *vctx, const char *k, size_t klen, const char *v,
	      size_t vlen)
{
	struct meta_ctx *c = vctx;
	if (meta_has_key(c->meta, c->metalen, k, klen))
		return;
	if (!c->first)
		dq_buf_addch(c->out, ',');
	c->first = 0;
	dq_buf_addch(c->out, '"');
	dq_buf_add(c->out, k, klen);
	dq_buf_add(c->out, "\":", 2);
	dq_buf_add(c->out, v, vlen);
}

/* The flags of a member whose key or value is no longer the line's. */
#define REWRITTEN (DQ_M_CHANGED | DQ_M_RENAMED | DQ_M_ADDED)

void
dq_record_write(struct dq_record *r, const char *meta, size_t metalen,
		struct dq_buf *out)
{
	size_t i;
	int first = 1;

	if (!r->modified && r->dq < 0 && r->compact) {
		/* The common case: the line as it came, _dq appended. */
		if (!metalen) {
			dq_buf_add(out, r->text, r->len);
			return;
		}
		dq_buf_grow(out, r->len + metalen + 9);
		dq_buf_add(out, r->text, r->len - 1);
		if (r->n)
			dq_buf_addch(out, ',');
		dq_buf_add(out, "\"_dq\":{", 7);
		dq_buf_add(out, meta, metalen);
		dq_buf_add(out, "}}", 2);
		return;
	}
	/* One size check, then plain copies: the members can only add up
	 * to their keys and values plus four bytes each. */
	size_t need = 2;
	for (i = 0; i < r->n; i++)
		need += r->m[i].keylen + r->m[i].vallen + 4;
	dq_buf_grow(out, need + metalen + 16);
	char *q = out->buf + out->len;
	*q++ = '{';
	for (i = 0; i < r->n; i++) {
		struct dq_member *m = &r->m[i];
		if ((m->flags & DQ_M_DROPPED) || (long)i == r->dq)
			continue;
		if (!first)
			*q++ = ',';
		first = 0;
		if (r->compact && !(m->flags & REWRITTEN)) {
			/* In a compact line, members as they came stand
			 * one after the other with a ',' between: a run of
			 * them is one copy of the line, from the first
			 * key's quote to the last value's end. */
			size_t j = i;
			while (j + 1 < r->n && (long)(j + 1) != r->dq &&
			       !(r->m[j + 1].flags & (REWRITTEN | DQ_M_DROPPED)))
				j++;
			const char *from = m->key - 1;
			size_t len = (size_t)(r->m[j].val + r->m[j].vallen -
					      from);
			memcpy(q, from, len);
			q += len;
			i = j;
			continue;
		}
		*q++ = '"';
		memcpy(q, m->key, m->keylen);
		q += m->keylen;
		*q++ = '"';
		*q++ = ':';
		memcpy(q, m->val, m->vallen);
		q += m->vallen;
	}
	out->len = (size_t)(q - out->buf);
	out->buf[out->len] = '\0';
	struct dq_member *old = r->dq >= 0 ? &r->m[r->dq] : NULL;
	if (old && (old->flags & DQ_M_DROPPED))
		old = NULL;
	if (old || metalen) {
		if (!first)
			dq_buf_addch(out, ',');
		dq_buf_add(out, "\"_dq\":{", 7);
		struct meta_ctx c = { out, meta, metalen, 1 };
		if (old && old->type == DQ_JSON_OBJECT)
			each_member(old->val, old->vallen, copy_old_meta, &c);
		if (metalen) {
			if (!c.first)
				dq_buf_addch(out, ',');
			dq_buf_add(out, meta, metalen);
		}
		dq_buf_addch(out, '}');
	}
	dq_buf_addch(out, '}');
}
