/*
 * source.h - the bytes of one input file: plain, or decompressed, and never
 * a binary file taken for text.
 *
 * A file's first bytes say what it is (its magic number).  gzip, zstd,
 * bzip2 and xz streams are decompressed as they are read (zlib, libzstd,
 * libbz2, liblzma), so every reader above sees the same bytes as from the
 * uncompressed file.  A Parquet file is told apart (its kind is
 * DQ_SRC_PARQUET, for stream/parquet to read).  A file that is another
 * known binary format (a zip archive such as an .xlsx workbook, PDF, an image, an OLE2 .xls, SQLite,
 * ...) or UTF-16/UTF-32 text with its byte order mark is refused with a
 * message that names what it looks like.
 *
 * A compressed file is decompressed on a thread of its own, a few
 * megabytes ahead of the reader (dq_source_read copies from them), so the
 * decoder and the parser each have a core.  Damage and read errors reach
 * the reader after the bytes before them, with the same message.
 *
 *	struct dq_source s;
 *	if (dq_source_open(&s, fd, "data.ndjson.gz"))
 *		return -1;                  (message printed)
 *	while ((n = dq_source_read(&s, buf, sizeof(buf))) > 0)
 *		...
 *	dq_source_close(&s);                (does not close fd)
 */
#ifndef DQ_SOURCE_H
#define DQ_SOURCE_H

#include <stddef.h>
#include <sys/types.h>

enum dq_source_kind {
	DQ_SRC_PLAIN,
	DQ_SRC_GZIP,
	DQ_SRC_ZSTD,
	DQ_SRC_BZIP2,
	DQ_SRC_XZ,
	DQ_SRC_PARQUET, /* read by stream/parquet, not as bytes */
	DQ_SRC_BINARY   /* refused: what says what it looks like */
};

/* How many first bytes dq_source_sniff wants to see (fewer at a short
 * file's end). */
#define DQ_SOURCE_PEEK 4096

/*
 * What the first n bytes of a file (n up to DQ_SOURCE_PEEK) are.  For
 * DQ_SRC_BINARY, *what (static text) names the format and says what to
 * do; for a compressed kind, *what is its name ("gzip", ...).
 */
enum dq_source_kind dq_source_sniff(const unsigned char *b, size_t n,
				    const char **what);

struct dq_source_ahead;

struct dq_source {
	enum dq_source_kind kind;
	const char *name;       /* borrowed: for messages */
	int fd;                 /* borrowed */
	/* Private state. */
	unsigned char *peek;    /* bytes read while sniffing, handed out
				 * first (plain), or compressed input */
	size_t peek_len, peek_pos;
	unsigned char *zin;     /* compressed input buffer */
	size_t zin_len, zin_pos;
	int zeof;               /* no more compressed input */
	int zend;               /* the decoder reached a stream end with no
				 * input left after it */
	void *dec;              /* the decoder's state */
	unsigned long long zread; /* compressed bytes read */
	struct dq_source_ahead *ahead; /* a compressed file's decoder
				 * thread and its ring of buffers */
};

/*
 * Read the first bytes of fd (the file called name) and set up the reader
 * for what they are.  0, or -1 with a message (a binary file; a read
 * error; a compressed stream that holds a binary file or another
 * compressed stream).
 */
int dq_source_open(struct dq_source *s, int fd, const char *name);
/* Read fd as it is, without looking at it (a byte range in the middle of
 * a file, a chunk of one). */
void dq_source_open_plain(struct dq_source *s, int fd, const char *name);
/* Up to n decompressed bytes into buf: the count, 0 at the end, -1 with a
 * message on a read error or a damaged or truncated compressed stream. */
ssize_t dq_source_read(struct dq_source *s, void *buf, size_t n);
/* Stop and join the decoder thread, free the decoder (fd stays open).
 * Fine before the end of the input. */
void dq_source_close(struct dq_source *s);
/* "gzip", "zstd", "bzip2", "xz", or NULL for a plain file. */
const char *dq_source_codec(const struct dq_source *s);

#endif
