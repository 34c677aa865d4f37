#!/usr/bin/env bash
# The time to remediate of a client's SLA (/clients/C/sla, /api/v1/clients/
# C/sla): the findings of its hosts resolved in the month, from first seen
# to resolved, per class: count, mean (MTTR) and median in days, as the
# host's finding history (/api/v1/hosts/H/history) dates them; the page
# shows the API's numbers; another client's month counts none of them; a
# month without resolutions has none.
. "$(dirname "$0")/lib.sh"
set -e
export TZ=UTC
srv_setup
push_at() { # push_at AT PKGS HOST TOKEN
	srv_stop
	VIGIE_NOW=$1 srv_start
	mkdoc "$T/doc.json" "$2" "$3" bookworm --collected-at "$1"
	push "$4" "$T/doc.json"; expect_code 200 "push at $1"
}
push_at 2026-11-02T08:00:00Z bookworm-web.pkgs "$HA" "$TOK_AGENT_A"
push_at 2026-11-09T20:00:00Z bookworm-web-upgraded.pkgs "$HA" "$TOK_AGENT_A"
push_at 2026-11-10T08:00:00Z bookworm-web.pkgs "$HB" "$TOK_AGENT_B"
push_at 2026-11-20T08:00:00Z bookworm-web-upgraded.pkgs "$HB" "$TOK_AGENT_B"

# expected, from A's finding history
as "$TOK_A" GET "/api/v1/hosts/$HA/history"; expect_code 200 "A's history"
python3 - "$T/body" > "$T/expect" <<'PY'
import json, sys, statistics, datetime
d = json.load(open(sys.argv[1]))
def t(s): return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
by = {}
for f in d["findings"]:
    r = f.get("resolved_at")
    if r and r.startswith("2026-11"):
        by.setdefault(f["class"], []).append((t(r) - t(f["first_seen"])) / 86400)
for c in ("highly-critical", "critical", "standard"):
    v = by.get(c, [])
    print(c, len(v), round(statistics.mean(v), 2) if v else None, round(statistics.median(v), 2) if v else None)
PY
grep -qv ' 0 None None$' "$T/expect" && ok || ko "fixture: A's history resolves nothing in November"
as "$TOK_A" GET "/api/v1/clients/acme/sla?month=2026-11"; expect_code 200 "acme's SLA"
jq_ '"\n".join("%s %d %s %s" % (c["class"], c["time_to_remediate"]["resolved"], c["time_to_remediate"]["mean_days"], c["time_to_remediate"]["median_days"]) for c in d["classes"])' > "$T/got"
expect_eq "$(cat "$T/got")" "$(cat "$T/expect")" "acme's time to remediate is its history's"
# 7.5 days: every finding resolved was first seen at the first push
grep -q " 7.5 7.5$" "$T/got" && ok || ko "7.5 days from the first push to the upgrade: $(cat "$T/got")"

# the page shows the same numbers
as "$TOK_A" GET "/clients/acme/sla?month=2026-11"; expect_code 200 "acme's SLA page"
python3 - "$T/body" > "$T/page" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
m = re.search(r'<table id="mttr">.*?<tbody>(.*?)</tbody>', t, re.S)
for row in re.findall(r'<tr data-class="([^"]+)">(.*?)</tr>', m.group(1) if m else "", re.S):
    cells = dict(re.findall(r'<td class="n (\w+)">([^<]*)</td>', row[1]))
    num = lambda s: "None" if s == "–" else str(float(s.split()[0]))
    print(row[0], cells.get("resolved"), num(cells.get("mean", "–")), num(cells.get("median", "–")))
PY
expect_eq "$(cat "$T/page")" "$(cat "$T/got")" "the page's time to remediate is the API's"

# globex's month: its own host, resolved after 10 days; none of acme's
as "$TOK_B" GET "/api/v1/clients/globex/sla?month=2026-11"; expect_code 200 "globex's SLA"
expect_eq "$(jq_ 'sorted(set(c["time_to_remediate"]["mean_days"] for c in d["classes"] if c["time_to_remediate"]["resolved"]))')" \
	"[10.0]" "globex's resolutions: 10 days, none of acme's"
expect_eq "$(jq_ 'sum(c["time_to_remediate"]["resolved"] for c in d["classes"])')" \
	"$(awk '{ n += $2 } END { print n }' "$T/expect")" "as many as acme's (the same packages)"
# December: nothing resolved
as "$TOK_A" GET "/api/v1/clients/acme/sla?month=2026-12"
expect_eq "$(jq_ '[(c["time_to_remediate"]["resolved"], c["time_to_remediate"]["mean_days"]) for c in d["classes"]]')" \
	"[(0, None), (0, None), (0, None)]" "no resolution in December"
srv_finish
