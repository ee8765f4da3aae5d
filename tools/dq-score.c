/*
 * dq-score - score candidate pairs: compare the fields of the two records,
 * weigh the comparisons with a model, decide match, review or distinct,
 * and explain the score field by field.
 *
 * Input: candidate pairs as dq-block writes them,
 * {"a":{record},"b":{record},"_dq":{"rules":[...]}}.  Output: the same
 * pair with "_dq" extended by score, decision, features (per field: level,
 * similarity, weight) and, with the Fellegi-Sunter model, match_weight.
 * The pair's own "_dq" keys are kept.  Lines that are not pairs go to the
 * rejects sink.
 *
 * With --model (or the weighted model, or m/u written in the contract) each
 * pair is scored on its own: a pure filter, so `parallel --pipe` can run
 * it.  A Fellegi-Sunter model with nothing to start from is trained on the
 * input first (lib/er/fsmodel.c: u from random pairs of the records, m and
 * the prior by EM): the pairs are spooled to an unlinked temporary file,
 * then read back and scored.  --train FILE trains and writes the model
 * only.  Memory: one pair at a time per thread, nothing per pair; while
 * training the distinct level vectors, an 8-byte hash per distinct
 * record, a 4000-record sample and the term-frequency tables (31 MB for
 * the pairs of 1M dq-gen records: about 30 bytes a record).  A tfidf
 * field needs the document frequencies of its words before any pair is
 * compared: without a model file holding them, the records of the pairs
 * are read once for them (one entry per distinct word) and the spooled
 * pairs a second time to train, whatever the model.
 *
 * --explain LIST writes the features only for the listed decisions: the
 * distinct pairs, nearly all candidates, then cost a few dozen bytes.
 *
 * The verdict on a pair (levels with swapped names caught, score,
 * thresholds and the household guard, docs/score.md) is lib/er/decide.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "er/decide.h"
#include "er/fsmodel.h"
#include "er/labels.h"
#include "cli/opt.h"
#include "cli/par.h"
#include "cli/run.h"

static const char synopsis[] =
	"usage: dq-score [-c CONTRACT]... [OPTIONS] [FILE...]\n"
	"\n"
	"Score candidate pairs {\"a\":{...},\"b\":{...},\"_dq\":{...}} with the\n"
	"contract's 'compare' section: per-field comparison levels, a\n"
	"weighted or Fellegi-Sunter model, a decision (match, review,\n"
	"distinct) from the 'thresholds' section and the explanation in\n"
	"_dq.features.  Without --model a Fellegi-Sunter model is first\n"
	"trained on the input itself (no labels needed).\n";

static const char help[] =
	"\n"
	"Model:\n"
	"  -m, --model FILE      score with the model in FILE (written by\n"
	"                        --train); each pair is scored on its own,\n"
	"                        so the program can run under parallel --pipe\n"
	"  -t, --train FILE      train on the input and write the model to\n"
	"                        FILE; no pairs are written\n"
	"      --labels FILE     known entities, \"id<TAB>entity\" per line:\n"
	"                        m and the prior come from the pairs whose two\n"
	"                        ids are labelled instead of from EM\n"
	"      --link            the pairs come from a link (dq-block --link A\n"
	"                        B): \"a\" records are one source, \"b\" records\n"
	"                        the other, so u and the prior are over pairs\n"
	"                        across the two; pairs with _dq.sources (a link\n"
	"                        of more files) say so themselves\n"
	"      --u-pairs N       random record pairs for u (default 200000)\n"
	"      --sample R        train on this share of the pairs, drawn at\n"
	"                        random (default 1: all)\n"
	"      --seed N          seed of the random sample (default 1)\n"
	"\n"
	"Output:\n"
	"      --explain LIST    write _dq.features only on the pairs decided\n"
	"                        as listed: match, review, distinct, comma-\n"
	"                        separated, or none (default: all three);\n"
	"                        --explain match,review keeps the output of\n"
	"                        the many distinct pairs short\n"
	"      --households FILE write the household links to FILE: pairs\n"
	"                        judged two people (distinct, or held by the\n"
	"                        guard) that share an address or contact,\n"
	"                        one line each, in input order\n"
	"  -j, --jobs N          with --model: worker threads (default: the\n"
	"                        cores, at most 8); output in input order,\n"
	"                        the same for every N\n"
	"\n"
	"The record id (--id, default \"id\") counts each record once for\n"
	"term frequencies and the sample; records without one are told apart\n"
	"by their text.  Exit status: 0 done, 1 more rejects than\n"
	"--max-rejects, 2 usage, contract, model or input error.\n";

enum {
	O_EXPLAIN = DQ_OPT_TOOL,
	O_HOUSEHOLDS,
	O_LABELS,
	O_LINK,
	O_U_PAIRS,
	O_SEED,
	O_SAMPLE
};

static const struct option longopts[] = {
	{ "explain", required_argument, NULL, O_EXPLAIN },
	{ "households", required_argument, NULL, O_HOUSEHOLDS },
	{ "labels", required_argument, NULL, O_LABELS },
	{ "link", no_argument, NULL, O_LINK },
	{ "model", required_argument, NULL, 'm' },
	{ "sample", required_argument, NULL, O_SAMPLE },
	{ "seed", required_argument, NULL, O_SEED },
	{ "train", required_argument, NULL, 't' },
	{ "u-pairs", required_argument, NULL, O_U_PAIRS },
	{ "jobs", required_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

static struct {
	const char *model_path;
	const char *train_path;
	const char *labels_path;
	const char *households; /* --households FILE */
	long long u_pairs;
	long long seed;
	double sample;
	int jobs;       /* 0: the default */
	int explain;    /* DQ_DECIDE_* bits: decisions whose pairs get features */
	int link;       /* --link */
} O = { NULL, NULL, NULL, NULL, 200000, 1, 1.0, 0,
	DQ_DECIDE_ALL, 0 };

