/*
 * drift.h - compare a profile with a baseline profile document, a history
 * of earlier summaries, and freshness limits; each finding is an anomaly
 * (docs/profile.md lists the kinds).
 *
 *	struct dq_drift d;
 *	dq_drift_init(&d);                       (default tolerances)
 *	dq_drift_load_contract(&d, &contract);   (its profile section)
 *	d.anomalies = cJSON_CreateArray();
 *	dq_drift_baseline(&d, &p, base);         (base from _load_baseline)
 *	dq_drift_history(&d, &p, "runs.ndjson");
 *	dq_drift_freshness(&d, &p);
 *	... cJSON_GetArraySize(d.anomalies) ...
 *	dq_drift_release(&d);
 *
 * Functions that can fail print "PROG: MSG" (dq_error) and return -1.
 */
#ifndef DQ_DRIFT_H
#define DQ_DRIFT_H

#include <cjson/cJSON.h>

#include "contract/contract.h"
#include "profile/profile.h"

#define DQ_DRIFT_FRESH_MAX 16

struct dq_drift {
	/* Tolerances (contract: profile.null_ratio, null_floor, psi,
	 * mean_shift, row_tolerance, sigma). */
	double null_ratio, null_floor, psi, mean_shift, rows, sigma;
	/* Freshness: field names (owned) and their greatest age in
	 * seconds. */
	char *fresh_field[DQ_DRIFT_FRESH_MAX];
	double fresh_age[DQ_DRIFT_FRESH_MAX];
	int nfresh;
	/* NULL, or the array the checks append anomalies to: the caller
	 * creates it; owned (dq_drift_release deletes it unless the caller
	 * took it and set this to NULL). */
	cJSON *anomalies;
};

/* Default tolerances, no freshness limits, no anomalies array. */
void dq_drift_init(struct dq_drift *d);
void dq_drift_release(struct dq_drift *d);

/* Add a freshness limit "FIELD=AGE" (AGE a positive number and s, m, h, d
 * or w): 0, or -1 after a message about option '--freshness'. */
int dq_drift_freshness_add(struct dq_drift *d, const char *arg);

/* Tolerances and freshness limits from c's profile section (borrowed):
 * 0, or -1 after a message. */
int dq_drift_load_contract(struct dq_drift *d, const struct dq_contract *c);

/* The profile document in the file path, new (cJSON_Delete), or NULL
 * after a message when it cannot be read or is not a profile document. */
cJSON *dq_drift_load_baseline(const char *path);

/* Compare p (flushed) with the profile document base (borrowed), as
 * parsed from text: a document fresh from dq_doc_profile holds its top
 * values as raw items, which never compare equal to parsed ones. */
void dq_drift_baseline(struct dq_drift *d, struct dq_profile *p,
		       const cJSON *base);

/* Compare p with the summaries or documents in the file path, one per
 * line: 0, or -1 after a message (unreadable, or a line without rows). */
int dq_drift_history(struct dq_drift *d, const struct dq_profile *p,
		     const char *path);

/* Check the freshness limits against p's newest dates. */
void dq_drift_freshness(struct dq_drift *d, const struct dq_profile *p);

#endif
