#!/usr/bin/env bash
# A library really replaced under a running process: a package built here
# with dpkg-deb (v1, v2) installs /usr/lib/vigie-test/libvt.so; a process
# maps v1; `dpkg -i` of v2 replaces the file. `vigie scan` must name the
# process, its package, the version it runs and the CVE v2 fixes (a fixture
# tracker), as "fixed, restart needed"; once the process is gone, the entry
# is gone. Needs root and dpkg on a Debian bookworm host (else skipped).
. "$(dirname "$0")/lib.sh"
set -e
PKG=vigie-test-restartlib
LIB=/usr/lib/vigie-test/libvt.so
if [ "$(id -u)" != 0 ] || ! command -v dpkg-deb >/dev/null || ! command -v gcc >/dev/null; then
	echo "SKIP: needs root, dpkg-deb and gcc"
	exit 77
fi
if ! grep -qs '^VERSION_CODENAME=bookworm' /etc/os-release; then
	echo "SKIP: the fixture tracker is written for bookworm"
	exit 77
fi
if dpkg-query -W "$PKG" >/dev/null 2>&1; then
	echo "SKIP: $PKG is already installed (another run?)"
	exit 77
fi
# one run at a time on this machine (cli/ and cli-pg/ run the same test)
exec 9>"${TMPDIR:-/tmp}/vigie-test-restart.lock"
flock -w 600 9
HOLDERS=()
cleanup() {
	for p in "${HOLDERS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	dpkg --purge "$PKG" >/dev/null 2>&1 || true
	rm -rf "$T"
}
trap cleanup EXIT
ARCH=$(dpkg --print-architecture)

