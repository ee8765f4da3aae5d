#!/usr/bin/env bats
# dq-merge: clusters, survivorship, golden records, the id map, the review
# queue, decisions, incremental ids; exact outputs on hand-made scored
# pairs (the format of docs/merge.md), so these tests need neither
# dq-block nor dq-score.

load helpers

setup() {
	T=$BATS_TEST_TMPDIR
	M=$FIX/merge
}

# groups FILE: the clusters of a map file as "id id ..." lines, sorted,
# so a test can state the grouping without the cluster ids.
groups() {
	jq -rs 'group_by(.cluster) | map(map(.id | tostring) | sort
		| join(" ")) | sort | .[]' "$1"
}

@test "help reads like the man page; version" {
	run -0 dq merge --help
	assert_line --partial "usage: dq-merge"
	assert_line --partial "--previous-map FILE"
	assert_line --partial "--decisions FILE"
	run -0 dq merge --version
	assert_output --regexp '^dq-merge [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "usage and contract errors: exit 2, nothing on stdout" {
	run -2 --separate-stderr dq merge --weak-link 1.5 "$M/pairs.ndjson"
	assert_output ""
	[[ "$stderr" == *"--weak-link: '1.5' is not a number from 0 to 1"* ]]
	run -2 --separate-stderr dq merge --max-cluster-size 1 "$M/pairs.ndjson"
	assert_output ""
	run -2 --separate-stderr dq merge --records "$T/absent" "$M/pairs.ndjson"
	assert_output ""
	[[ "$stderr" == *"absent"* ]]
	run -2 --separate-stderr dq merge --set survivorship.fields.x.rule=oldest \
		"$M/pairs.ndjson"
	assert_output ""
	[[ "$stderr" == *"'survivorship.fields.x': unknown rule 'oldest'"* ]]
	run -2 --separate-stderr dq merge --set survivorship.fields.x.when=1 \
		"$M/pairs.ndjson"
	[[ "$stderr" == *"unknown key 'survivorship.fields.x.when'"* ]]
	run -2 --separate-stderr dq merge --set survivorship.default=most_recent \
		"$M/pairs.ndjson"
	[[ "$stderr" == *"most_recent needs 'timestamp'"* ]]
	run -2 --separate-stderr dq merge --set survivorship.default=union \
		"$M/pairs.ndjson"
	[[ "$stderr" == *"unknown rule 'union'"* ]]
	echo '{"a":"p1","b":"p2","decision":"maybe"}' >"$T/dec"
	run -2 --separate-stderr dq merge --decisions "$T/dec" "$M/pairs.ndjson"
	assert_output ""
	[[ "$stderr" == *"dec:1: decision: expected \"match\", \"distinct\" or null"* ]]
}

@test "golden records, map and log: clusters joined by match pairs" {
	run -0 --separate-stderr dq merge --records "$M/records.ndjson" \
		--map "$T/map" --log "$T/log" --summary "$T/sum" \
		"$M/pairs.ndjson"
	assert_output "$(cat "$M/expected-golden.ndjson")"
	# p1-p2 .91, p2-p3 .95, p3-p6 .93 match; p1-p3 and p4-p5 review;
	# p5-p6 distinct: one cluster of four and two singletons.
	run -0 groups "$T/map"
	assert_output "$(printf '%s\n' 'p1 p2 p3 p6' p4 p5)"
	run -0 cat "$T/map"
	assert_line --index 0 '{"id":"p1","cluster":"ccc49fdcc510be364"}'
	assert_line --index 3 '{"id":"p4","cluster":"cc83bd5a07df83a9c"}'
	[ "$(count_lines "$T/log")" = 1 ]
	run -0 jq -c '[.cluster, .size, .members, .joined, .cut]' "$T/log"
	assert_output '["ccc49fdcc510be364",4,["p1","p2","p3","p6"],[{"a":"p1","b":"p2","score":0.91,"by":"score"},{"a":"p2","b":"p3","score":0.95,"by":"score"},{"a":"p3","b":"p6","score":0.93,"by":"score"}],[]]'
	run -0 jq -c '.merge | [.records, .ids, .clusters, .singletons,
		.largest, .pairs, .review_written]' "$T/sum"
	assert_output '[6,6,3,2,4,{"match":3,"review":2,"distinct":1,"self":0},0]'
	run -0 jq -c '.counts | [.in, .out, .rejected]' "$T/sum"
	assert_output '[6,3,0]'
}

@test "without --records only the records in pairs, from the pairs" {
	run -0 --separate-stderr dq merge --map "$T/map" "$M/pairs.ndjson"
	run -0 groups "$T/map"
	assert_output "$(printf '%s\n' 'p1 p2 p3 p6' p4 p5)"
	printf '%s\n' '{"a":{"id":"x1","n":"A"},"b":{"id":"x2","n":"B"},"_dq":{"score":0.99,"decision":"match"}}' >"$T/p"
	run -0 --separate-stderr dq merge "$T/p"
	assert_output '{"id":"x1","n":"A","_dq":{"cluster":"cfed336aa20e7a19d","members":["x1","x2"],"provenance":{"id":"x1","n":"x1"}}}'
}

@test "survivorship: a blank value is missing as contract/types.h says" {
	# White space (a no-break space too) and [] never win over a value;
	# when no member has one, the earliest blank value is kept.
	printf '%s\n' '{"a":{"id":"1","email":"  ","tags":[],"nick":"\u00a0"},"b":{"id":"2","email":"ann@x.org","tags":["t"],"nick":"Annie"},"_dq":{"score":1,"decision":"match"}}' \
		'{"a":{"id":"3","email":" "},"b":{"id":"4","email":null},"_dq":{"score":1,"decision":"match"}}' >"$T/blank.ndjson"
	run -0 --separate-stderr dq merge "$T/blank.ndjson"
	run -0 jq -c 'del(._dq)' <<<"$output"
	assert_output '{"id":"1","email":"ann@x.org","tags":["t"],"nick":"Annie"}
{"id":"3","email":" "}'
}

@test "survivorship: every rule with conflicting, null and tied values" {
	run -0 --separate-stderr dq merge -c "$M/surv.json" --log "$T/log" \
		"$M/surv-pairs.ndjson"
	# By hand: nick non_null (null, "", "Annie") -> Annie (p3); title
	# tie Dr/Prof -> p1; city most_recent: p3 newest but null, p2
	# 2023-05-01T02:00+02:00 -> Bergen; street p2 and p3 same instant
	# (1682899200) -> tie, p2; phone source_priority: p3 manual but
	# null, p1 and p2 both crm -> tie, p1; fax p3 manual -> F3; first
	# most_frequent Anne 2:1; last Lee/Li 1:1 -> tie, p1; notes
	# longest in code points: 7 (p1) over 6 two-byte letters (p2);
	# alias abc/xyz tie -> p1; score min numerically: 9.50 (as
	# written) under 10 and "12"; visits max: "007" and 7 tie -> p2's
	# "007"; dob min as text -> 1989-12-31; email union, primary most
	# frequent; tel union into tels, primary most_recent (p2 and p3
	# tie -> p2), p3's own "tels" ignored; empty: no valid value ->
	# the earliest, null; extra kept byte for byte with its space.
	assert_output '{"id":"p1","nick":"Annie","title":"Dr","city":"Bergen","street":"B st","ts":"2021-01-01T00:00:00Z","src":"crm","phone":"+100","fax":"F3","first":"Anne","last":"Lee","notes":"abcdefg","alias":"abc","score":9.50,"visits":"007","dob":"1989-12-31","email":["a@x","b@y"],"tel":"+2","tels":["+2","+1","+3"],"empty":null,"extra":{"k":[1, 2]},"_dq":{"cluster":"ccc49fdcc510be364","members":["p1","p2","p3"],"provenance":{"id":"p1","nick":"p3","title":"p1","city":"p2","street":"p2","ts":"p1","src":"p1","phone":"p1","fax":"p3","first":"p2","last":"p1","notes":"p1","alias":"p1","score":"p2","visits":"p2","dob":"p2","email":"p1","tel":"p2","tels":"p2","empty":"p1","extra":"p2"}}}'
	run -0 jq -c '[.rules.city, .rules.phone, .rules.first, .rules.notes,
		.rules.score, .rules.visits, .rules.email, .rules.tel, .ties]' \
		"$T/log"
	assert_output '["most_recent","source_priority","most_frequent","longest","min","max","union","union",["id","title","street","ts","src","phone","last","alias","visits","tel"]]'
}

