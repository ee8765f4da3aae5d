/*
 * num.c - floating-point numbers printed one way everywhere (see num.h).
 */
#include "base/num.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* x rounded to digits significant digits; 0 for an infinity or NaN. */
static double
round_sig(double x, int digits)
{
	char b[40];
	if (!isfinite(x))
		return 0;
	snprintf(b, sizeof(b), "%.*g", digits, x);
	return strtod(b, NULL);
}

double
dq_num_r12(double x)
{
	return round_sig(x, 12);
}

double
dq_num_r15(double x)
{
	return round_sig(x, 15);
}

void
dq_num_add_g15(struct dq_buf *b, double x)
{
	char t[40];
	snprintf(t, sizeof(t), "%.15g", x);
	if (strtod(t, NULL) != x)
		snprintf(t, sizeof(t), "%.17g", x);
	dq_buf_addstr(b, t);
}

void
dq_num_add_shortest(struct dq_buf *b, double x)
{
	char t[40];
	for (int p = 1; p <= 17; p++) {
		snprintf(t, sizeof(t), "%.*g", p, x);
		if (strtod(t, NULL) == x)
			break;
	}
	dq_buf_addstr(b, t);
}
