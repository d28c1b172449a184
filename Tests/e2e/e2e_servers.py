"""Servers for the sts-proc end-to-end tests.  Everything listens on 127.0.0.1 only.

- MotoServer: a `moto_server` subprocess (the STS/IAM peer) with a log file, fronted by a
  CountingProxy so tests can count exactly which STS actions reached it.
- CountingProxy: an in-process HTTP(S) reverse proxy that records each request's Action
  before forwarding it unchanged (Host header included, so SigV4 signatures made for the
  proxy's address still verify at moto).
- CannedServer: answers every request with one fixed response (HTML 500, garbage, truncated
  XML, ...), counting requests.
- RefusingPort: a TCP port that is bound but never listens, so connecting is refused.
- make_self_signed_cert: an `openssl req -x509` certificate for 127.0.0.1.
"""

from __future__ import annotations

import http.client
import http.server
import os
import signal
import socket
import ssl
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

LOOPBACK = "127.0.0.1"

# Hop-by-hop headers (RFC 9110 §7.6.1) plus ones the proxy recomputes itself.
_HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-connection", "proxy-authenticate",
    "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
    "expect", "content-length",
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float, what: str, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if predicate():
                return
        except Exception:  # noqa: BLE001 - keep polling until the deadline
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


# --------------------------------------------------------------------------- requests log

@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    action: str | None       # the form/query `Action`, None when there is none
    authorization: str | None  # the Authorization header (for "was it signed" checks)
    body: bytes
    headers: dict = field(default_factory=dict, compare=False)

    @property
    def access_key_id(self) -> str | None:
        auth = self.authorization or ""
        marker = "Credential="
        if marker not in auth:
            return None
        return auth.split(marker, 1)[1].split("/", 1)[0]


def _action_of(method: str, path: str, body: bytes, content_type: str) -> str | None:
    query = urllib.parse.urlsplit(path).query
    params = urllib.parse.parse_qs(query)
    if "Action" in params:
        return params["Action"][0]
    if method == "POST" and "x-www-form-urlencoded" in (content_type or "").lower():
        try:
            form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        except Exception:  # noqa: BLE001
            return None
        if "Action" in form:
            return form["Action"][0]
    return None


class _RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[RecordedRequest] = []

    def add(self, entry: RecordedRequest) -> None:
        with self._lock:
            self._entries.append(entry)

    def all(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._entries)

    def count(self, action: str | None = None) -> int:
        with self._lock:
            if action is None:
                return len(self._entries)
            return sum(1 for e in self._entries if e.action == action)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


# --------------------------------------------------------------------------- base server

class _QuietThreadingServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):  # noqa: D401 - silence resets
        pass


