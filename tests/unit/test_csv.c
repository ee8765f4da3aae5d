/*
 * test_csv.c - unit tests for lib/stream/csv.c (CSV rows to JSON text).
 *
 * Input is fed the way the stream layer does it: one physical line at a
 * time, with its terminator, then dq_csv_finish().  Each row handed out is
 * checked exactly: JSON text, raw bytes, start line, row number, reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream/csv.h"
#include "unit.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include "base/util.h"

#define MAX_ROWS 16

/* 1: parse every row with libcsv (dq_csv_opts.reference). */
static int use_reference;

struct result {
	int feed_rc; /* -1 if some dq_csv_feed() failed (feeding stops) */
	int fini_rc;
	int n;
	char *json[MAX_ROWS];
	size_t json_len[MAX_ROWS];
	char *raw[MAX_ROWS];
	size_t raw_len[MAX_ROWS];
	char *reason[MAX_ROWS];
	long line[MAX_ROWS], rowno[MAX_ROWS];
	char err[256];
	size_t ncols;
	char *col[MAX_ROWS];
};

/* Good rows, and those whose members (row.m) differ from what
 * dq_json_scan finds in their JSON: every row of every test is checked. */
static long rows_checked, members_differ;

static int
same_members(const struct dq_csv_row *row)
{
	static struct dq_record rec;
	static int init;
	struct dq_json_error err;

	if (!init) {
		dq_record_init(&rec);
		init = 1;
	}
	if (dq_json_scan(&rec, row->json, row->json_len, &err))
		return !row->m && !row->nm; /* a "_dq" column: scanned */
	if (!row->m || rec.n != row->nm || rec.dq != -1)
		return 0;
	for (size_t i = 0; i < rec.n; i++) {
		const struct dq_member *a = &rec.m[i], *b = &row->m[i];
		if (a->key != b->key || a->keylen != b->keylen ||
		    a->val != b->val || a->vallen != b->vallen ||
		    a->type != b->type || a->flags != b->flags)
			return 0;
	}
	return 1;
}

static void
drain(struct dq_csv *c, struct result *r)
{
	struct dq_csv_row row;

	while (dq_csv_next(c, &row)) {
		int i = r->n++;
		if (row.json) {
			rows_checked++;
			members_differ += !same_members(&row);
		} else if (row.m || row.nm) {
			members_differ++;
		}
		if (i >= MAX_ROWS) {
			r->n = MAX_ROWS;
			continue;
		}
		r->json[i] = row.json ? dq_xstrndup(row.json, row.json_len)
				      : NULL;
		r->json_len[i] = row.json_len;
		r->raw[i] = dq_xstrndup(row.raw, row.raw_len);
		r->raw_len[i] = row.raw_len;
		r->reason[i] = row.reason ? dq_xstrdup(row.reason) : NULL;
		r->line[i] = row.line;
		r->rowno[i] = row.rowno;
	}
}

/* Parse in[0..n) with the given options, line by line. */
static void
run_n(const char *in, size_t n, const char *delim, int latin1, int no_header,
      struct result *r)
{
	struct dq_csv_opts o;
	struct dq_csv *c;
	long lineno = 0;
	size_t i;

	memset(r, 0, sizeof(*r));
	dq_csv_opts_init(&o);
	o.delim = delim;
	o.latin1 = latin1;
	o.no_header = no_header;
	o.reference = use_reference;
	c = dq_csv_new(&o);
	while (n > 0) {
		const char *nl = memchr(in, '\n', n);
		size_t len = nl ? (size_t)(nl - in) + 1 : n;

		if (dq_csv_feed(c, in, len, ++lineno) < 0) {
			r->feed_rc = -1;
			break;
		}
		drain(c, r);
		in += len;
		n -= len;
	}
	if (r->feed_rc == 0) {
		r->fini_rc = dq_csv_finish(c);
		drain(c, r);
	}
	snprintf(r->err, sizeof(r->err), "%s", dq_csv_error(c));
	r->ncols = dq_csv_ncols(c);
	for (i = 0; i < r->ncols && i < MAX_ROWS; i++)
		r->col[i] = dq_xstrdup(dq_csv_col(c, i));
	dq_csv_free(c);
}

/* For string literals, which may hold NUL bytes. */
#define RUN_N(lit, delim, latin1, no_header, r)                              \
	run_n((lit), sizeof(lit) - 1, (delim), (latin1), (no_header), (r))

static void
run(const char *in, const char *delim, struct result *r)
{
	run_n(in, strlen(in), delim, 0, 0, r);
}

static void
result_free(struct result *r)
{
	int i;

	for (i = 0; i < r->n; i++) {
		free(r->json[i]);
		free(r->raw[i]);
		free(r->reason[i]);
	}
	for (i = 0; i < MAX_ROWS; i++)
		free(r->col[i]);
}

/* Row i: json (NULL for a rejected row), reason, raw, line, rowno. */
static void
check_row(const struct result *r, int i, const char *json,
	  const char *reason, const char *raw, long line, long rowno,
	  const char *what)
{
	char label[200];

	snprintf(label, sizeof(label), "%s: row %d exists", what, i + 1);
	UNIT_OK(i < r->n, label);
	if (i >= r->n)
		return;
	snprintf(label, sizeof(label), "%s: row %d json", what, i + 1);
	UNIT_STR(r->json[i], json, label);
	if (json) {
		snprintf(label, sizeof(label), "%s: row %d json_len", what,
			 i + 1);
		UNIT_INT(r->json_len[i], strlen(json), label);
	}
	snprintf(label, sizeof(label), "%s: row %d reason", what, i + 1);
	UNIT_STR(r->reason[i], reason, label);
	snprintf(label, sizeof(label), "%s: row %d raw", what, i + 1);
	UNIT_MEM(r->raw[i], r->raw_len[i], raw, strlen(raw), label);
	snprintf(label, sizeof(label), "%s: row %d line", what, i + 1);
	UNIT_INT(r->line[i], line, label);
	snprintf(label, sizeof(label), "%s: row %d rowno", what, i + 1);
	UNIT_INT(r->rowno[i], rowno, label);
}

