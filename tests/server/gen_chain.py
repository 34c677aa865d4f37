#!/usr/bin/env python3
"""Generate security data and a chain of one host's package lists for the
partial-judgement test (tests/server/test_push_partial.sh).

gen_chain.py OUTDIR [--seed N] [--steps N] [--sources N]

Writes OUTDIR/tracker.json (the security tracker's JSON shape, release
bookworm: resolved issues at various fixed versions, open, undetermined and
unimportant ones, urgencies from low to high, a few nodsa) and
OUTDIR/step00.pkgs ... (NAME ARCH VERSION [SOURCE [SOURCE_VERSION]], as
tests/data/server/*.pkgs). Each step after the first changes one to four
things as apt and dpkg do: a source upgraded or downgraded (all its
binaries), a binary removed or installed, one binary of a source left at
another version (a source installed at two versions), a binNMU (binary
version differs from the source's), a whole source removed or added. The
running kernel's package stays, so every step can be judged in part.
Deterministic for a given seed."""
import argparse
import json
import os
import random

URGENCIES = ["low", "medium", "high", "not yet assigned", "low**", "medium**"]
NVERS = 7


def version(src_i, k):
    return "1.%d-%d" % (k, 1 + src_i % 3)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--steps", type=int, default=12)
    ap.add_argument("--sources", type=int, default=48)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    tracker = {}
    ncve = 0
    for i in range(a.sources):
        src = "src%02d" % i
        issues = {}
        for _ in range(rng.randint(1, 6)):
            ncve += 1
            cve = "CVE-2026-%05d" % (10000 + ncve)
            kind = rng.random()
            r = {"repositories": {"bookworm": version(i, NVERS - 1)},
                 "urgency": rng.choice(URGENCIES)}
            if kind < 0.6:
                r["status"] = "resolved"
                r["fixed_version"] = version(i, rng.randint(1, NVERS - 1))
            elif kind < 0.7:
                r["status"] = "resolved"
                r["fixed_version"] = "0"
                r["urgency"] = "unimportant"
            elif kind < 0.85:
                r["status"] = "open"
                if rng.random() < 0.3:
                    r["nodsa"] = "Minor issue"
                    r["nodsa_reason"] = ""
            else:
                r["status"] = "undetermined"
            issues[cve] = {"description": "generated issue %d of %s" % (ncve, src),
                           "scope": rng.choice(["local", "remote"]),
                           "releases": {"bookworm": r}}
        tracker[src] = issues
    tracker["linux"] = {"CVE-2026-09999": {
        "description": "generated kernel issue", "scope": "local",
        "releases": {"bookworm": {"status": "resolved", "fixed_version": "6.1.90-1",
                                  "repositories": {"bookworm": "6.1.90-1"},
                                  "urgency": "high"}}}}
    with open(os.path.join(a.out, "tracker.json"), "w") as f:
        json.dump(tracker, f)

    # installed: binary name -> [arch, version, source, source_version]
    installed = {}

    def install_source(i, k):
        src = "src%02d" % i
        for b in ("%s" % src, "lib%s" % src, "%s-data" % src)[: 1 + i % 3]:
            installed[b] = ["all" if b.endswith("-data") else "amd64", version(i, k), src,
                            None]

    present = rng.sample(range(a.sources), a.sources * 2 // 3)
    for i in present:
        install_source(i, rng.randint(0, NVERS - 1))

    def write(n):
        with open(os.path.join(a.out, "step%02d.pkgs" % n), "w") as f:
            f.write("linux-image-6.1.0-18-amd64 amd64 6.1.76-1 linux\n")
            for name in sorted(installed):
                arch, ver, src, sver = installed[name]
                f.write("%s %s %s %s %s\n" % (name, arch, ver, src, sver or "-"))

    def of(src):
        return [b for b, v in installed.items() if v[2] == src]

    write(0)
    for n in range(1, a.steps + 1):
        for _ in range(rng.randint(1, 4)):
            srcs = sorted({v[2] for v in installed.values()})
            i = int(rng.choice(srcs)[3:])
            src = "src%02d" % i
            op = rng.choice(["up", "down", "rm-bin", "add-bin", "split", "binnmu",
                             "rm-src", "add-src"])
            if op in ("up", "down"):
                k = rng.randint(0, NVERS - 1)
                for b in of(src):
                    installed[b][1] = version(i, k)
                    installed[b][3] = None
            elif op == "rm-bin" and len(of(src)) > 1:
                del installed[rng.choice(of(src))]
            elif op == "add-bin":
                v = installed[of(src)[0]]
                installed["%s-extra" % src] = ["amd64", v[1] if not v[3] else v[3], src, None]
            elif op == "split" and len(of(src)) > 1:
                b = rng.choice(of(src))
                installed[b][1] = version(i, rng.randint(0, NVERS - 1))
                installed[b][3] = None
            elif op == "binnmu":
                b = rng.choice(of(src))
                sver = installed[b][3] or installed[b][1]
                installed[b][3] = sver
                installed[b][1] = sver + "+b1"
            elif op == "rm-src" and len(srcs) > 3:
                for b in of(src):
                    del installed[b]
            else:
                absent = [j for j in range(a.sources) if not of("src%02d" % j)]
                if absent:
                    install_source(rng.choice(absent), rng.randint(0, NVERS - 1))
        write(n)


if __name__ == "__main__":
    main()
