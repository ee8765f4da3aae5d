/*
 * split.c - one NDJSON or CSV file read by several processes (see
 * split.h).
 *
 * Why processes: a program whose state has a mergeable text form (the
 * profile's partial state) already combines states exactly, so a worker
 * is the same program over a byte range of the file that hands its state
 * to the first process through a pipe.  No shared memory, no locks, and
 * the merge is the code the program's own merge option tests.
 *
 * The file is cut at line starts near equal shares (empty shares are
 * dropped); a CSV file at row starts, found by stream/csv's dq_csv_cuts
 * with the reader's own quoting rules, and every range after the first
 * reads the header row before its own bytes; worker k reads [cut[k], cut[k+1]) with line numbers that go
 * on from the lines before its range, so messages and rejects name the
 * same lines as one process would.  The first range is read by the
 * calling process, while the workers run.  A worker writes
 * "IN BLANK BYTES\n" and then its state, and exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/split.h"
#include "stream/csv.h"


/* Offset just past the first "\n" at or after off (size if none). */
static uint64_t
line_start_after(int fd, uint64_t off, uint64_t size)
{
	char b[65536];
	while (off < size) {
		ssize_t r = pread(fd, b, sizeof(b), (off_t)off);
		if (r <= 0)
			return size;
		char *nl = memchr(b, '\n', (size_t)r);
		if (nl)
			return off + (uint64_t)(nl - b) + 1;
		off += (uint64_t)r;
	}
	return size;
}

/* Lines ("\n") in the first n bytes of fd. */
static long
count_lines(int fd, uint64_t n)
{
	char *b = dq_xmalloc(1 << 20);
	uint64_t off = 0;
	long lines = 0;
	while (off < n) {
		size_t want = n - off < (1 << 20) ? (size_t)(n - off) : 1 << 20;
		ssize_t r = pread(fd, b, want, (off_t)off);
		if (r <= 0)
			break;
		for (char *p = b, *e = b + r;
		     (p = memchr(p, '\n', (size_t)(e - p))); p++)
			lines++;
		off += (uint64_t)r;
	}
	free(b);
	return lines;
}

/* Worker: read the current range, write "IN BLANK BYTES\n" and the state
 * to fd, exit. */
