#!/usr/bin/env bash
# vigie scan on Debian's real DSA and DLA lists: a bullseye host built from
# real versions must get exactly the findings computed independently (by
# realdata_expect.py with dpkg --compare-versions), none missed, none extra.
. "$(dirname "$0")/lib.sh"
set -e
need_shared debian-security-tracker/DSA-list
need_shared debian-security-tracker/DLA-list
command -v dpkg >/dev/null || { echo "SKIP: dpkg absent"; exit 77; }
L=$VIGIE_SHARED_DATA/debian-security-tracker

run db import --dsa-list "$L/DSA-list" --dla-list "$L/DLA-list"
expect_rc 0 "import real lists"
for seed in 1 2; do
	python3 "$(dirname "$0")/realdata_expect.py" "$L/DSA-list" "$L/DLA-list" "$T" $seed
	run scan --status "$T/host.status" --release bullseye --host real$seed --format json
	expect_rc 0 "scan real host $seed"
	printf '%s' "$OUT" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    print(f["cve"], f["source"], f["state"], f["fixed_version"] or "-")
' | sort > "$T/got"
	n=$(wc -l < "$T/expected")
	if diff -u "$T/expected" "$T/got" > "$T/diff"; then
		ok
		echo "seed $seed: $n findings match the independent expectation"
	else
		ko "seed $seed: findings differ from the expectation"
		head -40 "$T/diff" >&2
	fi
	[ "$n" -gt 20 ] && ok || ko "seed $seed: expectation too small ($n) to mean anything"
done
finish
