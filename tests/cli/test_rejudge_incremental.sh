#!/usr/bin/env bash
# The re-judgement after a data update judges again only the hosts holding
# a source whose data moved, on those sources alone, and moves the others
# to the new basis: it must leave exactly what judging every host in full
# leaves. Two databases get the same chain (tests/cli/gen_rejudge.py: 12
# hosts of two releases, then tracker and KEV updates that remove, add and
# change entries, a kernel change, a host upgraded between updates, a new
# day, an update moving every source); one re-judges as vigie does, the
# other has its digests removed before each step (so every host is judged
# in full, the plain path, each host's findings built for it alone:
# VIGIE_FLEET_PER_HOST). After each step every finding-history row, every
# summary (counts, basis, times), what the step tells it opened, resolved
# and reclassified, and `vigie fleet --findings` and SARIF (findings
# shared per (source, version), with each host's binaries, against each
# host's own) must be the same in both, the findings digests too where
# both judged in full, and the output must show which path was taken.
. "$(dirname "$0")/lib.sh"
set -e
F=$T/fix
mkdir -p "$F"
python3 "$VIGIE_SRCDIR/tests/cli/gen_rejudge.py" "$F"
INC=$(newdb inc)
FULL=$(newdb full)

q() { # q DB SQL: rows, columns joined by |
	if [ "${VIGIE_TEST_DRIVER:-sqlite}" = pg ]; then
		psql -X -q -tA -v ON_ERROR_STOP=1 "$1" -c "$2"
	else
		python3 -c 'import sqlite3,sys; [print("|".join("" if v is None else str(v) for v in r)) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])]' "$1" "$2"
	fi
}
HIST="SELECT h.name, f.cve, f.source, f.first_seen, f.last_seen,
	coalesce(f.resolved_at, -1), coalesce(f.resolved_version, '-'),
	coalesce(f.installed_version, '-'), coalesce(f.fixed_version, '-'),
	coalesce(f.class, '-'), coalesce(f.state, '-'), coalesce(f.effective_at, -1)
	FROM finding_history f JOIN hosts h ON h.id = f.host_id
	ORDER BY h.name, f.cve, f.source"
SUMS="SELECT h.name, m.computed_at, m.verdict, coalesce(m.reason, '-'), m.open_standard,
	m.open_critical, m.open_highly, m.pending_security, m.reboot,
	coalesce(m.lifecycle, '-'), coalesce(m.lifecycle_end, '-'), coalesce(m.basis, '-')
	FROM host_summary m JOIN hosts h ON h.id = m.host_id ORDER BY h.name"
