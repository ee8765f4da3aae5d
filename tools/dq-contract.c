/*
 * dq-contract - contracts from and to other tools' schemas.
 *
 * One command per verb: import reads a foreign schema (lib/contract/
 * import.h) and writes the dq contract with the same checks, and a
 * report of what could be translated only approximately or not at all;
 * export goes the other way; lint (contract/lint.h) finds what would
 * make a contract check less than it seems to; diff (contract/cdiff.h)
 * says what changed between two versions.
 * This file is options and dispatch; docs/contract.md ("Importing and
 * exporting") has the mappings.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/opt.h"
#include "cli/run.h"
#include "contract/cdiff.h"
#include "contract/contract.h"
#include "contract/import.h"
#include "contract/lint.h"
#include "contract/rules.h"
#include "contract/yaml.h"
#include "stream/out.h"

static const char help[] =
	"usage: dq-contract import --from FORMAT [OPTIONS] FILE\n"
	"       dq-contract export --to FORMAT [OPTIONS] CONTRACT...\n"
	"       dq-contract lint [--report FILE] CONTRACT [DATA...]\n"
	"       dq-contract diff [--format json] [-o FILE] A B\n"
	"\n"
	"Write the dq contract that checks what the schema FILE says (JSON\n"
	"or YAML; '-' for stdin), and report on stderr every construct\n"
	"translated approximately or not at all, with its place in FILE\n"
	"(a JSON pointer).  export writes the JSON Schema (2020-12), the\n"
	"Table Schema or the ODCS v3.1 contract (YAML) of the contract's\n"
	"layers, merged, reporting what it cannot express.\n"
	"lint prints what is wrong with CONTRACT, one 'PATH: MESSAGE' line\n"
	"each: unknown keys, rules on fields it does not define, patterns\n"
	"that match nothing, bounds and enum values no value passes, and\n"
	"with DATA (NDJSON, CSV or JSON files) the fields that never occur.\n"
	"diff prints what changed from contract A to B, one line each:\n"
	"fields and rules added or removed, each check loosened, tightened\n"
	"or changed.\n"
	"\n"
	"      --from FORMAT     jsonschema (draft-04 to 2020-12),\n"
	"                        tableschema (a Frictionless Table Schema\n"
	"                        or Data Package), dbt (a schema.yml),\n"
	"                        soda (a SodaCL checks.yml), gx (a\n"
	"                        Great Expectations suite), or odcs (an\n"
	"                        Open Data Contract Standard v3 YAML)\n"
	"      --model NAME      the dbt model (default: the only one)\n"
	"      --ref NAME=FILE   dbt, soda: check relationships to\n"
	"                        ref('NAME'), references to dataset NAME,\n"
	"                        against FILE (repeatable)\n"
	"      --resource NAME   the Data Package's resource (default: the\n"
	"                        only one)\n"
	"      --schema NAME     odcs: the schema object (default: the\n"
	"                        only one)\n"
	"      --table NAME      soda: the dataset's checks (default: the\n"
	"                        only one)\n"
	"      --to FORMAT       jsonschema, tableschema or odcs (export)\n"
	"      --format FMT      json (default) or yaml (import); text\n"
	"                        (default) or json (diff)\n"
	"  -o, --output FILE     write the contract there (default stdout)\n"
	"      --report FILE     the report (lint: the findings) as a JSON\n"
	"                        document too\n"
	"      --strict          exit 2, writing nothing, when the\n"
	"                        report is not empty\n"
	"  -h, --help            this help\n"
	"  -V, --version         the version\n"
	"\n"
	"Exit status: 0 written, 2 usage error, unreadable schema, or a\n"
	"report under --strict.  lint: 0 no finding (or warnings only),\n"
	"1 errors, 2 trouble;\n"
	"diff: 0 no change, 1 changes, 2 trouble.\n";

enum { O_FROM = DQ_OPT_TOOL, O_FORMAT, O_MODEL, O_REF, O_REPORT,
       O_RESOURCE, O_SCHEMA, O_STRICT, O_TABLE, O_TO };

static const struct option longopts[] = {
	{ "from", required_argument, NULL, O_FROM },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "model", required_argument, NULL, O_MODEL },
	{ "output", required_argument, NULL, 'o' },
	{ "ref", required_argument, NULL, O_REF },
	{ "report", required_argument, NULL, O_REPORT },
	{ "resource", required_argument, NULL, O_RESOURCE },
	{ "schema", required_argument, NULL, O_SCHEMA },
	{ "strict", no_argument, NULL, O_STRICT },
	{ "table", required_argument, NULL, O_TABLE },
	{ "to", required_argument, NULL, O_TO },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

enum { F_JSONSCHEMA, F_TABLESCHEMA, F_DBT, F_SODA, F_GX, F_ODCS };
static const char *const from_names[] = { "jsonschema", "tableschema",
					   "dbt", "soda", "gx", "odcs",
					   NULL };
enum { T_JSONSCHEMA, T_TABLESCHEMA, T_ODCS };
static const char *const to_names[] = { "jsonschema", "tableschema",
					 "odcs", NULL };
/* import: json, yaml; diff: text, json (the second json). */
static const char *const format_names[] = { "json", "yaml", "text", NULL };

