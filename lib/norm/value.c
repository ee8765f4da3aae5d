/*
 * value.c - normalizers for single field values: e-mail addresses,
 * booleans, human-written numbers, US states and US ZIP codes.
 *
 * Every normalizer is one left-to-right scan over the input bytes with no
 * allocation beyond growing the caller's output buffer once (the output is
 * never longer than the input plus a few bytes, so the scan reserves room
 * first and writes directly).  They run on every record of multi-gigabyte
 * files, so the common case (already clean ASCII) takes no detours.
 *
 * White space.  "Trim" removes, at both ends, ASCII white space and the
 * Unicode spaces that spreadsheets and web forms leave behind: U+00A0,
 * U+2000..U+200B, U+2028, U+2029, U+202F, U+205F, U+3000 and U+FEFF.
 *
 * E-mail addresses.  The accepted syntax is the addr-spec of RFC 5322
 * section 3.4.1 as restricted by RFC 5321 section 4.1.2 (what SMTP can
 * actually deliver) and extended by RFC 6531/6532 (UTF-8 in both parts):
 *   - local part: a dot-atom (atext characters of RFC 5322 section 3.2.3
 *     or non-ASCII UTF-8, separated by single dots, none leading or
 *     trailing), or a quoted string (printable ASCII, space, non-ASCII
 *     UTF-8 and backslash quoted-pairs; not empty);
 *   - at most 64 octets of local part (RFC 5321 section 4.5.3.1.1) and 254
 *     octets in all (RFC 5321's 256-octet path minus the angle brackets,
 *     RFC 3696 erratum 1690);
 *   - domain: at least two labels of 1-63 octets (RFC 1035 section 2.3.4),
 *     each of ASCII letters, digits and hyphens or non-ASCII UTF-8 (an IDN
 *     U-label; it is not converted to Punycode), no hyphen at either end
 *     of a label, and a top-level label that is not all digits (RFC 3696
 *     section 2).  Domain literals ("[192.0.2.1]") are rejected: they are
 *     legal but in data they are almost always junk.
 *   - no control characters (nor C1 controls) and no spaces (nor Unicode
 *     spaces, invisible format characters or ideographic full stops)
 *     anywhere except inside a quoted local part, which may hold spaces;
 *   - input must be valid UTF-8.
 * Before those checks the text is trimmed and unwrapped: a display name
 * form "Ann Lee <ann@x.org>" or "\"Lee, Ann\" <ann@x.org>" keeps what is
 * between the first '<' outside quotes and the final '>' (the display name
 * is not otherwise checked), and a "mailto:" prefix (RFC 6068, any case) is
 * removed together with a "?query" tail.  Percent-escapes in a mailto URI
 * are not decoded.  Comments ("ann@x.org (Ann)") are not supported.
 * Output: ASCII letters are lower-cased in both parts -- also in the local
 * part, which RFC 5321 says is case-sensitive, because no mainstream
 * provider treats it so; non-ASCII letters are left as they are (Unicode
 * case mapping belongs to a normalization-form stage before this one).  A
 * quoted local part whose content is a valid dot-atom loses its quotes and
 * backslashes (RFC 5321 section 4.1.2 says such quoting SHOULD NOT be
 * used); one that needs its quotes is written as it came, lower-cased, and
 * the flags do not apply to it.
 *
 * Booleans.  A fixed list of spellings, ASCII case-insensitive, trimmed.
 *
 * Numbers.  A number is: a prefix of white space, one sign ('+', '-' or
 * U+2212), one opening parenthesis and one currency, in any order; the
 * digits; a suffix of white space, one closing parenthesis, one '%', one
 * currency and one trailing minus ("1234-", as SAP and mainframe reports
 * write negatives), in any order.  At most one of sign, parentheses and
 * trailing minus may appear; parentheses must pair; a currency and a
 * percent sign together are rejected.  The currencies are the symbols
 * $ € £ ¥ ￥ ₹ ₩ ₽ ₺ ₪ ₫ ฿ ₱ ₴ ₦ ¢, the prefixed dollars (US$, C$, A$, ...)
 * and about fifty ISO 4217 codes (USD, EUR, GBP, ...), any case; a code
 * may not touch a letter.
 * The digits: an integer part, then optionally the decimal mark and
 * fraction digits, then optionally an exponent ("e", sign, digits).  The
 * integer part may be grouped, following the CLDR number patterns
 * (Unicode TR35 part 3, "Number Format Patterns", and the grouping data of
 * CLDR's locales): with decimal mark '.' the group separator is ',' ' '
 * U+00A0 U+2009 U+202F '\'' or U+2019; with decimal mark ',' it is '.' or
 * the same spaces and apostrophes.  All space-like separators count as one
 * kind, both apostrophes as another; one number uses one kind.  Grouping
 * is either Western (first group 1-3 digits, every later group exactly 3:
 * "1,234,567") or, with ',' only, Indian (first group 1-2 digits, middle
 * groups exactly 2, last group 3: "1,23,45,678", the #,##,##0 pattern of
 * CLDR's hi and en_IN).  A grouped number may not start with '0'
 * ("0,001" is a decimal written in the other convention, so rejected).
 * Anything else ("1,2,3", "1,23,4", "1.2.3", "--1", "$", "") is not a
 * number.  The output is the JSON number (RFC 8259 section 6) made from the
 * digit string alone, so any length is exact: leading zeros and '+'
 * dropped, the fraction kept digit for digit (a bare "5." becomes 5), the
 * exponent kept with 'e', no '+' and no leading zeros, and a zero written
 * without a sign.  Scaling a percentage moves the decimal point two places
 * left in the digit string ("100%" -> 1.00, keeping the input's precision;
 * with an exponent the mantissa moves: "1.5e3%" -> 0.015e3).
 *
 * US states.  The key is the input with ASCII letters lower-cased and
 * spaces, dots, commas, hyphens, underscores and apostrophes (also the
 * Hawaiian okina U+02BB and U+2018/U+2019) removed, so "N. Carolina",
 * "n carolina" and "N.Carolina" meet at "ncarolina"; any other character
 * rejects.  The key is looked up by binary search in a sorted table of the
 * two-letter codes of USPS Publication 28, Appendix B (50 states, DC, the
 * territories AS GU MP PR VI, the freely associated states FM MH PW and
 * the military AA AE AP), their names, and the abbreviations of the GPO
 * Style Manual and AP Stylebook ("Calif.", "Mass.", "W. Va.").
 *
 * ZIP codes.  USPS Publication 28, section 23: a ZIP Code is 5 digits, a
 * ZIP+4 is 5 digits, a hyphen and 4 digits.  A space instead of the hyphen
 * and the 9 digits run together are accepted too.  "00000" is rejected (no
 * such ZIP Code exists; the lowest is 00501).  restore_zeros repairs the
 * damage a spreadsheet does when it reads a ZIP as a number: it pads a
 * 3- or 4-digit ZIP (or a 7- or 8-digit ZIP+4) with leading zeros and
 * drops a ".0" tail ("2134.0"); without it such values are rejected.
 * A padded ZIP must belong to the record's state when the record has one
 * (the USPS prefix table of norm/usps.c): "2134" under CA is rejected.
 *
 * Limits: no Unicode case mapping, no IDNA mapping or Punycode, no
 * provider-specific rules beyond Gmail's dots, no locale-specific digits
 * (only ASCII 0-9), no spelled-out numbers, no ZIP existence check.
 */
