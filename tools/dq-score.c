/*
 * dq-score - score candidate pairs: compare the fields of the two records,
 * weigh the comparisons with a model, decide match, review or distinct,
 * and explain the score field by field.
 *
 * Input: candidate pairs as dq-block writes them,
 * {"a":{record},"b":{record},"_dq":{"rules":[...]}}.  Output: the same
 * pair with "_dq" extended by score, decision, features (per field: level,
 * similarity, weight) and, with the Fellegi-Sunter model, match_weight.
 * The pair's own "_dq" keys are kept.  Lines that are not pairs go to the
 * rejects sink.
 *
 * With --model (or the weighted model, or m/u written in the contract) each
 * pair is scored on its own: a pure filter, so `parallel --pipe` can run
 * it.  A Fellegi-Sunter model with nothing to start from is trained on the
 * input first (lib/er/fsmodel.c: u from random pairs of the records, m and
 * the prior by EM): the pairs are spooled to an unlinked temporary file,
 * then read back and scored.  --train FILE trains and writes the model
 * only.  Memory: one pair at a time per thread, nothing per pair; while
 * training the distinct level vectors, an 8-byte hash per distinct
 * record, a 4000-record sample and the term-frequency tables (31 MB for
 * the pairs of 1M dq-gen records: about 30 bytes a record).
 *
 * --explain LIST writes the features only for the listed decisions: the
 * distinct pairs, nearly all candidates, then cost a few dozen bytes.
 *
 * Guard (docs/score.md): when a "shared" field (email, phone) agrees
 * exactly but the "differ" field (first name) is at its lowest level, a
 * match is lowered to review: households share addresses, phones and
 * emails.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "er/fsmodel.h"
#include "cli/par.h"
#include "cli/run.h"

static const char synopsis[] =
	"usage: dq-score [-c CONTRACT]... [OPTIONS] [FILE...]\n"
	"\n"
	"Score candidate pairs {\"a\":{...},\"b\":{...},\"_dq\":{...}} with the\n"
	"contract's 'compare' section: per-field comparison levels, a\n"
	"weighted or Fellegi-Sunter model, a decision (match, review,\n"
	"distinct) from the 'thresholds' section and the explanation in\n"
	"_dq.features.  Without --model a Fellegi-Sunter model is first\n"
	"trained on the input itself (no labels needed).\n";

static const char help[] =
	"\n"
	"Model:\n"
	"  -m, --model FILE      score with the model in FILE (written by\n"
	"                        --train); each pair is scored on its own,\n"
	"                        so the program can run under parallel --pipe\n"
	"  -t, --train FILE      train on the input and write the model to\n"
	"                        FILE; no pairs are written\n"
	"      --labels FILE     known entities, \"id<TAB>entity\" per line:\n"
	"                        m and the prior come from the pairs whose two\n"
	"                        ids are labelled instead of from EM\n"
	"      --u-pairs N       random record pairs for u (default 200000)\n"
	"      --sample R        train on this share of the pairs, drawn at\n"
	"                        random (default 1: all)\n"
	"      --seed N          seed of the random sample (default 1)\n"
	"\n"
	"Output:\n"
	"      --explain LIST    write _dq.features only on the pairs decided\n"
	"                        as listed: match, review, distinct, comma-\n"
	"                        separated, or none (default: all three);\n"
	"                        --explain match,review keeps the output of\n"
	"                        the many distinct pairs short\n"
	"  -j, --jobs N          with --model: worker threads (default: the\n"
	"                        cores, at most 8); output in input order,\n"
	"                        the same for every N\n"
	"\n"
	"The record id (--id, default \"id\") counts each record once for\n"
	"term frequencies and the sample; records without one are told apart\n"
	"by their text.  Exit status: 0 done, 1 more rejects than\n"
	"--max-rejects, 2 usage, contract, model or input error.\n";

enum { O_EXPLAIN = DQ_OPT_TOOL, O_LABELS, O_U_PAIRS, O_SEED, O_SAMPLE };

/* Decisions, as bits of --explain. */
enum { D_MATCH = 1, D_REVIEW = 2, D_DISTINCT = 4 };

