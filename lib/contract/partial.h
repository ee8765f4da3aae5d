/*
 * partial.h - validating one stream in chunks: --partial summaries and
 * their --merge.
 *
 * A chunk run (--partial) writes its summary with the rules' raw tallies
 * (checked, failures, the examples' bytes as "id_raw"/"value_raw") and no
 * decision; --merge reads the chunks' summaries, in stream order, adds
 * them into the rules and counts, and then scores (contract/score.h) as a
 * single run would have.  The partial state is the summary document
 * itself, so its format is the summary's: nothing else to keep in step.
 */
#ifndef DQ_PARTIAL_H
#define DQ_PARTIAL_H

#include <stddef.h>
#include <stdint.h>

#include "contract/check.h"
#include "contract/rules.h"

/* The run counts a merge adds up (the summary's "counts" and formatParsing's
 * "parsed"). */
struct dq_partial_counts {
	uint64_t in, out, quarantined, rejected, blank, bytes, valid;
	uint64_t last_line; /* the last line of the chunks so far ... */
	int have_lines;     /* ... when they said ("lines" in a summary) */
};

/*
 * Rules that need the whole stream (unique, duplicate_rate, grouped
 * rules) cannot run in chunks: 0, or -1 after a message naming the rule
 * and the option (merge: --merge, else --partial).
 */
int dq_partial_chunkable(const struct dq_rules *rs, int merge);

/*
 * Read the --partial summaries files[0..nfiles) (borrowed), in order,
 * made with the contract whose checksum is given, into the rules'
 * tallies and examples, ck's violation counts and *c (zeroed first).
 * Returns 0, or -1 after a message naming the file.
 */
int dq_partial_merge(struct dq_rules *rs, struct dq_check *ck,
		     const char *checksum, char *const *files, size_t nfiles,
		     struct dq_partial_counts *c);

#endif
