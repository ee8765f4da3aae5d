/*
 * dq-csv - write records as CSV for a spreadsheet, safely.
 *
 * The last step of a review loop is often a person opening a file in Excel
 * or LibreOffice: the quarantine, the review queue, the violations.  CSV
 * is their format, and it is also an attack path: a cell that starts with
 * '=', '+', '-' or '@' (or a tab or carriage return) is run as a formula
 * when the file is opened ("CSV injection", OWASP).  dq-csv writes RFC 4180
 * CSV and, by default, neutralises such cells in string values by putting
 * a single quote before them, as OWASP recommends (stream/csv.h's cell
 * writer says which cells); JSON numbers are written as they are (a
 * number is not a formula).
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

#include "base/strmap.h"
#include "stream/csv.h"
#include "stream/json.h"
#include "stream/meta.h"
#include "stream/path.h"
#include "stream/walk.h"
#include "cli/run.h"

static const char synopsis[] =
	"usage: dq-csv [OPTIONS] [FILE...]\n"
	"\n"
	"Write NDJSON records as CSV (RFC 4180) for a spreadsheet.  Cells\n"
	"that a spreadsheet would run as a formula (starting with = + - @ |,\n"
	"tab or CR, also after spaces, NBSP, ZWSP or a BOM, or with a\n"
	"full-width sign) get a leading ' unless --no-protect.\n";

static const char help[] =
	"\n"
	"Output:\n"
	"      --fields LIST     the columns, comma-separated, in order\n"
	"                        (default: keys of the first 1000 records);\n"
	"                        a name may be a path: addr.city, _dq.row,\n"
	"                        tags[] (its values as a JSON array)\n"
	"      --violations      add a column \"violations\": the codes of\n"
	"                        _dq.violations, ';'-separated\n"
	"      --originals       add a column \"originals\": _dq.orig (the\n"
	"                        values before dq-normalize changed them,\n"
	"                        --keep-original; dq-merge carries them) as\n"
	"                        JSON, empty when none\n"
	"      --tab             tab-separated instead of commas\n"
	"      --no-header       no header row\n"
	"      --no-protect      write formula-like cells as they are\n";

enum { O_FIELDS = DQ_OPT_TOOL, O_VIOL, O_TAB, O_NOHEAD, O_NOPROTECT,
       O_ORIG };

static const struct option longopts[] = {
	{ "fields", required_argument, NULL, O_FIELDS },
	{ "violations", no_argument, NULL, O_VIOL },
	{ "originals", no_argument, NULL, O_ORIG },
	{ "tab", no_argument, NULL, O_TAB },
	{ "no-header", no_argument, NULL, O_NOHEAD },
	{ "no-protect", no_argument, NULL, O_NOPROTECT },
	{ NULL, 0, NULL, 0 }
};

#define LOOKAHEAD 1000

static struct {
	struct dq_strmap cols; /* column name -> its position */
	int fixed; /* --fields */
	int violations, originals, header, protect;
	char delim;
	/* Keys with no column, for the summary. */
	struct dq_strmap extra;
	unsigned long long extra_values, protected_cells;
} O = { .header = 1, .protect = 1, .delim = ',' };

static struct dq_buf tmp = DQ_BUF_INIT, cell = DQ_BUF_INIT;
/* The member of each column in the current record, or NULL. */
static const struct dq_member **row;
static size_t rowcap;

/* --fields names that are paths (stream/path.h), by column: the path,
 * and the value found along it in the current record. */
struct pcol {
	struct dq_path path;
	struct dq_member m;
	struct dq_buf arr; /* its value's raw JSON in the current record */
};
static struct pcol **pcols;
static size_t npcols;

static void
add_col(const char *k, size_t n)
{
	dq_strmap_add(&O.cols, k, n, O.cols.n);
}

static void
add_path_col(const char *k, size_t n)
{
	struct dq_path p;
	size_t c = O.cols.n;

	if (dq_strmap_get(&O.cols, k, n) >= 0)
		return; /* named twice: one column */
	add_col(k, n);
	if (!dq_path_is_nested(k, n) || dq_path_parse(&p, k, n, NULL))
		return;
	pcols = dq_xrealloc(pcols, (c + 1) * sizeof(*pcols));
	for (size_t i = npcols; i <= c; i++)
		pcols[i] = NULL;
	npcols = c + 1;
	pcols[c] = dq_xcalloc(1, sizeof(**pcols));
	pcols[c]->path = p;
	pcols[c]->arr = (struct dq_buf)DQ_BUF_INIT;
}

/* The path columns without a member of their exact name: the value
 * along the path ("_dq.row" too), or a [] path's values as an array. */
