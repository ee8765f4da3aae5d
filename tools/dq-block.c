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
 * Records are read, embedded and keyed on worker threads (lib/cli/par.h,
 * -j): each worker packs a record's entry (lib/er/blockrec.h), and the
 * main thread stores the entries in input order, so the records' numbers,
 * the rejects and the counts are one thread's; blocking and pairing
 * follow in the main thread.
 *
 * The engines are in lib/er: the rules, keys, pair text and figures in
 * blockrules.c, the records as embedded and their store in blockrec.c,
 * the blocks in blocks.c, the key lines of the two passes in keyline.c
 * and keyfile.c.  Blocks come from sorting (hash, record number) entries
 * (a counting pass on the top 16 bits, then insertion sort per bucket),
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
 * link mode "a" comes from the earlier file, and in incremental mode from
 * --existing when the pair crosses.  A link of more than two files pairs
 * records of different files and names both files in the pair's
 * "_dq":{"sources":[1,3]} (their numbers among the operands), since "a"
 * and "b" no longer tell them.
 *
 * A token rule (its key words, qgrams(N), codes or surnames of a field:
 * lib/er/blocktok.c) puts a record in one block per token, guards each
 * token's block, and writes a pair, in the block of the first kept token
 * its records share, only when the IDF weights of all the kept tokens
 * they share reach --min-weight; pairs stay unique across exact and
 * token rules (found_before asks both kinds).  One pass only.
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
 * peak, 354 with --slim.  Two keys that differ but share a 64-bit hash
 * would be blocked together (lib/er/blockrules.c gives the odds).
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

#include "er/blockrec.h"
#include "er/blockrules.h"
#include "er/blocks.h"
#include "er/blocktok.h"
#include "er/fsmodel.h"
#include "er/keyfile.h"
#include "er/keyline.h"
#include "cli/opt.h"
#include "cli/par.h"
#include "cli/run.h"

static const char synopsis[] =
	"usage: dq-block [-c CONTRACT]... [--rule [NAME=]KEY]... [OPTIONS] "
	"[FILE...]\n"
	"       dq-block --link [OPTIONS] FILE_A FILE_B [FILE...]\n"
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
	"                        e.g. 'last_name:soundex,dob:year' (FIELD may\n"
	"                        be a path: fields.email).  Functions:\n"
	"                        exact lower soundex nysiis metaphone\n"
	"                        metaphone_alt first(N) initials year month day\n"
	"                        email_local email_domain digits last_digits(N)\n"
	"                        sorted_tokens.  A+B:FUNCTION applies it to\n"
	"                        fields A and B and sorts the results.  NAME\n"
	"                        defaults to r1, r2, ...  Token functions\n"
	"                        (a key's only part) give a key per token:\n"
	"                        words qgrams(N) codes surnames\n"
	"      --min-weight W    token rules: pair records whose shared rare\n"
	"                        tokens weigh W or more, each ln(N / records\n"
	"                        holding it) (default: each rule's\n"
	"                        min_weight, else ln(N) / 2)\n"
	"  -m, --max-block N     skip blocks of more than N records (default\n"
	"                        blocking.max_block, else 1000)\n"
	"      --link            two files or more: pairs only of records\n"
	"                        from different files; with more than two,\n"
	"                        _dq.sources numbers the two files\n"
	"      --existing FILE   records already matched: pairs only with at\n"
	"                        least one new record (the operands)\n"
	"      --emit-keys       write key lines for sort instead of pairs\n"
	"      --from-keys       pair sorted key lines (input read twice)\n"
	"      --slim            embed only the id and the fields the\n"
	"                        contract's compare section compares (and\n"
	"                        _dq of a record without an id); the pairs\n"
	"                        are marked \"slim\":true, and dq-merge\n"
	"                        --records supplies the whole records\n"
	"  -j, --jobs N          threads that read the records and compute\n"
	"                        their keys (default: the cores, at most 8);\n"
	"                        output the same for every N\n"
	"      --stats           print pairs per rule, reduction ratio and the\n"
	"                        largest blocks on stderr (always in --summary)\n";

enum {
	O_EMIT = DQ_OPT_TOOL,
	O_EXISTING,
	O_FROM,
	O_LINK,
	O_MINW,
	O_SLIM,
	O_STATS
};

