/*
 * fsmodel.c - comparison levels, the weighted and the Fellegi-Sunter
 * match models, unsupervised training and term-frequency adjustment.
 *
 * Levels.  Each field has a comparator that maps a pair of values to a
 * level, best agreement first ("exact", "close", ..., "different"), or to
 * null when either value is missing; null says nothing either way (it
 * adds 0 to the weight and is left out of training).  Text is compared in
 * its folded form (dq_cmp_fold: trimmed, ASCII-folded, lower case).
 *
 * Weighted model: score = min(1, sum over fields of similarity x weight).
 *
 * Fellegi-Sunter (I. P. Fellegi and A. B. Sunter, "A theory for record
 * linkage", JASA 64, 1969): for field f at level l, m = P(level | match)
 * and u = P(level | non-match); the match weight of a pair is
 * log2(lambda / (1 - lambda)) + sum over fields of log2(m / u) (fields
 * assumed independent given the match status), and the match probability
 * is 2^w / (1 + 2^w).  The score is that probability.
 *
 * Training without labels, as described by W. E. Winkler ("Using the EM
 * algorithm for weight computation in the Fellegi-Sunter model of record
 * linkage", Proc. Section on Survey Research Methods, ASA, 1988) and done
 * by Splink (moj-analytical-services.github.io/splink, "Expectation
 * maximisation" and "Estimating u probabilities" topics): u is estimated
 * directly from random pairs of records (in a link, pairs across two
 * sources, the only pairs a link makes), which are almost all
 * non-matches; then, with u fixed, EM over the candidate pairs alternates
 * the posterior match probability of each pair (E step) with m and lambda
 * re-estimated as probability-weighted level shares (M step).  Pairs with
 * the same level vector are grouped first, so an iteration costs the
 * number of distinct vectors, not pairs.  Small floors keep every m and u
 * positive (log2 of 0 is not a weight).
 *
 * Term-frequency adjustment (Winkler 1988 above; Splink "term frequency
 * adjustments"): for a field marked tf, exact agreement on value v uses
 * u = the share of records holding v instead of the field's average u, so
 * agreeing on "smith" weighs less than agreeing on "zbigniew".  Values
 * not in the table (first seen after training) use the table's minimum,
 * one record's share.
 *
 * Limits: conditional independence is assumed (correlated fields, such as
 * city and postcode, count twice); at most 16 fields of at most 8 levels.
 */
#include "er/fsmodel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "base/rng.h"
#include "base/u64map.h"
#include "er/compare.h"
#include "norm/date.h"
#include "stream/path.h"

/* Default level bounds of the word comparators, from the similarity
 * distributions of generated text (docs/score.md, "Default bounds"). */
#define ME_CLOSE 0.90
#define ME_SIMILAR 0.80
#define TFIDF_CLOSE 0.65
#define TFIDF_SIMILAR 0.50

static const char *const cmp_names[DQ_FS_NCMP] = {
	"exact", "jaro_winkler", "levenshtein", "damerau_levenshtein",
	"jaccard", "qgram", "name", "date", "email", "phone",
	"numeric_abs", "numeric_rel", "monge_elkan", "tfidf", "code", "year"
};

static const char *const lv_exact[] = { "exact", "different" };
static const double sim_exact[] = { 1, 0 };
static const char *const lv_string[] = { "exact", "close", "similar",
					 "different" };
static const char *const lv_name[] = { "exact", "nickname", "close",
				       "similar", "initial", "different" };
static const char *const lv_date[] = { "exact", "swapped", "close",
				       "same_year", "different" };
static const double sim_date[] = { 1, 0.9, 0.8, 0.3, 0 };
static const char *const lv_email[] = { "exact", "local", "domain",
					"different" };
static const double sim_email[] = { 1, 0.9, 0.1, 0 };
static const char *const lv_phone[] = { "exact", "last_n", "different" };
static const double sim_phone[] = { 1, 0.7, 0 };
static const char *const lv_num[] = { "exact", "close", "near",
				      "different" };
static const double sim_num[] = { 1, 0.9, 0.6, 0 };
static const char *const lv_code[] = { "exact", "shared", "close",
				       "conflict" };
static const double sim_code[] = { 1, 0.8, 0.6, 0 };
static const char *const lv_year[] = { "exact", "close", "different" };
static const double sim_year[] = { 1, 0.7, 0 };

/* ---- term-frequency tables ---- */

static void
tf_release(struct dq_fs_tf *t)
{
	dq_strmap_release(&t->map);
	free(t->freq);
	memset(t, 0, sizeof(*t));
	dq_strmap_init(&t->map);
}

/* Set value v's share to f (a new value or not). */
static void
tf_put(struct dq_fs_tf *t, const char *v, size_t n, double f)
{
	long i = dq_strmap_get(&t->map, v, n);
	if (i < 0) {
		i = (long)t->map.n;
		if (t->map.n == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 64;
			t->freq = dq_xrealloc(t->freq,
					      t->cap * sizeof(*t->freq));
		}
		dq_strmap_add(&t->map, v, n, (size_t)i);
	}
	t->freq[i] = f;
}

/* The value's share, or -1 when absent. */
static double
tf_get(const struct dq_fs_tf *t, const char *v, size_t n)
{
	long i = dq_strmap_get(&t->map, v, n);
	return i < 0 ? -1 : t->freq[i];
}

/* ---- the model ---- */

void
dq_fs_init(struct dq_fs_model *m)
{
	memset(m, 0, sizeof(*m));
	m->kind = DQ_FS_FELLEGI_SUNTER;
	m->lambda = 0.1;
	m->match = 0.95;
	m->review = 0.80;
	m->fix_u = 1;
}

void
dq_fs_release(struct dq_fs_model *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->f[i].name);
		free(m->f[i].swap_name);
		tf_release(&m->f[i].tft);
		tf_release(&m->f[i].df);
	}
	m->n = 0;
}

static void
set_levels(struct dq_fs_field *f)
{
	switch (f->cmp) {
	case DQ_FS_EXACT:
		f->level_names = lv_exact;
		f->level_sim = sim_exact;
		f->nlevels = 2;
		break;
	case DQ_FS_NAME:
		f->level_names = lv_name;
		f->level_sim = NULL;
		f->nlevels = 6;
		break;
	case DQ_FS_DATE:
		f->level_names = lv_date;
		f->level_sim = sim_date;
		f->nlevels = 5;
		break;
	case DQ_FS_EMAIL:
		f->level_names = lv_email;
		f->level_sim = sim_email;
		f->nlevels = 4;
		break;
	case DQ_FS_PHONE:
		f->level_names = lv_phone;
		f->level_sim = sim_phone;
		f->nlevels = 3;
		break;
	case DQ_FS_NUMERIC_ABS:
	case DQ_FS_NUMERIC_REL:
		f->level_names = lv_num;
		f->level_sim = sim_num;
		f->nlevels = 4;
		break;
	case DQ_FS_CODE:
		f->level_names = lv_code;
		f->level_sim = sim_code;
		f->nlevels = 4;
		break;
	case DQ_FS_YEAR:
		f->level_names = lv_year;
		f->level_sim = sim_year;
		f->nlevels = 3;
		break;
	default:
		f->level_names = lv_string;
		f->level_sim = NULL;
		f->nlevels = 4;
	}
	/* Starting values: most matches agree exactly, most non-matches
	 * differ; training replaces them. */
	for (int l = 0; l < f->nlevels; l++) {
		f->m[l] = l == 0 ? 0.9 : 0.1 / (f->nlevels - 1);
		f->u[l] = l == f->nlevels - 1 ? 1 - 0.01 * (f->nlevels - 1)
					       : 0.01;
	}
}

static int
get_num(const cJSON *o, const char *key, double lo, double hi, double *out,
	const char *path, struct dq_buf *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v)
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble < lo || v->valuedouble > hi) {
		dq_buf_addf(err, "'%s.%s' must be a number from %g to %g",
			    path, key, lo, hi);
		return -1;
	}
	*out = v->valuedouble;
	return 0;
}

static int
get_bool(const cJSON *o, const char *key, int *out, const char *path,
	 struct dq_buf *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v)
		return 0;
	if (!cJSON_IsBool(v)) {
		dq_buf_addf(err, "'%s.%s' must be true or false", path, key);
		return -1;
	}
	*out = cJSON_IsTrue(v);
	return 0;
}

static long
field_index(const struct dq_fs_model *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->f[i].name, name))
			return (long)i;
	return -1;
}

