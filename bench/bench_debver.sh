#!/usr/bin/env bash
# Version comparison benchmark: bench_debver (vigie's debver_cmp against
# libdpkg's dpkg_version_compare, 1,000,000 pairs per set).
#   usage: bench/bench_debver.sh BUILD_DIR
set -euo pipefail
BUILD=${1:?usage: $0 BUILD_DIR}
. "$(dirname "$0")/lib.sh"
echo "load average before: $(bench_load) on $(nproc) CPU(s)"
"$BENCH_BIN/bench_debver"
echo "load average after: $(bench_load)"