#include "norm/value.h"
#include "base/utf8.h"
#include "norm/usps.h"

#include <stdint.h>
#include <string.h>

/* Length of the white space character that starts at s (n bytes), or 0.
 * See the design comment for the set. */
static size_t
space_len(const unsigned char *s, size_t n)
{
	if (!n)
		return 0;
	switch (s[0]) {
	case ' ':
	case '\t':
	case '\n':
	case '\v':
	case '\f':
	case '\r':
		return 1;
	case 0xc2:
		return n >= 2 && s[1] == 0xa0 ? 2 : 0;
	case 0xe2:
		if (n < 3)
			return 0;
		if (s[1] == 0x80 && ((s[2] >= 0x80 && s[2] <= 0x8b) ||
				     s[2] == 0xa8 || s[2] == 0xa9 ||
				     s[2] == 0xaf))
			return 3;
		return s[1] == 0x81 && s[2] == 0x9f ? 3 : 0;
	case 0xe3:
		return n >= 3 && s[1] == 0x80 && s[2] == 0x80 ? 3 : 0;
	case 0xef:
		return n >= 3 && s[1] == 0xbb && s[2] == 0xbf ? 3 : 0;
	}
	return 0;
}

/* Length of the white space character that ends at s + n, or 0. */
static size_t
space_len_before(const unsigned char *s, size_t n)
{
	if (n >= 1 && s[n - 1] < 0x80)
		return space_len(s + n - 1, 1);
	if (n >= 2 && space_len(s + n - 2, 2) == 2)
		return 2;
	if (n >= 3 && space_len(s + n - 3, 3) == 3)
		return 3;
	return 0;
}

/* Remove white space from both ends of *s, *n. */
static void
trim(const unsigned char **s, size_t *n)
{
	size_t k;

	while ((k = space_len(*s, *n))) {
		*s += k;
		*n -= k;
	}
	while ((k = space_len_before(*s, *n)))
		*n -= k;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
to_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Does s (n bytes) equal the lower-case ASCII word w, ignoring case? */
static int
eq_nocase(const unsigned char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!w[i] || to_lower(s[i]) != (unsigned char)w[i])
			return 0;
	return !w[i];
}

/* ---- e-mail ------------------------------------------------------------ */

#define LOCAL_MAX 64
#define ADDR_MAX 254
#define LABEL_MAX 63

/* An address split into its parts, pointing into the caller's text. */
struct email {
	const unsigned char *local; /* as written, quotes included */
	size_t llen;
	int quoted;  /* the local part is a quoted string */
	int unquote; /* ... whose content is a dot-atom: write it bare */
	const unsigned char *dom;
	size_t dlen;
};

/* The atext characters of RFC 5322 section 3.2.3, ASCII only: letters,
 * digits and !#$%&'*+-/=?^_`{|}~, as a bit set of the 128 code points
 * (asked for every character of every address). */
