/*
 * input.c - line reading and format detection for dq's record stream.
 *
 * Lines are found with memchr in a read(2) buffer and handed out as
 * pointers into it, so the common case copies nothing.  A line longer
 * than the buffer grows it (doubling); once such a line has been handed
 * out the buffer shrinks back, so one 50 MB line does not keep 64 MB
 * for the rest of the run.
 */
#include "stream/input.h"

#include "stream/parquet.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RBUF 262144

/* Where a JSON document's reader is: between top-level values, inside the
 * top-level array before its first element, or after a comma there. */
/* DOC_WRAP: inside --records-at's wrapper objects, between members. */
enum { DOC_TOP, DOC_FIRST, DOC_NEXT, DOC_WRAP };

void
dq_input_init(struct dq_input *in)
{
	memset(in, 0, sizeof(*in));
	in->fd = -1;
	dq_csv_opts_init(&in->csv);
	dq_buf_init(&in->doc, 0);
	dq_buf_init(&in->wrap_key, 0);
}

static void
close_current(struct dq_input *in)
{
	if (in->fd >= 0)
		dq_source_close(&in->src);
	dq_parquet_close(in->pq);
	in->pq = NULL;
	if (in->fd > 0)
		close(in->fd);
	in->fd = -1;
	if (in->csvp) {
		dq_csv_free(in->csvp);
		in->csvp = NULL;
	}
}

void
dq_input_release(struct dq_input *in)
{
	close_current(in);
	free(in->buf);
	in->buf = NULL;
	dq_buf_release(&in->doc);
	dq_buf_release(&in->wrap_key);
	if (in->rpath_set)
		dq_path_release(&in->rpath);
	in->rpath_set = 0;
}

/* --records-at: its path parsed once; object keys only, JSON only. */
static int
records_path(struct dq_input *in)
{
	const char *why = NULL;

	if (!in->records || in->rpath_set)
		return 0;
	if (in->format == DQ_FMT_CSV || in->format == DQ_FMT_NDJSON)
		return dq_error("--records-at: reads JSON documents, not %s",
				in->format == DQ_FMT_CSV ? "CSV" : "NDJSON");
	if (dq_path_parse(&in->rpath, in->records, strlen(in->records),
			  &why)) {
		dq_path_release(&in->rpath);
		return dq_error("--records-at: '%s' is not a field path (%s)",
				in->records, why ? why : "bad syntax");
	}
	if (in->rpath.neach) {
		dq_path_release(&in->rpath);
		return dq_error("--records-at: '%s': object keys only, no []",
				in->records);
	}
	in->rpath_set = 1;
	return 0;
}

int
dq_input_check(struct dq_input *in)
{
	if (records_path(in))
		return -1;
	for (size_t i = 0; i < in->nfiles; i++) {
		if (!strcmp(in->files[i], "-"))
			continue;
		/* A FIFO is only looked at: opening it here and again to read
		 * would let a writer's data meet a closed reader (SIGPIPE). */
		struct stat st;
		if (stat(in->files[i], &st) == 0 && !S_ISREG(st.st_mode) &&
		    !S_ISDIR(st.st_mode)) {
			if (access(in->files[i], R_OK))
				return dq_error("%s: %s", in->files[i],
						strerror(errno));
			continue;
		}
		int fd = open(in->files[i], O_RDONLY);
		if (fd < 0)
			return dq_error("%s: %s", in->files[i], strerror(errno));
		close(fd);
	}
	return 0;
}

/* A CSV byte range: the parser reads the file's header row first, from
 * bytes [0, in->csv_header), numbered from line 1 (none of it counted). */
static int
csv_header(struct dq_input *in)
{
	size_t n = (size_t)in->csv_header, got = 0;
	char *h = dq_xmalloc(n);
	int rc = 0;

	while (got < n) {
		ssize_t r = pread(in->fd, h + got, n - got, (off_t)got);
		if (r <= 0) {
			rc = dq_error("%s: header row: %s", in->name,
				      r ? strerror(errno) : "end of file");
			break;
		}
		got += (size_t)r;
	}
	if (!rc) {
		size_t bom = n >= 3 && !memcmp(h, "\xEF\xBB\xBF", 3) ? 3 : 0;
		in->csvp = dq_csv_new(&in->csv);
		in->csv_gen++;
		if (dq_csv_feed(in->csvp, h + bom, n - bom, 1))
			rc = dq_error("%s:1: %s", in->name,
				      dq_csv_error(in->csvp));
	}
	free(h);
	return rc;
}

