/* Unit tests for lib/contract/bound.c: range bounds. */
#include <string.h>

#include "contract/bound.h"
#include "norm/date.h"
#include "unit.h"

/* 2024-05-01, a Wednesday, in days since 1970-01-01. */
static long long today;

static void
bound(const char *json, int is_max, int date_field, int want_rc,
      int want_date, double want_v, const char *want_text)
{
	cJSON *b = cJSON_Parse(json);
	struct dq_buf t = DQ_BUF_INIT;
	int is_date = -1;
	double v = -1;
	int rc = dq_bound_parse(b, is_max, date_field, today, &is_date, &v, &t,
				"test");

	UNIT_INT(rc, want_rc, json);
	if (!rc) {
		UNIT_INT(is_date, want_date, json);
		UNIT_NEAR(v, want_v, 0, json);
		UNIT_STR(t.buf, want_text, json);
	}
	dq_buf_release(&t);
	cJSON_Delete(b);
}

int
main(void)
{
	long long d;

	today = dq_date_days(2024, 5, 1);
	bound("0", 0, 0, 0, 0, 0, "0");
	bound("-1.5", 1, 0, 0, 0, -1.5, "-1.5");
	bound("9007199254740993", 1, 0, 0, 0, 9007199254740992.0,
	      "9.00719925474099e+15");
	bound("\"2024-02-29\"", 0, 1, 0, 1, (double)dq_date_days(2024, 2, 29),
	      "2024-02-29");
	bound("\"today\"", 1, 1, 0, 1, (double)today, "today (2024-05-01)");
	bound("\"today+30d\"", 1, 1, 0, 1, (double)today + 30,
	      "today+30d (2024-05-31)");
	bound("\"today-2w\"", 0, 1, 0, 1, (double)today - 14,
	      "today-2w (2024-04-17)");
	bound("\"today-1m\"", 0, 1, 0, 1, (double)dq_date_days(2024, 4, 1),
	      "today-1m (2024-04-01)");
	bound("\"today+1y\"", 0, 1, 0, 1, (double)dq_date_days(2025, 5, 1),
	      "today+1y (2025-05-01)");
	bound("\"year\"", 0, 0, 0, 0, 2024, "year (2024)");
	bound("\"year-100\"", 0, 1, 0, 1, (double)dq_date_days(1924, 1, 1),
	      "year-100 (1924-01-01)");
	bound("\"year-100\"", 1, 1, 0, 1, (double)dq_date_days(1924, 12, 31),
	      "year-100 (1924-12-31)");
	bound("\"today+3q\"", 0, 1, -1, 0, 0, NULL);
	bound("\"today+\"", 0, 1, -1, 0, 0, NULL);
	bound("\"today+100001d\"", 0, 1, -1, 0, 0, NULL);
	bound("\"year+x\"", 0, 1, -1, 0, 0, NULL);
	bound("\"year-9000\"", 0, 1, -1, 0, 0, NULL);
	bound("\"2023-02-29\"", 0, 1, -1, 0, 0, NULL);
	bound("\"2024-05-01T10:00\"", 0, 1, -1, 0, 0, NULL);
	bound("\"\"", 0, 1, -1, 0, 0, NULL);
	bound("true", 0, 1, -1, 0, 0, NULL);

	/* Months keep the day, clamped to the month's last day. */
	dq_bound_add_months(dq_date_days(2024, 3, 31), -1, &d);
	UNIT_INT(d, dq_date_days(2024, 2, 29), "2024-03-31 -1m");
	dq_bound_add_months(dq_date_days(2023, 1, 31), 1, &d);
	UNIT_INT(d, dq_date_days(2023, 2, 28), "2023-01-31 +1m");
	dq_bound_add_months(dq_date_days(2024, 2, 29), 12, &d);
	UNIT_INT(d, dq_date_days(2025, 2, 28), "2024-02-29 +12m");
	dq_bound_add_months(dq_date_days(1, 1, 15), -1, &d);
	UNIT_INT(d, dq_date_days(0, 12, 15), "0001-01-15 -1m");
	return unit_done();
}
