/* Unit tests for lib/base/ere.c: the fast matcher must answer as regexec. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ere.h"
#include "unit.h"

static void
gen(char *out, size_t cap, int depth)
{
	static const char *const atoms[] = {
		"a", "b", "0", "-", ".", "[ab]", "[^a]", "[0-9]", "[a-b0]",
		"[]a]", "[^]b]", "[a-]", "\\.", "\\-", "\\$", "\\(", "\\\\",
		"1", "[-0]", "\n", "[.]",
	};
	static const char *const quants[] = {
		"*", "+", "?", "{2}", "{0,1}", "{1,}", "{1,3}", "{0,}", "{3}",
		"{2,2}", "{0,2}",
	};
	size_t len = strlen(out);
	switch (depth > 3 ? 0 : unit_pick(6)) {
	case 0:
	case 1:
		snprintf(out + len, cap - len, "%s",
			 atoms[unit_pick(sizeof(atoms) / sizeof(*atoms))]);
		break;
	case 2:
		gen(out, cap, depth + 1);
		gen(out, cap, depth + 1);
		break;
	case 3:
		snprintf(out + strlen(out), cap - strlen(out), "(");
		gen(out, cap, depth + 1);
		snprintf(out + strlen(out), cap - strlen(out), "|");
		gen(out, cap, depth + 1);
		snprintf(out + strlen(out), cap - strlen(out), ")");
		break;
	default:
		snprintf(out + strlen(out), cap - strlen(out), "(");
		gen(out, cap, depth + 1);
		snprintf(out + strlen(out), cap - strlen(out), ")%s",
			 quants[unit_pick(sizeof(quants) / sizeof(*quants))]);
		break;
	}
}

/* Every string over the alphabet up to length 4, and random longer
 * ones over a wider one: the same answer from both matchers. */
static int
agree(const char *pat, const regex_t *re, const struct dq_ere *e)
{
	static const char small[] = "ab0-";
	static const char wide[] = "ab01-.$\\(]\n\x80\xff";
	char s[16];
	size_t total = 1;

	for (int len = 0; len <= 4; len++, total *= 4) {
		for (size_t k = 0; k < total; k++) {
			size_t v = k;
			for (int i = 0; i < len; i++, v /= 4)
				s[i] = small[v % 4];
			s[len] = '\0';
			if ((regexec(re, s, 0, NULL, 0) == 0) !=
			    dq_ere_match(e, s, (size_t)len)) {
				printf("# /%s/ on \"%s\"\n", pat, s);
				return 0;
			}
		}
	}
	for (int k = 0; k < 300; k++) {
		int len = (int)unit_pick(12);
		for (int i = 0; i < len; i++)
			s[i] = wide[unit_pick(sizeof(wide) - 1)];
		s[len] = '\0';
		if ((regexec(re, s, 0, NULL, 0) == 0) !=
		    dq_ere_match(e, s, (size_t)len)) {
			printf("# /%s/ on a random string of %d bytes\n", pat,
			       len);
			return 0;
		}
	}
	return 1;
}

static int
taken(const char *pat)
{
	struct dq_ere e;
	return dq_ere_compile(&e, pat) == 0;
}

static int
matches(const char *pat, const char *s, size_t n)
{
	struct dq_ere e;
	if (dq_ere_compile(&e, pat))
		return -1;
	return dq_ere_match(&e, s, n);
}

