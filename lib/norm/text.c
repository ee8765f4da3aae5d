/*
 * text.c - Unicode text normalizers on top of utf8proc.
 *
 * What: trimming and collapsing of white space, NFC/NFKC, case mapping,
 * case folding, title case (plain and for person names), ASCII folding and
 * UTF-8 validation, each appending its result to a struct dq_buf.  The
 * behaviour of every function is specified in text.h.
 *
 * Speed.  These run on every value of multi-GB files, and nearly all
 * values are short ASCII strings, so every function first validates the
 * input with a loop that tests eight bytes at a time for the high bit; pure
 * ASCII then goes through a byte loop and never calls utf8proc.  For the
 * rest, two facts from UAX #15 keep utf8proc calls small:
 *   - every code point below U+0300 has canonical combining class 0, is
 *     NFC_Quick_Check=Yes and never composes with a following code point
 *     below U+0300 (checked exhaustively over all pairs against utf8proc
 *     2.8), so a text whose code points are all below U+0300 is already
 *     NFC, and NFC of a longer text only needs to start at the character
 *     before the first code point >= U+0300 (UTF-8 lead byte >= 0xCC);
 *   - ASCII is NFKC-stable and only composes with a following non-ASCII
 *     mark, so NFKC and case folding start one character before the first
 *     non-ASCII byte.
 *
 * UTF-8 validation follows RFC 3629 section 4 and the Unicode Standard,
 * Table 3-7 "Well-Formed UTF-8 Byte Sequences": no overlong forms (C0, C1,
 * E0 80..9F, F0 80..8F), no surrogates (ED A0..BF), nothing above
 * U+10FFFF (F4 90.., F5..FF).  Noncharacters such as U+FFFE are valid.
 *
 * White space is the White_Space property of UAX #44 (PropList.txt,
 * Unicode 15), matched on its UTF-8 bytes: ASCII 09..0D and 20, C2 85,
 * C2 A0, E1 9A 80, E2 80 80..8A, E2 80 A8/A9/AF, E2 81 9F, E3 80 80.
 *
 * Normalization is utf8proc_map() (https://juliastrings.github.io/utf8proc/
 * doc/) with UTF8PROC_STABLE|UTF8PROC_COMPOSE (NFC), plus UTF8PROC_COMPAT
 * (NFKC), plus UTF8PROC_CASEFOLD (case folding, CaseFolding.txt C+F).
 * Case mapping uses utf8proc_tolower/toupper/totitle, which are the simple
 * mappings of UnicodeData.txt with one quirk: utf8proc 2.8 upper-cases
 * "ß" to U+1E9E "ẞ".  We override that, and add the other unconditional
 * one-to-many mappings of SpecialCasing.txt for Latin, Armenian and two
 * Greek letters (table special[] below), so upper("ß") is "SS" as in ICU,
 * Python and Java.  The Greek letters with ypogegrammeni keep their simple
 * mappings ("ᾳ" -> "ᾼ", not "ΑΙ").  Final sigma (SpecialCasing.txt,
 * Final_Sigma) is approximated: Σ lowers to ς when a letter precedes it
 * and no letter follows it, ignoring marks in between.
 *
 * Person names.  The rules of dq_text_title_name() (listed in text.h) come
 * from common practice in name-cleaning tools: Lingua::EN::NameCase (Mark
 * Summerfield, CPAN) for the Mc/Mac heuristic -- Mac only before a long
 * enough rest that does not end in a, c, i, o, z or j, with a list of
 * exceptions -- and the suffix and particle handling of nameparser
 * (Derek Gulbranson, PyPI); the particle list is the usual set of Dutch,
 * German, French, Italian, Spanish, Portuguese and Arabic name particles.
 * The rules are re-expressed here, no code was taken.  Limits: a name
 * written all-lower or all-upper loses the internal capitals that no rule
 * can infer ("dicaprio" -> "Dicaprio", "leblanc" -> "Leblanc"); a particle
 * that is also a given or family name in the middle ("Nguyen Van An")
 * gets lower-cased.
 *
 * ASCII folding decomposes each character with utf8proc_decompose_char
 * (UTF8PROC_DECOMPOSE|UTF8PROC_COMPAT, i.e. NFKD), drops marks that follow
 * an ASCII base, maps what is left through fold_table[] and keeps the
 * rest, then recomposes (NFC) so kept characters come out in NFKC form.
 */
