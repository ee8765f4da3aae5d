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
	assert_equal "$stderr" "dq-validate: u16.csv: UTF-16 text (byte order mark): dq reads UTF-8; convert it first: iconv -f UTF-16 -t UTF-8"
	printf '{"id":1}\n' | iconv -f UTF-8 -t UTF-16LE >le.ndjson
	run -2 --separate-stderr dq profile le.ndjson
	assert_equal "$stderr" "dq-profile: le.ndjson:1: NUL bytes in the first line: not UTF-8 text (UTF-16 without a byte order mark, or a binary file); convert it to UTF-8 text first"
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

@test "a binary file is never read as CSV: it is named for what it looks like, exit 2, on files and stdin" {
	printf 'PAR1\x15\x00\x15\x1c,a,b\n1,2,3\n' >t.parquet
	# Without DuckDB's library (tests/parquet.bats reads it with).
	run -2 --separate-stderr env -u DQ_LIBDUCKDB HOME="$BATS_TEST_TMPDIR" "$DQ_BIN/dq-validate" --require a t.parquet
	assert_output ""
	[[ $stderr == "dq-validate: t.parquet: a Parquet file, read through DuckDB: DuckDB's C library (libduckdb.so) is not installed; install it with scripts/install-deps --parquet"* ]]
	# Forcing CSV does not make it text.
	run -2 --separate-stderr env -u DQ_LIBDUCKDB HOME="$BATS_TEST_TMPDIR" "$DQ_BIN/dq-normalize" --csv - <t.parquet
	assert_output ""
	[[ $stderr == "dq-normalize: -: a Parquet file, read through DuckDB: "* ]]
	python3 -c 'import zipfile,sys
with zipfile.ZipFile("t.xlsx", "w") as z:
    z.writestr("[Content_Types].xml", "<Types/>")
    z.writestr("xl/workbook.xml", "<workbook/>")
with zipfile.ZipFile("t.zip", "w") as z:
    z.writestr("a.csv", "id\n1\n")'
	run -2 --separate-stderr dq profile t.xlsx
	assert_equal "$stderr" "dq-profile: t.xlsx: a zip archive (an Excel .xlsx workbook): export the sheet as CSV first"
	run -2 --separate-stderr dq profile - <t.zip
	assert_equal "$stderr" "dq-profile: -: a zip archive: unzip it first (dq reads gzip, zstd, bzip2 and xz streams)"
	printf '%%PDF-1.7\nid,x\n' >t.pdf
	printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR' >t.png
	printf '\xff\xd8\xff\xe0\0\x10JFIF\0' >t.jpg
	printf 'GIF89a\x01\0\x01\0' >t.gif
	printf '\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0' >t.xls
	for f in pdf png jpg gif xls; do
		run -2 --separate-stderr dq normalize --summary s.json "t.$f"
		assert_output ""
		printf '%s\n' "$stderr" >>msgs
	done
	[ ! -e s.json ]
	run -0 cat msgs
	assert_output "dq-normalize: t.pdf: a PDF document, not data
dq-normalize: t.png: a PNG image, not data
dq-normalize: t.jpg: a JPEG image, not data
dq-normalize: t.gif: a GIF image, not data
dq-normalize: t.xls: an OLE2 compound file (an Excel .xls workbook or another old Office document): export the sheet as CSV first"
	# A later file of several is looked at too: the run stops there.
	printf 'id\n1\n' >ok.csv
	run -2 --separate-stderr dq normalize --no-lineage ok.csv t.png
	assert_equal "$stderr" "dq-normalize: t.png: a PNG image, not data"
}

# compress_all FILE: FILE.gz, .zst, .bz2 and .xz beside it.
compress_all() {
	gzip -c "$1" >"$1.gz"
	zstd -q -c "$1" >"$1.zst"
	bzip2 -c "$1" >"$1.bz2"
	xz -c "$1" >"$1.xz"
}

