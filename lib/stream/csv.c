/*
 * csv.c - CSV rows to JSON object text, on libcsv.
 *
 * What it does.  The stream layer feeds physical lines; this module puts
 * them together into CSV rows and turns each data row into a compact JSON
 * object whose keys are the header names, so the rest of dq only ever sees
 * NDJSON records.  Rows that are not well-formed are handed out as well,
 * with their original bytes and a reason, for the rejects sink.
 *
 * Algorithm.  Each line goes through three steps:
 *
 *  1. Bookkeeping.  The line is appended to the raw bytes of the row in
 *     progress (so a rejected row goes out exactly as read).  A blank line
 *     between rows is skipped.  Without latin1 the line is checked to be
 *     well-formed UTF-8 (RFC 3629; the Unicode Standard, chapter 3, table
 *     3-7: no overlong forms, no surrogates, nothing above U+10FFFF).
 *     UTF-8 sequences never contain the ASCII bytes that end lines, so
 *     checking line by line is exact.
 *
 *  2. Rewriting, only where needed.  With latin1 each byte 0x80-0xFF
 *     becomes the two UTF-8 bytes of U+0080-U+00FF (ISO/IEC 8859-1 maps
 *     byte b to code point b).  With a multi-byte delimiter such as ", "
 *     every full delimiter outside quotes becomes the byte 0x1F (the
 *     ASCII unit separator), libcsv's delimiter then, so that libcsv,
 *     which knows only one-byte delimiters, can split the fields and
 *     still see a quote that follows the delimiter as the start of a
 *     quoted field, while a part of the delimiter alone ("a,b" under
 *     ", ") stays data; a 0x1F byte of the input outside quotes marks the
 *     row (it would split).  "Outside quotes" is tracked by the parity of
 *     the double quotes seen since the row began: in a row that libcsv
 *     accepts in strict mode, quotes occur only as the opening and closing
 *     quote of a field and as doubled "" inside it, so the parity is odd
 *     exactly inside a quoted field; in any other row libcsv stops with a
 *     parse error and the row is rejected whatever the parity said.
 *
 *  3. Parsing.  libcsv (Robert Gamble's libcsv 3.0, documented in its
 *     csv(3) manual and FAQ) does the RFC 4180 work: delimiters, quoted
 *     fields, doubled quotes, line breaks inside quotes.  It is set up as
 *     the FAQ and manual describe:
 *       - CSV_STRICT: a quote inside an unquoted field, or anything but a
 *         delimiter or line end after a closing quote, is a parse error
 *         (csv_parse() returns early, csv_error() is CSV_EPARSE).  The row
 *         is rejected as "malformed quoting", the rest of its line is
 *         dropped with it, and the parser is re-initialised so that the
 *         next line starts a fresh row: one bad row never eats the rows
 *         after it.
 *       - CSV_STRICT_FINI: csv_fini() fails on a quoted field still open
 *         at the end of the input; the row becomes "unterminated quoted
 *         field".  Otherwise csv_fini() completes a last row that has no
 *         line terminator.
 *       - CSV_APPEND_NULL, and a space function that says no byte is a
 *         space, so that libcsv trims nothing (RFC 4180 section 2.4:
 *         "Spaces are considered part of a field and should not be
 *         ignored").
 *       - Only LF ends a row.  The stream splits lines at LF, so a row
 *         always ends at the end of a fed line, and one line never holds
 *         two rows.  The CR of a CRLF line end is dropped before parsing
 *         when the line ends outside quotes (by the parity above); inside
 *         quotes it stays in the value, as RFC 4180 section 2.6 asks.  A
 *         lone CR elsewhere is data: for a line that holds a CR a
 *         terminator function accepting only LF is installed; other
 *         lines keep libcsv's default test (CR or LF), which is inline
 *         and so cheaper than a call per byte, and means the same there.
 *       - dq_xrealloc as the allocator (out of memory exits 2 like all of
 *         dq), and a block size that grows with the field, because libcsv
 *         grows its field buffer by a fixed block: with the default 128
 *         bytes a 10 MB field would take 80000 reallocations.
 *     The field callback appends '"key":"value"' to the row's JSON text
 *     (keys are JSON-escaped once, when the header is read; values are
 *     escaped as RFC 8259 section 7 says, control characters as \uXXXX or
 *     the short forms; a value with nothing to escape, the usual case, is
 *     found so eight bytes at a time and copied whole).  The row callback
 *     checks the field count and queues the row.
 *
 * Header.  The first non-blank row, consumed internally.  Empty names
 * become "column_N"; repeated names get "_2", "_3", ..., the first suffix
 * not used by any column of the header (a hash set of names keeps this
 * linear for distinct names).  A header that is malformed, unterminated,
 * not UTF-8 or holds a reserved 0x1F byte is a fatal error: there is no
 * sensible record to build without it.
 *
 * Memory.  Per row: the raw bytes, the JSON text and libcsv's field
 * buffer, each reused from row to row and freed after a row above 1 MB, so
 * a huge row costs memory only while it is being read (about three times
 * its size: raw bytes, libcsv's buffer, JSON text).  Completed rows sit in
 * a queue until dq_csv_next() takes them.
 *
 * Limits.  The quote character is always '"' and the delimiter is ASCII.
 * An unterminated quote makes the rest of the input one (rejected) row,
 * held in memory until the end: that is what the quote means.  Files whose
 * lines end in a lone CR (classic Mac OS) reach this reader as LF lines
 * (stream/input.c decides a file's line end).  Renaming n
 * copies of one name costs O(n^2) probes.
 */
#include "stream/csv.h"
#include "base/utf8.h"

#include <csv.h> /* libcsv: lib/ holds no csv.h, so this is the system's */

#ifndef CSV_STRICT_FINI
#error "libcsv 3.0 or later is needed (CSV_STRICT_FINI, csv_set_term_func)"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/strmap.h"
#include "base/util.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* What can be wrong with a row; the lowest bit names the reason. */
/* libcsv's delimiter under a multi-byte one: the ASCII unit separator,
 * which text files do not hold. */
