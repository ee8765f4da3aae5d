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
	assert_line --partial "Usage: dq-s3-event [-c CONTRACT]... [OPTIONS] [EVENT.json...]"
	assert_line --partial "--key-layout L    the key's parts"
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
	run -0 sqlite3 -bail m.db <"$EX/sqlite-report.sql"
	assert_output "$(cat "$EX/expected/sqlite-report.txt")"
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
	[[ $stderr == *"s3://agency-drop/no-agency.ndjson: the key does not fit the layout {agency}/{file}"* ]]
	[[ $stderr == *"s3://agency-drop/acme/missing.ndjson: could not fetch the object"* ]]
	[[ $stderr == *"eventTime '21/11/2026 08:15' is not UTC ISO 8601"* ]]
	run -0 sqlite3 b.db "SELECT agency_slug FROM monitoring_file"
	assert_output "beta-county"
	echo '{"detail":"not s3"}' >notevent.json
	run -2 "$S3EVENT" -q -c "$EX/contract.json" --db b.db notevent.json
	assert_output "dq-s3-event: notevent.json: not an S3 event (S3, SNS, SQS or EventBridge shape)"
}

@test "dq-s3-event: --keep keeps each run's documents" {
	run -0 "$S3EVENT" -q -c "$EX/contract.json" --db k.db --keep kept \
		"$EX/events/batch.json"
	run -0 ls kept/beta-county/exports/roster.ndjson/2026-11-21-14
	assert_output $'load.sql\nprofile.json\nsummary.json\nviolations.ndjson'
	run -0 jq -r '.run_id' kept/beta-county/exports/roster.ndjson/2026-11-21-14/summary.json
	assert_output --regexp '^s3-2026-11-21-14-[0-9]+$'
}

@test "dq-s3-event: PostgreSQL with --dq-tables: two notifications twice leave the same rows" {
	pg_need
	url=$(pg_newdb s3event)
	run -1 "$S3EVENT" -q -c "$EX/contract.json" --psql "$url" --dq-tables \
		"$EX/events/acme-put.json" "$EX/events/batch.json"
	pg_dump_rows "$url" >dump1
	run -1 "$S3EVENT" -q -c "$EX/contract.json" --psql "$url" --dq-tables \
		"$EX/events/batch.json" "$EX/events/acme-put.json"
	pg_dump_rows "$url" >dump2
	run -0 diff dump1 dump2
	run -0 psql -X -A -t "$url" -c "SELECT agency_slug || '|' || latest_data_quality_score FROM monitoring_file ORDER BY 1"
	assert_output $'acme|44\nbeta-county|100'
	run -0 psql -X -A -t "$url" -c "SELECT count(*) FROM monitoring_file_failed_validation"
	assert_output 5
}

@test "examples/monitoring-files: make check-sqlite (dq's own tables: twice the same report, as expected/)" {
	cp -r "$EX" "$BATS_TEST_TMPDIR/m"
	rm -rf "$BATS_TEST_TMPDIR/m/out"
	run -0 make -s -C "$BATS_TEST_TMPDIR/m" check-sqlite DQ_BIN="$DQ_BIN" \
		SCRIPTS="$BATS_TEST_DIRNAME/../scripts"
	assert_line --partial "agency=acme file=daily/volunteers 2026-11-21.ndjson run=2026-11-21 8 score=44 failed violations=5"
}

