#!/usr/bin/env bats
# dq-anomaly: a run's metrics against its history, robust z-scores and
# limits in tiers, each expectation worked out by hand.

load helpers

setup() {
	T=$BATS_TEST_TMPDIR
}

# run_doc DAY ROWS REJECTED SCORE: a dq-validate summary of 2026-11-DAY.
run_doc() {
	printf '{"tool":"dq-validate","started":"2026-11-%02dT06:00:00Z","counts":{"in":%d,"rejected":%d,"quarantined":0},"score":%d}\n' "$@"
}

# Eight runs: rows 100 102 98 101 99 100 103 97 (median 100, absolute
# deviations 0 2 2 1 1 0 3 3: MAD 1.5, spread 1.4826 x 1.5 = 2.2239),
# one rejected record in each, score 95 every time.
history8() {
	local d=0 rows
	for rows in 100 102 98 101 99 100 103 97; do
		d=$((d + 1))
		run_doc $d $rows 1 95
	done >"$T/hist.ndjson"
}

@test "help reads like a man page; version" {
	run -0 dq anomaly --help
	assert_line --partial "usage: dq-anomaly"
	assert_line --partial "--limit EXPR"
	assert_line --partial "Exit status: 0"
	run -0 dq anomaly --version
	assert_output --regexp '^dq-anomaly [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "rows by the modified z-score: 106 normal, 108 a warning, 112 and 40 errors" {
	history8
	run_doc 9 106 1 95 >"$T/c.json"
	run -0 dq anomaly --history "$T/hist.ndjson" --metric rows --all "$T/c.json"
	assert_output '{"kind":"history","tool":"dq-validate","metric":"rows","current":106,"history":8,"median":100,"spread":2.2239,"z":2.698,"level":"ok"}'
	run_doc 9 108 1 95 >"$T/c.json"
	run -0 dq anomaly --history "$T/hist.ndjson" --metric rows "$T/c.json"
	assert_output --partial '"z":3.597,"level":"warn"}'
	run -1 dq anomaly --history "$T/hist.ndjson" --metric rows --fail-on warn "$T/c.json"
	run_doc 9 112 1 95 >"$T/c.json"
	run -1 dq anomaly --history "$T/hist.ndjson" --metric rows "$T/c.json"
	assert_output --partial '"z":5.396,"level":"error"}'
	run_doc 9 40 1 95 >"$T/c.json"
	run -1 dq anomaly --history "$T/hist.ndjson" --metric rows "$T/c.json"
	assert_output --partial '"z":-26.98,"level":"error"}'
}

@test "one failed load in the history does not hide the next one (median, not mean)" {
	history8
	run_doc 9 3 1 95 >>"$T/hist.ndjson"
	run_doc 10 3 1 95 >"$T/c.json"
	run -1 dq anomaly --history "$T/hist.ndjson" --metric rows "$T/c.json"
	assert_output --partial '"history":9,"median":100,'
	assert_output --partial '"level":"error"}'
}

@test "a constant history: the same value is normal, any other an error unless --min-change" {
	history8
	run_doc 9 100 1 94 >"$T/c.json"
	run -1 dq anomaly --history "$T/hist.ndjson" --metric score "$T/c.json"
	assert_output '{"kind":"history","tool":"dq-validate","metric":"score","current":94,"history":8,"median":95,"spread":0,"z":"-inf","level":"error"}'
	run -0 dq anomaly --history "$T/hist.ndjson" --metric score --min-change 0.05 "$T/c.json"
	assert_output ""
}

@test "too little history: every metric reported as not judged, a warning, exit 0" {
	run_doc 1 100 0 95 >"$T/hist.ndjson"
	run_doc 2 100 0 95 >>"$T/hist.ndjson"
	run_doc 3 10 9 20 >"$T/c.json"
	run -0 --separate-stderr dq anomaly --history "$T/hist.ndjson" --metric rows --metric score "$T/c.json"
	assert_line -n 0 '{"kind":"history","tool":"dq-validate","metric":"rows","current":10,"history":2,"level":"not_judged","message":"too few earlier values"}'
	assert_line -n 1 '{"kind":"history","tool":"dq-validate","metric":"score","current":20,"history":2,"level":"not_judged","message":"too few earlier values"}'
	[[ $stderr == *"no metric had enough history to be judged (2 not judged; --min-history 5)"* ]]
}

