/* Unit tests for lib/stream/path.c: parsing and its escapes, resolving
 * against scanned records (the exact-key rule, arrays, non-arrays,
 * absent steps), labels and splices. */
#include <string.h>

#include "stream/path.h"
#include "unit.h"

#define S(lit) lit, sizeof(lit) - 1

static void
test_parse(void)
{
	struct dq_path p;
	const char *why = NULL;

	UNIT_INT(dq_path_parse(&p, S("addr.city"), &why), 0, "addr.city");
	UNIT_INT((int)p.n, 2, "two steps");
	UNIT_STR(p.s[0].key, "addr", "first key");
	UNIT_STR(p.s[1].key, "city", "second key");
	dq_path_release(&p);

	UNIT_INT(dq_path_parse(&p, S("items[].sku"), &why), 0, "items[].sku");
	UNIT_INT((int)p.n, 3, "key, each, key");
	UNIT_OK(p.s[1].key == NULL, "[] step");
	UNIT_INT((int)p.neach, 1, "one [] step");
	dq_path_release(&p);

	UNIT_INT(dq_path_parse(&p, S("m[][]"), &why), 0, "m[][]");
	UNIT_INT((int)p.neach, 2, "two [] steps");
	dq_path_release(&p);

	UNIT_INT(dq_path_parse(&p, S("a\\.b.c\\[\\]\\\\"), &why), 0,
		 "escapes");
	UNIT_INT((int)p.n, 2, "escaped dot is in the key");
	UNIT_STR(p.s[0].key, "a.b", "a.b");
	UNIT_STR(p.s[1].key, "c[]\\", "brackets and backslash");
	dq_path_release(&p);

	const char *bad[] = { "", "a..b", ".a", "a.", "a[0]", "[]", "a[",
			      "a]", "a\\x", "a\\", "a[]b", "a.[]" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		why = NULL;
		UNIT_INT(dq_path_parse(&p, bad[i], strlen(bad[i]), &why), -1,
			 bad[i]);
		UNIT_OK(why != NULL, "a reason");
		UNIT_OK(p.n == 0 && p.s == NULL, "left empty");
		dq_path_release(&p);
	}
	UNIT_INT(dq_path_is_nested(S("email")), 0, "plain");
	UNIT_INT(dq_path_is_nested(S("a.b")), 1, "dot");
	UNIT_INT(dq_path_is_nested(S("t[]")), 1, "brackets");
}

/* Collect every value's label and raw text as "label=raw;". */
struct acc {
	const struct dq_path *p;
	struct dq_buf b;
	int stop_after;
};

static int
collect(void *ctx, const struct dq_member *leaf, long top, const long *idx,
	size_t nidx)
{
	struct acc *a = ctx;
	(void)top;
	dq_path_label(a->p, idx, nidx, &a->b);
	dq_buf_addch(&a->b, '=');
	dq_buf_add(&a->b, leaf->val, leaf->vallen);
	dq_buf_addch(&a->b, ';');
	return a->stop_after && !--a->stop_after ? 7 : 0;
}

static const char *
each(const char *path, const char *rec, int stop_after, int *rc)
{
	static struct dq_buf out = DQ_BUF_INIT;
	struct dq_record r;
	struct dq_json_error err;
	struct dq_path p;
	struct acc a = { &p, DQ_BUF_INIT, stop_after };

	dq_record_init(&r);
	if (dq_json_scan(&r, rec, strlen(rec), &err) ||
	    dq_path_parse(&p, path, strlen(path), NULL)) {
		dq_record_release(&r);
		return "(bad test)";
	}
	*rc = dq_path_each(&p, &r, collect, &a);
	dq_buf_reset(&out);
	dq_buf_add(&out, a.b.buf ? a.b.buf : "", a.b.len);
	dq_buf_addch(&out, '\0');
	dq_buf_release(&a.b);
	dq_path_release(&p);
	dq_record_release(&r);
	return out.buf;
}

