#!/usr/bin/env bash
# The fleet at more than one page: the fleet page shows the totals of the
# whole scope and 200 hosts per page (?page=N), /api/v1/hosts gives total,
# offset and limit; bad page numbers are 400; a client's user pages through
# its own hosts only, and its totals are its own.
. "$(dirname "$0")/lib.sh"
set -e
srv_setup
# 450 acme hosts and 30 globex hosts (stored through the CLI: the same
# ingest as a push), two of acme's with findings
st=$T/one.status
printf 'Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nSource: zlib\nVersion: 1:1.2.13.dfsg-1\n\n' > "$st"
for i in $(seq -w 1 450); do
	"$VIGIE" hosts add "a$i.acme.example" --status "$st" --release bookworm --client acme >/dev/null ||
		{ ko "hosts add a$i"; break; }
done
for i in $(seq -w 1 30); do
	"$VIGIE" hosts add "g$i.globex.example" --status "$st" --release bookworm --client globex >/dev/null ||
		{ ko "hosts add g$i"; break; }
done
srv_start

rows() { grep -o '<tr><td><a href="/hosts/[^"]*"' "$T/body" | sed 's/.*hosts\/\([^"]*\)"/\1/'; }
as "$TOK_OP" GET /; expect_code 200 "fleet page 1"
expect_eq "$(rows | wc -l)" 200 "page 1: 200 hosts"
expect_eq "$(rows | head -1)" a001.acme.example "page 1 starts with the first name"
grep -Eq 'id="totals">480 (hosts|serveurs)' "$T/body" && ok || ko "totals of the whole fleet: $(grep -o 'id="totals">[^<]*' "$T/body")"
grep -q 'Page 1 / 3' "$T/body" && ok || ko "pager 1 / 3"
grep -q 'href="/?page=2"' "$T/body" && ok || ko "a link to page 2"
as "$TOK_OP" GET "/?page=3"; expect_code 200 "fleet page 3"
expect_eq "$(rows | wc -l)" 80 "page 3: the last 80 hosts"
expect_eq "$(rows | tail -1)" g30.globex.example "page 3 ends with the last name"
grep -q 'href="/?page=2"' "$T/body" && ok || ko "page 3 links back to page 2"
grep -q 'href="/?page=4"' "$T/body" && ko "no page 4" || ok
as "$TOK_OP" GET "/?page=9"; expect_code 200 "past the end"
expect_eq "$(rows | wc -l)" 0 "past the end: no host"
for bad in 0 -1 abc 1e3 99999999999; do
	as "$TOK_OP" GET "/?page=$bad"; expect_code 400 "page=$bad"
done

# the API: every host exactly once across pages
seen=$T/seen
: > "$seen"
for off in 0 200 400; do
	as "$TOK_OP" GET "/api/v1/hosts?offset=$off&limit=200"; expect_code 200 "api offset $off"
	expect_eq "$(jq_ 'd["total"]')" 480 "api total"
	expect_eq "$(jq_ 'd["offset"], d["limit"]')" "$off 200" "api offset and limit"
	jq_ '"\n".join(h["name"] for h in d["hosts"])' >> "$seen"
done
expect_eq "$(sort -u "$seen" | wc -l)" 480 "the pages hold every host once"
expect_eq "$(wc -l < "$seen")" 480 "and no host twice"
as "$TOK_OP" GET /api/v1/hosts; expect_code 200 "api default"
expect_eq "$(jq_ 'len(d["hosts"]), d["limit"]')" "480 1000" "api default limit"
for q in "limit=0" "limit=10001" "offset=-5" "limit=x"; do
	as "$TOK_OP" GET "/api/v1/hosts?$q"; expect_code 400 "api $q"
done

# a client's user: its own hosts, its own totals, on every page
as "$TOK_B" GET /; expect_code 200 "globex's fleet page"
expect_eq "$(rows | wc -l)" 30 "globex sees its 30 hosts"
grep -Eq 'id="totals">30 (hosts|serveurs)' "$T/body" && ok || ko "globex's totals are its own"
grep -q 'acme' "$T/body" && ko "globex's page names acme" || ok
grep -q 'Page 1 /' "$T/body" && ko "one page: no pager" || ok
as "$TOK_B" GET "/api/v1/hosts?offset=0&limit=5"; expect_code 200 "globex api"
expect_eq "$(jq_ 'd["total"], len(d["hosts"])')" "30 5" "globex api: its total, one page"
as "$TOK_A" GET "/?page=3"; expect_code 200 "acme page 3"
expect_eq "$(rows | wc -l)" 50 "acme's page 3: its last 50"
grep -q 'globex' "$T/body" && ko "acme's page names globex" || ok
srv_finish
