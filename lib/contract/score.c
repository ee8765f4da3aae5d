/*
 * score.c - deciding the checks and scoring the stream (see score.h).
 *
 * Set-level rules (null, invalid and duplicate rates, row count) compare
 * the measured figure with their limits; grouped rules compare each
 * group's rate, count or longest run (runs sorted by their order field,
 * numbers before text, ties in stream order) and fail once per group out
 * of limits.  Every other check fails when its failure rate exceeds its
 * tolerance.  The summary's figures come from the rules' tallies, so a
 * --merge of chunk summaries (contract/partial.h) scores exactly as one
 * run would.
 */
#include "contract/score.h"

#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"

static const char *const metric_names[DQ_NCAT] = {
	"schemaValidation", "formatParsing", "completeness", "boundsRange",
	"uniqueness"
};



/* Order of group_run entries: numbers, then dates (as seconds), then
 * text; equal values in stream order. */
static int
cmp_value(const struct dq_runent *x, const struct dq_runent *y)
{
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->kind < 2)
		return (x->num > y->num) - (x->num < y->num);
	size_t n = x->slen < y->slen ? x->slen : y->slen;
	int c = memcmp(x->s, y->s, n);
	if (!c)
		c = (x->slen > y->slen) - (x->slen < y->slen);
	return c;
}

static int
cmp_ent(const void *a, const void *b)
{
	const struct dq_runent *x = a, *y = b;
	int c = cmp_value(x, y);
	if (!c)
		c = (x->seq > y->seq) - (x->seq < y->seq);
	return c;
}

/* A violations-file line for a set-level or grouped rule, whose message
 * is made at the end: r->message, else msg. */
static void
write_violation_text(struct dq_check *ck, const struct dq_rule *r, const char *id, long line,
		     const char *v, size_t vn, const char *msg, const char *extra)
{
	if (r->message)
		msg = r->message;
	struct dq_buf b = DQ_BUF_INIT;
	dq_buf_add_json_string(&b, msg, strlen(msg));
	dq_check_violation_line(ck, r, id, line, v, vn, b.buf, b.len, extra);
	dq_buf_release(&b);
}

static int
out_of_limits(const struct dq_rule *r, double x)
{
	return (r->has_min && x < r->min) || (r->has_max && x > r->max);
}

static void
finish_groups(struct dq_check *ck, struct dq_rule *r)
{
	char msg[200];
	for (size_t i = 0; i < r->ngroups; i++) {
		struct dq_group *g = &r->groups[i];
		double x;
		const char *what;
		if (r->kind == DQ_RULE_GROUP_RATE) {
			x = g->total ? (double)g->hits / (double)g->total : 0;
			what = "rate";
		} else if (r->kind == DQ_RULE_GROUP_COUNT) {
			x = (double)g->hits;
			what = "count";
		} else {
			qsort(g->ents, g->n, sizeof(*g->ents), cmp_ent);
			/* Records with one order value (the same day
			 * recorded twice) are one step of the run, a hit
			 * when any of them is. */
			size_t best = 0, cur = 0;
			for (size_t k = 0; k < g->n;) {
				int hit = 0;
				size_t j = k;
				for (; j < g->n && !cmp_value(&g->ents[k],
							      &g->ents[j]);
				     j++)
					hit |= g->ents[j].hit;
				k = j;
				cur = hit ? cur + 1 : 0;
				if (cur > best)
					best = cur;
			}
			x = (double)best;
			what = "longest run";
		}
		r->checked++;
		g->measured = x;
		if (!out_of_limits(r, x))
			continue;
		snprintf(msg, sizeof(msg), "%s %.4g is %s the limit %.4g", what,
			 x, r->has_min && x < r->min ? "below" : "above",
			 r->has_min && x < r->min ? r->min : r->max);
		r->failures++;
		ck->n_viol[r->sev]++;
		if (r->nex < (size_t)ck->examples) {
			if (!r->ex)
				r->ex = dq_xcalloc((size_t)ck->examples,
						   sizeof(*r->ex));
			struct dq_example *e = &r->ex[r->nex++];
			e->id = dq_xstrdup(g->label);
			e->value = dq_xstrdup(g->label);
		}
		if (ck->vfile->fd >= 0) {
			/* The figure as cJSON prints it in the summary. */
			struct dq_buf extra = DQ_BUF_INIT;
			dq_buf_addstr(&extra, ",\"measured\":");
			dq_num_add_g15(&extra, x);
			write_violation_text(ck, r, g->label, 0, g->label,
					     strlen(g->label), msg, extra.buf);
			dq_buf_release(&extra);
		}
	}
}