/* A field name or an array of them, from key in o, as field indexes. */
static int
field_list(const struct dq_fs_model *m, const cJSON *o, const char *key,
	   int *out, size_t *n, struct dq_buf *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key), *it;
	*n = 0;
	if (!v)
		return 0;
	if (cJSON_IsString(v)) {
		out[0] = (int)field_index(m, v->valuestring);
		*n = 1;
		if (out[0] >= 0)
			return 0;
	} else if (cJSON_IsArray(v)) {
		cJSON_ArrayForEach(it, v)
		{
			long k = cJSON_IsString(it)
					 ? field_index(m, it->valuestring)
					 : -1;
			if (k < 0 || *n == DQ_FS_MAX_FIELDS)
				break;
			out[(*n)++] = (int)k;
		}
		if (!it)
			return 0;
	}
	dq_buf_addf(err, "'compare.guard.%s' must name fields of "
		    "'compare.fields'", key);
	return -1;
}

/* The close and similar bounds of a comparator (docs/score.md, "Default
 * bounds", says how they were chosen). */
static void
default_bounds(struct dq_fs_field *f)
{
	switch (f->cmp) {
	case DQ_FS_MONGE_ELKAN:
		f->close = ME_CLOSE;
		f->similar = ME_SIMILAR;
		break;
	case DQ_FS_TFIDF:
		f->close = TFIDF_CLOSE;
		f->similar = TFIDF_SIMILAR;
		break;
	default:
		f->close = 0.92;
		f->similar = 0.80;
	}
}

static int
inner_kind(const char *s, int *out)
{
	if (!strcmp(s, "jaro_winkler"))
		*out = DQ_CMP_INNER_JARO_WINKLER;
	else if (!strcmp(s, "levenshtein"))
		*out = DQ_CMP_INNER_LEVENSHTEIN;
	else if (!strcmp(s, "damerau_levenshtein"))
		*out = DQ_CMP_INNER_DAMERAU;
	else
		return -1;
	return 0;
}

static int
load_field(struct dq_fs_model *m, const cJSON *fo, struct dq_buf *err)
{
	struct dq_fs_field *f;
	char path[300];
	const cJSON *c;
	double d;

	snprintf(path, sizeof(path), "compare.fields.%s", fo->string);
	if (dq_path_has_each(fo->string, strlen(fo->string))) {
		dq_buf_addf(err, "'%s': a name with [] names every element of "
			    "an array; a comparison reads one value", path);
		return -1;
	}
	if (m->n == DQ_FS_MAX_FIELDS) {
		dq_buf_addf(err, "'%s': at most %d fields can be compared",
			    path, DQ_FS_MAX_FIELDS);
		return -1;
	}
	if (!cJSON_IsObject(fo)) {
		dq_buf_addf(err, "'%s' must be an object", path);
		return -1;
	}
	f = &m->f[m->n];
	memset(f, 0, sizeof(*f));
	f->cmp = DQ_FS_JARO_WINKLER;
	c = cJSON_GetObjectItemCaseSensitive(fo, "comparator");
	if (c) {
		int k;
		for (k = 0; k < DQ_FS_NCMP; k++)
			if (cJSON_IsString(c) &&
			    !strcmp(c->valuestring, cmp_names[k]))
				break;
		if (cJSON_IsString(c) && !strcmp(c->valuestring, "token_set"))
			k = DQ_FS_MONGE_ELKAN;
		if (k == DQ_FS_NCMP) {
			dq_buf_addf(err, "'%s.comparator': unknown comparator "
				    "(exact, jaro_winkler, levenshtein, "
				    "damerau_levenshtein, jaccard, qgram, name, "
				    "date, email, phone, numeric_abs, "
				    "numeric_rel, monge_elkan or token_set, "
				    "tfidf, code, year)", path);
			return -1;
		}
		f->cmp = (enum dq_fs_cmp)k;
	}
	f->weight = 0.1;
	default_bounds(f);
	f->num_close = f->cmp == DQ_FS_NUMERIC_REL ? 0.01 : 1;
	f->num_near = f->cmp == DQ_FS_NUMERIC_REL ? 0.1 : 10;
	f->within_days = 31;
	f->last_digits = 7;
	f->q = 2;
	f->nicknames = 1;
	if (get_num(fo, "weight", 0, 1, &f->weight, path, err) ||
	    get_num(fo, "close", 0, 1, &f->close, path, err) ||
	    get_num(fo, "similar", 0, 1, &f->similar, path, err) ||
	    get_num(fo, "num_close", 0, 1e300, &f->num_close, path, err) ||
	    get_num(fo, "num_near", 0, 1e300, &f->num_near, path, err) ||
	    get_bool(fo, "nicknames", &f->nicknames, path, err) ||
	    get_bool(fo, "tf", &f->tf, path, err))
		return -1;
	d = f->within_days;
	if (get_num(fo, "within_days", 0, 3660000, &d, path, err))
		return -1;
	f->within_days = (int)d;
	d = f->last_digits;
	if (get_num(fo, "last_digits", 1, 15, &d, path, err))
		return -1;
	f->last_digits = (int)d;
	d = f->q;
	if (get_num(fo, "q", 1, 8, &d, path, err))
		return -1;
	f->q = (int)d;
	c = cJSON_GetObjectItemCaseSensitive(fo, "inner");
	if (c && (f->cmp != DQ_FS_MONGE_ELKAN || !cJSON_IsString(c) ||
		  inner_kind(c->valuestring, &f->inner))) {
		dq_buf_addf(err, "'%s.inner': a monge_elkan field's word "
			    "comparator: jaro_winkler, levenshtein or "
			    "damerau_levenshtein", path);
		return -1;
	}
	if (f->similar > f->close) {
		dq_buf_addf(err, "'%s': 'similar' is above 'close'", path);
		return -1;
	}
	set_levels(f);
	/* Hand-set m and u (a model without training). */
	for (int k = 0; k < 2; k++) {
		const char *key = k ? "u" : "m";
		double *dst = k ? f->u : f->m;
		c = cJSON_GetObjectItemCaseSensitive(fo, key);
		if (!c)
			continue;
		if (!cJSON_IsArray(c) || cJSON_GetArraySize(c) != f->nlevels) {
			dq_buf_addf(err, "'%s.%s' must be an array of %d "
				    "probabilities, one per level", path, key,
				    f->nlevels);
			return -1;
		}
		int l = 0;
		const cJSON *e;
		cJSON_ArrayForEach(e, c)
		{
			if (!cJSON_IsNumber(e) || e->valuedouble <= 0 ||
			    e->valuedouble > 1) {
				dq_buf_addf(err, "'%s.%s': probabilities must "
					    "be in (0, 1]", path, key);
				return -1;
			}
			dst[l++] = e->valuedouble;
		}
		m->trained = 1;
	}
	c = cJSON_GetObjectItemCaseSensitive(fo, "swap_with");
	if (c && !cJSON_IsString(c)) {
		dq_buf_addf(err, "'%s.swap_with' must be a field name", path);
		return -1;
	}
	f->swap_name = c ? dq_xstrdup(c->valuestring) : NULL;
	f->swap = -1;
	f->name = dq_xstrdup(fo->string);
	f->namelen = strlen(f->name);
	m->n++;
	return 0;
}

/* The default comparison for people when the contract has none. */
static const char default_compare[] =
	"{\"fields\":{"
	"\"first_name\":{\"comparator\":\"name\",\"weight\":0.1,\"tf\":true},"
	"\"last_name\":{\"comparator\":\"jaro_winkler\",\"weight\":0.1,"
	"\"tf\":true},"
	"\"dob\":{\"comparator\":\"date\",\"weight\":0.2},"
	"\"email\":{\"comparator\":\"email\",\"weight\":0.7},"
	"\"phone\":{\"comparator\":\"phone\",\"weight\":0.6}},"
	"\"guard\":{\"shared\":[\"email\",\"phone\"],"
	"\"differ\":\"first_name\"}}";

