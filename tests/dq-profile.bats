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
	[[ "$stderr" == *"--top: '26' is not a whole number from 0 to 25"* ]]
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

@test "dates: every form the parser reads, and text it refuses" {
	# A value per field: the date forms of lib/norm/date.c, and text with a
	# digit that is not a date (a street, an id, a word the parser does
	# not know), which dq-profile tells without calling the parser.
	cat >"$T/dates.ndjson" <<-'EOF'
	{"a": "Mar 7, 2024", "b": "Thu Mar  7 14:05:09 2024", "c": "7th of March 2024", "d": "March 7th, 2024 at 2:05 p.m. EST", "e": "2024-03-07T14:05:09Z", "f": "Sept 7, 2024", "g": "2024-W10-4", "h": "07.03.2024", "i": "5517 Church Way", "j": "p0000001", "k": "kim7@example.com", "l": "2024-03-07 noon", "m": "Thursday, March 7, 2024", "n": "Fri, 07 Mar 2024", "o": "2024-03-07\u00a014:05", "p": "7-Mar-2024 2pm", "q": "20240307", "r": "Mar 2024 7", "s": "2024/03/07 14:05 UTC", "t": "2024-03-07T14:05:09+01:00x"}
	EOF
	run -0 --separate-stderr dq profile "$T/dates.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '[.typeFormatIssues[] | .dominantType]' "$T/doc"
	assert_output '["date","datetime","date","datetime","datetime","date","date","date","string","string","email","string","date","string","datetime","datetime","integer","string","datetime","string"]'
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

# ---- drift -------------------------------------------------------------

# rows N PRINTF-FORMAT: N lines of the format with the row number as $1.
rows() {
	seq 1 "$1" | awk -v f="$2" '{ printf f "\n", $1 }'
}

# kinds DOC: the anomalies as "kind field" pairs.
kinds() {
	jq -c '[.anomalies[] | [.kind, .field]]' "$1"
}

@test "drift: an unchanged file raises nothing, exit 0 with --fail-on-drift" {
	run -0 --separate-stderr dq profile "$P/small.ndjson"
	printf '%s\n' "$output" >"$T/base"
	run -0 --separate-stderr dq profile --baseline "$T/base" \
		--fail-on-drift "$P/small.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 kinds "$T/doc"
	assert_output '[]'
	# Without drift options the document has no anomalies key.
	run -0 jq -c 'has("anomalies")' "$T/base"
	assert_output false
}

@test "drift: fields added and gone; --fail-on-drift exits 1, output complete" {
	rows 10 '{"a":%d,"b":"x"}' >"$T/b.ndjson"
	rows 10 '{"a":%d,"c":"y"}' >"$T/c.ndjson"
	run -0 --separate-stderr dq profile "$T/b.ndjson"
	printf '%s\n' "$output" >"$T/base"
	run -0 --separate-stderr dq profile --baseline "$T/base" "$T/c.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 kinds "$T/doc"
	assert_output '[["fieldAdded","c"],["fieldGone","b"]]'
	run -1 --separate-stderr dq profile --baseline "$T/base" \
		--fail-on-drift "$T/c.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '[.rows, (.anomalies | length)]' "$T/doc"
	assert_output '[10,2]'
}

@test "drift: dominant type changed" {
	rows 10 '{"v":%d}' >"$T/b.ndjson"
	rows 10 '{"v":"%dx"}' >"$T/c.ndjson"
	run -0 --separate-stderr dq profile "$T/b.ndjson"
	printf '%s\n' "$output" >"$T/base"
	# PSI is switched off to see the type check alone.
	run -0 --separate-stderr dq profile --set profile.psi=1000 \
		--baseline "$T/base" "$T/c.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '.anomalies[] | [.kind, .field, .message]' "$T/doc"
	assert_output '["typeChanged","v","field '"'"'v'"'"': dominant type string, was integer"]'
	run -0 --separate-stderr dq profile --set profile.psi=1000 \
		--baseline "$T/base" "$T/b.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 kinds "$T/doc"
	assert_output '[]'
}

@test "drift: null rate above twice the baseline and above the floor" {
	# Baseline: 1 null in 10 (0.1).  2 in 10 is exactly 2x: quiet;
	# 3 in 10 fires.
	rows 10 '{"i":%d,"v":"x"}' | sed '1s/"x"/null/' >"$T/b.ndjson"
	rows 10 '{"i":%d,"v":"x"}' | sed '1,2s/"x"/null/' >"$T/two.ndjson"
	rows 10 '{"i":%d,"v":"x"}' | sed '1,3s/"x"/null/' >"$T/three.ndjson"
	run -0 --separate-stderr dq profile "$T/b.ndjson"
	printf '%s\n' "$output" >"$T/base"
	run -0 --separate-stderr dq profile --baseline "$T/base" "$T/two.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 kinds "$T/doc"
	assert_output '[]'
	run -0 --separate-stderr dq profile --baseline "$T/base" \
		"$T/three.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '.anomalies[] | [.kind, .field, .baseline, .current,
		.threshold]' "$T/doc"
	assert_output '["nullRate","v",0.1,0.3,2]'
	# Floor: from 0 to 1 null in 200 (0.005 < 0.01) is quiet; the
	# floor comes from the contract.
	rows 200 '{"v":"x"}' >"$T/z.ndjson"
	rows 200 '{"v":"x"}' | sed '1s/"x"/null/' >"$T/z1.ndjson"
	run -0 --separate-stderr dq profile "$T/z.ndjson"
	printf '%s\n' "$output" >"$T/zbase"
	run -0 --separate-stderr dq profile --baseline "$T/zbase" "$T/z1.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 kinds "$T/doc"
	assert_output '[]'
	run -0 --separate-stderr dq profile --set profile.null_floor=0.001 \
		--baseline "$T/zbase" "$T/z1.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 kinds "$T/doc"
	assert_output '[["nullRate","v"]]'
}

