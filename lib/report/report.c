/*
 * report.c - dq-report's page frame, the one value renderer, the
 * overview and the rules (see report.h and docs/report.md).
 *
 * The page is built in memory: its size is bounded by the caps (every
 * list it shows is cut at one of them), so holding it costs less than
 * the documents it reads.  The frame carries a Content-Security-Policy
 * of default-src 'none' (inline style only, no script, no fetch of any
 * kind), so even a browser that found a way to read a value as markup
 * could neither run it nor load anything.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"
#include "report/html.h"
#include "report/read.h"
#include "report/report.h"

#include "contract/pii.h"

void
dq_report_init(struct dq_report *r, const struct dq_report_caps *caps)
{
	memset(r, 0, sizeof(*r));
	r->caps = *caps;
	r->match = 0.95;
	r->review = 0.80;
	strcpy(r->thresholds_from, "are dq-score's defaults (give the run's "
				   "contract with -c for its own)");
	strcpy(r->title, "dq report");
	dq_buf_init(&r->body, 0);
	dq_buf_init(&r->toc, 0);
}

void
dq_report_release(struct dq_report *r)
{
	dq_buf_release(&r->body);
	dq_buf_release(&r->toc);
}

double
dq_report_num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

const char *
dq_report_strv(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/*
 * The one place a record's value becomes text.  field names whose value
 * it is, so that a field marked sensitive can be masked here (the
 * contract's pii marking) and nowhere else: every table cell, chart label
 * and example of a value comes through this function.
 */
/* Is s[0..n) already the shown form of a hidden value: the masked
 * form, or under hash the hex digits of a hash? */
