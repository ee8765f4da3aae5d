#!/usr/bin/env bats
# dq-sql: documents to SQL upserts, loaded into sqlite3 and into a real
# PostgreSQL server the file starts itself (tests/pg.bash).

load helpers
load pg

SQLF=$BATS_TEST_DIRNAME/fixtures/sql
VAL=$BATS_TEST_DIRNAME/fixtures/validate

setup_file() {
	pg_start
}

teardown_file() {
	pg_stop
}

# docs DIR: a real dq-validate summary and violations file and a
# dq-profile document of the volunteers fixture (score 30, 9 violations).
docs() {
	mkdir -p "$1"
	(cd "$VAL" && DQ_RUN_ID=r1 "$DQ_BIN/dq-validate" -c volunteers.json \
		--summary "$1/summary.json" --violations "$1/violations.ndjson" \
		volunteers.ndjson >/dev/null) || [ $? -eq 1 ]
	"$DQ_BIN/dq-profile" "$VAL/volunteers.ndjson" >"$1/profile.json"
}

# mon_sql DIR HOUR [ARGS...]: the monitoring SQL of DIR's documents.
mon_sql() {
	local dir=$1 hour=$2
	shift 2
	dq sql --schema monitoring --create --agency acme \
		--file "in/vol's.ndjson" --run-date 2026-11-21 --run-hour "$hour" \
		--file-size 365 --last-modified 2026-11-21T08:15:00Z \
		--summary "$dir/summary.json" --violations "$dir/violations.ndjson" \
		--profile "$dir/profile.json" "$@"
}

lite() {
	sqlite3 -bail "$@"
}

@test "dq-sql --help describes the schemas and options" {
	run -0 dq sql --help
	assert_line --partial "usage: dq-sql [--schema monitoring|generic|reporting]"
	assert_line --partial "--register        add the monitoring file"
	assert_line --partial "--run-hour H"
	assert_line --partial "--id-map FILE"
}

@test "dq-sql: usage errors exit 2 before any output" {
	run -2 --separate-stderr dq sql --schema monitoring --agency a --file f
	assert_output ""
	[[ $stderr == *"needs --agency, --file, --run-date and --run-hour"* ]]
	run -2 --separate-stderr dq sql --schema monitoring --agency a --file f \
		--run-date 2026-02-29 --run-hour 1
	[[ $stderr == *"--run-date '2026-02-29': not a date"* ]]
	run -2 --separate-stderr dq sql --schema monitoring --agency a --file f \
		--run-date 2024-02-29 --run-hour 24
	[[ $stderr == *"--run-hour: '24' is not a whole number from 0 to 23"* ]]
	run -2 --separate-stderr dq sql --violations "$SQLF/idmap.ndjson"
	[[ $stderr == *"needs --run-id or a summary"* ]]
	run -2 --separate-stderr dq sql --schema monitoring --golden x
	[[ $stderr == *"belong to the generic schema"* ]]
	run -2 --separate-stderr dq sql --dialect mysql
	[[ $stderr == *"--dialect: 'mysql': expected sqlite or postgres"* ]]
}

@test "dq-sql: a NUL (\\u0000) is stored as U+FFFD with a warning naming file and line (issue 14 B14)" {
	run -0 --separate-stderr dq sql --create --run-id r \
		--violations "$SQLF/nul.ndjson"
	[ "$stderr" = "dq-sql: warning: $SQLF/nul.ndjson:2: 1 NUL character (\\u0000) stored as U+FFFD: SQL text cannot hold NUL" ]
	lite "$BATS_TEST_TMPDIR/n.db" <<<"$output"
	run -0 lite "$BATS_TEST_TMPDIR/n.db" "SELECT record_key, hex(json_extract(details, '\$.message')) FROM dq_violation ORDER BY 1"
	assert_output $'V1|66696E65\nV2|626164EFBFBD62797465'
	pg_need
	url=$(pg_newdb nul)
	dq sql --create --dialect postgres --run-id r \
		--violations "$SQLF/nul.ndjson" 2>/dev/null |
		psql -X -q -v ON_ERROR_STOP=1 "$url"
	run -0 psql -X -A -t "$url" -c "SELECT record_key, details->>'message' FROM dq_violation ORDER BY 1"
	assert_output $'V1|fine\nV2|bad\uFFFDbyte'
	printf '{"a":1}\n{"a":"x\0y"}\n' >"$BATS_TEST_TMPDIR/raw.ndjson"
	run -2 --separate-stderr dq sql --run-id r \
		--violations "$BATS_TEST_TMPDIR/raw.ndjson"
	assert_output ""
	[[ $stderr == *"raw.ndjson:2: not valid JSON"* ]]
}

