/*
 * util.c - allocation wrappers, fatal errors and growable buffers.
 *
 * Fault injection: when the environment variable DQ_FAULT_ALLOC=N is set
 * in a build with -DDQ_FAULT_INJECT, the Nth allocation fails, which
 * must end the program with "out of memory" and exit 2; DQ_FAULT_COUNT=1
 * prints the number of allocations at exit (tests/faults.bats uses both).
 * Only dq_x* allocations are counted: cJSON, libcsv and libphonenumber
 * allocate with malloc directly.
 */
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *dq_progname = "dq";
char dq_buf_empty[1];

#ifdef DQ_FAULT_INJECT
static long fault_at = -1;
static long alloc_count;

/* DQ_FAULT_COUNT=1: report how many allocations the run made, so a test
 * can spread its failure points over the whole run. */
static void
report_count(void)
{
	fprintf(stderr, "dq-fault: %ld allocations\n", alloc_count);
}

static int
fault_now(void)
{
	if (fault_at < 0) {
		const char *s = getenv("DQ_FAULT_ALLOC");
		fault_at = s ? atol(s) : 0;
		if (getenv("DQ_FAULT_COUNT"))
			atexit(report_count);
	}
	++alloc_count;
	return fault_at > 0 && alloc_count == fault_at;
}
#else
#define fault_now() 0
#endif

/* The size is in the message so that a run stopped by a memory cap
 * (ulimit -v, a container limit) says how big a block it wanted. */
static void
oom(size_t n)
{
	dq_die("out of memory (allocating %zu bytes)", n);
}

void *
dq_xmalloc(size_t n)
{
	void *p = fault_now() ? NULL : malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *
dq_xcalloc(size_t n, size_t size)
{
	void *p = fault_now() ? NULL : calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *
dq_xrealloc(void *p, size_t n)
{
	void *q = fault_now() ? NULL : realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *
dq_xstrdup(const char *s)
{
	return dq_xstrndup(s, strlen(s));
}

char *
dq_xstrndup(const char *s, size_t n)
{
	char *p = dq_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Per thread: a decompression thread (stream/source) captures its own. */
static _Thread_local struct dq_buf *captured;

struct dq_buf *
dq_error_capture(struct dq_buf *to)
{
	struct dq_buf *old = captured;
	captured = to;
	return old;
}

void
dq_verror(const char *what, const char *fmt, va_list ap)
{
	if (captured) {
		dq_buf_addstr(captured, what ? what : "");
		dq_buf_vaddf(captured, fmt, ap);
		dq_buf_addch(captured, '\n');
		return;
	}
	fprintf(stderr, "%s: %s", dq_progname, what ? what : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
dq_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	captured = NULL;
	dq_verror(NULL, fmt, ap);
	va_end(ap);
	exit(2);
}

void
dq_die_quiet(void)
{
	exit(0);
}

int
dq_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dq_verror(NULL, fmt, ap);
	va_end(ap);
	return -1;
}

void
dq_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dq_verror("warning: ", fmt, ap);
	va_end(ap);
}

void
dq_buf_init(struct dq_buf *b, size_t hint)
{
	b->buf = dq_buf_empty;
	b->len = b->cap = 0;
	if (hint)
		dq_buf_grow(b, hint);
}

void
dq_buf_release(struct dq_buf *b)
{
	if (b->cap)
		free(b->buf);
	b->buf = dq_buf_empty;
	b->len = b->cap = 0;
}

void
dq_buf_grow(struct dq_buf *b, size_t n)
{
	size_t need;

	if (n > SIZE_MAX - b->len - 1)
		oom(SIZE_MAX);
	need = b->len + n + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (b->cap) {
		b->buf = dq_xrealloc(b->buf, cap);
	} else {
		b->buf = dq_xmalloc(cap);
		b->buf[0] = '\0';
	}
	b->cap = cap;
}

void
dq_buf_addstr(struct dq_buf *b, const char *s)
{
	dq_buf_add(b, s, strlen(s));
}

void
dq_buf_add_int(struct dq_buf *b, long long v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
				     : (unsigned long long)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	dq_buf_add(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

void
dq_buf_add_hex64(struct dq_buf *b, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[16];
	for (int i = 15; i >= 0; i--) {
		tmp[i] = hex[v & 15];
		v >>= 4;
	}
	dq_buf_add(b, tmp, 16);
}

void
dq_buf_vaddf(struct dq_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	dq_buf_grow(b, 64);
	va_copy(cp, ap);
	n = vsnprintf(b->buf + b->len, b->cap - b->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		dq_buf_grow(b, (size_t)n);
		vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void
dq_buf_addf(struct dq_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dq_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void
dq_buf_add_json_string(struct dq_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i, start = 0;

	dq_buf_grow(b, n + 2);
	dq_buf_addch(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		dq_buf_add(b, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '"': dq_buf_add(b, "\\\"", 2); break;
		case '\\': dq_buf_add(b, "\\\\", 2); break;
		case '\n': dq_buf_add(b, "\\n", 2); break;
		case '\r': dq_buf_add(b, "\\r", 2); break;
		case '\t': dq_buf_add(b, "\\t", 2); break;
		case '\b': dq_buf_add(b, "\\b", 2); break;
		case '\f': dq_buf_add(b, "\\f", 2); break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			dq_buf_add(b, u, 6);
		}
		}
	}
	dq_buf_add(b, s + start, n - start);
	dq_buf_addch(b, '"');
}

char *
dq_buf_detach(struct dq_buf *b, size_t *len)
{
	char *r;

	if (len)
		*len = b->len;
	if (!b->cap)
		r = dq_xstrdup("");
	else
		r = b->buf;
	b->buf = dq_buf_empty;
	b->len = b->cap = 0;
	return r;
}

void
dq_buf_shrink(struct dq_buf *b, size_t keep)
{
	if (b->cap <= keep || b->len + 1 > keep)
		return;
	b->buf = dq_xrealloc(b->buf, keep);
	b->cap = keep;
}

int
dq_parse_ll(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	/* Digits with an optional sign, nothing around them: strtoll would
	 * also skip leading white space. */
	if (!s || !*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
dq_double_to_u64(double d, uint64_t *out)
{
	/* NaN fails every comparison, so it is refused here too. */
	if (!(d >= 0 && d < 18446744073709551616.0) || d != (double)(uint64_t)d)
		return -1;
	*out = (uint64_t)d;
	return 0;
}

/*
 * A program started with stdin, stdout or stderr closed would hand that
 * descriptor number to the next file it opens: with stdout closed, the
 * records would be written into the --rejects file.  Fill each closed one
 * with /dev/null opened the wrong way round, so using it fails (EBADF)
 * and the failure is reported as for any other write or read error.
 */
int
dq_hold_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		int got = open("/dev/null", fd ? O_RDONLY : O_WRONLY);
		if (got != fd) {
			/* Lower descriptors are open, so this cannot
			 * happen; refuse rather than risk mixing files. */
			if (got > 2)
				close(got);
			return dq_error("cannot reserve descriptor %d", fd);
		}
	}
	return 0;
}

char *
dq_read_whole(const char *path, size_t *len)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY) : 0;
	struct dq_buf b = DQ_BUF_INIT;
	char chunk[65536];
	ssize_t n;

	if (fd < 0) {
		dq_error("%s: %s", path, strerror(errno));
		return NULL;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			dq_error("%s: read error: %s", path, strerror(errno));
			if (fd)
				close(fd);
			dq_buf_release(&b);
			return NULL;
		}
		dq_buf_add(&b, chunk, (size_t)n);
	}
	if (fd)
		close(fd);
	return dq_buf_detach(&b, len);
}
