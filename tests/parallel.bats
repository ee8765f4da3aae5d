#!/usr/bin/env bats
# scripts/dq-parallel as one process would do it: NDJSON only, every chunk
# read as NDJSON (a chunk that starts with a bad line rejects it), a BOM
# only at the start of the file, and a prompt stop on SIGTERM.
bats_require_minimum_version 1.5.0
load helpers

P=$BATS_TEST_DIRNAME/../scripts/dq-parallel

setup() {
	cd "$BATS_TEST_TMPDIR"
}

@test "dq-parallel: CSV input is refused, not cut into headerless chunks" {
	dq gen -n 500 --seed 3 >p.ndjson
	run -0 dq csv p.ndjson
	printf '%s\n' "$output" >p.csv
	run -2 --separate-stderr "$P" --bin "$DQ_BIN" -n 100 normalize <p.csv
	[ -z "$output" ]
	[[ $stderr == "dq-parallel: the input does not start with a JSON object or array"* ]]
}

@test "dq-parallel: a chunk that starts with a bad line rejects it, as one process does" {
	printf '{"a":1}\n{"a":2}\nhello\n{"a":3}\n{"a":4}\n{"a":5}\n' >in
	run -1 "$P" --bin "$DQ_BIN" -n 2 --rejects pr --summary ps normalize --no-lineage <in
	assert_output $'{"a":1}\n{"a":2}\n{"a":3}\n{"a":4}\n{"a":5}'
	run -1 dq normalize --no-lineage --rejects sr --summary ss in
	run -0 jq -c '[.line, .raw, .reason]' pr
	assert_output '[3,"hello","not a JSON object"]'
	cmp <(jq -c 'del(.byte, .file)' pr) <(jq -c 'del(.byte, .file)' sr)
	run -0 jq -c '.counts | [.in, .out, .rejected]' ps
	assert_output "[6,5,1]"
}

@test "dq-parallel: a BOM at a chunk's start is data, as in one process" {
	printf '{"a":1}\n{"a":2}\n\xef\xbb\xbf{"a":3}\n' >in
	run -1 "$P" --bin "$DQ_BIN" -n 2 --rejects pr normalize --no-lineage <in
	assert_output $'{"a":1}\n{"a":2}'
	run -1 --separate-stderr dq normalize --no-lineage --rejects sr in
	assert_output $'{"a":1}\n{"a":2}'
	cmp <(jq -c 'del(.byte, .file)' pr) <(jq -c 'del(.byte, .file)' sr)
	# At the very start of the file it is a BOM, dropped.
	printf '\xef\xbb\xbf{"a":1}\n{"a":2}\n' >in2
	run -0 "$P" --bin "$DQ_BIN" -n 1 normalize --no-lineage <in2
	assert_output $'{"a":1}\n{"a":2}'
}

@test "dq-parallel: SIGTERM stops the run at once with exit 2, writing nothing" {
	mkfifo in
	echo GOOD >ps
	"$P" --bin "$DQ_BIN" -j 2 -n 10 --summary ps normalize <in >out 2>err &
	local pid=$!
	exec 7>in
	dq gen -n 200 --seed 1 >&7
	sleep 1
	local t0=$SECONDS rc=0
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	exec 7>&-
	[ "$rc" -eq 2 ]
	[ $((SECONDS - t0)) -le 5 ]
	run -0 cat ps
	assert_output GOOD
}