static const struct option longopts[] = {
	{ "explain", required_argument, NULL, O_EXPLAIN },
	{ "labels", required_argument, NULL, O_LABELS },
	{ "model", required_argument, NULL, 'm' },
	{ "sample", required_argument, NULL, O_SAMPLE },
	{ "seed", required_argument, NULL, O_SEED },
	{ "train", required_argument, NULL, 't' },
	{ "u-pairs", required_argument, NULL, O_U_PAIRS },
	{ "jobs", required_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 }
};

static struct {
	const char *model_path;
	const char *train_path;
	const char *labels_path;
	long long u_pairs;
	long long seed;
	double sample;
	long long jobs; /* 0: the default */
	int explain;    /* D_* bits: decisions whose pairs get features */
} O = { NULL, NULL, NULL, 200000, 1, 1.0, 0,
	D_MATCH | D_REVIEW | D_DISTINCT };

/* --explain LIST into O.explain. */
static int
parse_explain(const char *arg)
{
	const char *p = arg;
	O.explain = 0;
	if (!strcmp(arg, "none"))
		return 0;
	for (;;) {
		size_t n = strcspn(p, ",");
		if (n == 5 && !memcmp(p, "match", 5))
			O.explain |= D_MATCH;
		else if (n == 6 && !memcmp(p, "review", 6))
			O.explain |= D_REVIEW;
		else if (n == 8 && !memcmp(p, "distinct", 8))
			O.explain |= D_DISTINCT;
		else
			return dq_error("--explain: '%.*s' is not match, "
					"review, distinct or none", (int)n, p);
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

static int
option(void *ctx, int c, const char *arg)
{
	(void)ctx;
	switch (c) {
	case 'm': O.model_path = arg; return 0;
	case O_EXPLAIN: return parse_explain(arg);
	case 't': O.train_path = arg; return 0;
	case O_LABELS: O.labels_path = arg; return 0;
	case O_U_PAIRS:
		if (dq_parse_ll(arg, 1, 1000000000LL, &O.u_pairs))
			return dq_error("--u-pairs: '%s' is not a count from "
					"1 to 1000000000", arg);
		return 0;
	case O_SAMPLE: {
		char *end;
		errno = 0;
		O.sample = strtod(arg, &end);
		if (errno || end == arg || *end || !(O.sample > 0) ||
		    O.sample > 1)
			return dq_error("--sample: '%s' is not a share in "
					"(0, 1]", arg);
		return 0;
	}
	case 'j':
		if (dq_parse_ll(arg, 1, DQ_PAR_MAX_JOBS, &O.jobs))
			return dq_error("--jobs '%s': expected 1 to %d", arg,
					DQ_PAR_MAX_JOBS);
		return 0;
	case O_SEED:
		if (dq_parse_ll(arg, 0, 0x7fffffffffffffffLL, &O.seed))
			return dq_error("--seed: '%s' is not a whole number",
					arg);
		return 0;
	}
	return -1;
}

/* ---- labels: id hash -> entity hash ---- */

static struct {
	uint64_t *key, *val;
	size_t cap, n;
} L;

static void
label_put(uint64_t k, uint64_t v)
{
	size_t i;
	k |= 1;
	if ((L.n + 1) * 2 > L.cap) {
		uint64_t *ok = L.key, *ov = L.val;
		size_t oc = L.cap;
		L.cap = oc ? oc * 2 : 1024;
		L.key = dq_xcalloc(L.cap, 8);
		L.val = dq_xcalloc(L.cap, 8);
		L.n = 0;
		for (size_t j = 0; j < oc; j++)
			if (ok[j]) {
				i = (size_t)ok[j] & (L.cap - 1);
				while (L.key[i])
					i = (i + 1) & (L.cap - 1);
				L.key[i] = ok[j];
				L.val[i] = ov[j];
				L.n++;
			}
		free(ok);
		free(ov);
	}
	i = (size_t)k & (L.cap - 1);
	while (L.key[i] && L.key[i] != k)
		i = (i + 1) & (L.cap - 1);
	if (!L.key[i])
		L.n++;
	L.key[i] = k;
	L.val[i] = v;
}

static int
label_get(uint64_t k, uint64_t *v)
{
	size_t i;
	k |= 1;
	if (!L.cap)
		return 0;
	i = (size_t)k & (L.cap - 1);
	while (L.key[i]) {
		if (L.key[i] == k) {
			*v = L.val[i];
			return 1;
		}
		i = (i + 1) & (L.cap - 1);
	}
	return 0;
}

static int
load_labels(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long ln = 0;
	if (!f)
		return dq_error("%s: %s", path, strerror(errno));
	while ((n = getline(&line, &cap, f)) > 0) {
		char *tab;
		ln++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (!n)
			continue;
		tab = memchr(line, '\t', (size_t)n);
		if (!tab || tab == line || tab + 1 == line + n) {
			free(line);
			fclose(f);
			return dq_error("%s:%ld: expected \"id<TAB>entity\"",
					path, ln);
		}
		label_put(XXH3_64bits(line, (size_t)(tab - line)),
			  XXH3_64bits(tab + 1, (size_t)(line + n - tab - 1)));
	}
	free(line);
	fclose(f);
	return 0;
}

/* ---- pairs ---- */

struct side {
	struct dq_buf val[DQ_FS_MAX_FIELDS];
	struct dq_buf tmp;
	const char *v[DQ_FS_MAX_FIELDS]; /* NULL: missing or null */
	size_t n[DQ_FS_MAX_FIELDS];
	struct dq_buf id;
};

static struct dq_fs_model M;

/* What scoring one pair needs: one per thread (the model M is read-only
 * while pairs are scored). */
struct scorer {
	struct side A, B;
	struct dq_fs_scratch scr;
	struct dq_buf meta, folded[DQ_FS_MAX_FIELDS];
	int swapped[DQ_FS_MAX_FIELDS];
	uint64_t n_match, n_review, n_distinct, n_guard;
};
static struct scorer S0; /* the main thread's */

/* Skip white space. */
static const char *
ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* End of the string starting at p (its opening quote); *esc set when it
 * holds a backslash. */
static const char *
skip_string(const char *p, const char *e, int *esc)
{
	const char *q = p + 1;
	for (;;) {
		const char *c = memchr(q, '"', (size_t)(e - q));
		const char *b;
		if (!c)
			return e;
		/* The quote ends the string unless an odd run of
		 * backslashes precedes it. */
		for (b = c; b > q && b[-1] == '\\'; b--)
			;
		if (!*esc && memchr(p + 1, '\\', (size_t)(c - p - 1)))
			*esc = 1;
		if ((c - b) % 2 == 0)
			return c + 1;
		q = c + 1;
	}
}

/* End of the value starting at p (a valid JSON value). */
static const char *
skip_value(const char *p, const char *e)
{
	int depth = 0, esc;
	while (p < e) {
		char c = *p;
		if (c == '"') {
			p = skip_string(p, e, &esc);
			if (!depth)
				return p;
			continue;
		}
		if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (--depth <= 0)
				return p + 1;
		} else if (!depth && (c == ',' || c == ' ' || c == '\t' ||
				      c == '\n' || c == '\r')) {
			return p;
		}
		p++;
	}
	return p;
}

static int
key_is(const char *k, size_t kn, int kesc, const char *name, size_t nn,
       struct dq_buf *tmp)
{
	if (!kesc)
		return kn == nn && !memcmp(k, name, nn);
	dq_buf_reset(tmp);
	dq_json_unescape(k - 1, kn + 2, tmp);
	return tmp->len == nn && !memcmp(tmp->buf, name, nn);
}

/*
 * Read one side ("a" or "b") of a pair; -1 when it is not an object.
 * The line was validated by the scanner, so the members of the side are
 * found by a light walk that only skips over values.
 */
static int
read_side(const struct dq_record *pair, const char *key, struct side *s,
	  const char *id_field)
{
	long k = dq_record_find(pair, key, 1);
	const struct dq_member *mb;
	const char *p, *e;
	size_t idn = strlen(id_field);
	int have_id = 0;

	if (k < 0 || pair->m[k].type != DQ_JSON_OBJECT)
		return -1;
	mb = &pair->m[k];
	for (size_t f = 0; f < M.n; f++) {
		s->v[f] = NULL;
		s->n[f] = 0;
	}
	dq_buf_reset(&s->id);
	p = mb->val + 1;
	e = mb->val + mb->vallen - 1;
	for (;;) {
		const char *ks, *vs, *ve;
		int kesc = 0, vesc = 0;
		size_t kn;
		p = ws(p, e);
		if (p >= e || *p != '"')
			break;
		ks = p + 1;
		p = skip_string(p, e, &kesc);
		kn = (size_t)(p - 1 - ks);
		p = ws(p, e) + 1; /* the colon */
		vs = ws(p, e);
		if (*vs == '"')
			ve = skip_string(vs, e, &vesc);
		else
			ve = skip_value(vs, e);
		p = ws(ve, e);
		if (p < e && *p == ',')
			p++;
		if (key_is(ks, kn, kesc, id_field, idn, &s->tmp)) {
			if (*vs == '"')
				dq_json_unescape(vs, (size_t)(ve - vs), &s->id);
			else
				dq_buf_add(&s->id, vs, (size_t)(ve - vs));
			have_id = 1;
		}
		for (size_t f = 0; f < M.n; f++) {
			if (!key_is(ks, kn, kesc, M.f[f].name, M.f[f].namelen,
				    &s->tmp))
				continue;
			if (*vs == 'n')
				break; /* null */
			if (*vs != '"') {
				s->v[f] = vs;
				s->n[f] = (size_t)(ve - vs);
			} else if (vesc) {
				dq_buf_reset(&s->val[f]);
				dq_json_unescape(vs, (size_t)(ve - vs),
						 &s->val[f]);
				s->v[f] = s->val[f].buf;
				s->n[f] = s->val[f].len;
			} else {
				s->v[f] = vs + 1;
				s->n[f] = (size_t)(ve - vs) - 2;
			}
			break;
		}
	}
	if (!have_id)
		dq_buf_add(&s->id, mb->val, mb->vallen);
	return 0;
}

static int
read_pair(struct scorer *sc, const struct dq_record *pair,
	  const char *id_field)
{
	return read_side(pair, "a", &sc->A, id_field) ||
	       read_side(pair, "b", &sc->B, id_field) ? -1 : 0;
}

static int
worst(size_t f, int l)
{
	return l == M.f[f].nlevels - 1;
}

/*
 * Levels of every field.  A field with "swap_with" (first name, last
 * name) that disagrees with its partner both ways is compared crosswise
 * too: when both cross comparisons reach a level above the lowest, the
 * values were written in each other's place and the cross levels count.
 */
static void
levels_of(struct scorer *sc, int *lv, double *sim)
{
	for (size_t f = 0; f < M.n; f++) {
		lv[f] = dq_fs_compare(&M, f, sc->A.v[f], sc->A.n[f], sc->B.v[f], sc->B.n[f],
				      &sim[f], &sc->scr);
		sc->swapped[f] = 0;
		dq_buf_reset(&sc->folded[f]);
		dq_buf_add(&sc->folded[f], sc->scr.a.buf, sc->scr.a.len);
	}
	for (size_t f = 0; f < M.n; f++) {
		size_t g = (size_t)M.f[f].swap;
		int lf, lg;
		double sf, sg;
		if (M.f[f].swap < 0 || sc->swapped[f] || !worst(f, lv[f]) ||
		    !worst(g, lv[g]))
			continue;
		lf = dq_fs_compare(&M, f, sc->A.v[f], sc->A.n[f], sc->B.v[g], sc->B.n[g], &sf,
				   &sc->scr);
		if (lf < 0 || worst(f, lf))
			continue;
		dq_buf_reset(&sc->folded[f]);
		dq_buf_add(&sc->folded[f], sc->scr.a.buf, sc->scr.a.len);
		lg = dq_fs_compare(&M, g, sc->A.v[g], sc->A.n[g], sc->B.v[f], sc->B.n[f], &sg,
				   &sc->scr);
		if (lg < 0 || worst(g, lg)) {
			dq_fs_compare(&M, f, sc->A.v[f], sc->A.n[f], sc->B.v[f], sc->B.n[f],
				      &sf, &sc->scr);
			dq_buf_reset(&sc->folded[f]);
			dq_buf_add(&sc->folded[f], sc->scr.a.buf, sc->scr.a.len);
			continue;
		}
		dq_buf_reset(&sc->folded[g]);
		dq_buf_add(&sc->folded[g], sc->scr.a.buf, sc->scr.a.len);
		lv[f] = lf;
		lv[g] = lg;
		sim[f] = sf;
		sim[g] = sg;
		sc->swapped[f] = sc->swapped[g] = 1;
	}
}

/* Append v (already rounded to dec decimals, dec <= 9) in fixed
 * notation without trailing zeros: no printf on the per-pair path. */
static void
add_num(struct dq_buf *b, double v, int dec)
{
	static const double p10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
				      1e8, 1e9 };
	double a = fabs(v) * p10[dec] + 0.5;
	unsigned long long x, ip, fr, d = (unsigned long long)p10[dec];
	char t[16];
	int n = dec;

	if (!(a < 9e18)) {
		dq_buf_addf(b, "%.6g", v);
		return;
	}
	x = (unsigned long long)a;
	ip = x / d;
	fr = x % d;
	if (v < 0 && x)
		dq_buf_addch(b, '-');
	dq_buf_add_int(b, (long long)ip);
	if (!fr)
		return;
	while (fr % 10 == 0) {
		fr /= 10;
		n--;
	}
	for (int i = n - 1; i >= 0; i--, fr /= 10)
		t[i] = (char)('0' + fr % 10);
	dq_buf_addch(b, '.');
	dq_buf_add(b, t, (size_t)n);
}