int
main(void)
{
	static const char *const fixed[] = {
		"^[0-9]{5}(-[0-9]{4})?$", "^[A-Z]{2}$", "a", "^a", "a$", "ab",
		"a|b", "(a|b)*c", "^(ab|a)(b)?$", "x*", "^$x", "(a*)*",
		"^.{2,3}$", "[^0-9]", "^(a|)b", "a{0}", "^\\$", "^a|b$",
		"(^a)", "a^", "[[:digit:]]", "\\d", "a**", "{1}", "\\1",
		"[a\\]", "\xc3\xa9", "a{1,2}{3}",
	};
	int compiled = 0, checked = 0;

	/* The bench's ZIP pattern and its like are taken, and right. */
	UNIT_OK(taken("^[0-9]{5}(-[0-9]{4})?$"), "the ZIP pattern is taken");
	UNIT_INT(matches("^[0-9]{5}(-[0-9]{4})?$", "12345", 5), 1, "ZIP");
	UNIT_INT(matches("^[0-9]{5}(-[0-9]{4})?$", "12345-6789", 10), 1,
		 "ZIP+4");
	UNIT_INT(matches("^[0-9]{5}(-[0-9]{4})?$", "1234", 4), 0, "short");
	UNIT_INT(matches("^[0-9]{5}(-[0-9]{4})?$", "12345-678", 9), 0,
		 "short +4");
	UNIT_INT(matches("^[0-9]{5}(-[0-9]{4})?$", "123456", 6), 0, "long");
	UNIT_INT(matches("^[0-9]{5}$", "12345\0x", 7), 1,
		 "matched up to the NUL, as regexec sees it");
	UNIT_INT(matches("x", "ab\0x", 4), 0, "nothing after the NUL");
	UNIT_INT(matches("b", "abc", 3), 1, "unanchored");
	UNIT_INT(matches("^b", "abc", 3), 0, "anchored at the start");
	UNIT_INT(matches("b$", "abc", 3), 0, "anchored at the end");
	UNIT_INT(matches("x*", "abc", 3), 1, "an empty match");
	UNIT_INT(matches("^x*$", "", 0), 1, "the empty string");
	UNIT_INT(matches("^x*$", "a", 1), 0, "not empty");
	UNIT_INT(matches(".", "\n", 1), 1, "dot takes a newline");
	UNIT_INT(matches("[^a]", "\xff", 1), 1, "a byte above 127");

	/* Declined: regexec keeps them. */
	UNIT_OK(!taken("^a|b$"), "anchors with a top-level | declined");
	UNIT_OK(!taken("(^a)"), "an anchor inside declined");
	UNIT_OK(!taken("[[:digit:]]"), "a character class declined");
	UNIT_OK(!taken("\\d"), "a GNU escape declined");
	UNIT_OK(!taken("a**"), "stacked repetition declined");
	UNIT_OK(!taken("(a|)b"), "an empty alternative declined");
	UNIT_OK(!taken("\xc3\xa9"), "a byte above 127 declined");
	UNIT_OK(!taken("a{0}"), "a zero repetition declined");
	UNIT_OK(!taken("^$"), "an empty body declined");
	UNIT_OK(!taken("a{1,99}b{1,99}"), "more than 64 positions declined");

	/* Against regexec: the fixed list, then generated patterns. */
	for (size_t k = 0; k < sizeof(fixed) / sizeof(*fixed); k++) {
		regex_t re;
		struct dq_ere e;
		if (regcomp(&re, fixed[k], REG_EXTENDED | REG_NOSUB))
			continue;
		if (!dq_ere_compile(&e, fixed[k])) {
			compiled++;
			checked += agree(fixed[k], &re, &e);
		}
		regfree(&re);
	}
	UNIT_INT(checked, compiled, "fixed patterns agree with regexec");

	compiled = checked = 0;
	for (int k = 0; k < 3000; k++) {
		char pat[256] = "";
		regex_t re;
		struct dq_ere e;
		if (!unit_pick(3))
			strcat(pat, "^");
		gen(pat, sizeof(pat) - 2, 0);
		if (!unit_pick(3))
			strcat(pat, "$");
		if (regcomp(&re, pat, REG_EXTENDED | REG_NOSUB))
			continue;
		if (!dq_ere_compile(&e, pat)) {
			compiled++;
			checked += agree(pat, &re, &e);
		}
		regfree(&re);
	}
	printf("# %d of 3000 generated patterns taken\n", compiled);
	UNIT_OK(compiled > 1500, "most generated patterns are taken");
	UNIT_INT(checked, compiled, "generated patterns agree with regexec");
	/* Back-references are found, and only outside brackets. */
	UNIT_INT(dq_ere_backref("^(a*)\\1*(a*)\\2*b"), '1', "\\1 found");
	UNIT_INT(dq_ere_backref("(x)(y)\\2"), '2', "\\2 found");
	UNIT_INT(dq_ere_backref("^[\\1]+$"), 0, "in brackets: a literal");
	UNIT_INT(dq_ere_backref("[]\\1]"), 0, "] first is a member");
	UNIT_INT(dq_ere_backref("[[:digit:]\\1]x"), 0, "after a class");
	UNIT_INT(dq_ere_backref("a\\\\1"), 0, "an escaped backslash, then 1");
	UNIT_INT(dq_ere_backref("a\\.b\\0"), 0, "\\0 is no back-reference");
	UNIT_INT(dq_ere_backref("[a]\\9"), '9', "after a bracket");
	UNIT_INT(dq_ere_backref("["), 0, "an open bracket ends the scan");
	UNIT_INT(dq_ere_backref("ab\\"), 0, "a trailing backslash");
	return unit_done();
}
