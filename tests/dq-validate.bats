#!/usr/bin/env bats
# dq-validate: rules, routing, the score and the gate, end to end.
# Expected figures are computed by hand in the comments.

load helpers

setup() {
	T=$BATS_TEST_TMPDIR
	V=$FIX/validate
	export DQ_TODAY=2024-05-01
}

@test "help and version, exit 0" {
	run -0 dq validate --help
	assert_line --partial "usage: dq-validate"
	assert_line --partial "--quarantine FILE"
	run -0 dq validate --version
	assert_output --regexp '^dq-validate [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "usage and contract errors: exit 2, nothing on stdout" {
	run -2 --separate-stderr dq validate --fail-on sometimes "$V/typed.ndjson"
	assert_output ""
	[[ "$stderr" == *"--fail-on: 'sometimes': expected info, warn, error or none"* ]]
	printf '{"rules":{"X-1":{"check":"required","field":"a","sevrity":"warn"}}}' >"$T/c.json"
	run -2 --separate-stderr dq validate -c "$T/c.json" "$V/typed.ndjson"
	assert_output ""
	[[ "$stderr" == *"unknown key 'rules.X-1.sevrity'"* ]]
	printf '{"rules":{"X-1":{"check":"nonesuch","field":"a"}}}' >"$T/c.json"
	run -2 --separate-stderr dq validate -c "$T/c.json" "$V/typed.ndjson"
	[[ "$stderr" == *"rules.X-1.check: unknown or missing check"* ]]
	run -2 --separate-stderr dq validate --pattern 'a=(' "$V/typed.ndjson"
	[[ "$stderr" == *"bad pattern"* ]]
	run -2 --separate-stderr dq validate --range 'a=today+3q..' "$V/typed.ndjson"
	[[ "$stderr" == *'bad bound "today+3q"'* ]]
}

@test "empty input fails completeness and the gate unless --allow-empty (issue 16, 1)" {
	: >"$T/empty"
	# Nothing was checked: completeness (20) is deducted, the gate fails.
	run -1 --separate-stderr dq validate --require x --summary "$T/s.json" "$T/empty"
	assert_output ""
	[[ "$stderr" == *"warning: no records: nothing was checked"* ]]
	run -0 jq -c '[.score, .passed, .exit_status, .counts.in, .metrics.completeness.details, .warnings]' "$T/s.json"
	assert_output '[80,false,1,0,"no records",["no records: nothing was checked"]]'
	run -0 dq validate -q --require x --allow-empty --summary "$T/s.json" "$T/empty"
	run -0 jq -c '[.score, .passed, .exit_status]' "$T/s.json"
	assert_output '[80,true,0]'
	run -0 dq validate -q --require x --set score.allow_empty=true "$T/empty"
}

@test "a check whose field appears in no record fails the gate unless allowed (issue 16, 1)" {
	printf '%s\n' '{"hours":-5}' '{"hours":3}' >"$T/in"
	printf '{"rules":{"R1":{"check":"range","field":"hourz","min":0},"R2":{"check":"range","field":"hours","max":10}}}' >"$T/c.json"
	run -1 --separate-stderr dq validate -q -c "$T/c.json" --summary "$T/s.json" "$T/in"
	assert_output "$(cat "$T/in")"
	[[ "$stderr" == *"warning: check 'R1': field 'hourz' appears in no record (the gate fails; --allow-absent-fields to pass)"* ]]
	run -0 jq -c '[.passed, .exit_status, .score, [.rules[] | [.code, .checked, .absent_fields]], .warnings]' "$T/s.json"
	assert_output '[false,1,100,[["R1",0,["hourz"]],["R2",2,null]],["check '"'R1'"': field '"'hourz'"' appears in no record"]]'
	run -0 dq validate -q -c "$T/c.json" --allow-absent-fields "$T/in"
	run -0 dq validate -q -c "$T/c.json" --set score.allow_absent_fields=true "$T/in"
	# A condition's field counts too; a field seen as null was seen.
	printf '%s\n' '{"hours":null,"a":1}' >"$T/in"
	printf '{"rules":{"R3":{"check":"required","field":"a","if":{"field":"atended","equals":true}}}}' >"$T/c.json"
	run -1 dq validate -q -c "$T/c.json" --summary "$T/s.json" "$T/in"
	run -0 jq -c '[.rules[0].absent_fields]' "$T/s.json"
	assert_output '[["atended"]]'
	run -0 dq validate -q --range hours=0..10 "$T/in"
}

@test "a file where no field of the contract is recognised cannot pass (issue 16, 1)" {
	# The volunteers file saved with ';': one field named "id;email;...".
	printf 'id;email;hours\n1;a@b.nl;3\n2;c@d.nl;4\n' >"$T/v.csv"
	printf '{"fields":{"email":{"type":"email"},"hours":{"type":"number","min":0}},"score":{"allow_absent_fields":true}}' >"$T/c.json"
	run -1 --separate-stderr dq validate -c "$T/c.json" --summary "$T/s.json" "$T/v.csv"
	[[ "$stderr" == *"warning: no field the contract checks appears in the input"* ]]
	run -0 jq -c '[.passed, .score, (.warnings | length)]' "$T/s.json"
	assert_output '[false,100,6]'
}

@test "passed in the summary is the gate, as the exit status (issue 16, 2)" {
	# The score passes (87 >= 80) but an error check fails: exit 1.
	run -1 dq validate -q --type a=integer --type b=string --type c=boolean \
		--summary "$T/s.json" "$V/typed.ndjson"
	run -0 jq -c '[.exit_status, .passed, .score, .score_passed]' "$T/s.json"
	assert_output '[1,false,87,true]'
	run -0 dq validate -q --type a=integer --fail-on none --pass-mark 50 --summary "$T/s.json" "$V/typed.ndjson"
	run -0 jq -c '[.exit_status, .passed, .score_passed]' "$T/s.json"
	assert_output '[0,true,true]'
}

@test "a percent sign never changes the scale silently (issue 16, 3)" {
	printf 'id,pct\n1,50%%\n2,100\n3,150%%\n4,abc\n' >"$T/p.csv"
	# No "percent" said: "50%" and "150%" are violations, not 0.5 and 1.5.
	run -1 dq validate -q --range pct=0..100 --summary "$T/s.json" "$T/p.csv"
	run -0 jq -c '.rules[0] | [.checked, .failures, [.examples[].value]]' "$T/s.json"
	assert_output '[3,2,["50%","150%"]]'
	# points: 50% is 50 (passes 1..100), 150% is 150 (above).
	printf '{"fields":{"pct":{"min":1,"max":100,"percent":"points"}}}' >"$T/c.json"
	run -1 dq validate -q -c "$T/c.json" --violations "$T/v" "$T/p.csv"
	run -0 jq -c '[.record_id, .message]' "$T/v"
	assert_output '["3","above the maximum 100"]'
	# fraction: 50% is 0.5 (below 1), 150% is 1.5.
	run -1 dq validate -q -c "$T/c.json" --set fields.pct.percent=fraction --violations "$T/v" "$T/p.csv"
	run -0 jq -c '[.record_id, .message]' "$T/v"
	assert_output '["1","below the minimum 1"]'
	printf '{"rules":{"P":{"check":"range","field":"pct","max":100,"percent":"fraction"}}}' >"$T/c.json"
	run -0 dq validate -q -c "$T/c.json" --violations "$T/v" "$T/p.csv"
	run -1 dq validate -q -c "$T/c.json" --set rules.P.percent=points "$T/p.csv"
	run -2 --separate-stderr dq validate -q -c "$T/c.json" --set rules.P.percent=yes "$T/p.csv"
	[[ "$stderr" == *'rules.P: percent is "points" (50% is 50) or "fraction" (50% is 0.5)'* ]]
}

@test "clean records leave byte for byte, no _dq added" {
	printf '%s\n' '{"id":"a","n":9007199254740993,"x":59.0,"s":"\u00e9"}' \
		'{"id":"b","n":1e400,"x":-0.0,"s":"x"}' >"$T/in"
	run -0 dq validate --require id,n --type n=number --unique id "$T/in"
	assert_output "$(cat "$T/in")"
}

@test "required: absent, null, empty and blank fail; 0 and false pass" {
	printf '%s\n' '{"a":0}' '{"a":false}' '{"a":" "}' '{"a":null}' '{"a":""}' '{}' >"$T/in"
	run -1 dq validate -q --require a --summary "$T/s.json" "$T/in"
	run -0 jq -c '.rules[0] | [.code, .checked, .failures]' "$T/s.json"
	assert_output '["REQ:a",6,4]'
	run -0 jq -c '[.examples[].value]' <<<"$(jq -c '.rules[0]' "$T/s.json")"
	assert_output '[" ",null,"",null]'
}

@test "types: each JSON kind, integer excludes 1.0 and 1e3" {
	# {} and [] are missing (see "missing is one idea"): not empty here.
	printf '%s\n' '{"i":1,"n":1.5,"b":true,"o":{"a":1},"l":[2],"s":"x"}' \
		'{"i":1.0,"n":"1","b":"true","o":[1],"l":{"b":2},"s":5}' \
		'{"i":1e3,"n":-0,"b":false,"o":{"k":1},"l":[1],"s":""}' >"$T/in"
	run -1 dq validate -q --type i=integer --type n=number --type b=boolean \
		--type o=object --type l=array --type s=string --summary "$T/s.json" "$T/in"
	run -0 jq -c '[.rules[] | select(.check=="type") | [.field, .checked, .failures]]' "$T/s.json"
	# s: "" is missing, so 2 checked.
	assert_output '[["i",3,2],["n",3,1],["b",3,1],["o",3,1],["l",3,1],["s",2,1]]'
}

@test "formats: email, date, datetime, phone, zip, us_state boundaries" {
	printf '%s\n' \
		'{"d":"2024-02-29","t":"2024-02-29T23:59:60Z","p":"+14155552671","z":"02134","st":"PR"}' \
		'{"d":"2023-02-29","t":"2024-02-29T24:00:00","p":"+04155552671","z":"2134","st":"ZZ"}' \
		'{"d":"2024-2-29","t":"2024-02-29T10:00+05:30","p":"+141555;ext=1","z":"02134-123","st":"ca"}' \
		'{"d":"2024-12-31","t":"2024-02-29","p":"+1234567;ext=12","z":"02134-1234","st":"DC"}' >"$T/in"
	run -1 dq validate -q --type d=date --type t=datetime --type p=phone \
		--type z=zip --type st=us_state --summary "$T/s.json" "$T/in"
	run -0 jq -c '[.rules[] | select(.check=="format") | [.field, .checked, .failures]]' "$T/s.json"
	assert_output '[["d",4,2],["t",4,1],["p",4,2],["z",4,2],["st",4,2]]'
}

@test "us_state accepts every code dq-normalize --state writes (issue 13, defect 1)" {
	printf '%s\n' '{"st":"Palau"}' '{"st":"Micronesia"}' '{"st":"Marshall Islands"}' \
		'{"st":"N. Carolina"}' >"$T/raw"
	dq normalize -q --state st "$T/raw" >"$T/norm"
	run -0 dq validate -q --type st=us_state --summary "$T/s.json" "$T/norm"
	run -0 jq -c '[.rules[] | [.code, .checked, .failures]]' "$T/s.json"
	assert_output '[["TYPE:st",4,0],["FMT:st",4,0]]'
	printf '%s\n' '{"st":"PW"}' '{"st":"pw"}' '{"st":"XX"}' >"$T/in"
	run -1 dq validate -q --type st=us_state --summary "$T/s.json" "$T/in"
	run -0 jq -c '[.rules[] | [.code, .checked, .failures]]' "$T/s.json"
	assert_output '[["TYPE:st",3,0],["FMT:st",3,2]]'
}

