#!/usr/bin/env python3
"""Build a pushed document (schema vigie.inventory/1, lib/debian/invdoc.c)
from a package list of tests/data/server/*.pkgs: one package per line,
NAME ARCH VERSION [SOURCE [SOURCE_VERSION]] ('-' for an absent field).

mkdoc.py PKGS --host H --release R [--dpkg-log FILE] [--drop FIELD]
         [--collected-at T] [--restart PID:UNIT:PACKAGE:RUNNING:PATH ...]
         [--no-restart-entries] [--candidate PKG:ARCH:VERSION:SUITE:SECURITY ...]
         > doc.json

--restart adds a process of a system unit still mapping PATH of PACKAGE
at version RUNNING (the document's "restart" object); --no-restart-entries
adds that object with no entry (the agent looked and found none).
--candidate adds an update apt would install (the document's
"candidates"; SECURITY is 1 or 0)."""
import argparse
import json
import sys

VERSIONS = {"bookworm": "12", "bullseye": "11", "trixie": "13"}
KERNELS = {"bookworm": ("6.1.0-18-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)"),
           "bullseye": ("5.10.0-28-amd64", "#1 SMP Debian 5.10.209-2 (2024-01-31)")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pkgs")
    ap.add_argument("--host", required=True)
    ap.add_argument("--release", required=True)
    ap.add_argument("--dpkg-log")
    ap.add_argument("--drop", action="append", default=[])
    ap.add_argument("--collected-at", default="2026-11-27T08:55:00Z")
    ap.add_argument("--restart", action="append", default=[])
    ap.add_argument("--no-restart-entries", action="store_true")
    ap.add_argument("--candidate", action="append", default=[])
    a = ap.parse_args()
    pkgs = []
    with open(a.pkgs) as f:
        for line in f:
            w = line.split()
            if not w or w[0].startswith("#"):
                continue
            p = {"name": w[0], "arch": w[1], "version": w[2], "status": "installed"}
            if len(w) > 3 and w[3] != "-":
                p["source"] = w[3]
            if len(w) > 4 and w[4] != "-":
                p["source_version"] = w[4]
            pkgs.append(p)
    kr, kv = KERNELS.get(a.release, ("6.1.0-18-amd64", "#1 SMP Debian"))
    doc = {"schema": "vigie.inventory/1", "host": a.host, "release": a.release,
           "release_version": VERSIONS.get(a.release, ""), "arch": "amd64",
           "kernel": {"release": kr, "version": kv},
           "collected_at": a.collected_at, "packages": pkgs,
           "logs": {"dpkg": [], "apt": []}}
    if a.dpkg_log:
        with open(a.dpkg_log) as f:
            doc["logs"]["dpkg"] = [l.rstrip("\n") for l in f if l.strip()]
    if a.restart or a.no_restart_entries:
        entries = []
        for r in a.restart:
            pid, unit, pkg, running, path = r.split(":", 4)
            entries.append({"pid": int(pid), "comm": unit.split(".")[0], "unit": unit,
                            "kind": "system", "package": pkg, "arch": "amd64",
                            "running_version": running, "path": path})
        doc["restart"] = {"processes_scanned": 40, "processes_unreadable": 0,
                          "entries": entries}
    if a.candidate:
        doc["candidates"] = []
        for c in a.candidate:
            pkg, arch, ver, suite, sec = c.split(":", 4)
            doc["candidates"].append({"package": pkg, "arch": arch, "version": ver,
                                      "suite": suite, "security": sec == "1"})
    for k in a.drop:
        doc.pop(k, None)
    json.dump(doc, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
