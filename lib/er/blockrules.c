/*
 * blockrules.c - dq-block's rules, keys, pair text and figures (see
 * blockrules.h).
 *
 * Two keys that differ but share a 64-bit hash would be blocked
 * together: with a million distinct keys the chance of any such
 * collision is about 3e-8, and a spurious pair only costs dq-score a
 * comparison.
 */
#include "er/blockrules.h"

#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "contract/pii.h"
#include "er/blocks.h"

void
dq_blockrules_init(struct dq_blockrules *rs, long long max_block)
{
	memset(rs, 0, sizeof(*rs));
	rs->max_block = max_block;
	dq_blockkey_set_init(&rs->parts);
}

void
dq_blockrules_release(struct dq_blockrules *rs)
{
	for (size_t r = 0; r < rs->n; r++) {
		free(rs->r[r].name);
		free(rs->r[r].spec);
		dq_blockkey_release(&rs->r[r].key);
	}
	for (size_t i = 0; i < rs->ntop; i++)
		free(rs->top[i].key);
	for (size_t i = 0; i < rs->nskips; i++)
		free(rs->skips[i].key);
	free(rs->skips);
	dq_blockkey_set_release(&rs->parts);
	memset(rs, 0, sizeof(*rs));
}

int
dq_blockrules_add(struct dq_blockrules *rs, const char *name,
		  const char *spec, long long max_block, const char *where)
{
	struct dq_blockrule *r;
	struct dq_buf err = DQ_BUF_INIT;

	if (rs->n == DQ_BLOCKRULES_MAX)
		return dq_error("%s: more than %d blocking rules", where,
				DQ_BLOCKRULES_MAX);
	for (size_t i = 0; i < rs->n; i++)
		if (!strcmp(rs->r[i].name, name))
			return dq_error("%s: rule '%s' named twice", where,
					name);
	r = &rs->r[rs->n];
	memset(r, 0, sizeof(*r));
	if (dq_blockkey_parse(&r->key, spec, &err)) {
		dq_error("%s: rule '%s': %s", where, name, err.buf);
		dq_buf_release(&err);
		return -1;
	}
	for (size_t p = 0; p < r->key.nparts; p++) {
		if (!dq_blockkey_fn_tokens(r->key.parts[p].fn))
			continue;
		if (r->key.nparts > 1) {
			dq_error("%s: rule '%s': token function '%s' must be "
				 "the key's only part", where, name,
				 dq_blockkey_fn_name(r->key.parts[p].fn));
			dq_blockkey_release(&r->key);
			return -1;
		}
		r->tokens = 1;
	}
	r->name = dq_xstrdup(name);
	r->spec = dq_xstrdup(spec);
	r->max_block = max_block;
	r->want_weight = -1;
	rs->n++;
	return 0;
}

/* A contract's max_block (path names it in the message): 0 with *out
 * set, or -1 after a message. */
static int
contract_max(const cJSON *m, const char *path, const char *name,
	     long long *out)
{
	if (!cJSON_IsNumber(m) || m->valuedouble < 2 ||
	    m->valuedouble != (double)(long long)m->valuedouble)
		return dq_error("contract: blocking.%s%s%smax_block must be "
				"an integer >= 2", path, name, *path ? "." : "");
	*out = (long long)m->valuedouble;
	return 0;
}

/* A contract rule's min_weight into r->want_weight: 0, or -1 after a
 * message.  It bounds pruning, so a rule without tokens cannot take it. */
static int
contract_weight(const cJSON *w, struct dq_blockrule *r)
{
	if (!cJSON_IsNumber(w) || !(w->valuedouble >= 0) ||
	    w->valuedouble > 1e9)
		return dq_error("contract: blocking.rules.%s.min_weight must "
				"be a number from 0 to 1000000000", r->name);
	if (!r->tokens)
		return dq_error("contract: blocking.rules.%s.min_weight: the "
				"key '%s' is not a token key (words, qgrams, "
				"codes, surnames)", r->name, r->spec);
	r->want_weight = w->valuedouble;
	return 0;
}