@test "zip is dq-normalize's ZIP rule: 00000 is not a ZIP (issue 13, defect 2)" {
	printf '%s\n' '{"z":"00000"}' '{"z":"00000-1234"}' '{"z":"00501"}' >"$T/in"
	run -1 dq validate -q --type z=zip --violations "$T/v" "$T/in"
	run -0 jq -c '[.value, .message]' "$T/v"
	assert_output '["00000","not a US ZIP code (12345 or 12345-6789)"]
["00000-1234","not a US ZIP code (12345 or 12345-6789)"]'
}

@test "a ZIP dq-normalize could not pad under its state is not a ZIP to dq-validate (issue 15, item 10)" {
	P=$BATS_TEST_DIRNAME/../examples/contracts/person.json
	printf '%s\n' id,state,zip 1,TX,7330 2,CA,2134 3,NJ,7330 4,MA,2134 >"$T/in.csv"
	run -0 --separate-stderr dq normalize -q -c "$P" "$T/in.csv"
	printf '%s\n' "$output" >"$T/norm"
	run -1 --separate-stderr dq validate -q -c "$P" --violations "$T/v" "$T/norm"
	run -0 jq -c '[.record_id, .code, .value]' "$T/v"
	assert_output '["1","FMT:zip","7330"]
["2","FMT:zip","2134"]'
	# Given directly, the unpadded values are no ZIP either.
	run -1 --separate-stderr dq validate -q --type zip=zip --violations "$T/v" "$T/in.csv"
	run -0 jq -c '[.record_id, .value]' "$T/v"
	assert_output '["1","7330"]
["2","2134"]
["3","7330"]
["4","2134"]'
}

@test "missing is one idea: blank strings, [] and {} are missing everywhere (issue 13, defect 4)" {
	printf '%s\n' '{"id":1,"a":[],"k":"  "}' '{"id":2,"a":{},"k":"\t"}' '{"id":3,"a":"  ","k":"x"}' \
		'{"id":4,"a":"\u00a0","k":"x"}' '{"id":5,"a":0,"k":" "}' '{"id":6,"a":false,"k":"y"}' >"$T/in"
	run -1 dq validate -q --require a --unique k --summary "$T/s.json" "$T/in"
	run -0 jq -c '[.rules[] | [.code, .checked, .failures]]' "$T/s.json"
	# a: 4 of 6 missing; k: 3 blank keys are not checked, "x" repeats once.
	assert_output '[["REQ:a",6,4],["UNIQ:k",3,1]]'
	printf '{"rules":{"R":{"check":"required","field":"b","if":{"field":"a","present":true}}}}' >"$T/c.json"
	run -1 dq validate -q -c "$T/c.json" --summary "$T/s.json" "$T/in"
	run -0 jq -c '[.rules[] | [.code, .checked, .failures]]' "$T/s.json"
	assert_output '[["R",2,2]]'
}

@test "email format: an address exactly, not text dq-normalize would still clean" {
	printf '%s\n' '{"e":"a.b+c@d-e.co.uk"}' '{"e":"A@B.COM"}' '{"e":"\"a b\"@c.org"}' \
		'{"e":" a@b.com"}' '{"e":"mailto:a@b.com"}' '{"e":"Ann <a@b.com>"}' \
		'{"e":"a@b"}' '{"e":"a@@b.com"}' '{"e":"a@b.com."}' >"$T/in"
	run -1 dq validate -q --type e=email --violations "$T/v" "$T/in"
	run -0 jq -r '.value' "$T/v"
	assert_output $' a@b.com\nmailto:a@b.com\nAnn <a@b.com>\na@b\na@@b.com\na@b.com.'
}

@test "dq-normalize's _dq.unparsed is a format failure, not a type failure" {
	printf '%s\n' '{"n":"lots","_dq":{"row":7,"unparsed":["n"]}}' '{"n":3}' >"$T/in"
	run -1 dq validate -q --type n=number --summary "$T/s.json" "$T/in"
	assert_line --index 0 '{"n":"lots","_dq":{"row":7,"unparsed":["n"],"violations":[{"code":"FMT:n","field":"n","severity":"error","message":"dq-normalize could not parse it as number","value":"lots"}]}}'
	assert_line --index 1 '{"n":3}'
	run -0 jq -c '[.rules[] | [.code, .checked, .failures]], .deductions' "$T/s.json"
	assert_line --index 0 '[["TYPE:n",1,0],["FMT:n",1,1]]'
	# format: 1 of 1 failed -> 35; score 65.
	assert_line --index 1 '{"schema":0,"format":35,"completeness":0,"bounds":0,"uniqueness":0}'
}

@test "pattern is an unanchored POSIX ERE; enum is case-sensitive unless asked" {
	printf '%s\n' '{"z":"12345","s":"CA"}' '{"z":"x12345y","s":"ca"}' '{"z":12345,"s":"Ca"}' '{"z":"1234","s":"TX"}' >"$T/in"
	run -1 dq validate -q --pattern 'z=^[0-9]{5}$' --enum s=CA,NY --summary "$T/s.json" "$T/in"
	run -0 jq -c '[.rules[] | [.code, .checked, .failures]]' "$T/s.json"
	assert_output '[["PAT:z",4,2],["ENUM:s",4,3]]'
	printf '{"fields":{"s":{"enum":["CA","NY"],"enum_case":"insensitive"}}}' >"$T/c.json"
	run -1 dq validate -q -c "$T/c.json" --summary "$T/s.json" "$T/in"
	run -0 jq -c '[.rules[] | [.code, .checked, .failures]]' "$T/s.json"
	assert_output '[["ENUM:s",4,1]]'
}

@test "patterns: the fast matcher and regexec agree, NUL ends the value" {
	# ^(ab|cd)+$ goes to lib/ere; [[:digit:]] to regexec.
	printf '%s\n' '{"a":"abcdab","b":"12"}' '{"a":"abc","b":"1x"}' \
		'{"a":"ab\u0000zz","b":"7\u0000x"}' '{"a":"cd\nab","b":"x7"}' >"$T/in"
	run -1 dq validate -q --pattern 'a=^(ab|cd)+$' --pattern 'b=^[[:digit:]]+$' \
		--violations "$T/v" "$T/in"
	run -0 jq -c '[.line, .field]' "$T/v"
	assert_output $'[2,"a"]\n[2,"b"]\n[4,"a"]\n[4,"b"]'
}

@test "field names of every length are told apart record after record" {
	# Same lengths, different bytes: the remembered key at each member
	# position must not be taken for another.
	printf '%s\n' '{"consent_signed_at":"x","abcdefghij":1,"abcd":1,"ab":1}' \
		'{"consent_signed_az":"x","abcdefgxij":1,"abce":1,"ac":1}' \
		'{"consent_signed_at":"x","abcdefghij":1,"abcd":1,"ab":1}' >"$T/in"
	run -1 dq validate -q --require consent_signed_at --require abcdefghij \
		--require abcd --require ab --violations "$T/v" "$T/in"
	run -0 jq -c '[.line, .field]' "$T/v"
	assert_output $'[2,"consent_signed_at"]\n[2,"abcdefghij"]\n[2,"abcd"]\n[2,"ab"]'
}

@test "numeric range: bounds inclusive, strings and nulls not counted" {
	printf '%s\n' '{"n":0}' '{"n":120}' '{"n":-1}' '{"n":120.01}' '{"n":"7"}' '{"n":null}' >"$T/in"
	run -1 dq validate --range n=0..120 --summary "$T/s.json" "$T/in"
	run -0 jq -c '.rules[0] | [.checked, .failures, [.examples[].value]]' "$T/s.json"
	assert_output '[4,2,[-1,120.01]]'
	run -1 dq validate -q --range n=..100 "$T/in"
	assert_line --index 3 --partial '"message":"above the maximum 100"'
}

@test "relative date bounds: year-100..today+30d with DQ_TODAY" {
	# min 1924-01-01, max 2024-05-31.
	printf '%s\n' '{"d":"1924-01-01"}' '{"d":"1923-12-31"}' '{"d":"2024-05-31"}' \
		'{"d":"2024-06-01T00:00:00Z"}' '{"d":"soon"}' >"$T/in"
	run -1 dq validate -q --type d=datetime --range 'd=year-100..today+30d' --summary "$T/s.json" "$T/in"
	run -0 jq -c '[.rules[2] | .checked, .failures, [.examples[].line]]' "$T/s.json"
	assert_output '[4,2,[2,4]]'
	run -1 dq validate -q --type d=date --range 'd=..today-1y' "$T/in"
	assert_line --index 2 --partial 'after the maximum today-1y (2023-05-01)'
	# year bounds on a number: 1974..2024.
	printf '%s\n' '{"y":1974}' '{"y":1973}' '{"y":2024}' '{"y":2025}' >"$T/in"
	run -1 dq validate -q --range 'y=year-50..year' --summary "$T/s.json" "$T/in"
	run -0 jq -c '.rules[0] | [.failures, [.examples[].value]]' "$T/s.json"
	assert_output '[2,[1973,2025]]'
}

@test "length counts characters, not bytes" {
	printf '{"fields":{"s":{"min_length":2,"max_length":3}}}' >"$T/c.json"
	printf '%s\n' '{"s":"ab"}' '{"s":"\u00e9\u00e9\u00e9"}' '{"s":"é"}' '{"s":"abcd"}' >"$T/in"
	run -1 dq validate -q -c "$T/c.json" --summary "$T/s.json" "$T/in"
	run -0 jq -c '.rules[0] | [.checked, .failures, [.examples[].line]]' "$T/s.json"
	assert_output '[4,2,[3,4]]'
}

@test "cross-field: if attended=true then hours required and >= 0; ordering" {
	cat >"$T/c.json" <<'J'
{"rules":{
 "X-1":{"check":"required","field":"hours","if":{"field":"attended","equals":true}},
 "X-2":{"check":"range","field":"hours","min":0,"if":{"field":"attended","equals":true}},
 "X-3":{"check":"required","field":"signed_at","if":{"field":"consent_required","present":true}},
 "X-4":{"check":"order","field":"start","before":"end"}}}
J
	printf '%s\n' '{"attended":true,"hours":2,"start":"2024-01-01","end":"2024-01-01"}' \
		'{"attended":true,"start":"2024-01-02","end":"2024-01-01"}' \
		'{"attended":false,"hours":-5,"consent_required":"yes","start":3,"end":4}' \
		'{"attended":true,"hours":-1,"consent_required":"yes","signed_at":"x","start":5,"end":"2024-01-01"}' \
		'{"start":"2024-01-01T10:00:00+02:00","end":"2024-01-01T09:00:00Z"}' >"$T/in"
	run -1 dq validate -q -c "$T/c.json" --summary "$T/s.json" "$T/in"
	run -0 jq -c '[.rules[] | [.code, .checked, .failures]]' "$T/s.json"
	# X-4: line 1 equal (allowed), 2 after, 3 numbers fine, 4 mixed kinds
	# not compared, 5 08:00Z before 09:00Z.
	assert_output '[["X-1",3,1],["X-2",2,1],["X-3",2,1],["X-4",4,1]]'
	run -0 jq -c '.rules[3].examples[0].value' "$T/s.json"
	assert_output '["2024-01-02","2024-01-01"]'
}

