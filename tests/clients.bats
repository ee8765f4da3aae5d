#!/usr/bin/env bats
# Real clients on loopback: curl against a local HTTP server, the aws
# CLI against s3rver (an S3-compatible server from npm) driving
# dq-s3-event with the notifications the server itself raises, and ssh
# (GNU parallel's --sshlogin) against an OpenSSH server.
#
# s3rver is not a Debian package: the test installs it on first use with
#   npm install --prefix "$HOME/.cache/dq/s3rver" s3rver@3
# (or point DQ_S3RVER at another --prefix); it is skipped only when that
# fails.  The SQS consumer (dq-s3-event --sqs) runs against local-aws-sqs,
# installed the same way into $HOME/.cache/dq/sqs (DQ_SQS_SERVER).  The
# aws CLI is Debian's awscli (scripts/install-deps).

load helpers
load pg

setup_file() {
	pg_start
}

teardown_file() {
	pg_stop
}

EX=$BATS_TEST_DIRNAME/../examples/monitoring-files
OBJ="$EX/bucket/agency-drop/acme/daily/volunteers 2026-11-21.ndjson"

setup() {
	cd "$BATS_TEST_TMPDIR"
	SERVER_PID=""
}

teardown() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
}

# wait_for FILE: until FILE exists (at most about 90 seconds: the aws
# CLI starts slowly on a busy machine).
wait_for() {
	local i=0
	while [ ! -s "$1" ] && [ $i -lt 900 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -s "$1" ]
}

free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

