/*
 * run.c - the shared command line, record loop plumbing and summary.
 */
#include "cli/run.h"
#include "cli/opt.h"
#include "base/utf8.h"
#include "contract/rules.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

enum {
	O_SET = DQ_OPT_COMMON,
	O_SUMMARY,
	O_REJECTS,
	O_MAX_REJECTS,
	O_ID,
	O_LOG_FORMAT,
	O_VERSION,
	O_CSV,
	O_NDJSON,
	O_JSON,
	O_INPUT_FORMAT,
	O_DELIMITER,
	O_ENCODING,
	O_NO_HEADER,
	O_PRINT_CONTRACT,
	O_LINE_OFFSET,
	O_REJECT_HISTORY,
	O_RECORDS
};

static const struct option common_long[] = {
	{ "contract", required_argument, NULL, 'c' },
	{ "csv", no_argument, NULL, O_CSV },
	{ "delimiter", required_argument, NULL, O_DELIMITER },
	{ "encoding", required_argument, NULL, O_ENCODING },
	{ "help", no_argument, NULL, 'h' },
	{ "id", required_argument, NULL, O_ID },
	{ "input-format", required_argument, NULL, O_INPUT_FORMAT },
	{ "log-format", required_argument, NULL, O_LOG_FORMAT },
	{ "max-rejects", required_argument, NULL, O_MAX_REJECTS },
	{ "json", no_argument, NULL, O_JSON },
	{ "ndjson", no_argument, NULL, O_NDJSON },
	{ "no-header", no_argument, NULL, O_NO_HEADER },
	{ "print-contract", no_argument, NULL, O_PRINT_CONTRACT },
	{ "line-offset", required_argument, NULL, O_LINE_OFFSET },
	{ "quiet", no_argument, NULL, 'q' },
	{ "records-at", required_argument, NULL, O_RECORDS },
	{ "rejects", required_argument, NULL, O_REJECTS },
	{ "reject-history", required_argument, NULL, O_REJECT_HISTORY },
	{ "set", required_argument, NULL, O_SET },
	{ "summary", required_argument, NULL, O_SUMMARY },
	{ "version", no_argument, NULL, O_VERSION },
};

static const char common_help[] =
	"Input:\n"
	"  FILE...               NDJSON or CSV files, also gzip, zstd, bzip2\n"
	"                        or xz compressed, or Parquet (through DuckDB's\n"
	"                        library: scripts/install-deps --parquet);\n"
	"                        none or - reads stdin\n"
	"      --csv, --ndjson, --json  force the input format (default:\n"
	"                        detect per file: '{' or '[' first means NDJSON;\n"
	"                        '[{', or '[' or '{' alone on the first line,\n"
	"                        a JSON document)\n"
	"      --input-format F  auto, ndjson, csv or json\n"
	"      --records-at PATH the records are the array at PATH in each\n"
	"                        JSON document ({\"records\": [...]}: records;\n"
	"                        data.items); other members are skipped\n"
	"      --delimiter D     CSV delimiter, one or more characters\n"
	"                        (default ','; \"\\t\" for tab; ', ' for FEBRL)\n"
	"      --encoding ENC    CSV input encoding: utf-8 (default) or latin1\n"
	"      --no-header       CSV has no header; columns are named 1, 2, ...\n"
	"      --line-offset N   number lines from N+1: the input is a chunk of\n"
	"                        a larger file that starts after line N\n"
	"\n"
	"Contract:\n"
	"  -c, --contract FILE   contract file, JSON or YAML; repeat to layer\n"
	"                        (later wins); env(\"VAR\") and ${VAR} in its\n"
	"                        strings are read from the environment\n"
	"      --set PATH=VALUE  override one contract value (JSON, else a\n"
	"                        string), e.g. --set fields.email.required=true\n"
	"      --id FIELD        the field that names a record (default: id)\n"
	"      --print-contract  print the merged contract (all -c layers and\n"
	"                        --set applied) and its checksum, and exit\n"
	"\n"
	"Rejects, summary and diagnostics:\n"
	"      --rejects FILE    write malformed input lines there, whole, as\n"
	"                        NDJSON with file, line, byte and reason\n"
	"      --max-rejects N   rejected lines allowed before exit status 1\n"
	"                        (default 0); P% a share of the input lines;\n"
	"                        +P% P points above the median share of the\n"
	"                        last 10 runs in --reject-history\n"
	"      --reject-history FILE  earlier run summaries, one per line\n"
	"      --summary FILE    write the run summary (one JSON document)\n"
	"      --log-format F    stderr diagnostics as text (default) or json\n"
	"  -q, --quiet           no progress or notices on stderr\n"
	"  -h, --help            show this help and exit\n"
	"      --version         show the version and exit\n"
	"\n"
	"Exit status: 0 success and every gate passed; 1 a quality gate failed\n"
	"(output still complete); 2 usage, contract, input or write error.\n"
	"Environment: DQ_RUN_ID sets the run id stamped into summaries.\n";

