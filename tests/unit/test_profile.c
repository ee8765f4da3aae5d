/* Unit tests for lib/profile: the figures of a few records, the value
 * classifier, merge of two partial profiles against one pass, the partial
 * state's round trip and what loading refuses, drift, and --suggest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "norm/date.h"
#include "profile/classify.h"
#include "profile/doc.h"
#include "profile/drift.h"
#include "profile/partial.h"
#include "profile/profile.h"
#include "profile/suggest.h"
#include "unit.h"

static void
add(struct dq_profile *p, const char *line)
{
	struct dq_record r;
	struct dq_json_error err;
	dq_record_init(&r);
	if (dq_json_scan(&r, line, strlen(line), &err))
		UNIT_OK(0, line);
	else
		dq_profile_add(p, &r);
	dq_record_release(&r);
}

static const struct dq_profile_field *
field(const struct dq_profile *p, const char *name)
{
	for (size_t i = 0; i < p->nf; i++)
		if (!strcmp(p->f[i]->name, name))
			return p->f[i];
	return NULL;
}

/* doc printed without whitespace, deleted; the caller frees the text. */
static char *
print(cJSON *doc)
{
	char *s = cJSON_PrintUnformatted(doc);
	char *t = dq_xstrdup(s);
	cJSON_free(s);
	cJSON_Delete(doc);
	return t;
}

static void
test_classify(void)
{
	char sh[DQ_CLASSIFY_SHAPE_MAX + 2];
	size_t cp, sl;
	struct dq_buf b = DQ_BUF_INIT;
	char big[41];
	unsigned acc;

	UNIT_OK(dq_classify_integer("-9223372036854775808", 20),
		"19 digits and a sign: integer");
	UNIT_OK(!dq_classify_integer("12345678901234567890", 20),
		"20 digits: not an integer");
	UNIT_OK(!dq_classify_integer("+", 1), "a sign alone: not an integer");
	UNIT_OK(!dq_classify_integer("", 0), "empty: not an integer");
	UNIT_OK(dq_classify_number(".5", 2), ".5 is a number");
	UNIT_OK(dq_classify_number("-1.5E+3", 7), "-1.5E+3 is a number");
	UNIT_OK(!dq_classify_number("1e", 2), "1e is not");
	UNIT_OK(!dq_classify_number(".", 1), ". is not");
	UNIT_OK(!dq_classify_number("0x10", 4), "hex is not");
	UNIT_OK(!dq_classify_number("inf", 3), "inf is not");
	UNIT_OK(dq_classify_phone("(415) 555-0100", 14), "a phone by look");
	UNIT_OK(dq_classify_phone("555-0100", 8), "7 digits: a phone");
	UNIT_OK(!dq_classify_phone("555-010", 7), "6 digits: not a phone");
	UNIT_OK(!dq_classify_phone("-5550100", 8), "a phone starts 0-9 + (");
	UNIT_OK(!dq_classify_phone("415-555-01000000000", 19),
		"16 digits: not a phone");
	UNIT_INT(dq_classify_to_double("0.1", 3, &b) == 0.1, 1, "0.1");
	UNIT_INT(dq_classify_to_double("-1234567890123456789", 20, &b) ==
		 -1234567890123456789.0, 1, "19-digit integer");
	UNIT_INT(dq_classify_to_double("1.5e3", 5, &b), 1500,
		 "exponent: the slow path");
	UNIT_INT(dq_classify_to_double("123456789012345678901", 21, &b) ==
		 123456789012345678901.0, 1, "21 digits: strtod");
	dq_buf_release(&b);

	acc = dq_classify_scan("Main St 12", 10, &cp, sh, &sl);
	UNIT_STR(sh, "Aaaa Aa 99", "shape of an address");
	UNIT_INT(sl, 10, "shape length");
	UNIT_INT(cp, 10, "code points");
	UNIT_OK((acc & DQ_CLASSIFY_ALPHA) && (acc & DQ_CLASSIFY_DIGIT) &&
		!(acc & DQ_CLASSIFY_AT), "letters and digits, no @");
	dq_classify_scan("h\xc3\xa9llo \xe2\x82\xac", 10, &cp, sh, &sl);
	UNIT_STR(sh, "a*aaa *", "one * per non-ASCII code point");
	UNIT_INT(cp, 7, "code points of UTF-8 text");
	dq_classify_scan("", 0, &cp, sh, &sl);
	UNIT_STR(sh, "", "empty shape");
	UNIT_INT(cp, 0, "empty: no code points");
	memset(big, 'x', 40);
	big[40] = '\0';
	dq_classify_scan(big, 40, &cp, sh, &sl);
	UNIT_INT(sl, DQ_CLASSIFY_SHAPE_MAX + 1, "long shape cut");
	UNIT_INT(sh[DQ_CLASSIFY_SHAPE_MAX], '~', "and marked with ~");

	acc = dq_classify_scan("March 3rd, 2021", 15, &cp, sh, &sl);
	UNIT_OK(dq_classify_may_be_date("March 3rd, 2021", 15, acc),
		"month name and ordinal: maybe a date");
	acc = dq_classify_scan("12 Main St", 10, &cp, sh, &sl);
	UNIT_OK(!dq_classify_may_be_date("12 Main St", 10, acc),
		"an address: not a date");
	acc = dq_classify_scan("3 March", 7, &cp, sh, &sl);
	UNIT_OK(dq_classify_may_be_date("3 March", 7, acc), "3 March: maybe");
	acc = dq_classify_scan("st 3", 4, &cp, sh, &sl);
	UNIT_OK(!dq_classify_may_be_date("st 3", 4, acc),
		"a date does not start with 'st'");
	acc = dq_classify_scan("hello", 5, &cp, sh, &sl);
	UNIT_OK(!dq_classify_may_be_date("hello", 5, acc), "no digit: no");
	UNIT_INT(dq_vtype_index("email"), DQ_VT_EMAIL, "type by name");
	UNIT_INT(dq_vtype_index("nope"), -1, "unknown type name");
	UNIT_INT(dq_vtype_index(NULL), -1, "NULL type name");
}