static void
check_clean_end(const struct result *r, int nrows, const char *what)
{
	char label[200];

	snprintf(label, sizeof(label), "%s: row count", what);
	UNIT_INT(r->n, nrows, label);
	snprintf(label, sizeof(label), "%s: feeds succeed", what);
	UNIT_INT(r->feed_rc, 0, label);
	snprintf(label, sizeof(label), "%s: finish succeeds", what);
	UNIT_INT(r->fini_rc, 0, label);
	snprintf(label, sizeof(label), "%s: no error message", what);
	UNIT_STR(r->err, "", label);
}

static void
test_quoting(void)
{
	struct result r;

	run("a,b\n\"x,y\",z\n", NULL, &r);
	check_clean_end(&r, 1, "quoted comma");
	check_row(&r, 0, "{\"a\":\"x,y\",\"b\":\"z\"}", NULL, "\"x,y\",z", 2,
		  1, "quoted comma");
	result_free(&r);

	run("a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n", NULL, &r);
	check_clean_end(&r, 1, "doubled quotes");
	check_row(&r, 0, "{\"a\":\"say \\\"hi\\\"\",\"b\":\"\\\"\"}", NULL,
		  "\"say \"\"hi\"\"\",\"\"\"\"", 2, 1, "doubled quotes");
	result_free(&r);

	run("a,b\n\"l1\nl2\",x\n3,4\n", NULL, &r);
	check_clean_end(&r, 2, "newline in quotes");
	check_row(&r, 0, "{\"a\":\"l1\\nl2\",\"b\":\"x\"}", NULL,
		  "\"l1\nl2\",x", 2, 1, "newline in quotes");
	check_row(&r, 1, "{\"a\":\"3\",\"b\":\"4\"}", NULL, "3,4", 4, 2,
		  "newline in quotes");
	result_free(&r);

	/* A blank line inside quotes is data, not a skipped blank line. */
	run("a\n\"x\n\ny\"\n", NULL, &r);
	check_clean_end(&r, 1, "blank line in quotes");
	check_row(&r, 0, "{\"a\":\"x\\n\\ny\"}", NULL, "\"x\n\ny\"", 2, 1,
		  "blank line in quotes");
	result_free(&r);

	run("a,b,c\n,,\n\"\",x,\"\"\n", NULL, &r);
	check_clean_end(&r, 2, "empty fields");
	check_row(&r, 0, "{\"a\":\"\",\"b\":\"\",\"c\":\"\"}", NULL, ",,", 2,
		  1, "empty fields");
	check_row(&r, 1, "{\"a\":\"\",\"b\":\"x\",\"c\":\"\"}", NULL,
		  "\"\",x,\"\"", 3, 2, "empty quoted fields");
	result_free(&r);

	/* Nothing is trimmed, in names or values. */
	run(" a , b \n 1 ,2 \n", NULL, &r);
	check_clean_end(&r, 1, "whitespace");
	check_row(&r, 0, "{\" a \":\" 1 \",\" b \":\"2 \"}", NULL, " 1 ,2 ", 2,
		  1, "whitespace");
	result_free(&r);

	/* A lone CR in an unquoted field is data. */
	run("a,b\nx\ry,2\n", NULL, &r);
	check_clean_end(&r, 1, "lone CR");
	check_row(&r, 0, "{\"a\":\"x\\ry\",\"b\":\"2\"}", NULL, "x\ry,2", 2,
		  1, "lone CR");
	result_free(&r);
}

static void
test_line_ends(void)
{
	struct result r;

	run("a,b\r\n1,2\r\n\"x\r\ny\",\"q\"\r\n", NULL, &r);
	check_clean_end(&r, 2, "CRLF");
	UNIT_STR(r.col[1], "b", "CRLF: CR not in the last header name");
	check_row(&r, 0, "{\"a\":\"1\",\"b\":\"2\"}", NULL, "1,2", 2, 1,
		  "CRLF");
	check_row(&r, 1, "{\"a\":\"x\\r\\ny\",\"b\":\"q\"}", NULL,
		  "\"x\r\ny\",\"q\"", 3, 2, "CRLF inside quotes kept");
	result_free(&r);

	/* The quote parity must survive doubled quotes before the CRLF. */
	run("a\r\n\"x\"\"\r\n\"\"y\"\r\n", NULL, &r);
	check_clean_end(&r, 1, "CRLF after doubled quote");
	check_row(&r, 0, "{\"a\":\"x\\\"\\r\\n\\\"y\"}", NULL,
		  "\"x\"\"\r\n\"\"y\"", 2, 1, "CRLF after doubled quote");
	result_free(&r);

	run("a,b\n1,2", NULL, &r);
	check_clean_end(&r, 1, "last line without newline");
	check_row(&r, 0, "{\"a\":\"1\",\"b\":\"2\"}", NULL, "1,2", 2, 1,
		  "last line without newline");
	result_free(&r);

	run("a\n\"x,\"", NULL, &r);
	check_clean_end(&r, 1, "quoted last line without newline");
	check_row(&r, 0, "{\"a\":\"x,\"}", NULL, "\"x,\"", 2, 1,
		  "quoted last line without newline");
	result_free(&r);

	run("a,b\n1,", NULL, &r);
	check_clean_end(&r, 1, "empty last field at EOF");
	check_row(&r, 0, "{\"a\":\"1\",\"b\":\"\"}", NULL, "1,", 2, 1,
		  "empty last field at EOF");
	result_free(&r);

	run("\n\na\n\n1\n\r\n2\n\n", NULL, &r);
	check_clean_end(&r, 2, "blank lines");
	check_row(&r, 0, "{\"a\":\"1\"}", NULL, "1", 5, 1, "blank lines");
	check_row(&r, 1, "{\"a\":\"2\"}", NULL, "2", 7, 2, "blank lines");
	result_free(&r);
}

static void
test_field_counts(void)
{
	struct result r;

	run("a,b,c\n1,2\n1,2,3,4\nx\n1,2,3\n", NULL, &r);
	check_clean_end(&r, 4, "field count");
	check_row(&r, 0, NULL, "row has 2 fields, header has 3", "1,2", 2, 1,
		  "fewer fields");
	check_row(&r, 1, NULL, "row has 4 fields, header has 3", "1,2,3,4", 3,
		  2, "more fields");
	check_row(&r, 2, NULL, "row has 1 field, header has 3", "x", 4, 3,
		  "one field");
	check_row(&r, 3, "{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}", NULL,
		  "1,2,3", 5, 4, "right count after wrong ones");
	result_free(&r);

	/* A line of spaces is a row of one field, not a blank line. */
	run("a,b\n  \n", NULL, &r);
	check_clean_end(&r, 1, "spaces line");
	check_row(&r, 0, NULL, "row has 1 field, header has 2", "  ", 2, 1,
		  "spaces line");
	result_free(&r);
}

