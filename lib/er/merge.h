/*
 * merge.h - the state of a merge: records filed by id, scored pairs as
 * match edges and review pairs, a person's decisions, an earlier run's
 * map, and from them the clusters and their stable ids (dq-merge).
 *
 * The story of a merge, which dq-merge tells with its options:
 *
 *	struct dq_merge m;
 *	dq_merge_init(&m);
 *	m.hold = DQ_MERGE_HOLD_GUARD;       settings, before the first pair
 *	for each record of --records (in worker threads, then in order):
 *		dq_merge_record_entry(r, line, &ident, &id, &entry);
 *		p = entry; while (p < end)
 *			if (dq_merge_add_record(&m, &p, &dup)) reject;
 *	for each scored pair (the same way):
 *		reject = dq_merge_pair_entry(pr, &ident, keep, &id, &entry);
 *		dq_merge_add_pairs(&m, entry, len);
 *	for each decision line r:   dq_merge_decision(&m, r, &ident, f, l);
 *	for each earlier map line r: dq_merge_previous(&m, r, &ident, f, l);
 *	dq_merge_cluster(&m, weak_link, max_size);
 *	then per cluster i: golden records (er/golden.h), and
 *	dq_merge_write_map, dq_merge_write_review;
 *	dq_merge_release(&m);
 *
 * A worker turns a line into an entry, a short binary record (below),
 * without touching m; the main thread adds the entries in input order,
 * so the ids' numbering, and with it every output, does not depend on
 * the number of workers.
 *
 * Clustering (dq_merge_cluster) applies a person's decisions over the
 * scores (a "match" pins an edge, a "distinct" undoes a match edge and
 * becomes a cannot-link), with one_to_one keeps for each record only
 * its best scored match in each other source (a match that is not the
 * best of both its records is dropped; one that ties another for a
 * record's best goes to review; a person's match beats every score; the
 * sources are those a pair's _dq.sources names, dq-block --link of more
 * than two files, else one pool of every other record) and lets no
 * scored match put two records of one source in a cluster, adds an
 * earlier run's clusters as edges taken
 * last, holds the review pairs that --hold names (no chain of matches
 * may join them before a person answers: er/cluster.h), then groups the
 * ids into clusters in the order of their smallest id and gives each its
 * stable id (er/clusterid.h).  A match edge a hold cut goes to the
 * review file beside the held pairs.
 *
 * Ranks: after clustering, the nodes of the id table (er/idtable.h) are
 * ranked in the byte order of their ids (order[rank] is a node,
 * rankof[node] its rank), and the edges, rep, cstart and members speak
 * of ranks.
 *
 * Memory: the id table (every record's text), 24 bytes per match edge,
 * 40 per review pair (and its line when review lines are kept); after
 * clustering, about 24 bytes per id.
 */
#ifndef DQ_MERGE_H
#define DQ_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "base/u64map.h"
#include "base/util.h"
#include "er/cluster.h"
#include "er/clusterid.h"
#include "er/idmap.h"
#include "er/idtable.h"
#include "stream/json.h"
#include "stream/meta.h"
#include "stream/out.h"

/* Which review pairs no chain of matches may join (--hold). */
enum { DQ_MERGE_HOLD_GUARD, DQ_MERGE_HOLD_REVIEW, DQ_MERGE_HOLD_NONE };

/* Edge flags of the caller's range: a match a person undid; with
 * one_to_one, a match that lost to a better one of either record, and
 * one that tied with another for the best of a record (to review). */
#define DQ_MERGE_EDGE_UNDONE (1u << 16)
#define DQ_MERGE_EDGE_LOST (1u << 17)
#define DQ_MERGE_EDGE_TIED (1u << 18)

/* A pair's _dq.sources, and so a record's source: 1 to this. */
#define DQ_MERGE_MAX_SOURCES DQ_META_MAX_SOURCES

/* A review-band pair. */
struct dq_merge_review {
	const char *line; /* the pair's line (in m's arena), or NULL */
	uint32_t len;
	uint32_t a, b; /* nodes */
	double score;
	int decided; /* a person decided it */
	int held;    /* a match edge cut by a hold: its line is built */
	int guarded; /* dq-score's guard held it (_dq.guard) */
};

struct dq_merge_counts {
	uint64_t records, no_id, dup_ids;
	uint64_t match, review, distinct, self, pair_only_ids;
	uint64_t dec_match, dec_distinct, dec_undecided, dec_unknown;
	uint64_t undone, overridden_review, dec_new_edges;
	uint64_t review_written, review_moot, singletons, largest;
	uint64_t one_lost, one_tied; /* one_to_one's losers and ties */
	uint64_t src_conflicts; /* records named in two sources */
};

struct dq_merge {
	/* Settings, the caller's to set before the first entry. */
	int hold;         /* DQ_MERGE_HOLD_* (default: guard) */
	int have_records; /* --records: whole records come from there */
	int keep_lines;   /* review pairs keep their line (--review) */
	int one_to_one;   /* each record keeps its best match only */

