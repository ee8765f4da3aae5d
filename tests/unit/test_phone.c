/*
 * test_phone.c - phone numbers to E.164 (lib/norm/phone.c).
 *
 * Every line of data/phone-corpus.tsv (expectations from
 * python-phonenumbers, see scripts/gen-phone-corpus) is one assertion on
 * dq_phone_e164().  Then the two paths are compared with each other: on the
 * corpus, on random texts made from it, and the validity test alone on
 * random numbers of every calling code.  bench_phone.c runs the same
 * comparison on 100000 numbers and times both paths.
 */
#include "norm/phone.h"
#include "phone_corpus.h"
#include "norm/phone_lpn.h"
#include "unit.h"

#define RANDOM_TEXTS 20000
#define RANDOM_NSNS 50000

static char regions[700][3];
static int nregions;

static void
find_regions(void)
{
	char r[3] = "AA";

	for (r[0] = 'A'; r[0] <= 'Z'; r[0]++)
		for (r[1] = 'A'; r[1] <= 'Z'; r[1]++)
			if (dq_phone_region_known(r))
				memcpy(regions[nregions++], r, 3);
}

/* Run one text through dq_phone_e164 into a buffer that already holds
 * "<" so appending (not overwriting) is checked too; write
 * "status e164 ext" into got. */
static void
run(int (*fn)(const char *, size_t, const char *, struct dq_buf *,
	      struct dq_buf *),
    const char *in, size_t n, const char *region, struct dq_buf *got)
{
	struct dq_buf e = DQ_BUF_INIT, x = DQ_BUF_INIT;
	int r;

	dq_buf_addstr(&e, "<");
	dq_buf_addstr(&x, "<");
	r = fn(in, n, region, &e, &x);
	dq_buf_reset(got);
	dq_buf_addf(got, "%d %s %s", r, e.buf, x.buf);
	dq_buf_release(&e);
	dq_buf_release(&x);
}

static void
test_corpus(struct pcase *c, size_t n)
{
	struct dq_buf got = DQ_BUF_INIT, want = DQ_BUF_INIT;
	struct dq_buf what = DQ_BUF_INIT;
	size_t i, j, full_bad = 0, fast_used = 0, fast_bad = 0;
	int nreg = 0;
	char seen[64][8];

	/* The corpus must be big and varied enough to mean something. */
	for (i = 0; i < n; i++) {
		for (j = 0; j < (size_t)nreg; j++)
			if (!strcmp(seen[j], c[i].region))
				break;
		if (j == (size_t)nreg && nreg < 64 &&
		    strlen(c[i].region) < 8 &&
		    dq_phone_region_known(c[i].region))
			strcpy(seen[nreg++], c[i].region);
	}
	UNIT_OK(n >= 1000, "corpus has at least 1000 lines");
	UNIT_OK(nreg >= 10, "corpus covers at least 10 known regions");

	for (i = 0; i < n; i++) {
		dq_buf_reset(&want);
		if (c[i].e164[0])
			dq_buf_addf(&want, "0 <%s <%s", c[i].e164, c[i].ext);
		else
			dq_buf_addstr(&want, "-1 < <");
		run(dq_phone_e164, c[i].input, c[i].inlen, c[i].region, &got);
		dq_buf_reset(&what);
		dq_buf_addf(&what, "corpus %zu: %s \"%.60s\"", i + 1,
			    c[i].region, c[i].input);
		UNIT_STR(got.buf, want.buf, what.buf);

		/* The library alone must agree with its Python port too. */
		run(dq_phone_e164_full, c[i].input, c[i].inlen, c[i].region,
		    &what);
		if (strcmp(what.buf, want.buf)) {
			full_bad++;
			printf("# full path: line %zu: got %s, want %s\n",
			       i + 1, what.buf, want.buf);
		}
		run(dq_phone_e164_fast, c[i].input, c[i].inlen, c[i].region,
		    &what);
		if (strncmp(what.buf, "-2 ", 3)) {
			fast_used++;
			if (strcmp(what.buf, want.buf)) {
				fast_bad++;
				printf("# fast path: line %zu: got %s, want "
				       "%s\n",
				       i + 1, what.buf, want.buf);
			}
		}
	}
	UNIT_INT(full_bad, 0, "library path agrees with the corpus");
	UNIT_INT(fast_bad, 0, "fast path agrees with the corpus");
	printf("# fast path took %zu of %zu corpus lines\n", fast_used, n);
	UNIT_OK(fast_used * 2 > n, "fast path takes most corpus lines");
	dq_buf_release(&got);
	dq_buf_release(&want);
	dq_buf_release(&what);
}

