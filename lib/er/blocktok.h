/*
 * blocktok.h - token blocking: a record in one block per token.
 *
 * A rule whose key is a token function (er/blockkey.h: words, qgrams(N),
 * codes, surnames) gives each record several keys, one per token.  Each
 * token is a block, and the block-size guard applies to each: a token in
 * more than max_block records is skipped (counted, and the first few
 * reported, as a skipped block of any rule).  Sharing one kept token is
 * not enough to pair two records, or a common word would pair everyone
 * who uses it: each kept token t weighs
 *
 *	w(t) = ln(N / n_t)
 *
 * (its inverse document frequency: N the records with a token under the
 * rule, n_t those with t), and a pair is kept when the weights of all
 * the kept tokens its two records share add up to min_weight (to within
 * 10^-6: the weights are floats).  The
 * default, ln(N) / 2, keeps a pair when its shared tokens are together
 * as rare as one token of sqrt(N) records.  Why that bound: two records
 * drawn at random both hold t with probability (n_t / N)^2, so they share
 * a set of tokens by chance with probability prod (n_t / N)^2 =
 * exp(-2 sum w(t)); keeping the sets with sum w >= ln(N) / 2 keeps pairs
 * whose chance agreement is at most 1 / N, about N / 2 of the N^2 / 2
 * pairs: the chance pairs grow like the records, not like their square.
 * This is the weighted-edge pruning of meta-blocking (Papadakis et al.,
 * "Meta-blocking: taking entity resolution to the next level", IEEE TKDE
 * 26(8), 2014) with IDF weights and a threshold from the data's size.
 *
 * Pairs are made block by block like those of exact keys, in the order
 * of the tokens' hashes: a pair is considered in the block of the first
 * (smallest-hash) kept token its records share, so it is counted and
 * written once however many tokens it shares.  Checking a pair is a
 * merge of the two records' sorted token lists.
 *
 * Memory: per record 8 bytes, per (record, distinct token) 12 bytes
 * (hash and weight), and 32 bytes per token occurrence while sorting.
 * Time: the pairs inside the kept token blocks (at most max_block^2 / 2
 * each), each checked by a merge of two token lists.
 */
#ifndef DQ_BLOCKTOK_H
#define DQ_BLOCKTOK_H

#include <stddef.h>
#include <stdint.h>

#include "er/blocks.h"

struct dq_blocktok {
	size_t rule;       /* the rule's number among the run's rules */
	double min_weight; /* the threshold; < 0: ln(N) / 2 */
	uint64_t *off;     /* record i's tokens: [off[i], off[i + 1]) (owned) */
	uint64_t *h;       /* token hashes, sorted, distinct per record (owned) */
	float *w;          /* their weights; 0 once a guard skipped it (owned) */
	size_t n, ncap;    /* records */
	size_t ntok, tcap; /* tokens of all records */
	/* The kept blocks of two or more, in hash order: hash, and the
	 * members (DQ_BLOCKS_* words as in struct dq_blocks_list). */
	uint64_t *bh;
	size_t nb;
	struct dq_blocks_list list;
	/* Figures. */
	uint64_t keyed;    /* records with a token */
	uint64_t tokens;   /* distinct tokens */
	uint64_t pruned;   /* pairs sharing a kept token, below min_weight */
	double threshold;  /* the min_weight applied */
};

/* A rule numbered rule; min_weight < 0 for the default. */
void dq_blocktok_init(struct dq_blocktok *t, size_t rule, double min_weight);
void dq_blocktok_release(struct dq_blocktok *t);

/* The next record's tokens: text[0..len) as the token function gives it
 * (tokens separated by one space; empty for none). */
void dq_blocktok_add(struct dq_blocktok *t, const char *text, size_t len);

/*
 * Phase 1: the token blocks.  guard(ctx, rule, first, size, hash) is
 * asked about each block of two or more records (first: its first
 * record; hash: the token's) and returns 1 to skip it.  Weights the kept
 * tokens, sets the threshold and lists the kept blocks (src: per record,
 * its source as struct dq_blocks has it; borrowed until phase 2 ends).
 * Returns the blocks kept.
 */
size_t dq_blocktok_list(struct dq_blocktok *t, const unsigned char *src,
			int (*guard)(void *ctx, size_t rule, size_t first,
				     size_t size, uint64_t hash),
			void *ctx);

/* Do records i and j share kept tokens of weight min_weight or more? */
int dq_blocktok_agree(const struct dq_blocktok *t, size_t i, size_t j);

/*
 * Phase 2, as dq_blocks_pairs: pair(ctx, i, j) for each pair of the
 * listed blocks (in mode) that reaches the threshold in the block of its
 * first shared token and that before(ctx, i, j) (when not NULL) does not
 * say an earlier rule wrote.  Adds the pairs that reach the threshold to
 * *found, those that do not to t->pruned; returns the pairs written.
 */
uint64_t dq_blocktok_pairs(struct dq_blocktok *t, int mode,
			   void (*pair)(void *ctx, size_t i, size_t j),
			   int (*before)(void *ctx, size_t i, size_t j),
			   void *ctx, uint64_t *found);

/* The hash of one token, as the blocks use it (never 0). */
uint64_t dq_blocktok_hash(const char *s, size_t n);

#endif
