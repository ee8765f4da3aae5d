/*
 * blockkey.h - composite blocking keys built from field functions.
 *
 * A blocking key is a list of parts, each a field and a function of its
 * value: "last_name:soundex,dob:year" keys a record by the Soundex code of
 * its surname and the year of its birth date.  Two records fall in the
 * same block when every part of their keys is equal.  A part whose field
 * is missing (dq_value_missing of contract/types.h: absent, null, a blank
 * string, [] or {}), an object or an array, or whose function gives an
 * empty result (a Soundex of "123", the year of "not a date", the last 4
 * digits of "12"), makes the whole key missing: such a record is in no
 * block of that rule.
 *
 * The functions (see docs/blocking.md for examples):
 *   exact            the value as it is (a string unescaped, a number or
 *                    boolean as written)
 *   lower            trimmed and case-folded (Unicode full folding)
 *   soundex, nysiis  phonetic codes (lib/phonetic.h)
 *   metaphone        Double Metaphone primary code
 *   metaphone_alt    Double Metaphone alternate code
 *   first(N)         the first N letters or digits, folded to lower-case
 *                    ASCII ("O'Brien" -> first(3) "obr")
 *   initials         the first letter or digit of each word, folded
 *   year, month, day of a date: ISO 8601 text, or any form dq's date
 *                    parser reads (month-first when ambiguous); "1950",
 *                    "05", "27"
 *   email_local, email_domain  the parts around the last '@', lower-case
 *   digits           the digits 0-9 of the value
 *   last_digits(N)   the last N digits (missing when fewer than N)
 *   sorted_tokens    folded lower-case words sorted and joined by one
 *                    space ("Smith John" and "john SMITH" agree)
 * The token functions give a record several keys, one per token, joined
 * by one space in the result (er/blocktok.h pairs the records that share
 * rare tokens).  Text is folded to lower-case ASCII first:
 *   words            each word: a maximal run of letters and digits
 *   qgrams(N)        each run of N characters inside a word (a shorter
 *                    word is one token): "sony" qgrams(3) -> "son ony"
 *   codes            each code: a maximal run of letters, digits and
 *                    '-', the hyphens removed, of 3 characters or more
 *                    with a letter and a digit, or of 6 digits or more
 *                    ("PSLX-350H" -> "pslx350h", "0-596-00712-4" ->
 *                    "0596007124"; "2007", "cs", "v2" are no codes)
 *   surnames         of an author list split at ',', ';', '&', '|' and
 *                    the word "and": each author's last word of two
 *                    letters or more (apostrophes and hyphens dropped),
 *                    so "J. Smith and A. O'Brien" and "Smith, J.;
 *                    O'Brien, A." both give "smith obrien"
 * A token function must be its key's only part.
 * A part written as just "field" means field:exact.
 *
 * A part may name several fields joined by '+': "first_name+last_name:
 * soundex" applies the function to each and joins the results, sorted,
 * with one space, so the key does not depend on which field holds which
 * value (a first and last name swapped give the same "J525 S530").  It is
 * missing when any of the fields is.
 */
#ifndef DQ_BLOCKKEY_H
#define DQ_BLOCKKEY_H

#include <stddef.h>

#include "stream/json.h"
#include "base/util.h"

enum dq_blockkey_fn {
	DQ_BK_EXACT,
	DQ_BK_LOWER,
	DQ_BK_SOUNDEX,
	DQ_BK_NYSIIS,
	DQ_BK_METAPHONE,
	DQ_BK_METAPHONE_ALT,
	DQ_BK_FIRST,
	DQ_BK_INITIALS,
	DQ_BK_YEAR,
	DQ_BK_MONTH,
	DQ_BK_DAY,
	DQ_BK_EMAIL_LOCAL,
	DQ_BK_EMAIL_DOMAIN,
	DQ_BK_DIGITS,
	DQ_BK_LAST_DIGITS,
	DQ_BK_SORTED_TOKENS,
	/* Token functions: several values per record (er/blocktok.h). */
	DQ_BK_WORDS,
	DQ_BK_QGRAMS,
	DQ_BK_CODES,
	DQ_BK_SURNAMES
};

/* 1 when fn is a token function (gives a record several keys). */
static inline int
dq_blockkey_fn_tokens(int fn)
{
	return fn >= DQ_BK_WORDS;
}

