/*
 * dq-block - candidate pairs of records that may describe the same entity.
 *
 * The story: read the blocking rules (the contract's "blocking" section
 * or --rule), read every record, compute for each rule the record's key
 * and keep its 64-bit hash (XXH3), then pair the records inside each
 * block.  Each unordered pair is written once, however many rules found
 * it, with every rule that did:
 *
 *   {"a":{record},"b":{record},"_dq":{"rules":["name_dob","email"]}}
 *
 * Blocks come from sorting (hash, record number) entries (a counting pass
 * on the top 16 bits, then insertion sort per bucket; lib/er/blocks.c),
 * one rule at a time.
 * Phase 1 finds the blocks larger than the guard (--max-block), reports
 * them and clears those records' keys for that rule, and lists the
 * members of the other blocks of two or more.  Phase 2 pairs inside each
 * listed block;
 * a pair found by rule r is left out when an earlier rule's (surviving)
 * key agrees for both records, because that rule already wrote it, and
 * its rule list is r plus every later rule whose key agrees.  So no set
 * of pairs is ever held: de-duplication is a look at R hashes per pair.
 * Output order is deterministic: rule, then block (by key hash), then the
 * two records' input order.  "a" is always the record read first, so in
 * link mode "a" comes from the first file, and in incremental mode from
 * --existing when the pair crosses.
 *
 * --slim embeds only the id, the fields the contract's compare section
 * compares and the _dq of a record without an id (the pair marked
 * "slim":true): half the bytes, which is most of the cost downstream;
 * dq-merge --records brings the whole records back.
 *
 * Memory per record: its text (or projection), 13 bytes of bookkeeping,
 * 8 bytes per rule (key hash), 4 bytes per rule in whose kept blocks it
 * sits and, during a sort, 32 bytes; the text buffer grows by doubling.
 * Measured on 1M dq-gen records with 14 rules: 571 bytes a record at the
 * peak, 354 with --slim.  Two keys that differ but share a 64-bit hash would be
 * blocked together: with a million distinct keys the chance of any such
 * collision is about 3e-8, and a spurious pair only costs dq-score a
 * comparison.
 *
 * --emit-keys streams instead: one tab-separated line per (rule, key,
 * record) that sorts (LC_ALL=C sort) into blocks, and --from-keys pairs
 * them, reading its input twice (the guard decisions first), giving the
 * same pairs in the same order as one pass.  See docs/blocking.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "base/u64map.h"
#include "er/blockkey.h"
#include "er/blocks.h"
#include "er/fsmodel.h"
#include "er/keyline.h"
#include "stream/meta.h"
#include "cli/opt.h"
#include "cli/run.h"

static const char synopsis[] =
	"usage: dq-block [-c CONTRACT]... [--rule [NAME=]KEY]... [OPTIONS] "
	"[FILE...]\n"
	"       dq-block --link [OPTIONS] FILE_A FILE_B\n"
	"       dq-block --existing OLD [OPTIONS] [NEW...]\n"
	"       dq-block --emit-keys [OPTIONS] [FILE...] | LC_ALL=C sort |\n"
	"         dq-block --from-keys [OPTIONS]\n"
	"\n"
	"Write the candidate pairs of records that share a blocking key:\n"
	"{\"a\":{record},\"b\":{record},\"_dq\":{\"rules\":[...]}}, each\n"
	"unordered pair once with every rule that found it.  Rules come from\n"
	"the contract's \"blocking\" section or from --rule.  A key with a\n"
	"missing or empty part never blocks; a block larger than --max-block\n"
	"is skipped and reported.  See dq-block(1) and docs/blocking.md.\n";

static const char help[] =
	"\n"
	"Blocking options:\n"
	"  -r, --rule [NAME=]KEY  a rule (repeatable; replaces the contract's\n"
	"                        rules): parts FIELD:FUNCTION joined by ','\n"
	"                        e.g. 'last_name:soundex,dob:year'.  Functions:\n"
	"                        exact lower soundex nysiis metaphone\n"
	"                        metaphone_alt first(N) initials year month day\n"
	"                        email_local email_domain digits last_digits(N)\n"
	"                        sorted_tokens.  A+B:FUNCTION applies it to\n"
	"                        fields A and B and sorts the results.  NAME\n"
	"                        defaults to r1, r2, ...\n"
	"  -m, --max-block N     skip blocks of more than N records (default\n"
	"                        blocking.max_block, else 1000)\n"
	"      --link            two files: pairs only across them\n"
	"      --existing FILE   records already matched: pairs only with at\n"
	"                        least one new record (the operands)\n"
	"      --emit-keys       write key lines for sort instead of pairs\n"
	"      --from-keys       pair sorted key lines (input read twice)\n"
	"      --slim            embed only the id and the fields the\n"
	"                        contract's compare section compares (and\n"
	"                        _dq of a record without an id); the pairs\n"
	"                        are marked \"slim\":true, and dq-merge\n"
	"                        --records supplies the whole records\n"
	"      --stats           print pairs per rule, reduction ratio and the\n"
	"                        largest blocks on stderr (always in --summary)\n";

enum {
	O_EMIT = DQ_OPT_TOOL,
	O_EXISTING,
	O_FROM,
	O_LINK,
	O_SLIM,
	O_STATS
};

static const struct option longopts[] = {
	{ "emit-keys", no_argument, NULL, O_EMIT },
	{ "existing", required_argument, NULL, O_EXISTING },
	{ "from-keys", no_argument, NULL, O_FROM },
	{ "link", no_argument, NULL, O_LINK },
	{ "max-block", required_argument, NULL, 'm' },
	{ "rule", required_argument, NULL, 'r' },
	{ "slim", no_argument, NULL, O_SLIM },
	{ "stats", no_argument, NULL, O_STATS },
	{ NULL, 0, NULL, 0 }
};

#define MAX_RULES DQ_KEYLINE_MAX_RULES
#define TOP_BLOCKS 10
#define SHOW_SKIPPED 10
#define KEEP_SKIPPED 100

/* Sources of records: which side of a link, old or new. */
enum { SRC_DEDUPE = 'd', SRC_A = 'a', SRC_B = 'b', SRC_OLD = 'e',
       SRC_NEW = 'n' };

