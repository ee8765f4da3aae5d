/*
 * dq-validate - check records against the contract's rules, route the bad
 * ones, score the stream and answer as a gate.
 *
 * The engine is lib/contract/: rules.h compiles the contract (and the
 * quick flags, turned here into a contract document of their own) into
 * checks, check.h applies them to each record, score.h decides and
 * scores at the end, partial.h adds up chunk summaries (--merge).  This
 * file is the story: options, open, loop, report, exit.  A record leaves
 * unchanged when nothing failed, or with "_dq.violations" appended (in
 * check order), on stdout or in the quarantine.  See docs/validate.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/opt.h"
#include "cli/run.h"
#include "contract/check.h"
#include "contract/partial.h"
#include "contract/rules.h"
#include "contract/score.h"
#include "norm/date.h"

static const char synopsis[] =
	"usage: dq-validate [-c CONTRACT]... [OPTIONS] [FILE...]\n"
	"\n"
	"Check NDJSON or CSV records against the contract's 'fields' and\n"
	"'rules' sections (or the quick flags), append _dq.violations to the\n"
	"records that break a rule, score the stream 0-100 and exit 1 when a\n"
	"gate fails.\n";

static const char help[] =
	"\n"
	"Quick rules (repeatable; codes REQ:F, TYPE:F, ENUM:F, ...; F may be\n"
	"a path: addr.city, tags[], items[].sku, checked per element):\n"
	"      --require F       F is present, not null, not blank, [] or {}\n"
	"      --require-any F,G at least one of F, G is present\n"
	"      --unique F[,G]    F (or the compound key F,G) is unique\n"
	"      --type F=TYPE     string, integer, number, boolean, date,\n"
	"                        datetime, email, phone, us_state, zip, enum,\n"
	"                        object, array\n"
	"      --enum F=a,b      F is one of a, b (case-sensitive)\n"
	"      --range F=MIN..MAX  numbers, ISO dates, today[+-Nd|w|m|y],\n"
	"                        year[+-N]; either side may be empty\n"
	"      --pattern F=RE    F matches the POSIX extended regular\n"
	"                        expression RE (unanchored: use ^...$)\n"
	"\n"
	"Routing and gate:\n"
	"      --quarantine FILE records with a violation at or above\n"
	"                        --quarantine-on go there instead of stdout\n"
	"      --quarantine-on SEV  error (default), warn or info\n"
	"      --violations FILE one NDJSON line per violation\n"
	"      --mode MODE       enforce (default) or warn: report only;\n"
	"                        nothing is quarantined, rules fail no gate\n"
	"      --fail-on SEV     exit 1 when a check of this severity or\n"
	"                        above fails: error (default), warn, info, none\n"
	"      --pass-mark N     exit 1 when the score is below N (default 80,\n"
	"                        or score.pass_mark)\n"
	"      --allow-empty     an input without records passes (by\n"
	"                        default it fails completeness and the gate)\n"
	"      --allow-absent-fields  a check whose field appears in no\n"
	"                        record is a warning only (by default it\n"
	"                        fails the gate)\n"
	"      --examples N      examples kept per rule in the summary\n"
	"                        (default 10)\n"
	"      --max-keys N      distinct keys a uniqueness rule may hold\n"
	"                        (default 50000000; about 43 bytes each)\n"
	"\n"
	"Chunks of one stream (dq-parallel validate):\n"
	"      --partial         check a chunk: the summary (--summary) keeps\n"
	"                        the tallies for --merge; set-level rules are\n"
	"                        not decided and no gate is applied.  Unique,\n"
	"                        duplicate_rate and grouped rules need the\n"
	"                        whole stream and are refused\n"
	"      --merge           the operands are --partial summaries of the\n"
	"                        chunks of one stream, in order: write the\n"
	"                        summary a single run would have written,\n"
	"                        decide the set-level rules (their lines go\n"
	"                        to --violations) and exit as its gate\n";

/* The program's own options. */
struct opts {
	double pass_mark;
	int pass_mark_set;
	enum dq_sev fail_on, quarantine_on;
	int warn_mode;
	int partial, merge;
	int allow_empty, allow_absent;
	const char *quarantine_path, *violations_path;
	long long examples, max_keys;
	cJSON *quick; /* {"fields": {...}, "rules": {...}} from the flags */
};


