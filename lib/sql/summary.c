/*
 * summary.c - a dq-validate summary as dq-sql stores it (see summary.h).
 */
#include "sql/summary.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "stream/json.h"
#include "stream/walk.h"

/* The unparsable records took their share of the format deduction: a
 * failure the score counts is named where the failures are. */
struct dq_sql_jv
dq_sql_checks(struct dq_sql_jv summary, struct dq_buf *b)
{
	struct dq_sql_jv rules = dq_sql_jv_get(summary, "rules"),
	                 c = dq_sql_jv_get(summary, "counts");
	struct dq_sql_jv in = dq_sql_jv_get(c, "in"),
	                 rej = dq_sql_jv_get(c, "rejected");
	struct dq_walk w;
	struct dq_member m;

	if (in.type != DQ_JSON_NUMBER || rej.type != DQ_JSON_NUMBER ||
	    (rej.n == 1 && rej.s[0] == '0'))
		return rules;
	dq_buf_addstr(b, "[{\"code\":\"PARSE\",\"check\":\"parse\","
	                 "\"field\":null,\"severity\":\"error\","
	                 "\"category\":\"format\",\"checked\":");
	dq_buf_add(b, in.s, in.n);
	dq_buf_addstr(b, ",\"failures\":");
	dq_buf_add(b, rej.s, rej.n);
	dq_buf_addstr(b, ",\"tolerance\":0,\"passed\":false}");
	if (rules.type == DQ_JSON_ARRAY) {
		dq_walk_begin(&w, rules.s, rules.n);
		while (dq_walk_element(&w, &m)) {
			dq_buf_addch(b, ',');
			dq_buf_add(b, m.val, m.vallen);
		}
	}
	dq_buf_addch(b, ']');
	return (struct dq_sql_jv){b->buf, b->len, DQ_JSON_ARRAY};
}

/* failed_validation_rules and _message from the summary's checks
 * (dq_sql_checks): the members are copied as written. */
void
dq_sql_failed_rules(struct dq_sql_jv summary, struct dq_buf *list,
                    char **msg_out)
{
	struct dq_buf cb = DQ_BUF_INIT;
	struct dq_sql_jv rules = dq_sql_checks(summary, &cb), rule, f;
	static const char *const keep[] = {"code",     "field",    "severity",
	                                   "category", "checked",  "failures",
	                                   "rate",     "tolerance"};
	struct dq_buf msg = DQ_BUF_INIT;
	struct dq_walk w;
	struct dq_member m;
	int checks = 0, failed = 0, nkept;
	size_t k;

	dq_buf_addch(list, '[');
	if (rules.type == DQ_JSON_ARRAY)
		dq_walk_begin(&w, rules.s, rules.n);
	while (rules.type == DQ_JSON_ARRAY && dq_walk_element(&w, &m)) {
		rule.s = m.val;
		rule.n = m.vallen;
		rule.type = m.type;
		checks++;
		if (dq_sql_jv_get(rule, "passed").type != DQ_JSON_FALSE)
			continue;
		if (failed++)
			dq_buf_addch(list, ',');
		dq_buf_addch(list, '{');
		for (k = nkept = 0; k < sizeof(keep) / sizeof(keep[0]); k++) {
			f = dq_sql_jv_get(rule, keep[k]);
			if (f.type < 0)
				continue;
			dq_buf_addf(list, "%s\"%s\":", nkept++ ? "," : "",
			            keep[k]);
			dq_sql_json_compact(f.s, f.n, 0, list);
		}
		dq_buf_addch(list, '}');
		dq_buf_addstr(&msg, failed > 1 ? "; " : "");
		f = dq_sql_jv_get(rule, "code");
		if (f.type == DQ_JSON_STRING)
			dq_sql_jv_text(f, &msg);
		else
			dq_buf_addch(&msg, '?');
		f = dq_sql_jv_get(rule, "field");
		if (f.type == DQ_JSON_STRING) {
			dq_buf_addch(&msg, ' ');
			dq_sql_jv_text(f, &msg);
		}
		f = dq_sql_jv_get(rule, "failures");
		if (f.type == DQ_JSON_NUMBER) {
			dq_buf_addstr(&msg, ": ");
			dq_buf_add(&msg, f.s, f.n);
			f = dq_sql_jv_get(rule, "checked");
			if (f.type == DQ_JSON_NUMBER) {
				dq_buf_addstr(&msg, " of ");
				dq_buf_add(&msg, f.s, f.n);
			}
		}
	}
	dq_buf_addch(list, ']');
	*msg_out = NULL;
	if (failed) {
		struct dq_buf m2 = DQ_BUF_INIT;

		dq_buf_addf(&m2, "%d of %d checks failed: %s", failed, checks,
		            msg.buf);
		*msg_out = dq_buf_detach(&m2, NULL);
	}
	dq_buf_release(&msg);
	dq_buf_release(&cb);
}

/*
 * A monitoring file's quality row passes on its score alone, as the
 * monitoring document says (passed = score >= the pass mark):
 * dq-validate's "score_passed".  Its "passed" is the whole gate (rejects,
 * absent fields, an empty file), which the run row keeps.  Summaries
 * older than "score_passed" have only "passed", which then meant the
 * score.
 */
