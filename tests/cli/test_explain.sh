#!/usr/bin/env bash
# vigie explain: the facts and the conclusion for one CVE on a host.
. "$(dirname "$0")/lib.sh"
set -e
D=$TESTDATA/scan
printf '[10 Jun 2022] DSA-5163-1 apache2 - security update\n\t{CVE-2022-28615 CVE-2022-31813}\n\t[bullseye] - apache2 2.4.54-1~deb11u1\n' > "$T/dsa"
run db import --tracker-json "$D/tracker.json" --kev "$D/kev.json" --dsa-list "$T/dsa"
expect_rc 0 "import"

# the backport: not affected, with the reason in one sentence
run explain CVE-2022-28615 --status "$D/new.status" --release bullseye
expect_rc 0 "not affected"
expect_out "Debian security tracker, bullseye: apache2 is resolved, fixed in 2.4.54-1~deb11u1" "tracker status per release"
expect_out "Debian security tracker, bookworm: apache2 is resolved, fixed in 2.4.54-1" "other releases too"
expect_out "DSA-5163-1 \(2022-06-10\): bullseye apache2 2.4.54-1~deb11u1" "the advisory"
expect_out "Installed: apache2 2.4.56-1~deb11u2 \(source apache2 2.4.56-1~deb11u2\)" "installed versions"
expect_out "Conclusion: not affected: installed source version 2.4.56-1~deb11u2 of apache2 is at or above Debian's fixed version 2.4.54-1~deb11u1 for bullseye" "conclusion"

# the vulnerable host: affected, class and rule
run explain CVE-2021-3156 --status "$D/old.status" --release bullseye --format json
expect_rc 1 "affected"
printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["schema"] == "vigie.explain/1"
assert d["affected"] is True and d["state"] == "fixed-available", d
assert d["class"] == "highly-critical" and d["class_rule"] == "highly-critical: kev", d
assert d["kev"] is True
assert any(t["release"] == "bullseye" and t["fixed_version"] == "1.9.5p2-1" for t in d["tracker"])
assert any(p["name"] == "sudo" and p["version"] == "1.9.5p1-1" for p in d["host"]["packages"])
assert "1.9.5p1-1" in d["conclusion"]
' && ok || ko "JSON facts"

# kernel: a CVE fixed in an installed but not running image
run explain CVE-2024-1086 --status "$D/old.status" --release bullseye --kernel 5.10.0-28-amd64
expect_rc 0 "running the fixed kernel"
run explain CVE-2024-1086 --status "$D/old.status" --release bullseye --kernel 5.10.0-27-amd64
expect_rc 1 "running the old kernel"
expect_out "reboot required" "reboot said"

run explain CVE-2022-28615 --no-host
expect_rc 0 "data only"
expect_no_out "Conclusion" "no host, no conclusion"
run explain CVE-1999-0001 --no-host
expect_out "no Debian data" "unknown CVE"
expect_rc 3 "no data: cannot tell"
# no Debian data is no conclusion, never "not affected"
run explain CVE-1999-0001 --status "$D/new.status" --release bullseye
expect_rc 3 "unknown CVE on a host: cannot tell"
expect_out "^Conclusion: unknown: the database has no Debian data for CVE-1999-0001\.$" "says unknown"
expect_no_out "not affected" "never not affected"
run explain CVE-1999-0001 --status "$D/new.status" --release bullseye --format json
expect_rc 3 "JSON: cannot tell"
printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["affected"] is None and d["verdict"] == "unknown", d
assert d["conclusion"] == "unknown: the database has no Debian data for CVE-1999-0001", d
' && ok || ko "JSON unknown"
run explain CVE-2022-28615 --status "$D/new.status" --release bullseye --format json
printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["affected"] is False and d["verdict"] == "not-affected", d
' && ok || ko "JSON not affected"
run explain not-a-cve --no-host
expect_rc 2 "bad id"
finish
