/*
 * dq-sql - turn dq documents into SQL upserts for SQLite and PostgreSQL.
 *
 * The story: parse options, check which go together, ask lib/sql/load.h
 * for the load (every named document read and checked as strict JSON,
 * one transaction of `INSERT ... ON CONFLICT (key) DO UPDATE SET col =
 * excluded.col` statements into dq's generic or monitoring tables or the
 * shared reporting tables as they exist), and write it to stdout only
 * when all of it was built, so an error leaves nothing half-written for
 * sqlite3 or psql.
 *
 * The schemas and their replay rules: lib/sql/generic.c, monitoring.c
 * and reporting.c; upserts, literals and long keys: lib/sql/sql.h; the
 * documents: lib/sql/doc.h; a summary's checks and score:
 * lib/sql/summary.h; the profile payload's caps: lib/sql/payload.h.
 * docs/sql.md describes the schemas.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "cli/opt.h"
#include "cli/run.h"
#include "sql/load.h"
#include "sql/sql.h"
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
	{ "contract", required_argument, NULL, 'c' },
	{ "complete", no_argument, NULL, O_COMPLETE },
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

static const char *
text_arg(const char *opt, const char *arg)
{
	if (!dq_utf8_valid(arg, strlen(arg)))
		dq_usage_error("%s: not valid UTF-8", opt);
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
	static const char *const dialects[] = { "sqlite", "postgres", NULL };
	static const char *const schemas[] = { "generic", "monitoring",
					       "reporting", NULL };
	struct dq_sql_load o;
	struct dq_opt_contract named = DQ_OPT_CONTRACT_INIT;
	struct dq_contract contract;
	struct dq_pii pii;
	struct dq_out sql;
	int c, rc;

	dq_run_setup("dq-sql");
	dq_sql_load_init(&o);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			dq_opt_contract_file(&named, optarg);
			break;
		case O_AGENCY:
			o.agency = text_arg("--agency", optarg);
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
				dq_usage_exit();
			break;
		case O_DB_SCHEMA:
			if (!*optarg || strlen(optarg) > 63 ||
			    strspn(optarg, "abcdefghijklmnopqrstuvwxyz_"
				   "0123456789") != strlen(optarg) ||
			    (*optarg >= '0' && *optarg <= '9'))
				dq_usage_error("--db-schema '%s': not a "
					       "lower-case SQL name", optarg);
			o.db_schema = optarg;
			break;
		case O_ENTITY:
			o.entity = text_arg("--entity", optarg);
			if (strlen(o.entity) > DQ_SQL_KEY_MAX)
				dq_usage_error("--entity: longer than %d bytes",
					       DQ_SQL_KEY_MAX);
			break;
		case O_FILE:
			o.file = text_arg("--file", optarg);
			break;
		case O_FILE_SIZE:
			if (dq_opt_int("file-size", optarg, 0, (1LL << 62),
				       &o.file_size))
				dq_usage_exit();
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
				       DQ_SQL_MAX_PAYLOAD, &o.max_payload))
				dq_usage_exit();
			break;
		case O_MAX_VALUE:
			if (dq_opt_int("max-value-bytes", optarg, 0,
				       DQ_SQL_MAX_PAYLOAD, &o.max_value))
				dq_usage_exit();
			break;
		case O_MAX_VIOLATIONS:
			if (dq_opt_int("max-violations", optarg, 0,
				       (1LL << 62), &o.max_violations))
				dq_usage_exit();
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
				dq_usage_error("--run-date '%s': not a date "
					       "YYYY-MM-DD", optarg);
			o.run_date = optarg;
			break;
		case O_RUN_HOUR:
			if (dq_opt_int("run-hour", optarg, 0, 23, &o.run_hour))
				dq_usage_exit();
			break;
		case O_RUN_ID:
			o.run_id = text_arg("--run-id", optarg);
			break;
		case O_SCHEMA:
			if (dq_opt_enum("schema", optarg, schemas,
					&o.schema))
				dq_usage_exit();
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
			dq_usage_error("option '%s' needs a value",
				       argv[optind - 1]);
		default:
			dq_usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		dq_usage_error("unexpected operand '%s'", argv[optind]);

	if (o.schema != DQ_SQL_GENERIC) {
		if (o.golden || o.id_map)
			dq_usage_error("--golden and --id-map belong to the "
				       "generic schema");
		if (o.run_id || o.source || o.started || o.complete)
			dq_usage_error("--run-id, --source, --started and "
				       "--complete belong to the generic "
				       "schema");
	} else if (o.agency || o.file || o.run_date || o.run_hour >= 0 ||
		   o.file_size >= 0 || o.last_modified) {
		dq_usage_error("--agency, --file, --run-date, --run-hour, "
			       "--file-size and --last-modified belong to the "
			       "monitoring and reporting schemas");
	}
	if (o.schema != DQ_SQL_GENERIC &&
	    (o.summary || o.violations || o.profile || o.agency || o.file) &&
	    (!o.agency || !o.file || !o.run_date || o.run_hour < 0))
		dq_usage_error("the %s schema needs --agency, --file, "
			       "--run-date and --run-hour", schemas[o.schema]);
	if (o.schema == DQ_SQL_REPORTING) {
		/* The shared tables exist: they are never created. */
		if (o.create)
			dq_usage_error("--create: the reporting tables are the "
				       "database's own, never created here");
		if (!o.postgres)
			dq_usage_error("the reporting schema is PostgreSQL's: "
				       "--dialect postgres");
		if (o.violations)
			dq_usage_error("--violations: the reporting schema "
				       "keeps one failed-validation row a "
				       "run, from the summary");
		if (o.agency && o.file_size < 0)
			dq_usage_error("the reporting schema needs --file-size "
				       "(file_size is NOT NULL)");
	} else if (o.reg || strcmp(o.db_schema, "reporting") != 0) {
		dq_usage_error("--register and --db-schema belong to the "
			       "reporting schema");
	}

	/* -c: the contract's sensitive fields, masked in every value
	 * written from data (sql/mask.h). */
	dq_contract_init(&contract);
	dq_pii_init(&pii);
	rc = named.nfiles ? dq_run_load_contract(&named, &contract, &pii) : 0;
	dq_opt_contract_release(&named);
	/* All of the SQL is built in the buffer before any of it is written:
	 * an error leaves nothing half-written for sqlite3 or psql. */
	dq_out_init(&sql);
	dq_out_fd(&sql, 1, "stdout");
	if (!rc)
		rc = dq_sql_load(&o, &sql.b);
	dq_pii_release(&pii);
	dq_contract_release(&contract);
	if (rc) {
		dq_buf_release(&sql.b);
		if (rc == DQ_SQL_NO_RUN_ID)
			dq_usage_exit();
		return 2;
	}
	dq_out_close(&sql);
	return 0;
}
