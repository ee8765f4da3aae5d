/* Unit tests for lib/er/compare.c: published Jaro-Winkler values, edit
 * distances counted by hand, sets, dates, email, phone, nicknames. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "er/compare.h"
#include "unit.h"

#define S(x) x, strlen(x)

static void
fold_is(const char *in, const char *want)
{
	struct dq_buf b = DQ_BUF_INIT;
	dq_cmp_fold(in, strlen(in), &b);
	UNIT_STR(b.buf, want, in);
	dq_buf_release(&b);
}

/* A test idf: "b" weighs 1, every other word 2. */
static double
idf_b1(const void *ctx, const char *w, size_t n)
{
	(void)ctx;
	return n == 1 && w[0] == 'b' ? 1 : 2;
}

/* Monge-Elkan, TF-IDF, codes and years (issue 22), computed by hand. */
static void
test_words(void)
{
	struct dq_cmp_token t[4];

	UNIT_INT(dq_cmp_tokens(S(" dsc-w55, Sony ünï"), t, 2), 4,
		 "tokens: all counted");
	UNIT_MEM(t[1].s, t[1].n, "w55", 3, "tokens: split at '-'");
	/* camera against dsc: Jaro 1 match in 6 and 3, (1/6 + 1/3 + 1)/3
	 * = 0.5; the other words are equal: (3.5/4 + 3/3) / 2. */
	UNIT_NEAR(dq_cmp_monge_elkan(S("sony dsc w55 camera"),
				     S("dsc-w55 sony"),
				     DQ_CMP_INNER_JARO_WINKLER),
		  0.9375, 1e-12, "monge-elkan: both directions");
	/* jon/john 14/15, smith/smyth 67/75 (Jaro-Winkler); the cross
	 * pairs share no letter in reach: (14/15 + 67/75) / 2. */
	UNIT_NEAR(dq_cmp_monge_elkan(S("jon smith"), S("smyth john"),
				     DQ_CMP_INNER_JARO_WINKLER),
		  137.0 / 150, 1e-12, "monge-elkan: word order free");
	/* Levenshtein inside: jon/john 3/4, smith/smyth 4/5. */
	UNIT_NEAR(dq_cmp_monge_elkan(S("jon smith"), S("smyth john"),
				     DQ_CMP_INNER_LEVENSHTEIN),
		  (0.75 + 0.8) / 2, 1e-12, "monge-elkan: levenshtein");
	UNIT_NEAR(dq_cmp_monge_elkan(S("a a b"), S("b a"),
				     DQ_CMP_INNER_DAMERAU),
		  1, 0, "monge-elkan: word sets");
	UNIT_NEAR(dq_cmp_monge_elkan(S("a"), S(" - "),
				     DQ_CMP_INNER_JARO_WINKLER),
		  0, 0, "monge-elkan: no words on one side");
	UNIT_NEAR(dq_cmp_monge_elkan(S(""), S(" - "),
				     DQ_CMP_INNER_JARO_WINKLER),
		  1, 0, "monge-elkan: no words on either side");
	/* Counts a1 b2 against b1 c1: 2 / (sqrt 5 sqrt 2). */
	UNIT_NEAR(dq_cmp_tfidf(S("a b b"), S("b c"), NULL, NULL),
		  2 / sqrt(10), 1e-12, "cosine of counts");
	/* Weighted a2 b2 against b1 c2: 2 / (sqrt 8 sqrt 5). */
	UNIT_NEAR(dq_cmp_tfidf(S("a b b"), S("b c"), idf_b1, NULL),
		  2 / sqrt(40), 1e-12, "tf-idf cosine");
	UNIT_NEAR(dq_cmp_tfidf(S("x y"), S("y x"), idf_b1, NULL), 1, 0,
		  "tf-idf: order free");
	UNIT_NEAR(dq_cmp_tfidf(S("x"), S("y"), idf_b1, NULL), 0, 0,
		  "tf-idf: nothing shared");
	UNIT_NEAR(dq_cmp_tfidf(S(""), S("y"), NULL, NULL), 0, 0,
		  "tf-idf: one side empty");

	UNIT_INT(dq_cmp_code(S("sony dsc-w55 7.2mp"), S("dscw55 camera")),
		 DQ_CMP_CODE_EXACT, "code: joiners out, 72mp a quantity");
	UNIT_INT(dq_cmp_code(S("isbn 978-0-13-110362-7"), S("9780131103627")),
		 DQ_CMP_CODE_EXACT, "code: ISBN-13");
	UNIT_INT(dq_cmp_code(S("a1234 b5678"), S("a1234 c9999")),
		 DQ_CMP_CODE_SHARED, "code: one shared");
	UNIT_INT(dq_cmp_code(S("pslx350h"), S("ps-lx350")),
		 DQ_CMP_CODE_CLOSE, "code: one edit");
	UNIT_INT(dq_cmp_code(S("dscw55"), S("dscw70")), DQ_CMP_CODE_CONFLICT,
		 "code: two edits conflict");
	UNIT_INT(dq_cmp_code(S("500gb drive 2007"), S("750gb drive 2008")),
		 DQ_CMP_CODE_NONE, "code: quantities and years are not codes");
	UNIT_INT(dq_cmp_code(S("013110362x"), S("x10 abc")), DQ_CMP_CODE_NONE,
		 "code: 3 characters are too short");
	UNIT_INT(dq_cmp_code(S("013110362x"), S("0131103628")),
		 DQ_CMP_CODE_CLOSE, "code: ISBN-10 check digit");
	UNIT_INT(dq_cmp_year(S("Proc. VLDB 1998, pp. 12-20")), 1998,
		 "year in text");
	UNIT_INT(dq_cmp_year(S("2001-05-03")), 2001, "year of a date");
	UNIT_INT(dq_cmp_year(S("12345 x3000 1999")), 1999,
		 "year: 5 digits and 3xxx are not years");
	UNIT_INT(dq_cmp_year(S("n.d.")), 0, "no year");
}

