/*
 * doc.c - a profile as the document dq-profile writes, and as the text
 * table of --format text.
 *
 * The document (docs/profile.md is its reference) has a head (rows,
 * fields, rejected lines, values past the field cap, duplicate rows),
 * then six sections, each an object with a member per field in order of
 * first sight: statisticalSummary, completenessOverview, typeFormatIssues,
 * uniquenessOverview, valueDistributions, boundsAnomalies; and sampleData.
 * What each section shows is bounded by the profile's caps (top values,
 * histogram buckets, sample rows, examples, shapes).
 *
 * Sensitive fields (contract/pii.h): every value the document echoes
 * (top values, examples, least and greatest strings and dates, sample
 * rows) is shown in its masked form, and the figures that are values
 * themselves (numeric least, greatest, quantiles, mean, sum, histogram,
 * outlier examples) are left out; counts, lengths and shapes stay.
 *
 * Rounding.  Floating figures are rounded to 12 significant digits
 * (dq_num_r12), so that a merge of partial states and one pass over the
 * whole input print the same: they differ by rounding in the last bits
 * only.  Skewness is rounded to 10 decimal places.  Histogram counts come
 * from the quantile sketch's CDF, exact while the sketch is exact.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile/doc.h"
#include "contract/pii.h"
#include "stream/path.h"
#include "base/num.h"
#include "base/utf8.h"

/* Skewness is a ratio of moments: its rounding noise is absolute, so it is
 * rounded to 10 decimal places (a symmetric input gives 0, not 1e-19). */
static double
rskew(double x)
{
	/* + 0.0: a skewness rounded to zero is 0, not -0 (the sign of a
	 * rounding error, which differs between a merge and one pass). */
	return dq_num_r12(round(x * 1e10) / 1e10) + 0.0;
}

static const double phis[] = { 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99 };
static const char *const pnames[] = { "p1", "p5", "p25", "p50",
				      "p75", "p95", "p99" };

/* Does the active policy hide the field's values? */
static int
hidden(const struct dq_profile_field *f)
{
	return (f->pii & DQ_PROFILE_HIDDEN) ||
	       (dq_pii_any() &&
		dq_pii_hides(dq_pii_policy(dq_pii_active(), f->name,
					   f->namelen)));
}

/* The field's raw JSON value raw as the document shows it (a value from a
 * shown partial state is shown already), in b. */
static const char *
shown_json(const struct dq_profile_field *f, const char *raw,
	   struct dq_buf *b)
{
	size_t n = strlen(raw);
	if (f->pii & DQ_PROFILE_SHOWN)
		return raw;
	const char *s = dq_pii_show_json(f->name, raw, &n, b);
	if (s == b->buf)
		b->buf[n] = '\0';
	return s;
}

static cJSON *
shown_raw(const struct dq_profile_field *f, const char *raw)
{
	struct dq_buf b = DQ_BUF_INIT;
	cJSON *v = cJSON_CreateRaw(shown_json(f, raw, &b));
	dq_buf_release(&b);
	return v;
}

/* The field's least or greatest string or date s as the document shows
 * it: a sensitive field's is masked, whatever its policy (the hash of the
 * least value could not be had from partial states). */
static const char *
shown_text(const struct dq_profile_field *f, const char *s)
{
	return hidden(f) ? DQ_PII_MASKED : s;
}

/* A top value as shown, and its count. */
struct shown_top {
	char *val;
	uint64_t count;
};

static int
cmp_shown(const void *a, const void *b)
{
	const struct shown_top *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->val, y->val);
}

/* The field's top values in their shown form, by count and then by the
 * shown text (as partial states, which hold only that, order them), in
 * a new array of *n items: free with free_top. */
static struct shown_top *
top_shown(struct dq_profile_field *f, size_t *n)
{
	const struct dq_topk_item *it;
	struct dq_buf b = DQ_BUF_INIT;
	struct shown_top *t;

	*n = dq_topk_sorted(&f->top, &it);
	t = dq_xcalloc(*n + 1, sizeof(*t));
	for (size_t i = 0; i < *n; i++) {
		t[i].val = dq_xstrdup(shown_json(f, it[i].val, &b));
		t[i].count = it[i].count;
	}
	if (dq_pii_any() || f->pii)
		qsort(t, *n, sizeof(*t), cmp_shown);
	dq_buf_release(&b);
	return t;
}

