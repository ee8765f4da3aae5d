/*
 * usps.h - which US state a ZIP Code belongs to, by its first three
 * digits (the USPS sectional center or ZIP prefix).
 *
 * dq-normalize's zip step asks it before it pads a ZIP that lost its
 * leading zeros: "7330" under state TX is not 07330 (New Jersey) but a
 * truncated Austin ZIP, so it is left as it came and counted unparsed.
 */
#ifndef DQ_USPS_H
#define DQ_USPS_H

#include <stddef.h>

/*
 * 1 when the ZIP Code zip (at least its first three bytes are digits:
 * "07330", "07330-1234") has a prefix that the USPS assigns to state, a
 * two-letter USPS code as dq_us_state_code() returns it ("NJ", "PR",
 * "AE"); 0 when it does not, when the prefix is assigned to no state
 * (000-004) or when state is not a code of the table.
 */
int dq_zip_in_state(const char *zip, size_t n, const char *state);

#endif
