/* Unit tests for lib/er/decide.c: a household goes to review, twins stay
 * a match, a swapped first and last name is caught, the thresholds, the
 * explanation's bytes, and sides that are not objects.  The model is
 * tests/fixtures/score/household.json's; the expected values are the
 * ones dq-score has always written for these pairs. */
#include <string.h>

#include "er/decide.h"
#include "unit.h"

#define MEM_IS(p, n, lit, what) UNIT_MEM(p, n, lit, sizeof(lit) - 1, what)

static const char model_json[] =
	"{\"prior\":0.01,\"fields\":{"
	"\"first_name\":{\"comparator\":\"name\",\"swap_with\":\"last_name\","
	"\"m\":[0.85,0.04,0.04,0.03,0.02,0.02],"
	"\"u\":[0.01,0.001,0.004,0.02,0.005,0.96]},"
	"\"last_name\":{\"comparator\":\"jaro_winkler\","
	"\"m\":[0.9,0.05,0.03,0.02],\"u\":[0.01,0.01,0.03,0.95]},"
	"\"dob\":{\"comparator\":\"date\",\"m\":[0.85,0.05,0.05,0.02,0.03],"
	"\"u\":[0.0001,0.0001,0.01,0.0098,0.98]},"
	"\"phone\":{\"comparator\":\"phone\",\"m\":[0.8,0.1,0.1],"
	"\"u\":[0.0001,0.0009,0.999]},"
	"\"email\":{\"comparator\":\"email\",\"m\":[0.8,0.05,0.05,0.1],"
	"\"u\":[0.0001,0.0001,0.1,0.8998]}},"
	"\"guard\":{\"shared\":[\"email\",\"phone\"],"
	"\"differ\":[\"first_name\",\"dob\"],\"unless\":[\"dob\"]}}";

static struct dq_fs_model M;
static struct dq_decide D;
static struct dq_record pair;
static struct dq_buf meta = DQ_BUF_INIT;

/* Read and decide one pair line; -1 when it is not a pair. */
static const struct dq_ident ident = { "id", 0, NULL };

static int
decide(const char *line)
{
	struct dq_json_error err;

	if (dq_json_scan(&pair, line, strlen(line), &err)) {
		printf("# bad fixture: %s\n", err.reason);
		return -2;
	}
	if (dq_decide_read(&D, &pair, &ident))
		return -1;
	dq_buf_reset(&meta);
	dq_decide_pair(&D);
	dq_decide_explain(&D, DQ_DECIDE_ALL, &meta);
	return D.decision;
}

static void
test_household(void)
{
	UNIT_INT(decide("{\"a\":{\"id\":\"h1\",\"first_name\":\"Anna\","
			"\"last_name\":\"Kowalski\",\"phone\":\"+1 206 555 0100\","
			"\"email\":\"kowalski@x.org\",\"dob\":\"1970-01-02\"},"
			"\"b\":{\"id\":\"h2\",\"first_name\":\"Piotr\","
			"\"last_name\":\"Kowalski\",\"phone\":\"(206) 555-0100\","
			"\"email\":\"kowalski@x.org\",\"dob\":\"1968-05-30\"}}"),
		 DQ_DECIDE_REVIEW, "a household goes to review");
	UNIT_INT(D.guarded, 1, "by the guard");
	UNIT_NEAR(D.score, 0.999973, 1e-12, "at a match's score");
	MEM_IS(meta.buf, meta.len,
	       "\"score\":0.999973,\"decision\":\"review\","
	       "\"match_weight\":15.1794,\"guard\":\"household\",\"features\":"
	       "{\"first_name\":{\"level\":\"different\",\"similarity\":0,"
	       "\"weight\":-5.585},\"last_name\":{\"level\":\"exact\","
	       "\"similarity\":1,\"weight\":6.4919},\"dob\":{\"level\":"
	       "\"different\",\"similarity\":0,\"weight\":-5.0297},\"phone\":"
	       "{\"level\":\"exact\",\"similarity\":1,\"weight\":12.9658},"
	       "\"email\":{\"level\":\"exact\",\"similarity\":1,"
	       "\"weight\":12.9658}}",
	       "the explanation, byte for byte");
	UNIT_INT(dq_decide_guard(&M, D.lv, D.sim, 1), 1,
		 "first differ field alone (training)");
	UNIT_INT(D.n_guard, 1, "counted as guarded");
	UNIT_INT(D.n_review, 1, "counted as review");
}

