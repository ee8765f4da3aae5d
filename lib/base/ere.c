/*
 * ere.c - a fast matcher for simple POSIX extended regular expressions.
 *
 * Algorithm.  The pattern is parsed into a tree and turned into a Glushkov
 * (position) automaton: V. M. Glushkov, "The abstract theory of automata",
 * Russian Math. Surveys 16 (1961); in the form of G. Berry and R. Sethi,
 * "From regular expressions to deterministic automata", TCS 48 (1986).
 * Each character position of the pattern is a state; first(), last(),
 * nullable() and follow() are computed in one walk of the tree.  Counted
 * repetition x{n,m} is written out as n copies of x and m - n copies of
 * x?, so the walk numbers fresh positions for each copy.
 *
 * With at most 64 positions a set of states is one 64-bit word and the
 * bit-parallel simulation of G. Navarro and M. Raffinot ("Fast and
 * flexible string matching by combining bit-parallelism and suffix
 * automata", JEA 5, 2000) applies: reading byte c, the next set is the
 * union of the follow sets of the current states, and of first() when a
 * match may start here, masked by the positions that accept c.  Only
 * match / no match is wanted (regexec with nmatch 0), so leftmost-longest
 * submatch rules do not arise and the language is all that has to agree
 * with regexec.
 *
 * The subset is kept small on purpose: whatever regcomp might read
 * differently (character classes, back-references, GNU escapes, anchors
 * inside the pattern, '^' with '|' at the top, empty groups or
 * alternatives, stacked repetitions, bytes above 127) is declined.
 * tests/unit/test_ere.c checks it against regexec on generated patterns
 * and strings.
 */
#include "base/ere.h"

#include <stdlib.h>
#include <string.h>

enum { N_SET, N_CAT, N_ALT, N_STAR, N_PLUS, N_OPT, N_REP };

#define MAXNODE 256

struct node {
	int kind;
	int a, b;     /* children (N_CAT, N_ALT), or a alone */
	int min, max; /* N_REP; max -1 for no bound */
	uint64_t set[4]; /* N_SET: the bytes it accepts */
};

struct parser {
	const char *p;
	int depth;
	int top_alt; /* a '|' outside any group */
	int n;
	struct node nodes[MAXNODE];
};

static int parse_alt(struct parser *ps);

static int
node(struct parser *ps, int kind, int a, int b)
{
	if (ps->n == MAXNODE)
		return -1;
	struct node *x = &ps->nodes[ps->n];
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->a = a;
	x->b = b;
	return ps->n++;
}

static void
set_add(struct node *x, int lo, int hi)
{
	for (int c = lo; c <= hi; c++)
		x->set[c >> 6] |= (uint64_t)1 << (c & 63);
}

/* The ERE special characters, which a backslash makes literal. */
static int
special(int c)
{
	return c && strchr(".[]()*+?{}|^$\\", c) != NULL;
}

/* A bracket expression, after its '['. */
static int
parse_bracket(struct parser *ps)
{
	int i = node(ps, N_SET, -1, -1), neg = 0, first = 1;
	if (i < 0)
		return -1;
	struct node *x = &ps->nodes[i];
	const unsigned char *p = (const unsigned char *)ps->p;
	if (*p == '^') {
		neg = 1;
		p++;
	}
	for (;; first = 0) {
		int lo = *p, hi;
		if (!lo || lo >= 0x80 || lo == '\\')
			return -1;
		if (lo == ']' && !first) {
			p++;
			break;
		}
		/* [: [= [. open classes, equivalences and collating
		 * elements: not taken. */
		if (lo == '[' && (p[1] == ':' || p[1] == '=' || p[1] == '.'))
			return -1;
		p++;
		if (*p == '-' && p[1] != ']' && p[1]) {
			hi = p[1];
			if (lo == '-' || hi == '-' || hi == '[' || hi == '\\' ||
			    hi >= 0x80 || hi < lo)
				return -1;
			p += 2;
			/* A range ending where another starts (a-c-e). */
			if (*p == '-' && p[1] != ']')
				return -1;
		} else {
			hi = lo;
		}
		set_add(x, lo, hi);
	}
	if (neg) {
		for (int k = 0; k < 4; k++)
			x->set[k] = ~x->set[k];
		x->set[0] &= ~(uint64_t)1; /* NUL ends the subject */
	}
	ps->p = (const char *)p;
	return i;
}

