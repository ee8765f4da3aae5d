/*
 * drift.c - a profile compared with what came before: a baseline profile
 * document, a history of summaries, and the age of the newest date.
 *
 * Checks and their tolerances (struct dq_drift; docs/profile.md has the
 * table): against a baseline, the row count (relative change above
 * rows), fields added and gone, the dominant type, the null rate (above
 * null_ratio times the baseline's and above null_floor), the population
 * stability index (above psi) over the baseline's histogram buckets for
 * numeric fields or its top values for the others, and the mean (moved
 * by more than mean_shift baseline standard deviations).  Against a
 * history of at least HISTORY_MIN earlier runs: row count and null rates
 * outside sigma standard deviations of their mean.  Freshness: the newest
 * date of a field is at most a given age old ("now" is DQ_TODAY's
 * midnight when that is set, for tests).
 *
 * PSI = sum over buckets of (a - e) ln(a / e), with shares below
 * PSI_FLOOR taken as PSI_FLOOR so that a bucket empty on one side gives a
 * large finite term (Yurdakul, "Statistical properties of population
 * stability index", 2018).
 *
 * Each finding is appended to d->anomalies as {"kind", "field",
 * "baseline", "current", "threshold", "message"}.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/num.h"
#include "norm/date.h"
#include "profile/doc.h"
#include "profile/drift.h"
#include "contract/pii.h"

/* Shares below this count as this in the population stability index,
 * so that a category absent on one side gives a large finite term. */
#define PSI_FLOOR 1e-4
/* History figures needed before the 3-sigma guard applies. */
#define HISTORY_MIN 3

void
dq_drift_init(struct dq_drift *d)
{
	memset(d, 0, sizeof(*d));
	d->null_ratio = 2;
	d->null_floor = 0.01;
	d->psi = 0.2;
	d->mean_shift = 0.5;
	d->rows = 0.2;
	d->sigma = 3;
}

void
dq_drift_release(struct dq_drift *d)
{
	for (int k = 0; k < d->nfresh; k++)
		free(d->fresh_field[k]);
	cJSON_Delete(d->anomalies);
	dq_drift_init(d);
}

static void
anomaly(struct dq_drift *d, const char *kind, const char *field, double base,
	double cur, double threshold, const char *fmt, ...)
{
	cJSON *a = cJSON_CreateObject();
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cJSON_AddStringToObject(a, "kind", kind);
	if (field)
		cJSON_AddStringToObject(a, "field", field);
	if (isfinite(base))
		cJSON_AddNumberToObject(a, "baseline", dq_num_r12(base));
	if (isfinite(cur))
		cJSON_AddNumberToObject(a, "current", dq_num_r12(cur));
	cJSON_AddNumberToObject(a, "threshold", dq_num_r12(threshold));
	cJSON_AddStringToObject(a, "message", msg);
	cJSON_AddItemToArray(d->anomalies, a);
}

static double
num_of(const cJSON *o, const char *key, double dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static const cJSON *
sec_field(const cJSON *doc, const char *sec, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(doc, sec), name);
}

static double
psi_term(double e, double a)
{
	if (e < PSI_FLOOR)
		e = PSI_FLOOR;
	if (a < PSI_FLOOR)
		a = PSI_FLOOR;
	return (a - e) * log(a / e);
}

/* PSI of the current numbers over the baseline's histogram buckets (the
 * outer buckets take everything below or above them); -1 if there is no
 * histogram. */
static double
psi_histogram(const struct dq_profile_field *f, const cJSON *hist)
{
	double total = 0, psi = 0, prev = 0;
	int n = cJSON_GetArraySize(hist), i = 0;
	const cJSON *b;
	if (!cJSON_IsArray(hist) || !n || !f->q.n)
		return -1;
	cJSON_ArrayForEach(b, hist)
		total += num_of(b, "count", 0);
	if (total <= 0)
		return -1;
	cJSON_ArrayForEach(b, hist) {
		double cum = i == n - 1 ? 1 : dq_quantile_cdf(&f->q,
						num_of(b, "to", 0));
		if (cum < prev)
			cum = prev;
		psi += psi_term(num_of(b, "count", 0) / total, cum - prev);
		prev = cum;
		i++;
	}
	return psi;
}

