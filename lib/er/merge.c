/*
 * merge.c - the state of a merge and its clustering (see merge.h).
 *
 * Clustering is er/cluster.c's (weak links, cannot-links, the size cap,
 * holds); this module feeds it: a person's decisions over the scores, an
 * earlier run's clusters as edges taken last, the held review pairs; and
 * reads its outcome back for the review file, where a match edge a hold
 * cut joins the held pairs for a person to decide.
 */
#include "er/merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "contract/pii.h"

void
dq_merge_init(struct dq_merge *m)
{
	static const struct dq_buf empty = DQ_BUF_INIT;

	memset(m, 0, sizeof(*m));
	m->hold = DQ_MERGE_HOLD_GUARD;
	dq_idtable_init(&m->t);
	dq_arena_init(&m->arena);
	dq_u64map_init(&m->dec);
	dq_idmap_init(&m->im);
	m->idbuf = empty;
	m->last = empty;
	dq_record_init(&m->pair);
	m->last_nd = UINT32_MAX;
}

void
dq_merge_release(struct dq_merge *m)
{
	dq_clusterid_release(&m->ci);
	free(m->order);
	free(m->rankof);
	free(m->rep);
	free(m->cstart);
	free(m->members);
	free(m->cluster_of);
	free(m->edges);
	free(m->reviews);
	free(m->rec_line);
	free(m->cannot);
	free(m->src);
	dq_u64map_release(&m->dec);
	dq_idmap_release(&m->im);
	dq_record_release(&m->pair);
	dq_buf_release(&m->idbuf);
	dq_buf_release(&m->last);
	dq_idtable_release(&m->t);
	dq_arena_release(&m->arena);
	memset(m, 0, sizeof(*m));
}

/* ---- entries ---- */

static void
add_u32(struct dq_buf *b, size_t n)
{
	uint32_t v = (uint32_t)n;
	dq_buf_add(b, (const char *)&v, 4);
}

static const char *
take(const char **p, size_t *n)
{
	uint32_t v;
	memcpy(&v, *p, 4);
	const char *r = *p + 4;
	*p = r + v;
	*n = v;
	return r;
}

void
dq_merge_record_entry(const struct dq_record *r, long line,
                      const struct dq_ident *how, struct dq_buf *id,
                      struct dq_buf *out)
{
	dq_buf_reset(id);
	int str = dq_meta_id(r, how, id);
	if (str < 0) {
		/* Named by its line, as _dq.row would have named it had
		 * dq-merge been the first program to read it. */
		dq_buf_reset(id);
		dq_buf_add_int(id, line);
		str = 2;
	}
	dq_buf_addch(out, (char)str);
	dq_buf_add(out, (const char *)&line, sizeof(line));
	add_u32(out, id->len);
	dq_buf_add(out, id->buf, id->len);
	add_u32(out, r->len);
	dq_buf_add(out, r->text, r->len);
}

int
dq_merge_add_record(struct dq_merge *m, const char **pp,
                    struct dq_merge_dup *dup)
{
	const char *p = *pp;
	int str = (unsigned char)*p++;
	long line;
	size_t il, tl;

	memcpy(&line, p, sizeof(line));
	p += sizeof(line);
	const char *id = take(&p, &il);
	const char *text = take(&p, &tl);
	*pp = p;
	m->n.records++;
	if (str == 2) {
		m->n.no_id++;
		str = 0;
	}
	uint32_t nd = dq_idtable_get(&m->t, id, il, str, 1);
	if (m->t.node[nd].rec != DQ_IDTABLE_NONE) {
		m->n.dup_ids++;
		*dup = (struct dq_merge_dup){
		    id, text, il, tl, line, m->rec_line[m->t.node[nd].rec]};
		return 1;
	}
	dq_idtable_add_record(&m->t, nd, text, tl);
	if (m->t.nrec > m->rec_linecap) {
		m->rec_linecap = m->rec_linecap ? 2 * m->rec_linecap : 1024;
		m->rec_line = dq_xrealloc(
		    m->rec_line, m->rec_linecap * sizeof(*m->rec_line));
	}
	m->rec_line[m->t.nrec - 1] = line;
	return 0;
}

/* Side "a" or "b" of a pair into the entry; the reason when it has no
 * record or no id. */
static const char *
entry_side(const struct dq_record *pr, const char *name,
           const struct dq_ident *how, struct dq_buf *id, struct dq_buf *out)
{
	long i = dq_record_find(pr, name, 1);
	if (i < 0 || pr->m[i].type != DQ_JSON_OBJECT)
		return name[0] == 'a' ? "pair has no record 'a'"
		                      : "pair has no record 'b'";
	dq_buf_reset(id);
	int str = dq_meta_id_text(pr->m[i].val, pr->m[i].vallen, how, id);
	if (str < 0)
		return name[0] == 'a' ? "record 'a' has no id and no _dq.row"
		                      : "record 'b' has no id and no _dq.row";
	dq_buf_addch(out, (char)str);
	add_u32(out, id->len);
	dq_buf_add(out, id->buf, id->len);
	add_u32(out, pr->m[i].vallen);
	dq_buf_add(out, pr->m[i].val, pr->m[i].vallen);
	return NULL;
}