struct rule {
	char *name;
	char *spec;
	struct dq_blockkey key;
	long long max_block;
	/* Figures. */
	uint64_t keyed;    /* records with a key */
	uint64_t blocks;   /* blocks of two or more records */
	uint64_t skipped, skipped_records;
	uint64_t found;    /* eligible pairs in its kept blocks */
	uint64_t pairs;    /* pairs it wrote first */
};

struct big {
	size_t rule;
	uint64_t size;
	char *key; /* display text (owned) */
	int skipped;
};

static struct {
	struct rule r[MAX_RULES];
	size_t nr;
	char **cli;   /* --rule values */
	size_t ncli;
	long long max_block;
	int set_max;
	int link, emit, from, slim, stats;
	const char *existing;
} O = { .max_block = 1000 };

/* --slim: the fields of the contract's compare section (the id field is
 * always carried). */
static struct dq_fs_model cmp;

/* The records, in input order. */
static struct {
	struct dq_buf text;  /* every record's JSON, one after another */
	uint64_t *off;
	uint32_t *len;
	unsigned char *src;
	uint64_t *key;       /* key[i * nrules + r]; 0 = no key */
	size_t n, cap;
	uint64_t nsrc[2];    /* records of the first / second side */
} R;

/* The distinct key parts of all rules, each computed once per record. */
static struct dq_blockkey_set PC;

static struct big top[TOP_BLOCKS], *skips;
static size_t ntop, nskips, nskips_all;

static int
option(void *ctx, int code, const char *arg)
{
	switch (code) {
	case 'm':
		O.set_max = 1;
		return dq_opt_int("max-block", arg, 2, 1LL << 31,
				  &O.max_block);
	case 'r':
		O.cli = dq_xrealloc(O.cli, (O.ncli + 1) * sizeof(*O.cli));
		O.cli[O.ncli++] = (char *)arg;
		return 0;
	case O_EMIT:
		O.emit = 1;
		return 0;
	case O_EXISTING:
		O.existing = arg;
		return 0;
	case O_FROM:
		O.from = 1;
		return 0;
	case O_LINK:
		O.link = 1;
		return 0;
	case O_SLIM:
		O.slim = 1;
		return 0;
	case O_STATS:
		O.stats = 1;
		return 0;
	}
	return -1;
}

static int
add_rule(const char *name, const char *spec, long long max_block,
	 const char *where)
{
	struct rule *r;
	struct dq_buf err = DQ_BUF_INIT;

	if (O.nr == MAX_RULES) {
		fprintf(stderr, "%s: %s: more than %d blocking rules\n",
			dq_progname, where, MAX_RULES);
		return -1;
	}
	for (size_t i = 0; i < O.nr; i++)
		if (!strcmp(O.r[i].name, name)) {
			fprintf(stderr, "%s: %s: rule '%s' named twice\n",
				dq_progname, where, name);
			return -1;
		}
	r = &O.r[O.nr];
	if (dq_blockkey_parse(&r->key, spec, &err)) {
		fprintf(stderr, "%s: %s: rule '%s': %s\n", dq_progname, where,
			name, err.buf);
		dq_buf_release(&err);
		return -1;
	}
	r->name = dq_xstrdup(name);
	r->spec = dq_xstrdup(spec);
	r->max_block = max_block;
	O.nr++;
	return 0;
}

