#!/usr/bin/env bats
# Fault injection: out of memory at every point of a real run, and I/O
# errors.  The allocation tests use the fault-injection build
# (make faults: build/fault/bin, with ASan and UBSan), where
# DQ_FAULT_ALLOC=N makes the Nth allocation fail and DQ_FAULT_COUNT=1
# reports how many allocations a run makes.  The I/O tests use the build
# under test (DQ_BIN).
load helpers
load programs

FAULT_BIN=${DQ_FAULT_BIN:-$BATS_TEST_DIRNAME/../build/fault/bin}

setup_file() {
	export MIXED=$BATS_FILE_TMPDIR/mixed.ndjson
	"$BATS_TEST_DIRNAME/gen-mixed" 1 200 >"$MIXED"
}

# fault_points N: the allocation numbers to fail: each of the first 25,
# then 35 spread evenly up to N, and the last two.
fault_points() {
	local n=$1 i
	for ((i = 1; i <= 25 && i <= n; i++)); do echo "$i"; done
	if ((n > 25)); then
		for ((i = 1; i <= 35; i++)); do echo $((25 + (n - 25) * i / 35)); done
		echo $((n - 1))
	fi | sort -n -u
}

# alloc_faults NAME: run NAME's job with each fault point and check the
# outcome: exit 2, "out of memory" on stderr, no sanitizer report.
alloc_faults() {
	local entry name tmp n k rc bad=0
	[ -x "$FAULT_BIN/dq-$1" ] ||
		skip "no fault-injection build in $FAULT_BIN (make faults)"
	# The fault build is the same whichever build is under test: once
	# per make check is enough (tests/run sets this for its second pass).
	[ -z "${DQ_ALLOC_FAULTS_DONE:-}" ] ||
		skip "ran in the first pass (the same build/fault programs)"
	for entry in "${DQ_JOBS[@]}"; do
		[[ $entry == "$1 "* ]] && break
	done
	name=${entry%% *}
	tmp=$BATS_TEST_TMPDIR/$name
	mkdir -p "$tmp"
	mapfile -t args < <(job_args "$entry" "$MIXED" "$tmp")
	export ASAN_OPTIONS=detect_leaks=0:exitcode=99
	export UBSAN_OPTIONS=halt_on_error=1:exitcode=99
	DQ_FAULT_COUNT=1 "$FAULT_BIN/dq-$name" "${args[@]}" \
		>"$tmp/out" 2>"$tmp/err" || true
	n=$(sed -n 's/^dq-fault: \([0-9]*\) allocations$/\1/p' "$tmp/err")
	# A real run allocates: fewer than 50 means the job did not run.
	[ -n "$n" ] && [ "$n" -ge 50 ] || {
		echo "dq-$name: no allocation count"; cat "$tmp/err"; return 1; }
	for k in $(fault_points "$n"); do
		rc=0
		DQ_FAULT_ALLOC=$k "$FAULT_BIN/dq-$name" "${args[@]}" \
			>"$tmp/out" 2>"$tmp/err" || rc=$?
		if [ "$rc" -ne 2 ] ||
		   ! grep -q "^dq-$name: out of memory (allocating [0-9]* bytes)$" "$tmp/err" ||
		   grep -q -E 'Sanitizer|runtime error' "$tmp/err"; then
			echo "dq-$name: allocation $k of $n: exit $rc"
			head -n 20 "$tmp/err"
			bad=1
		fi
	done
	return $bad
}

@test "out of memory at any allocation: dq-normalize exits 2 with a message" {
	alloc_faults normalize
}

@test "out of memory at any allocation: dq-validate exits 2 with a message" {
	alloc_faults validate
}

@test "out of memory at any allocation: dq-profile exits 2 with a message" {
	alloc_faults profile
}

@test "out of memory at any allocation: dq-gen exits 2 with a message" {
	alloc_faults gen
}

@test "out of memory at any allocation: dq-block exits 2 with a message" {
	alloc_faults block
}

@test "out of memory at any allocation: dq-score exits 2 with a message" {
	alloc_faults score
}

@test "out of memory at any allocation: dq-merge exits 2 with a message" {
	alloc_faults merge
}

@test "out of memory at any allocation: dq-csv exits 2 with a message" {
	alloc_faults csv
}

@test "out of memory at any allocation: dq-sql exits 2 with a message" {
	alloc_faults sql
}

@test "out of memory at any allocation: dq-anomaly exits 2 with a message" {
	alloc_faults anomaly
}

@test "out of memory at any allocation: dq-report exits 2 with a message" {
	alloc_faults report
}

@test "out of memory at any allocation: dq-contract exits 2 with a message" {
	alloc_faults contract
}

@test "every program in DQ_JOBS has its allocation-fault test" {
	local entry
	for entry in "${DQ_JOBS[@]}"; do
		grep -q "^	alloc_faults ${entry%% *}\$" \
			"$BATS_TEST_DIRNAME/faults.bats"
	done
}

# io_args NAME IN: NAME's job arguments, reading IN, into the array args.
io_args() {
	local entry
	for entry in "${DQ_JOBS[@]}"; do
		[[ $entry == "$1 "* ]] && break
	done
	mkdir -p "$BATS_TEST_TMPDIR/$1"
	mapfile -t args < <(job_args "$entry" "$2" "$BATS_TEST_TMPDIR/$1")
}

# to_full CMD...: run CMD with its stdout on a full disk; to_closed: with
# stdout closed.  (Bats's run captures output, so the redirection has to
# be inside.)
to_full() { "$@" >/dev/full; }
to_closed() { "$@" >&-; }
from_closed() { "$@" <&-; }

