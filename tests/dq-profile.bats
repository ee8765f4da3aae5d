#!/usr/bin/env bats
# dq-profile: exact figures on hand-computed fixtures, sketches within their
# stated bounds, partial state and merge, caps, exit statuses.

load helpers

setup() {
	T=$BATS_TEST_TMPDIR
	P=$FIX/profile
}

@test "help goes to stdout, exit 0" {
	run -0 dq profile --help
	assert_line --partial "usage: dq-profile"
	assert_line --partial "--merge"
	assert_line --partial "--partial"
}

@test "version" {
	run -0 dq profile --version
	assert_output --regexp '^dq-profile [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "usage errors: exit 2, nothing on stdout" {
	run -2 --separate-stderr dq profile --no-such-flag "$P/small.ndjson"
	assert_output ""
	run -2 --separate-stderr dq profile --top 26 "$P/small.ndjson"
	assert_output ""
	[[ "$stderr" == *"'--top': '26' is not an integer in 1..25"* ]]
	run -2 --separate-stderr dq profile --format xml "$P/small.ndjson"
	assert_output ""
	run -2 --separate-stderr dq profile "$T/absent.ndjson"
	assert_output ""
	[[ "$stderr" == *"absent.ndjson: No such file or directory"* ]]
	run -2 --separate-stderr dq profile --merge
	assert_output ""
}

@test "empty input: a document with no rows and no fields, exit 0" {
	: >"$T/empty"
	run -0 --separate-stderr dq profile "$T/empty"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '[.rows, .fields, .rejected, .statisticalSummary,
		.sampleData]' "$T/doc"
	assert_output '[0,0,0,{},{"columns":[],"rows":[]}]'
}

@test "per-file figures and per-field completeness, hand computed" {
	run -0 --separate-stderr dq profile "$P/small.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '[.rows, .fields, .rejected, .duplicateRows.count,
		.duplicateRows.exact]' "$T/doc"
	assert_output '[5,6,0,0,true]'
	# name: present 5, one "", so completeness 4/5.
	run -0 jq -c '.completenessOverview.name' "$T/doc"
	assert_output '{"count":5,"present":5,"missing":0,"null":0,"empty":1,"completeness":0.8}'
	# score: absent on line 3, null on line 2.
	run -0 jq -c '.completenessOverview.score' "$T/doc"
	assert_output '{"count":5,"present":4,"missing":1,"null":1,"empty":0,"completeness":0.6}'
}

@test "numeric figures: mean, stddev, skewness by hand" {
	run -0 --separate-stderr dq profile "$P/small.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	# age: 30 -5 0 45 ("45" a numeric string) 50.  mean 24; squared
	# deviations 36+841+576+441+676 = 2570, /5 = 514, sqrt 22.6715680975;
	# cubed 216-24389-13824+9261+17576 = -11160,
	# g1 = sqrt(5) * -11160 / 2570^1.5 = -0.1915356023 (10 places).
	run -0 jq -c '.statisticalSummary.age | [.type, .count, .min, .max,
		.mean, .stddev, .skewness, .sum, .zeros, .negatives,
		.quantilesExact, .quantiles.p50, .quantiles.p25,
		.quantiles.p75]' "$T/doc"
	assert_output '["integer",5,-5,50,24,22.6715680975,-0.1915356023,120,1,1,true,30,0,45]'
	# score: 2.5 and 7.5 (null and "x" are not numbers).
	run -0 jq -c '.statisticalSummary.score | [.type, .numbers, .mean,
		.stddev, .skewness]' "$T/doc"
	assert_output '["number",2,5,2.5,0]'
	# name lengths in code points: Ann 3, bob 3, Ann 3, Zoë 3.
	run -0 jq -c '.statisticalSummary.name.length' "$T/doc"
	assert_output '{"min":3,"mean":3,"max":3}'
}

@test "types, dominant type and format issues with examples" {
	run -0 --separate-stderr dq profile "$P/small.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '.typeFormatIssues.email' "$T/doc"
	assert_output '{"types":{"string":1,"email":3},"dominantType":"email","issues":1,"issueRate":0.25,"examples":[{"value":"not-an-email","type":"string"}]}'
	run -0 jq -c '.typeFormatIssues.joined | [.types, .dominantType,
		.issues]' "$T/doc"
	assert_output '[{"string":1,"date":3,"datetime":1},"date",2]'
	run -0 jq -c '.boundsAnomalies.joined | [.minDate, .maxDate]' "$T/doc"
	assert_output '["2022-06-30","2024-03-01T10:00:00Z"]'
}

@test "top values with counts and shares, shapes, distinct exact" {
	run -0 --separate-stderr dq profile "$P/small.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '.valueDistributions.name' "$T/doc"
	assert_output '{"topValues":[{"value":"Ann","count":2,"share":0.5},{"value":"Zoë","count":1,"share":0.25},{"value":"bob","count":1,"share":0.25}],"topExact":true,"topMaxUndercount":0,"shapes":[{"shape":"Aaa","count":2},{"shape":"Aa*","count":1},{"shape":"aaa","count":1}]}'
	run -0 jq -c '.uniquenessOverview.name' "$T/doc"
	assert_output '{"distinct":3,"distinctExact":true,"distinctRelativeError":0,"uniqueness":0.75}'
}

