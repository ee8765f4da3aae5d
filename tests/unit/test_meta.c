/* Unit tests for lib/stream/meta.c: "_dq" members found by walking the
 * object (never a nested key or a string), and a record's id. */
#include <string.h>

#include "stream/meta.h"
#include "stream/walk.h"
#include "unit.h"

#define S(lit) lit, sizeof(lit) - 1
#define MEM_IS(p, n, lit, what) UNIT_MEM(p, n, lit, sizeof(lit) - 1, what)

static struct dq_record rec;

static void
scan(const char *s)
{
	struct dq_json_error err;

	if (dq_json_scan(&rec, s, strlen(s), &err))
		printf("# bad fixture: %s\n", s);
}

static void
test_find(void)
{
	struct dq_member m;
	/* dq-normalize --no-lineage --keep-original --trim on a record
	 * with a field named row: "row" only inside _dq.orig. */
	const char kept[] = "{\"name\":\"Ann\",\"row\":\"r1\",\"_dq\":{\"orig\":"
			    "{\"name\":\" Ann \",\"row\":\" r1\"}}}";
	const char str[] = "{\"_dq\":{\"note\":\"\\\"row\\\": 3\",\"hash\":"
			   "\"00ff\"}}";

	scan(kept);
	UNIT_INT(dq_meta_find(&rec, S("row"), &m), 0,
		 "_dq.orig.row is not _dq.row");
	UNIT_INT(dq_meta_find(&rec, S("orig"), &m), 1, "_dq.orig found");
	UNIT_INT(m.type, DQ_JSON_OBJECT, "an object");
	UNIT_INT(dq_meta_find_text(S(kept), S("row"), &m), 0,
		 "not in the text either");
	scan(str);
	UNIT_INT(dq_meta_find(&rec, S("row"), &m), 0,
		 "\"row\": inside a string is no member");
	UNIT_INT(dq_meta_find(&rec, S("hash"), &m), 1, "hash");
	MEM_IS(m.val, m.vallen, "\"00ff\"", "hash value");
	scan("{\"a\":1,\"_dq\":{\"rules\":[\"x\"],\"row\":12,\"file\":\"f\"}}");
	UNIT_INT(dq_meta_find(&rec, S("row"), &m), 1, "row after an array");
	MEM_IS(m.val, m.vallen, "12", "row value");
	UNIT_INT(dq_meta_find(&rec, S("file"), &m), 1, "file");
	MEM_IS(m.val, m.vallen, "\"f\"", "file value");
	scan("{\"_dq\":{\"r\\u006fw\":5}}");
	UNIT_INT(dq_meta_find(&rec, S("row"), &m), 1, "escaped key");
	MEM_IS(m.val, m.vallen, "5", "escaped key's value");
	scan("{\"_dq\":[{\"row\":1}]}");
	UNIT_INT(dq_meta_find(&rec, S("row"), &m), 0, "_dq not an object");
	scan("{\"row\":1}");
	UNIT_INT(dq_meta_find(&rec, S("row"), &m), 0, "no _dq");
	UNIT_INT(dq_meta_find_text(S("{\"row\":1}"), S("row"), &m), 0,
		 "no _dq in text");
	UNIT_INT(dq_meta_find_text(S("{\"_dq\":{}}"), S("row"), &m), 0,
		 "empty _dq");
}

/* find_dq decides absence from the bytes when no "_dq" in quotes and no
 * backslash is there; an escaped key, or a _dq not written last, is
 * still found by the walk. */
static void
test_find_text_dq(void)
{
	struct dq_member m;

	UNIT_INT(dq_meta_find_text(S("{\"a\":\"x_dq\",\"b\":{\"_dqx\":{\"row\":"
				     "1}}}"), S("row"), &m), 0,
		 "no _dq member, only look-alikes");
	UNIT_INT(dq_meta_find_text(S("{\"q\":\"_dq\",\"row\":{\"row\":1}}"),
				   S("row"), &m), 0,
		 "\"_dq\" as a value is no member");
	UNIT_INT(dq_meta_find_text(S("{\"\\u005fdq\":{\"row\":7},\"a\":1}"),
				   S("row"), &m), 1,
		 "a _dq key written with an escape, not last");
	MEM_IS(m.val, m.vallen, "7", "its row");
	UNIT_INT(dq_meta_find_text(S("{\"_dq\":{\"row\":8},\"a\":\"q\"}"),
				   S("row"), &m), 1, "_dq first");
	MEM_IS(m.val, m.vallen, "8", "its row");
	UNIT_INT(dq_meta_find_text(S("{\"a\":{\"_dq\":{\"row\":9}}}"), S("row"),
				   &m), 0, "a nested _dq is not the record's");
}

