#!/usr/bin/env bats
# The shell scripts in scripts/: their help, their errors, and the results
# they promise.

load helpers

setup() {
	T=$BATS_TEST_TMPDIR
	S=$BATS_TEST_DIRNAME/../scripts
}

@test "dq-parallel --help reads like a man page" {
	run -0 "$S/dq-parallel" --help
	assert_line --index 0 "dq-parallel - run one dq step over every core, or several hosts, with GNU"
	assert_output --partial "Usage: dq-parallel [OPTIONS] STEP [STEP-ARGS...] < INPUT > OUTPUT"
	assert_output --partial "Hadoop Streaming"
}

@test "dq-parallel: usage errors exit 2 with a message" {
	run -2 "$S/dq-parallel" --bin "$DQ_BIN"
	assert_output "dq-parallel: no step given (see --help)"
	run -2 "$S/dq-parallel" --bin "$DQ_BIN" frobnicate
	assert_output --partial "unknown step 'frobnicate'"
	run -2 "$S/dq-parallel" --bin "$DQ_BIN" validate --unique id <<<'{"id":1}'
	assert_output --partial "rule 'UNIQ:id' (unique) needs the whole stream"
	run -2 "$S/dq-parallel" --bin "$DQ_BIN" --violations x normalize
	assert_output --partial "--quarantine and --violations are for the validate step"
	run -2 "$S/dq-parallel" --bin "$DQ_BIN" validate --quarantine x
	assert_output --partial "'--quarantine' is dq-parallel's own business"
	run -2 "$S/dq-parallel" --bin "$DQ_BIN" -n 0 normalize
	assert_output --partial "--records '0' is not a count"
	run -2 "$S/dq-parallel" --bin "$DQ_BIN" normalize --summary x
	assert_output --partial "'--summary' is dq-parallel's own business"
}

# Chunks of 700 records over 3 jobs: the output, the rejects' line numbers
# and the counts are those of one process.
@test "dq-parallel normalize: output, rejects and counts equal a single run's" {
	dq gen -n 5000 --seed 3 | awk 'NR % 1201 == 0 { print "{\"oops\"" } { print }' >"$T/in"
	run -1 "$S/dq-parallel" --bin "$DQ_BIN" -j 3 -n 700 --summary "$T/ps" --rejects "$T/pr" \
		normalize -c "$S/bench-contract.json" <"$T/in"
	printf '%s\n' "$output" >"$T/pout"
	run -1 dq normalize -q -c "$S/bench-contract.json" --summary "$T/ss" --rejects "$T/sr" <"$T/in"
	printf '%s\n' "$output" >"$T/sout"
	cmp "$T/pout" "$T/sout"
	run -0 jq -c '[.line, .raw]' "$T/pr"
	assert_output $'[1201,"{\\"oops\\""]\n[2403,"{\\"oops\\""]\n[3605,"{\\"oops\\""]\n[4807,"{\\"oops\\""]'
	run -0 jq -c '[.line, .raw]' "$T/sr"
	assert_output $'[1201,"{\\"oops\\""]\n[2403,"{\\"oops\\""]\n[3605,"{\\"oops\\""]\n[4807,"{\\"oops\\""]'
	run -0 jq -c '[.counts.in, .counts.out, .counts.rejected, .chunks, .exit_status]' "$T/ps"
	assert_output '[5004,5000,4,8,1]'
}

