/*
 * unit.h - a tiny TAP-emitting harness for dq's C unit tests.
 *
 * Each check prints one TAP line ("ok 7 - ..." / "not ok 8 - ...") so the
 * runner (tests/run) can add every assertion to the "N passed, N failed"
 * total.  A test file defines main() as a list of calls and ends with
 * `return unit_done();`, which prints the plan and returns 1 on any
 * failure.
 *
 *	UNIT_OK(cond, "what")              truth
 *	UNIT_INT(got, want, "what")        long long equality
 *	UNIT_STR(got, want, "what")        C string equality (NULL allowed)
 *	UNIT_MEM(got, gotlen, want, wantlen, "what")  byte equality
 *	UNIT_NEAR(got, want, eps, "what")  |got - want| <= eps
 *	unit_pick(n)                       a repeatable pseudo-random 0..n-1
 */
#ifndef DQ_UNIT_H
#define DQ_UNIT_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/rng.h"

static int unit_n, unit_failed;

static void __attribute__((unused))
unit_report(int ok, const char *file, int line, const char *what)
{
	unit_n++;
	if (!ok)
		unit_failed++;
	printf("%sok %d - %s (%s:%d)\n", ok ? "" : "not ", unit_n, what, file,
	       line);
}

static void __attribute__((unused))
unit_show_str(const char *label, const char *s, size_t n)
{
	size_t i;
	printf("#   %s: ", label);
	if (!s) {
		printf("NULL\n");
		return;
	}
	putchar('"');
	for (i = 0; i < n && i < 400; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	printf("\"%s\n", n > 400 ? "..." : "");
}

#define UNIT_OK(cond, what) unit_report(!!(cond), __FILE__, __LINE__, (what))

#define UNIT_INT(got, want, what)                                            \
	do {                                                                 \
		long long g_ = (long long)(got), w_ = (long long)(want);     \
		unit_report(g_ == w_, __FILE__, __LINE__, (what));           \
		if (g_ != w_)                                                \
			printf("#   got %lld, want %lld\n", g_, w_);     \
	} while (0)

#define UNIT_STR(got, want, what)                                            \
	do {                                                                 \
		const char *g_ = (got), *w_ = (want);                        \
		int ok_ = (!g_ && !w_) || (g_ && w_ && !strcmp(g_, w_));     \
		unit_report(ok_, __FILE__, __LINE__, (what));                \
		if (!ok_) {                                                  \
			unit_show_str("got ", g_, g_ ? strlen(g_) : 0);      \
			unit_show_str("want", w_, w_ ? strlen(w_) : 0);      \
		}                                                            \
	} while (0)

#define UNIT_MEM(got, gotlen, want, wantlen, what)                           \
	do {                                                                 \
		const char *g_ = (got), *w_ = (want);                        \
		size_t gl_ = (gotlen), wl_ = (wantlen);                      \
		int ok_ = gl_ == wl_ && (!gl_ || !memcmp(g_, w_, gl_));      \
		unit_report(ok_, __FILE__, __LINE__, (what));                \
		if (!ok_) {                                                  \
			unit_show_str("got ", g_, gl_);                      \
			unit_show_str("want", w_, wl_);                      \
		}                                                            \
	} while (0)

#define UNIT_NEAR(got, want, eps, what)                                      \
	do {                                                                 \
		double g_ = (got), w_ = (want);                              \
		int ok_ = fabs(g_ - w_) <= (eps);                            \
		unit_report(ok_, __FILE__, __LINE__, (what));                \
		if (!ok_)                                                    \
			printf("#   got %.17g, want %.17g\n", g_, w_);   \
	} while (0)

static int __attribute__((unused))
unit_done(void)
{
	printf("1..%d\n", unit_n);
	return unit_failed ? 1 : 0;
}

/* xorshift64 (base/rng.h): the same sequence on every run, so a failure
 * can be replayed. */
static uint64_t unit_rng = 88172645463325252ull;

static unsigned __attribute__((unused))
unit_pick(unsigned n)
{
	return (unsigned)(dq_rng_xorshift64(&unit_rng) % n);
}

#endif
