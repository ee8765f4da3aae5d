#!/usr/bin/env bats
# The limits: huge lines, wide objects, deep nesting, ten million keys,
# under a memory cap (ulimit -v, in KiB).  Each either works within the
# stated memory or stops with exit 2 and a message naming what ran out.
# Slow (about two minutes) and needing a plain build (ASan reserves more
# address space than any cap), so not part of make check: run
#   make limits            (bin/)
#   DQ_BIN=DIR bats tests/limits/limits.bats
# The figures in docs/reliability.md come from these inputs.
load ../helpers

setup_file() {
	local d=$BATS_FILE_TMPDIR
	# One record with a 100 MiB string, then a small one.
	python3 -c '
import sys
w = sys.stdout.write
w("{\"id\":\"big\",\"note\":\"" + "x" * (100 << 20) + "\"}\n")
w("{\"id\":\"after\"}\n")' >"$d/line100m"
	# One object with a million members.
	python3 -c '
import sys
sys.stdout.write("{\"id\":\"wide\"," + ",".join(
    "\"f%d\":%d" % (i, i) for i in range(1000000)) + "}\n{\"id\":\"after\"}\n")' \
		>"$d/wide"
	# 100 000 nested arrays.
	python3 -c '
import sys
sys.stdout.write("{\"id\":\"deep\",\"a\":" + "[" * 100000 + "]" * 100000 +
                 "}\n{\"id\":\"after\"}\n")' >"$d/deep"
}

# capped KIB CMD...: run CMD under ulimit -v KIB, its stdout into
# $BATS_TEST_TMPDIR/out (never into Bats's memory).
capped() {
	local kib=$1
	shift
	(ulimit -v "$kib" && exec "$@" >"$BATS_TEST_TMPDIR/out")
}

@test "a 100 MiB line: dq-validate within 300 MB, output byte for byte" {
	run -0 capped 300000 "$DQ_BIN/dq-validate" --require id \
		"$BATS_FILE_TMPDIR/line100m"
	cmp "$BATS_TEST_TMPDIR/out" "$BATS_FILE_TMPDIR/line100m"
}

@test "a 100 MiB line: dq-normalize within 400 MB with 1, 2 or 8 workers" {
	# A huge line is not copied per worker (lib/cli/par.c): the memory
	# is one thread's whatever -j says.
	for j in 1 2 8; do
		capped 400000 "$DQ_BIN/dq-normalize" -j "$j" \
			"$BATS_FILE_TMPDIR/line100m"
		[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -eq 2 ]
		[ "$(wc -c <"$BATS_TEST_TMPDIR/out")" -gt 104857600 ]
	done
}

@test "a 100 MiB line: dq-profile within 2.5 GB; under 1 GB exit 2 naming the size" {
	capped 2500000 "$DQ_BIN/dq-profile" "$BATS_FILE_TMPDIR/line100m"
	run -0 jq -c '[.rows, .statisticalSummary.note.length.max]' \
		"$BATS_TEST_TMPDIR/out"
	[ "$output" = "[2,104857600]" ]
	run -2 capped 1000000 "$DQ_BIN/dq-profile" \
		"$BATS_FILE_TMPDIR/line100m"
	[[ $output == "dq-profile: out of memory (allocating "*" bytes)" ]]
}

@test "a million members in one object: every program within 250 MB" {
	run -0 capped 250000 "$DQ_BIN/dq-validate" --require id \
		"$BATS_FILE_TMPDIR/wide"
	capped 250000 "$DQ_BIN/dq-normalize" "$BATS_FILE_TMPDIR/wide"
	run -0 jq -c '[(.|length), .f999999]' "$BATS_TEST_TMPDIR/out"
	[ "${lines[0]}" = "[1000002,999999]" ]
	# dq-profile profiles the first 1024 field names and counts the rest.
	capped 250000 "$DQ_BIN/dq-profile" "$BATS_FILE_TMPDIR/wide"
	run -0 jq -c '[.rows, .fields, .unprofiledValues]' \
		"$BATS_TEST_TMPDIR/out"
	[ "$output" = "[2,1024,998977]" ]
}

@test "a million members under 150 MB: exit 2 naming the size, no crash" {
	run -2 capped 150000 "$DQ_BIN/dq-validate" --require id \
		"$BATS_FILE_TMPDIR/wide"
	[[ $output == "dq-validate: out of memory (allocating "*" bytes)" ]]
}

@test "nesting 100 000 deep: rejected as 'nesting too deep' within 100 MB, next record kept" {
	local p
	for p in normalize validate profile; do
		run -1 capped 100000 "$DQ_BIN/dq-$p" --rejects \
			"$BATS_TEST_TMPDIR/rej-$p" "$BATS_FILE_TMPDIR/deep"
		run -0 jq -r '[.line, .reason] | @tsv' "$BATS_TEST_TMPDIR/rej-$p"
		[ "$output" = "1	nesting too deep" ]
	done
}

@test "10 million distinct keys: dq-validate --unique within 500 MB; exit 2 under 200 MB" {
	local f=$BATS_FILE_TMPDIR/keys
	awk 'BEGIN { for (i = 1; i <= 10000000; i++)
		printf "{\"id\":\"k%08d\",\"v\":%d}\n", i, i % 1000 }' >"$f"
	printf '{"id":"k00000007","v":0}\n' >>"$f"
	run -1 capped 500000 "$DQ_BIN/dq-validate" --unique id \
		--summary "$BATS_TEST_TMPDIR/sum" --quarantine \
		"$BATS_TEST_TMPDIR/q" "$f"
	run -0 jq -c '.counts | [.in, .out, .quarantined]' "$BATS_TEST_TMPDIR/sum"
	[ "$output" = "[10000001,10000000,1]" ]
	run -2 capped 200000 "$DQ_BIN/dq-validate" --unique id "$f"
	[[ $output == "dq-validate: out of memory (allocating "*" bytes)" ]]
	# dq-profile keeps sketches only: ten million rows within 100 MB.
	capped 100000 "$DQ_BIN/dq-profile" "$f"
	run -0 jq -c '[.rows, .uniquenessOverview.id.distinctExact]' \
		"$BATS_TEST_TMPDIR/out"
	[ "$output" = "[10000001,false]" ]
}