/* The household guard: a shared field agrees (similarity 0.7 or more:
 * the same phone, even without its area code; the same street however
 * abbreviated), a "differ" field is at its lowest level and no "unless"
 * field agrees exactly. */
static int
guard_hit(const int *lv, const double *sim, size_t ndiffer)
{
	int shared = 0, differ = 0;
	for (size_t k = 0; k < M.nguard_shared; k++) {
		int f = M.guard_shared[k];
		if (lv[f] >= 0 && lv[f] < M.f[f].nlevels - 1 && sim[f] >= 0.7)
			shared = 1;
	}
	for (size_t k = 0; k < ndiffer; k++) {
		int f = M.guard_differ[k];
		if (lv[f] == M.f[f].nlevels - 1)
			differ = 1;
	}
	for (size_t k = 0; k < M.nguard_unless; k++)
		if (lv[M.guard_unless[k]] == 0)
			return 0;
	return shared && differ;
}

/* Score the pair read into A and B; the "_dq" members into sc->meta. */
static void
score_pair(struct scorer *sc)
{
	int lv[DQ_FS_MAX_FIELDS];
	double sim[DQ_FS_MAX_FIELDS], w[DQ_FS_MAX_FIELDS], total = 0, score;
	const char *decision;
	int guarded = 0;

	levels_of(sc, lv, sim);
	if (M.kind == DQ_FS_FELLEGI_SUNTER) {
		total = dq_fs_prior_weight(&M);
		for (size_t f = 0; f < M.n; f++) {
			w[f] = dq_fs_log2_bf(&M, f, lv[f], sc->folded[f].buf,
					     sc->folded[f].len);
			total += w[f];
		}
		score = dq_fs_probability(total);
	} else {
		score = 0;
		for (size_t f = 0; f < M.n; f++) {
			w[f] = sim[f] * M.f[f].weight;
			score += w[f];
		}
		if (score > 1)
			score = 1;
	}
	/* Decide on the score as printed, so that what a reviewer sees
	 * is what was compared with the thresholds. */
	score = round(score * 1e6) / 1e6;
	decision = score >= M.match ? "match"
		   : score >= M.review ? "review" : "distinct";
	if (decision[0] == 'm' && guard_hit(lv, sim, M.nguard_differ)) {
		guarded = 1;
		decision = "review";
		sc->n_guard++;
	}
	if (decision[0] == 'm')
		sc->n_match++;
	else if (decision[0] == 'r')
		sc->n_review++;
	else
		sc->n_distinct++;

	dq_buf_reset(&sc->meta);
	dq_buf_addstr(&sc->meta, "\"score\":");
	add_num(&sc->meta, score, 6);
	dq_buf_addstr(&sc->meta, ",\"decision\":\"");
	dq_buf_addstr(&sc->meta, decision);
	dq_buf_addch(&sc->meta, '"');
	if (M.kind == DQ_FS_FELLEGI_SUNTER) {
		dq_buf_addstr(&sc->meta, ",\"match_weight\":");
		add_num(&sc->meta, round(total * 1e4) / 1e4, 4);
	}
	if (guarded)
		dq_buf_addstr(&sc->meta, ",\"guard\":\"household\"");
	if (!(O.explain & (decision[0] == 'm'	? D_MATCH
			   : decision[0] == 'r' ? D_REVIEW
						: D_DISTINCT)))
		return;
	dq_buf_addstr(&sc->meta, ",\"features\":{");
	for (size_t f = 0; f < M.n; f++) {
		if (f)
			dq_buf_addch(&sc->meta, ',');
		dq_buf_add_json_string(&sc->meta, M.f[f].name,
				       strlen(M.f[f].name));
		dq_buf_addstr(&sc->meta, ":{\"level\":\"");
		dq_buf_addstr(&sc->meta, dq_fs_level_name(&M, f, lv[f]));
		dq_buf_addstr(&sc->meta, "\",\"similarity\":");
		add_num(&sc->meta, round(sim[f] * 1e4) / 1e4, 4);
		dq_buf_addstr(&sc->meta, ",\"weight\":");
		add_num(&sc->meta, round(w[f] * 1e4) / 1e4, 4);
		if (sc->swapped[f])
			dq_buf_addstr(&sc->meta, ",\"swapped\":true");
		dq_buf_addch(&sc->meta, '}');
	}
	dq_buf_addch(&sc->meta, '}');
}

