/*
 * dq-merge - golden records from scored pairs: clusters, survivorship,
 * the id map, the review queue and a person's decisions.
 *
 * The story: read every record (--records) and every scored pair, naming
 * each record by its id; read a person's decisions (--decisions) and let
 * them override the scores; cluster the match edges and give each
 * cluster a stable id (lib/er/merge.c over er/cluster.c and
 * er/clusterid.c: weak links cut, cannot-link pairs, holds and the size
 * cap respected, an id from the smallest member id or --previous-map);
 * then write one golden record per cluster (lib/er/golden.c: fields
 * chosen by the contract's survivorship rules, er/survive.c), in the
 * order of the clusters' smallest member ids, then the map and the
 * review file.  Nothing depends on the order of the input lines, so the
 * output is byte-identical for the same records, pairs and decisions.
 * docs/merge.md describes the formats.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/opt.h"
#include "cli/par.h"
#include "cli/run.h"
#include "er/golden.h"
#include "er/merge.h"
#include "er/survive.h"
#include "stream/sidefile.h"

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
	"      --one-to-one      each record keeps at most one match in each\n"
	"                        other source (a link, each entity once in\n"
	"                        each source; the sources of a pair's\n"
	"                        _dq.sources, from dq-block --link of more\n"
	"                        than two files, else every other record is\n"
	"                        one source): a match that is not the best\n"
	"                        scored of both its records is dropped, one\n"
	"                        tied for a record's best goes to the review\n"
	"                        file, and no scored match puts two records\n"
	"                        of one source in a cluster\n"
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
	O_ONE,
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
	{ "one-to-one", no_argument, NULL, O_ONE },
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
	int hold;       /* --hold: DQ_MERGE_HOLD_* */
	int one;        /* --one-to-one */
} O;

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
	case O_ONE:
		O.one = 1;
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

static struct dq_run run;
static struct dq_merge M; /* the records, pairs, decisions, clusters */

/* ---- side files ---- */

typedef int (*line_fn)(struct dq_merge *m, const struct dq_record *r,
		       const struct dq_ident *how, const char *file,
		       long line);

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
	int rc;

	dq_sidefile_init(&sf);
	if (dq_sidefile_open(&sf, path))
		exit(2);
	while ((rc = dq_sidefile_next(&sf)) > 0)
		if (fn(&M, &sf.rec, &run.ident, path, sf.line))
			exit(2);
	dq_sidefile_release(&sf);
	if (rc < 0)
		exit(2);
}

/* ---- records and pairs, parsed in worker threads (lib/par) ---- */

/* A worker's scratch: the id of the line at hand. */
static void *
worker_start(void *ctx, int w)
{
	(void)ctx;
	(void)w;
	return dq_xcalloc(1, sizeof(struct dq_buf));
}

static void
worker_finish(void *ctx, void *ws, int w)
{
	(void)ctx;
	(void)w;
	dq_buf_release(ws);
	free(ws);
}

static int
rec_record(void *ws, struct dq_record *r, const struct dq_item *it,
	   uint64_t seq, struct dq_buf *out, const char **reject)
{
	(void)seq;
	(void)reject;
	dq_merge_record_entry(r, it->line, &run.ident, ws, out);
	return 1;
}

/* A record of --records whose id an earlier record has: rejected (its
 * line, the reason naming the first one) or, with --duplicate-ids error,
 * the end of the run. */
static void
duplicate_id(const struct dq_merge_dup *d)
{
	char reason[160];
	int n = d->idlen > 60 ? 60 : (int)d->idlen;

	snprintf(reason, sizeof(reason),
		 "duplicate id '%.*s%s' (first at line %ld)", n, d->id,
		 d->idlen > 60 ? "..." : "", d->first_line);
	if (O.dup_error)
		dq_die("%s:%ld: %s", O.records, d->line, reason);
	run.item.file = O.records;
	run.item.line = d->line;
	run.item.offset = UINT64_MAX;
	run.item.raw = d->text;
	run.item.rawlen = d->textlen;
	dq_run_reject(&run, reason, 0);
}

