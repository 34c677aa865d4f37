#!/usr/bin/env bash
# vigie report: the monthly client report. The fleet (tests/data/report/
# mkfleet.py, worked by hand there): client acme, November 2026 in
# Europe/Paris, five fixes measured by the SLA (1 business day, French
# holidays): delays 0.583 0.938 0.979 1.375 3.375 -> met 3 / 5, median
# 0.979, p90 (nearest rank 5) 3.375; five upgrades that fixed CVEs; pkg06
# installed 1 Dec 00:30 Paris (30 Nov in UTC) is not November's; pkg07
# open on web2 at the month's end. globex's host is tests/data/secdata.
. "$(dirname "$0")/lib.sh"
set -e
export TZ=Europe/Paris
unset VIGIE_CONFIG
LOGDIR=${VIGIE_BUILDDIR:-$T}/test-logs
mkdir -p "$LOGDIR"
jqr() { printf '%s' "$OUT" | jq -r "$@"; }
python3 "$VIGIE_SRCDIR/tests/data/report/mkfleet.py" "$T" "$TESTDATA/secdata/DSA-list" big

run db import --tracker-json "$TESTDATA/scan/tracker.json" --dsa-list "$T/DSA-list"; expect_rc 0 "import"
run clients add acme --contact ops@acme.example --contact boss@acme.example --lang fr; expect_rc 0 "acme"
run clients add globex --contact it@globex.example --lang en; expect_rc 0 "globex"
run clients add big; expect_rc 0 "big"
run clients add empty; expect_rc 0 "empty"
for hc in web1:acme web2:acme big1:big; do
	h=${hc%%:*}
	VIGIE_NOW=2026-11-15T10:00:00Z run hosts add "$h" --root "$T/$h" --client "${hc#*:}"
	expect_rc 0 "hosts add $h"
	run history --store --root "$T/$h" --host "$h"; expect_rc 0 "events of $h"
done
VIGIE_NOW=2023-03-10T10:00:00Z run hosts add db1 --root "$TESTDATA/secdata/root" --client globex
expect_rc 0 "hosts add db1"
run history --store --root "$TESTDATA/secdata/root" --host db1; expect_rc 0 "events of db1"
# written decisions: acme's report lists those in force at some time of
# November on its hosts (web2's, acme's, every host's; 3 revoked on the
# 25th), never globex's or db1's, nor one over before November or written
# after it
dec() { VIGIE_NOW=$1 run decide "${@:2}" --by alice; expect_rc 0 "decide ${*:2:3}"; }
dec 2026-11-10T09:00:00Z CVE-2026-0007 --host web2 --status affected --reason "pkg07 waits for the January window" --until 2026-12-31
dec 2026-11-12T09:00:00Z CVE-2026-0001 --client acme --status not_affected --justification vulnerable_code_not_present --reason "module not built at acme"
dec 2026-11-13T09:00:00Z CVE-2026-0002 --fleet --status fixed --reason "patched by hand everywhere"
dec 2026-11-13T10:00:00Z CVE-2026-0003 --host web1 --status under_investigation --reason "looking"
VIGIE_NOW=2026-11-25T09:00:00Z run decisions revoke 4; expect_rc 0 "revoke 4"
dec 2026-11-14T09:00:00Z CVE-2021-3156 --client globex --status not_affected --reason "globex's own"
dec 2026-11-14T09:00:00Z CVE-2006-20001 --host db1 --status affected --reason "db1's own"
dec 2026-10-01T09:00:00Z CVE-2026-0004 --host web1 --status affected --reason "over in October" --until 2026-10-30
dec 2026-12-01T09:00:00Z CVE-2026-0005 --host web1 --status affected --reason "written in December"
export VIGIE_NOW=2026-12-02T08:00:00Z

run report --help; expect_rc 0 "help"
run report --client acme; expect_rc 2 "month required"
run report --client acme --month 2026-13; expect_rc 2 "bad month"
run report --client nosuch --month 2026-11; expect_rc 2 "unknown client"
run report --client acme --month 2026-11 --format csv; expect_rc 2 "bad format"