static void
test_bad_quoting(void)
{
	struct result r;

	run("a,b\n1,2\n3,\"abc\ndef\n", NULL, &r);
	check_clean_end(&r, 2, "unterminated at EOF");
	check_row(&r, 0, "{\"a\":\"1\",\"b\":\"2\"}", NULL, "1,2", 2, 1,
		  "unterminated at EOF");
	check_row(&r, 1, NULL, "unterminated quoted field", "3,\"abc\ndef", 3,
		  2, "unterminated at EOF");
	result_free(&r);

	run("a\n\"abc", NULL, &r);
	check_clean_end(&r, 1, "unterminated, no newline");
	check_row(&r, 0, NULL, "unterminated quoted field", "\"abc", 2, 1,
		  "unterminated, no newline");
	result_free(&r);

	run("a,b\n1,2\n3,\"x\"y\n5,6\nab\"c,1\n7,8\n", NULL, &r);
	check_clean_end(&r, 5, "malformed then good");
	check_row(&r, 0, "{\"a\":\"1\",\"b\":\"2\"}", NULL, "1,2", 2, 1,
		  "malformed then good");
	check_row(&r, 1, NULL, "malformed quoting", "3,\"x\"y", 3, 2,
		  "text after closing quote");
	check_row(&r, 2, "{\"a\":\"5\",\"b\":\"6\"}", NULL, "5,6", 4, 3,
		  "recovered after malformed");
	check_row(&r, 3, NULL, "malformed quoting", "ab\"c,1", 5, 4,
		  "quote in unquoted field");
	check_row(&r, 4, "{\"a\":\"7\",\"b\":\"8\"}", NULL, "7,8", 6, 5,
		  "recovered again");
	result_free(&r);

	/* The error is on the second line of a multi-line row. */
	run("a,b\n\"x\ny\"z,1\n5,6\n", NULL, &r);
	check_clean_end(&r, 2, "malformed multi-line");
	check_row(&r, 0, NULL, "malformed quoting", "\"x\ny\"z,1", 2, 1,
		  "malformed multi-line");
	check_row(&r, 1, "{\"a\":\"5\",\"b\":\"6\"}", NULL, "5,6", 4, 2,
		  "malformed multi-line");
	result_free(&r);

	/* No trimming: a space after the closing quote is malformed. */
	run("a,b\n\"x\" ,y\r\n1,2\r\n", NULL, &r);
	check_clean_end(&r, 2, "space after quote");
	check_row(&r, 0, NULL, "malformed quoting", "\"x\" ,y", 2, 1,
		  "space after quote");
	check_row(&r, 1, "{\"a\":\"1\",\"b\":\"2\"}", NULL, "1,2", 3, 2,
		  "space after quote");
	result_free(&r);
}

static void
test_delimiters(void)
{
	struct result r;

	run("rec_id, given_name, surname, street_number\n"
	    "rec-1-org, , smith, 6\n"
	    "rec-2-dup-0, \"jo, ann\", , \n"
	    "rec-3-org,  x, y, z\n"
	    "rec-4-org, a,b, c, 7\n"
	    "rec-5-org, a\x1f" "b, c, 7\n",
	    ", ", &r);
	check_clean_end(&r, 5, "FEBRL");
	UNIT_STR(r.col[1], "given_name", "FEBRL: header name");
	check_row(&r, 0,
		  "{\"rec_id\":\"rec-1-org\",\"given_name\":\"\","
		  "\"surname\":\"smith\",\"street_number\":\"6\"}",
		  NULL, "rec-1-org, , smith, 6", 2, 1, "FEBRL empty field");
	check_row(&r, 1,
		  "{\"rec_id\":\"rec-2-dup-0\",\"given_name\":\"jo, ann\","
		  "\"surname\":\"\",\"street_number\":\"\"}",
		  NULL, "rec-2-dup-0, \"jo, ann\", , ", 3, 2,
		  "FEBRL quoted after delimiter");
	check_row(&r, 2,
		  "{\"rec_id\":\"rec-3-org\",\"given_name\":\" x\","
		  "\"surname\":\"y\",\"street_number\":\"z\"}",
		  NULL, "rec-3-org,  x, y, z", 4, 3,
		  "FEBRL strips one delimiter only");
	check_row(&r, 3,
		  "{\"rec_id\":\"rec-4-org\",\"given_name\":\"a,b\","
		  "\"surname\":\"c\",\"street_number\":\"7\"}",
		  NULL, "rec-4-org, a,b, c, 7", 5, 4,
		  "FEBRL: a part of the delimiter alone is data");
	check_row(&r, 4, NULL,
		  "byte 0x1F outside quotes: with the delimiter \", \" it is "
		  "reserved (quote the field)",
		  "rec-5-org, a\x1f" "b, c, 7", 6, 5, "FEBRL: a 0x1F byte");
	result_free(&r);

	run("a, b\r\n1, 2\r\n", ", ", &r);
	check_clean_end(&r, 1, "FEBRL CRLF");
	check_row(&r, 0, "{\"a\":\"1\",\"b\":\"2\"}", NULL, "1, 2", 2, 1,
		  "FEBRL CRLF");
	result_free(&r);

	run("a\tb\n x \t\"q\tr\"\n1,2\t3\n", "\t", &r);
	check_clean_end(&r, 2, "tab");
	check_row(&r, 0, "{\"a\":\" x \",\"b\":\"q\\tr\"}", NULL,
		  " x \t\"q\tr\"", 2, 1, "tab");
	check_row(&r, 1, "{\"a\":\"1,2\",\"b\":\"3\"}", NULL, "1,2\t3", 3, 2,
		  "tab: comma is data");
	result_free(&r);

	run("a;b\n1;\"2;3\"\n", ";", &r);
	check_clean_end(&r, 1, "semicolon");
	check_row(&r, 0, "{\"a\":\"1\",\"b\":\"2;3\"}", NULL, "1;\"2;3\"", 2,
		  1, "semicolon");
	result_free(&r);
}

