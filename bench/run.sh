#!/usr/bin/env bash
# Run every benchmark, in this order: version comparison, tracker import,
# scan (library), vigie scan against debsecan, feeds polling, then any other
# bench/bench_*.sh script. Each script gets BUILD_DIR as its argument and
# drives the bench_* programs it needs. Output goes to the terminal and to
# BUILD_DIR/bench-results.txt. Generated inputs are kept in
# BUILD_DIR/bench-data, so runs after the first skip generating them.
#   usage: bench/run.sh BUILD_DIR      (BENCH_QUICK=1: shorter runs)
# Exit status: 0 when every benchmark ran (exit 77 from a script means
# skipped and is reported, not counted as a failure), 1 otherwise.
set -u -o pipefail
BUILD=${1:?usage: $0 BUILD_DIR}
SRC=$(cd "$(dirname "$0")" && pwd)
OUT="$BUILD/bench-results.txt"
ORDER="debver tracker_import scan scan_debsecan feeds_poll"
shopt -s nullglob
failed=0
skipped=""
start=$SECONDS

{
	echo "# vigie benchmarks, $(date -u +%Y-%m-%dT%H:%M:%SZ)${BENCH_QUICK:+ (BENCH_QUICK=$BENCH_QUICK)}"
	echo "# $(nproc) CPU(s), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
		"$(awk '/^MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo)," \
		"load average $(cut -d' ' -f1-3 /proc/loadavg) (shared machine)"
	echo "# $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), $(uname -r)"
} | tee "$OUT"

run() { # run NAME CMD...
	local rc t0=$SECONDS
	echo "===== $1 =====" | tee -a "$OUT"
	"${@:2}" 2>&1 | tee -a "$OUT"
	rc=${PIPESTATUS[0]}
	if [ "$rc" = 77 ]; then
		skipped="$skipped $1"
		echo "-- $1 skipped" | tee -a "$OUT"
	elif [ "$rc" != 0 ]; then
		echo "!! $1 failed (exit $rc)" | tee -a "$OUT" >&2
		failed=1
	fi
	echo "($1: $((SECONDS - t0)) s)" | tee -a "$OUT"
	echo | tee -a "$OUT"
}

for name in $ORDER; do
	[ -f "$SRC/bench_$name.sh" ] && run "bench_$name" bash "$SRC/bench_$name.sh" "$BUILD"
done
for script in "$SRC"/bench_*.sh; do
	name=$(basename "$script" .sh)
	case " $ORDER " in *" ${name#bench_} "*) continue ;; esac
	run "$name" bash "$script" "$BUILD"
done
{
	echo "total: $((SECONDS - start)) s; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
	[ -n "$skipped" ] && echo "skipped:$skipped"
	echo "results saved in $OUT"
} | tee -a "$OUT"
exit $failed
