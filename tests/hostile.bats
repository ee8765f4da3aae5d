#!/usr/bin/env bats
# Hostile input: file names that a careless script would evaluate, and
# the inputs the fuzzers found (tests/fuzz/regress/) run through the
# programs themselves.  (CSV formula injection belongs to a CSV exporter,
# which dq does not have yet.)
load helpers

# A directory name with spaces, both quotes, a command substitution, a
# back-quoted command and JavaScript that writes a file if evaluated.
HOSTILE='we ird "q" $(touch pwned1) `touch pwned2` '"'"'+require("fs").writeFileSync("pwned3","")+'"'"

setup() {
	cd "$BATS_TEST_TMPDIR"
}

@test "every program takes operands and option files with hostile names" {
	local d=$BATS_TEST_TMPDIR/$HOSTILE p
	mkdir -p "$d"
	printf '{"id":1,"email":"a@b.example"}\nnot json\n' >"$d/in put.ndjson"
	for p in normalize validate profile; do
		run -1 dq "$p" --summary "$d/sum $p" --rejects "$d/rej $p" \
			"$d/in put.ndjson"
		[[ $output == *"see $d/rej $p"* ]]
		run -0 jq -r '.file' "$d/rej $p"
		[ "$output" = "$d/in put.ndjson" ]
		run -0 jq -c '.counts | [.in, .rejected]' "$d/sum $p"
		[ "$output" = "[2,1]" ]
	done
	run -2 dq validate --require id "$d/missing \$(touch pwned4)"
	[ "$output" = "dq-validate: $d/missing \$(touch pwned4): No such file or directory" ]
	# (One test per line: Bats only sees a failure that ends a line.)
	[ ! -e pwned1 ]
	[ ! -e pwned2 ]
	[ ! -e pwned3 ]
	[ ! -e pwned4 ]
	[ ! -e "$d/pwned1" ]
}

@test "scripts/bench with hostile BENCH_DIR, DQ_BIN and TMPDIR evaluates nothing" {
	local d=$BATS_TEST_TMPDIR/$HOSTILE
	mkdir -p "$d/bin" "$d/tmp" "$d/data/ajv/node_modules/ajv" \
		"$d/data/ajv/node_modules/ajv-formats"
	cp "$DQ_BIN"/dq-* "$d/bin/"
	# Stand-ins, so that no package is installed: the Ajv row fails
	# (there is no module code), after its version has been read.
	echo '{"version":"9.9.9-stand-in"}' \
		>"$d/data/ajv/node_modules/ajv/package.json"
	echo '{"version":"0"}' \
		>"$d/data/ajv/node_modules/ajv-formats/package.json"
	BENCH_ROWS=200 BENCH_DIR="$d/data" DQ_BIN="$d/bin" TMPDIR="$d/tmp" \
		run -0 "$BATS_TEST_DIRNAME/../scripts/bench"
	# The table's column widths change as jobs are added: match loosely.
	grep -E -q '^\| pass-through +\| dq-normalize[ -j0-9]*\| +[0-9.]+ \|' \
		<<<"$output"
	if command -v node >/dev/null; then
		grep -E -q '\| ajv 9\.9\.9-stand-in +\| +failed \(exit 1\)' \
			<<<"$output"
	fi
	[ -s "$d/data/people-200.ndjson" ]
	[ ! -e pwned1 ]
	[ ! -e pwned2 ]
	[ ! -e pwned3 ]
	# scripts/bench works from the top of the repository.
	[ ! -e "$BATS_TEST_DIRNAME/../pwned3" ]
	# Its scratch directory is gone.
	[ -z "$(ls -A "$d/tmp")" ]
}

@test "fuzz regression: dq-profile --merge of a state whose sample row is not JSON" {
	run -0 dq profile --merge \
		"$BATS_TEST_DIRNAME/fuzz/regress/profile/bad-sample-row"
	run -0 jq -c '[.rows, (.sampleData.rows | length)]' <<<"$output"
	# Five rows were seen; the sample row that is not a record is left out.
	[ "$output" = "[5,4]" ]
}

@test "fuzz regression: dq-profile --merge refuses a count of 3.9e119" {
	local f=$BATS_TEST_DIRNAME/fuzz/regress/profile/count-too-big
	run -2 dq profile --merge "$f"
	[ "$output" = "dq-profile: $f: not a dq-profile partial state (made with --partial)" ]
}

@test "fuzz regression: dq-profile --merge refuses a kind count of 5.4e30" {
	local f=$BATS_TEST_DIRNAME/fuzz/regress/profile/kind-count-too-big
	run -2 dq profile --merge "$f"
	[ "$output" = "dq-profile: $f: not a dq-profile partial state (made with --partial)" ]
	# The same state with the count it had is merged.
	sed 's/5\.44444e30/2/' "$f" >ok.json
	run -0 dq profile --merge ok.json
	run -0 jq -c '.typeFormatIssues.id.types' <<<"$output"
	[ "$output" = '{"integer":2}' ]
}

@test "fuzz regression: dq-profile --merge refuses a moment of 1e999 (infinite: its saved state would not load)" {
	local f=$BATS_TEST_DIRNAME/fuzz/regress/profile/infinite-mean
	run -2 dq profile --merge "$f"
	[ "$output" = "dq-profile: $f: not a dq-profile partial state (made with --partial)" ]
	sed 's/1e999/30/' "$f" >ok.json
	run -0 dq profile --merge ok.json
	run -0 jq -c '.statisticalSummary.age.mean' <<<"$output"
	[ "$output" = 30 ]
	f=$BATS_TEST_DIRNAME/fuzz/regress/profile/infinite-sum-fuzzed
	run -2 dq profile --merge "$f"
}

@test "a contract value one program would refuse is refused by every program, at load" {
	printf '{"id":"1","a":"x"}\n' >in.ndjson
	echo '{"fields":{"a":{"type":"strnig"}}}' >type.json
	echo '{"fields":{"a":{"required":"yes"}}}' >req.json
	echo '{"fields":{"a":{"min":5,"max":1}}}' >range.json
	echo '{"fields":{"a":{"min_length":5,"max_length":1}}}' >len.json
	echo '{"fields":{"a":{"reference":{"file":"absent.ndjson","key":"id"}}}}' >ref.json
	# A bound relative to the day is the rule's business, not an error.
	echo '{"fields":{"a":{"type":"date","min":"2999-01-01","max":"today"}}}' >rel.json
	local p c
	for p in normalize validate profile block score merge; do
		for c in type req range len ref; do
			run -2 --separate-stderr dq "$p" -c "$c.json" in.ndjson
			assert_output ""
		done
		run -2 --separate-stderr dq "$p" -c type.json in.ndjson
		assert_equal "$stderr" "dq-$p: contract: fields.a.type: unknown type"
		run -2 --separate-stderr dq "$p" -c range.json in.ndjson
		assert_equal "$stderr" "dq-$p: contract: fields.a: min is above max: no value can pass"
		run -2 --separate-stderr dq "$p" -c len.json in.ndjson
		assert_equal "$stderr" "dq-$p: contract: fields.a: min_length is above max_length: no value can pass"
		run -2 --separate-stderr dq "$p" -c ref.json in.ndjson
		assert_equal "$stderr" "dq-$p: absent.ndjson: No such file or directory
dq-$p: contract: fields.a: cannot read the reference file"
	done
	run -0 --separate-stderr dq normalize -c rel.json in.ndjson
	mkdir cdir
	run -2 --separate-stderr dq validate -c cdir in.ndjson
	assert_equal "$stderr" "dq-validate: cdir: Is a directory"
}
