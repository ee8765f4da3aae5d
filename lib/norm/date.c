/*
 * date.c - a strict parser for the date and date-time forms found in
 * exported data, and an ISO 8601 formatter.
 *
 * The parser is a hand-written recursive descent over the bytes; it never
 * backtracks more than one token, so it runs in time linear in the input,
 * and input longer than MAX_LEN bytes (after trimming) is refused at once
 * because no date form needs that much.  It allocates nothing.
 *
 * Grammar (case-insensitive; SP is one or more spaces, tabs, U+00A0 or
 * U+202F -- the last is what recent ICU puts before "PM"):
 *
 *   input    = [SP] (epoch | datetime) [SP]
 *   datetime = [weekday ["."] ("," [SP] | SP)] date [timepart]
 *            | [weekday ...] mon SP dd SP time [SP zone] SP yyyy  (ctime)
 *   date     = yyyy "-" mm "-" dd | yyyymmdd          ISO 8601 calendar
 *            | yyyy "-" ddd                           ISO 8601 ordinal
 *            | yyyy "-W" ww "-" d | yyyy "W" www      ISO 8601 week date
 *            | yyyy S m S d        S one of - / .     year first: Y-M-D
 *            | yyyy S mon S d      S one of - / . SP  2024-Mar-07
 *            | a S b S year        S one of - / .     see "ambiguity"
 *            | d S mon S year      S one of - / .     7-Mar-2024
 *            | d[th] SP [of SP] mon["."] [","] SP year
 *            | mon["."] SP d[th] ("," [SP] | SP) year March 7th, 2024
 *            | mon S d S year      S one of - /
 *   year     = yyyy (0001..9999) | yy (see pivot)
 *   timepart = ("T" | [","] SP [at SP]) time [[SP] zone]
 *                                 ("T" only after an ISO 8601 date)
 *   time     = h[h] ":" mm [":" ss [("." | ",") f{1,9}]] [[SP] ampm]
 *            | h[h] [SP] ampm                         12 PM, 2pm
 *            | hh | hhmm | hhmmss [frac]              only after "T"
 *   ampm     = "am" | "pm" | "a.m." | "p.m."
 *   zone     = "Z" | ("+" | "-") hh [[":"] mm]
 *            | UT | UTC | GMT | EST EDT CST CDT MST MDT PST PDT
 *   epoch    = ["-"] digits ["." digits]   only when opts->epoch is set
 *
 * Month names are English, full or three letters (plus "Sept"); an
 * abbreviation may end in a period.  Weekdays likewise (plus "Tues",
 * "Thur", "Thurs").  An ordinal suffix must agree with its number (1st,
 * 2nd, 3rd, 11th, 22nd): "7st" is refused.
 *
 * Decisions, all on the side of refusing rather than guessing, because a
 * wrong date is worse than an unparsed one:
 *
 * - Ambiguity.  For "a/b/yyyy" (four-digit year last, a and b of one or
 *   two digits) the order option decides (MDY: a is the month; DMY: a is
 *   the day), except that a field above 12 cannot be a month: 13/3/2024 is
 *   13 March under either order, and so is 3/13/2024.  Both above 12 is
 *   refused.  Dots are the exception: a dotted date is day-first
 *   (07.03.2024 is 7 March) unless the order is YMD, since no country
 *   writes month-first dates with dots.
 *   With order YMD a year-last form is accepted only when unambiguous (a
 *   field above 12, or both fields equal).  With a two-digit year
 *   ("a/b/yy") all three readings are possible (24-03-07 may be
 *   2024-03-07), so a field above 12 proves nothing: the order is followed
 *   strictly (YMD: yy/mm/dd with a two-digit first field) and an
 *   impossible result is refused.  A four-digit first field is always a
 *   year, then month, then day (2024/03/07); year-day-month is not a form.
 * - Two-digit years: yy < pivot gives 20yy, else 19yy, in every form.
 *   Years of three digits or of five and more are refused.
 * - A weekday, if written, must agree with the date: "Fri, 07 Mar 2024" is
 *   refused (7 March 2024 is a Thursday), since one of the two is wrong and
 *   we cannot know which.
 * - A month and year without a day ("March 2024", "2024-03", "2024-W10")
 *   is refused: it names a period, not a date.
 * - Times: hours 0..23, minutes and seconds 0..59.  24:00 (ISO 8601 end of
 *   day) and the leap second 23:59:60 (RFC 3339) are refused: the data
 *   model has no place for them, and a real leap-second timestamp in
 *   business data is far less likely than a typing error.  With AM/PM the
 *   hour must be 1..12; 12 AM is 00 and 12 PM is 12.  A bare hour without
 *   minutes needs AM/PM, or an ISO 8601 "T" (2024-03-07T14).  A fraction of
 *   more than nine digits is refused rather than rounded.
 * - Zones: offsets up to 14:00 either way with minutes below 60 (real
 *   offsets run from -12:00 to +14:00).  "-0000" (RFC 2822 "unknown") is
 *   kept as offset 0.  The US zone names are those RFC 2822 section 4.3
 *   defines; other names (CET, IST, BST...) are refused because several are
 *   ambiguous.  A zone needs a time.
 * - Epochs: when opts->epoch is 1 or 2, a bare number is an epoch count,
 *   even 8 digits (20240307 is then 1970-08-23T06:25:07Z): the caller said
 *   the column holds epochs.  Seconds take up to 9 fraction digits,
 *   milliseconds up to 6; the result has offset 0 and, for milliseconds,
 *   frac_digits 3 plus any written.  When epoch is 0, a bare number other
 *   than an 8-digit YYYYMMDD is refused.
 * - Input: only ASCII and the two no-break spaces above are accepted, so
 *   invalid UTF-8 is refused by construction.
 *
 * Not supported: RFC 2822 comments ("+0000 (UTC)"), military zones other
 * than Z, zone names other than the above, JavaScript's Date.toString()
 * ("GMT+0000 (Coordinated Universal Time)"), ISO 8601 expanded years,
 * durations and intervals, times without a date, non-English month names.
 *
 * Day arithmetic uses the days-from-civil and civil-from-days algorithms
 * described by Howard Hinnant, "chrono-Compatible Low-Level Date
 * Algorithms" (http://howardhinnant.github.io/date_algorithms.html),
 * written afresh here: shift the year to start in March so the leap day is
 * last, then count whole 400-year eras of 146097 days.
 *
 * References: ISO 8601-1:2019 (calendar, ordinal and week dates, basic and
 * extended formats, comma or period before a fraction); RFC 3339 (the
 * Internet profile of ISO 8601, "T"/"t" and "Z"/"z"); RFC 5322 section 3.3
 * and RFC 2822 section 4.3 (mail dates and obsolete zone names, two-digit
 * years); C standard ctime()/asctime() for "Thu Mar  7 14:05:09 2024".
 */