/* --max-rejects: a count ("3"), a share of the input lines ("10%"), or
 * a share above the history's median ("+5%"). */
static int
reject_limit(struct dq_run *run, const char *arg)
{
	size_t n = strlen(arg);
	char buf[64], *end;

	if (!n || arg[n - 1] != '%')
		return dq_opt_int("max-rejects", arg, 0, INT64_MAX,
				  &run->max_rejects);
	run->reject_relative = arg[0] == '+';
	n -= 1 + (size_t)run->reject_relative;
	if (n && n < sizeof(buf)) {
		memcpy(buf, arg + run->reject_relative, n);
		buf[n] = '\0';
		errno = 0;
		run->max_reject_pct = strtod(buf, &end);
		if (!errno && !*end && buf[0] >= '0' && buf[0] <= '9' &&
		    run->max_reject_pct <= 100) {
			run->max_rejects = -1;
			return 0;
		}
	}
	return dq_error("--max-rejects: '%s': expected a count (3), a share "
			"of the input lines (10%%) or a share above the "
			"history's median (+5%%)", arg);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/*
 * The median reject rate (in percent) of the last 10 runs of this
 * program in --reject-history: lines of run summaries ("tool", "counts"
 * {"in", "rejected"}); other programs' summaries and runs without input
 * are skipped.  No file or no run: a warning, and the median is 0.  A
 * line that is not a JSON object is an error (exit 2), so a damaged
 * history never sets a limit silently.
 */
static void
reject_history(struct dq_run *run)
{
	enum { NRUNS = 10 };
	double rates[NRUNS] = { 0 };
	size_t len, nr = 0, total = 0;
	long line = 0;
	char *text = NULL;

	if (access(run->reject_history, F_OK) == 0 &&
	    !(text = dq_read_file(run->reject_history, &len)))
		dq_die("%s: cannot read the reject history",
		       run->reject_history);
	for (char *p = text, *nl; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		line++;
		if (!*p)
			continue;
		cJSON *doc = cJSON_Parse(p);
		if (!cJSON_IsObject(doc))
			dq_die("%s:%ld: not a run summary (one JSON object a "
			       "line: jq -c . summary.json >> %s)",
			       run->reject_history, line, run->reject_history);
		const cJSON *tool = cJSON_GetObjectItemCaseSensitive(doc, "tool");
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(doc, "counts");
		const cJSON *in = cJSON_GetObjectItemCaseSensitive(c, "in");
		const cJSON *rj = cJSON_GetObjectItemCaseSensitive(c, "rejected");
		if (cJSON_IsString(tool) &&
		    !strcmp(tool->valuestring, run->tool->name) &&
		    cJSON_IsNumber(in) && in->valuedouble > 0 &&
		    cJSON_IsNumber(rj))
			rates[total++ % NRUNS] = 100 * rj->valuedouble /
						 in->valuedouble;
		cJSON_Delete(doc);
	}
	free(text);
	nr = total < NRUNS ? total : NRUNS;
	run->reject_runs = (int)nr;
	if (!nr) {
		dq_warn("no earlier %s run in %s: the reject limit +%g%% is "
			"taken above 0", run->tool->name, run->reject_history,
			run->max_reject_pct);
		return;
	}
	qsort(rates, nr, sizeof(*rates), cmp_double);
	run->reject_median_pct = nr % 2 ? rates[nr / 2]
					: (rates[nr / 2 - 1] + rates[nr / 2]) / 2;
}

static void
usage_error(const struct dq_tool *t)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", t->name);
	exit(2);
}

