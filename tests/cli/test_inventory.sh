#!/usr/bin/env bash
# vigie inventory: text and JSON output on fixtures, errors naming file:line.
. "$(dirname "$0")/lib.sh"
set -e
D=$TESTDATA/inventory

run inventory --status "$D/status" --host h1 --release bookworm --kernel 6.1.0-18-amd64
expect_rc 0 "inventory of a status file"
expect_out '^host: +h1$' "host"
expect_out '^release: +bookworm' "release"
expect_out '^arch: +amd64$' "native arch"
expect_out '^packages: +13$' "13 packages on disk"
expect_out "^taken: +$VIGIE_NOW\$" "time from the injected clock"
expect_out '^bash +amd64 +5\.2\.15-2\+b8 +bash +5\.2\.15-2$' "binNMU keeps the source version"
expect_out '^nginx-core .*\[half-configured\]$' "state shown"
expect_no_out '^exim4-daemon-light ' "config-files left out"
expect_no_out '^telnet ' "not-installed left out"

# JSON: checked with python's parser against values read from the fixture
run inventory --status "$D/status.gz" --host h1 --kernel 6.1.0-18-amd64 --format json
expect_rc 0 "json from a compressed status file"
printf '%s\n' "$OUT" > "$T/inv.json"
got=$(python3 - "$T/inv.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "vigie.inventory/1", d["schema"]
assert d["host"] == "h1"
assert d["kernel"] == {"release": "6.1.0-18-amd64", "version": None}, d["kernel"]
p = {(x["name"], x["arch"]): x for x in d["packages"]}
assert p[("libfoo1", "arm64")]["source"] == "foo"
assert p[("libfoo1", "arm64")]["source_version"] == "2.0-1"
assert p[("libc6", "amd64")]["source_version"] == "2.36-9+deb12u14"
assert p[("man-db", "amd64")]["status"] == "triggers-awaited"
print(len(d["packages"]))
PY
)
want=$(awk '/^Status:/ && $4 !~ /^(not-installed|config-files)$/' "$D/status" | wc -l)
expect_eq "$got" "$want" "json package count equals on-disk stanzas of the fixture"

# --root: release, version and host from the image
run inventory --root "$D/root-osrelease" --format json
expect_rc 0 "root"
expect_out '"release": "bullseye"' "os-release codename"
expect_out '"release_version": "11"' "VERSION_ID"
expect_out '"host": "web-01.example.org"' "etc/hostname"
expect_out '"release": null' "kernel unknown for an image"
run inventory --root "$D/root-debver"
expect_out '^release: +zork \(42\.3\)$' "debian_version through the image's distro-info"

# errors: exit 2, message naming file and line
run inventory --status "$D/bad-version"; expect_rc 2 "bad version"
expect_err "bad-version:9: invalid version '1:'" "file:line of the bad version"
run inventory --status "$D/no-package"; expect_rc 2 "stanza without Package"
expect_err "no-package:6: stanza without a Package field" "file:line"
run inventory --status "$D/no-version"; expect_rc 2 "missing Version"
expect_err "no-version:6: .*no Version" "file:line"
run inventory --status "$D/absent"; expect_rc 2 "missing file"
run inventory --status "$D/status" --root "$D/root-sid"; expect_rc 2 "exclusive options"
run inventory --status "$D/status" --format xml; expect_rc 2 "bad format"
run inventory --status "$D/status" --release 'bad name'; expect_rc 2 "bad release"
run inventory --status "$D/status" --kernel '6.1 x'; expect_rc 2 "bad kernel"
run inventory --help; expect_rc 0 "help"

# this machine: same count as dpkg-query (files on disk)
if command -v dpkg-query >/dev/null && [ -r /var/lib/dpkg/status ]; then
	run inventory --format json
	expect_rc 0 "this machine"
	printf '%s\n' "$OUT" > "$T/live.json"
	got=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["packages"]))' "$T/live.json")
	want=$(dpkg-query -W -f '${db:Status-Abbrev}\n' 2>/dev/null | cut -c2 | grep -c '[iUFHWt]')
	expect_eq "$got" "$want" "live package count equals dpkg-query's"
fi
finish
