/*
 * dq-merge - golden records from scored pairs: clusters, survivorship,
 * the id map, the review queue and a person's decisions.
 *
 * The story: read every record (--records) and every scored pair, naming
 * each record by its id; read a person's decisions (--decisions) and let
 * them override the scores; cluster the match edges (lib/er/cluster.c: weak
 * links cut, cannot-link pairs and the size cap respected); give each
 * cluster a stable id (lib/er/clusterid.c: from its smallest member id,
 * or the id it had in --previous-map); then write one golden record per cluster, its fields
 * chosen by the contract's survivorship rules (lib/er/survive.c), in the
 * order of the clusters' smallest member ids.  Nothing depends on the
 * order of the input lines, so the output is byte-identical for the same
 * records, pairs and decisions.  docs/merge.md describes the formats.
 *
 * Pair lines are parsed in worker threads (lib/par): a worker validates a
 * line and extracts the ids, score and decision; the main thread names
 * the ids in input order, so the output does not depend on --jobs.  With
 * --records the pairs may be slim (dq-block --slim): golden records and
 * the review file take the whole records from --records.
 *
 * Memory: every record's text is held (the golden records are written
 * after all pairs are read), plus about 210 bytes per record (measured
 * on 1M records: 560 MB with 350 MB of text), 24 bytes per match pair
 * (an edge) and 40 per review pair, whose line is held too when
 * --review is given; a distinct pair costs nothing.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "er/cluster.h"
#include "er/clusterid.h"
#include "er/idmap.h"
#include "er/idtable.h"
#include "stream/json.h"
#include "stream/meta.h"
#include "stream/sidefile.h"
#include "base/keyset.h"
#include "base/u64map.h"
#include "cli/opt.h"
#include "cli/par.h"
#include "cli/run.h"
#include "er/survive.h"

static const char synopsis[] =
	"usage: dq-merge [-c CONTRACT]... [--records FILE] [--decisions FILE]\n"
	"                [--review FILE] [--map FILE] [--previous-map FILE]\n"
	"                [--log FILE] [OPTIONS] [PAIRS...]\n"
	"\n"
	"Read scored pairs (from dq-score) and write one golden record per\n"
	"entity: pairs decided \"match\" are joined into clusters, and each\n"
	"field of a cluster's golden record is chosen from its members by the\n"
	"contract's survivorship rules, with _dq.cluster, _dq.members and\n"
	"_dq.provenance.  Golden records come in the order of their smallest\n"
	"member id; the same inputs in any order give the same bytes.  See\n"
	"dq-merge(1) and docs/merge.md.\n";

static const char help[] =
	"\n"
	"Merge options:\n"
	"      --records FILE    every record (NDJSON or CSV): records in no\n"
	"                        match pair are written as singletons, so the\n"
	"                        output is the whole de-duplicated dataset\n"
	"      --duplicate-ids reject|error  a second record with an id\n"
	"                        already read in --records is rejected\n"
	"                        (default) or stops the run (exit 2); it\n"
	"                        is never merged with the first\n"
	"      --decisions FILE  a person's decisions: lines {\"a\":ID,\"b\":ID,\n"
	"                        \"decision\":\"match\"|\"distinct\"} (a and b may\n"
	"                        be whole records; CSV a,b,decision works);\n"
	"                        they override scores, and \"distinct\" keeps\n"
	"                        the two apart even through other records\n"
	"      --review FILE     write the undecided review-band pairs there,\n"
	"                        both records side by side with the per-field\n"
	"                        explanation and \"decision\":null to fill in\n"
	"      --map FILE        write every id and its cluster id there\n"
	"      --previous-map FILE  the map of an earlier run: its clusters\n"
	"                        stay together (unless a decision or a hold\n"
	"                        splits them) and keep their ids, so a run\n"
	"                        with only the new pairs keeps every earlier\n"
	"                        cluster (incremental imports)\n"
	"      --hold guard|review|none  pairs no chain of matches may join\n"
	"                        before a person answers: those the\n"
	"                        household guard held (default), every\n"
	"                        review pair, or none; a match that would\n"
	"                        join one is cut and goes to the review file\n"
	"      --seen LABEL      the map's lines get \"first_seen\" (kept\n"
	"                        from --previous-map) and \"last_seen\":\n"
	"                        LABEL (a date, a run name)\n"
	"      --log FILE        one line per cluster of two or more, or with\n"
	"                        cut edges: members, the pairs that joined\n"
	"                        them, cut pairs, the rule used per field\n"
	"      --weak-link S     cut a match edge scored below S (0..1) when\n"
	"                        it alone holds its two sides together\n"
	"                        (default: contract survivorship.weak_link,\n"
	"                        else never)\n"
	"      --max-cluster-size N  refuse joins that make a cluster larger\n"
	"                        than N (default: contract, else no limit)\n"
	"  -j, --jobs N          threads that read the pairs (default: the\n"
	"                        cores, at most 8); the output is the same\n"
	"                        for every N\n"
	"\n"
	"The gate: exit status 1 when a person's decisions contradict each\n"
	"other (a match chain joins a pair marked distinct).\n";

enum {
	O_DECISIONS = DQ_OPT_TOOL,
	O_DUP_IDS,
	O_HOLD,
	O_LOG,
	O_MAP,
	O_MAX_SIZE,
	O_PREVIOUS_MAP,
	O_RECORDS,
	O_REVIEW,
	O_SEEN,
	O_WEAK_LINK
};

static const struct option longopts[] = {
	{ "decisions", required_argument, NULL, O_DECISIONS },
	{ "duplicate-ids", required_argument, NULL, O_DUP_IDS },
	{ "hold", required_argument, NULL, O_HOLD },
	{ "jobs", required_argument, NULL, 'j' },
	{ "log", required_argument, NULL, O_LOG },
	{ "map", required_argument, NULL, O_MAP },
	{ "max-cluster-size", required_argument, NULL, O_MAX_SIZE },
	{ "previous-map", required_argument, NULL, O_PREVIOUS_MAP },
	{ "records", required_argument, NULL, O_RECORDS },
	{ "review", required_argument, NULL, O_REVIEW },
	{ "seen", required_argument, NULL, O_SEEN },
	{ "weak-link", required_argument, NULL, O_WEAK_LINK },
	{ NULL, 0, NULL, 0 }
};

static struct {
	const char *records, *decisions, *review, *map, *prev_map, *log;
	const char *seen; /* --seen LABEL */
	double weak_link;
	int weak_set;
	long long max_size;
	int max_set;
	int jobs;       /* 0: the default */
	int dup_error;  /* --duplicate-ids error */
	int hold;       /* --hold: HOLD_* */
} O;

