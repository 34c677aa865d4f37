#!/usr/bin/env bash
# vigie decide --client: a decision for every host of one client, between
# the host's own and the fleet's; and a decision re-opened when Debian's
# data on its CVE changes (tracker data A, decide, tracker data B).
. "$(dirname "$0")/lib.sh"
set -e
D=$TESTDATA/scan
run db import --tracker-json "$D/tracker.json" --kev "$D/kev.json"
expect_rc 0 "import A"
run clients add acme
run clients add beta
# three hosts with the same packages: one of acme, one of beta, one without client
run hosts add a1 --status "$D/old.status" --release bullseye --client acme
expect_rc 0 "host of acme"
run hosts add b1 --status "$D/old.status" --release bullseye --client beta
run hosts add lone --status "$D/old.status" --release bullseye

# refusals
run decide CVE-2021-3156 --client nobody --status not_affected --reason x --by alice
expect_rc 2 "an unknown client"
expect_err "no client 'nobody'" "says which client is unknown"
run decide CVE-2021-3156 --client acme --host a1 --status not_affected --reason x --by alice
expect_rc 2 "--client and --host are exclusive"
run decide CVE-2021-3156 --client acme --fleet --status not_affected --reason x --by alice
expect_rc 2 "--client and --fleet are exclusive"
run decisions --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["decisions"]))')" 0 "refused decisions are not stored"

# decision 1 for acme's hosts, then decision 2 for every host (later)
run decide CVE-2021-3156 --client acme --status not_affected --reason "sudoedit removed at acme" --by alice
expect_rc 0 "decide for a client"
expect_out "^decision 1: CVE-2021-3156 not_affected on every host of client acme$" "what was stored"
run decide CVE-2021-3156 --fleet --status affected --reason "accepted everywhere" --by bob
expect_rc 0 "decide for every host"

decided() { # the decision id and scope on CVE on each host of the fleet
	run fleet --format json --findings --show-decided
	printf '%s' "$OUT" | python3 -c '
import json, sys
for h in json.load(sys.stdin)["hosts"]:
    d = [f["decision"] for f in h["findings"] if f["cve"] == sys.argv[1]][0]
    print(h["host"], d and (d["id"], d["scope"], d["client"], d["state"]))' "$1"
}
expect_eq "$(decided CVE-2021-3156)" "$(printf "a1 (1, 'client', 'acme', 'in-force')\nb1 (2, 'fleet', None, 'in-force')\nlone (2, 'fleet', None, 'in-force')")" \
	"the client's decision beats a later one for every host, on its hosts only"
run decide CVE-2021-3156 --host a1 --status fixed --reason "rebuilt by hand" --by carol
expect_eq "$(decided CVE-2021-3156)" "$(printf "a1 (3, 'host', None, 'in-force')\nb1 (2, 'fleet', None, 'in-force')\nlone (2, 'fleet', None, 'in-force')")" \
	"the host's decision beats its client's"
run decisions revoke 3
run decisions revoke 2
expect_eq "$(decided CVE-2021-3156)" "$(printf "a1 (1, 'client', 'acme', 'in-force')\nb1 None\nlone None")" \
	"another client's host and a host without client never get acme's decision"
# a second client decision, later: the latest of equal scope wins
run decide CVE-2021-3156 --client acme --status under_investigation --reason "re-checking" --by alice
expect_eq "$(decided CVE-2021-3156)" "$(printf "a1 (4, 'client', 'acme', 'in-force')\nb1 None\nlone None")" \
	"latest wins among a client's decisions"
run decisions revoke 4

# listed, shown, exported
run decisions --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys
print([(d["id"], d["scope"], d["host"], d["client"]) for d in json.load(sys.stdin)["decisions"]])')" \
	"[(1, 'client', None, 'acme')]" "list: the client scope"
run decisions
expect_out "^1 +CVE-2021-3156 +not_affected +\(client\) acme " "text list names the client"
run decisions show 1
expect_out "^client: +acme \(every host of the client\)$" "show names the client"
run scan --status "$D/old.status" --release bullseye --host a1 --no-updates --show-decided
expect_out "decided not_affected \(decision 1\) by alice on 2026-11-27 for client acme: sudoedit removed at acme" "scan text"
run scan --status "$D/old.status" --release bullseye --host b1 --no-updates --format json --show-decided
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys
print([f["decision"] for f in json.load(sys.stdin)["findings"] if f["cve"] == "CVE-2021-3156"])')" "[None]" "scan: not on another client's host"
run scan --status "$D/old.status" --release bullseye --host a1 --no-updates --format cyclonedx --show-decided
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys
v = [x for x in json.load(sys.stdin)["vulnerabilities"] if x["id"] == "CVE-2021-3156"][0]
p = {x["name"]: x["value"] for x in v["properties"]}
print(v["analysis"]["state"], p["vigie:decision:client"], p["vigie:decision:state"])')" \
	"not_affected acme in-force" "CycloneDX carries the client"
