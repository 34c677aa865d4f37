#!/usr/bin/env bash
# POST /api/v1/push: plain and gzip documents stored; the same document
# twice stored once; refused pushes (another host's token, too large,
# truncated, without packages, a gzip bomb) change nothing; dpkg.log lines
# become stored events.
. "$(dirname "$0")/lib.sh"
set -e
srv_setup
srv_start
mkdoc "$T/a.json" bookworm-web.pkgs "$HA" bookworm
mkdoc "$T/b.json" bullseye-db.pkgs "$HB" bullseye
npk_a=$(grep -c . "$SD/bookworm-web.pkgs")
npk_b=$(grep -c . "$SD/bullseye-db.pkgs")

push "$TOK_AGENT_A" "$T/a.json"; expect_code 200 "plain push"
expect_eq "$(jq_ 'd["stored"], d["duplicate"], d["packages"]')" "True False $npk_a" "stored, its packages"
push "$TOK_AGENT_B" "$T/b.json" gzip; expect_code 200 "gzip push"
expect_eq "$(jq_ 'd["stored"], d["packages"]')" "True $npk_b" "gzip push stored"
expect_eq "$(db_val "SELECT COUNT(*) FROM host_packages p JOIN hosts h ON h.id = p.host_id WHERE h.name = '$HB'")" \
	"$npk_b" "B's packages in the store"
expect_eq "$(db_val "SELECT version FROM host_packages p JOIN hosts h ON h.id = p.host_id WHERE h.name = '$HB' AND p.package = 'sudo'")" \
	"1.9.5p1-1" "a package's version as pushed"
as "$TOK_OP" GET "/api/v1/hosts/$HA"; expect_code 200 "A's host"
expect_eq "$(jq_ 'd["release"], d["packages"], d["client"]')" "bookworm $npk_a acme" "A's host as pushed"

# the same document again: answered, stored once
push "$TOK_AGENT_A" "$T/a.json" gzip; expect_code 200 "same document again (gzip)"
expect_eq "$(jq_ 'd["stored"], d["duplicate"]')" "False True" "a duplicate"
push "$TOK_AGENT_A" "$T/a.json"; expect_code 200 "and plain"
expect_eq "$(jq_ 'd["duplicate"]')" "True" "still a duplicate"
expect_eq "$(db_val "SELECT COUNT(*) FROM pushes p JOIN hosts h ON h.id = p.host_id WHERE h.name = '$HA'")" \
	1 "stored once"

# State of the store a refused push must leave as it was.
snapshot() {
	as "$TOK_OP" GET /api/v1/hosts
	python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), sort_keys=True))' "$T/body" > "$T/snap.hosts"
	{
		db_val "SELECT COUNT(*) FROM hosts"
		db_val "SELECT COUNT(*) FROM host_packages"
		db_val "SELECT COUNT(*) FROM pushes"
		db_val "SELECT COUNT(*) FROM events"
		db_val "SELECT COUNT(*) FROM finding_history"
	} >> "$T/snap.hosts"
	cat "$T/snap.hosts"
}
BEFORE=$(snapshot)
unchanged() { # unchanged WHAT
	local now
	now=$(snapshot)
	if [ "$now" = "$BEFORE" ]; then ok; else ko "$1 changed the store"; diff <(echo "$BEFORE") <(echo "$now") >&2 || true; fi
}

# another host's document with A's agent token
push "$TOK_AGENT_A" "$T/b.json"; expect_code 403 "A's token pushing B's host"
grep -q 'field host' "$T/body" && ok || ko "the refusal names the host field: $BODY"
unchanged "a push for another host"
mkdoc "$T/c.json" bullseye-db.pkgs newhost.acme.example bullseye
push "$TOK_AGENT_A" "$T/c.json"; expect_code 403 "A's token pushing a new host"
unchanged "a push for a new host"
expect_eq "$(db_val "SELECT COUNT(*) FROM hosts WHERE name = 'newhost.acme.example'")" 0 "no such host created"

# over the cap on the wire (16 MiB): refused on its Content-Length, and
# chunked (no length) once the cap is crossed
python3 -c 'import sys; sys.stdout.write("{\"schema\": \"vigie.inventory/1\", \"pad\": \"" + "x" * (17 << 20) + "\"}")' > "$T/big.json"
push "$TOK_AGENT_A" "$T/big.json"; expect_code 413 "body over the cap"
as "$TOK_AGENT_A" POST /api/v1/push -H 'Transfer-Encoding: chunked' --data-binary "@$T/big.json"
expect_code 413 "chunked body over the cap"
unchanged "a body over the cap"

# truncated JSON
head -c 700 "$T/a.json" > "$T/trunc.json"
push "$TOK_AGENT_A" "$T/trunc.json"; expect_code 400 "truncated JSON"
grep -q 'truncated document: it ends inside a value at byte 700' "$T/body" && ok || ko "the error says the document ends early, where: $BODY"
unchanged "a truncated document"
head -c 700 "$T/a.json" | gzip -c | head -c 200 > "$T/trunc.gz"
as "$TOK_AGENT_A" POST /api/v1/push -H 'Content-Encoding: gzip' --data-binary "@$T/trunc.gz"
expect_code 400 "truncated gzip"
unchanged "a truncated gzip"
printf 'not json at all' > "$T/garbage"
push "$TOK_AGENT_A" "$T/garbage"; expect_code 400 "not JSON"
grep -q 'not a JSON document' "$T/body" && ok || ko "says not JSON: $BODY"
unchanged "garbage"