# ---- the model, against the hand-worked numbers ----
run report --client acme --month 2026-11 --format json; expect_rc 0 "json"
printf '%s' "$OUT" > "$T/acme.json"
expect_eq "$(jqr .schema)" "vigie.report/1" "schema"
expect_eq "$(jqr .period.start_local)" "2026-11-01T00:00+01:00" "month start in Paris"
expect_eq "$(jqr .period.start)" "2026-10-31T23:00:00Z" "month start in UTC"
S='.summary.sla[] | select(.class == "standard")'
expect_eq "$(jqr "$S | [.count, .met, .median_business_days, .p90_business_days] | map(tostring) | join(\" \")")" \
	"5 3 0.979 3.375" "SLA worked by hand"
expect_eq "$(jqr .summary.security_updates)" 5 "security updates applied"
expect_eq "$(jqr .summary.cves_fixed.total)" 5 "CVEs fixed"
expect_eq "$(jqr .summary.open_at_month_end.total)" 1 "open at month end"
expect_eq "$(jqr '.open_findings[0] | .host + " " + .source + " " + .state')" "web2 pkg07 fixed-available" "which is open"
expect_eq "$(jqr '[.fixes[] | select(.package == "pkg06")] | length')" 0 "1 Dec 00:30 Paris is December"
expect_eq "$(jqr '[.fixes[].met] | map(tostring) | join(" ")')" "false false true true true" "breaches first"
expect_eq "$(jqr '.fixes[] | select(.package == "pkg03") | .delay_business_days')" 0.979 "Armistice day skipped"
expect_eq "$(jqr '[.updates_per_day[] | select(.updates > 0) | .date] | join(" ")')" \
	"2026-11-02 2026-11-03 2026-11-09 2026-11-12 2026-11-30" "updates per day (local days)"
expect_eq "$(jqr '.histogram | map(.month + "=" + (.updates | tostring)) | .[10:] | join(" ")')" \
	"2026-10=1 2026-11=5" "twelve months"
expect_eq "$(jqr '.histogram | length')" 12 "twelve bars"
# added on 15 Nov 10:00 UTC, nothing since: 15 d 13 h to the month's end
expect_eq "$(jqr -c '[.summary.silent_hosts[] | [.host, .days]]')" '[["web1",15.5],["web2",15.5]]' "silent hosts"

expect_eq "$(jqr -c '[.decisions[] | [.id, .cve, .scope, .host, .status, .by, .since, .until, .revoked]]')" \
	'[[1,"CVE-2026-0007","host","web2","affected","alice","2026-11-10T09:00:00Z","2026-12-31",null],[2,"CVE-2026-0001","client",null,"not_affected","alice","2026-11-12T09:00:00Z",null,null],[3,"CVE-2026-0002","fleet",null,"fixed","alice","2026-11-13T09:00:00Z",null,null],[4,"CVE-2026-0003","host","web1","under_investigation","alice","2026-11-13T10:00:00Z",null,"2026-11-25T09:00:00Z"]]' \
	"the decisions in force during November on acme's hosts"
expect_eq "$(jqr '.decisions[1].justification + ": " + .decisions[1].reason')" \
	"vulnerable_code_not_present: module not built at acme" "with the justification and the reason"