@test "dq-sql: ids above 2^53 stay themselves in every column (issue 14 B5)" {
	printf '%s\n' \
		'{"run_id":"r1","record_id":1500000000000000001,"line":1,"code":"X-1","severity":"error","field":"a","value":1500000000000000001,"message":"m"}' \
		'{"run_id":"r1","record_id":1500000000000000002,"line":2,"code":"X-1","severity":"error","field":"a","value":0.1000000000000000055511151231257827,"message":"m"}' \
		>"$BATS_TEST_TMPDIR/v.ndjson"
	printf '%s\n' '{"id":1500000000000000001,"cluster":"c-1"}' \
		'{"id":1500000000000000002,"cluster":"c-2"}' >"$BATS_TEST_TMPDIR/map.ndjson"
	db=$BATS_TEST_TMPDIR/b.db
	dq sql --create --run-id r1 --violations "$BATS_TEST_TMPDIR/v.ndjson" \
		--id-map "$BATS_TEST_TMPDIR/map.ndjson" | lite "$db"
	run -0 lite "$db" "SELECT record_key, record_id, json_extract(details, '\$.line') FROM dq_violation ORDER BY 1; SELECT record_key, cluster_id FROM dq_id_map ORDER BY 1"
	assert_output $'1500000000000000001|1500000000000000001|1\n1500000000000000002|1500000000000000002|2\n1500000000000000001|c-1\n1500000000000000002|c-2'
	# The JSON text of the value is the file's, digit for digit.
	run -0 lite "$db" "SELECT instr(details, '\"value\":1500000000000000001,') > 0, instr(details, '0.1000000000000000055511151231257827') > 0 FROM dq_violation ORDER BY record_key"
	assert_output $'1|0\n0|1'
	dq sql --schema monitoring --create --agency a --file f --run-date 2026-01-01 \
		--run-hour 0 --violations "$BATS_TEST_TMPDIR/v.ndjson" | lite "$BATS_TEST_TMPDIR/m.db"
	run -0 lite "$BATS_TEST_TMPDIR/m.db" "SELECT record_id, value FROM monitoring_file_failed_validation ORDER BY seq"
	assert_output $'1500000000000000001|1500000000000000001\n1500000000000000002|0.1000000000000000055511151231257827'
}

@test "dq-sql: violations of records without an id from two files stay two rows (issue 14 B6)" {
	# dq-validate names the file of a record when it read several.
	printf '%s\n' \
		'{"run_id":"r1","record_id":1,"line":1,"file":"a.ndjson","code":"REQ:b","severity":"error","field":"b","value":null,"message":"m"}' \
		'{"run_id":"r1","record_id":1,"line":1,"file":"b.ndjson","code":"REQ:b","severity":"error","field":"b","value":null,"message":"m"}' \
		>"$BATS_TEST_TMPDIR/v.ndjson"
	db=$BATS_TEST_TMPDIR/b.db
	dq sql --create --run-id r1 --violations "$BATS_TEST_TMPDIR/v.ndjson" | lite "$db"
	run -0 lite "$db" "SELECT record_key, record_id, json_extract(details, '\$.file') FROM dq_violation ORDER BY 1"
	assert_output $'["a.ndjson",1]|1|a.ndjson\n["b.ndjson",1]|1|b.ndjson'
	# End to end: dq-validate over two files writes those lines.
	cd "$BATS_TEST_TMPDIR"
	printf '{"a":1}\n' >a.ndjson
	printf '{"a":2}\n' >b.ndjson
	run -1 dq validate --require b --violations v2.ndjson a.ndjson b.ndjson
	run -0 jq -c '[.record_id, .line, .file]' v2.ndjson
	assert_output $'[1,1,"a.ndjson"]\n[1,1,"b.ndjson"]'
	dq sql --create --run-id r2 --violations v2.ndjson | lite e2e.db
	run -0 lite e2e.db "SELECT count(*) FROM dq_violation"
	assert_output 2
	# One file: the lines are as they were, without "file".
	run -1 dq validate --require b --violations v1.ndjson a.ndjson
	run -0 jq -c 'has("file")' v1.ndjson
	assert_output false
}

@test "dq-sql: a 3000-letter record id loads into PostgreSQL: long keys are hashed, the text kept (issue 14 B12)" {
	pg_need
	long=$(printf 'x%.0s' $(seq 3000))
	printf '{"run_id":"r1","record_id":"%s","line":1,"code":"X-1","severity":"error","field":"a","message":"m"}\n' "$long" \
		>"$BATS_TEST_TMPDIR/v.ndjson"
	printf '{"id":"%s","cluster":"c-1"}\n' "$long" >"$BATS_TEST_TMPDIR/map.ndjson"
	printf '%s\n' '{"run_id":"r1","record_id":"#xxh128:x","line":2,"code":"X-1","severity":"error","field":"a","message":"m"}' \
		>>"$BATS_TEST_TMPDIR/v.ndjson"
	url=$(pg_newdb long)
	dq sql --create --dialect postgres --run-id r1 \
		--violations "$BATS_TEST_TMPDIR/v.ndjson" \
		--id-map "$BATS_TEST_TMPDIR/map.ndjson" >"$BATS_TEST_TMPDIR/l.sql"
	run -0 psql -X -q -v ON_ERROR_STOP=1 "$url" -f "$BATS_TEST_TMPDIR/l.sql"
	run -0 psql -X -A -t "$url" -c "SELECT left(record_key, 8), length(record_key), length(record_id), record_id = repeat('x', 3000) FROM dq_violation ORDER BY record_id DESC"
	assert_output $'#xxh128:|40|3000|t\n#xxh128:|40|9|f'
	run -0 psql -X -A -t "$url" -c "SELECT count(DISTINCT record_key) FROM dq_violation; SELECT length(record_key), length(record_id) FROM dq_id_map"
	assert_output $'2\n40|3000'
	# The same text always gives the same key: a replay changes nothing.
	pg_dump_rows "$url" >"$BATS_TEST_TMPDIR/dump1"
	psql -X -q -v ON_ERROR_STOP=1 "$url" -f "$BATS_TEST_TMPDIR/l.sql"
	pg_dump_rows "$url" >"$BATS_TEST_TMPDIR/dump2"
	run -0 diff "$BATS_TEST_TMPDIR/dump1" "$BATS_TEST_TMPDIR/dump2"
}

