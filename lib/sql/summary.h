/*
 * summary.h - a dq-validate summary as dq-sql stores it: its checks (the
 * unparsable records counted as a failed check of their own), the failed
 * rules as a JSON list and a one-line message, the score and its pass
 * mark, and the failed rules joined into the columns of one
 * failed-validation row (the monitoring and reporting schemas).
 *
 * Values are borrowed from the summary's text (struct dq_sql_jv) and
 * copied as written: nothing is converted.
 */
#ifndef DQ_SQL_SUMMARY_H
#define DQ_SQL_SUMMARY_H

#include <stddef.h>

#include "base/util.h"
#include "sql/sql.h"

/*
 * The summary's checks ("rules"), with the records that could not be
 * parsed first, as a failed check of their own when there are any:
 * {"code":"PARSE","check":"parse","field":null,"severity":"error",
 * "category":"format","checked":IN,"failures":REJECTED,"tolerance":0,
 * "passed":false}.  The array's text is built in b (the caller's) when it
 * differs from the summary's; the result borrows it or the summary.
 */
struct dq_sql_jv dq_sql_checks(struct dq_sql_jv summary, struct dq_buf *b);

/*
 * The failed checks appended to list as a JSON array (each with code,
 * field, severity, category, checked, failures, rate and tolerance, as
 * written), and in *msg "N of M checks failed: CODE FIELD: F of C; ..."
 * (the caller frees it), or NULL when none failed.
 */
void dq_sql_failed_rules(struct dq_sql_jv summary, struct dq_buf *list,
                         char **msg);

/*
 * The summary's score and whether it passed on its score: "score_passed"
 * (dq-validate's pass mark; its "passed" is the whole gate), else
 * "passed" (summaries older than "score_passed").  0, or -1 with a
 * message naming file when there is no number score or boolean mark.
 */
int dq_sql_quality(struct dq_sql_jv summary, const char *file,
                   struct dq_sql_jv *score, struct dq_sql_jv *passed);

/* Cut b's text to max characters (varchar(N) counts characters), the
 * last one an ellipsis (U+2026) when something was cut. */
#define DQ_SQL_VARCHAR_MAX 250
void dq_sql_cut_chars(struct dq_buf *b, size_t max);

/* The run's failures as the one failed-validation row: each column the
 * failed checks' values joined by "; " (an empty value keeps its place),
 * within DQ_SQL_VARCHAR_MAX characters. */
struct dq_sql_failed {
	struct dq_buf name;   /* codes */
	struct dq_buf type;   /* checks */
	struct dq_buf path;   /* categories */
	struct dq_buf fields; /* fields */
	struct dq_buf values; /* each check's first example value, JSON */
	struct dq_buf params; /* "failures F of C, tolerance T" */
};

/* Fill fv (its previous contents are not freed: release it first) from
 * the summary's checks; returns how many failed. */
int dq_sql_failed_columns(struct dq_sql_jv summary, struct dq_sql_failed *fv);
void dq_sql_failed_release(struct dq_sql_failed *fv);

#endif
