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

void
dq_num_add_fixed(struct dq_buf *b, double v, int dec)
{
	static const double p10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
				      1e8, 1e9 };
	double a = fabs(v) * p10[dec] + 0.5;
	unsigned long long x, ip, fr, dv = (unsigned long long)p10[dec];
	char t[16];
	int n = dec;

	if (!(a < 9e18)) {
		dq_buf_addf(b, "%.6g", v);
		return;
	}
	x = (unsigned long long)a;
	ip = x / dv;
	fr = x % dv;
	if (v < 0 && x)
		dq_buf_addch(b, '-');
	dq_buf_add_int(b, (long long)ip);
	if (!fr)
		return;
	while (fr % 10 == 0) {
		fr /= 10;
		n--;
	}
	for (int i = n - 1; i >= 0; i--, fr /= 10)
		t[i] = (char)('0' + fr % 10);
	dq_buf_addch(b, '.');
	dq_buf_add(b, t, (size_t)n);
}

/*
 * A JSON number's exact value as text, for keys: the significant digits
 * (no leading or trailing zeros) and the power of ten that places them,
 * "-" for a negative: 1, 1.0, 1e0 and 10e-1 all give "1e1"-shaped equal
 * text; 0, -0 and 0.0e5 give "0".  No rounding: 9007199254740993 and
 * 9007199254740992 stay apart.
 */
void
dq_num_exact_key(const char *s, size_t n, struct dq_buf *b)
{
	const char *p = s, *e = s + n;
	int neg = *p == '-';
	long long scale = 0, x = 0;
	size_t start = b->len;
	int seen = 0, point = 0;

	p += neg;
	dq_buf_addch(b, '-');
	for (; p < e && *p != 'e' && *p != 'E'; p++) {
		if (*p == '.') {
			point = 1;
			continue;
		}
		if (!point)
			scale++;
		if (*p == '0' && !seen) {
			scale--; /* a leading zero */
			continue;
		}
		seen = 1;
		dq_buf_addch(b, *p);
	}
	while (b->len > start + 1 && b->buf[b->len - 1] == '0')
		b->len--; /* trailing zeros */
	if (b->len == start + 1) {
		b->len = start;
		dq_buf_addch(b, '0');
		return;
	}
	if (p < e) {
		int eneg = *++p == '-';
		p += *p == '-' || *p == '+';
		for (; p < e; p++)
			if (x < 100000000000000000LL)
				x = x * 10 + (*p - '0');
		scale += eneg ? -x : x;
	}
	if (!neg)
		memmove(b->buf + start, b->buf + start + 1, b->len - start - 1),
			b->len--;
	dq_buf_addch(b, 'e');
	dq_buf_add_int(b, scale);
}