@test "dq-sql: a profile payload is capped, with a marker saying what was cut (issue 14 B13)" {
	big=$(printf 'y%.0s' $(seq 5000))
	printf '{"rows":1,"fields":1,"sampleData":[{"t":"%s"}],"statisticalSummary":{"t":{"type":"string"}}}\n' "$big" \
		>"$BATS_TEST_TMPDIR/p.json"
	db=$BATS_TEST_TMPDIR/p.db
	dq sql --create --run-id r1 --profile "$BATS_TEST_TMPDIR/p.json" | lite "$db"
	run -0 lite "$db" "SELECT length(json_extract(payload, '\$.sampleData[0].t')), json_extract(payload, '\$._truncated') FROM dq_profile"
	assert_output '1024|{"values_cut":1,"max_value_bytes":1024}'
	# Above the total cap the largest members go, named in the marker.
	dq sql --create --run-id r1 --max-value-bytes 0 --max-payload-bytes 4096 \
		--profile "$BATS_TEST_TMPDIR/p.json" | lite "$db"
	run -0 lite "$db" "SELECT payload FROM dq_profile"
	assert_output '{"rows":1,"fields":1,"statisticalSummary":{"t":{"type":"string"}},"_truncated":{"members_dropped":["sampleData"],"payload_bytes":5090,"max_payload_bytes":4096}}'
	run -2 --separate-stderr dq sql --run-id r1 --max-payload-bytes 100000000000
	[[ $stderr == *"--max-payload-bytes"* ]]
	# A value of 90 MB (B13: 377 MB documents) goes into jsonb.
	pg_need
	python3 -c 'import json; print(json.dumps({"rows": 1, "fields": 1, "sampleData": [{"t": "z" * 90000000}] * 3}))' \
		>"$BATS_TEST_TMPDIR/huge.json"
	url=$(pg_newdb huge)
	dq sql --create --dialect postgres --run-id r1 \
		--profile "$BATS_TEST_TMPDIR/huge.json" | psql -X -q -v ON_ERROR_STOP=1 "$url"
	run -0 psql -X -A -t "$url" -c "SELECT length(payload::text) < 16777216, payload->'_truncated'->>'values_cut' FROM dq_profile"
	assert_output 't|3'
}

@test "dq-sql: replay order: an older run loaded after a newer one reopens nothing (issue 14 B27)" {
	db=$BATS_TEST_TMPDIR/o.db
	v() { printf '{"run_id":"%s","record_id":"%s","line":1,"code":"X-1","severity":"error","field":"a","message":"%s"}\n' "$@"; }
	v old R1 old-R1 >"$BATS_TEST_TMPDIR/old.ndjson"
	v old R2 old-R2 >>"$BATS_TEST_TMPDIR/old.ndjson"
	v new R2 new-R2 >"$BATS_TEST_TMPDIR/new.ndjson"
	dq sql --create --run-id new --started 2026-12-02T00:00:00Z --complete \
		--violations "$BATS_TEST_TMPDIR/new.ndjson" | lite "$db"
	dq sql --run-id old --started 2026-12-01T00:00:00Z --complete \
		--violations "$BATS_TEST_TMPDIR/old.ndjson" | lite "$db"
	run -0 lite "$db" "SELECT record_key, status, run_id, json_extract(details, '\$.message') FROM dq_violation ORDER BY 1"
	assert_output $'R1|open|old|old-R1\nR2|open|new|new-R2'
	# Loaded in time order, the same rows.
	db2=$BATS_TEST_TMPDIR/o2.db
	dq sql --create --run-id old --started 2026-12-01T00:00:00Z --complete \
		--violations "$BATS_TEST_TMPDIR/old.ndjson" | lite "$db2"
	dq sql --run-id new --started 2026-12-02T00:00:00Z --complete \
		--violations "$BATS_TEST_TMPDIR/new.ndjson" | lite "$db2"
	run -0 lite "$db2" "SELECT record_key, status, run_id, json_extract(details, '\$.message') FROM dq_violation ORDER BY 1"
	assert_output $'R1|fixed|old|old-R1\nR2|open|new|new-R2'
}

@test "dq-sql: a monitoring hour reloaded with a summary and no violations file keeps no old violation rows (issue 14 B27)" {
	docs "$BATS_TEST_TMPDIR/d"
	db=$BATS_TEST_TMPDIR/m.db
	mon_sql "$BATS_TEST_TMPDIR/d" 8 | lite "$db"
	dq sql --schema monitoring --agency acme --file "in/vol's.ndjson" \
		--run-date 2026-11-21 --run-hour 8 \
		--summary "$BATS_TEST_TMPDIR/d/summary.json" | lite "$db"
	run -0 lite "$db" "SELECT count(*) FROM monitoring_file_failed_validation"
	assert_output 0
}

@test "dq-sql: a partial load fixes nothing; won't-fix is a status the table takes and keeps (issue 16, 5)" {
	docs "$BATS_TEST_TMPDIR/d"
	d=$BATS_TEST_TMPDIR/d
	db=$BATS_TEST_TMPDIR/g.db
	dq sql --create --entity person --summary "$d/summary.json" \
		--violations "$d/violations.ndjson" | lite "$db"
	lite "$db" "UPDATE dq_violation SET status = 'won''t-fix' WHERE record_key = 'V3' AND rule_code = 'XFLD-301'"
	# A batch that holds only V2 (say, the quarantine round trip): V1
	# and V3 were not checked, so none of theirs is fixed.
	grep '"record_id":"V2"' "$d/violations.ndjson" | sed 's/"r1"/"r2"/' \
		>"$BATS_TEST_TMPDIR/v2.ndjson"
	dq sql --run-id r2 --entity person \
		--violations "$BATS_TEST_TMPDIR/v2.ndjson" | lite "$db"
	run -0 lite "$db" "SELECT record_key, status, count(*) FROM dq_violation GROUP BY 1, 2 ORDER BY 1, 2"
	assert_output $'V1|open|3\nV2|open|4\nV3|open|1\nV3|won\'t-fix|1'
	# A complete run fixes what it no longer reports; won't-fix stays.
	dq sql --run-id r3 --entity person --complete \
		--violations "$BATS_TEST_TMPDIR/v2.ndjson" | lite "$db"
	run -0 lite "$db" "SELECT record_key, status, count(*) FROM dq_violation GROUP BY 1, 2 ORDER BY 1, 2"
	assert_output $'V1|fixed|3\nV2|open|4\nV3|fixed|1\nV3|won\'t-fix|1'
	pg_need
	url=$(pg_newdb wontfix)
	dq sql --create --dialect postgres --entity person --summary "$d/summary.json" \
		--violations "$d/violations.ndjson" | psql -X -q -v ON_ERROR_STOP=1 "$url"
	run -0 psql -X -q -v ON_ERROR_STOP=1 "$url" -c "UPDATE dq_violation SET status = 'won''t-fix' WHERE record_key = 'V3'"
	run -0 psql -X -A -t "$url" -c "SELECT count(*) FROM dq_violation WHERE status = 'won''t-fix'"
	assert_output 2
}