@test "examples/monitoring-files: make check on the reporting tables (an NDJSON, a CSV with a broken row, a JSON array, a Parquet file, an unparseable object, an unknown file; twice the same rows, as expected/) (issue 17)" {
	pg_need
	duckdb_ready || skip "DuckDB's library (for the Parquet object) could not be installed: scripts/install-deps --parquet"
	url=$(pg_newdb example)
	cp -r "$EX" "$BATS_TEST_TMPDIR/m"
	rm -rf "$BATS_TEST_TMPDIR/m/out"
	run -0 make -s -C "$BATS_TEST_TMPDIR/m" check DQ_BIN="$DQ_BIN" \
		SCRIPTS="$BATS_TEST_DIRNAME/../scripts" PSQL_URL="$url" \
		DDL="$BATS_TEST_DIRNAME/fixtures/sql/reporting-schema.sql"
	run -0 cat "$BATS_TEST_TMPDIR/m/out/report2.txt"
	assert_line "acme | daily/volunteers.ndjson | 65"
	assert_line --partial "exports/shifts.csv | 2026-11-21 | 76 | f | "
	# The JSON array and the Parquet file are read, not format failures:
	# the Parquet decimal 30.0 keeps its digits.
	assert_line "exports/volunteers.json | 2026-11-21 | 93 | t | {\"bounds\": 7.5, \"format\": 0, \"schema\": 0, \"uniqueness\": 0, \"completeness\": 0} | 0 of 2 checks failed | 1 of 9 checks failed: DOM-201 state: 1 of 3"
	assert_line "exports/volunteers.parquet | 2026-11-21 | FMT-101; DOM-202 | format; bounds | email; hours | \"ned.example.org\"; 30.0 | failures 1 of 4, tolerance 0; failures 1 of 3, tolerance 0"
	# Without a database it says what it needs.
	run -2 make -s -C "$BATS_TEST_TMPDIR/m" check
	assert_output --partial "make: give PSQL_URL=postgresql://... (an empty database for the example)"
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

# The shared reporting tables, two monitoring files (acme's with a
# schema definition), and events in the shapes AWS delivers.
reporting_db() {
	url=$(pg_newdb "$1")
	psql -X -q -v ON_ERROR_STOP=1 "$url" -f "$BATS_TEST_DIRNAME/fixtures/sql/reporting-schema.sql" 2>/dev/null
	# acme's definition leaves out the hours rules of the -c contract:
	# score 40 (format 35, bounds 15, uniqueness 10 deducted) against 44.
	jq -c 'del(.fields.hours)' "$EX/contract.json" >def.json
	psql -X -q -v ON_ERROR_STOP=1 -v def="$(cat def.json)" "$url" <<-'EOS'
	INSERT INTO reporting.monitoring_file_schema_definition (name, definition, created_at, updated_at)
	  VALUES ('volunteers', :'def', now(), now());
	INSERT INTO reporting.monitoring_file (file_name, agency_slug, schema_definition_id)
	  VALUES ('daily/volunteers.ndjson', 'acme', 1), ('exports/roster.ndjson', 'beta-county', NULL),
	         ('data.parquet', 'acme', NULL);
	EOS
	echo "$url"
}

@test "dq-s3-event --psql: the reporting tables; SNS, SQS and EventBridge shapes; a test event skipped; an unparseable file stored as a format failure; an unknown file an error (issue 17)" {
	pg_need
	duckdb_ready || skip "DuckDB's library could not be installed: scripts/install-deps --parquet"
	url=$(reporting_db s3rep)
	mkdir -p b/agency-drop/acme
	cp -r "$EX/bucket/agency-drop/." b/agency-drop/
	# A damaged Parquet file: DuckDB cannot read it, a format failure.
	printf 'PAR1\001\002\000\003binary\000PAR1' >b/agency-drop/acme/data.parquet
	cat >fetch <<-'EOS'
	#!/bin/sh
	exec cat "b/$1/$2"
	EOS
	chmod +x fetch
	# SNS envelope around the batch notification.
	jq -n --arg m "$(cat "$EX/events/batch.json")" \
		'{Type: "Notification", MessageId: "m1", TopicArn: "arn:aws:sns:us-east-1:1:t", Message: $m}' >sns.json
	# An SQS message whose body is an EventBridge event (key not encoded).
	jq -n '{"version": "0", "detail-type": "Object Created", "source": "aws.s3",
		"time": "2026-11-21T09:00:00Z",
		"detail": {"bucket": {"name": "agency-drop"},
			   "object": {"key": "acme/data.parquet", "size": 18}, "reason": "PutObject"}}' >eb.json
	jq -n --arg b "$(cat eb.json)" '{Messages: [{MessageId: "q1", ReceiptHandle: "h", Body: $b}]}' >sqs.json
	echo '{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-21T08:00:00Z","Bucket":"agency-drop"}' >test.json
	jq '.Records[0].s3.object.key = "acme/nobody.ndjson"' "$EX/events/acme-put.json" >unknown.json
	cp "$EX/bucket/agency-drop/acme/daily/volunteers 2026-11-21.ndjson" b/agency-drop/acme/nobody.ndjson
	psql -X -A -t "$url" -c "SELECT table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1" >tables1
	ev() {
		DQ_S3_FETCH="$PWD/fetch" "$S3EVENT" -c "$EX/contract.json" --psql "$url" \
			--file-strip ' [0-9]{4}-[0-9]{2}-[0-9]{2}' "$@" \
			"$EX/events/acme-put.json" sns.json sqs.json test.json unknown.json
	}
	run -2 --separate-stderr ev
	assert_output $'s3://agency-drop/acme/daily/volunteers 2026-11-21.ndjson agency=acme file=daily/volunteers.ndjson run=2026-11-21 8 score=40 failed violations=3\ns3://agency-drop/beta-county/exports/roster.ndjson agency=beta-county file=exports/roster.ndjson run=2026-11-21 14 score=100 passed violations=0\ns3://agency-drop/acme/data.parquet agency=acme file=data.parquet run=2026-11-21 9 score=65 failed violations=0'
	[[ $stderr == *"dq-s3-event: skipping a 'ObjectRemoved:Delete' record (not ObjectCreated)"* ]]
	[[ $stderr == *"dq-s3-event: skipping an s3:TestEvent (bucket 'agency-drop')"* ]]
	[[ $stderr == *"dq-s3-event: s3://agency-drop/acme/data.parquet: the file cannot be parsed; stored as a format failure:"* ]]
	[[ $stderr == *"dq-s3-event: s3://agency-drop/acme/nobody.ndjson: unknown monitoring file: agency 'acme', file 'nobody.ndjson' (not in reporting.monitoring_file; --register adds it)"* ]]
	q() { psql -X -A -t "$url" -c "$1"; }
	run -0 q "SELECT f.agency_slug, f.file_name, f.latest_data_quality_score, r.run_date, r.run_hour, r.file_size, q.score, q.passed, q.deductions::text FROM reporting.monitoring_file f JOIN reporting.monitoring_file_run r ON r.monitoring_file_id = f.id JOIN reporting.monitoring_file_data_quality q ON q.monitoring_file_run_id = r.id ORDER BY f.id"
	assert_output "$(cat <<-'EOS'
	acme|daily/volunteers.ndjson|40|2026-11-21|8|385|40|f|{"bounds": 15, "format": 35, "schema": 0, "uniqueness": 10, "completeness": 0}
	beta-county|exports/roster.ndjson|100|2026-11-21|14|224|100|t|{"bounds": 0, "format": 0, "schema": 0, "uniqueness": 0, "completeness": 0}
	acme|data.parquet|65|2026-11-21|9|18|65|f|{"bounds": 0, "format": 35, "schema": 0, "uniqueness": 0, "completeness": 0}
	EOS
	)"
	run -0 q "SELECT q.metrics->'formatParsing'->>'passed', q.metrics->'completeness'->>'passed' IS NULL, q.failed_validation_message, (SELECT count(*) FROM reporting.monitoring_file_data_profile p WHERE p.monitoring_file_run_id = q.monitoring_file_run_id) FROM reporting.monitoring_file_data_quality q JOIN reporting.monitoring_file_run r ON r.id = q.monitoring_file_run_id JOIN reporting.monitoring_file f ON f.id = r.monitoring_file_id WHERE f.file_name = 'data.parquet'"
	assert_output "false|t|1 of 1 checks failed: PARSE: 1 of 1|0"
	run -0 q "SELECT count(*) FROM reporting.monitoring_file WHERE file_name = 'nobody.ndjson'"
	assert_output 0
	# A replay leaves every table as it was, timestamps included, and
	# no table was created.
	for t in monitoring_file monitoring_file_run monitoring_file_data_quality monitoring_file_failed_validation monitoring_file_data_profile; do
		q "SELECT x::text FROM reporting.$t x ORDER BY id"
	done >dump1
	run -2 --separate-stderr ev --log-format json
	for t in monitoring_file monitoring_file_run monitoring_file_data_quality monitoring_file_failed_validation monitoring_file_data_profile; do
		q "SELECT x::text FROM reporting.$t x ORDER BY id"
	done >dump2
	run -0 diff dump1 dump2
	psql -X -A -t "$url" -c "SELECT table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1" >tables2
	run -0 diff tables1 tables2
	# JSON logs: every line an object with the object and its ids.
	printf '%s\n' "$stderr" | grep '^{' >log.ndjson
	run -0 jq -r 'select(.stage == "stored") | [.key, .monitoring_file_id, (.monitoring_file_run_id | type), (.duration_ms | type)] | @tsv' log.ndjson
	assert_output $'acme/daily/volunteers 2026-11-21.ndjson\t1\tnumber\tnumber\nbeta-county/exports/roster.ndjson\t2\tnumber\tnumber\nacme/data.parquet\t3\tnumber\tnumber'
	run -0 jq -r 'select(.stage == "resolve") | [.level, .bucket, .key, .monitoring_file_id] | @tsv' log.ndjson
	assert_output $'error\tagency-drop\tacme/nobody.ndjson\t'
}

