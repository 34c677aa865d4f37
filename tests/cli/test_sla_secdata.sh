#!/usr/bin/env bash
# timeline and sla with Debian's security data: the CVEs an upgrade fixed
# come from the release's fixed versions, publication from the DSA date,
# the class from the policy (KEV -> highly-critical). Worked by hand:
#  CVE-2006-20001 apache2: DSA-5376-1 Mon 2023-03-20 00:00 UTC, installed
#   15:00:01 the same day: 15 business hours, deadline Tue 00:00: met.
#  CVE-2021-3156 sudo (KEV): DSA-9002-1 Fri 2023-03-24 00:00 UTC, installed
#   Fri 18:00: 18 h, deadline Mon 27th 00:00: met; highly-critical.
#  CVE-2022-28615 apache2: fixed 2.4.54-1~deb11u1 in (old, new], no
#   advisory and no changelog: undated.
. "$(dirname "$0")/lib.sh"
set -e
export TZ=UTC
D=$TESTDATA/secdata
run db import --tracker-json "$TESTDATA/scan/tracker.json" --kev "$TESTDATA/scan/kev.json" --dsa-list "$D/DSA-list"
expect_rc 0 "import"
run timeline --root "$D/root" --format json
expect_rc 0 "timeline"
got=$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
out = set()
def walk(o):
    if isinstance(o, dict):
        if "cve" in o and isinstance(o["cve"], str):
            out.add(o["cve"])
        for v in o.values(): walk(v)
    elif isinstance(o, list):
        for v in o: walk(v)
walk(d)
print(" ".join(sorted(out)))')
expect_eq "$got" "CVE-2006-20001 CVE-2021-3156 CVE-2022-28615" "CVEs fixed by the upgrades, from the fixed versions"
got=$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
seen = set()
for day in d["days"]:
    for u in day["upgrades"]:
        for c in u["cves"]:
            seen.add("%s %s %s" % (c["cve"], c["advisory"], c["class"]))
print(";".join(sorted(seen)))')
expect_eq "$got" "CVE-2006-20001 DSA-5376-1 standard;CVE-2021-3156 DSA-9002-1 highly-critical;CVE-2022-28615 None standard" "timeline CVEs carry advisory and class"
run timeline --root "$D/root" --format html
expect_out "CVE-2021-3156 <small>highly-critical &middot; DSA-9002-1</small>" "HTML shows class and advisory"
run sla --root "$D/root" --format json
expect_rc 0 "sla"
printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
items = {i["cve"]: i for i in d["items"]}
a = items["CVE-2006-20001"]
assert a["published"] == "2023-03-20T00:00:00Z", a
assert "DSA-5376-1" in a["published_from"], a
assert abs(a["delay_business_hours"] - 15.0) < 0.01, a
assert a["met"] is True and a["class"] == "standard", a
s = items["CVE-2021-3156"]
assert s["class"] == "highly-critical", s
assert s["published"] == "2023-03-24T00:00:00Z", s
assert abs(s["delay_business_hours"] - 18.0) < 0.01, s
assert s["met"] is True, s
assert "CVE-2022-28615" not in items
assert d["undated_fixes"] == 1, d["undated_fixes"]
' && ok || ko "SLA items from the security data"
run sla --root "$D/root" --format json --no-security-data
expect_no_out '"published_from": "DSA-' "--no-security-data ignores advisories"
finish