/* dq_meta_find_keys: several members of _dq in one walk, first
 * occurrence each, NULL keys skipped. */
static void
test_find_keys(void)
{
	static const char *const keys[] = { "score", NULL, "decision",
					    "guard" };
	struct dq_member m[4];

	scan("{\"_dq\":{\"rules\":[\"score\"],\"decision\":\"match\","
	     "\"sc\\u006fre\":0.5,\"f\":{\"guard\":1}}}");
	UNIT_INT((int)dq_meta_find_keys(&rec, keys, 4, m), 1 | 4,
		 "score (escaped) and decision; guard only nested");
	MEM_IS(m[0].val, m[0].vallen, "0.5", "score");
	MEM_IS(m[2].val, m[2].vallen, "\"match\"", "decision");
	scan("{\"a\":1}");
	UNIT_INT((int)dq_meta_find_keys(&rec, keys, 4, m), 0, "no _dq");
	UNIT_INT((int)dq_walk_find_keys(S("[1]"), keys, 4, m), 0,
		 "not an object");
}

static const struct dq_ident ID = { "id", 0, NULL }, KEY = { "key", 0, NULL };

static void
test_id(void)
{
	struct dq_buf b = DQ_BUF_INIT;
	const char *t;

	scan("{\"id\":\"a\\u00e9\",\"_dq\":{\"row\":3}}");
	UNIT_INT(dq_meta_id(&rec, &ID, &b), DQ_META_ID_STRING, "string id");
	MEM_IS(b.buf, b.len, "a\xc3\xa9", "unescaped");
	dq_buf_reset(&b);
	scan("{\"id\":9007199254740993}");
	UNIT_INT(dq_meta_id(&rec, &ID, &b), DQ_META_ID_NUMBER, "number id");
	MEM_IS(b.buf, b.len, "9007199254740993", "as written");
	dq_buf_reset(&b);
	scan("{\"id\":null,\"_dq\":{\"row\":3}}");
	UNIT_INT(dq_meta_id(&rec, &ID, &b), DQ_META_ID_NUMBER,
		 "a null id: the row");
	MEM_IS(b.buf, b.len, "3", "row 3");
	dq_buf_reset(&b);
	scan("{\"key\":\"k\",\"_dq\":{\"row\":\"3\"}}");
	UNIT_INT(dq_meta_id(&rec, &KEY, NULL), DQ_META_ID_STRING,
		 "--id key, kind only");
	UNIT_INT(dq_meta_id(&rec, &ID, &b), DQ_META_ID_NONE,
		 "a string row names nothing");
	UNIT_INT(b.len, 0, "out untouched");
	scan("{\"id\":true,\"_dq\":{\"orig\":{\"row\":1}}}");
	UNIT_INT(dq_meta_id(&rec, &ID, &b), DQ_META_ID_NONE,
		 "nested row, boolean id: none");
	UNIT_INT(b.len, 0, "still untouched");

	t = "{\"x\":{\"id\":1},\"_dq\":{\"row\":-4}}";
	UNIT_INT(dq_meta_id_text(t, strlen(t), &ID, &b), DQ_META_ID_NUMBER,
		 "text: nested id is no id; the row");
	MEM_IS(b.buf, b.len, "-4", "row -4");
	dq_buf_reset(&b);
	t = "{\"i\\u0064\":\"q\"}";
	UNIT_INT(dq_meta_id_text(t, strlen(t), &ID, &b), DQ_META_ID_STRING,
		 "text: an escaped id key is found");
	MEM_IS(b.buf, b.len, "q", "its value");
	dq_buf_release(&b);
}

/* A record read from one of several inputs is named within its source:
 * row 2 of two files, or id 1 of two systems, are two records. */
/* A source field (identity.source) qualifies an --id value by the
 * source system the record names, before any file or global rule. */