/* Fast against full on random texts; returns the disagreements. */
static void
test_random_texts(struct pcase *c, size_t n)
{
	uint64_t seed = 42;
	struct dq_buf a = DQ_BUF_INIT, b = DQ_BUF_INIT;
	char text[128];
	size_t i, len, used = 0, valid = 0, bad = 0;

	for (i = 0; i < RANDOM_TEXTS; i++) {
		const char *region = regions[rnd(&seed, (unsigned)nregions)];

		if (rnd(&seed, 2))
			region = c[rnd(&seed, (unsigned)n)].region;
		len = random_number(&seed, c, n, text, sizeof(text));
		run(dq_phone_e164_fast, text, len, region, &a);
		if (!strncmp(a.buf, "-2 ", 3))
			continue;
		used++;
		run(dq_phone_e164_full, text, len, region, &b);
		valid += b.buf[0] == '0';
		if (strcmp(a.buf, b.buf) && bad++ < 20)
			printf("# %s \"%s\": fast %s, full %s\n", region, text,
			       a.buf, b.buf);
	}
	printf("# random texts: %d made, %zu in the fast path, %zu valid\n",
	       RANDOM_TEXTS, used, valid);
	UNIT_INT(bad, 0, "fast path agrees with library on random texts");
	UNIT_OK(used > RANDOM_TEXTS / 2 && valid > used / 20,
		"random texts exercise the fast path");
	dq_buf_release(&a);
	dq_buf_release(&b);
}

/*
 * Extensions on the fast path: every corpus number the fast path finds
 * valid, with each plain extension form appended, must get the library's
 * answer (number and extension) whenever the fast path answers at all.
 */
static void
test_extensions(struct pcase *c, size_t n)
{
	static const char *const forms[] = {
		" x123", "x7", " ext. 45", " EXT 45", ";ext=4700", " extension 9",
		", ext: 12#", " # 12", " x 1234567890", " ext 123456789012345678901",
		" xt 5", " ~ 8", " ext-22",
	};
	struct dq_buf a = DQ_BUF_INIT, b = DQ_BUF_INIT;
	char text[400];
	size_t i, f, tried = 0, used = 0, bad = 0;

	for (i = 0; i < n; i++) {
		if (c[i].inlen > 200)
			continue;
		run(dq_phone_e164_fast, c[i].input, c[i].inlen, c[i].region, &a);
		if (a.buf[0] != '0' || strchr(c[i].input, 'x') ||
		    strchr(c[i].input, '#'))
			continue;
		for (f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
			int len = snprintf(text, sizeof(text), "%.*s%s",
					   (int)c[i].inlen, c[i].input,
					   forms[f]);
			tried++;
			run(dq_phone_e164_fast, text, (size_t)len, c[i].region,
			    &a);
			if (!strncmp(a.buf, "-2 ", 3))
				continue;
			used++;
			run(dq_phone_e164_full, text, (size_t)len, c[i].region,
			    &b);
			if (strcmp(a.buf, b.buf) && bad++ < 20)
				printf("# %s \"%s\": fast %s, full %s\n",
				       c[i].region, text, a.buf, b.buf);
		}
	}
	printf("# extensions: %zu tried, %zu on the fast path\n", tried, used);
	UNIT_INT(bad, 0, "fast path agrees with library on extensions");
	UNIT_OK(used > tried / 2, "extension forms take the fast path");
	dq_buf_release(&a);
	dq_buf_release(&b);
}