static void
print_help(const struct dq_tool *t)
{
	printf("%s%s\n%s", t->synopsis, t->help, common_help);
	if ((fflush(stdout) || ferror(stdout)) && errno == EPIPE)
		dq_die_quiet();
	if (ferror(stdout))
		dq_die("write error: stdout: %s", strerror(errno));
	exit(0);
}

void
dq_iso_time(const struct timespec *ts, char *buf, size_t n)
{
	struct tm tm;
	char tmp[24];
	gmtime_r(&ts->tv_sec, &tm);
	strftime(tmp, sizeof(tmp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, n, "%.19s.%03dZ", tmp, (int)(ts->tv_nsec / 1000000) % 1000);
}

static void
make_run_id(struct dq_run *run)
{
	const char *env = getenv("DQ_RUN_ID");
	if (env && *env) {
		snprintf(run->run_id, sizeof(run->run_id), "%s", env);
		return;
	}
	unsigned long long seed = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, &seed, sizeof(seed)) != (ssize_t)sizeof(seed))
		seed = (unsigned long long)run->t0.tv_nsec ^
		       ((unsigned long long)getpid() << 32);
	if (fd >= 0)
		close(fd);
	struct tm tm;
	char ts[20];
	gmtime_r(&run->t0.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(run->run_id, sizeof(run->run_id), "%s-%08llx", ts,
		 seed & 0xffffffffULL);
}

/* Unescape "\t" in a delimiter given on the command line. */
static char *
parse_delim(const char *s)
{
	if (!strcmp(s, "\\t") || !strcmp(s, "tab"))
		return dq_xstrdup("\t");
	return dq_xstrdup(s);
}

static int
common_option(struct dq_run *run, int c, const char *arg)
{
	switch (c) {
	case 'c':
		dq_opt_contract_file(&run->named, arg);
		return 0;
	case 'q':
		run->quiet = 1;
		return 0;
	case O_SET:
		dq_opt_contract_set(&run->named, arg);
		return 0;
	case O_SUMMARY:
		run->summary_path = arg;
		return 0;
	case O_REJECTS:
		run->rejects_path = arg;
		return 0;
	case O_MAX_REJECTS:
		return reject_limit(run, arg);
	case O_REJECT_HISTORY:
		run->reject_history = arg;
		return 0;
	case O_ID:
		if (!*arg)
			return dq_error("--id: empty field name");
		run->id_field = arg;
		return 0;
	case O_LOG_FORMAT: {
		static const char *const fmts[] = { "text", "json", NULL };
		return dq_opt_enum("log-format", arg, fmts, &run->log_json);
	}
	case O_CSV:
		run->in.format = DQ_FMT_CSV;
		return 0;
	case O_NDJSON:
		run->in.format = DQ_FMT_NDJSON;
		return 0;
	case O_JSON:
		run->in.format = DQ_FMT_JSON;
		return 0;
	case O_RECORDS:
		if (!*arg)
			return dq_error("--records-at: empty path");
		run->in.records = arg;
		return 0;
	case O_INPUT_FORMAT: {
		static const char *const fmts[] = { "auto", "ndjson", "jsonl",
						    "csv", "json", NULL };
		static const int as[] = { DQ_FMT_AUTO, DQ_FMT_NDJSON,
					  DQ_FMT_NDJSON, DQ_FMT_CSV,
					  DQ_FMT_JSON };
		int k;
		if (dq_opt_enum("input-format", arg, fmts, &k))
			return -1;
		run->in.format = as[k];
		return 0;
	}
	case O_DELIMITER:
		if (!*arg)
			return dq_error("--delimiter: empty delimiter");
		free(run->delim);
		run->delim = parse_delim(arg);
		run->in.csv.delim = run->delim;
		return 0;
	case O_ENCODING:
		if (!strcasecmp(arg, "latin1") || !strcasecmp(arg, "latin-1") ||
		    !strcasecmp(arg, "iso-8859-1"))
			run->in.csv.latin1 = 1;
		else if (!strcasecmp(arg, "utf-8") || !strcasecmp(arg, "utf8"))
			run->in.csv.latin1 = 0;
		else
			return dq_error("--encoding: '%s': expected utf-8 or "
					"latin1", arg);
		return 0;
	case O_LINE_OFFSET: {
		long long v;
		/* Lines stay exact in any JSON reader (2^53), and the
		 * sum with a line number cannot overflow. */
		if (dq_opt_int("line-offset", arg, 0, (1LL << 53) - 1, &v))
			return -1;
		run->in.line_offset = (long)v;
		return 0;
	}
	case O_PRINT_CONTRACT:
		run->print_contract = 1;
		return 0;
	case O_NO_HEADER:
		run->in.csv.no_header = 1;
		return 0;
	}
	return -1;
}

