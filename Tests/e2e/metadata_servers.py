"""Loopback stand-ins for the EC2 instance metadata service (IMDSv2) and the ECS/EKS
container credentials endpoint, with switchable failure modes."""

from __future__ import annotations

import http.server
import json
import threading
import time
from datetime import datetime, timedelta, timezone

LOOPBACK = "127.0.0.1"
IMDS_TOKEN = "imds-session-token-e2e"
ROLE_NAME = "instance-role"


def credentials_document(access_key_id: str, secret: str, with_code: bool) -> bytes:
    expiration = (datetime.now(timezone.utc) + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%SZ")
    document = {"AccessKeyId": access_key_id, "SecretAccessKey": secret, "Token": "metadata-session-token",
                "Expiration": expiration}
    if with_code:
        document = {"Code": "Success", "LastUpdated": "2026-11-22T00:00:00Z", "Type": "AWS-HMAC", **document}
    return json.dumps(document).encode()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


class MetadataServer:
    """mode: 'ok', 'no-token' (PUT refused with 404: IMDSv1 fallback), 'token-error' (PUT
    answers 500), 'no-role' (the role list is 404), 'slow' (answers after 3 s)."""

    def __init__(self, kind: str, access_key_id: str, secret: str, authorization: str | None = None) -> None:
        self.kind, self.mode, self.authorization = kind, "ok", authorization
        self.access_key_id, self.secret = access_key_id, secret
        self.requests: list[tuple[str, str, dict]] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, status: int, body: bytes = b"", content_type: str = "text/plain") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_PUT(self):
                owner.requests.append(("PUT", self.path, dict(self.headers)))
                owner._handle_put(self)

            def do_GET(self):
                owner.requests.append(("GET", self.path, dict(self.headers)))
                owner._handle_get(self)

        self._server = _Server((LOOPBACK, 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handle_put(self, handler) -> None:
        if self.mode == "slow":
            time.sleep(3)
        if self.kind != "imds" or handler.path != "/latest/api/token":
            return handler._answer(405)
        if self.mode == "no-token":
            return handler._answer(404)
        if self.mode == "token-error":
            return handler._answer(500, b"boom")
        if "X-aws-ec2-metadata-token-ttl-seconds" not in handler.headers:
            return handler._answer(400)
        handler._answer(200, IMDS_TOKEN.encode())

    def _handle_get(self, handler) -> None:
        if self.mode == "slow":
            time.sleep(3)
        if self.kind == "ecs":
            if self.authorization is not None and handler.headers.get("Authorization") != self.authorization:
                return handler._answer(401, b"unauthorized")
            return handler._answer(200, credentials_document(self.access_key_id, self.secret, False), "application/json")
        if self.mode != "no-token" and handler.headers.get("X-aws-ec2-metadata-token") != IMDS_TOKEN:
            return handler._answer(401)
        base = "/latest/meta-data/iam/security-credentials/"
        if handler.path == base:
            if self.mode == "no-role":
                return handler._answer(404, b"not found")
            return handler._answer(200, ROLE_NAME.encode())
        if handler.path == base + ROLE_NAME:
            return handler._answer(200, credentials_document(self.access_key_id, self.secret, True), "text/plain")
        handler._answer(404)
