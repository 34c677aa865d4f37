#!/usr/bin/env bash
# SARIF 2.1.0, CycloneDX 1.5 VEX and OpenVEX from scan, fleet and triage:
# each document is validated against a schema subset written from its
# specification (tests/data/formats), its cross-references are checked
# (formats_check.py), and its numbers are compared with counts taken
# independently from vigie's JSON and from the dpkg status files.
. "$(dirname "$0")/lib.sh"
set -e
D=$TESTDATA/scan
SCHEMAS=$TESTDATA/formats
CHECK="python3 $(dirname "$0")/formats_check.py"
run db import --tracker-json "$D/tracker.json" --kev "$D/kev.json"
expect_rc 0 "import"
run hosts add old --status "$D/old.status" --release bullseye
run hosts add new --status "$D/new.status" --release bullseye
expect_rc 0 "hosts"

# installed packages of a status file, counted here from the file itself
installed() {
	python3 - "$1" <<'PY'
import sys
n = 0
for stanza in open(sys.argv[1]).read().split("\n\n"):
    if "\nStatus: install ok installed" in "\n" + stanza:
        n += 1
print(n)
PY
}
# (host, CVE, source) findings and the SARIF levels their classes give,
# from vigie's JSON (scan: one host; fleet: hosts[].findings)
json_facts() {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
hosts = d["hosts"] if "hosts" in d else [dict(host=d["host"], findings=d["findings"])]
lv = {"highly-critical": "error", "critical": "warning", "standard": "note"}
pairs, levels = set(), {}
for h in hosts:
    for f in h.get("findings", []):
        pairs.add((h["host"], f["cve"], f["source"]))
        levels[lv[f["class"]]] = levels.get(lv[f["class"]], 0) + 1
print(len(pairs), len({p[1] for p in pairs}), " ".join(f"{k}={levels[k]}" for k in sorted(levels)))
'
}

# ---- scan ----
SCAN="scan --status $D/old.status --release bullseye --host old --no-updates"
run $SCAN --format json
expect_rc 0 "scan json"
want=$(printf '%s' "$OUT" | json_facts)
run $SCAN --format sarif
expect_rc 0 "scan sarif"
printf '%s' "$OUT" > "$T/scan.sarif"
got=$($CHECK sarif "$SCHEMAS" < "$T/scan.sarif") || ko "scan SARIF invalid"
expect_eq "$got" "$want" "scan SARIF: one result per (host, CVE, source), one rule per CVE, levels from classes"
# the libc6 CVE-2023-4911 result carries Debian's evidence and the fixed version
got=$(python3 -c '
import json, sys
r = [x for x in json.load(open(sys.argv[1]))["runs"][0]["results"] if x["ruleId"] == "CVE-2023-4911"][0]
print(r["level"], r["properties"]["fixed_version"], r["properties"]["source"], "Debian security tracker" in r["message"]["text"])
' "$T/scan.sarif")
expect_eq "$got" "warning 2.31-13+deb11u7 glibc True" "SARIF result of CVE-2023-4911"
# fingerprints are stable from one run to the next
run $SCAN --format sarif
fp() { python3 -c 'import json,sys; print(sorted(r["partialFingerprints"]["vigieFinding/v1"] for r in json.load(sys.stdin)["runs"][0]["results"]))'; }
expect_eq "$(printf '%s' "$OUT" | fp)" "$(fp < "$T/scan.sarif")" "partialFingerprints stable"

run $SCAN --format cyclonedx
expect_rc 0 "scan cyclonedx"
printf '%s' "$OUT" > "$T/scan.cdx"
got=$($CHECK cyclonedx "$SCHEMAS" < "$T/scan.cdx") || ko "scan CycloneDX invalid"
nf=$(printf '%s' "$want" | cut -d' ' -f1)
expect_eq "$(printf '%s' "$got" | cut -d' ' -f1-2)" "$(installed "$D/old.status") $nf" \
	"CycloneDX: every installed package a component, one vulnerability per finding"
# the purl of libc6, built here from the status file
v=$(awk '/^Package: libc6$/{p=1} p&&/^Version:/{print $2; exit}' "$D/old.status")
purl="pkg:deb/debian/libc6@$(printf '%s' "$v" | sed 's/+/%2B/g')?arch=amd64&distro=debian-11"
got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(1 for c in d["components"] if c.get("purl") == sys.argv[2]))
v = [x for x in d["vulnerabilities"] if x["id"] == "CVE-2023-4911"][0]
print(v["analysis"]["state"], v["analysis"]["response"], [a["ref"].split("/", 1)[1] == sys.argv[2] for a in v["affects"]])
' "$T/scan.cdx" "$purl")
expect_eq "$got" "$(printf "1\nexploitable ['update'] [True]")" "libc6 purl and CVE-2023-4911's analysis"