@test "uniqueness: single and compound keys, later occurrences flagged, missing parts skipped" {
	printf '%s\n' '{"id":1,"a":"x","b":1}' '{"id":"1","a":"x","b":2}' '{"id":2,"a":"x","b":1}' \
		'{"id":null,"a":"x"}' '{"a":"x","b":null}' '{"id":1.0,"a":"y"}' >"$T/in"
	run -1 dq validate -q --unique id --unique a,b --summary "$T/s.json" "$T/in"
	run -0 jq -c '[.rules[] | [.code, .checked, .failures, [.examples[].line]]]' "$T/s.json"
	# id 1 and 1.0 are the same key (one number); "1" is a string.
	assert_output '[["UNIQ:id",4,1,[6]],["UNIQ:a,b",3,1,[3]]]'
	run -0 jq -c '.rules[1].examples[0].value' "$T/s.json"
	assert_output '["x",1]'
	run -2 --separate-stderr dq validate --unique a,b --max-keys 1 "$T/in"
	[[ "$stderr" == *"more than 1 distinct keys"* ]]
}

@test "key equality: numbers by exact value, strings by bytes, a number is not a string (issue 14, B22)" {
	printf '%s\n' '{"k":1}' '{"k":"1"}' '{"k":1.0}' '{"k":1e0}' '{"k":10e-1}' \
		'{"k":-0}' '{"k":0}' '{"k":0.0e5}' '{"k":9007199254740993}' \
		'{"k":9007199254740992}' '{"k":100}' '{"k":-1E+2}' '{"k":-100}' \
		'{"k":0.001}' '{"k":1e-3}' '{"k":true}' '{"k":"true"}' '{"k":"1.0"}' \
		'{"k":"\u0031"}' >"$T/in"
	# Duplicates, by line: 3, 4, 5 (of 1); 7, 8 (of -0); 13 (of -1E+2);
	# 15 (of 0.001); 19 ("\u0031" is the string "1" of line 2).
	run -1 dq validate -q --unique k --violations "$T/v" "$T/in"
	run -0 jq -c '.line' "$T/v"
	assert_output "$(printf '%s\n' 3 4 5 7 8 13 15 19)"
	# duplicate_rate and grouping keys use the same equality: 8 of 19.
	printf '{"rules":{"D":{"check":"duplicate_rate","field":"k","max":0.4}}}' >"$T/c.json"
	run -1 dq validate -q -c "$T/c.json" --summary "$T/s.json" "$T/in"
	run -0 jq -c '.rules[0] | [.failures, .checked]' "$T/s.json"
	assert_output '[8,19]'
	printf '{"rules":{"G":{"check":"group_count","group_by":"k","when":{"field":"k","present":true},"max":1}}}' >"$T/c.json"
	run -1 dq validate -q -c "$T/c.json" --summary "$T/s.json" "$T/in"
	run -0 jq -c '.rules[0] | [.checked, .failures, [.examples[].value]]' "$T/s.json"
	assert_output '[11,5,[[1],["1"],[-0],[-100],[0.001]]]'
}

@test "volunteers catalogue: violations, quarantine, conservation, score 30" {
	cd "$V"
	run -1 --separate-stderr dq validate -c volunteers.json --quarantine "$T/q" \
		--violations "$T/v" --summary "$T/s.json" volunteers.ndjson
	assert_output "$(sed -n 1p volunteers.ndjson)"
	run -0 jq -c '[._dq.violations[] | .code]' "$T/q"
	assert_output - <<'OUT'
["FMT-101","DOM-201","DOM-202","REF-401"]
["FMT-102","XFLD-301"]
["UNQ-601","FMT-103","REQ-002"]
OUT
	run -0 jq -c '.counts | [.in, .out, .quarantined, .rejected]' "$T/s.json"
	assert_output '[4,1,3,0]'
	# completeness 2 of 4 failed (REQ-002, XFLD-301) -> 10; format 3/3 -> 35;
	# bounds 3/3 -> 15; uniqueness 1/1 -> 10; schema 0/4: 100 - 70 = 30.
	run -0 jq -c '[.score, .passed, .deductions, .exit_status]' "$T/s.json"
	assert_output '[30,false,{"schema":0,"format":35,"completeness":10,"bounds":15,"uniqueness":10},1]'
	run -0 jq -c '.metrics.completeness | [.passed, .details, .checks, .failed]' "$T/s.json"
	assert_output '[false,"2 of 4 checks failed",4,2]'
	run -0 jq -c '.rules[] | select(.code=="SET-501") | [.measured, .passed]' "$T/s.json"
	assert_output '[0.5,true]'
	# The violations file: one line per violation, hints included.
	run -0 jq -c '[.record_id, .line, .code, .severity, .category, .field, .value]' "$T/v"
	assert_line --index 0 '["V2",2,"FMT-101","error","format","email","not-an-email"]'
	assert_line --index 4 '["V3",3,"FMT-102","warn","format","phone","555-0100"]'
	assert_line --index 8 '["V1",4,"REQ-002","error","completeness","email|phone",null]'
	[ "${#lines[@]}" -eq 9 ]
	run -0 jq -r 'select(.code=="XFLD-301") | .hint' "$T/v"
	assert_output "attended volunteers log their hours"
	run -0 jq -r '.run_id' "$T/v"
	assert_line --index 0 "test-run"
}

@test "quarantine-on warn, warn mode, and warnings alone" {
	cd "$V"
	run -1 dq validate -q -c volunteers.json --quarantine "$T/q" --pass-mark 0 volunteers.ndjson
	[ "$(count_lines "$T/q")" -eq 3 ]
	# Warn mode: nothing quarantined, rules fail no gate, only the score.
	run -0 dq validate -q -c volunteers.json --mode warn --quarantine "$T/q" \
		--pass-mark 0 --summary "$T/s.json" volunteers.ndjson
	[ "${#lines[@]}" -eq 4 ]
	[ "$(count_lines "$T/q")" -eq 0 ]
	run -1 dq validate -q -c volunteers.json --mode warn volunteers.ndjson
	# Warnings alone: exit 0 unless --fail-on warn.
	printf '%s\n' '{"p":"+1415555267"}' '{"p":"555"}' >"$T/in"
	printf '{"fields":{"p":{"type":"phone","severity":"warn"}}}' >"$T/c.json"
	run -0 dq validate -q -c "$T/c.json" --pass-mark 0 --quarantine "$T/q" "$T/in"
	[ "${#lines[@]}" -eq 2 ]
	run -0 dq validate -q -c "$T/c.json" --pass-mark 0 --quarantine "$T/q" --quarantine-on warn "$T/in"
	[ "${#lines[@]}" -eq 1 ]
	run -1 dq validate -q -c "$T/c.json" --pass-mark 0 --fail-on warn "$T/in"
}

@test "score: exact arithmetic, a score of exactly 62.5 is 63 and the deductions add up to it" {
	# 35 x 5/6 + 10 x 5/6 = 37.5 exactly; in floating point 100 - 29.1666...
	# - 8.3333... is 62.49999999999999 and rounded to 62.
	local i args=()
	for i in 1 2 3 4 5 6; do
		args+=(--pattern "p$i=^ok\$" --unique "u$i")
	done
	printf '%s\n' '{"p1":"ok","p2":"no","p3":"no","p4":"no","p5":"no","p6":"no","u1":1,"u2":7,"u3":7,"u4":7,"u5":7,"u6":7}' \
		'{"p1":"ok","p2":"no","p3":"no","p4":"no","p5":"no","p6":"no","u1":2,"u2":7,"u3":7,"u4":7,"u5":7,"u6":7}' >"$T/half.ndjson"
	run -0 dq validate -q "${args[@]}" --pass-mark 63 --fail-on none \
		--summary "$T/s.json" "$T/half.ndjson"
	run -0 jq -c '[.score, .score_passed, .deductions.format, .deductions.uniqueness]' "$T/s.json"
	assert_output '[63,true,29.166667,8.333333]'
	run -0 jq -r '100 - (.deductions | add)' "$T/s.json"
	assert_output "62.5"
}

@test "score: partial schema deduction 40 x 1/3 rounds to 87, passes" {
	run -1 dq validate -q --type a=integer --type b=string --type c=boolean \
		--summary "$T/s.json" "$V/typed.ndjson"
	run -0 jq -c '[.score, .score_passed, .deductions.schema, .metrics.schemaValidation.details]' "$T/s.json"
	assert_output '[87,true,13.333333,"1 of 3 checks failed"]'
	# The score passes; only the failed error rule fails the gate.
	run -0 dq validate -q --type a=integer --type b=string --type c=boolean --fail-on none "$V/typed.ndjson"
	run -1 dq validate -q --type a=integer --fail-on none --pass-mark 88 "$V/typed.ndjson"
}

@test "score: tolerance, weights and pass mark from the contract" {
	printf '%s\n' '{"id":1,"n":5}' '{"id":2,"n":50}' '{"id":3}' >"$T/in"
	cat >"$T/c.json" <<'J'
{"fields":{"n":{"type":"integer","required":true,"min":0,"max":10,
  "tolerance":{"required":0.4}}},
 "score":{"weights":{"bounds":30},"pass_mark":60}}
J
	# REQ:n fails 1/3 = 0.33 <= 0.4: passes. RANGE:n 1/2: bounds 30 x 1/1.
	run -1 dq validate -q -c "$T/c.json" --summary "$T/s.json" "$T/in"
	run -0 jq -c '[.score, .score_passed, .pass_mark, .deductions.bounds, .deductions.completeness]' "$T/s.json"
	assert_output '[70,true,60,30,0]'
	run -0 jq -c '[.rules[] | [.code, .passed]]' "$T/s.json"
	assert_output '[["REQ:n",true],["TYPE:n",true],["FMT:n",true],["RANGE:n",false]]'
	run -0 dq validate -q -c "$T/c.json" --fail-on none "$T/in"
	run -1 dq validate -q -c "$T/c.json" --fail-on none --set score.pass_mark=71 "$T/in"
}

@test "parse failure: nothing parses, format deduction applies, score 65, exit 1" {
	printf '%s\n' '{"a":' '{"a":1,}' '[1]' >"$T/in"
	run -1 dq validate -q --require a --max-rejects 10 --summary "$T/s.json" "$T/in"
	assert_output ""
	run -0 jq -c '[.score, .passed, .deductions.format, .metrics.formatParsing.passed, .metrics.formatParsing.rejected, .counts.rejected]' "$T/s.json"
	assert_output '[65,false,35,false,3,3]'
}

