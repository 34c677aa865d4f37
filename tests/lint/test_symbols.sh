#!/usr/bin/env bash
# Every symbol libvigie exports starts with vigie_, so the library links
# beside libpq, cairo, libmicrohttpd, libcurl and the rest without a clash.
set -euo pipefail
lib="$VIGIE_BUILDDIR/lib/libvigie.a"
[ -f "$lib" ] || { echo "no $lib"; exit 1; }
# __odr_asan.<global>: AddressSanitizer's one-definition-rule markers for
# the library's own globals, present only in sanitizer builds
bad=$(nm -g --defined-only "$lib" | awk 'NF == 3 && $2 ~ /[TDBRCGSV]/ {print $3}' |
	grep -v '^vigie_' | grep -v '^__odr_asan\.vigie_' | sort -u || true)
n=$(nm -g --defined-only "$lib" | awk 'NF == 3 && $2 ~ /[TDBRCGSV]/' | wc -l)
if [ -n "$bad" ]; then
	echo "exported symbols without the vigie_ prefix:"; echo "$bad"; exit 1
fi
[ "$n" -gt 100 ] || { echo "only $n symbols read from $lib"; exit 1; }
echo "1 passed, 0 failed: $n exported symbols, all vigie_"
