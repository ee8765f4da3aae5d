/*
 * dups.c - dq-report's duplicates and clusters sections: scored pairs
 * (docs/score.md), the review file and golden records (docs/merge.md).
 *
 * The pairs file may hold millions of lines (3.2 million for 1M dq-gen
 * records), so it is read once, a line at a time, keeping counts, a
 * 20-bin histogram of the scores and the first review pairs up to the
 * cap.  Golden records likewise: a size distribution in fixed buckets,
 * the largest clusters in a K-slot table (replace the smallest when a
 * larger comes; K = caps.top), and the first merged clusters' records.
 *
 * The waterfall of a pair's match weight draws each compared field's
 * weight as a step from the running sum: from the prior's log-odds for
 * Fellegi-Sunter (match_weight less the fields' weights), from 0 for the
 * weighted model, whose score is the sum capped at 1.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/html.h"
#include "report/read.h"
#include "report/report.h"

#define NBINS 20

struct pairs {
	const struct dq_report *r;
	uint64_t n, match, review, distinct, other, unscored, guarded;
	uint64_t bins[NBINS];
	cJSON *shown; /* review pairs kept, an array */
};

/* The pair's own _dq of the line text[0..n), parsed: the last "_dq"
 * member when it closes the line (dq-score writes it last; the records'
 * own _dq come before), else the whole line's.  *whole gets the whole
 * line when it had to be parsed (NULL otherwise); NULL when the line is
 * not a JSON object. */
static cJSON *
pair_dq(const char *text, size_t n, cJSON **whole)
{
	static const char key[] = ",\"_dq\":";
	const char *p = NULL, *end;
	cJSON *dq;

	*whole = NULL;
	for (size_t i = n; i-- > sizeof key - 1;)
		if (text[i] == ':' && !memcmp(text + i + 1 - (sizeof key - 1),
					      key, sizeof key - 1)) {
			p = text + i + 1;
			break;
		}
	if (p) {
		dq = cJSON_ParseWithLengthOpts(p, (size_t)(text + n - p), &end,
					       0);
		while (dq && end < text + n && (*end == ' ' || *end == '\t'))
			end++;
		if (cJSON_IsObject(dq) && end == text + n - 1 && *end == '}')
			return dq;
		cJSON_Delete(dq);
	}
	*whole = cJSON_ParseWithLength(text, n);
	if (!cJSON_IsObject(*whole)) {
		cJSON_Delete(*whole);
		*whole = NULL;
		return NULL;
	}
	return cJSON_DetachItemFromObjectCaseSensitive(*whole, "_dq");
}

static int
take_pair(void *ctx, const char *text, size_t len, const char *path,
	  long line)
{
	struct pairs *p = ctx;
	cJSON *whole, *dq = pair_dq(text, len, &whole);
	const char *d = dq_report_strv(dq, "decision");
	double s = dq_report_num(dq, "score");

	if (!dq && !whole)
		return dq_error("%s:%ld: not a JSON object", path, line);
	p->n++;
	if (isnan(s)) {
		p->unscored++;
		goto out;
	}
	if (!d)
		p->other++;
	else if (!strcmp(d, "match"))
		p->match++;
	else if (!strcmp(d, "review"))
		p->review++;
	else if (!strcmp(d, "distinct"))
		p->distinct++;
	else
		p->other++;
	if (dq_report_strv(dq, "guard"))
		p->guarded++;
	s = s < 0 ? 0 : s > 1 ? 1 : s;
	p->bins[s >= 1 ? NBINS - 1 : (int)(s * NBINS)]++;
	if (d && !strcmp(d, "review") &&
	    cJSON_GetArraySize(p->shown) < p->r->caps.review_pairs) {
		cJSON *o = cJSON_ParseWithLength(text, len);
		if (cJSON_IsObject(o))
			cJSON_AddItemToArray(p->shown, o);
		else
			cJSON_Delete(o);
	}
out:
	cJSON_Delete(dq);
	cJSON_Delete(whole);
	return 0;
}