static void
free_top(struct shown_top *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(t[i].val);
	free(t);
}

static cJSON *
stat_summary(const struct dq_profile_field *f)
{
	cJSON *o = cJSON_CreateObject();
	int d = dq_profile_dominant(f);
	cJSON_AddItemToObject(o, "type", d < 0 ? cJSON_CreateNull() :
				  cJSON_CreateString(dq_vtype_names[d]));
	cJSON_AddNumberToObject(o, "count", (double)dq_profile_valid(f));
	if (f->num.n && hidden(f)) {
		cJSON_AddNumberToObject(o, "numbers", (double)f->num.n);
	} else if (f->num.n) {
		cJSON *q = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "numbers", (double)f->num.n);
		cJSON_AddNumberToObject(o, "min", f->num.min);
		cJSON_AddNumberToObject(o, "max", f->num.max);
		cJSON_AddNumberToObject(o, "mean", dq_num_r12(f->num.mean));
		cJSON_AddNumberToObject(o, "stddev",
					dq_num_r12(dq_moments_stddev(&f->num)));
		cJSON_AddNumberToObject(o, "skewness",
					rskew(dq_moments_skewness(&f->num)));
		cJSON_AddNumberToObject(o, "sum", dq_num_r12(f->num.sum));
		cJSON_AddNumberToObject(o, "zeros", (double)f->zeros);
		cJSON_AddNumberToObject(o, "negatives", (double)f->negatives);
		double qv[sizeof(phis) / sizeof(*phis)];
		dq_quantile_getv(&f->q, phis, sizeof(phis) / sizeof(*phis), qv);
		for (size_t i = 0; i < sizeof(phis) / sizeof(*phis); i++)
			cJSON_AddNumberToObject(q, pnames[i], qv[i]);
		cJSON_AddItemToObject(o, "quantiles", q);
		cJSON_AddBoolToObject(o, "quantilesExact",
				      dq_quantile_exact(&f->q));
		cJSON_AddNumberToObject(o, "quantileRankError",
					dq_quantile_exact(&f->q) ? 0 :
					DQ_QUANTILE_RANK_ERROR);
	}
	if (f->len.n) {
		cJSON *l = cJSON_CreateObject();
		cJSON_AddNumberToObject(l, "min", f->len.min);
		cJSON_AddNumberToObject(l, "mean",
					dq_num_r12(f->len.sum /
						   (double)f->len.n));
		cJSON_AddNumberToObject(l, "max", f->len.max);
		cJSON_AddItemToObject(o, "length", l);
	}
	if (f->alen_max || f->alen[0]) {
		/* Arrays: elements per array, and how many arrays had
		 * each length (the last bucket: that many or more). */
		cJSON *a = cJSON_CreateObject(), *c = cJSON_CreateObject();
		uint64_t n = 0;
		char k[16];
		for (int i = 0; i < DQ_PROFILE_ALEN; i++) {
			n += f->alen[i];
			if (!f->alen[i])
				continue;
			snprintf(k, sizeof(k), i == DQ_PROFILE_ALEN - 1 ?
				 "%d+" : "%d", i);
			cJSON_AddNumberToObject(c, k, (double)f->alen[i]);
		}
		cJSON_AddNumberToObject(a, "min", (double)f->alen_min);
		cJSON_AddNumberToObject(a, "mean", dq_num_r12(
			(double)f->alen_sum / (double)n));
		cJSON_AddNumberToObject(a, "max", (double)f->alen_max);
		cJSON_AddItemToObject(a, "counts", c);
		cJSON_AddItemToObject(o, "arrayLength", a);
	}
	return o;
}

static cJSON *
completeness(const struct dq_profile_field *f, uint64_t rows)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "count", (double)rows);
	cJSON_AddNumberToObject(o, "present", (double)f->present);
	cJSON_AddNumberToObject(o, "missing", (double)(rows - f->present));
	cJSON_AddNumberToObject(o, "null", (double)f->nulls);
	cJSON_AddNumberToObject(o, "empty", (double)f->empty);
	cJSON_AddNumberToObject(o, "completeness",
				rows ? dq_num_r12((double)dq_profile_valid(f) /
					   (double)rows) : 0);
	return o;
}

