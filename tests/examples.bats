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