@test "dq-sql: a reader that goes away (| head -c 100): quiet, exit 0" {
	local g=$BATS_TEST_TMPDIR/g.ndjson
	# More than a pipe buffer of SQL, so the write meets a closed pipe.
	awk 'BEGIN { for (i = 1; i <= 3000; i++)
		printf "{\"id\":%d,\"name\":\"n%d\",\"_dq\":{\"cluster\":\"c%d\"}}\n", i, i, i }' >"$g"
	dq sql --run-id r1 --golden "$g" 2>"$BATS_TEST_TMPDIR/err" |
		head -c 100 >"$BATS_TEST_TMPDIR/first"
	local st=("${PIPESTATUS[@]}")
	[ "${st[0]}" -eq 0 ]
	[ "${st[1]}" -eq 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	[ "$(wc -c <"$BATS_TEST_TMPDIR/first")" -eq 100 ]
}

@test "dq-sql: an unreadable document or a directory: exit 2, read error naming it" {
	run -2 --separate-stderr dq sql --run-id r1 --golden "$BATS_TEST_TMPDIR"
	[ "$stderr" = "dq-sql: $BATS_TEST_TMPDIR: read error: Is a directory" ]
	[ -z "$output" ]
	run -2 --separate-stderr dq sql --run-id r1 --golden "$BATS_TEST_TMPDIR/none"
	[ "$stderr" = "dq-sql: $BATS_TEST_TMPDIR/none: No such file or directory" ]
}

@test "dq-sql: an escaped backslash before u0000 is text, stored as written" {
	db=$BATS_TEST_TMPDIR/t.db
	dq sql --schema generic --create --run-id r1 \
		--violations "$SQLF/backslash-u.ndjson" >"$BATS_TEST_TMPDIR/s.sql"
	lite "$db" <"$BATS_TEST_TMPDIR/s.sql"
	run -0 lite "$db" "SELECT json_extract(details, '\$.message') FROM dq_violation"
	assert_output "not NUL: \\u0000 'q'"
}

@test "dq-sql: monitoring schema in sqlite: exact rows, and the same event twice leaves the same rows" {
	docs "$BATS_TEST_TMPDIR/d"
	db=$BATS_TEST_TMPDIR/m.db
	mon_sql "$BATS_TEST_TMPDIR/d" 8 >"$BATS_TEST_TMPDIR/m.sql"
	lite "$db" <"$BATS_TEST_TMPDIR/m.sql"
	lite "$db" .dump >"$BATS_TEST_TMPDIR/dump1"
	lite "$db" <"$BATS_TEST_TMPDIR/m.sql"
	lite "$db" .dump >"$BATS_TEST_TMPDIR/dump2"
	run -0 diff "$BATS_TEST_TMPDIR/dump1" "$BATS_TEST_TMPDIR/dump2"
	run -0 lite "$db" "SELECT agency_slug, file_name, latest_data_quality_score FROM monitoring_file"
	assert_output "acme|in/vol's.ndjson|30"
	run -0 lite "$db" "SELECT run_date, run_hour, file_size, file_last_modified, records_in, records_rejected FROM monitoring_file_run"
	assert_output "2026-11-21|8|365|2026-11-21T08:15:00Z|4|0"
	run -0 lite "$db" "SELECT score, passed, pass_mark, json_extract(deductions, '\$.format'), json_extract(metrics, '\$.uniqueness.passed'), json_array_length(failed_validation_rules) FROM monitoring_file_data_quality"
	assert_output "30|0|80|35|0|9"
	run -0 lite "$db" "SELECT failed_validation_message FROM monitoring_file_data_quality"
	assert_output --partial "9 of 15 checks failed: "
	assert_output --partial "FMT-101 email: 1 of 2"
	run -0 lite "$db" "SELECT seq, record_id, line, rule_code, field, value FROM monitoring_file_failed_validation ORDER BY seq"
	assert_equal "${#lines[@]}" 9
	assert_line -n 0 '1|V2|2|FMT-101|email|"not-an-email"'
	assert_line -n 2 "3|V2|2|DOM-202|hours|25"
	assert_line -n 8 "9|V1|4|REQ-002|email|phone|null"
	run -0 lite "$db" "SELECT rows_profiled, fields, json_extract(payload, '\$.completenessOverview.email.missing') FROM monitoring_file_data_profile"
	assert_output "4|7|2"
}

