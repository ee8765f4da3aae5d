/*
 * test_value.c - unit tests for lib/norm/value.c: e-mail, boolean, number, US
 * state and ZIP normalizers.
 *
 * Every normalizer is called on a buffer that already holds "X", so each
 * check also proves that results are appended and that a rejection leaves
 * the buffer untouched.
 */
#include <stdlib.h>

#include "unit.h"
#include "norm/value.h"

static char what[512];

/* Describe a case for the TAP line, showing control bytes as \xNN. */
static const char *
describe(const char *fn, const char *in, size_t n, int arg)
{
	size_t w, i;

	w = (size_t)snprintf(what, sizeof(what), "%s(\"", fn);
	for (i = 0; i < n && w + 8 < sizeof(what) - 16; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c < 0x20 || c == 0x7f)
			w += (size_t)snprintf(what + w, sizeof(what) - w,
					      "\\x%02x", c);
		else
			what[w++] = (char)c;
	}
	snprintf(what + w, sizeof(what) - w, "%s\", %d)", i < n ? "..." : "",
		 arg);
	return what;
}

/* A heap copy of exactly n bytes, so that AddressSanitizer catches any
 * read past the end (the literals the tests use end with a NUL). */
static char *
exact(const char *in, size_t n)
{
	char *p = malloc(n ? n : 1);

	if (!p)
		abort();
	memcpy(p, in, n);
	return p;
}

/* The result of an appending call: NULL on rejection (checking that
 * nothing was appended), else the appended text. */
static const char *
appended(int rc, const struct dq_buf *b)
{
	if (rc == 0 && b->len >= 1 && b->buf[0] == 'X')
		return b->buf + 1;
	if (rc == -1 && b->len == 1 && !strcmp(b->buf, "X"))
		return NULL;
	return "<bad return code or buffer>";
}

/* A small deterministic generator for the random checks. */
static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;

