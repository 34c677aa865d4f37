#!/usr/bin/env bash
# Tracker JSON import benchmark, on the generated real-size tracker
# (bench/gen_tracker.py, fixed seed: ~70 MB, 9,000 source packages,
# ~158,000 package/issue pairs, 5 releases; cached in BUILD/bench-data):
#   1. the real CLI, `vigie db import --tracker-json`, into a fresh
#      database then again over the same data (what a daily update does),
#      wall time, CPU time and peak RSS from /usr/bin/time -v;
#   2. the library alone, bench_tracker_import (import_tracker_json()),
#      the same two imports, measured with getrusage.
# Goals: <= 3 s and <= 300 MB peak RSS per import.
#   usage: bench/bench_tracker_import.sh BUILD_DIR   (BENCH_QUICK=1: CLI only)
set -euo pipefail
BUILD=${1:?usage: $0 BUILD_DIR}
. "$(dirname "$0")/lib.sh"

json=$(bench_tracker_json)
python3 - "$json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rels = set()
for issues in d.values():
    for i in issues.values():
        rels.update(i.get("releases", {}))
print("input: %s, %.1f MB, %d source packages, %d package/issue pairs, releases: %s"
      % (sys.argv[1], __import__("os").path.getsize(sys.argv[1]) / 1e6, len(d),
         sum(len(v) for v in d.values()), " ".join(sorted(rels))))
PY

goals() { # goals LABEL WALL_S CPU_S RSS_MB
	awk -v l="$1" -v w="$2" -v c="$3" -v r="$4" 'BEGIN {
		printf "%-26s wall %6.2f s  cpu %5.2f s  peak RSS %6.1f MB   goal <= 3 s: %s (cpu: %s); <= 300 MB: %s\n",
		       l, w, c, r, (w <= 3 ? "met" : "NOT met"), (c <= 3 ? "met" : "NOT met"),
		       (r <= 300 ? "met" : "NOT met") }'
}

db=$BENCH_DATA/import-bench.db
rm -f "$db" "$db-wal" "$db-shm"
echo "-- CLI: vigie db import --tracker-json (load average before: $(bench_load))"
for what in fresh replace; do
	if [ -x /usr/bin/time ]; then
		VIGIE_DB=$db /usr/bin/time -v "$VIGIE" db import --tracker-json "$json" \
			>"$BENCH_DATA/import.out" 2>"$BENCH_DATA/import.time" ||
			{ cat "$BENCH_DATA/import.out" "$BENCH_DATA/import.time" >&2; exit 2; }
		read -r w c r < <(awk -F': ' '
			/Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0
				for (i = 1; i <= n; i++) w = w * 60 + p[i] }
			/User time/ { c += $2 } /System time/ { c += $2 }
			/Maximum resident set size/ { r = $2 / 1024 }
			END { print w, c, r }' "$BENCH_DATA/import.time")
		goals "cli $what" "$w" "$c" "$r"
	else
		echo "cli $what: /usr/bin/time missing (package 'time'): CLI not measured," \
			"see the library program below"
	fi
done
if [ -x /usr/bin/time ]; then
	# keep the CLI's import for bench_scan*.sh (bench_tracker_db)
	for x in "" -wal -shm; do
		rm -f "$BENCH_DATA/tracker.db$x"
		if [ -e "$db$x" ]; then mv "$db$x" "$BENCH_DATA/tracker.db$x"; fi
	done
fi
rm -f "$db" "$db-wal" "$db-shm"

if [ "$QUICK" != 1 ]; then
	echo "-- library: bench_tracker_import (import_tracker_json(), load average before: $(bench_load))"
	"$BENCH_BIN/bench_tracker_import" "$json" "$db" | while read -r _ what rows s c r; do
		goals "library $what (${rows#rows=})" "${s#seconds=}" "${c#cpu_seconds=}" "${r#peak_rss_mb=}"
	done
	rm -f "$db" "$db-wal" "$db-shm"
fi
echo "load average after: $(bench_load) on $(nproc) CPU(s); wall time on a shared machine" \
	"includes waiting for a CPU, the cpu figure (user+system) does not"
