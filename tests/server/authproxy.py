#!/usr/bin/env python3
"""A loopback proxy for the page tests: forwards GETs to the vigie server
with an Authorization header (a browser started from a test cannot add
one), so headless Chromium opens the pages as a given user.

authproxy.py UPSTREAM_URL TOKEN_FILE PORT_FILE: listens on a free
127.0.0.1 port, writes it to PORT_FILE, serves until killed."""
import http.client
import http.server
import sys
import urllib.parse

UP = urllib.parse.urlsplit(sys.argv[1])
with open(sys.argv[2]) as f:
    TOKEN = f.read().strip()


class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        c = http.client.HTTPConnection(UP.hostname, UP.port, timeout=30)
        hdrs = {"Authorization": "Bearer " + TOKEN}
        for k in ("Accept-Language", "Accept"):
            if self.headers.get(k):
                hdrs[k] = self.headers[k]
        c.request("GET", self.path, headers=hdrs)
        r = c.getresponse()
        body = r.read()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() in ("content-type", "content-security-policy", "location"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        c.close()

    def log_message(self, *a):
        pass


s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(sys.argv[3] + ".tmp", "w") as f:
    f.write(str(s.server_address[1]))
import os
os.rename(sys.argv[3] + ".tmp", sys.argv[3])
s.serve_forever()