enum { HOLD_GUARD, HOLD_REVIEW, HOLD_NONE };

static int
option(void *ctx, int code, const char *arg)
{
	switch (code) {
	case O_DECISIONS:
		O.decisions = arg;
		return 0;
	case O_DUP_IDS: {
		static const char *const how[] = { "reject", "error", NULL };
		return dq_opt_enum("duplicate-ids", arg, how, &O.dup_error);
	}
	case O_HOLD: {
		static const char *const how[] = { "guard", "review", "none",
						   NULL };
		return dq_opt_enum("hold", arg, how, &O.hold);
	}
	case O_LOG:
		O.log = arg;
		return 0;
	case O_MAP:
		O.map = arg;
		return 0;
	case O_MAX_SIZE:
		O.max_set = 1;
		return dq_opt_int("max-cluster-size", arg, 2, 1000000000,
				  &O.max_size);
	case O_PREVIOUS_MAP:
		O.prev_map = arg;
		return 0;
	case O_RECORDS:
		O.records = arg;
		return 0;
	case O_REVIEW:
		O.review = arg;
		return 0;
	case O_SEEN:
		if (!*arg)
			return dq_error("--seen: empty label");
		O.seen = arg;
		return 0;
	case 'j':
		return dq_opt_jobs(arg, &O.jobs);
	case O_WEAK_LINK:
		O.weak_set = 1;
		return dq_opt_double("weak-link", arg, 0, 1, &O.weak_link);
	}
	return -1;
}

/* ---- ids (lib/er/idtable.h) ---- */

static struct dq_run run;
static struct dq_arena arena; /* review lines and earlier cluster ids */
static struct dq_idtable T;   /* every id and its records */
static struct dq_buf idbuf = DQ_BUF_INIT;

/* ---- counts ---- */

static struct {
	uint64_t records, no_id, dup_ids;
	uint64_t match, review, distinct, self, pair_only_ids;
	uint64_t dec_match, dec_distinct, dec_undecided, dec_unknown;
	uint64_t undone, overridden_review, dec_new_edges;
	uint64_t review_written, review_moot, clusters, singletons, largest;
	uint64_t kept, fresh;
} N;

/* ---- reading side files ---- */

typedef int (*line_fn)(struct dq_record *r, const struct dq_item *it);

/*
 * Read a side file (decisions, previous map) with the strict side-file
 * reader: a line that is not a JSON object stops the run (exit 2, file
 * and line named), since a decision or a map entry with a hole would
 * silently merge what a person kept apart or renumber a cluster.
 */
static void
read_side(const char *path, line_fn fn)
{
	struct dq_sidefile sf;
	struct dq_item it;
	int rc;

	dq_sidefile_init(&sf);
	if (dq_sidefile_open(&sf, path))
		exit(2);
	memset(&it, 0, sizeof(it));
	it.file = path;
	while ((rc = dq_sidefile_next(&sf)) > 0) {
		it.line = sf.line;
		if (fn(&sf.rec, &it))
			exit(2);
	}
	dq_sidefile_release(&sf);
	if (rc < 0)
		exit(2);
}

/*
 * --records, read like the pairs (lib/par): a worker validates a line and
 * names the record; the main thread, in file order, files it under its
 * id.  The entry: 0 for a number id, 1 for a string, 2 for none (named by
 * its line), the line (a long), then the id and the record text (each a
 * 4-byte length and the bytes).
 */
struct wstate {
	struct dq_buf id;
};

static void *
worker_start(void *ctx, int w)
{
	struct wstate *s = dq_xcalloc(1, sizeof(*s));
	(void)ctx;
	(void)w;
	return s;
}

static void
worker_finish(void *ctx, void *ws, int w)
{
	struct wstate *s = ws;
	(void)ctx;
	(void)w;
	dq_buf_release(&s->id);
	free(s);
}

static void add_u32(struct dq_buf *b, size_t n);
static const char *take(const char **p, size_t *n);

static int
rec_record(void *ws, struct dq_record *r, const struct dq_item *it,
	   uint64_t seq, struct dq_buf *out, const char **reject)
{
	struct wstate *s = ws;
	dq_buf_reset(&s->id);
	int str = dq_meta_id(r, &run.ident, &s->id);
	(void)seq;
	(void)reject;
	if (str < 0) {
		/* Named by its line, as _dq.row would have named it had
		 * dq-merge been the first program to read it. */
		dq_buf_reset(&s->id);
		dq_buf_add_int(&s->id, it->line);
		str = 2;
	}
	dq_buf_addch(out, (char)str);
	dq_buf_add(out, (const char *)&it->line, sizeof(it->line));
	add_u32(out, s->id.len);
	dq_buf_add(out, s->id.buf, s->id.len);
	add_u32(out, r->len);
	dq_buf_add(out, r->text, r->len);
	return 1;
}

/* The line of each record of --records, by its index in the id table. */
static long *rec_line;
static size_t rec_linecap;

/* A record of --records whose id an earlier record has: rejected (its
 * line, the reason naming the first one) or, with --duplicate-ids error,
 * the end of the run. */
static void
duplicate_id(uint32_t nd, const char *id, size_t il, long line,
	     const char *text, size_t tl)
{
	char reason[160];
	int n = il > 60 ? 60 : (int)il;

	N.dup_ids++;
	snprintf(reason, sizeof(reason),
		 "duplicate id '%.*s%s' (first at line %ld)", n, id,
		 il > 60 ? "..." : "", rec_line[T.node[nd].rec]);
	if (O.dup_error)
		dq_die("%s:%ld: %s", O.records, line, reason);
	run.item.file = O.records;
	run.item.line = line;
	run.item.offset = UINT64_MAX;
	run.item.raw = text;
	run.item.rawlen = tl;
	dq_run_reject(&run, reason, 0);
}

static void
rec_consume(void *ctx, const char *out, size_t len)
{
	const char *p = out, *e = out + len;
	(void)ctx;
	while (p < e) {
		int str = (unsigned char)*p++;
		long line;
		size_t il, tl;
		memcpy(&line, p, sizeof(line));
		p += sizeof(line);
		const char *id = take(&p, &il);
		const char *text = take(&p, &tl);
		N.records++;
		if (str == 2) {
			N.no_id++;
			str = 0;
		}
		uint32_t nd = dq_idtable_get(&T, id, il, str, 1);
		if (T.node[nd].rec != UINT32_MAX) {
			/* Two records, one id: merging them would be a
			 * confident wrong answer (two people, one id). */
			duplicate_id(nd, id, il, line, text, tl);
			continue;
		}
		dq_idtable_add_record(&T, nd, text, tl);
		if (T.nrec > rec_linecap) {
			rec_linecap = rec_linecap ? 2 * rec_linecap : 1024;
			rec_line = dq_xrealloc(rec_line, rec_linecap *
							       sizeof(*rec_line));
		}
		rec_line[T.nrec - 1] = line;
	}
}

