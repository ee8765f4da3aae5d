/*
 * keyline.h - the key lines of dq-block --emit-keys and --from-keys.
 *
 * Blocking in two passes streams instead of holding every record: the
 * first writes one line per (rule, key, record), sort(1) brings each
 * block's lines together, and the second pairs them.  A line, fields
 * separated by a tab:
 *
 *	RR HASH SEQ SRC H0,H1,...,Hn KEY RECORD
 *
 * RR the rule's number (two digits, 00..63), HASH its key's 64-bit hash
 * and H0..Hn every rule's (16 lower-case hex digits; 0 for no key), SEQ
 * the record's number (12 digits), SRC its side (d dedupe, a and b the
 * files of a link of two, e existing and n new records of an incremental
 * run; in a link of more than two files, the file's number from 1, in
 * decimal), KEY the key text as a JSON string (no tab inside), RECORD
 * the record.
 * `LC_ALL=C sort` then orders lines by rule, then hash, then input order:
 * the order in which one pass in memory writes its pairs.
 */
#ifndef DQ_KEYLINE_H
#define DQ_KEYLINE_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

#define DQ_KEYLINE_MAX_RULES 64

/* The sides (SRC) of a record. */
enum {
	DQ_KEYLINE_DEDUPE = 'd',
	DQ_KEYLINE_A = 'a',
	DQ_KEYLINE_B = 'b',
	DQ_KEYLINE_OLD = 'e',
	DQ_KEYLINE_NEW = 'n',
	DQ_KEYLINE_LINK = 'l' /* a file of a link of more than two, numbered:
			       * never written as such */
};

/* One parsed key line; key and rec point into the line (borrowed). */
struct dq_keyline {
	size_t rule;
	uint64_t hash;
	unsigned char src;
	unsigned source; /* a link's file, from 1 (a 1, b 2); else 0 */
	uint64_t seq; /* the record's number */
	uint64_t h[DQ_KEYLINE_MAX_RULES];
	const char *key; /* the JSON string, with its quotes */
	size_t keylen;
	const char *rec;
	size_t reclen;
};

/* May the records of lines a and b (a read first) be paired?  Any two
 * in a dedupe run, two from different files of a link, two with at
 * least one new. */
static inline int
dq_keyline_eligible(const struct dq_keyline *a, const struct dq_keyline *b)
{
	if (a->src == DQ_KEYLINE_DEDUPE)
		return 1;
	if (a->source)
		return a->source != b->source;
	return a->src == DQ_KEYLINE_NEW || b->src == DQ_KEYLINE_NEW;
}

/*
 * The part of a record's lines that is the same for every rule, "\tSEQ\t
 * SRC\tH0,...,Hn\t", into out (reset first); src DQ_KEYLINE_LINK writes
 * the file's number `source` (1 to 999).  h holds nrules hashes.
 */
void dq_keyline_common(struct dq_buf *out, uint64_t seq, int src,
		       unsigned source, const uint64_t *h, size_t nrules);

/* The byte of a line where its SEQ starts (after "RR\tHASH\t"). */
#define DQ_KEYLINE_SEQ_AT 20

/* Write seq as SEQ's 12 digits at p (no terminator): a line made with
 * another number (by a thread that could not know it) gets its own. */
void dq_keyline_put_seq(char *p, uint64_t seq);

/* Append the line of rule r (without its newline): r, hash, the common
 * part, the key text key[0..keylen) as a JSON string and the record. */
void dq_keyline_add(struct dq_buf *out, size_t r, uint64_t hash,
		    const struct dq_buf *common, const char *key,
		    size_t keylen, const char *rec, size_t reclen);

/* Parse line s[0..n) of a run with nrules rules.  Returns 0, or -1 when
 * it is not such a line. */
int dq_keyline_parse(const char *s, size_t n, size_t nrules,
		     struct dq_keyline *k);

/* 16 lower-case hex digits at p into *v: 0, or -1 when they are not. */
int dq_keyline_hex64(const char *p, uint64_t *v);

#endif
