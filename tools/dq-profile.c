/*
 * dq-profile - one profile document for a stream of records.
 *
 * The story: parse options, read every record into the profile state
 * (lib/profile/profile.h: exact counters and moments, and bounded
 * sketches), then print the document (profile/doc.h), the text table, a
 * suggested contract (profile/suggest.h), or with --partial the state
 * itself (profile/partial.h), which --merge turns back into state and
 * combines; drift checks (profile/drift.h) add anomalies.  One large
 * NDJSON or CSV file is read by several processes (cli/split.h).
 * docs/profile.md describes the document.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "cli/opt.h"
#include "cli/run.h"
#include "cli/split.h"
#include "contract/pii.h"
#include "profile/doc.h"
#include "profile/drift.h"
#include "profile/partial.h"
#include "profile/profile.h"
#include "profile/suggest.h"

static const char synopsis[] =
	"usage: dq-profile [-c CONTRACT]... [OPTIONS] [FILE...]\n"
	"       dq-profile --merge [OPTIONS] PARTIAL...\n"
	"\n"
	"Profile NDJSON or CSV records: per field counts, nulls, types,\n"
	"distinct values, min/max/mean/stddev/skewness, quantiles, top\n"
	"values, histogram, lengths, shapes, format issues and outliers; per\n"
	"file rows, rejected lines, duplicate rows and sample rows.  Writes one\n"
	"JSON document (see dq-profile(1) and docs/profile.md).\n";

static const char help[] =
	"\n"
	"Profile options:\n"
	"      --format F        json (default) or text (a table)\n"
	"      --partial         write the mergeable sketch state instead\n"
	"      --merge           the operands are partial states: merge them\n"
	"      --top N           top values per field (0-25, default 10)\n"
	"      --buckets N       histogram buckets (1-25, default 20)\n"
	"      --sample N        sample rows (0-50, default 25)\n"
	"      --examples N      examples per issue (0-25, default 5)\n"
	"      --shapes N        value shapes per field (1-25, default 10)\n"
	"      --seed N          seed of the sample (default 1)\n"
	"      --jobs N          processes over a regular, uncompressed NDJSON or\n"
	"                        CSV file (1-64, at most 16 run;\n"
	"                        default: the online CPUs, at most 4)\n"
	"\n"
	"Drift and contracts:\n"
	"      --baseline PROFILE  compare with an earlier profile document\n"
	"      --history FILE    earlier --summary documents, one per line:\n"
	"                        3-sigma guard on rows and null rates\n"
	"      --freshness FIELD=AGE  the newest date of FIELD is at most AGE\n"
	"                        old (AGE: a number and s, m, h, d or w)\n"
	"      --fail-on-drift   exit 1 when an anomaly is found\n"
	"      --suggest         write a starter contract instead\n";

enum {
	O_BASELINE = DQ_OPT_TOOL,
	O_BUCKETS,
	O_EXAMPLES,
	O_FAIL_ON_DRIFT,
	O_FORMAT,
	O_FRESHNESS,
	O_HISTORY,
	O_JOBS,
	O_MERGE,
	O_PARTIAL,
	O_SAMPLE,
	O_SEED,
	O_SHAPES,
	O_SUGGEST,
	O_TOP
};

static const struct option longopts[] = {
	{ "baseline", required_argument, NULL, O_BASELINE },
	{ "buckets", required_argument, NULL, O_BUCKETS },
	{ "examples", required_argument, NULL, O_EXAMPLES },
	{ "fail-on-drift", no_argument, NULL, O_FAIL_ON_DRIFT },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "freshness", required_argument, NULL, O_FRESHNESS },
	{ "history", required_argument, NULL, O_HISTORY },
	{ "jobs", required_argument, NULL, O_JOBS },
	{ "merge", no_argument, NULL, O_MERGE },
	{ "partial", no_argument, NULL, O_PARTIAL },
	{ "sample", required_argument, NULL, O_SAMPLE },
	{ "seed", required_argument, NULL, O_SEED },
	{ "shapes", required_argument, NULL, O_SHAPES },
	{ "suggest", no_argument, NULL, O_SUGGEST },
	{ "top", required_argument, NULL, O_TOP },
	{ NULL, 0, NULL, 0 }
};


static struct {
	int text, partial, merge;
	unsigned nmerged;   /* partial states merged so far */
	const char *key;    /* --partial under sensitive fields: the key */
	struct dq_profile_caps caps;
	int set_top, set_buckets, set_sample, set_examples, set_shapes;
	const char *baseline, *history;
	int fail_on_drift, suggest;
	long long jobs;
	struct dq_drift drift;
} O = { .caps = DQ_PROFILE_CAPS_INIT };