@test "dq-s3-event --psql: a processing failure is recorded in the run of that hour; the next success writes over it (issue 17)" {
	pg_need
	url=$(reporting_db s3fail)
	ev() {
		"$S3EVENT" -q -c "$EX/contract.json" --psql "$url" \
			--file-strip ' [0-9]{4}-[0-9]{2}-[0-9]{2}' "$EX/events/acme-put.json"
	}
	run -1 ev
	msg=$(psql -X -A -t "$url" -c "SELECT failed_validation_message FROM reporting.monitoring_file_data_quality")
	DQ_S3_FETCH=false run -2 --separate-stderr ev
	assert_output ""
	[ "$stderr" = "dq-s3-event: s3://agency-drop/acme/daily/volunteers 2026-11-21.ndjson: could not fetch the object" ]
	run -0 psql -X -A -t "$url" -c "SELECT score, failed_validation_message, failed_validation_rules->-1 FROM reporting.monitoring_file_data_quality"
	assert_output '40|processing failed at fetch: s3://agency-drop/acme/daily/volunteers 2026-11-21.ndjson: could not fetch the object|{"stage": "fetch", "processing_error": "s3://agency-drop/acme/daily/volunteers 2026-11-21.ndjson: could not fetch the object"}'
	run -1 ev
	run -0 psql -X -A -t "$url" -c "SELECT failed_validation_message, jsonb_array_length(failed_validation_rules) FROM reporting.monitoring_file_data_quality"
	assert_output "$msg|3"
}

