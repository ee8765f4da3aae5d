/*
 * dq-sql - turn dq documents into SQL upserts for SQLite and PostgreSQL.
 *
 * The story: parse options, read every named document (a dq-validate
 * summary, its violations file, a dq-profile document, dq-merge's golden
 * records and id map), check that each is strict JSON (lib/stream/json.c),
 * then build one transaction of
 * `INSERT ... ON CONFLICT (key) DO UPDATE SET col = excluded.col` statements
 * into one of three schemas (dq's monitoring and generic tables, or the
 * shared reporting tables as they exist), and write it to stdout only
 * when all of it was built, so an error leaves nothing half-written for
 * sqlite3 or psql.
 *
 * Upserts, literals and long keys: lib/sql/sql.h (rows of a file go up
 * to 500 to an INSERT; a key repeated within one starts the next).  The
 * documents are read by lib/sql/doc.h, a summary's checks and score by
 * lib/sql/summary.h, the profile payload cut by lib/sql/payload.h.
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
 * Numbers: values are never converted.  Documents are checked by dq's
 * exact scanner (lib/stream/json.c) and read with stream/walk; a number
 * goes into SQL as the text it had (a JSON number is an SQL numeric
 * literal) and JSON columns hold the document's text made compact, so
 * 1500000000000000001 stays itself.
 *
 * Order: generic runs are ordered by their start time (dq_run.started_at),
 * so loading an older run after a newer one leaves the newer one's rows;
 * violations become "fixed" only after a run that says it was complete.
 *
 * NUL cannot be stored in PostgreSQL text (nor in jsonb), so "\u0000" is
 * stored as U+FFFD, with a warning.  Documents must be valid UTF-8, which
 * PostgreSQL also requires.
 *
 * Limits: the SQL is built in memory before it is written (about twice the
 * size of the documents).  The profile payload is capped: each string
 * value and the whole (--max-value-bytes, --max-payload-bytes), with a
 * "_truncated" member naming the cut.  docs/sql.md describes the schemas.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "base/keyset.h"
#include "base/util.h"
#include "cli/opt.h"
#include "cli/run.h"
#include "norm/text.h"
#include "sql/doc.h"
#include "sql/mask.h"
#include "sql/payload.h"
#include "sql/sql.h"
#include "sql/summary.h"
#include "stream/json.h"
#include "stream/walk.h"
#include "stream/out.h"

static const char usage_text[] =
	"usage: dq-sql [--schema monitoring|generic|reporting]\n"
	"              [--dialect sqlite|postgres] [--create]\n"
	"              [DOCUMENT OPTIONS] [IDENTITY OPTIONS]\n"
	"\n"
	"Turn dq documents into SQL upserts (INSERT ... ON CONFLICT ... DO\n"
	"UPDATE) in one transaction, for `sqlite3 FILE` or `psql URL`.\n"
	"Loading the same documents again leaves exactly the same rows.\n"
	"See dq-sql(1) and docs/sql.md for the schemas.\n"
	"\n"
	"Options:\n"
	"  -c, --contract FILE   contract, JSON or YAML (repeat to layer):\n"
	"                        its sensitive fields are masked in every\n"
	"                        value written from data\n"
	"      --schema S        monitoring, generic (default) or reporting\n"
	"                        (the shared reporting.* tables as they\n"
	"                        exist in PostgreSQL; never created)\n"
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
	"      --max-value-bytes N  cut each string of the profile payload\n"
	"                        to N bytes (default 1024, 0 = no cut)\n"
	"      --max-payload-bytes N  leave out the payload's largest\n"
	"                        members above N bytes (default 16777216)\n"
	"\n"
	"Monitoring and reporting schemas (all four required):\n"
	"      --agency SLUG     the agency that sent the file\n"
	"      --file NAME       the file's name (the object key after SLUG/)\n"
	"      --run-date DATE   YYYY-MM-DD\n"
	"      --run-hour H      0-23\n"
	"      --file-size N     bytes (optional)\n"
	"      --last-modified T when the file was written (optional, text)\n"
	"\n"
	"Reporting schema (--dialect postgres; also --file-size):\n"
	"      --db-schema NAME  the tables' schema (default reporting)\n"
	"      --register        add the monitoring file when it is not\n"
	"                        there (else the load fails and rolls back)\n"
	"\n"
	"Generic schema:\n"
	"      --run-id ID       the run (default: the summary's run_id)\n"
	"      --source NAME     where the data came from (optional)\n"
	"      --entity NAME     the kind of record (default records)\n"
	"      --started TIME    when the run started (default: the\n"
	"                        summary's): runs are ordered by it\n"
	"      --complete        the run checked all of the entity's data:\n"
	"                        what it no longer reports is fixed\n"
	"\n"
	"  -h, --help            this text\n"
	"  -V, --version         print the version\n"
	"\n"
	"Exit status: 0 the SQL was written; 2 a usage error, an unreadable\n"
	"or invalid document, or a write error.  A NUL (\\u0000) is stored as\n"
	"U+FFFD with a warning.\n";

enum {
	O_AGENCY = 1000,
	O_COMPLETE,
	O_CREATE,
	O_DIALECT,
	O_DB_SCHEMA,
	O_ENTITY,
	O_FILE,
	O_FILE_SIZE,
	O_GOLDEN,
	O_ID_MAP,
	O_LAST_MODIFIED,
	O_MAX_PAYLOAD,
	O_MAX_VALUE,
	O_MAX_VIOLATIONS,
	O_NO_TRANSACTION,
	O_PROFILE,
	O_REGISTER,
	O_RUN_DATE,
	O_RUN_HOUR,
	O_RUN_ID,
	O_SCHEMA,
	O_SOURCE,
	O_STARTED,
	O_SUMMARY,
	O_VIOLATIONS
};

static const struct option longopts[] = {
	{ "agency", required_argument, NULL, O_AGENCY },
	{ "complete", no_argument, NULL, O_COMPLETE },
	{ "contract", required_argument, NULL, 'c' },
	{ "create", no_argument, NULL, O_CREATE },
	{ "dialect", required_argument, NULL, O_DIALECT },
	{ "db-schema", required_argument, NULL, O_DB_SCHEMA },
	{ "entity", required_argument, NULL, O_ENTITY },
	{ "file", required_argument, NULL, O_FILE },
	{ "file-size", required_argument, NULL, O_FILE_SIZE },
	{ "golden", required_argument, NULL, O_GOLDEN },
	{ "help", no_argument, NULL, 'h' },
	{ "id-map", required_argument, NULL, O_ID_MAP },
	{ "last-modified", required_argument, NULL, O_LAST_MODIFIED },
	{ "max-payload-bytes", required_argument, NULL, O_MAX_PAYLOAD },
	{ "max-value-bytes", required_argument, NULL, O_MAX_VALUE },
	{ "max-violations", required_argument, NULL, O_MAX_VIOLATIONS },
	{ "no-transaction", no_argument, NULL, O_NO_TRANSACTION },
	{ "profile", required_argument, NULL, O_PROFILE },
	{ "register", no_argument, NULL, O_REGISTER },
	{ "run-date", required_argument, NULL, O_RUN_DATE },
	{ "run-hour", required_argument, NULL, O_RUN_HOUR },
	{ "run-id", required_argument, NULL, O_RUN_ID },
	{ "schema", required_argument, NULL, O_SCHEMA },
	{ "source", required_argument, NULL, O_SOURCE },
	{ "started", required_argument, NULL, O_STARTED },
	{ "summary", required_argument, NULL, O_SUMMARY },
	{ "version", no_argument, NULL, 'V' },
	{ "violations", required_argument, NULL, O_VIOLATIONS },
	{ NULL, 0, NULL, 0 }
};

/* jsonb holds at most 268435455 bytes, and numbers take more room in it
 * than as text: the payload cap stays well below. */
