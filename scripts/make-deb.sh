#!/usr/bin/env bash
# usage: scripts/make-deb.sh OUTDIR
# Builds the vigie and vigie-agent packages from this source tree
# (tracked and untracked-but-not-ignored files, uncommitted changes
# included) in a copy under OUTDIR/src/, with dpkg-buildpackage -b, and
# moves the .deb (and the -dbgsym .ddeb) files to OUTDIR/deb/.
set -euo pipefail
out=${1:?usage: make-deb.sh OUTDIR}
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
work=$out/src
rm -rf "$work" "$out/deb"
mkdir -p "$work/vigie-$version" "$out/deb"
cd "$src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z -co --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf - | tar -xf - -C "$work/vigie-$version"
else
	tar --exclude='./build*' --exclude=./.git -cf - . | tar -xf - -C "$work/vigie-$version"
fi
cd "$work/vigie-$version"
dpkg-buildpackage -us -uc -b
mv "$work"/*.deb "$out/deb/"
mv "$work"/*.ddeb "$out/deb/" 2>/dev/null || true
mv "$work"/*.changes "$work"/*.buildinfo "$out/deb/"
rm -rf "$work"
ls -1 "$out/deb/"
