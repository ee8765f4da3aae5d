/*
 * csv.h - CSV input for dq: rows of a CSV file become JSON object text.
 *
 * Every dq program works on NDJSON records.  This module lets them read
 * CSV as well: the stream layer feeds it the physical lines of a CSV file,
 * and it hands back one record per data row as compact JSON text
 * ('{"name":"Ann","age":"42"}'), keys in header order, every value a JSON
 * string.  Rows that cannot become a record (wrong number of fields,
 * malformed quoting, invalid UTF-8, ...) are handed back too, with their
 * original bytes and the reason, so the caller can send them to the
 * rejects sink: nothing is lost.
 *
 * Typical use:
 *
 *	struct dq_csv_opts o;
 *	struct dq_csv *c;
 *	struct dq_csv_row row;
 *
 *	dq_csv_opts_init(&o);
 *	c = dq_csv_new(&o);
 *	while ((line = read_line(&n)) != NULL) {
 *		if (dq_csv_feed(c, line, n, ++lineno) < 0)
 *			return error("%s", dq_csv_error(c));
 *		while (dq_csv_next(c, &row))
 *			if (row.reason)
 *				reject(row.raw, row.line, row.reason);
 *			else
 *				emit(row.json, row.json_len);
 *	}
 *	if (dq_csv_finish(c) < 0)
 *		return error("%s", dq_csv_error(c));
 *	while (dq_csv_next(c, &row))
 *		...
 *	dq_csv_free(c);
 *
 * Format accepted (RFC 4180, with the usual relaxations):
 *
 *  - Fields are separated by the delimiter; a field may be enclosed in
 *    double quotes, and then it may contain the delimiter, line breaks
 *    (kept in the value exactly, LF or CRLF) and doubled quotes ("" for ").
 *    Whitespace around fields is part of the value: nothing is trimmed.
 *  - A row ends at an LF outside quotes; a CR just before it belongs to
 *    the line end and is not kept.  A lone CR elsewhere in an unquoted
 *    field is kept as data.
 *  - Blank lines ("" , "\n", "\r\n") between rows are skipped and do not
 *    count as rows.
 *  - The first non-blank row is the header unless no_header is set.
 *    Header names are used as they are, except: an empty name becomes
 *    "column_N" (N its 1-based position), and a name that was already
 *    used becomes NAME_2, NAME_3, ... (the first suffix that no other
 *    column has).  In no_header mode the columns are "1", "2", ... and the
 *    first well-formed row fixes how many there are.
 *  - A multi-byte delimiter such as ", " (FEBRL files) is handled before
 *    libcsv sees the line: outside quotes, every occurrence of the full
 *    delimiter becomes its first byte.  Its first byte alone, outside
 *    quotes, is an error ("incomplete delimiter"); so "a, , b" is the three
 *    fields "a", "", "b", and quoted fields may follow the delimiter
 *    ('a, "b, c"').
 *
 * Ownership: struct dq_csv owns everything it hands out; the pointers in
 * a struct dq_csv_row and those returned by dq_csv_col() and
 * dq_csv_error() are borrowed (see each function for how long).
 */
#ifndef DQ_CSV_H
#define DQ_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"
#include "stream/json.h"

struct dq_csv_opts {
	/*
	 * The delimiter: one or more ASCII bytes, none of them '"', CR, LF
	 * or NUL.  NULL means ",".  "\t" reads TSV; ", " reads FEBRL files
	 * (see above for how multi-byte delimiters work).
	 */
	const char *delim;
	/* The input is ISO-8859-1: bytes 0x80-0xFF become U+0080-U+00FF. */
	int latin1;
	/* There is no header row: columns are named "1", "2", ... */
	int no_header;
	/* Parse every row with libcsv, never the fast path (see csv.c): the
	 * reference the tests compare the fast path with. */
	int reference;
};

/* Set the defaults: ",", UTF-8 input, a header row. */
void dq_csv_opts_init(struct dq_csv_opts *o);

/*
 * Check the options.  Returns NULL when they are usable, else a static
 * message saying what is wrong (for a usage error before any output).
 */
const char *dq_csv_opts_check(const struct dq_csv_opts *o);

struct dq_csv;

/*
 * Make a parser.  The options are copied.  Never returns NULL: with
 * options that dq_csv_opts_check() rejects, every dq_csv_feed() and
 * dq_csv_finish() returns -1 and dq_csv_error() says why.
 * Free with dq_csv_free().
 */
struct dq_csv *dq_csv_new(const struct dq_csv_opts *o);
/* Free the parser and everything it handed out.  NULL is allowed. */
void dq_csv_free(struct dq_csv *c);

/*
 * Feed one physical line of input, with its terminator ("\n" or "\r\n")
 * as read (the last line of the input may lack one), and its 1-based
 * line number in the file.  The line is borrowed: it is copied as needed.
 * Input holding several lines is split at each LF, numbered lineno,
 * lineno + 1, ...  Rows completed by the line are queued for
 * dq_csv_next(); drain them after every call.
 *
 * Returns 0, or -1 on a fatal error (the header row is malformed or not
 * valid UTF-8, the options are invalid): the message is in dq_csv_error()
 * and names the line; every later call returns -1 as well.
 */
int dq_csv_feed(struct dq_csv *c, const char *line, size_t n, long lineno);

/*
 * Call at the end of the input: completes a last row that has no line
 * terminator.  A row still inside a quoted field is handed out as a
 * rejected row ("unterminated quoted field"), which is not a fatal error.
 * Returns 0, or -1 on a fatal error (an unterminated header row; any
 * earlier fatal error).
 */