static const struct option longopts[] = {
	{ "emit-keys", no_argument, NULL, O_EMIT },
	{ "existing", required_argument, NULL, O_EXISTING },
	{ "from-keys", no_argument, NULL, O_FROM },
	{ "jobs", required_argument, NULL, 'j' },
	{ "link", no_argument, NULL, O_LINK },
	{ "max-block", required_argument, NULL, 'm' },
	{ "min-weight", required_argument, NULL, O_MINW },
	{ "rule", required_argument, NULL, 'r' },
	{ "slim", no_argument, NULL, O_SLIM },
	{ "stats", no_argument, NULL, O_STATS },
	{ NULL, 0, NULL, 0 }
};

static struct {
	char **cli; /* --rule values */
	size_t ncli;
	long long max_block;
	double min_weight; /* token rules' threshold; < 0: ln(N) / 2 */
	int set_max;
	int jobs; /* 0: the default */
	int link, emit, from, slim, stats;
	const char *existing;
} O = { .max_block = 1000, .min_weight = -1 };

/* The state of a run. */
static struct {
	struct dq_run *run;
	struct dq_blockrules rules;
	struct dq_blockrec emb;       /* how records are embedded */
	struct dq_fs_model cmp;       /* --slim: the compared fields */
	struct dq_blockrec_store st;  /* one pass: the records */
	struct dq_blocktok tok[DQ_BLOCKRULES_MAX]; /* token rules' tokens */
	uint64_t seq;                 /* --emit-keys: records written */
	int mode;                     /* DQ_BLOCKS_* */
	size_t first_new;             /* --existing: the first new file */
} B;

static int
option(void *ctx, int code, const char *arg)
{
	switch (code) {
	case 'j':
		return dq_opt_jobs(arg, &O.jobs);
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
	case O_MINW:
		return dq_opt_double("min-weight", arg, 0, 1e9, &O.min_weight);
	case O_SLIM:
		O.slim = 1;
		return 0;
	case O_STATS:
		O.stats = 1;
		return 0;
	}
	return -1;
}

/* The side (DQ_KEYLINE_*) of a record read from file (as the input
 * names it: one of the operands, or "-" when there is none), and its
 * source as the store keeps it (struct dq_blocks): a link's file from 0,
 * 1 for a new record, else 0. */
static unsigned char
side(const char *file, unsigned *source)
{
	const struct dq_input *in = &B.run->in;
	size_t fi = 0;

	while (fi < in->nfiles && in->files[fi] != file)
		fi++;
	if (in->nfiles && fi == in->nfiles)
		dq_die("internal error: %s: not an operand", file);
	if (O.link) {
		*source = (unsigned)fi;
		if (B.run->in.nfiles > 2)
			return DQ_KEYLINE_LINK;
		return fi == 0 ? DQ_KEYLINE_A : DQ_KEYLINE_B;
	}
	*source = O.existing && fi >= B.first_new;
	if (O.existing)
		return *source ? DQ_KEYLINE_NEW : DQ_KEYLINE_OLD;
	return DQ_KEYLINE_DEDUPE;
}

/* A link of more than two files: the pairs name their files. */
static int
named_sources(void)
{
	return O.link && B.run->in.nfiles > 2;
}

/* Record rec of item it, as its pairs embed it, into out (reset). */
static void
record_text(struct dq_record *rec, const struct dq_item *it,
	    struct dq_buf *out)
{
	dq_buf_reset(out);
	dq_blockrec_text(&B.emb, rec, it->line,
			 B.run->in.nfiles > 1 ? it->file : NULL, out);
	if (out->len > UINT32_MAX)
		dq_die("%s:%ld: record longer than 4 GB", it->file, it->line);
}

/* ---- The key pass, on worker threads (lib/cli/par.h) ---- */

/* A worker's state: its own keyer and scratch; the rules, the embedding
 * and the run's file list are only read while the workers run. */
struct keyer {
	struct dq_blockrules_keyer k;
	struct dq_buf keys[DQ_BLOCKRULES_MAX]; /* a record's key texts */
	struct dq_buf txt, common;
	uint64_t h[DQ_BLOCKRULES_MAX];
};

static void *
key_start(void *ctx, int w)
{
	struct keyer *k = dq_xcalloc(1, sizeof(*k));

	dq_blockrules_keyer_init(&k->k, &B.rules);
	for (size_t r = 0; r < B.rules.n; r++)
		dq_buf_init(&k->keys[r], 64);
	dq_buf_init(&k->txt, 256);
	dq_buf_init(&k->common, 64);
	return k;
}

