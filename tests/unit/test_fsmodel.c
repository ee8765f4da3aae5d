/* Unit tests for lib/er/fsmodel.c: EM recovers known m and lambda on a
 * synthetic set, levels of each comparator, weights, the model file
 * round trip, contract errors. */
#include <stdio.h>
#include <stdlib.h>

#include "er/fsmodel.h"
#include "unit.h"

static uint64_t rs = 42;

static double
urand(void)
{
	return (double)(dq_rng_xorshift64(&rs) >> 11) / 9007199254740992.0;
}

static int
draw(const double *p, int n)
{
	double r = urand(), c = 0;
	for (int l = 0; l < n; l++) {
		c += p[l];
		if (r < c)
			return l;
	}
	return n - 1;
}

/*
 * 200000 pairs, lambda 0.2, three fields with 2, 3 and 4 levels and m/u
 * far enough apart to be identifiable; the third field missing in 10% of
 * pairs.  With u fixed at the truth, EM from the default start must find
 * every m within 0.01 and lambda within 0.005 (the sampling error of
 * 40000 matches is about 0.002).
 */
static void
test_em(void)
{
	const int nl[3] = { 2, 3, 4 };
	const double tm[3][8] = { { 0.95, 0.05 }, { 0.8, 0.15, 0.05 },
				  { 0.6, 0.2, 0.15, 0.05 } };
	const double tu[3][8] = { { 0.05, 0.95 }, { 0.02, 0.08, 0.9 },
				  { 0.01, 0.04, 0.15, 0.8 } };
	double m[3][DQ_FS_MAX_LEVELS], u[3][DQ_FS_MAX_LEVELS], lambda = 0.5;
	int *pat = malloc(2 * 3 * 5 * sizeof(int) * 5);
	double cnt[2 * 3 * 5];
	size_t np = 0;

	/* Patterns indexed l0 * 15 + l1 * 5 + (l2 + 1). */
	memset(cnt, 0, sizeof(cnt));
	for (int k = 0; k < 200000; k++) {
		int match = urand() < 0.2;
		const double(*p)[8] = match ? tm : tu;
		int l0 = draw(p[0], 2), l1 = draw(p[1], 3);
		int l2 = urand() < 0.1 ? -1 : draw(p[2], 4);
		cnt[l0 * 15 + l1 * 5 + l2 + 1]++;
	}
	double c2[30];
	for (int i = 0; i < 30; i++) {
		if (!cnt[i])
			continue;
		pat[np * 3] = i / 15;
		pat[np * 3 + 1] = i / 5 % 3;
		pat[np * 3 + 2] = i % 5 - 1;
		c2[np++] = cnt[i];
	}
	for (int f = 0; f < 3; f++)
		for (int l = 0; l < nl[f]; l++) {
			m[f][l] = l ? 0.1 / (nl[f] - 1) : 0.9;
			u[f][l] = tu[f][l];
		}
	int it = dq_fs_em(3, nl, np, pat, c2, m, u, 1, &lambda, 500, 1e-9);
	UNIT_OK(it > 1 && it < 500, "EM converged");
	UNIT_NEAR(lambda, 0.2, 0.005, "lambda recovered");
	for (int f = 0; f < 3; f++)
		for (int l = 0; l < nl[f]; l++) {
			char what[96];
			snprintf(what, sizeof(what), "m[%d][%d] recovered", f,
				 l);
			UNIT_NEAR(m[f][l], tm[f][l], 0.01, what);
		}
	/* Both m and u free (Winkler 1988): from u started at uniform
	 * guesses, EM must find m and u within 0.02 and lambda within
	 * 0.01. */
	for (int f = 0; f < 3; f++)
		for (int l = 0; l < nl[f]; l++) {
			m[f][l] = l ? 0.1 / (nl[f] - 1) : 0.9;
			u[f][l] = l == nl[f] - 1 ? 0.7 : 0.3 / (nl[f] - 1);
		}
	lambda = 0.5;
	it = dq_fs_em(3, nl, np, pat, c2, m, u, 0, &lambda, 2000, 1e-10);
	UNIT_NEAR(lambda, 0.2, 0.01, "free EM: lambda recovered");
	for (int f = 0; f < 3; f++)
		for (int l = 0; l < nl[f]; l++) {
			char what[96];
			snprintf(what, sizeof(what), "free EM: m[%d][%d], u[%d][%d]",
				 f, l, f, l);
			UNIT_NEAR(m[f][l], tm[f][l], 0.02, what);
			UNIT_NEAR(u[f][l], tu[f][l], 0.02, what);
		}
	free(pat);
}

