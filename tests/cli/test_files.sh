#!/usr/bin/env bash
# Files vigie writes: never through a symlink planted at the final or the
# temporary name (the link is replaced, its target untouched), mode 0640 for
# files and 0750 for directories whatever the umask.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/httpd.sh"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }

mode() { stat -c %a "$1"; }
run_umask() { # run_umask MASK ARGS...: run with that umask
	local m=$1
	shift
	set +e
	OUT=$(umask "$m"; "$VIGIE" "$@" 2>"$T/stderr")
	RC=$?
	ERR=$(cat "$T/stderr")
	set -e
}
untouched() { [ "$(cat "$1")" = precious ] && echo untouched || echo "overwritten"; }
is_file() { [ -f "$1" ] && [ ! -L "$1" ] && echo file || echo "not a plain file"; }

echo precious >"$T/victim"
echo precious >"$T/victim2"

# db update: cache/NAME.part and cache/NAME planted as symlinks
C="$T/cache"
mkdir -p "$C"
chmod 0755 "$C"
ln -s "$T/victim" "$C/kev.part"
ln -s "$T/victim2" "$C/kev"
mkdir -p "$T/www"
cp "$TESTDATA/updates/kev.json" "$T/www/kev.json"
httpd_start "$T/www"
printf 'kev kev %s/kev.json\n' "$HTTPD_URL" >"$T/sources.conf"
export VIGIE_SOURCES_CONF="$T/sources.conf"
run_umask 022 db update --cache "$C" --source kev
expect_rc 0 "update"
expect_eq "$(untouched "$T/victim")" "untouched" "symlink at cache/kev.part not followed"
expect_eq "$(untouched "$T/victim2")" "untouched" "symlink at cache/kev not followed"
expect_eq "$(is_file "$C/kev")" "file" "cache/kev replaced by a file"
expect_eq "$(cmp "$C/kev" "$TESTDATA/updates/kev.json" && echo same)" "same" "cache/kev content"
expect_eq "$(mode "$C/kev")" "640" "cache file mode under umask 022"
expect_eq "$(ls -A "$C" | grep -c '^\.')" "0" "no temporary file left"

# a cache directory vigie creates: 0750 whatever the umask
run_umask 077 db update --cache "$T/new/cache" --source kev
expect_rc 0 "update, umask 077"
expect_eq "$(mode "$T/new")" "750" "parent directory created 0750 under umask 077"
expect_eq "$(mode "$T/new/cache")" "750" "cache directory created 0750 under umask 077"
expect_eq "$(mode "$T/new/cache/kev")" "640" "cache file 0640 under umask 077"
run_umask 000 db update --cache "$T/open/cache" --source kev
expect_rc 0 "update, umask 000"
expect_eq "$(mode "$T/open/cache")" "750" "cache directory created 0750 under umask 000"
expect_eq "$(mode "$T/open/cache/kev")" "640" "cache file 0640 under umask 000"

# triage --openvex F, F a symlink
D=$TESTDATA/triage
run db import --tracker-json "$TESTDATA/scan/tracker.json"
expect_rc 0 "import tracker fixture"
run hosts add web1 --status "$D/web1.status" --release bullseye
expect_rc 0 "add web1"
ln -s "$T/victim" "$T/vex.json"
run_umask 000 triage "$D/generic.csv" --format json --openvex "$T/vex.json"
expect_rc 0 "openvex written"
expect_eq "$(untouched "$T/victim")" "untouched" "openvex: symlink not followed"
expect_eq "$(is_file "$T/vex.json")" "file" "openvex: link replaced by the document"
expect_eq "$(grep -c 'openvex.dev' "$T/vex.json")" "1" "openvex: the document"
expect_eq "$(mode "$T/vex.json")" "640" "openvex mode under umask 000"

# debsecan-feed --output F, F a symlink
ln -s "$T/victim2" "$T/bullseye"
run_umask 000 debsecan-feed --release bullseye --output "$T/bullseye"
expect_rc 0 "debsecan feed written"
expect_eq "$(untouched "$T/victim2")" "untouched" "debsecan-feed: symlink not followed"
expect_eq "$(is_file "$T/bullseye")" "file" "debsecan-feed: link replaced"
expect_eq "$(python3 -c 'import sys, zlib; print(zlib.decompress(open(sys.argv[1], "rb").read()).decode().split(chr(10))[0])' "$T/bullseye")" \
	"VERSION 1" "debsecan-feed: the feed"
expect_eq "$(mode "$T/bullseye")" "640" "debsecan-feed mode under umask 000"

# an output that cannot be written: a clear error naming it, exit 2
run debsecan-feed --release bullseye --output "$T/no/such/dir/f"
expect_rc 2 "unwritable output"
expect_err "$T/no/such/dir/f: cannot create" "error names the file"
finish
