#!/usr/bin/env python3
"""Check a SARIF, CycloneDX or OpenVEX document written by vigie: against
the schema subset in tests/data/formats (written from the specifications),
then the cross-references a schema cannot express. Prints one line of
facts for the calling test to compare with values it computed itself.

usage: formats_check.py sarif|cyclonedx|openvex SCHEMA_DIR < DOCUMENT
"""
import json
import sys

import jsonschema

kind, schema_dir = sys.argv[1], sys.argv[2]
doc = json.load(sys.stdin)
with open(f"{schema_dir}/{kind}-subset.schema.json") as f:
    schema = json.load(f)
jsonschema.Draft7Validator.check_schema(schema)
errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(doc), key=str)
if errors:
    for e in errors[:5]:
        print(f"schema: {'/'.join(map(str, e.absolute_path))}: {e.message}", file=sys.stderr)
    sys.exit(1)


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


if kind == "sarif":
    run = doc["runs"][0]
    rules = run["tool"]["driver"].get("rules", [])
    ids = [r["id"] for r in rules]
    if len(ids) != len(set(ids)):
        fail("a rule id appears twice")
    fps = set()
    triples = set()
    levels = {}
    for res in run.get("results", []):
        if res["ruleId"] not in ids:
            fail(f"result names rule {res['ruleId']} that is not in rules")
        if ids[res["ruleIndex"]] != res["ruleId"]:
            fail(f"ruleIndex {res['ruleIndex']} is not {res['ruleId']}")
        fp = tuple(sorted(res["partialFingerprints"].items()))
        if fp in fps:
            fail(f"fingerprint repeated: {fp}")
        fps.add(fp)
        p = res["properties"]
        t = (p["host"], res["ruleId"], p["source"])
        if t in triples:
            fail(f"two results for {t}")
        triples.add(t)
        levels[res["level"]] = levels.get(res["level"], 0) + 1
    used = {r["ruleId"] for r in run.get("results", [])}
    if used != set(ids):
        fail("a rule no result uses")
    print(len(run.get("results", [])), len(ids),
          " ".join(f"{k}={levels[k]}" for k in sorted(levels)))
elif kind == "cyclonedx":
    refs = [c["bom-ref"] for c in doc.get("components", [])]
    vrefs = [v["bom-ref"] for v in doc.get("vulnerabilities", [])]
    if len(refs + vrefs) != len(set(refs + vrefs)):
        fail("a bom-ref appears twice")
    states = {}
    for v in doc.get("vulnerabilities", []):
        if not v.get("affects"):
            fail(f"{v['id']} affects nothing")
        for a in v["affects"]:
            if a["ref"] not in refs:
                fail(f"{v['id']} affects {a['ref']}, not a component")
        s = v["analysis"]["state"]
        states[s] = states.get(s, 0) + 1
    libs = sum(1 for c in doc.get("components", []) if c["type"] == "library")
    print(libs, len(vrefs), " ".join(f"{k}={states[k]}" for k in sorted(states)))
else:
    sts = doc["statements"]
    per = {}
    for s in sts:
        per[s["status"]] = per.get(s["status"], 0) + 1
        purls = [p["@id"] for p in s["products"]]
        if len(purls) != len(set(purls)):
            fail(f"{s['vulnerability']['name']}: a product twice")
        for p in s["products"]:
            if p.get("identifiers", {}).get("purl", p["@id"]) != p["@id"]:
                fail("identifiers.purl differs from @id")
    print(len(sts), " ".join(f"{k}={per[k]}" for k in sorted(per)))
