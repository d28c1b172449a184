"""End-to-end tests of the web-identity (OIDC) and SAML flows: AssumeRoleWithWebIdentity and
AssumeRoleWithSAML are unsigned, so they run against moto with signature checking off
(real identity-provider shapes), consumed by the AWS CLI through credential_process."""

from __future__ import annotations

import base64
import os
import shlex
import subprocess
import urllib.parse
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import keyring_control
from e2e_support import assert_failure, parse_credentials, run_aws, run_sts_proc, sts_proc_bin
from test_assume_role import Counter

SAMPLES = Path(__file__).resolve().parents[1] / "STSProcCoreTests" / "Fixtures"
SAML_ROLE = "arn:aws:iam::123456789012:role/saml-role"
SAML_PROVIDER = "arn:aws:iam::123456789012:saml-provider/test-idp"
WI_ROLE = "arn:aws:iam::123456789012:role/wi-role"
ACCESS_DENIED = (SAMPLES / "error-access-denied.xml").read_bytes()


def saml_response(roles: list[str], not_on_or_after: datetime | None = None) -> str:
    """A base64 SAMLResponse that moto accepts (RoleSessionName plus another attribute)."""
    conditions = ""
    if not_on_or_after is not None:
        conditions = f'<saml2:Conditions NotOnOrAfter="{not_on_or_after.strftime("%Y-%m-%dT%H:%M:%SZ")}"/>'
    values = "".join(f"<saml2:AttributeValue>{value}</saml2:AttributeValue>" for value in roles)
    xml = ('<saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" '
           'xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion"><saml2:Assertion>'
           f'<saml2:Issuer>http://localhost:3000/</saml2:Issuer>{conditions}<saml2:AttributeStatement>'
           f'<saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">{values}</saml2:Attribute>'
           '<saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">'
           '<saml2:AttributeValue>saml-user@example.com</saml2:AttributeValue></saml2:Attribute>'
           '<saml2:Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration">'
           '<saml2:AttributeValue>1800</saml2:AttributeValue></saml2:Attribute>'
           '</saml2:AttributeStatement></saml2:Assertion></saml2p:Response>')
    return base64.b64encode(xml.encode()).decode()


pytestmark = pytest.mark.usefixtures("empty_keyring")


@pytest.fixture
def env(aws_env, moto_open):
    aws_env["AWS_ENDPOINT_URL_STS"] = moto_open.endpoint
    return aws_env


def federated_profile(env, name: str, **settings) -> None:
    values = {"credential_process": env.credential_process_line(name), "region": "us-east-1"}
    values.update({f"sts_proc_{k}": v for k, v in settings.items()})
    env.profile(name, **values)


def caller(env, profile: str) -> str:
    res = run_aws(["sts", "get-caller-identity", "--profile", profile, "--query", "Arn", "--output", "text"], env)
    assert res.rc == 0, res.stderr
    return res.stdout.strip()


# ----------------------------------------------------------------------------- web identity

def test_web_identity_token_file_through_the_aws_cli(env, moto_open, tmp_path):
    token = tmp_path / "token"
    token.write_text("eyJhbGciOiJSUzI1NiJ9.e2e-token.signature\n")
    federated_profile(env, "ci", role_arn=WI_ROLE, web_identity_token_file=str(token), role_session_name="gha-run-42")
    counter = Counter(moto_open, "AssumeRoleWithWebIdentity")
    assert caller(env, "ci") == "arn:aws:sts::123456789012:assumed-role/wi-role/gha-run-42"
    request = counter.new_requests()[-1]
    assert "WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.e2e-token.signature" in request.body.decode()
    assert request.access_key_id is None, "AssumeRoleWithWebIdentity must not be signed"


def test_web_identity_token_is_read_afresh_and_cached_credentials_are_reused(env, moto_open, tmp_path):
    token = tmp_path / "token"
    token.write_text("first-token")
    federated_profile(env, "ci", role_arn=WI_ROLE, web_identity_token_file=str(token), role_session_name="s1")
    counter = Counter(moto_open, "AssumeRoleWithWebIdentity")
    first = parse_credentials(run_sts_proc(["--profile", "ci"], env))
    assert parse_credentials(run_sts_proc(["--profile", "ci"], env)) == first
    assert counter.delta == 1, "the second call was not served from the keyring"
    token.write_text("rotated-token")
    parse_credentials(run_sts_proc(["--profile", "ci", "--refresh"], env))
    assert "WebIdentityToken=rotated-token" in counter.new_requests()[-1].body.decode()
    items = keyring_control.secret_tool_items(env)
    assert items and all("rotated-token" not in value and "first-token" not in value for value in items[0].values()
                         if value != items[0].get("secret"))


