#!/usr/bin/env bash
# vigie decide / decisions: a doubt cleared in writing is kept, shown,
# exported and taken out of --fail-on, until it expires or is revoked;
# a data import keeps it.
. "$(dirname "$0")/lib.sh"
set -e
D=$TESTDATA/scan
SCHEMAS=$TESTDATA/formats
CHECK="python3 $(dirname "$0")/formats_check.py"
run db import --tracker-json "$D/tracker.json" --kev "$D/kev.json"
expect_rc 0 "import"
run hosts add old --status "$D/old.status" --release bullseye
run hosts add new --status "$D/new.status" --release bullseye
SCAN="scan --status $D/old.status --release bullseye --host old --no-updates"

# the highly-critical findings on old, from the JSON before any decision
run $SCAN --format json
all=$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')
hc=$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(" ".join(sorted(f["cve"] for f in json.load(sys.stdin)["findings"] if f["class"] == "highly-critical")))')
expect_eq "$hc" "CVE-2021-3156 CVE-2024-1086" "the fixture's highly-critical findings"
run $SCAN --fail-on highly-critical
expect_rc 1 "--fail-on highly-critical before any decision"

# refusals
run decide CVE-2021-3156 --host old --status not_affected --by alice
expect_rc 2 "a decision needs a reason"
expect_err "reason" "says the reason is missing"
run decide CVE-2021-3156 --host old --all-hosts --status fixed --reason x --by alice
expect_rc 2 "--host and --all-hosts are exclusive"
run decide CVE-2021-3156 --host old --status false-alarm --reason x --by alice
expect_rc 2 "unknown status"
run decide CVE-2021-3156 --host old --status affected --justification component_not_present --reason x --by alice
expect_rc 2 "a justification only for not_affected"
run decide CVE-2021-3156 --host old --status not_affected --justification because --reason x --by alice
expect_rc 2 "unknown justification"
run decide CVE-21-3156 --host old --status fixed --reason x --by alice
expect_rc 2 "not a CVE id"
run decide CVE-2021-3156 --host old --status fixed --reason x --by alice --expires 2026-01-01
expect_rc 2 "an expiry in the past"
run decisions --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["decisions"]))')" 0 "refused decisions are not stored"

# two decisions: one on old (lower-case id, expiring), one on every host
run decide cve-2021-3156 --host old --status not_affected \
	--justification vulnerable_code_not_in_execute_path \
	--reason "sudoedit is removed on old (audit 2026-11)" --by alice --expires 2026-12-31
expect_rc 0 "decide on one host"
expect_out "^decision 1: CVE-2021-3156 not_affected on old until 2026-12-31" "the id is printed upper case"
run decide CVE-2024-1086 --all-hosts --status affected --reason "accepted until the reboot window" --by bob
expect_rc 0 "decide on every host"

run $SCAN --fail-on highly-critical --format json
expect_rc 0 "decided findings do not count for --fail-on"
got=$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(len(d["findings"]), d["summary"]["decided"], sorted(f["cve"] for f in d["findings"] if f["class"] == "highly-critical"))')
expect_eq "$got" "$((all - 2)) 2 []" "decided findings are hidden and counted"
run $SCAN --fail-on critical
expect_rc 1 "an undecided critical finding still fails the gate"

run $SCAN --format json --show-decided --fail-on highly-critical
expect_rc 0 "--show-decided lists them, the gate stays open"
got=$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
f = {x["cve"]: x for x in d["findings"]}
x = f["CVE-2021-3156"]["decision"]
print(len(d["findings"]), x["status"], x["justification"], x["by"], x["at"], x["expires"], x["expired"], x["host"])
y = f["CVE-2024-1086"]["decision"]
print(y["status"], y["by"], y["host"], f["CVE-2023-4911"]["decision"])')
expect_eq "$got" "$(printf "%s not_affected vulnerable_code_not_in_execute_path alice 2026-11-27T09:00:00Z 2027-01-01T00:00:00Z False old\naffected bob None None" "$all")" \
	"JSON: who, when, why, until when; undecided findings carry null"
run $SCAN --show-decided
expect_out "decided not_affected \(decision 1\) by alice on 2026-11-27 until 2026-12-31: sudoedit is removed" "text shows the decision"

# explain shows the decision beside Debian's conclusion
run explain cve-2021-3156 --status "$D/old.status" --release bullseye --host old
expect_out "^Decision 1: not_affected by alice on 2026-11-27 until 2026-12-31: sudoedit is removed" "explain text"
run explain CVE-2021-3156 --status "$D/old.status" --release bullseye --host new --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["decision"])')" None "explain: a host's decision is not another host's"

