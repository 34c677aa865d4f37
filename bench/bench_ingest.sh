#!/usr/bin/env bash
# The in-process cost of storing one pushed 2,000-package inventory
# (bench_ingest: first, unchanged, changed), on a copy of the generated
# tracker database (SQLite) and, when PostgreSQL is installed, on a
# throwaway cluster (tests/pg/cluster.sh) holding the same tracker; each
# with a one-host index (the CLI's `hosts add`) and with the shared index
# cache (the server's pushes). Goals: unchanged <= 5 ms, changed <= 20 ms.
#   usage: bench/bench_ingest.sh BUILD_DIR   (BENCH_QUICK=1: fewer runs)
set -euo pipefail
BUILD=${1:?usage: $0 BUILD_DIR}
. "$(dirname "$0")/lib.sh"
runs=$([ "$QUICK" = 1 ] && echo 5 || echo 15)
db=$(bench_tracker_db)
status=$BENCH_DATA/host-2000.status
[ -s "$status" ] || "$BENCH_BIN/bench_scan" --scans 1 --store-scans 0 --hosts 0 \
	--write-status "$status" "$db" bookworm >/dev/null
echo "-- load average before: $(bench_load) on $(nproc) CPU(s)"
for c in "" --cache; do
	cp "$db" "$BENCH_DATA/ingest.db"
	rm -f "$BENCH_DATA/ingest.db-wal" "$BENCH_DATA/ingest.db-shm"
	"$BENCH_BIN/bench_ingest" --runs "$runs" $c "$BENCH_DATA/ingest.db" "$status" bookworm
done
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
	PGDIR=$BENCH_DATA/pg-ingest
	bash "$SRC/tests/pg/cluster.sh" stop "$PGDIR" >/dev/null 2>&1 || true
	bash "$SRC/tests/pg/cluster.sh" start "$PGDIR" >/dev/null
	trap 'bash "$SRC/tests/pg/cluster.sh" stop "$PGDIR" >/dev/null 2>&1 || true' EXIT
	set -a; . "$PGDIR/env"; set +a
	psql -X -q "$VIGIE_TEST_PG_URL/postgres" -c "CREATE DATABASE ingest" >/dev/null
	VIGIE_DB=$VIGIE_TEST_PG_URL/ingest "$VIGIE" db import --tracker-json "$(bench_tracker_json)" >/dev/null
	for c in "" --cache; do
		psql -X -q "$VIGIE_TEST_PG_URL/ingest" -c "DELETE FROM hosts" >/dev/null
		"$BENCH_BIN/bench_ingest" --runs "$runs" $c "$VIGIE_TEST_PG_URL/ingest" "$status" bookworm
	done
else
	echo "-- PostgreSQL not installed: SQLite only"
fi
echo "load average after: $(bench_load) on $(nproc) CPU(s)"
