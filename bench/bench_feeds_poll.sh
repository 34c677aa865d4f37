#!/usr/bin/env bash
# Benchmark: `vigie feeds poll` over N generated feeds (default 500, 20
# items each) served on loopback by tests/cli/feeds_server.py; reports wall
# time and peak RSS of the first poll (everything new) and of a second poll
# (nothing new).
#   usage: bench/bench_feeds_poll.sh [BUILD_DIR] [N]
# (BUILD_DIR holds the vigie binary, else $VIGIE; BENCH_QUICK=1: 100 feeds
# and 100 hosts unless N / BENCH_FEEDS_HOSTS are given)
set -eu
BUILD_ARG=
if [ $# -gt 0 ] && [ -d "$1" ]; then BUILD_ARG=$1; shift; fi
if [ "${BENCH_QUICK:-0}" = 1 ]; then N=${1:-100}; : "${BENCH_FEEDS_HOSTS:=100}"; else N=${1:-500}; fi
SRC=$(cd "$(dirname "$0")/.." && pwd)
VIGIE=${VIGIE:-}
[ -n "$BUILD_ARG" ] && VIGIE=$(cd "$BUILD_ARG" && pwd)/vigie
for c in "$VIGIE" "$SRC/build-bench/vigie" "$SRC/build/vigie"; do
	[ -n "$c" ] && [ -x "$c" ] && { VIGIE=$c; break; }
done
[ -x "$VIGIE" ] || { echo "bench_feeds_poll: build vigie first (or set VIGIE)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench_feeds_poll: python3 missing" >&2; exit 2; }

T=$(mktemp -d "${TMPDIR:-/tmp}/vigie-bench-feeds-XXXXXX")
mkdir -p "$T/srv"
python3 "$SRC/tests/cli/feeds_server.py" "$SRC/tests/data/feeds" "$T/srv" &
SRV=$!
trap 'kill $SRV 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 100); do [ -s "$T/srv/port" ] && break; sleep 0.1; done
PORT=$(cat "$T/srv/port")
export VIGIE_DB="$T/bench.db" VIGIE_NOW=2026-11-27T09:00:00Z
for i in $(seq "$N"); do
	echo "gen$i http://127.0.0.1:$PORT/gen/$i.xml"
done >"$T/feeds.conf"
"$VIGIE" feeds add --defaults --catalogue "$T/feeds.conf" >/dev/null

measure() { # label
	local out="$T/time.$1"
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -v "$VIGIE" feeds poll --force >"$T/poll.$1" 2>"$out" || true
		awk -v l="$1" -F': ' '
			/Elapsed \(wall clock\)/ { w = $2 }
			/Maximum resident set size/ { r = $2 }
			END { printf "%-12s wall %s  peak RSS %.1f MiB\n", l, w, r / 1024 }' "$out"
	else
		local s e
		s=$(date +%s.%N)
		"$VIGIE" feeds poll --force >"$T/poll.$1" 2>/dev/null || true
		e=$(date +%s.%N)
		echo "$1 wall $(echo "$e - $s" | bc) s (peak RSS unavailable: no /usr/bin/time)"
	fi
	echo "             $(grep -c ': ok' "$T/poll.$1") ok, $(grep -c ': error' "$T/poll.$1") errors"
}
echo "feeds poll: $N feeds x 20 items on loopback ($VIGIE)"
measure first
if ! grep -q ': ok' "$T/poll.first"; then
	# nothing polled: vigie feeds does not work in this build; say why and
	# report the benchmark as skipped (exit 77) rather than timing nothing
	echo "SKIPPED: 'vigie feeds poll' polled no feed:"
	grep -h '^vigie' "$T/time.first" "$T/poll.first" 2>/dev/null | head -5 | sed 's/^/  /'
	exit 77
fi
measure second
echo "items stored: $("$VIGIE" feeds items --format json | grep -c '"first_seen"')"

# Matching every stored item against a fleet: H hosts with P packages each;
# host h has two binaries of source pkg(h mod 20) (named by 1/20 of the
# generated items), the rest unrelated.
H=${BENCH_FEEDS_HOSTS:-300}
P=${BENCH_FEEDS_PACKAGES:-1000}
pkg() { printf 'Package: %s\nStatus: install ok installed\nArchitecture: amd64\nSource: %s\nVersion: %s\n\n' "$1" "$2" "$3"; }
for k in $(seq 3 "$P"); do pkg "lib$k" "src$k" 1.0; done >"$T/common.status"
for h in $(seq "$H"); do
	s=$((h % 20))
	{ pkg "bin$s" "pkg$s" "1.$h"; pkg "bin$s-data" "pkg$s" "1.$h"; cat "$T/common.status"; } \
		>"$T/host.status"
	"$VIGIE" hosts add "host$h" --status "$T/host.status" --release bookworm >/dev/null
done
if [ -x /usr/bin/time ]; then
	/usr/bin/time -v "$VIGIE" feeds items --format json >"$T/items.json" 2>"$T/time.items"
	awk -v h="$H" -v p="$P" -F': ' '
		/Elapsed \(wall clock\)/ { w = $2 }
		/Maximum resident set size/ { r = $2 }
		END { printf "feeds items (%s hosts x %s packages): wall %s  peak RSS %.1f MiB\n", h, p, w, r / 1024 }' "$T/time.items"
else
	"$VIGIE" feeds items --format json >"$T/items.json"
fi
echo "             $(grep -c '"via": "package"' "$T/items.json") (host, source) matches"
if [ -x /usr/bin/time ]; then
	/usr/bin/time -v "$VIGIE" alerts --format json --dry-run >"$T/alerts.json" 2>"$T/time.alerts"
	awk -F': ' '
		/Elapsed \(wall clock\)/ { w = $2 }
		/Maximum resident set size/ { r = $2 }
		END { printf "alerts --dry-run (all pending): wall %s  peak RSS %.1f MiB\n", w, r / 1024 }' "$T/time.alerts"
fi