static void
test_encoding(void)
{
	struct result r;

	RUN_N("nom,ville\ncaf\xe9,\xff\x80\n", NULL, 1, 0, &r);
	check_clean_end(&r, 1, "latin1");
	check_row(&r, 0,
		  "{\"nom\":\"caf\xc3\xa9\",\"ville\":\"\xc3\xbf\xc2\x80\"}",
		  NULL, "caf\xe9,\xff\x80", 2, 1, "latin1");
	result_free(&r);

	RUN_N("\xe9t\xe9\n1\n", NULL, 1, 0, &r);
	check_clean_end(&r, 1, "latin1 header");
	UNIT_STR(r.col[0], "\xc3\xa9t\xc3\xa9", "latin1 header name");
	check_row(&r, 0, "{\"\xc3\xa9t\xc3\xa9\":\"1\"}", NULL, "1", 2, 1,
		  "latin1 header");
	result_free(&r);

	run("name\ncaf\xe9\nok\n\xc0\xaf\n\xed\xa0\x80\n\xf0\x9f\x98\x80\n"
	    "\xf4\x90\x80\x80\nab\xe2\x82\n\xc3\xa9\n",
	    NULL, &r);
	check_clean_end(&r, 8, "UTF-8");
	check_row(&r, 0, NULL, "invalid UTF-8", "caf\xe9", 2, 1,
		  "latin1 byte without latin1");
	check_row(&r, 1, "{\"name\":\"ok\"}", NULL, "ok", 3, 2,
		  "good after invalid");
	check_row(&r, 2, NULL, "invalid UTF-8", "\xc0\xaf", 4, 3, "overlong");
	check_row(&r, 3, NULL, "invalid UTF-8", "\xed\xa0\x80", 5, 4,
		  "surrogate");
	check_row(&r, 4, "{\"name\":\"\xf0\x9f\x98\x80\"}", NULL,
		  "\xf0\x9f\x98\x80", 6, 5, "4-byte sequence");
	check_row(&r, 5, NULL, "invalid UTF-8", "\xf4\x90\x80\x80", 7, 6,
		  "above U+10FFFF");
	check_row(&r, 6, NULL, "invalid UTF-8", "ab\xe2\x82", 8, 7,
		  "truncated sequence");
	check_row(&r, 7, "{\"name\":\"\xc3\xa9\"}", NULL, "\xc3\xa9", 9, 8,
		  "2-byte sequence");
	result_free(&r);

	/* Invalid UTF-8 on the second line of a multi-line field. */
	run("a\n\"x\ny\xff\"\n", NULL, &r);
	check_clean_end(&r, 1, "invalid UTF-8 multi-line");
	check_row(&r, 0, NULL, "invalid UTF-8", "\"x\ny\xff\"", 2, 1,
		  "invalid UTF-8 multi-line");
	result_free(&r);

	/* Keys and values are JSON-escaped; DEL and NUL too. */
	RUN_N("\"q\"\"k\",b\\s\n\"\x01\t\x7f\",x\x00y\n", NULL, 0, 0, &r);
	check_clean_end(&r, 1, "escaping");
	UNIT_STR(r.json[0],
		 "{\"q\\\"k\":\"\\u0001\\t\x7f\",\"b\\\\s\":\"x\\u0000y\"}",
		 "escaping: json");
	UNIT_MEM(r.raw[0], r.raw_len[0], "\"\x01\t\x7f\",x\0y", 9,
		 "escaping: raw keeps the NUL");
	result_free(&r);
}

static void
test_header(void)
{
	struct result r;

	run("a,a,,a,a_2\n1,2,3,4,5\n", NULL, &r);
	check_clean_end(&r, 1, "duplicate names");
	UNIT_INT(r.ncols, 5, "duplicate names: ncols");
	UNIT_STR(r.col[0], "a", "first a keeps its name");
	UNIT_STR(r.col[1], "a_3", "second a skips the real a_2");
	UNIT_STR(r.col[2], "column_3", "empty name");
	UNIT_STR(r.col[3], "a_4", "third a");
	UNIT_STR(r.col[4], "a_2", "real a_2 keeps its name");
	check_row(&r, 0,
		  "{\"a\":\"1\",\"a_3\":\"2\",\"column_3\":\"3\",\"a_4\":\"4\","
		  "\"a_2\":\"5\"}",
		  NULL, "1,2,3,4,5", 2, 1, "duplicate names");
	result_free(&r);

	run(",\"\"\n1,2\n", NULL, &r);
	check_clean_end(&r, 1, "empty names");
	check_row(&r, 0, "{\"column_1\":\"1\",\"column_2\":\"2\"}", NULL,
		  "1,2", 2, 1, "empty names");
	result_free(&r);

	run("x,y\n1,2\n3\n", NULL, &r);
	UNIT_INT(r.ncols, 2, "header: ncols");
	result_free(&r);

	RUN_N("x,y\n1,2\n3\n", NULL, 0, 1, &r);
	check_clean_end(&r, 3, "no_header");
	UNIT_INT(r.ncols, 2, "no_header: ncols");
	UNIT_STR(r.col[0], "1", "no_header: first name");
	UNIT_STR(r.col[1], "2", "no_header: second name");
	check_row(&r, 0, "{\"1\":\"x\",\"2\":\"y\"}", NULL, "x,y", 1, 1,
		  "no_header");
	check_row(&r, 1, "{\"1\":\"1\",\"2\":\"2\"}", NULL, "1,2", 2, 2,
		  "no_header");
	check_row(&r, 2, NULL, "row has 1 field, first row has 2", "3", 3, 3,
		  "no_header");
	result_free(&r);

	/* A malformed first row does not fix the column count. */
	RUN_N("\"a\"b,c,d\n1,2\n3,4\n", NULL, 0, 1, &r);
	check_clean_end(&r, 3, "no_header malformed first");
	check_row(&r, 0, NULL, "malformed quoting", "\"a\"b,c,d", 1, 1,
		  "no_header malformed first");
	check_row(&r, 1, "{\"1\":\"1\",\"2\":\"2\"}", NULL, "1,2", 2, 2,
		  "no_header malformed first");
	UNIT_INT(r.ncols, 2, "no_header malformed first: ncols");
	result_free(&r);

	run("", NULL, &r);
	check_clean_end(&r, 0, "empty input");
	UNIT_INT(r.ncols, 0, "empty input: no columns");
	UNIT_OK(r.col[0] == NULL, "empty input: no names");
	result_free(&r);

	run("\n\r\n\n", NULL, &r);
	check_clean_end(&r, 0, "blank input");
	UNIT_INT(r.ncols, 0, "blank input: no columns");
	result_free(&r);

	run("a,b\n", NULL, &r);
	check_clean_end(&r, 0, "header only");
	UNIT_INT(r.ncols, 2, "header only: ncols");
	UNIT_STR(r.col[1], "b", "header only: name");
	result_free(&r);

	run("a,b", NULL, &r);
	check_clean_end(&r, 0, "header only, no newline");
	UNIT_INT(r.ncols, 2, "header only, no newline: ncols");
	result_free(&r);
}

