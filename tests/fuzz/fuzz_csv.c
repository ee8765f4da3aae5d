/*
 * fuzz_csv.c - libFuzzer entry point for the CSV reader (lib/stream/csv.c).
 *
 * The first byte picks the options (delimiter ",", "\t", ";" or ", ",
 * Latin-1, no header), the rest is the file, fed line by line as the
 * stream layer does.  Every row the reader accepts must be one valid JSON
 * object for the record scanner, and every rejected row must carry a
 * reason: the reader must never hand a program a record it cannot read.
 * The file is parsed twice, with the fast path for quote-free rows and
 * with libcsv for every row (dq_csv_opts.reference): the rows, their
 * raw bytes, lines, numbers and reasons, and the final error must be the
 * same, and the members the reader hands out with each row must be the
 * scanner's.  And when dq_csv_cuts cuts the file into byte ranges (as
 * dq-profile's processes read it), the ranges, each read after the header
 * row, must give the whole file's rows (raw bytes, lines, reasons); so
 * must runs cut after the header at every row end dq_csv_rowscan finds,
 * each read by a dq_csv_fork of the reader (cli/par.c's workers).
 */
#include <sys/mman.h>
#include <unistd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stream/csv.h"
#include "stream/json.h"
#include "base/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dq_record rec;

static int with_rowno = 1;

/* The members the reader found while writing the row's JSON must be
 * those the scanner finds in it (rec), exactly. */
static void
same_members(const struct dq_csv_row *row)
{
	if (!row->m || row->nm != rec.n || rec.dq != -1)
		abort();
	for (size_t i = 0; i < rec.n; i++) {
		const struct dq_member *a = &rec.m[i], *b = &row->m[i];
		if (a->key != b->key || a->keylen != b->keylen ||
		    a->val != b->val || a->vallen != b->vallen ||
		    a->type != b->type || a->flags != b->flags)
			abort();
	}
}

/* Log c's rows; returns how many. */
static long
drain(struct dq_csv *c, struct dq_buf *log)
{
	struct dq_csv_row row;
	struct dq_json_error err;
	long k = 0;

	while (dq_csv_next(c, &row)) {
		k++;
		if (row.reason) {
			if (row.json)
				abort();
			dq_buf_addf(log, "R%s|", row.reason);
		} else {
			/* (A column named "_dq" is the one the scanner refuses:
			 * dq's metadata; the record is then rejected whole.) */
			if (!row.json)
				abort();
			if (dq_json_scan(&rec, row.json, row.json_len, &err)) {
				if (!strstr(err.reason, "\"_dq\"") || row.m)
					abort();
			} else {
				same_members(&row);
			}
			dq_buf_addch(log, 'J');
			dq_buf_add(log, row.json, row.json_len);
		}
		dq_buf_addch(log, '|');
		dq_buf_add(log, row.raw, row.raw_len);
		dq_buf_addf(log, "|%ld|%ld\n", row.line,
			    with_rowno ? row.rowno : 0);
	}
	return k;
}

/* Parse the file line by line, each line with its LF as the stream layer
 * hands it, lines numbered from lineno + 1, after the header row
 * header[0, hn) when hn > 0; every row, status and error into log.
 * Returns 1 when a fatal error ended it. */
static int
parse_from(const struct dq_csv_opts *o, const uint8_t *data, size_t size,
	   const uint8_t *header, size_t hn, long lineno, struct dq_buf *log)
{
	struct dq_csv *c = dq_csv_new(o);
	int dead = hn && dq_csv_feed(c, (const char *)header, hn, 1) < 0;

	while (size && !dead) {
		const uint8_t *nl = memchr(data, '\n', size);
		size_t n = nl ? (size_t)(nl - data) + 1 : size;
		/* A copy of exactly the line, so overreads are caught. */
		char *line = malloc(n);
		memcpy(line, data, n);
		if (dq_csv_feed(c, line, n, ++lineno) < 0)
			dead = 1;
		else
			drain(c, log);
		free(line);
		data += n;
		size -= n;
	}
	if (!dead && dq_csv_finish(c) == 0)
		drain(c, log);
	else
		dead = 1;
	if (with_rowno)
		dq_buf_addf(log, "dead %d: %s\n", dead, dq_csv_error(c));
	dq_csv_free(c);
	return dead;
}

static void
parse_all(const struct dq_csv_opts *o, const uint8_t *data, size_t size,
	  struct dq_buf *log)
{
	parse_from(o, data, size, NULL, 0, 0, log);
}