static void
test_figures(void)
{
	struct dq_profile p;
	const struct dq_profile_field *f;
	const struct dq_topk_item *it;

	dq_profile_init(&p, NULL);
	add(&p, "{\"id\":1,\"name\":\"Ann\",\"dob\":\"2020-01-05\","
		"\"email\":\"a@b.co\",\"v\":null}");
	add(&p, "{\"id\":2,\"name\":\"\",\"dob\":\"2021-03-04T10:00:00Z\","
		"\"email\":\"x\",\"v\":2.5,\"tel\":\"(415) 555-0100\"}");
	add(&p, "{\"id\":3,\"name\":\"Bob\",\"dob\":\"2019-12-31\","
		"\"v\":\"-7\",\"_dq\":{\"row\":3}}");
	add(&p, "{\"id\":-4,\"name\":\"Ann\",\"v\":true,\"n\\u0061me2\":0}");
	add(&p, "{\"id\":-4,\"name\":\"Ann\",\"v\":true,\"n\\u0061me2\":0}");
	dq_profile_flush(&p);

	UNIT_INT(p.rows, 5, "rows");
	UNIT_INT(p.nf, 7, "fields (not _dq)");
	UNIT_STR(p.f[0]->name, "id", "first field first");
	UNIT_STR(p.f[6]->name, "name2", "escaped key unescaped");
	UNIT_OK(!field(&p, "_dq"), "_dq is not profiled");
	UNIT_INT(floor(dq_dupsketch_count(&p.dups) + 0.5), 1,
		 "one duplicate row");

	f = field(&p, "id");
	UNIT_INT(f->present, 5, "id present");
	UNIT_INT(f->types[DQ_VT_INTEGER], 5, "id: integers");
	UNIT_INT(f->num.min, -4, "id min");
	UNIT_INT(f->num.max, 3, "id max");
	UNIT_INT(f->num.sum, -2, "id sum");
	UNIT_INT(f->negatives, 2, "id negatives");
	UNIT_INT(f->zeros, 0, "id zeros");
	UNIT_INT(f->kinds[DQ_PROFILE_K_INT], 5, "id: integer-written");
	UNIT_INT(dq_profile_distinct(f), 4, "id distinct");
	UNIT_INT(dq_profile_dominant(f), DQ_VT_INTEGER, "id dominant");

	f = field(&p, "name");
	UNIT_INT(f->present, 5, "name present");
	UNIT_INT(f->empty, 1, "name empty");
	UNIT_INT(dq_profile_valid(f), 4, "name valid");
	UNIT_INT(f->types[DQ_VT_STRING], 4, "name strings");
	UNIT_STR(f->smin, "Ann", "name least");
	UNIT_STR(f->smax, "Bob", "name greatest");
	UNIT_INT(f->len.n, 4, "name lengths");
	UNIT_INT(f->len.min, 3, "name shortest");
	UNIT_INT(f->len.sum, 12, "name length sum");
	UNIT_INT(dq_profile_distinct(f), 2, "name distinct");
	UNIT_INT(dq_topk_sorted(&((struct dq_profile_field *)f)->top, &it), 2,
		 "name: two top values");
	UNIT_STR(it[0].val, "\"Ann\"", "top value raw JSON");
	UNIT_INT(it[0].count, 3, "Ann three times");
	UNIT_INT(f->nex[DQ_VT_STRING], 4, "string examples");
	UNIT_STR(f->ex[DQ_VT_STRING][1], "\"Bob\"", "examples in order");

	f = field(&p, "dob");
	UNIT_INT(f->types[DQ_VT_DATE], 2, "dob dates");
	UNIT_INT(f->types[DQ_VT_DATETIME], 1, "dob date-time");
	UNIT_INT(f->iso[0], 2, "ISO dates");
	UNIT_INT(f->iso[1], 1, "ISO date-times");
	UNIT_STR(f->dmin, "2019-12-31", "earliest date");
	UNIT_OK(f->dmax && !strncmp(f->dmax, "2021-03-04", 10),
		"latest date");
	UNIT_OK(f->has_tmax, "newest time kept");
	UNIT_INT(f->tmax, dq_date_days(2021, 3, 4) * 86400LL + 36000,
		 "newest time in seconds");
	UNIT_INT(f->len.n, 3, "dates have lengths too");

	f = field(&p, "email");
	UNIT_INT(f->types[DQ_VT_EMAIL], 1, "one e-mail");
	UNIT_INT(f->types[DQ_VT_STRING], 1, "one plain string");
	UNIT_INT(dq_profile_null_rate(f, p.rows) * 5, 3,
		 "email absent in 3 of 5 rows");

	f = field(&p, "tel");
	UNIT_INT(f->types[DQ_VT_PHONE], 1, "a phone");
	UNIT_INT(f->iso[2], 0, "not E.164");

	f = field(&p, "v");
	UNIT_INT(f->nulls, 1, "v null");
	UNIT_INT(f->types[DQ_VT_NUMBER], 1, "v number");
	UNIT_INT(f->types[DQ_VT_INTEGER], 1, "v integer (a numeric string)");
	UNIT_INT(f->types[DQ_VT_BOOLEAN], 2, "v booleans");
	UNIT_INT(dq_profile_type_count(f, DQ_VT_NUMBER), 2,
		 "integers count as numbers beside a decimal");
	UNIT_INT(dq_profile_type_count(f, DQ_VT_INTEGER), 0,
		 "and not as integers");
	UNIT_INT(dq_profile_dominant(f), DQ_VT_NUMBER,
		 "tie of 2 numbers and 2 booleans: the first type wins");
	UNIT_INT(f->kinds[DQ_PROFILE_K_DEC], 1, "decimal-written");
	UNIT_INT(f->kinds[DQ_PROFILE_K_STRING], 1, "one string");
	UNIT_INT(f->kinds[DQ_PROFILE_K_BOOL], 2, "two booleans");
	UNIT_INT(f->num.n, 2, "v: two numbers");
	UNIT_INT(f->num.min, -7, "v min from a string");
	UNIT_OK(f->num.max == 2.5, "v max");
	dq_profile_release(&p);
}

