#!/usr/bin/env bash
# usage: tests/packaging/run.sh build-deb OUTDIR
#        tests/packaging/run.sh package-test OUTDIR
#
# build-deb: builds the packages twice (OUTDIR/a, OUTDIR/b: two different
#   build paths), requires identical .deb files (cmp), the package version
#   in the binary, and lintian without error or warning (overrides:
#   debian/*.lintian-overrides, justified in docs/PACKAGING.md).
# package-test: installs OUTDIR/a/deb/*.deb with apt-get on this machine
#   (root), checks the user, the state directory, the conffiles, the
#   completion and the shipped data, starts the server from its unit's
#   ExecStart line as the vigie user on 127.0.0.1, asks /healthz,
#   upgrades (state, user and a changed conffile kept), removes
#   (state kept), purges and checks that nothing is left. Refuses (77) a
#   machine that already has vigie, /etc/vigie, /var/lib/vigie or a vigie
#   user.
set -uo pipefail
mode=${1:?usage: run.sh build-deb|package-test OUTDIR}
out=${2:?usage: run.sh build-deb|package-test OUTDIR}
src=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out" && out=$(cd "$out" && pwd)
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }
check() { local what=$1; shift; if "$@"; then ok; else ko "$what"; fi; }
finish() { echo "$mode: $pass passed, $fail failed"; [ $fail -eq 0 ]; exit $?; }

