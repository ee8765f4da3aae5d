#!/usr/bin/env bats
# The bundled examples: run each as its Makefile says and compare with the
# expected outputs checked in beside it.

load helpers

@test "volunteers: every output of the pipeline matches expected/" {
	cp -r "$BATS_TEST_DIRNAME/../examples/volunteers" "$BATS_TEST_TMPDIR/v"
	rm -rf "$BATS_TEST_TMPDIR/v/out"
	run -0 make -s -C "$BATS_TEST_TMPDIR/v" check DQ_BIN="$DQ_BIN"
}

@test "catalogue: every output matches expected/" {
	cp -r "$BATS_TEST_DIRNAME/../examples/catalogue" "$BATS_TEST_TMPDIR/c"
	rm -rf "$BATS_TEST_TMPDIR/c/out"
	run -0 make -s -C "$BATS_TEST_TMPDIR/c" check DQ_BIN="$DQ_BIN"
}

@test "catalogue: every rule of Appendix A and every alert of Appendix C in the YAML contract fires on the crafted file (issue 16)" {
	cp -r "$BATS_TEST_DIRNAME/../examples/catalogue" "$BATS_TEST_TMPDIR/c"
	cd "$BATS_TEST_TMPDIR/c"
	rm -rf out
	run -0 make -s out/alerts.ndjson DQ_BIN="$DQ_BIN"
	dq validate -c catalogue.yaml --print-contract >contract.json 2>/dev/null
	# The contract's codes: its rules and the codes its fields give.
	run -0 jq -c '[(.rules | keys[]), (.fields[] | .codes // {} | .[])] | unique' contract.json
	assert_output '["DOM-201","DOM-202","FMT-101","FMT-102","REF-401","REQ-001","XFLD-301"]'
	run -0 jq -sc 'map(.code) | unique' out/violations.ndjson
	assert_output '["DOM-201","DOM-202","FMT-101","FMT-102","REF-401","REQ-001","XFLD-301"]'
	# Each rule's metadata (owner, the auto-fix tag) reaches the summary.
	run -0 jq -c '[.rules[] | select(.failures > 0) | [.code, .owner, (.tags // [])]] | unique' out/validate-summary.json
	assert_output '[["DOM-201","data-stewards",[]],["DOM-202","data-stewards",[]],["FMT-101","volunteer-coordinators",["auto-fix"]],["FMT-102","volunteer-coordinators",["auto-fix"]],["REF-401","events-team",[]],["REF-401","partnerships",[]],["REQ-001","volunteer-coordinators",[]],["XFLD-301","event-leads",[]]]'
	# Every alert limit gives a finding at its level, none unjudged.
	run -0 jq -c '.alerts.limits' contract.json
	assert_output '["null_rate.email>2x","freshness_lag.updated_at>12h,24h","median(reject_rate,5)>10%,20%","duplicate_rate>+5%","failing_for>0,30m"]'
	run -0 jq -c '[.limit, .level]' out/alerts.ndjson
	assert_output - <<'OUT'
["null_rate.email>2x","warn"]
["freshness_lag.updated_at>12h,24h","error"]
["median(reject_rate,5)>10%,20%","warn"]
["duplicate_rate>+5%","warn"]
["failing_for>0,30m","error"]
OUT
}