/* Add one field name to a schema rule's message and value (the first 20
 * in the message, the first 100 in the value). */
static void
schema_name(struct dq_buf *msg, struct dq_buf *val, size_t i, const char *name,
	    size_t len, uint64_t records)
{
	if (i < 20) {
		dq_buf_addstr(msg, i ? ", " : "");
		dq_buf_add(msg, name, len < 60 ? len : 60);
		if (records)
			dq_buf_addf(msg, " (%llu record%s)",
				    (unsigned long long)records,
				    records > 1 ? "s" : "");
	} else if (i == 20) {
		dq_buf_addstr(msg, ", ...");
	}
	if (i < 100) {
		dq_buf_addstr(val, i ? "," : "");
		dq_buf_add_json_string(val, name, len);
	}
}

/* Does a forbidden_fields pattern match the name (NUL-terminated)? */
static int
forbidden(const struct dq_rule *r, const char *name)
{
	for (size_t k = 0; k < r->nglobs; k++)
		if (!fnmatch(r->globs[k], name, 0))
			return 1;
	return 0;
}

/*
 * A schema rule, decided once at the end of the stream: one failure that
 * names every field concerned, however many records carry it.  Its
 * measured figure is the number of fields named.
 */
static void
decide_schema(const struct dq_rules *rs, struct dq_check *ck,
	      struct dq_rule *r)
{
	struct dq_buf msg = DQ_BUF_INIT, val = DQ_BUF_INIT;
	size_t n = 0;

	dq_buf_addch(&val, '[');
	switch (r->kind) {
	case DQ_RULE_COLUMNS:
		dq_buf_addstr(&msg, "missing from the input: ");
		for (size_t i = 0; i < r->nslots; i++) {
			const struct dq_slot *sl = &rs->slots[r->slots[i]];
			if (!sl->seen)
				schema_name(&msg, &val, n++, sl->name, sl->len, 0);
		}
		break;
	case DQ_RULE_CLOSED:
		dq_buf_addstr(&msg, "fields the contract does not name: ");
		for (size_t i = 0; i < rs->others.n; i++)
			schema_name(&msg, &val, n++, rs->others.keys[i],
				    rs->others.lens[i], rs->other_recs[i]);
		break;
	case DQ_RULE_FORBIDDEN:
		dq_buf_addstr(&msg, "forbidden field names present: ");
		for (size_t i = 0; i < rs->nslots; i++)
			if (rs->slots[i].seen && forbidden(r, rs->slots[i].name))
				schema_name(&msg, &val, n++, rs->slots[i].name,
					    rs->slots[i].len, 0);
		for (size_t i = 0; i < rs->others.n; i++)
			if (forbidden(r, rs->others.keys[i]))
				schema_name(&msg, &val, n++, rs->others.keys[i],
					    rs->others.lens[i],
					    rs->other_recs[i]);
		break;
	default: /* DQ_RULE_COLUMN_ORDER */
		if (!r->found)
			break;
		dq_buf_addstr(&msg, "columns out of order: expected ");
		for (size_t i = 0; i < r->nslots; i++)
			dq_buf_addf(&msg, "%s%s", i ? ", " : "",
				    rs->slots[r->slots[i]].name);
		dq_buf_addf(&msg, "; found %s", r->found);
		val.len = 0;
		dq_buf_addstr(&val, r->found_json);
		val.len--; /* its ']' comes below */
		n = 1;
		break;
	}
	if ((r->kind == DQ_RULE_CLOSED || r->kind == DQ_RULE_FORBIDDEN) &&
	    rs->others_dropped)
		dq_buf_addf(&msg, " (and more: over %d names)",
			    DQ_RULES_MAX_OTHERS);
	dq_buf_addch(&val, ']');
	r->checked = 1;
	r->failures = n > 0;
	r->measured = (double)n;
	r->has_measured = 1;
	if (n) {
		ck->n_viol[r->sev]++;
		if (ck->vfile->fd >= 0)
			write_violation_text(ck, r, NULL,
					     r->kind == DQ_RULE_COLUMN_ORDER
						     ? r->found_line
						     : 0,
					     val.buf, val.len, msg.buf, NULL);
	}
	dq_buf_release(&msg);
	dq_buf_release(&val);
}

