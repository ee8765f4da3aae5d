/*
 * fields.c - dq-report's fields section: one panel per field of a
 * dq-profile document (docs/profile.md), in the document's order.
 *
 * Everything shown is already in the document, which dq-profile bounds
 * by its own caps; this file cuts the lists again at caps.top so that the
 * page does not grow with a profile made with larger ones.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/html.h"
#include "report/report.h"

static const cJSON *
section_of(const cJSON *p, const char *sec, const char *field)
{
	return cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(p, sec), field);
}

/* A "label: figure" item of the panel's grid. */
static void
item(struct dq_buf *b, const char *label, double v, enum dq_html_fmt fmt)
{
	if (isnan(v))
		return;
	dq_buf_addstr(b, "<span>");
	dq_html_str(b, label);
	dq_buf_addstr(b, ": <b>");
	dq_html_fig(b, v, fmt);
	dq_buf_addstr(b, "</b></span>");
}

/* Bars of an object's members {name: count}. */
static void
object_bars(struct dq_buf *b, const cJSON *o)
{
	size_t n = (size_t)cJSON_GetArraySize(o), i = 0;
	const char **lab;
	double *val;
	const cJSON *it;

	if (!n)
		return;
	lab = dq_xcalloc(n, sizeof(*lab));
	val = dq_xcalloc(n, sizeof(*val));
	cJSON_ArrayForEach(it, o)
	{
		lab[i] = it->string;
		val[i++] = cJSON_IsNumber(it) ? it->valuedouble : 0;
	}
	dq_html_bars(b, lab, val, n, 40, DQ_HTML_COUNT);
	free(lab);
	free(val);
}

/* Bars of an array of {key: ..., "count": n}, at most cap of them; the
 * labels are values of field (through dq_report_value_text) when field
 * is not NULL, else the strings themselves. */
static void
list_bars(const struct dq_report *r, struct dq_buf *b, const cJSON *a,
	  const char *key, const char *field, long long cap)
{
	size_t n = (size_t)cJSON_GetArraySize(a), i = 0;
	struct dq_buf *t;
	const char **lab;
	double *val;
	const cJSON *it;

	if ((long long)n > cap)
		n = (size_t)cap;
	if (!n)
		return;
	t = dq_xcalloc(n, sizeof(*t));
	lab = dq_xcalloc(n, sizeof(*lab));
	val = dq_xcalloc(n, sizeof(*val));
	cJSON_ArrayForEach(it, a)
	{
		if (i == n)
			break;
		dq_buf_init(&t[i], 0);
		dq_report_value_text(r, &t[i], field,
				     cJSON_GetObjectItemCaseSensitive(it, key));
		lab[i] = t[i].buf;
		val[i++] = dq_report_num(it, "count");
	}
	dq_html_bars(b, lab, val, n, (size_t)r->caps.value_chars,
		     DQ_HTML_COUNT);
	for (i = 0; i < n; i++)
		dq_buf_release(&t[i]);
	free(t);
	free(lab);
	free(val);
}

static void
quantiles(struct dq_buf *b, const cJSON *stat)
{
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(stat, "quantiles");
	const cJSON *it;

	if (!cJSON_IsObject(q))
		return;
	dq_buf_addstr(b, "<table><tr><th>min</th>");
	cJSON_ArrayForEach(it, q)
	{
		dq_buf_addstr(b, "<th>");
		dq_html_str(b, it->string);
		dq_buf_addstr(b, "</th>");
	}
	dq_buf_addstr(b, "<th>max</th><th>mean</th><th>stddev</th></tr><tr>");
	dq_buf_addstr(b, "<td class=\"n\">");
	dq_html_num(b, dq_report_num(stat, "min"));
	dq_buf_addstr(b, "</td>");
	cJSON_ArrayForEach(it, q)
	{
		dq_buf_addstr(b, "<td class=\"n\">");
		if (cJSON_IsNumber(it))
			dq_html_num(b, it->valuedouble);
		dq_buf_addstr(b, "</td>");
	}
	static const char *const tail[] = { "max", "mean", "stddev" };
	for (size_t k = 0; k < 3; k++) {
		dq_buf_addstr(b, "<td class=\"n\">");
		dq_html_num(b, dq_report_num(stat, tail[k]));
		dq_buf_addstr(b, "</td>");
	}
	dq_buf_addstr(b, "</tr></table>");
}

static void
histogram(struct dq_buf *b, const cJSON *h)
{
	size_t n = (size_t)cJSON_GetArraySize(h), i = 0;
	uint64_t *c;
	const cJSON *it;
	double lo, hi;

	if (!n)
		return;
	c = dq_xcalloc(n, sizeof(*c));
	cJSON_ArrayForEach(it, h)
	{
		double v = dq_report_num(it, "count");
		c[i++] = v > 0 ? (uint64_t)v : 0;
	}
	lo = dq_report_num(cJSON_GetArrayItem(h, 0), "from");
	hi = dq_report_num(cJSON_GetArrayItem(h, (int)n - 1), "to");
	if (!isnan(lo) && !isnan(hi))
		dq_html_histogram(b, c, n, lo, hi, NULL, NULL, 0);
	free(c);
}