# every document the tests make follows docs/report.schema.json
schema_check() { python3 -c '
import json, sys, jsonschema
s = json.load(open(sys.argv[1]))
for p in sys.argv[2:]:
    jsonschema.validate(json.load(open(p)), s)' "$VIGIE_SRCDIR/docs/report.schema.json" "$@"; }

# ---- every SLA number equals `vigie sla` for the same host and month ----
for h in web1 web2; do
	want=$("$VIGIE" sla --from-store --host "$h" --since 2026-11-01 --until 2026-11-30 --format json |
		jq -c '[.summary[] | [.class, .count, .met, .share_met, .median_business_days, .p90_business_days]], .undated_fixes, .followup_fixes')
	got=$(jq -c --arg h "$h" '.hosts[] | select(.name == $h) | .host_sla | [.sla[] | [.class, .count, .met, .share_met, .median_business_days, .p90_business_days]], .undated_fixes, .followup_fixes' "$T/acme.json")
	expect_eq "$got" "$want" "host $h: SLA as vigie sla"
done
got=$(jq -c '[.hosts[].host_sla.sla[] | select(.class == "standard") | .count] | add' "$T/acme.json")
expect_eq "$got" 5 "hosts' SLA counts add up to the summary's"
# the client's whole set, through vigie sla's items
all=$( (for h in web1 web2; do "$VIGIE" sla --from-store --host "$h" --since 2026-11-01 --until 2026-11-30 --format json; done) |
	jq -s -c '[.[].items[]] | [length, (map(select(.met)) | length)]')
expect_eq "$all" "[5,3]" "vigie sla's items: 5 fixes, 3 met"

# ---- the views carry the JSON's numbers ----
run report --client acme --month 2026-11 --format pdf --output "$T/acme.pdf"; expect_rc 0 "pdf"
run report --client acme --month 2026-11 --format html --output "$T/acme.html"; expect_rc 0 "html"
pdftotext -layout "$T/acme.pdf" "$T/acme.pdf.txt"
python3 - "$T/acme.html" > "$T/acme.html.txt" <<'PY'
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(s): super().__init__(); s.t = []; s.skip = 0
    def handle_starttag(s, tag, a):
        if tag in ("style", "title"): s.skip += 1
    def handle_endtag(s, tag):
        if tag in ("style", "title"): s.skip -= 1
        if tag in ("td", "th", "p", "h1", "h2", "tr", "small", "text"): s.t.append("\n")
    def handle_data(s, d):
        if not s.skip: s.t.append(d)
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); print("".join(p.t))
PY
grep -q '<script' "$T/acme.html" && ko "html has a script" || ok
grep -Eq '(src|href)="(https?:)?//' "$T/acme.html" && ko "html has an external asset" || ok
grep -q '<svg' "$T/acme.html" && ok || ko "html has inline svg charts"
python3 - "$T/acme.json" "$T/acme.pdf.txt" "$T/acme.html.txt" fr <<'PY' || ko "views carry the JSON's numbers"
import json, re, sys
d = json.load(open(sys.argv[1]))
lang = sys.argv[4]
def n(x, dec):
    s = "%.*f" % (dec, x)
    return s.replace(".", ",") if lang == "fr" else s
def pct(x):
    return n(x * 100, 1) + ("\u00a0%" if lang == "fr" else "%")
want = []
s = [c for c in d["summary"]["sla"] if c["class"] == "standard"][0]
want += ["%d / %d" % (s["met"], s["count"]), pct(s["share_met"]),
         n(s["median_business_days"], 2), n(s["p90_business_days"], 2)]
for f in d["fixes"]:
    want += [f["cve"], f["advisory"], n(f["delay_business_days"], 2)]
for o in d["open_findings"]:
    want += [o["cve"]]
bad = 0
for path in sys.argv[2:4]:
    text = open(path, encoding="utf-8").read()
    flat = re.sub(r"\s+", " ", text.replace("\u00a0", "\u00a0"))
    for w in want:
        ns = re.sub(r"\s", "", text)
        if re.sub(r"\s", "", w) not in ns:
            print("FAIL: %s lacks %r" % (path, w), file=sys.stderr); bad = 1
    # the summary's counts, in their rows
    for label, val in (("Mises à jour de sécurité appliquées", d["summary"]["security_updates"]),
                       ("CVE corrigées", d["summary"]["cves_fixed"]["total"]),
                       ("Vulnérabilités ouvertes en fin de mois", d["summary"]["open_at_month_end"]["total"])):
        if not re.search(re.escape(label) + r"\s+" + str(val) + r"\b", flat):
            print("FAIL: %s: %s is not %s" % (path, label, val), file=sys.stderr); bad = 1
