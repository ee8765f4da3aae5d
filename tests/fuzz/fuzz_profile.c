/*
 * fuzz_profile.c - libFuzzer entry point for the profile merger
 * (dq-profile --merge), through lib/profile's API.
 *
 * The input is one or two partial states (split at the first NUL byte),
 * as `dq-profile --partial` writes them; each is loaded (dq_partial_load
 * rejects what is not a partial state) and merged into one profile,
 * which is then saved, written as the profile document and as the text
 * table.  The saved state of the merge must load again: --merge output
 * fed to a later --merge must always work.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profile/doc.h"
#include "profile/partial.h"
#include "profile/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
exercise(struct dq_profile *p)
{
	cJSON *doc = dq_partial_save(p);
	char *s = cJSON_PrintUnformatted(doc);
	struct dq_profile again;
	struct dq_buf b = DQ_BUF_INIT;

	cJSON_Delete(doc);
	doc = cJSON_Parse(s);
	dq_profile_init(&again, NULL);
	if (!doc || dq_partial_load(&again, doc))
		abort();
	dq_profile_release(&again);
	cJSON_Delete(doc);
	cJSON_free(s);
	doc = dq_doc_profile(p);
	s = cJSON_PrintUnformatted(doc);
	cJSON_free(s);
	cJSON_Delete(doc);
	dq_doc_text(p, NULL, &b);
	dq_buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dq_profile all, part;
	const uint8_t *nul = memchr(data, 0, size);
	size_t n1 = nul ? (size_t)(nul - data) : size;
	const char *parts[2];
	size_t lens[2];
	int np = 1, ok = 1;

	parts[0] = (const char *)data;
	lens[0] = n1;
	if (nul) {
		parts[1] = (const char *)nul + 1;
		lens[1] = size - n1 - 1;
		np = 2;
	}
	dq_profile_init(&all, NULL);
	for (int i = 0; i < np && ok; i++) {
		cJSON *doc = cJSON_ParseWithLength(parts[i], lens[i]);
		dq_profile_init(&part, NULL);
		if (!doc || dq_partial_load(&part, doc))
			ok = 0;
		else
			dq_profile_merge(&all, &part);
		dq_profile_release(&part);
		cJSON_Delete(doc);
	}
	if (ok)
		exercise(&all);
	dq_profile_release(&all);
	return 0;
}
