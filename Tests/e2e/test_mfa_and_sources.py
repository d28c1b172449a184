"""End-to-end tests of MFA sessions and of the EC2 / ECS credential sources.

Both run against moto with signature checking off: moto's GetSessionToken returns fixed
example keys that its own signature check does not know, and the metadata stand-ins hand
out keys moto has never issued. The requests are still inspected at moto's proxy (which
key signed them, which parameters they carried)."""

from __future__ import annotations

import os
import shlex
import time
import urllib.parse

import pexpect
import pytest

import keyring_control
from e2e_support import assert_failure, parse_credentials, run_aws, run_sts_proc, sts_proc_bin
from metadata_servers import MetadataServer
from test_assume_role import Counter
from test_federation import ACCESS_DENIED

MFA_SERIAL = "arn:aws:iam::123456789012:mfa/alice"
ROLE_A = "arn:aws:iam::123456789012:role/role-a"
ROLE_B = "arn:aws:iam::123456789012:role/role-b"
BASE_KEY_ID = "AKIAE2EBASEKEY000001"
BASE_SECRET = "base-secret-e2e-0123456789"


pytestmark = pytest.mark.usefixtures("empty_keyring")


@pytest.fixture
def env(aws_env, moto_open):
    aws_env["AWS_ENDPOINT_URL_STS"] = moto_open.endpoint
    aws_env.append_credentials(f"[base]\naws_access_key_id = {BASE_KEY_ID}\naws_secret_access_key = {BASE_SECRET}\n")
    return aws_env


@pytest.fixture
def mfa_process(tmp_path):
    """A command printing a code and counting its runs; `code` can be changed."""
    counter = tmp_path / "mfa-runs"
    code = tmp_path / "mfa-code"
    code.write_text("123456")
    script = tmp_path / "mfa"
    script.write_text(f"#!/bin/sh\necho run >> {shlex.quote(str(counter))}\ncat {shlex.quote(str(code))}\n")
    script.chmod(0o755)

    class Process:
        command = shlex.quote(str(script))
        code_file = code

        @staticmethod
        def runs() -> int:
            return len(counter.read_text().splitlines()) if counter.exists() else 0
    return Process


def role_profile(env, name: str, role: str, **settings) -> None:
    values = {"credential_process": env.credential_process_line(name), "sts_proc_role_arn": role,
              "sts_proc_source_profile": "base", "sts_proc_role_session_name": f"{name}-sess",
              "sts_proc_mfa_serial": MFA_SERIAL, "region": "us-east-1"}
    values.update({f"sts_proc_{k}": v for k, v in settings.items()})
    env.profile(name, **values)


def form(request) -> dict:
    return {k: v[0] for k, v in urllib.parse.parse_qs(request.body.decode()).items()}


# ----------------------------------------------------------------------------- MFA

def test_one_mfa_code_for_two_roles_over_one_source(env, moto_open, mfa_process):
    role_profile(env, "a", ROLE_A, mfa_process=mfa_process.command)
    role_profile(env, "b", ROLE_B, mfa_process=mfa_process.command)
    sessions = Counter(moto_open, "GetSessionToken")
    assumes = Counter(moto_open, "AssumeRole")
    for profile, role in (("a", "role-a"), ("b", "role-b")):
        res = run_aws(["sts", "get-caller-identity", "--profile", profile, "--query", "Arn", "--output", "text"], env)
        assert res.rc == 0, res.stderr
        assert res.stdout.strip() == f"arn:aws:sts::123456789012:assumed-role/{role}/{profile}-sess"
    assert mfa_process.runs() == 1, "the second role asked for another code"
    assert sessions.delta == 1
    request = sessions.new_requests()[0]
    assert request.access_key_id == BASE_KEY_ID
    assert form(request)["SerialNumber"] == MFA_SERIAL and form(request)["TokenCode"] == "123456"
    session_key = None
    for assume in assumes.new_requests():
        assert assume.access_key_id != BASE_KEY_ID, "the role was assumed with the long-term keys"
        session_key = session_key or assume.access_key_id
        assert assume.access_key_id == session_key
    labels = sorted(item["label"] for item in keyring_control.secret_tool_items(env))
    assert f"sts-proc: MFA session {MFA_SERIAL}" in labels


