/*
 * date.h - parse dates and date-times as people and programs write them,
 * and format them as ISO 8601.
 *
 * dq_date_parse() reads one value (ISO 8601 / RFC 3339, RFC 2822 mail
 * dates, numeric dates such as 3/7/2024, dates with English month names,
 * optionally a time of day, an AM/PM marker and a zone, or an epoch count
 * when asked) into a struct dq_datetime.  It is strict: text that is not a
 * date it recognises, or names a date or time that does not exist, is
 * refused (-1) rather than guessed.  dq_date_format() writes the result back
 * as ISO 8601.  The grammar and the ambiguity rules are described at the
 * top of date.c.
 *
 * Dates are proleptic Gregorian.  The parser accepts years 1 to 9999 only.
 * No function allocates except dq_date_format(), which appends to a caller's
 * buffer; nothing keeps a pointer to its arguments.  All functions are
 * thread-safe.
 *
 *	struct dq_date_opts o;
 *	struct dq_datetime dt;
 *	struct dq_buf out = DQ_BUF_INIT;
 *
 *	dq_date_opts_init(&o);
 *	o.order = DQ_DATE_DMY;
 *	if (dq_date_parse(s, len, &o, &dt) == 0)
 *		dq_date_format(&dt, 1, &out);
 *	...
 *	dq_buf_release(&out);
 */
#ifndef DQ_DATE_H
#define DQ_DATE_H

#include <stddef.h>

#include "base/util.h"

/*
 * How to read a numeric date whose fields could be day or month
 * (3/7/2024).  With a four-digit year, a field above 12 settles the
 * question whatever the order says; with a two-digit year the order is
 * followed strictly.  See date.c.
 */
enum dq_date_order { DQ_DATE_MDY, DQ_DATE_DMY, DQ_DATE_YMD };

struct dq_date_opts {
	enum dq_date_order order; /* for ambiguous numeric forms */
	int pivot; /* two-digit years: yy < pivot -> 20yy, else 19yy;
		    * clamped to 0..100 */
	int epoch; /* 0: numbers are not epochs; 1: epoch seconds;
		    * 2: epoch milliseconds */
};

/* Set the defaults: DQ_DATE_MDY, pivot 50, epoch 0. */
void dq_date_opts_init(struct dq_date_opts *o);

struct dq_datetime {
	int year, month, day; /* proleptic Gregorian, year 1..9999 */
	int hour, min, sec;   /* 0 when !has_time */
	int nanos;            /* fractional second, 0..999999999 */
	int frac_digits;      /* digits of fraction written in input (0-9) */
	int has_time, has_tz;
	int tz_offset_min;    /* minutes east of UTC when has_tz */
};

/*
 * Parse s (n bytes, need not be NUL-terminated) into *dt.  Returns 0 on
 * success, -1 if the text is not a date we recognise or names an
 * impossible date or time (2023-02-29, 2024-13-01, 24:61).  Leading and
 * trailing whitespace is allowed.  o may be NULL for the defaults.  On
 * failure *dt is unspecified.  The time is kept as written (local to its
 * zone); no conversion to UTC is made.
 */
int dq_date_parse(const char *s, size_t n, const struct dq_date_opts *o,
		  struct dq_datetime *dt);

/*
 * Append *dt to out as ISO 8601: "2024-03-07" if !with_time or
 * !dt->has_time, else "2024-03-07T14:05:09", then a fraction of
 * dt->frac_digits digits (".123"), then "Z" for offset 0 or "+05:30" /
 * "-04:00" when dt->has_tz.
 */
void dq_date_format(const struct dq_datetime *dt, int with_time,
		    struct dq_buf *out);

/* 1 if y-m-d is a real date with 1 <= y <= 9999, else 0. */
int dq_date_valid(int y, int m, int d);

/*
 * Days from 1970-01-01 to y-m-d (negative before it), for any y that keeps
 * the result in range; m and d must be a real month and day.
 */
long long dq_date_days(int y, int m, int d);

/* The inverse of dq_date_days(); the year must fit in an int. */
void dq_date_from_days(long long days, int *y, int *m, int *d);

/* ISO 8601 weekday of a day count: 1 = Monday ... 7 = Sunday. */
int dq_date_weekday(long long days);

/*
 * Today's date (UTC) as a day count.  The environment variable
 * DQ_TODAY=YYYY-MM-DD overrides the clock, for tests; a malformed value is
 * ignored.
 */
long long dq_date_today_days(void);

#endif