static void
key_finish(void *ctx, void *ws, int w)
{
	struct keyer *k = ws;

	dq_blockrules_keyer_fold(&B.rules, &k->k);
	for (size_t r = 0; r < B.rules.n; r++)
		dq_buf_release(&k->keys[r]);
	dq_buf_release(&k->txt);
	dq_buf_release(&k->common);
	free(k);
}

/* Run the key pass: record() in the workers, consume() in input order. */
static void
key_pass(int (*record)(void *, struct dq_record *, const struct dq_item *,
		       uint64_t, struct dq_buf *, const char **),
	 void (*consume)(void *, const char *, size_t))
{
	const struct dq_par_work work = {
		.start = key_start,
		.record = record,
		.finish = key_finish,
		.consume = consume,
	};

	dq_par_run(B.run, O.jobs ? O.jobs : dq_par_default_jobs(), &work);
}

/* A skipped block: counted, and the first few shown. */
static void
skip_block(size_t r, uint64_t size, char *(*keyf)(void *), void *arg)
{
	const char *key = dq_blockrules_note_skip(&B.rules, r, size, keyf,
						  arg);
	if (key && !B.run->quiet)
		dq_log(B.run, "warn", "block",
		       "rule '%s': block '%s' of %llu records skipped "
		       "(--max-block %lld)", B.rules.r[r].name, key,
		       (unsigned long long)size, B.rules.r[r].max_block);
}

/* ---- One pass: records in memory (lib/er/blocks.h) ---- */

/* One pass: a record's entry for the store (lib/er/blockrec.h), with
 * each token rule's tokens. */
static int
store_record(void *ws, struct dq_record *rec, const struct dq_item *it,
	     uint64_t seq, struct dq_buf *out, const char **reject)
{
	struct keyer *k = ws;
	unsigned source;

	side(it->file, &source);
	record_text(rec, it, &k->txt);
	dq_blockrules_keys(&B.rules, &k->k, rec, k->h, k->keys);
	dq_blockrec_pack(out, source, k->h, B.rules.n, k->txt.buf,
			 k->txt.len);
	for (size_t r = 0; r < B.rules.n; r++)
		if (B.rules.r[r].tokens)
			dq_blockrec_pack_text(out, k->keys[r].buf,
					      k->keys[r].len);
	return 1;
}

static void
store_consume(void *ctx, const char *out, size_t len)
{
	const char *p = out, *e = out + len, *t;
	size_t n;

	while (p < e) {
		dq_blockrec_store_unpack(&B.st, &p);
		for (size_t r = 0; r < B.rules.n; r++)
			if (B.rules.r[r].tokens) {
				dq_blockrec_unpack_text(&p, &t, &n);
				dq_blocktok_add(&B.tok[r], t, n);
			}
	}
}

/* The display key of rule ri[0] for stored record ri[1]. */
static char *
stored_key(void *arg)
{
	const size_t *ri = arg;
	struct dq_record rec;
	struct dq_json_error e;
	struct dq_buf k = DQ_BUF_INIT;
	char *d;

	dq_record_init(&rec);
	if (dq_json_scan(&rec, dq_blockrec_store_text(&B.st, ri[1]),
			 B.st.len[ri[1]], &e) == 0)
		dq_blockkey_make(&B.rules.r[ri[0]].key, &rec, &k);
	d = dq_blockrules_display(k.buf, k.len);
	dq_buf_release(&k);
	dq_record_release(&rec);
	return d;
}

/* The block-size guard of phase 1: a block over the rule's --max-block
 * is skipped and reported; every block of two or more is a candidate
 * for the largest. */
static int
guard(void *ctx, size_t r, size_t first, size_t size)
{
	size_t ri[2] = { r, first };
	int skip = size > (size_t)B.rules.r[r].max_block;

	dq_blockrules_note_block(&B.rules, r, size, skip, stored_key, ri);
	if (skip)
		skip_block(r, size, stored_key, ri);
	return skip;
}

/* A token block: its rule, first record and token hash. */
struct tokblock {
	size_t ri[2]; /* as stored_key reads them */
	uint64_t h;
};

/* The display key of a token block: the token among the tokens of its
 * first record whose hash is the block's. */