#define US '\x1f'

enum {
	BAD_QUOTING = 1,
	BAD_UNTERMINATED = 2,
	BAD_UTF8 = 4,
	BAD_DELIM = 8,
};

/* Buffers above this size are freed once their row has gone. */
#define BIG_BUF ((size_t)1 << 20)
/* libcsv is fed at most this much at a time so its buffer can grow. */
#define PARSE_CHUNK ((size_t)1 << 16)

/* A member of a row's JSON text, as offsets (the text may move while it
 * grows); dq_csv_next makes struct dq_member of them. */
struct mspan {
	size_t key, keylen, val, vallen;
	uint8_t flags;
};

struct row {
	struct dq_buf json;
	struct dq_buf mem; /* struct mspan, one per member */
	struct dq_buf raw;
	struct dq_buf reason; /* empty for a good row */
	long line;
	long rowno;
};

struct dq_csv {
	struct csv_parser p;
	uint64_t blank; /* blank lines skipped between rows */
	char *delim;
	size_t delim_len;
	int latin1;
	int no_header;
	int reference; /* libcsv for every row */

	/* Columns: names (owned), and ',"name":"' JSON text for each: what
	 * comes before a value (the comma left out for the first). */
	int fixed; /* ncols is known */
	size_t ncols;
	char **name;
	size_t *name_len;
	char **key;
	size_t *key_len;
	unsigned char *key_esc; /* the key's JSON text has escapes */
	size_t nnames, names_cap;
	long dq_col; /* the column named "_dq", or -1 */

	/* The row being read. */
	struct row cur;
	size_t nfields;
	unsigned bad;
	long nlines; /* physical lines of cur so far; 0 between rows */
	long lineno; /* the line being parsed */

	/* The line after latin1 conversion and delimiter rewriting. */
	struct dq_buf conv, rew;

	/* Completed rows; q[qhead..qn) are waiting for dq_csv_next(). */
	struct row *q;
	size_t qhead, qn, qcap;
	long rowno;

	int fatal;
	struct dq_buf err;

	/* fast_row: a quoted field undone; the length of every key. */
	struct dq_buf fdec;
	size_t keys_len;

	/* The members of the row dq_csv_next handed out last. */
	struct dq_member *outm;
	size_t outm_cap;
};