/* Open the next input; 1 opened, 0 none left, -1 error. */
static int
open_next(struct dq_input *in)
{
	const char *name;

	close_current(in);
	if (in->nfiles == 0) {
		if (in->started)
			return 0;
		name = "-";
	} else {
		if (in->fi >= in->nfiles)
			return 0;
		name = in->files[in->fi++];
	}
	in->started = 1;
	if (!strcmp(name, "-")) {
		in->fd = 0;
	} else {
		in->fd = open(name, O_RDONLY);
		if (in->fd < 0)
			return dq_error("%s: %s", name, strerror(errno));
	}
	in->name = name;
	in->lineno = 0;
	in->off = 0;
	in->beg = in->end = 0;
	in->eof = 0;
	in->cur = in->format;
	in->csv_done = 0;
	in->fpos = 0;
	in->eol = '\n';
	in->eol_known = 0;
	in->doc_state = DOC_TOP;
	in->doc_rec = 0;
	in->doc_linestart = 0;
	in->wrap_level = 0;
	in->wrap_found = 0;
	if (in->records) {
		if (records_path(in))
			return -1;
		if (in->cur == DQ_FMT_AUTO)
			in->cur = DQ_FMT_JSON;
	}
	if (in->start || in->stop) {
		if (in->start && lseek(in->fd, (off_t)in->start, SEEK_SET) < 0)
			return dq_error("%s: %s", name, strerror(errno));

		in->fpos = in->off = in->start;
		in->lineno = in->start_line;
		if (in->cur == DQ_FMT_AUTO)
			in->cur = DQ_FMT_NDJSON;
		if (in->start && in->cur == DQ_FMT_CSV && in->csv_header &&
		    csv_header(in))
			return -1;
	}
	/* The file's first bytes say whether it is compressed or binary;
	 * a byte range after its start or a chunk of a larger file
	 * (--line-offset) is text as it is. */
	if (in->start || in->line_offset)
		dq_source_open_plain(&in->src, in->fd, name);
	else if (dq_source_open(&in->src, in->fd, name))
		return -1;
	/* Parquet, whatever the format asked for: its magic number cannot
	 * begin a text file. */
	if (in->src.kind == DQ_SRC_PARQUET) {
		in->pq = dq_parquet_open(in->fd, name);
		if (!in->pq)
			return -1;
		in->cur = DQ_FMT_PARQUET;
		in->pq_rows = 0;
	}
	if (!in->buf) {
		in->cap = RBUF;
		in->buf = dq_xmalloc(in->cap);
	}
	return 1;
}

/*
 * Read one physical line.  *p and *n give it without its "\n"; *term is
 * the terminator's length (0 for a last line without one).  Returns 1, 0
 * at end of file, -1 on a read error.
 */
/*
 * Decide the line end of the file from the bytes read so far (b[0..n),
 * its start): lone CR when the first CR outside double quotes comes before
 * any LF and the byte after it is there and is not LF.  Returns 1 when
 * decided (*eol set to '\r', or left '\n'), 0 while neither a LF nor a
 * CR with the byte after it has been read.
 */
static int
find_eol(const char *b, size_t n, char *eol)
{
	size_t quotes = 0;

	for (size_t i = 0; i < n; i++) {
		if (b[i] == '"') {
			quotes++;
		} else if (b[i] == '\n') {
			return 1;
		} else if (b[i] == '\r' && quotes % 2 == 0) {
			if (i + 1 == n)
				return 0;
			if (b[i + 1] != '\n')
				*eol = '\r';
			return 1;
		}
	}
	return 0;
}

/*
 * Read more bytes after in->end, first making room: the bytes from
 * in->beg on move to the front of the buffer, which grows when they fill
 * it (and shrinks back once a huge line has gone).  Returns 0 (in->eof set
 * at the end of the file) or -1 on a read error.  Pointers into the buffer
 * are invalid afterwards; in->beg is 0.
 */