/* A review file's line: kept up to the cap, the rest counted. */
static int
take_review(void *ctx, cJSON *o, const char *path, long line)
{
	struct pairs *p = ctx;

	if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(o, "a")) ||
	    !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(o, "b")))
		return dq_error("%s:%ld: no records \"a\" and \"b\" (is this "
				"dq-merge's --review file?)", path, line);
	p->n++;
	if (cJSON_GetArraySize(p->shown) < p->r->caps.review_pairs)
		cJSON_AddItemToArray(p->shown, cJSON_Duplicate(o, 1));
	return 0;
}

static void
count_card(struct dq_buf *b, const char *label, uint64_t n, uint64_t of)
{
	dq_buf_addstr(b, "<div class=\"card\"><b>");
	dq_html_count(b, (double)n);
	dq_buf_addstr(b, "</b>");
	dq_html_str(b, label);
	if (of) {
		dq_buf_addstr(b, " (");
		dq_html_pct(b, (double)n / (double)of);
		dq_buf_addstr(b, ")");
	}
	dq_buf_addstr(b, "</div>");
}

/* The waterfall of a pair's weight: a row per feature. */
static void
waterfall(struct dq_buf *b, const cJSON *dq)
{
	const cJSON *feat = cJSON_GetObjectItemCaseSensitive(dq, "features");
	double mw = dq_report_num(dq, "match_weight");
	double start = 0, sum = 0, lo, hi, cum;
	const int row = 18, lw = 140, cw = 380, vw = 70;
	size_t n = (size_t)cJSON_GetArraySize(feat), i = 0;
	const cJSON *f;

	cJSON_ArrayForEach(f, feat)
	{
		double w = dq_report_num(f, "weight");
		sum += isnan(w) ? 0 : w;
	}
	if (!isnan(mw))
		start = mw - sum; /* the prior's log2-odds */
	lo = hi = cum = start;
	cJSON_ArrayForEach(f, feat)
	{
		double w = dq_report_num(f, "weight");
		cum += isnan(w) ? 0 : w;
		lo = cum < lo ? cum : lo;
		hi = cum > hi ? cum : hi;
	}
	lo = lo > 0 ? 0 : lo;
	hi = hi < 0 ? 0 : hi;
	if (hi - lo <= 0)
		hi = lo + 1;
#define WX(v) (lw + ((v)-lo) / (hi - lo) * cw)
	dq_buf_addf(b,
		    "<svg class=\"waterfall\" role=\"img\" viewBox=\"0 0 %d "
		    "%zu\" width=\"%d\" height=\"%zu\">",
		    lw + cw + vw, (n + 2) * (size_t)row + 4, lw + cw + vw,
		    (n + 2) * (size_t)row + 4);
	cum = start;
	dq_buf_addf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s"
		       "</text><text x=\"%.1f\" y=\"%d\">",
		    lw - 6, 15, isnan(mw) ? "start" : "prior", WX(start) + 4,
		    15);
	dq_html_num(b, start);
	dq_buf_addstr(b, "</text>");
	cJSON_ArrayForEach(f, feat)
	{
		double w = dq_report_num(f, "weight");
		double a, z;
		int y = (int)(i + 1) * row + 2;

		w = isnan(w) ? 0 : w;
		a = cum;
		cum += w;
		z = cum;
		dq_buf_addstr(b, "<g><title>");
		dq_html_str(b, f->string);
		dq_buf_addstr(b, ": ");
		dq_html_str(b, dq_report_strv(f, "level"));
		dq_buf_addstr(b, ", ");
		dq_html_num(b, w);
		dq_buf_addf(b, "</title><text x=\"%d\" y=\"%d\" "
			       "text-anchor=\"end\">",
			    lw - 6, y + 13);
		dq_html_text(b, f->string, strlen(f->string), 40);
		dq_buf_addf(b,
			    "</text><rect class=\"%s\" x=\"%.1f\" y=\"%d\" "
			    "width=\"%.1f\" height=\"%d\"/><text x=\"%.1f\" "
			    "y=\"%d\">",
			    w < 0 ? "neg" : "pos", WX(a < z ? a : z), y + 2,
			    fabs(WX(z) - WX(a)) < 1 ? 1 : fabs(WX(z) - WX(a)),
			    row - 4, WX(a > z ? a : z) + 4, y + 13);
		if (w > 0)
			dq_buf_addch(b, '+');
		dq_html_num(b, w);
		dq_buf_addstr(b, "</text></g>");
		i++;
	}
	dq_buf_addf(b,
		    "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\">%s</text>"
		    "<rect x=\"%.1f\" y=\"%zu\" width=\"%.1f\" height=\"%d\"/>"
		    "<text x=\"%.1f\" y=\"%zu\">",
		    lw - 6, (n + 1) * (size_t)row + 15,
		    isnan(mw) ? "sum" : "match weight",
		    WX(cum < 0 ? cum : 0), (n + 1) * (size_t)row + 4,
		    fabs(WX(cum) - WX(0)) < 1 ? 1 : fabs(WX(cum) - WX(0)),
		    row - 4, WX(cum > 0 ? cum : 0) + 4,
		    (n + 1) * (size_t)row + 15);
	dq_html_num(b, cum);
	dq_buf_addstr(b, "</text></svg>");
