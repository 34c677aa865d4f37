#!/usr/bin/env bash
# A fleet's first judgement in one re-judgement (every host never judged,
# as after planting them or restoring their packages alone): the finding
# history must be what judging each host as it was added wrote, no index
# by CVE comes back (schema 18 dropped it), and a re-judgement where a few
# hosts are new must leave the rows of the others as they were.
. "$(dirname "$0")/lib.sh"
set -e
D=$TESTDATA/scan
q() { # q SQL: rows, columns joined by |
	if [ "${VIGIE_TEST_DRIVER:-sqlite}" = pg ]; then
		psql -X -q -tA -v ON_ERROR_STOP=1 "$VIGIE_DB" -c "$1"
	else
		python3 -c 'import sqlite3,sys; [print("|".join("" if v is None else str(v) for v in r)) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])]' "$VIGIE_DB" "$1"
	fi
}
FACTS="SELECT h.name, f.cve, f.source, coalesce(f.installed_version, '-'),
	coalesce(f.fixed_version, '-'), coalesce(f.class, '-'), coalesce(f.state, '-'),
	CASE WHEN f.resolved_at IS NULL THEN 'open' ELSE 'fix installed' END
	FROM finding_history f JOIN hosts h ON h.id = f.host_id
	ORDER BY h.name, f.cve, f.source"
as_added() { # as_added NAME LABEL: the history now is the one the hosts' adds wrote
	q "$FACTS" > "$T/$1"
	if cmp -s "$T/added" "$T/$1"; then ok; else
		ko "$2: it differs"
		diff "$T/added" "$T/$1" | head -10 >&2 || true
	fi
}
index_there() {
	if [ "${VIGIE_TEST_DRIVER:-sqlite}" = pg ]; then
		q "SELECT count(*) FROM pg_indexes WHERE indexname = 'finding_history_cve'"
	else
		q "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'finding_history_cve'"
	fi
}

export VIGIE_NOW=2026-11-02T08:00:00Z
run db import --tracker-json "$D/tracker.json" --kev "$D/kev.json"
expect_rc 0 "import"
for i in 1 2 3 4 5 6; do
	st=old
	[ $((i % 2)) = 0 ] && st=new
	run hosts add "h$i" --status "$D/$st.status" --release bullseye
	expect_rc 0 "hosts add h$i"
done
q "$FACTS" > "$T/added"
n=$(wc -l < "$T/added")
[ "$n" -gt 20 ] && ok || ko "the hosts hold findings ($n rows)"
# told as opened: the open ones (a fix waiting for a reboot is not)
o=$(grep -c '|open$' "$T/added" || true)

# every host's judgement forgotten: a first judgement of the fleet
db_sql "DELETE FROM finding_history"
db_sql "DELETE FROM host_summary"
run db rejudge
expect_rc 0 "db rejudge"
expect_out '^judged 6 stored hosts again$' "every host judged"
expect_out "^findings opened: $o, resolved: 0, on 6 hosts$" "every open row told opened"
as_added first "the first judgement's history is the hosts' own"
expect_eq "$(index_there)" 0 "no index by CVE (schema 18)"

# two hosts forgotten of six: judged again, the others' rows untouched
db_sql "DELETE FROM finding_history WHERE host_id IN (SELECT id FROM hosts WHERE name IN ('h1', 'h2'))"
db_sql "DELETE FROM host_summary WHERE host_id IN (SELECT id FROM hosts WHERE name IN ('h1', 'h2'))"
VIGIE_NOW=2026-11-02T09:00:00Z run db rejudge
expect_out '^judged 2 stored hosts again; 4 already judged' "the two forgotten hosts judged"
as_added again "the history after judging two hosts again is the same"
expect_eq "$(index_there)" 0 "still none"
finish
