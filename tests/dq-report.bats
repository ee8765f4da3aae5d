#!/usr/bin/env bats
# dq-report: one self-contained HTML page of a run's documents.  The page
# is opened in headless Chromium and its rendered DOM checked for the
# figures of tests/fixtures/report (people.ndjson through dq-validate and
# dq-profile with people.json; every figure below worked out by hand from
# those eight records and one malformed line).  The browser tests skip
# only when chromium is not installed (scripts/install-deps installs it).
#
# The fixture was made with (DQ_RUN_ID=report-fixture):
#   dq-validate -c people.json --summary summary.json \
#       --violations violations.ndjson --quarantine /dev/null people.ndjson
#   dq-profile people.ndjson > profile.json

load helpers

RFIX=$BATS_TEST_DIRNAME/fixtures/report

setup() {
	T=$BATS_TEST_TMPDIR
}

# need_chromium: skip the test, saying why, without Debian's chromium.
need_chromium() {
	command -v chromium >/dev/null ||
		skip "chromium is not installed (scripts/install-deps installs it)"
}

# render PAGE: load PAGE in headless Chromium, one launch, its own
# profile; every connection goes to a proxy on a dead port, and the
# browser's requests are logged.  The DOM after load goes to $T/dom.html,
# the net log to $T/net.json, its text (tags taken out, one line per
# block) to $T/text.
render() {
	timeout 60 chromium --headless --no-sandbox --disable-gpu \
		--user-data-dir="$T/chromium" --no-first-run \
		--disable-background-networking --disable-component-update \
		--proxy-server=127.0.0.1:9 --log-net-log="$T/net.json" \
		--dump-dom "file://$1" >"$T/dom.html" 2>"$T/chromium.err" ||
		{ cat "$T/chromium.err"; return 1; }
	text_of "$T/dom.html" >"$T/text"
}

# text_of HTML: the text of a page, tags taken out, one line per block.
text_of() {
	sed -e 's/<[^>]*>/ /g' -e 's/&amp;/\&/g' -e 's/&lt;/</g' \
		-e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&#39;/'/g" \
		-e 's/&infin;/∞/g' "$1" | tr -s ' \t' | sed 's/^ //'
}