enum {
	O_REQUIRE = DQ_OPT_TOOL,
	O_ALLOW_ABSENT,
	O_ALLOW_EMPTY,
	O_REQUIRE_ANY,
	O_UNIQUE,
	O_TYPE,
	O_ENUM,
	O_RANGE,
	O_PATTERN,
	O_QUARANTINE,
	O_QUARANTINE_ON,
	O_VIOLATIONS,
	O_MODE,
	O_FAIL_ON,
	O_PASS_MARK,
	O_EXAMPLES,
	O_MAX_KEYS,
	O_MERGE,
	O_PARTIAL
};

static const struct option longopts[] = {
	{ "allow-absent-fields", no_argument, NULL, O_ALLOW_ABSENT },
	{ "allow-empty", no_argument, NULL, O_ALLOW_EMPTY },
	{ "enum", required_argument, NULL, O_ENUM },
	{ "examples", required_argument, NULL, O_EXAMPLES },
	{ "fail-on", required_argument, NULL, O_FAIL_ON },
	{ "max-keys", required_argument, NULL, O_MAX_KEYS },
	{ "merge", no_argument, NULL, O_MERGE },
	{ "mode", required_argument, NULL, O_MODE },
	{ "partial", no_argument, NULL, O_PARTIAL },
	{ "pass-mark", required_argument, NULL, O_PASS_MARK },
	{ "pattern", required_argument, NULL, O_PATTERN },
	{ "quarantine", required_argument, NULL, O_QUARANTINE },
	{ "quarantine-on", required_argument, NULL, O_QUARANTINE_ON },
	{ "range", required_argument, NULL, O_RANGE },
	{ "require", required_argument, NULL, O_REQUIRE },
	{ "require-any", required_argument, NULL, O_REQUIRE_ANY },
	{ "type", required_argument, NULL, O_TYPE },
	{ "unique", required_argument, NULL, O_UNIQUE },
	{ "violations", required_argument, NULL, O_VIOLATIONS },
	{ NULL, 0, NULL, 0 }
};

/* The quick flags' own "fields" entry for F, created on first use. */
static cJSON *
quick_field(struct opts *o, const char *name, size_t n)
{
	char *k = dq_xstrndup(name, n);
	cJSON *fields = cJSON_GetObjectItemCaseSensitive(o->quick, "fields");
	cJSON *f = cJSON_GetObjectItemCaseSensitive(fields, k);
	if (!f)
		f = cJSON_AddObjectToObject(fields, k);
	free(k);
	return f;
}

static cJSON *
split_json(const char *s)
{
	cJSON *a = cJSON_CreateArray();
	for (;;) {
		const char *c = strchr(s, ',');
		size_t n = c ? (size_t)(c - s) : strlen(s);
		char *v = dq_xstrndup(s, n);
		cJSON_AddItemToArray(a, cJSON_CreateString(v));
		free(v);
		if (!c)
			return a;
		s = c + 1;
	}
}

/* A bound from --range: a number if it reads as one, else a string. */
static cJSON *
bound_json(const char *s, size_t n)
{
	char *t = dq_xstrndup(s, n), *end;
	errno = 0;
	double d = strtod(t, &end);
	cJSON *j = (*t && !*end && !errno) ? cJSON_CreateNumber(d)
					   : cJSON_CreateString(t);
	free(t);
	return j;
}

static int
field_eq(const char *arg, const char *opt, const char **eq)
{
	*eq = strchr(arg, '=');
	if (!*eq || *eq == arg)
		return dq_error("%s '%s': expected FIELD=VALUE", opt, arg);
	return 0;
}