static void
test_each(void)
{
	int rc;
	const char *rec = "{\"id\":1,\"addr\":{\"city\":\"X\",\"zip\":null},"
			  "\"items\":[{\"sku\":\"a\"},{\"n\":1},{\"sku\":2}],"
			  "\"tags\":[\"p\",\"q\"],\"s\":\"t\",\"m\":[[1],[],[2,3]]}";

	UNIT_STR(each("addr.city", rec, 0, &rc), "addr.city=\"X\";", "nested");
	UNIT_STR(each("addr.zip", rec, 0, &rc), "addr.zip=null;", "null leaf");
	UNIT_STR(each("addr.street", rec, 0, &rc), "", "absent leaf");
	UNIT_STR(each("s.x", rec, 0, &rc), "", "a string has no members");
	UNIT_STR(each("nope.x", rec, 0, &rc), "", "absent top");
	UNIT_STR(each("items[].sku", rec, 0, &rc),
		 "items[0].sku=\"a\";items[2].sku=2;", "each element's sku");
	UNIT_STR(each("tags[]", rec, 0, &rc), "tags[0]=\"p\";tags[1]=\"q\";",
		 "each tag");
	UNIT_STR(each("m[][]", rec, 0, &rc), "m[0][0]=1;m[2][0]=2;m[2][1]=3;",
		 "arrays of arrays");
	UNIT_STR(each("s[]", rec, 0, &rc), "s=\"t\";",
		 "a non-array under [] is the value, without an index");
	UNIT_STR(each("tags[]", rec, 1, &rc), "tags[0]=\"p\";", "stopped");
	UNIT_INT(rc, 7, "fn's value returned");
	UNIT_STR(each("items[]", "{\"items\":[]}", 0, &rc), "", "empty array");
	UNIT_INT(rc, 0, "0 at the end");

	/* The exact top-level key wins; a record without it reads the path. */
	UNIT_STR(each("a.b", "{\"a.b\":1,\"a\":{\"b\":2}}", 0, &rc),
		 "a.b=1;", "flat key wins");
	UNIT_STR(each("a.b", "{\"a\":{\"b\":2}}", 0, &rc), "a.b=2;",
		 "nested without the flat key");
	UNIT_STR(each("a\\.b", "{\"a.b\":1,\"a\":{\"b\":2}}", 0, &rc),
		 "a\\.b=1;", "escaped dot: the flat key");
	UNIT_STR(each("a\\.b", "{\"a\":{\"b\":2}}", 0, &rc), "",
		 "escaped dot never reads the nested value");
	UNIT_STR(each("k\\[\\].x", "{\"k[]\":{\"x\":\"\\u0041\"}}", 0, &rc),
		 "k\\[\\].x=\"\\u0041\";", "escaped brackets, raw value");
	UNIT_STR(each("e\"q.x", "{\"e\\\"q\":{\"x\":1}}", 0, &rc),
		 "e\"q.x=1;", "escaped key in the record");
}

static void
test_get_text(void)
{
	struct dq_record r;
	struct dq_json_error err;
	struct dq_path p;
	struct dq_member m;
	long top = -9;
	const char rec[] = "{\"x\":0,\"f\":{\"links\":[\"r1\"],\"n\":{\"d\":4}}}";

	dq_record_init(&r);
	UNIT_INT(dq_json_scan(&r, S(rec), &err), 0, "scan");
	UNIT_INT(dq_path_parse(&p, S("f.n.d"), NULL), 0, "parse");
	UNIT_INT(dq_path_get(&p, &r, &m, &top), 1, "get");
	UNIT_MEM(m.val, m.vallen, "4", 1, "value");
	UNIT_INT((int)top, 1, "in member f");
	dq_path_release(&p);

	struct acc a = { &p, DQ_BUF_INIT, 0 };
	UNIT_INT(dq_path_parse(&p, S("n.d"), NULL), 0, "parse");
	const struct dq_member *f = &r.m[1];
	UNIT_INT(dq_path_each_text(&p, f->val, f->vallen, collect, &a), 0,
		 "each in text");
	UNIT_MEM(a.b.buf, a.b.len, "n.d=4;", 6, "found in a nested object");
	dq_buf_release(&a.b);
	dq_path_release(&p);
	dq_record_release(&r);
}

