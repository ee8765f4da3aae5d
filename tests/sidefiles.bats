#!/usr/bin/env bats
# Output files are replaced only when a run completes (lib/stream/out.c):
# a usage or contract error, a signal or a failed write leaves the
# previous file whole and no temporary behind; an output that is an input,
# or two outputs on one path, are refused before anything is written.
bats_require_minimum_version 1.5.0
load helpers

C=$BATS_TEST_DIRNAME/fixtures/reliability/people.json

setup() {
	cd "$BATS_TEST_TMPDIR"
	dq gen -n 300 --seed 5 >data.ndjson
	printf 'not json\n' >>data.ndjson
	echo GOOD >r.ndjson
	echo GOOD >q.ndjson
	echo GOOD >s.json
}

# no_temps: no temporary output file is left in the directory.
no_temps() {
	run -0 find . -name '.*.dq-*'
	assert_output ""
}

@test "a usage or contract error leaves the existing side files as they were" {
	run -2 dq validate --rejects r.ndjson --pattern 'id=([a' data.ndjson
	run -2 dq validate --rejects r.ndjson --range 'x=9..1..' data.ndjson
	printf '{"fields":' >bad.json
	run -2 dq validate -c bad.json --rejects r.ndjson --quarantine q.ndjson data.ndjson
	run -2 dq normalize --rejects r.ndjson --phone x:ZZ data.ndjson
	run -2 dq block --rejects r.ndjson --rule x:nosuchfn data.ndjson
	run -2 dq score --rejects r.ndjson --model no-such-model.json data.ndjson
	run -2 dq profile --rejects r.ndjson --baseline no-such-base.json data.ndjson
	run -0 cat r.ndjson q.ndjson
	assert_output $'GOOD\nGOOD'
	no_temps
}

@test "a complete run replaces the side files, keeping an existing file's mode" {
	chmod 640 r.ndjson
	run -1 dq validate -c "$C" --rejects r.ndjson --quarantine q.ndjson \
		--summary s.json data.ndjson
	run -0 jq -r .raw r.ndjson
	assert_output "not json"
	run -0 jq -r .tool s.json
	assert_output dq-validate
	run -0 stat -c %a r.ndjson
	assert_output 640
	no_temps
}

@test "an output that is an input is refused, and the input is kept" {
	cp data.ndjson x.ndjson
	run -2 --separate-stderr dq normalize --rejects x.ndjson x.ndjson
	assert_equal "$stderr" "dq-normalize: x.ndjson: is also an input: writing it would destroy what is being read"
	cmp data.ndjson x.ndjson
	ln -s x.ndjson y.ndjson
	run -2 --separate-stderr dq validate -c "$C" --quarantine ./y.ndjson x.ndjson
	assert_equal "$stderr" "dq-validate: ./y.ndjson: is the input x.ndjson under another name: writing it would destroy what is being read"
	run -2 dq validate -c "$C" --summary x.ndjson x.ndjson
	cmp data.ndjson x.ndjson
	no_temps
}

@test "two outputs on one path are refused" {
	run -2 --separate-stderr dq validate -c "$C" --rejects same --quarantine same data.ndjson
	assert_equal "$stderr" "dq-validate: same: named as two outputs: give each its own file"
	run -2 --separate-stderr dq validate -c "$C" --rejects same --quarantine ./same data.ndjson
	assert_equal "$stderr" "dq-validate: same and ./same are one file: give each output its own"
	[ ! -e same ]
	no_temps
}

@test "SIGTERM mid-run: the previous side files are whole, no temporary is left, status 143" {
	mkfifo in
	"$DQ_BIN/dq-validate" -c "$C" --rejects r.ndjson --quarantine q.ndjson \
		--summary s.json in >out.ndjson 2>err &
	local pid=$!
	exec 7>in
	head -n 200 data.ndjson >&7
	printf 'garbage\n' >&7
	sleep 0.5
	kill -TERM "$pid"
	local rc=0
	wait "$pid" || rc=$?
	exec 7>&-
	[ "$rc" -eq 143 ]
	run -0 cat r.ndjson q.ndjson s.json
	assert_output $'GOOD\nGOOD\nGOOD'
	no_temps
}

@test "a summary that cannot be written keeps the previous one and the other files" {
	# A directory in the summary's place: the rename fails at the end.
	mkdir sdir
	run -2 dq validate -c "$C" --rejects r.ndjson --summary sdir data.ndjson
	run -0 cat r.ndjson
	assert_output GOOD
	no_temps
}

@test "a side file behind a symbolic link, or /dev/stdout, is written in place: the link stays a link" {
	ln -s r.ndjson link
	run -1 dq validate -c "$C" --rejects link data.ndjson
	[ -L link ]
	run -0 jq -r .raw r.ndjson
	assert_output "not json"
	# stdout and --rejects /dev/stdout into one file: both are there.
	run -0 sh -c '"$1" --ndjson -q --rejects /dev/stdout --no-lineage data.ndjson >both; echo $?' sh "$DQ_BIN/dq-normalize"
	assert_output 1
	run -0 grep -c '"reason":' both
	assert_output 1
	run -0 grep -c '^{"id"' both
	assert_output 300
	no_temps
}