static int
option(void *ctx, int code, const char *arg)
{
	switch (code) {
	case O_BASELINE:
		O.baseline = arg;
		return 0;
	case O_FAIL_ON_DRIFT:
		O.fail_on_drift = 1;
		return 0;
	case O_FRESHNESS:
		return dq_drift_freshness_add(&O.drift, arg);
	case O_HISTORY:
		O.history = arg;
		return 0;
	case O_JOBS: {
		/* --jobs as everywhere (1 to 64); at most DQ_SPLIT_MAX_JOBS
		 * processes cut one file. */
		int j;
		if (dq_opt_jobs(arg, &j))
			return -1;
		O.jobs = j > DQ_SPLIT_MAX_JOBS ? DQ_SPLIT_MAX_JOBS : j;
		return 0;
	}
	case O_SUGGEST:
		O.suggest = 1;
		return 0;
	case O_BUCKETS:
		O.set_buckets = 1;
		return dq_opt_int("buckets", arg, 1, 25, &O.caps.buckets);
	case O_EXAMPLES:
		O.set_examples = 1;
		return dq_opt_int("examples", arg, 0, 25, &O.caps.examples);
	case O_FORMAT:
		if (!strcmp(arg, "text"))
			O.text = 1;
		else if (strcmp(arg, "json")) {
			fprintf(stderr, "%s: option '--format': '%s' is not "
				"json or text\n", dq_progname, arg);
			return -1;
		}
		return 0;
	case O_MERGE:
		O.merge = 1;
		return 0;
	case O_PARTIAL:
		O.partial = 1;
		return 0;
	case O_SAMPLE:
		O.set_sample = 1;
		return dq_opt_int("sample", arg, 0, 50, &O.caps.sample);
	case O_SEED:
		return dq_opt_int("seed", arg, 1, (long long)1 << 62,
				 &O.caps.seed);
	case O_SHAPES:
		O.set_shapes = 1;
		return dq_opt_int("shapes", arg, 1, 25, &O.caps.shapes);
	case O_TOP:
		O.set_top = 1;
		return dq_opt_int("top", arg, 0, 25, &O.caps.top);
	}
	return -1;
}

/* Caps from the contract's profile section; flags win. */
static int
load_caps(const struct dq_contract *c)
{
	static const struct {
		const char *key;
		long long lo, hi, *v;
		int *set;
	} caps[] = {
		{ "top", 0, 25, &O.caps.top, &O.set_top },
		{ "buckets", 1, 25, &O.caps.buckets, &O.set_buckets },
		{ "sample", 0, 50, &O.caps.sample, &O.set_sample },
		{ "examples", 0, 25, &O.caps.examples, &O.set_examples },
		{ "shapes", 1, 25, &O.caps.shapes, &O.set_shapes },
	};
	const cJSON *p = dq_contract_get(c, "profile");
	if (!p)
		return 0;
	for (size_t i = 0; i < sizeof(caps) / sizeof(*caps); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(p,
								  caps[i].key);
		if (!v || *caps[i].set)
			continue;
		if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble)
		    || v->valuedouble < caps[i].lo ||
		    v->valuedouble > caps[i].hi) {
			fprintf(stderr, "%s: contract: profile.%s: not an "
				"integer in %lld..%lld\n", dq_progname,
				caps[i].key, caps[i].lo, caps[i].hi);
			return -1;
		}
		*caps[i].v = (long long)v->valuedouble;
	}
	return 0;
}

/* ---- reading -------------------------------------------------------- */

/* Read the records of run's input (or of its current range) into p. */
static void
profile_range(void *ctx, struct dq_run *run)
{
	struct dq_profile *p = ctx;
	struct dq_record rec;
	dq_record_init(&rec);
	while (dq_run_next(run, &rec) > 0)
		dq_profile_add(p, &rec);
	dq_profile_flush(p);
	dq_record_release(&rec);
	p->rejected = run->n_rejected;
}

/* Load the partial state text into a new profile and merge it into the
 * profile ctx; its rejected lines into *rejected (if not NULL): 0, or -1
 * when text is not a partial state. */
static int
merge_text(void *ctx, const char *text, uint64_t *rejected)
{
	const char *end;
	cJSON *doc = cJSON_ParseWithOpts(text, &end, 1);
	struct dq_profile *p = ctx, part;
	int rc = -1;
	dq_profile_init(&part, &O.caps);
	if (doc && !dq_partial_load(&part, doc)) {
		/* States in their shown form merge only with states made
		 * under the same sensitive fields and key. */
		if (O.nmerged++ && dq_partial_check(p, &part)) {
			rc = -2;
			goto out;
		}
		dq_profile_merge(p, &part);
		if (rejected)
			*rejected = part.rejected;
		rc = 0;
	}
out:
	dq_profile_release(&part);
	cJSON_Delete(doc);
	return rc;
}

static int
split_save(void *ctx, struct dq_buf *out)
{
	cJSON *doc = dq_partial_save(ctx);
	char *s = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (!s)
		return -1;
	dq_buf_addstr(out, s);
	cJSON_free(s);
	return 0;
}