static int
train_label(struct scorer *sc)
{
	uint64_t ea, eb;
	if (!L.cap)
		return -1;
	if (!label_get(XXH3_64bits(sc->A.id.buf, sc->A.id.len), &ea) ||
	    !label_get(XXH3_64bits(sc->B.id.buf, sc->B.id.len), &eb))
		return -1;
	return ea == eb;
}

/* Every pair's records count for the term frequencies and the sample;
 * only the sampled pairs are compared for EM. */
static void
train_one(struct scorer *sc, struct dq_fs_trainer *t, int sampled)
{
	int lv[DQ_FS_MAX_FIELDS];
	double sim[DQ_FS_MAX_FIELDS];
	dq_fs_train_record(t, sc->A.id.buf, sc->A.id.len, sc->A.v, sc->A.n);
	dq_fs_train_record(t, sc->B.id.buf, sc->B.id.len, sc->B.v, sc->B.n);
	if (!sampled)
		return;
	levels_of(sc, lv, sim);
	/* Households would form a class of their own in EM (same surname,
	 * address and phone, another first name); the guard keeps them out
	 * of the match class, so training leaves them out too.  Only the
	 * first "differ" field defines them here: leaving out every pair
	 * whose date of birth differs would teach the model that matches
	 * never have one. */
	if (guard_hit(lv, sim, M.nguard_differ ? 1 : 0))
		return;
	dq_fs_train_pair(t, lv, train_label(sc));
}

