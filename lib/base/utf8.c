/*
 * utf8.c - UTF-8 validation (see utf8.h).  The checker skips ASCII eight
 * bytes at a time and then walks Unicode's Table 3-7 byte ranges.
 */
#include "base/utf8.h"

int
dq_utf8_check(const unsigned char *p, size_t n)
{
	size_t i = dq_utf8_ascii_prefix(p, n);

	if (i == n)
		return 0;
	while (i < n) {
		unsigned c = p[i], c1;

		if (c < 0x80) {
			i += dq_utf8_ascii_prefix(p + i, n - i);
			continue;
		}
		if (c < 0xC2)
			return -1; /* stray continuation byte, or C0/C1 */
		if (c < 0xE0) {
			if (n - i < 2 || !DQ_UTF8_IS_CONT(p[i + 1]))
				return -1;
			i += 2;
			continue;
		}
		if (c < 0xF0) {
			if (n - i < 3)
				return -1;
			c1 = p[i + 1];
			if (!DQ_UTF8_IS_CONT(c1) || !DQ_UTF8_IS_CONT(p[i + 2]))
				return -1;
			/* Overlong, or a surrogate. */
			if ((c == 0xE0 && c1 < 0xA0) ||
			    (c == 0xED && c1 >= 0xA0))
				return -1;
			i += 3;
			continue;
		}
		if (c > 0xF4 || n - i < 4)
			return -1;
		c1 = p[i + 1];
		if (!DQ_UTF8_IS_CONT(c1) || !DQ_UTF8_IS_CONT(p[i + 2]) || !DQ_UTF8_IS_CONT(p[i + 3]))
			return -1;
		if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90))
			return -1; /* overlong, above U+10FFFF */
		i += 4;
	}
	return 1;
}

int
dq_utf8_valid(const char *s, size_t n)
{
	return dq_utf8_check((const unsigned char *)s, n) >= 0;
}

size_t
dq_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;

	if (!n)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xc2 || c > 0xf4)
		return 0;
	if (c < 0xe0) {
		if (n < 2 || !DQ_UTF8_IS_CONT(s[1]))
			return 0;
		*cp = (c & 0x1f) << 6 | (s[1] & 0x3f);
		return 2;
	}
	if (c < 0xf0) {
		if (n < 3 || !DQ_UTF8_IS_CONT(s[1]) || !DQ_UTF8_IS_CONT(s[2]))
			return 0;
		c = (c & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 |
		    (s[2] & 0x3f);
		if (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		*cp = c;
		return 3;
	}
	if (n < 4 || !DQ_UTF8_IS_CONT(s[1]) || !DQ_UTF8_IS_CONT(s[2]) ||
	    !DQ_UTF8_IS_CONT(s[3]))
		return 0;
	c = (c & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
	    (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
	if (c < 0x10000 || c > 0x10ffff)
		return 0;
	*cp = c;
	return 4;
}
