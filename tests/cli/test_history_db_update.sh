#!/usr/bin/env bash
# The finding history of a stored host across `vigie db update` (security
# data from a loopback server, tests/cli/httpd.sh): an update whose data
# fixes an open finding in the version the host has resolves it at the
# update's time, first seen kept; an update that changes nothing (the
# server answers 304) and one that changes the host's source without
# changing its findings keep the history as it was; data withdrawing the
# fix opens it again, first seen still kept.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/httpd.sh"
set -e
D=$TESTDATA/scan
json() { printf '%s' "$OUT" | python3 -c "import json,sys; d=json.load(sys.stdin); f=d['findings']; print($1)"; }
W=$T/www
mkdir -p "$W"
cp "$D/tracker.json" "$W/tracker.json"
# tracker CVE RELEASE KEY=VALUE...: set fields of a CVE's release entry of
# apache2 in the served tracker data (the entry is created if absent)
tracker() {
	python3 - "$W/tracker.json" "$@" <<'PY'
import json, sys
path, cve, rel = sys.argv[1:4]
d = json.load(open(path))
e = d["apache2"].setdefault(cve, {"releases": {}})["releases"].setdefault(rel, {"repositories": {}})
for kv in sys.argv[4:]:
    k, v = kv.split("=", 1)
    e[k] = v
json.dump(d, open(path + ".new", "w"), indent=1)
PY
	mv "$W/tracker.json.new" "$W/tracker.json"
}
httpd_start "$W"
printf 'tracker-json tracker-json %s/tracker.json\n' "$HTTPD_URL" > "$T/sources.conf"
export VIGIE_SOURCES_CONF=$T/sources.conf
UPD=(db update --cache "$T/cache")

VIGIE_NOW=2026-11-01T10:00:00Z run "${UPD[@]}"; expect_rc 0 "first update"
expect_out '^tracker-json +imported' "tracker imported"
VIGIE_NOW=2026-11-02T10:00:00Z run hosts add web1 --status "$D/old.status" --release bookworm
expect_rc 0 "the host"
run hosts history web1 --format json; expect_rc 0 "history"
expect_eq "$(json '[(x["cve"], x["source"], x["first_seen"], x["resolved_at"]) for x in f]')" \
	"[('CVE-2022-28615', 'apache2', '2026-11-02T10:00:00Z', None)]" "one open finding"
expect_eq "$(json 'f[0]["installed_version"], f[0]["fixed_version"]')" "2.4.53-1~deb11u1 2.4.54-1" \
	"installed older than the fix"

# the data now says the version installed carries the fix
tracker CVE-2022-28615 bookworm fixed_version=2.4.53-1~deb11u1
VIGIE_NOW=2026-11-03T10:00:00Z run "${UPD[@]}"; expect_rc 0 "update fixing it"
expect_out '^tracker-json +imported' "the new data imported"
expect_out '^judged 1 stored host again' "the host judged again"
expect_out '^findings opened: 0, resolved: 1, on 1 host$' "one finding resolved"
run hosts history web1 --format json
expect_eq "$(json 'len(f)')" 1 "still one row"
expect_eq "$(json 'f[0]["resolved_at"]')" 2026-11-03T10:00:00Z "resolved at the update's time"
expect_eq "$(json 'f[0]["first_seen"]')" 2026-11-02T10:00:00Z "first seen kept"
expect_eq "$(json 'f[0]["last_seen"]')" 2026-11-02T10:00:00Z "last seen: the judgement that saw it"
expect_eq "$(json 'f[0]["resolved_version"]')" 2.4.53-1~deb11u1 "resolved in the version installed"
expect_eq "$(json 'f[0]["effective_at"], f[0]["restart_pending"]')" "None False" "in effect: unknown (no process data)"
H1=$OUT
run hosts history web1 --open --format json
expect_eq "$(json 'len(f)')" 0 "nothing open"

# nothing new on the server (304), later that day and the next day: the
# history as it was
VIGIE_NOW=2026-11-03T11:00:00Z run "${UPD[@]}"; expect_rc 0 "a no-op update"
expect_out '^tracker-json +not modified' "304"
run hosts history web1 --format json
expect_eq "$OUT" "$H1" "a no-op update keeps the history"
VIGIE_NOW=2026-11-04T10:00:00Z run "${UPD[@]}"; expect_rc 0 "a no-op update the next day"
expect_out '^tracker-json +not modified' "304 again"
run hosts history web1 --format json
expect_eq "$OUT" "$H1" "a no-op update the next day keeps the history"

# new data for the host's source that changes none of its findings (a CVE
# fixed below the version installed): judged again, history unchanged
tracker CVE-2006-20001 bookworm status=resolved fixed_version=2.4.50-1 urgency=low
VIGIE_NOW=2026-11-05T10:00:00Z run "${UPD[@]}"; expect_rc 0 "an update changing apache2's data"
expect_out '^judged 1 stored host again' "the host judged again"
expect_no_out '^findings opened' "no finding opened or resolved"
run hosts history web1 --format json
expect_eq "$OUT" "$H1" "the history unchanged"

# the fix withdrawn: open again, first seen kept
tracker CVE-2022-28615 bookworm fixed_version=2.4.54-1
VIGIE_NOW=2026-11-06T10:00:00Z run "${UPD[@]}"; expect_rc 0 "an update withdrawing the fix"
expect_out '^findings opened: 1, resolved: 0, on 1 host$' "opened again"
run hosts history web1 --format json
expect_eq "$(json 'len(f)')" 1 "the same row"
expect_eq "$(json 'f[0]["first_seen"], f[0]["last_seen"], f[0]["resolved_at"]')" \
	"2026-11-02T10:00:00Z 2026-11-06T10:00:00Z None" "open again, first seen kept"
finish