static inline int
is_atext(int c)
{
	static const uint64_t set[2] = { 0xa3ffacfa00000000ULL,
					 0x7fffffffc7fffffeULL };

	return c >= 0 && c < 128 && (set[c >> 6] >> (c & 63) & 1);
}

/* Non-ASCII code points never allowed in an address: C1 controls, spaces,
 * invisible format characters (which make look-alike addresses) and the
 * full stops that IDNA maps to '.'. */
static int
bad_code_point(uint32_t c)
{
	return (c >= 0x80 && c <= 0xa0) || c == 0xad ||
	       (c >= 0x2000 && c <= 0x200f) || (c >= 0x2028 && c <= 0x202f) ||
	       (c >= 0x205f && c <= 0x206f) || c == 0x3000 || c == 0x3002 ||
	       c == 0xfeff || c == 0xff0e || c == 0xff61 ||
	       (c >= 0xfff9 && c <= 0xfffb);
}

/* Length of an acceptable non-ASCII character at s, or 0. */
static size_t
good_utf8(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t k = dq_utf8_next(s, n, &cp);

	return k && !bad_code_point(cp) ? k : 0;
}

/* Is p (len bytes) an unquoted dot-atom local part?  Dots may not lead,
 * trail or double. */
static int
dot_atom_ok(const unsigned char *p, size_t len)
{
	size_t i = 0, k;
	int after_dot = 1;

	while (i < len) {
		if (p[i] == '.') {
			if (after_dot)
				return 0;
			after_dot = 1;
			i++;
			continue;
		}
		if (p[i] < 0x80) {
			if (!is_atext(p[i]))
				return 0;
			i++;
		} else {
			if (!(k = good_utf8(p + i, len - i)))
				return 0;
			i += k;
		}
		after_dot = 0;
	}
	return !after_dot;
}

/* Check the content of a quoted local part (between the quotes, len
 * bytes).  Returns -1 if invalid, else 1 if the unescaped content is a
 * dot-atom (the quotes are needless) and 0 if not. */
static int
quoted_ok(const unsigned char *p, size_t len)
{
	size_t i = 0, k;
	int after_dot = 1, atom = 1, c;

	if (!len)
		return -1;
	while (i < len) {
		c = p[i];
		if (c >= 0x80) {
			if (!(k = good_utf8(p + i, len - i)))
				return -1;
			i += k;
			after_dot = 0;
			continue;
		}
		if (c == '\\') {
			if (i + 1 >= len || p[i + 1] < 0x20 || p[i + 1] > 0x7e)
				return -1;
			c = p[++i];
		} else if (c < 0x20 || c == 0x7f || c == '"') {
			return -1;
		}
		i++;
		if (c == '.') {
			if (after_dot)
				atom = 0;
			after_dot = 1;
		} else {
			if (!is_atext(c))
				atom = 0;
			after_dot = 0;
		}
	}
	return atom && !after_dot;
}

/* Is d (len bytes) an acceptable domain?  See the design comment. */
static int
domain_ok(const unsigned char *d, size_t len)
{
	size_t i = 0, start, k;
	int labels = 0, digits_only = 0;

	if (!len || len > ADDR_MAX)
		return 0;
	for (;;) {
		start = i;
		digits_only = 1;
		while (i < len && d[i] != '.') {
			if (d[i] < 0x80) {
				if (!is_alpha(d[i]) && !is_digit(d[i]) &&
				    d[i] != '-')
					return 0;
				if (!is_digit(d[i]))
					digits_only = 0;
				i++;
			} else {
				if (!(k = good_utf8(d + i, len - i)))
					return 0;
				i += k;
				digits_only = 0;
			}
		}
		if (i == start || i - start > LABEL_MAX || d[start] == '-' ||
		    d[i - 1] == '-')
			return 0;
		labels++;
		if (i == len)
			break;
		i++;
	}
	return labels >= 2 && !digits_only;
}

/* Split and check the address in s; 0 and *e filled, or -1. */
static int
email_parse(const unsigned char *s, size_t n, struct email *e)
{
	size_t i, lt;
	int inq = 0, q;

	trim(&s, &n);
	/* A display name or angle brackets: keep what is inside. */
	if (n && s[n - 1] == '>') {
		for (lt = 0; lt < n; lt++) {
			if (inq && s[lt] == '\\' && lt + 1 < n)
				lt++;
			else if (s[lt] == '"')
				inq = !inq;
			else if (!inq && s[lt] == '<')
				break;
			else if ((s[lt] < 0x20 && s[lt] != '\t') ||
				 s[lt] == 0x7f)
				return -1;
		}
		if (lt == n)
			return -1;
		s += lt + 1;
		n -= lt + 2;
		trim(&s, &n);
	}
	if (n >= 7 && eq_nocase(s, 7, "mailto:")) {
		const unsigned char *qm;

		s += 7;
		n -= 7;
		if ((qm = memchr(s, '?', n)))
			n = qm - s;
	}
	if (!n || n > ADDR_MAX)
		return -1;
	e->local = s;
	e->quoted = e->unquote = 0;
	if (s[0] == '"') {
		for (i = 1; i < n && s[i] != '"'; i++)
			if (s[i] == '\\')
				i++;
		if (i >= n)
			return -1;
		if ((q = quoted_ok(s + 1, i - 1)) < 0)
			return -1;
		e->quoted = 1;
		e->unquote = q;
		e->llen = i + 1;
		if (e->llen >= n || s[e->llen] != '@')
			return -1;
	} else {
		const unsigned char *at = memchr(s, '@', n);

		if (!at)
			return -1;
		e->llen = at - s;
		if (!dot_atom_ok(s, e->llen))
			return -1;
	}
	if (e->llen > LOCAL_MAX)
		return -1;
	e->dom = s + e->llen + 1;
	e->dlen = n - e->llen - 1;
	return domain_ok(e->dom, e->dlen) ? 0 : -1;
}

