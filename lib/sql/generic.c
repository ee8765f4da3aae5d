/*
 * generic.c - dq's generic schema (see load.h, docs/sql.md): runs, the
 * violations of an entity's records with a status people can set,
 * profiles, golden records and the id map.
 *
 * Order: runs are ordered by the time they started (dq_run.started_at:
 * the summary's "started", or o->started), not by the order they are
 * loaded, so loading an older run after a newer one leaves the newer
 * one's rows; violations become "fixed" only after a run that says it was
 * complete.  The golden records and the id map loaded are the entity's
 * whole current state: rows of other runs go.
 */
#include "sql/load.h"

#include <stdlib.h>
#include <string.h>

#include "sql/doc.h"
#include "sql/mask.h"
#include "sql/sql.h"
#include "stream/json.h"
#include "stream/walk.h"

/*
 * NEWER(a, b) is the SQL condition "run a started after run b", false
 * when either has no time (a run loaded without one counts as the
 * latest, as loading order is all there is to go by).
 */
#define RUN_TIME(id) "(SELECT started_at FROM dq_run WHERE dq_run.id = " id ")"
#define NEWER(a, b) "coalesce(" RUN_TIME(a) " > " RUN_TIME(b) ", FALSE)"
#define RUN_TIME_OF "(SELECT started_at FROM dq_run WHERE dq_run.id = "

/* The statuses people set, which no load changes. */
#define KEPT_STATUS "('suppressed', 'won''t-fix')"

/* A load under way. */
struct gen {
	const struct dq_sql_load *o;
	const char *run_id;
	int cr;                /* literals for the sqlite3 shell */
	struct dq_buf text;    /* scratch: a JSON column's text */
};

static void
add_str(const struct gen *g, struct dq_buf *out, const char *s)
{
	dq_sql_literal(out, s, strlen(s), g->cr);
}

/* Delete the entity's rows in table that the run did not write: the
 * file loaded is the entity's whole current state. */
static void
delete_stale(const struct gen *g, struct dq_buf *out, const char *table)
{
	dq_buf_addf(out, "DELETE FROM %s WHERE entity = ", table);
	add_str(g, out, g->o->entity);
	dq_buf_addstr(out, " AND run_id <> ");
	add_str(g, out, g->run_id);
	dq_buf_addstr(out, ";\n");
}

/* The run's row. */
static void
run_row(struct gen *g, struct dq_sql_jv summary, const char *status,
	struct dq_buf *out)
{
	const struct dq_sql_load *o = g->o;
	struct dq_sql_jv counts = dq_sql_jv_get(summary, "counts");
	struct dq_sql_row r;

	dq_sql_row_begin(&r, "dq_run", 1, g->cr);
	dq_sql_row_str(&r, "id", g->run_id);
	dq_sql_row_str(&r, "source", o->source);
	dq_sql_row_str(&r, "entity", o->entity);
	dq_sql_row_val(&r, "tool", dq_sql_jv_get(summary, "tool"));
	dq_sql_row_str(&r, "status", status);
	if (o->started)
		dq_sql_row_str(&r, "started_at", o->started);
	else
		dq_sql_row_val(&r, "started_at",
			       dq_sql_jv_get(summary, "started"));
	dq_sql_row_val(&r, "ended_at", dq_sql_jv_get(summary, "ended"));
	dq_sql_row_val(&r, "duration_ms",
		       dq_sql_jv_get(summary, "duration_ms"));
	dq_sql_row_val(&r, "records_in", dq_sql_jv_get(counts, "in"));
	dq_sql_row_val(&r, "records_out", dq_sql_jv_get(counts, "out"));
	dq_sql_row_val(&r, "records_quarantined",
		       dq_sql_jv_get(counts, "quarantined"));
	dq_sql_row_val(&r, "records_rejected",
		       dq_sql_jv_get(counts, "rejected"));
	dq_sql_row_val(&r, "score", dq_sql_jv_get(summary, "score"));
	dq_sql_row_val(&r, "passed", dq_sql_jv_get(summary, "passed"));
	dq_sql_row_val(&r, "contract_version",
		       dq_sql_jv_get(summary, "contract_version"));
	dq_sql_row_json(&r, "summary", summary);
	dq_sql_row_end(&r, out, NULL);
}

/* The violation line v's row: keyed by entity, record, rule and field;
 * the record of a file named is [file, id], since records of several
 * files may share an id (a line number). */
