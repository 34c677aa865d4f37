#!/usr/bin/env bash
# vigie feeds / vigie alerts against a loopback HTTP server started here:
# conditional GET (304), gzip, HTTP 500, a stalled server, a 50 MB body,
# a redirect loop, malformed XML, XXE and billion laughs, 200,000
# attributes on one element, EBCDIC, ISO-8859-1;
# re-polling stores nothing twice; matching, coverage, alerts sent once.
. "$(dirname "$0")/lib.sh"
set -e
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }

FEEDS="$TESTDATA/feeds"
mkdir -p "$T/srv"
python3 "$VIGIE_SRCDIR/tests/cli/feeds_server.py" "$FEEDS" "$T/srv" &
SRV=$!
trap 'kill $SRV 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 100); do [ -s "$T/srv/port" ] && break; sleep 0.1; done
PORT=$(cat "$T/srv/port")
U="http://127.0.0.1:$PORT"
export VIGIE_SERVICES="$FEEDS/services.conf"

count_items() { "$VIGIE" feeds items --format json 2>/dev/null | grep -c '"first_seen"' || true; }

run feeds add "$U/f/dsa.rdf" --name dsa --debian; expect_rc 0 "add dsa"
run feeds add "$U/f/dsa.rdf" --name again; expect_rc 0 "add twice"
expect_out "already present" "duplicate URL reported"
run feeds add "ftp://127.0.0.1/x"; expect_rc 2 "ftp refused"
expect_err "bad feed URL" "ftp refused: reason"
run feeds add "$U/f/rss2.xml" --name vendor --service nginx --service redis; expect_rc 0 "add rss2"
run feeds add "$U/redirect/atom.xml" --name atom; expect_rc 0 "add atom"
run feeds add "$U/gz/latin1.xml" --name latin1; expect_rc 0 "add latin1"
for x in status/500:e500 stall:stall big:big loop:loop f/malformed.xml:malformed \
	 f/xxe.xml:xxe f/billion.xml:billion attrs:attrs ebcdic:ebcdic; do
	run feeds add "$U/${x%%:*}" --name "${x##*:}" --no-check; expect_rc 0 "add ${x##*:}"
done
# added feeds are checked once: an error answer is refused, an unreachable
# network only warned about
run feeds add "$U/f/none.xml" --name missing; expect_rc 2 "a 404 is refused"
expect_err "none.xml: HTTP 404" "the 404 is reported"
expect_err "was not added" "the feed was not added"
run feeds list; expect_no_out "missing" "the refused feed is not listed"
run feeds add "$U/status/500" --name e500b; expect_rc 2 "a 500 is refused"
run feeds add "$T/no-such.xml" --name nofile; expect_rc 2 "a missing file is refused"
run feeds add "http://127.0.0.1:1/feed.xml" --name down; expect_rc 0 "unreachable: added"
expect_err "warning: .*added all the same" "unreachable: a warning"
run feeds remove down; expect_rc 0 "remove the unreachable feed"

START=$(date +%s)
run feeds poll --timeout 2; expect_rc 2 "poll with failing feeds"
END=$(date +%s)
[ $((END - START)) -lt 15 ] && ok || ko "poll took $((END - START)) s (timeouts not applied)"
expect_out "^dsa: ok, 4 items, 4 new$" "dsa polled"
expect_out "^vendor: ok, 3 items, 3 new$" "rss2 polled (one item rejected)"
expect_out "^atom: ok, 2 items, 2 new$" "atom through a redirect"
expect_out "^latin1: ok, 1 item, 1 new$" "gzip + ISO-8859-1"
expect_out "^e500: error: HTTP 500" "500 reported"
expect_out "^stall: error: .*(timed out|too slow)" "stalled server times out"
expect_out "^big: error: body larger than 16777216 bytes" "size cap"
expect_out "^loop: error: .*[Rr]edirect" "redirect limit"
expect_out "^malformed: error: .*malformed.xml:[0-9]+: malformed XML" "malformed XML named with line"
expect_out "^xxe: error: .*declares entities" "XXE refused"
expect_out "^billion: error: .*declares entities" "billion laughs refused"
expect_out "^attrs: error: $U/attrs:3: element <item> has more than 256 attributes" \
	"many attributes refused with URL and line"
expect_out "^ebcdic: error: $U/ebcdic:1: not an XML document in UTF-8.*EBCDIC" "EBCDIC refused"
expect_err "rss2.xml:26: item without title, link or id: skipped" "rejected item named with line"
expect_err "dsa.rdf:37: unparsable date" "bad date is a warning"
grep -q "root:" "$T/srv/requests" && ko "file content leaked" || ok
expect_eq "$(count_items)" 10 "items stored"
run feeds items --format json
expect_out '"title": "Mise à jour de sécurité pour samba"' "latin1 came out as UTF-8"

