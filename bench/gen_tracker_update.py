#!/usr/bin/env python3
"""A tracker update for bench/bench_fleet.sh: the tracker JSON of
bench/gen_tracker.py with PERCENT of its source packages (default 1)
changed, as a day of the security tracker changes them.

    gen_tracker_update.py IN.json OUT.json [--percent P] [--seed N]
                          [--held FILE --held-count K]

Deterministic (fixed seed). Each source picked gets one change:
  - 40%: an issue open in some release is fixed there (resolved, fixed at
    the release's version: hosts at that version lose the finding, older
    ones keep it);
  - 30%: a new issue, open in every release the source is in;
  - 30%: one of its issues removed (as when an entry was a mistake).
With --held, K of the sources picked are drawn from FILE (one source name
a line, such as the sources a planted fleet holds), the others from the
rest: an update known to touch the fleet.
Prints the counts and the names of the sources changed to stderr."""
import argparse
import json
import random
import sys


def release_versions(issues):
    """release -> a version of the source in it, from any issue's repositories."""
    out = {}
    for info in issues.values():
        for r, rel in info.get("releases", {}).items():
            repos = rel.get("repositories") or {}
            if r in repos and r not in out:
                out[r] = repos[r]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--percent", type=float, default=1)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--held")
    ap.add_argument("--held-count", type=int, default=0)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    with open(a.input) as f:
        data = json.load(f)
    names = sorted(data)
    n = max(1, round(len(names) * a.percent / 100))
    if a.held:
        with open(a.held) as f:
            held = sorted(set(l.strip() for l in f if l.strip()) & set(names))
        k = min(a.held_count, len(held), n)
        rest = sorted(set(names) - set(held))
        picked = sorted(rng.sample(held, k) + rng.sample(rest, n - k))
    else:
        picked = sorted(rng.sample(names, n))
    done = {"fixed": 0, "added": 0, "removed": 0}
    newid = 0
    for src in picked:
        issues = data[src]
        x = rng.random()
        opened = [(i, r) for i in sorted(issues)
                  for r, rel in sorted(issues[i].get("releases", {}).items())
                  if rel.get("status") == "open"]
        if x < 0.4 and opened:
            i, r = rng.choice(opened)
            rel = issues[i]["releases"][r]
            ver = (rel.get("repositories") or {}).get(r)
            if ver:
                rel["status"] = "resolved"
                rel["fixed_version"] = ver
                rel.pop("nodsa", None)
                rel.pop("nodsa_reason", None)
                done["fixed"] += 1
                continue
        if x < 0.7 or len(issues) < 2:
            vers = release_versions(issues)
            newid += 1
            issues["CVE-2026-%d" % (90000 + newid)] = {
                "description": "A flaw in %s allows remote attackers to cause a denial"
                               " of service via a crafted request." % src,
                "scope": "remote",
                "releases": {r: {"status": "open", "repositories": {r: v},
                                 "urgency": "medium"} for r, v in sorted(vers.items())},
            }
            done["added"] += 1
            continue
        del issues[rng.choice(sorted(issues))]
        done["removed"] += 1
    with open(a.output, "w") as f:
        json.dump(data, f, separators=(",", ":"))
    print("gen_tracker_update.py: %d of %d sources changed (%d issues fixed, %d added,"
          " %d removed): %s" % (len(picked), len(names), done["fixed"], done["added"],
                                done["removed"], " ".join(picked)), file=sys.stderr)


if __name__ == "__main__":
    main()
