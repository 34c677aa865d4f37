#!/usr/bin/env bash
# db status keeps each source's previous import beside the current one, and
# db rollback puts the previous data set back (one transaction), after which
# scans and the fleet judge with the restored data again.
. "$(dirname "$0")/lib.sh"
set -e
D=$TESTDATA/scan
A=$TESTDATA/advlist
st() { # st [STMT;] EXPR: EXPR on `db status --format json` (d; src(NAME)), items space-separated
	"$VIGIE" db status --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
def src(n):
    return [s for s in d["sources"] if s["name"] == n][0]
pre, _, e = sys.argv[1].rpartition(";")
exec(pre)
v = eval(e)
print(*v) if isinstance(v, tuple) else print(v)' "$1"
}
# tracker rows of a tracker JSON, counted here: one per (package, issue, release)
trk_rows() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print(sum(len(i["releases"]) for p in d.values() for i in p.values()))' "$1"
}
SCAN=(scan --status "$D/old.status" --release bullseye --host old --kernel 5.10.0-27-amd64 --format json)

# ---- import A ----
run db rollback; expect_rc 2 "rollback before anything is imported"
run db import --distro-info "$A/distro-info.csv" --tracker-json "$D/tracker.json" \
	--kev "$D/kev.json" --dsa-list "$A/dsa.list"
expect_rc 0 "import A"
run hosts add old --status "$D/old.status" --release bullseye
expect_rc 0 "a stored host"
run "${SCAN[@]}"; expect_rc 0 "scan after A"; SCAN_A=$OUT
run fleet --format json --findings; FLEET_A=$OUT
rows_a=$(trk_rows "$D/tracker.json")
dsa_a=$(grep -c '^\[' "$A/dsa.list")
kev_a=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["vulnerabilities"]))' "$D/kev.json")
expect_eq "$(st "src('tracker-json')['rows'], src('tracker-json')['previous']")" "$rows_a None" \
	"a first import has no previous one"
run db rollback tracker-json; expect_rc 2 "nothing to roll back after one import"
expect_err "tracker-json: nothing to roll back .no previous import" "says why"

# ---- import B: sudo and glibc gone, a smaller DSA list, a shorter KEV ----
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); del d["sudo"]; del d["glibc"]
json.dump(d, open(sys.argv[2], "w"))' "$D/tracker.json" "$T/b.json"
rows_b=$(trk_rows "$T/b.json")
keep=$(( dsa_a / 3 ))
awk -v keep="$keep" '/^\[/ { n++ } n <= keep' "$A/dsa.list" > "$T/cut.list"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["vulnerabilities"]=d["vulnerabilities"][:1]
json.dump(d, open(sys.argv[2], "w"))' "$D/kev.json" "$T/kev.json"
VIGIE_NOW=2026-11-28T09:00:00Z run db import --tracker-json "$T/b.json" \
	--dsa-list "$T/cut.list" --kev "$T/kev.json" --allow-shrink
expect_rc 0 "import B"
run "${SCAN[@]}"; SCAN_B=$OUT
if [ "$SCAN_B" != "$SCAN_A" ]; then ok; else ko "B should change the scan"; fi
run fleet --format json --findings
if [ "$OUT" != "$FLEET_A" ]; then ok; else ko "B should change the fleet"; fi

# status: both imports, each with its own time and counts
expect_eq "$(st "src('tracker-json')['rows'], src('tracker-json')['imported_at']")" \
	"$rows_b 2026-11-28T09:00:00Z" "current tracker import"
expect_eq "$(st "p = src('tracker-json')['previous']; p['rows'], p['imported_at'], p['restorable'], p['location'].endswith('scan/tracker.json')")" \
	"$rows_a 2026-11-27T09:00:00Z True True" "previous tracker import"
expect_eq "$(st "src('dsa-list')['rows'], src('dsa-list')['previous']['rows']")" "$keep $dsa_a" "DSA counts"
expect_eq "$(st "src('kev')['rows'], src('kev')['previous']['rows']")" "1 $kev_a" "KEV counts"
expect_eq "$(st "src('distro-info')['previous']")" "None" "distro-info imported once"
run db status
expect_out "^  tracker-json +2026-11-28T09:00:00Z +- +$rows_b  $T/b.json" "text: current line"
expect_out "^    previous +2026-11-27T09:00:00Z +- +$rows_a  .*scan/tracker.json" "text: previous line"

# ---- errors change nothing ----
run db rollback tracker-json no-such-source; expect_rc 2 "unknown source"
expect_err "no source named 'no-such-source'" "names the unknown source"
expect_eq "$(st "src('tracker-json')['rows'], d['counts']['tracker']")" "$rows_b $rows_b" \
	"the known source named with it is not rolled back"
run db rollback distro-info; expect_rc 2 "distro-info has nothing to roll back"

