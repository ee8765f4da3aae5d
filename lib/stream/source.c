/*
 * source.c - magic-byte detection and streaming decompression of one
 * input file (see source.h).
 *
 * Magic numbers, from each format's own specification: gzip 1F 8B (RFC
 * 1952), zstd 28 B5 2F FD (RFC 8878), bzip2 "BZh" and a block-size digit,
 * xz FD "7zXZ" 00 (the .xz file format, 2.1.1.1), Parquet "PAR1" (Apache
 * Parquet file format), zip "PK" 03 04 / 05 06 / 07 08 (PKWARE APPNOTE
 * 4.3.7), OLE2 D0 CF 11 E0 A1 B1 1A E1, PDF "%PDF-", PNG 89 "PNG" 0D 0A 1A
 * 0A, JPEG FF D8 FF, GIF "GIF87a"/"GIF89a", SQLite "SQLite format 3" 00,
 * ELF 7F "ELF", Avro "Obj" 01, ORC "ORC", Arrow IPC "ARROW1"; UTF-32 and
 * UTF-16 byte order marks (Unicode 15, 23.8).
 *
 * Every codec decodes concatenated streams (several gzip members, zstd
 * frames, bzip2 streams or xz streams one after the other, as pigz, pbzip2
 * and `cat a.gz b.gz` make them) into one byte stream, as gzip -d does.  A
 * stream that ends before its end marker is an error, never a short file
 * read as complete.
 *
 * A compressed file, once its first bytes are looked at, is decoded on a
 * thread of its own (struct dq_source_ahead): a bounded producer-consumer
 * ring of NSLOT buffers of SLOT bytes.  The thread fills a free slot and
 * hands it over when it is full or when the compressed input buffer is
 * used up (the next step reads, and may wait on a slow pipe: what is
 * decoded is not held back meanwhile).  The reader copies out of the
 * oldest full slot.  The decoder runs exactly as it did on the reader's
 * thread, so the bytes are the same; its messages are captured (the
 * thread's own dq_error_capture) and printed by the reader when it comes
 * to them, after every byte decoded before the damage.  Closing sets a
 * stop flag and cancels the thread, which is cancellable only inside
 * read(2) (a pipe that never writes again); it is joined before the
 * decoder's state is freed.
 *
 * Memory: the first DQ_SOURCE_PEEK bytes, a 64 KB compressed input buffer,
 * the decoder's state (zstd's window is up to 128 MB for a file
 * compressed with --long; 8 MB or less at the usual levels), and for a
 * compressed file NSLOT * SLOT (4 MB) of decoded bytes ahead.
 */
#include "stream/source.h"

#include <bzlib.h>
#include <errno.h>
#include <lzma.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "base/util.h"

#define ZIN 65536
#define NSLOT 4
#define SLOT (1 << 20)

struct dq_source_ahead {
	struct dq_source dec;   /* the decoder, moved here: the thread's */
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t data;    /* a slot was handed over, or the end */
	pthread_cond_t space;   /* a slot was freed, or stop */
	unsigned char *slot[NSLOT];
	size_t len[NSLOT];
	int head, count;        /* oldest full slot; full slots */
	size_t pos;             /* reader's position in slot[head] */
	int end;                /* the thread is done: no more slots */
	int failed;             /* ... after an error: msg says it */
	int stop;               /* close: the thread is to return */
	struct dq_buf msg;      /* the thread's captured message */
};

static int
has(const unsigned char *b, size_t n, const char *magic, size_t m)
{
	return n >= m && !memcmp(b, magic, m);
}

/* Does the zip archive's first bytes hold an entry whose name starts with
 * pre (a local file header name, or the mimetype entry's content)? */
static int
zip_names(const unsigned char *b, size_t n, const char *pre)
{
	size_t m = strlen(pre);
	for (size_t i = 0; i + m <= n; i++)
		if (b[i] == (unsigned char)pre[0] && !memcmp(b + i, pre, m))
			return 1;
	return 0;
}