/* Read --records through lib/par: the run's input is set to the file
 * for the while, and its counts (which are of the pairs) kept. */
static void
read_records(int jobs)
{
	static const struct dq_par_work work = {
		.start = worker_start,
		.record = rec_record,
		.finish = worker_finish,
		.consume = rec_consume,
	};
	struct dq_input saved = run.in;
	uint64_t n_in = run.n_in;
	char *files[1] = { (char *)O.records };

	dq_input_init(&run.in);
	run.in.files = files;
	run.in.nfiles = 1;
	run.in.csv = saved.csv;
	run.in.format = saved.format;
	dq_par_run(&run, jobs, &work);
	dq_input_release(&run.in);
	run.in = saved;
	run.n_in = n_in;
}

/* ---- pairs ---- */

struct review {
	const char *line;
	uint32_t len;
	uint32_t a, b; /* nodes */
	double score;
	int decided;
	int held;      /* a match pair cut by a hold: its line is built */
	int guarded;   /* dq-score's guard held it (_dq.guard) */
};

static struct dq_cluster_edge *edges;
static size_t nedges, edgecap;
static struct review *reviews;
static size_t nreviews, reviewcap;
static struct dq_record pair, meta;

static void
edge_add(uint32_t a, uint32_t b, double score, uint32_t flags)
{
	if (nedges == edgecap) {
		edgecap = edgecap ? 2 * edgecap : 1024;
		edges = dq_xrealloc(edges, edgecap * sizeof(*edges));
	}
	edges[nedges++] = (struct dq_cluster_edge){ a, b, flags, 0, score };
}

/*
 * Pairs are parsed in worker threads (lib/par): a worker validates the
 * line, reads _dq.score, _dq.decision and the two ids, and hands the main
 * thread a short entry; the main thread, in input order, names the ids
 * (the id table is its own) and keeps the edges and review pairs.  The
 * entry: the decision (1 byte: 0 match, 1 review, 2 distinct), the score
 * (a double), per side whether the id is a string (1 byte), the id and
 * the record text (each a 4-byte length and the bytes), and for a
 * review pair with --review the line (a length and the bytes).  A
 * worker keeps a struct wstate, as for the records.
 */
static void
add_u32(struct dq_buf *b, size_t n)
{
	uint32_t v = (uint32_t)n;
	dq_buf_add(b, (const char *)&v, 4);
}

/* Side "a" or "b" of a pair into the entry; the reason when it has no
 * record or no id. */
static const char *
entry_side(struct wstate *s, const struct dq_record *pr, const char *name,
	   struct dq_buf *out)
{
	long i = dq_record_find(pr, name, 1);
	if (i < 0 || pr->m[i].type != DQ_JSON_OBJECT)
		return name[0] == 'a' ? "pair has no record 'a'"
				      : "pair has no record 'b'";
	dq_buf_reset(&s->id);
	int str = dq_meta_id_text(pr->m[i].val, pr->m[i].vallen,
				  &run.ident, &s->id);
	if (str < 0)
		return name[0] == 'a' ? "record 'a' has no id and no _dq.row"
				      : "record 'b' has no id and no _dq.row";
	dq_buf_addch(out, (char)str);
	add_u32(out, s->id.len);
	dq_buf_add(out, s->id.buf, s->id.len);
	add_u32(out, pr->m[i].vallen);
	dq_buf_add(out, pr->m[i].val, pr->m[i].vallen);
	return NULL;
}

static int
pair_record(void *ws, struct dq_record *pr, const struct dq_item *it,
	    uint64_t seq, struct dq_buf *out, const char **reject)
{
	struct wstate *s = ws;
	long i = pr->dq;
	size_t start = out->len;
	double score;
	char *end;
	(void)it;
	(void)seq;

	if (i < 0 || pr->m[i].type != DQ_JSON_OBJECT) {
		*reject = "pair has no _dq object";
		return -1;
	}
	struct dq_member sc, d;
	if (!dq_meta_find(pr, "score", 5, &sc) || sc.type != DQ_JSON_NUMBER) {
		*reject = "pair has no number _dq.score";
		return -1;
	}
	char tmp[64];
	size_t n = sc.vallen < 63 ? sc.vallen : 63;
	memcpy(tmp, sc.val, n);
	tmp[n] = 0;
	score = strtod(tmp, &end);
	int kind = -1;
	if (dq_meta_find(pr, "decision", 8, &d) && d.type == DQ_JSON_STRING) {
		if (d.vallen == 7 && !memcmp(d.val, "\"match\"", 7))
			kind = 0;
		else if (d.vallen == 8 && !memcmp(d.val, "\"review\"", 8))
			kind = 1;
		else if (d.vallen == 10 && !memcmp(d.val, "\"distinct\"", 10))
			kind = 2;
	}
	if (kind < 0) {
		*reject = "pair has no _dq.decision match, review or distinct";
		return -1;
	}
	/* A review pair the household guard held (dq-score): 3. */
	if (kind == 1 && dq_meta_find(pr, "guard", 5, &d) &&
	    d.type == DQ_JSON_STRING)
		kind = 3;
	dq_buf_addch(out, (char)kind);
	dq_buf_add(out, (const char *)&score, sizeof(score));
	if ((*reject = entry_side(s, pr, "a", out)) ||
	    (*reject = entry_side(s, pr, "b", out))) {
		out->len = start;
		return -1;
	}
	if ((kind == 1 || kind == 3) && O.review) {
		add_u32(out, pr->len);
		dq_buf_add(out, pr->text, pr->len);
	}
	return 1;
}

/* The id and node of the last pair's "a". */
static struct dq_buf last = DQ_BUF_INIT;
static uint32_t last_nd = UINT32_MAX;
static int last_str;

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

/* The node of a pair's side from its entry; *p moves past it. */
static uint32_t
side_node(const char **p, int a)
{
	int str = (unsigned char)*(*p)++;
	size_t il, rl;
	const char *id = take(p, &il);
	const char *rec = take(p, &rl);
	uint32_t nd;

	/* Pairs come block by block, so "a" is often the last pair's
	 * "a": its node is remembered. */
	if (a && last_nd != UINT32_MAX && str == last_str &&
	    il == last.len && !memcmp(id, last.buf, il))
		return last_nd;
	nd = dq_idtable_get(&T, id, il, str, 1);
	if (a) {
		dq_buf_reset(&last);
		dq_buf_add(&last, id, il);
		last_nd = nd;
		last_str = str;
	}
	if (T.node[nd].rec == UINT32_MAX) {
		/* Without --records the pairs bring the records; with it,
		 * an id it lacks is counted. */
		if (O.records)
			N.pair_only_ids++;
		dq_idtable_add_record(&T, nd, rec, rl);
	}
	return nd;
}

