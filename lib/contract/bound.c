/*
 * bound.c - the bounds of range rules (see bound.h).
 *
 * A bound is fixed once, when the contract is loaded: "today" is read
 * from the clock (or DQ_TODAY, norm/date.h) by the caller and passed in,
 * so that every record of a run is checked against the same day.  Month
 * and year offsets keep the day of the month, clamped to the month's
 * last day (2024-03-31 -1m is 2024-02-29), as calendars do.
 */
#include "contract/bound.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "contract/types.h"
#include "norm/date.h"

void
dq_bound_add_months(long long days, long long nmonths, long long *out)
{
	int y, m, d;
	dq_date_from_days(days, &y, &m, &d);
	long long mm = (long long)y * 12 + (m - 1) + nmonths;
	y = (int)(mm >= 0 ? mm / 12 : -((-mm + 11) / 12));
	m = (int)(mm - (long long)y * 12) + 1;
	while (d > 28 && !dq_date_valid(y, m, d))
		d--;
	*out = dq_date_days(y, m, d);
}


int
dq_bound_parse(const cJSON *b, int is_max, int date_field, long long today,
	       int *is_date, double *v, struct dq_buf *text, const char *where)
{
	long long d;
	double secs;

	dq_buf_reset(text);
	if (cJSON_IsNumber(b)) {
		*is_date = 0;
		*v = b->valuedouble;
		char *p = cJSON_PrintUnformatted(b);
		dq_buf_addstr(text, p);
		cJSON_free(p);
		return 0;
	}
	if (!cJSON_IsString(b))
		return dq_error("%s: a bound is a number or a string", where);
	const char *s = b->valuestring;
	size_t n = strlen(s);
	dq_buf_addstr(text, s);
	if (!strncmp(s, "today", 5)) {
		long long num = 0;
		char unit = 'd';
		const char *p = s + 5;
		if (*p) {
			char *end;
			if (*p != '+' && *p != '-')
				goto bad;
			errno = 0;
			num = strtoll(p, &end, 10);
			if (errno || end == p + 1 || llabs(num) > 100000)
				goto bad;
			unit = *end;
			if (!unit || end[1])
				goto bad;
		}
		switch (unit) {
		case 'd': d = today + num; break;
		case 'w': d = today + 7 * num; break;
		case 'm': dq_bound_add_months(today, num, &d); break;
		case 'y': dq_bound_add_months(today, 12 * num, &d); break;
		default: goto bad;
		}
		*is_date = 1;
		*v = (double)d;
	} else if (!strncmp(s, "year", 4)) {
		long long num = 0;
		if (s[4]) {
			char *end;
			if (s[4] != '+' && s[4] != '-')
				goto bad;
			errno = 0;
			num = strtoll(s + 4, &end, 10);
			if (errno || *end || end == s + 5 || llabs(num) > 5000)
				goto bad;
		}
		int ty, tm, td;
		dq_date_from_days(today, &ty, &tm, &td);
		long long y = ty + num;
		if (!date_field) {
			*is_date = 0;
			*v = (double)y;
			dq_buf_addf(text, " (%lld)", y);
			return 0;
		}
		if (y < 1 || y > 9999)
			goto bad;
		*is_date = 1;
		*v = (double)(is_max ? dq_date_days((int)y, 12, 31)
				     : dq_date_days((int)y, 1, 1));
	} else if (dq_iso_parse(s, n, &d, &secs) == 0) {
		*is_date = 1;
		*v = (double)d;
		return 0;
	} else {
		goto bad;
	}
	int y, m, dd;
	dq_date_from_days((long long)*v, &y, &m, &dd);
	dq_buf_addf(text, " (%04d-%02d-%02d)", y, m, dd);
	return 0;
bad:
	return dq_error("%s: bad bound \"%s\" (expected a number, an ISO "
			"date, today[+-N(d|w|m|y)] or year[+-N])",
			where, s);
}

