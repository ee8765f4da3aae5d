/* Unit tests for lib/contract/derive.c: defaults and derived fields read
 * from a contract's "fields" section and applied to one record, with the
 * exact record that comes out, what each fill reports and what it
 * replaced. */
#include <string.h>

#include <cjson/cJSON.h>

#include "contract/derive.h"
#include "unit.h"

/* Load fields, apply every fill to line in order; want is the record
 * written, rcs the fills' return codes as digits, prev what they
 * replaced. */
static void
check(const char *fields, const char *line, const char *want,
      const char *rcs, const char *prev, const char *what)
{
	struct dq_fills fs;
	struct dq_record r;
	struct dq_json_error err;
	struct dq_buf out = DQ_BUF_INIT, tmp = DQ_BUF_INIT, pv = DQ_BUF_INIT;
	char got[16] = { 0 };
	cJSON *f = cJSON_Parse(fields);

	dq_fills_init(&fs);
	dq_record_init(&r);
	UNIT_INT(dq_fills_load(&fs, f), 0, what);
	UNIT_INT(dq_json_scan(&r, line, strlen(line), &err), 0, what);
	for (size_t i = 0; i < fs.n && i < sizeof(got) - 1; i++)
		got[i] = (char)('0' + dq_fill_apply(&fs.v[i], &r, &tmp, &pv));
	UNIT_STR(got, rcs, what);
	dq_record_write(&r, NULL, 0, &out);
	dq_buf_addch(&out, '\0');
	UNIT_STR(out.buf, want, what);
	dq_buf_addch(&pv, '\0');
	UNIT_STR(pv.buf, prev, what);
	dq_buf_release(&out);
	dq_buf_release(&tmp);
	dq_buf_release(&pv);
	dq_record_release(&r);
	dq_fills_release(&fs);
	cJSON_Delete(f);
}

/* 0 kept, 1 set, 2 no source, 3 failed (derive.h). */
static void
test_defaults(void)
{
	const char *d = "{\"c\":{\"default\":\"US\"},\"n\":{\"default\":0},"
			"\"b\":{\"default\":false}}";

	check(d, "{\"c\":\"CA\",\"n\":5,\"b\":true}",
	      "{\"c\":\"CA\",\"n\":5,\"b\":true}", "000", "",
	      "values present are kept");
	check(d, "{}", "{\"c\":\"US\",\"n\":0,\"b\":false}", "111", "",
	      "absent fields are added");
	check(d, "{\"c\":\" \",\"n\":null,\"b\":[]}",
	      "{\"c\":\"US\",\"n\":0,\"b\":false}", "111", "\" \"null[]",
	      "blank, null and [] are missing: replaced, the old values "
	      "reported");
	check(d, "{\"c\":0,\"n\":\"null\",\"b\":false}",
	      "{\"c\":0,\"n\":\"null\",\"b\":false}", "000", "",
	      "0, \"null\" and false are values");
}

static void
test_dates(void)
{
	const char *d =
		"{\"y\":{\"derive\":{\"year\":\"d\"}},"
		"\"m\":{\"derive\":{\"month\":\"d\"}},"
		"\"ay\":{\"derive\":{\"academic_year\":\"d\","
		"\"starts\":\"08-01\"}}}";

	check(d, "{\"d\":\"2024-07-31\"}",
	      "{\"d\":\"2024-07-31\",\"y\":2024,\"m\":7,\"ay\":\"2023-2024\"}",
	      "111", "", "the day before the year starts");
	check(d, "{\"d\":\"2024-08-01T09:30:00Z\"}",
	      "{\"d\":\"2024-08-01T09:30:00Z\",\"y\":2024,\"m\":8,"
	      "\"ay\":\"2024-2025\"}",
	      "111", "", "the first day of the year, a date and time");
	check(d, "{\"d\":\"2024-02-30\"}",
	      "{\"d\":\"2024-02-30\",\"y\":null,\"m\":null,\"ay\":null}",
	      "333", "", "a date that does not exist is unreadable");
	check(d, "{\"d\":20240101,\"y\":1}",
	      "{\"d\":20240101,\"y\":null,\"m\":null,\"ay\":null}", "333",
	      "1", "a number is not a date; the old value reported");
	check(d, "{\"d\":\"\"}", "{\"d\":\"\",\"y\":null,\"m\":null,\"ay\":null}",
	      "222", "", "a missing source gives null");
	check(d, "{\"y\":2024,\"d\":\"2024-01-05\"}",
	      "{\"y\":2024,\"d\":\"2024-01-05\",\"m\":1,\"ay\":\"2023-2024\"}",
	      "011", "", "a value already right is kept");
}

