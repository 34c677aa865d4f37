#!/usr/bin/env bash
# Lifecycle end dates are the last day covered: a release's phases
# (distro-info) and a package's support (debian-security-support).
. "$(dirname "$0")/lib.sh"
set -e
D=$TESTDATA/scan
json() { # json EXPR: a Python expression on $OUT parsed as JSON (d)
	printf '%s' "$OUT" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}
run db import --tracker-json "$D/tracker.json" --distro-info "$D/distro-info.csv"
expect_rc 0 "import"

# ---- lifecycle: a phase covers its end date (bullseye LTS ends 2026-08-31)
lc() { VIGIE_NOW=$1 run scan --status "$D/new.status" --release bullseye --format json; json 'd["lifecycle"]["state"]'; }
expect_eq "$(lc 2024-08-14T23:00:00Z)" supported "last day of regular support"
expect_eq "$(lc 2024-08-15T00:00:00Z)" lts "the day after"
expect_eq "$(lc 2026-08-31T12:00:00Z)" lts "last day of LTS"
expect_eq "$(lc 2026-09-01T00:00:00Z)" elts "the day after"
expect_eq "$(lc 2031-06-30T12:00:00Z)" elts "last day of ELTS"
expect_eq "$(lc 2031-07-01T00:00:00Z)" unsupported "the day after"

# ---- a package's support end (debian-security-support) covers its day too
printf 'glibc  2.31-13+deb11u7  2026-11-27  see notes\n' > "$T/security-support-ended.deb11"
run db import --support-ended "$T/security-support-ended.deb11"
expect_rc 0 "support-ended"
st() { VIGIE_NOW=$1 run scan --status "$D/new.status" --release bullseye --format json
	json '[f["state"] for f in d["findings"] if f["cve"] == "CVE-2023-0687"][0]'; }
expect_eq "$(st 2026-11-27T18:00:00Z)" no-fix "on the end date: still supported"
expect_eq "$(st 2026-11-28T00:00:00Z)" end-of-life "the day after: ended"
finish
