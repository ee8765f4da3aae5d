/* Unit tests for lib/er/clusterid.c: fresh ids from the smallest member,
 * earlier ids kept by the strongest claim, ties, and a fresh id that is
 * taken. */
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "base/util.h"
#include "er/clusterid.h"
#include "unit.h"

static void
hexid(const char *key, char *out)
{
	struct dq_buf b = DQ_BUF_INIT;
	dq_buf_addch(&b, 'c');
	dq_buf_add_hex64(&b, XXH3_64bits(key, strlen(key)));
	memcpy(out, b.buf, b.len + 1);
	dq_buf_release(&b);
}

static void
test_fresh(void)
{
	/* Three clusters: {a, b}, {c}, {d, e, f}. */
	static const uint32_t start[] = { 0, 2, 3, 6 };
	static const char *const first[] = { "a", "c", "d" };
	static const uint32_t firstlen[] = { 1, 1, 1 };
	struct dq_clusterid_in in = { 3, start, first, firstlen, NULL, NULL,
				      NULL };
	struct dq_clusterid c;
	char want[20];
	char *f;

	dq_clusterid_assign(&c, &in);
	UNIT_INT(c.n, 3, "three ids");
	hexid("a", want);
	UNIT_STR(c.id[0], want, "c + XXH3 of the smallest member id");
	UNIT_STR(c.id[0], "ce6c632b61e964e1f", "the bytes dq-merge writes for {a, b}") ;
	hexid("d", want);
	UNIT_STR(c.id[2], want, "cluster 3");
	UNIT_INT(c.kept + c.fresh, 0, "no earlier run: nothing counted");
	dq_clusterid_release(&c);
	UNIT_OK(c.id == NULL && c.n == 0, "released");

	f = dq_clusterid_fresh("", 0, NULL, NULL);
	UNIT_INT(strlen(f), 17, "an empty id hashes too");
	free(f);
}

static void
test_claims(void)
{
	/* Clusters {a, b, x} {c, d} {e} {g}; earlier: a, b, c in K1, d in
	 * K2, x in K2, e in K3, g in nothing.  Cluster 0 claims K1 twice
	 * and K2 once; cluster 1 claims K1 once and K2 once. */
	static const uint32_t start[] = { 0, 3, 5, 6, 7 };
	static const char *const first[] = { "a", "c", "e", "g" };
	static const uint32_t firstlen[] = { 1, 1, 1, 1 };
	static const char *const prev[] = { "K1", "K1", "K2", "K1", "K2",
					    "K3", NULL };
	static const uint32_t prevlen[] = { 2, 2, 2, 2, 2, 2, 0 };
	struct dq_keyset old;
	struct dq_clusterid c;
	struct dq_clusterid_in in = { 4, start, first, firstlen, prev,
				      prevlen, &old };
	char want[20];

	dq_keyset_init(&old);
	dq_keyset_add(&old, "K1", 2);
	dq_keyset_add(&old, "K2", 2);
	dq_keyset_add(&old, "K3", 2);
	dq_clusterid_assign(&c, &in);
	UNIT_STR(c.id[0], "K1", "two members win K1");
	UNIT_STR(c.id[1], "K2", "K1 taken: the next claim, K2");
	UNIT_STR(c.id[2], "K3", "a singleton keeps its id");
	hexid("g", want);
	UNIT_STR(c.id[3], want, "no earlier id: fresh");
	UNIT_INT(c.kept, 3, "three kept");
	UNIT_INT(c.fresh, 1, "one fresh");
	dq_clusterid_release(&c);

	/* A tie (one member each): the earlier id by bytes, then the
	 * cluster with the smallest member. */
	static const uint32_t start2[] = { 0, 1, 2 };
	static const char *const prev2[] = { "K9", "K9" };
	static const uint32_t prevlen2[] = { 2, 2 };
	struct dq_clusterid_in tie = { 2, start2, first, firstlen, prev2,
				       prevlen2, &old };
	dq_clusterid_assign(&c, &tie);
	UNIT_STR(c.id[0], "K9", "a tie goes to the first cluster");
	hexid("c", want);
	UNIT_STR(c.id[1], want, "the other is fresh");
	dq_clusterid_release(&c);
	dq_keyset_release(&old);
}

static void
test_taken(void)
{
	struct dq_keyset old, used;
	char want[20];
	char *a, *b;
	uint64_t in[2];
	struct dq_buf t = DQ_BUF_INIT;

	dq_keyset_init(&old);
	dq_keyset_init(&used);
	hexid("a", want);
	/* The fresh id of "a" was an earlier run's id: hashed again. */
	dq_keyset_add(&old, want, strlen(want));
	a = dq_clusterid_fresh("a", 1, &old, &used);
	in[0] = XXH3_64bits("a", 1);
	in[1] = 1;
	dq_buf_addch(&t, 'c');
	dq_buf_add_hex64(&t, XXH3_64bits(in, sizeof(in)));
	UNIT_STR(a, t.buf, "taken by the earlier run: XXH3 of (hash, 1)");
	b = dq_clusterid_fresh("a", 1, &old, &used);
	UNIT_OK(strcmp(a, b) && strlen(b) == 17,
		"taken by a cluster before it: another");
	free(a);
	free(b);
	dq_buf_release(&t);
	dq_keyset_release(&old);
	dq_keyset_release(&used);
}

int
main(void)
{
	test_fresh();
	test_claims();
	test_taken();
	return unit_done();
}
