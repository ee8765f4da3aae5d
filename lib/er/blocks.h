/*
 * blocks.h - records in blocks: the in-memory engine of dq-block.
 *
 * Each record has, per rule, the 64-bit hash of its key (0: no key).  The
 * records whose hashes agree under a rule form a block; the pairs inside
 * the blocks are the candidate pairs.  dq_blocks_list() does phase 1 for
 * one rule: it sorts (hash, record) entries (a counting pass on the top
 * 16 bits of the hash, then insertion sort per bucket: stable, so input
 * order holds inside a block), reports every block of two or more to the
 * caller, which decides whether the block-size guard skips it (its keys
 * under that rule are then cleared), and lists the members of the kept
 * blocks.  Phase 2, dq_blocks_pairs(), walks those lists (the per-pair
 * rules are inline below, so only a pair written costs a call): a pair found by
 * rule r is left out when an earlier rule's surviving key agrees for both
 * records, because that rule already wrote it.
 *
 * A member in a list is a 32-bit word: the record's number (below 2^30),
 * DQ_BLOCKS_SIDE when it is not from the first source (a later file of a
 * link, a new record of an incremental run), DQ_BLOCKS_START when it
 * begins a block.  A link of more than two files needs each record's
 * source, not only its side: the list keeps the run's per-record source
 * numbers (src), and two records pair when their sources differ.
 */
#ifndef DQ_BLOCKS_H
#define DQ_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

#define DQ_BLOCKS_START 0x80000000u
#define DQ_BLOCKS_SIDE 0x40000000u
#define DQ_BLOCKS_INDEX 0x3fffffffu

/* The files a link may join (dq-merge --one-to-one keeps a cluster's
 * sources in a 64-bit set). */
#define DQ_BLOCKS_MAX_SOURCES 64

/* Pairing modes: every pair, pairs across sources (the files of a link),
 * pairs with at least one record on the second side (new records). */
enum { DQ_BLOCKS_DEDUPE, DQ_BLOCKS_LINK, DQ_BLOCKS_INCREMENTAL };

/* The records' keys: key[i * nrules + r] is record i's hash under rule r
 * (borrowed; dq_blocks_list clears the keys of skipped blocks). */
struct dq_blocks {
	uint64_t *key;
	size_t n, nrules;
	const unsigned char *src; /* per record: its source, 0 the first */
	void *a, *tmp; /* sort scratch, kept from rule to rule (owned) */
	size_t *cnt;
};

/* A (hash, record) entry of a sort. */
struct dq_blocks_ent {
	uint64_t h;
	uint64_t i;
};

/* Sort a[0..n) by h, keeping input order among equal hashes; tmp holds
 * n entries, cnt 65537 counters (scratch). */
void dq_blocks_sort(struct dq_blocks_ent *a, struct dq_blocks_ent *tmp,
		    size_t n, size_t *cnt);

/* Set b up for n records of nrules rules (key and src borrowed). */
void dq_blocks_init(struct dq_blocks *b, uint64_t *key, size_t n,
		    size_t nrules, const unsigned char *src);
void dq_blocks_release(struct dq_blocks *b);

/* The members of one rule's kept blocks. */
struct dq_blocks_list {
	uint32_t *m; /* (owned) */
	size_t n, cap;
	const unsigned char *src; /* the records' sources (borrowed) */
};

/*
 * Phase 1 for rule r.  For each block of two or more records (in the
 * order of the hashes), guard(ctx, r, first, size) is asked: it returns
 * 1 to skip the block (first: the number of its first record).  The kept
 * blocks' members are appended to out.  Returns the number of blocks
 * kept.
 */
size_t dq_blocks_list(struct dq_blocks *b, size_t r,
		      int (*guard)(void *ctx, size_t r, size_t first,
				   size_t size),
		      void *ctx, struct dq_blocks_list *out);

void dq_blocks_list_release(struct dq_blocks_list *l);

/*
 * Phase 2 for rule r: the pairs of l's blocks (in mode) that rule r
 * writes, pair(ctx, i, j) for each (record i read before record j).  key
 * and nrules as given to dq_blocks_init (after phase 1).  before, when
 * not NULL, tells whether an earlier rule that keys by tokens
 * (er/blocktok.h) found the pair, which key cannot show.  Adds the
 * eligible pairs to *found; returns the pairs written.
 */
uint64_t dq_blocks_pairs(const struct dq_blocks_list *l, size_t r, int mode,
			 const uint64_t *key, size_t nrules,
			 void (*pair)(void *ctx, size_t i, size_t j),
			 int (*before)(void *ctx, size_t i, size_t j),
			 void *ctx, uint64_t *found);

/* May members x and y (list words) be paired in mode?  src: the
 * records' sources (read in a link only). */
static inline int
dq_blocks_eligible(int mode, uint32_t x, uint32_t y,
		   const unsigned char *src)
{
	if (mode == DQ_BLOCKS_LINK)
		return src[x & DQ_BLOCKS_INDEX] != src[y & DQ_BLOCKS_INDEX];
	if (mode == DQ_BLOCKS_INCREMENTAL)
		return ((x | y) & DQ_BLOCKS_SIDE) != 0;
	return 1;
}

/* Does a rule before r have both records (keys ka, kb) in a kept block? */
static inline int
dq_blocks_found_before(size_t r, const uint64_t *ka, const uint64_t *kb)
{
	for (size_t q = 0; q < r; q++)
		if (ka[q] && ka[q] == kb[q])
			return 1;
	return 0;
}

#endif