static int
parse_atom(struct parser *ps)
{
	unsigned char c = (unsigned char)*ps->p;
	int i;

	switch (c) {
	case '(':
		ps->p++;
		ps->depth++;
		i = parse_alt(ps);
		if (i < 0 || *ps->p != ')')
			return -1;
		ps->p++;
		ps->depth--;
		return i;
	case '[':
		ps->p++;
		return parse_bracket(ps);
	case '.':
		ps->p++;
		if ((i = node(ps, N_SET, -1, -1)) < 0)
			return -1;
		set_add(&ps->nodes[i], 1, 255);
		return i;
	case '\\':
		c = (unsigned char)ps->p[1];
		if (!special(c))
			return -1;
		ps->p += 2;
		break;
	default:
		if (c >= 0x80 || special(c))
			return -1;
		ps->p++;
		break;
	}
	if ((i = node(ps, N_SET, -1, -1)) < 0)
		return -1;
	set_add(&ps->nodes[i], c, c);
	return i;
}

/* A decimal count in an interval, 0..255 (more would not fit anyway). */
static int
count(struct parser *ps)
{
	int v = 0;
	if (*ps->p < '0' || *ps->p > '9')
		return -1;
	while (*ps->p >= '0' && *ps->p <= '9') {
		v = v * 10 + (*ps->p++ - '0');
		if (v > 255)
			return -1;
	}
	return v;
}

static int
parse_repeat(struct parser *ps)
{
	int i = parse_atom(ps), min, max, kind;
	char c;
	if (i < 0)
		return -1;
	switch (*ps->p) {
	case '*':
	case '+':
	case '?':
		c = *ps->p++;
		kind = c == '*' ? N_STAR : c == '+' ? N_PLUS : N_OPT;
		i = node(ps, kind, i, -1);
		break;
	case '{':
		ps->p++;
		if ((min = max = count(ps)) < 0)
			return -1;
		if (*ps->p == ',') {
			ps->p++;
			max = *ps->p == '}' ? -1 : count(ps);
			if (*ps->p != '}' || (max != -1 && max < min))
				return -1;
		}
		if (*ps->p != '}' || max == 0)
			return -1;
		ps->p++;
		if ((i = node(ps, N_REP, i, -1)) < 0)
			return -1;
		ps->nodes[i].min = min;
		ps->nodes[i].max = max;
		break;
	default:
		return i;
	}
	/* a** or a+? or a{2}{3}: what regcomp makes of them is its own. */
	if (i < 0 || (*ps->p && strchr("*+?{", *ps->p)))
		return -1;
	return i;
}

/* At the end of a branch: '|', ')', the end, or the final '$'. */
static int
branch_end(const struct parser *ps)
{
	char c = *ps->p;
	return !c || c == '|' || c == ')' ||
	       (c == '$' && !ps->p[1] && !ps->depth);
}

static int
parse_cat(struct parser *ps)
{
	if (branch_end(ps))
		return -1; /* an empty branch */
	int i = parse_repeat(ps);
	while (i >= 0 && !branch_end(ps)) {
		int j = parse_repeat(ps);
		i = j < 0 ? -1 : node(ps, N_CAT, i, j);
	}
	return i;
}

static int
parse_alt(struct parser *ps)
{
	int i = parse_cat(ps);
	while (i >= 0 && *ps->p == '|') {
		if (!ps->depth)
			ps->top_alt = 1;
		ps->p++;
		int j = parse_cat(ps);
		i = j < 0 ? -1 : node(ps, N_ALT, i, j);
	}
	return i;
}

/* first(), last() and nullable() of a subtree. */
struct glu {
	uint64_t first, last;
	int nullable;
};

static void
link_sets(struct dq_ere *e, uint64_t from, uint64_t to)
{
	for (; from; from &= from - 1)
		e->follow[__builtin_ctzll(from)] |= to;
}

static struct glu
cat(struct dq_ere *e, struct glu x, struct glu y)
{
	struct glu r;
	link_sets(e, x.last, y.first);
	r.first = x.first | (x.nullable ? y.first : 0);
	r.last = y.last | (y.nullable ? x.last : 0);
	r.nullable = x.nullable && y.nullable;
	return r;
}

/* Positions numbered so far; -1 once there are too many. */
static int
glushkov(struct dq_ere *e, const struct parser *ps, int i, int *npos,
	 struct glu *out)
{
	const struct node *x = &ps->nodes[i];
	struct glu a, b;