static void
load(struct dq_fs_model *m, const char *compare, const char *thr)
{
	struct dq_buf err = DQ_BUF_INIT;
	cJSON *c = compare ? cJSON_Parse(compare) : NULL;
	cJSON *t = thr ? cJSON_Parse(thr) : NULL;
	dq_fs_init(m);
	if (dq_fs_load_contract(m, c, t, &err))
		printf("# load: %s\n", err.buf);
	cJSON_Delete(c);
	cJSON_Delete(t);
	dq_buf_release(&err);
}

static const char *
load_err(const char *compare, const char *thr)
{
	static char msg[300];
	struct dq_fs_model m;
	struct dq_buf err = DQ_BUF_INIT;
	cJSON *c = cJSON_Parse(compare), *t = thr ? cJSON_Parse(thr) : NULL;
	dq_fs_init(&m);
	snprintf(msg, sizeof(msg), "%s",
		 dq_fs_load_contract(&m, c, t, &err) ? err.buf : "ok");
	dq_fs_release(&m);
	cJSON_Delete(c);
	cJSON_Delete(t);
	dq_buf_release(&err);
	return msg;
}

static int
lv(struct dq_fs_model *m, size_t i, const char *a, const char *b,
   double *sim)
{
	struct dq_fs_scratch s = { DQ_BUF_INIT, DQ_BUF_INIT };
	double x;
	int l = dq_fs_compare(m, i, a, a ? strlen(a) : 0, b,
			      b ? strlen(b) : 0, sim ? sim : &x, &s);
	dq_buf_release(&s.a);
	dq_buf_release(&s.b);
	return l;
}