static int
fill(struct dq_input *in)
{
	if (in->beg > 0) {
		memmove(in->buf, in->buf + in->beg, in->end - in->beg);
		in->end -= in->beg;
		in->beg = 0;
	} else if (in->end == in->cap) {
		in->cap *= 2;
		in->buf = dq_xrealloc(in->buf, in->cap);
	} else if (in->cap > RBUF && in->end < RBUF / 2) {
		/* The huge line is gone: give the memory back. */
		char *nb = dq_xmalloc(RBUF);
		memcpy(nb, in->buf, in->end);
		free(in->buf);
		in->buf = nb;
		in->cap = RBUF;
	}
	ssize_t r;
	size_t want = in->cap - in->end;
	if (in->stop && want > in->stop - in->fpos)
		want = (size_t)(in->stop - in->fpos);
	r = want ? dq_source_read(&in->src, in->buf + in->end, want) : 0;
	if (r < 0)
		return -1;
	if (r == 0)
		in->eof = 1;
	in->end += (size_t)r;
	in->bytes += (uint64_t)r;
	in->fpos += (uint64_t)r;
	return 0;
}

static int
read_line(struct dq_input *in, const char **p, size_t *n, size_t *term)
{
	size_t scan = in->beg;

	for (;;) {
		char *nl = NULL;
		/* The line end is decided once, at the start of a file (a
		 * byte range of one, from dq-parallel, keeps LF). */
		if (!in->eol_known &&
		    (in->lineno != 0 || in->beg != 0 || in->eof ||
		     find_eol(in->buf, in->end, &in->eol))) {
			in->eol_known = 1;
			scan = in->beg;
		}
		if (in->eol_known)
			nl = memchr(in->buf + scan, in->eol, in->end - scan);
		if (nl) {
			/* Lone-CR lines go on as LF lines: the CSV reader
			 * and the scanner see the usual terminator. */
			*nl = '\n';
			*p = in->buf + in->beg;
			*n = (size_t)(nl - *p);
			*term = 1;
			in->beg = (size_t)(nl - in->buf) + 1;
			return 1;
		}
		if (in->eof) {
			if (in->beg == in->end)
				return 0;
			*p = in->buf + in->beg;
			*n = in->end - in->beg;
			*term = 0;
			in->beg = in->end;
			return 1;
		}
		size_t done = in->end - in->beg;
		if (fill(in) < 0)
			return -1;
		scan = in->beg + done;
	}
}

static int
is_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	return 1;
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The byte c inside a JSON string (esc: the byte before was a backslash
 * escape's): 0 when it is the closing quote. */
static int
string_goes_on(char c, int *esc)
{
	if (*esc)
		*esc = 0;
	else if (c == '\\')
		*esc = 1;
	else if (c == '"')
		return 0;
	return 1;
}

/* A byte of a literal or number: two of them must not meet when the
 * white space between them goes. */
static int
is_word(char c)
{
	return !is_ws(c) && !strchr("{}[],:\"", c);
}

/*
 * Copy a document's record p[0..n) to b (when b is not NULL) without the
 * white space outside strings, except one space where two literals or
 * numbers would run together (`1 2` stays an error, never becomes 12).
 * Returns the index in p of the byte that is byte stop of the copy (n
 * when the copy is shorter).
 */
static size_t
minify(struct dq_buf *b, const char *p, size_t n, size_t stop)
{
	size_t out = 0;
	int instr = 0, esc = 0;
	char last = 0;

	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (!instr && is_ws(c)) {
			size_t j = i;
			while (j < n && is_ws(p[j]))
				j++;
			if (j < n && is_word(last) && is_word(p[j])) {
				if (out++ == stop)
					return i;
				if (b)
					dq_buf_addch(b, ' ');
			}
			last = ' ';
			i = j - 1;
			continue;
		}
		if (out++ == stop)
			return i;
		if (b)
			dq_buf_addch(b, c);
		last = c;
		if (instr)
			instr = string_goes_on(c, &esc);
		else if (c == '"')
			instr = 1;
	}
	return n;
}

