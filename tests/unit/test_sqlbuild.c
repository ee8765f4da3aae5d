/* Unit tests for lib/sql/load.c, generic.c, monitoring.c and reporting.c:
 * dq-sql's three schemas built from a small summary, violations file,
 * profile and id map, checked statement by statement (columns, keys,
 * the upsert's SET list and the stale-row deletes, the monitoring ids'
 * hashes, which a replay depends on); the load around them (preamble,
 * transaction, CREATE TABLE); and the errors, each returned, never an
 * exit: a golden record without a cluster, an id map line without an id,
 * a missing document, a generic run without an id. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sql/load.h"
#include "unit.h"

static char dir[] = "/tmp/test_sqlbuild.XXXXXX";
static char paths[8][64];

/* The path of the file name in dir, holding s. */
static const char *
put(int k, const char *name, const char *s)
{
	FILE *f;

	snprintf(paths[k], sizeof(paths[k]), "%s/%s", dir, name);
	f = fopen(paths[k], "w");
	fputs(s, f);
	fclose(f);
	return paths[k];
}

/* The statement of out that starts with start (at a line's start), up to
 * its ";\n" at a line's end, or "" when there is none.  Caller frees. */
static char *
stmt(const struct dq_buf *out, const char *start)
{
	const char *s = out->buf, *e;

	while (s && strncmp(s, start, strlen(start)) != 0) {
		s = strchr(s, '\n');
		if (s)
			s++;
	}
	if (!s)
		return strdup("");
	for (e = s; (e = strstr(e, ";\n")); e += 2)
		if (e[2] != ' ')
			break;
	return e ? strndup(s, (size_t)(e + 2 - s)) : strdup("");
}

#define STMT_IS(out, start, want, what)                                      \
	do {                                                                 \
		char *got_ = stmt(&(out), (start));                          \
		UNIT_STR(got_, (want), (what));                              \
		free(got_);                                                  \
	} while (0)

static const char summary[] =
	"{\"tool\":\"dq-validate\",\"run_id\":\"r1\","
	"\"started\":\"2026-12-01T00:00:00Z\",\"exit_status\":1,\"score\":40,"
	"\"passed\":false,\"pass_mark\":80,\"counts\":{\"in\":2,\"out\":2,"
	"\"quarantined\":0,\"rejected\":0},\"contract_version\":\"1.0\","
	"\"metrics\":{\"m\":1},\"deductions\":{\"format\":60},\"rules\":["
	"{\"code\":\"FMT-1\",\"check\":\"format\",\"field\":\"email\","
	"\"severity\":\"error\",\"category\":\"format\",\"checked\":2,"
	"\"failures\":1,\"tolerance\":0,\"passed\":false}]}\n";

static const char violations[] =
	"{\"run_id\":\"r1\",\"record_id\":\"P1\",\"line\":1,\"code\":\"FMT-1\","
	"\"severity\":\"error\",\"category\":\"format\",\"field\":\"email\","
	"\"value\":\"x\",\"message\":\"isn't an email\"}\n";

static void
test_monitoring(struct dq_sql_load *o)
{
	struct dq_buf out = DQ_BUF_INIT;

	o->schema = DQ_SQL_MONITORING;
	o->agency = "acme";
	o->file = "in.ndjson";
	o->run_date = "2026-12-01";
	o->run_hour = 8;
	UNIT_INT(dq_sql_monitoring(o, &out), 0, "monitoring: built");
	/* The ids are XXH3-64 of agency and file (and date and hour): a
	 * replay finds the same rows only while these stay. */
	STMT_IS(out, "INSERT INTO monitoring_file_run ",
		"INSERT INTO monitoring_file_run (id, monitoring_file_id, "
		"run_date, run_hour, file_size, file_last_modified, "
		"contract_version, records_in, records_rejected) VALUES "
		"('mfr-05f53155c6e514e3', 'mf-6b978d9132cbc9db', '2026-12-01', "
		"8, NULL, NULL, '1.0', 2, 0)\n  ON CONFLICT (id) DO UPDATE SET "
		"monitoring_file_id = excluded.monitoring_file_id, run_date = "
		"excluded.run_date, run_hour = excluded.run_hour, file_size = "
		"excluded.file_size, file_last_modified = "
		"excluded.file_last_modified, contract_version = "
		"excluded.contract_version, records_in = excluded.records_in, "
		"records_rejected = excluded.records_rejected;\n",
		"monitoring: the run, keyed by its hashed id");
	STMT_IS(out, "INSERT INTO monitoring_file_failed_validation ",
		"INSERT INTO monitoring_file_failed_validation "
		"(monitoring_file_run_id, seq, record_id, line, rule_code, "
		"severity, category, field, value, message, hint) VALUES "
		"('mfr-05f53155c6e514e3', 1, 'P1', 1, 'FMT-1', 'error', "
		"'format', 'email', '\"x\"', 'isn''t an email', NULL)\n  ON "
		"CONFLICT (monitoring_file_run_id, seq) DO UPDATE SET "
		"record_id = excluded.record_id, line = excluded.line, "
		"rule_code = excluded.rule_code, severity = excluded.severity, "
		"category = excluded.category, field = excluded.field, value = "
		"excluded.value, message = excluded.message, hint = "
		"excluded.hint;\n",
		"monitoring: a violation, keyed by run and place");
	STMT_IS(out, "DELETE FROM monitoring_file_failed_validation ",
		"DELETE FROM monitoring_file_failed_validation WHERE "
		"monitoring_file_run_id = 'mfr-05f53155c6e514e3' AND "
		"seq > 1;\n",
		"monitoring: a shorter replay leaves no stale rows");
	STMT_IS(out, "INSERT INTO monitoring_file_data_profile ",
		"INSERT INTO monitoring_file_data_profile "
		"(monitoring_file_run_id, rows_profiled, fields, payload) "
		"VALUES ('mfr-05f53155c6e514e3', 2, 3, "
		"'{\"rows\":2,\"fields\":3}')\n  ON CONFLICT "
		"(monitoring_file_run_id) DO UPDATE SET rows_profiled = "
		"excluded.rows_profiled, fields = excluded.fields, payload = "
		"excluded.payload;\n",
		"monitoring: the profile, compact");
	dq_buf_release(&out);
}

