#!/usr/bin/env bash
# A host's finding history through the API, over four pushes: the CVE is
# open, still open (first seen kept, last seen moved), then installed by the
# upgrade while apache2.service still runs the old binary (resolved at the
# third push, with the version that resolved it, not yet in effect: "fixed,
# restart needed" on the host page), then in effect once the service no
# longer runs replaced code (effective at the fourth push).
. "$(dirname "$0")/lib.sh"
set -e
export TZ=UTC
srv_setup
# the advisory that dates the fix, for the SLA (Debian's fixed version)
printf '%s\n' "[10 Nov 2026] DSA-9101-1 apache2 - security update" "	{CVE-2022-28615}" \
	"	[bookworm] - apache2 2.4.54-1" > "$T/DSA-list"
"$VIGIE" db import --dsa-list "$T/DSA-list" >/dev/null
CVE=CVE-2022-28615
# bookworm's fix of $CVE, from the security data itself
fixed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["apache2"]["'$CVE'"]["releases"]["bookworm"]["fixed_version"])' "$TESTDATA/scan/tracker.json")
expect_eq "$fixed" 2.4.54-1 "fixture: the fix"
old=$(awk '$1 == "apache2" { print $3 }' "$SD/bookworm-web.pkgs")
new=$(awk '$1 == "apache2" { print $3 }' "$SD/bookworm-web-upgraded.pkgs")
dpkg --compare-versions "$old" lt "$fixed" && ok || ko "fixture: $old is before the fix"
dpkg --compare-versions "$new" ge "$fixed" && ok || ko "fixture: $new has the fix"

# finding STATE: the apache2 entry of $CVE in the findings document
finding() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
f = [x for x in d["findings"] if x["cve"] == sys.argv[2]]
print(len(f), " ".join(sorted(x.get("source", "") for x in f)))' "$T/body" "$CVE"
}
hist() { # hist FIELD: the field of the history entry of $CVE/apache2
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "vigie.findinghistory/1"
f = [x for x in d["findings"] if x["cve"] == sys.argv[2] and x["source"] == "apache2"]
assert len(f) == 1, f
print(f[0][sys.argv[3]])' "$T/body" "$CVE" "$1"
}

# push AT PKGS [MKDOC OPTIONS]: restart the server with the clock at AT, push.
push_at() {
	srv_stop
	VIGIE_NOW=$1 srv_start
	mkdoc "$T/doc.json" "$2" "$HA" bookworm --collected-at "$1" "${@:3}"
	push "$TOK_AGENT_A" "$T/doc.json" gzip
	expect_code 200 "push at $1"
	expect_eq "$(jq_ 'd["stored"]')" True "stored at $1"
}
T1=2026-11-02T08:00:00Z
T2=2026-11-09T08:00:00Z
T3=2026-11-16T08:00:00Z
T4=2026-11-17T08:00:00Z

push_at $T1 bookworm-web.pkgs
as "$TOK_A" GET "/api/v1/hosts/$HA/findings"; expect_code 200 "findings 1"
expect_eq "$(finding)" "1 apache2" "open after the first push"
as "$TOK_A" GET "/api/v1/hosts/$HA/history"; expect_code 200 "history 1"
expect_eq "$(hist first_seen) $(hist last_seen) $(hist resolved_at)" "$T1 $T1 None" "first seen"
expect_eq "$(hist installed_version) $(hist fixed_version)" "$old $fixed" "versions"

push_at $T2 bookworm-web.pkgs
as "$TOK_A" GET "/api/v1/hosts/$HA/findings"
expect_eq "$(finding)" "1 apache2" "still open"
as "$TOK_A" GET "/api/v1/hosts/$HA/history"
expect_eq "$(hist first_seen) $(hist last_seen) $(hist resolved_at)" "$T1 $T2 None" "first seen kept, last seen moved"
as "$TOK_A" GET "/api/v1/hosts/$HA/history?open=1"
expect_eq "$(jq_ 'len(d["findings"])')" 1 "listed as open"

# the upgrade, two hours before the third inventory (dpkg.log, TZ=UTC)
printf '%s\n' "2026-11-16 06:00:00 upgrade apache2-bin:amd64 $old $new" \
	"2026-11-16 06:00:01 status installed apache2-bin:amd64 $new" > "$T/dpkg.log"
# slaitem FIELD...: fields of the SLA item of $CVE (vigie sla --from-store)
slaitem() {
	run sla --from-store --host "$HA" --format json
	expect_rc 0 "sla --from-store"
	printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
f = [x for x in d["items"] if x["cve"] == sys.argv[1]]
assert len(f) == 1, f
print(*[f[0][k] for k in sys.argv[2:]])' "$CVE" "$@"
}
push_at $T3 bookworm-web-upgraded.pkgs --dpkg-log "$T/dpkg.log" \
	--restart "812:apache2.service:apache2-bin:$old:/usr/sbin/apache2"
