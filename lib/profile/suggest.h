/*
 * suggest.h - a starter contract from a profile (dq-profile --suggest;
 * the rules are in suggest.c and docs/profile.md).
 */
#ifndef DQ_SUGGEST_H
#define DQ_SUGGEST_H

#include <cjson/cJSON.h>

#include "profile/profile.h"

/* The contract suggested by p (flushed; its top summaries are sorted in
 * place), new: {"description", "fields"}.  The caller frees it with
 * cJSON_Delete. */
cJSON *dq_suggest_contract(struct dq_profile *p);

#endif