# Eight chunks of 700: the records, the quarantine, the violations file
# (set-level lines last), the rejects' lines and the whole summary --
# score, gate, per-rule tallies and examples -- are one process's.
@test "dq-parallel validate: every output and the summary equal a single run's" {
	export DQ_RUN_ID=par-1 DQ_TODAY=2024-05-01
	dq gen -n 5000 --seed 4 | awk 'NR % 1601 == 0 { print "[1]" } { print }' >"$T/in"
	cat >"$T/c.json" <<'EOF2'
{"fields": {"email": {"type": "email", "required": true},
            "dob": {"type": "date", "severity": "warn"},
            "score": {"type": "number", "min": 0, "max": 90},
            "state": {"enum": ["CA", "TX", "NY", "WA"]}},
 "rules": {"SET-501": {"check": "null_rate", "field": "email", "max": 0.01},
           "ROW-1": {"check": "row_count", "min": 5001},
           "INV-1": {"check": "invalid_rate", "field": "dob", "max": 0.9}}}
EOF2
	run -1 "$S/dq-parallel" --bin "$DQ_BIN" -j 3 -n 700 --summary "$T/ps" \
		--quarantine "$T/pq" --violations "$T/pv" --rejects "$T/pr" \
		validate -c "$T/c.json" --max-rejects 5 <"$T/in"
	printf '%s\n' "$output" >"$T/pout"
	run -1 dq validate -q -c "$T/c.json" --max-rejects 5 --summary "$T/ss" \
		--quarantine "$T/sq" --violations "$T/sv" --rejects "$T/sr" <"$T/in"
	printf '%s\n' "$output" >"$T/sout"
	cmp "$T/pout" "$T/sout"
	cmp "$T/pq" "$T/sq"
	cmp "$T/pv" "$T/sv"
	run -0 jq -c '[.line, .raw]' "$T/pr"
	assert_output $'[1601,"[1]"]\n[3203,"[1]"]\n[4805,"[1]"]'
	drop='del(.started, .ended, .duration_ms)'
	run -0 jq -S "$drop" "$T/ss"
	want=$output
	run -0 jq -S "$drop" "$T/ps"
	assert_output "$want"
	# What the comparison rests on: 5003 in, set-level rules decided on
	# the whole stream (row_count 5000 < 5001 fails), the gate failed.
	run -0 jq -c '[.counts.in, .counts.rejected, .passed, (.rules[] | select(.code == "ROW-1") | .measured)]' "$T/ps"
	assert_output '[5003,3,false,5000]'
	run -0 grep -c '"code":"ROW-1"' "$T/pv"
	assert_output 1
}

@test "dq-parallel profile: exact figures of the merged partials equal a single run's" {
	dq gen -n 4000 --seed 5 >"$T/in"
	run -0 "$S/dq-parallel" --bin "$DQ_BIN" -j 2 -n 900 profile <"$T/in"
	printf '%s\n' "$output" >"$T/p"
	dq profile -q <"$T/in" >"$T/s"
	exact='[.rows, .fields, (.completenessOverview | tostring), (.statisticalSummary | map({field, count, min, max}) | tostring)]'
	run -0 jq -c "$exact" "$T/p"
	want=$output
	run -0 jq -c "$exact" "$T/s"
	assert_output "$want"
	run -0 jq -c '.rows' "$T/p"
	assert_output 4000
}

@test "dq-parallel passes arguments without evaluating them" {
	mkdir -p "$T/a dir \$(touch pwned)"
	cp "$S/bench-contract.json" "$T/a dir \$(touch pwned)/c'1.json"
	printf '{"id":1,"first_name":"  ann "}\n' >"$T/in"
	cd "$T"
	run -0 "$S/dq-parallel" --bin "$DQ_BIN" normalize --no-lineage \
		-c "$T/a dir \$(touch pwned)/c'1.json" --set 'name=$(touch pwned2)' <"$T/in"
	assert_output '{"id":1,"first_name":"Ann"}'
	[ ! -e pwned ] && [ ! -e pwned2 ]
}

@test "dq-dedupe --help, and usage errors exit 2" {
	run -0 "$S/dq-dedupe" --help
	assert_line --index 0 "dq-dedupe - find the people who are the same person and write one golden"
	run -2 "$S/dq-dedupe" --bin "$DQ_BIN" in.csv
	assert_output --partial "no contract"
	run -2 "$S/dq-dedupe" --bin "$DQ_BIN" -c x.json
	assert_output --partial "give one input file"
	run -2 "$S/dq-dedupe" --bin "$DQ_BIN" -c x.json "$T/missing"
	assert_output --partial "cannot read"
}

# The volunteers example through the script: the same golden records,
# map and review queue as the example's own Makefile (expected/).
@test "dq-dedupe: normalize | block | score | merge on the volunteers export" {
	ex=$BATS_TEST_DIRNAME/../examples/volunteers
	cd "$ex"
	run -0 "$S/dq-dedupe" --bin "$DQ_BIN" --max-rejects 1 -c volunteers.json \
		-o "$T/out dir" volunteers.csv
	assert_line "dq-dedupe: 13 records in, 1 rejected"
	assert_line "  match: 2, review: 2"
	assert_line "  golden records: 10 in $T/out dir/golden.ndjson"
	for f in golden map review; do
		cmp "$ex/expected/$f.ndjson" "$T/out dir/$f.ndjson"
	done
	# Every input id in exactly one golden record.
	run -0 jq -r '._dq.members[]' "$T/out dir/golden.ndjson"
	[ "$(sort <<<"$output" | uniq -d)" = "" ]
	[ "$(wc -l <<<"$output")" -eq 12 ]
	# Without --max-rejects the rejected row is a failed gate: exit 1,
	# every file still written.
	run -1 "$S/dq-dedupe" --bin "$DQ_BIN" -q -c volunteers.json -o "$T/o2" volunteers.csv
	cmp "$ex/expected/golden.ndjson" "$T/o2/golden.ndjson"
}

