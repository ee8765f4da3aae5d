/* Unit tests for lib/contract/types.c: what is missing. */
#include <string.h>

#include "contract/types.h"
#include "unit.h"

static void
check(const char *raw, enum dq_json_type t, int want)
{
	struct dq_member m = { 0 };

	m.val = raw;
	m.vallen = strlen(raw);
	m.type = (uint8_t)t;
	m.flags = strchr(raw, '\\') ? DQ_M_VAL_ESC : 0;
	UNIT_INT(dq_value_missing(&m), want, raw);
	UNIT_INT(dq_value_missing_raw(raw, strlen(raw)), want, raw);
}

/* Type the cell whose JSON text is cell (a string, with its quotes) as t:
 * want_changed, and the record written back. */
static void
cell(const char *cellj, enum dq_cell t, int want_changed, const char *want)
{
	struct dq_record r;
	struct dq_json_error err;
	struct dq_buf line = DQ_BUF_INIT, out = DQ_BUF_INIT;

	dq_record_init(&r);
	dq_buf_addstr(&line, "{\"c\":");
	dq_buf_addstr(&line, cellj);
	dq_buf_addch(&line, '}');
	if (dq_json_scan(&r, line.buf, line.len, &err)) {
		UNIT_OK(0, cellj);
	} else {
		UNIT_INT(dq_value_type_cell(&r, 0, t), want_changed, cellj);
		dq_record_write(&r, NULL, 0, &out);
		UNIT_STR(out.buf, want, cellj);
	}
	dq_record_release(&r);
	dq_buf_release(&line);
	dq_buf_release(&out);
}

static void
test_cells(void)
{
	cell("\"150\"", DQ_CELL_NUMBER, 1, "{\"c\":150}");
	cell("\"-3.50\"", DQ_CELL_NUMBER, 1, "{\"c\":-3.50}");
	cell("\"1e400\"", DQ_CELL_NUMBER, 1, "{\"c\":1e400}");
	cell("\"9007199254740993\"", DQ_CELL_NUMBER, 1,
	     "{\"c\":9007199254740993}");
	cell("\"0\"", DQ_CELL_NUMBER, 1, "{\"c\":0}");
	cell("\"\"", DQ_CELL_NUMBER, 1, "{\"c\":null}");
	cell("\"\"", DQ_CELL_BOOLEAN, 1, "{\"c\":null}");
	cell("\"007\"", DQ_CELL_NUMBER, 0, "{\"c\":\"007\"}");
	cell("\"+1\"", DQ_CELL_NUMBER, 0, "{\"c\":\"+1\"}");
	cell("\" 1\"", DQ_CELL_NUMBER, 0, "{\"c\":\" 1\"}");
	cell("\"1 \"", DQ_CELL_NUMBER, 0, "{\"c\":\"1 \"}");
	cell("\"1,000\"", DQ_CELL_NUMBER, 0, "{\"c\":\"1,000\"}");
	cell("\"1.\"", DQ_CELL_NUMBER, 0, "{\"c\":\"1.\"}");
	cell("\"-\"", DQ_CELL_NUMBER, 0, "{\"c\":\"-\"}");
	cell("\"1-2\"", DQ_CELL_NUMBER, 0, "{\"c\":\"1-2\"}");
	cell("\"x\"", DQ_CELL_NUMBER, 0, "{\"c\":\"x\"}");
	cell("\"true\"", DQ_CELL_NUMBER, 0, "{\"c\":\"true\"}");
	cell("\"true\"", DQ_CELL_BOOLEAN, 1, "{\"c\":true}");
	cell("\"false\"", DQ_CELL_BOOLEAN, 1, "{\"c\":false}");
	cell("\"TRUE\"", DQ_CELL_BOOLEAN, 0, "{\"c\":\"TRUE\"}");
	cell("\"1\"", DQ_CELL_BOOLEAN, 0, "{\"c\":\"1\"}");
	cell("\"150\"", DQ_CELL_TEXT, 0, "{\"c\":\"150\"}");
	cell("\"\"", DQ_CELL_TEXT, 0, "{\"c\":\"\"}");
	cell("\"1\\u0030\"", DQ_CELL_NUMBER, 0, "{\"c\":\"1\\u0030\"}");
	cell("15", DQ_CELL_NUMBER, 0, "{\"c\":15}");
}

