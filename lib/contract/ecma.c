/*
 * ecma.c - ECMA-262 patterns (JSON Schema's "pattern") as POSIX EREs.
 *
 * Reference: ECMA-262 14th edition, 22.2 RegExp (Pattern grammar, with
 * Annex B's literal '{' and ']'), and POSIX.1-2017 XBD 9.4 (EREs) and
 * 9.3.5 (bracket expressions: ']' first, '-' last, '\' literal).  The
 * translation is a single left-to-right pass over the pattern; a
 * character class is collected into a set of ASCII bytes plus a list of
 * non-ASCII characters and written back out in POSIX order.  See ecma.h
 * for the table of what is exact, approximate and refused.
 */
#include "contract/ecma.h"

#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

/* ECMA-262's WhiteSpace and LineTerminator beyond ASCII, as UTF-8. */
static const char *const uni_space[] = {
	"\xc2\xa0", "\xe1\x9a\x80", "\xe2\x80\x80", "\xe2\x80\x81",
	"\xe2\x80\x82", "\xe2\x80\x83", "\xe2\x80\x84", "\xe2\x80\x85",
	"\xe2\x80\x86", "\xe2\x80\x87", "\xe2\x80\x88", "\xe2\x80\x89",
	"\xe2\x80\x8a", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\xaf",
	"\xe2\x81\x9f", "\xe3\x80\x80", "\xef\xbb\xbf", NULL
};

static const char ere_special[] = ".[]()*+?{}|^$\\";

struct cls {
	uint8_t ascii[128];  /* members below 0x80 */
	char **multi;        /* non-ASCII members, UTF-8 (owned) */
	size_t nmulti;
	int negated, space;
};

static void
cls_add_multi(struct cls *c, const char *s, size_t n)
{
	c->multi = dq_xrealloc(c->multi, (c->nmulti + 1) * sizeof(char *));
	c->multi[c->nmulti++] = dq_xstrndup(s, n);
}

static void
cls_release(struct cls *c)
{
	for (size_t i = 0; i < c->nmulti; i++)
		free(c->multi[i]);
	free(c->multi);
}

static int
hexval(int ch)
{
	return ch >= '0' && ch <= '9'	? ch - '0'
	       : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
	       : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
					: -1;
}

/* Encode cp at o (room for 4 bytes); its length. */
static size_t
utf8_put(char *o, unsigned long cp)
{
	return dq_utf8_encode((uint32_t)cp, (unsigned char *)o);
}

/* The code point at *p (UTF-8), advancing *p; -1 when malformed. */
static long
utf8_get(const char **p)
{
	uint32_t cp;
	size_t n = dq_utf8_next((const unsigned char *)*p, strlen(*p), &cp);
	if (!n)
		return -1;
	*p += n;
	return (long)cp;
}

/*
 * An escape's character (after the backslash at *p, which is advanced):
 * the code point, or -2 for a class escape (*cls_esc set to d w s D W S),
 * or -1 when refused (*why set).  in_class: \b is a backspace there.
 */
