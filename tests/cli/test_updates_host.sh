#!/bin/bash
# Differential: `vigie updates` on this machine lists the same packages and
# candidate versions as `apt list --upgradable`, with the same security
# marking. Skipped without apt indexes or without the inventory module.
. "$(dirname "$0")/lib.sh"

if ! command -v apt >/dev/null || ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
	echo "SKIP: no apt indexes on this machine"
	exit 77
fi
run updates --format csv
if [ "$RC" != 0 ] && printf '%s' "$ERR" | grep -q 'inventory not available'; then
	echo "SKIP: the inventory module is not available in this build"
	exit 77
fi
expect_rc 0 "updates on this host"
# package,arch,source,installed,candidate,suite,security,cves
got=$(printf '%s\n' "$OUT" | python3 -c '
import csv, sys
for r in csv.DictReader(sys.stdin):
    print(r["package"], r["candidate"], "security" if r["security"] == "yes" else "-")
' | sort -u)
want=$(apt list --upgradable 2>/dev/null | awk -F'[/ ]' '/\[upgradable from/ { print $1, $3, ($2 ~ /-security/ ? "security" : "-") }' | sort -u)
expect_eq "$got" "$want" "same pending updates as apt"
echo "$(printf '%s\n' "$want" | grep -c .) pending updates compared"
finish
