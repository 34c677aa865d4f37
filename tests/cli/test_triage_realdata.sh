#!/usr/bin/env bash
# vigie triage on Debian's real DSA and DLA lists: a generic CSV report over
# a bullseye host built from real versions; every row must get the verdict
# computed independently by realdata_expect.py (dpkg --compare-versions).
. "$(dirname "$0")/lib.sh"
set -e
need_shared debian-security-tracker/DSA-list
need_shared debian-security-tracker/DLA-list
command -v dpkg >/dev/null || { echo "SKIP: dpkg absent"; exit 77; }
L=$VIGIE_SHARED_DATA/debian-security-tracker

run db import --dsa-list "$L/DSA-list" --dla-list "$L/DLA-list"
expect_rc 0 "import real lists"
python3 "$(dirname "$0")/realdata_expect.py" "$L/DSA-list" "$L/DLA-list" "$T" 5
run hosts add real --status "$T/host.status" --release bullseye
expect_rc 0 "add the host"
run triage "$T/report.csv" --format json
expect_rc 0 "triage"
expect_err "read as csv" "says which format it detected"
printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["schema"] == "vigie.triage/1"
for f in d["findings"]:
    assert f["evidence"]
    print(f["cve"], f["scanner"]["package"], f["verdict"])
' | sort > "$T/got"
n=$(wc -l < "$T/expected-triage")
if diff -u "$T/expected-triage" "$T/got" > "$T/diff"; then
	ok
	echo "$n report rows got the independently computed verdict"
else
	ko "verdicts differ from the expectation"
	head -40 "$T/diff" >&2
fi
[ "$n" -gt 50 ] && ok || ko "expectation too small ($n)"
for v in false-positive:fixed-by-backport confirmed:fix-available false-positive:not-affected; do
	grep -q " $v\$" "$T/expected-triage" && ok || ko "no row with verdict $v: the test would not exercise it"
done
finish
