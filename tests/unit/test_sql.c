/* Unit tests for lib/sql/sql.c: literals in both dialects, compact JSON
 * and its cuts, values of each JSON kind, long keys hashed, an upsert's
 * exact text, and a batch that a repeated key splits. */
#include <string.h>

#include "sql/sql.h"
#include "stream/json.h"
#include "unit.h"

#define BUF_IS(b, lit, what) UNIT_MEM((b).buf, (b).len, lit, sizeof(lit) - 1, what)

static struct dq_sql_jv
jv(const char *s, int type)
{
	struct dq_sql_jv v = { s, strlen(s), type };
	return v;
}

int
main(void)
{
	struct dq_buf b = DQ_BUF_INIT, out = DQ_BUF_INIT;
	struct dq_sql_row r;
	struct dq_sql_batch bt;
	char big[400];

	/* Literals: quotes doubled, CR spelt out only for the sqlite3
	 * shell, NUL as U+FFFD, backslashes and newlines as they are. */
	dq_sql_literal(&b, "it's\r\n\\", 7, 1);
	BUF_IS(b, "'it''s' || char(13) || '\n\\'", "sqlite: CR as char(13)");
	dq_buf_reset(&b);
	dq_sql_literal(&b, "it's\r\n\\", 7, 0);
	BUF_IS(b, "'it''s\r\n\\'", "postgres: CR as is");
	dq_buf_reset(&b);
	dq_sql_literal(&b, "a\0b", 3, 0);
	BUF_IS(b, "'a\xef\xbf\xbd" "b'", "NUL as U+FFFD");
	dq_buf_reset(&b);
	dq_sql_literal(&b, "", 0, 0);
	BUF_IS(b, "''", "empty string");
	dq_buf_reset(&b);

	/* Compact JSON: white space between tokens goes, \u0000 becomes
	 * \ufffd, a long value (not a key) is cut at a character. */
	UNIT_INT(dq_sql_json_compact("{ \"k\" : [1, \"a b\", \"\\u0000\"] }",
				     31, 0, &b), 0, "nothing cut");
	BUF_IS(b, "{\"k\":[1,\"a b\",\"\\ufffd\"]}", "compact");
	dq_buf_reset(&b);
	UNIT_INT(dq_sql_json_compact("{\"long_key\":\"\xc3\xa9\xc3\xa9\xc3\xa9\"}",
				     21, 3, &b), 1, "one value cut");
	BUF_IS(b, "{\"long_key\":\"\xc3\xa9\"}", "cut at a character, key whole");
	dq_buf_reset(&b);

	/* Member lookup and the text a value names. */
	struct dq_sql_jv o = jv("{\"a\":\"x\\ty\",\"n\":1500000000000000001,\"z\":null}",
				DQ_JSON_OBJECT);
	dq_sql_jv_text(dq_sql_jv_get(o, "a"), &b);
	BUF_IS(b, "x\ty", "a string unescaped");
	dq_buf_reset(&b);
	dq_sql_jv_text(dq_sql_jv_get(o, "n"), &b);
	BUF_IS(b, "1500000000000000001", "a number as written");
	dq_buf_reset(&b);
	dq_sql_jv_text(dq_sql_jv_get(o, "z"), &b);
	dq_sql_jv_text(dq_sql_jv_get(o, "missing"), &b);
	UNIT_INT((long long)b.len, 0, "null and nothing are empty");
	UNIT_INT(dq_sql_jv_get(o, "missing").type, -1, "nothing: type -1");

	/* One row: every kind of column, the exact upsert. */
	dq_sql_row_begin(&r, "t", 1, 0);
	dq_sql_row_str(&r, "id", "k'1");
	dq_sql_row_int(&r, "n", -9223372036854775807LL - 1);
	dq_sql_row_val(&r, "num", dq_sql_jv_get(o, "n"));
	dq_sql_row_val(&r, "b", jv("true", DQ_JSON_TRUE));
	dq_sql_row_val(&r, "nul", dq_sql_jv_none);
	dq_sql_row_json(&r, "j", jv("[1, 2]", DQ_JSON_ARRAY));
	dq_sql_row_str(&r, "s", NULL);
	dq_sql_row_end(&r, &out, "seen = seen + 1");
	BUF_IS(out, "INSERT INTO t (id, n, num, b, nul, j, s) VALUES ('k''1', "
	       "-9223372036854775808, 1500000000000000001, TRUE, NULL, '[1,2]', "
	       "NULL)\n  ON CONFLICT (id) DO UPDATE SET n = excluded.n, "
	       "num = excluded.num, b = excluded.b, nul = excluded.nul, "
	       "j = excluded.j, s = excluded.s, seen = seen + 1;\n",
	       "the upsert, byte for byte");
	dq_buf_reset(&out);

	/* A key above 256 bytes is hashed, the text kept beside it; a
	 * row of keys only does nothing on conflict. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	dq_sql_row_begin(&r, "k", 1, 0);
	dq_sql_row_key(&r, "key", jv(big, DQ_JSON_NUMBER), "full");
	UNIT_INT((long long)r.val[0].len, 2 + 8 + 32, "quoted #xxh128: and 32 hex digits");
	UNIT_OK(memcmp(r.val[0].buf, "'#xxh128:", 9) == 0, "the hash marker");
	UNIT_INT((long long)r.val[1].len, (long long)sizeof(big) + 1, "the full text");
	r.keep[1] = 1;
	dq_sql_row_end(&r, &out, NULL);
	UNIT_OK(out.len > 20 && memcmp(out.buf + out.len - 12, "DO NOTHING;\n", 12) == 0,
		"keys and kept columns only: DO NOTHING");
	dq_buf_reset(&out);

	/* A batch: rows share one INSERT until a key comes again. */
	dq_sql_batch_init(&bt);
	const char *keys[] = { "a", "b", "a" };
	for (int i = 0; i < 3; i++) {
		dq_sql_row_begin(&r, "t", 1, 0);
		dq_sql_row_str(&r, "id", keys[i]);
		dq_sql_row_int(&r, "v", i);
		dq_sql_batch_row(&bt, &r, &out, NULL);
	}
	dq_sql_batch_end(&bt, &out);
	BUF_IS(out, "INSERT INTO t (id, v) VALUES ('a', 0),\n  ('b', 1)\n"
	       "  ON CONFLICT (id) DO UPDATE SET v = excluded.v;\n"
	       "INSERT INTO t (id, v) VALUES ('a', 2)\n"
	       "  ON CONFLICT (id) DO UPDATE SET v = excluded.v;\n",
	       "a repeated key starts a new statement");

	dq_buf_release(&b);
	dq_buf_release(&out);
	return unit_done();
}
