#!/usr/bin/env bash
# The finding history of a stored host: facts per (host, CVE, source) that
# rescans extend and never rewrite: first seen, last seen, resolved at with
# the version that resolved it; kept across `db import` (which judges every
# stored host again).
. "$(dirname "$0")/lib.sh"
set -e
D=$TESTDATA/scan
json() { printf '%s' "$OUT" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

run db import --tracker-json "$D/tracker.json"; expect_rc 0 "import"
VIGIE_NOW=2026-11-01T10:00:00Z run hosts add web1 --status "$D/old.status" --release bookworm
expect_rc 0 "first inventory"
run hosts history web1 --format json; expect_rc 0 "history json"
expect_eq "$(json 'len(d["findings"])')" 1 "one finding"
expect_eq "$(json 'd["findings"][0]["cve"]+" "+d["findings"][0]["source"]')" "CVE-2022-28615 apache2" "which"
expect_eq "$(json 'd["findings"][0]["first_seen"]')" 2026-11-01T10:00:00Z "first seen"
expect_eq "$(json 'd["findings"][0]["resolved_at"]')" None "open"

VIGIE_NOW=2026-11-02T10:00:00Z run hosts add web1 --status "$D/old.status" --release bookworm
run hosts history web1 --format json
expect_eq "$(json 'd["findings"][0]["first_seen"]')" 2026-11-01T10:00:00Z "a rescan keeps first seen"
expect_eq "$(json 'd["findings"][0]["last_seen"]')" 2026-11-02T10:00:00Z "and moves last seen"
run hosts history web1 --open; expect_out "CVE-2022-28615 +apache2 .* open +-$" "listed as open"

VIGIE_NOW=2026-11-03T10:00:00Z run hosts add web1 --status "$D/new.status" --release bookworm; expect_rc 0 "store the upgrade"
run hosts history web1 --format json
expect_eq "$(json 'd["findings"][0]["resolved_at"]')" 2026-11-03T10:00:00Z "resolved by the upgrade"
expect_eq "$(json 'd["findings"][0]["resolved_version"]')" 2.4.56-1~deb11u2 "with the version installed"
expect_eq "$(json 'd["findings"][0]["first_seen"]')" 2026-11-01T10:00:00Z "first seen still kept"
# no process data (a status file, not a live host): when the fix took
# effect is not known, and not claimed
expect_eq "$(json 'd["findings"][0]["effective_at"], d["findings"][0]["restart_pending"]')" \
	"None False" "in effect: unknown"
run hosts history web1; expect_out "CVE-2022-28615 +apache2 .* unknown$" "text: unknown"
run hosts history web1 --open --format json
expect_eq "$(json 'len(d["findings"])')" 0 "nothing open"

VIGIE_NOW=2026-11-04T10:00:00Z run db import --tracker-json "$D/tracker.json"
expect_rc 0 "re-import"; expect_out "^judged 1 stored host again$" "every stored host judged again"
run hosts history web1 --format json
expect_eq "$(json 'd["findings"][0]["resolved_at"]')" 2026-11-03T10:00:00Z "a rescan does not rewrite the resolution"
run hosts history nosuch; expect_rc 2 "unknown host"
finish