void
dq_item_where(const struct dq_item *it, size_t col, uint64_t *byte,
	      long *line, size_t *column)
{
	if (!it->doc) {
		*byte = it->offset == UINT64_MAX ? UINT64_MAX
						 : it->offset + col;
		*line = it->line;
		*column = col + 1;
		return;
	}
	size_t r = minify(NULL, it->raw, it->rawlen, col);
	const char *nl = NULL;
	long lines = 0;
	for (const char *q = it->raw;
	     (q = memchr(q, '\n', (size_t)(it->raw + r - q))); q++) {
		lines++;
		nl = q;
	}
	*byte = it->offset + r;
	*line = it->srcline + lines;
	*column = nl ? (size_t)(it->raw + r - nl)
		     : (size_t)it->srccol + r;
}

/* Step past n bytes of a document, counting its lines. */
static void
doc_consume(struct dq_input *in, size_t n)
{
	const char *p = in->buf + in->beg, *e = p + n;
	while ((p = memchr(p, '\n', (size_t)(e - p)))) {
		in->lineno++;
		p++;
		in->doc_linestart = in->off + (uint64_t)(p - (in->buf + in->beg));
	}
	in->beg += n;
	in->off += n;
}

/* The next byte of a document without taking it: 0-255, -1 at the end
 * of the file, -2 on a read error. */
static int
doc_peek(struct dq_input *in)
{
	while (in->beg == in->end && !in->eof)
		if (fill(in) < 0)
			return -2;
	return in->beg == in->end ? -1 : (unsigned char)in->buf[in->beg];
}

/* The next byte that is not white space (taking the white space). */
static int
doc_peek_token(struct dq_input *in)
{
	int c;
	while ((c = doc_peek(in)) >= 0 && is_ws((char)c))
		doc_consume(in, 1);
	return c;
}

static int
doc_malformed(struct dq_input *in, int c, const char *want)
{
	if (c == -2)
		return -1;
	if (c == -1)
		return dq_error("%s:%ld: the document ends early: expected %s",
				in->name, in->lineno + 1, want);
	return dq_error("%s:%ld:%ld: expected %s, found '%c'", in->name,
			in->lineno + 1,
			(long)(in->off - in->doc_linestart) + 1, want, c);
}

/* Skip one JSON value of a wrapper object, unread and unkept (it may be
 * large: bytes go as they are met). */
static int
doc_skip_value(struct dq_input *in)
{
	int depth = 0, instr = 0, esc = 0, c;

	for (;;) {
		if ((c = doc_peek(in)) < 0)
			return doc_malformed(in, c, "a value");
		if (instr) {
			instr = string_goes_on((char)c, &esc);
			doc_consume(in, 1);
			if (!instr && !depth)
				return 0;
			continue;
		}
		if (!depth && (c == ',' || c == '}' || c == ']' ||
			       is_ws((char)c)))
			return 0;
		doc_consume(in, 1);
		if (c == '"')
			instr = 1;
		else if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && --depth == 0)
			return 0;
	}
}

/* A wrapper member's key into in->wrap_key, unescaped; the reader after
 * its ':'. */
static int
doc_read_key(struct dq_input *in)
{
	struct dq_buf raw = DQ_BUF_INIT;
	int esc = 0, c, rc = 0;

	dq_buf_addch(&raw, '"');
	doc_consume(in, 1);
	for (;;) {
		if ((c = doc_peek(in)) < 0) {
			rc = doc_malformed(in, c, "the end of a key");
			break;
		}
		dq_buf_addch(&raw, (char)c);
		doc_consume(in, 1);
		if (!string_goes_on((char)c, &esc))
			break;
	}
	if (!rc && (c = doc_peek_token(in)) != ':')
		rc = doc_malformed(in, c, "':' after a key");
	if (!rc) {
		doc_consume(in, 1);
		dq_buf_reset(&in->wrap_key);
		dq_json_unescape(raw.buf, raw.len, &in->wrap_key);
	}
	dq_buf_release(&raw);
	return rc;
}

/*
 * --records-at: walk a document's wrapper objects to the next array at the
 * path, skipping every other member, and stop just inside it ('['
 * taken, state DOC_FIRST): 1.  0 at the end of the input; -1 after a
 * message (a document that is not an object, or that has no such array:
 * reading nothing from it would be a silent empty result).
 */
