#!/usr/bin/env bash
# vigie hosts: add/replace, list, show, services, remove, on fixtures.
. "$(dirname "$0")/lib.sh"
set -e
D=$TESTDATA/inventory
export VIGIE_SERVICES=$VIGIE_SRCDIR/data/services.conf

run hosts list; expect_rc 0 "empty list"
expect_out 'no hosts' "empty"
run hosts add web1 --status "$D/status" --client acme --release bookworm --kernel 6.1.0-18-amd64
expect_rc 0 "add"
expect_out '^added host web1: 13 packages' "added"
expect_out 'Apache HTTP Server' "apache2 derived"
run hosts add web1 --root "$D/root-osrelease"
expect_rc 0 "replace"
expect_out '^replaced the inventory of host web1' "says it replaced"
run hosts add db2 --root "$D/root-debver"
expect_rc 0 "second host"

run hosts list
expect_out '^db2 +- +zork +amd64 ' "db2 listed"
expect_out '^web1 +acme +bullseye +amd64 ' "client kept on replace"
run hosts list --format json
printf '%s\n' "$OUT" > "$T/hosts.json"
got=$(python3 - "$T/hosts.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "vigie.hosts/1"
print(" ".join("%s:%d" % (h["name"], h["packages"]) for h in d["hosts"]))
PY
)
expect_eq "$got" "db2:1 web1:13" "json list with package counts"

run hosts service add web1 "Billing app"; expect_rc 0 "manual service"
run hosts service add nohost x; expect_rc 2 "service on unknown host"
expect_err "no host named 'nohost'" "message"
run hosts show web1
expect_rc 0 "show"
expect_out '^  Billing app +manual$' "manual service shown"
expect_out '^  nginx +derived$' "derived service shown"
expect_out '^  PostgreSQL +derived$' "postgresql-15 gives PostgreSQL"
expect_out '^release: +bullseye$' "release"
run hosts show web1 --format json
printf '%s\n' "$OUT" > "$T/host.json"
got=$(python3 - "$T/host.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "vigie.host/1"
assert d["client"] == "acme"
s = {x["name"]: x["origin"] for x in d["services"]}
assert s["Billing app"] == "manual" and s["nginx"] == "derived", s
p = {(x["name"], x["arch"]): x for x in d["packages"]}
assert p[("bash", "amd64")]["source_version"] == "5.2.15-2"
print(len(d["packages"]))
PY
)
expect_eq "$got" "13" "show json"
run hosts service remove web1 "Billing app"; expect_rc 0 "remove service"
run hosts service remove web1 "Billing app"; expect_rc 2 "remove it twice"
run hosts show nohost; expect_rc 2 "show unknown"

# a bad inventory leaves the stored one untouched
run hosts add web1 --status "$D/bad-version"; expect_rc 2 "bad status"
expect_err "bad-version:9:" "file:line"
run hosts show web1 --format json
expect_out '"name": "zlib1g"' "inventory kept"
# a bad services table: exit 2 naming file:line, nothing stored
printf 'Web | nginx\nbroken line\n' > "$T/services.conf"
run hosts add web3 --status "$D/status" --services "$T/services.conf"; expect_rc 2 "bad services table"
expect_err "services.conf:2:" "file:line"
run hosts show web3; expect_rc 2 "not stored"
run hosts add web3; expect_rc 2 "needs --status or --root"

run hosts remove db2; expect_rc 0 "remove"
run hosts remove db2; expect_rc 2 "remove twice"
run hosts list
expect_no_out '^db2 ' "removed"
finish