const char *
dq_merge_pair_entry(const struct dq_record *pr, const struct dq_ident *how,
                    int keep_line, struct dq_buf *id, struct dq_buf *out)
{
	long i = pr->dq;
	size_t start = out->len;
	const char *reject;
	double score;

	if (i < 0 || pr->m[i].type != DQ_JSON_OBJECT)
		return "pair has no _dq object";
	/* Score and decision in one walk; the guard, after them in what
	 * dq-score writes, only for a review pair. */
	static const char *const keys[] = { "score", "decision" };
	struct dq_member sd[2], d;
	unsigned got = dq_meta_find_keys(pr, keys, 2, sd);
	const struct dq_member *sc = &sd[0];
	if (!(got & 1) || sc->type != DQ_JSON_NUMBER)
		return "pair has no number _dq.score";
	char tmp[64];
	size_t n = sc->vallen < 63 ? sc->vallen : 63;
	memcpy(tmp, sc->val, n);
	tmp[n] = 0;
	score = strtod(tmp, NULL);
	int kind = -1;
	d = sd[1];
	if ((got & 2) && d.type == DQ_JSON_STRING) {
		if (d.vallen == 7 && !memcmp(d.val, "\"match\"", 7))
			kind = 0;
		else if (d.vallen == 8 && !memcmp(d.val, "\"review\"", 8))
			kind = 1;
		else if (d.vallen == 10 && !memcmp(d.val, "\"distinct\"", 10))
			kind = 2;
	}
	if (kind < 0)
		return "pair has no _dq.decision match, review or distinct";
	/* A review pair the household guard held (dq-score): 3. */
	if (kind == 1 && dq_meta_find(pr, "guard", 5, &d) &&
	    d.type == DQ_JSON_STRING)
		kind = 3;
	unsigned char src[2];
	if (dq_meta_sources(pr, src))
		return "pair has a _dq.sources that is not two different "
		       "source numbers from 1 to 64";
	dq_buf_addch(out, (char)kind);
	dq_buf_add(out, (const char *)&score, sizeof(score));
	dq_buf_add(out, (const char *)src, 2);
	if ((reject = entry_side(pr, "a", how, id, out)) ||
	    (reject = entry_side(pr, "b", how, id, out))) {
		out->len = start;
		return reject;
	}
	if ((kind == 1 || kind == 3) && keep_line) {
		add_u32(out, pr->len);
		dq_buf_add(out, pr->text, pr->len);
	}
	return NULL;
}

/* ---- pairs ---- */

static void
edge_add(struct dq_merge *m, uint32_t a, uint32_t b, double score,
         uint32_t flags)
{
	if (m->nedges == m->edgecap) {
		m->edgecap = m->edgecap ? 2 * m->edgecap : 1024;
		m->edges =
		    dq_xrealloc(m->edges, m->edgecap * sizeof(*m->edges));
	}
	m->edges[m->nedges++] = (struct dq_cluster_edge){a, b, flags, 0, score};
}

static void
review_add(struct dq_merge *m, struct dq_merge_review r)
{
	if (m->nreviews == m->reviewcap) {
		m->reviewcap = m->reviewcap ? 2 * m->reviewcap : 256;
		m->reviews =
		    dq_xrealloc(m->reviews, m->reviewcap * sizeof(*m->reviews));
	}
	m->reviews[m->nreviews++] = r;
}

/* The node of a pair's side from its entry; *p moves past it. */
static uint32_t
side_node(struct dq_merge *m, const char **p, int a)
{
	int str = (unsigned char)*(*p)++;
	size_t il, rl;
	const char *id = take(p, &il);
	const char *rec = take(p, &rl);
	uint32_t nd;

	/* Pairs come block by block, so "a" is often the last pair's
	 * "a": its node is remembered. */
	if (a && m->last_nd != UINT32_MAX && str == m->last_str &&
	    il == m->last.len && !memcmp(id, m->last.buf, il))
		return m->last_nd;
	nd = dq_idtable_get(&m->t, id, il, str, 1);
	if (a) {
		dq_buf_reset(&m->last);
		dq_buf_add(&m->last, id, il);
		m->last_nd = nd;
		m->last_str = str;
	}
	if (m->t.node[nd].rec == DQ_IDTABLE_NONE) {
		/* Without --records the pairs bring the records; with it,
		 * an id it lacks is counted. */
		if (m->have_records)
			m->n.pair_only_ids++;
		dq_idtable_add_record(&m->t, nd, rec, rl);
	}
	return nd;
}