static void
test_header_errors(void)
{
	struct result r;
	struct dq_csv_opts o;
	struct dq_csv *c;

	run("a,\"b\"c\n1,2\n", NULL, &r);
	UNIT_INT(r.feed_rc, -1, "malformed header: feed fails");
	UNIT_STR(r.err, "line 1: header row: malformed quoting",
		 "malformed header: message");
	UNIT_INT(r.n, 0, "malformed header: no rows");
	UNIT_INT(r.ncols, 0, "malformed header: no columns");
	result_free(&r);

	run("\n\na,\"b\n1,2\n", NULL, &r);
	UNIT_INT(r.feed_rc, 0, "unterminated header: feeds succeed");
	UNIT_INT(r.fini_rc, -1, "unterminated header: finish fails");
	UNIT_STR(r.err, "line 3: header row: unterminated quoted field",
		 "unterminated header: message");
	UNIT_INT(r.n, 0, "unterminated header: no rows");
	result_free(&r);

	run("a,\xff\n1,2\n", NULL, &r);
	UNIT_INT(r.feed_rc, -1, "header not UTF-8: feed fails");
	UNIT_STR(r.err, "line 1: header row: invalid UTF-8",
		 "header not UTF-8: message");
	result_free(&r);

	run("a\x1f" "b, c\n", ", ", &r);
	UNIT_INT(r.feed_rc, -1, "header with 0x1F: feed fails");
	UNIT_STR(r.err,
		 "line 1: header row: byte 0x1F outside quotes: with the "
		 "delimiter \", \" it is reserved (quote the field)",
		 "header with 0x1F: message");
	result_free(&r);
	run("a,b, c\n1,2, 3\n", ", ", &r);
	check_clean_end(&r, 1, "header: a part of the delimiter is data");
	check_row(&r, 0, "{\"a,b\":\"1,2\",\"c\":\"3\"}", NULL, "1,2, 3",
		  2, 1, "header: a part of the delimiter is data");
	result_free(&r);

	/* Every call after a fatal error fails too. */
	dq_csv_opts_init(&o);
	c = dq_csv_new(&o);
	UNIT_INT(dq_csv_feed(c, "\"a\"x\n", 5, 1), -1, "sticky: first");
	UNIT_INT(dq_csv_feed(c, "a\n", 2, 2), -1, "sticky: second");
	UNIT_INT(dq_csv_finish(c), -1, "sticky: finish");
	dq_csv_free(c);

	dq_csv_opts_init(&o);
	UNIT_STR(dq_csv_opts_check(&o), NULL, "default options are valid");
	o.delim = ", ";
	UNIT_STR(dq_csv_opts_check(&o), NULL, "\", \" is valid");
	o.delim = "";
	UNIT_STR(dq_csv_opts_check(&o), "the delimiter is empty",
		 "empty delimiter");
	o.delim = "\xa7";
	UNIT_STR(dq_csv_opts_check(&o), "the delimiter must be ASCII",
		 "non-ASCII delimiter");
	o.delim = "\"";
	UNIT_STR(dq_csv_opts_check(&o),
		 "the delimiter must not contain '\"', CR or LF",
		 "quote delimiter");
	c = dq_csv_new(&o);
	UNIT_STR(dq_csv_error(c),
		 "invalid delimiter: the delimiter must not contain '\"', "
		 "CR or LF",
		 "invalid delimiter: message at once");
	UNIT_INT(dq_csv_feed(c, "a\n", 2, 1), -1, "invalid delimiter: feed");
	UNIT_INT(dq_csv_finish(c), -1, "invalid delimiter: finish");
	dq_csv_free(c);
	dq_csv_free(NULL);
}

static void
test_api(void)
{
	struct dq_csv_opts o;
	struct dq_csv *c;
	struct dq_csv_row row;
	static const char doc[] = "a,b\n1,2\n3,4\n";

	/* Several lines in one call; rows queue until taken. */
	dq_csv_opts_init(&o);
	c = dq_csv_new(&o);
	UNIT_INT(dq_csv_next(c, &row), 0, "nothing before input");
	UNIT_INT(dq_csv_feed(c, doc, sizeof(doc) - 1, 1), 0, "chunk feed");
	UNIT_INT(dq_csv_feed(c, "5,6", 3, 4), 0, "feed without draining");
	UNIT_INT(dq_csv_finish(c), 0, "finish without draining");
	UNIT_INT(dq_csv_next(c, &row), 1, "chunk: row 1");
	UNIT_STR(row.json, "{\"a\":\"1\",\"b\":\"2\"}", "chunk: row 1 json");
	UNIT_INT(row.line, 2, "chunk: row 1 line");
	UNIT_INT(dq_csv_next(c, &row), 1, "chunk: row 2");
	UNIT_STR(row.json, "{\"a\":\"3\",\"b\":\"4\"}", "chunk: row 2 json");
	UNIT_INT(row.line, 3, "chunk: row 2 line");
	UNIT_INT(dq_csv_next(c, &row), 1, "chunk: row 3");
	UNIT_STR(row.json, "{\"a\":\"5\",\"b\":\"6\"}", "chunk: row 3 json");
	UNIT_INT(row.line, 4, "chunk: row 3 line");
	UNIT_INT(row.rowno, 3, "chunk: row 3 rowno");
	UNIT_INT(dq_csv_next(c, &row), 0, "chunk: no more rows");
	UNIT_INT(dq_csv_finish(c), 0, "second finish is harmless");
	UNIT_INT(dq_csv_next(c, &row), 0, "second finish: no rows");
	UNIT_STR(dq_csv_col(c, 2), NULL, "col out of range");
	dq_csv_free(c);
}