static cJSON *
type_issues(const struct dq_profile_field *f, long long examples)
{
	cJSON *o = cJSON_CreateObject(), *types = cJSON_CreateObject();
	cJSON *ex = cJSON_CreateArray();
	int d = dq_profile_dominant(f);
	uint64_t v = dq_profile_valid(f), issues = 0;
	long long shown = 0;

	for (int t = 0; t < DQ_VT_COUNT; t++)
		if (f->types[t])
			cJSON_AddNumberToObject(types, dq_vtype_names[t],
						(double)f->types[t]);
	cJSON_AddItemToObject(o, "types", types);
	cJSON_AddItemToObject(o, "dominantType", d < 0 ? cJSON_CreateNull() :
				  cJSON_CreateString(dq_vtype_names[d]));
	if (d >= 0)
		issues = v - dq_profile_type_count(f, d);
	cJSON_AddNumberToObject(o, "issues", (double)issues);
	cJSON_AddNumberToObject(o, "issueRate",
				v ? dq_num_r12((double)issues / (double)v) : 0);
	for (int t = 0; t < DQ_VT_COUNT && shown < examples; t++) {
		if (t == d || (d == DQ_VT_NUMBER && t == DQ_VT_INTEGER))
			continue;
		for (unsigned i = 0; i < f->nex[t] && shown < examples;
		     i++, shown++) {
			cJSON *e = cJSON_CreateObject();
			cJSON_AddItemToObject(e, "value",
					      shown_raw(f, f->ex[t][i]));
			cJSON_AddStringToObject(e, "type", dq_vtype_names[t]);
			cJSON_AddItemToArray(ex, e);
		}
	}
	cJSON_AddItemToObject(o, "examples", ex);
	return o;
}

static cJSON *
uniqueness(const struct dq_profile_field *f)
{
	cJSON *o = cJSON_CreateObject();
	double d = dq_profile_distinct(f);
	uint64_t v = dq_profile_valid(f);
	if (d > (double)v)
		d = (double)v; /* an estimate never above the values seen */
	cJSON_AddNumberToObject(o, "distinct", d);
	cJSON_AddBoolToObject(o, "distinctExact", dq_hll_exact(&f->hll));
	cJSON_AddNumberToObject(o, "distinctRelativeError",
				dq_hll_exact(&f->hll) ? 0 : DQ_HLL_STDERR);
	cJSON_AddNumberToObject(o, "uniqueness",
				v ? dq_num_r12(d / (double)v) : 0);
	return o;
}

static cJSON *
distributions(struct dq_profile_field *f,
	      const struct dq_profile_caps *caps)
{
	cJSON *o = cJSON_CreateObject(), *top = cJSON_CreateArray();
	cJSON *shapes = cJSON_CreateArray();
	const struct dq_topk_item *it;
	size_t n;
	struct shown_top *st = top_shown(f, &n);
	uint64_t v = dq_profile_valid(f);

	for (size_t i = 0; i < n && (long long)i < caps->top; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddItemToObject(e, "value", cJSON_CreateRaw(st[i].val));
		cJSON_AddNumberToObject(e, "count", (double)st[i].count);
		cJSON_AddNumberToObject(e, "share",
					dq_num_r12((double)st[i].count /
						   (double)v));
		cJSON_AddItemToArray(top, e);
	}
	free_top(st, n);
	cJSON_AddItemToObject(o, "topValues", top);
	cJSON_AddBoolToObject(o, "topExact", dq_topk_exact(&f->top));
	cJSON_AddNumberToObject(o, "topMaxUndercount", (double)f->top.err);
	if (f->num.n && !hidden(f)) {
		cJSON *h = cJSON_CreateArray();
		int b = f->num.min == f->num.max ? 1 : (int)caps->buckets;
		double lo = f->num.min, w = (f->num.max - lo) / b;
		double nn = (double)f->q.n;
		uint64_t prev = 0;
		for (int i = 0; i < b; i++) {
			double hi = i == b - 1 ? f->num.max : lo + w * (i + 1);
			uint64_t cum = i == b - 1 ? f->q.n : (uint64_t)floor(
				nn * dq_quantile_cdf(&f->q, hi) + 0.5);
			cJSON *e = cJSON_CreateObject();
			if (cum < prev)
				cum = prev;
			cJSON_AddNumberToObject(e, "from",
						dq_num_r12(i ? lo + w * i :
							   lo));
			cJSON_AddNumberToObject(e, "to", dq_num_r12(hi));
			cJSON_AddNumberToObject(e, "count",
						(double)(cum - prev));
			cJSON_AddItemToArray(h, e);
			prev = cum;
		}
		cJSON_AddItemToObject(o, "histogram", h);
		cJSON_AddBoolToObject(o, "histogramExact",
				      dq_quantile_exact(&f->q));
	}
	n = dq_topk_sorted(&f->shapes, &it);
	for (size_t i = 0; i < n && (long long)i < caps->shapes; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "shape", it[i].val);
		cJSON_AddNumberToObject(e, "count", (double)it[i].count);
		cJSON_AddItemToArray(shapes, e);
	}
	cJSON_AddItemToObject(o, "shapes", shapes);
	return o;
}

