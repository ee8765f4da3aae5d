/*
 * dq-anomaly - judge a run's metrics against the history of earlier runs.
 *
 * Reads the documents of the run being judged (run summaries of any dq
 * program, profile documents) and a history of earlier ones (one document
 * a line, oldest first: summaries appended after each run, or dq-sql's
 * dq_run.summary column), and writes one NDJSON finding per metric that
 * is off: by the robust z-score of profile/anomaly (median and MAD, with
 * a weekly season when asked), and by limits in two tiers, warn and error,
 * on the metric itself or on its median over the last N runs
 * (docs/anomaly.md).
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/num.h"
#include "cli/opt.h"
#include "cli/run.h"
#include "contract/contract.h"
#include "norm/date.h"
#include "profile/anomaly.h"
#include "stream/out.h"

static const char help[] =
	"usage: dq-anomaly [OPTIONS] --history FILE... CURRENT...\n"
	"\n"
	"Judge the metrics of one run (CURRENT: its run summaries and\n"
	"profile documents, '-' for stdin) against the same metrics of\n"
	"earlier runs (--history: one document a line, oldest first), and\n"
	"write one NDJSON finding per metric that is off, or that could not\n"
	"be judged.\n"
	"\n"
	"Metrics (default: rows, reject_rate, score, rules.*.rate,\n"
	"null_rate.*, completeness.*, distinct.*, mean.*, freshness_lag.*):\n"
	"      --metric GLOB     judge the metrics whose names match (any\n"
	"                        numeric member by its dotted path:\n"
	"                        counts.quarantined, deductions.format);\n"
	"                        repeatable, replaces the default set\n"
	"      --history FILE    earlier runs (repeatable)\n"
	"      --window N        the last N earlier values (default 30)\n"
	"      --season weekly   only earlier runs on the same weekday (UTC)\n"
	"      --min-history N   fewer earlier values: the metric is\n"
	"                        reported as not judged (default 5)\n"
	"      --warn Z          robust z-score for a warning (default 3.5)\n"
	"      --error Z         robust z-score for an error (default 5)\n"
	"      --min-change R    ignore changes within R times the median\n"
	"                        (default 0)\n"
	"      --limit EXPR      a limit in tiers: METRIC>WARN[,ERROR] or\n"
	"                        METRIC<WARN[,ERROR]; METRIC may be\n"
	"                        median(METRIC,N), over this run and the\n"
	"                        N-1 before it; values take %, or s, m, h,\n"
	"                        d, w for freshness lags (repeatable)\n"
	"      --now TIME        the time freshness lags are measured at\n"
	"                        when a document has none (default: now,\n"
	"                        or DQ_TODAY)\n"
	"\n"
	"  -c, --contract FILE   read limits and settings from the\n"
	"                        contract's \"alerts\" section (flags win;\n"
	"                        its limits add to --limit's)\n"
	"\n"
	"Output:\n"
	"      --all             also a line for each metric judged normal\n"
	"      --fail-on LEVEL   exit 1 on a finding of LEVEL or worse:\n"
	"                        warn or error (default error)\n"
	"      --summary FILE    counts of the findings as JSON\n"
	"  -h, --help            this text\n"
	"  -V, --version         print the version\n"
	"\n"
	"Exit status: 0 no finding at --fail-on's level; 1 there is one; 2 a\n"
	"usage error or a document that cannot be read.\n";

enum {
	O_ALL = 1000,
	O_CONTRACT,
	O_ERROR,
	O_FAIL_ON,
	O_HISTORY,
	O_LIMIT,
	O_METRIC,
	O_MIN_CHANGE,
	O_MIN_HISTORY,
	O_NOW,
	O_SEASON,
	O_SUMMARY,
	O_WARN,
	O_WINDOW
};

static const struct option longopts[] = {
	{ "all", no_argument, NULL, O_ALL },
	{ "contract", required_argument, NULL, 'c' },
	{ "error", required_argument, NULL, O_ERROR },
	{ "fail-on", required_argument, NULL, O_FAIL_ON },
	{ "help", no_argument, NULL, 'h' },
	{ "history", required_argument, NULL, O_HISTORY },
	{ "limit", required_argument, NULL, O_LIMIT },
	{ "metric", required_argument, NULL, O_METRIC },
	{ "min-change", required_argument, NULL, O_MIN_CHANGE },
	{ "min-history", required_argument, NULL, O_MIN_HISTORY },
	{ "now", required_argument, NULL, O_NOW },
	{ "season", required_argument, NULL, O_SEASON },
	{ "summary", required_argument, NULL, O_SUMMARY },
	{ "version", no_argument, NULL, 'V' },
	{ "warn", required_argument, NULL, O_WARN },
	{ "window", required_argument, NULL, O_WINDOW },
	{ NULL, 0, NULL, 0 }
};


/* A limit's tier: an absolute value, or one relative to the median of
 * the metric's earlier values (2x: twice it; +5%: it plus 0.05). */
