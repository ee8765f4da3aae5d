/*
 * anomaly.c - a run's metrics and their robust judgment (anomaly.h).
 *
 * The judgment is the modified z-score of B. Iglewicz and D. C. Hoaglin,
 * "How to Detect and Handle Outliers" (ASQC, 1993): the median and the
 * median absolute deviation (MAD) resist the outliers a history of runs
 * holds (a failed load, a backfill), where the mean and standard
 * deviation that dq-profile's --history guard uses are pulled by them.
 * 1.4826 = 1 / Phi^-1(3/4) makes the MAD estimate a normal standard
 * deviation; 1.2533 = sqrt(pi / 2) does the same for the mean absolute
 * deviation, the stand-in when the MAD is 0.
 */
#include "profile/anomaly.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "norm/date.h"

const char *const dq_metrics_default[] = {
	"rows",		"reject_rate",	   "score",	 "rules.*.rate",
	"null_rate.*",	"completeness.*", "distinct.*", "mean.*",
	"freshness_lag.*", NULL
};

void
dq_metrics_init(struct dq_metrics *m)
{
	memset(m, 0, sizeof(*m));
	dq_strmap_init(&m->idx);
}

void
dq_metrics_release(struct dq_metrics *m)
{
	dq_strmap_release(&m->idx);
	free(m->v);
	free(m->tool);
	memset(m, 0, sizeof(*m));
}

/* Set metric name (the first value read wins). */
static void
put(struct dq_metrics *m, const char *name, size_t n, double x)
{
	if (!isfinite(x) || !dq_strmap_add(&m->idx, name, n, m->n))
		return;
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->v = dq_xrealloc(m->v, m->cap * sizeof(*m->v));
	}
	m->v[m->n++] = x;
}

static void
putf(struct dq_metrics *m, double x, const char *a, const char *b)
{
	struct dq_buf k = DQ_BUF_INIT;

	dq_buf_addstr(&k, a);
	dq_buf_addstr(&k, b);
	put(m, k.buf, k.len, x);
	dq_buf_release(&k);
}

double
dq_metrics_get(const struct dq_metrics *m, const char *name, int *found)
{
	long i = dq_strmap_get(&m->idx, name, strlen(name));

	*found = i >= 0;
	return i >= 0 ? m->v[i] : 0;
}

/* Metric "a.b". */
static void
put2(struct dq_metrics *m, double x, const char *a, const char *b)
{
	struct dq_buf k = DQ_BUF_INIT;

	dq_buf_addstr(&k, a);
	dq_buf_addch(&k, '.');
	dq_buf_addstr(&k, b);
	put(m, k.buf, k.len, x);
	dq_buf_release(&k);
}

/* Every numeric leaf under its dotted path; an array's object elements
 * under their "code" (rules) or "field", others under their index. */
static void
flatten(struct dq_metrics *m, const cJSON *v, struct dq_buf *path)
{
	const cJSON *it;
	size_t at = path->len, i = 0;

	if (cJSON_IsNumber(v)) {
		put(m, path->buf, path->len, v->valuedouble);
		return;
	}
	if (cJSON_IsBool(v)) {
		put(m, path->buf, path->len, cJSON_IsTrue(v));
		return;
	}
	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return;
	cJSON_ArrayForEach(it, v)
	{
		const cJSON *k = NULL;
		if (at)
			dq_buf_addch(path, '.');
		if (cJSON_IsObject(v)) {
			dq_buf_addstr(path, it->string);
		} else {
			k = cJSON_GetObjectItemCaseSensitive(it, "code");
			if (!cJSON_IsString(k))
				k = cJSON_GetObjectItemCaseSensitive(it,
								     "field");
			if (cJSON_IsString(k))
				dq_buf_addstr(path, k->valuestring);
			else
				dq_buf_add_int(path, (long long)i);
		}
		flatten(m, it, path);
		path->len = at;
		i++;
	}
}

int
dq_iso_seconds(const char *s, double *t)
{
	struct dq_datetime dt;

	if (dq_date_parse(s, strlen(s), NULL, &dt))
		return -1;
	*t = (double)dq_date_days(dt.year, dt.month, dt.day) * 86400 +
	     dt.hour * 3600 + dt.min * 60 + dt.sec + dt.nanos / 1e9 -
	     (dt.has_tz ? dt.tz_offset_min * 60 : 0);
	return 0;
}

