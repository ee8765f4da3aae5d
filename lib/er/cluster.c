/*
 * cluster.c - union-find, bridge finding and constrained single linkage.
 *
 * Union-find: path halving and union by size, so a sequence of m
 * operations costs O(m alpha(n)) (R. E. Tarjan, "Efficiency of a good
 * but not linear set union algorithm", JACM 22(2), 1975).
 *
 * Bridges: one depth-first search with discovery times and low links
 * (R. E. Tarjan, "A note on finding the bridges of a graph", Information
 * Processing Letters 2(6), 1974), written with an explicit stack so a
 * long chain of records cannot overflow the C stack.  An edge (u, v)
 * with v a child of u in the search tree is a bridge iff low[v] > disc[u].
 * Parallel edges are told apart by edge index, so a pair given twice is
 * never a bridge.
 *
 * Constrained single linkage: Kruskal's order (strongest edge first) over
 * union-find; each group keeps the list of its cannot-link partners, and
 * a join checks the shorter of the two lists (each cannot-link pair sits
 * in both), then concatenates them smaller into larger, so the lists cost
 * O(c log n) in all; a hold sits in the same lists, its partner marked
 * by the top bit (so at most 2^31 nodes).  The sources of a group are a
 * 64-bit set at its root, joined by OR.  See cluster.h for the rules.
 */
#include "er/cluster.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

void
dq_uf_init(struct dq_uf *u, size_t n)
{
	u->n = n;
	u->parent = dq_xmalloc((n ? n : 1) * sizeof(*u->parent));
	u->size = dq_xmalloc((n ? n : 1) * sizeof(*u->size));
	for (size_t i = 0; i < n; i++) {
		u->parent[i] = (uint32_t)i;
		u->size[i] = 1;
	}
}

void
dq_uf_release(struct dq_uf *u)
{
	free(u->parent);
	free(u->size);
	memset(u, 0, sizeof(*u));
}

uint32_t
dq_uf_find(struct dq_uf *u, uint32_t x)
{
	while (u->parent[x] != x) {
		u->parent[x] = u->parent[u->parent[x]];
		x = u->parent[x];
	}
	return x;
}

uint32_t
dq_uf_union(struct dq_uf *u, uint32_t a, uint32_t b)
{
	a = dq_uf_find(u, a);
	b = dq_uf_find(u, b);
	if (a == b)
		return a;
	if (u->size[a] < u->size[b]) {
		uint32_t t = a;
		a = b;
		b = t;
	}
	u->parent[b] = a;
	u->size[a] += u->size[b];
	return a;
}

/* Mark as DQ_EDGE_WEAK every non-pinned edge below the threshold that is
 * a bridge.  Returns how many. */
static size_t
cut_weak_bridges(size_t n, struct dq_cluster_edge *e, size_t ne, double t)
{
	size_t k, weak = 0, any = 0;

	for (k = 0; k < ne; k++)
		any |= !(e[k].flags & (DQ_EDGE_PINNED | DQ_EDGE_KEEP)) &&
		       e[k].score < t;
	if (!any)
		return 0;

	/* Adjacency in compressed rows: for node v, the edge indices
	 * adj[start[v] .. start[v+1]). */
	uint32_t *start = dq_xcalloc(n + 1, sizeof(*start));
	uint32_t *adj = dq_xmalloc((2 * ne + 1) * sizeof(*adj));
	for (k = 0; k < ne; k++) {
		start[e[k].a + 1]++;
		start[e[k].b + 1]++;
	}
	for (size_t v = 0; v < n; v++)
		start[v + 1] += start[v];
	uint32_t *fill = dq_xmalloc((n + 1) * sizeof(*fill));
	memcpy(fill, start, (n + 1) * sizeof(*fill));
	for (k = 0; k < ne; k++) {
		adj[fill[e[k].a]++] = (uint32_t)k;
		adj[fill[e[k].b]++] = (uint32_t)k;
	}

	/* disc 0 means not visited yet. */
	uint32_t *disc = dq_xcalloc(n, sizeof(*disc));
	uint32_t *low = dq_xmalloc((n ? n : 1) * sizeof(*low));
	struct frame {
		uint32_t v, pe, it;
	} *st = dq_xmalloc((n ? n : 1) * sizeof(*st));
	uint32_t clock = 0;

	for (size_t s = 0; s < n; s++) {
		if (disc[s] || start[s] == start[s + 1])
			continue;
		size_t sp = 0;
		disc[s] = low[s] = ++clock;
		st[sp++] = (struct frame){ (uint32_t)s, UINT32_MAX, start[s] };
		while (sp) {
			struct frame *f = &st[sp - 1];
			uint32_t v = f->v;
			if (f->it < start[v + 1]) {
				uint32_t ei = adj[f->it++];
				if (ei == f->pe)
					continue;
				uint32_t w = e[ei].a == v ? e[ei].b : e[ei].a;
				if (!disc[w]) {
					disc[w] = low[w] = ++clock;
					st[sp++] = (struct frame){ w, ei,
								   start[w] };
				} else if (disc[w] < low[v]) {
					low[v] = disc[w];
				}
				continue;
			}
			uint32_t pe = f->pe;
			sp--;
			if (!sp)
				break;
			uint32_t u = st[sp - 1].v;
			if (low[v] < low[u])
				low[u] = low[v];
			if (low[v] > disc[u] &&
			    !(e[pe].flags & (DQ_EDGE_PINNED | DQ_EDGE_KEEP)) &&
			    e[pe].score < t) {
				e[pe].flags |= DQ_EDGE_WEAK;
				weak++;
			}
		}
	}
	free(start);
	free(adj);
	free(fill);
	free(disc);
	free(low);
	free(st);
	return weak;
}