/* The rules from --rule, else from the contract. */
static int
load_rules(const struct dq_contract *c)
{
	cJSON *sec = dq_contract_get(c, "blocking"), *rules = NULL, *it;
	char name[32];

	if (sec) {
		cJSON *m = cJSON_GetObjectItemCaseSensitive(sec, "max_block");
		if (m && !O.set_max) {
			if (!cJSON_IsNumber(m) || m->valuedouble < 2 ||
			    m->valuedouble != (double)(long long)m->valuedouble) {
				fprintf(stderr, "%s: contract: blocking."
					"max_block must be an integer >= 2\n",
					dq_progname);
				return -1;
			}
			O.max_block = (long long)m->valuedouble;
		}
		rules = cJSON_GetObjectItemCaseSensitive(sec, "rules");
	}
	if (O.ncli) {
		for (size_t i = 0; i < O.ncli; i++) {
			const char *eq = strchr(O.cli[i], '=');
			char *nm;
			int rc;
			if (eq && eq > O.cli[i] && !memchr(O.cli[i], ':',
					(size_t)(eq - O.cli[i])))
				nm = dq_xstrndup(O.cli[i],
						 (size_t)(eq - O.cli[i]));
			else {
				snprintf(name, sizeof(name), "r%zu", i + 1);
				nm = dq_xstrdup(name);
				eq = NULL;
			}
			rc = add_rule(nm, eq ? eq + 1 : O.cli[i], O.max_block,
				      "--rule");
			free(nm);
			if (rc)
				return -1;
		}
		return 0;
	}
	cJSON_ArrayForEach(it, rules)
	{
		cJSON *k = cJSON_GetObjectItemCaseSensitive(it, "key");
		cJSON *m = cJSON_GetObjectItemCaseSensitive(it, "max_block");
		struct dq_buf spec = DQ_BUF_INIT;
		long long max = O.max_block;
		int rc;

		if (cJSON_IsString(k)) {
			dq_buf_addstr(&spec, k->valuestring);
		} else if (cJSON_IsArray(k) && cJSON_GetArraySize(k) > 0) {
			cJSON *p;
			cJSON_ArrayForEach(p, k)
			{
				if (!cJSON_IsString(p))
					break;
				if (spec.len)
					dq_buf_addch(&spec, ',');
				dq_buf_addstr(&spec, p->valuestring);
			}
			if (p) {
				dq_buf_reset(&spec);
			}
		}
		if (!spec.len) {
			fprintf(stderr, "%s: contract: blocking.rules.%s.key "
				"must be a string or a list of strings\n",
				dq_progname, it->string);
			return -1;
		}
		if (m && !O.set_max) {
			if (!cJSON_IsNumber(m) || m->valuedouble < 2 ||
			    m->valuedouble != (double)(long long)m->valuedouble) {
				fprintf(stderr, "%s: contract: blocking.rules."
					"%s.max_block must be an integer "
					">= 2\n", dq_progname, it->string);
				dq_buf_release(&spec);
				return -1;
			}
			max = (long long)m->valuedouble;
		}
		rc = add_rule(it->string, spec.buf, max, "contract");
		dq_buf_release(&spec);
		if (rc)
			return -1;
	}
	if (!O.nr) {
		fprintf(stderr, "%s: no blocking rules: give --rule KEY or a "
			"contract with a blocking section\n", dq_progname);
		return -1;
	}
	return 0;
}

/* ---- Keys ---- */

static uint64_t
key_hash(const char *s, size_t n)
{
	uint64_t h = XXH3_64bits(s, n);
	return h ? h : 1; /* 0 means "no key" */
}

/* 1 when the record has an id of its own: its --id field names it
 * (stream/meta.h: a string or a number; null, say, names nothing). */
static int
has_id(const struct dq_run *run, const struct dq_record *rec)
{
	long i = dq_record_find(rec, run->id_field, strlen(run->id_field));
	return i >= 0 && dq_meta_id_value(&rec->m[i], NULL) >= 0;
}

/* 1 when --slim carries member m of a record (has_id: the record has an
 * id). */
static int
carried(const struct dq_run *run, const struct dq_record *rec, size_t i,
	int has_id, size_t idlen)
{
	const struct dq_member *m = &rec->m[i];
	if ((long)i == rec->dq)
		return !has_id;
	if (m->flags & DQ_M_KEY_ESC) {
		if (dq_member_key_is(m, run->id_field, strlen(run->id_field)))
			return 1;
		for (size_t f = 0; f < cmp.n; f++)
			if (dq_member_key_is(m, cmp.f[f].name,
					     cmp.f[f].namelen))
				return 1;
		return 0;
	}
	/* The common case, a key without escapes: bytes compared, the
	 * length first. */
	if (m->keylen == idlen && !memcmp(m->key, run->id_field, idlen))
		return 1;
	for (size_t f = 0; f < cmp.n; f++)
		if (m->keylen == cmp.f[f].namelen &&
		    !memcmp(m->key, cmp.f[f].name, m->keylen))
			return 1;
	return 0;
}

/* The --slim projection of a record: its carried members, byte for
 * byte and in their order. */
static void
slim_text(const struct dq_run *run, const struct dq_record *rec,
	  struct dq_buf *out)
{
	size_t idlen = strlen(run->id_field);
	int named = has_id(run, rec);
	int first = 1;

	dq_buf_addch(out, '{');
	for (size_t i = 0; i < rec->n; i++) {
		if (!carried(run, rec, i, named, idlen))
			continue;
		if (!first)
			dq_buf_addch(out, ',');
		first = 0;
		dq_buf_addch(out, '"');
		dq_buf_add(out, rec->m[i].key, rec->m[i].keylen);
		dq_buf_add(out, "\":", 2);
		dq_buf_add(out, rec->m[i].val, rec->m[i].vallen);
	}
	dq_buf_addch(out, '}');
}

/* The text of a record as it is embedded: as it came, or with _dq.row
 * (and _dq.file) added when it has neither an id nor a row;
 * with --slim, projected (slim_text). */
static void
record_text(struct dq_run *run, struct dq_record *rec, struct dq_buf *out)
{
	struct dq_buf meta = DQ_BUF_INIT;
	struct dq_member row;

	if (has_id(run, rec) || dq_meta_find(rec, "row", 3, &row)) {
		if (O.slim)
			slim_text(run, rec, out);
		else
			dq_buf_add(out, rec->text, rec->len);
		return;
	}
	if (O.slim) {
		/* Rare: the row is added first, then the projection keeps
		 * it (the record has no id, so its _dq is carried). */
		struct dq_record full;
		struct dq_buf t = DQ_BUF_INIT;
		struct dq_json_error err;
		int saved = O.slim;
		O.slim = 0;
		record_text(run, rec, &t);
		O.slim = saved;
		dq_record_init(&full);
		if (dq_json_scan(&full, t.buf, t.len, &err))
			dq_die("internal error: %s", err.reason);
		slim_text(run, &full, out);
		dq_record_release(&full);
		dq_buf_release(&t);
		return;
	}
	dq_meta_add_row(&meta, run->item.line,
			run->in.nfiles > 1 ? run->item.file : NULL);
	dq_record_write(rec, meta.buf, meta.len, out);
	dq_buf_release(&meta);
}

