/*
 * dq-sql - turn dq documents into SQL upserts for SQLite and PostgreSQL.
 *
 * The story: parse options, read every named document (a dq-validate
 * summary, its violations file, a dq-profile document, dq-merge's golden
 * records and id map), check that each is strict JSON (lib/stream/json.c) without
 * NUL characters, then build one transaction of
 * `INSERT ... ON CONFLICT (key) DO UPDATE SET col = excluded.col` statements
 * into one of two schemas, and write it to stdout only when all of it was
 * built, so an error leaves nothing half-written for sqlite3 or psql.
 *
 * Upserts: the syntax is the one PostgreSQL 9.5 introduced and SQLite
 * copied in 3.24.0 (https://www.sqlite.org/lang_upsert.html,
 * https://www.postgresql.org/docs/15/sql-insert.html); `excluded` names
 * the proposed row in both.  Rows of a file go up to 500 to an INSERT
 * (parsed far faster than one a row); a key repeated within one starts
 * the next, because PostgreSQL refuses one statement that updates the same
 * row twice.
 *
 * Replay: every key is derived from the input, never from the clock: a
 * monitoring file's id is a hash of agency and file name, a run's id a hash
 * of those plus run date and hour (XXH3-64, 16 hex digits), a violation row
 * is numbered by its place in the violations file.  Rows of the run that a
 * shorter replay no longer produces are deleted, and the file's latest score
 * is recomputed from the stored runs (the latest run date and hour wins),
 * so loading the same documents again leaves exactly the same rows, and
 * loading older runs later does not move "latest" backwards.
 *
 * Escaping: values become SQL string literals with single quotes doubled.
 * Backslashes and newlines need nothing in standard SQL strings (the
 * postgres dialect sets standard_conforming_strings on, the default since
 * PostgreSQL 9.1), except that the sqlite3 shell strips a carriage return
 * before each newline it reads, inside literals too (its line reader allows
 * CRLF scripts), so the sqlite dialect writes CR as `' || char(13) || '`.
 * NUL cannot be stored in PostgreSQL text, so a document
 * holding "\u0000" (or a raw NUL byte) is an error.  Documents must be
 * valid UTF-8, which PostgreSQL also requires.
 *
 * Limits: the SQL is built in memory before it is written (about twice the
 * size of the documents); JSON columns store values as cJSON reprints them
 * (numbers are doubles), except the profile payload, which is stored as
 * written.  docs/sql.md describes the schemas.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include <cjson/cJSON.h>

#include "base/keyset.h"
#include "base/util.h"
#include "cli/opt.h"
#include "cli/run.h"
#include "norm/text.h"
#include "stream/json.h"
#include "stream/out.h"

static const char usage_text[] =
	"usage: dq-sql [--schema monitoring|generic]\n"
	"              [--dialect sqlite|postgres] [--create]\n"
	"              [DOCUMENT OPTIONS] [IDENTITY OPTIONS]\n"
	"\n"
	"Turn dq documents into SQL upserts (INSERT ... ON CONFLICT ... DO\n"
	"UPDATE) in one transaction, for `sqlite3 FILE` or `psql URL`.\n"
	"Loading the same documents again leaves exactly the same rows.\n"
	"See dq-sql(1) and docs/sql.md for the schemas.\n"
	"\n"
	"Options:\n"
	"      --schema S        monitoring or generic (default generic)\n"
	"      --dialect D       sqlite (default) or postgres: JSON columns\n"
	"                        are TEXT or JSONB; sqlite writes CR as\n"
	"                        char(13)\n"
	"      --create          first CREATE TABLE IF NOT EXISTS the schema\n"
	"      --no-transaction  leave out BEGIN and COMMIT\n"
	"\n"
	"Documents (each optional):\n"
	"      --summary FILE    a dq-validate run summary (--summary)\n"
	"      --violations FILE dq-validate's violations file (NDJSON)\n"
	"      --profile FILE    a dq-profile document\n"
	"      --golden FILE     dq-merge golden records (generic schema)\n"
	"      --id-map FILE     dq-merge id map (generic schema)\n"
	"      --max-violations N  store at most N violation rows per run\n"
	"                        (monitoring schema; default 1000, 0 = all)\n"
	"\n"
	"Monitoring schema (all four required):\n"
	"      --agency SLUG     the agency that sent the file\n"
	"      --file NAME       the file's name (the object key after SLUG/)\n"
	"      --run-date DATE   YYYY-MM-DD\n"
	"      --run-hour H      0-23\n"
	"      --file-size N     bytes (optional)\n"
	"      --last-modified T when the file was written (optional, text)\n"
	"\n"
	"Generic schema:\n"
	"      --run-id ID       the run (default: the summary's run_id)\n"
	"      --source NAME     where the data came from (optional)\n"
	"      --entity NAME     the kind of record (default records)\n"
	"\n"
	"  -h, --help            this text\n"
	"  -V, --version         print the version\n"
	"\n"
	"Exit status: 0 the SQL was written; 2 a usage error, an unreadable\n"
	"or invalid document, a string holding NUL, or a write error.\n";

enum {
	O_AGENCY = 1000,
	O_CREATE,
	O_DIALECT,
	O_ENTITY,
	O_FILE,
	O_FILE_SIZE,
	O_GOLDEN,
	O_ID_MAP,
	O_LAST_MODIFIED,
	O_MAX_VIOLATIONS,
	O_NO_TRANSACTION,
	O_PROFILE,
	O_RUN_DATE,
	O_RUN_HOUR,
	O_RUN_ID,
	O_SCHEMA,
	O_SOURCE,
	O_SUMMARY,
	O_VIOLATIONS
};

static const struct option longopts[] = {
	{ "agency", required_argument, NULL, O_AGENCY },
	{ "create", no_argument, NULL, O_CREATE },
	{ "dialect", required_argument, NULL, O_DIALECT },
	{ "entity", required_argument, NULL, O_ENTITY },
	{ "file", required_argument, NULL, O_FILE },
	{ "file-size", required_argument, NULL, O_FILE_SIZE },
	{ "golden", required_argument, NULL, O_GOLDEN },
	{ "help", no_argument, NULL, 'h' },
	{ "id-map", required_argument, NULL, O_ID_MAP },
	{ "last-modified", required_argument, NULL, O_LAST_MODIFIED },
	{ "max-violations", required_argument, NULL, O_MAX_VIOLATIONS },
	{ "no-transaction", no_argument, NULL, O_NO_TRANSACTION },
	{ "profile", required_argument, NULL, O_PROFILE },
	{ "run-date", required_argument, NULL, O_RUN_DATE },
	{ "run-hour", required_argument, NULL, O_RUN_HOUR },
	{ "run-id", required_argument, NULL, O_RUN_ID },
	{ "schema", required_argument, NULL, O_SCHEMA },
	{ "source", required_argument, NULL, O_SOURCE },
	{ "summary", required_argument, NULL, O_SUMMARY },
	{ "version", no_argument, NULL, 'V' },
	{ "violations", required_argument, NULL, O_VIOLATIONS },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	int monitoring, postgres, create, transaction;
	const char *summary, *violations, *profile, *golden, *id_map;
	long long max_violations;
	const char *agency, *file, *run_date, *last_modified;
	long long run_hour, file_size;
	const char *run_id, *source, *entity;
};

/* The tables of both schemas; @JSON@ becomes the dialect's JSON type.
 * Types are those both engines understand: SQLite maps TEXT, INTEGER,
 * BIGINT and BOOLEAN to its affinities, PostgreSQL takes them as written. */