@test "a full disk (>/dev/full): exit 2 and a message, every program" {
	local entry name
	for entry in "${DQ_JOBS[@]}"; do
		name=${entry%% *}
		io_args "$name" "$MIXED"
		run -2 to_full "$DQ_BIN/dq-$name" "${args[@]}"
		[[ $output == *"dq-$name: write error"*"No space left on device"* ]] ||
			{ echo "dq-$name: $output"; return 1; }
	done
}

@test "stdout closed: exit 2 and a message, every program" {
	local entry name
	for entry in "${DQ_JOBS[@]}"; do
		name=${entry%% *}
		io_args "$name" "$MIXED"
		run -2 to_closed "$DQ_BIN/dq-$name" "${args[@]}"
		[[ $output == *"dq-$name: write error"*"Bad file descriptor"* ]] ||
			{ echo "dq-$name: $output"; return 1; }
		# The records must not have gone into the next file opened.
		local rej=$BATS_TEST_TMPDIR/$name/rej
		if [ -f "$rej" ] && grep -v -q '"reason":' "$rej"; then
			echo "dq-$name: records in the rejects file"
			return 1
		fi
	done
}

@test "stdin closed: exit 2 and a read error, every reading program" {
	local entry name
	for entry in "${DQ_JOBS[@]}"; do
		name=${entry%% *}
		[[ ${entry#* } == source* ]] && continue
		io_args "$name" -
		run -2 from_closed "$DQ_BIN/dq-$name" "${args[@]}"
		[[ $output == *"dq-$name: -: read error: Bad file descriptor"* ]] ||
			{ echo "dq-$name: $output"; return 1; }
	done
}

@test "a full --summary or --rejects file: exit 2 and a message" {
	local entry name
	for entry in "${DQ_JOBS[@]}"; do
		name=${entry%% *}
		[[ $entry == *--summary* ]] || continue
		# Pair readers get clean pairs: nothing to reject (their full
		# disk and closed pipe are in dq-score.bats, dq-merge.bats).
		[[ $entry == *@PAIRS* ]] && continue
		io_args "$name" "$MIXED"
		args=("${args[@]/#*\/sum/\/dev\/full}")
		run -2 "$DQ_BIN/dq-$name" "${args[@]}"
		[[ $output == *"dq-$name: "*"No space left on device"* ]] ||
			{ echo "dq-$name (summary): $output"; return 1; }
		io_args "$name" "$MIXED"
		[[ $entry == *--rejects* ]] || continue
		args=("${args[@]/#*\/rej/\/dev\/full}")
		run -2 "$DQ_BIN/dq-$name" "${args[@]}"
		[[ $output == *"dq-$name: "*"No space left on device"* ]] ||
			{ echo "dq-$name (rejects): $output"; return 1; }
	done
}

@test "a missing, unreadable or directory input: exit 2 naming the file" {
	local entry name kind
	for entry in "${DQ_JOBS[@]}"; do
		name=${entry%% *}
		kind=${entry#* }
		[[ $kind == source* ]] && continue
		io_args "$name" "$BATS_TEST_TMPDIR/no such file"
		run -2 "$DQ_BIN/dq-$name" "${args[@]}"
		[[ $output == *"no such file: No such file or directory"* ]] ||
			{ echo "dq-$name (missing): $output"; return 1; }
		[ ! -s "$BATS_TEST_TMPDIR/$name/sum" ]
		io_args "$name" "$BATS_TEST_TMPDIR"
		run -2 "$DQ_BIN/dq-$name" "${args[@]}"
		[[ $output == *"$BATS_TEST_TMPDIR: read error: Is a directory"* ]] ||
			{ echo "dq-$name (directory): $output"; return 1; }
		if [ "$(id -u)" -ne 0 ]; then
			cp "$MIXED" "$BATS_TEST_TMPDIR/locked"
			chmod 000 "$BATS_TEST_TMPDIR/locked"
			io_args "$name" "$BATS_TEST_TMPDIR/locked"
			run -2 "$DQ_BIN/dq-$name" "${args[@]}"
			[[ $output == *"locked: Permission denied"* ]] ||
				{ echo "dq-$name (unreadable): $output"; return 1; }
		fi
	done
}

@test "a reader that goes away (| head -1): quiet, exit 0, every program" {
	local entry name big=$BATS_FILE_TMPDIR/big.ndjson
	# More than a pipe buffer of output, so the writer meets EPIPE.
	"$DQ_BIN/dq-gen" -n 20000 --seed 5 >"$big"
	for entry in "${DQ_JOBS[@]}"; do
		name=${entry%% *}
		[[ $entry == *@PAIRS* ]] && continue
		io_args "$name" "$big"
		[ "$name" = gen ] && args=(-n 20000)
		[ "$name" = profile ] && args=(--format text "${args[@]}")
		"$DQ_BIN/dq-$name" "${args[@]}" 2>"$BATS_TEST_TMPDIR/err" |
			head -n 1 >"$BATS_TEST_TMPDIR/first"
		local st=("${PIPESTATUS[@]}")
		[ "${st[0]}" -eq 0 ] && [ "${st[1]}" -eq 0 ] ||
			{ echo "dq-$name: ${st[*]}"; return 1; }
		grep -v -e 'warning: [0-9]* of [0-9]* input records rejected' \
			-e 'records: .* with violations' "$BATS_TEST_TMPDIR/err" |
			{ ! grep .; } ||
			{ echo "dq-$name: stderr not quiet"; return 1; }
		[ "$(wc -l <"$BATS_TEST_TMPDIR/first")" -eq 1 ]
	done
}