static void
outliers(const struct dq_report *r, struct dq_buf *b, const char *field,
	 const cJSON *bounds)
{
	const cJSON *ex = cJSON_GetObjectItemCaseSensitive(bounds,
							   "outlierExamples");
	const cJSON *iqr = cJSON_GetObjectItemCaseSensitive(bounds, "iqr");
	double n = dq_report_num(bounds, "outliers");
	const cJSON *it;
	long long k = 0;

	if (isnan(n))
		return;
	dq_buf_addstr(b, "<p>Outliers (outside ");
	dq_html_num(b, dq_report_num(iqr, "lowerFence"));
	dq_buf_addstr(b, " .. ");
	dq_html_num(b, dq_report_num(iqr, "upperFence"));
	dq_buf_addstr(b, "): <b>");
	dq_html_count(b, n);
	dq_buf_addstr(b, "</b>");
	cJSON_ArrayForEach(it, ex)
	{
		if (k++ >= r->caps.top)
			break;
		dq_buf_addstr(b, k == 1 ? " &mdash; " : ", ");
		dq_report_value(r, b, field, it);
	}
	dq_buf_addstr(b, "</p>");
}

static void
field_panel(const struct dq_report *r, struct dq_buf *b, const cJSON *p,
	    const char *f)
{
	const cJSON *stat = section_of(p, "statisticalSummary", f);
	const cJSON *comp = section_of(p, "completenessOverview", f);
	const cJSON *types = section_of(p, "typeFormatIssues", f);
	const cJSON *uniq = section_of(p, "uniquenessOverview", f);
	const cJSON *dist = section_of(p, "valueDistributions", f);
	const cJSON *bounds = section_of(p, "boundsAnomalies", f);
	const char *type = dq_report_strv(stat, "type");
	const cJSON *exact = cJSON_GetObjectItemCaseSensitive(uniq,
							      "distinctExact");
	const cJSON *ex = cJSON_GetObjectItemCaseSensitive(types, "examples");

	dq_buf_addstr(b, "<div class=\"field\"><h3>");
	dq_html_str(b, f);
	if (type) {
		dq_buf_addstr(b, " <span class=\"muted\">");
		dq_html_str(b, type);
		dq_buf_addstr(b, "</span>");
	}
	dq_buf_addstr(b, "</h3><div class=\"grid\">");
	item(b, "completeness", dq_report_num(comp, "completeness"),
	     DQ_HTML_PCT);
	item(b, "present", dq_report_num(comp, "present"), DQ_HTML_COUNT);
	item(b, "missing", dq_report_num(comp, "missing"), DQ_HTML_COUNT);
	item(b, "null", dq_report_num(comp, "null"), DQ_HTML_COUNT);
	item(b, "empty", dq_report_num(comp, "empty"), DQ_HTML_COUNT);
	item(b, cJSON_IsFalse(exact) ? "distinct (estimate)" : "distinct",
	     dq_report_num(uniq, "distinct"), DQ_HTML_COUNT);
	item(b, "type issues", dq_report_num(types, "issues"), DQ_HTML_COUNT);
	dq_buf_addstr(b, "</div>");
	if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(types,
								"types"))) {
		dq_buf_addstr(b, "<h4>Type mix</h4>");
		object_bars(b, cJSON_GetObjectItemCaseSensitive(types,
								"types"));
	}
	if (cJSON_GetArraySize(ex) && r->caps.examples) {
		const cJSON *it;
		long long k = 0;
		dq_buf_addstr(b, "<p>Not of the dominant type:");
		cJSON_ArrayForEach(it, ex)
		{
			if (k++ >= r->caps.examples)
				break;
			dq_buf_addstr(b, k == 1 ? " " : ", ");
			dq_report_value(r, b, f,
					cJSON_GetObjectItemCaseSensitive(
						it, "value"));
			dq_buf_addstr(b, " (");
			dq_html_str(b, dq_report_strv(it, "type"));
			dq_buf_addstr(b, ")");
		}
		dq_buf_addstr(b, "</p>");
	}
	quantiles(b, stat);
	if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(dist,
								"histogram"))) {
		dq_buf_addstr(b, "<h4>Histogram</h4>");
		histogram(b, cJSON_GetObjectItemCaseSensitive(dist,
							      "histogram"));
	}
	if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(dist,
								"topValues")) &&
	    r->caps.top) {
		dq_buf_addstr(b, "<h4>Top values</h4>");
		list_bars(r, b,
			  cJSON_GetObjectItemCaseSensitive(dist, "topValues"),
			  "value", f, r->caps.top);
	}
	if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(dist,
								"shapes")) &&
	    r->caps.top) {
		dq_buf_addstr(b, "<h4>Shapes</h4>");
		list_bars(r, b, cJSON_GetObjectItemCaseSensitive(dist, "shapes"),
			  "shape", f, r->caps.top);
	}
	outliers(r, b, f, bounds);
	dq_buf_addstr(b, "</div>\n");
}

int
dq_report_fields(struct dq_report *r, const cJSON *profile, const char *path)
{
	const cJSON *order = cJSON_GetObjectItemCaseSensitive(
		profile, "completenessOverview");
	struct dq_buf *b = &r->body;
	const cJSON *it;

	if (!cJSON_IsObject(order))
		return dq_error("%s: no \"completenessOverview\" (is this a "
				"dq-profile document?)", path);
	dq_report_section(r, "fields", "Fields");
	dq_buf_addstr(b, "<p>");
	dq_html_count(b, dq_report_num(profile, "rows"));
	dq_buf_addstr(b, " records profiled, ");
	dq_html_count(b, (double)cJSON_GetArraySize(order));
	dq_buf_addstr(b, " fields.</p>\n");
	cJSON_ArrayForEach(it, order)
		field_panel(r, b, profile, it->string);
	dq_report_section_end(r);
	return 0;
}