/* Node nd is of source s (from 1; 0: the pair did not say). */
static void
set_source(struct dq_merge *m, uint32_t nd, uint8_t s)
{
	if (!s)
		return;
	if (nd >= m->srccap) {
		size_t nc = m->srccap ? m->srccap : 1024;
		while (nc <= nd)
			nc *= 2;
		m->src = dq_xrealloc(m->src, nc);
		memset(m->src + m->srccap, 0, nc - m->srccap);
		m->srccap = nc;
	}
	if (!m->src[nd]) {
		m->src[nd] = s;
	} else if (m->src[nd] != s && !m->n.src_conflicts++) {
		m->src_conflict[0] = nd;
		m->src_conflict[1] = m->src[nd];
		m->src_conflict[2] = s;
	}
}

void
dq_merge_add_pairs(struct dq_merge *m, const char *p, size_t len)
{
	const char *e = p + len;

	while (p < e) {
		int kind = (unsigned char)*p++;
		double score;
		memcpy(&score, p, sizeof(score));
		p += sizeof(score);
		uint8_t sa = (uint8_t)p[0], sb = (uint8_t)p[1];
		p += 2;
		uint32_t a = side_node(m, &p, 1);
		uint32_t b = side_node(m, &p, 0);
		set_source(m, a, sa);
		set_source(m, b, sb);
		const char *line = NULL;
		size_t linelen = 0;
		int guarded = kind == 3;
		if (guarded)
			kind = 1;
		if (kind == 1 && m->keep_lines)
			line = take(&p, &linelen);
		if (a == b) {
			m->n.self++;
			continue;
		}
		if (kind == 0) {
			m->n.match++;
			edge_add(m, a, b, score, 0);
		} else if (kind == 1) {
			m->n.review++;
			review_add(
			    m,
			    (struct dq_merge_review){
			        line ? dq_arena_dup(&m->arena, line, linelen)
			             : NULL,
			        (uint32_t)linelen, a, b, score, 0, 0, guarded});
		} else {
			m->n.distinct++;
		}
	}
}

/* ---- decisions and the earlier map ---- */

static uint64_t
pair_key(uint32_t a, uint32_t b)
{
	return a < b ? ((uint64_t)a << 32 | b) : ((uint64_t)b << 32 | a);
}

/* A decision's a or b: an id (string or number) or a whole record. */
static uint32_t
decision_side(struct dq_merge *m, const struct dq_record *r, const char *name,
              const struct dq_ident *how, const char *file, long line)
{
	long i = dq_record_find(r, name, 1);
	int str = DQ_META_ID_NONE;

	dq_buf_reset(&m->idbuf);
	if (i >= 0 && r->m[i].type == DQ_JSON_OBJECT)
		str = dq_meta_id_text(r->m[i].val, r->m[i].vallen, how,
		                      &m->idbuf);
	else if (i >= 0)
		str = dq_meta_id_value(&r->m[i], &m->idbuf);
	if (str < 0) {
		dq_error("%s:%ld: decision: '%s' must be an id or a record "
		         "with one",
		         file, line, name);
		return UINT32_MAX - 1;
	}
	return dq_idtable_get(&m->t, m->idbuf.buf, m->idbuf.len, str, 0);
}

int
dq_merge_decision(struct dq_merge *m, const struct dq_record *r,
                  const struct dq_ident *how, const char *file, long line)
{
	long d = dq_record_find(r, "decision", 8);
	uint8_t v;

	if (d < 0 || r->m[d].type == DQ_JSON_NULL ||
	    (r->m[d].type == DQ_JSON_STRING && r->m[d].vallen == 2)) {
		m->n.dec_undecided++;
		return 0;
	}
	if (r->m[d].type == DQ_JSON_STRING && r->m[d].vallen == 7 &&
	    !memcmp(r->m[d].val, "\"match\"", 7))
		v = 1;
	else if (r->m[d].type == DQ_JSON_STRING && r->m[d].vallen == 10 &&
	         !memcmp(r->m[d].val, "\"distinct\"", 10))
		v = 2;
	else
		return dq_error("%s:%ld: decision: expected \"match\", "
		                "\"distinct\" or null",
		                file, line);
	uint32_t a = decision_side(m, r, "a", how, file, line);
	if (a == UINT32_MAX - 1)
		return -1;
	uint32_t b = decision_side(m, r, "b", how, file, line);
	if (b == UINT32_MAX - 1)
		return -1;
	if (a == UINT32_MAX || b == UINT32_MAX || a == b) {
		m->n.dec_unknown++;
		return 0;
	}
	/* A later line on the same pair wins: the person changed their
	 * mind. */
	dq_u64map_put(&m->dec, pair_key(a, b), v);
	return 0;
}