# ---- filters ----
run $SCAN --format json --only-fixed
n1=$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')
expect_eq "$n1" "$(python3 -c 'import json,sys; print(sum(1 for f in json.load(sys.stdin)["findings"] if f["fixed_version"]))' <<<"$(VIGIE_NOW=$VIGIE_NOW "$VIGIE" $SCAN --format json)")" "--only-fixed keeps the findings with a fix"
run $SCAN --format json --min-class critical
n2=$(printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["findings"]), sorted({f["class"] for f in d["findings"]}))')
expect_eq "$n2" "3 ['critical', 'highly-critical']" "--min-class critical"
run $SCAN --min-class bogus
expect_rc 2 "--min-class checks its class"
run $SCAN --format sarif --min-class highly-critical
expect_eq "$(printf '%s' "$OUT" | $CHECK sarif "$SCHEMAS")" "2 2 error=2" "filters apply to SARIF"

# ---- fleet ----
run fleet --format json --findings
want=$(printf '%s' "$OUT" | json_facts)
run fleet --format sarif
expect_rc 0 "fleet sarif"
expect_eq "$(printf '%s' "$OUT" | $CHECK sarif "$SCHEMAS")" "$want" "fleet SARIF matches the fleet's JSON"
run fleet --format cyclonedx
expect_rc 0 "fleet cyclonedx"
got=$(printf '%s' "$OUT" | $CHECK cyclonedx "$SCHEMAS") || ko "fleet CycloneDX invalid"
expect_eq "$(printf '%s' "$got" | cut -d' ' -f1-2)" \
	"$(( $(installed "$D/old.status") + $(installed "$D/new.status") )) $(printf '%s' "$want" | cut -d' ' -f1)" \
	"fleet CycloneDX: both hosts' packages, every finding"

# ---- triage ----
TD=$TESTDATA/triage
run hosts add web1 --status "$TD/web1.status" --release bullseye
run triage "$TD/generic.csv" --format json
expect_rc 0 "triage json"
want=$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(len({(f["host"] or "unknown", f["cve"], f["source"] or f["scanner"]["package"]) for f in d["findings"] if f["cve"]}))')
run triage "$TD/generic.csv" --format sarif
expect_rc 0 "triage sarif"
got=$(printf '%s' "$OUT" | $CHECK sarif "$SCHEMAS") || ko "triage SARIF invalid"
expect_eq "$(printf '%s' "$got" | cut -d' ' -f1)" "$want" "triage SARIF: one result per (host, CVE, source)"
got=$(printf '%s' "$OUT" | python3 -c '
import json, sys
r = [x for x in json.load(sys.stdin)["runs"][0]["results"] if x["ruleId"] == "CVE-2022-28615"][0]
print(r["kind"], r["level"], r["properties"]["state"])')
expect_eq "$got" "pass none false-positive:fixed-by-backport" "a backport false positive is a SARIF pass"
run triage "$TD/generic.csv" --format cyclonedx
got=$(printf '%s' "$OUT" | $CHECK cyclonedx "$SCHEMAS") || ko "triage CycloneDX invalid"
expect_out '"state": "resolved"' "the backport is resolved in CycloneDX"

# ---- OpenVEX ----
run triage "$TD/generic.csv" --format openvex --vex-author "Ops <ops@example.org>"
expect_rc 0 "triage openvex"
printf '%s' "$OUT" > "$T/vex.json"
got=$($CHECK openvex "$SCHEMAS" < "$T/vex.json") || ko "OpenVEX invalid"
got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["author"])
st = {s["vulnerability"]["name"]: s for s in d["statements"]}
s = st["CVE-2022-28615"]
print(s["status"], sorted(p["@id"] for p in s["products"]))
print(st["CVE-2022-31813"]["status"])
' "$T/vex.json")
av=$(awk '/^Package: apache2$/{p=1} p&&/^Version:/{print $2; exit}' "$TD/web1.status")
expect_eq "$got" "$(printf "Ops <ops@example.org>\nfixed ['pkg:deb/debian/apache2-bin@%s?arch=amd64', 'pkg:deb/debian/apache2@%s?arch=amd64']\nunder_investigation" "$av" "$av")" \
	"OpenVEX: author, one product per installed package with version and arch; unknown is under_investigation"
# --openvex FILE writes the same document
run triage "$TD/generic.csv" --openvex "$T/vex2.json" --vex-author "Ops <ops@example.org>"
expect_eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])) == json.load(open(sys.argv[2])))' "$T/vex.json" "$T/vex2.json")" True "--openvex FILE and --format openvex agree"