static void
violation_row(struct gen *g, struct dq_sql_jv v, struct dq_sql_batch *b,
	      struct dq_buf *out)
{
	static const char *const details[] = { "line", "file", "category",
		"value", "message", "hint" };
	struct dq_sql_jv id = dq_sql_jv_get(v, "record_id");
	struct dq_sql_jv file = dq_sql_jv_get(v, "file");
	struct dq_sql_jv item;
	struct dq_sql_row r;
	struct dq_buf mask = DQ_BUF_INIT; /* a value shown masked */
	size_t k;
	int nd;

	dq_buf_reset(&g->text);
	dq_buf_addch(&g->text, '{');
	for (k = nd = 0; k < sizeof(details) / sizeof(*details); k++) {
		item = dq_sql_jv_get(v, details[k]);
		if (!strcmp(details[k], "value"))
			item = dq_sql_mask_value(dq_sql_jv_get(v, "field"),
						 item, &mask);
		if (item.type < 0)
			continue;
		dq_buf_addf(&g->text, "%s\"%s\":", nd++ ? "," : "",
			    details[k]);
		dq_sql_json_compact(item.s, item.n, 0, &g->text);
	}
	dq_buf_addch(&g->text, '}');
	dq_buf_release(&mask);
	dq_sql_row_begin(&r, "dq_violation", 4, g->cr);
	dq_sql_row_str(&r, "entity", g->o->entity);
	if (file.type == DQ_JSON_STRING) {
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
	dq_sql_row_str(&r, "run_id", g->run_id);
	dq_sql_row_str(&r, "first_run_id", g->run_id);
	r.keep[r.n - 1] = 1;
	item = dq_sql_jv_get(v, "severity");
	if (item.type == DQ_JSON_STRING)
		dq_sql_row_val(&r, "severity", item);
	else
		dq_sql_row_str(&r, "severity", "error");
	dq_sql_row_json_text(&r, "details", &g->text);
	dq_sql_batch_row(b, &r, out,
			 "status = CASE WHEN dq_violation.status IN "
			 KEPT_STATUS " THEN dq_violation.status "
			 "ELSE 'open' END\n"
			 "  WHERE NOT " NEWER("dq_violation.run_id",
					      "excluded.run_id"));
}

/* The golden record v's row: the record without its _dq member. */
static int
golden_row(struct gen *g, const struct dq_sql_doc *d, struct dq_sql_jv v,
	   struct dq_sql_batch *b, struct dq_buf *out)
{
	struct dq_sql_jv meta = dq_sql_jv_get(v, "_dq");
	struct dq_sql_jv cluster = dq_sql_jv_get(meta, "cluster");
	struct dq_sql_row r;
	struct dq_walk w;
	struct dq_member m;
	int nm = 0;

	if (cluster.type < 0 || cluster.type == DQ_JSON_NULL)
		return dq_error("%s:%lu: golden record without _dq.cluster",
				d->path, d->line);
	dq_buf_reset(&g->text);
	dq_buf_addch(&g->text, '{');
	dq_walk_begin(&w, v.s, v.n);
	while (dq_walk_member(&w, &m)) {
		if (dq_member_key_is(&m, "_dq", 3))
			continue;
		if (nm++)
			dq_buf_addch(&g->text, ',');
		dq_buf_addch(&g->text, '"');
		dq_buf_add(&g->text, m.key, m.keylen);
		dq_buf_addstr(&g->text, "\":");
		dq_sql_json_compact(m.val, m.vallen, 0, &g->text);
	}
	dq_buf_addch(&g->text, '}');
	dq_sql_mask_record(&g->text);
	dq_sql_row_begin(&r, "dq_golden_record", 2, g->cr);
	dq_sql_row_str(&r, "entity", g->o->entity);
	dq_sql_row_key(&r, "cluster_id", cluster, NULL);
	dq_sql_row_str(&r, "run_id", g->run_id);
	dq_sql_row_json_text(&r, "record", &g->text);
	dq_sql_row_json(&r, "members", dq_sql_jv_get(meta, "members"));
	dq_sql_row_json(&r, "provenance", dq_sql_jv_get(meta, "provenance"));
	dq_sql_batch_row(b, &r, out, NULL);
	return 0;
}

/* The id map line v's row ("id" or "record_id", "cluster" or
 * "cluster_id"). */
static int
id_map_row(struct gen *g, const struct dq_sql_doc *d, struct dq_sql_jv v,
	   struct dq_sql_batch *b, struct dq_buf *out)
{
	struct dq_sql_jv id, cl;
	struct dq_sql_row r;

