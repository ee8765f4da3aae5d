/*
 * reporting.c - the shared reporting tables (see load.h;
 * ../shared/seeds/001-reporting-schema.sql, the Django models of the
 * monitoring-file design document), written as they exist in a
 * PostgreSQL database: nothing is created or altered.
 *
 * Ids come from the tables' own sequences, so every row is found by the
 * document's unique keys: the monitoring file by (agency_slug, file_name),
 * the run by (monitoring_file_id, run_date, run_hour), the quality,
 * profile and failed-validation rows by their run.  An upsert changes a
 * row (and its updated_at) only when a value differs, so a replay leaves
 * every table as it was.  The acknowledgment columns are never named.
 */
#include "sql/load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql/doc.h"
#include "sql/payload.h"
#include "sql/sql.h"
#include "sql/summary.h"
#include "stream/json.h"

/* The runs that give latest_data_quality_score: not a run whose only
 * quality row records a processing failure (dq-s3-event writes it with
 * score 0 and metrics.processingFailed when the file was never checked). */
#define LATEST_CHECKED " AND NOT q.metrics ? 'processingFailed'"

/* A load under way: the monitoring file and the run as subqueries by
 * their keys. */
struct rep {
	const struct dq_sql_load *o;
	struct dq_buf mf;  /* (SELECT id FROM monitoring_file WHERE ...) */
	struct dq_buf run; /* (SELECT id FROM monitoring_file_run WHERE ...) */
};

/* Append the table name as a schema-qualified identifier. */
static void
add_table(const struct rep *p, struct dq_buf *out, const char *table)
{
	dq_buf_addf(out, "\"%s\".\"%s\"", p->o->db_schema, table);
}

/* Append s as a literal of the dialect. */
static void
add_str(const struct rep *p, struct dq_buf *out, const char *s)
{
	dq_sql_literal(out, s, strlen(s), !p->o->postgres);
}

/* A value for an INSERT's list: the literal of b's text. */
static void
lit(const struct rep *p, struct dq_buf *out, const struct dq_buf *b)
{
	dq_sql_literal(out, b->len ? b->buf : "", b->len, !p->o->postgres);
}

/* A JSON object's compact text as a literal; '{}' for anything else
 * (the NOT NULL JSON columns' Django default). */