static void
set_fatal(struct dq_csv *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
set_fatal(struct dq_csv *c, const char *fmt, ...)
{
	va_list ap;

	dq_buf_reset(&c->err);
	va_start(ap, fmt);
	dq_buf_vaddf(&c->err, fmt, ap);
	va_end(ap);
	c->fatal = 1;
}

/* libcsv calls these for every byte: nothing is a space, only LF ends. */
static int
no_space(unsigned char ch)
{
	(void)ch;
	return 0;
}

static int
is_lf(unsigned char ch)
{
	return ch == '\n';
}

static void
parser_init(struct dq_csv *c)
{
	/* csv_init() allocates nothing; it fails only for a NULL parser. */
	csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_set_delim(&c->p, c->delim_len > 1 ? US : (unsigned char)c->delim[0]);
	csv_set_space_func(&c->p, no_space);
	csv_set_term_func(&c->p, is_lf);
	csv_set_realloc_func(&c->p, dq_xrealloc);
	csv_set_free_func(&c->p, free);
}

/* Forget libcsv's state (after a parse error, or to free a big buffer). */
static void
parser_reset(struct dq_csv *c)
{
	csv_free(&c->p);
	parser_init(c);
}

static void
trim_buf(struct dq_buf *b)
{
	if (b->cap > BIG_BUF)
		dq_buf_release(b);
	else
		dq_buf_reset(b);
}

/* ISO-8859-1 to UTF-8: byte b is code point b. */
static void
latin1_to_utf8(struct dq_buf *out, const char *s, size_t n)
{
	unsigned char *o;
	size_t i;

	dq_buf_reset(out);
	dq_buf_grow(out, 2 * n);
	o = (unsigned char *)out->buf;
	for (i = 0; i < n; i++) {
		/* ISO-8859-1 bytes are the code points U+0000..U+00FF. */
		o += dq_utf8_encode((unsigned char)s[i], o);
	}
	out->len = (size_t)(o - (unsigned char *)out->buf);
	out->buf[out->len] = '\0';
}

/* The quote parity after s, starting from inq (1: inside a quoted field). */
static int
quote_parity(const char *s, size_t n, int inq)
{
	const char *end = s + n;

	while ((s = memchr(s, '"', (size_t)(end - s))) != NULL) {
		inq = !inq;
		s++;
	}
	return inq;
}

/*
 * Copy s into c->rew with every full multi-byte delimiter outside quotes
 * replaced by US, libcsv's delimiter then; the delimiter's bytes alone
 * are data ("a,b" is one value with ", ").  Sets *clash when US itself
 * occurs outside quotes (libcsv would split there).  Returns the quote
 * parity at the end.
 */
static int
squeeze_delim(struct dq_csv *c, const char *s, size_t n, int inq,
	      int *clash)
{
	const char *rest = c->delim + 1;
	size_t restlen = c->delim_len - 1, i = 0, k = 0;
	char d0 = c->delim[0];
	char *o;

	dq_buf_reset(&c->rew);
	dq_buf_grow(&c->rew, n);
	o = c->rew.buf;
	while (i < n) {
		char ch = s[i++];
		o[k++] = ch;
		if (ch == '"') {
			inq = !inq;
		} else if (ch == d0 && !inq && n - i >= restlen &&
			   !memcmp(s + i, rest, restlen)) {
			o[k - 1] = US;
			i += restlen;
		} else if (ch == US && !inq) {
			*clash = 1;
		}
	}
	c->rew.len = k;
	o[k] = '\0';
	return inq;
}

static void
push_name(struct dq_csv *c, const char *s, size_t n)
{
	if (c->nnames == c->names_cap) {
		c->names_cap = c->names_cap ? 2 * c->names_cap : 16;
		c->name = dq_xrealloc(c->name, c->names_cap * sizeof(*c->name));
		c->name_len = dq_xrealloc(c->name_len,
					  c->names_cap * sizeof(*c->name_len));
		c->key = dq_xrealloc(c->key, c->names_cap * sizeof(*c->key));
		c->key_len = dq_xrealloc(c->key_len,
					 c->names_cap * sizeof(*c->key_len));
		c->key_esc = dq_xrealloc(c->key_esc, c->names_cap);
	}
	c->name[c->nnames] = dq_xstrndup(s, n);
	c->name_len[c->nnames] = n;
	c->key[c->nnames] = NULL;
	c->key_len[c->nnames] = 0;
	c->key_esc[c->nnames] = 0;
	c->nnames++;
}

static void
make_key(struct dq_csv *c, size_t i)
{
	struct dq_buf b = DQ_BUF_INIT;

	dq_buf_addch(&b, ',');
	dq_buf_add_json_string(&b, c->name[i], c->name_len[i]);
	dq_buf_add(&b, ":\"", 2);
	free(c->key[i]);
	c->key[i] = dq_buf_detach(&b, &c->key_len[i]);
	/* ',"' name '":"': longer than that only with escapes. */
	c->key_esc[i] = c->key_len[i] != c->name_len[i] + 5;
}

/*
 * Give every column a distinct name.  First every name claims its place
 * (so a real column "a_2" keeps its name); then each later copy of a name
 * gets the first free "_2", "_3", ...
 */
static void
rename_duplicates(struct dq_csv *c)
{
	struct dq_strmap h;
	unsigned char *dup;
	size_t i;

	dq_strmap_init(&h);
	dup = dq_xcalloc(c->nnames, 1);
	for (i = 0; i < c->nnames; i++)
		dup[i] = !dq_strmap_add(&h, c->name[i], c->name_len[i], i);
	for (i = 0; i < c->nnames; i++) {
		struct dq_buf b = DQ_BUF_INIT;
		unsigned long k;

		if (!dup[i])
			continue;
		for (k = 2;; k++) {
			dq_buf_reset(&b);
			dq_buf_add(&b, c->name[i], c->name_len[i]);
			dq_buf_addf(&b, "_%lu", k);
			if (dq_strmap_add(&h, b.buf, b.len, i))
				break;
		}
		free(c->name[i]);
		c->name[i] = dq_buf_detach(&b, &c->name_len[i]);
	}
	free(dup);
	dq_strmap_release(&h);
}

static void
add_reason(struct dq_buf *b, const struct dq_csv *c, unsigned bad)
{
	if (bad & BAD_QUOTING)
		dq_buf_addstr(b, "malformed quoting");
	else if (bad & BAD_UNTERMINATED)
		dq_buf_addstr(b, "unterminated quoted field");
	else if (bad & BAD_UTF8)
		dq_buf_addstr(b, "invalid UTF-8");
	else if (bad & BAD_DELIM)
		dq_buf_addf(b, "byte 0x1F outside quotes: with the delimiter "
			    "\"%s\" it is reserved (quote the field)", c->delim);
}

static void
end_header(struct dq_csv *c, unsigned bad)
{
	size_t i;

	if (bad) {
		struct dq_buf why = DQ_BUF_INIT;

		add_reason(&why, c, bad);
		set_fatal(c, "line %ld: header row: %s", c->cur.line, why.buf);
		dq_buf_release(&why);
		return;
	}
	for (i = 0; i < c->nnames; i++) {
		if (c->name_len[i])
			continue;
		free(c->name[i]);
		c->name[i] = dq_xmalloc(32);
		c->name_len[i] = (size_t)snprintf(c->name[i], 32,
						  "column_%zu", i + 1);
	}
	rename_duplicates(c);
	for (i = 0; i < c->nnames; i++) {
		make_key(c, i);
		if (c->name_len[i] == 3 && !memcmp(c->name[i], "_dq", 3))
			c->dq_col = (long)i;
		c->keys_len += c->key_len[i];
	}
	c->ncols = c->nnames;
	c->fixed = 1;
}

/* Move the row being read to the end of the queue. */
static struct row *
push_row(struct dq_csv *c)
{
	struct dq_buf t;
	struct row *r;

	if (c->qn == c->qcap) {
		size_t i, cap = c->qcap ? 2 * c->qcap : 4;

		c->q = dq_xrealloc(c->q, cap * sizeof(*c->q));
		for (i = c->qcap; i < cap; i++) {
			dq_buf_init(&c->q[i].json, 0);
			dq_buf_init(&c->q[i].mem, 0);
			dq_buf_init(&c->q[i].raw, 0);
			dq_buf_init(&c->q[i].reason, 0);
		}
		c->qcap = cap;
	}
	r = &c->q[c->qn++];
	/* Swap the buffers: no copy, and both keep their storage. */
	t = r->json;
	r->json = c->cur.json;
	c->cur.json = t;
	t = r->mem;
	r->mem = c->cur.mem;
	c->cur.mem = t;
	t = r->raw;
	r->raw = c->cur.raw;
	c->cur.raw = t;
	dq_buf_reset(&r->reason);
	r->line = c->cur.line;
	return r;
}

/* The row being read is complete (or abandoned, when bad says so). */
static void
end_row(struct dq_csv *c, unsigned bad)
{
	struct dq_buf *raw = &c->cur.raw;
	struct row *r;

	bad |= c->bad;
	if (raw->len && raw->buf[raw->len - 1] == '\n')
		raw->len--;
	if (raw->len && raw->buf[raw->len - 1] == '\r')
		raw->len--;
	raw->buf[raw->len] = '\0';
	c->nlines = 0;

	if (!c->fixed && !c->no_header) {
		end_header(c, bad);
		return;
	}
	if (!c->fixed &&
	    !(bad & (BAD_QUOTING | BAD_UNTERMINATED | BAD_DELIM))) {
		c->ncols = c->nfields;
		c->fixed = 1;
		for (size_t i = 0; i < c->ncols; i++)
			c->keys_len += c->key_len[i];
	}
	r = push_row(c);
	r->rowno = ++c->rowno;
	if (bad) {
		add_reason(&r->reason, c, bad);
	} else if (c->nfields != c->ncols) {
		dq_buf_addf(&r->reason, "row has %zu field%s, %s has %zu",
			    c->nfields, c->nfields == 1 ? "" : "s",
			    c->no_header ? "first row" : "header", c->ncols);
	} else {
		dq_buf_addch(&r->json, '}');
	}
}

/*
 * The length of the prefix of s that JSON needs no escape for (no '"',
 * '\\' or control character), eight bytes at a time while it can: the
 * usual field has nothing to escape.  The word tests are the classic ones
 * (Sean Anderson, "Bit Twiddling Hacks", "Determine if a word has a zero
 * byte" and "... a byte less than n"; Warren, "Hacker's Delight", 6-1):
 * (v - 0x0101..) & ~v & 0x8080.. is non-zero exactly when some byte of v
 * is zero, and (v - 0x2020..) & ~v & 0x8080.. when some byte is below
 * 0x20.  A '"' byte is a zero byte of v ^ 0x2222.., and so on.
 */
static size_t
plain_prefix(const char *str, size_t n)
{
	const uint64_t ones = 0x0101010101010101ull;
	const uint64_t high = 0x8080808080808080ull;
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	uint64_t x;

	while (i < n) {
		uint64_t q, b, t;

		if (n - i >= 8) {
			memcpy(&x, s + i, 8);
		} else {
			/* Pad the tail with a byte that needs no escape. */
			x = ones * 'a';
			memcpy(&x, s + i, n - i);
		}
		q = x ^ (ones * '"');
		b = x ^ (ones * '\\');
		t = ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) |
		    ((b - ones) & ~b);
		if (t & high)
			break;
		i = n - i >= 8 ? i + 8 : n;
	}
	while (i < n && s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
		i++;
	return i;
}

/* Copy n bytes, the short copies (most keys and values) inline. */
static inline void
copy_short(char *o, const char *s, size_t n)
{
	uint64_t a, b;
	uint32_t x, y;

	if (n >= 8 && n <= 16) {
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
		memcpy(o, &a, 8);
		memcpy(o + n - 8, &b, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(&x, s, 4);
		memcpy(&y, s + n - 4, 4);
		memcpy(o, &x, 4);
		memcpy(o + n - 4, &y, 4);
	} else if (n < 4) {
		for (size_t i = 0; i < n; i++)
			o[i] = s[i];
	} else {
		memcpy(o, s, n);
	}
}

/*
 * Append [,]"key":"value" for column i to the row's JSON text, and note
 * the member.  esc: whether the value needs JSON escapes, or -1 when not
 * known yet.
 */
static void
add_member(struct dq_csv *c, size_t i, const char *s, size_t n, int esc)
{
	struct dq_buf *j = &c->cur.json;
	const char *key = c->key[i] + (i == 0);
	size_t key_len = c->key_len[i] - (i == 0);
	struct mspan m;

	if (esc < 0)
		esc = plain_prefix(s, n) < n;
	m.key = j->len + (i > 0) + 1;
	m.keylen = c->key_len[i] - 5;
	m.val = j->len + key_len - 1;
	m.flags = (uint8_t)((c->key_esc[i] ? DQ_M_KEY_ESC : 0) |
			    (esc ? DQ_M_VAL_ESC : 0));
	if (esc) {
		dq_buf_add(j, key, key_len - 1);
		dq_buf_add_json_string(j, s, n);
	} else {
		if (j->cap - j->len <= key_len + n + 1)
			dq_buf_grow(j, key_len + n + 1);
		char *o = j->buf + j->len;
		copy_short(o, key, key_len);
		o += key_len;
		copy_short(o, s, n);
		o += n;
		*o++ = '"';
		*o = '\0';
		j->len = (size_t)(o - j->buf);
	}
	m.vallen = j->len - m.val;
	if (c->cur.mem.cap - c->cur.mem.len <= sizeof(m))
		dq_buf_grow(&c->cur.mem, sizeof(m));
	memcpy(c->cur.mem.buf + c->cur.mem.len, &m, sizeof(m));
	c->cur.mem.len += sizeof(m);
}

/* A field of the row: its column's member, or a header name. */
static void
take_field(struct dq_csv *c, const char *s, size_t n, int esc)
{
	size_t i = c->nfields++;

	if (!c->fixed) {
		if (!c->no_header) {
			push_name(c, s, n);
			return;
		}
		if (i == c->nnames) {
			char num[32];
			int k = snprintf(num, sizeof(num), "%zu", i + 1);
			push_name(c, num, (size_t)k);
			make_key(c, i);
		}
	} else if (i >= c->ncols) {
		return;
	}
	if (c->bad)
		return;
	add_member(c, i, s, n, esc);
}

/* libcsv's field callback. */
static void
on_field(void *s, size_t n, void *data)
{
	take_field(data, s, n, -1);
}

/* libcsv's row callback. */
static void
on_row(int term, void *data)
{
	(void)term;
	end_row(data, 0);
}

/*
 * Hand bytes to libcsv.  Returns 0, 1 when the row was rejected for
 * malformed quoting (the rest of the line is dropped with it), or -1 on a
 * fatal error.
 */
static int
parse(struct dq_csv *c, const char *s, size_t n)
{
	while (n > 0) {
		size_t k = n < PARSE_CHUNK ? n : PARSE_CHUNK, done;
		size_t have = csv_get_buffer_size(&c->p);

		/*
		 * Grow libcsv's field buffer at least by what it holds, and
		 * enough for this chunk: geometric growth, not 128 bytes at
		 * a time.
		 */
		csv_set_blk_size(&c->p, have > k ? have : k > 128 ? k : 128);
		done = csv_parse(&c->p, s, k, on_field, on_row, c);
		if (c->fatal)
			return -1;
		if (done < k) {
			int e = csv_error(&c->p);

			if (e != CSV_EPARSE) {
				set_fatal(c, "line %ld: %s", c->lineno,
					  csv_strerror(e));
				return -1;
			}
			end_row(c, BAD_QUOTING);
			parser_reset(c);
			return c->fatal ? -1 : 1;
		}
		s += k;
		n -= k;
	}
	return 0;
}

static void
start_row(struct dq_csv *c, long lineno)
{
	trim_buf(&c->cur.json);
	trim_buf(&c->cur.raw);
	dq_buf_reset(&c->cur.mem);
	trim_buf(&c->conv);
	trim_buf(&c->rew);
	if (csv_get_buffer_size(&c->p) > BIG_BUF)
		parser_reset(c);
	dq_buf_addch(&c->cur.json, '{');
	c->cur.line = lineno;
	c->nfields = 0;
	c->bad = 0;
}

/*
 * The offset in s[0..n) of the first byte fast_row must look at: the
 * delimiter d, '"', '\\', a control character (below 0x20) or a byte
 * above 0x7F; n if there is none.  Sixteen bytes at a time with SSE2
 * (a signed compare with 0x20 is true for the bytes below 0x20 and,
 * as they are negative, for those above 0x7F), then eight at a time
 * with the word tests of plain_prefix: each test flags exactly the
 * first byte it is true of (a borrow only carries upward, into later
 * bytes), so the lowest flag of their union is the first byte any of
 * them is true of.
 */
static inline size_t
special_at(const char *str, size_t n, unsigned char d)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

#ifdef __SSE2__
	const __m128i vd = _mm_set1_epi8((char)d);
	const __m128i vq = _mm_set1_epi8('"');
	const __m128i vb = _mm_set1_epi8('\\');
	const __m128i vc = _mm_set1_epi8(0x20);

	for (; n - i >= 16; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
		__m128i t = _mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(v, vd),
				     _mm_cmpeq_epi8(v, vq)),
			_mm_or_si128(_mm_cmpeq_epi8(v, vb),
				     _mm_cmplt_epi8(v, vc)));
		unsigned m = (unsigned)_mm_movemask_epi8(t);
		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101ull;
	const uint64_t high = 0x8080808080808080ull;

	for (; n - i >= 8; i += 8) {
		uint64_t x, a, q, b, t;

		memcpy(&x, s + i, 8);
		a = x ^ (ones * d);
		q = x ^ (ones * '"');
		b = x ^ (ones * '\\');
		t = ((a - ones) & ~a) | ((q - ones) & ~q) | ((b - ones) & ~b) |
		    ((x - ones * 0x20) & ~x) | x;
		t &= high;
		if (t)
			return i + ((size_t)__builtin_ctzll(t) >> 3);
	}
#endif
	for (; i < n; i++)
		if (s[i] == d || s[i] == '"' || s[i] == '\\' || s[i] < 0x20 ||
		    s[i] > 0x7F)
			break;
	return i;
}

