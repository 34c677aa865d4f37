#!/usr/bin/env bash
# Authentication: the login form and its session cookie (HttpOnly,
# SameSite=Strict), CSRF on every POST made with a session, logout ends the
# session; neither a token nor a password reaches the server's log, the
# database holds neither in clear, an API answer does not show where the
# database is.
. "$(dirname "$0")/lib.sh"
set -e
srv_setup
srv_start
mkdoc "$T/a.json" bookworm-web.pkgs "$HA" bookworm
push "$TOK_AGENT_A" "$T/a.json"; expect_code 200 "push"

req GET /login; expect_code 200 "login form"
grep -q '<form method="post" action="/login">' "$T/body" && ok || ko "the form posts to /login"
grep -q 'name="password" type="password"' "$T/body" && ok || ko "a password field"

# wrong password, unknown user: back to the form, no session
login alice "not-the-password"; expect_code 303 "wrong password"
expect_eq "$SESSION" "" "no session for a wrong password"
grep -qi '^location: /login?failed=1' "$T/login.headers" && ok || ko "wrong password goes back to the form"
login mallory "$PW_A"; expect_code 303 "unknown user"; expect_eq "$SESSION" "" "no session for an unknown user"
# the right one
login alice "$PW_A"; expect_code 303 "login"
[ -n "$SESSION" ] && ok || ko "a session cookie"
SC=$(grep -i '^set-cookie: vigie_session=' "$T/login.headers" | tr -d '\r')
case $SC in *"; HttpOnly"*) ok ;; *) ko "cookie not HttpOnly: $SC" ;; esac
case $SC in *"; SameSite=Strict"*) ok ;; *) ko "cookie not SameSite=Strict: $SC" ;; esac
case $SC in *"; Path=/"*) ok ;; *) ko "cookie without Path=/: $SC" ;; esac
grep -qi '^location: /$' <(tr -d '\r' < "$T/login.headers") && ok || ko "login goes to the fleet page"
[ ${#CSRF} -ge 32 ] && ok || ko "the page carries a CSRF token: '$CSRF'"
S1=$SESSION C1=$CSRF
ascookie "$S1" GET /; expect_code 200 "the session opens the fleet page"
grep -q "$HA" "$T/body" && ok || ko "alice's host on the fleet page"
grep -q 'alice' "$T/body" && ok || ko "the page names the user"

# CSRF: a POST with the session and without, or with a wrong, CSRF token
ascookie "$S1" POST /lang --data "lang=en"; expect_code 403 "POST /lang without CSRF token"
grep -q 'CSRF' "$T/body" && ok || ko "the refusal names CSRF"
ascookie "$S1" POST /lang --data "lang=en&csrf=0000$C1"; expect_code 403 "POST /lang with a wrong CSRF token"
# the last digit changed (to 0, or to 1 when it is 0)
case $C1 in *0) off=${C1%?}1 ;; *) off=${C1%?}0 ;; esac
ascookie "$S1" POST /lang --data "lang=en&csrf=$off"; expect_code 403 "POST /lang with a CSRF token one digit off"
ascookie "$S1" POST /logout --data ""; expect_code 403 "POST /logout without CSRF token"
ascookie "$S1" GET /; expect_code 200 "a refused logout leaves the session"
# another user's CSRF token does not do
login bob "$PW_B"; S2=$SESSION C2=$CSRF
ascookie "$S1" POST /lang --data "lang=en&csrf=$C2"; expect_code 403 "POST with another session's CSRF token"
ascookie "$S1" POST /lang --data "lang=en&csrf=$C1"; expect_code 303 "POST /lang with the CSRF token"
ascookie "$S1" GET /; grep -q '<html lang="en">' "$T/body" && ok || ko "the page is now in English"

# logout ends the session (server side: the old cookie is refused)
ascookie "$S1" POST /logout --data "csrf=$C1"; expect_code 303 "logout"
grep -qi '^set-cookie: vigie_session=;.*Max-Age=0' "$T/headers" && ok || ko "logout clears the cookie"
ascookie "$S1" GET /; expect_code 401 "the session is gone after logout"
ascookie "$S1" GET /api/v1/hosts; expect_code 401 "for the API too"
ascookie "$S2" GET /; expect_code 200 "another user's session lives on"

# an API answer does not show the database's location
as "$TOK_A" GET "/api/v1/hosts/$HA/findings"; expect_code 200 "findings"
db_leak=${VIGIE_DB#*://}
if grep -qF -- "$db_leak" "$T/body" || grep -qF "$TESTDATA" "$T/body"; then
	ko "the findings document shows the database's location or data paths"
else ok; fi

# Neither tokens nor passwords in the log.
srv_stop
for s in "$TOK_AGENT_A" "$TOK_AGENT_B" "$TOK_OP" "$TOK_A" "$TOK_B" "$S1" "$S2" "$C1" "$PW_A" "$PW_B" "$PW_OP"; do
	if grep -qF -- "$s" "$SRV_LOG"; then ko "the log holds a secret: ${s:0:6}..."; else ok; fi
done
grep -q 'POST /login 303' "$SRV_LOG" && ok || ko "the log has the requests"
# Neither in clear in the database.
if [ "${VIGIE_TEST_DRIVER:-sqlite}" = pg ]; then
	pg_dump --data-only "$VIGIE_DB" > "$T/dump"
else
	cat "$VIGIE_DB"* > "$T/dump"
fi
[ -s "$T/dump" ] && ok || ko "database dump"
for s in "$PW_A" "$PW_B" "$PW_OP" "$TOK_A" "$TOK_OP" "$TOK_AGENT_A" "$S1" "$S2"; do
	if grep -aqF -- "$s" "$T/dump"; then ko "the database holds a secret in clear: ${s:0:6}..."; else ok; fi
done
grep -aq 'argon2id' "$T/dump" && ok || ko "passwords are stored as argon2id hashes"
srv_finish
