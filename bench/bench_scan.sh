#!/usr/bin/env bash
# Scan benchmark (library): bench_scan on the generated real-size tracker
# (imported once through the CLI, cached in BUILD/bench-data). For each
# release: index build time and RSS, then the scan of one generated
# 2,000-package host (every package from a tracked source; half of them
# behind every fix, then none behind), without and with the store supplying
# facts, then a fleet of hosts sharing most (source, version) pairs with
# one shared matcher against a fresh matcher per host (the baseline), for
# whole scans and for matching alone.
# Goal: <= 5 ms per scan once the index is built.
#   usage: bench/bench_scan.sh BUILD_DIR   (BENCH_QUICK=1: fewer scans/hosts)
set -euo pipefail
BUILD=${1:?usage: $0 BUILD_DIR}
. "$(dirname "$0")/lib.sh"

db=$(bench_tracker_db)
if [ "$QUICK" = 1 ]; then
	scans=40 store=3 hosts=200 releases=bookworm
else
	scans=200 store=5 hosts=1000 releases="bookworm bullseye"
fi
for rel in $releases; do
	echo "-- $rel: host with 50% of its packages behind the fixes" \
		"(load average before: $(bench_load))"
	"$BENCH_BIN/bench_scan" --behind 50 --scans "$scans" --store-scans "$store" \
		--hosts "$hosts" "$db" "$rel"
	hosts=0 # the fleet once (first release) keeps the run short
	echo "-- $rel: host with every package at a fixed version (open issues only)"
	"$BENCH_BIN/bench_scan" --behind 0 --scans "$scans" --store-scans 0 --hosts 0 "$db" "$rel"
done
echo "load average after: $(bench_load) on $(nproc) CPU(s)"
