#!/usr/bin/env bash
# A host's inventory stored again over the one stored (only the package rows
# that differ are written, and an unchanged host keeps its judgement) gives
# exactly what a fresh database given the last inventory alone gives:
# `vigie hosts show --packages` and `vigie scan --host` in JSON, after each
# step of a chain of inventories (upgrade; a package removed, one added, a
# source version and a dpkg state changed, a second architecture; a kernel
# change; a downgrade back to the first one). Then: an unchanged `hosts add`
# does not judge the host again, yet one after the data changed does.
. "$(dirname "$0")/lib.sh"
set -e
D=$TESTDATA/scan
export VIGIE_SERVICES=$VIGIE_SRCDIR/data/services.conf
INC=$VIGIE_DB
# db_val SQL: the first column of the first row of a query on $VIGIE_DB
db_val() {
	if [ "${VIGIE_TEST_DRIVER:-sqlite}" = pg ]; then
		psql -X -q -tA -v ON_ERROR_STOP=1 "$VIGIE_DB" -c "$1"
	else
		python3 -c 'import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone(); print("" if r is None else r[0])' "$VIGIE_DB" "$1"
	fi
}
import() { VIGIE_DB=$1 "$VIGIE" db import --tracker-json "$D/tracker.json" --kev "$D/kev.json" >/dev/null; }
import "$INC"

# the chain's third inventory, derived from new.status: bash gone, a new
# package (php7.4-cli, from old.status) added, libc6's Source version and
# sudo's dpkg state changed, libc6 also installed for i386
python3 - "$D/new.status" "$D/old.status" "$T/third.status" <<'PY'
import sys
def stanzas(p):
    return [s for s in open(p).read().split("\n\n") if s.strip()]
new, old = stanzas(sys.argv[1]), stanzas(sys.argv[2])
out = []
for s in new:
    if s.startswith("Package: bash\n"):
        continue
    if s.startswith("Package: libc6\n"):
        s = s.replace("Source: glibc\n", "Source: glibc (2.31-13+deb11u6)\n")
        out.append(s.replace("Architecture: amd64", "Architecture: i386"))
    if s.startswith("Package: sudo\n"):
        s = s.replace("install ok installed", "install ok unpacked")
    out.append(s)
out += [s for s in old if s.startswith("Package: php7.4-cli\n")]
open(sys.argv[3], "w").write("\n\n".join(x.strip("\n") for x in out) + "\n")
PY
grep -q 'Architecture: i386' "$T/third.status" && grep -q 'Package: php7.4-cli' "$T/third.status" &&
	! grep -q '^Package: bash$' "$T/third.status" && ok || ko "fixture: the third inventory"