/* A severity option: info, warn (or warning), error, and none when
 * allowed. */
static int
sev_option(const char *name, const char *arg, int none, enum dq_sev *out)
{
	static const char *const with_none[] = { "info", "warn", "error",
						 "none", NULL };
	static const char *const without[] = { "info", "warn", "error",
						NULL };
	int i;

	if (!strcmp(arg, "warning"))
		arg = "warn";
	if (dq_opt_enum(name, arg, none ? with_none : without, &i))
		return -1;
	*out = (enum dq_sev)i;
	return 0;
}

static int
option(void *ctx, int c, const char *arg)
{
	static const char *const modes[] = { "enforce", "warn", NULL };
	struct opts *o = ctx;
	const char *eq;
	long long n;

	switch (c) {
	case O_REQUIRE: {
		cJSON *a = split_json(arg), *it;
		cJSON_ArrayForEach(it, a)
		dq_contract_put(quick_field(o, it->valuestring, strlen(it->valuestring)),
		    "required", cJSON_CreateTrue());
		cJSON_Delete(a);
		return 0;
	}
	case O_REQUIRE_ANY:
	case O_UNIQUE: {
		cJSON *rules = cJSON_GetObjectItemCaseSensitive(o->quick, "rules");
		int any = c == O_REQUIRE_ANY;
		if (!any && !strchr(arg, ',')) {
			dq_contract_put(quick_field(o, arg, strlen(arg)), "unique",
			    cJSON_CreateTrue());
			return 0;
		}
		struct dq_buf code = DQ_BUF_INIT;
		dq_buf_addf(&code, "%s:", any ? "REQ" : "UNIQ");
		for (const char *p = arg; *p; p++)
			dq_buf_addch(&code, any && *p == ',' ? '|' : *p);
		cJSON *r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "check", any ? "any_of" : "unique");
		cJSON_AddItemToObject(r, "fields", split_json(arg));
		dq_contract_put(rules, code.buf, r);
		dq_buf_release(&code);
		return 0;
	}
	case O_TYPE:
		if (field_eq(arg, "--type", &eq))
			return -1;
		if (dq_type_parse(eq + 1) < 0)
			return dq_error("--type '%s': unknown type", arg);
		dq_contract_put(quick_field(o, arg, (size_t)(eq - arg)), "type",
		    cJSON_CreateString(eq + 1));
		return 0;
	case O_ENUM:
		if (field_eq(arg, "--enum", &eq))
			return -1;
		dq_contract_put(quick_field(o, arg, (size_t)(eq - arg)), "enum",
		    split_json(eq + 1));
		return 0;
	case O_PATTERN:
		if (field_eq(arg, "--pattern", &eq))
			return -1;
		dq_contract_put(quick_field(o, arg, (size_t)(eq - arg)), "pattern",
		    cJSON_CreateString(eq + 1));
		return 0;
	case O_RANGE: {
		if (field_eq(arg, "--range", &eq))
			return -1;
		const char *dots = strstr(eq + 1, "..");
		if (!dots || (dots == eq + 1 && !dots[2]))
			return dq_error("--range '%s': expected "
					"FIELD=MIN..MAX",
					arg);
		cJSON *f = quick_field(o, arg, (size_t)(eq - arg));
		if (dots > eq + 1)
			dq_contract_put(f, "min", bound_json(eq + 1,
						 (size_t)(dots - eq - 1)));
		if (dots[2])
			dq_contract_put(f, "max", bound_json(dots + 2, strlen(dots + 2)));
		return 0;
	}
	case O_QUARANTINE:
		o->quarantine_path = arg;
		return 0;
	case O_VIOLATIONS:
		o->violations_path = arg;
		return 0;
	case O_QUARANTINE_ON:
		return sev_option("quarantine-on", arg, 0, &o->quarantine_on);
	case O_FAIL_ON:
		return sev_option("fail-on", arg, 1, &o->fail_on);
	case O_MODE:
		return dq_opt_enum("mode", arg, modes, &o->warn_mode);
	case O_PASS_MARK:
		if (dq_opt_int("pass-mark", arg, 0, 100, &n))
			return -1;
		o->pass_mark = (double)n;
		o->pass_mark_set = 1;
		return 0;
	case O_EXAMPLES:
		return dq_opt_int("examples", arg, 0, 1000, &o->examples);
	case O_MAX_KEYS:
		return dq_opt_int("max-keys", arg, 1, INT64_MAX / 64,
				  &o->max_keys);
	case O_ALLOW_ABSENT:
		o->allow_absent = 1;
		return 0;
	case O_ALLOW_EMPTY:
		o->allow_empty = 1;
		return 0;
	case O_MERGE:
		o->merge = 1;
		return 0;
	case O_PARTIAL:
		o->partial = 1;
		return 0;
	}
	return -1;
}