/*
 * An aggregate rule: the statistic of the field's numbers (strings and
 * other values are the type check's business) against its limits.  No
 * number at all measures nothing: a failure ("no numbers"), never a
 * mean of 0 that passes.
 */
static void
decide_aggregate(struct dq_check *ck, struct dq_rule *r)
{
	const struct dq_moments *m = &r->mom;
	char msg[200], v[64];
	double x = 0;

	switch (r->stat) {
	case DQ_STAT_MEAN:
		x = m->mean;
		break;
	case DQ_STAT_STDDEV:
		x = dq_moments_sample_stddev(m);
		break;
	case DQ_STAT_SUM:
		x = m->sum;
		break;
	case DQ_STAT_MIN:
		x = m->min;
		break;
	case DQ_STAT_MAX:
		x = m->max;
		break;
	default:
		x = (double)m->n;
		break;
	}
	r->checked = 1;
	r->measured = x;
	r->has_measured = m->n > 0 || r->stat == DQ_STAT_COUNT;
	if (!r->has_measured) {
		snprintf(msg, sizeof(msg), "no numbers in %s: its %s measures "
			 "nothing", r->label, dq_stat_names[r->stat]);
		snprintf(v, sizeof(v), "null");
	} else if (out_of_limits(r, x)) {
		snprintf(msg, sizeof(msg), "%s %.6g is %s the limit %.6g",
			 dq_stat_names[r->stat], x,
			 r->has_min && x < r->min ? "below" : "above",
			 r->has_min && x < r->min ? r->min : r->max);
		snprintf(v, sizeof(v), "%.15g", x);
	} else {
		r->failures = 0;
		r->failed = 0;
		return;
	}
	r->failures = 1;
	r->failed = 1;
	ck->n_viol[r->sev]++;
	if (ck->vfile->fd >= 0)
		write_violation_text(ck, r, NULL, 0, v, strlen(v), msg, NULL);
}

void
dq_score_decide(struct dq_rules *rs, struct dq_check *ck,
		const struct dq_score_opts *o)
{
	char msg[200];
	for (size_t ri = 0; ri < rs->nrules; ri++) {
		struct dq_rule *r = &rs->rules[ri];
		switch (r->kind) {
		case DQ_RULE_NULL_RATE:
		case DQ_RULE_INVALID_RATE:
		case DQ_RULE_DUP_RATE:
		case DQ_RULE_ROW_COUNT:
			/* A chunk's rates are not the stream's: --merge
			 * decides them from the added tallies. */
			if (o->partial)
				break;
			if (r->kind == DQ_RULE_ROW_COUNT)
				r->measured = (double)o->valid;
			else
				r->measured = r->checked
						      ? (double)r->failures /
								(double)r->checked
						      : 0;
			r->has_measured = 1;
			r->failed = out_of_limits(r, r->measured);
			if (r->failed) {
				ck->n_viol[r->sev]++;
				snprintf(msg, sizeof(msg),
					 "%s %.6g is outside the limits",
					 dq_rule_kind_names[r->kind], r->measured);
				if (ck->vfile->fd >= 0) {
					char v[64];
					int vn = snprintf(v, sizeof(v), "%.6g",
							  r->measured);
					write_violation_text(ck, r, NULL, 0, v,
							     (size_t)vn, msg,
							     NULL);
				}
			}
			break;
		case DQ_RULE_AGGREGATE:
			decide_aggregate(ck, r);
			break;
		case DQ_RULE_COLUMNS:
		case DQ_RULE_CLOSED:
		case DQ_RULE_FORBIDDEN:
		case DQ_RULE_COLUMN_ORDER:
			decide_schema(rs, ck, r);
			r->failed = r->failures > 0;
			break;
		case DQ_RULE_GROUP_RATE:
		case DQ_RULE_GROUP_COUNT:
		case DQ_RULE_GROUP_RUN:
			finish_groups(ck, r);
			/* fall through */
		default:
			r->failed = r->checked &&
				    (double)r->failures / (double)r->checked >
					    r->tolerance;
		}
	}
}