#define MAX_PAYLOAD (64LL << 20)

struct opts {
	int monitoring, postgres, create, transaction, complete, reg;
	const char *db_schema;
	const char *summary, *violations, *profile, *golden, *id_map;
	long long max_violations, max_value, max_payload;
	const char *agency, *file, *run_date, *last_modified;
	long long run_hour, file_size;
	const char *run_id, *source, *entity, *started;
	char **contracts;
	size_t ncontracts;
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
	"  record_id TEXT,\n"
	"  details @JSON@,\n"
	"  status TEXT NOT NULL DEFAULT 'open'\n"
	"    CHECK (status IN ('open', 'fixed', 'suppressed', 'won''t-fix')),\n"
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
	"  record_key TEXT NOT NULL,\n"
	"  record_id TEXT NOT NULL,\n"
	"  cluster_id TEXT NOT NULL,\n"
	"  run_id TEXT NOT NULL,\n"
	"  PRIMARY KEY (entity, record_key)\n"
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

/* The sqlite3 shell drops a carriage return at the end of each line it
 * reads, even inside a string literal; for it CR is written as char(13). */
static int cr_as_char;

/* Append s (n bytes) to b as an SQL string literal of the dialect. */
static void
add_literal(struct dq_buf *b, const char *s, size_t n)
{
	dq_sql_literal(b, s, n, cr_as_char);
}

/* Documents (lib/sql/doc.h), d initialised anew: an error ends the run
 * (exit 2) before any SQL is written. */
static void
doc_read(struct dq_sql_doc *d, const char *path)
{
	dq_sql_doc_init(d);
	if (dq_sql_doc_read(d, path))
		exit(2);
}

/* A whole document. */
static struct dq_sql_jv
doc_json(struct dq_sql_doc *d, const char *path)
{
	struct dq_sql_jv v;

	dq_sql_doc_init(d);
	if (dq_sql_doc_json(d, path, &v))
		exit(2);
	return v;
}

/* The next non-blank line of an NDJSON document as an object, or nothing
 * (type -1) at the end.  *pos is the offset into the text. */
static struct dq_sql_jv
next_line(struct dq_sql_doc *d, size_t *pos)
{
	struct dq_sql_jv v;

	if (dq_sql_doc_next(d, pos, &v) < 0)
		exit(2);
	return v;
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

/* The score and passed mark of the summary read from file
 * (lib/sql/summary.h), or exit 2 when it is not a dq-validate summary. */
static void
quality_of(struct dq_sql_jv summary, const char *file, struct dq_sql_jv *score,
	   struct dq_sql_jv *passed)
{
	if (dq_sql_quality(summary, file, score, passed))
		exit(2);
}

/* The profile document p as the payload column, cut to the options'
 * limits (lib/sql/payload.h). */
struct opts;
static void profile_payload(const struct opts *o, struct dq_sql_jv p,
			    struct dq_buf *out);

static void
monitoring(const struct opts *o, struct dq_buf *out)
{
	char file_id[40], run_id[40], hour[8];
	const char *parts[4];
	struct dq_sql_row r;
	struct dq_sql_jv summary = dq_sql_jv_none, counts = dq_sql_jv_none, profile;
	struct dq_sql_doc ds, d;
	struct dq_buf mask = DQ_BUF_INIT; /* a value shown masked */

	snprintf(hour, sizeof(hour), "%lld", o->run_hour);
	parts[0] = o->agency;
	parts[1] = o->file;
	parts[2] = o->run_date;
	parts[3] = hour;
	hash_id(file_id, sizeof(file_id), "mf-", parts, 2);
	hash_id(run_id, sizeof(run_id), "mfr-", parts, 4);

	dq_sql_doc_init(&ds);
	if (o->summary) {
		summary = doc_json(&ds, o->summary);
		counts = dq_sql_jv_get(summary, "counts");
	}

	dq_sql_row_begin(&r, "monitoring_file", 1, cr_as_char);
	dq_sql_row_str(&r, "id", file_id);
	dq_sql_row_str(&r, "agency_slug", o->agency);
	dq_sql_row_str(&r, "file_name", o->file);
	dq_sql_row_end(&r, out, NULL);

	dq_sql_row_begin(&r, "monitoring_file_run", 1, cr_as_char);
	dq_sql_row_str(&r, "id", run_id);
	dq_sql_row_str(&r, "monitoring_file_id", file_id);
	dq_sql_row_str(&r, "run_date", o->run_date);
	dq_sql_row_int(&r, "run_hour", o->run_hour);
	if (o->file_size >= 0)
		dq_sql_row_int(&r, "file_size", o->file_size);
	else
		dq_sql_row_str(&r, "file_size", NULL);
	dq_sql_row_str(&r, "file_last_modified", o->last_modified);
	dq_sql_row_val(&r, "contract_version", dq_sql_jv_get(summary, "contract_version"));
	dq_sql_row_val(&r, "records_in", dq_sql_jv_get(counts, "in"));
	dq_sql_row_val(&r, "records_rejected", dq_sql_jv_get(counts, "rejected"));
	dq_sql_row_end(&r, out, NULL);

	if (o->summary) {
		struct dq_sql_jv score, passed;
		struct dq_buf rules = DQ_BUF_INIT;
		char *msg;

		quality_of(summary, o->summary, &score, &passed);
		dq_sql_failed_rules(summary, &rules, &msg);
		dq_sql_row_begin(&r, "monitoring_file_data_quality", 1, cr_as_char);
		dq_sql_row_str(&r, "monitoring_file_run_id", run_id);
		dq_sql_row_val(&r, "score", score);
		dq_sql_row_val(&r, "passed", passed);
		dq_sql_row_val(&r, "pass_mark", dq_sql_jv_get(summary, "pass_mark"));
		dq_sql_row_json(&r, "metrics", dq_sql_jv_get(summary, "metrics"));
		dq_sql_row_json(&r, "deductions", dq_sql_jv_get(summary, "deductions"));
		dq_sql_row_json(&r, "violations", dq_sql_jv_get(summary, "violations"));
		dq_sql_row_str(&r, "failed_validation_message", msg);
		dq_sql_row_json_text(&r, "failed_validation_rules", &rules);
		dq_sql_row_end(&r, out, NULL);
		dq_buf_release(&rules);
		free(msg);
	}

	if (o->violations) {
		struct dq_sql_batch b;
		long long seq = 0;
		size_t pos = 0;
		struct dq_sql_jv v;

		dq_sql_batch_init(&b);
		doc_read(&d, o->violations);
		while ((v = next_line(&d, &pos)).type >= 0) {
			if (o->max_violations && seq >= o->max_violations)
				continue;
			dq_sql_row_begin(&r, "monitoring_file_failed_validation", 2, cr_as_char);
			dq_sql_row_str(&r, "monitoring_file_run_id", run_id);
			dq_sql_row_int(&r, "seq", ++seq);
			dq_sql_row_text(&r, "record_id", dq_sql_jv_get(v, "record_id"));
			dq_sql_row_val(&r, "line", dq_sql_jv_get(v, "line"));
			dq_sql_row_text(&r, "rule_code", dq_sql_jv_get(v, "code"));
			dq_sql_row_val(&r, "severity", dq_sql_jv_get(v, "severity"));
			dq_sql_row_val(&r, "category", dq_sql_jv_get(v, "category"));
			dq_sql_row_val(&r, "field", dq_sql_jv_get(v, "field"));
			dq_sql_row_json(&r, "value", dq_sql_mask_value(
				dq_sql_jv_get(v, "field"),
				dq_sql_jv_get(v, "value"), &mask));
			dq_sql_row_val(&r, "message", dq_sql_jv_get(v, "message"));
			dq_sql_row_val(&r, "hint", dq_sql_jv_get(v, "hint"));
			dq_sql_batch_row(&b, &r, out, NULL);
		}
		dq_sql_batch_end(&b, out);
		dq_sql_doc_release(&d);
		/* A replay with fewer violations leaves no stale rows. */
		dq_buf_addstr(out, "DELETE FROM "
			      "monitoring_file_failed_validation "
			      "WHERE monitoring_file_run_id = ");
		add_literal(out, run_id, strlen(run_id));
		dq_buf_addf(out, " AND seq > %lld;\n", seq);
	} else if (o->summary) {
		/* The summary and its violations belong together: a run
		 * loaded again with a summary and no violations file has
		 * none, not the rows of an earlier load. */
		dq_buf_addstr(out, "DELETE FROM "
			      "monitoring_file_failed_validation "
			      "WHERE monitoring_file_run_id = ");
		add_literal(out, run_id, strlen(run_id));
		dq_buf_addstr(out, ";\n");
	}

	if (o->profile) {
		struct dq_buf payload = DQ_BUF_INIT;

		profile = doc_json(&d, o->profile);
		dq_sql_row_begin(&r, "monitoring_file_data_profile", 1, cr_as_char);
		dq_sql_row_str(&r, "monitoring_file_run_id", run_id);
		dq_sql_row_val(&r, "rows_profiled", dq_sql_jv_get(profile, "rows"));
		dq_sql_row_val(&r, "fields", dq_sql_jv_get(profile, "fields"));
		profile_payload(o, profile, &payload);
		dq_sql_row_json_text(&r, "payload", &payload);
		dq_sql_row_end(&r, out, NULL);
		dq_buf_release(&payload);
		dq_sql_doc_release(&d);
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
	dq_buf_release(&mask);
	dq_sql_doc_release(&ds);
}

/* --- the reporting tables -------------------------------------------- */

/* The runs that give latest_data_quality_score: not a run whose only
 * quality row records a processing failure (dq-s3-event writes it with
 * score 0 and metrics.processingFailed when the file was never checked). */
#define LATEST_CHECKED " AND NOT q.metrics ? 'processingFailed'"

/*
 * The shared reporting tables (../shared/seeds/001-reporting-schema.sql,
 * the Django models of the monitoring-file design document), written as
 * they exist in a PostgreSQL database: nothing is created or altered.
 * Ids come from the tables' own sequences, so every row is found by the
 * document's unique keys: the monitoring file by (agency_slug, file_name),
 * the run by (monitoring_file_id, run_date, run_hour), the quality,
 * profile and failed-validation rows by their run.  An upsert changes a
 * row (and its updated_at) only when a value differs, so a replay leaves
 * every table as it was.  The acknowledgment columns are never named.
 */

/* Append the table name as a schema-qualified identifier. */
static void
add_table(struct dq_buf *out, const struct opts *o, const char *table)
{
	dq_buf_addf(out, "\"%s\".\"%s\"", o->db_schema, table);
}

/* A value for an INSERT's list: the literal of b's text. */
static void
lit(struct dq_buf *out, const struct dq_buf *b)
{
	add_literal(out, b->len ? b->buf : "", b->len);
}

/* A JSON object's compact text as a literal; '{}' for anything else
 * (the NOT NULL JSON columns' Django default). */
static void
object_lit(struct dq_buf *out, struct dq_sql_jv j)
{
	struct dq_buf c = DQ_BUF_INIT;

	if (j.type == DQ_JSON_OBJECT)
		dq_sql_json_compact(j.s, j.n, 0, &c);
	else
		dq_buf_addstr(&c, "{}");
	lit(out, &c);
	dq_buf_release(&c);
}

/* "upsert tail": ON CONFLICT (key) DO UPDATE SET each col = excluded.col
 * and updated_at = now(), only WHERE one of them differs. */
static void
upsert_tail(struct dq_buf *out, const char *key, const char *const *cols)
{
	int i;

	dq_buf_addf(out, "\n  ON CONFLICT (%s) DO UPDATE SET ", key);
	for (i = 0; cols[i]; i++)
		dq_buf_addf(out, "%s = excluded.%s, ", cols[i], cols[i]);
	dq_buf_addstr(out, "updated_at = now()\n  WHERE (");
	for (i = 0; cols[i]; i++)
		dq_buf_addf(out, "%st.%s", i ? ", " : "", cols[i]);
	dq_buf_addstr(out, ") IS DISTINCT FROM (");
	for (i = 0; cols[i]; i++)
		dq_buf_addf(out, "%sexcluded.%s", i ? ", " : "", cols[i]);
	dq_buf_addstr(out, ");\n");
}

static void
reporting(const struct opts *o, struct dq_buf *out)
{
	struct dq_buf mf = DQ_BUF_INIT, run = DQ_BUF_INIT, body = DQ_BUF_INIT;
	struct dq_buf t = DQ_BUF_INIT;
	struct dq_sql_jv summary = dq_sql_jv_none, profile;
	struct dq_sql_doc ds, d;
	char tag[24];
	int k;

	/* The monitoring file and the run, as subqueries by their keys. */
	dq_buf_addstr(&mf, "(SELECT id FROM ");
	add_table(&mf, o, "monitoring_file");
	dq_buf_addstr(&mf, " WHERE agency_slug = ");
	add_literal(&mf, o->agency, strlen(o->agency));
	dq_buf_addstr(&mf, " AND file_name = ");
	add_literal(&mf, o->file, strlen(o->file));
	dq_buf_addch(&mf, ')');
	dq_buf_addstr(&run, "(SELECT id FROM ");
	add_table(&run, o, "monitoring_file_run");
	dq_buf_addstr(&run, " WHERE monitoring_file_id = ");
	dq_buf_add(&run, mf.buf, mf.len);
	dq_buf_addf(&run, " AND run_date = '%s' AND run_hour = %lld)",
		    o->run_date, o->run_hour);

	if (o->reg) {
		dq_buf_addstr(out, "INSERT INTO ");
		add_table(out, o, "monitoring_file");
		dq_buf_addstr(out, " (file_name, agency_slug) SELECT ");
		add_literal(out, o->file, strlen(o->file));
		dq_buf_addstr(out, ", ");
		add_literal(out, o->agency, strlen(o->agency));
		dq_buf_addstr(out, "\n  WHERE NOT EXISTS ");
		dq_buf_add(out, mf.buf, mf.len);
		dq_buf_addstr(out, ";\n");
	}
	/* One monitoring file by (agency_slug, file_name), or an error that
	 * rolls the transaction back: the table has no unique constraint on
	 * the pair, so two rows are an error too. */
	dq_buf_addstr(&body, "\nDECLARE n integer;\nBEGIN\n  SELECT count(*) "
		      "INTO n FROM ");
	add_table(&body, o, "monitoring_file");
	dq_buf_addstr(&body, " WHERE agency_slug = ");
	add_literal(&body, o->agency, strlen(o->agency));
	dq_buf_addstr(&body, " AND file_name = ");
	add_literal(&body, o->file, strlen(o->file));
	dq_buf_addstr(&body, ";\n  IF n <> 1 THEN\n    RAISE EXCEPTION "
		      "'% monitoring files for agency %, file % "
		      "(reporting.monitoring_file holds the files to check)', "
		      "n, ");
	add_literal(&body, o->agency, strlen(o->agency));
	dq_buf_addstr(&body, ", ");
	add_literal(&body, o->file, strlen(o->file));
	dq_buf_addstr(&body, ";\n  END IF;\nEND\n");
	/* A dollar-quote tag that the body does not hold. */
	for (k = 0;; k++) {
		snprintf(tag, sizeof(tag), "$dq%d$", k);
		if (!memmem(body.buf, body.len, tag, strlen(tag)))
			break;
	}
	dq_buf_addf(out, "DO %s", tag);
	dq_buf_add(out, body.buf, body.len);
	dq_buf_addf(out, "%s;\n", tag);

	dq_buf_addstr(out, "INSERT INTO ");
	add_table(out, o, "monitoring_file_run");
	dq_buf_addstr(out, " AS t (monitoring_file_id, created_at, "
		      "updated_at, file_last_modified, file_size, run_date, "
		      "run_hour)\n  VALUES (");
	dq_buf_add(out, mf.buf, mf.len);
	dq_buf_addstr(out, ", now(), now(), ");
	if (o->last_modified) {
		add_literal(out, o->last_modified, strlen(o->last_modified));
		dq_buf_addstr(out, "::timestamptz");
	} else {
		dq_buf_addstr(out, "NULL");
	}
	dq_buf_addf(out, ", %lld, '%s', %lld)", o->file_size < 0 ? 0 :
		    o->file_size, o->run_date, o->run_hour);
	{
		static const char *const cols[] = { "file_last_modified",
			"file_size", NULL };
		upsert_tail(out, "monitoring_file_id, run_date, run_hour",
			    cols);
	}

	dq_sql_doc_init(&ds);
	if (o->summary) {
		static const char *const qcols[] = { "score", "passed",
			"metrics", "deductions", "failed_validation_message",
			"failed_validation_rules", NULL };
		static const char *const fcols[] = { "rule_name", "rule_type",
			"rule_path", "validated_field_names",
			"validated_values", "rule_parameters",
			"validated_message", "monitoring_file_id", NULL };
		struct dq_sql_jv score, passed;
		struct dq_sql_failed fv;
		char *msg;

		summary = doc_json(&ds, o->summary);
		quality_of(summary, o->summary, &score, &passed);
		dq_sql_failed_rules(summary, &t, &msg);
		dq_buf_addstr(out, "INSERT INTO ");
		add_table(out, o, "monitoring_file_data_quality");
		dq_buf_addstr(out, " AS t (score, passed, metrics, deductions, "
			      "failed_validation_message, "
			      "failed_validation_rules, created_at, "
			      "updated_at, monitoring_file_run_id)\n  VALUES (");
		dq_buf_add(out, score.s, score.n);
		dq_buf_addstr(out, passed.type == DQ_JSON_TRUE ? ", TRUE, " :
			      ", FALSE, ");
		object_lit(out, dq_sql_jv_get(summary, "metrics"));
		dq_buf_addstr(out, ", ");
		object_lit(out, dq_sql_jv_get(summary, "deductions"));
		dq_buf_addstr(out, ", ");
		if (msg) {
			add_literal(out, msg, strlen(msg));
			dq_buf_addstr(out, ", ");
			lit(out, &t);
		} else {
			dq_buf_addstr(out, "NULL, NULL");
		}
		dq_buf_addstr(out, ", now(), now(), ");
		dq_buf_add(out, run.buf, run.len);
		dq_buf_addch(out, ')');
		upsert_tail(out, "monitoring_file_run_id", qcols);

		if (dq_sql_failed_columns(summary, &fv)) {
			struct dq_buf m = DQ_BUF_INIT;

			dq_buf_addstr(&m, msg);
			dq_sql_cut_chars(&m, DQ_SQL_VARCHAR_MAX);
			dq_buf_addstr(out, "INSERT INTO ");
			add_table(out, o, "monitoring_file_failed_validation");
			dq_buf_addstr(out, " AS t (rule_name, rule_type, "
				      "rule_path, validated_field_names, "
				      "validated_values, rule_parameters, "
				      "validated_message, monitoring_file_id, "
				      "validated_at, created_at, updated_at, "
				      "monitoring_file_run_id)\n  VALUES (");
			lit(out, &fv.name);
			dq_buf_addstr(out, ", ");
			lit(out, &fv.type);
			dq_buf_addstr(out, ", ");
			lit(out, &fv.path);
			dq_buf_addstr(out, ", ");
			lit(out, &fv.fields);
			dq_buf_addstr(out, ", ");
			lit(out, &fv.values);
			dq_buf_addstr(out, ", ");
			lit(out, &fv.params);
			dq_buf_addstr(out, ", ");
			lit(out, &m);
			dq_buf_addstr(out, ", ");
			dq_buf_add(out, mf.buf, mf.len);
			dq_buf_addstr(out, ", now(), now(), NULL, ");
			dq_buf_add(out, run.buf, run.len);
			dq_buf_addch(out, ')');
			upsert_tail(out, "monitoring_file_run_id", fcols);
			dq_buf_release(&m);
		} else {
			dq_buf_addstr(out, "DELETE FROM ");
			add_table(out, o, "monitoring_file_failed_validation");
			dq_buf_addstr(out, " WHERE monitoring_file_run_id = ");
			dq_buf_add(out, run.buf, run.len);
			dq_buf_addstr(out, ";\n");
		}
		dq_sql_failed_release(&fv);
		free(msg);
	}

	if (o->profile) {
		static const char *const pcols[] = { "profile_payload", NULL };

		profile = doc_json(&d, o->profile);
		dq_buf_reset(&t);
		profile_payload(o, profile, &t);
		dq_buf_addstr(out, "INSERT INTO ");
		add_table(out, o, "monitoring_file_data_profile");
		dq_buf_addstr(out, " AS t (profile_payload, created_at, "
			      "updated_at, monitoring_file_run_id)\n  VALUES (");
		lit(out, &t);
		dq_buf_addstr(out, ", now(), now(), ");
		dq_buf_add(out, run.buf, run.len);
		dq_buf_addch(out, ')');
		upsert_tail(out, "monitoring_file_run_id", pcols);
		dq_sql_doc_release(&d);
	}

	/* The latest run by date and hour gives the file's score, whatever
	 * the order of loading. */
	dq_buf_addstr(out, "UPDATE ");
	add_table(out, o, "monitoring_file");
	dq_buf_addstr(out, " AS f SET latest_data_quality_score = (SELECT "
		      "q.score FROM ");
	add_table(out, o, "monitoring_file_run");
	dq_buf_addstr(out, " r JOIN ");
	add_table(out, o, "monitoring_file_data_quality");
	dq_buf_addstr(out, " q ON q.monitoring_file_run_id = r.id\n"
		      "    WHERE r.monitoring_file_id = f.id" LATEST_CHECKED
		      " ORDER BY "
		      "r.run_date DESC, r.run_hour DESC LIMIT 1)\n  WHERE f.id = ");
	dq_buf_add(out, mf.buf, mf.len);
	dq_buf_addstr(out, " AND f.latest_data_quality_score IS DISTINCT FROM "
		      "(SELECT q.score FROM ");
	add_table(out, o, "monitoring_file_run");
	dq_buf_addstr(out, " r JOIN ");
	add_table(out, o, "monitoring_file_data_quality");
	dq_buf_addstr(out, " q ON q.monitoring_file_run_id = r.id\n"
		      "    WHERE r.monitoring_file_id = f.id" LATEST_CHECKED
		      " ORDER BY "
		      "r.run_date DESC, r.run_hour DESC LIMIT 1);\n");
	dq_buf_release(&mf);
	dq_buf_release(&run);
	dq_buf_release(&body);
	dq_buf_release(&t);
	dq_sql_doc_release(&ds);
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

/*
 * Runs are ordered by the time they started (dq_run.started_at: the
 * summary's "started", or --started), not by the order they are loaded.
 * NEWER(a, b) is the SQL condition "run a started after run b", false
 * when either has no time (a run loaded without one counts as the
 * latest, as loading order is all there is to go by).
 */
#define RUN_TIME(id) "(SELECT started_at FROM dq_run WHERE dq_run.id = " id ")"
#define NEWER(a, b) "coalesce(" RUN_TIME(a) " > " RUN_TIME(b) ", FALSE)"
#define RUN_TIME_OF "(SELECT started_at FROM dq_run WHERE dq_run.id = "

/* The statuses people set, which no load changes. */
#define KEPT_STATUS "('suppressed', 'won''t-fix')"

static void
generic(const struct opts *o, struct dq_buf *out)
{
	struct dq_sql_jv summary = dq_sql_jv_none, counts = dq_sql_jv_none, v, item;
	struct dq_buf text = DQ_BUF_INIT;
	struct dq_buf mask = DQ_BUF_INIT; /* a value shown masked */
	const char *status = "loaded";
	char *run_id = NULL;
	struct dq_sql_batch b;
	struct dq_sql_row r;
	struct dq_sql_doc ds, d;
	size_t pos;

	dq_sql_doc_init(&ds);
	if (o->summary) {
		summary = doc_json(&ds, o->summary);
		counts = dq_sql_jv_get(summary, "counts");
		item = dq_sql_jv_get(summary, "run_id");
		if (!o->run_id && item.type == DQ_JSON_STRING) {
			dq_sql_jv_text(item, &text);
			run_id = dq_buf_detach(&text, NULL);
		}
		item = dq_sql_jv_get(summary, "exit_status");
		if (item.type == DQ_JSON_NUMBER)
			status = item.n == 1 && *item.s == '0' ? "passed" :
				 item.n == 1 && *item.s == '1' ? "failed" :
								 "error";
	}
	if (o->run_id)
		run_id = dq_xstrdup(o->run_id);
	if (!run_id || !*run_id)
		usage_error("the generic schema needs --run-id or a summary "
			    "with a run_id");

	dq_sql_row_begin(&r, "dq_run", 1, cr_as_char);
	dq_sql_row_str(&r, "id", run_id);
	dq_sql_row_str(&r, "source", o->source);
	dq_sql_row_str(&r, "entity", o->entity);
	dq_sql_row_val(&r, "tool", dq_sql_jv_get(summary, "tool"));
	dq_sql_row_str(&r, "status", status);
	if (o->started)
		dq_sql_row_str(&r, "started_at", o->started);
	else
		dq_sql_row_val(&r, "started_at", dq_sql_jv_get(summary, "started"));
	dq_sql_row_val(&r, "ended_at", dq_sql_jv_get(summary, "ended"));
	dq_sql_row_val(&r, "duration_ms", dq_sql_jv_get(summary, "duration_ms"));
	dq_sql_row_val(&r, "records_in", dq_sql_jv_get(counts, "in"));
	dq_sql_row_val(&r, "records_out", dq_sql_jv_get(counts, "out"));
	dq_sql_row_val(&r, "records_quarantined", dq_sql_jv_get(counts, "quarantined"));
	dq_sql_row_val(&r, "records_rejected", dq_sql_jv_get(counts, "rejected"));
	dq_sql_row_val(&r, "score", dq_sql_jv_get(summary, "score"));
	dq_sql_row_val(&r, "passed", dq_sql_jv_get(summary, "passed"));
	dq_sql_row_val(&r, "contract_version", dq_sql_jv_get(summary, "contract_version"));
	dq_sql_row_json(&r, "summary", summary);
	dq_sql_row_end(&r, out, NULL);

	if (o->violations) {
		static const char *const details[] = { "line", "file",
			"category", "value", "message", "hint" };
		size_t k;
		int nd;

		pos = 0;
		doc_read(&d, o->violations);
		dq_sql_batch_init(&b);
		while ((v = next_line(&d, &pos)).type >= 0) {
			struct dq_sql_jv id = dq_sql_jv_get(v, "record_id");
			struct dq_sql_jv file = dq_sql_jv_get(v, "file");

			dq_buf_reset(&text);
			dq_buf_addch(&text, '{');
			for (k = nd = 0; k < sizeof(details) / sizeof(*details);
			     k++) {
				item = dq_sql_jv_get(v, details[k]);
				if (!strcmp(details[k], "value"))
					item = dq_sql_mask_value(
						dq_sql_jv_get(v, "field"),
						item, &mask);
				if (item.type < 0)
					continue;
				dq_buf_addf(&text, "%s\"%s\":", nd++ ? "," : "",
					    details[k]);
				dq_sql_json_compact(item.s, item.n, 0, &text);
			}
			dq_buf_addch(&text, '}');
			dq_sql_row_begin(&r, "dq_violation", 4, cr_as_char);
			dq_sql_row_str(&r, "entity", o->entity);
			if (file.type == DQ_JSON_STRING) {
				/* Records of several files: the same id (a
				 * line number) in two files is two records. */
				struct dq_buf key = DQ_BUF_INIT;
				struct dq_sql_jv kv;

				dq_buf_addch(&key, '[');
				dq_buf_add(&key, file.s, file.n);
				dq_buf_addch(&key, ',');
				if (id.type >= 0)
					dq_buf_add(&key, id.s, id.n);
				else
					dq_buf_addstr(&key, "null");
				dq_buf_addch(&key, ']');
				kv.s = key.buf;
				kv.n = key.len;
				kv.type = DQ_JSON_ARRAY;
				dq_sql_row_key(&r, "record_key", kv, NULL);
				dq_buf_release(&key);
			} else {
				dq_sql_row_key(&r, "record_key", id, NULL);
			}
			dq_sql_row_key(&r, "rule_code", dq_sql_jv_get(v, "code"), NULL);
			dq_sql_row_key(&r, "field", dq_sql_jv_get(v, "field"), NULL);
			dq_sql_row_val(&r, "record_id", id.type == DQ_JSON_STRING ||
				id.type == DQ_JSON_NUMBER ? id : dq_sql_jv_none);
			dq_sql_row_str(&r, "run_id", run_id);
			dq_sql_row_str(&r, "first_run_id", run_id);
			r.keep[r.n - 1] = 1;
			item = dq_sql_jv_get(v, "severity");
			if (item.type == DQ_JSON_STRING)
				dq_sql_row_val(&r, "severity", item);
			else
				dq_sql_row_str(&r, "severity", "error");
			dq_sql_row_json_text(&r, "details", &text);
			dq_sql_batch_row(&b, &r, out,
				  "status = CASE WHEN dq_violation.status IN "
				  KEPT_STATUS " THEN dq_violation.status "
				  "ELSE 'open' END\n"
				  "  WHERE NOT " NEWER("dq_violation.run_id",
						       "excluded.run_id"));
		}
		dq_sql_batch_end(&b, out);
		dq_sql_doc_release(&d);
		if (o->complete) {
			/* A run of the entity's whole data: what it no
			 * longer reports, and an earlier run did, has been
			 * fixed.  A partial load (the default) says nothing
			 * about the records it did not hold. */
			dq_buf_addstr(out, "UPDATE dq_violation SET status = "
				      "'fixed' WHERE entity = ");
			add_literal(out, o->entity, strlen(o->entity));
			dq_buf_addstr(out, " AND status = 'open' AND "
				      "run_id <> ");
			add_literal(out, run_id, strlen(run_id));
			dq_buf_addstr(out, " AND NOT coalesce(" RUN_TIME("run_id")
				      " > " RUN_TIME_OF);
			add_literal(out, run_id, strlen(run_id));
			dq_buf_addstr(out, "), FALSE);\n");
		}
	}

	if (o->profile) {
		struct dq_buf payload = DQ_BUF_INIT;
		struct dq_sql_jv profile = doc_json(&d, o->profile);

		dq_sql_row_begin(&r, "dq_profile", 1, cr_as_char);
		dq_sql_row_str(&r, "run_id", run_id);
		dq_sql_row_str(&r, "entity", o->entity);
		dq_sql_row_val(&r, "rows_profiled", dq_sql_jv_get(profile, "rows"));
		dq_sql_row_val(&r, "fields", dq_sql_jv_get(profile, "fields"));
		profile_payload(o, profile, &payload);
		dq_sql_row_json_text(&r, "payload", &payload);
		dq_sql_row_end(&r, out, NULL);
		dq_buf_release(&payload);
		dq_sql_doc_release(&d);
	}

	if (o->golden) {
		pos = 0;
		doc_read(&d, o->golden);
		dq_sql_batch_init(&b);
		while ((v = next_line(&d, &pos)).type >= 0) {
			struct dq_sql_jv meta = dq_sql_jv_get(v, "_dq");
			struct dq_walk w;
			struct dq_member m;
			int nm = 0;

			item = dq_sql_jv_get(meta, "cluster");
			if (item.type < 0 || item.type == DQ_JSON_NULL)
				dq_die("%s:%lu: golden record without "
				       "_dq.cluster", d.path, d.line);
			/* The record without its _dq member. */
			dq_buf_reset(&text);
			dq_buf_addch(&text, '{');
			dq_walk_begin(&w, v.s, v.n);
			while (dq_walk_member(&w, &m)) {
				if (dq_member_key_is(&m, "_dq", 3))
					continue;
				if (nm++)
					dq_buf_addch(&text, ',');
				dq_buf_addch(&text, '"');
				dq_buf_add(&text, m.key, m.keylen);
				dq_buf_addstr(&text, "\":");
				dq_sql_json_compact(m.val, m.vallen, 0, &text);
			}
			dq_buf_addch(&text, '}');
			dq_sql_mask_record(&text);
			dq_sql_row_begin(&r, "dq_golden_record", 2, cr_as_char);
			dq_sql_row_str(&r, "entity", o->entity);
			dq_sql_row_key(&r, "cluster_id", item, NULL);
			dq_sql_row_str(&r, "run_id", run_id);
			dq_sql_row_json_text(&r, "record", &text);
			dq_sql_row_json(&r, "members", dq_sql_jv_get(meta, "members"));
			dq_sql_row_json(&r, "provenance", dq_sql_jv_get(meta, "provenance"));
			dq_sql_batch_row(&b, &r, out, NULL);
		}
		dq_sql_batch_end(&b, out);
		dq_sql_doc_release(&d);
		delete_stale(out, "dq_golden_record", o->entity, run_id);
	}

	if (o->id_map) {
		pos = 0;
		doc_read(&d, o->id_map);
		dq_sql_batch_init(&b);
		while ((v = next_line(&d, &pos)).type >= 0) {
			struct dq_sql_jv id, cl;

			id = dq_sql_jv_get(v, "id");
			if (id.type < 0)
				id = dq_sql_jv_get(v, "record_id");
			cl = dq_sql_jv_get(v, "cluster");
			if (cl.type < 0)
				cl = dq_sql_jv_get(v, "cluster_id");
			if (id.type < 0 || id.type == DQ_JSON_NULL ||
			    cl.type < 0 || cl.type == DQ_JSON_NULL)
				dq_die("%s:%lu: id map line without id and "
				       "cluster", d.path, d.line);
			dq_sql_row_begin(&r, "dq_id_map", 2, cr_as_char);
			dq_sql_row_str(&r, "entity", o->entity);
			dq_sql_row_key(&r, "record_key", id, "record_id");
			dq_sql_row_key(&r, "cluster_id", cl, NULL);
			dq_sql_row_str(&r, "run_id", run_id);
			dq_sql_batch_row(&b, &r, out, NULL);
		}
		dq_sql_batch_end(&b, out);
		dq_sql_doc_release(&d);
		delete_stale(out, "dq_id_map", o->entity, run_id);
	}
	free(run_id);
	dq_buf_release(&text);
	dq_buf_release(&mask);
	dq_sql_doc_release(&ds);
}

/* See the declaration above monitoring(). */
static void
profile_payload(const struct opts *o, struct dq_sql_jv p, struct dq_buf *out)
{
	struct dq_buf mask = DQ_BUF_INIT;
	dq_sql_payload(dq_sql_mask_profile(p, &mask), o->max_value,
		       o->max_payload, out);
	dq_buf_release(&mask);
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
			  .max_value = 1024, .max_payload = 16777216,
			  .run_hour = -1, .file_size = -1,
			  .entity = "records", .db_schema = "reporting" };
	static const char *const dialects[] = { "sqlite", "postgres", NULL };
	static const char *const schemas[] = { "generic", "monitoring",
					       "reporting", NULL };
	struct dq_out sql;
	struct dq_contract contract;
	struct dq_pii pii;
	struct dq_buf *out;
	const char *ddl;
	int c;

	dq_run_setup("dq-sql");
	dq_contract_init(&contract);
	dq_pii_init(&pii);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:hV", longopts, NULL)) != -1) {
		switch (c) {
		case O_AGENCY:
			o.agency = text_arg("--agency", optarg);
			break;
		case 'c':
			o.contracts = dq_xrealloc(o.contracts,
						  (o.ncontracts + 1) *
						  sizeof(*o.contracts));
			o.contracts[o.ncontracts++] = optarg;
			break;
		case O_COMPLETE:
			o.complete = 1;
			break;
		case O_CREATE:
			o.create = 1;
			break;
		case O_DIALECT:
			if (dq_opt_enum("dialect", optarg, dialects,
					&o.postgres))
				usage_exit();
			break;
		case O_DB_SCHEMA:
			if (!*optarg || strlen(optarg) > 63 ||
			    strspn(optarg, "abcdefghijklmnopqrstuvwxyz_"
				   "0123456789") != strlen(optarg) ||
			    (*optarg >= '0' && *optarg <= '9'))
				usage_error("--db-schema '%s': not a lower-case "
					    "SQL name", optarg);
			o.db_schema = optarg;
			break;
		case O_ENTITY:
			o.entity = text_arg("--entity", optarg);
			if (strlen(o.entity) > DQ_SQL_KEY_MAX)
				usage_error("--entity: longer than %d bytes",
					    DQ_SQL_KEY_MAX);
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
		case O_MAX_PAYLOAD:
			if (dq_opt_int("max-payload-bytes", optarg, 4096,
				       MAX_PAYLOAD, &o.max_payload))
				usage_exit();
			break;
		case O_MAX_VALUE:
			if (dq_opt_int("max-value-bytes", optarg, 0,
				       MAX_PAYLOAD, &o.max_value))
				usage_exit();
			break;
		case O_MAX_VIOLATIONS:
			if (dq_opt_int("max-violations", optarg, 0,
				       (1LL << 62), &o.max_violations))
				usage_exit();
			break;
		case O_NO_TRANSACTION:
			o.transaction = 0;
			break;
		case O_REGISTER:
			o.reg = 1;
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
		case O_STARTED:
			o.started = text_arg("--started", optarg);
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
		if (o.run_id || o.source || o.started || o.complete)
			usage_error("--run-id, --source, --started and "
				    "--complete belong to the generic schema");
	} else if (o.agency || o.file || o.run_date || o.run_hour >= 0 ||
		   o.file_size >= 0 || o.last_modified) {
		usage_error("--agency, --file, --run-date, --run-hour, "
			    "--file-size and --last-modified belong to the "
			    "monitoring and reporting schemas");
	}
	if (o.monitoring && (o.summary || o.violations || o.profile ||
			     o.agency || o.file) &&
	    (!o.agency || !o.file || !o.run_date || o.run_hour < 0))
		usage_error("the %s schema needs --agency, --file, "
			    "--run-date and --run-hour", schemas[o.monitoring]);
	if (o.monitoring == 2) {
		/* The shared tables exist: they are never created. */
		if (o.create)
			usage_error("--create: the reporting tables are the "
				    "database's own, never created here");
		if (!o.postgres)
			usage_error("the reporting schema is PostgreSQL's: "
				    "--dialect postgres");
		if (o.violations)
			usage_error("--violations: the reporting schema keeps "
				    "one failed-validation row a run, from "
				    "the summary");
		if (o.agency && o.file_size < 0)
			usage_error("the reporting schema needs --file-size "
				    "(file_size is NOT NULL)");
	} else if (o.reg || strcmp(o.db_schema, "reporting") != 0) {
		usage_error("--register and --db-schema belong to the "
			    "reporting schema");
	}

	/* -c: the contract's sensitive fields, masked in every value
	 * written from data (sql/mask.h). */
	if (o.ncontracts &&
	    dq_run_load_contract(&contract, &pii, o.contracts, o.ncontracts)) {
		dq_pii_release(&pii);
		dq_contract_release(&contract);
		free(o.contracts);
		return 2;
	}

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
		ddl = o.monitoring == 1 ? monitoring_ddl : generic_ddl;
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
	if (o.monitoring == 2 && o.agency)
		reporting(&o, out);
	else if (o.monitoring == 1 && o.agency)
		monitoring(&o, out);
	else if (!o.monitoring && (o.summary || o.run_id || o.violations ||
				   o.profile || o.golden || o.id_map))
		generic(&o, out);
	if (o.transaction)
		dq_buf_addstr(out, "COMMIT;\n");

	dq_out_close(&sql);
	dq_pii_release(&pii);
	dq_contract_release(&contract);
	free(o.contracts);
	return 0;
}
