/*
 * doc.h - dq-sql's input documents, read whole and checked strictly.
 *
 * A document (a dq-validate summary, its violations, a dq-profile
 * document, dq-merge's golden records or id map) is read whole into
 * memory, since the SQL is built before any of it is written.  Each JSON
 * text, a whole document or one NDJSON line, is checked by dq's exact
 * validator (stream/json.h) and must be an object; what SQL cannot take
 * is an error naming the file and line.  A NUL (\u0000), which SQL text
 * cannot hold, is let through with a warning: sql/sql.h stores it as
 * U+FFFD.
 *
 *	struct dq_sql_doc d;
 *	struct dq_sql_jv v;
 *	size_t pos = 0;
 *	int rc;
 *
 *	dq_sql_doc_init(&d);
 *	if (dq_sql_doc_read(&d, "violations.ndjson"))
 *		fail;
 *	while ((rc = dq_sql_doc_next(&d, &pos, &v)) > 0)
 *		use v (borrowed from d until dq_sql_doc_release);
 *	if (rc < 0)
 *		fail;
 *	dq_sql_doc_release(&d);
 */
#ifndef DQ_SQL_DOC_H
#define DQ_SQL_DOC_H

#include <stddef.h>

#include "base/util.h"
#include "sql/sql.h"

struct dq_sql_doc {
	const char *path;   /* borrowed, for messages */
	struct dq_buf text; /* the whole file */
	unsigned long line; /* the line last read (1 for a whole document) */
};

void dq_sql_doc_init(struct dq_sql_doc *d);
void dq_sql_doc_release(struct dq_sql_doc *d);

/* Read path ("-": stdin) whole into d, replacing what it held.  0, or -1
 * with a message naming the file. */
int dq_sql_doc_read(struct dq_sql_doc *d, const char *path);

/* Read path whole as one JSON object into *v.  0, or -1 with a message. */
int dq_sql_doc_json(struct dq_sql_doc *d, const char *path,
                    struct dq_sql_jv *v);

/* The next non-blank line of d, an NDJSON document, as an object into
 * *v; *pos is the offset into the text (0 at the start).  1, 0 at the end
 * (*v nothing), or -1 with a message naming the file and line. */
int dq_sql_doc_next(struct dq_sql_doc *d, size_t *pos, struct dq_sql_jv *v);

/* The number of NUL characters (\u0000 escapes) in the validated JSON
 * text s[0..n); an escaped backslash before "u0000" is not one. */
size_t dq_sql_count_nul(const char *s, size_t n);

#endif
