/*
 * load.c - a load as a whole (see load.h): the dialect's preamble, the
 * transaction, the CREATE TABLE statements of dq's two schemas, and the
 * schema's rows (sql/generic.c, sql/monitoring.c, sql/reporting.c).
 */
#include "sql/load.h"

#include <string.h>

#include "sql/doc.h"
#include "sql/mask.h"
#include "sql/payload.h"
#include "sql/sql.h"

void
dq_sql_load_init(struct dq_sql_load *o)
{
	memset(o, 0, sizeof(*o));
	o->schema = DQ_SQL_GENERIC;
	o->transaction = 1;
	o->max_violations = 1000;
	o->max_value = 1024;
	o->max_payload = 16777216;
	o->run_hour = -1;
	o->file_size = -1;
	o->entity = "records";
	o->db_schema = "reporting";
}

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

/* Append the tables of o's schema, @JSON@ as the dialect's type. */
static void
add_ddl(const struct dq_sql_load *o, struct dq_buf *out)
{
	const char *ddl = o->schema == DQ_SQL_MONITORING ? monitoring_ddl :
							    generic_ddl;

	while (*ddl) {
		if (strncmp(ddl, "@JSON@", 6) == 0) {
			dq_buf_addstr(out, o->postgres ? "JSONB" : "TEXT");
			ddl += 6;
		} else {
			dq_buf_addch(out, *ddl++);
		}
	}
}

int
dq_sql_load_profile(const struct dq_sql_load *o, const char *table,
		    const char *key_col, const char *key, const char *entity,
		    struct dq_buf *out)
{
	struct dq_buf payload = DQ_BUF_INIT;
	struct dq_buf mask = DQ_BUF_INIT; /* the document shown masked */
	struct dq_sql_doc d;
	struct dq_sql_row r;
	struct dq_sql_jv p;

	dq_sql_doc_init(&d);
	if (dq_sql_doc_json(&d, o->profile, &p)) {
		dq_sql_doc_release(&d);
		return -1;
	}
	dq_sql_row_begin(&r, table, 1, !o->postgres);
	dq_sql_row_str(&r, key_col, key);
	if (entity)
		dq_sql_row_str(&r, "entity", entity);
	dq_sql_row_val(&r, "rows_profiled", dq_sql_jv_get(p, "rows"));
	dq_sql_row_val(&r, "fields", dq_sql_jv_get(p, "fields"));
	dq_sql_payload(dq_sql_mask_profile(p, &mask), o->max_value,
		       o->max_payload, &payload);
	dq_sql_row_json_text(&r, "payload", &payload);
	dq_sql_row_end(&r, out, NULL);
	dq_buf_release(&payload);
	dq_buf_release(&mask);
	dq_sql_doc_release(&d);
	return 0;
}

int
dq_sql_load(const struct dq_sql_load *o, struct dq_buf *out)
{
	int rc = 0;

	if (o->postgres)
		dq_buf_addstr(out, "SET standard_conforming_strings = on;\n"
			      "SET client_min_messages = warning;\n");
	if (o->transaction)
		dq_buf_addstr(out, "BEGIN;\n");
	/* The reporting tables are the database's own: never created. */
	if (o->create && o->schema != DQ_SQL_REPORTING)
		add_ddl(o, out);
	if (o->schema == DQ_SQL_REPORTING && o->agency)
		rc = dq_sql_reporting(o, out);
	else if (o->schema == DQ_SQL_MONITORING && o->agency)
		rc = dq_sql_monitoring(o, out);
	else if (o->schema == DQ_SQL_GENERIC &&
		 (o->summary || o->run_id || o->violations || o->profile ||
		  o->golden || o->id_map))
		rc = dq_sql_generic(o, out);
	if (rc)
		return rc;
	if (o->transaction)
		dq_buf_addstr(out, "COMMIT;\n");
	return 0;
}