/* A record of a deterministic mix, for the merge test. */
static void
add_mixed(struct dq_profile *p, int i)
{
	static const char *const city[] = { "Oslo", "Lima", "Pune", "Nice",
					     "Bonn" };
	char line[512];
	if (i % 97 == 0) {
		add(p, "{\"id\":null}");
		return;
	}
	snprintf(line, sizeof(line),
		 "{\"id\":%d,\"city\":\"%s\",\"amount\":%d.%02d,"
		 "\"day\":\"2024-%02d-%02d\",\"code\":\"%c%c-%04d\","
		 "\"flag\":%s,\"note\":%s}",
		 i, city[i % 5], (i * 37) % 1000 - 300, i % 100, 1 + i % 12,
		 1 + i % 28, 'A' + i % 26, 'A' + (i / 26) % 26, i % 10000,
		 i % 3 ? "true" : "false",
		 i % 7 ? "\"\"" : i % 2 ? "null" : "\"see \\\"this\\\"\"");
	add(p, line);
}

/* The profile document without its sample rows. */
static char *
document(struct dq_profile *p)
{
	cJSON *doc = dq_doc_profile(p);
	cJSON_DeleteItemFromObjectCaseSensitive(doc, "sampleData");
	return print(doc);
}

/* n records in one pass, and in two parts (the first third and the
 * rest) merged: every exact figure is the same; with whole_doc (while
 * every sketch is exact), the whole document is. */