as "$TOK_A" GET "/api/v1/hosts/$HA/findings"
expect_eq "$(finding)" "1 apache2" "installed, not running: still listed"
expect_eq "$(jq_ '[f["restart_required"] for f in d["findings"] if f["cve"] == "'$CVE'"]')" "[True]" \
	"as fixed, restart needed"
expect_eq "$(jq_ '[(u["unit"], [p["package"] for p in u["packages"]]) for u in d["restart"]["units"]]')" \
	"[('apache2.service', ['apache2-bin'])]" "the unit still running the old binary"
as "$TOK_A" GET "/api/v1/hosts/$HA/history"
expect_eq "$(hist first_seen) $(hist resolved_at) $(hist resolved_version)" "$T1 $T3 $new" \
	"installed at the third push, with the version"
expect_eq "$(hist effective_at) $(hist restart_pending) $(hist state)" "None True restart-required" \
	"not in effect yet"
as "$TOK_A" GET "/hosts/$HA"; expect_code 200 "host page"
grep -q "corrigé, redémarrage requis" "$T/body" && ok || ko "host page (French: client A): fixed, restart needed"
# a full re-judgement of the host whose service runs replaced code, summed
# per (source, version) (apache2 judged on the host with its process
# data) and host by host, keeps the history and summary the push left
digest() {
	local sql="SELECT m.facts_digest FROM host_summary m JOIN hosts h ON h.id = m.host_id WHERE h.name = '$HA'"
	if [ "${VIGIE_TEST_DRIVER:-sqlite}" = pg ]; then psql -X -q -tA "$VIGIE_DB" -c "$sql"
	else python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$VIGIE_DB" "$sql"; fi
}
state() {
	run hosts history "$HA" --format json
	printf '%s\n' "$OUT"
	run hosts list --format json
	printf '%s\n' "$OUT"
}
before=$(state)
for path in summed per-host; do
	if [ $path = per-host ]; then export VIGIE_FLEET_PER_HOST=1; fi
	VIGIE_NOW=$T3 run db rejudge --full
	expect_rc 0 "db rejudge --full ($path)"
	unset VIGIE_FLEET_PER_HOST
	expect_eq "$(state)" "$before" "db rejudge --full ($path): the history and summary kept"
	eval "dig_${path/-/_}=\$(digest)"