static void
test_levels(void)
{
	struct dq_fs_model m;
	double s;
	load(&m, NULL, NULL);
	/* Default fields: first_name last_name dob email phone. */
	UNIT_INT(m.n, 5, "default compare has 5 fields");
	UNIT_INT(lv(&m, 0, "Robert", "bob", &s), 1, "nickname level");
	UNIT_NEAR(s, 0.95, 1e-12, "nickname similarity");
	UNIT_INT(lv(&m, 0, " JOSÉ ", "jose", &s), 0, "folded exact");
	UNIT_NEAR(s, 1, 0, "exact similarity");
	UNIT_INT(lv(&m, 0, "Martha", "Marhta", &s), 2, "close (0.961)");
	UNIT_INT(lv(&m, 0, "Dwayne", "Duane", &s), 3, "similar (0.84)");
	UNIT_INT(lv(&m, 0, "J.", "John", &s), 4, "initial");
	UNIT_INT(lv(&m, 0, "Zoe", "John", &s), 5, "different");
	UNIT_INT(lv(&m, 0, "Ms. Maggie V", "Margaret", &s), 1,
		 "title and initial left out, then nickname");
	UNIT_INT(lv(&m, 0, "Dr. J.", "j", &s), 0, "only an initial is kept");
	UNIT_INT(lv(&m, 0, "Xin", "Xni", &s), 2, "one transposition: close");
	UNIT_INT(lv(&m, 0, "Jun", "Jn", &s), 2, "one deletion: close");
	UNIT_INT(lv(&m, 0, "Al", "Ed", &s), 5, "two letters apart");
	UNIT_INT(lv(&m, 0, "", "John", &s), DQ_FS_NULL, "empty is null");
	UNIT_INT(lv(&m, 0, NULL, "John", &s), DQ_FS_NULL, "missing is null");
	UNIT_NEAR(s, 0, 0, "null similarity 0");
	UNIT_STR(dq_fs_level_name(&m, 0, DQ_FS_NULL), "null", "null name");
	UNIT_STR(dq_fs_level_name(&m, 0, 1), "nickname", "level name");
	UNIT_INT(lv(&m, 2, "1980-03-07", "07/03/1980", &s), 1,
		 "date swapped across formats (07/03 read as July 3)");
	UNIT_NEAR(s, 0.9, 0, "swapped similarity");
	UNIT_INT(lv(&m, 2, "1980-03-07", "19800307", &s), 0,
		 "date exact across formats");
	UNIT_INT(lv(&m, 2, "soon", "soon", &s), 0, "unreadable, equal text");
	UNIT_INT(lv(&m, 2, "1941-05-10", "1941/13/10", &s), DQ_FS_NULL,
		 "unreadable date says nothing");
	UNIT_INT(lv(&m, 2, "1945-12-17", "2045-12-17", &s), 2,
		 "century typo: close");
	UNIT_INT(lv(&m, 2, "1959-02-17", "1960-02-17", &s), 2,
		 "year one off: close");
	UNIT_INT(lv(&m, 2, "1959-02-17", "1961-02-17", &s), 4,
		 "year two off: different");
	UNIT_INT(lv(&m, 3, "A@X.org", "a@x.org", &s), 0, "email folded");
	UNIT_INT(lv(&m, 4, "+1 206 555 0100", "(206) 555-0100", &s), 0,
		 "phone exact");
	UNIT_INT(lv(&m, 4, "206 555 0100", "425 555 0100", &s), 2,
		 "phone: two complete numbers that differ are different");
	UNIT_INT(lv(&m, 4, "555 0100", "(206) 555-0100", &s), 1,
		 "phone last 7: one side partial");
	UNIT_INT(lv(&m, 4, "+14809704123;ext=970", "+14809704123;ext=795", &s),
		 0, "phone extensions left out");
	UNIT_INT(lv(&m, 4, "480 970 4123 x12", "4809704123", &s), 0,
		 "phone x extension");
	dq_fs_release(&m);

	load(&m, "{\"fields\":{\"n\":{\"comparator\":\"numeric_abs\","
		 "\"num_close\":1,\"num_near\":5},\"t\":{\"comparator\":"
		 "\"jaccard\",\"close\":0.6,\"similar\":0.3}}}", NULL);
	UNIT_INT(lv(&m, 0, "10", "10.0", NULL), 0, "numbers equal");
	UNIT_INT(lv(&m, 0, "10", "11", NULL), 1, "numbers close");
	UNIT_INT(lv(&m, 0, "10", "15", NULL), 2, "numbers near");
	UNIT_INT(lv(&m, 0, "10", "15.5", NULL), 3, "numbers different");
	UNIT_INT(lv(&m, 0, "10", "ten", NULL), DQ_FS_NULL, "not a number");
	UNIT_INT(lv(&m, 1, "a b c", "c b a", &s), 1,
		 "jaccard 1 but not equal text: close");
	UNIT_NEAR(s, 1, 0, "jaccard 1");
	UNIT_INT(lv(&m, 1, "a b c", "a b d", &s), 2, "jaccard 0.5");
	UNIT_NEAR(s, 0.5, 1e-12, "jaccard similarity");
	UNIT_NEAR(m.match, 0.95, 0, "default match threshold");
	UNIT_NEAR(m.review, 0.80, 0, "default review threshold");
	dq_fs_release(&m);
}