static const char monitoring_ddl[] =
	"CREATE TABLE IF NOT EXISTS monitoring_file (\n"
	"  id TEXT PRIMARY KEY,\n"
	"  agency_slug TEXT NOT NULL,\n"
	"  file_name TEXT NOT NULL,\n"
	"  latest_data_quality_score INTEGER,\n"
	"  latest_run_id TEXT,\n"
	"  UNIQUE (agency_slug, file_name)\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS monitoring_file_run (\n"
	"  id TEXT PRIMARY KEY,\n"
	"  monitoring_file_id TEXT NOT NULL REFERENCES monitoring_file (id),\n"
	"  run_date TEXT NOT NULL,\n"
	"  run_hour INTEGER NOT NULL CHECK (run_hour BETWEEN 0 AND 23),\n"
	"  file_size BIGINT,\n"
	"  file_last_modified TEXT,\n"
	"  contract_version TEXT,\n"
	"  records_in BIGINT,\n"
	"  records_rejected BIGINT,\n"
	"  UNIQUE (monitoring_file_id, run_date, run_hour)\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS monitoring_file_data_quality (\n"
	"  monitoring_file_run_id TEXT PRIMARY KEY\n"
	"    REFERENCES monitoring_file_run (id),\n"
	"  score INTEGER NOT NULL,\n"
	"  passed BOOLEAN NOT NULL,\n"
	"  pass_mark INTEGER,\n"
	"  metrics @JSON@,\n"
	"  deductions @JSON@,\n"
	"  violations @JSON@,\n"
	"  failed_validation_message TEXT,\n"
	"  failed_validation_rules @JSON@\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS monitoring_file_failed_validation (\n"
	"  monitoring_file_run_id TEXT NOT NULL\n"
	"    REFERENCES monitoring_file_run (id),\n"
	"  seq INTEGER NOT NULL,\n"
	"  record_id TEXT,\n"
	"  line BIGINT,\n"
	"  rule_code TEXT NOT NULL,\n"
	"  severity TEXT,\n"
	"  category TEXT,\n"
	"  field TEXT,\n"
	"  value @JSON@,\n"
	"  message TEXT,\n"
	"  hint TEXT,\n"
	"  PRIMARY KEY (monitoring_file_run_id, seq)\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS monitoring_file_data_profile (\n"
	"  monitoring_file_run_id TEXT PRIMARY KEY\n"
	"    REFERENCES monitoring_file_run (id),\n"
	"  rows_profiled BIGINT,\n"
	"  fields INTEGER,\n"
	"  payload @JSON@ NOT NULL\n"
	");\n";

static const char generic_ddl[] =
	"CREATE TABLE IF NOT EXISTS dq_run (\n"
	"  id TEXT PRIMARY KEY,\n"
	"  source TEXT,\n"
	"  entity TEXT NOT NULL,\n"
	"  tool TEXT,\n"
	"  status TEXT NOT NULL,\n"
	"  started_at TEXT,\n"
	"  ended_at TEXT,\n"
	"  duration_ms BIGINT,\n"
	"  records_in BIGINT,\n"
	"  records_out BIGINT,\n"
	"  records_quarantined BIGINT,\n"
	"  records_rejected BIGINT,\n"
	"  score INTEGER,\n"
	"  passed BOOLEAN,\n"
	"  contract_version TEXT,\n"
	"  summary @JSON@\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS dq_violation (\n"
	"  entity TEXT NOT NULL,\n"
	"  record_key TEXT NOT NULL,\n"
	"  rule_code TEXT NOT NULL,\n"
	"  field TEXT NOT NULL,\n"
	"  run_id TEXT NOT NULL,\n"
	"  first_run_id TEXT NOT NULL,\n"
	"  severity TEXT NOT NULL,\n"
	"  details @JSON@,\n"
	"  status TEXT NOT NULL DEFAULT 'open'\n"
	"    CHECK (status IN ('open', 'fixed', 'suppressed')),\n"
	"  PRIMARY KEY (entity, record_key, rule_code, field)\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS dq_profile (\n"
	"  run_id TEXT PRIMARY KEY,\n"
	"  entity TEXT NOT NULL,\n"
	"  rows_profiled BIGINT,\n"
	"  fields INTEGER,\n"
	"  payload @JSON@ NOT NULL\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS dq_golden_record (\n"
	"  entity TEXT NOT NULL,\n"
	"  cluster_id TEXT NOT NULL,\n"
	"  run_id TEXT NOT NULL,\n"
	"  record @JSON@ NOT NULL,\n"
	"  members @JSON@,\n"
	"  provenance @JSON@,\n"
	"  PRIMARY KEY (entity, cluster_id)\n"
	");\n"
	"CREATE TABLE IF NOT EXISTS dq_id_map (\n"
	"  entity TEXT NOT NULL,\n"
	"  record_id TEXT NOT NULL,\n"
	"  cluster_id TEXT NOT NULL,\n"
	"  run_id TEXT NOT NULL,\n"
	"  PRIMARY KEY (entity, record_id)\n"
	");\n";

