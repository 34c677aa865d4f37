#!/bin/bash
# vigie scan with pending updates (a host root's apt sources and indexes,
# a loopback mirror for changelogs), and the class of each update in
# vigie updates (KEV, tracker data).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/httpd.sh"
. "$(dirname "$0")/mkmirror.sh"

for tool in python3 dpkg-deb xz gzip sha256sum; do
	command -v $tool >/dev/null || { echo "SKIP: $tool missing"; exit 77; }
done
mkdir -p "$T/www"
httpd_start "$T/www"
mkmirror "$T/www" "$T/root" "$HTTPD_URL"

# store: DSA-9999-1 fixes CVE-2026-0003/0004 in hello 1.0-3 (0003 in KEV);
# the tracker fixes 0002 in 1.0-2 and 0007 in 1.0-9 (beyond the candidate)
cat >"$T/full.conf" <<EOC
dsa-list     dsa-list     $TESTDATA/updates/DSA-list
tracker-json tracker-json $TESTDATA/updates/tracker.json
kev          kev          $TESTDATA/updates/kev.json
EOC
printf 'tracker-json tracker-json %s\n' "$TESTDATA/updates/tracker.json" >"$T/tracker.conf"
VIGIE_SOURCES_CONF="$T/full.conf" VIGIE_DB="$T/full.db" run db update --cache "$T/c1"
expect_rc 0 "db update (full)"
VIGIE_SOURCES_CONF="$T/tracker.conf" VIGIE_DB="$T/tracker.db" run db update --cache "$T/c2"
expect_rc 0 "db update (tracker only)"

# pending_update on findings; 5 pending updates, 4 from security suites
VIGIE_DB="$T/full.db" run scan --root "$T/root" --format json
expect_rc 0 "scan json"
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
s = d["summary"]
print(s["pending_updates"], s["pending_security_updates"])
for f in sorted(d["findings"], key=lambda f: f["cve"]):
    p = f["pending_update"]
    print(f["cve"], f["data_source"],
          "-" if p is None else "%s/%s/%s/%s" % (p["package"], p["candidate"], p["suite"], p["security"]),
          "carries" if "the pending update to 1.0-3 from stable-security carries the fix" in f["evidence"] else "")
')" "5 4
CVE-2026-0002 debian-security-tracker hello/1.0-3/stable-security/True carries
CVE-2026-0003 dsa-list hello/1.0-3/stable-security/True carries
CVE-2026-0004 dsa-list hello/1.0-3/stable-security/True carries
CVE-2026-0007 debian-security-tracker - " "pending updates on findings"

run_text() { VIGIE_DB="$T/full.db" run scan --root "$T/root" "$@"; }
run_text
expect_rc 0 "scan text"
expect_out 'CVE-2026-0003 .*\(pending update 1\.0-3 from stable-security\)' "text: pending update"
expect_no_out 'CVE-2026-0007 .*pending' "text: 0007 not carried"
expect_out '^4 findings: .*; 5 pending updates, 4 from security suites$' "text: summary line"

# --no-updates: schema unchanged, counts unknown
run_text --no-updates --format json
expect_rc 0 "no-updates"
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["summary"]["pending_updates"], d["summary"]["pending_security_updates"],
      sum(f["pending_update"] is not None for f in d["findings"]))
')" "None None 0" "no pending data with --no-updates"

# --status alone: another host's packages, this machine's lists say nothing
VIGIE_DB="$T/full.db" run scan --status "$T/root/var/lib/dpkg/status" --release bookworm --format json
expect_rc 0 "status"
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys; print(json.load(sys.stdin)["summary"]["pending_updates"])')" "None" "status without --lists"
VIGIE_DB="$T/full.db" run scan --status "$T/root/var/lib/dpkg/status" --release bookworm \
	--lists "$T/root/var/lib/apt/lists" --format json
expect_rc 0 "status with lists"
# the sources are this machine's, not the root's: only its own lists count
expect_out '"pending_updates": ' "status with --lists: counts present"

# no indexes (apt has not run): a warning, counts unknown, exit 0
mkdir -p "$T/empty"
run_text --lists "$T/empty" --format json
expect_rc 0 "empty lists"
expect_err "no package indexes in $T/empty" "empty lists warning"
expect_out '"pending_updates": null' "empty lists: unknown"

# changelogs: with only the tracker, CVE-2026-0003/0004 are known only from
# hello 1.0-3's changelog (entry 1.0-3); 0002 stays the tracker's
VIGIE_DB="$T/tracker.db" run scan --root "$T/root" --changelogs --format json
expect_rc 0 "scan --changelogs"
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for f in sorted(d["findings"], key=lambda f: f["cve"]):
    p = f["pending_update"]
    print(f["cve"], f["data_source"], f["state"], f["fixed_version"],
          ",".join(sorted(b["name"] for b in f["binaries"])),
          "-" if p is None else p["candidate"],
          "entry" if "the entry for %s names %s" % (f["fixed_version"], f["cve"]) in f["evidence"] else "")
print(d["summary"]["findings"], d["summary"]["states"]["fixed-available"])
')" "CVE-2026-0002 debian-security-tracker fixed-available 1.0-2 gir1.2-hello,hello 1.0-3 
CVE-2026-0003 changelog fixed-available 1.0-3 gir1.2-hello,hello 1.0-3 entry
CVE-2026-0004 changelog fixed-available 1.0-3 gir1.2-hello,hello 1.0-3 entry
CVE-2026-0007 debian-security-tracker fixed-available 1.0-9 gir1.2-hello,hello - 
4 4" "changelog findings"
# with the full store, the changelog adds nothing the data already has
VIGIE_DB="$T/full.db" run scan --root "$T/root" --changelogs --format json
expect_rc 0 "scan --changelogs (full store)"
expect_no_out '"data_source": "changelog"' "no changelog finding when the data knows"

# vigie updates: class = worst of the CVEs (0003 in KEV: highly-critical),
# null without CVE; with the tracker only, 0002 (urgency medium) is standard
VIGIE_DB="$T/full.db" run updates --root "$T/root" --format json
expect_rc 0 "updates json"
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join("%s=%s" % (u["package"], u["class"]) for u in d["updates"]))
')" "badsum=None broken=None gir1.2-hello=highly-critical hello=highly-critical world=None" "update classes (KEV)"
VIGIE_DB="$T/tracker.db" run updates --root "$T/root" --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join("%s=%s" % (u["package"], u["class"]) for u in d["updates"]))
')" "badsum=None broken=None gir1.2-hello=standard hello=standard world=None" "update classes (tracker)"
# a policy that makes urgency=medium critical
printf '[policy]\ncritical = urgency=medium\nstandard = default\n' >"$T/policy.conf"
VIGIE_POLICY="$T/policy.conf" VIGIE_DB="$T/tracker.db" run updates --root "$T/root" --format json
expect_eq "$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join("%s=%s" % (u["package"], u["class"]) for u in d["updates"] if u["class"]))
')" "gir1.2-hello=critical hello=critical" "update classes follow the policy (tracker urgency)"

finish