static void
test_weights_and_file(void)
{
	struct dq_fs_model m, m2;
	struct dq_buf err = DQ_BUF_INIT;
	load(&m, "{\"prior\":0.25,\"fields\":{\"s\":{\"comparator\":\"exact\","
		 "\"tf\":true,\"m\":[0.9,0.1],\"u\":[0.01,0.99]}}}", NULL);
	UNIT_NEAR(dq_fs_prior_weight(&m), log2(1.0 / 3), 1e-12, "prior");
	UNIT_NEAR(dq_fs_log2_bf(&m, 0, 0, "x", 1), log2(90), 1e-12,
		  "exact weight without tf table");
	UNIT_NEAR(dq_fs_log2_bf(&m, 0, 1, NULL, 0), log2(0.1 / 0.99), 1e-12,
		  "disagreement weight");
	UNIT_NEAR(dq_fs_log2_bf(&m, 0, DQ_FS_NULL, NULL, 0), 0, 0, "null 0");
	UNIT_NEAR(dq_fs_probability(0), 0.5, 0, "probability of weight 0");
	UNIT_NEAR(dq_fs_probability(log2(19)), 0.95, 1e-12, "odds 19: 0.95");

	/* Train: "smith" on 4 of 6 records, "zed" and "ann" once. */
	struct dq_fs_trainer *t = dq_fs_train_new(&m, 1);
	const char *names[6] = { "smith", "Smith", "smith", "SMITH", "zed",
				 "ann" };
	for (int i = 0; i < 6; i++) {
		char id[16];
		size_t len = strlen(names[i]);
		snprintf(id, sizeof(id), "r%d", i);
		dq_fs_train_record(t, 0, id, strlen(id), &names[i], &len);
		dq_fs_train_record(t, 0, id, strlen(id), &names[i], &len);
	}
	int lev0 = 0, lev1 = 1;
	for (int i = 0; i < 30; i++)
		dq_fs_train_pair(t, i < 10 ? &lev0 : &lev1, -1);
	dq_fs_train_finish(t, 1000, 1);
	UNIT_INT(m.train_records, 6, "records counted once");
	UNIT_INT(m.train_pairs, 30, "pairs counted");
	UNIT_INT(m.u_pairs, 15, "all 15 pairs of 6 sampled records");
	/* 6 of 15 random pairs agree (the 4 smiths): (6.5)/(16). */
	UNIT_NEAR(m.f[0].u[0], 6.5 / 16, 1e-12, "u of exact");
	UNIT_NEAR(dq_fs_log2_bf(&m, 0, 0, "smith", 5),
		  log2(m.f[0].m[0] / (4.0 / 6)), 1e-12, "tf: smith is 4/6");
	UNIT_NEAR(dq_fs_log2_bf(&m, 0, 0, "zed", 3),
		  log2(m.f[0].m[0] / (1.0 / 6)), 1e-12, "tf: zed is min 1/6");

	cJSON *doc = dq_fs_to_json(&m);
	char *txt = cJSON_PrintUnformatted(doc);
	cJSON *back = cJSON_Parse(txt);
	load(&m2, "{\"fields\":{\"s\":{\"comparator\":\"exact\","
		  "\"tf\":true}}}", NULL);
	UNIT_INT(dq_fs_load_model(&m2, back, &err), 0, "model loads");
	UNIT_NEAR(m2.lambda, m.lambda, 1e-12, "lambda round trip");
	UNIT_NEAR(dq_fs_log2_bf(&m2, 0, 0, "smith", 5),
		  dq_fs_log2_bf(&m, 0, 0, "smith", 5), 1e-9,
		  "tf weight round trip");
	UNIT_NEAR(dq_fs_log2_bf(&m2, 0, 1, NULL, 0),
		  dq_fs_log2_bf(&m, 0, 1, NULL, 0), 1e-9, "weight round trip");
	dq_fs_release(&m2);
	load(&m2, "{\"fields\":{\"s\":{\"comparator\":\"name\"}}}", NULL);
	dq_buf_reset(&err);
	UNIT_INT(dq_fs_load_model(&m2, back, &err), -1, "comparator differs");
	UNIT_STR(err.buf, "field 's': the model was trained with another "
		 "comparator", "message");
	dq_fs_release(&m2);
	cJSON_Delete(back);
	cJSON_free(txt);
	cJSON_Delete(doc);
	dq_fs_release(&m);
	dq_buf_release(&err);
}