static int
shown_hidden(enum dq_pii_policy pol, const char *s, size_t n)
{
	if (n == strlen(DQ_PII_MASKED) && !memcmp(s, DQ_PII_MASKED, n))
		return 1;
	if (pol != DQ_PII_HASH || n != DQ_PII_HASH_HEX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

void
dq_report_value_text(const struct dq_report *r, struct dq_buf *t,
		     const char *field, const cJSON *v)
{
	(void)r;
	if (!v || cJSON_IsNull(v)) {
		dq_buf_addstr(t, "null");
		return;
	}
	char *s = cJSON_IsString(v) ? v->valuestring : cJSON_PrintUnformatted(v);
	size_t n = strlen(s);
	enum dq_pii_policy pol =
		field ? dq_pii_policy(dq_pii_active(), field, strlen(field))
		      : DQ_PII_NONE;
	/* A sensitive field's value, unless the program that wrote the
	 * document showed it masked or hashed already (hashing a hash would
	 * show another form than every other output). */
	if (dq_pii_hides(pol) && !shown_hidden(pol, s, n))
		dq_pii_render(dq_pii_active(), pol, s, n, t);
	else
		dq_buf_add(t, s, n);
	if (!cJSON_IsString(v))
		cJSON_free(s);
}

void
dq_report_value(const struct dq_report *r, struct dq_buf *b,
		const char *field, const cJSON *v)
{
	struct dq_buf t = DQ_BUF_INIT;

	if (!v || cJSON_IsNull(v)) {
		dq_buf_addstr(b, "<span class=\"null\">null</span>");
		return;
	}
	dq_report_value_text(r, &t, field, v);
	dq_buf_addstr(b, "<bdi>");
	dq_html_text(b, t.buf, t.len, (size_t)r->caps.value_chars);
	dq_buf_addstr(b, "</bdi>");
	dq_buf_release(&t);
}

void
dq_report_section(struct dq_report *r, const char *id, const char *heading)
{
	dq_buf_addf(&r->toc, "<li><a href=\"#%s\">", id);
	dq_html_str(&r->toc, heading);
	dq_buf_addstr(&r->toc, "</a></li>");
	dq_buf_addf(&r->body, "<section id=\"%s\"><h2>", id);
	dq_html_str(&r->body, heading);
	dq_buf_addstr(&r->body, "</h2>\n");
	r->nsections++;
}

void
dq_report_section_end(struct dq_report *r)
{
	dq_buf_addstr(&r->body, "</section>\n");
}

static const char css[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;"
	"max-width:1100px;padding:0 16px 40px;color:#1b1f24;background:#fff}"
	"h1{font-size:22px;margin:18px 0 4px}h2{font-size:18px;"
	"border-bottom:2px solid #d0d7de;padding-bottom:3px;margin-top:28px}"
	"h3{font-size:15px;margin:18px 0 6px}"
	"nav ol{display:flex;flex-wrap:wrap;gap:4px 16px;padding:0;"
	"list-style:none}"
	"table{border-collapse:collapse;margin:6px 0}"
	"th,td{border:1px solid #d0d7de;padding:3px 7px;text-align:left;"
	"vertical-align:top;overflow-wrap:break-word}"
	"th{background:#f3f5f7;white-space:nowrap}"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}"
	".cards{display:flex;flex-wrap:wrap;gap:10px}"
	".card{border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;"
	"min-width:110px}.card b{display:block;font-size:22px}"
	".pass{color:#1a7f37}.fail{color:#cf222e}.warn{color:#9a6700}"
	".null{color:#8c959f;font-style:italic}.muted{color:#57606a}"
	"bdi{white-space:pre-wrap;word-break:break-all}"
	"svg{display:block;max-width:100%;height:auto;font-size:11px}"
	"svg rect{fill:#4c8dd6}svg text{fill:#1b1f24}"
	"svg .axis{stroke:#57606a}svg .mark{stroke:#cf222e;fill:#cf222e}"
	"svg polyline{fill:none;stroke:#4c8dd6;stroke-width:1.5}"
	"svg circle{fill:#cf222e}svg rect.neg{fill:#cf222e}"
	"svg rect.pos{fill:#1a7f37}"
	".field{border:1px solid #d0d7de;border-radius:6px;padding:4px 12px;"
	"margin:10px 0}.field h3{margin-top:6px}"
	".grid{display:flex;flex-wrap:wrap;gap:6px 24px}"
	"tr.diff td{background:#fff8c5}";

void
dq_report_page(struct dq_report *r, struct dq_buf *out)
{
	dq_buf_addstr(out,
		      "<!DOCTYPE html>\n<html lang=\"en\"><head>"
		      "<meta charset=\"utf-8\">"
		      "<meta http-equiv=\"Content-Security-Policy\" "
		      "content=\"default-src 'none'; style-src "
		      "'unsafe-inline'\">"
		      "<meta name=\"viewport\" content=\"width=device-width\">"
		      "<title>");
	dq_html_str(out, r->title);
	dq_buf_addf(out, "</title><style>%s</style></head>\n<body><h1>", css);
	dq_html_str(out, r->title);
	dq_buf_addstr(out, "</h1>\n");
	if (r->nsections) {
		dq_buf_addstr(out, "<nav><ol>");
		dq_buf_add(out, r->toc.buf, r->toc.len);
		dq_buf_addstr(out, "</ol></nav>\n");
	} else {
		dq_buf_addstr(out, "<p>No document was given.</p>\n");
	}
	dq_buf_add(out, r->body.buf, r->body.len);
	dq_buf_addstr(out, "</body></html>\n");
}

/* A card: a label and a figure already written as HTML. */
static void
card(struct dq_buf *b, const char *label, const char *cls, const char *html)
{
	dq_buf_addf(b, "<div class=\"card\"><b%s%s%s>%s</b>", cls ? " class=\""
		    : "", cls ? cls : "", cls ? "\"" : "", html);
	dq_html_str(b, label);
	dq_buf_addstr(b, "</div>");
}

static void
td_count(struct dq_buf *b, double v)
{
	dq_buf_addstr(b, "<td class=\"n\">");
	if (!isnan(v))
		dq_html_count(b, v);
	dq_buf_addstr(b, "</td>");
}

static void
td_str(struct dq_buf *b, const char *s)
{
	dq_buf_addstr(b, "<td>");
	dq_html_str(b, s);
	dq_buf_addstr(b, "</td>");
}

/* A cell saying passed or failed (empty when p is not a boolean). */
static void
td_passed(struct dq_buf *b, const cJSON *p)
{
	dq_buf_addstr(b, "<td>");
	if (cJSON_IsBool(p))
		dq_buf_addstr(b, cJSON_IsTrue(p)
					 ? "<span class=\"pass\">passed</span>"
					 : "<span class=\"fail\">failed</span>");
	dq_buf_addstr(b, "</td>");
}

/* The score, the gate and the categories' deductions. */
static void
score_cards(struct dq_report *r, const cJSON *v)
{
	struct dq_buf *b = &r->body, t = DQ_BUF_INIT;
	const cJSON *passed = cJSON_GetObjectItemCaseSensitive(v, "passed");
	const cJSON *viol = cJSON_GetObjectItemCaseSensitive(v, "violations");
	const cJSON *ded = cJSON_GetObjectItemCaseSensitive(v, "deductions");
	double score = dq_report_num(v, "score");
	double mark = dq_report_num(v, "pass_mark");

	dq_buf_addstr(b, "<div class=\"cards\">");
	if (!isnan(score)) {
		dq_html_num(&t, score);
		dq_buf_addstr(&t, " / 100");
		card(b, "score", NULL, t.buf);
	}
	if (cJSON_IsBool(passed)) {
		dq_buf_reset(&t);
		dq_buf_addstr(&t, cJSON_IsTrue(passed) ? "passed" : "failed");
		card(b, "gate", cJSON_IsTrue(passed) ? "pass" : "fail", t.buf);
	}
	if (!isnan(mark)) {
		dq_buf_reset(&t);
		dq_html_num(&t, mark);
		card(b, "pass mark", NULL, t.buf);
	}
	static const char *const sev[] = { "error", "warn", "info" };
	for (int i = 0; i < 3 && cJSON_IsObject(viol); i++) {
		double n = dq_report_num(viol, sev[i]);
		if (isnan(n))
			continue;
		dq_buf_reset(&t);
		dq_html_count(&t, n);
		card(b, i == 0 ? "error violations"
		     : i == 1 ? "warnings" : "info", NULL, t.buf);
	}
	dq_buf_addstr(b, "</div>\n");
	dq_buf_release(&t);

	if (cJSON_IsObject(ded) && cJSON_GetArraySize(ded) > 0) {
		size_t n = (size_t)cJSON_GetArraySize(ded), i = 0;
		const char **lab = dq_xcalloc(n, sizeof(*lab));
		double *val = dq_xcalloc(n, sizeof(*val));
		const cJSON *it;

		cJSON_ArrayForEach(it, ded)
		{
			lab[i] = it->string;
			val[i++] = cJSON_IsNumber(it) ? it->valuedouble : 0;
		}
		dq_buf_addstr(b, "<h3>Deductions by category (points off "
				 "100)</h3>");
		dq_html_bars(b, lab, val, n, 40, DQ_HTML_NUM);
		free(lab);
		free(val);
	}
}

/* One row of the stages table: a summary of any dq program. */
static void
stage_row(struct dq_buf *b, const cJSON *s)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(s, "counts");
	const cJSON *passed = cJSON_GetObjectItemCaseSensitive(s, "passed");
	const cJSON *contract = cJSON_GetObjectItemCaseSensitive(s, "contract");

	dq_buf_addstr(b, "<tr>");
	td_str(b, dq_report_strv(s, "tool"));
	td_count(b, dq_report_num(c, "in"));
	td_count(b, dq_report_num(c, "out"));
	td_count(b, dq_report_num(c, "quarantined"));
	td_count(b, dq_report_num(c, "rejected"));
	td_passed(b, passed);
	td_str(b, dq_report_strv(contract, "name"));
	td_str(b, dq_report_strv(s, "contract_version"));
	td_str(b, dq_report_strv(s, "run_id"));
	td_str(b, dq_report_strv(s, "started"));
	td_count(b, dq_report_num(s, "duration_ms"));
	dq_buf_addstr(b, "</tr>\n");
}

int
dq_report_overview(struct dq_report *r, const cJSON *validate,
		   const cJSON *const *stages, size_t n)
{
	struct dq_buf *b = &r->body;
	const cJSON *first = validate ? validate : n ? stages[0] : NULL;

	if (!first)
		return 0;
	dq_report_section(r, "overview", "Overview");
	const char *run = dq_report_strv(first, "run_id");
	const char *started = dq_report_strv(first, "started");
	const cJSON *contract = cJSON_GetObjectItemCaseSensitive(first,
								  "contract");
	const char *cname = dq_report_strv(contract, "name");
	const char *sum = dq_report_strv(first, "contract_version");
	dq_buf_addstr(b, "<p>");
	if (run) {
		dq_buf_addstr(b, "Run <b>");
		dq_html_str(b, run);
		dq_buf_addstr(b, "</b>");
	}
	if (started) {
		dq_buf_addstr(b, ", started ");
		dq_html_str(b, started);
	}
	if (cname) {
		dq_buf_addstr(b, "; contract <b>");
		dq_html_str(b, cname);
		dq_buf_addstr(b, "</b>");
	}
	if (sum) {
		dq_buf_addstr(b, cname ? ", checksum <code>"
				       : "; contract checksum <code>");
		dq_html_str(b, sum);
		dq_buf_addstr(b, "</code>");
	}
	dq_buf_addstr(b, "</p>\n");
	if (validate)
		score_cards(r, validate);
	dq_buf_addstr(b, "<h3>Records</h3><table><tr><th>program</th>"
			 "<th>in</th><th>out</th><th>quarantined</th>"
			 "<th>rejected</th><th>gate</th><th>contract</th>"
			 "<th>checksum</th><th>run id</th><th>started</th>"
			 "<th>ms</th></tr>\n");
	for (size_t i = 0; i < n; i++)
		stage_row(b, stages[i]);
	dq_buf_addstr(b, "</table>\n");
	dq_report_section_end(r);
	return 0;
}

/* The rules' examples from a violations file: up to caps.examples lines
 * per rule code, in file order. */
struct examples {
	const struct dq_report *r;
	struct dq_strmap codes; /* code -> index into ex */
	cJSON **ex;             /* per code, an array of violation lines */
	long long *lines;       /* per code, the lines read */
	long long other;        /* lines naming no rule of the summary */
};

static int
take_violation(void *ctx, cJSON *o, const char *path, long line)
{
	struct examples *e = ctx;
	const char *code = dq_report_strv(o, "code");
	long k = code ? dq_strmap_get(&e->codes, code, strlen(code)) : -1;

	(void)path;
	(void)line;
	if (k < 0) {
		/* Not a line of this summary's run: said on the page. */
		e->other++;
		return 0;
	}
	e->lines[k]++;
	if (cJSON_GetArraySize(e->ex[k]) < e->r->caps.examples)
		cJSON_AddItemToArray(e->ex[k], cJSON_Duplicate(o, 1));
	return 0;
}

static void
example_rows(const struct dq_report *r, struct dq_buf *b, const cJSON *ex,
	     const char *field)
{
	const cJSON *it;
	int i = 0;

	cJSON_ArrayForEach(it, ex)
	{
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(
			it, "record_id");
		const cJSON *idv = cJSON_GetObjectItemCaseSensitive(it, "id");
		const char *f = dq_report_strv(it, "field");
		double line = dq_report_num(it, "line");

		if (i++ >= r->caps.examples)
			break;
		dq_buf_addstr(b, "<tr><td>");
		/* A violation's record_id, or a summary example's id. */
		if (!id || cJSON_IsNull(id))
			id = idv;
		if (id && !cJSON_IsNull(id)) {
			dq_report_value(r, b, "id", id);
		} else if (!isnan(line)) {
			dq_buf_addstr(b, "line ");
			dq_html_count(b, line);
		} else {
			dq_buf_addstr(b, "(all records)");
		}
		dq_buf_addstr(b, "</td><td>");
		dq_html_str(b, f ? f : field);
		dq_buf_addstr(b, "</td><td>");
		dq_report_value(r, b, f ? f : field,
				cJSON_GetObjectItemCaseSensitive(it, "value"));
		dq_buf_addstr(b, "</td><td>");
		dq_html_str(b, dq_report_strv(it, "message"));
		dq_buf_addstr(b, "</td></tr>\n");
	}
}

int
dq_report_rules(struct dq_report *r, const cJSON *validate, const char *path,
		const char *violations)
{
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(validate,
							       "rules");
	struct dq_buf *b = &r->body;
	struct examples e = { .r = r };
	size_t n = (size_t)cJSON_GetArraySize(rules), i = 0;
	const cJSON *it;
	int rc = 0;

	if (!cJSON_IsArray(rules))
		return dq_error("%s: no \"rules\" array (is this "
				"dq-validate's --summary?)", path);
	dq_strmap_init(&e.codes);
	e.ex = dq_xcalloc(n + 1, sizeof(*e.ex));
	e.lines = dq_xcalloc(n + 1, sizeof(*e.lines));
	cJSON_ArrayForEach(it, rules)
	{
		const char *code = dq_report_strv(it, "code");
		e.ex[i] = cJSON_CreateArray();
		if (code)
			dq_strmap_add(&e.codes, code, strlen(code), i);
		i++;
	}
	if (violations)
		rc = dq_report_each(violations, take_violation, &e);
	if (!rc) {
		dq_report_section(r, "rules", "Rules");
		if (e.other) {
			dq_buf_addstr(b, "<p class=\"warn\">");
			dq_html_count(b, (double)e.other);
			dq_buf_addstr(b, " lines of ");
			dq_html_str(b, violations);
			dq_buf_addstr(b, " name no rule of ");
			dq_html_str(b, path);
			dq_buf_addstr(b, " (a violations file of another run?); "
					 "they are not shown.</p>\n");
		}
		dq_buf_addstr(b, "<table><tr><th>rule</th><th>field</th>"
				 "<th>check</th><th>severity</th>"
				 "<th>checked</th><th>failures</th>"
				 "<th>rate</th><th>result</th><th>hint</th>"
				 "</tr>\n");
		cJSON_ArrayForEach(it, rules)
		{
			const cJSON *p = cJSON_GetObjectItemCaseSensitive(
				it, "passed");
			double rate = dq_report_num(it, "rate");
			const char *sev = dq_report_strv(it, "severity");

			dq_buf_addstr(b, "<tr>");
			td_str(b, dq_report_strv(it, "code"));
			td_str(b, dq_report_strv(it, "field"));
			td_str(b, dq_report_strv(it, "check"));
			td_str(b, sev);
			td_count(b, dq_report_num(it, "checked"));
			td_count(b, dq_report_num(it, "failures"));
			dq_buf_addstr(b, "<td class=\"n\">");
			if (!isnan(rate))
				dq_html_pct(b, rate);
			dq_buf_addstr(b, "</td>");
			td_passed(b, p);
			td_str(b, dq_report_strv(it, "hint"));
			dq_buf_addstr(b, "</tr>\n");
		}
		dq_buf_addstr(b, "</table>\n");
		i = 0;
		cJSON_ArrayForEach(it, rules)
		{
			const cJSON *ex = violations
				? e.ex[i]
				: cJSON_GetObjectItemCaseSensitive(it,
								   "examples");
			i++;
			if (!cJSON_GetArraySize(ex) || r->caps.examples == 0)
				continue;
			dq_buf_addstr(b, "<h3>");
			dq_html_str(b, dq_report_strv(it, "code"));
			dq_buf_addstr(b, ": examples</h3><table><tr>"
					 "<th>record</th><th>field</th>"
					 "<th>value</th><th>message</th>"
					 "</tr>\n");
			example_rows(r, b, ex, dq_report_strv(it, "field"));
			dq_buf_addstr(b, "</table>\n");
		}
		dq_report_section_end(r);
	}
	for (i = 0; i < n; i++)
		cJSON_Delete(e.ex[i]);
	free(e.ex);
	free(e.lines);
	dq_strmap_release(&e.codes);
	return rc;
}
