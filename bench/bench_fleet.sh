#!/usr/bin/env bash
# Fleet rescans: every stored host judged again, at fleet sizes, on the
# SQLite store and, when PostgreSQL is installed, on a throwaway cluster
# (tests/pg/cluster.sh).
#
# Each store: the generated real-size tracker (bench_tracker_db; imported
# once with `vigie db import` on PostgreSQL, then copied as a template),
# then N hosts planted with SQL behind vigie's back (bench/gen_fleet.py:
# PKGS packages each, default 2,000, bookworm and bullseye mixed, each host
# sharing its release's (source, version) pairs but for 3% of its sources;
# no summary, no history). Timed, with the peak RSS of the process
# (/usr/bin/time):
#   (a) the first judgement of every host (REJUDGE);
#   (b) `vigie fleet --format json` with VIGIE_FLEET_PER_HOST=1 (each
#       host's findings built for it alone, no store writes): the
#       per-host fleet path, the baseline of (b2) and (a);
#   (b2) `vigie fleet --format json`, findings shared per (source,
#       version);
#   (c) REJUDGE again with nothing changed: hosts judged on the current
#       basis are skipped; baseline (a);
#   (d) after `vigie db import --no-rejudge` of the tracker with 1% of
#       its sources changed (bench/gen_tracker_update.py; timed beside
#       it), REJUDGE: the re-verdict alone;
#   (d1) REJUDGE_FULL of the same update on a copy of the store taken
#       after the import (every host judged in full, its findings moved):
#       the baseline of (d);
#   (e) REJUDGE_FULL after (d), on the data it judged (every host judged
#       in full, the findings digests (d) left in place);
#   (f) the same with VIGIE_FLEET_PER_HOST=1, from the same state (no
#       findings digest, as after (d)): the baseline of (e);
#   (g) REJUDGE_FULL again: each host finds the findings digest the
#       last full judgement left, and leaves its history unread.
# Then, at the largest size of each driver, `vigie serve`'s RSS after it
# served GET / and GET /api/v1/hosts (as bench_server.sh starts it).
# Goals (issue 15, on 2 cores): full rescan of 10,000 hosts <= 10 s;
# incremental re-verdict after a tracker update touching 1% of sources at
# 100,000 hosts <= 2 s; server RSS at 100,000 hosts <= 4 GB.
#
# REJUDGE (FLEET_REJUDGE) is `vigie db rejudge`, REJUDGE_FULL
# (FLEET_REJUDGE_FULL) `vigie db rejudge --full`; both run with VIGIE_DB
# set to the store.
#   usage: bench/bench_fleet.sh BUILD_DIR
#   BENCH_QUICK=1: 200 hosts on each driver. FLEET_SQLITE_SIZES (default
#   "1000 10000"), FLEET_PG_SIZES (default "1000 10000"; "" skips
#   PostgreSQL), FLEET_PKGS (2000); FLEET_BIG (default 0; 100000 adds that
#   size on FLEET_BIG_DRIVERS, default "postgresql", with FLEET_BIG_PKGS
#   packages per host, default 200; FLEET_BIG_HELD=K: at that size the
#   update of (d) changes K sources the hosts hold, see measure());
#   FLEET_KEEP=1 keeps the stores.
set -euo pipefail
BUILD=${1:?usage: $0 BUILD_DIR}
. "$(dirname "$0")/lib.sh"
if [ "$QUICK" = 1 ]; then
	sqlite_sizes=${FLEET_SQLITE_SIZES-200} pg_sizes=${FLEET_PG_SIZES-200}
else
	sqlite_sizes=${FLEET_SQLITE_SIZES-1000 10000} pg_sizes=${FLEET_PG_SIZES-1000 10000}
fi
pkgs=${FLEET_PKGS:-2000}
big=${FLEET_BIG:-0} big_pkgs=${FLEET_BIG_PKGS:-200} big_drivers=${FLEET_BIG_DRIVERS:-postgresql}
REJUDGE=${FLEET_REJUDGE:-$VIGIE db rejudge}
REJUDGE_FULL=${FLEET_REJUDGE_FULL:-$REJUDGE --full}
if [ -z "${FLEET_REJUDGE:-}" ] && ! "$VIGIE" db rejudge --help >/dev/null 2>&1; then
	echo "this vigie has no 'db rejudge': set FLEET_REJUDGE" >&2
	exit 77