run scan --status "$D/old.status" --release bullseye --host a1 --no-updates --format sarif --show-decided
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys
r = [x for x in json.load(sys.stdin)["runs"][0]["results"] if x["ruleId"] == "CVE-2021-3156"][0]
print(r["properties"]["decision"]["client"], len(r["suppressions"]))')" "acme 1" "SARIF carries the client"

# ---- re-opened when Debian's data changes ----
# tracker data B: CVE-2023-0687 (glibc, open in A) gains a fix in bullseye;
# CVE-2022-3715 (bash) changes urgency; CVE-2023-4911 does not change
python3 - "$D/tracker.json" "$T/tracker-b.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
r = d["glibc"]["CVE-2023-0687"]["releases"]["bullseye"]
assert r["status"] == "open" and "fixed_version" not in r, r
r["status"] = "resolved"
r["fixed_version"] = "2.31-13+deb11u8"
d["bash"]["CVE-2022-3715"]["releases"]["bullseye"]["urgency"] = "medium"
json.dump(d, open(sys.argv[2], "w"))
EOF
SCAN="scan --status $D/old.status --release bullseye --host lone --no-updates"
run decide CVE-2023-0687 --host lone --status affected --reason "no fix yet, accepted" --by alice
expect_rc 0 "decide while open (decision 5)"
run decide CVE-2023-4911 --fleet --status not_affected --reason "not reachable" --by alice
expect_rc 0 "decide on a CVE that will not change (decision 6)"
run decisions show 5
expect_out "^debian data: +bullseye glibc: open \(low\)$" "show: Debian's data when decided"
run $SCAN --fail-on standard --format json
expect_rc 1 "other findings still fail the gate"
before=$(printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["summary"]["decided"], sorted(f["cve"] for f in d["findings"] if f["cve"] in ("CVE-2023-0687","CVE-2023-4911")))')
expect_eq "$before" "2 []" "both decided before the change"
run alerts --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["decisions"])')" "[]" "alerts: nothing re-opened yet"

run db import --tracker-json "$T/tracker-b.json"
expect_rc 0 "import B"
run $SCAN --format json --show-decided
got=$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
f = {x["cve"]: x for x in d["findings"]}
x = f["CVE-2023-0687"]
print(x["state"], x["fixed_version"], x["decision"]["id"], x["decision"]["state"], x["decision"]["in_force"])
print(x["decision"]["debian_was"], "->", x["decision"]["debian_now"])
y = f["CVE-2023-4911"]["decision"]
print(y["id"], y["state"], "debian_was" in y, d["summary"]["decided"])')
expect_eq "$got" "$(printf "fixed-available 2.31-13+deb11u8 5 re-opened False\nopen (low) -> resolved 2.31-13+deb11u8 (low)\n6 in-force False 1")" \
	"the decision on the CVE whose data changed is re-opened, the other is not"
run $SCAN
expect_out "decision re-opened: Debian's data changed \(was open \(low\), now resolved 2\.31-13\+deb11u8 \(low\)\); decision 5 \(affected\) no longer applies: no fix yet, accepted" \
	"text says it re-opened and why"
run explain CVE-2023-0687 --status "$D/old.status" --release bullseye --host lone
expect_out "^Decision re-opened: Debian's data changed \(was open \(low\), now resolved 2\.31-13\+deb11u8 \(low\)\)\.$" "explain says it"
run decisions --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys
print([(d["id"], d["state"]) for d in json.load(sys.stdin)["decisions"]])')" \
	"[(1, 'in-force'), (5, 're-opened'), (6, 'in-force')]" "list: re-opened"
# decisions on another host or release are not judged with this host's data
run decide CVE-2022-3715 --host b1 --status affected --reason "after B" --by bob
run $SCAN --format json --show-decided
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys
print([f["decision"] for f in json.load(sys.stdin)["findings"] if f["cve"] == "CVE-2022-3715"])')" "[None]" \
	"b1's decision is not lone's"

# alerts: the re-opened decision once, the expired one once
run alerts --format json
got=$(printf '%s' "$OUT" | python3 -c '
import json, sys
for d in json.load(sys.stdin)["decisions"]:
    print(d["id"], d["cve"], d["state"], d["debian_was"], "->", d["debian_now"], d["host"])')
expect_eq "$got" "5 CVE-2023-0687 re-opened open (low) -> resolved 2.31-13+deb11u8 (low) lone" "alerts report the re-opened decision"
run alerts --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["decisions"])')" "[]" "once"
run decide CVE-2024-1086 --host lone --status affected --reason "until the upgrade" --by bob --until 2026-12-15
run alerts
expect_out "^no new alerts$" "text: nothing new"
export VIGIE_NOW=2026-12-20T09:00:00Z
run alerts --dry-run
expect_out "^decision 8 \(CVE-2024-1086 affected on lone\) expired after 2026-12-15: until the upgrade$" "text: the expired decision"
run alerts
expect_out "^decision 8 " "--dry-run did not record it"
run alerts
expect_out "^no new alerts$" "the expired decision once"
finish
