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

# the form's CSRF token: in the form and in a cookie of its own; a POST
# without both alike is refused (login CSRF), and makes no session
grep -q 'name="csrf" value="[0-9a-f]\{64\}"' "$T/body" && ok || ko "the login form carries a CSRF token"
LC=$(sed -n 's/^[Ss]et-[Cc]ookie: vigie_login=\([0-9a-f]*\);.*/\1/p' "$T/headers" | tr -d '\r')
grep -i '^set-cookie: vigie_login=' "$T/headers" | grep -qi 'HttpOnly; SameSite=Strict' && ok ||
	ko "the login form's cookie is HttpOnly and SameSite=Strict"
printf '%s' "$PW_A" > "$T/pwa"
req POST /login --data-urlencode "name=alice" --data-urlencode "password@$T/pwa"
expect_code 403 "a login POST without the form's token"
grep -qi '^set-cookie: vigie_session=' "$T/headers" && ko "a session without the form's token" || ok
req POST /login -b "vigie_login=$LC" --data-urlencode "csrf=$(printf '%064d' 0)" \
	--data-urlencode "name=alice" --data-urlencode "password@$T/pwa"
expect_code 403 "a login POST whose token differs from its cookie"
req POST /login --data-urlencode "csrf=$LC" --data-urlencode "name=alice" --data-urlencode "password@$T/pwa"
expect_code 403 "a login POST with the token but not the cookie"

# the language: a switch on the login form; Accept-Language's weights
req GET "/login?lang=en"; grep -q '<html lang="en">' "$T/body" && ok || ko "/login?lang=en is in English"
grep -qi '^set-cookie: vigie_lang=en' "$T/headers" && ok || ko "and remembers it"
grep -q 'href="/login?lang=fr"' "$T/body" && ok || ko "with a switch back to French"
req GET /login -H 'Accept-Language: fr;q=0.1, en;q=0.9'; grep -q '<html lang="en">' "$T/body" && ok ||
	ko "Accept-Language fr;q=0.1, en;q=0.9 gives English"
req GET /login -H 'Accept-Language: en-GB;q=0.5, fr-CA'; grep -q '<html lang="fr">' "$T/body" && ok ||
	ko "Accept-Language en-GB;q=0.5, fr-CA gives French"
req GET /login -H 'Accept-Language: de, en;q=0'; grep -q '<html lang="fr">' "$T/body" && ok ||
	ko "Accept-Language with en;q=0 does not give English"

# a page asked for without a session: 401 with a link to the form, which
# comes back to the page once logged in; a next leaving the site is not
# followed
req GET "/hosts/$HA/timeline"; expect_code 401 "a page without a session"
grep -q "href=\"/login?next=/hosts/$HA/timeline\"" "$T/body" && ok || ko "the 401 page links to the form with next: $(grep -o 'href="[^"]*"' "$T/body")"
LOGIN_NEXT=/hosts/$HA/timeline login alice "$PW_A"; expect_code 303 "login with next"
grep -qi "^location: /hosts/$HA/timeline" "$T/login.headers" && ok || ko "login goes back to the page asked for"
LOGIN_NEXT=/hosts/$HA/timeline login alice "wrong"; expect_code 303 "a failed login with next"
grep -qi "^location: /login?failed=1&next=/hosts/$HA/timeline" "$T/login.headers" && ok || ko "a failed login keeps next"
for bad in //evil.example/x 'https://evil.example/' '/\evil.example'; do
	LOGIN_NEXT=$bad login alice "$PW_A"
	tr -d '\r' < "$T/login.headers" | grep -qi '^location: /$' && ok || ko "next $bad is not followed: $(grep -i '^location' "$T/login.headers")"
done

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
# the language is the user's, kept: a new session (no language cookie, a
# browser asking for French) opens in English; and the API token's pages too
login alice "$PW_A"; S3=$SESSION
req GET / -b "vigie_session=$S3" -H 'Accept-Language: fr'
grep -q '<html lang="en">' "$T/body" && ok || ko "alice's next session is in her language, English"
as "$TOK_A" GET / -H 'Accept-Language: fr'
grep -q '<html lang="en">' "$T/body" && ok || ko "alice's token opens her pages in English"
as "$TOK_B" GET / -H 'Accept-Language: fr'
grep -q '<html lang="fr">' "$T/body" && ok || ko "bob, with no choice kept, gets his browser's French"

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

# under TLS, every cookie the server sets is Secure
if command -v openssl >/dev/null 2>&1 &&
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 -keyout "$T/tls.key" -out "$T/tls.crt" >/dev/null 2>&1; then
	PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	URL=https://127.0.0.1:$PORT
	SRV_LOG=$T/serve-tls.log
	"$VIGIE" serve --listen "127.0.0.1:$PORT" --threads 2 --tls-cert "$T/tls.crt" --tls-key "$T/tls.key" 2>"$SRV_LOG" &
	SRV_PID=$!
	export CURL_CA_BUNDLE=$T/tls.crt
	for i in $(seq 1 100); do curl -sf "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
	login alice "$PW_A"; expect_code 303 "login under TLS"
	grep -i '^set-cookie: vigie_login=' "$T/loginform.headers" | grep -q '; Secure' && ok || ko "the form's cookie is Secure under TLS"
	grep -i '^set-cookie: vigie_session=' "$T/login.headers" | grep -q '; Secure' && ok || ko "the session cookie is Secure under TLS"
	req GET "/login?lang=en"; grep -i '^set-cookie: vigie_lang=' "$T/headers" | grep -q '; Secure' && ok || ko "the language cookie is Secure under TLS"
	CSRF=$(curl -s -b "vigie_session=$SESSION" "$URL/" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
	ascookie "$SESSION" POST /logout --data "csrf=$CSRF"; expect_code 303 "logout under TLS"
	grep -i '^set-cookie: vigie_session=' "$T/headers" | grep -q '; Secure' && ok || ko "the logout cookie is Secure under TLS"
	grep -qi '^strict-transport-security:' "$T/headers" && ok || ko "HSTS under TLS"
else
	echo "openssl not available: the TLS part skipped"
fi
srv_finish
