/*
 * partial.c - chunk summaries and their merge (see partial.h).
 *
 * Counts add; examples are taken from the chunks in order until each rule
 * has its --examples, which are then the stream's first examples, since
 * the chunks come in stream order.  A summary is refused unless it is a
 * dq-validate --partial summary of the same contract (checksum) with the
 * same checks in the same order (codes compared), so chunks run with
 * other flags cannot be added up silently.
 */
#include "contract/partial.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "contract/contract.h"


static double
num_at(const cJSON *o, const char *k1, const char *k2)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k1);
	if (k2)
		v = cJSON_GetObjectItemCaseSensitive(v, k2);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* The whole number at o.k1(.k2) into *v: 0, or -1 when it is missing,
 * negative, fractional or too big to be a count. */
static int
count_at(const cJSON *o, const char *k1, const char *k2, uint64_t *v)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, k1);
	if (k2)
		x = cJSON_GetObjectItemCaseSensitive(x, k2);
	return cJSON_IsNumber(x) && x->valuedouble <= 9007199254740992.0
		       ? dq_double_to_u64(x->valuedouble, v)
		       : -1;
}

/* Add one chunk's partial summary (doc, read from path) to the rules'
 * tallies and the run's counts; -1 with a message when it is not one of
 * this contract's partial summaries. */
static int
merge_one(struct dq_rules *rs, struct dq_check *ck, const char *checksum,
	  const char *path, const cJSON *doc, struct dq_partial_counts *c)
{
	const cJSON *tool = cJSON_GetObjectItemCaseSensitive(doc, "tool");
	const cJSON *cv =
		cJSON_GetObjectItemCaseSensitive(doc, "contract_version");
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(doc, "rules");

	if (!cJSON_IsString(tool) || strcmp(tool->valuestring, "dq-validate") ||
	    !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "partial")) ||
	    !cJSON_IsArray(rules))
		return dq_error("%s: not a dq-validate --partial summary",
				path);
	if (!cJSON_IsString(cv) ||
	    strcmp(cv->valuestring, checksum))
		return dq_error("%s: made with another contract (version %s, "
				"this one %s)",
				path,
				cJSON_IsString(cv) ? cv->valuestring : "none",
				checksum);
	if ((size_t)cJSON_GetArraySize(rules) != rs->nrules)
		return dq_error("%s: %d checks, the contract and flags make "
				"%zu: were the chunks run with other flags?",
				path, cJSON_GetArraySize(rules), rs->nrules);

	/* A chunk's counts add up, as every run's do, and its figures are
	 * whole numbers: anything else was edited or damaged. */
	uint64_t in, out, quar, rej, blank, bytes, recs;
	if (count_at(doc, "counts", "in", &in) ||
	    count_at(doc, "counts", "out", &out) ||
	    count_at(doc, "counts", "quarantined", &quar) ||
	    count_at(doc, "counts", "rejected", &rej) ||
	    count_at(doc, "counts", "blank", &blank) ||
	    count_at(doc, "counts", "bytes", &bytes) ||
	    count_at(doc, "violations", "records", &recs))
		return dq_error("%s: a count that is not a whole number",
				path);
	if (in != out + quar + rej || recs > in)
		return dq_error("%s: its counts do not add up (in %llu, out "
				"%llu, quarantined %llu, rejected %llu)",
				path, (unsigned long long)in,
				(unsigned long long)out,
				(unsigned long long)quar,
				(unsigned long long)rej);
	/* Chunks of one stream cover lines in order, once each. */
	const cJSON *lines = cJSON_GetObjectItemCaseSensitive(doc, "lines");
	if (lines) {
		uint64_t first, last;
		if (count_at(lines, "first", NULL, &first) ||
		    count_at(lines, "last", NULL, &last) || last + 1 < first)
			return dq_error("%s: a bad \"lines\" member", path);
		if (c->have_lines && first <= c->last_line)
			return dq_error("%s: lines %llu to %llu come again or "
					"out of order (the chunks before "
					"reached line %llu): the same chunk "
					"twice, or chunks not in stream order",
					path, (unsigned long long)first,
					(unsigned long long)last,
					(unsigned long long)c->last_line);
		if (last >= first) {
			c->have_lines = 1;
			c->last_line = last;
		}
	}
	c->in += in;
	c->out += out;
	c->quarantined += quar;
	c->rejected += rej;
	c->blank += blank;
	c->bytes += bytes;
	const cJSON *fp = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(doc, "metrics"),
		"formatParsing");
	c->valid += (uint64_t)num_at(fp, "parsed", NULL);
	for (int k = DQ_SEV_INFO; k <= DQ_SEV_ERROR; k++)
		ck->n_viol[k] += (uint64_t)num_at(doc, "violations", dq_sev_names[k]);
	ck->n_records_viol += (uint64_t)num_at(doc, "violations", "records");

	/* A field seen by any chunk was seen by the stream. */
	const cJSON *seen;
	cJSON_ArrayForEach(seen, cJSON_GetObjectItemCaseSensitive(doc,
								  "fields_seen"))
	{
		for (size_t i = 0; i < rs->nslots && cJSON_IsString(seen); i++)
			if (!strcmp(rs->slots[i].name, seen->valuestring))
				rs->slots[i].seen = 1;
	}

	size_t ri = 0;
	const cJSON *o;
	cJSON_ArrayForEach(o, rules)
	{
		struct dq_rule *r = &rs->rules[ri++];
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(o, "code");
		const cJSON *ex;
		if (!cJSON_IsString(code) || strcmp(code->valuestring, r->code))
			return dq_error("%s: check %zu is '%s', the contract's "
					"is '%s'",
					path, ri,
					cJSON_IsString(code) ? code->valuestring
							     : "?",
					r->code);
		uint64_t checked, failures;
		if (count_at(o, "checked", NULL, &checked) ||
		    count_at(o, "failures", NULL, &failures) ||
		    failures > checked || checked > in)
			return dq_error("%s: check '%s': %s", path, r->code,
					"its checked and failures counts "
					"do not fit the chunk's records");
		r->checked += checked;
		r->failures += failures;
		/* Chunks come in stream order, so the first examples of
		 * the chunks, in order, are the stream's first examples. */
		cJSON_ArrayForEach(
			ex, cJSON_GetObjectItemCaseSensitive(o, "examples"))
		{
			const cJSON *id =
				cJSON_GetObjectItemCaseSensitive(ex, "id_raw");
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(
				ex, "value_raw");
			if (r->nex >= (size_t)ck->examples)
				break;
			if (!cJSON_IsString(id))
				return dq_error("%s: check '%s': an example "
						"without id_raw",
						path, r->code);
			if (!r->ex)
				r->ex = dq_xcalloc((size_t)ck->examples,
						   sizeof(*r->ex));
			struct dq_example *e = &r->ex[r->nex++];
			e->line = (long)num_at(ex, "line", NULL);
			e->id = dq_xstrdup(id->valuestring);
			e->value = cJSON_IsString(v)
					   ? dq_xstrdup(v->valuestring)
					   : NULL;
		}
	}
	return 0;
}

