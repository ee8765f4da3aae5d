/*
 * test_text.c - unit tests for lib/norm/text.c (Unicode text normalizers).
 *
 * Each case runs a normalizer on a buffer that already holds "<<", so the
 * tests also check that results are appended, that the buffer stays
 * NUL-terminated, and that a rejected input appends nothing.  Inputs are
 * byte strings (sizeof, not strlen) so embedded NULs are tested too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "norm/text.h"
#include "unit.h"

typedef int (*text_fn)(const char *, size_t, struct dq_buf *);

/* A printable label for a TAP line: control bytes as \xNN, at most 60. */
static void
label(char *dst, size_t cap, const char *fname, const char *in, size_t n,
      int line)
{
	size_t i, k;

	k = (size_t)snprintf(dst, cap, "%s(\"", fname);
	for (i = 0; i < n && i < 60 && k + 8 < cap; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c < 0x20 || c == 0x7F)
			k += (size_t)snprintf(dst + k, cap - k, "\\x%02x", c);
		else
			dst[k++] = (char)c;
	}
	snprintf(dst + k, cap - k, "\") line %d", line);
}

static void
check(text_fn f, const char *fname, const char *in, size_t inlen,
      const char *want, size_t wantlen, int line)
{
	struct dq_buf b = DQ_BUF_INIT;
	char what[160];
	int rc, ok;

	dq_buf_addstr(&b, "<<");
	rc = f(in, inlen, &b);
	ok = rc == 0 && b.len == wantlen + 2 && !memcmp(b.buf, "<<", 2) &&
	     !memcmp(b.buf + 2, want, wantlen) && b.buf[b.len] == '\0';
	label(what, sizeof(what), fname, in, inlen, line);
	unit_report(ok, __FILE__, line, what);
	if (!ok) {
		printf("#   rc %d\n", rc);
		unit_show_str("got ", b.buf + 2, b.len >= 2 ? b.len - 2 : 0);
		unit_show_str("want", want, wantlen);
	}
	dq_buf_release(&b);
}

static void
check_bad(text_fn f, const char *fname, const char *in, size_t inlen,
	  int line)
{
	struct dq_buf b = DQ_BUF_INIT;
	char what[160];
	int rc;

	dq_buf_addstr(&b, "<<");
	rc = f(in, inlen, &b);
	snprintf(what, sizeof(what), "%s rejects invalid input, line %d",
		 fname, line);
	unit_report(rc == -1 && b.len == 2 && !strcmp(b.buf, "<<"), __FILE__,
		    line, what);
	dq_buf_release(&b);
}