@test "malformed lines are rejected, counted, exit 1; --max-rejects lifts it" {
	run -1 --separate-stderr dq profile --rejects "$T/rej" "$P/bad.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '[.rows, .rejected, .statisticalSummary.a.sum]' "$T/doc"
	assert_output '[2,3,3]'
	[ "$(count_lines "$T/rej")" -eq 3 ]
	run -0 --separate-stderr dq profile --max-rejects 3 "$P/bad.ndjson"
}

@test "a full disk is trouble: exit 2" {
	run -2 bash -c "'$DQ_BIN/dq-profile' '$P/small.ndjson' >/dev/full"
	run -2 bash -c "'$DQ_BIN/dq-profile' --format text '$P/small.ndjson' >/dev/full"
}

@test "a closed pipe ends quietly (status only: one document)" {
	run -0 bash -c "set -o pipefail; '$DQ_BIN/dq-profile' '$P/small.ndjson' | head -c 10 >/dev/null"
	assert_output ""
}

@test "CSV input: strings typed by content" {
	run -0 --separate-stderr dq profile "$P/small.csv"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '[.rows, .statisticalSummary.amount.type,
		.statisticalSummary.amount.sum, .completenessOverview.amount.empty,
		.statisticalSummary.id.type, .valueDistributions.city.topValues[0]]' "$T/doc"
	assert_output '[3,"number",8.5,1,"integer",{"value":"Paris","count":2,"share":0.666666666667}]'
}

@test "text format: a table with one line per field" {
	run -0 --separate-stderr dq profile --format text "$P/small.ndjson"
	assert_line --index 0 "rows 5  fields 6  rejected 0  duplicate rows 0"
	assert_line --index 1 --regexp '^field +type +complete +null +distinct +min +max +mean +top value$'
	assert_line --index 3 --regexp '^age +integer +100\.0% +0 +5 +-5 +50 +24 '
	assert_line --index 4 --regexp '^name +string +80\.0% +0 +3 +Ann +bob +- +"Ann" \(2\)$'
	[ "${#lines[@]}" -eq 8 ]
}

@test "text format: control characters do not break the columns" {
	printf '{"s":"\\tx","d":"19340301"}\n{"s":"y","d":"2001-02-03"}\n{"d":"1999-12-31"}\n' >"$T/in"
	run -0 --separate-stderr dq profile --format text "$T/in"
	assert_line --index 2 --regexp '^s +string +66\.7% +0 +2 +\?x +y +- '
	# A date column's bounds are its dates, not its numeric-looking values.
	assert_line --index 3 --regexp '^d +date +100\.0% +0 +3 +1999-12-31 +2001-02-03 +- '
}

@test "known distribution: 1..100000, quantiles and distinct within bounds" {
	seq 1 100000 | awk '{ printf "{\"v\":%d,\"m\":%d}\n", $1, $1 % 7 }' >"$T/seq"
	run -0 --separate-stderr dq profile "$T/seq"
	printf '%s\n' "$output" >"$T/doc"
	# Exact figures.
	run -0 jq -c '.statisticalSummary.v | [.count, .min, .max, .mean,
		.sum, .skewness, .quantilesExact, .quantileRankError]' "$T/doc"
	assert_output '[100000,1,100000,50000.5,5000050000,0,false,0.0165]'
	# Rank error 1.65 %: p50 within 50000 +- 1650 and so on.
	run -0 jq -e '.statisticalSummary.v.quantiles as $q
		| ([1,5,25,50,75,95,99] | map(. * 1000) ) as $want
		| [$q.p1,$q.p5,$q.p25,$q.p50,$q.p75,$q.p95,$q.p99]
		| to_entries | all(((.value - $want[.key]) | fabs) <= 1650)' "$T/doc"
	# HyperLogLog: 3 standard errors of 0.81 %.
	run -0 jq -e '.uniquenessOverview.v | .distinctExact == false and
		((.distinct - 100000) | fabs) <= 2438' "$T/doc"
	# Seven values: exact distinct and exact top values.
	run -0 jq -c '.uniquenessOverview.m.distinct,
		.valueDistributions.m.topValues[0],
		.valueDistributions.m.topExact' "$T/doc"
	assert_output $'7\n{"value":1,"count":14286,"share":0.14286}\ntrue'
	# Histogram: 20 buckets of about 5000 each (rank error 1650 each edge).
	run -0 jq -e '.valueDistributions.v.histogram | length == 20 and
		(map(.count) | add) == 100000 and
		all(((.count - 5000) | fabs) <= 3300)' "$T/doc"
}