/* Display form of a key: parts joined by '|'. */
static char *
key_display(const char *s, size_t n)
{
	char *d = dq_xstrndup(s, n);
	for (size_t i = 0; i < n; i++)
		if (d[i] == DQ_BLOCKKEY_SEP)
			d[i] = '|';
	return d;
}

static void
index_parts(void)
{
	dq_blockkey_set_init(&PC);
	for (size_t r = 0; r < O.nr; r++)
		if (dq_blockkey_set_add(&PC, &O.r[r].key))
			dq_die("more than %d distinct key parts",
			       DQ_BLOCKKEY_MAX_PARTS);
}

/* The key of rule r for rec into kb; 1, or 0 when missing. */
static int
rule_key(size_t r, const struct dq_record *rec, struct dq_buf *kb)
{
	return dq_blockkey_set_key(&PC, r, &O.r[r].key, rec, kb);
}

/* The key text of rule r for stored record i (for reports). */
static char *
stored_key(size_t r, size_t i)
{
	struct dq_record rec;
	struct dq_json_error e;
	struct dq_buf k = DQ_BUF_INIT;
	char *d;

	dq_record_init(&rec);
	if (dq_json_scan(&rec, R.text.buf + R.off[i], R.len[i], &e) == 0)
		dq_blockkey_make(&O.r[r].key, &rec, &k);
	d = key_display(k.buf, k.len);
	dq_buf_release(&k);
	dq_record_release(&rec);
	return d;
}

/* ---- Pair rules shared by both pairing passes ---- */

static int
eligible(unsigned char a, unsigned char b)
{
	if (a == SRC_DEDUPE)
		return 1;
	if (a == SRC_A || a == SRC_B)
		return a != b;
	return a == SRC_NEW || b == SRC_NEW;
}

/* Note a block among the largest. */
static void
note_block(size_t r, uint64_t size, int skipped, char *(*keyf)(void *),
	   void *arg)
{
	size_t k;

	if (ntop == TOP_BLOCKS && top[ntop - 1].size >= size)
		return;
	if (ntop < TOP_BLOCKS)
		ntop++;
	else
		free(top[ntop - 1].key);
	for (k = ntop - 1; k > 0 && top[k - 1].size < size; k--)
		top[k] = top[k - 1];
	top[k].rule = r;
	top[k].size = size;
	top[k].skipped = skipped;
	top[k].key = keyf(arg);
}

static void
note_skip(struct dq_run *run, size_t r, uint64_t size, char *(*keyf)(void *),
	  void *arg)
{
	char *key;

	O.r[r].skipped++;
	O.r[r].skipped_records += size;
	if (nskips_all++ >= KEEP_SKIPPED)
		return;
	key = keyf(arg);
	skips = dq_xrealloc(skips, (nskips + 1) * sizeof(*skips));
	skips[nskips].rule = r;
	skips[nskips].size = size;
	skips[nskips].key = key;
	skips[nskips].skipped = 1;
	nskips++;
	if (nskips <= SHOW_SKIPPED && !run->quiet)
		dq_log(run, "warn", "block",
		       "rule '%s': block '%s' of %llu records skipped "
		       "(--max-block %lld)", O.r[r].name, key,
		       (unsigned long long)size, O.r[r].max_block);
}

/* Append the pair's JSON ("_dq" with its rule list) to out. */
static void
write_pair(struct dq_buf *out, const char *a, size_t alen, const char *b,
	   size_t blen, size_t r, const uint64_t *ka, const uint64_t *kb)
{
	dq_buf_add(out, "{\"a\":", 5);
	dq_buf_add(out, a, alen);
	dq_buf_add(out, ",\"b\":", 5);
	dq_buf_add(out, b, blen);
	dq_buf_add(out, ",\"_dq\":{\"rules\":[", 17);
	dq_buf_add_json_string(out, O.r[r].name, strlen(O.r[r].name));
	for (size_t q = r + 1; q < O.nr; q++)
		if (ka[q] && ka[q] == kb[q]) {
			dq_buf_addch(out, ',');
			dq_buf_add_json_string(out, O.r[q].name,
					       strlen(O.r[q].name));
		}
	dq_buf_addch(out, ']');
	if (O.slim)
		dq_buf_add(out, ",\"slim\":true", 12);
	dq_buf_add(out, "}}", 2);
}

/* ---- One pass: records in memory (lib/er/blocks.h) ---- */

static char *
stored_key_cb(void *arg)
{
	const size_t *ri = arg;
	return stored_key(ri[0], ri[1]);
}