@test "dq-s3-event --psql --register: an unknown file is added and stored; the profile payload is capped (25 sample rows, 10 top values, values of 1024 bytes) (issue 17)" {
	pg_need
	url=$(reporting_db s3reg)
	mkdir -p b/agency-drop/gamma
	# 200 rows, each with a 5000-letter note.
	long=$(printf 'n%.0s' $(seq 5000))
	for i in $(seq 1 200); do
		printf '{"id":"G%d","email":"g%d@example.org","state":"CA","hours":%d,"note":"%s%d"}\n' "$i" "$i" $((i % 24)) "$long" "$i"
	done >b/agency-drop/gamma/big.ndjson
	cat >fetch <<-'EOS'
	#!/bin/sh
	exec cat "b/$1/$2"
	EOS
	chmod +x fetch
	jq '.Records[0].s3.object.key = "gamma/big.ndjson"' "$EX/events/acme-put.json" >e.json
	DQ_S3_FETCH="$PWD/fetch" run -0 "$S3EVENT" -q -c "$EX/contract.json" --psql "$url" --register e.json
	q() { psql -X -A -t "$url" -c "$1"; }
	run -0 q "SELECT f.agency_slug, f.file_name, f.latest_data_quality_score, f.schema_definition_id IS NULL FROM reporting.monitoring_file f WHERE agency_slug = 'gamma'"
	assert_output "gamma|big.ndjson|100|t"
	run -0 q "SELECT jsonb_array_length(p.profile_payload->'sampleData'->'rows'), (SELECT max(jsonb_array_length(v->'topValues')) FROM jsonb_each(p.profile_payload->'valueDistributions') AS e(k, v)), (SELECT max(length(x #>> '{}')) FROM jsonb_array_elements(p.profile_payload->'sampleData'->'rows') r, jsonb_array_elements(r) x), p.profile_payload->'_truncated'->>'max_value_bytes', octet_length(p.profile_payload::text) < 200000 FROM reporting.monitoring_file_data_profile p"
	assert_output "25|10|1024|1024|t"
}

