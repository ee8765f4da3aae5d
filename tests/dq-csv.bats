#!/usr/bin/env bats
# dq-csv: NDJSON to CSV for spreadsheets, with formula-injection protection.

load helpers

setup() {
	T=$BATS_TEST_TMPDIR
}

@test "values: strings unescaped, numbers as written, null empty, nested as JSON" {
	printf '%s\n' '{"a":"x\u00e9","b":9007199254740993,"c":59.0,"d":null,"e":true,"f":{"g":[1,"h"]}}' >"$T/in"
	run -0 dq csv "$T/in"
	assert_output $'a,b,c,d,e,f\r\nxé,9007199254740993,59.0,,true,"{""g"":[1,""h""]}"\r'
}

@test "quoting: delimiter, quote, CR and LF are quoted (RFC 4180)" {
	printf '%s\n' '{"a":"1,2","b":"say \"hi\"","c":"two\nlines","d":"plain"}' >"$T/in"
	run -0 dq csv "$T/in"
	printf '%s\n' "$output" >"$T/out.csv"
	# Read it back with a real CSV parser: Miller.
	run -0 mlr --icsv --ojsonl cat "$T/out.csv"
	assert_output '{"a": "1,2", "b": "say \"hi\"", "c": "two\nlines", "d": "plain"}'
}

@test "formula injection: = + - @ tab CR in strings get a leading quote; numbers do not" {
	printf '%s\n' '{"a":"=1+1","b":"+SUM(A1)","c":"-2+3","d":"@cmd","e":"\tx","f":"\rx","g":-5,"h":"a=b","i":""}' >"$T/in"
	run -0 dq csv --summary "$T/s.json" "$T/in"
	assert_line --index 1 $'\'=1+1,\'+SUM(A1),\'-2+3,\'@cmd,\'\tx,"\'\rx",-5,a=b,\r'
	run -0 jq .protected_cells "$T/s.json"
	assert_output 6
	run -0 dq csv --no-protect "$T/in"
	assert_line --index 1 $'=1+1,+SUM(A1),-2+3,@cmd,\tx,"\rx",-5,a=b,\r'
}

@test "columns: keys of the first records; a later key is warned about and counted" {
	printf '%s\n' '{"id":1}' '{"id":2,"name":"B"}' >"$T/in"
	for i in $(seq 3 1002); do printf '{"id":%d}\n' "$i"; done >>"$T/in"
	printf '%s\n' '{"id":1003,"late":"x"}' '{"id":1004,"late":"y"}' >>"$T/in"
	run -0 --separate-stderr dq csv --summary "$T/s.json" "$T/in"
	assert_line --index 0 $'id,name\r'
	assert_line --index 2 $'2,B\r'
	assert_line --index 1004 $'1004,\r'
	[[ $stderr == *'in:1003: field "late" has no column (first seen here)'* ]]
	run -0 jq -c '[.columns, .fields_without_column, .values_left_out, .counts.in, .counts.out]' "$T/s.json"
	assert_output '[["id","name"],["late"],2,1004,1004]'
}

@test "--fields picks and orders columns; --violations lists the codes" {
	printf '%s\n' '{"id":"V1","email":"x","_dq":{"violations":[{"code":"FMT-101","field":"email"},{"code":"REQ-002","field":"email|phone"}]}}' \
		'{"id":"V2","email":"ok@x.org"}' >"$T/in"
	run -0 dq csv --fields email,id --violations "$T/in"
	assert_output $'email,id,violations\r\nx,V1,FMT-101;REQ-002\r\nok@x.org,V2,\r'
	run -2 dq csv --fields 'a,,b' "$T/in"
	assert_output --partial "an empty name"
}

@test "malformed lines go to rejects; counts add up; --tab" {
	printf '%s\n' '{"a":1}' '{"a":' '{"a":"x y"}' >"$T/in"
	run -1 dq csv -q --tab --rejects "$T/rej" --summary "$T/s.json" "$T/in"
	assert_output $'a\r\n1\r\nx y\r'
	run -0 jq -c '[.counts.in, .counts.out, .counts.rejected]' "$T/s.json"
	assert_output '[3,2,1]'
	run -0 jq -c '.line' "$T/rej"
	assert_output 2
}

@test "formula injection: cells after skipped spaces, NBSP, ZWSP or BOM, full-width signs and | are protected too" {
	local q='"'
	printf '%s\n' \
		'{"a":" =1+1","b":"\u00a0=cmd","c":"\u200b@x","d":"\ufeff-2","e":"\uff1dSUM(A1)","f":"|calc","g":"\uff0b1","h":"a=b","i":"  ok"}' \
		>"$BATS_TEST_TMPDIR/f.ndjson"
	run -0 --separate-stderr dq csv --no-header --summary "$BATS_TEST_TMPDIR/s" "$BATS_TEST_TMPDIR/f.ndjson"
	assert_output "' =1+1,'"$'\u00a0'"=cmd,'"$'\u200b'"@x,'"$'\ufeff'"-2,'"$'\uff1d'"SUM(A1),'|calc,'"$'\uff0b'"1,a=b,  ok"$'\r'
	run -0 jq .protected_cells "$BATS_TEST_TMPDIR/s"
	assert_output 7
}

@test "many columns: every key gets its column, in order (one look-up a member)" {
	local f=$BATS_TEST_TMPDIR/wide.ndjson
	jq -cn '[range(0; 40000) | {key: "k\(.)", value: .}] | from_entries' >"$f"
	jq -cn '[range(39999; -1; -1) | {key: "k\(.)", value: (. * 2)}] | from_entries' >>"$f"
	run -0 dq csv "$f"
	[ "${#lines[@]}" -eq 3 ]
	run -0 awk -F, '{ sub(/\r$/, "") } NR == 1 { print NF, $1, $40000 } NR > 1 { print $1, $40000 }' <<<"$output"
	assert_output $'40000 k0 k39999\n0 39999\n0 79998'
}

@test "--fields takes paths: nested members, _dq lineage, [] values as a JSON array (issue 18, 1)" {
	printf '%s\n' '{"id":1,"addr":{"city":"=X"},"tags":["a","b"],"_dq":{"row":7,"hash":"ab"}}' \
		'{"id":2,"tags":"c","addr.city":"flat"}' >"$T/in"
	run -0 --separate-stderr dq csv --fields 'id,addr.city,tags[],_dq.row,_dq.hash,nope.x' "$T/in"
	assert_output $'id,addr.city,tags[],_dq.row,_dq.hash,nope.x\r\n1,\'=X,"[""a"",""b""]",7,ab,\r\n2,flat,"[""c""]",,,\r'
}