struct dq_blockkey_part {
	char *field;    /* owned, NUL-terminated: "first_name+last_name" */
	size_t fieldlen;
	/* The field names (several when joined by '+'), pointing into a copy
	 * of field with NULs (owned through names[0]). */
	char **names;   /* owned */
	size_t *lens;   /* owned */
	size_t nnames;
	int fn;         /* enum dq_blockkey_fn */
	int arg;        /* N of first(N) and last_digits(N) */
};

struct dq_blockkey {
	struct dq_blockkey_part *parts; /* owned */
	size_t nparts;
};

/* The separator between the parts of a composite key's text. */
#define DQ_BLOCKKEY_SEP '\x1f'

/*
 * Parse spec ("last_name:soundex,dob:year"; white space around parts is
 * ignored; the function follows the last ':').  Returns 0, or -1 with a
 * message (no program name) appended to err; k is then empty.
 */
int dq_blockkey_parse(struct dq_blockkey *k, const char *spec,
		      struct dq_buf *err);
void dq_blockkey_release(struct dq_blockkey *k);

/*
 * Apply function fn (with its argument) to one raw JSON value of the
 * given type (enum dq_json_type), appending the result to out.  Returns
 * 1 when the result is a usable (non-empty) key part, 0 when it is
 * missing; out is then unchanged.
 */
int dq_blockkey_apply(int fn, int arg, const char *raw, size_t rawlen,
		      int type, struct dq_buf *out);

/*
 * The value of one part of a key for rec, appended to out.  Returns 1, or
 * 0 when it is missing (out unchanged).  Callers that share parts between
 * several keys compute each once with this.
 */
int dq_blockkey_part_value(const struct dq_blockkey_part *p,
			   const struct dq_record *rec, struct dq_buf *out);

/* 1 when parts p and q compute the same value. */
int dq_blockkey_part_same(const struct dq_blockkey_part *p,
			  const struct dq_blockkey_part *q);

/*
 * The key of rec: the parts' results joined by DQ_BLOCKKEY_SEP, appended
 * to out.  Returns 1, or 0 when any part is missing (out unchanged).
 */
int dq_blockkey_make(const struct dq_blockkey *k, const struct dq_record *rec,
		     struct dq_buf *out);

/* The name of function fn ("soundex"), for messages. */
const char *dq_blockkey_fn_name(int fn);

/*
 * A set of keys over the same records (dq-block's rules), whose distinct
 * parts are each computed once per record: "last_name:soundex,dob:year"
 * and "last_name:soundex,zip" share the Soundex of the surname.  Parts
 * are computed when a key first needs them.  The keys are borrowed and
 * must outlive the set.
 */
#define DQ_BLOCKKEY_MAX_PARTS 256

struct dq_blockkey_set {
	const struct dq_blockkey_part *part[DQ_BLOCKKEY_MAX_PARTS];
	size_t nparts;
	size_t **pidx; /* pidx[r][q]: the part of key r's part q (owned) */
	size_t nkeys;
	struct dq_buf val; /* the record's part values, one after another */
	size_t off[DQ_BLOCKKEY_MAX_PARTS], len[DQ_BLOCKKEY_MAX_PARTS];
	signed char ok[DQ_BLOCKKEY_MAX_PARTS]; /* -1 not yet, 0 missing, 1 */
};

void dq_blockkey_set_init(struct dq_blockkey_set *s);
void dq_blockkey_set_release(struct dq_blockkey_set *s);

/* Add key k as key number s->nkeys.  Returns 0, or -1 when the set would
 * hold more than DQ_BLOCKKEY_MAX_PARTS distinct parts. */
int dq_blockkey_set_add(struct dq_blockkey_set *s,
			const struct dq_blockkey *k);

/* A new record: the part values of the last one are forgotten. */
void dq_blockkey_set_record(struct dq_blockkey_set *s);

/* Key r (added as k) of rec appended to out, as dq_blockkey_make would
 * make it: 1, or 0 when missing (out may then hold a partial key). */
int dq_blockkey_set_key(struct dq_blockkey_set *s, size_t r,
			const struct dq_blockkey *k,
			const struct dq_record *rec, struct dq_buf *out);

#endif