def test_static_key_profile_with_mfa_serial_serves_the_session(env, moto_open, mfa_process):
    env.append_credentials(f"mfa_serial = {MFA_SERIAL}\n")  # continues [base]
    env.profile("base", credential_process=env.credential_process_line("base"),
                sts_proc_mfa_process=mfa_process.command)
    sessions = Counter(moto_open, "GetSessionToken")
    creds = parse_credentials(run_sts_proc(["--profile", "base"], env))
    assert creds["AccessKeyId"] != BASE_KEY_ID
    assert sessions.delta == 1


def test_static_key_mfa_session_near_its_refresh_time_is_not_printed(env, moto_open, mfa_process):
    # Without a role the MFA session itself is printed: it must have more than the minimum
    # TTL left (960 s), or the SDK would call sts-proc again on every request.
    env.append_credentials(f"mfa_serial = {MFA_SERIAL}\n")  # continues [base]
    env.profile("base", credential_process=env.credential_process_line("base"),
                sts_proc_mfa_process=mfa_process.command)
    parse_credentials(run_sts_proc(["--profile", "base"], env))
    assert mfa_process.runs() == 1
    soon = str(int(time.time()) + 600)  # between the 300 s a role needs and the 960 s an SDK needs
    for item in keyring_control.secret_tool_items(env):
        attributes = {k.split(".", 1)[1]: v for k, v in item.items() if k.startswith("attribute.")}
        keyring_control.secret_tool_clear(env, attributes)
        keyring_control.secret_tool_store(env, dict(attributes, expires=soon), item["secret"], label=item["label"])
    keyring_control.clear_kernel_copies()
    parse_credentials(run_sts_proc(["--profile", "base"], env))
    assert mfa_process.runs() == 2, "a session with 600 s left was printed instead of a new one"


def test_prompt_on_the_terminal(env, moto_open):
    role_profile(env, "a", ROLE_A)
    sessions = Counter(moto_open, "GetSessionToken")
    child = pexpect.spawn(sts_proc_bin(), ["--profile", "a"], env=dict(env), timeout=20, encoding="utf-8")
    child.expect(f"MFA code for {MFA_SERIAL}: ")
    child.sendline("654321")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert '"Version":1' in child.before
    assert form(sessions.new_requests()[0])["TokenCode"] == "654321"


def test_no_terminal_and_no_mfa_process_fails_at_once(env, moto_open):
    role_profile(env, "a", ROLE_A)
    counter = Counter(moto_open, None)
    res = run_sts_proc(["--profile", "a"], env)
    assert_failure(res, "a", 2, contains=["no terminal", "mfa_process"], max_seconds=1.0)
    assert counter.delta == 0


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef"])
def test_malformed_code_is_refused_before_sts(env, moto_open, mfa_process, code):
    mfa_process.code_file.write_text(code)
    role_profile(env, "a", ROLE_A, mfa_process=mfa_process.command)
    counter = Counter(moto_open, None)
    res = run_sts_proc(["--profile", "a"], env)
    line = assert_failure(res, "a", 2, contains=["not six digits"])
    assert code not in line
    assert counter.delta == 0


def test_rejected_code_is_said_plainly_and_nothing_is_cached(env, moto_open, mfa_process):
    role_profile(env, "a", ROLE_A, mfa_process=mfa_process.command)
    denied = ACCESS_DENIED.replace(b"is not authorized to perform: sts:AssumeRole",
                                   b"MultiFactorAuthentication failed with invalid MFA one time pass code.")
    with moto_open.injected(403, denied):
        res = run_sts_proc(["--profile", "a"], env)
    assert_failure(res, "a", 1, contains=["GetSessionToken denied (AccessDenied)", "MFA code", "nothing was cached"],
                   secrets=[BASE_SECRET])
    assert keyring_control.secret_tool_items(env) == []


def test_expired_cached_session_is_renewed_with_a_new_code(env, moto_open, mfa_process):
    role_profile(env, "a", ROLE_A, mfa_process=mfa_process.command)
    parse_credentials(run_sts_proc(["--profile", "a"], env))
    assert mfa_process.runs() == 1
    session = next(item for item in keyring_control.secret_tool_items(env) if "MFA session" in item["label"])
    attributes = {k.split(".", 1)[1]: v for k, v in session.items() if k.startswith("attribute.")}
    expired = dict(attributes, expires=str(int(time.time()) - 60))
    keyring_control.secret_tool_clear(env, attributes)
    keyring_control.secret_tool_store(env, expired, session["secret"], label=session["label"])
    keyring_control.clear_kernel_copies()
    mfa_process.code_file.write_text("222222")
    sessions = Counter(moto_open, "GetSessionToken")
    parse_credentials(run_sts_proc(["--profile", "a", "--refresh"], env))
    assert mfa_process.runs() == 2
    assert form(sessions.new_requests()[0])["TokenCode"] == "222222"


