/*
 * blockrules.h - the blocking rules of a dq-block run and their figures.
 *
 * A rule is a name, its key (er/blockkey.h) and its block-size guard
 * (max_block).  The rules come from --rule values or from the contract's
 * "blocking" section (docs/blocking.md); their distinct key parts are
 * computed once per record (struct dq_blockkey_set).  A key is kept as
 * its 64-bit XXH3 hash, 0 meaning "no key"; a token rule's (its key a
 * token function, er/blocktok.h) is always 0, its tokens kept apart.
 *
 * The figures of the run live here too, so that the in-memory pass and
 * the two-pass --from-keys fill the same summary: per rule the records
 * keyed, the blocks kept and skipped, the pairs found and written; the
 * ten largest blocks and the first hundred skipped ones, each with its
 * key as displayed (parts joined by '|').
 *
 * The pair a run writes, with every rule whose key agrees for both
 * records from the one that found it on:
 *
 *	{"a":{record},"b":{record},"_dq":{"rules":["name_dob","email"]}}
 *
 * and in a link of more than two files the numbers of the two records'
 * files among the operands (from 1; "a"'s first), which downstream
 * programs cannot tell from "a" and "b" as they can with two:
 *
 *	{"a":{record},"b":{record},"_dq":{"rules":["email"],"sources":[1,3]}}
 */
#ifndef DQ_BLOCKRULES_H
#define DQ_BLOCKRULES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "base/util.h"
#include "er/blockkey.h"
#include "er/keyline.h"
#include "stream/json.h"

#define DQ_BLOCKRULES_MAX DQ_KEYLINE_MAX_RULES
#define DQ_BLOCKRULES_TOP 10      /* largest blocks kept for the report */
#define DQ_BLOCKRULES_SHOW 10     /* skipped blocks shown one by one */
#define DQ_BLOCKRULES_KEEP 100    /* skipped blocks kept for the summary */

struct dq_blockrule {
	char *name; /* (owned) */
	char *spec; /* the key as written (owned) */
	struct dq_blockkey key;
	long long max_block;
	/* Figures. */
	uint64_t keyed;  /* records with a key */
	uint64_t blocks; /* blocks of two or more records kept */
	uint64_t skipped, skipped_records;
	uint64_t found;  /* eligible pairs in its kept blocks */
	uint64_t pairs;  /* pairs it wrote first */
	/* A token rule (its key a token function, er/blocktok.h). */
	int tokens;
	uint64_t ntokens;  /* distinct tokens */
	uint64_t pruned;   /* pairs under min_weight */
	double min_weight; /* the threshold applied */
	double want_weight; /* the contract's min_weight; < 0: none */
};

/* A block in the report. */
struct dq_blockbig {
	size_t rule;
	uint64_t size;
	char *key; /* display text (owned) */
	int skipped;
};

struct dq_blockrules {
	struct dq_blockrule r[DQ_BLOCKRULES_MAX];
	size_t n;
	long long max_block; /* the run's guard: --max-block, else the
			      * contract's, else 1000 */
	struct dq_blockkey_set parts; /* to check the parts' number */
	struct dq_blockbig top[DQ_BLOCKRULES_TOP]; /* largest first */
	size_t ntop;
	struct dq_blockbig *skips; /* the first DQ_BLOCKRULES_KEEP (owned) */
	size_t nskips, nskips_all;
};

/* No rules yet; the guard max_block until the contract says otherwise. */
void dq_blockrules_init(struct dq_blockrules *rs, long long max_block);
void dq_blockrules_release(struct dq_blockrules *rs);

/* Add a rule (where names the source in messages: "--rule",
 * "contract").  0, or -1 after a message. */
int dq_blockrules_add(struct dq_blockrules *rs, const char *name,
		      const char *spec, long long max_block,
		      const char *where);

/*
 * The rules of a run: the ncli --rule values ("[NAME=]KEY", named r1, r2,
 * ... when unnamed) if any, else the rules of the contract's blocking
 * section (may be NULL).  blocking.max_block and a rule's max_block apply
 * unless set_max (--max-block was given).  A token rule's min_weight goes
 * to want_weight (a min_weight on another rule is an error).  0, or -1 after a message
 * (also when there is no rule at all).
 */
