/*
 * anomaly.h - metrics of a run read from the documents dq writes (run
 * summaries of any program, profile documents), and a robust judgment
 * of a metric against its history (dq-anomaly, docs/anomaly.md).
 *
 * A document's metrics are its numeric leaves under their dotted paths
 * ("counts.in", "deductions.format", an array's elements under their
 * "code": "rules.REQ-001.rate"), and named figures read from them:
 *
 *	rows              counts.in, or a profile's rows
 *	reject_rate       (counts.rejected + counts.quarantined) / counts.in
 *	duplicate_rate    a profile's duplicateRows.count / rows; a dq-merge
 *	                  summary's (merge.records - merge.clusters) /
 *	                  merge.records (records that joined another's)
 *	null_rate.F       a profile summary's nullRates.F
 *	completeness.F    a profile's completenessOverview.F.completeness
 *	distinct.F        a profile's uniquenessOverview.F.distinct
 *	mean.F, stddev.F, sum.F, min.F, max.F, median.F
 *	                  a profile's statisticalSummary.F (median: p50)
 *	unique_ratio.F    a profile's uniquenessOverview.F.uniqueness
 *	top_share.F       the share of F's most common value
 *	freshness_lag.F   seconds from a profile's newest date or date-time
 *	                  of F (boundsAnomalies.F.maxDate) to the
 *	                  document's time (or now)
 *	failing_for       seconds the runs of the document's tool have been
 *	                  failing ("passed" false or a non-zero
 *	                  "exit_status"): from the first failed run since
 *	                  the last one that passed to the run's time (or
 *	                  now); 0 when it passed (dq_metrics_failing_for,
 *	                  as it needs the history)
 *
 *	struct dq_metrics m;
 *	dq_metrics_init(&m);
 *	dq_metrics_read(&m, doc, now);
 *	x = dq_metrics_get(&m, "reject_rate", &found);
 *	dq_robust_judge(hist, n, x, &j);
 *	dq_metrics_release(&m);
 */
#ifndef DQ_ANOMALY_H
#define DQ_ANOMALY_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/strmap.h"

struct dq_metrics {
	struct dq_strmap idx; /* name -> index into v; idx.keys[i] names
			       * metric i, in the order read */
	double *v;
	size_t n, cap;
	char *tool;         /* the document's "tool", "" when none (owned) */
	double time;        /* "started" (else "ended") in seconds since
			     * 1970, UTC */
	int has_time;
	int failed; /* -1 when the document says neither "passed" nor
		     * "exit_status"; else whether the run failed */
};

/* The metrics judged when none are named (fnmatch patterns, NULL-ended):
 * dq-anomaly's default set, and the ones dq-report draws trends of. */
extern const char *const dq_metrics_default[];

void dq_metrics_init(struct dq_metrics *m);
void dq_metrics_release(struct dq_metrics *m);

/* Read the metrics of one document.  now (seconds since 1970) is the
 * time freshness lags are measured at when the document has none. */
void dq_metrics_read(struct dq_metrics *m, const cJSON *doc, double now);

/* Set failing_for in cur from the runs of its tool in hist[0..n) and at,
 * the time it is measured at (cur's time, or now): nothing when cur says
 * neither passed nor failed, or failed and has no time. */
void dq_metrics_failing_for(struct dq_metrics *cur,
			    const struct dq_metrics *hist, size_t n, double at);

/* The value of metric name, *found 0 when the document has none. */
double dq_metrics_get(const struct dq_metrics *m, const char *name,
		      int *found);

/* An ISO 8601 date or date-time as seconds since 1970 UTC (a time
 * without a zone is UTC, a date its midnight): 0, or -1. */
int dq_iso_seconds(const char *s, double *t);

/* The median of v[0..n) (n > 0); v is reordered. */
double dq_median(double *v, size_t n);

/*
 * A value against its history, by the modified z-score of Iglewicz and
 * Hoaglin (1993): z = (x - median) / (1.4826 MAD), the MAD scaled to
 * estimate a normal standard deviation; when the MAD is 0 (more than half
 * the history is one value), 1.2533 times the mean absolute deviation
 * around the median stands in (the same estimate for a normal sample);
 * when that is 0 too (a constant history), z is 0 for the same value and
 * +-infinity for any other.
 */
struct dq_judgment {
	double median, spread, z;
};
void dq_robust_judge(const double *hist, size_t n, double x,
		     struct dq_judgment *j);

#endif
