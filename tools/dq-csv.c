/*
 * dq-csv - write records as CSV for a spreadsheet, safely.
 *
 * The last step of a review loop is often a person opening a file in Excel
 * or LibreOffice: the quarantine, the review queue, the violations.  CSV
 * is their format, and it is also an attack path: a cell that starts with
 * '=', '+', '-' or '@' (or a tab or carriage return) is run as a formula
 * when the file is opened ("CSV injection", OWASP).  dq-csv writes RFC 4180
 * CSV and, by default, neutralises such cells in string values by putting
 * a single quote before them, as OWASP recommends; JSON numbers are
 * written as they are (a number is not a formula).
 *
 * Columns: --fields names them, in order.  Otherwise they are the keys of
 * the first records (up to 1000 are read ahead, so a key missing from the
 * first record still gets its column), in the order first met; a key seen
 * only later has no column: it is counted, named in the summary and
 * warned about once, never silently lost.  "_dq" is not a column; with
 * --violations its violation codes are (";"-separated).
 *
 * Values: strings unescaped, numbers as written, true/false, null as an
 * empty cell, objects and arrays as their JSON text.  A cell is quoted
 * when it holds the delimiter, a quote, CR or LF.
 *
 * References: RFC 4180 (CSV); OWASP, "CSV Injection".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream/json.h"
#include "cli/run.h"

static const char synopsis[] =
	"usage: dq-csv [OPTIONS] [FILE...]\n"
	"\n"
	"Write NDJSON records as CSV (RFC 4180) for a spreadsheet.  Cells\n"
	"that a spreadsheet would run as a formula (starting with = + - @,\n"
	"tab or CR) get a leading ' unless --no-protect.\n";

static const char help[] =
	"\n"
	"Output:\n"
	"      --fields LIST     the columns, comma-separated, in order\n"
	"                        (default: keys of the first 1000 records)\n"
	"      --violations      add a column \"violations\": the codes of\n"
	"                        _dq.violations, ';'-separated\n"
	"      --tab             tab-separated instead of commas\n"
	"      --no-header       no header row\n"
	"      --no-protect      write formula-like cells as they are\n";

enum { O_FIELDS = DQ_OPT_TOOL, O_VIOL, O_TAB, O_NOHEAD, O_NOPROTECT };

static const struct option longopts[] = {
	{ "fields", required_argument, NULL, O_FIELDS },
	{ "violations", no_argument, NULL, O_VIOL },
	{ "tab", no_argument, NULL, O_TAB },
	{ "no-header", no_argument, NULL, O_NOHEAD },
	{ "no-protect", no_argument, NULL, O_NOPROTECT },
	{ NULL, 0, NULL, 0 }
};

#define LOOKAHEAD 1000

static struct {
	char **cols;
	size_t ncols;
	int fixed; /* --fields */
	int violations, header, protect;
	char delim;
	/* Keys with no column, for the summary. */
	char **extra;
	size_t nextra;
	unsigned long long extra_values, protected_cells;
} O = { .header = 1, .protect = 1, .delim = ',' };

static struct dq_buf tmp = DQ_BUF_INIT, cell = DQ_BUF_INIT;
static struct dq_record dq, v; /* _dq and one violation */

static void
add_col(const char *k, size_t n)
{
	for (size_t i = 0; i < O.ncols; i++)
		if (strlen(O.cols[i]) == n && !memcmp(O.cols[i], k, n))
			return;
	O.cols = dq_xrealloc(O.cols, (O.ncols + 1) * sizeof(*O.cols));
	O.cols[O.ncols++] = dq_xstrndup(k, n);
}

static int
option(void *ctx, int c, const char *arg)
{
	(void)ctx;
	switch (c) {
	case O_FIELDS: {
		const char *p = arg;
		for (;;) {
			const char *e = strchr(p, ',');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			if (!n)
				return dq_error("--fields '%s': an empty name",
						arg);
			add_col(p, n);
			if (!e)
				break;
			p = e + 1;
		}
		O.fixed = 1;
		return 0;
	}
	case O_VIOL: O.violations = 1; return 0;
	case O_TAB: O.delim = '\t'; return 0;
	case O_NOHEAD: O.header = 0; return 0;
	case O_NOPROTECT: O.protect = 0; return 0;
	}
	return -1;
}