int
dq_email_valid(const char *s, size_t n)
{
	struct email e;

	return email_parse((const unsigned char *)s, n, &e) == 0;
}

int
dq_email_valid_exact(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	struct email e;

	return email_parse(u, n, &e) == 0 && e.local == u &&
	       e.dom + e.dlen == u + n;
}

int
dq_email_normalize(const char *s, size_t n, int flags, struct dq_buf *out)
{
	struct email e;
	const unsigned char *p, *end;
	char *d, *d0;
	int gmail, googlemail, nodots, tag_done = 0;
	size_t i;

	if (email_parse((const unsigned char *)s, n, &e) < 0)
		return -1;
	gmail = eq_nocase(e.dom, e.dlen, "gmail.com");
	googlemail = eq_nocase(e.dom, e.dlen, "googlemail.com");
	if (flags & DQ_EMAIL_STRIP_DOTS_ALL)
		flags |= DQ_EMAIL_STRIP_DOTS;
	nodots = (flags & DQ_EMAIL_STRIP_DOTS_ALL) ||
		 ((flags & DQ_EMAIL_STRIP_DOTS) && (gmail || googlemail));
	dq_buf_grow(out, e.llen + 1 + e.dlen);
	d = d0 = out->buf + out->len;
	if (e.quoted && !e.unquote) {
		for (i = 0; i < e.llen; i++)
			*d++ = to_lower(e.local[i]);
	} else {
		p = e.local + e.unquote;
		end = e.local + e.llen - e.unquote;
		for (; p < end; p++) {
			int c = *p;

			if (c == '\\' && e.unquote)
				c = *++p;
			if (c == '+' && (flags & DQ_EMAIL_STRIP_TAG) &&
			    !tag_done) {
				/* "+x@" keeps its tag: nothing would stay. */
				tag_done = 1;
				if (d > d0) {
					/* "a.+tag" must not become "a.". */
					if (d[-1] == '.')
						d--;
					break;
				}
			}
			if (c == '.' && nodots)
				continue;
			*d++ = to_lower(c);
		}
	}
	*d++ = '@';
	if (googlemail && (flags & DQ_EMAIL_STRIP_DOTS)) {
		memcpy(d, "gmail.com", 9);
		d += 9;
	} else {
		for (i = 0; i < e.dlen; i++)
			*d++ = to_lower(e.dom[i]);
	}
	*d = '\0';
	out->len = d - out->buf;
	return 0;
}

/* ---- booleans ---------------------------------------------------------- */

int
dq_bool_parse(const char *s, size_t n, int *val)
{
	static const struct {
		const char *word;
		int val;
	} words[] = {
		{ "1", 1 }, { "0", 0 }, { "y", 1 }, { "n", 0 },
		{ "t", 1 }, { "f", 0 }, { "yes", 1 }, { "no", 0 },
		{ "on", 1 }, { "off", 0 }, { "true", 1 }, { "false", 0 },
	};
	const unsigned char *u = (const unsigned char *)s;
	size_t i;

	trim(&u, &n);
	if (!n || n > 5)
		return -1;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (to_lower(u[0]) == words[i].word[0] &&
		    eq_nocase(u, n, words[i].word)) {
			*val = words[i].val;
			return 0;
		}
	}
	return -1;
}

/* ---- numbers ----------------------------------------------------------- */

void
dq_number_opts_init(struct dq_number_opts *o)
{
	o->decimal = '.';
	o->percent_scale = 1;
}

/* Currency symbols and codes, UTF-8, lower-case for the ASCII letters,
 * with their lengths so the scan need not measure them. */
#define CUR(s) { s, sizeof(s) - 1 }
static const struct {
	const char *text;
	size_t len;
} currencies[] = {
	CUR("$"), CUR("€"), CUR("£"), CUR("¥"), CUR("￥"), CUR("₹"),
	CUR("₩"), CUR("₽"), CUR("₺"), CUR("₪"), CUR("₫"), CUR("฿"),
	CUR("₱"), CUR("₴"), CUR("₦"), CUR("¢"), CUR("us$"), CUR("c$"),
	CUR("ca$"), CUR("a$"), CUR("au$"), CUR("nz$"), CUR("hk$"),
	CUR("s$"), CUR("mx$"), CUR("r$"), CUR("rs"), CUR("rs."), CUR("kr"),
	CUR("kr."), CUR("zł"), CUR("kč"), CUR("fr."), CUR("chf"),
	CUR("usd"), CUR("eur"), CUR("gbp"), CUR("jpy"), CUR("cny"),
	CUR("rmb"), CUR("inr"), CUR("cad"), CUR("aud"), CUR("nzd"),
	CUR("sek"), CUR("nok"), CUR("dkk"), CUR("isk"), CUR("pln"),
	CUR("czk"), CUR("huf"), CUR("ron"), CUR("bgn"), CUR("rub"),
	CUR("uah"), CUR("try"), CUR("ils"), CUR("aed"), CUR("sar"),
	CUR("qar"), CUR("kwd"), CUR("egp"), CUR("zar"), CUR("ngn"),
	CUR("kes"), CUR("brl"), CUR("mxn"), CUR("ars"), CUR("clp"),
	CUR("cop"), CUR("pen"), CUR("krw"), CUR("hkd"), CUR("sgd"),
	CUR("twd"), CUR("thb"), CUR("myr"), CUR("idr"), CUR("php"),
	CUR("vnd"), CUR("pkr"), CUR("bdt"), CUR("lkr"),
};
#undef CUR