/* A run stopped by a signal leaves no half-written file: the temporary
 * files go, the previous files stay, and the signal then ends the process
 * as it would have (status 128 + N for the shell). */
static const int stop_signals[] = { SIGTERM, SIGINT, SIGHUP };

static void
on_stop(int sig)
{
	dq_out_discard_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

void
dq_run_setup(const char *progname)
{
	/* cJSON allocates through dq_xmalloc too: out of memory while
	 * building a summary then exits 2 instead of silently dropping a
	 * member, and the fault-injection build reaches those allocations. */
	static cJSON_Hooks hooks = { dq_xmalloc, free };

	dq_progname = progname;
	if (dq_hold_std_fds())
		exit(2);
	cJSON_InitHooks(&hooks);
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(*stop_signals); i++)
		if (signal(stop_signals[i], on_stop) == SIG_IGN)
			signal(stop_signals[i], SIG_IGN); /* nohup stays */
}

/* The contract's "identity" section: are --id values global, or per
 * source (stream/meta.h)? */
static int
load_identity(struct dq_run *run)
{
	const cJSON *id = dq_contract_get(&run->contract, "identity");
	const cJSON *g = id ? cJSON_GetObjectItemCaseSensitive(id, "global")
			    : NULL;
	const cJSON *src = id ? cJSON_GetObjectItemCaseSensitive(id, "source")
			      : NULL;

	run->ident.field = run->id_field;
	run->ident.global = 0;
	if (id && !cJSON_IsObject(id))
		return dq_error("contract: 'identity' must be an object");
	if (g && !cJSON_IsBool(g))
		return dq_error("contract: 'identity.global' must be true or "
				"false");
	run->ident.global = g && cJSON_IsTrue(g);
	run->ident.source = NULL;
	if (src && (!cJSON_IsString(src) || !*src->valuestring))
		return dq_error("contract: 'identity.source' must be a field "
				"name");
	if (src)
		run->ident.source = src->valuestring;
	return 0;
}