@test "some lines rejected: their share of the format weight is deducted, the parsed records' format checks the rest (issue 17)" {
	# 4 lines, 1 broken; the 3 parsed meet two format checks, FMT:n
	# (passes) and FMT:e (fails on b@@example.org).
	printf '%s\n' '{"n":1,"e":"a@example.org"}' '{"n":' '{"n":2,"e":"b@@example.org"}' '{"n":3,"e":"c@example.org"}' >"$T/in"
	printf '{"fields":{"n":{"type":"integer"},"e":{"type":"email"}}}' >"$T/c.json"
	run -1 dq validate -q -c "$T/c.json" --summary "$T/s.json" "$T/in"
	# format 35 x (1/4 + 3/4 x 1 of 2 format checks) = 35 x 5/8 =
	# 21.875; score 78.125 -> 78.
	run -0 jq -c '[.score, .score_passed, .deductions.format, .metrics.formatParsing]' "$T/s.json"
	assert_output '[78,false,21.875,{"passed":false,"details":"1 of 4 records could not be parsed; 1 of 2 checks failed","checks":2,"failed":1,"weight":35,"parsed":3,"rejected":1}]'
	# A contract without format checks: the broken share alone, 35/4.
	run -1 dq validate -q --require n --summary "$T/s.json" "$T/in"
	run -0 jq -c '[.score, .deductions.format, .metrics.formatParsing.passed]' "$T/s.json"
	assert_output '[91,8.75,false]'
}

@test "malformed lines are rejected whole and counted; in = out + quarantined + rejected" {
	printf '%s\n' '{"a":1}' '{"a":' '{"b":2}' >"$T/in"
	run -1 dq validate -q --require a --quarantine "$T/q" --rejects "$T/r" \
		--max-rejects 1 --summary "$T/s.json" "$T/in"
	assert_output '{"a":1}'
	run -0 jq -c '.counts | [.in, .out, .quarantined, .rejected]' "$T/s.json"
	assert_output '[3,1,1,1]'
	run -0 jq -c '.line' "$T/r"
	assert_output 2
}

@test "examples are capped at 10 (or --examples N)" {
	for i in $(seq 15); do printf '{"i":%d}\n' "$i"; done >"$T/in"
	run -1 dq validate -q --require x --summary "$T/s.json" "$T/in"
	run -0 jq -c '.rules[0] | [.failures, (.examples | length), .examples[9].line]' "$T/s.json"
	assert_output '[15,10,10]'
	run -1 dq validate -q --require x --examples 2 --summary "$T/s.json" "$T/in"
	run -0 jq -c '.rules[0].examples' "$T/s.json"
	assert_output '[{"line":1,"id":1,"value":null},{"line":2,"id":2,"value":null}]'
}

@test "CSV cells are typed by the contract: CSV and NDJSON of the same data agree (issue 13, defect 8)" {
	cat >"$T/c.json" <<'J'
{"fields":{"grade":{"type":"integer"},"attended":{"type":"boolean"},
           "score":{"enum":[1,2,3]}},
 "rules":{"XF-1":{"check":"required","field":"hours",
                  "if":{"field":"attended","equals":true}}}}
J
	printf '%s\n' 'id,pct,grade,attended,hours,score' '1,150,7,true,,2' '2,-3,x,false,,4' \
		'3,50,,true,5,' '4,007,7.5,TRUE,2,1' >"$T/in.csv"
	printf '%s\n' '{"id":"1","pct":150,"grade":7,"attended":true,"hours":"","score":2}' \
		'{"id":"2","pct":-3,"grade":"x","attended":false,"hours":"","score":4}' \
		'{"id":"3","pct":50,"grade":null,"attended":true,"hours":"5","score":null}' \
		'{"id":"4","pct":"007","grade":7.5,"attended":"TRUE","hours":"2","score":1}' >"$T/in.ndjson"
	for f in csv ndjson; do
		run -1 dq validate -q -c "$T/c.json" --range pct=0..100 --type hours=string \
			--summary "$T/s.$f" "$T/in.$f"
		printf '%s\n' "$output" >"$T/out.$f"
		jq -c '[.score, [.rules[] | [.code, .checked, .failures]]]' "$T/s.$f" >"$T/r.$f"
	done
	run -0 cat "$T/r.csv"
	assert_output '[38,[["TYPE:grade",3,2],["FMT:grade",0,0],["TYPE:attended",4,1],["FMT:attended",0,0],["ENUM:score",3,1],["XF-1",2,1],["RANGE:pct",3,2],["TYPE:hours",2,0]]]'
	cmp "$T/r.csv" "$T/r.ndjson"
	cmp "$T/out.csv" "$T/out.ndjson"
	# The quick example of the issue: 2 of 2 values out of range.
	printf 'id,pct\n1,150\n2,-3\n' >"$T/p.csv"
	run -1 dq validate -q --range pct=0..100 --summary "$T/s.json" "$T/p.csv"
	run -0 jq -c '[.score, .rules[0].checked, .rules[0].failures]' "$T/s.json"
	assert_output '[85,2,2]'
}

@test "reference: values must exist in another file's key column" {
	cd "$V"
	printf '%s\n' '{"e":"E1"}' '{"e":"E3"}' '{"e":3}' '{"e":"3"}' >"$T/in"
	# The contract is elsewhere: a relative path would be relative to it.
	cat >"$T/c.json" <<J
{"rules":{"REF-401":{"check":"reference","field":"e","file":"$V/events.ndjson","key":"event_id"}}}
J
	run -1 dq validate -q -c "$T/c.json" --summary "$T/s.json" "$T/in"
	run -0 jq -c '.rules[0] | [.checked, .failures, [.examples[].value]]' "$T/s.json"
	assert_output '[4,1,["E3"]]'
	sed 's/events.ndjson/absent.ndjson/' "$T/c.json" >"$T/c2.json"
	run -2 --separate-stderr dq validate -c "$T/c2.json" "$T/in"
	[[ "$stderr" == *"absent.ndjson"* ]]
}

@test "reference: a malformed line in the reference file is an error with file and line (issue 13, defect 6)" {
	cd "$T"
	printf '%s\n' '{"event_id":"E1"}' '{"event_id":"E2"}' '{"event_id":"E3"' '{"event_id":"E4"}' >refs.ndjson
	printf '%s\n' '{"e":"E1"}' '{"e":"E4"}' >in
	printf '{"rules":{"REF-1":{"check":"reference","field":"e","file":"refs.ndjson","key":"event_id"}}}' >c.json
	run -2 --separate-stderr dq validate -c c.json --summary s.json in
	assert_output ""
	[ "$stderr" = "dq-validate: refs.ndjson:3: not a JSON object" ]
	[ ! -e s.json ]
	printf '%s\n' '{"event_id":"E1"}' '' '["E2"]' >refs.ndjson
	run -2 --separate-stderr dq validate -c c.json in
	[ "$stderr" = "dq-validate: refs.ndjson:3: not a JSON object" ]
}

@test "set-level: null rate, duplicate rate, invalid rate, row count" {
	cat >"$T/c.json" <<'J'
{"fields":{"n":{"type":"integer"}},
 "rules":{
  "SET-1":{"check":"null_rate","field":"e","max":0.25},
  "SET-2":{"check":"duplicate_rate","field":"k","max":0.2},
  "SET-3":{"check":"invalid_rate","field":"n","max":0.5},
  "SET-4":{"check":"row_count","min":5}}}
J
	printf '%s\n' '{"e":"x","k":1,"n":1}' '{"e":null,"k":1,"n":"a"}' '{"k":2,"n":2}' '{"e":"y","k":3}' >"$T/in"
	run -1 dq validate -q -c "$T/c.json" --violations "$T/v" --summary "$T/s.json" "$T/in"
	# nulls 2/4 = 0.5 > 0.25; dups 1/4 = 0.25 > 0.2; invalid 1/4 <= 0.5;
	# rows 4 < 5.
	run -0 jq -c '[.rules[] | select(.code|startswith("SET")) | [.code, .measured, .passed]]' "$T/s.json"
	assert_output '[["SET-1",0.5,false],["SET-2",0.25,false],["SET-3",0.25,true],["SET-4",4,false]]'
	run -0 jq -c 'select(.code=="SET-4") | [.record_id, .line, .value]' "$T/v"
	assert_output '[null,null,4]'
}

@test "grouped: absence rate per student and longest run in day order" {
	run -0 dq validate -q -c "$V/groups.json" --violations "$T/v" --summary "$T/s.json" \
		--pass-mark 0 "$V/groups.ndjson"
	[ "${#lines[@]}" -eq 11 ]
	# A: 3 of 5 absent, run 2 (days 1,2 then 4). B: 3 of 4, run 3 (days 2-4).
	# C: none.
	run -0 jq -c '[.rules[] | [.code, .checked, .failures, [.examples[].value]]]' "$T/s.json"
	assert_output '[["GRP-701",3,2,[["A"],["B"]]],["GRP-702",3,1,[["B"]]]]'
	run -0 jq -c '[.code, .record_id, .message]' "$T/v"
	assert_line --index 2 '["GRP-702",["B"],"longest run 3 is above the limit 2"]'

}

@test "per-group figures as data: every group's measured value in the summary, failing ones in the violations (issue 16)" {
	# A: 3 of 5 absent (0.6), longest run 2; B: 3 of 4 (0.75), run 3;
	# C: 0 of 2, run 0.
	run -0 dq validate -q -c "$V/groups.json" --violations "$T/v" --summary "$T/s.json" \
		--pass-mark 0 "$V/groups.ndjson"
	run -0 jq -c '[.code, .record_id, .measured]' "$T/v"
	assert_output - <<'OUT'
["GRP-701",["A"],0.6]
["GRP-701",["B"],0.75]
["GRP-702",["B"],3]
OUT
	run -0 jq -c '[.rules[] | [.code, [.groups[] | [.group[0], .measured, .passed]]]]' "$T/s.json"
	assert_output '[["GRP-701",[["A",0.6,false],["B",0.75,false],["C",0,true]]],["GRP-702",[["A",2,true],["B",3,false],["C",0,true]]]]'
}

@test "group_run orders by the date, and one date recorded twice is one step (issue 16, 4)" {
	# A: absent 9/9, 9/10, 9/11/2026 (three days running), present 9/2.
	# As text the order is 9/10 9/11 9/2 9/9: run 2, nothing flagged.
	# B: absent three times on 9/9 (one day), present 9/10: run 1, not 3.
	# C: ISO and US dates in one column: 2026-09-01 A, 9/2/2026 P,
	#    2026-09-03 A, 9/4/2026 A: run 2.
	printf '%s\n' '{"s":"A","d":"9/10/2026","st":"absent"}' \
		'{"s":"A","d":"9/2/2026","st":"present"}' \
		'{"s":"A","d":"9/11/2026","st":"absent"}' \
		'{"s":"A","d":"9/9/2026","st":"absent"}' \
		'{"s":"B","d":"9/9/2026","st":"absent"}' \
		'{"s":"B","d":"9/9/2026","st":"absent"}' \
		'{"s":"B","d":"9/9/2026","st":"absent"}' \
		'{"s":"B","d":"9/10/2026","st":"present"}' \
		'{"s":"C","d":"2026-09-01","st":"absent"}' \
		'{"s":"C","d":"9/2/2026","st":"present"}' \
		'{"s":"C","d":"2026-09-03","st":"absent"}' \
		'{"s":"C","d":"9/4/2026","st":"absent"}' >"$T/in"
	printf '{"rules":{"RUN":{"check":"group_run","group_by":"s","order_by":"d","when":{"field":"st","equals":"absent"},"max":2}}}' >"$T/c.json"
	run -1 dq validate -q -c "$T/c.json" --violations "$T/v" --summary "$T/s.json" "$T/in"
	run -0 jq -c '[.record_id, .message]' "$T/v"
	assert_output '[["A"],"longest run 3 is above the limit 2"]'
	# dmy: 9/10/2026 is 9 October; A's absences 9 Sep, 9 Oct, 9 Nov
	# follow 9 Feb: still a run of 3.  B's 9/9 stays one day.  C: 9 Feb
	# present, then 9 Apr, 1 Sep, 3 Sep absent: a run of 3.
	run -1 dq validate -q -c "$T/c.json" --set rules.RUN.date_order=dmy --violations "$T/v" "$T/in"
	run -0 jq -c '[.record_id, .message]' "$T/v"
	assert_output $'[["A"],"longest run 3 is above the limit 2"]\n[["C"],"longest run 3 is above the limit 2"]'
	run -2 --separate-stderr dq validate -q -c "$T/c.json" --set rules.RUN.date_order=dym "$T/in"
	[[ "$stderr" == *"rules.RUN: date_order is mdy, dmy or ymd"* ]]
}