static char *
stored_token(void *arg)
{
	const struct tokblock *tb = arg;
	char *all = stored_key((void *)tb->ri), *t = all, *e;
	uint64_t h = tb->h;

	for (; *t; t = *e ? e + 1 : e) {
		e = t + strcspn(t, " ");
		if (dq_blocktok_hash(t, (size_t)(e - t)) == h) {
			char *d = dq_xstrndup(t, (size_t)(e - t));
			free(all);
			return d;
		}
	}
	return all;
}

/* The guard of a token rule: each token's block alone. */
static int
token_guard(void *ctx, size_t r, size_t first, size_t size, uint64_t hash)
{
	struct tokblock tb = { { r, first }, hash };
	int skip = size > (size_t)B.rules.r[r].max_block;

	dq_blockrules_note_block(&B.rules, r, size, skip, stored_token, &tb);
	if (skip)
		skip_block(r, size, stored_token, &tb);
	return skip;
}

/* Did token rule q find the pair (i, j)? */
static int
token_found(size_t q, size_t i, size_t j)
{
	return B.rules.r[q].tokens && dq_blocktok_agree(&B.tok[q], i, j);
}

/* Did a rule before rule *ctx find the pair (i, j)?  An exact rule did
 * when its keys agree, a token rule when the pair reaches its weight. */
static int
found_before(void *ctx, size_t i, size_t j)
{
	size_t r = *(const size_t *)ctx, nr = B.rules.n;

	if (dq_blocks_found_before(r, B.st.key + i * nr, B.st.key + j * nr))
		return 1;
	for (size_t q = 0; q < r; q++)
		if (token_found(q, i, j))
			return 1;
	return 0;
}

static void
pair_stored(void *ctx, size_t i, size_t j)
{
	size_t r = *(const size_t *)ctx, nr = B.rules.n;
	uint64_t also = 0;
	unsigned src[2] = { B.st.src[i] + 1u, B.st.src[j] + 1u };

	for (size_t q = r + 1; q < nr; q++)
		if (token_found(q, i, j))
			also |= (uint64_t)1 << q;
	dq_blockrules_write_pair(&B.rules, &B.run->out.b,
				 dq_blockrec_store_text(&B.st, i), B.st.len[i],
				 dq_blockrec_store_text(&B.st, j), B.st.len[j],
				 r, B.st.key + i * nr, B.st.key + j * nr,
				 also, named_sources() ? src : NULL, O.slim);
	dq_run_emit(B.run);
}

static void
block_in_memory(void)
{
	struct dq_blocks bl;
	struct dq_blocks_list list[DQ_BLOCKRULES_MAX];
	size_t nr = B.rules.n;

	if (B.st.n > DQ_BLOCKS_INDEX)
		dq_die("more than %u records: use --emit-keys and --from-keys",
		       DQ_BLOCKS_INDEX);
	/* Phase 1: each rule's blocks; the guard clears the keys of those
	 * it skips, so later rules see only surviving keys. */
	int tokens = dq_blockrules_any_tokens(&B.rules);

	dq_blocks_init(&bl, B.st.key, B.st.n, nr, B.st.src);
	memset(list, 0, sizeof(list));
	for (size_t r = 0; r < nr; r++) {
		struct dq_blockrule *u = &B.rules.r[r];
		if (!u->tokens) {
			u->blocks += dq_blocks_list(&bl, r, guard, NULL,
						    &list[r]);
			continue;
		}
		u->blocks += dq_blocktok_list(&B.tok[r], B.st.src,
					      token_guard, NULL);
		u->keyed = B.tok[r].keyed;
		u->ntokens = B.tok[r].tokens;
		u->min_weight = B.tok[r].threshold;
	}
	dq_blocks_release(&bl);
	/* Phase 2: the pairs, block by block in the same order. */
	for (size_t r = 0; r < nr; r++) {
		struct dq_blockrule *u = &B.rules.r[r];
		if (u->tokens) {
			u->pairs += dq_blocktok_pairs(&B.tok[r], B.mode,
						      pair_stored, found_before,
						      &r, &u->found);
			u->pruned = B.tok[r].pruned;
		} else {
			u->pairs += dq_blocks_pairs(&list[r], r, B.mode,
						    B.st.key, nr, pair_stored,
						    tokens ? found_before : NULL,
						    &r, &u->found);
		}
		dq_blocks_list_release(&list[r]);
	}
}

/* ---- Two passes: key lines (lib/er/keyline.h, keyfile.h) ---- */

