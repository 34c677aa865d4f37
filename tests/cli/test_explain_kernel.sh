#!/usr/bin/env bash
# vigie explain on a host where no Debian kernel runs (a container): linux
# userland packages below the kernel fix must not be called fixed.
. "$(dirname "$0")/lib.sh"
set -e
run db import --tracker-json "$TESTDATA/scan/tracker.json"
expect_rc 0 "import"
cat > "$T/status" <<'ST'
Package: linux-libc-dev
Status: install ok installed
Architecture: amd64
Source: linux
Version: 5.10.100-1

ST
# tracker: linux CVE-2024-1086 is fixed in bullseye in 5.10.209-1
run explain CVE-2024-1086 --status "$T/status" --release bullseye
expect_rc 0 "no running Debian kernel: no finding"
expect_no_out "is at or above" "5.10.100-1 is not called at or above 5.10.209-1"
expect_out "Conclusion: not affected: the kernel is not checked \(no Debian kernel image installed\)" "the true reason"
finish
