#!/usr/bin/env bash
# vigie history: events from dpkg.log rotations and apt history, formats,
# histogram, store, and bad input (exit 2 naming file:line).
. "$(dirname "$0")/lib.sh"
set -e
export TZ=UTC
unset VIGIE_CONFIG
ROOT="$TESTDATA/history/root"

run history --help; expect_rc 0 "help"
expect_out "usage: vigie history" "help text"
run history --format yaml --root "$ROOT"; expect_rc 2 "bad format"
expect_err "--format: expected text, json, csv or html, got 'yaml'" "format message lists the formats"
run history --since yesterday --root "$ROOT"; expect_rc 2 "bad since"
expect_err "bad --since 'yesterday'" "since message"
run history --until 2026-13-01 --root "$ROOT"; expect_rc 2 "bad until"
expect_err "bad --until '2026-13-01'" "until message"
run history --root "$ROOT" extra; expect_rc 2 "stray argument"
run history --year 2026 --root "$ROOT"; expect_rc 2 "year without histogram"
run history --dpkg-log "$T/missing.log"; expect_rc 2 "missing file"
expect_err "missing.log" "names the file"

printf 'hello\nthis is not a dpkg log\n' > "$T/notalog"
run history --dpkg-log "$T/notalog"; expect_rc 2 "not a dpkg log"
expect_err "notalog:1: not a dpkg log" "file:line of a foreign file"
run history --apt-history "$T/notalog"; expect_rc 2 "not an apt history"
expect_err "notalog:1: not an apt history" "file:line of a foreign apt file"

mkdir -p "$T/emptyroot"
run history --root "$T/emptyroot"; expect_rc 0 "no logs is not an error"
expect_err "warning: no dpkg.log under .*/emptyroot/var/log" "but it is said"

# Fixture: three rotations (.2.gz, .1, live) with one upgrade duplicated
# across .2.gz/.1, a clock going backwards, a garbage line and a truncated
# last line.
run history --root "$ROOT" --format json; expect_rc 0 "json"
expect_eq "$(printf '%s' "$OUT" | jq -r .schema)" "vigie.history/1" "schema"
expect_eq "$(printf '%s' "$OUT" | jq -r .host)" "web01" "host from etc/hostname"
expect_eq "$(printf '%s' "$OUT" | jq '.events | length')" "8" "events"
expect_eq "$(printf '%s' "$OUT" | jq '[.events[] | select(.action == "upgrade")] | length')" "3" "upgrades, duplicate dropped"
expect_eq "$(printf '%s' "$OUT" | jq -r '.events[0] | [.time, .action, .package, .arch, .old_version, .new_version] | join(" ")')" \
	"2026-01-10T10:00:01Z install libfoo1 amd64  1.0-1" "first event"
expect_eq "$(printf '%s' "$OUT" | jq -r '.events[0].transaction.requested_by')" "alice (1000)" "transaction linked"
expect_eq "$(printf '%s' "$OUT" | jq -r '.events[7].transaction.error')" \
	"Sub-process /usr/bin/dpkg returned an error code (1)" "apt error kept"
expect_eq "$(printf '%s' "$OUT" | jq -r '.events[7].action')" "purge" "purge event"
expect_err "dpkg.log.1:5: clock went backwards" "backwards clock warning"
expect_err "dpkg.log.1:6: not a dpkg.log line" "garbage warning"
expect_err "dpkg.log:7: truncated last line" "partial line warning"

run history --root "$ROOT" --format csv; expect_rc 0 "csv"
expect_eq "$(printf '%s\n' "$OUT" | head -1 | tr -d '\r')" \
	"time,action,package,arch,old_version,new_version,commandline,requested_by" "csv header"
expect_eq "$(printf '%s\n' "$OUT" | wc -l)" "9" "csv rows"
expect_out '^2026-04-08T10:00:01Z,purge,bar,all,2.0-1\+deb13u1,,apt-get purge bar old,alice \(1000\)' "csv purge row"

run history --root "$ROOT" --since 2026-02-01 --until 2026-04-07; expect_rc 0 "period"
expect_out "^2026-02-06 12:00:00  upgrade +bar:all +2.0-1 -> 2.0-1\+deb13u1" "text event"
expect_out "^2026-04-07 09:00:00  upgrade +baz" "until date includes the day"
expect_no_out "remove" "after until"
expect_out "^2 events" "count"

# explicit files instead of the root's
run history --dpkg-log "$ROOT/var/log/dpkg.log" --format json; expect_rc 0 "one file"
expect_eq "$(printf '%s' "$OUT" | jq '.events | length')" "3" "one file's events"
expect_eq "$(printf '%s' "$OUT" | jq '.events[0].transaction')" "null" "no apt log given"

# control characters from a log never reach the terminal
printf '2026-01-01 10:00:00 upgrade a:amd64 1 2\n' > "$T/d.log"
printf '\nStart-Date: 2026-01-01  10:00:00\nCommandline: apt-get \033[2Jupgrade\nUpgrade: a:amd64 (1, 2)\nEnd-Date: 2026-01-01  10:00:01\n' > "$T/h.log"
run history --dpkg-log "$T/d.log" --apt-history "$T/h.log"; expect_rc 0 "escape in commandline"
expect_out "^# apt-get \\\\x1b\\[2Jupgrade$" "escape written as \\x1b"

# histogram
run history --root "$ROOT" --histogram --year 2026 --by month; expect_rc 0 "histogram"
expect_out "^2026-01 +1 #+$" "january bar"
expect_out "^2026-03 +0 *$" "empty march"
expect_out "3 in total" "total"
run history --root "$ROOT" --histogram --year 2026 --by week --format json; expect_rc 0 "histogram json"
expect_eq "$(printf '%s' "$OUT" | jq '.histogram.bins | length')" "53" "weekly bins"
expect_eq "$(printf '%s' "$OUT" | jq '[.histogram.bins[].upgrades] | add')" "3" "bin total"
run history --root "$ROOT" --histogram --year 2026 --format html; expect_rc 0 "histogram html"
expect_out "<svg" "svg"
expect_no_out "(src|href)=" "self-contained"
run history --root "$ROOT" --format html; expect_rc 2 "html without histogram"
run history --root "$ROOT" --histogram --by fortnight; expect_rc 2 "bad --by"

# store: importing twice adds nothing
run history --root "$ROOT" --store --host web01; expect_rc 0 "store"
expect_err "stored 8 new events for web01" "first import"
run history --root "$ROOT" --store --host web01; expect_rc 0 "store again"
expect_err "stored 0 new events for web01" "idempotent"
run history --from-store --host web01 --format json; expect_rc 0 "from store"
expect_eq "$(printf '%s' "$OUT" | jq '.events | length')" "8" "stored events read back"
expect_eq "$(printf '%s' "$OUT" | jq -r '.events[3] | [.time, .action, .package, .old_version, .new_version] | join(" ")')" \
	"2026-01-19T08:00:00Z upgrade libfoo1 1.0-1 1.0-1+deb13u1" "stored event"
run history --from-store --host nosuchhost; expect_rc 2 "unknown host"
expect_err "no host named 'nosuchhost'" "unknown host message"
run history --from-store --store --host web01; expect_rc 2 "store and from-store"
run timeline --from-store --host web01 --root "$ROOT" --format json; expect_rc 0 "timeline from store"
expect_eq "$(printf '%s' "$OUT" | jq '.summary.distinct_cves')" "5" "timeline from stored events"

finish
