#!/usr/bin/env bash
# The fleet server, `vigie serve`, under load from bench/bench_http
# (HTTP/1.1 keep-alive, one thread per connection), on the SQLite store and,
# when PostgreSQL is installed, on a throwaway cluster (tests/pg/cluster.sh).
#
# The store: the generated real-size tracker (bench_tracker_db; imported
# with `vigie db import` on PostgreSQL), one client "bench", an operator
# "op" and its API token (through the CLI), then HOSTS planted hosts
# (bench-00001 ...; 10,000, BENCH_QUICK=1: 1,000) written directly with
# SQL behind vigie's back (bench_server_plant.py): each with the first
# PLANT_PKGS (default 200, BENCH_SERVER_PKGS) packages of the generated
# 2,000-package host, a summary, one push and its own agent token (hash
# = SHA-256 of the token, as vigie_token_hash stores it).
#
# (a) POST /api/v1/push: 2,000-package vigie.inventory/1 documents (the
#     generated host of bench_scan, through `vigie inventory --format
#     json`), each with the token of ITS host and that host's name; five
#     package versions carry the request number so no push is a
#     duplicate. Goal >= 200 pushes/s. Baseline: the same ingest through
#     the CLI, `vigie hosts add NAME --status FILE` per host, in sequence.
# (c) pushes again to SAME_HOSTS hosts (default 40; BENCH_QUICK=1: 20)
#     already holding the document's 2,000 packages (one warm-up push
#     each): unchanged (the same packages, a new dpkg.log line: not judged
#     again), then changed (five package versions differ from the stored
#     ones: five rows written, the host judged again).
# (b) GET / (fleet page) and GET /api/v1/hosts as the operator at HOSTS
#     hosts: goals p99 <= 20 ms and >= 5,000 requests/s. Baseline: GET
#     /healthz (the server's floor).
# Then PostgreSQL/SQLite ratios of the figures.
#   usage: bench/bench_server.sh BUILD_DIR   (BENCH_QUICK=1: 1,000 hosts,
#   shorter runs; BENCH_SERVER_PG=0 skips PostgreSQL; BENCH_SERVER_SECDATA=0:
#   stores without the tracker, so that pushes measure the ingest of the
#   inventory alone)
set -euo pipefail
BUILD=${1:?usage: $0 BUILD_DIR}
. "$(dirname "$0")/lib.sh"
if [ "$QUICK" = 1 ]; then
	nhosts=1000 push_s=5 get_s=3 cli_n=5 same_n=${SAME_HOSTS:-20}
else
	nhosts=10000 push_s=15 get_s=8 cli_n=15 same_n=${SAME_HOSTS:-40}
fi
plant_pkgs=${BENCH_SERVER_PKGS:-200}
conns=${BENCH_SERVER_CONNS:-4}
W=$BENCH_DATA/server
rm -rf "$W"
mkdir -p "$W"
srv_pid="" pg_dir=""
cleanup() {
	if [ -n "$srv_pid" ]; then kill "$srv_pid" 2>/dev/null || true; wait "$srv_pid" 2>/dev/null || true; fi
	if [ -n "$pg_dir" ]; then bash "$SRC/tests/pg/cluster.sh" stop "$pg_dir" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
HTTP=$BENCH_BIN/bench_http

# the 2,000-package host and its document
db=$(bench_tracker_db)
status=$BENCH_DATA/host-2000.status
[ -s "$status" ] || "$BENCH_BIN/bench_scan" --scans 1 --store-scans 0 --hosts 0 \
	--write-status "$status" "$db" bookworm >/dev/null
VIGIE_DB=$W/scratch.db "$VIGIE" inventory --status "$status" --release bookworm \
	--host hostplaceholder --kernel 6.1.0-13-amd64 --format json >"$W/doc.json"
rm -f "$W"/scratch.db*
python3 - "$W/doc.json" "$W/doc.tmpl" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for p in d["packages"][:5]:
    p["version"] += "+b@SEQ@"
s = json.dumps(d).replace('"hostplaceholder"', '"@HOST@"')
open(sys.argv[2], "w").write(s)
# the same packages every time (a new log line each): for (c)
for p in d["packages"][:5]:
    p["version"] = p["version"].replace("+b@SEQ@", "+b0")
d["logs"] = {"dpkg": ["2026-11-27 08:00:00 upgrade adduser:all 3.134 3.134+b@SEQ@"], "apt": []}
s = json.dumps(d).replace('"hostplaceholder"', '"@HOST@"')
open(sys.argv[2].replace(".tmpl", ".same"), "w").write(s)
PY
npk=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["packages"]))' "$W/doc.json")
echo "-- document: $npk packages, $(wc -c <"$W/doc.tmpl") bytes (plain JSON); $nhosts hosts planted" \
	"with $plant_pkgs packages each; $conns connections, server --threads 4"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }
