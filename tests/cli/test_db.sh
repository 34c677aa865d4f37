#!/usr/bin/env bash
# vigie db import / db status: imports from fixtures, counts checked against
# grep/awk over the same files, and bad inputs that must leave the store as
# it was.
. "$(dirname "$0")/lib.sh"
set -e

A=$TESTDATA/advlist
json() { # json EXPR: evaluate a Python expression on $OUT parsed as JSON (d)
	printf '%s' "$OUT" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

run db --help; expect_rc 0 "db --help"
expect_out "import" "help lists import"
run db; expect_rc 2 "db without subcommand"
run db frobnicate; expect_rc 2 "unknown subcommand"
run db import; expect_rc 2 "import without source"
run db status; expect_rc 2 "status without a database"
expect_err "no database at $VIGIE_DB" "status names the missing database"
run db import --bogus x; expect_rc 2 "unknown import option"
run db import --dsa-list "$A/dsa.list" extra; expect_rc 2 "stray argument"
run db import --dsa-list "$A/dsa.list" --release bookworm; expect_rc 2 "--release without --support-ended"

run db import --dsa-list "$A/dsa.list" --dla-list "$A/dla.list" --dtsa-list "$A/dtsa.list"
expect_rc 0 "import the three lists"
expect_out "^dsa-list: 11 rows imported, 0 skipped" "dsa summary"
expect_out "^dla-list: 4 rows imported" "dla summary"
expect_out "^dtsa-list: 4 rows imported" "dtsa summary"

# expectations computed from the fixtures themselves
LISTS="$A/dsa.list $A/dla.list $A/dtsa.list"
n_adv=$(cat $LISTS | grep -c '^\[')
n_vuln=$(cat $LISTS | grep -E '^[[:space:]]+\{' | grep -oE 'CVE-[0-9]{4}-[0-9]+' | sort -u | wc -l)
n_pkg=$(cat $LISTS | grep -E '^[[:space:]]+\[[a-z]+\] - ' | awk '{print $3}' | sort -u | wc -l)
n_fix=$(cat $LISTS | grep -cE '^[[:space:]]+\[[a-z]+\] - ')

run db status --format json; expect_rc 0 "status json"
expect_eq "$(json 'd["schema"]')" "vigie.dbstatus/1" "schema"
expect_eq "$(json 'd["counts"]["advisories"]')" "$n_adv" "advisories count"
expect_eq "$(json 'd["counts"]["vulnerabilities"]')" "$n_vuln" "vulnerabilities count"
expect_eq "$(json 'd["counts"]["packages"]')" "$n_pkg" "packages count"
expect_eq "$(json 'd["counts"]["advisory_fixes"]')" "$n_fix" "advisory_fixes count"
expect_eq "$(json '[s["rows"] for s in d["sources"] if s["name"] == "dsa-list"][0]')" 11 "dsa source rows"
expect_eq "$(json '[s["data_date"] for s in d["sources"] if s["name"] == "dsa-list"][0]')" \
	"2023-03-29T00:00:00Z" "dsa data date: newest advisory (RFC 3339, as in scan)"
expect_eq "$(json '[s["data_date"] for s in d["sources"] if s["name"] == "dtsa-list"][0]')" \
	"2010-05-03T00:00:00Z" "dtsa data date"
expect_eq "$(json '[s["imported_at"] for s in d["sources"] if s["name"] == "dla-list"][0]')" \
	"2026-11-27T09:00:00Z" "import time from VIGIE_NOW"
BEFORE=$OUT

run db status; expect_rc 0 "status text"
expect_out "dsa-list .*2023-03-29 +11 " "text status row"
expect_out "^Advisories: +$n_adv$" "text advisories"
run db status --format xml; expect_rc 2 "bad format"
expect_err "--format: expected text or json, got 'xml'" "format message"

# Bad inputs: clear error naming file and line, exit 2, store untouched.
unchanged() {
	local save_out=$OUT save_err=$ERR save_rc=$RC
	run db status --format json
	expect_eq "$OUT" "$BEFORE" "$1: store unchanged"
	OUT=$save_out ERR=$save_err RC=$save_rc
}

head -c 300 "$A/dsa.list" > "$T/truncated.list"
line=$(( $(head -c 300 "$A/dsa.list" | wc -l) + 1 ))
run db import --dsa-list "$T/truncated.list"; expect_rc 2 "truncated list"
expect_err "truncated.list:$line: truncated file" "truncated: file and line"
unchanged "truncated"

{ head -4 "$A/dsa.list"; printf '[01 Mar 2023] DSA-2-1 caf\303\251 - update\n'; } > "$T/nonascii.list"
run db import --dsa-list "$T/nonascii.list"; expect_rc 2 "non-ASCII"
expect_err "nonascii.list:5: non-ASCII byte 0xc3" "non-ASCII: file and line"
unchanged "non-ASCII"

{ head -3 "$A/dsa.list"; printf '\t'; head -c 10485760 /dev/zero | tr '\0' x; printf '\n'; } > "$T/long.list"
run db import --dsa-list "$T/long.list"; expect_rc 2 "10 MB line"
expect_err "long.list:4: line longer than" "long line: file and line"
unchanged "long line"

printf '{\n  "CVE-2023-1234": {"releases": {}}\n}\n' > "$T/tracker.json"
run db import --dsa-list "$T/tracker.json"; expect_rc 2 "JSON given as a DSA list"
expect_err "tracker.json:1: expected an advisory header" "JSON: file and line"
unchanged "JSON"

run db import --dsa-list "$A/dla.list"; expect_rc 2 "DLA list given as a DSA list"
expect_err "dla.list:1: DLA advisory 'DLA-3380-1' in a DSA list" "wrong kind"
unchanged "wrong kind"

: > "$T/empty.list"
run db import --dla-list "$T/empty.list"; expect_rc 2 "empty list"
expect_err "no DLA advisory found" "empty list message"
unchanged "empty"

run db import --dsa-list "$T/does-not-exist"; expect_rc 2 "missing file"
expect_err "does-not-exist" "missing file named"
unchanged "missing file"

# A killed import leaves the store as it was (SIGKILL mid-transaction).
awk 'BEGIN { for (i = 40000; i > 0; i--) {
	printf "[01 Jan 2020] DSA-%d-1 pkg%d - security update\n", i, i
	printf "\t{CVE-2020-%d}\n\t[buster] - pkg%d 1.0-%d\n", 10000 + i, i, i } }' > "$T/big.list"