int
main(void)
{
	test_words();
	/* Winkler (1990) and the usual textbook examples, to 3 places. */
	UNIT_NEAR(dq_cmp_jaro(S("MARTHA"), S("MARHTA")), 0.944444, 1e-6,
		  "jaro MARTHA MARHTA 17/18");
	UNIT_NEAR(dq_cmp_jaro_winkler(S("MARTHA"), S("MARHTA")), 0.961111,
		  1e-6, "jw MARTHA MARHTA");
	UNIT_NEAR(dq_cmp_jaro(S("DIXON"), S("DICKSONX")), 0.766667, 1e-6,
		  "jaro DIXON DICKSONX");
	UNIT_NEAR(dq_cmp_jaro_winkler(S("DIXON"), S("DICKSONX")), 0.813333,
		  1e-6, "jw DIXON DICKSONX");
	UNIT_NEAR(dq_cmp_jaro(S("DWAYNE"), S("DUANE")), 0.822222, 1e-6,
		  "jaro DWAYNE DUANE");
	UNIT_NEAR(dq_cmp_jaro_winkler(S("DWAYNE"), S("DUANE")), 0.84, 1e-6,
		  "jw DWAYNE DUANE");
	UNIT_NEAR(dq_cmp_jaro_winkler(S(""), S("")), 1.0, 0, "jw empty");
	UNIT_NEAR(dq_cmp_jaro_winkler(S("a"), S("")), 0.0, 0, "jw one empty");
	UNIT_NEAR(dq_cmp_jaro_winkler(S("abc"), S("xyz")), 0.0, 0,
		  "jw nothing in common");
	/* Code points: "é" is one character, so this is Jaro of 4 vs 4
	 * with 3 matches: (3/4 + 3/4 + 1) / 3. */
	UNIT_NEAR(dq_cmp_jaro(S("josé"), S("jose")), 2.5 / 3, 1e-12,
		  "jaro on code points");
	UNIT_INT(dq_cmp_levenshtein(S("kitten"), S("sitting")), 3,
		 "levenshtein kitten sitting");
	UNIT_INT(dq_cmp_levenshtein(S("ca"), S("ac")), 2, "lev transposition 2");
	UNIT_INT(dq_cmp_damerau(S("ca"), S("ac")), 1, "osa transposition 1");
	UNIT_INT(dq_cmp_damerau(S("ca"), S("abc")), 3,
		 "osa CA ABC is 3 (unrestricted DL would give 2)");
	UNIT_INT(dq_cmp_levenshtein(S("Müller"), S("Muller")), 1,
		 "lev code points");
	UNIT_INT(dq_cmp_levenshtein(S(""), S("abc")), 3, "lev empty");
	UNIT_NEAR(dq_cmp_levenshtein_sim(S("kitten"), S("sitting")),
		  1 - 3.0 / 7, 1e-12, "lev sim");
	UNIT_NEAR(dq_cmp_damerau_sim(S("1985"), S("1958")), 0.75, 1e-12,
		  "osa sim");
	UNIT_NEAR(dq_cmp_levenshtein_sim(S(""), S("")), 1.0, 0, "lev sim empty");
	{
		/* A long string takes the heap path. */
		char *a = malloc(1001), *b = malloc(1001);
		memset(a, 'x', 1000);
		memset(b, 'x', 1000);
		a[1000] = b[1000] = 0;
		b[500] = 'y';
		UNIT_INT(dq_cmp_levenshtein(a, 1000, b, 1000), 1, "lev 1000");
		UNIT_NEAR(dq_cmp_jaro_winkler(a, 1000, b, 999), 0.999, 1e-3,
			  "jw 1000 near 1");
		free(a);
		free(b);
	}
	UNIT_NEAR(dq_cmp_jaccard(S("Main St, Apt 4"), S("apt 4 Main St")),
		  0.6, 1e-12, "jaccard 3 of 5 (case matters)");
	UNIT_NEAR(dq_cmp_jaccard(S("a b a"), S("a b")), 1.0, 0,
		  "jaccard sets");
	UNIT_NEAR(dq_cmp_jaccard(S(" , "), S("")), 1.0, 0,
		  "jaccard no tokens");
	/* Bigrams of #ab#: #a ab b#; of #abc#: #a ab bc c#: 2*2/7. */
	UNIT_NEAR(dq_cmp_qgram(S("ab"), S("abc"), 2), 4.0 / 7, 1e-12,
		  "qgram dice");
	UNIT_NEAR(dq_cmp_qgram(S("abab"), S("ab"), 2), 0.75, 1e-12,
		  "qgram multiset: #a ab ba ab b# vs #a ab b#: 2*3/8");
	UNIT_NEAR(dq_cmp_qgram(S("aab"), S("ab"), 2), 2 * 3.0 / 7, 1e-12,
		  "qgram multiset: #a aa ab b# vs #a ab b#: ab once");
	UNIT_NEAR(dq_cmp_qgram(S("x"), S("x"), 3), 1.0, 0, "qgram equal");
	UNIT_NEAR(dq_cmp_abs_diff(3, -2), 5, 0, "abs diff");
	UNIT_NEAR(dq_cmp_rel_diff(90, 100), 0.1, 1e-12, "rel diff");
	UNIT_NEAR(dq_cmp_rel_diff(0, 0), 0, 0, "rel diff zeros");

	UNIT_INT(dq_cmp_date(1980, 3, 7, 1980, 3, 7, 0), DQ_CMP_DATE_EXACT,
		 "date exact");
	UNIT_INT(dq_cmp_date(1980, 3, 7, 1980, 7, 3, 0), DQ_CMP_DATE_SWAPPED,
		 "date swapped");
	UNIT_INT(dq_cmp_date(1980, 12, 31, 1981, 1, 2, 2), DQ_CMP_DATE_WITHIN,
		 "date within 2 days across a year");
	UNIT_INT(dq_cmp_date(1980, 12, 31, 1981, 1, 3, 2),
		 DQ_CMP_DATE_DIFFERENT, "date 3 days, other year");
	UNIT_INT(dq_cmp_date(1985, 3, 12, 1958, 3, 12, 0), DQ_CMP_DATE_WITHIN,
		 "year digits transposed: one edit");
	UNIT_INT(dq_cmp_date(1945, 12, 17, 2045, 12, 17, 0),
		 DQ_CMP_DATE_WITHIN, "century off");
	UNIT_INT(dq_cmp_date(1945, 12, 17, 1946, 12, 17, 0),
		 DQ_CMP_DATE_WITHIN, "year one off");
	UNIT_INT(dq_cmp_date(1945, 12, 17, 1947, 12, 17, 0),
		 DQ_CMP_DATE_WITHIN, "year two off, one digit: one edit");
	UNIT_INT(dq_cmp_date(1945, 12, 17, 1952, 12, 17, 0),
		 DQ_CMP_DATE_DIFFERENT, "year seven off, two digits");
	UNIT_INT(dq_cmp_date(1943, 9, 8, 2043, 8, 9, 0), DQ_CMP_DATE_WITHIN,
		 "08/09/43 read both ways: swapped and century off");
	UNIT_INT(dq_cmp_date(1943, 9, 8, 1993, 8, 9, 0),
		 DQ_CMP_DATE_DIFFERENT, "swapped, fifty years off: different");
	UNIT_INT(dq_cmp_date(1950, 3, 4, 1980, 4, 3, 0),
		 DQ_CMP_DATE_DIFFERENT, "Sr and Jr: decades apart, swapped");
	UNIT_INT(dq_cmp_date(1985, 3, 12, 1985, 9, 28, 30),
		 DQ_CMP_DATE_SAME_YEAR, "same year");
	UNIT_INT(dq_cmp_date(1985, 3, 12, 1987, 9, 28, 30),
		 DQ_CMP_DATE_DIFFERENT, "different");

	UNIT_INT(dq_cmp_email(S("a.b@x.org"), S("a.b@x.org")),
		 DQ_CMP_EMAIL_EXACT, "email exact");
	UNIT_INT(dq_cmp_email(S("a.b@x.org"), S("a.b@y.org")),
		 DQ_CMP_EMAIL_LOCAL, "email local");
	UNIT_INT(dq_cmp_email(S("a.b@x.org"), S("c@x.org")),
		 DQ_CMP_EMAIL_DOMAIN, "email domain");
	UNIT_INT(dq_cmp_email(S("a@x.org"), S("b@y.org")),
		 DQ_CMP_EMAIL_DIFFERENT, "email different");
	UNIT_INT(dq_cmp_email(S("@x.org"), S("@y.org")),
		 DQ_CMP_EMAIL_DIFFERENT, "empty local parts do not agree");

	UNIT_INT(dq_cmp_phone(S("+1 (206) 555-0100"), S("206.555.0100"), 4),
		 DQ_CMP_PHONE_EXACT, "phone with and without country code");
	UNIT_INT(dq_cmp_phone(S("555-0100"), S("+1 206 555 0100"), 7),
		 DQ_CMP_PHONE_LAST_N, "partial side: last 7");
	UNIT_INT(dq_cmp_phone(S("+1 206 555 0100"), S("555-0100"), 7),
		 DQ_CMP_PHONE_LAST_N, "partial side second: last 7");
	UNIT_INT(dq_cmp_phone(S("556-0100"), S("206-555-0100"), 7),
		 DQ_CMP_PHONE_DIFFERENT, "partial side: last 7 differ");
	UNIT_INT(dq_cmp_phone(S("206-555-0100"), S("425-555-0100"), 7),
		 DQ_CMP_PHONE_DIFFERENT, "two complete numbers: not last 7");
	UNIT_INT(dq_cmp_phone(S("+14155552671"), S("+16505552671"), 7),
		 DQ_CMP_PHONE_DIFFERENT, "two complete E.164 numbers");
	UNIT_INT(dq_cmp_phone(S("4155552671"), S("+16505552671"), 7),
		 DQ_CMP_PHONE_DIFFERENT, "complete numbers of 10 and 11 digits");
	UNIT_INT(dq_cmp_phone(S("12345678"), S("92345678"), 7),
		 DQ_CMP_PHONE_DIFFERENT, "equal lengths below 10: not partial");
	UNIT_INT(dq_cmp_phone(S("123456789"), S("+33 1 23 45 67 89"), 7),
		 DQ_CMP_PHONE_LAST_N, "9 digits against 11: partial");
	UNIT_INT(dq_cmp_phone(S("(05) 37 33 26 10"), S("+33537332610"), 7),
		 DQ_CMP_PHONE_EXACT, "trunk 0 against the country code");
	UNIT_INT(dq_cmp_phone(S("+49 30 1234567"), S("030 1234567"), 7),
		 DQ_CMP_PHONE_EXACT, "trunk 0 against the country code, second");
	UNIT_INT(dq_cmp_phone(S("0155241116"), S("0033 1 55 24 11 16"), 7),
		 DQ_CMP_PHONE_EXACT, "trunk 0 against 00 and the country code");
	UNIT_INT(dq_cmp_phone(S("0155241116"), S("+33155241117"), 7),
		 DQ_CMP_PHONE_DIFFERENT, "trunk 0, another number");
	UNIT_INT(dq_cmp_phone(S("05552671"), S("+14155552671"), 7),
		 DQ_CMP_PHONE_LAST_N, "4 digits before the national number: "
		 "not a country code, a partial side");
	UNIT_INT(dq_cmp_phone(S("0155241116"), S("33155241116"), 7),
		 DQ_CMP_PHONE_DIFFERENT, "no '+' or 00: no country code");
	UNIT_INT(dq_cmp_phone(S("0100"), S("206-555-0100"), 7),
		 DQ_CMP_PHONE_DIFFERENT, "too few digits for last 7");
	UNIT_INT(dq_cmp_phone(S("206-555-0100 ext. 7"), S("2065550100#9"), 7),
		 DQ_CMP_PHONE_EXACT, "extensions left out");
	UNIT_INT(dq_cmp_phone(S("n/a"), S("n/a"), 7), DQ_CMP_PHONE_DIFFERENT,
		 "no digits");

	UNIT_INT(dq_cmp_nickname(S("bob"), S("robert")), 1, "bob robert");
	UNIT_INT(dq_cmp_nickname(S("robert"), S("bob")), 1, "robert bob");
	UNIT_INT(dq_cmp_nickname(S("bill"), S("william")), 1, "bill william");
	UNIT_INT(dq_cmp_nickname(S("mikey"), S("michael")), 1, "mikey michael");
	UNIT_INT(dq_cmp_nickname(S("evie"), S("evelyn")), 1, "evie evelyn");
	UNIT_INT(dq_cmp_nickname(S("sasha"), S("alexander")), 1, "sasha alexander");
	UNIT_INT(dq_cmp_nickname(S("millie"), S("amelia")), 1, "millie amelia");
	UNIT_INT(dq_cmp_nickname(S("millie"), S("mildred")), 1, "millie mildred");
	UNIT_INT(dq_cmp_nickname(S("amelia"), S("mildred")), 0,
		 "two names sharing a nickname are not each other's");
	UNIT_INT(dq_cmp_nickname(S("peggy"), S("margaret")), 1,
		 "peggy margaret");
	UNIT_INT(dq_cmp_nickname(S("bob"), S("rob")), 1,
		 "two nicknames of one name");
	UNIT_INT(dq_cmp_nickname(S("al"), S("alfred")), 1, "al alfred");
	UNIT_INT(dq_cmp_nickname(S("bob"), S("william")), 0, "bob william");
	UNIT_INT(dq_cmp_nickname(S("zbigniew"), S("zbigniew")), 1, "equal");
	/* A typo of a nickname, either way round. */
	UNIT_INT(dq_cmp_nickname_typo(S("michael"), S("mikc")), 1,
		 "mikc: mick with a transposition");
	UNIT_INT(dq_cmp_nickname_typo(S("miikey"), S("michael")), 1,
		 "miikey: mickey with one letter changed");
	UNIT_INT(dq_cmp_nickname_typo(S("patrick"), S("pta")), 1, "pta");
	UNIT_INT(dq_cmp_nickname_typo(S("guadalupe"), S("lpe")), 1,
		 "lpe: lupe less a letter");
	UNIT_INT(dq_cmp_nickname_typo(S("bob"), S("robbert")), 1,
		 "a typo of the full name from a nickname's side");
	/* Not typos: a name of the table is another name; more than one
	 * edit; too short; neither side in the table. */
	UNIT_INT(dq_cmp_nickname_typo(S("patrick"), S("pam")), 0,
		 "pam is a name (pamela), not pat misspelt");
	UNIT_INT(dq_cmp_nickname_typo(S("michael"), S("mcihael")), 1,
		 "michael itself with a transposition");
	UNIT_INT(dq_cmp_nickname_typo(S("michael"), S("mxkc")), 0,
		 "two edits from mick");
	UNIT_INT(dq_cmp_nickname_typo(S("alexander"), S("ax")), 0,
		 "two letters never count");
	UNIT_INT(dq_cmp_nickname_typo(S("hannah"), S("hanah")), 0,
		 "hannah is not in the table");
	UNIT_INT(dq_cmp_nickname_typo(S("william"), S("susan")), 0,
		 "unrelated");
	/* A typo on each side: only dq_cmp_nickname_near. */
	UNIT_INT(dq_cmp_nickname_typo(S("geerald"), S("jeery")), 0,
		 "neither in the table: not a nickname typo");
	UNIT_INT(dq_cmp_nickname_near(S("geerald"), S("jeery")), 1,
		 "gerald and jerry, each with one typo");
	UNIT_INT(dq_cmp_nickname_near(S("mcihael"), S("mikey")), 1,
		 "michael and mickey, each with one typo");
	UNIT_INT(dq_cmp_nickname_near(S("michael"), S("mikc")), 1,
		 "one side in the table: as dq_cmp_nickname_typo");
	UNIT_INT(dq_cmp_nickname_near(S("peggy"), S("margaret")), 1,
		 "a nickname");
	UNIT_INT(dq_cmp_nickname_near(S("patrick"), S("pam")), 0,
		 "pam is a name of its own");
	UNIT_INT(dq_cmp_nickname_near(S("emmaa"), S("olivai")), 0,
		 "typos of two names of different groups");
	UNIT_INT(dq_cmp_nickname_near(S("jery"), S("gery")), 1,
		 "four letters each");
	UNIT_INT(dq_cmp_nickname_near(S("jey"), S("gery")), 0,
		 "three letters: too short to be read as a typo");
	UNIT_INT(dq_cmp_nickname(S("zbigniew"), S("zbyszek")), 0,
		 "not in the table");
	UNIT_INT(dq_cmp_nickname(S("averyveryverylongname"), S("bob")), 0,
		 "too long for the table");

	fold_is("  Jean   LUC ", "jean luc");
	fold_is("José Müller", "jose muller");
	fold_is("ŁÓDŹ", "lodz");
	fold_is("", "");
	return unit_done();
}