#undef WX
}

/* The fields of a pair's two records, in a's order then b's own. */
static void
pair_table(const struct dq_report *r, struct dq_buf *b, const cJSON *pair)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(pair, "a");
	const cJSON *bb = cJSON_GetObjectItemCaseSensitive(pair, "b");
	const cJSON *dq = cJSON_GetObjectItemCaseSensitive(pair, "_dq");
	const cJSON *feat = cJSON_GetObjectItemCaseSensitive(dq, "features");
	const cJSON *side[2] = { a, bb };

	dq_buf_addstr(b, "<table><tr><th>field</th><th>a</th><th>b</th>"
			 "<th>level</th><th>similarity</th><th>weight</th>"
			 "</tr>\n");
	for (int s = 0; s < 2; s++) {
		const cJSON *it;
		cJSON_ArrayForEach(it, side[s])
		{
			const char *k = it->string;
			const cJSON *va = cJSON_GetObjectItemCaseSensitive(a, k);
			const cJSON *vb = cJSON_GetObjectItemCaseSensitive(bb,
									   k);
			const cJSON *f = cJSON_GetObjectItemCaseSensitive(feat,
									  k);
			char *ta, *tb;
			int same;

			if (!strcmp(k, "_dq") || (s == 1 && va))
				continue;
			ta = va ? cJSON_PrintUnformatted(va) : NULL;
			tb = vb ? cJSON_PrintUnformatted(vb) : NULL;
			same = ta && tb && !strcmp(ta, tb);
			cJSON_free(ta);
			cJSON_free(tb);
			dq_buf_addstr(b, same ? "<tr><td>" : "<tr class=\"diff\">"
							     "<td>");
			dq_html_str(b, k);
			dq_buf_addstr(b, "</td><td>");
			dq_report_value(r, b, k, va);
			dq_buf_addstr(b, "</td><td>");
			dq_report_value(r, b, k, vb);
			dq_buf_addstr(b, "</td><td>");
			dq_html_str(b, dq_report_strv(f, "level"));
			dq_buf_addstr(b, "</td><td class=\"n\">");
			if (f)
				dq_html_num(b, dq_report_num(f, "similarity"));
			dq_buf_addstr(b, "</td><td class=\"n\">");
			if (f)
				dq_html_num(b, dq_report_num(f, "weight"));
			dq_buf_addstr(b, "</td></tr>\n");
		}
	}
	dq_buf_addstr(b, "</table>\n");
}