# ---- rollback of one source ----
VIGIE_NOW=2026-11-29T09:00:00Z run db rollback tracker-json
expect_rc 0 "rollback tracker-json"
expect_out "^tracker-json: rolled back to the import of 2026-11-27T09:00:00Z \($rows_a rows\); the import of 2026-11-28T09:00:00Z \($rows_b rows\) is discarded$" "says what it did"
expect_eq "$(st "s = src('tracker-json'); s['rows'], s['imported_at'], s['previous'], s['rolled_back']['at'], s['rolled_back']['discarded_rows'], d['counts']['tracker']")" \
	"$rows_a 2026-11-27T09:00:00Z None 2026-11-29T09:00:00Z $rows_b $rows_a" "status after the rollback"
expect_eq "$(st "src('dsa-list')['rows']")" "$keep" "other sources untouched"
run db status
expect_out "^    rolled back +2026-11-29T09:00:00Z the import of 2026-11-28T09:00:00Z \($rows_b rows\) was discarded" "text: rolled back line"
run db rollback tracker-json; expect_rc 2 "a second rollback"
expect_err "tracker-json: nothing to roll back .already rolled back on 2026-11-29T09:00:00Z" "says it was rolled back"

# ---- rollback of every source that keeps one: DSA and KEV ----
run db rollback
expect_rc 0 "rollback of the rest"
expect_eq "$(printf '%s\n' "$OUT" | grep ': rolled back to' | cut -d: -f1 | sort | tr '\n' ' ')" "dsa-list kev " "the sources rolled back"
expect_eq "$(st "src('dsa-list')['rows'], d['counts']['advisories'], src('kev')['rows'], d['counts']['kev']")" \
	"$dsa_a $dsa_a $kev_a $kev_a" "DSA and KEV restored"
run "${SCAN[@]}"
expect_eq "$OUT" "$SCAN_A" "the scan judges as after import A"
run fleet --format json --findings
expect_eq "$OUT" "$FLEET_A" "the fleet judges as after import A"
run db rollback; expect_rc 2 "nothing left to roll back"
expect_err "nothing to roll back" "says so"

# ---- a new import after a rollback is a normal import ----
VIGIE_NOW=2026-11-30T09:00:00Z run db import --tracker-json "$T/b.json" --allow-shrink
expect_eq "$(st "s = src('tracker-json'); s['rows'], s['previous']['rows'], s['rolled_back']")" \
	"$rows_b $rows_a None" "imported again"

# ---- support lists, per release ----
run db import --support-ended "$A/security-support-ended.deb11" --support-limited "$A/security-support-limited"
expect_rc 0 "support lists"
ended=$(st "d['counts']['support_ended']")
head -n "$(( $(wc -l < "$A/security-support-ended.deb11") / 2 ))" "$A/security-support-ended.deb11" > "$T/ended.deb11"
run db import --support-ended "$T/ended.deb11" --allow-shrink; expect_rc 0 "half the support-ended list"
if [ "$(st "d['counts']['support_ended']")" -lt "$ended" ]; then ok; else ko "support-ended should shrink"; fi
run db rollback support-ended-bullseye; expect_rc 0 "rollback support-ended-bullseye"
expect_eq "$(st "d['counts']['support_ended']")" "$ended" "support-ended restored"

# ---- CVE records add: nothing to roll back ----
printf '{"dataType":"CVE_RECORD","dataVersion":"5.1","cveMetadata":{"cveId":"CVE-2024-0001","state":"PUBLISHED"},"containers":{"cna":{"metrics":[]}}}' \
	> "$T/CVE-2024-0001.json"
run db import --cve5 "$T/CVE-2024-0001.json"; expect_rc 0 "a CVE record"
run db import --cve5 "$T/CVE-2024-0001.json"; expect_rc 0 "again"
expect_eq "$(st "p = src('cve5')['previous']; p['rows'], p['restorable']")" "1 False" "cve5: previous import, not restorable"
run db rollback cve5; expect_rc 2 "cve5 cannot be rolled back"
expect_err "cve5: nothing to roll back .its imports add records" "says why"

# ---- db update: its second record of the same import is no new import ----
export VIGIE_DB=$(newdb upd)
printf 'tracker-json tracker-json %s\n' "$D/tracker.json" > "$T/a.conf"
printf 'tracker-json tracker-json %s\n' "$T/b.json" > "$T/b.conf"
VIGIE_SOURCES_CONF="$T/a.conf" run db update --cache "$T/cache"; expect_rc 0 "update A"
expect_eq "$(st "src('tracker-json')['previous']")" "None" "one update, no previous import"
VIGIE_SOURCES_CONF="$T/b.conf" VIGIE_NOW=2026-11-28T09:00:00Z run db update --cache "$T/cache" --allow-shrink
expect_rc 0 "update B"
expect_eq "$(st "s = src('tracker-json'); s['rows'], s['location'], s['previous']['rows'], s['previous']['location'], s['previous']['imported_at']")" \
	"$rows_b $T/b.json $rows_a $D/tracker.json 2026-11-27T09:00:00Z" "the previous import is update A"
run db rollback; expect_rc 0 "rollback after update"
expect_eq "$(st "src('tracker-json')['rows'], d['counts']['tracker']")" "$rows_a $rows_a" "update A restored"
finish