@test "dq-s3-event --psql: a file with some broken rows is validated and profiled; the broken rows deduct from format in proportion (issue 17)" {
	pg_need
	url=$(reporting_db s3part)
	mkdir -p b/agency-drop/acme
	# NDJSON, line 2 of 3 cut short; line 3's email fails FMT-101:
	# format 35 x (1/3 broken + 2/3 parsed x 1 of 2 format checks
	# failed) = 35 x 4/6 = 23.333333, score 76.666667 -> 77, failed.
	printf '%s\n' '{"id":"A1","email":"a@example.org","state":"CA","hours":3}' \
		'{"id":"A2","email":' \
		'{"id":"A3","email":"c@@example.org","state":"NY","hours":5}' \
		>b/agency-drop/acme/part.ndjson
	# CSV, row 2 of 3 with a quote inside an unquoted field; row 3's
	# hours 30 fails DOM-202 (1 of 2 bounds checks): format 35 x 1/3 =
	# 11.666667, bounds 7.5, score 80.833333 -> 81, passed.
	printf 'id,email,state,hours\nC1,a@example.org,CA,3\nC2,b"x"@example.org,NY,4\nC3,c@example.org,TX,30\n' \
		>b/agency-drop/acme/part.csv
	cat >fetch <<-'EOS'
	#!/bin/sh
	exec cat "b/$1/$2"
	EOS
	chmod +x fetch
	jq '.Records[0].s3.object.key = "acme/part.ndjson" | .Records[0].s3.object.size = 0' "$EX/events/acme-put.json" >e1.json
	jq '.Records[0].s3.object.key = "acme/part.csv" | .Records[0].s3.object.size = 0 | .Records[0].eventTime = "2026-11-21T10:00:00Z"' "$EX/events/acme-put.json" >e2.json
	DQ_S3_FETCH="$PWD/fetch" run -1 --separate-stderr "$S3EVENT" -c "$EX/contract.json" --psql "$url" --register e1.json e2.json
	assert_output $'s3://agency-drop/acme/part.ndjson agency=acme file=part.ndjson run=2026-11-21 8 score=77 failed violations=1\ns3://agency-drop/acme/part.csv agency=acme file=part.csv run=2026-11-21 10 score=81 passed violations=1'
	q() { psql -X -A -t "$url" -c "$1"; }
	run -0 q "SELECT f.file_name, f.latest_data_quality_score, q.score, q.passed, q.deductions::text, q.metrics->'formatParsing', q.failed_validation_message, q.failed_validation_rules::text FROM reporting.monitoring_file f JOIN reporting.monitoring_file_run r ON r.monitoring_file_id = f.id JOIN reporting.monitoring_file_data_quality q ON q.monitoring_file_run_id = r.id WHERE f.file_name LIKE 'part.%' ORDER BY f.id"
	assert_output "$(cat <<-'EOS'
	part.ndjson|77|77|f|{"bounds": 0, "format": 23.333333, "schema": 0, "uniqueness": 0, "completeness": 0}|{"checks": 2, "failed": 1, "parsed": 2, "passed": false, "weight": 35, "details": "1 of 3 records could not be parsed; 1 of 2 checks failed", "rejected": 1}|2 of 10 checks failed: PARSE: 1 of 3; FMT-101 email: 1 of 2|[{"code": "PARSE", "field": null, "checked": 3, "category": "format", "failures": 1, "severity": "error", "tolerance": 0}, {"code": "FMT-101", "rate": 0.5, "field": "email", "checked": 2, "category": "format", "failures": 1, "severity": "error", "tolerance": 0}]
	part.csv|81|81|t|{"bounds": 7.5, "format": 11.666667, "schema": 0, "uniqueness": 0, "completeness": 0}|{"checks": 2, "failed": 0, "parsed": 2, "passed": false, "weight": 35, "details": "1 of 3 records could not be parsed; 0 of 2 checks failed", "rejected": 1}|2 of 10 checks failed: PARSE: 1 of 3; DOM-202 hours: 1 of 2|[{"code": "PARSE", "field": null, "checked": 3, "category": "format", "failures": 1, "severity": "error", "tolerance": 0}, {"code": "DOM-202", "rate": 0.5, "field": "hours", "checked": 2, "category": "bounds", "failures": 1, "severity": "error", "tolerance": 0}]
	EOS
	)"
	# The failed-validation row names the broken rows first.
	run -0 q "SELECT v.rule_name, v.rule_type, v.rule_path, v.validated_field_names, v.rule_parameters FROM reporting.monitoring_file_failed_validation v JOIN reporting.monitoring_file f ON f.id = v.monitoring_file_id WHERE f.file_name LIKE 'part.%' ORDER BY v.id"
	assert_output $'PARSE; FMT-101|parse; format|format; format|; email|failures 1 of 3, tolerance 0; failures 1 of 2, tolerance 0\nPARSE; DOM-202|parse; range|format; bounds|; hours|failures 1 of 3, tolerance 0; failures 1 of 2, tolerance 0'
	# The rows that parsed were profiled.
	run -0 q "SELECT p.profile_payload->'rows', p.profile_payload->'rejected', p.profile_payload->'statisticalSummary'->'hours'->'max' FROM reporting.monitoring_file_data_profile p ORDER BY p.id"
	assert_output $'2|1|5\n2|1|30'
}