struct opts {
	int from, format, strict, to;
	const char *model, *output, *report, *resource, *schema, *table;
	const char **refs; /* --ref NAME=FILE, NULL-ended (argv's) */
	size_t nrefs;
};

static void
options(struct opts *o, int argc, char **argv)
{
	int c;

	opterr = 0;
	o->format = -1;
	o->from = -1;
	o->to = -1;
	while ((c = getopt_long(argc, argv, ":ho:V", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(help, stdout);
			exit(0);
		case 'o':
			o->output = optarg;
			break;
		case 'V':
			printf("dq-contract %s\n", DQ_VERSION);
			exit(0);
		case O_FORMAT:
			if (dq_opt_enum("format", optarg, format_names,
					&o->format))
				dq_usage_exit();
			break;
		case O_FROM:
			if (dq_opt_enum("from", optarg, from_names, &o->from))
				dq_usage_exit();
			break;
		case O_MODEL:
			o->model = optarg;
			break;
		case O_REF:
			if (!strchr(optarg, '=') || *optarg == '=' ||
			    !strchr(optarg, '=')[1])
				dq_usage_error("--ref: '%s': expected NAME=FILE",
					       optarg);
			o->refs = dq_xrealloc(o->refs, (o->nrefs + 2) *
							       sizeof(*o->refs));
			o->refs[o->nrefs++] = optarg;
			o->refs[o->nrefs] = NULL;
			break;
		case O_REPORT:
			o->report = optarg;
			break;
		case O_RESOURCE:
			o->resource = optarg;
			break;
		case O_SCHEMA:
			o->schema = optarg;
			break;
		case O_STRICT:
			o->strict = 1;
			break;
		case O_TABLE:
			o->table = optarg;
			break;
		case O_TO:
			if (dq_opt_enum("to", optarg, to_names, &o->to))
				dq_usage_exit();
			break;
		case ':':
			dq_usage_error("option '%s' needs a value",
				       argv[optind - 1]);
		default:
			dq_usage_error("option '%s' is unknown",
				       argv[optind - 1]);
		}
	}
}

/* Write text to path ("-" or NULL: stdout); exits 2 on failure. */
static void
write_doc(const char *path, const char *text)
{
	struct dq_out out;
	dq_out_init(&out);
	if (!path || !strcmp(path, "-"))
		dq_out_fd(&out, 1, "stdout");
	else if (dq_out_open(&out, path))
		exit(2);
	dq_buf_addstr(&out.b, text);
	dq_out_close(&out);
}

static char *
print_json(const cJSON *j)
{
	char *s = cJSON_Print(j);
	if (!s)
		dq_die("out of memory");
	struct dq_buf b = DQ_BUF_INIT;
	dq_buf_addf(&b, "%s\n", s);
	cJSON_free(s);
	return dq_buf_detach(&b, NULL);
}

/* The report (stderr, --report) and the document (unless --strict
 * found entries); the exit status. */
static int
finish(const struct opts *o, struct dq_import *im, const cJSON *doc,
       const char *file, const char *format)
{
	char *text;
	int n = dq_import_warn(im);

	if (o->report) {
		cJSON *r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "source", file);
		cJSON_AddStringToObject(r, o->to >= 0 ? "to" : "from", format);
		cJSON_AddItemToObject(r, "entries", im->report);
		im->report = NULL;
		text = print_json(r);
		write_doc(o->report, text);
		free(text);
		cJSON_Delete(r);
	}
	if (n && o->strict) {
		dq_error("--strict: %d construct%s not translated exactly", n,
			 n == 1 ? "" : "s");
	} else if (o->format == 1) {
		struct dq_buf b = DQ_BUF_INIT;
		dq_yaml_emit(doc, &b);
		write_doc(o->output, b.buf);
		dq_buf_release(&b);
	} else {
		text = print_json(doc);
		write_doc(o->output, text);
		free(text);
	}
	if (dq_out_commit_all())
		return 2;
	return n && o->strict ? 2 : 0;
}

