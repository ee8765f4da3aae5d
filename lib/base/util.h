/*
 * util.h - memory, growable byte buffers and fatal errors for dq.
 *
 * Every allocation in dq goes through dq_xmalloc() and friends: on failure
 * they report "out of memory" and exit 2 (the toolkit's trouble status), so
 * callers never check for NULL.  The fault-injection build (DQ_FAULT_ALLOC,
 * see util.c) makes the Nth allocation fail on purpose to test that path.
 *
 * struct dq_buf is a growable byte buffer in the spirit of git's strbuf:
 * always NUL-terminated (buf[len] == 0) so it can be handed to C string
 * functions, but it may hold NUL bytes inside.
 */
#ifndef DQ_UTIL_H
#define DQ_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The program name used in messages ("dq-normalize"); set by main. */
extern const char *dq_progname;

/* Allocation wrappers: never return NULL (exit 2 on failure). */
void *dq_xmalloc(size_t n);
void *dq_xcalloc(size_t n, size_t size);
void *dq_xrealloc(void *p, size_t n);
char *dq_xstrdup(const char *s);
char *dq_xstrndup(const char *s, size_t n);

/*
 * Make sure descriptors 0, 1 and 2 are open before any file is opened, so
 * that a program started with stdout closed cannot write its records into
 * the next file it opens: a closed one gets /dev/null opened the wrong way
 * round (using it then fails with EBADF and is reported).  0, or -1 after
 * a message.  Called by dq_run_init(); programs without it call it first.
 */
int dq_hold_std_fds(void);

/* Print "PROG: MSG" to stderr and exit 2. Only for main-level trouble. */
void dq_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Exit 0 at once, without a word: the reader of our output has gone
 * (EPIPE), which ends a filter's job as it ends head(1)'s writer's. */
void dq_die_quiet(void) __attribute__((noreturn));
/* Print "PROG: WHAT" and the message fmt/ap to stderr, with a newline
 * (what may be NULL): the one writer behind dq_die, dq_error, dq_warn. */
void dq_verror(const char *what, const char *fmt, va_list ap);
/* Print "PROG: MSG" to stderr and return -1, for library code. */
int dq_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "PROG: warning: MSG" to stderr. */
void dq_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * While to is not NULL, dq_error and dq_warn append their message (no
 * "PROG: " before it; dq_warn's "warning: " kept) and a newline to to
 * instead of printing it: for a caller that reports a library's findings
 * itself (dq-contract lint).  dq_die always prints.  Returns the previous
 * target, to restore.  to is borrowed until replaced.  The target is the
 * calling thread's own: other threads print as before.
 */
struct dq_buf;
struct dq_buf *dq_error_capture(struct dq_buf *to);

struct dq_buf {
	char *buf;  /* owned; NUL-terminated; never NULL after dq_buf_init */
	size_t len; /* bytes used, not counting the terminating NUL */
	size_t cap; /* bytes allocated */
};

#define DQ_BUF_INIT { dq_buf_empty, 0, 0 }
extern char dq_buf_empty[1];

void dq_buf_init(struct dq_buf *b, size_t hint);
/* Free the storage and reset to the empty state. */
void dq_buf_release(struct dq_buf *b);
/* Ensure room for n more bytes (plus the NUL). */
void dq_buf_grow(struct dq_buf *b, size_t n);
/* Set the length to 0, keeping the storage. */
static inline void
dq_buf_reset(struct dq_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->buf[0] = '\0';
}
static inline void
dq_buf_add(struct dq_buf *b, const void *p, size_t n)
{
	if (b->cap - b->len <= n)
		dq_buf_grow(b, n);
	if (n)
		memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

static inline void
dq_buf_addch(struct dq_buf *b, int c)
{
	if (b->cap - b->len <= 1)
		dq_buf_grow(b, 1);
	b->buf[b->len++] = (char)c;
	b->buf[b->len] = '\0';
}

void dq_buf_addstr(struct dq_buf *b, const char *s);
/* Append a decimal integer / 16 lower-case hex digits (fast, no printf). */
void dq_buf_add_int(struct dq_buf *b, long long v);
void dq_buf_add_hex64(struct dq_buf *b, uint64_t v);
void dq_buf_addf(struct dq_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void dq_buf_vaddf(struct dq_buf *b, const char *fmt, va_list ap);
/* Append s as a JSON string literal, quotes included (s is UTF-8). */
void dq_buf_add_json_string(struct dq_buf *b, const char *s, size_t n);
/* Take the storage out of the buffer; caller frees; b is reset. */
char *dq_buf_detach(struct dq_buf *b, size_t *len);

/* The whole of the file path ("-": stdin) in a NUL-terminated buffer the
 * caller frees, *len its bytes; NULL after dq_error() ("PATH: reason" when
 * it cannot be opened, "PATH: read error: reason" when it cannot be
 * read, as the record inputs say). */
char *dq_read_whole(const char *path, size_t *len);
/* Shrink storage back to at most keep bytes (after a huge line). */
void dq_buf_shrink(struct dq_buf *b, size_t keep);

/*
 * A count read from a JSON document (a double): 0 and *out set when d is
 * a whole number in [0, 2^64), else -1.  Converting anything outside that
 * range to an integer is undefined behaviour, and loaded documents (such
 * as partial profiles) are untrusted input.
 */
int dq_double_to_u64(double d, uint64_t *out);

/* Parse a whole decimal integer in [min,max]; 0 on success, -1 otherwise. */
int dq_parse_ll(const char *s, long long min, long long max, long long *out);

#endif
