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