@test "survivorship: a null never replaces a valid value, whatever the order" {
	printf '%s\n' \
		'{"a":{"id":"b","v":null,"w":""},"b":{"id":"a","w":"x"},"_dq":{"score":1,"decision":"match"}}' \
		'{"a":{"id":"b","v":null,"w":""},"b":{"id":"c","v":5},"_dq":{"score":1,"decision":"match"}}' >"$T/p"
	for rule in non_null most_frequent longest min max; do
		run -0 --separate-stderr dq merge \
			--set "survivorship.fields.v.rule=$rule" \
			--set "survivorship.fields.w.rule=$rule" "$T/p"
		assert_output '{"id":"a","w":"x","v":5,"_dq":{"cluster":"ce6c632b61e964e1f","members":["a","b","c"],"provenance":{"id":"a","w":"a","v":"c"}}}'
	done
}

@test "determinism: reruns and permuted inputs give the same bytes" {
	dq merge --records "$M/records.ndjson" --map "$T/map1" --log "$T/log1" \
		--review "$T/rev1" "$M/pairs.ndjson" >"$T/out1"
	dq merge --records "$M/records.ndjson" --map "$T/map2" --log "$T/log2" \
		--review "$T/rev2" "$M/pairs.ndjson" >"$T/out2"
	cmp "$T/out1" "$T/out2"
	cmp "$T/map1" "$T/map2"
	cmp "$T/log1" "$T/log2"
	cmp "$T/rev1" "$T/rev2"
	# Records and pairs reversed, and a and b swapped in every pair.
	tac "$M/records.ndjson" >"$T/recs"
	tac "$M/pairs.ndjson" | jq -c '{a: .b, b: .a, _dq}' >"$T/pairs"
	dq merge --records "$T/recs" --map "$T/map3" --log "$T/log3" \
		"$T/pairs" >"$T/out3"
	cmp "$T/out1" "$T/out3"
	cmp "$T/map1" "$T/map3"
	cmp "$T/log1" "$T/log3"
}

@test "conservation: every id in exactly one cluster (1000 generated records)" {
	"$DQ_BIN/dq-gen" -n 1000 --seed 7 --truth "$T/truth" >"$T/recs"
	# Scored pairs from the truth: every true pair as a match, plus
	# false matches chaining some entities together.
	awk -F'\t' '{ if ($2 in first) print first[$2] "\t" $1; else first[$2] = $1 }' \
		"$T/truth" >"$T/tp"
	awk -F'\t' 'NR % 97 == 0 { print prev "\t" $1 } { prev = $1 }' \
		"$T/truth" >>"$T/tp"
	awk -F'\t' '{ printf "{\"a\":{\"id\":\"%s\"},\"b\":{\"id\":\"%s\"},\"_dq\":{\"score\":0.9,\"decision\":\"match\"}}\n", $1, $2 }' \
		"$T/tp" >"$T/pairs"
	run -0 --separate-stderr dq merge --records "$T/recs" --map "$T/map" \
		--summary "$T/sum" "$T/pairs"
	printf '%s\n' "$output" >"$T/out"
	# Each input id exactly once in the map and in the members.
	cut -f1 "$T/truth" | sort >"$T/ids"
	jq -r .id "$T/map" | sort >"$T/mapids"
	cmp "$T/ids" "$T/mapids"
	jq -r '._dq.members[]' "$T/out" | sort >"$T/members"
	cmp "$T/ids" "$T/members"
	# One golden record per cluster of the map.
	[ "$(jq -r .cluster "$T/map" | sort -u | wc -l)" = "$(count_lines "$T/out")" ]
	run -0 jq -c '.merge | [.records, .ids, .clusters == .singletons +
		.merged_clusters]' "$T/sum"
	assert_output '[1000,1000,true]'
}

@test "decisions override scores: a distinct pair undoes the merge" {
	printf '%s\n' '{"a":"p3","b":"p2","decision":"distinct"}' >"$T/dec"
	run -0 --separate-stderr dq merge --records "$M/records.ndjson" \
		--decisions "$T/dec" --map "$T/map" --log "$T/log" \
		--summary "$T/sum" "$M/pairs.ndjson"
	run -0 groups "$T/map"
	assert_output "$(printf '%s\n' 'p1 p2' 'p3 p6' p4 p5)"
	run -0 jq -c '[.members, .cut]' "$T/log"
	assert_line --index 0 '[["p1","p2"],[{"a":"p2","b":"p3","score":0.95,"why":"decision"}]]'
	assert_line --index 1 '[["p3","p6"],[{"a":"p2","b":"p3","score":0.95,"why":"decision"}]]'
	run -0 jq -c '.merge.decisions' "$T/sum"
	assert_output '{"match":0,"distinct":1,"undecided":0,"unknown_ids":0,"undone_matches":1,"closed_reviews":0,"unscored_matches":0}'
	# Distinct keeps the two apart even through other records: p1-p6
	# distinct with the chain p1-p2-p3-p6 splits it at its weakest link,
	# p1-p2 (0.91).
	printf '%s\n' 'a,b,decision' 'p6,p1,distinct' >"$T/dec.csv"
	run -0 --separate-stderr dq merge --records "$M/records.ndjson" \
		--decisions "$T/dec.csv" --map "$T/map" --log "$T/log" \
		"$M/pairs.ndjson"
	run -0 groups "$T/map"
	assert_output "$(printf '%s\n' p1 'p2 p3 p6' p4 p5)"
	run -0 jq -c '.cut' "$T/log"
	assert_line --index 0 '[{"a":"p1","b":"p2","score":0.91,"why":"distinct"}]'
}

@test "a decisions or previous-map file with a bad line stops the run, naming file and line" {
	# A hole in the decisions would merge a pair a person kept apart.
	printf '%s\n' '{"a":"p1","b":"p2","decision":"distinct"}' '{"a":"p3",' \
		'{"a":"p3","b":"p2","decision":"distinct"}' >"$T/dec"
	run -2 --separate-stderr dq merge --records "$M/records.ndjson" \
		--decisions "$T/dec" --map "$T/map" "$M/pairs.ndjson"
	assert_output ""
	[[ "$stderr" == *"$T/dec:2: "* ]]
	[ ! -e "$T/map" ]
	run -0 --separate-stderr dq merge --records "$M/records.ndjson" \
		--map "$T/map1" "$M/pairs.ndjson"
	{ head -n 1 "$T/map1"; echo 'not json'; tail -n +2 "$T/map1"; } >"$T/prev"
	run -2 --separate-stderr dq merge --records "$M/records.ndjson" \
		--previous-map "$T/prev" "$M/pairs.ndjson"
	assert_output ""
	[[ "$stderr" == *"$T/prev:2: "* ]]
}

