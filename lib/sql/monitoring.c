/*
 * monitoring.c - dq's monitoring-file schema (see load.h, docs/sql.md):
 * one row per file (agency and name), one run per file per hour, and per
 * run its data quality, its failed validations and its profile.
 *
 * Replay: a monitoring file's id is a hash of agency and file name, a
 * run's id a hash of those plus run date and hour (XXH3-64, 16 hex
 * digits), a violation row is numbered by its place in the violations
 * file.  Rows of the run that a shorter replay no longer produces are
 * deleted, and the file's latest score is recomputed from the stored runs
 * (the latest run date and hour wins), so loading the same documents again
 * leaves exactly the same rows, and loading older runs later does not
 * move "latest" backwards.
 */
#include "sql/load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "sql/doc.h"
#include "sql/mask.h"
#include "sql/sql.h"
#include "sql/summary.h"

/* prefix and the XXH3-64 of the parts, each ended by a NUL: none of them
 * (command-line text) can hold one, so different lists never hash the
 * same text. */
static void
hash_id(char *out, size_t n, const char *prefix, const char *const *parts,
	int nparts)
{
	struct dq_buf b = DQ_BUF_INIT;
	int i;

	for (i = 0; i < nparts; i++)
		dq_buf_add(&b, parts[i], strlen(parts[i]) + 1);
	snprintf(out, n, "%s%016llx", prefix,
		 (unsigned long long)XXH3_64bits(b.buf, b.len));
	dq_buf_release(&b);
}

/* The run's quality row, from the summary read from file. */
static int
quality(const struct dq_sql_load *o, struct dq_sql_jv summary,
	const char *run_id, struct dq_buf *out)
{
	struct dq_sql_jv score, passed;
	struct dq_buf rules = DQ_BUF_INIT;
	struct dq_sql_row r;
	char *msg;

	if (dq_sql_quality(summary, o->summary, &score, &passed))
		return -1;
	dq_sql_failed_rules(summary, &rules, &msg);
	dq_sql_row_begin(&r, "monitoring_file_data_quality", 1, !o->postgres);
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
	return 0;
}

/* The run's failed-validation rows, a row a line of the violations file
 * up to o->max_violations, and the delete of any beyond them. */
static int
failed_validations(const struct dq_sql_load *o, const char *run_id,
		   struct dq_buf *out)
{
	struct dq_sql_batch b;
	struct dq_sql_doc d;
	struct dq_sql_row r;
	struct dq_sql_jv v;
	struct dq_buf mask = DQ_BUF_INIT; /* a value shown masked */
	long long seq = 0;
	size_t pos = 0;
	int rc;

	dq_sql_doc_init(&d);
	if (dq_sql_doc_read(&d, o->violations)) {
		dq_sql_doc_release(&d);
		return -1;
	}
	dq_sql_batch_init(&b);
	while ((rc = dq_sql_doc_next(&d, &pos, &v)) > 0) {
		if (o->max_violations && seq >= o->max_violations)
			continue;
		dq_sql_row_begin(&r, "monitoring_file_failed_validation", 2,
				 !o->postgres);
		dq_sql_row_str(&r, "monitoring_file_run_id", run_id);
		dq_sql_row_int(&r, "seq", ++seq);
		dq_sql_row_text(&r, "record_id", dq_sql_jv_get(v, "record_id"));
		dq_sql_row_val(&r, "line", dq_sql_jv_get(v, "line"));
		dq_sql_row_text(&r, "rule_code", dq_sql_jv_get(v, "code"));
		dq_sql_row_val(&r, "severity", dq_sql_jv_get(v, "severity"));
		dq_sql_row_val(&r, "category", dq_sql_jv_get(v, "category"));
		dq_sql_row_val(&r, "field", dq_sql_jv_get(v, "field"));
		dq_sql_row_json(&r, "value",
				dq_sql_mask_value(dq_sql_jv_get(v, "field"),
						  dq_sql_jv_get(v, "value"),
						  &mask));
		dq_sql_row_val(&r, "message", dq_sql_jv_get(v, "message"));
		dq_sql_row_val(&r, "hint", dq_sql_jv_get(v, "hint"));
		dq_sql_batch_row(&b, &r, out, NULL);
	}
	dq_sql_batch_end(&b, out);
	dq_sql_doc_release(&d);
	dq_buf_release(&mask);
	if (rc < 0)
		return -1;
	/* A replay with fewer violations leaves no stale rows. */
	dq_buf_addstr(out, "DELETE FROM monitoring_file_failed_validation "
		      "WHERE monitoring_file_run_id = ");
	dq_sql_literal(out, run_id, strlen(run_id), !o->postgres);
	dq_buf_addf(out, " AND seq > %lld;\n", seq);
	return 0;
}