/*
 * The fast path: a whole row on one line, with a one-byte delimiter,
 * whose quoted fields (if any) are quoted whole ("a,b", "say ""hi""")
 * and close on that line.  Such a row is split at its delimiters and its
 * quoted fields undone here, giving exactly libcsv's fields (strict, no
 * space trimming, a CR before the line end taken as data: is_lf), which
 * go to the same callbacks without libcsv's per-byte state machine;
 * libcsv sits idle at a row start meanwhile.  Anything else -- a quote
 * inside an unquoted field, text after a closing quote, a quoted field
 * that goes on to the next line, a line that is not UTF-8 -- returns 1
 * before any field is handed on, and the row goes to libcsv, which
 * reports what is wrong with it.  s[0..n) is the row without its line
 * end, line[0..len) the line as read (the bytes to check as UTF-8).
 * An unquoted field is read in one pass (special_at), which also tells
 * whether it needs JSON escapes and whether the line holds a byte above
 * 0x7F: only then is the line checked as UTF-8.
 * tests/unit/test_csv.c and tests/fuzz/fuzz_csv.c compare this path
 * with libcsv on every input they make.
 */
static int
fast_row(struct dq_csv *c, const char *s, size_t n, const char *line,
	 size_t len)
{
	const unsigned char d = (unsigned char)c->delim[0];
	const char *p = s, *e = s + n;
	size_t j0 = c->cur.json.len;
	int high = 0;

	/* Room for the usual row: every key, the fields and their quotes. */
	if (c->cur.json.cap - j0 <= c->keys_len + c->ncols + n + 2)
		dq_buf_grow(&c->cur.json, c->keys_len + c->ncols + n + 2);
	for (;;) {
		if (p < e && *p == '"') {
			const char *q = p + 1, *x;

			dq_buf_reset(&c->fdec);
			for (;;) {
				x = memchr(q, '"', (size_t)(e - q));
				if (!x)
					goto slow; /* it closes on a later line */
				dq_buf_add(&c->fdec, q, (size_t)(x - q));
				if (x + 1 < e && x[1] == '"') {
					dq_buf_addch(&c->fdec, '"');
					q = x + 2;
					continue;
				}
				break;
			}
			p = x + 1;
			if (p < e && (unsigned char)*p != d)
				goto slow; /* text after the closing quote */
			high = 1; /* not looked at byte by byte */
			take_field(c, c->fdec.buf, c->fdec.len, -1);
		} else {
			int esc = 0;
			const char *x = p + special_at(p, (size_t)(e - p), d);

			while (x < e && (unsigned char)*x != d) {
				if (*x == '"')
					goto slow; /* a quote in an unquoted field */
				if ((unsigned char)*x > 0x7F)
					high = 1;
				else
					esc = 1;
				x++;
				x += special_at(x, (size_t)(e - x), d);
			}
			take_field(c, p, (size_t)(x - p), esc);
			p = x;
		}
		if (p == e)
			break;
		p++; /* the delimiter; an empty field may follow it */
	}
	if (high && line && !dq_utf8_valid(line, len))
		goto slow;
	end_row(c, 0);
	return 0;
slow:
	/* Nothing of the row stays: libcsv reads it again. */
	c->cur.json.len = j0;
	c->cur.json.buf[j0] = '\0';
	dq_buf_reset(&c->cur.mem);
	c->nfields = 0;
	return 1;
}

