/*
 * report.h - dq-report's engine: the documents of a run in, one
 * self-contained HTML page out (docs/report.md).
 *
 *	struct dq_report r;
 *	struct dq_buf page = DQ_BUF_INIT;
 *
 *	dq_report_init(&r, &caps);
 *	if (dq_report_overview(&r, summary, "validate-summary.json") ||
 *	    dq_report_rules(&r, summary, "violations.ndjson") ||
 *	    dq_report_fields(&r, profile))
 *		fail;
 *	dq_report_page(&r, &page);
 *	dq_report_release(&r);
 *
 * Each dq_report_* call adds one section, in the order called; the page
 * is the sections in a fixed frame (inline CSS, a table of contents, no
 * script, a Content-Security-Policy that forbids any fetch).  Documents
 * are borrowed; files named are read by the call, NDJSON files a line at
 * a time, so memory and page size depend on the caps, not on the files'
 * size.  Every call returns 0, or -1 after a message naming the file and
 * line (a line that is not JSON, a document of the wrong kind).
 *
 * Values of records (examples, top values, the pairs' and golden records'
 * fields) reach the page only through dq_report_value(): the one place
 * where a field's value is turned into text, and so the place where a
 * field marked sensitive is to be masked.
 */
#ifndef DQ_REPORT_H
#define DQ_REPORT_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "base/util.h"

struct dq_report_caps {
	long long examples;     /* example violations per rule */
	long long top;          /* top values per field, largest clusters */
	long long review_pairs; /* review pairs shown side by side */
	long long golden;       /* golden records shown */
	long long value_chars;  /* characters of one value */
	long long points;       /* history points per trend line */
	long long metrics;      /* drift rows: metrics changed, trends */
};

/* The caps' defaults (docs/report.md). */
#define DQ_REPORT_CAPS_INIT { 5, 10, 20, 10, 200, 30, 50 }

struct dq_report {
	struct dq_report_caps caps;
	double match, review;   /* the thresholds drawn on the scores */
	char thresholds_from[160]; /* where they came from, for the page */
	char title[128];        /* the page's title (set before _page) */
	struct dq_buf body;     /* the sections */
	struct dq_buf toc;      /* their links */
	int nsections;
};

void dq_report_init(struct dq_report *r, const struct dq_report_caps *caps);
void dq_report_release(struct dq_report *r);

/* Append the text of the value v of field (its name, for masking; may
 * be NULL) to t, not escaped: a string as it is, other JSON as its
 * compact text, NULL or null as "null".  The one place a value becomes
 * text (for chart labels, which are escaped where they are drawn). */
void dq_report_value_text(const struct dq_report *r, struct dq_buf *t,
			  const char *field, const cJSON *v);

/* Append the value v of field to b as HTML: its text (as above) escaped
 * in <bdi>, at most caps.value_chars characters; NULL or null as a
 * styled "null". */
void dq_report_value(const struct dq_report *r, struct dq_buf *b,
		     const char *field, const cJSON *v);

/*
 * The overview: the score, gate and deductions of a dq-validate summary
 * (may be NULL), and a row of counts per summary of any dq program in
 * stages[0..n) (borrowed, in pipeline order, the validate summary among
 * them): the records in, out, quarantined and rejected, the contract
 * name and its checksum, the run id and time.
 */
int dq_report_overview(struct dq_report *r, const cJSON *validate,
		       const cJSON *const *stages, size_t n);

/* The rules of a dq-validate summary (read from path): failures, rate,
 * severity, hint and examples, taken from the violations file when one
 * is named (violations may be NULL: the summary's own examples).  Lines
 * of the violations file whose code is no rule of the summary are
 * counted and said on the page, not shown. */
int dq_report_rules(struct dq_report *r, const cJSON *validate,
		    const char *path, const char *violations);

/* The fields of a dq-profile document: type mix, completeness, distinct
 * values, a histogram or the top values, quantiles, shapes, outliers. */
int dq_report_fields(struct dq_report *r, const cJSON *profile,
		     const char *path);

/* The duplicates: pair counts by decision, the scores' histogram with
 * the thresholds, and the review pairs side by side, from scored pairs
 * (dq-score's output; may be NULL) and a review file (dq-merge --review;
 * may be NULL). */
int dq_report_pairs(struct dq_report *r, const char *pairs,
		    const char *review);

/* The clusters: a dq-merge summary (may be NULL) and golden records (a
 * file, may be NULL): sizes, the largest clusters, golden records with
 * the source of each surviving value. */
int dq_report_clusters(struct dq_report *r, const cJSON *merge,
		       const char *golden);

/* Drift: the profile against a baseline profile (either may be NULL:
 * no comparison), and the series of dq-anomaly's default metrics over
 * the history files history[0..nhistory) (documents one after another,
 * oldest first), the run's own documents current[0..ncurrent) (borrowed)
 * their last points, drawn as trend lines when they moved. */
int dq_report_drift(struct dq_report *r, const cJSON *profile,
		    const cJSON *baseline, char *const *history,
		    size_t nhistory, const cJSON *const *current,
		    size_t ncurrent);

/* Write the whole page to out. */
void dq_report_page(struct dq_report *r, struct dq_buf *out);

/* For the section writers (lib/report/): open a section with its anchor
 * id and heading, and close it. */
void dq_report_section(struct dq_report *r, const char *id,
		       const char *heading);
void dq_report_section_end(struct dq_report *r);

/* A member of a document: a number (NaN when absent or not a number), a
 * string (NULL when absent or not a string). */
double dq_report_num(const cJSON *o, const char *key);
const char *dq_report_strv(const cJSON *o, const char *key);

#endif