static void
test_ratio(void)
{
	const char *d = "{\"p\":{\"derive\":{\"ratio\":[\"a\",\"b\"],"
			"\"scale\":100,\"round\":1}},"
			"\"q\":{\"derive\":{\"ratio\":[\"a\",\"b\"]}},"
			"\"c\":{\"derive\":{\"copy\":\"a\"}}}";

	check(d, "{\"a\":1,\"b\":3}",
	      "{\"a\":1,\"b\":3,\"p\":33.3,\"q\":0.333333333333333,\"c\":1}",
	      "111", "", "15 significant digits, or round's places");
	check(d, "{\"a\":\"2\",\"b\":\"8\"}",
	      "{\"a\":\"2\",\"b\":\"8\",\"p\":25,\"q\":0.25,\"c\":\"2\"}",
	      "111", "", "CSV cells holding numbers are read");
	check(d, "{\"a\":1,\"b\":0}",
	      "{\"a\":1,\"b\":0,\"p\":null,\"q\":null,\"c\":1}", "331", "",
	      "a division by zero is unreadable");
	check(d, "{\"a\":\"1,5\",\"b\":2}",
	      "{\"a\":\"1,5\",\"b\":2,\"p\":null,\"q\":null,\"c\":\"1,5\"}",
	      "331", "", "text that is not a number is unreadable");
	check(d, "{\"a\":-0.0001,\"b\":1}",
	      "{\"a\":-0.0001,\"b\":1,\"p\":0,\"q\":-0.0001,\"c\":-0.0001}",
	      "111", "", "-0 rounds to 0");
	check(d, "{\"b\":2}", "{\"b\":2,\"p\":null,\"q\":null,\"c\":null}",
	      "222", "", "no numerator");
}

static void
test_bad(void)
{
	const char *bad[] = {
		"{\"f\":{\"default\":null}}",
		"{\"f\":{\"default\":[1]}}",
		"{\"f\":{\"default\":1,\"derive\":{\"copy\":\"g\"}}}",
		"{\"f\":{\"derive\":\"year\"}}",
		"{\"f\":{\"derive\":{}}}",
		"{\"f\":{\"derive\":{\"year\":\"a\",\"month\":\"a\"}}}",
		"{\"f\":{\"derive\":{\"year\":\"\"}}}",
		"{\"f\":{\"derive\":{\"year\":\"a\",\"starts\":\"08-01\"}}}",
		"{\"f\":{\"derive\":{\"academic_year\":\"a\"}}}",
		"{\"f\":{\"derive\":{\"academic_year\":\"a\","
		"\"starts\":\"02-30\"}}}",
		"{\"f\":{\"derive\":{\"ratio\":[\"a\"]}}}",
		"{\"f\":{\"derive\":{\"ratio\":[\"a\",1]}}}",
		"{\"f\":{\"derive\":{\"ratio\":[\"a\",\"b\"],\"scale\":0}}}",
		"{\"f\":{\"derive\":{\"ratio\":[\"a\",\"b\"],\"round\":1.5}}}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct dq_fills fs;
		cJSON *f = cJSON_Parse(bad[i]);
		dq_fills_init(&fs);
		UNIT_INT(dq_fills_load(&fs, f), -1, bad[i]);
		dq_fills_release(&fs);
		cJSON_Delete(f);
	}
}

int
main(void)
{
	test_defaults();
	test_dates();
	test_ratio();
	test_bad();
	return unit_done();
}
