#!/usr/bin/env bash
# vigie scan against debsecan: the same host and the same data, whole
# processes, median of several runs each. Goal: vigie >= 100x debsecan's
# speed. Data sets:
#   1. the generated real-size tracker (imported once, cached in
#      BUILD/bench-data) and the generated 2,000-package host of
#      bench_scan (written as a dpkg status file, Source: fields, every
#      package "install ok installed": debsecan counts only those);
#   2. when ../shared/data is present (VIGIE_SHARED_DATA, default
#      /work/shared/data): Debian's real DSA and DLA lists, and a host made
#      of this machine's dpkg status plus the real bullseye versions that
#      tests/cli/realdata_expect.py takes from the lists, scanned as bullseye.
# debsecan reads the data that `vigie debsecan-feed` writes in its format.
#   usage: bench/bench_scan_debsecan.sh BUILD_DIR   (BENCH_QUICK=1: fewer runs)
set -euo pipefail
BUILD=${1:?usage: $0 BUILD_DIR}
. "$(dirname "$0")/lib.sh"
command -v debsecan >/dev/null || { echo "debsecan not installed (apt-get install debsecan)" >&2; exit 2; }
if [ "$QUICK" = 1 ]; then vruns=3 druns=1; else vruns=7 druns=3; fi

compare() { # compare LABEL DB STATUS RELEASE
	local label=$1 db=$2 status=$3 rel=$4 feed=$BENCH_DATA/debsecan-feed
	local v d npk nv nd
	rm -rf "$feed"
	mkdir -p "$feed"
	VIGIE_DB=$db "$VIGIE" debsecan-feed --release "$rel" --output "$feed/$rel"
	npk=$(grep -c '^Package:' "$status")
	nv=$(VIGIE_DB=$db "$VIGIE" scan --status "$status" --release "$rel" --format json |
		grep -c '"cve":' || true)
	nd=$(debsecan --suite "$rel" --source "file://$feed/" --status "$status" \
		--format simple --whitelist /nonexistent | wc -l)
	echo "-- $label: $npk packages, release $rel (load average before: $(bench_load))"
	echo "   vigie: $nv findings (CVE, source); debsecan: $nd lines (CVE, binary package)"
	v=$(VIGIE_DB=$db bench_median "$vruns" "$VIGIE" scan --status "$status" \
		--release "$rel" --format json)
	d=$(bench_median "$druns" debsecan --suite "$rel" --source "file://$feed/" \
		--status "$status" --format simple --whitelist /nonexistent)
	awk -v v="$v" -v d="$d" -v vr="$vruns" -v dr="$druns" 'BEGIN {
		split(v, a, " "); split(d, b, " ")
		printf "   vigie scan --format json: median %.3f s (best %.3f) over %d runs (baseline below)\n", a[1], a[2], vr
		printf "   debsecan --format simple: median %.3f s (best %.3f) over %d runs (baseline)\n", b[1], b[2], dr
		r = b[1] / a[1]
		printf "   vigie is %.2fx debsecan'"'"'s speed (goal >= 100x: %s)\n", r, (r >= 100 ? "met" : "NOT met") }'
}

db=$(bench_tracker_db)
status=$BENCH_DATA/host-2000.status
"$BENCH_BIN/bench_scan" --scans 1 --store-scans 0 --hosts 0 --write-status "$status" \
	"$db" bookworm >/dev/null
compare "generated tracker, generated host" "$db" "$status" bookworm

shared=${VIGIE_SHARED_DATA:-/work/shared/data}
L=$shared/debian-security-tracker
if [ -e "$L/DSA-list" ] && [ -e "$L/DLA-list" ]; then
	rdb=$BENCH_DATA/real-lists.db rstatus=$BENCH_DATA/host-real.status
	if [ ! -s "$rdb" ] || [ "$VIGIE" -nt "$rdb" ] || [ "$L/DSA-list" -nt "$rdb" ]; then
		rm -f "$rdb" "$rdb-wal" "$rdb-shm"
		VIGIE_DB=$rdb.tmp "$VIGIE" db import --dsa-list "$L/DSA-list" --dla-list "$L/DLA-list" >&2
		mv "$rdb.tmp" "$rdb"
		rm -f "$rdb.tmp-wal" "$rdb.tmp-shm"
	fi
	if [ ! -s "$rstatus" ] || [ /var/lib/dpkg/status -nt "$rstatus" ]; then
		mkdir -p "$BENCH_DATA/realhost"
		python3 "$SRC/tests/cli/realdata_expect.py" "$L/DSA-list" "$L/DLA-list" \
			"$BENCH_DATA/realhost" 3 >/dev/null
		# this machine's packages (installed ones; names the generated
		# part has are left out), then the real bullseye versions
		python3 - /var/lib/dpkg/status "$BENCH_DATA/realhost/host.status" >"$rstatus.tmp" <<'PY'
import sys
def stanzas(path):
    for block in open(path, encoding="utf-8", errors="replace").read().split("\n\n"):
        if block.strip():
            yield block.strip("\n")
def field(block, name):
    for line in block.split("\n"):
        if line.startswith(name + ":"):
            return line.split(":", 1)[1].strip()
    return ""
mine = list(stanzas(sys.argv[2]))
names = {field(b, "Package") for b in mine}
for b in stanzas(sys.argv[1]):
    if field(b, "Package") not in names and field(b, "Status") == "install ok installed":
        print(b + "\n")
for b in mine:
    print(b.replace("Status: install ok unpacked", "Status: install ok installed") + "\n")
PY
		mv "$rstatus.tmp" "$rstatus"
	fi
	compare "real DSA/DLA lists, this machine + real bullseye versions" "$rdb" "$rstatus" bullseye
else
	echo "-- real DSA/DLA lists: $L absent, second data set not measured"
fi
echo "load average after: $(bench_load) on $(nproc) CPU(s)"