static void
find_path_cols(const struct dq_record *r)
{
	for (size_t c = 0; c < npcols; c++) {
		struct pcol *pc = pcols[c];
		if (!pc || row[c])
			continue;
		dq_buf_reset(&pc->arr);
		if (!dq_path_value(&pc->path, r, &pc->arr))
			continue;
		pc->m.val = pc->arr.buf;
		pc->m.vallen = pc->arr.len;
		pc->m.type = dq_walk_type(pc->arr.buf[0]);
		pc->m.flags = DQ_M_VAL_ESC; /* unescape if a string */
		row[c] = &pc->m;
	}
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
			add_path_col(p, n);
			if (!e)
				break;
			p = e + 1;
		}
		O.fixed = 1;
		return 0;
	}
	case O_VIOL: O.violations = 1; return 0;
	case O_ORIG: O.originals = 1; return 0;
	case O_TAB: O.delim = '\t'; return 0;
	case O_NOHEAD: O.header = 0; return 0;
	case O_NOPROTECT: O.protect = 0; return 0;
	}
	return -1;
}

/* Append one cell of text s (n bytes), with a leading ' when it would
 * start a formula and is_string (stream/csv.h). */
static void
put_cell(struct dq_buf *out, const char *s, size_t n, int is_string)
{
	O.protected_cells += (unsigned long long)dq_csv_put_cell(
		out, s, n, O.delim, is_string && O.protect);
}

/* Each column's pii policy + 1 (0: not asked yet), so that a cell costs
 * no look-up. */
static unsigned char *colpol;
static size_t ncolpol;

static enum dq_pii_policy
column_pii(size_t c)
{
	if (c >= ncolpol) {
		size_t n = O.cols.n > c ? O.cols.n : c + 1;
		colpol = dq_xrealloc(colpol, n);
		memset(colpol + ncolpol, 0, n - ncolpol);
		ncolpol = n;
	}
	if (!colpol[c])
		colpol[c] = (unsigned char)(1 + dq_pii_policy(
			dq_pii_active(), O.cols.keys[c], O.cols.lens[c]));
	return (enum dq_pii_policy)(colpol[c] - 1);
}

/* The cell of column c: a sensitive field's value masked (contract/pii.h). */
static void
put_value(struct dq_buf *out, const struct dq_member *m, size_t c)
{
	enum dq_pii_policy pol = dq_pii_any() ? column_pii(c) : DQ_PII_NONE;

	if (dq_pii_hides(pol) && m->type != DQ_JSON_NULL) {
		dq_buf_reset(&tmp);
		if (m->type == DQ_JSON_STRING)
			dq_json_unescape(m->val, m->vallen, &tmp);
		else
			dq_buf_add(&tmp, m->val, m->vallen);
		dq_buf_reset(&cell);
		dq_pii_render(dq_pii_active(), pol, tmp.buf, tmp.len, &cell);
		put_cell(out, cell.buf, cell.len, 1);
		return;
	}
	switch (m->type) {
	case DQ_JSON_NULL:
		return;
	case DQ_JSON_STRING:
		dq_buf_reset(&tmp);
		dq_json_unescape(m->val, m->vallen, &tmp);
		put_cell(out, tmp.buf, tmp.len, 1);
		return;
	default: {
		/* An object or array: the sensitive values inside it masked. */
		size_t n = m->vallen;
		const char *v = m->val;
		if (dq_pii_any() &&
		    (m->type == DQ_JSON_OBJECT || m->type == DQ_JSON_ARRAY)) {
			char *name = dq_xstrndup(O.cols.keys[c], O.cols.lens[c]);
			v = dq_pii_show_json(name, m->val, &n, &cell);
			free(name);
		}
		put_cell(out, v, n, 0);
	}
	}
}

/* The codes of _dq.violations, ';'-separated, into cell. */
static void
violation_codes(const struct dq_record *r)
{
	struct dq_member vs, el, code;
	struct dq_walk w;

	dq_buf_reset(&cell);
	if (r->dq < 0 ||
	    !dq_walk_find(r->m[r->dq].val, r->m[r->dq].vallen, "violations",
			  10, &vs) ||
	    dq_walk_begin(&w, vs.val, vs.vallen) != DQ_JSON_ARRAY)
		return;
	while (dq_walk_element(&w, &el)) {
		if (el.type != DQ_JSON_OBJECT ||
		    !dq_walk_find(el.val, el.vallen, "code", 4, &code) ||
		    code.type != DQ_JSON_STRING)
			continue;
		if (cell.len)
			dq_buf_addch(&cell, ';');
		dq_json_unescape(code.val, code.vallen, &cell);
	}
}