static cJSON *
raw_or_null(const char *s)
{
	return s ? cJSON_CreateRaw(s) : cJSON_CreateNull();
}

/* Add to a the names of r's fields (checked, condition, grouping,
 * ordering) that appeared in no record; returns how many. */
static int
absent_fields(const struct dq_rules *rs, const struct dq_rule *r, cJSON *a)
{
	int sl[64], n = 0, k = 0;
	/* The schema rules report absent fields themselves, once. */
	if (r->kind >= DQ_RULE_COLUMNS && r->kind <= DQ_RULE_COLUMN_ORDER)
		return 0;
	/* A required field a columns rule lists is that rule's report. */
	for (size_t i = r->col_gate ? 1 : 0; i < r->nslots && n < 60; i++)
		sl[n++] = r->slots[i];
	if (r->has_if)
		sl[n++] = r->cond.slot;
	for (size_t i = 1; r->has_if && r->cond.expr &&
			   i < r->cond.expr->nslots && n < 60; i++)
		sl[n++] = r->cond.expr->slots[i];
	if (dq_rule_grouped(r->kind))
		sl[n++] = r->when.slot;
	for (size_t i = 1; r->when.expr && i < r->when.expr->nslots && n < 60;
	     i++)
		sl[n++] = r->when.expr->slots[i];
	if (r->order_slot >= 0)
		sl[n++] = r->order_slot;
	for (int i = 0; i < n; i++) {
		int dup = 0;
		for (int j = 0; j < i; j++)
			dup |= sl[j] == sl[i];
		if (dup || rs->slots[sl[i]].seen)
			continue;
		cJSON_AddItemToArray(a, cJSON_CreateString(rs->slots[sl[i]].name));
		k++;
	}
	return k;
}

/* The warnings that make a result mean nothing: no records, no field of
 * the contract in the input, checks whose fields never appeared.  Each
 * is a string in "warnings" (and on stderr); returns 1 when the gate
 * must fail for them. */
static int
unchecked(const struct dq_rules *rs, const struct dq_score_opts *o,
	  cJSON *rules, cJSON *warn)
{
	char msg[400];
	int gate = 0, any_slot = 0, any_seen = 0;

	if (o->valid == 0) {
		if (o->n_in == 0) {
			cJSON_AddItemToArray(warn, cJSON_CreateString(
				"no records: nothing was checked"));
			dq_warn("no records: nothing was checked%s",
				rs->allow_empty ? "" : " (the gate fails; "
				"--allow-empty to pass)");
			gate = !rs->allow_empty;
		}
		return gate;
	}
	for (size_t ri = 0; ri < rs->nrules; ri++) {
		const struct dq_rule *r = &rs->rules[ri];
		cJSON *a = cJSON_CreateArray();
		any_slot |= r->nslots > 0;
		for (size_t i = 0; i < r->nslots; i++)
			any_seen |= rs->slots[r->slots[i]].seen;
		if (!absent_fields(rs, r, a)) {
			cJSON_Delete(a);
			continue;
		}
		cJSON_AddItemToObject(cJSON_GetArrayItem(rules, (int)ri),
				      "absent_fields", a);
		int n = cJSON_GetArraySize(a), len;
		len = snprintf(msg, sizeof(msg), "check '%s': field%s ", r->code,
			       n > 1 ? "s" : "");
		for (int i = 0; i < n && len < 300; i++)
			len += snprintf(msg + len, sizeof(msg) - (size_t)len,
					"%s'%.60s'", i ? ", " : "",
					cJSON_GetArrayItem(a, i)->valuestring);
		snprintf(msg + len, sizeof(msg) - (size_t)len,
			 " appear%s in no record", n > 1 ? "" : "s");
		cJSON_AddItemToArray(warn, cJSON_CreateString(msg));
		dq_warn("%s%s", msg,
			rs->allow_absent ? "" : " (the gate fails; "
			"--allow-absent-fields to pass)");
		gate |= !rs->allow_absent;
	}
	if (any_slot && !any_seen) {
		snprintf(msg, sizeof(msg),
			 "no field the contract checks appears in the input "
			 "(the right file? for CSV, the right --delimiter?)");
		cJSON_AddItemToArray(warn, cJSON_CreateString(msg));
		dq_warn("%s", msg);
		gate = 1;
	}
	return gate;
}


