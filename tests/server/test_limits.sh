#!/usr/bin/env bash
# The server's limits, as an attacker meets them: a URL whose query is too
# long (414, as JSON under /api/, as a page elsewhere), a header block too
# large (431), a client trickling its request (closed after
# --request-timeout while others are answered), the per-token rate limit
# (429), failed authentications limited per client address (429), and the
# metrics counting each refused push once, including those refused before
# the push handler.
. "$(dirname "$0")/lib.sh"
set -e
srv_setup
srv_start --rate 20 --auth-failures 5 --request-timeout 2 --timeout 30

metric() { # metric NAME: its value in /metrics
	as "$TOK_OP" GET /metrics
	sed -n "s/^$1 //p" "$T/body"
}

# 414: the query counts
long=$(python3 -c 'print("x" * 5000)')
as "$TOK_OP" GET "/api/v1/hosts?offset=0&pad=$long"; expect_code 414 "a long query under /api/"
expect_eq "$(jq_ 'd["schema"], d["status"]')" "vigie.error/1 414" "the 414 of the API is JSON"
as "$TOK_OP" GET "/?pad=$long"; expect_code 414 "a long query on a page"
grep -q '<h1>414' "$T/body" && ok || ko "the 414 of a page is a page: $(head -c 200 "$T/body")"
as "$TOK_OP" GET "/api/v1/hosts?offset=0&pad=$(python3 -c 'print("x" * 1500)')"
expect_code 200 "a query under the cap"

# 431: a header block over the connection's memory
python3 -c 'print("X-Pad-1: " + "y" * 90000); print("X-Pad-2: " + "y" * 90000)' > "$T/hdrs"
req GET /healthz -H "@$T/hdrs"
expect_code 431 "a header block too large"

# a client trickling its headers is closed after --request-timeout (2 s),
# while another is answered at once
python3 - "$PORT" > "$T/slow.out" 2>&1 <<'EOF' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
t0 = time.monotonic()
s.settimeout(0.5)
closed = None
for i in range(40):  # one header byte every 0.5 s: never idle
    try:
        s.sendall(b"X")
        data = s.recv(4096)
        if not data:
            closed = time.monotonic() - t0
            break
    except socket.timeout:
        continue
    except OSError:
        closed = time.monotonic() - t0
        break
print("closed" if closed is not None else "open", round(closed or 0, 1))
EOF
slow=$!
sleep 0.5
t0=$(date +%s%N)
req GET /healthz; expect_code 200 "healthz while a client trickles"
t1=$(date +%s%N)
[ $(( (t1 - t0) / 1000000 )) -lt 1000 ] && ok || ko "healthz took $(( (t1 - t0) / 1000000 )) ms while a client trickles"
wait "$slow"
read -r state secs < "$T/slow.out"
expect_eq "$state" closed "the trickling client is closed ($(cat "$T/slow.out"))"
python3 -c 'import sys; t=float(sys.argv[1]); sys.exit(0 if 1.5 <= t <= 6 else 1)' "${secs:-0}" && ok ||
	ko "closed after ${secs}s, expected about 2-3 s"
grep -q "sent no whole request in 2 s" "$SRV_LOG" && ok || ko "the server logs the closed connection"
expect_eq "$(metric vigie_http_connections_timed_out_total)" 1 "counted in the metrics"

# failed authentications: 5 per minute per address, then 429 (the right
# token still works: it has its own count)
for i in 1 2 3 4 5; do
	as "vg_wrong$i" GET /api/v1/hosts; expect_code 401 "wrong token $i"
done
as vg_wrong6 GET /api/v1/hosts; expect_code 429 "the 6th wrong token in a minute"
expect_eq "$(jq_ 'd["schema"], d["status"]')" "vigie.error/1 429" "as JSON"
as "$TOK_A" GET /api/v1/hosts; expect_code 200 "a good token meanwhile"

# pushes refused before the handler count once each as push errors: a
# wrong token (now 429 for this address), no token (401), a body too
# large for its Content-Length (413); and one refused by the handler
# (another host's document: 403)
before=$(metric vigie_push_errors_total)
as vg_wrong7 POST /api/v1/push --data-binary '{}'; expect_code 429 "push with a wrong token, address limited"
req POST /api/v1/push --data-binary '{}'; expect_code 401 "push without a token"
head -c 17000000 /dev/zero > "$T/big"
as "$TOK_AGENT_A" POST /api/v1/push -H 'Content-Type: application/json' --data-binary "@$T/big"
expect_code 413 "push too large"
mkdoc "$T/b.json" bullseye-db.pkgs "$HB" bullseye
push "$TOK_AGENT_A" "$T/b.json"; expect_code 403 "push of another host's document"
expect_eq "$(metric vigie_push_errors_total)" "$((before + 4))" "four refused pushes counted once each"
expect_eq "$(metric vigie_pushes_total)" 0 "none stored"

# the per-token rate limit: --rate 20 per minute; user A has used 1
for i in $(seq 2 20); do
	as "$TOK_A" GET /api/v1/hosts >/dev/null
done
as "$TOK_A" GET /api/v1/hosts; expect_code 429 "over the token's rate"
expect_eq "$(jq_ 'd["status"]')" 429 "as JSON"
as "$TOK_B" GET /api/v1/hosts; expect_code 200 "another token keeps its own count"
srv_finish
