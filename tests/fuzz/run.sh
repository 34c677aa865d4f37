#!/usr/bin/env bash
# Run every libFuzzer target built in BUILD_DIR/fuzz for SECONDS each
# (default 30) on a scratch copy of its seed corpus tests/fuzz/corpus/<name>/.
# Crash, leak, timeout and OOM reproducers are kept in
# BUILD_DIR/fuzz-artifacts/<name>/. Exits 1 when any target failed.
#   usage: tests/fuzz/run.sh BUILD_DIR [SECONDS]
set -u
BUILD=${1:?usage: $0 BUILD_DIR [SECONDS]}
SECONDS_EACH=${2:-30}
[ -n "$SECONDS_EACH" ] || SECONDS_EACH=30
# inputs up to 1 MiB (the targets' own cap): the limits (many attributes,
# deep nesting, long tokens) lie beyond 64 KB
MAX_LEN=${FUZZ_MAX_LEN:-1048576}
SRC=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vigie-fuzz-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

shopt -s nullglob
targets=("$BUILD"/fuzz/fuzz_*)
if [ ${#targets[@]} = 0 ]; then
	echo "no fuzz targets in $BUILD/fuzz (configure with CC=clang -DVIGIE_FUZZ=ON)" >&2
	exit 2
fi
failed=()
for exe in "${targets[@]}"; do
	[ -x "$exe" ] || continue
	target=$(basename "$exe")
	name=${target#fuzz_}
	corpus="$WORK/$name"
	art="$BUILD/fuzz-artifacts/$name"
	mkdir -p "$corpus" "$art"
	[ -d "$SRC/corpus/$name" ] && cp -R "$SRC/corpus/$name/." "$corpus/"
	echo "== $target: ${SECONDS_EACH}s, max_len $MAX_LEN, $(ls "$corpus" | wc -l) seed(s)"
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	"$exe" -max_total_time="$SECONDS_EACH" -max_len="$MAX_LEN" -timeout=20 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$art/" "$corpus" >"$WORK/$name.log" 2>&1
	rc=$?
	grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' "$WORK/$name.log" | sed 's/^/   /'
	crashes=$(ls "$art" 2>/dev/null | grep -E '^(crash|leak|timeout|oom|slow-unit)-' || true)
	if [ $rc != 0 ] || [ -n "$crashes" ]; then
		echo "!! $target FAILED (exit $rc); reproducers in $art:" >&2
		printf '   %s\n' $crashes >&2
		grep -E 'ERROR|SUMMARY|runtime error' "$WORK/$name.log" | head -20 >&2
		cp "$WORK/$name.log" "$art/last.log"
		failed+=("$target")
	else
		echo "   ok ($(ls "$corpus" | wc -l) corpus entries after the run)"
	fi
done
if [ ${#failed[@]} != 0 ]; then
	echo "fuzzing found problems in: ${failed[*]}" >&2
	exit 1
fi
echo "all fuzz targets ran ${SECONDS_EACH}s without a crash"