@test "dq-sql: a replay with fewer violations leaves no stale rows" {
	docs "$BATS_TEST_TMPDIR/d"
	db=$BATS_TEST_TMPDIR/m.db
	mon_sql "$BATS_TEST_TMPDIR/d" 8 >"$BATS_TEST_TMPDIR/m.sql"
	lite "$db" <"$BATS_TEST_TMPDIR/m.sql"
	mon_sql "$BATS_TEST_TMPDIR/d" 8 --max-violations 2 >"$BATS_TEST_TMPDIR/m2.sql"
	lite "$db" <"$BATS_TEST_TMPDIR/m2.sql"
	run -0 lite "$db" "SELECT seq || ' ' || rule_code FROM monitoring_file_failed_validation ORDER BY seq"
	assert_output $'1 FMT-101\n2 DOM-201'
}

@test "dq-sql: the latest score is the latest run's, whatever the loading order" {
	docs "$BATS_TEST_TMPDIR/d"
	mkdir "$BATS_TEST_TMPDIR/e"
	# An earlier run that scored 91.
	jq -c '.score = 91 | .passed = true | .score_passed = true' "$BATS_TEST_TMPDIR/d/summary.json" \
		>"$BATS_TEST_TMPDIR/e/summary.json"
	: >"$BATS_TEST_TMPDIR/e/violations.ndjson"
	cp "$BATS_TEST_TMPDIR/d/profile.json" "$BATS_TEST_TMPDIR/e/"
	db=$BATS_TEST_TMPDIR/m.db
	mon_sql "$BATS_TEST_TMPDIR/d" 9 | lite "$db"
	mon_sql "$BATS_TEST_TMPDIR/e" 7 | lite "$db"
	run -0 lite "$db" "SELECT latest_data_quality_score FROM monitoring_file"
	assert_output 30
	run -0 lite "$db" "SELECT r.run_hour, q.score, q.passed, (SELECT count(*) FROM monitoring_file_failed_validation v WHERE v.monitoring_file_run_id = r.id) FROM monitoring_file_run r JOIN monitoring_file_data_quality q ON q.monitoring_file_run_id = r.id ORDER BY 1"
	assert_output $'7|91|1|0\n9|30|0|9'
	run -0 lite "$db" "SELECT count(*) FROM monitoring_file"
	assert_output 1
}

@test "dq-sql: generic schema in sqlite: runs, violation status, golden records and id map" {
	docs "$BATS_TEST_TMPDIR/d"
	d=$BATS_TEST_TMPDIR/d
	db=$BATS_TEST_TMPDIR/g.db
	dq sql --create --source crm --entity person --summary "$d/summary.json" \
		--violations "$d/violations.ndjson" --profile "$d/profile.json" \
		--golden "$SQLF/golden.ndjson" --id-map "$SQLF/idmap.ndjson" \
		>"$BATS_TEST_TMPDIR/g1.sql"
	lite "$db" <"$BATS_TEST_TMPDIR/g1.sql"
	lite "$db" .dump >"$BATS_TEST_TMPDIR/dump1"
	lite "$db" <"$BATS_TEST_TMPDIR/g1.sql"
	lite "$db" .dump >"$BATS_TEST_TMPDIR/dump2"
	run -0 diff "$BATS_TEST_TMPDIR/dump1" "$BATS_TEST_TMPDIR/dump2"
	run -0 lite "$db" "SELECT id, source, entity, tool, status, records_in, score, passed, contract_version = json_extract(summary, '\$.contract_version') FROM dq_run"
	assert_output "r1|crm|person|dq-validate|failed|4|30|0|1"
	run -0 lite "$db" "SELECT count(*), count(DISTINCT record_key), min(status), max(status) FROM dq_violation"
	assert_output "9|3|open|open"
	run -0 lite "$db" "SELECT cluster_id, json_extract(record, '\$.name'), members, provenance FROM dq_golden_record ORDER BY 1"
	assert_line -n 0 "c-1a2b|Ann O'Neil|[\"P1\",\"P7\"]|{\"name\":\"P1\",\"email\":\"P7\"}"
	run -0 lite "$db" "SELECT json_extract(record, '\$.name') = 'Bob \\ Backslash' || char(10) || 'Newline', instr(record, '_dq') FROM dq_golden_record WHERE cluster_id = 'c-3c4d'"
	assert_output "1|0"
	run -0 lite "$db" "SELECT record_id || '>' || cluster_id FROM dq_id_map ORDER BY 1"
	assert_output $'P1>c-1a2b\nP2>c-3c4d\nP7>c-1a2b'

	# A person suppresses one violation; run r2 reports only V2's.
	lite "$db" "UPDATE dq_violation SET status = 'suppressed' WHERE record_key = 'V2' AND rule_code = 'DOM-201'"
	grep '"record_id":"V2"' "$d/violations.ndjson" | sed 's/"r1"/"r2"/' \
		>"$BATS_TEST_TMPDIR/v2.ndjson"
	head -n 1 "$SQLF/golden.ndjson" >"$BATS_TEST_TMPDIR/golden2.ndjson"
	head -n 2 "$SQLF/idmap.ndjson" >"$BATS_TEST_TMPDIR/idmap2.ndjson"
	dq sql --run-id r2 --source crm --entity person --complete \
		--violations "$BATS_TEST_TMPDIR/v2.ndjson" \
		--golden "$BATS_TEST_TMPDIR/golden2.ndjson" \
		--id-map "$BATS_TEST_TMPDIR/idmap2.ndjson" | lite "$db"
	run -0 lite "$db" "SELECT record_key, status, first_run_id, run_id, count(*) FROM dq_violation GROUP BY 1, 2, 3, 4 ORDER BY 1, 2"
	assert_output $'V1|fixed|r1|r1|3\nV2|open|r1|r2|3\nV2|suppressed|r1|r2|1\nV3|fixed|r1|r1|2'
	run -0 lite "$db" "SELECT id, status FROM dq_run ORDER BY 1"
	assert_output $'r1|failed\nr2|loaded'
	run -0 lite "$db" "SELECT cluster_id FROM dq_golden_record; SELECT count(*) FROM dq_id_map"
	assert_output $'c-1a2b\n2'
}