done
if [ ${#dig_summed} = 64 ] && [ "$dig_summed" = "$dig_per_host" ]; then ok; else
	ko "the findings digests of both paths differ: $dig_summed / $dig_per_host"; fi
grep -q 'systemctl restart apache2.service' "$T/body" && ok || ko "host page: the action"
grep -q "<td>apache2-bin</td><td>$old</td><td>$new</td>" "$T/body" && ok || \
	ko "host page: running and installed versions"
expect_eq "$(slaitem installed effective effective_pending effective_delay_business_days)" \
	"2026-11-16T06:00:00Z None True None" "SLA: installed, not in effect yet"
# fleet: "fixed, restart needed" counts for --fail-on like its class, unless told not to
run fleet --fail-on standard; expect_rc 1 "fleet --fail-on: restart needed counts"
run fleet --fail-on standard --restart-fails no; R1=$RC
run fleet --format json --findings
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print([(h["host"], [f["restart_required"] for f in h["findings"]]) for h in d["hosts"] if h.get("findings")])')" \
	"[('$HA', [True])]" "fleet: the host's only finding waits for a restart"
[ "$R1" != 1 ] && ok || ko "fleet --restart-fails no: not a failure"
# report: the monthly report of acme (the validator is docs/report.schema.json)
report() { # report EXPR: EXPR over the JSON report d of acme for November
	run report --client acme --month 2026-11 --format json
	expect_rc 0 "report"
	printf '%s' "$OUT" > "$T/report.json"
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
try:
    import jsonschema
    jsonschema.validate(d, json.load(open(sys.argv[2])))
except ImportError:
    pass
print(eval(sys.argv[3]))' "$T/report.json" "$VIGIE_SRCDIR/docs/report.schema.json" "$1"
}
expect_eq "$(report '[(x["cve"], x["seen_installed_at"], x["effective_at"]) for x in d["not_in_effect"]], d["summary"]["not_in_effect_at_month_end"]')" \
	"([('$CVE', '$T3', None)], 1)" "report: installed, not in effect"
expect_eq "$(report '[(x["effective"], x["effective_pending"]) for x in d["fixes"] if x["cve"] == "'$CVE'"]')" \
	"[(None, True)]" "report: the fix waits for a restart"
# alerts: Debian's advisory for the fix is alerted although the fix is
# installed: it is not running yet
cat > "$T/dsa.rdf" <<'RDF'
<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://www.debian.org/security/dsa.rdf"><title>Debian Security</title>
<link>https://www.debian.org/security/</link><description>DSA</description>
<items><rdf:Seq><rdf:li resource="https://www.debian.org/security/2026/dsa-9101" /></rdf:Seq></items>
</channel>
<item rdf:about="https://www.debian.org/security/2026/dsa-9101">
<title>DSA-9101-1 apache2 - security update</title>
<link>https://www.debian.org/security/2026/dsa-9101</link>
<description>security update</description><dc:date>2026-11-10</dc:date></item>
</rdf:RDF>
RDF
run feeds add "$T/dsa.rdf" --name dsa --debian; expect_rc 0 "feeds add"
run feeds poll; expect_rc 0 "feeds poll"
run alerts --dry-run; expect_rc 0 "alerts"
expect_out "concerns: package apache2.* \(installed version fixed, not running yet: restart needed\)" \
	"alert: fixed on disk, not running"
run alerts --dry-run --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print([(m["fixed"], m["restart_needed"]) for h in d["hosts"] for i in h["items"]
       for m in i["matches"] if m["via"] == "package"])')" "[(True, True)]" "alert json: fixed, restart needed"
expect_eq "$(report '[(x["host"], x["unit"], x["packages"], x["cves"], x["action"]) for x in d["restart_needed"]]')" \
	"[('$HA', 'apache2.service', 'apache2-bin $old → $new', '$CVE', 'systemctl restart apache2.service')]" \
	"report: the unit still running the old code, and what to do"
# the PDF says so too (acme reads French); kept in the test log
run report --client acme --month 2026-11 --output "$LOGDIR/acme-2026-11-pending.pdf"
expect_rc 0 "report pdf"
pdftotext -layout "$LOGDIR/acme-2026-11-pending.pdf" "$T/pending.txt"
grep -q "Installés, pas en vigueur en fin de mois" "$T/pending.txt" && ok || ko "pdf: the section"
grep -q "Constaté installé le" "$T/pending.txt" && ok || ko "pdf: the table"
grep -q "Code remplacé encore en service (dernier inventaire)" "$T/pending.txt" && ok ||
	ko "pdf: what still runs replaced code"
run report --client acme --month 2026-11 --format html
expect_rc 0 "report html"
printf '%s' "$OUT" | grep -q "redémarrage en attente" && ok || ko "html: the fix waits for a restart"
printf "%s" "$OUT" | grep -q "pas encore.*des processus utilisent encore l.*ancien code" && ok ||
	ko "html: not in effect yet"

push_at $T4 bookworm-web-upgraded.pkgs --no-restart-entries
as "$TOK_A" GET "/api/v1/hosts/$HA/findings"
expect_eq "$(finding)" "0 " "in effect: no longer a finding"
as "$TOK_A" GET "/api/v1/hosts/$HA/history"
expect_eq "$(hist resolved_at) $(hist effective_at) $(hist restart_pending)" "$T3 $T4 False" \
	"installed at the third push, in effect at the fourth"
as "$TOK_A" GET "/api/v1/hosts/$HA/history?open=1"
expect_eq "$(jq_ 'len(d["findings"])')" 0 "nothing open"
as "$TOK_A" GET "/hosts/$HA"
grep -q "Aucun processus n.utilise de code remplacé" "$T/body" && ok || ko "host page: nothing to restart"
# in effect at the fourth inventory: Monday 06:00 to Tuesday 08:00, 26
# business hours after the installation
got=$(slaitem effective effective_pending delay_business_days effective_delay_business_days)
set -- $got
expect_eq "$1 $2" "$T4 False" "SLA: in effect at the fourth inventory"
expect_eq "$(report '[(x["effective"], x["effective_pending"]) for x in d["fixes"] if x["cve"] == "'$CVE'"], d["not_in_effect"]')" \
	"([('$T4', False)], [])" "report: in effect within the month"
expect_eq "$(report 'd["restart_needed"]')" "[]" "report: nothing runs replaced code any more"
run alerts --dry-run; expect_rc 0 "alerts after the restart"
printf '%s\n' "$OUT" | grep -q "DSA-9101-1" && ko "no alert once the fix runs: $OUT" || ok
# (JSON delays have three decimals: equal within their rounding)
expect_eq "$(python3 -c 'import sys; print(abs(float(sys.argv[2]) - float(sys.argv[1]) - 26 / 24) <= 0.001)' "$3" "$4")" \
	True "SLA: the effective delay is 26 business hours longer ($3, $4)"
# another client's user does not see this history
as "$TOK_B" GET "/api/v1/hosts/$HA/history"; expect_code 404 "B: no such host"
srv_finish