@test "dq-dedupe: FEBRL with the default person contract finds the duplicates" {
	c=$BATS_TEST_DIRNAME/../examples/contracts
	febrl=${DQ_FEBRL:-$BATS_TEST_DIRNAME/../../shared/data/febrl}/dataset1.csv
	[ -r "$febrl" ] || skip "FEBRL data not found at $febrl (set DQ_FEBRL)"
	run -0 "$S/dq-dedupe" --bin "$DQ_BIN" -q -c "$c/person.json" -c "$c/febrl.json" \
		--delimiter ', ' -o "$T/f" "$febrl"
	run -0 "$S/dq-eval-clusters" "$T/f/map.ndjson"
	# 1000 records, 500 true pairs: precision and recall of the clusters.
	run -0 jq -e '.precision >= 0.99 and .recall >= 0.99 and .ids == 1000' <<<"$output"
}

@test "dq-audit --help, and usage errors exit 2" {
	run -0 "$S/dq-audit" --help
	assert_line --index 0 "dq-audit - the one-off audit of a file you were just sent: profile it,"
	run -2 "$S/dq-audit" --bin "$DQ_BIN"
	assert_output --partial "give one file"
	run -2 "$S/dq-audit" --bin "$DQ_BIN" "$T/missing"
	assert_output --partial "cannot read"
}

@test "dq-audit: problems found exit 1; a clean file exits 0; --json; -o keeps the files" {
	printf '%s\n' '{"id":1,"e":"a@b.com","n":5}' '{"id":2,"e":"x","n":7}' \
		'{"id":2,"e":"c@d.org","n":"?"}' 'not json' >"$T/in"
	run -1 "$S/dq-audit" --bin "$DQ_BIN" --json "$T/in"
	run -0 jq -c '[.rows, .fields, [.problems[] | [.kind, .field, .count]]]' <<<"$output"
	assert_output '[3,3,[["type","e",1],["type","n",1],["duplicate_id","id",null],["rejected",null,1]]]'
	printf '%s\n' '{"id":1,"e":"a@b.com"}' '{"id":2,"e":"c@d.org"}' >"$T/ok"
	run -0 "$S/dq-audit" --bin "$DQ_BIN" -o "$T/keep" "$T/ok"
	assert_line "== no problems found"
	assert_line "== validation: score 100/100, passed: true"
	# The suggestion loads in dq-validate and is a starting point.
	run -0 jq -c '.fields.e.type, .fields.id.unique' "$T/keep/contract.json"
	assert_output $'"email"\ntrue'
	# Against a contract of one's own: its rules decide.
	printf '{"fields":{"e":{"type":"email"},"id":{"min":2}}}\n' >"$T/mine.json"
	run -1 "$S/dq-audit" --bin "$DQ_BIN" -c "$T/mine.json" "$T/ok"
	assert_line "== validation: score 85/100, passed: true; error-level rules failed"
	assert_line "  RANGE:id id: 1 failure(s)"
}

@test "dq-audit --html FILE: the page of the audit's validation and profile" {
	printf '%s\n' '{"id":1,"e":"a@b.com","n":5}' '{"id":2,"e":"x","n":7}' \
		'{"id":3,"e":"c@d.org","n":9}' >"$T/in"
	printf '{"fields":{"e":{"type":"email"}}}\n' >"$T/mine.json"
	run -1 "$S/dq-audit" --bin "$DQ_BIN" -c "$T/mine.json" --html "$T/audit.html" "$T/in"
	assert_line "== report: $T/audit.html"
	# e: 1 of 3 not an email; the page has its rule, example and fields.
	run -0 grep -c '<title>dq-audit: '"$T"'/in</title>' "$T/audit.html"
	run -0 grep -c '<td>FMT:e</td><td>e</td><td>format</td><td>error</td><td class="n">3</td><td class="n">1</td><td class="n">33.3%</td>' "$T/audit.html"
	run -0 grep -c '<td><bdi>2</bdi></td><td>e</td><td><bdi>x</bdi></td>' "$T/audit.html"
	run -0 grep -c '3 records profiled, 3 fields' "$T/audit.html"
	run -2 "$S/dq-audit" --bin "$DQ_BIN" --html "$T/no/such/dir/a.html" "$T/in"
	assert_line --partial "dq-audit: dq-report could not write"
}

