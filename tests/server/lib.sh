# Shared helpers for the server tests; source from tests/server/test_*.sh.
# Builds on tests/cli/lib.sh (newdb, run, ok, ko, expect_*): a throwaway
# database with two clients (acme, globex), an operator and one user per
# client (passwords from files), agent and API tokens, the security data of
# tests/data/scan/tracker.json; srv_start runs `vigie serve` on a free
# loopback port and srv_stop (also on EXIT) stops it.
. "$VIGIE_SRCDIR/tests/cli/lib.sh"
SD=$TESTDATA/server
MKDOC="python3 $VIGIE_SRCDIR/tests/server/mkdoc.py"
LOGDIR=${VIGIE_BUILDDIR:-/tmp}/test-logs/server-$(basename "$0" .sh)-${VIGIE_TEST_DRIVER:-sqlite}
mkdir -p "$LOGDIR"
command -v curl >/dev/null || { echo "SKIP: curl not installed"; exit 77; }
SRV_PID=
# Host names (A = acme, B = globex).
HA=web1.acme.example
HB=db1.globex.example
# srv_stop: stop the server; it must exit 0 and its log hold no sanitizer
# report (ASan builds: leaks are reported at exit).
srv_stop() {
	local rc=0
	if [ -n "$SRV_PID" ]; then
		kill "$SRV_PID" 2>/dev/null || true
		wait "$SRV_PID" 2>/dev/null || rc=$?
		SRV_PID=
		[ "$rc" = 0 ] && ok || ko "vigie serve exited with status $rc (log: $SRV_LOG)"
		if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$SRV_LOG"; then
			ko "vigie serve: sanitizer report: $(grep -m1 -A6 -E 'Sanitizer|runtime error' "$SRV_LOG")"
		else
			ok
		fi
	fi
}
# srv_finish: stop the server (checked), then finish.
srv_finish() {
	srv_stop
	finish
}
trap 'srv_stop; cp "$T"/serve*.log "$LOGDIR"/ 2>/dev/null; rm -rf "$T"' EXIT

# token ARGS...: create a token, print it.
mktoken() { "$VIGIE" tokens create "$@" 2>/dev/null; }

# srv_setup: the two clients, their users, tokens and the security data.
srv_setup() {
	"$VIGIE" db import --tracker-json "$TESTDATA/scan/tracker.json" >/dev/null
	"$VIGIE" clients add acme >/dev/null
	"$VIGIE" clients add globex --lang en >/dev/null
	PW_OP='operator pass phrase 1'
	PW_A='acme-secret-PW-42'
	PW_B='globex-secret-PW-77'
	printf '%s\n' "$PW_OP" > "$T/pw.op"
	printf '%s\n' "$PW_A" > "$T/pw.a"
	printf '%s\n' "$PW_B" > "$T/pw.b"
	"$VIGIE" users add ops --operator --password-file "$T/pw.op" >/dev/null
	"$VIGIE" users add alice --client acme --password-file "$T/pw.a" >/dev/null
	"$VIGIE" users add bob --client globex --password-file "$T/pw.b" >/dev/null
	TOK_AGENT_A=$(mktoken --host "$HA" --client acme)
	TOK_AGENT_B=$(mktoken --host "$HB" --client globex)
	TOK_OP=$(mktoken --user ops)
	TOK_A=$(mktoken --user alice)
	TOK_B=$(mktoken --user bob)
	[ -n "$TOK_AGENT_A" ] && [ -n "$TOK_AGENT_B" ] && [ -n "$TOK_OP" ] && [ -n "$TOK_A" ] &&
		[ -n "$TOK_B" ] || { echo "cannot create tokens" >&2; exit 1; }
}

