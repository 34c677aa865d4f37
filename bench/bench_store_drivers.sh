#!/usr/bin/env bash
# The two store drivers side by side, same inputs, same run: SQLite (the
# baseline, a file beside the data) and PostgreSQL (a throwaway cluster on
# 127.0.0.1 started by tests/pg/cluster.sh, stopped at the end):
#   1. `vigie db import --tracker-json` of the generated real-size tracker,
#      fresh then again over the same data (COPY into a staging table on
#      PostgreSQL);
#   2. one-host whole-process `vigie scan --format json` of the generated
#      2,000-package host (median of runs);
#   3. `vigie hosts add` of N hosts (the same 2,000 packages, a few
#      versions changed per host) and `vigie fleet` over them.
# Prints each time and the ratio PostgreSQL / SQLite.
#   usage: bench/bench_store_drivers.sh BUILD_DIR   (BENCH_QUICK=1: fewer hosts)
set -euo pipefail
BUILD=${1:?usage: $0 BUILD_DIR}
. "$(dirname "$0")/lib.sh"

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
	echo "PostgreSQL is not installed: skipped"
	exit 77
fi
PGDIR=$BENCH_DATA/pg
bash "$SRC/tests/pg/cluster.sh" stop "$PGDIR" >/dev/null 2>&1 || true
bash "$SRC/tests/pg/cluster.sh" start "$PGDIR" >/dev/null
trap 'bash "$SRC/tests/pg/cluster.sh" stop "$PGDIR" >/dev/null 2>&1 || true' EXIT
set -a; . "$PGDIR/env"; set +a
pgdb() { # pgdb NAME: a fresh database URL
	psql -X -q "$VIGIE_TEST_PG_URL/postgres" -c "DROP DATABASE IF EXISTS $1" \
		-c "CREATE DATABASE $1" >/dev/null
	echo "$VIGIE_TEST_PG_URL/$1"
}
secs() { # secs CMD...: wall seconds of one run
	local s e
	s=$EPOCHREALTIME
	"$@" >/dev/null 2>"$BENCH_DATA/drivers.err" || { cat "$BENCH_DATA/drivers.err" >&2; return 2; }
	e=$EPOCHREALTIME
	awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }'
}
line() { # line LABEL SQLITE_S PG_S
	awk -v l="$1" -v a="$2" -v b="$3" 'BEGIN {
		printf "%-34s SQLite %8.3f s   PostgreSQL %8.3f s   PostgreSQL/SQLite %5.2fx\n",
		       l, a, b, (a > 0 ? b / a : 0) }'
}

json=$(bench_tracker_json)
sq=$BENCH_DATA/drivers.db
rm -f "$sq" "$sq-wal" "$sq-shm"
pg=$(pgdb bench_drivers)
echo "-- tracker import ($(du -m "$json" | cut -f1) MB; load average before: $(bench_load))"
for what in fresh replace; do
	a=$(VIGIE_DB=$sq secs "$VIGIE" db import --tracker-json "$json")
	b=$(VIGIE_DB=$pg secs "$VIGIE" db import --tracker-json "$json")
	line "db import --tracker-json ($what)" "$a" "$b"
done

status=$BENCH_DATA/host-2000.status
"$BENCH_BIN/bench_scan" --scans 1 --store-scans 0 --hosts 0 --write-status "$status" \
	"$sq" bookworm >/dev/null
runs=$([ "$QUICK" = 1 ] && echo 3 || echo 7)
echo "-- one-host vigie scan, whole process ($(grep -c '^Package:' "$status") packages, median of $runs)"
a=$(VIGIE_DB=$sq bench_median "$runs" "$VIGIE" scan --status "$status" --release bookworm --format json | cut -d' ' -f1)
b=$(VIGIE_DB=$pg bench_median "$runs" "$VIGIE" scan --status "$status" --release bookworm --format json | cut -d' ' -f1)
line "scan --format json" "$a" "$b"

n=$([ "$QUICK" = 1 ] && echo 20 || echo 100)
echo "-- $n hosts: hosts add each, then one fleet scan"
mkdir -p "$BENCH_DATA/hosts"
for ((i = 0; i < n; i++)); do
	f=$BENCH_DATA/hosts/h$i.status
	# a few percent of the versions differ from host to host
	[ -s "$f" ] || awk -v i="$i" '/^Version: / && (NR + i) % 37 == 0 { print $0 "+h" i; next } { print }' \
		"$status" >"$f"
done
add_all() {
	for ((i = 0; i < n; i++)); do
		"$VIGIE" hosts add "h$i.example.org" --status "$BENCH_DATA/hosts/h$i.status" \
			--release bookworm >/dev/null || return 2
	done
}
a=$(VIGIE_DB=$sq secs add_all)
b=$(VIGIE_DB=$pg secs add_all)
line "hosts add x $n (total)" "$a" "$b"
a=$(VIGIE_DB=$sq secs "$VIGIE" fleet --format json)
b=$(VIGIE_DB=$pg secs "$VIGIE" fleet --format json)
line "fleet over $n hosts" "$a" "$b"
echo "load average after: $(bench_load) on $(nproc) CPU(s)"
