#!/usr/bin/env bash
# vigie db import --tracker-json on bad input: a clear error naming file and
# line, exit 2, and the tracker data imported before left exactly as it was.
. "$(dirname "$0")/lib.sh"
set -e
run db import --tracker-json "$TESTDATA/scan/tracker.json"
expect_rc 0 "good import"
counts() { "$VIGIE" db status --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(json.dumps(d["counts"], sort_keys=True))'; }
before=$(counts)
case "$before" in *'"vulnerabilities": 0'*) ko "fixture imported nothing";; *) ok;; esac

head -c 700 "$TESTDATA/scan/tracker.json" > "$T/truncated.json"
printf '{"pkg":{"CVE-2024-0001":{"releases":{"bookworm":{"status":"open",\n"urgency":"low\xff\xfe"}}}}}\n' > "$T/badutf8.json"
python3 -c 'print("{\"pkg\":{\"CVE-2024-0001\":{\n\"description\":\"" + "x" * (10 * 1024 * 1024) + "\"}}}")' > "$T/huge.json"
printf '[1, 2, 3]\n' > "$T/array.json"
printf '{"pkg":{"CVE-2024-0001":{"releases":{"bookworm":{"status":"resolved",\n\n"fixed_version":"1.0 bad"}}}}}\n' > "$T/badversion.json"
for f in truncated badutf8 huge array badversion; do
	run db import --tracker-json "$T/$f.json"
	expect_rc 2 "$f: rejected"
	expect_err "$f.json:[0-9]+" "$f: error names file and line"
	expect_eq "$(counts)" "$before" "$f: stored data unchanged"
done
expect_err "$T/badversion.json:3" "the bad fixed version is on line 3"
run db import --tracker-json /nonexistent.json
expect_rc 2 "missing file"
finish