static void
pair_consume(void *ctx, const char *out, size_t len)
{
	const char *p = out, *e = out + len;
	(void)ctx;

	while (p < e) {
		int kind = (unsigned char)*p++;
		double score;
		memcpy(&score, p, sizeof(score));
		p += sizeof(score);
		uint32_t a = side_node(&p, 1);
		uint32_t b = side_node(&p, 0);
		const char *line = NULL;
		size_t linelen = 0;
		int guarded = kind == 3;
		if (guarded)
			kind = 1;
		if (kind == 1 && O.review)
			line = take(&p, &linelen);
		if (a == b) {
			N.self++;
			continue;
		}
		if (kind == 0) {
			N.match++;
			edge_add(a, b, score, 0);
		} else if (kind == 1) {
			N.review++;
			if (nreviews == reviewcap) {
				reviewcap = reviewcap ? 2 * reviewcap : 256;
				reviews = dq_xrealloc(reviews,
						      reviewcap *
							      sizeof(*reviews));
			}
			reviews[nreviews++] = (struct review){
				line ? dq_arena_dup(&arena, line, linelen)
				     : NULL,
				(uint32_t)linelen, a, b, score, 0, 0,
				guarded
			};
		} else {
			N.distinct++;
		}
	}
}

/* ---- decisions ---- */

/* A person's decisions: (min node << 32 | max node) -> 1 match, 2
 * distinct; | 4 once applied. */
static struct dq_u64map dec;

static uint64_t
pair_key(uint32_t a, uint32_t b)
{
	return a < b ? ((uint64_t)a << 32 | b) : ((uint64_t)b << 32 | a);
}

/* A decision's a or b: an id (string or number) or a whole record. */
static uint32_t
decision_side(struct dq_record *r, const char *name, const struct dq_item *it)
{
	long i = dq_record_find(r, name, 1);
	int str = DQ_META_ID_NONE;

	dq_buf_reset(&idbuf);
	if (i >= 0 && r->m[i].type == DQ_JSON_OBJECT)
		str = dq_meta_id_text(r->m[i].val, r->m[i].vallen,
				      &run.ident, &idbuf);
	else if (i >= 0)
		str = dq_meta_id_value(&r->m[i], &idbuf);
	if (str < 0)
		goto bad;
	return dq_idtable_get(&T, idbuf.buf, idbuf.len, str, 0);
bad:
	dq_error("%s:%ld: decision: '%s' must be an id or a record with "
		 "one", it->file, it->line, name);
	return UINT32_MAX - 1;
}

static int
on_decision(struct dq_record *r, const struct dq_item *it)
{
	long d = dq_record_find(r, "decision", 8);
	uint8_t v;

	if (d < 0 || r->m[d].type == DQ_JSON_NULL ||
	    (r->m[d].type == DQ_JSON_STRING && r->m[d].vallen == 2)) {
		N.dec_undecided++;
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
				it->file, it->line);
	uint32_t a = decision_side(r, "a", it);
	if (a == UINT32_MAX - 1)
		return -1;
	uint32_t b = decision_side(r, "b", it);
	if (b == UINT32_MAX - 1)
		return -1;
	if (a == UINT32_MAX || b == UINT32_MAX || a == b) {
		N.dec_unknown++;
		return 0;
	}
	/* A later line on the same pair wins: the person changed their
	 * mind. */
	dq_u64map_put(&dec, pair_key(a, b), v);
	return 0;
}

/* ---- previous map (lib/er/idmap.h) ---- */

static struct dq_idmap IM;

static int
on_previous(struct dq_record *r, const struct dq_item *it)
{
	return dq_idmap_read(&IM, r, &run.ident, &T, it->file, it->line);
}

/* ---- clustering ---- */

static uint32_t *order; /* rank -> node */
static uint32_t *rankof; /* node -> rank */

#define EDGE_UNDONE (1u << 16)

static struct dq_cluster_stats cst;
static uint32_t *distinct_pairs; /* a person's distinct pairs, as ranks */
static size_t ndistinct_pairs;
static uint32_t *rep;         /* rank -> smallest rank of its cluster */
static uint32_t *cstart;      /* cluster index -> first in members */
static uint32_t *members;     /* ranks grouped by cluster, ascending */
static uint32_t *cluster_of;  /* rep rank -> cluster index */
static size_t nclusters;

static int
cmp_prev(const void *x, const void *y)
{
	const struct dq_id *a = &T.node[*(const uint32_t *)x];
	const struct dq_id *b = &T.node[*(const uint32_t *)y];
	size_t n = a->prevlen < b->prevlen ? a->prevlen : b->prevlen;
	int c = memcmp(a->prev, b->prev, n);
	if (c)
		return c;
	if (a->prevlen != b->prevlen)
		return a->prevlen < b->prevlen ? -1 : 1;
	uint32_t ra = rankof[*(const uint32_t *)x];
	uint32_t rb = rankof[*(const uint32_t *)y];
	return (ra > rb) - (ra < rb);
}

/*
 * The clusters of --previous-map, as edges taken last (DQ_EDGE_KEEP): the
 * members of an earlier cluster, in id order, each joined to the next.
 * So a run with only the new pairs keeps every earlier cluster, unless
 * this run's evidence (a person's distinct pair, a hold, the cap) splits
 * it.
 */
static void
add_previous_edges(void)
{
	uint32_t *nd;
	size_t n = 0;

	if (!O.prev_map)
		return;
	nd = dq_xmalloc((T.n + 1) * sizeof(*nd));
	for (size_t k = 0; k < T.n; k++)
		if (T.node[k].prev)
			nd[n++] = (uint32_t)k;
	qsort(nd, n, sizeof(*nd), cmp_prev);
	for (size_t k = 1; k < n; k++) {
		const struct dq_id *a = &T.node[nd[k - 1]], *b = &T.node[nd[k]];
		if (a->prevlen == b->prevlen &&
		    !memcmp(a->prev, b->prev, a->prevlen))
			edge_add(nd[k - 1], nd[k], -1, DQ_EDGE_KEEP);
	}
	free(nd);
}