def test_web_identity_token_process(env, moto_open, tmp_path):
    script = tmp_path / "get-token"
    script.write_text("#!/bin/sh\nprintf 'process-token'\n")
    script.chmod(0o755)
    federated_profile(env, "ci", role_arn=WI_ROLE, web_identity_token_process=shlex.quote(str(script)),
                      role_session_name="proc")
    counter = Counter(moto_open, "AssumeRoleWithWebIdentity")
    assert caller(env, "ci").endswith("assumed-role/wi-role/proc")
    assert "WebIdentityToken=process-token" in counter.new_requests()[-1].body.decode()


def test_environment_variable_form_run_directly(env, moto_open, tmp_path):
    token = tmp_path / "token"
    token.write_text("env-token")
    env.profile("pod", credential_process=env.credential_process_line("pod"), sts_proc_cache="none")
    env["AWS_WEB_IDENTITY_TOKEN_FILE"] = str(token)
    env["AWS_ROLE_ARN"] = WI_ROLE
    env["AWS_ROLE_SESSION_NAME"] = "eks-pod"
    counter = Counter(moto_open, "AssumeRoleWithWebIdentity")
    creds = parse_credentials(run_sts_proc(["--profile", "pod"], env))
    assert creds["AccessKeyId"].startswith("ASIA")
    body = counter.new_requests()[-1].body.decode()
    assert "RoleSessionName=eks-pod" in body and "WebIdentityToken=env-token" in body


@pytest.mark.parametrize("case", ["missing", "empty", "directory"])
def test_bad_token_file(env, moto_open, tmp_path, case):
    path = tmp_path / "token"
    if case == "empty":
        path.write_text("  \n")
    elif case == "directory":
        path.mkdir()
    federated_profile(env, "ci", role_arn=WI_ROLE, web_identity_token_file=str(path))
    counter = Counter(moto_open, None)
    res = run_sts_proc(["--profile", "ci"], env)
    expected = {"missing": "does not exist", "empty": "empty", "directory": "directory"}[case]
    assert_failure(res, "ci", 2, contains=["web_identity_token_file", str(path), expected])
    assert counter.delta == 0


def test_token_process_failing_shows_its_stderr(env, moto_open):
    federated_profile(env, "ci", role_arn=WI_ROLE,
                      web_identity_token_process="sh -c 'echo \"oidc: audience mismatch\" >&2; exit 7'")
    res = run_sts_proc(["--profile", "ci"], env)
    assert_failure(res, "ci", 2, contains=["web_identity_token_process", "status 7", "oidc: audience mismatch"])


def test_token_process_running_too_long_is_stopped(env, moto_open):
    federated_profile(env, "ci", role_arn=WI_ROLE, web_identity_token_process="sleep 30", process_timeout="1")
    res = run_sts_proc(["--profile", "ci"], env)
    assert_failure(res, "ci", 2, contains=["did not finish within 1 s"], max_seconds=4)


def test_web_identity_sts_error(env, moto_open, tmp_path):
    token = tmp_path / "token"
    token.write_text("secret-oidc-token")
    federated_profile(env, "ci", role_arn=WI_ROLE, web_identity_token_file=str(token))
    with moto_open.injected(403, ACCESS_DENIED):
        res = run_sts_proc(["--profile", "ci"], env)
    assert_failure(res, "ci", 1, contains=["AssumeRoleWithWebIdentity denied (AccessDenied)"],
                   secrets=["secret-oidc-token"])


# ----------------------------------------------------------------------------- SAML