class _BaseHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "e2e"
    sys_version = ""

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size_line = self.rfile.readline()
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _record(self, body: bytes) -> None:
        self.server.request_log.add(RecordedRequest(
            method=self.command,
            path=self.path,
            action=_action_of(self.command, self.path, body,
                              self.headers.get("Content-Type", "")),
            authorization=self.headers.get("Authorization"),
            body=body,
            headers={k: v for k, v in self.headers.items()},
        ))

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for k, v in headers:
            if k.lower() not in _HOP_BY_HOP and k.lower() not in ("server", "date"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()


class _ThreadedServer:
    """Owns one ThreadingHTTPServer on 127.0.0.1 in a background thread."""

    scheme = "http"

    def __init__(self, handler_cls, tls_context: ssl.SSLContext | None = None) -> None:
        self.request_log = _RequestLog()
        self._httpd = _QuietThreadingServer((LOOPBACK, 0), handler_cls)
        self._httpd.request_log = self.request_log
        self._httpd.owner = self
        if tls_context is not None:
            self.scheme = "https"
            # Handshake lazily, in the handler thread: a failed or stalled handshake must not
            # block the accept loop.
            self._httpd.socket = tls_context.wrap_socket(
                self._httpd.socket, server_side=True, do_handshake_on_connect=False)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        name=f"e2e-{handler_cls.__name__}-{self.port}",
                                        daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"{self.scheme}://{LOOPBACK}:{self.port}"

    def request_count(self, action: str | None = None) -> int:
        return self.request_log.count(action)

    def requests(self) -> list[RecordedRequest]:
        return self.request_log.all()

    def reset_counts(self) -> None:
        self.request_log.clear()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


# --------------------------------------------------------------------------- canned server

class _CannedHandler(_BaseHandler):
    def _handle(self) -> None:
        body = self._read_body()
        self._record(body)
        owner: CannedServer = self.server.owner
        if owner.hang_seconds:
            time.sleep(owner.hang_seconds)
        self._send(owner.status, owner.headers, owner.body)

    do_GET = do_POST = do_PUT = do_HEAD = _handle


class CannedServer(_ThreadedServer):
    """Answers every request with the same status, headers and body."""

    def __init__(self, status: int, body: bytes, content_type: str,
                 tls_context: ssl.SSLContext | None = None, hang_seconds: float = 0) -> None:
        self.status = status
        self.body = body
        self.headers = [("Content-Type", content_type)]
        self.hang_seconds = hang_seconds
        super().__init__(_CannedHandler, tls_context)


# --------------------------------------------------------------------------- counting proxy

class _ProxyHandler(_BaseHandler):
    def _handle(self) -> None:
        body = self._read_body()
        # Record before forwarding: once the client has its answer, the count is final.
        self._record(body)
        owner: CountingProxy = self.server.owner
        hold = owner._take_hold()
        if hold:
            time.sleep(hold)
        injected = owner._take_injection()
        if injected is not None:
            status, ctype, payload = injected
            self._send(status, [("Content-Type", ctype)], payload)
            return
        conn = http.client.HTTPConnection(LOOPBACK, owner.upstream_port, timeout=60)
        try:
            conn.putrequest(self.command, self.path, skip_host=True,
                            skip_accept_encoding=True)
            for k, v in self.headers.items():
                if k.lower() not in _HOP_BY_HOP:
                    conn.putheader(k, v)  # Host is forwarded verbatim: it is signed
            conn.putheader("Content-Length", str(len(body)))
            conn.putheader("Connection", "close")
            conn.endheaders(body)
            resp = conn.getresponse()
            payload = resp.read()
            self._send(resp.status, resp.getheaders(), payload)
        except OSError as exc:
            self._send(502, [("Content-Type", "text/plain")],
                       f"e2e proxy: upstream failed: {exc}".encode())
        finally:
            conn.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


class CountingProxy(_ThreadedServer):
    """Reverse proxy to 127.0.0.1:upstream_port that records every request.

    `inject(status, body, times)` makes the next `times` requests get a canned answer
    instead of being forwarded (they are still recorded), e.g. to exercise retries.
    """

    def __init__(self, upstream_port: int, tls_context: ssl.SSLContext | None = None) -> None:
        self.upstream_port = upstream_port
        self._inj_lock = threading.Lock()
        self._injections: list[tuple[int, str, bytes]] = []
        self._holds: list[float] = []
        super().__init__(_ProxyHandler, tls_context)

    def inject(self, status: int, body: bytes, times: int = 1,
               content_type: str = "text/xml") -> None:
        with self._inj_lock:
            self._injections.extend([(status, content_type, body)] * times)

    def clear_injections(self) -> None:
        with self._inj_lock:
            self._injections.clear()
            self._holds.clear()

    def hold(self, seconds: float, times: int = 1) -> None:
        """The next `times` requests wait `seconds` before being answered (a slow STS)."""
        with self._inj_lock:
            self._holds.extend([seconds] * times)

    def _take_hold(self) -> float:
        with self._inj_lock:
            return self._holds.pop(0) if self._holds else 0.0

    def _take_injection(self):
        with self._inj_lock:
            return self._injections.pop(0) if self._injections else None


# --------------------------------------------------------------------------- refusing port

class RefusingPort:
    """A port on 127.0.0.1 that refuses connections: bound (so nobody else takes it) but
    never listening, which makes the kernel answer SYNs with RST."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind((LOOPBACK, 0))
        self.port = self._sock.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def close(self) -> None:
        self._sock.close()


# --------------------------------------------------------------------------- TLS material

def make_self_signed_cert(directory: str, cn: str = LOOPBACK) -> tuple[str, str]:
    """Fresh self-signed certificate + key for 127.0.0.1/localhost; returns (cert, key)."""
    cert = os.path.join(directory, "server-cert.pem")
    key = os.path.join(directory, "server-key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256",
         "-days", "2", "-keyout", key, "-out", cert, "-subj", f"/CN={cn}",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-addext", "basicConstraints=critical,CA:TRUE"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.chmod(key, 0o600)
    return cert, key


def server_tls_context(cert: str, key: str) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


# --------------------------------------------------------------------------- moto

def _die_with_parent() -> None:
    """preexec_fn: SIGTERM the child when pytest dies, so no moto_server is left behind
    even if the session is killed before fixture teardown (Linux prctl PR_SET_PDEATHSIG)."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)
    except Exception:  # noqa: BLE001 - best effort
        pass


def _clean_env_for_moto() -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "MOTO_", "TEST_SERVER_MODE"))
           and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


