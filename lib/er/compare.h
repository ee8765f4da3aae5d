/*
 * compare.h - string, number, date, email, phone and name comparators
 * for record linkage.
 *
 * Every string function works on UTF-8 code points (a character is one
 * unit, so "é" against "e" is one substitution), takes its arguments as
 * (pointer, byte length) pairs that need not be NUL-terminated, and never
 * allocates for strings of up to DQ_CMP_STACK code points (longer ones use
 * the heap).  The input must be valid UTF-8 (the record scanner checks
 * it); an invalid byte counts as one code point of its own.
 *
 * Similarities are in [0, 1], 1 for equal strings.  Two empty strings are
 * equal (1.0); an empty string against a non-empty one is 0.0.  Callers
 * that treat an empty value as missing must check for it first.
 *
 * The algorithms and their references are described in compare.c.
 */
#ifndef DQ_COMPARE_H
#define DQ_COMPARE_H

#include <stddef.h>

#include "base/util.h"

#define DQ_CMP_STACK 128

/* Jaro similarity (Jaro 1989). */
double dq_cmp_jaro(const char *a, size_t an, const char *b, size_t bn);

/* Jaro-Winkler similarity (Winkler 1990): Jaro plus 0.1 per character of
 * common prefix (at most 4) times (1 - Jaro), applied when Jaro is above
 * 0.7.  MARTHA/MARHTA 0.961, DIXON/DICKSONX 0.813, DWAYNE/DUANE 0.84. */
double dq_cmp_jaro_winkler(const char *a, size_t an, const char *b,
			   size_t bn);

/* Levenshtein distance in code points, and the normalized similarity
 * 1 - distance / max(length). */
size_t dq_cmp_levenshtein(const char *a, size_t an, const char *b,
			  size_t bn);
double dq_cmp_levenshtein_sim(const char *a, size_t an, const char *b,
			      size_t bn);

/* Damerau-Levenshtein distance, optimal string alignment variant (an
 * adjacent transposition costs 1; no substring is edited twice), and its
 * normalized similarity. */
size_t dq_cmp_damerau(const char *a, size_t an, const char *b, size_t bn);
double dq_cmp_damerau_sim(const char *a, size_t an, const char *b,
			  size_t bn);

/* Jaccard similarity of the sets of tokens (runs of characters other than
 * white space and ASCII punctuation): |A n B| / |A u B|.  No tokens on
 * either side: 1.0 when both have none, else 0.0. */
double dq_cmp_jaccard(const char *a, size_t an, const char *b, size_t bn);

/* q-gram similarity: the Dice coefficient 2|A n B| / (|A| + |B|) of the
 * multisets of q-grams of the strings padded with q-1 boundary marks on
 * each side (Ukkonen 1992; Christen 2012, section 5.3).  q in 1..8. */
double dq_cmp_qgram(const char *a, size_t an, const char *b, size_t bn,
		    int q);

/* Numeric differences: |x - y|, and |x - y| / max(|x|, |y|) (0 when both
 * are 0). */
double dq_cmp_abs_diff(double x, double y);
double dq_cmp_rel_diff(double x, double y);

/* Date comparison levels, best first. */
enum dq_cmp_date_level {
	DQ_CMP_DATE_EXACT,
	DQ_CMP_DATE_SWAPPED,   /* day and month swapped (3/7 against 7/3) */
	DQ_CMP_DATE_WITHIN,    /* within N days, or one digit edit apart */
	DQ_CMP_DATE_SAME_YEAR,
	DQ_CMP_DATE_DIFFERENT
};

/* Compare two valid dates; within_days >= 0.  One edit (a typo: a digit
 * changed or two adjacent digits transposed in YYYYMMDD) counts as
 * WITHIN, since a mistyped date of birth is as common as a near one; so
 * does the same day and month with the year 1 or 100 years off (1945
 * against 1946 or 2045, a two-digit year read in the wrong century), and
 * the century misread together with day and month swapped (1943-09-08
 * against 2043-08-09: one short date "08/09/43" read both ways). */
enum dq_cmp_date_level dq_cmp_date(int y1, int m1, int d1, int y2, int m2,
				   int d2, int within_days);

/* Email levels.  Inputs are compared as given (lower-case them first). */
enum dq_cmp_email_level {
	DQ_CMP_EMAIL_EXACT,
	DQ_CMP_EMAIL_LOCAL,  /* same local part, other domain */
	DQ_CMP_EMAIL_DOMAIN, /* same domain only */
	DQ_CMP_EMAIL_DIFFERENT
};
enum dq_cmp_email_level dq_cmp_email(const char *a, size_t an, const char *b,
				     size_t bn);

/* Phone levels.  Only the digits count ("+1 (206) 555-0100" has 11).
 * EXACT when the digits are equal or, with at least 10 digits on each
 * side, the last 10 are (a country code written on one side only), or
 * one side is a national number with its trunk 0 and the other the same
 * number with a country code of 1 to 3 digits ("01 55 24 11 16" and
 * "+33 1 55 24 11 16"; "00" opens a country code like '+');
 * LAST_N when the last n digits are equal and one side is partial: it
 * has fewer digits than the other and fewer than 10 ("555-0100" against
 * "+1 206 555 0100").  Two complete numbers that differ are DIFFERENT
 * (+14155552671, +16505552671), and so is a side with fewer than n
 * digits.  Digits after an extension mark (";ext=", "x", "ext", "#")
 * are left out. */