/* Append one cell of text s (n bytes), quoted when it must be, with a
 * leading ' when it would start a formula and is_string. */
static void
put_cell(struct dq_buf *out, const char *s, size_t n, int is_string)
{
	int quote = 0, guard = 0;

	if (is_string && O.protect && n &&
	    (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	     s[0] == '\t' || s[0] == '\r')) {
		guard = 1;
		O.protected_cells++;
	}
	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == O.delim || s[i] == '"' || s[i] == '\n' ||
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
}

static void
put_value(struct dq_buf *out, const struct dq_member *m)
{
	switch (m->type) {
	case DQ_JSON_NULL:
		return;
	case DQ_JSON_STRING:
		dq_buf_reset(&tmp);
		dq_json_unescape(m->val, m->vallen, &tmp);
		put_cell(out, tmp.buf, tmp.len, 1);
		return;
	default:
		put_cell(out, m->val, m->vallen, 0);
	}
}

/* The codes of _dq.violations, ';'-separated, into cell. */
static void
violation_codes(const struct dq_record *r)
{
	struct dq_json_error err;

	dq_buf_reset(&cell);
	if (r->dq < 0 || r->m[r->dq].type != DQ_JSON_OBJECT ||
	    dq_json_scan(&dq, r->m[r->dq].val, r->m[r->dq].vallen, &err))
		return;
	long i = dq_record_find(&dq, "violations", 10);
	if (i < 0 || dq.m[i].type != DQ_JSON_ARRAY)
		return;
	/* Walk the array's objects: each is scanned as a record. */
	const char *p = dq.m[i].val + 1, *end = dq.m[i].val + dq.m[i].vallen;
	while (p < end) {
		if (*p != '{') {
			p++;
			continue;
		}
		int depth = 0, instr = 0;
		const char *q = p;
		for (; q < end; q++) {
			if (instr) {
				if (*q == '\\')
					q++;
				else if (*q == '"')
					instr = 0;
			} else if (*q == '"') {
				instr = 1;
			} else if (*q == '{' || *q == '[') {
				depth++;
			} else if ((*q == '}' || *q == ']') && --depth == 0) {
				break;
			}
		}
		if (q >= end || dq_json_scan(&v, p, (size_t)(q - p + 1), &err))
			break;
		long c = dq_record_find(&v, "code", 4);
		if (c >= 0 && v.m[c].type == DQ_JSON_STRING) {
			if (cell.len)
				dq_buf_addch(&cell, ';');
			dq_json_unescape(v.m[c].val, v.m[c].vallen, &cell);
		}
		p = q + 1;
	}
}

static int
key_is(const struct dq_member *m, const char *k)
{
	if (m->flags & DQ_M_KEY_ESC) {
		dq_buf_reset(&tmp);
		dq_json_unescape(m->key - 1, m->keylen + 2, &tmp);
		return tmp.len == strlen(k) && !memcmp(tmp.buf, k, tmp.len);
	}
	return m->keylen == strlen(k) && !memcmp(m->key, k, m->keylen);
}

static void
note_extra(struct dq_run *run, const struct dq_member *m)
{
	dq_buf_reset(&tmp);
	dq_json_unescape(m->key - 1, m->keylen + 2, &tmp);
	O.extra_values++;
	for (size_t i = 0; i < O.nextra; i++)
		if (!strcmp(O.extra[i], tmp.buf))
			return;
	dq_log(run, "warn", "write",
	       "%s:%ld: field \"%s\" has no column (first seen here); its "
	       "values are left out -- name it with --fields",
	       run->item.file, run->item.line, tmp.buf);
	O.extra = dq_xrealloc(O.extra, (O.nextra + 1) * sizeof(*O.extra));
	O.extra[O.nextra++] = dq_xstrdup(tmp.buf);
}