sys.exit(bad)
PY
# every font embedded
pdffonts "$T/acme.pdf" > "$T/fonts.txt"
expect_eq "$(awk 'NR > 2 && $(NF-4) != "yes"' "$T/fonts.txt" | wc -l)" 0 "every font embedded"
expect_eq "$(awk 'NR > 2' "$T/fonts.txt" | grep -c DejaVu)" "$(awk 'NR > 2' "$T/fonts.txt" | wc -l)" "DejaVu fonts"
grep -q "page 1 / " "$T/acme.pdf.txt" && ok || ko "page N / M footer"
pdftoppm -r 80 -png -f 1 -l 1 "$T/acme.pdf" "$LOGDIR/report-acme"
# and the HTML as a browser draws it, when Chromium is installed
if command -v chromium >/dev/null; then
	timeout 60 chromium --headless=new --no-sandbox --disable-gpu --window-size=1000,1400 \
		--user-data-dir="$T/chromium" --screenshot="$LOGDIR/report-acme-html.png" \
		"file://$T/acme.html" >/dev/null 2>&1 || true
	[ -s "$LOGDIR/report-acme-html.png" ] && ok || ko "the HTML report renders in Chromium"
fi

# a bigger fixes table takes more pages, its header repeated
run report --client big --month 2026-11 --output "$T/big.pdf"; expect_rc 0 "big pdf"
pa=$(pdfinfo "$T/acme.pdf" | awk '/^Pages:/ {print $2}')
pb=$(pdfinfo "$T/big.pdf" | awk '/^Pages:/ {print $2}')
[ "$pb" -gt "$pa" ] && ok || ko "60 fixes: $pb pages, not more than $pa"
pdftotext "$T/big.pdf" "$T/big.txt"
# each page holding rows of the fixes table starts it with its header
for p in $(seq 1 "$pb"); do
	pdftotext -f "$p" -l "$p" "$T/big.pdf" "$T/page.txt"
	if grep -q 'CVE-2026-91' "$T/page.txt"; then
		grep -q '^Avis, publié le$' "$T/page.txt" && ok || ko "page $p: fixes rows without the header"
	fi
done
expect_eq "$(grep -c "^page [0-9]* / $pb\$" "$T/big.txt")" "$pb" "every page says page N / $pb"

# ---- French and English differ only in language ----
run report --client acme --month 2026-11 --format json --lang en; expect_rc 0 "json en"
expect_eq "$(jqr 'del(.lang)' | jq -S -c .)" "$(jq -S -c 'del(.lang)' "$T/acme.json")" "same model in en"
run report --client acme --month 2026-11 --lang en --output "$T/acme-en.pdf"; expect_rc 0 "pdf en"
run report --client acme --month 2026-11 --lang en --format html --output "$T/acme-en.html"; expect_rc 0 "html en"
pdftotext -layout "$T/acme-en.pdf" "$T/acme-en.pdf.txt"
grep -q "Monthly security report" "$T/acme-en.pdf.txt" && ok || ko "english title"
# the decisions in both views and languages (cells may wrap: text without
# layout, lines joined)
pdftotext "$T/acme.pdf" "$T/acme.pdf.flat"
pdftotext "$T/acme-en.pdf" "$T/acme-en.pdf.flat"
flat() { tr -s ' \n' '  ' < "$1"; }
for v in pdf html; do
	f=$(flat "$T/acme.$v.$([ $v = pdf ] && echo flat || echo txt)")
	for w in "Décisions écrites en vigueur pendant le mois" "CVE-2026-0007" "pkg07 waits for the January window" \
		"module not built at acme (vulnerable_code_not_present)" "tous les serveurs du client" "affecté (risque accepté)" \
		"31 décembre 2026" "révoquée le 25 novembre 2026" "tous les serveurs"; do
		case $f in *"$w"*) ok ;; *) ko "fr $v: decisions lack '$w'" ;; esac
	done
	case $f in *"globex's own"*|*"db1's own"*|*"over in October"*|*"written in December"*) ko "fr $v: a decision not acme's November" ;; *) ok ;; esac
done
python3 - "$T/acme-en.html" > "$T/acme-en.html.txt" <<'PY'
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(s): super().__init__(); s.t = []; s.skip = 0
    def handle_starttag(s, tag, a):
        if tag in ("style", "title"): s.skip += 1
    def handle_endtag(s, tag):
        if tag in ("style", "title"): s.skip -= 1
        if tag in ("td", "th", "p", "h1", "h2", "tr", "small", "text"): s.t.append("\n")
    def handle_data(s, d):
        if not s.skip: s.t.append(d)
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); print("".join(p.t))
PY
for v in pdf html; do
	f=$(flat "$T/acme-en.$v.$([ $v = pdf ] && echo flat || echo txt)")
	for w in "Written decisions in force during the month" "every host of the client" "affected (risk accepted)" \
		"December 31, 2026" "revoked on November 25, 2026" "under investigation" "patched by hand everywhere"; do
		case $f in *"$w"*) ok ;; *) ko "en $v: decisions lack '$w'" ;; esac
	done