@test "drift: population stability index over top values" {
	# Baseline red 5, blue 5.  Red 9, blue 1: PSI = 0.4 ln 1.8 +
	# 0.4 ln 5 = 0.8789 (other values 0 on both sides).  Red 6,
	# blue 4: 0.1 ln 1.2 + 0.1 ln 1.25 = 0.0405, quiet.
	{ rows 5 '{"c":"red"}'; rows 5 '{"c":"blue"}'; } >"$T/b.ndjson"
	{ rows 9 '{"c":"red"}'; rows 1 '{"c":"blue"}'; } >"$T/c.ndjson"
	{ rows 6 '{"c":"red"}'; rows 4 '{"c":"blue"}'; } >"$T/q.ndjson"
	run -0 --separate-stderr dq profile "$T/b.ndjson"
	printf '%s\n' "$output" >"$T/base"
	run -0 --separate-stderr dq profile --baseline "$T/base" "$T/c.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '.anomalies[] | [.kind, .field, (.current * 1e4 | round),
		.threshold]' "$T/doc"
	assert_output '["distribution","c",8789,0.2]'
	run -0 --separate-stderr dq profile --baseline "$T/base" "$T/q.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 kinds "$T/doc"
	assert_output '[]'
}

@test "drift: PSI over histogram buckets, and the mean shift" {
	# Baseline 1..100: 20 buckets of 5 values (share 0.05).  1..100
	# shifted to 51..150: buckets 0-9 empty (share floored at 1e-4),
	# 10-18 hold 5 each, the last takes 96..150 (0.55):
	# PSI = 10 (1e-4 - 0.05) ln(1e-4 / 0.05) + 0.5 ln 11 = 4.3000.
	rows 100 '{"x":%d}' >"$T/b.ndjson"
	seq 51 150 | awk '{ printf "{\"x\":%d}\n", $1 }' >"$T/c.ndjson"
	seq 100 -1 1 | awk '{ printf "{\"x\":%d}\n", $1 }' >"$T/r.ndjson"
	run -0 --separate-stderr dq profile "$T/b.ndjson"
	printf '%s\n' "$output" >"$T/base"
	run -0 --separate-stderr dq profile --baseline "$T/base" "$T/c.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '[.anomalies[] | [.kind, .field, (.current * 1e4 |
		round), .baseline]]' "$T/doc"
	assert_output '[["distribution","x",43000,null],["meanShift","x",1005000,50.5]]'
	# The same values in another order: nothing.
	run -0 --separate-stderr dq profile --baseline "$T/base" "$T/r.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 kinds "$T/doc"
	assert_output '[]'
	# Mean shift alone: stddev of 1..100 is 28.866; a shift of 14 is
	# within 0.5 sd, 15 is not (PSI switched off).
	seq 15 114 | awk '{ printf "{\"x\":%d}\n", $1 }' >"$T/s14.ndjson"
	seq 16 115 | awk '{ printf "{\"x\":%d}\n", $1 }' >"$T/s15.ndjson"
	run -0 --separate-stderr dq profile --set profile.psi=1000 \
		--baseline "$T/base" "$T/s14.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 kinds "$T/doc"
	assert_output '[]'
	run -0 --separate-stderr dq profile --set profile.psi=1000 \
		--baseline "$T/base" "$T/s15.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '.anomalies[] | [.kind, .baseline, .current, .threshold]' \
		"$T/doc"
	assert_output '["meanShift",50.5,65.5,0.5]'
}