enum { T_ABS, T_TIMES, T_PLUS };
struct tier {
	double v;
	int kind, set;
};

/* A limit: metric (or its median over the last `over` runs) above (or
 * below) the warn tier, and the error tier. */
struct limit {
	const char *text; /* as given, for findings */
	char *metric;
	long long over;   /* 0: the value itself */
	int below;
	struct tier t[2]; /* warn, error */
	int matched;
};

enum level { L_OK, L_WARN, L_ERROR };
static const char *const level_names[] = { "ok", "warn", "error", NULL };

/* Options given on the command line, which win over the contract's. */
enum {
	G_WINDOW = 1,
	G_SEASON = 2,
	G_MIN_HISTORY = 4,
	G_WARN = 8,
	G_ERROR = 16,
	G_MIN_CHANGE = 32
};

struct opts {
	struct dq_opt_contract named; /* -c */
	struct dq_contract contract;
	unsigned given;     /* G_* */
	const char **globs;
	size_t nglobs;
	const char **hist_files;
	size_t nhist;
	struct limit *limits;
	size_t nlimits;
	long long window, min_history;
	double warn, error, min_change, now;
	int weekly, all, fail_on;
	const char *summary;
};

/* Every run's metrics: the history, oldest first, then the current
 * documents. */
struct runs {
	struct dq_metrics *v;
	size_t n, cap;
};

/* Findings by level; [3]: metrics not judged; judged: metrics judged
 * against their history (limits aside). */
static int counts[4], judged;

/* A tier: a number, N% (N / 100), a duration in seconds (12h), Nx (N
 * times the history's median) or +V (the median plus V). */