#define T(f, in, want) \
	check(f, #f, in, sizeof(in) - 1, want, sizeof(want) - 1, __LINE__)
#define BAD(f, in) check_bad(f, #f, in, sizeof(in) - 1, __LINE__)

/* title_name with the default particles, as a text_fn. */
static int
name(const char *s, size_t n, struct dq_buf *out)
{
	return dq_text_title_name(s, n, NULL, out);
}

static const char *const bin_only[] = { "bin", NULL };

static int
name_bin(const char *s, size_t n, struct dq_buf *out)
{
	struct dq_name_opts o = { bin_only };

	return dq_text_title_name(s, n, &o, out);
}

#define VALID(in, want)                                                      \
	UNIT_INT(dq_utf8_valid(in, sizeof(in) - 1), want,               \
		 "valid_utf8(" #in ")")

static void
test_valid(void)
{
	VALID("", 1);
	VALID("plain ascii", 1);
	VALID("a\0b", 1);
	VALID("\xC3\xA9", 1);			/* é */
	VALID("\xED\x9F\xBF", 1);		/* U+D7FF */
	VALID("\xEE\x80\x80", 1);		/* U+E000 */
	VALID("\xEF\xBF\xBE", 1);		/* U+FFFE noncharacter */
	VALID("\xF0\x9F\x98\x80", 1);		/* U+1F600 */
	VALID("\xF4\x8F\xBF\xBF", 1);		/* U+10FFFF */
	VALID("\xC3", 0);			/* truncated */
	VALID("\xE2\x82", 0);			/* truncated */
	VALID("\xF0\x9F\x98", 0);		/* truncated */
	VALID("\x80", 0);			/* lone continuation */
	VALID("\xC2\x41", 0);			/* bad continuation */
	VALID("\xC0\xAF", 0);			/* overlong '/' */
	VALID("\xC1\xBF", 0);			/* overlong */
	VALID("\xE0\x80\xAF", 0);		/* overlong 3-byte */
	VALID("\xE0\x9F\xBF", 0);		/* overlong 3-byte */
	VALID("\xF0\x80\x80\xAF", 0);		/* overlong 4-byte */
	VALID("\xF0\x8F\xBF\xBF", 0);		/* overlong 4-byte */
	VALID("\xED\xA0\x80", 0);		/* surrogate U+D800 */
	VALID("\xED\xBF\xBF", 0);		/* surrogate U+DFFF */
	VALID("\xF4\x90\x80\x80", 0);		/* U+110000 */
	VALID("\xF5\x80\x80\x80", 0);
	VALID("\xFF", 0);
	VALID("\xFE", 0);
	VALID("abcdefghijklmnop\x80", 0);	/* after the 8-byte loop */
	VALID("abcdefgh\xC3\xA9ijklmnopq\xED\xA0\x80", 0);
}

static void
test_invalid_everywhere(void)
{
	static const text_fn fns[] = {
		dq_text_trim,  dq_text_collapse, dq_text_nfc,
		dq_text_nfkc,  dq_text_lower,	 dq_text_upper,
		dq_text_casefold, dq_text_title, name,
		dq_text_ascii,
	};
	static const char *const names[] = {
		"trim",	 "collapse", "nfc",	 "nfkc",  "lower",
		"upper", "casefold", "title",	 "title_name", "ascii",
	};
	size_t i;

	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		check_bad(fns[i], names[i], " abc \xC3", 6, __LINE__);
		check_bad(fns[i], names[i], "\xC0\xAF", 2, __LINE__);
		check_bad(fns[i], names[i], "x \xED\xA0\x80 y", 7, __LINE__);
		check_bad(fns[i], names[i], "\xF4\x90\x80\x80", 4, __LINE__);
	}
	BAD(dq_text_ascii, "caf\xC3\xA9\xFF");
}

static void
test_trim(void)
{
	T(dq_text_trim, "", "");
	T(dq_text_trim, "   ", "");
	T(dq_text_trim, " \t\r\n\v\f", "");
	T(dq_text_trim, "abc", "abc");
	T(dq_text_trim, " \t a b \r\n", "a b");
	T(dq_text_trim, "\xC2\xA0x\xC2\xA0", "x");		/* NBSP */
	T(dq_text_trim, "\xC2\x85x\xC2\x85", "x");		/* NEL */
	T(dq_text_trim, "\xE3\x80\x80\xE5\x90\x8D\xE3\x80\x80",
	  "\xE5\x90\x8D");					/* U+3000 */
	T(dq_text_trim, "\xE2\x80\x80\xE2\x80\x8Ax\xE2\x80\x85", "x");
	T(dq_text_trim, "\xE1\x9A\x80x\xE2\x80\xA8\xE2\x80\xA9", "x");
	T(dq_text_trim, "\xE2\x80\xAFx\xE2\x81\x9F", "x");
	/* Not White_Space: ZWSP, BOM, U+001C. */
	T(dq_text_trim, "\xE2\x80\x8Bx\xE2\x80\x8B",
	  "\xE2\x80\x8Bx\xE2\x80\x8B");
	T(dq_text_trim, "\xEF\xBB\xBFx", "\xEF\xBB\xBFx");
	T(dq_text_trim, "\x1Cx", "\x1Cx");
	/* à is C3 A0 and Ġ is C4 A0: an A0 byte is not always NBSP. */
	T(dq_text_trim, "x\xC3\xA0", "x\xC3\xA0");
	T(dq_text_trim, "x\xC4\xA0 ", "x\xC4\xA0");
	/* U+2080 (E2 82 80) ends like U+2000 (E2 80 80) and U+3000. */
	T(dq_text_trim, "x\xE2\x82\x80", "x\xE2\x82\x80");
	T(dq_text_trim, " a\0b ", "a\0b");
}

static void
test_collapse(void)
{
	T(dq_text_collapse, "", "");
	T(dq_text_collapse, " \t\n ", "");
	T(dq_text_collapse, "a b", "a b");
	T(dq_text_collapse, "  a  \t b\xC2\xA0\xC2\xA0" "c  ", "a b c");
	T(dq_text_collapse, "a\xE3\x80\x80\n b", "a b");
	T(dq_text_collapse, "\xC3\xA0\xC3\xA0 \xE2\x80\x83 \xC3\xA0",
	  "\xC3\xA0\xC3\xA0 \xC3\xA0");
	T(dq_text_collapse, "x\r\ny", "x y");
	T(dq_text_collapse, "a\xE2\x80\x8B b", "a\xE2\x80\x8B b");
}

static void
test_nfc(void)
{
	T(dq_text_nfc, "", "");
	T(dq_text_nfc, "plain", "plain");
	T(dq_text_nfc, "e\xCC\x81", "\xC3\xA9");
	T(dq_text_nfc, "cafe\xCC\x81!", "caf\xC3\xA9!");
	T(dq_text_nfc, "caf\xC3\xA9", "caf\xC3\xA9");
	T(dq_text_nfc, "A\xCC\x8A", "\xC3\x85");
	T(dq_text_nfc, "\xE2\x84\xAB", "\xC3\x85");		/* Å sign */
	T(dq_text_nfc, "\xE1\x84\x80\xE1\x85\xA1", "\xEA\xB0\x80"); /* 가 */
	/* Canonical reordering: dot below (220) before acute (230). */
	T(dq_text_nfc, "a\xCC\x81\xCC\xA3", "\xE1\xBA\xA1\xCC\x81");
	/* NFC keeps compatibility characters. */
	T(dq_text_nfc, "\xEF\xAC\x81", "\xEF\xAC\x81");
	T(dq_text_nfc, "\xC3\xA9\xC3\xB1 e\xCC\x81",
	  "\xC3\xA9\xC3\xB1 \xC3\xA9");
}

static void
test_nfkc(void)
{
	T(dq_text_nfkc, "", "");
	T(dq_text_nfkc, "plain", "plain");
	T(dq_text_nfkc, "\xEF\xAC\x81", "fi");			/* ﬁ */
	T(dq_text_nfkc, "o\xEF\xAC\x83" "ce", "office");	/* ﬃ */
	T(dq_text_nfkc, "\xEF\xBC\xA6\xEF\xBD\x95\xEF\xBD\x8C\xEF\xBD\x8C",
	  "Full");						/* full width */
	T(dq_text_nfkc, "\xEF\xBC\x91\xEF\xBC\x92", "12");
	T(dq_text_nfkc, "\xE2\x91\xA0", "1");			/* ① */
	T(dq_text_nfkc, "x\xC2\xB2", "x2");
	T(dq_text_nfkc, "a\xC2\xA0" "b", "a b");		/* NBSP */
	T(dq_text_nfkc, "e\xCC\x81", "\xC3\xA9");
	T(dq_text_nfkc, "\xEF\xBD\xB6", "\xE3\x82\xAB");	/* ｶ -> カ */
	T(dq_text_nfkc, "\xE2\x85\xAB", "XII");			/* Ⅻ */
	T(dq_text_nfkc, "\xE3\x8E\x8F", "kg");			/* ㎏ */
}

static void
test_case(void)
{
	T(dq_text_lower, "", "");
	T(dq_text_lower, "ABC def 123", "abc def 123");
	T(dq_text_lower, "\xC3\x89LODIE", "\xC3\xA9lodie");
	T(dq_text_lower, "\xC3\x87" "A\xC4\x9ELAR", "\xC3\xA7" "a\xC4\x9Flar");
	T(dq_text_lower, "\xC4\xB0STANBUL", "istanbul");	/* İ -> i */
	T(dq_text_lower, "I", "i");				/* no tr rule */
	T(dq_text_lower, "\xE1\xBA\x9E", "\xC3\x9F");		/* ẞ -> ß */
	T(dq_text_lower, "\xC7\x84", "\xC7\x86");		/* Ǆ -> ǆ */
	T(dq_text_lower, "E\xCC\x81", "\xC3\xA9");		/* NFC */
	/* ΟΔΥΣΣΕΥΣ -> οδυσσευς: only the last sigma is final. */
	T(dq_text_lower, "\xCE\x9F\xCE\x94\xCE\xA5\xCE\xA3\xCE\xA3\xCE\x95"
			 "\xCE\xA5\xCE\xA3",
	  "\xCE\xBF\xCE\xB4\xCF\x85\xCF\x83\xCF\x83\xCE\xB5\xCF\x85\xCF\x82");
	T(dq_text_lower, "\xCE\xA3", "\xCF\x83");		/* lone Σ */
	T(dq_text_lower, "\xCE\x91\xCE\xA3.", "\xCE\xB1\xCF\x82.");
	T(dq_text_lower, "a\0B", "a\0b");

	T(dq_text_upper, "", "");
	T(dq_text_upper, "abc DEF 123", "ABC DEF 123");
	T(dq_text_upper, "stra\xC3\x9F" "e", "STRASSE");	/* ß -> SS */
	T(dq_text_upper, "\xEF\xAC\x81ne", "FINE");		/* ﬁ -> FI */
	T(dq_text_upper, "\xC4\xB1", "I");			/* ı -> I */
	T(dq_text_upper, "i", "I");
	T(dq_text_upper, "\xC3\xA9lodie", "\xC3\x89LODIE");
	T(dq_text_upper, "\xC7\xB0", "J\xCC\x8C");		/* ǰ */
	T(dq_text_upper, "\xC5\x89", "\xCA\xBCN");		/* ŉ */
	T(dq_text_upper, "\xC2\xB5", "\xCE\x9C");		/* µ -> Μ */
	T(dq_text_upper, "\xC3\xBF", "\xC5\xB8");		/* ÿ -> Ÿ */
	T(dq_text_upper, "e\xCC\x81", "\xC3\x89");		/* NFC */
	T(dq_text_upper, "\xCE\x90", "\xCE\xAA\xCC\x81");	/* ΐ, NFC */

	T(dq_text_casefold, "", "");
	T(dq_text_casefold, "ABC", "abc");
	T(dq_text_casefold, "Stra\xC3\x9F" "e", "strasse");
	T(dq_text_casefold, "STRASSE", "strasse");
	T(dq_text_casefold, "\xE1\xBA\x9E", "ss");		/* ẞ */
	T(dq_text_casefold, "\xCE\xA3\xCE\x91\xCF\x82",
	  "\xCF\x83\xCE\xB1\xCF\x83");
	T(dq_text_casefold, "\xC4\xB0", "i\xCC\x87");		/* İ: C+F */
	T(dq_text_casefold, "\xEF\xAC\x81", "fi");
	T(dq_text_casefold, "CAFE\xCC\x81", "caf\xC3\xA9");
}

static void
test_title(void)
{
	T(dq_text_title, "", "");
	T(dq_text_title, "hello world", "Hello World");
	T(dq_text_title, "HELLO wORLD", "Hello World");
	T(dq_text_title, "don't stop", "Don't Stop");
	T(dq_text_title, "don\xE2\x80\x99t", "Don\xE2\x80\x99t");
	T(dq_text_title, "jean-luc", "Jean-Luc");
	T(dq_text_title, "3rd street", "3rd Street");
	T(dq_text_title, "o'brien", "O'brien");
	T(dq_text_title, "'quoted'", "'Quoted'");
	T(dq_text_title, "\xC3\xA9lodie", "\xC3\x89lodie");
	T(dq_text_title, "\xC7\x86" "emal", "\xC7\x85" "emal");	/* ǅ */
	T(dq_text_title, "\xC3\x9F" "a", "Ssa");
	T(dq_text_title, "\xEF\xAC\x81nn", "Finn");
	T(dq_text_title, "e\xCC\x81MILE", "\xC3\x89mile");
	T(dq_text_title, "a.b,c", "A.B,C");
}

static void
test_names(void)
{
	T(name, "", "");
	T(name, "   ", "   ");
	T(name, "mcdonald", "McDonald");
	T(name, "MCDONALD", "McDonald");
	T(name, "mc", "Mc");
	T(name, "macdonald", "MacDonald");
	T(name, "MACDONALD", "MacDonald");
	T(name, "macleod", "MacLeod");
	T(name, "macon", "Macon");			/* too short */
	T(name, "macek", "Macek");
	T(name, "douglas macarthur", "Douglas MacArthur");
	T(name, "mack", "Mack");
	T(name, "macy", "Macy");
	T(name, "mace", "Mace");
	T(name, "mackey", "Mackey");
	T(name, "machado", "Machado");
	T(name, "macias", "Macias");
	T(name, "macario", "Macario");
	T(name, "maciej", "Maciej");
	T(name, "mcdonald-smith", "McDonald-Smith");
	T(name, "o'brien", "O'Brien");
	T(name, "O'BRIEN", "O'Brien");
	T(name, "o\xE2\x80\x99" "brien", "O\xE2\x80\x99" "Brien");
	T(name, "d'angelo", "D'Angelo");
	T(name, "dell'acqua", "Dell'Acqua");
	T(name, "jones's", "Jones's");
	T(name, "jean-luc", "Jean-Luc");
	T(name, "JEAN-LUC PICARD", "Jean-Luc Picard");
	T(name, "mary-kate o'neil-smith", "Mary-Kate O'Neil-Smith");
	T(name, "van der berg", "Van der Berg");
	T(name, "pieter van der berg", "Pieter van der Berg");
	T(name, "ludwig van beethoven", "Ludwig van Beethoven");
	T(name, "LUDWIG VAN BEETHOVEN", "Ludwig van Beethoven");
	T(name, "maria de la cruz", "Maria de la Cruz");
	T(name, "abdullah al saud", "Abdullah al Saud");
	T(name, "anna le", "Anna Le");
	T(name, "DiCaprio", "DiCaprio");
	T(name, "leonardo DiCaprio", "Leonardo DiCaprio");
	T(name, "McDonald", "McDonald");
	T(name, "Ronald McDonald", "Ronald McDonald");
	T(name, "Macdonald", "Macdonald");
	T(name, "Ludwig Van Beethoven", "Ludwig Van Beethoven");
	T(name, "jOHN", "John");     /* caps-lock slip: re-cased */
	T(name, "mARY-kate", "Mary-Kate");
	T(name, "deVries", "Devries"); /* the price of the rule */
	T(name, "\xC3\x89LODIE", "\xC3\x89lodie");
	T(name, "\xC3\xA9lodie", "\xC3\x89lodie");
	T(name, "e\xCC\x81lodie", "\xC3\x89lodie");
	T(name, "\xC3\x87" "A\xC4\x9ELAR", "\xC3\x87" "a\xC4\x9Flar");
	T(name, "JOHN SMITH", "John Smith");
	T(name, "john SMITH", "John Smith");
	T(name, "  john   smith  ", "  John   Smith  ");
	T(name, "henry viii", "Henry VIII");
	T(name, "HENRY VIII", "Henry VIII");
	T(name, "o'neil iii", "O'Neil III");
	T(name, "john smith iv", "John Smith IV");
	T(name, "john smith ii jr", "John Smith II Jr");
	T(name, "john smith jr", "John Smith Jr");
	T(name, "JOHN SMITH SR.", "John Smith Sr.");
	T(name, "martin luther king jr.", "Martin Luther King Jr.");
	T(name, "john iii smith", "John Iii Smith");	/* not a suffix */
	T(name, "viii", "Viii");			/* first word */
	T(name, "li xi", "Li Xi");			/* XI excluded */
	T(name, "henry vi", "Henry Vi");		/* VI excluded */
	T(name, "j. r. r. tolkien", "J. R. R. Tolkien");
	T(name, "ǅOKIĆ", "ǅokić");
	/* ΣΩΚΡΑΤΗΣ -> Σωκρατης (final sigma). */
	T(name, "\xCE\xA3\xCE\xA9\xCE\x9A\xCE\xA1"
		"\xCE\x91\xCE\xA4\xCE\x97\xCE\xA3",
	  "\xCE\xA3\xCF\x89\xCE\xBA\xCF\x81\xCE\xB1\xCF\x84\xCE\xB7\xCF\x82");
	T(name, "\xE6\x9D\x8E \xE5\xB0\x8F\xE9\xBE\x99",
	  "\xE6\x9D\x8E \xE5\xB0\x8F\xE9\xBE\x99");	/* 李 小龙 */
	/* Caller's particles replace the default list. */
	T(name_bin, "omar bin laden", "Omar bin Laden");
	T(name_bin, "ludwig van beethoven", "Ludwig Van Beethoven");
}

static void
test_ascii(void)
{
	static const struct {
		const char *in, *want;
	} table[] = {
		{ "Ł", "L" },	 { "ł", "l" },	 { "Ø", "O" },	 { "ø", "o" },
		{ "Æ", "AE" },	 { "æ", "ae" },	 { "Œ", "OE" },	 { "œ", "oe" },
		{ "Þ", "TH" },	 { "þ", "th" },	 { "Ð", "D" },	 { "ð", "d" },
		{ "Đ", "D" },	 { "đ", "d" },	 { "ß", "ss" },	 { "ẞ", "SS" },
		{ "ı", "i" },	 { "Ħ", "H" },	 { "ħ", "h" },	 { "ŀ", "l" },
		{ "Ŀ", "L" },	 { "Ŋ", "N" },	 { "ŋ", "n" },	 { "ĸ", "q" },
		{ "ſ", "s" },	 { "’", "'" },	 { "‘", "'" },	 { "‚", "'" },
		{ "‛", "'" },	 { "′", "'" },	 { "ʼ", "'" },	 { "‹", "'" },
		{ "›", "'" },	 { "“", "\"" },	 { "”", "\"" },	 { "„", "\"" },
		{ "‟", "\"" },	 { "″", "\"" },	 { "«", "\"" },	 { "»", "\"" },
		{ "‐", "-" },	 { "‑", "-" },	 { "‒", "-" },	 { "–", "-" },
		{ "—", "-" },	 { "―", "-" },	 { "−", "-" },	 { "…", "..." },
		{ "⁄", "/" },
	};
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		check(dq_text_ascii, "ascii table", table[i].in,
		      strlen(table[i].in), table[i].want,
		      strlen(table[i].want), __LINE__);

	T(dq_text_ascii, "", "");
	T(dq_text_ascii, "plain", "plain");
	T(dq_text_ascii, "Cr\xC3\xA8me Br\xC3\xBBl\xC3\xA9" "e",
	  "Creme Brulee");
	T(dq_text_ascii, "e\xCC\x81", "e");
	/* Łódź */
	T(dq_text_ascii, "\xC5\x81\xC3\xB3" "d\xC5\xBA", "Lodz");
	T(dq_text_ascii, "\xC7\xBE", "O");			/* Ǿ */
	T(dq_text_ascii, "\xC7\xA2", "AE");			/* Ǣ */
	T(dq_text_ascii, "\xEF\xAC\x81", "fi");
	T(dq_text_ascii, "\xEF\xBC\xA6\xEF\xBD\x95\xEF\xBD\x8C\xEF\xBD\x8C",
	  "Full");
	T(dq_text_ascii, "\xC2\xBD", "1/2");			/* ½ */
	T(dq_text_ascii, "\xE2\x84\xA2", "TM");
	T(dq_text_ascii, "\xC7\x84", "DZ");			/* Ǆ */
	T(dq_text_ascii, "a\xC2\xA0" "b", "a b");
	T(dq_text_ascii, "Stra\xC3\x9F" "e", "Strasse");
	T(dq_text_ascii,
	  "\xE2\x80\x9CHi\xE2\x80\x9D \xE2\x80\x93 ok\xE2\x80\xA6",
	  "\"Hi\" - ok...");
	/* No ASCII form: kept, in NFC, marks and all. */
	T(dq_text_ascii,
	  "M\xC3\xBCller \xD0\x94\xD0\xBC\xD0\xB8\xD1\x82\xD1\x80"
	  "\xD0\xB8\xD0\xB9",
	  "Muller \xD0\x94\xD0\xBC\xD0\xB8\xD1\x82\xD1\x80\xD0\xB8\xD0\xB9");
	T(dq_text_ascii, "\xD0\xB8\xCC\x86", "\xD0\xB9");	/* и + breve */
	T(dq_text_ascii, "\xED\x95\x9C\xEA\xB5\xAD",
	  "\xED\x95\x9C\xEA\xB5\xAD");
	T(dq_text_ascii, "\xE4\xB8\xAD", "\xE4\xB8\xAD");
	T(dq_text_ascii, "\xCE\xAC", "\xCE\xAC");		/* ά kept */
	T(dq_text_ascii, "\xCC\x81" "a", "\xCC\x81" "a");	/* no base */
	T(dq_text_ascii, "x\0\xC3\xA9", "x\0e");
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Fill n bytes with copies of pat; return the malloc'd buffer. */
static char *
repeat(const char *pat, size_t n)
{
	char *s = malloc(n + 1);
	size_t m = strlen(pat), i;

	for (i = 0; i < n; i++)
		s[i] = pat[i % m];
	s[n] = '\0';
	return s;
}

/*
 * 1 MB inputs: exact results, and a time bound that only a quadratic
 * algorithm (minutes at this size) would miss, even under ASan.
 */
static void
test_big(void)
{
	const size_t mb = 1 << 20;
	struct dq_buf b = DQ_BUF_INIT;
	char *s, *want;
	double t;
	size_t i;

	/* "Hello World " x 87381 plus 4 bytes: ASCII fast paths. */
	s = repeat("hello world ", mb);
	want = repeat("HELLO WORLD ", mb);
	t = now();
	UNIT_INT(dq_text_upper(s, mb, &b), 0, "upper 1 MB");
	UNIT_MEM(b.buf, b.len, want, mb, "upper 1 MB result");
	dq_buf_reset(&b);
	UNIT_INT(dq_text_lower(want, mb, &b), 0, "lower 1 MB");
	UNIT_MEM(b.buf, b.len, s, mb, "lower 1 MB result");
	dq_buf_reset(&b);
	UNIT_INT(dq_text_trim(s, mb, &b), 0, "trim 1 MB");
	UNIT_MEM(b.buf, b.len, s, mb, "trim 1 MB (ends in \"hell\")");
	dq_buf_reset(&b);
	UNIT_INT(dq_text_trim(s + 5, mb - 10, &b), 0, "trim 1 MB inner");
	UNIT_MEM(b.buf, b.len, s + 6, mb - 11, "trim 1 MB drops one space");
	dq_buf_reset(&b);
	free(want);
	want = repeat("Hello World ", mb);
	UNIT_INT(name(s, mb, &b), 0, "title_name 1 MB");
	UNIT_MEM(b.buf, b.len, want, mb, "title_name 1 MB result");
	dq_buf_reset(&b);
	UNIT_INT(dq_text_title(s, mb, &b), 0, "title 1 MB");
	UNIT_MEM(b.buf, b.len, want, mb, "title 1 MB result");
	dq_buf_reset(&b);
	UNIT_INT(dq_text_ascii(s, mb, &b), 0, "ascii 1 MB");
	UNIT_MEM(b.buf, b.len, s, mb, "ascii 1 MB result");
	dq_buf_reset(&b);
	UNIT_OK(now() - t < 5.0, "ASCII 1 MB x 6 in under 5 s");
	free(s);
	free(want);

	/* Runs of mixed white space, 8 bytes a period. */
	s = repeat("a \xC2\xA0\t\xE3\x80\x80", mb);
	want = repeat("a ", mb / 4);
	t = now();
	UNIT_INT(dq_text_collapse(s, mb, &b), 0, "collapse 1 MB");
	UNIT_MEM(b.buf, b.len, want, mb / 4 - 1, "collapse 1 MB result");
	UNIT_OK(now() - t < 2.0, "collapse 1 MB in under 2 s");
	dq_buf_reset(&b);
	free(s);
	free(want);

	/* Decomposed é x 349525 (3 bytes each): the utf8proc paths. */
	s = repeat("e\xCC\x81", mb - 1);
	want = repeat("\xC3\xA9", (mb - 1) / 3 * 2);
	t = now();
	UNIT_INT(dq_text_nfc(s, mb - 1, &b), 0, "nfc 1 MB");
	UNIT_MEM(b.buf, b.len, want, (mb - 1) / 3 * 2, "nfc 1 MB result");
	dq_buf_reset(&b);
	UNIT_INT(dq_text_lower(s, mb - 1, &b), 0, "lower 1 MB decomposed");
	UNIT_MEM(b.buf, b.len, want, (mb - 1) / 3 * 2,
		 "lower 1 MB decomposed result");
	dq_buf_reset(&b);
	UNIT_INT(dq_text_ascii(s, mb - 1, &b), 0, "ascii 1 MB decomposed");
	UNIT_INT(b.len, (mb - 1) / 3, "ascii 1 MB decomposed length");
	for (i = 0; i < b.len && b.buf[i] == 'e'; i++)
		;
	UNIT_INT(i, (mb - 1) / 3, "ascii 1 MB decomposed is all 'e'");
	dq_buf_reset(&b);
	UNIT_OK(now() - t < 5.0, "non-ASCII 1 MB x 3 in under 5 s");
	free(s);
	free(want);

	/* 1 MB of ASCII, then one decomposed letter at the very end. */
	s = repeat("a", mb + 3);
	memcpy(s + mb, "e\xCC\x81", 3);
	UNIT_INT(dq_text_nfc(s, mb + 3, &b), 0, "nfc long prefix");
	UNIT_INT(b.len, mb + 2, "nfc long prefix length");
	UNIT_MEM(b.buf + mb, 2, "\xC3\xA9", 2, "nfc long prefix tail");
	UNIT_MEM(b.buf, mb, s, mb, "nfc long prefix head");
	dq_buf_reset(&b);
	UNIT_INT(dq_text_nfkc(s, mb + 3, &b), 0, "nfkc long prefix");
	UNIT_MEM(b.buf + mb, 2, "\xC3\xA9", 2, "nfkc long prefix tail");
	dq_buf_reset(&b);
	UNIT_INT(dq_text_casefold(s, mb + 3, &b), 0, "casefold long prefix");
	UNIT_INT(b.len, mb + 2, "casefold long prefix length");
	dq_buf_reset(&b);
	free(s);

	/* An invalid byte at the end of 1 MB appends nothing. */
	s = repeat("abc", mb);
	s[mb - 1] = (char)0xC3;
	UNIT_INT(dq_text_lower(s, mb, &b), -1, "lower rejects 1 MB bad tail");
	UNIT_INT(b.len, 0, "lower 1 MB bad tail appends nothing");
	free(s);
	dq_buf_release(&b);
}

int
main(void)
{
	test_valid();
	test_invalid_everywhere();
	test_trim();
	test_collapse();
	test_nfc();
	test_nfkc();
	test_case();
	test_title();
	test_names();
	test_ascii();
	test_big();
	return unit_done();
}