#include "norm/date.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* No date form is longer; refusing early bounds the work on junk. */
#define MAX_LEN 128

struct cur {
	const char *p, *e;
};

struct pstate {
	struct cur c;
	int order, pivot;
	int y, m, d;
	int wday;   /* ISO weekday named in the text, 0 if none */
	int iso;    /* an ISO 8601 date: "T" and basic times may follow */
	int noyear; /* ctime form: the year comes after the time */
};

static const char *const month_names[12] = {
	"january", "february", "march",     "april",   "may",      "june",
	"july",    "august",   "september", "october", "november", "december",
};

static const char *const wday_names[7] = {
	"monday", "tuesday", "wednesday", "thursday",
	"friday", "saturday", "sunday",
};

static const int pow10[10] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
	1000000000,
};

void
dq_date_opts_init(struct dq_date_opts *o)
{
	o->order = DQ_DATE_MDY;
	o->pivot = 50;
	o->epoch = 0;
}

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int md[12] = { 31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : md[m - 1];
}

int
dq_date_valid(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= month_days(y, m);
}

long long
dq_date_days(int y, int m, int d)
{
	/* Years start on 1 March, so February's variable length is last. */
	long long yy = (long long)y - (m <= 2);
	long long era = (yy >= 0 ? yy : yy - 399) / 400;
	long long yoe = yy - era * 400;                        /* 0..399 */
	long long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* 0..146096 */

	return era * 146097 + doe - 719468;
}

