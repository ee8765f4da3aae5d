#!/usr/bin/env bats
# The shape of the repository that other tests rely on: every program in
# tools/ is in the tables the reliability tests run (tests/programs.bash),
# so no program escapes the allocation-fault, closed-pipe and full-disk
# tests by being forgotten there.
load helpers
load programs

# tools: the program names, one a line (dq-NAME.c -> NAME).
tools() {
	local f
	for f in "$BATS_TEST_DIRNAME"/../tools/dq-*.c; do
		f=${f##*/dq-}
		echo "${f%.c}"
	done
}

@test "every tools/dq-*.c program is in DQ_JOBS (fault, closed-pipe and full-disk tables)" {
	local name entry found missing=
	[ "$(tools | wc -l)" -ge 9 ]
	for name in $(tools); do
		found=
		for entry in "${DQ_JOBS[@]}"; do
			[ "${entry%% *}" = "$name" ] && found=1
		done
		[ -n "$found" ] || missing="$missing dq-$name"
	done
	[ -z "$missing" ] || { echo "not in tests/programs.bash:$missing"; return 1; }
}

@test "every tools/dq-*.c program has its allocation-fault test" {
	local name missing=
	for name in $(tools); do
		grep -q "^	alloc_faults $name\$" "$BATS_TEST_DIRNAME/faults.bats" ||
			missing="$missing dq-$name"
	done
	[ -z "$missing" ] || { echo "no alloc_faults in tests/faults.bats:$missing"; return 1; }
}

@test "every DQ_JOBS entry names a program in tools/" {
	local entry
	for entry in "${DQ_JOBS[@]}"; do
		[ -f "$BATS_TEST_DIRNAME/../tools/dq-${entry%% *}.c" ] ||
			{ echo "no tools/dq-${entry%% *}.c"; return 1; }
	done
}
