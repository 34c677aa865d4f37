#!/usr/bin/env bash
# vigie feeds items / coverage on a fleet stored by `vigie hosts add`: each
# item of a Debian DSA feed names exactly the hosts with its package
# installed, with the fix state from an imported DSA list; coverage lists
# the uncovered services first.
. "$(dirname "$0")/lib.sh"
set -e
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }

FEEDS="$TESTDATA/feeds"
export VIGIE_SERVICES="$VIGIE_SRCDIR/data/services.conf"

# www (bookworm): apache2 2.4.62-1~deb12u2, openssl 3.0.15-1~deb12u1, glibc;
# db (bullseye): openssl 1.1.1w-0+deb11u1, postgresql-13, glibc.
run hosts add www --status "$FEEDS/hosts/www.status" --release bookworm; expect_rc 0 "add www"
run hosts add db --status "$FEEDS/hosts/db.status" --release bullseye; expect_rc 0 "add db"
run hosts service add www "in-house app"; expect_rc 0 "manual service"
run db import --dsa-list "$FEEDS/fleet-dsa.list"; expect_rc 0 "import DSA list"
run feeds add "$FEEDS/fleet-dsa.rdf" --name dsa --debian; expect_rc 0 "add feed"
run feeds poll; expect_rc 0 "poll"
expect_out "^dsa: ok, 4 items, 4 new$" "4 items"

run feeds items --format json; expect_rc 0 "items json"
printf '%s\n' "$OUT" >"$T/items.json"
# Expected per item, written from the fixtures: hosts, and per host with
# the package the (installed, fixed, fixed_version) of its source.
cat >"$T/expect.py" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
want = {
    "DSA-6101-1 apache2 - security update": {
        "www": ("apache2", "2.4.62-1~deb12u2", False, "2.4.62-1~deb12u3")},
    "DSA-6100-1 openssl - security update": {
        "db": ("openssl", "1.1.1w-0+deb11u1", False, "1.1.1w-0+deb11u2"),
        "www": ("openssl", "3.0.15-1~deb12u1", True, "3.0.15-1~deb12u1")},
    "DSA-6099-1 nncp - security update": {},
    "DSA-6098-1 glibc - security update": {
        "db": ("glibc", "2.31-13+deb11u11", None, None),
        "www": ("glibc", "2.36-9+deb12u9", None, None)},
}
bad = []
assert doc["schema"] == "vigie.feeds/1"
got = {i["title"]: i for i in doc["items"]}
if sorted(got) != sorted(want):
    bad.append("titles %s" % sorted(got))
for title, hosts in want.items():
    it = got.get(title)
    if it is None:
        continue
    if it["hosts"] != sorted(hosts):
        bad.append("%s: hosts %s, want %s" % (title, it["hosts"], sorted(hosts)))
    pk = {(m["host"]): (m["source"], m["installed"], m["fixed"], m["fixed_version"])
          for m in it["matches"] if m["via"] == "package"}
    if pk != hosts:
        bad.append("%s: package matches %s, want %s" % (title, pk, hosts))
    for m in it["matches"]:
        if m["host"] not in hosts:
            bad.append("%s: extra match %s" % (title, m))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
python3 "$T/expect.py" "$T/items.json" && ok || ko "items: hosts and fix states"
# the Apache service derived by `hosts add` is the name items use
grep -q '"service": "Apache HTTP Server"' "$T/items.json" && ok || ko "service match by name"

run feeds items --host db; expect_rc 0 "items for db"
expect_out "^    db: openssl 1.1.1w-0\+deb11u1 NOT fixed \(fixed in 1.1.1w-0\+deb11u2\)$" "text: not fixed"
expect_out "^    db: glibc 2.31-13\+deb11u11 unknown$" "text: unknown"
expect_no_out "apache2" "db has no apache2"
run feeds items
expect_out "^    www: openssl 3.0.15-1~deb12u1 fixed \(fixed in 3.0.15-1~deb12u1\)$" "text: fixed"

# Alerts leave out a host whose installed version already has the fix
# (www's openssl), also through its OpenSSL service; db's is not fixed.
run alerts --format json --dry-run; expect_rc 0 "alerts"
printf '%s\n' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
by = {h["host"]: sorted(i["title"] for i in h["items"]) for h in d["hosts"]}
assert "DSA-6100-1 openssl - security update" in by["db"], by
assert "DSA-6100-1 openssl - security update" not in by.get("www", []), by
assert "DSA-6101-1 apache2 - security update" in by["www"], by
assert "DSA-6098-1 glibc - security update" in by["www"], by
' && ok || ko "alerts: a host already fixed is not alerted"

# Coverage: the hand-attached service has no package and no feed.
run feeds coverage; expect_rc 1 "uncovered service: exit 1"
expect_eq "$(printf '%s\n' "$OUT" | head -1 | awk '{print $1, $2, $3, $4}')" \
	"UNCOVERED www in-house app" "uncovered first"
expect_eq "$(printf '%s\n' "$OUT" | grep -c '^covered ')" 6 "derived services covered by dsa"
run hosts show www --format json
for s in "Apache HTTP Server" OpenSSL glibc; do
	expect_out "\"name\": \"$s\"" "hosts show: $s"
done
run feeds coverage --format json
printf '%s\n' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
s = d["services"]
assert d["uncovered"] == 1, d["uncovered"]
assert (s[0]["host"], s[0]["service"], s[0]["covered"]) == ("www", "in-house app", False), s[0]
names = sorted((x["host"], x["service"]) for x in s[1:])
assert names == [("db", "OpenSSL"), ("db", "PostgreSQL"), ("db", "glibc"),
                 ("www", "Apache HTTP Server"), ("www", "OpenSSL"), ("www", "glibc")], names
assert all(x["feeds"] == ["dsa"] for x in s[1:])
' && ok || ko "coverage json"

finish