static int
tier_value(const char *s, size_t n, struct tier *t)
{
	char buf[64], *end;
	double scale = 1;

	t->kind = T_ABS;
	t->set = 1;
	if (n && *s == '+') {
		t->kind = T_PLUS;
		s++;
		n--;
	} else if (n && s[n - 1] == 'x') {
		t->kind = T_TIMES;
		n--;
	}
	if (!n || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	switch (t->kind == T_TIMES ? 0 : buf[n - 1]) {
	case '%': scale = 0.01; break;
	case 's': scale = 1; break;
	case 'm': scale = 60; break;
	case 'h': scale = 3600; break;
	case 'd': scale = 86400; break;
	case 'w': scale = 604800; break;
	default: n++;
	}
	buf[n - 1] = '\0';
	errno = 0;
	t->v = strtod(buf, &end) * scale;
	return !buf[0] || *end || errno || !isfinite(t->v) ||
			       (buf[0] == '-' && t->kind != T_ABS)
		       ? -1
		       : 0;
}

/* METRIC>WARN[,ERROR], METRIC<..., median(METRIC,N)>...; where names it
 * in messages ("--limit", "contract: alerts.limits[0]"). */
static int
parse_limit(struct limit *l, const char *e, const char *where)
{
	const char *op = strpbrk(e, "<>"), *comma, *v;
	size_t mlen;

	memset(l, 0, sizeof(*l));
	l->text = e;
	if (!op || op == e)
		return dq_error("%s '%s': expected METRIC>WARN[,ERROR]", where,
				e);
	l->below = *op == '<';
	mlen = (size_t)(op - e);
	if (mlen > 7 && !strncmp(e, "median(", 7) && e[mlen - 1] == ')') {
		const char *c = memchr(e, ',', mlen);
		char num[32];
		size_t nl = c ? (size_t)(e + mlen - 1 - c - 1) : 0;
		if (!c || c == e + 7 || !nl || nl >= sizeof(num))
			return dq_error("%s '%s': expected median(METRIC,N)",
					where, e);
		memcpy(num, c + 1, nl);
		num[nl] = '\0';
		if (strspn(num, "0123456789") != nl || nl > 4 ||
		    (l->over = atoll(num)) < 1 || l->over > 1000)
			return dq_error("%s '%s': N from 1 to 1000", where, e);
		l->metric = dq_xstrndup(e + 7, (size_t)(c - e - 7));
	} else {
		l->metric = dq_xstrndup(e, mlen);
	}
	v = op + 1;
	comma = strchr(v, ',');
	if (tier_value(v, comma ? (size_t)(comma - v) : strlen(v), &l->t[0]) ||
	    (comma && tier_value(comma + 1, strlen(comma + 1), &l->t[1])))
		return dq_error("%s '%s': WARN and ERROR are numbers, N%%, "
				"durations (12h), Nx or +V",
				where, e);
	if (comma && l->t[0].kind == l->t[1].kind &&
	    (l->below ? l->t[1].v > l->t[0].v : l->t[1].v < l->t[0].v))
		return dq_error("%s '%s': the error limit is past the warning "
				"one",
				where, e);
	return 0;
}

/* Read every JSON document of path (one a line, or concatenated, or one
 * indented document) into runs. */
static void
read_docs(struct runs *r, const char *path, double now)
{
	size_t len;
	char *text = dq_read_whole(path, &len);
	const char *p, *end;
	unsigned long line = 1;

	if (!text)
		exit(2);
	p = text;
	while (p < text + len) {
		cJSON *doc;
		while (p < text + len && strchr(" \t\r\n", *p)) {
			if (*p == '\n')
				line++;
			p++;
		}
		if (p == text + len)
			break;
		doc = cJSON_ParseWithLengthOpts(p, (size_t)(text + len - p),
						&end, 0);
		if (!cJSON_IsObject(doc)) {
			dq_die("%s:%lu: not a JSON object (a run summary or "
			       "a profile document)", path, line);
		}
		if (r->n == r->cap) {
			/* Doubling: one more each time is quadratic copying
			 * for a long history (minutes under ASan at 20k). */
			r->cap = r->cap ? 2 * r->cap : 64;
			r->v = dq_xrealloc(r->v, r->cap * sizeof(*r->v));
		}
		dq_metrics_init(&r->v[r->n]);
		dq_metrics_read(&r->v[r->n++], doc, now);
		cJSON_Delete(doc);
		for (; p < end; p++)
			line += *p == '\n';
	}
	free(text);
}

static int
wanted(const struct opts *o, const char *name)
{
	for (size_t i = 0; i < o->nglobs; i++)
		if (!fnmatch(o->globs[i], name, 0))
			return 1;
	return 0;
}

/* The earlier values of metric name of tool (same weekday as t when
 * weekly), the last window of them, oldest first. */
static size_t
series(const struct opts *o, const struct runs *r, size_t nhist,
       const char *tool, const char *name, const struct dq_metrics *cur,
       double *out)
{
	size_t n = 0;
	int found;

	for (size_t i = nhist; i-- > 0 && n < (size_t)o->window;) {
		const struct dq_metrics *h = &r->v[i];
		if (strcmp(h->tool, tool))
			continue;
		if (o->weekly &&
		    (!h->has_time ||
		     dq_date_weekday((long long)floor(h->time / 86400)) !=
			     dq_date_weekday(
				     (long long)floor(cur->time / 86400))))
			continue;
		double x = dq_metrics_get(h, name, &found);
		if (found)
			out[n++] = x;
	}
	for (size_t i = 0; i < n / 2; i++) {
		double t = out[i];
		out[i] = out[n - 1 - i];
		out[n - 1 - i] = t;
	}
	return n;
}

/* Write finding f (and free it): always unless it is a normal one and
 * --all is not given. */
static void
emit(const struct opts *o, struct dq_out *out, cJSON *f, int normal)
{
	char *s;

	if (normal && !o->all) {
		cJSON_Delete(f);
		return;
	}
	s = cJSON_PrintUnformatted(f);
	dq_buf_addstr(&out->b, s);
	dq_buf_addch(&out->b, '\n');
	dq_out_commit(out);
	cJSON_free(s);
	cJSON_Delete(f);
}

/* x with 15 significant digits (base/num), so that a finding reads
 * 0.583333333333333, not 0.58333333333333337. */
static void
add_number(cJSON *f, const char *key, double x)
{
	cJSON_AddNumberToObject(f, key, dq_num_r15(x));
}

static cJSON *
finding(const char *tool, const char *name, const char *kind, double x)
{
	cJSON *f = cJSON_CreateObject();

	cJSON_AddStringToObject(f, "kind", kind);
	cJSON_AddStringToObject(f, "tool", tool);
	cJSON_AddStringToObject(f, "metric", name);
	add_number(f, "current", x);
	return f;
}

/* The robust judgment of one metric of a current document. */
static void
judge(const struct opts *o, const struct runs *r, size_t nhist,
      const struct dq_metrics *cur, size_t mi, struct dq_out *out)
{
	const char *name = cur->idx.keys[mi];
	/* series() keeps at most the window. */
	size_t cap = nhist < (size_t)o->window ? nhist : (size_t)o->window;
	double x = cur->v[mi], *h = dq_xmalloc((cap + 1) * sizeof(*h));
	size_t n = series(o, r, nhist, cur->tool, name, cur, h);
	cJSON *f = finding(cur->tool, name, "history", x);
	struct dq_judgment j;
	enum level lv = L_OK;

	cJSON_AddNumberToObject(f, "history", (double)n);
	if (n < (size_t)o->min_history) {
		cJSON_AddStringToObject(f, "level", "not_judged");
		cJSON_AddStringToObject(f, "message",
					n ? "too few earlier values"
					  : "no earlier value");
		counts[3]++;
		emit(o, out, f, 0);
		free(h);
		return;
	}
	dq_robust_judge(h, n, x, &j);
	free(h);
	judged++;
	if (fabs(x - j.median) > o->min_change * fabs(j.median)) {
		if (fabs(j.z) > o->error)
			lv = L_ERROR;
		else if (fabs(j.z) > o->warn)
			lv = L_WARN;
	}
	add_number(f, "median", j.median);
	add_number(f, "spread", j.spread);
	if (isfinite(j.z))
		cJSON_AddNumberToObject(f, "z", round(j.z * 1000) / 1000);
	else
		cJSON_AddStringToObject(f, "z", j.z > 0 ? "inf" : "-inf");
	cJSON_AddStringToObject(f, "level", level_names[lv]);
	counts[lv]++;
	emit(o, out, f, lv == L_OK);
}

static void limit_level(const struct opts *o, const struct limit *l,
			const struct runs *r, size_t nhist,
			const struct dq_metrics *cur, double x, cJSON *f,
			struct dq_out *out);

/* One limit against the current documents. */
static void
check_limit(const struct opts *o, struct limit *l, const struct runs *r,
	    size_t nhist, struct dq_out *out)
{
	int found;

	for (size_t c = nhist; c < r->n; c++) {
		const struct dq_metrics *cur = &r->v[c];
		double x = dq_metrics_get(cur, l->metric, &found);
		if (!found)
			continue;
		l->matched = 1;
		size_t n = 1;
		if (l->over > 1) {
			struct opts o1 = *o;
			double *h = dq_xmalloc((nhist + 1) * sizeof(*h));
			o1.weekly = 0;
			o1.window = l->over - 1;
			n = series(&o1, r, nhist, cur->tool, l->metric, cur, h);
			h[n++] = x;
			x = dq_median(h, n);
			free(h);
		}
		cJSON *f = finding(cur->tool, l->metric, "limit", x);
		if (l->over) {
			cJSON_AddNumberToObject(f, "runs", (double)n);
			cJSON_AddNumberToObject(f, "over", (double)l->over);
		}
		cJSON_AddStringToObject(f, "limit", l->text);
		limit_level(o, l, r, nhist, cur, x, f, out);
	}
}

/* Judge x against l's tiers (a relative tier against the median of the
 * metric's earlier values) and write finding f. */
static void
limit_level(const struct opts *o, const struct limit *l,
	    const struct runs *r, size_t nhist, const struct dq_metrics *cur,
	    double x, cJSON *f, struct dq_out *out)
{
	double lim[2], base = 0;
	enum level lv = L_OK;

	if ((l->t[0].kind != T_ABS) || (l->t[1].set && l->t[1].kind != T_ABS)) {
		double *h = dq_xmalloc((nhist + 1) * sizeof(*h));
		size_t n = series(o, r, nhist, cur->tool, l->metric, cur, h);
		if (n)
			base = dq_median(h, n);
		free(h);
		if (!n) {
			cJSON_AddStringToObject(f, "level", "not_judged");
			cJSON_AddStringToObject(f, "message",
						"no earlier value for a limit "
						"relative to the history");
			counts[3]++;
			emit(o, out, f, 0);
			return;
		}
		add_number(f, "baseline", base);
	}
	for (int i = 0; i < 2; i++)
		lim[i] = l->t[i].kind == T_TIMES  ? l->t[i].v * base
			 : l->t[i].kind == T_PLUS ? base + l->t[i].v
						  : l->t[i].v;
	if (l->t[1].set && (l->below ? x < lim[1] : x > lim[1]))
		lv = L_ERROR;
	else if (l->below ? x < lim[0] : x > lim[0])
		lv = L_WARN;
	cJSON_AddStringToObject(f, "level", level_names[lv]);
	counts[lv]++;
	emit(o, out, f, lv == L_OK);
}

static double
now_seconds(void)
{
	if (getenv("DQ_TODAY"))
		return (double)dq_date_today_days() * 86400;
	return (double)time(NULL);
}

static int
alerts_number(const cJSON *sec, const char *key, double min, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(sec, key);

	if (!v)
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble < min ||
	    !isfinite(v->valuedouble))
		return dq_error("contract: alerts.%s: a number, %g or more",
				key, min);
	*out = v->valuedouble;
	return 0;
}