/* PSI over the baseline's top values and "all other values". */
static double
psi_top(struct dq_profile_field *f, const cJSON *top)
{
	const struct dq_topk_item *it;
	size_t n = dq_topk_sorted(&f->top, &it);
	double v = (double)dq_profile_valid(f), se = 0, sa = 0, psi = 0;
	cJSON **cur;
	const cJSON *t;
	if (!cJSON_IsArray(top) || !cJSON_GetArraySize(top) || v <= 0)
		return -1;
	struct dq_buf sb = DQ_BUF_INIT;
	cur = dq_xcalloc(n + 1, sizeof(*cur));
	/* The baseline shows a sensitive field's values masked or hashed
	 * (contract/pii.h): compare them with the same form. */
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(it[i].val);
		cur[i] = cJSON_Parse(f->pii & DQ_PROFILE_SHOWN ? it[i].val :
				     dq_pii_show_json(f->name, it[i].val,
						      &len, &sb));
	}
	dq_buf_release(&sb);
	cJSON_ArrayForEach(t, top) {
		const cJSON *val = cJSON_GetObjectItemCaseSensitive(t, "value");
		double e = num_of(t, "share", 0), a = 0;
		for (size_t i = 0; i < n; i++)
			if (cur[i] && val && cJSON_Compare(cur[i], val, 1)) {
				a = (double)it[i].count / v;
				break;
			}
		se += e;
		sa += a;
		psi += psi_term(e, a);
	}
	psi += psi_term(1 - se, 1 - sa);
	for (size_t i = 0; i < n; i++)
		cJSON_Delete(cur[i]);
	free(cur);
	return psi;
}

static int
numeric_type(int t)
{
	return t == DQ_VT_INTEGER || t == DQ_VT_NUMBER;
}

void
dq_drift_baseline(struct dq_drift *d, struct dq_profile *p, const cJSON *base)
{
	double rows0 = num_of(base, "rows", 0);
	const cJSON *sum0 = cJSON_GetObjectItemCaseSensitive(base,
						"statisticalSummary");
	const cJSON *x;

	if (fabs((double)p->rows - rows0) > d->rows * rows0)
		anomaly(d, "rowCount", NULL, rows0, (double)p->rows, d->rows,
			"rows changed from %.0f to %llu (tolerance %g)",
			rows0, (unsigned long long)p->rows, d->rows);
	for (size_t i = 0; i < p->nf; i++)
		if (!cJSON_GetObjectItemCaseSensitive(sum0, p->f[i]->name))
			anomaly(d, "fieldAdded", p->f[i]->name, NAN, NAN, 0,
				"field '%s' is new", p->f[i]->name);
	cJSON_ArrayForEach(x, sum0) {
		struct dq_profile_field *f = NULL;
		for (size_t i = 0; i < p->nf && !f; i++)
			if (!strcmp(p->f[i]->name, x->string))
				f = p->f[i];
		if (!f) {
			anomaly(d, "fieldGone", x->string, NAN, NAN, 0,
				"field '%s' is gone", x->string);
			continue;
		}
		const char *name = f->name;
		const cJSON *c0 = sec_field(base, "completenessOverview", name);
		const cJSON *d0 = sec_field(base, "valueDistributions", name);
		const cJSON *ty = sec_field(base, "typeFormatIssues", name);
		int t0 = dq_vtype_index(cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(ty, "dominantType")));
		int t = dq_profile_dominant(f);
		double n0 = num_of(c0, "count", 0), nr0, nr, psi;

		if (t0 >= 0 && t >= 0 && t != t0)
			anomaly(d, "typeChanged", name, NAN, NAN, 0,
				"field '%s': dominant type %s, was %s", name,
				dq_vtype_names[t], dq_vtype_names[t0]);
		/* From the counts: 1 - completeness is not exact. */
		nr0 = n0 > 0 ? (n0 - (num_of(c0, "present", 0) -
				      num_of(c0, "null", 0) -
				      num_of(c0, "empty", 0))) / n0 : 0;
		nr = dq_profile_null_rate(f, dq_profile_slots(p, f));
		if (nr > d->null_ratio * nr0 && nr > d->null_floor)
			anomaly(d, "nullRate", name, nr0, nr, d->null_ratio,
				"field '%s': null rate %.4g, was %.4g", name,
				nr, nr0);
		psi = numeric_type(t0) && numeric_type(t) ?
			      psi_histogram(f, cJSON_GetObjectItemCaseSensitive(
						       d0, "histogram")) :
			      psi_top(f, cJSON_GetObjectItemCaseSensitive(
						 d0, "topValues"));
		if (psi > d->psi)
			anomaly(d, "distribution", name, NAN, dq_num_r12(psi),
				d->psi,
				"field '%s': population stability index %.4g",
				name, psi);
		if (numeric_type(t0) && numeric_type(t) && f->num.n &&
		    cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(x,
								    "mean"))) {
			double m0 = num_of(x, "mean", 0);
			double s0 = num_of(x, "stddev", 0);
			double m = dq_num_r12(f->num.mean);
			if (fabs(m - m0) > d->mean_shift * s0)
				anomaly(d, "meanShift", name, m0, m,
					d->mean_shift, "field '%s': mean "
					"%.6g, was %.6g (stddev %.6g)", name,
					m, m0, s0);
		}
	}
}