#include "norm/text.h"
#include "base/utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

/* UTF-8 lives in base/utf8.h: one decoder for the whole toolkit. */
/*
 * Output.  The loops below write into out without the terminating NUL
 * and call finish() once at the end, so a byte costs one compare.
 */
static inline void
put_byte(struct dq_buf *b, unsigned char ch)
{
	if (b->len + 1 >= b->cap)
		dq_buf_grow(b, 1);
	b->buf[b->len++] = (char)ch;
}

static void
put_cp_slow(struct dq_buf *b, uint32_t c)
{
	dq_buf_grow(b, 4);
	b->len += dq_utf8_encode(c, (unsigned char *)b->buf + b->len);
}

static inline void
put_cp(struct dq_buf *b, uint32_t c)
{
	if (c < 0x80)
		put_byte(b, (unsigned char)c);
	else
		put_cp_slow(b, c);
}

static void
put_bytes(struct dq_buf *b, const void *p, size_t n)
{
	dq_buf_grow(b, n);
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static inline void
finish(struct dq_buf *b)
{
	if (b->cap)
		b->buf[b->len] = '\0';
}

/*
 * Replace out->buf[from..] by the result of utf8proc_map() on it.  The
 * input was validated, so the only failure left is memory, which ends the
 * program like every other allocation failure in dq (util.h).
 */
static void
map_tail(struct dq_buf *b, size_t from, utf8proc_option_t opt)
{
	utf8proc_uint8_t *r = NULL;
	utf8proc_ssize_t len;

	if (from >= b->len)
		return;
	len = utf8proc_map((const utf8proc_uint8_t *)b->buf + from,
			   (utf8proc_ssize_t)(b->len - from), &r, opt);
	if (len < 0)
		dq_die("utf8proc: %s", utf8proc_errmsg(len));
	b->len = from;
	put_bytes(b, r, (size_t)len);
	free(r);
}

/* Step back from k to the start of the previous character (not below lo). */
static size_t
prev_start(const char *buf, size_t lo, size_t k)
{
	if (k <= lo)
		return lo;
	k--;
	while (k > lo && DQ_UTF8_IS_CONT((unsigned char)buf[k]))
		k--;
	return k;
}

/* Bring out->buf[from..] to NFC; see the header comment for the shortcut. */
static void
nfc_tail(struct dq_buf *b, size_t from)
{
	size_t k = from;

	while (k < b->len && (unsigned char)b->buf[k] < 0xCC)
		k++;
	if (k == b->len)
		return;
	map_tail(b, prev_start(b->buf, from, k), UTF8PROC_STABLE |
		 UTF8PROC_COMPOSE);
}

/* ----------------------------------------------------------------------
 * Character classes.
 */

/* Length of the White_Space character ending at p + end (end > 0), or 0;
 * p[0..end) is valid UTF-8 starting on a character boundary. */
static size_t
ws_before(const unsigned char *p, size_t end)
{
	unsigned c = p[end - 1];

	if (c < 0x80)
		return dq_utf8_ascii_space(c);
	if (end >= 2 && p[end - 2] == 0xC2)
		return c == 0x85 || c == 0xA0 ? 2 : 0;
	if (end >= 3 && p[end - 3] >= 0xE1 && p[end - 3] <= 0xE3)
		return dq_utf8_space_at(p + end - 3);
	return 0;
}

enum kind { K_OTHER, K_LETTER, K_MARK, K_DIGIT, K_APOS };

static inline int
is_apos(uint32_t c)
{
	return c == '\'' || c == 0x2019 || c == 0x2BC;
}

static enum kind
kind_slow(uint32_t c)
{
	if (is_apos(c))
		return K_APOS;
	switch (utf8proc_category((utf8proc_int32_t)c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
		return K_LETTER;
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
		return K_MARK;
	case UTF8PROC_CATEGORY_ND:
		return K_DIGIT;
	default:
		return K_OTHER;
	}
}

static inline enum kind
kind(uint32_t c)
{
	if (c >= 0x80)
		return kind_slow(c);
	if ((c | 0x20) - 'a' < 26)
		return K_LETTER;
	if (c - '0' < 10)
		return K_DIGIT;
	return c == '\'' ? K_APOS : K_OTHER;
}

/* Is there a letter at p[i..n) before anything but marks? */
static int
letter_follows(const unsigned char *p, size_t i, size_t n)
{
	size_t l;

	while (i < n) {
		enum kind k = kind(dq_utf8_decode(p + i, &l));
		if (k != K_MARK)
			return k == K_LETTER;
		i += l;
	}
	return 0;
}

/* ----------------------------------------------------------------------
 * Case mapping.
 */

/* Unconditional one-to-many mappings of SpecialCasing.txt (Unicode 15)
 * that we apply on top of utf8proc's simple mappings; sorted by code. */
static const struct special {
	uint32_t c;
	uint32_t upper[3];
	uint32_t title[3];
} special[] = {
	{ 0x00DF, { 0x53, 0x53 }, { 0x53, 0x73 } },		/* ß */
	{ 0x0149, { 0x2BC, 0x4E }, { 0x2BC, 0x4E } },		/* ŉ */
	{ 0x01F0, { 0x4A, 0x30C }, { 0x4A, 0x30C } },		/* ǰ */
	{ 0x0390, { 0x399, 0x308, 0x301 }, { 0x399, 0x308, 0x301 } },
	{ 0x03B0, { 0x3A5, 0x308, 0x301 }, { 0x3A5, 0x308, 0x301 } },
	{ 0x0587, { 0x535, 0x552 }, { 0x535, 0x582 } },		/* և */
	{ 0x1E96, { 0x48, 0x331 }, { 0x48, 0x331 } },		/* ẖ */
	{ 0x1E97, { 0x54, 0x308 }, { 0x54, 0x308 } },		/* ẗ */
	{ 0x1E98, { 0x57, 0x30A }, { 0x57, 0x30A } },		/* ẘ */
	{ 0x1E99, { 0x59, 0x30A }, { 0x59, 0x30A } },		/* ẙ */
	{ 0x1E9A, { 0x41, 0x2BE }, { 0x41, 0x2BE } },		/* ẚ */
	{ 0xFB00, { 0x46, 0x46 }, { 0x46, 0x66 } },		/* ﬀ */
	{ 0xFB01, { 0x46, 0x49 }, { 0x46, 0x69 } },		/* ﬁ */
	{ 0xFB02, { 0x46, 0x4C }, { 0x46, 0x6C } },		/* ﬂ */
	{ 0xFB03, { 0x46, 0x46, 0x49 }, { 0x46, 0x66, 0x69 } }, /* ﬃ */
	{ 0xFB04, { 0x46, 0x46, 0x4C }, { 0x46, 0x66, 0x6C } }, /* ﬄ */
	{ 0xFB05, { 0x53, 0x54 }, { 0x53, 0x74 } },		/* ﬅ */
	{ 0xFB06, { 0x53, 0x54 }, { 0x53, 0x74 } },		/* ﬆ */
	{ 0xFB13, { 0x544, 0x546 }, { 0x544, 0x576 } },
	{ 0xFB14, { 0x544, 0x535 }, { 0x544, 0x565 } },
	{ 0xFB15, { 0x544, 0x53B }, { 0x544, 0x56B } },
	{ 0xFB16, { 0x54E, 0x546 }, { 0x54E, 0x576 } },
	{ 0xFB17, { 0x544, 0x53D }, { 0x544, 0x56D } },
};

static const struct special *
find_special(uint32_t c)
{
	size_t i;

	if (c != 0xDF && (c < 0x149 || c > 0xFB17 ||
			  (c > 0x587 && c < 0x1E96) ||
			  (c > 0x1E9A && c < 0xFB00)))
		return NULL;
	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (special[i].c == c)
			return &special[i];
	return NULL;
}

static void
put_seq(struct dq_buf *b, const uint32_t *seq)
{
	int i;

	for (i = 0; i < 3 && seq[i]; i++)
		put_cp(b, seq[i]);
}

static inline unsigned char
lower_ascii(unsigned char c)
{
	return (unsigned)(c - 'A') < 26 ? c | 0x20 : c;
}

static inline unsigned char
upper_ascii(unsigned char c)
{
	return (unsigned)(c - 'a') < 26 ? c & ~0x20 : c;
}

static void
put_upper(struct dq_buf *b, uint32_t c)
{
	const struct special *sp;

	if (c < 0x80)
		put_byte(b, upper_ascii((unsigned char)c));
	else if ((sp = find_special(c)))
		put_seq(b, sp->upper);
	else
		put_cp(b, (uint32_t)utf8proc_toupper((utf8proc_int32_t)c));
}

static void
put_title(struct dq_buf *b, uint32_t c)
{
	const struct special *sp;

	if (c < 0x80)
		put_byte(b, upper_ascii((unsigned char)c));
	else if ((sp = find_special(c)))
		put_seq(b, sp->title);
	else
		put_cp(b, (uint32_t)utf8proc_totitle((utf8proc_int32_t)c));
}

/*
 * The lower case of c, the character before p + i.  letter_before says
 * whether a letter precedes it; p[i..n) is the context that decides
 * final sigma.
 */
static uint32_t
lower_cp(uint32_t c, int letter_before, const unsigned char *p, size_t i,
	 size_t n)
{
	if (c < 0x80)
		return lower_ascii((unsigned char)c);
	if (c == 0x3A3)
		return letter_before && !letter_follows(p, i, n) ? 0x3C2
								 : 0x3C3;
	return (uint32_t)utf8proc_tolower((utf8proc_int32_t)c);
}

static void
put_lower(struct dq_buf *b, uint32_t c, int letter_before,
	  const unsigned char *p, size_t i, size_t n)
{
	put_cp(b, lower_cp(c, letter_before, p, i, n));
}

/* Map p[0..n) (valid) to lower or upper case, appending; no NFC. */
static void
case_core(const unsigned char *p, size_t n, int upper, struct dq_buf *b)
{
	size_t i = 0, l;
	int letter_before = 0;

	while (i < n) {
		uint32_t c;
		enum kind k;

		if (p[i] < 0x80) {
			size_t j = i + dq_utf8_ascii_prefix(p + i, n - i);
			unsigned char *q;

			dq_buf_grow(b, j - i);
			q = (unsigned char *)b->buf + b->len;
			if (upper)
				for (; i < j; i++)
					*q++ = upper_ascii(p[i]);
			else
				for (; i < j; i++)
					*q++ = lower_ascii(p[i]);
			b->len = (char *)q - b->buf;
			letter_before = kind(p[j - 1]) == K_LETTER;
			continue;
		}
		c = dq_utf8_decode(p + i, &l);
		i += l;
		if (upper) {
			put_upper(b, c);
			continue;
		}
		k = kind(c);
		put_lower(b, c, letter_before, p, i, n);
		if (k != K_MARK)
			letter_before = k == K_LETTER;
	}
}

/* ----------------------------------------------------------------------
 * The public normalizers.
 */

int
dq_text_trim(const char *s, size_t n, struct dq_buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t b = 0, e = n, k;

	if (dq_utf8_check(p, n) < 0)
		return -1;
	while (b < e && (k = dq_utf8_space_at(p + b)))
		b += k;
	while (e > b && (k = ws_before(p + b, e - b)))
		e -= k;
	dq_buf_add(out, s + b, e - b);
	return 0;
}

int
dq_text_collapse(const char *s, size_t n, struct dq_buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t b = 0, e = n, k;
	unsigned char *q;

	if (dq_utf8_check(p, n) < 0)
		return -1;
	while (b < e && (k = dq_utf8_space_at(p + b)))
		b += k;
	while (e > b && (k = ws_before(p + b, e - b)))
		e -= k;
	/* The result is never longer than the trimmed input. */
	dq_buf_grow(out, e - b);
	q = (unsigned char *)out->buf + out->len;
	while (b < e) {
		/* dq_utf8_space_at() is safe on continuation bytes: it returns 0. */
		if (!dq_utf8_space_at(p + b)) {
			*q++ = p[b];
			b++;
			continue;
		}
		/* Trimmed, so a run here is inner and ends before e. */
		while ((k = dq_utf8_space_at(p + b)))
			b += k;
		*q++ = ' ';
	}
	out->len = (char *)q - out->buf;
	finish(out);
	return 0;
}

int
dq_text_nfc(const char *s, size_t n, struct dq_buf *out)
{
	size_t start = out->len;
	int r = dq_utf8_check((const unsigned char *)s, n);

	if (r < 0)
		return -1;
	dq_buf_add(out, s, n);
	if (r > 0)
		nfc_tail(out, start);
	finish(out);
	return 0;
}

/* Append s (valid), applying utf8proc options opt from the character before
 * the first non-ASCII byte on; the ASCII prefix is copied (lower-cased
 * when fold is set). */
static void
map_from_ascii(const unsigned char *p, size_t n, int fold,
	       utf8proc_option_t opt, struct dq_buf *out)
{
	size_t k = dq_utf8_ascii_prefix(p, n), start = out->len, i;
	unsigned char *q;

	dq_buf_grow(out, n);
	q = (unsigned char *)out->buf + out->len;
	for (i = 0; i < n; i++)
		q[i] = fold ? lower_ascii(p[i]) : p[i];
	out->len += n;
	if (k < n)
		map_tail(out, start + (k ? k - 1 : 0), opt);
	finish(out);
}

int
dq_text_nfkc(const char *s, size_t n, struct dq_buf *out)
{
	if (dq_utf8_check((const unsigned char *)s, n) < 0)
		return -1;
	map_from_ascii((const unsigned char *)s, n, 0,
		       UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT,
		       out);
	return 0;
}

int
dq_text_casefold(const char *s, size_t n, struct dq_buf *out)
{
	if (dq_utf8_check((const unsigned char *)s, n) < 0)
		return -1;
	map_from_ascii((const unsigned char *)s, n, 1,
		       UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD,
		       out);
	return 0;
}

static int
case_public(const char *s, size_t n, int upper, struct dq_buf *out)
{
	size_t start = out->len;
	int r = dq_utf8_check((const unsigned char *)s, n);

	if (r < 0)
		return -1;
	case_core((const unsigned char *)s, n, upper, out);
	if (r > 0)
		nfc_tail(out, start);
	finish(out);
	return 0;
}

int
dq_text_lower(const char *s, size_t n, struct dq_buf *out)
{
	return case_public(s, n, 0, out);
}

int
dq_text_upper(const char *s, size_t n, struct dq_buf *out)
{
	return case_public(s, n, 1, out);
}

int
dq_text_title(const char *s, size_t n, struct dq_buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t start = out->len, i = 0, l;
	int r = dq_utf8_check(p, n), inword = 0, letter_before = 0;

	if (r < 0)
		return -1;
	dq_buf_grow(out, n);
	while (i < n) {
		uint32_t c = dq_utf8_decode(p + i, &l);

		i += l;
		switch (kind(c)) {
		case K_LETTER:
			if (inword)
				put_lower(out, c, letter_before, p, i, n);
			else
				put_title(out, c);
			inword = letter_before = 1;
			break;
		case K_MARK:
			/* A mark belongs to the character before it. */
			put_cp(out, c);
			break;
		case K_DIGIT:
			put_cp(out, c);
			inword = 1;
			letter_before = 0;
			break;
		case K_APOS:
			put_cp(out, c);
			inword = letter_before && letter_follows(p, i, n);
			letter_before = 0;
			break;
		default:
			put_cp(out, c);
			inword = letter_before = 0;
			break;
		}
	}
	if (r > 0)
		nfc_tail(out, start);
	finish(out);
	return 0;
}

/* ----------------------------------------------------------------------
 * Person names.
 */

/* The default particles (see struct dq_name_opts). */
static const char *const default_particles[] = {
	"al",	 "bin",	  "da",	  "dal",   "dalla", "das", "de",
	"degli", "dei",	  "del",  "della", "delle", "den", "der",
	"des",	 "di",	  "do",	  "dos",   "du",    "el",  "ibn",
	"la",	 "le",	  "ten",  "ter",   "van",   "vom", "von",
	"zu",	 NULL,
};

/* Mac names that stay "Mac..." + lower case although they pass the length
 * and last-letter test (the first six fail it anyway; listed so the rule
 * reads as documented). */
static const char *const mac_exceptions[] = {
	"mace",	   "machado", "mack",	 "macy",       "macias",   "mackey",
	"macevicius", "machal",  "machar",  "machen",     "machin",   "machlin",
	"maciel",  "maciulis", "macken", "mackie",     "mackintosh", "mackle",
	"macklin", "macomber", "macquarie", NULL,
};

/*
 * Write the lower case of the word w[0..n) to dst (cap bytes, no NUL);
 * return its length, or cap + 1 if it does not fit.
 */
static size_t
lower_word(const unsigned char *w, size_t n, unsigned char *dst, size_t cap)
{
	size_t i = 0, l, at = 0;
	int letter_before = 0;

	while (i < n) {
		uint32_t c = dq_utf8_decode(w + i, &l);
		enum kind k = kind(c);

		i += l;
		if (cap - at < 4)
			return cap + 1;
		at += dq_utf8_encode(lower_cp(c, letter_before, w, i, n), dst + at);
		if (k != K_MARK)
			letter_before = k == K_LETTER;
	}
	return at;
}

/* Is the word w[0..n) (any case) one of the particles? */
static int
is_particle(const unsigned char *w, size_t n, const char *const *particles)
{
	unsigned char low[64];
	size_t m = lower_word(w, n, low, sizeof(low)), i;

	/* A word too long for low[] is not a particle of any sane list. */
	if (m > sizeof(low))
		return 0;
	for (i = 0; particles[i]; i++)
		if ((unsigned char)particles[i][0] == low[0] &&
		    strnlen(particles[i], m + 1) == m &&
		    !memcmp(particles[i], low, m))
			return 1;
	return 0;
}

/*
 * Is w[0..n) a canonical Roman numeral from 2 to 39 (I, V, X only, one
 * case), other than VI and XI (surnames)?  Tens X{0,3}, then one of the
 * units forms.
 */
static int
is_numeral(const unsigned char *w, size_t n)
{
	static const char *const units[] = { "",  "i",	 "ii", "iii", "iv",
					     "v", "vi", "vii", "viii", "ix" };
	char low[8];
	size_t i, t = 0;

	if (n < 2 || n > 7 || !memchr("ivxIVX", w[0], 6))
		return 0;
	for (i = 0; i < n; i++)
		low[i] = (char)lower_ascii(w[i]);
	low[n] = '\0';
	if (!strcmp(low, "vi") || !strcmp(low, "xi"))
		return 0;
	while (t < 3 && low[t] == 'x')
		t++;
	for (i = 0; i < 10; i++)
		if (!strcmp(low + t, units[i]))
			return 1;
	return 0;
}

/* Is the word w[0..n) a name suffix: numeral, jr, sr, jnr, snr, with an
 * optional trailing '.' or ','? */
static int
is_suffix_word(const unsigned char *w, size_t n)
{
	char low[5];
	size_t i;

	if (n && (w[n - 1] == '.' || w[n - 1] == ','))
		n--;
	if (is_numeral(w, n))
		return 1;
	if (n < 2 || n > 3)
		return 0;
	for (i = 0; i < n; i++)
		low[i] = (char)lower_ascii(w[i]);
	low[n] = '\0';
	return !strcmp(low, "jr") || !strcmp(low, "sr") ||
	       !strcmp(low, "jnr") || !strcmp(low, "snr");
}

/* Does the Mac rule apply to the run w[0..n) of nl letters?  last is the
 * lower-cased last letter. */
static int
mac_applies(const unsigned char *w, size_t n, size_t nl, uint32_t last)
{
	char low[16];
	size_t i;

	if (nl < 6 || lower_ascii(w[0]) != 'm' || lower_ascii(w[1]) != 'a' ||
	    lower_ascii(w[2]) != 'c')
		return 0;
	if (last < 0x80 && strchr("aciozj", (int)last))
		return 0;
	if (n >= sizeof(low))
		return 1;
	for (i = 0; i < n; i++)
		low[i] = (char)lower_ascii(w[i]);
	low[n] = '\0';
	for (i = 0; mac_exceptions[i]; i++)
		if (!strcmp(low, mac_exceptions[i]))
			return 0;
	return 1;
}

/* Append the letter run w[0..n), its first letter in title case if cap,
 * every other letter in lower case. */
static void
put_run(struct dq_buf *b, const unsigned char *w, size_t n, int cap)
{
	size_t i = 0, l;
	int letter_before = 0;

	while (i < n) {
		uint32_t c = dq_utf8_decode(w + i, &l);
		enum kind k = kind(c);

		i += l;
		if (k != K_LETTER) {
			put_cp(b, c);
		} else if (cap) {
			put_title(b, c);
			cap = 0;
		} else {
			put_lower(b, c, letter_before, w, i, n);
		}
		if (k != K_MARK)
			letter_before = k == K_LETTER;
	}
}

/* Rules 4 and 5 of dq_text_title_name() for the word w[0..n). */
static void
put_name_runs(struct dq_buf *b, const unsigned char *w, size_t n)
{
	size_t i = 0, l;
	int after_letter = 0, apos = 0;

	while (i < n) {
		uint32_t c = dq_utf8_decode(w + i, &l), last = 0;
		size_t r = i, nl = 0, from = 0, rl;

		if (kind(c) != K_LETTER) {
			apos = after_letter && is_apos(c);
			after_letter = 0;
			put_bytes(b, w + i, l);
			i += l;
			continue;
		}
		/* The run of letters and marks [i, r). */
		for (;;) {
			enum kind k;

			if (r >= n)
				break;
			c = dq_utf8_decode(w + r, &rl);
			k = kind(c);
			if (k != K_LETTER && k != K_MARK)
				break;
			if (k == K_LETTER) {
				nl++;
				last = c < 0x80 ? lower_ascii((unsigned char)c)
						: c;
			}
			r += rl;
		}
		if (apos && nl == 1) {
			put_run(b, w + i, r - i, 0);
		} else {
			if (nl >= 3 && lower_ascii(w[i]) == 'm' &&
			    lower_ascii(w[i + 1]) == 'c')
				from = 2;
			else if (mac_applies(w + i, r - i, nl, last))
				from = 3;
			if (from) {
				put_byte(b, 'M');
				put_run(b, w + i + 1, from - 1, 0);
			}
			put_run(b, w + i + from, r - i - from, 1);
		}
		after_letter = 1;
		apos = 0;
		i = r;
	}
}

/* Rules 1 to 5 of dq_text_title_name() for one word w[0..n). */
static void
put_name_word(struct dq_buf *b, const unsigned char *w, size_t n, int first,
	      int last, int suffix, const char *const *particles)
{
	size_t i = 0, l;
	int up = 0, low = 0, first_low = -1;

	while (i < n) {
		uint32_t c = dq_utf8_decode(w + i, &l);

		i += l;
		if (c < 0x80) {
			up |= c - 'A' < 26;
			low |= c - 'a' < 26;
			if (first_low < 0 && (up || low))
				first_low = low;
			continue;
		}
		switch (utf8proc_category((utf8proc_int32_t)c)) {
		case UTF8PROC_CATEGORY_LU:
		case UTF8PROC_CATEGORY_LT:
			up = 1;
			break;
		case UTF8PROC_CATEGORY_LL:
			low = 1;
			break;
		default:
			break;
		}
		if (first_low < 0 && (up || low))
			first_low = low;
	}
	/* Mixed case that starts with a capital is deliberate (McDonald,
	 * DiCaprio); mixed case that starts lower-case ("mARY", "jOHN") is
	 * a caps-lock slip and is re-cased like the rest. */
	if ((up && low && first_low == 0) || (!up && !low)) {
		put_bytes(b, w, n);
		return;
	}
	if (!first && !last && is_particle(w, n, particles)) {
		put_run(b, w, n, 0);
		return;
	}
	if (suffix) {
		size_t m = n && (w[n - 1] == '.' || w[n - 1] == ',') ? n - 1
								       : n;
		if (is_numeral(w, m)) {
			for (i = 0; i < n; i++)
				put_byte(b, upper_ascii(w[i]));
			return;
		}
	}
	put_name_runs(b, w, n);
}

/* A word of the input: bytes [b, e). */
struct span {
	size_t b, e;
};

int
dq_text_title_name(const char *s, size_t n, const struct dq_name_opts *o,
		   struct dq_buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *const *particles =
		o && o->particles ? o->particles : default_particles;
	struct span small[16], *w = small;
	size_t start = out->len, i = 0, j, k, nw = 0, cap = 16, tail;
	int r = dq_utf8_check(p, n);

	if (r < 0)
		return -1;
	/* Split into words first: the rules need to know which word is
	 * first, which is last, and where the trailing suffixes start. */
	while (i < n) {
		if ((k = dq_utf8_space_at(p + i))) {
			i += k;
			continue;
		}
		for (j = i; j < n && !dq_utf8_space_at(p + j); j += dq_utf8_len(p[j]))
			;
		if (nw == cap) {
			cap *= 2;
			if (w == small) {
				w = dq_xmalloc(cap * sizeof(*w));
				memcpy(w, small, sizeof(small));
			} else {
				w = dq_xrealloc(w, cap * sizeof(*w));
			}
		}
		w[nw].b = i;
		w[nw++].e = j;
		i = j;
	}
	for (tail = nw; tail > 1; tail--)
		if (!is_suffix_word(p + w[tail - 1].b,
				    w[tail - 1].e - w[tail - 1].b))
			break;

	dq_buf_grow(out, n);
	for (i = 0, k = 0; k < nw; k++) {
		put_bytes(out, p + i, w[k].b - i);
		put_name_word(out, p + w[k].b, w[k].e - w[k].b, k == 0,
			      k == nw - 1, k >= tail, particles);
		i = w[k].e;
	}
	put_bytes(out, p + i, n - i);
	if (w != small)
		free(w);
	if (r > 0)
		nfc_tail(out, start);
	finish(out);
	return 0;
}

/* ----------------------------------------------------------------------
 * ASCII folding.
 */

/* Letters with no decomposition to ASCII, and typographic punctuation;
 * sorted by code point for bsearch. */
static const struct fold {
	uint32_t c;
	const char *ascii;
} fold_table[] = {
	{ 0x00AB, "\"" }, { 0x00BB, "\"" }, { 0x00C6, "AE" }, { 0x00D0, "D" },
	{ 0x00D8, "O" },  { 0x00DE, "TH" }, { 0x00DF, "ss" }, { 0x00E6, "ae" },
	{ 0x00F0, "d" },  { 0x00F8, "o" },  { 0x00FE, "th" }, { 0x0110, "D" },
	{ 0x0111, "d" },  { 0x0126, "H" },  { 0x0127, "h" },  { 0x0131, "i" },
	{ 0x0138, "q" },  { 0x013F, "L" },  { 0x0140, "l" },  { 0x0141, "L" },
	{ 0x0142, "l" },  { 0x014A, "N" },  { 0x014B, "n" },  { 0x0152, "OE" },
	{ 0x0153, "oe" }, { 0x017F, "s" },  { 0x02BC, "'" },  { 0x1E9E, "SS" },
	{ 0x2010, "-" },  { 0x2011, "-" },  { 0x2012, "-" },  { 0x2013, "-" },
	{ 0x2014, "-" },  { 0x2015, "-" },  { 0x2018, "'" },  { 0x2019, "'" },
	{ 0x201A, "'" },  { 0x201B, "'" },  { 0x201C, "\"" }, { 0x201D, "\"" },
	{ 0x201E, "\"" }, { 0x201F, "\"" }, { 0x2026, "..." }, { 0x2032, "'" },
	{ 0x2033, "\"" }, { 0x2039, "'" },  { 0x203A, "'" },  { 0x2044, "/" },
	{ 0x2212, "-" },
};

static const char *
fold_lookup(uint32_t c)
{
	size_t lo = 0, hi = sizeof(fold_table) / sizeof(fold_table[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (fold_table[mid].c == c)
			return fold_table[mid].ascii;
		if (fold_table[mid].c < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int
dq_text_ascii(const char *s, size_t n, struct dq_buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t start = out->len, i, l;
	int r = dq_utf8_check(p, n), base_ascii, kept = 0;

	if (r < 0)
		return -1;
	i = dq_utf8_ascii_prefix(p, n);
	put_bytes(out, p, i);
	base_ascii = i > 0;
	while (i < n) {
		utf8proc_int32_t d[32];
		utf8proc_ssize_t m, j;
		const char *f;
		uint32_t c;
		int bound = 0;

		if (p[i] < 0x80) {
			put_byte(out, p[i++]);
			base_ascii = 1;
			continue;
		}
		c = dq_utf8_decode(p + i, &l);
		i += l;
		/* The table first: ŀ decomposes to l + U+00B7, not to l. */
		if ((f = fold_lookup(c))) {
			put_bytes(out, f, strlen(f));
			base_ascii = 1;
			continue;
		}
		m = utf8proc_decompose_char((utf8proc_int32_t)c, d, 32,
					    UTF8PROC_DECOMPOSE |
						    UTF8PROC_COMPAT,
					    &bound);
		if (m < 1 || m > 32) {
			d[0] = (utf8proc_int32_t)c;
			m = 1;
		}
		for (j = 0; j < m; j++) {
			uint32_t x = (uint32_t)d[j];

			if (x < 0x80) {
				put_byte(out, (unsigned char)x);
				base_ascii = 1;
			} else if ((f = fold_lookup(x))) {
				put_bytes(out, f, strlen(f));
				base_ascii = 1;
			} else if (kind(x) == K_MARK) {
				/* A mark on an ASCII base goes; a mark
				 * on a kept letter stays with it. */
				if (!base_ascii) {
					put_cp(out, x);
					kept = 1;
				}
			} else {
				put_cp(out, x);
				base_ascii = 0;
				kept = 1;
			}
		}
	}
	if (kept)
		nfc_tail(out, start);
	finish(out);
	return 0;
}