/*
 * Parse "a\n" plus val as one quoted field; 1 if the JSON is
 * {"a":WANT} with WANT = dq_buf_add_json_string(want).  On the first
 * mismatch (*shown == 0) the difference is printed.
 */
static int
escape_ok(const char *val, size_t len, int latin1, const char *want,
	  size_t want_len, int *shown)
{
	struct dq_buf in = DQ_BUF_INIT, exp = DQ_BUF_INIT;
	struct result r;
	size_t i;
	int ok;

	dq_buf_addstr(&in, "a\n\"");
	for (i = 0; i < len; i++) {
		if (val[i] == '"')
			dq_buf_addch(&in, '"');
		dq_buf_addch(&in, val[i]);
	}
	dq_buf_addstr(&in, "\"\n");
	dq_buf_addstr(&exp, "{\"a\":");
	dq_buf_add_json_string(&exp, want, want_len);
	dq_buf_addch(&exp, '}');
	run_n(in.buf, in.len, NULL, latin1, 0, &r);
	ok = r.n == 1 && r.json[0] && !strcmp(r.json[0], exp.buf);
	if (!ok && !*shown) {
		UNIT_STR(r.n ? r.json[0] : NULL, exp.buf,
			 "escape: first mismatch");
		*shown = 1;
	}
	result_free(&r);
	dq_buf_release(&in);
	dq_buf_release(&exp);
	return ok;
}

/*
 * Every byte that needs escaping, and some that do not, at every position
 * of values of 1 to 24 bytes (the escape scan works eight bytes at a
 * time).  A lone 0xc3 is read as latin1 (U+00C3).
 */
static void
test_escape_positions(void)
{
	static const char special[] = "\"\\\x01\x1f\t\n\x7f e\xc3";
	size_t k, len, pos;

	for (k = 0; k < sizeof(special) - 1; k++) {
		int latin1 = special[k] == '\xc3', bad = 0, shown = 0;
		char val[24], want[25], label[80];

		for (len = 1; len <= sizeof(val); len++) {
			for (pos = 0; pos < len; pos++) {
				memset(val, 'x', len);
				val[pos] = special[k];
				memcpy(want, val, len);
				if (latin1) {
					want[pos] = '\xc3';
					want[pos + 1] = '\x83';
					memset(want + pos + 2, 'x',
					       len - pos - 1);
				}
				if (!escape_ok(val, len, latin1, want,
					       len + (size_t)latin1, &shown))
					bad++;
			}
		}
		snprintf(label, sizeof(label),
			 "escape of byte 0x%02x at every position",
			 (unsigned char)special[k]);
		UNIT_INT(bad, 0, label);
	}
}

/* A field of 10 MB on one line, and another over 10240 lines. */
static void
test_huge(void)
{
	size_t vlen = (size_t)10 << 20, i;
	struct dq_buf in = DQ_BUF_INIT, want = DQ_BUF_INIT;
	struct result r;
	char *v = dq_xmalloc(vlen);

	for (i = 0; i < vlen; i++)
		v[i] = "abcdefg,"[i % 8];
	dq_buf_addstr(&in, "a,b\n\"");
	dq_buf_add(&in, v, vlen);
	dq_buf_addstr(&in, "\",z\n1,2\n");
	dq_buf_addstr(&want, "{\"a\":\"");
	dq_buf_add(&want, v, vlen);
	dq_buf_addstr(&want, "\",\"b\":\"z\"}");
	run_n(in.buf, in.len, NULL, 0, 0, &r);
	check_clean_end(&r, 2, "10 MB field");
	UNIT_OK(r.n >= 1 && r.json[0] && r.json_len[0] == want.len &&
		!memcmp(r.json[0], want.buf, want.len),
		"10 MB field: exact json");
	UNIT_INT(r.raw_len[0], vlen + 4, "10 MB field: raw length");
	check_row(&r, 1, "{\"a\":\"1\",\"b\":\"2\"}", NULL, "1,2", 3, 2,
		  "row after 10 MB field");
	result_free(&r);

	/* Unquoted, and every 1024th byte a newline inside quotes. */
	for (i = 1023; i < vlen; i += 1024)
		v[i] = '\n';
	dq_buf_reset(&in);
	dq_buf_addstr(&in, "a\n\"");
	dq_buf_add(&in, v, vlen);
	dq_buf_addstr(&in, "\"\n");
	run_n(in.buf, in.len, NULL, 0, 0, &r);
	check_clean_end(&r, 1, "10 MB multi-line field");
	UNIT_INT(r.n ? r.json_len[0] : 0, 8 + vlen + 10240,
		 "10 MB multi-line field: json length (each LF is \\n)");
	UNIT_INT(r.n ? r.line[0] : 0, 2, "10 MB multi-line field: line");
	UNIT_INT(r.n ? r.raw_len[0] : 0, vlen + 2,
		 "10 MB multi-line field: raw length");
	result_free(&r);

	dq_buf_release(&in);
	dq_buf_release(&want);
	free(v);
}

/* Two results equal in every respect: rows (JSON, raw, reason, line,
 * row number), statuses, error text and columns. */
static int
same_result(const struct result *a, const struct result *b)
{
	if (a->feed_rc != b->feed_rc || a->fini_rc != b->fini_rc ||
	    a->n != b->n || strcmp(a->err, b->err) || a->ncols != b->ncols)
		return 0;
	for (int i = 0; i < a->n && i < MAX_ROWS; i++) {
		if ((!a->json[i]) != (!b->json[i]) ||
		    (a->json[i] && (a->json_len[i] != b->json_len[i] ||
				    memcmp(a->json[i], b->json[i],
					   a->json_len[i]))) ||
		    a->raw_len[i] != b->raw_len[i] ||
		    memcmp(a->raw[i], b->raw[i], a->raw_len[i]) ||
		    (!a->reason[i]) != (!b->reason[i]) ||
		    (a->reason[i] && strcmp(a->reason[i], b->reason[i])) ||
		    a->line[i] != b->line[i] || a->rowno[i] != b->rowno[i])
			return 0;
	}
	for (size_t i = 0; i < a->ncols && i < MAX_ROWS; i++)
		if (strcmp(a->col[i], b->col[i]))
			return 0;
	return 1;
}

