/*
 * dq-report - one self-contained HTML page of a run: the documents the
 * other dq programs write (summaries, violations, a profile, scored
 * pairs, review file, golden records, history), any subset, in.
 *
 * The engine is lib/report/: read.h reads the documents, report.h writes
 * the sections, html.h escapes text and draws the charts.  This file is
 * the story: options, read each document named, add its section, write
 * the page.  See docs/report.md.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/opt.h"
#include "cli/run.h"
#include "contract/contract.h"
#include "contract/pii.h"
#include "er/fsmodel.h"
#include "report/read.h"
#include "report/report.h"
#include "stream/out.h"

static const char help[] =
	"usage: dq-report [OPTIONS] [-o FILE]\n"
	"\n"
	"Write one self-contained HTML page (inline CSS and SVG, no script,\n"
	"no network) of the documents named: any subset of those below.\n"
	"Each section is shown only when its document is given.\n"
	"\n"
	"Documents:\n"
	"      --summary FILE    dq-validate's --summary: score, gate,\n"
	"                        deductions, rules\n"
	"      --violations FILE dq-validate's --violations: the rules'\n"
	"                        examples (record id, field, value)\n"
	"      --profile FILE    a dq-profile document: the fields\n"
	"      --normalize-summary FILE, --block-summary FILE,\n"
	"      --score-summary FILE, --merge-summary FILE\n"
	"                        those programs' --summary: a row each in\n"
	"                        the records table; merge's also clusters\n"
	"      --pairs FILE      dq-score's scored pairs: counts by\n"
	"                        decision, the scores' histogram, review\n"
	"                        pairs side by side\n"
	"      --review FILE     dq-merge's --review: the pairs shown\n"
	"      --golden FILE     dq-merge's golden records: cluster sizes,\n"
	"                        the largest, golden records with the\n"
	"                        source of each value\n"
	"      --baseline FILE   an earlier dq-profile document: what\n"
	"                        changed in --profile against it\n"
	"      --history FILE    earlier runs' summaries and profiles, one\n"
	"                        after another, oldest first (repeatable):\n"
	"                        trend lines of the metrics that moved\n"
	"  -c, --contract FILE   the run's contract: the thresholds drawn\n"
	"                        on the scores (default 0.95 and 0.80)\n"
	"\n"
	"Caps (the page's size depends on these, not on the input's):\n"
	"      --examples N      example violations per rule (default 5)\n"
	"      --top N           top values and shapes per field\n"
	"                        (default 10)\n"
	"      --review-pairs N  review pairs shown (default 20)\n"
	"      --golden-records N  golden records of merged clusters\n"
	"                        shown (default 10)\n"
	"      --value-chars N   characters of one value (default 200)\n"
	"      --points N        history values per trend line (default 30)\n"
	"      --metrics N       drift rows: metrics changed, series moved\n"
	"                        (default 50)\n"
	"\n"
	"Output:\n"
	"  -o, --output FILE     the page (default stdout)\n"
	"      --title TEXT      the page's title (default \"dq report\")\n"
	"  -h, --help            this text\n"
	"  -V, --version         print the version\n"
	"\n"
	"Exit status: 0 the page was written (whatever the run's gate); 2 a\n"
	"usage error, or a document that cannot be read or is not of the\n"
	"kind its option names.\n";

enum {
	O_BASELINE = 1000,
	O_BLOCK_SUMMARY,
	O_EXAMPLES,
	O_GOLDEN,
	O_GOLDEN_RECORDS,
	O_HISTORY,
	O_MERGE_SUMMARY,
	O_METRICS,
	O_NORMALIZE_SUMMARY,
	O_PAIRS,
	O_POINTS,
	O_PROFILE,
	O_REVIEW,
	O_REVIEW_PAIRS,
	O_SCORE_SUMMARY,
	O_SUMMARY,
	O_TITLE,
	O_TOP,
	O_VALUE_CHARS,
	O_VIOLATIONS
};

static const struct option longopts[] = {
	{ "baseline", required_argument, NULL, O_BASELINE },
	{ "block-summary", required_argument, NULL, O_BLOCK_SUMMARY },
	{ "contract", required_argument, NULL, 'c' },
	{ "examples", required_argument, NULL, O_EXAMPLES },
	{ "golden", required_argument, NULL, O_GOLDEN },
	{ "golden-records", required_argument, NULL, O_GOLDEN_RECORDS },
	{ "help", no_argument, NULL, 'h' },
	{ "history", required_argument, NULL, O_HISTORY },
	{ "merge-summary", required_argument, NULL, O_MERGE_SUMMARY },
	{ "metrics", required_argument, NULL, O_METRICS },
	{ "normalize-summary", required_argument, NULL, O_NORMALIZE_SUMMARY },
	{ "output", required_argument, NULL, 'o' },
	{ "pairs", required_argument, NULL, O_PAIRS },
	{ "points", required_argument, NULL, O_POINTS },
	{ "profile", required_argument, NULL, O_PROFILE },
	{ "review", required_argument, NULL, O_REVIEW },
	{ "review-pairs", required_argument, NULL, O_REVIEW_PAIRS },
	{ "score-summary", required_argument, NULL, O_SCORE_SUMMARY },
	{ "summary", required_argument, NULL, O_SUMMARY },
	{ "title", required_argument, NULL, O_TITLE },
	{ "top", required_argument, NULL, O_TOP },
	{ "value-chars", required_argument, NULL, O_VALUE_CHARS },
	{ "version", no_argument, NULL, 'V' },
	{ "violations", required_argument, NULL, O_VIOLATIONS },
	{ NULL, 0, NULL, 0 }
};

/* The summaries of the records table, in pipeline order. */
enum { S_NORMALIZE, S_BLOCK, S_SCORE, S_MERGE, NSTAGES };
static const char *const stage_tool[NSTAGES] = { "dq-normalize", "dq-block",
						 "dq-score", "dq-merge" };