# rows_of SQL: every row, columns joined by |
rows_of() {
	if [ "${VIGIE_TEST_DRIVER:-sqlite}" = pg ]; then
		psql -X -q -tA -v ON_ERROR_STOP=1 "$VIGIE_DB" -c "$1"
	else
		python3 -c 'import sqlite3,sys; [print("|".join(map(str, r))) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])]' "$VIGIE_DB" "$1"
	fi
}
# show DB OUT: the stored host as the commands give it, in JSON with keys
# sorted: its inventory (hosts show --packages), its findings judged from
# the stored packages (fleet --findings), its open finding history (hosts
# history --open) and its summary row
show() {
	VIGIE_DB=$1 "$VIGIE" hosts show web1 --packages --format json > "$2.show" || return 1
	VIGIE_DB=$1 "$VIGIE" fleet --findings --format json > "$2.scan" || [ $? = 1 ] || return 1
	VIGIE_DB=$1 "$VIGIE" hosts history web1 --open --format json > "$2.history" || return 1
	VIGIE_DB=$1 db_val "SELECT verdict || ' ' || coalesce(reason, '-') || ' ' || open_standard
		|| ' ' || open_critical || ' ' || open_highly || ' ' || reboot || ' '
		|| coalesce(lifecycle, '-') FROM host_summary" > "$2.summary"
	python3 - "$2" <<'PY'
import json, sys
for ext in ("show", "scan", "history"):
    p = sys.argv[1] + "." + ext
    d = json.load(open(p))
    json.dump(d, open(p, "w"), sort_keys=True, indent=1)
PY
}
n=0
# step STATUS KERNEL: store STATUS over the stored host, then compare with a
# fresh database holding STATUS alone
step() {
	local fresh
	n=$((n + 1))
	VIGIE_DB=$INC "$VIGIE" hosts add web1 --status "$1" --release bullseye --kernel "$2" \
		--client acme >/dev/null
	fresh=$(newdb "fresh$n")
	import "$fresh"
	VIGIE_DB=$fresh "$VIGIE" hosts add web1 --status "$1" --release bullseye --kernel "$2" \
		--client acme >/dev/null
	show "$INC" "$T/inc$n"
	show "$fresh" "$T/fresh$n"
	for ext in show scan history summary; do
		if cmp -s "$T/inc$n.$ext" "$T/fresh$n.$ext"; then ok; else
			ko "step $n ($(basename "$1"), $2): hosts ${ext} differs from a fresh database"
			diff "$T/inc$n.$ext" "$T/fresh$n.$ext" | head -20 >&2 || true
		fi
	done
	# the stored rows themselves, all columns
	q="SELECT p.package, p.arch, p.version, p.source, p.source_version, p.status"
	q="$q FROM host_packages p JOIN hosts h ON h.id = p.host_id ORDER BY 1, 2"
	expect_eq "$(VIGIE_DB=$INC rows_of "$q")" "$(VIGIE_DB=$fresh rows_of "$q")" \
		"step $n: the stored package rows"
}
step "$D/old.status" 5.10.0-27-amd64
nf1=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$T/inc1.history")
[ "$nf1" -gt 3 ] && ok || ko "the first inventory has findings ($nf1)"
step "$D/new.status" 5.10.0-27-amd64
step "$T/third.status" 5.10.0-27-amd64
step "$T/third.status" 5.10.0-28-amd64
step "$D/old.status" 5.10.0-28-amd64
# the chain did change what was found
cmp -s "$T/inc1.history" "$T/inc2.history" && ko "the upgrade changed no finding" || ok
cmp -s "$T/inc2.history" "$T/inc3.history" && ko "the third inventory changed no finding" || ok

# An unchanged inventory is not judged again: a summary planted behind
# vigie's back (open_standard 4242) stays; the package rows keep their
# identity (SQLite rowid, PostgreSQL ctid).
export VIGIE_DB=$INC
# another host stored after it: rows deleted and inserted again would not
# get their old identity back
"$VIGIE" hosts add db2 --status "$D/new.status" --release bullseye >/dev/null
HID=$(db_val "SELECT id FROM hosts WHERE name = 'web1'")
rows() {
	if [ "${VIGIE_TEST_DRIVER:-sqlite}" = pg ]; then
		db_val "SELECT string_agg(package || '/' || arch || '@' || ctid::text, ' ' ORDER BY package, arch) FROM host_packages WHERE host_id = $HID"
	else
		db_val "SELECT group_concat(x, ' ') FROM (SELECT package || '/' || arch || '@' || rowid AS x FROM host_packages WHERE host_id = $HID ORDER BY package, arch)"
	fi
}
real=$(db_val "SELECT open_standard FROM host_summary WHERE host_id = $HID")
open_std=$(db_val "SELECT COUNT(*) FROM finding_history WHERE host_id = $HID AND resolved_at IS NULL AND class = 'standard'")
expect_eq "$real" "$open_std" "the summary counts the open standard findings"
db_sql "UPDATE host_summary SET open_standard = 4242 WHERE host_id = $HID"
before=$(rows)
run hosts add web1 --status "$D/old.status" --release bullseye --kernel 5.10.0-28-amd64
expect_rc 0 "unchanged add"
expect_eq "$(db_val "SELECT open_standard FROM host_summary WHERE host_id = $HID")" 4242 \
	"unchanged: not judged again (the planted summary stays)"
expect_eq "$(rows)" "$before" "unchanged: no package row rewritten"
# a day later the same inventory is judged again (support and lifecycle
# dates are days)
VIGIE_NOW=2026-11-28T09:00:00Z run hosts add web1 --status "$D/old.status" --release bullseye \
	--kernel 5.10.0-28-amd64