int dq_blockrules_load(struct dq_blockrules *rs, const cJSON *blocking,
		       char *const *cli, size_t ncli, int set_max);

/* Index the rules' distinct key parts, once all are loaded: 0, or -1
 * after a message when there are more than DQ_BLOCKKEY_MAX_PARTS. */
int dq_blockrules_index(struct dq_blockrules *rs);

/* A key's hash, never 0 (0 means "no key"). */
uint64_t dq_blockrules_hash(const char *s, size_t n);

/*
 * A thread's means to compute keys: its own cache of the rules' distinct
 * parts (the rules themselves are only read, so keyers on several
 * threads share one struct dq_blockrules) and its own count of the
 * records each rule keyed.
 */
struct dq_blockrules_keyer {
	struct dq_blockkey_set parts;
	struct dq_buf kb; /* scratch key text */
	uint64_t keyed[DQ_BLOCKRULES_MAX];
};

/* A keyer for the rules of rs, once dq_blockrules_index succeeded. */
void dq_blockrules_keyer_init(struct dq_blockrules_keyer *k,
			      const struct dq_blockrules *rs);
/* Add k's counts to rs's figures and release k. */
void dq_blockrules_keyer_fold(struct dq_blockrules *rs,
			      struct dq_blockrules_keyer *k);

/*
 * Every rule's key of rec: h[r] its hash (0 when missing), and, when
 * text is not NULL, text[r] the key itself (reset first).  Counts the
 * keyed records in k.  A token rule's hash is 0: its tokens, separated
 * by a space, are in text[r] (empty for none).
 */
void dq_blockrules_keys(const struct dq_blockrules *rs,
			struct dq_blockrules_keyer *k,
			const struct dq_record *rec, uint64_t *h,
			struct dq_buf *text);

/* The display form of key s[0..n): its parts joined by '|' (the
 * caller's to free). */
char *dq_blockrules_display(const char *s, size_t n);

/* Note a block of rule r of size records among the largest; keyf(arg)
 * makes its display key when it is kept (the caller's to free). */
void dq_blockrules_note_block(struct dq_blockrules *rs, size_t r,
			      uint64_t size, int skipped,
			      char *(*keyf)(void *), void *arg);

/* Count a block of rule r skipped by the guard.  Returns its display key
 * when it is one of the first DQ_BLOCKRULES_SHOW, which the caller warns
 * about (borrowed), else NULL. */
const char *dq_blockrules_note_skip(struct dq_blockrules *rs, size_t r,
				    uint64_t size, char *(*keyf)(void *),
				    void *arg);

/* Append the pair of records a and b, found by rule r, to out (no
 * newline); ka and kb are their keys under every rule, also has bit q
 * set when token rule q (whose keys are 0) found it too, src (NULL for
 * none) the two records' source numbers for "sources", slim marks a
 * pair of projected records. */
void dq_blockrules_write_pair(const struct dq_blockrules *rs,
			      struct dq_buf *out, const char *a, size_t alen,
			      const char *b, size_t blen, size_t r,
			      const uint64_t *ka, const uint64_t *kb,
			      uint64_t also, const unsigned src[2], int slim);

/* 1 when any rule is a token rule. */
int dq_blockrules_any_tokens(const struct dq_blockrules *rs);

/* The pairs written by all rules. */
uint64_t dq_blockrules_pairs(const struct dq_blockrules *rs);

/*
 * The summary's "blocking" member (the caller's to delete): records read,
 * pairs, and, unless from_keys (which cannot know them), the possible
 * pairs (mode: DQ_BLOCKS_*; nsrc[0..nsources) the records of each
 * source: a link's files, an incremental run's old and new records) and
 * the reduction ratio; the rules' figures, the largest and skipped
 * blocks.  A link's possible pairs are those across two of its sources,
 * the sum of |Si| |Sj| over i < j.
 */
cJSON *dq_blockrules_figures(const struct dq_blockrules *rs,
			     uint64_t records, const uint64_t *nsrc,
			     size_t nsources, int mode, int from_keys);

/* The figures of --stats, as lines on f. */
void dq_blockrules_print_stats(const struct dq_blockrules *rs, FILE *f,
			       uint64_t records, const uint64_t *nsrc,
			       size_t nsources, int mode, int from_keys);

#endif
