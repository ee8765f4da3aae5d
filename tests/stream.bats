#!/usr/bin/env bats
# The record stream's input layer (lib/stream/input.c): line ends, format
# detection, line numbers.  Nothing read may vanish: every line is a
# record, a reject, or an error that stops the run.
load helpers

setup() {
	cd "$BATS_TEST_TMPDIR"
}

@test "CSV with lone-CR line ends (classic Mac OS): every row is a record" {
	printf 'id,name\r1,a\r2,b\r' >cr.csv
	run -0 --separate-stderr dq normalize --no-lineage --summary s.json cr.csv
	assert_output $'{"id":"1","name":"a"}\n{"id":"2","name":"b"}'
	run -0 jq -c '.counts | [.in, .out, .rejected]' s.json
	assert_output "[2,2,0]"
	# Without a final CR, and with a CR inside a quoted field kept as data
	# on a CRLF file.
	printf 'id,name\r1,a\r2,b' >cr2.csv
	run -0 dq normalize --no-lineage cr2.csv
	assert_output $'{"id":"1","name":"a"}\n{"id":"2","name":"b"}'
	printf 'a,b\r\n1,"x\ry"\r\n' >crlf.csv
	run -0 dq normalize --no-lineage crlf.csv
	assert_output '{"a":"1","b":"x\ry"}'
	# A quoted CR in the header of an LF file is data, not a line end.
	printf 'a,"x\ry"\n1,2\n' >q.csv
	run -0 dq normalize --no-lineage q.csv
	assert_output '{"a":"1","x\ry":"2"}'
}

@test "NDJSON with lone-CR line ends: every line is a record, line numbers right" {
	printf '{"a":1}\r{"a":2}\rnot json\r' >cr.ndjson
	run -1 --separate-stderr dq validate --rejects r.ndjson cr.ndjson
	assert_output $'{"a":1}\n{"a":2}'
	run -0 jq -c '[.line, .raw]' r.ndjson
	assert_output '[3,"not json"]'
}

@test "a first line that is not JSON before JSON lines is an error, not a CSV header" {
	printf 'garbage line\n{"id":1}\n{}\n[]\n' >g.ndjson
	run -2 --separate-stderr dq validate g.ndjson
	[ -z "$output" ]
	assert_equal "$stderr" "dq-validate: g.ndjson:1: neither NDJSON nor CSV for sure: line 1 is not JSON but the next line starts with '{' or '['; pass --ndjson (line 1 is then rejected) or --csv"
	run -2 --separate-stderr dq normalize - <g.ndjson
	[[ $stderr == *"-:1: neither NDJSON nor CSV for sure"* ]]
	# After a blank line too; and the user's choice is obeyed.
	printf 'garbage\n\n  [1]\n' >g2
	run -2 dq profile g2
	run -1 --separate-stderr dq validate --ndjson --rejects r g.ndjson
	assert_output $'{"id":1}\n{}'
	run -0 jq -r .raw r
	assert_output $'garbage line\n[]'
	# A CSV file is still CSV.
	printf 'id,name\n1,a\n' >ok.csv
	run -0 dq validate -q ok.csv
	assert_output '{"id":"1","name":"a"}'
}

@test "--line-offset: bounded so that line numbers stay exact" {
	run -2 --separate-stderr dq normalize --line-offset 9223372036854775807 - <<<'{"a":1}'
	assert_equal "$stderr" "dq-normalize: --line-offset: '9223372036854775807' is not a whole number from 0 to 9007199254740991"$'\n'"Try 'dq-normalize --help' for more information."
	run -0 dq normalize --line-offset 9007199254740000 - <<<'{"a":1}'
	assert_output '{"a":1,"_dq":{"row":9007199254740001,"hash":"c5e3762ffc8453c6"}}'
}

