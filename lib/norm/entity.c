/*
 * entity.c - HTML character references and invisible characters (see
 * entity.h for what is decoded and what is left alone).
 *
 * References: HTML 4.01 Specification (W3C Recommendation, 24 December
 * 1999), section 24 "Character entity references in HTML 4": the 96
 * Latin-1 names (HTMLlat1.ent, U+00A0..U+00FF), the 124 symbols and Greek
 * letters (HTMLsymbol.ent) and the 32 markup-significant and
 * internationalization characters (HTMLspecial.ent); "&apos;" comes from
 * XML 1.0 section 4.6.  &lang; and &rang; take the code points of the HTML
 * Living Standard (U+27E8, U+27E9): HTML 4.01's U+2329/U+232A are
 * deprecated and decompose canonically to CJK brackets, so NFC would turn
 * them into other characters.  Numeric references follow the HTML Living
 * Standard, 13.2.5.80, including its Windows-1252 table for 0x80..0x9F.
 * The table was written from the specifications' entity lists.
 *
 * Speed: text without '&' is copied by memchr's word loop; a reference
 * is looked up by a scan of the table (entities are rare in data, and a
 * scan of 253 short names compared by length first costs well under a
 * microsecond).
 */
#include "norm/entity.h"

#include <string.h>

#include "base/utf8.h"

/* HTMLlat1.ent: U+00A0 + index. */
static const char *const latin1[96] = {
	"nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",
	"brvbar", "sect",   "uml",    "copy",   "ordf",   "laquo",
	"not",    "shy",    "reg",    "macr",   "deg",    "plusmn",
	"sup2",   "sup3",   "acute",  "micro",  "para",   "middot",
	"cedil",  "sup1",   "ordm",   "raquo",  "frac14", "frac12",
	"frac34", "iquest", "Agrave", "Aacute", "Acirc",  "Atilde",
	"Auml",   "Aring",  "AElig",  "Ccedil", "Egrave", "Eacute",
	"Ecirc",  "Euml",   "Igrave", "Iacute", "Icirc",  "Iuml",
	"ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde",
	"Ouml",   "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",
	"Uuml",   "Yacute", "THORN",  "szlig",  "agrave", "aacute",
	"acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil",
	"egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute",
	"icirc",  "iuml",   "eth",    "ntilde", "ograve", "oacute",
	"ocirc",  "otilde", "ouml",   "divide", "oslash", "ugrave",
	"uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml",
};