@test "drift: row count beyond the tolerance" {
	rows 100 '{"v":"x"}' >"$T/b.ndjson"
	rows 80 '{"v":"x"}' >"$T/c80.ndjson"
	rows 79 '{"v":"x"}' >"$T/c79.ndjson"
	run -0 --separate-stderr dq profile "$T/b.ndjson"
	printf '%s\n' "$output" >"$T/base"
	run -0 --separate-stderr dq profile --baseline "$T/base" "$T/c80.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 kinds "$T/doc"
	assert_output '[]'
	run -0 --separate-stderr dq profile --baseline "$T/base" "$T/c79.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '.anomalies[] | [.kind, .baseline, .current, .threshold]' \
		"$T/doc"
	assert_output '["rowCount",100,79,0.2]'
	# The tolerance from a contract.
	printf '{"profile":{"row_tolerance":0.25}}\n' >"$T/c.json"
	run -0 --separate-stderr dq profile -c "$T/c.json" --baseline "$T/base" \
		"$T/c79.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 kinds "$T/doc"
	assert_output '[]'
	run -2 --separate-stderr dq profile --set profile.psi='"x"' \
		--baseline "$T/base" "$T/c79.ndjson"
	assert_output ""
	[[ "$stderr" == *"profile.psi: not a number"* ]]
}

@test "drift: --history, a 3-sigma guard on rows and null rates" {
	# Rows 100, 102, 98: mean 100, sd 2 (sample), 3 sigma = 6.
	# Null rates of v 0.1, 0.12, 0.08: mean 0.1, sd 0.02, 3 sigma 0.06.
	printf '%s\n' '{"rows":100,"nullRates":{"v":0.1}}' \
		'{"rows":102,"nullRates":{"v":0.12}}' \
		'{"rows":98,"nullRates":{"v":0.08}}' >"$T/hist"
	rows 106 '{"v":"x"}' | sed '1,16s/"x"/null/' >"$T/ok.ndjson"
	rows 107 '{"v":"x"}' | sed '1,18s/"x"/null/' >"$T/bad.ndjson"
	run -0 --separate-stderr dq profile --history "$T/hist" "$T/ok.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 kinds "$T/doc"
	assert_output '[]'
	run -1 --separate-stderr dq profile --history "$T/hist" \
		--fail-on-drift "$T/bad.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '[.anomalies[] | [.kind, .field, .baseline, .current]]' \
		"$T/doc"
	assert_output '[["rowCountHistory",null,100,107],["nullRateHistory","v",0.1,0.168224299065]]'
	# Fewer than 3 earlier runs: no guard.
	head -n 2 "$T/hist" >"$T/h2"
	run -0 --separate-stderr dq profile --history "$T/h2" "$T/bad.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 kinds "$T/doc"
	assert_output '[]'
	# A line that is not a summary: exit 2, nothing written.
	printf 'nope\n' >>"$T/hist"
	run -2 --separate-stderr dq profile --history "$T/hist" "$T/ok.ndjson"
	assert_output ""
	[[ "$stderr" == *"hist:4: not a dq-profile summary"* ]]
}

