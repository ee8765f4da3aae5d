#!/usr/bin/env bats
# scripts/dq-s3-event: S3 notifications to the monitoring-file tables.
# Objects come from a local directory through DQ_S3_FETCH (the aws CLI
# against a real S3-compatible server is tested in clients.bats).

load helpers
load pg

EX=$BATS_TEST_DIRNAME/../examples/monitoring-files
S3EVENT=$BATS_TEST_DIRNAME/../scripts/dq-s3-event

setup_file() {
	pg_start
}

teardown_file() {
	pg_stop
}

setup() {
	export DQ_BIN
	export DQ_S3_FETCH="$EX/fetch-local"
	cd "$BATS_TEST_TMPDIR"
}

# event KEY [SIZE]: a one-record ObjectCreated notification for KEY.
event() {
	jq --arg k "$1" --argjson s "${2:-0}" \
		'.Records[0].s3.object.key = $k | .Records[0].s3.object.size = $s' \
		"$EX/events/acme-put.json"
}

@test "dq-s3-event --help describes the key layout and the options" {
	run -0 "$S3EVENT" --help
	assert_line --partial "Usage: dq-s3-event -c CONTRACT"
	assert_line --partial "AGENCY/PATH/TO/FILE  ->  agency AGENCY, file PATH/TO/FILE"
	assert_line --partial "DQ_S3_FETCH"
	assert_line --partial "--psql URL"
}

@test "dq-s3-event: no contract, unknown option: status 2" {
	run -2 "$S3EVENT" "$EX/events/acme-put.json"
	assert_output "dq-s3-event: a contract is needed: -c FILE (try --help)"
	run -2 "$S3EVENT" -c "$EX/contract.json" --frobnicate
	assert_output "dq-s3-event: unknown option '--frobnicate' (try --help)"
}

@test "dq-s3-event: two notifications into sqlite; processing them again changes nothing" {
	run -1 --separate-stderr "$S3EVENT" -c "$EX/contract.json" --db m.db \
		"$EX/events/acme-put.json" "$EX/events/batch.json"
	assert_line -n 0 "s3://agency-drop/acme/daily/volunteers 2026-11-21.ndjson agency=acme file=daily/volunteers 2026-11-21.ndjson run=2026-11-21 8 score=44 failed violations=5"
	assert_line -n 1 "s3://agency-drop/beta-county/exports/roster.ndjson agency=beta-county file=exports/roster.ndjson run=2026-11-21 14 score=100 passed violations=0"
	[ "$stderr" = "dq-s3-event: skipping a 'ObjectRemoved:Delete' record (not ObjectCreated)" ]
	sqlite3 m.db .dump >dump1
	run -1 "$S3EVENT" -q -c "$EX/contract.json" --db m.db \
		"$EX/events/batch.json" "$EX/events/acme-put.json"
	sqlite3 m.db .dump >dump2
	run -0 diff dump1 dump2
	run -0 sqlite3 -bail m.db <"$EX/report.sql"
	assert_output "$(cat "$EX/expected/report.txt")"
}

@test "dq-s3-event: reads the notification from stdin; a passing object exits 0" {
	run -0 "$S3EVENT" -c "$EX/contract.json" --db s.db \
		<"$EX/events/batch.json"
	run -0 sqlite3 s.db "SELECT agency_slug, file_name, latest_data_quality_score FROM monitoring_file"
	assert_output "beta-county|exports/roster.ndjson|100"
}