/* Mean and sample standard deviation of v[0..n-1]. */
static void
mean_sd(const double *v, size_t n, double *mean, double *sd)
{
	double s = 0, q = 0;
	for (size_t i = 0; i < n; i++)
		s += v[i];
	*mean = s / (double)n;
	for (size_t i = 0; i < n; i++)
		q += (v[i] - *mean) * (v[i] - *mean);
	*sd = n > 1 ? sqrt(q / (double)(n - 1)) : 0;
}

/* A history line's null rate of name: from nullRates (a summary) or from
 * completenessOverview (a profile document); -1 when absent. */
static double
history_null_rate(const cJSON *h, const char *name)
{
	const cJSON *r = sec_field(h, "nullRates", name);
	const cJSON *c = sec_field(h, "completenessOverview", name);
	if (cJSON_IsNumber(r))
		return r->valuedouble;
	if (c)
		return 1 - num_of(c, "completeness", 1);
	return -1;
}

int
dq_drift_history(struct dq_drift *d, const struct dq_profile *p,
		 const char *path)
{
	size_t len, nh = 0, n;
	char *s = dq_read_file(path, &len), *line, *save = NULL;
	cJSON **h = NULL;
	double *v, m, sd;
	long lineno = 0;
	int rc = 0;

	if (!s)
		return -1;
	for (line = s; line && *line; line = save) {
		const char *end;
		cJSON *j;
		char *nl = strchr(line, '\n');
		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		lineno++;
		if (!*line)
			continue;
		j = cJSON_ParseWithOpts(line, &end, 1);
		if (!cJSON_IsObject(j) || !cJSON_IsNumber(
			    cJSON_GetObjectItemCaseSensitive(j, "rows"))) {
			dq_error("%s:%ld: not a dq-profile summary or "
				 "profile (no rows)", path, lineno);
			cJSON_Delete(j);
			rc = -1;
			break;
		}
		h = dq_xrealloc(h, (nh + 1) * sizeof(*h));
		h[nh++] = j;
	}
	v = dq_xcalloc(nh + 1, sizeof(*v));
	if (!rc && nh >= HISTORY_MIN) {
		for (size_t i = 0; i < nh; i++)
			v[i] = num_of(h[i], "rows", 0);
		mean_sd(v, nh, &m, &sd);
		if (fabs((double)p->rows - m) > d->sigma * sd)
			anomaly(d, "rowCountHistory", NULL, m, (double)p->rows,
				d->sigma, "rows %llu outside %g sigma of "
				"history (mean %.6g, sd %.4g, %zu runs)",
				(unsigned long long)p->rows, d->sigma, m, sd,
				nh);
	}
	for (size_t i = 0; !rc && i < p->nf; i++) {
		const char *name = p->f[i]->name;
		double nr = dq_profile_null_rate(p->f[i],
						 dq_profile_slots(p, p->f[i]));
		n = 0;
		for (size_t k = 0; k < nh; k++) {
			double r = history_null_rate(h[k], name);
			if (r >= 0)
				v[n++] = r;
		}
		if (n < HISTORY_MIN)
			continue;
		mean_sd(v, n, &m, &sd);
		if (fabs(nr - m) > d->sigma * sd &&
		    fabs(nr - m) > d->null_floor)
			anomaly(d, "nullRateHistory", name, m, nr, d->sigma,
				"field '%s': null rate %.4g outside %g sigma "
				"of history (mean %.4g, sd %.4g, %zu runs)",
				name, nr, d->sigma, m, sd, n);
	}
	for (size_t i = 0; i < nh; i++)
		cJSON_Delete(h[i]);
	free(h);
	free(v);
	free(s);
	return rc;
}