static void
read_records(struct dq_run *run, size_t first_new)
{
	struct dq_record rec;
	struct dq_buf kb = DQ_BUF_INIT;

	dq_record_init(&rec);
	while (dq_run_next(run, &rec) > 0) {
		size_t fi = run->in.fi ? run->in.fi - 1 : 0;
		if (R.n == R.cap) {
			size_t nc = R.cap ? R.cap * 2 : 4096;
			R.key = dq_xrealloc(R.key, nc * O.nr * sizeof(*R.key));
			R.off = dq_xrealloc(R.off, nc * sizeof(*R.off));
			R.len = dq_xrealloc(R.len, nc * sizeof(*R.len));
			R.src = dq_xrealloc(R.src, nc);
			R.cap = nc;
		}
		R.off[R.n] = R.text.len;
		record_text(run, &rec, &R.text);
		if (R.text.len - R.off[R.n] > UINT32_MAX)
			dq_die("%s:%ld: record longer than 4 GB",
			       run->item.file, run->item.line);
		R.len[R.n] = (uint32_t)(R.text.len - R.off[R.n]);
		if (O.link)
			R.src[R.n] = fi == 0 ? SRC_A : SRC_B;
		else if (O.existing)
			R.src[R.n] = fi < first_new ? SRC_OLD : SRC_NEW;
		else
			R.src[R.n] = SRC_DEDUPE;
		R.nsrc[R.src[R.n] == SRC_A || R.src[R.n] == SRC_OLD ? 0 : 1]++;
		dq_blockkey_set_record(&PC);
		for (size_t r = 0; r < O.nr; r++) {
			dq_buf_reset(&kb);
			R.key[R.n * O.nr + r] =
				rule_key(r, &rec, &kb) ?
					key_hash(kb.buf, kb.len) : 0;
			O.r[r].keyed += R.key[R.n * O.nr + r] != 0;
		}
		R.n++;
	}
	dq_record_release(&rec);
	dq_buf_release(&kb);
}

/* The block-size guard of phase 1: a block over the rule's --max-block
 * is skipped and reported; every block of two or more is a candidate
 * for the largest. */
static int
guard(void *ctx, size_t r, size_t first, size_t size)
{
	struct dq_run *run = ctx;
	size_t ri[2] = { r, first };
	int skip = size > (size_t)O.r[r].max_block;

	note_block(r, size, skip, stored_key_cb, ri);
	if (skip)
		note_skip(run, r, size, stored_key_cb, ri);
	return skip;
}

static void
block_in_memory(struct dq_run *run)
{
	struct dq_blocks bl;
	struct dq_blocks_list list[MAX_RULES];
	unsigned char *second = dq_xmalloc(R.n + 1);
	int mode = O.link ? DQ_BLOCKS_LINK :
		   O.existing ? DQ_BLOCKS_INCREMENTAL : DQ_BLOCKS_DEDUPE;
	size_t b, e, x, y;

	if (R.n > DQ_BLOCKS_INDEX)
		dq_die("more than %u records: use --emit-keys and --from-keys",
		       DQ_BLOCKS_INDEX);
	for (size_t i = 0; i < R.n; i++)
		second[i] = R.src[i] == SRC_B || R.src[i] == SRC_NEW;
	/* Phase 1: each rule's blocks; the guard clears the keys of those
	 * it skips, so later rules see only surviving keys. */
	dq_blocks_init(&bl, R.key, R.n, O.nr, second);
	memset(list, 0, sizeof(list));
	for (size_t r = 0; r < O.nr; r++)
		O.r[r].blocks += dq_blocks_list(&bl, r, guard, run, &list[r]);
	dq_blocks_release(&bl);
	free(second);
	/* Phase 2: the pairs, block by block in the same order. */
	for (size_t r = 0; r < O.nr; r++) {
		const uint32_t *l = list[r].m;
		size_t m = list[r].n;
		for (b = 0; b < m; b = e) {
			for (e = b + 1; e < m && !(l[e] & DQ_BLOCKS_START); e++)
				;
			for (x = b; x < e; x++) {
				size_t i = l[x] & DQ_BLOCKS_INDEX;
				const uint64_t *ki = R.key + i * O.nr;
				for (y = x + 1; y < e; y++) {
					size_t j = l[y] & DQ_BLOCKS_INDEX;
					const uint64_t *kj = R.key + j * O.nr;
					if (!dq_blocks_eligible(mode, l[x], l[y]))
						continue;
					O.r[r].found++;
					if (dq_blocks_found_before(r, ki, kj))
						continue;
					O.r[r].pairs++;
					write_pair(&run->out.b,
						   R.text.buf + R.off[i],
						   R.len[i],
						   R.text.buf + R.off[j],
						   R.len[j], r, ki, kj);
					dq_run_emit(run);
				}
			}
		}
		dq_blocks_list_release(&list[r]);
	}
}

/* ---- Two passes: key lines ---- */

/* One key line per (rule, key, record): lib/er/keyline.h. */
static void
emit_keys(struct dq_run *run, size_t first_new)
{
	struct dq_record rec;
	struct dq_buf common = DQ_BUF_INIT, txt = DQ_BUF_INIT;
	struct dq_buf keys[MAX_RULES];
	uint64_t h[MAX_RULES], seq = 0;

	for (size_t r = 0; r < O.nr; r++)
		dq_buf_init(&keys[r], 32);
	dq_record_init(&rec);
	while (dq_run_next(run, &rec) > 0) {
		size_t fi = run->in.fi ? run->in.fi - 1 : 0;
		unsigned char src = O.link ? (fi == 0 ? SRC_A : SRC_B) :
				    O.existing ? (fi < first_new ? SRC_OLD :
								    SRC_NEW) :
						 SRC_DEDUPE;
		dq_buf_reset(&txt);
		record_text(run, &rec, &txt);
		dq_blockkey_set_record(&PC);
		for (size_t r = 0; r < O.nr; r++) {
			dq_buf_reset(&keys[r]);
			h[r] = rule_key(r, &rec, &keys[r]) ?
				       key_hash(keys[r].buf, keys[r].len) : 0;
			O.r[r].keyed += h[r] != 0;
		}
		dq_keyline_common(&common, seq++, src, h, O.nr);
		for (size_t r = 0; r < O.nr; r++) {
			if (!h[r])
				continue;
			dq_keyline_add(&run->out.b, r, h[r], &common,
				       keys[r].buf, keys[r].len, txt.buf,
				       txt.len);
			dq_run_emit(run);
		}
	}
	for (size_t r = 0; r < O.nr; r++)
		dq_buf_release(&keys[r]);
	dq_record_release(&rec);
	dq_buf_release(&common);
	dq_buf_release(&txt);
}