@test "the review loop: review file, a person's decisions, the queue closes" {
	run -0 --separate-stderr dq merge --records "$M/records.ndjson" \
		--review "$T/rev" "$M/pairs.ndjson"
	# Highest score first; decision null to fill in; both records and
	# the explanation as they came; ids and current clusters added.
	run -0 jq -c '[.decision, ._dq.score, ._dq.ids, ._dq.clusters,
		._dq.features.last_name, .a.id, .b.phone]' "$T/rev"
	assert_line --index 0 '[null,0.8,["p1","p3"],["ccc49fdcc510be364","ccc49fdcc510be364"],{"level":"exact","similarity":1,"weight":2.5},"p1","+15550002"]'
	assert_line --index 1 '[null,0.75,["p4","p5"],["cc83bd5a07df83a9c","cc455821430b82307"],{"level":"exact","similarity":1,"weight":2.5},"p4","+15550003"]'
	# The records in the review file are byte for byte the pair's.
	run -0 jq -c '.b' "$T/rev"
	assert_line --index 1 '{"id":"p5","first_name":"Rob","last_name":"Stone","email":"","phone":"+15550003","signup_ts":"2022-02-02","score":2,"source":"import"}'
	# A person decides the second pair "match" in the file itself.
	jq -c 'if ._dq.ids == ["p4","p5"] then .decision = "match" else . end' \
		"$T/rev" >"$T/dec"
	run -0 --separate-stderr dq merge --records "$M/records.ndjson" \
		--decisions "$T/dec" --review "$T/rev2" --map "$T/map" \
		--summary "$T/sum" "$M/pairs.ndjson"
	run -0 groups "$T/map"
	assert_output "$(printf '%s\n' 'p1 p2 p3 p6' 'p4 p5')"
	[ "$(count_lines "$T/rev2")" = 1 ]
	run -0 jq -c '._dq.ids' "$T/rev2"
	assert_output '["p1","p3"]'
	run -0 jq -c '.merge.decisions | [.match, .undecided, .closed_reviews]' "$T/sum"
	assert_output '[1,1,1]'
	# p4 (crm, 2020) and p5 (import, 2022): email "" never wins.
	run -0 jq -c 'select(._dq.members == ["p4","p5"]) | [.email, .first_name, ._dq.provenance.email]' \
		<(dq merge --records "$M/records.ndjson" --decisions "$T/dec" "$M/pairs.ndjson")
	assert_output '["bob@z.net","Bob","p4"]'
}

@test "contradictory decisions: the gate fails (exit 1), output complete" {
	printf '%s\n' '{"a":"p4","b":"p5","decision":"match"}' \
		'{"a":"p5","b":"p6","decision":"match"}' \
		'{"a":"p4","b":"p6","decision":"distinct"}' >"$T/dec"
	run -1 --separate-stderr dq merge --records "$M/records.ndjson" \
		--decisions "$T/dec" --map "$T/map" --log "$T/log" \
		--summary "$T/sum" "$M/pairs.ndjson"
	[[ "$stderr" == *"1 decided matches contradict pairs marked distinct"* ]]
	[ "${#lines[@]}" = 2 ]
	# Pinned p4-p5 joins first (smaller pair); p5-p6 would bring p6 in
	# with p4: refused.  p6 stays with p1's cluster by its score.
	run -0 groups "$T/map"
	assert_output "$(printf '%s\n' 'p1 p2 p3 p6' 'p4 p5')"
	run -0 jq -c '.merge.cut' "$T/sum"
	assert_output '{"weak_link":0,"distinct":0,"max_size":0,"conflict":1,"held":0}'
	run -0 jq -c 'select(.members == ["p4","p5"]) | [.joined, .cut]' "$T/log"
	assert_output '[[{"a":"p4","b":"p5","score":0.75,"by":"decision"}],[{"a":"p5","b":"p6","score":null,"why":"conflict"}]]'
}

@test "weak links: a low edge that alone holds a cluster is cut" {
	# p1-p2 0.91 is a bridge of p1-p2-p3-p6; below 0.92 it is cut.
	run -0 --separate-stderr dq merge --records "$M/records.ndjson" \
		--weak-link 0.92 --map "$T/map" --log "$T/log" --summary "$T/sum" \
		"$M/pairs.ndjson"
	run -0 groups "$T/map"
	assert_output "$(printf '%s\n' p1 'p2 p3 p6' p4 p5)"
	run -0 jq -c 'select(.members == ["p1"]) | .cut' "$T/log"
	assert_output '[{"a":"p1","b":"p2","score":0.91,"why":"weak_link"}]'
	run -0 jq -c '.merge.cut.weak_link' "$T/sum"
	assert_output '1'
	# p1-p3 decided match closes a cycle: p1-p2 is corroborated, kept.
	printf '%s\n' '{"a":"p1","b":"p3","decision":"match"}' >"$T/dec"
	run -0 --separate-stderr dq merge --records "$M/records.ndjson" \
		--weak-link 0.92 --decisions "$T/dec" --map "$T/map" \
		"$M/pairs.ndjson"
	run -0 groups "$T/map"
	assert_output "$(printf '%s\n' 'p1 p2 p3 p6' p4 p5)"
	# The contract's weak_link does the same as the option.
	run -0 --separate-stderr dq merge --records "$M/records.ndjson" \
		--set survivorship.weak_link=0.92 --map "$T/map" "$M/pairs.ndjson"
	run -0 groups "$T/map"
	assert_output "$(printf '%s\n' p1 'p2 p3 p6' p4 p5)"
}

@test "maximum cluster size: the weakest joins are refused" {
	# Strongest first: p2-p3 .95, p3-p6 .93 (3 members), p1-p2 .91
	# would make 4 > 3.
	run -0 --separate-stderr dq merge --records "$M/records.ndjson" \
		--max-cluster-size 3 --map "$T/map" --log "$T/log" \
		"$M/pairs.ndjson"
	run -0 groups "$T/map"
	assert_output "$(printf '%s\n' p1 'p2 p3 p6' p4 p5)"
	run -0 jq -c 'select(.members == ["p1"]) | .cut' "$T/log"
	assert_output '[{"a":"p1","b":"p2","score":0.91,"why":"max_size"}]'
}

@test "incremental ids: --previous-map keeps cluster ids when records join" {
	dq merge --records "$M/records.ndjson" --map "$T/map1" \
		"$M/pairs.ndjson" >/dev/null
	old=$(jq -r 'select(.id == "p2") | .cluster' "$T/map1")
	[ "$old" = ccc49fdcc510be364 ]
	# A new record p0 joins p2's cluster; without the previous map the
	# id would follow the new smallest member, p0.
	{ cat "$M/records.ndjson"; echo '{"id":"p0","first_name":"Ann"}'; } >"$T/recs"
	{ cat "$M/pairs.ndjson"; echo '{"a":{"id":"p0"},"b":{"id":"p2"},"_dq":{"score":0.99,"decision":"match"}}'; } >"$T/pairs"
	dq merge --records "$T/recs" --map "$T/fresh" "$T/pairs" >/dev/null
	run -0 jq -r 'select(.id == "p2") | .cluster' "$T/fresh"
	refute_output "$old"
	run -0 --separate-stderr dq merge --records "$T/recs" \
		--previous-map "$T/map1" --map "$T/map2" --summary "$T/sum" \
		"$T/pairs"
	run -0 jq -r 'select(.id == "p0" or .id == "p6") | .cluster' "$T/map2"
	assert_output "$(printf '%s\n' "$old" "$old")"
	# Singletons keep theirs too.
	run -0 jq -r 'select(.id == "p4") | .cluster' "$T/map2"
	assert_output cc83bd5a07df83a9c
	run -0 jq -c .merge.cluster_ids "$T/sum"
	assert_output '{"kept":3,"new":0}'
	# A split: p2-p3 marked distinct.  Both parts hold two of the old
	# four; the part with the smallest member keeps the id, the other
	# gets a new one (never an id of the previous map).
	printf '%s\n' '{"a":"p2","b":"p3","decision":"distinct"}' >"$T/dec"
	run -0 --separate-stderr dq merge --records "$M/records.ndjson" \
		--previous-map "$T/map1" --decisions "$T/dec" --map "$T/map3" \
		"$M/pairs.ndjson"
	run -0 jq -r 'select(.id == "p1" or .id == "p3") | .cluster' "$T/map3"
	assert_line --index 0 "$old"
	assert_line --index 1 ca82c52b0072abeee
}

