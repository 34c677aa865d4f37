#!/usr/bin/env bash
# Scoping, table-driven over `vigie serve --routes`: for EVERY route, its
# '*' replaced by an object of client globex (B), a user of client acme (A)
# gets 403/404 or a body without any of B's host names, through a bearer
# token and through a session cookie; the operator sees B's objects; no
# credentials, a wrong token or a revoked one give 401. A route of the
# table without a rule below fails the test (a new route must say how it
# is scoped).
. "$(dirname "$0")/lib.sh"
set -e
srv_setup
TOK_REV=$(mktoken --user alice)
rev_id=$("$VIGIE" tokens list | awk '$2 == "user" && $3 == "alice" { id = $1 } END { print id }')
"$VIGIE" tokens revoke "$rev_id" >/dev/null
"$VIGIE" db import --dsa-list "$SD/DSA-list" >/dev/null
srv_start
mkdoc "$T/a.json" bookworm-web.pkgs "$HA" bookworm
# B's host, then its sudo upgrade: B has open findings, a resolved one, a
# timeline and SLA items to leak
mkdoc "$T/b0.json" bullseye-db.pkgs "$HB" bullseye --collected-at 2026-11-09T08:00:00Z
mkdoc "$T/b.json" bullseye-db-upgraded.pkgs "$HB" bullseye --dpkg-log "$SD/bullseye-db.dpkg.log"
push "$TOK_AGENT_A" "$T/a.json"; expect_code 200 "push A"
push "$TOK_AGENT_B" "$T/b0.json"; expect_code 200 "push B"
push "$TOK_AGENT_B" "$T/b.json"; expect_code 200 "push B upgraded"
login alice "$PW_A"; SESS_A=$SESSION; CSRF_A=$CSRF
[ -n "$SESS_A" ] && [ -n "$CSRF_A" ] && ok || ko "alice logs in"
login ops "$PW_OP"; SESS_OP=$SESSION
[ -n "$SESS_OP" ] && ok || ko "the operator logs in"

# B's objects: a host, a CVE open only on B's host (glibc, bullseye only
# in the data), one its upgrade fixed (sudo), the client, a month.
CVE_B=CVE-2023-4911
CVE_FIX_B=CVE-2021-3156
python3 - "$TESTDATA/scan/tracker.json" <<'PY' && ok || ko "fixture: B's CVEs are bullseye-only"
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d["glibc"]["CVE-2023-4911"]["releases"]) == ["bullseye"]
assert list(d["sudo"]["CVE-2021-3156"]["releases"]) == ["bullseye"]
PY
if grep -q '^sudo ' "$SD/bookworm-web.pkgs"; then ko "fixture: sudo on A's host"; fi
# written decisions: globex's (its reasons name globex, so no_b catches a
# leak on any route), one for every host of acme, one on A's CVE for globex
"$VIGIE" decide "$CVE_B" --client globex --status affected --reason "globex-glibc-accepted" --by bob >/dev/null
"$VIGIE" decide CVE-2022-28615 --client globex --status not_affected --reason "globex apache" --by bob >/dev/null
"$VIGIE" decide CVE-2022-28615 --client acme --status affected --reason "acme apache decided" --by alice >/dev/null

# Rules: "METHOD PATTERN" -> "SUBST QUERY A_CODES OP_MUST"
#   SUBST  what replaces '*': host, cve, client, - (no '*'); client-report:
#          B's report of a month (/clients/globex/reports/2026-11.json)
#   QUERY  query string appended (- for none)
#   A_CODES the codes A may get (regex); with 200 the body must not name B
#   OP_MUST words the operator's 200 body must contain (comma-separated), -
# Public and agent routes have their own kinds: public, agent.
declare -A RULE=(
	["GET /healthz"]="public"
	["GET /login"]="public"
	["POST /login"]="public"
	["POST /api/v1/push"]="agent"
	["POST /logout"]="- - 303 -"
	["POST /lang"]="- - 303 -"
	["GET /api/v1/hosts"]="- - 200 $HA,$HB"
	["GET /api/v1/hosts/*"]="host - 404 $HB,globex-glibc-accepted"
	["GET /api/v1/hosts/*/findings"]="host - 404 $CVE_B,globex-glibc-accepted"
	["GET /api/v1/hosts/*/history"]="host - 404 $CVE_B,$CVE_FIX_B"
	["GET /api/v1/hosts/*/timeline"]="host - 404 $HB,$CVE_FIX_B"
	["GET /api/v1/cves/*"]="cve - 200|404 $HB"
	["GET /api/v1/clients"]="- - 200 acme,globex"
	["GET /api/v1/clients/*/sla"]="client month=2026-11 403|404 globex,$HB"
	["GET /metrics"]="- - 403 -"
	["GET /"]="- - 200 $HA,$HB"
	["GET /hosts/*"]="host - 404 $HB,globex-glibc-accepted"
	["GET /hosts/*/timeline"]="host - 404 $HB,$CVE_FIX_B"
	["GET /hosts/*/history"]="host year=2026 404 $HB"
	["GET /cves/*"]="cve - 200|404 $HB"
	["GET /clients/*/sla"]="client month=2026-11 403|404 globex"
	["GET /clients/*/reports/*"]="client-report - 403|404 globex,$HB"
)

