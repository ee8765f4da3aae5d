/* Unit tests for lib/er/cluster.c: union-find, weak bridges, cannot-links,
 * the size cap, pinned edges and order independence. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "er/cluster.h"
#include "unit.h"

static struct dq_cluster_edge E[16];
static uint32_t rep[16];
static struct dq_cluster_stats st;

static void
edge(size_t k, uint32_t a, uint32_t b, double s, uint32_t flags)
{
	E[k] = (struct dq_cluster_edge){ a, b, flags, (uint32_t)k, s };
}

/* rep[] as a string "0 0 2 ..." for one exact comparison. */
static const char *
reps(size_t n)
{
	static char buf[128];
	size_t off = 0;
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%u",
					i ? " " : "", rep[i]);
	return buf;
}

/* Nodes grouped by cluster: clusters by smallest node, members
 * ascending. */
static void
test_groups(void)
{
	/* Clusters {0, 3, 5}, {1}, {2, 4}. */
	const uint32_t reps[6] = { 0, 1, 2, 0, 2, 0 };
	uint32_t cluster_of[6], start[8] = { 0 }, members[6];
	static const uint32_t wm[6] = { 0, 3, 5, 1, 2, 4 };
	int ok = 1;

	UNIT_INT(dq_cluster_groups(6, reps, cluster_of, start, members), 3,
		 "three clusters");
	UNIT_INT(start[0] * 1000 + start[1] * 100 + start[2] * 10 + start[3],
		 346, "starts 0, 3, 4, 6");
	for (int i = 0; i < 6; i++)
		ok &= members[i] == wm[i];
	UNIT_OK(ok, "members 0 3 5 | 1 | 2 4");
	UNIT_INT(cluster_of[2], 2, "the cluster of 2 is the third");
	UNIT_INT(dq_cluster_groups(0, reps, cluster_of, start + 7, members),
		 0, "no nodes, no clusters");
}