@test "dq-sql: 300 random strings with quotes, backslashes, newlines and unicode round-trip through sqlite3" {
	"$SQLF/gen-strings.py" 300 7 "$BATS_TEST_TMPDIR"
	dq sql --schema monitoring --create --agency a --file f \
		--run-date 2026-01-01 --run-hour 0 \
		--violations "$BATS_TEST_TMPDIR/violations.ndjson" \
		>"$BATS_TEST_TMPDIR/s.sql"
	lite "$BATS_TEST_TMPDIR/p.db" <"$BATS_TEST_TMPDIR/s.sql"
	lite "$BATS_TEST_TMPDIR/p.db" "SELECT seq || '|' || hex(message) FROM monitoring_file_failed_validation ORDER BY seq" >"$BATS_TEST_TMPDIR/got.hex"
	run -0 diff "$BATS_TEST_TMPDIR/expected.hex" "$BATS_TEST_TMPDIR/got.hex"
	# The JSON column keeps the same string.
	run -0 lite "$BATS_TEST_TMPDIR/p.db" "SELECT count(*) FROM monitoring_file_failed_validation WHERE json_extract(value, '\$') IS NOT message"
	assert_output 0
}

@test "dq-sql: the postgres dialect differs only in JSONB and the string setting" {
	run -0 diff <(dq sql --create --schema monitoring) \
		<(dq sql --create --schema monitoring --dialect postgres | sed -e 's/JSONB/TEXT/' -e "/^SET /d")
	run -0 dq sql --create --dialect postgres
	assert_line -n 0 "SET standard_conforming_strings = on;"
	assert_line "  summary JSONB"
}

@test "dq-sql: PostgreSQL: monitoring rows as in sqlite, the same event twice leaves the same rows" {
	pg_need
	docs "$BATS_TEST_TMPDIR/d"
	url=$(pg_newdb mon)
	psqlq() { psql -X -q -v ON_ERROR_STOP=1 "$url" "$@"; }
	mon_sql "$BATS_TEST_TMPDIR/d" 8 --dialect postgres >"$BATS_TEST_TMPDIR/m.sql"
	psqlq <"$BATS_TEST_TMPDIR/m.sql"
	pg_dump_rows "$url" >"$BATS_TEST_TMPDIR/dump1"
	psqlq <"$BATS_TEST_TMPDIR/m.sql"
	pg_dump_rows "$url" >"$BATS_TEST_TMPDIR/dump2"
	run -0 diff "$BATS_TEST_TMPDIR/dump1" "$BATS_TEST_TMPDIR/dump2"
	assert_equal "$(grep -c . "$BATS_TEST_TMPDIR/dump1")" 13
	run -0 psql -X -A -t "$url" -c "SELECT latest_data_quality_score FROM monitoring_file"
	assert_output 30
	run -0 psql -X -A -t "$url" -c "SELECT score, passed, deductions->>'format', jsonb_array_length(failed_validation_rules) FROM monitoring_file_data_quality"
	assert_output "30|f|35|9"
	run -0 psql -X -A -t "$url" -c "SELECT payload->'completenessOverview'->'email'->>'missing' FROM monitoring_file_data_profile"
	assert_output 2
	# The same text rows as sqlite holds.
	lite "$BATS_TEST_TMPDIR/m.db" <<<"$(mon_sql "$BATS_TEST_TMPDIR/d" 8)"
	q="SELECT seq || '|' || record_id || '|' || rule_code || '|' || coalesce(field, '') || '|' || message FROM monitoring_file_failed_validation ORDER BY seq"
	run -0 diff <(lite "$BATS_TEST_TMPDIR/m.db" "$q") <(psql -X -A -t "$url" -c "$q")
}

@test "dq-sql: PostgreSQL: generic schema replay and violation status" {
	pg_need
	docs "$BATS_TEST_TMPDIR/d"
	d=$BATS_TEST_TMPDIR/d
	url=$(pg_newdb gen)
	dq sql --create --dialect postgres --entity person \
		--summary "$d/summary.json" --violations "$d/violations.ndjson" \
		--profile "$d/profile.json" --golden "$SQLF/golden.ndjson" \
		--id-map "$SQLF/idmap.ndjson" >"$BATS_TEST_TMPDIR/g.sql"
	psql -X -q -v ON_ERROR_STOP=1 "$url" <"$BATS_TEST_TMPDIR/g.sql"
	pg_dump_rows "$url" >"$BATS_TEST_TMPDIR/dump1"
	psql -X -q -v ON_ERROR_STOP=1 "$url" <"$BATS_TEST_TMPDIR/g.sql"
	pg_dump_rows "$url" >"$BATS_TEST_TMPDIR/dump2"
	run -0 diff "$BATS_TEST_TMPDIR/dump1" "$BATS_TEST_TMPDIR/dump2"
	assert_equal "$(grep -c . "$BATS_TEST_TMPDIR/dump1")" 16
	run -0 psql -X -A -t "$url" -c "SELECT record->>'name' FROM dq_golden_record WHERE cluster_id = 'c-3c4d'"
	assert_output $'Bob \\ Backslash\nNewline'
	grep '"record_id":"V2"' "$d/violations.ndjson" | sed 's/"r1"/"r2"/' \
		>"$BATS_TEST_TMPDIR/v2.ndjson"
	dq sql --dialect postgres --run-id r2 --entity person --complete \
		--violations "$BATS_TEST_TMPDIR/v2.ndjson" |
		psql -X -q -v ON_ERROR_STOP=1 "$url"
	run -0 psql -X -A -t "$url" -c "SELECT record_key, status, count(*) FROM dq_violation GROUP BY 1, 2 ORDER BY 1"
	assert_output $'V1|fixed|3\nV2|open|4\nV3|fixed|2'
}