void
dq_date_from_days(long long days, int *y, int *m, int *d)
{
	long long z = days + 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int
dq_date_weekday(long long days)
{
	/* 1970-01-01 was a Thursday (4). */
	long long r = (days + 3) % 7;

	return (int)(r < 0 ? r + 7 : r) + 1;
}

/* Lexical helpers. */

static int
peek(const struct cur *c)
{
	return c->p < c->e ? (unsigned char)*c->p : -1;
}

static int
is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static int
is_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int
lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
}

/* Length of the whitespace character at p, 0 if none. */
static int
space_at(const char *p, const char *e)
{
	unsigned char ch = (unsigned char)*p;

	if (ch == ' ' || (ch >= '\t' && ch <= '\r'))
		return 1;
	if (ch == 0xc2 && e - p >= 2 && (unsigned char)p[1] == 0xa0)
		return 2;
	if (ch == 0xe2 && e - p >= 3 && (unsigned char)p[1] == 0x80 &&
	    (unsigned char)p[2] == 0xaf)
		return 3;
	return 0;
}

/* Length of the whitespace character ending at e, 0 if none. */
static int
space_before(const char *b, const char *e)
{
	unsigned char ch = (unsigned char)e[-1];

	if (ch == ' ' || (ch >= '\t' && ch <= '\r'))
		return 1;
	if (ch == 0xa0 && e - b >= 2 && (unsigned char)e[-2] == 0xc2)
		return 2;
	if (ch == 0xaf && e - b >= 3 && (unsigned char)e[-3] == 0xe2 &&
	    (unsigned char)e[-2] == 0x80)
		return 3;
	return 0;
}

/* Skip whitespace; 1 if there was any. */
static int
skip_ws(struct cur *c)
{
	const char *start = c->p;
	int k;

	while (c->p < c->e && (k = space_at(c->p, c->e)) > 0)
		c->p += k;
	return c->p != start;
}

/*
 * Read a run of digits; return its length and, in *v, the value of its
 * first nine digits (callers refuse longer runs where it matters).
 */
static int
digits(struct cur *c, int *v)
{
	const char *start = c->p;
	int val = 0;

	while (c->p < c->e && is_digit((unsigned char)*c->p)) {
		if (c->p - start < 9)
			val = val * 10 + (*c->p - '0');
		c->p++;
	}
	*v = val;
	return (int)(c->p - start);
}

/*
 * Read a run of letters into w (lowercased, at most cap - 1 kept) and
 * return the full length; a word longer than cap - 1 matches nothing.
 */
static int
word(struct cur *c, char *w, int cap)
{
	int n = 0;

	while (c->p < c->e && is_alpha((unsigned char)*c->p)) {
		if (n < cap - 1)
			w[n] = (char)lower((unsigned char)*c->p);
		n++;
		c->p++;
	}
	if (n < cap)
		w[n] = '\0';
	return n;
}

static int
eq(const char *w, int n, const char *s)
{
	return (size_t)n == strlen(s) && !memcmp(w, s, (size_t)n);
}

/* Month 1..12 named by w, or 0; *abbr is set for an abbreviation. */
static int
month_lookup(const char *w, int n, int *abbr)
{
	int i;

	for (i = 0; i < 12; i++) {
		if (n == 3 && !memcmp(w, month_names[i], 3)) {
			*abbr = 1;
			return i + 1;
		}
		if (eq(w, n, month_names[i])) {
			*abbr = 0;
			return i + 1;
		}
	}
	if (eq(w, n, "sept")) {
		*abbr = 1;
		return 9;
	}
	return 0;
}

/* ISO weekday 1..7 named by w, or 0; *abbr is set for an abbreviation. */
static int
wday_lookup(const char *w, int n, int *abbr)
{
	int i;

	for (i = 0; i < 7; i++) {
		if (n == 3 && !memcmp(w, wday_names[i], 3)) {
			*abbr = 1;
			return i + 1;
		}
		if (eq(w, n, wday_names[i])) {
			*abbr = 0;
			return i + 1;
		}
	}
	*abbr = 1;
	if (eq(w, n, "tues"))
		return 2;
	if (eq(w, n, "thur") || eq(w, n, "thurs"))
		return 4;
	return 0;
}

