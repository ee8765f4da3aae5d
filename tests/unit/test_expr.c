/* Unit tests for lib/contract/expr.c: row expressions. */
#include <string.h>

#include "contract/expr.h"
#include "unit.h"

/* A record of a few fields, by slot: the names, what each is declared to
 * hold, and the values of the record being evaluated. */
static const char *const names[] = { "a", "b", "s", "t", "d1", "d2",
				     "flag", "num", "str", "o", "first name",
				     "len" };
enum { NNAMES = sizeof(names) / sizeof(names[0]) };
static const enum dq_xtype decl[NNAMES] = {
	DQ_XT_ANY, DQ_XT_ANY, DQ_XT_ANY, DQ_XT_ANY, DQ_XT_ANY, DQ_XT_ANY,
	DQ_XT_ANY, DQ_XT_NUM, DQ_XT_STR, DQ_XT_ANY, DQ_XT_ANY, DQ_XT_ANY
};
static struct dq_xval rec[NNAMES];
static enum dq_xtype used[NNAMES];

static int
resolve(void *ctx, const char *name, size_t n, enum dq_xtype use,
	enum dq_xtype *declared)
{
	for (int i = 0; i < NNAMES; i++)
		if (strlen(names[i]) == n && !memcmp(names[i], name, n)) {
			*declared = decl[i];
			if (use != DQ_XT_ANY)
				used[i] = use;
			return i;
		}
	*declared = DQ_XT_ANY;
	return 0; /* unknown names read slot 0 */
}

static void
fetch(void *ctx, int slot, struct dq_xval *out)
{
	*out = rec[slot];
}

static void
clear(void)
{
	memset(rec, 0, sizeof(rec)); /* every field missing */
	memset(used, 0, sizeof(used));
}

static void
num(int slot, double d)
{
	rec[slot].kind = DQ_XV_NUM;
	rec[slot].num = d;
}

static void
str(int slot, const char *s)
{
	rec[slot].kind = DQ_XV_STR;
	rec[slot].s = s;
	rec[slot].n = strlen(s);
}

static void
boolean(int slot, int b)
{
	rec[slot].kind = DQ_XV_BOOL;
	rec[slot].b = b;
}

/* Compile text, evaluate it on rec, compare with want. */
static void
ev(const char *text, enum dq_tv want)
{
	struct dq_expr e;
	int rc = dq_expr_compile(&e, text, resolve, NULL, "test");
	UNIT_INT(rc, 0, text);
	if (rc)
		return;
	UNIT_INT(dq_expr_eval(&e, fetch, NULL), want, text);
	dq_expr_release(&e);
}

/* text is refused at load. */
static void
refused(const char *text)
{
	struct dq_expr e;
	UNIT_INT(dq_expr_compile(&e, text, resolve, NULL, "test"), -1, text);
}

enum { A, B, S, T, D1, D2, FLAG, NUM, STR, O, FIRST, LEN };