static void
test_merge(int n, int whole_doc)
{
	struct dq_profile one, a, b, all;
	char *s1, *s2;

	dq_profile_init(&one, NULL);
	dq_profile_init(&a, NULL);
	dq_profile_init(&b, NULL);
	dq_profile_init(&all, NULL);
	for (int i = 0; i < n; i++) {
		add_mixed(&one, i);
		add_mixed(i < n / 3 ? &a : &b, i);
	}
	dq_profile_flush(&one);
	dq_profile_flush(&a);
	dq_profile_flush(&b);
	dq_profile_merge(&all, &a);
	dq_profile_merge(&all, &b);
	UNIT_INT(all.rows, n, "merged rows");
	UNIT_INT(all.nf, one.nf, "merged fields");
	for (size_t i = 0; i < one.nf && i < all.nf; i++) {
		const struct dq_profile_field *x = one.f[i], *y = all.f[i];
		UNIT_STR(y->name, x->name, "same field order");
		UNIT_INT(y->present, x->present, x->name);
		UNIT_INT(y->nulls + y->empty, x->nulls + x->empty, x->name);
		UNIT_OK(!memcmp(y->types, x->types, sizeof(x->types)),
			"same type counts");
		UNIT_OK(!memcmp(y->kinds, x->kinds, sizeof(x->kinds)) &&
			!memcmp(y->iso, x->iso, sizeof(x->iso)),
			"same kinds and ISO counts");
		UNIT_OK(y->num.n == x->num.n && y->num.min == x->num.min &&
			y->num.max == x->num.max, "same numeric bounds");
		UNIT_STR(y->smin, x->smin, "same least string");
		UNIT_STR(y->dmax, x->dmax, "same latest date");
		UNIT_INT(dq_profile_distinct(y), dq_profile_distinct(x),
			 "same distinct count");
	}
	if (whole_doc) {
		s1 = document(&one);
		s2 = document(&all);
		UNIT_STR(s2, s1, "merged document equals one pass");
		free(s1);
		free(s2);
	}
	dq_profile_release(&one);
	dq_profile_release(&a);
	dq_profile_release(&b);
	dq_profile_release(&all);
}