static void
iso(const char *s, int want, long long want_days, double want_secs)
{
	long long days = -1;
	double secs = -1;

	UNIT_INT(dq_iso_parse(s, strlen(s), &days, &secs), want, s);
	if (want >= 0) {
		UNIT_INT(days, want_days, s);
		UNIT_NEAR(secs, want_secs, 1e-9, s);
	}
}

static void
test_formats(void)
{
	iso("1970-01-01", 0, 0, 0);
	iso("2024-02-29", 0, 19782, 0);
	iso("2024-02-29T23:59:60Z", 1, 19782, 86400);
	iso("2024-02-29T10:00+05:30", 1, 19782, 36000 - 19800);
	iso("2024-02-29T10:00:01.25-01:00", 1, 19782, 36001.25 + 3600);
	iso("2023-02-29", -1, 0, 0);
	iso("2024-2-29", -1, 0, 0);
	iso("2024-02-29T24:00", -1, 0, 0);
	iso("2024-02-29T10:00:00.", -1, 0, 0);
	iso("2024-02-29 10:00", -1, 0, 0);
	iso("", -1, 0, 0);

	UNIT_INT(dq_e164_valid("+14155552671", 12), 1, "e164");
	UNIT_INT(dq_e164_valid("+1234567", 8), 1, "e164 7 digits");
	UNIT_INT(dq_e164_valid("+123456", 7), 0, "e164 6 digits");
	UNIT_INT(dq_e164_valid("+123456789012345", 16), 1, "e164 15 digits");
	UNIT_INT(dq_e164_valid("+1234567890123456", 17), 0, "e164 16 digits");
	UNIT_INT(dq_e164_valid("+04155552671", 12), 0, "e164 leading 0");
	UNIT_INT(dq_e164_valid("14155552671", 11), 0, "e164 no +");
	UNIT_INT(dq_e164_valid("+1234567;ext=12", 15), 1, "e164 ext");
	UNIT_INT(dq_e164_valid("+1234567;ext=", 13), 0, "e164 empty ext");
	UNIT_INT(dq_e164_valid("+141555;ext=1", 13), 0, "e164 short + ext");
	UNIT_INT(dq_e164_valid("", 0), 0, "e164 empty");

	UNIT_INT(dq_format_valid(DQ_TYPE_US_STATE, "PW", 2), 1, "state PW");
	UNIT_INT(dq_format_valid(DQ_TYPE_US_STATE, "ca", 2), 0, "state ca");
	UNIT_INT(dq_format_valid(DQ_TYPE_ZIP, "00000", 5), 0, "zip 00000");
	UNIT_INT(dq_format_valid(DQ_TYPE_ZIP, "02134-1234", 10), 1, "zip+4");
	UNIT_INT(dq_format_valid(DQ_TYPE_EMAIL, "a@b.co", 6), 1, "email");
	UNIT_INT(dq_format_valid(DQ_TYPE_EMAIL, " a@b.co", 7), 0, "email sp");
	UNIT_INT(dq_format_valid(DQ_TYPE_DATE, "2024-01-01T00:00", 16), 0,
		 "date is not date-time");
	UNIT_INT(dq_format_valid(DQ_TYPE_DATETIME, "2024-01-01", 10), 1,
		 "date-time takes a date");
	UNIT_INT(dq_format_valid(DQ_TYPE_STRING, "", 0), 1, "string: no rule");

	UNIT_INT(dq_type_parse("integer"), DQ_TYPE_INTEGER, "type integer");
	UNIT_INT(dq_type_parse("bool"), DQ_TYPE_BOOLEAN, "type bool");
	UNIT_INT(dq_type_parse("state"), DQ_TYPE_US_STATE, "type state");
	UNIT_INT(dq_type_parse("Integer"), -1, "type names are exact");
	UNIT_INT(dq_type_parsed(DQ_TYPE_ZIP), 1, "zip is parsed");
	UNIT_INT(dq_type_parsed(DQ_TYPE_ENUM), 0, "enum is not parsed");
	UNIT_STR(dq_format_what(DQ_TYPE_ZIP),
		 "not a US ZIP code (12345 or 12345-6789)", "zip message");
}