@test "record identity: --id, and _dq.row when there is no id" {
	printf '%s\n' '{"key":7,"n":"a"}' '{"key":"7","n":"b"}' '{"n":"c","_dq":{"row":3}}' '{"n":"d"}' >"$T/recs"
	printf '%s\n' '{"a":{"key":"7"},"b":{"n":"c","_dq":{"row":3}},"_dq":{"score":1,"decision":"match"}}' >"$T/p"
	# 7 and "7" are the same id (ids compare as text): the second is
	# rejected, not merged; the fourth record has neither: it is named
	# by its line, 4.
	run -1 --separate-stderr dq merge --id key --records "$T/recs" \
		--map "$T/map" --summary "$T/sum" --rejects "$T/rej" "$T/p"
	run -0 jq -c '[.line, .reason]' "$T/rej"
	assert_output '[2,"duplicate id '"'7'"' (first at line 1)"]'
	run -0 cat "$T/map"
	assert_output "$(printf '%s\n' '{"key":3,"cluster":"c7324dc1e7e9474f0"}' '{"key":4,"cluster":"ce28911027fcf803f"}' '{"key":7,"cluster":"c7324dc1e7e9474f0"}')"
	run -0 jq -c '.merge | [.records, .ids, .duplicate_ids, .records_without_id]' "$T/sum"
	assert_output '[4,3,1,1]'
}

@test "record identity across files: row 2 of f1.csv and of f2.csv are two records (issue 15, 1)" {
	P=$BATS_TEST_DIRNAME/../examples/contracts/person.json
	printf 'first_name,last_name,email\nAnn,Lee,ann@x.com\nBea,Kim,bea@y.com\n' >"$T/f1.csv"
	printf 'first_name,last_name,email\nCarl,Ono,carl@z.com\nDan,Po,dan@w.com\n' >"$T/f2.csv"
	(cd "$T" && dq normalize -q -c "$P" f1.csv f2.csv >all.ndjson)
	: >"$T/none"
	run -0 --separate-stderr dq merge -c "$P" --records "$T/all.ndjson" \
		--map "$T/map" --summary "$T/sum" "$T/none"
	printf '%s\n' "$output" | jq -c '[.first_name, .emails, ._dq.members]' >"$T/g"
	run -0 cat "$T/g"
	assert_output "$(printf '%s\n' '["Ann",["ann@x.com"],["f1.csv:2"]]' \
		'["Bea",["bea@y.com"],["f1.csv:3"]]' \
		'["Carl",["carl@z.com"],["f2.csv:2"]]' \
		'["Dan",["dan@w.com"],["f2.csv:3"]]')"
	run -0 jq -c '.merge | [.records, .ids, .duplicate_ids]' "$T/sum"
	assert_output '[4,4,0]'
	# An id column is per source too, unless the contract says the ids
	# are global: then id 1 of both files is one id, and the second is
	# a duplicate (rejected, never merged).
	printf 'id,first_name\n1,Ann\n' >"$T/f1.csv"
	printf 'id,first_name\n1,Bob\n' >"$T/f2.csv"
	(cd "$T" && dq normalize -q -c "$P" f1.csv f2.csv >all.ndjson)
	run -0 --separate-stderr dq merge -c "$P" --records "$T/all.ndjson" "$T/none"
	printf '%s\n' "$output" | jq -c '[.first_name, ._dq.members]' >"$T/g"
	run -0 cat "$T/g"
	assert_output "$(printf '%s\n' '["Ann",["f1.csv:1"]]' '["Bob",["f2.csv:1"]]')"
	run -1 --separate-stderr dq merge -c "$P" --set identity.global=true \
		--records "$T/all.ndjson" --rejects "$T/rej" "$T/none"
	printf '%s\n' "$output" | jq -c '[.first_name, ._dq.members]' >"$T/g"
	run -0 cat "$T/g"
	assert_output '["Ann",["1"]]'
	run -0 jq -c '[.line, .reason]' "$T/rej"
	assert_output '[2,"duplicate id '"'1'"' (first at line 1)"]'
	run -2 --separate-stderr dq merge -c "$P" --set identity.global=1 \
		--records "$T/all.ndjson" "$T/none"
	assert_equal "$stderr" "dq-merge: contract: 'identity.global' must be true or false"
}

@test "duplicate ids in --records: rejected or exit 2, never merged (issue 15, 2)" {
	printf '%s\n' '{"id":"1","first_name":"Ann","email":"ann@x.com"}' \
		'{"id":"1","first_name":"Bob","email":"bob@y.com"}' \
		'{"id":"2","first_name":"Cy"}' >"$T/recs"
	: >"$T/none"
	run -1 --separate-stderr dq merge --records "$T/recs" --rejects "$T/rej" \
		--summary "$T/sum" "$T/none"
	assert_output "$(printf '%s\n' \
		'{"id":"1","first_name":"Ann","email":"ann@x.com","_dq":{"cluster":"c65cd25028f98f158","members":["1"],"provenance":{"id":"1","first_name":"1","email":"1"}}}' \
		'{"id":"2","first_name":"Cy","_dq":{"cluster":"cfb95a7322f5da314","members":["2"],"provenance":{"id":"2","first_name":"2"}}}')"
	run -0 jq -c '[.file, .line, .reason, .raw]' "$T/rej"
	assert_output '["'"$T/recs"'",2,"duplicate id '"'1'"' (first at line 1)","{\"id\":\"1\",\"first_name\":\"Bob\",\"email\":\"bob@y.com\"}"]'
	run -0 jq -c '[.merge.records, .merge.ids, .merge.duplicate_ids, .counts.rejected]' "$T/sum"
	assert_output '[3,2,1,1]'
	# As the user chooses: the whole run stops, nothing written.
	run -2 --separate-stderr dq merge --records "$T/recs" --duplicate-ids error "$T/none"
	assert_output ''
	assert_equal "$stderr" "dq-merge: $T/recs:2: duplicate id '1' (first at line 1)"
	run -2 --separate-stderr dq merge --duplicate-ids merge "$T/none"
}

@test "a chain of matches never joins a pair the household guard held (issue 15, 3)" {
	# John Smith Sr and Jr: same email, phone and street, dob 1950 and
	# 1980, held for review by dq-score's guard; a sparse third record
	# (same name and phone, no email, no dob) matches both at 0.95.
	sr='{"id":"s1","first_name":"John","last_name":"Smith","email":"js@x.org","phone":"+15550001","dob":"1950-03-01"}'
	jr='{"id":"s2","first_name":"John","last_name":"Smith","email":"js@x.org","phone":"+15550001","dob":"1980-06-02"}'
	x='{"id":"s3","first_name":"John","last_name":"Smith","phone":"+15550001"}'
	printf '%s\n' "$sr" "$jr" "$x" >"$T/recs"
	printf '%s\n' \
		'{"a":'"$sr"',"b":'"$jr"',"_dq":{"score":0.99,"decision":"review","guard":"household"}}' \
		'{"a":'"$sr"',"b":'"$x"',"_dq":{"score":0.95,"decision":"match"}}' \
		'{"a":'"$jr"',"b":'"$x"',"_dq":{"score":0.95,"decision":"match"}}' >"$T/p"
	run -0 --separate-stderr dq merge --records "$T/recs" --map "$T/map" \
		--review "$T/rev" --log "$T/log" --summary "$T/sum" "$T/p"
	# Sr's dob is never given to a cluster holding Jr.
	printf '%s\n' "$output" | jq -c '[._dq.members, .dob]' >"$T/g"
	run -0 cat "$T/g"
	assert_output "$(printf '%s\n' '[["s1","s3"],"1950-03-01"]' '[["s2"],"1980-06-02"]')"
	# The review file: the held pair, and the link that was cut and why;
	# the person decides which one the third record is.
	run -0 jq -c '[.decision, ._dq.ids, ._dq.score, ._dq.guard, ._dq.cut, .b.dob]' "$T/rev"
	assert_output "$(printf '%s\n' '[null,["s1","s2"],0.99,"household",null,"1980-06-02"]' \
		'[null,["s2","s3"],0.95,null,"held",null]')"
	run -0 jq -c '[.members, .cut]' "$T/log"
	assert_output "$(printf '%s\n' '[["s1","s3"],[{"a":"s2","b":"s3","score":0.95,"why":"held"}]]' \
		'[["s2"],[{"a":"s2","b":"s3","score":0.95,"why":"held"}]]')"
	run -0 jq -c '[.merge.cut.held, .merge.review_written]' "$T/sum"
	assert_output '[1,2]'
	# The person says the third record is Jr: the decision is followed.
	printf '%s\n' '{"a":"s2","b":"s3","decision":"match"}' '{"a":"s1","b":"s3","decision":"distinct"}' >"$T/dec"
	run -0 --separate-stderr dq merge --records "$T/recs" --map "$T/map" \
		--decisions "$T/dec" --review "$T/rev" "$T/p"
	run -0 groups "$T/map"
	assert_output "$(printf '%s\n' s1 's2 s3')"
	# --hold none: the old behaviour, all three joined.
	run -0 --separate-stderr dq merge --hold none --records "$T/recs" --map "$T/map" "$T/p"
	run -0 groups "$T/map"
	assert_output 's1 s2 s3'
	run -2 --separate-stderr dq merge --hold maybe "$T/p"
}

