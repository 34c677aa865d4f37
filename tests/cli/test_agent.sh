#!/bin/bash
# vigie agent: push a fixture root's inventory and logs to a real `vigie
# serve` on the loopback; spool while the server is down; rotate the logs
# and check that no event is lost or stored twice.
set -eu
. "$(dirname "$0")/lib.sh"

ROOT="$T/root"
SPOOL="$T/spool"
cp -a "$TESTDATA/agent/root" "$ROOT"
rm -rf "$ROOT/proc" # an image: no running kernel

# action lines (install/upgrade/remove/purge) of the fixture's dpkg logs,
# counted here, not by vigie
actions() { zcat -f "$@" | grep -cE '^[0-9-]+ [0-9:]+ (install|upgrade|remove|purge) '; }
# installed-on-disk packages of a status file
on_disk() { grep '^Status: ' "$1" | grep -cvE ' (not-installed|config-files)$'; }

run clients add acme
expect_rc 0 "clients add"
TOKEN=$("$VIGIE" tokens create --host web1 --client acme 2>/dev/null)
OTHER=$("$VIGIE" tokens create --host web2 --client acme 2>/dev/null)
run users add op --operator
OPTOKEN=$("$VIGIE" tokens create --user op 2>/dev/null)
umask 077
printf '%s\n' "$TOKEN" >"$T/token"
printf '%s\n' "$OTHER" >"$T/token.other"
umask 022

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
# http_get URL [TOKEN]: the body of a GET (any status once answered)
http_get() {
	python3 - "$@" <<'PY'
import sys, urllib.request, urllib.error
req = urllib.request.Request(sys.argv[1])
if len(sys.argv) > 2:
    req.add_header("Authorization", "Bearer " + sys.argv[2])
try:
    body = urllib.request.urlopen(req, timeout=10).read()
except urllib.error.HTTPError as e:
    body = e.read()
sys.stdout.write(body.decode())
PY
}
SERVE_PID=
serve_start() {
	"$VIGIE" serve --listen "127.0.0.1:$PORT" --threads 2 >>"$T/serve.log" 2>&1 &
	SERVE_PID=$!
	for _ in $(seq 1 100); do
		http_get "$URL/api/v1/hosts" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "vigie serve did not start: $(cat "$T/serve.log")" >&2
	exit 1
}
serve_stop() {
	kill "$SERVE_PID" 2>/dev/null || true
	wait "$SERVE_PID" 2>/dev/null || true
	SERVE_PID=
}
HTTPD_PID=
trap 'serve_stop; [ -z "$HTTPD_PID" ] || kill "$HTTPD_PID" 2>/dev/null || true; rm -rf "$T"' EXIT
api() { http_get "$URL$1" "$OPTOKEN"; }
jget() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
events() { "$VIGIE" history --from-store --host web1 --format csv | tail -n +2; }
agent() { run agent --server "$URL" --token-file "$T/token" --root "$ROOT" --spool "$SPOOL" "$@"; }
no_token() { # the token never appears in what the agent prints
	case "$OUT$ERR" in *"$TOKEN"*) ko "$1: the token was printed" ;; *) ok ;; esac
}

# --- refusals before any network
chmod 644 "$T/token"
agent
expect_rc 2 "world-readable token file"
expect_err "refused: the token file is accessible to others" "says why"
no_token "refusal"
chmod 600 "$T/token"
run agent --server http://192.0.2.1:1 --token-file "$T/token" --root "$ROOT" --spool "$SPOOL"
expect_rc 2 "plain http to another host"
expect_err "http:// only to 127.0.0.1 or localhost" "says why"
[ ! -e "$SPOOL/queue" ] || [ -z "$(ls "$SPOOL/queue")" ] && ok || ko "nothing queued on a refused URL"

# --- dry run: the document, nothing sent, nothing remembered
run agent --dry-run --root "$ROOT" --spool "$SPOOL"
expect_rc 0 "dry run"
printf '%s' "$OUT" >"$T/dry.json"
expect_eq "$(jget 'd["schema"]' <"$T/dry.json")" "vigie.inventory/1" "schema"
expect_eq "$(jget 'd["host"]' <"$T/dry.json")" "web1" "host from etc/hostname"
expect_eq "$(jget 'd["release"]' <"$T/dry.json")" "bookworm" "release"
expect_eq "$(jget 'd["kernel"]["release"]' <"$T/dry.json")" "None" "an image has no running kernel"
expect_eq "$(jget 'len(d["packages"])' <"$T/dry.json")" "$(on_disk "$ROOT/var/lib/dpkg/status")" "packages on disk"
expect_eq "$(jget '[p["source"] for p in d["packages"] if p["name"]=="libssl3"][0]' <"$T/dry.json")" "openssl" "source"
expect_eq "$(jget '[p["status"] for p in d["packages"] if p["name"]=="vim-tiny"][0]' <"$T/dry.json")" "unpacked" "state"
expect_eq "$(jget 'sorted(c["package"] for c in d["candidates"] if c["security"])' <"$T/dry.json")" \
	"['libssl3', 'openssl']" "security candidates from the apt lists"