static const struct dq_cluster_edge *sort_edges;

/* Strongest first: pinned, score descending, then node pair ascending;
 * kept edges (an earlier run's) last. */
static int
cmp_strength(const void *x, const void *y)
{
	const struct dq_cluster_edge *a = &sort_edges[*(const uint32_t *)x];
	const struct dq_cluster_edge *b = &sort_edges[*(const uint32_t *)y];
	int pa = !!(a->flags & DQ_EDGE_PINNED), pb = !!(b->flags & DQ_EDGE_PINNED);
	if (pa != pb)
		return pb - pa;
	int ka = !!(a->flags & DQ_EDGE_KEEP), kb = !!(b->flags & DQ_EDGE_KEEP);
	if (ka != kb)
		return ka - kb;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return dq_cluster_cmp_ends(a, b);
}

/* A list entry with this bit is a hold, not a cannot-link pair. */
#define HOLD 0x80000000u

struct list {
	uint32_t *v;
	uint32_t n, cap;
};

static void
list_push(struct list *l, uint32_t x)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 2;
		l->v = dq_xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = x;
}

int
dq_cluster_run(size_t n, struct dq_cluster_edge *e, size_t ne,
	       const uint32_t *cannot, size_t ncannot,
	       const struct dq_cluster_opts *o, uint32_t *rep,
	       struct dq_cluster_stats *st)
{
	struct dq_uf uf;
	struct list *cl = NULL;
	size_t k;

	memset(st, 0, sizeof(*st));
	for (k = 0; k < ne; k++)
		e[k].flags &= DQ_EDGE_PINNED | DQ_EDGE_KEEP | ~0xffffu;
	if (o->weak_link >= 0)
		st->weak = cut_weak_bridges(n, e, ne, o->weak_link);

	if (ncannot || o->nhold) {
		cl = dq_xcalloc(n ? n : 1, sizeof(*cl));
		for (k = 0; k < ncannot; k++) {
			list_push(&cl[cannot[2 * k]], cannot[2 * k + 1]);
			list_push(&cl[cannot[2 * k + 1]], cannot[2 * k]);
		}
		for (k = 0; k < o->nhold; k++) {
			list_push(&cl[o->hold[2 * k]], o->hold[2 * k + 1] | HOLD);
			list_push(&cl[o->hold[2 * k + 1]], o->hold[2 * k] | HOLD);
		}
	}

	uint32_t *order = dq_xmalloc((ne ? ne : 1) * sizeof(*order));
	size_t m = 0;
	for (k = 0; k < ne; k++)
		if (!(e[k].flags & DQ_EDGE_WEAK))
			order[m++] = (uint32_t)k;
	sort_edges = e;
	qsort(order, m, sizeof(*order), cmp_strength);