@test "volunteers: make demo prints what it found" {
	cp -r "$BATS_TEST_DIRNAME/../examples/volunteers" "$BATS_TEST_TMPDIR/v"
	rm -rf "$BATS_TEST_TMPDIR/v/out"
	run -0 make -s -C "$BATS_TEST_TMPDIR/v" demo DQ_BIN="$DQ_BIN"
	assert_line "records in: 13, out: 12, rejected: 1"
	assert_line "  line 15: row has 4 fields, header has 13"
	assert_line "== dq-validate: score 60/100, passed: false"
	# ZIPs that lost a leading zero are padded only where the state
	# agrees: 2134 under CA and 7330 under TX stay, unparsed (issue 15).
	assert_line "  zip: 0 changed, 0 nulled, 2 unparsed"
	assert_line --regexp "^  V002 FMT:zip \[error\] zip:"
	assert_line --regexp "^  V006 FMT:zip \[error\] zip:"
	# The catalogue: each code once, on the record that breaks it.
	assert_line "  V008 REQ-001 [error] email|phone: none of email,phone is present"
	assert_line --regexp "^  V006 FMT-101 \[error\] email:"
	assert_line --regexp "^  V005 FMT-102 \[warn\] phone:"
	assert_line --regexp "^  V009 DOM-202 \[error\] grad_year: above the maximum"
	assert_line --regexp "^  V012 XFLD-301 \[error\] hours:"
	assert_line --regexp "^  V007 REF-401 \[error\] event: not found"
	assert_line --regexp "^  \(all records\) SET-501 \[warn\] email:"
	assert_line "== quarantined for review: out/quarantine.csv (7 records)"
	# The same person twice (V001, V011), a nickname (Robert V005 = Bob
	# V012), a household sharing a phone (Carlos V013): review, not merged.
	assert_line "  V005 ~ V012: match (score 1)"
	assert_line "  V001 ~ V011: match (score 1)"
	assert_line --regexp "^  V001 ~ V013: review "
	assert_line "== golden records: 10 people from 12 records"
	assert_line --regexp "^  c[0-9a-f]{16} Maria Garcia: V001 \+ V011; phones \+14155552671$"
	# V005's phone 555-0100 did not parse: V012's normalized one wins.
	assert_line --regexp "^  c[0-9a-f]{16} Robert McDonald: V005 \+ V012; phones \+15125550100$"
	assert_line "== for a person to decide: out/review.ndjson (2 pairs)"
	# The whole run on one page, every section there.
	assert_line "== the whole run on one page: $BATS_TEST_TMPDIR/v/out/report.html"
	run -0 grep -o '<section id="[a-z]*">' "$BATS_TEST_TMPDIR/v/out/report.html"
	assert_output $'<section id="overview">\n<section id="rules">\n<section id="fields">\n<section id="duplicates">\n<section id="clusters">\n<section id="drift">'
	run -0 grep -c '<td>dq-normalize</td><td class="n">13</td><td class="n">12</td><td class="n">0</td><td class="n">1</td>' "$BATS_TEST_TMPDIR/v/out/report.html"
	# Nothing outside the page: no address, no fetch, no script.
	run -1 grep -E -c 'https?:|src=|@import|url\(|<script' "$BATS_TEST_TMPDIR/v/out/report.html"
}

@test "attendance: violations, score and records match expected/" {
	cp -r "$BATS_TEST_DIRNAME/../examples/attendance" "$BATS_TEST_TMPDIR/a"
	rm -rf "$BATS_TEST_TMPDIR/a/out"
	run -0 make -s -C "$BATS_TEST_TMPDIR/a" check DQ_BIN="$DQ_BIN"
}

@test "attendance: the grouped rules find S02 and S03; the gate fails with 1" {
	cp -r "$BATS_TEST_DIRNAME/../examples/attendance" "$BATS_TEST_TMPDIR/a"
	rm -rf "$BATS_TEST_TMPDIR/a/out"
	run -0 make -s -C "$BATS_TEST_TMPDIR/a" demo DQ_BIN="$DQ_BIN"
	assert_line "score 50/100, passed: false; 40 rows"
	assert_line "  S02 2026-T1 GRP-701 [warn]: chronic absence: refer to the attendance officer"
	assert_line "  S03 2026-T1 GRP-701 [warn]: chronic absence: refer to the attendance officer"
	assert_line "  S02 GRP-702 [warn]: call home"
	refute_line --partial "S01"
	run -2 make -s -C "$BATS_TEST_TMPDIR/a" gate DQ_BIN="$DQ_BIN"
	assert_output --partial "Error 1"
}

@test "contracts: merged layers and per-environment summaries match expected/" {
	cp -r "$BATS_TEST_DIRNAME/../examples/contracts" "$BATS_TEST_TMPDIR/c"
	rm -rf "$BATS_TEST_TMPDIR/c/out"
	run -0 make -s -C "$BATS_TEST_TMPDIR/c" check DQ_BIN="$DQ_BIN"
	run -0 jq -c '[.fields.id.unique, .fields.phone.severity, .score.pass_mark]' "$BATS_TEST_TMPDIR/c/out/merged-prod.json"
	assert_output '[true,"error",90]'
	run -0 jq -c '[.fields.id.unique, .fields.phone.severity, .score.pass_mark]' "$BATS_TEST_TMPDIR/c/out/merged-dev.json"
	assert_output '[false,"warn",50]'
	run -0 make -s -C "$BATS_TEST_TMPDIR/c" gate ENV=dev DQ_BIN="$DQ_BIN"
	run -2 make -s -C "$BATS_TEST_TMPDIR/c" gate ENV=prod DQ_BIN="$DQ_BIN"
}