# srv_start: serve on a free port (URL in $URL), wait for /healthz.
SRV_N=0
srv_start() {
	local i
	PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	URL=http://127.0.0.1:$PORT
	SRV_N=$((SRV_N + 1))
	SRV_LOG=$T/serve$SRV_N.log
	"$VIGIE" serve --listen "127.0.0.1:$PORT" --threads 2 "$@" 2>"$SRV_LOG" &
	SRV_PID=$!
	for i in $(seq 1 100); do
		if curl -sf "$URL/healthz" >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "vigie serve did not start:" >&2
	cat "$SRV_LOG" >&2
	exit 1
}

# req METHOD PATH [curl args...]: sets $CODE and $BODY (the body is also
# in $T/body, the headers in $T/headers).
req() {
	local m=$1 p=$2
	shift 2
	CODE=$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -X "$m" "$@" "$URL$p")
	BODY=$(cat "$T/body")
}
# as TOKEN METHOD PATH [args]: req with a bearer token.
as() {
	local t=$1
	shift
	local m=$1 p=$2
	shift 2
	req "$m" "$p" -H "Authorization: Bearer $t" "$@"
}
expect_code() { # expect_code N description
	if [ "$CODE" = "$1" ]; then ok; else ko "$2: HTTP $CODE, expected $1: $(head -c 300 "$T/body")"; fi
}
# jq_ EXPR: evaluate a python expression on the JSON body (d).
jq_() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$T/body"; }

# mkdoc OUT PKGS HOST RELEASE [mkdoc args]
mkdoc() {
	local out=$1 pkgs=$2 host=$3 rel=$4
	shift 4
	$MKDOC "$SD/$pkgs" --host "$host" --release "$rel" "$@" > "$out"
}
# push TOKEN FILE [gzip]: POST a document; sets $CODE, $BODY.
push() {
	local f=$2
	if [ "${3:-}" = gzip ]; then
		gzip -c "$2" > "$T/push.gz"
		as "$1" POST /api/v1/push -H 'Content-Type: application/json' \
			-H 'Content-Encoding: gzip' --data-binary "@$T/push.gz"
	else
		as "$1" POST /api/v1/push -H 'Content-Type: application/json' --data-binary "@$f"
	fi
}

# login NAME PASSWORD: a session through the login form; sets $SESSION
# (the cookie's value) and $CSRF (from the fleet page's forms).
# The form first: its CSRF token, in the form and in a cookie of its own.
login() {
	local pwf=$T/login.pw lc lcsrf
	printf '%s' "$2" > "$pwf"
	curl -s -D "$T/loginform.headers" -o "$T/loginform.html" "$URL/login"
	lc=$(sed -n 's/^[Ss]et-[Cc]ookie: vigie_login=\([0-9a-f]*\);.*/\1/p' "$T/loginform.headers" | tr -d '\r')
	lcsrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$T/loginform.html" | head -1)
	CODE=$(curl -s -o /dev/null -D "$T/login.headers" -w '%{http_code}' -b "vigie_login=$lc" \
		--data-urlencode "csrf=$lcsrf" ${LOGIN_NEXT:+--data-urlencode "next=$LOGIN_NEXT"} \
		--data-urlencode "name=$1" --data-urlencode "password@$pwf" "$URL/login")
	SESSION=$(sed -n 's/^[Ss]et-[Cc]ookie: vigie_session=\([^;]*\);.*/\1/p' "$T/login.headers" | tr -d '\r')
	CSRF=
	if [ -n "$SESSION" ]; then
		CSRF=$(curl -s -b "vigie_session=$SESSION" "$URL/" |
			sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
	fi
}
# cookie SESSION METHOD PATH [args]: req with a session cookie.
ascookie() {
	local c=$1
	shift
	local m=$1 p=$2
	shift 2
	req "$m" "$p" -b "vigie_session=$c" "$@"
}
# db_val SQL: the first column of the first row of a query on $VIGIE_DB.
db_val() {
	if [ "${VIGIE_TEST_DRIVER:-sqlite}" = pg ]; then
		psql -X -q -tA -v ON_ERROR_STOP=1 "$VIGIE_DB" -c "$1"
	else
		python3 -c 'import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone(); print("" if r is None else r[0])' "$VIGIE_DB" "$1"
	fi
}