/* A point in the score's integer arithmetic. */
#define UNITS 1000000LL

/* weight x num / den in millionths of a point, rounded half up; weights
 * are read to two decimals (a contract's 35 or 12.5).  The product is
 * taken in 128 bits: with broken records in the format share, num and den
 * are records times checks (10^10 x 10^3 fits; 2 x 10^8 x that in 64 bits
 * would not). */
static long long
points(double weight, unsigned long long num, unsigned long long den)
{
	unsigned __int128 w = (unsigned __int128)llround(weight * 100);
	return (long long)((2 * w * (UNITS / 100) * num + den) / (2 * den));
}

/*
 * The format deduction of a stream some of whose records did not parse:
 * the broken records' share of the weight in full (each failed to parse,
 * the first format check a record meets), and of the records that did
 * parse, the weight times the failed format checks over the format
 * checks, as every category deducts:
 *
 *	weight x (rejected / in + parsed / in x failed / checks)
 *
 * in one fraction, so that it is exact.  No reject gives the plain
 * formula; every record rejected the whole weight.
 */
static long long
format_points(double weight, uint64_t in, uint64_t rejected, int failed,
	      int checks)
{
	if (!checks)
		return points(weight, rejected, in);
	return points(weight,
		      rejected * (uint64_t)checks +
			      (in - rejected) * (uint64_t)failed,
		      in * (uint64_t)checks);
}