declare -A R

# measure DRIVER URL: one whole run on the store at URL (already holding the tracker)
measure() {
	local drv=$1 url=$2 op port out t0 t1 i
	export VIGIE_DB=$url
	"$VIGIE" clients add bench >/dev/null
	"$VIGIE" users add op --operator >/dev/null
	op=$("$VIGIE" tokens create --user op 2>/dev/null)
	t0=$EPOCHREALTIME
	python3 "$SRC/bench/bench_server_plant.py" "$W/doc.json" "$nhosts" "$plant_pkgs" \
		"$W/tokens-$drv.txt" >"$W/plant-$drv.sql"
	if [ "$drv" = sqlite ]; then
		python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(open(sys.argv[2]).read()); c.close()' \
			"$url" "$W/plant-$drv.sql"
	else
		psql -X -q -v ON_ERROR_STOP=1 "$url" -f "$W/plant-$drv.sql" >/dev/null
		# as autovacuum would soon after: statistics and the visibility map
		psql -X -q "$url" -c 'VACUUM ANALYZE' >/dev/null
	fi
	t1=$EPOCHREALTIME
	echo "-- $drv: planted $nhosts hosts in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s (SQL, bench_server_plant.py); load average $(bench_load)"

	# baseline of (a): the CLI, one process per host, hosts not pushed below
	t0=$EPOCHREALTIME
	for ((i = 0; i < cli_n; i++)); do
		"$VIGIE" hosts add "bench-$(printf '%05d' $((nhosts - i)))" --status "$status" \
			--release bookworm --client bench --kernel 6.1.0-13-amd64 >/dev/null
	done
	t1=$EPOCHREALTIME
	R[$drv.cli]=$(awk -v a="$t0" -v b="$t1" -v n="$cli_n" 'BEGIN { printf "%.1f", n / (b - a) }')

	port=$(free_port)
	"$VIGIE" serve --listen "127.0.0.1:$port" --threads 4 --rate 1000000000 \
		2>"$W/serve-$drv.log" &
	srv_pid=$!
	for ((i = 0; i < 100; i++)); do
		"$HTTP" --count 1 --conns 1 "127.0.0.1:$port" /healthz 2>/dev/null | grep -q 'errors 0' && break
		sleep 0.1
	done
	if [ "$i" = 100 ]; then
		echo "vigie serve did not answer on 127.0.0.1:$port: $(tail -3 "$W/serve-$drv.log")" >&2
		exit 2
	fi

	# (a) pushes, each host its own token, request i to host i: first one
	# connection (pushes in sequence), then $conns (the server's threads
	# contend for the store's write lock); hosts pushed once each
	out=$("$HTTP" --conns 1 --seconds "$push_s" --method POST \
		--header 'Content-Type: application/json' --body "$W/doc.tmpl" \
		--list "$W/tokens-$drv.txt" "127.0.0.1:$port" /api/v1/push)
	R[$drv.push1]=$out
	echo "-- $drv (a) POST /api/v1/push, 1 connection: $out"
	sed -n "$(($(field requests <<<"$out") + 1)),\$p" "$W/tokens-$drv.txt" >"$W/tokens-$drv-rest.txt"
	out=$("$HTTP" --conns "$conns" --seconds "$push_s" --method POST \
		--header 'Content-Type: application/json' --body "$W/doc.tmpl" \
		--list "$W/tokens-$drv-rest.txt" "127.0.0.1:$port" /api/v1/push)
	R[$drv.push]=$out
	echo "-- $drv (a) POST /api/v1/push, $conns connections: $out"
	# what one push stored: the open findings of the first host pushed
	local q="SELECT count(*) FROM finding_history f JOIN hosts h ON h.id = f.host_id WHERE h.name = 'bench-00001' AND f.resolved_at IS NULL"
	if [ "$drv" = sqlite ]; then
		R[$drv.findings]=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$url" "$q")
	else
		R[$drv.findings]=$(psql -X -A -t "$url" -c "$q")
	fi
	echo "   each push: $npk packages, ${R[$drv.findings]} open findings written (bench-00001); load average $(bench_load)"
	# (c) the same hosts again: the last $same_n of the list, not pushed above
	tail -n "$same_n" "$W/tokens-$drv.txt" >"$W/tokens-$drv-same.txt"
	out=$("$HTTP" --conns 1 --count "$same_n" --method POST \
		--header 'Content-Type: application/json' --body "$W/doc.same" \
		--list "$W/tokens-$drv-same.txt" "127.0.0.1:$port" /api/v1/push)
	echo "-- $drv (c) warm-up: $same_n hosts get the document's packages: $out"
	for k in same changed; do
		local body=$W/doc.same
		[ "$k" = changed ] && body=$W/doc.tmpl
		out=$("$HTTP" --conns 1 --seconds "$push_s" --method POST \
			--header 'Content-Type: application/json' --body "$body" \
			--list "$W/tokens-$drv-same.txt" "127.0.0.1:$port" /api/v1/push)
		R[$drv.$k.1]=$out
		echo "-- $drv (c) POST /api/v1/push, $k, 1 connection: $out"
		out=$("$HTTP" --conns "$conns" --seconds "$push_s" --method POST \
			--header 'Content-Type: application/json' --body "$body" \
			--list "$W/tokens-$drv-same.txt" "127.0.0.1:$port" /api/v1/push)
		R[$drv.$k.n]=$out
		echo "-- $drv (c) POST /api/v1/push, $k, $conns connections: $out"
	done
	# (b) the reads, as the operator, and the floor
	for p in /healthz /api/v1/hosts /; do
		out=$("$HTTP" --conns "$conns" --seconds "$get_s" \
			--header "Authorization: Bearer $op" "127.0.0.1:$port" "$p")
		R[$drv.$p]=$out
		echo "-- $drv (b) GET $p: $out"
	done
	echo "   load average $(bench_load)"
	kill "$srv_pid"
	wait "$srv_pid" 2>/dev/null || true
	srv_pid=""
}