/* Append parts random pieces of alpha to in[*n, cap), as many as fit. */
static void
random_text(char *in, size_t cap, size_t *n, const char *const *alpha,
	    size_t nalpha, size_t parts)
{
	for (size_t k = 0; k < parts; k++) {
		const char *a = alpha[unit_pick((unsigned)nalpha)];
		size_t l = strlen(a);
		if (*n + l >= cap)
			break;
		memcpy(in + *n, a, l);
		*n += l;
	}
}

/*
 * The fast path (rows without quotes or CR, csv.c's fast_row) against
 * libcsv for every row, on random files over an alphabet that makes
 * quote-free rows common and every hard case (quotes, doubled quotes,
 * CR, CRLF, embedded line ends, empty fields, blank lines, non-ASCII,
 * invalid UTF-8, delimiters of one and two bytes) frequent.
 */
static void
test_fast_path_matches_libcsv(void)
{
	static const char *const alpha[] = {
		"a", "b", "xyz", ",", ",", ";", "\t", " ", "\"", "\"\"",
		"\n", "\n", "\r\n", "\r", "\xc3\xa9", "\xff", "1", ", ",
		"\\", "\x01", "_dq",
	};
	static const char *const delims[] = { ",", "\t", ";", ", " };
	const int trials = 20000;
	int differ = 0, first = -1;

	for (int t = 0; t < trials; t++) {
		char in[256];
		size_t n = 0, parts = 1 + unit_pick(40);
		random_text(in, sizeof(in), &n, alpha,
			    sizeof(alpha) / sizeof(*alpha), parts);
		const char *d = delims[unit_pick(4)];
		int latin1 = unit_pick(4) == 0, nohdr = unit_pick(4) == 0;
		struct result fast, ref;
		use_reference = 0;
		run_n(in, n, d, latin1, nohdr, &fast);
		use_reference = 1;
		run_n(in, n, d, latin1, nohdr, &ref);
		use_reference = 0;
		if (!same_result(&fast, &ref)) {
			differ++;
			if (first < 0)
				first = t;
		}
		result_free(&fast);
		result_free(&ref);
	}
	char what[120];
	snprintf(what, sizeof(what),
		 "fast path equals libcsv on %d random files (first "
		 "difference: trial %d)", trials, first);
	UNIT_INT(differ, 0, what);
}

/* Serialise the rows of parser c into out: per row its JSON or its
 * reason, its raw bytes and its line.  Returns how many. */
static long
dump_rows(struct dq_csv *c, struct dq_buf *out)
{
	struct dq_csv_row row;
	long k = 0;

	while (dq_csv_next(c, &row)) {
		k++;
		if (row.json)
			dq_buf_add(out, row.json, row.json_len);
		else
			dq_buf_addf(out, "! %s", row.reason);
		dq_buf_addch(out, '|');
		dq_buf_add(out, row.raw, row.raw_len);
		dq_buf_addf(out, "|%ld\n", row.line);
	}
	return k;
}

/* Parse b[from, to) line by line, lines numbered from line + 1, after
 * the header b[0, header) when header > 0; the rows into out.  Returns
 * -1 on a fatal error. */
static int
parse_range(const struct dq_csv_opts *o, const char *b, size_t from,
	    size_t to, size_t header, long line, struct dq_buf *out)
{
	struct dq_csv *c = dq_csv_new(o);
	int rc = 0;

	if (header && dq_csv_feed(c, b, header, 1) < 0)
		rc = -1;
	while (!rc && from < to) {
		const char *nl = memchr(b + from, '\n', to - from);
		size_t len = nl ? (size_t)(nl - b - from) + 1 : to - from;
		if (dq_csv_feed(c, b + from, len, ++line) < 0)
			rc = -1;
		dump_rows(c, out);
		from += len;
	}
	if (!rc && dq_csv_finish(c) < 0)
		rc = -1;
	dump_rows(c, out);
	dq_csv_free(c);
	return rc;
}

/* A random file for the cutting tests: one of a few header rows, then
 * up to 120 pieces of the hard alphabet, in in[0, *n); and its options
 * (a one-byte delimiter, Latin-1 when latin1 is set). */
static void
hard_file(char *in, size_t cap, size_t *n, struct dq_csv_opts *o,
	  int latin1)
{
	static const char *const alpha[] = {
		"a", "b", "xyz", ",", ",", ";", " ", "\"", "\"\"", "\"x",
		"\n", "\n", "\n", "\r\n", "\r", "\xc3\xa9", "1", "\t",
		"\xff",
	};
	static const char *const delims[] = { ",", "\t", ";" };
	static const char *const heads[] = { "h1,h2\n", "\n\"h,1\",h2\r\n",
					     "h1;\"h\n2\"\n", "" };
	const char *h = heads[unit_pick(4)];

	memcpy(in, h, strlen(h));
	*n = strlen(h);
	random_text(in, cap, n, alpha, sizeof(alpha) / sizeof(*alpha),
		    1 + unit_pick(120));
	dq_csv_opts_init(o);
	o->delim = delims[unit_pick(3)];
	o->latin1 = latin1 && unit_pick(4) == 0;
}

/*
 * dq_csv_cuts against the reader: on random files (the alphabet of the
 * fast path test, quotes, line ends and junk after quotes frequent), the
 * rows of the ranges it cuts, each read with the header first, are the
 * rows of the whole file: the same JSON, raw bytes, reasons and lines.
 */
