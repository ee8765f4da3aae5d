/*
 * expr.h - row expressions: "end_date >= start_date", "a + b <= total",
 * "len(name) > 1 and not missing(email)", compiled once when the contract
 * is loaded and evaluated per record without allocating.
 *
 *	struct dq_expr e;
 *	if (dq_expr_compile(&e, text, resolve, ctx, where))
 *		... a message naming where and the column was printed ...
 *	enum dq_tv t = dq_expr_eval(&e, fetch, ctx);   per record
 *	dq_expr_release(&e);
 *
 * The grammar (docs/validate.md, "Row expressions"), lowest precedence
 * first:
 *
 *	expr    := and ("or" and)*
 *	and     := not ("and" not)*
 *	not     := "not" not | cmp
 *	cmp     := sum [("<" | "<=" | ">" | ">=" | "==" | "!=") sum]
 *	sum     := term (("+" | "-") term)*
 *	term    := unary (("*" | "/") unary)*
 *	unary   := "-" unary | primary
 *	primary := NUMBER | STRING | "true" | "false" | FIELD
 *	         | FUNC "(" expr ")" | "(" expr ")"
 *	FIELD   := [A-Za-z_][A-Za-z0-9_]* | "`" any text but "`" "`"
 *	STRING  := '...' or "..." (a backslash escapes the quote or itself)
 *	FUNC    := len | present | missing
 *
 * Values are numbers, strings, true/false, or unknown: a missing field
 * (contract/types.h's one meaning of missing), a value of a JSON type the
 * operation does not take, a division by zero.  Unknown spreads through
 * arithmetic and comparisons; and/or/not follow SQL's three-valued logic
 * (false and unknown is false, true or unknown is true).  present() and
 * missing() are never unknown.  Two strings that are both ISO dates or
 * date-times compare as the instants they name, and subtract to a number
 * of days; other strings compare by their bytes.
 *
 * Type errors that the contract alone shows -- a string literal in
 * arithmetic, a number compared with a string, "and" over a number, a
 * declared string field added to 1, an expression that is not a
 * condition -- are refused by dq_expr_compile.
 *
 * Ownership: struct dq_expr owns its nodes and copies of literals;
 * strings a fetch callback returns are borrowed for the evaluation.
 */
#ifndef DQ_EXPR_H
#define DQ_EXPR_H

#include <stddef.h>

/* A truth value of three-valued logic. */
enum dq_tv { DQ_TV_FALSE = 0, DQ_TV_TRUE = 1, DQ_TV_UNKNOWN = 2 };

/* What a field is known to hold before any record is read (a declared
 * type), and how an expression uses one (to type CSV cells). */
enum dq_xtype { DQ_XT_ANY, DQ_XT_NUM, DQ_XT_STR, DQ_XT_BOOL, DQ_XT_DATE };

/* A value during evaluation. */
enum dq_xkind { DQ_XV_UNKNOWN, DQ_XV_NUM, DQ_XV_STR, DQ_XV_BOOL };
struct dq_xval {
	enum dq_xkind kind;
	int b;          /* DQ_XV_BOOL; DQ_XV_UNKNOWN: 1 present, 0 missing */
	double num;     /* DQ_XV_NUM */
	const char *s;  /* DQ_XV_STR: borrowed, not NUL-terminated */
	size_t n;
};

struct dq_xnode {
	int op;         /* expr.c's node kinds */
	int a, b;       /* operands (node indices), -1 none */
	int slot;       /* a field: the caller's slot number */
	enum dq_xtype t; /* what it yields, as far as the contract shows */
	double num;
	char *s;        /* a string literal (owned) */
	size_t n;
	int col;        /* where it starts in the text, for messages */
};

struct dq_expr {
	struct dq_xnode *nodes;
	size_t n, cap;
	int root;
	int *slots; /* the fields it reads, each once, in order of use */
	size_t nslots;
	char *text; /* the expression as written */
};

/*
 * Resolve a field name (n bytes, not NUL-terminated but copied by the
 * callee if kept) to the caller's slot number; *declared is set to what
 * the field is declared to hold (DQ_XT_ANY when nothing is); use says
 * how the expression uses it (DQ_XT_NUM in arithmetic or beside a number,
 * DQ_XT_BOOL beside true/false, else DQ_XT_ANY).
 */
typedef int (*dq_expr_resolve_fn)(void *ctx, const char *name, size_t n,
				  enum dq_xtype use, enum dq_xtype *declared);

/* The value of the field in slot for the current record: a number, a
 * string (unescaped), true/false; DQ_XV_UNKNOWN with b 0 when the field
 * is missing, with b 1 when it holds something else (an object, an
 * array). */
typedef void (*dq_expr_fetch_fn)(void *ctx, int slot, struct dq_xval *out);

/*
 * Compile text into e (initialised here).  The whole expression must be a
 * condition (true, false or unknown) and read at least one field.
 * Returns 0, or -1 after a message "where: "TEXT": column N: ...".
 * On failure e holds nothing to release.
 */
int dq_expr_compile(struct dq_expr *e, const char *text,
		    dq_expr_resolve_fn resolve, void *ctx, const char *where);

/* Evaluate e on the current record (the values fetch gives). */
enum dq_tv dq_expr_eval(const struct dq_expr *e, dq_expr_fetch_fn fetch,
			void *ctx);

void dq_expr_release(struct dq_expr *e);

#endif
