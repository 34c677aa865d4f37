#!/bin/bash
# vigie collect: agentless collection through ssh. A fake ssh ($VIGIE_SSH)
# runs the fixed remote command locally against the fixture root, with
# fake uname and hostname, and records its arguments.
set -eu
. "$(dirname "$0")/lib.sh"

ROOT="$T/root"
cp -a "$TESTDATA/agent/root" "$ROOT"
mkdir -p "$T/bin"
cat >"$T/bin/uname" <<'EOF'
#!/bin/sh
echo 6.1.0-18-amd64
EOF
cat >"$T/bin/hostname" <<'EOF'
#!/bin/sh
echo web2.example.org
EOF
# the fake ssh: its arguments go to $T/ssh.args, one a line; the remote
# command (the last one) runs with / replaced by the fixture root
cat >"$T/ssh" <<'EOF'
#!/bin/bash
printf '%s\n' "$@" >"$FAKE_ARGS"
[ -n "${FAKE_FAIL:-}" ] && { echo "ssh: connect to host web2 port 22: Connection refused" >&2; exit 255; }
cmd="${!#}"
case "$cmd" in "LC_ALL=C; export LC_ALL; cd / ||"*) ;; *) echo "unexpected command" >&2; exit 99 ;; esac
cmd="${cmd/cd \/ ||/cd \"\$FAKE_ROOT\" ||}"
[ -n "${FAKE_EXTRA:-}" ] && printf '==vigie-file 4 etc/shadow\nroot'
PATH="$FAKE_BIN:$PATH" exec sh -c "$cmd"
EOF
chmod +x "$T/ssh" "$T/bin/uname" "$T/bin/hostname"
export VIGIE_SSH="$T/ssh" FAKE_ROOT="$ROOT" FAKE_BIN="$T/bin" FAKE_ARGS="$T/ssh.args"

actions() { zcat -f "$@" | grep -cE '^[0-9-]+ [0-9:]+ (install|upgrade|remove|purge) '; }
on_disk() { grep '^Status: ' "$1" | grep -cvE ' (not-installed|config-files)$'; }
jget() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

run clients add acme
run clients add other

run collect --ssh admin@web2 --client acme
expect_rc 0 "collect"
expect_out "^added host web2.example.org over ssh: $(on_disk "$ROOT/var/lib/dpkg/status") packages, release bookworm, kernel 6.1.0-18-amd64" "summary line"
# ssh was called in batch mode, the target after "--", nothing else
expect_eq "$(sed -n 1,4p "$T/ssh.args" | tr '\n' ' ')" "-o BatchMode=yes -- admin@web2 " "ssh arguments"
expect_eq "$(wc -l <"$T/ssh.args" | tr -d ' ')" 5 "one remote command, one argument"
run hosts show web2.example.org --format json
expect_rc 0 "hosts show"
printf '%s' "$OUT" >"$T/show.json"
expect_eq "$(jget 'd["client"]' <"$T/show.json")" "acme" "client"
expect_eq "$(jget 'd["kernel"]["release"]' <"$T/show.json")" "6.1.0-18-amd64" "kernel from uname -r"
expect_eq "$(jget 'd["kernel"]["version"]' <"$T/show.json")" "6.1.76-1" "kernel version from /proc/version"
expect_eq "$(jget 'd["origin"]' <"$T/show.json")" "ssh" "origin"
TOTAL=$(actions "$ROOT"/var/log/dpkg.log*)
events() { "$VIGIE" history --from-store --host "$1" --format csv | tail -n +2; }
expect_eq "$(events web2.example.org | wc -l)" "$TOTAL" "every event, rotations included"
# one value from the database, either driver
db_value() {
	if [ "${VIGIE_TEST_DRIVER:-sqlite}" = pg ]; then
		psql -X -q -At "$VIGIE_DB" -c "$1"
	else
		python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$VIGIE_DB" "$1"
	fi
}
expect_eq "$(db_value "SELECT COUNT(*) FROM events WHERE origin = '/var/log/dpkg.log.2.gz'")" 3 "events name the remote file"
expect_eq "$(db_value "SELECT COUNT(*) FROM events WHERE origin LIKE '%vigie-collect-%'")" 0 "never the temporary copy"

# again, with one more line: only it is new
printf '2026-03-09 08:00:01 upgrade tzdata:all 2024a-0+deb12u1 2025b-0+deb12u1\n' >>"$ROOT/var/log/dpkg.log"
run collect --ssh admin@web2 --client acme
expect_rc 0 "collect again"
expect_out "^updated host web2.example.org .*, 1 new event$" "one new event"
expect_eq "$(events web2.example.org | wc -l)" "$((TOTAL + 1))" "no event twice"

# --name overrides the remote host name
run collect --ssh web2 --client acme --name db1
expect_rc 0 "--name"
expect_out "^added host db1 " "stored as db1"

# a host of another client is not taken over
run collect --ssh web2 --client other
expect_rc 2 "another client's host"
expect_err "belongs to another client" "says why"

# ssh failing: its message, our error, nothing stored
FAKE_FAIL=1 run collect --ssh web3 --client acme --name web3
expect_rc 2 "ssh fails"
expect_err "exited with status 255" "the exit status"
run hosts show web3
expect_rc 2 "nothing stored for web3"

# the remote side sending a file that was not asked for is refused
FAKE_EXTRA=1 run collect --ssh web2 --client acme --name web4
expect_rc 2 "unexpected file"
expect_err "a file vigie did not ask for" "says why"
[ -z "$(ls "${TMPDIR:-/tmp}" | grep "^vigie-collect-" | while read -r d; do [ -O "${TMPDIR:-/tmp}/$d" ] && [ -e "${TMPDIR:-/tmp}/$d/etc/shadow" ] && echo "$d"; done)" ] && ok || ko "nothing left behind"

# a target that looks like an option is refused before ssh runs
rm -f "$T/ssh.args"
run collect --ssh=-oProxyCommand=x --client acme
expect_rc 2 "option as target"
[ ! -e "$T/ssh.args" ] && ok || ko "ssh not run"

finish
