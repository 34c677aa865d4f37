#!/bin/bash
# Tracker JSON import benchmark: generate a realistic ~70 MB tracker JSON
# (bench/gen_tracker.py, fixed seed) into /tmp if absent, then time one
# import through bench_tracker_import (wall time, CPU time, peak RSS).
# Goals: <= 3 s wall, <= 300 MB peak RSS.
#
# Environment: BENCH_BIN_DIR (directory holding bench_tracker_import;
# default: build-bench/bench, build/bench), TRACKER_JSON (input path).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
json=${TRACKER_JSON:-/tmp/vigie-bench-tracker.json}
bin=""
for d in "${BENCH_BIN_DIR:-}" "$here/../build-bench/bench" "$here/../build/bench" \
	 "$here/../build-rel/bench"; do
	if [ -n "$d" ] && [ -x "$d/bench_tracker_import" ]; then
		bin="$d/bench_tracker_import"
		break
	fi
done
if [ -z "$bin" ]; then
	echo "bench_tracker_import not built (configure with -DVIGIE_BENCH=ON)" >&2
	exit 2
fi
if [ ! -s "$json" ]; then
	echo "generating $json ..." >&2
	python3 "$here/gen_tracker.py" "$json.tmp"
	mv "$json.tmp" "$json"
fi
echo "input: $json ($(du -m "$json" | cut -f1) MB)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPU(s)"
out=$("$bin" "$json")
echo "$out"
# the goals apply to each import (fresh and replace)
awk '{
	for (i = 1; i <= NF; i++) {
		split($i, kv, "=")
		if (kv[1] == "seconds") s = kv[2]
		if (kv[1] == "peak_rss_mb") r = kv[2]
	}
	printf "%s: goal wall <= 3 s: %s; goal peak RSS <= 300 MB: %s\n", $2,
	       (s <= 3 ? "met" : "NOT met"), (r <= 300 ? "met" : "NOT met")
}' <<<"$out"