# exports
run $SCAN --format sarif --show-decided
got=$(printf '%s' "$OUT" | python3 -c '
import json, sys
rs = json.load(sys.stdin)["runs"][0]["results"]
s = [r for r in rs if r.get("suppressions")]
print(len(rs), sorted(r["ruleId"] for r in s), s[0]["suppressions"][0]["kind"], "alice" in json.dumps(s))')
expect_eq "$got" "$all ['CVE-2021-3156', 'CVE-2024-1086'] external True" "SARIF: decided results are suppressed with the reason"
run $SCAN --format cyclonedx --show-decided
printf '%s' "$OUT" | $CHECK cyclonedx "$SCHEMAS" >/dev/null || ko "CycloneDX with decisions invalid"
got=$(printf '%s' "$OUT" | python3 -c '
import json, sys
v = {x["id"]: x for x in json.load(sys.stdin)["vulnerabilities"]}
a = v["CVE-2021-3156"]["analysis"]
print(a["state"], a["justification"], a["detail"].startswith("Decided by alice on 2026-11-27"))
print(v["CVE-2024-1086"]["analysis"]["state"])')
expect_eq "$got" "$(printf "not_affected code_not_reachable True\nexploitable")" "CycloneDX analysis follows the decision"

# fleet: the all-hosts decision applies on every host, the other on old only
run fleet --format json --findings --show-decided
got=$(printf '%s' "$OUT" | python3 -c '
import json, sys
for h in json.load(sys.stdin)["hosts"]:
    print(h["host"], sorted((f["cve"], f["decision"]["id"]) for f in h["findings"] if f["decision"]))')
expect_eq "$got" "$(printf "new []\nold [('CVE-2021-3156', 1), ('CVE-2024-1086', 2)]")" "fleet applies decisions per host"
run fleet --fail-on highly-critical
expect_rc 0 "fleet --fail-on ignores decided findings"

# triage: OpenVEX statement from a decision
TD=$TESTDATA/triage
run hosts add web1 --status "$TD/web1.status" --release bullseye
run decide CVE-2022-31813 --host web1 --status not_affected --justification vulnerable_code_not_present \
	--reason "mod_proxy is not built" --by carol
expect_rc 0 "decide on web1"
run triage "$TD/generic.csv" --format openvex
printf '%s' "$OUT" | $CHECK openvex "$SCHEMAS" >/dev/null || ko "OpenVEX with decisions invalid"
got=$(printf '%s' "$OUT" | python3 -c '
import json, sys
s = [x for x in json.load(sys.stdin)["statements"] if x["vulnerability"]["name"] == "CVE-2022-31813"][0]
print(s["status"], s["justification"], "impact_statement" in s, "mod_proxy is not built" in s["status_notes"], "carol" in s["status_notes"])')
expect_eq "$got" "not_affected vulnerable_code_not_present False True True" "OpenVEX statement from the decision (justification, the reason in the notes)"
run decide CVE-2022-28615 --host web1 --status not_affected --reason "apache2 is not exposed" --by carol
run triage "$TD/generic.csv" --format openvex
printf '%s' "$OUT" | $CHECK openvex "$SCHEMAS" >/dev/null || ko "OpenVEX with an unjustified decision invalid"
got=$(printf '%s' "$OUT" | python3 -c '
import json, sys
s = [x for x in json.load(sys.stdin)["statements"] if x["vulnerability"]["name"] == "CVE-2022-28615"][0]
print(s["status"], "justification" in s, s["impact_statement"])')
expect_eq "$got" "not_affected False apache2 is not exposed" "without a justification, the reason is the impact statement"
run decisions revoke 4
expect_rc 0 "revoke the unjustified decision"
run triage "$TD/generic.csv" --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print([f["decision"]["by"] for f in json.load(sys.stdin)["findings"] if f["decision"]])')" "['carol']" "triage JSON shows the decision"

# a data import keeps every decision
run db import --tracker-json "$D/tracker.json" --kev "$D/kev.json"
expect_rc 0 "import again"
run decisions --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print([(d["id"], d["state"]) for d in json.load(sys.stdin)["decisions"]])')" \
	"[(1, 'in-force'), (2, 'in-force'), (3, 'in-force')]" "decisions survive an import"
run $SCAN --fail-on highly-critical
expect_rc 0 "and still apply after it"

# expiry: after 2026-12-31 decision 1 no longer applies and says so
export VIGIE_NOW=2027-01-01T00:00:01Z
run $SCAN --fail-on highly-critical --format json
expect_rc 1 "an expired decision no longer keeps the gate open"
got=$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
f = [x for x in d["findings"] if x["cve"] == "CVE-2021-3156"][0]
print(f["decision"]["id"], f["decision"]["expired"], d["summary"]["decided"])')
expect_eq "$got" "1 True 1" "the finding is back, naming its expired decision"
run $SCAN
expect_out "decision 1 \(not_affected\) expired after 2026-12-31, no longer applies" "text says it expired"
run decisions
expect_out "^1 +CVE-2021-3156 .*expired after 2026-12-31" "decisions list says expired"
export VIGIE_NOW=2026-11-27T09:00:00Z

# revoke
run decisions revoke 2 --by bob
expect_rc 0 "revoke"
run decisions revoke 2
expect_rc 2 "a revoked decision cannot be revoked again"
run $SCAN --fail-on highly-critical
expect_rc 1 "a revoked decision no longer applies"
run decisions --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print([d["id"] for d in json.load(sys.stdin)["decisions"]])')" "[1, 3]" "list leaves revoked decisions out"
run decisions list --all --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print([(d["id"], d["state"], d["revoked_by"]) for d in json.load(sys.stdin)["decisions"]])')" \
	"[(1, 'in-force', None), (2, 'revoked', 'bob'), (3, 'in-force', None), (4, 'revoked', None)]" "--all shows who revoked"
run decisions show 2
expect_rc 0 "show a revoked decision"
expect_out "^reason: +accepted until the reboot window$" "show: the reason"
expect_out "^state: +revoked$" "show: the state"
expect_out "^revoked by: +bob$" "show: who revoked"
run decisions show 1
expect_out "^holds through: +2026-12-31$" "show: the last day"
run decisions show 99
expect_rc 2 "show: no such decision"
# the auditors' words: --fleet, --until, false-positive and accepted-risk
run decide CVE-2023-4911 --fleet --status false-positive --reason "not exploitable here" \
	--by carol --until 2027-01-31
expect_rc 0 "--fleet --status false-positive --until"
run decide CVE-2022-3715 --host old --status accepted-risk --reason "maintenance in January" --by carol
expect_rc 0 "accepted-risk"
run decisions --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys
for d in json.load(sys.stdin)["decisions"]:
    if d["by"] == "carol" and d["cve"] in ("CVE-2023-4911", "CVE-2022-3715"):
        print(d["cve"], d["host"], d["status"], d.get("expires"))')" \
	"$(printf 'CVE-2023-4911 None not_affected 2027-02-01T00:00:00Z\nCVE-2022-3715 old affected None')" \
	"stored under the OpenVEX statuses, every host for --fleet, through the --until day"

# a CVE entering CISA KEV re-opens an accepted risk, not a "not affected"
K=$(newdb kev)
VIGIE_DB=$K run db import --tracker-json "$D/tracker.json"
VIGIE_DB=$K run hosts add old --status "$D/old.status" --release bullseye
VIGIE_DB=$K run decide CVE-2021-3156 --host old --status accepted-risk --reason "sudo unused" --by dave
expect_rc 0 "accepted risk, before KEV lists it"
VIGIE_DB=$K run decide CVE-2024-1086 --host old --status false-positive --reason "module blacklisted" --by dave
expect_rc 0 "false positive, before KEV lists it"
kevstates() {
	VIGIE_DB=$K run $SCAN --format json --show-decided
	printf '%s' "$OUT" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    d = f.get("decision")
    if f["cve"] in ("CVE-2021-3156", "CVE-2024-1086") and d:
        print(f["cve"], d["state"], d.get("debian_was"), d.get("debian_now"))' | sort
}
expect_eq "$(kevstates)" "$(printf 'CVE-2021-3156 in-force None None\nCVE-2024-1086 in-force None None')" \
	"both decisions in force before KEV lists them"
VIGIE_DB=$K run db import --kev "$D/kev.json"
expect_eq "$(kevstates)" "$(printf 'CVE-2021-3156 re-opened not in CISA KEV in CISA KEV\nCVE-2024-1086 in-force None None')" \
	"KEV listing re-opens the accepted risk only"
VIGIE_DB=$K run $SCAN --show-decided
expect_out "re-opened: CISA KEV changed \(was not in CISA KEV, now in CISA KEV\)" "the text says what changed"
VIGIE_DB=$K run decisions show 1
expect_out "^cisa kev: +not in CISA KEV when decided$" "show: the KEV listing when decided"
# taken while it is listed: stands
VIGIE_DB=$K run decide CVE-2021-3156 --host old --status accepted-risk --reason "isolated" --by erin
expect_eq "$(kevstates | head -1)" "CVE-2021-3156 in-force None None" "an acceptance taken while listed stands"
finish