	id = dq_sql_jv_get(v, "id");
	if (id.type < 0)
		id = dq_sql_jv_get(v, "record_id");
	cl = dq_sql_jv_get(v, "cluster");
	if (cl.type < 0)
		cl = dq_sql_jv_get(v, "cluster_id");
	if (id.type < 0 || id.type == DQ_JSON_NULL || cl.type < 0 ||
	    cl.type == DQ_JSON_NULL)
		return dq_error("%s:%lu: id map line without id and cluster",
				d->path, d->line);
	dq_sql_row_begin(&r, "dq_id_map", 2, g->cr);
	dq_sql_row_str(&r, "entity", g->o->entity);
	dq_sql_row_key(&r, "record_key", id, "record_id");
	dq_sql_row_key(&r, "cluster_id", cl, NULL);
	dq_sql_row_str(&r, "run_id", g->run_id);
	dq_sql_batch_row(b, &r, out, NULL);
	return 0;
}

/* The kinds of NDJSON document, a row a line. */
enum { VIOLATIONS, GOLDEN, ID_MAP };

/* The rows of the NDJSON document path, of the kind given, batched. */
static int
ndjson_rows(struct gen *g, const char *path, int kind, struct dq_buf *out)
{
	struct dq_sql_batch b;
	struct dq_sql_doc d;
	struct dq_sql_jv v;
	size_t pos = 0;
	int rc;

	dq_sql_doc_init(&d);
	if (dq_sql_doc_read(&d, path)) {
		dq_sql_doc_release(&d);
		return -1;
	}
	dq_sql_batch_init(&b);
	while ((rc = dq_sql_doc_next(&d, &pos, &v)) > 0) {
		if (kind == VIOLATIONS)
			violation_row(g, v, &b, out);
		else if (kind == GOLDEN)
			rc = golden_row(g, &d, v, &b, out);
		else
			rc = id_map_row(g, &d, v, &b, out);
		if (rc < 0)
			break;
	}
	dq_sql_batch_end(&b, out);
	dq_sql_doc_release(&d);
	return rc < 0 ? -1 : 0;
}

/* A run of the entity's whole data: what it no longer reports, and an
 * earlier run did, has been fixed.  A partial load (the default) says
 * nothing about the records it did not hold. */
static void
fix_unreported(const struct gen *g, struct dq_buf *out)
{
	dq_buf_addstr(out, "UPDATE dq_violation SET status = 'fixed' WHERE "
		      "entity = ");
	add_str(g, out, g->o->entity);
	dq_buf_addstr(out, " AND status = 'open' AND run_id <> ");
	add_str(g, out, g->run_id);
	dq_buf_addstr(out, " AND NOT coalesce(" RUN_TIME("run_id")
		      " > " RUN_TIME_OF);
	add_str(g, out, g->run_id);
	dq_buf_addstr(out, "), FALSE);\n");
}

int
dq_sql_generic(const struct dq_sql_load *o, struct dq_buf *out)
{
	struct gen g = { o, NULL, !o->postgres, DQ_BUF_INIT };
	struct dq_sql_jv summary = dq_sql_jv_none, item;
	const char *status = "loaded";
	char *run_id = NULL;
	struct dq_sql_doc ds;
	int rc = -1;

	dq_sql_doc_init(&ds);
	if (o->summary) {
		if (dq_sql_doc_json(&ds, o->summary, &summary))
			goto out;
		item = dq_sql_jv_get(summary, "run_id");
		if (!o->run_id && item.type == DQ_JSON_STRING) {
			dq_sql_jv_text(item, &g.text);
			run_id = dq_buf_detach(&g.text, NULL);
		}
		item = dq_sql_jv_get(summary, "exit_status");
		if (item.type == DQ_JSON_NUMBER)
			status = item.n == 1 && *item.s == '0' ? "passed" :
				 item.n == 1 && *item.s == '1' ? "failed" :
								 "error";
	}
	if (o->run_id)
		run_id = dq_xstrdup(o->run_id);
	if (!run_id || !*run_id) {
		dq_error("the generic schema needs --run-id or a summary "
			 "with a run_id");
		rc = DQ_SQL_NO_RUN_ID;
		goto out;
	}
	g.run_id = run_id;

	run_row(&g, summary, status, out);
	if (o->violations) {
		if (ndjson_rows(&g, o->violations, VIOLATIONS, out))
			goto out;
		if (o->complete)
			fix_unreported(&g, out);
	}
	if (o->profile && dq_sql_load_profile(o, "dq_profile", "run_id", run_id,
						o->entity, out))
		goto out;
	if (o->golden) {
		if (ndjson_rows(&g, o->golden, GOLDEN, out))
			goto out;
		delete_stale(&g, out, "dq_golden_record");
	}
	if (o->id_map) {
		if (ndjson_rows(&g, o->id_map, ID_MAP, out))
			goto out;
		delete_stale(&g, out, "dq_id_map");
	}
	rc = 0;
out:
	free(run_id);
	dq_buf_release(&g.text);
	dq_sql_doc_release(&ds);
	return rc;
}
