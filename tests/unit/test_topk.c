/* Unit tests for lib/sketch/topk.c: exact for few values, the Misra-Gries
 * guarantee past that, merge, save/load. */
#include <stdio.h>
#include <xxhash.h>

#include "sketch/topk.h"
#include "unit.h"

static uint64_t
hf(const void *p, size_t n)
{
	return XXH3_64bits(p, n);
}

static void
add(struct dq_topk *t, const char *s)
{
	dq_topk_add(t, s, strlen(s), hf(s, strlen(s)));
}

int
main(void)
{
	struct dq_topk t, u;
	const struct dq_topk_item *it;
	char v[32];

	dq_topk_init(&t, 4);
	UNIT_INT(dq_topk_sorted(&t, &it), 0, "empty");
	add(&t, "b");
	add(&t, "a");
	add(&t, "b");
	add(&t, "");
	add(&t, "c");
	add(&t, "b");
	add(&t, "");
	UNIT_OK(dq_topk_exact(&t), "4 distinct in 4 counters: exact");
	UNIT_INT(dq_topk_sorted(&t, &it), 4, "four items");
	UNIT_STR(it[0].val, "b", "top is b");
	UNIT_INT(it[0].count, 3, "b 3 times");
	UNIT_STR(it[1].val, "", "then the empty string");
	UNIT_INT(it[1].count, 2, "twice");
	UNIT_STR(it[2].val, "a", "ties by bytes: a");
	UNIT_STR(it[3].val, "c", "then c");
	add(&t, "b");
	UNIT_INT(it[0].count, 4, "table still finds b after sorting");
	add(&t, "d");
	UNIT_OK(!dq_topk_exact(&t), "a fifth value: no longer exact");
	UNIT_INT(t.err, 1, "one decrement round");
	UNIT_INT(dq_topk_sorted(&t, &it), 2, "a and c dropped to 0");
	UNIT_INT(it[0].count, 3, "b 4 - 1");
	UNIT_INT(t.total, 9, "total counts every add");
	dq_topk_release(&t);

	/* A heavy value among 100000 distinct ones: found, and its count is
	 * within err = total / (cap + 1) of the truth. */
	dq_topk_init(&t, 64);
	for (int i = 0; i < 100000; i++) {
		snprintf(v, sizeof(v), "v%d", i);
		add(&t, v);
		if (i % 10 == 0)
			add(&t, "heavy");
	}
	dq_topk_sorted(&t, &it);
	UNIT_STR(it[0].val, "heavy", "heavy hitter found");
	UNIT_OK(it[0].count <= 10000 && it[0].count + t.err >= 10000,
		"count within [true - err, true]");
	UNIT_OK(t.err <= t.total / 65, "err <= total / (cap + 1)");
	UNIT_OK(t.n <= 64, "at most cap counters");

	/* Merge two exact summaries. */
	struct dq_topk a, b;
	dq_topk_init(&a, 8);
	dq_topk_init(&b, 8);
	add(&a, "x");
	add(&a, "y");
	add(&b, "x");
	add(&b, "z");
	dq_topk_merge(&a, &b);
	UNIT_OK(dq_topk_exact(&a), "merge of exact small ones is exact");
	UNIT_INT(dq_topk_sorted(&a, &it), 3, "three values");
	UNIT_STR(it[0].val, "x", "x first");
	UNIT_INT(it[0].count, 2, "x twice");
	UNIT_INT(a.total, 4, "total 4");

	/* Merge past cap: the cut keeps the heaviest. */
	dq_topk_init(&u, 2);
	for (int i = 0; i < 5; i++)
		add(&u, "p");
	add(&u, "q");
	struct dq_topk w;
	dq_topk_init(&w, 2);
	for (int i = 0; i < 3; i++)
		add(&w, "r");
	add(&w, "q");
	dq_topk_merge(&u, &w);
	UNIT_INT(dq_topk_sorted(&u, &it), 2, "cut to cap");
	UNIT_STR(it[0].val, "p", "p kept");
	UNIT_INT(it[0].count, 3, "p 5 - 2 (third largest count)");
	UNIT_STR(it[1].val, "r", "r 3 - 2 survives, q 2 - 2 does not");
	UNIT_INT(it[1].count, 1, "r left with 1");
	UNIT_INT(u.err, 2, "err grew by the cut");

	/* Save and load. */
	cJSON *j = dq_topk_save(&a);
	struct dq_topk c;
	UNIT_INT(dq_topk_load(&c, j, hf), 0, "load");
	UNIT_INT(dq_topk_sorted(&c, &it), 3, "loaded three");
	UNIT_INT(it[0].count, 2, "loaded count");
	add(&c, "x");
	UNIT_INT(it[0].count, 3, "loaded table works");
	dq_topk_release(&c);
	cJSON_Delete(j);
	j = cJSON_Parse("{\"cap\":2,\"total\":2,\"err\":0,"
			"\"items\":[[\"a\",1],[\"a\",1]]}");
	UNIT_INT(dq_topk_load(&c, j, hf), -1, "duplicate value refused");
	cJSON_Delete(j);
	j = cJSON_Parse("{\"cap\":1,\"total\":2,\"err\":0,"
			"\"items\":[[\"a\",1],[\"b\",1]]}");
	UNIT_INT(dq_topk_load(&c, j, hf), -1, "more items than cap refused");
	cJSON_Delete(j);

	dq_topk_release(&a);
	dq_topk_release(&b);
	dq_topk_release(&u);
	dq_topk_release(&w);
	dq_topk_release(&t);
	return unit_done();
}