static unsigned
rng(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

/* Build a random text of up to max pieces drawn from pieces[]. */
static size_t
random_text(char *buf, const char *const *pieces, unsigned npieces,
	    unsigned max)
{
	unsigned i, k = 1 + rng(max);
	size_t len = 0, pl;

	for (i = 0; i < k; i++) {
		const char *p = pieces[rng(npieces)];

		pl = strlen(p);
		memcpy(buf + len, p, pl);
		len += pl;
	}
	buf[len] = '\0';
	return len;
}

/* ---- e-mail ------------------------------------------------------------ */

static void
email_n(const char *in, size_t n, int flags, const char *want)
{
	struct dq_buf b = DQ_BUF_INIT;
	char *copy = exact(in, n);
	int rc;

	dq_buf_addch(&b, 'X');
	rc = dq_email_normalize(copy, n, flags, &b);
	UNIT_STR(appended(rc, &b), want, describe("email", in, n, flags));
	/* The validator accepts exactly what the normalizer accepts. */
	if (!flags)
		UNIT_INT(dq_email_valid(copy, n), want != NULL,
			 describe("email_valid", in, n, 0));
	dq_buf_release(&b);
	free(copy);
}

static void
email(const char *in, int flags, const char *want)
{
	email_n(in, strlen(in), flags, want);
}

static void
test_email_lengths(void)
{
	char local[80], addr[300], want[300];
	const char *l63 = "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij"
			  "abcdefghijabc";

	/* Local part: 64 octets is the limit (RFC 5321 4.5.3.1.1). */
	memset(local, 'a', 64);
	local[64] = '\0';
	snprintf(addr, sizeof(addr), "%s@x.org", local);
	email(addr, 0, addr);
	snprintf(addr, sizeof(addr), "a%s@x.org", local);
	email(addr, 0, NULL);
	/* A quoted local part counts its quotes: 62 + 2 is fine (and the
	 * needless quotes go), 63 + 2 is not. */
	memset(local, 'a', 63);
	local[63] = '\0';
	snprintf(addr, sizeof(addr), "\"%s\"@x.org", local);
	email(addr, 0, NULL);
	snprintf(addr, sizeof(addr), "\"%s\"@x.org", local + 1);
	snprintf(want, sizeof(want), "%s@x.org", local + 1);
	email(addr, 0, want);
	snprintf(addr, sizeof(addr), "\"%s \"@x.org", local + 2);
	email(addr, 0, addr);
	/* Labels: 63 octets is the limit (RFC 1035 2.3.4). */
	snprintf(addr, sizeof(addr), "a@%s.org", l63);
	email(addr, 0, addr);
	snprintf(addr, sizeof(addr), "a@%sd.org", l63);
	email(addr, 0, NULL);
	/* Whole address: 64 + 1 + 63 + 1 + 63 + 1 + 61 = 254 octets. */
	memset(local, 'a', 64);
	local[64] = '\0';
	snprintf(addr, sizeof(addr), "%s@%s.%s.%.61s", local, l63, l63, l63);
	UNIT_INT(strlen(addr), 254, "254-octet address built");
	email(addr, 0, addr);
	snprintf(addr, sizeof(addr), "%s@%s.%s.%.62s", local, l63, l63, l63);
	email(addr, 0, NULL);
}

/* Random texts: whatever is accepted must come out valid and be a fixed
 * point of the same normalization. */
static void
test_email_random(void)
{
	static const char *const pre[] = {
		"", "", "", "", "", " ", "<", "Ann <", "\"A, B\" <", "mailto:",
		"<mailto:", "\"", "\t",
	};
	static const char *const local[] = {
		"a", "B", "x", "a", "bc", "0", ".", ".", "+", "+", "-", "\"",
		"\\", " ",
		"\xc3\xa9", "\xc3", "_", "(", "'", "@",
	};
	static const char *const domain[] = {
		"x", "Y", "gmail.com", "googlemail.com", ".org", ".org", ".org",
		"ab", "-",
		".", "\xc3\xa9", "1", "_", "@",
	};
	static const char *const post[] = {
		"", "", "", "", "", " ", ">", "> ", "?q=1", "\"",
	};
	char in[256];
	struct dq_buf b = DQ_BUF_INIT, again = DQ_BUF_INIT;
	char *copy;
	int i, rc, flags, accepted = 0, bad = 0;
	size_t n;

	for (i = 0; i < 200000; i++) {
		n = random_text(in, pre, sizeof(pre) / sizeof(pre[0]), 1);
		n += random_text(in + n, local,
				 sizeof(local) / sizeof(local[0]), 6);
		in[n++] = '@';
		n += random_text(in + n, domain,
				 sizeof(domain) / sizeof(domain[0]), 4);
		n += random_text(in + n, post, sizeof(post) / sizeof(post[0]),
				 1);
		flags = rng(8);
		dq_buf_reset(&b);
		copy = exact(in, n);
		rc = dq_email_normalize(copy, n, flags, &b);
		if (rc < 0 && (b.len || dq_email_valid(copy, n)))
			bad++;
		free(copy);
		if (rc < 0)
			continue;
		accepted++;
		dq_buf_reset(&again);
		if (!dq_email_valid(b.buf, b.len) ||
		    dq_email_normalize(b.buf, b.len, flags, &again) < 0 ||
		    strcmp(b.buf, again.buf)) {
			if (bad++ < 5)
				printf("# email fixed point: \"%s\" -> \"%s\" "
				       "-> \"%s\"\n", in, b.buf, again.buf);
		}
	}
	printf("# email random: %d of 200000 accepted\n", accepted);
	UNIT_OK(accepted > 3000, "email random: enough accepted");
	UNIT_INT(bad, 0, "email random: outputs valid and fixed points");
	dq_buf_release(&b);
	dq_buf_release(&again);
}

static void
test_email(void)
{
	/* Case, white space, appending. */
	email("Ann@Example.COM", 0, "ann@example.com");
	email("  ann@example.com \t\r\n", 0, "ann@example.com");
	email("\xc2\xa0\xef\xbb\xbf" "ann@example.com\xe2\x80\xaf", 0,
	      "ann@example.com");
	email("O'Brien-Smith_1@Example.co.UK", 0,
	      "o'brien-smith_1@example.co.uk");
	email("!#$%&'*+-/=?^_`{|}~@x.org", 0, "!#$%&'*+-/=?^_`{|}~@x.org");
	/* Tags. */
	email("ann+news@example.com", 0, "ann+news@example.com");
	email("Ann+News@example.com", DQ_EMAIL_STRIP_TAG, "ann@example.com");
	email("ann+a+b@example.com", DQ_EMAIL_STRIP_TAG, "ann@example.com");
	email("ann.+tag@example.com", DQ_EMAIL_STRIP_TAG, "ann@example.com");
	email("+tag@example.com", DQ_EMAIL_STRIP_TAG, "+tag@example.com");
	email("+a+b@example.com", DQ_EMAIL_STRIP_TAG, "+a+b@example.com");
	email("ann+@example.com", DQ_EMAIL_STRIP_TAG, "ann@example.com");
	/* Dots: Gmail only, or everywhere. */
	email("John.Doe@Gmail.com", DQ_EMAIL_STRIP_DOTS, "johndoe@gmail.com");
	email("john.doe@googlemail.com", DQ_EMAIL_STRIP_DOTS,
	      "johndoe@gmail.com");
	email("john.doe@googlemail.com", 0, "john.doe@googlemail.com");
	email("john.doe@googlemail.com", DQ_EMAIL_STRIP_TAG,
	      "john.doe@googlemail.com");
	email("john.doe@example.com", DQ_EMAIL_STRIP_DOTS,
	      "john.doe@example.com");
	email("john.doe@gmail.com.au", DQ_EMAIL_STRIP_DOTS,
	      "john.doe@gmail.com.au");
	email("john.doe@mail.gmail.com", DQ_EMAIL_STRIP_DOTS,
	      "john.doe@mail.gmail.com");
	email("john.doe@example.com", DQ_EMAIL_STRIP_DOTS_ALL,
	      "johndoe@example.com");
	email("john.doe@googlemail.com", DQ_EMAIL_STRIP_DOTS_ALL,
	      "johndoe@gmail.com");
	email("J.o.h.n+spam.x@GoogleMail.com",
	      DQ_EMAIL_STRIP_TAG | DQ_EMAIL_STRIP_DOTS, "john@gmail.com");
	/* Wrappers: display name, angle brackets, mailto. */
	email("Ann Lee <Ann@X.org>", 0, "ann@x.org");
	email("<ann@x.org>", 0, "ann@x.org");
	email("  < ann@x.org >  ", 0, "ann@x.org");
	email("\"Lee, Ann\" <ann@x.org>", 0, "ann@x.org");
	email("\"Lee <Ann>\" <ann@x.org>", 0, "ann@x.org");
	email("ann@x.org <ann@x.org>", 0, "ann@x.org");
	email("Ann\t<ann@x.org>", 0, "ann@x.org");
	email("mailto:Ann@X.org", 0, "ann@x.org");
	email("MAILTO:ann@x.org?subject=hi", 0, "ann@x.org");
	email("<mailto:ann@x.org>", 0, "ann@x.org");
	email("Ann <ann@x.org", 0, NULL);
	email("Ann <ann@x.org> x", 0, NULL);
	email("Ann\x01 <ann@x.org>", 0, NULL);
	email("\"Ann <ann@x.org>", 0, NULL);
	email("<>", 0, NULL);
	email("<<ann@x.org>>", 0, NULL);
	email("mailto:", 0, NULL);
	email("mailto: ann@x.org", 0, NULL);
	email("ann@x.org (Ann)", 0, NULL);
	/* Quoted local parts. */
	email("\"ann\"@x.org", 0, "ann@x.org");
	email("\"ANN\"@X.ORG", 0, "ann@x.org");
	email("\"a\\nn\"@x.org", 0, "ann@x.org");
	email("\"a.b+c\"@gmail.com", DQ_EMAIL_STRIP_TAG | DQ_EMAIL_STRIP_DOTS,
	      "ab@gmail.com");
	email("\"John Doe\"@x.org", 0, "\"john doe\"@x.org");
	email("\"a b+c\"@gmail.com", DQ_EMAIL_STRIP_TAG | DQ_EMAIL_STRIP_DOTS,
	      "\"a b+c\"@gmail.com");
	email("\"John\\\"Q\"@x.org", 0, "\"john\\\"q\"@x.org");
	email("\"a@b\"@x.org", 0, "\"a@b\"@x.org");
	email("\".ann\"@x.org", 0, "\".ann\"@x.org");
	email("\"a..b\"@x.org", 0, "\"a..b\"@x.org");
	email("\"\"@x.org", 0, NULL);
	email("\"ann@x.org", 0, NULL);
	email("\"ann\"x@x.org", 0, NULL);
	email("\"ann\\\"@x.org", 0, NULL);
	email("\"a\tb\"@x.org", 0, NULL);
	email("a\"b@x.org", 0, NULL);
	/* Internationalized (RFC 6531/6532) and Punycode. */
	email("J\xc3\xb6rg@B\xc3\xbc" "cher.DE", 0,
	      "j\xc3\xb6rg@b\xc3\xbc" "cher.de");
	email("\xc3\x96ZIL@\xc3\x96RNEK.com", 0,
	      "\xc3\x96zil@\xc3\x96rnek.com");
	email("\xe7\x94\xa8\xe6\x88\xb7@\xe4\xbe\x8b\xe5\xad\x90.\xe5\xb9\xbf"
	      "\xe5\x91\x8a", 0,
	      "\xe7\x94\xa8\xe6\x88\xb7@\xe4\xbe\x8b\xe5\xad\x90.\xe5\xb9\xbf"
	      "\xe5\x91\x8a");
	email("User@XN--Bcher-KVA.de", 0, "user@xn--bcher-kva.de");
	email("j\xc3@x.org", 0, NULL);
	email("j\xc0\xaf@x.org", 0, NULL);
	email("j@x\xed\xa0\x80.org", 0, NULL);
	email("j@x\xff.org", 0, NULL);
	email("ann\xc2\xa0lee@x.org", 0, NULL);
	email("ann@x\xe2\x80\x8b.org", 0, NULL);
	email("ann@x\xe3\x80\x82org", 0, NULL);
	email("ann@x.-\xc3\xbc.org", 0, NULL);
	/* Not addresses. */
	email("", 0, NULL);
	email("   ", 0, NULL);
	email("ann", 0, NULL);
	email("ann@", 0, NULL);
	email("@x.org", 0, NULL);
	email("ann@@x.org", 0, NULL);
	email("a@b@x.org", 0, NULL);
	email("ann@localhost", 0, NULL);
	email("ann@x..org", 0, NULL);
	email("ann@.x.org", 0, NULL);
	email("ann@x.org.", 0, NULL);
	email("ann@-x.org", 0, NULL);
	email("ann@x-.org", 0, NULL);
	email("ann@x.org-", 0, NULL);
	email("ann@x-y.org", 0, "ann@x-y.org");
	email("ann@x_y.org", 0, NULL);
	email("ann@1.2.3.4", 0, NULL);
	email("ann@123.example.com", 0, "ann@123.example.com");
	email("ann@[192.0.2.1]", 0, NULL);
	email("ann lee@x.org", 0, NULL);
	email("ann@ex ample.org", 0, NULL);
	email(".ann@x.org", 0, NULL);
	email("ann.@x.org", 0, NULL);
	email("a..b@x.org", 0, NULL);
	email("a,b@x.org", 0, NULL);
	email("a(b)@x.org", 0, NULL);
	email("ann\x01@x.org", 0, NULL);
	email("ann@x.org\x7f", 0, NULL);
	email_n("ann@x.org\0", 10, 0, NULL);
	email_n("ann\0@x.org", 10, 0, NULL);
	test_email_lengths();
	test_email_random();
	UNIT_INT(dq_email_valid("ann@x.org", 9), 1,
		 "email_valid prefix length");
	UNIT_INT(dq_email_valid("ann@x.org", 5), 0, "email_valid short length");
	/* The exact check: the whole text is the address. */
	static const struct {
		const char *s;
		int want;
	} exact[] = {
		{ "ann@x.org", 1 },        { "Ann.B+c@X-Y.co.uk", 1 },
		{ "\"a b\"@c.org", 1 },    { " ann@x.org", 0 },
		{ "ann@x.org ", 0 },       { "ann@x.org\t", 0 },
		{ "mailto:ann@x.org", 0 }, { "<ann@x.org>", 0 },
		{ "Ann <ann@x.org>", 0 },  { "ann@x", 0 },
		{ "", 0 },                 { "@", 0 },
	};
	for (size_t i = 0; i < sizeof(exact) / sizeof(*exact); i++) {
		char label[64];
		snprintf(label, sizeof(label), "email_valid_exact '%s'",
			 exact[i].s);
		UNIT_INT(dq_email_valid_exact(exact[i].s, strlen(exact[i].s)),
			 exact[i].want, label);
	}
}

/* ---- booleans ---------------------------------------------------------- */

static void
boolean(const char *in, int want)
{
	int val = 7, rc;
	char *copy = exact(in, strlen(in));

	rc = dq_bool_parse(copy, strlen(in), &val);
	free(copy);
	UNIT_INT(rc == 0 ? val : rc == -1 && val == 7 ? -1 : -2, want,
		 describe("bool", in, strlen(in), 0));
}

static void
test_bool(void)
{
	static const char *const yes[] = {
		"yes", "YES", "Yes", "yEs", "y", "Y", "true", "TRUE", "True",
		"t", "T", "1", "on", "ON", "On", " yes ", "\ttrue\r\n",
		"\xc2\xa0on",
	};
	static const char *const no[] = {
		"no", "NO", "No", "n", "N", "false", "FALSE", "False", "f",
		"F", "0", "off", "OFF", "Off", "  0  ", "\nno\n",
	};
	static const char *const bad[] = {
		"", "   ", "2", "-1", "01", "00", "10", "1.0", "yess", "ye",
		"tru", "fals", "nope", "yes please", "y e s", "o", "of",
		"offf", "truee", "si", "\xc3\xa9", "\xff", "yes\x01",
	};
	size_t i;
	int val = 7;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		boolean(yes[i], 1);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		boolean(no[i], 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		boolean(bad[i], -1);
	UNIT_INT(dq_bool_parse("yes\0", 4, &val), -1, "bool embedded NUL");
	UNIT_INT(dq_bool_parse("yesno", 3, &val), 0, "bool length honoured");
	UNIT_INT(val, 1, "bool length honoured value");
}

/* ---- numbers ----------------------------------------------------------- */

/* Is s a number by the grammar of RFC 8259 section 6? */
static int
is_json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return 0;
	if (*s == '.') {
		if (!(*++s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return !*s;
}

/* An output must be a JSON number that normalizes to itself. */
static int
number_fixed_point(const char *s)
{
	struct dq_buf b = DQ_BUF_INIT;
	int ok;

	ok = is_json_number(s) &&
	     dq_number_normalize(s, strlen(s), NULL, &b) == 0 &&
	     !strcmp(b.buf, s);
	dq_buf_release(&b);
	return ok;
}

static void
number_o(const char *in, size_t n, char dec, int scale, const char *want)
{
	struct dq_number_opts o;
	struct dq_buf b = DQ_BUF_INIT;
	char *copy = exact(in, n);
	int rc;

	dq_number_opts_init(&o);
	o.decimal = dec;
	o.percent_scale = scale;
	dq_buf_addch(&b, 'X');
	rc = dq_number_normalize(copy, n, &o, &b);
	free(copy);
	UNIT_STR(appended(rc, &b), want,
		 describe(dec == ',' ? "number_comma" :
			  scale ? "number" : "number_noscale", in, n, 0));
	if (rc == 0)
		UNIT_OK(number_fixed_point(b.buf + 1),
			"... is a canonical JSON number");
	dq_buf_release(&b);
}

static void
number(const char *in, const char *want)
{
	number_o(in, strlen(in), '.', 1, want);
}

static void
number_comma(const char *in, const char *want)
{
	number_o(in, strlen(in), ',', 1, want);
}

static void
test_number_huge(void)
{
	size_t n = 1 << 20, i;
	char *in = malloc(n + 8), *want = malloc(n + 8);
	struct dq_buf b = DQ_BUF_INIT;

	/* A 1 MB digit string passes through digit for digit. */
	for (i = 0; i < n; i++)
		in[i] = (char)('1' + i % 9);
	in[n] = '\0';
	UNIT_INT(dq_number_normalize(in, n, NULL, &b), 0, "1 MB digits rc");
	UNIT_MEM(b.buf, b.len, in, n, "1 MB digits");
	/* ... as a percentage, exactly: 1234...% -> 1234...(n-2).(last 2). */
	in[n] = '%';
	dq_buf_reset(&b);
	UNIT_INT(dq_number_normalize(in, n + 1, NULL, &b), 0, "1 MB % rc");
	memcpy(want, in, n - 2);
	want[n - 2] = '.';
	memcpy(want + n - 1, in + n - 2, 2);
	UNIT_MEM(b.buf, b.len, want, n + 1, "1 MB percent");
	/* Leading zeros of a 1 MB "000...0001.5". */
	memset(in, '0', n);
	in[n - 3] = '1';
	in[n - 2] = '.';
	in[n - 1] = '5';
	dq_buf_reset(&b);
	UNIT_INT(dq_number_normalize(in, n, NULL, &b), 0, "1 MB zeros rc");
	UNIT_STR(b.buf, "1.5", "1 MB leading zeros");
	/* About 1 MB of groups: "1,000,000,...". */
	in[0] = '1';
	for (i = 1; i + 4 <= n; i += 4)
		memcpy(in + i, ",000", 4);
	dq_buf_reset(&b);
	UNIT_INT(dq_number_normalize(in, i, NULL, &b), 0, "1 MB groups rc");
	UNIT_INT(b.len, 1 + (i - 1) / 4 * 3, "1 MB groups length");
	UNIT_INT(b.buf[0] == '1' && strspn(b.buf + 1, "0") == b.len - 1, 1,
		 "1 MB groups digits");
	/* One bad group at the very end rejects the lot. */
	in[i - 1] = ',';
	dq_buf_reset(&b);
	UNIT_INT(dq_number_normalize(in, i, NULL, &b), -1, "1 MB bad tail");
	UNIT_INT(b.len, 0, "1 MB bad tail appends nothing");
	dq_buf_release(&b);
	free(in);
	free(want);
}

static void
test_number_random(void)
{
	static const char *const pieces[] = {
		"0", "1", "5", "9", "00", "123", ",", ",", ".", ".", " ", "-",
		"+", "(", ")", "$", "%", "e", "E", "'", "USD", "\xe2\x82\xac",
		"\xc2\xa0", "\xe2\x88\x92", ",000", ".000", " 000", ",00",
	};
	char in[256];
	struct dq_buf b = DQ_BUF_INIT;
	struct dq_number_opts o;
	char *copy;
	int i, rc, accepted = 0, bad = 0;
	size_t n;

	for (i = 0; i < 200000; i++) {
		n = random_text(in, pieces, sizeof(pieces) / sizeof(pieces[0]),
				8);
		dq_number_opts_init(&o);
		o.decimal = rng(2) ? '.' : ',';
		o.percent_scale = (int)rng(2);
		dq_buf_reset(&b);
		copy = exact(in, n);
		rc = dq_number_normalize(copy, n, &o, &b);
		free(copy);
		if (rc < 0) {
			if (b.len)
				bad++;
			continue;
		}
		accepted++;
		if (!number_fixed_point(b.buf) && bad++ < 5)
			printf("# number: \"%s\" (%c) -> \"%s\"\n", in,
			       o.decimal, b.buf);
	}
	printf("# number random: %d of 200000 accepted\n", accepted);
	UNIT_OK(accepted > 10000, "number random: enough accepted");
	UNIT_INT(bad, 0, "number random: outputs canonical JSON numbers");
	dq_buf_release(&b);
}

static void
test_number(void)
{
	struct dq_buf b = DQ_BUF_INIT;

	/* The examples of the contract. */
	number("1,234.50", "1234.50");
	number("$1,000", "1000");
	number("-0.5", "-0.5");
	number(".5", "0.5");
	number("007", "7");
	number("1e3", "1e3");
	/* Plain forms. */
	number("0", "0");
	number("42", "42");
	number(" 42\t", "42");
	number("+5", "5");
	number("\xe2\x88\x92" "5", "-5");
	number("- 5", "-5");
	number("00.50", "0.50");
	number("0.001", "0.001");
	number("5.", "5");
	number("-0", "0");
	number("-0.000", "0.000");
	number("-.0", "0.0");
	number("123456789012345678901234567890.000000000000000000001",
	       "123456789012345678901234567890.000000000000000000001");
	number("9007199254740993", "9007199254740993");
	/* Exponents. */
	number("1E+03", "1e3");
	number("2.5e-07", "2.5e-7");
	number("1e-0", "1e0");
	number("1e000", "1e0");
	number("-1.5E10", "-1.5e10");
	number("1,234e2", "1234e2");
	number("1e", NULL);
	number("1e+", NULL);
	number("e5", NULL);
	number(".e5", NULL);
	number("1e5.5", NULL);
	number("1e5%", "0.01e5");
	/* Western and Indian grouping, and their rejects. */
	number("1,234,567.89", "1234567.89");
	number("12,345", "12345");
	number("1 234 567", "1234567");
	number("1\xc2\xa0" "234", "1234");
	number("1\xe2\x80\xaf" "234\xe2\x80\xaf" "567", "1234567");
	number("1\xe2\x80\x89" "234", "1234");
	number("1'234'567.50", "1234567.50");
	number("1\xe2\x80\x99" "234", "1234");
	number("1,23,45,678", "12345678");
	number("12,34,567", "1234567");
	number("1,23,456.5", "123456.5");
	number("1,2,3", NULL);
	number("1,23,4", NULL);
	number("1,2345", NULL);
	number("1234,567", NULL);
	number("12,345,67", NULL);
	number("12,34,56,789", "123456789");
	number("1,234,56,789", NULL);
	number("123,45,678", NULL);
	number("1,23,45,6789", NULL);
	number("1,23,456,789", NULL);
	number("1,234,", NULL);
	number(",234", NULL);
	number("1 234,567", NULL);
	number("1,234 567", NULL);
	number("1'234,567", NULL);
	number("0,001", NULL);
	number("01,234", NULL);
	number("1 2", NULL);
	number("1  234", NULL);
	number("1.2.3", NULL);
	number("1.234.567", NULL);
	number("1.234,5", NULL);
	/* The comma as decimal mark. */
	number_comma("1,5", "1.5");
	number_comma("1.234,56", "1234.56");
	number_comma("1.234.567", "1234567");
	number_comma("1 234 567,89", "1234567.89");
	number_comma("1\xc2\xa0" "234,5", "1234.5");
	number_comma("1\xe2\x80\xaf" "234,5 \xe2\x82\xac", "1234.5");
	number_comma("\xe2\x82\xac" "1.234,56", "1234.56");
	number_comma("1.234,56 \xe2\x82\xac", "1234.56");
	number_comma("-1.234,5", "-1234.5");
	number_comma(",5", "0.5");
	number_comma("12,5 %", "0.125");
	number_comma("1'234,50", "1234.50");
	number_comma("1.5", NULL);
	number_comma("1,23,45,678", NULL);
	number_comma("1,2,3", NULL);
	number_comma(".5", NULL);
	number_comma("1.234.56", NULL);
	/* Signs, accounting parentheses, trailing minus. */
	number("(1,234.50)", "-1234.50");
	number("( 1,234.50 )", "-1234.50");
	number("($1,234.50)", "-1234.50");
	number("$(5)", "-5");
	number("(5 USD)", "-5");
	number("(0.00)", "0.00");
	number("1234-", "-1234");
	number("1,234.50 -", "-1234.50");
	number("5\xe2\x88\x92", "-5");
	number("-$1,234.56", "-1234.56");
	number("$-1,234.56", "-1234.56");
	number("-(5)", NULL);
	number("(-5)", NULL);
	number("--1", NULL);
	number("+-1", NULL);
	number("-1-", NULL);
	number("1--", NULL);
	number("((5))", NULL);
	number("(5", NULL);
	number("5)", NULL);
	number(")5(", NULL);
	number("5+", NULL);
	number("1-2", NULL);
	/* Currencies. */
	number("USD 1,234", "1234");
	number("usd1234", "1234");
	number("1,234 usd", "1234");
	number("1234USD", "1234");
	number("\xc2\xa3" "5", "5");
	number("\xc2\xa5" "500", "500");
	number("\xef\xbf\xa5" "500", "500");
	number("\xe2\x82\xb9" "1,23,456", "123456");
	number("US$5", "5");
	number("CA$ 5", "5");
	number("5 CA$", "5");
	number("R$ 5.50", "5.50");
	number("Rs.5", "5");
	number("5 Fr.", "5");
	number("5 kr", "5");
	number("5 euro", NULL);
	number("5 EURO", NULL);
	number("EURO 5", NULL);
	number("XYZ 5", NULL);
	number("$$5", NULL);
	number("$5$", NULL);
	number("$5%", NULL);
	number("$", NULL);
	number("USD", NULL);
	/* Percentages. */
	number("12.5%", "0.125");
	number("5%", "0.05");
	number("100%", "1.00");
	number("1234%", "12.34");
	number("0.5%", "0.005");
	number("0%", "0.00");
	number("-12.5 %", "-0.125");
	number("(5%)", "-0.05");
	number("007%", "0.07");
	number("1.5e3%", "0.015e3");
	number("5%%", NULL);
	number("%5", NULL);
	number_o("12.5%", 5, '.', 0, "12.5");
	number_o("100%", 4, '.', 0, "100");
	number_o("1,5%", 4, ',', 0, "1.5");
	/* Not numbers. */
	number("", NULL);
	number("   ", NULL);
	number("-", NULL);
	number("+", NULL);
	number(".", NULL);
	number("()", NULL);
	number("0x1F", NULL);
	number("NaN", NULL);
	number("Infinity", NULL);
	number("1/2", NULL);
	number("five", NULL);
	number("\xef\xbc\x95", NULL);
	number("5\xff", NULL);
	number("\xc2" "5", NULL);
	number_o("5\0", 2, '.', 1, NULL);
	number_o("5\0" "5", 3, '.', 1, NULL);
	number_o("12345", 3, '.', 1, "123");
	/* NULL options mean the defaults. */
	dq_buf_reset(&b);
	UNIT_INT(dq_number_normalize("1,5%", 4, NULL, &b), -1,
		 "number NULL opts: ',' groups");
	UNIT_INT(dq_number_normalize("1.5%", 4, NULL, &b), 0,
		 "number NULL opts rc");
	UNIT_STR(b.buf, "0.015", "number NULL opts: scaled");
	dq_buf_release(&b);
	test_number_huge();
	test_number_random();
}

/* ---- US states --------------------------------------------------------- */

static void
state(const char *in, const char *want)
{
	char *copy = exact(in, strlen(in));

	UNIT_STR(dq_us_state_code(copy, strlen(in)), want,
		 describe("state", in, strlen(in), 0));
	free(copy);
}

static void
test_states(void)
{
	static const char *const names[][2] = {
		{ "Alabama", "AL" }, { "Alaska", "AK" }, { "Arizona", "AZ" },
		{ "Arkansas", "AR" }, { "California", "CA" },
		{ "Colorado", "CO" }, { "Connecticut", "CT" },
		{ "Delaware", "DE" }, { "Florida", "FL" }, { "Georgia", "GA" },
		{ "Hawaii", "HI" }, { "Idaho", "ID" }, { "Illinois", "IL" },
		{ "Indiana", "IN" }, { "Iowa", "IA" }, { "Kansas", "KS" },
		{ "Kentucky", "KY" }, { "Louisiana", "LA" }, { "Maine", "ME" },
		{ "Maryland", "MD" }, { "Massachusetts", "MA" },
		{ "Michigan", "MI" }, { "Minnesota", "MN" },
		{ "Mississippi", "MS" }, { "Missouri", "MO" },
		{ "Montana", "MT" }, { "Nebraska", "NE" }, { "Nevada", "NV" },
		{ "New Hampshire", "NH" }, { "New Jersey", "NJ" },
		{ "New Mexico", "NM" }, { "New York", "NY" },
		{ "North Carolina", "NC" }, { "North Dakota", "ND" },
		{ "Ohio", "OH" }, { "Oklahoma", "OK" }, { "Oregon", "OR" },
		{ "Pennsylvania", "PA" }, { "Rhode Island", "RI" },
		{ "South Carolina", "SC" }, { "South Dakota", "SD" },
		{ "Tennessee", "TN" }, { "Texas", "TX" }, { "Utah", "UT" },
		{ "Vermont", "VT" }, { "Virginia", "VA" },
		{ "Washington", "WA" }, { "West Virginia", "WV" },
		{ "Wisconsin", "WI" }, { "Wyoming", "WY" },
		{ "District of Columbia", "DC" },
		{ "American Samoa", "AS" }, { "Guam", "GU" },
		{ "Northern Mariana Islands", "MP" },
		{ "Puerto Rico", "PR" }, { "U.S. Virgin Islands", "VI" },
		{ "Federated States of Micronesia", "FM" },
		{ "Marshall Islands", "MH" }, { "Palau", "PW" },
		{ "Armed Forces Americas", "AA" },
		{ "Armed Forces Europe", "AE" },
		{ "Armed Forces Pacific", "AP" },
	};
	static const char *const variants[][2] = {
		{ "calif.", "CA" }, { "Calif", "CA" }, { "Cal.", "CA" },
		{ "CALIFORNIA", "CA" }, { " california ", "CA" },
		{ "N. Carolina", "NC" }, { "north carolina", "NC" },
		{ "N.Carolina", "NC" }, { "No. Carolina", "NC" },
		{ "N.C.", "NC" }, { "n. c.", "NC" }, { "North-Carolina", "NC" },
		{ "S. Dak.", "SD" }, { "N. Dak.", "ND" },
		{ "Washington D.C.", "DC" }, { "Washington, D.C.", "DC" },
		{ "D.C.", "DC" }, { "dc", "DC" }, { "Dist. of Columbia", "DC" },
		{ "W. Va.", "WV" }, { "W.Va.", "WV" }, { "West Va.", "WV" },
		{ "Hawai'i", "HI" }, { "Hawai\xca\xbbi", "HI" },
		{ "Hawai\xe2\x80\x99i", "HI" }, { "Tex.", "TX" },
		{ "Penn.", "PA" }, { "Penna.", "PA" }, { "Mass.", "MA" },
		{ "Ala.", "AL" }, { "Ariz.", "AZ" }, { "Ark.", "AR" },
		{ "Colo.", "CO" }, { "Conn.", "CT" }, { "Del.", "DE" },
		{ "Fla.", "FL" }, { "Ill.", "IL" }, { "Ind.", "IN" },
		{ "Kan.", "KS" }, { "Kans.", "KS" }, { "Mich.", "MI" },
		{ "Minn.", "MN" }, { "Miss.", "MS" }, { "Mont.", "MT" },
		{ "Neb.", "NE" }, { "Nebr.", "NE" }, { "Nev.", "NV" },
		{ "N.H.", "NH" }, { "N.J.", "NJ" }, { "N. Mex.", "NM" },
		{ "N.Y.", "NY" }, { "New York State", "NY" },
		{ "Okla.", "OK" }, { "Ore.", "OR" }, { "Oreg.", "OR" },
		{ "R.I.", "RI" }, { "S.C.", "SC" }, { "Tenn.", "TN" },
		{ "Wash.", "WA" }, { "Washington State", "WA" },
		{ "Wis.", "WI" }, { "Wisc.", "WI" }, { "Wyo.", "WY" },
		{ "Alas.", "AK" }, { "Ida.", "ID" },
		{ "Virgin Islands", "VI" }, { "Virgin Islands, U.S.", "VI" },
		{ "United States Virgin Islands", "VI" }, { "USVI", "VI" },
		{ "CNMI", "MP" }, { "Northern Marianas", "MP" },
		{ "P.R.", "PR" }, { "PUERTO RICO", "PR" },
		{ "Micronesia", "FM" }, { "Armed Forces Africa", "AE" },
		{ "Armed Forces Middle East", "AE" },
		{ "Armed Forces Canada", "AE" },
		{ "new\xc2\xa0york", "NY" }, { "New_York", "NY" },
	};
	static const char *const bad[] = {
		"", "  ", ".", "C", "XX", "ZZ", "UM", "Californias",
		"Cal1fornia", "Ontario", "ON", "Washington DC 20001",
		"Georgia (country)", "Puerto", "Virginia Beach", "Carolina",
		"North", "New", "US", "USA", "Ca\xff", "Cali\xc3\xa9",
		"Texas!",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		"Armed Forces", "Islands",
	};
	size_t i;
	char code[3];

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		state(names[i][0], names[i][1]);
		state(names[i][1], names[i][1]);
		code[0] = (char)(names[i][1][0] - 'A' + 'a');
		code[1] = (char)(names[i][1][1] - 'A' + 'a');
		code[2] = '\0';
		state(code, names[i][1]);
	}
	UNIT_INT(i, 62, "50 states, DC, 5 territories, 3 FAS, 3 military");
	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		state(variants[i][0], variants[i][1]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		state(bad[i], NULL);
	UNIT_STR(dq_us_state_code("Texas", 4), NULL, "state length honoured");
	UNIT_STR(dq_us_state_code("CAT", 2), "CA", "state length 2 of CAT");
	UNIT_OK(dq_us_state_code("ca", 2) == dq_us_state_code("Calif.", 6),
		"state result is one static string");

	/* dq_us_state_valid: exactly the codes the table produces. */
	UNIT_INT(dq_us_state_valid("CA", 2), 1, "state valid CA");
	UNIT_INT(dq_us_state_valid("PW", 2), 1, "state valid PW (Palau)");
	UNIT_INT(dq_us_state_valid("FM", 2), 1, "state valid FM (Micronesia)");
	UNIT_INT(dq_us_state_valid("MH", 2), 1, "state valid MH");
	UNIT_INT(dq_us_state_valid("AP", 2), 1, "state valid AP (military)");
	UNIT_INT(dq_us_state_valid("ca", 2), 0, "state valid: lower case no");
	UNIT_INT(dq_us_state_valid("Ca", 2), 0, "state valid: mixed case no");
	UNIT_INT(dq_us_state_valid("ZZ", 2), 0, "state valid ZZ no");
	UNIT_INT(dq_us_state_valid("CAL", 3), 0, "state valid CAL no");
	UNIT_INT(dq_us_state_valid("C", 1), 0, "state valid C no");
	UNIT_INT(dq_us_state_valid("", 0), 0, "state valid empty no");
	UNIT_INT(dq_us_state_valid("CAT", 2), 1, "state valid honours n");
	{
		/* Every code a name maps to is itself valid. */
		static const char *const fas[] = { "Palau", "Micronesia",
			"Marshall Islands", "Guam", "Wash.", "Puerto Rico" };
		int all = 1;
		for (i = 0; i < sizeof(fas) / sizeof(fas[0]); i++) {
			const char *c = dq_us_state_code(fas[i],
							 strlen(fas[i]));
			all &= c && dq_us_state_valid(c, 2);
		}
		UNIT_OK(all, "state codes of names are valid codes");
	}
}

/* ---- ZIP codes --------------------------------------------------------- */

static void
zip(const char *in, int restore, const char *want)
{
	struct dq_buf b = DQ_BUF_INIT;
	char *copy = exact(in, strlen(in));
	int rc;

	dq_buf_addch(&b, 'X');
	rc = dq_zip_normalize(copy, strlen(in), restore, NULL, &b);
	free(copy);
	UNIT_STR(appended(rc, &b), want, describe("zip", in, strlen(in),
						  restore));
	dq_buf_release(&b);
}

static void
zip_in(const char *in, const char *state, const char *want)
{
	struct dq_buf b = DQ_BUF_INIT;
	int rc = dq_zip_normalize(in, strlen(in), 1, state, &b);

	UNIT_STR(rc ? "FAIL" : b.buf, want, in);
	dq_buf_release(&b);
}

/* Padding only where the record's state agrees (NULL: no state). */
static void
test_zip_state(void)
{
	zip_in("7330", "TX", "FAIL");
	zip_in("7330", "NJ", "07330");
	zip_in("2134", "CA", "FAIL");
	zip_in("2134", "MA", "02134");
	zip_in("2134", NULL, "02134");
	zip_in("2134.0", "MA", "02134");
	zip_in("2134.0", "CA", "FAIL");
	zip_in("907", "PR", "00907");
	zip_in("907", "NY", "FAIL");
	zip_in("2134-1234", "MA", "02134-1234");
	zip_in("21341234", "TX", "FAIL");
	zip_in("94110", "MA", "94110");
	zip_in("94110", "CA", "94110");
	zip_in("73301", "NJ", "73301");
}

static void
test_zip_valid(void)
{
	UNIT_INT(dq_zip_valid("12345", 5), 1, "zip valid 12345");
	UNIT_INT(dq_zip_valid("00501", 5), 1, "zip valid 00501");
	UNIT_INT(dq_zip_valid("12345-6789", 10), 1, "zip valid ZIP+4");
	UNIT_INT(dq_zip_valid("02134-0000", 10), 1, "zip valid -0000");
	UNIT_INT(dq_zip_valid("00000", 5), 0, "zip valid 00000 no");
	UNIT_INT(dq_zip_valid("00000-1234", 10), 0, "zip valid 00000-1234 no");
	UNIT_INT(dq_zip_valid("12345 6789", 10), 0, "zip valid space no");
	UNIT_INT(dq_zip_valid("123456789", 9), 0, "zip valid 9 digits no");
	UNIT_INT(dq_zip_valid(" 12345", 6), 0, "zip valid blank no");
	UNIT_INT(dq_zip_valid("2134", 4), 0, "zip valid 4 digits no");
	UNIT_INT(dq_zip_valid("1234a", 5), 0, "zip valid letter no");
	UNIT_INT(dq_zip_valid("12345-678a", 10), 0, "zip valid +4 letter no");
	UNIT_INT(dq_zip_valid("", 0), 0, "zip valid empty no");
	UNIT_INT(dq_zip_valid("123456", 5), 1, "zip valid honours n");
}

static void
test_zip(void)
{
	int r;

	for (r = 0; r <= 1; r++) {
		zip("12345", r, "12345");
		zip(" 02134\t", r, "02134");
		zip("00501", r, "00501");
		zip("12345-6789", r, "12345-6789");
		zip("12345 6789", r, "12345-6789");
		zip("123456789", r, "12345-6789");
		zip("02134-0000", r, "02134-0000");
		zip("", r, NULL);
		zip("   ", r, NULL);
		zip("12", r, NULL);
		zip("0", r, NULL);
		zip("00000", r, NULL);
		zip("000", r, NULL);
		zip("00000-1234", r, NULL);
		zip("123456", r, NULL);
		zip("1234567890", r, NULL);
		zip("12345-678", r, NULL);
		zip("12345-67890", r, NULL);
		zip("12345-", r, NULL);
		zip("-12345", r, NULL);
		zip("12345--6789", r, NULL);
		zip("12345_6789", r, NULL);
		zip("1234a", r, NULL);
		zip("abcde", r, NULL);
		zip("12 345", r, NULL);
		zip("2134.5", r, NULL);
		zip("12345.0-1234", r, NULL);
		UNIT_INT(dq_zip_valid("00000", 5), 0, "zip valid 00000 no");
		zip("\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94"
		    "\xef\xbc\x95", r, NULL);
	}
	/* Lost leading zeros: rejected plain, restored on request. */
	zip("2134", 0, NULL);
	zip("2134", 1, "02134");
	zip("501", 0, NULL);
	zip("501", 1, "00501");
	zip("2134-1234", 0, NULL);
	zip("2134-1234", 1, "02134-1234");
	zip("501-1234", 1, "00501-1234");
	zip("21341234", 0, NULL);
	zip("21341234", 1, "02134-1234");
	zip("5011234", 1, "00501-1234");
	zip("2134.0", 0, NULL);
	zip("2134.0", 1, "02134");
	zip("2134.00", 1, "02134");
	zip("12345.0", 1, "12345");
	zip("12345.0", 0, NULL);
	zip("21341234.0", 1, "02134-1234");
	zip("51", 1, NULL);
	zip("123456", 1, NULL);
}

int
main(void)
{
	test_email();
	test_bool();
	test_number();
	test_states();
	test_zip();
	test_zip_state();
	test_zip_valid();
	return unit_done();
}
