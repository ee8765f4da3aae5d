/*
 * sidefile.c - the strict side-file reader (see sidefile.h).
 *
 * It is the record input (stream/input.h: NDJSON or CSV, any line
 * length, BOM and CRLF handled) and the record scanner (stream/json.h),
 * with one policy of its own: the first line that is not a record ends
 * the read with a message naming the file and line, because a side file
 * is data every record is checked against, not data to pass through.
 */
#include "stream/sidefile.h"

#include <stdlib.h>

void
dq_sidefile_init(struct dq_sidefile *sf)
{
	dq_record_init(&sf->rec);
	dq_input_init(&sf->in);
	sf->line = 0;
	sf->records = 0;
	sf->bad = 0;
	sf->files[0] = NULL;
	sf->path = NULL;
}

void
dq_sidefile_release(struct dq_sidefile *sf)
{
	dq_record_release(&sf->rec);
	dq_input_release(&sf->in);
	free(sf->path);
	sf->path = NULL;
}

int
dq_sidefile_open(struct dq_sidefile *sf, const char *path)
{
	sf->path = dq_xstrdup(path);
	sf->files[0] = sf->path;
	sf->in.files = sf->files;
	sf->in.nfiles = 1;
	return dq_input_check(&sf->in);
}

int
dq_sidefile_next(struct dq_sidefile *sf)
{
	struct dq_item it;
	struct dq_json_error err;
	int rc = dq_input_next(&sf->in, &it);

	if (rc <= 0)
		return rc; /* the input printed its message */
	sf->line = it.line;
	if (it.reason || dq_json_scan(&sf->rec, it.text, it.len, &err)) {
		sf->bad++;
		return dq_error("%s:%ld: %s", sf->path, it.line,
				it.reason ? it.reason : "not a JSON object");
	}
	sf->records++;
	return 1;
}
