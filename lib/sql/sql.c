/*
 * sql.c - SQL text for dq's documents: string literals, JSON made compact,
 * rows emitted as upserts, rows batched into multi-row INSERTs (see
 * sql.h).
 *
 * Upserts: the syntax is the one PostgreSQL 9.5 introduced and SQLite
 * copied in 3.24.0 (https://www.sqlite.org/lang_upsert.html,
 * https://www.postgresql.org/docs/15/sql-insert.html); `excluded` names
 * the proposed row in both.  Rows go up to DQ_SQL_BATCH to an INSERT
 * (parsed far faster than one a row); a key repeated within one starts
 * the next, because PostgreSQL refuses one statement that updates the
 * same row twice.
 *
 * Escaping: values become SQL string literals with single quotes doubled.
 * Backslashes and newlines need nothing in standard SQL strings
 * (standard_conforming_strings on, PostgreSQL's default since 9.1), except
 * that the sqlite3 shell strips a carriage return before each newline it
 * reads, inside literals too, so for it CR is written as
 * `' || char(13) || '`.  NUL cannot be stored in PostgreSQL text (nor in
 * jsonb): it is written as U+FFFD.
 *
 * Long keys: PostgreSQL's btree indexes at most about 2700 bytes of a key
 * row; a key text above DQ_SQL_KEY_MAX bytes is stored as "#xxh128:" and
 * its XXH3-128 (https://xxhash.com/doc/v0.8.2/).
 */
#include "sql/sql.h"

#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#include "base/utf8.h"
#include "stream/json.h"
#include "stream/walk.h"

/*
 * A JSON value as the text it has in its document (borrowed from the
 * document), or nothing (type -1).  dq-sql never converts a value: a
 * number goes into SQL as it was written (a JSON number is an SQL numeric
 * literal), so 1500000000000000001 stays itself.
 */

const struct dq_sql_jv dq_sql_jv_none = { NULL, 0, -1 };

/* The member key of the object o, or nothing. */
struct dq_sql_jv
dq_sql_jv_get(struct dq_sql_jv o, const char *key)
{
	struct dq_member m;
	struct dq_sql_jv v = dq_sql_jv_none;

	if (o.type == DQ_JSON_OBJECT &&
	    dq_walk_find(o.s, o.n, key, strlen(key), &m)) {
		v.s = m.val;
		v.n = m.vallen;
		v.type = m.type;
	}
	return v;
}

/*
 * Append the JSON text s[0..n) (validated) to out without white space
 * between tokens and with \u0000 written as \ufffd.  With maxval > 0, a
 * string value (not a key) longer than maxval bytes of JSON text is cut to
 * at most maxval bytes, at a character and escape boundary.  Returns the
 * number of strings cut.
 */
long
dq_sql_json_compact(const char *s, size_t n, size_t maxval, struct dq_buf *out)
{
	const char *p = s, *e = s + n, *end, *q, *c;
	long cut = 0;
	int esc;
	size_t step, len;

	while (p < e) {
		if (strchr(" \t\r\n", *p)) {
			p++;
			continue;
		}
		if (*p != '"') {
			dq_buf_addch(out, *p++);
			continue;
		}
		esc = 0;
		end = dq_walk_skip_string(p, e, &esc);
		q = end;
		while (q < e && strchr(" \t\r\n", *q))
			q++;
		len = (size_t)(end - p) - 2;
		if (!esc && (!maxval || len <= maxval || (q < e && *q == ':'))) {
			dq_buf_add(out, p, (size_t)(end - p));
			p = end;
			continue;
		}
		if (maxval && len > maxval && !(q < e && *q == ':')) {
			cut++;
			q = p + 1 + maxval;
		} else {
			q = end - 1;
		}
		/* Token by token up to q: an escape, or one character. */
		dq_buf_addch(out, '"');
		for (c = p + 1; c < end - 1; c += step) {
			if (*c == '\\')
				step = c[1] == 'u' ? 6 : 2;
			else
				step = dq_utf8_len((unsigned char)*c);
			if (c + step > q)
				break;
			if (step == 6 && memcmp(c, "\\u0000", 6) == 0)
				dq_buf_addstr(out, "\\ufffd");
			else
				dq_buf_add(out, c, step);
		}
		dq_buf_addch(out, '"');
		p = end;
	}
	return cut;
}

