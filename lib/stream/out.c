/*
 * out.c - write(2) loop with the toolkit's error contract (see out.h).
 * Modelled on sbase's fshut(): a full disk must not pass for success.
 */
#include "stream/out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void
dq_out_init(struct dq_out *o)
{
	o->fd = -1;
	o->name = NULL;
	dq_buf_init(&o->b, 0);
}

void
dq_out_fd(struct dq_out *o, int fd, const char *name)
{
	o->fd = fd;
	o->name = name;
	dq_buf_init(&o->b, DQ_OUT_FLUSH + 4096);
}

int
dq_out_open(struct dq_out *o, const char *path)
{
	if (!strcmp(path, "-")) {
		dq_out_fd(o, 1, "stdout");
		return 0;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		return dq_error("%s: %s", path, strerror(errno));
	dq_out_fd(o, fd, path);
	return 0;
}

/* Is fd the same file as stdout (fd 1 itself, "/dev/stdout", or another
 * descriptor of the same pipe)? */
static int
is_stdout(int fd)
{
	struct stat a, b;

	if (fd == 1)
		return 1;
	return fstat(fd, &a) == 0 && fstat(1, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static void
write_all(struct dq_out *o, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(o->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		/* The reader of stdout leaving ends a filter's job (`| head`);
		 * the reader of a side file leaving loses what it was sent. */
		if (w < 0 && errno == EPIPE && is_stdout(o->fd))
			dq_die_quiet();
		if (w <= 0)
			dq_die("write error: %s: %s", o->name,
			       w < 0 ? strerror(errno) : "short write");
		p += w;
		n -= (size_t)w;
	}
}

void
dq_out_flush(struct dq_out *o)
{
	if (o->fd < 0 || !o->b.len)
		return;
	write_all(o, o->b.buf, o->b.len);
	dq_buf_reset(&o->b);
}

void
dq_out_close(struct dq_out *o)
{
	if (o->fd < 0)
		return;
	dq_out_flush(o);
	if (o->fd > 2 && close(o->fd) < 0)
		dq_die("write error: %s: %s", o->name, strerror(errno));
	o->fd = -1;
	dq_buf_release(&o->b);
}