@test "the review file lists only pairs whose answer still changes something (issue 15, 3)" {
	# p1-p3 is in the review band; a person joined p1-p2 and p2-p3:
	# p1-p3 has nothing left to decide.  p4-p5 still has.
	printf '%s\n' '{"a":"p1","b":"p2","decision":"match"}' '{"a":"p2","b":"p3","decision":"match"}' >"$T/dec"
	run -0 --separate-stderr dq merge --records "$M/records.ndjson" \
		--decisions "$T/dec" --review "$T/rev" --summary "$T/sum" \
		"$M/pairs.ndjson"
	run -0 jq -c '._dq.ids' "$T/rev"
	assert_output '["p4","p5"]'
	run -0 jq -c '[.merge.review_written, .merge.review_moot]' "$T/sum"
	assert_output '[1,1]'
}

@test "survivorship groups: an address survives whole from one record (issue 15, 6)" {
	# A is newer (1 Main St, Boston, MA, zip ""), B older (9 Elm Rd,
	# Austin, TX, 73301): field by field gave "1 Main St, Boston, MA
	# 73301", an address that does not exist.
	printf '%s\n' '{"id":"A","street":"1 Main St","city":"Boston","state":"MA","zip":"","ts":"2024-01-01"}' \
		'{"id":"B","street":"9 Elm Rd","city":"Austin","state":"TX","zip":"73301","ts":"2020-01-01","phone":"+15550001"}' >"$T/recs"
	printf '%s\n' '{"a":{"id":"A"},"b":{"id":"B"},"_dq":{"score":1,"decision":"match"}}' >"$T/p"
	printf '%s\n' '{"survivorship":{"default":"most_recent","timestamp":"ts"}}' >"$T/c.json"
	run -0 --separate-stderr dq merge -c "$T/c.json" --records "$T/recs" --log "$T/log" "$T/p"
	assert_output '{"id":"A","street":"1 Main St","city":"Boston","state":"MA","zip":"","ts":"2024-01-01","phone":"+15550001","_dq":{"cluster":"cd0d496e05c553485","members":["A","B"],"provenance":{"id":"A","street":"A","city":"A","state":"A","zip":"A","ts":"A","phone":"B"}}}'
	run -0 jq -c '.rules' "$T/log"
	assert_output '{"id":"most_recent","street":"group:address","city":"group:address","state":"group:address","zip":"group:address","ts":"most_recent","phone":"most_recent"}'
	# A group the contract names; the member lacking a field of it
	# gives null, never another member's value.
	printf '%s\n' '{"survivorship":{"default":"most_recent","timestamp":"ts","groups":{"place":["city","phone"]}}}' >"$T/c2.json"
	run -0 --separate-stderr dq merge -c "$T/c2.json" --records "$T/recs" "$T/p"
	assert_output '{"id":"A","street":"1 Main St","city":"Boston","state":"MA","zip":"73301","ts":"2024-01-01","phone":null,"_dq":{"cluster":"cd0d496e05c553485","members":["A","B"],"provenance":{"id":"A","street":"A","city":"A","state":"A","zip":"B","ts":"A","phone":"A"}}}'
	printf '%s\n' '{"survivorship":{"groups":{"a":["city"]}}}' >"$T/bad.json"
	run -2 --separate-stderr dq merge -c "$T/bad.json" "$T/p"
	assert_equal "$stderr" "dq-merge: contract: 'survivorship.groups.a' must be a list of two or more field names"
	printf '%s\n' '{"survivorship":{"groups":{"a":["city","zip"],"b":["zip","state"]}}}' >"$T/bad.json"
	run -2 --separate-stderr dq merge -c "$T/bad.json" "$T/p"
	assert_equal "$stderr" "dq-merge: contract: 'survivorship.groups.b': field 'zip' is in two groups or twice"
}

@test "id map: (source, external id) with first and last seen; vanished ids kept and counted (issue 15, 7)" {
	P=$BATS_TEST_DIRNAME/../examples/contracts/person.json
	printf 'id,first_name\n001,Ann\n' >"$T/crm.csv"
	printf 'id,first_name\n001,Bob\n' >"$T/erp.csv"
	(cd "$T" && dq normalize -q -c "$P" crm.csv erp.csv >day1.ndjson)
	: >"$T/none"
	run -0 --separate-stderr dq merge -c "$P" --records "$T/day1.ndjson" \
		--map "$T/map1" --seen 2026-12-01 "$T/none"
	run -0 jq -c '[.id, .first_seen, .last_seen]' "$T/map1"
	assert_output "$(printf '%s\n' '["crm.csv:001","2026-12-01","2026-12-01"]' '["erp.csv:001","2026-12-01","2026-12-01"]')"
	# Day 2: the ERP's 001 is gone, 002 is new; the CRM's 001 is seen
	# again.  No source's rows are lost, none is overwritten.
	printf 'id,first_name\n002,Cy\n' >"$T/erp.csv"
	(cd "$T" && dq normalize -q -c "$P" crm.csv erp.csv >day2.ndjson)
	run -0 --separate-stderr dq merge -c "$P" --records "$T/day2.ndjson" \
		--previous-map "$T/map1" --map "$T/map2" --seen 2026-12-02 \
		--summary "$T/sum" "$T/none"
	run -0 jq -c '[.id, .first_seen, .last_seen, .vanished]' "$T/map2"
	assert_output "$(printf '%s\n' '["crm.csv:001","2026-12-01","2026-12-02",null]' \
		'["erp.csv:002","2026-12-02","2026-12-02",null]' \
		'["erp.csv:001","2026-12-01","2026-12-01",true]')"
	run -0 jq -c '[.merge.ids, .merge.ids_vanished, .merge.cluster_ids]' "$T/sum"
	assert_output '[2,1,{"kept":1,"new":1}]'
	# Carried again, it stays one line.
	run -0 --separate-stderr dq merge -c "$P" --records "$T/day2.ndjson" \
		--previous-map "$T/map2" --map "$T/map3" "$T/none"
	run -0 grep -c '"erp.csv:001"' "$T/map3"
	assert_output 1
}