/* HTMLsymbol.ent and HTMLspecial.ent, and XML's apos. */
static const struct {
	const char *name;
	uint32_t cp;
} named[] = {
	/* HTMLspecial.ent */
	{ "quot", 34 }, { "amp", 38 }, { "lt", 60 }, { "gt", 62 },
	{ "OElig", 338 }, { "oelig", 339 }, { "Scaron", 352 },
	{ "scaron", 353 }, { "Yuml", 376 }, { "circ", 710 },
	{ "tilde", 732 }, { "ensp", 8194 }, { "emsp", 8195 },
	{ "thinsp", 8201 }, { "zwnj", 8204 }, { "zwj", 8205 },
	{ "lrm", 8206 }, { "rlm", 8207 }, { "ndash", 8211 },
	{ "mdash", 8212 }, { "lsquo", 8216 }, { "rsquo", 8217 },
	{ "sbquo", 8218 }, { "ldquo", 8220 }, { "rdquo", 8221 },
	{ "bdquo", 8222 }, { "dagger", 8224 }, { "Dagger", 8225 },
	{ "permil", 8240 }, { "lsaquo", 8249 }, { "rsaquo", 8250 },
	{ "euro", 8364 },
	/* HTMLsymbol.ent: Latin, Greek */
	{ "fnof", 402 }, { "Alpha", 913 }, { "Beta", 914 }, { "Gamma", 915 },
	{ "Delta", 916 }, { "Epsilon", 917 }, { "Zeta", 918 }, { "Eta", 919 },
	{ "Theta", 920 }, { "Iota", 921 }, { "Kappa", 922 },
	{ "Lambda", 923 }, { "Mu", 924 }, { "Nu", 925 }, { "Xi", 926 },
	{ "Omicron", 927 }, { "Pi", 928 }, { "Rho", 929 }, { "Sigma", 931 },
	{ "Tau", 932 }, { "Upsilon", 933 }, { "Phi", 934 }, { "Chi", 935 },
	{ "Psi", 936 }, { "Omega", 937 }, { "alpha", 945 }, { "beta", 946 },
	{ "gamma", 947 }, { "delta", 948 }, { "epsilon", 949 },
	{ "zeta", 950 }, { "eta", 951 }, { "theta", 952 }, { "iota", 953 },
	{ "kappa", 954 }, { "lambda", 955 }, { "mu", 956 }, { "nu", 957 },
	{ "xi", 958 }, { "omicron", 959 }, { "pi", 960 }, { "rho", 961 },
	{ "sigmaf", 962 }, { "sigma", 963 }, { "tau", 964 },
	{ "upsilon", 965 }, { "phi", 966 }, { "chi", 967 }, { "psi", 968 },
	{ "omega", 969 }, { "thetasym", 977 }, { "upsih", 978 },
	{ "piv", 982 },
	/* General punctuation, letterlike symbols, arrows */
	{ "bull", 8226 }, { "hellip", 8230 }, { "prime", 8242 },
	{ "Prime", 8243 }, { "oline", 8254 }, { "frasl", 8260 },
	{ "weierp", 8472 }, { "image", 8465 }, { "real", 8476 },
	{ "trade", 8482 }, { "alefsym", 8501 }, { "larr", 8592 },
	{ "uarr", 8593 }, { "rarr", 8594 }, { "darr", 8595 },
	{ "harr", 8596 }, { "crarr", 8629 }, { "lArr", 8656 },
	{ "uArr", 8657 }, { "rArr", 8658 }, { "dArr", 8659 },
	{ "hArr", 8660 },
	/* Mathematical operators */
	{ "forall", 8704 }, { "part", 8706 }, { "exist", 8707 },
	{ "empty", 8709 }, { "nabla", 8711 }, { "isin", 8712 },
	{ "notin", 8713 }, { "ni", 8715 }, { "prod", 8719 }, { "sum", 8721 },
	{ "minus", 8722 }, { "lowast", 8727 }, { "radic", 8730 },
	{ "prop", 8733 }, { "infin", 8734 }, { "ang", 8736 }, { "and", 8743 },
	{ "or", 8744 }, { "cap", 8745 }, { "cup", 8746 }, { "int", 8747 },
	{ "there4", 8756 }, { "sim", 8764 }, { "cong", 8773 },
	{ "asymp", 8776 }, { "ne", 8800 }, { "equiv", 8801 }, { "le", 8804 },
	{ "ge", 8805 }, { "sub", 8834 }, { "sup", 8835 }, { "nsub", 8836 },
	{ "sube", 8838 }, { "supe", 8839 }, { "oplus", 8853 },
	{ "otimes", 8855 }, { "perp", 8869 }, { "sdot", 8901 },
	/* Miscellaneous technical, geometric shapes, symbols */
	{ "lceil", 8968 }, { "rceil", 8969 }, { "lfloor", 8970 },
	{ "rfloor", 8971 }, { "lang", 0x27E8 }, { "rang", 0x27E9 },
	{ "loz", 9674 }, { "spades", 9824 }, { "clubs", 9827 },
	{ "hearts", 9829 }, { "diams", 9830 },
	/* XML 1.0, 4.6 */
	{ "apos", 39 },
};

/* HTML Living Standard 13.2.5.80: 0x80..0x9F as Windows-1252; 0 where
 * the code page has no character (the code point is kept). */