static int
load_text(const char *text)
{
	struct dq_profile p;
	cJSON *doc = cJSON_Parse(text);
	int rc;
	dq_profile_init(&p, NULL);
	rc = doc ? dq_partial_load(&p, doc) : -2;
	dq_profile_release(&p);
	cJSON_Delete(doc);
	return rc;
}

static void
test_partial(void)
{
	struct dq_profile p, q;
	char *s1, *s2, *d1, *d2, *bad;
	cJSON *doc;
	char *big = dq_xmalloc(1 << 20 | 64);

	dq_profile_init(&p, NULL);
	for (int i = 0; i < 500; i++)
		add_mixed(&p, i);
	/* A 1 MB string: its length counted, its example cut. */
	memcpy(big, "{\"huge\":\"", 9);
	memset(big + 9, 'z', 1 << 20);
	memcpy(big + 9 + (1 << 20), "\"}", 3);
	add(&p, big);
	free(big);
	dq_profile_flush(&p);
	UNIT_INT(field(&p, "huge")->len.max, 1 << 20, "1 MB string length");
	UNIT_INT(strlen(field(&p, "huge")->smax), 1 << 20,
		 "1 MB greatest string kept whole");
	UNIT_INT(strlen(field(&p, "huge")->ex[DQ_VT_STRING][0]),
		 DQ_PROFILE_EXAMPLE_MAX, "examples cut");

	s1 = print(dq_partial_save(&p));
	doc = cJSON_Parse(s1);
	dq_profile_init(&q, NULL);
	UNIT_INT(dq_partial_load(&q, doc), 0, "saved state loads");
	cJSON_Delete(doc);
	s2 = print(dq_partial_save(&q));
	UNIT_STR(s2, s1, "save, load, save: the same text");
	d1 = document(&p);
	d2 = document(&q);
	UNIT_STR(d2, d1, "and the same document");
	UNIT_INT(q.rows, 501, "rows loaded");
	dq_profile_release(&q);
	dq_profile_release(&p);

	UNIT_INT(load_text("{}"), -1, "empty object refused");
	bad = dq_xstrdup(s1);
	memcpy(strstr(bad, "\"dqProfilePartial\":2"), "\"dqProfilePartial\":3",
	       20);
	UNIT_INT(load_text(bad), -1, "version 3 refused");
	strcpy(bad, s1);
	memcpy(strstr(bad, "\"rows\":501"), "\"rows\":-01", 10);
	UNIT_INT(load_text(bad), -1, "negative count refused");
	strcpy(bad, s1);
	memcpy(strstr(bad, "\"name\":\"city\""), "\"name\":\"id\"  ", 13);
	UNIT_INT(load_text(bad), -1, "a field named twice refused");
	free(bad);
	free(s1);
	free(s2);
	free(d1);
	free(d2);
}

/* "kind:field ..." of each anomaly. */
static char *
kinds(const cJSON *anomalies)
{
	struct dq_buf b = DQ_BUF_INIT;
	const cJSON *a;
	cJSON_ArrayForEach(a, anomalies) {
		const cJSON *k = cJSON_GetObjectItem(a, "kind");
		const cJSON *f = cJSON_GetObjectItem(a, "field");
		dq_buf_addf(&b, "%s%s:%s", b.len ? " " : "",
			    cJSON_GetStringValue(k), cJSON_GetStringValue(f));
	}
	return b.cap ? b.buf : dq_xstrdup("");
}

