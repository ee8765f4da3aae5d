/*
 * fuzz_csv.c - libFuzzer entry point for the CSV reader (lib/stream/csv.c).
 *
 * The first byte picks the options (delimiter ",", "\t", ";" or ", ",
 * Latin-1, no header), the rest is the file, fed line by line as the
 * stream layer does.  Every row the reader accepts must be one valid JSON
 * object for the record scanner, and every rejected row must carry a
 * reason: the reader must never hand a program a record it cannot read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stream/csv.h"
#include "stream/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dq_record rec;

static void
drain(struct dq_csv *c)
{
	struct dq_csv_row row;
	struct dq_json_error err;

	while (dq_csv_next(c, &row)) {
		if (row.reason) {
			if (row.json)
				abort();
			continue;
		}
		if (!row.json || dq_json_scan(&rec, row.json, row.json_len,
					       &err) != 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *delims[] = { ",", "\t", ";", ", " };
	static int ready;
	struct dq_csv_opts o;
	struct dq_csv *c;
	long lineno = 0;
	int dead = 0;

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
	c = dq_csv_new(&o);
	while (size && !dead) {
		const uint8_t *nl = memchr(data, '\n', size);
		size_t n = nl ? (size_t)(nl - data) : size;
		/* A copy of exactly the line, so overreads are caught. */
		char *line = malloc(n ? n : 1);
		memcpy(line, data, n);
		if (dq_csv_feed(c, line, n, ++lineno) < 0)
			dead = 1;
		else
			drain(c);
		free(line);
		data += nl ? n + 1 : n;
		size -= nl ? n + 1 : n;
	}
	if (!dead && dq_csv_finish(c) == 0)
		drain(c);
	dq_csv_free(c);
	return 0;
}
