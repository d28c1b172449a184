#!/usr/bin/env python3
"""A counting reverse proxy for the benchmarks, on 127.0.0.1 only.

Usage: counting_proxy.py UPSTREAM_PORT PORT_FILE

Listens on a free loopback port (written to PORT_FILE once it accepts connections) and
forwards every request unchanged to 127.0.0.1:UPSTREAM_PORT (the Host header included, so
SigV4 signatures made for the proxy's address still verify at moto). Before forwarding it
counts the request by its form/query `Action` (AssumeRole, GetCallerIdentity, ...).

Administration (not forwarded, not counted):
  GET  /__bench/counts  -> {"AssumeRole": 1, ...}
  POST /__bench/reset   -> zeroes the counts
"""

from __future__ import annotations

import http.client
import http.server
import json
import os
import sys
import threading
import urllib.parse

LOOPBACK = "127.0.0.1"
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authenticate",
              "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
              "expect", "content-length"}

counts: dict[str, int] = {}
counts_lock = threading.Lock()


def action_of(path: str, body: bytes) -> str:
    for source in (urllib.parse.urlsplit(path).query, body.decode("utf-8", "replace")):
        values = urllib.parse.parse_qs(source).get("Action")
        if values:
            return values[0]
    return "(none)"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def reply(self, status: int, headers, body: bytes) -> None:
        self.send_response(status)
        for k, v in headers:
            if k.lower() not in HOP_BY_HOP and k.lower() not in ("server", "date"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith("/__bench/"):
            with counts_lock:
                if self.path == "/__bench/reset":
                    counts.clear()
                payload = json.dumps(counts, sort_keys=True).encode()
            self.reply(200, [("Content-Type", "application/json")], payload)
            return
        action = action_of(self.path, body)
        with counts_lock:
            counts[action] = counts.get(action, 0) + 1
        conn = http.client.HTTPConnection(LOOPBACK, self.server.upstream_port, timeout=60)
        try:
            conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for k, v in self.headers.items():
                if k.lower() not in HOP_BY_HOP:
                    conn.putheader(k, v)
            conn.putheader("Content-Length", str(len(body)))
            conn.putheader("Connection", "close")
            conn.endheaders(body)
            resp = conn.getresponse()
            self.reply(resp.status, resp.getheaders(), resp.read())
        except OSError as exc:
            self.reply(502, [("Content-Type", "text/plain")], f"proxy: {exc}".encode())
        finally:
            conn.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # 64 parallel callers must not be refused

    def handle_error(self, request, client_address):
        pass


def main() -> None:
    upstream_port, port_file = int(sys.argv[1]), sys.argv[2]
    server = Server((LOOPBACK, 0), Handler)
    server.upstream_port = upstream_port
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, port_file)
    server.serve_forever(poll_interval=0.1)


if __name__ == "__main__":
    main()
