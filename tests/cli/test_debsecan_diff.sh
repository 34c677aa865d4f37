#!/usr/bin/env bash
# Differential test against debsecan: the same data, written in debsecan's
# VERSION 1 format by 'vigie debsecan-feed', and the same status files must
# give the same (CVE, source) sets where debsecan's rule is exact. Known,
# documented differences (docs/DEBSECAN.md) are excluded explicitly: the
# kernel (source linux), and end-of-life issues that debsecan's data omits.
. "$(dirname "$0")/lib.sh"
set -e
command -v debsecan >/dev/null || { echo "SKIP: debsecan not installed"; exit 77; }
D=$TESTDATA/scan

compare() { # compare STATUS RELEASE LABEL
	local status=$1 rel=$2 label=$3
	mkdir -p "$T/feed"
	run debsecan-feed --release "$rel" --output "$T/feed/$rel"
	expect_rc 0 "$label: debsecan-feed"
	set +e
	debsecan --suite "$rel" --source "file://$T/feed/" --status "$status" \
		--format simple --whitelist "$T/no-whitelist" > "$T/debsecan.out" 2> "$T/debsecan.err"
	local drc=$?
	set -e
	expect_eq "$drc" 0 "$label: debsecan ran ($(head -c 300 "$T/debsecan.err"))"
	# debsecan prints "CVE binary"; map binaries to sources via the status file
	python3 - "$status" "$T/debsecan.out" > "$T/want" <<'PY'
import re, sys
src = {}
stanza = {}
def flush():
    if "Package" in stanza:
        s = stanza.get("Source", stanza["Package"]).split(" ")[0]
        src[stanza["Package"]] = s
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if not line:
        flush(); stanza = {}; continue
    if line[0] in " \t" or ":" not in line:
        continue
    k, v = line.split(":", 1)
    stanza[k] = v.strip()
flush()
out = set()
for line in open(sys.argv[2]):
    cve, binp = line.split()
    s = src.get(binp, binp)
    if s != "linux" and not s.startswith("linux-signed"):
        out.add("%s %s" % (cve, s))
print("\n".join(sorted(out)))
PY
	run scan --status "$status" --release "$rel" --format json
	printf '%s' "$OUT" | python3 -c '
import json, sys
out = set()
for f in json.load(sys.stdin)["findings"]:
    if f["state"] != "end-of-life" and f["source"] != "linux":
        out.add("%s %s" % (f["cve"], f["source"]))
print("\n".join(sorted(out)))
' > "$T/got"
	if diff -u "$T/want" "$T/got" > "$T/diff"; then
		ok
		echo "$label: vigie and debsecan agree on $(grep -c . "$T/got") (CVE, source) pairs"
	else
		ko "$label: vigie and debsecan differ"
		head -30 "$T/diff" >&2
	fi
}

# debsecan counts only packages in state "installed": keep the fixtures so.
run db import --tracker-json "$D/tracker.json"
expect_rc 0 "import tracker fixture"
compare "$D/old.status" bullseye "fixture old host"
compare "$D/new.status" bullseye "fixture new host"

if [ -n "${VIGIE_SHARED_DATA:-}" ] && [ -e "$VIGIE_SHARED_DATA/debian-security-tracker/DSA-list" ]; then
	L=$VIGIE_SHARED_DATA/debian-security-tracker
	export VIGIE_DB="$T/real.db"
	run db import --dsa-list "$L/DSA-list" --dla-list "$L/DLA-list"
	expect_rc 0 "import real lists"
	python3 "$(dirname "$0")/realdata_expect.py" "$L/DSA-list" "$L/DLA-list" "$T" 3
	# debsecan ignores unpacked packages: keep installed ones only
	sed -i 's/^Status: install ok unpacked$/Status: install ok installed/' "$T/host.status"
	compare "$T/host.status" bullseye "real DSA/DLA data"
else
	echo "note: ../shared/data absent: real-data comparison not run"
fi
finish