build_deb() {
	local d f n
	for d in a b; do
		echo "== building in $out/$d"
		"$src/scripts/make-deb.sh" "$out/$d" > "$out/$d.log" 2>&1 ||
			{ tail -30 "$out/$d.log"; ko "dpkg-buildpackage in $out/$d"; finish; }
	done
	n=0
	for f in "$out"/a/deb/*.deb; do
		n=$((n + 1))
		if cmp -s "$f" "$out/b/deb/$(basename "$f")"; then ok; else
			ko "$(basename "$f") differs between the two builds"
			diff <(dpkg-deb -c "$f") <(dpkg-deb -c "$out/b/deb/$(basename "$f")") | head -20
		fi
	done
	check "3 .deb files (vigie, vigie-agent, vigie-dbgsym), got $n" [ "$n" -eq 3 ]
	for p in vigie vigie-agent; do
		f=$(ls "$out"/a/deb/${p}_*.deb 2>/dev/null | head -1)
		check "$p package built" [ -n "$f" ]
		[ -n "$f" ] || continue
		check "$p Version is $version" [ "$(dpkg-deb -f "$f" Version)" = "$version" ]
	done
	# the version the binary prints, from the package's file
	rm -rf "$out/x" && mkdir "$out/x" && dpkg-deb -x "$out"/a/deb/vigie_*.deb "$out/x"
	check "vigie --version prints 'vigie $version'" \
		[ "$("$out/x/usr/bin/vigie" --version)" = "vigie $version" ]
	# no build path embedded in what is shipped
	if grep -rlq -e "$out/a" -e "$src" "$out/x"; then
		ko "a build path is embedded in: $(grep -rl -e "$out/a" -e "$src" "$out/x")"
	else ok; fi
	check "the completion is shipped" \
		[ -s "$out/x/usr/share/bash-completion/completions/vigie" ]
	# lintian: no error, no warning (info and pedantic tags are reported)
	local lout lrc
	lout=$(lintian --info --fail-on error,warning --display-level '>=warning' \
		"$out"/a/deb/*.changes 2>&1); lrc=$?
	lout=$(printf '%s\n' "$lout" | grep -v '^running with root privileges')
	if [ $lrc -ne 0 ] || printf '%s\n' "$lout" | grep -q '^[EW]: '; then
		ko "lintian (rc $lrc):"; printf '%s\n' "$lout" | head -5; printf '%s\n' "$lout" | grep -A2 '^[EW]: '
	else ok; fi
	lintian --display-level '>=info' "$out"/a/deb/*.changes 2>&1 | grep '^[IP]: ' || true
	rm -rf "$out/x" "$out/b"
	finish
}

installed() { dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null | grep -q installed; }
purge_all() { DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq vigie-agent vigie >/dev/null 2>&1; }

package_test() {
	[ "$(id -u)" = 0 ] || { echo "skip: package-test installs packages: run it as root"; exit 77; }
	local deb agent p
	deb=$(ls "$out"/a/deb/vigie_*.deb 2>/dev/null | head -1)
	agent=$(ls "$out"/a/deb/vigie-agent_*.deb 2>/dev/null | head -1)
	[ -n "$deb" ] && [ -n "$agent" ] || { echo "no packages in $out/a/deb: run build-deb first"; exit 1; }
	for p in vigie vigie-agent; do
		if installed $p || dpkg-query -W -f='${db:Status-Status}' $p 2>/dev/null | grep -q config-files; then
			echo "skip: $p is already on this machine (its state would be purged)"; exit 77
		fi
	done
	for d in /etc/vigie /var/lib/vigie /var/lib/private/vigie-agent; do
		[ ! -e "$d" ] || { echo "skip: $d exists and no vigie package owns it: refusing to touch it"; exit 77; }
	done
	if getent passwd vigie >/dev/null || getent group vigie >/dev/null; then
		echo "skip: a vigie user or group exists outside the package: refusing"; exit 77
	fi
	trap 'purge_all; kill "$srv" 2>/dev/null' EXIT
	srv=
	local log=$out/apt.log
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" "$agent" > "$log" 2>&1 ||
		{ tail -20 "$log"; ko "apt-get install"; finish; }
	check "both packages installed" installed vigie
	check "vigie-agent installed" installed vigie-agent
	check "vigie --version prints 'vigie $version'" [ "$(vigie --version)" = "vigie $version" ]

	# the system user and its state directory
	local pw uid
	pw=$(getent passwd vigie)
	uid=$(printf '%s' "$pw" | cut -d: -f3)
	check "vigie is a system user (uid $uid)" [ -n "$uid" ] && [ "$uid" -lt 1000 ]
	check "vigie's home is /var/lib/vigie" [ "$(printf '%s' "$pw" | cut -d: -f6)" = /var/lib/vigie ]
	case $(printf '%s' "$pw" | cut -d: -f7) in */nologin|*/false) ok ;; *) ko "vigie has a login shell: $pw" ;; esac
	check "/var/lib/vigie is vigie:vigie 750" [ "$(stat -c '%U:%G %a' /var/lib/vigie)" = "vigie:vigie 750" ]
	check "/etc/vigie/vigie.conf is a conffile of vigie" \
		bash -c "dpkg-query -W -f='\${Conffiles}' vigie | grep -q '^ /etc/vigie/vigie.conf '"
	check "/etc/vigie/agent.conf is a conffile of vigie-agent" \
		bash -c "dpkg-query -W -f='\${Conffiles}' vigie-agent | grep -q '^ /etc/vigie/agent.conf '"
	check "agent.conf names the server" grep -q '^VIGIE_SERVER=' /etc/vigie/agent.conf
	check "the agent timer is installed" [ -f /lib/systemd/system/vigie-agent.timer ]

	# completion: the installed file completes commands and options
	local c
	c=$(bash -c 'source /usr/share/bash-completion/completions/vigie
		COMP_WORDS=(vigie se); COMP_CWORD=1; _vigie; echo "${COMPREPLY[*]}"')
	check "completion of 'vigie se' is 'serve', got '$c'" [ "$c" = serve ]
	c=$(bash -c 'source /usr/share/bash-completion/completions/vigie
		COMP_WORDS=(vigie serve --li); COMP_CWORD=2; _vigie; echo "${COMPREPLY[*]}"')
	check "completion of 'vigie serve --li' is '--listen', got '$c'" [ "$c" = --listen ]
	check "man vigie-scan is installed" [ -f /usr/share/man/man1/vigie-scan.1.gz ]

	# The installed binary reads the installed data: the feed catalogue of
	# /usr/share/vigie, from a directory that has no data/.
	local tdb n_cat n_db
	tdb=$(mktemp -d) && chown vigie "$tdb"
	n_cat=$(grep -cE '^[a-z0-9][a-z0-9-]*[[:space:]]+(https?|file)://' /usr/share/vigie/feeds.conf)
	(cd / && runuser -u vigie -- env VIGIE_DB="$tdb/t.db" vigie feeds add --defaults >/dev/null 2>&1)
	n_db=$(cd / && runuser -u vigie -- env VIGIE_DB="$tdb/t.db" vigie feeds list --format json 2>/dev/null |
		python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d if isinstance(d,list) else d.get("feeds",[])))' 2>/dev/null)
	check "feeds add --defaults reads /usr/share/vigie/feeds.conf ($n_cat feeds, got '$n_db')" \
		[ -n "$n_db" ] && [ "$n_db" = "$n_cat" ] && [ "$n_cat" -gt 0 ]
	rm -rf "$tdb"

	# The server as its unit runs it: ExecStart and Environment of the unit,
	# as the vigie user, on 127.0.0.1 and a free port.
	local unit=/lib/systemd/system/vigie-server.service exec envs port body i
	exec=$(sed -n 's/^ExecStart=//p' "$unit")
	envs=$(sed -n 's/^Environment=//p' "$unit" | grep -v '^VIGIE_SERVE_OPTS=')
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	exec=${exec//\$VIGIE_SERVE_OPTS/--listen 127.0.0.1:$port}
	check "the unit runs vigie serve" [ "${exec%% *}" = /usr/bin/vigie ]
	# shellcheck disable=SC2086
	(cd / && exec runuser -u vigie -- env $envs $exec) > "$out/serve.log" 2>&1 &
	srv=$!
	body=
	for i in $(seq 1 50); do
		body=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/healthz" 2>/dev/null) && break
		sleep 0.2
	done
	check "GET /healthz answers (got '$body')" [ -n "$body" ]
	check "the database is /var/lib/vigie/vigie.db, owned by vigie" \
		[ "$(stat -c %U /var/lib/vigie/vigie.db 2>/dev/null)" = vigie ]
	# the database the server created, as the timers and the CLI see it
	# shellcheck disable=SC2086
	check "vigie db status as the vigie user, on the unit's database" \
		runuser -u vigie -- env $envs vigie db status >/dev/null
	p=$(pgrep -P "$srv" -x vigie)
	[ -n "$p" ] && kill "$p"
	kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null; srv=
	check "the server ran as vigie" bash -c "! grep -qi 'permission denied' '$out/serve.log'"

	# Upgrade: the same packages repacked as version+upgrade1 (dpkg runs
	# the upgrade path of the maintainer scripts); state, user and a
	# changed conffile are kept.
	local up=$out/upgrade p2 v2=$version+upgrade1
	rm -rf "$up" && mkdir -p "$up"
	for p2 in "$deb" "$agent"; do
		rm -rf "$up/tree" && dpkg-deb -R "$p2" "$up/tree"
		sed -i "s/^Version: .*/Version: $v2/" "$up/tree/DEBIAN/control"
		dpkg-deb --root-owner-group -b "$up/tree" "$up/" >/dev/null
	done
	rm -rf "$up/tree"
	echo "# changed by the administrator" >> /etc/vigie/vigie.conf
	uid=$(id -u vigie)
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Dpkg::Options::=--force-confold \
		"$up"/vigie_*.deb "$up"/vigie-agent_*.deb >> "$log" 2>&1 || ko "apt-get install (upgrade)"
	check "vigie upgraded to $v2" [ "$(dpkg-query -W -f='${Version}' vigie)" = "$v2" ]
	check "the changed conffile is kept on upgrade" grep -q '^# changed by the administrator' /etc/vigie/vigie.conf
	check "the database is kept on upgrade" [ -f /var/lib/vigie/vigie.db ]
	check "the vigie user is kept on upgrade (uid $uid)" [ "$(id -u vigie)" = "$uid" ]
	check "/var/lib/vigie stays vigie:vigie 750" [ "$(stat -c '%U:%G %a' /var/lib/vigie)" = "vigie:vigie 750" ]

	# remove: state, user and conffiles kept
	DEBIAN_FRONTEND=noninteractive apt-get remove -y -q vigie-agent vigie >> "$log" 2>&1 || ko "apt-get remove"
	check "/usr/bin/vigie gone on remove" [ ! -e /usr/bin/vigie ]
	check "the database is kept on remove" [ -f /var/lib/vigie/vigie.db ]
	check "the vigie user is kept on remove" bash -c 'getent passwd vigie >/dev/null'
	check "vigie.conf kept on remove" [ -f /etc/vigie/vigie.conf ]

	# purge: nothing left but what policy keeps (nothing for vigie)
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -q vigie-agent vigie >> "$log" 2>&1 || ko "apt-get purge"
	trap - EXIT
	for f in /etc/vigie /var/lib/vigie /var/lib/private/vigie-agent /usr/share/vigie \
		/usr/bin/vigie /usr/share/bash-completion/completions/vigie \
		/lib/systemd/system/vigie-server.service /lib/systemd/system/vigie-agent.timer; do
		check "$f is gone after purge" [ ! -e "$f" ]
	done
	check "no vigie user after purge" bash -c '! getent passwd vigie'
	check "no vigie group after purge" bash -c '! getent group vigie'
	check "dpkg forgets both packages" bash -c "! dpkg-query -W -f='\${db:Status-Status}\n' vigie vigie-agent 2>/dev/null | grep -qv '^not-installed\$'"
	check "no unit state left" bash -c '! ls /var/lib/systemd/deb-systemd-helper-enabled/ 2>/dev/null | grep -q vigie && ! ls /var/lib/systemd/deb-systemd-helper-masked/ 2>/dev/null | grep -q vigie'
	finish
}

case $mode in
build-deb) build_deb ;;
package-test) package_test ;;
*) echo "usage: run.sh build-deb|package-test OUTDIR"; exit 2 ;;
esac