@test "--keep-original: the original of a +tag e-mail survives dq-merge and dq-csv exports it (issue 15, 11)" {
	P=$BATS_TEST_DIRNAME/../examples/contracts/person.json
	printf 'id,first_name,email\n1,Ann,Ann.Lee+news@Gmail.com\n2,Ann,ann.lee@gmail.com\n3,Bo,bo@x.org\n' >"$T/p.csv"
	dq normalize -q -c "$P" --keep-original "$T/p.csv" >"$T/n"
	printf '%s\n' '{"a":{"id":"1"},"b":{"id":"2"},"_dq":{"score":1,"decision":"match"}}' >"$T/p"
	run -0 --separate-stderr dq merge -c "$P" --records "$T/n" "$T/p"
	printf '%s\n' "$output" >"$T/g"
	run -0 jq -c '[.email, ._dq.provenance.email, ._dq.orig]' "$T/g"
	assert_output "$(printf '%s\n' '["annlee@gmail.com","1",{"email":"Ann.Lee+news@Gmail.com"}]' '["bo@x.org","3",null]')"
	run -0 --separate-stderr dq csv --fields id,email --originals "$T/g"
	assert_output "$(printf '%s\r\n' 'id,email,originals' '1,annlee@gmail.com,"{""email"":""Ann.Lee+news@Gmail.com""}"' '3,bo@x.org,')"
}

@test "rejects: malformed pairs go whole to the rejects file, counted" {
	{
		head -2 "$M/pairs.ndjson"
		echo '{"a":{"id":"p1"},"b":{"id":"p2"}'
		echo '{"a":{"id":"p1"},"b":{"id":"p2"},"_dq":{"score":0.9}}'
		echo '{"a":{"id":"p1"},"b":{"name":"x"},"_dq":{"score":0.9,"decision":"match"}}'
		echo '{"a":{"id":"p1"},"_dq":{"score":0.9,"decision":"match"}}'
		echo '{"a":{"id":"p1"},"b":{"id":"p2"},"_dq":{"score":"high","decision":"match"}}'
		echo '{"a":{"id":"p1"},"b":{"id":"p1"},"_dq":{"score":1,"decision":"match"}}'
	} >"$T/p"
	run -1 --separate-stderr dq merge --rejects "$T/rej" --summary "$T/sum" "$T/p"
	[ "${#lines[@]}" = 1 ]
	run -0 jq -c '[.line, .reason]' "$T/rej"
	assert_output "$(printf '%s\n' '[3,"truncated object"]' \
		'[4,"pair has no _dq.decision match, review or distinct"]' \
		"[5,\"record 'b' has no id and no _dq.row\"]" \
		"[6,\"pair has no record 'b'\"]" \
		'[7,"pair has no number _dq.score"]')"
	run -0 jq -c '[.counts.in, .counts.out, .counts.rejected, .merge.pairs.self, .exit_status]' "$T/sum"
	assert_output '[8,1,5,1,1]'
	run -0 --separate-stderr dq merge --max-rejects 5 "$T/p"
}

@test "empty input: no golden records; --records alone: all singletons" {
	: >"$T/empty"
	run -0 --separate-stderr dq merge "$T/empty"
	assert_output ""
	run -0 --separate-stderr dq merge --records "$M/records.ndjson" \
		--map "$T/map" "$T/empty"
	[ "${#lines[@]}" = 6 ]
	run -0 groups "$T/map"
	assert_output "$(printf '%s\n' p1 p2 p3 p4 p5 p6)"
	# A singleton leaves with its fields byte for byte.
	assert_equal "$(head -1 "$M/records.ndjson" | sed 's/}$//')" \
		"$(dq merge --records "$M/records.ndjson" "$T/empty" | head -1 | sed 's/,"_dq".*//')"
}

@test "a full disk is an error (exit 2); a closed pipe ends quietly" {
	run -2 --separate-stderr bash -c '"$1" --records "$2" "$3" >/dev/full' \
		_ "$DQ_BIN/dq-merge" "$M/records.ndjson" "$M/pairs.ndjson"
	[[ "$stderr" == *"stdout"* ]]
	bash -c '"$1" --records "$2" "$3" | head -1 >/dev/null; echo "${PIPESTATUS[0]}"' \
		_ "$DQ_BIN/dq-merge" "$M/records.ndjson" "$M/pairs.ndjson" >"$T/st" 2>"$T/err"
	[ "$(cat "$T/st")" = 0 ]
	[ ! -s "$T/err" ]
	run -2 --separate-stderr dq merge --map /dev/full "$M/pairs.ndjson"
}

@test "pipeline: normalize, block, score, merge on generated people with known duplicates" {
	[ -x "$DQ_BIN/dq-block" ] && [ -x "$DQ_BIN/dq-score" ] ||
		skip "dq-block and dq-score not built in this tree"
	C=$BATS_TEST_DIRNAME/../examples/contracts/person.json
	"$DQ_BIN/dq-gen" -n 3000 --seed 3 --truth "$T/truth" >"$T/gen"
	dq normalize -c "$C" -q "$T/gen" >"$T/clean"
	dq block -c "$C" -q "$T/clean" >"$T/cand"
	dq score -c "$C" -q "$T/cand" >"$T/scored"
	run -0 --separate-stderr dq merge -c "$C" --records "$T/clean" \
		--map "$T/map" --summary "$T/sum" "$T/scored"
	printf '%s\n' "$output" >"$T/golden"
	# Conservation: the 3000 ids, each in one cluster, each cluster one
	# golden record.
	cut -f1 "$T/truth" | sort >"$T/ids"
	jq -r '._dq.members[]' "$T/golden" | sort >"$T/members"
	cmp "$T/ids" "$T/members"
	run -0 jq -c '.merge | [.records, .ids, .clusters == .singletons +
		.merged_clusters]' "$T/sum"
	assert_output '[3000,3000,true]'
	# Accuracy against the truth (F1 0.993 when this test was written:
	# precision 1, recall 0.986); a wrong clustering fails these bounds.
	run -0 "$BATS_TEST_DIRNAME/../scripts/dq-eval-clusters" "$T/map" "$T/truth"
	printf '%s\n' "$output" >"$T/eval"
	run -0 jq -c '[.ids, .precision >= 0.99, .recall >= 0.95,
		.entities_whole_multi >= 0.95]' "$T/eval"
	assert_output '[3000,true,true,true]'
}

@test "dq-eval-clusters: pairwise precision, recall, F1, entities whole" {
	E=$BATS_TEST_DIRNAME/../scripts/dq-eval-clusters
	run -0 "$E" --help
	assert_line --partial "Usage: dq-eval-clusters MAP [TRUTH]"
	printf '%s\n' '{"id":"a1","cluster":"x"}' '{"id":"a2","cluster":"x"}' \
		'{"id":"b1","cluster":"x"}' '{"id":"a3","cluster":"y"}' \
		'{"id":"c1","cluster":"z"}' '{"id":"d1","cluster":"w"}' >"$T/map"
	printf 'a1\tA\na2\tA\na3\tA\nb1\tB\nc1\tC\ne1\tE\n' >"$T/truth"
	# Predicted pairs: x has 3 -> 3.  True pairs: A has 3 -> 3.  Correct:
	# a1-a2 -> 1.  Whole: only C (A is split, B shares x); of the
	# multi-record entities (A) none.  d1 and e1 are in one file only.
	run -0 "$E" "$T/map" "$T/truth"
	assert_output '{"ids":5,"clusters":3,"entities":3,"only_in_map":1,"only_in_truth":1,"pairs":{"predicted":3,"true":3,"correct":1},"precision":0.3333,"recall":0.3333,"f1":0.3333,"entities_whole":0.3333,"entities_whole_multi":0.0000}'
	# FEBRL ids carry the entity: rec-N-org, rec-N-dup-K.
	printf '%s\n' '{"rec_id":"rec-1-org","cluster":"x"}' \
		'{"rec_id":"rec-1-dup-0","cluster":"x"}' \
		'{"rec_id":"rec-2-org","cluster":"x"}' >"$T/fmap"
	run -0 "$E" "$T/fmap"
	assert_output '{"ids":3,"clusters":1,"entities":2,"only_in_map":0,"only_in_truth":0,"pairs":{"predicted":3,"true":1,"correct":1},"precision":0.3333,"recall":1.0000,"f1":0.5000,"entities_whole":0.0000,"entities_whole_multi":0.0000}'
	echo 'not a map' >"$T/bad"
	run -2 --separate-stderr "$E" "$T/bad"
	[[ "$stderr" == *"line 1: not a dq-merge map line"* ]]
	run -2 --separate-stderr "$E"
}