# no packages field
mkdoc "$T/nopk.json" bookworm-web.pkgs "$HA" bookworm --drop packages
push "$TOK_AGENT_A" "$T/nopk.json"; expect_code 400 "no packages"
grep -q 'field packages' "$T/body" && ok || ko "the error names field packages: $BODY"
unchanged "a document without packages"
# packages not an array
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["packages"]={"bash": "5"}; json.dump(d, sys.stdout)' "$T/a.json" > "$T/pkobj.json"
push "$TOK_AGENT_A" "$T/pkobj.json"; expect_code 400 "packages as an object"
grep -q 'field packages' "$T/body" && ok || ko "names field packages: $BODY"
# an empty package list (a broken collection) would clear the findings
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["packages"]=[]; json.dump(d, sys.stdout)' "$T/a.json" > "$T/pk0.json"
push "$TOK_AGENT_A" "$T/pk0.json"; expect_code 400 "no package at all"
grep -q 'field packages' "$T/body" && ok || ko "names field packages: $BODY"
unchanged "an empty package list"
# a package without a version
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); del d["packages"][3]["version"]; json.dump(d, sys.stdout)' "$T/a.json" > "$T/nover.json"
push "$TOK_AGENT_A" "$T/nover.json"; expect_code 400 "a package without a version"
grep -q 'version' "$T/body" && ok || ko "names the version: $BODY"
# a source version that is no Debian version
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["packages"][3]["source_version"]="1:"; json.dump(d, sys.stdout)' "$T/a.json" > "$T/badsv.json"
push "$TOK_AGENT_A" "$T/badsv.json"; expect_code 400 "a bad source version"
grep -q 'field packages\[\]\.source_version: ' "$T/body" && ok || ko "names field source_version: $BODY"
unchanged "bad package entries"
# Content-Encoding other than gzip
as "$TOK_AGENT_A" POST /api/v1/push -H 'Content-Encoding: br' --data-binary "@$T/a.json"
expect_code 415 "unknown encoding"

# gzip bomb: 40 MiB of a JSON string in a small body (beyond the 32 MiB cap
# once decompressed)
python3 - "$T/bomb.gz" <<'PY'
import gzip, sys
with gzip.open(sys.argv[1], "wb", compresslevel=9) as f:
    f.write(b'{"schema": "vigie.inventory/1", "host": "web1.acme.example", "pad": "')
    chunk = b" " * (1 << 20)
    for _ in range(40):
        f.write(chunk)
    f.write(b'"}')
PY
sz=$(stat -c %s "$T/bomb.gz")
[ "$sz" -lt 200000 ] && ok || ko "the bomb is small ($sz bytes)"
t0=$(date +%s%N)
as "$TOK_AGENT_A" POST /api/v1/push -H 'Content-Encoding: gzip' --data-binary "@$T/bomb.gz"
t1=$(date +%s%N)
expect_code 413 "gzip bomb"
ms=$(((t1 - t0) / 1000000))
[ "$ms" -lt 5000 ] && ok || ko "the bomb took ${ms}ms"
unchanged "a gzip bomb"
req GET /healthz; expect_code 200 "the server still answers"

# dpkg.log lines: the events stored
mkdoc "$T/log.json" bookworm-web-upgraded.pkgs "$HA" bookworm --dpkg-log "$SD/dpkg.log" \
	--collected-at 2026-11-27T08:58:00Z
push "$TOK_AGENT_A" "$T/log.json" gzip; expect_code 200 "push with dpkg.log lines"
nup=$(grep -c ' upgrade ' "$SD/dpkg.log")
expect_eq "$(jq_ 'd["stored"], d["events_added"]')" "True $nup" "the events added"
run history --from-store --host "$HA" --format json; expect_rc 0 "history from the store"
printf '%s\n' "$OUT" > "$T/hist.json"
got=$(python3 - "$T/hist.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ev = d["events"] if isinstance(d, dict) else d
print(" ".join(sorted("%s:%s>%s" % (e.get("package"), e.get("old_version") or e.get("from"), e.get("new_version") or e.get("to")) for e in ev)))
PY
)
expect_eq "$got" "apache2-bin:2.4.53-3>2.4.57-2 apache2:2.4.53-3>2.4.57-2" "the upgrades stored"
# the same lines again (an agent that resends): not stored twice
mkdoc "$T/log2.json" bookworm-web-upgraded.pkgs "$HA" bookworm --dpkg-log "$SD/dpkg.log" \
	--collected-at 2026-11-27T08:59:00Z
push "$TOK_AGENT_A" "$T/log2.json"; expect_code 200 "the log lines again"
expect_eq "$(jq_ 'd["events_added"]')" 0 "no event added twice"
expect_eq "$(db_val "SELECT COUNT(*) FROM events e JOIN hosts h ON h.id = e.host_id WHERE h.name = '$HA'")" \
	"$nup" "the events in the store"
srv_finish
