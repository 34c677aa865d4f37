#!/usr/bin/env bash
# The fleet views the server keeps (the fleet page and /api/v1/hosts under
# the store's view generation): a second request is served from the kept
# rendering, and every kind of write is seen at the next request: a push, a
# host stored by another process (the CLI), a host removed, a summary
# changed by SQL behind vigie's back. Kept views never cross scopes or
# languages, and the per-user header (user name, CSRF token) is never kept.
. "$(dirname "$0")/lib.sh"
set -e
srv_setup
srv_start
rows() { grep -o '<tr><td><a href="/hosts/[^"]*"' "$T/body" | sed 's/.*hosts\/\([^"]*\)"/\1/' | tr '\n' ' '; }
api_names() { jq_ '" ".join(h["name"] for h in d["hosts"])'; }
hits() { as "$TOK_OP" GET /metrics; sed -n 's/^vigie_view_cache_requests_total{result="hit"} //p' "$T/body"; }

mkdoc "$T/a.json" bookworm-web.pkgs "$HA" bookworm
push "$TOK_AGENT_A" "$T/a.json"; expect_code 200 "A's push"
as "$TOK_OP" GET /; expect_code 200 "fleet page"
expect_eq "$(rows)" "$HA " "the operator sees A"
first=$(grep -o 'id="totals">[^<]*' "$T/body")
h0=$(hits)
as "$TOK_OP" GET /; expect_code 200 "fleet page again"
expect_eq "$(grep -o 'id="totals">[^<]*' "$T/body")" "$first" "the same totals"
expect_eq "$(hits)" "$((h0 + 1))" "the second page came from the kept rendering"

# a push of another host (names are listed in order)
mkdoc "$T/b.json" bullseye-db.pkgs "$HB" bullseye
push "$TOK_AGENT_B" "$T/b.json"; expect_code 200 "B's push"
as "$TOK_OP" GET /
expect_eq "$(rows)" "$HB $HA " "after a push: the new host shown"
as "$TOK_OP" GET /api/v1/hosts
expect_eq "$(api_names)" "$HB $HA" "the API too"
as "$TOK_OP" GET /api/v1/hosts
expect_eq "$(api_names)" "$HB $HA" "the API, kept"

# a host stored by another process
st=$T/one.status
printf 'Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nSource: zlib\nVersion: 1:1.2.13.dfsg-1\n\n' > "$st"
"$VIGIE" hosts add cli.acme.example --status "$st" --release bookworm --client acme >/dev/null
as "$TOK_OP" GET /
expect_eq "$(rows)" "cli.acme.example $HB $HA " "a host added by the CLI: shown at once"
as "$TOK_OP" GET /api/v1/hosts
expect_eq "$(api_names)" "cli.acme.example $HB $HA" "and in the API"

# a summary changed behind vigie's back
hid=$(db_val "SELECT id FROM hosts WHERE name = '$HA'")
db_sql "UPDATE host_summary SET open_highly = 4242 WHERE host_id = $hid"
as "$TOK_OP" GET /
grep -q '<td class="n hc">4242</td>' "$T/body" && ok || ko "a summary written by SQL: shown at once"
as "$TOK_OP" GET "/api/v1/hosts/$HA"; expect_code 200 "A's API object"
expect_eq "$(jq_ 'd["summary"]["open"]["highly-critical"]')" 4242 "the host object agrees"
as "$TOK_OP" GET /api/v1/hosts
expect_eq "$(jq_ '[h for h in d["hosts"] if h["name"] == "'"$HA"'"][0]["summary"]["open"]["highly-critical"]')" \
	4242 "the kept host list was not served"

# a host removed
"$VIGIE" hosts remove cli.acme.example >/dev/null
as "$TOK_OP" GET /
expect_eq "$(rows)" "$HB $HA " "a host removed: gone at once"

# scopes and languages never share a kept view; the header is per user
as "$TOK_B" GET /; expect_code 200 "globex's page"
expect_eq "$(rows)" "$HB " "globex sees its own host only, after the operator's page was kept"
as "$TOK_B" GET /api/v1/hosts
expect_eq "$(api_names)" "$HB" "and its own host list"
as "$TOK_A" GET /
expect_eq "$(rows)" "$HA " "acme sees its own host only"
as "$TOK_OP" GET / -H 'Accept-Language: fr'
grep -q 'La flotte' "$T/body" && ok || ko "French title"
grep -Eq 'id="totals">[0-9]+ serveurs' "$T/body" && ok || ko "French totals, not the kept English ones"
as "$TOK_OP" GET / -H 'Accept-Language: en'
grep -Eq 'id="totals">[0-9]+ hosts' "$T/body" && ok || ko "English again"
login ops "$PW_OP"
s1=$CSRF
ascookie "$SESSION" GET /; expect_code 200 "the operator's page by session"
grep -q "value=\"$s1\"" "$T/body" && ok || ko "the page carries this session's CSRF token"
login alice "$PW_A"
ascookie "$SESSION" GET /; expect_code 200 "alice's page by session"
grep -q "value=\"$s1\"" "$T/body" && ko "another session's CSRF token served" || ok
grep -q "value=\"$CSRF\"" "$T/body" && ok || ko "alice's page carries her CSRF token"
srv_finish