@test "dq-s3-event --psql: a processing failure for an hour never stored creates the run with the failure recorded; it scores nothing and leaves the latest score alone (issue 17)" {
	pg_need
	url=$(reporting_db s3never)
	q() { psql -X -A -t "$url" -c "$1"; }
	ev() {
		"$S3EVENT" -q -c "$EX/contract.json" --psql "$url" \
			--file-strip ' [0-9]{4}-[0-9]{2}-[0-9]{2}' "$@"
	}
	msg='processing failed at fetch: s3://agency-drop/acme/daily/volunteers 2026-11-21.ndjson: could not fetch the object'
	DQ_S3_FETCH=false run -2 --separate-stderr ev --log-format json "$EX/events/acme-put.json"
	assert_output ""
	run -0 jq -r 'select(.stage == "fetch") | [.level, .monitoring_file_id, (.monitoring_file_run_id | type), .message] | @tsv' <<<"$stderr"
	assert_output $'info\t1\tnull\ts3://agency-drop/acme/daily/volunteers 2026-11-21.ndjson: fetching\nerror\t1\tnull\ts3://agency-drop/acme/daily/volunteers 2026-11-21.ndjson: could not fetch the object\ninfo\t1\tnumber\ts3://agency-drop/acme/daily/volunteers 2026-11-21.ndjson: the failure is recorded in the run'
	run -0 q "SELECT r.run_date, r.run_hour, r.file_size, r.file_last_modified, q.score, q.passed, q.deductions::text, q.metrics::text, q.failed_validation_message, q.failed_validation_rules::text, f.latest_data_quality_score IS NULL FROM reporting.monitoring_file f JOIN reporting.monitoring_file_run r ON r.monitoring_file_id = f.id JOIN reporting.monitoring_file_data_quality q ON q.monitoring_file_run_id = r.id"
	assert_output "2026-11-21|8|385|2026-11-21 08:15:02.417+00|0|f|{}|{\"uniqueness\": {\"passed\": null, \"details\": \"not checked: processing failed at fetch\"}, \"boundsRange\": {\"passed\": null, \"details\": \"not checked: processing failed at fetch\"}, \"completeness\": {\"passed\": null, \"details\": \"not checked: processing failed at fetch\"}, \"formatParsing\": {\"passed\": null, \"details\": \"not checked: processing failed at fetch\"}, \"processingFailed\": {\"error\": \"s3://agency-drop/acme/daily/volunteers 2026-11-21.ndjson: could not fetch the object\", \"stage\": \"fetch\"}, \"schemaValidation\": {\"passed\": null, \"details\": \"not checked: processing failed at fetch\"}}|$msg|[{\"stage\": \"fetch\", \"processing_error\": \"s3://agency-drop/acme/daily/volunteers 2026-11-21.ndjson: could not fetch the object\"}]|t"
	# The same hour processed: its results replace the failure.
	run -1 ev "$EX/events/acme-put.json"
	run -0 q "SELECT q.score, q.metrics ? 'processingFailed', q.failed_validation_message LIKE '3 of %', f.latest_data_quality_score, (SELECT count(*) FROM reporting.monitoring_file_run) FROM reporting.monitoring_file f JOIN reporting.monitoring_file_run r ON r.monitoring_file_id = f.id JOIN reporting.monitoring_file_data_quality q ON q.monitoring_file_run_id = r.id"
	assert_output "40|f|t|40|1"
	# A later hour that fails: a run of its own, the latest score stays
	# the checked run's, also when another load recomputes it.
	jq '.Records[0].eventTime = "2026-11-21T11:00:00Z"' "$EX/events/acme-put.json" >later.json
	DQ_S3_FETCH=false run -2 --separate-stderr ev later.json
	run -1 ev "$EX/events/acme-put.json"
	run -0 q "SELECT r.run_hour, q.score, q.passed, f.latest_data_quality_score FROM reporting.monitoring_file f JOIN reporting.monitoring_file_run r ON r.monitoring_file_id = f.id JOIN reporting.monitoring_file_data_quality q ON q.monitoring_file_run_id = r.id ORDER BY r.run_hour"
	assert_output $'8|40|f|40\n11|0|f|40'
}

