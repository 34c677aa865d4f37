#!/usr/bin/env bash
# vigie compare-versions: exit codes and --batch, checked against dpkg itself.
. "$(dirname "$0")/lib.sh"
set -e

run compare-versions 2.4.56-1~deb11u2 gt 2.4.54-1~deb11u1; expect_rc 0 "gt true"
run compare-versions 2.4.53-1~deb11u1 ge 2.4.54-1~deb11u1; expect_rc 1 "ge false"
run compare-versions 1.0~rc1 lt 1.0; expect_rc 0 "tilde"
run compare-versions 1:0 '>>' 9; expect_rc 0 "epoch"
run compare-versions 1.0- lt 1; expect_rc 2 "invalid"
expect_err "revision number is empty" "dpkg's reason"
run compare-versions 1 foo 2; expect_rc 2 "bad operator"
run compare-versions "" lt 1; expect_rc 0 "absent is oldest"
run compare-versions "" lt-nl 1; expect_rc 1 "absent is newest with -nl"
run compare-versions a1 gt 2; expect_rc 0 "warning only, letters after digits"
expect_err "warning: .*does not start with digit" "warning printed"

OUT=$(printf '1.0 1.1\n1.1 1.0\n1:1 1:1\n1.0- 2\nonly-one\n' | "$VIGIE" compare-versions --batch)
expect_eq "$OUT" "$(printf -- '-1\n1\n0\nerror: version '"'"'1.0-'"'"' has bad syntax: revision number is empty\nerror: expected two versions')" "batch output"

# Every operator on a few pairs agrees with dpkg --compare-versions.
if command -v dpkg >/dev/null; then
	for pair in "1.0 1.0" "1.0~1 1.0" "1:1 2" "1.0a 1.0+" "" ; do
		set -- $pair
		a=${1:-}; b=${2:-}
		for op in lt le eq ne ge gt lt-nl le-nl ge-nl gt-nl; do
			set +e
			dpkg --compare-versions "$a" $op "$b" 2>/dev/null; d=$?
			"$VIGIE" compare-versions "$a" $op "$b" 2>/dev/null; v=$?
			set -e
			expect_eq "$v" "$d" "'$a' $op '$b'"
		done
	done
fi
finish