enum dq_source_kind
dq_source_sniff(const unsigned char *b, size_t n, const char **what)
{
	*what = NULL;
	if (has(b, n, "\x1f\x8b", 2))
		return *what = "gzip", DQ_SRC_GZIP;
	if (has(b, n, "\x28\xb5\x2f\xfd", 4))
		return *what = "zstd", DQ_SRC_ZSTD;
	if (has(b, n, "BZh", 3) && n >= 4 && b[3] >= '1' && b[3] <= '9')
		return *what = "bzip2", DQ_SRC_BZIP2;
	if (has(b, n, "\xfd" "7zXZ\0", 6))
		return *what = "xz", DQ_SRC_XZ;
	if (has(b, n, "PAR1", 4))
		return *what = "a Parquet file", DQ_SRC_PARQUET;
	if (has(b, n, "PK\x03\x04", 4) || has(b, n, "PK\x05\x06", 4) ||
	    has(b, n, "PK\x07\x08", 4))
		*what = zip_names(b, n, "xl/") ?
			"a zip archive (an Excel .xlsx workbook): export the "
			"sheet as CSV first" :
			zip_names(b, n, "application/vnd.oasis.opendocument."
				  "spreadsheet") ?
			"a zip archive (an OpenDocument .ods spreadsheet): "
			"export the sheet as CSV first" :
			zip_names(b, n, "word/") || zip_names(b, n, "ppt/") ||
			zip_names(b, n, "application/vnd.oasis.") ?
			"a zip archive (an office document), not data" :
			"a zip archive: unzip it first (dq reads gzip, zstd, "
			"bzip2 and xz streams)";
	else if (has(b, n, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
		*what = "an OLE2 compound file (an Excel .xls workbook or "
			"another old Office document): export the sheet as "
			"CSV first";
	else if (has(b, n, "%PDF-", 5))
		*what = "a PDF document, not data";
	else if (has(b, n, "\x89PNG\r\n\x1a\n", 8))
		*what = "a PNG image, not data";
	else if (has(b, n, "\xff\xd8\xff", 3))
		*what = "a JPEG image, not data";
	else if (has(b, n, "GIF87a", 6) || has(b, n, "GIF89a", 6))
		*what = "a GIF image, not data";
	else if (has(b, n, "SQLite format 3\0", 16))
		*what = "an SQLite database: export a table first, e.g. "
			"sqlite3 -json DB 'select * from T'";
	else if (has(b, n, "\x7f" "ELF", 4))
		*what = "an executable (ELF), not data";
	else if (has(b, n, "Obj\x01", 4))
		*what = "an Avro container file: dq does not read Avro";
	else if (has(b, n, "ORC", 3))
		*what = "an ORC file: dq does not read ORC";
	else if (has(b, n, "ARROW1", 6))
		*what = "an Arrow IPC file: dq does not read Arrow";
	else if (has(b, n, "\xff\xfe\0\0", 4) || has(b, n, "\0\0\xfe\xff", 4))
		*what = "UTF-32 text (byte order mark): dq reads UTF-8; "
			"convert it first: iconv -f UTF-32 -t UTF-8";
	else if (has(b, n, "\xff\xfe", 2) || has(b, n, "\xfe\xff", 2))
		*what = "UTF-16 text (byte order mark): dq reads UTF-8; "
			"convert it first: iconv -f UTF-16 -t UTF-8";
	return *what ? DQ_SRC_BINARY : DQ_SRC_PLAIN;
}

const char *
dq_source_codec(const struct dq_source *s)
{
	static const char *const names[] = { NULL, "gzip", "zstd", "bzip2",
					     "xz", NULL, NULL };
	return names[s->kind];
}

/* read(2) that retries on EINTR: the count, 0 at the end, -1 (message). */
static ssize_t
xread(struct dq_source *s, void *buf, size_t n)
{
	ssize_t r;
	int old;
	/* The decoder thread may be cancelled here only (on the reader's
	 * thread cancellation is always enabled: no change). */
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
	do
		r = read(s->fd, buf, n);
	while (r < 0 && errno == EINTR);
	int e = errno;
	pthread_setcancelstate(old, NULL);
	errno = e;
	if (r < 0)
		return dq_error("%s: read error: %s", s->name, strerror(errno));
	return r;
}

/* Start (or, after a stream's end, restart) the decoder. */
static int
dec_start(struct dq_source *s)
{
	switch (s->kind) {
	case DQ_SRC_GZIP: {
		z_stream *z = s->dec;
		if (!z) {
			z = s->dec = dq_xcalloc(1, sizeof(*z));
			/* 15 + 16: a gzip header is required (not zlib). */
			if (inflateInit2(z, 15 + 16) != Z_OK)
				return dq_error("%s: out of memory", s->name);
		} else if (inflateReset(z) != Z_OK) {
			return dq_error("%s: gzip: cannot restart", s->name);
		}
		return 0;
	}
	case DQ_SRC_ZSTD:
		if (!s->dec && !(s->dec = ZSTD_createDStream()))
			return dq_error("%s: out of memory", s->name);
		return 0;
	case DQ_SRC_BZIP2: {
		bz_stream *z = s->dec;
		if (!z)
			z = s->dec = dq_xcalloc(1, sizeof(*z));
		else
			BZ2_bzDecompressEnd(z);
		memset(z, 0, sizeof(*z));
		if (BZ2_bzDecompressInit(z, 0, 0) != BZ_OK)
			return dq_error("%s: out of memory", s->name);
		return 0;
	}
	case DQ_SRC_XZ: {
		lzma_stream *z = s->dec;
		static const lzma_stream init = LZMA_STREAM_INIT;
		if (!z) {
			z = s->dec = dq_xmalloc(sizeof(*z));
			*z = init;
		}
		if (lzma_stream_decoder(z, UINT64_MAX, LZMA_CONCATENATED) !=
		    LZMA_OK)
			return dq_error("%s: out of memory", s->name);
		return 0;
	}
	default:
		return 0;
	}
}

/*
 * One decoder step from the compressed input to out: *made bytes made.
 * 1 a stream ended, 0 go on, -1 damaged data (message).
 */
static int
dec_step(struct dq_source *s, unsigned char *out, size_t n, size_t *made)
{
	unsigned char *in = s->zin + s->zin_pos;
	size_t avail = s->zin_len - s->zin_pos, used = 0;
	const char *bad = NULL;
	int end = 0;

	*made = 0;
	switch (s->kind) {
	case DQ_SRC_GZIP: {
		z_stream *z = s->dec;
		z->next_in = in;
		z->avail_in = (uInt)avail;
		z->next_out = out;
		z->avail_out = (uInt)n;
		int r = inflate(z, Z_NO_FLUSH);
		used = avail - z->avail_in;
		*made = n - z->avail_out;
		if (r == Z_STREAM_END)
			end = 1;
		else if (r != Z_OK && r != Z_BUF_ERROR)
			bad = z->msg ? z->msg : "data error";
		break;
	}
	case DQ_SRC_ZSTD: {
		ZSTD_inBuffer ib = { in, avail, 0 };
		ZSTD_outBuffer ob = { out, n, 0 };
		size_t r = ZSTD_decompressStream(s->dec, &ob, &ib);
		used = ib.pos;
		*made = ob.pos;
		if (ZSTD_isError(r))
			bad = ZSTD_getErrorName(r);
		else if (r == 0)
			end = 1;
		break;
	}
	case DQ_SRC_BZIP2: {
		bz_stream *z = s->dec;
		z->next_in = (char *)in;
		z->avail_in = (unsigned)avail;
		z->next_out = (char *)out;
		z->avail_out = (unsigned)n;
		int r = BZ2_bzDecompress(z);
		used = avail - z->avail_in;
		*made = n - z->avail_out;
		if (r == BZ_STREAM_END)
			end = 1;
		else if (r != BZ_OK)
			bad = "data error";
		break;
	}
	case DQ_SRC_XZ: {
		lzma_stream *z = s->dec;
		z->next_in = in;
		z->avail_in = avail;
		z->next_out = out;
		z->avail_out = n;
		lzma_ret r = lzma_code(z, s->zeof ? LZMA_FINISH : LZMA_RUN);
		used = avail - z->avail_in;
		*made = n - z->avail_out;
		if (r == LZMA_STREAM_END)
			end = 1;
		else if (r == LZMA_BUF_ERROR)
			bad = "truncated";
		else if (r != LZMA_OK)
			bad = "data error";
		break;
	}
	default:
		break;
	}
	s->zin_pos += used;
	if (bad && !strcmp(bad, "truncated"))
		return dq_error("%s: truncated xz stream: it ends before its "
				"end marker", s->name);
	if (bad)
		return dq_error("%s: damaged %s stream: %s", s->name,
				dq_source_codec(s), bad);
	return end;
}

/* Refill the compressed input buffer when it is used up. */
static int
zfill(struct dq_source *s)
{
	if (s->zin_pos < s->zin_len || s->zeof)
		return 0;
	ssize_t r = xread(s, s->zin, ZIN);
	if (r < 0)
		return -1;
	s->zin_pos = 0;
	s->zin_len = (size_t)r;
	s->zread += (unsigned long long)r;
	if (r == 0)
		s->zeof = 1;
	return 0;
}

static ssize_t
decode(struct dq_source *s, unsigned char *out, size_t n)
{
	while (!s->zend) {
		size_t made;
		if (zfill(s))
			return -1;
		int rc = dec_step(s, out, n, &made);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			/* A stream ended: another may follow. */
			if (zfill(s))
				return -1;
			if (s->zin_pos == s->zin_len)
				s->zend = 1;
			else if (s->kind != DQ_SRC_ZSTD && dec_start(s))
				return -1;
		} else if (!made && s->zeof && s->zin_pos == s->zin_len &&
			   s->kind != DQ_SRC_XZ) {
			return dq_error("%s: truncated %s stream: it ends "
					"before its end marker", s->name,
					dq_source_codec(s));
		}
		if (made)
			return (ssize_t)made;
	}
	return 0;
}

/* Read into b until it holds at least want bytes or the input ends. */
static ssize_t
fill_head(struct dq_source *s, unsigned char *b, size_t cap, size_t want,
	  int decoded)
{
	size_t n = 0;
	while (n < want) {
		ssize_t r = decoded ? decode(s, b + n, cap - n)
				    : xread(s, b + n, cap - n);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	return (ssize_t)n;
}

/* The decoder thread: fill free slots until the end, an error or stop. */
static void *
ahead_main(void *arg)
{
	struct dq_source_ahead *a = arg;
	ssize_t r = 1;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	dq_error_capture(&a->msg);
	while (r > 0) {
		pthread_mutex_lock(&a->mu);
		while (a->count == NSLOT && !a->stop)
			pthread_cond_wait(&a->space, &a->mu);
		int stop = a->stop, k = (a->head + a->count) % NSLOT;
		pthread_mutex_unlock(&a->mu);
		if (stop)
			break;
		/* Slot k is free: only this thread touches it until it is
		 * counted. */
		size_t len = 0;
		while (len < SLOT) {
			r = decode(&a->dec, a->slot[k] + len, SLOT - len);
			if (r <= 0)
				break;
			len += (size_t)r;
			if (a->dec.zin_pos == a->dec.zin_len)
				break;
		}
		pthread_mutex_lock(&a->mu);
		if (len) {
			a->len[k] = len;
			a->count++;
		}
		if (r <= 0) {
			a->end = 1;
			a->failed = r < 0;
		}
		pthread_cond_signal(&a->data);
		pthread_mutex_unlock(&a->mu);
	}
	dq_error_capture(NULL);
	return NULL;
}

static void dec_free(struct dq_source *s);

static void
ahead_free(struct dq_source_ahead *a)
{
	dec_free(&a->dec);
	for (int i = 0; i < NSLOT; i++)
		free(a->slot[i]);
	dq_buf_release(&a->msg);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->data);
	pthread_cond_destroy(&a->space);
	free(a);
}

/* Move s's decoder to a thread of its own (if none can be started, it
 * stays on the reader's thread). */
static void
ahead_start(struct dq_source *s)
{
	struct dq_source_ahead *a = dq_xcalloc(1, sizeof(*a));

	a->dec = *s;
	a->dec.peek = NULL;
	a->dec.peek_len = a->dec.peek_pos = 0;
	for (int i = 0; i < NSLOT; i++)
		a->slot[i] = dq_xmalloc(SLOT);
	dq_buf_init(&a->msg, 0);
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->data, NULL);
	pthread_cond_init(&a->space, NULL);
	if (pthread_create(&a->tid, NULL, ahead_main, a)) {
		a->dec.zin = NULL;
		a->dec.dec = NULL;
		ahead_free(a);
		return;
	}
	s->zin = NULL;
	s->dec = NULL;
	s->ahead = a;
}

