/*
 * fuzz_profile.c - libFuzzer entry point for the profile merger
 * (dq-profile --merge).
 *
 * The merger lives in tools/dq-profile.c as static functions; rather than
 * move them into lib/ for the fuzzer's sake, this file includes the
 * program's source with its main() renamed, so the fuzzer runs exactly
 * the code the program runs.  The input is one or two partial states
 * (split at the first NUL byte), as `dq-profile --partial` writes them;
 * each is loaded (profile_load rejects what is not a partial state) and
 * merged into one profile, which is then saved, written as the profile
 * document and as the text table.  The saved state of the merge must load
 * again: --merge output fed to a later --merge must always work.
 */
#define main dq_profile_main
#include "../../tools/dq-profile.c"
#undef main

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
exercise(struct profile *p)
{
	cJSON *doc = profile_save(p);
	char *s = cJSON_PrintUnformatted(doc);
	struct profile again;
	struct dq_buf b = DQ_BUF_INIT;

	cJSON_Delete(doc);
	doc = cJSON_Parse(s);
	profile_init(&again);
	if (!doc || profile_load(&again, doc))
		abort();
	profile_release(&again);
	cJSON_Delete(doc);
	cJSON_free(s);
	doc = profile_document(p);
	s = cJSON_PrintUnformatted(doc);
	cJSON_free(s);
	cJSON_Delete(doc);
	profile_text(p, &b);
	dq_buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile all, part;
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
	profile_init(&all);
	for (int i = 0; i < np && ok; i++) {
		cJSON *doc = cJSON_ParseWithLength(parts[i], lens[i]);
		profile_init(&part);
		if (!doc || profile_load(&part, doc))
			ok = 0;
		else
			profile_merge(&all, &part);
		profile_release(&part);
		cJSON_Delete(doc);
	}
	if (ok)
		exercise(&all);
	profile_release(&all);
	return 0;
}
