/* Unit tests for lib/er/blockrec.c: a record as dq-block's pairs embed
 * it (as it came, with _dq.row added when it has neither an id nor a
 * row, projected by --slim), and the store of one-pass blocking. */
#include <string.h>

#include "er/blockrec.h"
#include "unit.h"

#define S(lit) lit, sizeof(lit) - 1
#define MEM_IS(p, n, lit, what) UNIT_MEM(p, n, lit, sizeof(lit) - 1, what)

static struct dq_record rec;
static struct dq_buf out = DQ_BUF_INIT;

/* The embedded text of s (read from line 7 of file, or of no file). */
static void
embed(const struct dq_blockrec *e, const char *s, const char *file)
{
	struct dq_json_error err;

	if (dq_json_scan(&rec, s, strlen(s), &err))
		printf("# bad fixture: %s\n", s);
	dq_buf_reset(&out);
	dq_blockrec_text(e, &rec, 7, file, &out);
}

static void
test_text(void)
{
	struct dq_blockrec whole, slim;
	static struct dq_fs_model cmp;

	cmp.f[0].name = "email";
	cmp.f[0].namelen = 5;
	cmp.f[1].name = "a\"b";
	cmp.f[1].namelen = 3;
	cmp.n = 2;
	dq_blockrec_init(&whole, "id", NULL);
	dq_blockrec_init(&slim, "id", &cmp);

	embed(&whole, "{\"id\":\"p1\", \"x\":1}", NULL);
	MEM_IS(out.buf, out.len, "{\"id\":\"p1\", \"x\":1}",
	       "an id: as it came, byte for byte");
	embed(&whole, "{\"x\":1,\"_dq\":{\"row\":3}}", "f");
	MEM_IS(out.buf, out.len, "{\"x\":1,\"_dq\":{\"row\":3}}",
	       "a row: as it came");
	embed(&whole, "{\"id\":null,\"x\":1}", "f.ndjson");
	MEM_IS(out.buf, out.len,
	       "{\"id\":null,\"x\":1,\"_dq\":{\"row\":7,\"file\":\"f.ndjson\"}}",
	       "a null id names nothing: the row and file added");
	embed(&whole, "{\"x\":1,\"row\":5,\"_dq\":{\"orig\":{\"row\":2}}}", NULL);
	MEM_IS(out.buf, out.len,
	       "{\"x\":1,\"row\":5,\"_dq\":{\"orig\":{\"row\":2},\"row\":7}}",
	       "a nested row is no _dq.row");

	embed(&slim, "{\"id\":4,\"email\":\"e\",\"x\":[1,2],\"a\\\"b\":true,"
		     "\"_dq\":{\"row\":2}}", NULL);
	MEM_IS(out.buf, out.len, "{\"id\":4,\"email\":\"e\",\"a\\\"b\":true}",
	       "slim: the id and the compared fields, an escaped name too");
	embed(&slim, "{\"x\":1,\"email\":\"e\",\"_dq\":{\"row\":2}}", NULL);
	MEM_IS(out.buf, out.len, "{\"email\":\"e\",\"_dq\":{\"row\":2}}",
	       "slim without an id: its _dq carried");
	embed(&slim, "{\"email\":\"e\",\"x\":1}", "g");
	MEM_IS(out.buf, out.len,
	       "{\"email\":\"e\",\"_dq\":{\"row\":7,\"file\":\"g\"}}",
	       "slim, no id, no row: the row added, then projected");
	embed(&slim, "{}", NULL);
	MEM_IS(out.buf, out.len, "{\"_dq\":{\"row\":7}}", "an empty record");
	UNIT_OK(!dq_blockrec_has_id(&slim, &rec), "and it has no id");
}

static void
test_store(void)
{
	struct dq_blockrec_store st;
	uint64_t *h;
	int bad = 0;

	dq_blockrec_store_init(&st, 2);
	for (int i = 0; i < 5000; i++) {
		h = dq_blockrec_store_begin(&st);
		dq_buf_addf(&st.text, "{\"n\":%d}", i);
		h[0] = (uint64_t)i;
		h[1] = (uint64_t)i * 2;
		bad += dq_blockrec_store_end(&st, i % 3 == 0 ? 1u :
						  i == 4999 ? 5u : 0u) != 0;
	}
	UNIT_INT(bad, 0, "every record stored");
	UNIT_INT(st.n, 5000, "5000 records (past the first growth)");
	MEM_IS(dq_blockrec_store_text(&st, 4097), st.len[4097],
	       "{\"n\":4097}", "a record's text after growing");
	UNIT_INT(st.key[4097 * 2 + 1], 8194, "its key under rule 1");
	UNIT_INT(st.src[4098] * 10 + st.src[4097], 10, "sources");
	UNIT_INT(st.nsrc[1], 1667, "source 1: every third");
	UNIT_INT(st.nsrc[0], 3332, "source 0");
	UNIT_INT(st.nsrc[5] * 10 + st.src[4999], 15, "the last, source 5");
	UNIT_INT(st.nsources, 6, "sources 0 to 5 (2 to 4 empty)");
	dq_blockrec_store_release(&st);
}

/* Entries packed by one thread, stored by another: the same store as
 * records stored directly, with texts after an entry. */
static void
test_pack(void)
{
	struct dq_blockrec_store st;
	struct dq_buf pk = DQ_BUF_INIT;
	uint64_t h[2] = { 0, 0xfedcba9876543210u };
	const char *p, *t;
	size_t n;

	dq_blockrec_store_init(&st, 2);
	UNIT_INT(dq_blockrec_pack(&pk, 3, h, 2, S("{\"a\":1}")), 0, "packed");
	dq_blockrec_pack_text(&pk, S("tok en"));
	h[0] = 7;
	dq_blockrec_pack(&pk, 0, h, 2, "", 0);
	dq_blockrec_pack_text(&pk, "", 0);
	p = pk.buf;
	dq_blockrec_store_unpack(&st, &p);
	dq_blockrec_unpack_text(&p, &t, &n);
	MEM_IS(t, n, "tok en", "the text after the first entry");
	dq_blockrec_store_unpack(&st, &p);
	dq_blockrec_unpack_text(&p, &t, &n);
	UNIT_INT(n, 0, "an empty text");
	UNIT_OK(p == pk.buf + pk.len, "the whole buffer read");
	UNIT_INT(st.n, 2, "two records");
	MEM_IS(dq_blockrec_store_text(&st, 0), st.len[0], "{\"a\":1}",
	       "the first's text");
	UNIT_INT(st.len[1], 0, "the second's empty text");
	UNIT_OK(st.key[0] == 0 && st.key[1] == 0xfedcba9876543210u &&
		st.key[2] == 7 && st.key[3] == 0xfedcba9876543210u, "keys");
	UNIT_INT(st.src[0] * 10 + st.src[1], 30, "sources");
	UNIT_INT(st.nsources, 4, "sources 0 to 3");
	dq_blockrec_store_release(&st);
	dq_buf_release(&pk);
}

int
main(void)
{
	dq_record_init(&rec);
	test_text();
	test_store();
	test_pack();
	dq_record_release(&rec);
	dq_buf_release(&out);
	return unit_done();
}