static void __attribute__((noreturn))
usage_exit(void)
{
	fprintf(stderr, "%s: try --help\n", dq_progname);
	exit(2);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dq_verror(NULL, fmt, ap);
	va_end(ap);
	usage_exit();
}

/* A document file read whole, and the place being read (for messages). */
struct doc {
	const char *path;
	struct dq_buf text;
	unsigned long line;
};

static void
doc_read(struct doc *d, const char *path)
{
	char chunk[65536];
	ssize_t n;
	int fd;

	d->path = path;
	d->line = 0;
	dq_buf_init(&d->text, 0);
	fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
	if (fd < 0)
		dq_die("%s: %s", path, strerror(errno));
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			dq_die("%s: read error: %s", path, strerror(errno));
		}
		dq_buf_add(&d->text, chunk, (size_t)n);
	}
	if (fd)
		close(fd);
}

/*
 * 1 if the JSON text s (already validated) holds a NUL: a raw byte, or a
 * \u0000 escape inside a string.  An escaped backslash is skipped whole so
 * that "\\u0000" (a backslash and "u0000") is not mistaken for one.
 */
static int
has_nul(const char *s, size_t n)
{
	size_t i;
	int in_str = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\0')
			return 1;
		if (s[i] == '"') {
			in_str = !in_str;
		} else if (in_str && s[i] == '\\' && i + 1 < n) {
			if (s[i + 1] == 'u' && i + 5 < n &&
			    memcmp(s + i + 2, "0000", 4) == 0)
				return 1;
			i++;
		}
	}
	return 0;
}

/* Check and parse one JSON text (a whole document or one NDJSON line);
 * dies naming the file and line on anything SQL cannot take. */
static cJSON *
parse_json(const struct doc *d, const char *s, size_t n, int want_object)
{
	struct dq_json_error err;
	const char *end;
	cJSON *j;
	int type;

	type = dq_json_validate(s, n, &err);
	if (type < 0)
		dq_die("%s:%lu: not valid JSON: %s at byte %zu", d->path,
		       d->line, err.reason, err.offset);
	if (has_nul(s, n))
		dq_die("%s:%lu: a string holds NUL (\\u0000), which SQL text "
		       "cannot store", d->path, d->line);
	j = cJSON_ParseWithLengthOpts(s, n, &end, 0);
	if (!j)
		dq_die("out of memory");
	if (want_object && !cJSON_IsObject(j))
		dq_die("%s:%lu: not a JSON object", d->path, d->line);
	return j;
}

/* The next non-blank line of an NDJSON document as a parsed object, or
 * NULL at the end.  *pos is the offset into the text. */
static cJSON *
next_line(struct doc *d, size_t *pos)
{
	const char *s = d->text.buf, *nl;
	size_t start, len;

	while (*pos < d->text.len) {
		start = *pos;
		nl = memchr(s + start, '\n', d->text.len - start);
		len = nl ? (size_t)(nl - (s + start)) : d->text.len - start;
		*pos = start + len + (nl != NULL);
		d->line++;
		if (len && s[start + len - 1] == '\r')
			len--;
		if (strspn(s + start, " \t") >= len)
			continue;
		return parse_json(d, s + start, len, 1);
	}
	return NULL;
}

/* --- SQL values ------------------------------------------------------ */

/* The sqlite3 shell drops a carriage return at the end of each line it
 * reads, even inside a string literal; for it CR is written as char(13). */
static int cr_as_char;

/* Append s (n bytes, valid UTF-8, no NUL) as an SQL string literal. */
static void
add_literal(struct dq_buf *b, const char *s, size_t n)
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
		}
	}
	dq_buf_add(b, s + start, n - start);
	dq_buf_addch(b, '\'');
}

/* A row being built: column names and their SQL values. */
#define MAXCOLS 20
struct row {
	const char *table;
	int nkey;                 /* the first nkey columns are the key */
	int n;
	const char *col[MAXCOLS];
	int keep[MAXCOLS];        /* 1: set on insert, never updated */
	struct dq_buf val[MAXCOLS];
};

static struct dq_buf *
row_col(struct row *r, const char *col)
{
	struct dq_buf *v;

	if (r->n == MAXCOLS)
		dq_die("internal error: too many columns in %s", r->table);
	r->col[r->n] = col;
	r->keep[r->n] = 0;
	v = &r->val[r->n++];
	dq_buf_init(v, 16);
	return v;
}

static void
row_begin(struct row *r, const char *table, int nkey)
{
	r->table = table;
	r->nkey = nkey;
	r->n = 0;
}

/* A string column; NULL stores SQL NULL. */
static void
row_str(struct row *r, const char *col, const char *s)
{
	struct dq_buf *v = row_col(r, col);

	if (s)
		add_literal(v, s, strlen(s));
	else
		dq_buf_addstr(v, "NULL");
}

static void
row_int(struct row *r, const char *col, long long x)
{
	dq_buf_add_int(row_col(r, col), x);
}

