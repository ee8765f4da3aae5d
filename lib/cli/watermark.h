/*
 * watermark.h - incremental runs: only the records changed since the
 * last successful run (dq-normalize --since, --watermark).
 *
 * A watermark is a field holding the time a record last changed and a
 * time: a record is selected when its field's value, normalized as the
 * contract normalizes that field (the caller runs the steps: "12/05/2026
 * 10:00" under a dmy date step is 2026-05-12T10:00), is an ISO 8601 date
 * or date-time (contract/types.h's one grammar; a zone offset is
 * honoured, so times compare as instants, not as text) or a number of
 * seconds since 1970, after the watermark; one at or before it is
 * skipped: counted, not written.  A record whose field is absent or null
 * is selected and counted as undated.  A value that is not a time, or
 * that its normalization could not read, is counted unreadable and the
 * caller sends the record to rejects (with its file, line and reason):
 * neither taken nor dropped silently.  The new watermark is the latest time among the
 * selected records (the old one when none was), kept in a state file
 * ({"field":F,"since":T}) that is written, atomically, only when the run
 * succeeds: a run that fails leaves it, and its retry selects the same
 * records again.  A record stamped at the watermark itself was in the run
 * that set it, so "after" is strict and a restart takes each record once.
 */
#ifndef DQ_WATERMARK_H
#define DQ_WATERMARK_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "stream/json.h"

#define DQ_WATERMARK_TEXT 64

/* The latest time seen by one worker, and its counts. */
struct dq_watermark_seen {
	int have;
	double t;
	char text[DQ_WATERMARK_TEXT]; /* as the record wrote it */
	uint64_t selected, skipped, undated;
	uint64_t unreadable; /* present, not a time: skipped too */
};

struct dq_watermark {
	char *field;        /* owned; NULL: no watermark */
	size_t fieldlen;
	char *state;        /* the state file (owned), or NULL */
	int have_since;
	double since;
	char since_text[DQ_WATERMARK_TEXT];
	struct dq_watermark_seen seen; /* every worker's, folded */
};

void dq_watermark_init(struct dq_watermark *w);
void dq_watermark_release(struct dq_watermark *w);

/* --since FIELD=TIME: 0, or -1 after a message. */
int dq_watermark_since(struct dq_watermark *w, const char *arg);
/* --watermark FIELD=FILE: 0, or -1 after a message. */
int dq_watermark_state(struct dq_watermark *w, const char *arg);
/* Read the state file unless --since gave the time (a file that does not
 * exist yet: a first run, everything selected).  0, or -1 after a
 * message. */
int dq_watermark_load(struct dq_watermark *w);

/* Is the record with watermark member m (NULL: absent; its value
 * normalized) selected?  bad: its normalization could not read it.  1 or
 * 0, or -1 when the value is there but is no time (the caller sends the
 * record to rejects), counted in s (the caller's, one per thread). */
int dq_watermark_select(const struct dq_watermark *w, const struct dq_member *m,
			int bad, struct dq_watermark_seen *s);

/* Fold a worker's s into w. */
void dq_watermark_fold(struct dq_watermark *w, const struct dq_watermark_seen *s);

/* The summary's "watermark" object into summary. */
void dq_watermark_summary(const struct dq_watermark *w, cJSON *summary);

/* Write the new watermark to the state file (when there is one): call
 * only when the run succeeded.  0, or -1 after a message. */
int dq_watermark_save(const struct dq_watermark *w);

#endif