void
dq_run_init(struct dq_run *run, const struct dq_tool *tool, int argc,
	    char **argv)
{
	size_t ntool = 0, ncommon = sizeof(common_long) / sizeof(*common_long);
	int c;

	memset(run, 0, sizeof(*run));
	dq_run_setup(tool->name);
	run->tool = tool;
	run->id_field = "id";
	clock_gettime(CLOCK_REALTIME, &run->t0);
	dq_iso_time(&run->t0, run->started, sizeof(run->started));
	make_run_id(run);
	dq_input_init(&run->in);
	dq_out_init(&run->out);
	dq_out_init(&run->rejects);
	dq_contract_init(&run->contract);
	dq_pii_init(&run->pii);

	while (tool->longopts && tool->longopts[ntool].name)
		ntool++;
	struct option *all = dq_xcalloc(ntool + ncommon + 1, sizeof(*all));
	/* The program's own options first: where one has the name of a
	 * shared one (dq-csv's --no-header: no header row written), the
	 * program's meaning wins, as its --help says. */
	if (ntool)
		memcpy(all, tool->longopts, ntool * sizeof(*all));
	memcpy(all + ntool, common_long, sizeof(common_long));
	char shortopts[128];
	snprintf(shortopts, sizeof(shortopts), "+c:hq%s",
		 tool->shortopts ? tool->shortopts : "");

	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, all, NULL)) != -1) {
		if (c == 'h')
			print_help(tool);
		if (c == O_VERSION) {
			printf("%s %s\n", tool->name, DQ_VERSION);
			exit(0);
		}
		if (c == '?' || c == ':') {
			if (optopt && optopt < 256)
				dq_error("option '-%c' %s", optopt,
					 strchr(shortopts, optopt)
						 ? "needs a value"
						 : "is unknown");
			else
				dq_error("option '%s' %s", argv[optind - 1],
					 c == ':' ? "needs a value"
						  : "is unknown or needs a "
						    "value");
			usage_error(tool);
		}
		int rc;
		if (c == 'c' || c == 'q' ||
		    (c >= DQ_OPT_COMMON && c < DQ_OPT_TOOL))
			rc = common_option(run, c, optarg);
		else
			rc = tool->option ? tool->option(tool->ctx, c, optarg)
					  : -1;
		if (rc)
			usage_error(tool);
	}
	free(all);
	if (run->reject_relative != !!run->reject_history) {
		dq_error(run->reject_relative
				 ? "--max-rejects +P%%: needs --reject-history FILE"
				 : "--reject-history: only with --max-rejects +P%%");
		usage_error(tool);
	}
	if (run->reject_relative)
		reject_history(run);
	run->in.files = argv + optind;
	run->in.nfiles = (size_t)(argc - optind);

	const char *bad = dq_csv_opts_check(&run->in.csv);
	if (bad) {
		dq_error("%s", bad);
		usage_error(tool);
	}
	if (dq_opt_contract_load(&run->named, &run->contract))
		exit(2);
	if (!tool->compiles_rules && dq_rules_check(&run->contract))
		exit(2);
	if (load_identity(run))
		exit(2);
	if (run->print_contract) {
		char *doc = cJSON_Print(dq_contract_declared(&run->contract));
		if (!doc)
			dq_die("out of memory");
		struct dq_out o;
		dq_out_init(&o);
		dq_out_fd(&o, 1, "stdout");
		dq_buf_addstr(&o.b, doc);
		dq_buf_addch(&o.b, '\n');
		free(doc);
		dq_out_close(&o);
		if (!run->quiet)
			fprintf(stderr, "contract_version %s\n",
				run->contract.checksum);
		exit(0);
	}
	if (dq_pii_load(&run->pii, &run->contract))
		exit(2);
	dq_pii_use(&run->pii);
	if (dq_input_check(&run->in))
		exit(2);
	dq_out_inputs(run->in.files, run->in.nfiles);
	if (run->rejects_path && dq_out_open(&run->rejects, run->rejects_path))
		exit(2);
	dq_out_fd(&run->out, 1, "stdout");
	run->progress = !run->quiet && !run->log_json && isatty(2);
}

void
dq_run_where(const struct dq_run *run, struct dq_buf *b)
{
	dq_buf_addf(b, "%s:%ld", run->item.file ? run->item.file : "-",
		    run->item.line);
}