static void
worker(struct dq_run *run, const struct dq_split_work *w, int fd)
{
	struct dq_buf b = DQ_BUF_INIT;
	size_t off = 0;

	w->range(w->ctx, run);
	dq_buf_addf(&b, "%llu %llu %llu\n", (unsigned long long)run->n_in,
		    (unsigned long long)run->in.blank,
		    (unsigned long long)run->in.bytes);
	if (w->save(w->ctx, &b))
		_exit(2);
	while (off < b.len) {
		ssize_t n = write(fd, b.buf + off, b.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(2);
		off += (size_t)n;
	}
	_exit(0);
}

/* Read a worker's output from fd and merge it: 0 or -1. */
static int
collect(struct dq_run *run, const struct dq_split_work *w, int fd)
{
	struct dq_buf b = DQ_BUF_INIT;
	char tmp[65536], *nl;
	unsigned long long in, blank, bytes;
	uint64_t rejected = 0;
	int rc = -1;
	ssize_t r;

	while ((r = read(fd, tmp, sizeof(tmp))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		dq_buf_add(&b, tmp, (size_t)r);
	}
	nl = b.len ? memchr(b.buf, '\n', b.len) : NULL;
	if (nl && sscanf(b.buf, "%llu %llu %llu", &in, &blank, &bytes) == 3 &&
	    !w->merge(w->ctx, nl + 1, &rejected)) {
		run->n_in += in;
		run->n_rejected += rejected;
		run->in.blank += blank;
		run->in.bytes += bytes;
		rc = 0;
	}
	dq_buf_release(&b);
	return rc;
}

long long
dq_split_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 4 ? 4 : n;
}

int
dq_split_run(struct dq_run *run, long long jobs, int forced,
	     const struct dq_split_work *w)
{
	struct stat st;
	uint64_t cut[DQ_SPLIT_MAX_JOBS + 1];
	pid_t pid[DQ_SPLIT_MAX_JOBS];
	int pfd[DQ_SPLIT_MAX_JOBS], n = 0, fd, rc = 1;

	if (jobs > DQ_SPLIT_MAX_JOBS)
		jobs = DQ_SPLIT_MAX_JOBS;
	int is_stdin = run->in.nfiles == 0 ||
		       (run->in.nfiles == 1 && !strcmp(run->in.files[0], "-"));
	if (jobs < 2 || run->in.nfiles > 1 || run->rejects_path)
		return 0;
	/* Only a regular file is cut; anything else (a FIFO above all) is
	 * not opened here, so the one reader is the one that reads it.  A
	 * regular file on stdin (dq-profile < file) is cut like a named one
	 * when it is read from its start: each worker reopens it
	 * (/proc/self/fd/0) for a read position of its own. */
	if (is_stdin) {
		if (fstat(0, &st) || !S_ISREG(st.st_mode) ||
		    lseek(0, 0, SEEK_CUR) != 0)
			return 0;
		fd = open("/proc/self/fd/0", O_RDONLY);
	} else {
		if (stat(run->in.files[0], &st) || !S_ISREG(st.st_mode))
			return 0;
		fd = open(run->in.files[0], O_RDONLY);
	}
	if (fd < 0)
		return 0;
	const char *why = NULL;
	int kind = 0;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    !(kind = dq_input_cuttable(fd, run->in.format, &why)) ||
	    (!forced && (uint64_t)st.st_size < DQ_SPLIT_MIN_BYTES)) {
		/* Say why when several processes were asked for, or would
		 * have been used for a file this size. */
		if (why && (forced ||
			    (uint64_t)st.st_size >= DQ_SPLIT_MIN_BYTES))
			dq_log(run, "info", "read", "%s: %s; read by one "
			       "process", is_stdin ? "-" : run->in.files[0],
			       why);
		close(fd);
		return 0;
	}
	/* Cut at line starts (CSV: row starts after the header) near equal
	 * shares; empty shares are dropped. */
	uint64_t want[DQ_SPLIT_MAX_JOBS], at[DQ_SPLIT_MAX_JOBS], header = 0;
	for (long long k = 1; k < jobs; k++)
		want[k - 1] = (uint64_t)st.st_size * (uint64_t)k / (uint64_t)jobs;
	if (kind == 2) {
		why = dq_csv_cuts(&run->in.csv, fd, (uint64_t)st.st_size, want,
				  (size_t)(jobs - 1), at, &header);
		if (why) {
			dq_log(run, "info", "read", "%s: CSV with %s; read by "
			       "one process", is_stdin ? "-" : run->in.files[0],
			       why);
			close(fd);
			return 0;
		}
	} else {
		for (long long k = 1; k < jobs; k++)
			at[k - 1] = line_start_after(fd, want[k - 1] - 1,
						     (uint64_t)st.st_size);
	}
	cut[0] = 0;
	for (long long k = 1; k < jobs; k++)
		if (at[k - 1] > cut[n] && at[k - 1] < (uint64_t)st.st_size)
			cut[++n] = at[k - 1];
	cut[++n] = (uint64_t)st.st_size;
	if (kind == 2) {
		/* Every range is read as CSV; those after the first read the
		 * header row first. */
		run->in.format = DQ_FMT_CSV;
		run->in.csv_header = header;
	}
	/* n ranges: this process takes the first. */
	fflush(NULL);
	for (int k = 1; k < n; k++) {
		int pp[2];
		if (pipe(pp))
			dq_die("pipe: %s", strerror(errno));
		pid[k] = fork();
		if (pid[k] < 0)
			dq_die("fork: %s", strerror(errno));
		if (pid[k] == 0) {
			close(pp[0]);
			for (int j = 1; j < k; j++)
				close(pfd[j]);
			run->progress = 0;
			run->in.start = cut[k];
			run->in.stop = cut[k + 1];
			run->in.start_line = count_lines(fd, cut[k]);
			if (is_stdin) {
				/* The file again, with a read position of
				 * this worker's own. */
				int own = open("/proc/self/fd/0", O_RDONLY);
				if (own < 0 || dup2(own, 0) < 0)
					_exit(2);
				close(own);
			}
			close(fd);
			worker(run, w, pp[1]);
		}
		close(pp[1]);
		pfd[k] = pp[0];
	}
	close(fd);
	run->in.start = 0;
	run->in.stop = cut[1];
	w->range(w->ctx, run);
	for (int k = 1; k < n; k++) {
		int status;
		if (collect(run, w, pfd[k]))
			rc = -1;
		close(pfd[k]);
		while (waitpid(pid[k], &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			rc = -1;
	}
	return rc < 0 ? -1 : n;
}
