#!/usr/bin/env python3
"""Loopback HTTP server for the feed tests (never listens beyond 127.0.0.1).

usage: feeds_server.py DATADIR STATEDIR [--generate N]
Writes the chosen port to STATEDIR/port and one line per request to
STATEDIR/requests ("METHOD PATH STATUS if-none-match"). Exits by itself
after 120 s so a failed test cannot leave it behind.

Paths:
  /f/NAME          file DATADIR/NAME, with ETag and Last-Modified; 304 when
                   If-None-Match or If-Modified-Since match
  /gz/NAME         same file, gzip-compressed when the client accepts it
  /gen/N.xml       generated RSS feed number N (benchmark)
  /status/500      HTTP 500
  /stall           sends headers and part of a body, then stalls
  /big             50 MB body generated on the fly
  /attrs           RSS feed with 200,000 attributes on one element (line 3)
  /ebcdic          RSS feed in EBCDIC (IBM037) declaring an entity
  /loop            redirects to itself
  /redirect/NAME   redirects to /f/NAME
  POST /webhook    body appended to STATEDIR/webhook
"""
import gzip
import hashlib
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DATA, STATE = sys.argv[1], sys.argv[2]
LAST_MODIFIED = "Wed, 25 Nov 2026 10:00:00 GMT"
lock = threading.Lock()


def log(line):
    with lock:
        with open(os.path.join(STATE, "requests"), "a") as f:
            f.write(line + "\n")


def generated(n):
    items = []
    for k in range(20):
        items.append(
            "<item><title>DSA-%d-%d pkg%d - security update</title>"
            "<link>https://example.org/gen/%d/%d</link>"
            "<guid>gen-%d-%d</guid><pubDate>Mon, 16 Nov 2026 12:00:00 GMT</pubDate>"
            "<description>Fixes CVE-2026-%04d in pkg%d.</description></item>"
            % (n * 100 + k, 1, k, n, k, n, k, 1000 + k, k))
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            "<title>gen %d</title><link>https://example.org/</link><description>x"
            "</description>%s</channel></rss>" % (n, "".join(items))).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)
        log("%s %s %d %s" % (self.command, self.path, code,
                             self.headers.get("If-None-Match", "-")))

    def do_GET(self):
        p = self.path
        if p.startswith("/f/") or p.startswith("/gz/"):
            name = os.path.basename(p)
            try:
                with open(os.path.join(DATA, name), "rb") as f:
                    body = f.read()
            except OSError:
                return self.send(404)
            etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
            if (self.headers.get("If-None-Match") == etag or
                    self.headers.get("If-Modified-Since") == LAST_MODIFIED):
                return self.send(304, b"", [("ETag", etag)])
            hdrs = [("ETag", etag), ("Last-Modified", LAST_MODIFIED),
                    ("Content-Type", "application/xml")]
            if p.startswith("/gz/") and "gzip" in self.headers.get("Accept-Encoding", ""):
                body = gzip.compress(body)
                hdrs.append(("Content-Encoding", "gzip"))
            return self.send(200, body, hdrs)
        if p.startswith("/gen/"):
            n = int(os.path.basename(p).split(".")[0])
            return self.send(200, generated(n), [("Content-Type", "application/rss+xml")])
        if p == "/attrs":
            body = ('<?xml version="1.0"?>\n<rss version="2.0"><channel>\n<item '
                    + "".join('a%d="" ' % i for i in range(200000))
                    + '><title>x</title></item></channel></rss>\n').encode()
            return self.send(200, body, [("Content-Type", "application/rss+xml")])
        if p == "/ebcdic":
            body = ('<?xml version="1.0" encoding="IBM037"?>\n'
                    '<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                    '<rss version="2.0"><channel><item><title>&x;</title>'
                    '<link>u</link></item></channel></rss>\n').encode("cp037")
            return self.send(200, body, [("Content-Type", "application/rss+xml")])
        if p == "/status/500":
            return self.send(500, b"oops")
        if p == "/loop":
            return self.send(302, b"", [("Location", "/loop")])
        if p.startswith("/redirect/"):
            return self.send(302, b"", [("Location", "/f/" + os.path.basename(p))])
        if p == "/stall":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"<?xml version='1.0'?><rss>")
            self.wfile.flush()
            log("GET /stall 200 -")
            time.sleep(15)
            return
        if p == "/big":
            size = 50 * 1024 * 1024
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            log("GET /big 200 -")
            chunk = b"<!-- padding -->" * 4096
            sent = 0
            try:
                self.wfile.write(b"<?xml version='1.0'?><rss><channel>")
                while sent < size:
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        return self.send(404)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(min(n, 1 << 20))
        with lock:
            with open(os.path.join(STATE, "webhook"), "ab") as f:
                f.write(body)
        self.send(204)


class Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # clients aborting transfers (size cap, timeouts) are expected


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    with open(os.path.join(STATE, "port.tmp"), "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(os.path.join(STATE, "port.tmp"), os.path.join(STATE, "port"))
    t = threading.Timer(120, srv.shutdown)
    t.daemon = True
    t.start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