static void
cluster(const struct dq_survive *sv)
{
	size_t k;

	order = dq_xmalloc((T.n + 1) * sizeof(*order));
	rankof = dq_xmalloc((T.n + 1) * sizeof(*rankof));
	dq_idtable_order(&T, order, rankof);

	/* Decisions on match pairs. */
	for (k = 0; k < nedges; k++) {
		uint8_t *d = dq_u64map_get(&dec, pair_key(edges[k].a,
							   edges[k].b));
		if (!d)
			continue;
		*d |= 4;
		if ((*d & 3) == 1) {
			edges[k].flags |= DQ_EDGE_PINNED;
		} else {
			edges[k].flags |= EDGE_UNDONE;
			N.undone++;
		}
	}
	/* Decisions on review pairs; the rest go to the review file. */
	for (k = 0; k < nreviews; k++) {
		uint8_t *d = dq_u64map_get(&dec, pair_key(reviews[k].a,
							   reviews[k].b));
		if (!d)
			continue;
		reviews[k].decided = 1;
		N.overridden_review++;
		if ((*d & 7) == 1)
			edge_add(reviews[k].a, reviews[k].b, reviews[k].score,
				 DQ_EDGE_PINNED);
		*d |= 4;
	}
	/* Decided matches that no pair proposed; and the cannot-links. */
	uint32_t *cannot = NULL;
	size_t ncannot = 0;
	uint64_t dk;
	uint8_t *dv;
	for (size_t it = 0; dq_u64map_next(&dec, &it, &dk, &dv);) {
		uint32_t a = (uint32_t)(dk >> 32);
		uint32_t b = (uint32_t)dk;
		if ((*dv & 3) == 1)
			N.dec_match++;
		else
			N.dec_distinct++;
		if (*dv == 1) {
			edge_add(a, b, -1, DQ_EDGE_PINNED);
			N.dec_new_edges++;
		} else if ((*dv & 3) == 2) {
			cannot = dq_xrealloc(cannot, (ncannot + 1) * 2 *
							     sizeof(*cannot));
			cannot[2 * ncannot] = rankof[a];
			cannot[2 * ncannot + 1] = rankof[b];
			ncannot++;
		}
	}

	add_previous_edges();

	/* The undone edges go last and stay out of the clustering. */
	size_t active = 0;
	for (k = 0; k < nedges; k++)
		if (!(edges[k].flags & EDGE_UNDONE)) {
			struct dq_cluster_edge t = edges[active];
			edges[active++] = edges[k];
			edges[k] = t;
		}
	for (k = 0; k < nedges; k++) {
		edges[k].a = rankof[edges[k].a];
		edges[k].b = rankof[edges[k].b];
	}
	/* The pairs held for a person's review (--hold): no chain of
	 * scored matches may join them before the person answers. */
	uint32_t *hold = dq_xmalloc((2 * nreviews + 1) * sizeof(*hold));
	size_t nhold = 0;
	for (k = 0; k < nreviews; k++)
		if (!reviews[k].decided && O.hold != HOLD_NONE &&
		    (O.hold == HOLD_REVIEW || reviews[k].guarded)) {
			hold[2 * nhold] = rankof[reviews[k].a];
			hold[2 * nhold + 1] = rankof[reviews[k].b];
			nhold++;
		}
	struct dq_cluster_opts co = { -1, 0, hold, nhold };
	co.weak_link = O.weak_set ? O.weak_link : sv->weak_link;
	co.max_size = O.max_set ? (size_t)O.max_size : (size_t)sv->max_size;
	rep = dq_xmalloc((T.n + 1) * sizeof(*rep));
	dq_cluster_run(T.n, edges, active, cannot, ncannot, &co, rep, &cst);
	for (k = active; k < nedges; k++)
		edges[k].flags = EDGE_UNDONE;
	free(hold);
	distinct_pairs = cannot;
	ndistinct_pairs = ncannot;

	/* Members grouped by cluster: clusters in the order of their
	 * smallest rank, members ascending. */
	cluster_of = dq_xmalloc((T.n + 1) * sizeof(*cluster_of));
	cstart = dq_xcalloc(T.n + 2, sizeof(*cstart));
	members = dq_xmalloc((T.n + 1) * sizeof(*members));
	nclusters = dq_cluster_groups(T.n, rep, cluster_of, cstart, members);
}

/* ---- cluster ids (lib/er/clusterid.c) ---- */

static struct dq_clusterid CI;

static void
assign_ids(void)
{
	struct dq_clusterid_in in = { nclusters, cstart, NULL, NULL, NULL,
				      NULL, NULL };
	const char **first = dq_xmalloc((nclusters + 1) * sizeof(*first));
	uint32_t *firstlen = dq_xmalloc((nclusters + 1) * sizeof(*firstlen));
	const char **prev = NULL;
	uint32_t *prevlen = NULL;

	for (size_t i = 0; i < nclusters; i++) {
		const struct dq_id *nd = &T.node[order[members[cstart[i]]]];
		first[i] = nd->key;
		firstlen[i] = nd->keylen;
	}
	in.first = first;
	in.firstlen = firstlen;
	if (O.prev_map) {
		prev = dq_xmalloc((T.n + 1) * sizeof(*prev));
		prevlen = dq_xmalloc((T.n + 1) * sizeof(*prevlen));
		for (size_t k = 0; k < T.n; k++) {
			const struct dq_id *nd = &T.node[order[members[k]]];
			prev[k] = nd->prev;
			prevlen[k] = nd->prevlen;
		}
		in.prev = prev;
		in.prevlen = prevlen;
		in.old = &IM.old_ids;
	}
	dq_clusterid_assign(&CI, &in);
	N.kept = CI.kept;
	N.fresh = CI.fresh;
	free(first);
	free(firstlen);
	free(prev);
	free(prevlen);
}

/* ---- output ---- */

static void
add_score(struct dq_buf *b, double s)
{
	char tmp[40];
	if (s < 0) {
		dq_buf_addstr(b, "null");
		return;
	}
	/* The shortest text that reads back as the same double. */
	for (int p = 1; p <= 17; p++) {
		snprintf(tmp, sizeof(tmp), "%.*g", p, s);
		if (strtod(tmp, NULL) == s)
			break;
	}
	dq_buf_addstr(b, tmp);
}

static const char *
edge_why(uint32_t f)
{
	if (f & EDGE_UNDONE)
		return "decision";
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
	return "?";
}

static void
add_edge(struct dq_buf *b, const struct dq_cluster_edge *e, int used)
{
	dq_buf_addstr(b, "{\"a\":");
	dq_idtable_add_json(b, &T.node[order[e->a < e->b ? e->a : e->b]]);
	dq_buf_addstr(b, ",\"b\":");
	dq_idtable_add_json(b, &T.node[order[e->a < e->b ? e->b : e->a]]);
	dq_buf_addstr(b, ",\"score\":");
	add_score(b, e->score);
	if (used)
		dq_buf_addstr(b, (e->flags & DQ_EDGE_PINNED)
					 ? ",\"by\":\"decision\"}"
				 : (e->flags & DQ_EDGE_KEEP)
					 ? ",\"by\":\"previous\"}"
					 : ",\"by\":\"score\"}");
	else {
		dq_buf_addstr(b, ",\"why\":\"");
		dq_buf_addstr(b, edge_why(e->flags));
		dq_buf_addstr(b, "\"}");
	}
}

