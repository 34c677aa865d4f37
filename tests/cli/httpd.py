#!/usr/bin/env python3
"""Loopback HTTP server for vigie's tests (127.0.0.1 only, bounded lifetime).

usage: httpd.py ROOT PORTFILE [LOGFILE] [LIFETIME_SECONDS] [CERT_AND_KEY_PEM]

With CERT_AND_KEY_PEM it serves HTTPS (that certificate and key).

Serves files under ROOT with ETag and Last-Modified and answers conditional
requests with 304. Special paths:
  /stall          sends a few bytes, then nothing (low-speed timeout)
  /big            endless body without Content-Length (size cap)
  /big-cl         announces a 64 MiB Content-Length (size cap, early)
  /redirect/N     redirects N times, then serves "redirected\n"
  /redirect-file  redirects to a file:// URL (not allowed)
  /to?u=URL       redirects to URL (percent-encoded; any scheme and host)
  /gzip           gzip-encoded body "compressed body\n"
  /status/NNN     answers with status NNN
Each request is logged as "METHOD PATH|User-Agent|If-None-Match|If-Modified-Since".
"""
import email.utils
import gzip
import hashlib
import os
import ssl
import sys
import urllib.parse
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.abspath(sys.argv[1])
PORTFILE = sys.argv[2]
LOGFILE = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
LIFETIME = float(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[4] else 120.0
CERT = sys.argv[5] if len(sys.argv) > 5 else None
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def log_request_line(self):
        if not LOGFILE:
            return
        with LOCK, open(LOGFILE, "a") as f:
            f.write("%s %s|%s|%s|%s\n" % (
                self.command, self.path,
                self.headers.get("User-Agent", ""),
                self.headers.get("If-None-Match", ""),
                self.headers.get("If-Modified-Since", "")))

    def body(self, code, data, ctype="application/octet-stream", extra=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        # /status/N answers N; anything else echoes what came: the body's
        # length and SHA-256 and the headers a pusher sets
        self.log_request_line()
        n = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(n)
        p = self.path.split("?", 1)[0]
        if p.startswith("/status/"):
            code = int(p.split("/")[2])  # /status/N or /status/N/api/...
            return self.body(code, b'{"schema": "vigie.error/1", "error": "said %d"}\n' % code,
                             "application/json")
        if p.startswith("/redirect/"):
            return self.body(302, b"", extra={"Location": "/echo"})
        echo = "len=%d sha=%s enc=%s auth=%s\n" % (
            len(data), hashlib.sha256(data).hexdigest(),
            self.headers.get("Content-Encoding"), self.headers.get("Authorization"))
        return self.body(200, echo.encode(), "text/plain")

    def do_GET(self):
        self.log_request_line()
        p = self.path.split("?", 1)[0]
        if p == "/stall":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.wfile.flush()
            time.sleep(min(LIFETIME, 60))
            return
        if p in ("/big", "/big-cl"):
            self.send_response(200)
            if p == "/big-cl":
                self.send_header("Content-Length", str(64 * 1024 * 1024))
            else:
                self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"x" * 65536
            try:
                for _ in range(1024):  # at most 64 MiB
                    self.wfile.write(chunk)
            except OSError:
                pass
            self.close_connection = True
            return
        if p.startswith("/redirect/"):
            n = int(p.rsplit("/", 1)[1] or 0)
            if n <= 0:
                return self.body(200, b"redirected\n", "text/plain")
            return self.body(302, b"", extra={"Location": "/redirect/%d" % (n - 1)})
        if p == "/to":
            q = urllib.parse.parse_qs(self.path.split("?", 1)[1] if "?" in self.path else "")
            return self.body(302, b"", extra={"Location": q.get("u", ["/"])[0]})
        if p == "/redirect-file":
            return self.body(302, b"", extra={"Location": "file:///etc/hostname"})
        if p == "/gzip":
            return self.body(200, gzip.compress(b"compressed body\n"), "text/plain",
                             {"Content-Encoding": "gzip"})
        if p.startswith("/status/"):
            return self.body(int(p.rsplit("/", 1)[1]), b"status\n", "text/plain")
        path = os.path.normpath(os.path.join(ROOT, p.lstrip("/")))
        if not path.startswith(ROOT) or not os.path.isfile(path):
            return self.body(404, b"not found\n", "text/plain")
        with open(path, "rb") as f:
            data = f.read()
        mtime = int(os.stat(path).st_mtime)
        etag = '"%s"' % hashlib.sha1(data).hexdigest()[:16]
        lm = email.utils.formatdate(mtime, usegmt=True)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        fresh = False
        if inm is not None:
            fresh = inm == etag
        elif ims:
            try:
                fresh = email.utils.parsedate_to_datetime(ims).timestamp() >= mtime
            except (TypeError, ValueError):
                fresh = False
        if fresh:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", lm)
            self.end_headers()
            return
        self.body(200, data, extra={"ETag": etag, "Last-Modified": lm})


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    if CERT:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(CERT)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Timer(LIFETIME, lambda: os._exit(0)).start()
    tmp = PORTFILE + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, PORTFILE)
    srv.serve_forever()


if __name__ == "__main__":
    main()
