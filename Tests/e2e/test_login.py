"""`sts-proc login`: the console federation sign-in with the profile's session, against a
loopback federation stand-in and moto (GetFederationToken for long-term keys)."""

from __future__ import annotations

import json
import os
import stat
import sys
import urllib.parse

import pytest

from e2e_support import CHAIN_HOP_SESSION, assert_failure, parse_credentials, run_sts_proc
from federation_server import FederationServer
from test_assume_role import Counter

pytestmark = pytest.mark.usefixtures("empty_keyring")


@pytest.fixture
def federation():
    server = FederationServer()
    yield server
    server.close()


@pytest.fixture
def env(aws_env, moto_auth, federation):
    aws_env.credentials("base", moto_auth.user)
    aws_env.sts_proc_profile("p", moto_auth.role_arn, "base", session_name=CHAIN_HOP_SESSION, cache=None,
                             region="eu-west-2")
    aws_env["AWS_ENDPOINT_URL_SIGNIN"] = federation.endpoint
    aws_env.pop("DISPLAY", None)
    aws_env.pop("WAYLAND_DISPLAY", None)
    return aws_env


def query(url: str) -> dict:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def test_a_role_session_signs_in_with_its_own_credentials(env, federation):
    document = parse_credentials(run_sts_proc(["--profile", "p"], env))
    res = run_sts_proc(["login", "--profile", "p", "--print"], env)
    assert res.rc == 0, res.stderr
    url = res.stdout.strip()
    assert url.startswith(federation.endpoint + "/federation?")
    login = query(url)
    assert login["Action"] == "login" and login["SigninToken"] == "signin-token-1"
    assert login["Destination"] == "https://console.aws.amazon.com/console/home?region=eu-west-2"
    [request] = federation.requests
    assert "SessionDuration" not in request
    assert json.loads(request["Session"]) == {"sessionId": document["AccessKeyId"],
                                              "sessionKey": document["SecretAccessKey"],
                                              "sessionToken": document["SessionToken"]}


def test_long_term_keys_go_through_get_federation_token(env, moto_auth, federation):
    env.credentials("plain", moto_auth.user)
    federations = Counter(moto_auth, "GetFederationToken")
    res = run_sts_proc(["login", "--profile", "plain", "--print", "--duration", "1800"], env)
    assert res.rc == 0, res.stderr
    assert federations.delta == 1
    form = urllib.parse.parse_qs(federations.new_requests()[0].body.decode())
    assert form["DurationSeconds"] == ["1800"] and json.loads(form["Policy"][0])["Statement"][0]["Action"] == "*"
    [request] = federation.requests
    session = json.loads(request["Session"])
    assert session["sessionId"] != moto_auth.user.access_key_id and session["sessionToken"]
    assert "SessionDuration" not in request  # a federation token's own duration rules
    assert query(res.stdout.strip())["Destination"] == "https://console.aws.amazon.com/"


def test_duration_and_destination_for_a_role(env, federation):
    res = run_sts_proc(["login", "--profile", "p", "--print", "--duration", "3600",
                        "--destination", "https://console.aws.amazon.com/s3/"], env)
    assert res.rc == 0, res.stderr
    assert federation.requests[0]["SessionDuration"] == "3600"
    assert query(res.stdout.strip())["Destination"] == "https://console.aws.amazon.com/s3/"
    assert_failure(run_sts_proc(["login", "--profile", "p", "--print", "--duration", "60"], env), "p", 2,
                   contains=["--duration", "900"])
    assert_failure(run_sts_proc(["login", "--profile", "p", "--print", "--destination", "javascript:x"], env), "p", 2,
                   contains=["https://"])


def test_a_refusal_never_shows_the_session(env, federation):
    document = parse_credentials(run_sts_proc(["--profile", "p"], env))
    federation.status = 400
    res = run_sts_proc(["login", "--profile", "p", "--print"], env)
    line = assert_failure(res, "p", 1, contains=["GetSigninToken", "HTTP 400"],
                          secrets=[document["SecretAccessKey"], document["SessionToken"]])
    assert "sessionKey" not in line


def test_with_a_display_the_browser_gets_no_token_on_its_command_line(env, tmp_path, federation):
    """xdg-open is given a one-time loopback address; the sign-in URL comes as its redirect."""
    seen = tmp_path / "seen.json"
    fake = tmp_path / "bin" / "xdg-open"
    fake.parent.mkdir()
    fake.write_text(f"""#!{sys.executable}
import json, sys, urllib.request, urllib.error
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None
opener = urllib.request.build_opener(NoRedirect)
try:
    opener.open(sys.argv[1], timeout=10)
    status, location = 200, None
except urllib.error.HTTPError as e:
    status, location = e.code, e.headers.get("Location")
try:
    opener.open(sys.argv[1], timeout=10)
    again = 200
except urllib.error.HTTPError as e:
    again = e.code
json.dump({{"argv": sys.argv[1:], "status": status, "location": location, "again": again}}, open({str(seen)!r}, "w"))
""")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    with_display = dict(env, DISPLAY=":99", PATH=f"{fake.parent}:{env['PATH']}")
    res = run_sts_proc(["login", "--profile", "p"], with_display)
    assert res.rc == 0, res.stderr
    assert res.stdout == "" and "open in your browser" in res.stderr
    record = json.loads(seen.read_text())
    assert record["status"] == 302 and query(record["location"])["SigninToken"] == "signin-token-1"
    assert "signin-token" not in " ".join(record["argv"]) and record["argv"][0].startswith("http://127.0.0.1:")
    assert record["again"] == 404, "the one-time address must not serve the token twice"


@pytest.mark.parametrize("browser", ["fails", "missing"])
def test_with_a_display_but_no_working_browser_the_url_is_printed(env, tmp_path, federation, browser):
    """xdg-open that exits non-zero (no browser configured) or is not installed at all: the
    URL goes to stdout after a note, and the run still succeeds."""
    folder = tmp_path / "bin"
    folder.mkdir()
    if browser == "fails":
        fake = folder / "xdg-open"
        fake.write_text("#!/bin/sh\nexit 3\n")  # xdg-open's "no program to open it"
        fake.chmod(0o755)
    with_display = dict(env, DISPLAY=":99", PATH=str(folder))
    res = run_sts_proc(["login", "--profile", "p"], with_display)
    assert res.rc == 0, res.stderr
    assert "did not open the page" in res.stderr and "SigninToken" not in res.stderr
    assert query(res.stdout.strip())["SigninToken"] == "signin-token-1"
