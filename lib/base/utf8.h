/*
 * utf8.h - UTF-8: validation and decoding, one copy for the toolkit.
 *
 * The rules are Unicode's (Table 3-7, "Well-Formed UTF-8 Byte
 * Sequences"): no overlong forms, no surrogates (U+D800..U+DFFF), nothing
 * above U+10FFFF, no stray continuation bytes.  dq_utf8_check() decides;
 * the inline helpers below read text that has already passed it, so they
 * do no checking of their own and are as cheap as a table lookup.
 */
#ifndef DQ_UTF8_H
#define DQ_UTF8_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Is b a continuation byte (10xxxxxx)? */
#define DQ_UTF8_IS_CONT(b) (((b)&0xC0) == 0x80)

/* -1 if p[0..n) is not valid UTF-8, 0 if it is pure ASCII, 1 otherwise. */
int dq_utf8_check(const unsigned char *p, size_t n);

/* 1 if s[0..n) is valid UTF-8 (RFC 3629: shortest form only, no surrogates
 * U+D800..DFFF, nothing above U+10FFFF), else 0.  Empty is valid. */
int dq_utf8_valid(const char *s, size_t n);

/* Length of the leading run of ASCII bytes, eight bytes per step. */
static inline size_t
dq_utf8_ascii_prefix(const unsigned char *p, size_t n)
{
	size_t i = 0;
	uint64_t w;

	while (n - i >= 8) {
		memcpy(&w, p + i, 8);
		if (w & 0x8080808080808080ULL)
			break;
		i += 8;
	}
	while (i < n && p[i] < 0x80)
		i++;
	return i;
}

/* Length of the character whose (valid) lead byte is c. */
static inline size_t
dq_utf8_len(unsigned c)
{
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* The code point at p, in text that passed dq_utf8_check(); its length
 * in bytes goes to *len. */
static inline uint32_t
dq_utf8_decode(const unsigned char *p, size_t *len)
{
	uint32_t c = p[0];

	if (c < 0x80) {
		*len = 1;
		return c;
	}
	if (c < 0xE0) {
		*len = 2;
		return (c & 0x1F) << 6 | (p[1] & 0x3F);
	}
	if (c < 0xF0) {
		*len = 3;
		return (c & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 |
		       (p[2] & 0x3F);
	}
	*len = 4;
	return (c & 0x07) << 18 | (uint32_t)(p[1] & 0x3F) << 12 |
	       (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
}

/* The number of code points in s[0..n): its bytes that are not
 * continuation bytes (on text that is not valid UTF-8, an estimate). */
static inline size_t
dq_utf8_count(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += !DQ_UTF8_IS_CONT((unsigned char)s[i]);
	return k;
}

/* Encode code point c (at most U+10FFFF) at q; returns its length, 1 to
 * 4 bytes. */
static inline size_t
dq_utf8_encode(uint32_t c, unsigned char *q)
{
	if (c < 0x80) {
		q[0] = (unsigned char)c;
		return 1;
	}
	if (c < 0x800) {
		q[0] = (unsigned char)(0xC0 | c >> 6);
		q[1] = (unsigned char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		q[0] = (unsigned char)(0xE0 | c >> 12);
		q[1] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
		q[2] = (unsigned char)(0x80 | (c & 0x3F));
		return 3;
	}
	q[0] = (unsigned char)(0xF0 | c >> 18);
	q[1] = (unsigned char)(0x80 | (c >> 12 & 0x3F));
	q[2] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
	q[3] = (unsigned char)(0x80 | (c & 0x3F));
	return 4;
}

/*
 * Decode the code point at s (n > 0 bytes available, text not checked
 * before): its length, 1 to 4, with *cp set, or 0 if s does not start
 * with a well-formed character (Table 3-7: no overlong form, surrogate or
 * code point above U+10FFFF, nor a truncated one).
 */
size_t dq_utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

/* Is the ASCII byte c White_Space (tab, LF, VT, FF, CR, space)? */
static inline int
dq_utf8_ascii_space(unsigned c)
{
	return c == ' ' || (c >= 0x09 && c <= 0x0D);
}

/*
 * Length of the White_Space character at p (valid UTF-8), or 0.  White
 * space is Unicode's White_Space property (UAX #44, PropList.txt): the
 * ASCII six, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029,
 * U+202F, U+205F and U+3000.  Safe on a continuation byte (returns 0).
 */
static inline size_t
dq_utf8_space_at(const unsigned char *p)
{
	unsigned c = p[0];

	if (c < 0x80)
		return dq_utf8_ascii_space(c);
	switch (c) {
	case 0xC2:
		return p[1] == 0x85 || p[1] == 0xA0 ? 2 : 0;
	case 0xE1:
		return p[1] == 0x9A && p[2] == 0x80 ? 3 : 0;
	case 0xE2:
		if (p[1] == 0x80)
			return p[2] <= 0x8A || p[2] == 0xA8 || p[2] == 0xA9 ||
					       p[2] == 0xAF
				       ? 3
				       : 0;
		return p[1] == 0x81 && p[2] == 0x9F ? 3 : 0;
	case 0xE3:
		return p[1] == 0x80 && p[2] == 0x80 ? 3 : 0;
	}
	return 0;
}

/* Is code point c White_Space (the same set as dq_utf8_space_at)? */
static inline int
dq_utf8_is_space(uint32_t c)
{
	return dq_utf8_ascii_space(c) || c == 0x85 || c == 0xA0 ||
	       c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
	       c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

#endif