/* --explain LIST into O.explain. */
static int
parse_explain(const char *arg)
{
	const char *p = arg;
	O.explain = 0;
	if (!strcmp(arg, "none"))
		return 0;
	for (;;) {
		size_t n = strcspn(p, ",");
		if (n == 5 && !memcmp(p, "match", 5))
			O.explain |= DQ_DECIDE_MATCH;
		else if (n == 6 && !memcmp(p, "review", 6))
			O.explain |= DQ_DECIDE_REVIEW;
		else if (n == 8 && !memcmp(p, "distinct", 8))
			O.explain |= DQ_DECIDE_DISTINCT;
		else
			return dq_error("--explain: '%.*s' is not match, "
					"review, distinct or none", (int)n, p);
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

static int
option(void *ctx, int c, const char *arg)
{
	(void)ctx;
	switch (c) {
	case 'm': O.model_path = arg; return 0;
	case O_EXPLAIN: return parse_explain(arg);
	case O_HOUSEHOLDS: O.households = arg; return 0;
	case 't': O.train_path = arg; return 0;
	case O_LABELS: O.labels_path = arg; return 0;
	case O_LINK: O.link = 1; return 0;
	case O_U_PAIRS:
		return dq_opt_int("u-pairs", arg, 1, 1000000000LL, &O.u_pairs);
	case O_SAMPLE:
		if (dq_opt_double("sample", arg, 0, 1, &O.sample))
			return -1;
		if (!(O.sample > 0))
			return dq_error("--sample: '%s' is not a number above "
					"0 and at most 1", arg);
		return 0;
	case 'j':
		return dq_opt_jobs(arg, &O.jobs);
	case O_SEED:
		return dq_opt_int("seed", arg, 0, 0x7fffffffffffffffLL,
				  &O.seed);
	}
	return -1;
}

/* ---- pairs ---- */

static struct dq_fs_model M;

/* What scoring one pair needs: one per thread (the model M is read-only
 * while pairs are scored). */
struct scorer {
	struct dq_decide d;
	struct dq_buf meta;
	/* --households: the links found, each an 8-byte input sequence
	 * number then the line, to be written in input order at the end
	 * (worker threads take batches in turn). */
	struct dq_buf links;
	unsigned char src[2]; /* training: the sources of a and b (0: none) */
};
static struct scorer S0; /* the main thread's */

/* Training: the pairs read with a _dq.sources, without, and with one that
 * is not two source numbers (taken as none). */
static struct {
	uint64_t with, without, bad;
} SRC;
static struct dq_out households;

/* Score the pair read (input item seq); the "_dq" members into
 * sc->meta, its household link into sc->links. */
static void
score_pair(struct scorer *sc, uint64_t seq)
{
	dq_decide_pair(&sc->d);
	dq_buf_reset(&sc->meta);
	dq_decide_explain(&sc->d, O.explain, &sc->meta);
	if (O.households && sc->d.decision != DQ_DECIDE_MATCH) {
		size_t at = sc->links.len;
		dq_buf_add(&sc->links, (const char *)&seq, sizeof(seq));
		if (!dq_decide_household(&sc->d, &sc->links))
			sc->links.len = at;
	}
}

/* A household link found: its input item and its line. */
struct link {
	uint64_t seq;
	const char *text;
	size_t len;
};
static struct dq_buf all_links = DQ_BUF_INIT;

static int
link_cmp(const void *x, const void *y)
{
	const struct link *a = x, *b = y;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Write every link gathered into all_links to the --households file,
 * sorted by input sequence number. */
static void
write_households(void)
{
	struct link *l = NULL;
	size_t n = 0, cap = 0, i = 0;

	while (i < all_links.len) {
		const char *p = all_links.buf + i + sizeof(uint64_t);
		const char *nl = memchr(p, '\n', all_links.len - i -
						       sizeof(uint64_t));
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			l = dq_xrealloc(l, cap * sizeof(*l));
		}
		memcpy(&l[n].seq, all_links.buf + i, sizeof(uint64_t));
		l[n].text = p;
		l[n].len = (size_t)(nl - p) + 1;
		i = (size_t)(nl - all_links.buf) + 1;
		n++;
	}
	if (n)
		qsort(l, n, sizeof(*l), link_cmp);
	for (i = 0; i < n; i++) {
		dq_buf_add(&households.b, l[i].text, l[i].len);
		dq_out_commit(&households);
	}
	dq_out_close(&households);
	free(l);
}

static struct dq_labels L; /* --labels */

static int
train_label(const struct scorer *sc)
{
	if (!L.cap)
		return -1;
	return dq_labels_same(&L, sc->d.a.id.buf, sc->d.a.id.len,
			      sc->d.b.id.buf, sc->d.b.id.len);
}
/* The sources of the pair rec's two records into sc->src: its
 * _dq.sources, else with --link "a" is source 1 and "b" source 2, else
 * none; counted in SRC when count is set (the first reading). */
static void
read_sources(struct scorer *sc, const struct dq_record *rec, int count)
{
	int bad = dq_meta_sources(rec, sc->src);

	if (count) {
		SRC.bad += bad != 0;
		SRC.with += !bad && sc->src[0];
		SRC.without += !bad && !sc->src[0];
	}
	if (bad)
		sc->src[0] = sc->src[1] = 0;
	if (!sc->src[0] && O.link) {
		sc->src[0] = 1;
		sc->src[1] = 2;
	}
}

/* A pair's two records, for the term and document frequencies, the u
 * sample and the possible pairs, without comparing them. */
static void
train_records(struct scorer *sc, struct dq_fs_trainer *t)
{
	dq_fs_train_record(t, sc->src[0], sc->d.a.id.buf, sc->d.a.id.len,
			   sc->d.a.v, sc->d.a.n);
	dq_fs_train_record(t, sc->src[1], sc->d.b.id.buf, sc->d.b.id.len,
			   sc->d.b.v, sc->d.b.n);
}

/* Every pair's records count for the term frequencies and the sample;
 * only the sampled pairs are compared for EM. */
static void
train_one(struct scorer *sc, struct dq_fs_trainer *t, int sampled)
{
	train_records(sc, t);
	if (!sampled)
		return;
	dq_decide_levels(&sc->d);
	/* Households would form a class of their own in EM (same surname,
	 * address and phone, another first name); the guard keeps them out
	 * of the match class, so training leaves them out too.  Only the
	 * first "differ" field defines them here: leaving out every pair
	 * whose date of birth differs would teach the model that matches
	 * never have one. */
	if (dq_decide_guard(&M, sc->d.lv, sc->d.sim, M.nguard_differ ? 1 : 0))
		return;
	dq_fs_train_pair(t, sc->d.lv, train_label(sc));
}

/* The training sample is drawn by a hash of the two ids, so that it
 * depends neither on the order of the pairs nor on the fields carried
 * (dq-block --slim). */
static int
in_sample(const struct scorer *sc)
{
	uint64_t h = XXH3_64bits_withSeed(
		sc->d.b.id.buf, sc->d.b.id.len,
		XXH3_64bits_withSeed(sc->d.a.id.buf, sc->d.a.id.len,
				     (uint64_t)O.seed));
	return O.sample >= 1 || (double)(h >> 11) < O.sample * 9007199254740992.0;
}

/* Read the spooled pairs back: train on them (tr) or score and write
 * them (tr NULL). */
static void
spool_pass(FILE *spool, struct dq_record *rec, struct dq_run *run,
	   struct dq_fs_trainer *tr)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	struct dq_json_error e;
	uint64_t seq = 0;

	if (fflush(spool) || fseek(spool, 0, SEEK_SET))
		dq_die("temporary file: %s", strerror(errno));
	while ((n = getline(&line, &cap, spool)) > 0) {
		if (dq_json_scan(rec, line, (size_t)n - 1, &e) ||
		    dq_decide_read(&S0.d, rec, &run->ident))
			dq_die("temporary file: changed under us");
		if (tr) {
			read_sources(&S0, rec, 0);
			train_one(&S0, tr, in_sample(&S0));
			continue;
		}
		score_pair(&S0, seq++);
		dq_record_write(rec, S0.meta.buf, S0.meta.len, &run->out.b);
		dq_run_emit(run);
	}
	if (ferror(spool))
		dq_die("temporary file: %s", strerror(errno));
	free(line);
}

/* What the sources of the pairs trained on leave in doubt. */
static void
warn_sources(const struct dq_run *run)
{
	if (run->quiet)
		return;
	if (SRC.bad)
		dq_warn("%llu pairs with a _dq.sources that is not two "
			"different source numbers from 1 to %d: taken as "
			"pairs without sources", (unsigned long long)SRC.bad,
			DQ_META_MAX_SOURCES);
	if (SRC.with && (SRC.without || SRC.bad) && !O.link)
		dq_warn("%llu pairs carry _dq.sources and %llu do not: not "
			"known as a link, u and the prior are over all pairs "
			"of records", (unsigned long long)SRC.with,
			(unsigned long long)(SRC.without + SRC.bad));
}

static cJSON *
summary_figures(void)
{
	cJSON *x = cJSON_CreateObject(), *d;
	if (!x)
		dq_die("out of memory");
	cJSON_AddStringToObject(x, "model", M.kind == DQ_FS_WEIGHTED
					    ? "weighted" : "fellegi-sunter");
	d = cJSON_AddObjectToObject(x, "decisions");
	cJSON_AddNumberToObject(d, "match", (double)S0.d.n_match);
	cJSON_AddNumberToObject(d, "review", (double)S0.d.n_review);
	cJSON_AddNumberToObject(d, "distinct", (double)S0.d.n_distinct);
	cJSON_AddNumberToObject(x, "guarded", (double)S0.d.n_guard);
	if (M.kind == DQ_FS_FELLEGI_SUNTER) {
		cJSON_AddNumberToObject(x, "lambda", M.lambda);
		cJSON_AddNumberToObject(x, "em_iterations", M.em_iterations);
	}
	if (M.link_sources) {
		/* A trained link: how it was known, and its sources. */
		cJSON *l = cJSON_AddObjectToObject(x, "link"), *r;
		cJSON_AddStringToObject(l, "from", SRC.with ? "_dq.sources"
							    : "--link");
		r = cJSON_AddArrayToObject(l, "records");
		for (size_t k = 0; k < M.link_sources; k++)
			cJSON_AddItemToArray(r, cJSON_CreateNumber(
				(double)M.link_records[k]));
		cJSON_AddNumberToObject(l, "possible_pairs", M.possible_pairs);
	}
	return x;
}

static void
write_model(const char *path)
{
	cJSON *doc = dq_fs_to_json(&M);
	char *txt = cJSON_Print(doc);
	FILE *f;
	if (!txt)
		dq_die("out of memory");
	f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	if (!f)
		dq_die("%s: %s", path, strerror(errno));
	int bad = fputs(txt, f) == EOF || fputc('\n', f) == EOF;
	if (f == stdout)
		bad |= fflush(stdout) != 0;
	else
		bad |= fclose(f) != 0;
	if (bad)
		dq_die("%s: %s", path, strerror(errno));
	cJSON_free(txt);
	cJSON_Delete(doc);
}

static void
load_model(const char *path)
{
	size_t n;
	char *txt = dq_read_file(path, &n);
	struct dq_buf err = DQ_BUF_INIT;
	cJSON *doc;
	if (!txt)
		exit(2);
	doc = cJSON_ParseWithLength(txt, n);
	free(txt);
	if (!doc)
		dq_die("%s: not valid JSON", path);
	if (dq_fs_load_model(&M, doc, &err)) {
		/* Free before dying, so that a leak checker sees nothing. */
		cJSON_Delete(doc);
		dq_error("%s: %s", path, err.buf);
		dq_buf_release(&err);
		exit(2);
	}
	cJSON_Delete(doc);
	dq_buf_release(&err);
}

/* ---- scoring with a model, in worker threads (lib/cli/par.h) ---- */

static const struct dq_ident *ident;

static void *
work_start(void *ctx, int k)
{
	struct scorer *sc = dq_xcalloc(1, sizeof(*sc));

	(void)ctx;
	(void)k;
	dq_decide_init(&sc->d, &M);
	return sc;
}

static int
work_record(void *ws, struct dq_record *rec, const struct dq_item *it,
	    uint64_t seq, struct dq_buf *out, const char **reject)
{
	struct scorer *sc = ws;

	(void)it;
	if (dq_decide_read(&sc->d, rec, ident)) {
		*reject = "not a candidate pair (needs objects 'a' and 'b')";
		return -1;
	}
	score_pair(sc, seq);
	dq_record_write(rec, sc->meta.buf, sc->meta.len, out);
	dq_buf_addch(out, '\n');
	return 1;
}

static void
work_finish(void *ctx, void *ws, int k)
{
	struct scorer *sc = ws;

	(void)ctx;
	(void)k;
	S0.d.n_match += sc->d.n_match;
	S0.d.n_review += sc->d.n_review;
	S0.d.n_distinct += sc->d.n_distinct;
	S0.d.n_guard += sc->d.n_guard;
	dq_buf_add(&all_links, sc->links.buf, sc->links.len);
	dq_decide_release(&sc->d);
	dq_buf_release(&sc->meta);
	dq_buf_release(&sc->links);
	free(sc);
}

int
main(int argc, char **argv)
{
	static const struct dq_tool tool = {
		.name = "dq-score",
		.synopsis = synopsis,
		.help = help,
		.shortopts = "m:t:j:",
		.longopts = longopts,
		.option = option,
	};
	static struct dq_run run;
	static struct dq_record rec;
	struct dq_buf err = DQ_BUF_INIT;
	struct dq_fs_trainer *tr = NULL;
	FILE *spool = NULL;
	int status, train, need_df;

	dq_run_init(&run, &tool, argc, argv);
	dq_fs_init(&M);
	dq_decide_init(&S0.d, &M);
	if (dq_fs_load_contract(&M, dq_contract_get(&run.contract, "compare"),
				dq_contract_get(&run.contract, "thresholds"),
				&err))
		dq_die("contract: %s", err.buf);
	if (O.model_path && O.train_path)
		dq_die("--model and --train cannot be used together");
	if (O.labels_path && O.model_path)
		dq_die("--labels is for training; it cannot be used with "
		       "--model");
	if (O.link && O.model_path)
		dq_die("--link is for training; it cannot be used with "
		       "--model");
	if (O.model_path)
		load_model(O.model_path);
	if (O.labels_path && dq_labels_load(&L, O.labels_path))
		return 2;
	dq_out_init(&households);
	if (O.households && O.train_path)
		dq_die("--households and --train cannot be used together: "
		       "--train scores no pairs");
	if (O.households && dq_out_open(&households, O.households))
		return 2;
	dq_fs_prepare(&M);
	train = O.train_path || (M.kind == DQ_FS_FELLEGI_SUNTER && !M.trained) ||
		O.labels_path;
	need_df = dq_fs_needs_df(&M);
	if (train || need_df) {
		tr = dq_fs_train_new(&M, (uint64_t)O.seed);
		if (!O.train_path || need_df) {
			spool = tmpfile();
			if (!spool)
				dq_die("temporary file: %s", strerror(errno));
		}
	}

	if (!tr) {
		/* A model in hand: every pair is scored on its own, on every
		 * core. */
		static const struct dq_par_work work = {
			.start = work_start,
			.record = work_record,
			.finish = work_finish,
		};
		ident = &run.ident;
		dq_par_run(&run, O.jobs ? O.jobs : dq_par_default_jobs(),
			   &work);
	}
	dq_record_init(&rec);
	while (tr && dq_run_next(&run, &rec) > 0) {
		if (dq_decide_read(&S0.d, &rec, &run.ident)) {
			dq_run_reject(&run, "not a candidate pair (needs "
				      "objects 'a' and 'b')", 0);
			continue;
		}
		/* A tfidf field needs every record's words before any pair
		 * is compared: this pass only reads the records, the next
		 * one (over the spool) trains. */
		read_sources(&S0, &rec, 1);
		if (need_df)
			train_records(&S0, tr);
		else if (train)
			train_one(&S0, tr, in_sample(&S0));
		if (spool && (fwrite(rec.text, 1, rec.len, spool) != rec.len ||
			      putc('\n', spool) == EOF))
			dq_die("temporary file: %s", strerror(errno));
	}
	if (need_df) {
		dq_fs_train_df(tr);
		if (train)
			spool_pass(spool, &rec, &run, tr);
	}
	if (train) {
		warn_sources(&run);
		dq_fs_train_finish(tr, (uint64_t)O.u_pairs, O.sample);
		if (O.train_path)
			write_model(O.train_path);
	} else if (tr) {
		dq_fs_train_free(tr);
	}
	dq_fs_prepare(&M);
	if (spool) {
		if (!O.train_path)
			spool_pass(spool, &rec, &run, NULL);
		fclose(spool);
	}
	dq_record_release(&rec);
	if (O.households) {
		dq_buf_add(&all_links, S0.links.buf, S0.links.len);
		write_households();
	}
	status = dq_run_finish(&run, summary_figures(), 0);
	dq_decide_release(&S0.d);
	dq_buf_release(&S0.meta);
	dq_buf_release(&S0.links);
	dq_buf_release(&all_links);
	dq_fs_release(&M);
	dq_buf_release(&err);
	dq_labels_release(&L);
	return status;
}