static int
feed_line(struct dq_csv *c, const char *s, size_t n, long lineno)
{
	const char *src = s;
	size_t len = n, body;
	int inq, r;

	if (!c->nlines) {
		/* Blank lines between rows are skipped, like libcsv does. */
		if ((n == 1 && s[0] == '\n') ||
		    (n == 2 && s[0] == '\r' && s[1] == '\n')) {
			c->blank++;
			return 0;
		}
		start_row(c, lineno);
	}
	/* A row goes on past a line end only inside a quoted field. */
	inq = c->nlines > 0;
	c->nlines++;
	c->lineno = lineno;
	dq_buf_add(&c->cur.raw, s, n);

	if (c->latin1) {
		latin1_to_utf8(&c->conv, s, n);
		src = c->conv.buf;
		len = c->conv.len;
	}
	if (c->delim_len > 1) {
		int clash = 0;

		inq = squeeze_delim(c, src, len, inq, &clash);
		if (clash)
			c->bad |= BAD_DELIM;
		src = c->rew.buf;
		len = c->rew.len;
	}
	body = len;
	if (len >= 2 && src[len - 2] == '\r' && src[len - 1] == '\n') {
		if (c->delim_len == 1)
			inq = quote_parity(src, len - 2, inq);
		if (!inq)
			body = len - 2;
	}
	/* A row that needs no quote handling skips libcsv (fast_row); only
	 * a row's first line can be one (fast_row writes as it reads). */
	if (!inq && c->nlines == 1 && c->fixed && c->delim_len == 1 &&
	    !c->reference) {
		size_t e = body < len ? body
			   : len && src[len - 1] == '\n' ? len - 1 : SIZE_MAX;
		if (e != SIZE_MAX &&
		    !fast_row(c, src, e, c->latin1 ? NULL : s, n))
			return c->fatal ? -1 : 0;
	}
	if (!c->latin1 && !dq_utf8_valid(s, n))
		c->bad |= BAD_UTF8;
	/*
	 * libcsv's own test for a line end (CR or LF) is inline, ours is a
	 * call per byte: use ours only where a CR could be taken for one.
	 */
	csv_set_term_func(&c->p, memchr(src, '\r', body) ? is_lf : NULL);
	r = parse(c, src, body);
	if (r == 0 && body < len)
		r = parse(c, "\n", 1);
	return r < 0 ? -1 : 0;
}

