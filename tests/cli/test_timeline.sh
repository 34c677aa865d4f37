#!/usr/bin/env bash
# vigie timeline: upgrades per day and the CVEs their changelogs name.
. "$(dirname "$0")/lib.sh"
set -e
export TZ=UTC
ROOT="$TESTDATA/history/root"

run timeline --help; expect_rc 0 "help"
run timeline --format pdf --root "$ROOT"; expect_rc 2 "bad format"
run timeline --until 2026-13-01 --root "$ROOT"; expect_rc 2 "bad until"

run timeline --root "$ROOT"; expect_rc 0 "text"
expect_out "^2026-01-19  1 upgrade, 2 CVEs fixed" "day header"
expect_out "^  libfoo1:amd64 1.0-1 -> 1.0-1\+deb13u1  CVE-2026-1001 CVE-2026-1002$" "cves of libfoo1"
expect_out "^  baz:amd64 3.0-1 -> 3.0-2  CVE-2026-3001 CVE-2026-3002$" "older entry not counted"
expect_no_out "CVE-2025-9999|CVE-2025-0001" "entries at or below the old version"
expect_out "^3 upgrades, 5 distinct CVEs fixed" "summary"

run timeline --root "$ROOT" --format json; expect_rc 0 "json"
expect_eq "$(printf '%s' "$OUT" | jq -r .schema)" "vigie.timeline/1" "schema"
expect_eq "$(printf '%s' "$OUT" | jq '.days | length')" "3" "days"
expect_eq "$(printf '%s' "$OUT" | jq -r '.days[1].upgrades[0].cves[0] | [.cve, .source, .fixed_version, .entry_date] | join(" ")')" \
	"CVE-2026-2001 bar 2.0-1+deb13u1 2026-02-04T10:00:00Z" "cve detail"
expect_eq "$(printf '%s' "$OUT" | jq '.summary.distinct_cves')" "5" "distinct cves"

run timeline --root "$ROOT" --format csv --since 2026-02-01; expect_rc 0 "csv"
expect_eq "$(printf '%s\n' "$OUT" | wc -l)" "4" "csv rows: header + 1 + 2"
expect_out '^2026-04-07,2026-04-07T09:00:00Z,baz,amd64,3.0-1,3.0-2,CVE-2026-3001,baz,3.0-2,' "csv row"

run timeline --root "$ROOT" --format html --title "Rapport <mensuel>"; expect_rc 0 "html"
expect_out "^<!DOCTYPE html>" "doctype"
expect_out "<title>Rapport &lt;mensuel&gt;</title>" "escaped title"
expect_out "<svg" "inline svg"
expect_out "<style>" "inline css"
expect_out "CVE-2026-1002" "cves listed"
expect_out "web01" "host"
expect_no_out "(src|href)=|@import|url\\(" "no external resource"

# no changelog available: upgrades listed with a note
run timeline --root - --dpkg-log "$ROOT/var/log/dpkg.log" --no-security-data; expect_rc 0 "no changelogs"
expect_out "^  baz:amd64 3.0-1 -> 3.0-2$" "no cves without changelogs"

# logs from elsewhere: binaries not in the inventory used (this machine's)
# have an unknown source package, said per upgrade and counted
if [ -r /var/lib/dpkg/status ] && ! grep -Eq '^Package: (libfoo1|bar|baz)$' /var/lib/dpkg/status; then
	run timeline --root - --dpkg-log "$ROOT/var/log/dpkg.log" --release trixie; expect_rc 0 "foreign log"
	expect_out "^  baz:amd64 3.0-1 -> 3.0-2  \[source unknown\]$" "source unknown marked in text"
	expect_out "^1 upgrade of binaries whose source package is unknown \(not in the inventory used\)" "and counted"
	expect_err "warning: 1 of 1 upgrades are of binaries not in the inventory of this machine: their source package is unknown" "counted warning"
	run timeline --root - --dpkg-log "$ROOT/var/log/dpkg.log" --release trixie --format json
	expect_eq "$(printf '%s' "$OUT" | jq -c '[[.days[].upgrades[].source_unknown], .summary.source_unknown_upgrades]')" \
		"[[true],1]" "source unknown in JSON"
	run sla --root - --dpkg-log "$ROOT/var/log/dpkg.log" --release trixie
	expect_err "warning: 1 of 1 upgrades are of binaries not in the inventory of this machine" "sla warns too"
fi

finish
