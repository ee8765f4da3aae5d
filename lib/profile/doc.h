/*
 * doc.h - a profile as the JSON document dq-profile writes (see
 * docs/profile.md) or as the text table of --format text.
 *
 * The profile must be flushed (dq_profile_flush).  Both sort the top-value
 * summaries of its fields in place, which is why they take it non-const;
 * no figure changes.
 */
#ifndef DQ_DOC_H
#define DQ_DOC_H

#include <cjson/cJSON.h>

#include "base/util.h"
#include "profile/profile.h"

/* The profile document, new: the caller frees it with cJSON_Delete.  What
 * it shows is bounded by p->caps. */
cJSON *dq_doc_profile(struct dq_profile *p);

/* Append the text table to b: a head line, a row per field, and, when
 * anomalies (borrowed; may be NULL) is an array, its count and one line
 * per anomaly ("  kind: message"). */
void dq_doc_text(struct dq_profile *p, const cJSON *anomalies,
		 struct dq_buf *b);

#endif