static void
json_log_line(struct dq_run *run, const char *level, const char *stage,
	      const char *msg, int counts)
{
	struct timespec ts;
	char when[32];
	struct dq_buf b = DQ_BUF_INIT;

	clock_gettime(CLOCK_REALTIME, &ts);
	dq_iso_time(&ts, when, sizeof(when));
	dq_buf_addf(&b, "{\"ts\":\"%s\",\"level\":\"%s\",\"tool\":\"%s\","
			"\"run_id\":",
		    when, level, run->tool->name);
	dq_buf_add_json_string(&b, run->run_id, strlen(run->run_id));
	dq_buf_addf(&b, ",\"stage\":\"%s\",\"msg\":", stage);
	dq_buf_add_json_string(&b, msg, strlen(msg));
	if (counts)
		dq_buf_addf(&b,
			    ",\"counts\":{\"in\":%llu,\"out\":%llu,"
			    "\"quarantined\":%llu,\"rejected\":%llu}",
			    (unsigned long long)run->n_in,
			    (unsigned long long)run->n_out,
			    (unsigned long long)run->n_quarantined,
			    (unsigned long long)run->n_rejected);
	dq_buf_add(&b, "}\n", 2);
	fwrite(b.buf, 1, b.len, stderr);
	dq_buf_release(&b);
}

static void
clear_progress(struct dq_run *run)
{
	if (run->progress_shown) {
		fputs("\r\033[K", stderr);
		run->progress_shown = 0;
	}
}

static void
vlog(struct dq_run *run, const char *level, const char *stage, int counts,
     const char *fmt, va_list ap)
{
	struct dq_buf msg = DQ_BUF_INIT;

	if (run->quiet && !strcmp(level, "info"))
		return;
	dq_buf_vaddf(&msg, fmt, ap);
	clear_progress(run);
	if (run->log_json)
		json_log_line(run, level, stage, msg.buf, counts);
	else if (!strcmp(level, "warn"))
		fprintf(stderr, "%s: warning: %s\n", run->tool->name, msg.buf);
	else
		fprintf(stderr, "%s: %s\n", run->tool->name, msg.buf);
	dq_buf_release(&msg);
}

void
dq_log(struct dq_run *run, const char *level, const char *stage,
       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(run, level, stage, 0, fmt, ap);
	va_end(ap);
}

static void
base64(struct dq_buf *b, const unsigned char *p, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 |
			     p[i + 2];
		char q[4] = { tab[v >> 18], tab[(v >> 12) & 63],
			      tab[(v >> 6) & 63], tab[v & 63] };
		dq_buf_add(b, q, 4);
	}
	if (i < n) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		char q[4] = { tab[v >> 18], tab[(v >> 12) & 63],
			      i + 1 < n ? tab[(v >> 6) & 63] : '=', '=' };
		dq_buf_add(b, q, 4);
	}
}