void
dq_csv_opts_init(struct dq_csv_opts *o)
{
	o->delim = NULL;
	o->latin1 = 0;
	o->no_header = 0;
	o->reference = 0;
}

const char *
dq_csv_opts_check(const struct dq_csv_opts *o)
{
	const char *d = o->delim ? o->delim : ",";

	if (!*d)
		return "the delimiter is empty";
	for (; *d; d++) {
		unsigned char ch = (unsigned char)*d;

		if (ch >= 0x80)
			return "the delimiter must be ASCII";
		if (ch == '"' || ch == '\r' || ch == '\n')
			return "the delimiter must not contain '\"', CR or LF";
	}
	d = o->delim ? o->delim : ",";
	if (strlen(d) > 1 && strchr(d, US))
		return "a delimiter of several bytes must not contain byte 0x1F";
	return NULL;
}

struct dq_csv *
dq_csv_new(const struct dq_csv_opts *o)
{
	struct dq_csv *c = dq_xcalloc(1, sizeof(*c));
	const char *bad = dq_csv_opts_check(o);

	c->delim = dq_xstrdup(bad || !o->delim ? "," : o->delim);
	c->delim_len = strlen(c->delim);
	c->latin1 = o->latin1;
	c->no_header = o->no_header;
	c->reference = o->reference;
	dq_buf_init(&c->cur.json, 0);
	dq_buf_init(&c->cur.mem, 0);
	dq_buf_init(&c->cur.raw, 0);
	c->dq_col = -1;
	dq_buf_init(&c->cur.reason, 0);
	dq_buf_init(&c->conv, 0);
	dq_buf_init(&c->rew, 0);
	dq_buf_init(&c->err, 0);
	dq_buf_init(&c->fdec, 0);
	parser_init(c);
	if (bad)
		set_fatal(c, "invalid delimiter: %s", bad);
	return c;
}

void
dq_csv_free(struct dq_csv *c)
{
	size_t i;

	if (!c)
		return;
	csv_free(&c->p);
	for (i = 0; i < c->nnames; i++) {
		free(c->name[i]);
		free(c->key[i]);
	}
	free(c->name);
	free(c->name_len);
	free(c->key);
	free(c->key_len);
	for (i = 0; i < c->qcap; i++) {
		dq_buf_release(&c->q[i].json);
		dq_buf_release(&c->q[i].mem);
		dq_buf_release(&c->q[i].raw);
		dq_buf_release(&c->q[i].reason);
	}
	free(c->q);
	dq_buf_release(&c->cur.json);
	dq_buf_release(&c->cur.mem);
	dq_buf_release(&c->cur.raw);
	dq_buf_release(&c->cur.reason);
	dq_buf_release(&c->conv);
	dq_buf_release(&c->rew);
	dq_buf_release(&c->err);
	dq_buf_release(&c->fdec);
	free(c->outm);
	free(c->key_esc);
	free(c->delim);
	free(c);
}

/* Once every queued row has been taken, the queue starts over. */
static void
recycle(struct dq_csv *c)
{
	size_t i;

	if (c->qhead < c->qn)
		return;
	for (i = 0; i < c->qn; i++) {
		trim_buf(&c->q[i].json);
		trim_buf(&c->q[i].mem);
		trim_buf(&c->q[i].raw);
	}
	c->qhead = c->qn = 0;
}

