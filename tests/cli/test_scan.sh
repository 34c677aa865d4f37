#!/usr/bin/env bash
# vigie scan on a tracker fixture: states, backports, binNMUs, kernel,
# classes, unimportant issues, output formats and exit codes.
. "$(dirname "$0")/lib.sh"
set -e
D=$TESTDATA/scan
json() { # json EXPR: a Python expression on $OUT parsed as JSON (d)
	printf '%s' "$OUT" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

run db import --tracker-json "$D/tracker.json" --kev "$D/kev.json"
expect_rc 0 "import fixtures"

# Findings as "cve source state class" lines, computed from the JSON.
findings() {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["schema"] == "vigie.scan/1"
for f in d["findings"]:
    for k in ("cve","source","source_version","binaries","state","fixed_version",
              "advisory","advisory_date","urgency","scope","cvss","kev","class","evidence"):
        assert k in f, k
    print(f["cve"], f["source"], f["state"], f["class"], "reboot" if f["reboot_required"] else "-")
' | sort
}

run scan --status "$D/old.status" --release bullseye --host old --kernel 5.10.0-27-amd64 --format json
expect_rc 0 "scan old host"
got=$(printf '%s' "$OUT" | findings)
want=$(sort <<'X'
CVE-2006-20001 apache2 fixed-available standard -
CVE-2022-28615 apache2 fixed-available standard -
CVE-2021-3156 sudo fixed-available highly-critical -
CVE-2023-4911 glibc fixed-available critical -
CVE-2023-0687 glibc no-fix standard -
TEMP-0000000-F7D4E2 glibc undetermined standard -
CVE-2022-3715 bash fixed-available standard -
CVE-2022-31626 php7.4 end-of-life standard -
CVE-2024-1086 linux fixed-available highly-critical reboot
X
)
expect_eq "$got" "$want" "findings of the old host"
# evidence names data source, fixed and installed versions
expect_out '"evidence": "Debian security tracker, bullseye: CVE-2022-28615 is fixed in apache2 2.4.54-1~deb11u1; installed source version 2.4.53-1~deb11u1 is older."' "evidence sentence"
expect_out '"reboot_required": true' "kernel reboot flagged"
expect_out '"linux-image-5.10.0-28-amd64 5.10.209-2"' "other image installed, not running"
expect_no_out 'linux-libc-dev' "linux-libc-dev is not the kernel"
expect_no_out 'oldsudo-leftover' "config-files packages are not on disk"

run scan --status "$D/new.status" --release bullseye --host new --format json
got=$(printf '%s' "$OUT" | findings)
want=$(sort <<'X'
CVE-2023-0687 glibc no-fix standard -
TEMP-0000000-F7D4E2 glibc undetermined standard -
X
)
expect_eq "$got" "$want" "backported fixes are not findings"

run scan --status "$D/new.status" --release bullseye --include-unimportant --format json
expect_out 'CVE-2019-1010022' "--include-unimportant shows unimportant issues"
expect_no_out 'CVE-2007-0086' "not-affected never shown"

# kernel userland without a kernel image: listed, not findings
run scan --status "$D/container.status" --release bullseye --format json
expect_rc 0 "container"
expect_eq "$(json '[(u["name"], u["version"], u["fixed_version"], u["cves"]) for u in d["kernel"]["userland"]]')" \
	"[('bpftool', '7.1.0+5.10.205-1', '5.10.209-1', 1), ('linux-libc-dev', '5.10.150-1', '5.10.209-1', 2), ('usbip', '2.0+5.10.209-1', None, 0)]" \
	"userland binaries with their pending kernel fixes"
expect_eq "$(json '[f["cve"] for f in d["findings"] if f["source"] == "linux"]')" "[]" "not findings"
run scan --status "$D/container.status" --release bullseye
expect_out '^kernel userland \(not a finding\): linux-libc-dev 5.10.150-1; 5.10.209-1 carries 2 kernel fixes$' "text"
expect_out '^kernel userland \(not a finding\): usbip 2.0\+5.10.209-1; no newer kernel fix$' "text, up to date"
run scan --status "$D/old.status" --release bullseye --kernel 5.10.0-27-amd64 --format json
expect_eq "$(json 'd["kernel"]["userland"]')" "[]" "a judged image: no userland list"

# exit codes
run scan --status "$D/old.status" --release bullseye --fail-on highly-critical --format csv
expect_rc 1 "--fail-on highly-critical with a KEV finding"
expect_out '^host,release,cve,source,source_version,binaries,state,fixed_version,' "CSV header"
expect_eq "$(printf '%s\n' "$OUT" | tail -n +2 | grep -c .)" 9 "CSV rows"
run scan --status "$D/new.status" --release bullseye --fail-on critical
expect_rc 0 "nothing critical on the new host"
expect_out '2 findings: 0 highly-critical, 0 critical, 2 standard' "text summary"
run scan --status "$D/old.status" --release bullseye --kernel 5.10.0-27-amd64
expect_out '^sudo 1\.9\.5p1-1' "text groups by source"
expect_eq "$(printf '%s\n' "$OUT" | grep -m1 -E '^[a-z]' | cut -d' ' -f1)" "$(printf '%s\n' "$OUT" | sed -n 1p | cut -d' ' -f1)" "header first"
first_group=$(printf '%s\n' "$OUT" | awk 'NR>1 && prev=="" && /^[a-z0-9]/ {print $1; exit} {prev=$0}')
case "$first_group" in linux|sudo) ok ;; *) ko "worst class first, got $first_group" ;; esac
run scan --status "$D/old.status" --release bullseye --fail-on urgent
expect_rc 2 "bad --fail-on"
run scan --status /nonexistent --release bullseye
expect_rc 2 "missing status file"
expect_err "/nonexistent" "error names the file"
printf 'Package: x\nStatus: install ok installed\nVersion: 1.0 bad\n' > "$T/bad.status"
run scan --status "$T/bad.status" --release bullseye
expect_rc 2 "bad version in status"
expect_err "bad.status:3" "error names file and line"
# a truncated copy (its last line without the newline dpkg always writes)
# and an empty file are errors, not a host with fewer packages
{ cat "$D/old.status"; printf '\nPackage: openssl\nStatus: install ok installed\n'
  printf 'Architecture: amd64\nVersion: 1.1.1n-0+deb11u'; } > "$T/cut.status"