/* The named figures of one document (anomaly.h). */
static void
named(struct dq_metrics *m, const cJSON *doc, double now)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(doc, "counts");
	const cJSON *in = cJSON_GetObjectItemCaseSensitive(c, "in");
	const cJSON *rej = cJSON_GetObjectItemCaseSensitive(c, "rejected");
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(c, "quarantined");
	const cJSON *rows = cJSON_GetObjectItemCaseSensitive(doc, "rows");
	const cJSON *it, *x, *dup;
	double t;

	if (cJSON_IsNumber(in))
		put(m, "rows", 4, in->valuedouble);
	else if (cJSON_IsNumber(rows))
		put(m, "rows", 4, rows->valuedouble);
	dup = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(doc, "duplicateRows"), "count");
	if (cJSON_IsNumber(dup) && cJSON_IsNumber(rows) && rows->valuedouble > 0)
		put(m, "duplicate_rate", 14, dup->valuedouble / rows->valuedouble);
	/* dq-merge: the share of records that joined another's cluster. */
	x = cJSON_GetObjectItemCaseSensitive(doc, "merge");
	const cJSON *mr = cJSON_GetObjectItemCaseSensitive(x, "records");
	const cJSON *mc = cJSON_GetObjectItemCaseSensitive(x, "clusters");
	if (cJSON_IsNumber(mr) && cJSON_IsNumber(mc) && mr->valuedouble > 0 &&
	    mc->valuedouble <= mr->valuedouble)
		put(m, "duplicate_rate", 14,
		    (mr->valuedouble - mc->valuedouble) / mr->valuedouble);
	if (cJSON_IsNumber(in) && in->valuedouble > 0)
		put(m, "reject_rate", 11,
		    ((cJSON_IsNumber(rej) ? rej->valuedouble : 0) +
		     (cJSON_IsNumber(q) ? q->valuedouble : 0)) /
			    in->valuedouble);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc,
								  "nullRates"))
	{
		if (cJSON_IsNumber(it))
			putf(m, it->valuedouble, "null_rate.", it->string);
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(
				       doc, "completenessOverview"))
	{
		x = cJSON_GetObjectItemCaseSensitive(it, "completeness");
		if (cJSON_IsNumber(x))
			putf(m, x->valuedouble, "completeness.", it->string);
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(
				       doc, "uniquenessOverview"))
	{
		x = cJSON_GetObjectItemCaseSensitive(it, "distinct");
		if (cJSON_IsNumber(x))
			putf(m, x->valuedouble, "distinct.", it->string);
		x = cJSON_GetObjectItemCaseSensitive(it, "uniqueness");
		if (cJSON_IsNumber(x))
			putf(m, x->valuedouble, "unique_ratio.", it->string);
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(
				       doc, "statisticalSummary"))
	{
		static const char *const stat[] = { "mean", "stddev", "sum",
						    "min", "max" };
		for (size_t i = 0; i < sizeof(stat) / sizeof(*stat); i++) {
			x = cJSON_GetObjectItemCaseSensitive(it, stat[i]);
			if (cJSON_IsNumber(x))
				put2(m, x->valuedouble, stat[i], it->string);
		}
		x = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(it, "quantiles"), "p50");
		if (cJSON_IsNumber(x))
			putf(m, x->valuedouble, "median.", it->string);
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(
				       doc, "valueDistributions"))
	{
		x = cJSON_GetArrayItem(
			cJSON_GetObjectItemCaseSensitive(it, "topValues"), 0);
		x = cJSON_GetObjectItemCaseSensitive(x, "share");
		if (cJSON_IsNumber(x))
			putf(m, x->valuedouble, "top_share.", it->string);
	}
	/* The newest date or date-time of a field (a profile's maxDate). */
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(
				       doc, "boundsAnomalies"))
	{
		x = cJSON_GetObjectItemCaseSensitive(it, "maxDate");
		if (cJSON_IsString(x) && !dq_iso_seconds(x->valuestring, &t))
			putf(m, (m->has_time ? m->time : now) - t,
			     "freshness_lag.", it->string);
	}
}

void
dq_metrics_read(struct dq_metrics *m, const cJSON *doc, double now)
{
	const cJSON *tool = cJSON_GetObjectItemCaseSensitive(doc, "tool");
	const cJSON *when = cJSON_GetObjectItemCaseSensitive(doc, "started");
	struct dq_buf path = DQ_BUF_INIT;

	free(m->tool);
	m->tool = dq_xstrdup(cJSON_IsString(tool) ? tool->valuestring : "");
	if (!cJSON_IsString(when))
		when = cJSON_GetObjectItemCaseSensitive(doc, "ended");
	m->has_time = cJSON_IsString(when) &&
		      !dq_iso_seconds(when->valuestring, &m->time);
	const cJSON *ok = cJSON_GetObjectItemCaseSensitive(doc, "passed");
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(doc, "exit_status");
	m->failed = cJSON_IsBool(ok) ? cJSON_IsFalse(ok)
		    : cJSON_IsNumber(st) ? st->valuedouble != 0
					 : -1;
	named(m, doc, now);
	flatten(m, doc, &path);
	dq_buf_release(&path);
}

void
dq_metrics_failing_for(struct dq_metrics *cur, const struct dq_metrics *hist,
		       size_t n, double at)
{
	double last_pass = -INFINITY, start;

	if (cur->failed != 1) {
		if (cur->failed == 0)
			put(cur, "failing_for", 11, 0);
		return;
	}
	if (!cur->has_time)
		return;
	for (size_t i = 0; i < n; i++)
		if (hist[i].failed == 0 && hist[i].has_time &&
		    hist[i].time <= cur->time &&
		    !strcmp(hist[i].tool, cur->tool) && hist[i].time > last_pass)
			last_pass = hist[i].time;
	start = cur->time;
	for (size_t i = 0; i < n; i++)
		if (hist[i].failed == 1 && hist[i].has_time &&
		    hist[i].time > last_pass && hist[i].time < start &&
		    !strcmp(hist[i].tool, cur->tool))
			start = hist[i].time;
	put(cur, "failing_for", 11, at > start ? at - start : 0);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
dq_median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void
dq_robust_judge(const double *hist, size_t n, double x, struct dq_judgment *j)
{
	double *d = dq_xmalloc((n ? n : 1) * sizeof(*d)), mean_ad = 0;

	memcpy(d, hist, n * sizeof(*d));
	j->median = dq_median(d, n);
	for (size_t i = 0; i < n; i++) {
		d[i] = fabs(hist[i] - j->median);
		mean_ad += d[i];
	}
	j->spread = 1.4826 * dq_median(d, n);
	if (j->spread == 0)
		j->spread = 1.2533 * mean_ad / (double)n;
	free(d);
	if (j->spread > 0)
		j->z = (x - j->median) / j->spread;
	else
		j->z = x == j->median ? 0 : x > j->median ? INFINITY : -INFINITY;
}