/* Consume an optional ordinal suffix after day d; -1 if it is wrong. */
static int
ordinal_suffix(struct cur *c, int d)
{
	char w[4];
	int n;
	const char *want;

	if (!is_alpha(peek(c)))
		return 0;
	n = word(c, w, sizeof w);
	if (d % 100 >= 11 && d % 100 <= 13)
		want = "th";
	else if (d % 10 == 1)
		want = "st";
	else if (d % 10 == 2)
		want = "nd";
	else if (d % 10 == 3)
		want = "rd";
	else
		want = "th";
	return eq(w, n, want) ? 0 : -1;
}

/* A year of n digits with value v: 4 digits, or 2 through the pivot. */
static int
year_of(const struct pstate *st, int v, int n)
{
	if (n == 4)
		return v >= 1 ? v : -1;
	if (n == 2)
		return v < st->pivot ? 2000 + v : 1900 + v;
	return -1;
}

/* The date of ISO week w, weekday wd (1..7), of ISO year y; -1 if none. */
static int
week_date(struct pstate *st, int y, int w, int wd)
{
	long long jan4, mon1, last, days;

	if (w < 1 || wd < 1 || wd > 7)
		return -1;
	/* Week 1 holds 4 January; 28 December is always in the last week. */
	jan4 = dq_date_days(y, 1, 4);
	mon1 = jan4 - (dq_date_weekday(jan4) - 1);
	last = dq_date_days(y, 12, 28);
	if (w > (last - mon1) / 7 + 1)
		return -1;
	days = mon1 + (long long)(w - 1) * 7 + (wd - 1);
	dq_date_from_days(days, &st->y, &st->m, &st->d);
	return 0;
}

/* After a four-digit year y: the rest of a year-first date. */
static int
date_year_first(struct pstate *st, int y)
{
	struct cur *c = &st->c;
	char w[12];
	int sep, n, v, abbr, nm, nd;

	if (y < 1)
		return -1;
	sep = peek(c);
	if (sep == 'W' || (sep == '-' && c->e - c->p > 1 && c->p[1] == 'W')) {
		/* ISO week date: 2024-W10-4 or 2024W104. */
		int wk, wd;

		c->p += sep == '-' ? 2 : 1;
		n = digits(c, &v);
		if (sep == '-') {
			if (n != 2 || peek(c) != '-')
				return -1;
			wk = v;
			c->p++;
			if (digits(c, &wd) != 1)
				return -1;
		} else {
			if (n != 3)
				return -1;
			wk = v / 10;
			wd = v % 10;
		}
		st->iso = 1;
		return week_date(st, y, wk, wd);
	}
	if (sep == '-' || sep == '/' || sep == '.')
		c->p++;
	else if (skip_ws(c))
		sep = ' ';
	else
		return -1;

	if (is_digit(peek(c))) {
		if (sep == ' ')
			return -1;
		nm = digits(c, &st->m);
		if (nm == 3 && sep == '-') {
			/* ISO ordinal date: 2024-067. */
			if (st->m < 1 || st->m > (is_leap(y) ? 366 : 365))
				return -1;
			dq_date_from_days(dq_date_days(y, 1, 1) + st->m - 1,
					  &st->y, &st->m, &st->d);
			st->iso = 1;
			return 0;
		}
		if (nm < 1 || nm > 2)
			return -1;
	} else {
		n = word(c, w, sizeof w);
		if (!(st->m = month_lookup(w, n, &abbr)))
			return -1;
		if (abbr && sep != '.' && peek(c) == '.')
			c->p++;
		nm = 0;
	}
	if (sep == ' ') {
		if (!skip_ws(c))
			return -1;
	} else if (peek(c) == sep) {
		c->p++;
	} else {
		return -1;
	}
	nd = digits(c, &st->d);
	if (nd < 1 || nd > 2)
		return -1;
	st->y = y;
	st->iso = sep == '-' && nm == 2 && nd == 2;
	return 0;
}

/*
 * Resolve a numeric a S b S c date with field lengths na, nb, nc, by the
 * ambiguity rules in the comment at the top.
 */