@test "--season weekly compares a Monday with Mondays" {
	local d rows
	# 2026-11-02, 09, 16, 23 and 30 are Mondays: 500 rows; other days 100.
	for d in $(seq 1 30); do
		rows=100
		case $d in 2 | 9 | 16 | 23 | 30) rows=500 ;; esac
		run_doc "$d" $rows 0 95
	done >"$T/hist.ndjson"
	printf '{"tool":"dq-validate","started":"2026-12-07T06:00:00Z","counts":{"in":500,"rejected":0,"quarantined":0},"score":95}\n' >"$T/c.json"
	# 25 values of 100 and 5 of 500: MAD 0, so 1.2533 x the mean absolute
	# deviation (5 x 400 / 30): z = 400 / 83.553 = 4.787.
	run -0 dq anomaly --history "$T/hist.ndjson" --metric rows "$T/c.json"
	assert_output --partial '"history":30,"median":100,'
	assert_output --partial '"z":4.787,"level":"warn"}'
	run -0 dq anomaly --history "$T/hist.ndjson" --metric rows --season weekly --all "$T/c.json"
	assert_output '{"kind":"history","tool":"dq-validate","metric":"rows","current":500,"history":5,"median":500,"spread":0,"z":0,"level":"ok"}'
}

@test "limits in tiers: reject rate 10% warns, 20% errs; a 5-run median smooths one run" {
	history8
	run_doc 9 100 15 95 >"$T/c.json"
	run -0 dq anomaly --history "$T/hist.ndjson" --metric none \
		--limit 'reject_rate>10%,20%' --limit 'median(reject_rate,5)>10%,20%' \
		--all "$T/c.json"
	assert_line -n 0 '{"kind":"limit","tool":"dq-validate","metric":"reject_rate","current":0.15,"limit":"reject_rate>10%,20%","level":"warn"}'
	assert_line -n 1 '{"kind":"limit","tool":"dq-validate","metric":"reject_rate","current":0.0101010101010101,"runs":5,"over":5,"limit":"median(reject_rate,5)>10%,20%","level":"ok"}'
	run_doc 9 100 25 95 >"$T/c.json"
	run -1 dq anomaly --history "$T/hist.ndjson" --metric none --limit 'reject_rate>10%,20%' "$T/c.json"
	assert_output --partial '"current":0.25,"limit":"reject_rate>10%,20%","level":"error"}'
	run -1 dq anomaly --history "$T/hist.ndjson" --metric none --limit 'score<96' --fail-on warn "$T/c.json"
	assert_output --partial '"metric":"score","current":95,"limit":"score<96","level":"warn"}'
}

@test "freshness lag of a profiled date-time field: 14 h warns at 12h,24h" {
	printf '%s\n' '{"id":1,"updated_at":"2026-12-06T08:00:00Z"}' \
		'{"id":2,"updated_at":"2026-12-06T10:00:00Z"}' >"$T/d.ndjson"
	dq profile "$T/d.ndjson" >"$T/p.json"
	run -0 dq anomaly --now 2026-12-07T00:00:00Z --metric none \
		--limit 'freshness_lag.updated_at>12h,24h' "$T/p.json"
	assert_output '{"kind":"limit","tool":"dq-profile","metric":"freshness_lag.updated_at","current":50400,"limit":"freshness_lag.updated_at>12h,24h","level":"warn"}'
}

@test "failing_for: a run failure unresolved for 35 minutes pages (Appendix C); a pass resets it; --now for a watchdog" {
	# dq-validate passed at 10:00, failed at 10:10 and 10:20; a profile
	# run failing at 10:05 is another program's.  The run of 10:45 fails:
	# failing since 10:10, 2100 s, over 30m.
	v() { printf '{"tool":"%s","started":"2026-12-07T%s:00Z","passed":%s,"exit_status":%s}\n' "$@"; }
	{ v dq-validate 10:00 true 0; v dq-profile 10:05 false 1
	  v dq-validate 10:10 false 1; v dq-validate 10:20 false 1; } >"$T/h"
	v dq-validate 10:45 false 1 >"$T/c"
	run -1 dq anomaly --history "$T/h" --metric none --limit 'failing_for>0,30m' "$T/c"
	assert_output '{"kind":"limit","tool":"dq-validate","metric":"failing_for","current":2100,"limit":"failing_for>0,30m","level":"error"}'
	# Resolved: the run of 10:45 passes.
	v dq-validate 10:45 true 0 >"$T/c"
	run -0 --separate-stderr dq anomaly --history "$T/h" --metric none --limit 'failing_for>0,30m' "$T/c"
	assert_output ''
	[ -z "$stderr" ]
	# A watchdog at 10:30 with the last failed run as the current one:
	# failing since 10:10, 20 minutes: a warning.
	v dq-validate 10:20 false 1 >"$T/c"
	head -3 "$T/h" >"$T/h3"
	run -0 dq anomaly --history "$T/h3" --now 2026-12-07T10:30:00Z --metric none --limit 'failing_for>0,30m' "$T/c"
	assert_output '{"kind":"limit","tool":"dq-validate","metric":"failing_for","current":1200,"limit":"failing_for>0,30m","level":"warn"}'
}