	struct dq_idtable t;   /* every id and its records */
	struct dq_arena arena; /* review lines */
	long *rec_line;        /* by record index: its line in --records */
	size_t rec_linecap;
	struct dq_cluster_edge *edges;
	size_t nedges, edgecap;
	struct dq_merge_review *reviews;
	size_t nreviews, reviewcap;
	struct dq_u64map dec; /* pair key -> 1 match, 2 distinct; | 4 used */
	struct dq_idmap im;   /* the earlier run's map */
	int have_prev;        /* a line of an earlier map was read */
	struct dq_merge_counts n;
	uint8_t *src;         /* node -> its source from 1, 0 unknown */
	size_t srccap;
	uint32_t src_conflict[3]; /* the first: node, source, other source */

	/* After dq_merge_cluster (all owned). */
	uint32_t *order, *rankof; /* rank -> node, node -> rank */
	uint32_t *rep;            /* rank -> smallest rank of its cluster */
	uint32_t *cstart;         /* cluster -> its first index in members */
	uint32_t *members;        /* ranks grouped by cluster, ascending */
	uint32_t *cluster_of;     /* rep rank -> cluster */
	size_t nclusters;
	uint32_t *cannot; /* a person's distinct pairs, as ranks */
	size_t ncannot;
	struct dq_cluster_stats cst;
	struct dq_clusterid ci; /* ci.id[cluster] */

	/* Scratch of the main thread. */
	struct dq_buf idbuf, last;
	uint32_t last_nd;
	int last_str;
	struct dq_record pair;
};

void dq_merge_init(struct dq_merge *m);
void dq_merge_release(struct dq_merge *m);

/*
 * Worker side (no merge state; id is the worker's scratch).  The entry
 * of a record of --records: whether its id is a number (0), a string (1)
 * or missing (2, then named by its line), the line, then the id and the
 * record text (each a 4-byte length and the bytes), appended to out.
 */
void dq_merge_record_entry(const struct dq_record *r, long line,
                           const struct dq_ident *how, struct dq_buf *id,
                           struct dq_buf *out);

/*
 * The entry of a scored pair, appended to out: the decision (0 match,
 * 1 review, 2 distinct, 3 review held by dq-score's guard), the score,
 * the two sources of _dq.sources (0 when it has none), per side the id
 * kind, the id and the record text, and for a review pair with
 * keep_line the pair's line.  Returns NULL, or the reason the pair is
 * rejected (out as it was).
 */
const char *dq_merge_pair_entry(const struct dq_record *pr,
                                const struct dq_ident *how, int keep_line,
                                struct dq_buf *id, struct dq_buf *out);

/* A record of --records whose id an earlier one has. */
struct dq_merge_dup {
	const char *id, *text; /* borrowed from the entry */
	size_t idlen, textlen;
	long line, first_line;
};

/*
 * File the record entry at *p and move *p past it.  Returns 0, or 1 for
 * a record whose id an earlier record has: it is not filed (two people,
 * one id, are never merged) but counted and described in *dup.
 */
int dq_merge_add_record(struct dq_merge *m, const char **p,
                        struct dq_merge_dup *dup);

/* Add the pair entries p[0..len).  A record whose pairs give it two
 * sources is counted in n.src_conflicts (the first in src_conflict). */
void dq_merge_add_pairs(struct dq_merge *m, const char *p, size_t len);

/*
 * A person's decision r ({"a":ID,"b":ID,"decision":"match"|"distinct"|
 * null}; a and b may be records); a later one on the same pair wins.
 * Returns 0, or -1 with a message naming file:line.
 */
int dq_merge_decision(struct dq_merge *m, const struct dq_record *r,
                      const struct dq_ident *how, const char *file, long line);

/* A line of an earlier run's map (er/idmap.h); after every record and
 * pair.  Returns 0 or -1 with a message. */
int dq_merge_previous(struct dq_merge *m, const struct dq_record *r,
                      const struct dq_ident *how, const char *file, long line);

/* Cluster (weak_link < 0: none; max_size 0: no cap) and give every
 * cluster its id. */
void dq_merge_cluster(struct dq_merge *m, double weak_link, size_t max_size);

/* The node of member k (k indexes members, 0 to t.n - 1). */
static inline uint32_t
dq_merge_member(const struct dq_merge *m, size_t k)
{
	return m->order[m->members[k]];
}

/* The cluster id of rank r. */
static inline const char *
dq_merge_cluster_of(const struct dq_merge *m, uint32_t r)
{
	return m->ci.id[m->cluster_of[m->rep[r]]];
}

/* Append edge e as a log entry: {"a":ID,"b":ID,"score":S,"by":HOW} when
 * used, else with "why":REASON. */
void dq_merge_add_edge(const struct dq_merge *m, struct dq_buf *b,
                       const struct dq_cluster_edge *e, int used);

/* Write every id's map line, in id order, then the earlier map's
 * vanished ids, to o. */
void dq_merge_write_map(const struct dq_merge *m, struct dq_out *o,
                        const char *id_field, const char *seen);

/*
 * Write the review file to o: the undecided review pairs and the match
 * edges a hold cut, by score (highest first) then ids, each with
 * "decision":null and _dq.ids and _dq.clusters; slim pairs (dq-block
 * --slim) get their whole records from --records.  A pair a person's
 * matches already join, or whose clusters a person's distinct keeps
 * apart, is moot and left out (counted).
 */
void dq_merge_write_review(struct dq_merge *m, struct dq_out *o);

#endif