@test "rule metadata: owner and tags per rule, the contract's name and version in the summary (issue 16)" {
	printf '%s\n' '{"id":1,"h":-2}' '{"id":2,"h":3}' >"$T/in"
	cat >"$T/c.json" <<'J'
{"name":"timesheets","version":"2.1",
 "rules":{"H-1":{"check":"range","field":"h","min":0,"owner":"payroll@example.org",
                 "tags":["pay","hours"]},
          "H-2":{"check":"required","field":"id"}}}
J
	run -1 dq validate -q -c "$T/c.json" --summary "$T/s.json" "$T/in"
	run -0 jq -c '[.contract, [.rules[] | [.code, .failures, .owner, .tags]]]' "$T/s.json"
	assert_output '[{"name":"timesheets","version":"2.1"},[["H-1",1,"payroll@example.org",["pay","hours"]],["H-2",0,null,null]]]'
	run -2 --separate-stderr dq validate -q -c "$T/c.json" --set 'rules.H-2.tags=["a",1]' "$T/in"
	[[ "$stderr" == *"rules.H-2: tags is a list of strings"* ]]
}

@test "categories of the contract's own: weighted (privacy 30) or unweighted (docs), in deductions, categories and violations; a weight no rule uses is an error (issue 16)" {
	# PII-1 fails (record 1's ssn is a real-looking number): privacy
	# deducts its whole weight, 30 (1 failed check of 1): score 70.
	# DOC-1 (unweighted) fails too (note "ab" is under 3 characters): it
	# deducts nothing, but as an error check it fails the gate.
	printf '%s\n' '{"id":1,"ssn":"123-45-6789","note":"abc"}' '{"id":2,"note":"ab"}' >"$T/in"
	cat >"$T/c.json" <<'J'
{"rules": {
 "PII-1": {"check": "not_pattern", "field": "ssn", "pattern": "^[0-9]{3}-[0-9]{2}-[0-9]{4}$", "category": "privacy"},
 "DOC-1": {"check": "length", "field": "note", "min_length": 3, "category": "docs"},
 "ID": {"check": "range", "field": "id", "min": 1}},
 "score": {"weights": {"privacy": 30}}}
J
	run -1 dq validate -q -c "$T/c.json" --summary "$T/s.json" --violations "$T/v" "$T/in"
	run -0 jq -c '[.score, .passed, .deductions, .categories, [.rules[] | [.code, .category]]]' "$T/s.json"
	assert_output '[70,false,{"schema":0,"format":0,"completeness":0,"bounds":0,"uniqueness":0,"privacy":30,"docs":0},{"privacy":{"passed":false,"checks":1,"failed":1,"weight":30},"docs":{"passed":false,"checks":1,"failed":1,"weight":0}},[["PII-1","privacy"],["DOC-1","docs"],["ID","bounds"]]]'
	run -0 jq -c '[.code, .category]' "$T/v"
	assert_output - <<'OUT'
["PII-1","privacy"]
["DOC-1","docs"]
OUT
	# Chunks merge to the same figures.
	run -0 dq validate -q -c "$T/c.json" --partial --summary "$T/p.json" "$T/in"
	run -1 dq validate -q -c "$T/c.json" --merge --summary "$T/m.json" "$T/p.json"
	run -0 jq -c '[.score, .deductions.privacy, .categories.docs.failed]' "$T/m.json"
	assert_output '[70,30,1]'
	# A weight for a category no rule has (a typo) weighs nothing: an error.
	run -2 --separate-stderr dq validate -q -c "$T/c.json" --set score.weights.privcy=3 "$T/in"
	assert_output ''
	[[ "$stderr" == *"score.weights.privcy: no rule has category privcy"* ]]
	run -2 --separate-stderr dq validate -q -c "$T/c.json" --set 'rules.ID.category="a b"' "$T/in"
	[[ "$stderr" == *"rules.ID: category is schema, format, completeness, bounds, uniqueness or a name of your own"* ]]
}

@test "a full disk is trouble (exit 2); a closed pipe is quiet" {
	run -2 --separate-stderr dq validate --require id "$V/typed.ndjson" '>/dev/full'
	run -2 --separate-stderr bash -c "'$DQ_BIN/dq-validate' -q '$V/typed.ndjson' >/dev/full"
	[[ "$stderr" == *"write error"* || "$stderr" == *"No space"* ]]
	seq 50000 | awk '{ printf "{\"i\":%d}\n", $1 }' >"$T/big"
	run -0 --separate-stderr bash -c "'$DQ_BIN/dq-validate' -q '$T/big' | head -1"
	assert_output '{"i":1}'
	[ -z "$stderr" ]
}

@test "a set-level or grouped rule without numeric bounds is a contract error" {
	printf '{"rules":{"S":{"check":"null_rate","field":"e"}}}' >"$BATS_TEST_TMPDIR/r.json"
	run -2 --separate-stderr dq validate -c "$BATS_TEST_TMPDIR/r.json" "$FIX/nasty.ndjson"
	assert_output ""
	[[ "$stderr" == *'rules.S: needs a numeric "min" or "max"'* ]]
	printf '{"rules":{"R":{"check":"row_count","min":"ten"}}}' >"$BATS_TEST_TMPDIR/r2.json"
	run -2 --separate-stderr dq validate -c "$BATS_TEST_TMPDIR/r2.json" "$FIX/nasty.ndjson"
	[[ "$stderr" == *'rules.R: needs a numeric "min" or "max"'* ]]
}

# Two chunks checked apart (--partial, the second told where it starts)
# and merged give the single run's summary and files; the chunks decide no
# set-level rule and apply no gate.
@test "--partial chunks and --merge give the single run's summary, violations and gate" {
	export DQ_RUN_ID=chunks
	dq gen -n 1200 --seed 9 >"$T/in"
	head -n 500 "$T/in" >"$T/c1"
	tail -n +501 "$T/in" >"$T/c2"
	cat >"$T/c.json" <<'EOF2'
{"fields": {"email": {"type": "email", "required": true},
            "score": {"type": "number", "max": 80}},
 "rules": {"SET-1": {"check": "null_rate", "field": "email", "max": 0.001},
           "ROWS": {"check": "row_count", "max": 1000}}}
EOF2
	run -1 dq validate -q -c "$T/c.json" --summary "$T/s.json" --violations "$T/sv" "$T/in"
	run -0 dq validate -q -c "$T/c.json" --partial --summary "$T/p1.json" --violations "$T/v1" "$T/c1"
	run -0 dq validate -q -c "$T/c.json" --partial --line-offset 500 --summary "$T/p2.json" --violations "$T/v2" "$T/c2"
	run -0 jq -c '[.partial, (.rules[] | select(.code == "ROWS") | has("measured")), ([.rules[].examples[] | has("id_raw")] | all)]' "$T/p1.json"
	assert_output '[true,false,true]'
	run -1 grep -c '"code":"SET-1"\|"code":"ROWS"' "$T/v1"
	assert_output 0
	run -1 dq validate -q -c "$T/c.json" --merge --summary "$T/m.json" --violations "$T/vm" "$T/p1.json" "$T/p2.json"
	cat "$T/v1" "$T/v2" "$T/vm" | cmp - "$T/sv"
	drop='del(.started, .ended, .duration_ms)'
	run -0 jq -S "$drop" "$T/s.json"
	want=$output
	run -0 jq -S "$drop" "$T/m.json"
	assert_output "$want"
	run -0 jq -c '[.counts.in, .score, (.rules[] | select(.code == "ROWS") | [.measured, .passed])]' "$T/m.json"
	assert_output --regexp '^\[1200,[0-9]+,\[1200,false\]\]$'
	# Out of order, the examples would be the second chunk's first: the
	# chunks' lines say so, and the merge is refused.
	run -2 --separate-stderr dq validate -q -c "$T/c.json" --merge --summary "$T/r.json" "$T/p2.json" "$T/p1.json"
	[[ $stderr == *"p1.json: lines 1 to 500 come again or out of order"* ]]
	[ ! -e "$T/r.json" ]
}

@test "--partial and --merge refuse whole-stream rules, other contracts and non-partials" {
	printf '{"id":1}\n' >"$T/in"
	run -2 --separate-stderr dq validate --unique id --partial "$T/in"
	[[ "$stderr" == *"rule 'UNIQ:id' (unique) needs the whole stream"* ]]
	printf '{"rules":{"G":{"check":"group_count","group_by":"id","when":{"field":"id","present":true},"max":1}}}' >"$T/g.json"
	run -2 --separate-stderr dq validate -c "$T/g.json" --partial "$T/in"
	[[ "$stderr" == *"rule 'G' (group_count) needs the whole stream"* ]]
	run -0 dq validate -q --require id --partial --summary "$T/p.json" "$T/in"
	run -2 --separate-stderr dq validate --require id --require x --merge "$T/p.json"
	[[ "$stderr" == *"p.json: 1 checks, the contract and flags make 2"* ]]
	printf '{"fields":{"id":{"required":true}}}' >"$T/o.json"
	run -2 --separate-stderr dq validate -c "$T/o.json" --merge "$T/p.json"
	[[ "$stderr" == *"p.json: made with another contract"* ]]
	run -0 dq validate -q --require id --summary "$T/full.json" "$T/in"
	run -2 --separate-stderr dq validate --require id --merge "$T/full.json"
	[[ "$stderr" == *"full.json: not a dq-validate --partial summary"* ]]
	run -2 --separate-stderr dq validate --require id --merge
	[[ "$stderr" == *"--merge needs the chunks' --partial summaries"* ]]
	run -2 --separate-stderr dq validate --require id --merge --quarantine q "$T/p.json"
	[[ "$stderr" == *"--merge reads summaries: no --quarantine"* ]]
	run -2 --separate-stderr dq validate --require id --merge --partial "$T/p.json"
	[[ "$stderr" == *"--partial and --merge: one or the other"* ]]
}