done
grep -q "Rapport mensuel de sécurité" "$T/acme.pdf.txt" && ok || ko "french title"
grep -q "2 décembre 2026 08:00 UTC" "$T/acme.pdf.txt" && ok || ko "french date"
grep -q "December 2, 2026 08:00 UTC" "$T/acme-en.pdf.txt" && ok || ko "english date"
grep -q "60,0 %" "$T/acme.pdf.txt" && ok || ko "french percent"
grep -q "60.0%" "$T/acme-en.pdf.txt" && ok || ko "english percent"
grep -qi "rapport\|vulnérabilit" "$T/acme-en.pdf.txt" && ko "french words in english" || ok
# the same numbers in both (digits of every line, decimal commas read as
# points; not the page footers, "client — month  page N / M": the
# languages' lengths differ, and so may their page counts)
digits() {
	grep -Ev 'page [0-9]+ / [0-9]+' "$1" | tr ',' '.' | grep -Eo '[0-9]+([.][0-9]+)?' |
		sort | tr '\n' ' '
}
grep -c 'page [0-9]* / [0-9]*' "$T/acme.pdf.txt" | grep -qx "$(pdfinfo "$T/acme.pdf" | awk '/^Pages:/ { print $2 }')" \
	&& ok || ko "one footer per page"
expect_eq "$(digits "$T/acme-en.pdf.txt")" "$(digits "$T/acme.pdf.txt")" "same numbers in fr and en"
# globex's language is English by default
run report --client globex --month 2023-03 --format json; expect_rc 0 "globex"
expect_eq "$(jqr .lang)" en "client's language"
expect_eq "$(jqr '[.fixes[].cve] | sort | join(" ")')" "CVE-2006-20001 CVE-2021-3156" "globex fixes"
want=$("$VIGIE" sla --from-store --host db1 --since 2023-03-01 --until 2023-03-31 --format json | jq -c '[.summary[] | [.count, .met, .median_business_days, .p90_business_days]]')
expect_eq "$(jqr -c '[.summary.sla[] | [.count, .met, .median_business_days, .p90_business_days]]')" "$want" "globex SLA as vigie sla"

# ---- no data, no hosts: short, honest, exit 0 ----
run report --client acme --month 2025-01 --format json; expect_rc 0 "month without data"
expect_eq "$(jqr '[.summary.security_updates, (.fixes | length)] | map(tostring) | join(" ")')" "0 0" "nothing that month"
run report --client acme --month 2025-01 --output "$T/nodata.pdf"; expect_rc 0 "pdf without data"
pdftotext "$T/nodata.pdf" - | grep -q "Aucun correctif de sécurité n'a été installé" && ok || ko "says nothing was installed"
run report --client empty --month 2026-11 --output "$T/empty.pdf"; expect_rc 0 "client without hosts"
pdftotext "$T/empty.pdf" - | grep -q "Ce client n'a aucun hôte" && ok || ko "says there is no host"
expect_eq "$(pdfinfo "$T/empty.pdf" | awk '/^Pages:/ {print $2}')" 2 "short report"