static void
test_reporting(struct dq_sql_load *o)
{
	struct dq_buf out = DQ_BUF_INIT;

	o->schema = DQ_SQL_REPORTING;
	o->postgres = 1;
	o->file_size = 10;
	o->profile = NULL;
	UNIT_INT(dq_sql_reporting(o, &out), 0, "reporting: built");
	STMT_IS(out,
		"INSERT INTO \"reporting\".\"monitoring_file_data_quality\"",
		"INSERT INTO \"reporting\".\"monitoring_file_data_quality\" AS "
		"t (score, passed, metrics, deductions, "
		"failed_validation_message, failed_validation_rules, "
		"created_at, updated_at, monitoring_file_run_id)\n  VALUES "
		"(40, FALSE, '{\"m\":1}', '{\"format\":60}', '1 of 1 checks "
		"failed: FMT-1 email: 1 of 2', "
		"'[{\"code\":\"FMT-1\",\"field\":\"email\","
		"\"severity\":\"error\",\"category\":\"format\",\"checked\":2,"
		"\"failures\":1,\"tolerance\":0}]', "
		"now(), now(), (SELECT id FROM "
		"\"reporting\".\"monitoring_file_run\" WHERE "
		"monitoring_file_id = (SELECT id FROM "
		"\"reporting\".\"monitoring_file\" WHERE agency_slug = 'acme' "
		"AND file_name = 'in.ndjson') AND run_date = '2026-12-01' AND "
		"run_hour = 8))\n  ON CONFLICT (monitoring_file_run_id) DO "
		"UPDATE SET score = excluded.score, passed = excluded.passed, "
		"metrics = excluded.metrics, deductions = excluded.deductions, "
		"failed_validation_message = "
		"excluded.failed_validation_message, failed_validation_rules = "
		"excluded.failed_validation_rules, updated_at = now()\n  WHERE "
		"(t.score, t.passed, t.metrics, t.deductions, "
		"t.failed_validation_message, t.failed_validation_rules) IS "
		"DISTINCT FROM (excluded.score, excluded.passed, "
		"excluded.metrics, excluded.deductions, "
		"excluded.failed_validation_message, "
		"excluded.failed_validation_rules);\n",
		"reporting: the quality row by its run, changed only when it "
		"differs");
	dq_buf_reset(&out);
	o->db_schema = "other";
	UNIT_INT(dq_sql_reporting(o, &out), 0, "reporting: another schema");
	UNIT_OK(strstr(out.buf, "INSERT INTO \"other\".\"monitoring_file_run\" "
			       "AS t (monitoring_file_id, ") != NULL,
		"reporting: the tables in the schema named");
	UNIT_OK(strstr(out.buf, "\"reporting\".") == NULL,
		"reporting: no table of the default schema");
	dq_buf_release(&out);
}