static cJSON *
bounds(const struct dq_profile_field *f)
{
	static const char *const key[4] = { "minString", "maxString",
					    "minDate", "maxDate" };
	const char *const text[4] = { f->smin, f->smax, f->dmin, f->dmax };
	cJSON *o = cJSON_CreateObject();
	if (f->num.n && hidden(f)) {
		cJSON_AddNumberToObject(o, "zeros", (double)f->zeros);
		cJSON_AddNumberToObject(o, "negatives", (double)f->negatives);
	} else if (f->num.n) {
		static const double quart[2] = { 0.25, 0.75 };
		double qv[2];
		dq_quantile_getv(&f->q, quart, 2, qv);
		double q1 = qv[0], q3 = qv[1];
		double lof = q1 - 1.5 * (q3 - q1), hif = q3 + 1.5 * (q3 - q1);
		double nn = (double)f->q.n;
		double below = floor(nn * dq_quantile_cdf(&f->q,
				     nextafter(lof, -INFINITY)) + 0.5);
		double above = nn - floor(nn * dq_quantile_cdf(&f->q, hif) +
					  0.5);
		cJSON *iqr = cJSON_CreateObject(), *ex = cJSON_CreateArray();
		cJSON_AddNumberToObject(o, "min", f->num.min);
		cJSON_AddNumberToObject(o, "max", f->num.max);
		cJSON_AddNumberToObject(iqr, "q1", q1);
		cJSON_AddNumberToObject(iqr, "q3", q3);
		cJSON_AddNumberToObject(iqr, "lowerFence", dq_num_r12(lof));
		cJSON_AddNumberToObject(iqr, "upperFence", dq_num_r12(hif));
		cJSON_AddItemToObject(o, "iqr", iqr);
		cJSON_AddNumberToObject(o, "outliers", below + above);
		if (below > 0)
			cJSON_AddItemToArray(ex,
					     cJSON_CreateNumber(f->num.min));
		if (above > 0)
			cJSON_AddItemToArray(ex,
					     cJSON_CreateNumber(f->num.max));
		cJSON_AddItemToObject(o, "outlierExamples", ex);
		cJSON_AddNumberToObject(o, "zeros", (double)f->zeros);
		cJSON_AddNumberToObject(o, "negatives", (double)f->negatives);
	}
	for (int k = 0; k < 4; k++)
		if (text[k])
			cJSON_AddStringToObject(o, key[k],
						shown_text(f, text[k]));
	return o;
}

static cJSON *
sample_data(const struct dq_profile *p)
{
	cJSON *o = cJSON_CreateObject(), *cols = cJSON_CreateArray();
	cJSON *rows = cJSON_CreateArray();
	struct dq_record r;
	struct dq_json_error err;
	struct dq_buf raw = DQ_BUF_INIT;

	/* A nested field's name is its path (profile.h): parsed once. */
	struct dq_path *paths = dq_xcalloc(p->nf + 1, sizeof(*paths));
	for (size_t i = 0; i < p->nf; i++) {
		cJSON_AddItemToArray(cols, cJSON_CreateString(p->f[i]->name));
		if (dq_path_is_nested(p->f[i]->name, p->f[i]->namelen))
			dq_path_parse(&paths[i], p->f[i]->name,
				      p->f[i]->namelen, NULL);
	}
	dq_record_init(&r);
	for (size_t s = 0;
	     s < p->sample.n && (long long)s < p->caps.sample; s++) {
		cJSON *row;
		/* A partial state given to --merge may hold anything. */
		if (dq_json_scan(&r, p->sample.item[s], p->sample.len[s], &err))
			continue;
		row = cJSON_CreateArray();
		for (size_t i = 0; i < p->nf; i++) {
			long m;
			dq_buf_reset(&raw);
			if (paths[i].n) {
				if (!dq_path_value(&paths[i], &r, &raw)) {
					cJSON_AddItemToArray(row,
							     cJSON_CreateNull());
					continue;
				}
			} else if ((m = dq_record_find(&r, p->f[i]->name,
						       p->f[i]->namelen)) < 0) {
				cJSON_AddItemToArray(row, cJSON_CreateNull());
				continue;
			} else {
				dq_buf_add(&raw, r.m[m].val, r.m[m].vallen);
			}
			/* cJSON_CreateRaw copies its NUL-terminated text. */
			cJSON_AddItemToArray(row, shown_raw(p->f[i], raw.buf));
		}
		cJSON_AddItemToArray(rows, row);
	}
	for (size_t i = 0; i < p->nf; i++)
		dq_path_release(&paths[i]);
	free(paths);
	dq_record_release(&r);
	dq_buf_release(&raw);
	cJSON_AddItemToObject(o, "columns", cols);
	cJSON_AddItemToObject(o, "rows", rows);
	return o;
}

