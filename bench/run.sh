#!/usr/bin/env bash
# Run every benchmark: each bench/bench_*.sh script (given BUILD_DIR as its
# argument) and each binary BUILD_DIR/bench/bench_* built from bench/*.c.
# Output goes to the terminal and to BUILD_DIR/bench-results.txt.
#   usage: bench/run.sh BUILD_DIR
set -u -o pipefail
BUILD=${1:?usage: $0 BUILD_DIR}
SRC=$(cd "$(dirname "$0")" && pwd)
OUT="$BUILD/bench-results.txt"
shopt -s nullglob
failed=0

{
	echo "# vigie benchmarks, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "# $(nproc) CPU(s), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
		"$(awk '/^MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
} | tee "$OUT"

run() { # run NAME CMD...
	echo "== $1" | tee -a "$OUT"
	if ! "${@:2}" 2>&1 | tee -a "$OUT"; then
		echo "!! $1 failed" | tee -a "$OUT" >&2
		failed=1
	fi
	echo | tee -a "$OUT"
}

for script in "$SRC"/bench_*.sh; do
	run "$(basename "$script")" bash "$script" "$BUILD"
done
for exe in "$BUILD"/bench/bench_*; do
	[ -f "$exe" ] && [ -x "$exe" ] || continue
	run "$(basename "$exe")" "$exe"
done
echo "results saved in $OUT"
exit $failed
