/*
 * golden.c - a merge's golden records and its log (see golden.h).
 */
#include "er/golden.h"

#include <stdlib.h>
#include <string.h>

/* The edges by cluster, for the log: joined edges under their cluster,
 * cut edges under both ends' clusters. */
static void
index_edges(struct dq_golden *g)
{
	const struct dq_merge *m = g->m;
	size_t nc = m->nclusters, k;

	g->estart = dq_xcalloc(nc + 2, sizeof(*g->estart));
	for (k = 0; k < m->nedges; k++) {
		uint32_t ca = m->cluster_of[m->rep[m->edges[k].a]];
		uint32_t cb = m->cluster_of[m->rep[m->edges[k].b]];
		g->estart[ca + 1]++;
		if (cb != ca)
			g->estart[cb + 1]++;
	}
	for (size_t i = 0; i < nc; i++)
		g->estart[i + 1] += g->estart[i];
	g->elist = dq_xmalloc((g->estart[nc] + 1) * sizeof(*g->elist));
	uint32_t *fill = dq_xmalloc((nc + 1) * sizeof(*fill));
	memcpy(fill, g->estart, (nc + 1) * sizeof(*fill));
	for (k = 0; k < m->nedges; k++) {
		uint32_t ca = m->cluster_of[m->rep[m->edges[k].a]];
		uint32_t cb = m->cluster_of[m->rep[m->edges[k].b]];
		g->elist[fill[ca]++] = (uint32_t)k;
		if (cb != ca)
			g->elist[fill[cb]++] = (uint32_t)k;
	}
	free(fill);
}

void
dq_golden_init(struct dq_golden *g, const struct dq_merge *m,
               const struct dq_survive *sv, int want_log)
{
	static const struct dq_buf empty = DQ_BUF_INIT;

	memset(g, 0, sizeof(*g));
	g->m = m;
	g->sv = sv;
	g->log = want_log;
	g->idtext = empty;
	dq_survive_out_init(&g->so);
	g->so.want_rules = want_log;
	if (want_log)
		index_edges(g);
}

void
dq_golden_release(struct dq_golden *g)
{
	for (size_t k = 0; k < g->rrcap; k++)
		dq_record_release(&g->rr[k]);
	free(g->rr);
	free(g->ids);
	free(g->idlen);
	free(g->idoff);
	free(g->estart);
	free(g->elist);
	dq_buf_release(&g->idtext);
	dq_survive_out_release(&g->so);
	memset(g, 0, sizeof(*g));
}

/* Room for n + 1 records. */
static void
grow(struct dq_golden *g, size_t n)
{
	if (n < g->rrcap)
		return;
	size_t o = g->rrcap;
	g->rrcap = g->rrcap ? 2 * g->rrcap : 16;
	g->rr = dq_xrealloc(g->rr, g->rrcap * sizeof(*g->rr));
	g->ids = dq_xrealloc(g->ids, g->rrcap * sizeof(*g->ids));
	g->idlen = dq_xrealloc(g->idlen, g->rrcap * sizeof(*g->idlen));
	g->idoff = dq_xrealloc(g->idoff, g->rrcap * sizeof(*g->idoff));
	for (; o < g->rrcap; o++)
		dq_record_init(&g->rr[o]);
}

/* Scan cluster i's records into g->rr, their ids into g->ids; returns
 * how many. */
static size_t
gather(struct dq_golden *g, size_t i)
{
	const struct dq_merge *m = g->m;
	const struct dq_idtable *t = &m->t;
	size_t nr = 0;

	dq_buf_reset(&g->idtext);
	for (size_t k = m->cstart[i]; k < m->cstart[i + 1]; k++) {
		uint32_t nd = dq_merge_member(m, k);
		size_t off = g->idtext.len;
		dq_idtable_add_json(&g->idtext, &t->node[nd]);
		for (uint32_t r = t->node[nd].rec; r != DQ_IDTABLE_NONE;
		     r = t->rec[r].next) {
			struct dq_json_error err;
			grow(g, nr);
			dq_json_scan(&g->rr[nr], t->rec[r].text, t->rec[r].len,
			             &err);
			g->idoff[nr] = off;
			g->idlen[nr] = g->idtext.len - off;
			nr++;
		}
	}
	for (size_t k = 0; k < nr; k++)
		g->ids[k] = g->idtext.buf + g->idoff[k];
	return nr;
}