static double
now_seconds(void)
{
	/* DQ_TODAY (YYYY-MM-DD, for tests) fixes "now" at its midnight. */
	if (getenv("DQ_TODAY"))
		return (double)dq_date_today_days() * 86400.0;
	return (double)time(NULL);
}

void
dq_drift_freshness(struct dq_drift *d, const struct dq_profile *p)
{
	double now = now_seconds();
	for (int k = 0; k < d->nfresh; k++) {
		const char *name = d->fresh_field[k];
		struct dq_profile_field *f = NULL;
		for (size_t i = 0; i < p->nf && !f; i++)
			if (!strcmp(p->f[i]->name, name))
				f = p->f[i];
		if (!f || !f->has_tmax) {
			anomaly(d, "stale", name, NAN, NAN, d->fresh_age[k],
				"field '%s': no dates", name);
			continue;
		}
		if (now - f->tmax > d->fresh_age[k])
			anomaly(d, "stale", name, NAN, f->tmax, d->fresh_age[k],
				"field '%s': newest %.0f s old, more than "
				"%.0f s", name, now - f->tmax, d->fresh_age[k]);
	}
}

int
dq_drift_load_contract(struct dq_drift *d, const struct dq_contract *c)
{
	const struct {
		const char *key;
		double *v;
	} keys[] = {
		{ "null_ratio", &d->null_ratio },
		{ "null_floor", &d->null_floor },
		{ "psi", &d->psi },
		{ "mean_shift", &d->mean_shift },
		{ "row_tolerance", &d->rows },
		{ "sigma", &d->sigma },
	};
	const cJSON *p = dq_contract_get(c, "profile"), *x;
	if (!p)
		return 0;
	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(p,
								  keys[i].key);
		if (!v)
			continue;
		if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0)) {
			return dq_error("contract: profile.%s: not a number "
					">= 0", keys[i].key);
		}
		*keys[i].v = v->valuedouble;
	}
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(p,
							       "freshness")) {
		char arg[512];
		if (!cJSON_IsString(x)) {
			return dq_error("contract: profile.freshness.%s: not "
					"a string like \"12h\"", x->string);
		}
		snprintf(arg, sizeof(arg), "%s=%s", x->string, x->valuestring);
		if (dq_drift_freshness_add(d, arg))
			return -1;
	}
	return 0;
}

cJSON *
dq_drift_load_baseline(const char *path)
{
	size_t len;
	const char *end;
	char *s = dq_read_file(path, &len);
	cJSON *doc;
	if (!s)
		return NULL;
	doc = cJSON_ParseWithOpts(s, &end, 1);
	free(s);
	if (!cJSON_IsObject(doc) ||
	    !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc,
						"statisticalSummary")) ||
	    !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(doc, "rows"))) {
		dq_error("%s: not a dq-profile document", path);
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

/* Parse "FIELD=AGE" (AGE a positive number and s, m, h, d or w). */
int
dq_drift_freshness_add(struct dq_drift *d, const char *arg)
{
	const char *eq = strrchr(arg, '=');
	char *end;
	double v;
	if (d->nfresh == DQ_DRIFT_FRESH_MAX) {
		return dq_error("option '--freshness': at most %d",
				DQ_DRIFT_FRESH_MAX);
	}
	if (!eq || eq == arg)
		goto bad;
	errno = 0;
	v = strtod(eq + 1, &end);
	if (errno || end == eq + 1 || !(v > 0) || !isfinite(v) || !*end ||
	    end[1])
		goto bad;
	switch (*end) {
	case 'w': v *= 7; /* fall through */
	case 'd': v *= 24; /* fall through */
	case 'h': v *= 60; /* fall through */
	case 'm': v *= 60; /* fall through */
	case 's': break;
	default: goto bad;
	}
	d->fresh_field[d->nfresh] = dq_xstrndup(arg, (size_t)(eq - arg));
	d->fresh_age[d->nfresh++] = v;
	return 0;
bad:
	return dq_error("option '--freshness': '%s' is not FIELD=AGE (AGE like "
			"12h, 30m, 7d)", arg);
}