static const uint16_t cp1252[32] = {
	0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
	0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

static int
same(const char *name, const char *s, size_t n)
{
	return !strncmp(name, s, n) && name[n] == '\0';
}

uint32_t
dq_entity_lookup(const char *s, size_t n)
{
	if (n < 2 || n > 8)
		return 0;
	for (size_t i = 0; i < sizeof(latin1) / sizeof(*latin1); i++)
		if (same(latin1[i], s, n))
			return 0xA0 + (uint32_t)i;
	for (size_t i = 0; i < sizeof(named) / sizeof(*named); i++)
		if (same(named[i].name, s, n))
			return named[i].cp;
	return 0;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The numeric reference at s ("&#" already seen at s[0..2)): its length
 * up to and with ';' and *cp, or 0 when it is not one. */
static size_t
numeric(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t i = 2;
	int base = 10, d;
	uint32_t v = 0;
	size_t digits = 0;

	if (i < n && (s[i] | 0x20) == 'x') {
		base = 16;
		i++;
	}
	for (; i < n; i++, digits++) {
		d = base == 16 ? hexval(s[i])
			       : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
		if (d < 0)
			break;
		/* Past U+10FFFF the value only needs to stay past it. */
		if (v <= 0x10FFFF)
			v = v * (uint32_t)base + (uint32_t)d;
	}
	if (!digits || i >= n || s[i] != ';')
		return 0;
	if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		v = 0xFFFD;
	else if (v >= 0x80 && v <= 0x9F && cp1252[v - 0x80])
		v = cp1252[v - 0x80];
	*cp = v;
	return i + 1;
}

/* The named reference at s ('&' at s[0]): its length with ';' and *cp,
 * or 0.  The longest name is 8 letters ("thetasym"). */
static size_t
named_ref(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t i = 1;

	while (i < n && i <= 9 &&
	       (((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') ||
		(s[i] >= '0' && s[i] <= '9')))
		i++;
	if (i >= n || s[i] != ';')
		return 0;
	*cp = dq_entity_lookup((const char *)s + 1, i - 1);
	return *cp ? i + 1 : 0;
}

int
dq_entity_decode(const char *s, size_t n, struct dq_buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char enc[4];
	size_t i = 0, len;
	uint32_t cp;

	if (!dq_utf8_valid(s, n))
		return -1;
	dq_buf_grow(out, n);
	while (i < n) {
		const unsigned char *amp = memchr(p + i, '&', n - i);
		if (!amp) {
			dq_buf_add(out, p + i, n - i);
			break;
		}
		dq_buf_add(out, p + i, (size_t)(amp - (p + i)));
		i = (size_t)(amp - p);
		if (i + 1 < n && p[i + 1] == '#')
			len = numeric(p + i, n - i, &cp);
		else
			len = named_ref(p + i, n - i, &cp);
		if (!len) {
			dq_buf_addch(out, '&');
			i++;
			continue;
		}
		dq_buf_add(out, enc, dq_utf8_encode(cp, enc));
		i += len;
	}
	return 0;
}

/* The length of the invisible character at p (n bytes left), or 0:
 * C2 AD, E2 80 8B, E2 81 A0, EF BB BF. */
static size_t
invisible_at(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0xC2 && p[1] == 0xAD)
		return 2;
	if (n < 3)
		return 0;
	if ((p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0x8B) ||
	    (p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0xA0) ||
	    (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF))
		return 3;
	return 0;
}

int
dq_entity_invisible(const char *s, size_t n, struct dq_buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, from = 0, k;

	if (!dq_utf8_valid(s, n))
		return -1;
	dq_buf_grow(out, n);
	i = dq_utf8_ascii_prefix(p, n);
	while (i < n) {
		k = invisible_at(p + i, n - i);
		if (!k) {
			i++;
			continue;
		}
		dq_buf_add(out, p + from, i - from);
		i += k;
		from = i;
	}
	dq_buf_add(out, p + from, n - from);
	return 0;
}
