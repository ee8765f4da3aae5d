#!/usr/bin/env bats
# dq-gen: determinism, shape of the output, the truth file, exit status.
bats_require_minimum_version 1.5.0
load helpers

DQ_BIN=${DQ_BIN:-$BATS_TEST_DIRNAME/../bin}
G=$DQ_BIN/dq-gen

setup() {
	T=$BATS_TEST_TMPDIR
}

@test "help goes to stdout, reads like a man page, exit 0" {
	run -0 --separate-stderr "$G" --help
	assert_line --index 0 --partial "usage: dq-gen [-n ROWS] [--seed N]"
	assert_line --partial "--dup-rate R"
	assert_line --partial "--truth FILE"
	assert_line --partial "Exit status: 0"
	[ -z "$stderr" ]
	run -0 "$G" -h
	assert_line --index 0 --partial "usage: dq-gen"
}

@test "version" {
	run -0 "$G" --version
	assert_output "dq-gen 0.1.0"
}

@test "same seed and options give the same bytes, another seed others" {
	"$G" -n 3000 --seed 7 --dup-rate 0.2 >"$T/a"
	"$G" -n 3000 --seed 7 --dup-rate 0.2 >"$T/b"
	"$G" -n 3000 --seed 8 --dup-rate 0.2 >"$T/c"
	"$G" -n 3000 --seed 7 --dup-rate 0.2 --format csv >"$T/a.csv"
	"$G" -n 3000 --seed 7 --dup-rate 0.2 --format csv >"$T/b.csv"
	run -0 cmp "$T/a" "$T/b"
	run -0 cmp "$T/a.csv" "$T/b.csv"
	run -1 cmp "$T/a" "$T/c"
	# The default seed is 1.
	"$G" -n 50 >"$T/d1"
	"$G" -n 50 --seed 1 >"$T/d2"
	run -0 cmp "$T/d1" "$T/d2"
	[ -s "$T/d1" ]
}

@test "a shorter run is a prefix of a longer one" {
	"$G" -n 1000 --seed 3 >"$T/long"
	"$G" -n 100 --seed 3 >"$T/short"
	head -n 100 "$T/long" >"$T/head"
	run -0 cmp "$T/short" "$T/head"
}

@test "exact row count; default 1000; zero rows" {
	"$G" -n 12345 >"$T/a"
	run -0 wc -l "$T/a"
	assert_output "12345 $T/a"
	"$G" >"$T/b"
	run -0 wc -l "$T/b"
	assert_output "1000 $T/b"
	"$G" -n 0 >"$T/c"
	[ ! -s "$T/c" ]
	"$G" -n 0 --format csv >"$T/c.csv"
	run -0 cat "$T/c.csv"
	assert_output "id,first_name,last_name,email,phone,dob,street,city,state,zip,country,signup_ts,score,account,active,notes"$'\r'
}

@test "every line is a JSON object, valid UTF-8, keys in order, ids in sequence" {
	"$G" -n 20000 --seed 11 >"$T/a"
	run -0 iconv -f UTF-8 -t UTF-8 -o /dev/null "$T/a"
	run -0 jq -e -s '
		def order: ["id","first_name","last_name","email","phone",
		    "dob","street","city","state","zip","country","signup_ts",
		    "score","account","active","notes"];
		length == 20000
		and all(.[]; type == "object")
		and all(.[]; [keys_unsorted[] as $k | order | index($k)]
		    | . == sort and all(.[]; . != null))
		and ([.[].id] == [range(1; 20001)
		    | "p" + ("0000000" + tostring)[-7:]])' "$T/a"
	assert_output true
}

