#!/usr/bin/env bash
# Hostile input reaching the terminal: 100,000 repeated warnings are capped
# with a count; escape and OSC bytes from report fields and file names are
# escaped in text output and error messages.
. "$(dirname "$0")/lib.sh"
set -e
export VIGIE_DB="$T/vigie.db"

# 100,000 apt history stanzas without End-Date
python3 -c '
import sys
with open(sys.argv[1], "w") as f:
    for i in range(100000):
        f.write("\nStart-Date: 2026-01-01  10:00:00\nCommandline: apt-get install x\nInstall: x:amd64 (1.%d)\n" % i)
' "$T/history.log"
run history --apt-history "$T/history.log" --format json
expect_rc 0 "history read"
expect_eq "$(printf '%s\n' "$ERR" | grep -c 'stanza without End-Date')" 10 "ten warnings of the kind"
expect_err "history.log: \.\.\. and 99,990 more like this" "then a count"
expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 11 "eleven lines on stderr"

# a generic CSV whose host carries OSC/ESC sequences and a C1 CSI
printf 'host,cve,package,version\nh\033]0;owned\007x\302\233y,CVE-2024-0001,,\n' >"$T/r.csv"
run triage "$T/r.csv" --release bookworm
if printf '%s%s' "$OUT" "$ERR" | grep -q $'\033'; then ko "ESC reached the terminal"; else ok; fi
if printf '%s%s' "$OUT" "$ERR" | grep -q $'\302\233'; then ko "C1 CSI reached the terminal"; else ok; fi
expect_err 'control character U\+001B in the host' "host refused, field named"

# a file name with escapes in an error message
F="$T/x"$'\033'"[2Jy.csv"
run triage "$F" --release bookworm
expect_rc 2 "missing report"
expect_err 'x\\x1b\[2Jy\.csv' "file name escaped"
if printf '%s' "$ERR" | grep -q $'\033'; then ko "ESC in the error"; else ok; fi
finish
