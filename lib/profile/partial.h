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
 * The same for a state written to a file under a contract that marks
 * sensitive fields (contract/pii.h, the active policy): no value of a
 * sensitive field is in it.  Each top value is its token (the first 32
 * hex digits of HMAC-SHA-256 of the raw JSON under key, keylen bytes,
 * borrowed: equal values, equal tokens, so partial states still merge
 * exactly) and its shown form; examples and sample rows are in their
 * shown form; a sensitive field ("pii": true) has its least and greatest
 * strings and dates masked and its numbers reduced to their count.  The
 * document "shown" holds a 16-digit id of the key: states made with
 * other keys do not merge (dq_partial_check).  A profile merged from
 * shown states (not finished) is saved as it is, by either function.
 */
cJSON *dq_partial_save_shown(const struct dq_profile *p, const void *key,
			     size_t keylen);

/* May s (loaded) be merged into d (built from the states loaded before;
 * empty for the first)?  0, or -1 when one is a shown state and the other
 * not, their keys differ, or a field is sensitive in one and not in the
 * other. */
int dq_partial_check(const struct dq_profile *d, const struct dq_profile *s);

/* After the last merge of shown states into p: the top values become
 * their shown forms (the tokens were for the merge). */
void dq_partial_finish(struct dq_profile *p);

/*
 * Load the partial state doc (borrowed) into p, which is initialized and
 * empty; its caps are kept (the sample keeps at most caps.sample rows).
 * 0, or -1 when doc is not a partial state that dq_partial_save could
 * have written (no message: the caller names the file).  After -1, p holds
 * part of the state: release it.
 */
int dq_partial_load(struct dq_profile *p, const cJSON *doc);

#endif