static int
date_numeric(struct pstate *st, int a, int na, int b, int nb, int c, int nc)
{
	int first_is_day;

	if (nb < 1 || nb > 2 || (nc != 2 && nc != 4))
		return -1;
	if (nc == 2) {
		/*
		 * With a two-digit year all three readings are possible
		 * (24-03-07 may well be 2024-03-07), so a field above 12 proves
		 * nothing and the order is followed strictly.
		 */
		if (st->order == DQ_DATE_YMD) {
			if (na != 2)
				return -1;
			st->y = year_of(st, a, 2);
			st->m = b;
			st->d = c;
		} else {
			st->y = year_of(st, c, 2);
			st->d = st->order == DQ_DATE_DMY ? a : b;
			st->m = st->order == DQ_DATE_DMY ? b : a;
		}
		return 0;
	}
	st->y = c;
	if (a > 12 && b > 12)
		return -1;
	if (a > 12)
		first_is_day = 1;
	else if (b > 12)
		first_is_day = 0;
	else if (st->order == DQ_DATE_DMY)
		first_is_day = 1;
	else if (st->order == DQ_DATE_MDY || a == b)
		first_is_day = 0;
	else
		return -1; /* YMD says nothing about a year-last form. */
	st->d = first_is_day ? a : b;
	st->m = first_is_day ? b : a;
	return 0;
}

/* A date starting with a number. */
static int
date_number_first(struct pstate *st)
{
	struct cur *c = &st->c;
	char w[12];
	int a, na, b, nb, yv, ny, sep, abbr, n;

	na = digits(c, &a);
	if (na == 4)
		return date_year_first(st, a);
	if (na == 8) {
		/* ISO 8601 basic: 20240307. */
		st->y = a / 10000;
		st->m = a / 100 % 100;
		st->d = a % 100;
		st->iso = 1;
		return 0;
	}
	if (na < 1 || na > 2)
		return -1;
	sep = peek(c);
	if (sep == '/' || sep == '-' || sep == '.') {
		c->p++;
		if (is_digit(peek(c))) {
			nb = digits(c, &b);
			if (peek(c) != sep)
				return -1;
			c->p++;
			ny = digits(c, &yv);
			/* Dotted dates are day-first wherever they are
			 * written (07.03.2024 is 7 March in Germany, Russia,
			 * Poland...); only an explicit YMD changes that. */
			if (sep == '.' && st->order == DQ_DATE_MDY) {
				st->order = DQ_DATE_DMY;
				int rc = date_numeric(st, a, na, b, nb, yv, ny);
				st->order = DQ_DATE_MDY;
				return rc;
			}
			return date_numeric(st, a, na, b, nb, yv, ny);
		}
		/* 7-Mar-2024, 07-MAR-24. */
		n = word(c, w, sizeof w);
		if (!(st->m = month_lookup(w, n, &abbr)) || peek(c) != sep)
			return -1;
		c->p++;
		st->d = a;
		ny = digits(c, &yv);
		return (st->y = year_of(st, yv, ny)) < 0 ? -1 : 0;
	}
	/* 7 Mar 2024, 7th of March, 2024. */
	if (ordinal_suffix(c, a) < 0 || !skip_ws(c))
		return -1;
	n = word(c, w, sizeof w);
	if (eq(w, n, "of")) {
		if (!skip_ws(c))
			return -1;
		n = word(c, w, sizeof w);
	}
	if (!(st->m = month_lookup(w, n, &abbr)))
		return -1;
	if (abbr && peek(c) == '.')
		c->p++;
	if (peek(c) == ',')
		c->p++;
	if (!skip_ws(c))
		return -1;
	st->d = a;
	ny = digits(c, &yv);
	return (st->y = year_of(st, yv, ny)) < 0 ? -1 : 0;
}

