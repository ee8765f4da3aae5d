/* Unit tests for lib/profile/anomaly.c: the metrics read from a document
 * and the robust judgment, with values worked out by hand. */
#include <math.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "profile/anomaly.h"
#include "unit.h"

static void
metric(const struct dq_metrics *m, const char *name, double want)
{
	int found;
	double x = dq_metrics_get(m, name, &found);

	UNIT_OK(found, name);
	UNIT_OK(fabs(x - want) < 1e-9, name);
}

static void
test_read(void)
{
	const char *doc =
		"{\"tool\":\"dq-validate\",\"started\":\"2026-11-02T06:00:00+01:00\","
		"\"counts\":{\"in\":200,\"rejected\":6,\"quarantined\":4},"
		"\"passed\":true,\"rules\":[{\"code\":\"REQ-1\",\"rate\":0.5},"
		"{\"field\":\"f\",\"n\":2},{\"n\":3}],"
		"\"nullRates\":{\"a\":0.25},"
		"\"completenessOverview\":{\"a\":{\"completeness\":0.75}},"
		"\"uniquenessOverview\":{\"a\":{\"distinct\":7}},"
		"\"statisticalSummary\":{\"n\":{\"mean\":2.5}},"
		"\"boundsAnomalies\":{\"t\":{\"maxDate\":\"2026-11-01\"},"
		"\"u\":{\"maxDate\":\"not a date\"}}}";
	cJSON *j = cJSON_Parse(doc);
	struct dq_metrics m;
	int found;

	dq_metrics_init(&m);
	dq_metrics_read(&m, j, 0);
	UNIT_STR(m.tool, "dq-validate", "tool");
	UNIT_OK(m.has_time, "time");
	/* 2026-11-02 is day 20759 after 1970-01-01; 06:00+01:00 is 05:00Z. */
	UNIT_OK(m.time == 20759.0 * 86400 + 5 * 3600, "started in UTC");
	metric(&m, "rows", 200);
	metric(&m, "reject_rate", 0.05);
	metric(&m, "counts.rejected", 6);
	metric(&m, "passed", 1);
	metric(&m, "rules.REQ-1.rate", 0.5);
	metric(&m, "rules.f.n", 2);
	metric(&m, "rules.2.n", 3);
	metric(&m, "null_rate.a", 0.25);
	metric(&m, "completeness.a", 0.75);
	metric(&m, "distinct.a", 7);
	metric(&m, "mean.n", 2.5);
	/* The newest date, midnight 2026-11-01, to 05:00Z the next day. */
	metric(&m, "freshness_lag.t", 29 * 3600);
	dq_metrics_get(&m, "freshness_lag.u", &found);
	UNIT_INT(found, 0, "a maxDate that is not a date gives no lag");
	dq_metrics_get(&m, "tool", &found);
	UNIT_INT(found, 0, "strings are not metrics");
	dq_metrics_release(&m);
	cJSON_Delete(j);
}

static void
test_judge(void)
{
	const double h[] = { 100, 102, 98, 101, 99, 100, 103, 97 };
	const double flat[] = { 5, 5, 5, 5, 9 };
	const double same[] = { 4, 4, 4 };
	double v[] = { 3, 1, 2, 4 };
	struct dq_judgment j;

	dq_robust_judge(h, 8, 112, &j);
	UNIT_OK(j.median == 100, "median");
	UNIT_OK(fabs(j.spread - 1.4826 * 1.5) < 1e-12, "1.4826 MAD");
	UNIT_OK(fabs(j.z - 12 / (1.4826 * 1.5)) < 1e-12, "z");
	/* MAD 0: 1.2533 x mean absolute deviation (4 / 5). */
	dq_robust_judge(flat, 5, 6, &j);
	UNIT_OK(fabs(j.spread - 1.2533 * 0.8) < 1e-12, "mean AD stands in");
	dq_robust_judge(same, 3, 4, &j);
	UNIT_OK(j.spread == 0 && j.z == 0, "constant, same value");
	dq_robust_judge(same, 3, 3, &j);
	UNIT_OK(isinf(j.z) && j.z < 0, "constant, another value");
	UNIT_OK(dq_median(v, 4) == 2.5, "even count");
}

int
main(void)
{
	test_read();
	test_judge();
	return unit_done();
}
