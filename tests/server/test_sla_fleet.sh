#!/usr/bin/env bash
# Each host's SLA of the month on the fleet page and in /api/v1/hosts: the
# server's refresher computes it in the background (VIGIE_SLA_REFRESH
# seconds between rounds) as the client's SLA computes it, and the page
# shows the same met/total per host as /api/v1/clients/C/sla's items;
# before it is computed, "…"; new events make it stale and computed again.
# Worked in test_timeline.sh: web1's apache2 fix breached (0/1), db1's
# sudo fix met (1/1).
. "$(dirname "$0")/lib.sh"
set -e
export TZ=UTC
srv_setup
"$VIGIE" db import --dsa-list "$SD/DSA-list" >/dev/null
mkdoc "$T/a0.json" bookworm-web.pkgs "$HA" bookworm --collected-at 2026-11-01T08:00:00Z
mkdoc "$T/a1.json" bookworm-web-upgraded.pkgs "$HA" bookworm --dpkg-log "$SD/dpkg.log"
mkdoc "$T/b0.json" bullseye-db.pkgs "$HB" bullseye --collected-at 2026-11-09T08:00:00Z
mkdoc "$T/b1.json" bullseye-db-upgraded.pkgs "$HB" bullseye --dpkg-log "$SD/bullseye-db.dpkg.log"
# first without the refresher's rounds coming soon: nothing computed yet
VIGIE_NOW=2026-11-20T12:00:00Z VIGIE_SLA_REFRESH=3600 srv_start
for x in a0 a1; do push "$TOK_AGENT_A" "$T/$x.json"; expect_code 200 "push $x"; done
for x in b0 b1; do push "$TOK_AGENT_B" "$T/$x.json"; expect_code 200 "push $x"; done
srv_stop
VIGIE_NOW=2026-11-20T12:00:00Z VIGIE_SLA_REFRESH=1 srv_start

# sla HOST: "met total" of the host's SLA this month in /api/v1/hosts
sla() {
	as "$TOK_OP" GET /api/v1/hosts
	jq_ '" ".join("%s %s/%s" % (h["name"], h["sla_month"]["met"], h["sla_month"]["total"]) if h["sla_month"] and h["sla_month"]["month"] == "2026-11" else "%s -" % h["name"] for h in d["hosts"])'
}
for i in $(seq 1 50); do
	case $(sla) in *" -"*) sleep 0.2 ;; *) break ;; esac
done
got=$(sla)
# the client SLA's items, per host
want=$(for c in acme globex; do
	as "$TOK_OP" GET "/api/v1/clients/$c/sla?month=2026-11"
	jq_ '"\n".join("%s %d/%d" % (h, sum(1 for i in d["items"] if i["host"] == h and i["met"]), sum(1 for i in d["items"] if i["host"] == h)) for h in sorted(set(i["host"] for i in d["items"])))'
done | sort | tr '\n' ' ' | sed 's/ $//')
expect_eq "$got" "$want" "each host's SLA of the month is its client's SLA items"
expect_eq "$got" "$HB 1/1 $HA 0/1" "db1 1/1 (sudo in time), web1 0/1 (apache2 late)"

# the page shows them; a client's user sees its own host only
as "$TOK_OP" GET /
python3 - "$T/body" > "$T/cells" <<'PY'
import re, sys, html
t = open(sys.argv[1]).read()
for row in re.findall(r"<tr><td><a href=\"/hosts/([^\"]+)\">.*?</tr>", t, re.S):
    pass
for m in re.finditer(r'<tr><td><a href="/hosts/([^"]+)">(.*?)</tr>', t, re.S):
    c = re.search(r'<td class="n sla[^"]*"[^>]*>(.*?)</td>', m.group(2), re.S)
    print(m.group(1), html.unescape(re.sub(r"<[^>]+>", "", c.group(1))).replace("\xa0", " ") if c else "?")
PY
expect_eq "$(cat "$T/cells")" "$HB 1/1 (100 %)
$HA 0/1 (0 %)" "the fleet page's SLA column"
as "$TOK_A" GET /
grep -q "$HB" "$T/body" && ko "acme's fleet page names globex's host" || ok

# new events: stale, computed again (still 0/1: the new line fixes nothing)
before=$(db_val "SELECT events FROM host_sla q JOIN hosts h ON h.id = q.host_id WHERE h.name = '$HA'")
printf '%s\n' "2026-11-20 10:00:00 upgrade adduser:all 3.134 3.134+b1" > "$T/more.log"
mkdoc "$T/a2.json" bookworm-web-upgraded.pkgs "$HA" bookworm --dpkg-log "$T/more.log" --collected-at 2026-11-20T10:05:00Z
push "$TOK_AGENT_A" "$T/a2.json"; expect_code 200 "push with a new event"
for i in $(seq 1 50); do
	after=$(db_val "SELECT events FROM host_sla q JOIN hosts h ON h.id = q.host_id WHERE h.name = '$HA'")
	[ "$after" != "$before" ] && break
	sleep 0.2
done
[ "$after" != "$before" ] && ok || ko "the host's SLA computed again after new events ($before -> $after)"
expect_eq "$(sla)" "$HB 1/1 $HA 0/1" "and still right"
srv_finish