/* Append s (n bytes, valid UTF-8, no NUL) as an SQL string literal. */
void
dq_sql_literal(struct dq_buf *b, const char *s, size_t n, int cr_as_char)
{
	size_t i, start = 0;

	dq_buf_addch(b, '\'');
	for (i = 0; i < n; i++) {
		if (s[i] == '\'') {
			dq_buf_add(b, s + start, i + 1 - start);
			dq_buf_addch(b, '\'');
			start = i + 1;
		} else if (s[i] == '\r' && cr_as_char) {
			dq_buf_add(b, s + start, i - start);
			dq_buf_addstr(b, "' || char(13) || '");
			start = i + 1;
		} else if (s[i] == '\0') {
			/* SQL text cannot hold NUL: U+FFFD (parse_json
			 * warned). */
			dq_buf_add(b, s + start, i - start);
			dq_buf_addstr(b, "\xef\xbf\xbd");
			start = i + 1;
		}
	}
	dq_buf_add(b, s + start, n - start);
	dq_buf_addch(b, '\'');
}

/* A row being built: column names and their SQL values. */

static struct dq_buf *
row_col(struct dq_sql_row *r, const char *col)
{
	struct dq_buf *v;

	if (r->n == DQ_SQL_MAXCOLS)
		dq_die("internal error: too many columns in %s", r->table);
	r->col[r->n] = col;
	r->keep[r->n] = 0;
	v = &r->val[r->n++];
	dq_buf_init(v, 16);
	return v;
}

void
dq_sql_row_begin(struct dq_sql_row *r, const char *table, int nkey, int cr)
{
	r->cr = cr;
	r->table = table;
	r->nkey = nkey;
	r->n = 0;
}

/* A string column; NULL stores SQL NULL. */
void
dq_sql_row_str(struct dq_sql_row *r, const char *col, const char *s)
{
	struct dq_buf *v = row_col(r, col);

	if (s)
		dq_sql_literal(v, s, strlen(s), r->cr);
	else
		dq_buf_addstr(v, "NULL");
}

void
dq_sql_row_int(struct dq_sql_row *r, const char *col, long long x)
{
	dq_buf_add_int(row_col(r, col), x);
}

/* The text a JSON value names: a string unescaped, anything else (a
 * number as written, a group's values) its compact JSON text; nothing and
 * null are "".  Appended to b. */
void
dq_sql_jv_text(struct dq_sql_jv j, struct dq_buf *b)
{
	if (j.type == DQ_JSON_STRING)
		dq_json_unescape(j.s, j.n, b);
	else if (j.type >= 0 && j.type != DQ_JSON_NULL)
		dq_sql_json_compact(j.s, j.n, 0, b);
}

/* A text column: the text the value names (jv_text), in full. */
void
dq_sql_row_text(struct dq_sql_row *r, const char *col, struct dq_sql_jv j)
{
	struct dq_buf t = DQ_BUF_INIT;

	dq_sql_jv_text(j, &t);
	dq_sql_literal(row_col(r, col), t.buf, t.len, r->cr);
	dq_buf_release(&t);
}

/* A column from a JSON value: strings as text, numbers as written,
 * booleans as TRUE/FALSE, anything else (or nothing) as NULL. */