@test "a pattern with a back-reference is refused at load (its matching time is unbounded)" {
	run -2 --separate-stderr dq validate --pattern 's=^(a*)\1*(a*)\2*b' <<<'{"s":"aab"}'
	assert_equal "$stderr" 'dq-validate: command line: fields.s: pattern "^(a*)\1*(a*)\2*b" uses a back-reference (\1), whose matching time can grow exponentially with the value: write it without one'
	# In a bracket expression \1 is two literal characters.
	run -0 --separate-stderr dq validate -q --pattern 's=^[a\1]+$' <<<'{"s":"a1\\"}'
}

@test "range: integers past 2^53 compare as written, not as doubles" {
	printf '{"n":9007199254740993}\n{"n":9007199254740992}\n{"n":-9007199254740993}\n{"n":-0}\n' >"$BATS_TEST_TMPDIR/big.ndjson"
	run -1 --separate-stderr dq validate -q --range 'n=-9007199254740992..9007199254740992' \
		--violations "$BATS_TEST_TMPDIR/v" "$BATS_TEST_TMPDIR/big.ndjson"
	run -0 grep -o '"value":[^,}]*' "$BATS_TEST_TMPDIR/v"
	assert_output $'"value":9007199254740993\n"value":-9007199254740993'
}

@test "--merge refuses a chunk whose counts do not add up, and the same chunk twice or out of order" {
	cd "$BATS_TEST_TMPDIR"
	dq gen -n 100 --seed 4 >all.ndjson
	head -n 50 all.ndjson >c1
	tail -n 50 all.ndjson >c2
	run -0 --separate-stderr dq validate -q --partial --require id --summary p1.json c1
	run -0 --separate-stderr dq validate -q --partial --line-offset 50 --require id --summary p2.json c2
	run -0 jq -c '.lines' p1.json p2.json
	assert_output $'{"first":1,"last":50}\n{"first":51,"last":100}'
	run -0 --separate-stderr dq validate -q --merge --require id --summary m.json p1.json p2.json
	run -0 jq -c '.counts | [.in, .out]' m.json
	assert_output "[100,100]"
	run -2 --separate-stderr dq validate -q --merge --require id p1.json p1.json
	assert_equal "$stderr" "dq-validate: p1.json: lines 1 to 50 come again or out of order (the chunks before reached line 50): the same chunk twice, or chunks not in stream order"
	run -2 --separate-stderr dq validate -q --merge --require id p2.json p1.json
	jq '.counts.in = 5' p1.json >bad.json
	run -2 --separate-stderr dq validate -q --merge --require id bad.json p2.json
	assert_equal "$stderr" "dq-validate: bad.json: its counts do not add up (in 5, out 50, quarantined 0, rejected 0)"
	jq '.rules[0].failures = 99' p1.json >bad2.json
	run -2 --separate-stderr dq validate -q --merge --require id bad2.json p2.json
	assert_equal "$stderr" "dq-validate: bad2.json: check 'REQ:id': its checked and failures counts do not fit the chunk's records"
}

@test "row expressions: expr checks and expr conditions, three-valued (issue 16)" {
	# Worked by hand (tests/fixtures/validate/expr.*):
	# 2: end before start (DATE-1); 8 x 20 = 160 > 150.005 (PAY-1).
	# 3: len("C") = 1 (NAME-1); hours 5 > 0, not void: pay required (PAY-2);
	#    LONG-1: 30 days > 14 or approved (missing): unknown, not checked.
	# 4: 31 days, approved: passes; hours 0: PAY-2 does not apply.
	# 5: hours "8" a string: TYPE:hours; PAY-1 unknown; PAY-2's condition
	#    is unknown and false = false; LONG-1: 19.5 days, not approved.
	# 6: no dates: DATE-1 and LONG-1 unknown.
	run -1 dq validate -q -c "$V/expr.json" --id id --violations "$T/v" \
		--summary "$T/s.json" "$V/expr.ndjson"
	run -0 jq -c '[.record_id, .code, .field, .value, .message]' "$T/v"
	assert_output - <<'OUT'
[2,"DATE-1","end_date,start_date",["2024-03-01","2024-03-10"],"end_date >= start_date is false"]
[2,"PAY-1","hours,rate,pay",[8,20,150],"hours * rate <= pay + 0.005 is false"]
[3,"NAME-1","name","C","len(name) >= 2 is false"]
[3,"PAY-2","pay",null,"required value is missing"]
[5,"TYPE:hours","hours","8","expected number, found string"]
[5,"LONG-1","end_date,start_date,approved",["2024-03-20T12:00:00Z","2024-03-01",false],"end_date - start_date <= 14 or approved == true is false"]
OUT
	# Unknown is not checked: DATE-1 5 of 6, PAY-1 4, LONG-1 4.
	run -0 jq -c '[.rules[] | select(.check != "type" and .check != "format") | [.code, .check, .checked, .failures]]' "$T/s.json"
	assert_output '[["DATE-1","expr",5,1],["PAY-1","expr",4,1],["NAME-1","expr",6,1],["PAY-2","required",4,1],["LONG-1","expr",4,1]]'
}

@test "row expressions on CSV: arithmetic types the cells as numbers (issue 16)" {
	printf 'a,b,total\n1,2,3\n2,2,5\n,1,1\n' >"$T/in.csv"
	printf '{"rules":{"SUM":{"check":"expr","expr":"a + b == total"}}}' >"$T/c.json"
	# Row 2: 2 + 2 != 5; row 3: a empty (null): unknown.
	run -1 dq validate -q -c "$T/c.json" --violations "$T/v" --summary "$T/s.json" "$T/in.csv"
	run -0 jq -c '[.line, .value]' "$T/v"
	assert_output '[3,[2,2,5]]'
	run -0 jq -c '[.rules[0].checked, .rules[0].failures]' "$T/s.json"
	assert_output '[2,1]'
}

@test "row expressions: errors at load name the rule, the column and the types (issue 16)" {
	printf '%s\n' '{"n":1}' >"$T/in"
	for e in \
		'{"fields":{"name":{"type":"string"}},"rules":{"R":{"check":"expr","expr":"name + 1 > 2"}}}' \
		'{"fields":{"n":{"type":"integer"}},"rules":{"R":{"check":"expr","expr":"n > '"'x'"'"}}}' \
		'{"rules":{"R":{"check":"expr","expr":"n + 1"}}}' \
		'{"rules":{"R":{"check":"expr","expr":"n = 1"}}}' \
		'{"rules":{"R":{"check":"required","field":"n","if":{"expr":"n > 1 and"}}}}' \
		'{"rules":{"R":{"check":"expr","field":"n","expr":"n > 1"}}}' \
		'{"rules":{"R":{"check":"required","field":"n","if":{"expr":"n > 1","field":"n"}}}}'
	do
		printf '%s' "$e" >"$T/c.json"
		run -2 dq validate -q -c "$T/c.json" "$T/in"
		printf '%s\n' "$output" >>"$T/err"
	done
	run -0 cat "$T/err"
	assert_output - <<'OUT'
dq-validate: contract: rules.R.expr: "name + 1 > 2": column 6: '+' needs numbers, not a string
dq-validate: contract: rules.R.expr: "n > 'x'": column 3: cannot compare a number with a string
dq-validate: contract: rules.R.expr: "n + 1": column 1: the expression is a number, not a condition
dq-validate: contract: rules.R.expr: "n = 1": column 3: equality is written ==
dq-validate: contract: rules.R.expr: "n > 1 and": column 10: expected a value, found the end
dq-validate: contract: rules.R: an expr check reads the fields its expression names: no "field"
dq-validate: contract: rules.R: a condition is either "expr" alone or "field" and one operator
OUT
}

@test "row expressions: a field no record has, in an expr condition, fails the gate (issue 16)" {
	printf '%s\n' '{"a":1,"b":2}' >"$T/in"
	printf '{"rules":{"R":{"check":"required","field":"b","if":{"expr":"a > 0 and hourz > 1"}}}}' >"$T/c.json"
	run -1 --separate-stderr dq validate -q -c "$T/c.json" --summary "$T/s.json" "$T/in"
	run -0 jq -c '.rules[0].absent_fields' "$T/s.json"
	assert_output '["hourz"]'
}

@test "negative rules: not_in, not_pattern, not_reference, and an e-mail's domain as the value (issue 16)" {
	cd "$T"
	printf 'id,name\n7,Core Seven\n9,Core Nine\n' >core.csv
	printf '%s\n' '{"domain":"spam.example"}' '{"domain":"Junk.Example"}' >blocked.ndjson
	cat >c.json <<'J'
{"fields": {
  "email": {"type": "email", "part": "domain",
            "not_in": ["mailinator.com", "guerrillamail.com"],
            "codes": {"not_in": "EM-DISP"}},
  "id": {"not_reference": {"file": "core.csv"}, "codes": {"not_reference": "NEW-1"}}},
 "rules": {
  "NAME-T": {"check": "not_pattern", "field": "name", "pattern": "^(test|dummy)"},
  "EM-BLK": {"check": "not_reference", "field": "email", "part": "domain",
             "file": "blocked.ndjson", "key": "domain"},
  "EM-TLD": {"check": "pattern", "field": "email", "part": "domain",
             "pattern": "[.](com|org)$", "severity": "warn"}}}
J
	# (record_id is the id.)  1 passes everything.  2: id 7 is already in core.csv (NEW-1);
	# MAILINATOR.com is mailinator.com (EM-DISP).  3: name starts with
	# "test" (NAME-T); Junk.EXAMPLE is blocked.ndjson's Junk.Example
	# (a domain has no case: EM-BLK), not .com/.org (EM-TLD).  4: not an address: no domain,
	# so only the format check (FMT:email) speaks; "Testa" does not
	# start with "test" (case matters to patterns).  5: id "9" (CSV
	# text) is 9 in core.csv as text; spam.example blocked and not
	# .com/.org; the name is missing, not_pattern skips it.  6:
	# mail.spam.example is not spam.example (a domain is compared
	# whole), but not .com/.org either.
	printf '%s\n' \
		'{"id":1,"name":"Ann","email":"ann@example.com"}' \
		'{"id":7,"name":"Bo","email":"bo@MAILINATOR.com"}' \
		'{"id":3,"name":"test user","email":"t@Junk.EXAMPLE"}' \
		'{"id":4,"name":"Testa","email":"not-an-address"}' \
		'{"id":9,"name":"","email":"x@spam.example"}' \
		'{"id":6,"name":"Di","email":"d@mail.spam.example"}' >in
	run -1 dq validate -q -c c.json --id id --violations v --summary s.json in
	run -0 jq -c '[.record_id, .code, .value, .message]' v
	assert_output - <<'OUT'
[7,"EM-DISP","bo@MAILINATOR.com","domain is one of the forbidden values (\"mailinator.com\", \"guerrillamail.com\")"]
[7,"NEW-1",7,"already in column id of core.csv"]
[3,"NAME-T","test user","matches the forbidden pattern ^(test|dummy)"]
[3,"EM-BLK","t@Junk.EXAMPLE","domain already in column domain of blocked.ndjson"]
[3,"EM-TLD","t@Junk.EXAMPLE","domain does not match the pattern [.](com|org)$"]
[4,"FMT:email","not-an-address","not a valid email address"]
[9,"NEW-1",9,"already in column id of core.csv"]
[9,"EM-BLK","x@spam.example","domain already in column domain of blocked.ndjson"]
[9,"EM-TLD","x@spam.example","domain does not match the pattern [.](com|org)$"]
[6,"EM-TLD","d@mail.spam.example","domain does not match the pattern [.](com|org)$"]
OUT
	# Checked: EM-DISP, EM-BLK and EM-TLD on the 5 addresses with a
	# domain; NAME-T on the 5 names present.
	run -0 jq -c '[.rules[] | [.code, .check, .category, .checked, .failures]]' s.json
	assert_output '[["TYPE:email","type","schema",6,0],["FMT:email","format","format",6,1],["EM-DISP","not_in","bounds",5,1],["NEW-1","not_reference","uniqueness",6,2],["NAME-T","not_pattern","format",5,1],["EM-BLK","not_reference","uniqueness",5,2],["EM-TLD","pattern","format",5,3]]'
	run -2 --separate-stderr dq validate -q -c c.json --set rules.EM-TLD.part=local in
	[[ "$stderr" == *'rules.EM-TLD: part is "domain" (an e-mail address'"'"'s domain)'* ]]
	printf '{"rules":{"R":{"check":"length","field":"email","max_length":9,"part":"domain"}}}' >c2.json
	run -2 --separate-stderr dq validate -q -c c2.json in
	[[ "$stderr" == *"rules.R: part applies to enum, not_in, pattern, not_pattern, reference and not_reference"* ]]
}

