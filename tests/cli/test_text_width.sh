#!/usr/bin/env bash
# Text output fits the terminal: 80 columns on a pipe, the terminal's width
# in a pseudo-terminal (script(1) with stty cols 80 and 60); wrapping only
# moves words to continuation lines, never drops or cuts one (the words
# equal the unwrapped output's); JSON is never wrapped.
. "$(dirname "$0")/lib.sh"
set -e
export TZ=UTC
D=$TESTDATA/scan
run db import --tracker-json "$D/tracker.json" --kev "$D/kev.json"; expect_rc 0 "import"
SLA_ROOT=$TESTDATA/history/root

widest() { # widest FILE: columns of its widest line, escapes removed
	python3 -c '
import re, sys
t = open(sys.argv[1], encoding="utf-8").read().replace("\r", "")
print(max((len(re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", l)) for l in t.split("\n")), default=0))' "$1"
}
words() { tr -s ' \n\r' '\n\n\n' < "$1" | grep -v '^$'; }

check() { # check NAME VIGIE-ARGS...: at 80 on a pipe, 80 and 60 in a pty
	local name=$1
	shift
	COLUMNS=1000 "$VIGIE" "$@" > "$T/$name.wide" 2>/dev/null || true
	[ "$(widest "$T/$name.wide")" -gt 60 ] && ok || ko "$name: the fixture has no line over 60 columns to wrap"
	env -u COLUMNS "$VIGIE" "$@" > "$T/$name.pipe" 2>/dev/null || true
	w=$(widest "$T/$name.pipe")
	[ "$w" -le 80 ] && ok || ko "$name on a pipe: a line of $w columns"
	expect_eq "$(words "$T/$name.pipe")" "$(words "$T/$name.wide")" "$name: the same words"
	for cols in 80 60; do
		env -u COLUMNS script -qec "stty cols $cols; $(printf '%q ' "$VIGIE" "$@") 2>/dev/null" /dev/null \
			> "$T/$name.pty$cols" 2>/dev/null || true
		w=$(widest "$T/$name.pty$cols")
		[ "$w" -le "$cols" ] && ok || ko "$name in a $cols-column terminal: a line of $w columns"
	done
	# a terminal colours (NO_COLOR aside): the colour codes take no columns
	env -u COLUMNS -u NO_COLOR script -qec "stty cols 80; $(printf '%q ' "$VIGIE" "$@") 2>/dev/null" /dev/null \
		> "$T/$name.color" 2>/dev/null || true
	w=$(widest "$T/$name.color")
	[ "$w" -le 80 ] && ok || ko "$name in colour: a line of $w columns"
}
if ! command -v script >/dev/null; then
	echo "SKIP: script(1) missing"
	exit 77
fi
check scan scan --status "$D/old.status" --release bullseye --kernel 5.10.0-27-amd64
check sla sla --root "$SLA_ROOT"
check timeline timeline --root "$SLA_ROOT"

# JSON stays one document, its lines untouched
env -u COLUMNS "$VIGIE" scan --status "$D/old.status" --release bullseye --format json > "$T/scan.json"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/scan.json" && ok || ko "json still parses"
[ "$(widest "$T/scan.json")" -gt 80 ] && ok || ko "json lines are not wrapped"
finish