def test_saml_assertion_file_through_the_aws_cli(env, moto_open):
    saved = env.home / "samlresponse.log"
    saved.write_text((SAMPLES / "saml-response.b64").read_text())
    federated_profile(env, "corp", role_arn=SAML_ROLE, saml_assertion_file=str(saved))
    counter = Counter(moto_open, "AssumeRoleWithSAML")
    assert caller(env, "corp") == "arn:aws:sts::123456789012:assumed-role/saml-role/saml-user@example.com"
    body = counter.new_requests()[-1].body.decode()
    assert "PrincipalArn=" + SAML_PROVIDER.replace(":", "%3A").replace("/", "%2F") in body
    # As the AWS CLI: STS's default hour, not the assertion's SessionDuration (the console's
    # session length, which may exceed the role's maximum and make STS refuse the call).
    assert "DurationSeconds" not in body
    assert counter.new_requests()[-1].access_key_id is None


def test_saml_assertion_pasted_with_line_breaks_and_url_encoding(env, moto_open):
    encoded = saml_response([f"{SAML_PROVIDER},{SAML_ROLE}"])  # provider first: either order works
    wrapped = "\n".join(encoded[i:i + 64] for i in range(0, len(encoded), 64))
    url_form = "SAMLResponse=" + wrapped.replace("+", "%2B").replace("=", "%3D").replace("/", "%2F")
    saved = env.home / "samlresponse.log"
    saved.write_text("\n  " + url_form + "\n")
    federated_profile(env, "corp", role_arn=SAML_ROLE, saml_assertion_file=str(saved))
    assert caller(env, "corp").endswith("assumed-role/saml-role/saml-user@example.com")


def test_saml_principal_taken_from_the_assertion_and_cached(env, moto_open):
    saved = env.home / "samlresponse.log"
    saved.write_text(saml_response([f"{SAML_ROLE},{SAML_PROVIDER}"]))
    federated_profile(env, "corp", role_arn=SAML_ROLE, saml_assertion_file=str(saved))
    counter = Counter(moto_open, "AssumeRoleWithSAML")
    first = parse_credentials(run_sts_proc(["--profile", "corp"], env))
    assert parse_credentials(run_sts_proc(["--profile", "corp"], env)) == first
    assert counter.delta == 1


def test_saml_without_role_arn_is_not_cached(env, moto_open):
    """The role then comes from whatever assertion is saved, which the cache key cannot see."""
    saved = env.home / "samlresponse.log"
    saved.write_text(saml_response([f"{SAML_ROLE},{SAML_PROVIDER}"]))
    federated_profile(env, "corp", saml_assertion_file=str(saved))
    counter = Counter(moto_open, "AssumeRoleWithSAML")
    parse_credentials(run_sts_proc(["--profile", "corp"], env))
    parse_credentials(run_sts_proc(["--profile", "corp"], env))
    assert counter.delta == 2


def test_saml_assertion_process(env, moto_open, tmp_path):
    saved = tmp_path / "assertion"
    saved.write_text(saml_response([f"{SAML_ROLE},{SAML_PROVIDER}"]))
    federated_profile(env, "corp", role_arn=SAML_ROLE, saml_assertion_process=f"cat {shlex.quote(str(saved))}")
    assert caller(env, "corp").endswith("assumed-role/saml-role/saml-user@example.com")


def test_saml_roles_command(env, tmp_path):
    expiry = datetime.now(timezone.utc) + timedelta(minutes=5)
    other_role = "arn:aws:iam::123456789012:role/other"
    saved = tmp_path / "assertion"
    saved.write_text(saml_response([f"{SAML_ROLE},{SAML_PROVIDER}", f"{SAML_PROVIDER},{other_role}"], expiry))
    res = run_sts_proc(["saml", "roles", "--assertion-file", str(saved)], env)
    assert res.rc == 0, res.stderr
    stamp = expiry.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert res.stdout.splitlines() == [f"{SAML_ROLE}\t{SAML_PROVIDER}\texpires {stamp}",
                                       f"{other_role}\t{SAML_PROVIDER}\texpires {stamp}"]
    from_stdin = subprocess.run([sts_proc_bin(), "saml", "roles", "--assertion-file", "-"], env=env,
                                input=saved.read_text(), capture_output=True, text=True, timeout=10)
    assert from_stdin.returncode == 0 and from_stdin.stdout == res.stdout
    bad = run_sts_proc(["saml", "roles", "--assertion-file", str(tmp_path / "nope")], env)
    assert bad.rc == 2 and bad.stdout == "" and bad.stderr.startswith("sts-proc: saml roles: ")