/* The household link of the pair just decided, as text ("" when none). */
static const char *
link_of(void)
{
	static struct dq_buf b = DQ_BUF_INIT;

	dq_buf_reset(&b);
	dq_buf_addstr(&b, "");
	if (!dq_decide_household(&D, &b))
		return "";
	return b.buf;
}

static void
test_household_link(void)
{
	decide("{\"a\":{\"id\":\"h1\",\"first_name\":\"Anna\","
	       "\"last_name\":\"Kowalski\",\"phone\":\"+1 206 555 0100\","
	       "\"email\":\"kowalski@x.org\",\"dob\":\"1970-01-02\"},"
	       "\"b\":{\"id\":\"h\\\"2\",\"first_name\":\"Piotr\","
	       "\"last_name\":\"Kowalski\",\"phone\":\"(206) 555-0100\","
	       "\"email\":\"kowalski@x.org\",\"dob\":\"1968-05-30\"}}");
	UNIT_STR(link_of(),
		 "{\"a\":\"h1\",\"b\":\"h\\\"2\",\"shared\":[\"email\","
		 "\"phone\"],\"differ\":[\"first_name\",\"dob\"],"
		 "\"decision\":\"review\",\"guard\":\"household\"}\n",
		 "a household held by the guard: a link, the id escaped");
	decide("{\"a\":{\"id\":\"n1\",\"first_name\":\"Anna\","
	       "\"phone\":\"+1 206 555 0100\",\"dob\":\"1970-01-02\"},"
	       "\"b\":{\"id\":\"n2\",\"first_name\":\"Zed\","
	       "\"phone\":\"206 555 0100\",\"dob\":\"1991-11-12\"}}");
	UNIT_INT(D.decision, DQ_DECIDE_DISTINCT, "strangers at one phone");
	UNIT_STR(link_of(),
		 "{\"a\":\"n1\",\"b\":\"n2\",\"shared\":[\"phone\"],"
		 "\"differ\":[\"first_name\",\"dob\"],"
		 "\"decision\":\"distinct\"}\n",
		 "distinct at a shared phone: a link without guard");
	decide("{\"a\":{\"id\":\"s1\",\"first_name\":\"Robert\","
	       "\"phone\":\"+1 206 555 0100\",\"dob\":\"1970-01-02\"},"
	       "\"b\":{\"id\":\"s2\",\"first_name\":\"Bob\","
	       "\"phone\":\"206 555 0100\",\"dob\":\"1970-01-02\"}}");
	UNIT_INT(D.decision, DQ_DECIDE_MATCH, "Robert and Bob: one person");
	UNIT_STR(link_of(), "", "a match is no household link");
	decide("{\"a\":{\"id\":\"x1\",\"first_name\":\"Anna\","
	       "\"phone\":\"+1 206 555 0100\"},\"b\":{\"id\":\"x2\","
	       "\"first_name\":\"Zed\",\"phone\":\"+1 415 555 0199\"}}");
	UNIT_STR(link_of(), "", "sharing nothing: no link");
}

