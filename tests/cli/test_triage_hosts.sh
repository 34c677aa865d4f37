#!/usr/bin/env bash
# vigie triage: a report naming a source package the host does not carry,
# and a host in the database whose release is unknown.
. "$(dirname "$0")/lib.sh"
set -e
D=$TESTDATA/triage
run db import --tracker-json "$TESTDATA/scan/tracker.json"
expect_rc 0 "import tracker fixture"
run hosts add web1 --status "$D/web1.status" --release bullseye
expect_rc 0 "add web1"
mkdir -p "$T/root2/var/lib/dpkg"
cp "$D/web1.status" "$T/root2/var/lib/dpkg/status"
run hosts add web2 --root "$T/root2"
expect_rc 0 "add web2 without a release"
run hosts show web2
expect_out '^release: +\(unknown\)$' "web2's release is unknown"

# web1 has no sudo: Debian's fix for sudo says nothing about web1
printf 'host,cve,source\nweb1,CVE-2021-3156,sudo\nweb2,CVE-2022-28615,apache2\n' > "$T/r.csv"
run triage "$T/r.csv" --input-format generic-csv --format json
expect_rc 0 "triage"
got=$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for f in d["findings"]:
    print(f["host"], f["cve"], f["verdict"], "(null)" in f["evidence"],
          "not installed" in f["evidence"], "release is unknown" in f["evidence"],
          "not in the database" in f["evidence"])
')
expect_eq "$(printf '%s\n' "$got" | grep CVE-2021-3156)" \
	"web1 CVE-2021-3156 false-positive:not-affected False True False False" \
	"a source that is not installed is not reported as fixed by backport"
expect_eq "$(printf '%s\n' "$got" | grep CVE-2022-28615)" \
	"web2 CVE-2022-28615 unknown False False True False" \
	"a host with no release is said to be in the database but unjudgeable"
finish