static void
rec_consume(void *ctx, const char *out, size_t len)
{
	const char *p = out, *e = out + len;
	struct dq_merge_dup d;
	(void)ctx;
	while (p < e)
		if (dq_merge_add_record(&M, &p, &d))
			duplicate_id(&d);
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

static int
pair_record(void *ws, struct dq_record *pr, const struct dq_item *it,
	    uint64_t seq, struct dq_buf *out, const char **reject)
{
	(void)it;
	(void)seq;
	*reject = dq_merge_pair_entry(pr, &run.ident, O.review != NULL, ws,
				      out);
	return *reject ? -1 : 1;
}

static void
pair_consume(void *ctx, const char *out, size_t len)
{
	(void)ctx;
	dq_merge_add_pairs(&M, out, len);
}

/* ---- output ---- */

static void
write_golden(const struct dq_survive *sv, struct dq_out *log)
{
	struct dq_golden g;

	dq_golden_init(&g, &M, sv, log->fd >= 0);
	for (size_t i = 0; i < M.nclusters; i++) {
		int logged = dq_golden_write(&g, i, &run.out.b, &log->b);
		dq_run_emit(&run);
		if (logged)
			dq_out_commit(log);
	}
	dq_golden_release(&g);
}

/* Write the side file path with fn (--map, --review). */
static void
write_side(const char *path, void (*fn)(struct dq_out *o))
{
	struct dq_out o;
	dq_out_init(&o);
	if (dq_out_open(&o, path))
		exit(2);
	fn(&o);
	dq_out_close(&o);
}

static void
map_lines(struct dq_out *o)
{
	dq_merge_write_map(&M, o, run.id_field, O.seen);
}

static void
review_lines(struct dq_out *o)
{
	dq_merge_write_review(&M, o);
}

#define NUM(o, k, v) cJSON_AddNumberToObject(o, k, (double)(v))

static cJSON *
summary(void)
{
	const struct dq_merge_counts *n = &M.n;
	cJSON *x = cJSON_CreateObject();
	cJSON *m = cJSON_AddObjectToObject(x, "merge");
	NUM(m, "records", n->records);
	NUM(m, "ids", M.t.n);
	NUM(m, "clusters", M.nclusters);
	NUM(m, "singletons", n->singletons);
	NUM(m, "merged_clusters", M.nclusters - n->singletons);
	NUM(m, "largest", n->largest);
	NUM(m, "records_without_id", n->no_id);
	NUM(m, "duplicate_ids", n->dup_ids);
	NUM(m, "ids_only_in_pairs", n->pair_only_ids);
	cJSON *p = cJSON_AddObjectToObject(m, "pairs");
	NUM(p, "match", n->match);
	NUM(p, "review", n->review);
	NUM(p, "distinct", n->distinct);
	NUM(p, "self", n->self);
	cJSON *d = cJSON_AddObjectToObject(m, "decisions");
	NUM(d, "match", n->dec_match);
	NUM(d, "distinct", n->dec_distinct);
	NUM(d, "undecided", n->dec_undecided);
	NUM(d, "unknown_ids", n->dec_unknown);
	NUM(d, "undone_matches", n->undone);
	NUM(d, "closed_reviews", n->overridden_review);
	NUM(d, "unscored_matches", n->dec_new_edges);
	cJSON *e = cJSON_AddObjectToObject(m, "cut");
	NUM(e, "weak_link", M.cst.weak);
	NUM(e, "distinct", M.cst.distinct);
	NUM(e, "max_size", M.cst.size);
	NUM(e, "conflict", M.cst.conflict);
	NUM(e, "held", M.cst.held);
	if (O.one) {
		NUM(e, "one_to_one", n->one_lost);
		NUM(e, "one_to_one_tie", n->one_tied);
		NUM(e, "same_source", M.cst.source);
	}
	NUM(m, "review_written", n->review_written);
	NUM(m, "review_moot", n->review_moot);
	if (O.prev_map) {
		cJSON *c = cJSON_AddObjectToObject(m, "cluster_ids");
		NUM(c, "kept", M.ci.kept);
		NUM(c, "new", M.ci.fresh);
		NUM(m, "ids_vanished", M.im.nvanished);
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
	static const struct dq_par_work work = {
		.start = worker_start,
		.record = pair_record,
		.finish = worker_finish,
		.consume = pair_consume,
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
	dq_merge_init(&M);
	M.hold = O.hold;
	M.have_records = O.records != NULL;
	M.keep_lines = O.review != NULL;
	M.one_to_one = O.one;

	int jobs = O.jobs ? O.jobs : dq_par_default_jobs();
	if (O.records)
		read_records(jobs);
	dq_par_run(&run, jobs, &work);
	if (O.decisions)
		read_side(O.decisions, dq_merge_decision);
	if (O.prev_map)
		read_side(O.prev_map, dq_merge_previous);
	if (O.one && M.n.src_conflicts) {
		/* One id in two sources: one-to-one would rank two records
		 * as one. */
		const struct dq_id *nd = &M.t.node[M.src_conflict[0]];
		fprintf(stderr, "%s: --one-to-one: record '%.*s' is in source "
			"%u and in source %u (%llu such records): give each "
			"source its own ids (identity.source, _dq.file)\n",
			dq_progname, (int)nd->keylen, nd->key,
			M.src_conflict[1], M.src_conflict[2],
			(unsigned long long)M.n.src_conflicts);
		dq_out_close(&log);
		dq_merge_release(&M);
		dq_survive_release(&sv);
		return 2;
	}

	dq_merge_cluster(&M, O.weak_set ? O.weak_link : sv.weak_link,
			 O.max_set ? (size_t)O.max_size : (size_t)sv.max_size);
	if (M.cstart[M.nclusters] != M.t.n)
		dq_die("internal error: %u ids in clusters, %zu ids",
		       M.cstart[M.nclusters], M.t.n);
	write_golden(&sv, &log);
	dq_out_close(&log);
	if (O.map)
		write_side(O.map, map_lines);
	if (O.review)
		write_side(O.review, review_lines);

	if (!run.quiet && M.cst.conflict)
		dq_log(&run, "warn", "end",
		       "%zu decided matches contradict pairs marked distinct; "
		       "see the log",
		       M.cst.conflict);
	int status = dq_run_finish(&run, summary(), M.cst.conflict > 0);

	dq_merge_release(&M);
	dq_survive_release(&sv);
	return status;
}
