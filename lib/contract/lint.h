/*
 * lint.h - what is wrong with a contract before it runs (dq-contract lint).
 *
 * A contract that loads can still check nothing: a typo'd key, a rule on
 * a field the contract never defines, a pattern no text matches, bounds no
 * value passes, an enum value the field's own checks refuse, a field that
 * never occurs in the data (the silent "checked 0").  The linter collects
 * every such finding, each with the contract path of the thing it is about
 * ("fields.email.pattern"), rather than stopping at the first as loading
 * does.
 *
 *	struct dq_lint l;
 *	dq_lint_init(&l);
 *	dq_lint_contract(&l, doc, "conf/");
 *	dq_lint_data(&l, &contract, &input);     (optional)
 *	... l.findings ...
 *	dq_lint_release(&l);
 *
 * Ownership: documents, contracts and inputs passed in are borrowed; the
 * findings belong to the struct.
 */
#ifndef DQ_LINT_H
#define DQ_LINT_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "contract/contract.h"
#include "stream/input.h"

struct dq_lint {
	/* [{"path", "check", "severity", "message"}] in the order found;
	 * check is one of "unknown_key", "not_object", "undefined_field",
	 * "invalid", "pattern", "bounds", "enum", "absent_in_data";
	 * severity "error", or "warning" for a finding that does not make
	 * the contract wrong by itself (a rule's field in a contract with
	 * no "fields" section) (owned). */
	cJSON *findings;
	int errors; /* findings of severity error */
	uint64_t records; /* records read by dq_lint_data */
	uint64_t rejected; /* lines or rows not read as records */
};

void dq_lint_init(struct dq_lint *l);
void dq_lint_release(struct dq_lint *l);

/*
 * The findings the contract document shows by itself: doc is the contract
 * as written (one layer, placeholders unresolved: a value holding one is
 * not checked), dir its directory with its '/' ("" for the working
 * directory), against which reference files are looked for.
 */
void dq_lint_contract(struct dq_lint *l, const cJSON *doc, const char *dir);

/*
 * Read the records of in and add a finding for each field of c's "fields"
 * and each field a rule names that occurs in none of them.  c must have
 * loaded (dq_contract_load).  Returns 0, or -1 after a message (a read
 * error, a rule set that does not compile).
 */
int dq_lint_data(struct dq_lint *l, const struct dq_contract *c,
		 struct dq_input *in);

/* The findings as text, one "PATH: MESSAGE" line each ("PATH: warning:
 * MESSAGE" for a warning), appended to out. */
void dq_lint_text(const struct dq_lint *l, struct dq_buf *out);

#endif