int
main(void)
{
	test_groups();
	struct dq_uf u;
	struct dq_cluster_opts o = { -1, 0, NULL, 0, NULL };

	dq_uf_init(&u, 5);
	dq_uf_union(&u, 0, 1);
	dq_uf_union(&u, 3, 4);
	dq_uf_union(&u, 1, 4);
	UNIT_INT(dq_uf_find(&u, 0) == dq_uf_find(&u, 3), 1, "uf: joined");
	UNIT_INT(dq_uf_find(&u, 2) == dq_uf_find(&u, 0), 0, "uf: apart");
	UNIT_INT(u.size[dq_uf_find(&u, 0)], 4, "uf: size at the root");
	dq_uf_release(&u);

	/* No edges: every node alone. */
	dq_cluster_run(3, E, 0, NULL, 0, &o, rep, &st);
	UNIT_STR(reps(3), "0 1 2", "no edges: singletons");

	/* Chain 4-3-2 and 0-1; the representative is the smallest. */
	edge(0, 4, 3, 0.9, 0);
	edge(1, 3, 2, 0.9, 0);
	edge(2, 1, 0, 0.9, 0);
	dq_cluster_run(5, E, 3, NULL, 0, &o, rep, &st);
	UNIT_STR(reps(5), "0 0 2 2 2", "components, smallest node first");

	/* Weak link: 0-1 0.95, 1-2 0.6 (a bridge), 2-3 0.95; and a
	 * triangle 4-5 0.95, 5-6 0.95, 4-6 0.6 (0.6 on a cycle: kept). */
	edge(0, 0, 1, 0.95, 0);
	edge(1, 1, 2, 0.6, 0);
	edge(2, 2, 3, 0.95, 0);
	edge(3, 4, 5, 0.95, 0);
	edge(4, 5, 6, 0.95, 0);
	edge(5, 4, 6, 0.6, 0);
	o.weak_link = 0.7;
	dq_cluster_run(7, E, 6, NULL, 0, &o, rep, &st);
	UNIT_STR(reps(7), "0 0 2 2 4 4 4", "weak bridge cut, cycle kept");
	UNIT_INT(E[1].flags, DQ_EDGE_WEAK, "the bridge is marked weak");
	UNIT_INT(E[5].flags, DQ_EDGE_USED, "the corroborated edge is used");
	UNIT_INT(st.weak, 1, "one weak link");
	/* A pinned edge below the threshold is never cut. */
	E[1].flags = DQ_EDGE_PINNED;
	dq_cluster_run(7, E, 6, NULL, 0, &o, rep, &st);
	UNIT_STR(reps(7), "0 0 0 0 4 4 4", "pinned weak edge kept");
	/* A pair given twice is a cycle, not a bridge. */
	edge(0, 0, 1, 0.5, 0);
	edge(1, 1, 0, 0.5, 0);
	dq_cluster_run(2, E, 2, NULL, 0, &o, rep, &st);
	UNIT_STR(reps(2), "0 0", "parallel edges are not bridges");
	o.weak_link = -1;

	/* Sources: 0 and 3 of source 1, 1 of 2, 2 of 3, 4 unknown.  The
	 * chain 0-1 .99, 1-2 .98, 2-3 .97 would put source 1 twice in a
	 * cluster: its weakest link 2-3 is refused; 3-4 joins (4's source
	 * is unknown); a pinned edge 0-3 overrides. */
	{
		const uint8_t src[5] = { 1, 2, 3, 1, 0 };
		edge(0, 0, 1, 0.99, 0);
		edge(1, 1, 2, 0.98, 0);
		edge(2, 2, 3, 0.97, 0);
		edge(3, 3, 4, 0.96, 0);
		o.src = src;
		dq_cluster_run(5, E, 4, NULL, 0, &o, rep, &st);
		UNIT_STR(reps(5), "0 0 0 3 3", "one record per source");
		UNIT_INT(E[2].flags, DQ_EDGE_SOURCE, "2-3 refused");
		UNIT_INT(st.source, 1, "counted");
		edge(4, 0, 3, 0.5, DQ_EDGE_PINNED);
		dq_cluster_run(5, E, 5, NULL, 0, &o, rep, &st);
		UNIT_STR(reps(5), "0 0 0 0 0", "a person's match overrides");
		o.src = NULL;
		dq_cluster_run(5, E, 4, NULL, 0, &o, rep, &st);
		UNIT_STR(reps(5), "0 0 0 0 0", "no sources: no constraint");
	}

	/* Cannot-link 0 and 3 on the chain 0-1 .9, 1-2 .8, 2-3 .95:
	 * the weakest link 1-2 is refused. */
	uint32_t cannot[] = { 3, 0 };
	edge(0, 0, 1, 0.9, 0);
	edge(1, 1, 2, 0.8, 0);
	edge(2, 2, 3, 0.95, 0);
	dq_cluster_run(4, E, 3, cannot, 1, &o, rep, &st);
	UNIT_STR(reps(4), "0 0 2 2", "cannot-link splits at the weakest");
	UNIT_INT(E[1].flags, DQ_EDGE_DISTINCT, "refused edge marked");
	UNIT_INT(st.distinct, 1, "one refused by distinct");
	/* The same edges in another order give the same clusters. */
	struct dq_cluster_edge t = E[0];
	E[0] = E[2];
	E[2] = t;
	dq_cluster_run(4, E, 3, cannot, 1, &o, rep, &st);
	UNIT_STR(reps(4), "0 0 2 2", "edge order does not matter");
	/* Pinned edges contradicting a cannot-link: a conflict. */
	edge(0, 0, 1, -1, DQ_EDGE_PINNED);
	edge(1, 1, 3, -1, DQ_EDGE_PINNED);
	dq_cluster_run(4, E, 2, cannot, 1, &o, rep, &st);
	UNIT_STR(reps(4), "0 0 2 3", "the later pinned edge is refused");
	UNIT_INT(E[1].flags, DQ_EDGE_PINNED | DQ_EDGE_CONFLICT, "marked as a conflict");
	UNIT_INT(st.conflict, 1, "one conflict");

	/* Size cap 3 on 0-1 .9, 1-2 .8, 2-3 .95, 3-4 .7: 2-3 joins, then
	 * 0-1; 1-2 would make 4 > 3 and is refused; 3-4 makes {2,3,4}. */
	o.max_size = 3;
	edge(0, 0, 1, 0.9, 0);
	edge(1, 1, 2, 0.8, 0);
	edge(2, 2, 3, 0.95, 0);
	edge(3, 3, 4, 0.7, 0);
	dq_cluster_run(5, E, 4, NULL, 0, &o, rep, &st);
	UNIT_STR(reps(5), "0 0 2 2 2", "size cap keeps the strongest links");
	UNIT_INT(E[1].flags, DQ_EDGE_SIZE, "refused by size");
	UNIT_INT(st.size, 1, "one refused by size");
	/* Equal scores: ties broken by the node pair, smallest first. */
	o.max_size = 2;
	edge(0, 1, 2, 0.9, 0);
	edge(1, 0, 1, 0.9, 0);
	dq_cluster_run(3, E, 2, NULL, 0, &o, rep, &st);
	UNIT_STR(reps(3), "0 0 2", "equal scores: smaller pair first");
	o.max_size = 0;

	/* Holds: 0 and 1 held for review; 2 matches 0 at .95 and 1 at .97:
	 * the stronger link joins 1-2, the other is refused as held.  A
	 * pinned edge overrides the hold (the person's answer). */
	uint32_t hold[] = { 0, 1 };
	o.hold = hold;
	o.nhold = 1;
	edge(0, 0, 2, 0.95, 0);
	edge(1, 1, 2, 0.97, 0);
	dq_cluster_run(3, E, 2, NULL, 0, &o, rep, &st);
	UNIT_STR(reps(3), "0 1 1", "a hold keeps 0 and 1 apart");
	UNIT_INT(E[0].flags, DQ_EDGE_HELD, "the weaker link is held");
	UNIT_INT(st.held, 1, "one refused by a hold");
	UNIT_INT(st.conflict, 0, "a hold is no conflict");
	E[0].flags = DQ_EDGE_PINNED;
	dq_cluster_run(3, E, 2, NULL, 0, &o, rep, &st);
	UNIT_STR(reps(3), "0 1 0", "the pinned edge joins; the scored one is held");
	E[1].flags = DQ_EDGE_PINNED;
	dq_cluster_run(3, E, 2, NULL, 0, &o, rep, &st);
	UNIT_STR(reps(3), "0 0 0", "pinned edges override a hold");
	UNIT_INT(st.held + st.conflict, 0, "nothing refused");
	o.hold = NULL;
	o.nhold = 0;

	/* Kept edges (an earlier run's clusters) come last: 0-1 kept, 1-2
	 * scored, 0 and 2 a cannot-link pair: the scored link wins and the
	 * kept one is refused; a kept edge is never a weak link. */
	uint32_t apart[] = { 0, 2 };
	o.weak_link = 0.99;
	edge(0, 0, 1, -1, DQ_EDGE_KEEP);
	edge(1, 1, 2, 0.999, 0);
	dq_cluster_run(3, E, 2, apart, 1, &o, rep, &st);
	UNIT_STR(reps(3), "0 1 1", "this run's link before the kept one");
	UNIT_INT(E[0].flags, DQ_EDGE_KEEP | DQ_EDGE_DISTINCT,
		 "kept edge refused, its flag kept");
	dq_cluster_run(3, E, 1, NULL, 0, &o, rep, &st);
	UNIT_STR(reps(3), "0 0 2", "a lone kept edge is no weak link");
	o.weak_link = -1;
	return unit_done();
}