struct opts {
	const char *output, *title;
	const char *summary, *violations, *profile;
	const char *pairs, *review, *golden, *baseline;
	char **history;
	size_t nhistory;
	const char *stage[NSTAGES];
	struct dq_opt_contract contract; /* -c */
	struct dq_report_caps caps;
};

static void
options(struct opts *o, int argc, char **argv)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:ho:V", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'c':
			dq_opt_contract_file(&o->contract, optarg);
			break;
		case 'h':
			fputs(help, stdout);
			exit(0);
		case 'o': o->output = optarg; break;
		case 'V':
			printf("dq-report %s\n", DQ_VERSION);
			exit(0);
		case O_BASELINE: o->baseline = optarg; break;
		case O_BLOCK_SUMMARY: o->stage[S_BLOCK] = optarg; break;
		case O_EXAMPLES:
			if (dq_opt_int("examples", optarg, 0, 1000,
				       &o->caps.examples))
				dq_usage_exit();
			break;
		case O_GOLDEN: o->golden = optarg; break;
		case O_GOLDEN_RECORDS:
			if (dq_opt_int("golden-records", optarg, 0, 1000,
				       &o->caps.golden))
				dq_usage_exit();
			break;
		case O_HISTORY:
			o->history = dq_xrealloc(o->history,
						 (o->nhistory + 1) *
							 sizeof(char *));
			o->history[o->nhistory++] = optarg;
			break;
		case O_MERGE_SUMMARY: o->stage[S_MERGE] = optarg; break;
		case O_METRICS:
			if (dq_opt_int("metrics", optarg, 0, 10000,
				       &o->caps.metrics))
				dq_usage_exit();
			break;
		case O_NORMALIZE_SUMMARY: o->stage[S_NORMALIZE] = optarg; break;
		case O_PAIRS: o->pairs = optarg; break;
		case O_POINTS:
			if (dq_opt_int("points", optarg, 2, 1000,
				       &o->caps.points))
				dq_usage_exit();
			break;
		case O_PROFILE: o->profile = optarg; break;
		case O_REVIEW: o->review = optarg; break;
		case O_REVIEW_PAIRS:
			if (dq_opt_int("review-pairs", optarg, 0, 1000,
				       &o->caps.review_pairs))
				dq_usage_exit();
			break;
		case O_SCORE_SUMMARY: o->stage[S_SCORE] = optarg; break;
		case O_SUMMARY: o->summary = optarg; break;
		case O_TITLE: o->title = optarg; break;
		case O_TOP:
			if (dq_opt_int("top", optarg, 0, 1000, &o->caps.top))
				dq_usage_exit();
			break;
		case O_VALUE_CHARS:
			if (dq_opt_int("value-chars", optarg, 10, 100000,
				       &o->caps.value_chars))
				dq_usage_exit();
			break;
		case O_VIOLATIONS: o->violations = optarg; break;
		case ':':
			dq_usage_error("option '%s' needs a value",
				       argv[optind - 1]);
		default:
			dq_usage_error("option '%s' is unknown",
				       argv[optind - 1]);
		}
	}
	if (optind < argc)
		dq_usage_error("'%s': documents are named by their options "
			       "(--summary, --profile, ...)", argv[optind]);
	if (o->baseline && !o->profile)
		dq_usage_error("--baseline needs the --profile to compare "
			       "with it");
	if (o->violations && !o->summary)
		dq_usage_error("--violations needs the run's --summary (the "
			       "rules the examples belong to)");
}

/* The sensitive fields of the -c contracts: the policy every value on
 * the page is shown under (contract/pii.h). */
static struct dq_pii pii;

/* The thresholds of the contracts named with -c, as dq-score reads
 * them, and their sensitive fields: 0, or -1 after a message. */