@test "--print-contract: layers and --set merged; checksum on stderr; unknown keys refused" {
	cd "$BATS_TEST_DIRNAME/../examples/contracts"
	run -0 --separate-stderr dq validate -c people.json -c prod.json --set score.pass_mark=95 --print-contract
	run -0 jq -c '.score' <<<"$output"
	assert_output '{"pass_mark":95}'
	run -0 dq validate -c people.json -c prod.json --print-contract
	assert_line "contract_version f0f31af6a79b8b70"
	run -2 dq validate -c people.json --set score.pass_mar=95 --print-contract
	assert_output --partial "pass_mar"
}

@test "integrity-monitor: the Airtable export read as it is, without jq; every id of a link checked (issue 18)" {
	cp -r "$BATS_TEST_DIRNAME/../examples/integrity-monitor" "$BATS_TEST_TMPDIR/i"
	rm -rf "$BATS_TEST_TMPDIR/i/out"
	# A jq that fails: the example must not need it.
	mkdir "$BATS_TEST_TMPDIR/nojq"
	printf '#!/bin/sh\necho "jq called" >&2\nexit 99\n' >"$BATS_TEST_TMPDIR/nojq/jq"
	chmod +x "$BATS_TEST_TMPDIR/nojq/jq"
	PATH="$BATS_TEST_TMPDIR/nojq:$PATH"
	# OUT elsewhere: the reference file is found beside the contract.
	run -0 make -s -C "$BATS_TEST_TMPDIR/i" check DQ_BIN="$DQ_BIN" OUT="$BATS_TEST_TMPDIR/o"
	run -0 make -s -C "$BATS_TEST_TMPDIR/i" demo DQ_BIN="$DQ_BIN"
	refute_output --partial "jq called"
	assert_line "8 records, score 44, passed: false"
	assert_line "  recE5q8: FMT-101, LNK-401"
	assert_line "  recD4p2: DUP-601"
	assert_line "  recH8t3: LNK-402"
	# recB2k4 links recOrg02 (exists) and recOrg77 (does not): the
	# second id is checked too.
	assert_line "  recB2k4: LNK-401"
	assert_line "  LNK-401 (error): 2 -- recB2k4 fields.Organization[1], recE5q8 fields.Organization[0]"
	refute_line --partial "recA1x9"
	assert_line "== the run on one page: $BATS_TEST_TMPDIR/i/out/report.html"
	run -0 grep -c '<td>LNK-402</td>' "$BATS_TEST_TMPDIR/i/out/report.html"
	run -0 grep -c '<td><bdi>recH8t3</bdi></td>' "$BATS_TEST_TMPDIR/i/out/report.html"
}

@test "scheduling: the Makefile builds everything on good data and stops at the gate on bad" {
	cp -r "$BATS_TEST_DIRNAME/../examples/scheduling" "$BATS_TEST_TMPDIR/s"
	cp -r "$BATS_TEST_DIRNAME/../examples/contracts" "$BATS_TEST_TMPDIR/contracts"
	rm -rf "$BATS_TEST_TMPDIR/s/out"
	run -0 make -s -C "$BATS_TEST_TMPDIR/s" SRC=good.csv DQ_BIN="$DQ_BIN"
	run -0 jq -c '[.rows, .fields]' "$BATS_TEST_TMPDIR/s/out/profile.json"
	assert_output '[4,5]'
	run -0 wc -l <"$BATS_TEST_TMPDIR/s/out/valid.ndjson"
	assert_output 4
	rm -rf "$BATS_TEST_TMPDIR/s/out"
	run -2 make -s -C "$BATS_TEST_TMPDIR/s" SRC=bad.csv DQ_BIN="$DQ_BIN"
	assert_output --partial "valid.ndjson] Error 1"
	[ ! -e "$BATS_TEST_TMPDIR/s/out/valid.ndjson" ]
	[ ! -e "$BATS_TEST_TMPDIR/s/out/profile.json" ]
	run -0 jq -r '.code' "$BATS_TEST_TMPDIR/s/out/violations.ndjson"
	assert_line UNQ-601
}

