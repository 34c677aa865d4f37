#!/usr/bin/env bash
# vigie triage of a Trivy or Grype report whose target is not a stored host
# and without --status/--root: the report's own OS release and packages are
# the inventory, and the findings are named after the report's target.
# Verdicts worked by hand from tests/data/scan/tracker.json:
# - CVE-2022-28615, apache2, bookworm: fixed in 2.4.54-1; the image's
#   apache2-bin comes from source apache2 2.4.57-2 (Packages[].SrcName):
#   backport false positive;
# - CVE-2021-3156, sudo, bullseye: fixed in 1.9.5p2-1 <= 1.9.5p2-3: false
#   positive; CVE-2022-3715, bash, bullseye: fixed in 5.1-2+deb11u1 > 5.1-2:
#   confirmed; CVE-2023-4911, glibc (Grype's upstream), bullseye: fixed in
#   2.31-13+deb11u7 > 2.31-13+deb11u5: confirmed.
. "$(dirname "$0")/lib.sh"
set -e
D=$TESTDATA/triage
CHECK="python3 $(dirname "$0")/formats_check.py"
run db import --tracker-json "$TESTDATA/scan/tracker.json" --distro-info "$TESTDATA/scan/distro-info.csv"
expect_rc 0 "import"

verdicts() { # JSON on stdin -> "host cve source verdict" per finding, then the inventory note
	python3 -c '
import json, sys
d = json.load(sys.stdin)
for f in d["findings"]:
    print(f["host"], f["cve"], f["source"], f["verdict"])
print("inventory:", d["report"]["inventory"])'
}

# Trivy with Results[].Packages: the OS results' packages, sources and all
run triage "$D/trivy-image.json" --format json
expect_rc 0 "trivy image"
expect_eq "$(printf '%s' "$OUT" | verdicts)" "registry.example/shop:1.4 CVE-2022-28615 apache2 false-positive:fixed-by-backport
registry.example/shop:1.4 CVE-2021-23337 None unknown
inventory: debian 12.5 (bookworm), 4 packages listed by the report" \
	"judged on bookworm with the report's packages, named after ArtifactName"
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys
f = json.load(sys.stdin)["findings"]
print(f[0]["source_version"], [p["name"] for p in f[0]["packages"]])
print("outside dpkg" in f[1]["evidence"], "lodash" in f[1]["evidence"])')" "2.4.57-2 ['apache2-bin']
True True" "the source version from SrcVersion/SrcRelease; a language package is not Debian's to judge"
run triage "$D/trivy-image.json"
expect_out "^registry.example/shop:1.4 CVE-2022-28615 false-positive:fixed-by-backport$" "text names the target"
expect_out "^judged on the inventory the report gives: debian 12.5 \(bookworm\), 4 packages listed by the report$" "text says whose inventory"

# Trivy without package list: the packages its vulnerabilities name
run triage "$D/trivy-nopkgs.json" --format json
expect_eq "$(printf '%s' "$OUT" | verdicts)" "registry.example/tools:7 CVE-2021-3156 sudo false-positive:fixed-by-backport
registry.example/tools:7 CVE-2022-3715 bash confirmed:fix-available
registry.example/tools:7 CVE-2022-3715 bash confirmed:fix-available
inventory: debian 11.7 (bullseye), 2 packages named by its findings only (no package list)" \
	"judged on bullseye with PkgName/InstalledVersion"
# OpenVEX: only packages whose arch the report gives are products
run triage "$D/trivy-nopkgs.json" --format openvex
printf '%s' "$OUT" | $CHECK openvex "$TESTDATA/formats" >/dev/null || ko "OpenVEX from a report's inventory invalid"
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys
print(sorted(p["@id"] for s in json.load(sys.stdin)["statements"] for p in s["products"]))')" \
	"['pkg:deb/debian/sudo@1.9.5p2-3?arch=amd64']" "the arch from PkgIdentifier.PURL; bash has none and is left out"

# Grype: distro.name/version and the matched deb artifacts with their upstreams
run triage "$D/grype-image.json" --format json
expect_rc 0 "grype image"
expect_eq "$(printf '%s' "$OUT" | verdicts)" "registry.example/db:2 CVE-2021-3156 sudo false-positive:fixed-by-backport
registry.example/db:2 CVE-2023-4911 glibc confirmed:fix-available
registry.example/db:2 CVE-2023-4911 glibc confirmed:fix-available
inventory: debian 11 (bullseye), 3 packages named by its findings only (no package list)" \
	"judged on bullseye, sources from upstreams, named after source.target"
run triage "$D/grype-image.json" --format cyclonedx
printf '%s' "$OUT" | $CHECK cyclonedx "$TESTDATA/formats" >/dev/null || ko "CycloneDX from a report's inventory invalid"

# a decision on the target applies to its findings
run decide CVE-2023-4911 --host registry.example/db:2 --status affected --reason "rebuild planned" --by alice
expect_rc 0 "decide on the report's target"
run triage "$D/grype-image.json" --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys
print(sorted(set((f["cve"], f["decision"] and f["decision"]["reason"]) for f in json.load(sys.stdin)["findings"])))')" \
	"[('CVE-2021-3156', None), ('CVE-2023-4911', 'rebuild planned')]" "decisions follow the target's name"

# not Debian: every finding unknown, saying why
python3 - "$D/trivy-image.json" "$T/ubuntu.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["Metadata"]["OS"] = {"Family": "ubuntu", "Name": "22.04"}
json.dump(d, open(sys.argv[2], "w"))
EOF
run triage "$T/ubuntu.json" --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sorted(set((f["verdict"], "ubuntu 22.04, not Debian" in f["evidence"]) for f in d["findings"])), d["report"]["inventory"])')" \
	"[('unknown', True)] None" "an Ubuntu image is not judged with Debian's data"
# no OS in the report: unknown, asking for an inventory
python3 - "$D/trivy-image.json" "$T/noos.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
del d["Metadata"]
json.dump(d, open(sys.argv[2], "w"))
EOF
run triage "$T/noos.json" --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys
print(sorted(set((f["verdict"], "names no Debian release" in f["evidence"]) for f in json.load(sys.stdin)["findings"])))')" \
	"[('unknown', True)]" "without an OS release nothing is guessed"

# a stored host of that name, or --status, wins over the report's inventory
run hosts add web1 --status "$D/web1.status" --release bullseye
run triage "$D/trivy.json" --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["report"]["inventory"])')" None \
	"the stored host is used"
run triage "$D/trivy-image.json" --status "$D/web1.status" --release bullseye --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["report"]["inventory"], d["findings"][0]["source_version"], d["findings"][0]["verdict"])')" "None 2.4.56-1~deb11u2 false-positive:fixed-by-backport" \
	"--status is the inventory (bullseye's fix is older than web1's apache2)"
finish
