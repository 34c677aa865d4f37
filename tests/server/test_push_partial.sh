#!/usr/bin/env bash
# A push that changes a few source packages judges those sources alone and
# corrects the stored counts by their difference: it must leave exactly
# what judging the whole host leaves. One host's chain of generated
# inventories (tests/server/gen_chain.py: upgrades, downgrades, binaries
# removed and added, a source at two versions, binNMUs, sources removed
# and added) is pushed, the same day, to two databases: to A as it comes
# (partial judgements), to B with the security data's version raised
# before each push (so that B judges the whole host every time). After
# each push: the finding history (every column of every row) and the
# summary of A are B's; A's summary counts what A's API judges now in
# full; the answer says partial (or kept for a step that changed
# nothing). Then a kernel change and a change of more sources than a
# partial judgement takes are judged in full.
. "$(dirname "$0")/lib.sh"
set -e
G=$T/chain
python3 "$VIGIE_SRCDIR/tests/server/gen_chain.py" "$G" --seed 7 --steps 12 --sources 120
DBA=$VIGIE_DB
DBB=$(newdb full)
for side in A B; do
	if [ $side = A ]; then export VIGIE_DB=$DBA; else export VIGIE_DB=$DBB; fi
	srv_setup
	"$VIGIE" db import --tracker-json "$G/tracker.json" --allow-shrink >/dev/null
	eval "AGENT_$side=\$TOK_AGENT_A OP_$side=\$TOK_OP"
done

# rows SQL: every row of a query on $VIGIE_DB, columns joined by |
rows() {
	if [ "${VIGIE_TEST_DRIVER:-sqlite}" = pg ]; then
		psql -X -q -tA -v ON_ERROR_STOP=1 "$VIGIE_DB" -c "$1"
	else
		python3 -c 'import sqlite3,sys; [print("|".join(map(str, r))) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])]' "$VIGIE_DB" "$1"
	fi
}
HIST="SELECT f.cve, f.source, f.first_seen, f.last_seen, coalesce(f.resolved_at, -1),
	coalesce(f.resolved_version, '-'), coalesce(f.installed_version, '-'),
	coalesce(f.fixed_version, '-'), coalesce(f.class, '-'), coalesce(f.state, '-'),
	coalesce(f.effective_at, -1)
	FROM finding_history f JOIN hosts h ON h.id = f.host_id WHERE h.name = '$HA'
	ORDER BY f.cve, f.source"
SUM="SELECT s.computed_at, s.verdict, coalesce(s.reason, '-'), s.open_standard,
	s.open_critical, s.open_highly, s.reboot, coalesce(s.lifecycle, '-'),
	s.pending_security FROM host_summary s JOIN hosts h ON h.id = s.host_id
	WHERE h.name = '$HA'"

# push_to SIDE PKGS AT: push PKGS to SIDE's server started with the clock
# at AT; sets $JUDGED from the answer
push_to() {
	local side=$1 pkgs=$2 at=$3 tok
	if [ "$side" = A ]; then export VIGIE_DB=$DBA; tok=$AGENT_A; else
		export VIGIE_DB=$DBB; tok=$AGENT_B
		db_sql "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'data_version'"
	fi
	srv_stop
	VIGIE_NOW=$at srv_start
	$MKDOC "$pkgs" --host "$HA" --release bookworm --collected-at "$at" > "$T/doc.json"
	push "$tok" "$T/doc.json"
	expect_code 200 "push of $(basename "$pkgs") to $side"
	JUDGED=$(jq_ 'd["judged"]')
}
# compare STEP: A's history and summary are B's; A's summary counts are
# those of A's findings judged now in full (A's server is running)
compare() {
	local ha hb
	ha=$(VIGIE_DB=$DBA rows "$HIST")
	hb=$(VIGIE_DB=$DBB rows "$HIST")
	if [ "$ha" = "$hb" ]; then ok; else
		ko "$1: the finding history differs from a full judgement's"
		diff <(echo "$ha") <(echo "$hb") | head -10 >&2 || true
	fi
	expect_eq "$(VIGIE_DB=$DBA rows "$SUM")" "$(VIGIE_DB=$DBB rows "$SUM")" \
		"$1: the summary is a full judgement's"
	as "$OP_A" GET "/api/v1/hosts/$HA/findings"
	expect_code 200 "$1: findings"
	want=$(jq_ '"%d %d %d" % (d["summary"]["classes"]["highly-critical"], d["summary"]["classes"]["critical"], d["summary"]["classes"]["standard"])')
	as "$OP_A" GET "/api/v1/hosts/$HA"
	expect_eq "$(jq_ '"%d %d %d" % (d["summary"]["open"]["highly-critical"], d["summary"]["open"]["critical"], d["summary"]["open"]["standard"])')" \
		"$want" "$1: the stored counts are those judged now in full"
}