# page_requests: the requests the page made (those on behalf of the
# file:// document, by their network isolation key; the browser's own
# update and account checks are not the page's), one URL a line.
page_requests() {
	jq -r '.constants.logEventTypes.URL_REQUEST_START_JOB as $t |
		.events[] | select(.type == $t) | .params |
		select((.network_isolation_key // "") | contains("file://")) |
		.url' "$T/net.json"
}

# fixture_page: the report of the fixture's summary, violations and
# profile, in $T/page.html.
fixture_page() {
	dq report --summary "$RFIX/summary.json" \
		--violations "$RFIX/violations.ndjson" \
		--profile "$RFIX/profile.json" -o "$T/page.html"
}

@test "help reads like a man page; version; usage errors exit 2" {
	run -0 dq report --help
	assert_line --partial "usage: dq-report"
	assert_line --partial "--examples N"
	assert_line --partial "Exit status: 0"
	run -0 dq report --version
	assert_output --regexp '^dq-report [0-9]+\.[0-9]+\.[0-9]+$'
	run -2 dq report --top -1
	assert_line "dq-report: --top: '-1' is not a whole number from 0 to 1000"
	run -2 dq report "$RFIX/summary.json"
	assert_output --partial "documents are named by their options"
	run -2 dq report --violations "$RFIX/violations.ndjson"
	assert_output --partial "--violations needs the run's --summary"
}

@test "a document of the wrong kind, or not JSON, is refused naming the file" {
	run -2 dq report --summary "$RFIX/profile.json"
	assert_output "dq-report: $RFIX/profile.json: not a dq-validate summary (its \"tool\" is 'dq-profile')"
	run -2 dq report --profile "$RFIX/people.ndjson"
	assert_output "dq-report: $RFIX/people.ndjson: not a JSON object (expected a dq-profile document)"
	run -2 dq report --summary "$T/none.json"
	assert_output --partial "none.json: No such file or directory"
	printf '{"code":"AGE-1"}\nnot json\n' >"$T/v.ndjson"
	run -2 dq report --summary "$RFIX/summary.json" --violations "$T/v.ndjson"
	assert_output "dq-report: $T/v.ndjson:2: not a JSON object"
}

@test "the page names nothing outside itself: no URL, src, href, @import or url(" {
	run -0 fixture_page
	# The only links are the contents' anchors on the page itself.
	run -1 grep -E -i -o 'https?:|//[a-z]|src=|@import|url\(|<script|<link|<img|<iframe' "$T/page.html"
	run -0 grep -E -o 'href="[^"]*"' "$T/page.html"
	assert_output $'href="#overview"\nhref="#rules"\nhref="#fields"'
	# And a policy that forbids any fetch and any script.
	run -0 grep -c "content=\"default-src 'none'; style-src 'unsafe-inline'\"" "$T/page.html"
}

@test "the rendered page shows the fixture's figures (worked out by hand)" {
	need_chromium
	fixture_page
	render "$T/page.html"
	run -0 cat "$T/text"
	# 9 lines: 8 records + 1 malformed; 3 quarantined (p2, p3, p5).
	assert_line "dq-validate 9 5 3 1 failed people 7043a4f114dde374 report-fixture 2026-12-07T15:04:33.553Z 1 "
	assert_line --partial "66 / 100 score failed gate 80 pass mark 3 error violations"
	assert_output --partial "format: 19.4444"
	assert_output --partial "bounds: 15"
	# 7 non-null emails, one without a domain: 1/7 = 14.3%.
	assert_line "FMT:email email format error 7 1 14.3% failed ask for a working address "
	# 7 ages, 17 and 130 outside 18..99: 2/7 = 28.6%.
	assert_line "AGE-1 age range error 7 2 28.6% failed adults only "
	assert_line "p3 age 17 below the minimum 18 "
	assert_line "p5 age 130 above the maximum 99 "
	# age: 7 of 8 present (p6 has none) = 87.5%; values 17 25 30 30 41
	# 52 130: 6 distinct, median 30, mean 325/7 = 46.4286, population
	# standard deviation 35.6766; quartiles 25 and 52, fences 25 - 40.5
	# and 52 + 40.5: 130 the one outlier.
	assert_output --partial "age integer completeness: 87.5% present: 7 missing: 1 null: 0 empty: 0 distinct: 6"
	assert_output --partial "17 17 17 25 30 52 130 130 130 46.4286 35.6766"
	assert_output --partial "Outliers (outside -15.5 .. 92.5): 1 — 130"
	assert_output --partial "Top values 30: 2 30 2 "
	# email: 1 null of 8; 6 e-mail addresses and 1 string.
	assert_output --partial "email email completeness: 87.5% present: 8 missing: 0 null: 1 empty: 0 distinct: 7 type issues: 1 Type mix string: 1 string 1 email: 6 email 6"
	# The browser asked for nothing on the page's behalf.
	run -0 page_requests
	assert_output ""
}

@test "the no-request check sees a page's requests (control)" {
	need_chromium
	printf '<!DOCTYPE html><img src="http://example.invalid/a.png"><style>@import url(https://fonts.example.invalid/b.css);</style>' >"$T/leaky.html"
	render "$T/leaky.html"
	run -0 page_requests
	assert_line "http://example.invalid/a.png"
	assert_line "https://fonts.example.invalid/b.css"
}

@test "hostile values stay text: script, quotes, RTL override, 10,000 characters" {
	need_chromium
	long=$(printf 'x%.0s' $(seq 10000))
	jq -c --arg long "$long" '.rules |= map(if .code == "AGE-1" then .hint = "<script>document.title=\"pwned\"</script>" else . end)' \
		"$RFIX/summary.json" >"$T/summary.json"
	{
		printf '%s\n' '{"record_id":"\"><img src=x onerror=alert(1)>","code":"AGE-1","field":"age","value":"<script>document.title=\"pwned\"</script>","message":"it'"'"'s \"quoted\""}'
		printf '{"record_id":"r2","code":"AGE-1","field":"age","value":"abc\u202Edef","message":"rtl"}\n'
		printf '{"record_id":"r3","code":"AGE-1","field":"age","value":"%s","message":"long"}\n' "$long"
	} >"$T/v.ndjson"
	dq report --summary "$T/summary.json" --violations "$T/v.ndjson" \
		--title '</title><script>document.title="pwned"</script>' \
		-o "$T/page.html"
	render "$T/page.html"
	# No element came from a value: no script, no img; the title is
	# text.
	run -1 grep -E -o '<(script|img)[ >]' "$T/dom.html"
	run -0 grep -F -c '<title>&lt;/title&gt;&lt;script&gt;document.title="pwned"&lt;/script&gt;</title>' "$T/dom.html"
	# The values are there as text, whole (the long one cut at 200).
	run -0 cat "$T/text"
	assert_line '"><img src=x onerror=alert(1)> age <script>document.title="pwned"</script> it'"'"'s "quoted" '
	assert_line "r2 age abc"$'\u202E'"def rtl "
	assert_line "r3 age $(printf 'x%.0s' $(seq 200))… (9800 more characters) long "
	assert_line 'AGE-1 age range error 7 2 28.6% failed <script>document.title="pwned"</script> '
	# The RTL override is isolated in its own <bdi>.
	run -0 grep -c "<bdi>abc"$'\u202E'"def</bdi>" "$T/dom.html"
}

@test "caps: the page's size depends on --examples, not on the violations' number" {
	seq 5000 | awk '{ printf "{\"record_id\":\"r%d\",\"code\":\"AGE-1\",\"field\":\"age\",\"value\":%d,\"message\":\"m\"}\n", $1, $1 }' >"$T/many.ndjson"
	head -n 3 "$T/many.ndjson" >"$T/few.ndjson"
	run -0 dq report --summary "$RFIX/summary.json" --violations "$T/many.ndjson" --examples 3 -o "$T/many.html"
	run -0 dq report --summary "$RFIX/summary.json" --violations "$T/few.ndjson" --examples 3 -o "$T/few.html"
	cmp "$T/many.html" "$T/few.html"
	run -0 grep -c '<td><bdi>r3</bdi></td>' "$T/many.html"
	run -1 grep -c '<td><bdi>r4</bdi></td>' "$T/many.html"
	run -0 dq report --summary "$RFIX/summary.json" --violations "$T/many.ndjson" --examples 4 -o "$T/four.html"
	run -0 grep -c '<td><bdi>r4</bdi></td>' "$T/four.html"
}

@test "violations of another run are counted on the page, not shown as this run's" {
	printf '{"record_id":"x1","code":"NOPE-9","field":"f","value":1}\n{"no":"code"}\n' >"$T/v.ndjson"
	run -0 dq report --summary "$RFIX/summary.json" --violations "$T/v.ndjson" -o "$T/page.html"
	run -0 grep -c "2 lines of $T/v.ndjson name no rule of $RFIX/summary.json" "$T/page.html"
	run -1 grep -c 'x1' "$T/page.html"
}

@test "a full disk: exit 2, the message names the output" {
	run -2 dq report --summary "$RFIX/summary.json" -o /dev/full
	assert_output "dq-report: write error: /dev/full: No space left on device"
}

@test "duplicates and clusters: counts, histogram, thresholds, a review pair, golden records (by hand)" {
	need_chromium
	run -0 dq report -c "$RFIX/dedupe.json" --pairs "$RFIX/pairs.ndjson" \
		--golden "$RFIX/golden.ndjson" -o "$T/page.html"
	render "$T/page.html"
	run -0 cat "$T/text"
	# 6 lines, 5 scored: 2 match, 1 review, 2 distinct of 5.
	assert_line "6 pairs 2 match (40%) 1 review (20%) 2 distinct (40%) "
	assert_line --partial "1 pairs without a score"
	# Scores 1 and 0.97 in the last twentieth, 0.86, 0.42, 0.06; the
	# contract's thresholds 0.6 and 0.9 drawn.
	assert_output --partial "0.05 to 0.1: 1 "
	assert_output --partial "0.4 to 0.45: 1 "
	assert_output --partial "0.85 to 0.9: 1 0.9 to 0.95: 0 0.95 to 1: 2 0 1 review 0.6 match 0.9 Thresholds are the contract's ($RFIX/dedupe.json)."
	# The one review pair side by side; its weights 0.7 + 0 + 0.16.
	assert_line "Review pairs 1 of 1 review pairs of $RFIX/pairs.ndjson shown. "
	assert_line "name Bo Park Bob Parks similar 0.5333 0.16 "
	assert_line "phone null +15550100 null 0 0 "
	assert_output --partial "start 0 email: exact, 0.7 email +0.7 phone: null, 0 phone 0 name: similar, 0.16 name +0.16 sum 0.86"
	# Clusters of 3, 1, 2 and 1 records: 4 golden records of 7.
	assert_line --partial "4 golden records of 7 records. Cluster sizes 1: 2 1 2 2: 1 2 1 3: 1 3 1 4: 0"
	assert_line "c3 3 a1, a2, a3 "
	assert_line "c2 2 c1, c2 "
	# Each surviving value with the record it came from.
	assert_line "name Anne Lee a3 "
	assert_line "name Cy Ng c2 "
	run -0 page_requests
	assert_output ""
}

@test "a review file's pairs are the ones shown; thresholds without a contract are said to be defaults" {
	head -n 1 "$RFIX/pairs.ndjson" | jq -c '{decision: null} + .' >"$T/review.ndjson"
	run -0 dq report --pairs "$RFIX/pairs.ndjson" --review "$T/review.ndjson" --review-pairs 1 -o "$T/page.html"
	run -0 grep -c "1 of 1 review pairs of $T/review.ndjson shown" "$T/page.html"
	run -0 grep -c '<bdi>a1</bdi> ~ <bdi>a2</bdi>: score 1<' "$T/page.html"
	run -1 grep -c '<bdi>b1</bdi> ~' "$T/page.html"
	run -0 grep -c "Thresholds are dq-score&#39;s defaults" "$T/page.html"
	run -0 grep -c '>review 0.8</text>' "$T/page.html"
	run -0 dq report --pairs "$RFIX/pairs.ndjson" --review-pairs 0 -o "$T/none.html"
	run -0 grep -c "0 of 1 review pairs" "$T/none.html"
}

@test "golden records without _dq.members, or a review line without records, are refused by line" {
	run -2 dq report --golden "$RFIX/pairs.ndjson"
	assert_output "dq-report: $RFIX/pairs.ndjson:1: no \"_dq.members\" (is this dq-merge's output?)"
	run -2 dq report --review "$RFIX/golden.ndjson"
	assert_output "dq-report: $RFIX/golden.ndjson:1: no records \"a\" and \"b\" (is this dq-merge's --review file?)"
}

@test "drift: the profile against a baseline, and the history's series that moved (by hand)" {
	# The baseline is the profile of p1, p2, p4 and p7 (ages 30 41 52
	# 30): 4 rows, 3 distinct ages, mean 38.25, every email and age there.
	run -0 dq report --summary "$RFIX/summary.json" --profile "$RFIX/profile.json" \
		--baseline "$RFIX/baseline.json" --history "$RFIX/history.ndjson" \
		-o "$T/page.html"
	run -0 text_of "$T/page.html"
	assert_line "rows 4 8 +4 (+100%) "
	assert_line "distinct.age 3 6 +3 (+100%) "
	assert_line "distinct.email 4 7 +3 (+75%) "
	assert_line "mean.age 38.25 46.4286 +8.1786 (+21.4%) "
	assert_line "completeness.age 1 0.875 -0.125 (-12.5%) "
	# Scores 90 95 92 then this run's 66: median 92, MAD 2, spread
	# 1.4826 x 2 = 2.9652, z = (66 - 92) / 2.9652 = -8.77; rows 10 10 10
	# then 9: a constant history, z -infinity.  Both moved.
	assert_line "History 5 documents; 3 of 18 series moved (the last 30 values of each; the largest move against the values before it first). "
	assert_line "dq-validate score 90 92 66 -8.77 "
	assert_line "dq-validate rows 10 10 9 -∞ "
	# The score's trend: x at 3 + i x 114/3, y from 25 (66) to 3 (95).
	run -0 grep -c '<polyline points="3.0,6.8 41.0,3.0 79.0,5.3 117.0,25.0"/>' "$T/page.html"
	# The last --points values only: with 2, the score moved 92 -> 66.
	run -0 dq report --summary "$RFIX/summary.json" --history "$RFIX/history.ndjson" \
		--points 2 -o "$T/two.html"
	run -0 text_of "$T/two.html"
	assert_line "dq-validate score 92 92 66 -∞ "
	# --metrics 2: two of the seven changed metrics shown, 5 counted.
	run -0 dq report --profile "$RFIX/profile.json" --baseline "$RFIX/baseline.json" \
		--metrics 2 -o "$T/cap.html"
	run -0 grep -c '5 more metrics changed' "$T/cap.html"
	run -2 dq report --baseline "$RFIX/baseline.json"
	assert_line --partial "--baseline needs the --profile"
}

@test "pairs: the pair's own _dq is found in any key order, never a record's" {
	# _dq first, and a record whose own _dq (lineage) comes last.
	jq -c '{_dq} + . | .b._dq = {"row": 9, "score": 0, "decision": "distinct"}' \
		"$RFIX/pairs.ndjson" >"$T/reordered.ndjson"
	mkdir "$T/a" "$T/b"
	cp "$RFIX/pairs.ndjson" "$T/a/p.ndjson"
	cp "$T/reordered.ndjson" "$T/b/p.ndjson"
	(cd "$T/a" && dq report --pairs p.ndjson --review-pairs 0 -o "$T/a.html")
	(cd "$T/b" && dq report --pairs p.ndjson --review-pairs 0 -o "$T/b.html")
	cmp "$T/a.html" "$T/b.html"
	run -0 grep -c '<b>2</b>match (40%)' "$T/b.html"
}

@test "sensitive fields of the contract are masked or hashed on the page; a value already shown hidden is left as it is (issue 21)" {
	printf '{"fields":{"email":{"pii":true},"name":{"pii":"hash"}}}' >"$T/pii.json"
	export DQ_PII_KEY=report-test-key
	run -0 dq report -c "$RFIX/dedupe.json" -c "$T/pii.json" --pairs "$RFIX/pairs.ndjson" \
		--golden "$RFIX/golden.ndjson" -o "$T/page.html"
	for v in ann@x.org bo@x.org cy@x.org 'Anne Lee' 'Bo Park' 'Bob Parks' 'Cy Ng'; do
		run -1 grep -c -F "$v" "$T/page.html"
	done
	run -0 grep -c -F '[masked]' "$T/page.html"
	# The hash dq-normalize's hash step gives "Anne Lee" is the one shown.
	printf '{"id":1,"name":"Anne Lee"}\n' | DQ_BIN="$DQ_BIN" "$DQ_BIN/dq-normalize" --no-lineage --hash name >"$T/h.ndjson"
	run -0 jq -r .name "$T/h.ndjson"
	h=$output
	run -0 grep -c -F "$h" "$T/page.html"
	# Golden records written already hashed keep their hash (not hashed
	# again), and a masked value stays "[masked]".
	printf '{"id":"a1","name":"%s","email":"[masked]","_dq":{"cluster":"c1","members":["a1","a2"],"provenance":{"id":"a1","name":"a2","email":"a1"}}}\n' "$h" >"$T/g.ndjson"
	run -0 dq report -c "$RFIX/dedupe.json" -c "$T/pii.json" --golden "$T/g.ndjson" -o "$T/page2.html"
	run -0 grep -c -F "$h" "$T/page2.html"
	# Without the contract's marks the values are shown.
	run -0 dq report -c "$RFIX/dedupe.json" --golden "$RFIX/golden.ndjson" -o "$T/page3.html"
	run -0 grep -c -F 'Anne Lee' "$T/page3.html"
}