/* Build the summary figures; returns whether the gate failed. */
int
dq_score_summary(const struct dq_rules *rs, const struct dq_check *ck,
		 const struct dq_score_opts *o, cJSON *s)
{
	int checks[DQ_MAXCAT] = { 0 }, failed[DQ_MAXCAT] = { 0 }, gate = 0;
	int parse_failed = o->n_in > 0 && o->valid == 0;
	double ded[DQ_MAXCAT] = { 0 };

	if (rs->contract_id)
		cJSON_AddItemToObject(s, "contract",
				      cJSON_Duplicate(rs->contract_id, 1));
	cJSON *rules = cJSON_AddArrayToObject(s, "rules");
	for (size_t ri = 0; ri < rs->nrules; ri++) {
		struct dq_rule *r = &rs->rules[ri];
		checks[r->cat]++;
		failed[r->cat] += r->failed;
		if (r->failed && r->sev >= o->fail_on && !o->warn_mode &&
		    !o->partial)
			gate = 1;
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "code", r->code);
		cJSON_AddStringToObject(j, "check", dq_rule_kind_names[r->kind]);
		cJSON_AddStringToObject(j, "field", r->label);
		cJSON_AddStringToObject(j, "severity", dq_sev_names[r->sev]);
		cJSON_AddStringToObject(j, "category", rs->cat_names[r->cat]);
		cJSON_AddNumberToObject(j, "checked", (double)r->checked);
		cJSON_AddNumberToObject(j, "failures", (double)r->failures);
		cJSON_AddNumberToObject(
			j, "rate",
			r->checked ? (double)r->failures / (double)r->checked
				   : 0);
		cJSON_AddNumberToObject(j, "tolerance", r->tolerance);
		if (r->has_measured)
			cJSON_AddNumberToObject(j, "measured", r->measured);
		/* Grouped rules: every group's figure, as data. */
		if (dq_rule_grouped(r->kind) && !o->partial) {
			cJSON *gs = cJSON_AddArrayToObject(j, "groups");
			for (size_t k = 0; k < r->ngroups; k++) {
				const struct dq_group *g = &r->groups[k];
				cJSON *e = cJSON_CreateObject();
				cJSON_AddItemToObject(e, "group",
						      cJSON_CreateRaw(g->label));
				cJSON_AddNumberToObject(e, "measured",
							g->measured);
				cJSON_AddBoolToObject(e, "passed",
						      !out_of_limits(r, g->measured));
				cJSON_AddItemToArray(gs, e);
			}
		}
		cJSON_AddBoolToObject(j, "passed", !r->failed);
		if (r->hint)
			cJSON_AddStringToObject(j, "hint", r->hint);
		if (r->owner)
			cJSON_AddStringToObject(j, "owner", r->owner);
		if (r->tags)
			cJSON_AddItemToObject(j, "tags",
					      cJSON_Duplicate(r->tags, 1));
		cJSON *ex = cJSON_AddArrayToObject(j, "examples");
		for (size_t k = 0; k < r->nex; k++) {
			cJSON *e = cJSON_CreateObject();
			if (r->ex[k].line)
				cJSON_AddNumberToObject(e, "line",
							(double)r->ex[k].line);
			cJSON_AddItemToObject(e, "id", raw_or_null(r->ex[k].id));
			cJSON_AddItemToObject(e, "value",
					      raw_or_null(r->ex[k].value));
			/* cJSON would reread a number as a double: the
			 * merge takes the bytes from these strings. */
			if (o->partial) {
				cJSON_AddStringToObject(e, "id_raw",
							r->ex[k].id);
				if (r->ex[k].value)
					cJSON_AddStringToObject(
						e, "value_raw", r->ex[k].value);
			}
			cJSON_AddItemToArray(ex, e);
		}
		cJSON_AddItemToArray(rules, j);
	}

	/* Checks that checked nothing: an empty input fails completeness;
	 * the gate fails (a chunk decides nothing: --merge does). */
	int empty = !o->partial && o->n_in == 0;
	cJSON *warn = cJSON_CreateArray();
	if (!o->partial && unchecked(rs, o, rules, warn))
		gate = 1;
	/* In integer millionths of a point, so that 79.5 is 79.5, not
	 * 79.49999999999999, and the stored deductions are the numbers
	 * summed: each deduction is weight x failed / checks rounded half
	 * up to 0.000001 (exact for every deduction with six decimals or
	 * fewer), the score 100 less their sum, rounded half up to a
	 * whole. */
	long long dh[DQ_MAXCAT] = { 0 }, sh = UNITS * 100;
	if (empty) {
		failed[DQ_CAT_COMPLETENESS] = checks[DQ_CAT_COMPLETENESS] ? checks[DQ_CAT_COMPLETENESS] : 1;
		dh[DQ_CAT_COMPLETENESS] = points(rs->weights[DQ_CAT_COMPLETENESS], 1, 1);
	} else if (parse_failed) {
		/* Nothing parsed: formatParsing fails, checking stops. */
		memset(failed, 0, sizeof(failed));
		dh[DQ_CAT_FORMAT] = points(rs->weights[DQ_CAT_FORMAT], 1, 1);
	} else {
		for (int c = 0; c < rs->ncat; c++)
			if (checks[c])
				dh[c] = points(rs->weights[c], failed[c],
						   checks[c]);
		if (o->n_rejected)
			dh[DQ_CAT_FORMAT] = format_points(
				rs->weights[DQ_CAT_FORMAT], o->n_in,
				o->n_rejected, failed[DQ_CAT_FORMAT],
				checks[DQ_CAT_FORMAT]);
	}
	for (int c = 0; c < rs->ncat; c++) {
		sh -= dh[c];
		ded[c] = (double)dh[c] / UNITS;
	}
	if (sh < 0)
		sh = 0;
	if (sh > UNITS * 100)
		sh = UNITS * 100;
	int iscore = (int)((sh + UNITS / 2) / UNITS);
	int passed = iscore >= rs->pass_mark;
	if (!passed && !o->partial)
		gate = 1;
	if (o->partial) {
		/* The fields the chunk saw: --merge adds them up. */
		cJSON_AddTrueToObject(s, "partial");
		cJSON *seen = cJSON_AddArrayToObject(s, "fields_seen");
		for (size_t i = 0; i < rs->nslots; i++)
			if (rs->slots[i].seen)
				cJSON_AddItemToArray(seen, cJSON_CreateString(
					rs->slots[i].name));
	}

	/* "passed" is the gate's answer (the run's exit status says the
	 * same); "score_passed" the score's alone. */
	cJSON_AddNumberToObject(s, "score", iscore);
	cJSON_AddBoolToObject(s, "score_passed", passed);
	cJSON_AddNumberToObject(s, "pass_mark", rs->pass_mark);
	cJSON_AddItemToObject(s, "warnings", warn);
	cJSON *d = cJSON_AddObjectToObject(s, "deductions");
	cJSON *mt = cJSON_AddObjectToObject(s, "metrics");
	for (int c = 0; c < DQ_NCAT; c++) {
		char det[200];
		cJSON_AddNumberToObject(d, rs->cat_names[c], ded[c]);
		cJSON *m = cJSON_AddObjectToObject(mt, metric_names[c]);
		int ok = !failed[c] && !(c == DQ_CAT_FORMAT && o->n_rejected);
		cJSON_AddBoolToObject(m, "passed", ok);
		if (c == DQ_CAT_COMPLETENESS && empty)
			snprintf(det, sizeof(det), "no records");
		else if (c == DQ_CAT_FORMAT && parse_failed)
			snprintf(det, sizeof(det),
				 "no input record could be parsed (%llu "
				 "rejected)",
				 (unsigned long long)o->n_rejected);
		else if (c == DQ_CAT_FORMAT && o->n_rejected)
			snprintf(det, sizeof(det),
				 "%llu of %llu records could not be parsed; "
				 "%d of %d checks failed",
				 (unsigned long long)o->n_rejected,
				 (unsigned long long)o->n_in, failed[c],
				 checks[c]);
		else
			snprintf(det, sizeof(det), "%d of %d checks failed",
				 failed[c], checks[c]);
		cJSON_AddStringToObject(m, "details", det);
		cJSON_AddNumberToObject(m, "checks", checks[c]);
		cJSON_AddNumberToObject(m, "failed", failed[c]);
		cJSON_AddNumberToObject(m, "weight", rs->weights[c]);
		if (c == DQ_CAT_FORMAT) {
			cJSON_AddNumberToObject(m, "parsed", (double)o->valid);
			cJSON_AddNumberToObject(m, "rejected",
						(double)o->n_rejected);
		}
	}
	/* The contract's own categories: in deductions beside the five,
	 * and their figures under "categories" (metrics keeps the
	 * monitoring document's five). */
	if (rs->ncat > DQ_NCAT) {
		cJSON *cs = cJSON_AddObjectToObject(s, "categories");
		for (int c = DQ_NCAT; c < rs->ncat; c++) {
			cJSON_AddNumberToObject(d, rs->cat_names[c], ded[c]);
			cJSON *m = cJSON_AddObjectToObject(cs, rs->cat_names[c]);
			cJSON_AddBoolToObject(m, "passed", !failed[c]);
			cJSON_AddNumberToObject(m, "checks", checks[c]);
			cJSON_AddNumberToObject(m, "failed", failed[c]);
			cJSON_AddNumberToObject(m, "weight", rs->weights[c]);
		}
	}
	cJSON *v = cJSON_AddObjectToObject(s, "violations");
	for (int k = DQ_SEV_ERROR; k >= DQ_SEV_INFO; k--)
		cJSON_AddNumberToObject(v, dq_sev_names[k], (double)ck->n_viol[k]);
	cJSON_AddNumberToObject(v, "records", (double)ck->n_records_viol);
	cJSON_AddStringToObject(s, "mode", o->warn_mode ? "warn" : "enforce");
	cJSON_AddStringToObject(s, "fail_on", dq_sev_names[o->fail_on]);
	return gate;
}