/* Splice: replace two elements, keep every other byte. */
struct edits {
	struct dq_path_edit e[4];
	size_t n;
};

static int
upper(void *ctx, const struct dq_member *leaf, long top, const long *idx,
      size_t nidx)
{
	struct edits *x = ctx;
	(void)top;
	(void)idx;
	(void)nidx;
	x->e[x->n].at = leaf->val;
	x->e[x->n].len = leaf->vallen;
	x->e[x->n].val = x->n ? "\"B\"" : "\"AAAA\"";
	x->e[x->n].vallen = x->n ? 3 : 6;
	x->n++;
	return 0;
}

static void
test_splice(void)
{
	struct dq_record r;
	struct dq_json_error err;
	struct dq_path p;
	struct dq_buf b = DQ_BUF_INIT, out = DQ_BUF_INIT;
	struct edits x = { .n = 0 };
	const char rec[] = "{\"n\":1.50,\"t\":[ \"a\" ,{\"k\":9e0}, \"b\"]}";

	dq_record_init(&r);
	UNIT_INT(dq_json_scan(&r, S(rec), &err), 0, "scan");
	UNIT_INT(dq_path_parse(&p, S("t[]"), NULL), 0, "parse");
	dq_path_each(&p, &r, upper, &x);
	UNIT_INT((int)x.n, 3, "three elements");
	x.e[1] = x.e[2]; /* leave the object alone */
	x.n = 2;
	dq_path_splice(&r, 1, x.e, x.n, &b);
	dq_record_write(&r, NULL, 0, &out);
	UNIT_MEM(out.buf, out.len, "{\"n\":1.50,\"t\":[ \"AAAA\" ,{\"k\":9e0}, \"B\"]}",
		 sizeof("{\"n\":1.50,\"t\":[ \"AAAA\" ,{\"k\":9e0}, \"B\"]}") - 1,
		 "the rest byte for byte");
	dq_buf_release(&b);
	dq_buf_release(&out);
	dq_path_release(&p);
	dq_record_release(&r);
}

static void
test_find(void)
{
	struct dq_record r;
	struct dq_json_error err;
	struct dq_member m;
	const char rec[] = "{\"a.b\":1,\"a\":{\"b\":2,\"c.d\":{\"e\":3}},\"t\":[1]}";

	dq_record_init(&r);
	UNIT_INT(dq_json_scan(&r, S(rec), &err), 0, "scan");
	UNIT_INT(dq_path_find(&r, S("a.b"), &m), 1, "exact key");
	UNIT_MEM(m.val, m.vallen, "1", 1, "the flat a.b");
	UNIT_INT(dq_path_find(&r, S("a.c\\.d.e"), &m), 1, "escaped dot");
	UNIT_MEM(m.val, m.vallen, "3", 1, "a -> c.d -> e");
	UNIT_INT(dq_path_find(&r, S("t[]"), &m), 0, "[] names several");
	UNIT_INT(dq_path_find(&r, S("a."), &m), 0, "trailing dot");
	UNIT_INT(dq_path_find(&r, S("a.x"), &m), 0, "absent");
	UNIT_INT(dq_path_find_text(S("{\"a\":{\"b\":2}}"), S("a.b"), &m), 1,
		 "in text");
	UNIT_MEM(m.val, m.vallen, "2", 1, "a.b in text");
	UNIT_INT(dq_path_find_text(S("{\"a\":{\"b\":2}}"), S("a"), &m), 1,
		 "a plain key in text");
	dq_record_release(&r);
}

int
main(void)
{
	test_find();
	test_parse();
	test_each();
	test_get_text();
	test_splice();
	return unit_done();
}
