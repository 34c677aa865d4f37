#!/usr/bin/env python3
"""Independent expectation for vigie scan on real DSA/DLA data.

Usage: realdata_expect.py DSA-list DLA-list OUTDIR SEED
Writes OUTDIR/host.status (a bullseye host built from real versions found
in the lists, with binNMUs and Source: fields) and OUTDIR/expected (lines
"CVE SOURCE STATE FIXED"), computed here from the lists with the documented
rules and dpkg --compare-versions, without vigie."""
import functools, random, re, subprocess, sys

RELEASE = "bullseye"
HDR = re.compile(r'^\[(\d\d) ([A-Z][a-z][a-z]) (\d{4})\] (D[SL]A-\d+(?:-\d+)?)\s')
FIX = re.compile(r'^\[([a-z]+)\]\s+-\s+(\S+)\s+(\S+)(?:\s+\((.*)\))?\s*$')

def dpkg_lt(a, b):
    return subprocess.call(["dpkg", "--compare-versions", a, "lt", b]) == 0

def dpkg_cmp(a, b):
    if a == b:
        return 0
    return -1 if dpkg_lt(a, b) else 1

def parse(path, rows):
    adv, cves = None, []
    for line in open(path, encoding="ascii"):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("--"):
            continue
        if not line[0].isspace():
            m = HDR.match(line)
            adv = m.group(4) if m else None
            cves = []
            continue
        s = line.strip()
        if s.startswith("{"):
            cves = [t for t in s.strip("{}").split() if t.startswith("CVE-")]
            continue
        m = FIX.match(s)
        if not m or m.group(1) != RELEASE or adv is None:
            continue
        pkg, ver = m.group(2), m.group(3)
        for c in cves:
            rows.append((c, pkg, ver, adv))

def main():
    dsa, dla, out, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    rows = []
    parse(dsa, rows)
    parse(dla, rows)
    # (cve, source) -> list of statements
    by = {}
    for c, p, v, a in rows:
        by.setdefault((c, p), []).append(v)
    sources = sorted({p for (_, p) in by if not p.startswith("linux")})
    rnd = random.Random(seed)
    chosen = rnd.sample(sources, min(120, len(sources)))
    # real versions of each chosen source (fixed versions in the lists)
    versions = {}
    for (c, p), vs in by.items():
        if p in versions or p in chosen:
            versions.setdefault(p, set()).update(v for v in vs if not v.startswith("<"))
    host = {}
    stanzas = []
    for p in sorted(chosen):
        vs = sorted(versions.get(p, []))
        if not vs:
            continue
        v = rnd.choice(vs)
        mode = rnd.randrange(4)
        if mode == 1:
            v = v + "~pre1"          # just below a real fixed version
        srcver = v
        if mode == 2:                # binNMU: binary +b1, Source: p (v)
            stanzas.append("Package: %s-bin\nStatus: install ok installed\n"
                           "Architecture: amd64\nSource: %s (%s)\nVersion: %s+b1\n"
                           % (p, p, v, v))
        else:
            stanzas.append("Package: %s\nStatus: install ok installed\n"
                           "Architecture: amd64\nVersion: %s\n" % (p, v))
            stanzas.append("Package: lib%s-extra\nStatus: install ok unpacked\n"
                           "Architecture: amd64\nSource: %s\nVersion: %s\n" % (p, p, v))
        if mode == 3:                # a removed package with an old version: never counted
            stanzas.append("Package: %s-old\nStatus: deinstall ok config-files\n"
                           "Architecture: amd64\nSource: %s\nVersion: 0.1-1\n" % (p, p))
        host[p] = srcver
    with open(out + "/host.status", "w") as f:
        f.write("\n".join(stanzas))
    exp = []
    for (c, p), vs in by.items():
        if p not in host:
            continue
        fixed = [v for v in vs if not v.startswith("<")]
        pseudo = [v for v in vs if v.startswith("<")]
        if fixed:
            best = functools.reduce(lambda a, b: a if dpkg_cmp(a, b) >= 0 else b, fixed)
            if dpkg_lt(host[p], best):
                exp.append("%s %s fixed-available %s" % (c, p, best))
        elif any(v in ("<unfixed>", "<end-of-life>", "<no-dsa>", "<ignored>",
                       "<postponed>") for v in pseudo):
            st = "end-of-life" if "<end-of-life>" in pseudo else "no-fix"
            exp.append("%s %s %s -" % (c, p, st))
        elif "<undetermined>" in pseudo:
            exp.append("%s %s undetermined -" % (c, p))
    with open(out + "/expected", "w") as f:
        f.write("".join(sorted(e + "\n" for e in exp)))
    # A generic CSV report over the host: one row per (CVE, source) the
    # lists name for an installed source, plus rows for sources that are
    # not installed; and the verdict each row must get.
    binary = {}
    for st in stanzas:
        fields = dict(l.split(": ", 1) for l in st.strip().split("\n"))
        if fields["Status"].endswith(" installed") or fields["Status"].endswith(" unpacked"):
            binary.setdefault(fields.get("Source", fields["Package"]).split(" ")[0],
                              fields["Package"])
    rows, verdicts = [], []
    absent = [p for p in sources if p not in host][:40]
    for (c, p), vs in sorted(by.items()):
        if p in host:
            fixed = [v for v in vs if not v.startswith("<")]
            pseudo = [v for v in vs if v.startswith("<")]
            if fixed:
                best = functools.reduce(lambda a, b: a if dpkg_cmp(a, b) >= 0 else b, fixed)
                v = ("confirmed:fix-available" if dpkg_lt(host[p], best)
                     else "false-positive:fixed-by-backport")
            elif any(x in ("<unfixed>", "<end-of-life>", "<no-dsa>", "<ignored>",
                           "<postponed>") for x in pseudo):
                v = "confirmed:no-fix"
            elif "<not-affected>" in pseudo:
                v = "false-positive:not-affected"
            else:
                v = "unknown"
            rows.append((c, binary[p]))
            verdicts.append("%s %s %s" % (c, binary[p], v))
        elif p in absent:
            rows.append((c, p))
            verdicts.append("%s %s false-positive:not-affected" % (c, p))
    with open(out + "/report.csv", "w") as f:
        f.write("host,cve,package,severity\n")
        for c, b in rows:
            f.write("real,%s,%s,High\n" % (c, b))
    with open(out + "/expected-triage", "w") as f:
        f.write("".join(sorted(v + "\n" for v in verdicts)))

main()
