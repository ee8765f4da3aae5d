/*
 * phonetic.h - phonetic codes of names: Soundex, NYSIIS, Double Metaphone.
 *
 * A phonetic code maps names that sound alike to the same short key, so
 * that "Smith" and "Smyth" fall in one block.  Each function reads s, n
 * bytes of UTF-8 (need not be NUL-terminated), folds it to ASCII first
 * (lib/text.h: "Müller" is coded as "Muller", "Østergaard" as
 * "Ostergaard"), ignores case, and APPENDS the code (upper-case ASCII) to
 * out.  Characters that are not letters after folding are ignored (so
 * "O'Brien" is coded as "OBRIEN"); Double Metaphone keeps the spaces
 * between words because some of its rules look at them ("VAN ", "SAN ").
 * A text with no letters gives an empty code, which dq-block treats as
 * missing.  Invalid UTF-8 returns -1 and leaves out unchanged.
 *
 * The algorithms and their sources are described in phonetic.c.  No
 * global state: safe from several threads on different buffers.
 */
#ifndef DQ_PHONETIC_H
#define DQ_PHONETIC_H

#include <stddef.h>

#include "base/util.h"

/* American Soundex as in Knuth, TAOCP vol. 3, and the US National
 * Archives' rules: a letter and three digits, "Robert" -> "R163",
 * "Ashcraft" -> "A261".  Returns 0, or -1 on invalid UTF-8. */
int dq_phonetic_soundex(const char *s, size_t n, struct dq_buf *out);

/* NYSIIS (Taft 1970), with the published truncation to six characters:
 * "Schmidt" -> "SNAD", "Trueman" -> "TRANAN".  Returns 0 or -1. */
int dq_phonetic_nysiis(const char *s, size_t n, struct dq_buf *out);

/* Double Metaphone (Philips 2000), codes of at most four characters:
 * the primary code goes to primary, the alternate to alternate ("Smith"
 * -> "SM0" and "XMT").  When the name has no second pronunciation the
 * alternate equals the primary.  Either buffer may be NULL.  Returns 0 or
 * -1. */
int dq_phonetic_dmetaphone(const char *s, size_t n, struct dq_buf *primary,
			   struct dq_buf *alternate);

#endif