@test "schema gate: missing columns, a closed schema, forbidden names, column order: one error each (issue 16)" {
	cat >"$T/c.json" <<'J'
{"fields": {"id": {"type": "integer", "required": true}, "email": {"required": true}},
 "rules": {
  "COLS": {"check": "columns", "fields": ["id", "name", "email", "phone"]},
  "CLOSED": {"check": "closed", "fields": ["notes"]},
  "PII": {"check": "forbidden_fields", "patterns": ["*ssn*", "*[Pp]assword*"]},
  "ORDER": {"check": "column_order", "fields": ["id", "name", "email"]}}}
J
	# CSV: the header lacks email and phone (Email is another name);
	# Email and home_ssn are not in the contract (notes is allowed);
	# home_ssn matches *ssn*; name comes before id.  The missing email
	# column is COLS's one failure, not a REQ:email violation per row.
	printf 'name,id,Email,home_ssn,notes\nAnn,1,a@x.com,123,hi\nBo,2,b@x.com,456,\n' >"$T/in.csv"
	run -1 dq validate -q -c "$T/c.json" --violations "$T/v" --summary "$T/s.json" "$T/in.csv"
	run -0 jq -c '[.code, .category, .line, .value, .message]' "$T/v"
	assert_output - <<'OUT'
["COLS","schema",null,["email","phone"],"missing from the input: email, phone"]
["CLOSED","schema",null,["Email","home_ssn"],"fields the contract does not name: Email (2 records), home_ssn (2 records)"]
["PII","schema",null,["home_ssn"],"forbidden field names present: home_ssn (2 records)"]
["ORDER","schema",2,["name","id"],"columns out of order: expected id, name, email; found name, id"]
OUT
	run -0 jq -c '[[.rules[] | select(.code == "REQ:email" or .check == "columns") | [.code, .checked, .failures]], .warnings, .metrics.schemaValidation.failed]' "$T/s.json"
	assert_output '[[["REQ:email",0,0],["COLS",1,1]],[],4]'
	# NDJSON: phone appears in no record; tmp and user_ssn are not in
	# the contract; record 2 has email before name.  Record 3 lacks
	# email: in NDJSON that is known per record, so REQ:email reports it.
	printf '%s\n' '{"id":1,"name":"A","email":"a@x"}' \
		'{"id":2,"email":"b@x","name":"B","tmp":1}' \
		'{"id":3,"name":"C","user_ssn":"x"}' >"$T/in"
	run -1 dq validate -q -c "$T/c.json" --violations "$T/v" "$T/in"
	run -0 jq -c '[.code, .line, .value, .message]' "$T/v"
	assert_output - <<'OUT'
["REQ:email",3,null,"required value is missing"]
["COLS",null,["phone"],"missing from the input: phone"]
["CLOSED",null,["tmp","user_ssn"],"fields the contract does not name: tmp (1 record), user_ssn (1 record)"]
["PII",null,["user_ssn"],"forbidden field names present: user_ssn (1 record)"]
["ORDER",2,["id","email","name"],"columns out of order: expected id, name, email; found id, email, name"]
OUT
	# All present, in order, nothing else: passes.
	printf '%s\n' '{"id":1,"name":"A","email":"a@x","phone":"+15550100","notes":""}' >"$T/ok"
	run -0 dq validate -q -c "$T/c.json" "$T/ok"
	run -2 --separate-stderr dq validate -q -c "$T/c.json" --partial --summary "$T/p.json" "$T/ok"
	[[ "$stderr" == *"rule 'COLS' (columns) needs the whole stream"* ]]
	printf '{"rules":{"F":{"check":"forbidden_fields","field":"a","patterns":["*ssn*"]}}}' >"$T/c2.json"
	run -2 --separate-stderr dq validate -q -c "$T/c2.json" "$T/ok"
	[[ "$stderr" == *'rules.F: forbidden_fields takes "patterns", a list of name patterns ("*ssn*")'* ]]
}

@test "--max-rejects as a share of the input, and above the history's median (issue 16)" {
	# 10 lines, 1 rejected: 10%.
	printf '{"a":1}\nbad\n{"a":2}\n{"a":3}\n{"a":4}\n{"a":5}\n{"a":6}\n{"a":7}\n{"a":8}\n{"a":9}\n' >"$T/in"
	run -1 dq validate -q --allow-absent-fields "$T/in"
	run -0 dq validate -q --max-rejects 10% --summary "$T/s.json" "$T/in"
	run -0 jq -c '[.reject_limit, .counts.rejected, .passed]' "$T/s.json"
	assert_output '[{"percent":10},1,true]'
	run -1 dq validate -q --max-rejects 9.5% "$T/in"
	# History: dq-validate runs at 2%, 4%, 3% (median 3%), and a
	# dq-profile run at 50% and one without input, both skipped.
	printf '%s\n' '{"tool":"dq-validate","counts":{"in":100,"rejected":2}}' \
		'{"tool":"dq-profile","counts":{"in":2,"rejected":1}}' \
		'{"tool":"dq-validate","counts":{"in":50,"rejected":2}}' \
		'{"tool":"dq-validate","counts":{"in":0,"rejected":0}}' \
		'{"tool":"dq-validate","counts":{"in":200,"rejected":6}}' >"$T/h"
	# 3% + 5% = 8% < 10%: fails; 3% + 7% = 10%: passes.
	run -1 dq validate -q --max-rejects +5% --reject-history "$T/h" --summary "$T/s.json" "$T/in"
	run -0 jq -c '.reject_limit' "$T/s.json"
	assert_output '{"percent":8,"median_percent":3,"runs":3}'
	run -0 dq validate -q --max-rejects +7% --reject-history "$T/h" "$T/in"
	# Only the last 10 runs count: ten more at 20% make the median 20%.
	for i in 1 2 3 4 5 6 7 8 9 10; do
		printf '%s\n' '{"tool":"dq-validate","counts":{"in":10,"rejected":2}}' >>"$T/h"
	done
	run -0 dq validate -q --max-rejects +0% --reject-history "$T/h" --summary "$T/s.json" "$T/in"
	run -0 jq -c '.reject_limit' "$T/s.json"
	assert_output '{"percent":20,"median_percent":20,"runs":10}'
	# No history yet: a warning, and the limit is taken above 0.
	run -1 --separate-stderr dq validate --max-rejects +5% --reject-history "$T/none" "$T/in"
	[[ "$stderr" == *"warning: no earlier dq-validate run in $T/none: the reject limit +5% is taken above 0"* ]]
	printf 'not json\n' >>"$T/h"
	run -2 --separate-stderr dq validate -q --max-rejects +5% --reject-history "$T/h" "$T/in"
	[[ "$stderr" == *"$T/h:16: not a run summary"* ]]
	run -2 --separate-stderr dq validate -q --max-rejects +5% "$T/in"
	[[ "$stderr" == *"--max-rejects +P%: needs --reject-history FILE"* ]]
	run -2 --separate-stderr dq validate -q --max-rejects 5%% "$T/in"
	[[ "$stderr" == *"--max-rejects: '5%%': expected a count (3), a share of the input lines (10%) or a share above the history's median (+5%)"* ]]
}

@test "aggregate checks: mean, stddev, sum, min, max, count of a field's numbers (issue 16)" {
	# h's numbers: 2, 4, 9 ("x" is not one; g has none).  Mean 5;
	# sample standard deviation sqrt((9 + 1 + 16) / 2) = sqrt(13);
	# sum 15; min 2; max 9; count 3.
	printf '%s\n' '{"h":2,"g":"a"}' '{"h":4}' '{"h":"x"}' '{"h":9}' '{"g":null}' >"$T/in"
	cat >"$T/c.json" <<'J'
{"rules": {
 "MEAN": {"check": "aggregate", "field": "h", "stat": "mean", "min": 1, "max": 4},
 "SD":   {"check": "aggregate", "field": "h", "stat": "stddev", "max": 3},
 "SUM":  {"check": "aggregate", "field": "h", "stat": "sum", "max": 15},
 "MAX":  {"check": "aggregate", "field": "h", "stat": "max", "max": 10},
 "MIN":  {"check": "aggregate", "field": "h", "stat": "min", "min": 3},
 "CNT":  {"check": "aggregate", "field": "h", "stat": "count", "min": 4},
 "NONE": {"check": "aggregate", "field": "g", "stat": "mean", "max": 1}}}
J
	run -1 dq validate -q -c "$T/c.json" --violations "$T/v" --summary "$T/s.json" "$T/in"
	run -0 jq -c '[.code, .record_id, .value, .message]' "$T/v"
	assert_output - <<'OUT'
["MEAN",null,5,"mean 5 is above the limit 4"]
["SD",null,3.60555127546399,"stddev 3.60555 is above the limit 3"]
["MIN",null,2,"min 2 is below the limit 3"]
["CNT",null,3,"count 3 is below the limit 4"]
["NONE",null,null,"no numbers in g: its mean measures nothing"]
OUT
	run -0 jq -c '[.rules[] | [.code, .check, .category, .measured, .passed]]' "$T/s.json"
	assert_output '[["MEAN","aggregate","bounds",5,false],["SD","aggregate","bounds",3.605551275463989,false],["SUM","aggregate","bounds",15,true],["MAX","aggregate","bounds",9,true],["MIN","aggregate","bounds",2,false],["CNT","aggregate","bounds",3,false],["NONE","aggregate","bounds",null,false]]'
	run -2 --separate-stderr dq validate -q -c "$T/c.json" --set rules.SUM.stat=median "$T/in"
	[[ "$stderr" == *"rules.SUM: stat is mean, stddev, sum, min, max or count"* ]]
}