@test "dq-audit: percentages are rounded to one decimal (issue 16, 6)" {
	# e is missing in 1 of 6 records: 16.7%, not 16.700000000000003%.
	printf '%s\n' '{"id":1,"e":"a@b.com"}' '{"id":2,"e":"c@d.org"}' \
		'{"id":3,"e":"c@e.org"}' '{"id":4,"e":"c@f.org"}' \
		'{"id":5,"e":"c@g.org"}' '{"id":6}' >"$T/in"
	run -1 "$S/dq-audit" --bin "$DQ_BIN" --json "$T/in"
	run -0 jq -c '[.problems[] | [.kind, .field, .message]]' <<<"$output"
	assert_output '[["completeness","e","16.7% missing, null or empty"]]'
}

@test "bench-accuracy: the table of a FEBRL file, a dq-gen file, the product link and one-to-one links of two and three sources, from their truth" {
	mkdir "$T/febrl"
	cp "$BATS_TEST_DIRNAME/fixtures/block/febrl.csv" "$T/febrl/dataset1.csv"
	DQ_BIN=$DQ_BIN ACC_FEBRL=$T/febrl ACC_GEN=400 ACC_SEED=3 \
		ACC_AG=$BATS_TEST_DIRNAME/fixtures/block/ag \
		run -0 --separate-stderr "$S/bench-accuracy"
	assert_line --index 0 --partial "| data | records | pair completeness |"
	# The four FEBRL records hold two true pairs; blocking finds both,
	# out of the six record pairs.
	assert_line --index 2 --regexp '^\| FEBRL dataset 1 \| 4 \| 1 \| 0\.66667 \| '
	assert_line --index 3 --partial "| FEBRL dataset 2 | skipped ($T/febrl/dataset2.csv not found)"
	# The dq-gen row agrees with dq-eval run by hand on the same file.
	"$DQ_BIN/dq-gen" -n 400 --seed 3 --truth "$T/truth" >"$T/gen"
	C=$BATS_TEST_DIRNAME/../examples/contracts
	dq normalize -q -c "$C/person.json" "$T/gen" |
		dq block -q -c "$C/person.json" | dq score -q -c "$C/person.json" >"$T/scored"
	pc=$("$S/dq-eval" --truth "$T/truth" --json "$T/scored" |
		jq -r '.pair_completeness * 10000 | round / 10000 | tostring')
	assert_line --index 4 --regexp "^\| dq-gen 400, seed 3 \| 400 \| $pc \| 0\.9[0-9]* \| "
	# The product link (Latin-1, CRLF) with product.json: a1-g1 share a
	# code and words, a2-g2 words (one with an e-acute), a3-g3 only
	# 'camera' (in 2 of 6 names: ln 3 >= ln(6) / 2); the true a3-g2 is
	# not found.  3 of 9 pairs, 2 of 3 true pairs; then the decisions
	# and clusters, scored.
	assert_line --index 5 --regexp '^\| Amazon-Google link, product\.json, --one-to-one \| 3 x 3 \| 0\.6667 \| 0\.66667 \| [01]\.[0-9]{4} \| [01]\.[0-9]{4} \| [01]\.[0-9]{4} \| [01]\.[0-9]{4} \| [01]\.[0-9]{4} \| [01]\.[0-9]{4} \|$'
	# The links: source 1 holds every entity once, source 2 the
	# entities with a second record, source 3 those with a third.
	na=$(cut -f2 "$T/truth" | sort -u | wc -l)
	nb=$(cut -f2 "$T/truth" | sort | uniq -d | wc -l)
	nc=$(cut -f2 "$T/truth" | sort | uniq -c | awk '$1 >= 3' | wc -l)
	[ "$nc" -gt 0 ]
	assert_line --index 6 --regexp "^\| dq-gen 400, seed 3, two-source link, --one-to-one \| $na x $nb \| (1|0\.9[0-9]*) \| 0\.9[0-9]* \| "
	assert_line --index 7 --regexp "^\| dq-gen 400, seed 3, three-source link, --one-to-one \| $na x $nb x $nc \| (1|0\.9[0-9]*) \| 0\.9[0-9]* \| "
	[ "${#lines[@]}" -eq 8 ]
	ACC_FEBRL=$T/febrl ACC_GEN=" " ACC_AG=$T/none \
		run -0 --separate-stderr "$S/bench-accuracy"
	assert_line --index 4 "| Amazon-Google link | skipped ($T/none not found) |||||||||"
	run -2 "$S/bench-accuracy" extra
	assert_output "Usage: scripts/bench-accuracy [-h|--help]"
}
