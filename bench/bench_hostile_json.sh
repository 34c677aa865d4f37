#!/usr/bin/env bash
# Benchmark: peak RSS of the streamed JSON readers on generated worst files
# (about 254 MiB of "0," each: padding the readers must parse and drop, and
# the same inside one record, which hits the per-record bound), measured
# with /usr/bin/time -v. Goal: at most 300 MB whatever the input.
#   usage: bench/bench_hostile_json.sh [BUILD_DIR]
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
VIGIE=${VIGIE:-}
[ $# -gt 0 ] && [ -d "$1" ] && VIGIE=$(cd "$1" && pwd)/vigie
for c in "$VIGIE" "$SRC/build-bench/vigie" "$SRC/build/vigie"; do
	[ -n "$c" ] && [ -x "$c" ] && { VIGIE=$c; break; }
done
[ -x "$VIGIE" ] || { echo "bench_hostile_json: build vigie first (or set VIGIE)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench_hostile_json: /usr/bin/time missing (apt-get install time)" >&2; exit 77; }
command -v python3 >/dev/null || { echo "bench_hostile_json: python3 missing" >&2; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/vigie-bench-json-XXXXXX")
trap 'rm -rf "$T"' EXIT
export VIGIE_DB="$T/bench.db"
python3 - "$T" <<'PY'
import sys
t = sys.argv[1]
def gen(name, head, tail, mib=254):
    with open("%s/%s" % (t, name), "wb") as f:
        f.write(head.encode())
        chunk = b"0," * (1 << 19)
        for _ in range(mib):
            f.write(chunk)
        f.write(b"0" + tail.encode())
gen("nvd-pad.json", '{"format":"NVD_CVE","vulnerabilities":[],"pad":[', "]}")
gen("nvd-record.json", '{"format":"NVD_CVE","vulnerabilities":[{"cve":{"id":"CVE-2024-0001","pad":[', "]}}]}")
gen("kev-pad.json", '{"vulnerabilities":[],"pad":[', "]}", 60)
gen("trivy-pad.json", '{"SchemaVersion":2,"ArtifactName":"h","Results":[{"Target":"x","Packages":[', "]}]}")
gen("trivy-record.json", '{"SchemaVersion":2,"ArtifactName":"h","Results":[{"Target":"x","Vulnerabilities":[{"VulnerabilityID":"CVE-2024-0001","pad":[', "]}]}]}")
gen("grype-pad.json", '{"matches":[],"descriptor":{"pad":[', ']},"source":{"target":"h"}}')
PY
worst=0
measure() {
	local label=$1; shift
	/usr/bin/time -v "$@" >/dev/null 2>"$T/time" || true
	local kb s
	kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$T/time")
	s=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$T/time")
	printf '%-36s peak RSS %4d MB  wall %s\n' "$label" $((kb / 1024)) "$s"
	[ "$kb" -gt "$worst" ] && worst=$kb
	return 0
}
measure "db import --nvd (padding)" "$VIGIE" db import --nvd "$T/nvd-pad.json"
measure "db import --nvd (one huge record)" "$VIGIE" db import --nvd "$T/nvd-record.json"
measure "db import --kev (60 MiB padding)" "$VIGIE" db import --kev "$T/kev-pad.json"
measure "triage trivy (padding)" "$VIGIE" triage "$T/trivy-pad.json" --release bookworm
measure "triage trivy (one huge record)" "$VIGIE" triage "$T/trivy-record.json" --release bookworm
measure "triage grype (padding)" "$VIGIE" triage "$T/grype-pad.json" --release bookworm
if [ $((worst / 1024)) -le 300 ]; then
	echo "worst peak RSS $((worst / 1024)) MB: goal (<= 300 MB) met"
else
	echo "worst peak RSS $((worst / 1024)) MB: goal (<= 300 MB) NOT met"
fi