expect_eq "$(jget 'len(d["logs"]["dpkg"])' <"$T/dry.json")" \
	"$(zcat -f "$ROOT"/var/log/dpkg.log* | grep -c .)" "every dpkg.log line, rotations included"
expect_eq "$(jget 'sum(1 for l in d["logs"]["apt"] if l.startswith("Start-Date:"))' <"$T/dry.json")" \
	"$(zcat -f "$ROOT"/var/log/apt/history.log* | grep -c '^Start-Date:')" "every apt stanza"
[ ! -e "$SPOOL/state" ] && ok || ko "a dry run remembers nothing"

# --- first push
serve_start
TOTAL=$(actions "$ROOT"/var/log/dpkg.log*)
VIGIE_NOW=2026-11-27T09:00:00Z agent
expect_rc 0 "first push"
expect_out "sent 1 document" "one document"
no_token "push"
api /api/v1/hosts/web1 >"$T/host.json"
expect_eq "$(jget 'd["packages"]' <"$T/host.json")" "$(on_disk "$ROOT/var/lib/dpkg/status")" "packages arrived"
expect_eq "$(jget 'd["summary"]["pending_security_updates"]' <"$T/host.json")" 2 "candidates arrived"
expect_eq "$(events | wc -l)" "$TOTAL" "every event arrived"

# --- nothing new: nothing sent twice
VIGIE_NOW=2026-11-27T10:00:00Z agent
expect_rc 0 "second push"
expect_out ", 0 new events" "no new event"
expect_eq "$(events | wc -l)" "$TOTAL" "no event twice"

# --- server down: spooled, exit 75
serve_stop
cat >>"$ROOT/var/log/dpkg.log" <<'EOF'
2026-03-09 08:00:00 startup archives unpack
2026-03-09 08:00:01 upgrade tzdata:all 2024a-0+deb12u1 2025b-0+deb12u1
2026-03-09 08:00:01 status half-configured tzdata:all 2024a-0+deb12u1
2026-03-09 08:00:02 status installed tzdata:all 2025b-0+deb12u1
EOF
VIGIE_NOW=2026-11-28T09:00:00Z agent
expect_rc 75 "server down"
expect_err "not delivered .*spooled in" "says it is spooled"
no_token "spool"
expect_eq "$(ls "$SPOOL/queue" | grep -c '\.json\.gz$')" 1 "one queued document"
# a second run while down queues a second document, without the same lines
cat >>"$ROOT/var/log/dpkg.log" <<'EOF'
2026-03-10 08:00:00 startup archives unpack
2026-03-10 08:00:01 install htop:amd64 <none> 3.2.2-2
2026-03-10 08:00:02 status installed htop:amd64 3.2.2-2
EOF
VIGIE_NOW=2026-11-28T10:00:00Z agent
expect_rc 75 "still down"
expect_eq "$(ls "$SPOOL/queue" | grep -c '\.json\.gz$')" 2 "two queued documents"
first=$(ls "$SPOOL/queue" | grep '\.json\.gz$' | sort -n | head -1)
second=$(ls "$SPOOL/queue" | grep '\.json\.gz$' | sort -n | tail -1)
expect_eq "$(zcat "$SPOOL/queue/$first" | jget 'sum(" upgrade tzdata" in l for l in d["logs"]["dpkg"])')" 1 "first holds the tzdata upgrade"
expect_eq "$(zcat "$SPOOL/queue/$second" | jget 'sum(" upgrade tzdata" in l for l in d["logs"]["dpkg"])')" 0 "second does not repeat it"
expect_eq "$(zcat "$SPOOL/queue/$second" | jget 'sum(" install htop" in l for l in d["logs"]["dpkg"])')" 1 "second holds the htop install"

# --- server back: queued documents first, in order, then the new one
serve_start
VIGIE_NOW=2026-11-29T09:00:00Z agent
expect_rc 0 "server back"
expect_out "sent 3 documents" "two queued and the new one"
expect_eq "$(ls "$SPOOL/queue" | grep -c '\.json\.gz$' || true)" 0 "queue empty"
TOTAL=$((TOTAL + 2))
expect_eq "$(events | wc -l)" "$TOTAL" "queued events arrived once"
# the newest document was stored last (its collection time is the host's)
expect_eq "$(api /api/v1/hosts/web1 | jget 'd["inventoried_at"]')" "2026-11-29T09:00:00Z" "newest stored last"