partial=0
prev=
n=0
for f in "$G"/step*.pkgs; do
	at=$(date -u -d "2026-11-02T08:00:00Z + $((n * 7)) minutes" +%Y-%m-%dT%H:%M:%SZ)
	step=$(basename "$f" .pkgs)
	push_to B "$f" "$at"
	expect_eq "$JUDGED" full "$step: B judges in full"
	push_to A "$f" "$at"
	if [ -z "$prev" ]; then
		expect_eq "$JUDGED" full "$step: a first push is judged in full"
	elif cmp -s "$prev" "$f"; then
		expect_eq "$JUDGED" kept "$step: nothing changed"
	else
		expect_eq "$JUDGED" partial "$step: judged in part"
		[ "$JUDGED" = partial ] && partial=$((partial + 1))
	fi
	compare "$step"
	prev=$f
	n=$((n + 1))
done
[ "$partial" -ge 8 ] && ok || ko "the chain judged in part only $partial times"
# the chain changed findings: some resolved, some open
resolved=$(VIGIE_DB=$DBA db_val "SELECT COUNT(*) FROM finding_history WHERE resolved_at IS NOT NULL")
open=$(VIGIE_DB=$DBA db_val "SELECT COUNT(*) FROM finding_history WHERE resolved_at IS NULL")
[ "$resolved" -gt 5 ] && [ "$open" -gt 20 ] && ok ||
	ko "the chain resolves and keeps findings ($resolved resolved, $open open)"

# a new kernel package: judged in full (reboot, kernel findings)
sed 's/^linux-image-6.1.0-18-amd64 amd64 6.1.76-1 /linux-image-6.1.0-18-amd64 amd64 6.1.90-1 /' \
	"$prev" > "$T/kernel.pkgs"
at=$(date -u -d "2026-11-02T08:00:00Z + $((n * 7)) minutes" +%Y-%m-%dT%H:%M:%SZ)
push_to B "$T/kernel.pkgs" "$at"
push_to A "$T/kernel.pkgs" "$at"
expect_eq "$JUDGED" full "a kernel change is judged in full"
compare kernel
# every source upgraded: more than a partial judgement takes
awk '$1 !~ /^linux/ { sub(/^1\.[0-9]-/, "1.6-", $3); if ($5 != "-") sub(/^1\.[0-9]-/, "1.6-", $5) } { print }' \
	"$T/kernel.pkgs" > "$T/many.pkgs"
[ "$(diff "$T/kernel.pkgs" "$T/many.pkgs" | awk '/^>/ { print $5 }' | sort -u | wc -l)" -gt 64 ] && ok ||
	ko "fixture: more than 64 sources upgraded"
at=$(date -u -d "2026-11-02T08:00:00Z + $(((n + 1) * 7)) minutes" +%Y-%m-%dT%H:%M:%SZ)
push_to B "$T/many.pkgs" "$at"
push_to A "$T/many.pkgs" "$at"
expect_eq "$JUDGED" full "more than 64 changed sources: judged in full"
compare many
srv_finish
