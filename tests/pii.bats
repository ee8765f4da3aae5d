#!/usr/bin/env bats
# Sensitive fields (lib/contract/pii.c, docs/contract.md "Sensitive
# fields"): marked in the contract, never echoed by any program.
load helpers

setup() {
	cd "$BATS_TEST_DIRNAME/.." && ROOT=$PWD
	cd "$BATS_TEST_TMPDIR"
	export DQ_PII_KEY=test-key
}

@test "pii in the contract: true, a policy or a glob list is accepted; a bad policy, a bad glob list and hash without its key are errors" {
	printf '{"id":1,"ssn":"123-45-6789"}\n' >in.ndjson
	printf '{"fields":{"ssn":{"pii":true}},"pii":{"names":{"*dob*":"hash"},"key_env":"K"}}\n' >c.json
	K=x run -0 dq validate -q -c c.json in.ndjson
	assert_output '{"id":1,"ssn":"123-45-6789"}'
	run -2 dq validate -q -c c.json in.ndjson
	assert_output "dq-validate: contract: a field's pii is \"hash\" and the key's environment variable K is not set"
	printf '{"fields":{"ssn":{"pii":"secret"}}}\n' >bad.json
	run -2 dq validate -q -c bad.json in.ndjson
	assert_output "dq-validate: contract: 'fields.ssn.pii' must be true, false, \"mask\", \"hash\", \"drop\" or \"keep\""
	printf 'pii:\n  names: ["*ssn*"]\n' >bad.yaml
	run -2 dq validate -q -c bad.yaml in.ndjson
	assert_output "dq-validate: contract: 'pii.names' must be an object of globs and policies"
	printf 'fields:\n  ssn: {pii: mask}\npii:\n  names: {"*x*": keep}\n' >ok.yaml
	run -0 dq normalize -q -c ok.yaml in.ndjson
	assert_output '{"id":1,"ssn":"123-45-6789","_dq":{"row":1,"hash":"359cf4e8faf951db"}}'
}