@test "drift: --summary carries null rates and anomalies, usable as history" {
	for n in 10 11 12; do
		rows $n '{"v":"x"}' | sed '1s/"x"/null/' >"$T/d$n"
		run -0 --separate-stderr dq profile --summary "$T/s$n" "$T/d$n"
		jq -c . "$T/s$n" >>"$T/hist"
	done
	run -0 jq -c '[.rows, .nullRates.v]' "$T/s10"
	assert_output '[10,0.1]'
	rows 30 '{"v":"x"}' >"$T/d30"
	run -0 --separate-stderr dq profile --history "$T/hist" \
		--summary "$T/s30" "$T/d30"
	run -0 jq -c '[.anomalies[] | .kind]' "$T/s30"
	assert_output '["rowCountHistory","nullRateHistory"]'
}

@test "drift: --freshness flags a newest date older than the limit" {
	printf '%s\n' '{"ts":"2024-01-09T12:00:00Z"}' \
		'{"ts":"2024-01-10T02:00:00+02:00"}' '{"ts":"2023-05-01"}' \
		>"$T/f.ndjson"
	# Newest: 2024-01-10T00:00:00Z; DQ_TODAY puts now at 2024-01-11T00:00Z,
	# 86400 s later.
	export DQ_TODAY=2024-01-11
	run -0 --separate-stderr dq profile --freshness ts=2d "$T/f.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 kinds "$T/doc"
	assert_output '[]'
	run -1 --separate-stderr dq profile --freshness ts=23h \
		--fail-on-drift "$T/f.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '.anomalies[] | [.kind, .field, .current, .threshold,
		.message]' "$T/doc"
	assert_output '["stale","ts",1704844800,82800,"field '"'"'ts'"'"': newest 86400 s old, more than 82800 s"]'
	# From the contract, and a field with no dates.
	printf '{"profile":{"freshness":{"nope":"1h"}}}\n' >"$T/c.json"
	run -0 --separate-stderr dq profile -c "$T/c.json" "$T/f.ndjson"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '.anomalies[] | [.kind, .field, .message]' "$T/doc"
	assert_output '["stale","nope","field '"'"'nope'"'"': no dates"]'
	run -2 --separate-stderr dq profile --freshness ts=12 "$T/f.ndjson"
	assert_output ""
	[[ "$stderr" == *"not FIELD=AGE"* ]]
}

@test "drift: anomalies in --format text; a baseline that is not a profile" {
	rows 10 '{"a":%d}' >"$T/b.ndjson"
	rows 10 '{"b":%d}' >"$T/c.ndjson"
	run -0 --separate-stderr dq profile "$T/b.ndjson"
	printf '%s\n' "$output" >"$T/base"
	run -0 --separate-stderr dq profile --format text --baseline "$T/base" \
		"$T/c.ndjson"
	assert_line 'anomalies 2'
	assert_line "  fieldAdded: field 'b' is new"
	assert_line "  fieldGone: field 'a' is gone"
	run -2 --separate-stderr dq profile --baseline "$T/b.ndjson" \
		"$T/c.ndjson"
	assert_output ""
	[[ "$stderr" == *"not a dq-profile document"* ]]
}

# ---- suggest -----------------------------------------------------------