/* The skipped blocks (rule, hash) of --from-keys: small, since each
 * stands for more than --max-block lines. */
static struct dq_u64map S;

static uint64_t
skey(size_t r, uint64_t h)
{
	/* h is already a hash: mixing in the rule is enough. */
	uint64_t v = h ^ ((uint64_t)(r + 1) * 0x9e3779b97f4a7c15u);
	v ^= v >> 29;
	return v;
}

static void
skip_add(size_t r, uint64_t h)
{
	dq_u64map_put(&S, skey(r, h), 1);
}

static int
skip_has(size_t r, uint64_t h)
{
	return dq_u64map_get(&S, skey(r, h)) != NULL;
}

static char *
kline_key_cb(void *arg)
{
	const struct dq_keyline *k = arg;
	struct dq_buf u = DQ_BUF_INIT;
	char *d;
	dq_json_unescape(k->key, k->keylen, &u);
	d = key_display(u.buf, u.len);
	dq_buf_release(&u);
	return d;
}

/* The input of --from-keys as one file we can read twice: a named
 * regular file is read as it is, stdin and several files are copied
 * into a temporary file first. */
static FILE *
open_keys(struct dq_run *run)
{
	FILE *in, *t;
	char buf[65536];
	size_t n;

	if (run->in.nfiles == 1 && strcmp(run->in.files[0], "-")) {
		in = fopen(run->in.files[0], "r");
		if (!in)
			dq_die("%s: %s", run->in.files[0], strerror(errno));
		return in;
	}
	t = tmpfile();
	if (!t)
		dq_die("temporary file: %s", strerror(errno));
	for (size_t i = 0; i < (run->in.nfiles ? run->in.nfiles : 1); i++) {
		const char *f = run->in.nfiles ? run->in.files[i] : "-";
		in = strcmp(f, "-") ? fopen(f, "r") : stdin;
		if (!in)
			dq_die("%s: %s", f, strerror(errno));
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
			if (fwrite(buf, 1, n, t) != n)
				dq_die("temporary file: %s", strerror(errno));
		if (ferror(in))
			dq_die("%s: read error", f);
		if (in != stdin)
			fclose(in);
	}
	rewind(t);
	return t;
}

/* The lines of one block in --from-keys. */
struct group {
	char **line;
	size_t *len;
	size_t n, cap;
};

/* --slim over key lines (of --emit-keys with or without --slim): the
 * record at the end of *line is replaced by its projection. */
static void
slim_line(const struct dq_run *run, const char *name, char **line,
	  struct dq_keyline *k, struct dq_record *rec, struct dq_buf *t)
{
	struct dq_json_error err;
	size_t head = (size_t)(k->rec - *line);

	if (dq_json_scan(rec, k->rec, k->reclen, &err))
		dq_die("%s: a key line's record: %s", name, err.reason);
	dq_buf_reset(t);
	dq_buf_add(t, *line, head);
	slim_text(run, rec, t);
	free(*line);
	*line = dq_xstrndup(t->buf, t->len);
	if (dq_keyline_parse(*line, t->len, O.nr, k))
		dq_die("%s: changed while read", name);
}

