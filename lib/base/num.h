/*
 * num.h - floating-point numbers printed one way everywhere.
 *
 * Three forms, each with one home:
 *
 *   dq_num_r12        a figure rounded to 12 significant digits (0 for an
 *                     infinity or NaN), for the profile document and the
 *                     summaries: a merge of partial states and a single
 *                     run, which differ by rounding in the last bits only,
 *                     then print the same.
 *   dq_num_r15        a computed figure rounded to 15 significant digits,
 *                     the most a double keeps exactly (IEEE 754 binary64),
 *                     so that 0.1 + 0.2 reads 0.3 and 7 / 12 reads
 *                     0.583333333333333 (dq-normalize's derived ratios,
 *                     dq-anomaly's findings).
 *   dq_num_add_g15    the text cJSON gives a number it prints: 15
 *                     significant digits when they read back as exactly
 *                     the same double, else 17 (which always do), for
 *                     text written beside cJSON's (a violation's measured
 *                     figure beside the summary's).
 *   dq_num_add_shortest  the fewest significant digits (1 to 17) that
 *                     read back as exactly the same double (dq-merge's
 *                     scores in its log and review file).
 *   dq_num_add_fixed  a figure already rounded to N decimals (N <= 9) in
 *                     fixed notation without trailing zeros, and without
 *                     printf: dq-score's per-pair score (6 decimals),
 *                     match weight, similarities and weights (4), so
 *                     0.000001 reads 0.000001, not 1e-06, and a figure
 *                     that rounds to zero reads 0, never -0.
 *
 * Reading back uses strtod, so the forms depend on the C library's
 * correctly rounded conversions (glibc's are), not on the locale's
 * decimal point: dq programs run in the C locale.
 */
#ifndef DQ_NUM_H
#define DQ_NUM_H

#include "base/util.h"

/* x rounded to 12 significant digits; 0 for an infinity or NaN. */
double dq_num_r12(double x);

/* x rounded to 15 significant digits; 0 for an infinity or NaN. */
double dq_num_r15(double x);

/* Append x as cJSON prints it: %.15g when exact, else %.17g. */
void dq_num_add_g15(struct dq_buf *b, double x);

/* Append the shortest %.Ng text (N from 1 to 17) of x that reads back as
 * x. */
void dq_num_add_shortest(struct dq_buf *b, double x);

/* Append v, already rounded to dec decimals (0 <= dec <= 9), in fixed
 * notation without trailing zeros ("0.5", "12", "-3.25"); 0 when it is
 * 0 at dec decimals, whatever its sign.  A magnitude of 9e18 or more
 * (not a figure this is for) or a NaN is written as %.6g. */
void dq_num_add_fixed(struct dq_buf *b, double v, int dec);

/*
 * A JSON number's exact value as text, appended to b, for keys and
 * canonical forms: the significant digits and the power of ten that
 * places them, "-" for a negative: 1, 1.0, 1e0 and 10e-1 give the same
 * text; 0, -0 and 0.0e5 give "0".  No rounding: 9007199254740993 and
 * 9007199254740992 stay apart.  s[0..n) is valid JSON number text.
 */
void dq_num_exact_key(const char *s, size_t n, struct dq_buf *b);

#endif