@test "gzip, zstd, bzip2 and xz input gives the output, rejects and summary of the uncompressed file, on files and stdin" {
	{ printf '{"id":1,"email":"a@x.org"}\n{"id":2,"email":"bad"}\n'
	  printf '{"id":3,\n\n{"id":4,"email":"d@x.org"}\n'; } >p.ndjson
	compress_all p.ndjson
	printf 'id,email\n1,a@x.org\n2,"b@\nx.org"\n3\n' >c.csv
	compress_all c.csv
	for f in p.ndjson c.csv; do
		run -1 --separate-stderr dq validate --type email=email \
			--max-rejects 1 --rejects "r.$f" --summary "s.$f" \
			--violations "v.$f" "$f"
		printf '%s\n' "$output" >"o.$f"
		for z in gz zst bz2 xz; do
			run -1 --separate-stderr dq validate --type \
				email=email --max-rejects 1 --rejects r.z \
				--summary s.z --violations v.z "$f.$z"
			printf '%s\n' "$output" >o.z
			run -0 cmp "o.$f" o.z
			run -0 cmp "v.$f" v.z
			# The rejects name the compressed file, and nothing
			# else differs (byte offsets are decompressed ones).
			sed "s/\"$f.$z\"/\"$f\"/" r.z >r.zz
			run -0 cmp "r.$f" r.zz
			stable_summary "s.$f" >a
			stable_summary s.z >b
			run -0 cmp a b
			run -1 --separate-stderr dq validate --type \
				email=email --max-rejects 1 - <"$f.$z"
			printf '%s\n' "$output" >o.z
			run -0 cmp "o.$f" o.z
		done
	done
	run -0 jq -c '.counts' s.p.ndjson
	assert_output '{"in":4,"out":3,"quarantined":0,"rejected":1,"blank":1,"bytes":87}'
}

@test "concatenated compressed streams are one input; a truncated or damaged one is exit 2" {
	printf '{"id":1}\n' >a.ndjson
	printf '{"id":2}\n' >b.ndjson
	{ gzip -c a.ndjson; gzip -c b.ndjson; } >ab.gz
	{ zstd -q -c a.ndjson; zstd -q -c b.ndjson; } >ab.zst
	{ bzip2 -c a.ndjson; bzip2 -c b.ndjson; } >ab.bz2
	{ xz -c a.ndjson; xz -c b.ndjson; } >ab.xz
	for z in gz zst bz2 xz; do
		run -0 dq normalize --no-lineage "ab.$z"
		assert_output $'{"id":1}\n{"id":2}'
	done
	dq gen -n 3000 --seed 4 >g.ndjson
	gzip -c g.ndjson | head -c 20000 >cut.gz
	run -2 --separate-stderr dq validate --summary s.json cut.gz
	assert_equal "$stderr" "dq-validate: cut.gz: truncated gzip stream: it ends before its end marker"
	[ ! -e s.json ]
	for z in zst bz2 xz; do
		case $z in zst) c="zstd -q";; bz2) c=bzip2;; xz) c=xz;; esac
		$c -c g.ndjson | head -c 20000 >"cut.$z"
		run -2 --separate-stderr dq validate "cut.$z"
		[[ $stderr == "dq-validate: cut.$z: truncated "*" stream: it ends before its end marker" ]]
	done
	gzip -c g.ndjson >gg.gz
	python3 -c 'b = bytearray(open("gg.gz", "rb").read())
for i in range(5000, 5100): b[i] ^= 0x55
open("bad.gz", "wb").write(b)'
	# Damage in the middle: the lines it garbles are rejected, and the
	# stream's check at its end stops the run.
	run -2 --separate-stderr dq validate -q bad.gz
	assert_equal "${stderr_lines[-1]}" "dq-validate: bad.gz: damaged gzip stream: incorrect data check"
}

@test "a compressed binary file is named; a file compressed twice is refused" {
	printf '%%PDF-1.4\n' | gzip >d.pdf.gz
	run -2 --separate-stderr dq normalize d.pdf.gz
	assert_equal "$stderr" "dq-normalize: d.pdf.gz: gzip-compressed a PDF document, not data"
	printf '{"id":1}\n' | gzip | xz >two.gz.xz
	run -2 --separate-stderr dq normalize - <two.gz.xz
	assert_equal "$stderr" "dq-normalize: -: compressed twice (gzip inside xz): decompress it once first"
}