# forget DB: remove the digests, so that the next re-judgement is a full one
CREATED=0
forget() {
	[ "$CREATED" = 1 ] || return 0
	VIGIE_DB=$1 db_sql "DELETE FROM source_digests"
	VIGIE_DB=$1 db_sql "DELETE FROM meta WHERE key LIKE 'digests_basis %'"
}
# both WHEN ARGS...: run vigie ARGS at WHEN on both databases, the full one
# with its digests forgotten first; $OUT is the incremental one's output
both() {
	local when=$1
	shift
	forget "$FULL"
	LAST=$when
	VIGIE_DB=$FULL VIGIE_NOW=$when VIGIE_FLEET_PER_HOST=1 "$VIGIE" "$@" > "$T/full.out" ||
		{ ko "full: vigie $*"; return 1; }
	VIGIE_DB=$INC VIGIE_NOW=$when run "$@"
	expect_rc 0 "vigie $*"
	CREATED=1
	# what the judgements opened, resolved and reclassified is told alike
	local a b
	a=$(printf '%s\n' "$OUT" | grep -E '^(findings opened|  CVE-)' || true)
	b=$(grep -E '^(findings opened|  CVE-)' "$T/full.out" || true)
	if [ "$a" = "$b" ]; then ok; else
		ko "vigie $*: the changes told differ: $(diff <(echo "$b") <(echo "$a") | head -5)"; fi
}
# same LABEL: both databases hold the same history and summaries
same() {
	local a b
	q "$INC" "$HIST" > "$T/inc.hist"
	q "$FULL" "$HIST" > "$T/full.hist"
	q "$INC" "$SUMS" > "$T/inc.sums"
	q "$FULL" "$SUMS" > "$T/full.sums"
	a=$(wc -l < "$T/inc.hist")
	if [ "$a" -gt 0 ] && cmp -s "$T/inc.hist" "$T/full.hist"; then ok; else
		ko "$1: finding history differs ($a rows)"
		diff "$T/full.hist" "$T/inc.hist" | head -10 >&2 || true
	fi
	b=$(wc -l < "$T/inc.sums")
	if [ "$b" = 12 ] && cmp -s "$T/inc.sums" "$T/full.sums"; then ok; else
		ko "$1: summaries differ ($b rows)"
		diff "$T/full.sums" "$T/inc.sums" | head -10 >&2 || true
	fi
	VIGIE_DB=$INC VIGIE_NOW=$LAST "$VIGIE" fleet --format json --findings > "$T/inc.fleet" || true
	VIGIE_DB=$FULL VIGIE_NOW=$LAST VIGIE_FLEET_PER_HOST=1 "$VIGIE" fleet --format json \
		--findings > "$T/full.fleet" || true
	# written out as it goes (64 KiB at a time): whole, valid JSON
	if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["hosts"]) == 12 and d["summary"]["hosts"] == 12' "$T/inc.fleet" &&
		[ "$(stat -c %s "$T/inc.fleet")" -gt 65536 ]; then ok; else
		ko "$1: vigie fleet --format json is not one whole document over 64 KiB"; fi
	# SARIF names each finding's binary packages
	VIGIE_DB=$INC VIGIE_NOW=$LAST "$VIGIE" fleet --format sarif >> "$T/inc.fleet" || true
	VIGIE_DB=$FULL VIGIE_NOW=$LAST VIGIE_FLEET_PER_HOST=1 "$VIGIE" fleet --format sarif \
		>> "$T/full.fleet" || true
	b=$(grep -c '"cve"' "$T/inc.fleet" || true)
	if [ "$b" -gt 0 ] && cmp -s "$T/inc.fleet" "$T/full.fleet"; then ok; else
		ko "$1: shared findings differ from each host's own ($b findings)"
		diff "$T/full.fleet" "$T/inc.fleet" | head -10 >&2 || true
	fi
}

# same_digests LABEL: every host's findings digest, summed per (source,
# version) in the incremental database, is the one its full judgement
# host by host left in the other
DIG="SELECT h.name, coalesce(m.facts_digest, '-') FROM host_summary m
	JOIN hosts h ON h.id = m.host_id ORDER BY h.name"
same_digests() {
	if [ "$(q "$INC" "$DIG" | grep -c '|[0-9a-f]\{64\}$')" = 12 ] &&
		[ "$(q "$INC" "$DIG")" = "$(q "$FULL" "$DIG")" ]; then ok; else
		ko "$1: the findings digests differ: $(q "$INC" "$DIG" | head -3)"; fi
}

D1=2026-11-02
both ${D1}T08:00:00Z db import --tracker-json "$F/tracker1.json" --kev "$F/kev1.json" \
	--support-ended "$F/security-support-ended.deb11" --release bullseye
while read -r name rel; do
	both ${D1}T08:10:00Z hosts add "$name" --status "$F/$name.status" --release "$rel"
done < "$F/hosts.txt"
same "hosts added"
# no digest kept yet (no host when the data came): every host in full
both ${D1}T08:20:00Z db rejudge
expect_out '^judged 0 stored hosts again; 12 already judged' "nothing moved: nothing judged"
# imported without the re-judgement: the hosts keep their basis until
# db rejudge
basis() { q "$INC" "SELECT count(DISTINCT basis) || ' ' || min(computed_at) FROM host_summary"; }
b0=$(basis)
both ${D1}T09:00:00Z db import --tracker-json "$F/tracker2.json" --no-rejudge
expect_no_out '^judged' "--no-rejudge: nothing judged"
expect_eq "$(basis)" "$b0" "--no-rejudge: every summary on its basis"
both ${D1}T09:05:00Z db rejudge
expect_out '^judged 12 stored hosts again$' "no digest kept: every host in full"
same "first update"
# the second update: a few sources of both releases moved
both ${D1}T10:00:00Z db import --tracker-json "$F/tracker3.json" --kev "$F/kev2.json"
expect_out '^judged [0-9]+ stored hosts? again \([1-9][0-9]* on (its|their) changed sources alone\)' \
	"the hosts holding a moved source judged on it alone"