cut_line=$(( $(wc -l < "$T/cut.status") + 1 ))
run scan --status "$T/cut.status" --release bullseye
expect_rc 2 "truncated status file"
expect_err "cut\.status:$cut_line: truncated: the last line has no newline" "truncated: names file and line"
expect_no_out "." "truncated: no scan printed"
: > "$T/empty.status"
run scan --status "$T/empty.status" --release bullseye
expect_rc 2 "empty status file"
expect_err "empty\.status: empty status file" "empty: names the file"

# colours: never on a pipe by default (nor with NO_COLOR), always when
# asked, before or after the command name; a bad WHEN is an error
esc=$(printf '\033')
run scan --status "$D/old.status" --release bullseye --kernel 5.10.0-27-amd64
case $OUT in *"$esc"*) ko "colours on a pipe" ;; *) ok ;; esac
run --color=always scan --status "$D/old.status" --release bullseye --kernel 5.10.0-27-amd64
case $OUT in *"$esc["*) ok ;; *) ko "--color=always: no colour" ;; esac
run scan --status "$D/old.status" --release bullseye --kernel 5.10.0-27-amd64 --color always
case $OUT in *"$esc["*) ok ;; *) ko "--color always after the command: no colour" ;; esac
run --color=never scan --status "$D/old.status" --release bullseye --kernel 5.10.0-27-amd64
case $OUT in *"$esc"*) ko "--color=never: colours" ;; *) ok ;; esac
run --color=sometimes scan --status "$D/old.status" --release bullseye
expect_rc 2 "a bad --color"
expect_err "--color takes auto, always or never" "bad --color: the message"

# The release's index image: the findings are the same from it, without
# it (a cache directory that cannot be made: one notice, the index built in
# memory) and from a damaged one (refused, rebuilt).
img=${VIGIE_CACHE_DIR:-$T/cache/vigie.db.index}/bullseye.vidx
scan_old() { run scan --status "$D/old.status" --release bullseye --host old --kernel 5.10.0-27-amd64 --format json; }
scan_old
want=$OUT
[ -f "$img" ] && ok || ko "the first scan writes the index image ($img)"
scan_old
expect_eq "$OUT" "$want" "scan from the index image: same output"
expect_eq "$ERR" "" "scan from the index image: nothing on stderr"
python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[len(b)//2]^=0x40; open(p,"wb").write(b)' "$img"
scan_old
expect_eq "$OUT" "$want" "scan with a damaged index image: same output"
scan_old
expect_eq "$OUT" "$want" "scan from the rewritten image: same output"
: > "$T/plain"
VIGIE_CACHE_DIR="$T/plain/cache" scan_old
expect_eq "$OUT" "$want" "scan without a writable cache directory: same output"
expect_eq "$(grep -c 'index images cannot be kept in' <<<"$ERR")" "1" "one notice about the cache directory"
finish