/* The term-frequency table written in the order its values were first
 * seen (in training, or in the model file read), not in hash order. */
static void
test_tf_order(void)
{
	struct dq_fs_model m, m2;
	struct dq_buf err = DQ_BUF_INIT;
	const char *names[8] = { "yu", "ab", "ab", "x", "mo", "yu", "mo",
				 "ab" };
	struct dq_fs_trainer *t;
	cJSON *doc, *back;
	char *txt;
	int lev = 0;

	load(&m, "{\"fields\":{\"s\":{\"comparator\":\"exact\","
		 "\"tf\":true}}}", NULL);
	t = dq_fs_train_new(&m, 1);
	for (int i = 0; i < 8; i++) {
		char id[16];
		size_t len = strlen(names[i]);
		snprintf(id, sizeof(id), "r%d", i);
		dq_fs_train_record(t, 0, id, strlen(id), &names[i], &len);
	}
	for (int i = 0; i < 4; i++)
		dq_fs_train_pair(t, &lev, -1);
	dq_fs_train_finish(t, 1000, 1);
	doc = dq_fs_to_json(&m);
	txt = cJSON_PrintUnformatted(cJSON_GetObjectItem(cJSON_GetObjectItem(
		cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "fields"), "s"),
		"tf"), "values"));
	UNIT_STR(txt, "{\"yu\":0.25,\"ab\":0.375,\"mo\":0.25}",
		 "tf values as first seen; x, seen once, left to min");
	cJSON_free(txt);

	/* A model file's order is kept, a value given twice takes the
	 * last share. */
	load(&m2, "{\"fields\":{\"s\":{\"comparator\":\"exact\","
		  "\"tf\":true}}}", NULL);
	back = doc;
	cJSON_ReplaceItemInObject(
		cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(
			back, "fields"), "s"), "tf"), "values",
		cJSON_Parse("{\"zz\":0.5,\"aa\":0.25,\"zz\":0.75}"));
	if (dq_fs_load_model(&m2, back, &err))
		printf("# load: %s\n", err.buf);
	doc = dq_fs_to_json(&m2);
	txt = cJSON_PrintUnformatted(cJSON_GetObjectItem(cJSON_GetObjectItem(
		cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "fields"), "s"),
		"tf"), "values"));
	UNIT_STR(txt, "{\"zz\":0.75,\"aa\":0.25}",
		 "a model's values in its order; the last share of zz");
	UNIT_NEAR(dq_fs_log2_bf(&m2, 0, 0, "zz", 2) -
			  dq_fs_log2_bf(&m2, 0, 0, "aa", 2),
		  log2(0.25 / 0.75), 1e-12, "zz weighs by its last share");
	cJSON_free(txt);
	cJSON_Delete(doc);
	cJSON_Delete(back);
	dq_fs_release(&m2);
	dq_fs_release(&m);
	dq_buf_release(&err);
}

static const char word_contract[] =
	"{\"fields\":{\"t\":{\"comparator\":\"token_set\"},"
	"\"d\":{\"comparator\":\"tfidf\"},"
	"\"c\":{\"comparator\":\"code\"},"
	"\"y\":{\"comparator\":\"year\"},"
	"\"l\":{\"comparator\":\"monge_elkan\","
	"\"inner\":\"levenshtein\",\"close\":0.7,\"similar\":0.5}}}";

/* The comparators for text that is not a name (issue 22): levels at the
 * default bounds, document frequencies from the records, the model file
 * round trip. */