static ssize_t
ahead_read(struct dq_source_ahead *a, unsigned char *buf, size_t n)
{
	pthread_mutex_lock(&a->mu);
	while (!a->count && !a->end)
		pthread_cond_wait(&a->data, &a->mu);
	int count = a->count, failed = a->failed;
	pthread_mutex_unlock(&a->mu);
	if (!count) {
		if (!failed)
			return 0;
		/* The thread's message, captured without "PROG: " and with
		 * a newline. */
		return dq_error("%.*s", (int)(a->msg.len ? a->msg.len - 1 : 0),
				a->msg.buf);
	}
	/* slot[head] is full and the thread leaves it alone until freed. */
	size_t k = a->len[a->head] - a->pos;
	if (k > n)
		k = n;
	memcpy(buf, a->slot[a->head] + a->pos, k);
	a->pos += k;
	if (a->pos == a->len[a->head]) {
		a->pos = 0;
		pthread_mutex_lock(&a->mu);
		a->head = (a->head + 1) % NSLOT;
		a->count--;
		pthread_cond_signal(&a->space);
		pthread_mutex_unlock(&a->mu);
	}
	return (ssize_t)k;
}

static void
ahead_close(struct dq_source_ahead *a)
{
	pthread_mutex_lock(&a->mu);
	a->stop = 1;
	pthread_cond_signal(&a->space);
	pthread_mutex_unlock(&a->mu);
	/* Waiting in read(2) on a pipe that may never write again, it is
	 * cancelled there; anywhere else it sees stop. */
	pthread_cancel(a->tid);
	pthread_join(a->tid, NULL);
	ahead_free(a);
}