@test "dq-sql: PostgreSQL: 300 random strings round-trip through psql" {
	pg_need
	"$SQLF/gen-strings.py" 300 11 "$BATS_TEST_TMPDIR"
	url=$(pg_newdb prop)
	dq sql --schema monitoring --create --dialect postgres --agency a \
		--file f --run-date 2026-01-01 --run-hour 0 \
		--violations "$BATS_TEST_TMPDIR/violations.ndjson" \
		>"$BATS_TEST_TMPDIR/s.sql"
	psql -X -q -v ON_ERROR_STOP=1 "$url" <"$BATS_TEST_TMPDIR/s.sql"
	psql -X -A -t "$url" -c "SELECT seq || '|' || upper(encode(convert_to(message, 'UTF8'), 'hex')) FROM monitoring_file_failed_validation ORDER BY seq" >"$BATS_TEST_TMPDIR/got.hex"
	run -0 diff "$BATS_TEST_TMPDIR/expected.hex" "$BATS_TEST_TMPDIR/got.hex"
	run -0 psql -X -A -t "$url" -c "SELECT count(*) FROM monitoring_file_failed_validation WHERE value #>> '{}' IS DISTINCT FROM message"
	assert_output 0
}

@test "dq-sql: rows go 500 to a statement; a key repeated within one starts a new one, the later row wins" {
	seq 1 1200 | awk '{ printf "{\"run_id\":\"r1\",\"record_id\":\"R%d\",\"line\":%d,\"code\":\"X-1\",\"severity\":\"error\",\"field\":\"f\",\"message\":\"m%d\"}\n", $1 % 300, $1, $1 }' >"$BATS_TEST_TMPDIR/dup.ndjson"
	dq sql --create --run-id r1 --violations "$BATS_TEST_TMPDIR/dup.ndjson" \
		>"$BATS_TEST_TMPDIR/dup.sql"
	# 300 keys: each statement ends when the 301st row repeats its first
	# key, before it reaches 500 rows.
	run -0 grep -c '^INSERT INTO dq_violation' "$BATS_TEST_TMPDIR/dup.sql"
	assert_output 4
	lite "$BATS_TEST_TMPDIR/d.db" <"$BATS_TEST_TMPDIR/dup.sql"
	run -0 lite "$BATS_TEST_TMPDIR/d.db" "SELECT count(*), json_extract(max(details), '\$.message') FROM dq_violation WHERE record_key = 'R5'"
	assert_output "1|m905"
	run -0 lite "$BATS_TEST_TMPDIR/d.db" "SELECT count(*) FROM dq_violation"
	assert_output 300
	# Without repeats a statement holds 500 rows.
	run -0 dq sql --schema monitoring --agency a --file f --run-date 2026-01-01 \
		--run-hour 0 --max-violations 0 --violations "$BATS_TEST_TMPDIR/dup.ndjson"
	run -0 grep -c '^INSERT INTO monitoring_file_failed_validation' <<<"$output"
	assert_output 3
	pg_need
	url=$(pg_newdb dup)
	dq sql --create --dialect postgres --run-id r1 \
		--violations "$BATS_TEST_TMPDIR/dup.ndjson" |
		psql -X -q -v ON_ERROR_STOP=1 "$url"
	run -0 psql -X -A -t "$url" -c "SELECT count(*), max(details->>'message') FROM dq_violation WHERE record_key = 'R5'"
	assert_output "1|m905"
}

# rep_rows URL: every row of the reporting tables, timestamps included,
# sorted.
rep_rows() {
	local t
	for t in monitoring_file monitoring_file_run monitoring_file_data_quality \
		monitoring_file_failed_validation monitoring_file_data_profile; do
		psql -X -A -t "$1" -c "SELECT '$t ' || x::text FROM reporting.$t x ORDER BY 1" || return 1
	done
}

# catalog URL: every table and column in the database, to show that
# nothing was created or altered.
catalog() {
	psql -X -A -t "$1" -c "SELECT table_schema, table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 3"
}

