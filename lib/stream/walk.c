/*
 * walk.c - a light walk over validated JSON text (see walk.h).
 *
 * A string ends at the first quote not preceded by an odd run of
 * backslashes (RFC 8259 section 7: inside a string a quote is always
 * escaped, and a backslash escapes exactly one character), found in one
 * pass that steps over each backslash with the byte it escapes.  A nested value ends where its bracket depth returns to zero,
 * counting only brackets outside strings.  Scalars end at the first
 * comma, closing bracket or white space.
 *
 * dq_walk_last() reads the same grammar from the end.  Walking back is
 * unambiguous on valid JSON: outside strings there is no backslash, so a
 * string's opening quote is the first quote before its closing one that
 * is preceded by an even run of backslashes (none); a quote inside it is
 * escaped, so preceded by an odd run.  Brackets are counted as forward,
 * strings skipped whole.
 */
#include "stream/walk.h"

#include <string.h>

static inline int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The opening quote of the string whose closing quote is at c (b <= c);
 * NULL if there is none.  *esc set when the string holds a backslash. */
static const char *
string_start(const char *b, const char *c, int *esc)
{
	const char *q = c;

	for (;;) {
		size_t k = 0;
		q = memrchr(b, '"', (size_t)(q - b));
		if (!q)
			return NULL;
		while (q - k > b && q[-1 - (long)k] == '\\')
			k++;
		if (k % 2 == 0)
			break;
		*esc = 1;
	}
	if (!*esc && memchr(q + 1, '\\', (size_t)(c - q - 1)))
		*esc = 1;
	return q;
}

static inline const char *
ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

#ifdef __SSE2__
#include <emmintrin.h>

/* Bit i set when byte i of p[0..16) is a quote or a backslash. */
static inline unsigned
quote_or_backslash16(const char *p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)p);
	__m128i q = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
	__m128i b = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(q, b));
}
#endif

/*
 * One pass to the first quote or backslash, 16 bytes at a time where
 * SSE2 is there: a backslash and the byte it escapes are stepped over
 * together (so a quote after an odd run of backslashes is passed, as the
 * grammar above says), and mark the string as holding an escape.  Keys
 * and values are short: two memchr calls a string (for the quote, then
 * for a backslash) cost dq-merge more than the whole walk does now.
 */
const char *
dq_walk_skip_string(const char *p, const char *e, int *esc)
{
	const char *q = p + 1;

	for (;;) {
#ifdef __SSE2__
		while (e - q >= 16) {
			unsigned m = quote_or_backslash16(q);
			if (m) {
				q += __builtin_ctz(m);
				break;
			}
			q += 16;
		}
#endif
		while (q < e && *q != '"' && *q != '\\')
			q++;
		if (q >= e)
			return e;
		if (*q == '"')
			return q + 1;
		*esc = 1;
		if (e - q <= 2)
			return e;
		q += 2;
	}
}

const char *
dq_walk_skip_value(const char *p, const char *e)
{
	int depth = 0, esc = 0;

	while (p < e) {
		char c = *p;
		if (c == '"') {
			p = dq_walk_skip_string(p, e, &esc);
			if (!depth)
				return p;
			continue;
		}
		if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (--depth <= 0)
				return depth < 0 ? p : p + 1;
		} else if (!depth && (c == ',' || c == ' ' || c == '\t' ||
				      c == '\n' || c == '\r')) {
			return p;
		}
		p++;
	}
	return p;
}

enum dq_json_type
dq_walk_type(char c)
{
	switch (c) {
	case '"': return DQ_JSON_STRING;
	case '{': return DQ_JSON_OBJECT;
	case '[': return DQ_JSON_ARRAY;
	case 't': return DQ_JSON_TRUE;
	case 'f': return DQ_JSON_FALSE;
	case 'n': return DQ_JSON_NULL;
	default: return DQ_JSON_NUMBER;
	}
}

int
dq_walk_begin(struct dq_walk *w, const char *s, size_t n)
{
	const char *e = s + n;
	const char *p = ws(s, e);

	w->p = w->e = e;
	if (p >= e || (*p != '{' && *p != '['))
		return -1;
	/* The closing bracket: the last byte that is not white space. */
	while (e > p + 1 && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
			     e[-1] == '\r'))
		e--;
	w->p = p + 1;
	w->e = e - 1;
	return *p == '{' ? DQ_JSON_OBJECT : DQ_JSON_ARRAY;
}

