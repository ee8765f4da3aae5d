/*
 * payload.h - a profile document as dq-sql's payload column, within
 * limits: jsonb refuses a document above 268435455 bytes, and a
 * dashboard wants far less.
 */
#ifndef DQ_SQL_PAYLOAD_H
#define DQ_SQL_PAYLOAD_H

#include "base/util.h"
#include "sql/sql.h"

/*
 * Append the object p (validated JSON) to out compact, every string value
 * cut to max_value bytes (0: no cut), and, if it is still above
 * max_payload bytes (0: no limit), its largest top-level members left
 * out, largest first, the others kept in their order.  Whatever was cut
 * is named in a "_truncated" member added at the end: {"values_cut":N,
 * "max_value_bytes":M} and {"members_dropped":[...],"payload_bytes":B,
 * "max_payload_bytes":M}, the members named in the document's order.
 */
void dq_sql_payload(struct dq_sql_jv p, long long max_value,
                    long long max_payload, struct dq_buf *out);

#endif