void
dq_sql_row_val(struct dq_sql_row *r, const char *col, struct dq_sql_jv j)
{
	struct dq_buf *v = row_col(r, col), t = DQ_BUF_INIT;

	switch (j.type) {
	case DQ_JSON_STRING:
		dq_json_unescape(j.s, j.n, &t);
		dq_sql_literal(v, t.buf, t.len, r->cr);
		dq_buf_release(&t);
		break;
	case DQ_JSON_NUMBER:
		dq_buf_add(v, j.s, j.n);
		break;
	case DQ_JSON_TRUE:
		dq_buf_addstr(v, "TRUE");
		break;
	case DQ_JSON_FALSE:
		dq_buf_addstr(v, "FALSE");
		break;
	default:
		dq_buf_addstr(v, "NULL");
	}
}

/* A JSON column: the value's compact JSON text; NULL for nothing. */
void
dq_sql_row_json(struct dq_sql_row *r, const char *col, struct dq_sql_jv j)
{
	struct dq_buf *v = row_col(r, col), t = DQ_BUF_INIT;

	if (j.type < 0) {
		dq_buf_addstr(v, "NULL");
		return;
	}
	dq_sql_json_compact(j.s, j.n, 0, &t);
	dq_sql_literal(v, t.buf, t.len, r->cr);
	dq_buf_release(&t);
}

/* A JSON column from JSON text built here. */
void
dq_sql_row_json_text(struct dq_sql_row *r, const char *col, const struct dq_buf *t)
{
	dq_sql_literal(row_col(r, col), t->buf, t->len, r->cr);
}

/*
 * A key column: the text the value names (jv_text).  PostgreSQL indexes
 * at most about 2700 bytes of a row's key (a btree page's third), so a key
 * text longer than DQ_SQL_KEY_MAX bytes, or one that looks like such a hash, is
 * stored as "#xxh128:" and the XXH3-128 of the text in 32 hex digits; the
 * whole text goes to the column full_col when one is given.
 */
void
dq_sql_row_key(struct dq_sql_row *r, const char *col, struct dq_sql_jv j, const char *full_col)
{
	struct dq_buf t = DQ_BUF_INIT, *v = row_col(r, col);
	XXH128_hash_t h;
	char hex[40];

	dq_sql_jv_text(j, &t);
	if (t.len > DQ_SQL_KEY_MAX ||
	    (t.len >= 8 && memcmp(t.buf, DQ_SQL_KEY_HASHED, 8) == 0)) {
		h = XXH3_128bits(t.buf, t.len);
		snprintf(hex, sizeof(hex), "%016llx%016llx",
			 (unsigned long long)h.high64,
			 (unsigned long long)h.low64);
		dq_buf_addch(v, '\'');
		dq_buf_addstr(v, DQ_SQL_KEY_HASHED);
		dq_buf_addstr(v, hex);
		dq_buf_addch(v, '\'');
	} else {
		dq_sql_literal(v, t.buf, t.len, r->cr);
	}
	if (full_col)
		dq_sql_literal(row_col(r, full_col), t.buf, t.len, r->cr);
	dq_buf_release(&t);
}

/*
 * Emit the row as an upsert.  extra, when given, is appended to the SET
 * list (an update that is not a plain copy of the new value).  With
 * *batch non-NULL the row joins the open multi-row INSERT of the same
 * table (up to DQ_SQL_BATCH rows), which SQLite and PostgreSQL parse far faster
 * than one statement a row; the caller must know that the rows' keys are
 * distinct (PostgreSQL refuses one statement that updates a row twice) and
 * close the batch with dq_sql_row_flush().  *batch keeps the ON CONFLICT clause.
 */
static void
dq_sql_row_emit(struct dq_sql_row *r, struct dq_buf *out, const char *extra,
	 struct dq_buf *tail, int *inbatch)
{
	int i, sets = 0;

