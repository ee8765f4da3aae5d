/*
 * bench_phone.c - fast path against library path: agreement on 100000
 * random texts, and the time per number of each.
 *
 * Not a unit test (it takes several seconds).  Build and run from
 * tests/unit, after building the library:
 *
 *	make O=build/me BIN=build/me/bin build/me/libdq.a
 *	c++ -O2 -o build/me/bench_phone -x c -std=c11 -D_GNU_SOURCE -Ilib \
 *		tests/unit/bench_phone.c -x none build/me/libdq.a -lphonenumber
 *	(cd tests/unit && ../../build/me/bench_phone [count])
 *
 * Exit status 1 if the paths disagree on any text.
 */
#include <time.h>

#include "norm/phone.h"
#include "phone_corpus.h"

struct text {
	char s[128];
	size_t n;
	const char *region;
};

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef int (*pathfn)(const char *, size_t, const char *, struct dq_buf *,
		      struct dq_buf *);

/* Nanoseconds per call of fn over texts t[0..n), best of three passes. */
static double
time_path(pathfn fn, const struct text *t, size_t n)
{
	struct dq_buf e = DQ_BUF_INIT, x = DQ_BUF_INIT;
	double best = 1e30;
	int pass;
	size_t i;

	for (pass = 0; pass < 3; pass++) {
		double t0 = now();
		for (i = 0; i < n; i++) {
			dq_buf_reset(&e);
			dq_buf_reset(&x);
			fn(t[i].s, t[i].n, t[i].region, &e, &x);
		}
		t0 = (now() - t0) / n * 1e9;
		if (t0 < best)
			best = t0;
	}
	dq_buf_release(&e);
	dq_buf_release(&x);
	return best;
}

int
main(int argc, char **argv)
{
	struct pcase *c;
	size_t nc = corpus_read("data/phone-corpus.tsv", &c);
	size_t count = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	struct text *t = dq_xmalloc(count * sizeof(*t));
	struct dq_buf a = DQ_BUF_INIT, b = DQ_BUF_INIT, x = DQ_BUF_INIT;
	size_t i, nfast = 0, bad = 0, valid = 0;
	uint64_t seed = 2024;
	struct text *fastset;
	double cold, tf, tl, tc_mix, tc_full;

	if (!nc) {
		fprintf(stderr, "bench_phone: cannot read the corpus\n");
		return 2;
	}
	for (i = 0; i < count; i++) {
		t[i].n = random_number(&seed, c, nc, t[i].s, sizeof(t[i].s));
		t[i].region = c[rnd(&seed, (unsigned)nc)].region;
	}
	/* Agreement, and the cold cost (the DFAs are built on the way). */
	fastset = dq_xmalloc(count * sizeof(*fastset));
	cold = now();
	for (i = 0; i < count; i++) {
		int f, g;

		dq_buf_reset(&a);
		f = dq_phone_e164_fast(t[i].s, t[i].n, t[i].region, &a, &x);
		if (f == DQ_PHONE_DECLINED)
			continue;
		fastset[nfast++] = t[i];
		dq_buf_reset(&b);
		dq_buf_reset(&x);
		g = dq_phone_e164_full(t[i].s, t[i].n, t[i].region, &b, &x);
		valid += g == 0;
		if (f != g || strcmp(a.buf, b.buf) || x.len) {
			if (bad++ < 20)
				printf("%s \"%s\": fast %d %s, full %d %s %s\n",
				       t[i].region, t[i].s, f, a.buf, g, b.buf,
				       x.buf);
		}
	}
	cold = now() - cold;
	printf("random texts: %zu, in the fast path %zu (valid %zu), "
	       "disagreements %zu\n",
	       count, nfast, valid, bad);

	tf = time_path(dq_phone_e164_fast, fastset, nfast);
	tl = time_path(dq_phone_e164_full, fastset, nfast);
	printf("fast-path texts: fast %.0f ns/number, library %.0f "
	       "ns/number (x%.0f)\n",
	       tf, tl, tl / tf);
	{
		struct text *ct = dq_xmalloc(nc * sizeof(*ct));
		for (i = 0; i < nc; i++) {
			ct[i].n = c[i].inlen < sizeof(ct[i].s) ? c[i].inlen : 0;
			memcpy(ct[i].s, c[i].input, ct[i].n);
			ct[i].region = c[i].region;
		}
		tc_mix = time_path(dq_phone_e164, ct, nc);
		tc_full = time_path(dq_phone_e164_full, ct, nc);
		printf("corpus (%zu lines, all kinds): dq_phone_e164 %.0f "
		       "ns/number, library only %.0f ns/number\n",
		       nc, tc_mix, tc_full);
		free(ct);
	}
	printf("first pass (agreement check, DFAs built cold): %.2f s\n", cold);
	free(fastset);
	free(t);
	corpus_free(c, nc);
	dq_buf_release(&a);
	dq_buf_release(&b);
	dq_buf_release(&x);
	dq_phone_release();
	return bad ? 1 : 0;
}
