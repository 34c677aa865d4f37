#!/usr/bin/env bash
# Every HTML page of the route table opened in headless Chromium (through a
# loopback proxy adding the user's bearer token): it renders (DOM dumped,
# screenshot saved under the build's test-logs), and the numbers it shows
# equal the JSON API's: open findings per class for each host (fleet page
# and host page), an SLA's met/total per class, a timeline's counts.
. "$(dirname "$0")/lib.sh"
set -e
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || { echo "SKIP: chromium not installed"; exit 77; }
export TZ=UTC
srv_setup
"$VIGIE" db import --dsa-list "$SD/DSA-list" >/dev/null
srv_start
mkdoc "$T/a0.json" bookworm-web.pkgs "$HA" bookworm --collected-at 2026-11-01T08:00:00Z
mkdoc "$T/a1.json" bookworm-web-upgraded.pkgs "$HA" bookworm --dpkg-log "$SD/dpkg.log"
mkdoc "$T/b0.json" bullseye-db.pkgs "$HB" bullseye
push "$TOK_AGENT_A" "$T/a0.json"; expect_code 200 "push A"
push "$TOK_AGENT_B" "$T/b0.json"; expect_code 200 "push B"
# a second acme host that keeps its old apache2: a finding on the pages
HA2=web2.acme.example
TOK_AGENT_A2=$(mktoken --host "$HA2" --client acme)
mkdoc "$T/a2.json" bookworm-web.pkgs "$HA2" bookworm
push "$TOK_AGENT_A2" "$T/a2.json"; expect_code 200 "push A2"
push "$TOK_AGENT_A" "$T/a1.json"; expect_code 200 "push A upgraded"
# a decision beside web2's apache2 finding, one for globex that must not show
"$VIGIE" decide CVE-2022-28615 --host "$HA2" --status affected --reason "mod_proxy off, upgrade in January" \
	--by alice --until 2027-01-31 >/dev/null
"$VIGIE" decide CVE-2022-28615 --client globex --status not_affected --reason "globex only" --by bob >/dev/null