@test "dq-s3-event: a file is read in the format its extension names: an HTML error page saved as .ndjson is a format failure, not a one-column CSV scoring 80 (issue 17)" {
	mkdir -p b/agency-drop/acme
	printf '<html>\n<head><title>502 Bad Gateway</title></head>\n</html>\n' >b/agency-drop/acme/page.ndjson
	printf 'id,email,state,hours\nC1,a@example.org,CA,3\n' >b/agency-drop/acme/page.csv
	cat >fetch <<-'EOS'
	#!/bin/sh
	exec cat "b/$1/$2"
	EOS
	chmod +x fetch
	jq '.Records[0].s3.object.key = "acme/page.ndjson" | .Records += [.Records[0] | .s3.object.key = "acme/page.csv"]' "$EX/events/acme-put.json" >e.json
	DQ_S3_FETCH="$PWD/fetch" run -1 "$S3EVENT" -c "$EX/contract.json" --db m.db e.json
	assert_output $'s3://agency-drop/acme/page.ndjson agency=acme file=page.ndjson run=2026-11-21 8 score=65 failed violations=0\ns3://agency-drop/acme/page.csv agency=acme file=page.csv run=2026-11-21 8 score=100 passed violations=0'
	run -0 sqlite3 m.db "SELECT json_extract(q.metrics, '$.formatParsing.details'), q.failed_validation_message FROM monitoring_file_data_quality q JOIN monitoring_file_run r ON r.id = q.monitoring_file_run_id JOIN monitoring_file f ON f.id = r.monitoring_file_id WHERE f.file_name = 'page.ndjson'"
	assert_output "no input record could be parsed (3 rejected)|1 of 10 checks failed: PARSE: 3 of 3"
}