static int
cmp_edge_ids(const void *x, const void *y)
{
	const struct dq_cluster_edge *a = &edges[*(const uint32_t *)x];
	const struct dq_cluster_edge *b = &edges[*(const uint32_t *)y];
	uint32_t a0 = a->a < a->b ? a->a : a->b, a1 = a->a ^ a->b ^ a0;
	uint32_t b0 = b->a < b->b ? b->a : b->b, b1 = b->a ^ b->b ^ b0;
	if (a0 != b0)
		return a0 < b0 ? -1 : 1;
	if (a1 != b1)
		return a1 < b1 ? -1 : 1;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return (a->flags > b->flags) - (a->flags < b->flags);
}

static void
write_golden(const struct dq_survive *sv, struct dq_out *log)
{
	struct dq_survive_out so;
	struct dq_record *rr = NULL;
	size_t rrcap = 0;
	const char **ids = NULL;
	size_t *idlen = NULL;
	struct dq_buf idtext = DQ_BUF_INIT;
	size_t *idoff = NULL;
	size_t i, k;

	/* Edges by cluster, for the log: joined edges under their
	 * cluster, cut edges under both ends' clusters. */
	uint32_t *estart = NULL, *elist = NULL;
	if (log->fd >= 0) {
		estart = dq_xcalloc(nclusters + 2, sizeof(*estart));
		for (k = 0; k < nedges; k++) {
			uint32_t ca = cluster_of[rep[edges[k].a]];
			uint32_t cb = cluster_of[rep[edges[k].b]];
			estart[ca + 1]++;
			if (cb != ca)
				estart[cb + 1]++;
		}
		for (i = 0; i < nclusters; i++)
			estart[i + 1] += estart[i];
		elist = dq_xmalloc((estart[nclusters] + 1) * sizeof(*elist));
		uint32_t *fill = dq_xmalloc((nclusters + 1) * sizeof(*fill));
		memcpy(fill, estart, (nclusters + 1) * sizeof(*fill));
		for (k = 0; k < nedges; k++) {
			uint32_t ca = cluster_of[rep[edges[k].a]];
			uint32_t cb = cluster_of[rep[edges[k].b]];
			elist[fill[ca]++] = (uint32_t)k;
			if (cb != ca)
				elist[fill[cb]++] = (uint32_t)k;
		}
		free(fill);
	}

	dq_survive_out_init(&so);
	so.want_rules = log->fd >= 0;
	for (i = 0; i < nclusters; i++) {
		size_t nm = cstart[i + 1] - cstart[i], nr = 0;
		if (nm > N.largest)
			N.largest = nm;
		N.singletons += nm == 1;
		dq_buf_reset(&idtext);
		for (k = cstart[i]; k < cstart[i + 1]; k++) {
			uint32_t nd = order[members[k]];
			size_t off = idtext.len;
			dq_idtable_add_json(&idtext, &T.node[nd]);
			for (uint32_t r = T.node[nd].rec; r != UINT32_MAX;
			     r = T.rec[r].next) {
				if (nr == rrcap) {
					size_t o = rrcap;
					rrcap = rrcap ? 2 * rrcap : 16;
					rr = dq_xrealloc(rr, rrcap *
								 sizeof(*rr));
					ids = dq_xrealloc(ids, rrcap *
								   sizeof(*ids));
					idlen = dq_xrealloc(
						idlen, rrcap * sizeof(*idlen));
					idoff = dq_xrealloc(
						idoff, rrcap * sizeof(*idoff));
					for (; o < rrcap; o++)
						dq_record_init(&rr[o]);
				}
				struct dq_json_error err;
				dq_json_scan(&rr[nr], T.rec[r].text,
					     T.rec[r].len, &err);
				idoff[nr] = off;
				idlen[nr] = idtext.len - off;
				nr++;
			}
		}
		for (k = 0; k < nr; k++)
			ids[k] = idtext.buf + idoff[k];
		dq_survive_build(sv, rr, nr, ids, idlen, &so);

		struct dq_buf *b = &run.out.b;
		dq_buf_addch(b, '{');
		dq_buf_add(b, so.fields.buf, so.fields.len);
		dq_buf_addstr(b, so.fields.len ? ",\"_dq\":{\"cluster\":"
					       : "\"_dq\":{\"cluster\":");
		dq_buf_add_json_string(b, CI.id[i], strlen(CI.id[i]));
		dq_buf_addstr(b, ",\"members\":[");
		for (k = cstart[i]; k < cstart[i + 1]; k++) {
			if (k > cstart[i])
				dq_buf_addch(b, ',');
			dq_idtable_add_json(b, &T.node[order[members[k]]]);
		}
		dq_buf_addstr(b, "],\"provenance\":{");
		dq_buf_add(b, so.prov.buf, so.prov.len);
		if (so.orig.len) {
			/* dq-normalize --keep-original: the originals of the
			 * values that survived. */
			dq_buf_addstr(b, "},\"orig\":{");
			dq_buf_add(b, so.orig.buf, so.orig.len);
		}
		dq_buf_addstr(b, "}}}");
		dq_run_emit(&run);

		if (log->fd < 0)
			continue;
		size_t ne = estart[i + 1] - estart[i];
		if (nm < 2 && !ne)
			continue;
		uint32_t *el = elist + estart[i];
		qsort(el, ne, sizeof(*el), cmp_edge_ids);
		b = &log->b;
		dq_buf_addstr(b, "{\"cluster\":");
		dq_buf_add_json_string(b, CI.id[i], strlen(CI.id[i]));
		dq_buf_addf(b, ",\"size\":%zu,\"members\":[", nm);
		for (k = cstart[i]; k < cstart[i + 1]; k++) {
			if (k > cstart[i])
				dq_buf_addch(b, ',');
			dq_idtable_add_json(b, &T.node[order[members[k]]]);
		}
		dq_buf_addstr(b, "],\"joined\":[");
		int first = 1;
		for (k = 0; k < ne; k++)
			if (edges[el[k]].flags & DQ_EDGE_USED) {
				if (!first)
					dq_buf_addch(b, ',');
				first = 0;
				add_edge(b, &edges[el[k]], 1);
			}
		dq_buf_addstr(b, "],\"cut\":[");
		first = 1;
		for (k = 0; k < ne; k++)
			if (!(edges[el[k]].flags & DQ_EDGE_USED)) {
				if (!first)
					dq_buf_addch(b, ',');
				first = 0;
				add_edge(b, &edges[el[k]], 0);
			}
		dq_buf_addstr(b, "],\"rules\":{");
		dq_buf_add(b, so.rules.buf, so.rules.len);
		dq_buf_addstr(b, "},\"ties\":[");
		dq_buf_add(b, so.ties.buf, so.ties.len);
		dq_buf_addstr(b, "]}\n");
		dq_out_commit(log);
	}
	for (k = 0; k < rrcap; k++)
		dq_record_release(&rr[k]);
	free(rr);
	free(ids);
	free(idlen);
	free(idoff);
	free(estart);
	free(elist);
	dq_buf_release(&idtext);
	dq_survive_out_release(&so);
}

