#!/usr/bin/env bash
# Every complete "upgrade" line of this machine's /var/log/dpkg.log becomes
# exactly one event in `vigie history --format json`.
. "$(dirname "$0")/lib.sh"
set -e
LOG=/var/log/dpkg.log
if [ ! -r "$LOG" ]; then
	echo "SKIP: $LOG absent"
	exit 77
fi
# freeze a copy of the complete lines (the log may grow meanwhile)
head -n "$(wc -l < "$LOG")" "$LOG" > "$T/dpkg.log"
N=$(grep -c '^[0-9-]* [0-9:]* upgrade ' "$T/dpkg.log" || true)
if [ "$N" = 0 ]; then
	echo "SKIP: no upgrade line in $LOG"
	exit 77
fi
run history --dpkg-log "$T/dpkg.log" --format json; expect_rc 0 "system log"
expect_eq "$(printf '%s' "$OUT" | jq '[.events[] | select(.action == "upgrade")] | length')" "$N" "one event per upgrade line"
finish