@test "field paths: nested members, each element of '[]', escaped dots, the exact key first (issue 18, 1)" {
	# addr.city is read inside addr; tags[] and items[].sku per element,
	# violations naming the element; a\.b is only the flat key "a.b";
	# a record with the flat key "addr.city" keeps its old meaning.
	cat >"$T/c.json" <<-'J'
	{"fields":{"id":{"required":true},"addr.city":{"required":true,"type":"string"},
	 "tags[]":{"enum":["a","b"]},"items[].sku":{"pattern":"^S[0-9]+$"},"a\\.b":{"type":"integer"}}}
	J
	printf '%s\n' '{"id":1,"addr":{"city":"X"},"tags":["a","c"],"items":[{"sku":"S1"},{"n":0},{"sku":"bad"}],"a.b":2}' \
		'{"id":2,"addr":{"zip":1},"tags":"b","a":{"b":"x"}}' \
		'{"id":3,"addr.city":5,"addr":{"city":"Y"},"a.b":"s"}' >"$T/in"
	run -1 --separate-stderr dq validate -c "$T/c.json" "$T/in"
	assert_output - <<-'O'
	{"id":1,"addr":{"city":"X"},"tags":["a","c"],"items":[{"sku":"S1"},{"n":0},{"sku":"bad"}],"a.b":2,"_dq":{"violations":[{"code":"ENUM:tags[]","field":"tags[1]","severity":"error","message":"not one of the allowed values (\"a\", \"b\")","value":"c"},{"code":"PAT:items[].sku","field":"items[2].sku","severity":"error","message":"does not match the pattern ^S[0-9]+$","value":"bad"}]}}
	{"id":2,"addr":{"zip":1},"tags":"b","a":{"b":"x"},"_dq":{"violations":[{"code":"REQ:addr.city","field":"addr.city","severity":"error","message":"required value is missing","value":null}]}}
	{"id":3,"addr.city":5,"addr":{"city":"Y"},"a.b":"s","_dq":{"violations":[{"code":"TYPE:addr.city","field":"addr.city","severity":"error","message":"expected string, found number","value":5},{"code":"TYPE:a\\.b","field":"a\\.b","severity":"error","message":"expected integer, found string","value":"s"}]}}
	O
	# The violations file names the element too.
	run -1 dq validate -q -c "$T/c.json" --violations "$T/v" "$T/in"
	run -0 jq -c '[.field, .value]' "$T/v"
	assert_output - <<-'O'
	["tags[1]","c"]
	["items[2].sku","bad"]
	["addr.city",null]
	["addr.city",5]
	["a\\.b","s"]
	O
}

@test "field paths in quick flags: --enum tags[]=, --type addr.zip= (issue 18, 1)" {
	printf '%s\n' '{"tags":["a","b"],"addr":{"zip":"1234"}}' '{"tags":["x"],"addr":{"zip":"12345"}}' >"$T/in"
	run -1 --separate-stderr dq validate --enum 'tags[]=a,b' --type addr.zip=zip "$T/in"
	assert_output - <<-'O'
	{"tags":["a","b"],"addr":{"zip":"1234"},"_dq":{"violations":[{"code":"FMT:addr.zip","field":"addr.zip","severity":"error","message":"not a US ZIP code (12345 or 12345-6789)","value":"1234"}]}}
	{"tags":["x"],"addr":{"zip":"12345"},"_dq":{"violations":[{"code":"ENUM:tags[]","field":"tags[0]","severity":"error","message":"not one of the allowed values (\"a\", \"b\")","value":"x"}]}}
	O
}

@test "arrays element by element: enum, reference, format, bounds per element, named by index (issue 18, 2)" {
	# The issue's cases: --enum tags=a,b passes ["a","b"]; a reference
	# check finds orgX; a format check finds bad@@; a range finds 50.
	# type array checks the array itself; null elements are the
	# required rule's business.
	printf '%s\n' '{"id":"org1"}' >"$T/orgs.ndjson"
	cat >"$T/c.json" <<-'J'
	{"fields":{"tags":{"enum":["a","b"]},"org":{"reference":{"file":"orgs.ndjson","key":"id"}},
	 "em":{"format":"email"},"n":{"max":10,"type":"integer"},"t":{"type":"array"}}}
	J
	printf '%s\n' '{"tags":["a","b"],"org":["org1","orgX"],"em":["a@x.com","bad@@"],"n":[1,50,null,2.5],"t":[1]}' >"$T/in"
	cd "$T"
	run -1 --separate-stderr dq validate -c c.json in
	assert_output '{"tags":["a","b"],"org":["org1","orgX"],"em":["a@x.com","bad@@"],"n":[1,50,null,2.5],"t":[1],"_dq":{"violations":[{"code":"REF:org","field":"org[1]","severity":"error","message":"not found in column id of orgs.ndjson","value":"orgX"},{"code":"FMT:em","field":"em[1]","severity":"error","message":"not a valid email address","value":"bad@@"},{"code":"TYPE:n","field":"n[3]","severity":"error","message":"expected integer, found number","value":2.5},{"code":"RANGE:n","field":"n[1]","severity":"error","message":"above the maximum 10","value":50}]}}'
	run -0 --separate-stderr dq validate --enum tags=a,b "$T/in"
	assert_output '{"tags":["a","b"],"org":["org1","orgX"],"em":["a@x.com","bad@@"],"n":[1,50,null,2.5],"t":[1]}'
}

@test "an items check in rules, with an if condition: a per-record check, not a grouped one (no group_by asked, no groups listed)" {
	printf '%s\n' '{"id":1,"tags":[]}' '{"id":2,"tags":["a","a"]}' '{"id":3,"tags":["a","b"]}' >"$T/in"
	echo '{"rules":{"T":{"check":"items","field":"tags","min_items":1,"unique_items":true,"if":{"expr":"id > 1"}}}}' >"$T/c.json"
	run -1 dq validate -q -c "$T/c.json" --summary "$T/s.json" --violations "$T/v" "$T/in"
	run -0 jq -c '[.code, .record_id, .field, .value, .message]' "$T/v"
	assert_output '["T",2,"tags","a","an element is repeated"]'
	run -0 jq -c '.rules[] | [.code, .check, .checked, .failures, has("groups")]' "$T/s.json"
	assert_output '["T","items",2,1,false]'
}

@test "arrays as a whole: min_items, max_items, unique_items; required fails an empty array (issue 18, 2)" {
	printf '{"fields":{"tags":{"min_items":1,"max_items":3,"unique_items":true},"links":{"required":true}}}' >"$T/c.json"
	printf '%s\n' '{"tags":["a","b"],"links":["r1"]}' '{"tags":[],"links":[]}' '{"tags":["a","b","c","a"],"links":["r"]}' \
		'{"tags":["a",1,1.0],"links":["r"]}' '{"tags":["1",1],"links":["r"]}' >"$T/in"
	run -1 --separate-stderr dq validate -c "$T/c.json" "$T/in"
	assert_output - <<-'O'
	{"tags":["a","b"],"links":["r1"]}
	{"tags":[],"links":[],"_dq":{"violations":[{"code":"ITEMS:tags","field":"tags","severity":"error","message":"fewer than 1 elements","value":[]},{"code":"REQ:links","field":"links","severity":"error","message":"required value is missing","value":[]}]}}
	{"tags":["a","b","c","a"],"links":["r"],"_dq":{"violations":[{"code":"ITEMS:tags","field":"tags","severity":"error","message":"more than 3 elements","value":["a","b","c","a"]}]}}
	{"tags":["a",1,1.0],"links":["r"],"_dq":{"violations":[{"code":"ITEMS:tags","field":"tags","severity":"error","message":"an element is repeated","value":1.0}]}}
	{"tags":["1",1],"links":["r"]}
	O
	printf '{"fields":{"tags":{"min_items":2,"max_items":1}}}' >"$T/bad.json"
	run -2 --separate-stderr dq validate -c "$T/bad.json" "$T/in"
	[[ "$stderr" == *"min_items is above max_items"* ]]
}

@test "fields: missing absent makes null, blank strings, [] and {} values the checks see; type lists" {
	cat >"$BATS_TEST_TMPDIR/c.json" <<'J'
{"fields": {"a": {"type": ["string", "null"], "missing": "absent", "min_length": 1},
            "b": {"type": "integer", "missing": "absent", "required": true},
            "c": {"type": "string", "missing": "absent", "enum": ["x", null]},
            "t": {"type": "array", "missing": "absent", "min_items": 1},
            "t[]": {"type": "string", "missing": "absent"},
            "u": {"type": "string", "min_length": 1}}}
J
	printf '%s\n' '{"a":null,"b":1,"u":""}' '{"a":"","b":1}' '{"a":["x"],"b":1}' \
		'{"b":null}' '{}' '{"b":1,"c":null}' '{"b":1,"c":"y"}' '{"b":1,"t":[]}' \
		'{"b":1,"t":["a",null]}' '{"b":1,"t":[" "],"u":["x"]}' >"$BATS_TEST_TMPDIR/in.ndjson"
	run -1 dq validate -c "$BATS_TEST_TMPDIR/c.json" --violations "$BATS_TEST_TMPDIR/v.ndjson" "$BATS_TEST_TMPDIR/in.ndjson"
	run -0 jq -r '"\(.line) \(.field) \(.message)"' "$BATS_TEST_TMPDIR/v.ndjson"
	assert_output "2 a shorter than 1 characters
3 a expected string or null, found array
4 b expected integer, found null
5 b required value is missing
6 c expected string, found null
7 c not one of the allowed values (\"x\", null)
8 t fewer than 1 elements
9 t[1] expected string, found null"
	echo '{"fields": {"a": {"missing": "none"}}}' >"$BATS_TEST_TMPDIR/bad.json"
	run -2 dq validate -c "$BATS_TEST_TMPDIR/bad.json" "$BATS_TEST_TMPDIR/in.ndjson"
	assert_output "dq-validate: contract: fields.a.missing: \"blank\" or \"absent\""
	echo '{"fields": {"a": {"type": ["string", "email"]}}}' >"$BATS_TEST_TMPDIR/bad.json"
	run -2 dq validate -c "$BATS_TEST_TMPDIR/bad.json" "$BATS_TEST_TMPDIR/in.ndjson"
	assert_output "dq-validate: contract: fields.a.type: a list of type names string, integer, number, boolean, object, array or null, once each"
}

@test "fields: a type list of several kinds loads and checks each value's kind" {
	# It was refused at load ("type enum needs \"enum\""): a list of
	# several kinds stood as the type enum.
	echo '{"fields": {"p": {"type": ["boolean", "integer"]}}}' >"$BATS_TEST_TMPDIR/c.json"
	printf '%s\n' '{"p":1}' '{"p":true}' '{"p":"yes"}' '{"p":1.5}' '{"p":null}' >"$BATS_TEST_TMPDIR/in.ndjson"
	run -1 dq validate -c "$BATS_TEST_TMPDIR/c.json" --violations "$BATS_TEST_TMPDIR/v.ndjson" "$BATS_TEST_TMPDIR/in.ndjson"
	run -0 jq -r '"\(.line) \(.field) \(.message)"' "$BATS_TEST_TMPDIR/v.ndjson"
	assert_output "3 p expected integer or boolean, found string
4 p expected integer or boolean, found number"
	echo '{"fields": {"p": {"type": "enum"}}}' >"$BATS_TEST_TMPDIR/bad.json"
	run -2 dq validate -c "$BATS_TEST_TMPDIR/bad.json" "$BATS_TEST_TMPDIR/in.ndjson"
	assert_output "dq-validate: contract: fields.p: type enum needs \"enum\""
}