/*
 * --emit-keys: one key line per (rule, key, record).  A worker cannot
 * know the record's number (rejected lines do not count), so it writes
 * 0 and the lines' length ahead of them; the main thread numbers them.
 */
static int
emit_record(void *ws, struct dq_record *rec, const struct dq_item *it,
	    uint64_t seq, struct dq_buf *out, const char **reject)
{
	struct keyer *k = ws;
	size_t nr = B.rules.n, at = out->len;
	unsigned source;
	unsigned char src = side(it->file, &source);
	uint32_t len = 0;

	dq_buf_add(out, (const char *)&len, sizeof(len));
	record_text(rec, it, &k->txt);
	dq_blockrules_keys(&B.rules, &k->k, rec, k->h, k->keys);
	dq_keyline_common(&k->common, 0, src, source + 1, k->h, nr);
	for (size_t r = 0; r < nr; r++) {
		if (!k->h[r])
			continue;
		dq_keyline_add(out, r, k->h[r], &k->common, k->keys[r].buf,
			       k->keys[r].len, k->txt.buf, k->txt.len);
		dq_buf_addch(out, '\n');
	}
	if (out->len - at - sizeof(len) > UINT32_MAX)
		dq_die("%s:%ld: key lines longer than 4 GB", it->file,
		       it->line);
	len = (uint32_t)(out->len - at - sizeof(len));
	memcpy(out->buf + at, &len, sizeof(len));
	return 1;
}

static void
emit_consume(void *ctx, const char *out, size_t n)
{
	struct dq_run *run = B.run;
	const char *p = out, *e = out + n;

	while (p < e) {
		uint32_t len;
		memcpy(&len, p, sizeof(len));
		p += sizeof(len);
		size_t at = run->out.b.len;
		dq_buf_add(&run->out.b, p, len);
		p += len;
		/* Each line gets the record's number. */
		for (char *l = run->out.b.buf + at, *end = l + len; l < end;
		     l = (char *)memchr(l, '\n', (size_t)(end - l)) + 1) {
			dq_keyline_put_seq(l + DQ_KEYLINE_SEQ_AT, B.seq);
			run->n_out++;
		}
		B.seq++;
		dq_out_commit(&run->out);
	}
}

/* The display key of a key line. */
static char *
kline_key(void *arg)
{
	const struct dq_keyline *k = arg;
	struct dq_buf u = DQ_BUF_INIT;
	char *d;
	dq_json_unescape(k->key, k->keylen, &u);
	d = dq_blockrules_display(u.buf, u.len);
	dq_buf_release(&u);
	return d;
}

/* The guard of the first pass over key lines. */
static int
kline_guard(void *ctx, const struct dq_keyline *first, size_t size)
{
	int skip = size > (size_t)B.rules.r[first->rule].max_block;
	if (skip)
		skip_block(first->rule, size, kline_key, (void *)first);
	return skip;
}

static void
pair_lines(void *ctx, const struct dq_keyline *a, const struct dq_keyline *b)
{
	unsigned src[2] = { a->source, b->source };

	dq_blockrules_write_pair(&B.rules, &B.run->out.b, a->rec, a->reclen,
				 b->rec, b->reclen, a->rule, a->h, b->h, 0,
				 a->src == DQ_KEYLINE_LINK ? src : NULL,
				 O.slim);
	dq_run_emit(B.run);
}

/* 0, or -1 after a message. */
static int
from_keys(void)
{
	struct dq_run *run = B.run;
	struct dq_keyfile kf;
	int rc;

	if (dq_keyfile_open(&kf, run->in.files, run->in.nfiles, B.rules.n,
			    O.slim ? &B.emb : NULL) ||
	    dq_keyfile_guard(&kf, kline_guard, NULL)) {
		dq_keyfile_release(&kf);
		return -1;
	}
	while ((rc = dq_keyfile_next(&kf)) > 0) {
		struct dq_blockrule *u = &B.rules.r[kf.kl[0].rule];
		run->n_in += kf.n;
		if (kf.n >= 2) {
			dq_blockrules_note_block(&B.rules, kf.kl[0].rule, kf.n,
						 kf.skip, kline_key, &kf.kl[0]);
			u->blocks += !kf.skip;
		}
		u->pairs += dq_keyfile_pairs(&kf, pair_lines, NULL, &u->found);
	}
	dq_keyfile_release(&kf);
	return rc;
}