@test "scheduling: the Airflow DAG's tasks run in order and stop at a failed gate" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	dag="$BATS_TEST_DIRNAME/../examples/scheduling/dq_people.py"
	export PYTHONPATH="$BATS_TEST_DIRNAME/fixtures/airflow"
	export DQ_HOME="$DQ_BIN" DQ_DATA="$BATS_TEST_TMPDIR/data" DQ_TODAY=2026-11-01
	export DQ_CONTRACT="$BATS_TEST_DIRNAME/../examples/contracts/people.json"
	export DQ_SOURCE="$BATS_TEST_DIRNAME/../examples/scheduling/good.csv"
	run -0 python3 "$BATS_TEST_DIRNAME/fixtures/airflow/run_dag.py" "$dag" 2026-11-21
	assert_output $'fetch 0\nnormalize 0\nvalidate_gate 0\nprofile 0'
	[ -s "$BATS_TEST_TMPDIR/data/2026-11-21/profile.json" ]
	export DQ_SOURCE="$BATS_TEST_DIRNAME/../examples/scheduling/bad.csv"
	run -1 python3 "$BATS_TEST_DIRNAME/fixtures/airflow/run_dag.py" "$dag" 2026-11-22
	assert_output $'fetch 0\nnormalize 0\nvalidate_gate 1'
	[ ! -e "$BATS_TEST_TMPDIR/data/2026-11-22/profile.json" ]
}

@test "incremental: three days, each with only its own pairs, keep every earlier cluster id (issue 15, 5)" {
	cp -r "$BATS_TEST_DIRNAME/../examples/incremental" "$BATS_TEST_TMPDIR/i"
	rm -rf "$BATS_TEST_TMPDIR/i/out"
	run -0 make -s -C "$BATS_TEST_TMPDIR/i" check DQ_BIN="$DQ_BIN"
	# Day 2 brings no pair: A1 and A2 stay together under day 1's id.
	run -0 jq -r '"\(.id) \(.cluster)"' "$BATS_TEST_TMPDIR/i/out/map2.ndjson"
	assert_output "$(printf '%s\n' 'A1 caf62adb79d3769fd' 'A2 caf62adb79d3769fd' 'B1 caa6c0213f9ffc508' 'C1 c3b7d0d206099ca33')"
	run -0 jq -r 'select(.id == "A3" or .id == "B2") | "\(.id) \(.cluster)"' "$BATS_TEST_TMPDIR/i/out/map3.ndjson"
	assert_output "$(printf '%s\n' 'A3 caf62adb79d3769fd' 'B2 cbb0df4b1194a7fc7')"
}

@test "importer: three nights of snapshots give the expected new, changed, unchanged and gone counts and tags (issue 21)" {
	cp -r "$BATS_TEST_DIRNAME/../examples/importer" "$BATS_TEST_TMPDIR/imp"
	rm -rf "$BATS_TEST_TMPDIR/imp/out"
	run -0 make -s -C "$BATS_TEST_TMPDIR/imp" check DQ_BIN="$DQ_BIN"
	cd "$BATS_TEST_TMPDIR/imp"
	run -0 cat out/changes1.json out/changes2.json out/changes3.json
	assert_output '{"new":4,"changed":0,"unchanged":0,"gone":0,"unkeyed":0,"duplicate_keys":0,"gone_keys":[]}
{"new":1,"changed":1,"unchanged":2,"gone":1,"unkeyed":0,"duplicate_keys":0,"gone_keys":[4]}
{"new":2,"changed":1,"unchanged":3,"gone":0,"unkeyed":0,"duplicate_keys":0,"gone_keys":[]}'
	# The e-mail is sensitive: the profile shows its keyed hash only.
	run -0 env IMPORTER_PII_KEY=example-key "$DQ_BIN/dq-profile" -c people.json out/night3.ndjson
	refute_output --partial '@example'
}
