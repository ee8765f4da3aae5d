/*
 * partial.h - a profile's mergeable state as JSON: what dq-profile
 * --partial writes and --merge reads (the format is in partial.c).
 *
 *	cJSON *doc = dq_partial_save(&p);          (p flushed)
 *	...
 *	dq_profile_init(&q, &caps);
 *	if (dq_partial_load(&q, doc))
 *		... not a partial state ...
 *	dq_profile_merge(&all, &q);
 */
#ifndef DQ_PARTIAL_H
#define DQ_PARTIAL_H

#include <cjson/cJSON.h>

#include "profile/profile.h"

/* The state of p (flushed; borrowed) as a new document: the caller frees
 * it with cJSON_Delete.  Its sample holds the rows p kept. */
cJSON *dq_partial_save(const struct dq_profile *p);

/*
 * Load the partial state doc (borrowed) into p, which is initialized and
 * empty; its caps are kept (the sample keeps at most caps.sample rows).
 * 0, or -1 when doc is not a partial state that dq_partial_save could
 * have written (no message: the caller names the file).  After -1, p holds
 * part of the state: release it.
 */
int dq_partial_load(struct dq_profile *p, const cJSON *doc);

#endif