void
dq_run_reject(struct dq_run *run, const char *reason, size_t col)
{
	const struct dq_item *it = &run->item;

	run->n_rejected++;
	if (run->rejects.fd >= 0) {
		struct dq_buf *b = &run->rejects.b;
		dq_buf_addstr(b, "{\"file\":");
		dq_buf_add_json_string(b, it->file, strlen(it->file));
		uint64_t byte;
		long line;
		size_t column;
		dq_item_where(it, col, &byte, &line, &column);
		dq_buf_addf(b, ",\"line\":%ld", line);
		if (it->doc)
			dq_buf_addf(b, ",\"record\":%ld", it->line);
		if (byte != UINT64_MAX)
			dq_buf_addf(b, ",\"byte\":%llu,\"column\":%zu",
				    (unsigned long long)byte, column);
		dq_buf_addstr(b, ",\"reason\":");
		dq_buf_add_json_string(b, reason, strlen(reason));
		dq_buf_addf(b, ",\"tool\":\"%s\"", run->tool->name);
		if (dq_utf8_valid(it->raw, it->rawlen)) {
			dq_buf_addstr(b, ",\"raw\":");
			dq_buf_add_json_string(b, it->raw, it->rawlen);
		} else {
			dq_buf_addstr(b, ",\"raw_base64\":\"");
			base64(b, (const unsigned char *)it->raw, it->rawlen);
			dq_buf_addch(b, '"');
		}
		dq_buf_add(b, "}\n", 2);
		dq_out_commit(&run->rejects);
		return;
	}
	if (run->quiet)
		return;
	if (run->rejects_shown < 10) {
		uint64_t byte;
		long line;
		size_t column;
		dq_item_where(it, col, &byte, &line, &column);
		if (it->doc)
			dq_log(run, "warn", "read", "%s:%ld:%zu: %s (record %ld)",
			       it->file, line, column, reason, it->line);
		else if (it->offset != UINT64_MAX)
			dq_log(run, "warn", "read", "%s:%ld:%zu: %s", it->file,
			       it->line, col + 1, reason);
		else
			dq_log(run, "warn", "read", "%s:%ld: %s", it->file,
			       it->line, reason);
	} else if (run->rejects_shown == 10) {
		dq_log(run, "warn", "read",
		       "more rejected lines not shown; use --rejects FILE to "
		       "keep them");
	}
	run->rejects_shown++;
}

static void
show_progress(struct dq_run *run)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!run->last_progress.tv_sec) {
		run->last_progress = now;
		return;
	}
	if (now.tv_sec - run->last_progress.tv_sec < 1)
		return;
	run->last_progress = now;
	fprintf(stderr, "\r%s: %llu records, %.1f MB read", run->tool->name,
		(unsigned long long)run->n_in, (double)run->in.bytes / 1e6);
	run->progress_shown = 1;
}

void
dq_run_count_in(struct dq_run *run)
{
	run->n_in++;
	if (run->progress && (run->n_in & 0x3fff) == 0)
		show_progress(run);
}

int
dq_run_next(struct dq_run *run, struct dq_record *rec)
{
	struct dq_json_error err;
	int rc;

	for (;;) {
		rc = dq_input_next(&run->in, &run->item);
		if (rc < 0)
			exit(2);
		if (rc == 0)
			return 0;
		dq_run_count_in(run);
		if (run->item.reason) {
			dq_run_reject(run, run->item.reason, 0);
			continue;
		}
		if (run->item.m) {
			dq_record_adopt(rec, run->item.text, run->item.len,
					run->item.m, run->item.nm);
			return 1;
		}
		if (dq_json_scan(rec, run->item.text, run->item.len, &err)) {
			dq_run_reject(run, err.reason, err.offset);
			continue;
		}
		return 1;
	}
}

void
dq_run_emit(struct dq_run *run)
{
	dq_buf_addch(&run->out.b, '\n');
	run->n_out++;
	dq_out_commit(&run->out);
}

