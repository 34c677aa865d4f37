#!/usr/bin/env bash
# The routes over a stored host's past: /api/v1/hosts/H/timeline and its
# page (upgrades per day and the CVEs they fixed, judged with the host's
# stored release), /hosts/H/history?year= (updates as an inline SVG
# histogram), /clients/C/sla?month= and its API. Worked by hand (TZ=UTC,
# SLA deadline 1 business day, France):
#  acme, web1 (bookworm): apache2 2.4.53-3 -> 2.4.57-2 on Mon 2026-11-02
#   06:25:02 fixes CVE-2022-28615 (bookworm's fix 2.4.54-1; bullseye's is
#   2.4.54-1~deb11u1), DSA-9101-1 of Fri 2026-10-30: Fri (1 day) + Mon
#   06:25:02 (23102 s) = 109502 business seconds = 1.2674 days; due Mon
#   2026-11-02 00:00: breached; class standard (urgency not yet assigned).
#  globex, db1 (bullseye): sudo 1.9.5p1-1 -> 1.9.5p2-3+deb11u1 on Tue
#   2026-11-10 15:00:02 fixes CVE-2021-3156 (DSA-9102-1 of that day):
#   54002 s = 0.6250 days, met; critical (urgency high, docs/POLICY.md).
. "$(dirname "$0")/lib.sh"
set -e
export TZ=UTC
srv_setup
"$VIGIE" db import --dsa-list "$SD/DSA-list" >/dev/null
srv_start
mkdoc "$T/a0.json" bookworm-web.pkgs "$HA" bookworm --collected-at 2026-11-01T08:00:00Z
mkdoc "$T/a1.json" bookworm-web-upgraded.pkgs "$HA" bookworm --dpkg-log "$SD/dpkg.log"
mkdoc "$T/b0.json" bullseye-db.pkgs "$HB" bullseye --collected-at 2026-11-09T08:00:00Z
mkdoc "$T/b1.json" bullseye-db-upgraded.pkgs "$HB" bullseye --dpkg-log "$SD/bullseye-db.dpkg.log"
for x in a0 a1; do push "$TOK_AGENT_A" "$T/$x.json"; expect_code 200 "push $x"; done
for x in b0 b1; do push "$TOK_AGENT_B" "$T/$x.json" gzip; expect_code 200 "push $x"; done

# ---- timeline (API) ----
tl() { # the timeline's upgrades: DAY PACKAGE OLD>NEW CVE@FIXED/ADVISORY/CLASS[f]...
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "vigie.timeline/1"
for day in d["days"]:
    for u in day["upgrades"]:
        c = ",".join("%s@%s/%s/%s%s" % (x["cve"], x["fixed_version"], x["advisory"], x["class"],
                     "f" if x["followup"] else "") for x in u["cves"])
        print(day["date"], u["package"], u["old_version"] + ">" + u["new_version"], c or "-")' "$T/body"
}
as "$TOK_A" GET "/api/v1/hosts/$HA/timeline"; expect_code 200 "A's timeline"
expect_eq "$(tl)" "2026-11-02 apache2-bin 2.4.53-3>2.4.57-2 CVE-2022-28615@2.4.54-1/DSA-9101-1/standard
2026-11-02 apache2 2.4.53-3>2.4.57-2 CVE-2022-28615@2.4.54-1/DSA-9101-1/standardf" \
	"per day the upgrades and the CVE fixed, at bookworm's fixed version"
grep -q 'bookworm' "$T/body" && ok || ko "the evidence names the host's release"
as "$TOK_B" GET "/api/v1/hosts/$HB/timeline"; expect_code 200 "B's timeline"
expect_eq "$(tl)" "2026-11-10 sudo 1.9.5p1-1>1.9.5p2-3+deb11u1 CVE-2021-3156@1.9.5p2-1/DSA-9102-1/critical" \
	"B's upgrade judged with bullseye's data"
as "$TOK_B" GET "/api/v1/hosts/$HA/timeline"; expect_code 404 "B does not see A's timeline"
as "$TOK_OP" GET "/api/v1/hosts/nosuch.example/timeline"; expect_code 404 "unknown host"

# ---- timeline (page) ----
for lang in fr en; do
	as "$TOK_A" GET "/hosts/$HA/timeline" -H "Accept-Language: $lang"; expect_code 200 "timeline page ($lang)"
	grep -q "<html lang=\"$lang\">" "$T/body" && ok || ko "timeline page in $lang"
	expect_eq "$(sed -n 's/.*id="upgrades">\([0-9]*\)<.*/\1/p' "$T/body")" 2 "the page counts 2 upgrades ($lang)"
	expect_eq "$(sed -n 's/.*id="cves">\([0-9]*\)<.*/\1/p' "$T/body")" 1 "and 1 CVE fixed ($lang)"
	grep -q 'href="/cves/CVE-2022-28615"' "$T/body" && ok || ko "the CVE links to its page"
done
grep -q 'Security timeline\|security timeline' "$T/body" && ok || ko "English title"
# the chart: the CVEs fixed per day, one bar (Nov 2: 1, the follow-up not again)
grep -q '<figure id="fixed-chart"><svg' "$T/body" && ok || ko "the timeline has an inline SVG chart"
expect_eq "$(grep -o '<title>[0-9-]*: [0-9]*</title>' "$T/body" | tr '\n' ' ')" "<title>2026-11-02: 1</title> " \
	"the chart's bar: 1 CVE fixed on Nov 2"
if grep -qiE '<script|src="http|href="http|<link ' "$T/body"; then ko "timeline: no JS, no external assets"; else ok; fi