/* Check every record; route it to stdout or the quarantine.  Returns 0,
 * or -1 after a message (a uniqueness rule outgrew --max-keys). */
static int
check_stream(struct dq_run *run, struct dq_check *ck, const struct opts *o,
	     struct dq_out *quar)
{
	struct dq_record rec;
	int rc = 0;

	dq_record_init(&rec);
	while (dq_run_next(run, &rec) > 0) {
		/* With several files a line number names a record only
		 * together with its file. */
		ck->file = run->in.nfiles > 1 ? run->item.file : NULL;
		if ((rc = dq_check_record(ck, &rec, run->item.line, run->n_in,
					  run->item.csv)))
			break;
		if (!ck->nviol) {
			if (rec.modified) /* typed CSV cells */
				dq_record_write(&rec, NULL, 0, &run->out.b);
			else
				dq_buf_add(&run->out.b, rec.text, rec.len);
			dq_run_emit(run);
			continue;
		}
		ck->n_records_viol++;
		dq_buf_addch(&ck->vbuf, ']');
		if (quar->fd >= 0 && !o->warn_mode &&
		    ck->rec_max >= o->quarantine_on) {
			dq_record_write(&rec, ck->vbuf.buf, ck->vbuf.len,
					&quar->b);
			dq_buf_addch(&quar->b, '\n');
			run->n_quarantined++;
			dq_out_commit(quar);
			continue;
		}
		dq_record_write(&rec, ck->vbuf.buf, ck->vbuf.len, &run->out.b);
		dq_run_emit(run);
	}
	ck->file = NULL; /* the stream's own checks name no record */
	dq_record_release(&rec);
	return rc;
}

/* Add the chunks' summaries (--merge) into the rules and the run. */
static int
merge_stream(struct dq_run *run, struct dq_rules *rs, struct dq_check *ck,
	     uint64_t *valid)
{
	struct dq_partial_counts c;

	if (dq_partial_merge(rs, ck, run->contract.checksum, run->in.files,
			     run->in.nfiles, &c))
		return -1;
	run->n_in += c.in;
	run->n_out += c.out;
	run->n_quarantined += c.quarantined;
	run->n_rejected += c.rejected;
	run->in.blank += c.blank;
	run->in.bytes += c.bytes;
	*valid = c.valid;
	return 0;
}

/* The options' sanity, once the rules are known: 0, or -1 with a
 * message. */
static int
check_options(const struct dq_run *run, const struct opts *o,
	      const struct dq_rules *rs)
{
	if (o->partial && o->merge)
		return dq_error("--partial and --merge: one or the other");
	if (o->merge && o->quarantine_path)
		return dq_error("--merge reads summaries: no --quarantine");
	if (o->merge && !run->in.nfiles)
		return dq_error("--merge needs the chunks' --partial "
				"summaries");
	if (o->partial || o->merge)
		return dq_partial_chunkable(rs, o->merge);
	return 0;
}

