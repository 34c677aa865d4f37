#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite: initdb into a
# temporary directory as an unprivileged user, listening on 127.0.0.1 and
# a free port only, password authentication (scram) through a pgpass file.
#   cluster.sh start DIR   writes DIR/env (VIGIE_TEST_PG_URL, PGPASSFILE)
#   cluster.sh stop DIR    stops it and removes DIR
# Without PostgreSQL's server binaries, start writes no env file: the
# PostgreSQL tests then report themselves skipped.
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?directory}

bindir() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		[ -x "$d/initdb" ] && { echo "$d"; return 0; }
	done
	command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
	return 1
}

as_owner() { # run a command as the cluster's owner
	if [ "$(id -u)" = 0 ]; then
		runuser -u nobody -- "$@"
	else
		"$@"
	fi
}

case "$cmd" in
start)
	"$0" stop "$dir" >/dev/null 2>&1 || true
	if ! bin=$(bindir); then
		echo "PostgreSQL server binaries not installed: PostgreSQL tests will be skipped"
		exit 0
	fi
	mkdir -p "$dir"
	chmod 0755 "$dir"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	pw=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
	mkdir -p "$dir/data" "$dir/sock"
	printf '%s\n' "$pw" > "$dir/pwfile"
	if [ "$(id -u)" = 0 ]; then chown -R nobody "$dir/data" "$dir/sock" "$dir/pwfile"; fi
	chmod 0700 "$dir/data"
	as_owner "$bin/initdb" -D "$dir/data" -U vigie --pwfile="$dir/pwfile" \
		--auth=scram-sha-256 --locale=C.UTF-8 -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log"; exit 1; }
	rm -f "$dir/pwfile"
	as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/sock/server.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $dir/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
		start >/dev/null
	printf '127.0.0.1:%s:*:vigie:%s\n' "$port" "$pw" > "$dir/pgpass"
	chmod 0600 "$dir/pgpass"
	{
		echo "VIGIE_TEST_PG_URL=postgresql://vigie@127.0.0.1:$port"
		echo "PGPASSFILE=$dir/pgpass"
		echo "VIGIE_TEST_PG_BIN=$bin"
	} > "$dir/env"
	echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)"
	;;
stop)
	if [ -d "$dir/data" ] && bin=$(bindir); then
		as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
