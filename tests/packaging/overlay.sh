#!/usr/bin/env bash
# usage: tests/packaging/overlay.sh COMMAND [ARG]...
# Runs COMMAND as root in a throwaway copy-on-write view of this machine:
# an overlay of / (upper layer on a tmpfs) in a private mount namespace,
# with /etc/vigie, /var/lib/vigie and /var/lib/private/vigie-agent hidden
# in the view. Nothing the command installs, writes or removes reaches the
# machine, and whatever vigie state the machine has is left untouched: for
# running `run.sh package-test` on a machine that already has such state
# (which package-test refuses to touch, exit 77). Needs root, unshare(1)
# and overlayfs; exits 77 without them.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: overlay.sh COMMAND [ARG]..."; exit 2; }
[ "$(id -u)" = 0 ] || { echo "skip: overlay.sh needs root"; exit 77; }
command -v unshare >/dev/null || { echo "skip: no unshare"; exit 77; }
base=$(mktemp -d /tmp/vigie-overlay.XXXXXX)
trap 'rmdir "$base" 2>/dev/null || true' EXIT
export VIGIE_OVERLAY_BASE=$base
unshare -m --propagation private bash -c '
	set -e
	b=$VIGIE_OVERLAY_BASE
	mount -t tmpfs tmpfs "$b" || { echo "skip: cannot mount a tmpfs"; exit 77; }
	mkdir "$b/upper" "$b/work" "$b/root"
	mount -t overlay overlay -o "lowerdir=/,upperdir=$b/upper,workdir=$b/work" "$b/root" ||
		{ echo "skip: no overlayfs here"; exit 77; }
	r=$b/root
	mount -t proc proc "$r/proc"
	mount --rbind /dev "$r/dev"
	mount --rbind /sys "$r/sys"
	mount -t tmpfs tmpfs "$r/run"
	rm -rf "$r/etc/vigie" "$r/var/lib/vigie" "$r/var/lib/private/vigie-agent"
	exec chroot "$r" /usr/bin/env -C "$PWD" "$@"
' overlay "$@"
