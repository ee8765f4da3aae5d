/*
 * sidefile.h - the one strict reader of side files: the files a contract
 * or an option names beside the input (reference sets, and later models,
 * maps, decisions, history).
 *
 * A side file is NDJSON (or CSV, detected as for the input) read to the
 * end before the records.  Unlike the record stream, which rejects a bad
 * line and goes on, a side file with a hole gives wrong answers for every
 * record (a reference set without its third key fails every record that
 * names it), so a line that is not exactly one JSON object -- or a CSV row
 * the reader rejects -- stops the read: it is counted, reported with the
 * file and line ("refs.ndjson:3: not a JSON object") and the caller gets
 * -1.  Blank lines are skipped, as in the input.
 *
 *	struct dq_sidefile sf;
 *	dq_sidefile_init(&sf);
 *	if (dq_sidefile_open(&sf, path))
 *		return -1;
 *	while ((rc = dq_sidefile_next(&sf)) > 0)
 *		... use sf.rec (valid until the next call) ...
 *	dq_sidefile_release(&sf);
 *	if (rc < 0)
 *		return -1;
 */
#ifndef DQ_SIDEFILE_H
#define DQ_SIDEFILE_H

#include <stdint.h>

#include "stream/input.h"
#include "stream/json.h"

struct dq_sidefile {
	struct dq_record rec; /* the current line's record */
	long line;            /* its 1-based line */
	uint64_t records;     /* records read so far */
	uint64_t bad;         /* bad lines met (0 or 1: the read stops) */

	/* Private. */
	struct dq_input in;
	char *files[1];
	char *path;
};

void dq_sidefile_init(struct dq_sidefile *sf);
void dq_sidefile_release(struct dq_sidefile *sf);

/* Open path (borrowed; copied) for reading: 0, or -1 with a message
 * naming the file. */
int dq_sidefile_open(struct dq_sidefile *sf, const char *path);

/* The next record into sf->rec: 1, 0 at the end, or -1 after a message
 * (a bad line, with file and line, counted in sf->bad; or a read
 * error). */
int dq_sidefile_next(struct dq_sidefile *sf);

#endif