static void
test_twins(void)
{
	/* Twins: the same surname, phone and birth date, another first
	 * name.  dob is an "unless" field and a "differ" field, and a phone
	 * is shared: twins, held for review (issue 15). */
	UNIT_INT(decide("{\"a\":{\"id\":\"t1\",\"first_name\":\"Anna\","
			"\"last_name\":\"Kowalski\",\"phone\":\"+1 206 555 0100\","
			"\"dob\":\"1970-01-02\"},\"b\":{\"id\":\"t2\","
			"\"first_name\":\"Zofia\",\"last_name\":\"Kowalski\","
			"\"phone\":\"(206) 555-0100\",\"dob\":\"1970-01-02\"}}"),
		 DQ_DECIDE_REVIEW, "twins go to review");
	UNIT_INT(D.guarded, DQ_GUARD_TWINS, "by the twins guard");
	UNIT_INT(dq_decide_guard(&M, D.lv, D.sim, 1), DQ_GUARD_NONE,
		 "first differ field alone (training): dob lifts as before");
	UNIT_NEAR(D.score, 0.999999, 1e-12, "score");
	UNIT_NEAR(D.total, 20.2966, 5e-5, "match weight");
	UNIT_NEAR(D.sim[0], 0.4833, 5e-5, "first names alike but different");
	UNIT_INT(D.lv[4], DQ_FS_NULL, "no email: null level");
}

static void
test_swap(void)
{
	UNIT_INT(decide("{\"a\":{\"id\":\"w1\",\"first_name\":\"Kowalski\","
			"\"last_name\":\"Anna\",\"phone\":\"+1 206 555 0100\"},"
			"\"b\":{\"id\":\"w2\",\"first_name\":\"Anna\","
			"\"last_name\":\"Kowalsky\",\"phone\":\"206 555 0100\"}}"),
		 DQ_DECIDE_MATCH, "swapped names: a match");
	UNIT_INT(D.swapped[0], 1, "first name swapped");
	UNIT_INT(D.swapped[1], 1, "last name swapped");
	UNIT_INT(D.lv[0], 2, "Kowalski ~ Kowalsky: close");
	UNIT_INT(D.lv[1], 0, "Anna = Anna: exact");
	UNIT_NEAR(D.score, 0.999986, 1e-12, "score");
	UNIT_OK(strstr(meta.buf, "\"first_name\":{\"level\":\"close\","
				 "\"similarity\":0.95,\"weight\":3.3219,"
				 "\"swapped\":true}") != NULL,
		"features say swapped");
	/* Only one side crosswise: no swap. */
	UNIT_INT(decide("{\"a\":{\"id\":\"x1\",\"first_name\":\"Kowalski\","
			"\"last_name\":\"Anna\"},\"b\":{\"id\":\"x2\","
			"\"first_name\":\"Anna\",\"last_name\":\"Zzyzx\"}}"),
		 DQ_DECIDE_DISTINCT, "half a swap is no swap");
	UNIT_INT(D.swapped[0] | D.swapped[1], 0, "not marked");
	UNIT_INT(D.lv[0], 5, "first names: different");
}

static void
test_read(void)
{
	const char *want;

	UNIT_INT(decide("{\"a\":[],\"b\":{}}"), -1, "side a not an object");
	UNIT_INT(decide("{\"a\":{}}"), -1, "no side b");
	UNIT_INT(decide("{\"a\":{\"id\":7,\"first_name\":null,\"last_name\":"
			"\"O\\u0027Neil\"},\"b\":{\"last_name\":\"O'Neil\"}}"),
		 DQ_DECIDE_DISTINCT, "a pair of two values");
	MEM_IS(D.a.id.buf, D.a.id.len, "7", "number id as written");
	MEM_IS(D.b.id.buf, D.b.id.len, "{\"last_name\":\"O'Neil\"}",
	       "no id: the record's text");
	UNIT_OK(D.a.v[0] == NULL, "null is missing");
	MEM_IS(D.a.v[1], D.a.n[1], "O'Neil", "escaped string unescaped");
	UNIT_INT(D.lv[1], 0, "and compared as text");
	/* Missing is contract/types.h's: a blank string of Unicode spaces
	 * or an empty array says nothing, it does not agree. */
	decide("{\"a\":{\"first_name\":\"\\u00a0\",\"email\":[],"
	       "\"phone\":\" \"},\"b\":{\"first_name\":\"\\u00a0\","
	       "\"email\":[],\"phone\":\"\\t\"}}");
	UNIT_OK(D.a.v[0] == NULL && D.b.v[0] == NULL, "no-break space: missing");
	UNIT_INT(D.lv[0], DQ_FS_NULL, "so the level is null");
	UNIT_INT(D.lv[4], DQ_FS_NULL, "[] is null too");
	UNIT_INT(D.lv[3], DQ_FS_NULL, "ASCII blanks as before");
	UNIT_INT(decide("{\"a\":{\"i\\u0064\":\"q\"},\"b\":{\"id\":\"r\"}}"),
		 DQ_DECIDE_DISTINCT, "nothing to compare");
	MEM_IS(D.a.id.buf, D.a.id.len, "q", "an escaped id key is found");
	/* Every level null: the prior's probability is the score. */
	want = "\"score\":0.01,\"decision\":\"distinct\",\"match_weight\":"
	       "-6.6294,\"features\":{\"first_name\":{\"level\":\"null\"";
	UNIT_OK(meta.len > strlen(want) &&
		!memcmp(meta.buf, want, strlen(want)), "the prior alone");
}