static int
alerts_list(const cJSON *sec, const char *key, const cJSON **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(sec, key), *it;

	*out = NULL;
	if (!v)
		return 0;
	if (!cJSON_IsArray(v))
		return dq_error("contract: alerts.%s: a list of strings", key);
	cJSON_ArrayForEach(it, v)
	{
		if (!cJSON_IsString(it))
			return dq_error("contract: alerts.%s: a list of "
					"strings",
					key);
	}
	*out = v;
	return 0;
}

/* The contract's "alerts" section: its limits are added to --limit's,
 * its other keys apply where no flag was given. */
static int
load_alerts(struct opts *o)
{
	const cJSON *sec, *limits, *metrics, *it, *season;
	double x;
	char where[64];
	int i = 0;

	dq_contract_init(&o->contract);
	if (!o->named.nfiles)
		return 0;
	if (dq_opt_contract_load(&o->named, &o->contract))
		return -1;
	sec = dq_contract_get(&o->contract, "alerts");
	if (!sec)
		return 0;
	if (alerts_list(sec, "limits", &limits) ||
	    alerts_list(sec, "metrics", &metrics))
		return -1;
	cJSON_ArrayForEach(it, limits)
	{
		snprintf(where, sizeof(where), "contract: alerts.limits[%d]",
			 i++);
		o->limits = dq_xrealloc(o->limits,
					(o->nlimits + 1) * sizeof(*o->limits));
		if (parse_limit(&o->limits[o->nlimits++], it->valuestring,
				where))
			return -1;
	}
	if (o->nglobs)
		metrics = NULL; /* --metric wins */
	cJSON_ArrayForEach(it, metrics)
	{
		o->globs = dq_xrealloc(o->globs,
				       (o->nglobs + 1) * sizeof(char *));
		o->globs[o->nglobs++] = it->valuestring;
	}
	x = (double)o->window;
	if (alerts_number(sec, "window", 1, &x) ||
	    alerts_number(sec, "warn", 0, o->given & G_WARN ? &x : &o->warn) ||
	    alerts_number(sec, "error", 0, o->given & G_ERROR ? &x : &o->error) ||
	    alerts_number(sec, "min_change", 0,
			  o->given & G_MIN_CHANGE ? &x : &o->min_change))
		return -1;
	if (!(o->given & G_WINDOW))
		o->window = (long long)x;
	x = (double)o->min_history;
	if (alerts_number(sec, "min_history", 1, &x))
		return -1;
	if (!(o->given & G_MIN_HISTORY))
		o->min_history = (long long)x;
	season = cJSON_GetObjectItemCaseSensitive(sec, "season");
	if (season && (!cJSON_IsString(season) ||
		       (strcmp(season->valuestring, "weekly") &&
			strcmp(season->valuestring, "none"))))
		return dq_error("contract: alerts.season: \"none\" or "
				"\"weekly\"");
	if (season && !(o->given & G_SEASON))
		o->weekly = !strcmp(season->valuestring, "weekly");
	return 0;
}