static cJSON *
summary_figures(void)
{
	cJSON *x = cJSON_CreateObject(), *d;
	if (!x)
		dq_die("out of memory");
	cJSON_AddStringToObject(x, "model", M.kind == DQ_FS_WEIGHTED
					    ? "weighted" : "fellegi-sunter");
	d = cJSON_AddObjectToObject(x, "decisions");
	cJSON_AddNumberToObject(d, "match", (double)S0.n_match);
	cJSON_AddNumberToObject(d, "review", (double)S0.n_review);
	cJSON_AddNumberToObject(d, "distinct", (double)S0.n_distinct);
	cJSON_AddNumberToObject(x, "guarded", (double)S0.n_guard);
	if (M.kind == DQ_FS_FELLEGI_SUNTER) {
		cJSON_AddNumberToObject(x, "lambda", M.lambda);
		cJSON_AddNumberToObject(x, "em_iterations", M.em_iterations);
	}
	return x;
}

static void
write_model(const char *path)
{
	cJSON *doc = dq_fs_to_json(&M);
	char *txt = cJSON_Print(doc);
	FILE *f;
	if (!txt)
		dq_die("out of memory");
	f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	if (!f || fputs(txt, f) == EOF || fputc('\n', f) == EOF ||
	    (f != stdout ? fclose(f) : fflush(f)))
		dq_die("%s: %s", path, strerror(errno));
	cJSON_free(txt);
	cJSON_Delete(doc);
}