static int
cmd_import(int argc, char **argv)
{
	struct opts o = { 0 };
	struct dq_import im;
	cJSON *src, *contract;

	options(&o, argc, argv);
	if (o.from < 0)
		dq_usage_error("import: --from is required (%s)",
			       "jsonschema, tableschema, dbt, soda, gx, odcs");
	if (o.format == 2)
		dq_usage_error("import: --format is json or yaml");
	if (optind != argc - 1)
		dq_usage_error("import: name one schema FILE");
	const char *file = argv[optind];
	if (!(src = dq_contract_read_doc(file)))
		return 2;
	if (o.resource && o.from != F_TABLESCHEMA)
		dq_usage_error("import: --resource is for --from tableschema");
	if (o.model && o.from != F_DBT)
		dq_usage_error("import: --model is for --from dbt");
	if (o.schema && o.from != F_ODCS)
		dq_usage_error("import: --schema is for --from odcs");
	if (o.table && o.from != F_SODA)
		dq_usage_error("import: --table is for --from soda");
	if (o.refs && o.from != F_DBT && o.from != F_SODA)
		dq_usage_error("import: --ref is for --from dbt and soda");
	dq_import_init(&im, file);
	if (o.from == F_DBT) {
		contract = dq_import_dbt(&im, src, o.model, o.refs);
	} else if (o.from == F_SODA) {
		contract = dq_import_soda(&im, src, o.table, o.refs);
	} else if (o.from == F_ODCS) {
		contract = dq_import_odcs(&im, src, o.schema);
	} else if (o.from == F_GX) {
		contract = dq_import_gx(&im, src);
	} else if (o.from == F_TABLESCHEMA) {
		const char *slash = strrchr(file, '/');
		char *dir = dq_xstrndup(file, slash ? (size_t)(slash - file + 1)
						    : 0);
		contract = dq_import_tableschema(&im, src, dir, o.resource);
		free(dir);
	} else {
		contract = dq_import_jsonschema(&im, src);
	}
	cJSON_Delete(src);
	free(o.refs);
	if (!contract) {
		dq_import_release(&im);
		return 2;
	}
	int rc = finish(&o, &im, contract, file, from_names[o.from]);
	cJSON_Delete(contract);
	dq_import_release(&im);
	return rc;
}

/* lint CONTRACT [DATA...]: the findings on stdout, one a line, and as
 * a JSON document with --report; 0 none, 1 some, 2 trouble. */
static int
cmd_lint(int argc, char **argv)
{
	struct opts o = { 0 };
	struct dq_lint l;
	cJSON *doc;

	options(&o, argc, argv);
	if (o.from >= 0 || o.to >= 0 || o.resource || o.model || o.refs ||
	    o.table ||
	    o.format >= 0 || o.strict || o.output)
		dq_usage_error("lint: the only option is --report");
	if (optind >= argc)
		dq_usage_error("lint: name the CONTRACT");
	const char *file = argv[optind];
	if (!(doc = dq_contract_read_doc(file)))
		return 2;
	const char *slash = strrchr(file, '/');
	char *dir = dq_xstrndup(file, slash ? (size_t)(slash - file + 1) : 0);
	dq_lint_init(&l);
	dq_lint_contract(&l, doc, dir);
	free(dir);
	cJSON_Delete(doc);
	int rc = 0;
	if (optind + 1 < argc) {
		struct dq_contract c;
		struct dq_input in;
		dq_contract_init(&c);
		dq_input_init(&in);
		in.files = argv + optind + 1;
		in.nfiles = (size_t)(argc - optind - 1);
		/* A contract the programs refuse: its findings say why. */
		struct dq_buf quiet = DQ_BUF_INIT;
		struct dq_buf *old = dq_error_capture(&quiet);
		int bad = dq_contract_load(&c, argv + optind, 1, NULL, 0) ||
			  dq_rules_check(&c);
		dq_error_capture(old);
		dq_buf_release(&quiet);
		if (bad) {
			dq_warn("lint: DATA not read: the contract does not "
				"load");
		} else if (dq_input_check(&in) || dq_lint_data(&l, &c, &in)) {
			rc = 2;
		} else if (l.rejected) {
			dq_warn("lint: %llu line%s of DATA not records",
				(unsigned long long)l.rejected,
				l.rejected == 1 ? "" : "s");
		}
		dq_input_release(&in);
		dq_contract_release(&c);
	}
	if (!rc) {
		int n = l.errors;
		struct dq_buf b = DQ_BUF_INIT;
		dq_lint_text(&l, &b);
		write_doc(NULL, b.buf);
		dq_buf_release(&b);
		if (o.report) {
			cJSON *r = cJSON_CreateObject();
			cJSON_AddStringToObject(r, "contract", file);
			if (optind + 1 < argc) {
				cJSON *d = cJSON_AddArrayToObject(r, "data");
				for (int i = optind + 1; i < argc; i++)
					cJSON_AddItemToArray(
						d, cJSON_CreateString(argv[i]));
				cJSON_AddNumberToObject(r, "records",
							(double)l.records);
			}
			cJSON_AddItemToObject(r, "findings", l.findings);
			l.findings = NULL;
			char *text = print_json(r);
			write_doc(o.report, text);
			free(text);
			cJSON_Delete(r);
		}
		if (dq_out_commit_all())
			rc = 2;
		else
			rc = n > 0;
	}
	dq_lint_release(&l);
	return rc;
}

