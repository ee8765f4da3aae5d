/*
 * out.h - buffered output that treats a failed write as an error.
 *
 * Programs append records straight into o->b and call dq_out_commit();
 * the buffer is written when it passes DQ_OUT_FLUSH bytes.  A write that
 * fails ends the program: EPIPE on stdout (its reader went away, as with
 * `| head`) quietly with status 0; anything else (a full disk, or EPIPE
 * on a side file such as --violations FIFO, whose lines would be lost)
 * with a message and status 2.  SIGPIPE must be ignored for EPIPE to be seen; dq_run_init
 * does that.
 */
#ifndef DQ_OUT_H
#define DQ_OUT_H

#include "base/util.h"

#define DQ_OUT_FLUSH 65536

struct dq_out {
	int fd;           /* -1 when closed or unused */
	const char *name; /* for messages ("stdout", a file name) */
	struct dq_buf b;  /* pending bytes */
};

void dq_out_init(struct dq_out *o);
/* Open path for writing (truncate); "-" is stdout.  -1 with a message. */
int dq_out_open(struct dq_out *o, const char *path);
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