static void
test_generic(struct dq_sql_load *o)
{
	struct dq_buf out = DQ_BUF_INIT;

	o->schema = DQ_SQL_GENERIC;
	o->postgres = 0;
	UNIT_INT(dq_sql_generic(o, &out), 0, "generic: built");
	STMT_IS(out, "INSERT INTO dq_violation ",
		"INSERT INTO dq_violation (entity, record_key, rule_code, "
		"field, record_id, run_id, first_run_id, severity, details) "
		"VALUES ('records', 'P1', 'FMT-1', 'email', 'P1', 'r1', 'r1', "
		"'error', '{\"line\":1,\"category\":\"format\",\"value\":\"x\","
		"\"message\":\"isn''t an email\"}')\n  ON CONFLICT (entity, "
		"record_key, rule_code, field) DO UPDATE SET record_id = "
		"excluded.record_id, run_id = excluded.run_id, severity = "
		"excluded.severity, details = excluded.details, status = CASE "
		"WHEN dq_violation.status IN ('suppressed', 'won''t-fix') THEN "
		"dq_violation.status ELSE 'open' END\n  WHERE NOT "
		"coalesce((SELECT started_at FROM dq_run WHERE dq_run.id = "
		"dq_violation.run_id) > (SELECT started_at FROM dq_run WHERE "
		"dq_run.id = excluded.run_id), FALSE);\n",
		"generic: a violation by entity, record, rule and field; "
		"first_run_id kept, a person's status kept, a newer run's row "
		"kept");
	STMT_IS(out, "INSERT INTO dq_id_map ",
		"INSERT INTO dq_id_map (entity, record_key, record_id, "
		"cluster_id, run_id) VALUES ('records', 'P1', 'P1', 'c-1', "
		"'r1')\n  ON CONFLICT (entity, record_key) DO UPDATE SET "
		"record_id = excluded.record_id, cluster_id = "
		"excluded.cluster_id, run_id = excluded.run_id;\n",
		"generic: the id map by entity and record");
	STMT_IS(out, "DELETE FROM dq_id_map ",
		"DELETE FROM dq_id_map WHERE entity = 'records' AND run_id <> "
		"'r1';\n",
		"generic: the id map is the entity's whole state");
	UNIT_OK(strstr(out.buf, "UPDATE dq_violation SET status = 'fixed'") ==
			NULL,
		"generic: a partial run fixes nothing");
	dq_buf_reset(&out);
	o->complete = 1;
	UNIT_INT(dq_sql_generic(o, &out), 0, "generic: a complete run");
	STMT_IS(out, "UPDATE dq_violation ",
		"UPDATE dq_violation SET status = 'fixed' WHERE entity = "
		"'records' AND status = 'open' AND run_id <> 'r1' AND NOT "
		"coalesce((SELECT started_at FROM dq_run WHERE dq_run.id = "
		"run_id) > (SELECT started_at FROM dq_run WHERE dq_run.id = "
		"'r1'), FALSE);\n",
		"generic: a complete run fixes what it no longer reports");
	o->complete = 0;
	dq_buf_release(&out);
}

/* Errors come back as -1 (or DQ_SQL_NO_RUN_ID), never an exit. */
static void
test_errors(void)
{
	struct dq_buf out = DQ_BUF_INIT;
	struct dq_sql_load e;

	dq_sql_load_init(&e);
	e.run_id = "r";
	e.golden = put(5, "g.ndjson", "{\"id\":1,\"_dq\":{}}\n");
	UNIT_INT(dq_sql_generic(&e, &out), -1,
		 "a golden record without _dq.cluster: -1");
	e.golden = NULL;
	e.id_map = put(6, "bad-map.ndjson", "{\"cluster\":\"c\"}\n");
	UNIT_INT(dq_sql_generic(&e, &out), -1,
		 "an id map line without an id: -1");
	e.id_map = NULL;
	e.violations = put(7, "none.ndjson", "");
	unlink(paths[7]);
	UNIT_INT(dq_sql_generic(&e, &out), -1, "a missing document: -1");
	e.violations = NULL;
	e.run_id = NULL;
	e.summary = paths[2]; /* a profile: no run_id */
	UNIT_INT(dq_sql_load(&e, &out), DQ_SQL_NO_RUN_ID,
		 "no run id given or in the summary");
	dq_buf_release(&out);
}

/* The load around the rows. */
static void
test_load(void)
{
	struct dq_buf out = DQ_BUF_INIT;
	struct dq_sql_load e;
	const char *p;

	dq_sql_load_init(&e);
	UNIT_INT(dq_sql_load(&e, &out), 0, "nothing to load");
	UNIT_STR(out.buf, "BEGIN;\nCOMMIT;\n", "an empty transaction");
	dq_buf_reset(&out);
	e.postgres = 1;
	e.create = 1;
	e.transaction = 0;
	UNIT_INT(dq_sql_load(&e, &out), 0, "postgres, create");
	p = "SET standard_conforming_strings = on;\n"
	    "SET client_min_messages = warning;\n"
	    "CREATE TABLE IF NOT EXISTS dq_run (\n";
	UNIT_OK(strncmp(out.buf, p, strlen(p)) == 0,
		"the preamble, no BEGIN, then the generic tables");
	UNIT_OK(strstr(out.buf, "  summary JSONB\n") != NULL,
		"JSON columns are JSONB");
	UNIT_OK(strstr(out.buf, "COMMIT") == NULL, "no COMMIT");
	dq_buf_release(&out);
}

int
main(void)
{
	struct dq_sql_load o;

	dq_progname = "test_sqlbuild";
	if (!mkdtemp(dir))
		return 2;
	dq_sql_load_init(&o);
	o.summary = put(0, "s.json", summary);
	o.violations = put(1, "v.ndjson", violations);
	o.profile = put(2, "p.json", "{\"rows\":2,\"fields\":3}\n");
	o.id_map = put(3, "m.ndjson", "{\"id\":\"P1\",\"cluster\":\"c-1\"}\n");
	test_monitoring(&o);
	test_reporting(&o);
	test_generic(&o);
	test_errors();
	test_load();
	unlink(paths[0]);
	unlink(paths[1]);
	unlink(paths[2]);
	unlink(paths[3]);
	unlink(paths[5]);
	unlink(paths[6]);
	rmdir(dir);
	return unit_done();
}