# Second poll: the failing feeds back off, the others answer 304; nothing
# is stored twice.
run feeds poll --timeout 2; expect_rc 2 "second poll: feeds backing off still count as failing"
expect_out "^dsa: not modified$" "304 on conditional GET"
expect_out "^e500: skipped, backing off until 2026-11-27T09:05:00Z" "backoff"
grep -Eq '^GET /f/dsa.rdf 304 "' "$T/srv/requests" && ok || ko "no If-None-Match sent"
expect_eq "$(count_items)" 10 "re-polling stores nothing twice"
VIGIE_NOW=2026-11-28T09:00:00Z run feeds poll --force --timeout 2
expect_rc 2 "forced poll: the same exit status"
expect_out "^e500: error: HTTP 500 \(next poll 2026-11-28T09:10:00Z\)" "backoff doubles"
expect_eq "$(count_items)" 10 "forced re-poll stores nothing twice"

run feeds list --format json; expect_rc 0 "list json"
expect_out '"schema": "vigie.feeds.list/1"' "list schema"
expect_out '"last_error": "HTTP 500"' "last error listed"
expect_out '"services": \[' "services listed as an array"
run feeds list; expect_out "last success: 2026-11-2[78]T09:00:00Z" "last success listed"
expect_out "^  services: +nginx, redis$" "services listed"

# The fleet, stored by the hosts module: web1 runs apache2 from Debian, db1
# PostgreSQL and an in-house app, fr1 OpenSSL and samba (no samba package).
run hosts add web1 --status "$FEEDS/hosts/web1.status" --release bookworm; expect_rc 0 "web1"
run hosts add db1 --status "$FEEDS/hosts/db1.status" --release bookworm; expect_rc 0 "db1"
run hosts service add db1 custom-app; expect_rc 0 "db1 custom-app"
run hosts add fr1 --status "$FEEDS/hosts/fr1.status" --release bookworm; expect_rc 0 "fr1"
run hosts service add fr1 samba; expect_rc 0 "fr1 samba"
run feeds _fixture web9; expect_rc 2 "no hidden fixture command"

run feeds items --host web1 --format json; expect_rc 0 "items for web1"
expect_out '"title": "DSA-6101 apache2"' "apache2 advisory for web1"
expect_no_out '"title": "DSA-6100-2' "openssl advisory not for web1"
run feeds items --format json
expect_out '"advisory": "DSA-6100-2"' "advisory id"
run feeds items --since 2026-12-01; expect_out "^no items$" "--since"

# The vendor feed is tagged nginx and redis: its nginx item concerns an
# nginx host, its Redis item does not (it names its own service), and its
# item naming no service stands for the feed's tag.
run hosts service add db1 nginx; expect_rc 0 "db1 runs nginx"
run feeds items --host db1 --format json; expect_rc 0 "items for db1"
expect_out '"title": "nginx 1.27.4 fixes' "the nginx item concerns an nginx host"
expect_no_out '"title": "Redis 7.4.9 security release"' "an item naming redis is not nginx's"
expect_out '"title": "Notes without a link"' "an item naming no service takes the feed's tag"
run hosts service remove db1 nginx; expect_rc 0 "db1 nginx removed"

# a feed for the Apache service, given by an alias
run feeds add "$U/f/none.xml" --name httpd-news --service httpd --no-check; expect_rc 0 "feed by alias"
run feeds coverage; expect_rc 1 "uncovered services exit 1"
expect_out "^covered +web1 +Apache HTTP Server +dsa, httpd-news$" "alias covers the service"
expect_eq "$(printf '%s\n' "$OUT" | head -2 | awk '{print $1" "$2" "$3}')" \
	"$(printf 'UNCOVERED db1 custom-app\nUNCOVERED fr1 samba')" "uncovered listed first"
expect_out "^covered +db1 +PostgreSQL +dsa" "Debian feed covers Debian packages"
expect_out "^covered +web1 +Apache HTTP Server +dsa" "apache2 covered by dsa"
run feeds coverage --format json; expect_out '"uncovered": 2' "coverage json"

# Alerts: fake sendmail appends to a file and records its arguments.
cat >"$T/sendmail" <<EOF
#!/bin/sh
printf '%s\n' "\$@" >"$T/args"
cat >>"$T/mail"
echo "--END--" >>"$T/mail"
EOF
chmod +x "$T/sendmail"
# no shell: quotes group words, nothing is expanded
printf '[sla]\ncritical = 2\n\n[alerts]\nsendmail = %s -t '"'"'a b'"'"' "$(id -u)"\nto = ops@example.org\nfrom = vigie@example.org\nwebhook = %s/webhook\n' \
	"$T/sendmail" "$U" >"$T/vigie.conf"