# A's body must name none of B's hosts, nor B itself.
no_b() { # no_b WHAT
	if grep -qiE "$HB|globex" "$T/body"; then ko "$1: A's body names B: $(grep -oiE ".{0,40}($HB|globex).{0,20}" "$T/body" | head -2)"; else ok; fi
}
must_have() { # must_have WORDS WHAT
	local w
	IFS=, read -ra ws <<< "$1"
	for w in "${ws[@]}"; do
		if grep -qF -- "$w" "$T/body"; then ok; else ko "$2: the operator's body lacks '$w'"; fi
	done
}

nroutes=0
while read -r method pattern role; do
	nroutes=$((nroutes + 1))
	key="$method $pattern"
	rule=${RULE[$key]:-}
	if [ -z "$rule" ]; then
		ko "route $key ($role) has no rule in test_scope.sh"
		continue
	fi
	read -r subst query acodes opmust <<< "$rule"
	case $subst in
	public)
		[ "$role" = public ] && ok || ko "$key: rule says public, table says $role"
		[ "$method" = GET ] || continue
		req GET "$pattern"; expect_code 200 "$key without credentials"
		continue ;;
	agent)
		[ "$role" = agent ] && ok || ko "$key: rule says agent, table says $role"
		req "$method" "$pattern" --data-binary "@$T/b.json"; expect_code 401 "$key without token"
		as "$TOK_A" "$method" "$pattern" --data-binary "@$T/b.json"; expect_code 403 "$key with A's user token"
		as "$TOK_OP" "$method" "$pattern" --data-binary "@$T/b.json"; expect_code 403 "$key with the operator's token"
		# A's agent pushing B's host
		as "$TOK_AGENT_A" "$method" "$pattern" --data-binary "@$T/b.json"; expect_code 403 "$key: A's agent, B's host"
		continue ;;
	esac
	case $subst in
	host) v=$HB ;;
	cve) v=$CVE_B ;;
	client) v=globex ;;
	client-report) v=globex ;; # then the month's JSON report, below
	-) v= ;;
	*) ko "$key: bad rule $rule"; continue ;;
	esac
	path=${pattern//\*/$v}
	[ "$subst" = client-report ] && path=/clients/globex/reports/2026-11.json
	[ "$query" = - ] || path="$path?$query"
	data=()
	[ "$method" = GET ] || data=(--data "lang=en")

	# no credentials, a wrong token, a revoked one, a wrong session
	req "$method" "$path" "${data[@]}"; expect_code 401 "$key without credentials"
	as "vg_wrongtoken0000000000000000000000000000000" "$method" "$path" "${data[@]}"
	expect_code 401 "$key with a wrong token"
	as "$TOK_REV" "$method" "$path" "${data[@]}"; expect_code 401 "$key with a revoked token"
	ascookie "vg_nosuchsession" "$method" "$path" "${data[@]}"; expect_code 401 "$key with a wrong session"
	# an agent's token is not a user's
	as "$TOK_AGENT_A" "$method" "$path" "${data[@]}"; expect_code 403 "$key with an agent token"

	# A, bearer token
	as "$TOK_A" "$method" "$path" "${data[@]}"
	if [[ $CODE =~ ^($acodes)$ ]]; then ok; else ko "$key as A (token) on $path: HTTP $CODE, expected $acodes"; fi
	no_b "$key as A (token)"
	# A, session cookie (POSTs carry the CSRF token; log out last)
	if [ "$pattern" = /logout ]; then
		login alice "$PW_A"
		ascookie "$SESSION" POST "$path" --data "csrf=$CSRF"
	elif [ "$method" = GET ]; then
		ascookie "$SESS_A" GET "$path"
	else
		ascookie "$SESS_A" "$method" "$path" --data "csrf=$CSRF_A&lang=fr"
	fi
	if [[ $CODE =~ ^($acodes)$ ]]; then ok; else ko "$key as A (session) on $path: HTTP $CODE, expected $acodes"; fi
	no_b "$key as A (session)"

	# the operator
	as "$TOK_OP" "$method" "$path" "${data[@]}"
	if [ "$role" = operator ] || [[ 200 =~ ^($acodes)$ ]] || [ "$method" != GET ]; then
		[[ $CODE =~ ^(200|303)$ ]] && ok || ko "$key as the operator: HTTP $CODE"
	else
		expect_code 200 "$key as the operator on $path"
	fi
	[ "$opmust" = - ] || must_have "$opmust" "$key on $path"
	if [ "$method" = GET ]; then
		ascookie "$SESS_OP" GET "$path"
		expect_code 200 "$key as the operator (session)"
		[ "$opmust" = - ] || must_have "$opmust" "$key on $path (session)"
	fi
done < <("$VIGIE" serve --routes)
[ "$nroutes" -ge 16 ] && ok || ko "the route table has $nroutes routes"

# A sees its own host.
as "$TOK_A" GET "/api/v1/hosts/$HA"; expect_code 200 "A sees its own host"
as "$TOK_A" GET /api/v1/hosts
expect_eq "$(jq_ '" ".join(h["name"] for h in d["hosts"])')" "$HA" "A's host list is A's host"
as "$TOK_B" GET /api/v1/hosts
expect_eq "$(jq_ '" ".join(h["name"] for h in d["hosts"])')" "$HB" "B's host list is B's host"
as "$TOK_B" GET "/hosts/$HA"; expect_code 404 "B does not see A's host page"

# decisions: A's host gets acme's, never globex's, even with acme's revoked
as "$TOK_A" GET "/api/v1/hosts/$HA/findings"
expect_eq "$(jq_ '[(f["cve"], f["decision"]["reason"]) for f in d["findings"] if f["decision"]]')" \
	"[('CVE-2022-28615', 'acme apache decided')]" "A's finding carries acme's decision"
as "$TOK_A" GET "/hosts/$HA"
grep -q "acme apache decided" "$T/body" && ok || ko "A's host page shows acme's decision"
acme_id=$("$VIGIE" decisions --format json | python3 -c 'import json,sys; print([d["id"] for d in json.load(sys.stdin)["decisions"] if d["client"] == "acme"][0])')
"$VIGIE" decisions revoke "$acme_id" >/dev/null
for p in "/api/v1/hosts/$HA/findings" "/api/v1/hosts/$HA" "/hosts/$HA"; do
	as "$TOK_A" GET "$p"; expect_code 200 "A: $p"
	no_b "A's $p once acme's decision is revoked"
done
as "$TOK_A" GET "/api/v1/hosts/$HA/findings"
expect_eq "$(jq_ '[f["cve"] for f in d["findings"] if f["decision"]]')" "[]" "no decision left for A's host"

# A CVE that only B's history has (not in Debian's data): A's answer is
# the one of a CVE nobody has, 404, for the API and the page alike; the
# operator and B see B's host.
hb_id=$(db_val "SELECT id FROM hosts WHERE name = '$HB'")
ins="INSERT INTO finding_history(host_id, cve, source, first_seen, last_seen, installed_version, class, state) VALUES($hb_id, 'CVE-2099-0002', 'glibc', 1, 1, '2.31-13', 'standard', 'open')"
if [ "${VIGIE_TEST_DRIVER:-sqlite}" = pg ]; then
	psql -X -q -v ON_ERROR_STOP=1 "$VIGIE_DB" -c "$ins" >/dev/null
else
	python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()' "$VIGIE_DB" "$ins"
fi
for base in /api/v1/cves /cves; do
	as "$TOK_A" GET "$base/CVE-2099-0002"; expect_code 404 "A: $base of B's CVE outside Debian's data"
	sed 's/CVE-2099-0002/CVE-X/g' "$T/body" > "$T/a_b.body"
	no_b "A: $base of B's CVE"
	as "$TOK_A" GET "$base/CVE-2099-0003"; expect_code 404 "A: $base of a CVE nobody has"
	sed 's/CVE-2099-0003/CVE-X/g' "$T/body" > "$T/a_none.body"
	cmp -s "$T/a_b.body" "$T/a_none.body" && ok || ko "A's answers for B's CVE and for none differ ($base)"
	grep -qiE "unknown|inconnue" "$T/body" && ok || ko "the 404 says the CVE is unknown ($base)"
	as "$TOK_OP" GET "$base/CVE-2099-0002"; expect_code 200 "the operator: $base of B's CVE"
	must_have "$HB" "the operator's $base of B's CVE"
	as "$TOK_B" GET "$base/CVE-2099-0002"; expect_code 200 "B: $base of its CVE"
done
srv_finish
