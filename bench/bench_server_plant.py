#!/usr/bin/env python3
"""Plant a fleet for bench/bench_server.sh, behind vigie's back.

    bench_server_plant.py DOC.json NHOSTS NPKGS TOKENS_OUT > plant.sql

Writes portable SQL (SQLite and PostgreSQL: multi-row VALUES, INSERT ...
SELECT, no driver-specific syntax) on stdout: NHOSTS hosts bench-00001 ...
of client "bench" (which must exist), each with the first NPKGS packages
of the vigie.inventory/1 document DOC.json, a summary, one push and an
agent token; TOKENS_OUT gets one line per host, "TOKEN HOSTNAME" (the list
format of bench_http --list). Tokens are random; the store keeps their
SHA-256 (hex), as vigie_token_hash does. Fixed seed for the counts."""
import hashlib
import json
import random
import secrets
import sys

doc_path, nhosts, npkgs, tokens_out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
doc = json.load(open(doc_path))
now = 1795770000  # 2026-11-27T...; only an order of time
rnd = random.Random(1)


def q(s):
    return "NULL" if s is None else "'" + str(s).replace("'", "''") + "'"


out = sys.stdout
out.write("BEGIN;\n")
out.write("CREATE TEMP TABLE bench_pkgs(package TEXT, arch TEXT, version TEXT,"
          " source TEXT, source_version TEXT);\n")
pk = doc["packages"][:npkgs]
for i in range(0, len(pk), 500):
    rows = ",".join(
        "(%s,%s,%s,%s,%s)" % (q(p["name"] if "name" in p else p["package"]), q(p.get("arch", "amd64")),
                              q(p["version"]), q(p.get("source", p.get("name"))),
                              q(p.get("source_version", p["version"])))
        for p in pk[i:i + 500])
    out.write("INSERT INTO bench_pkgs VALUES %s;\n" % rows)
names = ["bench-%05d" % (i + 1) for i in range(nhosts)]
for i in range(0, nhosts, 1000):
    rows = ",".join("(%s,'bench','bookworm','amd64','6.1.0-13-amd64','6.1.55-1',%d,'push')"
                    % (q(n), now - rnd.randrange(86400)) for n in names[i:i + 1000])
    out.write("INSERT INTO hosts(name, client, release, arch, kernel_release, kernel_version,"
              " inventoried_at, origin) VALUES %s;\n" % rows)
out.write("INSERT INTO host_packages(host_id, package, arch, version, source, source_version,"
          " status) SELECT h.id, p.package, p.arch, p.version, p.source, p.source_version,"
          " 'installed' FROM hosts h CROSS JOIN bench_pkgs p WHERE h.name LIKE 'bench-%'"
          # one host's rows together, as a push writes them
          " ORDER BY h.id, p.package;\n")
out.write("INSERT INTO host_summary(host_id, computed_at, verdict, reason, open_highly,"
          " open_critical, open_standard, pending_security, reboot) SELECT id, %d, 'judged',"
          " NULL, id %% 3, id %% 7, id %% 50, id %% 5, 0 FROM hosts WHERE name LIKE 'bench-%%';\n"
          % now)
out.write("INSERT INTO pushes(host_id, digest, received_at, bytes, packages) SELECT id,"
          " 'planted', inventoried_at, 100000, %d FROM hosts WHERE name LIKE 'bench-%%';\n"
          % len(pk))
with open(tokens_out, "w") as tf:
    for i in range(0, nhosts, 1000):
        rows = []
        for n in names[i:i + 1000]:
            tok = "vgb_" + secrets.token_urlsafe(32)
            tf.write("%s %s\n" % (tok, n))
            rows.append("(%s,'agent',%s,(SELECT id FROM clients WHERE name = 'bench'),%d)"
                        % (q(hashlib.sha256(tok.encode()).hexdigest()), q(n), now))
        out.write("INSERT INTO tokens(hash, kind, host, client_id, created_at) VALUES %s;\n"
                  % ",".join(rows))
out.write("COMMIT;\n")