# --- rotation: dpkg.log -> .1 -> .2.gz -> .3.gz, lines written just before
cat >>"$ROOT/var/log/dpkg.log" <<'EOF'
2026-03-11 08:00:01 upgrade sudo:amd64 1.9.13p3-1+deb12u1 1.9.13p3-1+deb12u2
2026-03-11 08:00:02 status installed sudo:amd64 1.9.13p3-1+deb12u2
EOF
d="$ROOT/var/log"
mv "$d/dpkg.log.2.gz" "$d/dpkg.log.3.gz"
gzip -9n <"$d/dpkg.log.1" >"$d/dpkg.log.2.gz" && rm "$d/dpkg.log.1"
mv "$d/dpkg.log" "$d/dpkg.log.1"
cat >"$d/dpkg.log" <<'EOF'
2026-03-12 08:00:00 startup archives unpack
2026-03-12 08:00:01 remove nano:amd64 7.2-1 <none>
EOF
printf '2026-03-12 08:00:02 status config-files nano:amd64 7.2' >>"$d/dpkg.log" # being written
# apt rotates too, with a stanza being written in the live file
mv "$d/apt/history.log.1.gz" "$d/apt/history.log.2.gz"
gzip -9n <"$d/apt/history.log" >"$d/apt/history.log.1.gz" && rm "$d/apt/history.log"
printf '\nStart-Date: 2026-03-12  07:59:59\nCommandline: apt-get remove nano\n' >"$d/apt/history.log"
run agent --dry-run --root "$ROOT" --spool "$SPOOL"
printf '%s' "$OUT" >"$T/dry1.json"
expect_eq "$(jget 'd["logs"]["dpkg"]' <"$T/dry1.json")" \
	"['2026-03-11 08:00:01 upgrade sudo:amd64 1.9.13p3-1+deb12u1 1.9.13p3-1+deb12u2', '2026-03-11 08:00:02 status installed sudo:amd64 1.9.13p3-1+deb12u2', '2026-03-12 08:00:00 startup archives unpack', '2026-03-12 08:00:01 remove nano:amd64 7.2-1 <none>']" \
	"after rotation only the unsent lines, the partial last line left"
expect_eq "$(jget 'd["logs"]["apt"]' <"$T/dry1.json")" "[]" "no apt line twice, no open stanza"
VIGIE_NOW=2026-11-30T09:00:00Z agent
expect_rc 0 "after rotation"
expect_out ", 2 new events" "two new events"
TOTAL=$((TOTAL + 2))
expect_eq "$(events | wc -l)" "$TOTAL" "no event lost or stored twice across rotation"
expect_eq "$(events | grep -c ',upgrade,sudo,')" 1 "the line written before rotation arrived once"
expect_eq "$(events | grep -c ',remove,nano,')" 1 "the new file's line arrived"
expect_eq "$(actions "$d"/dpkg.log*)" "$TOTAL" "every action line of the logs is stored"
# the partial line and the open apt stanza come once complete
printf '\n2026-03-12 08:00:03 status not-installed nano:amd64 <none>\n' >>"$d/dpkg.log"
printf 'Remove: nano:amd64 (7.2-1)\nEnd-Date: 2026-03-12  08:00:04\n' >>"$d/apt/history.log"
run agent --dry-run --root "$ROOT" --spool "$SPOOL"
printf '%s' "$OUT" >"$T/dry2.json"
expect_eq "$(jget 'd["logs"]["dpkg"]' <"$T/dry2.json")" \
	"['2026-03-12 08:00:02 status config-files nano:amd64 7.2', '2026-03-12 08:00:03 status not-installed nano:amd64 <none>']" \
	"only the completed lines are new"
expect_eq "$(jget 'd["logs"]["apt"][0]' <"$T/dry2.json")" "Start-Date: 2026-03-12  07:59:59" "the whole stanza, from its start"
VIGIE_NOW=2026-11-30T10:00:00Z agent
expect_rc 0 "completed lines"
expect_eq "$(events | wc -l)" "$TOTAL" "no event twice"

# --- a queued document the server already has (its answer was lost):
# stored once, said so
VIGIE_NOW=2026-11-30T11:00:00Z "$VIGIE" agent --dry-run --root "$ROOT" --spool "$SPOOL" | gzip -n >"$T/copy.gz"
mv "$T/copy.gz" "$SPOOL/queue/7.json.gz"
VIGIE_NOW=2026-11-30T11:00:00Z agent
expect_rc 0 "queued copy, then the same document"
expect_out "^sent 2 documents .*\(1 already stored\)" "the second is a duplicate"

