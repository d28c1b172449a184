"""A loopback stand-in for IAM Identity Center's two services, which moto lacks: the OIDC
service (client registration, device authorization, tokens) and the access portal (role
credentials, accounts, roles, logout). Paths, JSON bodies and errors (status,
`x-amzn-ErrorType` header, JSON body) follow the services' rest-JSON models; boto3 talks to
it through AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL_SSO_OIDC like to the real thing.

Test hooks: approve or deny device codes, expire or revoke access tokens, end the session
(refresh refused), assign roles, and count calls by operation."""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import secrets
import threading
import time
import urllib.parse

from e2e_servers import LOOPBACK, _QuietThreadingServer


class SSOStandIn:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls: dict[str, int] = {}
        self.clients: dict[str, dict] = {}
        self.devices: dict[str, dict] = {}
        self.codes: dict[str, dict] = {}          # authorization code -> {"challenge", "redirect", "client"}        # device code -> {"state": pending|approved|denied, "client": id}
        self.tokens: dict[str, float] = {}        # access token -> expiry (epoch seconds)
        self.refresh_tokens: dict[str, str] = {}  # refresh token -> client id
        self.session_ended = False
        self.auto_approve = True
        self.deny = False
        self.expire_devices = False
        self.token_lifetime = 3600
        self.device_interval = 1
        # account id -> (name, [role names])
        self.accounts = {f"1111{n:08d}": (f"account-{n}", ["Admin", "ReadOnly"]) for n in range(3)}
        self.credential_lifetime = 3600
        handler = self._handler()
        self.server = _QuietThreadingServer((LOOPBACK, 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- hooks
    def count(self, operation: str) -> int:
        with self.lock:
            return self.calls.get(operation, 0)

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()
            self.session_ended = False
            self.auto_approve = True
            self.deny = False
            self.expire_devices = False
            self.token_lifetime = 3600

    def issue_token(self, lifetime: float | None = None) -> str:
        token = "at-" + secrets.token_hex(16)
        with self.lock:
            self.tokens[token] = time.time() + (self.token_lifetime if lifetime is None else lifetime)
        return token

    def register_client(self) -> tuple[str, str]:
        client_id, secret = "cid-" + secrets.token_hex(8), "csec-" + secrets.token_hex(16)
        with self.lock:
            self.clients[client_id] = {"secret": secret}
        return client_id, secret

    def issue_refresh_token(self, client_id: str) -> str:
        token = "rt-" + secrets.token_hex(16)
        with self.lock:
            self.refresh_tokens[token] = client_id
        return token

    def revoke_all_tokens(self) -> None:
        with self.lock:
            self.tokens.clear()

    # -- the server
    def _handler(self):
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle's algorithm the body waits
            # for the client's delayed ACK, 40 ms a request (populate makes eight).
            disable_nagle_algorithm = True

            def log_message(self, format, *args):  # noqa: A002
                pass

            def _body(self) -> dict:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                return json.loads(raw) if raw else {}

            def _send(self, status: int, payload: dict | None, error: str | None = None) -> None:
                body = json.dumps(payload if payload is not None else {}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if error:
                    self.send_header("x-amzn-ErrorType", f"{error}:http://internal.amazon.com/coral/com.amazonaws.sso/")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _error(self, status: int, code: str, message: str, oidc: bool = False) -> None:
                payload = {"error": code, "error_description": message} if oidc else {"message": message}
                self._send(status, payload, code)

            def _count(self, operation: str) -> None:
                with owner.lock:
                    owner.calls[operation] = owner.calls.get(operation, 0) + 1

            def _bearer_ok(self) -> bool:
                token = self.headers.get("x-amz-sso_bearer_token", "")
                with owner.lock:
                    expiry = owner.tokens.get(token)
                if expiry is None or expiry < time.time():
                    self._error(401, "UnauthorizedException", "Session token not found or invalid")
                    return False
                return True

            def do_POST(self):  # noqa: N802
                path = urllib.parse.urlsplit(self.path).path
                body = self._body()
                if path == "/client/register":
                    self._count("RegisterClient")
                    client_id, secret = owner.register_client()
                    with owner.lock:
                        owner.clients[client_id]["request"] = body
                    self._send(200, {"clientId": client_id, "clientSecret": secret,
                                     "clientIdIssuedAt": int(time.time()),
                                     "clientSecretExpiresAt": int(time.time()) + 90 * 86400})
                elif path == "/device_authorization":
                    self._count("StartDeviceAuthorization")
                    code = "dc-" + secrets.token_hex(8)
                    user_code = secrets.token_hex(2).upper() + "-" + secrets.token_hex(2).upper()
                    with owner.lock:
                        owner.devices[code] = {"state": "pending", "client": body.get("clientId"), "polls": 0,
                                               "start_url": body.get("startUrl")}
                    self._send(200, {"deviceCode": code, "userCode": user_code,
                                     "verificationUri": f"{owner.url}/device",
                                     "verificationUriComplete": f"{owner.url}/device?user_code={user_code}",
                                     "expiresIn": 600, "interval": owner.device_interval})
                elif path == "/token":
                    self._count("CreateToken")
                    self._create_token(body)
                elif path == "/logout":
                    self._count("Logout")
                    token = self.headers.get("x-amz-sso_bearer_token", "")
                    with owner.lock:
                        owner.tokens.pop(token, None)
                    self._send(200, None)
                else:
                    self._error(404, "ResourceNotFoundException", "no such path")

            def _create_token(self, body: dict) -> None:
                grant = body.get("grantType")
                client = owner.clients.get(body.get("clientId", ""))
                if client is None or client["secret"] != body.get("clientSecret"):
                    self._error(401, "InvalidClientException", "unknown client", oidc=True)
                    return
                if grant == "refresh_token":
                    self._count("CreateToken(refresh)")
                    if owner.session_ended or body.get("refreshToken") not in owner.refresh_tokens:
                        self._error(400, "InvalidGrantException", "Invalid grant provided", oidc=True)
                        return
                    # Rotates the refresh token, as the service does.
                    with owner.lock:
                        owner.refresh_tokens.pop(body["refreshToken"], None)
                    self._send(200, {"accessToken": owner.issue_token(), "tokenType": "Bearer",
                                     "expiresIn": owner.token_lifetime,
                                     "refreshToken": owner.issue_refresh_token(body["clientId"])})
                elif grant == "authorization_code":
                    with owner.lock:
                        issued = owner.codes.pop(body.get("code", ""), None)
                    verifier = body.get("codeVerifier", "")
                    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                    if (issued is None or issued["client"] != body.get("clientId") or issued["challenge"] != digest
                            or issued["redirect"] != body.get("redirectUri")):
                        self._error(400, "InvalidGrantException", "code, verifier or redirect mismatch", oidc=True)
                        return
                    self._send(200, {"accessToken": owner.issue_token(), "tokenType": "Bearer",
                                     "expiresIn": owner.token_lifetime,
                                     "refreshToken": owner.issue_refresh_token(body["clientId"])})
                elif grant == "urn:ietf:params:oauth:grant-type:device_code":
                    device = owner.devices.get(body.get("deviceCode", ""))
                    if device is None:
                        self._error(400, "InvalidGrantException", "unknown device code", oidc=True)
                        return
                    device["polls"] += 1
                    if owner.deny:
                        device["state"] = "denied"
                    if owner.expire_devices:
                        device["state"] = "expired"
                    if owner.auto_approve and device["state"] == "pending" and device["polls"] >= 2:
                        device["state"] = "approved"
                    if device["state"] == "pending":
                        self._error(400, "AuthorizationPendingException", "pending", oidc=True)
                    elif device["state"] == "denied":
                        self._error(400, "AccessDeniedException", "denied", oidc=True)
                    elif device["state"] == "expired":
                        self._error(400, "ExpiredTokenException", "expired", oidc=True)
                    else:
                        payload = {"accessToken": owner.issue_token(), "tokenType": "Bearer",
                                   "expiresIn": owner.token_lifetime}
                        if (client.get("request") or {}).get("scopes"):
                            payload["refreshToken"] = owner.issue_refresh_token(body["clientId"])
                        self._send(200, payload)
                else:
                    self._error(400, "UnsupportedGrantTypeException", f"grant {grant}", oidc=True)

            def do_GET(self):  # noqa: N802
                parts = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parts.query))
                if parts.path == "/authorize":
                    # The browser's part: the user approves at once (or not, with `deny`).
                    self._count("Authorize")
                    redirect = query.get("redirect_uri", "")
                    if owner.deny:
                        target = redirect + "?" + urllib.parse.urlencode({"error": "access_denied", "state": query.get("state", "")})
                    else:
                        code = "code-" + secrets.token_hex(8)
                        with owner.lock:
                            owner.codes[code] = {"challenge": query.get("code_challenge"), "redirect": redirect,
                                                 "client": query.get("client_id"), "scopes": query.get("scopes")}
                        target = redirect + "?" + urllib.parse.urlencode({"code": code, "state": query.get("state", "")})
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif parts.path == "/federation/credentials":
                    self._count("GetRoleCredentials")
                    if not self._bearer_ok():
                        return
                    account = owner.accounts.get(query.get("account_id", ""))
                    if account is None or query.get("role_name") not in account[1]:
                        self._error(403, "ForbiddenException", "No access")
                        return
                    self._send(200, {"roleCredentials": {
                        "accessKeyId": "ASIA" + secrets.token_hex(8).upper(),
                        "secretAccessKey": secrets.token_urlsafe(30).replace("-", "+").replace("_", "/"),
                        "sessionToken": "IQoJ" + secrets.token_urlsafe(60).replace("-", "+").replace("_", "/"),
                        "expiration": int((time.time() + owner.credential_lifetime) * 1000)}})
                elif parts.path == "/assignment/accounts":
                    self._count("ListAccounts")
                    if not self._bearer_ok():
                        return
                    ids = sorted(owner.accounts)
                    start = int(query.get("next_token") or 0)
                    page = ids[start:start + 2]  # small pages, so paging is exercised
                    payload = {"accountList": [{"accountId": a, "accountName": owner.accounts[a][0],
                                                "emailAddress": f"{a}@example.com"} for a in page]}
                    if start + 2 < len(ids):
                        payload["nextToken"] = str(start + 2)
                    self._send(200, payload)
                elif parts.path == "/assignment/roles":
                    self._count("ListAccountRoles")
                    if not self._bearer_ok():
                        return
                    account = owner.accounts.get(query.get("account_id", ""))
                    roles = account[1] if account else []
                    start = int(query.get("next_token") or 0)
                    payload = {"roleList": [{"roleName": r, "accountId": query.get("account_id")}
                                            for r in roles[start:start + 1]]}
                    if start + 1 < len(roles):
                        payload["nextToken"] = str(start + 1)
                    self._send(200, payload)
                else:
                    self._error(404, "ResourceNotFoundException", "no such path")

        return Handler