def bad_assertion(kind: str, tmp_path: Path) -> tuple[str, str]:
    """(file content or None for missing, text the error must contain)"""
    if kind == "not-base64":
        return "this is *not* base64 at all!", "not base64"
    if kind == "not-xml":
        return base64.b64encode(b"just some text, no XML").decode(), "not an XML SAML response"
    if kind == "no-role":
        return saml_response([]), "names no AWS role"
    if kind == "expired":
        return saml_response([f"{SAML_ROLE},{SAML_PROVIDER}"], datetime.now(timezone.utc) - timedelta(minutes=10)), "expired"
    if kind == "role-not-offered":
        return saml_response(["arn:aws:iam::123456789012:role/other," + SAML_PROVIDER]), "role/other"
    if kind == "oversized":
        return "A" * (1024 * 1024 + 10), "larger than 1 MiB"
    raise ValueError(kind)


@pytest.mark.parametrize("kind", ["not-base64", "not-xml", "no-role", "expired", "role-not-offered", "oversized"])
def test_bad_saml_assertions_fail_before_calling_sts(env, moto_open, tmp_path, kind):
    content, expected = bad_assertion(kind, tmp_path)
    saved = tmp_path / "assertion"
    saved.write_text(content)
    federated_profile(env, "corp", role_arn=SAML_ROLE, saml_assertion_file=str(saved))
    counter = Counter(moto_open, None)
    res = run_sts_proc(["--profile", "corp"], env)
    line = assert_failure(res, "corp", 2, contains=[expected])
    assert counter.delta == 0, "a bad assertion reached STS"
    if kind == "expired":
        assert "valid until" in line and "sign in" in line.lower()
    assert content[:40] not in line or kind == "role-not-offered"


def test_saml_sts_error(env, moto_open):
    saved = env.home / "samlresponse.log"
    saved.write_text(saml_response([f"{SAML_ROLE},{SAML_PROVIDER}"]))
    federated_profile(env, "corp", role_arn=SAML_ROLE, saml_assertion_file=str(saved))
    with moto_open.injected(403, ACCESS_DENIED):
        res = run_sts_proc(["--profile", "corp"], env)
    assert_failure(res, "corp", 1, contains=["AssumeRoleWithSAML denied (AccessDenied)"])


ENCRYPTED = base64.b64encode(
    b'<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
    b'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><saml:EncryptedAssertion>'
    b'<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"><xenc:CipherData>'
    b'<xenc:CipherValue>bm90IHJlYWRhYmxlIGhlcmU=</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>'
    b'</saml:EncryptedAssertion></samlp:Response>').decode()


def test_an_encrypted_assertion_goes_to_sts_unchanged_with_both_settings(env, moto_open, tmp_path):
    saved = tmp_path / "encrypted"
    saved.write_text(ENCRYPTED)
    federated_profile(env, "enc", saml_assertion_file=str(saved), role_arn=SAML_ROLE, principal_arn=SAML_PROVIDER)
    expires = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    answer = ('<AssumeRoleWithSAMLResponse><AssumeRoleWithSAMLResult><Credentials>'
              '<AccessKeyId>ASIAENCRYPTEDEXAMPLE</AccessKeyId><SecretAccessKey>s</SecretAccessKey>'
              f'<SessionToken>t</SessionToken><Expiration>{expires}</Expiration></Credentials>'
              '</AssumeRoleWithSAMLResult></AssumeRoleWithSAMLResponse>').encode()
    start = len(moto_open.requests())
    with moto_open.injected(200, answer):
        document = parse_credentials(run_sts_proc(["--profile", "enc"], env))
    assert document["AccessKeyId"] == "ASIAENCRYPTEDEXAMPLE"
    sent = [r for r in moto_open.requests()[start:] if r.action == "AssumeRoleWithSAML"]
    form = urllib.parse.parse_qs(sent[0].body.decode())
    assert form["SAMLAssertion"] == [ENCRYPTED] and form["RoleArn"] == [SAML_ROLE] and form["PrincipalArn"] == [SAML_PROVIDER]
    # Without principal_arn: one line that says why, and no request.
    federated_profile(env, "half", saml_assertion_file=str(saved), role_arn=SAML_ROLE)
    res = run_sts_proc(["--profile", "half"], env)
    assert_failure(res, "half", 2, contains=["the SAML assertion is encrypted", "principal_arn"])
    roles = run_sts_proc(["saml", "roles", "--assertion-file", str(saved)], env)
    assert roles.rc == 0 and "encrypted" in roles.stdout