# --- a 4xx is permanent: rejected/, exit 1, positions kept moving
run agent --server "$URL" --token-file "$T/token.other" --root "$ROOT" --spool "$T/spool2"
expect_rc 1 "token of another host"
expect_err "refused the document: HTTP 403: field host: this token pushes for another host" "the server's error"
expect_eq "$(ls "$T/spool2/rejected" | grep -c '\.json\.gz$')" 1 "kept in rejected/"
expect_eq "$(ls "$T/spool2/queue" | wc -l)" 0 "not queued"
# put back into the queue, it is sent first with the right token
mv "$T/spool2/rejected/1.json.gz" "$T/spool2/queue/1.json.gz"
run agent --server "$URL" --token-file "$T/token" --root "$ROOT" --spool "$T/spool2"
expect_rc 0 "a rejected document put back"
expect_out "^sent 2 documents" "sent first, then the new one"
expect_eq "$(events | wc -l)" "$TOTAL" "and still every event once"

# --- how answers are classed (a test server answering a fixed status)
mkdir -p "$T/www"
python3 "$VIGIE_SRCDIR/tests/cli/httpd.py" "$T/www" "$T/httpd.port" "$T/httpd.log" 120 &
HTTPD_PID=$!
for _ in $(seq 1 100); do [ -s "$T/httpd.port" ] && break; sleep 0.1; done
FAKE="http://127.0.0.1:$(cat "$T/httpd.port")"
for st in 503 500 429 408; do
	run agent --server "$FAKE/status/$st" --token-file "$T/token" --root "$ROOT" --spool "$T/spool-$st"
	expect_rc 75 "HTTP $st is temporary"
	expect_err "HTTP $st: said $st" "the server's message ($st)"
	expect_eq "$(ls "$T/spool-$st/queue" | grep -c '\.json\.gz$')" 1 "queued on $st"
	[ ! -e "$T/spool-$st/state" ] && ok || ko "no position advanced on $st"
done
for st in 400 401 413; do
	run agent --server "$FAKE/status/$st" --token-file "$T/token" --root "$ROOT" --spool "$T/spool-$st"
	expect_rc 1 "HTTP $st is permanent"
	expect_eq "$(ls "$T/spool-$st/rejected" | grep -c '\.json\.gz$')" 1 "rejected on $st"
	expect_eq "$(cat "$T/spool-$st/rejected/1.error")" "HTTP $st: said $st" "the error kept beside it"
done
# the document queued on 503 goes to the real server first, then the new
# one, which starts where the queued one ends (the events are the host's
# already: none is added twice)
VIGIE_NOW=2026-12-01T09:00:00Z run agent --server "$FAKE/status/503" --token-file "$T/token" --root "$ROOT" --spool "$T/spool-q"
expect_rc 75 "queued"
VIGIE_NOW=2026-12-01T09:00:00Z run agent --server "$URL" --token-file "$T/token" --root "$ROOT" --spool "$T/spool-q"
expect_rc 0 "queued then new"
expect_out "^sent 2 documents .*, 0 new events" "no event twice"
expect_eq "$(events | wc -l)" "$TOTAL" "still every event once"

# --- over https: verified against the CA given, refused without it
if command -v openssl >/dev/null 2>&1 &&
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 -keyout "$T/tls.key" -out "$T/tls.crt" >/dev/null 2>&1; then
	serve_stop
	TPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	"$VIGIE" serve --listen "127.0.0.1:$TPORT" --tls-cert "$T/tls.crt" --tls-key "$T/tls.key" \
		--threads 2 >>"$T/serve.log" 2>&1 &
	SERVE_PID=$!
	for _ in $(seq 1 100); do
		python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$TPORT" 2>/dev/null && break
		sleep 0.1
	done
	run agent --server "https://127.0.0.1:$TPORT" --token-file "$T/token" --root "$ROOT" --spool "$T/spool-tls"
	expect_rc 75 "an unverified certificate: no answer, queued"
	expect_eq "$(ls "$T/spool-tls/queue" | grep -c '\.json\.gz$')" 1 "queued, not sent"
	run agent --server "https://127.0.0.1:$TPORT" --token-file "$T/token" --root "$ROOT" --spool "$T/spool-tls" \
		--ca-file "$T/tls.crt"
	expect_rc 0 "https with the CA"
	expect_out "^sent 2 documents" "the queued one and the new one"
	no_token "https"
	serve_stop
	serve_start
else
	echo "openssl not available: https part skipped"
fi

# --- one agent per spool
flock "$SPOOL/lock" "$VIGIE" agent --server "$URL" --token-file "$T/token" --root "$ROOT" --spool "$SPOOL" 2>"$T/lock.err" && RC=0 || RC=$?
expect_eq "$RC" 2 "a second agent on the same spool"
grep -q "another vigie agent is running" "$T/lock.err" && ok || ko "says another agent runs: $(cat "$T/lock.err")"

finish
