/*
 * input.h - reading records from NDJSON or CSV files and stdin.
 *
 * struct dq_input yields one item per input record: the record's JSON
 * text (for CSV, an object built from the header and the row), the raw
 * bytes it came from, and where it came from (file, line, byte offset).
 * Each file's bytes come through stream/source: decompressed when they
 * are gzip, zstd, bzip2 or xz, refused when they are a binary format.
 * A Parquet file's rows come through stream/parquet as JSON objects,
 * numbered by their position (line 1 is the first row; offset is
 * UINT64_MAX, as for CSV rows).
 * Lines have no length limit: the read buffer grows to the longest line
 * and shrinks back after it, so memory is bounded by the longest line,
 * not by the input size.  A UTF-8 byte order mark on a file's first line
 * is dropped, "\r\n" line ends are accepted, and so are lone-CR line
 * ends (classic Mac OS: a file whose first CR outside quotes comes before
 * any LF and is not followed by one has its lines end at CR); blank lines
 * are skipped and counted.  The format is detected per file from its
 * first non-blank byte ('{' or '[' means NDJSON, anything else CSV) unless
 * forced; a first line that is not JSON followed by a line that starts
 * with '{' or '[' is neither reading for sure, and is an error that says
 * to choose (--ndjson or --csv).
 */
#ifndef DQ_INPUT_H
#define DQ_INPUT_H

#include <stdint.h>

#include "stream/csv.h"
#include "stream/parquet.h"
#include "stream/path.h"
#include "stream/source.h"
#include "base/util.h"

/* DQ_FMT_JSON: JSON documents: a top-level array of records, or objects
 * one after another (pretty-printed or not).  DQ_FMT_PARQUET: a Parquet
 * file (stream/parquet), known by its magic number whatever the format
 * asked for. */
enum dq_format { DQ_FMT_AUTO, DQ_FMT_NDJSON, DQ_FMT_CSV, DQ_FMT_JSON,
		 DQ_FMT_PARQUET };

struct dq_item {
	const char *text;   /* record JSON text (borrowed until next call) */
	size_t len;
	const char *raw;    /* the original bytes, without the line end */
	size_t rawlen;
	const char *file;   /* file name, "-" for stdin */
	long line;          /* 1-based line where the record starts */
	uint64_t offset;    /* byte offset of that line in the file */
	const char *reason; /* non-NULL: the input layer rejected it (CSV) */
	int csv;            /* it came from a CSV file */
	/* From a JSON document: line is the record's position (1-based, as
	 * its line in NDJSON would be), raw its bytes as they are in the
	 * file, text those bytes without the white space outside strings
	 * (one line, as NDJSON's), and srcline, srccol where it starts. */
	int doc;
	long srcline, srccol;
	/* From CSV: the record's members, already found (see struct
	 * dq_csv_row), for dq_record_adopt; m is NULL otherwise. */
	const struct dq_member *m;
	size_t nm;
};

struct dq_input {
	/* Set before the first dq_input_next. */
	char **files;         /* borrowed; "-" is stdin; none means stdin */
	size_t nfiles;
	enum dq_format format;
	struct dq_csv_opts csv;
	long line_offset;     /* added to every line number (a chunk of a
			       * larger file: dq-parallel) */
	/* A byte range of the files (for one process of several): read
	 * [start, stop) (stop 0: to the end), which must begin at a line
	 * start, numbering lines from start_line + 1.  The format is then
	 * NDJSON unless forced. */
	uint64_t start, stop;
	long start_line;
	/* A byte range of a CSV file (format DQ_FMT_CSV): its header row is
	 * bytes [0, csv_header) of the file, read before the range (0: no
	 * header row is read). */
	uint64_t csv_header;
	/* The records are the elements of the array at this path of object
	 * keys in each JSON document ("records" for {"records": [...]},
	 * "data.items"), as Airtable's, Salesforce's and most REST APIs'
	 * exports hold them; the other members are skipped, unread.  NULL:
	 * the documents' top level (or NDJSON lines).  Reading as JSON
	 * documents is implied. */
	const char *records;

	/* Counts, for summaries. */
	uint64_t bytes;       /* bytes read */
	uint64_t blank;       /* blank lines skipped */

	/* Private state. */
	size_t fi;
	int fd;
	struct dq_source src;  /* fd's bytes, decompressed */
	const char *name;
	long lineno;
	uint64_t off;
	uint64_t fpos;        /* read position in the file */
	char *buf;
	size_t cap, beg, end;
	int eof, started;
	enum dq_format cur;
	struct dq_csv *csvp;
	unsigned csv_gen;     /* counts the readers csvp has been */
	int csv_done;
	char eol;             /* the line end: '\n', or '\r' (lone CR) */
	int eol_known;        /* eol decided for this file */
	/* A JSON document: where the reader is (top level, or inside the
	 * top-level array before its first element or after a comma), the
	 * records so far, the offset of the current line's start, and the
	 * record's text without its white space. */
	int doc_state;
	long doc_rec;
	uint64_t doc_linestart;
	struct dq_buf doc;
	/* --records-at: its keys, the wrapper object's depth the reader is
	 * at, whether this document held the array, and a key being read. */
	struct dq_path rpath;
	int rpath_set;
	size_t wrap_level;
	int wrap_found;
	struct dq_buf wrap_key;
	struct dq_parquet *pq; /* a Parquet file's reader */
	uint64_t pq_rows;      /* its rows so far */
};

void dq_input_init(struct dq_input *in);
void dq_input_release(struct dq_input *in);

/*
 * Whole CSV rows as bytes, for readers on other threads (cli/par.c).
 * When the file being read is CSV with a header row, and its reader is
 * between rows (dq_csv_idle), append to out the lines that follow, as
 * read (LF included), up to the end of the first row that brings them to
 * want bytes or more, or of the last whole row before the end of the
 * file; *line is set to the first one's number (line_offset not added),
 * *rows to the number of rows in them (blank lines between rows are
 * none, as for the reader).  Returns how many lines were appended: 0 when the file is not in that
 * state (dq_input_next reads on: a header, a file's end, a last row
 * without a line end, which are handed to the reader in->csvp), -1 on a
 * read error.  Read the rows with dq_csv_fork(in->csvp), made while
 * in->csv_gen is the same.
 */
long dq_input_csv_rows(struct dq_input *in, struct dq_buf *out, size_t want,
		       long *line, uint64_t *rows);
/* Check every named file can be opened for reading; -1 with a message. */
int dq_input_check(struct dq_input *in);
/*
 * Can byte ranges of the regular file fd be read on their own (cli/split)?
 * format is the one asked for (DQ_FMT_AUTO: detect).  1 when it is NDJSON
 * text (each range cut at a line start); 2 when it is CSV (each range cut
 * at a row start: stream/csv.h's dq_csv_cuts) with LF or CR LF line ends;
 * 0 when not: empty, or (with *why set to static text saying why)
 * compressed, binary, a JSON document, or CSV whose lines end in a lone
 * CR.
 */
int dq_input_cuttable(int fd, enum dq_format format, const char **why);
/*
 * Where byte col of it->text is in its file: the byte offset, the line
 * and the 1-based column.  (Only a JSON document's records are not their
 * own line; for CSV rows *byte is UINT64_MAX.)
 */
void dq_item_where(const struct dq_item *it, size_t col, uint64_t *byte,
		   long *line, size_t *column);
/* Next item: 1 and *it filled, 0 at the end of all input, -1 on a read
 * error or a fatal CSV error (message printed). */
int dq_input_next(struct dq_input *in, struct dq_item *it);

#endif