static int
thresholds(const struct opts *o, struct dq_report *r)
{
	struct dq_contract c;
	struct dq_fs_model m;
	struct dq_buf err = DQ_BUF_INIT;
	int rc = 0;

	if (!o->contract.nfiles)
		return 0;
	dq_contract_init(&c);
	dq_fs_init(&m);
	if (dq_run_load_contract(&o->contract, &c, &pii)) {
		rc = -1;
	} else if (dq_fs_load_contract(&m, dq_contract_get(&c, "compare"),
				       dq_contract_get(&c, "thresholds"),
				       &err)) {
		rc = dq_error("%s", err.buf);
	} else {
		r->match = m.match;
		r->review = m.review;
		snprintf(r->thresholds_from, sizeof r->thresholds_from,
			 "are the contract's (%s%s)", o->contract.files[0],
			 o->contract.nfiles > 1 ? " and others" : "");
	}
	dq_buf_release(&err);
	dq_fs_release(&m);
	dq_contract_release(&c);
	return rc;
}

/* The document path, which must be tool's (by its "tool" member) when
 * tool is not NULL; NULL after a message when it is not, or cannot be
 * read. */
static cJSON *
document(const char *path, const char *tool, const char *what)
{
	cJSON *d = dq_report_doc(path, what);
	const char *t;

	if (!d)
		return NULL;
	t = dq_report_strv(d, "tool");
	if (tool && (!t || strcmp(t, tool))) {
		dq_error("%s: not %s (its \"tool\" is %s%s%s)", path, what,
			 t ? "'" : "", t ? t : "missing", t ? "'" : "");
		cJSON_Delete(d);
		return NULL;
	}
	return d;
}

int
main(int argc, char **argv)
{
	static struct opts o = { .caps = DQ_REPORT_CAPS_INIT };
	static struct dq_report r;
	cJSON *validate = NULL, *profile = NULL, *stage[NSTAGES] = { 0 };
	cJSON *baseline = NULL;
	const cJSON *given[NSTAGES + 2];
	struct dq_buf page = DQ_BUF_INIT;
	struct dq_out out;
	size_t n = 0;
	int rc = 0, status = 2;

	dq_run_setup("dq-report");
	options(&o, argc, argv);
	dq_report_init(&r, &o.caps);
	if (o.title)
		snprintf(r.title, sizeof r.title, "%s", o.title);
	if (thresholds(&o, &r))
		goto out;
	for (int i = 0; i < NSTAGES; i++) {
		char what[64];
		/* dq-validate's place in the pipeline: after dq-normalize. */
		if (i == S_BLOCK && o.summary) {
			validate = document(o.summary, "dq-validate",
					    "a dq-validate summary");
			if (!validate)
				goto out;
			given[n++] = validate;
		}
		if (!o.stage[i])
			continue;
		snprintf(what, sizeof what, "a %s summary", stage_tool[i]);
		stage[i] = document(o.stage[i], stage_tool[i], what);
		if (!stage[i])
			goto out;
		given[n++] = stage[i];
	}
	if (o.profile &&
	    !(profile = document(o.profile, "dq-profile",
				 "a dq-profile document")))
		goto out;
	if (o.baseline &&
	    !(baseline = document(o.baseline, "dq-profile",
				  "a dq-profile document")))
		goto out;
	/* The profile is the last of this run's documents for the drift;
	 * it has no row of counts. */
	if (profile)
		given[n++] = profile;

	rc = dq_report_overview(&r, validate, given, profile ? n - 1 : n);
	if (!rc && validate)
		rc = dq_report_rules(&r, validate, o.summary, o.violations);
	if (!rc && profile)
		rc = dq_report_fields(&r, profile, o.profile);
	if (!rc && (o.pairs || o.review))
		rc = dq_report_pairs(&r, o.pairs, o.review);
	if (!rc && (stage[S_MERGE] || o.golden))
		rc = dq_report_clusters(&r, stage[S_MERGE], o.golden);
	if (!rc && (baseline || o.nhistory))
		rc = dq_report_drift(&r, profile, baseline, o.history,
				     o.nhistory, given, n);
	if (rc)
		goto out;

	dq_report_page(&r, &page);
	dq_out_init(&out);
	if (dq_out_open(&out, o.output ? o.output : "-"))
		goto out;
	dq_buf_add(&out.b, page.buf, page.len);
	dq_out_close(&out);
	if (dq_out_commit_all())
		goto out;
	status = 0;
out:
	/* Every way out frees what it read (ASan's leak check). */
	dq_buf_release(&page);
	dq_report_release(&r);
	cJSON_Delete(validate);
	cJSON_Delete(profile);
	cJSON_Delete(baseline);
	free(o.history);
	for (int i = 0; i < NSTAGES; i++)
		cJSON_Delete(stage[i]);
	dq_opt_contract_release(&o.contract);
	dq_pii_release(&pii);
	return status;
}