@test "--suggest: a contract from the evidence, hand checked" {
	{
		for i in 1 2 3 4 5 6 7 8; do
			printf '{"id":"k%d","n":%d,"c":"red","d":"2024-01-0%d","e":"a@b.org","z":"123%d"}\n' $i $i $i $i
		done
		printf '%s\n' '{"id":"k9","n":-3,"c":"blue","d":"2024-02-01","z":"12345","x":true}'
		printf '%s\n' '{"id":"k10","n":1.5,"c":"blue","d":null,"e":"","z":"99999"}'
	} >"$T/s.ndjson"
	run -0 --separate-stderr dq profile --suggest "$T/s.ndjson"
	printf '%s\n' "$output" >"$T/c.json"
	run -0 jq -c '.fields' "$T/c.json"
	assert_output '{"id":{"type":"string","required":true,"unique":true,"pattern":"^([a-z][0-9]|[a-z][0-9]{2})$"},"n":{"type":"number","required":true,"min":-3,"max":8,"unique":true},"c":{"type":"string","required":true,"enum":["red","blue"]},"d":{"type":"date","min":"2024-01-01","max":"2024-02-01","unique":true},"e":{"type":"email","pii":"candidate","description":"sensitive? its values are e-mail addresses"},"z":{"type":"string","required":true,"unique":true,"pattern":"^([0-9]{4}|[0-9]{5})$"},"x":{"type":"boolean"}}'
	run -0 --separate-stderr dq validate -c "$T/c.json" "$T/s.ndjson"
}

@test "--suggest: dq-validate accepts the contract and the profiled file passes it" {
	dq gen -n 3000 --seed 4 >"$T/g.ndjson"
	run -0 --separate-stderr dq profile --suggest "$T/g.ndjson"
	printf '%s\n' "$output" >"$T/c.json"
	run -0 --separate-stderr dq validate -c "$T/c.json" \
		--summary "$T/sum" "$T/g.ndjson"
	run -0 jq -c '[.score, .passed, .counts.in, .counts.quarantined]' "$T/sum"
	assert_output '[100,true,3000,0]'
	run -0 --separate-stderr dq profile --suggest "$P/small.ndjson"
	printf '%s\n' "$output" >"$T/c2.json"
	run -0 --separate-stderr dq validate -c "$T/c2.json" "$P/small.ndjson"
}

# ---- parallel and duplicates --------------------------------------------

# Exact figures of a document (sketch figures and the sample left out).
exact_of() {
	jq -S -c 'del(.sampleData.rows) | walk(if type == "object" then
		del(.quantiles, .histogram, .iqr, .outliers, .outlierExamples,
		.topValues, .shapes, .topMaxUndercount, .topExact)
		else . end)' "$1"
}

@test "--jobs 2 equals one process on exact figures" {
	dq gen -n 20000 --seed 9 >"$T/g.ndjson"
	printf '{"broken\n' >>"$T/g.ndjson"
	dq gen -n 5000 --seed 10 >>"$T/g.ndjson"
	run -0 --separate-stderr dq profile --jobs 1 --max-rejects 1 \
		"$T/g.ndjson"
	printf '%s\n' "$output" >"$T/one"
	run -0 --separate-stderr dq profile --jobs 2 --max-rejects 1 \
		--summary "$T/sum" \
		"$T/g.ndjson"
	printf '%s\n' "$output" >"$T/two"
	# The rejected line is named by its line number in the whole file.
	[[ "$stderr" == *"g.ndjson:20001:"* ]]
	run -0 jq -c '[.rows, .rejected, .duplicateRows.exact]' "$T/two"
	assert_output '[25000,1,true]'
	run -0 jq -c '[.counts.in, .counts.rejected]' "$T/sum"
	assert_output '[25001,1]'
	exact_of "$T/one" >"$T/e1"
	exact_of "$T/two" >"$T/e2"
	run -0 cmp "$T/e1" "$T/e2"
}

