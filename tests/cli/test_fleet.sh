#!/usr/bin/env bash
# vigie fleet: every stored host scanned with one index per release.
. "$(dirname "$0")/lib.sh"
set -e
D=$TESTDATA/scan
run fleet
expect_rc 0 "empty fleet"
expect_out "no host stored" "says there is no host"
run db import --tracker-json "$D/tracker.json" --kev "$D/kev.json"
run hosts add old --status "$D/old.status" --release bullseye --client acme
expect_rc 0 "add old"
run hosts add new --status "$D/new.status" --release bullseye
expect_rc 0 "add new"
run fleet --format json --findings
expect_rc 0 "fleet json"
got=$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["schema"] == "vigie.fleet/1"
for h in d["hosts"]:
    c = h["classes"]
    print(h["host"], c["highly-critical"], c["critical"], c["standard"], len(h["findings"]), h["reboot_required"])
')
# old: sudo and linux (KEV) highly-critical, glibc CVE-2023-4911 (urgency
# high) critical, six standard; the running kernel is unknown, so the
# oldest image is judged and the newer one makes a reboot required.
expect_eq "$got" "$(printf 'new 0 0 2 2 False\nold 2 1 6 9 True')" "per-host classes"
run fleet --fail-on highly-critical --format csv --findings
expect_rc 1 "--fail-on"
expect_eq "$(printf '%s\n' "$OUT" | tail -n +2 | grep -c .)" 11 "CSV --findings: a row per finding of both hosts"
expect_eq "$(printf '%s\n' "$OUT" | head -1 | tr -d '\r')" \
	"host,client,release,cve,source,source_version,state,fixed_version,advisory,class" "findings header"
# without --findings (as documented): one summary row per host
run fleet --format csv
expect_eq "$(printf '%s\n' "$OUT" | tr -d '\r' | cut -d, -f1,4,6-8,11)" \
	"$(printf 'host,verdict,highly_critical,critical,standard,reboot_required\nnew,findings,0,0,2,no\nold,findings,2,1,6,yes')" \
	"CSV: one summary row per host"
run fleet
expect_out "^old +bullseye +2 highly-critical +1 critical +6 standard" "text line"
expect_eq "$(printf '%s\n' "$OUT" | head -1)" "$(printf '%-24s %-10s %s' HOST RELEASE FINDINGS)" "text header"
finish