/* A date starting with a month name. */
static int
date_month_first(struct pstate *st)
{
	struct cur *c = &st->c;
	char w[12];
	int n, abbr, sep, nd, yv, ny, comma;
	const char *save;

	n = word(c, w, sizeof w);
	if (!(st->m = month_lookup(w, n, &abbr)))
		return -1;
	if (abbr && peek(c) == '.')
		c->p++;
	sep = peek(c);
	if (sep == '-' || sep == '/')
		c->p++;
	else if (skip_ws(c))
		sep = ' ';
	else
		return -1;
	nd = digits(c, &st->d);
	if (nd < 1 || nd > 2)
		return -1;
	if (sep != ' ') {
		/* Mar-07-2024. */
		if (peek(c) != sep)
			return -1;
		c->p++;
		ny = digits(c, &yv);
		return (st->y = year_of(st, yv, ny)) < 0 ? -1 : 0;
	}
	if (ordinal_suffix(c, st->d) < 0)
		return -1;
	comma = peek(c) == ',';
	if (comma)
		c->p++;
	if (!skip_ws(c) && !comma)
		return -1;
	save = c->p;
	ny = digits(c, &yv);
	if (!comma && ny >= 1 && ny <= 2 && peek(c) == ':') {
		/* ctime: Mar  7 14:05:09 2024; the time comes first. */
		c->p = save;
		st->noyear = 1;
		return 0;
	}
	return (st->y = year_of(st, yv, ny)) < 0 ? -1 : 0;
}

static int
parse_date(struct pstate *st)
{
	struct cur *c = &st->c;
	char w[12];
	int n, abbr, comma, ch;
	const char *save = c->p;

	ch = peek(c);
	if (is_alpha(ch)) {
		n = word(c, w, sizeof w);
		if ((st->wday = wday_lookup(w, n, &abbr)) != 0) {
			if (abbr && peek(c) == '.')
				c->p++;
			comma = peek(c) == ',';
			if (comma)
				c->p++;
			if (!skip_ws(c) && !comma)
				return -1;
			ch = peek(c);
		} else {
			c->p = save;
		}
	}
	if (is_digit(ch))
		return date_number_first(st);
	if (is_alpha(ch))
		return date_month_first(st);
	return -1;
}

/* Consume an AM/PM marker: 1 for AM, 2 for PM, 0 (nothing read) if none. */
static int
ampm(struct cur *c)
{
	const char *p = c->p;
	int ch = lower(peek(c)), r;

	if (ch != 'a' && ch != 'p')
		return 0;
	r = ch == 'a' ? 1 : 2;
	if (c->e - p >= 2 && lower((unsigned char)p[1]) == 'm' &&
	    !(c->e - p >= 3 && is_alpha((unsigned char)p[2]))) {
		c->p += 2;
		return r;
	}
	if (c->e - p >= 4 && p[1] == '.' && lower((unsigned char)p[2]) == 'm' &&
	    p[3] == '.') {
		c->p += 4;
		return r;
	}
	return 0;
}

static int
parse_time(struct cur *c, struct dq_datetime *dt, int after_t)
{
	int h, mi = 0, s = 0, v, n, has_min = 0, has_sec = 0, basic = 0, ap;
	const char *save;

	n = digits(c, &v);
	if (after_t && (n == 4 || n == 6)) {
		/* ISO 8601 basic: T1405 or T140509. */
		basic = has_min = 1;
		has_sec = n == 6;
		if (n == 6) {
			s = v % 100;
			v /= 100;
		}
		h = v / 100;
		mi = v % 100;
	} else if (n == 2 || (n == 1 && !after_t)) {
		h = v;
		if (peek(c) == ':') {
			c->p++;
			if (digits(c, &mi) != 2)
				return -1;
			has_min = 1;
			if (peek(c) == ':') {
				c->p++;
				if (digits(c, &s) != 2)
					return -1;
				has_sec = 1;
			}
		}
	} else {
		return -1;
	}
	if (has_sec && (peek(c) == '.' || peek(c) == ',') &&
	    c->e - c->p > 1 && is_digit((unsigned char)c->p[1])) {
		c->p++;
		n = digits(c, &v);
		if (n > 9)
			return -1;
		dt->nanos = v * pow10[9 - n];
		dt->frac_digits = n;
	}
	save = c->p;
	skip_ws(c);
	if (!basic && (ap = ampm(c)) != 0) {
		if (h < 1 || h > 12)
			return -1;
		h = h % 12 + (ap == 2 ? 12 : 0);
	} else {
		c->p = save;
		if (!has_min && !after_t)
			return -1;
	}
	if (h > 23 || mi > 59 || s > 59)
		return -1;
	dt->hour = h;
	dt->min = mi;
	dt->sec = s;
	dt->has_time = 1;
	return 0;
}