fi
W=$BENCH_DATA/fleet
rm -rf "$W"
mkdir -p "$W"
srv_pid="" pg_dir=""
cleanup() {
	if [ -n "$srv_pid" ]; then kill "$srv_pid" 2>/dev/null || true; wait "$srv_pid" 2>/dev/null || true; fi
	if [ -n "$pg_dir" ]; then bash "$SRC/tests/pg/cluster.sh" stop "$pg_dir" >/dev/null 2>&1 || true; fi
	[ "${FLEET_KEEP:-0}" = 1 ] || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
HTTP=$BENCH_BIN/bench_http
[ -x /usr/bin/time ] || { echo "bench_fleet.sh needs /usr/bin/time (package time)" >&2; exit 77; }

echo "load average before: $(bench_load) on $(nproc) CPU(s); $(awk '/^MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo);" \
	"disk free $(df -h --output=avail "$BENCH_DATA" | tail -1 | tr -d ' ')"
echo "-- rescan command: $REJUDGE; full: $REJUDGE_FULL"

# inputs: the tracker, its database, the two releases' base hosts, the update
db=$(bench_tracker_db)
json=$(bench_tracker_json)
for rel in bookworm bullseye; do
	st=$BENCH_DATA/host-2000-$rel.status
	[ "$rel" = bookworm ] && st=$BENCH_DATA/host-2000.status
	[ -s "$st" ] || "$BENCH_BIN/bench_scan" --scans 1 --store-scans 0 --hosts 0 \
		--write-status "$st" "$db" "$rel" >/dev/null
done
status_args=(--status "bookworm=$BENCH_DATA/host-2000.status"
	--status "bullseye=$BENCH_DATA/host-2000-bullseye.status")
upd=$BENCH_DATA/tracker-update-1pc.json
if [ ! -s "$upd" ] || [ "$json" -nt "$upd" ] || [ "$SRC/bench/gen_tracker_update.py" -nt "$upd" ]; then
	python3 "$SRC/bench/gen_tracker_update.py" "$json" "$upd.tmp" 2>"$W/update.txt"
	mv "$upd.tmp" "$upd"
	cp "$W/update.txt" "$upd.txt"
fi
changed=$(sed -n 's/.*removed): //p' "$upd.txt")
echo "-- tracker update: $(sed 's/): .*/)/' "$upd.txt")"

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
declare -A R

# timed KEY CMD...: runs CMD with VIGIE_DB set, output to $W/KEY.out;
# R[KEY]="wall user+sys peakRSS_MB"
timed() {
	local key=$1
	shift
	if ! /usr/bin/time -f '%e %U %S %M' -o "$W/$key.time" "$@" >"$W/$key.out" 2>"$W/$key.err"; then
		echo "failed: $* : $(tail -3 "$W/$key.err")" >&2
		exit 2
	fi
	R[$key]=$(awk '{ printf "%.2f %.2f %.0f", $1, $2 + $3, $4 / 1024 }' "$W/$key.time")
}
fmt() { # fmt KEY: "W s wall, C s CPU, peak RSS M MB"
	local -a v
	read -ra v <<<"${R[$1]}"
	printf '%.2f s wall, %.2f s CPU, peak RSS %d MB' "${v[0]}" "${v[1]}" "${v[2]}"
}
wall() { local -a v; read -ra v <<<"${R[$1]}"; echo "${v[0]}"; }
cpu() { local -a v; read -ra v <<<"${R[$1]}"; echo "${v[1]}"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

sql() { # sql DRIVER URL QUERY
	if [ "$1" = sqlite ]; then
		python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$2" "$3"
	else
		psql -X -A -t "$2" -c "$3"
	fi
}
sql_rows() { # sql_rows DRIVER URL QUERY: the first column of every row
	if [ "$1" = sqlite ]; then
		python3 -c 'import sqlite3,sys; [print(r[0]) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])]' "$2" "$3"
	else
		psql -X -A -t "$2" -c "$3"
	fi
}
sql_exec() { # sql_exec DRIVER URL STATEMENT: committed
	if [ "$1" = sqlite ]; then
		python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()' "$2" "$3"
	else
		psql -X -q -v ON_ERROR_STOP=1 "$2" -c "$3" >/dev/null
	fi
}
dbsize() { # dbsize DRIVER URL: MB on disk
	if [ "$1" = sqlite ]; then
		du -cm "$2"* | tail -1 | cut -f1
	else
		psql -X -A -t "$2" -c "SELECT pg_database_size(current_database()) / 1048576"
	fi
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# fresh_store DRIVER NAME: a store holding the tracker alone; prints its URL
fresh_store() {
	if [ "$1" = sqlite ]; then
		cp "$db" "$W/$2.db"
		rm -f "$W/$2.db-wal" "$W/$2.db-shm"
		echo "$W/$2.db"
	else
		psql -X -q "$VIGIE_TEST_PG_URL/postgres" -c "CREATE DATABASE $2 TEMPLATE tracker" >/dev/null
		echo "$VIGIE_TEST_PG_URL/$2"
	fi
}
copy_store() { # copy_store DRIVER URL NAME: a copy of the store at URL; prints its URL
	if [ "$1" = sqlite ]; then
		python3 -c 'import sqlite3,sys; s=sqlite3.connect(sys.argv[1]); d=sqlite3.connect(sys.argv[2]); s.backup(d); d.close(); s.close()' \
			"$2" "$W/$3.db"
		echo "$W/$3.db"
	else
		psql -X -q "$VIGIE_TEST_PG_URL/postgres" -c "CREATE DATABASE $3 TEMPLATE ${2##*/}" >/dev/null
		echo "$VIGIE_TEST_PG_URL/$3"
	fi
}
drop_store() { # drop_store DRIVER NAME
	if [ "$1" = sqlite ]; then
		rm -f "$W/$2.db" "$W/$2.db-wal" "$W/$2.db-shm"
	else
		psql -X -q "$VIGIE_TEST_PG_URL/postgres" -c "DROP DATABASE $2" >/dev/null
	fi
}

# serve_rss DRIVER URL KEY: vigie serve on URL, GET / and /api/v1/hosts as
# an operator, then its RSS (VmRSS, VmHWM)
serve_rss() {
	local drv=$1 url=$2 key=$3 port op i out
	VIGIE_DB=$url "$VIGIE" users add "op-$key" --operator >/dev/null
	op=$(VIGIE_DB=$url "$VIGIE" tokens create --user "op-$key" 2>/dev/null)
	port=$(free_port)
	VIGIE_DB=$url "$VIGIE" serve --listen "127.0.0.1:$port" --threads 4 --rate 1000000000 \
		2>"$W/serve-$key.log" &
	srv_pid=$!
	for ((i = 0; i < 300; i++)); do
		"$HTTP" --count 1 --conns 1 "127.0.0.1:$port" /healthz 2>/dev/null | grep -q 'errors 0' && break
		sleep 0.1
	done
	[ "$i" != 300 ] || { echo "vigie serve did not answer: $(tail -3 "$W/serve-$key.log")" >&2; exit 2; }
	R[$key.rss0]=$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$srv_pid/status")
	for p in / /api/v1/hosts; do
		out=$("$HTTP" --conns 2 --count 50 --header "Authorization: Bearer $op" "127.0.0.1:$port" "$p")
		R[$key.get$p]=$out
	done
	R[$key.rss]=$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$srv_pid/status")
	R[$key.hwm]=$(awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$srv_pid/status")
	kill "$srv_pid"
	wait "$srv_pid" 2>/dev/null || true
	srv_pid=""
	echo "-- $drv: vigie serve after GET / and /api/v1/hosts (50 each): RSS ${R[$key.rss]} MB," \
		"peak ${R[$key.hwm]} MB (${R[$key.rss0]} MB before the requests); GET /: ${R[$key.get/]};" \
		"GET /api/v1/hosts: ${R[$key.get/api/v1/hosts]}"
}

# measure DRIVER N PKGS SERVE: one whole run at N hosts of PKGS packages
measure() {
	local drv=$1 n=$2 np=$3 serve=$4 key=$1.$2 name url t0 touched
	name=fleet_${n}_$np
	url=$(fresh_store "$drv" "$name")
	export VIGIE_DB=$url
	t0=$EPOCHREALTIME
	python3 "$SRC/bench/gen_fleet.py" "${status_args[@]}" --hosts "$n" --packages "$np" \
		>"$W/plant.sql" 2>"$W/plant.txt"
	if [ "$drv" = sqlite ]; then
		python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(open(sys.argv[2]).read()); c.close()' \
			"$url" "$W/plant.sql"
	else
		psql -X -q -v ON_ERROR_STOP=1 "$url" -f "$W/plant.sql" >/dev/null
		# as autovacuum would soon after: statistics and the visibility map
		psql -X -q "$url" -c 'VACUUM ANALYZE' >/dev/null
	fi
	echo "-- $drv, $n hosts x $np packages: planted in $(secs "$t0" "$EPOCHREALTIME") s;" \
		"$(tail -1 "$W/plant.txt" | sed 's/^gen_fleet.py: //')"
	rm -f "$W/plant.sql"
	R[$key.size0]=$(dbsize "$drv" "$url")
	# the update of (d): the 1 % one, or at the big size with
	# FLEET_BIG_HELD=K one whose 1 % holds K of the sources the first 200
	# planted hosts hold (with few packages a random 1 % misses them all)
	local u=$upd ch=$changed
	if [ "$n" = "$big" ] && [ "${FLEET_BIG_HELD:-0}" -gt 0 ]; then
		sql_rows "$drv" "$url" "SELECT DISTINCT source FROM host_packages WHERE host_id <= 200" \
			>"$W/held.txt"
		u=$W/update-held.json
		python3 "$SRC/bench/gen_tracker_update.py" "$json" "$u" --held "$W/held.txt" \
			--held-count "$FLEET_BIG_HELD" 2>"$W/update-held.txt"
		ch=$(sed -n 's/.*removed): //p' "$W/update-held.txt")
		echo "   the update of (d) here: $(sed 's/): .*/)/' "$W/update-held.txt"), $FLEET_BIG_HELD of them held"
	fi
	touched=$(sql "$drv" "$url" "SELECT count(DISTINCT source) FROM host_packages WHERE source IN ('${ch// /"','"}')")
	R[$key.touched]=$touched
	echo "   store: ${R[$key.size0]} MB (tracker included; $(du -m "$db" | cut -f1) MB of it);" \
		"sources of the fleet among those the update changes: $touched; load average $(bench_load)"

	# shellcheck disable=SC2086 # REJUDGE is a command line
	timed "$key.a" $REJUDGE
	echo "   (a) first judgement: $(fmt "$key.a"); $(head -1 "$W/$key.a.out")"
	R[$key.findings]=$(sql "$drv" "$url" "SELECT count(*) FROM finding_history")
	R[$key.size1]=$(dbsize "$drv" "$url")
	echo "       finding history: ${R[$key.findings]} rows; store ${R[$key.size1]} MB; load average $(bench_load)"
	timed "$key.b" env VIGIE_FLEET_PER_HOST=1 "$VIGIE" fleet --format json
	echo "   (b) vigie fleet --format json, per host: $(fmt "$key.b"); $(wc -c <"$W/$key.b.out") bytes"
	timed "$key.b2" "$VIGIE" fleet --format json
	echo "   (b2) vigie fleet --format json, shared: $(fmt "$key.b2");" \
		"$(cmp -s "$W/$key.b.out" "$W/$key.b2.out" && echo "the same output" || echo "OUTPUT DIFFERS")"
	rm -f "$W/$key.b.out" "$W/$key.b2.out"
	# shellcheck disable=SC2086
	timed "$key.c" $REJUDGE
	echo "   (c) rescan, nothing changed: $(fmt "$key.c"); $(head -1 "$W/$key.c.out")"
	timed "$key.d0" "$VIGIE" db import --tracker-json "$u" --no-rejudge
	echo "   (d) tracker update (1% of sources), imported: $(fmt "$key.d0")"
	# the baseline of (d): every host judged in full on the same update,
	# on a copy of the store as the import left it
	local copy
	copy=$(copy_store "$drv" "$url" "${name}_d1")
	# shellcheck disable=SC2086
	timed "$key.d" $REJUDGE
	echo "       and its re-verdict: $(fmt "$key.d"); $(head -1 "$W/$key.d.out")"
	# shellcheck disable=SC2086
	timed "$key.d1" env VIGIE_DB="$copy" $REJUDGE_FULL
	drop_store "$drv" "${name}_d1"
	echo "   (d1) full rescan of that update instead (on a copy): $(fmt "$key.d1"); $(head -1 "$W/$key.d1.out")"
	# shellcheck disable=SC2086
	timed "$key.e" $REJUDGE_FULL
	echo "   (e) full rescan, same data: $(fmt "$key.e"); $(head -1 "$W/$key.e.out")"
	# the per-host baseline from the same state: no host's findings
	# digest (as (e) found them, after (d)'s partial judgements)
	sql_exec "$drv" "$url" "UPDATE host_summary SET facts_digest = NULL"
	# shellcheck disable=SC2086
	timed "$key.f" env VIGIE_FLEET_PER_HOST=1 $REJUDGE_FULL
	echo "   (f) full rescan, per host: $(fmt "$key.f"); $(head -1 "$W/$key.f.out")"
	# shellcheck disable=SC2086
	timed "$key.g" $REJUDGE_FULL
	echo "   (g) full rescan again (findings digests in place): $(fmt "$key.g"); $(head -1 "$W/$key.g.out")"
	echo "       load average $(bench_load)"
	[ "$serve" = 1 ] && serve_rss "$drv" "$url" "$key"
	unset VIGIE_DB
	[ "${FLEET_KEEP:-0}" = 1 ] || drop_store "$drv" "$name"
}

# goal10k SECONDS N: the full-rescan goal (10,000 hosts of 2,000
# packages in 10 s) against a run of N hosts of $pkgs packages
goal10k() {
	awk -v a="$1" -v n="$2" -v p="$([ "$2" = "$big" ] && echo "$big_pkgs" || echo "$pkgs")" 'BEGIN {
		if (p != 2000) print "(goal is at 10,000 hosts of 2,000 packages; these have " p ")"
		else if (n < 10000) print "(goal is at 10,000; " (a * 10000 / n <= 10 ? "on course" : "NOT on course") ", " sprintf("%.0f", a * 10000 / n) " s pro rata)"
		else if (n == 10000) print (a <= 10 ? "met" : "NOT met")
		else print "(goal is at 10,000 hosts)" }'
}

report() { # report DRIVER N
	local d=$1 n=$2 k=$1.$2 a b b2 c dd e f
	a=$(wall "$k.a") b=$(wall "$k.b") b2=$(wall "$k.b2") c=$(wall "$k.c") dd=$(wall "$k.d")
	e=$(wall "$k.e") f=$(wall "$k.f")
	echo "== $d at $n hosts, load average $(bench_load) on $(nproc) CPU(s)"
	echo "   baseline vigie fleet, per host (no writes): $b s (CPU $(cpu "$k.b") s);" \
		"shared per (source, version): $b2 s (CPU $(cpu "$k.b2") s), $(ratio "$b" "$b2")x"
	echo "   (a) first judgement of every host: $a s (CPU $(cpu "$k.a") s), $(ratio "$b" "$a")x the per-host fleet path's speed"
	echo "   (e) full rescan, history in place: $e s (CPU $(cpu "$k.e") s); per host (f): $f s (CPU $(cpu "$k.f") s), $(ratio "$f" "$e")x;" \
		"goal <= 10 s at 10,000 hosts: $(goal10k "$e" "$n")"
	echo "   (g) full rescan again, findings digests in place: $(wall "$k.g") s (CPU $(cpu "$k.g") s), $(ratio "$f" "$(wall "$k.g")")x (f);" \
		"goal <= 10 s at 10,000 hosts: $(goal10k "$(wall "$k.g")" "$n")"
	echo "   (c) rescan with nothing changed: $c s, $(ratio "$a" "$c")x faster than (a)"
	echo "   (d) re-verdict after a 1% tracker update: $dd s (CPU $(cpu "$k.d") s; the import before it $(wall "$k.d0") s);" \
		"baseline (d1) full rescan of the same update $(wall "$k.d1") s: $(ratio "$(wall "$k.d1")" "$dd")x;" \
		"goal <= 2 s at 100,000 hosts: $(if [ "${R[$k.touched]:-0}" = 0 ]; then
			echo "not measured (the update changes no source these hosts hold)"
		else awk -v r="$dd" -v n="$n" 'BEGIN { print (n < 100000 ? "(goal is at 100,000; " sprintf("%.0f", r * 100000 / n) " s pro rata)" : (r <= 2 ? "met" : "NOT met")) }'; fi)"
	if [ -n "${R[$k.rss]:-}" ]; then
		echo "   vigie serve RSS after the fleet page and /api/v1/hosts: ${R[$k.rss]} MB (peak ${R[$k.hwm]} MB);" \
			"goal <= 4 GB at 100,000 hosts: $(awk -v m="${R[$k.hwm]}" -v n="$n" 'BEGIN { print (n < 100000 ? "(goal is at 100,000 hosts)" : (m <= 4096 ? "met" : "NOT met")) }')"
	fi
	echo "   store ${R[$k.size0]} MB planted, ${R[$k.size1]} MB judged (${R[$k.findings]} finding history rows)"
}

run_driver() { # run_driver DRIVER SIZES
	local d=$1 sizes=$2 last="" n dobig=0
	[ "$big" != 0 ] && [[ " $big_drivers " == *" $d "* ]] && dobig=1
	[ -n "$sizes" ] || [ "$dobig" = 1 ] || return 0
	[ -n "$sizes" ] && last=${sizes##* }
	for n in $sizes; do
		measure "$d" "$n" "$pkgs" "$([ "$n" = "$last" ] && [ "$dobig" = 0 ] && echo 1 || echo 0)"
	done
	[ "$dobig" = 1 ] && measure "$d" "$big" "$big_pkgs" 1
	for n in $sizes; do report "$d" "$n"; done
	if [ "$dobig" = 1 ]; then
		echo "   ($big hosts with $big_pkgs packages each, not $pkgs)"
		report "$d" "$big"
	fi
	return 0
}

run_driver sqlite "$sqlite_sizes"
if [ -n "$pg_sizes" ] || [[ " $big_drivers " == *" postgresql "* && "$big" != 0 ]]; then
	pg_dir=$W/pg
	bash "$SRC/tests/pg/cluster.sh" start "$pg_dir" >/dev/null
	if [ -f "$pg_dir/env" ]; then
		set -a; . "$pg_dir/env"; set +a
		psql -X -q "$VIGIE_TEST_PG_URL/postgres" -c "CREATE DATABASE tracker" >/dev/null
		t0=$EPOCHREALTIME
		VIGIE_DB=$VIGIE_TEST_PG_URL/tracker "$VIGIE" db import --tracker-json "$json" >/dev/null
		psql -X -q "$VIGIE_TEST_PG_URL/tracker" -c 'VACUUM ANALYZE' >/dev/null
		echo "-- postgresql: tracker imported in $(secs "$t0" "$EPOCHREALTIME") s (the template of each store)"
		run_driver postgresql "$pg_sizes"
	else
		echo "-- PostgreSQL not installed: SQLite only"
	fi
fi
echo "load average after: $(bench_load) on $(nproc) CPU(s)"
