/*
 * out.h - buffered output that treats a failed write as an error.
 *
 * Programs append records straight into o->b and call dq_out_commit();
 * the buffer is written when it passes DQ_OUT_FLUSH bytes.  A write that
 * fails ends the program: EPIPE on stdout (its reader went away, as with
 * `| head`) quietly with status 0; anything else (a full disk, or EPIPE
 * on a side file such as --violations FIFO, whose lines would be lost)
 * with a message and status 2.  SIGPIPE must be ignored for EPIPE to be
 * seen; dq_run_init does that.
 *
 * Files are replaced atomically.  dq_out_open() on a path that is a
 * regular file, or that does not exist yet, writes a temporary file
 * beside it (".NAME.dq-XXXXXX", the target's mode, or 0666 less the
 * umask) and leaves the target alone; dq_out_commit_all() renames every
 * such file into place at the end of a complete run, and a process that
 * exits without it (an error, a signal, a reader of stdout gone) removes
 * them: the previous file survives any failure, and no one ever reads a
 * half-written one.  Other paths (a FIFO, /dev/full, /dev/stdout,
 * >(cmd)) are written directly.  dq_out_open() refuses a path that is
 * one of the inputs named with dq_out_inputs() (writing it would destroy
 * what is being read) or that another open output already names.
 */
#ifndef DQ_OUT_H
#define DQ_OUT_H

#include "base/util.h"

#define DQ_OUT_FLUSH 65536

struct dq_out {
	int fd;           /* -1 when closed or unused */
	const char *name; /* for messages ("stdout", a file name) */
	struct dq_buf b;  /* pending bytes */
	int slot;         /* its pending temporary file, or -1 */
};

void dq_out_init(struct dq_out *o);
/* Open path for writing (replacing it when the run completes, see above);
 * "-" is stdout.  -1 with a message. */
int dq_out_open(struct dq_out *o, const char *path);
/* The run's input files (borrowed; "-" is skipped): no output may name
 * one of them.  Call before opening outputs. */
void dq_out_inputs(char *const *files, size_t n);
/* Rename every pending file into place (closing any still open): the run
 * is complete.  -1 with a message if one cannot be renamed. */
int dq_out_commit_all(void);
/* Remove every pending temporary file.  Async-signal-safe: for signal
 * handlers; an exit without dq_out_commit_all() does it by itself. */
void dq_out_discard_all(void);
void dq_out_fd(struct dq_out *o, int fd, const char *name);
/* Write out the buffer if it is past the threshold. */
static inline void dq_out_commit(struct dq_out *o);
void dq_out_flush(struct dq_out *o);
/* Flush and close; a failure is reported and ends the program (2). */
void dq_out_close(struct dq_out *o);

static inline void
dq_out_commit(struct dq_out *o)
{
	if (o->b.len >= DQ_OUT_FLUSH)
		dq_out_flush(o);
}

#endif
