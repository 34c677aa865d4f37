#!/usr/bin/env bash
# Every command of the command table (vigie --help) and every option named
# in each command's --help (and its subcommands' --help for commands that
# list "Subcommands:") is completed by the generated bash completion
# ($VIGIE_BUILDDIR/completion/vigie, run through bash's completion
# variables) and documented in its man page docs/vigie-CMD.1. A command
# without a man page is a failure that names it.
set -uo pipefail
src=${VIGIE_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${VIGIE:?VIGIE: the vigie binary}
comp=${VIGIE_BUILDDIR:-$(dirname "$bin")}/completion/vigie
[ -f "$comp" ] || { echo "skip: no generated completion ($comp): python3 missing at build time?"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
export VIGIE_DB=$tmp/none.db HOME=$tmp XDG_DATA_HOME=$tmp LC_ALL=C NO_COLOR=1
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

# Options of other programs quoted in a help text (e.g. debsecan's), per
# command: not vigie's, neither completed nor documented as vigie's.
foreign() {
	case $1 in
	debsecan-feed) echo "--suite --source" ;;
	triage) echo "--vex" ;;
	decide) echo "--show-decided --fail-on" ;;     # scan's and fleet's, named by decide's help
	report) echo "--timezone" ;;                   # clients add's, named by report's help
	esac
}

# complete WORD...: what the completion offers for the last word
complete_words() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _vigie
		[ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$@"
}
# man page text with roff escapes removed (\- to -, fonts)
man_text() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' -e 's/\\&//g' "$1"; }
has_word() { grep -qE -- "(^|[^a-z0-9-])$2([^a-z0-9-]|\$)" "$1"; }

cmds=$("$bin" --help | awk '/^Commands:/ {f = 1; next} /^$/ {f = 0} f {print $1}')
[ "$(printf '%s\n' "$cmds" | wc -l)" -ge 15 ] && ok || ko "only $(printf '%s\n' "$cmds" | wc -l) commands in 'vigie --help'"
complete_words vigie '' > "$tmp/top"
missing_man=
for cmd in $cmds; do
	grep -qx -- "$cmd" "$tmp/top" && ok || ko "'vigie <TAB>' does not offer $cmd"
	"$bin" "$cmd" --help > "$tmp/help" 2>&1
	for sub in $(awk '/^Subcommands:/ {f = 1; next} /^[^ ]/ {f = 0} f && NF {print $1}' "$tmp/help"); do
		"$bin" "$cmd" "$sub" --help >> "$tmp/help" 2>&1
	done
	# options quoted from other commands or programs ('vigie history
	# --store', (vigie tokens create --host H), 'dpkg --compare-versions')
	# are theirs
	opts=$(CMD=$cmd perl -pe "s/'(?!vigie \Q\$ENV{CMD}\E\b)[a-z][^']*'//g;
		s/\((?:e\.g\. )?vigie (?!\Q\$ENV{CMD}\E\b)[^)]*\)//g" "$tmp/help" |
		grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u)
	for f in $(foreign "$cmd"); do opts=$(printf '%s\n' "$opts" | grep -vx -- "$f"); done
	complete_words vigie "$cmd" -- > "$tmp/offer"
	for o in $opts; do
		grep -qx -- "$o" "$tmp/offer" && ok || ko "'vigie $cmd --<TAB>' does not offer $o"
	done
	man=$src/docs/vigie-$cmd.1
	if [ ! -f "$man" ]; then
		missing_man="$missing_man $cmd"
		continue
	fi
	man_text "$man" > "$tmp/man"
	for o in $opts; do
		[ "$o" = --help ] && continue
		has_word "$tmp/man" "$o" && ok || ko "docs/vigie-$cmd.1 does not document $o"
	done
done
if [ -n "$missing_man" ]; then
	for c in $missing_man; do ko "no man page docs/vigie-$c.1 for the command '$c'"; done
fi
# global options: completed and in vigie(1)
man_text "$src/docs/vigie.1" > "$tmp/man"
complete_words vigie -- > "$tmp/offer"
for o in $(awk '/^Global options:/ {f = 1; next} /^[^ ]/ {f = 0} f' <("$bin" --help) |
		grep -oE -- '^ +(-[a-z], )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+'); do
	grep -qx -- "$o" "$tmp/offer" && ok || ko "'vigie --<TAB>' does not offer $o"
	has_word "$tmp/man" "$o" && ok || ko "docs/vigie.1 does not document $o"
done
# the check can fail: an option no command has is not offered
complete_words vigie scan --no-such > "$tmp/offer"
[ ! -s "$tmp/offer" ] && ok || ko "completion offers an unknown option: $(cat "$tmp/offer")"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
