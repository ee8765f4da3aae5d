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

/*
 * The pending files: a fixed table, so that a signal handler can walk it
 * while the program runs (no pointer in it moves).  owner is the process
 * that made them: a worker process forked by dq-profile inherits the
 * table and the exit handler, and must not remove its parent's files.
 */
#define MAX_PENDING 32
static struct pending {
	char *tmp;            /* the temporary file; NULL for a free slot */
	char *target;         /* where it goes */
	struct dq_out *open;  /* its dq_out while open, else NULL */
	dev_t dir_dev;        /* the target's directory and name, to */
	ino_t dir_ino;        /* find two outputs on one path */
	const char *base;
} pending[MAX_PENDING];
static pid_t owner;
static char *const *inputs;
static size_t ninputs;

void
dq_out_discard_all(void)
{
	if (getpid() != owner)
		return;
	for (int i = 0; i < MAX_PENDING; i++)
		if (pending[i].tmp)
			unlink(pending[i].tmp);
}

static void
discard_at_exit(void)
{
	dq_out_discard_all();
}

void
dq_out_inputs(char *const *files, size_t n)
{
	inputs = files;
	ninputs = n;
}

void
dq_out_init(struct dq_out *o)
{
	o->fd = -1;
	o->name = NULL;
	o->slot = -1;
	dq_buf_init(&o->b, 0);
}

void
dq_out_fd(struct dq_out *o, int fd, const char *name)
{
	o->fd = fd;
	o->name = name;
	o->slot = -1;
	dq_buf_init(&o->b, DQ_OUT_FLUSH + 4096);
}

/* The input that is the existing file st, or NULL. */
static const char *
input_named(const struct stat *st)
{
	struct stat in;

	for (size_t i = 0; i < ninputs; i++)
		if (strcmp(inputs[i], "-") && stat(inputs[i], &in) == 0 &&
		    in.st_dev == st->st_dev && in.st_ino == st->st_ino)
			return inputs[i];
	return NULL;
}

/* Open path in place, truncating it (no temporary file). */
static int
open_direct(struct dq_out *o, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

	if (fd < 0)
		return dq_error("%s: %s", path, strerror(errno));
	dq_out_fd(o, fd, path);
	return 0;
}

int
dq_out_open(struct dq_out *o, const char *path)
{
	struct stat st, dst;
	const char *slash = strrchr(path, '/'), *base, *in;
	char *dir, *tmp;
	int exists, fd, k;

	if (!strcmp(path, "-")) {
		dq_out_fd(o, 1, "stdout");
		return 0;
	}
	exists = stat(path, &st) == 0;
	/* Replaced through a temporary: a regular file with one name, or a
	 * new file.  A symbolic link (/dev/stdout, a link into another
	 * directory) or a file with other hard links is written in place:
	 * a rename would replace the link, not the file behind it. */
	struct stat lst;
	int plain = !exists || (lstat(path, &lst) == 0 && S_ISREG(lst.st_mode) &&
				lst.st_nlink == 1);
	if (exists && (in = input_named(&st)))
		return strcmp(in, path)
			       ? dq_error("%s: is the input %s under another "
					  "name: writing it would destroy "
					  "what is being read", path, in)
			       : dq_error("%s: is also an input: writing it "
					  "would destroy what is being read",
					  path);
	/* stdout under another name (--rejects /dev/stdout > file): share
	 * its file offset, so that neither overwrites the other. */
	struct stat so;
	if (exists && fstat(1, &so) == 0 && so.st_dev == st.st_dev &&
	    so.st_ino == st.st_ino) {
		fd = fcntl(1, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return dq_error("%s: %s", path, strerror(errno));
		dq_out_fd(o, fd, path);
		return 0;
	}
	if (!plain)
		return open_direct(o, path);
	base = slash ? slash + 1 : path;
	dir = slash ? dq_xstrndup(path, (size_t)(slash - path + 1))
		    : dq_xstrdup("./");
	if (stat(dir, &dst) < 0) {
		dq_error("%s: %s", path, strerror(errno));
		free(dir);
		return -1;
	}
	for (k = 0; k < MAX_PENDING; k++)
		if (pending[k].tmp && pending[k].dir_dev == dst.st_dev &&
		    pending[k].dir_ino == dst.st_ino &&
		    !strcmp(pending[k].base, base)) {
			free(dir);
			return strcmp(pending[k].target, path)
				       ? dq_error("%s and %s are one file: "
						  "give each output its own",
						  pending[k].target, path)
				       : dq_error("%s: named as two outputs: "
						  "give each its own file",
						  path);
		}
	for (k = 0; k < MAX_PENDING && pending[k].tmp; k++)
		;
	if (k == MAX_PENDING) {
		free(dir);
		return dq_error("%s: too many output files", path);
	}
	tmp = dq_xmalloc(strlen(path) + 16);
	sprintf(tmp, "%s.%s.dq-XXXXXX", slash ? dir : "", base);
	free(dir);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		/* A directory we may not write in, holding a file we may:
		 * write the file in place, as without the temporary. */
		free(tmp);
		return open_direct(o, path);
	}
	if (exists) {
		(void)fchmod(fd, st.st_mode & 07777);
	} else {
		mode_t mask = umask(0);
		umask(mask);
		(void)fchmod(fd, 0666 & ~mask);
	}
	if (!owner) {
		owner = getpid();
		atexit(discard_at_exit);
	}
	pending[k].target = dq_xstrdup(path);
	pending[k].base = pending[k].target + (base - path);
	pending[k].dir_dev = dst.st_dev;
	pending[k].dir_ino = dst.st_ino;
	pending[k].open = o;
	pending[k].tmp = tmp;
	dq_out_fd(o, fd, path);
	o->slot = k;
	return 0;
}

int
dq_out_commit_all(void)
{
	int rc = 0;

	if (!owner || getpid() != owner)
		return 0;
	for (int i = 0; i < MAX_PENDING; i++) {
		struct pending *p = &pending[i];
		if (!p->tmp)
			continue;
		if (p->open)
			dq_out_close(p->open);
		if (rename(p->tmp, p->target) < 0) {
			rc = dq_error("%s: cannot put it in place: %s",
				      p->target, strerror(errno));
			unlink(p->tmp);
		}
		free(p->tmp);
		free(p->target);
		memset(p, 0, sizeof(*p));
	}
	return rc;
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
	if (o->slot >= 0 && pending[o->slot].open == o)
		pending[o->slot].open = NULL;
	o->slot = -1;
	dq_buf_release(&o->b);
}