static void
write_map(void)
{
	struct dq_out o;
	dq_out_init(&o);
	if (dq_out_open(&o, O.map))
		exit(2);
	for (size_t i = 0; i < T.n; i++) {
		dq_idmap_line(&IM, &o.b, &T, order[i], run.id_field,
			      CI.id[cluster_of[rep[i]]], O.seen);
		dq_out_commit(&o);
	}
	/* The ids of the previous map this run did not see, as they were
	 * (their last_seen tells when they were last seen). */
	dq_buf_add(&o.b, IM.vanished.buf, IM.vanished.len);
	dq_out_commit(&o);
	dq_out_close(&o);
}

static int
cmp_review(const void *x, const void *y)
{
	const struct review *a = x, *b = y;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	uint32_t a0 = rankof[a->a] < rankof[a->b] ? rankof[a->a] : rankof[a->b];
	uint32_t a1 = rankof[a->a] ^ rankof[a->b] ^ a0;
	uint32_t b0 = rankof[b->a] < rankof[b->b] ? rankof[b->a] : rankof[b->b];
	uint32_t b1 = rankof[b->a] ^ rankof[b->b] ^ b0;
	if (a0 != b0)
		return a0 < b0 ? -1 : 1;
	return (a1 > b1) - (a1 < b1);
}

/* 1 when the pair's _dq says "slim":true (dq-block --slim). */
static int
is_slim(const struct dq_record *p)
{
	struct dq_member m;
	return dq_meta_find(p, "slim", 4, &m) && m.type == DQ_JSON_TRUE;
}

/* Replace pair side "a" or "b" by the first record of node nd as read
 * from --records (an id only in pairs keeps the pair's record). */
static void
whole_side(struct dq_record *p, const char *name, uint32_t nd)
{
	long i = dq_record_find(p, name, 1);
	uint32_t k = T.node[nd].rec;
	if (i >= 0 && k != UINT32_MAX)
		dq_record_set(p, (size_t)i, T.rec[k].text, T.rec[k].len,
			      DQ_JSON_OBJECT);
}

/* The text of node nd's first record (the pair's or --records'). */
static void
add_record(struct dq_buf *b, uint32_t nd)
{
	uint32_t k = T.node[nd].rec;
	if (k == UINT32_MAX)
		dq_buf_addstr(b, "{}");
	else
		dq_buf_add(b, T.rec[k].text, T.rec[k].len);
}

/*
 * The match pairs that a hold cut (DQ_EDGE_HELD) go to the review file
 * beside the pairs held: a chain of matches would have joined a held
 * pair, and the person decides which link is right.  Their line is
 * built from the records: {"a":...,"b":...,"_dq":{"score":S,
 * "decision":"match","cut":"held"}}.
 */
static void
add_held_reviews(void)
{
	struct dq_buf b = DQ_BUF_INIT;

	for (size_t k = 0; k < nedges; k++) {
		const struct dq_cluster_edge *e = &edges[k];
		if (!(e->flags & DQ_EDGE_HELD))
			continue;
		uint32_t a = order[e->a < e->b ? e->a : e->b];
		uint32_t bn = order[e->a < e->b ? e->b : e->a];
		dq_buf_reset(&b);
		dq_buf_addstr(&b, "{\"a\":");
		add_record(&b, a);
		dq_buf_addstr(&b, ",\"b\":");
		add_record(&b, bn);
		dq_buf_addstr(&b, ",\"_dq\":{\"score\":");
		add_score(&b, e->score);
		dq_buf_addstr(&b, (e->flags & DQ_EDGE_KEEP)
					  ? ",\"decision\":\"match\",\"by\":\"previous\",\"cut\":\"held\"}}"
					  : ",\"decision\":\"match\",\"cut\":\"held\"}}");
		if (nreviews == reviewcap) {
			reviewcap = reviewcap ? 2 * reviewcap : 256;
			reviews = dq_xrealloc(reviews,
					      reviewcap * sizeof(*reviews));
		}
		reviews[nreviews++] = (struct review){
			dq_arena_dup(&arena, b.buf, b.len), (uint32_t)b.len,
			a, bn, e->score, 0, 1, 0
		};
	}
	dq_buf_release(&b);
}

/* Cluster pair key, smaller first. */
static uint64_t
cluster_pair(uint32_t ca, uint32_t cb)
{
	return ca < cb ? ((uint64_t)ca << 32 | cb) : ((uint64_t)cb << 32 | ca);
}