# Trivy's and Grype's matching rule (Trivy pkg/purl Match, go-vex
# PurlMatches): same type, namespace and name, the same version when the
# statement has one, and every qualifier of the statement's purl equal in
# the scanned package's purl. The packages' purls are built here as each
# scanner writes them: Trivy moves an epoch to a qualifier and writes the
# point release (distro=debian-11.8), Syft keeps the epoch in the version
# and writes distro=debian-11. ns1 has bind9 with an epoch and libc6.
F=$TESTDATA/formats
run triage "$F/ns1.csv" --status "$F/epoch.status" --release bullseye --host ns1 --format openvex
expect_rc 0 "triage with an epoch package"
printf '%s' "$OUT" | $CHECK openvex "$SCHEMAS" >/dev/null || ko "ns1 OpenVEX invalid"
got=$(printf '%s' "$OUT" | python3 -c '
import json, sys
from urllib.parse import quote, unquote
def parse(p):
    rest, _, q = p.partition("?")
    head, _, ver = rest.partition("@")
    typ, ns, name = head[4:].split("/")
    quals = dict(kv.split("=", 1) for kv in q.split("&")) if q else {}
    return typ, ns, unquote(name), unquote(ver), {k: unquote(v) for k, v in quals.items()}
def match(c, t):
    c, t = parse(c), parse(t)
    return c[:3] == t[:3] and (not c[3] or c[3] == t[3]) and all(t[4].get(k) == v for k, v in c[4].items())
pkgs = {}
for st in open(sys.argv[1]).read().split("\n\n"):
    f = dict(l.split(": ", 1) for l in st.splitlines() if ": " in l)
    if f:
        pkgs[f["Package"]] = (f["Version"], f["Architecture"])
def trivy(n):
    v, a = pkgs[n]
    e, _, up = v.rpartition(":")
    q = "arch=" + a + "&distro=debian-11.8" + ("&epoch=" + e if e else "")
    return "pkg:deb/debian/%s@%s?%s" % (quote(n), quote(up, safe="~"), q)
def syft(n):
    v, a = pkgs[n]
    return "pkg:deb/debian/%s@%s?arch=%s&distro=debian-11" % (quote(n), quote(v, safe="~"), a)
d = json.load(sys.stdin)
names = []
for s in d["statements"]:
    for p in s["products"]:
        n = parse(p["@id"])[2]
        names.append(n)
        print(s["vulnerability"]["name"], n, s["status"], match(p["@id"], trivy(n)), match(p["@id"], syft(n)))
print(sorted(names))
' "$F/epoch.status")
expect_eq "$got" "$(printf "CVE-2023-3341 bind9 under_investigation True False\nCVE-2023-4911 libc6 affected True True\n['bind9', 'libc6']")" \
	"every product matches Trivy's purl of its package (Syft's too without an epoch); nginx, not installed, has no statement"

# CycloneDX of the same: the package not installed is no component, and
# its not_affected verdict affects the host itself
run triage "$F/ns1.csv" --status "$F/epoch.status" --release bullseye --host ns1 --format cyclonedx
got=$(printf '%s' "$OUT" | $CHECK cyclonedx "$SCHEMAS") || ko "ns1 CycloneDX invalid"
expect_eq "$got" "2 3 exploitable=1 in_triage=1 not_affected=1" "ns1 CycloneDX: two installed packages, three verdicts"
got=$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
v = [x for x in d["vulnerabilities"] if x["id"] == "CVE-2023-9999"][0]
print(v["analysis"]["state"], v["analysis"]["justification"], [a["ref"] for a in v["affects"]], [c["name"] for c in d["components"] if c["type"] == "operating-system"])')
expect_eq "$got" "not_affected code_not_present ['host:ns1'] ['ns1']" "a package not installed: not_affected on the host"

# ---- habits ----
REAL=$VIGIE_DB
VIGIE_DB="$T/none.db" run --db "$REAL" db status
expect_rc 0 "--db before the command"
VIGIE_DB="$T/none.db" run scan --db "$REAL" --status "$D/old.status" --release bullseye --host old --no-updates --format json
expect_rc 0 "--db after the command"
expect_eq "$(printf '%s' "$OUT" | json_facts | cut -d' ' -f1)" "$nf" "--db after the command reads the same database"
# --config before or after the command: the file is the one read
for args in "--config $T/none.conf alerts --dry-run" "alerts --dry-run --config $T/none.conf" "alerts --config=$T/none.conf --dry-run"; do
	run $args
	expect_rc 2 "$args: a missing vigie.conf named explicitly"
	expect_err "none.conf: cannot open" "$args: names the file"
done
run alerts --dry-run --db
expect_rc 2 "--db without its value"
run explain cve-2023-4911 --status "$D/old.status" --release bullseye
expect_out "CVE-2023-4911" "explain takes a lower-case CVE id and prints it upper"
finish