PROXY_PIDS=()
cleanup() { for p in "${PROXY_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; srv_stop; cp "$T"/serve*.log "$LOGDIR"/ 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
proxy() { # proxy NAME TOKEN: sets PURL_NAME
	printf '%s\n' "$2" > "$T/tok.$1"
	python3 "$VIGIE_SRCDIR/tests/server/authproxy.py" "$URL" "$T/tok.$1" "$T/port.$1" &
	PROXY_PIDS+=($!)
	for _ in $(seq 1 50); do [ -s "$T/port.$1" ] && break; sleep 0.1; done
	[ -s "$T/port.$1" ] || { echo "proxy $1 did not start" >&2; exit 1; }
	printf -v "PURL_$1" 'http://127.0.0.1:%s' "$(cat "$T/port.$1")"
}
proxy op "$TOK_OP"
proxy a "$TOK_A"

# chrome NAME URL: DOM into $T/NAME.html, screenshot into $LOGDIR/NAME.png
chrome() {
	local name=$1 url=$2
	timeout 90 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu --no-first-run \
		--disable-extensions --user-data-dir="$T/chrome" --lang=en-US \
		--dump-dom "$url" > "$T/$name.html" 2>"$T/chrome.err" || ko "chromium --dump-dom $url: $(tail -3 "$T/chrome.err")"
	rm -f "$LOGDIR/$name.png"
	timeout 90 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu --no-first-run \
		--disable-extensions --user-data-dir="$T/chrome" --lang=en-US \
		--screenshot="$LOGDIR/$name.png" --window-size=1280,900 "$url" >/dev/null 2>>"$T/chrome.err" || true
	if python3 - "$LOGDIR/$name.png" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n" and len(b) > 5000, len(b)
w, h = struct.unpack(">II", b[16:24])
assert (w, h) == (1280, 900), (w, h)
PY
	then ok; else ko "screenshot of $url"; fi
	grep -q '<h1>' "$T/$name.html" && ok || ko "$url rendered no <h1>: $(head -c 300 "$T/$name.html")"
}

# Every HTML page (GET, not /api/, not /metrics) of the route table, its
# '*' given a real value.
declare -A VAL=(
	["/"]="/"
	["/login"]="/login"
	["/hosts/*"]="/hosts/$HA2"
	["/hosts/*/timeline"]="/hosts/$HA/timeline"
	["/hosts/*/history"]="/hosts/$HA/history?year=2026"
	["/cves/*"]="/cves/CVE-2022-28615"
	["/clients/*/sla"]="/clients/acme/sla?month=2026-11"
	["/clients/*/reports/*"]="/clients/acme/reports/2026-11.html"
)
npages=0
while read -r method pattern role; do
	[ "$method" = GET ] || continue
	case $pattern in /api/*|/metrics|/healthz) continue ;; esac
	p=${VAL[$pattern]:-}
	if [ -z "$p" ]; then ko "page $pattern has no value in test_pages.sh"; continue; fi
	npages=$((npages + 1))
	name=$(printf '%s' "$pattern" | tr -c 'a-z0-9' '_')
	chrome "op$name" "$PURL_op$p"
	chrome "a$name" "$PURL_a$p"
done < <("$VIGIE" serve --routes)
[ "$npages" -ge 7 ] && ok || ko "only $npages pages"

# ---- numbers: the pages against the API ----
api_open() { # TOKEN: "HOST hc c s" per host from /api/v1/hosts
	as "$1" GET /api/v1/hosts
	jq_ '"\n".join("%s %d %d %d" % (h["name"], h["summary"]["open"]["highly-critical"], h["summary"]["open"]["critical"], h["summary"]["open"]["standard"]) for h in d["hosts"])'
}
PN="python3 $VIGIE_SRCDIR/tests/server/pagenums.py"
chrome fleet_op "$PURL_op/"
api=$(api_open "$TOK_OP")
expect_eq "$($PN fleet "$T/fleet_op.html")" "$api" "the fleet page's counts are the API's (operator)"
expect_eq "$(printf '%s\n' "$api" | wc -l)" 3 "three hosts"
# and not all zero: the counts mean something
case $api in *"$HA2 0 0 1"*) ok ;; *) ko "web2 has its apache2 finding: $api" ;; esac
case $api in *"$HA 0 0 0"*) ok ;; *) ko "web1 has none after its upgrade: $api" ;; esac
chrome fleet_a "$PURL_a/"
expect_eq "$($PN fleet "$T/fleet_a.html")" "$(api_open "$TOK_A")" "the fleet page's counts are the API's (acme)"
if grep -q "$HB" "$T/fleet_a.html"; then ko "acme's fleet page names globex's host"; else ok; fi

for h in "$HA" "$HA2" "$HB"; do
	chrome "host_$h" "$PURL_op/hosts/$h"
	as "$TOK_OP" GET "/api/v1/hosts/$h/findings"
	want=$(jq_ '"%d %d %d" % (d["summary"]["classes"]["highly-critical"], d["summary"]["classes"]["critical"], d["summary"]["classes"]["standard"])')
	as "$TOK_OP" GET "/api/v1/hosts/$h"
	sum=$(jq_ '"%d %d %d" % (d["summary"]["open"]["highly-critical"], d["summary"]["open"]["critical"], d["summary"]["open"]["standard"])')
	expect_eq "$($PN host "$T/host_$h.html")" "summary $sum
findings $want" "host page $h: its counts and its findings per class are the API's"
done

# the decision in force beside its finding, on the page and in the API
chrome dec_a "$PURL_a/hosts/$HA2"
expect_eq "$($PN decisions "$T/dec_a.html" | grep '^CVE-2022-28615 ')" \
	"CVE-2022-28615 apache2: affected — by alice, 2026-11-27, until 2027-01-31: mod_proxy off, upgrade in January" \
	"host page: the decision beside the finding (status, by, date, until, reason)"
if grep -q "globex only" "$T/dec_a.html"; then ko "globex's decision on acme's page"; else ok; fi
as "$TOK_A" GET "/api/v1/hosts/$HA2/findings"
expect_eq "$(jq_ '[(f["cve"], f["decision"]["id"], f["decision"]["status"], f["decision"]["by"], f["decision"]["reason"], f["decision"]["expires"], f["decision"]["state"]) for f in d["findings"] if f["decision"]]')" \
	"[('CVE-2022-28615', 1, 'affected', 'alice', 'mod_proxy off, upgrade in January', '2027-02-01T00:00:00Z', 'in-force')]" \
	"findings API: the decision in force"
as "$TOK_A" GET "/api/v1/hosts/$HA2"
expect_eq "$(jq_ '[(x["id"], x["cve"], x["scope"], x["state"]) for x in d["decisions"]]')" \
	"[(1, 'CVE-2022-28615', 'host', 'in-force')]" "host API: the decisions covering the host, not globex's"

for c in acme globex; do
	chrome "sla_$c" "$PURL_op/clients/$c/sla?month=2026-11"
	as "$TOK_OP" GET "/api/v1/clients/$c/sla?month=2026-11"
	want=$(jq_ '"\n".join("%s %d %d" % (x["class"], x["met"], x["count"]) for x in d["classes"])')
	expect_eq "$($PN sla "$T/sla_$c.html")" "$want" "SLA page of $c: the API's numbers"
done
# the SLA's delays and breaches, and its time to remediate
for c in acme globex; do
	as "$TOK_OP" GET "/api/v1/clients/$c/sla?month=2026-11"
	want=$(jq_ '"\n".join(["%s %s %s" % (x["class"], "None" if x["median_business_days"] is None else "%.1f" % x["median_business_days"], "None" if x["p90_business_days"] is None else "%.1f" % x["p90_business_days"]) for x in d["classes"]] + ["breaches %d" % sum(not i["met"] for i in d["items"])] + ["breach %s %s" % (i["host"], i["cve"]) for i in d["items"] if not i["met"]])')
	expect_eq "$($PN sladelay "$T/sla_$c.html")" "$want" "SLA page of $c: the API's delays and breaches"
	want=$(jq_ '"\n".join("%s %d %s %s" % (x["class"], x["time_to_remediate"]["resolved"], "None" if x["time_to_remediate"]["mean_days"] is None else "%.2f" % x["time_to_remediate"]["mean_days"], "None" if x["time_to_remediate"]["median_days"] is None else "%.2f" % x["time_to_remediate"]["median_days"]) for x in d["classes"])')
	expect_eq "$($PN mttr "$T/sla_$c.html")" "$want" "SLA page of $c: the API's time to remediate"
done
case $($PN sladelay "$T/sla_acme.html") in *"breaches 1"*) ok ;; *) ko "acme's month has its breach" ;; esac
case $($PN mttr "$T/sla_acme.html") in *"standard 0 "*) ko "acme resolved its apache2 finding in November" ;; *) ok ;; esac
# a CVE's page: the hosts in scope, as its API
chrome cve_op "$PURL_op/cves/CVE-2022-28615"
as "$TOK_OP" GET /api/v1/cves/CVE-2022-28615
want=$(jq_ '"\n".join("%s %s %s %s" % (h["host"], h["source"], "fixed" if h["resolved_at"] else h["state"], h["fixed_version"] or "–") for h in d["hosts"])')
expect_eq "$($PN cve "$T/cve_op.html")" "$want" "CVE page: the API's hosts, states and fixed versions"
case $want in *"$HA apache2 fixed "*"$HA2 apache2 fixed-available "*) ok ;; *) ko "web1 fixed, web2 open (a fix available): $want" ;; esac
chrome cve_a "$PURL_a/cves/CVE-2022-28615"
if grep -q "$HB" "$T/cve_a.html"; then ko "acme's CVE page names globex's host"; else ok; fi
# the updates histogram: its total and bins, against the timeline API's upgrades
chrome hist "$PURL_a/hosts/$HA/history?year=2026&by=day"
as "$TOK_A" GET "/api/v1/hosts/$HA/timeline"
want=$(jq_ '"\n".join(["total %d" % sum(len(x["upgrades"]) for x in d["days"])] + ["%s %d" % (x["date"], len(x["upgrades"])) for x in d["days"]])')
expect_eq "$($PN history "$T/hist.html")" "$want" "history page: the upgrades per day of the API"
chrome tl "$PURL_a/hosts/$HA/timeline"
as "$TOK_A" GET "/api/v1/hosts/$HA/timeline"
want=$(jq_ '"upgrades %d cves %d" % (sum(len(x["upgrades"]) for x in d["days"]), sum(x["cve_count"] for x in d["days"]))')
expect_eq "$($PN timeline "$T/tl.html")" "$want" "timeline page: the API's counts"
# the API's numbers are themselves right (worked by hand in test_timeline.sh)
expect_eq "$want" "upgrades 2 cves 1" "two upgrades, one CVE"
# CVE-2022-28615 enters CISA KEV: web2's accepted risk re-opens, and the
# host page says so in its language
cat > "$T/kev.json" <<'KEV'
{"title":"CISA Catalog of Known Exploited Vulnerabilities","catalogVersion":"2026.11.20",
 "dateReleased":"2026-11-20T12:00:00.000Z","count":1,"vulnerabilities":[{"cveID":"CVE-2022-28615",
 "vendorProject":"Apache","product":"HTTP Server","vulnerabilityName":"Apache HTTP Server Out-of-Bounds Read",
 "dateAdded":"2026-11-20","shortDescription":"An out-of-bounds read.","requiredAction":"Apply updates.",
 "dueDate":"2026-12-11","knownRansomwareCampaignUse":"Unknown","notes":"","cwes":[]}]}
KEV
"$VIGIE" db import --kev "$T/kev.json" >/dev/null
as "$TOK_A" GET "/hosts/$HA2" -H "Accept-Language: fr"
grep -q "Décision rouverte : CISA KEV a changé (avant absente du catalogue CISA KEV, maintenant dans le catalogue CISA KEV)" \
	"$T/body" && ok || ko "host page (fr): the KEV re-opening in French"
as "$TOK_A" GET "/hosts/$HA2" -H "Accept-Language: en"
grep -q "Decision re-opened: CISA KEV changed (was not in CISA KEV, now in CISA KEV)" "$T/body" && ok ||
	ko "host page (en): the KEV re-opening"
as "$TOK_A" GET "/api/v1/hosts/$HA2/findings"
expect_eq "$(jq_ '[(f["cve"], f["decision"]["state"]) for f in d["findings"] if f["decision"]]')" \
	"[('CVE-2022-28615', 're-opened')]" "findings API: the decision re-opened"
# the browser saw no script and loaded nothing external (CSP default-src 'none')
if grep -qi '<script' "$T"/*.html; then ko "a page has a script"; else ok; fi
srv_finish
