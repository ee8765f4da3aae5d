/* Unit tests for lib/sql/summary.c: the checks with the unparsable
 * records first, the failed rules and their message, the score and its
 * pass mark (score_passed before passed; neither is an error), the
 * failed-validation columns (empty values keeping their place, the first
 * example's value) and the cut to 250 characters with an ellipsis. */
#include <stdlib.h>
#include <string.h>

#include "sql/summary.h"
#include "stream/json.h"
#include "unit.h"

#define BUF_IS(b, lit, what) UNIT_MEM((b).buf, (b).len, lit, sizeof(lit) - 1, what)

static struct dq_sql_jv
obj(const char *s)
{
	struct dq_sql_jv v = { s, strlen(s), DQ_JSON_OBJECT };
	return v;
}

#define R1                                                                   \
	"{\"code\":\"FMT-1\",\"check\":\"format\",\"field\":\"email\","      \
	"\"severity\":\"error\",\"category\":\"format\",\"checked\":9,"    \
	"\"failures\":1,\"rate\":0.1111,\"tolerance\":0,\"passed\":false,"  \
	"\"hint\":\"h\",\"examples\":[{\"line\":6,\"value\":\"z@x..nl\"},"  \
	"{\"value\":2}]}"
#define R2 "{\"code\":\"REQ-1\",\"check\":\"required\",\"passed\":true}"
#define R3                                                                   \
	"{\"code\":\"U-1\",\"check\":\"unique\",\"checked\":12,"             \
	"\"failures\":2,\"tolerance\":0.5,\"passed\":false}"

int
main(void)
{
	const char *s1 = "{\"score\":60,\"passed\":true,\"score_passed\":false,"
			 "\"counts\":{\"in\":12,\"rejected\":2},\"rules\":["
			 R1 "," R2 "," R3 "]}";
	const char *s2 = "{\"score\":100,\"passed\":true,\"counts\":{\"in\":3,"
			 "\"rejected\":0},\"rules\":[" R2 "]}";
	struct dq_buf b = DQ_BUF_INIT, list = DQ_BUF_INIT;
	struct dq_sql_jv v, score, passed;
	struct dq_sql_failed fv;
	char *msg;

	v = dq_sql_checks(obj(s2), &b);
	UNIT_MEM(v.s, v.n, "[" R2 "]", strlen("[" R2 "]"),
		 "no rejects: the summary's own rules");
	UNIT_INT(b.len, 0, "nothing built");
	v = dq_sql_checks(obj(s1), &b);
	UNIT_OK(v.type == DQ_JSON_ARRAY && v.s == b.buf, "built in b");
	UNIT_OK(v.n > 100 &&
			!memcmp(v.s,
				"[{\"code\":\"PARSE\",\"check\":\"parse\","
				"\"field\":null,\"severity\":\"error\","
				"\"category\":\"format\",\"checked\":12,"
				"\"failures\":2,\"tolerance\":0,\"passed\":"
				"false}," R1 ",",
				strlen("[{\"code\":\"PARSE\",\"check\":\"parse\","
				       "\"field\":null,\"severity\":\"error\","
				       "\"category\":\"format\",\"checked\":12,"
				       "\"failures\":2,\"tolerance\":0,"
				       "\"passed\":false}," R1 ",")),
		"the unparsable records first, as a failed check");

	dq_sql_failed_rules(obj(s1), &list, &msg);
	BUF_IS(list,
	       "[{\"code\":\"PARSE\",\"field\":null,\"severity\":\"error\","
	       "\"category\":\"format\",\"checked\":12,\"failures\":2,"
	       "\"tolerance\":0},{\"code\":\"FMT-1\",\"field\":\"email\","
	       "\"severity\":\"error\",\"category\":\"format\",\"checked\":9,"
	       "\"failures\":1,\"rate\":0.1111,\"tolerance\":0},{\"code\":"
	       "\"U-1\",\"checked\":12,\"failures\":2,\"tolerance\":0.5}]",
	       "the failed rules, their kept members as written");
	UNIT_STR(msg,
		 "3 of 4 checks failed: PARSE: 2 of 12; FMT-1 email: 1 of 9; "
		 "U-1: 2 of 12",
		 "the message");
	free(msg);
	dq_buf_reset(&list);
	dq_sql_failed_rules(obj(s2), &list, &msg);
	BUF_IS(list, "[]", "none failed: an empty list");
	UNIT_STR(msg, NULL, "and no message");

	UNIT_INT(dq_sql_quality(obj(s1), "s1", &score, &passed), 0, "s1");
	UNIT_MEM(score.s, score.n, "60", 2, "its score as written");
	UNIT_INT(passed.type, DQ_JSON_FALSE,
		 "score_passed, not the gate's passed");
	UNIT_INT(dq_sql_quality(obj(s2), "s2", &score, &passed), 0, "s2");
	UNIT_INT(passed.type, DQ_JSON_TRUE, "an older summary: passed");
	UNIT_INT(dq_sql_quality(obj("{\"score\":\"60\",\"passed\":true}"), "s3",
				&score, &passed),
		 -1, "a string score is no summary's");
	UNIT_INT(dq_sql_quality(obj("{\"score\":6}"), "s4", &score, &passed),
		 -1, "no pass mark");

	UNIT_INT(dq_sql_failed_columns(obj(s1), &fv), 3, "three failed");
	BUF_IS(fv.name, "PARSE; FMT-1; U-1", "codes");
	BUF_IS(fv.type, "parse; format; unique", "checks");
	BUF_IS(fv.path, "format; format; ", "categories, U-1's empty");
	BUF_IS(fv.fields, "; email; ", "fields, null and absent empty");
	BUF_IS(fv.values, "; \"z@x..nl\"; ", "the first example's value");
	BUF_IS(fv.params,
	       "failures 2 of 12, tolerance 0; failures 1 of 9, tolerance 0; "
	       "failures 2 of 12, tolerance 0.5",
	       "parameters");
	dq_sql_failed_release(&fv);
	UNIT_INT(dq_sql_failed_columns(obj(s2), &fv), 0, "none failed");
	UNIT_INT(fv.name.len + fv.params.len, 0, "empty columns");
	dq_sql_failed_release(&fv);

	/* 300 two-byte characters: 249 of them and the ellipsis. */
	dq_buf_reset(&b);
	for (int i = 0; i < 300; i++)
		dq_buf_addstr(&b, "\xc3\xbc");
	dq_sql_cut_chars(&b, DQ_SQL_VARCHAR_MAX);
	UNIT_INT(b.len, 249 * 2 + 3, "249 characters and an ellipsis");
	UNIT_MEM(b.buf + b.len - 5, 5, "\xc3\xbc\xe2\x80\xa6", 5,
		 "cut at a character boundary");
	dq_buf_reset(&b);
	for (int i = 0; i < 250; i++)
		dq_buf_addch(&b, 'a');
	dq_sql_cut_chars(&b, DQ_SQL_VARCHAR_MAX);
	UNIT_INT(b.len, 250, "250 characters stay whole");
	dq_sql_cut_chars(&b, 3);
	BUF_IS(b, "aa\xe2\x80\xa6", "a cut to 3");

	dq_buf_release(&b);
	dq_buf_release(&list);
	return unit_done();
}