int
dq_fs_load_contract(struct dq_fs_model *m, const cJSON *compare,
		    const cJSON *thresholds, struct dq_buf *err)
{
	cJSON *def = NULL;
	const cJSON *fields, *it, *g;
	int rc = -1;

	const cJSON *guard_from = compare;
	def = cJSON_Parse(default_compare);
	if (!def)
		dq_die("out of memory");
	if (!compare)
		compare = def;
	it = cJSON_GetObjectItemCaseSensitive(compare, "model");
	if (it) {
		if (cJSON_IsString(it) &&
		    !strcmp(it->valuestring, "fellegi-sunter"))
			m->kind = DQ_FS_FELLEGI_SUNTER;
		else if (cJSON_IsString(it) &&
			 !strcmp(it->valuestring, "weighted"))
			m->kind = DQ_FS_WEIGHTED;
		else {
			dq_buf_addstr(err, "'compare.model' must be "
				      "\"fellegi-sunter\" or \"weighted\"");
			goto out;
		}
	}
	if (get_num(compare, "prior", 1e-9, 1 - 1e-9, &m->lambda, "compare",
		    err))
		goto out;
	it = cJSON_GetObjectItemCaseSensitive(compare, "u_from");
	if (it) {
		if (cJSON_IsString(it) && !strcmp(it->valuestring, "random"))
			m->fix_u = 1;
		else if (cJSON_IsString(it) && !strcmp(it->valuestring, "em"))
			m->fix_u = 0;
		else {
			dq_buf_addstr(err, "'compare.u_from' must be \"em\" "
				      "or \"random\"");
			goto out;
		}
	}
	/* Without fields of its own the section keeps the default ones
	 * (and their guard), so --set compare.model=weighted works alone. */
	fields = cJSON_GetObjectItemCaseSensitive(compare, "fields");
	guard_from = compare;
	if (!fields) {
		fields = cJSON_GetObjectItemCaseSensitive(def, "fields");
		guard_from = def;
	}
	if (!cJSON_IsObject(fields) || !cJSON_GetArraySize(fields)) {
		dq_buf_addstr(err, "'compare.fields' must be an object naming "
			      "at least one field");
		goto out;
	}
	cJSON_ArrayForEach(it, fields)
		if (load_field(m, it, err))
			goto out;
	for (size_t i = 0; i < m->n; i++) {
		struct dq_fs_field *f = &m->f[i];
		if (!f->swap_name)
			continue;
		f->swap = (int)field_index(m, f->swap_name);
		if (f->swap < 0 || f->swap == (int)i) {
			dq_buf_addf(err, "'compare.fields.%s.swap_with': '%s' "
				    "is not another field of 'compare.fields'",
				    f->name, f->swap_name);
			goto out;
		}
	}
	g = cJSON_GetObjectItemCaseSensitive(guard_from, "guard");
	if (g) {
		if (field_list(m, g, "shared", m->guard_shared,
			       &m->nguard_shared, err) ||
		    field_list(m, g, "differ", m->guard_differ,
			       &m->nguard_differ, err) ||
		    field_list(m, g, "unless", m->guard_unless,
			       &m->nguard_unless, err))
			goto out;
		if (!m->nguard_shared || !m->nguard_differ) {
			dq_buf_addstr(err, "'compare.guard' needs 'shared' and "
				      "'differ'");
			goto out;
		}
	}
	if (thresholds) {
		if (!cJSON_IsObject(thresholds)) {
			dq_buf_addstr(err, "'thresholds' must be an object");
			goto out;
		}
		if (get_num(thresholds, "match", 0, 1, &m->match, "thresholds",
			    err) ||
		    get_num(thresholds, "review", 0, 1, &m->review,
			    "thresholds", err))
			goto out;
		if (m->review > m->match) {
			dq_buf_addstr(err, "'thresholds.review' is above "
				      "'thresholds.match'");
			goto out;
		}
	}
	rc = 0;
out:
	cJSON_Delete(def);
	return rc;
}

/* ---- comparing ---- */

static int
is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

static int
parse_date(const char *s, size_t n, int *y, int *mo, int *d)
{
	struct dq_datetime dt;
	/* ISO 8601 (what dq-normalize writes) without the full parser. */
	if (n == 10 && s[4] == '-' && s[7] == '-') {
		int ok = 1, v[8], k = 0;
		for (size_t i = 0; i < 10 && ok; i++)
			if (i != 4 && i != 7) {
				ok = s[i] >= '0' && s[i] <= '9';
				v[k++] = s[i] - '0';
			}
		if (ok) {
			*y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
			*mo = v[4] * 10 + v[5];
			*d = v[6] * 10 + v[7];
			return dq_date_valid(*y, *mo, *d) && *y >= 1 ? 0 : -1;
		}
	}
	if (dq_date_parse(s, n, NULL, &dt))
		return -1;
	*y = dt.year;
	*mo = dt.month;
	*d = dt.day;
	return 0;
}

