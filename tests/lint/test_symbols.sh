#!/usr/bin/env bash
# Every symbol libvigie exports starts with vigie_, so the library links
# beside libpq, cairo, libmicrohttpd, libcurl and the rest without a clash.
set -euo pipefail
lib="$VIGIE_BUILDDIR/lib/libvigie.a"
[ -f "$lib" ] || { echo "no $lib"; exit 1; }
# under ASan each instrumented global X also gets "__odr_asan.X" (the
# sanitizer's one-definition-rule indicator): judged by its X
bad=$(nm -g --defined-only "$lib" | awk 'NF == 3 && $2 ~ /[TDBRCGSV]/ {print $3}' |
	sed 's/^__odr_asan\.//' | grep -v '^vigie_' | sort -u || true)
n=$(nm -g --defined-only "$lib" | awk 'NF == 3 && $2 ~ /[TDBRCGSV]/' | wc -l)
if [ -n "$bad" ]; then
	echo "exported symbols without the vigie_ prefix:"; echo "$bad"; exit 1
fi
[ "$n" -gt 100 ] || { echo "only $n symbols read from $lib"; exit 1; }
echo "1 passed, 0 failed: $n exported symbols, all vigie_"