/* The --rule values: "NAME=KEY" when a name comes before a ':'. */
static int
load_cli(struct dq_blockrules *rs, char *const *cli, size_t ncli)
{
	char name[32];

	for (size_t i = 0; i < ncli; i++) {
		const char *eq = strchr(cli[i], '=');
		char *nm;
		int rc;
		if (eq && eq > cli[i] &&
		    !memchr(cli[i], ':', (size_t)(eq - cli[i])))
			nm = dq_xstrndup(cli[i], (size_t)(eq - cli[i]));
		else {
			snprintf(name, sizeof(name), "r%zu", i + 1);
			nm = dq_xstrdup(name);
			eq = NULL;
		}
		rc = dq_blockrules_add(rs, nm, eq ? eq + 1 : cli[i],
				       rs->max_block, "--rule");
		free(nm);
		if (rc)
			return -1;
	}
	return 0;
}

/* A contract rule's key: a string, or a list of strings joined by ','
 * into spec; 0, or -1 (spec left empty). */
static int
contract_key(const cJSON *k, struct dq_buf *spec)
{
	const cJSON *p;

	if (cJSON_IsString(k)) {
		dq_buf_addstr(spec, k->valuestring);
	} else if (cJSON_IsArray(k) && cJSON_GetArraySize(k) > 0) {
		cJSON_ArrayForEach(p, k)
		{
			if (!cJSON_IsString(p))
				break;
			if (spec->len)
				dq_buf_addch(spec, ',');
			dq_buf_addstr(spec, p->valuestring);
		}
		if (p)
			dq_buf_reset(spec);
	}
	return spec->len ? 0 : -1;
}

int
dq_blockrules_load(struct dq_blockrules *rs, const cJSON *blocking,
		   char *const *cli, size_t ncli, int set_max)
{
	const cJSON *rules = NULL, *it;

	if (blocking) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(blocking,
								  "max_block");
		if (m && !set_max && contract_max(m, "", "", &rs->max_block))
			return -1;
		rules = cJSON_GetObjectItemCaseSensitive(blocking, "rules");
	}
	if (ncli)
		return load_cli(rs, cli, ncli);
	cJSON_ArrayForEach(it, rules)
	{
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(it, "key");
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(it,
								  "max_block");
		const cJSON *w;
		struct dq_buf spec = DQ_BUF_INIT;
		long long max = rs->max_block;
		int rc;

		if (contract_key(k, &spec)) {
			dq_buf_release(&spec);
			return dq_error("contract: blocking.rules.%s.key must "
					"be a string or a list of strings",
					it->string);
		}
		if (m && !set_max &&
		    contract_max(m, "rules.", it->string, &max)) {
			dq_buf_release(&spec);
			return -1;
		}
		rc = dq_blockrules_add(rs, it->string, spec.buf, max,
				       "contract");
		dq_buf_release(&spec);
		if (rc)
			return -1;
		w = cJSON_GetObjectItemCaseSensitive(it, "min_weight");
		if (w && contract_weight(w, &rs->r[rs->n - 1]))
			return -1;
	}
	if (!rs->n)
		return dq_error("no blocking rules: give --rule KEY or a "
				"contract with a blocking section");
	return 0;
}

int
dq_blockrules_index(struct dq_blockrules *rs)
{
	for (size_t r = 0; r < rs->n; r++)
		if (dq_blockkey_set_add(&rs->parts, &rs->r[r].key))
			return dq_error("more than %d distinct key parts",
					DQ_BLOCKKEY_MAX_PARTS);
	return 0;
}

uint64_t
dq_blockrules_hash(const char *s, size_t n)
{
	uint64_t h = XXH3_64bits(s, n);
	return h ? h : 1; /* 0 means "no key" */
}

