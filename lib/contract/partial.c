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

	c->in += (uint64_t)num_at(doc, "counts", "in");
	c->out += (uint64_t)num_at(doc, "counts", "out");
	c->quarantined += (uint64_t)num_at(doc, "counts", "quarantined");
	c->rejected += (uint64_t)num_at(doc, "counts", "rejected");
	c->blank += (uint64_t)num_at(doc, "counts", "blank");
	c->bytes += (uint64_t)num_at(doc, "counts", "bytes");
	const cJSON *fp = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(doc, "metrics"),
		"formatParsing");
	c->valid += (uint64_t)num_at(fp, "parsed", NULL);
	for (int k = DQ_SEV_INFO; k <= DQ_SEV_ERROR; k++)
		ck->n_viol[k] += (uint64_t)num_at(doc, "violations", dq_sev_names[k]);
	ck->n_records_viol += (uint64_t)num_at(doc, "violations", "records");

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
		r->checked += (uint64_t)num_at(o, "checked", NULL);
		r->failures += (uint64_t)num_at(o, "failures", NULL);
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
		    r->kind == DQ_RULE_GROUP_RUN)
			return dq_error("rule '%s' (%s) needs the whole "
					"stream: it cannot run in chunks "
					"(--%s); validate the stream in one "
					"run, or partition it by the key",
					r->code, dq_rule_kind_names[r->kind],
					merge ? "merge" : "partial");
	}
	return 0;
}