static int
wrap_next(struct dq_input *in)
{
	const struct dq_path *p = &in->rpath;
	int c;

	for (;;) {
		c = doc_peek_token(in);
		if (in->doc_state == DOC_TOP) {
			if (c == -1)
				return 0;
			if (c != '{')
				return doc_malformed(in, c, "an object holding "
						     "the records array "
						     "(--records-at)");
			doc_consume(in, 1);
			in->doc_state = DOC_WRAP;
			in->wrap_level = 0;
			in->wrap_found = 0;
			continue;
		}
		if (c == ',') {
			doc_consume(in, 1);
		} else if (c == '}') {
			doc_consume(in, 1);
			if (in->wrap_level) {
				in->wrap_level--;
				continue;
			}
			in->doc_state = DOC_TOP;
			if (!in->wrap_found)
				return dq_error("%s:%ld: no array '%s' in this "
						"document (--records-at)",
						in->name, in->lineno + 1,
						in->records);
		} else if (c == '"') {
			if (doc_read_key(in))
				return -1;
			const struct dq_path_step *st = &p->s[in->wrap_level];
			int hit = in->wrap_level < p->n &&
				  in->wrap_key.len == st->len &&
				  !memcmp(in->wrap_key.buf, st->key, st->len);
			c = doc_peek_token(in);
			if (!hit) {
				if (doc_skip_value(in))
					return -1;
			} else if (in->wrap_level + 1 < p->n) {
				if (c != '{')
					return doc_malformed(in, c, "an object");
				doc_consume(in, 1);
				in->wrap_level++;
			} else {
				if (c != '[')
					return doc_malformed(in, c,
							     "the records "
							     "array");
				doc_consume(in, 1);
				in->wrap_found = 1;
				in->doc_state = DOC_FIRST;
				return 1;
			}
		} else {
			return doc_malformed(in, c, "a key or '}'");
		}
	}
}

/*
 * The next record of a JSON document.  A top-level array's elements are
 * records, cut at its commas outside strings and nesting (so one bad
 * element is rejected alone and reading goes on after it), and so are
 * the objects that follow one another at the top level.  Each element's
 * bytes go whole to the strict scanner that NDJSON lines go to; only an
 * element cut off by the end of the file is the input layer's to reject.
 * 1 and *it filled, 0 at the end of the file, -1 on a read error.
 */
static int
read_doc(struct dq_input *in, struct dq_item *it)
{
	const char *reason = NULL;
	size_t i = 0, len = 0;
	int top, term = 0;

again:
	if (in->records &&
	    (in->doc_state == DOC_TOP || in->doc_state == DOC_WRAP)) {
		int rc = wrap_next(in);
		if (rc <= 0)
			return rc;
	}
	for (;;) {
		if (in->end - in->beg < 3 && !in->eof) {
			if (fill(in) < 0)
				return -1;
			continue;
		}
		if (in->beg == in->end)
			break;
		char c = in->buf[in->beg];
		if (in->off == 0 && in->end - in->beg >= 3 &&
		    !memcmp(in->buf + in->beg, "\xEF\xBB\xBF", 3)) {
			in->beg += 3;
			in->off += 3;
			in->doc_linestart = 3;
		} else if (is_ws(c)) {
			doc_consume(in, 1);
		} else if (in->doc_state == DOC_TOP && c == '[') {
			in->doc_state = DOC_FIRST;
			doc_consume(in, 1);
		} else if (in->doc_state == DOC_FIRST && c == ']') {
			doc_consume(in, 1);
			in->doc_state = in->records ? DOC_WRAP : DOC_TOP;
			if (in->records)
				goto again;
		} else {
			break;
		}
	}
	top = in->doc_state == DOC_TOP;
	if (in->beg == in->end) {
		if (top)
			return 0;
		/* "[" or "[{...}," and then nothing. */
		reason = "truncated array";
	} else {
		int depth = 0, instr = 0, esc = 0;
		for (;; i++) {
			if (in->beg + i == in->end) {
				if (in->eof)
					break;
				if (fill(in) < 0)
					return -1;
				if (in->beg + i == in->end)
					break;
			}
			char c = in->buf[in->beg + i];
			if (instr) {
				instr = string_goes_on(c, &esc);
				if (!instr && top && !depth) {
					i++;
					break;
				}
			} else if (c == '"') {
				instr = 1;
			} else if (c == '{' || c == '[') {
				if (top && !depth && i)
					break;
				depth++;
			} else if (c == '}' || c == ']') {
				if (depth) {
					if (--depth == 0 && top) {
						i++;
						break;
					}
				} else if (!top && c == ']') {
					term = ']';
					break;
				}
			} else if (c == ',' && !top && !depth) {
				term = ',';
				break;
			} else if (is_ws(c) && top && !depth) {
				break;
			}
		}
		len = i;
		while (len && is_ws(in->buf[in->beg + len - 1]))
			len--;
		if (!top && !term)
			reason = "truncated array";
		else if (!len)
			reason = "expected a value";
	}
	memset(it, 0, sizeof(*it));
	it->raw = in->buf + in->beg;
	it->rawlen = len;
	dq_buf_reset(&in->doc);
	minify(&in->doc, it->raw, len, SIZE_MAX);
	it->text = in->doc.buf;
	it->len = in->doc.len;
	it->file = in->name;
	it->line = ++in->doc_rec + in->line_offset;
	it->offset = in->off;
	it->reason = reason;
	it->doc = 1;
	it->srcline = in->lineno + 1;
	it->srccol = (long)(in->off - in->doc_linestart) + 1;
	doc_consume(in, i + (term != 0));
	if (term == ',')
		in->doc_state = DOC_NEXT;
	else if (term == ']' || !top)
		in->doc_state = in->records ? DOC_WRAP : DOC_TOP;
	return 1;
}