static void
object_lit(const struct rep *p, struct dq_buf *out, struct dq_sql_jv j)
{
	struct dq_buf c = DQ_BUF_INIT;

	if (j.type == DQ_JSON_OBJECT)
		dq_sql_json_compact(j.s, j.n, 0, &c);
	else
		dq_buf_addstr(&c, "{}");
	lit(p, out, &c);
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

/* "INSERT INTO table AS t (": the start of each upsert. */
static void
insert_into(const struct rep *p, struct dq_buf *out, const char *table)
{
	dq_buf_addstr(out, "INSERT INTO ");
	add_table(p, out, table);
}

/* One monitoring file by (agency_slug, file_name), or an error that rolls
 * the transaction back: the table has no unique constraint on the pair,
 * so two rows are an error too. */
static void
check_file(const struct rep *p, struct dq_buf *out)
{
	const struct dq_sql_load *o = p->o;
	struct dq_buf body = DQ_BUF_INIT;
	char tag[24];
	int k;

	dq_buf_addstr(&body, "\nDECLARE n integer;\nBEGIN\n  SELECT count(*) "
		      "INTO n FROM ");
	add_table(p, &body, "monitoring_file");
	dq_buf_addstr(&body, " WHERE agency_slug = ");
	add_str(p, &body, o->agency);
	dq_buf_addstr(&body, " AND file_name = ");
	add_str(p, &body, o->file);
	dq_buf_addstr(&body, ";\n  IF n <> 1 THEN\n    RAISE EXCEPTION "
		      "'% monitoring files for agency %, file % "
		      "(reporting.monitoring_file holds the files to check)', "
		      "n, ");
	add_str(p, &body, o->agency);
	dq_buf_addstr(&body, ", ");
	add_str(p, &body, o->file);
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
	dq_buf_release(&body);
}

/* The run by its key; its file and size change in place. */
static void
run_row(const struct rep *p, struct dq_buf *out)
{
	static const char *const cols[] = { "file_last_modified",
		"file_size", NULL };
	const struct dq_sql_load *o = p->o;

	insert_into(p, out, "monitoring_file_run");
	dq_buf_addstr(out, " AS t (monitoring_file_id, created_at, "
		      "updated_at, file_last_modified, file_size, run_date, "
		      "run_hour)\n  VALUES (");
	dq_buf_add(out, p->mf.buf, p->mf.len);
	dq_buf_addstr(out, ", now(), now(), ");
	if (o->last_modified) {
		add_str(p, out, o->last_modified);
		dq_buf_addstr(out, "::timestamptz");
	} else {
		dq_buf_addstr(out, "NULL");
	}
	dq_buf_addf(out, ", %lld, '%s', %lld)", o->file_size < 0 ? 0 :
		    o->file_size, o->run_date, o->run_hour);
	upsert_tail(out, "monitoring_file_id, run_date, run_hour", cols);
}

/* The run's one failed-validation row (the failed checks joined, the
 * message cut to the column), or its delete when none failed. */
static void
failed_row(const struct rep *p, struct dq_sql_jv summary, const char *msg,
	   struct dq_buf *out)
{
	static const char *const cols[] = { "rule_name", "rule_type",
		"rule_path", "validated_field_names", "validated_values",
		"rule_parameters", "validated_message", "monitoring_file_id",
		NULL };
	struct dq_sql_failed fv;

	if (dq_sql_failed_columns(summary, &fv)) {
		struct dq_buf m = DQ_BUF_INIT;
		const struct dq_buf *vals[] = { &fv.name, &fv.type, &fv.path,
			&fv.fields, &fv.values, &fv.params, &m };
		size_t i;

		dq_buf_addstr(&m, msg);
		dq_sql_cut_chars(&m, DQ_SQL_VARCHAR_MAX);
		insert_into(p, out, "monitoring_file_failed_validation");
		dq_buf_addstr(out, " AS t (rule_name, rule_type, "
			      "rule_path, validated_field_names, "
			      "validated_values, rule_parameters, "
			      "validated_message, monitoring_file_id, "
			      "validated_at, created_at, updated_at, "
			      "monitoring_file_run_id)\n  VALUES (");
		for (i = 0; i < sizeof(vals) / sizeof(*vals); i++) {
			lit(p, out, vals[i]);
			dq_buf_addstr(out, ", ");
		}
		dq_buf_add(out, p->mf.buf, p->mf.len);
		dq_buf_addstr(out, ", now(), now(), NULL, ");
		dq_buf_add(out, p->run.buf, p->run.len);
		dq_buf_addch(out, ')');
		upsert_tail(out, "monitoring_file_run_id", cols);
		dq_buf_release(&m);
	} else {
		dq_buf_addstr(out, "DELETE FROM ");
		add_table(p, out, "monitoring_file_failed_validation");
		dq_buf_addstr(out, " WHERE monitoring_file_run_id = ");
		dq_buf_add(out, p->run.buf, p->run.len);
		dq_buf_addstr(out, ";\n");
	}
	dq_sql_failed_release(&fv);
}

/* The run's quality row and failed-validation row, from the summary. */
static int
quality(const struct rep *p, struct dq_buf *out)
{
	static const char *const cols[] = { "score", "passed", "metrics",
		"deductions", "failed_validation_message",
		"failed_validation_rules", NULL };
	struct dq_sql_jv summary, score, passed;
	struct dq_buf rules = DQ_BUF_INIT;
	struct dq_sql_doc d;
	char *msg;

	dq_sql_doc_init(&d);
	if (dq_sql_doc_json(&d, p->o->summary, &summary) ||
	    dq_sql_quality(summary, p->o->summary, &score, &passed)) {
		dq_sql_doc_release(&d);
		return -1;
	}
	dq_sql_failed_rules(summary, &rules, &msg);
	insert_into(p, out, "monitoring_file_data_quality");
	dq_buf_addstr(out, " AS t (score, passed, metrics, deductions, "
		      "failed_validation_message, "
		      "failed_validation_rules, created_at, "
		      "updated_at, monitoring_file_run_id)\n  VALUES (");
	dq_buf_add(out, score.s, score.n);
	dq_buf_addstr(out, passed.type == DQ_JSON_TRUE ? ", TRUE, " :
		      ", FALSE, ");
	object_lit(p, out, dq_sql_jv_get(summary, "metrics"));
	dq_buf_addstr(out, ", ");
	object_lit(p, out, dq_sql_jv_get(summary, "deductions"));
	dq_buf_addstr(out, ", ");
	if (msg) {
		add_str(p, out, msg);
		dq_buf_addstr(out, ", ");
		lit(p, out, &rules);
	} else {
		dq_buf_addstr(out, "NULL, NULL");
	}
	dq_buf_addstr(out, ", now(), now(), ");
	dq_buf_add(out, p->run.buf, p->run.len);
	dq_buf_addch(out, ')');
	upsert_tail(out, "monitoring_file_run_id", cols);
	failed_row(p, summary, msg, out);
	free(msg);
	dq_buf_release(&rules);
	dq_sql_doc_release(&d);
	return 0;
}

/* The run's profile row. */
static int
profile(const struct rep *p, struct dq_buf *out)
{
	static const char *const cols[] = { "profile_payload", NULL };
	struct dq_buf t = DQ_BUF_INIT;
	struct dq_sql_doc d;
	struct dq_sql_jv prof;

	dq_sql_doc_init(&d);
	if (dq_sql_doc_json(&d, p->o->profile, &prof)) {
		dq_sql_doc_release(&d);
		return -1;
	}
	dq_sql_payload(prof, p->o->max_value, p->o->max_payload, &t);
	insert_into(p, out, "monitoring_file_data_profile");
	dq_buf_addstr(out, " AS t (profile_payload, created_at, "
		      "updated_at, monitoring_file_run_id)\n  VALUES (");
	lit(p, out, &t);
	dq_buf_addstr(out, ", now(), now(), ");
	dq_buf_add(out, p->run.buf, p->run.len);
	dq_buf_addch(out, ')');
	upsert_tail(out, "monitoring_file_run_id", cols);
	dq_buf_release(&t);
	dq_sql_doc_release(&d);
	return 0;
}

/* "(SELECT q.score FROM run r JOIN quality q ... LIMIT 1": the score of
 * the file's latest checked run by date and hour. */
static void
latest_score(const struct rep *p, struct dq_buf *out)
{
	dq_buf_addstr(out, "(SELECT q.score FROM ");
	add_table(p, out, "monitoring_file_run");
	dq_buf_addstr(out, " r JOIN ");
	add_table(p, out, "monitoring_file_data_quality");
	dq_buf_addstr(out, " q ON q.monitoring_file_run_id = r.id\n"
		      "    WHERE r.monitoring_file_id = f.id" LATEST_CHECKED
		      " ORDER BY r.run_date DESC, r.run_hour DESC LIMIT 1");
}

int
dq_sql_reporting(const struct dq_sql_load *o, struct dq_buf *out)
{
	struct rep p = { o, DQ_BUF_INIT, DQ_BUF_INIT };
	int rc = -1;

	dq_buf_addstr(&p.mf, "(SELECT id FROM ");
	add_table(&p, &p.mf, "monitoring_file");
	dq_buf_addstr(&p.mf, " WHERE agency_slug = ");
	add_str(&p, &p.mf, o->agency);
	dq_buf_addstr(&p.mf, " AND file_name = ");
	add_str(&p, &p.mf, o->file);
	dq_buf_addch(&p.mf, ')');
	dq_buf_addstr(&p.run, "(SELECT id FROM ");
	add_table(&p, &p.run, "monitoring_file_run");
	dq_buf_addstr(&p.run, " WHERE monitoring_file_id = ");
	dq_buf_add(&p.run, p.mf.buf, p.mf.len);
	dq_buf_addf(&p.run, " AND run_date = '%s' AND run_hour = %lld)",
		    o->run_date, o->run_hour);

	if (o->reg) {
		dq_buf_addstr(out, "INSERT INTO ");
		add_table(&p, out, "monitoring_file");
		dq_buf_addstr(out, " (file_name, agency_slug) SELECT ");
		add_str(&p, out, o->file);
		dq_buf_addstr(out, ", ");
		add_str(&p, out, o->agency);
		dq_buf_addstr(out, "\n  WHERE NOT EXISTS ");
		dq_buf_add(out, p.mf.buf, p.mf.len);
		dq_buf_addstr(out, ";\n");
	}
	check_file(&p, out);
	run_row(&p, out);
	if (o->summary && quality(&p, out))
		goto out;
	if (o->profile && profile(&p, out))
		goto out;

	/* The latest run by date and hour gives the file's score, whatever
	 * the order of loading. */
	dq_buf_addstr(out, "UPDATE ");
	add_table(&p, out, "monitoring_file");
	dq_buf_addstr(out, " AS f SET latest_data_quality_score = ");
	latest_score(&p, out);
	dq_buf_addstr(out, ")\n  WHERE f.id = ");
	dq_buf_add(out, p.mf.buf, p.mf.len);
	dq_buf_addstr(out, " AND f.latest_data_quality_score IS DISTINCT "
		      "FROM ");
	latest_score(&p, out);
	dq_buf_addstr(out, ");\n");
	rc = 0;
out:
	dq_buf_release(&p.mf);
	dq_buf_release(&p.run);
	return rc;
}
