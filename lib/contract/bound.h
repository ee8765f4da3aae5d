/*
 * bound.h - the bounds of a range rule: numbers, ISO dates and dates
 * relative to today.
 *
 * A bound in a contract (or in --range MIN..MAX) is a number, an ISO date
 * ("2024-01-31"), "today" with an optional "+Nd", "-Nw", "+Nm", "-Ny", or
 * "year" with an optional "+N" -- a number (the year) for a number field,
 * January 1 (a minimum) or December 31 (a maximum) of that year for a
 * date field.
 */
#ifndef DQ_BOUND_H
#define DQ_BOUND_H

#include <cjson/cJSON.h>

#include "base/util.h"

/*
 * Parse the bound b (borrowed).  today is the run's day (days since
 * 1970-01-01, norm/date.h's dq_date_today_days()); is_max says which end
 * "year" means; date_field whether the field is a date.  Sets *is_date
 * (the bound is a day count) and *v (a number or a day count), and
 * replaces text with the bound as messages show it ("today (2024-05-01)",
 * "year-1 (2023)").  Returns 0, or -1 after a message starting with
 * where.
 */
int dq_bound_parse(const cJSON *b, int is_max, int date_field, long long today,
		   int *is_date, double *v, struct dq_buf *text,
		   const char *where);

/* days plus nmonths calendar months (negative: back), the day of the
 * month clamped to the last day of the month reached, into *out. */
void dq_bound_add_months(long long days, long long nmonths, long long *out);

#endif
