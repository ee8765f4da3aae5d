/*
 * fuzz_contract.c - libFuzzer entry point for the contract loader
 * (lib/contract/contract.c).
 *
 * The input is split at its first NUL byte: the part before is a contract
 * file, written to a temporary file because dq_contract_load() reads
 * files; the part after, if any, is one --set PATH=VALUE.  Loading must
 * either succeed, giving a 16-hex-digit checksum, or fail with -1; and a
 * loaded contract must load again to the same checksum.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "contract/contract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dq_contract c, c2;
	const uint8_t *nul = memchr(data, 0, size);
	size_t flen = nul ? (size_t)(nul - data) : size;
	char *set = NULL;
	char *files[1];
	FILE *f;
	int rc;

	if (!path[0]) {
		snprintf(path, sizeof(path), "/tmp/dq-fuzz-contract.%ld.json",
			 (long)getpid());
	}
	f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(data, 1, flen, f);
	fclose(f);
	files[0] = path;
	if (nul) {
		set = malloc(size - flen);
		memcpy(set, nul + 1, size - flen - 1);
		set[size - flen - 1] = '\0';
	}
	dq_contract_init(&c);
	rc = dq_contract_load(&c, files, 1, &set, set ? 1 : 0);
	if (rc == 0) {
		if (strlen(c.checksum) != 16)
			abort();
		dq_contract_init(&c2);
		if (dq_contract_load(&c2, files, 1, &set, set ? 1 : 0) != 0 ||
		    strcmp(c.checksum, c2.checksum))
			abort();
		dq_contract_release(&c2);
	} else if (rc != -1) {
		abort();
	}
	dq_contract_release(&c);
	free(set);
	return 0;
}