@test "a regular file on stdin is split like a named file; a pipe, or stdin read past its start, by one process (issue 23)" {
	dq gen -n 20000 --seed 9 >"$T/g.ndjson"
	printf '{"broken\n' >>"$T/g.ndjson"
	dq gen -n 5000 --seed 10 >>"$T/g.ndjson"
	run -0 --separate-stderr dq profile --jobs 3 --max-rejects 1 \
		--summary "$T/sf" "$T/g.ndjson"
	printf '%s\n' "$output" >"$T/named"
	run -0 --separate-stderr dq profile --jobs 3 --max-rejects 1 \
		--summary "$T/ss" <"$T/g.ndjson"
	printf '%s\n' "$output" >"$T/stdin"
	# The rejected line, read by a worker, is named by its line in the
	# whole input.
	[[ "$stderr" == *"-:20001:"* ]]
	run -0 cmp "$T/named" "$T/stdin"
	run -0 jq -c '[.processes, .counts.in, .counts.rejected]' "$T/sf"
	assert_output '[3,25001,1]'
	run -0 jq -c '[.processes, .counts.in, .counts.rejected]' "$T/ss"
	assert_output '[3,25001,1]'
	# A pipe is read by one process, with the same exact figures.
	run -0 --separate-stderr sh -c "cat '$T/g.ndjson' | '$DQ_BIN/dq-profile' --jobs 3 --max-rejects 1 --summary '$T/sp'"
	printf '%s\n' "$output" >"$T/pipe"
	run -0 jq -c '[.processes, .counts.in]' "$T/sp"
	assert_output '[1,25001]'
	exact_of "$T/named" >"$T/e1"
	exact_of "$T/pipe" >"$T/e2"
	run -0 cmp "$T/e1" "$T/e2"
	# stdin whose first line was already read (by the shell's read): the
	# rest, by one process, from where it stands.
	run -0 --separate-stderr sh -c "{ read -r first; '$DQ_BIN/dq-profile' --jobs 3 --max-rejects 1 --summary '$T/sr'; } <'$T/g.ndjson'"
	run -0 jq -c '[.processes, .counts.in]' "$T/sr"
	assert_output '[1,25000]'
}

@test "CSV is cut at row starts by the reader's quoting rules: --jobs N equals one process (issue 23)" {
	csv_hard "$T/h.csv"
	run -1 --separate-stderr dq profile --jobs 1 --summary "$T/s1" \
		"$T/h.csv"
	printf '%s\n' "$output" >"$T/one"
	run -0 jq -c '[.processes, .counts.in, .counts.rejected, .counts.blank]' "$T/s1"
	assert_output '[1,6000,924,461]'
	exact_of "$T/one" >"$T/e1"
	for j in 2 3 5 8; do
		run -1 --separate-stderr dq profile --jobs "$j" \
			--summary "$T/s$j" "$T/h.csv"
		printf '%s\n' "$output" >"$T/many"
		run -0 jq -c '[.processes, .counts.in, .counts.rejected, .counts.blank]' "$T/s$j"
		assert_output "[$j,6000,924,461]"
		exact_of "$T/many" >"$T/e2"
		run -0 cmp "$T/e1" "$T/e2"
	done
	# A worker names a rejected row by its line in the whole file, as
	# one process's rejects file does (--rejects keeps one process).
	run -1 --separate-stderr dq profile --rejects "$T/rj" "$T/h.csv"
	run -0 jq -r 'select(.raw | startswith("3033,")) | .line' "$T/rj"
	assert_output 4434
	run -1 --separate-stderr dq profile --jobs 4 "$T/h.csv"
	[[ "$stderr" == *"h.csv:4434: malformed quoting"* ]]
	# Regular stdin is cut the same way; --csv too.
	run -1 --separate-stderr dq profile --jobs 3 --csv --summary "$T/si" \
		<"$T/h.csv"
	printf '%s\n' "$output" >"$T/many"
	run -0 jq -c '.processes' "$T/si"
	assert_output 3
	exact_of "$T/many" >"$T/e2"
	run -0 cmp "$T/e1" "$T/e2"
}

@test "CSV that cannot be cut is read by one process, saying why" {
	printf 'a,b\n1,2\n3,4\n' >"$T/n.csv"
	run -0 --separate-stderr dq profile --jobs 3 --no-header \
		--summary "$T/s" "$T/n.csv"
	assert_equal "$stderr" "dq-profile: $T/n.csv: CSV with no header row; read by one process"
	run -0 jq -c '[.processes, .counts.in]' "$T/s"
	assert_output '[1,3]'
	printf 'a, b\n1, 2\n3, 4\n' >"$T/f.csv"
	run -0 --separate-stderr dq profile --jobs 3 --delimiter ', ' \
		--summary "$T/s" "$T/f.csv"
	assert_equal "$stderr" "dq-profile: $T/f.csv: CSV with a delimiter of several bytes; read by one process"
	printf '"a,b\n1,2\n' >"$T/u.csv"
	run -2 --separate-stderr dq profile --jobs 3 "$T/u.csv"
	[[ "$stderr" == *"CSV with a header row that never ends; read by one process"* ]]
	printf 'a,b\r1,2\r3,4\r' >"$T/cr.csv"
	run -0 --separate-stderr dq profile --jobs 3 --summary "$T/s" "$T/cr.csv"
	assert_equal "$stderr" "dq-profile: $T/cr.csv: CSV whose line ends were not found, or are a lone CR; read by one process"
	run -0 jq -c '[.processes, .counts.in]' "$T/s"
	assert_output '[1,2]'
}