static int
parse_num(const char *s, size_t n, double *v)
{
	char buf[64], *end;
	if (!n || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	*v = strtod(buf, &end);
	return end == buf || *end || !isfinite(*v) ? -1 : 0;
}

/*
 * A given name without what is not part of it: titles (mr, mrs, ms, miss,
 * dr, prof, mx, sir) and one-letter initials ("maggie v", "ms. josse"),
 * as long as something else is left, and the dots after abbreviations.
 * b holds a folded name of several words.
 */
static void
name_core(struct dq_buf *b)
{
	static const char *const titles[] = { "mr", "mrs", "ms", "miss", "dr",
					      "prof", "mx", "sir", NULL };
	char out[256];
	size_t o = 0, i = 0, kept = 0;
	int initials = 1;

	if (b->len >= sizeof(out) || !memchr(b->buf, ' ', b->len))
		return;
again:
	while (i < b->len) {
		size_t st = i, l;
		while (i < b->len && b->buf[i] != ' ')
			i++;
		l = i - st;
		i++;
		size_t core = l && b->buf[st + l - 1] == '.' ? l - 1 : l;
		int drop = core == 0 || (initials && core == 1);
		for (int k = 0; titles[k] && !drop; k++)
			drop = strlen(titles[k]) == core &&
			       !memcmp(titles[k], b->buf + st, core);
		if (drop)
			continue;
		if (kept++)
			out[o++] = ' ';
		memcpy(out + o, b->buf + st, core);
		o += core;
	}
	if (!kept && initials) {
		/* Nothing but initials: keep them. */
		initials = 0;
		i = o = 0;
		goto again;
	}
	if (!kept)
		return;
	dq_buf_reset(b);
	dq_buf_add(b, out, o);
}

/* A word's inverse document frequency, ln(1 + N / df): never 0, so a
 * word every record holds still counts a little; a word the table lacks
 * (held by one record, or first seen after training) has df 1. */
static double
idf_of(const void *ctx, const char *w, size_t n)
{
	const struct dq_fs_field *f = ctx;
	double df = tf_get(&f->df, w, n);
	return log(1 + f->ndocs / (df > 0 ? df : 1));
}

static int
string_level(const struct dq_fs_field *f, double s, int first)
{
	if (s >= f->close)
		return first;
	if (s >= f->similar)
		return first + 1;
	return -1;
}

int
dq_fs_compare(const struct dq_fs_model *m, size_t i, const char *a,
	      size_t an, const char *b, size_t bn, double *sim,
	      struct dq_fs_scratch *scr)
{
	const struct dq_fs_field *f = &m->f[i];
	const char *x, *y;
	size_t xn, yn;
	int l;
	double s = 0;

	*sim = 0;
	dq_buf_reset(&scr->a);
	if (!a || !b || is_blank(a, an) || is_blank(b, bn))
		return DQ_FS_NULL;
	/* Equal text is the commonest case among candidate pairs: exact
	 * at once (numbers included: "10" and "10" are equal), folding
	 * only what the term frequencies need.  Not for code and year,
	 * which read only their part of the text: two equal names without
	 * a code say nothing about codes (the name field counts them). */
	if (an == bn && !memcmp(a, b, an) && f->cmp != DQ_FS_CODE &&
	    f->cmp != DQ_FS_YEAR) {
		if (f->tf) {
			dq_cmp_fold(a, an, &scr->a);
			if (f->cmp == DQ_FS_NAME)
				name_core(&scr->a);
		}
		*sim = 1;
		return 0;
	}
	if (f->cmp == DQ_FS_PHONE) {
		l = (int)dq_cmp_phone(a, an, b, bn, f->last_digits);
		dq_buf_add(&scr->a, a, an);
		goto fixed;
	}
	if (f->cmp == DQ_FS_DATE) {
		int y1, m1, d1, y2, m2, d2;
		if (parse_date(a, an, &y1, &m1, &d1) ||
		    parse_date(b, bn, &y2, &m2, &d2)) {
			/* An unreadable date ("0000-00-00", "1941/13/10")
			 * says nothing, unless both texts are equal. */
			if (an != bn || memcmp(a, b, an))
				return DQ_FS_NULL;
			l = 0;
		} else {
			l = (int)dq_cmp_date(y1, m1, d1, y2, m2, d2,
					     f->within_days);
		}
		goto fixed;
	}
	if (f->cmp == DQ_FS_NUMERIC_ABS || f->cmp == DQ_FS_NUMERIC_REL) {
		double p, q, diff;
		if (parse_num(a, an, &p) || parse_num(b, bn, &q))
			return DQ_FS_NULL;
		diff = f->cmp == DQ_FS_NUMERIC_ABS ? dq_cmp_abs_diff(p, q)
						   : dq_cmp_rel_diff(p, q);
		l = diff == 0 ? 0 : diff <= f->num_close ? 1
			: diff <= f->num_near ? 2 : 3;
		goto fixed;
	}
	if (f->cmp == DQ_FS_YEAR) {
		int y1 = dq_cmp_year(a, an), y2 = dq_cmp_year(b, bn);
		if (!y1 || !y2)
			return DQ_FS_NULL;
		l = y1 == y2 ? 0 : y1 - y2 == 1 || y2 - y1 == 1 ? 1 : 2;
		goto fixed;
	}
	dq_buf_reset(&scr->b);
	dq_cmp_fold(a, an, &scr->a);
	dq_cmp_fold(b, bn, &scr->b);
	x = scr->a.buf;
	xn = scr->a.len;
	y = scr->b.buf;
	yn = scr->b.len;
	if (!xn || !yn)
		return DQ_FS_NULL;
	if (xn == yn && !memcmp(x, y, xn) && f->cmp != DQ_FS_CODE) {
		*sim = 1;
		return 0;
	}
	switch (f->cmp) {
	case DQ_FS_EXACT:
		return 1;
	case DQ_FS_EMAIL:
		l = (int)dq_cmp_email(x, xn, y, yn);
		goto fixed;
	case DQ_FS_LEVENSHTEIN:
		s = dq_cmp_levenshtein_sim(x, xn, y, yn);
		break;
	case DQ_FS_DAMERAU:
		s = dq_cmp_damerau_sim(x, xn, y, yn);
		break;
	case DQ_FS_JACCARD:
		s = dq_cmp_jaccard(x, xn, y, yn);
		break;
	case DQ_FS_QGRAM:
		s = dq_cmp_qgram(x, xn, y, yn, f->q);
		break;
	case DQ_FS_MONGE_ELKAN:
		s = dq_cmp_monge_elkan(x, xn, y, yn,
				       (enum dq_cmp_inner)f->inner);
		break;
	case DQ_FS_TFIDF:
		s = dq_cmp_tfidf(x, xn, y, yn, f->ndocs > 0 ? idf_of : NULL,
				 f);
		break;
	case DQ_FS_CODE:
		l = (int)dq_cmp_code(x, xn, y, yn);
		if (l == DQ_CMP_CODE_NONE)
			return DQ_FS_NULL;
		goto fixed;
	case DQ_FS_NAME:
		name_core(&scr->a);
		name_core(&scr->b);
		x = scr->a.buf;
		xn = scr->a.len;
		y = scr->b.buf;
		yn = scr->b.len;
		if (xn == yn && !memcmp(x, y, xn)) {
			*sim = 1;
			return 0;
		}
		s = dq_cmp_jaro_winkler(x, xn, y, yn);
		if (f->nicknames && dq_cmp_nickname(x, xn, y, yn)) {
			*sim = s > 0.95 ? s : 0.95;
			return 1;
		}
		*sim = s;
		l = string_level(f, s, 2);
		if (l >= 0)
			return l;
		/* One typo in a short name ("Xin" and "Xni", "Jun" and
		 * "Jn") is close, though Jaro-Winkler is low for short
		 * strings. */
		if (xn + yn >= 5 && xn >= 2 && yn >= 2 &&
		    dq_cmp_damerau(x, xn, y, yn) <= 1)
			return 2;
		/* A typo of a nickname ("Mikc" and "Michael") is close. */
		if (f->nicknames && dq_cmp_nickname_typo(x, xn, y, yn))
			return 2;
		/* "J" or "J." against "John". */
		if ((xn == 1 || (xn == 2 && x[1] == '.') || yn == 1 ||
		     (yn == 2 && y[1] == '.')) && x[0] == y[0]) {
			*sim = 0.5 > s ? 0.5 : s;
			return 4;
		}
		return 5;
	default:
		s = dq_cmp_jaro_winkler(x, xn, y, yn);
	}
	*sim = s;
	l = string_level(f, s, 1);
	return l >= 0 ? l : f->nlevels - 1;
fixed:
	*sim = f->level_sim[l];
	return l;
}

double
dq_fs_log2_bf(const struct dq_fs_model *m, size_t i, int l, const char *v,
	      size_t vn)
{
	const struct dq_fs_field *f = &m->f[i];
	double u;
	if (l == DQ_FS_NULL)
		return 0;
	if (!(l == 0 && f->tf) && f->bf_ok)
		return f->bf[l];
	u = f->u[l];
	if (l == 0 && f->tf && v && f->tft.map.n && f->u_random > 0) {
		/* The share of records holding v against the average
		 * chance that two random records agree. */
		double t = tf_get(&f->tft, v, vn);
		u *= (t > 0 ? t : f->tft.min) / f->u_random;
	}
	return log2(f->m[l] / u);
}

void
dq_fs_prepare(struct dq_fs_model *m)
{
	for (size_t i = 0; i < m->n; i++) {
		struct dq_fs_field *f = &m->f[i];
		for (int l = 0; l < f->nlevels; l++)
			f->bf[l] = log2(f->m[l] / f->u[l]);
		f->bf_ok = 1;
	}
}

double
dq_fs_prior_weight(const struct dq_fs_model *m)
{
	return log2(m->lambda / (1 - m->lambda));
}

double
dq_fs_probability(double w)
{
	if (w > 60)
		return 1;
	if (w < -60)
		return 0;
	double o = exp2(w);
	return o / (1 + o);
}

const char *
dq_fs_level_name(const struct dq_fs_model *m, size_t i, int l)
{
	return l == DQ_FS_NULL ? "null" : m->f[i].level_names[l];
}

/* ---- the model file ---- */

cJSON *
dq_fs_to_json(const struct dq_fs_model *m)
{
	cJSON *doc = cJSON_CreateObject(), *fields, *tr;
	if (!doc)
		dq_die("out of memory");
	cJSON_AddNumberToObject(doc, "dq_model", 1);
	cJSON_AddStringToObject(doc, "model", m->kind == DQ_FS_WEIGHTED
						? "weighted" : "fellegi-sunter");
	cJSON_AddNumberToObject(doc, "lambda", m->lambda);
	tr = cJSON_AddObjectToObject(doc, "training");
	cJSON_AddNumberToObject(tr, "pairs", (double)m->train_pairs);
	cJSON_AddNumberToObject(tr, "records", (double)m->train_records);
	cJSON_AddNumberToObject(tr, "u_pairs", (double)m->u_pairs);
	cJSON_AddNumberToObject(tr, "possible_pairs", m->possible_pairs);
	if (m->link_sources) {
		cJSON *ls = cJSON_AddArrayToObject(tr, "link_records");
		for (size_t s = 0; s < m->link_sources; s++)
			cJSON_AddItemToArray(ls, cJSON_CreateNumber(
				(double)m->link_records[s]));
	}
	cJSON_AddNumberToObject(tr, "em_iterations", m->em_iterations);
	cJSON_AddBoolToObject(tr, "labelled", m->labelled);
	fields = cJSON_AddObjectToObject(doc, "fields");
	for (size_t i = 0; i < m->n; i++) {
		const struct dq_fs_field *f = &m->f[i];
		cJSON *fo = cJSON_AddObjectToObject(fields, f->name);
		cJSON *lv = cJSON_AddArrayToObject(fo, "levels");
		cJSON_AddStringToObject(fo, "comparator", cmp_names[f->cmp]);
		for (int l = 0; l < f->nlevels; l++) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "level", f->level_names[l]);
			cJSON_AddNumberToObject(o, "m", f->m[l]);
			cJSON_AddNumberToObject(o, "u", f->u[l]);
			cJSON_AddItemToArray(lv, o);
		}
		if (f->cmp == DQ_FS_TFIDF && f->ndocs > 0) {
			cJSON *t = cJSON_AddObjectToObject(fo, "idf");
			cJSON *vals;
			cJSON_AddNumberToObject(t, "records", f->ndocs);
			vals = cJSON_AddObjectToObject(t, "df");
			for (size_t k = 0; k < f->df.map.n; k++)
				cJSON_AddNumberToObject(vals,
							f->df.map.keys[k],
							f->df.freq[k]);
		}
		if (f->tf && f->tft.map.n) {
			cJSON *t = cJSON_AddObjectToObject(fo, "tf");
			cJSON *vals;
			cJSON_AddNumberToObject(t, "u_random", f->u_random);
			cJSON_AddNumberToObject(t, "min", f->tft.min);
			vals = cJSON_AddObjectToObject(t, "values");
			/* In the order added: as first seen in training, or
			 * as the model file read had them. */
			for (size_t k = 0; k < f->tft.map.n; k++)
				cJSON_AddNumberToObject(vals,
							f->tft.map.keys[k],
							f->tft.freq[k]);
		}
	}
	return doc;
}

/* m and u are each a distribution over a field's levels: every level in
 * (0, 1] and the sum 1, to within the rounding of a model written by hand
 * with three decimals (0.01); a model outside that is a broken file, and
 * scoring with it gives probabilities outside [0, 1]. */
static int
check_sums(const struct dq_fs_field *f, struct dq_buf *err)
{
	double sm = 0, su = 0;

	for (int l = 0; l < f->nlevels; l++) {
		sm += f->m[l];
		su += f->u[l];
	}
	if (fabs(sm - 1) > 0.01 || fabs(su - 1) > 0.01) {
		dq_buf_addf(err, "field '%s': the levels' 'm' sum to %.4g and "
			    "their 'u' to %.4g: each must sum to 1", f->name,
			    sm, su);
		return -1;
	}
	return 0;
}

