/*
 * cdiff.h - what changed between two versions of a contract, in the terms
 * a reviewer reads (dq-contract diff).
 *
 *	cJSON *ch = dq_contract_diff(old_doc, new_doc);
 *	dq_contract_diff_text(ch, &buf);     "PATH: FROM -> TO: loosened"
 *	cJSON_Delete(ch);
 *
 * Each change is {"path", "change", "from", "to"} ("from"/"to" absent
 * where the value was), change one of:
 *
 *	added, removed	a field, a rule, a key of another section
 *	tightened	fewer values pass: a check added (required, a
 *			pattern, a type, a bound...), a minimum raised or a
 *			maximum lowered, enum values removed, not_in values
 *			added, a severity raised, a tolerance lowered, a
 *			rule's condition (if, when) dropped
 *	loosened	the reverse
 *	changed		neither is sure: a pattern or type replaced, a
 *			bound relative to today, metadata (description,
 *			hint, normalizer steps...)
 *
 * An enum's or not_in's values are one change each ("fields.state.enum"
 * with "added" or "removed": the value).  Ownership: the documents are
 * borrowed; the array returned belongs to the caller.
 */
#ifndef DQ_CDIFF_H
#define DQ_CDIFF_H

#include <cjson/cJSON.h>

#include "base/util.h"

/* The changes from contract a to b (documents as written). */
cJSON *dq_contract_diff(const cJSON *a, const cJSON *b);

/* One line per change, appended to out:
 * "fields.age.max: 120 -> 130: loosened", "rules.U: added",
 * "fields.state.enum: \"PR\" added: loosened". */
void dq_contract_diff_text(const cJSON *changes, struct dq_buf *out);

#endif