# the package, twice: the library's code differs, so does the file
mkdeb() { # mkdeb VERSION
	local d="$T/pkg-$1"
	mkdir -p "$d/DEBIAN" "$d/usr/lib/vigie-test"
	printf 'int vt_version(void) { return %d; }\n' "${1%%.*}" >"$T/vt-$1.c"
	gcc -shared -fPIC -o "$d/usr/lib/vigie-test/libvt.so" "$T/vt-$1.c"
	cat >"$d/DEBIAN/control" <<X
Package: $PKG
Version: $1
Architecture: $ARCH
Maintainer: vigie tests <root@localhost>
Description: test library for vigie's restart detection
X
	dpkg-deb --root-owner-group --build "$d" "$T/$PKG-$1.deb" >/dev/null
}
mkdeb 1.0
mkdeb 2.0
cat >"$T/holder.c" <<'X'
#include <dlfcn.h>
#include <stdio.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	void *h = dlopen(argv[1], RTLD_NOW);
	if (!h) { fprintf(stderr, "%s\n", dlerror()); return 1; }
	puts("ready");
	fflush(stdout);
	for (;;) pause();
}
X
gcc -o "$T/vt-holder" "$T/holder.c" -ldl
# start_holder: a process mapping the library; sets HOLDER
start_holder() {
	rm -f "$T/ready"
	"${HOLDER_EXE:-$T/vt-holder}" "$LIB" >"$T/ready" &
	HOLDER=$!
	HOLDERS+=("$HOLDER")
	for _ in $(seq 50); do grep -q ready "$T/ready" 2>/dev/null && break; sleep 0.1; done
	grep -q "$LIB" "/proc/$HOLDER/maps" || { ko "holder does not map $LIB"; finish; exit 1; }
}
json() { printf '%s' "$OUT" | python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
# entries of the restart object for pid $1: "pid package running installed cves..."
restart_of() {
	json "
r = d['restart']
for u in r['units']:
    for p in u['processes']:
        if p['pid'] == $1:
            for k in u['packages']:
                if k['package'] == '$PKG':
                    print(p['pid'], p['comm'], k['package'], k['running_version'], k['installed_version'], ' '.join(k['cves']), k['files'][0], u['action'])
"
}

run db import --tracker-json "$TESTDATA/restart/tracker.json"
expect_rc 0 "import the fixture tracker"
dpkg -i "$T/$PKG-1.0.deb" >/dev/null
start_holder
# nothing replaced yet: the holder is not listed
run scan --format json --no-updates
expect_rc 0 "scan before the upgrade"
expect_eq "$(restart_of "$HOLDER")" "" "v1 mapped and installed: no restart needed"
expect_eq "$(json 'print(d["summary"]["restart_needed"])')" "0" "no finding needs a restart"

sleep 1 # dpkg.log has seconds: the upgrade must come after the start
dpkg -i "$T/$PKG-2.0.deb" >/dev/null
grep -q "$LIB (deleted)" "/proc/$HOLDER/maps" || ko "the kernel does not show the old library as deleted"
run scan --format json --no-updates
expect_rc 0 "scan after the upgrade"
expect_eq "$(restart_of "$HOLDER")" \
	"$HOLDER vt-holder $PKG 1.0 2.0 CVE-2099-0001 $LIB restart process $HOLDER (vt-holder)" \
	"the holder runs v1; v2 fixes CVE-2099-0001"
# the finding: fixed on disk, restart needed; CVE-2099-0002 (fixed in 1.0) is not one
expect_eq "$(json 'print(" ".join(sorted(f["cve"]+":"+str(f["restart_required"])+":"+f["source_version"]+":"+f["class"] for f in d["findings"] if f["source"]=="'$PKG'")))')" \
	"CVE-2099-0001:True:1.0:critical" "finding marked restart_required, at the running version, class from the policy (urgency=high: critical)"
expect_eq "$(json 'print(d["summary"]["restart_needed"])')" "1" "one finding needs a restart"
expect_eq "$(json 'print(d["restart"]["reboot_required"], d["restart"]["reboot_reasons"] == (["kernel"] if d["kernel"]["reboot_required"] else []))')" \
	"$(json 'print(d["kernel"]["reboot_required"])') True" "a lone process needs no reboot (only the kernel may)"
expect_eq "$(json 'print(d["restart"]["processes_unreadable"] >= 0 and d["restart"]["processes_scanned"] > 1)')" "True" "processes counted"
run scan --no-updates
expect_out "CVE-2099-0001 +fixed, restart needed" "text: fixed, restart needed"
expect_out "^  pid $HOLDER: vt-holder: $PKG 1.0 \(installed 2.0\) fixes CVE-2099-0001" "text: the process and its package"
expect_out "-> restart process $HOLDER \(vt-holder\)" "text: the action"
run scan --no-updates --fail-on standard
expect_rc 1 "--fail-on: restart needed counts like its class"
run scan --no-updates --fail-on standard --restart-fails no
expect_rc 0 "--restart-fails no: restart needed does not fail"
run scan --no-updates --no-restart --format json
expect_eq "$(json 'print(d["restart"], d["summary"]["restart_needed"])')" "None None" "--no-restart: not computed"
# a status file is not this machine's processes
dpkg-query -W >/dev/null
run scan --status /var/lib/dpkg/status --release bookworm --format json --no-updates
expect_eq "$(json 'print(d["restart"])')" "None" "--status: processes not looked at"

# restarted: the entry is gone
kill "$HOLDER"; wait "$HOLDER" 2>/dev/null || true
run scan --format json --no-updates
expect_eq "$(restart_of "$HOLDER")" "" "the process is gone: no entry"
expect_eq "$(json 'print(d["summary"]["restart_needed"])')" "0" "no restart-needed finding left"
run scan --no-updates --fail-on standard
expect_rc 0 "nothing fails once restarted"

# a reinstall of the same version replaces the file too: listed, no CVE;
# the process's name holds a terminal escape, which the text never prints raw
cp "$T/vt-holder" "$T/vt-"$'\033'"[31m"
HOLDER_EXE="$T/vt-"$'\033'"[31m"
start_holder
sleep 1
dpkg -i "$T/$PKG-2.0.deb" >/dev/null
run scan --format json --no-updates
expect_eq "$(restart_of "$HOLDER")" \
	"$HOLDER vt-"$'\033'"[31m $PKG 2.0 2.0  $LIB restart process $HOLDER (vt-"$'\033'"[31m)" \
	"reinstalled under the process: listed, no CVE"
run scan --no-updates
expect_out "pid $HOLDER: vt-\\\\x1b\\[31m: $PKG 2.0 \\(installed 2.0\\)\$" "text: the name escaped"
if printf '%s' "$OUT" | grep -q $'\033'; then ko "text: a raw escape byte"; else ok; fi
finish
