/* Unit tests for lib/contract/check.c: the per-record checker. */
#include "contract_fixture.h"
#include "unit.h"

int
main(void)
{
	struct dq_rules rs;
	struct dq_check ck;
	struct dq_out vfile;
	struct dq_buf out = DQ_BUF_INIT;

	dq_out_init(&vfile);
	UNIT_INT(fixture_rules(&rs,
			       "{\"fields\":{\"id\":{\"unique\":true},"
			       "\"n\":{\"type\":\"integer\",\"min\":0},"
			       "\"st\":{\"type\":\"us_state\"},"
			       "\"ok\":{\"type\":\"boolean\"}},"
			       "\"rules\":{\"R\":{\"check\":\"required\","
			       "\"field\":\"h\",\"if\":{\"field\":\"ok\","
			       "\"equals\":true}}}}"),
		 0, "loads");
	dq_check_init(&ck, &rs, &vfile, "r1", 2, 5);

	UNIT_INT(fixture_check(&ck, "{\"id\":1,\"n\":3,\"st\":\"PW\"}", 1, 0,
			       &out),
		 0, "clean record");
	UNIT_INT(ck.nviol, 0, "no violations");
	UNIT_INT(out.len, 0, "nothing written for a clean record");

	fixture_check(&ck, "{\"id\":1,\"n\":-1.5,\"st\":\"ZZ\",\"ok\":true}",
		      2, 0, &out);
	UNIT_INT(ck.nviol, 5, "five violations");
	UNIT_INT(ck.rec_max, DQ_SEV_ERROR, "highest severity");
	/* The deferred uniqueness entry is in check order: first. */
	UNIT_STR(out.buf,
		 "{\"id\":1,\"n\":-1.5,\"st\":\"ZZ\",\"ok\":true,\"_dq\":{"
		 "\"violations\":[{\"code\":\"UNIQ:id\",\"field\":\"id\","
		 "\"severity\":\"error\",\"message\":\"duplicate of an "
		 "earlier record's value\",\"value\":1},"
		 "{\"code\":\"TYPE:n\",\"field\":\"n\",\"severity\":\"error\","
		 "\"message\":\"expected integer, found number\",\"value\":"
		 "-1.5},"
		 "{\"code\":\"RANGE:n\",\"field\":\"n\",\"severity\":\"error\","
		 "\"message\":\"below the minimum 0\",\"value\":-1.5},"
		 "{\"code\":\"FMT:st\",\"field\":\"st\",\"severity\":\"error\","
		 "\"message\":\"not a US state code\",\"value\":\"ZZ\"},"
		 "{\"code\":\"R\",\"field\":\"h\",\"severity\":\"error\","
		 "\"message\":\"required value is missing\",\"value\":null}]}}",
		 "violations in check order");

	/* Missing is dq_value_missing: a blank id is no key. */
	fixture_check(&ck, "{\"id\":\"  \",\"n\":[],\"st\":{}}", 3, 0, &out);
	UNIT_INT(ck.nviol, 0, "blank, [] and {} are skipped");

	/* CSV cells typed by the contract. */
	fixture_check(&ck,
		      "{\"id\":\"7\",\"n\":\"5\",\"ok\":\"true\",\"h\":\"\"}",
		      4, 1, &out);
	UNIT_INT(ck.nviol, 1, "typed CSV: only R fails");
	UNIT_STR(out.buf,
		 "{\"id\":\"7\",\"n\":5,\"ok\":true,\"h\":\"\",\"_dq\":{"
		 "\"violations\":[{\"code\":\"R\",\"field\":\"h\",\"severity\":"
		 "\"error\",\"message\":\"required value is missing\","
		 "\"value\":\"\"}]}}",
		 "typed CSV record");
	fixture_check(&ck, "{\"id\":\"8\",\"n\":\"x\",\"ok\":\"\"}", 5, 1, &out);
	UNIT_INT(ck.nviol, 1, "an unparsed cell fails its type");
	UNIT_STR(out.buf,
		 "{\"id\":\"8\",\"n\":\"x\",\"ok\":null,\"_dq\":{\"violations\":"
		 "[{\"code\":\"TYPE:n\",\"field\":\"n\",\"severity\":\"error\","
		 "\"message\":\"expected integer, found string\",\"value\":"
		 "\"x\"}]}}",
		 "text stays text, an empty cell is null");
	fixture_check(&ck, "{\"id\":\"9\",\"n\":\"5\"}", 6, 0, &out);
	UNIT_INT(ck.nviol, 1, "NDJSON is never retyped");

	/* dq-normalize's unparsed is a format failure. */
	fixture_check(&ck,
		      "{\"id\":2,\"st\":\"Nowhere\",\"_dq\":{\"row\":41,"
		      "\"unparsed\":[\"st\"]}}",
		      7, 0, &out);
	UNIT_INT(ck.nviol, 1, "unparsed: one violation");
	UNIT_OK(strstr(out.buf, "dq-normalize could not parse it as "
				"us_state") != NULL,
		"unparsed message");

	UNIT_INT(rs.rules[0].checked, 6, "unique checked");
	UNIT_INT(rs.rules[0].failures, 1, "unique failures");
	UNIT_INT(rs.rules[0].nex, 1, "one example");
	UNIT_STR(rs.rules[0].ex[0].id, "1", "example id");
	UNIT_INT(ck.n_viol[DQ_SEV_ERROR], 9, "errors counted");

	/* The sixth distinct key is over --max-keys 5. */
	UNIT_INT(fixture_check(&ck, "{\"id\":3}", 8, 0, &out), -1,
		 "too many keys");

	dq_check_release(&ck);
	dq_rules_release(&rs);
	dq_buf_release(&out);
	return unit_done();
}