/* The rows of the file cut by dq_csv_cuts equal the whole file's. */
static void
check_cuts(const struct dq_csv_opts *o, const uint8_t *data, size_t size)
{
	uint64_t want[3], cut[3], header, at[5];
	struct dq_buf whole = DQ_BUF_INIT, parts = DQ_BUF_INIT;
	int fd = memfd_create("fuzz_csv", 0), dead = 0;

	if (fd < 0)
		return;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return;
	}
	for (int k = 0; k < 3; k++)
		want[k] = (uint64_t)size * (uint64_t)(k + 1) / 4;
	if (dq_csv_cuts(o, fd, size, want, 3, cut, &header)) {
		close(fd);
		return;
	}
	close(fd);
	/* The stream layer strips a byte order mark that begins the file
	 * (and the header row it reads for a range). */
	size_t bom = size >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3) ? 3 : 0;
	if (header < bom)
		abort();
	with_rowno = 0;
	if (parse_from(o, data + bom, size - bom, NULL, 0, 0, &whole) == 0) {
		at[0] = bom;
		at[4] = size;
		for (int k = 0; k < 3; k++)
			at[k + 1] = cut[k];
		for (int k = 0; k < 4 && !dead; k++) {
			long line = 0;
			if (at[k + 1] < at[k] || at[k + 1] > size)
				abort(); /* cuts go forward, inside the file */
			if (at[k] == at[k + 1])
				continue;
			for (uint64_t i = 0; i < at[k]; i++)
				line += data[i] == '\n';
			dead = parse_from(o, data + at[k], at[k + 1] - at[k],
					  data + bom, k ? header - bom : 0,
					  line, &parts);
		}
		if (dead || whole.len != parts.len ||
		    memcmp(whole.buf, parts.buf, whole.len))
			abort();
	}
	with_rowno = 1;
	dq_buf_release(&whole);
	dq_buf_release(&parts);
}

/* Cut after the header at every row end dq_csv_rowscan finds, each run
 * read by a dq_csv_fork of the reader, the rest by the reader itself (as
 * cli/par.c and stream/input.c do): the whole file's rows, each fork
 * ending between rows with as many rows as the scan counted. */
static void
check_runs(const struct dq_csv_opts *o, const uint8_t *data, size_t size)
{
	struct dq_buf whole = DQ_BUF_INIT, parts = DQ_BUF_INIT;
	const char *p = (const char *)data, *e = p + size;
	struct dq_csv_rowscan rs;
	long line = 0;

	if (o->no_header || (o->delim && strlen(o->delim) != 1))
		return;
	with_rowno = 0;
	if (parse_from(o, data, size, NULL, 0, 0, &whole)) {
		with_rowno = 1;
		dq_buf_release(&whole);
		return;
	}
	struct dq_csv *c = dq_csv_new(o);
	while (p < e && !dq_csv_idle(c)) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(e - p);
		if (dq_csv_feed(c, p, n, ++line) < 0)
			abort(); /* the whole file was read without error */
		p += n;
	}
	drain(c, &parts);
	dq_csv_rowscan_start(&rs, o);
	const char *run = p;
	long run_line = line + 1, rows = 0;
	int row_start = 1;
	while (p < e && dq_csv_idle(c)) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(e - p);
		int blank = row_start && nl && (n == 1 || (n == 2 && *p == '\r'));
		line++;
		row_start = dq_csv_rowscan_line(&rs, p, n);
		p += n;
		if (!row_start)
			continue;
		rows += !blank;
		struct dq_csv *f = dq_csv_fork(c);
		if (dq_csv_feed(f, run, (size_t)(p - run), run_line) < 0)
			abort();
		if (drain(f, &parts) != rows || !dq_csv_idle(f))
			abort();
		dq_csv_free(f);
		run = p;
		run_line = line + 1;
		rows = 0;
	}
	if (run < e && dq_csv_feed(c, run, (size_t)(e - run), run_line) < 0)
		abort();
	drain(c, &parts);
	if (dq_csv_finish(c) < 0)
		abort();
	drain(c, &parts);
	dq_csv_free(c);
	if (whole.len != parts.len || memcmp(whole.buf, parts.buf, whole.len))
		abort();
	with_rowno = 1;
	dq_buf_release(&whole);
	dq_buf_release(&parts);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *delims[] = { ",", "\t", ";", ", " };
	static int ready;
	struct dq_csv_opts o;
	struct dq_buf fast = DQ_BUF_INIT, ref = DQ_BUF_INIT;

	if (!ready) {
		dq_record_init(&rec);
		ready = 1;
	}
	if (size < 1)
		return 0;
	dq_csv_opts_init(&o);
	o.delim = delims[data[0] & 3];
	o.latin1 = (data[0] >> 2) & 1;
	o.no_header = (data[0] >> 3) & 1;
	data++;
	size--;
	/* The fast path and libcsv alone must give the same rows. */
	parse_all(&o, data, size, &fast);
	o.reference = 1;
	parse_all(&o, data, size, &ref);
	if (fast.len != ref.len || memcmp(fast.buf, ref.buf, fast.len))
		abort();
	o.reference = 0;
	check_cuts(&o, data, size);
	check_runs(&o, data, size);
	dq_buf_release(&fast);
	dq_buf_release(&ref);
	return 0;
}