static void
test_word_fields(void)
{
	struct dq_fs_model m, m2;
	struct dq_buf err = DQ_BUF_INIT;
	struct dq_fs_trainer *t;
	const char *titles[4] = { "red apple pie", "green apple tart",
				  "red cherry pie", "blue plum jam" };
	double s;
	cJSON *doc;
	char *txt;

	load(&m, word_contract, NULL);
	UNIT_INT(m.f[0].cmp, DQ_FS_MONGE_ELKAN, "token_set is monge_elkan");
	UNIT_NEAR(m.f[0].close, 0.90, 0, "monge_elkan close default");
	UNIT_NEAR(m.f[0].similar, 0.80, 0, "monge_elkan similar default");
	UNIT_NEAR(m.f[1].close, 0.65, 0, "tfidf close default");
	UNIT_NEAR(m.f[1].similar, 0.50, 0, "tfidf similar default");
	UNIT_INT(lv(&m, 0, "Sony DSC W55 camera", "dsc-w55 sony", &s), 1,
		 "monge_elkan 0.9375: close");
	UNIT_NEAR(s, 0.9375, 1e-12, "monge_elkan similarity");
	UNIT_INT(lv(&m, 0, "Jon Smith", "Smyth, John", &s), 1,
		 "monge_elkan 137/150: close");
	UNIT_INT(lv(&m, 0, "apple pie", "cherry tart", &s), 3,
		 "monge_elkan: different");
	/* jon/john 3/4 and smith/smyth 4/5 by Levenshtein: 0.775. */
	UNIT_INT(lv(&m, 4, "Jon Smith", "Smyth, John", &s), 1,
		 "monge_elkan inner levenshtein, bounds set: close");
	UNIT_NEAR(s, 0.775, 1e-12, "monge_elkan levenshtein similarity");
	UNIT_INT(lv(&m, 2, "Sony DSC-W55", "sony dscw55 camera", &s), 0,
		 "code exact");
	UNIT_INT(lv(&m, 2, "Sony DSC-W55", "sony dsc-w70", &s), 3,
		 "code conflict");
	UNIT_NEAR(s, 0, 0, "conflict similarity");
	UNIT_INT(lv(&m, 2, "Sony camera", "sony dsc-w70", &s), DQ_FS_NULL,
		 "no code on one side: null");
	UNIT_INT(lv(&m, 2, "Sony camera", "Sony camera", &s), DQ_FS_NULL,
		 "equal text without a code: null, not exact");
	UNIT_INT(lv(&m, 2, "sony DSC-W55", "Sony dsc-w55", &s), 0,
		 "equal folded text with a code: exact");
	UNIT_INT(lv(&m, 3, "n.d.", "n.d.", &s), DQ_FS_NULL,
		 "equal text without a year: null");
	UNIT_INT(lv(&m, 3, "VLDB 1998", "1999", &s), 1, "year one off: close");
	UNIT_NEAR(s, 0.7, 0, "year close similarity");
	UNIT_INT(lv(&m, 3, "1998", "2001", &s), 2, "year different");
	UNIT_INT(lv(&m, 3, "n.d.", "2001", &s), DQ_FS_NULL, "no year: null");
	UNIT_INT(dq_fs_needs_df(&m), 1, "tfidf needs document frequencies");

	/* "apple" and "pie" are in 2 of 4 records, "red" too; the rest in
	 * one.  idf = ln(1 + 4/df): ln 3 for df 2, ln 5 for df 1. */
	t = dq_fs_train_new(&m, 1);
	for (int i = 0; i < 4; i++) {
		const char *v[5] = { NULL, titles[i], NULL, NULL, NULL };
		size_t n[5] = { 0, strlen(titles[i]), 0, 0, 0 };
		char id[8];
		snprintf(id, sizeof(id), "r%d", i);
		dq_fs_train_record(t, 0, id, strlen(id), v, n);
		dq_fs_train_record(t, 0, id, strlen(id), v, n);
	}
	dq_fs_train_df(t);
	dq_fs_train_free(t);
	UNIT_INT(dq_fs_needs_df(&m), 0, "document frequencies given");
	UNIT_NEAR(m.f[1].ndocs, 4, 0, "records counted once");
	/* "red apple pie" against "green apple tart": only apple is
	 * shared: ln3^2 / (3 ln3^2 + ... ) = ln3^2 / sqrt((3 ln3^2)(ln3^2
	 * + 2 ln5^2)). */
	{
		double l3 = log(3), l5 = log(5);
		double want = l3 * l3 / sqrt(3 * l3 * l3 *
					     (l3 * l3 + 2 * l5 * l5));
		UNIT_INT(lv(&m, 1, titles[0], titles[1], &s), 3,
			 "tfidf: different");
		UNIT_NEAR(s, want, 1e-12, "tfidf similarity with idf");
		/* red and pie shared, apple against cherry:
		 * 2 ln3^2 / (3 ln3^2 + ... ) */
		want = 2 * l3 * l3 / sqrt(3 * l3 * l3 *
					  (2 * l3 * l3 + l5 * l5));
		UNIT_INT(lv(&m, 1, titles[0], titles[2], &s), 2,
			 "tfidf 0.567: similar");
		UNIT_NEAR(s, want, 1e-12, "tfidf similarity, two shared");
	}
	doc = dq_fs_to_json(&m);
	txt = cJSON_PrintUnformatted(cJSON_GetObjectItem(cJSON_GetObjectItem(
		cJSON_GetObjectItem(doc, "fields"), "d"), "idf"));
	UNIT_STR(txt, "{\"records\":4,\"df\":{\"red\":2,\"apple\":2,"
		      "\"pie\":2}}", "idf in the model file, df 1 left out");
	cJSON_free(txt);
	load(&m2, word_contract, NULL);
	UNIT_INT(dq_fs_load_model(&m2, doc, &err), 0, "model read back");
	{
		double s2;
		lv(&m, 1, titles[0], titles[2], &s);
		lv(&m2, 1, titles[0], titles[2], &s2);
		UNIT_NEAR(s2, s, 0, "the same similarity from the model file");
	}
	cJSON_ReplaceItemInObject(cJSON_GetObjectItem(cJSON_GetObjectItem(
					  doc, "fields"), "d"),
				  "idf", cJSON_Parse("{\"records\":2,"
						     "\"df\":{\"a\":3}}"));
	dq_buf_reset(&err);
	UNIT_INT(dq_fs_load_model(&m2, doc, &err), -1, "df above records");
	UNIT_STR(err.buf, "field 'd': each 'df' count must be from 1 to "
			  "'records'", "df message");
	cJSON_Delete(doc);
	dq_fs_release(&m);
	dq_fs_release(&m2);
	dq_buf_release(&err);
	UNIT_STR(load_err("{\"fields\":{\"a\":{\"comparator\":\"tfidf\","
			  "\"inner\":\"levenshtein\"}}}", NULL),
		 "'compare.fields.a.inner': a monge_elkan field's word "
		 "comparator: jaro_winkler, levenshtein or damerau_levenshtein",
		 "inner only for monge_elkan");
}

