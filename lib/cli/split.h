/*
 * split.h - one regular NDJSON file read by several processes, each over
 * a byte range of it, their states merged in the first (dq-profile
 * --jobs).  For a program whose state has a text form that merges
 * exactly; per-record filters use the threads of cli/par.h instead.
 *
 *	static const struct dq_split_work work = {
 *		.range = range, .save = save, .merge = merge, .ctx = &state,
 *	};
 *	int rc = dq_split_run(&run, jobs, forced, &work);
 *	if (rc < 0)
 *		... a worker failed ...
 *	if (rc == 0)
 *		range(&state, &run);       (not split: read it the usual way)
 *
 * Counts (in, rejected, blank lines, bytes) of the workers are added to
 * run's, so the summary is one process's.  Exits 2 when a pipe or a
 * process cannot be made.
 */
#ifndef DQ_SPLIT_H
#define DQ_SPLIT_H

#include <stdint.h>

#include "base/util.h"
#include "cli/run.h"

#define DQ_SPLIT_MAX_JOBS 16
/* Below this size a file is read by one process unless forced. */
#define DQ_SPLIT_MIN_BYTES (16u << 20)

struct dq_split_work {
	/* Read every record of run's current range into the state
	 * (dq_run_next reads only that range). */
	void (*range)(void *ctx, struct dq_run *run);
	/* In a worker, after range: append the state as text to out; 0,
	 * or -1 (the worker fails). */
	int (*save)(void *ctx, struct dq_buf *out);
	/* In the first process: merge a worker's state (text, borrowed,
	 * NUL-terminated) into the state and set *rejected to the lines it
	 * rejected; 0, or -1 when text is not a state. */
	int (*merge)(void *ctx, const char *text, uint64_t *rejected);
	void *ctx;
};

/*
 * Read run's one input file with up to jobs processes (at most
 * DQ_SPLIT_MAX_JOBS).  Returns 0, having read nothing, when splitting
 * does not apply: fewer than 2 jobs, not exactly one input file, --rejects,
 * not a regular file (standard input is one when it is redirected from a
 * file and read from its start), neither NDJSON nor CSV that can be cut
 * (stream/input.h's dq_input_cuttable, stream/csv.h's dq_csv_cuts; the
 * reason is logged), or smaller than DQ_SPLIT_MIN_BYTES unless forced.  Else the number of processes that
 * read a range (1 or more) when every range was read and merged, -1 when
 * a worker failed (its state is not merged).
 */
int dq_split_run(struct dq_run *run, long long jobs, int forced,
		 const struct dq_split_work *w);

/* The default number of processes: the online CPUs, at most 4. */
long long dq_split_default_jobs(void);

#endif