@test "slim pairs (dq-block --slim, dq-score --explain match,review) with --records: the same output" {
	[ -x "$DQ_BIN/dq-block" ] && [ -x "$DQ_BIN/dq-score" ] ||
		skip "dq-block and dq-score not built in this tree"
	C=$BATS_TEST_DIRNAME/../examples/contracts/person.json
	"$DQ_BIN/dq-gen" -n 3000 --seed 3 >"$T/gen"
	dq normalize -c "$C" -q "$T/gen" >"$T/clean"
	dq block -c "$C" -q "$T/clean" >"$T/cand"
	dq block -c "$C" -q --slim "$T/clean" >"$T/slim"
	dq score -c "$C" -q --train "$T/model" "$T/cand"
	dq score -c "$C" -q --model "$T/model" "$T/cand" >"$T/scored"
	dq score -c "$C" -q --model "$T/model" --explain match,review "$T/slim" >"$T/slimscored"
	for k in full slim; do
		f=$T/scored
		[ $k = slim ] && f=$T/slimscored
		run -0 --separate-stderr dq merge -c "$C" --records "$T/clean" \
			--map "$T/map.$k" --review "$T/review.$k" --log "$T/log.$k" \
			--summary "$T/sum.$k" "$f"
		printf '%s\n' "$output" >"$T/golden.$k"
		jq -S 'del(.started, .ended, .duration_ms, .run_id, .counts.bytes)' "$T/sum.$k" >"$T/s.$k"
	done
	cmp "$T/golden.full" "$T/golden.slim"
	cmp "$T/map.full" "$T/map.slim"
	cmp "$T/log.full" "$T/log.slim"
	cmp "$T/s.full" "$T/s.slim"
	# The review file shows the whole records, as --records has them.
	[ "$(wc -l <"$T/review.slim")" -gt 5 ]
	sed 's/,"slim":true//' "$T/review.slim" >"$T/review.unmarked"
	cmp "$T/review.full" "$T/review.unmarked"
	run -0 jq -r '.a.id' "$T/review.slim"
	a=${lines[0]}
	run -0 jq -c --arg a "$a" 'select(.a.id == $a) | .a' "$T/review.slim"
	first=${lines[0]}
	run -0 grep -F "\"id\":\"$a\"," "$T/clean"
	assert_equal "$first" "$(printf '%s\n' "${lines[0]}" | jq -c .)"
	run -0 jq -r '.a | has("signup_ts") and has("city")' "$T/review.slim"
	refute_output --partial false
	# Without --records, the pairs' records are all there is.
	run -0 --separate-stderr dq merge -c "$C" --review "$T/review.alone" "$T/slimscored"
	run -0 jq -r '.a | has("city")' "$T/review.alone"
	refute_output --partial true
}

@test "--jobs: the same golden records, map, review, log, rejects and summary for 1, 2 and 4 threads" {
	for i in $(seq 1 400); do cat "$M/pairs.ndjson"; done |
		awk 'NR % 500 == 0 { print "{\"a\":{\"id\":\"zz" NR "\"},\"b\":{\"name\":\"x\"},\"_dq\":{\"score\":0.9,\"decision\":\"match\"}}" } { print }' >"$T/many"
	# Records are read by the workers too: a bad line, one without id.
	{ cat "$M/records.ndjson"; echo '{"id":'; echo '{"name":"no id"}'; } >"$T/recs"
	for j in 1 2 4; do
		run -1 --separate-stderr dq merge -j "$j" --records "$T/recs" \
			--map "$T/map$j" --review "$T/rev$j" --log "$T/log$j" \
			--rejects "$T/rej$j" --summary "$T/s$j.json" "$T/many"
		printf '%s\n' "$output" >"$T/out$j"
		stable_summary "$T/s$j.json" >"$T/sum$j"
	done
	for j in 2 4; do
		cmp "$T/out1" "$T/out$j"
		cmp "$T/map1" "$T/map$j"
		cmp "$T/rev1" "$T/rev$j"
		cmp "$T/log1" "$T/log$j"
		cmp "$T/rej1" "$T/rej$j"
		cmp "$T/sum1" "$T/sum$j"
	done
	n=$(wc -l <"$T/many")
	run -0 jq -c '[.counts.in, .counts.rejected, .merge.ids, .merge.records, .merge.records_without_id]' "$T/s4.json"
	assert_output "[$n,$((n / 501 + 1)),7,7,1]"
	# A rejected pair names no record: no "zz" id in the map.
	run -1 grep -c zz "$T/map4"
	run -0 jq -r '.reason' "$T/rej4"
	assert_line --index 1 "record 'b' has no id and no _dq.row"
	run -0 jq -r '.line' "$T/rej4"
	assert_line --index 0 "$(($(wc -l <"$M/records.ndjson") + 1))"
	run -2 dq merge -j 0 </dev/null
}

@test "identity.source: the id map keyed by (source system, external id) from a field of the record (issue 15, 7)" {
	# One file of two systems' records: CRM 001 and ERP 001 (the same
	# Ann) and CRM 002.  Named by their system field they are three
	# records, and the map has a line for each; the next day ERP 001 and
	# CRM 001 are gone (vanished, counted), CRM 002 stays, ERP 003 is new.
	printf '%s\n' '{"identity":{"source":"system"}}' >"$T/c.json"
	ann='"first_name":"Ann","email":"ann@x.com"'
	printf '%s\n' '{"id":"001","system":"crm",'"$ann"'}' \
		'{"id":"001","system":"erp",'"$ann"'}' \
		'{"id":"002","system":"crm","first_name":"Bob"}' >"$T/d1"
	printf '%s\n' '{"a":{"id":"001","system":"crm",'"$ann"'},"b":{"id":"001","system":"erp",'"$ann"'},"_dq":{"score":0.99,"decision":"match"}}' >"$T/p1"
	run -0 --separate-stderr dq merge -c "$T/c.json" --records "$T/d1" \
		--map "$T/m1" --seen d1 --summary "$T/s1" "$T/p1"
	run -0 jq -c '[.id, ._dq.members]' <<<"$output"
	assert_output "$(printf '%s\n' '["001",["crm:001","erp:001"]]' '["002",["crm:002"]]')"
	run -0 jq -c '[.id, .cluster, .first_seen, .last_seen]' "$T/m1"
	assert_output "$(printf '%s\n' '["crm:001","c62b654638379815c","d1","d1"]' \
		'["crm:002","c81481f6c76077ce4","d1","d1"]' \
		'["erp:001","c62b654638379815c","d1","d1"]')"
	run -0 jq -c '.merge | [.records, .ids, .duplicate_ids]' "$T/s1"
	assert_output '[3,3,0]'
	printf '%s\n' '{"id":"002","system":"crm","first_name":"Bob"}' \
		'{"id":"003","system":"erp","first_name":"Cy"}' >"$T/d2"
	: >"$T/none"
	run -0 --separate-stderr dq merge -c "$T/c.json" --records "$T/d2" \
		--previous-map "$T/m1" --map "$T/m2" --seen d2 --summary "$T/s2" "$T/none"
	run -0 cat "$T/m2"
	assert_output "$(printf '%s\n' \
		'{"id":"crm:002","cluster":"c81481f6c76077ce4","first_seen":"d1","last_seen":"d2"}' \
		'{"id":"erp:003","cluster":"cf9bb804ca63ccf43","first_seen":"d2","last_seen":"d2"}' \
		'{"id":"crm:001","cluster":"c62b654638379815c","first_seen":"d1","last_seen":"d1","vanished":true}' \
		'{"id":"erp:001","cluster":"c62b654638379815c","first_seen":"d1","last_seen":"d1","vanished":true}')"
	run -0 jq -c '[.merge.ids_vanished, .merge.cluster_ids]' "$T/s2"
	assert_output '[2,{"kept":1,"new":1}]'
	# Without the source field the two 001s are one id: a duplicate.
	run -1 --separate-stderr dq merge --records "$T/d1" --summary "$T/s3" "$T/p1"
	run -0 jq -c '.merge.duplicate_ids' "$T/s3"
	assert_output '1'
	printf '%s\n' '{"identity":{"source":""}}' >"$T/bad.json"
	run -2 --separate-stderr dq merge -c "$T/bad.json" "$T/none"
	assert_equal "$stderr" "dq-merge: contract: 'identity.source' must be a field name"
}