/*
 * Does a first line p[0..n), which starts with '{' or '[', begin a JSON
 * document?  A pretty-printed one starts with '{' or '[' alone on its
 * line (white space aside), as jq, Python's json.dumps(indent=...),
 * JSON.stringify(x, null, 2), Go's MarshalIndent and the rest write it; an
 * array of records on one line starts "[{"; "[]" alone is an empty array.
 * Anything else, even an object cut short or an array of numbers, is an
 * NDJSON line (a bad one is rejected alone).
 */
static int
opens_document(const char *p, size_t n)
{
	size_t i = 1;
	if (!n || (p[0] != '{' && p[0] != '['))
		return 0; /* a CSV header such as "d" alone on its line */
	while (i < n && is_ws(p[i]))
		i++;
	if (i == n)
		return 1;
	if (p[0] != '[')
		return 0;
	if (p[i] == '{')
		return 1;
	if (p[i] != ']')
		return 0;
	for (i++; i < n; i++)
		if (!is_ws(p[i]))
			return 0;
	return 1;
}

int
dq_input_cuttable(int fd, enum dq_format format, const char **why)
{
	unsigned char b[DQ_SOURCE_PEEK];
	ssize_t r = pread(fd, b, sizeof(b), 0);
	const char *what;

	*why = NULL;
	if (r <= 0)
		return 0;
	switch (dq_source_sniff(b, (size_t)r, &what)) {
	case DQ_SRC_PLAIN:
		break;
	case DQ_SRC_BINARY:
		*why = "not text";
		return 0;
	case DQ_SRC_PARQUET:
		*why = "a Parquet file: its records cannot be cut into byte "
		       "ranges";
		return 0;
	default:
		*why = "compressed: a compressed stream cannot be cut into "
		       "byte ranges";
		return 0;
	}
	ssize_t i = r >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3) ? 3 : 0;
	while (i < r && is_ws((char)b[i]))
		i++;
	if (i == r)
		return 0;
	if (format == DQ_FMT_CSV ||
	    (format == DQ_FMT_AUTO && b[i] != '{' && b[i] != '[')) {
		/* The line end is decided as read_line decides it; a lone
		 * CR, or none in what was read, is not cut. */
		char eol = '\n';
		if (!find_eol((const char *)b, (size_t)r, &eol) || eol != '\n') {
			*why = "CSV whose line ends were not found, or are a "
			       "lone CR";
			return 0;
		}
		return 2;
	}
	if (b[i] != '{' && b[i] != '[')
		return 0;
	/* The first line decides, as dq_input_next's detection does; one
	 * longer than what was read is one NDJSON record. */
	const char *p = (const char *)b + i;
	const char *nl = memchr(p, '\n', (size_t)(r - i));
	if (opens_document(p, nl ? (size_t)(nl - p) : (size_t)(r - i))) {
		*why = "a JSON document: its records cannot be cut at line "
		       "starts";
		return 0;
	}
	return 1;
}