int
dq_sql_monitoring(const struct dq_sql_load *o, struct dq_buf *out)
{
	char file_id[40], run_id[40], hour[24];
	const char *parts[4];
	struct dq_sql_row r;
	struct dq_sql_jv summary = dq_sql_jv_none, counts = dq_sql_jv_none;
	struct dq_sql_doc ds;
	int rc = -1;

	snprintf(hour, sizeof(hour), "%lld", o->run_hour);
	parts[0] = o->agency;
	parts[1] = o->file;
	parts[2] = o->run_date;
	parts[3] = hour;
	hash_id(file_id, sizeof(file_id), "mf-", parts, 2);
	hash_id(run_id, sizeof(run_id), "mfr-", parts, 4);

	dq_sql_doc_init(&ds);
	if (o->summary) {
		if (dq_sql_doc_json(&ds, o->summary, &summary))
			goto out;
		counts = dq_sql_jv_get(summary, "counts");
	}

	dq_sql_row_begin(&r, "monitoring_file", 1, !o->postgres);
	dq_sql_row_str(&r, "id", file_id);
	dq_sql_row_str(&r, "agency_slug", o->agency);
	dq_sql_row_str(&r, "file_name", o->file);
	dq_sql_row_end(&r, out, NULL);

	dq_sql_row_begin(&r, "monitoring_file_run", 1, !o->postgres);
	dq_sql_row_str(&r, "id", run_id);
	dq_sql_row_str(&r, "monitoring_file_id", file_id);
	dq_sql_row_str(&r, "run_date", o->run_date);
	dq_sql_row_int(&r, "run_hour", o->run_hour);
	if (o->file_size >= 0)
		dq_sql_row_int(&r, "file_size", o->file_size);
	else
		dq_sql_row_str(&r, "file_size", NULL);
	dq_sql_row_str(&r, "file_last_modified", o->last_modified);
	dq_sql_row_val(&r, "contract_version",
		       dq_sql_jv_get(summary, "contract_version"));
	dq_sql_row_val(&r, "records_in", dq_sql_jv_get(counts, "in"));
	dq_sql_row_val(&r, "records_rejected",
		       dq_sql_jv_get(counts, "rejected"));
	dq_sql_row_end(&r, out, NULL);

	if (o->summary && quality(o, summary, run_id, out))
		goto out;

	if (o->violations) {
		if (failed_validations(o, run_id, out))
			goto out;
	} else if (o->summary) {
		/* The summary and its violations belong together: a run
		 * loaded again with a summary and no violations file has
		 * none, not the rows of an earlier load. */
		dq_buf_addstr(out, "DELETE FROM "
			      "monitoring_file_failed_validation "
			      "WHERE monitoring_file_run_id = ");
		dq_sql_literal(out, run_id, strlen(run_id), !o->postgres);
		dq_buf_addstr(out, ";\n");
	}

	if (o->profile &&
	    dq_sql_load_profile(o, "monitoring_file_data_profile",
				"monitoring_file_run_id", run_id, NULL, out))
		goto out;

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
	dq_sql_literal(out, file_id, strlen(file_id), !o->postgres);
	dq_buf_addstr(out, ";\n");
	rc = 0;
out:
	dq_sql_doc_release(&ds);
	return rc;
}
