"""A loopback stand-in for the AWS console federation endpoint (moto has none):
`GET /federation?Action=getSigninToken&Session={…}[&SessionDuration=…]` answers
`{"SigninToken": …}`, as signin.aws.amazon.com does. Records every request."""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FederationServer:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status = 200
        self._count = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
                outer.requests.append({"path": url.path, **query})
                session = json.loads(query.get("Session", "{}") or "{}")
                good = (url.path == "/federation" and query.get("Action") == "getSigninToken"
                        and set(session) == {"sessionId", "sessionKey", "sessionToken"} and session["sessionToken"])
                if outer.status != 200 or not good:
                    body = json.dumps({"error": "echo " + query.get("Session", "")}).encode()
                    self.send_response(outer.status if outer.status != 200 else 400)
                else:
                    outer._count += 1
                    body = json.dumps({"SigninToken": f"signin-token-{outer._count}"}).encode()
                    self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