/* A tfidf field's document frequencies from a model file: {"records":
 * N, "df": {"word": count, ...}}, each count from 2 to N. */
static int
load_idf(struct dq_fs_field *f, const cJSON *idf, struct dq_buf *err)
{
	const cJSON *n, *df, *e;

	if (f->cmp != DQ_FS_TFIDF)
		return 0;
	n = cJSON_GetObjectItemCaseSensitive(idf, "records");
	df = cJSON_GetObjectItemCaseSensitive(idf, "df");
	if (!cJSON_IsNumber(n) || !(n->valuedouble >= 1) ||
	    !cJSON_IsObject(df)) {
		dq_buf_addf(err, "field '%s': a tfidf field needs 'idf' with "
			    "'records' and 'df'", f->name);
		return -1;
	}
	tf_release(&f->df);
	cJSON_ArrayForEach(e, df)
	{
		if (!cJSON_IsNumber(e) || !(e->valuedouble >= 1) ||
		    e->valuedouble > n->valuedouble) {
			dq_buf_addf(err, "field '%s': each 'df' count must be "
				    "from 1 to 'records'", f->name);
			return -1;
		}
		tf_put(&f->df, e->string, strlen(e->string), e->valuedouble);
	}
	f->ndocs = n->valuedouble;
	return 0;
}

int
dq_fs_load_model(struct dq_fs_model *m, const cJSON *doc, struct dq_buf *err)
{
	const cJSON *fields, *lam, *fo;

	if (!cJSON_IsObject(doc) ||
	    !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(doc,
							     "dq_model"))) {
		dq_buf_addstr(err, "not a dq model file (no 'dq_model')");
		return -1;
	}
	lam = cJSON_GetObjectItemCaseSensitive(doc, "lambda");
	fields = cJSON_GetObjectItemCaseSensitive(doc, "fields");
	if (!cJSON_IsNumber(lam) || lam->valuedouble <= 0 ||
	    lam->valuedouble >= 1 || !cJSON_IsObject(fields)) {
		dq_buf_addstr(err, "'lambda' (in (0, 1)) and 'fields' are "
			      "required");
		return -1;
	}
	m->lambda = lam->valuedouble;
	for (size_t i = 0; i < m->n; i++) {
		struct dq_fs_field *f = &m->f[i];
		const cJSON *c, *lv, *e, *tf;
		int l = 0;
		fo = cJSON_GetObjectItemCaseSensitive(fields, f->name);
		if (!fo) {
			dq_buf_addf(err, "field '%s' of the contract is not in "
				    "the model", f->name);
			return -1;
		}
		c = cJSON_GetObjectItemCaseSensitive(fo, "comparator");
		if (!cJSON_IsString(c) ||
		    strcmp(c->valuestring, cmp_names[f->cmp])) {
			dq_buf_addf(err, "field '%s': the model was trained "
				    "with another comparator", f->name);
			return -1;
		}
		lv = cJSON_GetObjectItemCaseSensitive(fo, "levels");
		if (!cJSON_IsArray(lv) ||
		    cJSON_GetArraySize(lv) != f->nlevels) {
			dq_buf_addf(err, "field '%s': 'levels' must have %d "
				    "entries", f->name, f->nlevels);
			return -1;
		}
		cJSON_ArrayForEach(e, lv)
		{
			const cJSON *mm = cJSON_GetObjectItemCaseSensitive(e,
									   "m");
			const cJSON *uu = cJSON_GetObjectItemCaseSensitive(e,
									   "u");
			if (!cJSON_IsNumber(mm) || !cJSON_IsNumber(uu) ||
			    !(mm->valuedouble > 0 && mm->valuedouble <= 1) ||
			    !(uu->valuedouble > 0 && uu->valuedouble <= 1)) {
				dq_buf_addf(err, "field '%s': each level needs "
					    "'m' and 'u' in (0, 1]", f->name);
				return -1;
			}
			f->m[l] = mm->valuedouble;
			f->u[l++] = uu->valuedouble;
		}
		if (check_sums(f, err))
			return -1;
		if (load_idf(f, cJSON_GetObjectItemCaseSensitive(fo, "idf"),
			     err))
			return -1;
		tf = cJSON_GetObjectItemCaseSensitive(fo, "tf");
		tf_release(&f->tft);
		if (tf && f->tf) {
			const cJSON *mn = cJSON_GetObjectItemCaseSensitive(tf,
									   "min");
			const cJSON *vals =
				cJSON_GetObjectItemCaseSensitive(tf, "values");
			const cJSON *ur = cJSON_GetObjectItemCaseSensitive(
				tf, "u_random");
			if (!cJSON_IsNumber(mn) || !(mn->valuedouble > 0 &&
						     mn->valuedouble <= 1) ||
			    !cJSON_IsNumber(ur) || !(ur->valuedouble > 0 &&
						     ur->valuedouble <= 1) ||
			    !cJSON_IsObject(vals)) {
				dq_buf_addf(err, "field '%s': 'tf' needs "
					    "'u_random', 'min' and 'values'",
					    f->name);
				return -1;
			}
			f->u_random = ur->valuedouble;
			cJSON_ArrayForEach(e, vals)
			{
				if (!cJSON_IsNumber(e) || !(e->valuedouble > 0 &&
							    e->valuedouble <= 1)) {
					dq_buf_addf(err, "field '%s': term "
						    "frequencies must be in "
						    "(0, 1]", f->name);
					return -1;
				}
				tf_put(&f->tft, e->string, strlen(e->string),
				       e->valuedouble);
			}
			f->tft.min = mn->valuedouble;
			if (!f->tft.map.n)
				tf_put(&f->tft, "", 0, mn->valuedouble);
		}
	}
	m->trained = 1;
	return 0;
}

/* ---- EM ---- */

int
dq_fs_em(size_t nf, const int *nlevels, size_t np, const int *pat,
	 const double *cnt, double m[][DQ_FS_MAX_LEVELS],
	 double u[][DQ_FS_MAX_LEVELS], int fix_u, double *lambda,
	 int max_iter, double tol)
{
	double num[DQ_FS_MAX_FIELDS][DQ_FS_MAX_LEVELS];
	double den[DQ_FS_MAX_FIELDS];
	double unum[DQ_FS_MAX_FIELDS][DQ_FS_MAX_LEVELS];
	double uden[DQ_FS_MAX_FIELDS];
	int it;

	for (it = 1; it <= max_iter; it++) {
		double sp = 0, total = 0, delta;
		memset(num, 0, sizeof(num));
		memset(den, 0, sizeof(den));
		memset(unum, 0, sizeof(unum));
		memset(uden, 0, sizeof(uden));
		for (size_t k = 0; k < np; k++) {
			const int *p = pat + k * nf;
			double pm = *lambda, pu = 1 - *lambda, post;
			for (size_t f = 0; f < nf; f++)
				if (p[f] >= 0) {
					pm *= m[f][p[f]];
					pu *= u[f][p[f]];
				}
			post = pm + pu > 0 ? pm / (pm + pu) : 0;
			sp += cnt[k] * post;
			total += cnt[k];
			for (size_t f = 0; f < nf; f++)
				if (p[f] >= 0) {
					num[f][p[f]] += cnt[k] * post;
					den[f] += cnt[k] * post;
					unum[f][p[f]] += cnt[k] * (1 - post);
					uden[f] += cnt[k] * (1 - post);
				}
		}
		if (!total)
			return 0;
		delta = fabs(sp / total - *lambda);
		*lambda = sp / total;
		if (*lambda < 1e-9)
			*lambda = 1e-9;
		if (*lambda > 1 - 1e-9)
			*lambda = 1 - 1e-9;
		for (size_t f = 0; f < nf && !fix_u; f++) {
			double s = 0;
			if (uden[f] <= 0)
				continue;
			for (int l = 0; l < nlevels[f]; l++) {
				double v = unum[f][l] / uden[f];
				unum[f][l] = v < 1e-6 ? 1e-6 : v;
				s += unum[f][l];
			}
			for (int l = 0; l < nlevels[f]; l++) {
				double v = unum[f][l] / s;
				if (fabs(v - u[f][l]) > delta)
					delta = fabs(v - u[f][l]);
				u[f][l] = v;
			}
		}
		for (size_t f = 0; f < nf; f++) {
			double s = 0;
			if (den[f] <= 0)
				continue;
			for (int l = 0; l < nlevels[f]; l++) {
				double v = num[f][l] / den[f];
				num[f][l] = v < 1e-6 ? 1e-6 : v;
				s += num[f][l];
			}
			for (int l = 0; l < nlevels[f]; l++) {
				double v = num[f][l] / s;
				if (fabs(v - m[f][l]) > delta)
					delta = fabs(v - m[f][l]);
				m[f][l] = v;
			}
		}
		if (delta < tol)
			break;
	}
	return it > max_iter ? max_iter : it;
}