int
main(int argc, char **argv)
{
	static struct opts o = {
		.fail_on = DQ_SEV_ERROR,
		.quarantine_on = DQ_SEV_ERROR,
		.examples = 10,
		.max_keys = 50000000,
	};
	static const struct dq_tool tool = {
		.name = "dq-validate",
		.synopsis = synopsis,
		.help = help,
		.longopts = longopts,
		.option = option,
		.ctx = &o,
		.compiles_rules = 1,
	};
	/* Static, as the program's state lives as long as it does: an early
	 * exit (status 2) leaves it reachable, not leaked. */
	static struct dq_run run;
	static struct dq_rules rs;
	static struct dq_check ck;
	static struct dq_out quar, vfile;
	uint64_t valid = 0;
	int rc;

	o.quick = cJSON_CreateObject();
	cJSON_AddObjectToObject(o.quick, "fields");
	cJSON_AddObjectToObject(o.quick, "rules");
	dq_out_init(&quar);
	dq_out_init(&vfile);
	dq_run_init(&run, &tool, argc, argv);
	dq_rules_init(&rs, dq_date_today_days());
	if (o.pass_mark_set) {
		rs.pass_mark = o.pass_mark;
		rs.pass_mark_set = 1;
	}
	rs.allow_empty = o.allow_empty;
	rs.allow_absent = o.allow_absent;
	if (dq_rules_load(&rs, &run.contract, o.quick) ||
	    check_options(&run, &o, &rs))
		return 2;
	dq_rules_ready(&rs, run.id_field);
	dq_check_init(&ck, &rs, &vfile, run.run_id, o.examples, o.max_keys);
	if (o.quarantine_path && dq_out_open(&quar, o.quarantine_path))
		return 2;
	if (o.violations_path && dq_out_open(&vfile, o.violations_path))
		return 2;

	rc = o.merge ? merge_stream(&run, &rs, &ck, &valid)
		     : check_stream(&run, &ck, &o, &quar);
	if (rc) {
		dq_out_close(&vfile);
		dq_check_release(&ck);
		dq_rules_release(&rs);
		cJSON_Delete(o.quick);
		return 2;
	}
	if (!o.merge)
		valid = run.n_in - run.n_rejected;

	struct dq_score_opts so = {
		.fail_on = o.fail_on,
		.warn_mode = o.warn_mode,
		.partial = o.partial,
		.n_in = run.n_in,
		.n_rejected = run.n_rejected,
		.valid = valid,
	};
	dq_score_decide(&rs, &ck, &so);
	cJSON *extra = cJSON_CreateObject();
	int gate = dq_score_summary(&rs, &ck, &so, extra);
	/* The lines a chunk of one input covered, so that --merge can tell
	 * the same chunk given twice, or chunks out of order. */
	if (o.partial && run.in.nfiles <= 1 && run.in.lineno > 0) {
		cJSON *l = cJSON_AddObjectToObject(extra, "lines");
		cJSON_AddNumberToObject(l, "first",
					(double)run.in.line_offset + 1);
		cJSON_AddNumberToObject(l, "last", (double)run.in.line_offset +
						   (double)run.in.lineno);
	}
	dq_out_close(&quar);
	dq_out_close(&vfile);
	/* One line for a human when something was found; silence when
	 * all is well, as Unix filters do. */
	if (!run.quiet && (ck.n_records_viol || gate)) {
		double score = cJSON_GetObjectItem(extra, "score")->valuedouble;
		dq_log(&run, "info", "end",
		       "%llu records: %llu with violations (%llu errors, %llu "
		       "warnings), %llu quarantined; score %.0f",
		       (unsigned long long)valid,
		       (unsigned long long)ck.n_records_viol,
		       (unsigned long long)ck.n_viol[DQ_SEV_ERROR],
		       (unsigned long long)ck.n_viol[DQ_SEV_WARN],
		       (unsigned long long)run.n_quarantined, score);
	}
	int status = dq_run_finish(&run, extra, gate);
	dq_check_release(&ck);
	dq_rules_release(&rs);
	cJSON_Delete(o.quick);
	return status;
}
