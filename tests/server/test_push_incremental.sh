#!/usr/bin/env bash
# Pushes that change nothing on the host: a new document (another
# collection time, new log lines) with the packages, release and kernel
# already stored is stored (push row, events) without judging the host
# again, yet the findings read as seen by it; a push after the security
# data changed is judged again; a push that upgrades a package rewrites that
# row only and resolves its finding, last seen at the push before.
. "$(dirname "$0")/lib.sh"
set -e
srv_setup
CVE=CVE-2022-28615
epoch() { date -u -d "$1" +%s; }
hist() { # hist FIELD: the field of the history entry of $CVE/apache2
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
f = [x for x in d["findings"] if x["cve"] == sys.argv[2] and x["source"] == "apache2"]
assert len(f) == 1, f
print(f[0][sys.argv[3]])' "$T/body" "$CVE" "$1"
}
# push_at AT PKGS [mkdoc args]: restart the server with the clock at AT, push
push_at() {
	local at=$1 pkgs=$2
	shift 2
	srv_stop
	VIGIE_NOW=$at srv_start
	mkdoc "$T/doc.json" "$pkgs" "$HA" bookworm --collected-at "$at" "$@"
	push "$TOK_AGENT_A" "$T/doc.json" gzip
	expect_code 200 "push at $at"
	expect_eq "$(jq_ 'd["stored"], d["duplicate"]')" "True False" "stored at $at"
}
open_std() { db_val "SELECT COUNT(*) FROM finding_history WHERE host_id = $HID AND resolved_at IS NULL AND class = 'standard'"; }
rows() {
	if [ "${VIGIE_TEST_DRIVER:-sqlite}" = pg ]; then
		db_val "SELECT string_agg(package || '@' || ctid::text, ' ' ORDER BY package, arch) FROM host_packages WHERE host_id = $HID"
	else
		db_val "SELECT group_concat(x, ' ') FROM (SELECT package || '@' || rowid AS x FROM host_packages WHERE host_id = $HID ORDER BY package, arch)"
	fi
}
T1=2026-11-02T08:00:00Z
T2=2026-11-02T10:00:00Z
T3=2026-11-02T11:00:00Z
T4=2026-11-02T12:00:00Z

push_at $T1 bookworm-web.pkgs
HID=$(db_val "SELECT id FROM hosts WHERE name = '$HA'")
real=$(open_std)
[ "$real" -gt 0 ] && ok || ko "the host has open standard findings ($real)"
expect_eq "$(jq_ 'd["open"]["standard"]')" "$real" "the answer counts them"
# another host's packages after A's: rewritten rows would get new identities
mkdoc "$T/b.json" bullseye-db.pkgs "$HB" bullseye
push "$TOK_AGENT_B" "$T/b.json"
expect_code 200 "B's push"
before=$(rows)

# the same packages, a new document with a dpkg.log line: a summary planted
# behind vigie's back stays (not judged again), the push and event stored
db_sql "UPDATE host_summary SET open_standard = 4242 WHERE host_id = $HID"
printf '%s\n' "2026-11-02 09:30:00 upgrade adduser:all 3.134 3.134" > "$T/dpkg.log"
push_at $T2 bookworm-web.pkgs --dpkg-log "$T/dpkg.log"
expect_eq "$(jq_ 'd["open"]["standard"], d["events_added"]')" "4242 1" \
	"unchanged: the stored judgement answered, the log line stored"
expect_eq "$(db_val "SELECT open_standard FROM host_summary WHERE host_id = $HID")" 4242 \
	"unchanged: not judged again"
expect_eq "$(rows)" "$before" "unchanged: no package row rewritten"
expect_eq "$(db_val "SELECT COUNT(*) FROM pushes WHERE host_id = $HID")" 2 "both pushes recorded"
expect_eq "$(db_val "SELECT computed_at FROM host_summary WHERE host_id = $HID")" "$(epoch $T2)" \
	"the summary dated by the push that confirmed it"
# the open finding was seen by that push, its row not rewritten
as "$TOK_A" GET "/api/v1/hosts/$HA/history"; expect_code 200 "history"
expect_eq "$(hist first_seen) $(hist last_seen) $(hist resolved_at)" "$T1 $T2 None" \
	"last seen at the unchanged push"
expect_eq "$(db_val "SELECT last_seen FROM finding_history WHERE host_id = $HID AND cve = '$CVE'")" \
	"$(epoch $T1)" "the finding's row as written by the first push"

# the security data changed since (an import whose rejudgement did not run)
db_sql "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'data_version'"
push_at $T3 bookworm-web.pkgs
expect_eq "$(jq_ 'd["open"]["standard"]') $(db_val "SELECT open_standard FROM host_summary WHERE host_id = $HID")" \
	"$real $real" "after a data change: judged again"
expect_eq "$(rows)" "$before" "still no package row rewritten"

# apache2 upgraded past the fix: its rows only are rewritten, the finding
# resolved at this push, last seen at the one before
push_at $T4 bookworm-web-upgraded.pkgs
changed=$(diff <(awk '{ print $1, $3 }' "$SD/bookworm-web.pkgs" | sort) \
	<(awk '{ print $1, $3 }' "$SD/bookworm-web-upgraded.pkgs" | sort) | sed -n 's/^> \([^ ]*\) .*/\1/p' | sort -u)
[ -n "$changed" ] && ok || ko "fixture: the upgrade changes packages"
after=$(rows)
kept_before=$(tr ' ' '\n' <<<"$before" | grep -v -F -f <(sed 's/$/@/' <<<"$changed") || true)
kept_after=$(tr ' ' '\n' <<<"$after" | grep -v -F -f <(sed 's/$/@/' <<<"$changed") || true)
expect_eq "$kept_after" "$kept_before" "the packages not upgraded keep their rows"
as "$TOK_A" GET "/api/v1/hosts/$HA/history"
expect_eq "$(hist last_seen) $(hist resolved_at)" "$T3 $T4" "resolved, last seen at the push before"
srv_finish