@test "a compressed input of many megabytes (decoded on its own thread) gives the uncompressed file's bytes; damage after them is exit 2" {
	# 15000 records are 5 MB decoded: the 4 MB ring ahead of the reader
	# wraps round.
	dq gen -n 15000 --seed 2 >g.ndjson
	gzip -c g.ndjson >g.gz
	zstd -q -c g.ndjson >g.zst
	run -0 --separate-stderr dq normalize -q g.ndjson
	want=$output
	for z in gz zst; do
		run -0 --separate-stderr dq normalize -q "g.$z"
		assert_equal "$output" "$want"
		run -0 --separate-stderr dq normalize -q <"g.$z"
		assert_equal "$output" "$want"
	done
	run -0 --separate-stderr dq normalize -q --summary s.json g.gz
	run -0 jq -c '.counts | {in, out}' s.json
	assert_output '{"in":15000,"out":15000}'
	# Cut at three quarters: the records decoded before the cut come out
	# whole and in order (a prefix of the whole output), then exit 2.
	size=$(wc -c <g.gz)
	head -c $((size * 3 / 4)) g.gz >cut.gz
	run -2 --separate-stderr dq normalize -q cut.gz
	assert_equal "$stderr" "dq-normalize: cut.gz: truncated gzip stream: it ends before its end marker"
	[ "${#lines[@]}" -gt 7500 ]
	[[ $want == "$output"* ]]
}

@test "a compressed pipe that stays open after an error early in it does not hold the program" {
	dq gen -n 30000 --seed 2 >g.ndjson
	{ printf '\0\n'; cat g.ndjson; } | gzip -c >nul.gz
	# The writer keeps the pipe open for 30 s after the data: the program
	# exits on the error at once, its decoder thread stopped.
	SECONDS=0
	run -2 --separate-stderr timeout 20 "$DQ_BIN/dq-normalize" \
		< <(exec 3>&-; cat nul.gz; sleep 30)
	assert_equal "$stderr" "dq-normalize: -:1: NUL bytes in the first line: not UTF-8 text (UTF-16 without a byte order mark, or a binary file); convert it to UTF-8 text first"
	[ "$SECONDS" -lt 10 ]
}

@test "dq-profile --jobs on a compressed file: one process, says why, equals the uncompressed file's profile" {
	dq gen -n 6000 --seed 12 >g.ndjson
	gzip -c g.ndjson >g.ndjson.gz
	run -0 --separate-stderr dq profile --jobs 1 --summary s1 g.ndjson
	printf '%s\n' "$output" >one
	run -0 --separate-stderr dq profile --jobs 2 --summary s2 g.ndjson.gz
	printf '%s\n' "$output" >two
	assert_equal "$stderr" "dq-profile: g.ndjson.gz: compressed: a compressed stream cannot be cut into byte ranges; read by one process"
	run -0 cmp one two
	stable_summary s1 >a
	stable_summary s2 >b
	run -0 cmp a b
	run -0 --separate-stderr dq profile -q --jobs 2 g.ndjson.gz
	assert_equal "$stderr" ""
}

# The records of a JSON document test: nested values, strings with
# spaces, escapes and brackets, numbers that must stay as written.
doc_records() {
	printf '%s\n' \
		'{"id":1,"name":"Ann Lee","tags":["a b","c"],"addr":{"city":"Oslo","zip":"0150"},"n":9007199254740993}' \
		'{"id":2,"name":"say \"hi\", [x]","tags":[],"addr":{},"n":59.0}' \
		'{"id":3,"name":"B{o}b","email":"bob@x.org","n":-12.5}' \
		'{"id":2,"name":"dup","n":null}'
}