void
dq_source_open_plain(struct dq_source *s, int fd, const char *name)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->name = name;
}

int
dq_source_open(struct dq_source *s, int fd, const char *name)
{
	const char *what;
	ssize_t n;

	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->name = name;
	s->peek = dq_xmalloc(DQ_SOURCE_PEEK);
	/* Eight bytes tell every magic number; more only for a zip's entry
	 * names.  Reading no more than that keeps a slow pipe's first line
	 * flowing. */
	n = fill_head(s, s->peek, DQ_SOURCE_PEEK, 8, 0);
	if (n < 0)
		return -1;
	s->kind = dq_source_sniff(s->peek, (size_t)n, &what);
	if (s->kind == DQ_SRC_BINARY && !strncmp(what, "a zip", 5)) {
		ssize_t m = fill_head(s, s->peek + n, DQ_SOURCE_PEEK - (size_t)n,
				      DQ_SOURCE_PEEK - (size_t)n, 0);
		if (m < 0)
			return -1;
		n += m;
		dq_source_sniff(s->peek, (size_t)n, &what);
	}
	if (s->kind == DQ_SRC_BINARY)
		return dq_error("%s: %s", name, what);
	s->peek_len = (size_t)n;
	if (s->kind == DQ_SRC_PLAIN || s->kind == DQ_SRC_PARQUET)
		return 0;

	/* Compressed: what was read is the first compressed input, and the
	 * first decompressed bytes are looked at in turn. */
	s->zin = dq_xmalloc(ZIN);
	memcpy(s->zin, s->peek, (size_t)n);
	s->zin_len = (size_t)n;
	s->zread = (unsigned long long)n;
	s->peek_len = 0;
	if (dec_start(s))
		return -1;
	n = fill_head(s, s->peek, DQ_SOURCE_PEEK, 8, 1);
	if (n < 0)
		return -1;
	enum dq_source_kind inner = dq_source_sniff(s->peek, (size_t)n, &what);
	if (inner == DQ_SRC_BINARY)
		return dq_error("%s: %s-compressed %s", name,
				dq_source_codec(s), what);
	if (inner == DQ_SRC_PARQUET)
		return dq_error("%s: %s-compressed Parquet file: Parquet is "
				"read from its end, so decompress it to a file "
				"first", name, dq_source_codec(s));
	if (inner != DQ_SRC_PLAIN)
		return dq_error("%s: compressed twice (%s inside %s): "
				"decompress it once first", name, what,
				dq_source_codec(s));
	s->peek_len = (size_t)n;
	ahead_start(s);
	return 0;
}

