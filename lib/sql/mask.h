/*
 * mask.h - the values dq-sql writes from data (golden records, violation
 * values, a profile document's values and sample rows) in the form the
 * active sensitive-field policy shows them (contract/pii.h; dq-sql -c).
 * Documents written by a program that had the contract are masked
 * already: these are for documents written without it.  No work beyond a
 * test when the policy marks nothing.
 */
#ifndef DQ_SQL_MASK_H
#define DQ_SQL_MASK_H

#include "base/util.h"
#include "sql/sql.h"

/* The object text in rec (a record, valid JSON) with every sensitive
 * member, at any depth, in its shown form: rec is rewritten in place. */
void dq_sql_mask_record(struct dq_buf *rec);

/* The value v of field f (a JSON string value, raw; or nothing) as shown:
 * v itself, or its shown form in b.  A field that is not a string leaves
 * v as it is. */
struct dq_sql_jv dq_sql_mask_value(struct dq_sql_jv f, struct dq_sql_jv v,
				   struct dq_buf *b);

/* The profile document p (an object, valid JSON) with the values of
 * sensitive fields shown as dq-profile -c shows them: top values,
 * examples, sample cells and least and greatest strings in their shown
 * form, numeric figures that are values left out.  p itself, or the new
 * document's text in b. */
struct dq_sql_jv dq_sql_mask_profile(struct dq_sql_jv p, struct dq_buf *b);

#endif
