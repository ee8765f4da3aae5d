/*
 * decide.h - one candidate pair's verdict: the comparison level of every
 * field (with first and last names written in each other's place caught),
 * the score under the model, the decision from the thresholds, and the
 * household guard that lowers a match to review.
 *
 * The story of a pair (dq-score does this per line, one struct dq_decide
 * per thread; the model is read-only meanwhile):
 *
 *	dq_decide_init(&d, &model);
 *	if (dq_decide_read(&d, &pair, &run.ident) == 0) {
 *		dq_decide_pair(&d);
 *		dq_decide_explain(&d, DQ_DECIDE_ALL, &meta);
 *	}
 *	dq_decide_release(&d);
 *
 * Swaps: a field with "swap_with" (first name, last name) whose value and
 * its partner's both disagree at the lowest level is compared crosswise;
 * when both cross comparisons reach a level above the lowest, the values
 * were written in each other's place and the cross levels count (the
 * features say "swapped":true).
 *
 * The score: Fellegi-Sunter, the probability of the prior weight plus
 * every field's log2(m/u) (with term frequencies on exact agreement);
 * weighted, the sum of similarity times weight, at most 1.  It is rounded
 * to 6 decimals before the thresholds see it, so that what a reviewer
 * reads is what was compared: score >= match is a match, >= review a
 * review, else distinct.
 *
 * The household guard (docs/score.md): a match is lowered to review when
 * a "shared" field agrees (similarity 0.7 or more: the same phone, even
 * without its area code; the same street however abbreviated), a "differ"
 * field is at its lowest level and no "unless" field agrees exactly; the
 * same date of birth with another first name at a shared email or phone
 * is twins.  A pair the levels hold is read again with its values
 * (dq_decide_pair): an "unless" identifier one typo off agrees, and a
 * first name that is the other side's last name, an abbreviation of two
 * letters, or a nickname misspelt on both sides differs no more
 * (docs/score.md).
 */
#ifndef DQ_DECIDE_H
#define DQ_DECIDE_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"
#include "er/fsmodel.h"
#include "stream/json.h"
#include "stream/meta.h"

/* Decisions, as bits (so that a set of them is a mask). */
enum {
	DQ_DECIDE_MATCH = 1,
	DQ_DECIDE_REVIEW = 2,
	DQ_DECIDE_DISTINCT = 4,
	DQ_DECIDE_ALL = 7
};

/* One side of a pair as the model's fields read it. */
struct dq_decide_side {
	const char *v[DQ_FS_MAX_FIELDS]; /* the value, NULL when missing;
					  * borrowed from the pair's text or
					  * val[] */
	size_t n[DQ_FS_MAX_FIELDS];
	struct dq_buf val[DQ_FS_MAX_FIELDS]; /* unescaped strings */
	struct dq_buf id; /* the --id value, else the record's text */
};

struct dq_decide {
	const struct dq_fs_model *m; /* borrowed */
	struct dq_decide_side a, b;
	struct dq_fs_scratch scr;
	struct dq_buf folded[DQ_FS_MAX_FIELDS]; /* a's value as compared */
	/* The last pair's verdict. */
	int lv[DQ_FS_MAX_FIELDS];       /* level per field (DQ_FS_NULL) */
	double sim[DQ_FS_MAX_FIELDS];   /* similarity per field */
	double w[DQ_FS_MAX_FIELDS];     /* weight per field */
	int swapped[DQ_FS_MAX_FIELDS];  /* compared crosswise */
	double total;  /* Fellegi-Sunter match weight */
	double score;  /* rounded to 6 decimals */
	int decision;  /* DQ_DECIDE_MATCH, _REVIEW or _DISTINCT */
	int guarded;   /* DQ_GUARD_*: the guard lowered a match to review */
	/* Counts over every pair decided. */
	uint64_t n_match, n_review, n_distinct, n_guard;
};

/* Start a decider for model m (borrowed; it must outlive d). */
void dq_decide_init(struct dq_decide *d, const struct dq_fs_model *m);
void dq_decide_release(struct dq_decide *d);

/*
 * Read sides "a" and "b" of a scanned pair into d: each field's value (a
 * string unescaped, another value as written; a missing one, as
 * contract/types.h says, NULL) and the record's id (stream/meta.h's
 * dq_meta_ident(), as dq-block and dq-merge name it; the whole record
 * text when it has none).  Returns 0, or -1 when
 * a side is not an object.  The values borrow the pair's text.
 */
int dq_decide_read(struct dq_decide *d, const struct dq_record *pair,
		   const struct dq_ident *how);

/* The levels and similarities of the pair read (d->lv, d->sim,
 * d->swapped, d->folded): the comparisons and the swap check. */
void dq_decide_levels(struct dq_decide *d);

/* What the guard says of these levels. */
enum { DQ_GUARD_NONE = 0, DQ_GUARD_HOUSEHOLD = 1, DQ_GUARD_TWINS = 2 };

/*
 * Does the household guard hold for these levels?  DQ_GUARD_HOUSEHOLD
 * when a "shared" field agrees, a "differ" field is at its lowest level
 * and no "unless" field agrees exactly; DQ_GUARD_TWINS when the only
 * "unless" fields that agree are "differ" fields too (the same date of
 * birth, another first name: twins) and a shared field compared as an
 * email or a phone agrees.  Only the first ndiffer "differ"
 * fields count (training uses one).
 */
int dq_decide_guard(const struct dq_fs_model *m, const int *lv,
		    const double *sim, size_t ndiffer);

/* Levels, weights, score, decision and guard of the pair read, counted;
 * returns the decision. */
int dq_decide_pair(struct dq_decide *d);

/*
 * The household link of the pair decided: two records judged to be two
 * people (distinct, or held for review by the guard) that share a
 * "shared" field (agreeing as the guard reads it: a level above the
 * lowest, similarity 0.7 or more).  When it is one, appends one line
 *
 *	{"a":"ID","b":"ID","shared":["phone","street"],
 *	 "differ":["first_name"],"decision":"review","guard":"twins"}
 *
 * (the record ids as dq_decide_read named them; "shared" the agreeing
 * shared fields; "differ" the "differ" fields at their lowest level, the
 * evidence of another person, possibly none when only the score tells
 * them apart; "guard" only when the guard held the pair) with its newline
 * to out and returns 1; else returns 0 and appends nothing.  A review
 * the guard did not cause is left out: it may yet be one person.
 */
int dq_decide_household(const struct dq_decide *d, struct dq_buf *out);

/*
 * Append the verdict as raw "_dq" member text to meta: "score",
 * "decision", "match_weight" (Fellegi-Sunter), "guard" when it held,
 * and "features" (level, similarity, weight, "swapped") when the
 * decision is in the mask explain.
 */
void dq_decide_explain(const struct dq_decide *d, int explain,
		       struct dq_buf *meta);

#endif