# ---- --mail through a fake sendmail ----
cat > "$T/sendmail" <<SH
#!/bin/sh
printf '%s\n' "\$@" > "$T/mail.args"
cat > "$T/mail.eml"
SH
chmod 755 "$T/sendmail"
printf '[mail]\ncommand = %s -i --\nfrom = reports@vigie.example\n' "$T/sendmail" > "$T/vigie.conf"
chmod 600 "$T/vigie.conf"
run report --client acme --month 2026-11 --mail --config "$T/vigie.conf"; expect_rc 0 "mail"
expect_eq "$(tr '\n' ' ' < "$T/mail.args")" "-i -- boss@acme.example ops@acme.example " "recipients as arguments"
python3 - "$T/mail.eml" "$T/acme.pdf" <<'PY' || ko "mail message"
import email, email.header, email.policy, sys
raw = open(sys.argv[1], "rb").read()
m = email.message_from_bytes(raw, policy=email.policy.compat32)
assert b"\r\n" in raw, "CRLF"
assert m["From"] == "reports@vigie.example", m["From"]
to = [a.strip() for a in m["To"].replace("\r\n", "").split(",")]
assert to == ["boss@acme.example", "ops@acme.example"], to
assert m["Subject"].startswith("=?UTF-8?B?"), m["Subject"]
subj = str(email.header.make_header(email.header.decode_header(m["Subject"])))
assert subj == "Rapport de sécurité — acme — novembre 2026", subj
assert m.get_content_type() == "multipart/mixed"
parts = m.get_payload()
assert parts[0].get_content_type() == "text/plain"
text = parts[0].get_payload(decode=True).decode("utf-8")
assert "Mises à jour de sécurité appliquées: 5" in text, text
assert parts[1].get_content_type() == "application/pdf"
assert parts[1].get_filename() == "acme-2026-11.pdf"
assert parts[1].get_payload(decode=True) == open(sys.argv[2], "rb").read(), "attachment differs from the PDF"
PY
run report --client empty --month 2026-11 --mail --config "$T/vigie.conf"; expect_rc 2 "no contact"
expect_err "no contact" "says why"
printf '[mail]\ncommand = %s; rm -rf /\n' "$T/sendmail" > "$T/bad.conf"; chmod 600 "$T/bad.conf"
run report --client acme --month 2026-11 --mail --config "$T/bad.conf"; expect_rc 2 "shell syntax refused"
rm -f "$T/mail.eml"
run report --all-clients --month last --mail --config "$T/vigie.conf"; expect_rc 0 "every client by mail"
expect_err "client empty has no contact: report not mailed" "a client without contact is skipped"
expect_err "client big has no contact" "and said"
grep -q '^To: it@globex.example' "$T/mail.eml" && ok || ko "the last mailed client is globex"
# every client, last month (November in Paris on 2 December)
mkdir -p "$T/all"
run report --all-clients --month last --format json --output "$T/all"; expect_rc 0 "all clients"
expect_eq "$(ls "$T/all" | tr '\n' ' ')" "acme-2026-11.json big-2026-11.json empty-2026-11.json globex-2026-11.json " "one file per client"
expect_eq "$(jq -S -c . "$T/all/acme-2026-11.json")" "$(jq -S -c . "$T/acme.json")" "the same report"
schema_check "$T"/all/*.json && ok || ko "reports follow docs/report.schema.json"
jq 'del(.fixes)' "$T/acme.json" > "$T/broken.json"
schema_check "$T/broken.json" 2>/dev/null && ko "the schema check cannot fail" || ok

# support ending within six months of the month's end (a calendar where
# bullseye's ELTS ends on 31 March 2027; judged again on import)
sed 's/^11,Bullseye,bullseye,.*/11,Bullseye,bullseye,2019-07-06,2021-08-14,2024-08-14,2026-08-31,2027-03-31/' \
	"$TESTDATA/scan/distro-info.csv" > "$T/distro-info.csv"
run db import --distro-info "$T/distro-info.csv"; expect_rc 0 "distro-info"
run report --client acme --month 2026-11 --format json; expect_rc 0 "json with lifecycle"
expect_eq "$(jqr -c '.summary.support_ending')" \
	'[{"host":"web1","release":"bullseye","date":"2027-03-31"},{"host":"web2","release":"bullseye","date":"2027-03-31"}]' "support ending"
run report --client acme --month 2026-05 --format json
expect_eq "$(jqr -c '.summary.support_ending')" '[]' "more than six months after May"
run report --client acme --month 2026-11 --output "$T/eol.pdf"
pdftotext "$T/eol.pdf" - | tr '\n' ' ' | grep -q "web1 (bullseye): 31 mars 2027" && ok || ko "support end in the PDF"