static int
merge_files(struct dq_run *run, struct dq_profile *p)
{
	for (size_t i = 0; i < run->in.nfiles; i++) {
		size_t len;
		char *s = dq_read_file(run->in.files[i], &len);
		int rc;
		if (!s)
			return -1;
		rc = merge_text(p, s, NULL);
		free(s);
		if (rc == -2)
			return dq_error("%s: made with other sensitive fields "
					"or another key than %s: their values "
					"cannot be merged",
					run->in.files[i], run->in.files[0]);
		if (rc)
			return dq_error("%s: not a dq-profile partial state "
					"(made with --partial)",
					run->in.files[i]);
	}
	/* Merged into a state again (--partial): tokens kept. */
	if (!O.partial)
		dq_partial_finish(p);
	return 0;
}

/* ---- main ----------------------------------------------------------- */

/* Print doc (deleted here) to the output, pretty or not, and a newline. */
static void
emit(struct dq_run *run, cJSON *doc, int pretty)
{
	char *s = pretty ? cJSON_Print(doc) : cJSON_PrintUnformatted(doc);
	if (!s)
		dq_die("out of memory");
	dq_buf_addstr(&run->out.b, s);
	dq_buf_addch(&run->out.b, '\n');
	cJSON_free(s);
	cJSON_Delete(doc);
}

int
main(int argc, char **argv)
{
	static const struct dq_tool tool = {
		.name = "dq-profile",
		.synopsis = synopsis,
		.help = help,
		.longopts = longopts,
		.option = option,
	};
	static struct dq_run run;
	static struct dq_profile prof;
	struct dq_drift *drift = &O.drift;
	cJSON *doc, *extra, *base = NULL, *rates;
	int processes = 0; /* processes that read the input (summary) */
	int gate = 0;

	dq_drift_init(drift);
	dq_run_init(&run, &tool, argc, argv);
	if (load_caps(&run.contract) ||
	    dq_drift_load_contract(drift, &run.contract))
		return 2;
	if (O.baseline && !(base = dq_drift_load_baseline(O.baseline)))
		return 2;
	/* A state written to a file keeps sensitive values only as keyed
	 * tokens, so that states of separate runs still merge exactly. */
	if (O.partial && dq_pii_any()) {
		const char *var = dq_pii_key_env(&run.contract);
		O.key = getenv(var);
		if (!O.key || !*O.key) {
			fprintf(stderr, "%s: --partial: the contract marks "
				"sensitive fields, whose values the state "
				"keeps as keyed hashes: set the key in %s\n",
				dq_progname, var);
			return 2;
		}
	}
	if (O.merge && !run.in.nfiles) {
		fprintf(stderr, "%s: --merge needs partial files\n",
			dq_progname);
		return 2;
	}
	dq_profile_init(&prof, &O.caps);
	if (O.merge) {
		if (merge_files(&run, &prof))
			return 2;
	} else {
		static const struct dq_split_work work = {
			.range = profile_range,
			.save = split_save,
			.merge = merge_text,
			.ctx = &prof,
		};
		int rc = dq_split_run(&run, O.jobs ? O.jobs :
				      dq_split_default_jobs(), O.jobs != 0,
				      &work);
		if (rc < 0) {
			fprintf(stderr, "%s: a worker process failed\n",
				dq_progname);
			return 2;
		}
		if (rc == 0)
			profile_range(&prof, &run);
		processes = rc ? rc : 1;
		prof.rejected = run.n_rejected;
	}

	if ((O.baseline || O.history || drift->nfresh) && !O.partial) {
		drift->anomalies = cJSON_CreateArray();
		if (base)
			dq_drift_baseline(drift, &prof, base);
		if (O.history && dq_drift_history(drift, &prof, O.history))
			return 2;
		dq_drift_freshness(drift, &prof);
		gate = O.fail_on_drift &&
		       cJSON_GetArraySize(drift->anomalies) > 0;
	}
	cJSON_Delete(base);

	if (O.suggest && !O.partial) {
		emit(&run, dq_suggest_contract(&prof), 1);
	} else if (O.text && !O.partial) {
		dq_doc_text(&prof, drift->anomalies, &run.out.b);
	} else {
		doc = O.key ? dq_partial_save_shown(&prof, O.key,
						    strlen(O.key)) :
		      O.partial ? dq_partial_save(&prof) :
				  dq_doc_profile(&prof);
		if (drift->anomalies)
			cJSON_AddItemToObject(doc, "anomalies",
				cJSON_Duplicate(drift->anomalies, 1));
		emit(&run, doc, 0);
	}
	extra = cJSON_CreateObject();
	cJSON_AddNumberToObject(extra, "rows", (double)prof.rows);
	cJSON_AddNumberToObject(extra, "fields", (double)prof.nf);
	if (processes)
		cJSON_AddNumberToObject(extra, "processes", processes);
	rates = cJSON_AddObjectToObject(extra, "nullRates");
	for (size_t i = 0; i < prof.nf; i++)
		cJSON_AddNumberToObject(rates, prof.f[i]->name,
			dq_num_r12(dq_profile_null_rate(prof.f[i], prof.rows)));
	if (drift->anomalies) {
		cJSON_AddItemToObject(extra, "anomalies", drift->anomalies);
		drift->anomalies = NULL;
	}
	dq_profile_release(&prof);
	dq_drift_release(drift);
	return dq_run_finish(&run, extra, gate);
}
