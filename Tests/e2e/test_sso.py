"""End-to-end tests of IAM Identity Center profiles: the token cache shared with the AWS
CLI v2 and boto3 (both ways, refreshes included), role credentials through
credential_process, single-flight refresh under load, login, logout, accounts, and the
failures a user can meet. The OIDC service and the portal are the loopback stand-in of
sso_server.py; moto is STS."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest

from e2e_support import assert_failure, parse_credentials, run_sts_proc
from sso_server import SSOStandIn

pytestmark = pytest.mark.usefixtures("empty_keyring")

START_URL = "https://d-abc123.awsapps.com/start"
ACCOUNT = "111100000000"
LOGIN_LINE = "sts-proc: profile dev: the SSO session 'my-sso' has expired (or was never started): run sts-proc sso login --profile dev."


@pytest.fixture(scope="session")
def sso_service():
    server = SSOStandIn()
    yield server
    server.close()


@pytest.fixture
def sso_env(aws_env, sso_service, moto_open):
    """Profile dev (sts-proc, sso-session my-sso) and profile plain-sso (the AWS CLI's own
    SSO profile, for boto3); STS is moto without signature checks (the stand-in's keys are
    unknown to moto's IAM)."""
    sso_service.reset()
    aws_env["AWS_ENDPOINT_URL_SSO"] = sso_service.url
    aws_env["AWS_ENDPOINT_URL_SSO_OIDC"] = sso_service.url
    aws_env["AWS_ENDPOINT_URL_STS"] = moto_open.endpoint
    aws_env.append_config(f"[sso-session my-sso]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n"
                          "sso_registration_scopes = sso:account:access\n\n")
    aws_env.profile("dev", credential_process=aws_env.credential_process_line("dev"), sts_proc_sso_session="my-sso",
                    sts_proc_sso_account_id=ACCOUNT, sts_proc_sso_role_name="Admin", region="us-east-1")
    aws_env.profile("plain-sso", sso_session="my-sso", sso_account_id=ACCOUNT, sso_role_name="Admin", region="us-east-1")
    return aws_env


def token_path(env, key: str = "my-sso"):
    return env.home / ".aws" / "sso" / "cache" / (hashlib.sha1(key.encode()).hexdigest() + ".json")


def utc(delta: timedelta, fraction: bool = False) -> str:
    moment = datetime.now(timezone.utc) + delta
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (".123Z" if fraction else "Z")


def write_cli_token(env, service: SSOStandIn, left: timedelta = timedelta(hours=1), refreshable: bool = True,
                    key: str = "my-sso", start_url: str = START_URL, fraction: bool = True) -> dict:
    """A token file laid out as the AWS CLI v2 writes it (not atomically, fractional
    seconds as some tools write them)."""
    document = {"startUrl": start_url, "region": "us-east-1",
                "accessToken": service.issue_token(left.total_seconds()), "expiresAt": utc(left, fraction)}
    if refreshable:
        client_id, secret = service.register_client()
        document.update({"clientId": client_id, "clientSecret": secret,
                         "registrationExpiresAt": utc(timedelta(days=80)),
                         "refreshToken": service.issue_refresh_token(client_id)})
    path = token_path(env, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))
    return document


