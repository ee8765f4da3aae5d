/*
 * load.h - dq-sql's loads: the documents of one run (a dq-validate
 * summary and violations file, a dq-profile document, dq-merge's golden
 * records and id map) as one transaction of upserts into one of three
 * schemas (docs/sql.md):
 *
 *	generic      dq's own tables, dq_run, dq_violation, dq_profile,
 *	             dq_golden_record, dq_id_map (sql/generic.c)
 *	monitoring   dq's monitoring-file tables, one row per file and per
 *	             run of an hour (sql/monitoring.c)
 *	reporting    the shared reporting.* tables as they exist in a
 *	             PostgreSQL database, never created (sql/reporting.c)
 *
 * A program fills a struct dq_sql_load from its command line and asks for
 * the SQL:
 *
 *	struct dq_sql_load o;
 *	struct dq_buf out = DQ_BUF_INIT;
 *
 *	dq_sql_load_init(&o);
 *	o.schema = DQ_SQL_MONITORING;
 *	o.agency = "acme";
 *	o.file = "in.ndjson";
 *	o.run_date = "2026-11-21";
 *	o.run_hour = 8;
 *	o.summary = "summary.json";
 *	if (dq_sql_load(&o, &out))
 *		fail: a message was printed, out holds part of the SQL;
 *	write out, release it.
 *
 * The whole load is built before any of it is written, so an error leaves
 * nothing half-written for sqlite3 or psql.  Nothing here ends the
 * process: errors are printed with dq_error() and returned.
 *
 * Replay: every key is derived from the input, never from the clock, and
 * the rows of a run that a shorter replay no longer produces are deleted,
 * so loading the same documents again leaves exactly the same rows (each
 * schema's file says how).
 *
 * Which options go with which schema (--golden only with generic, the
 * four run options together) is the command line's business: the
 * functions below use the members their schema names and ignore the
 * others.
 */
#ifndef DQ_SQL_LOAD_H
#define DQ_SQL_LOAD_H

#include "base/util.h"

/* The schemas, in the order of dq-sql's --schema words. */
enum dq_sql_schema {
	DQ_SQL_GENERIC,
	DQ_SQL_MONITORING,
	DQ_SQL_REPORTING
};

/* jsonb holds at most 268435455 bytes, and numbers take more room in it
 * than as text: the payload cap stays well below. */
#define DQ_SQL_MAX_PAYLOAD (64LL << 20)

/* dq_sql_load() and dq_sql_generic(): the generic schema was given no
 * run id, and the summary has none (a usage error; the message is
 * printed). */
#define DQ_SQL_NO_RUN_ID (-2)

/* One load.  Strings are borrowed; NULL is "not given". */
struct dq_sql_load {
	int schema;      /* enum dq_sql_schema */
	int postgres;    /* dialect: 0 sqlite (CR as char(13)), 1 postgres */
	int create;      /* CREATE TABLE IF NOT EXISTS first (not reporting) */
	int transaction; /* BEGIN ... COMMIT around it (default 1) */

	/* The documents, paths ("-": stdin). */
	const char *summary, *violations, *profile, *golden, *id_map;
	long long max_violations; /* monitoring: rows a run, 0 all (1000) */
	long long max_value;      /* payload: bytes a string, 0 no cut (1024) */
	long long max_payload;    /* payload: bytes in all, 0 no cap (16 MiB) */

	/* The monitoring and reporting schemas' run. */
	const char *agency, *file, *run_date, *last_modified;
	long long run_hour;  /* 0-23 */
	long long file_size; /* -1: not given */
	const char *db_schema; /* reporting: the tables' schema ("reporting") */
	int reg;               /* reporting: add an unknown monitoring file */

	/* The generic schema's run. */
	const char *run_id;  /* default the summary's run_id */
	const char *source;
	const char *entity;  /* at most DQ_SQL_KEY_MAX bytes ("records") */
	const char *started; /* default the summary's started */
	int complete;        /* the run checked the entity's whole data */
};

/* The defaults above: generic, sqlite, a transaction, nothing else. */
void dq_sql_load_init(struct dq_sql_load *o);

/*
 * Append the whole load to out: the dialect's preamble, BEGIN, the
 * schema's CREATE TABLE statements when o->create, the rows of the
 * documents (none when the schema's run is not given: monitoring and
 * reporting without an agency, generic without a document or run id),
 * and COMMIT.  0; -1 after a message (a document unreadable, not valid
 * JSON or UTF-8, a summary without a score, a golden record without a
 * cluster); DQ_SQL_NO_RUN_ID.
 */
int dq_sql_load(const struct dq_sql_load *o, struct dq_buf *out);

/*
 * Each schema's rows alone, appended to out; the same results.  The
 * monitoring and reporting schemas need agency, file, run_date and
 * run_hour (reporting also file_size, and postgres).
 */
int dq_sql_generic(const struct dq_sql_load *o, struct dq_buf *out);
int dq_sql_monitoring(const struct dq_sql_load *o, struct dq_buf *out);
int dq_sql_reporting(const struct dq_sql_load *o, struct dq_buf *out);

/* For the schemas' files: the profile document o->profile as one upsert
 * into table, keyed by key_col = key, then entity when given, and
 * rows_profiled, fields and the payload cut to o's caps
 * (sql/payload.h).  0, or -1 after a message. */
int dq_sql_load_profile(const struct dq_sql_load *o, const char *table,
			const char *key_col, const char *key,
			const char *entity, struct dq_buf *out);

#endif
