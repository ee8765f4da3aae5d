/*
 * par.h - the record loop of lib/run.h spread over several threads.
 *
 * A per-record filter (dq-normalize, dq-score) does the same work on
 * every record and writes one line per record, so it can use every core
 * without changing a byte of its output: the main thread reads the input
 * in batches, workers scan and transform whole batches, and the main
 * thread writes the batches back in input order.  Rejected lines are
 * handed to dq_run_reject() by the main thread, also in input order, so
 * the rejects file, the counts and the summary are the same as a single
 * thread's.
 *
 * A program supplies its per-record work:
 *
 *	static const struct dq_par_work work = {
 *		.start = start, .record = record, .finish = finish,
 *		.ctx = &shared,
 *	};
 *	dq_par_run(&run, jobs, &work);
 *	return dq_run_finish(&run, summary, 0);
 *
 * record() runs in a worker thread: it must touch only its worker state,
 * data that is read-only during the run, and data it locks itself.
 * start() and finish() run in the main thread, before the workers start
 * and after they have all stopped, in worker order.
 *
 * Memory: two batches per worker and one more, each about DQ_PAR_BATCH
 * bytes of input plus its output.  A line of DQ_PAR_BIG bytes or more is
 * handled by the main thread in the input buffer once the batches before
 * it are written, so it costs what it costs one thread (its text once,
 * its output once), whatever the number of workers.
 */
#ifndef DQ_PAR_H
#define DQ_PAR_H

#include <stdint.h>

#include "stream/json.h"
#include "cli/run.h"

#define DQ_PAR_BATCH (32 * 1024)
/* A line this long is handled by the main thread, without a copy. */
#define DQ_PAR_BIG (1024 * 1024)
#define DQ_PAR_MAX_JOBS 64

struct dq_par_work {
	/* Make worker w's private state. */
	void *(*start)(void *ctx, int w);
	/*
	 * Handle one valid record.  it describes where it came from (its
	 * text, raw bytes, file and line); seq numbers the input items from
	 * 0 in input order.  Append the output line, newline included, to
	 * out and return 1, or return 0 to write nothing, or set *reject to
	 * a reason (static text) and return -1 to send the line whole to
	 * the rejects.
	 */
	int (*record)(void *wstate, struct dq_record *rec,
		      const struct dq_item *it, uint64_t seq,
		      struct dq_buf *out, const char **reject);
	/* Fold worker w's state into ctx and free it. */
	void (*finish)(void *ctx, void *wstate, int w);
	/*
	 * Optional: when set, what record() appended is not written to
	 * stdout but handed, in input order, to consume() in the main
	 * thread (a batch at a time: the output of several records), and
	 * nothing counts as written.  A program that gathers instead of
	 * filtering (dq-merge) parses in the workers this way.
	 */
	void (*consume)(void *ctx, const char *out, size_t len);
	void *ctx;
};

/*
 * Run the record loop with jobs worker threads (1 runs it in the calling
 * thread, with no threads at all).  Counts, rejects and progress go
 * through run as dq_run_next() would.  Exits 2 on a read or write error.
 */
void dq_par_run(struct dq_run *run, int jobs, const struct dq_par_work *w);

/* The number of workers to use by default: the cores this process may
 * run on, at most 8. */
int dq_par_default_jobs(void);

#endif