	if (inbatch && *inbatch) {
		dq_buf_addstr(out, ",\n  (");
	} else {
		dq_buf_addstr(out, "INSERT INTO ");
		dq_buf_addstr(out, r->table);
		dq_buf_addstr(out, " (");
		for (i = 0; i < r->n; i++) {
			if (i)
				dq_buf_addstr(out, ", ");
			dq_buf_addstr(out, r->col[i]);
		}
		dq_buf_addstr(out, ") VALUES (");
	}
	for (i = 0; i < r->n; i++) {
		if (i)
			dq_buf_addstr(out, ", ");
		dq_buf_add(out, r->val[i].buf, r->val[i].len);
		dq_buf_release(&r->val[i]);
	}
	dq_buf_addch(out, ')');

	dq_buf_reset(tail);
	dq_buf_addstr(tail, "\n  ON CONFLICT (");
	for (i = 0; i < r->nkey; i++) {
		if (i)
			dq_buf_addstr(tail, ", ");
		dq_buf_addstr(tail, r->col[i]);
	}
	dq_buf_addstr(tail, ") DO ");
	for (i = r->nkey; i < r->n; i++) {
		if (r->keep[i])
			continue;
		dq_buf_addstr(tail, sets++ ? ", " : "UPDATE SET ");
		dq_buf_addstr(tail, r->col[i]);
		dq_buf_addstr(tail, " = excluded.");
		dq_buf_addstr(tail, r->col[i]);
	}
	if (extra) {
		dq_buf_addstr(tail, sets++ ? ", " : "UPDATE SET ");
		dq_buf_addstr(tail, extra);
	}
	if (!sets)
		dq_buf_addstr(tail, "NOTHING");
	dq_buf_addstr(tail, ";\n");

	if (inbatch && ++*inbatch < DQ_SQL_BATCH)
		return;
	dq_buf_add(out, tail->buf, tail->len);
	if (inbatch)
		*inbatch = 0;
}

/* Close an open batch of rows. */
static void
dq_sql_row_flush(struct dq_buf *out, struct dq_buf *tail, int *inbatch)
{
	if (*inbatch)
		dq_buf_add(out, tail->buf, tail->len);
	*inbatch = 0;
}

void
dq_sql_row_end(struct dq_sql_row *r, struct dq_buf *out, const char *extra)
{
	struct dq_buf tail = DQ_BUF_INIT;

	dq_sql_row_emit(r, out, extra, &tail, NULL);
	dq_buf_release(&tail);
}

/* Rows going into multi-row INSERTs: the open statement's ON CONFLICT
 * clause, its row count, and the keys it holds. */

void
dq_sql_batch_init(struct dq_sql_batch *b)
{
	dq_buf_init(&b->tail, 256);
	dq_buf_init(&b->key, 64);
	dq_keyset_init(&b->keys);
	b->n = 0;
}

/* Add the row to the batch.  A key already in the open statement closes
 * it first: PostgreSQL will not update one row twice in one statement,
 * and the later row must win, as it would one statement a row. */
void
dq_sql_batch_row(struct dq_sql_batch *b, struct dq_sql_row *r, struct dq_buf *out,
	  const char *extra)
{
	int i;

	dq_buf_reset(&b->key);
	for (i = 0; i < r->nkey; i++) {
		/* The values are SQL literals: ',' cannot blur two keys. */
		dq_buf_add(&b->key, r->val[i].buf, r->val[i].len);
		dq_buf_addch(&b->key, ',');
	}
	if (b->n && !dq_keyset_add(&b->keys, b->key.buf, b->key.len))
		dq_sql_row_flush(out, &b->tail, &b->n);
	if (!b->n) {
		dq_keyset_release(&b->keys);
		dq_keyset_init(&b->keys);
		dq_keyset_add(&b->keys, b->key.buf, b->key.len);
	}
	dq_sql_row_emit(r, out, extra, &b->tail, &b->n);
}

void
dq_sql_batch_end(struct dq_sql_batch *b, struct dq_buf *out)
{
	dq_sql_row_flush(out, &b->tail, &b->n);
	dq_buf_release(&b->tail);
	dq_buf_release(&b->key);
	dq_keyset_release(&b->keys);
}
