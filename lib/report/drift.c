/*
 * drift.c - dq-report's drift section: what changed against a baseline
 * profile, and the metrics of a history of runs that moved, as small
 * trend lines.
 *
 * Both read a document's metrics as dq-anomaly does (profile/anomaly.h:
 * one meaning of "the metrics of a run").  Against the baseline, a
 * metric moved when its value differs from the baseline's (fields new or
 * gone are said too).  In the history, the series are per program (the
 * document's "tool") and metric, for the metrics dq-anomaly judges by
 * default (dq_metrics_default); the last caps.points values of each are
 * kept (a ring), so memory depends on the number of metrics, not of
 * runs.  The run's own documents, when given, are the last point of their
 * program's series.  A series moved when its values are not all the same;
 * its last value is judged against the ones before it by the modified
 * z-score (dq_robust_judge), which orders the list.
 */
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"
#include "profile/anomaly.h"
#include "report/html.h"
#include "report/read.h"
#include "report/report.h"

static int
wanted(const char *name)
{
	for (size_t i = 0; dq_metrics_default[i]; i++)
		if (!fnmatch(dq_metrics_default[i], name, 0))
			return 1;
	return 0;
}

/* A moved metric, for sorting. */
struct moved {
	size_t i;
	double key;
};

static int
by_key(const void *x, const void *y)
{
	const struct moved *a = x, *b = y;
	if (a->key != b->key)
		return a->key < b->key ? 1 : -1;
	return a->i < b->i ? -1 : a->i > b->i;
}

static void
td_num(struct dq_buf *b, double v)
{
	dq_buf_addstr(b, "<td class=\"n\">");
	if (!isnan(v))
		dq_html_num(b, v);
	dq_buf_addstr(b, "</td>");
}

/* Close a table of n rows of which shown were written, counting the
 * rest ("N more WHAT"). */
static void
table_end(struct dq_buf *b, size_t n, size_t shown, const char *what)
{
	if (n)
		dq_buf_addstr(b, "</table>\n");
	if (n > shown) {
		dq_buf_addstr(b, "<p>");
		dq_html_count(b, (double)(n - shown));
		dq_buf_addf(b, " more %s (--metrics).</p>\n", what);
	}
}

/* The profile against the baseline: a row per metric that changed. */
static void
against_baseline(struct dq_report *r, const cJSON *profile,
		 const cJSON *baseline)
{
	struct dq_buf *b = &r->body;
	struct dq_metrics cur, base;
	struct moved *mv;
	size_t n = 0, shown = 0;

	dq_metrics_init(&cur);
	dq_metrics_init(&base);
	dq_metrics_read(&cur, profile, 0);
	dq_metrics_read(&base, baseline, 0);
	mv = dq_xcalloc(cur.n + base.n + 1, sizeof(*mv));
	for (size_t i = 0; i < cur.n; i++) {
		const char *k = cur.idx.keys[i];
		int found;
		double was;

		if (!wanted(k) || !strncmp(k, "freshness_lag.", 14))
			continue;
		was = dq_metrics_get(&base, k, &found);
		if (found && was == cur.v[i])
			continue;
		mv[n].i = i;
		/* New metrics first, then by the relative change. */
		mv[n++].key = !found ? INFINITY
				     : fabs(cur.v[i] - was) /
					       (fabs(was) > 0 ? fabs(was) : 1);
	}
	qsort(mv, n, sizeof(*mv), by_key);
	dq_buf_addstr(b, "<h3>Against the baseline</h3>");
	if (!n)
		dq_buf_addstr(b, "<p>No metric changed.</p>\n");
	else
		dq_buf_addstr(b, "<table><tr><th>metric</th><th>baseline</th>"
				 "<th>now</th><th>change</th></tr>\n");
	for (size_t j = 0; j < n && (long long)shown < r->caps.metrics;
	     j++, shown++) {
		const char *k = cur.idx.keys[mv[j].i];
		int found;
		double was = dq_metrics_get(&base, k, &found);
		double now = cur.v[mv[j].i];

		dq_buf_addstr(b, "<tr><td>");
		dq_html_str(b, k);
		dq_buf_addstr(b, "</td>");
		td_num(b, found ? was : NAN);
		td_num(b, now);
		dq_buf_addstr(b, "<td class=\"n\">");
		if (!found) {
			dq_buf_addstr(b, "new");
		} else {
			if (now > was)
				dq_buf_addch(b, '+');
			dq_html_num(b, now - was);
			if (was != 0) {
				dq_buf_addstr(b, " (");
				if (now > was)
					dq_buf_addch(b, '+');
				dq_html_pct(b, (now - was) / fabs(was));
				dq_buf_addstr(b, ")");
			}
		}
		dq_buf_addstr(b, "</td></tr>\n");
	}
	table_end(b, n, shown, "metrics changed");
	/* Fields of the baseline the profile no longer has. */
	for (size_t i = 0; i < base.n; i++) {
		const char *k = base.idx.keys[i];
		int found;
		if (strncmp(k, "completeness.", 13))
			continue;
		dq_metrics_get(&cur, k, &found);
		if (found)
			continue;
		dq_buf_addstr(b, "<p class=\"warn\">Field ");
		dq_html_str(b, k + 13);
		dq_buf_addstr(b, " is in the baseline, not in the profile.</p>");
	}
	free(mv);
	dq_metrics_release(&cur);
	dq_metrics_release(&base);
}