@test "dq-sql --schema reporting: the shared tables as they exist, ids from their sequences, a replay changes nothing, nothing created (issue 17)" {
	pg_need
	docs "$BATS_TEST_TMPDIR/d"
	d=$BATS_TEST_TMPDIR/d
	url=$(pg_newdb rep)
	psqlq() { psql -X -q -v ON_ERROR_STOP=1 "$url" "$@"; }
	psqlq -f "$SQLF/reporting-schema.sql"
	# The web app's files: ids 1 and 2 taken before dq's.
	psqlq -c "INSERT INTO reporting.monitoring_file (file_name, agency_slug) VALUES ('other.csv', 'acme'), ('in/vol''s.ndjson', 'acme')"
	catalog "$url" >"$BATS_TEST_TMPDIR/cat1"
	rep() {
		dq sql --schema reporting --dialect postgres --agency acme \
			--file "in/vol's.ndjson" --run-date 2026-11-21 --run-hour "$1" \
			--file-size 365 --last-modified 2026-11-21T08:15:00Z \
			--summary "$d/summary.json" --profile "$d/profile.json"
	}
	rep 8 >"$BATS_TEST_TMPDIR/r.sql"
	psqlq -f "$BATS_TEST_TMPDIR/r.sql"
	rep_rows "$url" >"$BATS_TEST_TMPDIR/dump1"
	sleep 1
	psqlq -f "$BATS_TEST_TMPDIR/r.sql"
	rep_rows "$url" >"$BATS_TEST_TMPDIR/dump2"
	# Timestamps included: a replay updates nothing.
	run -0 diff "$BATS_TEST_TMPDIR/dump1" "$BATS_TEST_TMPDIR/dump2"
	catalog "$url" >"$BATS_TEST_TMPDIR/cat2"
	run -0 diff "$BATS_TEST_TMPDIR/cat1" "$BATS_TEST_TMPDIR/cat2"
	q() { psql -X -A -t "$url" -c "$1"; }
	run -0 q "SELECT id, agency_slug, file_name, latest_data_quality_score FROM reporting.monitoring_file ORDER BY id"
	assert_output $'1|acme|other.csv|\n2|acme|in/vol\'s.ndjson|30'
	run -0 q "SELECT id, monitoring_file_id, run_date, run_hour, file_size, file_last_modified AT TIME ZONE 'UTC', created_at <= updated_at FROM reporting.monitoring_file_run"
	assert_output "1|2|2026-11-21|8|365|2026-11-21 08:15:00|t"
	run -0 q "SELECT id, monitoring_file_run_id, score, passed, deductions::text, metrics->'formatParsing'->>'passed', jsonb_array_length(failed_validation_rules), acknowledgment_status IS NULL FROM reporting.monitoring_file_data_quality"
	assert_output '1|1|30|f|{"bounds": 15, "format": 35, "schema": 0, "uniqueness": 10, "completeness": 10}|false|9|t'
	run -0 q "SELECT monitoring_file_id, monitoring_file_run_id, rule_name, rule_type, rule_path, validated_field_names, rule_parameters FROM reporting.monitoring_file_failed_validation"
	assert_output "$(cat "$SQLF/reporting-failed.txt")"
	run -0 q "SELECT length(validated_message) <= 250, validated_message = (SELECT CASE WHEN length(m) > 250 THEN left(m, 249) || '…' ELSE m END FROM (SELECT failed_validation_message AS m FROM reporting.monitoring_file_data_quality) x), length(validated_message) FROM reporting.monitoring_file_failed_validation"
	assert_output "t|t|$(jq -r '"9 of 15 checks failed: " + ([.rules[] | select(.passed == false) | "\(.code) \(.field): \(.failures) of \(.checked)"] | join("; "))' "$d/summary.json" | python3 -c 'import sys; print(len(sys.stdin.read().rstrip("\n")))')"
	run -0 q "SELECT monitoring_file_run_id, profile_payload->'completenessOverview'->'email'->>'missing' FROM reporting.monitoring_file_data_profile"
	assert_output "1|2"
	# A second event for the same hour with other results replaces them.
	jq -c '.score = 91 | .passed = true | .score_passed = true | .rules = []' "$d/summary.json" >"$d/s91.json"
	dq sql --schema reporting --dialect postgres --agency acme \
		--file "in/vol's.ndjson" --run-date 2026-11-21 --run-hour 8 \
		--file-size 400 --summary "$d/s91.json" | psqlq
	run -0 q "SELECT r.id, r.file_size, q.id, q.score, q.passed, q.failed_validation_message IS NULL, (SELECT count(*) FROM reporting.monitoring_file_failed_validation), f.latest_data_quality_score FROM reporting.monitoring_file_run r JOIN reporting.monitoring_file_data_quality q ON q.monitoring_file_run_id = r.id JOIN reporting.monitoring_file f ON f.id = r.monitoring_file_id"
	assert_output "1|400|1|91|t|t|0|91"
	# An older hour loaded later leaves the latest score alone.
	rep 7 | psqlq
	run -0 q "SELECT string_agg(run_hour::text, ',' ORDER BY id) FROM reporting.monitoring_file_run; SELECT latest_data_quality_score FROM reporting.monitoring_file WHERE id = 2"
	assert_output $'8,7\n91'
}

@test "dq-sql --schema reporting: an unknown file rolls the event back with an error; --register adds it (issue 17)" {
	pg_need
	docs "$BATS_TEST_TMPDIR/d"
	d=$BATS_TEST_TMPDIR/d
	url=$(pg_newdb repunk)
	psql -X -q -v ON_ERROR_STOP=1 "$url" -f "$SQLF/reporting-schema.sql"
	unk() {
		dq sql --schema reporting --dialect postgres --agency nobody \
			--file 'never/configured.ndjson' --run-date 2026-11-21 --run-hour 8 \
			--file-size 1 --summary "$d/summary.json" "$@"
	}
	unk >"$BATS_TEST_TMPDIR/u.sql"
	run -3 --separate-stderr psql -X -q -v ON_ERROR_STOP=1 "$url" -f "$BATS_TEST_TMPDIR/u.sql"
	[[ $stderr == *"ERROR:  0 monitoring files for agency nobody, file never/configured.ndjson"* ]]
	run -0 psql -X -A -t "$url" -c "SELECT (SELECT count(*) FROM reporting.monitoring_file) + (SELECT count(*) FROM reporting.monitoring_file_run) + (SELECT count(*) FROM reporting.monitoring_file_data_quality)"
	assert_output 0
	unk --register | psql -X -q -v ON_ERROR_STOP=1 "$url"
	run -0 psql -X -A -t "$url" -c "SELECT f.agency_slug, f.file_name, f.latest_data_quality_score, q.score FROM reporting.monitoring_file f, reporting.monitoring_file_data_quality q"
	assert_output "nobody|never/configured.ndjson|30|30"
	run -2 --separate-stderr dq sql --schema reporting --dialect postgres --create
	[[ $stderr == *"--create: the reporting tables are the database's own"* ]]
	run -2 --separate-stderr dq sql --schema reporting --agency a --file f --run-date 2026-01-01 --run-hour 1 --file-size 1
	[[ $stderr == *"--dialect postgres"* ]]
}
