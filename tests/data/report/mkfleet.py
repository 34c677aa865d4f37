#!/usr/bin/env python3
"""Write the report test's fleet under OUT: host roots (os-release, dpkg
status, dpkg.log in local time) and a DSA list for their packages.

  mkfleet.py OUT EXTRA_DSA_LIST [BIG]

Client acme, November 2026 (Europe/Paris, 1 business day, French holidays):
  web1 pkg01 DSA Mon 02 Nov, installed Mon 02 15:00 -> 14 h, met
  web1 pkg02 DSA Wed 04 Nov, installed Mon 09 10:00 -> 81 h, breached
  web1 pkg03 DSA Tue 10 Nov, installed Thu 12 00:30 -> 23.5 h (Wed 11 Nov
       is a holiday), met
  web1 pkg05 DSA Mon 30 Nov, installed Mon 30 23:30 -> 22.5 h, met
  web1 pkg06 DSA Mon 30 Nov, installed Tue 01 Dec 00:30 Paris (still
       November in UTC): not in November's report
  web1 pkg04 DSA Thu 01 Oct, installed the same day: October
  web2 pkg01 installed Tue 03 Nov 10:00 -> 33 h, breached
  web2 pkg07 DSA Fri 20 Nov, never installed: open at the month's end
BIG adds host big1 (client big) with 60 fixes in November 2026.
Publication is 00:00 UTC of the DSA day (01:00 in Paris)."""
import os, sys

out, extra = sys.argv[1], sys.argv[2]
big = len(sys.argv) > 3

dsa = {  # pkg -> (day, month, year)
    "pkg01": (2, 11), "pkg02": (4, 11), "pkg03": (10, 11), "pkg04": (1, 10),
    "pkg05": (30, 11), "pkg06": (30, 11), "pkg07": (20, 11),
}
MON = ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

def host(name, installed, old, log):
    root = os.path.join(out, name)
    os.makedirs(os.path.join(root, "etc"), exist_ok=True)
    os.makedirs(os.path.join(root, "var/lib/dpkg"), exist_ok=True)
    os.makedirs(os.path.join(root, "var/log"), exist_ok=True)
    with open(os.path.join(root, "etc/os-release"), "w") as f:
        f.write('ID=debian\nVERSION_ID="11"\nVERSION_CODENAME=bullseye\n')
    with open(os.path.join(root, "var/lib/dpkg/status"), "w") as f:
        for p in installed:
            f.write("Package: %s\nStatus: install ok installed\nArchitecture: amd64\n"
                    "Version: 1.0-1+deb11u1\n\n" % p)
        for p in old:
            f.write("Package: %s\nStatus: install ok installed\nArchitecture: amd64\n"
                    "Version: 1.0-1\n\n" % p)
    with open(os.path.join(root, "var/log/dpkg.log"), "w") as f:
        for when, p in sorted(log):
            f.write("%s upgrade %s:amd64 1.0-1 1.0-1+deb11u1\n" % (when, p))

host("web1", ["pkg01", "pkg02", "pkg03", "pkg04", "pkg05", "pkg06"], [],
     [("2026-11-02 15:00:00", "pkg01"), ("2026-11-09 10:00:00", "pkg02"),
      ("2026-11-12 00:30:00", "pkg03"), ("2026-11-30 23:30:00", "pkg05"),
      ("2026-12-01 00:30:00", "pkg06"), ("2026-10-01 16:00:00", "pkg04")])
host("web2", ["pkg01"], ["pkg07"], [("2026-11-03 10:00:00", "pkg01")])
if big:
    names = ["big%02d" % i for i in range(60)]
    for i, p in enumerate(names):
        dsa[p] = (2 + i % 20, 11)
    host("big1", names, [], [("2026-11-%02d 12:%02d:00" % (2 + i % 20, i), p)
                             for i, p in enumerate(names)])

with open(os.path.join(out, "DSA-list"), "w") as f:
    for p, (d, m) in sorted(dsa.items(), key=lambda kv: (kv[1][1], kv[1][0]), reverse=True):
        i = int(p[3:]) + (100 if p.startswith("big") else 0)
        f.write("[%02d %s 2026] DSA-7%03d-1 %s - security update\n\t{CVE-2026-9%03d}\n"
                "\t[bullseye] - %s 1.0-1+deb11u1\n" % (d, MON[m], i, p, i, p))
    with open(extra) as e:
        f.write(e.read())