@test "dq-s3-event: the key is URL-decoded; the fetch gets the decoded key" {
	mkdir -p "b/agency-drop/acme/dir"
	cp "$EX/bucket/agency-drop/beta-county/exports/roster.ndjson" \
		"b/agency-drop/acme/dir/café 'q' 100%.ndjson"
	cat >fetch <<-'EOF'
	#!/bin/sh
	printf '%s\n' "$1" "$2" >>fetched
	exec cat "b/$1/$2"
	EOF
	chmod +x fetch
	event "acme/dir/caf%C3%A9+%27q%27+100%25.ndjson" 224 >e.json
	DQ_S3_FETCH=./fetch run -0 "$S3EVENT" -q -c "$EX/contract.json" \
		--db k.db e.json
	run -0 cat fetched
	assert_output $'agency-drop\nacme/dir/café \'q\' 100%.ndjson'
	run -0 sqlite3 k.db "SELECT f.agency_slug, f.file_name, r.run_date, r.run_hour, r.file_size FROM monitoring_file f JOIN monitoring_file_run r ON r.monitoring_file_id = f.id"
	assert_output "acme|dir/café 'q' 100%.ndjson|2026-11-21|8|224"
}

@test "dq-s3-event: a bad record is trouble (2), the others are still stored" {
	jq '.Records += [.Records[0] | .s3.object.key = "no-agency.ndjson"]
	    | .Records += [.Records[0] | .s3.object.key = "acme/missing.ndjson"]
	    | .Records += [.Records[0] | .eventTime = "21/11/2026 08:15"]' \
		"$EX/events/batch.json" >bad.json
	run -2 --separate-stderr "$S3EVENT" -q -c "$EX/contract.json" \
		--db b.db bad.json
	[[ $stderr == *"s3://agency-drop/no-agency.ndjson: no AGENCY/ prefix in the key"* ]]
	[[ $stderr == *"s3://agency-drop/acme/missing.ndjson: could not fetch the object"* ]]
	[[ $stderr == *"eventTime '21/11/2026 08:15' is not UTC ISO 8601"* ]]
	run -0 sqlite3 b.db "SELECT agency_slug FROM monitoring_file"
	assert_output "beta-county"
	echo '{"detail":"not s3"}' >notevent.json
	run -2 "$S3EVENT" -q -c "$EX/contract.json" --db b.db notevent.json
	assert_output "dq-s3-event: notevent.json: not an S3 event notification (no Records list)"
}

@test "dq-s3-event: --keep keeps each run's documents" {
	run -0 "$S3EVENT" -q -c "$EX/contract.json" --db k.db --keep kept \
		"$EX/events/batch.json"
	run -0 ls kept/beta-county/exports/roster.ndjson/2026-11-21-14
	assert_output $'load.sql\nprofile.json\nsummary.json\nviolations.ndjson'
	run -0 jq -r '.run_id' kept/beta-county/exports/roster.ndjson/2026-11-21-14/summary.json
	assert_output --regexp '^s3-2026-11-21-14-[0-9]+$'
}

@test "dq-s3-event: PostgreSQL: two notifications twice leave the same rows" {
	pg_need
	url=$(pg_newdb s3event)
	run -1 "$S3EVENT" -q -c "$EX/contract.json" --psql "$url" \
		"$EX/events/acme-put.json" "$EX/events/batch.json"
	pg_dump_rows "$url" >dump1
	run -1 "$S3EVENT" -q -c "$EX/contract.json" --psql "$url" \
		"$EX/events/batch.json" "$EX/events/acme-put.json"
	pg_dump_rows "$url" >dump2
	run -0 diff dump1 dump2
	run -0 psql -X -A -t "$url" -c "SELECT agency_slug || '|' || latest_data_quality_score FROM monitoring_file ORDER BY 1"
	assert_output $'acme|44\nbeta-county|100'
	run -0 psql -X -A -t "$url" -c "SELECT count(*) FROM monitoring_file_failed_validation"
	assert_output 5
}

@test "examples/monitoring-files: make check (twice the same report, as expected/)" {
	cp -r "$EX" "$BATS_TEST_TMPDIR/m"
	rm -rf "$BATS_TEST_TMPDIR/m/out"
	run -0 make -s -C "$BATS_TEST_TMPDIR/m" check DQ_BIN="$DQ_BIN" \
		SCRIPTS="$BATS_TEST_DIRNAME/../scripts"
	assert_line --partial "agency=acme file=daily/volunteers 2026-11-21.ndjson run=2026-11-21 8 score=44 failed violations=5"
}

