/* Unit tests for lib/contract/score.c and lib/contract/partial.c: the
 * score of a stream, and the same score from its chunks' summaries. */
#include <stdlib.h>

#include "contract/partial.h"
#include "contract/score.h"
#include "contract_fixture.h"
#include "unit.h"

static const char contract[] =
	"{\"fields\":{\"n\":{\"type\":\"number\",\"max\":10},"
	"\"e\":{\"required\":true,\"severity\":\"warn\","
	"\"tolerance\":0.5}},"
	"\"rules\":{\"NULLS\":{\"check\":\"null_rate\",\"field\":\"e\","
	"\"max\":0.1}}}";

static const char *const records[] = {
	"{\"n\":1,\"e\":\"a\"}", "{\"n\":11,\"e\":\"b\"}", "{\"n\":\"x\"}",
	"{\"n\":2,\"e\":\"c\"}",
};

/* Check records[from, to) as one run (partial or not); the summary into
 * *sum (the caller deletes it); the gate is returned. */
static int
run(size_t from, size_t to, int partial, cJSON **sum)
{
	struct dq_rules rs;
	struct dq_check ck;
	struct dq_out vfile;
	struct dq_buf out = DQ_BUF_INIT;
	struct dq_score_opts o = { .fail_on = DQ_SEV_ERROR, .partial = partial };

	dq_out_init(&vfile);
	fixture_rules(&rs, contract);
	dq_check_init(&ck, &rs, &vfile, "r", 10, 100);
	for (size_t i = from; i < to; i++) {
		fixture_check(&ck, records[i], (long)i + 1, 0, &out);
		ck.n_records_viol += ck.nviol > 0;
	}
	o.n_in = o.valid = to - from;
	dq_score_decide(&rs, &ck, &o);
	*sum = cJSON_CreateObject();
	int gate = dq_score_summary(&rs, &ck, &o, *sum);
	dq_check_release(&ck);
	dq_rules_release(&rs);
	dq_buf_release(&out);
	return gate;
}

static double
num(const cJSON *o, const char *path)
{
	char buf[100], *save, *k;
	snprintf(buf, sizeof(buf), "%s", path);
	for (k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
		o = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(o) ? o->valuedouble : -1;
}

int
main(void)
{
	cJSON *whole, *p1, *p2, *merged;
	char f1[64], f2[64];
	char *files[2] = { f1, f2 };

	/* Checks: TYPE:n, FMT:n, RANGE:n, REQ:e, NULLS.  TYPE:n 1/4 fails (schema 40 * 1/1); RANGE:n 1/3 fails (bounds
	 * 15); REQ:e 1/4 <= 0.5 passes; NULLS 0.25 > 0.1 fails
	 * (completeness 20 * 1/2 = 10): 100 - 40 - 15 - 10 = 35. */
	UNIT_INT(run(0, 4, 0, &whole), 1, "the gate fails");
	UNIT_NEAR(num(whole, "score"), 35, 0, "score");
	UNIT_NEAR(num(whole, "deductions.schema"), 40, 0, "schema");
	UNIT_NEAR(num(whole, "deductions.completeness"), 10, 0, "completeness");
	UNIT_NEAR(num(whole, "deductions.bounds"), 15, 0, "bounds");
	UNIT_NEAR(num(whole, "deductions.format"), 0, 0, "format");
	UNIT_NEAR(num(whole, "violations.error"), 3, 0,
		  "errors: TYPE:n, RANGE:n and the null rate");
	UNIT_NEAR(num(whole, "violations.warn"), 1, 0, "warnings: REQ:e");
	UNIT_NEAR(num(whole, "metrics.completeness.failed"), 1, 0,
		  "completeness checks failed");
	UNIT_NEAR(num(cJSON_GetArrayItem(
			      cJSON_GetObjectItemCaseSensitive(whole, "rules"),
			      4),
		      "measured"),
		  0.25, 0, "null rate measured");

	/* The chunks, summarised and merged. */
	UNIT_INT(run(0, 2, 1, &p1), 0, "a chunk fails no gate");
	UNIT_INT(run(2, 4, 1, &p2), 0, "a chunk fails no gate");
	UNIT_OK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p1, "partial")),
		"partial: true");
	snprintf(f1, sizeof(f1), "/tmp/dq-unit-p1.%ld", (long)getpid());
	snprintf(f2, sizeof(f2), "/tmp/dq-unit-p2.%ld", (long)getpid());
	{
		struct dq_rules rs;
		struct dq_check ck;
		struct dq_out vfile;
		struct dq_partial_counts c;
		cJSON *docs[2] = { p1, p2 };

		fixture_rules(&rs, contract);
		for (int i = 0; i < 2; i++) {
			cJSON_AddStringToObject(docs[i], "tool", "dq-validate");
			cJSON_AddStringToObject(docs[i], "contract_version", "v1");
			cJSON *counts = cJSON_AddObjectToObject(docs[i], "counts");
			cJSON_AddNumberToObject(counts, "in", 2);
			cJSON_AddNumberToObject(counts, "out", 2);
			cJSON_AddNumberToObject(counts, "quarantined", 0);
			cJSON_AddNumberToObject(counts, "rejected", 0);
			cJSON_AddNumberToObject(counts, "blank", 0);
			cJSON_AddNumberToObject(counts, "bytes", 0);
			if (!cJSON_GetObjectItem(docs[i], "violations"))
				cJSON_AddNumberToObject(
					cJSON_AddObjectToObject(docs[i],
								"violations"),
					"records", 0);
			char *t = cJSON_PrintUnformatted(docs[i]);
			FILE *f = fopen(files[i], "w");
			fputs(t, f);
			fclose(f);
			cJSON_free(t);
		}
		dq_out_init(&vfile);
		dq_check_init(&ck, &rs, &vfile, "r", 10, 100);
		UNIT_INT(dq_partial_merge(&rs, &ck, "v2", files, 2, &c), -1,
			 "another contract's chunks are refused");
		UNIT_INT(dq_partial_merge(&rs, &ck, "v1", files, 2, &c), 0,
			 "merge");
		UNIT_INT(c.in, 4, "counts add");
		UNIT_INT(c.valid, 4, "parsed adds");
		struct dq_score_opts o = { .fail_on = DQ_SEV_ERROR,
					   .n_in = c.in,
					   .valid = c.valid };
		dq_score_decide(&rs, &ck, &o);
		merged = cJSON_CreateObject();
		UNIT_INT(dq_score_summary(&rs, &ck, &o, merged), 1,
			 "the merged gate fails");
		char *a = cJSON_PrintUnformatted(whole);
		char *b = cJSON_PrintUnformatted(merged);
		UNIT_STR(b, a, "the merge's summary is the single run's");
		cJSON_free(a);
		cJSON_free(b);
		UNIT_INT(dq_partial_chunkable(&rs, 0), 0, "chunkable");
		dq_check_release(&ck);
		dq_rules_release(&rs);
		UNIT_INT(fixture_rules(&rs, "{\"fields\":{\"a\":{\"unique\":"
					    "true}}}"),
			 0, "a unique rule");
		UNIT_INT(dq_partial_chunkable(&rs, 1), -1,
			 "unique needs the whole stream");
		dq_rules_release(&rs);
	}
	unlink(f1);
	unlink(f2);
	cJSON_Delete(whole);
	cJSON_Delete(p1);
	cJSON_Delete(p2);
	cJSON_Delete(merged);
	return unit_done();
}