ssize_t
dq_source_read(struct dq_source *s, void *buf, size_t n)
{
	if (s->peek_pos < s->peek_len) {
		size_t k = s->peek_len - s->peek_pos;
		if (k > n)
			k = n;
		memcpy(buf, s->peek + s->peek_pos, k);
		s->peek_pos += k;
		return (ssize_t)k;
	}
	if (s->kind == DQ_SRC_PLAIN)
		return xread(s, buf, n);
	if (s->ahead)
		return ahead_read(s->ahead, buf, n);
	return decode(s, buf, n);
}

/* Free the decoder's state. */
static void
dec_free(struct dq_source *s)
{
	switch (s->kind) {
	case DQ_SRC_GZIP:
		if (s->dec)
			inflateEnd(s->dec);
		break;
	case DQ_SRC_ZSTD:
		ZSTD_freeDStream(s->dec);
		s->dec = NULL;
		break;
	case DQ_SRC_BZIP2:
		if (s->dec)
			BZ2_bzDecompressEnd(s->dec);
		break;
	case DQ_SRC_XZ:
		if (s->dec)
			lzma_end(s->dec);
		break;
	default:
		break;
	}
	free(s->dec);
	free(s->zin);
	s->dec = NULL;
	s->zin = NULL;
}

void
dq_source_close(struct dq_source *s)
{
	if (s->ahead)
		ahead_close(s->ahead);
	dec_free(s);
	free(s->peek);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}
