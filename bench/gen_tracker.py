#!/usr/bin/env python3
"""Generate a synthetic Debian security tracker JSON of realistic size.

Same shape as https://security-tracker.debian.org/tracker/data/json
(compact, one line): source package -> issue -> {description, scope,
debianbug, releases: {codename: {status, repositories, fixed_version,
urgency, nodsa, nodsa_reason, next_point_update}}}.

Deterministic (fixed seed). Defaults: ~9,000 source packages, ~155,000
package/issue pairs, 5 releases, ~70 MB.

usage: gen_tracker.py OUTPUT [--packages N] [--pairs N] [--seed N]
"""
import argparse
import json
import random

RELEASES = ["buster", "bullseye", "bookworm", "trixie", "sid"]
DEBSUFFIX = {"buster": "deb10u", "bullseye": "deb11u", "bookworm": "deb12u",
             "trixie": "deb13u", "sid": None}
URGENCIES = [("not yet assigned", 30), ("unimportant", 14), ("low", 8),
             ("medium", 6), ("high", 3), ("end-of-life", 4), ("low**", 10),
             ("medium**", 16), ("high**", 9)]
WORDS = ("buffer overflow heap stack use-after-free out-of-bounds read write "
         "integer underflow null pointer dereference denial service remote "
         "attackers crafted file request allows local users execute arbitrary "
         "code via vulnerability function component parser library before "
         "version memory corruption information disclosure privilege "
         "escalation authentication bypass certificate validation injection "
         "cross-site scripting path traversal race condition").split()
SYL = ["lib", "py", "gst", "node", "ruby", "php", "perl", "x", "qt", "gtk",
       "open", "mini", "net", "sec", "core", "data", "http", "ssl", "xml",
       "json", "image", "sound", "font", "mail", "db", "tools", "utils"]


def weighted(rng, items):
    total = sum(w for _, w in items)
    x = rng.uniform(0, total)
    for v, w in items:
        x -= w
        if x <= 0:
            return v
    return items[-1][0]


def pkg_name(rng, i):
    parts = [rng.choice(SYL) for _ in range(rng.randint(1, 3))]
    name = "".join(parts) + ("-" + str(rng.randint(2, 9)) if rng.random() < 0.1 else "")
    return "%s%d" % (name, i) if rng.random() < 0.5 else "%s-%d" % (name, i)


def upstream(rng):
    return ".".join(str(rng.randint(0, 40)) for _ in range(rng.randint(2, 3)))


def describe(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(7, 18))]
    return ("%s in %s before %s allows " % (rng.choice(["A flaw", "An issue",
            "A vulnerability", "A heap-based buffer overflow"]),
            rng.choice(SYL) + rng.choice(SYL), upstream(rng))
            + " ".join(words) + ".")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("output")
    ap.add_argument("--packages", type=int, default=9000)
    ap.add_argument("--pairs", type=int, default=158000)
    ap.add_argument("--seed", type=int, default=20261127)
    a = ap.parse_args()
    rng = random.Random(a.seed)

    # Issues: a pool; ~8% are shared by several packages (embedded copies).
    nissues = int(a.pairs * 0.93)
    issues = []
    seen = set()
    while len(issues) < nissues:
        if rng.random() < 0.03:
            name = "TEMP-%07d-%06X" % (rng.randint(0, 1100000), rng.getrandbits(24))
        else:
            name = "CVE-%d-%d" % (rng.randint(1999, 2025), rng.randint(1000, 52000))
        if name in seen:
            continue
        seen.add(name)
        info = {}
        if rng.random() < 0.9:
            info["description"] = describe(rng)
            info["scope"] = "local" if rng.random() < 0.85 else "remote"
        if rng.random() < 0.3:
            info["debianbug"] = rng.randint(300000, 1100000)
        issues.append((name, info))

    # Packages with a weighted number of issues (a few carry thousands).
    names = sorted({pkg_name(rng, i) for i in range(a.packages)})
    weights = [rng.paretovariate(1.2) for _ in names]
    total = sum(weights)
    counts = [max(1, int(w / total * a.pairs)) for w in weights]
    # adjust to the requested pair count
    i = 0
    while sum(counts) < a.pairs:
        counts[i % len(counts)] += 1
        i += 1
    issue_iter = 0
    with open(a.output, "w") as out:
        out.write("{")
        for pi, (pkg, n) in enumerate(zip(names, counts)):
            n = min(n, len(issues))
            # releases the package is in (contiguous range)
            first = rng.choice([0, 1, 2, 3, 3, 4, 4, 4])
            last = 4 if rng.random() < 0.93 else rng.randint(first, 4)
            rels = RELEASES[first:last + 1]
            base = {r: upstream(rng) for r in rels}
            rev = {r: rng.randint(1, 6) for r in rels}
            picked = {}
            for _ in range(n):
                if rng.random() < 0.08:
                    name, info = issues[rng.randrange(len(issues))]
                else:
                    name, info = issues[issue_iter % len(issues)]
                    issue_iter += 1
                picked[name] = info
            if pi:
                out.write(",")
            out.write(json.dumps(pkg) + ":{")
            for ii, name in enumerate(sorted(picked)):
                info = dict(picked[name])
                releases = {}
                for r in rels:
                    st = weighted(rng, [("resolved", 70), ("open", 28), ("undetermined", 2)])
                    urg = weighted(rng, URGENCIES)
                    ver = "%s-%d" % (base[r], rev[r])
                    if r != "sid" and rng.random() < 0.3:
                        ver += "+%s%d" % (DEBSUFFIX[r], rng.randint(1, 9))
                    repos = {r: ver}
                    if r != "sid" and rng.random() < 0.35:
                        repos[r + "-security"] = ver + ("~%s%d" % (DEBSUFFIX[r], rng.randint(1, 9)))
                    rel = {"status": st, "repositories": repos}
                    if st == "resolved":
                        if rng.random() < 0.25:
                            rel["fixed_version"] = "0"
                            urg = "unimportant"
                        else:
                            rel["fixed_version"] = ver
                    rel["urgency"] = urg
                    if st == "open" and r != "sid" and rng.random() < 0.4:
                        rel["nodsa"] = rng.choice(["Minor issue", "Can be fixed via point release", "Negligible security impact"])
                        rel["nodsa_reason"] = rng.choice(["", "", "ignored", "postponed"])
                    if st == "open" and rng.random() < 0.02:
                        rel["next_point_update"] = True
                    releases[r] = rel
                info["releases"] = releases
                if ii:
                    out.write(",")
                out.write(json.dumps(name) + ":" + json.dumps(info, separators=(",", ":")))
            out.write("}")
        out.write("}")


if __name__ == "__main__":
    main()