export VIGIE_CONFIG="$T/vigie.conf"

# the mail command: shell syntax refused with file and line, a config
# others could have written refused, a failing command reported
printf '[alerts]\nto = ops@example.org\nsendmail = %s -t $(id -u)\n' "$T/sendmail" >"$T/shell.conf"
VIGIE_CONFIG="$T/shell.conf" run alerts --format mail
expect_rc 2 "shell syntax in the mail command"
expect_err "shell\.conf:3: command: '\\\$' is shell syntax" "shell syntax: file, line, reason"
[ -e "$T/mail" ] && ko "shell syntax: mail sent" || ok
cp "$T/vigie.conf" "$T/gw.conf"
chmod 0664 "$T/gw.conf"
VIGIE_CONFIG="$T/gw.conf" run alerts --format mail
expect_rc 2 "group-writable vigie.conf"
expect_err "gw\.conf: refused: writable by group or others \(mode 0664\)" "group-writable: names the file"
chmod 0646 "$T/gw.conf"
VIGIE_CONFIG="$T/gw.conf" run alerts --format mail
expect_err "gw\.conf: refused: writable by group or others" "world-writable refused"
if [ "$(id -u)" = 0 ]; then
	cp "$T/vigie.conf" "$T/other.conf"
	chown 65534 "$T/other.conf"
	VIGIE_CONFIG="$T/other.conf" run alerts --format mail
	expect_rc 2 "vigie.conf owned by another user"
	expect_err "other\.conf: refused: owned by uid 65534" "other owner: names the file"
fi
[ -e "$T/mail" ] && ko "refused configs: mail sent" || ok
printf '#!/bin/sh\ncat >/dev/null\nexit 3\n' >"$T/failing"
chmod +x "$T/failing"
printf '[alerts]\nto = ops@example.org\nsendmail = %s\n' "$T/failing" >"$T/fail.conf"
VIGIE_CONFIG="$T/fail.conf" run alerts --format mail
expect_rc 2 "failing mail command"
expect_err "failing' exited with status 3" "failing command: its status"
printf '[alerts]\nto = ops@example.org\nsendmail = %s\n' "$T/no-such-mailer" >"$T/absent.conf"
VIGIE_CONFIG="$T/absent.conf" run alerts --format mail
expect_rc 2 "absent mail command"
expect_err "cannot run '.*no-such-mailer': No such file" "absent command: named"
run feeds items --new --host web1; expect_out "DSA-6101 apache2" "--new before alerts"
run alerts --format mail --dry-run; expect_rc 0 "dry run"
expect_out "^Subject: vigie: 5 new advisories for 3 hosts$" "dry run prints the message"
[ -e "$T/mail" ] && ko "dry run sent mail" || ok
run alerts --format mail; expect_rc 0 "alerts mail"
expect_eq "$(grep -c -- '--END--' "$T/mail")" 1 "one message sent"
expect_eq "$(cat "$T/args")" "$(printf -- '-t\na b\n$(id -u)')" "mail command's words, not expanded"
grep -q "^To: ops@example.org$" "$T/mail" && ok || ko "To header"
grep -q "^  - \[dsa\] DSA-6101 apache2$" "$T/mail" && ok || ko "item in body"
run feeds items --new --host web1; expect_out "^no items$" "--new: web1 alerted"
run feeds items --new; expect_out "DSA-6099-1 nncp" "--new: items concerning nobody stay new"
run alerts --format mail; expect_rc 0 "alerts again"
expect_eq "$(grep -c -- '--END--' "$T/mail")" 1 "nothing new, nothing sent"
run alerts; expect_out "^no new alerts$" "text: nothing new"

# A new host with apache2: alerted once, through the webhook.
run hosts add web2 --status "$FEEDS/hosts/web2.status" --release bookworm; expect_rc 0 "web2"
run alerts --format json --webhook; expect_rc 0 "webhook"
expect_out '"host": "web2"' "json alert for web2"
grep -q '"schema": "vigie.alerts/1"' "$T/srv/webhook" && ok || ko "webhook body"
run alerts --format json; expect_out '"hosts": \[' "json when nothing new"
expect_no_out '"web2"' "web2 alerted once"

run feeds remove vendor; expect_rc 0 "remove by name"
run feeds remove vendor; expect_rc 2 "remove unknown"
run feeds add --defaults --catalogue "$VIGIE_SRCDIR/data/feeds.conf"; expect_rc 0 "defaults"
expect_out "added debian-dsa \(https://www.debian.org/security/dsa.rdf\)" "catalogue"

finish