static void
show_pairs(const struct dq_report *r, struct dq_buf *b, const cJSON *shown,
	   uint64_t total, const char *from)
{
	const cJSON *pair;
	int i = 0;

	dq_buf_addstr(b, "<h3>Review pairs</h3><p>");
	dq_html_count(b, (double)cJSON_GetArraySize(shown));
	dq_buf_addstr(b, " of ");
	dq_html_count(b, (double)total);
	dq_buf_addstr(b, " review pairs of ");
	dq_html_str(b, from);
	dq_buf_addstr(b, " shown.</p>\n");
	cJSON_ArrayForEach(pair, shown)
	{
		const cJSON *dq = cJSON_GetObjectItemCaseSensitive(pair, "_dq");
		const cJSON *ida = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(pair, "a"), "id");
		const cJSON *idb = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(pair, "b"), "id");

		dq_buf_addf(b, "<div class=\"field\"><h3>%d. ", ++i);
		dq_report_value(r, b, "id", ida);
		dq_buf_addstr(b, " ~ ");
		dq_report_value(r, b, "id", idb);
		dq_buf_addstr(b, ": score ");
		dq_html_num(b, dq_report_num(dq, "score"));
		if (dq_report_strv(dq, "guard")) {
			dq_buf_addstr(b, " (held by the ");
			dq_html_str(b, dq_report_strv(dq, "guard"));
			dq_buf_addstr(b, " guard)");
		}
		dq_buf_addstr(b, "</h3>");
		pair_table(r, b, pair);
		if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
			    dq, "features")))
			waterfall(b, dq);
		dq_buf_addstr(b, "</div>\n");
	}
}

int
dq_report_pairs(struct dq_report *r, const char *pairs, const char *review)
{
	struct dq_buf *b = &r->body;
	struct pairs p = { .r = r }, rv = { .r = r };
	int rc = 0;

	p.shown = cJSON_CreateArray();
	rv.shown = cJSON_CreateArray();
	if (pairs)
		rc = dq_report_each_line(pairs, take_pair, &p);
	if (!rc && review)
		rc = dq_report_each(review, take_review, &rv);
	if (rc)
		goto out;
	dq_report_section(r, "duplicates", "Duplicates");
	if (pairs) {
		double marks[2] = { r->review, r->match };
		char lr[48], lm[48];
		const char *ml[2] = { lr, lm };
		uint64_t scored = p.n - p.unscored;

		dq_buf_addstr(b, "<div class=\"cards\">");
		count_card(b, "pairs", p.n, 0);
		count_card(b, "match", p.match, scored);
		count_card(b, "review", p.review, scored);
		count_card(b, "distinct", p.distinct, scored);
		if (p.guarded)
			count_card(b, "held by a guard", p.guarded, scored);
		dq_buf_addstr(b, "</div>\n");
		if (p.unscored || p.other) {
			dq_buf_addstr(b, "<p class=\"warn\">");
			dq_html_count(b, (double)p.unscored);
			dq_buf_addstr(b, " pairs without a score (candidate "
					 "pairs not through dq-score?) and ");
			dq_html_count(b, (double)p.other);
			dq_buf_addstr(b, " without a known decision are in no "
					 "count above.</p>\n");
		}
		snprintf(lr, sizeof lr, "review %g", r->review);
		snprintf(lm, sizeof lm, "match %g", r->match);
		dq_buf_addstr(b, "<h3>Scores</h3>");
		dq_html_histogram(b, p.bins, NBINS, 0, 1, marks, ml, 2);
		dq_buf_addstr(b, "<p class=\"muted\">Thresholds ");
		dq_html_str(b, r->thresholds_from);
		dq_buf_addstr(b, ".</p>\n");
	}
	if (review)
		show_pairs(r, b, rv.shown, rv.n, review);
	else if (pairs)
		show_pairs(r, b, p.shown, p.review, pairs);
	dq_report_section_end(r);
out:
	cJSON_Delete(p.shown);
	cJSON_Delete(rv.shown);
	return rc;
}