static void
test_thresholds(void)
{
	/* A weighted model: the score is the sum, a threshold is reached
	 * at equality. */
	const char *w = "{\"model\":\"weighted\",\"fields\":{\"a\":{"
			"\"comparator\":\"exact\",\"weight\":0.8},\"b\":{"
			"\"comparator\":\"exact\",\"weight\":0.15}}}";
	const char *t = "{\"match\":0.95,\"review\":0.8}";
	cJSON *cw = cJSON_Parse(w), *ct = cJSON_Parse(t);
	struct dq_fs_model wm;
	struct dq_buf err = DQ_BUF_INIT;

	dq_fs_init(&wm);
	UNIT_INT(dq_fs_load_contract(&wm, cw, ct, &err), 0, "weighted model");
	dq_fs_prepare(&wm);
	dq_decide_release(&D);
	dq_decide_init(&D, &wm);
	UNIT_INT(decide("{\"a\":{\"a\":1,\"b\":2},\"b\":{\"a\":1,\"b\":2}}"),
		 DQ_DECIDE_MATCH, "0.95 is a match");
	MEM_IS(meta.buf, meta.len,
	       "\"score\":0.95,\"decision\":\"match\",\"features\":{\"a\":"
	       "{\"level\":\"exact\",\"similarity\":1,\"weight\":0.8},\"b\":"
	       "{\"level\":\"exact\",\"similarity\":1,\"weight\":0.15}}",
	       "weighted: no match_weight");
	UNIT_INT(decide("{\"a\":{\"a\":1},\"b\":{\"a\":1}}"), DQ_DECIDE_REVIEW,
		 "0.8 is a review");
	UNIT_INT(decide("{\"a\":{\"a\":1},\"b\":{\"a\":2}}"),
		 DQ_DECIDE_DISTINCT, "0 is distinct");
	dq_buf_reset(&meta);
	dq_decide_explain(&D, DQ_DECIDE_MATCH, &meta);
	MEM_IS(meta.buf, meta.len, "\"score\":0,\"decision\":\"distinct\"",
	       "no features outside the explain mask");
	UNIT_INT(D.n_match * 100 + D.n_review * 10 + D.n_distinct, 111,
		 "one of each");
	dq_decide_release(&D);
	dq_decide_init(&D, &M);
	dq_fs_release(&wm);
	dq_buf_release(&err);
	cJSON_Delete(cw);
	cJSON_Delete(ct);
}

int
main(void)
{
	cJSON *doc = cJSON_Parse(model_json);
	struct dq_buf err = DQ_BUF_INIT;

	dq_fs_init(&M);
	UNIT_INT(dq_fs_load_contract(&M, doc, NULL, &err), 0, "model");
	dq_fs_prepare(&M);
	dq_decide_init(&D, &M);
	dq_record_init(&pair);
	test_household();
	test_household_link();
	test_twins();
	test_swap();
	test_read();
	test_thresholds();
	dq_decide_release(&D);
	dq_record_release(&pair);
	dq_buf_release(&meta);
	dq_buf_release(&err);
	dq_fs_release(&M);
	cJSON_Delete(doc);
	return unit_done();
}
