#!/usr/bin/env bats
# The shape of the source tree: lib/'s layers (scripts/lint-layers).
load helpers

LINT=$BATS_TEST_DIRNAME/../scripts/lint-layers

@test "lint-layers: lib/ keeps its layers and only cli/ exits" {
	run -0 "$LINT"
	assert_output ""
}

@test "lint-layers: an include of a higher layer, a bare include and an exit are each caught" {
	local t=$BATS_TEST_TMPDIR/tree
	mkdir -p "$t/lib/base" "$t/lib/stream" "$t/lib/cli" "$t/lib/profile"
	printf '#include "cli/run.h"\n' >"$t/lib/stream/a.h"
	printf '#include "util.h"\n' >"$t/lib/base/b.c"
	printf 'void f(void)\n{\n\texit(1);\n}\n' >"$t/lib/stream/c.c"
	printf '/* exit(2) in a comment */\nvoid g(void)\n{\n\texit(3);\n}\n' >"$t/lib/cli/d.c"
	printf '#include "base/util.h"\n#include "stream/a.h"\n' >"$t/lib/stream/e.c"
	printf '#include "sql/sql.h"\n' >"$t/lib/profile/f.h"
	mkdir -p "$t/lib/report" "$t/lib/sql"
	printf '#include "sql/doc.h"\n#include "er/merge.h"\n' >"$t/lib/report/g.c"
	printf '#include "report/report.h"\n' >"$t/lib/sql/h.c"
	run -1 "$LINT" "$t"
	assert_line "lib/stream/a.h:1: stream (rank 1) includes cli (rank 6): a layer uses only those below it"
	assert_line 'lib/base/b.c:1: "util.h" names no layer (write "LAYER/util.h")'
	assert_line "lib/stream/c.c:3: ends the process outside lib/cli/ (return an error instead)"
	assert_line "lib/profile/f.h:1: profile (rank 4) includes sql (rank 5): a layer uses only those below it"
	# report sits beside sql at rank 5: it may use er, not sql, and
	# sql may not use it.
	assert_line "lib/report/g.c:1: report (rank 5) includes sql (rank 5): a layer uses only those below it"
	assert_line "lib/sql/h.c:1: sql (rank 5) includes report (rank 5): a layer uses only those below it"
	[ "${#lines[@]}" -eq 6 ]
}

@test "lint-layers: a folder that is no layer, and no lib/ at all" {
	local t=$BATS_TEST_TMPDIR/tree2
	mkdir -p "$t/lib/misc"
	printf 'int x;\n' >"$t/lib/misc/x.c"
	run -1 "$LINT" "$t"
	assert_output "lib/misc/x.c: lib/misc is not a layer (base stream norm sketch contract profile er sql report cli)"
	run -2 "$LINT" "$BATS_TEST_TMPDIR/none"
}