static void
from_keys(struct dq_run *run)
{
	FILE *in = open_keys(run);
	char *line = NULL;
	size_t cap = 0, gn = 0;
	ssize_t n;
	long lineno;
	struct dq_keyline k, cur = { 0 }, *kl = NULL;
	struct group g = { NULL, NULL, 0, 0 };
	int have = 0;
	uint64_t last_seq = 0;
	unsigned char last_src = 0;
	const char *name = run->in.nfiles == 1 ? run->in.files[0] : "-";
	struct dq_record srec;
	struct dq_buf stxt = DQ_BUF_INIT;

	dq_record_init(&srec);
	/* Pass 1: block sizes, the guard. */
	for (lineno = 1; (n = getline(&line, &cap, in)) > 0; lineno++) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (dq_keyline_parse(line, (size_t)n, O.nr, &k))
			dq_die("%s:%ld: not a key line of dq-block "
			       "--emit-keys with these rules", name, lineno);
		if (have && (k.rule < cur.rule ||
			     (k.rule == cur.rule && k.hash < cur.hash)))
			dq_die("%s:%ld: key lines not sorted (use LC_ALL=C "
			       "sort)", name, lineno);
		if (have && k.rule == cur.rule && k.hash == cur.hash) {
			/* Sorted, one record's lines of a block are adjacent:
			 * a record twice would be paired with itself. */
			if (k.seq == last_seq && k.src == last_src)
				dq_die("%s:%ld: the record of line %ld again, in "
				       "the same block: were the key lines "
				       "given twice?", name, lineno, lineno - 1);
			last_seq = k.seq;
			last_src = k.src;
			gn++;
			continue;
		}
		if (have && gn >= 2) {
			int skip = gn > (size_t)O.r[cur.rule].max_block;
			if (skip) {
				skip_add(cur.rule, cur.hash);
				note_skip(run, cur.rule, gn, kline_key_cb,
					  &cur);
			}
		}
		/* cur points into line: keep a copy of its key. */
		free((char *)(have ? cur.key : NULL));
		cur = k;
		cur.key = dq_xstrndup(k.key, k.keylen);
		last_seq = k.seq;
		last_src = k.src;
		gn = 1;
		have = 1;
	}
	if (have && gn > (size_t)O.r[cur.rule].max_block && gn >= 2) {
		skip_add(cur.rule, cur.hash);
		note_skip(run, cur.rule, gn, kline_key_cb, &cur);
	}
	if (have)
		free((char *)cur.key);
	if (ferror(in))
		dq_die("%s: read error", name);
	rewind(in);

	/* Pass 2: pairs inside the kept blocks. */
	for (;;) {
		n = getline(&line, &cap, in);
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n > 0)
			run->n_in++;
		/* Pass 1 checked the lines: the rule and hash are enough to
		 * tell where a block ends. */
		if (n > 0 && (n < 20 || dq_keyline_hex64(line + 3, &k.hash)))
			dq_die("%s: changed while read", name);
		if (n > 0)
			k.rule = (size_t)((line[0] - '0') * 10 + line[1] - '0');
		if (g.n && (n <= 0 || k.rule != kl[0].rule ||
			    k.hash != kl[0].hash)) {
			size_t r = kl[0].rule;
			int skip = g.n >= 2 && skip_has(r, kl[0].hash);
			if (g.n >= 2) {
				note_block(r, g.n, skip, kline_key_cb, &kl[0]);
				if (!skip)
					O.r[r].blocks++;
			}
			/* Keys of skipped blocks do not count as agreeing. */
			for (size_t x = 0; x < g.n && g.n >= 2 && !skip; x++)
				for (size_t q = 0; q < O.nr; q++)
					if (kl[x].h[q] &&
					    skip_has(q, kl[x].h[q]))
						kl[x].h[q] = 0;
			for (size_t x = 0; x < g.n && !skip; x++)
				for (size_t y = x + 1; y < g.n; y++) {
					if (!eligible(kl[x].src, kl[y].src))
						continue;
					O.r[r].found++;
					if (dq_blocks_found_before(r, kl[x].h, kl[y].h))
						continue;
					O.r[r].pairs++;
					write_pair(&run->out.b, kl[x].rec,
						   kl[x].reclen, kl[y].rec,
						   kl[y].reclen, r, kl[x].h,
						   kl[y].h);
					dq_run_emit(run);
				}
			for (size_t x = 0; x < g.n; x++)
				free(g.line[x]);
			g.n = 0;
		}
		if (n <= 0)
			break;
		if (g.n == g.cap) {
			g.cap = g.cap ? g.cap * 2 : 16;
			g.line = dq_xrealloc(g.line, g.cap * sizeof(*g.line));
			kl = dq_xrealloc(kl, g.cap * sizeof(*kl));
		}
		g.line[g.n] = dq_xstrndup(line, (size_t)n);
		if (dq_keyline_parse(g.line[g.n], (size_t)n, O.nr,
				     &kl[g.n]))
			dq_die("%s: changed while read", name);
		if (O.slim)
			slim_line(run, name, &g.line[g.n], &kl[g.n], &srec,
				  &stxt);
		g.n++;
	}
	free(g.line);
	free(g.len);
	free(kl);
	free(line);
	dq_u64map_release(&S);
	dq_record_release(&srec);
	dq_buf_release(&stxt);
	fclose(in);
}

/* ---- Report ---- */