int
dq_merge_previous(struct dq_merge *m, const struct dq_record *r,
                  const struct dq_ident *how, const char *file, long line)
{
	m->have_prev = 1;
	return dq_idmap_read(&m->im, r, how, &m->t, file, line);
}

/* ---- clustering ---- */

static int
cmp_prev(const void *x, const void *y, void *ctx)
{
	const struct dq_merge *m = ctx;
	const struct dq_id *a = &m->t.node[*(const uint32_t *)x];
	const struct dq_id *b = &m->t.node[*(const uint32_t *)y];
	size_t n = a->prevlen < b->prevlen ? a->prevlen : b->prevlen;
	int c = memcmp(a->prev, b->prev, n);
	if (c)
		return c;
	if (a->prevlen != b->prevlen)
		return a->prevlen < b->prevlen ? -1 : 1;
	uint32_t ra = m->rankof[*(const uint32_t *)x];
	uint32_t rb = m->rankof[*(const uint32_t *)y];
	return (ra > rb) - (ra < rb);
}

/*
 * The clusters of the earlier map, as edges taken last (DQ_EDGE_KEEP):
 * the members of an earlier cluster, in id order, each joined to the
 * next.  So a run with only the new pairs keeps every earlier cluster,
 * unless this run's evidence (a person's distinct pair, a hold, the cap)
 * splits it.
 */
static void
add_previous_edges(struct dq_merge *m)
{
	uint32_t *nd;
	size_t n = 0;

	if (!m->have_prev)
		return;
	nd = dq_xmalloc((m->t.n + 1) * sizeof(*nd));
	for (size_t k = 0; k < m->t.n; k++)
		if (m->t.node[k].prev)
			nd[n++] = (uint32_t)k;
	qsort_r(nd, n, sizeof(*nd), cmp_prev, m);
	for (size_t k = 1; k < n; k++) {
		const struct dq_id *a = &m->t.node[nd[k - 1]];
		const struct dq_id *b = &m->t.node[nd[k]];
		if (a->prevlen == b->prevlen &&
		    !memcmp(a->prev, b->prev, a->prevlen))
			edge_add(m, nd[k - 1], nd[k], -1, DQ_EDGE_KEEP);
	}
	free(nd);
}

/* A person's decisions over the pairs: pinned and undone match edges,
 * closed review pairs, decided matches no pair proposed, and the
 * cannot-links (as ranks, into m->cannot). */
static void
apply_decisions(struct dq_merge *m)
{
	size_t k;

	for (k = 0; k < m->nedges; k++) {
		uint8_t *d = dq_u64map_get(
		    &m->dec, pair_key(m->edges[k].a, m->edges[k].b));
		if (!d)
			continue;
		*d |= 4;
		if ((*d & 3) == 1) {
			m->edges[k].flags |= DQ_EDGE_PINNED;
		} else {
			m->edges[k].flags |= DQ_MERGE_EDGE_UNDONE;
			m->n.undone++;
		}
	}
	for (k = 0; k < m->nreviews; k++) {
		struct dq_merge_review *r = &m->reviews[k];
		uint8_t *d = dq_u64map_get(&m->dec, pair_key(r->a, r->b));
		if (!d)
			continue;
		r->decided = 1;
		m->n.overridden_review++;
		if ((*d & 7) == 1)
			edge_add(m, r->a, r->b, r->score, DQ_EDGE_PINNED);
		*d |= 4;
	}
	uint64_t dk;
	uint8_t *dv;
	for (size_t it = 0; dq_u64map_next(&m->dec, &it, &dk, &dv);) {
		uint32_t a = (uint32_t)(dk >> 32);
		uint32_t b = (uint32_t)dk;
		if ((*dv & 3) == 1)
			m->n.dec_match++;
		else
			m->n.dec_distinct++;
		if (*dv == 1) {
			edge_add(m, a, b, -1, DQ_EDGE_PINNED);
			m->n.dec_new_edges++;
		} else if ((*dv & 3) == 2) {
			m->cannot =
			    dq_xrealloc(m->cannot, (m->ncannot + 1) * 2 *
			                               sizeof(*m->cannot));
			m->cannot[2 * m->ncannot] = m->rankof[a];
			m->cannot[2 * m->ncannot + 1] = m->rankof[b];
			m->ncannot++;
		}
	}
}

/* Node nd's source (from 1), or 0 when no pair said. */
static unsigned
node_source(const struct dq_merge *m, uint32_t nd)
{
	return nd < m->srccap ? m->src[nd] : 0;
}

/* One end of a match edge as one-to-one ranks it: record x, the source
 * s of the other end y, the edge k and its strength. */
struct end {
	uint32_t x, y, k;
	unsigned s;
	double score;
};

/* By record, then the other end's source, then strongest first, then
 * the other end and the edge (so the order does not depend on the
 * input's). */