@test "dq-s3-event: keys with '..' or '.' segments are refused; --keep writes nothing outside DIR" {
	local k
	mkdir -p kept
	for k in 'acme/..%2F..%2F..%2Fescaped' '../x' 'acme/../../x' \
		'acme/./x' 'acme/%2E%2E/%2E%2E/y'; do
		event "$k" >e.json
		run -2 --separate-stderr "$S3EVENT" -q -c "$EX/contract.json" \
			--db t.db --keep kept/in e.json
		[[ $stderr == *"s3://agency-drop/$k: a '.' or '..' segment in the key"* ]]
	done
	run -0 find . -newer e.json -path ./kept -prune -o -type f -print
	refute_output --partial escaped
	[ ! -e ../x ] && [ ! -e x ] && [ ! -e y ]
	[ ! -d kept/in ]
}

@test "dq-s3-event: a newline or other control character in a key is refused, not reported as another file" {
	local k
	mkdir -p "b/agency-drop/acme"
	cp "$EX/bucket/agency-drop/beta-county/exports/roster.ndjson" \
		"b/agency-drop/acme/a.ndjson"
	cat >fetch <<-'EOF'
	#!/bin/sh
	exec cat "b/$1/$2"
	EOF
	chmod +x fetch
	for k in 'acme/a.ndjson%0As3://agency-drop/other.ndjson agency=x file=y run=2026-11-21 8 score=100 passed violations=0' \
		'acme/a.ndjson%0A' 'acme/a%09.ndjson' 'acme/a%C2%85.ndjson' 'acme/a%7F.ndjson'; do
		event "$k" >e.json
		DQ_S3_FETCH=./fetch run -2 --separate-stderr "$S3EVENT" \
			-c "$EX/contract.json" --db n.db e.json
		[ -z "$output" ]
		[[ $stderr == *"control characters in the key"* ]]
	done
}

@test "dq-s3-event: a NUL in an object is stored as U+FFFD; the warning names the object, not a temporary (issue 14 B14)" {
	mkdir -p "b/agency-drop/acme"
	printf '%s\n' '{"id":"V1","email":"a@example.org","phone":"+14155550100","state":"CA","hours":4,"attended":true,"event":1}' \
		'{"id":"V2","email":"bad\u0000x","phone":"+14155550101","state":"CA","hours":5,"attended":true,"event":1}' \
		>"b/agency-drop/acme/n&ul.ndjson"
	cat >fetch <<-'EOS'
	#!/bin/sh
	exec cat "b/$1/$2"
	EOS
	chmod +x fetch
	event "acme/n%26ul.ndjson" 0 >e.json
	DQ_S3_FETCH="$PWD/fetch" run -1 --separate-stderr "$S3EVENT" -c "$EX/contract.json" \
		--db n.db e.json
	assert_output "s3://agency-drop/acme/n&ul.ndjson agency=acme file=n&ul.ndjson run=2026-11-21 8 score=83 passed violations=1"
	[ "$stderr" = "$(printf '%s\n' 'dq-s3-event: s3://agency-drop/acme/n&ul.ndjson: dq-sql warned:' \
		'  dq-sql: warning: summary.json:1: 1 NUL character (\u0000) stored as U+FFFD: SQL text cannot hold NUL' \
		'  dq-sql: warning: violations.ndjson:1: 1 NUL character (\u0000) stored as U+FFFD: SQL text cannot hold NUL' \
		'  dq-sql: warning: profile.json:1: 3 NUL characters (\u0000) stored as U+FFFD: SQL text cannot hold NUL')" ]
	run -0 sqlite3 n.db "SELECT rule_code, hex(json_extract(value, '\$')) FROM monitoring_file_failed_validation"
	assert_output "FMT-101|626164EFBFBD78"
}