static struct dq_sql_jv
quality_passed(struct dq_sql_jv summary)
{
	struct dq_sql_jv p = dq_sql_jv_get(summary, "score_passed");
	return p.type == DQ_JSON_TRUE || p.type == DQ_JSON_FALSE
	           ? p
	           : dq_sql_jv_get(summary, "passed");
}

int
dq_sql_quality(struct dq_sql_jv summary, const char *file,
               struct dq_sql_jv *score, struct dq_sql_jv *passed)
{
	*score = dq_sql_jv_get(summary, "score");
	*passed = quality_passed(summary);
	if (score->type != DQ_JSON_NUMBER ||
	    (passed->type != DQ_JSON_TRUE && passed->type != DQ_JSON_FALSE))
		return dq_error("%s: not a dq-validate summary (no score or "
		                "passed)",
		                file);
	return 0;
}
void
dq_sql_cut_chars(struct dq_buf *b, size_t max)
{
	size_t i, chars = 0;

	if (dq_utf8_count(b->buf, b->len) <= max)
		return;
	for (i = 0; i < b->len; i++) {
		if (DQ_UTF8_IS_CONT((unsigned char)b->buf[i]))
			continue;
		if (chars++ == max - 1)
			break;
	}
	b->len = i;
	dq_buf_addstr(b, "\xe2\x80\xa6");
}

/* Append v's text after "; " unless it is the first rule's (an empty
 * text still takes its place, so that the columns line up). */
static void
fv_add(struct dq_buf *b, struct dq_sql_jv v, int first)
{
	if (!first)
		dq_buf_addstr(b, "; ");
	dq_sql_jv_text(v, b);
}

int
dq_sql_failed_columns(struct dq_sql_jv summary, struct dq_sql_failed *fv)
{
	struct dq_buf cb = DQ_BUF_INIT;
	struct dq_sql_jv rules = dq_sql_checks(summary, &cb), rule, ex;
	struct dq_walk w, we;
	struct dq_member m;
	int n = 0;

	memset(fv, 0, sizeof(*fv));
	if (rules.type != DQ_JSON_ARRAY) {
		dq_buf_release(&cb);
		return 0;
	}
	dq_walk_begin(&w, rules.s, rules.n);
	while (dq_walk_element(&w, &m)) {
		rule.s = m.val;
		rule.n = m.vallen;
		rule.type = m.type;
		if (dq_sql_jv_get(rule, "passed").type != DQ_JSON_FALSE)
			continue;
		fv_add(&fv->name, dq_sql_jv_get(rule, "code"), !n);
		fv_add(&fv->type, dq_sql_jv_get(rule, "check"), !n);
		fv_add(&fv->path, dq_sql_jv_get(rule, "category"), !n);
		fv_add(&fv->fields, dq_sql_jv_get(rule, "field"), !n);
		/* The first example's value, as JSON. */
		ex = dq_sql_jv_get(rule, "examples");
		if (n)
			dq_buf_addstr(&fv->values, "; ");
		if (ex.type == DQ_JSON_ARRAY) {
			dq_walk_begin(&we, ex.s, ex.n);
			if (dq_walk_element(&we, &m)) {
				struct dq_sql_jv e = {m.val, m.vallen, m.type};

				e = dq_sql_jv_get(e, "value");
				if (e.type >= 0)
					dq_sql_json_compact(e.s, e.n, 0,
					                    &fv->values);
			}
		}
		if (n++)
			dq_buf_addstr(&fv->params, "; ");
		dq_buf_addstr(&fv->params, "failures ");
		dq_sql_jv_text(dq_sql_jv_get(rule, "failures"), &fv->params);
		dq_buf_addstr(&fv->params, " of ");
		dq_sql_jv_text(dq_sql_jv_get(rule, "checked"), &fv->params);
		dq_buf_addstr(&fv->params, ", tolerance ");
		dq_sql_jv_text(dq_sql_jv_get(rule, "tolerance"), &fv->params);
	}
	dq_sql_cut_chars(&fv->name, DQ_SQL_VARCHAR_MAX);
	dq_sql_cut_chars(&fv->type, DQ_SQL_VARCHAR_MAX);
	dq_sql_cut_chars(&fv->path, DQ_SQL_VARCHAR_MAX);
	dq_sql_cut_chars(&fv->fields, DQ_SQL_VARCHAR_MAX);
	dq_sql_cut_chars(&fv->values, DQ_SQL_VARCHAR_MAX);
	dq_sql_cut_chars(&fv->params, DQ_SQL_VARCHAR_MAX);
	dq_buf_release(&cb);
	return n;
}

void
dq_sql_failed_release(struct dq_sql_failed *fv)
{
	dq_buf_release(&fv->name);
	dq_buf_release(&fv->type);
	dq_buf_release(&fv->path);
	dq_buf_release(&fv->fields);
	dq_buf_release(&fv->values);
	dq_buf_release(&fv->params);
}