static void
test_id_system(void)
{
	static const struct dq_ident sys = { "id", 0, "system" };
	static const struct dq_ident gsys = { "id", 1, "system" };
	struct dq_buf b = DQ_BUF_INIT;
	const char *t;

	scan("{\"id\":\"001\",\"system\":\"crm\"}");
	UNIT_INT(dq_meta_id(&rec, &sys, &b), DQ_META_ID_STRING,
		 "an id with its system: a string");
	MEM_IS(b.buf, b.len, "crm:001", "system:id");
	dq_buf_reset(&b);
	UNIT_INT(dq_meta_id(&rec, &gsys, &b), DQ_META_ID_STRING,
		 "global ids: still qualified by the system named");
	MEM_IS(b.buf, b.len, "crm:001", "system:id when global");
	dq_buf_reset(&b);
	scan("{\"id\":7,\"system\":12,\"_dq\":{\"row\":2,\"file\":\"f\"}}");
	UNIT_INT(dq_meta_id(&rec, &sys, &b), DQ_META_ID_STRING,
		 "a number system, over the file");
	MEM_IS(b.buf, b.len, "12:7", "system as written");
	dq_buf_reset(&b);
	scan("{\"system\":\"crm\",\"_dq\":{\"row\":2,\"file\":\"f\"}}");
	UNIT_INT(dq_meta_id(&rec, &sys, &b), DQ_META_ID_STRING,
		 "no id: the row, by its file");
	MEM_IS(b.buf, b.len, "f:2", "a row is named by its file");
	dq_buf_reset(&b);
	scan("{\"id\":\"001\",\"system\":null,\"_dq\":{\"file\":\"f\"}}");
	UNIT_INT(dq_meta_id(&rec, &sys, &b), DQ_META_ID_STRING,
		 "a null system: the file rule");
	MEM_IS(b.buf, b.len, "f:001", "file:id");
	dq_buf_reset(&b);
	t = "{\"system\":\"e\\u0072p\",\"id\":\"001\"}";
	UNIT_INT(dq_meta_id_text(t, strlen(t), &sys, &b), DQ_META_ID_STRING,
		 "text: system unescaped");
	MEM_IS(b.buf, b.len, "erp:001", "erp:001");
	dq_buf_release(&b);
}

static void
test_id_source(void)
{
	static const struct dq_ident global = { "id", 1, NULL };
	struct dq_buf b = DQ_BUF_INIT;
	const char *t;

	scan("{\"a\":1,\"_dq\":{\"row\":2,\"file\":\"f1.csv\"}}");
	UNIT_INT(dq_meta_id(&rec, &ID, &b), DQ_META_ID_STRING,
		 "a row with its file: a string");
	MEM_IS(b.buf, b.len, "f1.csv:2", "file:row");
	dq_buf_reset(&b);
	UNIT_INT(dq_meta_id(&rec, &global, &b), DQ_META_ID_STRING,
		 "a row is never global");
	MEM_IS(b.buf, b.len, "f1.csv:2", "still file:row");
	dq_buf_reset(&b);
	scan("{\"id\":1,\"_dq\":{\"row\":2,\"file\":\"a\\\"b\"}}");
	UNIT_INT(dq_meta_id(&rec, &ID, &b), DQ_META_ID_STRING,
		 "an id with its file");
	MEM_IS(b.buf, b.len, "a\"b:1", "file unescaped, then the id");
	dq_buf_reset(&b);
	UNIT_INT(dq_meta_id(&rec, &global, &b), DQ_META_ID_NUMBER,
		 "global ids: the id alone");
	MEM_IS(b.buf, b.len, "1", "as written");
	dq_buf_reset(&b);
	t = "{\"id\":\"x\",\"_dq\":{\"orig\":{\"file\":\"f\"}}}";
	UNIT_INT(dq_meta_id_text(t, strlen(t), &ID, &b), DQ_META_ID_STRING,
		 "text: a nested file is no source");
	MEM_IS(b.buf, b.len, "x", "the id alone");
	dq_buf_reset(&b);
	t = "{\"id\":\"x\",\"_dq\":{\"file\":7}}";
	UNIT_INT(dq_meta_id_text(t, strlen(t), &ID, &b), DQ_META_ID_STRING,
		 "text: a number file is no source");
	MEM_IS(b.buf, b.len, "x", "the id alone again");
	dq_buf_release(&b);
}

static void
test_add_row(void)
{
	struct dq_buf b = DQ_BUF_INIT;

	dq_meta_add_row(&b, 42, NULL);
	MEM_IS(b.buf, b.len, "\"row\":42", "row alone");
	dq_buf_reset(&b);
	dq_buf_addstr(&b, "\"hash\":\"1\"");
	dq_meta_add_row(&b, 1, "a \"b\".csv");
	MEM_IS(b.buf, b.len, "\"hash\":\"1\",\"row\":1,\"file\":\"a \\\"b\\\".csv\"",
	       "after another member, with a file");
	dq_buf_release(&b);
}

int
main(void)
{
	dq_record_init(&rec);
	test_find();
	test_find_text_dq();
	test_find_keys();
	test_id();
	test_id_source();
	test_id_system();
	test_add_row();
	dq_record_release(&rec);
	return unit_done();
}