void
dq_blockrules_keyer_init(struct dq_blockrules_keyer *k,
			 const struct dq_blockrules *rs)
{
	memset(k, 0, sizeof(*k));
	dq_blockkey_set_init(&k->parts);
	dq_buf_init(&k->kb, 32);
	/* The same parts as rs->parts, which held them all: this cannot
	 * fail once dq_blockrules_index has not. */
	for (size_t r = 0; r < rs->n; r++)
		(void)dq_blockkey_set_add(&k->parts, &rs->r[r].key);
}

void
dq_blockrules_keyer_fold(struct dq_blockrules *rs,
			 struct dq_blockrules_keyer *k)
{
	for (size_t r = 0; r < rs->n; r++)
		rs->r[r].keyed += k->keyed[r];
	dq_blockkey_set_release(&k->parts);
	dq_buf_release(&k->kb);
	memset(k, 0, sizeof(*k));
}

void
dq_blockrules_keys(const struct dq_blockrules *rs,
		   struct dq_blockrules_keyer *k, const struct dq_record *rec,
		   uint64_t *h, struct dq_buf *text)
{
	dq_blockkey_set_record(&k->parts);
	for (size_t r = 0; r < rs->n; r++) {
		struct dq_buf *kb = text ? &text[r] : &k->kb;
		dq_buf_reset(kb);
		h[r] = dq_blockkey_set_key(&k->parts, r, &rs->r[r].key, rec,
					   kb) ?
			       dq_blockrules_hash(kb->buf, kb->len) :
			       0;
		if (rs->r[r].tokens) {
			if (!h[r])
				dq_buf_reset(kb);
			h[r] = 0;
			continue;
		}
		k->keyed[r] += h[r] != 0;
	}
}

char *
dq_blockrules_display(const char *s, size_t n)
{
	char *d = dq_xstrndup(s, n);
	for (size_t i = 0; i < n; i++)
		if (d[i] == DQ_BLOCKKEY_SEP)
			d[i] = '|';
	return d;
}

/* The display text of a block of rule r: keyf's, or its masked form when
 * one of the key's fields is sensitive (contract/pii.h).  Owned. */
static char *
shown_key(const struct dq_blockrules *rs, size_t r, char *(*keyf)(void *),
	  void *arg)
{
	const struct dq_blockkey *k = &rs->r[r].key;
	enum dq_pii_policy pol = DQ_PII_NONE;
	struct dq_buf b = DQ_BUF_INIT;
	char *key = keyf(arg);

	for (size_t p = 0; dq_pii_any() && p < k->nparts; p++)
		for (size_t i = 0; i < k->parts[p].nnames; i++)
			if (!dq_pii_hides(pol))
				pol = dq_pii_policy(dq_pii_active(),
						    k->parts[p].names[i],
						    k->parts[p].lens[i]);
	if (!dq_pii_hides(pol))
		return key;
	dq_pii_render(dq_pii_active(), pol, key, strlen(key), &b);
	free(key);
	return dq_buf_detach(&b, NULL);
}

void
dq_blockrules_note_block(struct dq_blockrules *rs, size_t r, uint64_t size,
			 int skipped, char *(*keyf)(void *), void *arg)
{
	struct dq_blockbig *top = rs->top;
	size_t k;

	if (rs->ntop == DQ_BLOCKRULES_TOP && top[rs->ntop - 1].size >= size)
		return;
	if (rs->ntop < DQ_BLOCKRULES_TOP)
		rs->ntop++;
	else
		free(top[rs->ntop - 1].key);
	for (k = rs->ntop - 1; k > 0 && top[k - 1].size < size; k--)
		top[k] = top[k - 1];
	top[k].rule = r;
	top[k].size = size;
	top[k].skipped = skipped;
	top[k].key = shown_key(rs, r, keyf, arg);
}