static int
cmp_end(const void *p, const void *q)
{
	const struct end *a = p, *b = q;
	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->s != b->s)
		return a->s < b->s ? -1 : 1;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->y != b->y)
		return a->y < b->y ? -1 : 1;
	return (a->k > b->k) - (a->k < b->k);
}

/*
 * One-to-one (m->one_to_one): each record keeps at most one scored
 * match in each other source (all other records are one source when the
 * pairs name none).  An edge survives when its score is the best of
 * both its records' match edges into the other's source and no other
 * edge of either record into that source has that score; one below the
 * best of either record is dropped (LOST); one at the best of both that
 * another edge ties goes to review (TIED).  A person's match (pinned)
 * counts as better than any score and is never dropped; undone edges do
 * not compete.  A tie is with another record: the same pair given twice
 * is one candidate.  This is the mutual best match rule, per source: it
 * needs no order, so the result does not depend on the input's.
 */
static void
one_to_one(struct dq_merge *m)
{
	struct end *end = dq_xmalloc((2 * m->nedges + 1) * sizeof(*end));
	uint8_t *why = dq_xcalloc(m->nedges + 1, 1); /* 1 lost, 2 tied */
	size_t ne = 0, g, h, i;

	for (size_t k = 0; k < m->nedges; k++) {
		const struct dq_cluster_edge *e = &m->edges[k];
		double s = (e->flags & DQ_EDGE_PINNED) ? 2 : e->score;
		if (e->flags & DQ_MERGE_EDGE_UNDONE)
			continue;
		end[ne++] = (struct end){ e->a, e->b, (uint32_t)k,
					  node_source(m, e->b), s };
		end[ne++] = (struct end){ e->b, e->a, (uint32_t)k,
					  node_source(m, e->a), s };
	}
	qsort(end, ne, sizeof(*end), cmp_end);
	for (g = 0; g < ne; g = h) {
		/* The group of record end[g].x and one source; the best
		 * first, and how many other records share it. */
		size_t nbest = 1;
		for (h = g + 1; h < ne && end[h].x == end[g].x &&
				end[h].s == end[g].s; h++)
			if (end[h].score == end[g].score &&
			    end[h].y != end[h - 1].y)
				nbest++;
		for (i = g; i < h; i++)
			why[end[i].k] |= end[i].score < end[g].score ? 1 :
					 nbest > 1 ? 2 : 0;
	}
	for (size_t k = 0; k < m->nedges; k++) {
		struct dq_cluster_edge *e = &m->edges[k];
		if (e->flags & (DQ_MERGE_EDGE_UNDONE | DQ_EDGE_PINNED))
			continue;
		if (why[k] & 1) {
			e->flags |= DQ_MERGE_EDGE_LOST;
			m->n.one_lost++;
		} else if (why[k] & 2) {
			e->flags |= DQ_MERGE_EDGE_TIED;
			m->n.one_tied++;
		}
	}
	free(end);
	free(why);
}

/* Give every cluster its stable id (er/clusterid.h). */
static void
assign_ids(struct dq_merge *m)
{
	size_t nc = m->nclusters, n = m->t.n;
	struct dq_clusterid_in in = {nc,   m->cstart, NULL, NULL,
	                             NULL, NULL,      NULL};
	const char **first = dq_xmalloc((nc + 1) * sizeof(*first));
	uint32_t *firstlen = dq_xmalloc((nc + 1) * sizeof(*firstlen));
	const char **prev = NULL;
	uint32_t *prevlen = NULL;

	for (size_t i = 0; i < nc; i++) {
		const struct dq_id *nd =
		    &m->t.node[dq_merge_member(m, m->cstart[i])];
		first[i] = nd->key;
		firstlen[i] = nd->keylen;
	}
	in.first = first;
	in.firstlen = firstlen;
	if (m->have_prev) {
		prev = dq_xmalloc((n + 1) * sizeof(*prev));
		prevlen = dq_xmalloc((n + 1) * sizeof(*prevlen));
		for (size_t k = 0; k < n; k++) {
			const struct dq_id *nd =
			    &m->t.node[dq_merge_member(m, k)];
			prev[k] = nd->prev;
			prevlen[k] = nd->prevlen;
		}
		in.prev = prev;
		in.prevlen = prevlen;
		in.old = &m->im.old_ids;
	}
	dq_clusterid_assign(&m->ci, &in);
	free(first);
	free(firstlen);
	free(prev);
	free(prevlen);
}