"$VIGIE" db import --dsa-list "$T/big.list" >/dev/null 2>&1 &
pid=$!
sleep 0.5
if kill -9 "$pid" 2>/dev/null; then
	set +e; wait "$pid"; krc=$?; set -e
	expect_eq "$krc" 137 "import killed"
	# killed before its commit: unchanged; after it (the process had not
	# exited yet): the whole new list, never a part of it
	run db status --format json
	if [ "$OUT" != "$BEFORE" ]; then
		echo "note: the import committed before it was killed"
		n=$(printf '%s' "$OUT" | python3 -c 'import json,sys; print([s["rows"] for s in json.load(sys.stdin)["sources"] if s["name"]=="dsa-list"][0])')
		expect_eq "$n" 40000 "killed import: all or nothing"
	else
		ok
	fi
	run db import --dsa-list "$A/dsa.list" --allow-shrink; expect_rc 0 "restore fixture after big import"
else
	wait "$pid" || true
	echo "note: the import finished before it could be killed"
	run db import --dsa-list "$A/dsa.list" --allow-shrink; expect_rc 0 "restore fixture after big import"
fi

# distro-info and security-support lists: support-ended is given first but
# distro-info is imported first so that .deb11 resolves.
cp "$A/security-support-ended.deb11" "$T/security-support-ended.deb11"
run db import --support-ended "$T/security-support-ended.deb11" --distro-info "$A/distro-info.csv" \
	--support-limited "$A/security-support-limited"
expect_rc 0 "distro-info and support lists"
expect_out "^distro-info: $(( $(wc -l < "$A/distro-info.csv") - 1 )) rows" "distro-info rows"
expect_out "^support-ended: 3 rows" "support-ended rows"
expect_out "^support-limited: $(grep -cvE '^(#|$)' "$A/security-support-limited") rows" "support-limited rows"
run db status --format json
expect_eq "$(json '[s["name"] for s in d["sources"] if s["name"].startswith("support-ended")]')" \
	"['support-ended-bullseye']" "release from the .deb11 suffix"
expect_eq "$(json 'd["counts"]["releases"]')" 6 "releases count"
expect_eq "$(json '[s["data_date"] for s in d["sources"] if s["name"] == "distro-info"][0]')" \
	None "distro-info has no data date"

cp "$A/security-support-ended.deb11" "$T/ended.txt"
run db import --support-ended "$T/ended.txt"; expect_rc 2 "no suffix, no --release"
expect_err "give the release" "hint for --release"
run db import --support-ended "$T/ended.txt" --release bookworm; expect_rc 0 "explicit release"

printf 'version,codename,series,created\n13,Trixie,trixie,2023-06-10\n14,Forky,forky,2025-02-30\n' > "$T/bad.csv"
run db import --distro-info "$T/bad.csv"; expect_rc 2 "bad distro-info"
expect_err "bad.csv:3: bad created date" "distro-info: file and line"
run db status --format json
expect_eq "$(json 'd["counts"]["releases"]')" 6 "releases kept after a failed import"

if [ -r /usr/share/distro-info/debian.csv ]; then
	run db import --distro-info; expect_rc 0 "default distro-info"
	expect_out "^distro-info: $(( $(wc -l < /usr/share/distro-info/debian.csv) - 1 )) rows" \
		"default distro-info rows"
fi
if [ -n "${VIGIE_SHARED_DATA:-}" ] && [ -r "$VIGIE_SHARED_DATA/debian-security-tracker/distro-info-debian.csv" ]; then
	F=$VIGIE_SHARED_DATA/debian-security-tracker/distro-info-debian.csv
	run db import --distro-info "$F"; expect_rc 0 "real distro-info"
	expect_out "^distro-info: $(( $(wc -l < "$F") - 1 )) rows" "real distro-info rows"
	run db status --format json
	expect_eq "$(json 'd["counts"]["releases"]')" "$(( $(wc -l < "$F") - 1 ))" "real releases"
fi
finish