/* A column from a JSON value: strings as text, whole numbers as integers,
 * booleans as TRUE/FALSE, anything else (or nothing) as NULL. */
static void
row_val(struct row *r, const char *col, const cJSON *j)
{
	struct dq_buf *v;

	if (cJSON_IsString(j)) {
		row_str(r, col, j->valuestring);
		return;
	}
	v = row_col(r, col);
	/* Whole numbers within 2^53 print as integers; the range test comes
	 * first, as converting a larger double to long long is undefined. */
	if (cJSON_IsNumber(j) && fabs(j->valuedouble) <= 9007199254740992.0 &&
	    j->valuedouble == (double)(long long)j->valuedouble)
		dq_buf_add_int(v, (long long)j->valuedouble);
	else if (cJSON_IsNumber(j))
		dq_buf_addf(v, "%.17g", j->valuedouble);
	else if (cJSON_IsBool(j))
		dq_buf_addstr(v, cJSON_IsTrue(j) ? "TRUE" : "FALSE");
	else
		dq_buf_addstr(v, "NULL");
}

/* A JSON column: the value's compact JSON text; NULL for nothing. */
static void
row_json(struct row *r, const char *col, const cJSON *j)
{
	struct dq_buf *v = row_col(r, col);
	char *s;

	if (!j) {
		dq_buf_addstr(v, "NULL");
		return;
	}
	s = cJSON_PrintUnformatted(j);
	if (!s)
		dq_die("out of memory");
	add_literal(v, s, strlen(s));
	cJSON_free(s);
}

/* A key column from a JSON value that names something: strings as they
 * are, other values as their JSON text, nothing as "". */
static void
row_key(struct row *r, const char *col, const cJSON *j)
{
	char *s;

	if (cJSON_IsString(j)) {
		row_str(r, col, j->valuestring);
	} else if (!j || cJSON_IsNull(j)) {
		row_str(r, col, "");
	} else {
		s = cJSON_PrintUnformatted(j);
		if (!s)
			dq_die("out of memory");
		row_str(r, col, s);
		cJSON_free(s);
	}
}

/*
 * Emit the row as an upsert.  extra, when given, is appended to the SET
 * list (an update that is not a plain copy of the new value).  With
 * *batch non-NULL the row joins the open multi-row INSERT of the same
 * table (up to BATCH rows), which SQLite and PostgreSQL parse far faster
 * than one statement a row; the caller must know that the rows' keys are
 * distinct (PostgreSQL refuses one statement that updates a row twice) and
 * close the batch with row_flush().  *batch keeps the ON CONFLICT clause.
 */
#define BATCH 500
static void
row_emit(struct row *r, struct dq_buf *out, const char *extra,
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

	if (inbatch && ++*inbatch < BATCH)
		return;
	dq_buf_add(out, tail->buf, tail->len);
	if (inbatch)
		*inbatch = 0;
}

/* Close an open batch of rows. */
static void
row_flush(struct dq_buf *out, struct dq_buf *tail, int *inbatch)
{
	if (*inbatch)
		dq_buf_add(out, tail->buf, tail->len);
	*inbatch = 0;
}

static void
row_end(struct row *r, struct dq_buf *out, const char *extra)
{
	struct dq_buf tail = DQ_BUF_INIT;

	row_emit(r, out, extra, &tail, NULL);
	dq_buf_release(&tail);
}

/* Rows going into multi-row INSERTs: the open statement's ON CONFLICT
 * clause, its row count, and the keys it holds. */
struct batch {
	struct dq_buf tail;
	int n;
	struct dq_keyset keys;
	struct dq_buf key;
};

static void
batch_init(struct batch *b)
{
	dq_buf_init(&b->tail, 256);
	dq_buf_init(&b->key, 64);
	dq_keyset_init(&b->keys);
	b->n = 0;
}

/* Add the row to the batch.  A key already in the open statement closes
 * it first: PostgreSQL will not update one row twice in one statement,
 * and the later row must win, as it would one statement a row. */
static void
batch_row(struct batch *b, struct row *r, struct dq_buf *out,
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
		row_flush(out, &b->tail, &b->n);
	if (!b->n) {
		dq_keyset_release(&b->keys);
		dq_keyset_init(&b->keys);
		dq_keyset_add(&b->keys, b->key.buf, b->key.len);
	}
	row_emit(r, out, extra, &b->tail, &b->n);
}

static void
batch_end(struct batch *b, struct dq_buf *out)
{
	row_flush(out, &b->tail, &b->n);
	dq_buf_release(&b->tail);
	dq_buf_release(&b->key);
	dq_keyset_release(&b->keys);
}

/* --- the monitoring schema ------------------------------------------ */

static void
hash_id(char *out, size_t n, const char *prefix, const char *const *parts,
	int nparts)
{
	XXH3_state_t *st = XXH3_createState();
	int i;

	if (!st)
		dq_die("out of memory");
	XXH3_64bits_reset(st);
	/* NUL separates the parts: none of them (command-line text) can
	 * hold one, so different lists never hash the same text. */
	for (i = 0; i < nparts; i++)
		XXH3_64bits_update(st, parts[i], strlen(parts[i]) + 1);
	snprintf(out, n, "%s%016llx", prefix,
		 (unsigned long long)XXH3_64bits_digest(st));
	XXH3_freeState(st);
}