# ---- history histogram ----
bins() { sed -n 's/.*<tr><td>\([0-9 –-]*\)<\/td><td class="n">\([0-9]*\)<.*/\1=\2/p' "$T/body" | tr '\n' ' '; }
as "$TOK_A" GET "/hosts/$HA/history?year=2026"; expect_code 200 "history page"
expect_eq "$(sed -n 's/.*id="total">\([0-9]*\)<.*/\1/p' "$T/body")" 2 "2 upgrades in 2026"
expect_eq "$(bins)" "2026-11-01 – 2026-11-30=2 " "per month: November"
grep -q '<svg' "$T/body" && ok || ko "an inline SVG"
grep -q '<title>2026-11: 2</title>' "$T/body" && ok || ko "November's bar says 2"
if grep -qiE '<script|src="http|href="http|<link ' "$T/body"; then ko "no JS, no external assets"; else ok; fi
as "$TOK_A" GET "/hosts/$HA/history?year=2026&by=day"; expect_code 200 "per day"
expect_eq "$(bins)" "2026-11-02=2 " "per day: Nov 2"
as "$TOK_A" GET "/hosts/$HA/history?year=2025"; expect_code 200 "2025"
expect_eq "$(sed -n 's/.*id="total">\([0-9]*\)<.*/\1/p' "$T/body")" 0 "nothing in 2025"
as "$TOK_A" GET "/hosts/$HA/history?year=20x6"; expect_code 400 "bad year"
as "$TOK_A" GET "/hosts/$HA/history?year=2026&by=hour"; expect_code 400 "bad by"
as "$TOK_A" GET "/hosts/$HB/history?year=2026"; expect_code 404 "A: not B's history"

# ---- SLA ----
sla() { # CLASS: met/total median p90 (2 decimals)
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "vigie.clientsla/2"
c = [x for x in d["classes"] if x["class"] == sys.argv[2]][0]
m = lambda v: "-" if v is None else "%.3f" % v  # nothing to measure: null
print("%d/%d %s %s" % (c["met"], c["count"], m(c["median_business_days"]), m(c["p90_business_days"])))' "$T/body" "$1"
}
as "$TOK_A" GET "/api/v1/clients/acme/sla?month=2026-11"; expect_code 200 "acme's SLA"
expect_eq "$(jq_ 'd["client"], d["month"], d["hosts"]')" "acme 2026-11 1" "client, month"
expect_eq "$(sla standard)" "0/1 $(python3 -c 'print("%.3f %.3f" % (109502/86400, 109502/86400))')" "standard: breached, 1.27 days"
expect_eq "$(sla critical) $(sla highly-critical)" "0/0 - - 0/0 - -" "nothing else"
expect_eq "$(jq_ 'd["followups"]')" 1 "apache2's second binary is a follow-up, not counted"
expect_eq "$(jq_ '[(i["host"], i["cve"], i["met"], i["installed"], i["deadline"]) for i in d["items"]]')" \
	"[('$HA', 'CVE-2022-28615', False, '2026-11-02T06:25:02Z', '2026-11-02T00:00:00Z')]" "the item"
why=$(jq_ 'd["items"][0]["breach"]')
case $why in *DSA-9101-1*1.3\ business\ days*|*1.3\ business\ days*DSA-9101-1*) ok ;; *) ko "the breach explained: $why" ;; esac
case $why in *2026-11-02T00:00:00Z*) ok ;; *) ko "the breach names the deadline: $why" ;; esac
as "$TOK_B" GET "/api/v1/clients/globex/sla?month=2026-11"; expect_code 200 "globex's SLA"
expect_eq "$(sla critical)" "1/1 $(python3 -c 'print("%.3f %.3f" % (54002/86400, 54002/86400))')" "critical: met in 0.63 days"
expect_eq "$(sla standard)" "0/0 - -" "no standard fix"
as "$TOK_A" GET "/api/v1/clients/acme/sla?month=2026-10"; expect_code 200 "October"
expect_eq "$(sla standard)" "0/0 - -" "nothing installed in October"
as "$TOK_A" GET "/api/v1/clients/acme/sla?month=2026-13"; expect_code 400 "bad month"
as "$TOK_A" GET "/api/v1/clients/acme/sla?month=2026-1"; expect_code 400 "bad month format"
as "$TOK_A" GET "/api/v1/clients/globex/sla?month=2026-11"; expect_code 404 "A may not ask for globex"
as "$TOK_OP" GET "/api/v1/clients/nosuch/sla?month=2026-11"; expect_code 404 "unknown client"
as "$TOK_OP" GET "/api/v1/clients/globex/sla?month=2026-11"; expect_code 200 "the operator asks for globex"
expect_eq "$(sla critical)" "1/1 $(python3 -c 'print("%.3f %.3f" % (54002/86400, 54002/86400))')" "the same numbers"
# the page
for lang in fr en; do
	as "$TOK_A" GET "/clients/acme/sla?month=2026-11" -H "Accept-Language: $lang"; expect_code 200 "SLA page ($lang)"
	expect_eq "$(sed -n 's/.*data-class="standard".*class="met">\([0-9]*\)<.*class="total">\([0-9]*\)<.*/\1\/\2/p' "$T/body")" \
		"0/1" "the page's standard row ($lang)"
	expect_eq "$(sed -n 's/.*id="nbreaches">\([0-9]*\)<.*/\1/p' "$T/body")" 1 "one breach listed ($lang)"
	grep -q "<html lang=\"$lang\">" "$T/body" && ok || ko "SLA page in $lang"
done
grep -q 'DSA-9101-1' "$T/body" && ok || ko "the breach shows its advisory"
srv_finish