expect_eq "$(db_val "SELECT open_standard FROM host_summary WHERE host_id = $HID")" "$real" \
	"the next day: judged again"
# the data changed (as an import whose rejudgement did not run): judged again
db_sql "UPDATE host_summary SET open_standard = 4242 WHERE host_id = $HID"
db_sql "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'data_version'"
VIGIE_NOW=2026-11-28T09:00:00Z run hosts add web1 --status "$D/old.status" --release bullseye \
	--kernel 5.10.0-28-amd64
expect_eq "$(db_val "SELECT open_standard FROM host_summary WHERE host_id = $HID")" "$real" \
	"after a data change: judged again"
expect_eq "$(rows)" "$before" "still no package row rewritten"
# a changed package rewrites its row only, and only its source is judged
# again: the other sources' counts are the stored summary's (planted:
# 4242, 4343, 4444), corrected by that source's difference
db_sql "UPDATE host_summary SET open_standard = 4242, open_critical = 4343, open_highly = 4444 WHERE host_id = $HID"
# counts: the open rows of the history per class (standard critical highly)
counts() {
	local c out=""
	for c in standard critical highly-critical; do
		out="$out $(db_val "SELECT COUNT(*) FROM finding_history WHERE host_id = $HID AND resolved_at IS NULL AND class = '$c'")"
	done
	echo $out
}
summary() { db_val "SELECT open_standard || ' ' || open_critical || ' ' || open_highly FROM host_summary WHERE host_id = $HID"; }
read -r s0 c0 h0 <<<"$(counts)"
sed 's/^Version: 1.9.5p1-1$/Version: 1.9.5p2-3+deb11u1/' "$D/old.status" > "$T/sudo.status"
VIGIE_NOW=2026-11-28T09:00:00Z run hosts add web1 --status "$T/sudo.status" --release bullseye \
	--kernel 5.10.0-28-amd64
expect_out '\(1 changed source package judged, the others. findings kept\)$' "says it judged sudo alone"
after=$(rows)
read -r s1 c1 h1 <<<"$(counts)"
[ "$((s1 + c1 + h1))" -lt "$((s0 + c0 + h0))" ] && ok ||
	ko "the upgrade of sudo resolves a finding ($s0 $c0 $h0 -> $s1 $c1 $h1)"
expect_eq "$(summary) $(db_val "SELECT version FROM host_packages WHERE host_id = $HID AND package = 'sudo'")" \
	"$((4242 - s0 + s1)) $((4343 - c0 + c1)) $((4444 - h0 + h1)) 1.9.5p2-3+deb11u1" \
	"a changed package: its source judged again, its row updated"
# a stored summary that counts fewer findings than the history holds (SQL
# behind vigie's back) cannot be corrected: the host is judged in full
VIGIE_NOW=2026-11-28T09:00:00Z run hosts add web1 --status "$D/old.status" --release bullseye \
	--kernel 5.10.0-28-amd64
expect_out '\(1 changed source package judged' "sudo back to its old version: judged alone"
db_sql "UPDATE host_summary SET open_standard = 0, open_critical = 0, open_highly = 0 WHERE host_id = $HID"
VIGIE_NOW=2026-11-28T09:00:00Z run hosts add web1 --status "$T/sudo.status" --release bullseye \
	--kernel 5.10.0-28-amd64
expect_out 'standard open$' "summary and history disagree: judged in full"
expect_eq "$(summary)" "$s1 $c1 $h1" "judged in full: the counts are the history's"
# the next day the whole host is judged again: the counts are the history's
VIGIE_NOW=2026-11-29T09:00:00Z run hosts add web1 --status "$T/sudo.status" --release bullseye \
	--kernel 5.10.0-28-amd64
expect_out 'standard open$' "the next day: judged in full"
expect_eq "$(summary)" "$s1 $c1 $h1" "the next day: the counts are the history's again"
expect_eq "$(tr ' ' '\n' <<<"$after" | grep -v '^sudo/')" "$(tr ' ' '\n' <<<"$before" | grep -v '^sudo/')" \
	"the other rows untouched"
finish