/* Length of the currency at the start (at_end 0) or the end (at_end 1) of
 * s, n bytes; 0 if none.  A currency that begins (ends) with a letter may
 * not be followed (preceded) by another letter, so "1eur" is 1 but
 * "1euro" is not a number.  The longest match wins: "CA$", not "$". */
static size_t
currency_len(const unsigned char *s, size_t n, int at_end)
{
	size_t i, k, len, best = 0;
	const unsigned char *p;
	int edge;

	if (!n)
		return 0;
	edge = to_lower(at_end ? s[n - 1] : s[0]);
	for (i = 0; i < sizeof(currencies) / sizeof(currencies[0]); i++) {
		const unsigned char *c =
			(const unsigned char *)currencies[i].text;

		len = currencies[i].len;
		if (len > n || len <= best ||
		    c[at_end ? len - 1 : 0] != edge)
			continue;
		p = at_end ? s + n - len : s;
		for (k = 0; k < len && to_lower(p[k]) == c[k]; k++)
			;
		if (k < len)
			continue;
		if (at_end && is_alpha(c[0]) && len < n && is_alpha(p[-1]))
			continue;
		if (!at_end && is_alpha(c[len - 1]) && len < n &&
		    is_alpha(p[len]))
			continue;
		best = len;
	}
	return best;
}

/* Group separator kinds: ',' or '.', the spaces, the apostrophes. */
enum { SEP_NONE, SEP_PUNCT, SEP_SPACE, SEP_APOS };

/* The kind and (in *len) length of the group separator at s, given the
 * decimal mark; SEP_NONE if there is none. */
static int
group_sep(const unsigned char *s, size_t n, int decimal, size_t *len)
{
	*len = 1;
	switch (s[0]) {
	case ',':
	case '.':
		return s[0] == decimal ? SEP_NONE : SEP_PUNCT;
	case ' ':
		return SEP_SPACE;
	case '\'':
		return SEP_APOS;
	case 0xc2:
		*len = 2;
		return n >= 2 && s[1] == 0xa0 ? SEP_SPACE : SEP_NONE;
	case 0xe2:
		*len = 3;
		if (n < 3 || s[1] != 0x80)
			return SEP_NONE;
		if (s[2] == 0x89 || s[2] == 0xaf)
			return SEP_SPACE;
		return s[2] == 0x99 ? SEP_APOS : SEP_NONE;
	}
	return SEP_NONE;
}

static int
is_minus_sign(const unsigned char *s, size_t n)
{
	/* U+2212 MINUS SIGN. */
	return n >= 3 && s[0] == 0xe2 && s[1] == 0x88 && s[2] == 0x92;
}

/* Append the digits of s[0..n) that follow its leading zeros (and
 * separators); returns how many were written. */
static size_t
put_int_digits(char *d, const unsigned char *s, size_t n)
{
	size_t i = 0, w = 0;

	while (i < n && (s[i] == '0' || !is_digit(s[i])))
		i++;
	for (; i < n; i++)
		if (is_digit(s[i]))
			d[w++] = s[i];
	return w;
}