int dq_csv_finish(struct dq_csv *c);

struct dq_csv_row {
	/*
	 * The record: a compact JSON object, keys in header order, every
	 * value a JSON string (an empty field is ""), valid UTF-8, NUL
	 * terminated.  NULL when reason is not NULL.
	 */
	const char *json;
	size_t json_len;
	/*
	 * The row's bytes exactly as read, all its physical lines, without
	 * the final line terminator ("\n" or "\r\n").  May hold any bytes
	 * (it is what goes to the rejects sink).
	 */
	const char *raw;
	size_t raw_len;
	long line;  /* line number where the row starts */
	long rowno; /* 1-based data row number; the header is not counted */
	/*
	 * NULL for a good row, else why it is rejected:
	 * "row has 3 fields, header has 4" (no_header mode: "..., first row
	 * has 4"), "invalid UTF-8", "unterminated quoted field",
	 * "malformed quoting", "incomplete delimiter: expected \", \"".
	 */
	const char *reason;
	/*
	 * A good row's members, found while its JSON was written: what
	 * dq_json_scan(json) would find, for dq_record_adopt.  NULL and 0
	 * for a rejected row, and in a file with a column named "_dq" (its
	 * rows are scanned, and rejected there: the name is dq's).
	 */
	const struct dq_member *m;
	size_t nm;
};

/*
 * Pop the next completed row: returns 1 and fills *row, or 0 when none is
 * ready.  The pointers in *row are borrowed and stay valid until the next
 * call on c.  The header row is consumed internally and never returned.
 */
int dq_csv_next(struct dq_csv *c, struct dq_csv_row *row);

/*
 * The column names after processing (renamed duplicates, "column_N"),
 * for summaries.  0 until the header (or, with no_header, the first
 * well-formed row) has been read.  dq_csv_col() returns NULL for
 * i >= dq_csv_ncols(); the name is borrowed until dq_csv_free().
 */
size_t dq_csv_ncols(const struct dq_csv *c);
const char *dq_csv_col(const struct dq_csv *c, size_t i);

/*
 * The message of the last fatal error ("line 1: malformed quoting in
 * the header row"), or "" when there was none.  Borrowed until the next
 * call on c.
 */
const char *dq_csv_error(const struct dq_csv *c);
/* Blank lines skipped between rows so far (the summary's counts.blank). */
uint64_t dq_csv_blank_lines(const struct dq_csv *c);

/*
 * Reading a file's rows on several threads (cli/par.c).  Once the header
 * is read and the reader c is between rows (dq_csv_idle: a header row,
 * not no_header, no row part-read or waiting), the lines that follow can
 * be cut into runs of whole rows by dq_csv_rowscan (the rules of
 * dq_csv_cuts, line by line), and each run read by a reader of its own
 * made by dq_csv_fork(c): same options, same columns, at a row start.
 * The rows of the runs are then the rows c would have read (the row
 * numbers, rowno, count from 1 in each reader).
 */
int dq_csv_idle(const struct dq_csv *c);
struct dq_csv *dq_csv_fork(const struct dq_csv *c);

struct dq_csv_rowscan {
	int st;
	unsigned char delim;
};
/* At a row start, for a one-byte delimiter. */
void dq_csv_rowscan_start(struct dq_csv_rowscan *rs,
			  const struct dq_csv_opts *o);
/* Take the next line (with its LF, when it has one): 1 when the row in
 * progress ends with it, 0 when it goes on past it. */
int dq_csv_rowscan_line(struct dq_csv_rowscan *rs, const char *line,
			size_t n);

/*
 * Row starts for reading a CSV file in byte ranges (cli/split.c): the
 * rows as this reader finds them, without parsing a field.  fd is the
 * regular file, size its length.  *header_end is set to the offset just
 * past the header row (the first non-blank row), and
 * for each want[i] (ascending) cut[i] to the first row start at or after
 * want[i] that follows the header, or size when there is none.  Returns
 * NULL, or a static text saying why the file cannot be cut so (a
 * delimiter of several bytes; no header row, where the first well-formed
 * row fixes the number of fields; a header row that is malformed or never
 * ends; a read error).  One pass over the bytes up to the last cut, a
 * megabyte of memory.
 *
 * How the rows are found: a state machine over the bytes with the
 * reader's strict rules (see csv.c): a quote opens a quoted field only at
 * a field's start; in a quoted field "" is a quote and a quote followed
 * by the delimiter, LF or CR LF closes it; anything else after a closing
 * quote, and a quote inside an unquoted field, is malformed quoting,
 * which ends the row at the end of that line, as the reader does when it
 * rejects the row and starts afresh with the next line.
 */
const char *dq_csv_cuts(const struct dq_csv_opts *o, int fd, uint64_t size,
			const uint64_t *want, size_t nwant, uint64_t *cut,
			uint64_t *header_end);

/*
 * Writing: append one CSV cell of text s (n bytes) to out, RFC 4180:
 * quoted when it holds delim, a quote, CR or LF, quotes doubled.  With
 * protect, a cell a spreadsheet would run as a formula gets a leading '
 * (OWASP, "CSV Injection"): one that starts with = + - @ |, a tab or a
 * CR, also after leading characters spreadsheets skip (spaces, U+00A0,
 * U+200B, U+FEFF), and one that starts with a full-width = + - @
 * (U+FF1D, U+FF0B, U+FF0D, U+FF20).  Returns 1 when it added the ', else
 * 0.  The one CSV cell writer of the toolkit.
 */
int dq_csv_put_cell(struct dq_buf *out, const char *s, size_t n, char delim,
		    int protect);

#endif