/* ---- training ---- */

#define SAMPLE_RECORDS 4000

struct pattern {
	uint64_t key;
	double n;     /* pairs of unknown status */
	double nmatch; /* labelled matches */
	double nlab;   /* labelled pairs */
};

struct dq_fs_trainer {
	struct dq_fs_model *m;
	uint64_t rng;
	/* Ids seen (their XXH3 64-bit hashes). */
	struct dq_u64map seen;
	/* Reservoir of records: SAMPLE_RECORDS x nfields values, and each
	 * one's source (0: none). */
	char **sample;
	unsigned char *sample_src;
	size_t nsample;
	uint64_t nrecords;
	/* A link's sources: the (source, id) pairs seen (their hashes), the
	 * distinct ids of each source (nsrc[s], s from 1), and the records
	 * first added without a source (the pairs are then no link). */
	struct dq_u64map seen_src;
	uint64_t nsrc[DQ_FS_MAX_SOURCES + 1];
	uint64_t nplain;
	/* Per-field value counts for the tf fields. */
	struct dq_strmap vc[DQ_FS_MAX_FIELDS]; /* value -> index in vcn */
	uint64_t *vcn[DQ_FS_MAX_FIELDS];       /* records with the value */
	size_t vc_cap[DQ_FS_MAX_FIELDS];
	uint64_t vc_total[DQ_FS_MAX_FIELDS];
	/* Per-field word counts for the tfidf fields: records holding each
	 * word (dfn), the last record that counted it (dflast). */
	struct dq_strmap dfm[DQ_FS_MAX_FIELDS];
	uint64_t *dfn[DQ_FS_MAX_FIELDS], *dflast[DQ_FS_MAX_FIELDS];
	size_t df_cap[DQ_FS_MAX_FIELDS];
	uint64_t ndocs[DQ_FS_MAX_FIELDS];
	struct pattern *pat;
	size_t pat_cap, pat_n;
	uint64_t npairs;
	int labelled;
	struct dq_fs_scratch scr;
};

/* The trainer's draws: base/rng.h's splitmix64. */
static inline uint64_t
rnd(uint64_t *s)
{
	return dq_rng_splitmix64(s);
}

struct dq_fs_trainer *
dq_fs_train_new(struct dq_fs_model *m, uint64_t seed)
{
	struct dq_fs_trainer *t = dq_xcalloc(1, sizeof(*t));
	t->m = m;
	t->rng = seed;
	t->sample = dq_xcalloc(SAMPLE_RECORDS * (m->n ? m->n : 1),
			       sizeof(char *));
	t->sample_src = dq_xcalloc(SAMPLE_RECORDS, 1);
	dq_u64map_init(&t->seen);
	dq_u64map_init(&t->seen_src);
	for (size_t f = 0; f < DQ_FS_MAX_FIELDS; f++) {
		dq_strmap_init(&t->vc[f]);
		dq_strmap_init(&t->dfm[f]);
	}
	return t;
}

static int
seen_add(struct dq_fs_trainer *t, uint64_t h)
{
	if (dq_u64map_get(&t->seen, h))
		return 0;
	dq_u64map_put(&t->seen, h, 1);
	return 1;
}

static void
vc_add(struct dq_fs_trainer *t, size_t f, const char *v, size_t n)
{
	long i = dq_strmap_get(&t->vc[f], v, n);
	if (i < 0) {
		i = (long)t->vc[f].n;
		if (t->vc[f].n == t->vc_cap[f]) {
			t->vc_cap[f] = t->vc_cap[f] ? t->vc_cap[f] * 2 : 256;
			t->vcn[f] = dq_xrealloc(t->vcn[f], t->vc_cap[f] *
							   sizeof(*t->vcn[f]));
		}
		dq_strmap_add(&t->vc[f], v, n, (size_t)i);
		t->vcn[f][i] = 0;
	}
	t->vcn[f][i]++;
	t->vc_total[f]++;
}

/* Count each word of folded text v once for record number doc. */
static void
df_add(struct dq_fs_trainer *t, size_t f, const char *v, size_t n,
       uint64_t doc)
{
	struct dq_cmp_token w[DQ_CMP_STACK], *ws = w;
	size_t k = dq_cmp_tokens(v, n, w, DQ_CMP_STACK);

	if (k > DQ_CMP_STACK) {
		ws = dq_xmalloc(k * sizeof(*ws));
		dq_cmp_tokens(v, n, ws, k);
	}
	t->ndocs[f]++;
	for (size_t j = 0; j < k; j++) {
		long i = dq_strmap_get(&t->dfm[f], ws[j].s, ws[j].n);
		if (i < 0) {
			i = (long)t->dfm[f].n;
			if (t->dfm[f].n == t->df_cap[f]) {
				t->df_cap[f] = t->df_cap[f] ? t->df_cap[f] * 2
							    : 256;
				t->dfn[f] = dq_xrealloc(
					t->dfn[f], t->df_cap[f] * sizeof(uint64_t));
				t->dflast[f] = dq_xrealloc(
					t->dflast[f],
					t->df_cap[f] * sizeof(uint64_t));
			}
			dq_strmap_add(&t->dfm[f], ws[j].s, ws[j].n, (size_t)i);
			t->dfn[f][i] = 0;
			t->dflast[f][i] = 0;
		}
		if (t->dflast[f][i] == doc)
			continue;
		t->dflast[f][i] = doc;
		t->dfn[f][i]++;
	}
	if (ws != w)
		free(ws);
}

int
dq_fs_needs_df(const struct dq_fs_model *m)
{
	for (size_t f = 0; f < m->n; f++)
		if (m->f[f].cmp == DQ_FS_TFIDF && !(m->f[f].ndocs > 0))
			return 1;
	return 0;
}

void
dq_fs_train_df(struct dq_fs_trainer *t)
{
	struct dq_fs_model *m = t->m;

	for (size_t f = 0; f < m->n; f++) {
		struct dq_fs_field *fd = &m->f[f];
		if (fd->cmp != DQ_FS_TFIDF || !t->ndocs[f])
			continue;
		tf_release(&fd->df);
		/* Words held by one record are left to the default 1. */
		for (size_t k = 0; k < t->dfm[f].n; k++)
			if (t->dfn[f][k] > 1)
				tf_put(&fd->df, t->dfm[f].keys[k],
				       t->dfm[f].lens[k], (double)t->dfn[f][k]);
		fd->ndocs = (double)t->ndocs[f];
	}
}

void
dq_fs_train_record(struct dq_fs_trainer *t, unsigned src, const char *id,
		   size_t idn, const char *const *vals, const size_t *lens)
{
	struct dq_fs_model *m = t->m;
	size_t slot;

	if (src > DQ_FS_MAX_SOURCES)
		src = 0;
	/* An id counts once in each source that holds it. */
	if (src) {
		uint64_t h = XXH3_64bits_withSeed(id, idn, src);
		if (!dq_u64map_get(&t->seen_src, h)) {
			dq_u64map_put(&t->seen_src, h, 1);
			t->nsrc[src]++;
		}
	}
	if (!seen_add(t, XXH3_64bits(id, idn)))
		return;
	t->nrecords++;
	if (!src)
		t->nplain++;
	for (size_t f = 0; f < m->n; f++) {
		int df = m->f[f].cmp == DQ_FS_TFIDF;
		if ((!m->f[f].tf && !df) || !vals[f] ||
		    is_blank(vals[f], lens[f]))
			continue;
		dq_buf_reset(&t->scr.a);
		dq_cmp_fold(vals[f], lens[f], &t->scr.a);
		if (t->scr.a.len && m->f[f].tf)
			vc_add(t, f, t->scr.a.buf, t->scr.a.len);
		if (t->scr.a.len && df)
			df_add(t, f, t->scr.a.buf, t->scr.a.len, t->nrecords);
	}
	/* Reservoir sampling (Vitter's algorithm R). */
	if (t->nsample < SAMPLE_RECORDS)
		slot = t->nsample++;
	else {
		slot = (size_t)(rnd(&t->rng) % t->nrecords);
		if (slot >= SAMPLE_RECORDS)
			return;
	}
	for (size_t f = 0; f < m->n; f++) {
		char **p = &t->sample[slot * m->n + f];
		free(*p);
		*p = vals[f] ? dq_xstrndup(vals[f], lens[f]) : NULL;
	}
	t->sample_src[slot] = (unsigned char)src;
}

static uint64_t
pack(const int *levels, size_t n)
{
	uint64_t k = 0;
	for (size_t f = 0; f < n; f++)
		k |= (uint64_t)(levels[f] + 1) << (4 * f);
	return k + 1; /* 0 marks an empty slot */
}

