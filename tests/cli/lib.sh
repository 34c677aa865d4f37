# Shared helpers for CLI tests; source from tests/cli/test_*.sh.
# Environment (set by ctest): VIGIE, VIGIE_SRCDIR, VIGIE_TESTDATA,
# VIGIE_SHARED_DATA, VIGIE_BUILDDIR.
set -u
: "${VIGIE:?VIGIE must point at the vigie binary}"
TESTDATA=${VIGIE_TESTDATA:-$VIGIE_SRCDIR/tests/data}
T=$(mktemp -d "${TMPDIR:-/tmp}/vigie-cli-XXXXXX")
trap 'rm -rf "$T"' EXIT
export VIGIE_DB="$T/vigie.db"
# newdb NAME: a fresh, empty database URL for this test: a file in $T, or
# on the PostgreSQL driver (VIGIE_TEST_DRIVER=pg) a new database in the
# test cluster (tests/pg/cluster.sh).
newdb() {
	if [ "${VIGIE_TEST_DRIVER:-sqlite}" = pg ]; then
		local db
		db="t_$(basename "$0" .sh)_$1"
		db=$(printf '%s' "$db" | tr -c 'a-zA-Z0-9_\n' '_' | cut -c1-60)
		PGOPTIONS="-c client_min_messages=warning" psql -X -q "$VIGIE_TEST_PG_URL/postgres" -c "DROP DATABASE IF EXISTS $db" \
			-c "CREATE DATABASE $db" >/dev/null || { echo "cannot create $db" >&2; exit 1; }
		echo "$VIGIE_TEST_PG_URL/$db"
	else
		echo "$T/$1.db"
	fi
}
# db_sql SQL: run one statement on $VIGIE_DB behind vigie's back (to plant
# a state no command makes), on either driver.
db_sql() {
	if [ "${VIGIE_TEST_DRIVER:-sqlite}" = pg ]; then
		psql -X -q -v ON_ERROR_STOP=1 "$VIGIE_DB" -c "$1" >/dev/null
	else
		python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()' "$VIGIE_DB" "$1"
	fi
}
if [ "${VIGIE_TEST_DRIVER:-sqlite}" = pg ]; then
	if [ ! -f "${VIGIE_PG_DIR:-/nonexistent}/env" ]; then
		echo "SKIP: no PostgreSQL test cluster (PostgreSQL not installed)"
		exit 77
	fi
	set -a; . "$VIGIE_PG_DIR/env"; set +a
	VIGIE_DB=$(newdb vigie)
	export VIGIE_DB
fi
export NO_COLOR=1
# text is wrapped to the terminal's width (80 on a pipe): the tests read
# whole lines, so they get wide ones; test_text_width checks the wrapping
export COLUMNS=1000
export VIGIE_NOW=${VIGIE_NOW:-2026-11-27T09:00:00Z}
PASS=0
FAIL=0

ok() { PASS=$((PASS + 1)); }
ko() { FAIL=$((FAIL + 1)); echo "FAIL: $*" >&2; }

# run CMD...: runs vigie, captures $OUT, $ERR, $RC.
run() {
	set +e
	OUT=$("$VIGIE" "$@" 2>"$T/stderr")
	RC=$?
	ERR=$(cat "$T/stderr")
	set -e
}
expect_rc() { # expect_rc N description
	if [ "$RC" = "$1" ]; then ok; else ko "$2: exit $RC, expected $1 (stderr: $ERR)"; fi
}
expect_out() { # expect_out REGEX description
	if printf '%s\n' "$OUT" | grep -Eq -- "$1"; then ok; else ko "$2: stdout lacks /$1/: $OUT"; fi
}
expect_no_out() {
	if printf '%s\n' "$OUT" | grep -Eq -- "$1"; then ko "$2: stdout has /$1/"; else ok; fi
}
expect_err() {
	if printf '%s\n' "$ERR" | grep -Eq -- "$1"; then ok; else ko "$2: stderr lacks /$1/: $ERR"; fi
}
expect_eq() { # expect_eq ACTUAL EXPECTED description
	if [ "$1" = "$2" ]; then ok; else ko "$3: got '$1', expected '$2'"; fi
}
# need_shared REL: exit 77 (skipped) when ../shared/data/REL is absent.
need_shared() {
	if [ -z "${VIGIE_SHARED_DATA:-}" ] || [ ! -e "$VIGIE_SHARED_DATA/$1" ]; then
		echo "SKIP: reference data $1 not present"
		exit 77
	fi
}
finish() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ]
}