int
dq_csv_feed(struct dq_csv *c, const char *line, size_t n, long lineno)
{
	if (c->fatal)
		return -1;
	recycle(c);
	while (n > 0) {
		const char *nl = memchr(line, '\n', n);
		size_t len = nl ? (size_t)(nl - line) + 1 : n;

		if (feed_line(c, line, len, lineno++) < 0)
			return -1;
		line += len;
		n -= len;
	}
	return 0;
}

int
dq_csv_finish(struct dq_csv *c)
{
	if (c->fatal)
		return -1;
	recycle(c);
	if (c->nlines) {
		if (csv_fini(&c->p, on_field, on_row, c) != 0) {
			end_row(c, BAD_UNTERMINATED);
			parser_reset(c);
		} else if (c->nlines) {
			/* libcsv saw no row in it: still hand it out. */
			end_row(c, 0);
		}
	}
	return c->fatal ? -1 : 0;
}

int
dq_csv_next(struct dq_csv *c, struct dq_csv_row *row)
{
	struct row *r;

	if (c->qhead == c->qn)
		return 0;
	r = &c->q[c->qhead++];
	row->m = NULL;
	row->nm = 0;
	if (r->reason.len) {
		row->json = NULL;
		row->json_len = 0;
		row->reason = r->reason.buf;
	} else {
		const struct mspan *sp = (const struct mspan *)r->mem.buf;
		size_t nm = r->mem.len / sizeof(*sp);

		row->json = r->json.buf;
		row->json_len = r->json.len;
		row->reason = NULL;
		if (nm > c->outm_cap) {
			c->outm_cap = nm;
			c->outm = dq_xrealloc(c->outm, nm * sizeof(*c->outm));
		}
		for (size_t i = 0; i < nm; i++) {
			c->outm[i].key = r->json.buf + sp[i].key;
			c->outm[i].keylen = sp[i].keylen;
			c->outm[i].val = r->json.buf + sp[i].val;
			c->outm[i].vallen = sp[i].vallen;
			c->outm[i].type = DQ_JSON_STRING;
			c->outm[i].flags = sp[i].flags;
		}
		/* A column "_dq" makes dq_json_scan reject the record (the
		 * name is dq's metadata): no members, so that it is scanned. */
		row->m = c->dq_col < 0 && nm ? c->outm : NULL;
		row->nm = row->m ? nm : 0;
	}
	row->raw = r->raw.buf;
	row->raw_len = r->raw.len;
	row->line = r->line;
	row->rowno = r->rowno;
	return 1;
}

size_t
dq_csv_ncols(const struct dq_csv *c)
{
	return c->fixed ? c->ncols : 0;
}

const char *
dq_csv_col(const struct dq_csv *c, size_t i)
{
	return i < dq_csv_ncols(c) ? c->name[i] : NULL;
}

const char *
dq_csv_error(const struct dq_csv *c)
{
	return c->err.buf;
}

/* ---- writing ---------------------------------------------------------- */

/* Would a spreadsheet take the text s as a formula? */
static int
formula_like(const unsigned char *s, size_t n)
{
	size_t i = 0;

	if (n && (s[0] == '\t' || s[0] == '\r'))
		return 1;
	/* What spreadsheets skip before a formula's sign. */
	for (;;) {
		if (i < n && s[i] == ' ')
			i++;
		else if (n - i >= 2 && s[i] == 0xC2 && s[i + 1] == 0xA0)
			i += 2;
		else if (n - i >= 3 && s[i] == 0xE2 && s[i + 1] == 0x80 &&
			 s[i + 2] == 0x8B)
			i += 3;
		else if (n - i >= 3 && s[i] == 0xEF && s[i + 1] == 0xBB &&
			 s[i + 2] == 0xBF)
			i += 3;
		else
			break;
	}
	if (i < n && (s[i] == '=' || s[i] == '+' || s[i] == '-' ||
		      s[i] == '@' || s[i] == '|'))
		return 1;
	/* Full-width = + - @: U+FF1D, U+FF0B, U+FF0D, U+FF20. */
	return n - i >= 3 && s[i] == 0xEF &&
	       ((s[i + 1] == 0xBC &&
		 (s[i + 2] == 0x9D || s[i + 2] == 0x8B || s[i + 2] == 0x8D)) ||
		(s[i + 1] == 0xBC && s[i + 2] == 0xA0));
}

int
dq_csv_put_cell(struct dq_buf *out, const char *s, size_t n, char delim,
		int protect)
{
	int quote = 0, guard = protect && formula_like((const unsigned char *)s,
						       n);

	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == delim || s[i] == '"' || s[i] == '\n' ||
			s[i] == '\r';
	if (quote)
		dq_buf_addch(out, '"');
	if (guard)
		dq_buf_addch(out, '\'');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			dq_buf_addch(out, '"');
		dq_buf_addch(out, s[i]);
	}
	if (quote)
		dq_buf_addch(out, '"');
	return guard;
}

uint64_t
dq_csv_blank_lines(const struct dq_csv *c)
{
	return c->blank;
}

/* The states of dq_csv_cuts' machine. */
enum cut_state {
	CUT_FIELD,  /* at the start of a field */
	CUT_PLAIN,  /* in an unquoted field */
	CUT_QUOTED, /* in a quoted field */
	CUT_QUOTE,  /* a quote in a quoted field: closing, or "" */
	CUT_CR,     /* a CR after a closing quote: LF must follow */
	CUT_BAD     /* malformed quoting: the row ends with the line */
};

/* The state after byte c (not LF) in state st; dq_csv_cuts and
 * dq_csv_rowscan_line share it. */
static enum cut_state
cut_next(enum cut_state st, unsigned char c, unsigned char dc)
{
	switch (st) {
	case CUT_FIELD:
		return c == '"' ? CUT_QUOTED : c == dc ? CUT_FIELD : CUT_PLAIN;
	case CUT_PLAIN:
		return c == dc ? CUT_FIELD : c == '"' ? CUT_BAD : CUT_PLAIN;
	case CUT_QUOTE:
		return c == '"' ? CUT_QUOTED
		       : c == dc ? CUT_FIELD
		       : c == '\r' ? CUT_CR : CUT_BAD;
	case CUT_CR:
		return CUT_BAD; /* not LF: that is handled by the caller */
	case CUT_QUOTED:
		return c == '"' ? CUT_QUOTE : CUT_QUOTED;
	default:
		return st;
	}
}

