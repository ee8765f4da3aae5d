/*
 * canon.h - a record's canonical hash: equal for records that hold the
 * same values, whatever their key order, white space or number spelling.
 *
 * _dq.hash (stream/meta.h) is XXH3 of the line as it came: a record
 * written with its keys in another order, or 1.0 for 1, is another line.
 * The canonical hash is of the values: members sorted by their unescaped
 * keys (bytes), the "_dq" member left out, nested objects sorted alike,
 * arrays in their order, strings by their unescaped UTF-8 bytes, numbers
 * by exact value (base/num.h's dq_num_exact_key: 1, 1.0 and 10e-1 are
 * one value; 9007199254740993 is not 9007199254740992), and a string is
 * never a number ("1" is not 1).  Each value of the canonical form is
 * tagged by its kind and strings and keys carry their length, so no two
 * different records share a form.  The hash is XXH3-128 of the form,
 * printed as 32 hex digits.  Run it on normalized records (after
 * dq-normalize's steps), and white space the steps remove, a date's
 * spelling and the like make no difference either.
 */
#ifndef DQ_CANON_H
#define DQ_CANON_H

#include <stddef.h>

#include "base/util.h"
#include "stream/json.h"

#define DQ_CANON_HEX 32

/* The canonical form of the valid JSON value s[0..n), appended to out. */
void dq_canon_value(const char *s, size_t n, struct dq_buf *out);

/* The canonical hash of record r (without its "_dq") as 32 hex digits and
 * a NUL into hex; scratch is the caller's buffer for the form. */
void dq_canon_hash(const struct dq_record *r, struct dq_buf *scratch,
		   char hex[DQ_CANON_HEX + 1]);

#endif
