#!/bin/sh
# make run: the main job on this machine, after the build.
#   1. vigie db update: download and import Debian's security data (when the
#      network is down, it says so once and the job goes on with what the
#      database holds);
#   2. vigie db import --distro-info when the releases table is empty;
#   3. vigie scan of this machine, with its pending updates and the CVEs
#      their changelogs name (candidate .debs come from the host's own
#      mirror; summaries are cached in the database);
#   4. vigie updates --security-only: what apt would install from the
#      security suites and the CVEs each fixes.
# The database is $VIGIE_DB, else vigie's default path. Findings are not a
# failure: the job exits 0 unless a step could not run at all.
set -u
VIGIE=${1:-build/vigie}
if [ ! -x "$VIGIE" ]; then
	echo "run.sh: $VIGIE is not built (run 'make')" >&2
	exit 2
fi
status=0

step() {
	printf '\n==> vigie %s\n' "$*"
}

step db update
"$VIGIE" db update
rc=$?
if [ "$rc" != 0 ]; then
	echo "run.sh: 'vigie db update' failed (exit $rc); going on with the data the database holds" >&2
fi

releases=$("$VIGIE" db status 2>/dev/null | awk '$1 == "releases" { print $2 }')
if [ "${releases:-0}" = 0 ]; then
	step db import --distro-info
	"$VIGIE" db import --distro-info ||
		echo "run.sh: release dates not imported: the lifecycle of the release stays unknown" >&2
fi

step scan --changelogs
"$VIGIE" scan --changelogs
rc=$?
if [ "$rc" -gt 1 ]; then
	echo "run.sh: 'vigie scan' failed (exit $rc)" >&2
	status=$rc
fi

step updates --security-only --changelogs
"$VIGIE" updates --security-only --changelogs
rc=$?
if [ "$rc" -gt 1 ]; then
	echo "run.sh: 'vigie updates' failed (exit $rc)" >&2
	status=$rc
fi
exit $status