/* The validity test alone, on every calling code. */
static void
test_random_nsns(void)
{
	uint64_t seed = 7;
	char nsn[20];
	int i, bad = 0, declined = 0, valid = 0;

	for (i = 0; i < RANDOM_NSNS; i++) {
		int cc = (int)rnd(&seed, 1000), f, g;
		size_t len = 1 + rnd(&seed, 17), j;

		for (j = 0; j < len; j++)
			nsn[j] = (char)('0' + rnd(&seed, 10));
		/* Bias the first digits towards real number ranges. */
		if (len > 2 && rnd(&seed, 2))
			nsn[0] = (char)('1' + rnd(&seed, 9));
		f = dq_phone_valid_fast(cc, nsn, len);
		g = dq_phone_valid_full(cc, nsn, len);
		if (f == DQ_PHONE_DECLINED) {
			declined++;
			continue;
		}
		valid += g;
		if (f != g && bad++ < 20)
			printf("# +%d %.*s: fast %d, full %d\n", cc, (int)len,
			       nsn, f, g);
	}
	printf("# random numbers: %d, %d declined, %d valid\n", RANDOM_NSNS,
	       declined, valid);
	UNIT_INT(bad, 0, "validity agrees with IsValidNumber");
	UNIT_INT(declined, 0, "every metadata pattern compiles");
	UNIT_OK(valid > 100, "random numbers include valid ones");
	UNIT_INT(dq_phone_valid_fast(1, "4155552671", 10), 1, "+1 415 valid");
	UNIT_INT(dq_phone_valid_fast(1, "1155552671", 10), 0,
		 "+1 115 invalid");
	UNIT_INT(dq_phone_valid_fast(44, "2079460958", 10), 1, "+44 20");
	UNIT_INT(dq_phone_valid_fast(39, "0612345678", 10), 1,
		 "+39 06: Italian leading zero");
	UNIT_INT(dq_phone_valid_fast(0, "4155552671", 10), 0, "code 0");
	UNIT_INT(dq_phone_valid_fast(1000, "4155552671", 10), 0, "code 1000");
	UNIT_INT(dq_phone_valid_fast(1, "", 0), 0, "empty number");
	UNIT_INT(dq_phone_valid_fast(1, "41555526x1", 10), 0, "not digits");
}

static void
check(const char *in, size_t n, const char *region, const char *want,
      const char *what)
{
	struct dq_buf got = DQ_BUF_INIT;

	run(dq_phone_e164, in, n, region, &got);
	UNIT_STR(got.buf, want, what);
	dq_buf_release(&got);
}

#define CHECK(in, region, want, what) \
	check((in), sizeof(in) - 1, (region), (want), (what))

static void
add_code(void *arg, int cc, const char *region)
{
	dq_buf_addf(arg, "%d:%s ", cc, region);
}

/* The regions and calling codes read from the metadata are the
 * library's, in its order. */
static void
test_library_lists(void)
{
	struct dq_buf fast = DQ_BUF_INIT, lib = DQ_BUF_INIT;
	char r[3] = "AA";
	int differ = 0;

	for (r[0] = 'A'; r[0] <= 'Z'; r[0]++)
		for (r[1] = 'A'; r[1] <= 'Z'; r[1]++)
			if (dq_phone_region_known(r) !=
			    dq_phone_lpn_region_known(r))
				differ++;
	UNIT_INT(differ, 0, "known regions are the library's");
	dq_phone_calling_codes(add_code, &fast);
	dq_phone_lpn_calling_codes(add_code, &lib);
	UNIT_OK(fast.len > 1000, "calling codes listed");
	UNIT_STR(fast.buf, lib.buf, "calling codes and regions in order");
	UNIT_OK(fast.buf && !strncmp(fast.buf, "1:US 1:", 7),
		"US, the main country, first of code 1");
	dq_buf_release(&fast);
	dq_buf_release(&lib);
}

