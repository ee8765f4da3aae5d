/*
 * text.h - Unicode text normalizers: trim, collapse, NFC/NFKC, case,
 * person-name title case, ASCII folding, UTF-8 validation.
 *
 * Every normalizer reads s, n bytes of UTF-8 that need not be
 * NUL-terminated (and may contain NUL bytes), and APPENDS its result to
 * out, which stays NUL-terminated.  It returns 0 on success and -1 when s
 * is not valid UTF-8 (see dq_utf8_valid()), in which case out is left
 * exactly as it was.  s is borrowed and must not point into out (appending
 * may move out's storage).  No function keeps a pointer to its arguments
 * after it returns, and none keeps global state, so they are safe to call
 * from several threads on different buffers.
 *
 * Pure ASCII input never reaches utf8proc: it is handled by byte loops.
 *
 * What each function does with the awkward characters:
 *   - White space is Unicode White_Space (UAX #44, PropList.txt), 25 code
 *     points: U+0009..000D, U+0020, U+0085, U+00A0, U+1680,
 *     U+2000..200A, U+2028, U+2029, U+202F, U+205F, U+3000.  U+200B ZERO
 *     WIDTH SPACE and U+FEFF BOM are not White_Space and are kept.
 *   - Case mapping uses utf8proc's simple (one code point) mappings, plus
 *     the unconditional one-to-many upper/title mappings of
 *     SpecialCasing.txt for Latin, Greek ΐ ΰ and Armenian ligatures:
 *     upper("ß") is "SS" (utf8proc alone would give U+1E9E "ẞ"), upper("ﬁ")
 *     is "FI".  lower("İ") (U+0130) is plain "i" (the simple mapping, not
 *     "i" + U+0307); upper("ı") is "I".  No locale rules: Turkish and
 *     Lithuanian dotted/dotless i are not special-cased.  Capital sigma
 *     lowers to final "ς" at the end of a word (a simplified Final_Sigma
 *     condition: a letter before it, no letter after it).
 */
#ifndef DQ_TEXT_H
#define DQ_TEXT_H

#include <stddef.h>

#include "base/utf8.h"
#include "base/util.h"

/* Remove leading and trailing White_Space (see above). */
int dq_text_trim(const char *s, size_t n, struct dq_buf *out);

/* Trim, and replace each inner run of White_Space by one U+0020. */
int dq_text_collapse(const char *s, size_t n, struct dq_buf *out);

/* Unicode Normalization Form C / KC (UAX #15). */
int dq_text_nfc(const char *s, size_t n, struct dq_buf *out);
int dq_text_nfkc(const char *s, size_t n, struct dq_buf *out);

/* Lower/upper case (see the mapping notes above).  The result is NFC. */
int dq_text_lower(const char *s, size_t n, struct dq_buf *out);
int dq_text_upper(const char *s, size_t n, struct dq_buf *out);

/* Full case folding for caseless comparison (utf8proc CASEFOLD, Unicode
 * CaseFolding.txt C+F): "Straße" and "STRASSE" both give "strasse".  The
 * result is NFC. */
int dq_text_casefold(const char *s, size_t n, struct dq_buf *out);

/* Plain title case: the first character of each word, if it is a letter,
 * takes its title-case form; every other letter is lower-cased.  A word is
 * a run of letters, combining marks and digits, plus an apostrophe (' ’ ʼ)
 * between two letters: "don't stop" -> "Don't Stop", "jean-luc" ->
 * "Jean-Luc", "3rd" -> "3rd".  The result is NFC. */
int dq_text_title(const char *s, size_t n, struct dq_buf *out);

struct dq_name_opts {
	/* NULL-terminated list of lower-case NFC particles such as "van",
	 * "de", "von"; NULL selects the built-in list (DQ_TEXT_PARTICLES in
	 * text.c).  Borrowed for the duration of the call. */
	const char *const *particles;
};

/*
 * Title case for person names.  o may be NULL (defaults).  The rules,
 * applied to each white-space separated word:
 *   1. A word in mixed case whose first cased letter is a capital looks
 *      deliberately cased ("McDonald", "DiCaprio", "Macdonald") and is
 *      copied unchanged, as is a word with no cased letter.  Mixed case
 *      that starts lower-case ("jOHN", "mARY-kate") is a caps-lock slip
 *      and is re-cased (the price: "deVries" becomes "Devries").
 *   2. A particle (from o->particles) stays lower-case unless it is the
 *      first or the last word: "ludwig van beethoven" -> "Ludwig van
 *      Beethoven", "van der berg" -> "Van der Berg", "anna le" ->
 *      "Anna Le" (Le is also a surname).
 *   3. A suffix Roman numeral -- a canonical numeral from II to XXXIX made
 *      of I, V, X, not the first word, followed by nothing but other
 *      suffixes (numerals, jr, sr, jnr, snr, an optional '.' or ',') --
 *      is upper-cased: "henry viii" -> "Henry VIII".  VI and XI are
 *      excluded because Vi and Xi are common surnames.
 *   4. Otherwise every run of letters (and combining marks) takes title
 *      case and is lower-cased after its first letter, so hyphen and
 *      apostrophe parts are capitalised ("jean-luc" -> "Jean-Luc",
 *      "o'brien" -> "O'Brien", "d'angelo" -> "D'Angelo"), except that a
 *      single letter after an apostrophe inside a word stays lower-case
 *      ("jones's").  "jr" -> "Jr" falls out of this.
 *   5. Within rule 4, a run starting with "mc" and at least one more
 *      letter becomes Mc + capitalised rest ("mcdonald" -> "McDonald").
 *      A run starting with "mac" becomes Mac + capitalised rest when it
 *      has at least 6 letters, does not end in a, c, i, o, z or j
 *      (Machado, Macario, Maciej, Macchi are not Gaelic), and is not one
 *      of the exceptions (mackey, macias, mackie, macklin, mackintosh,
 *      ...); so "macdonald" -> "MacDonald" but "mack", "macy", "mace",
 *      "mackey", "machado" -> "Mack", "Macy", ...
 * White space and punctuation are copied unchanged.  The result is NFC.
 */
int dq_text_title_name(const char *s, size_t n, const struct dq_name_opts *o,
		       struct dq_buf *out);

/*
 * ASCII folding.  Each character is decomposed (NFKD, UAX #15); combining
 * marks that follow an ASCII (or folded) base are dropped ("é" -> "e",
 * "ﬁ" -> "fi", "Ａ" -> "A", "½" -> "1/2"); letters with no decomposition
 * come from a table (Ł->L, Ø->O, Æ->AE, Œ->OE, Þ->TH, Ð/Đ->D, ß->ss, ı->i,
 * Ħ->H, Ŀ/ŀ->L/l, Ŋ->N, ĸ->q, ſ->s, lower-case forms too) as does
 * typographic punctuation (‘ ’ ‚ ‛ ′ ʼ ‹ › -> ', “ ” „ ‟ ″ « » -> ", dashes and
 * minus -> -, … -> ..., ⁄ -> /).  Characters with no ASCII form are KEPT
 * (NFKC, with their own marks) so no information is silently lost:
 * "Müller Дмитрий" -> "Muller Дмитрий".
 */
int dq_text_ascii(const char *s, size_t n, struct dq_buf *out);

#endif