@test "GNU parallel --pipe with --partial and --merge equals one run" {
	command -v parallel >/dev/null || skip "GNU parallel not installed"
	dq gen -n 20000 --seed 11 >"$T/g.ndjson"
	mkdir "$T/parts"
	parallel --pipe --block 1M -j 2 --will-cite \
		"$DQ_BIN/dq-profile --partial > $T/parts/{#}" <"$T/g.ndjson"
	run -0 --separate-stderr dq profile --merge "$T"/parts/*
	printf '%s\n' "$output" >"$T/m"
	run -0 --separate-stderr dq profile --jobs 1 "$T/g.ndjson"
	printf '%s\n' "$output" >"$T/w"
	exact_of "$T/m" >"$T/e1"
	exact_of "$T/w" >"$T/e2"
	run -0 cmp "$T/e1" "$T/e2"
}

@test "duplicate rows: exact below 65536 distinct rows, estimated within 3 standard errors above" {
	# 5000 distinct rows and 1234 copies of some of them.
	{ rows 5000 '{"i":%d}'; seq 1 1234 | awk '{ printf "{\"i\":%d}\n",
		($1 * 37) % 5000 + 1 }'; } >"$T/d1"
	run -0 --separate-stderr dq profile "$T/d1"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '.duplicateRows' "$T/doc"
	assert_output '{"count":1234,"exact":true,"standardError":0}'
	# 90000 distinct rows and 10000 copies: a sample of about half the
	# distinct rows is kept; standard error about sqrt(10000) = 100.
	{ rows 90000 '{"i":%d}'; seq 1 10000 | awk '{ printf "{\"i\":%d}\n",
		($1 * 7919) % 90000 + 1 }'; } >"$T/d2"
	run -0 --separate-stderr dq profile "$T/d2"
	printf '%s\n' "$output" >"$T/doc"
	run -0 jq -c '.duplicateRows | [.exact, (.standardError < 150),
		((.count - 10000) | fabs) <= 3 * .standardError]' "$T/doc"
	assert_output '[false,true,true]'
}

@test "one meaning of types: E.164 phones are phones, ties go to the typed strings, --suggest agrees with dq-validate" {
	cd "$BATS_TEST_TMPDIR"
	cat >mix.ndjson <<-'EOF'
	{"id":1,"email":"Ann Lee <ann@x.org>","dob":"1950-05-27","ph":"+14155550046","when":"2024-01-05T10:00:00Z"}
	{"id":2,"email":"Bob <bob@y.org>","dob":"1961-02-03","ph":"+14155550047","when":"2024-01-05T10:00Z"}
	{"id":3,"email":"carl@z.org","dob":"1972-12-31","ph":"+442079460958;ext=12","when":"2024-01-06"}
	EOF
	run -0 dq profile mix.ndjson
	run -0 jq -c '.typeFormatIssues.ph.types, .statisticalSummary.ph.mean' <<<"$output"
	assert_output $'{"phone":3}\nnull'
	# A tie of dates and other text is dates with format issues.
	printf 'd\n2024-01-05\nabc\n2024-02-01\nxyz\n' >tie.csv
	run -0 dq profile tie.csv
	run -0 jq -r '.typeFormatIssues.d.dominantType' <<<"$output"
	assert_output date
	# The suggested contract passes the data it was suggested from: the
	# display-name addresses are no "email" for dq-validate, so not for
	# dq-profile either.
	run -0 dq profile --suggest mix.ndjson
	printf '%s\n' "$output" >sug.json
	run -0 jq -c '.fields | map_values(.type)' sug.json
	assert_output '{"id":"integer","email":"string","dob":"date","ph":"phone","when":"datetime"}'
	run -0 dq validate -q -c sug.json --summary s.json mix.ndjson
	run -0 jq -c '[.score, .counts.out]' s.json
	assert_output "[100,3]"
}

@test "empty is missing as dq-validate means it: blank strings, [] and {}; --suggest then asks no required" {
	cd "$BATS_TEST_TMPDIR"
	printf '{"a":"x","b":[1]}\n{"a":"  ","b":[]}\n{"a":"\\u00a0","b":{}}\n' >e.ndjson
	run -0 dq profile e.ndjson
	run -0 jq -c '.completenessOverview | [.a.empty, .b.empty, .a.completeness]' <<<"$output"
	assert_output "[2,2,0.333333333333]"
	run -0 dq profile --suggest e.ndjson
	printf '%s\n' "$output" >s.json
	run -0 jq -c '.fields.a.required, .fields.b.required' s.json
	assert_output $'null\nnull'
	run -0 --separate-stderr dq validate -q -c s.json --summary v.json e.ndjson
	run -0 jq .score v.json
	assert_output 100
}

@test "nested leaves are fields of their own, arrays with their length distribution (issue 18, 1)" {
	# fields.links[]: 2 elements; items[].sku: in 1 of the 2 objects of
	# items[]; fields.n.a\.b: the key "a.b" escaped; arrays: lengths 2
	# and 0 (the [] also counts as empty).  Nested fields' completeness
	# counts the objects they could be in, not the rows.
	printf '%s\n' '{"id":"a","fields":{"name":"X","links":["rec1","rec2"],"n":{"a.b":1}},"items":[{"sku":"S1"},{"q":2}]}' \
		'{"id":"b","fields":{"links":[]},"items":[]}' '{"id":"c"}' >"$T/in"
	dq profile "$T/in" >"$T/p.json"
	run -0 jq -c '.sampleData.columns' "$T/p.json"
	assert_output '["id","fields","fields.name","fields.links","fields.links[]","fields.n","fields.n.a\\.b","items","items[]","items[].sku","items[].q"]'
	run -0 jq -c '.completenessOverview | map_values([.count, .present, .missing, .completeness])' "$T/p.json"
	assert_output '{"id":[3,3,0,1],"fields":[3,2,1,0.666666666667],"fields.name":[2,1,1,0.5],"fields.links":[2,2,0,0.5],"fields.links[]":[2,2,0,1],"fields.n":[2,1,1,0.5],"fields.n.a\\.b":[1,1,0,1],"items":[3,2,1,0.333333333333],"items[]":[2,2,0,1],"items[].sku":[2,1,1,0.5],"items[].q":[2,1,1,0.5]}'
	run -0 jq -c '.statisticalSummary | with_entries(select(.value.arrayLength)) | map_values(.arrayLength)' "$T/p.json"
	assert_output '{"fields.links":{"min":0,"mean":1,"max":2,"counts":{"0":1,"2":1}},"items":{"min":0,"mean":1,"max":2,"counts":{"0":1,"2":1}}}'
	run -0 jq -c '.sampleData.rows[0][2:7], .typeFormatIssues["fields.links[]"].dominantType' "$T/p.json"
	assert_output - <<-'O'
	["X",["rec1","rec2"],["rec1","rec2"],{"a.b":1},1]
	"string"
	O
	# --suggest: nested fields by their paths, which dq-validate reads;
	# no required or unique on elements.
	dq profile --suggest "$T/in" >"$T/c.json"
	run -0 jq -c '.fields | {"fields.links[]": .["fields.links[]"], "items[].sku": .["items[].sku"]}' "$T/c.json"
	assert_output '{"fields.links[]":{"type":"string","pattern":"^[a-z]{3}[0-9]$"},"items[].sku":{"type":"string","pattern":"^[A-Z][0-9]$"}}'
	run -0 --separate-stderr dq validate -c "$T/c.json" "$T/in"
}