static cJSON *
figures(struct dq_run *run)
{
	cJSON *x = cJSON_CreateObject(), *rs, *o, *arr;
	uint64_t pairs = 0;
	double possible;

	for (size_t r = 0; r < O.nr; r++)
		pairs += O.r[r].pairs;
	if (O.link)
		possible = (double)R.nsrc[0] * (double)R.nsrc[1];
	else if (O.existing)
		possible = (double)R.nsrc[0] * (double)R.nsrc[1] +
			   (double)R.nsrc[1] * ((double)R.nsrc[1] - 1) / 2;
	else
		possible = (double)R.n * ((double)R.n - 1) / 2;
	o = cJSON_AddObjectToObject(x, "blocking");
	cJSON_AddNumberToObject(o, "records", (double)R.n);
	cJSON_AddNumberToObject(o, "max_block", (double)O.max_block);
	cJSON_AddNumberToObject(o, "pairs", (double)pairs);
	if (O.from) {
		cJSON_AddNullToObject(o, "possible_pairs");
		cJSON_AddNullToObject(o, "reduction_ratio");
	} else {
		cJSON_AddNumberToObject(o, "possible_pairs", possible);
		cJSON_AddNumberToObject(o, "reduction_ratio",
					possible > 0 ? 1 - pairs / possible :
						       0);
	}
	rs = cJSON_AddArrayToObject(o, "rules");
	for (size_t r = 0; r < O.nr; r++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "name", O.r[r].name);
		cJSON_AddStringToObject(e, "key", O.r[r].spec);
		cJSON_AddNumberToObject(e, "max_block",
					(double)O.r[r].max_block);
		if (!O.from)
			cJSON_AddNumberToObject(e, "keyed",
						(double)O.r[r].keyed);
		cJSON_AddNumberToObject(e, "blocks", (double)O.r[r].blocks);
		cJSON_AddNumberToObject(e, "pairs", (double)O.r[r].pairs);
		cJSON_AddNumberToObject(e, "found", (double)O.r[r].found);
		cJSON_AddNumberToObject(e, "skipped_blocks",
					(double)O.r[r].skipped);
		cJSON_AddNumberToObject(e, "skipped_records",
					(double)O.r[r].skipped_records);
		cJSON_AddItemToArray(rs, e);
	}
	arr = cJSON_AddArrayToObject(o, "largest_blocks");
	for (size_t i = 0; i < ntop; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "rule", O.r[top[i].rule].name);
		cJSON_AddStringToObject(e, "key", top[i].key);
		cJSON_AddNumberToObject(e, "size", (double)top[i].size);
		cJSON_AddBoolToObject(e, "skipped", top[i].skipped);
		cJSON_AddItemToArray(arr, e);
	}
	arr = cJSON_AddArrayToObject(o, "skipped_blocks");
	for (size_t i = 0; i < nskips; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "rule", O.r[skips[i].rule].name);
		cJSON_AddStringToObject(e, "key", skips[i].key);
		cJSON_AddNumberToObject(e, "size", (double)skips[i].size);
		cJSON_AddItemToArray(arr, e);
	}
	for (size_t r = 0; r < O.nr && nskips_all > SHOW_SKIPPED; r++)
		if (O.r[r].skipped && !run->quiet)
			dq_log(run, "warn", "block",
			       "rule '%s': %llu blocks of %llu records in all "
			       "skipped (--max-block %lld)", O.r[r].name,
			       (unsigned long long)O.r[r].skipped,
			       (unsigned long long)O.r[r].skipped_records,
			       O.r[r].max_block);
	if (O.stats) {
		for (size_t r = 0; r < O.nr; r++)
			fprintf(stderr, "%s: rule %s: %llu pairs (%llu found),"
				" %llu blocks, %llu skipped\n", dq_progname,
				O.r[r].name,
				(unsigned long long)O.r[r].pairs,
				(unsigned long long)O.r[r].found,
				(unsigned long long)O.r[r].blocks,
				(unsigned long long)O.r[r].skipped);
		fprintf(stderr, "%s: %llu pairs", dq_progname,
			(unsigned long long)pairs);
		if (!O.from)
			fprintf(stderr, " of %.0f possible, reduction ratio "
				"%.6f", possible,
				possible > 0 ? 1 - pairs / possible : 0);
		fputc('\n', stderr);
		for (size_t i = 0; i < ntop && i < 5; i++)
			fprintf(stderr, "%s: block %s '%s': %llu records%s\n",
				dq_progname, O.r[top[i].rule].name, top[i].key,
				(unsigned long long)top[i].size,
				top[i].skipped ? " (skipped)" : "");
	}
	return x;
}

int
main(int argc, char **argv)
{
	static const struct dq_tool tool = {
		.name = "dq-block",
		.synopsis = synopsis,
		.help = help,
		.shortopts = "m:r:",
		.longopts = longopts,
		.option = option,
	};
	static struct dq_run run;
	char **files = NULL;
	size_t first_new = 0;

	dq_run_init(&run, &tool, argc, argv);
	if (O.link && O.existing) {
		fprintf(stderr, "%s: --link and --existing do not go "
			"together\n", dq_progname);
		return 2;
	}
	if (O.emit && O.from) {
		fprintf(stderr, "%s: --emit-keys and --from-keys do not go "
			"together\n", dq_progname);
		return 2;
	}
	if (O.from && (O.link || O.existing)) {
		fprintf(stderr, "%s: --from-keys takes the mode from the key "
			"lines: no --link or --existing\n", dq_progname);
		return 2;
	}
	if (O.link && run.in.nfiles != 2) {
		fprintf(stderr, "%s: --link needs two files, got %zu\n",
			dq_progname, run.in.nfiles);
		return 2;
	}
	if (load_rules(&run.contract))
		return 2;
	dq_fs_init(&cmp);
	if (O.slim) {
		struct dq_buf err = DQ_BUF_INIT;
		if (dq_fs_load_contract(&cmp, dq_contract_get(&run.contract,
							      "compare"),
					dq_contract_get(&run.contract,
							"thresholds"),
					&err)) {
			fprintf(stderr, "%s: contract: %s\n", dq_progname,
				err.buf);
			dq_buf_release(&err);
			return 2;
		}
		dq_buf_release(&err);
	}
	index_parts();
	if (O.existing) {
		if (access(O.existing, R_OK)) {
			fprintf(stderr, "%s: %s: %s\n", dq_progname,
				O.existing, strerror(errno));
			return 2;
		}
		/* The old records are read first, then the new ones. */
		size_t nf = run.in.nfiles ? run.in.nfiles : 1;
		files = dq_xmalloc((nf + 1) * sizeof(*files));
		files[0] = (char *)O.existing;
		for (size_t i = 0; i < nf; i++)
			files[i + 1] = run.in.nfiles ? run.in.files[i] : "-";
		run.in.files = files;
		run.in.nfiles = nf + 1;
		first_new = 1;
	}

	if (O.emit) {
		emit_keys(&run, first_new);
	} else if (O.from) {
		from_keys(&run);
	} else {
		read_records(&run, first_new);
		block_in_memory(&run);
	}
	cJSON *extra = figures(&run);
	free(files);
	dq_fs_release(&cmp);
	dq_blockkey_set_release(&PC);
	return dq_run_finish(&run, extra, 0);
}