/* failed_validation_rules and _message from the summary's rules. */
static void
failed_rules(const cJSON *summary, cJSON **rules_out, char **msg_out)
{
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(summary,
							      "rules");
	const cJSON *r;
	static const char *const keep[] = { "code", "field", "severity",
		"category", "checked", "failures", "rate", "tolerance" };
	struct dq_buf msg = DQ_BUF_INIT;
	cJSON *list = cJSON_CreateArray(), *o;
	int checks = 0, failed = 0;
	size_t k;

	cJSON_ArrayForEach(r, rules) {
		const cJSON *f;

		checks++;
		if (!cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(r,
								    "passed")))
			continue;
		failed++;
		o = cJSON_CreateObject();
		for (k = 0; k < sizeof(keep) / sizeof(keep[0]); k++) {
			f = cJSON_GetObjectItemCaseSensitive(r, keep[k]);
			if (f)
				cJSON_AddItemToObject(o, keep[k],
						      cJSON_Duplicate(f, 1));
		}
		cJSON_AddItemToArray(list, o);
		f = cJSON_GetObjectItemCaseSensitive(r, "code");
		dq_buf_addf(&msg, "%s%s", failed > 1 ? "; " : "",
			    cJSON_IsString(f) ? f->valuestring : "?");
		f = cJSON_GetObjectItemCaseSensitive(r, "field");
		if (cJSON_IsString(f))
			dq_buf_addf(&msg, " %s", f->valuestring);
		f = cJSON_GetObjectItemCaseSensitive(r, "failures");
		if (cJSON_IsNumber(f)) {
			dq_buf_addf(&msg, ": %.0f", f->valuedouble);
			f = cJSON_GetObjectItemCaseSensitive(r, "checked");
			if (cJSON_IsNumber(f))
				dq_buf_addf(&msg, " of %.0f", f->valuedouble);
		}
	}
	*rules_out = list;
	*msg_out = NULL;
	if (failed) {
		struct dq_buf m = DQ_BUF_INIT;

		dq_buf_addf(&m, "%d of %d checks failed: %s", failed, checks,
			    msg.buf);
		*msg_out = dq_buf_detach(&m, NULL);
	}
	dq_buf_release(&msg);
}

static void
monitoring(const struct opts *o, struct dq_buf *out)
{
	char file_id[40], run_id[40], hour[8];
	const char *parts[4];
	struct row r;
	cJSON *summary = NULL, *profile = NULL, *counts = NULL;
	struct doc d;

	snprintf(hour, sizeof(hour), "%lld", o->run_hour);
	parts[0] = o->agency;
	parts[1] = o->file;
	parts[2] = o->run_date;
	parts[3] = hour;
	hash_id(file_id, sizeof(file_id), "mf-", parts, 2);
	hash_id(run_id, sizeof(run_id), "mfr-", parts, 4);

	if (o->summary) {
		doc_read(&d, o->summary);
		d.line = 1;
		summary = parse_json(&d, d.text.buf, d.text.len, 1);
		dq_buf_release(&d.text);
		counts = cJSON_GetObjectItemCaseSensitive(summary, "counts");
	}

	row_begin(&r, "monitoring_file", 1);
	row_str(&r, "id", file_id);
	row_str(&r, "agency_slug", o->agency);
	row_str(&r, "file_name", o->file);
	row_end(&r, out, NULL);

	row_begin(&r, "monitoring_file_run", 1);
	row_str(&r, "id", run_id);
	row_str(&r, "monitoring_file_id", file_id);
	row_str(&r, "run_date", o->run_date);
	row_int(&r, "run_hour", o->run_hour);
	if (o->file_size >= 0)
		row_int(&r, "file_size", o->file_size);
	else
		row_str(&r, "file_size", NULL);
	row_str(&r, "file_last_modified", o->last_modified);
	row_val(&r, "contract_version",
		cJSON_GetObjectItemCaseSensitive(summary, "contract_version"));
	row_val(&r, "records_in", cJSON_GetObjectItemCaseSensitive(counts,
								    "in"));
	row_val(&r, "records_rejected",
		cJSON_GetObjectItemCaseSensitive(counts, "rejected"));
	row_end(&r, out, NULL);

	if (summary) {
		const cJSON *score, *passed;
		cJSON *rules;
		char *msg;

		score = cJSON_GetObjectItemCaseSensitive(summary, "score");
		passed = cJSON_GetObjectItemCaseSensitive(summary, "passed");
		if (!cJSON_IsNumber(score) || !cJSON_IsBool(passed))
			dq_die("%s: not a dq-validate summary (no score or "
			       "passed)", o->summary);
		failed_rules(summary, &rules, &msg);
		row_begin(&r, "monitoring_file_data_quality", 1);
		row_str(&r, "monitoring_file_run_id", run_id);
		row_val(&r, "score", score);
		row_val(&r, "passed", passed);
		row_val(&r, "pass_mark",
			cJSON_GetObjectItemCaseSensitive(summary, "pass_mark"));
		row_json(&r, "metrics",
			 cJSON_GetObjectItemCaseSensitive(summary, "metrics"));
		row_json(&r, "deductions",
			 cJSON_GetObjectItemCaseSensitive(summary,
							  "deductions"));
		row_json(&r, "violations",
			 cJSON_GetObjectItemCaseSensitive(summary,
							  "violations"));
		row_str(&r, "failed_validation_message", msg);
		row_json(&r, "failed_validation_rules", rules);
		row_end(&r, out, NULL);
		cJSON_Delete(rules);
		free(msg);
	}

	if (o->violations) {
		struct batch b;
		long long seq = 0;
		size_t pos = 0;
		cJSON *v;

		batch_init(&b);

		doc_read(&d, o->violations);
		while ((v = next_line(&d, &pos)) != NULL) {
			if (o->max_violations && seq >= o->max_violations) {
				cJSON_Delete(v);
				continue;
			}
			row_begin(&r, "monitoring_file_failed_validation", 2);
			row_str(&r, "monitoring_file_run_id", run_id);
			row_int(&r, "seq", ++seq);
			row_key(&r, "record_id",
				cJSON_GetObjectItemCaseSensitive(v,
								 "record_id"));
			row_val(&r, "line",
				cJSON_GetObjectItemCaseSensitive(v, "line"));
			row_key(&r, "rule_code",
				cJSON_GetObjectItemCaseSensitive(v, "code"));
			row_val(&r, "severity",
				cJSON_GetObjectItemCaseSensitive(v,
								 "severity"));
			row_val(&r, "category",
				cJSON_GetObjectItemCaseSensitive(v,
								 "category"));
			row_val(&r, "field",
				cJSON_GetObjectItemCaseSensitive(v, "field"));
			row_json(&r, "value",
				 cJSON_GetObjectItemCaseSensitive(v, "value"));
			row_val(&r, "message",
				cJSON_GetObjectItemCaseSensitive(v, "message"));
			row_val(&r, "hint",
				cJSON_GetObjectItemCaseSensitive(v, "hint"));
			batch_row(&b, &r, out, NULL);
			cJSON_Delete(v);
		}
		batch_end(&b, out);
		dq_buf_release(&d.text);
		/* A replay with fewer violations leaves no stale rows. */
		dq_buf_addstr(out, "DELETE FROM "
			      "monitoring_file_failed_validation "
			      "WHERE monitoring_file_run_id = ");
		add_literal(out, run_id, strlen(run_id));
		dq_buf_addf(out, " AND seq > %lld;\n", seq);
	}

	if (o->profile) {
		doc_read(&d, o->profile);
		d.line = 1;
		profile = parse_json(&d, d.text.buf, d.text.len, 1);
		while (d.text.len && strchr(" \t\r\n",
					    d.text.buf[d.text.len - 1]))
			d.text.len--;
		row_begin(&r, "monitoring_file_data_profile", 1);
		row_str(&r, "monitoring_file_run_id", run_id);
		row_val(&r, "rows_profiled",
			cJSON_GetObjectItemCaseSensitive(profile, "rows"));
		row_val(&r, "fields",
			cJSON_GetObjectItemCaseSensitive(profile, "fields"));
		/* The payload as written: it is already within the caps of
		 * dq-profile (--top, --sample, ...). */
		add_literal(row_col(&r, "payload"), d.text.buf, d.text.len);
		row_end(&r, out, NULL);
		dq_buf_release(&d.text);
		cJSON_Delete(profile);
	}

	/* The latest score is that of the latest run by date and hour, not
	 * the last one loaded, so replaying an old event changes nothing. */
	dq_buf_addstr(out,
		"UPDATE monitoring_file SET\n"
		"  latest_data_quality_score = (SELECT q.score\n"
		"    FROM monitoring_file_run r\n"
		"    JOIN monitoring_file_data_quality q"
		" ON q.monitoring_file_run_id = r.id\n"
		"    WHERE r.monitoring_file_id = monitoring_file.id\n"
		"    ORDER BY r.run_date DESC, r.run_hour DESC LIMIT 1),\n"
		"  latest_run_id = (SELECT r.id FROM monitoring_file_run r\n"
		"    JOIN monitoring_file_data_quality q"
		" ON q.monitoring_file_run_id = r.id\n"
		"    WHERE r.monitoring_file_id = monitoring_file.id\n"
		"    ORDER BY r.run_date DESC, r.run_hour DESC LIMIT 1)\n"
		"  WHERE id = ");
	add_literal(out, file_id, strlen(file_id));
	dq_buf_addstr(out, ";\n");
	cJSON_Delete(summary);
}

