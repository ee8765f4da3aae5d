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

int
main(void)
{
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