@test "the planted messiness is there" {
	"$G" -n 20000 --seed 5 >"$T/a"
	# Each kind at least a few times in 20000 rows.
	atleast() {
		local n
		n=$(grep -c -E -e "$1" "$T/a" || true)
		[ "$n" -ge "$2" ] || { echo "pattern $1: $n < $2"; return 1; }
	}
	atleast '"phone":"\([0-9]{3}\) [0-9]{3}-[0-9]{4}"' 1000
	atleast '"phone":"[0-9]{3}\.[0-9]{3}\.[0-9]{4}"' 100
	atleast '"phone":"\+1 [0-9]{3} [0-9]{3} [0-9]{4}"' 100
	atleast '"phone":"[0-9]{10}"' 100
	atleast '"phone":"1-[0-9]{3}-[0-9]{3}-[0-9]{4} x[0-9]+"' 1
	atleast '"phone":"(\+44|0044|0)[ (]' 100
	atleast '"dob":"[0-9]{4}-[0-9]{2}-[0-9]{2}"' 3000
	atleast '"dob":"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}"' 1000
	atleast '"dob":"[0-9]{2}\.[0-9]{2}\.[0-9]{4}"' 100
	atleast '"dob":"[A-Z][a-z]+ [0-9]{1,2}, [0-9]{4}"' 100
	atleast '"dob":"[0-9]{8}"' 100
	atleast '"dob":"[0-9]{1,2} [A-Z][a-z]{2} [0-9]{4}"' 100
	atleast '"dob":"(1985|1989|1993|1997)-02-29"' 1
	atleast '"first_name":" |"last_name":"[^"]* "' 100
	atleast '"last_name":"[A-Z]{4,}"' 100
	atleast '"email":"[^"]*[A-Z][^"]*@' 100
	atleast '"email":"[^"@]+\+[a-z0-9]+@' 50
	atleast '"state":"[a-z]{2}"' 100
	atleast '"zip":"[1-9][0-9]{3}"' 50
	atleast '"(email|phone|dob)":"(N/A|null|-|none)"' 100
	atleast '"(email|phone|dob)":null' 50
	atleast '"score":"\$[0-9]{1,3}(,[0-9]{3})*\.[0-9]{2}"' 50
	atleast '"active":"(yes|no|Y|N)"' 1000
	atleast '"account":(9007199254740993|[0-9]{17,})[,}]' 10000
	atleast '"account":[0-9]+\.0[,}]' 100
	atleast '"country":"(DE|Germany|Deutschland)"' 500
	atleast 'José|Łukasz|Müller|Nguyễn|Ø' 100
	atleast "O'Brien|McDonald|van der Berg" 50
	atleast '"notes":"[^"]*(😀|👍|📞|🎉)' 50
	# Some notes run to kilobytes.
	run -0 jq -e -s '[.[] | select((.notes | type) == "string"
		and (.notes | length) > 1000)] | length >= 10' "$T/a"
}

@test "CSV: header, exact row count through a real CSV parser, same records" {
	"$G" -n 5000 --seed 9 --format csv >"$T/a.csv"
	"$G" -n 5000 --seed 9 >"$T/a"
	run -0 head -n 1 "$T/a.csv"
	assert_output "id,first_name,last_name,email,phone,dob,street,city,state,zip,country,signup_ts,score,account,active,notes"$'\r'
	# Notes hold commas, quotes and line breaks: a wrong quote shifts
	# fields or swallows records, and Miller stops at a ragged row.
	run -0 mlr --icsv --ojson count "$T/a.csv"
	assert_output --partial '"count": 5000'
	mlr --icsv --onidx cut -f id "$T/a.csv" >"$T/csv-ids"
	jq -r .id "$T/a" >"$T/json-ids"
	run -0 cmp "$T/csv-ids" "$T/json-ids"
	# A value with a line break comes back whole.
	run -0 mlr --icsv --ojsonl filter '$notes == "line one\nline two"' \
		then cut -f notes then head -n 1 "$T/a.csv"
	assert_output '{"notes": "line one\nline two"}'
}

@test "truth file: every id once, in order, entities numbered as they appear" {
	"$G" -n 20000 --seed 4 --truth "$T/t" >"$T/a"
	run -1 grep -c -v -E $'^p[0-9]{7}\te[0-9]{7}$' "$T/t"
	cut -f1 "$T/t" >"$T/truth-ids"
	jq -r .id "$T/a" >"$T/ids"
	run -0 cmp "$T/truth-ids" "$T/ids"
	run -0 sort -u "$T/truth-ids"
	[ "${#lines[@]}" -eq 20000 ]
	# The first appearance of each entity comes in order e0000001, ...
	cut -f2 "$T/t" | awk '!seen[$0]++' >"$T/firsts"
	run -0 awk '$0 != sprintf("e%07d", NR) { print NR ": " $0; exit 1 }' \
		"$T/firsts"
	# The truth file does not change the records.
	"$G" -n 20000 --seed 4 >"$T/b"
	run -0 cmp "$T/a" "$T/b"
}

