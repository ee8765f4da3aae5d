/*
 * run.h - what every dq program shares: the common command line, the
 * record loop's input and output, rejects, counts, logging, progress and
 * the run summary.
 *
 * A program's main() reads like this:
 *
 *	struct dq_run run;
 *	struct dq_record rec;
 *	dq_run_init(&run, &tool, argc, argv);     (exits on usage errors)
 *	dq_record_init(&rec);
 *	while (dq_run_next(&run, &rec) > 0) {
 *		... change rec ...
 *		dq_record_write(&rec, meta, metalen, &run.out.b);
 *		dq_run_emit(&run);
 *	}
 *	return dq_run_finish(&run, extra_summary, gate_failed);
 *
 * dq_run_next() hands out only valid records: lines that are not exactly
 * one JSON object, and CSV rows the reader rejected, go whole to the
 * rejects sink (--rejects FILE) with file, line, byte offset and reason,
 * and are counted, so in = out + quarantined + rejected always holds.
 */
#ifndef DQ_RUN_H
#define DQ_RUN_H

#include <getopt.h>
#include <stdint.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "cli/opt.h"
#include "contract/contract.h"
#include "contract/pii.h"
#include "stream/meta.h"
#include "stream/input.h"
#include "stream/json.h"
#include "stream/out.h"

/* Long-option codes: the shared options use [DQ_OPT_COMMON, DQ_OPT_TOOL);
 * a program's own long-only options start at DQ_OPT_TOOL. */
#define DQ_OPT_COMMON 1000
#define DQ_OPT_TOOL 2000

struct dq_tool {
	const char *name;      /* "dq-normalize" */
	const char *synopsis;  /* usage lines, printed first by --help */
	const char *help;      /* the program's own options, for --help */
	const char *shortopts; /* its short options, getopt syntax */
	const struct option *longopts; /* its long options, {0} ended */
	/* Called for each of the program's own options; returns 0, or -1
	 * after printing a message (a usage error: exit 2). */
	int (*option)(void *ctx, int code, const char *arg);
	void *ctx;
	/* The program compiles the contract's fields and rules itself
	 * (dq-validate); every other one has them checked at load by
	 * dq_rules_check(), so all programs refuse the same contracts. */
	int compiles_rules;
};

struct dq_run {
	const struct dq_tool *tool;

	/* The shared options. */
	struct dq_opt_contract named; /* -c FILE and --set PATH=VALUE */
	const char *summary_path;
	const char *rejects_path;
	const char *id_field;   /* default "id" */
	struct dq_ident ident;  /* id_field and the contract's identity */
	long long max_rejects;  /* default 0; -1: the limit is a rate */
	double max_reject_pct;  /* "10%": 10; "+5%": 5 above the median */
	int reject_relative;    /* "+P%": above --reject-history's median */
	const char *reject_history; /* --reject-history FILE, or NULL */
	double reject_median_pct; /* the history's median reject rate */
	int reject_runs;        /* the runs that median was taken over */
	int log_json;
	int quiet;
	int print_contract;
	char *delim;            /* --delimiter, owned */

	struct dq_contract contract;
	struct dq_pii pii;      /* the contract's sensitive fields, made
				 * the active policy (contract/pii.h) */
	struct dq_input in;
	struct dq_out out;      /* stdout */
	struct dq_out rejects;  /* fd -1 without --rejects */

	char run_id[48];
	char started[32];
	struct timespec t0;

	uint64_t n_in, n_out, n_rejected, n_quarantined;
	/* Records a filter left out on purpose (dq-normalize --since): with
	 * counts_skipped set, counts.skipped, and in = out + quarantined +
	 * rejected + skipped. */
	uint64_t n_skipped;
	int counts_skipped;

	struct dq_item item;    /* where the current record came from */

	/* Progress on a terminal. */
	int progress;
	int progress_shown;
	struct timespec last_progress;
	unsigned rejects_shown;
};

/*
 * The set-up every program makes before anything else, also those that do
 * not read records (dq-gen, dq-sql): name the program for messages, hold
 * descriptors 0-2 open (base/util.h), make cJSON allocate through
 * dq_xmalloc (out of memory exits 2, and the fault-injection build reaches
 * those allocations) and ignore SIGPIPE, so that a reader that goes away
 * is seen as EPIPE: a quiet exit 0 (stream/out.h), not death by signal.
 * Exits 2 when a descriptor cannot be held.  dq_run_init() calls it.
 */
void dq_run_setup(const char *progname);

/*
 * Parse the command line, load the contract, open --rejects, check the
 * input files.  Prints help or version and exits 0 when asked; prints a
 * message and exits 2 on a usage, contract or file error.  The remaining
 * operands are the input files.
 */
void dq_run_init(struct dq_run *run, const struct dq_tool *tool, int argc,
		 char **argv);

/*
 * For a program that reads documents, not records (dq-sql, dq-report),
 * the same contract loading as dq_run_init: the contracts named (-c,
 * layered; --set) into c (initialized) and their sensitive fields into p
 * (initialized), made the active policy (contract/pii.h).  0, or -1 after
 * a message.  The caller releases p, then c.
 */
int dq_run_load_contract(const struct dq_opt_contract *named,
			 struct dq_contract *c, struct dq_pii *p);

/* Next valid record into rec: 1, or 0 at the end of input.  Exits 2 on
 * a read error. */
int dq_run_next(struct dq_run *run, struct dq_record *rec);

/* Count one more input item (read into run->item) and show progress on
 * a terminal now and then.  dq_run_next() does this itself. */
void dq_run_count_in(struct dq_run *run);

/* Send the current item whole to the rejects sink, with a reason and the
 * byte offset of the problem within the line. */
void dq_run_reject(struct dq_run *run, const char *reason, size_t col);

/* The caller appended one record to run->out.b: add the newline, count it,
 * write when the buffer is full. */
void dq_run_emit(struct dq_run *run);

/*
 * Flush output, write the summary (common fields plus the members of
 * extra, which this call takes ownership of; may be NULL), log the end and
 * return the exit status: 2 never (trouble exits earlier), 1 when
 * gate_failed or rejects exceed --max-rejects, else 0.
 */
int dq_run_finish(struct dq_run *run, cJSON *extra, int gate_failed);

/* A diagnostic on stderr in the chosen format.  level: "info", "warn",
 * "error".  Info lines are suppressed by -q. */
void dq_log(struct dq_run *run, const char *level, const char *stage,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Append "file:line" of the current item (for messages) to b. */
void dq_run_where(const struct dq_run *run, struct dq_buf *b);

/* ISO 8601 UTC time with milliseconds into buf (at least 32 bytes). */
void dq_iso_time(const struct timespec *ts, char *buf, size_t n);

#endif