/* An optional zone after the time; -1 if something there is not one. */
static int
parse_zone(struct cur *c, struct dq_datetime *dt)
{
	static const struct {
		const char *name;
		int off;
	} zones[] = {
		{ "z", 0 },        { "ut", 0 },       { "utc", 0 },
		{ "gmt", 0 },      { "est", -5 * 60 }, { "edt", -4 * 60 },
		{ "cst", -6 * 60 }, { "cdt", -5 * 60 }, { "mst", -7 * 60 },
		{ "mdt", -6 * 60 }, { "pst", -8 * 60 }, { "pdt", -7 * 60 },
	};
	const char *save = c->p;
	char w[8];
	int ch, n, v, hh, mm = 0, sign;
	size_t i;

	skip_ws(c);
	ch = peek(c);
	if (ch == '+' || ch == '-') {
		sign = ch == '-' ? -1 : 1;
		c->p++;
		n = digits(c, &v);
		if (n == 4) {
			hh = v / 100;
			mm = v % 100;
		} else if (n == 2) {
			hh = v;
			if (peek(c) == ':') {
				c->p++;
				if (digits(c, &mm) != 2)
					return -1;
			}
		} else {
			return -1;
		}
		if (mm > 59 || hh * 60 + mm > 14 * 60)
			return -1;
		dt->has_tz = 1;
		dt->tz_offset_min = sign * (hh * 60 + mm);
		return 0;
	}
	if (is_alpha(ch)) {
		n = word(c, w, sizeof w);
		for (i = 0; i < sizeof zones / sizeof zones[0]; i++) {
			if (eq(w, n, zones[i].name)) {
				dt->has_tz = 1;
				dt->tz_offset_min = zones[i].off;
				return 0;
			}
		}
		return -1;
	}
	c->p = save;
	return 0;
}

static int
parse_rest(struct pstate *st, struct dq_datetime *dt)
{
	struct cur *c = &st->c;
	char w[4];
	int after_t = 0, comma, n, v;

	if (c->p == c->e)
		return st->noyear ? -1 : 0;
	if (st->noyear) {
		/* The ctime time was found already, after whitespace. */
	} else if (st->iso && (peek(c) == 'T' || peek(c) == 't')) {
		c->p++;
		after_t = 1;
	} else {
		comma = peek(c) == ',';
		if (comma)
			c->p++;
		if (!skip_ws(c))
			return -1;
		if (is_alpha(peek(c))) {
			n = word(c, w, sizeof w);
			if (comma || !eq(w, n, "at") || !skip_ws(c))
				return -1;
		}
	}
	if (parse_time(c, dt, after_t) < 0 || parse_zone(c, dt) < 0)
		return -1;
	if (st->noyear) {
		if (!skip_ws(c) || digits(c, &v) != 4 || v < 1)
			return -1;
		st->y = v;
	}
	return c->p == c->e ? 0 : -1;
}

/*
 * An epoch count (the whole trimmed input): 1 for seconds, 2 for
 * milliseconds.  Returns 1 if it was one and parsed, 0 if the text is not a
 * plain number (so the date grammar should try), -1 if it is a number out
 * of range.
 */
static int
parse_epoch(const char *p, const char *e, int unit, struct dq_datetime *dt)
{
	/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z in epoch seconds. */
	const long long lo = -62135596800LL, hi = 253402300799LL;
	long long ip = 0, secs, days, sod;
	int neg = 0, nint = 0, nfrac = 0, frac = 0, nanos, maxfrac;

	if (p < e && *p == '-') {
		neg = 1;
		p++;
	}
	for (; p < e && is_digit((unsigned char)*p); p++, nint++)
		if (nint < 16)
			ip = ip * 10 + (*p - '0');
	if (p < e && *p == '.') {
		for (p++; p < e && is_digit((unsigned char)*p); p++, nfrac++)
			if (nfrac < 9)
				frac = frac * 10 + (*p - '0');
		if (!nfrac)
			return 0;
	}
	if (p != e || !nint)
		return 0;
	maxfrac = unit == 2 ? 6 : 9;
	if (nint > 16 || nfrac > maxfrac)
		return -1;
	if (unit == 2) {
		secs = ip / 1000;
		nanos = (int)(ip % 1000) * 1000000 + frac * pow10[6 - nfrac];
		dt->frac_digits = 3 + nfrac;
	} else {
		secs = ip;
		nanos = frac * pow10[9 - nfrac];
		dt->frac_digits = nfrac;
	}
	if (neg && nanos) {
		secs = -secs - 1;
		nanos = 1000000000 - nanos;
	} else if (neg) {
		secs = -secs;
	}
	if (secs < lo || secs > hi)
		return -1;
	days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	sod = secs - days * 86400;
	dq_date_from_days(days, &dt->year, &dt->month, &dt->day);
	dt->hour = (int)(sod / 3600);
	dt->min = (int)(sod / 60 % 60);
	dt->sec = (int)(sod % 60);
	dt->nanos = nanos;
	dt->has_time = dt->has_tz = 1;
	dt->tz_offset_min = 0;
	return 1;
}