static void
write_review(void)
{
	struct dq_out o;
	struct dq_json_error err;
	struct dq_buf meta_b = DQ_BUF_INIT, tmp = DQ_BUF_INIT;
	struct dq_u64map apart;

	dq_out_init(&o);
	if (dq_out_open(&o, O.review))
		exit(2);
	/* Clusters that a person's distinct pair keeps apart: a review
	 * pair between them has no answer left to give. */
	dq_u64map_init(&apart);
	for (size_t k = 0; k < ndistinct_pairs; k++)
		dq_u64map_put(&apart,
			      cluster_pair(cluster_of[rep[distinct_pairs[2 * k]]],
					   cluster_of[rep[distinct_pairs[2 * k + 1]]]),
			      1);
	/* Records a person's matches join (pinned edges alone). */
	struct dq_uf pinned;
	dq_uf_init(&pinned, T.n);
	for (size_t k = 0; k < nedges; k++)
		if ((edges[k].flags & (DQ_EDGE_PINNED | DQ_EDGE_USED)) ==
		    (DQ_EDGE_PINNED | DQ_EDGE_USED))
			dq_uf_union(&pinned, edges[k].a, edges[k].b);
	add_held_reviews();
	if (nreviews)
		qsort(reviews, nreviews, sizeof(*reviews), cmp_review);
	for (size_t i = 0; i < nreviews; i++) {
		const struct review *rv = &reviews[i];
		if (rv->decided)
			continue;
		uint32_t ka = cluster_of[rep[rankof[rv->a]]];
		uint32_t kb = cluster_of[rep[rankof[rv->b]]];
		if (dq_uf_find(&pinned, rankof[rv->a]) ==
			    dq_uf_find(&pinned, rankof[rv->b]) ||
		    dq_u64map_get(&apart, cluster_pair(ka, kb))) {
			/* Already joined by a person's matches, or kept
			 * apart by a person's distinct: moot. */
			N.review_moot++;
			continue;
		}
		dq_json_scan(&pair, rv->line, rv->len, &err);
		long d = dq_record_find(&pair, "decision", 8);
		if (d >= 0)
			dq_record_drop(&pair, (size_t)d);
		if (O.records && is_slim(&pair)) {
			/* dq-block --slim carried only the compared fields:
			 * the person deciding sees the whole records. */
			whole_side(&pair, "a", rv->a);
			whole_side(&pair, "b", rv->b);
		}
		dq_buf_reset(&meta_b);
		dq_buf_addstr(&meta_b, "\"ids\":[");
		dq_idtable_add_json(&meta_b, &T.node[rv->a]);
		dq_buf_addch(&meta_b, ',');
		dq_idtable_add_json(&meta_b, &T.node[rv->b]);
		dq_buf_addstr(&meta_b, "],\"clusters\":[");
		const char *ca = CI.id[ka];
		const char *cb = CI.id[kb];
		dq_buf_add_json_string(&meta_b, ca, strlen(ca));
		dq_buf_addch(&meta_b, ',');
		dq_buf_add_json_string(&meta_b, cb, strlen(cb));
		dq_buf_addch(&meta_b, ']');
		dq_buf_reset(&tmp);
		dq_record_write(&pair, meta_b.buf, meta_b.len, &tmp);
		dq_buf_addstr(&o.b, "{\"decision\":null,");
		dq_buf_add(&o.b, tmp.buf + 1, tmp.len - 1);
		dq_buf_addch(&o.b, '\n');
		dq_out_commit(&o);
		N.review_written++;
	}
	dq_out_close(&o);
	dq_uf_release(&pinned);
	dq_u64map_release(&apart);
	dq_buf_release(&meta_b);
	dq_buf_release(&tmp);
}

#define NUM(o, k, v) cJSON_AddNumberToObject(o, k, (double)(v))

static cJSON *
summary(void)
{
	cJSON *x = cJSON_CreateObject();
	cJSON *m = cJSON_AddObjectToObject(x, "merge");
	NUM(m, "records", N.records);
	NUM(m, "ids", T.n);
	NUM(m, "clusters", nclusters);
	NUM(m, "singletons", N.singletons);
	NUM(m, "merged_clusters", nclusters - N.singletons);
	NUM(m, "largest", N.largest);
	NUM(m, "records_without_id", N.no_id);
	NUM(m, "duplicate_ids", N.dup_ids);
	NUM(m, "ids_only_in_pairs", N.pair_only_ids);
	cJSON *p = cJSON_AddObjectToObject(m, "pairs");
	NUM(p, "match", N.match);
	NUM(p, "review", N.review);
	NUM(p, "distinct", N.distinct);
	NUM(p, "self", N.self);
	cJSON *d = cJSON_AddObjectToObject(m, "decisions");
	NUM(d, "match", N.dec_match);
	NUM(d, "distinct", N.dec_distinct);
	NUM(d, "undecided", N.dec_undecided);
	NUM(d, "unknown_ids", N.dec_unknown);
	NUM(d, "undone_matches", N.undone);
	NUM(d, "closed_reviews", N.overridden_review);
	NUM(d, "unscored_matches", N.dec_new_edges);
	cJSON *e = cJSON_AddObjectToObject(m, "cut");
	NUM(e, "weak_link", cst.weak);
	NUM(e, "distinct", cst.distinct);
	NUM(e, "max_size", cst.size);
	NUM(e, "conflict", cst.conflict);
	NUM(e, "held", cst.held);
	NUM(m, "review_written", N.review_written);
	NUM(m, "review_moot", N.review_moot);
	if (O.prev_map) {
		cJSON *c = cJSON_AddObjectToObject(m, "cluster_ids");
		NUM(c, "kept", N.kept);
		NUM(c, "new", N.fresh);
		NUM(m, "ids_vanished", IM.nvanished);
	}
	return x;
}

int
main(int argc, char **argv)
{
	static const struct dq_tool tool = {
		.name = "dq-merge",
		.synopsis = synopsis,
		.help = help,
		.shortopts = "j:",
		.longopts = longopts,
		.option = option,
	};
	struct dq_survive sv;
	struct dq_out log;

	dq_run_init(&run, &tool, argc, argv);
	if (dq_survive_load(&sv, dq_contract_get(&run.contract,
						 "survivorship")))
		return 2;
	dq_out_init(&log);
	if (O.log && dq_out_open(&log, O.log))
		return 2;
	dq_arena_init(&arena);
	dq_idtable_init(&T);
	dq_record_init(&pair);
	dq_record_init(&meta);
	dq_idmap_init(&IM);

	int jobs = O.jobs ? O.jobs : dq_par_default_jobs();
	if (O.records)
		read_records(jobs);
	static const struct dq_par_work work = {
		.start = worker_start,
		.record = pair_record,
		.finish = worker_finish,
		.consume = pair_consume,
	};
	dq_par_run(&run, jobs, &work);
	if (O.decisions)
		read_side(O.decisions, on_decision);
	if (O.prev_map)
		read_side(O.prev_map, on_previous);

	cluster(&sv);
	assign_ids();
	N.clusters = nclusters;
	if (cstart[nclusters] != T.n)
		dq_die("internal error: %u ids in clusters, %zu ids",
		       cstart[nclusters], T.n);
	write_golden(&sv, &log);
	dq_out_close(&log);
	if (O.map)
		write_map();
	if (O.review)
		write_review();

	if (!run.quiet && cst.conflict)
		dq_log(&run, "warn", "end",
		       "%zu decided matches contradict pairs marked distinct; "
		       "see the log",
		       cst.conflict);
	int status = dq_run_finish(&run, summary(), cst.conflict > 0);

	dq_clusterid_release(&CI);
	free(order);
	free(rankof);
	free(rep);
	free(cstart);
	free(members);
	free(cluster_of);
	free(edges);
	free(reviews);
	free(rec_line);
	free(distinct_pairs);
	dq_u64map_release(&dec);
	dq_idmap_release(&IM);
	dq_record_release(&pair);
	dq_record_release(&meta);
	dq_buf_release(&idbuf);
	dq_buf_release(&last);
	dq_idtable_release(&T);
	dq_arena_release(&arena);
	dq_survive_release(&sv);
	return status;
}
