#!/usr/bin/env bash
# A CVE two advisories list for one source: CVE-2020-1927 in apache2 for
# buster, DSA-4757-1 (2020-08-31, 2.4.38-3+deb10u4) and DLA-3351-1
# (2023-03-03, 2.4.38-3+deb10u9). Each advisory is credited to the upgrade
# that reached its version; the first fix is the SLA's, the later one a
# follow-up. Worked by hand: installed 2020-09-01 10:00 UTC (Tuesday),
# published Monday 2020-08-31 00:00 UTC: 34 business hours.
. "$(dirname "$0")/lib.sh"
set -e
export TZ=UTC
D=$TESTDATA/followup
run db import --dsa-list "$D/DSA-list" --dla-list "$D/DLA-list"
expect_rc 0 "import"

run timeline --root "$D/root" --format json
expect_rc 0 "timeline"
got=$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
out = []
for day in d["days"]:
    for u in day["upgrades"]:
        for c in u["cves"]:
            out.append("%s %s %s %s %s" % (u["new_version"], c["cve"], c["advisory"],
                       c["fixed_version"], "follow-up" if c["followup"] else "first"))
print(";".join(out))')
expect_eq "$got" "2.4.38-3+deb10u4 CVE-2020-1927 DSA-4757-1 2.4.38-3+deb10u4 first;2.4.38-3+deb10u4 CVE-2020-1934 DSA-4757-1 2.4.38-3+deb10u4 first;2.4.38-3+deb10u9 CVE-2020-1927 DLA-3351-1 2.4.38-3+deb10u9 follow-up;2.4.38-3+deb10u9 CVE-2022-36760 DLA-3351-1 2.4.38-3+deb10u9 first" \
	"each advisory credited to the upgrade that reached it"
expect_eq "$(printf '%s' "$OUT" | jq -c '[.summary.distinct_cves, .summary.followups]')" "[3,1]" "summary counts"

run timeline --root "$D/root"
expect_out "^  apache2-bin:amd64 2\.4\.38-3\+deb10u8 -> 2\.4\.38-3\+deb10u9  CVE-2020-1927 \(follow-up\) CVE-2022-36760$" "text marks the follow-up"
expect_out "^2023-03-06  1 upgrade, 1 CVE fixed, 1 follow-up$" "day header counts the follow-up apart"

# the log starts after the first fix: the old version had it already
run timeline --root "$D/root" --since 2021-01-01 --format json
expect_eq "$(printf '%s' "$OUT" | jq -c '[.days[].upgrades[].cves[] | [.cve, .followup]]')" \
	'[["CVE-2020-1927",true],["CVE-2022-36760",false]]' "follow-up by version when the first fix is outside the log"

run sla --root "$D/root" --format json
expect_rc 0 "sla"
printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
items = [i for i in d["items"] if i["cve"] == "CVE-2020-1927"]
assert len(items) == 1, items
a = items[0]
assert a["published"] == "2020-08-31T00:00:00Z", a
assert "DSA-4757-1" in a["published_from"], a
assert a["installed"] == "2020-09-01T10:00:00Z", a
assert a["version"] == "2.4.38-3+deb10u4", a
assert abs(a["delay_business_hours"] - 34.0) < 0.01, a
assert d["followup_fixes"] == 1, d["followup_fixes"]
assert sorted(i["cve"] for i in d["items"]) == ["CVE-2020-1927", "CVE-2020-1934", "CVE-2022-36760"], d["items"]
' && ok || ko "SLA measures the first fix of CVE-2020-1927"
run sla --root "$D/root" --since 2021-01-01
expect_out "^1 follow-up fix of CVEs fixed earlier left out" "SLA text says a follow-up was left out"

# --from-store judges the stored host (its packages and release), not the
# machine running vigie
run hosts add web-buster --root "$D/root"; expect_rc 0 "hosts add"
run history --store --host web-buster --dpkg-log "$D/root/var/log/dpkg.log"; expect_rc 0 "store events"
run timeline --from-store --host web-buster --format json; expect_rc 0 "timeline from store"
expect_eq "$(printf '%s' "$OUT" | jq -c '[.days[].upgrades[].cves[] | [.cve, .source, .advisory, .followup]]')" \
	'[["CVE-2020-1927","apache2","DSA-4757-1",false],["CVE-2020-1934","apache2","DSA-4757-1",false],["CVE-2020-1927","apache2","DLA-3351-1",true],["CVE-2022-36760","apache2","DLA-3351-1",false]]' \
	"stored host's inventory and release used"
expect_eq "$(printf '%s' "$OUT" | jq -c '[.days[].upgrades[].source_unknown]')" "[false,false]" "sources known from the stored inventory"
run sla --from-store --host web-buster --format json; expect_rc 0 "sla from store"
expect_eq "$(printf '%s' "$OUT" | jq -c '[.items[] | [.cve, .published]]')" \
	'[["CVE-2020-1927","2020-08-31T00:00:00Z"],["CVE-2020-1934","2020-08-31T00:00:00Z"],["CVE-2022-36760","2023-03-03T00:00:00Z"]]' \
	"SLA of the stored host"
# events stored without an inventory: no release, then no sources
run history --store --host bare --dpkg-log "$D/root/var/log/dpkg.log"; expect_rc 0 "store bare events"
run timeline --from-store --host bare; expect_rc 0 "bare host"
expect_err "no Debian security data used \(release of host bare unknown: use --release\)" "release of the stored host unknown"
run timeline --from-store --host bare --release buster; expect_rc 0 "bare host, release given"
expect_err "no inventory stored for host bare" "no stored inventory said"
expect_err "2 of 2 upgrades are of binaries not in the inventory of host bare as stored" "counted"
expect_out "^  apache2-bin:amd64 2\.4\.38-3\+deb10u3 -> 2\.4\.38-3\+deb10u4  \[source unknown\]$" "marked"
run sla --from-store --host bare --release buster; expect_rc 0 "sla bare host"
expect_err "2 of 2 upgrades are of binaries not in the inventory of host bare as stored" "sla counted"
finish