void
dq_fs_train_pair(struct dq_fs_trainer *t, const int *levels, int label)
{
	uint64_t key = pack(levels, t->m->n);
	size_t i;
	if ((t->pat_n + 1) * 2 > t->pat_cap) {
		struct pattern *old = t->pat;
		size_t oc = t->pat_cap;
		t->pat_cap = oc ? oc * 2 : 1024;
		t->pat = dq_xcalloc(t->pat_cap, sizeof(*t->pat));
		for (size_t k = 0; k < oc; k++)
			if (old[k].key) {
				i = (size_t)XXH3_64bits(&old[k].key, 8) &
				    (t->pat_cap - 1);
				while (t->pat[i].key)
					i = (i + 1) & (t->pat_cap - 1);
				t->pat[i] = old[k];
			}
		free(old);
	}
	i = (size_t)XXH3_64bits(&key, 8) & (t->pat_cap - 1);
	while (t->pat[i].key && t->pat[i].key != key)
		i = (i + 1) & (t->pat_cap - 1);
	if (!t->pat[i].key) {
		t->pat[i].key = key;
		t->pat_n++;
	}
	t->npairs++;
	if (label < 0) {
		t->pat[i].n++;
		return;
	}
	t->labelled = 1;
	t->pat[i].nlab++;
	if (label)
		t->pat[i].nmatch++;
}

/* Add the levels of sampled records i and j to the counts of u. */
static void
u_count(struct dq_fs_trainer *t, size_t i, size_t j,
	double c[][DQ_FS_MAX_LEVELS], double *tot)
{
	struct dq_fs_model *m = t->m;

	for (size_t f = 0; f < m->n; f++) {
		const char *a = t->sample[i * m->n + f];
		const char *b = t->sample[j * m->n + f];
		double sim;
		int l = dq_fs_compare(m, f, a, a ? strlen(a) : 0, b,
				      b ? strlen(b) : 0, &sim, &t->scr);
		if (l == DQ_FS_NULL)
			continue;
		c[f][l]++;
		tot[f]++;
	}
}

/* A link's random pairs, across two sources: the sampled records grouped
 * by source (idx, source s's from off[s], cnt[s] of them) and every pair
 * of sources with the record pairs across it, cumulated (cum).  A draw
 * below the total picks a pair of sources by its share of the pairs, then
 * one record of each uniformly: every pair of sampled records from two
 * sources is equally likely, and no pair is drawn in vain. */
#define SOURCE_PAIRS (DQ_FS_MAX_SOURCES * (DQ_FS_MAX_SOURCES - 1) / 2)
struct across {
	size_t idx[SAMPLE_RECORDS];
	size_t off[DQ_FS_MAX_SOURCES + 1], cnt[DQ_FS_MAX_SOURCES + 1];
	unsigned char sa[SOURCE_PAIRS], sb[SOURCE_PAIRS];
	uint64_t cum[SOURCE_PAIRS];
	size_t n;
};

/* Fill x from t's sample; returns the pairs across two sources. */
static uint64_t
across_init(const struct dq_fs_trainer *t, struct across *x)
{
	size_t at = 0;
	uint64_t tot = 0;

	for (size_t i = 0; i < t->nsample; i++)
		x->cnt[t->sample_src[i]]++;
	for (size_t s = 1; s <= DQ_FS_MAX_SOURCES; s++) {
		x->off[s] = at;
		at += x->cnt[s];
		x->cnt[s] = 0;
	}
	for (size_t i = 0; i < t->nsample; i++) {
		unsigned s = t->sample_src[i];
		if (s)
			x->idx[x->off[s] + x->cnt[s]++] = i;
	}
	x->n = 0;
	for (size_t a = 1; a <= DQ_FS_MAX_SOURCES; a++)
		for (size_t b = a + 1; b <= DQ_FS_MAX_SOURCES; b++)
			if (x->cnt[a] && x->cnt[b]) {
				tot += (uint64_t)x->cnt[a] * x->cnt[b];
				x->sa[x->n] = (unsigned char)a;
				x->sb[x->n] = (unsigned char)b;
				x->cum[x->n++] = tot;
			}
	return tot;
}

