# Shared helpers for bench/bench_*.sh; source it after setting BUILD (the
# build directory given to the script). Sets:
#   VIGIE      the vigie binary of BUILD
#   BENCH_BIN  the directory of the bench_* programs of BUILD
#   BENCH_DATA BUILD/bench-data: generated inputs kept between runs
#   QUICK      1 when BENCH_QUICK=1 (shorter runs)
# shellcheck shell=bash
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(cd "${BUILD:?BUILD must be set}" && pwd)
VIGIE=$BUILD/vigie
BENCH_BIN=$BUILD/bench
BENCH_DATA=$BUILD/bench-data
QUICK=${BENCH_QUICK:-0}
[ -x "$VIGIE" ] || { echo "$VIGIE not built (make bench builds it)" >&2; exit 2; }
mkdir -p "$BENCH_DATA"
export NO_COLOR=1 VIGIE_NOW=${VIGIE_NOW:-2026-11-27T09:00:00Z}

# The generated real-size tracker JSON (bench/gen_tracker.py, fixed seed),
# generated once into BENCH_DATA (about 10 s); prints its path.
bench_tracker_json() {
	local json=$BENCH_DATA/tracker.json
	if [ ! -s "$json" ] || [ "$SRC/bench/gen_tracker.py" -nt "$json" ]; then
		echo "generating $json (bench/gen_tracker.py, fixed seed) ..." >&2
		python3 "$SRC/bench/gen_tracker.py" "$json.tmp" >&2 || return 2
		mv "$json.tmp" "$json"
	fi
	echo "$json"
}

# A database holding the generated tracker, imported once through the CLI
# (again when the JSON or vigie is newer); prints its path.
bench_tracker_db() {
	local json db=$BENCH_DATA/tracker.db
	json=$(bench_tracker_json) || return 2
	if [ ! -s "$db" ] || [ "$json" -nt "$db" ] || [ "$VIGIE" -nt "$db" ]; then
		echo "importing $json into $db ..." >&2
		rm -f "$db" "$db-wal" "$db-shm"
		VIGIE_DB="$db.tmp" "$VIGIE" db import --tracker-json "$json" >&2 || return 2
		mv "$db.tmp" "$db"
		rm -f "$db.tmp-wal" "$db.tmp-shm"
	fi
	echo "$db"
}

bench_load() { cut -d' ' -f1-3 /proc/loadavg; }

# bench_median N CMD...: runs CMD N times (output discarded; exit status 0
# or 1 accepted) and prints "median best" wall seconds.
bench_median() {
	local n=$1 i s e rc
	shift
	local -a t=()
	for ((i = 0; i < n; i++)); do
		s=$EPOCHREALTIME
		"$@" >/dev/null 2>"$BENCH_DATA/median.err"
		rc=$?
		e=$EPOCHREALTIME
		if [ "$rc" -gt 1 ]; then
			echo "failed (exit $rc): $* : $(head -c 300 "$BENCH_DATA/median.err")" >&2
			return 2
		fi
		t+=("$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.4f", e - s }')")
	done
	printf '%s\n' "${t[@]}" | sort -g | awk '{ v[NR] = $1 } END {
		printf "%.4f %.4f\n", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[1] }'
}
