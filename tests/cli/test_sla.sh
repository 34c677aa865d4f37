#!/usr/bin/env bash
# vigie sla on the fixture, worked by hand (FR calendar, 1 business day):
#  libfoo1 CVE-2026-1001/1002: changelog Fri 2026-01-16 18:00Z, installed
#    Mon 19 08:00 -> 14 h, deadline Mon 18:00, met (0.583 d)
#  bar CVE-2026-2001: Wed 2026-02-04 10:00, installed Fri 06 12:00 -> 50 h,
#    deadline Thu 10:00, breached (2.083 d)
#  baz CVE-2026-3001/3002: Fri 2026-04-03 18:00, Easter Monday 6 April,
#    installed Tue 07 09:00 -> 15 h, deadline Tue 18:00, met (0.625 d)
# Delays sorted: .583 .583 .625 .625 2.083: median .625; p90 = rank
# ceil(4.5) = 5 -> 2.083; share 4/5.
. "$(dirname "$0")/lib.sh"
set -e
export TZ=UTC
unset VIGIE_CONFIG
ROOT="$TESTDATA/history/root"

run sla --help; expect_rc 0 "help"
run sla --format xml --root "$ROOT"; expect_rc 2 "bad format"

# HTML: the same numbers as the JSON, breaches with their evidence, a
# class with nothing to measure shown as a dash; one self-contained page
run sla --root "$ROOT" --format html; expect_rc 0 "html"
printf '%s' "$OUT" > "$T/sla.html"
got=$(python3 - "$T/sla.html" <<'PY'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.tables = {}; self.cur = None; self.row = None; self.cell = None; self.ext = 0
    def handle_starttag(self, t, a):
        a = dict(a)
        if t == "table": self.cur = a.get("id"); self.tables[self.cur] = []
        elif t == "tr" and self.cur: self.row = []
        elif t == "td" and self.row is not None: self.cell = ""
        if t in ("script", "link", "img") or (t in ("img", "script") and "src" in a): self.ext += 1
    def handle_endtag(self, t):
        if t == "td" and self.cell is not None: self.row.append(self.cell.strip()); self.cell = None
        elif t == "tr" and self.row: self.tables[self.cur].append(self.row); self.row = None
        elif t == "table": self.cur = None
    def handle_data(self, d):
        if self.cell is not None: self.cell += d
p = P(); p.feed(open(sys.argv[1]).read())
for r in p.tables["summary"]: print("sum", *r)
for r in p.tables.get("breaches", []): print("breach", r[0], r[1])
print("items", len(p.tables["items"]), "external", p.ext)
PY
)
expect_eq "$got" "$(printf 'sum highly-critical 0 0 – – – –\nsum critical 0 0 – – – –\nsum standard 5 4 80.0 %% 0.62 2.08 –\nbreach CVE-2026-2001 standard\nitems 5 external 0')" \
	"html: summary, breaches and items as in the JSON"

run sla --root "$ROOT" --format json; expect_rc 0 "json"
expect_eq "$(printf '%s' "$OUT" | jq -r .schema)" "vigie.sla/1" "schema"
S='.summary[] | select(.class == "standard")'
expect_eq "$(printf '%s' "$OUT" | jq "$S | .count")" "5" "count"
expect_eq "$(printf '%s' "$OUT" | jq "$S | .met")" "4" "met"
expect_eq "$(printf '%s' "$OUT" | jq "$S | .share_met")" "0.8" "share"
expect_eq "$(printf '%s' "$OUT" | jq "$S | .median_business_days")" "0.625" "median"
expect_eq "$(printf '%s' "$OUT" | jq "$S | .p90_business_days")" "2.083" "p90"
expect_eq "$(printf '%s' "$OUT" | jq -r '.breaches[0].cve')" "CVE-2026-2001" "breach"
expect_eq "$(printf '%s' "$OUT" | jq '.breaches | length')" "1" "one breach"
expect_eq "$(printf '%s' "$OUT" | jq -r '.items[] | select(.cve == "CVE-2026-3001") | [.deadline, .delay_business_hours, .met] | map(tostring) | join(" ")')" \
	"2026-04-07T18:00:00Z 15 true" "easter monday skipped"
expect_eq "$(printf '%s' "$OUT" | jq -r '.items[] | select(.cve == "CVE-2026-1001") | .published_from')" \
	"date of changelog entry 1.0-1+deb13u1 (trixie-security) (no advisory date known)" "evidence says where publication comes from"

run sla --root "$ROOT"; expect_rc 0 "text"
expect_out "^standard +5 +4 +80.0%" "text summary"
expect_out "CVE-2026-2001 fixed in bar 2.0-1\+deb13u1: published 2026-02-04 10:00:00" "breach evidence"

run sla --root "$ROOT" --format csv; expect_rc 0 "csv"
expect_eq "$(printf '%s\n' "$OUT" | wc -l)" "6" "csv rows"
expect_out '^CVE-2026-2001,bar,2.0-1\+deb13u1,standard,2026-02-04T10:00:00Z,.*,2026-02-06T12:00:00Z,2026-02-05T10:00:00Z,2.083,50.000,no' "csv breach row"

# policy: 3 business days (deadline Mon 9 Feb 10:00) makes bar's fix met; a configured holiday moves deadlines
printf "[sla]\nstandard = 3\n" > "$T/two.conf"
run sla --root "$ROOT" --config "$T/two.conf" --format json; expect_rc 0 "config"
expect_eq "$(printf '%s' "$OUT" | jq '.breaches | length')" "0" "no breach with 3 days"
printf '[sla]\ncountry = none\n' > "$T/none.conf"
VIGIE_CONFIG="$T/none.conf" run sla --root "$ROOT" --format json; expect_rc 0 "VIGIE_CONFIG"
expect_eq "$(printf '%s' "$OUT" | jq -r '.items[] | select(.cve == "CVE-2026-3001") | .deadline')" \
	"2026-04-06T18:00:00Z" "no holidays: Monday"
printf '[sla]\nstandard = 1\ncritical = often\n' > "$T/bad.conf"
run sla --root "$ROOT" --config "$T/bad.conf"; expect_rc 2 "bad config"
expect_err "bad.conf:3: critical" "config error names file:line"
run sla --root "$ROOT" --config "$T/none-such.conf"; expect_rc 2 "missing config"

finish
