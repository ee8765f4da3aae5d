/*
 * read.h - the documents dq-report reads: a whole JSON document (a run
 * summary, a profile), or a file of documents one after another (NDJSON
 * lines, or pretty-printed objects: violations, pairs, golden records,
 * history), read one at a time so that memory does not grow with the
 * file.  Files may be compressed as any dq input (stream/source.h).
 */
#ifndef DQ_REPORT_READ_H
#define DQ_REPORT_READ_H

#include <cjson/cJSON.h>

/* The JSON object in the file path, new (cJSON_Delete it); NULL after a
 * message naming the file when it cannot be read or is not one object.
 * what names the document for that message ("a dq-profile document"). */
cJSON *dq_report_doc(const char *path, const char *what);

/*
 * Call fn(ctx, obj, path, line) for each object in the file path, in
 * order; obj is borrowed for the call (cJSON_Duplicate what is kept),
 * line is where it starts.  A text that is not a JSON object is an error
 * naming the file and line.  0, or -1 after a message (fn's -1 stops the
 * reading and is returned).
 */
int dq_report_each(const char *path,
		   int (*fn)(void *ctx, cJSON *obj, const char *path,
			     long line),
		   void *ctx);

/*
 * The same for a file of NDJSON lines (what dq's programs write), each
 * handed to fn as text (borrowed for the call, not checked: fn parses
 * what it needs), for files of millions of lines where parsing each
 * whole would cost more than the page is worth.
 */
int dq_report_each_line(const char *path,
			int (*fn)(void *ctx, const char *text, size_t len,
				  const char *path, long line),
			void *ctx);

#endif