@test "curl: a file served over HTTP, validated and profiled from the stream, stored by dq-sql" {
	command -v curl >/dev/null || skip "curl not installed"
	mkdir www
	cp "$OBJ" www/volunteers.ndjson
	port=$(free_port)
	/usr/bin/python3 -m http.server --bind 127.0.0.1 --directory www \
		"$port" >http.log 2>&1 &
	SERVER_PID=$!
	# Ready when it answers.
	i=0
	until curl -sf -o /dev/null "http://127.0.0.1:$port/" || [ $i -ge 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	url="http://127.0.0.1:$port/volunteers.ndjson"
	run -1 --separate-stderr bash -o pipefail -c \
		'curl -sf "$1" | "$2/dq-validate" -q -c "$3" --summary s.json --violations v.ndjson - >/dev/null' \
		_ "$url" "$DQ_BIN" "$EX/contract.json"
	bash -o pipefail -c 'curl -sf "$1" | "$2/dq-profile" - >p.json' \
		_ "$url" "$DQ_BIN"
	dq sql --schema monitoring --create --agency acme --file volunteers.ndjson \
		--run-date 2026-11-21 --run-hour 8 --summary s.json \
		--violations v.ndjson --profile p.json >load.sql
	sqlite3 -bail c.db <load.sql
	run -0 sqlite3 c.db "SELECT q.score, (SELECT count(*) FROM monitoring_file_failed_validation), p.rows_profiled FROM monitoring_file_data_quality q, monitoring_file_data_profile p"
	assert_output "44|5|5"
	# The server saw both requests.
	run -0 grep -c 'GET /volunteers.ndjson HTTP/1.1" 200' http.log
	assert_output 2
}

# npm_ready PREFIX NAME SPEC: the npm package NAME under PREFIX, installed
# on first use (npm install --prefix PREFIX SPEC) from the npm registry,
# outside the repository (as scripts/bench does with Ajv); the test is
# skipped, saying so, only when that fails.
npm_ready() {
	if [ ! -d "$1/node_modules/$2" ] && command -v npm >/dev/null; then
		timeout 300 npm install --silent --no-audit --no-fund \
			--prefix "$1" "$3" >/dev/null 2>&1 || true
	fi
	[ -d "$1/node_modules/$2" ] ||
		skip "$2 could not be installed: npm install --prefix '$1' $3"
}

# s3rver_up: s3rver on a free loopback port (installed on first use),
# the aws CLI pointed at it ($endpoint), the example object uploaded;
# its notification is events/1.json.
s3rver_up() {
	command -v aws >/dev/null || skip "aws CLI not installed (Debian package awscli)"
	command -v node >/dev/null || skip "node not installed"
	mods=${DQ_S3RVER:-$HOME/.cache/dq/s3rver}
	npm_ready "$mods" s3rver s3rver@3
	# s3rver's fixed example credentials; no real account is involved.
	export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
	export AWS_DEFAULT_REGION=us-east-1
	export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
	mkdir data events
	node "$BATS_TEST_DIRNAME/s3rver-events.js" "$mods" "$PWD/data" \
		"$PWD/port" "$PWD/events" agency-drop >s3rver.log 2>&1 &
	SERVER_PID=$!
	wait_for port
	endpoint="http://127.0.0.1:$(cat port)"
	aws --endpoint-url "$endpoint" s3 cp --only-show-errors "$OBJ" \
		"s3://agency-drop/acme/daily/volunteers 2026-11-21.ndjson"
}

@test "aws s3 + s3rver: upload, the server's own notification, dq-s3-event fetching with aws; twice the same rows" {
	s3rver_up
	wait_for events/1.json
	run -0 jq -r '.Records[0] | [.eventName, .s3.bucket.name, .s3.object.key, .s3.object.size] | @tsv' events/1.json
	assert_output $'ObjectCreated:Put\tagency-drop\tacme/daily/volunteers 2026-11-21.ndjson\t385'
	day=$(jq -r '.Records[0].eventTime[0:10]' events/1.json)
	hour=$(jq -r '.Records[0].eventTime[11:13] | tonumber' events/1.json)

	export DQ_BIN
	run -1 "$BATS_TEST_DIRNAME/../scripts/dq-s3-event" -c "$EX/contract.json" \
		--endpoint-url "$endpoint" --db m.db events/1.json
	assert_output "s3://agency-drop/acme/daily/volunteers 2026-11-21.ndjson agency=acme file=daily/volunteers 2026-11-21.ndjson run=$day $hour score=44 failed violations=5"
	sqlite3 m.db .dump >dump1
	run -1 "$BATS_TEST_DIRNAME/../scripts/dq-s3-event" -q \
		-c "$EX/contract.json" --endpoint-url "$endpoint" --db m.db \
		events/1.json
	sqlite3 m.db .dump >dump2
	run -0 diff dump1 dump2
	run -0 sqlite3 m.db "SELECT f.file_name, r.run_date, r.run_hour, r.file_size, r.records_in FROM monitoring_file f JOIN monitoring_file_run r ON r.monitoring_file_id = f.id"
	assert_output "daily/volunteers 2026-11-21.ndjson|$day|$hour|385|5"
}

@test "curl | dq-audit -: the one-off audit of a file served over HTTP" {
	command -v curl >/dev/null || skip "curl not installed"
	mkdir www
	printf '%s\n' 'id,email,age' '1,ann@example.org,34' '2,bob@example,41' \
		'3,cy@example.org,' '3,di@example.org,29' >www/sent.csv
	port=$(free_port)
	/usr/bin/python3 -m http.server --bind 127.0.0.1 --directory www \
		"$port" >http.log 2>&1 &
	SERVER_PID=$!
	i=0
	until curl -sf -o /dev/null "http://127.0.0.1:$port/" || [ $i -ge 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	run -1 bash -o pipefail -c 'curl -sf "$1" | "$2" --bin "$3" -' _ \
		"http://127.0.0.1:$port/sent.csv" \
		"$BATS_TEST_DIRNAME/../scripts/dq-audit" "$DQ_BIN"
	assert_line "== (stdin)"
	assert_line --partial "rows 4  fields 3"
	assert_line '  email: 1 value(s) are not email like the rest e.g. "bob@example"'
	assert_line "  age: 25% missing, null or empty"
	assert_line "  id: looks like an id but only 75% of values are distinct"
	run -0 grep -c 'GET /sent.csv HTTP/1.1" 200' http.log
	assert_output 1
}

# ssh: dq-parallel over two hosts -- an OpenSSH server started here on a
# loopback port (Debian's openssh-server, its own keys and config in the
# test's directory) and this machine (":") -- gives what one process gives.
# The server's log shows the chunks that went through it.
@test "ssh: dq-parallel validate over an sshd on loopback and this machine equals one process" {
	[ -x /usr/sbin/sshd ] || skip "openssh-server not installed"
	k=$BATS_TEST_TMPDIR/ssh
	mkdir -m 700 "$k"
	ssh-keygen -q -t ed25519 -N '' -f "$k/host"
	ssh-keygen -q -t ed25519 -N '' -f "$k/user"
	cp "$k/user.pub" "$k/authorized_keys"
	port=$(free_port)
	cat >"$k/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $k/host
AuthorizedKeysFile $k/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile $k/sshd.pid
CONF
	mkdir -p /run/sshd 2>/dev/null || true
	/usr/sbin/sshd -D -e -f "$k/sshd_config" 2>"$k/log" &
	SERVER_PID=$!
	i=0
	until grep -q "Server listening" "$k/log" || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done
	grep -q "Server listening" "$k/log"
	login="1/ssh -p $port -i $k/user -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR $(id -un)@127.0.0.1,1/:"

	export DQ_RUN_ID=over-ssh DQ_TODAY=2024-05-01
	dq gen -n 3000 --seed 11 >in.ndjson
	printf '{"fields": {"email": {"type": "email", "required": true}, "dob": {"type": "date", "max": "today"}},
	  "rules": {"SET-1": {"check": "null_rate", "field": "email", "max": 0.01}}}' >c.json
	run -1 "$BATS_TEST_DIRNAME/../scripts/dq-parallel" --bin "$DQ_BIN" -S "$login" -n 500 \
		--summary ps --quarantine pq --violations pv validate -c "$PWD/c.json" <in.ndjson
	printf '%s\n' "$output" >pout
	run -1 dq validate -q -c c.json --summary ss --quarantine sq --violations sv <in.ndjson
	printf '%s\n' "$output" >sout
	cmp pout sout
	cmp pq sq
	cmp pv sv
	run -0 jq -S 'del(.started, .ended, .duration_ms)' ss
	want=$output
	run -0 jq -S 'del(.started, .ended, .duration_ms)' ps
	assert_output "$want"
	# Six chunks over two hosts: some went through the server.
	run -0 grep -c "Accepted publickey" "$k/log"
	[ "$output" -ge 1 ]
}

@test "aws s3 + s3rver: dq-s3-event --psql writes the shared reporting tables; the same event as SQS and SNS messages changes nothing (issue 17)" {
	pg_need
	s3rver_up
	wait_for events/1.json
	day=$(jq -r '.Records[0].eventTime[0:10]' events/1.json)
	hour=$(jq -r '.Records[0].eventTime[11:13] | tonumber' events/1.json)
	url=$(pg_newdb clients_rep)
	psql -X -q -v ON_ERROR_STOP=1 "$url" -f "$BATS_TEST_DIRNAME/fixtures/sql/reporting-schema.sql" 2>/dev/null
	psql -X -q -v ON_ERROR_STOP=1 "$url" -c "INSERT INTO reporting.monitoring_file (file_name, agency_slug) VALUES ('daily/volunteers.ndjson', 'acme')"
	export DQ_BIN
	ev() {
		"$BATS_TEST_DIRNAME/../scripts/dq-s3-event" -q -c "$EX/contract.json" \
			--endpoint-url "$endpoint" --psql "$url" \
			--file-strip ' [0-9]{4}-[0-9]{2}-[0-9]{2}' "$@"
	}
	run -1 ev events/1.json
	q() { psql -X -A -t "$url" -c "$1"; }
	run -0 q "SELECT f.id, f.latest_data_quality_score, r.run_date, r.run_hour, r.file_size, q.score, q.passed, q.deductions->>'format', v.rule_name FROM reporting.monitoring_file f JOIN reporting.monitoring_file_run r ON r.monitoring_file_id = f.id JOIN reporting.monitoring_file_data_quality q ON q.monitoring_file_run_id = r.id JOIN reporting.monitoring_file_failed_validation v ON v.monitoring_file_run_id = r.id"
	assert_output "1|44|$day|$hour|385|44|f|17.5|UNQ-601; FMT-101; DOM-201; TYP-013; DOM-202"
	dump() {
		for t in monitoring_file monitoring_file_run monitoring_file_data_quality monitoring_file_failed_validation monitoring_file_data_profile; do
			q "SELECT x::text FROM reporting.$t x ORDER BY id"
		done
	}
	dump >dump1
	jq -n --arg b "$(cat events/1.json)" '{Messages: [{MessageId: "1", ReceiptHandle: "r", Body: $b}]}' >sqs.json
	jq -n --arg m "$(cat events/1.json)" '{Type: "Notification", Message: $m}' >sns.json
	jq -n --arg b "$(cat sns.json)" '{Records: [{eventSource: "aws:sqs", body: $b}]}' >lambda-sqs-sns.json
	run -1 ev sqs.json sns.json lambda-sqs-sns.json
	dump >dump2
	run -0 diff dump1 dump2
}

# sqs_up: local-aws-sqs on a free loopback port (installed on first use
# like s3rver), the aws CLI pointed at it ($sqs_endpoint), and a queue
# "events" whose messages stay invisible 60 s once received ($queue).
sqs_up() {
	command -v aws >/dev/null || skip "aws CLI not installed (Debian package awscli)"
	command -v node >/dev/null || skip "node not installed"
	mods=${DQ_SQS_SERVER:-$HOME/.cache/dq/sqs}
	npm_ready "$mods" local-aws-sqs local-aws-sqs@2
	# Any credentials do: the server checks none; no account is involved.
	export AWS_ACCESS_KEY_ID=LOCAL AWS_SECRET_ACCESS_KEY=LOCAL
	export AWS_DEFAULT_REGION=us-east-1
	export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
	node "$BATS_TEST_DIRNAME/sqs-server.js" "$mods" "$PWD/sqsport" >sqs.log 2>&1 &
	SERVER_PID=$!
	wait_for sqsport
	sqs_endpoint="http://127.0.0.1:$(cat sqsport)"
	queue=$(aws --endpoint-url "$sqs_endpoint" sqs create-queue --queue-name events \
		--attributes VisibilityTimeout=600 --query QueueUrl --output text)
}

# send BODYFILE: send a message, print its id.
send() {
	aws --endpoint-url "$sqs_endpoint" sqs send-message --queue-url "$queue" \
		--message-body "$(cat "$1")" --query MessageId --output text
}

# inflight: messages received and neither deleted nor visible again.
inflight() {
	aws --endpoint-url "$sqs_endpoint" sqs get-queue-attributes --queue-url "$queue" \
		--attribute-names ApproximateNumberOfMessagesNotVisible \
		--query Attributes.ApproximateNumberOfMessagesNotVisible --output text
}

@test "aws sqs + local-aws-sqs: dq-s3-event --sqs deletes a message only once its records are stored; one it cannot handle, or whose store fails, is left on the queue (issue 17)" {
	sqs_up
	export DQ_S3_FETCH="$EX/fetch-local"
	jq -n --arg m "$(cat "$EX/events/batch.json")" \
		'{Type: "Notification", MessageId: "m1", TopicArn: "arn:aws:sns:us-east-1:1:t", Message: $m}' >sns.json
	echo '{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-21T08:00:00Z","Bucket":"agency-drop"}' >test.json
	echo '{"hello": "not an event"}' >odd.json
	id1=$(send "$EX/events/acme-put.json")
	id2=$(send sns.json)
	id3=$(send test.json)
	id4=$(send odd.json)
	run -2 --separate-stderr "$BATS_TEST_DIRNAME/../scripts/dq-s3-event" \
		-c "$EX/contract.json" --db m.db --sqs "$queue" \
		--sqs-endpoint-url "$sqs_endpoint" --sqs-wait 1 --until-empty \
		--log-format json
	assert_output $'s3://agency-drop/acme/daily/volunteers 2026-11-21.ndjson agency=acme file=daily/volunteers 2026-11-21.ndjson run=2026-11-21 8 score=44 failed violations=5\ns3://agency-drop/beta-county/exports/roster.ndjson agency=beta-county file=exports/roster.ndjson run=2026-11-21 14 score=100 passed violations=0'
	[[ $stderr == *"dq-s3-event: sqs message $id4: not an S3 event (S3, SNS, SQS or EventBridge shape)"* ]]
	printf '%s\n' "$stderr" | grep '^{' >log.ndjson
	# A queue keeps no order between messages: each message's own lines
	# are in order, the messages in any.
	run -0 bash -c "jq -r --arg q '$queue' 'select(.stage == \"sqs\") | .message | ltrimstr(\$q + \": \")' log.ndjson | sort -s -k2,2"
	assert_output "$(printf '%s\n' "message $id1 received" "message $id1 deleted" \
		"message $id2 received" "message $id2 deleted" \
		"message $id3 received" "message $id3 deleted" "message $id4 received" \
		"message $id4 left on the queue: not every record in it was stored" |
		sort -s -k2,2)"
	run -0 sqlite3 m.db "SELECT agency_slug, latest_data_quality_score FROM monitoring_file ORDER BY 1"
	assert_output $'acme|44\nbeta-county|100'
	run -0 inflight
	assert_output 1
	# A store that fails: the results are not committed, the message
	# stays; nothing else is on the queue (the odd one is in flight).
	id5=$(send "$EX/events/acme-put.json")
	run -2 --separate-stderr "$BATS_TEST_DIRNAME/../scripts/dq-s3-event" \
		-q -c "$EX/contract.json" --db nodir/m.db --sqs "$queue" \
		--sqs-endpoint-url "$sqs_endpoint" --sqs-wait 1 --until-empty
	[[ $stderr == *"could not store the results"* ]]
	[[ $stderr == *"dq-s3-event: $queue: message $id5 left on the queue: not every record in it was stored"* ]]
	run -0 inflight
	assert_output 2
}