/* ---- Report ---- */

static cJSON *
figures(void)
{
	const struct dq_blockrules *rs = &B.rules;

	for (size_t r = 0; r < rs->n && rs->nskips_all > DQ_BLOCKRULES_SHOW;
	     r++)
		if (rs->r[r].skipped && !B.run->quiet)
			dq_log(B.run, "warn", "block",
			       "rule '%s': %llu blocks of %llu records in all "
			       "skipped (--max-block %lld)", rs->r[r].name,
			       (unsigned long long)rs->r[r].skipped,
			       (unsigned long long)rs->r[r].skipped_records,
			       rs->r[r].max_block);
	if (O.stats)
		dq_blockrules_print_stats(rs, stderr, B.st.n, B.st.nsrc,
					  B.st.nsources, B.mode, O.from);
	return dq_blockrules_figures(rs, B.st.n, B.st.nsrc, B.st.nsources,
				     B.mode, O.from);
}

int
main(int argc, char **argv)
{
	static const struct dq_tool tool = {
		.name = "dq-block",
		.synopsis = synopsis,
		.help = help,
		.shortopts = "j:m:r:",
		.longopts = longopts,
		.option = option,
	};
	static struct dq_run run;
	char **files = NULL;
	cJSON *extra;
	int rc = 0;

	dq_run_init(&run, &tool, argc, argv);
	B.run = &run;
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
	if (O.link && (run.in.nfiles < 2 ||
		       run.in.nfiles > DQ_BLOCKS_MAX_SOURCES)) {
		fprintf(stderr, "%s: --link needs two files or more (at most "
			"%d), got %zu\n", dq_progname, DQ_BLOCKS_MAX_SOURCES,
			run.in.nfiles);
		return 2;
	}
	dq_blockrules_init(&B.rules, O.max_block);
	if (dq_blockrules_load(&B.rules, dq_contract_get(&run.contract,
							 "blocking"),
			       O.cli, O.ncli, O.set_max))
		return 2;
	dq_fs_init(&B.cmp);
	if (O.slim) {
		struct dq_buf err = DQ_BUF_INIT;
		if (dq_fs_load_contract(&B.cmp, dq_contract_get(&run.contract,
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
	if (dq_blockrules_index(&B.rules))
		return 2;
	if (O.min_weight >= 0 && !dq_blockrules_any_tokens(&B.rules)) {
		fprintf(stderr, "%s: --min-weight: no token rule to apply it "
			"to\n", dq_progname);
		return 2;
	}
	for (size_t r = 0; (O.emit || O.from) && r < B.rules.n; r++)
		if (B.rules.r[r].tokens) {
			fprintf(stderr, "%s: rule '%s': token keys (%s) work "
				"in one pass only, not with --%s\n",
				dq_progname, B.rules.r[r].name,
				B.rules.r[r].spec,
				O.emit ? "emit-keys" : "from-keys");
			return 2;
		}
	for (size_t r = 0; r < B.rules.n; r++) {
		/* --min-weight overrides every rule's min_weight, as
		 * --max-block does every max_block. */
		if (B.rules.r[r].tokens)
			dq_blocktok_init(&B.tok[r], r,
					 O.min_weight >= 0 ?
					 O.min_weight :
					 B.rules.r[r].want_weight);
	}
	dq_blockrec_init(&B.emb, run.id_field, O.slim ? &B.cmp : NULL);
	dq_blockrec_store_init(&B.st, B.rules.n);
	B.mode = O.link ? DQ_BLOCKS_LINK :
		 O.existing ? DQ_BLOCKS_INCREMENTAL : DQ_BLOCKS_DEDUPE;
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
		B.first_new = 1;
	}

	if (O.emit) {
		key_pass(emit_record, emit_consume);
	} else if (O.from) {
		rc = from_keys();
	} else {
		key_pass(store_record, store_consume);
		block_in_memory();
	}
	if (rc)
		return 2;
	extra = figures();
	free(files);
	free(O.cli);
	dq_fs_release(&B.cmp);
	dq_blockrec_store_release(&B.st);
	for (size_t r = 0; r < B.rules.n; r++)
		if (B.rules.r[r].tokens)
			dq_blocktok_release(&B.tok[r]);
	dq_blockrules_release(&B.rules);
	return dq_run_finish(&run, extra, 0);
}