/* The column of member m, or -1 (tmp holds its unescaped key). */
static long
column_of(const struct dq_member *m)
{
	if (!(m->flags & DQ_M_KEY_ESC))
		return dq_strmap_get(&O.cols, m->key, m->keylen);
	dq_buf_reset(&tmp);
	dq_json_unescape(m->key - 1, m->keylen + 2, &tmp);
	return dq_strmap_get(&O.cols, tmp.buf, tmp.len);
}

static void
note_extra(struct dq_run *run, const struct dq_member *m)
{
	dq_buf_reset(&tmp);
	dq_json_unescape(m->key - 1, m->keylen + 2, &tmp);
	O.extra_values++;
	if (!dq_strmap_add(&O.extra, tmp.buf, tmp.len, O.extra.n))
		return;
	dq_log(run, "warn", "write",
	       "%s:%ld: field \"%s\" has no column (first seen here); its "
	       "values are left out -- name it with --fields",
	       run->item.file, run->item.line, tmp.buf);
}

/* One row: each member to its column's place (one look-up a member, so
 * a row costs its members plus its columns, however many there are). */
static void
write_row(struct dq_run *run, const struct dq_record *r)
{
	struct dq_buf *out = &run->out.b;
	size_t ncols = O.cols.n;

	if (rowcap < ncols) {
		rowcap = ncols;
		row = dq_xrealloc(row, rowcap * sizeof(*row));
	}
	for (size_t c = 0; c < ncols; c++)
		row[c] = NULL;
	for (size_t i = 0; i < r->n; i++) {
		if ((long)i == r->dq)
			continue;
		long c = column_of(&r->m[i]);
		if (c >= 0) {
			if (!row[c])
				row[c] = &r->m[i];
		} else if (!O.fixed) {
			note_extra(run, &r->m[i]);
		}
	}
	if (npcols)
		find_path_cols(r);
	for (size_t c = 0; c < ncols; c++) {
		if (c)
			dq_buf_addch(out, O.delim);
		if (row[c])
			put_value(out, row[c], c);
	}
	if (O.violations) {
		if (ncols)
			dq_buf_addch(out, O.delim);
		violation_codes(r);
		put_cell(out, cell.buf, cell.len, 1);
	}
	if (O.originals) {
		struct dq_member m;
		if (ncols || O.violations)
			dq_buf_addch(out, O.delim);
		if (dq_meta_find(r, "orig", 4, &m) &&
		    m.type == DQ_JSON_OBJECT) {
			dq_buf_reset(&cell);
			dq_pii_mask_object(m.val, m.vallen, &cell);
			put_cell(out, cell.buf, cell.len, 1);
		}
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
	for (size_t c = 0; c < O.cols.n; c++) {
		if (c)
			dq_buf_addch(out, O.delim);
		put_cell(out, O.cols.keys[c], O.cols.lens[c], 1);
	}
	if (O.violations) {
		if (O.cols.n)
			dq_buf_addch(out, O.delim);
		dq_buf_addstr(out, "violations");
	}
	if (O.originals) {
		if (O.cols.n || O.violations)
			dq_buf_addch(out, O.delim);
		dq_buf_addstr(out, "originals");
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

	dq_strmap_init(&O.cols);
	dq_strmap_init(&O.extra);
	dq_run_init(&run, &tool, argc, argv);
	dq_record_init(&rec);

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

	cJSON *extra = cJSON_CreateObject();
	cJSON *cols = cJSON_AddArrayToObject(extra, "columns");
	for (size_t c = 0; c < O.cols.n; c++)
		cJSON_AddItemToArray(cols, cJSON_CreateString(O.cols.keys[c]));
	cJSON *un = cJSON_AddArrayToObject(extra, "fields_without_column");
	for (size_t i = 0; i < O.extra.n; i++)
		cJSON_AddItemToArray(un, cJSON_CreateString(O.extra.keys[i]));
	cJSON_AddNumberToObject(extra, "values_left_out",
				(double)O.extra_values);
	cJSON_AddNumberToObject(extra, "protected_cells",
				(double)O.protected_cells);
	int status = dq_run_finish(&run, extra, 0);
	dq_strmap_release(&O.cols);
	dq_strmap_release(&O.extra);
	free(row);
	free(colpol);
	for (size_t c = 0; c < npcols; c++)
		if (pcols[c]) {
			dq_path_release(&pcols[c]->path);
			dq_buf_release(&pcols[c]->arr);
			free(pcols[c]);
		}
	free(pcols);
	dq_buf_release(&tmp);
	dq_buf_release(&cell);
	return status;
}