int
dq_run_finish(struct dq_run *run, cJSON *extra, int gate_failed)
{
	struct timespec t1;
	char ended[32];
	int status;

	dq_out_close(&run->out);
	/* stdout is fd 1 and stays open; a failed flush died above. */
	dq_out_close(&run->rejects);
	clear_progress(run);

	/* A share compares rejected x 100 with P x in: exact for whole
	 * percents (1 of 10 lines is not above 10%). */
	double limit_pct = run->max_reject_pct + run->reject_median_pct;
	int too_many = run->max_rejects >= 0
			       ? run->n_rejected > (uint64_t)run->max_rejects
			       : (double)run->n_rejected * 100 >
					 limit_pct * (double)run->n_in;
	status = gate_failed || too_many ? 1 : 0;

	clock_gettime(CLOCK_REALTIME, &t1);
	dq_iso_time(&t1, ended, sizeof(ended));
	long long ms = (long long)(t1.tv_sec - run->t0.tv_sec) * 1000 +
		       (t1.tv_nsec - run->t0.tv_nsec) / 1000000;

	if (run->summary_path) {
		cJSON *s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "tool", run->tool->name);
		cJSON_AddStringToObject(s, "version", DQ_VERSION);
		cJSON_AddStringToObject(s, "run_id", run->run_id);
		cJSON_AddStringToObject(s, "contract_version",
					run->contract.checksum);
		cJSON_AddStringToObject(s, "started", run->started);
		cJSON_AddStringToObject(s, "ended", ended);
		cJSON_AddNumberToObject(s, "duration_ms", (double)ms);
		cJSON *c = cJSON_AddObjectToObject(s, "counts");
		cJSON_AddNumberToObject(c, "in", (double)run->n_in);
		cJSON_AddNumberToObject(c, "out", (double)run->n_out);
		cJSON_AddNumberToObject(c, "quarantined",
					(double)run->n_quarantined);
		cJSON_AddNumberToObject(c, "rejected", (double)run->n_rejected);
		if (run->counts_skipped)
			cJSON_AddNumberToObject(c, "skipped",
						(double)run->n_skipped);
		cJSON_AddNumberToObject(c, "blank", (double)run->in.blank);
		cJSON_AddNumberToObject(c, "bytes", (double)run->in.bytes);
		if (run->max_rejects < 0) {
			cJSON *l = cJSON_AddObjectToObject(s, "reject_limit");
			cJSON_AddNumberToObject(l, "percent", limit_pct);
			if (run->reject_relative) {
				cJSON_AddNumberToObject(l, "median_percent",
							run->reject_median_pct);
				cJSON_AddNumberToObject(l, "runs",
							run->reject_runs);
			}
		}
		cJSON_AddBoolToObject(s, "passed", status == 0);
		cJSON_AddNumberToObject(s, "exit_status", status);
		if (extra) {
			while (extra->child) {
				cJSON *it = cJSON_DetachItemViaPointer(
					extra, extra->child);
				if (cJSON_HasObjectItem(s, it->string)) {
					/* cJSON frees the item's own name
					 * before copying the one passed in,
					 * so pass a copy. */
					char *k = dq_xstrdup(it->string);
					cJSON_ReplaceItemInObjectCaseSensitive(
						s, k, it);
					free(k);
				} else
					cJSON_AddItemToObject(s, it->string, it);
			}
			cJSON_Delete(extra);
		}
		char *text = cJSON_Print(s);
		if (!text)
			dq_die("out of memory");
		struct dq_out o;
		dq_out_init(&o);
		if (dq_out_open(&o, run->summary_path))
			exit(2);
		dq_buf_addstr(&o.b, text);
		dq_buf_addch(&o.b, '\n');
		dq_out_close(&o);
		cJSON_free(text);
		cJSON_Delete(s);
	} else {
		cJSON_Delete(extra);
	}
	/* The run is complete: its files go into place together. */
	if (dq_out_commit_all())
		exit(2);

	if (run->n_rejected && !run->quiet)
		dq_log(run, "warn", "end",
		       "%llu of %llu input records rejected%s%s",
		       (unsigned long long)run->n_rejected,
		       (unsigned long long)run->n_in,
		       run->rejects_path ? "; see " : "",
		       run->rejects_path ? run->rejects_path : "");
	if (run->log_json) {
		json_log_line(run, status ? "warn" : "info", "end",
			      status ? "finished; a gate failed" : "finished",
			      1);
	}
	dq_input_release(&run->in);
	free(run->delim);
	dq_pii_release(&run->pii);
	dq_contract_release(&run->contract);
	dq_opt_contract_release(&run->named);
	return status;
}

int
dq_run_load_contract(const struct dq_opt_contract *named, struct dq_contract *c,
		     struct dq_pii *p)
{
	if (dq_opt_contract_load(named, c) || dq_pii_load(p, c))
		return -1;
	dq_pii_use(p);
	return 0;
}