/* diff A B: the changes from A to B, text or --format json; 0 none, 1
 * some (as diff(1)), 2 trouble. */
static int
cmd_diff(int argc, char **argv)
{
	struct opts o = { 0 };
	struct dq_contract a, b;
	struct dq_buf out = DQ_BUF_INIT;

	options(&o, argc, argv);
	if (o.from >= 0 || o.to >= 0 || o.resource || o.model || o.refs ||
	    o.table ||
	    o.strict || o.report)
		dq_usage_error("diff: the only options are --format and -o");
	if (o.format == 1)
		dq_usage_error("diff: --format is text or json");
	if (optind != argc - 2)
		dq_usage_error("diff: name two contracts, A and B");
	dq_contract_init(&a);
	dq_contract_init(&b);
	if (dq_contract_load(&a, argv + optind, 1, NULL, 0) ||
	    dq_contract_load(&b, argv + optind + 1, 1, NULL, 0) ||
	    dq_rules_check(&a) || dq_rules_check(&b)) {
		dq_contract_release(&a);
		dq_contract_release(&b);
		return 2;
	}
	cJSON *ch = dq_contract_diff(dq_contract_declared(&a),
				     dq_contract_declared(&b));
	int n = cJSON_GetArraySize(ch);
	if (o.format == 0) {
		cJSON *r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "a", argv[optind]);
		cJSON_AddStringToObject(r, "b", argv[optind + 1]);
		cJSON_AddItemToObject(r, "changes", ch);
		char *text = print_json(r);
		dq_buf_addstr(&out, text);
		free(text);
		cJSON_Delete(r);
	} else {
		dq_contract_diff_text(ch, &out);
		cJSON_Delete(ch);
	}
	write_doc(o.output, out.buf);
	dq_buf_release(&out);
	dq_contract_release(&a);
	dq_contract_release(&b);
	if (dq_out_commit_all())
		return 2;
	return n > 0;
}

static int
cmd_export(int argc, char **argv)
{
	struct opts o = { 0 };
	struct dq_import im;
	struct dq_contract c;

	options(&o, argc, argv);
	if (o.to < 0)
		dq_usage_error("export: --to is required (jsonschema, "
			       "tableschema, odcs)");
	if (o.from >= 0 || o.resource || o.model || o.refs || o.table ||
	    o.schema || o.format >= 0)
		dq_usage_error("export: --from, --model, --ref, --resource, "
			       "--schema, --table and --format are for "
			       "import");
	if (optind >= argc)
		dq_usage_error("export: name the CONTRACT");
	dq_contract_init(&c);
	if (dq_contract_load(&c, argv + optind, (size_t)(argc - optind),
			     NULL, 0))
		return 2;
	dq_import_init(&im, argv[argc - 1]);
	const cJSON *doc = dq_contract_declared(&c);
	cJSON *schema;
	if (o.to == T_ODCS) {
		schema = dq_export_odcs(&im, doc);
		o.format = 1; /* ODCS documents are YAML */
	} else if (o.to == T_TABLESCHEMA) {
		schema = dq_export_tableschema(&im, doc);
	} else {
		schema = dq_export_jsonschema(&im, doc);
	}
	int rc = finish(&o, &im, schema, argv[argc - 1], to_names[o.to]);
	cJSON_Delete(schema);
	dq_import_release(&im);
	dq_contract_release(&c);
	return rc;
}

int
main(int argc, char **argv)
{
	dq_run_setup("dq-contract");
	if (argc < 2)
		dq_usage_error("name a command: import, export, lint, diff");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(help, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("dq-contract %s\n", DQ_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "import"))
		return cmd_import(argc - 1, argv + 1);
	if (!strcmp(argv[1], "export"))
		return cmd_export(argc - 1, argv + 1);
	if (!strcmp(argv[1], "lint"))
		return cmd_lint(argc - 1, argv + 1);
	if (!strcmp(argv[1], "diff"))
		return cmd_diff(argc - 1, argv + 1);
	dq_usage_error("'%s' is not a command (import, export, lint, diff)",
		       argv[1]);
}