@test "aws sqs + local-aws-sqs: SIGTERM stops dq-s3-event --sqs cleanly: the message in hand is finished and deleted, the next one left; an idle long poll ends at once (issue 17)" {
	sqs_up
	mkdir -p b
	cp -r "$EX/bucket/." b/
	# A slow fetch, so that the signal comes while a message is handled.
	cat >fetch <<-'EOS'
	#!/bin/sh
	echo fetching >started
	sleep 2
	exec cat "b/$1/$2"
	EOS
	chmod +x fetch
	id1=$(send "$EX/events/batch.json")
	id2=$(send "$EX/events/acme-put.json")
	DQ_S3_FETCH="$PWD/fetch" "$BATS_TEST_DIRNAME/../scripts/dq-s3-event" \
		-c "$EX/contract.json" --db m.db --sqs "$queue" \
		--sqs-endpoint-url "$sqs_endpoint" --sqs-wait 20 \
		>out 2>err &
	pid=$!
	wait_for started
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ]
	run -0 cat out
	assert_output "s3://agency-drop/beta-county/exports/roster.ndjson agency=beta-county file=exports/roster.ndjson run=2026-11-21 14 score=100 passed violations=0"
	run -0 sqlite3 m.db "SELECT agency_slug FROM monitoring_file"
	assert_output "beta-county"
	# The first was deleted; the second, received with it, is left.
	run -0 inflight
	assert_output 1
	# Idle: a 20-second long poll is cut short by SIGTERM.
	"$BATS_TEST_DIRNAME/../scripts/dq-s3-event" -c "$EX/contract.json" \
		--db m.db --sqs "$queue" --sqs-endpoint-url "$sqs_endpoint" \
		--sqs-wait 20 >out2 2>err2 &
	pid=$!
	sleep 2
	t0=$SECONDS
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ]
	[ $((SECONDS - t0)) -le 3 ]
	run -0 cat out2 err2
	assert_output ""
}