/* One random pair across two sources (tot: across_init's). */
static void
across_draw(struct dq_fs_trainer *t, const struct across *x, uint64_t tot,
	    size_t *i, size_t *j)
{
	uint64_t r = rnd(&t->rng) % tot;
	size_t lo = 0, hi = x->n - 1;

	/* The first source pair whose cumulated count exceeds r. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (x->cum[mid] > r)
			hi = mid;
		else
			lo = mid + 1;
	}
	*i = x->idx[x->off[x->sa[lo]] + rnd(&t->rng) % x->cnt[x->sa[lo]]];
	*j = x->idx[x->off[x->sb[lo]] + rnd(&t->rng) % x->cnt[x->sb[lo]]];
}

/* u from at most npairs random pairs of the sampled records, all of them
 * when there are no more; in a link (link set) only pairs across two
 * sources, unless the sample holds a single source. */
static void
estimate_u(struct dq_fs_trainer *t, uint64_t npairs, int link)
{
	struct dq_fs_model *m = t->m;
	double c[DQ_FS_MAX_FIELDS][DQ_FS_MAX_LEVELS] = { { 0 } };
	double tot[DQ_FS_MAX_FIELDS] = { 0 };
	uint64_t s = t->nsample, all = s * (s - 1) / 2;
	struct across *x = NULL;

	if (s < 2)
		return;
	if (link) {
		x = dq_xcalloc(1, sizeof(*x));
		all = across_init(t, x);
		if (!all) {
			free(x);
			x = NULL;
			all = s * (s - 1) / 2;
		}
	}
	if (all <= npairs) {
		/* Every pair (i, j), i < j, in order. */
		npairs = all;
		for (size_t i = 0; i < s; i++)
			for (size_t j = i + 1; j < s; j++)
				if (!x || t->sample_src[i] != t->sample_src[j])
					u_count(t, i, j, c, tot);
	} else {
		for (uint64_t k = 0; k < npairs; k++) {
			size_t i, j;
			if (x) {
				across_draw(t, x, all, &i, &j);
			} else {
				i = (size_t)(rnd(&t->rng) % s);
				j = (size_t)(rnd(&t->rng) % (s - 1));
				j += j >= i;
			}
			u_count(t, i, j, c, tot);
		}
	}
	free(x);
	m->u_pairs = npairs;
	for (size_t f = 0; f < m->n; f++) {
		struct dq_fs_field *fd = &m->f[f];
		if (!tot[f])
			continue;
		/* Half a count for a level never seen keeps u positive. */
		for (int l = 0; l < fd->nlevels; l++)
			fd->u[l] = (c[f][l] + 0.5) /
				   (tot[f] + 0.5 * fd->nlevels);
		fd->u_random = fd->u[0];
	}
}

static void
build_tf(struct dq_fs_trainer *t)
{
	struct dq_fs_model *m = t->m;
	for (size_t f = 0; f < m->n; f++) {
		struct dq_fs_field *fd = &m->f[f];
		if (!fd->tf || !t->vc_total[f])
			continue;
		tf_release(&fd->tft);
		double tot = (double)t->vc_total[f];
		/* Singletons are left to 'min' so the file stays small. */
		for (size_t k = 0; k < t->vc[f].n; k++)
			if (t->vcn[f][k] > 1)
				tf_put(&fd->tft, t->vc[f].keys[k],
				       t->vc[f].lens[k],
				       (double)t->vcn[f][k] / tot);
		fd->tft.min = 1.0 / tot;
		if (!fd->tft.map.n)
			tf_put(&fd->tft, "", 0, fd->tft.min);
	}
}

static void
trainer_free(struct dq_fs_trainer *t)
{
	for (size_t k = 0; k < SAMPLE_RECORDS * (t->m->n ? t->m->n : 1); k++)
		free(t->sample[k]);
	free(t->sample);
	free(t->sample_src);
	dq_u64map_release(&t->seen);
	dq_u64map_release(&t->seen_src);
	for (size_t f = 0; f < DQ_FS_MAX_FIELDS; f++) {
		dq_strmap_release(&t->vc[f]);
		free(t->vcn[f]);
		dq_strmap_release(&t->dfm[f]);
		free(t->dfn[f]);
		free(t->dflast[f]);
	}
	free(t->pat);
	dq_buf_release(&t->scr.a);
	dq_buf_release(&t->scr.b);
	free(t);
}

void
dq_fs_train_free(struct dq_fs_trainer *t)
{
	trainer_free(t);
}

/*
 * Unsupervised training over the candidate pairs.  The classic EM of
 * Winkler (1988) fits two latent classes with m, u and lambda all free.
 * Its u describes the non-matches among the candidates, which agree on
 * the blocking keys far more often than random pairs do; its m is the
 * part kept.  A single EM with u fixed at the random-pair estimate (as
 * the Splink documentation describes, but without Splink's per-rule
 * training sessions) explains every candidate as a match instead: lambda
 * goes to 1.  So m comes from the free EM and, with u_from "random"
 * (the default), u stays the random-pair estimate, which makes the match
 * weight relative to two random records; the matching prior is then the
 * chance that two random records match, lambda = expected matches among
 * the candidates / the possible pairs (times the share of the candidates
 * trained on, --sample): N (N-1) / 2 for N distinct records, and for a
 * link, whose candidates are only ever pairs across two sources, the sum
 * of Ni Nj over i < j (Ni the distinct records of source i; dividing by
 * all N (N-1) / 2 pairs instead would count the pairs within a source,
 * which can never match in a link, as non-matches), found as the
 * fixed point of the E step (pairs that were not candidates are taken as
 * non-matches).  With u_from "em" the free EM's u and lambda are kept as
 * they are (weights relative to candidate pairs).  possible: the
 * possible pairs.  Returns the EM iterations.
 */
static int
train_em(size_t nf, const int *nl, size_t np, const int *pat,
	 const double *cnt, double m[][DQ_FS_MAX_LEVELS],
	 double u[][DQ_FS_MAX_LEVELS], double *lambda, double possible,
	 double share, int fix_u)
{
	double ue[DQ_FS_MAX_FIELDS][DQ_FS_MAX_LEVELS], lam = *lambda;
	/* The possible pairs, scaled down to the share of candidates seen. */
	double all = possible * share;
	int iters;

	memcpy(ue, u, sizeof(ue));
	iters = dq_fs_em(nf, nl, np, pat, cnt, m, ue, 0, &lam, 500, 1e-7);
	/* Each field's m once more, from the posteriors computed without
	 * that field (the EM's own m, u and lambda): a field must not
	 * vouch for itself.  In the EM, pairs that disagree on a field are
	 * less likely matches because the field disagrees, which feeds
	 * back into a smaller m for the disagreement; leaving the field out
	 * breaks that loop (the idea behind Splink's sessions that leave
	 * out the fields of their blocking rule). */
	{
		double acc[DQ_FS_MAX_FIELDS][DQ_FS_MAX_LEVELS] = { { 0 } };
		double tot[DQ_FS_MAX_FIELDS] = { 0 };
		for (size_t k = 0; k < np; k++) {
			const int *p = pat + k * nf;
			for (size_t f = 0; f < nf; f++) {
				double pm = lam, pu = 1 - lam, post;
				if (p[f] < 0)
					continue;
				for (size_t g = 0; g < nf; g++)
					if (g != f && p[g] >= 0) {
						pm *= m[g][p[g]];
						pu *= ue[g][p[g]];
					}
				post = pm + pu > 0 ? pm / (pm + pu) : 0;
				acc[f][p[f]] += cnt[k] * post;
				tot[f] += cnt[k] * post;
			}
		}
		for (size_t f = 0; f < nf; f++)
			if (tot[f] > 0)
				for (int l = 0; l < nl[f]; l++)
					m[f][l] = acc[f][l] / tot[f];
	}
	/* No level is rarer than 1 in 100 among matches: people move,
	 * change email and mistype, and a latent class found without labels
	 * can miss them (households that share an address pull the class
	 * towards "same street"), which would make one disagreement outweigh
	 * everything else. */
	for (size_t g = 0; g < nf; g++) {
		double s = 0;
		for (int l = 0; l < nl[g]; l++) {
			if (m[g][l] < 0.01)
				m[g][l] = 0.01;
			s += m[g][l];
		}
		for (int l = 0; l < nl[g]; l++)
			m[g][l] /= s;
	}
	if (!fix_u || all < 1) {
		memcpy(u, ue, sizeof(ue));
		*lambda = lam;
		return iters;
	}
	/* Start from the free EM's share of matches among candidates. */
	{
		double tot = 0;
		for (size_t k = 0; k < np; k++)
			tot += cnt[k];
		*lambda = lam * tot / all;
	}
	for (int it = 0; it < 200; it++) {
		double sp = 0, nlam;
		for (size_t k = 0; k < np; k++) {
			double pm = *lambda, pu = 1 - *lambda;
			for (size_t g = 0; g < nf; g++) {
				int l = pat[k * nf + g];
				if (l >= 0) {
					pm *= m[g][l];
					pu *= u[g][l];
				}
			}
			sp += cnt[k] * (pm + pu > 0 ? pm / (pm + pu) : 0);
		}
		nlam = sp / all;
		if (nlam < 1e-12)
			nlam = 1e-12;
		if (nlam > 0.5)
			nlam = 0.5;
		if (fabs(nlam - *lambda) < 1e-6 * *lambda) {
			*lambda = nlam;
			break;
		}
		*lambda = nlam;
	}
	return iters;
}

/* The possible pairs of the records added, and a link's sources, into
 * the model: a link when every record came with a source. */
static void
possible_pairs(struct dq_fs_trainer *t)
{
	struct dq_fs_model *m = t->m;
	double n = (double)t->nrecords, sum = 0, across = 0;

	m->link_sources = 0;
	memset(m->link_records, 0, sizeof(m->link_records));
	for (size_t s = 1; s <= DQ_FS_MAX_SOURCES && !t->nplain; s++)
		if (t->nsrc[s]) {
			m->link_sources = s;
			across += sum * (double)t->nsrc[s];
			sum += (double)t->nsrc[s];
		}
	if (!m->link_sources) {
		m->possible_pairs = n * (n - 1) / 2;
		return;
	}
	for (size_t s = 1; s <= m->link_sources; s++)
		m->link_records[s - 1] = t->nsrc[s];
	m->possible_pairs = across;
}

int
dq_fs_train_finish(struct dq_fs_trainer *t, uint64_t u_pairs, double share)
{
	struct dq_fs_model *m = t->m;
	int nl[DQ_FS_MAX_FIELDS], iters = 0;
	double mm[DQ_FS_MAX_FIELDS][DQ_FS_MAX_LEVELS];
	double uu[DQ_FS_MAX_FIELDS][DQ_FS_MAX_LEVELS];
	int *pat;
	double *cnt;
	size_t np = 0;

	if (dq_fs_needs_df(m))
		dq_fs_train_df(t);
	possible_pairs(t);
	estimate_u(t, u_pairs, m->link_sources > 0);
	build_tf(t);
	pat = dq_xmalloc((t->pat_n ? t->pat_n : 1) * m->n * sizeof(int));
	cnt = dq_xmalloc((t->pat_n ? t->pat_n : 1) * sizeof(double));
	for (size_t f = 0; f < m->n; f++) {
		nl[f] = m->f[f].nlevels;
		memcpy(mm[f], m->f[f].m, sizeof(mm[f]));
		memcpy(uu[f], m->f[f].u, sizeof(uu[f]));
	}
	if (t->labelled) {
		/* m from the labelled matches, lambda from their share. */
		double c[DQ_FS_MAX_FIELDS][DQ_FS_MAX_LEVELS] = { { 0 } };
		double tot[DQ_FS_MAX_FIELDS] = { 0 }, nm = 0, nlab = 0;
		for (size_t k = 0; k < t->pat_cap; k++) {
			struct pattern *p = &t->pat[k];
			if (!p->key)
				continue;
			nm += p->nmatch;
			nlab += p->nlab;
			for (size_t f = 0; f < m->n; f++) {
				int l = (int)((p->key - 1) >> (4 * f) & 15) - 1;
				if (l < 0)
					continue;
				c[f][l] += p->nmatch;
				tot[f] += p->nmatch;
			}
		}
		for (size_t f = 0; f < m->n; f++)
			if (tot[f])
				for (int l = 0; l < nl[f]; l++)
					mm[f][l] = (c[f][l] + 0.5) /
						   (tot[f] + 0.5 * nl[f]);
		if (nm > 0 && nm < nlab)
			m->lambda = nm / nlab;
	} else {
		for (size_t k = 0; k < t->pat_cap; k++) {
			struct pattern *p = &t->pat[k];
			if (!p->key || !p->n)
				continue;
			for (size_t f = 0; f < m->n; f++)
				pat[np * m->n + f] =
					(int)((p->key - 1) >> (4 * f) & 15) - 1;
			cnt[np++] = p->n;
		}
		iters = train_em(m->n, nl, np, pat, cnt, mm, uu, &m->lambda,
				 m->possible_pairs, share, m->fix_u);
	}
	for (size_t f = 0; f < m->n; f++) {
		memcpy(m->f[f].m, mm[f], sizeof(mm[f]));
		if (!t->labelled && !m->fix_u)
			memcpy(m->f[f].u, uu[f], sizeof(uu[f]));
	}
	m->train_pairs = t->npairs;
	m->train_records = t->nrecords;
	m->em_iterations = iters;
	m->labelled = t->labelled;
	m->trained = 1;
	free(pat);
	free(cnt);
	trainer_free(t);
	return iters;
}
