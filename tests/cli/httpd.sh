# Start/stop the loopback test server (tests/cli/httpd.py).
# httpd_start ROOT: sets HTTPD_PID, HTTPD_PORT, HTTPD_URL, HTTPD_LOG.
httpd_start() {
	HTTPD_LOG="$T/httpd.log"
	: >"$HTTPD_LOG"
	rm -f "$T/httpd.port"
	python3 "$VIGIE_SRCDIR/tests/cli/httpd.py" "$1" "$T/httpd.port" "$HTTPD_LOG" 120 &
	HTTPD_PID=$!
	for _ in $(seq 1 100); do
		[ -s "$T/httpd.port" ] && break
		sleep 0.1
	done
	if [ ! -s "$T/httpd.port" ]; then
		echo "cannot start the test HTTP server" >&2
		kill "$HTTPD_PID" 2>/dev/null
		exit 1
	fi
	HTTPD_PORT=$(cat "$T/httpd.port")
	HTTPD_URL="http://127.0.0.1:$HTTPD_PORT"
	trap 'kill "$HTTPD_PID" 2>/dev/null || true; wait "$HTTPD_PID" 2>/dev/null || true; rm -rf "$T"' EXIT
	return 0
}
