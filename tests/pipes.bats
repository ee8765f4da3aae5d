#!/usr/bin/env bats
# Side files whose reader goes away.  A reader of stdout that leaves (as
# `| head` does) ends a filter's job quietly; a reader of a side file
# (--rejects, --quarantine, --map, ... given a FIFO or `>(cmd)`) that
# leaves would lose the lines still to come, so the program stops with
# exit 2 and a message naming the file.  Every DQ_JOBS program, every
# side-file flag that carries one line per record.
load helpers
load programs

setup_file() {
	export MIXED=$BATS_FILE_TMPDIR/mixed.ndjson
	"$BATS_TEST_DIRNAME/gen-mixed" 1 30000 >"$MIXED"
}

# side_leaves NAME SLOT: run NAME's job with its @TMP/SLOT file a FIFO
# whose reader reads 100 bytes and leaves.
side_leaves() {
	local entry tmp fifo
	for entry in "${DQ_JOBS[@]}"; do
		[[ $entry == "$1 "* ]] && break
	done
	tmp=$BATS_TEST_TMPDIR/$1-$2
	mkdir -p "$tmp"
	fifo=$tmp/$2
	mkfifo "$fifo"
	mapfile -t args < <(job_args "$entry" "$MIXED" "$tmp")
	head -c 100 "$fifo" >/dev/null &
	run -2 --separate-stderr "$DQ_BIN/dq-$1" "${args[@]}"
	wait
	[[ $stderr == *"dq-$1: write error: $fifo: Broken pipe"* ]] ||
		{ echo "dq-$1 --$2 FIFO: status $status: $stderr"; return 1; }
}

@test "a side file whose reader leaves: exit 2 and a message, every program and flag" {
	local entry name slot n=0
	for entry in "${DQ_JOBS[@]}"; do
		name=${entry%% *}
		for slot in rej quar map; do
			[[ $entry == *"@TMP/$slot "* || $entry == *"@TMP/$slot" ]] || continue
			# Pair readers reject nothing of the clean pairs file.
			[[ $slot == rej && $entry == *@PAIRS* ]] && continue
			side_leaves "$name" "$slot"
			n=$((n + 1))
		done
	done
	# normalize, validate, profile, block, csv rejects; validate
	# quarantine; merge map.
	[ "$n" -ge 7 ]
}

@test "the reader of stdout leaving is quiet, also when a side file is /dev/stdout" {
	local c=$BATS_TEST_DIRNAME/fixtures/reliability/people.json
	head_one() { "$@" | head -c 10 >/dev/null; return "${PIPESTATUS[0]}"; }
	run -0 --separate-stderr head_one "$DQ_BIN/dq-validate" --ndjson -q -c "$c" "$MIXED"
	[ -z "$stderr" ]
	run -0 --separate-stderr head_one "$DQ_BIN/dq-validate" --ndjson -q -c "$c" \
		--rejects /dev/stdout "$MIXED"
	[ -z "$stderr" ]
}