int
dq_date_parse(const char *s, size_t n, const struct dq_date_opts *o,
	      struct dq_datetime *dt)
{
	struct dq_date_opts def;
	struct pstate st;
	const char *p = s, *e = s + n;
	int k, r;

	if (!o) {
		dq_date_opts_init(&def);
		o = &def;
	}
	memset(dt, 0, sizeof *dt);
	while (p < e && (k = space_at(p, e)) > 0)
		p += k;
	while (e > p && (k = space_before(p, e)) > 0)
		e -= k;
	if (p == e || e - p > MAX_LEN)
		return -1;
	if (o->epoch == 1 || o->epoch == 2) {
		r = parse_epoch(p, e, o->epoch, dt);
		if (r)
			return r > 0 ? 0 : -1;
	}
	st.c.p = p;
	st.c.e = e;
	st.order = o->order;
	st.pivot = o->pivot < 0 ? 0 : o->pivot > 100 ? 100 : o->pivot;
	st.y = st.m = st.d = 0;
	st.wday = st.iso = st.noyear = 0;
	if (parse_date(&st) < 0 || parse_rest(&st, dt) < 0)
		return -1;
	if (!dq_date_valid(st.y, st.m, st.d))
		return -1;
	if (st.wday &&
	    dq_date_weekday(dq_date_days(st.y, st.m, st.d)) != st.wday)
		return -1;
	dt->year = st.y;
	dt->month = st.m;
	dt->day = st.d;
	return 0;
}

/* Append v as exactly width digits (v >= 0). */
static char *
put_digits(char *q, int v, int width)
{
	int i;

	for (i = width - 1; i >= 0; i--) {
		q[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return q + width;
}

void
dq_date_format(const struct dq_datetime *dt, int with_time,
	       struct dq_buf *out)
{
	char tmp[48], *q = tmp;
	int fd, off;

	q = put_digits(q, dt->year, 4);
	*q++ = '-';
	q = put_digits(q, dt->month, 2);
	*q++ = '-';
	q = put_digits(q, dt->day, 2);
	if (with_time && dt->has_time) {
		*q++ = 'T';
		q = put_digits(q, dt->hour, 2);
		*q++ = ':';
		q = put_digits(q, dt->min, 2);
		*q++ = ':';
		q = put_digits(q, dt->sec, 2);
		fd = dt->frac_digits > 9 ? 9 : dt->frac_digits;
		if (fd > 0) {
			*q++ = '.';
			q = put_digits(q, dt->nanos / pow10[9 - fd], fd);
		}
		if (dt->has_tz) {
			off = dt->tz_offset_min;
			if (!off) {
				*q++ = 'Z';
			} else {
				*q++ = off < 0 ? '-' : '+';
				off = off < 0 ? -off : off;
				q = put_digits(q, off / 60 % 100, 2);
				*q++ = ':';
				q = put_digits(q, off % 60, 2);
			}
		}
	}
	dq_buf_add(out, tmp, (size_t)(q - tmp));
}

long long
dq_date_today_days(void)
{
	const char *s = getenv("DQ_TODAY");
	struct dq_datetime dt;
	time_t now;

	if (s && strlen(s) == 10 && !dq_date_parse(s, 10, NULL, &dt) &&
	    !dt.has_time && s[4] == '-' && s[7] == '-')
		return dq_date_days(dt.year, dt.month, dt.day);
	now = time(NULL);
	return (long long)now >= 0 ? (long long)now / 86400 :
				     -((-(long long)now + 86399) / 86400);
}