static void
load_model(const char *path)
{
	size_t n;
	char *txt = dq_read_file(path, &n);
	struct dq_buf err = DQ_BUF_INIT;
	cJSON *doc;
	if (!txt)
		exit(2);
	doc = cJSON_ParseWithLength(txt, n);
	free(txt);
	if (!doc)
		dq_die("%s: not valid JSON", path);
	if (dq_fs_load_model(&M, doc, &err)) {
		/* Free before dying, so that a leak checker sees nothing. */
		cJSON_Delete(doc);
		dq_error("%s: %s", path, err.buf);
		dq_buf_release(&err);
		exit(2);
	}
	cJSON_Delete(doc);
	dq_buf_release(&err);
}

static void
scorer_release(struct scorer *sc)
{
	struct side *s[2] = { &sc->A, &sc->B };
	for (int k = 0; k < 2; k++) {
		for (size_t f = 0; f < DQ_FS_MAX_FIELDS; f++)
			dq_buf_release(&s[k]->val[f]);
		dq_buf_release(&s[k]->id);
		dq_buf_release(&s[k]->tmp);
	}
	for (size_t f = 0; f < DQ_FS_MAX_FIELDS; f++)
		dq_buf_release(&sc->folded[f]);
	dq_buf_release(&sc->scr.a);
	dq_buf_release(&sc->scr.b);
	dq_buf_release(&sc->meta);
}

