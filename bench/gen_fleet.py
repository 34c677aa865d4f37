#!/usr/bin/env python3
"""Generate a fleet for bench/bench_fleet.sh, planted behind vigie's back.

    gen_fleet.py --status RELEASE=FILE [--status RELEASE=FILE ...]
                 --hosts N [options] > fleet.sql

Writes portable SQL on stdout (SQLite and PostgreSQL: multi-row VALUES,
INSERT ... SELECT with joins, no driver-specific syntax) planting N hosts
fleet-000001 ... of client CLIENT (created when missing) in a store that
already has vigie's schema (and the security data). Stdlib only, fixed
seed: the same arguments give the same SQL.

The shape, from real inventories:
  - each release has a base host built from a dpkg status file (the
    2,000-package host bench_scan --write-status generates for that
    release: 2,000 tracked source packages, each at a fixed version of the
    generated tracker, bench/gen_tracker.py). Real hosts have about three
    binary packages per source and not every source is in the security
    tracker, so the base host has PACKAGES binaries (default 2,000) from
    PACKAGES/BINARIES_PER_SOURCE sources (default 3: 667 sources), of which
    TRACKED_PERCENT (default 50) are sources of the status file at their
    fixed version, the others renamed "<source>-notrack" (no tracker entry);
    one of the binaries is the kernel image, source linux;
  - hosts run bookworm, or bullseye for BULLSEYE_PERCENT of them (default
    30); the releases bench/gen_tracker.py covers are buster, bullseye,
    bookworm, trixie and sid;
  - each host shares its release's base but for DIFFER_PERCENT (default 3)
    of its sources, picked per host, at another version: one of two older
    ones (v~fleet1, v~fleet2: behind the fixes at v, so they have more
    findings) or of two newer ones (v+fleet1, v+fleet2), all binaries of
    the source along; so the fleet holds at most five versions of a source
    per release;
  - it runs the base kernel; REBOOT_PERCENT (default 5) of hosts have a
    newer kernel image installed beside it (reboot required);
  - no summary, no history, one push row: the first rescan judges every
    host.

Options: --packages N, --binaries-per-source N, --tracked-percent P,
--bullseye-percent P, --differ-percent P, --reboot-percent P, --client
NAME, --seed N. Counts of what was generated go to stderr."""
import argparse
import random
import sys

KERNELS = {  # release: (running image, its version, a newer image, version)
    "bookworm": ("6.1.0-13-amd64", "6.1.55-1", "6.1.0-15-amd64", "6.1.66-1"),
    "bullseye": ("5.10.0-26-amd64", "5.10.197-1", "5.10.0-28-amd64", "5.10.209-2"),
}
NOW = 1795770000  # 2026-11-27; only an order of time (as bench_server_plant.py)


def q(s):
    return "NULL" if s is None else "'" + str(s).replace("'", "''") + "'"


def read_status(path):
    """(package, version, source, source_version) of each paragraph."""
    pkgs, cur = [], {}
    with open(path) as f:
        for line in list(f) + ["\n"]:
            line = line.rstrip("\n")
            if not line:
                if "Package" in cur:
                    src, sv = cur["Package"], cur["Version"]
                    if "Source" in cur:
                        w = cur["Source"].split()
                        src = w[0]
                        if len(w) > 1:
                            sv = w[1].strip("()")
                    pkgs.append((cur["Package"], cur["Version"], src, sv))
                cur = {}
            elif not line[0].isspace() and ":" in line:
                k, v = line.split(":", 1)
                cur[k] = v.strip()
    return pkgs