@test "duplicate_rate of a dq-merge summary: 5 points over the history's median warns (Appendix C)" {
	# Earlier runs: 4, 5, 6, 5 and 5 of 100 records joined another's
	# cluster (median 0.05); this run 20 of 180 (0.111): over 0.05 + 0.05.
	m() { printf '{"tool":"dq-merge","started":"2026-11-0%sT06:00:00Z","merge":{"records":%s,"clusters":%s}}\n' "$@"; }
	{ m 1 100 96; m 2 100 95; m 3 100 94; m 4 100 95; m 5 100 95; } >"$T/h"
	m 6 180 160 >"$T/c"
	run -0 dq anomaly --history "$T/h" --metric none --limit 'duplicate_rate>+5%' "$T/c"
	assert_output '{"kind":"limit","tool":"dq-merge","metric":"duplicate_rate","current":0.111111111111111,"limit":"duplicate_rate>+5%","baseline":0.05,"level":"warn"}'
	m 6 180 168 >"$T/c"
	run -0 dq anomaly --history "$T/h" --metric none --limit 'duplicate_rate>+5%' "$T/c"
	assert_output ''
}

@test "metrics of one program are judged against that program's runs only" {
	history8
	printf '{"tool":"dq-profile","started":"2026-11-09T06:00:00Z","counts":{"in":5}}\n' >"$T/c.json"
	run -0 --separate-stderr dq anomaly --history "$T/hist.ndjson" --metric rows "$T/c.json"
	assert_output '{"kind":"history","tool":"dq-profile","metric":"rows","current":5,"history":0,"level":"not_judged","message":"no earlier value"}'
}

@test "a limit on a metric no document has is a warning, not a pass" {
	history8
	run_doc 9 100 1 95 >"$T/c.json"
	run -0 --separate-stderr dq anomaly --history "$T/hist.ndjson" --metric none --limit 'scroe<80' "$T/c.json"
	[[ $stderr == *"--limit 'scroe<80': no document of the run has the metric 'scroe'"* ]]
}

@test "a history line that is not a JSON object: exit 2 naming file and line" {
	history8
	echo '{"tool":' >>"$T/hist.ndjson"
	run_doc 9 100 1 95 >"$T/c.json"
	run -2 --separate-stderr dq anomaly --history "$T/hist.ndjson" "$T/c.json"
	[[ $stderr == *"hist.ndjson:9: not a JSON object"* ]]
}

@test "usage errors: bad limit, error below warn, no run" {
	run -2 --separate-stderr dq anomaly --limit 'rows>x' /dev/null
	[[ $stderr == *"--limit 'rows>x': WARN and ERROR are numbers"* ]]
	run -2 --separate-stderr dq anomaly --limit 'rows>10,5' /dev/null
	[[ $stderr == *"the error limit is past the warning one"* ]]
	run -2 --separate-stderr dq anomaly --warn 4 --error 3 /dev/null
	[[ $stderr == *"--error 3 is below --warn 4"* ]]
	run -2 --separate-stderr dq anomaly
	[[ $stderr == *"no run to judge"* ]]
}

@test "relative limits: twice the history's median null rate (SET-501), 5 points over it" {
	local d
	for d in 1 2 3 4 5 6; do
		printf '{"tool":"dq-profile","started":"2026-11-%02dT06:00:00Z","rows":100,"nullRates":{"email":0.0%d}}\n' $d $((d % 3 + 4))
	done >"$T/hist.ndjson"
	# Earlier null rates 0.05 0.06 0.04 0.05 0.06 0.04: median 0.05.
	printf '{"tool":"dq-profile","started":"2026-11-07T06:00:00Z","rows":100,"nullRates":{"email":0.11}}\n' >"$T/c.json"
	run -1 dq anomaly --history "$T/hist.ndjson" --metric none \
		--limit 'null_rate.email>2x' --limit 'null_rate.email>+5%,+10%' \
		--fail-on warn "$T/c.json"
	assert_line -n 0 '{"kind":"limit","tool":"dq-profile","metric":"null_rate.email","current":0.11,"limit":"null_rate.email>2x","baseline":0.05,"level":"warn"}'
	assert_line -n 1 '{"kind":"limit","tool":"dq-profile","metric":"null_rate.email","current":0.11,"limit":"null_rate.email>+5%,+10%","baseline":0.05,"level":"warn"}'
	run -0 --separate-stderr dq anomaly --metric none --limit 'null_rate.email>2x' "$T/c.json"
	assert_output '{"kind":"limit","tool":"dq-profile","metric":"null_rate.email","current":0.11,"limit":"null_rate.email>2x","level":"not_judged","message":"no earlier value for a limit relative to the history"}'
}

