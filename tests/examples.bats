#!/usr/bin/env bats
# The bundled examples: run each as its Makefile says and compare with the
# expected outputs checked in beside it.

load helpers

@test "volunteers: normalize output and rejects match expected/" {
	cp -r "$BATS_TEST_DIRNAME/../examples/volunteers" "$BATS_TEST_TMPDIR/v"
	rm -rf "$BATS_TEST_TMPDIR/v/out"
	run -0 make -s -C "$BATS_TEST_TMPDIR/v" check DQ_BIN="$DQ_BIN"
}

@test "volunteers: make demo prints what it found" {
	cp -r "$BATS_TEST_DIRNAME/../examples/volunteers" "$BATS_TEST_TMPDIR/v"
	rm -rf "$BATS_TEST_TMPDIR/v/out"
	run -0 make -s -C "$BATS_TEST_TMPDIR/v" demo DQ_BIN="$DQ_BIN"
	assert_line "records in: 10, out: 9, rejected: 1"
	assert_line --partial "line 12: row has 4 fields, header has 11"
	assert_line --regexp "line 6 V005: .*dob"
}

@test "attendance: violations, score and records match expected/" {
	cp -r "$BATS_TEST_DIRNAME/../examples/attendance" "$BATS_TEST_TMPDIR/a"
	rm -rf "$BATS_TEST_TMPDIR/a/out"
	run -0 make -s -C "$BATS_TEST_TMPDIR/a" check DQ_BIN="$DQ_BIN"
}

@test "attendance: the grouped rules find S02 and S03; the gate fails with 1" {
	cp -r "$BATS_TEST_DIRNAME/../examples/attendance" "$BATS_TEST_TMPDIR/a"
	rm -rf "$BATS_TEST_TMPDIR/a/out"
	run -0 make -s -C "$BATS_TEST_TMPDIR/a" demo DQ_BIN="$DQ_BIN"
	assert_line "score 50/100, passed: false; 40 rows"
	assert_line "  S02 2026-T1 GRP-701 [warn]: chronic absence: refer to the attendance officer"
	assert_line "  S03 2026-T1 GRP-701 [warn]: chronic absence: refer to the attendance officer"
	assert_line "  S02 GRP-702 [warn]: call home"
	refute_line --partial "S01"
	run -2 make -s -C "$BATS_TEST_TMPDIR/a" gate DQ_BIN="$DQ_BIN"
	assert_output --partial "Error 1"
}

@test "contracts: merged layers and per-environment summaries match expected/" {
	cp -r "$BATS_TEST_DIRNAME/../examples/contracts" "$BATS_TEST_TMPDIR/c"
	rm -rf "$BATS_TEST_TMPDIR/c/out"
	run -0 make -s -C "$BATS_TEST_TMPDIR/c" check DQ_BIN="$DQ_BIN"
	run -0 jq -c '[.fields.id.unique, .fields.phone.severity, .score.pass_mark]' "$BATS_TEST_TMPDIR/c/out/merged-prod.json"
	assert_output '[true,"error",90]'
	run -0 jq -c '[.fields.id.unique, .fields.phone.severity, .score.pass_mark]' "$BATS_TEST_TMPDIR/c/out/merged-dev.json"
	assert_output '[false,"warn",50]'
	run -0 make -s -C "$BATS_TEST_TMPDIR/c" gate ENV=dev DQ_BIN="$DQ_BIN"
	run -2 make -s -C "$BATS_TEST_TMPDIR/c" gate ENV=prod DQ_BIN="$DQ_BIN"
}

@test "--print-contract: layers and --set merged; checksum on stderr; unknown keys refused" {
	cd "$BATS_TEST_DIRNAME/../examples/contracts"
	run -0 --separate-stderr dq validate -c people.json -c prod.json --set score.pass_mark=95 --print-contract
	run -0 jq -c '.score' <<<"$output"
	assert_output '{"pass_mark":95}'
	run -0 dq validate -c people.json -c prod.json --print-contract
	assert_line "contract_version f0f31af6a79b8b70"
	run -2 dq validate -c people.json --set score.pass_mar=95 --print-contract
	assert_output --partial "pass_mar"
}

@test "integrity-monitor: issues by rule and by record, and metrics, match expected/" {
	cp -r "$BATS_TEST_DIRNAME/../examples/integrity-monitor" "$BATS_TEST_TMPDIR/i"
	rm -rf "$BATS_TEST_TMPDIR/i/out"
	run -0 make -s -C "$BATS_TEST_TMPDIR/i" check DQ_BIN="$DQ_BIN"
	run -0 make -s -C "$BATS_TEST_TMPDIR/i" demo DQ_BIN="$DQ_BIN"
	assert_line "  recE5q8: FMT-101, LNK-401"
	assert_line "  recD4p2: DUP-601"
	assert_line "  recH8t3: LNK-402"
	refute_line --partial "recA1x9"
}