int
main(void)
{
	clear();
	num(A, 3);
	num(B, 4);
	/* Precedence: * before +, comparison after arithmetic, and before
	 * or, not binding tightest of the logical words. */
	ev("a + b * 2 == 11", DQ_TV_TRUE);
	ev("(a + b) * 2 == 14", DQ_TV_TRUE);
	ev("a - b - 1 == -2", DQ_TV_TRUE);
	ev("a / b == 0.75", DQ_TV_TRUE);
	ev("-a == -3", DQ_TV_TRUE);
	ev("a * -1 < 0", DQ_TV_TRUE);
	ev("a < b and b < a or a == 3", DQ_TV_TRUE);
	ev("a < b and (b < a or a == 4)", DQ_TV_FALSE);
	ev("not a > b and a != b", DQ_TV_TRUE);
	ev("not not a < b", DQ_TV_TRUE);
	ev("a <= 3 and a >= 3 and a < 3.0000001 and b > 3.5e0", DQ_TV_TRUE);
	ev("1e1 > b", DQ_TV_TRUE);

	/* Division by zero and a missing operand are unknown, and unknown
	 * spreads through arithmetic and comparisons. */
	ev("a / (b - 4) > 0", DQ_TV_UNKNOWN);
	ev("a + s > 0", DQ_TV_UNKNOWN);
	ev("s == s", DQ_TV_UNKNOWN);
	ev("-s < 0", DQ_TV_UNKNOWN);

	/* Three-valued logic (the Kleene tables). */
	ev("s > 1 and a > 100", DQ_TV_FALSE);
	ev("a > 100 and s > 1", DQ_TV_FALSE);
	ev("s > 1 and a < 100", DQ_TV_UNKNOWN);
	ev("s > 1 or a < 100", DQ_TV_TRUE);
	ev("a < 100 or s > 1", DQ_TV_TRUE);
	ev("s > 1 or a > 100", DQ_TV_UNKNOWN);
	ev("not s > 1", DQ_TV_UNKNOWN);
	ev("missing(s)", DQ_TV_TRUE);
	ev("present(s)", DQ_TV_FALSE);
	ev("present(a) and not missing(a)", DQ_TV_TRUE);
	ev("missing(s) or s > 1", DQ_TV_TRUE);

	/* Strings: by bytes; ISO dates and date-times as instants. */
	str(S, "absent");
	str(T, "Absent");
	ev("s == 'absent'", DQ_TV_TRUE);
	ev("s == \"absent\"", DQ_TV_TRUE);
	ev("s != t", DQ_TV_TRUE);
	ev("t < s", DQ_TV_TRUE); /* 'A' before 'a' */
	ev("s < 'absentee'", DQ_TV_TRUE);
	ev("s == 'it\\'s'", DQ_TV_FALSE);
	ev("len(s) == 6", DQ_TV_TRUE);
	str(S, "Zoë");
	ev("len(s) == 3", DQ_TV_TRUE); /* code points, not bytes */
	str(D1, "2024-03-01");
	str(D2, "2024-02-28T23:00:00-02:00"); /* 2024-02-29T01:00Z */
	ev("d1 > d2", DQ_TV_TRUE);
	ev("d1 - d2 > 0.95 and d1 - d2 < 0.96", DQ_TV_TRUE);
	ev("d1 >= '2024-03-01T00:00:00Z'", DQ_TV_TRUE);
	ev("d1 == '2024-03-01T00:00Z'", DQ_TV_TRUE);
	ev("d1 - '2024-01-01' == 60", DQ_TV_TRUE); /* 2024 is a leap year */
	/* A date beside a string that is not one: unequal, not ordered. */
	ev("d1 == 'soon'", DQ_TV_FALSE);
	ev("d1 != 'soon'", DQ_TV_TRUE);
	ev("d1 < 'soon'", DQ_TV_UNKNOWN);
	str(D2, "soon");
	ev("d1 - d2 > 0", DQ_TV_UNKNOWN);

	/* Values of another kind than the operation takes are unknown. */
	ev("s + 1 > 0", DQ_TV_UNKNOWN);
	ev("a == s", DQ_TV_UNKNOWN);
	ev("len(a) > 0", DQ_TV_UNKNOWN);
	boolean(FLAG, 1);
	ev("flag", DQ_TV_TRUE);
	ev("flag == true and not (flag == false)", DQ_TV_TRUE);
	ev("flag and a > 1", DQ_TV_TRUE);
	ev("a and flag", DQ_TV_UNKNOWN); /* a is a number here */
	rec[O].kind = DQ_XV_UNKNOWN;
	rec[O].b = 1; /* an object: present, of no usable kind */
	ev("present(o)", DQ_TV_TRUE);
	ev("o == 1", DQ_TV_UNKNOWN);
	str(FIRST, "Ann");
	ev("`first name` == 'Ann' and `len` == `len`", DQ_TV_UNKNOWN);
	ev("`first name` == 'Ann'", DQ_TV_TRUE);

	/* How fields are used, for CSV typing. */
	clear();
	ev("a + 1 > 0 and flag == true and s == 'x'", DQ_TV_UNKNOWN);
	UNIT_INT(used[A], DQ_XT_NUM, "a in arithmetic is numeric");
	UNIT_INT(used[FLAG], DQ_XT_BOOL, "flag beside true is boolean");
	UNIT_INT(used[S], DQ_XT_ANY, "s beside a string is text");
	clear();
	ev("b", DQ_TV_UNKNOWN);
	UNIT_INT(used[B], DQ_XT_BOOL, "a field alone is a condition");
	clear();
	ev("d1 - d2 > 1", DQ_TV_UNKNOWN);
	UNIT_INT(used[D1], DQ_XT_ANY, "a - b may be dates: not typed");

	/* Errors the contract shows, at load. */
	refused("");
	refused("a +");
	refused("a > 1 b");
	refused("(a > 1");
	refused("a = 1");
	refused("a > 1 && b > 1");
	refused("a + 'x' > 1");
	refused("'x' * a > 1");
	refused("num > 'x'");
	refused("num == true");
	refused("str + 1 > 0");
	refused("str - '2024-01-01' > 0");
	refused("-str < 0");
	refused("a < true");
	refused("a and 1");
	refused("not 'x'");
	refused("a + 1");
	refused("'x'");
	refused("1 < 2");
	refused("len(1) > 0");
	refused("present(a + 1)");
	refused("missing('a')");
	refused("upper(a) == 'X'");
	refused("s == 'open");
	refused("`first name == 1");
	refused("`` == 1");
	refused("a == null");
	refused("a > 1.2.3");
	refused("a > 1e999");
	{
		char deep[400];
		memset(deep, '(', 200);
		strcpy(deep + 200, "a");
		memset(deep + 201, ')', 150);
		deep[351] = '\0';
		refused(deep); /* nested too deeply (and unbalanced) */
		memset(deep, '(', 70);
		strcpy(deep + 70, "a");
		memset(deep + 71, ')', 70);
		deep[141] = '\0';
		refused(deep);
		memset(deep, '(', 20);
		strcpy(deep + 20, "a");
		memset(deep + 21, ')', 20);
		deep[41] = '\0';
		clear();
		ev(deep, DQ_TV_UNKNOWN);
	}
	return unit_done();
}
