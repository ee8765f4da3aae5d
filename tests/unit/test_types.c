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

int
main(void)
{
	test_cells();
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