static void
test_cuts_match_reader(void)
{
	const int trials = 5000;
	int differ = 0, first = -1, cut_some = 0;
	char path[] = "/tmp/dq-test-cuts.XXXXXX";
	int fd = mkstemp(path);

	UNIT_OK(fd >= 0, "temporary file");
	if (fd < 0)
		return;
	unlink(path);
	for (int t = 0; t < trials; t++) {
		char in[512];
		size_t n;
		struct dq_csv_opts o;
		hard_file(in, sizeof(in), &n, &o, 0);
		uint64_t want[3], cut[3], header;
		for (int k = 0; k < 3; k++)
			want[k] = (uint64_t)n * (uint64_t)(k + 1) / 4;
		if (ftruncate(fd, 0) || pwrite(fd, in, n, 0) != (ssize_t)n)
			break;
		if (dq_csv_cuts(&o, fd, n, want, 3, cut, &header))
			continue; /* a bad header: one process, whole */
		struct dq_buf whole = DQ_BUF_INIT, parts_out = DQ_BUF_INIT;
		if (parse_range(&o, in, 0, n, 0, 0, &whole) == 0) {
			uint64_t at[5] = { 0, cut[0], cut[1], cut[2], n };
			int bad = 0;
			for (int k = 0; k < 4 && !bad; k++) {
				if (at[k + 1] < at[k])
					at[k + 1] = at[k];
				if (at[k] == at[k + 1])
					continue;
				if (k && at[k] < n)
					cut_some = 1;
				long line = 0;
				for (uint64_t i = 0; i < at[k]; i++)
					line += in[i] == '\n';
				bad = parse_range(&o, in, at[k], at[k + 1],
						  at[k] ? header : 0, line,
						  &parts_out) < 0;
			}
			if (bad || whole.len != parts_out.len ||
			    memcmp(whole.buf, parts_out.buf, whole.len)) {
				differ++;
				if (first < 0)
					first = t;
			}
		}
		dq_buf_release(&whole);
		dq_buf_release(&parts_out);
	}
	close(fd);
	char what[120];
	snprintf(what, sizeof(what),
		 "ranges cut by dq_csv_cuts read as the whole file on %d "
		 "random files (first difference: trial %d)", trials, first);
	UNIT_INT(differ, 0, what);
	UNIT_OK(cut_some, "some files were cut");
	/* A delimiter of several bytes is not cut. */
	struct dq_csv_opts o;
	dq_csv_opts_init(&o);
	o.delim = ", ";
	uint64_t w = 1, c, hd;
	UNIT_STR(dq_csv_cuts(&o, 0, 0, &w, 1, &c, &hd),
		 "a delimiter of several bytes", "several-byte delimiter");
	/* Nor a file without a header row. */
	o.delim = NULL;
	o.no_header = 1;
	UNIT_STR(dq_csv_cuts(&o, 0, 0, &w, 1, &c, &hd), "no header row",
		 "no header row");
}

/*
 * Runs of rows for other threads (cli/par.c's way, stream/input.c's
 * dq_input_csv_rows): after the header, lines go through dq_csv_rowscan,
 * runs of whole rows end at random row ends, each is read by a
 * dq_csv_fork of the reader, and a last row the file ends inside goes to
 * the reader itself.  On random files the rows (JSON, raw bytes,
 * reasons, lines) must be the whole file's, each run's reader must end
 * between rows, and the rows counted by the scan (blank lines not) must
 * be those read.
 */
static void
test_runs_match_reader(void)
{
	const int trials = 5000;
	int differ = 0, first = -1, runs = 0;

	for (int t = 0; t < trials; t++) {
		char in[512];
		size_t n;
		struct dq_csv_opts o;
		hard_file(in, sizeof(in), &n, &o, 1);
		struct dq_buf whole = DQ_BUF_INIT, got = DQ_BUF_INIT;
		if (parse_range(&o, in, 0, n, 0, 0, &whole) < 0) {
			dq_buf_release(&whole);
			continue; /* a bad header */
		}
		struct dq_csv *c = dq_csv_new(&o);
		size_t at = 0;
		long line = 0;
		while (at < n && !dq_csv_idle(c)) {
			const char *nl = memchr(in + at, '\n', n - at);
			size_t len = nl ? (size_t)(nl - in - at) + 1 : n - at;
			if (dq_csv_feed(c, in + at, len, ++line) < 0)
				break;
			at += len;
		}
		int bad = 0;
		struct dq_csv_rowscan rs;
		dq_csv_rowscan_start(&rs, &o);
		size_t run = at, row_end = at;
		long run_line = line + 1, rows = 0, row_start = 1;
		while (at < n && dq_csv_idle(c) && !bad) {
			const char *nl = memchr(in + at, '\n', n - at);
			size_t len = nl ? (size_t)(nl - in - at) + 1 : n - at;
			int blank = row_start && nl &&
				    (len == 1 || (len == 2 && in[at] == '\r'));
			line++;
			at += len;
			row_start = dq_csv_rowscan_line(&rs, in + at - len, len);
			if (!row_start)
				continue;
			row_end = at;
			rows += !blank;
			if (unit_pick(3) && at < n)
				continue;
			/* A run ends: read it with a fork of the reader. */
			struct dq_csv *f = dq_csv_fork(c);
			if (dq_csv_feed(f, in + run, row_end - run, run_line) < 0)
				bad = 1;
			if (dump_rows(f, &got) != rows || !dq_csv_idle(f))
				bad = 1;
			dq_csv_free(f);
			runs++;
			run = row_end;
			run_line = line + 1;
			rows = 0;
		}
		/* What is left (a row the file ends inside, or everything
		 * when the header never ended) goes to the reader itself. */
		if (!bad && run < n) {
			if (dq_csv_feed(c, in + run, n - run, run_line) < 0 ||
			    dq_csv_finish(c) < 0)
				bad = 1;
		} else if (!bad && dq_csv_finish(c) < 0) {
			bad = 1;
		}
		dump_rows(c, &got);
		dq_csv_free(c);
		if (bad || whole.len != got.len ||
		    memcmp(whole.buf, got.buf, whole.len)) {
			differ++;
			if (first < 0)
				first = t;
		}
		dq_buf_release(&whole);
		dq_buf_release(&got);
	}
	char what[160];
	snprintf(what, sizeof(what),
		 "runs cut by dq_csv_rowscan, read by forks, give the whole "
		 "file's rows on %d random files (first difference: trial %d)",
		 trials, first);
	UNIT_INT(differ, 0, what);
	UNIT_OK(runs > trials, "files were cut into runs");
}

int
main(void)
{
	test_quoting();
	test_line_ends();
	test_field_counts();
	test_bad_quoting();
	test_delimiters();
	test_encoding();
	test_header();
	test_header_errors();
	test_api();
	test_escape_positions();
	test_huge();
	test_fast_path_matches_libcsv();
	test_cuts_match_reader();
	test_runs_match_reader();
	char what[120];
	snprintf(what, sizeof(what), "members found while writing equal "
		 "dq_json_scan's on all %ld good rows", rows_checked);
	UNIT_INT(members_differ, 0, what);
	UNIT_OK(rows_checked > 10000, "good rows were checked");
	return unit_done();
}
