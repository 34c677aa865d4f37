#!/usr/bin/env bash
# GET /api/v1/hosts/NAME/findings gives the same findings objects as
# `vigie scan --format json --show-decided` on the same inventory (the
# pushed document's packages written as a dpkg status file, its release and
# running kernel given on the command line): every field, in the same
# order, with the same summary, kernel, lifecycle and warnings. Left out of
# the comparison: scanned_at (when each scan ran; equal here only because
# VIGIE_NOW is fixed) and database (the server leaves the database's path
# and the data files' locations out on purpose: src/server/api.c).
. "$(dirname "$0")/lib.sh"
set -e
srv_setup
"$VIGIE" db import --dsa-list "$SD/DSA-list" >/dev/null
# decisions of both scopes on B's host: their objects are compared too
"$VIGIE" decide CVE-2023-4911 --host "$HB" --status affected --reason "glibc upgrade planned" \
	--by ops >/dev/null
"$VIGIE" decide CVE-2021-3156 --client globex --status not_affected \
	--justification vulnerable_code_not_present --reason "no sudoers" --by bob >/dev/null
srv_start

# B's host with two kernel images, the older one running (its Debian
# version in the document's kernel.version): kernel findings, a reboot
{
	cat "$SD/bullseye-db.pkgs"
	echo "linux-image-5.10.0-28-amd64 amd64 5.10.205-2 linux-signed-amd64 5.10.205+2"
	echo "linux-image-5.10.0-30-amd64 amd64 5.10.218-1 linux-signed-amd64 5.10.218+1"
} > "$T/b.pkgs"
$MKDOC "$T/b.pkgs" --host "$HB" --release bullseye |
	python3 -c 'import json,sys; d=json.load(sys.stdin); d["kernel"]["version"]="#1 SMP Debian 5.10.205-2 (2024-01-31)"; json.dump(d, sys.stdout)' \
	> "$T/b.json"
mkdoc "$T/a.json" bookworm-web.pkgs "$HA" bookworm
push "$TOK_AGENT_A" "$T/a.json"; expect_code 200 "push A"
push "$TOK_AGENT_B" "$T/b.json"; expect_code 200 "push B"

# status PKGS > FILE: the dpkg status file of a package list
status() {
	python3 - "$1" <<'PY'
import sys
for line in open(sys.argv[1]):
    w = line.split()
    if not w or w[0].startswith("#"):
        continue
    print("Package: %s\nStatus: install ok installed\nArchitecture: %s\nVersion: %s" % tuple(w[:3]))
    if len(w) > 3 and w[3] != "-":
        print("Source: %s%s" % (w[3], " (%s)" % w[4] if len(w) > 4 and w[4] != "-" else ""))
    print()
PY
}
# same API.json CLI.json WHAT: prints "same" or what differs
same() {
	python3 - "$1" "$2" <<'PY'
import json, sys
a, c = (json.load(open(p)) for p in sys.argv[1:3])
out = []
if not c["findings"]:
    out.append("the CLI scan has no finding: nothing compared")
for k in ("schema", "host", "release", "summary", "kernel", "restart", "lifecycle", "warnings"):
    if a.get(k) != c.get(k):
        out.append("%s: API %s, CLI %s" % (k, json.dumps(a.get(k)), json.dumps(c.get(k))))
fa, fc = a["findings"], c["findings"]
ka = [(f["cve"], f["source"]) for f in fa]
kc = [(f["cve"], f["source"]) for f in fc]
if ka != kc:
    out.append("findings: API %s, CLI %s" % (ka, kc))
else:
    for x, y in zip(fa, fc):
        for k in sorted(set(x) | set(y)):
            if x.get(k, "(absent)") != y.get(k, "(absent)"):
                out.append("%s %s: API %s, CLI %s" % (x["cve"], k, json.dumps(x.get(k, "(absent)")),
                                                      json.dumps(y.get(k, "(absent)"))))
msg = "; ".join(out) if out else "same"
print(msg if len(msg) < 1500 else msg[:1500] + "...")
PY
}
# compare HOST PKGS RELEASE KERNEL TOKEN WHAT
compare() {
	local host=$1 pkgs=$2 rel=$3 kernel=$4 tok=$5 what=$6
	as "$tok" GET "/api/v1/hosts/$host/findings"; expect_code 200 "$what: the API's findings"
	cp "$T/body" "$T/api.json"
	status "$pkgs" > "$T/status"
	run scan --status "$T/status" --release "$rel" --kernel "$kernel" --host "$host" \
		--format json --show-decided
	expect_rc 0 "$what: vigie scan"
	printf '%s\n' "$OUT" > "$T/cli.json"
	expect_eq "$(same "$T/api.json" "$T/cli.json")" same "$what: the API's findings are the scan's"
}
# what the comparison covers, so that it cannot pass on empty lists
fields() { # fields FILE EXPR
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); f=d['findings']; print($2)" "$1"
}

compare "$HA" "$SD/bookworm-web.pkgs" bookworm 6.1.0-18-amd64 "$TOK_OP" "A's host"
expect_eq "$(fields "$T/cli.json" '[(x["cve"], x["state"]) for x in f]')" \
	"[('CVE-2022-28615', 'fixed-available')]" "A: its finding"

compare "$HB" "$T/b.pkgs" bullseye 5.10.0-28-amd64 "$TOK_OP" "B's host"
expect_eq "$(fields "$T/cli.json" 'sorted(set(x["state"] for x in f))')" \
	"['fixed-available', 'no-fix', 'undetermined']" "B: findings of every state"
expect_eq "$(fields "$T/cli.json" '[(x["cve"], x["advisory"]) for x in f if x["advisory"]]')" \
	"[('CVE-2021-3156', 'DSA-9102-1')]" "B: an advisory"
expect_eq "$(fields "$T/cli.json" '[(x["cve"], x["reboot_required"]) for x in f if x["kernel"]]')" \
	"[('CVE-2024-1086', True)]" "B: a kernel finding a reboot fixes"
expect_eq "$(fields "$T/cli.json" 'sorted((x["cve"], x["decision"]["status"]) for x in f if x["decision"])')" \
	"[('CVE-2021-3156', 'not_affected'), ('CVE-2023-4911', 'affected')]" "B: the host's and the client's decisions"
# a user of B sees the same findings as the operator
compare "$HB" "$T/b.pkgs" bullseye 5.10.0-28-amd64 "$TOK_B" "B's host for B's user"

# A upgraded: the API follows the last push
mkdoc "$T/a2.json" bookworm-web-upgraded.pkgs "$HA" bookworm --collected-at 2026-11-27T08:58:00Z
push "$TOK_AGENT_A" "$T/a2.json"; expect_code 200 "push A upgraded"
as "$TOK_OP" GET "/api/v1/hosts/$HA/findings"; expect_code 200 "A's findings after the upgrade"
cp "$T/body" "$T/api.json"
status "$SD/bookworm-web-upgraded.pkgs" > "$T/status"
run scan --status "$T/status" --release bookworm --kernel 6.1.0-18-amd64 --host "$HA" --format json --show-decided
printf '%s\n' "$OUT" > "$T/cli.json"
expect_eq "$(fields "$T/api.json" 'len(f)'),$(fields "$T/cli.json" 'len(f)')" "0,0" "A upgraded: no finding either way"
expect_eq "$(python3 -c 'import json,sys; a,c=(json.load(open(p)) for p in sys.argv[1:]); print(a["summary"]==c["summary"])' "$T/api.json" "$T/cli.json")" \
	True "A upgraded: the same summary"
srv_finish