/* The history's series: per tool and metric, the last caps.points
 * values in a ring. */
struct series {
	const struct dq_report *r;
	struct dq_strmap idx; /* "tool\x1fmetric" -> index */
	double *v;            /* points per series, in rings */
	size_t *count;        /* values seen per series */
	size_t n, cap;
	uint64_t docs;
};

static void
add_point(struct series *s, const char *tool, const char *metric, double x)
{
	struct dq_buf key = DQ_BUF_INIT;
	size_t pts = (size_t)s->r->caps.points;
	long k;

	dq_buf_addstr(&key, tool);
	dq_buf_addch(&key, 0x1F);
	dq_buf_addstr(&key, metric);
	k = dq_strmap_get(&s->idx, key.buf, key.len);
	if (k < 0) {
		if (s->n == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 64;
			s->v = dq_xrealloc(s->v, s->cap * pts * sizeof(double));
			s->count = dq_xrealloc(s->count,
					       s->cap * sizeof(size_t));
		}
		k = (long)s->n;
		dq_strmap_add(&s->idx, key.buf, key.len, s->n);
		s->count[s->n++] = 0;
	}
	s->v[(size_t)k * pts + s->count[k] % pts] = x;
	s->count[k]++;
	dq_buf_release(&key);
}

static void
add_doc(struct series *s, const cJSON *doc)
{
	struct dq_metrics m;

	dq_metrics_init(&m);
	dq_metrics_read(&m, doc, 0);
	s->docs++;
	for (size_t i = 0; i < m.n; i++)
		if (wanted(m.idx.keys[i]) &&
		    strncmp(m.idx.keys[i], "freshness_lag.", 14))
			add_point(s, m.tool, m.idx.keys[i], m.v[i]);
	dq_metrics_release(&m);
}

static int
take_doc(void *ctx, cJSON *o, const char *path, long line)
{
	(void)path;
	(void)line;
	add_doc(ctx, o);
	return 0;
}

/* Series k's values, oldest first, into out (at most caps.points). */
static size_t
values(const struct series *s, size_t k, double *out)
{
	size_t pts = (size_t)s->r->caps.points;
	size_t c = s->count[k], n = c < pts ? c : pts;

	for (size_t i = 0; i < n; i++)
		out[i] = s->v[k * pts + (c - n + i) % pts];
	return n;
}