/* Append cluster i's members as a JSON array's elements. */
static void
add_members(const struct dq_merge *m, struct dq_buf *b, size_t i)
{
	for (size_t k = m->cstart[i]; k < m->cstart[i + 1]; k++) {
		if (k > m->cstart[i])
			dq_buf_addch(b, ',');
		dq_idtable_add_json(b, &m->t.node[dq_merge_member(m, k)]);
	}
}

static int
cmp_edge_ids(const void *x, const void *y, void *ctx)
{
	const struct dq_cluster_edge *edges = ctx;
	const struct dq_cluster_edge *a = &edges[*(const uint32_t *)x];
	const struct dq_cluster_edge *b = &edges[*(const uint32_t *)y];
	int c = dq_cluster_cmp_ends(a, b);
	if (c)
		return c;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return (a->flags > b->flags) - (a->flags < b->flags);
}

/* Append the edges of el[0..ne) that were used (or, used 0, cut). */
static void
add_edges(const struct dq_merge *m, struct dq_buf *b, const uint32_t *el,
          size_t ne, int used)
{
	int first = 1;
	for (size_t k = 0; k < ne; k++) {
		const struct dq_cluster_edge *e = &m->edges[el[k]];
		if (!(e->flags & DQ_EDGE_USED) != !used)
			continue;
		if (!first)
			dq_buf_addch(b, ',');
		first = 0;
		dq_merge_add_edge(m, b, e, used);
	}
}

static int
write_log(struct dq_golden *g, size_t i, struct dq_buf *b)
{
	const struct dq_merge *m = g->m;
	size_t nm = m->cstart[i + 1] - m->cstart[i];
	size_t ne = g->estart[i + 1] - g->estart[i];
	uint32_t *el = g->elist + g->estart[i];

	if (nm < 2 && !ne)
		return 0;
	qsort_r(el, ne, sizeof(*el), cmp_edge_ids, m->edges);
	dq_buf_addstr(b, "{\"cluster\":");
	dq_buf_add_json_string(b, m->ci.id[i], strlen(m->ci.id[i]));
	dq_buf_addf(b, ",\"size\":%zu,\"members\":[", nm);
	add_members(m, b, i);
	dq_buf_addstr(b, "],\"joined\":[");
	add_edges(m, b, el, ne, 1);
	dq_buf_addstr(b, "],\"cut\":[");
	add_edges(m, b, el, ne, 0);
	dq_buf_addstr(b, "],\"rules\":{");
	dq_buf_add(b, g->so.rules.buf, g->so.rules.len);
	dq_buf_addstr(b, "},\"ties\":[");
	dq_buf_add(b, g->so.ties.buf, g->so.ties.len);
	dq_buf_addstr(b, "]}\n");
	return 1;
}

int
dq_golden_write(struct dq_golden *g, size_t i, struct dq_buf *b,
                struct dq_buf *log)
{
	const struct dq_merge *m = g->m;
	const struct dq_survive_out *so = &g->so;
	size_t nr = gather(g, i);

	dq_survive_build(g->sv, g->rr, nr, g->ids, g->idlen, &g->so);
	dq_buf_addch(b, '{');
	dq_buf_add(b, so->fields.buf, so->fields.len);
	dq_buf_addstr(b, so->fields.len ? ",\"_dq\":{\"cluster\":"
	                                : "\"_dq\":{\"cluster\":");
	dq_buf_add_json_string(b, m->ci.id[i], strlen(m->ci.id[i]));
	dq_buf_addstr(b, ",\"members\":[");
	add_members(m, b, i);
	dq_buf_addstr(b, "],\"provenance\":{");
	dq_buf_add(b, so->prov.buf, so->prov.len);
	if (so->orig.len) {
		/* dq-normalize --keep-original: the originals of the values
		 * that survived. */
		dq_buf_addstr(b, "},\"orig\":{");
		dq_buf_add(b, so->orig.buf, so->orig.len);
	}
	dq_buf_addstr(b, "}}}");
	return g->log ? write_log(g, i, log) : 0;
}