class MotoServer:
    """`moto_server -H 127.0.0.1 -p PORT` as a subprocess, plus a CountingProxy.

    `direct_url` talks to moto itself (administration, setup); `url` is the proxy that the
    code under test must use so that requests are counted.
    """

    def __init__(self, log_path: str, startup_timeout: float = 30) -> None:
        self.log_path = log_path
        last_error: Exception | None = None
        for _ in range(3):  # the free port may be taken between probe and bind
            self.port = free_port()
            self._log = open(log_path, "ab")
            self.proc = subprocess.Popen(
                ["moto_server", "-H", LOOPBACK, "-p", str(self.port)],
                stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                env=_clean_env_for_moto(), start_new_session=True,
                preexec_fn=_die_with_parent)
            try:
                wait_until(self._ready, startup_timeout, f"moto_server on port {self.port}")
                break
            except TimeoutError as exc:
                last_error = exc
                self._stop_process()
        else:
            raise RuntimeError(f"moto_server did not start: {last_error}; see {log_path}")
        self.proxy = CountingProxy(self.port)

    def _ready(self) -> bool:
        if self.proc.poll() is not None:
            raise TimeoutError(f"moto_server exited with {self.proc.returncode}")
        with urllib.request.urlopen(f"{self.direct_url}/moto-api/", timeout=2) as r:
            return r.status == 200

    @property
    def direct_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def url(self) -> str:
        return self.proxy.url

    def admin_post(self, path: str, data: bytes = b"", content_type: str = "text/plain") -> bytes:
        req = urllib.request.Request(f"{self.direct_url}{path}", data=data, method="POST",
                                     headers={"Content-Type": content_type})
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.read()

    def set_auth(self, enabled: bool) -> None:
        """Signature/permission checking on (every request checked) or off."""
        # Same as: curl -X POST -H 'Content-Type: text/plain' --data 0 .../moto-api/reset-auth
        self.admin_post("/moto-api/reset-auth", b"0" if enabled else b"inf")

    def _stop_process(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._log.close()

    def close(self) -> None:
        self.proxy.close()
        self._stop_process()


# --------------------------------------------------------------------------- canned payloads

HTML_500_BODY = (b"<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
                 b"<h1>Internal Server Error</h1>\n<p>The server encountered an internal error "
                 b"and was unable to complete your request. Either the server is overloaded or "
                 b"there is an error in the application.</p>\n")
GARBAGE_BODY = bytes(range(256)) * 4 + b"\x00\xff not xml, not json \xfe\x00"
FULL_ASSUME_ROLE_XML = (
    '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>'
    '<Credentials><AccessKeyId>ASIATRUNCATEDEXAMPLE</AccessKeyId>'
    '<SecretAccessKey>FccknviZsD0XZ+qJQuJae470GUY1y0TszdD4jTOW</SecretAccessKey>'
    '<SessionToken>FQoGZXIvYXdzEBYaDSwz7tLTztr2O/FiV744gr1u4O2KAJeyywP2/xArGRZnnPBmzpVRqx2eITUx'
    'UCBWQshLvvul0OdIEehWk+IDB6Y1GYY0mTajp9NQ5bTZ0lJrFC/YZ0ypYhHASr6M3quz0yL4v+W4o+ZL3nqISgb1</SessionToken>'
    '<Expiration>2099-11-22T02:58:18.224389Z</Expiration></Credentials><AssumedRoleUser>'
    '<AssumedRoleId>AROA3X42LBCDI45259POP:sess1</AssumedRoleId>'
    '<Arn>arn:aws:sts::123456789012:assumed-role/ci-role/sess1</Arn></AssumedRoleUser>'
    '<PackedPolicySize>6</PackedPolicySize></AssumeRoleResult><ResponseMetadata>'
    '<RequestId>nS7UzHCpn6yDksccCgPzaJYvFcUC2CcwQB4AQklrt0PdorfR06Cv</RequestId>'
    '</ResponseMetadata></AssumeRoleResponse>')
# Cut inside <SessionToken>: an AccessKeyId and a secret are present, the document is not.
TRUNCATED_ASSUME_ROLE_XML = FULL_ASSUME_ROLE_XML[:FULL_ASSUME_ROLE_XML.index("<SessionToken>") + 40].encode()