void
dq_csv_rowscan_start(struct dq_csv_rowscan *rs, const struct dq_csv_opts *o)
{
	rs->st = CUT_FIELD;
	rs->delim = (unsigned char)(o->delim ? o->delim[0] : ',');
}

int
dq_csv_rowscan_line(struct dq_csv_rowscan *rs, const char *line, size_t n)
{
	const unsigned char *p = (const unsigned char *)line;
	const unsigned char *e = p + (n && p[n - 1] == '\n' ? n - 1 : n);
	enum cut_state st = (enum cut_state)rs->st;

	/* The usual line: a whole row without a quote. */
	if (st == CUT_FIELD && !memchr(p, '"', (size_t)(e - p)))
		return e < p + n;
	for (; p < e && st != CUT_BAD; p++) {
		if (st == CUT_QUOTED || st == CUT_FIELD || st == CUT_PLAIN) {
			/* Only a quote can change what matters here: jump to
			 * it.  Outside quotes the byte before it says whether
			 * it is at a field's start. */
			const unsigned char *x = memchr(p, '"', (size_t)(e - p));
			if (!x)
				break;
			if (st != CUT_QUOTED && x > p)
				st = x[-1] == rs->delim ? CUT_FIELD : CUT_PLAIN;
			p = x;
		}
		st = cut_next(st, *p, rs->delim);
	}
	if (e == (const unsigned char *)line + n || st == CUT_QUOTED) {
		rs->st = st; /* no LF, or inside quotes: the row goes on */
		return 0;
	}
	rs->st = CUT_FIELD;
	return 1;
}

int
dq_csv_idle(const struct dq_csv *c)
{
	return c->fixed && !c->no_header && !c->fatal && !c->nlines &&
	       c->qhead == c->qn;
}

struct dq_csv *
dq_csv_fork(const struct dq_csv *c)
{
	struct dq_csv_opts o;
	struct dq_csv *f;

	dq_csv_opts_init(&o);
	o.delim = c->delim;
	o.latin1 = c->latin1;
	o.reference = c->reference;
	f = dq_csv_new(&o);
	for (size_t i = 0; i < c->nnames; i++) {
		push_name(f, c->name[i], c->name_len[i]);
		make_key(f, i);
	}
	f->ncols = c->ncols;
	f->keys_len = c->keys_len;
	f->dq_col = c->dq_col;
	f->fixed = 1;
	return f;
}

const char *
dq_csv_cuts(const struct dq_csv_opts *o, int fd, uint64_t size,
	    const uint64_t *want, size_t nwant, uint64_t *cut,
	    uint64_t *header_end)
{
	enum { BLOCK = 1 << 20 };
	const char *d = o->delim ? o->delim : ",";
	const unsigned char dc = (unsigned char)d[0];
	unsigned char stop[256] = { 0 };
	unsigned char head[4] = { 0 };
	enum cut_state st = CUT_FIELD;
	uint64_t off = 0, row = 0;
	size_t k = 0;
	int have_header = 0, bad_row = 0;
	unsigned char prev = 0;
	const char *why = NULL;
	char *b;

	*header_end = 0;
	if (dq_csv_opts_check(o) || strlen(d) != 1)
		return "a delimiter of several bytes";
	/* Without a header, the first well-formed row fixes the number of
	 * fields: a range would not know it. */
	if (o->no_header)
		return "no header row";
	stop[dc] = stop['"'] = stop['\n'] = 1;
	b = dq_xmalloc(BLOCK);
	while (off < size && k < nwant) {
		size_t want_n = size - off < BLOCK ? (size_t)(size - off) : BLOCK;
		ssize_t r = pread(fd, b, want_n, (off_t)off);
		if (r <= 0) {
			why = "a read error";
			break;
		}
		if (!off)
			memcpy(head, b, r < 4 ? (size_t)r : 4);
		const unsigned char *p = (const unsigned char *)b;
		const unsigned char *e = p + r;
		while (p < e) {
			unsigned char c;
			switch (st) {
			case CUT_PLAIN:
				while (p < e && !stop[*p])
					p++;
				if (p == e)
					continue;
				break;
			case CUT_QUOTED: {
				const unsigned char *x =
					memchr(p, '"', (size_t)(e - p));
				if (!x) {
					p = e;
					continue;
				}
				p = x + 1;
				st = CUT_QUOTE;
				continue;
			}
			case CUT_BAD: {
				const unsigned char *x =
					memchr(p, '\n', (size_t)(e - p));
				if (!x) {
					p = e;
					continue;
				}
				p = x;
				break;
			}
			default:
				break;
			}
			c = *p;
			if (c == '\n' && st != CUT_QUOTED) {
				/* The row begun at row ends here. */
				uint64_t at = off + (uint64_t)(p - (const unsigned char *)b);
				if (!have_header) {
					uint64_t len = at - row;
					if (prev == '\r' && len)
						len--;
					if (!row && len >= 3 && !memcmp(head, "\xEF\xBB\xBF", 3))
						len -= 3;
					if (st == CUT_BAD || bad_row) {
						why = "a malformed header row";
						goto done;
					}
					if (len) {
						have_header = 1;
						*header_end = at + 1;
					}
				}
				row = at + 1;
				st = CUT_FIELD;
				bad_row = 0;
				while (have_header && k < nwant && want[k] <= row)
					cut[k++] = row;
				prev = c;
				p++;
				continue;
			}
			if (st != CUT_QUOTED && st != CUT_BAD)
				st = cut_next(st, c, dc);
			if (st == CUT_BAD)
				bad_row = 1;
			prev = c;
			p++;
		}
		if (p > (const unsigned char *)b)
			prev = p[-1];
		off += (uint64_t)r;
	}
	if (!why && !have_header)
		why = "a header row that never ends";
done:
	free(b);
	while (k < nwant)
		cut[k++] = size;
	return why;
}