@test "the duplicate rate roughly holds" {
	for r in 0 0.1 0.3; do
		"$G" -n 20000 --seed 2 --dup-rate "$r" --truth "$T/t$r" >/dev/null
	done
	entities() { cut -f2 "$1" | sort -u | wc -l; }
	[ "$(entities "$T/t0")" -eq 20000 ]
	n=$(entities "$T/t0.1")
	[ "$n" -ge 17600 ] && [ "$n" -le 18400 ] || { echo "0.1: $n"; false; }
	n=$(entities "$T/t0.3")
	[ "$n" -ge 13400 ] && [ "$n" -le 14600 ] || { echo "0.3: $n"; false; }
	# The default is 0.1.
	"$G" -n 20000 --seed 2 --truth "$T/tdef" >/dev/null
	run -0 cmp "$T/tdef" "$T/t0.1"
	# --dup-rate 1: every record after the first is the first person.
	"$G" -n 50 --dup-rate 1 --truth "$T/t1" >/dev/null
	[ "$(entities "$T/t1")" -eq 1 ]
}

@test "duplicates are near copies: most share the surname of their entity" {
	"$G" -n 20000 --seed 6 --dup-rate 0.3 --truth "$T/t" >"$T/a"
	jq -r '[.id, (.last_name // "" | tostring | ascii_downcase
		| gsub("^\\s+|\\s+$"; ""))] | @tsv' "$T/a" >"$T/names"
	# Of the records after an entity's first, count those whose cleaned
	# last name equals the first record's.
	run -0 awk -F'\t' '
		NR == FNR { ent[$1] = $2; next }
		{ e = ent[$1]
		  if (!(e in first)) { first[e] = $2; next }
		  dups++; same += ($2 == first[e]) }
		END { printf "%d %d\n", dups, same
		      exit !(dups > 5000 && same > 0.6 * dups && same < dups) }' \
		"$T/t" "$T/names"
}

@test "bad arguments: exit 2, a message on stderr, nothing on stdout" {
	for args in "-n abc" "-n -1" "-n 1x" "-n 99999999999" "--seed x" \
	    "--seed 18446744073709551616" "--dup-rate 1.5" "--dup-rate -0.1" \
	    "--dup-rate nan" "--dup-rate 0.1x" "--format xml" "--bogus" "-x" \
	    "extra" "-n"; do
		# shellcheck disable=SC2086
		run -2 --separate-stderr "$G" $args
		assert_output ""
		[[ "$stderr" == "dq-gen: "* ]] || { echo "$args: $stderr"; false; }
		[[ "$stderr" == *"usage: dq-gen"* ]]
	done
	run -2 --separate-stderr "$G" --bogus
	[[ "$stderr" == "dq-gen: option '--bogus' is unknown"* ]]
}

@test "truth file that cannot be created: exit 2 before any output" {
	run -2 --separate-stderr "$G" -n 10 --truth "$T/no/such/dir/t"
	assert_output ""
	[ "$stderr" = "dq-gen: $T/no/such/dir/t: No such file or directory" ]
}

@test "full disk: exit 2 with a message" {
	run -2 --separate-stderr bash -c '"$0" -n 100000 >/dev/full' "$G"
	[ "$stderr" = "dq-gen: write error: No space left on device" ]
	# Small output fails only when stdout is closed.
	run -2 --separate-stderr bash -c '"$0" -n 1 >/dev/full' "$G"
	[ "$stderr" = "dq-gen: write error: No space left on device" ]
	run -2 --separate-stderr bash -c '"$0" --help >/dev/full' "$G"
	[ "$stderr" = "dq-gen: write error: No space left on device" ]
	run -2 --separate-stderr "$G" -n 10 --truth /dev/full
	[ "$stderr" = "dq-gen: /dev/full: write error: No space left on device" ]
}

@test "a reader that goes away (| head -1) ends it quietly" {
	run -0 --separate-stderr bash -c \
		'set -o pipefail; "$0" -n 1000000 | head -n 1' "$G"
	assert_output --regexp '^\{"id":"p0000001",'
	[ -z "$stderr" ]
}