@test "dq-s3-event --psql: a file scoring exactly 79.5 is stored as 80 and passed, the deduction as summed (issue 17)" {
	pg_need
	url=$(reporting_db s3half)
	mkdir -p b/agency-drop/acme
	# Schema weighs 41 here: 1 of 2 type checks fails, 41 x 1/2 = 20.5.
	printf '{"fields":{"n":{"type":"integer"},"m":{"type":"integer"}},"score":{"weights":{"schema":41}}}' >c.json
	printf '{"n":1,"m":"x"}\n{"n":2,"m":3}\n' >b/agency-drop/acme/half.ndjson
	cat >fetch <<-'EOS'
	#!/bin/sh
	exec cat "b/$1/$2"
	EOS
	chmod +x fetch
	jq '.Records[0].s3.object.key = "acme/half.ndjson"' "$EX/events/acme-put.json" >e.json
	# Status 1: dq-validate's gate also fails on the failed error check;
	# the quality row passes on its score, as the document defines it.
	DQ_S3_FETCH="$PWD/fetch" run -1 "$S3EVENT" -q -c c.json --psql "$url" --register e.json
	run -0 psql -X -A -t "$url" -c "SELECT f.latest_data_quality_score, q.score, q.passed, q.deductions->'schema' FROM reporting.monitoring_file f JOIN reporting.monitoring_file_run r ON r.monitoring_file_id = f.id JOIN reporting.monitoring_file_data_quality q ON q.monitoring_file_run_id = r.id WHERE f.file_name = 'half.ndjson'"
	assert_output "80|80|t|20.5"
}

@test "dq-s3-event: a file in which no field of the contract appears (a CSV with another delimiter) is a format failure, not a score of 80 on missing fields (issue 17)" {
	mkdir -p b/agency-drop/acme
	printf 'id;email;state;hours\nC1;a@example.org;CA;3\nC2;b@example.org;NY;4\n' >b/agency-drop/acme/semi.csv
	cat >fetch <<-'EOS'
	#!/bin/sh
	exec cat "b/$1/$2"
	EOS
	chmod +x fetch
	jq '.Records[0].s3.object.key = "acme/semi.csv"' "$EX/events/acme-put.json" >e.json
	DQ_S3_FETCH="$PWD/fetch" run -1 --separate-stderr "$S3EVENT" -c "$EX/contract.json" --db m.db e.json
	assert_output "s3://agency-drop/acme/semi.csv agency=acme file=semi.csv run=2026-11-21 8 score=65 failed violations=0"
	[[ $stderr == *"dq-s3-event: s3://agency-drop/acme/semi.csv: the file cannot be parsed; stored as a format failure:"* ]]
	run -0 sqlite3 m.db "SELECT json_extract(metrics, '$.formatParsing.details'), json_extract(metrics, '$.completeness.passed') IS NULL FROM monitoring_file_data_quality"
	assert_output "cannot be parsed: no field the contract checks appears in the file (another format, a CSV with another delimiter, or not the expected data)|1"
}

@test "dq-s3-event: a JSON-array object and a Parquet object are read by their extension; Parquet without DuckDB's library is trouble (2), nothing stored (issue 17)" {
	duckdb_ready || skip "DuckDB's library could not be installed: scripts/install-deps --parquet"
	for k in volunteers.json volunteers.parquet; do
		event "beta-county/exports/$k" >"e.$k"
		run -1 --separate-stderr "$S3EVENT" -c "$EX/contract.json" --db m.db "e.$k"
		printf '%s\n' "$output" >>out
	done
	run -0 cat out
	assert_output $'s3://agency-drop/beta-county/exports/volunteers.json agency=beta-county file=exports/volunteers.json run=2026-11-21 8 score=93 passed violations=1\ns3://agency-drop/beta-county/exports/volunteers.parquet agency=beta-county file=exports/volunteers.parquet run=2026-11-21 8 score=75 failed violations=2'
	run -0 sqlite3 m.db "SELECT field, value FROM monitoring_file_failed_validation ORDER BY field"
	assert_output $'email|"ned.example.org"\nhours|30.0\nstate|"WA"'
	# Without the library the object is not judged at all.
	run -2 --separate-stderr env -u DQ_LIBDUCKDB HOME="$BATS_TEST_TMPDIR" "$S3EVENT" -c "$EX/contract.json" --db n.db e.volunteers.parquet
	assert_output ""
	[[ $stderr == *"s3://agency-drop/beta-county/exports/volunteers.parquet: cannot read Parquet:"*"DuckDB's C library (libduckdb.so) is not installed; install it with scripts/install-deps --parquet"* ]]
	[ ! -e n.db ]
}