/* --- the generic schema --------------------------------------------- */

/* Delete the entity's rows in table that the run did not write: the
 * file loaded is the entity's whole current state. */
static void
delete_stale(struct dq_buf *out, const char *table, const char *entity,
	     const char *run_id)
{
	dq_buf_addf(out, "DELETE FROM %s WHERE entity = ", table);
	add_literal(out, entity, strlen(entity));
	dq_buf_addstr(out, " AND run_id <> ");
	add_literal(out, run_id, strlen(run_id));
	dq_buf_addstr(out, ";\n");
}

static void
generic(const struct opts *o, struct dq_buf *out)
{
	cJSON *summary = NULL, *counts = NULL, *v, *item;
	const char *run_id = o->run_id, *status = "loaded";
	struct batch b;
	struct row r;
	struct doc d;
	size_t pos;

	if (o->summary) {
		doc_read(&d, o->summary);
		d.line = 1;
		summary = parse_json(&d, d.text.buf, d.text.len, 1);
		dq_buf_release(&d.text);
		counts = cJSON_GetObjectItemCaseSensitive(summary, "counts");
		item = cJSON_GetObjectItemCaseSensitive(summary, "run_id");
		if (!run_id && cJSON_IsString(item))
			run_id = item->valuestring;
		item = cJSON_GetObjectItemCaseSensitive(summary,
							"exit_status");
		if (cJSON_IsNumber(item))
			status = item->valueint == 0 ? "passed" :
				 item->valueint == 1 ? "failed" : "error";
	}
	if (!run_id || !*run_id)
		usage_error("the generic schema needs --run-id or a summary "
			    "with a run_id");

	row_begin(&r, "dq_run", 1);
	row_str(&r, "id", run_id);
	row_str(&r, "source", o->source);
	row_str(&r, "entity", o->entity);
	row_val(&r, "tool", cJSON_GetObjectItemCaseSensitive(summary, "tool"));
	row_str(&r, "status", status);
	row_val(&r, "started_at",
		cJSON_GetObjectItemCaseSensitive(summary, "started"));
	row_val(&r, "ended_at",
		cJSON_GetObjectItemCaseSensitive(summary, "ended"));
	row_val(&r, "duration_ms",
		cJSON_GetObjectItemCaseSensitive(summary, "duration_ms"));
	row_val(&r, "records_in", cJSON_GetObjectItemCaseSensitive(counts,
								    "in"));
	row_val(&r, "records_out", cJSON_GetObjectItemCaseSensitive(counts,
								     "out"));
	row_val(&r, "records_quarantined",
		cJSON_GetObjectItemCaseSensitive(counts, "quarantined"));
	row_val(&r, "records_rejected",
		cJSON_GetObjectItemCaseSensitive(counts, "rejected"));
	row_val(&r, "score", cJSON_GetObjectItemCaseSensitive(summary,
							       "score"));
	row_val(&r, "passed", cJSON_GetObjectItemCaseSensitive(summary,
								"passed"));
	row_val(&r, "contract_version",
		cJSON_GetObjectItemCaseSensitive(summary, "contract_version"));
	row_json(&r, "summary", summary);
	row_end(&r, out, NULL);

	if (o->violations) {
		static const char *const details[] = { "line", "category",
			"value", "message", "hint" };
		size_t k;

		pos = 0;
		doc_read(&d, o->violations);
		batch_init(&b);
		while ((v = next_line(&d, &pos)) != NULL) {
			cJSON *det = cJSON_CreateObject();

			for (k = 0; k < sizeof(details) / sizeof(*details);
			     k++) {
				item = cJSON_GetObjectItemCaseSensitive(
					v, details[k]);
				if (item)
					cJSON_AddItemToObject(
						det, details[k],
						cJSON_Duplicate(item, 1));
			}
			row_begin(&r, "dq_violation", 4);
			row_str(&r, "entity", o->entity);
			row_key(&r, "record_key",
				cJSON_GetObjectItemCaseSensitive(v,
								 "record_id"));
			row_key(&r, "rule_code",
				cJSON_GetObjectItemCaseSensitive(v, "code"));
			row_key(&r, "field",
				cJSON_GetObjectItemCaseSensitive(v, "field"));
			row_str(&r, "run_id", run_id);
			row_str(&r, "first_run_id", run_id);
			r.keep[r.n - 1] = 1;
			item = cJSON_GetObjectItemCaseSensitive(v, "severity");
			row_str(&r, "severity", cJSON_IsString(item) ?
				item->valuestring : "error");
			row_json(&r, "details", det);
			batch_row(&b, &r, out,
				  "status = CASE WHEN dq_violation.status = "
				  "'suppressed' THEN 'suppressed' ELSE 'open' "
				  "END");
			cJSON_Delete(det);
			cJSON_Delete(v);
		}
		batch_end(&b, out);
		dq_buf_release(&d.text);
		/* What this run no longer reports has been fixed. */
		dq_buf_addstr(out, "UPDATE dq_violation SET status = 'fixed' "
			      "WHERE entity = ");
		add_literal(out, o->entity, strlen(o->entity));
		dq_buf_addstr(out, " AND status = 'open' AND run_id <> ");
		add_literal(out, run_id, strlen(run_id));
		dq_buf_addstr(out, ";\n");
	}

	if (o->profile) {
		cJSON *profile;

		doc_read(&d, o->profile);
		d.line = 1;
		profile = parse_json(&d, d.text.buf, d.text.len, 1);
		while (d.text.len && strchr(" \t\r\n",
					    d.text.buf[d.text.len - 1]))
			d.text.len--;
		row_begin(&r, "dq_profile", 1);
		row_str(&r, "run_id", run_id);
		row_str(&r, "entity", o->entity);
		row_val(&r, "rows_profiled",
			cJSON_GetObjectItemCaseSensitive(profile, "rows"));
		row_val(&r, "fields",
			cJSON_GetObjectItemCaseSensitive(profile, "fields"));
		add_literal(row_col(&r, "payload"), d.text.buf, d.text.len);
		row_end(&r, out, NULL);
		dq_buf_release(&d.text);
		cJSON_Delete(profile);
	}

	if (o->golden) {
		pos = 0;
		doc_read(&d, o->golden);
		batch_init(&b);
		while ((v = next_line(&d, &pos)) != NULL) {
			cJSON *meta = cJSON_DetachItemFromObjectCaseSensitive(
				v, "_dq");

			item = cJSON_GetObjectItemCaseSensitive(meta,
								"cluster");
			if (!item || cJSON_IsNull(item))
				dq_die("%s:%lu: golden record without "
				       "_dq.cluster", d.path, d.line);
			row_begin(&r, "dq_golden_record", 2);
			row_str(&r, "entity", o->entity);
			row_key(&r, "cluster_id", item);
			row_str(&r, "run_id", run_id);
			row_json(&r, "record", v);
			row_json(&r, "members",
				 cJSON_GetObjectItemCaseSensitive(meta,
								  "members"));
			item = cJSON_GetObjectItemCaseSensitive(meta,
								"provenance");
			row_json(&r, "provenance", item);
			batch_row(&b, &r, out, NULL);
			cJSON_Delete(meta);
			cJSON_Delete(v);
		}
		batch_end(&b, out);
		dq_buf_release(&d.text);
		delete_stale(out, "dq_golden_record", o->entity, run_id);
	}

	if (o->id_map) {
		pos = 0;
		doc_read(&d, o->id_map);
		batch_init(&b);
		while ((v = next_line(&d, &pos)) != NULL) {
			const cJSON *id, *cl;

			id = cJSON_GetObjectItemCaseSensitive(v, "id");
			if (!id)
				id = cJSON_GetObjectItemCaseSensitive(
					v, "record_id");
			cl = cJSON_GetObjectItemCaseSensitive(v, "cluster");
			if (!cl)
				cl = cJSON_GetObjectItemCaseSensitive(
					v, "cluster_id");
			if (!id || cJSON_IsNull(id) || !cl || cJSON_IsNull(cl))
				dq_die("%s:%lu: id map line without id and "
				       "cluster", d.path, d.line);
			row_begin(&r, "dq_id_map", 2);
			row_str(&r, "entity", o->entity);
			row_key(&r, "record_id", id);
			row_key(&r, "cluster_id", cl);
			row_str(&r, "run_id", run_id);
			batch_row(&b, &r, out, NULL);
			cJSON_Delete(v);
		}
		batch_end(&b, out);
		dq_buf_release(&d.text);
		delete_stale(out, "dq_id_map", o->entity, run_id);
	}
	cJSON_Delete(summary);
}