/*
 * A link's frame: the possible pairs are those across two sources, each
 * id counted once per source, and u comes from pairs across two sources
 * only.  Source 1 holds four "x" and source 2 four "y": every pair
 * within a source agrees and no pair across two does, so u of exact is
 * the half count of a level never seen, 0.5 / (pairs + 1), both when all
 * 16 pairs across are enumerated and when 10 are drawn at random.  A run
 * where a record comes without a source is no link.
 */
static void
test_link(void)
{
	const char *xy[2] = { "x", "y" };
	int lev = 0;

	for (int run = 0; run < 3; run++) {
		struct dq_fs_model m;
		struct dq_fs_trainer *t;
		uint64_t upairs = run == 1 ? 10 : 1000;

		load(&m, "{\"fields\":{\"s\":{\"comparator\":\"exact\"}}}",
		     NULL);
		t = dq_fs_train_new(&m, 1);
		for (int i = 0; i < 8; i++) {
			char id[16];
			size_t len = 1;
			unsigned src = i < 4 ? 1 : 2;
			snprintf(id, sizeof(id), "r%d", i);
			/* The third run: r7 comes without a source. */
			if (run == 2 && i == 7)
				src = 0;
			dq_fs_train_record(t, src, id, strlen(id),
					   &xy[i >= 4], &len);
			dq_fs_train_record(t, src, id, strlen(id),
					   &xy[i >= 4], &len);
		}
		dq_fs_train_pair(t, &lev, -1);
		dq_fs_train_finish(t, upairs, 1);
		if (run < 2) {
			UNIT_INT(m.link_sources, 2, "a link of two sources");
			UNIT_INT(m.link_records[0], 4, "source 1: 4 ids");
			UNIT_INT(m.link_records[1], 4, "source 2: 4 ids");
			UNIT_NEAR(m.possible_pairs, 16, 0, "4 x 4 pairs across");
			UNIT_INT(m.u_pairs, run ? 10 : 16, "u pairs");
			UNIT_NEAR(m.f[0].u[0], 0.5 / (run ? 11 : 17), 1e-12,
				  "u only from pairs across the sources");
		} else {
			UNIT_INT(m.link_sources, 0, "a record without a "
				 "source: no link");
			UNIT_NEAR(m.possible_pairs, 28, 0, "8 x 7 / 2 pairs");
			/* 12 of the 28 pairs agree (two groups of four). */
			UNIT_NEAR(m.f[0].u[0], 12.5 / 29, 1e-12,
				  "u from any two records");
		}
		dq_fs_release(&m);
	}
}

