/*
 * sql.h - SQL text for dq's documents: the values of a JSON document as
 * SQL literals, and rows emitted as upserts for SQLite and PostgreSQL,
 * one at a time or batched into multi-row INSERTs.
 *
 * A worked example, one row into a buffer:
 *
 *	struct dq_sql_row r;
 *	struct dq_buf out = DQ_BUF_INIT;
 *
 *	dq_sql_row_begin(&r, "dq_profile", 1, 0);
 *	dq_sql_row_str(&r, "run_id", "r1");
 *	dq_sql_row_int(&r, "fields", 3);
 *	dq_sql_row_end(&r, &out, NULL);
 *
 * leaves in out
 *
 *	INSERT INTO dq_profile (run_id, fields) VALUES ('r1', 3)
 *	  ON CONFLICT (run_id) DO UPDATE SET fields = excluded.fields;
 *
 * Values are never converted: a JSON number goes into SQL as the text it
 * had, a JSON column holds the document's text made compact.  Nothing here
 * ends the process but an internal error (more than DQ_SQL_MAXCOLS
 * columns in a row).
 */
#ifndef DQ_SQL_H
#define DQ_SQL_H

#include <stddef.h>

#include "base/keyset.h"
#include "base/util.h"

/*
 * A JSON value as the text it has in its document (borrowed from the
 * document), or nothing (type -1).
 */
struct dq_sql_jv {
	const char *s;
	size_t n;
	int type; /* enum dq_json_type, -1 absent */
};

/* Nothing: type -1. */
extern const struct dq_sql_jv dq_sql_jv_none;

/* The member key of the object o, or nothing. */
struct dq_sql_jv dq_sql_jv_get(struct dq_sql_jv o, const char *key);

/* Append the text the value j names to b: a string unescaped, anything
 * else its compact JSON text; nothing and null append nothing. */
void dq_sql_jv_text(struct dq_sql_jv j, struct dq_buf *b);

/*
 * Append the JSON text s[0..n) (validated) to out without white space
 * between tokens and with \u0000 written as \ufffd.  With maxval > 0, a
 * string value (not a key) longer than maxval bytes of JSON text is cut
 * to at most maxval bytes, at a character and escape boundary.  Returns
 * the number of strings cut.
 */
long dq_sql_json_compact(const char *s, size_t n, size_t maxval,
			 struct dq_buf *out);

/* Append s (n bytes, valid UTF-8) to b as an SQL string literal: ' doubled,
 * NUL as U+FFFD, and with cr_as_char (the sqlite3 shell) CR as
 * ' || char(13) || '. */
void dq_sql_literal(struct dq_buf *b, const char *s, size_t n,
		    int cr_as_char);

/* A row being built: column names and their SQL values. */
#define DQ_SQL_MAXCOLS 20
struct dq_sql_row {
	const char *table; /* borrowed, as are the column names */
	int nkey;          /* the first nkey columns are the key */
	int n;
	int cr;            /* literals for the sqlite3 shell (dq_sql_literal) */
	const char *col[DQ_SQL_MAXCOLS];
	int keep[DQ_SQL_MAXCOLS]; /* 1: set on insert, never updated */
	struct dq_buf val[DQ_SQL_MAXCOLS];
};

/* Start a row of table whose first nkey columns are its key; cr as in
 * dq_sql_literal. */
void dq_sql_row_begin(struct dq_sql_row *r, const char *table, int nkey,
		      int cr);
/* A string column; NULL stores SQL NULL. */
void dq_sql_row_str(struct dq_sql_row *r, const char *col, const char *s);
void dq_sql_row_int(struct dq_sql_row *r, const char *col, long long x);
/* A text column: the text j names (dq_sql_jv_text), in full. */
void dq_sql_row_text(struct dq_sql_row *r, const char *col,
		     struct dq_sql_jv j);
/* A column from a JSON value: strings as text, numbers as written,
 * booleans as TRUE/FALSE, anything else (or nothing) as NULL. */
void dq_sql_row_val(struct dq_sql_row *r, const char *col,
		    struct dq_sql_jv j);
/* A JSON column: the value's compact JSON text; NULL for nothing. */
void dq_sql_row_json(struct dq_sql_row *r, const char *col,
		     struct dq_sql_jv j);
/* A JSON column from JSON text t built by the caller. */
void dq_sql_row_json_text(struct dq_sql_row *r, const char *col,
			  const struct dq_buf *t);

/*
 * A key column: the text j names.  A text longer than DQ_SQL_KEY_MAX
 * bytes, or one that starts with DQ_SQL_KEY_HASHED, is stored as
 * DQ_SQL_KEY_HASHED and its XXH3-128 in 32 hex digits (PostgreSQL's btree
 * indexes at most about 2700 bytes of a key); the whole text goes to the
 * column full_col when one is given.
 */
#define DQ_SQL_KEY_MAX 256
#define DQ_SQL_KEY_HASHED "#xxh128:"
void dq_sql_row_key(struct dq_sql_row *r, const char *col, struct dq_sql_jv j,
		    const char *full_col);

/* Append the row to out as one upsert statement (INSERT ... ON CONFLICT
 * (key) DO UPDATE SET col = excluded.col, ...; DO NOTHING when every
 * column is a key or kept).  extra, when given, is appended to the SET
 * list.  The row's values are released. */
void dq_sql_row_end(struct dq_sql_row *r, struct dq_buf *out,
		    const char *extra);

/* Rows going into multi-row INSERTs of up to DQ_SQL_BATCH rows: the open
 * statement's ON CONFLICT clause, its row count, and the keys it holds. */
#define DQ_SQL_BATCH 500
struct dq_sql_batch {
	struct dq_buf tail;
	int n;
	struct dq_keyset keys;
	struct dq_buf key;
};

void dq_sql_batch_init(struct dq_sql_batch *b);
/* Add the row (of the same table and columns as the batch's other rows)
 * to out.  A key already in the open statement closes it first:
 * PostgreSQL will not update one row twice in one statement, and the
 * later row must win, as it would one statement a row. */
void dq_sql_batch_row(struct dq_sql_batch *b, struct dq_sql_row *r,
		      struct dq_buf *out, const char *extra);
/* Close the open statement and release the batch. */
void dq_sql_batch_end(struct dq_sql_batch *b, struct dq_buf *out);

#endif