	switch (x->kind) {
	case N_SET: {
		if (*npos == DQ_ERE_MAXPOS)
			return -1;
		uint64_t bit = (uint64_t)1 << (*npos)++;
		for (int c = 0; c < 256; c++)
			if (x->set[c >> 6] >> (c & 63) & 1)
				e->cls[c] |= bit;
		out->first = out->last = bit;
		out->nullable = 0;
		return 0;
	}
	case N_CAT:
		if (glushkov(e, ps, x->a, npos, &a) ||
		    glushkov(e, ps, x->b, npos, &b))
			return -1;
		*out = cat(e, a, b);
		return 0;
	case N_ALT:
		if (glushkov(e, ps, x->a, npos, &a) ||
		    glushkov(e, ps, x->b, npos, &b))
			return -1;
		out->first = a.first | b.first;
		out->last = a.last | b.last;
		out->nullable = a.nullable || b.nullable;
		return 0;
	case N_STAR:
	case N_PLUS:
	case N_OPT:
		if (glushkov(e, ps, x->a, npos, &a))
			return -1;
		if (x->kind != N_OPT)
			link_sets(e, a.last, a.first);
		if (x->kind != N_PLUS)
			a.nullable = 1;
		*out = a;
		return 0;
	case N_REP: {
		/* x{n,m} = x...x (n) x?...x? (m - n); x{n,} = x...x x*. */
		struct glu r = { 0, 0, 1 };
		int k;
		for (k = 0; k < x->min; k++) {
			if (glushkov(e, ps, x->a, npos, &a))
				return -1;
			r = cat(e, r, a);
		}
		for (; x->max < 0 ? k == x->min : k < x->max; k++) {
			if (glushkov(e, ps, x->a, npos, &a))
				return -1;
			if (x->max < 0)
				link_sets(e, a.last, a.first);
			a.nullable = 1;
			r = cat(e, r, a);
		}
		*out = r;
		return 0;
	}
	}
	return -1;
}

int
dq_ere_compile(struct dq_ere *e, const char *pattern)
{
	struct parser *ps;
	struct glu g;
	int npos = 0, root, rc = -1;

	/* In a multibyte locale regexec reads characters, not bytes. */
	if (MB_CUR_MAX != 1)
		return -1;
	if (!(ps = malloc(sizeof(*ps))))
		return -1;
	memset(e, 0, sizeof(*e));
	ps->p = pattern;
	ps->depth = ps->top_alt = ps->n = 0;
	if (*ps->p == '^') {
		e->bol = 1;
		ps->p++;
	}
	root = parse_alt(ps);
	if (root >= 0 && *ps->p == '$' && !ps->p[1]) {
		e->eol = 1;
		ps->p++;
	}
	/* ^a|b anchors only its first branch: declined. */
	if (root >= 0 && !*ps->p && !((e->bol || e->eol) && ps->top_alt) &&
	    !glushkov(e, ps, root, &npos, &g)) {
		e->first = g.first;
		e->last = g.last;
		e->nullable = g.nullable;
		rc = 0;
	}
	free(ps);
	return rc;
}

int
dq_ere_match(const struct dq_ere *e, const char *s, size_t n)
{
	const char *nul = memchr(s, '\0', n);
	uint64_t cur = 0;

	if (nul)
		n = (size_t)(nul - s);
	/* An empty match: anywhere, or at the end. */
	if (e->nullable && (!e->eol || !e->bol || !n))
		return 1;
	for (size_t i = 0; i < n; i++) {
		uint64_t next = 0;
		for (uint64_t t = cur; t; t &= t - 1)
			next |= e->follow[__builtin_ctzll(t)];
		if (!e->bol || !i)
			next |= e->first;
		cur = next & e->cls[(unsigned char)s[i]];
		if (!e->eol && (cur & e->last))
			return 1;
		if (e->bol && !cur)
			return 0;
	}
	return e->eol && (cur & e->last);
}

const char *
dq_ere_skip_bracket(const char *p)
{
	/* "]" first is a member, and [:class:], [=x=], [.x.] hold a "]"
	 * of their own. */
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p && *p != ']') {
		if (*p == '[' && (p[1] == ':' || p[1] == '=' || p[1] == '.')) {
			char c = p[1];
			p += 2;
			while (*p && !(*p == c && p[1] == ']'))
				p++;
			if (*p)
				p += 2;
		} else {
			p++;
		}
	}
	return *p ? p + 1 : p;
}

int
dq_ere_backref(const char *p)
{
	while (*p) {
		if (*p == '\\') {
			if (p[1] >= '1' && p[1] <= '9')
				return p[1];
			p += p[1] ? 2 : 1;
		} else if (*p == '[') {
			p = dq_ere_skip_bracket(p);
		} else {
			p++;
		}
	}
	return 0;
}