/* --- main ------------------------------------------------------------ */

static const char *
text_arg(const char *opt, const char *arg)
{
	if (!dq_utf8_valid(arg, strlen(arg)))
		usage_error("%s: not valid UTF-8", opt);
	return arg;
}

static int
valid_date(const char *s)
{
	long long y, m, d;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	char buf[5];

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    strspn(s, "0123456789-") != 10)
		return 0;
	memcpy(buf, s, 4);
	buf[4] = 0;
	y = atoll(buf);
	m = atoll(s + 5);
	d = atoll(s + 8);
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	return !(m == 2 && d == 29 &&
		 (y % 4 || (y % 100 == 0 && y % 400)));
}

int
main(int argc, char **argv)
{
	struct opts o = { .transaction = 1, .max_violations = 1000,
			  .run_hour = -1, .file_size = -1,
			  .entity = "records" };
	static const char *const dialects[] = { "sqlite", "postgres", NULL };
	static const char *const schemas[] = { "generic", "monitoring", NULL };
	struct dq_out sql;
	struct dq_buf *out;
	const char *ddl;
	int c;

	dq_run_setup("dq-sql");
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hV", longopts, NULL)) != -1) {
		switch (c) {
		case O_AGENCY:
			o.agency = text_arg("--agency", optarg);
			break;
		case O_CREATE:
			o.create = 1;
			break;
		case O_DIALECT:
			if (dq_opt_enum("dialect", optarg, dialects,
					&o.postgres))
				usage_exit();
			break;
		case O_ENTITY:
			o.entity = text_arg("--entity", optarg);
			break;
		case O_FILE:
			o.file = text_arg("--file", optarg);
			break;
		case O_FILE_SIZE:
			if (dq_opt_int("file-size", optarg, 0, (1LL << 62),
				       &o.file_size))
				usage_exit();
			break;
		case O_GOLDEN:
			o.golden = optarg;
			break;
		case O_ID_MAP:
			o.id_map = optarg;
			break;
		case O_LAST_MODIFIED:
			o.last_modified = text_arg("--last-modified", optarg);
			break;
		case O_MAX_VIOLATIONS:
			if (dq_opt_int("max-violations", optarg, 0,
				       (1LL << 62), &o.max_violations))
				usage_exit();
			break;
		case O_NO_TRANSACTION:
			o.transaction = 0;
			break;
		case O_PROFILE:
			o.profile = optarg;
			break;
		case O_RUN_DATE:
			if (!valid_date(optarg))
				usage_error("--run-date '%s': not a date "
					    "YYYY-MM-DD", optarg);
			o.run_date = optarg;
			break;
		case O_RUN_HOUR:
			if (dq_opt_int("run-hour", optarg, 0, 23, &o.run_hour))
				usage_exit();
			break;
		case O_RUN_ID:
			o.run_id = text_arg("--run-id", optarg);
			break;
		case O_SCHEMA:
			if (dq_opt_enum("schema", optarg, schemas,
					&o.monitoring))
				usage_exit();
			break;
		case O_SOURCE:
			o.source = text_arg("--source", optarg);
			break;
		case O_SUMMARY:
			o.summary = optarg;
			break;
		case O_VIOLATIONS:
			o.violations = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return fflush(stdout) || ferror(stdout) ? 2 : 0;
		case 'V':
			printf("dq-sql %s\n", DQ_VERSION);
			return fflush(stdout) || ferror(stdout) ? 2 : 0;
		case ':':
			usage_error("option '%s' needs a value",
				    argv[optind - 1]);
		default:
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected operand '%s'", argv[optind]);

	if (o.monitoring) {
		if (o.golden || o.id_map)
			usage_error("--golden and --id-map belong to the "
				    "generic schema");
		if (o.run_id || o.source)
			usage_error("--run-id and --source belong to the "
				    "generic schema");
	} else if (o.agency || o.file || o.run_date || o.run_hour >= 0 ||
		   o.file_size >= 0 || o.last_modified) {
		usage_error("--agency, --file, --run-date, --run-hour, "
			    "--file-size and --last-modified belong to the "
			    "monitoring schema");
	}
	if (o.monitoring && (o.summary || o.violations || o.profile ||
			     o.agency || o.file) &&
	    (!o.agency || !o.file || !o.run_date || o.run_hour < 0))
		usage_error("the monitoring schema needs --agency, --file, "
			    "--run-date and --run-hour");

	/* All of the SQL is built in the buffer before any of it is written:
	 * an error leaves nothing half-written for sqlite3 or psql. */
	dq_out_init(&sql);
	dq_out_fd(&sql, 1, "stdout");
	out = &sql.b;
	if (o.postgres)
		dq_buf_addstr(out, "SET standard_conforming_strings = on;\n"
			      "SET client_min_messages = warning;\n");
	else
		cr_as_char = 1;
	if (o.transaction)
		dq_buf_addstr(out, "BEGIN;\n");
	if (o.create) {
		ddl = o.monitoring ? monitoring_ddl : generic_ddl;
		while (*ddl) {
			if (strncmp(ddl, "@JSON@", 6) == 0) {
				dq_buf_addstr(out, o.postgres ? "JSONB" :
					      "TEXT");
				ddl += 6;
			} else {
				dq_buf_addch(out, *ddl++);
			}
		}
	}
	if (o.monitoring && o.agency)
		monitoring(&o, out);
	else if (!o.monitoring && (o.summary || o.run_id || o.violations ||
				   o.profile || o.golden || o.id_map))
		generic(&o, out);
	if (o.transaction)
		dq_buf_addstr(out, "COMMIT;\n");

	dq_out_close(&sql);
	return 0;
}
