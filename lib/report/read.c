/*
 * read.c - dq-report's document readers (see read.h): stream/input.h in
 * its JSON-documents mode, one object at a time.
 */
#include <stdlib.h>

#include "base/util.h"
#include "report/read.h"
#include "stream/input.h"

cJSON *
dq_report_doc(const char *path, const char *what)
{
	size_t len;
	char *text = dq_read_whole(path, &len);
	cJSON *o;

	if (!text)
		return NULL;
	o = cJSON_ParseWithLengthOpts(text, len + 1, NULL, 1);
	free(text);
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		dq_error("%s: not a JSON object (expected %s)", path, what);
		return NULL;
	}
	return o;
}

/* The items of path in format fmt, each to fn (or to obj_fn parsed). */
static int
each(const char *path, enum dq_format fmt,
     int (*obj_fn)(void *ctx, cJSON *obj, const char *path, long line),
     int (*fn)(void *ctx, const char *text, size_t len, const char *path,
	       long line),
     void *ctx)
{
	struct dq_input in;
	struct dq_item it;
	char *files[1] = { (char *)path };
	int rc;

	dq_input_init(&in);
	in.files = files;
	in.nfiles = 1;
	in.format = fmt;
	if (dq_input_check(&in)) {
		dq_input_release(&in);
		return -1;
	}
	while ((rc = dq_input_next(&in, &it)) > 0) {
		long line = it.doc ? it.srcline : it.line;
		cJSON *o;

		if (it.reason) {
			rc = dq_error("%s:%ld: %s", path, line, it.reason);
			break;
		}
		if (fn) {
			if ((rc = fn(ctx, it.text, it.len, path, line)))
				break;
			continue;
		}
		o = cJSON_ParseWithLength(it.text, it.len);
		if (!cJSON_IsObject(o)) {
			cJSON_Delete(o);
			rc = dq_error("%s:%ld: not a JSON object", path, line);
			break;
		}
		rc = obj_fn(ctx, o, path, line);
		cJSON_Delete(o);
		if (rc)
			break;
	}
	dq_input_release(&in);
	return rc < 0 ? -1 : 0;
}

int
dq_report_each(const char *path,
	       int (*fn)(void *ctx, cJSON *obj, const char *path, long line),
	       void *ctx)
{
	return each(path, DQ_FMT_JSON, fn, NULL, ctx);
}

int
dq_report_each_line(const char *path,
		    int (*fn)(void *ctx, const char *text, size_t len,
			      const char *path, long line),
		    void *ctx)
{
	return each(path, DQ_FMT_NDJSON, NULL, fn, ctx);
}