const char *
dq_blockrules_note_skip(struct dq_blockrules *rs, size_t r, uint64_t size,
			char *(*keyf)(void *), void *arg)
{
	struct dq_blockbig *s;

	rs->r[r].skipped++;
	rs->r[r].skipped_records += size;
	if (rs->nskips_all++ >= DQ_BLOCKRULES_KEEP)
		return NULL;
	rs->skips = dq_xrealloc(rs->skips,
				(rs->nskips + 1) * sizeof(*rs->skips));
	s = &rs->skips[rs->nskips++];
	s->rule = r;
	s->size = size;
	s->key = shown_key(rs, r, keyf, arg);
	s->skipped = 1;
	return rs->nskips <= DQ_BLOCKRULES_SHOW ? s->key : NULL;
}

void
dq_blockrules_write_pair(const struct dq_blockrules *rs, struct dq_buf *out,
			 const char *a, size_t alen, const char *b,
			 size_t blen, size_t r, const uint64_t *ka,
			 const uint64_t *kb, uint64_t also,
			 const unsigned src[2], int slim)
{
	dq_buf_add(out, "{\"a\":", 5);
	dq_buf_add(out, a, alen);
	dq_buf_add(out, ",\"b\":", 5);
	dq_buf_add(out, b, blen);
	dq_buf_add(out, ",\"_dq\":{\"rules\":[", 17);
	dq_buf_add_json_string(out, rs->r[r].name, strlen(rs->r[r].name));
	for (size_t q = r + 1; q < rs->n; q++)
		if ((ka[q] && ka[q] == kb[q]) || (also >> q & 1)) {
			dq_buf_addch(out, ',');
			dq_buf_add_json_string(out, rs->r[q].name,
					       strlen(rs->r[q].name));
		}
	dq_buf_addch(out, ']');
	if (src) {
		dq_buf_add(out, ",\"sources\":[", 12);
		dq_buf_add_int(out, src[0]);
		dq_buf_addch(out, ',');
		dq_buf_add_int(out, src[1]);
		dq_buf_addch(out, ']');
	}
	if (slim)
		dq_buf_add(out, ",\"slim\":true", 12);
	dq_buf_add(out, "}}", 2);
}

int
dq_blockrules_any_tokens(const struct dq_blockrules *rs)
{
	for (size_t r = 0; r < rs->n; r++)
		if (rs->r[r].tokens)
			return 1;
	return 0;
}

uint64_t
dq_blockrules_pairs(const struct dq_blockrules *rs)
{
	uint64_t pairs = 0;
	for (size_t r = 0; r < rs->n; r++)
		pairs += rs->r[r].pairs;
	return pairs;
}

/* The pairs a run without blocking would compare. */
static double
possible_pairs(uint64_t records, const uint64_t *nsrc, size_t nsources,
	       int mode)
{
	double a = nsources > 0 ? (double)nsrc[0] : 0;
	double b = nsources > 1 ? (double)nsrc[1] : 0;
	if (mode == DQ_BLOCKS_LINK) {
		/* Across two sources: sum |Si| |Sj| over i < j. */
		double sum = 0, across = 0;
		for (size_t i = 0; i < nsources; i++) {
			across += sum * (double)nsrc[i];
			sum += (double)nsrc[i];
		}
		return across;
	}
	if (mode == DQ_BLOCKS_INCREMENTAL)
		return a * b + b * (b - 1) / 2;
	return (double)records * ((double)records - 1) / 2;
}

static cJSON *
add_big(cJSON *arr, const struct dq_blockrules *rs,
	const struct dq_blockbig *g)
{
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "rule", rs->r[g->rule].name);
	cJSON_AddStringToObject(e, "key", g->key);
	cJSON_AddNumberToObject(e, "size", (double)g->size);
	cJSON_AddItemToArray(arr, e);
	return e;
}