cJSON *
dq_doc_profile(struct dq_profile *p)
{
	cJSON *doc = cJSON_CreateObject(), *dup = cJSON_CreateObject();
	cJSON *sec[6];
	static const char *const secname[6] = {
		"statisticalSummary", "completenessOverview",
		"typeFormatIssues", "uniquenessOverview",
		"valueDistributions", "boundsAnomalies"
	};

	cJSON_AddStringToObject(doc, "tool", "dq-profile");
	cJSON_AddStringToObject(doc, "version", DQ_VERSION);
	cJSON_AddNumberToObject(doc, "rows", (double)p->rows);
	cJSON_AddNumberToObject(doc, "fields", (double)p->nf);
	cJSON_AddNumberToObject(doc, "rejected", (double)p->rejected);
	cJSON_AddNumberToObject(doc, "unprofiledValues", (double)p->overflow);
	cJSON_AddNumberToObject(dup, "count",
				floor(dq_dupsketch_count(&p->dups) + 0.5));
	cJSON_AddBoolToObject(dup, "exact", dq_dupsketch_exact(&p->dups));
	cJSON_AddNumberToObject(dup, "standardError",
				dq_num_r12(dq_dupsketch_stderr(&p->dups)));
	cJSON_AddItemToObject(doc, "duplicateRows", dup);
	for (int s = 0; s < 6; s++)
		sec[s] = cJSON_AddObjectToObject(doc, secname[s]);
	for (size_t i = 0; i < p->nf; i++) {
		struct dq_profile_field *f = p->f[i];
		cJSON_AddItemToObject(sec[0], f->name, stat_summary(f));
		cJSON_AddItemToObject(sec[1], f->name,
				      completeness(f, dq_profile_slots(p, f)));
		cJSON_AddItemToObject(sec[2], f->name,
				      type_issues(f, p->caps.examples));
		cJSON_AddItemToObject(sec[3], f->name, uniqueness(f));
		cJSON_AddItemToObject(sec[4], f->name,
				      distributions(f, &p->caps));
		cJSON_AddItemToObject(sec[5], f->name, bounds(f));
	}
	cJSON_AddItemToObject(doc, "sampleData", sample_data(p));
	return doc;
}

/* ---- the text table ------------------------------------------------- */

/* Append s to b in a cell of width code points and a space: padded, or
 * cut with "~"; control characters become "?". */
static void
cell(struct dq_buf *b, const char *s, int width)
{
	int n = (int)strlen(s), cp = 0, i;
	/* Count code points so UTF-8 names line up. */
	for (i = 0; i < n && cp < width; i++)
		cp += !DQ_UTF8_IS_CONT((unsigned char)s[i]);
	while (i < n && DQ_UTF8_IS_CONT((unsigned char)s[i]))
		i++;
	size_t start = b->len;
	if (i < n) {
		/* Cut: drop the last code point, mark with "~". */
		int j = i - 1;
		while (j > 0 && DQ_UTF8_IS_CONT((unsigned char)s[j]))
			j--;
		dq_buf_add(b, s, (size_t)j);
		dq_buf_addch(b, '~');
	} else {
		dq_buf_add(b, s, (size_t)n);
		for (; cp < width; cp++)
			dq_buf_addch(b, ' ');
	}
	/* Control characters (a tab at the start of a value) would break
	 * the columns: show them as "?". */
	for (size_t k = start; k < b->len; k++)
		if ((unsigned char)b->buf[k] < 0x20 || b->buf[k] == 0x7f)
			b->buf[k] = '?';
	dq_buf_addch(b, ' ');
}