int
dq_number_normalize(const char *str, size_t n,
		    const struct dq_number_opts *o, struct dq_buf *out)
{
	const unsigned char *s = (const unsigned char *)str;
	struct dq_number_opts def;
	size_t i, j, k, len, glen = 0, ib, ie, fb = 0, fe = 0, eb = 0, ee = 0;
	int signs = 0, neg = 0, lparen = 0, rparen = 0, cur = 0, pct = 0;
	int tminus = 0, dec, ngroups = 0, kind = SEP_NONE, first = 0;
	int mid2 = 1, mid3 = 1, expo = 0, eneg = 0, zero;
	char *d;

	if (!o) {
		dq_number_opts_init(&def);
		o = &def;
	}
	dec = o->decimal == ',' ? ',' : '.';
	trim(&s, &n);
	i = 0;
	j = n;
	/* The prefix: sign, '(', currency, spaces. */
	while (i < j && !is_digit(s[i]) && s[i] != dec) {
		if ((k = space_len(s + i, j - i))) {
			i += k;
		} else if (s[i] == '+' || s[i] == '-' ||
			   is_minus_sign(s + i, j - i)) {
			signs++;
			neg = s[i] != '+';
			i += s[i] < 0x80 ? 1 : 3;
		} else if (s[i] == '(') {
			lparen++;
			i++;
		} else if ((k = currency_len(s + i, j - i, 0))) {
			cur++;
			i += k;
		} else {
			return -1;
		}
	}
	/* The suffix: ')', '%', currency, trailing minus, spaces. */
	while (j > i && !is_digit(s[j - 1])) {
		if (s[j - 1] == dec) {
			/* "5 Fr." ends in a currency, "5." in a mark. */
			if (!(k = currency_len(s + i, j - i, 1)))
				break;
			cur++;
			j -= k;
		} else if ((k = space_len_before(s + i, j - i))) {
			j -= k;
		} else if (s[j - 1] == ')') {
			rparen++;
			j--;
		} else if (s[j - 1] == '%') {
			pct++;
			j--;
		} else if (s[j - 1] == '-') {
			tminus++;
			j--;
		} else if (j - i >= 3 && is_minus_sign(s + j - 3, 3)) {
			tminus++;
			j -= 3;
		} else if ((k = currency_len(s + i, j - i, 1))) {
			cur++;
			j -= k;
		} else {
			return -1;
		}
	}
	if (signs + lparen + tminus > 1 || lparen != rparen || cur > 1 ||
	    pct > 1 || (cur && pct))
		return -1;
	neg = neg || lparen || tminus;

	/* The integer part, maybe grouped. */
	ib = i;
	while (i < j && is_digit(s[i]))
		i++;
	if (i > ib) {
		ngroups = 1;
		first = (int)(i - ib);
		glen = i - ib;
		while (i < j) {
			int kd = group_sep(s + i, j - i, dec, &len);

			if (kd == SEP_NONE || i + len >= j ||
			    !is_digit(s[i + len]))
				break;
			if (kind != SEP_NONE && kd != kind)
				return -1;
			kind = kd;
			/* The group so far last becomes a middle group. */
			if (ngroups >= 2) {
				mid2 = mid2 && glen == 2;
				mid3 = mid3 && glen == 3;
			}
			i += len;
			k = i;
			while (i < j && is_digit(s[i]))
				i++;
			glen = i - k;
			ngroups++;
		}
	}
	ie = i;
	if (ngroups > 1) {
		int western = first <= 3 && mid3 && glen == 3;
		int indian = kind == SEP_PUNCT && dec == '.' && ngroups >= 3 &&
			     first <= 2 && mid2 && glen == 3;

		if (s[ib] == '0' || !(western || indian))
			return -1;
	}
	/* The fraction. */
	if (i < j && s[i] == dec) {
		fb = ++i;
		while (i < j && is_digit(s[i]))
			i++;
		fe = i;
	}
	if (ie == ib && fe == fb)
		return -1;
	/* The exponent. */
	if (i < j && (s[i] == 'e' || s[i] == 'E')) {
		expo = 1;
		i++;
		if (i < j && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		eb = i;
		while (i < j && is_digit(s[i]))
			i++;
		ee = i;
		if (ee == eb)
			return -1;
	}
	if (i != j)
		return -1;

	/* Write: sign, integer digits, fraction, exponent.  The output is
	 * at most the body's length plus "-0.00" and "e-0". */
	dq_buf_grow(out, (j - ib) + 8);
	d = out->buf + out->len;
	zero = 1;
	for (k = ib; k < ie && zero; k++)
		if (s[k] > '0' && s[k] <= '9')
			zero = 0;
	for (k = fb; k < fe && zero; k++)
		if (s[k] != '0')
			zero = 0;
	if (neg && !zero)
		*d++ = '-';
	len = put_int_digits(d, s + ib, ie - ib);
	if (pct && o->percent_scale) {
		/* Move the point two digits left: "1234" -> "12.34",
		 * "5" -> "0.05", "" -> "0.00". */
		if (len >= 3) {
			memmove(d + len - 1, d + len - 2, 2);
			d[len - 2] = '.';
			d += len + 1;
		} else {
			char last = len ? d[len - 1] : '0';
			char prev = len == 2 ? d[0] : '0';

			memcpy(d, "0.", 2);
			d[2] = prev;
			d[3] = last;
			d += 4;
		}
	} else {
		if (!len)
			d[len++] = '0';
		d += len;
		if (fe > fb)
			*d++ = '.';
	}
	memcpy(d, s + fb, fe - fb);
	d += fe - fb;
	if (expo) {
		*d++ = 'e';
		k = eb;
		while (k + 1 < ee && s[k] == '0')
			k++;
		if (eneg && !(ee - k == 1 && s[k] == '0'))
			*d++ = '-';
		memcpy(d, s + k, ee - k);
		d += ee - k;
	}
	*d = '\0';
	out->len = d - out->buf;
	return 0;
}

/* ---- US states --------------------------------------------------------- */

/* Keys (see the design comment) sorted by strcmp for binary search. */
static const struct {
	const char *key;
	const char *code;
} states[] = {
	{ "aa", "AA" },
	{ "ae", "AE" },
	{ "ak", "AK" },
	{ "al", "AL" },
	{ "ala", "AL" },
	{ "alabama", "AL" },
	{ "alas", "AK" },
	{ "alaska", "AK" },
	{ "americansamoa", "AS" },
	{ "ap", "AP" },
	{ "ar", "AR" },
	{ "ariz", "AZ" },
	{ "arizona", "AZ" },
	{ "ark", "AR" },
	{ "arkansas", "AR" },
	{ "armedforcesafrica", "AE" },
	{ "armedforcesamericas", "AA" },
	{ "armedforcescanada", "AE" },
	{ "armedforceseurope", "AE" },
	{ "armedforcesmiddleeast", "AE" },
	{ "armedforcespacific", "AP" },
	{ "as", "AS" },
	{ "az", "AZ" },
	{ "ca", "CA" },
	{ "cal", "CA" },
	{ "cali", "CA" },
	{ "calif", "CA" },
	{ "california", "CA" },
	{ "cnmi", "MP" },
	{ "co", "CO" },
	{ "colo", "CO" },
	{ "colorado", "CO" },
	{ "commonwealthofthenorthernmarianaislands", "MP" },
	{ "conn", "CT" },
	{ "connecticut", "CT" },
	{ "ct", "CT" },
	{ "dc", "DC" },
	{ "de", "DE" },
	{ "del", "DE" },
	{ "delaware", "DE" },
	{ "distofcolumbia", "DC" },
	{ "districtofcolumbia", "DC" },
	{ "federatedstatesofmicronesia", "FM" },
	{ "fl", "FL" },
	{ "fla", "FL" },
	{ "florida", "FL" },
	{ "fm", "FM" },
	{ "ga", "GA" },
	{ "georgia", "GA" },
	{ "gu", "GU" },
	{ "guam", "GU" },
	{ "hawaii", "HI" },
	{ "hi", "HI" },
	{ "ia", "IA" },
	{ "id", "ID" },
	{ "ida", "ID" },
	{ "idaho", "ID" },
	{ "il", "IL" },
	{ "ill", "IL" },
	{ "illinois", "IL" },
	{ "ills", "IL" },
	{ "in", "IN" },
	{ "ind", "IN" },
	{ "indiana", "IN" },
	{ "iowa", "IA" },
	{ "kan", "KS" },
	{ "kans", "KS" },
	{ "kansas", "KS" },
	{ "kentucky", "KY" },
	{ "ks", "KS" },
	{ "ky", "KY" },
	{ "la", "LA" },
	{ "louisiana", "LA" },
	{ "ma", "MA" },
	{ "maine", "ME" },
	{ "marshallislands", "MH" },
	{ "maryland", "MD" },
	{ "mass", "MA" },
	{ "massachusetts", "MA" },
	{ "md", "MD" },
	{ "me", "ME" },
	{ "mh", "MH" },
	{ "mi", "MI" },
	{ "mich", "MI" },
	{ "michigan", "MI" },
	{ "micronesia", "FM" },
	{ "minn", "MN" },
	{ "minnesota", "MN" },
	{ "miss", "MS" },
	{ "mississippi", "MS" },
	{ "missouri", "MO" },
	{ "mn", "MN" },
	{ "mo", "MO" },
	{ "mont", "MT" },
	{ "montana", "MT" },
	{ "mp", "MP" },
	{ "ms", "MS" },
	{ "mt", "MT" },
	{ "nc", "NC" },
	{ "ncarolina", "NC" },
	{ "nd", "ND" },
	{ "ndak", "ND" },
	{ "ndakota", "ND" },
	{ "ne", "NE" },
	{ "neb", "NE" },
	{ "nebr", "NE" },
	{ "nebraska", "NE" },
	{ "nev", "NV" },
	{ "nevada", "NV" },
	{ "newhampshire", "NH" },
	{ "newjersey", "NJ" },
	{ "newmexico", "NM" },
	{ "newyork", "NY" },
	{ "newyorkstate", "NY" },
	{ "nh", "NH" },
	{ "nhampshire", "NH" },
	{ "nj", "NJ" },
	{ "njersey", "NJ" },
	{ "nm", "NM" },
	{ "nmex", "NM" },
	{ "nmexico", "NM" },
	{ "nocarolina", "NC" },
	{ "nodakota", "ND" },
	{ "northcarolina", "NC" },
	{ "northdakota", "ND" },
	{ "northernmarianaislands", "MP" },
	{ "northernmarianas", "MP" },
	{ "nv", "NV" },
	{ "ny", "NY" },
	{ "oh", "OH" },
	{ "ohio", "OH" },
	{ "ok", "OK" },
	{ "okla", "OK" },
	{ "oklahoma", "OK" },
	{ "or", "OR" },
	{ "ore", "OR" },
	{ "oreg", "OR" },
	{ "oregon", "OR" },
	{ "pa", "PA" },
	{ "palau", "PW" },
	{ "penn", "PA" },
	{ "penna", "PA" },
	{ "pennsylvania", "PA" },
	{ "pr", "PR" },
	{ "puertorico", "PR" },
	{ "pw", "PW" },
	{ "rhodeisland", "RI" },
	{ "ri", "RI" },
	{ "sc", "SC" },
	{ "scarolina", "SC" },
	{ "sd", "SD" },
	{ "sdak", "SD" },
	{ "sdakota", "SD" },
	{ "socarolina", "SC" },
	{ "sodakota", "SD" },
	{ "southcarolina", "SC" },
	{ "southdakota", "SD" },
	{ "tenn", "TN" },
	{ "tennessee", "TN" },
	{ "tex", "TX" },
	{ "texas", "TX" },
	{ "tn", "TN" },
	{ "tx", "TX" },
	{ "unitedstatesvirginislands", "VI" },
	{ "usvi", "VI" },
	{ "usvirginislands", "VI" },
	{ "ut", "UT" },
	{ "utah", "UT" },
	{ "va", "VA" },
	{ "vermont", "VT" },
	{ "vi", "VI" },
	{ "virginia", "VA" },
	{ "virginislands", "VI" },
	{ "virginislandsus", "VI" },
	{ "vt", "VT" },
	{ "wa", "WA" },
	{ "wash", "WA" },
	{ "washington", "WA" },
	{ "washingtondc", "DC" },
	{ "washingtonstate", "WA" },
	{ "westva", "WV" },
	{ "westvirginia", "WV" },
	{ "wi", "WI" },
	{ "wis", "WI" },
	{ "wisc", "WI" },
	{ "wisconsin", "WI" },
	{ "wv", "WV" },
	{ "wva", "WV" },
	{ "wvirginia", "WV" },
	{ "wy", "WY" },
	{ "wyo", "WY" },
	{ "wyoming", "WY" },
};

#define STATE_KEY_MAX 48

const char *
dq_us_state_code(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	char key[STATE_KEY_MAX];
	size_t i, klen = 0, lo, hi, mid;
	int c;

	for (i = 0; i < n; i++) {
		c = s[i];
		if (is_alpha(c)) {
			if (klen == sizeof(key))
				return NULL;
			key[klen++] = to_lower(c);
			continue;
		}
		switch (c) {
		case ' ': case '\t': case '\n': case '\r': case '.': case ',':
		case '-': case '_': case '\'':
			continue;
		}
		/* U+02BB (okina), U+2018, U+2019, U+00A0. */
		if (i + 1 < n && c == 0xca && s[i + 1] == 0xbb) {
			i++;
			continue;
		}
		if (i + 1 < n && c == 0xc2 && s[i + 1] == 0xa0) {
			i++;
			continue;
		}
		if (i + 2 < n && c == 0xe2 && s[i + 1] == 0x80 &&
		    (s[i + 2] == 0x98 || s[i + 2] == 0x99)) {
			i += 2;
			continue;
		}
		return NULL;
	}
	if (klen < 2)
		return NULL;
	lo = 0;
	hi = sizeof(states) / sizeof(states[0]);
	while (lo < hi) {
		const char *k;
		int cmp;

		mid = lo + (hi - lo) / 2;
		k = states[mid].key;
		cmp = strncmp(key, k, klen);
		if (!cmp && k[klen])
			cmp = -1;
		if (!cmp)
			return states[mid].code;
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int
dq_us_state_valid(const char *s, size_t n)
{
	const char *code;

	if (n != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z')
		return 0;
	code = dq_us_state_code(s, n);
	return code && code[0] == s[0] && code[1] == s[1];
}

/* ---- US ZIP codes ------------------------------------------------------ */

/* The one ZIP rule beyond the shape: no ZIP Code is 00000. */
static int
zip5_exists(const char *zip)
{
	return memcmp(zip, "00000", 5) != 0;
}

static int
all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit((unsigned char)s[i]))
			return 0;
	return 1;
}

int
dq_zip_valid(const char *s, size_t n)
{
	if (n != 5 && !(n == 10 && s[5] == '-' && all_digits(s + 6, 4)))
		return 0;
	return all_digits(s, 5) && zip5_exists(s);
}

int
dq_zip_normalize(const char *str, size_t n, int restore_zeros,
		 const char *state, struct dq_buf *out)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, a, b = 0, pad;
	char zip[10];

	trim(&s, &n);
	for (a = 0; a < n && is_digit(s[a]); a++)
		;
	i = a;
	if (i < n && (s[i] == '-' || s[i] == ' ')) {
		for (i++; i < n && is_digit(s[i]); i++)
			b++;
		if (b != 4)
			return -1;
	} else if (restore_zeros && i < n && s[i] == '.') {
		/* A spreadsheet's number: "2134.0". */
		for (i++; i < n && s[i] == '0'; i++)
			;
	}
	if (i != n)
		return -1;
	if (b ? a == 5 : (a == 5 || a == 9))
		pad = 0;
	else if (restore_zeros && (b ? (a == 3 || a == 4) :
				   (a == 3 || a == 4 || a == 7 || a == 8)))
		pad = (a < 5 ? 5 : 9) - a;
	else
		return -1;
	memset(zip, '0', pad);
	memcpy(zip + pad, s, a);
	if (b)
		memcpy(zip + 5, s + a + 1, 4);
	if (!zip5_exists(zip))
		return -1;
	/* Padding is a guess: the record's state must vouch for it. */
	if (pad && state && !dq_zip_in_state(zip, 5, state))
		return -1;
	dq_buf_add(out, zip, 5);
	if (a + pad == 9 || b) {
		dq_buf_addch(out, '-');
		dq_buf_add(out, zip + 5, 4);
	}
	return 0;
}