# ---- server: the dashboard's access rules ----
run users add alice --client acme; expect_rc 0 "client user"
run users add root --operator; expect_rc 0 "operator"
run tokens create --user alice; ta=$OUT
run tokens create --user root; tr_=$OUT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$VIGIE" serve --listen "127.0.0.1:$port" --threads 2 2>"$T/serve.log" &
spid=$!
for _ in $(seq 50); do curl -s "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
get() { curl -s -o "$T/body" -w '%{http_code} %{content_type}' -H "Authorization: Bearer $1" "http://127.0.0.1:$port$2"; }
expect_eq "$(get "$ta" /clients/acme/reports/2026-11.json)" "200 application/json" "own report"
expect_eq "$(jq -c "$S" "$T/body")" "$(jq -c "$S" "$T/acme.json")" "served SLA = CLI SLA"
expect_eq "$(get "$ta" /clients/globex/reports/2026-11.json | cut -d' ' -f1)" 404 "another client's report"
expect_eq "$(get "$ta" /clients/nosuch/reports/2026-11.pdf | cut -d' ' -f1)" 404 "missing client"
expect_eq "$(get "$tr_" /clients/globex/reports/2023-03.html)" "200 text/html; charset=utf-8" "operator"
expect_eq "$(get "$ta" /clients/acme/reports/2026-11.pdf)" "200 application/pdf" "pdf served"
cmp -s "$T/body" "$T/eol.pdf" && ok || ko "served PDF = CLI PDF"
expect_eq "$(get "$ta" /clients/acme/reports/2026-11.txt | cut -d' ' -f1)" 404 "unknown format"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/clients/acme/reports/2026-11.json")" 401 "needs a login"
kill "$spid"; wait "$spid" 2>/dev/null || true

# ---- real data (optional): Debian's DSA list of 2023-04-02 ----
if [ -n "${VIGIE_SHARED_DATA:-}" ] && [ -e "$VIGIE_SHARED_DATA/debian-security-tracker/DSA-list" ]; then
	export VIGIE_DB=$(newdb real)
	R=$VIGIE_SHARED_DATA/debian-security-tracker
	run db import --dsa-list "$R/DSA-list"; expect_rc 0 "real DSA list"
	run clients add real; expect_rc 0 "client real"
	VIGIE_NOW=2023-03-10T10:00:00Z run hosts add db1 --root "$TESTDATA/secdata/root" --client real
	run history --store --root "$TESTDATA/secdata/root" --host db1; expect_rc 0 "events"
	run report --client real --month 2023-03 --format json; expect_rc 0 "report on real data"
	printf '%s' "$OUT" > "$T/real.json"
	# the CVEs the DSAs fixed for bullseye in (old, new] of each upgrade,
	# read from the list here and compared with dpkg itself
	want=$(python3 - "$R/DSA-list" <<'PY'
import re, subprocess, sys
ups = {"apache2": ("2.4.53-1~deb11u1", "2.4.56-1~deb11u2"), "sudo": ("1.9.5p1-1", "1.9.5p2-3+deb11u1")}
def lt(a, b): return subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0
out, cves = set(), []
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    if line.startswith("["):
        cves = []
    elif line.strip().startswith("{"):
        cves = line.strip(" \t\n{}").split()
    else:
        m = re.match(r"\s+\[bullseye\] - (\S+) (\S+)", line)
        if m and m.group(1) in ups:
            old, new = ups[m.group(1)]
            if lt(old, m.group(2)) and not lt(new, m.group(2)):
                out.update(c for c in cves if c.startswith("CVE-"))
print(" ".join(sorted(out)))
PY
)
	expect_eq "$(jq -r '[.fixes[].cve] | unique | join(" ")' "$T/real.json")" "$want" "real data: the CVEs fixed"
	want=$("$VIGIE" sla --from-store --host db1 --since 2023-03-01 --until 2023-03-31 --format json | jq -c '[.summary[] | [.count, .met, .median_business_days, .p90_business_days]]')
	expect_eq "$(jq -c '[.summary.sla[] | [.count, .met, .median_business_days, .p90_business_days]]' "$T/real.json")" "$want" "real data: SLA as vigie sla"
	run report --client real --month 2023-03 --output "$T/real.pdf"; expect_rc 0 "real pdf"
	pdftotext "$T/real.pdf" - | grep -q "DSA-5376-1" && ok || ko "real advisory in the PDF"
else
	echo "real data: skipped (no \$VIGIE_SHARED_DATA)"
fi
finish