static long
escape(const char **p, int in_class, int *cls_esc, const char **why)
{
	const char *s = *p;
	int c = (unsigned char)*s;
	long cp;

	*cls_esc = 0;
	switch (c) {
	case 'd': case 'w': case 's': case 'D': case 'W': case 'S':
		*cls_esc = c;
		*p = s + 1;
		return -2;
	case 't': *p = s + 1; return '\t';
	case 'n': *p = s + 1; return '\n';
	case 'r': *p = s + 1; return '\r';
	case 'f': *p = s + 1; return '\f';
	case 'v': *p = s + 1; return '\v';
	case 'b':
		if (in_class) {
			*p = s + 1;
			return '\b';
		}
		*why = "a word boundary (\\b) has no POSIX ERE form";
		return -1;
	case 'B':
		*why = "a word boundary (\\B) has no POSIX ERE form";
		return -1;
	case 'x':
		if (hexval(s[1]) < 0 || hexval(s[2]) < 0)
			break; /* Annex B: an identity escape */
		*p = s + 3;
		return hexval(s[1]) * 16 + hexval(s[2]);
	case 'u': {
		long v = 0;
		for (int i = 1; i <= 4; i++) {
			if (hexval(s[i]) < 0) {
				*why = "a \\u escape without four hex digits";
				return -1;
			}
			v = v * 16 + hexval(s[i]);
		}
		s += 5;
		if (v >= 0xd800 && v < 0xdc00 && s[0] == '\\' &&
		    s[1] == 'u') {
			long lo = 0;
			for (int i = 2; i <= 5 && lo >= 0; i++)
				lo = hexval(s[i]) < 0 ? -1
						      : lo * 16 + hexval(s[i]);
			if (lo >= 0xdc00 && lo < 0xe000) {
				v = 0x10000 + ((v - 0xd800) << 10) +
				    (lo - 0xdc00);
				s += 6;
			}
		}
		if (v >= 0xd800 && v < 0xe000) {
			*why = "a lone surrogate (\\uD800-\\uDFFF)";
			return -1;
		}
		if (!v) {
			*why = "a NUL character (\\u0000)";
			return -1;
		}
		*p = s;
		return v;
	}
	case '0':
		*why = "a NUL character (\\0)";
		return -1;
	case 'c':
		*why = "a control escape (\\cX)";
		return -1;
	case 'p': case 'P':
		*why = "a Unicode property escape (\\p{...})";
		return -1;
	case 'k':
		*why = "a named back-reference (\\k<name>)";
		return -1;
	case '\0':
		*why = "a backslash at the end";
		return -1;
	default:
		if (c >= '1' && c <= '9') {
			*why = "a back-reference (\\1 to \\9)";
			return -1;
		}
		break;
	}
	/* An identity escape: the character itself. */
	cp = utf8_get(&s);
	if (cp < 0) {
		*why = "invalid UTF-8";
		return -1;
	}
	*p = s;
	return cp;
}

static void
cls_escape(struct cls *c, int e)
{
	switch (e) {
	case 'd':
		memset(&c->ascii['0'], 1, 10);
		break;
	case 'w':
		memset(&c->ascii['0'], 1, 10);
		memset(&c->ascii['A'], 1, 26);
		memset(&c->ascii['a'], 1, 26);
		c->ascii['_'] = 1;
		break;
	case 's':
		c->ascii[' '] = c->ascii['\t'] = c->ascii['\n'] = 1;
		c->ascii['\v'] = c->ascii['\f'] = c->ascii['\r'] = 1;
		c->space = 1;
		break;
	}
}

/* Write the ASCII members as a bracket expression in POSIX order. */
static void
put_bracket(struct dq_buf *o, const uint8_t *a, int negated)
{
	dq_buf_addch(o, '[');
	if (negated)
		dq_buf_addch(o, '^');
	if (a[']'])
		dq_buf_addch(o, ']');
	for (int i = 1; i < 128; i++) {
		if (!a[i] || i == ']' || i == '-' || i == '^' || i == '[')
			continue;
		int j = i;
		while (j + 1 < 128 && a[j + 1] && j + 1 != ']' &&
		       j + 1 != '-' && j + 1 != '^' && j + 1 != '[')
			j++;
		dq_buf_addch(o, i);
		if (j > i + 1)
			dq_buf_addch(o, '-');
		if (j > i)
			dq_buf_addch(o, j);
		i = j;
	}
	if (a['['])
		dq_buf_addch(o, '[');
	if (a['^'])
		dq_buf_addch(o, '^');
	if (a['-'])
		dq_buf_addch(o, '-');
	dq_buf_addch(o, ']');
}