void
dq_merge_cluster(struct dq_merge *m, double weak_link, size_t max_size)
{
	size_t k, n = m->t.n;

	m->order = dq_xmalloc((n + 1) * sizeof(*m->order));
	m->rankof = dq_xmalloc((n + 1) * sizeof(*m->rankof));
	dq_idtable_order(&m->t, m->order, m->rankof);
	apply_decisions(m);
	if (m->one_to_one)
		one_to_one(m);
	add_previous_edges(m);

	/* The undone edges, and those one-to-one took out, go last and
	 * stay out of the clustering. */
	const uint32_t out = DQ_MERGE_EDGE_UNDONE | DQ_MERGE_EDGE_LOST |
			     DQ_MERGE_EDGE_TIED;
	struct dq_cluster_edge *e = m->edges;
	size_t active = 0;
	for (k = 0; k < m->nedges; k++)
		if (!(e[k].flags & out)) {
			struct dq_cluster_edge t = e[active];
			e[active++] = e[k];
			e[k] = t;
		}
	for (k = 0; k < m->nedges; k++) {
		e[k].a = m->rankof[e[k].a];
		e[k].b = m->rankof[e[k].b];
	}
	/* The pairs held for a person's review (--hold): no chain of
	 * scored matches may join them before the person answers. */
	uint32_t *hold = dq_xmalloc((2 * m->nreviews + 1) * sizeof(*hold));
	size_t nhold = 0;
	for (k = 0; k < m->nreviews; k++) {
		const struct dq_merge_review *r = &m->reviews[k];
		if (!r->decided && m->hold != DQ_MERGE_HOLD_NONE &&
		    (m->hold == DQ_MERGE_HOLD_REVIEW || r->guarded)) {
			hold[2 * nhold] = m->rankof[r->a];
			hold[2 * nhold + 1] = m->rankof[r->b];
			nhold++;
		}
	}
	/* One-to-one over named sources: a cluster holds each source at
	 * most once (er/cluster.h). */
	uint8_t *src = NULL;
	if (m->one_to_one && m->srccap) {
		src = dq_xmalloc(n + 1);
		for (k = 0; k < n; k++)
			src[k] = (uint8_t)node_source(m, m->order[k]);
	}
	struct dq_cluster_opts co = {weak_link, max_size, hold, nhold, src};
	m->rep = dq_xmalloc((n + 1) * sizeof(*m->rep));
	dq_cluster_run(n, e, active, m->cannot, m->ncannot, &co, m->rep,
	               &m->cst);
	free(src);
	for (k = active; k < m->nedges; k++)
		e[k].flags &= out;
	free(hold);

	/* Members grouped by cluster: clusters in the order of their
	 * smallest rank, members ascending. */
	m->cluster_of = dq_xmalloc((n + 1) * sizeof(*m->cluster_of));
	m->cstart = dq_xcalloc(n + 2, sizeof(*m->cstart));
	m->members = dq_xmalloc((n + 1) * sizeof(*m->members));
	m->nclusters =
	    dq_cluster_groups(n, m->rep, m->cluster_of, m->cstart, m->members);
	for (size_t i = 0; i < m->nclusters; i++) {
		size_t nm = m->cstart[i + 1] - m->cstart[i];
		if (nm > m->n.largest)
			m->n.largest = nm;
		m->n.singletons += nm == 1;
	}
	assign_ids(m);
}

/* ---- output ---- */

/* A score, or null for an edge no score made (-1). */
static void
add_score(struct dq_buf *b, double s)
{
	if (s < 0)
		dq_buf_addstr(b, "null");
	else
		dq_num_add_shortest(b, s);
}

static const char *
edge_why(uint32_t f)
{
	if (f & DQ_MERGE_EDGE_UNDONE)
		return "decision";
	if (f & DQ_MERGE_EDGE_LOST)
		return "one_to_one";
	if (f & DQ_MERGE_EDGE_TIED)
		return "one_to_one_tie";
	if (f & DQ_EDGE_WEAK)
		return "weak_link";
	if (f & DQ_EDGE_DISTINCT)
		return "distinct";
	if (f & DQ_EDGE_SIZE)
		return "max_size";
	if (f & DQ_EDGE_CONFLICT)
		return "conflict";
	if (f & DQ_EDGE_HELD)
		return "held";
	if (f & DQ_EDGE_SOURCE)
		return "same_source";
	return "?";
}

void
dq_merge_add_edge(const struct dq_merge *m, struct dq_buf *b,
                  const struct dq_cluster_edge *e, int used)
{
	dq_buf_addstr(b, "{\"a\":");
	dq_idtable_add_json(b, &m->t.node[m->order[e->a < e->b ? e->a : e->b]]);
	dq_buf_addstr(b, ",\"b\":");
	dq_idtable_add_json(b, &m->t.node[m->order[e->a < e->b ? e->b : e->a]]);
	dq_buf_addstr(b, ",\"score\":");
	add_score(b, e->score);
	if (used) {
		dq_buf_addstr(
		    b, (e->flags & DQ_EDGE_PINNED) ? ",\"by\":\"decision\"}"
		       : (e->flags & DQ_EDGE_KEEP) ? ",\"by\":\"previous\"}"
		                                   : ",\"by\":\"score\"}");
	} else {
		dq_buf_addstr(b, ",\"why\":\"");
		dq_buf_addstr(b, edge_why(e->flags));
		dq_buf_addstr(b, "\"}");
	}
}

