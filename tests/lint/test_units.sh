#!/usr/bin/env bash
# The systemd units of data/systemd/ pass `systemd-analyze verify` (unknown
# directives, bad values, a timer without its service, a missing binary)
# and the server's exposure score (`systemd-analyze security --offline`)
# stays at or below 4.9 ("OK"). Skipped (77) without a usable
# systemd-analyze.
set -uo pipefail
src=${VIGIE_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
units=$src/data/systemd
bin=${VIGIE:-}
command -v systemd-analyze >/dev/null || { echo "skip: no systemd-analyze"; exit 77; }
[ -n "$bin" ] && [ -x "$bin" ] || { echo "skip: \$VIGIE is not an executable"; exit 77; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

# Can systemd-analyze judge a unit here at all (some containers refuse)?
# And does it complain about a bad one (else verify would prove nothing)?
printf '[Service]\nType=oneshot\nExecStart=/bin/true\n' > "$tmp/probe-good.service"
printf '[Service]\nType=oneshot\nExecStart=/bin/true\nNoSuchDirective=1\n' > "$tmp/probe-bad.service"
if ! out=$(systemd-analyze verify --man=no "$tmp/probe-good.service" 2>&1) || [ -n "$out" ]; then
	echo "skip: systemd-analyze verify cannot run here: $out"; exit 77
fi
out=$(systemd-analyze verify --man=no "$tmp/probe-bad.service" 2>&1)
[ -n "$out" ] && ok || ko "systemd-analyze verify accepts an unknown directive"

# The units, with /usr/bin/vigie pointing at the built binary (verify checks
# that the command exists).
mkdir "$tmp/u"
n=0
for f in "$units"/*.service "$units"/*.timer; do
	[ -f "$f" ] || continue
	sed "s|/usr/bin/vigie|$bin|g" "$f" > "$tmp/u/$(basename "$f")"
	n=$((n + 1))
done
[ "$n" -ge 9 ] && ok || ko "only $n units in $units"
for f in "$tmp"/u/*; do
	name=$(basename "$f")
	out=$(systemd-analyze verify --man=no "$f" 2>&1); rc=$?
	if [ $rc -eq 0 ] && [ -z "$out" ]; then ok; else ko "$name: rc=$rc $out"; fi
	case $name in
	*.timer) [ -f "${f%.timer}.service" ] && ok || ko "$name has no ${name%.timer}.service" ;;
	esac
done

# The server's sandbox: the directives the packaging promises.
srv=$units/vigie-server.service
for d in User=vigie StateDirectory=vigie ProtectSystem=strict ProtectHome=yes \
	PrivateTmp=yes NoNewPrivileges=yes 'CapabilityBoundingSet=$' \
	SystemCallFilter=@system-service RestrictAddressFamilies= \
	MemoryDenyWriteExecute=yes LockPersonality=yes ProtectKernelTunables=yes \
	ProtectKernelModules=yes ProtectKernelLogs=yes 'ExecStart=/usr/bin/vigie serve'; do
	grep -q "^$d" "$srv" && ok || ko "vigie-server.service lacks $d"
done
# The agent: no vigie account, token through a credential, its own spool.
ag=$units/vigie-agent.service
for d in DynamicUser=yes LoadCredential=token: StateDirectory=vigie-agent \
	ProtectSystem=strict ReadOnlyPaths=; do
	grep -q "^$d" "$ag" && ok || ko "vigie-agent.service lacks $d"
done

# Exposure score of the server: "Overall exposure level for X: 1.2 OK".
out=$(systemd-analyze security --offline=yes --no-pager "$tmp/u/vigie-server.service" 2>&1)
score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p')
if [ -z "$score" ]; then
	ko "no exposure score from systemd-analyze security: $(printf '%s\n' "$out" | tail -3)"
elif awk -v s="$score" 'BEGIN { exit !(s <= 4.9) }'; then
	echo "vigie-server.service exposure: $score"; ok
else
	ko "vigie-server.service exposure $score > 4.9"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
