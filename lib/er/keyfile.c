/*
 * keyfile.c - sorted key lines read back as blocks (see keyfile.h).
 */
#include "er/keyfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "er/blocks.h"

/* The skipped set's key for (rule r, hash h): h is already a hash, so
 * mixing in the rule is enough. */
static uint64_t
skey(size_t r, uint64_t h)
{
	uint64_t v = h ^ ((uint64_t)(r + 1) * 0x9e3779b97f4a7c15u);
	v ^= v >> 29;
	return v;
}

static int
skipped(struct dq_keyfile *kf, size_t r, uint64_t h)
{
	return dq_u64map_get(&kf->skipped, skey(r, h)) != NULL;
}

/* Copy files[0..nfiles) (stdin when none) into a temporary file: it, or
 * NULL after a message. */
static FILE *
copy_in(char *const *files, size_t nfiles)
{
	FILE *in, *t = tmpfile();
	char buf[65536];
	size_t n;

	if (!t) {
		dq_error("temporary file: %s", strerror(errno));
		return NULL;
	}
	for (size_t i = 0; i < (nfiles ? nfiles : 1); i++) {
		const char *f = nfiles ? files[i] : "-";
		int bad = 0;
		in = strcmp(f, "-") ? fopen(f, "r") : stdin;
		if (!in) {
			dq_error("%s: %s", f, strerror(errno));
			fclose(t);
			return NULL;
		}
		while (!bad && (n = fread(buf, 1, sizeof(buf), in)) > 0)
			if (fwrite(buf, 1, n, t) != n)
				bad = dq_error("temporary file: %s",
					       strerror(errno));
		if (!bad && ferror(in))
			bad = dq_error("%s: read error", f);
		if (in != stdin)
			fclose(in);
		if (bad) {
			fclose(t);
			return NULL;
		}
	}
	rewind(t);
	return t;
}

int
dq_keyfile_open(struct dq_keyfile *kf, char *const *files, size_t nfiles,
		size_t nrules, const struct dq_blockrec *slim)
{
	memset(kf, 0, sizeof(*kf));
	kf->nrules = nrules;
	kf->slim = slim;
	kf->name = nfiles == 1 ? files[0] : "-";
	dq_u64map_init(&kf->skipped);
	dq_record_init(&kf->rec);
	dq_buf_init(&kf->t, 0);
	if (nfiles == 1 && strcmp(files[0], "-")) {
		kf->in = fopen(files[0], "r");
		if (!kf->in)
			return dq_error("%s: %s", files[0], strerror(errno));
		return 0;
	}
	kf->in = copy_in(files, nfiles);
	return kf->in ? 0 : -1;
}

static void
drop_block(struct dq_keyfile *kf)
{
	for (size_t x = 0; x < kf->n; x++)
		free(kf->lines[x]);
	kf->n = 0;
}

void
dq_keyfile_release(struct dq_keyfile *kf)
{
	drop_block(kf);
	free(kf->lines);
	free(kf->kl);
	free(kf->line);
	free(kf->ahead);
	dq_u64map_release(&kf->skipped);
	dq_record_release(&kf->rec);
	dq_buf_release(&kf->t);
	if (kf->in)
		fclose(kf->in);
	memset(kf, 0, sizeof(*kf));
}

int
dq_keyfile_guard(struct dq_keyfile *kf,
		 int (*guard)(void *ctx, const struct dq_keyline *first,
			      size_t size),
		 void *ctx)
{
	struct dq_keyline k, cur = { 0 };
	uint64_t last_seq = 0;
	unsigned char last_src = 0;
	unsigned last_source = 0;
	size_t gn = 0;
	ssize_t n;
	long lineno;
	int have = 0, rc = 0;

	for (lineno = 1; (n = getline(&kf->line, &kf->cap, kf->in)) > 0;
	     lineno++) {
		char *line = kf->line;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (dq_keyline_parse(line, (size_t)n, kf->nrules, &k)) {
			rc = dq_error("%s:%ld: not a key line of dq-block "
				      "--emit-keys with these rules", kf->name,
				      lineno);
			break;
		}
		if (have && (k.rule < cur.rule ||
			     (k.rule == cur.rule && k.hash < cur.hash))) {
			rc = dq_error("%s:%ld: key lines not sorted (use "
				      "LC_ALL=C sort)", kf->name, lineno);
			break;
		}
		if (have && k.rule == cur.rule && k.hash == cur.hash) {
			/* Sorted, one record's lines of a block are adjacent:
			 * a record twice would be paired with itself. */
			if (k.seq == last_seq && k.src == last_src &&
			    k.source == last_source) {
				rc = dq_error("%s:%ld: the record of line %ld "
					      "again, in the same block: were "
					      "the key lines given twice?",
					      kf->name, lineno, lineno - 1);
				break;
			}
			last_seq = k.seq;
			last_src = k.src;
			last_source = k.source;
			gn++;
			continue;
		}
		if (have && gn >= 2 && guard(ctx, &cur, gn))
			dq_u64map_put(&kf->skipped, skey(cur.rule, cur.hash),
				      1);
		/* k points into the line: keep a copy of its key (and
		 * only what the guard is told, a line is 600 bytes). */
		free((char *)(have ? cur.key : NULL));
		cur.rule = k.rule;
		cur.hash = k.hash;
		cur.src = k.src;
		cur.source = k.source;
		cur.seq = k.seq;
		cur.key = dq_xstrndup(k.key, k.keylen);
		cur.keylen = k.keylen;
		last_seq = k.seq;
		last_src = k.src;
		last_source = k.source;
		gn = 1;
		have = 1;
	}
	if (!rc && have && gn >= 2 && guard(ctx, &cur, gn))
		dq_u64map_put(&kf->skipped, skey(cur.rule, cur.hash), 1);
	if (have)
		free((char *)cur.key);
	if (rc)
		return rc;
	if (ferror(kf->in))
		return dq_error("%s: read error", kf->name);
	rewind(kf->in);
	return 0;
}