void
dq_merge_write_map(const struct dq_merge *m, struct dq_out *o,
                   const char *id_field, const char *seen)
{
	for (size_t i = 0; i < m->t.n; i++) {
		dq_idmap_line(&m->im, &o->b, &m->t, m->order[i], id_field,
		              dq_merge_cluster_of(m, (uint32_t)i), seen);
		dq_out_commit(o);
	}
	/* The ids of the earlier map this run did not see, as they were
	 * (their last_seen tells when they were last seen). */
	dq_buf_add(&o->b, m->im.vanished.buf, m->im.vanished.len);
	dq_out_commit(o);
}

static int
cmp_review(const void *x, const void *y, void *ctx)
{
	const struct dq_merge_review *a = x, *b = y;
	const uint32_t *rk = ctx;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	struct dq_cluster_edge ea = { .a = rk[a->a], .b = rk[a->b] };
	struct dq_cluster_edge eb = { .a = rk[b->a], .b = rk[b->b] };
	return dq_cluster_cmp_ends(&ea, &eb);
}

/* 1 when the pair's _dq says "slim":true (dq-block --slim). */
static int
is_slim(const struct dq_record *p)
{
	struct dq_member mb;
	return dq_meta_find(p, "slim", 4, &mb) && mb.type == DQ_JSON_TRUE;
}

/* Replace pair side "a" or "b" by the first record of node nd as read
 * from --records (an id only in pairs keeps the pair's record). */
static void
whole_side(const struct dq_merge *m, struct dq_record *p, const char *name,
           uint32_t nd)
{
	long i = dq_record_find(p, name, 1);
	uint32_t k = m->t.node[nd].rec;
	if (i >= 0 && k != DQ_IDTABLE_NONE)
		dq_record_set(p, (size_t)i, m->t.rec[k].text, m->t.rec[k].len,
		              DQ_JSON_OBJECT);
}

/* The text of node nd's first record (the pair's or --records'). */
static void
add_record(const struct dq_merge *m, struct dq_buf *b, uint32_t nd)
{
	uint32_t k = m->t.node[nd].rec;
	if (k == DQ_IDTABLE_NONE)
		dq_buf_addstr(b, "{}");
	else
		dq_buf_add(b, m->t.rec[k].text, m->t.rec[k].len);
}

/*
 * The match pairs that a hold cut (DQ_EDGE_HELD) go to the review file
 * beside the pairs held: a chain of matches would have joined a held
 * pair, and the person decides which link is right.  Their line is
 * built from the records: {"a":...,"b":...,"_dq":{"score":S,
 * "decision":"match","cut":"held"}}.  So do the matches one-to-one
 * found tied for a record's best, with "cut":"one_to_one".
 */
static void
add_held_reviews(struct dq_merge *m)
{
	struct dq_buf b = DQ_BUF_INIT;

	for (size_t k = 0; k < m->nedges; k++) {
		const struct dq_cluster_edge *e = &m->edges[k];
		if (!(e->flags & (DQ_EDGE_HELD | DQ_MERGE_EDGE_TIED)))
			continue;
		const char *cut = (e->flags & DQ_MERGE_EDGE_TIED) ?
			"one_to_one" : "held";
		uint32_t a = m->order[e->a < e->b ? e->a : e->b];
		uint32_t bn = m->order[e->a < e->b ? e->b : e->a];
		dq_buf_reset(&b);
		dq_buf_addstr(&b, "{\"a\":");
		add_record(m, &b, a);
		dq_buf_addstr(&b, ",\"b\":");
		add_record(m, &b, bn);
		dq_buf_addstr(&b, ",\"_dq\":{\"score\":");
		add_score(&b, e->score);
		dq_buf_addstr(&b, (e->flags & DQ_EDGE_KEEP)
				      ? ",\"decision\":\"match\",\"by\":"
					"\"previous\",\"cut\":\""
				      : ",\"decision\":\"match\",\"cut\":\"");
		dq_buf_addstr(&b, cut);
		dq_buf_addstr(&b, "\"}}");
		review_add(m, (struct dq_merge_review){
		                  dq_arena_dup(&m->arena, b.buf, b.len),
		                  (uint32_t)b.len, a, bn, e->score, 0, 1, 0});
	}
	dq_buf_release(&b);
}

/* Cluster pair key, smaller first. */
static uint64_t
cluster_pair(uint32_t ca, uint32_t cb)
{
	return ca < cb ? ((uint64_t)ca << 32 | cb) : ((uint64_t)cb << 32 | ca);
}