@test "_dq is dq's metadata: a field of that name is rejected whole, never dropped; renaming to it is refused" {
	printf 'a,_dq\n1,x\n' >d.csv
	run -1 --separate-stderr dq normalize --rejects r d.csv
	assert_output ""
	run -0 jq -r '.reason' r
	assert_output 'member "_dq" is not an object (the name is dq'"'"'s metadata: rename the field)'
	printf '{"a":1,"_dq":"x"}\n{"a":2,"_dq":{"row":7}}\n' >d.ndjson
	run -1 --separate-stderr dq normalize --no-lineage --rejects r d.ndjson
	assert_output '{"a":2,"_dq":{"row":7}}'
	run -0 jq -r '.raw' r
	assert_output '{"a":1,"_dq":"x"}'
	run -2 --separate-stderr dq normalize --rename a=_dq d.ndjson
	assert_equal "$stderr" $'dq-normalize: --rename \'a=_dq\': "_dq" is dq\'s metadata, not a field to rename to or from\nTry \'dq-normalize --help\' for more information.'
	printf '{"rename":{"a":"_dq"}}' >c.json
	run -2 --separate-stderr dq normalize -c c.json d.ndjson
	[[ $stderr == *'rename.a: "_dq" is dq'"'"'s metadata'* ]]
}

@test "UTF-16 or NUL bytes in the first line are named for what they are, not read as CSV" {
	printf 'id,name\n1,Ann\n' | iconv -f UTF-8 -t UTF-16 >u16.csv
	run -2 --separate-stderr dq validate --require id u16.csv
	assert_output ""
	assert_equal "$stderr" "dq-validate: u16.csv:1: UTF-16 text (byte order mark): dq reads UTF-8; convert it first: iconv -f UTF-16 -t UTF-8"
	printf '{"id":1}\n' | iconv -f UTF-8 -t UTF-16LE >le.ndjson
	run -2 --separate-stderr dq profile le.ndjson
	assert_equal "$stderr" "dq-profile: le.ndjson:1: NUL bytes in the first line: not UTF-8 text (UTF-16 without a byte order mark, a compressed or a binary file); convert it to UTF-8 text first"
	# Told it is NDJSON, its lines are rejected whole as any bad line is
	# (the second "line" is the NUL after the newline).
	run -1 --separate-stderr dq normalize --ndjson --rejects r.ndjson le.ndjson
	run -0 jq -r '.reason' r.ndjson
	assert_output $'expected a string key\nnot a JSON object'
	# Converted, it is read.
	iconv -f UTF-16 -t UTF-8 u16.csv >u8.csv
	run -0 dq validate --require id -q u8.csv
}

@test "--delimiter ', ': a comma alone is data (a,b), a 0x1F byte outside quotes is the one reserved byte" {
	printf 'id, name, city\n1, a,b, x\n2, "c, d", y\n3, e\037f, z\n' >d.csv
	run -1 --separate-stderr dq normalize --delimiter ', ' --rejects r.ndjson d.csv
	printf '%s\n' "$output" >out.ndjson
	run -0 jq -c '[.id, .name, .city]' out.ndjson
	assert_output $'["1","a,b","x"]\n["2","c, d","y"]'
	run -0 jq -r '"\(.line) \(.reason)"' r.ndjson
	assert_output "4 byte 0x1F outside quotes: with the delimiter \", \" it is reserved (quote the field)"
	run -2 --separate-stderr dq normalize --delimiter $',\037' d.csv
	[[ "$stderr" == "dq-normalize: a delimiter of several bytes must not contain byte 0x1F"* ]]
}

@test "blank lines of a CSV file are counted as NDJSON's are (counts.blank)" {
	printf 'id,name\n\n1,a\n\n\r\n2,b\n\n' >bl.csv
	run -0 dq normalize -q --summary s.json bl.csv
	run -0 jq -c '.counts | [.in, .out, .blank]' s.json
	assert_output "[2,2,4]"
	printf '{"id":1}\n\n{"id":2}\n\n\n' >bl.ndjson
	run -0 dq normalize -q --summary s2.json bl.ndjson
	run -0 jq -c '.counts | [.in, .out, .blank]' s2.json
	assert_output "[2,2,3]"
}
