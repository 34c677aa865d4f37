#!/usr/bin/env python3
"""Expected rows for test_import_cve, computed from the JSON files with
Python's json module (independently of the C importers).

usage: expect.py kev FILE | cve5 FILE-OR-DIR... | nvd FILE-OR-DIR...
Prints one tab-separated line per CVE; "-" stands for absent."""
import json
import os
import sys

V5 = ["cvssV4_0", "cvssV3_1", "cvssV3_0", "cvssV2_0"]
V5NAME = {"cvssV4_0": "4.0", "cvssV3_1": "3.1", "cvssV3_0": "3.0", "cvssV2_0": "2.0"}
NVD = [("cvssMetricV40", "4.0"), ("cvssMetricV31", "3.1"),
       ("cvssMetricV30", "3.0"), ("cvssMetricV2", "2.0")]


def files(args):
    for a in args:
        if os.path.isdir(a):
            for root, _, names in os.walk(a):
                for n in sorted(names):
                    if n.endswith(".json"):
                        yield os.path.join(root, n)
        else:
            yield a


def d(x):
    return "-" if x is None else str(x)


def cve5_best(metrics):
    for key in V5:
        for m in metrics or []:
            if key in m:
                return V5NAME[key], m[key]["baseScore"], m[key].get("vectorString")
    return None


def main():
    kind = sys.argv[1]
    if kind == "kev":
        for v in json.load(open(sys.argv[2]))["vulnerabilities"]:
            print("\t".join(d(v.get(k)) for k in (
                "cveID", "vendorProject", "product", "vulnerabilityName",
                "dateAdded", "dueDate", "knownRansomwareCampaignUse")))
    elif kind == "cve5":
        for f in files(sys.argv[2:]):
            r = json.load(open(f))
            meta = r["cveMetadata"]
            if meta.get("state") == "REJECTED":
                continue
            c = r.get("containers", {})
            best = cve5_best(c.get("cna", {}).get("metrics"))
            kev = None
            for a in c.get("adp", []):
                if best is None and a.get("providerMetadata", {}).get("shortName") == "CISA-ADP":
                    best = cve5_best(a.get("metrics"))
                for m in a.get("metrics", []):
                    o = m.get("other", {})
                    if kev is None and o.get("type") == "kev":
                        kev = o["content"]["dateAdded"][:10]
            ver, score, vec = best if best else (None, None, None)
            print("\t".join(d(x) for x in (meta["cveId"], ver, score, vec,
                                          meta.get("datePublished"), kev)))
    elif kind == "nvd":
        for f in files(sys.argv[2:]):
            for item in json.load(open(f))["vulnerabilities"]:
                c = item["cve"]
                best = None
                for key, ver in NVD:
                    arr = c.get("metrics", {}).get(key) or []
                    if arr:
                        prim = [m for m in arr if m.get("type") == "Primary"]
                        m = (prim or arr)[0]
                        best = (ver, m["cvssData"]["baseScore"], m["cvssData"].get("vectorString"))
                        break
                ver, score, vec = best if best else (None, None, None)
                print("\t".join(d(x) for x in (c["id"], ver, score, vec,
                                              c.get("published"), c.get("cisaExploitAdd"))))


main()
