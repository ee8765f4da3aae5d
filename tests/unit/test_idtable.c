/* Unit tests for lib/er/idtable.c: ids numbered in the order seen, a
 * string and a number apart only by their text, long ids past the head,
 * records chained per id, growth, and the JSON form of an id. */
#include <stdio.h>
#include <string.h>

#include "er/idtable.h"
#include "unit.h"

#define MEM_IS(p, n, lit, what) UNIT_MEM(p, n, lit, sizeof(lit) - 1, what)

int
main(void)
{
	struct dq_idtable t;
	struct dq_buf b = DQ_BUF_INIT;
	const char *l1 = "a-very-long-id-of-more-than-16-bytes-1";
	const char *l2 = "a-very-long-id-of-more-than-16-bytes-2";
	char key[32];
	uint32_t a, n, x, y, k;
	int ok = 1;

	dq_idtable_init(&t);
	UNIT_INT(dq_idtable_get(&t, "a", 1, 1, 0), DQ_IDTABLE_NONE,
		 "an empty table has none");
	a = dq_idtable_get(&t, "a", 1, 1, 1);
	n = dq_idtable_get(&t, "42", 2, 0, 1);
	UNIT_INT(a, 0, "first id: node 0");
	UNIT_INT(n, 1, "second: node 1");
	UNIT_INT(dq_idtable_get(&t, "a", 1, 1, 1), 0, "found again");
	UNIT_INT(dq_idtable_get(&t, "42", 2, 1, 0), 1,
		 "the text names the id, string or number");
	x = dq_idtable_get(&t, l1, strlen(l1), 1, 1);
	y = dq_idtable_get(&t, l2, strlen(l2), 1, 1);
	UNIT_OK(x != y, "ids alike in their first 16 bytes are apart");
	UNIT_INT(dq_idtable_get(&t, l2, strlen(l2), 1, 0), y, "and found");
	UNIT_INT(dq_idtable_get(&t, "", 0, 1, 1), 4, "the empty id");

	dq_idtable_add_record(&t, a, "{\"id\":\"a\",\"v\":1}", 16);
	dq_idtable_add_record(&t, n, "{\"id\":42}", 9);
	dq_idtable_add_record(&t, a, "{\"id\":\"a\",\"v\":2}", 16);
	k = t.node[a].rec;
	MEM_IS(t.rec[k].text, t.rec[k].len, "{\"id\":\"a\",\"v\":1}",
	       "first record of a");
	k = t.rec[k].next;
	MEM_IS(t.rec[k].text, t.rec[k].len, "{\"id\":\"a\",\"v\":2}",
	       "then its second, in the order added");
	UNIT_INT(t.rec[k].next, DQ_IDTABLE_NONE, "end of the chain");
	UNIT_INT(t.node[x].rec, DQ_IDTABLE_NONE, "an id without records");

	dq_idtable_add_json(&b, &t.node[a]);
	dq_buf_addch(&b, ',');
	dq_idtable_add_json(&b, &t.node[n]);
	MEM_IS(b.buf, b.len, "\"a\",42", "ids as JSON");

	/* Grow well past the first table of 1024 slots. */
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		dq_idtable_get(&t, key, strlen(key), 1, 1);
	}
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		ok &= dq_idtable_get(&t, key, strlen(key), 1, 0) ==
		      (uint32_t)(5 + i);
	}
	UNIT_OK(ok, "5000 more ids, each found at its number");
	UNIT_INT(dq_idtable_get(&t, "a", 1, 1, 0), 0, "a still node 0");
	dq_buf_release(&b);
	dq_idtable_release(&t);

	/* Byte order of the ids, prefixes and 8-byte ties included. */
	static const char *const ids[] = { "b", "abcdefgh2", "", "abcdefgh",
					   "abcdefgh10", "B", "a" };
	static const uint32_t want[] = { 2, 5, 6, 3, 4, 1, 0 };
	uint32_t order[7], rankof[7];
	dq_idtable_init(&t);
	for (int i = 0; i < 7; i++)
		dq_idtable_get(&t, ids[i], strlen(ids[i]), 1, 1);
	dq_idtable_order(&t, order, rankof);
	ok = 1;
	for (int i = 0; i < 7; i++)
		ok &= order[i] == want[i] && rankof[want[i]] == (uint32_t)i;
	UNIT_OK(ok, "\"\" B a abcdefgh abcdefgh10 abcdefgh2 b");
	dq_idtable_release(&t);
	return unit_done();
}
