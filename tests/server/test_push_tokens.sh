#!/usr/bin/env bash
# POST /api/v1/push and the agent's token: a revoked token (revoked before
# the server started, or while it runs), a random one, a malformed one, the
# token of a removed client, and no token at all give 401 and store
# nothing; the host's own token stores its document. (A's token pushing a
# document that names B's host is refused with 403: test_push.sh and
# test_scope.sh.) Also: a removed user's API token gives 401.
. "$(dirname "$0")/lib.sh"
set -e
srv_setup
# a second agent token of A's host, revoked
TOK_REV=$(mktoken --host "$HA" --client acme)
rev_id=$("$VIGIE" tokens list | awk -v h="$HA" '$2 == "agent" && $3 == h { id = $1 } END { print id }')
run tokens revoke "$rev_id"; expect_rc 0 "revoke a token of A's host"
# a client enrolled a host, then was removed (it had no host yet): its
# agent token went with it
"$VIGIE" clients add initech >/dev/null
HC=new.initech.example
TOK_GONE=$(mktoken --host "$HC" --client initech)
[ -n "$TOK_GONE" ] && ok || ko "initech's agent token"
run clients remove initech; expect_rc 0 "remove initech"
# a user of A with an API token, then removed
"$VIGIE" users add carol --client acme >/dev/null
TOK_CAROL=$(mktoken --user carol)
[ -n "$TOK_CAROL" ] && ok || ko "carol's token"
srv_start
mkdoc "$T/a.json" bookworm-web.pkgs "$HA" bookworm
mkdoc "$T/a2.json" bookworm-web-upgraded.pkgs "$HA" bookworm --collected-at 2026-11-27T08:58:00Z
mkdoc "$T/c.json" bookworm-web.pkgs "$HC" bookworm
# carol's token works while she exists
as "$TOK_CAROL" GET /api/v1/hosts; expect_code 200 "carol's token before her removal"
run users remove carol; expect_rc 0 "remove carol"
as "$TOK_CAROL" GET /api/v1/hosts; expect_code 401 "a removed user's token"

# State of the store a refused push must leave as it was.
snapshot() {
	{
		db_val "SELECT COUNT(*) FROM hosts"
		db_val "SELECT COUNT(*) FROM host_packages"
		db_val "SELECT COUNT(*) FROM pushes"
		db_val "SELECT COUNT(*) FROM events"
		db_val "SELECT COUNT(*) FROM finding_history"
		db_val "SELECT COUNT(*) FROM host_summary"
		db_val "SELECT coalesce(max(version), '-') FROM host_packages WHERE package = 'apache2'"
	} | tr '\n' ' '
}
BEFORE=$(snapshot)
unchanged() { # unchanged WHAT
	local now
	now=$(snapshot)
	if [ "$now" = "$BEFORE" ]; then ok; else ko "$1 changed the store: $BEFORE -> $now"; fi
}
refused() { # refused TOKEN FILE WHAT: a push answered 401, nothing stored
	push "$1" "$2"; expect_code 401 "$3"
	unchanged "$3"
}
expect_eq "$BEFORE" "0 0 0 0 0 0 - " "fixture: nothing stored yet"

refused "$TOK_REV" "$T/a.json" "a revoked agent token"
grep -q 'invalid or revoked credentials' "$T/body" && ok || ko "the 401 says why: $BODY"
grep -qi '^WWW-Authenticate: Bearer' "$T/headers" && ok || ko "the 401 asks for a bearer token"
# well-formed, but no such token
rnd=vg_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
refused "$rnd" "$T/a.json" "a random agent token"
refused "${TOK_AGENT_A}x" "$T/a.json" "A's token with a byte more"
refused "${TOK_AGENT_A%?}" "$T/a.json" "A's token with a byte less"
refused "$TOK_GONE" "$T/c.json" "the agent token of a removed client"
expect_eq "$(db_val "SELECT COUNT(*) FROM hosts WHERE name = '$HC'")" 0 "its host not created"
# not a bearer token at all
req POST /api/v1/push -H "Authorization: Basic $(printf 'ops:x' | base64)" --data-binary "@$T/a.json"
expect_code 401 "basic credentials"
req POST /api/v1/push -H "Authorization: Bearer " --data-binary "@$T/a.json"
expect_code 401 "an empty bearer token"
req POST /api/v1/push -H "Authorization: Bearer $(head -c 200 /dev/zero | tr '\0' a)" --data-binary "@$T/a.json"
expect_code 401 "an overlong token"
req POST /api/v1/push --data-binary "@$T/a.json"; expect_code 401 "no token"
unchanged "pushes without a bearer token"

# the host's own token: stored, for its client
push "$TOK_AGENT_A" "$T/a.json"; expect_code 200 "A's token, A's host"
expect_eq "$(jq_ 'd["stored"], d["host"]')" "True $HA" "stored"
expect_eq "$(db_val "SELECT client FROM hosts WHERE name = '$HA'")" acme "A's host is acme's"
# once the host exists, the revoked token still stores nothing
BEFORE=$(snapshot)
refused "$TOK_REV" "$T/a2.json" "a revoked token, the host stored"
# revoked while the server runs: refused from the next request on
a_id=$("$VIGIE" tokens list | awk -v h="$HA" '$2 == "agent" && $3 == h && !/revoked/ { print $1 }')
run tokens revoke "$a_id"; expect_rc 0 "revoke A's agent token"
refused "$TOK_AGENT_A" "$T/a2.json" "a token revoked while the server runs"
expect_eq "$(db_val "SELECT version FROM host_packages p JOIN hosts h ON h.id = p.host_id WHERE h.name = '$HA' AND p.package = 'apache2'")" \
	2.4.53-3 "A's host keeps the inventory pushed before"
# B's token still works: the refusals touched nothing of B
mkdoc "$T/b.json" bullseye-db.pkgs "$HB" bullseye
push "$TOK_AGENT_B" "$T/b.json"; expect_code 200 "B's own token"
expect_eq "$(db_val "SELECT client FROM hosts WHERE name = '$HB'")" globex "B's host is globex's"
# tokens list tells when a token was last used: B's agent token was, B's
# user token never was
"$VIGIE" tokens list > "$T/tokens"
grep -E "^[0-9]+ +agent +$HB " "$T/tokens" | grep -q ' used 20' && ok || ko "B's agent token: last used: $(grep " $HB " "$T/tokens")"
grep -E '^[0-9]+ +user +bob ' "$T/tokens" | grep -q ' used ' && ko "bob's unused token shows a use" || ok
srv_finish