@test "a JSON array, pretty-printed JSON and concatenated objects give the NDJSON's outputs and summary, on files and stdin" {
	doc_records >r.ndjson
	{ printf '['; sed '$!s/$/,/' r.ndjson; printf ']\n'; } >r.json
	python3 -c 'import json, sys
recs = [json.loads(l) for l in open("r.ndjson")]
open("pretty.json", "w").write(json.dumps(recs, indent=2) + "\n")
open("objs.json", "w").write("".join(json.dumps(r, indent=4) + "\n" for r in recs))'
	tr -d '\n' <r.json >oneline.json
	gzip -c pretty.json >pretty.json.gz
	run -0 --separate-stderr dq normalize --summary s.ndjson r.ndjson
	printf '%s\n' "$output" >n.ndjson
	run -1 --separate-stderr dq validate --unique id --summary v.ndjson \
		--violations x.ndjson r.ndjson
	printf '%s\n' "$output" >o.ndjson
	for f in r.json pretty.json objs.json oneline.json pretty.json.gz; do
		run -0 --separate-stderr dq normalize --summary s.doc "$f"
		printf '%s\n' "$output" >n.doc
		run -0 cmp n.ndjson n.doc
		run -1 --separate-stderr dq validate --unique id --summary \
			v.doc --violations x.doc - <"$f"
		printf '%s\n' "$output" >o.doc
		run -0 cmp o.ndjson o.doc
		run -0 cmp x.ndjson x.doc
		# Only counts.bytes differs: the bytes the file holds.
		for s in s v; do
			jq -S 'del(.started, .ended, .duration_ms, .run_id,
			   .counts.bytes)' "$s.ndjson" >a
			jq -S 'del(.started, .ended, .duration_ms, .run_id,
			   .counts.bytes)' "$s.doc" >b
			run -0 cmp a b
		done
	done
	# Records are numbered by position: _dq.row is the NDJSON line.
	run -0 jq -c '._dq.row' n.doc
	assert_output $'1\n2\n3\n4'
	# Forced, the format is read as told.
	run -1 --separate-stderr dq normalize --no-lineage --ndjson pretty.json
	assert_output ""
	# NDJSON is also objects one after another.
	run -0 --separate-stderr dq normalize --no-lineage --json r.ndjson
	assert_output "$(cat r.ndjson)"
	printf ' [ \n ]\n' >empty.json
	run -0 --separate-stderr dq normalize --summary s.e empty.json
	assert_output ""
	run -0 jq -c '.counts | [.in, .out, .rejected, .blank]' s.e
	assert_output '[0,0,0,0]'
}

@test "a CSV whose header is one character (d) is a CSV, not a JSON document" {
	printf 'd\n2024-01-05\nabc\n' >"$T/one.csv"
	run -0 dq normalize "$T/one.csv"
	assert_output - <<'OUT'
{"d":"2024-01-05","_dq":{"row":2,"hash":"3b2ce9de188885dc"}}
{"d":"abc","_dq":{"row":3,"hash":"78af5f94892f3950"}}
OUT
	run -0 bash -c "printf 'x\\n1\\n' | '$DQ_BIN/dq-validate' -q --require x"
	assert_output '{"x":"1"}'
}

@test "a bad element of a JSON array is rejected alone, with its record number, line, column and byte; reading goes on" {
	printf '[{"id":1},\n {"id":2,"id":3},\n 5, {"id":4} x,\n\n {"id":\n  tru},\n]' >bad.json
	run -1 --separate-stderr dq normalize --no-lineage --rejects r.ndjson \
		--summary s.json bad.json
	assert_output '{"id":1}'
	run -0 cat r.ndjson
	assert_output '{"file":"bad.json","line":2,"record":2,"byte":20,"column":10,"reason":"duplicate key","tool":"dq-normalize","raw":"{\"id\":2,\"id\":3}"}
{"file":"bad.json","line":3,"record":3,"byte":30,"column":2,"reason":"not a JSON object","tool":"dq-normalize","raw":"5"}
{"file":"bad.json","line":3,"record":4,"byte":42,"column":14,"reason":"trailing characters after the object","tool":"dq-normalize","raw":"{\"id\":4} x"}
{"file":"bad.json","line":6,"record":5,"byte":56,"column":3,"reason":"invalid literal","tool":"dq-normalize","raw":"{\"id\":\n  tru}"}
{"file":"bad.json","line":7,"record":6,"byte":62,"column":1,"reason":"expected a value","tool":"dq-normalize","raw":""}'
	run -0 jq -c '.counts | [.in, .out, .rejected]' s.json
	assert_output '[6,1,5]'
	# "1 2" is two values, not 12: the white space that goes never joins
	# two of them.
	printf '[{"id":1 2}]' >join.json
	run -1 --separate-stderr dq normalize --no-lineage join.json
	assert_output ""
	assert_equal "$stderr" $'dq-normalize: warning: join.json:1:10: expected \',\' or \'}\' in object (record 1)\ndq-normalize: warning: 1 of 1 input records rejected'
	# A document cut short: its last element is rejected, never taken
	# for the whole.
	printf '[{"id":1},\n{"id":2}' >cut.json
	run -1 --separate-stderr dq validate cut.json
	assert_output '{"id":1}'
	[[ $stderr == *"cut.json:2:1: truncated array (record 2)"* ]]
}

