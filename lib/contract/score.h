/*
 * score.h - the end of a validation run: the set-level and grouped rules
 * decided, each check passed or failed, the stream scored and the summary
 * written.
 *
 * The score is DESIGN.md's: 100 minus, per category, its weight times
 * (failed checks / checks); a check fails when its failure rate (failures
 * over the records it applied to) exceeds its tolerance.  Records that
 * did not parse take their share of the format weight in full (when none
 * parsed, all of it) and the records that did parse deduct by the failed
 * format checks, as the monitoring document's partial deductions say.
 * See docs/validate.md.
 */
#ifndef DQ_SCORE_H
#define DQ_SCORE_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "contract/check.h"
#include "contract/rules.h"

struct dq_score_opts {
	enum dq_sev fail_on; /* a failed check of this severity fails the
			      * gate (DQ_SEV_NONE: none does) */
	int warn_mode;       /* --mode warn: rules fail no gate */
	int partial;         /* a chunk (--partial): set-level rules are not
			      * decided, no gate, tallies kept for --merge */
	uint64_t n_in, n_rejected; /* the run's input items and rejects */
	uint64_t valid;      /* records checked (n_in - n_rejected, or the
			      * chunks' sum under --merge) */
};

/* Decide the set-level and grouped rules (their violations-file lines
 * written through ck) and whether each rule failed. */
void dq_score_decide(struct dq_rules *rs, struct dq_check *ck,
		     const struct dq_score_opts *o);

/*
 * Add the summary's members to s (borrowed): rules, score, passed,
 * pass_mark, deductions, metrics, violations, mode, fail_on (and partial
 * with the examples' raw text for --merge).  Returns 1 when the gate
 * failed, else 0.
 */
int dq_score_summary(const struct dq_rules *rs, const struct dq_check *ck,
		     const struct dq_score_opts *o, cJSON *s);

#endif
