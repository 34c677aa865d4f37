#!/usr/bin/env bash
# When vigie cannot tell, it says so: an empty database, a release without
# security data, a misspelt release.
. "$(dirname "$0")/lib.sh"
set -e
D=$TESTDATA/scan
json() { # json EXPR: a Python expression on $OUT parsed as JSON (d)
	printf '%s' "$OUT" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

# ---- an empty database: no verdict, and --fail-on does not pass
run scan --status "$D/new.status" --release bullseye --fail-on standard
expect_rc 3 "empty database: cannot tell"
expect_out '^verdict: undetermined \(the database holds no security data for release bullseye' "text verdict"
expect_err "no security data" "warned on stderr"
run scan --status "$D/new.status" --release bullseye --format json
expect_rc 0 "without --fail-on the report is written"
expect_eq "$(json 'd["summary"]["verdict"]')" undetermined "JSON verdict"
expect_eq "$(json '"no security data for release bullseye" in d["summary"]["reason"]')" True "JSON reason"
run hosts add old --status "$D/old.status" --release bullseye
expect_rc 0 "a host can be stored before the first import"
run fleet --fail-on standard
expect_rc 3 "fleet on an empty database: cannot tell"
expect_out '^old +bullseye +undetermined: the database holds no security data' "fleet text"

# ---- data for bullseye and bookworm; distro-info knows trixie too
run db import --tracker-json "$D/tracker.json" --distro-info "$D/distro-info.csv"
expect_rc 0 "import"
run scan --status "$D/new.status" --release bulseye --fail-on standard
expect_rc 2 "a misspelt release is an error"
expect_err "unknown release 'bulseye'" "names the bad release"
expect_err "releases with security data in the database: bookworm, bullseye" "lists the releases"
expect_eq "$OUT" "" "no report for a misspelt release"
run scan --status "$D/new.status" --release trixie
expect_rc 2 "a release without data is an error"
expect_err "no security data for release 'trixie'.*bookworm, bullseye" "says so, with the list"
run hosts add typo --status "$D/new.status" --release bulseye
expect_rc 2 "hosts add refuses a misspelt release"
expect_err "unknown release 'bulseye'" "hosts add names it"
run hosts list --format json
expect_no_out '"typo"' "nothing stored"
run explain CVE-2022-28615 --status "$D/new.status" --release bulseye
expect_rc 2 "explain refuses a misspelt release"

run scan --status "$D/new.status" --release bullseye --fail-on standard --format json
expect_rc 1 "with data: findings decide"
expect_eq "$(json 'd["summary"]["verdict"], d["summary"]["reason"]')" "findings None" "a verdict, no reason"

# a host none of whose sources the tracker lists is judged all the same
printf 'Package: zzz-local\nStatus: install ok installed\nArchitecture: all\nVersion: 1.0\n' > "$T/local.status"
run scan --status "$T/local.status" --release bullseye --fail-on standard --format json
expect_rc 0 "data for the release, none for the host's sources: a verdict"
expect_eq "$(json 'd["summary"]["verdict"]')" no-findings "no findings, known"
expect_eq "$(json 'd["warnings"]')" "[]" "no false 'no security data' warning"

# a host stored earlier with a release the data lacks: undetermined in fleet
db_sql "UPDATE hosts SET release = 'bulseye' WHERE name = 'old'"
run hosts add new --status "$D/new.status" --release bullseye
run fleet --format json
expect_rc 0 "fleet json"
expect_eq "$(json '[(h["host"], h["verdict"], h["reason"] is not None) for h in d["hosts"]]')" \
	"[('new', 'findings', False), ('old', 'undetermined', True)]" "per-host verdicts"
expect_eq "$(json 'd["summary"]["verdict"], d["summary"]["undetermined"]')" "undetermined 1" "fleet summary"
run fleet
expect_out '^old +bulseye +undetermined: the database holds no security data for release bulseye' "fleet text says undetermined"
expect_no_out '^old .*highly-critical' "no counts for the undetermined host"
run fleet --fail-on highly-critical
expect_rc 3 "nothing highly-critical, one host undetermined"
run fleet --fail-on standard
expect_rc 1 "findings win over undetermined"

finish
