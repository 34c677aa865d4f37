#!/usr/bin/env python3
"""Numbers shown on a page's DOM (as Chromium rendered it), for
test_pages.sh to compare with the JSON API.

pagenums.py fleet DOM      -> "HOST hc c s" per host row of table#hosts
pagenums.py host DOM       -> "summary hc c s" then "findings hc c s"
                              (rows of table#findings counted by class)
pagenums.py sla DOM        -> "CLASS met total" per row of table#classes
pagenums.py sladelay DOM   -> "CLASS median p90" per row of table#classes
                              (days, "None" for "–"), then "breaches N"
                              and "breach HOST CVE" per row of table#breaches
pagenums.py mttr DOM       -> "CLASS resolved mean median" per row of
                              table#mttr ("None" for "–")
pagenums.py cve DOM        -> "HOST SOURCE STATE FIXED" per row of table#hosts
pagenums.py pending DOM    -> "PACKAGE INSTALLED CANDIDATE" per row of
                              table#pending
pagenums.py history DOM    -> "total N" then "BIN N" per row of table#bins
pagenums.py timeline DOM   -> "upgrades N cves N"
pagenums.py decisions DOM  -> "CVE SOURCE: TEXT" per row of table#findings,
                              TEXT the Decision column as shown """
import html.parser
import sys


class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables = {}   # id -> rows -> cells (text, attrs)
        self.spans = {}    # id -> text
        self.table = None
        self.row = None
        self.cell = None
        self.span = None
        self.rowattrs = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.table = a.get("id", "")
            self.tables.setdefault(self.table, [])
        elif tag == "tr" and self.table is not None:
            self.row = []
            self.rowattrs = a
        elif tag in ("td", "th") and self.row is not None:
            self.cell = [tag, "", a]
        elif tag == "span" and a.get("id"):
            self.span = a["id"]
            self.spans[self.span] = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.table].append((self.rowattrs, self.row))
            self.row = None
        elif tag == "table":
            self.table = None
        elif tag == "span":
            self.span = None

    def handle_data(self, d):
        if self.cell is not None:
            self.cell[1] += d
        if self.span is not None:
            self.spans[self.span] += d


def body_rows(p, tid):
    return [(ra, r) for ra, r in p.tables.get(tid, []) if r and r[0][0] == "td"]


kind, path = sys.argv[1], sys.argv[2]
p = P()
p.feed(open(path, encoding="utf-8").read())
if kind == "fleet":
    for _, r in body_rows(p, "hosts"):
        t = [c[1].strip() for c in r]
        print(t[0], t[3], t[4], t[5])
elif kind == "host":
    for _, r in body_rows(p, "summary"):
        t = [c[1].strip() for c in r]
        print("summary", t[3], t[4], t[5])
    n = {"highly-critical": 0, "critical": 0, "standard": 0}
    for _, r in body_rows(p, "findings"):
        n[r[1][1].strip()] += 1
    print("findings", n["highly-critical"], n["critical"], n["standard"])
elif kind == "sla":
    for ra, r in body_rows(p, "classes"):
        t = [c[1].strip() for c in r]
        met, total = [x.strip() for x in t[2].split("/")]
        print(ra.get("data-class"), met, total)
elif kind == "sladelay":
    def days(x):
        x = x.strip()
        return "None" if x in ("–", "") else "%.1f" % float(x.split()[0])
    for ra, r in body_rows(p, "classes"):
        t = [c[1] for c in r]
        print(ra.get("data-class"), days(t[3]), days(t[4]))
    print("breaches", p.spans.get("nbreaches"))
    for _, r in body_rows(p, "breaches"):
        t = [c[1].strip() for c in r]
        print("breach", t[0], t[1])
elif kind == "mttr":
    def days(x):
        x = x.strip()
        return "None" if x in ("–", "") else "%.2f" % float(x.split()[0])
    for ra, r in body_rows(p, "mttr"):
        t = [c[1] for c in r]
        print(ra.get("data-class"), t[1].strip(), days(t[2]), days(t[3]))
elif kind == "cve":
    for _, r in body_rows(p, "hosts"):
        t = [c[1].strip() for c in r]
        print(t[0], t[1], t[2], t[3])
elif kind == "pending":
    for _, r in body_rows(p, "pending"):
        t = [c[1].strip() for c in r]
        print(t[0], t[2], t[3])
elif kind == "history":
    print("total", p.spans.get("total"))
    for _, r in body_rows(p, "bins"):
        t = [c[1].strip() for c in r]
        print(t[0], t[1])
elif kind == "decisions":
    head = [c[1].strip() for c in p.tables["findings"][0][1]]
    col = [i for i, h in enumerate(head) if h in ("Decision", "Décision")][0]
    for _, r in body_rows(p, "findings"):
        t = [" ".join(c[1].split()) for c in r]
        print("%s %s: %s" % (t[0], t[2], t[col]))
elif kind == "timeline":
    print("upgrades", p.spans.get("upgrades"), "cves", p.spans.get("cves"))