int
dq_partial_merge(struct dq_rules *rs, struct dq_check *ck,
		 const char *checksum, char *const *files, size_t nfiles,
		 struct dq_partial_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < nfiles; i++) {
		const char *path = files[i];
		size_t len;
		const char *end;
		char *s = dq_read_file(path, &len);
		if (!s)
			return -1;
		cJSON *doc = cJSON_ParseWithOpts(s, &end, 1);
		int rc = doc ? merge_one(rs, ck, checksum, path, doc, c)
			     : dq_error("%s: not a dq-validate --partial "
					"summary (not JSON)",
					path);
		cJSON_Delete(doc);
		free(s);
		if (rc)
			return -1;
	}
	return 0;
}

int
dq_partial_chunkable(const struct dq_rules *rs, int merge)
{
	for (size_t ri = 0; ri < rs->nrules; ri++) {
		const struct dq_rule *r = &rs->rules[ri];
		if (r->kind == DQ_RULE_UNIQUE || r->kind == DQ_RULE_DUP_RATE ||
		    r->kind == DQ_RULE_GROUP_RATE || r->kind == DQ_RULE_GROUP_COUNT ||
		    r->kind == DQ_RULE_GROUP_RUN ||
		    (r->kind >= DQ_RULE_COLUMNS &&
		     r->kind <= DQ_RULE_AGGREGATE))
			return dq_error("rule '%s' (%s) needs the whole "
					"stream: it cannot run in chunks "
					"(--%s); validate the stream in one "
					"run, or partition it by the key",
					r->code, dq_rule_kind_names[r->kind],
					merge ? "merge" : "partial");
	}
	return 0;
}