/* The value at w->p into m, and w->p past it and its comma. */
static int
value(struct dq_walk *w, struct dq_member *m)
{
	const char *v = ws(w->p, w->e), *ve;
	int esc = 0;

	if (v >= w->e)
		return 0;
	if (*v == '"') {
		ve = dq_walk_skip_string(v, w->e, &esc);
		if (esc)
			m->flags |= DQ_M_VAL_ESC;
	} else {
		ve = dq_walk_skip_value(v, w->e);
	}
	m->val = v;
	m->vallen = (size_t)(ve - v);
	m->type = (uint8_t)dq_walk_type(*v);
	w->p = ws(ve, w->e);
	if (w->p < w->e && *w->p == ',')
		w->p++;
	return 1;
}

int
dq_walk_member(struct dq_walk *w, struct dq_member *m)
{
	const char *p = ws(w->p, w->e), *k;
	int esc = 0;

	if (p >= w->e || *p != '"')
		return 0;
	k = p + 1;
	p = dq_walk_skip_string(p, w->e, &esc);
	m->key = k;
	m->keylen = (size_t)(p - 1 - k);
	m->flags = esc ? DQ_M_KEY_ESC : 0;
	p = ws(p, w->e);
	if (p < w->e && *p == ':')
		p++;
	w->p = p;
	return value(w, m);
}

int
dq_walk_element(struct dq_walk *w, struct dq_member *m)
{
	m->key = NULL;
	m->keylen = 0;
	m->flags = 0;
	return value(w, m);
}

int
dq_walk_find(const char *s, size_t n, const char *key, size_t keylen,
	     struct dq_member *m)
{
	struct dq_walk w;

	if (dq_walk_begin(&w, s, n) != DQ_JSON_OBJECT)
		return 0;
	while (dq_walk_member(&w, m))
		if (dq_member_key_is(m, key, keylen))
			return 1;
	return 0;
}

unsigned
dq_walk_find_keys(const char *s, size_t n, const char *const *keys,
		  size_t nkeys, struct dq_member *m)
{
	struct dq_walk w;
	struct dq_member c;
	unsigned want = 0, got = 0;
	size_t len[32];

	for (size_t i = 0; i < nkeys && i < 32; i++)
		if (keys[i]) {
			want |= 1u << i;
			len[i] = strlen(keys[i]);
		}
	if (dq_walk_begin(&w, s, n) != DQ_JSON_OBJECT)
		return 0;
	while (got != want && dq_walk_member(&w, &c))
		for (size_t i = 0; i < nkeys && i < 32; i++)
			if ((want & ~got & (1u << i)) &&
			    dq_member_key_is(&c, keys[i], len[i])) {
				m[i] = c;
				got |= 1u << i;
				break;
			}
	return got;
}

int
dq_walk_last(const char *s, size_t n, struct dq_member *m)
{
	const char *b = s, *e = s + n, *p, *v;
	int depth = 0, kesc = 0, vesc = 0;

	while (b < e && is_ws(*b))
		b++;
	while (e > b && is_ws(e[-1]))
		e--;
	if (e - b < 2 || *b != '{' || e[-1] != '}')
		return 0;
	p = e - 1; /* the closing brace */
	while (p > b && is_ws(p[-1]))
		p--;
	if (p == b + 1)
		return 0; /* {} */
	/* The value: [v, ve). */
	const char *ve = p;
	if (ve[-1] == '"') {
		v = string_start(b, ve - 1, &vesc);
	} else if (ve[-1] == '}' || ve[-1] == ']') {
		for (v = ve; v > b;) {
			char c = *--v;
			if (c == '"') {
				int dummy = 0;
				if (!(v = string_start(b, v, &dummy)))
					return 0;
			} else if (c == '}' || c == ']') {
				depth++;
			} else if ((c == '{' || c == '[') && --depth == 0) {
				break;
			}
		}
	} else {
		for (v = ve; v > b && v[-1] != ':' && !is_ws(v[-1]); v--)
			;
	}
	if (!v || v <= b)
		return 0;
	/* White space, the colon, white space, the key's closing quote. */
	for (p = v; p > b && is_ws(p[-1]); p--)
		;
	if (p <= b || p[-1] != ':')
		return 0;
	for (p--; p > b && is_ws(p[-1]); p--)
		;
	if (p <= b || p[-1] != '"')
		return 0;
	const char *kq = string_start(b, p - 1, &kesc);
	if (!kq || kq <= b)
		return 0;
	m->key = kq + 1;
	m->keylen = (size_t)(p - 1 - (kq + 1));
	m->val = v;
	m->vallen = (size_t)(ve - v);
	m->type = (uint8_t)dq_walk_type(*v);
	m->flags = (kesc ? DQ_M_KEY_ESC : 0) |
		   (vesc && *v == '"' ? DQ_M_VAL_ESC : 0);
	return 1;
}