/* Does the next non-blank line, among the bytes already read, start with
 * '{' or '['?  (A look ahead without reading: a first line that arrives
 * alone from a slow pipe is taken for a CSV header, as before.) */
static int
json_follows(const struct dq_input *in)
{
	for (size_t i = in->beg; i < in->end; i++) {
		char c = in->buf[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		return c == '{' || c == '[';
	}
	return 0;
}

/* Hand out a completed CSV row, if one is ready. */
static int
csv_pop(struct dq_input *in, struct dq_item *it)
{
	struct dq_csv_row row;

	if (!in->csvp || !dq_csv_next(in->csvp, &row))
		return 0;
	memset(it, 0, sizeof(*it));
	it->text = row.json;
	it->len = row.json_len;
	it->raw = row.raw;
	it->rawlen = row.raw_len;
	it->file = in->name;
	it->line = row.line + in->line_offset;
	it->offset = UINT64_MAX;
	it->reason = row.reason;
	it->csv = 1;
	it->m = row.m;
	it->nm = row.nm;
	return 1;
}

/* The next row of a Parquet file, numbered by its position. */
static int
read_parquet(struct dq_input *in, struct dq_item *it)
{
	const char *text;
	size_t len;
	int rc = dq_parquet_next(in->pq, &text, &len);

	if (rc <= 0)
		return rc;
	memset(it, 0, sizeof(*it));
	it->text = it->raw = text;
	it->len = it->rawlen = len;
	it->file = in->name;
	it->line = (long)++in->pq_rows + in->line_offset;
	it->offset = UINT64_MAX;
	in->bytes += len + 1;
	return 1;
}

long
dq_input_csv_rows(struct dq_input *in, struct dq_buf *out, size_t want,
		  long *line, uint64_t *rows)
{
	struct dq_csv_rowscan rs;
	size_t start = out->len, row_end = out->len;
	long lines = 0, whole = 0;
	int row_start = 1;

	*rows = 0;
	if (in->cur != DQ_FMT_CSV || !in->csvp || in->csv_done || in->fd < 0 ||
	    !dq_csv_idle(in->csvp) || (in->csv.delim && strlen(in->csv.delim) != 1))
		return 0;
	dq_csv_rowscan_start(&rs, &in->csv);
	*line = in->lineno + 1;
	while (row_end - start < want) {
		const char *p;
		size_t n, term;
		int rc = read_line(in, &p, &n, &term);

		if (rc < 0)
			return -1;
		if (rc == 0)
			break;
		in->lineno++;
		in->off += n + term;
		dq_buf_add(out, p, n + term);
		lines++;
		/* The reader skips a blank line between rows (csv.c). */
		int blank = row_start && term &&
			    (n == 0 || (n == 1 && p[0] == '\r'));
		if (dq_csv_rowscan_line(&rs, p, n + term)) {
			row_end = out->len;
			whole = lines;
			*rows += !blank;
			row_start = 1;
		} else {
			row_start = 0;
		}
		if (!term)
			break;
	}
	if (row_end < out->len) {
		/* A row the file ends inside: its reader has it. */
		uint64_t b0 = dq_csv_blank_lines(in->csvp);
		if (dq_csv_feed(in->csvp, out->buf + row_end, out->len - row_end,
				*line + whole))
			return dq_error("%s:%ld: %s", in->name,
					*line + whole + in->line_offset,
					dq_csv_error(in->csvp));
		in->blank += dq_csv_blank_lines(in->csvp) - b0;
		out->len = row_end;
		out->buf[out->len] = '\0';
	}
	return whole;
}

int
dq_input_next(struct dq_input *in, struct dq_item *it)
{
	const char *p = NULL;
	size_t n = 0, term = 0;
	int rc;

	for (;;) {
		if (csv_pop(in, it))
			return 1;
		if (in->fd < 0 || in->csv_done) {
			rc = open_next(in);
			if (rc <= 0)
				return rc;
		}
		/* A JSON document or a Parquet file: records, not lines. */
		if (in->cur == DQ_FMT_JSON || in->cur == DQ_FMT_PARQUET) {
			rc = in->cur == DQ_FMT_JSON ? read_doc(in, it)
						    : read_parquet(in, it);
			if (rc)
				return rc;
			close_current(in);
			if (in->nfiles == 0 || in->fi >= in->nfiles)
				return 0;
			continue;
		}
		uint64_t off = in->off;
		rc = read_line(in, &p, &n, &term);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			if (in->csvp) {
				if (dq_csv_finish(in->csvp))
					return dq_error("%s: %s", in->name,
							dq_csv_error(in->csvp));
				in->csv_done = 1;
				continue;
			}
			close_current(in);
			if (in->nfiles == 0 || in->fi >= in->nfiles)
				return 0;
			continue;
		}
		const char *p0 = p;
		in->lineno++;
		in->off += n + term;
		/* UTF-16 without its byte order mark (NULs between the
		 * letters of a first line) or an unknown binary file would be
		 * read as bytes and fail as "invalid UTF-8" or "malformed
		 * quoting": say what it is.  (Known binary formats and byte
		 * order marks were named by stream/source.) */
		if (in->lineno == 1 && !in->line_offset &&
		    in->cur == DQ_FMT_AUTO && memchr(p, '\0', n))
			return dq_error("%s:1: NUL bytes in the first line: not "
					"UTF-8 text (UTF-16 without a byte "
					"order mark, or a binary file); "
					"convert it to UTF-8 text first",
					in->name);
		/* A byte order mark only begins a file: not a chunk of one
		 * (--line-offset), where it is data, as in one process. */
		if (in->lineno == 1 && !in->line_offset && n >= 3 &&
		    !memcmp(p, "\xEF\xBB\xBF", 3)) {
			p += 3;
			n -= 3;
		}
		if (in->cur == DQ_FMT_AUTO) {
			size_t i = 0;
			while (i < n && (p[i] == ' ' || p[i] == '\t' ||
					 p[i] == '\r'))
				i++;
			if (i == n) {
				in->blank++;
				continue;
			}
			in->cur = (p[i] == '{' || p[i] == '[') ? DQ_FMT_NDJSON
							       : DQ_FMT_CSV;
			/* An array of records, or pretty-printed JSON,
			 * is a JSON document: read it again from its first
			 * byte as one. */
			if (opens_document(p + i, n - i)) {
				in->cur = DQ_FMT_JSON;
				in->beg = (size_t)(p + i - in->buf);
				in->off = off + (uint64_t)(p + i - p0);
				in->doc_linestart = off;
				in->lineno--;
				continue;
			}
			if (in->cur == DQ_FMT_CSV && json_follows(in))
				return dq_error("%s:%ld: neither NDJSON nor CSV "
						"for sure: line %ld is not JSON "
						"but the next line starts with "
						"'{' or '['; pass --ndjson (line "
						"%ld is then rejected) or --csv",
						in->name,
						in->lineno + in->line_offset,
						in->lineno + in->line_offset,
						in->lineno + in->line_offset);
		}
		if (in->cur == DQ_FMT_CSV) {
			if (!in->csvp) {
				in->csvp = dq_csv_new(&in->csv);
				in->csv_gen++;
			}
			uint64_t b0 = dq_csv_blank_lines(in->csvp);
			if (dq_csv_feed(in->csvp, p, n + term, in->lineno))
				return dq_error("%s:%ld: %s", in->name,
						in->lineno + in->line_offset,
						dq_csv_error(in->csvp));
			in->blank += dq_csv_blank_lines(in->csvp) - b0;
			continue;
		}
		if (n && p[n - 1] == '\r')
			n--;
		if (is_blank(p, n)) {
			in->blank++;
			continue;
		}
		memset(it, 0, sizeof(*it));
		it->text = it->raw = p;
		it->len = it->rawlen = n;
		it->file = in->name;
		it->line = in->lineno + in->line_offset;
		it->offset = off;
		return 1;
	}
}
