/* Unit tests for lib/base/num.c: the exact text of each form, on the
 * awkward numbers (0.1 + 0.2, a third, huge, tiny, negative zero, NaN and
 * the infinities). */
#include <math.h>
#include <string.h>

#include "base/num.h"
#include "unit.h"

static struct dq_buf b = DQ_BUF_INIT;

static const char *
g15(double x)
{
	dq_buf_reset(&b);
	dq_num_add_g15(&b, x);
	return b.buf;
}

static const char *
shortest(double x)
{
	dq_buf_reset(&b);
	dq_num_add_shortest(&b, x);
	return b.buf;
}

static const char *
fixed(double x, int dec)
{
	dq_buf_reset(&b);
	dq_num_add_fixed(&b, x, dec);
	return b.buf;
}

int
main(void)
{
	UNIT_OK(dq_num_r12(0.1 + 0.2) == 0.3, "r12: 0.1 + 0.2 is 0.3");
	UNIT_OK(0.1 + 0.2 != 0.3, "which it is not unrounded");
	UNIT_OK(dq_num_r12(1.0 / 3) == 0.333333333333, "r12: a third");
	UNIT_OK(dq_num_r12(123456789012345.0) == 123456789012000.0,
		"r12: 15 digits cut to 12");
	UNIT_OK(dq_num_r12(-2.5e-300) == -2.5e-300, "r12: tiny");
	UNIT_OK(dq_num_r12(NAN) == 0, "r12: NaN is 0");
	UNIT_OK(dq_num_r12(-INFINITY) == 0, "r12: -inf is 0");
	UNIT_OK(dq_num_r12(1.7976931348623157e308) == 1.79769313486e308,
		"r12: the largest double");

	UNIT_STR(g15(0.1), "0.1", "g15: 0.1");
	UNIT_STR(g15(0.1 + 0.2), "0.30000000000000004",
		 "g15: 17 digits when 15 do not read back");
	UNIT_STR(g15(1.0 / 3), "0.33333333333333331", "g15: a third");
	UNIT_STR(g15(100), "100", "g15: an integer");
	UNIT_STR(g15(1e21), "1e+21", "g15: exponent");
	UNIT_STR(g15(-0.0), "-0", "g15: negative zero");
	UNIT_STR(g15(9007199254740993.0), "9007199254740992",
		 "g15: 2^53 + 1 is 2^53 as a double");

	UNIT_STR(shortest(0.1), "0.1", "shortest: 0.1");
	UNIT_STR(shortest(0.1 + 0.2), "0.30000000000000004",
		 "shortest: 0.1 + 0.2");
	UNIT_STR(shortest(1.0 / 3), "0.3333333333333333",
		 "shortest: a third, 16 digits");
	UNIT_STR(shortest(2.5), "2.5", "shortest: 2.5");
	UNIT_STR(shortest(1e21), "1e+21", "shortest: 1e21");
	UNIT_STR(shortest(0.97), "0.97", "shortest: a score");
	UNIT_STR(shortest(5e-324), "5e-324", "shortest: the least double");

	UNIT_STR(fixed(0.5, 6), "0.5", "fixed: trailing zeros dropped");
	UNIT_STR(fixed(0.123456, 6), "0.123456", "fixed: six decimals");
	UNIT_STR(fixed(0.000001, 6), "0.000001",
		 "fixed: never an exponent (shortest says 1e-06)");
	UNIT_STR(fixed(12, 4), "12", "fixed: an integer, no point");
	UNIT_STR(fixed(-3.25, 4), "-3.25", "fixed: negative");
	UNIT_STR(fixed(-0.0, 4), "0", "fixed: negative zero is 0");
	UNIT_STR(fixed(-0.00004, 4), "0", "fixed: rounds to 0, no sign");
	UNIT_STR(fixed(round((0.1 + 0.2) * 1e4) / 1e4, 4), "0.3",
		 "fixed: 0.1 + 0.2 at four decimals");
	UNIT_STR(fixed(123.0001, 4), "123.0001", "fixed: a small last digit");
	UNIT_STR(fixed(0.999999, 6), "0.999999", "fixed: no carry");
	UNIT_STR(fixed(0.9999999, 6), "1", "fixed: the carry into 1");
	UNIT_STR(fixed(7, 0), "7", "fixed: no decimals");
	UNIT_STR(fixed(1e19, 4), "1e+19", "fixed: too large, %.6g");
	dq_buf_release(&b);
	return unit_done();
}
