/* Unit tests for lib/sql/payload.c: a profile document made compact,
 * string values cut (and counted), the largest top-level members left
 * out until it fits (the rest in order), what was cut named in
 * "_truncated", and an empty object. */
#include <string.h>

#include "sql/payload.h"
#include "stream/json.h"
#include "unit.h"

#define BUF_IS(b, lit, what) UNIT_MEM((b).buf, (b).len, lit, sizeof(lit) - 1, what)

static struct dq_buf out = DQ_BUF_INIT;

static void
payload(const char *s, long long max_value, long long max_payload)
{
	struct dq_sql_jv p = { s, strlen(s), DQ_JSON_OBJECT };
	dq_buf_reset(&out);
	dq_sql_payload(p, max_value, max_payload, &out);
}

int
main(void)
{
	char big[1200];

	payload("{ \"a\" : [1, 2],\n \"b\":\"xyz\" }", 0, 0);
	BUF_IS(out, "{\"a\":[1,2],\"b\":\"xyz\"}", "compact, nothing cut");
	payload("{\"a\":\"abcdefghij\",\"b\":\"ab\",\"c\":{\"d\":\"0123456789\"}}",
		8, 0);
	BUF_IS(out,
	       "{\"a\":\"abcdefgh\",\"b\":\"ab\",\"c\":{\"d\":\"01234567\"},"
	       "\"_truncated\":{\"values_cut\":2,\"max_value_bytes\":8}}",
	       "two values cut to 8 bytes, named");
	payload("{}", 8, 0);
	BUF_IS(out, "{}", "an empty object");

	/* Members of 307, 507 and 13 bytes (827 in all, with the braces);
	 * 200 bytes are kept for the note.  At most 600: the largest goes;
	 * at most 500: the next one too. */
	memset(big, 0, sizeof(big));
	strcpy(big, "{\"s\":\"");
	memset(big + 6, 'x', 300);
	strcat(big, "\",\"m\":\"");
	memset(big + strlen(big), 'y', 500);
	strcat(big, "\",\"t\":\"small\"}");
	payload(big, 0, 600);
	UNIT_OK(out.len == 403 && !memcmp(out.buf, "{\"s\":\"xxx", 9) &&
			!strcmp(out.buf + 307,
				",\"t\":\"small\",\"_truncated\":{"
				"\"members_dropped\":[\"m\"],"
				"\"payload_bytes\":827,"
				"\"max_payload_bytes\":600}}"),
		"the largest member dropped, the others in order");
	payload(big, 0, 500);
	BUF_IS(out,
	       "{\"t\":\"small\",\"_truncated\":{\"members_dropped\":[\"s\","
	       "\"m\"],\"payload_bytes\":827,\"max_payload_bytes\":500}}",
	       "both dropped, named in their order");
	payload(big, 100, 500);
	{
		static const char tail[] =
			"yyy\",\"t\":\"small\",\"_truncated\":{\"values_cut\":2,"
			"\"max_value_bytes\":100}}";
		UNIT_OK(out.len == 279 &&
				!strcmp(out.buf + out.len - (sizeof(tail) - 1),
					tail),
			"values cut to fit: no member dropped");
	}
	dq_buf_release(&out);
	return unit_done();
}