void
dq_doc_text(struct dq_profile *p, const cJSON *anomalies, struct dq_buf *b)
{
	char v[64];
	dq_buf_addf(b, "rows %llu  fields %zu  rejected %llu  duplicate rows "
		    "%s%.0f\n", (unsigned long long)p->rows, p->nf,
		    (unsigned long long)p->rejected,
		    dq_dupsketch_exact(&p->dups) ? "" : "~",
		    floor(dq_dupsketch_count(&p->dups) + 0.5));
	cell(b, "field", 16);
	cell(b, "type", 8);
	cell(b, "complete", 8);
	cell(b, "null", 7);
	cell(b, "distinct", 9);
	cell(b, "min", 12);
	cell(b, "max", 12);
	cell(b, "mean", 10);
	dq_buf_addstr(b, "top value\n");
	for (size_t i = 0; i < p->nf; i++) {
		struct dq_profile_field *f = p->f[i];
		int d = dq_profile_dominant(f);
		size_t nt;
		struct shown_top *it = top_shown(f, &nt);
		cell(b, f->name, 16);
		cell(b, d < 0 ? "-" : dq_vtype_names[d], 8);
		uint64_t slots = dq_profile_slots(p, f);
		snprintf(v, sizeof(v), "%.1f%%", slots ? 100.0 *
			 (double)dq_profile_valid(f) / (double)slots : 0.0);
		cell(b, v, 8);
		snprintf(v, sizeof(v), "%llu", (unsigned long long)f->nulls);
		cell(b, v, 7);
		snprintf(v, sizeof(v), "%s%.0f", dq_hll_exact(&f->hll) ? "" :
			 "~", dq_profile_distinct(f));
		cell(b, v, 9);
		/* Numeric bounds for numeric fields; dates for date fields;
		 * else strings (a dob column of "19340301" strings also has
		 * numbers, but its bounds are dates). */
		if (hidden(f)) {
			cell(b, DQ_PII_MASKED, 12);
			cell(b, DQ_PII_MASKED, 12);
			cell(b, "-", 10);
		} else if (f->num.n && (d == DQ_VT_INTEGER ||
					d == DQ_VT_NUMBER ||
					d == DQ_VT_BOOLEAN)) {
			snprintf(v, sizeof(v), "%.6g", f->num.min);
			cell(b, v, 12);
			snprintf(v, sizeof(v), "%.6g", f->num.max);
			cell(b, v, 12);
			snprintf(v, sizeof(v), "%.6g", f->num.mean);
			cell(b, v, 10);
		} else {
			int dt = (d == DQ_VT_DATE || d == DQ_VT_DATETIME) &&
				 f->dmin;
			const char *lo = dt ? f->dmin : f->smin;
			const char *hi = dt ? f->dmax : f->smax;
			cell(b, lo ? lo : "-", 12);
			cell(b, hi ? hi : "-", 12);
			cell(b, "-", 10);
		}
		if (nt && p->caps.top > 0) {
			snprintf(v, sizeof(v), " (%llu)",
				 (unsigned long long)it[0].count);
			size_t l = b->len;
			cell(b, it[0].val, 24);
			while (b->len > l && b->buf[b->len - 1] == ' ')
				b->len--;
			b->buf[b->len] = '\0';
			dq_buf_addstr(b, v);
		}
		dq_buf_addch(b, '\n');
		free_top(it, nt);
	}
	if (anomalies) {
		const cJSON *a;
		dq_buf_addf(b, "anomalies %d\n", cJSON_GetArraySize(anomalies));
		cJSON_ArrayForEach(a, anomalies) {
			const cJSON *k = cJSON_GetObjectItemCaseSensitive(a,
									  "kind");
			const cJSON *m = cJSON_GetObjectItemCaseSensitive(a,
								"message");
			dq_buf_addf(b, "  %s: %s\n", cJSON_GetStringValue(k),
				    cJSON_GetStringValue(m));
		}
	}
}

/* ---- several processes over one file -------------------------------- */