static void
matches(const char *raw, enum dq_json_type jt, enum dq_type t, int want)
{
	struct dq_member m = { 0 };

	m.val = raw;
	m.vallen = strlen(raw);
	m.type = (uint8_t)jt;
	UNIT_INT(dq_type_matches(&m, t), want, raw);
}

int
main(void)
{
	test_cells();
	test_formats();
	matches("1", DQ_JSON_NUMBER, DQ_TYPE_INTEGER, 1);
	matches("1.0", DQ_JSON_NUMBER, DQ_TYPE_INTEGER, 0);
	matches("1e3", DQ_JSON_NUMBER, DQ_TYPE_INTEGER, 0);
	matches("1E3", DQ_JSON_NUMBER, DQ_TYPE_INTEGER, 0);
	matches("-0", DQ_JSON_NUMBER, DQ_TYPE_NUMBER, 1);
	matches("\"1\"", DQ_JSON_STRING, DQ_TYPE_NUMBER, 0);
	matches("true", DQ_JSON_TRUE, DQ_TYPE_BOOLEAN, 1);
	matches("true", DQ_JSON_TRUE, DQ_TYPE_ENUM, 1);
	matches("[]", DQ_JSON_ARRAY, DQ_TYPE_ENUM, 0);
	matches("{}", DQ_JSON_OBJECT, DQ_TYPE_OBJECT, 1);
	matches("\"x\"", DQ_JSON_STRING, DQ_TYPE_DATE, 1);
	matches("5", DQ_JSON_NUMBER, DQ_TYPE_STRING, 0);
	UNIT_INT(dq_value_missing(NULL), 1, "absent");
	check("null", DQ_JSON_NULL, 1);
	check("\"\"", DQ_JSON_STRING, 1);
	check("\"   \"", DQ_JSON_STRING, 1);
	check("\"\\t\\n\\r\\f \"", DQ_JSON_STRING, 1);
	check("\"\\u00a0\\u3000\"", DQ_JSON_STRING, 1);
	check("\"\xc2\xa0\xe3\x80\x80\"", DQ_JSON_STRING, 1);
	check("\"\\b\"", DQ_JSON_STRING, 0);
	check("\"\\u0041\"", DQ_JSON_STRING, 0);
	check("\" a \"", DQ_JSON_STRING, 0);
	check("\"a\"", DQ_JSON_STRING, 0);
	check("\"null\"", DQ_JSON_STRING, 0);
	check("\"\xc3\xa9\"", DQ_JSON_STRING, 0);
	check("\" \xe2\x80\x8b\"", DQ_JSON_STRING, 0); /* zero width space */
	check("[]", DQ_JSON_ARRAY, 1);
	check("[ ]", DQ_JSON_ARRAY, 1);
	check("{}", DQ_JSON_OBJECT, 1);
	check("{ \n}", DQ_JSON_OBJECT, 1);
	check("[\"\"]", DQ_JSON_ARRAY, 0);
	check("{\"a\":null}", DQ_JSON_OBJECT, 0);
	check("0", DQ_JSON_NUMBER, 0);
	check("false", DQ_JSON_FALSE, 0);
	return unit_done();
}
