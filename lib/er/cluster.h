/*
 * cluster.h - entity clusters from match edges: union-find, weak links,
 * cannot-link pairs and a size cap.
 *
 * Nodes are numbered 0..n-1 in the order that breaks ties (dq-merge
 * numbers them by their ids in byte order), so the result depends only
 * on the set of edges and never on the order they were read in.
 *
 *	struct dq_cluster_opts o = { .weak_link = -1, .max_size = 0 };
 *	uint32_t *rep = dq_xmalloc(n * sizeof(*rep));
 *	dq_cluster_run(n, edges, ne, cannot, ncannot, &o, rep, &stats);
 *	rep[i] is the smallest node of i's cluster; edges[k].flags says
 *	what became of each edge.
 *
 * The rules (docs/merge.md states them for users):
 *  1. Weak links.  A non-pinned edge whose score is below o->weak_link
 *     and which is a bridge of the graph of all edges (removing it would
 *     disconnect its two ends) is cut.  An edge below the threshold that
 *     other edges corroborate (it lies on a cycle) is kept.  Cutting a
 *     bridge does not change which other edges are bridges, so cutting
 *     them all at once is the same as cutting them one by one, weakest
 *     first, in any order.
 *  2. Then the remaining edges are taken strongest first: pinned edges
 *     (a person decided "match") before all others, then by score
 *     descending, then by (smaller node, larger node) ascending.  An edge
 *     joins its two groups unless the join would put together two nodes
 *     of a cannot-link pair (refused: DQ_EDGE_DISTINCT; for a pinned
 *     edge this is a contradiction in the decisions: DQ_EDGE_CONFLICT),
 *     or, for a non-pinned edge, make a group larger than o->max_size
 *     (refused: DQ_EDGE_SIZE), or, for a non-pinned edge, put together
 *     the two nodes of a hold (o->hold: a pair held for a person's
 *     review, which a chain of scored matches must not decide; refused:
 *     DQ_EDGE_HELD).  A pinned edge overrides a hold: the person's
 *     match decides.  With o->src (each node's source, from 1; 0 for
 *     unknown), a non-pinned edge that would put two nodes of one source
 *     in a group is refused too (DQ_EDGE_SOURCE): a one-to-one link holds
 *     each entity at most once per source.  Edges marked DQ_EDGE_KEEP (an earlier run's
 *     clusters) come after all others and are never weak links: what
 *     an earlier run joined stays joined unless this run's evidence (a
 *     cannot-link pair, a hold, the cap) says otherwise.  This is single
 *     linkage with constraints:
 *     a component that would break a rule is split at its weakest edges,
 *     and the parts keep their strongest links.
 *
 * Costs: O((n + e) log e) time for the sort, O(n + e) memory: about 12
 * bytes a node and 8 a cannot-link entry inside, on top of the caller's
 * edge array.
 */
#ifndef DQ_CLUSTER_H
#define DQ_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

/* Union-find with path halving and union by size (Tarjan 1975). */
struct dq_uf {
	uint32_t *parent; /* owned */
	uint32_t *size;   /* owned; valid at roots */
	size_t n;
};
void dq_uf_init(struct dq_uf *u, size_t n);
void dq_uf_release(struct dq_uf *u);
uint32_t dq_uf_find(struct dq_uf *u, uint32_t x);
/* Join the sets of a and b; returns the new root. */
uint32_t dq_uf_union(struct dq_uf *u, uint32_t a, uint32_t b);

enum {
	DQ_EDGE_PINNED = 1,   /* in: a person decided match; never cut */
	DQ_EDGE_USED = 2,     /* out: joined two groups, or lies inside one */
	DQ_EDGE_WEAK = 4,     /* out: cut as a weak link (rule 1) */
	DQ_EDGE_DISTINCT = 8, /* out: refused by a cannot-link pair */
	DQ_EDGE_SIZE = 16,    /* out: refused by the size cap */
	DQ_EDGE_CONFLICT = 32, /* out: pinned, yet refused by a cannot-link */
	DQ_EDGE_HELD = 64,    /* out: would join a pair held for review */
	DQ_EDGE_KEEP = 128,   /* in: an earlier run joined them; taken last */
	DQ_EDGE_SOURCE = 256  /* out: would put one source twice in a group */
};

struct dq_cluster_edge {
	uint32_t a, b;  /* nodes, a != b */
	uint32_t flags; /* DQ_EDGE_*; bits 16 and up are the caller's */
	uint32_t tag;   /* the caller's own (dq-merge: pair index) */
	double score;
};

/* Order two edges by their ends, the smaller end first, then the larger:
 * -1, 0 or 1. */
static inline int
dq_cluster_cmp_ends(const struct dq_cluster_edge *a,
		    const struct dq_cluster_edge *b)
{
	uint32_t a0 = a->a < a->b ? a->a : a->b, a1 = a->a ^ a->b ^ a0;
	uint32_t b0 = b->a < b->b ? b->a : b->b, b1 = b->a ^ b->b ^ b0;
	if (a0 != b0)
		return a0 < b0 ? -1 : 1;
	return (a1 > b1) - (a1 < b1);
}

struct dq_cluster_opts {
	double weak_link; /* rule 1 threshold; < 0 disables it */
	size_t max_size;  /* 0: no cap */
	const uint32_t *hold; /* nhold pairs (2 nodes each), borrowed */
	size_t nhold;
	const uint8_t *src; /* per node its source, 1 to 64, 0 unknown;
			     * NULL: none (borrowed) */
};

struct dq_cluster_stats {
	size_t weak, distinct, size, conflict, held; /* edges per outcome */
	size_t source;
};

/*
 * Cluster nodes 0..n-1.  cannot[] holds ncannot pairs (2 nodes each).
 * Fills rep[0..n) with the smallest node of each node's cluster and sets
 * the out flags of every edge.  Returns 0.
 */
int dq_cluster_run(size_t n, struct dq_cluster_edge *e, size_t ne,
		   const uint32_t *cannot, size_t ncannot,
		   const struct dq_cluster_opts *o, uint32_t *rep,
		   struct dq_cluster_stats *st);

/*
 * Group nodes 0..n-1 by cluster (rep as dq_cluster_run fills it):
 * clusters numbered in the order of their smallest node, cluster_of[r]
 * the number of the cluster whose smallest node is r, cluster i's nodes
 * members[start[i]] to members[start[i + 1] - 1], ascending.  The caller
 * gives cluster_of and members n entries, start n + 2 (zeroed).  Returns
 * the number of clusters.
 */
size_t dq_cluster_groups(size_t n, const uint32_t *rep, uint32_t *cluster_of,
			 uint32_t *start, uint32_t *members);

#endif