/* Cluster sizes in buckets: 1, 2, 3, 4, 5, 6-10, 11-20, 21-50, 51-100,
 * more. */
static const char *const bucket_name[] = { "1",     "2",     "3",
					   "4",     "5",     "6-10",
					   "11-20", "21-50", "51-100",
					   "over 100" };
#define NBUCKETS 10

static int
bucket(size_t n)
{
	return n <= 5 ? (int)n - 1 : n <= 10 ? 5 : n <= 20 ? 6 : n <= 50 ? 7
		: n <= 100 ? 8 : 9;
}

struct big {
	size_t size;
	char *cluster;
	char *members; /* the first ids, as text */
};

struct clusters {
	const struct dq_report *r;
	uint64_t n, records;
	double sizes[NBUCKETS];
	struct big *big; /* caps.top slots */
	size_t nbig;
	cJSON *shown;    /* golden records of merged clusters */
};

static void
keep_big(struct clusters *c, size_t size, const cJSON *dq)
{
	size_t k = c->nbig, min = 0;
	struct dq_buf t = DQ_BUF_INIT;
	const cJSON *m;
	int i = 0;

	if ((long long)c->nbig < c->r->caps.top) {
		k = c->nbig++;
	} else {
		if (!c->nbig)
			return;
		for (size_t j = 1; j < c->nbig; j++)
			if (c->big[j].size < c->big[min].size)
				min = j;
		if (c->big[min].size >= size)
			return;
		k = min;
		free(c->big[k].cluster);
		free(c->big[k].members);
	}
	c->big[k].size = size;
	c->big[k].cluster = dq_xstrdup(
		dq_report_strv(dq, "cluster") ? dq_report_strv(dq, "cluster")
					      : "");
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(dq, "members"))
	{
		if (i++ == 5) {
			dq_buf_addstr(&t, ", \xE2\x80\xA6");
			break;
		}
		if (i > 1)
			dq_buf_addstr(&t, ", ");
		dq_report_value_text(c->r, &t, "id", m);
	}
	c->big[k].members = dq_buf_detach(&t, NULL);
}

static int
take_golden(void *ctx, cJSON *o, const char *path, long line)
{
	struct clusters *c = ctx;
	const cJSON *dq = cJSON_GetObjectItemCaseSensitive(o, "_dq");
	const cJSON *mem = cJSON_GetObjectItemCaseSensitive(dq, "members");
	size_t n;

	if (!cJSON_IsArray(mem) || !cJSON_GetArraySize(mem))
		return dq_error("%s:%ld: no \"_dq.members\" (is this "
				"dq-merge's output?)", path, line);
	n = (size_t)cJSON_GetArraySize(mem);
	c->n++;
	c->records += n;
	c->sizes[bucket(n)]++;
	if (n > 1)
		keep_big(c, n, dq);
	if (n > 1 && cJSON_GetArraySize(c->shown) < c->r->caps.golden)
		cJSON_AddItemToArray(c->shown, cJSON_Duplicate(o, 1));
	return 0;
}

static int
by_size(const void *x, const void *y)
{
	const struct big *a = x, *b = y;
	if (a->size != b->size)
		return a->size < b->size ? 1 : -1;
	return strcmp(a->cluster, b->cluster);
}

static void
golden_table(const struct dq_report *r, struct dq_buf *b, const cJSON *g)
{
	const cJSON *dq = cJSON_GetObjectItemCaseSensitive(g, "_dq");
	const cJSON *prov = cJSON_GetObjectItemCaseSensitive(dq, "provenance");
	const cJSON *it;

	dq_buf_addstr(b, "<div class=\"field\"><h3>");
	dq_html_str(b, dq_report_strv(dq, "cluster"));
	dq_buf_addstr(b, ": ");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(dq, "members"))
	{
		if (it != cJSON_GetObjectItemCaseSensitive(dq, "members")->child)
			dq_buf_addstr(b, " + ");
		dq_report_value(r, b, "id", it);
	}
	dq_buf_addstr(b, "</h3><table><tr><th>field</th><th>value</th>"
			 "<th>from</th></tr>\n");
	cJSON_ArrayForEach(it, g)
	{
		if (!strcmp(it->string, "_dq"))
			continue;
		dq_buf_addstr(b, "<tr><td>");
		dq_html_str(b, it->string);
		dq_buf_addstr(b, "</td><td>");
		dq_report_value(r, b, it->string, it);
		dq_buf_addstr(b, "</td><td>");
		dq_report_value(r, b, "id", cJSON_GetObjectItemCaseSensitive(
						    prov, it->string));
		dq_buf_addstr(b, "</td></tr>\n");
	}
	dq_buf_addstr(b, "</table></div>\n");
}