/* A character class starting after its '[' at *p. */
static int
bracket(const char **p, struct dq_buf *o, int *approx, const char **why)
{
	const char *s = *p;
	struct cls c;
	int rc = -1, nascii = 0;

	memset(&c, 0, sizeof(c));
	if (*s == '^') {
		c.negated = 1;
		s++;
	}
	if (*s == ']') {
		*why = c.negated ? "[^] (any character)"
				 : "[] (no character)";
		return -1;
	}
	while (*s && *s != ']') {
		long lo, hi;
		int e;
		if (*s == '\\') {
			s++;
			lo = escape(&s, 1, &e, why);
			if (lo == -1)
				goto out;
			if (lo == -2) {
				if (e == 'D' || e == 'W' || e == 'S') {
					*why = "a negated class escape (\\D, "
					       "\\W, \\S) inside [...]";
					goto out;
				}
				cls_escape(&c, e);
				continue;
			}
		} else if ((lo = utf8_get(&s)) < 0) {
			*why = "invalid UTF-8";
			goto out;
		}
		hi = lo;
		if (s[0] == '-' && s[1] && s[1] != ']') {
			const char *q = s + 1;
			if (*q == '\\') {
				q++;
				hi = escape(&q, 1, &e, why);
				if (hi == -1)
					goto out;
				if (hi == -2) {
					*why = "a class escape as a range's end";
					goto out;
				}
			} else if ((hi = utf8_get(&q)) < 0) {
				*why = "invalid UTF-8";
				goto out;
			}
			if (hi < lo) {
				*why = "a range out of order";
				goto out;
			}
			s = q;
		}
		if (hi >= 0x80 && hi != lo) {
			*why = "a range of non-ASCII characters";
			goto out;
		}
		if (lo >= 0x80) {
			char u[4];
			size_t un = utf8_put(u, (unsigned long)lo);
			cls_add_multi(&c, u, un);
		} else {
			for (long k = lo; k <= hi; k++)
				c.ascii[k] = 1;
		}
	}
	if (*s != ']') {
		*why = "a '[' without its ']'";
		goto out;
	}
	*p = s + 1;
	for (int i = 0; i < 128; i++)
		nascii += c.ascii[i];
	if (c.ascii[0]) {
		*why = "a NUL character in a class";
		goto out;
	}
	if (c.negated) {
		if (c.nmulti || c.space) {
			*why = "a negated class with non-ASCII members";
			goto out;
		}
		put_bracket(o, c.ascii, 1);
		*approx = 1;
		rc = 0;
		goto out;
	}
	if (!c.nmulti && !c.space) {
		put_bracket(o, c.ascii, 0);
		rc = 0;
		goto out;
	}
	dq_buf_addch(o, '(');
	int alts = 0;
	if (nascii) {
		put_bracket(o, c.ascii, 0);
		alts++;
	}
	for (size_t i = 0; i < c.nmulti; i++, alts++)
		dq_buf_addf(o, "%s%s", alts ? "|" : "", c.multi[i]);
	for (int i = 0; c.space && uni_space[i]; i++, alts++)
		dq_buf_addf(o, "%s%s", alts ? "|" : "", uni_space[i]);
	dq_buf_addch(o, ')');
	rc = 0;
out:
	cls_release(&c);
	return rc;
}