def boto3_credentials(env, profile: str) -> dict:
    script = ("import boto3, json, sys\n"
              "c = boto3.Session(profile_name=sys.argv[1]).get_credentials().get_frozen_credentials()\n"
              "print(json.dumps({'AccessKeyId': c.access_key}))\n")
    res = subprocess.run([sys.executable, "-c", script, profile], env=env, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def start_login(env, *extra) -> tuple[subprocess.Popen, str]:
    """`sts-proc sso login` running, and the URL it asks the user to open."""
    process = subprocess.Popen([os.environ["STS_PROC_BIN"], "sso", "login", "--profile", "dev", "--no-browser", *extra],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               stdin=subprocess.DEVNULL)
    line = process.stderr.readline()
    match = re.search(r"open (\S+?)(?: and confirm| in a browser)", line)
    assert match, line
    return process, match.group(1)


def login(env) -> subprocess.CompletedProcess:
    """The authorization-code login, with the test as the browser: it follows the authorize
    URL, whose redirect reaches sts-proc's loopback listener."""
    process, url = start_login(env)
    assert url.startswith(env["AWS_ENDPOINT_URL_SSO_OIDC"] + "/authorize?")
    with urllib.request.urlopen(url, timeout=10) as page:
        assert b"signed in" in page.read()
    stdout, stderr = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


# ----------------------------------------------------------------------------- credentials

def test_a_token_the_aws_cli_wrote_gives_role_credentials_to_the_aws_cli(sso_env, sso_service):
    write_cli_token(sso_env, sso_service)
    document = parse_credentials(run_sts_proc(["--profile", "dev"], sso_env))
    assert document["AccessKeyId"].startswith("ASIA")
    assert sso_service.count("GetRoleCredentials") == 1
    assert sso_service.count("CreateToken(refresh)") == 0, "a token with an hour left must not be refreshed"
    res = subprocess.run([sys.executable, "-m", "awscli", "sts", "get-caller-identity", "--profile", "dev",
                          "--output", "json"], env=sso_env, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert "Arn" in json.loads(res.stdout)
    # Served from the keyring afterwards: an SSO hit costs what any hit costs.
    run_sts_proc(["--profile", "dev"], sso_env)
    assert sso_service.count("GetRoleCredentials") == 1


def test_login_writes_a_token_boto3_uses_and_refreshes_and_sts_proc_reads_back(sso_env, sso_service):
    res = login(sso_env)
    assert res.returncode == 0, res.stderr
    assert "logged in to " + START_URL in res.stdout
    assert sso_service.count("Authorize") == 1 and sso_service.count("StartDeviceAuthorization") == 0
    path = token_path(sso_env)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = json.loads(path.read_text())
    assert list(written) == ["startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret",
                             "registrationExpiresAt", "refreshToken"]
    assert written["expiresAt"].endswith("Z") and "." not in written["expiresAt"]
    # boto3's own SSO provider reads the token sts-proc wrote.
    assert boto3_credentials(sso_env, "plain-sso")["AccessKeyId"].startswith("ASIA")
    # Near expiry, boto3 refreshes it and rewrites the file...
    written["expiresAt"] = utc(timedelta(minutes=5))
    path.write_text(json.dumps(written))
    boto3_credentials(sso_env, "plain-sso")
    assert sso_service.count("CreateToken(refresh)") == 1
    refreshed = json.loads(path.read_text())
    assert refreshed["accessToken"] != written["accessToken"]
    # ...and sts-proc uses the refreshed file as it is.
    parse_credentials(run_sts_proc(["--profile", "dev"], sso_env))
    assert sso_service.count("CreateToken(refresh)") == 1


def test_sts_proc_refreshes_a_token_near_expiry_and_boto3_reads_the_result(sso_env, sso_service):
    before = write_cli_token(sso_env, sso_service, left=timedelta(minutes=5))
    parse_credentials(run_sts_proc(["--profile", "dev"], sso_env))
    assert sso_service.count("CreateToken(refresh)") == 1
    after = json.loads(token_path(sso_env).read_text())
    assert after["accessToken"] != before["accessToken"] and after["refreshToken"] != before["refreshToken"]
    assert stat.S_IMODE(token_path(sso_env).stat().st_mode) == 0o600
    assert boto3_credentials(sso_env, "plain-sso")["AccessKeyId"].startswith("ASIA")
    assert sso_service.count("CreateToken(refresh)") == 1, "boto3 should not need to refresh again"


def test_64_parallel_callers_near_expiry_make_one_refresh_and_one_get_role_credentials(sso_env, sso_service):
    write_cli_token(sso_env, sso_service, left=timedelta(minutes=5))
    with ThreadPoolExecutor(max_workers=64) as pool:
        results = list(pool.map(lambda _: run_sts_proc(["--profile", "dev"], sso_env, timeout=60), range(64)))
    failures = [r for r in results if r.rc != 0]
    assert not failures, failures[0].stderr
    assert len({parse_credentials(r)["AccessKeyId"] for r in results}) == 1
    assert sso_service.count("CreateToken(refresh)") == 1
    assert sso_service.count("GetRoleCredentials") == 1


def test_a_failed_refresh_keeps_using_a_token_that_is_still_valid(sso_env, sso_service):
    before = write_cli_token(sso_env, sso_service, left=timedelta(minutes=5))
    sso_service.session_ended = True
    parse_credentials(run_sts_proc(["--profile", "dev"], sso_env))
    assert json.loads(token_path(sso_env).read_text())["accessToken"] == before["accessToken"]


# ----------------------------------------------------------------------------- failures

def expect_login_needed(env, service, contains=()):
    res = run_sts_proc(["--profile", "dev"], env)
    line = assert_failure(res, "dev", 2, contains=["run sts-proc sso login --profile dev", *contains])
    assert service.count("GetRoleCredentials") == 0
    return line


def test_no_token_fails_at_once_naming_the_login_command(sso_env, sso_service):
    line = expect_login_needed(sso_env, sso_service)
    assert line == LOGIN_LINE


@pytest.mark.parametrize("content", ["", "{", '{"startUrl": "x"}', "not json", '{"accessToken": "a", "expiresAt": "soon"}'])
def test_a_malformed_or_half_written_token_file_is_no_token(sso_env, sso_service, content):
    path = token_path(sso_env)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    expect_login_needed(sso_env, sso_service)
    assert path.read_text() == content, "the file must be left as it was"


def test_a_token_of_another_start_url_is_not_used(sso_env, sso_service):
    write_cli_token(sso_env, sso_service, start_url="https://d-other.awsapps.com/start")
    expect_login_needed(sso_env, sso_service)


def test_an_expired_legacy_token_cannot_refresh(sso_env, sso_service):
    legacy_url = "https://d-legacy.awsapps.com/start"
    sso_env.profile("legacy", credential_process=sso_env.credential_process_line("legacy"),
                    sts_proc_sso_start_url=legacy_url, sts_proc_sso_region="us-east-1",
                    sts_proc_sso_account_id=ACCOUNT, sts_proc_sso_role_name="Admin", region="us-east-1")
    write_cli_token(sso_env, sso_service, left=timedelta(minutes=-1), key=legacy_url, start_url=legacy_url)
    res = run_sts_proc(["--profile", "legacy"], sso_env)
    assert_failure(res, "legacy", 2, contains=[f"SSO session of {legacy_url} has expired", "sso login --profile legacy"])
    assert sso_service.count("CreateToken(refresh)") == 0


def test_an_expired_token_whose_refresh_is_refused_asks_for_a_login(sso_env, sso_service):
    write_cli_token(sso_env, sso_service, left=timedelta(minutes=-1))
    sso_service.session_ended = True
    expect_login_needed(sso_env, sso_service, contains=["has ended", "InvalidGrantException"])


def test_a_revoked_token_is_a_login_not_a_retry(sso_env, sso_service):
    write_cli_token(sso_env, sso_service)
    sso_service.revoke_all_tokens()
    res = run_sts_proc(["--profile", "dev"], sso_env)
    assert_failure(res, "dev", 2, contains=["has expired", "sso login --profile dev"])
    assert sso_service.count("GetRoleCredentials") == 1


def test_a_role_that_is_not_assigned_is_named(sso_env, sso_service):
    sso_env.profile("unassigned", credential_process=sso_env.credential_process_line("unassigned"),
                    sts_proc_sso_session="my-sso", sts_proc_sso_account_id=ACCOUNT, sts_proc_sso_role_name="Billing")
    write_cli_token(sso_env, sso_service)
    res = run_sts_proc(["--profile", "unassigned"], sso_env)
    assert_failure(res, "unassigned", 1, contains=["ForbiddenException", f"Billing in account {ACCOUNT} is not assigned"])


def test_a_portal_that_answers_html_is_unavailable(sso_env, sso_service, html500_server):
    write_cli_token(sso_env, sso_service)
    sso_env["AWS_ENDPOINT_URL_SSO"] = html500_server.url
    res = run_sts_proc(["--profile", "dev"], sso_env)
    assert_failure(res, "dev", 3, contains=["GetRoleCredentials failed"])


@pytest.mark.parametrize("settings,needle", [
    ({"sts_proc_sso_session": "nope", "sts_proc_sso_account_id": ACCOUNT, "sts_proc_sso_role_name": "Admin"},
     "unknown SSO session 'nope'"),
    ({"sts_proc_sso_session": "my-sso", "sts_proc_sso_role_name": "Admin"}, "sso_account_id is missing"),
    ({"sts_proc_sso_account_id": ACCOUNT, "sts_proc_sso_role_name": "Admin"}, "sso_start_url and sso_region are missing"),
])
def test_incomplete_settings_are_refused_before_any_request(sso_env, sso_service, settings, needle):
    sso_env.profile("bad", **settings)
    res = run_sts_proc(["--profile", "bad"], sso_env)
    assert_failure(res, "bad", 2, contains=[needle])
    assert sum(sso_service.calls.values()) == 0


# ----------------------------------------------------------------------------- commands

def test_the_device_code_login_through_a_terminal(sso_env, sso_service):
    import pexpect
    child = pexpect.spawn(os.environ["STS_PROC_BIN"], ["sso", "login", "--profile", "dev", "--use-device-code", "--no-browser"],
                          env=sso_env, encoding="utf-8", timeout=30)
    child.expect(r"open (\S+) and confirm the code ([0-9A-F]{4}-[0-9A-F]{4})")
    assert "user_code=" + child.match.group(2) in child.match.group(1)
    child.expect("logged in to " + re.escape(START_URL))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert sso_service.count("StartDeviceAuthorization") == 1 and sso_service.count("Authorize") == 0
    token = json.loads(token_path(sso_env).read_text())
    assert token["refreshToken"], "a session with scopes gets a refreshable token"
    parse_credentials(run_sts_proc(["--profile", "dev"], sso_env))


@pytest.mark.parametrize("flow", ["authorization-code", "device-code"])
def test_login_that_is_denied_writes_nothing(sso_env, sso_service, flow):
    sso_service.deny = True
    if flow == "device-code":
        process, _ = start_login(sso_env, "--use-device-code")
    else:
        process, url = start_login(sso_env)
        urllib.request.urlopen(url, timeout=10).read()
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 1 and stdout == ""
    assert stderr.splitlines()[-1].startswith("sts-proc: profile dev: the login was denied")
    assert not token_path(sso_env).exists()


def test_a_device_code_that_expires_ends_the_login(sso_env, sso_service):
    sso_service.expire_devices = True
    process, _ = start_login(sso_env, "--use-device-code")
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 1 and stdout == ""
    assert stderr.splitlines()[-1].startswith("sts-proc: profile dev: the login code expired")
    assert not token_path(sso_env).exists()


def test_an_expired_token_is_refreshed_when_it_can_be(sso_env, sso_service):
    write_cli_token(sso_env, sso_service, left=timedelta(minutes=-10))
    parse_credentials(run_sts_proc(["--profile", "dev"], sso_env))
    assert sso_service.count("CreateToken(refresh)") == 1


def test_a_login_interrupted_with_ctrl_c_leaves_no_file_behind(sso_env, sso_service):
    write_cli_token(sso_env, sso_service)  # the session before: kept as it was
    before = token_path(sso_env).read_bytes()
    process, _ = start_login(sso_env)
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=10)
    assert process.returncode != 0
    assert token_path(sso_env).read_bytes() == before
    leftovers = [p.name for p in token_path(sso_env).parent.iterdir() if "sts-proc-" in p.name]
    assert leftovers == []


def test_a_redirect_with_another_state_is_ignored_and_the_login_goes_on(sso_env, sso_service):
    import urllib.error
    process, url = start_login(sso_env)
    for forged in (re.sub(r"state=[0-9a-f]+", "state=forged", url), re.sub(r"state=[0-9a-f]+", "state=x", url)):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(forged, timeout=10).read()
        assert refused.value.code == 400
    assert process.poll() is None, "a forged redirect ended the login"
    urllib.request.urlopen(url, timeout=10).read()
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert token_path(sso_env).exists()


def test_accounts_lists_every_page(sso_env, sso_service):
    write_cli_token(sso_env, sso_service)
    res = run_sts_proc(["sso", "accounts", "--profile", "dev"], sso_env)
    assert res.rc == 0, res.stderr
    rows = [line.split("\t") for line in res.stdout.splitlines()]
    assert rows == [[a, sso_service.accounts[a][0], r] for a in sorted(sso_service.accounts) for r in ["Admin", "ReadOnly"]]


def test_logout_ends_the_session_and_drops_cached_role_credentials(sso_env, sso_service):
    write_cli_token(sso_env, sso_service)
    parse_credentials(run_sts_proc(["--profile", "dev"], sso_env))
    res = run_sts_proc(["sso", "logout", "--profile", "dev"], sso_env)
    assert res.rc == 0, res.stderr
    assert sso_service.count("Logout") == 1
    assert not token_path(sso_env).exists()
    listing = run_sts_proc(["cache", "list"], sso_env).stdout
    assert "dev\t" not in listing
    assert run_sts_proc(["--profile", "dev"], sso_env).stderr.strip() == LOGIN_LINE


def test_populate_writes_a_working_profile_per_role_and_touches_nothing_else(sso_env, sso_service):
    write_cli_token(sso_env, sso_service)
    sso_env.profile("org-account-0.Admin", region="eu-west-1", output="json")  # the user's own: never touched
    before = sso_env.config_path.read_text()
    res = run_sts_proc(["sso", "populate", "--sso-session", "my-sso", "--prefix", "org-"], sso_env)
    assert res.rc == 0, res.stderr
    assert "[profile org-account-0.Admin] exists and was not written by sts-proc" in res.stderr
    text = sso_env.config_path.read_text()
    assert text.startswith(before), "sections populate did not write must stay as they were"
    assert stat.S_IMODE(sso_env.config_path.stat().st_mode) == 0o600
    assert (sso_env.config_path.parent / "config.bak").read_text() == before
    written = [line.split("[profile ")[1].rstrip("]") for line in res.stdout.splitlines() if line.startswith("wrote")]
    assert len(written) == 5 and "org-account-2.ReadOnly" in written
    # Every generated profile works through the AWS CLI's own credential_process call.
    for profile in written:
        res = subprocess.run([sys.executable, "-m", "awscli", "sts", "get-caller-identity", "--profile", profile,
                              "--output", "json"], env=sso_env, capture_output=True, text=True, timeout=60)
        assert res.returncode == 0, (profile, res.stderr)
    # Idempotent; and a role that is no longer assigned loses its profile.
    again = run_sts_proc(["sso", "populate", "--sso-session", "my-sso", "--prefix", "org-"], sso_env)
    assert again.rc == 0 and sso_env.config_path.read_text() == text
    del sso_service.accounts["111100000002"]
    try:
        third = run_sts_proc(["sso", "populate", "--sso-session", "my-sso", "--prefix", "org-"], sso_env)
    finally:
        sso_service.accounts["111100000002"] = ("account-2", ["Admin", "ReadOnly"])
    assert third.rc == 0, third.stderr
    assert "removed [profile org-account-2.Admin]" in third.stdout
    assert "[profile org-account-2.Admin]" not in sso_env.config_path.read_text()
    assert sso_env.config_path.read_text().startswith(before)


def test_populate_without_a_session_names_the_login(sso_env, sso_service):
    before = sso_env.config_path.read_text()
    res = run_sts_proc(["sso", "populate", "--sso-session", "my-sso"], sso_env)
    assert res.rc == 2 and res.stdout == ""
    assert "run sts-proc sso login --sso-session my-sso" in res.stderr
    assert sso_env.config_path.read_text() == before


def test_doctor_explains_an_sso_profile(sso_env, sso_service):
    res = run_sts_proc(["doctor", "--profile", "dev"], sso_env)
    assert res.rc == 1 and "PROBLEM [sso-session-expired]" in res.stdout + res.stderr
    write_cli_token(sso_env, sso_service)
    res = run_sts_proc(["doctor", "--profile", "dev"], sso_env)
    out = res.stdout + res.stderr
    assert res.rc == 0, out
    assert str(token_path(sso_env)) in out and "refreshable" in out and "client registration until" in out
    assert f"GetRoleCredentials Admin in account {ACCOUNT} (SSO)" in out