expect_out '^data changed on bookworm for [0-9]+ sources?: .*linux' "the kernel's data moved"
expect_out '^data changed on bullseye for [0-9]+ sources?: .*src010' "src010's class moved (KEV)"
expect_out '^findings opened: [1-9][0-9]*, resolved: 0, in another class: [1-9][0-9]*, on 12 hosts$' \
	"what it opened and reclassified told"
n=$(q "$INC" "SELECT count(*) FROM finding_history WHERE cve = 'CVE-2026-00026'
	AND source = 'src010' AND resolved_at IS NULL AND class = 'highly-critical'")
expect_out "^  CVE-2026-00026 \(src010\): now highly-critical on $n hosts$" \
	"src010's issue in KEV: its new class told, on the hosts the history says"
expect_out '^  CVE-2026-90002 \(linux\): opened on 4 hosts$' "the kernel's new issue on its 4 hosts"
n=$(q "$INC" "SELECT count(*) FROM finding_history WHERE first_seen = $(date -d ${D1}T10:00:00Z +%s)")
expect_out "^findings opened: $n," "the count told is the history's"
same "a few sources, the kernel and a KEV entry moved"
# the hosts judged on their changed sources alone keep a whole digest
same_digests "a few sources moved"
# a host upgraded between updates (its push judges a few sources alone)
both ${D1}T11:00:00Z hosts add host03 --status "$F/host03-up.status" --release bullseye
same "host03 upgraded"
# a scope change that classes nothing differently under the policy
both ${D1}T12:00:00Z db import --tracker-json "$F/tracker3b.json"
expect_out '^judged 0 stored hosts again; 12 hold no source the new data changed$' \
	"a change that decides no finding judges nothing again"
same "scope changed"
# a new day without new data: src040's support on bullseye ended the day
# before, its bullseye hosts are judged on it; the others keep theirs
D2=2026-11-03
both ${D2}T07:00:00Z db rejudge
expect_out '^judged 6 stored hosts again \(6 on their changed sources alone\); 6 hold no source' \
	"a new day: the ended support judged again"
expect_out '^data changed on bullseye for 1 source: src040$' "the support end told"
expect_no_out '^data changed on bookworm' "nothing moved on bookworm"
same "a new day"
VIGIE_DB=$INC run hosts history host01 --format json
if printf '%s' "$OUT" | grep -q '"state": *"end-of-life"'; then ok; else
	ko "host01 (bullseye) holds src040's issue as end-of-life: $OUT"; fi
# every source moves: more than a partial judgement takes, in full
both ${D2}T08:00:00Z db import --tracker-json "$F/tracker4.json"
expect_out '^judged 12 stored hosts again$' "every source moved: in full"
same "every source moved"
# --full judges every host in full and changes nothing of what it finds
VIGIE_DB=$INC VIGIE_NOW=${D2}T09:00:00Z run db rejudge --full
expect_rc 0 "db rejudge --full"
expect_out '^judged 12 stored hosts again$' "--full: every host"
VIGIE_DB=$FULL VIGIE_NOW=${D2}T09:00:00Z VIGIE_FLEET_PER_HOST=1 "$VIGIE" db rejudge --full \
	> /dev/null
LAST=${D2}T09:00:00Z
same "--full"
same_digests "--full"
# progress: never on a pipe; on a terminal one redrawn line, cleared
expect_eq "$(printf '%s\n' "$ERR" | grep -c "judging hosts")" 0 "no progress on a pipe"
if command -v script >/dev/null; then
	VIGIE_DB=$INC VIGIE_NOW=${D2}T09:30:00Z script -qec \
		"$(printf '%q ' "$VIGIE" db rejudge --full) >/dev/null" /dev/null > "$T/pty.out" 2>&1 || true
	grep -aq "judging hosts: 11/12" "$T/pty.out" && ok ||
		ko "progress on a terminal: $(head -c 300 "$T/pty.out")"
	grep -aq "$(printf '\r\033\[K')" "$T/pty.out" && ok || ko "the progress line is cleared"
fi
run db rejudge extra
expect_rc 2 "an operand is refused"
finish