static void
test_drift(void)
{
	struct dq_drift d;
	struct dq_profile p, c;
	cJSON *base;
	const cJSON *a;
	char *s;

	dq_drift_init(&d);
	UNIT_INT(dq_drift_freshness_add(&d, "day=2h"), 0, "FIELD=AGE");
	UNIT_OK(d.nfresh == 1 && d.fresh_age[0] == 7200, "2h is 7200 s");
	UNIT_STR(d.fresh_field[0], "day", "its field");
	UNIT_INT(dq_drift_freshness_add(&d, "a=1w"), 0, "weeks");
	UNIT_OK(d.fresh_age[1] == 7 * 86400, "1w in seconds");
	fprintf(stderr, "# three messages expected:\n");
	UNIT_INT(dq_drift_freshness_add(&d, "=1h"), -1, "no field");
	UNIT_INT(dq_drift_freshness_add(&d, "x=0h"), -1, "zero age");
	UNIT_INT(dq_drift_freshness_add(&d, "x=1y"), -1, "unknown unit");
	UNIT_INT(d.nfresh, 2, "refused limits not kept");

	dq_profile_init(&p, NULL);
	dq_profile_init(&c, NULL);
	for (int i = 1; i < 400; i++) {
		add_mixed(&p, i);
		add_mixed(&c, i < 200 ? i : 10000 + i);
	}
	add(&c, "{\"extra\":1}");
	dq_profile_flush(&p);
	dq_profile_flush(&c);
	/* As read from a file: top values parsed, not raw. */
	s = print(dq_doc_profile(&p));
	base = cJSON_Parse(s);
	free(s);
	d.anomalies = cJSON_CreateArray();
	dq_drift_baseline(&d, &p, base);
	UNIT_INT(cJSON_GetArraySize(d.anomalies), 0,
		 "a profile against itself: no anomaly");
	dq_drift_baseline(&d, &c, base);
	a = cJSON_GetArrayItem(d.anomalies, 0);
	UNIT_STR(cJSON_GetStringValue(cJSON_GetObjectItem(a, "kind")),
		 "fieldAdded", "a new field first");
	UNIT_STR(cJSON_GetStringValue(cJSON_GetObjectItem(a, "message")),
		 "field 'extra' is new", "its message");
	s = kinds(d.anomalies);
	UNIT_STR(s, "fieldAdded:extra distribution:id meanShift:id",
		 "then the ids that moved, not the rest");
	free(s);
	cJSON_Delete(base);
	dq_profile_release(&p);
	dq_profile_release(&c);
	dq_drift_release(&d);
	UNIT_OK(!d.anomalies && !d.nfresh, "released");
}

static void
test_suggest(void)
{
	struct dq_profile p;
	char *s;

	dq_profile_init(&p, NULL);
	for (int i = 0; i < 20; i++) {
		char line[200];
		snprintf(line, sizeof(line),
			 "{\"id\":%d,\"st\":\"%s\",\"day\":\"2024-01-%02d\","
			 "\"zip\":\"%05d\",\"mail\":\"u%d@x.org\"%s}",
			 i + 1, i % 2 ? "CA" : "NY", i + 1, 90000 + i, i,
			 i ? "" : ",\"opt\":1.5");
		add(&p, line);
	}
	dq_profile_flush(&p);
	s = print(dq_suggest_contract(&p));
	UNIT_STR(s, "{\"description\":\"suggested by dq-profile from 20 rows\","
		 "\"fields\":{"
		 "\"id\":{\"type\":\"integer\",\"required\":true,\"min\":1,"
		 "\"max\":20,\"unique\":true},"
		 "\"st\":{\"type\":\"string\",\"required\":true,"
		 "\"enum\":[\"CA\",\"NY\"]},"
		 "\"day\":{\"type\":\"date\",\"required\":true,"
		 "\"min\":\"2024-01-01\",\"max\":\"2024-01-20\","
		 "\"unique\":true},"
		 "\"zip\":{\"type\":\"string\",\"required\":true,"
		 "\"unique\":true,\"pattern\":\"^[0-9]{5}$\"},"
		 "\"mail\":{\"type\":\"email\",\"pii\":\"candidate\","
		 "\"description\":\"sensitive? its values are e-mail "
		 "addresses\",\"required\":true,\"unique\":true},"
		 "\"opt\":{\"type\":\"number\",\"min\":1.5,\"max\":1.5}}}",
		 "the suggested contract");
	free(s);
	dq_profile_release(&p);
}

int
main(void)
{
	test_classify();
	test_figures();
	test_merge(3000, 0);
	test_merge(190, 1);
	test_partial();
	test_drift();
	test_suggest();
	return unit_done();
}
