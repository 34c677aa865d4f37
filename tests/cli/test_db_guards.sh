#!/usr/bin/env bash
# Imports never replace good data with much less, silently, and a second
# writer waits (bounded, saying so) for the first instead of failing.
. "$(dirname "$0")/lib.sh"
set -e

A=$TESTDATA/advlist
rows() { # rows SOURCE: the rows db status records for SOURCE
	"$VIGIE" db status --format json | python3 -c \
		'import json,sys; print(sum(s["rows"] for s in json.load(sys.stdin)["sources"] if s["name"]==sys.argv[1]))' "$1"
}

run db import --distro-info "$A/distro-info.csv" --dsa-list "$A/dsa.list"
expect_rc 0 "import the fixtures"
full=$(grep -c '^\[' "$A/dsa.list")
expect_eq "$(rows dsa-list)" "$full" "dsa rows"
releases=$(( $(wc -l < "$A/distro-info.csv") - 1 ))

# A DSA list cut at an advisory boundary: a third of it.
keep=$(( full / 3 ))
awk -v keep="$keep" '/^\[/ { n++ } n <= keep' "$A/dsa.list" > "$T/cut.list"
run db import --dsa-list "$T/cut.list"; expect_rc 2 "a cut list is refused"
expect_err "dsa-list: this import has $keep rows where the database holds $full" "counts in the message"
expect_err "--allow-shrink" "the message names the way out"
expect_eq "$(rows dsa-list)" "$full" "the full list is kept"
run db status --format json
n=$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["counts"]["advisories"])')
expect_eq "$n" "$full" "advisories kept"

# A one-row distro-info.
head -2 "$A/distro-info.csv" > "$T/one.csv"
run db import --distro-info "$T/one.csv"; expect_rc 2 "a one-row distro-info is refused"
expect_eq "$(rows distro-info)" "$releases" "releases kept"

# An empty tracker after a real one.
printf '{"openssl": {"CVE-2024-0001": {"releases": {"bookworm": {"status": "resolved", "fixed_version": "3.0.1-1", "urgency": "high"}}}},
 "curl": {"CVE-2024-0002": {"releases": {"bookworm": {"status": "open", "urgency": "low"}}}}}\n' > "$T/tracker.json"
run db import --tracker-json "$T/tracker.json"; expect_rc 0 "tracker"
{ head -c 1048576 /dev/zero | tr '\0' ' '; echo '{}'; } > "$T/blank.json"
run db import --tracker-json "$T/blank.json"; expect_rc 2 "whitespace then {} is refused"
expect_eq "$(rows tracker-json)" 2 "tracker rows kept"

# Explicitly allowed: replaced.
run db import --dsa-list "$T/cut.list" --allow-shrink; expect_rc 0 "--allow-shrink"
expect_eq "$(rows dsa-list)" "$keep" "replaced when allowed"
# Growing again needs nothing.
run db import --dsa-list "$A/dsa.list"; expect_rc 0 "a larger list"
expect_eq "$(rows dsa-list)" "$full" "grown back"

# A second writer waits for the first, says so, then runs.
hold() { # hold SECONDS: take the writer lock as another vigie would
	if [ "${VIGIE_TEST_DRIVER:-sqlite}" = pg ]; then
		psql -X -q "$VIGIE_DB" -c "SELECT pg_advisory_lock(84700001), pg_sleep($1)" >/dev/null &
	else
		python3 -c 'import sqlite3,sys,time
c = sqlite3.connect(sys.argv[1], isolation_level=None); c.execute("BEGIN IMMEDIATE")
open(sys.argv[3], "w").close(); time.sleep(float(sys.argv[2])); c.execute("COMMIT")' \
			"$VIGIE_DB" "$1" "$T/held" &
	fi
	HOLDER=$!
	sleep 0.7
}
hold 3
start=$(date +%s)
VIGIE_LOCK_WAIT=60 run db import --dsa-list "$A/dsa.list"
took=$(( $(date +%s) - start ))
wait "$HOLDER" || true
expect_rc 0 "the second import ran after the first"
expect_err "another vigie is writing to this database; waiting .at most 60 s." "the wait is said"
if [ "$took" -ge 1 ] && [ "$took" -le 20 ]; then ok; else ko "waited $took s"; fi

hold 6
start=$(date +%s)
VIGIE_LOCK_WAIT=2 run db import --dsa-list "$A/dsa.list"
took=$(( $(date +%s) - start ))
wait "$HOLDER" || true
expect_rc 2 "gave up after the bound"
expect_err "gave up" "the message says it gave up"
if [ "$took" -le 8 ]; then ok; else ko "gave up after $took s, bound 2 s"; fi
run db import --dsa-list "$A/dsa.list"; expect_rc 0 "runs once the lock is free"

VIGIE_LOCK_WAIT=soon run db status; expect_rc 2 "a bad VIGIE_LOCK_WAIT"
finish