enum dq_cmp_phone_level {
	DQ_CMP_PHONE_EXACT,
	DQ_CMP_PHONE_LAST_N,
	DQ_CMP_PHONE_DIFFERENT
};
enum dq_cmp_phone_level dq_cmp_phone(const char *a, size_t an, const char *b,
				     size_t bn, int n);

/* 1 when the two (lower-case ASCII) given names are the same name by the
 * built-in nickname table (bob = robert, peggy = margaret), or equal. */
int dq_cmp_nickname(const char *a, size_t an, const char *b, size_t bn);

/* 1 when one name is in the nickname table and the other, not in it,
 * is one edit (Damerau) from a name of the first one's group: "mikc"
 * for michael (mick), "pta" for patrick (pat), "lpe" for guadalupe
 * (lupe).  Names of fewer than 3 letters never count. */
int dq_cmp_nickname_typo(const char *a, size_t an, const char *b, size_t bn);

/* 1 when dq_cmp_nickname or dq_cmp_nickname_typo say so, or when
 * neither name is in the table, both have 4 letters or more and each is
 * one edit from a name of the same group: a typo on each side
 * ("geerald" and "jeery" for gerald and jerry).  It scans the table, so
 * it is for the few pairs the household guard reads again (er/decide.h),
 * not for every comparison. */
int dq_cmp_nickname_near(const char *a, size_t an, const char *b, size_t bn);

/*
 * Word tokens of a (folded) text: maximal runs of bytes other than ASCII
 * white space and ASCII punctuation, as dq_cmp_jaccard splits them (a
 * non-ASCII byte is part of a word).  Up to cap tokens are stored in
 * out (pointers into s); returns how many there are in all.
 */
struct dq_cmp_token {
	const char *s;
	size_t n;
};
size_t dq_cmp_tokens(const char *s, size_t n, struct dq_cmp_token *out,
		     size_t cap);

/* The string comparator applied to each pair of words by Monge-Elkan. */
enum dq_cmp_inner {
	DQ_CMP_INNER_JARO_WINKLER,
	DQ_CMP_INNER_LEVENSHTEIN,
	DQ_CMP_INNER_DAMERAU
};

/*
 * Monge-Elkan similarity over the sets of words (Monge and Elkan 1996):
 * for each word of one side the best inner similarity with a word of the
 * other, averaged; the mean of both directions, so the measure is
 * symmetric.  "sony dsc w55 camera" against "dsc-w55 sony" is 0.9375 with
 * Jaro-Winkler.  No words on either side: 1.0 when both have none, else
 * 0.0.  Cost: |A| x |B| inner comparisons.
 */
double dq_cmp_monge_elkan(const char *a, size_t an, const char *b, size_t bn,
			  enum dq_cmp_inner inner);

/*
 * TF-IDF cosine over words (Salton and Buckley 1988): each side is the
 * vector of its words weighted by count x idf(word), the similarity is
 * their cosine.  idf(ctx, word, len) gives a word's weight (> 0); NULL
 * weighs every word 1 (plain cosine of word counts).  No words on either
 * side: 1.0 when both have none, else 0.0; all weights 0: 0.0.
 */
typedef double (*dq_cmp_idf_fn)(const void *ctx, const char *w, size_t n);
double dq_cmp_tfidf(const char *a, size_t an, const char *b, size_t bn,
		    dq_cmp_idf_fn idf, const void *ctx);

/*
 * Product and part codes.  A code is a word of the folded text, with the
 * joiners '-', '/' and '.' inside it taken out ("dsc-w55" is "dscw55",
 * "978-0-13-110362-7" is "9780131103627"), of at least 4 characters that
 * holds a digit and is not a quantity: not 4 or 5 digits alone (a year,
 * a number: codes of digits alone have 6 or more, ISBN, UPC, EAN), nor
 * up to 5 digits followed by up to 3 letters ("500gb", "1080p", "35mm").
 * Levels: EXACT the same set of codes, SHARED a code in common, CLOSE a
 * code of 5 characters or more one edit (Damerau) from one of the other
 * side's, CONFLICT codes on both sides and none of these, NONE no code on
 * one side or both.  At most DQ_CMP_MAX_CODES codes per side are read.
 */
#define DQ_CMP_MAX_CODES 32
enum dq_cmp_code_level {
	DQ_CMP_CODE_EXACT,
	DQ_CMP_CODE_SHARED,
	DQ_CMP_CODE_CLOSE,
	DQ_CMP_CODE_CONFLICT,
	DQ_CMP_CODE_NONE
};
enum dq_cmp_code_level dq_cmp_code(const char *a, size_t an, const char *b,
				   size_t bn);

/* The first year in a text: a run of exactly 4 digits from 1000 to 2999
 * ("2007", "Proc. VLDB 1998, pp. 12-20", "2001-05-03"), or 0. */
int dq_cmp_year(const char *s, size_t n);

/*
 * The comparison form of a text value, appended to out: white space
 * trimmed and collapsed to one space, ASCII-folded (dq_text_ascii),
 * lower-cased.  ASCII input takes a fast path without utf8proc.
 */
void dq_cmp_fold(const char *s, size_t n, struct dq_buf *out);

#endif