@test "the contract's alerts section: limits added to --limit's, flags win over its settings" {
	history8
	run_doc 9 40 1 95 >"$T/c.json"
	printf '%s' '{"alerts":{"limits":["rows<0.5x,0.25x"],"metrics":["score"],"window":4,"min_history":9}}' >"$T/alerts.json"
	run -0 --separate-stderr dq anomaly -c "$T/alerts.json" --history "$T/hist.ndjson" "$T/c.json"
	# window 4: 99 100 103 97, median 99.5; 40 < 49.75 but not < 24.875.
	assert_line -n 0 '{"kind":"history","tool":"dq-validate","metric":"score","current":95,"history":4,"level":"not_judged","message":"too few earlier values"}'
	assert_line -n 1 '{"kind":"limit","tool":"dq-validate","metric":"rows","current":40,"limit":"rows<0.5x,0.25x","baseline":99.5,"level":"warn"}'
	run -1 dq anomaly -c "$T/alerts.json" --min-history 3 --metric rows --history "$T/hist.ndjson" "$T/c.json"
	assert_line -n 0 --partial '"metric":"rows","current":40,"history":4,"median":99.5,'
	printf '%s' '{"alerts":{"limits":["rows<"],"season":"daily"}}' >"$T/bad.json"
	run -2 --separate-stderr dq anomaly -c "$T/bad.json" "$T/c.json"
	[[ $stderr == *"contract: alerts.limits[0] 'rows<': WARN and ERROR are numbers"* ]]
	printf '%s' '{"alerts":{"windwo":3}}' >"$T/bad.json"
	run -2 --separate-stderr dq anomaly -c "$T/bad.json" "$T/c.json"
	[[ $stderr == *"unknown key 'alerts.windwo'"* ]]
}

@test "aggregate checks on a profile: mean, sum, median, stddev, min, max, top share, unique ratio, distinct" {
	# h: 1 2 3 4 10 (mean 4, sum 20, median 3, population standard
	# deviation sqrt(50 / 5) = 3.16227766017); s: a a b a c (top share
	# 3/5, 3 distinct of 5).
	printf '%s\n' '{"h":1,"s":"a"}' '{"h":2,"s":"a"}' '{"h":3,"s":"b"}' \
		'{"h":4,"s":"a"}' '{"h":10,"s":"c"}' >"$T/a.ndjson"
	dq profile "$T/a.ndjson" >"$T/p.json"
	run -1 dq anomaly --fail-on warn --metric none --limit 'mean.h<5' --limit 'sum.h>20' \
		--limit 'median.h<3.5,2' --limit 'stddev.h>3' --limit 'max.h>9,10' \
		--limit 'min.h<1' --limit 'top_share.s>50%' \
		--limit 'unique_ratio.s<0.7,0.5' --limit 'distinct.s>2' "$T/p.json"
	assert_output - <<'OUT'
{"kind":"limit","tool":"dq-profile","metric":"mean.h","current":4,"limit":"mean.h<5","level":"warn"}
{"kind":"limit","tool":"dq-profile","metric":"median.h","current":3,"limit":"median.h<3.5,2","level":"warn"}
{"kind":"limit","tool":"dq-profile","metric":"stddev.h","current":3.16227766017,"limit":"stddev.h>3","level":"warn"}
{"kind":"limit","tool":"dq-profile","metric":"max.h","current":10,"limit":"max.h>9,10","level":"warn"}
{"kind":"limit","tool":"dq-profile","metric":"top_share.s","current":0.6,"limit":"top_share.s>50%","level":"warn"}
{"kind":"limit","tool":"dq-profile","metric":"unique_ratio.s","current":0.6,"limit":"unique_ratio.s<0.7,0.5","level":"warn"}
{"kind":"limit","tool":"dq-profile","metric":"distinct.s","current":3,"limit":"distinct.s>2","level":"warn"}
OUT
	run -1 dq anomaly --metric none --limit 'max.h>5,9' "$T/p.json"
	assert_output --partial '"level":"error"}'
}
