#!/usr/bin/env bash
# The host's pending updates, as its last inventory told them (apt's
# candidates): listed on /hosts/NAME and in /api/v1/hosts/NAME with the
# version installed, security ones first; the summary counts the security
# ones; a later inventory without them empties the list; another client's
# user sees none of them.
. "$(dirname "$0")/lib.sh"
set -e
srv_setup
srv_start
mkdoc "$T/a1.json" bookworm-web.pkgs "$HA" bookworm \
	--candidate "apache2:amd64:2.4.62-1~deb12u2:stable-security:1" \
	--candidate "adduser:all:3.134+nmu1:stable:0" \
	--candidate "apache2-bin:amd64:2.4.62-1~deb12u2:stable-security:1"
push "$TOK_AGENT_A" "$T/a1.json"; expect_code 200 "push with candidates"

as "$TOK_A" GET "/api/v1/hosts/$HA"; expect_code 200 "A's host"
expect_eq "$(jq_ '[(u["package"], u["installed"], u["candidate"], u["security"]) for u in d["pending_updates"]]')" \
	"[('apache2', '2.4.53-3', '2.4.62-1~deb12u2', True), ('apache2-bin', '2.4.53-3', '2.4.62-1~deb12u2', True), ('adduser', '3.134', '3.134+nmu1', False)]" \
	"the pending updates, security first, with the versions installed"
expect_eq "$(jq_ 'd["summary"]["pending_security_updates"]')" 2 "the summary counts the security ones"
expect_eq "$(jq_ 'd["pending_updates"][0]["suite"], d["pending_updates"][0]["arch"]')" "stable-security amd64" "suite and arch"

as "$TOK_A" GET "/hosts/$HA"; expect_code 200 "A's host page"
python3 - "$T/body" > "$T/rows" <<'PY'
import re, sys, html
t = open(sys.argv[1]).read()
m = re.search(r'<table id="pending">.*?<tbody>(.*?)</tbody>', t, re.S)
for row in re.findall(r"<tr>(.*?)</tr>", m.group(1) if m else "", re.S):
    print(" ".join(html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)))
PY
expect_eq "$(cat "$T/rows")" "apache2 amd64 2.4.53-3 2.4.62-1~deb12u2 stable-security oui
apache2-bin amd64 2.4.53-3 2.4.62-1~deb12u2 stable-security oui
adduser all 3.134 3.134+nmu1 stable non" "the page's table of pending updates"

as "$TOK_B" GET "/api/v1/hosts/$HA"; expect_code 404 "B: A's host"
grep -q "2.4.62-1~deb12u2" "$T/body" && ko "B's answer shows A's candidates" || ok

# the next inventory has no candidate left: the list is empty, said so
mkdoc "$T/a2.json" bookworm-web.pkgs "$HA" bookworm --collected-at 2026-11-28T08:55:00Z --candidate "x:amd64:1:stable:0"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["candidates"]=[]; json.dump(d, open(sys.argv[1], "w"))' "$T/a2.json"
push "$TOK_AGENT_A" "$T/a2.json"; expect_code 200 "push without candidates left"
as "$TOK_A" GET "/api/v1/hosts/$HA"
expect_eq "$(jq_ 'd["pending_updates"], d["summary"]["pending_security_updates"]')" "[] 0" "none pending now"
as "$TOK_A" GET "/hosts/$HA"
grep -q 'id="pending"' "$T/body" && ko "an empty table of pending updates" || ok
grep -q "Aucune selon le dernier inventaire" "$T/body" && ok || ko "the page says none are pending"
srv_finish
