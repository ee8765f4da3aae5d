/*
 * test_entity.c - unit tests for lib/norm/entity.c: HTML character
 * references and invisible characters.
 *
 * Each case appends to a buffer that already holds "<<", so the tests
 * also check that results are appended and that a rejected input appends
 * nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "norm/entity.h"
#include "unit.h"

typedef int (*fn)(const char *, size_t, struct dq_buf *);

static void
check(fn f, const char *in, size_t n, const char *want, int line)
{
	struct dq_buf b = DQ_BUF_INIT;
	char what[160];
	int rc;

	dq_buf_addstr(&b, "<<");
	rc = f(in, n, &b);
	snprintf(what, sizeof(what), "\"%.60s\" (line %d)", in, line);
	if (!want) {
		UNIT_INT(rc, -1, what);
		UNIT_STR(b.buf, "<<", what);
	} else {
		UNIT_INT(rc, 0, what);
		UNIT_OK(b.len >= 2 && !memcmp(b.buf, "<<", 2), what);
		UNIT_MEM(b.buf + 2, b.len - 2, want, strlen(want), what);
	}
	dq_buf_release(&b);
}

#define DEC(in, want) check(dq_entity_decode, in, strlen(in), want, __LINE__)
#define INV(in, want) check(dq_entity_invisible, in, strlen(in), want, __LINE__)

static void
test_named(void)
{
	DEC("J&ouml;rg", "Jörg");
	DEC("J&Ouml;RG", "JÖRG");
	DEC("&amp;&lt;&gt;&quot;&apos;", "&<>\"'");
	DEC("&nbsp;", "\xC2\xA0");
	DEC("&yuml;&Yuml;", "ÿŸ");
	DEC("&thetasym;&alefsym;", "ϑℵ");
	DEC("&euro;&mdash;&hellip;&trade;", "€—…™");
	DEC("&lang;x&rang;", "\xE2\x9F\xA8x\xE2\x9F\xA9");
	DEC("&szlig;&eth;&ETH;&thorn;", "ßðÐþ");
	/* Unknown, wrong case, no semicolon: left as they are. */
	DEC("&OUML;", "&OUML;");
	DEC("&foo; &ouml", "&foo; &ouml");
	DEC("AT&T", "AT&T");
	DEC("R&D; Sales", "R&D; Sales");
	DEC("&", "&");
	DEC("&;", "&;");
	DEC("&thetasymx;", "&thetasymx;");
	/* One pass. */
	DEC("&amp;lt;", "&lt;");
	DEC("&&amp;;", "&&;");
	UNIT_INT(dq_entity_lookup("aacute", 6), 0xE1, "lookup aacute");
	UNIT_INT(dq_entity_lookup("aacut", 5), 0, "lookup prefix");
	UNIT_INT(dq_entity_lookup("sigmaf", 6), 962, "lookup sigmaf");
}

static void
test_numeric(void)
{
	DEC("J&#246;rg", "Jörg");
	DEC("J&#xF6;rg J&#Xf6;rg", "Jörg Jörg");
	DEC("&#0000246;", "ö");
	DEC("&#65;&#x42;", "AB");
	DEC("&#128512;", "\xF0\x9F\x98\x80");
	DEC("&#x10FFFF;", "\xF4\x8F\xBF\xBF");
	/* The HTML spec's replacements. */
	DEC("&#0;", "\xEF\xBF\xBD");
	DEC("&#xD800;&#xDFFF;", "\xEF\xBF\xBD\xEF\xBF\xBD");
	DEC("&#x110000;", "\xEF\xBF\xBD");
	DEC("&#99999999999999999999;", "\xEF\xBF\xBD");
	DEC("&#146;&#x80;", "\xE2\x80\x99\xE2\x82\xAC");
	DEC("&#x81;", "\xC2\x81");
	/* Not references. */
	DEC("&#;&#x;&#xG;&#12", "&#;&#x;&#xG;&#12");
	DEC("&#-5;", "&#-5;");
	DEC("#246;", "#246;");
}

static void
test_invisible(void)
{
	INV("ab\xC2\xAD" "cd", "abcd");
	INV("\xEF\xBB\xBFid", "id");
	INV("a\xE2\x80\x8B" "b\xE2\x81\xA0" "c", "abc");
	/* ZWNJ, ZWJ and the no-break space are kept. */
	INV("a\xE2\x80\x8C" "b\xE2\x80\x8D" "c\xC2\xA0" "d",
	    "a\xE2\x80\x8C" "b\xE2\x80\x8D" "c\xC2\xA0" "d");
	INV("Müller", "Müller");
	INV("", "");
}

static void
test_invalid(void)
{
	check(dq_entity_decode, "a\xFF&amp;", 7, NULL, __LINE__);
	check(dq_entity_invisible, "\xED\xA0\x80", 3, NULL, __LINE__);
}

/* A NUL byte is text like any other. */
static void
test_nul(void)
{
	struct dq_buf b = DQ_BUF_INIT;

	UNIT_INT(dq_entity_decode("a\0&amp;", 7, &b), 0, "NUL");
	UNIT_MEM(b.buf, b.len, "a\0&", 3, "NUL kept");
	dq_buf_release(&b);
}

/* A 1 MB value of references decodes whole. */
static void
test_long(void)
{
	size_t k = 200000;
	struct dq_buf in = DQ_BUF_INIT, out = DQ_BUF_INIT;

	for (size_t i = 0; i < k; i++)
		dq_buf_add(&in, "&#65;", 5);
	UNIT_INT(dq_entity_decode(in.buf, in.len, &out), 0, "1 MB");
	UNIT_INT(out.len, k, "1 MB length");
	UNIT_OK(out.buf[0] == 'A' && out.buf[k - 1] == 'A', "1 MB text");
	dq_buf_release(&in);
	dq_buf_release(&out);
}

/* Random text of reference-like pieces: the result is always valid
 * UTF-8, and text without '&' comes back as it was. */
static void
test_random(void)
{
	static const char *const piece[] = { "&", "#", ";", "x", "X", "0",
					     "9", "1", "F", "amp", "ouml",
					     "lt", "\xC3\xB6", " ", "D800",
					     "110000", "146" };
	struct dq_buf in = DQ_BUF_INIT, out = DQ_BUF_INIT;
	int bad = 0, changed = 0;

	for (int k = 0; k < 20000; k++) {
		int amp = 0;
		dq_buf_reset(&in);
		dq_buf_reset(&out);
		for (unsigned j = unit_pick(12); j > 0; j--) {
			const char *p = piece[unit_pick(sizeof(piece) /
							sizeof(*piece))];
			amp |= p[0] == '&';
			dq_buf_addstr(&in, p);
		}
		if (dq_entity_decode(in.buf, in.len, &out) ||
		    !dq_utf8_valid(out.buf, out.len))
			bad++;
		if (!amp && (out.len != in.len ||
			     memcmp(out.buf, in.buf, in.len)))
			changed++;
	}
	UNIT_INT(bad, 0, "random references: valid UTF-8 out");
	UNIT_INT(changed, 0, "random text without '&': unchanged");
	dq_buf_release(&in);
	dq_buf_release(&out);
}

int
main(void)
{
	test_named();
	test_numeric();
	test_invisible();
	test_invalid();
	test_nul();
	test_long();
	test_random();
	return unit_done();
}