# ----------------------------------------------------------------------------- EC2 / ECS sources

@pytest.fixture
def imds():
    server = MetadataServer("imds", "ASIAE2EINSTANCE00001", "instance-secret")
    yield server
    server.close()


def source_profile(env, source: str) -> None:
    env.profile("app", credential_process=env.credential_process_line("app"),
                sts_proc_role_arn=ROLE_A, sts_proc_credential_source=source,
                sts_proc_role_session_name="app", sts_proc_cache="none", region="us-east-1")


def test_ec2_instance_metadata_imdsv2(env, moto_open, imds):
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.url
    env.pop("AWS_EC2_METADATA_DISABLED", None)
    source_profile(env, "Ec2InstanceMetadata")
    assumes = Counter(moto_open, "AssumeRole")
    res = run_aws(["sts", "get-caller-identity", "--profile", "app", "--query", "Arn", "--output", "text"], env)
    assert res.rc == 0, res.stderr
    assert res.stdout.strip().endswith("assumed-role/role-a/app")
    request = assumes.new_requests()[0]
    assert request.access_key_id == "ASIAE2EINSTANCE00001"
    assert request.headers.get("X-Amz-Security-Token") == "metadata-session-token"
    assert imds.requests[0][0] == "PUT" and imds.requests[1][2].get("X-aws-ec2-metadata-token")


def test_ec2_falls_back_to_imdsv1_where_tokens_are_refused(env, moto_open, imds):
    imds.mode = "no-token"
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.url
    env.pop("AWS_EC2_METADATA_DISABLED", None)
    source_profile(env, "Ec2InstanceMetadata")
    parse_credentials(run_sts_proc(["--profile", "app"], env))


@pytest.mark.parametrize("mode,expected", [("token-error", "HTTP 500"), ("no-role", "Attach an IAM role"),
                                           ("slow", "no answer")])
def test_ec2_failures(env, moto_open, imds, mode, expected):
    imds.mode = mode
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.url
    env.pop("AWS_EC2_METADATA_DISABLED", None)
    source_profile(env, "Ec2InstanceMetadata")
    counter = Counter(moto_open, None)
    res = run_sts_proc(["--profile", "app"], env)
    assert_failure(res, "app", 3, contains=["EC2 instance metadata", expected], secrets=["instance-secret"],
                   max_seconds=3.0)
    assert counter.delta == 0


def test_ec2_metadata_disabled(env, moto_open):
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    source_profile(env, "Ec2InstanceMetadata")
    assert_failure(run_sts_proc(["--profile", "app"], env), "app", 2, contains=["AWS_EC2_METADATA_DISABLED"])


def test_ecs_container_credentials_with_authorization_token_file(env, moto_open, tmp_path):
    server = MetadataServer("ecs", "ASIAE2ECONTAINER0001", "container-secret", authorization="pod-token")
    try:
        token_file = tmp_path / "auth"
        token_file.write_text("pod-token\n")
        env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = server.url + "/v1/credentials"
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = str(token_file)
        source_profile(env, "EcsContainer")
        assumes = Counter(moto_open, "AssumeRole")
        parse_credentials(run_sts_proc(["--profile", "app"], env))
        assert assumes.new_requests()[0].access_key_id == "ASIAE2ECONTAINER0001"
        token_file.write_text("wrong-token")
        assert_failure(run_sts_proc(["--profile", "app"], env), "app", 3, contains=["HTTP 401", "AUTHORIZATION_TOKEN"],
                       secrets=["container-secret", "wrong-token"])
    finally:
        server.close()


def test_ecs_without_endpoint_or_with_unsafe_uri(env, moto_open):
    source_profile(env, "EcsContainer")
    assert_failure(run_sts_proc(["--profile", "app"], env), "app", 2, contains=["AWS_CONTAINER_CREDENTIALS"])
    env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://198.51.100.7/creds"
    assert_failure(run_sts_proc(["--profile", "app"], env), "app", 2, contains=["plain HTTP"])