/* The cluster of node nd. */
static uint32_t
cluster_of_node(const struct dq_merge *m, uint32_t nd)
{
	return m->cluster_of[m->rep[m->rankof[nd]]];
}

/* The side name of a pair for people to read: its sensitive fields
 * masked (contract/pii.h). */
static void
mask_side(struct dq_record *p, const char *name, struct dq_buf *tmp)
{
	long i = dq_record_find(p, name, 1);
	if (i < 0 || p->m[i].type != DQ_JSON_OBJECT || !dq_pii_any())
		return;
	dq_buf_reset(tmp);
	if (dq_pii_mask_object(p->m[i].val, p->m[i].vallen, tmp))
		dq_record_set(p, (size_t)i, tmp->buf, tmp->len,
			      DQ_JSON_OBJECT);
}

/* One review line from review rv, into o. */
static void
write_review_line(struct dq_merge *m, const struct dq_merge_review *rv,
                  struct dq_buf *meta, struct dq_buf *tmp, struct dq_out *o)
{
	struct dq_json_error err;
	struct dq_record *pair = &m->pair;

	dq_json_scan(pair, rv->line, rv->len, &err);
	long d = dq_record_find(pair, "decision", 8);
	if (d >= 0)
		dq_record_drop(pair, (size_t)d);
	if (m->have_records && is_slim(pair)) {
		/* dq-block --slim carried only the compared fields: the
		 * person deciding sees the whole records. */
		whole_side(m, pair, "a", rv->a);
		whole_side(m, pair, "b", rv->b);
	}
	mask_side(pair, "a", tmp);
	mask_side(pair, "b", tmp);
	dq_buf_reset(meta);
	dq_buf_addstr(meta, "\"ids\":[");
	dq_idtable_add_json(meta, &m->t.node[rv->a]);
	dq_buf_addch(meta, ',');
	dq_idtable_add_json(meta, &m->t.node[rv->b]);
	dq_buf_addstr(meta, "],\"clusters\":[");
	const char *ca = m->ci.id[cluster_of_node(m, rv->a)];
	const char *cb = m->ci.id[cluster_of_node(m, rv->b)];
	dq_buf_add_json_string(meta, ca, strlen(ca));
	dq_buf_addch(meta, ',');
	dq_buf_add_json_string(meta, cb, strlen(cb));
	dq_buf_addch(meta, ']');
	dq_buf_reset(tmp);
	dq_record_write(pair, meta->buf, meta->len, tmp);
	dq_buf_addstr(&o->b, "{\"decision\":null,");
	dq_buf_add(&o->b, tmp->buf + 1, tmp->len - 1);
	dq_buf_addch(&o->b, '\n');
	dq_out_commit(o);
}

void
dq_merge_write_review(struct dq_merge *m, struct dq_out *o)
{
	struct dq_buf meta = DQ_BUF_INIT, tmp = DQ_BUF_INIT;
	struct dq_u64map apart;
	struct dq_uf pinned;

	/* Clusters that a person's distinct pair keeps apart: a review
	 * pair between them has no answer left to give. */
	dq_u64map_init(&apart);
	for (size_t k = 0; k < m->ncannot; k++)
		dq_u64map_put(
		    &apart,
		    cluster_pair(m->cluster_of[m->rep[m->cannot[2 * k]]],
		                 m->cluster_of[m->rep[m->cannot[2 * k + 1]]]),
		    1);
	/* Records a person's matches join (pinned edges alone). */
	dq_uf_init(&pinned, m->t.n);
	for (size_t k = 0; k < m->nedges; k++)
		if ((m->edges[k].flags & (DQ_EDGE_PINNED | DQ_EDGE_USED)) ==
		    (DQ_EDGE_PINNED | DQ_EDGE_USED))
			dq_uf_union(&pinned, m->edges[k].a, m->edges[k].b);
	add_held_reviews(m);
	if (m->nreviews)
		qsort_r(m->reviews, m->nreviews, sizeof(*m->reviews),
		        cmp_review, m->rankof);
	for (size_t i = 0; i < m->nreviews; i++) {
		const struct dq_merge_review *rv = &m->reviews[i];
		if (rv->decided)
			continue;
		uint32_t ra = m->rankof[rv->a], rb = m->rankof[rv->b];
		if (dq_uf_find(&pinned, ra) == dq_uf_find(&pinned, rb) ||
		    dq_u64map_get(&apart,
		                  cluster_pair(cluster_of_node(m, rv->a),
		                               cluster_of_node(m, rv->b)))) {
			/* Already joined by a person's matches, or kept
			 * apart by a person's distinct: moot. */
			m->n.review_moot++;
			continue;
		}
		write_review_line(m, rv, &meta, &tmp, o);
		m->n.review_written++;
	}
	dq_uf_release(&pinned);
	dq_u64map_release(&apart);
	dq_buf_release(&meta);
	dq_buf_release(&tmp);
}