	uint64_t *srcs = NULL;
	if (o->src) {
		srcs = dq_xcalloc(n ? n : 1, sizeof(*srcs));
		for (k = 0; k < n; k++)
			if (o->src[k])
				srcs[k] = (uint64_t)1 << ((o->src[k] - 1) & 63);
	}

	dq_uf_init(&uf, n);
	for (k = 0; k < m; k++) {
		struct dq_cluster_edge *x = &e[order[k]];
		int pinned = x->flags & DQ_EDGE_PINNED;
		uint32_t ra = dq_uf_find(&uf, x->a), rb = dq_uf_find(&uf, x->b);
		if (ra == rb) {
			x->flags |= DQ_EDGE_USED;
			continue;
		}
		if (!pinned && o->max_size &&
		    (size_t)uf.size[ra] + uf.size[rb] > o->max_size) {
			x->flags |= DQ_EDGE_SIZE;
			st->size++;
			continue;
		}
		if (cl) {
			struct list *la = &cl[ra], *lb = &cl[rb];
			uint32_t other = rb;
			if (lb->n < la->n) {
				la = lb;
				other = ra;
			}
			/* 2: a cannot-link pair would be joined; 1: only a
			 * hold, which a pinned edge overrides. */
			int clash = 0;
			for (uint32_t i = 0; i < la->n && clash < 2; i++) {
				uint32_t v = la->v[i];
				if (dq_uf_find(&uf, v & ~HOLD) == other)
					clash = v & HOLD ? (clash ? clash : 1) : 2;
			}
			if (clash == 2) {
				x->flags |= pinned ? DQ_EDGE_CONFLICT
						   : DQ_EDGE_DISTINCT;
				if (pinned)
					st->conflict++;
				else
					st->distinct++;
				continue;
			}
			if (clash && !pinned) {
				x->flags |= DQ_EDGE_HELD;
				st->held++;
				continue;
			}
		}
		if (srcs && !pinned && (srcs[ra] & srcs[rb])) {
			x->flags |= DQ_EDGE_SOURCE;
			st->source++;
			continue;
		}
		uint32_t r = dq_uf_union(&uf, ra, rb);
		x->flags |= DQ_EDGE_USED;
		if (srcs)
			srcs[r] = srcs[ra] | srcs[rb];
		if (cl) {
			uint32_t d = r == ra ? rb : ra;
			struct list *big = &cl[r], *small = &cl[d];
			if (big->n < small->n) {
				struct list t = *big;
				*big = *small;
				*small = t;
			}
			for (uint32_t i = 0; i < small->n; i++)
				list_push(big, small->v[i]);
			free(small->v);
			memset(small, 0, sizeof(*small));
		}
	}

	/* The representative is the smallest node: the first node seen of
	 * each root, walking up from 0. */
	uint32_t *first = uf.size; /* reused: sizes are no longer needed */
	for (k = 0; k < n; k++)
		first[k] = UINT32_MAX;
	for (k = 0; k < n; k++) {
		uint32_t r = dq_uf_find(&uf, (uint32_t)k);
		if (first[r] == UINT32_MAX)
			first[r] = (uint32_t)k;
		rep[k] = first[r];
	}
	if (cl) {
		for (k = 0; k < n; k++)
			free(cl[k].v);
		free(cl);
	}
	free(srcs);
	free(order);
	dq_uf_release(&uf);
	return 0;
}

size_t
dq_cluster_groups(size_t n, const uint32_t *rep, uint32_t *cluster_of,
		  uint32_t *start, uint32_t *members)
{
	size_t i, nc = 0;
	uint32_t *fill;

	for (i = 0; i < n; i++)
		if (rep[i] == i)
			cluster_of[i] = (uint32_t)nc++;
	for (i = 0; i < n; i++)
		start[cluster_of[rep[i]] + 1]++;
	for (i = 0; i < nc; i++)
		start[i + 1] += start[i];
	fill = dq_xmalloc((nc + 1) * sizeof(*fill));
	memcpy(fill, start, (nc + 1) * sizeof(*fill));
	for (i = 0; i < n; i++)
		members[fill[cluster_of[rep[i]]]++] = (uint32_t)i;
	free(fill);
	return nc;
}