int
main(void)
{
	test_word_fields();
	test_em();
	test_tf_order();
	test_link();
	test_levels();
	test_weights_and_file();
	UNIT_STR(load_err("{\"fields\":{\"a\":{\"comparator\":\"soundex\"}}}",
			  NULL),
		 "'compare.fields.a.comparator': unknown comparator (exact, "
		 "jaro_winkler, levenshtein, damerau_levenshtein, jaccard, "
		 "qgram, name, date, email, phone, numeric_abs, numeric_rel, "
		 "monge_elkan or token_set, tfidf, code, year)",
		 "unknown comparator");
	UNIT_STR(load_err("{\"fields\":{\"a\":{\"weight\":2}}}", NULL),
		 "'compare.fields.a.weight' must be a number from 0 to 1",
		 "weight range");
	UNIT_STR(load_err("{\"fields\":{\"a\":{}}}",
			  "{\"match\":0.5,\"review\":0.6}"),
		 "'thresholds.review' is above 'thresholds.match'",
		 "thresholds order");
	UNIT_STR(load_err("{\"fields\":{\"a\":{}},\"guard\":{\"shared\":"
			  "[\"b\"],\"differ\":\"a\"}}", NULL),
		 "'compare.guard.shared' must name fields of "
		 "'compare.fields'", "guard field");
	UNIT_STR(load_err("{\"fields\":{\"a\":{}},\"guard\":{\"shared\":"
			  "\"a\"}}", NULL),
		 "'compare.guard' needs 'shared' and 'differ'", "guard parts");
	UNIT_STR(load_err("{\"fields\":{\"a\":{\"swap_with\":\"a\"}}}",
			  NULL),
		 "'compare.fields.a.swap_with': 'a' is not another field of "
		 "'compare.fields'", "swap with itself");
	UNIT_STR(load_err("{\"u_from\":\"labels\",\"fields\":{\"a\":{}}}",
			  NULL),
		 "'compare.u_from' must be \"em\" or \"random\"", "u_from");
	UNIT_STR(load_err("{\"fields\":{}}", NULL),
		 "'compare.fields' must be an object naming at least one "
		 "field", "no fields");
	return unit_done();
}