static void
write_row(struct dq_run *run, const struct dq_record *r)
{
	struct dq_buf *out = &run->out.b;

	for (size_t c = 0; c < O.ncols; c++) {
		if (c)
			dq_buf_addch(out, O.delim);
		for (size_t i = 0; i < r->n; i++)
			if ((long)i != r->dq && key_is(&r->m[i], O.cols[c])) {
				put_value(out, &r->m[i]);
				break;
			}
	}
	if (O.violations) {
		if (O.ncols)
			dq_buf_addch(out, O.delim);
		violation_codes(r);
		put_cell(out, cell.buf, cell.len, 1);
	}
	if (!O.fixed)
		for (size_t i = 0; i < r->n; i++) {
			size_t c;
			if ((long)i == r->dq)
				continue;
			for (c = 0; c < O.ncols; c++)
				if (key_is(&r->m[i], O.cols[c]))
					break;
			if (c == O.ncols)
				note_extra(run, &r->m[i]);
		}
	dq_buf_add(out, "\r\n", 2);
	run->n_out++;
	dq_out_commit(&run->out);
}

static void
write_header(struct dq_run *run)
{
	struct dq_buf *out = &run->out.b;

	if (!O.header)
		return;
	for (size_t c = 0; c < O.ncols; c++) {
		if (c)
			dq_buf_addch(out, O.delim);
		put_cell(out, O.cols[c], strlen(O.cols[c]), 1);
	}
	if (O.violations) {
		if (O.ncols)
			dq_buf_addch(out, O.delim);
		dq_buf_addstr(out, "violations");
	}
	dq_buf_add(out, "\r\n", 2);
}

/* A record read ahead, with where it came from (for messages). */
struct ahead {
	char *text;
	size_t len;
	long line;
};

int
main(int argc, char **argv)
{
	static const struct dq_tool tool = {
		.name = "dq-csv",
		.synopsis = synopsis,
		.help = help,
		.longopts = longopts,
		.option = option,
	};
	static struct dq_run run;
	static struct dq_record rec;
	static struct ahead ahead[LOOKAHEAD];
	size_t nahead = 0;
	int more;

	dq_run_init(&run, &tool, argc, argv);
	dq_record_init(&rec);
	dq_record_init(&dq);
	dq_record_init(&v);

	/* Read ahead to learn the columns. */
	while ((more = dq_run_next(&run, &rec)) > 0) {
		struct ahead *a = &ahead[nahead++];
		a->text = dq_xmalloc(rec.len + 1);
		memcpy(a->text, rec.text, rec.len);
		a->len = rec.len;
		a->line = run.item.line;
		if (!O.fixed)
			for (size_t i = 0; i < rec.n; i++) {
				if ((long)i == rec.dq)
					continue;
				dq_buf_reset(&tmp);
				dq_json_unescape(rec.m[i].key - 1,
						 rec.m[i].keylen + 2, &tmp);
				add_col(tmp.buf, tmp.len);
			}
		if (nahead == LOOKAHEAD)
			break;
	}
	write_header(&run);
	for (size_t k = 0; k < nahead; k++) {
		struct dq_json_error err;
		run.item.line = ahead[k].line;
		if (dq_json_scan(&rec, ahead[k].text, ahead[k].len, &err))
			dq_die("internal: a record read ahead no longer scans");
		write_row(&run, &rec);
		free(ahead[k].text);
	}
	if (more > 0)
		while (dq_run_next(&run, &rec) > 0)
			write_row(&run, &rec);
	dq_record_release(&rec);
	dq_record_release(&dq);
	dq_record_release(&v);

	cJSON *extra = cJSON_CreateObject();
	cJSON *cols = cJSON_AddArrayToObject(extra, "columns");
	for (size_t c = 0; c < O.ncols; c++)
		cJSON_AddItemToArray(cols, cJSON_CreateString(O.cols[c]));
	cJSON *un = cJSON_AddArrayToObject(extra, "fields_without_column");
	for (size_t i = 0; i < O.nextra; i++)
		cJSON_AddItemToArray(un, cJSON_CreateString(O.extra[i]));
	cJSON_AddNumberToObject(extra, "values_left_out",
				(double)O.extra_values);
	cJSON_AddNumberToObject(extra, "protected_cells",
				(double)O.protected_cells);
	int status = dq_run_finish(&run, extra, 0);
	for (size_t c = 0; c < O.ncols; c++)
		free(O.cols[c]);
	free(O.cols);
	for (size_t i = 0; i < O.nextra; i++)
		free(O.extra[i]);
	free(O.extra);
	dq_buf_release(&tmp);
	dq_buf_release(&cell);
	return status;
}