@test "caps: --top, --buckets, --sample, --examples, --shapes" {
	seq 1 1000 | awk '{ printf "{\"v\":%d,\"s\":\"x%d\",\"t\":%s}\n", $1, $1 % 30, ($1 % 3 ? $1 : "\"s" $1 "\"") }' >"$T/in"
	run -0 --separate-stderr dq profile --top 3 --buckets 5 --sample 4 \
		--examples 2 --shapes 1 "$T/in"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '[(.valueDistributions.s.topValues | length),
		(.valueDistributions.v.histogram | length),
		(.sampleData.rows | length), (.sampleData.columns),
		(.typeFormatIssues.t.examples | length),
		(.valueDistributions.s.shapes | length)]' "$T/doc"
	assert_output '[3,5,4,["v","s","t"],2,1]'
	run -0 --separate-stderr dq profile "$T/in"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '[(.valueDistributions.s.topValues | length),
		(.valueDistributions.v.histogram | length),
		(.sampleData.rows | length)]' "$T/doc"
	assert_output '[10,20,25]'
}

@test "caps from the contract's profile section; unknown keys are errors" {
	run -0 --separate-stderr dq profile -c "$P/caps.json" "$P/small.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '[(.valueDistributions.name.topValues | length),
		(.valueDistributions.age.histogram | length)]' "$T/doc"
	assert_output '[2,4]'
	run -2 --separate-stderr dq profile -c "$P/typo.json" "$P/small.ndjson"
	assert_output ""
	[[ "$stderr" == *"topp"* ]]
}

@test "merge of partials equals one run (all exact: the whole document)" {
	head -n 3 "$P/small.ndjson" >"$T/a"
	tail -n +4 "$P/small.ndjson" >"$T/b"
	run -0 --separate-stderr dq profile --partial "$T/a"
	printf '%s\n' "$output" >"$T/pa"
	run -0 --separate-stderr dq profile --partial "$T/b"
	printf '%s\n' "$output" >"$T/pb"
	run -0 --separate-stderr dq profile --merge "$T/pa" "$T/pb"
	jq -S 'del(.sampleData.rows)' <<<"$output" >"$T/merged"
	run -0 jq -c '.sampleData.rows | length' <<<"$output"
	assert_output 5
	run -0 --separate-stderr dq profile "$P/small.ndjson"
	jq -S 'del(.sampleData.rows)' <<<"$output" >"$T/whole"
	run -0 diff "$T/merged" "$T/whole"
}

@test "merge of partials: exact figures equal one run on a large input" {
	seq 1 30000 | awk '{ printf "{\"id\":%d,\"x\":%.2f,\"c\":\"k%d\",\"n\":%s}\n", $1, ($1 * 7919 % 1000) / 3, $1 % 5, ($1 % 4 ? $1 % 13 : "null") }' >"$T/all"
	split -n l/3 "$T/all" "$T/part."
	for f in "$T"/part.*; do
		run -0 --separate-stderr dq profile --partial "$f"
		printf '%s\n' "$output" >"$f.p"
	done
	run -0 --separate-stderr dq profile --merge "$T"/part.*.p
	printf '%s\n' "$output" >"$T/m"
	run -0 --separate-stderr dq profile "$T/all"
	printf '%s\n' "$output" >"$T/w"
	exact='[.rows, .fields, .completenessOverview, .typeFormatIssues,
		(.statisticalSummary | map_values(del(.quantiles,
		.quantilesExact, .quantileRankError))),
		(.valueDistributions.c), (.valueDistributions.n.topValues),
		(.boundsAnomalies | map_values(del(.iqr, .outliers,
		.outlierExamples)))]'
	run -0 jq -S -c "$exact" "$T/m"
	m=$output
	run -0 jq -S -c "$exact" "$T/w"
	[ "$output" = "$m" ]
	# Sketch figures within their bounds.
	run -0 jq -e '((.statisticalSummary.id.quantiles.p50 - 15000) | fabs)
		<= 495 and ((.uniquenessOverview.id.distinct - 30000) | fabs)
		<= 732' "$T/m"
}

@test "merge refuses what is not a partial state: exit 2" {
	run -2 --separate-stderr dq profile --merge "$P/small.ndjson"
	assert_output ""
	[[ "$stderr" == *"not a dq-profile partial state"* ]]
	run -0 --separate-stderr dq profile --partial "$P/small.ndjson"
	printf '%s\n' "$output" | sed 's/"nulls":0/"nulls":-1/' >"$T/p"
	run -2 --separate-stderr dq profile --merge "$T/p"
	assert_output ""
}

@test "partial state: one JSON document with the sketches" {
	run -0 --separate-stderr dq profile --partial "$P/small.ndjson"
	printf '%s\n' "$output" >"$T/p"
	run -0 jq -c '[.dqProfilePartial, .rows, (.fields | length),
		.fields[1].name, .fields[1].num[0], .sample.seen]' "$T/p"
	assert_output '[2,5,6,"age",5,5]'
}
