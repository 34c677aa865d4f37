#!/usr/bin/env python3
"""Fixtures for test_rejudge_incremental.sh, written into DIR:

    gen_rejudge.py DIR

- tracker1.json ... tracker4.json: a tracker of 100 sources (src000 ...
  src099, and linux) on bookworm and bullseye, then three updates:
  2: a few sources change (an entry removed, one added, a fixed version
     raised, an urgency set to unimportant, a status opened), one source
     no host holds changes, one source goes;
  3: linux changes, and a CVE's scope (remote -> local) changes the class
     of two sources' entries;
  4: every source changes at once (more than a partial judgement takes);
- kev1.json, kev2.json: CISA KEV without, then with, one CVE of src010;
- security-support-ended.deb11: bullseye's support of src040 (held by
  every host, with an open issue) ends on 2026-11-02;
- hostNN.status (NN = 01 ... 12): dpkg status files of hosts holding 80
  of the 100 sources each at one of three versions, some with a kernel
  image of linux-signed-amd64, some with a source at two versions;
  hosts.txt: "NAME RELEASE" per line;
- host03-up.status: host03 with five sources upgraded.
Fixed seed: the same files every run."""
import copy
import json
import os
import random
import sys

out = sys.argv[1]
rnd = random.Random(15)
RELS = ("bookworm", "bullseye")
VERS = ("1.0-1", "1.1-1", "1.2-1")
SOURCES = ["src%03d" % i for i in range(100)]


def entry(status, fixed=None, urgency="medium"):
    e = {"status": status, "urgency": urgency, "repositories": {}}
    if fixed:
        e["fixed_version"] = fixed
    return e


def base_tracker():
    t, n = {}, 0
    for s in SOURCES + ["linux"]:
        t[s] = {}
        for _ in range(rnd.randint(1, 4)):
            n += 1
            cve = "CVE-2026-%05d" % n
            rels = {}
            for r in RELS:
                k = rnd.random()
                if k < 0.55:
                    rels[r] = entry("resolved", rnd.choice(("1.1-1", "1.2-1", "1.3-1", "0")))
                elif k < 0.75:
                    rels[r] = entry("open")
                elif k < 0.85:
                    rels[r] = entry("undetermined")
                else:
                    rels[r] = entry("open", urgency="unimportant")
            t[s][cve] = {"description": "issue %d" % n,
                         "scope": rnd.choice(("remote", "local")), "releases": rels}
    t["linux"]["CVE-2026-90001"] = {"scope": "local", "releases": {
        r: entry("resolved", "6.1.90-1") for r in RELS}}
    t["src040"]["CVE-2026-60001"] = {"scope": "remote", "releases": {
        r: entry("open") for r in RELS}}
    return t


def write(name, obj):
    with open(os.path.join(out, name), "w") as f:
        json.dump(obj, f, sort_keys=True)


t1 = base_tracker()
write("tracker1.json", t1)

t2 = copy.deepcopy(t1)
first = lambda s: sorted(t2[s])[0]
del t2["src001"][first("src001")]
t2["src002"]["CVE-2026-80001"] = {"scope": "remote", "releases": {
    "bookworm": entry("resolved", "1.2-1"), "bullseye": entry("open")}}
for r in RELS:
    t2["src003"][first("src003")]["releases"][r] = entry("resolved", "1.3-1")
    t2["src004"][first("src004")]["releases"][r] = entry("open", urgency="unimportant")
    t2["src005"][first("src005")]["releases"][r] = entry("open", urgency="high")
t2["src099-nobody"] = {"CVE-2026-80002": {"releases": {r: entry("open") for r in RELS}}}
del t2["src098"]
write("tracker2.json", t2)

t3 = copy.deepcopy(t2)
t3["linux"]["CVE-2026-90002"] = {"scope": "remote", "releases": {
    r: entry("resolved", "6.1.99-1") for r in RELS}}
shared = "CVE-2026-70001"
for s in ("src020", "src021"):
    t3[s][shared] = {"scope": "remote", "releases": {r: entry("open", urgency="high")
                                                     for r in RELS}}
write("tracker3.json", t3)
t3b = copy.deepcopy(t3)
for s in ("src020", "src021"):
    t3b[s][shared]["scope"] = "local"
write("tracker3b.json", t3b)

t4 = copy.deepcopy(t3b)
for s in SOURCES:
    if s in t4:
        for cve in t4[s]:
            for r in RELS:
                if r in t4[s][cve]["releases"]:
                    t4[s][cve]["releases"][r] = entry("resolved", "1.2-1")
write("tracker4.json", t4)


def kev(cves):
    write_v = [{"cveID": c, "vendorProject": "x", "product": "y", "vulnerabilityName": "z",
                "dateAdded": "2026-11-01", "shortDescription": "-", "requiredAction": "-",
                "dueDate": "2026-11-22", "knownRansomwareCampaignUse": "Unknown",
                "notes": ""} for c in cves]
    return {"title": "CISA Catalog of Known Exploited Vulnerabilities",
            "catalogVersion": "2026.11.01", "dateReleased": "2026-11-01T00:00:00Z",
            "count": len(write_v), "vulnerabilities": write_v}


write("kev1.json", kev([]))
# bullseye's support for src040 ends on 2026-11-02: still supported that
# day, ended the next (its open issue becomes end-of-life)
with open(os.path.join(out, "security-support-ended.deb11"), "w") as f:
    f.write("# 1. source package name\nsrc040  1.2-1  2026-11-02  https://example.org/\n")
write("kev2.json", kev([sorted(t1["src010"])[0]]))


def status(pkgs):
    st = []
    for name, src, ver in pkgs:
        st.append("Package: %s\nStatus: install ok installed\nArchitecture: amd64\n"
                  "Source: %s\nVersion: %s\n" % (name, src, ver))
    return "\n".join(st)


hosts = []
for h in range(1, 13):
    name = "host%02d" % h
    rel = RELS[h % 2]
    held = sorted(set(rnd.sample(SOURCES, 80)) | {"src040"})
    if h == 3:
        held = sorted(set(held) | {"src001", "src002", "src003", "src004", "src005"})
    pkgs = [(s + "-bin", s, rnd.choice(VERS)) for s in held]
    if h % 3 == 0:
        pkgs.append(("linux-image-6.1.0-9-amd64", "linux-signed-amd64", "6.1.80+1"))
    if h % 4 == 1:
        # a source installed at two versions (a binary left behind): its
        # findings are those of the older one, judged on the host
        old = next(v for v in VERS if v != pkgs[1][2])
        pkgs.append((held[1] + "-old", held[1], old))
    hosts.append((name, rel))
    with open(os.path.join(out, name + ".status"), "w") as f:
        f.write(status(pkgs))
    if h == 3:
        up = [(n, s, "1.2-1" if s in ("src001", "src003", "src005", "src007", "src009")
               else v) for n, s, v in pkgs]
        with open(os.path.join(out, "host03-up.status"), "w") as f:
            f.write(status(up))
with open(os.path.join(out, "hosts.txt"), "w") as f:
    for name, rel in hosts:
        f.write("%s %s\n" % (name, rel))