/* Is there a quantifier {n}, {n,} or {n,m} at s?  Its length, or 0. */
static size_t
quantifier(const char *s)
{
	size_t i = 1;
	if (s[0] != '{' || s[1] < '0' || s[1] > '9')
		return 0;
	while (s[i] >= '0' && s[i] <= '9')
		i++;
	if (s[i] == ',') {
		i++;
		while (s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return s[i] == '}' ? i + 1 : 0;
}

static int
translate(const char *p, struct dq_buf *o, const char **why, int xsd)
{
	int approx = 0;
	size_t q;

	*why = NULL;
	while (*p) {
		int c = (unsigned char)*p, e;
		long cp;
		if (xsd && (c == '^' || c == '$')) {
			/* XML Schema: anchored, so these are characters. */
			dq_buf_addch(o, '\\');
			dq_buf_addch(o, c);
			p++;
			continue;
		}
		if (xsd && c == '\\' && (p[1] == 'i' || p[1] == 'c' ||
					  p[1] == 'I' || p[1] == 'C')) {
			*why = "an XML name class (\\i, \\c)";
			return -1;
		}
		switch (c) {
		case '(':
			if (p[1] == '?') {
				if (p[2] == ':') {
					p += 3;
				} else if (p[2] == '<' && p[3] != '=' &&
					   p[3] != '!') {
					const char *gt = strchr(p, '>');
					if (!gt) {
						*why = "a group name without "
						       "its '>'";
						return -1;
					}
					p = gt + 1;
				} else {
					*why = "a lookahead or lookbehind "
					       "((?=, (?!, (?<=, (?<!)";
					return -1;
				}
			} else {
				p++;
			}
			dq_buf_addch(o, '(');
			continue;
		case ')': case '|': case '^': case '$':
			dq_buf_addch(o, c);
			p++;
			continue;
		case '*': case '+': case '?':
			dq_buf_addch(o, c);
			p++;
			if (*p == '?')
				p++; /* lazy: the same matches exist */
			continue;
		case '{':
			if ((q = quantifier(p))) {
				dq_buf_add(o, p, q);
				p += q;
				if (*p == '?')
					p++;
			} else {
				dq_buf_addstr(o, "\\{");
				p++;
			}
			continue;
		case '.':
			dq_buf_addstr(o, "[^\n\r]");
			approx = 1;
			p++;
			continue;
		case '[':
			p++;
			if (bracket(&p, o, &approx, why))
				return -1;
			continue;
		case '\\':
			p++;
			cp = escape(&p, 0, &e, why);
			if (cp == -1)
				return -1;
			if (cp == -2) {
				struct cls k;
				memset(&k, 0, sizeof(k));
				cls_escape(&k, e | 0x20);
				if (e == 's') {
					dq_buf_addch(o, '(');
					put_bracket(o, k.ascii, 0);
					for (int i = 0; uni_space[i]; i++)
						dq_buf_addf(o, "|%s",
							    uni_space[i]);
					dq_buf_addch(o, ')');
				} else {
					put_bracket(o, k.ascii, e < 'a');
					approx |= e < 'a';
				}
				continue;
			}
			break;
		default:
			cp = utf8_get(&p);
			if (cp < 0) {
				*why = "invalid UTF-8";
				return -1;
			}
			break;
		}
		/* One literal character. */
		if (!cp) {
			*why = "a NUL character";
			return -1;
		}
		if (cp < 0x80) {
			if (strchr(ere_special, (int)cp))
				dq_buf_addch(o, '\\');
			dq_buf_addch(o, (int)cp);
		} else {
			/* In parentheses when a repetition follows, so
			 * that it takes the whole character. */
			char u[4];
			size_t un = utf8_put(u, (unsigned long)cp);
			int rep = *p && strchr("*+?{", *p);
			if (rep)
				dq_buf_addch(o, '(');
			dq_buf_add(o, u, un);
			if (rep)
				dq_buf_addch(o, ')');
		}
	}
	if (approx)
		*why = "'.', [^...], \\D, \\W and \\S match one byte: exact "
		       "on ASCII text, but a non-ASCII character counts as "
		       "its 2 to 4 bytes, and '.' also matches U+2028 and "
		       "U+2029";
	return approx;
}

/* A translation regcomp(3) refuses ("(a", "*a": wrong in ECMA-262 as
 * well) is refused here, not left for the contract's load to fail. */
static int
compiles(int rc, const struct dq_buf *out, const char **why)
{
	regex_t re;
	if (rc < 0)
		return rc;
	if (regcomp(&re, out->buf, REG_EXTENDED | REG_NOSUB)) {
		*why = "not a valid regular expression";
		return -1;
	}
	regfree(&re);
	return rc;
}

int
dq_ecma_to_ere(const char *p, struct dq_buf *out, const char **why)
{
	return compiles(translate(p, out, why, 0), out, why);
}

int
dq_xsd_to_ere(const char *p, struct dq_buf *out, const char **why)
{
	if (strstr(p, "-[")) {
		*why = "a class subtraction ([a-z-[aeiou]])";
		return -1;
	}
	dq_buf_addstr(out, "^(");
	int rc = translate(p, out, why, 1);
	dq_buf_addstr(out, ")$");
	return compiles(rc, out, why);
}