def base_host(status, release, npkgs, per_source, tracked_pct):
    """The release's base: [(package, version, source, source_version)]."""
    nsrc = max(1, -(-(npkgs - 1) // per_source))  # the kernel is one more
    ntracked = nsrc * tracked_pct // 100
    if nsrc > len(status):
        sys.exit("gen_fleet.py: %d sources asked, the status file of %s has %d"
                 % (nsrc, release, len(status)))
    out = []
    for i, (_, _, src, sv) in enumerate(status[:nsrc]):
        fixed = sv[:-4] if sv.endswith("~old") else sv  # bench_scan's "behind"
        name = src if i < ntracked else src + "-notrack"
        binnmu = i % 5 == 4  # binaries rebuilt: version v+b1, source at v
        for m in range(per_source):
            if len(out) == npkgs - 1:
                break
            pkg = name if m == 0 else "%s-bin%d" % (name, m)
            out.append((pkg, fixed + "+b1" if binnmu else fixed, name, fixed))
    run = KERNELS[release]
    out.append(("linux-image-" + run[0], run[1], "linux", run[1]))
    return out, nsrc, ntracked


def alt_versions(pkg):
    """The four other versions of a base package: k -> (version, source_version)."""
    _, v, _, sv = pkg
    alts = {}
    for k, suf in enumerate(("~fleet1", "~fleet2", "+fleet1", "+fleet2"), 1):
        alts[k] = (sv + suf + "+b1" if v != sv else sv + suf, sv + suf)
    return alts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--status", action="append", required=True, metavar="RELEASE=FILE")
    ap.add_argument("--hosts", type=int, required=True)
    ap.add_argument("--packages", type=int, default=2000)
    ap.add_argument("--binaries-per-source", type=int, default=3)
    ap.add_argument("--tracked-percent", type=int, default=50)
    ap.add_argument("--bullseye-percent", type=int, default=30)
    ap.add_argument("--differ-percent", type=float, default=3)
    ap.add_argument("--reboot-percent", type=float, default=5)
    ap.add_argument("--client", default="bench")
    ap.add_argument("--seed", type=int, default=15)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    status = dict(s.split("=", 1) for s in a.status)
    for r in status:
        if r not in KERNELS:
            sys.exit("gen_fleet.py: no kernel known for release %s" % r)
    releases = sorted(status)
    base, sources = {}, {}
    for r in releases:
        base[r], nsrc, ntr = base_host(read_status(status[r]), r, a.packages,
                                       a.binaries_per_source, a.tracked_percent)
        sources[r] = sorted({p[2] for p in base[r] if p[2] != "linux"})
        print("gen_fleet.py: %s base: %d packages from %d sources (%d tracked, and linux)"
              % (r, len(base[r]), nsrc, ntr), file=sys.stderr)

    out = sys.stdout
    w = out.write
    w("BEGIN;\n")
    w("INSERT INTO clients(name, created_at) SELECT %s, %d WHERE NOT EXISTS"
      " (SELECT 1 FROM clients WHERE name = %s);\n" % (q(a.client), NOW, q(a.client)))
    w("CREATE TEMP TABLE fleet_pkgs(release TEXT NOT NULL, package TEXT NOT NULL,"
      " version TEXT NOT NULL, source TEXT NOT NULL, source_version TEXT NOT NULL,"
      " PRIMARY KEY(release, package));\n")
    w("CREATE TEMP TABLE fleet_alt(release TEXT NOT NULL, package TEXT NOT NULL,"
      " k INTEGER NOT NULL, version TEXT NOT NULL, source_version TEXT NOT NULL,"
      " PRIMARY KEY(release, package, k));\n")
    w("CREATE TEMP TABLE fleet_pick(host TEXT NOT NULL, source TEXT NOT NULL,"
      " k INTEGER NOT NULL, PRIMARY KEY(host, source));\n")
    for r in releases:
        rows = [",".join(map(q, (r,) + p)) for p in base[r]]
        for i in range(0, len(rows), 500):
            w("INSERT INTO fleet_pkgs VALUES (%s);\n" % "),(".join(rows[i:i + 500]))
        rows = []
        for p in base[r]:
            if p[2] == "linux":
                continue
            for k, (v, sv) in alt_versions(p).items():
                rows.append(",".join(map(q, (r, p[0], k, v, sv))))
        for i in range(0, len(rows), 500):
            w("INSERT INTO fleet_alt VALUES (%s);\n" % "),(".join(rows[i:i + 500]))

    names = ["fleet-%06d" % (i + 1) for i in range(a.hosts)]
    hrel, reboot = {}, []
    npicks = 0
    others = [r for r in releases if r != "bullseye"]
    pairs = {r: set() for r in releases}
    for i in range(0, a.hosts, 1000):
        rows, picks = [], []
        for n in names[i:i + 1000]:
            r = "bullseye" if "bullseye" in base and (
                not others or rng.random() * 100 < a.bullseye_percent) else others[0]
            hrel[n] = r
            kern = KERNELS[r]
            t = NOW - rng.randrange(86400)
            rows.append("(%s,%s,%s,'amd64',%s,%s,%d,'push',%d,%d)"
                        % (q(n), q(a.client), q(r), q(kern[0]), q(kern[1]), t,
                           len(base[r]), t))
            if rng.random() * 100 < a.reboot_percent:
                reboot.append(n)
            ndiff = int(len(sources[r]) * a.differ_percent / 100)
            frac = len(sources[r]) * a.differ_percent / 100 - ndiff
            ndiff += rng.random() < frac
            for s in rng.sample(sources[r], ndiff):
                k = rng.randint(1, 4)
                picks.append("(%s,%s,%d)" % (q(n), q(s), k))
                pairs[r].add((s, k))
        w("INSERT INTO hosts(name, client, release, arch, kernel_release, kernel_version,"
          " inventoried_at, origin, npackages, last_push) VALUES %s;\n" % ",".join(rows))
        for j in range(0, len(picks), 1000):
            w("INSERT INTO fleet_pick VALUES %s;\n" % ",".join(picks[j:j + 1000]))
        npicks += len(picks)
    # the packages, 1,000 hosts a statement: one host's rows together, as
    # a push writes them
    for i in range(0, a.hosts, 1000):
        lo, hi = names[i], names[min(i + 1000, a.hosts) - 1]
        w("INSERT INTO host_packages(host_id, package, arch, version, source, source_version,"
          " status) SELECT h.id, p.package, 'amd64', coalesce(a.version, p.version), p.source,"
          " coalesce(a.source_version, p.source_version), 'installed' FROM hosts h"
          " JOIN fleet_pkgs p ON p.release = h.release"
          " LEFT JOIN fleet_pick k ON k.host = h.name AND k.source = p.source"
          " LEFT JOIN fleet_alt a ON a.release = p.release AND a.package = p.package"
          " AND a.k = k.k"
          " WHERE h.name >= %s AND h.name <= %s ORDER BY h.id, p.package;\n" % (q(lo), q(hi)))
    # a newer kernel image beside the running one
    w("CREATE TEMP TABLE fleet_kernel(release TEXT PRIMARY KEY, package TEXT NOT NULL,"
      " version TEXT NOT NULL);\n")
    w("INSERT INTO fleet_kernel VALUES %s;\n" % ",".join(
        "(%s,%s,%s)" % (q(r), q("linux-image-" + KERNELS[r][2]), q(KERNELS[r][3]))
        for r in releases))
    w("CREATE TEMP TABLE fleet_reboot(host TEXT PRIMARY KEY);\n")
    for i in range(0, len(reboot), 1000):
        w("INSERT INTO fleet_reboot VALUES %s;\n"
          % ",".join("(%s)" % q(n) for n in reboot[i:i + 1000]))
    w("INSERT INTO host_packages(host_id, package, arch, version, source, source_version,"
      " status) SELECT h.id, k.package, 'amd64', k.version, 'linux', k.version, 'installed'"
      " FROM hosts h JOIN fleet_reboot b ON b.host = h.name"
      " JOIN fleet_kernel k ON k.release = h.release;\n")
    w("UPDATE hosts SET npackages = npackages + 1"
      " WHERE name IN (SELECT host FROM fleet_reboot);\n")
    w("INSERT INTO pushes(host_id, digest, received_at, bytes, packages) SELECT id,"
      " 'planted', inventoried_at, 100000, npackages FROM hosts WHERE name LIKE 'fleet-%';\n")
    w("DROP TABLE fleet_reboot;\nDROP TABLE fleet_kernel;\nDROP TABLE fleet_pick;\nDROP TABLE fleet_alt;\nDROP TABLE fleet_pkgs;\n")
    w("COMMIT;\n")

    nb = sum(hrel[n] == "bullseye" for n in names)
    rows = sum(len(base[hrel[n]]) for n in names) + len(reboot)
    print("gen_fleet.py: %d hosts (%d bookworm, %d bullseye), %d package rows; %d sources"
          " at another version (%.1f per host); %d reboots pending; distinct (source,"
          " version) pairs: %s"
          % (a.hosts, a.hosts - nb, nb, rows, npicks, npicks / max(1, a.hosts), len(reboot),
             ", ".join("%s %d" % (r, len(sources[r]) + len(pairs[r]) + 1) for r in releases)),
          file=sys.stderr)


if __name__ == "__main__":
    main()
