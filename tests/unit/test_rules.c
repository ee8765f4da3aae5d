/* Unit tests for lib/contract/rules.c: a contract compiled into checks. */
#include "contract_fixture.h"
#include "unit.h"

static void
test_order_and_codes(void)
{
	struct dq_rules rs;
	const char *want[] = { "REQ-1",	    "TYPE:age", "FMT:age", "TYPE:dob",
			       "FMT:dob",   "RANGE:dob", "ENUM:st", "UNIQ:id",
			       "R-9",	    "R-9" };
	int rc = fixture_rules(
		&rs, "{\"fields\":{"
		     "\"age\":{\"type\":\"integer\",\"required\":true,"
		     "\"codes\":{\"required\":\"REQ-1\"}},"
		     "\"dob\":{\"type\":\"date\",\"format\":\"date\","
		     "\"max\":\"today\"},"
		     "\"st\":{\"enum\":[\"CA\",\"ca\"],\"enum_case\":"
		     "\"insensitive\"},"
		     "\"id\":{\"unique\":true}},"
		     "\"rules\":{\"R-9\":{\"check\":\"length\",\"fields\":"
		     "[\"a\",\"b\"],\"max_length\":3,\"severity\":\"warn\"}},"
		     "\"score\":{\"pass_mark\":90,\"weights\":{\"schema\":1}}}");

	UNIT_INT(rc, 0, "loads");
	if (rc)
		return;
	UNIT_INT(rs.nrules, 10, "rules: one per field check, one per field");
	for (size_t i = 0; i < rs.nrules && i < 10; i++)
		UNIT_STR(rs.rules[i].code, want[i], "code in check order");
	UNIT_INT(rs.rules[1].cat, DQ_CAT_SCHEMA, "type is schema");
	UNIT_INT(rs.rules[3].cat, DQ_CAT_SCHEMA, "a format type is schema");
	UNIT_INT(rs.rules[4].cat, DQ_CAT_FORMAT, "format is format");
	UNIT_INT(rs.rules[5].date_bounds, 1, "date range");
	UNIT_NEAR(rs.rules[5].max, dq_date_days(2024, 5, 1), 0, "max today");
	UNIT_STR(rs.rules[5].max_msg, "after the maximum today (2024-05-01)",
		 "range message");
	UNIT_INT(rs.rules[9].sev, DQ_SEV_WARN, "severity");
	UNIT_STR(rs.rules[9].label, "b", "one rule per field: b");
	UNIT_NEAR(rs.pass_mark, 90, 0, "pass mark from the contract");
	UNIT_NEAR(rs.weights[DQ_CAT_SCHEMA], 1, 0, "weight from the contract");
	UNIT_NEAR(rs.weights[DQ_CAT_FORMAT], 35, 0, "default weight");
	UNIT_INT(dq_rules_enum_has(&rs.rules[6], "Ca", 2), 1, "enum ci");
	UNIT_INT(dq_rules_enum_has(&rs.rules[6], "NY", 2), 0, "enum miss");
	UNIT_INT(dq_rules_slot(&rs, "dob", 3), rs.rules[4].slots[0],
		 "slot lookup");
	UNIT_INT(dq_rules_slot(&rs, "nope", 4), -1, "no slot");
	UNIT_INT(dq_rules_slot(&rs, "id", 2), rs.id_slot, "id slot");
	UNIT_MEM(rs.rules[0].ventry[0], rs.rules[0].ventrylen[0],
		 "{\"code\":\"REQ-1\",\"field\":\"age\",\"severity\":\"error\","
		 "\"message\":\"required value is missing\",\"value\":",
		 strlen("{\"code\":\"REQ-1\",\"field\":\"age\",\"severity\":"
			"\"error\",\"message\":\"required value is missing\","
			"\"value\":"),
		 "violation entry made once");
	UNIT_STR(rs.rules[1].jmsg[DQ_JSON_STRING],
		 "\"expected integer, found string\"", "type message");
	dq_rules_release(&rs);
}

static void
test_cells(void)
{
	struct dq_rules rs;
	int rc = fixture_rules(
		&rs, "{\"fields\":{\"n\":{\"type\":\"number\"},"
		     "\"s\":{\"type\":\"string\",\"min\":0},"
		     "\"r\":{\"min\":0,\"max\":9},"
		     "\"d\":{\"type\":\"date\",\"min\":\"2020-01-01\"},"
		     "\"e\":{\"enum\":[1,2]},\"x\":{\"enum\":[1,\"a\"]},"
		     "\"m\":{\"min\":0,\"enum\":[true]}},"
		     "\"rules\":{\"R\":{\"check\":\"required\",\"field\":\"q\","
		     "\"if\":{\"field\":\"b\",\"equals\":false}}}}");
	struct {
		const char *name;
		enum dq_cell want;
	} c[] = { { "n", DQ_CELL_NUMBER }, { "s", DQ_CELL_TEXT },
		  { "r", DQ_CELL_NUMBER }, { "d", DQ_CELL_TEXT },
		  { "e", DQ_CELL_NUMBER }, { "x", DQ_CELL_TEXT },
		  { "m", DQ_CELL_TEXT },   { "b", DQ_CELL_BOOLEAN },
		  { "q", DQ_CELL_TEXT } };

	UNIT_INT(rc, 0, "loads");
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int sl = dq_rules_slot(&rs, c[i].name, strlen(c[i].name));
		UNIT_OK(sl >= 0, c[i].name);
		if (sl >= 0)
			UNIT_INT(rs.slots[sl].cell, c[i].want, c[i].name);
	}
	dq_rules_release(&rs);
}

static void
test_errors(void)
{
	static const char *const bad[] = {
		"{\"fields\":{\"a\":{\"type\":\"nonesuch\"}}}",
		"{\"fields\":{\"a\":{\"pattern\":\"(\"}}}",
		"{\"fields\":{\"a\":{\"min\":\"today+3q\"}}}",
		"{\"fields\":{\"a\":{\"min\":1,\"max\":\"2024-01-01\"}}}",
		"{\"fields\":{\"a\":{\"type\":\"enum\"}}}",
		"{\"fields\":{\"a\":{\"enum\":[]}}}",
		"{\"rules\":{\"X\":{\"check\":\"nonesuch\",\"field\":\"a\"}}}",
		"{\"rules\":{\"X\":{\"check\":\"row_count\"}}}",
		"{\"rules\":{\"X\":{\"check\":\"group_rate\",\"group_by\":"
		"\"a\",\"max\":1}}}",
		"{\"rules\":{\"X\":{\"check\":\"unique\",\"field\":\"a\","
		"\"if\":{\"field\":\"b\",\"present\":true}}}}",
		"{\"fields\":{\"a\":{\"reference\":{\"file\":"
		"\"/nonexistent/refs.ndjson\"}}}}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct dq_rules rs;
		UNIT_INT(fixture_rules(&rs, bad[i]), -1, bad[i]);
		dq_rules_release(&rs);
	}
}

int
main(void)
{
	struct dq_rules rs;

	dq_rules_init(&rs, 0);
	UNIT_INT(rs.nrules, 0, "empty");
	UNIT_NEAR(rs.pass_mark, 80, 0, "default pass mark");
	dq_rules_release(&rs);
	test_order_and_codes();
	test_cells();
	test_errors();
	return unit_done();
}