# pair A B SCORE DECISION: a scored pair line of two minimal records.
pair() {
	printf '{"a":{"id":"%s"},"b":{"id":"%s"},"_dq":{"score":%s,"decision":"%s"}}\n' "$@"
}

@test "--one-to-one: each record keeps its best match; losers dropped, ties to review" {
	{
		pair a1 b1 0.99 match	# a1's best, b1's only: kept
		pair a1 b2 0.97 match	# below a1's best: dropped
		pair a2 b3 0.96 match	# b3 has two at 0.96: both to review
		pair a3 b3 0.96 match
		pair a4 b4 0.98 match	# kept (unless a person decides below)
		pair a4 b5 0.80 review
		pair a1 b1 0.99 match	# the same pair again ties with nothing
	} >"$T/pairs"
	# Without the option, chains of matches join them.
	run -0 --separate-stderr dq merge --map "$T/map" "$T/pairs"
	run -0 groups "$T/map"
	assert_output "$(printf '%s\n' 'a1 b1 b2' 'a2 a3 b3' 'a4 b4' b5)"
	run -0 --separate-stderr dq merge --one-to-one --map "$T/map" \
		--review "$T/review" --log "$T/log" --summary "$T/sum" "$T/pairs"
	run -0 groups "$T/map"
	assert_output "$(printf '%s\n' 'a1 b1' a2 a3 'a4 b4' b2 b3 b5)"
	run -0 jq -c '.merge.cut | [.one_to_one, .one_to_one_tie]' "$T/sum"
	assert_output '[1,2]'
	run -0 jq -c 'select(.members == ["a1","b1"]) | .cut' "$T/log"
	assert_output '[{"a":"a1","b":"b2","score":0.97,"why":"one_to_one"}]'
	run -0 jq -c '[.a.id, .b.id, ._dq.score, ._dq.decision, ._dq.cut]' "$T/review"
	assert_output '["a2","b3",0.96,"match","one_to_one"]
["a3","b3",0.96,"match","one_to_one"]
["a4","b5",0.8,"review",null]'
	# A person's match beats every score: a4-b5 wins, a4-b4 is dropped.
	printf '%s\n' '{"a":"a4","b":"b5","decision":"match"}' >"$T/dec"
	run -0 --separate-stderr dq merge --one-to-one --decisions "$T/dec" \
		--map "$T/map" --summary "$T/sum" "$T/pairs"
	run -0 groups "$T/map"
	assert_line 'a4 b5'
	assert_line 'b4'
	run -0 jq -c '.merge.cut | [.one_to_one, .one_to_one_tie]' "$T/sum"
	assert_output '[2,2]'
}

# pair3 A B SCORE DECISION SA SB: a scored pair of a link of more than two
# files, its sources in _dq.sources as dq-block writes them.
pair3() {
	printf '{"a":{"id":"%s"},"b":{"id":"%s"},"_dq":{"sources":[%s,%s],"score":%s,"decision":"%s"}}\n' "$1" "$2" "$5" "$6" "$3" "$4"
}

@test "--one-to-one over three sources: the best match per other source, ties to review, one record per source in a cluster" {
	{
		pair3 a1 b1 0.99 match 1 2	# a1's best in 2, b1's in 1
		pair3 a1 b2 0.97 match 1 2	# below a1's best in 2: dropped
		pair3 a1 c1 0.99 match 1 3	# as good as a1-b1, another source: no tie
		pair3 b1 c1 0.98 match 2 3	# b1's best in 3, c1's in 2
		pair3 a2 c2 0.96 match 1 3	# c2's best in 1 is a tie:
		pair3 a3 c2 0.96 match 1 3	# both to review
		pair3 b3 c2 0.95 match 2 3	# c2's only one in 2: kept
		pair3 a4 b4 0.97 match 1 2	# a chain a4-b4-c4-a5 would put
		pair3 b4 c4 0.97 match 2 3	# two of source 1 in a cluster:
		pair3 c4 a5 0.96 match 3 1	# its weakest link is cut
	} >"$T/pairs"
	run -0 --separate-stderr dq merge --one-to-one --map "$T/map" \
		--review "$T/review" --log "$T/log" --summary "$T/sum" "$T/pairs"
	run -0 groups "$T/map"
	assert_output "$(printf '%s\n' 'a1 b1 c1' a2 a3 'a4 b4 c4' a5 b2 'b3 c2')"
	run -0 jq -c '.merge.cut | [.one_to_one, .one_to_one_tie, .same_source]' "$T/sum"
	assert_output '[1,2,1]'
	run -0 jq -c '[._dq.ids, ._dq.score, ._dq.cut]' "$T/review"
	assert_output '[["a2","c2"],0.96,"one_to_one"]
[["a3","c2"],0.96,"one_to_one"]'
	run -0 jq -c 'select(.members == ["a1","b1","c1"]) | .cut' "$T/log"
	assert_output '[{"a":"a1","b":"b2","score":0.97,"why":"one_to_one"}]'
	run -0 jq -c 'select(.members == ["a4","b4","c4"]) | .cut' "$T/log"
	assert_output '[{"a":"a5","b":"c4","score":0.96,"why":"same_source"}]'
	# The order of the pairs does not matter.
	tac "$T/pairs" >"$T/rev"
	run -0 --separate-stderr dq merge --one-to-one --map "$T/map2" "$T/rev"
	run -0 cmp "$T/map" "$T/map2"
	# A person's match joins what the sources would keep apart: two
	# records of source 1, and with them the chain.
	printf '%s\n' '{"a":"a4","b":"a5","decision":"match"}' >"$T/dec"
	run -0 --separate-stderr dq merge --one-to-one --decisions "$T/dec" \
		--map "$T/map" "$T/pairs"
	run -0 groups "$T/map"
	assert_line 'a4 a5 b4 c4'
}

@test "--one-to-one: a record named in two sources is an error; a bad _dq.sources is rejected" {
	{
		pair3 x b1 0.99 match 1 2
		pair3 x c1 0.98 match 3 2
	} >"$T/pairs"
	run -2 --separate-stderr dq merge --one-to-one "$T/pairs"
	[ -z "$output" ]
	[[ "$stderr" == *"--one-to-one: record 'x' is in source 1 and in source 3 (1 such records)"* ]]
	# Without the option the sources are not used.
	run -0 --separate-stderr dq merge "$T/pairs"
	for bad in '[1,1]' '[0,2]' '[1,65]' '[1]' '"1,2"' '[1,2,3]' '[1.5,2]'; do
		printf '{"a":{"id":"p"},"b":{"id":"q"},"_dq":{"sources":%s,"score":0.99,"decision":"match"}}\n' "$bad" >"$T/bad"
		run -1 --separate-stderr dq merge --one-to-one --rejects "$T/rej" "$T/bad"
		run -0 jq -r .reason "$T/rej"
		assert_output "pair has a _dq.sources that is not two different source numbers from 1 to 64"
	done
	printf '{"a":{"id":"p"},"b":{"id":"q"},"_dq":{"sources":[ 64 , 2 ],"score":0.99,"decision":"match"}}\n' >"$T/ok"
	run -0 --separate-stderr dq merge --one-to-one --map "$T/map" "$T/ok"
	run -0 groups "$T/map"
	assert_output 'p q'
}