cJSON *
dq_blockrules_figures(const struct dq_blockrules *rs, uint64_t records,
		      const uint64_t *nsrc, size_t nsources, int mode,
		      int from_keys)
{
	cJSON *x = cJSON_CreateObject(), *rules, *o, *arr;
	uint64_t pairs = dq_blockrules_pairs(rs);
	double possible = possible_pairs(records, nsrc, nsources, mode);

	o = cJSON_AddObjectToObject(x, "blocking");
	cJSON_AddNumberToObject(o, "records", (double)records);
	cJSON_AddNumberToObject(o, "max_block", (double)rs->max_block);
	cJSON_AddNumberToObject(o, "pairs", (double)pairs);
	if (from_keys) {
		cJSON_AddNullToObject(o, "possible_pairs");
		cJSON_AddNullToObject(o, "reduction_ratio");
	} else {
		cJSON_AddNumberToObject(o, "possible_pairs", possible);
		cJSON_AddNumberToObject(o, "reduction_ratio",
					possible > 0 ? 1 - pairs / possible :
						       0);
	}
	rules = cJSON_AddArrayToObject(o, "rules");
	for (size_t r = 0; r < rs->n; r++) {
		const struct dq_blockrule *u = &rs->r[r];
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "name", u->name);
		cJSON_AddStringToObject(e, "key", u->spec);
		cJSON_AddNumberToObject(e, "max_block", (double)u->max_block);
		if (!from_keys)
			cJSON_AddNumberToObject(e, "keyed", (double)u->keyed);
		cJSON_AddNumberToObject(e, "blocks", (double)u->blocks);
		cJSON_AddNumberToObject(e, "pairs", (double)u->pairs);
		cJSON_AddNumberToObject(e, "found", (double)u->found);
		cJSON_AddNumberToObject(e, "skipped_blocks",
					(double)u->skipped);
		cJSON_AddNumberToObject(e, "skipped_records",
					(double)u->skipped_records);
		if (u->tokens) {
			cJSON_AddNumberToObject(e, "tokens",
						(double)u->ntokens);
			cJSON_AddNumberToObject(e, "pruned",
						(double)u->pruned);
			cJSON_AddNumberToObject(e, "min_weight",
						u->min_weight);
		}
		cJSON_AddItemToArray(rules, e);
	}
	arr = cJSON_AddArrayToObject(o, "largest_blocks");
	for (size_t i = 0; i < rs->ntop; i++)
		cJSON_AddBoolToObject(add_big(arr, rs, &rs->top[i]), "skipped",
				      rs->top[i].skipped);
	arr = cJSON_AddArrayToObject(o, "skipped_blocks");
	for (size_t i = 0; i < rs->nskips; i++)
		add_big(arr, rs, &rs->skips[i]);
	return x;
}

void
dq_blockrules_print_stats(const struct dq_blockrules *rs, FILE *f,
			  uint64_t records, const uint64_t *nsrc,
			  size_t nsources, int mode, int from_keys)
{
	uint64_t pairs = dq_blockrules_pairs(rs);
	double possible = possible_pairs(records, nsrc, nsources, mode);

	for (size_t r = 0; r < rs->n; r++) {
		fprintf(f, "%s: rule %s: %llu pairs (%llu found), %llu blocks, "
			"%llu skipped", dq_progname, rs->r[r].name,
			(unsigned long long)rs->r[r].pairs,
			(unsigned long long)rs->r[r].found,
			(unsigned long long)rs->r[r].blocks,
			(unsigned long long)rs->r[r].skipped);
		if (rs->r[r].tokens)
			fprintf(f, "; %llu tokens, %llu pairs pruned under "
				"weight %.3f", (unsigned long long)
				rs->r[r].ntokens,
				(unsigned long long)rs->r[r].pruned,
				rs->r[r].min_weight);
		fputc('\n', f);
	}
	fprintf(f, "%s: %llu pairs", dq_progname, (unsigned long long)pairs);
	if (!from_keys)
		fprintf(f, " of %.0f possible, reduction ratio %.6f", possible,
			possible > 0 ? 1 - pairs / possible : 0);
	fputc('\n', f);
	for (size_t i = 0; i < rs->ntop && i < 5; i++)
		fprintf(f, "%s: block %s '%s': %llu records%s\n", dq_progname,
			rs->r[rs->top[i].rule].name, rs->top[i].key,
			(unsigned long long)rs->top[i].size,
			rs->top[i].skipped ? " (skipped)" : "");
}