@test "dq-profile --jobs on a JSON document: one process, says why, equals the NDJSON's profile" {
	dq gen -n 4000 --seed 13 >g.ndjson
	{ printf '[\n'; sed '$!s/$/,/' g.ndjson; printf ']\n'; } >g.json
	run -0 --separate-stderr dq profile --jobs 1 g.ndjson
	printf '%s\n' "$output" >one
	run -0 --separate-stderr dq profile --jobs 2 g.json
	printf '%s\n' "$output" >two
	assert_equal "$stderr" "dq-profile: g.json: a JSON document: its records cannot be cut at line starts; read by one process"
	run -0 cmp one two
}

@test "--records-at: the records are the array at a path in each document; other members skipped, unread (issue 18)" {
	# Tricky members before and after the array: strings holding ] } and
	# quotes, nested arrays, numbers; a second document (an API's next
	# page), pretty-printed; an empty page.
	printf '%s\n' '{"offset":"a]\"}b","meta":{"x":[1,[2,{"y":"]"}]],"n":-1.5e3},' \
		'"data":{"skip":[{"id":0}],"items":[{"id":1},' \
		'  {"id":2,"tags":["a"]}],"more":true},"z":null}' \
		'{"data":{"items":[]}}' \
		'{' '  "data": {' '    "items": [' '      {"id": 3}' '    ]' '  }' '}' >pages.json
	run -0 --separate-stderr dq normalize --no-lineage --records-at data.items --summary s.json pages.json
	assert_output $'{"id":1}\n{"id":2,"tags":["a"]}\n{"id":3}'
	run -0 jq -c '.counts | [.in, .out, .rejected]' s.json
	assert_output "[3,3,0]"
	# On stdin and compressed, the same.
	gzip -c pages.json >pages.json.gz
	run -0 --separate-stderr dq normalize --no-lineage --records-at data.items - <pages.json.gz
	assert_output $'{"id":1}\n{"id":2,"tags":["a"]}\n{"id":3}'
	# Records are numbered by their position; a bad element is rejected
	# alone with its line.
	printf '{"records":[{"id":1},\n{"id":2,},\n{"id":3}]}\n' >bad.json
	run -0 --separate-stderr dq normalize --records-at records --max-rejects 1 --rejects r.ndjson bad.json
	assert_line --index 0 --partial '"row":1'
	assert_line --index 1 --partial '"row":3'
	run -0 jq -c '[.line, .raw]' r.ndjson
	assert_output '[2,"{\"id\":2,}"]'
}

@test "--records-at: a document without the array, or not an object, is an error (exit 2), never an empty result" {
	printf '{"records":[{"id":1}]}\n{"items":[{"id":2}]}\n' >two.json
	run -2 dq validate -q --records-at records two.json
	assert_output --partial "two.json:2: no array 'records' in this document (--records-at)"
	printf '[{"id":1}]\n' >arr.json
	run -2 dq validate -q --records-at records arr.json
	assert_output --partial "expected an object holding the records array (--records-at)"
	printf '{"records":{"id":1}}\n' >obj.json
	run -2 dq validate -q --records-at records obj.json
	assert_output --partial "expected the records array, found '{'"
	run -2 dq validate -q --csv --records-at records obj.json
	assert_output --partial "--records-at: reads JSON documents, not CSV"
	run -2 dq validate -q --records-at 'a[].b' obj.json
	assert_output --partial "object keys only"
	# A document cut off inside its wrapper.
	printf '{"records":[{"id":1}]' >cut.json
	run -2 dq validate -q --records-at records cut.json
	assert_output --partial "the document ends early"
}

@test "a reference file in an export's wrapper: \"records\" in the reference (issue 18)" {
	printf '{"records":[{"id":"o1","fields":{}},{"id":"o2","fields":{}}],"offset":"x"}' >orgs.json
	printf '%s\n' '{"id":1,"org":"o1"}' '{"id":2,"org":"o3"}' >in.ndjson
	printf '{"fields":{"org":{"reference":{"file":"orgs.json","key":"id","records":"records"}}}}' >c.json
	run -1 --separate-stderr dq validate -q -c c.json --violations v.ndjson in.ndjson
	run -0 jq -c '[.record_id, .value]' v.ndjson
	assert_output '[2,"o3"]'
	printf '{"fields":{"org":{"reference":{"file":"orgs.json","key":"id","records":7}}}}' >c2.json
	run -2 dq validate -q -c c2.json in.ndjson
	assert_output --partial "reference.records: a field path"
}
