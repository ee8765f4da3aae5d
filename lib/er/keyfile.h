/*
 * keyfile.h - the second pass of two-pass blocking: sorted key lines
 * (er/keyline.h) read back as blocks.
 *
 * dq-block --from-keys reads its input twice.  The first pass checks
 * every line (a key line of these rules, sorted by rule then hash, no
 * record twice in a block) and asks the caller's guard about each block
 * of two or more lines; the blocks it skips are remembered as (rule,
 * hash), a small set since each stands for more than --max-block lines.
 * The second pass hands out the blocks one by one, in the order of the
 * file (which is the order of one pass in memory), with the keys of
 * skipped blocks cleared so that they do not count as agreeing.
 *
 * The input is one file read twice: a named regular file as it is, stdin
 * and several files copied into a temporary file first.  Memory: the
 * lines of one block, and the skipped set.
 */
#ifndef DQ_KEYFILE_H
#define DQ_KEYFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/u64map.h"
#include "base/util.h"
#include "er/blockrec.h"
#include "er/keyline.h"
#include "stream/json.h"

struct dq_keyfile {
	FILE *in;
	const char *name; /* for messages: the file, or "-" (borrowed) */
	size_t nrules;
	const struct dq_blockrec *slim; /* project the records, or NULL */
	struct dq_u64map skipped;       /* (rule, hash) of skipped blocks */
	char *line;       /* the line read last (owned) */
	size_t cap;
	char *ahead;      /* the line that begins the next block (owned) */
	size_t aheadlen;
	/* The current block: its lines (owned) and their parses. */
	char **lines;
	struct dq_keyline *kl;
	size_t n, gcap;
	int skip;         /* the block is one the guard skipped */
	struct dq_record rec; /* scratch of the projection */
	struct dq_buf t;
};

/*
 * Open the key lines of files[0..nfiles) ("-" or no file: stdin) for a
 * run of nrules rules, each record projected by slim when it is not NULL.
 * 0, or -1 after a message.
 */
int dq_keyfile_open(struct dq_keyfile *kf, char *const *files,
		    size_t nfiles, size_t nrules,
		    const struct dq_blockrec *slim);
void dq_keyfile_release(struct dq_keyfile *kf);

/*
 * The first pass: check the lines, and for each block of two or more
 * call guard(ctx, first, size) with its first line (rule, hash, src,
 * seq and the key, borrowed for the call, are set); it returns 1 to skip
 * the block.  0, or -1 after a message.
 */
int dq_keyfile_guard(struct dq_keyfile *kf,
		     int (*guard)(void *ctx, const struct dq_keyline *first,
				  size_t size),
		     void *ctx);

/*
 * The second pass: the next block into kf->kl[0..kf->n) (a single line
 * is a block of one), kf->skip set when the guard skipped it.  1, 0 at
 * the end, or -1 after a message (the file changed since the first
 * pass).
 */
int dq_keyfile_next(struct dq_keyfile *kf);

/*
 * The pairs of the current block its rule writes: of the eligible pairs
 * (counted in *found) those no earlier rule found, pair(ctx, a, b) for
 * each (a read before b).  Returns the pairs written.
 */
uint64_t dq_keyfile_pairs(const struct dq_keyfile *kf,
			  void (*pair)(void *ctx, const struct dq_keyline *a,
				       const struct dq_keyline *b),
			  void *ctx, uint64_t *found);

#endif
