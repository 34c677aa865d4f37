#!/usr/bin/env bash
# vigie triage: the operator's classic case in every input and output
# format. web1 runs apache2 2.4.56-1~deb11u2; scanners read "Apache 2.4.56"
# and flag CVE-2022-28615 ("2.4.53 and earlier"); Debian fixed it in
# bullseye in 2.4.54-1~deb11u1: a false positive, fixed by backport.
. "$(dirname "$0")/lib.sh"
set -e
D=$TESTDATA/triage
run db import --tracker-json "$TESTDATA/scan/tracker.json"
expect_rc 0 "import tracker fixture"
run hosts add web1 --status "$D/web1.status" --release bullseye
expect_rc 0 "add web1"

verdict_of() { # JSON on stdin -> verdicts of CVE-2022-28615 on web1
	python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["schema"] == "vigie.triage/1"
for f in d["findings"]:
    for k in ("host", "cve", "source", "verdict", "evidence"):
        assert k in f, k
    if f["cve"] == "CVE-2022-28615" and f["host"] == "web1":
        print(f["verdict"], f["source"], "2.4.54-1~deb11u1" in f["evidence"] and "2.4.56-1~deb11u2" in f["evidence"])
' | sort -u
}

for r in greenbone.xml greenbone.csv nessus.csv sample.nessus trivy.json grype.json generic.csv; do
	run triage "$D/$r" --format json
	expect_rc 0 "triage $r"
	expect_err "read as" "$r: says which format it chose"
	got=$(printf '%s' "$OUT" | verdict_of)
	expect_eq "$got" "false-positive:fixed-by-backport apache2 True" "$r: CVE-2022-28615 is a backport false positive with its evidence"
done

# every output format carries the verdict and its evidence
run triage "$D/generic.csv"
expect_out "web1 CVE-2022-28615 false-positive:fixed-by-backport" "text verdict"
expect_out "fixed in apache2 2.4.54-1~deb11u1; installed source version 2.4.56-1~deb11u2 is at or above it" "text evidence"
expect_out "false positive" "text summary"
run triage "$D/generic.csv" --format csv
expect_out '^host,cve,source,source_version,verdict,' "CSV header"
expect_out '^web1,CVE-2022-28615,apache2,2.4.56-1~deb11u2,false-positive:fixed-by-backport,2.4.54-1~deb11u1' "CSV row"
run triage "$D/generic.csv" --format html
expect_out '<td>CVE-2022-28615</td>' "HTML row"
expect_out 'false-positive:fixed-by-backport</td>' "HTML verdict"
expect_no_out '<(script|link|img)' "HTML is self-contained"

# OpenVEX: a "fixed" statement for the installed apache2 binaries
run triage "$D/generic.csv" --format json --openvex "$T/vex.json"
expect_rc 0 "openvex written"
python3 - "$T/vex.json" <<'PY' && ok || ko "OpenVEX document"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["@context"] == "https://openvex.dev/ns/v0.2.0", d["@context"]
for k in ("@id", "author", "timestamp", "version", "statements"):
    assert k in d, k
st = [s for s in d["statements"] if s["vulnerability"]["name"] == "CVE-2022-28615"]
assert st and st[0]["status"] == "fixed", st
ids = [p["@id"] for p in st[0]["products"]]
assert any(i.startswith("pkg:deb/debian/apache2@2.4.56-1~deb11u2") for i in ids), ids
for s in d["statements"]:
    assert s["status"] in ("not_affected", "affected", "fixed", "under_investigation")
    if s["status"] == "not_affected":
        assert s.get("justification") or s.get("impact_statement"), s
    if s["status"] == "affected":
        assert s.get("action_statement"), s
PY

# an inventory given on the command line, and an unknown host
run triage "$D/generic.csv" --status "$D/web1.status" --release bullseye --host web1 --format json
expect_eq "$(printf '%s' "$OUT" | verdict_of)" "false-positive:fixed-by-backport apache2 True" "with --status"
run triage "$D/nessus.csv" --format json
expect_out '"verdict": "unknown"' "hosts not in the database are unknown"

# hostile input
printf '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<report><results><result><host>web1</host><nvt><refs><ref type="cve" id="&x;"/></refs></nvt></result></results></report>\n' > "$T/xxe.xml"
run triage "$T/xxe.xml" --input-format greenbone-xml
expect_rc 2 "XXE refused"
expect_no_out "root:" "no file read"
run triage /nonexistent.csv
expect_rc 2 "missing report"
expect_err "/nonexistent.csv" "names the file"
finish