static void
options(struct opts *o, int argc, char **argv)
{
	static const char *const seasons[] = { "none", "weekly", NULL };
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			dq_opt_contract_file(&o->named, optarg);
			break;
		case 'h':
			fputs(help, stdout);
			exit(0);
		case 'V':
			printf("dq-anomaly %s\n", DQ_VERSION);
			exit(0);
		case O_ALL: o->all = 1; break;
		case O_ERROR:
			o->given |= G_ERROR;
			if (dq_opt_double("error", optarg, 0, 1e9, &o->error))
				dq_usage_exit();
			break;
		case O_WARN:
			o->given |= G_WARN;
			if (dq_opt_double("warn", optarg, 0, 1e9, &o->warn))
				dq_usage_exit();
			break;
		case O_FAIL_ON:
			if (dq_opt_enum("fail-on", optarg, level_names + 1,
					&o->fail_on))
				dq_usage_exit();
			o->fail_on++;
			break;
		case O_HISTORY:
			o->hist_files = dq_xrealloc(
				o->hist_files, (o->nhist + 1) * sizeof(char *));
			o->hist_files[o->nhist++] = optarg;
			break;
		case O_LIMIT:
			o->limits = dq_xrealloc(o->limits, (o->nlimits + 1) *
							   sizeof(*o->limits));
			if (parse_limit(&o->limits[o->nlimits++], optarg,
					"--limit"))
				dq_usage_exit();
			break;
		case O_METRIC:
			o->globs = dq_xrealloc(o->globs,
					       (o->nglobs + 1) * sizeof(char *));
			o->globs[o->nglobs++] = optarg;
			break;
		case O_MIN_CHANGE:
			o->given |= G_MIN_CHANGE;
			if (dq_opt_double("min-change", optarg, 0, 1e9,
					  &o->min_change))
				dq_usage_exit();
			break;
		case O_MIN_HISTORY:
			o->given |= G_MIN_HISTORY;
			if (dq_opt_int("min-history", optarg, 1, 100000,
				       &o->min_history))
				dq_usage_exit();
			break;
		case O_WINDOW:
			o->given |= G_WINDOW;
			if (dq_opt_int("window", optarg, 1, 100000, &o->window))
				dq_usage_exit();
			break;
		case O_NOW:
			if (dq_iso_seconds(optarg, &o->now))
				dq_usage_error("--now '%s': an ISO 8601 date or "
					    "date-time", optarg);
			break;
		case O_SEASON:
			o->given |= G_SEASON;
			if (dq_opt_enum("season", optarg, seasons, &o->weekly))
				dq_usage_exit();
			break;
		case O_SUMMARY: o->summary = optarg; break;
		case ':':
			dq_usage_error("option '%s' needs a value",
				    argv[optind - 1]);
		default:
			dq_usage_error("option '%s' is unknown", argv[optind - 1]);
		}
	}
	if (load_alerts(o))
		exit(2);
	if (optind >= argc)
		dq_usage_error("no run to judge: name its summaries or profile "
			    "documents ('-' for stdin)");
	if (o->error < o->warn)
		dq_usage_error("--error %g is below --warn %g", o->error, o->warn);
	if (!o->nglobs) {
		while (dq_metrics_default[o->nglobs])
			o->nglobs++;
		o->globs = dq_xcalloc(o->nglobs, sizeof(char *));
		for (size_t i = 0; i < o->nglobs; i++)
			o->globs[i] = dq_metrics_default[i];
	}
}