report() { # report DRIVER
	local d=$1 cli
	echo "== $d at $nhosts hosts, load average $(bench_load) on $(nproc) CPU(s)"
	cli=${R[$d.cli]}
	echo "   baseline vigie hosts add (one process per host, in sequence): $cli hosts/s"
	for k in push1 push; do
		awk -v k="$k" -v c="$conns" -v r="$(field rps <<<"${R[$d.$k]}")" -v cl="$cli" \
			-v p50="$(field p50_ms <<<"${R[$d.$k]}")" -v e="$(field errors <<<"${R[$d.$k]}")" 'BEGIN {
			printf "   push, %d connection(s): %.2f pushes/s, p50 %.0f ms (%d errors), %.2fx the CLI; goal >= 200 pushes/s: %s\n",
				(k == "push1" ? 1 : c), r, p50, e, (cl > 0 ? r / cl : 0), (r >= 200 && e == 0 ? "met" : "NOT met") }'
	done
	for k in same.1 same.n changed.1 changed.n; do
		awk -v k="$k" -v c="$conns" -v r="$(field rps <<<"${R[$d.$k]}")" \
			-v p50="$(field p50_ms <<<"${R[$d.$k]}")" -v e="$(field errors <<<"${R[$d.$k]}")" 'BEGIN {
			split(k, w, ".")
			printf "   push again, %s, %d connection(s): %.2f pushes/s, p50 %.1f ms (%d errors); goal >= 200 pushes/s: %s\n",
				(w[1] == "same" ? "unchanged" : "5 packages changed"), (w[2] == "1" ? 1 : c), r, p50, e,
				(r >= 200 && e == 0 ? "met" : "NOT met") }'
	done
	local f50 f99 frps
	f50=$(field p50_ms <<<"${R[$d./healthz]}") f99=$(field p99_ms <<<"${R[$d./healthz]}")
	frps=$(field rps <<<"${R[$d./healthz]}")
	echo "   baseline GET /healthz: p50 $f50 ms, p99 $f99 ms, $frps req/s"
	for p in / /api/v1/hosts; do
		awk -v p="$p" -v p50="$(field p50_ms <<<"${R[$d.$p]}")" -v p99="$(field p99_ms <<<"${R[$d.$p]}")" \
			-v rps="$(field rps <<<"${R[$d.$p]}")" -v e="$(field errors <<<"${R[$d.$p]}")" -v frps="$frps" 'BEGIN {
			printf "   GET %s: p50 %.2f ms, p99 %.2f ms, %.1f req/s (%d errors), %.1f%% of /healthz'"'"'s rate\n", p, p50, p99, rps, e, 100 * rps / frps
			printf "   GET %s goals p99 <= 20 ms: %s; >= 5,000 req/s: %s\n", p, (p99 <= 20 && e == 0 ? "met" : "NOT met"), (rps >= 5000 && e == 0 ? "met" : "NOT met") }'
	done
}