/* ---- scoring with a model, in worker threads (lib/cli/par.h) ---- */

static const char *id_field;

static void *
work_start(void *ctx, int k)
{
	(void)ctx;
	(void)k;
	return dq_xcalloc(1, sizeof(struct scorer));
}

static int
work_record(void *ws, struct dq_record *rec, const struct dq_item *it,
	    uint64_t seq, struct dq_buf *out, const char **reject)
{
	struct scorer *sc = ws;

	(void)it;
	(void)seq;
	if (read_pair(sc, rec, id_field)) {
		*reject = "not a candidate pair (needs objects 'a' and 'b')";
		return -1;
	}
	score_pair(sc);
	dq_record_write(rec, sc->meta.buf, sc->meta.len, out);
	dq_buf_addch(out, '\n');
	return 1;
}

static void
work_finish(void *ctx, void *ws, int k)
{
	struct scorer *sc = ws;

	(void)ctx;
	(void)k;
	S0.n_match += sc->n_match;
	S0.n_review += sc->n_review;
	S0.n_distinct += sc->n_distinct;
	S0.n_guard += sc->n_guard;
	scorer_release(sc);
	free(sc);
}

int
main(int argc, char **argv)
{
	static const struct dq_tool tool = {
		.name = "dq-score",
		.synopsis = synopsis,
		.help = help,
		.shortopts = "m:t:j:",
		.longopts = longopts,
		.option = option,
	};
	static struct dq_run run;
	static struct dq_record rec;
	struct dq_buf err = DQ_BUF_INIT;
	struct dq_fs_trainer *tr = NULL;
	FILE *spool = NULL;
	int status;

	dq_run_init(&run, &tool, argc, argv);
	dq_fs_init(&M);
	if (dq_fs_load_contract(&M, dq_contract_get(&run.contract, "compare"),
				dq_contract_get(&run.contract, "thresholds"),
				&err))
		dq_die("contract: %s", err.buf);
	if (O.model_path && O.train_path)
		dq_die("--model and --train cannot be used together");
	if (O.labels_path && O.model_path)
		dq_die("--labels is for training; it cannot be used with "
		       "--model");
	if (O.model_path)
		load_model(O.model_path);
	if (O.labels_path && load_labels(O.labels_path))
		return 2;
	dq_fs_prepare(&M);
	if (O.train_path || (M.kind == DQ_FS_FELLEGI_SUNTER && !M.trained) ||
	    O.labels_path) {
		tr = dq_fs_train_new(&M, (uint64_t)O.seed);
		if (!O.train_path) {
			spool = tmpfile();
			if (!spool)
				dq_die("temporary file: %s", strerror(errno));
		}
	}

	if (!tr) {
		/* A model in hand: every pair is scored on its own, on every
		 * core. */
		static const struct dq_par_work work = {
			.start = work_start,
			.record = work_record,
			.finish = work_finish,
		};
		id_field = run.id_field;
		dq_par_run(&run, O.jobs ? (int)O.jobs : dq_par_default_jobs(),
			   &work);
	}
	dq_record_init(&rec);
	while (tr && dq_run_next(&run, &rec) > 0) {
		if (read_pair(&S0, &rec, run.id_field)) {
			dq_run_reject(&run, "not a candidate pair (needs "
				      "objects 'a' and 'b')", 0);
			continue;
		}
		if (tr) {
			/* The sample is drawn by a hash of the two ids, so
			 * that it depends neither on the order of the pairs
			 * nor on the fields carried (dq-block --slim). */
			uint64_t h = XXH3_64bits_withSeed(
				S0.B.id.buf, S0.B.id.len,
				XXH3_64bits_withSeed(S0.A.id.buf, S0.A.id.len,
						     (uint64_t)O.seed));
			train_one(&S0, tr, O.sample >= 1 ||
				  (double)(h >> 11) <
					  O.sample * 9007199254740992.0);
			if (spool && (fwrite(rec.text, 1, rec.len, spool) !=
					      rec.len ||
				      putc('\n', spool) == EOF))
				dq_die("temporary file: %s", strerror(errno));
			continue;
		}
		score_pair(&S0);
		dq_record_write(&rec, S0.meta.buf, S0.meta.len, &run.out.b);
		dq_run_emit(&run);
	}
	if (tr) {
		dq_fs_train_finish(tr, (uint64_t)O.u_pairs, O.sample);
		if (O.train_path)
			write_model(O.train_path);
	}
	dq_fs_prepare(&M);
	if (spool) {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;
		struct dq_json_error e;
		if (fflush(spool) || fseek(spool, 0, SEEK_SET))
			dq_die("temporary file: %s", strerror(errno));
		while ((n = getline(&line, &cap, spool)) > 0) {
			if (dq_json_scan(&rec, line, (size_t)n - 1, &e) ||
			    read_pair(&S0, &rec, run.id_field))
				dq_die("temporary file: changed under us");
			score_pair(&S0);
			dq_record_write(&rec, S0.meta.buf, S0.meta.len, &run.out.b);
			dq_run_emit(&run);
		}
		if (ferror(spool))
			dq_die("temporary file: %s", strerror(errno));
		free(line);
		fclose(spool);
	}
	dq_record_release(&rec);
	status = dq_run_finish(&run, summary_figures(), 0);
	scorer_release(&S0);
	dq_fs_release(&M);
	dq_buf_release(&err);
	free(L.key);
	free(L.val);
	return status;
}