static void
test_edges(void)
{
	char *big;
	size_t i, n = 1 << 20;

	CHECK("(415) 555-2671", "US", "0 <+14155552671 <", "US national");
	CHECK("(415) 555-2671", "us", "-1 < <",
	      "region is case-sensitive, as in the library");
	CHECK("+1 415 555 2671", NULL, "0 <+14155552671 <",
	      "NULL region with '+'");
	CHECK("415 555 2671", NULL, "-1 < <", "NULL region without '+'");
	CHECK("415 555 2671", "", "-1 < <", "empty region without '+'");
	CHECK("415 555 2671", "ZZ", "-1 < <", "unknown region");
	CHECK("415 555 2671", "NOT-A-REGION", "-1 < <", "long region");
	CHECK("415 555 2671 x123", "US", "0 <+14155552671 <123",
	      "extension");
	CHECK("1-800-FLOWERS", "US", "0 <+18003569377 <", "vanity");
	CHECK("", "US", "-1 < <", "empty");
	CHECK("\xff" "415 555 2671", "US", "-1 < <", "invalid UTF-8 byte");
	CHECK("415 555 2671\xc3", "US", "-1 < <", "truncated UTF-8");
	CHECK("\xc0\xb1" "415 555 2671", "US", "-1 < <", "overlong UTF-8");
	CHECK("\xed\xa0\x80" "415 555 2671", "US", "-1 < <",
	      "UTF-8 surrogate");
	CHECK("\xf4\x90\x80\x80" "415 555 2671", "US", "-1 < <",
	      "UTF-8 above U+10FFFF");
	CHECK("\xef\xbc\x8b\xef\xbc\x91 415 555 2671", "US",
	      "0 <+14155552671 <", "fullwidth plus and one");
	CHECK("415 555 2671\0", "US", "-1 < <",
	      "a NUL byte is not punctuation to the library");
	CHECK("4\0" "15 555 2671", "US", "-1 < <", "NUL inside");
	/* The library reads its own answer +5213764690958 as another
	 * number; dq's answer is the one that reads as itself. */
	CHECK("+52 0113764 690958", "GB", "0 <+523764690958 <",
	      "library's answer carried to its fixed point");
	CHECK("+5213764690958", NULL, "0 <+523764690958 <",
	      "Mexico's old mobile 1");
	CHECK("+52 01 3764 690958 ext. 7", "US", "0 <+523764690958 <7",
	      "fixed point keeps the extension");

	big = dq_xmalloc(n);
	for (i = 0; i < n; i++)
		big[i] = (char)('0' + i % 10);
	check(big, n, "US", "-1 < <", "1 MB of digits (and quickly)");
	check(big, 251, "US", "-1 < <", "251 digits (over the input limit)");
	memset(big, ' ', n);
	memcpy(big, "+1 415 555 2671", 15);
	check(big, 250, "US", "0 <+14155552671 <", "250 bytes, padded");
	check(big, 251, "US", "-1 < <", "251 bytes, padded");
	/* The limit holds for the whole text, extension included. */
	memcpy(big + 240, "ext1", 4);
	check(big, 244, "US", "0 <+14155552671 <1", "244 bytes with extension");
	memcpy(big + 247, "ext1", 4);
	check(big, 251, "US", "-1 < <", "251 bytes with extension");
	memset(big + 240, ' ', 11);
	/* The limit counts characters, as the Python port does. */
	memcpy(big + 15, "\xc2\xa0\xc2\xa0", 4);
	check(big, 252, "US", "0 <+14155552671 <",
	      "250 characters in 252 bytes");
	check(big, 253, "US", "-1 < <", "251 characters in 253 bytes");
	free(big);

	UNIT_INT(dq_phone_region_known("US"), 1, "US known");
	UNIT_INT(dq_phone_region_known("gb"), 0, "gb unknown (lower case)");
	UNIT_INT(dq_phone_region_known("ZZ"), 0, "ZZ unknown");
	UNIT_INT(dq_phone_region_known("001"), 0, "001 is not a region");
	UNIT_INT(dq_phone_region_known("USA"), 0, "USA unknown");
	UNIT_INT(dq_phone_region_known(""), 0, "empty unknown");
	UNIT_INT(dq_phone_region_known(NULL), 0, "NULL unknown");
	UNIT_OK(nregions >= 240 && nregions < 260, "about 245 regions");
	test_library_lists();

	/* The table is rebuilt after a release. */
	dq_phone_release();
	CHECK("020 7946 0958", "GB", "0 <+442079460958 <",
	      "works after dq_phone_release");
}

int
main(void)
{
	struct pcase *c;
	size_t n = corpus_read("data/phone-corpus.tsv", &c);

	find_regions();
	UNIT_OK(n > 0, "corpus readable");
	test_corpus(c, n);
	if (n > 0) {
		test_random_texts(c, n);
		test_extensions(c, n);
	}
	test_random_nsns();
	test_edges();
	corpus_free(c, n);
	dq_phone_release();
	return unit_done();
}