secdata=${BENCH_SERVER_SECDATA:-1}
[ "$secdata" = 0 ] && echo "-- BENCH_SERVER_SECDATA=0: stores without security data (pushes find nothing)"
[ "$secdata" = 0 ] || cp "$db" "$W/sqlite.db"
measure sqlite "$W/sqlite.db"
report sqlite

if [ "${BENCH_SERVER_PG:-1}" != 0 ]; then
	pg_dir=$W/pg
	bash "$SRC/tests/pg/cluster.sh" start "$pg_dir" >/dev/null
	if [ -f "$pg_dir/env" ]; then
		set -a; . "$pg_dir/env"; set +a
		psql -X -q "$VIGIE_TEST_PG_URL/postgres" -c "CREATE DATABASE bench" >/dev/null
		t0=$EPOCHREALTIME
		if [ "$secdata" != 0 ]; then
			VIGIE_DB=$VIGIE_TEST_PG_URL/bench "$VIGIE" db import --tracker-json "$(bench_tracker_json)" >/dev/null
			echo "-- postgresql: tracker imported in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
		fi
		measure postgresql "$VIGIE_TEST_PG_URL/bench"
		report postgresql
		echo "== PostgreSQL/SQLite ratios (> 1: PostgreSQL higher)"
		awk -v a="$(field rps <<<"${R[postgresql.push]}")" -v b="$(field rps <<<"${R[sqlite.push]}")" \
			-v c="${R[postgresql.cli]}" -v d="${R[sqlite.cli]}" 'BEGIN {
			printf "   pushes/s (%s connections) %.2f; CLI hosts/s %.2f\n", "'"$conns"'", a / b, c / d }'
		awk -v a="$(field rps <<<"${R[postgresql.push1]}")" -v b="$(field rps <<<"${R[sqlite.push1]}")" 'BEGIN {
			printf "   pushes/s (1 connection) %.2f\n", a / b }'
		for p in /healthz / /api/v1/hosts; do
			awk -v p="$p" -v a="$(field rps <<<"${R[postgresql.$p]}")" -v b="$(field rps <<<"${R[sqlite.$p]}")" \
				-v c="$(field p99_ms <<<"${R[postgresql.$p]}")" -v d="$(field p99_ms <<<"${R[sqlite.$p]}")" 'BEGIN {
				printf "   GET %s: req/s %.2f, p99 %.2f\n", p, a / b, c / d }'
		done
	else
		echo "-- PostgreSQL not installed: SQLite only"
	fi
fi
echo "load average after: $(bench_load) on $(nproc) CPU(s)"