/* Replace the record at the end of line x by its projection. */
static int
slim_line(struct dq_keyfile *kf, size_t x)
{
	struct dq_keyline *k = &kf->kl[x];
	struct dq_json_error err;
	size_t head = (size_t)(k->rec - kf->lines[x]);

	if (dq_json_scan(&kf->rec, k->rec, k->reclen, &err))
		return dq_error("%s: a key line's record: %s", kf->name,
				err.reason);
	dq_buf_reset(&kf->t);
	dq_buf_add(&kf->t, kf->lines[x], head);
	dq_blockrec_slim(kf->slim, &kf->rec, &kf->t);
	free(kf->lines[x]);
	kf->lines[x] = dq_xstrndup(kf->t.buf, kf->t.len);
	if (dq_keyline_parse(kf->lines[x], kf->t.len, kf->nrules, k))
		return dq_error("%s: changed while read", kf->name);
	return 0;
}

/* Add line s[0..n) (taking it over) to the block. */
static int
add_line(struct dq_keyfile *kf, char *s, size_t n)
{
	if (kf->n == kf->gcap) {
		kf->gcap = kf->gcap ? kf->gcap * 2 : 16;
		kf->lines = dq_xrealloc(kf->lines,
					kf->gcap * sizeof(*kf->lines));
		kf->kl = dq_xrealloc(kf->kl, kf->gcap * sizeof(*kf->kl));
	}
	kf->lines[kf->n] = s;
	if (dq_keyline_parse(s, n, kf->nrules, &kf->kl[kf->n++]))
		return dq_error("%s: changed while read", kf->name);
	return kf->slim ? slim_line(kf, kf->n - 1) : 0;
}

int
dq_keyfile_next(struct dq_keyfile *kf)
{
	ssize_t n;
	uint64_t hash;

	drop_block(kf);
	kf->skip = 0;
	if (kf->ahead) {
		char *s = kf->ahead;
		kf->ahead = NULL;
		if (add_line(kf, s, kf->aheadlen))
			return -1;
	}
	while (kf->in && (n = getline(&kf->line, &kf->cap, kf->in)) > 0) {
		size_t rule;
		if (kf->line[n - 1] == '\n')
			kf->line[--n] = '\0';
		if (n == 0) {
			/* The first pass let no empty line through: the
			 * end, as a read error would be. */
			break;
		}
		/* The first pass checked the lines: the rule and hash are
		 * enough to tell where a block ends. */
		if (n < 20 || dq_keyline_hex64(kf->line + 3, &hash))
			return dq_error("%s: changed while read", kf->name);
		rule = (size_t)((kf->line[0] - '0') * 10 + kf->line[1] - '0');
		if (kf->n && (rule != kf->kl[0].rule ||
			      hash != kf->kl[0].hash)) {
			kf->ahead = dq_xstrndup(kf->line, (size_t)n);
			kf->aheadlen = (size_t)n;
			break;
		}
		if (add_line(kf, dq_xstrndup(kf->line, (size_t)n), (size_t)n))
			return -1;
	}
	if (!kf->ahead && kf->in) {
		/* The end: nothing more is read. */
		fclose(kf->in);
		kf->in = NULL;
	}
	if (!kf->n)
		return 0;
	if (kf->n >= 2) {
		kf->skip = skipped(kf, kf->kl[0].rule, kf->kl[0].hash);
		/* Keys of skipped blocks do not count as agreeing. */
		for (size_t x = 0; x < kf->n && !kf->skip; x++)
			for (size_t q = 0; q < kf->nrules; q++)
				if (kf->kl[x].h[q] &&
				    skipped(kf, q, kf->kl[x].h[q]))
					kf->kl[x].h[q] = 0;
	}
	return 1;
}

uint64_t
dq_keyfile_pairs(const struct dq_keyfile *kf,
		 void (*pair)(void *ctx, const struct dq_keyline *a,
			      const struct dq_keyline *b),
		 void *ctx, uint64_t *found)
{
	const struct dq_keyline *kl = kf->kl;
	size_t n = kf->skip ? 0 : kf->n, r = n ? kl[0].rule : 0;
	uint64_t written = 0;

	for (size_t x = 0; x < n; x++)
		for (size_t y = x + 1; y < n; y++) {
			if (!dq_keyline_eligible(&kl[x], &kl[y]))
				continue;
			(*found)++;
			if (dq_blocks_found_before(r, kl[x].h, kl[y].h))
				continue;
			written++;
			pair(ctx, &kl[x], &kl[y]);
		}
	return written;
}