static void
merge_cards(struct dq_buf *b, const cJSON *merge)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(merge, "merge");
	static const char *const keys[] = { "records",	       "clusters",
					    "merged_clusters", "singletons",
					    "largest",	       "review_written",
					    NULL };
	static const char *const labels[] = { "records",
					      "clusters",
					      "merged clusters",
					      "single records",
					      "largest cluster",
					      "pairs for review" };

	dq_buf_addstr(b, "<div class=\"cards\">");
	for (int i = 0; keys[i]; i++) {
		double v = dq_report_num(m, keys[i]);
		if (!isnan(v))
			count_card(b, labels[i], (uint64_t)v, 0);
	}
	dq_buf_addstr(b, "</div>\n");
}

int
dq_report_clusters(struct dq_report *r, const cJSON *merge,
		   const char *golden)
{
	struct dq_buf *b = &r->body;
	struct clusters c = { .r = r };
	int rc = 0;

	c.big = dq_xcalloc((size_t)r->caps.top + 1, sizeof(*c.big));
	c.shown = cJSON_CreateArray();
	if (golden)
		rc = dq_report_each(golden, take_golden, &c);
	if (rc)
		goto out;
	dq_report_section(r, "clusters", "Clusters");
	if (merge)
		merge_cards(b, merge);
	if (golden) {
		dq_buf_addstr(b, "<p>");
		dq_html_count(b, (double)c.n);
		dq_buf_addstr(b, " golden records of ");
		dq_html_count(b, (double)c.records);
		dq_buf_addstr(b, " records.</p><h3>Cluster sizes</h3>");
		dq_html_bars(b, bucket_name, c.sizes, NBUCKETS, 20,
			     DQ_HTML_COUNT);
		qsort(c.big, c.nbig, sizeof(*c.big), by_size);
		if (c.nbig) {
			dq_buf_addstr(b, "<h3>Largest clusters</h3><table>"
					 "<tr><th>cluster</th><th>records</th>"
					 "<th>members</th></tr>\n");
			for (size_t i = 0; i < c.nbig; i++) {
				dq_buf_addstr(b, "<tr><td>");
				dq_html_str(b, c.big[i].cluster);
				dq_buf_addstr(b, "</td><td class=\"n\">");
				dq_html_count(b, (double)c.big[i].size);
				dq_buf_addstr(b, "</td><td><bdi>");
				dq_html_text(b, c.big[i].members,
					     strlen(c.big[i].members),
					     (size_t)r->caps.value_chars);
				dq_buf_addstr(b, "</bdi></td></tr>\n");
			}
			dq_buf_addstr(b, "</table>\n");
		}
		if (cJSON_GetArraySize(c.shown)) {
			const cJSON *g;
			dq_buf_addstr(b, "<h3>Golden records of merged "
					 "clusters</h3><p class=\"muted\">"
					 "Each value with the record it came "
					 "from.</p>");
			cJSON_ArrayForEach(g, c.shown)
				golden_table(r, b, g);
		}
	}
	dq_report_section_end(r);
out:
	for (size_t i = 0; i < c.nbig; i++) {
		free(c.big[i].cluster);
		free(c.big[i].members);
	}
	free(c.big);
	cJSON_Delete(c.shown);
	return rc;
}