static void
trends(struct dq_report *r, struct series *s)
{
	struct dq_buf *b = &r->body;
	size_t pts = (size_t)r->caps.points, n = 0, shown = 0;
	double *v = dq_xcalloc(pts + 1, sizeof(double));
	double *h = dq_xcalloc(pts + 1, sizeof(double));
	struct moved *mv = dq_xcalloc(s->n + 1, sizeof(*mv));

	for (size_t k = 0; k < s->n; k++) {
		size_t m = values(s, k, v);
		struct dq_judgment j;
		int same = 1;

		for (size_t i = 1; i < m; i++)
			same &= v[i] == v[0];
		if (m < 2 || same)
			continue;
		memcpy(h, v, (m - 1) * sizeof(double));
		dq_robust_judge(h, m - 1, v[m - 1], &j);
		mv[n].i = k;
		mv[n++].key = fabs(j.z);
	}
	qsort(mv, n, sizeof(*mv), by_key);
	dq_buf_addstr(b, "<h3>History</h3><p>");
	dq_html_count(b, (double)s->docs);
	dq_buf_addstr(b, " documents; ");
	dq_html_count(b, (double)n);
	dq_buf_addstr(b, " of ");
	dq_html_count(b, (double)s->n);
	dq_buf_addstr(b, " series moved (the last ");
	dq_html_count(b, (double)pts);
	dq_buf_addstr(b, " values of each; the largest move against the "
			 "values before it first).</p>\n");
	if (n)
		dq_buf_addstr(b, "<table><tr><th>program</th><th>metric</th>"
				 "<th>trend</th><th>first</th><th>median "
				 "before</th><th>last</th><th>z</th></tr>\n");
	for (size_t t = 0; t < n && (long long)shown < r->caps.metrics;
	     t++, shown++) {
		size_t k = mv[t].i, m = values(s, k, v);
		const char *key = s->idx.keys[k];
		const char *sep = strchr(key, 0x1F);
		struct dq_judgment j;

		memcpy(h, v, (m - 1) * sizeof(double));
		dq_robust_judge(h, m - 1, v[m - 1], &j);
		dq_buf_addstr(b, "<tr><td>");
		dq_html_text(b, key, (size_t)(sep - key), 0);
		dq_buf_addstr(b, "</td><td>");
		dq_html_str(b, sep + 1);
		dq_buf_addstr(b, "</td><td>");
		dq_html_trend(b, v, m, 120, 28);
		dq_buf_addstr(b, "</td>");
		td_num(b, v[0]);
		td_num(b, j.median);
		td_num(b, v[m - 1]);
		dq_buf_addstr(b, "<td class=\"n\">");
		if (isinf(j.z))
			dq_buf_addstr(b, j.z > 0 ? "+&infin;" : "-&infin;");
		else
			dq_html_num(b, round(j.z * 100) / 100);
		dq_buf_addstr(b, "</td></tr>\n");
	}
	table_end(b, n, shown, "series moved");
	free(v);
	free(h);
	free(mv);
}

int
dq_report_drift(struct dq_report *r, const cJSON *profile,
		const cJSON *baseline, char *const *history, size_t nhistory,
		const cJSON *const *current, size_t ncurrent)
{
	struct series s = { .r = r };
	int rc = 0;

	dq_strmap_init(&s.idx);
	for (size_t i = 0; i < nhistory && !rc; i++)
		rc = dq_report_each(history[i], take_doc, &s);
	if (rc)
		goto out;
	for (size_t i = 0; i < ncurrent && nhistory; i++)
		add_doc(&s, current[i]);
	dq_report_section(r, "drift", "Drift");
	if (profile && baseline)
		against_baseline(r, profile, baseline);
	if (nhistory)
		trends(r, &s);
	dq_report_section_end(r);
out:
	dq_strmap_release(&s.idx);
	free(s.v);
	free(s.count);
	return rc;
}
