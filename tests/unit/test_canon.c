/* Unit tests for lib/stream/canon.c: the canonical hash is equal for
 * records that differ only in key order, white space or number spelling,
 * and different otherwise. */
#include <string.h>

#include "stream/canon.h"
#include "unit.h"

static char h1[DQ_CANON_HEX + 1];

static const char *
hash(const char *line, char *out)
{
	struct dq_record r;
	struct dq_json_error err;
	struct dq_buf scratch = DQ_BUF_INIT;

	dq_record_init(&r);
	if (dq_json_scan(&r, line, strlen(line), &err))
		strcpy(out, "invalid");
	else
		dq_canon_hash(&r, &scratch, out);
	dq_record_release(&r);
	dq_buf_release(&scratch);
	return out;
}

static int
same(const char *a, const char *b)
{
	char x[DQ_CANON_HEX + 1], y[DQ_CANON_HEX + 1];
	hash(a, x);
	hash(b, y);
	return !strcmp(x, y) && strcmp(x, "invalid");
}

static const char *
form(const char *v)
{
	static struct dq_buf b = DQ_BUF_INIT;
	dq_buf_reset(&b);
	dq_canon_value(v, strlen(v), &b);
	return b.buf;
}

int
main(void)
{
	UNIT_STR(form("{\"b\":[1.0,\"x\",null,true],\"a\":{\"d\":-0,\"c\":false}}"),
		 "o2:s1:ao2:s1:cfs1:dn0;s1:ba4:n1e1;s1:xzt",
		 "form: keys sorted at every level, numbers exact, tagged");
	UNIT_STR(form("\"a\\u00e9\""), "s3:a\xc3\xa9", "form: strings unescaped");
	hash("{\"id\":1,\"n\":\"Ann\"}", h1);
	UNIT_INT(strlen(h1), 32, "32 hex digits");
	UNIT_OK(strspn(h1, "0123456789abcdef") == 32, "lower-case hex");
	UNIT_OK(same("{\"id\":1,\"n\":\"Ann\"}", "{ \"n\" : \"Ann\", \"id\" : 1 }"),
		"key order and white space");
	UNIT_OK(same("{\"x\":1.0}", "{\"x\":1}"), "1.0 is 1");
	UNIT_OK(same("{\"x\":10e-1}", "{\"x\":1}"), "10e-1 is 1");
	UNIT_OK(same("{\"x\":1.5e2}", "{\"x\":150}"), "1.5e2 is 150");
	UNIT_OK(same("{\"o\":{\"a\":1,\"b\":2}}", "{\"o\":{\"b\":2,\"a\":1}}"),
		"nested key order");
	UNIT_OK(same("{\"x\":\"\\u0041\"}", "{\"x\":\"A\"}"), "escapes");
	UNIT_OK(same("{\"x\":1,\"_dq\":{\"row\":1}}", "{\"x\":1,\"_dq\":{\"row\":9}}"),
		"_dq left out");
	UNIT_OK(same("{\"\\u0061\":1}", "{\"a\":1}"), "escaped keys");
	UNIT_OK(!same("{\"x\":\"1\"}", "{\"x\":1}"), "a string is not a number");
	UNIT_OK(!same("{\"x\":9007199254740993}", "{\"x\":9007199254740992}"),
		"no rounding");
	UNIT_OK(!same("{\"a\":\"bc\"}", "{\"ab\":\"c\"}"), "keys and values do not run together");
	UNIT_OK(!same("{\"a\":[1,2]}", "{\"a\":[2,1]}"), "array order counts");
	UNIT_OK(!same("{\"a\":null}", "{}"), "null is not absent");
	UNIT_OK(!same("{\"a\":\"x \"}", "{\"a\":\"x\"}"),
		"white space inside a value counts (normalize first)");
	UNIT_OK(!same("{\"a\":[\"b\",\"c\"]}", "{\"a\":[\"b,c\"]}"), "elements stay apart");
	return unit_done();
}