static void
write_summary(const struct opts *o, int status)
{
	struct dq_out s;
	cJSON *j = cJSON_CreateObject();
	char *txt;

	cJSON_AddStringToObject(j, "tool", "dq-anomaly");
	cJSON_AddStringToObject(j, "version", DQ_VERSION);
	cJSON_AddNumberToObject(j, "judged", counts[0] + counts[1] + counts[2]);
	cJSON_AddNumberToObject(j, "not_judged", counts[3]);
	cJSON_AddNumberToObject(j, "ok", counts[0]);
	cJSON_AddNumberToObject(j, "warn", counts[1]);
	cJSON_AddNumberToObject(j, "error", counts[2]);
	cJSON_AddBoolToObject(j, "passed", status == 0);
	cJSON_AddNumberToObject(j, "exit_status", status);
	txt = cJSON_Print(j);
	dq_out_init(&s);
	if (dq_out_open(&s, o->summary))
		exit(2);
	dq_buf_addstr(&s.b, txt);
	dq_buf_addch(&s.b, '\n');
	dq_out_close(&s);
	cJSON_free(txt);
	cJSON_Delete(j);
}

int
main(int argc, char **argv)
{
	struct opts o = { .window = 30, .min_history = 5, .warn = 3.5,
			  .error = 5, .fail_on = L_ERROR, .now = -1 };
	struct runs r = { 0 };
	struct dq_out out;
	size_t nhist;
	int status, now_given;

	dq_run_setup("dq-anomaly");
	options(&o, argc, argv);
	now_given = o.now >= 0;
	if (!now_given)
		o.now = now_seconds();
	for (size_t i = 0; i < o.nhist; i++)
		read_docs(&r, o.hist_files[i], o.now);
	nhist = r.n;
	for (int i = optind; i < argc; i++)
		read_docs(&r, argv[i], o.now);
	if (r.n == nhist)
		dq_usage_error("the run to judge has no document");
	/* How long the tool's runs have been failing: up to --now when
	 * given (a watchdog run), else to the run's own time. */
	for (size_t c = nhist; c < r.n; c++)
		dq_metrics_failing_for(&r.v[c], r.v, nhist,
				       now_given || !r.v[c].has_time
					       ? o.now
					       : r.v[c].time);
	for (size_t c = nhist; c < r.n && o.weekly; c++)
		if (!r.v[c].has_time)
			dq_usage_error("--season weekly: a current document has "
				    "no \"started\" time");

	dq_out_init(&out);
	dq_out_fd(&out, 1, "stdout");
	for (size_t c = nhist; c < r.n; c++)
		for (size_t m = 0; m < r.v[c].n; m++)
			if (wanted(&o, r.v[c].idx.keys[m]))
				judge(&o, &r, nhist, &r.v[c], m, &out);
	for (size_t i = 0; i < o.nlimits; i++) {
		check_limit(&o, &o.limits[i], &r, nhist, &out);
		if (!o.limits[i].matched)
			dq_warn("--limit '%s': no document of the run has "
				"the metric '%s'", o.limits[i].text,
				o.limits[i].metric);
	}
	if (!judged && counts[3])
		dq_warn("no metric had enough history to be judged (%d not "
			"judged; --min-history %lld)",
			counts[3], o.min_history);
	status = (o.fail_on <= L_WARN && counts[L_WARN]) || counts[L_ERROR];
	dq_out_close(&out);
	if (o.summary)
		write_summary(&o, status);
	if (dq_out_commit_all())
		return 2;
	for (size_t i = 0; i < r.n; i++)
		dq_metrics_release(&r.v[i]);
	free(r.v);
	for (size_t i = 0; i < o.nlimits; i++)
		free(o.limits[i].metric);
	free(o.limits);
	free(o.globs);
	free(o.hist_files);
	dq_opt_contract_release(&o.named);
	dq_contract_release(&o.contract);
	return status;
}
