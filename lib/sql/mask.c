/*
 * mask.c - data values of dq-sql's rows in their shown form (sql/mask.h).
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "sql/mask.h"
#include "contract/pii.h"
#include "stream/json.h"

void
dq_sql_mask_record(struct dq_buf *rec)
{
	struct dq_buf t = DQ_BUF_INIT;

	if (!dq_pii_any())
		return;
	if (dq_pii_mask_object(rec->buf, rec->len, &t)) {
		dq_buf_reset(rec);
		dq_buf_add(rec, t.buf, t.len);
	}
	dq_buf_release(&t);
}

struct dq_sql_jv
dq_sql_mask_value(struct dq_sql_jv f, struct dq_sql_jv v, struct dq_buf *b)
{
	struct dq_buf name = DQ_BUF_INIT;
	struct dq_sql_jv r = v;
	size_t n = v.n;
	const char *s;

	if (!dq_pii_any() || f.type != DQ_JSON_STRING || v.type < 0)
		return v;
	dq_sql_jv_text(f, &name);
	dq_buf_reset(b);
	s = dq_pii_show_json(name.buf ? name.buf : "", v.s, &n, b);
	if (s != v.s) {
		r.s = s;
		r.n = n;
		r.type = v.type == DQ_JSON_NULL ? v.type : DQ_JSON_STRING;
		if (v.type == DQ_JSON_OBJECT || v.type == DQ_JSON_ARRAY)
			r.type = *s == '{' ? DQ_JSON_OBJECT :
				 *s == '[' ? DQ_JSON_ARRAY : DQ_JSON_STRING;
	}
	dq_buf_release(&name);
	return r;
}

/* The item v of parent (a value of field name) replaced by its shown
 * form: 1 when it changed. */
static int
show_item(cJSON *parent, cJSON *v, const char *name)
{
	struct dq_buf b = DQ_BUF_INIT;
	char *raw = cJSON_PrintUnformatted(v);
	size_t n;
	const char *s;
	int changed = 0;

	if (!raw)
		dq_die("out of memory");
	n = strlen(raw);
	s = dq_pii_show_json(name, raw, &n, &b);
	if (s != raw) {
		cJSON *x = cJSON_ParseWithLength(s, n);
		if (!x)
			dq_die("out of memory");
		if (v->string)
			cJSON_ReplaceItemInObjectCaseSensitive(parent,
							       v->string, x);
		else
			cJSON_ReplaceItemViaPointer(parent, v, x);
		changed = 1;
	}
	cJSON_free(raw);
	dq_buf_release(&b);
	return changed;
}

/* The "value" member of each element of the array a of field name. */
static void
show_values(cJSON *a, const char *name)
{
	cJSON *e;
	cJSON_ArrayForEach(e, a) {
		cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "value");
		if (v)
			show_item(e, v, name);
	}
}

static void
drop(cJSON *o, const char *const *keys)
{
	for (; *keys; keys++)
		cJSON_DeleteItemFromObjectCaseSensitive(o, *keys);
}

struct dq_sql_jv
dq_sql_mask_profile(struct dq_sql_jv p, struct dq_buf *b)
{
	/* What dq-profile leaves out of a sensitive field (profile/doc.c). */
	static const char *const stat_keys[] = {
		"min", "max", "mean", "stddev", "skewness", "sum", "zeros",
		"negatives", "quantiles", "quantilesExact",
		"quantileRankError", NULL };
	static const char *const dist_keys[] = { "histogram",
						 "histogramExact", NULL };
	static const char *const bound_keys[] = { "min", "max", "iqr",
						  "outliers",
						  "outlierExamples", NULL };
	static const char *const texts[] = { "minString", "maxString",
					     "minDate", "maxDate", NULL };
	struct dq_sql_jv r = p;
	cJSON *doc, *f, *x, *cols, *row;
	char *out;

	if (!dq_pii_any() || p.type != DQ_JSON_OBJECT)
		return p;
	doc = cJSON_ParseWithLength(p.s, p.n);
	if (!doc)
		dq_die("out of memory");
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(
				      doc, "valueDistributions")) {
		show_values(cJSON_GetObjectItemCaseSensitive(f, "topValues"),
			    f->string);
		if (dq_pii_hides(dq_pii_policy(dq_pii_active(), f->string,
					       strlen(f->string))))
			drop(f, dist_keys);
	}
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(
				      doc, "typeFormatIssues"))
		show_values(cJSON_GetObjectItemCaseSensitive(f, "examples"),
			    f->string);
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(
				      doc, "statisticalSummary"))
		if (dq_pii_hides(dq_pii_policy(dq_pii_active(), f->string,
					       strlen(f->string))))
			drop(f, stat_keys);
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(
				      doc, "boundsAnomalies")) {
		if (!dq_pii_hides(dq_pii_policy(dq_pii_active(), f->string,
						strlen(f->string))))
			continue;
		drop(f, bound_keys);
		for (int k = 0; texts[k]; k++)
			if (cJSON_GetObjectItemCaseSensitive(f, texts[k]))
				cJSON_ReplaceItemInObjectCaseSensitive(f,
					texts[k],
					cJSON_CreateString(DQ_PII_MASKED));
	}
	x = cJSON_GetObjectItemCaseSensitive(doc, "sampleData");
	cols = cJSON_GetObjectItemCaseSensitive(x, "columns");
	cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(x, "rows")) {
		cJSON *c = cols ? cols->child : NULL, *cell = row->child;
		for (; c && cell; c = c->next) {
			cJSON *next = cell->next;
			if (cJSON_IsString(c))
				show_item(row, cell, c->valuestring);
			cell = next;
		}
	}
	out = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (!out)
		dq_die("out of memory");
	dq_buf_reset(b);
	dq_buf_addstr(b, out);
	cJSON_free(out);
	r.s = b->buf;
	r.n = b->len;
	return r;
}
