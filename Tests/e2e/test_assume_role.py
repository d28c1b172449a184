"""End-to-end tests of `sts-proc --profile P` (AssumeRole) against moto with signature
checking on, consumed by the AWS CLI and boto3 as `credential_process`.

Contract (README, "Output"): success = one JSON credential document on stdout, exit 0.
Failure = empty stdout, exactly one stderr line `sts-proc: profile P: ...`, exit
1 (STS refused) / 2 (configuration) / 3 (STS unreachable or unusable answer)."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.parse
from datetime import datetime, timezone

import pytest

from e2e_servers import HTML_500_BODY
from e2e_support import (CHAIN_HOP_SESSION, Keys, assert_failure, caller_arn, sts_proc_bin,
                         parse_credentials, run_aws, run_boto3_caller_identity, run_sts_proc)

SESSION = CHAIN_HOP_SESSION  # "e2e-sess": ci-chain-role trusts ci-role sessions of this name
# Secret found inside the truncated XML answer: must not leak into the error line either.
TRUNCATED_SECRET = "FccknviZsD0XZ+qJQuJae470GUY1y0TszdD4jTOW"


def assumed_arn(moto, role: str, session: str) -> str:
    return f"arn:aws:sts::{moto.account_id}:assumed-role/{role}/{session}"


def form(req) -> dict:
    return {k: v[0] for k, v in urllib.parse.parse_qs(req.body.decode()).items()}


@pytest.fixture
def env(aws_env, moto_auth):
    """aws_env with [base] (ci-user's keys, credentials file) and the usual role profile p."""
    aws_env.credentials("base", moto_auth.user)
    aws_env.sts_proc_profile("p", moto_auth.role_arn, "base", session_name=SESSION)
    return aws_env


@pytest.fixture
def secrets(moto_auth):
    return [moto_auth.user.secret_access_key, moto_auth.nopriv.secret_access_key]


class Counter:
    """Requests of one action that reached a peer since this object was made."""

    def __init__(self, peer, action: str | None = "AssumeRole") -> None:
        self.peer, self.action = peer, action
        self.start = len(peer.requests())

    def new_requests(self):
        return [r for r in self.peer.requests()[self.start:]
                if self.action is None or r.action == self.action]

    @property
    def delta(self) -> int:
        return len(self.new_requests())


# =========================================================================== happy paths

def test_aws_cli_uses_sts_proc(env, moto_auth):
    assume = Counter(moto_auth, "AssumeRole")
    whoami = Counter(moto_auth, "GetCallerIdentity")
    res = run_aws(["sts", "get-caller-identity", "--profile", "p", "--output", "json"], env)
    assert res.rc == 0, res.stderr
    assert json.loads(res.stdout)["Arn"] == assumed_arn(moto_auth, "ci-role", SESSION)
    # Exactly one AssumeRole, signed with base's key and carrying the profile's settings;
    # the CLI's own call used the temporary key it returned.
    (ar,) = assume.new_requests()
    assert ar.access_key_id == moto_auth.user.access_key_id
    body = form(ar)
    assert body["RoleArn"] == moto_auth.role_arn
    assert body["RoleSessionName"] == SESSION
    assert body["Version"] == "2011-06-15"
    (gci,) = whoami.new_requests()
    assert gci.access_key_id.startswith("ASIA")
    assert gci.access_key_id != moto_auth.user.access_key_id


def test_boto3_uses_sts_proc(env, moto_auth):
    res = run_boto3_caller_identity("p", env, moto_auth.endpoint)
    assert res.rc == 0, res.stderr
    assert json.loads(res.stdout) == assumed_arn(moto_auth, "ci-role", SESSION)


def seconds_left(doc) -> float:
    exp = datetime.strptime(doc["Expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return (exp - datetime.now(timezone.utc)).total_seconds()


def test_output_document(env, moto_auth):
    res = run_sts_proc(["--profile", "p"], env)
    doc = parse_credentials(res)
    assert res.stderr == ""
    assert res.stdout.count("\n") <= 1 and res.stdout.strip().startswith("{")
    assert doc["AccessKeyId"].startswith("ASIA")
    assert doc["SecretAccessKey"] != moto_auth.user.secret_access_key
    # moto issues DurationSeconds (default 3600) from now.
    assert 3500 < seconds_left(doc) <= 3601, doc["Expiration"]
    assert caller_arn(doc, moto_auth.endpoint) == assumed_arn(moto_auth, "ci-role", SESSION)


def test_duration_seconds_is_passed(env, moto_auth):
    env.sts_proc_profile("short", moto_auth.role_arn, "base", session_name="short-sess",
                         duration_seconds="900")
    assume = Counter(moto_auth)
    doc = parse_credentials(run_sts_proc(["--profile", "short"], env))
    (ar,) = assume.new_requests()
    assert form(ar)["DurationSeconds"] == "900"
    assert 800 < seconds_left(doc) <= 901, doc["Expiration"]


def test_aws_profile_variable(env, moto_auth):
    env["AWS_PROFILE"] = "p"
    doc = parse_credentials(run_sts_proc([], env))
    assert caller_arn(doc, moto_auth.endpoint) == assumed_arn(moto_auth, "ci-role", SESSION)


def test_plain_keys_profile(env, moto_auth):
    # An ordinary role profile (the CLI would assume the role itself); --profile points at it.
    env.profile("plain", role_arn=moto_auth.role_arn, source_profile="base",
                role_session_name="plain-sess", region="us-east-1", sts_proc_cache="none")
    doc = parse_credentials(run_sts_proc(["--profile", "plain"], env))
    assert caller_arn(doc, moto_auth.endpoint) == assumed_arn(moto_auth, "ci-role", "plain-sess")


def test_prefixed_key_wins_over_plain_key(env, moto_auth):
    env.profile("both", sts_proc_role_arn=moto_auth.role_arn,
                role_arn=moto_auth.chain_role_arn, sts_proc_source_profile="base",
                sts_proc_role_session_name="pref-sess", role_session_name="plain-sess",
                sts_proc_cache="none", region="us-east-1")
    doc = parse_credentials(run_sts_proc(["--profile", "both"], env))
    assert caller_arn(doc, moto_auth.endpoint) == assumed_arn(moto_auth, "ci-role", "pref-sess")


def test_two_step_chain(env, moto_auth):
    env.sts_proc_profile("chain", moto_auth.chain_role_arn, "p", session_name="chain-sess")
    assume = Counter(moto_auth)
    res = run_aws(["sts", "get-caller-identity", "--profile", "chain", "--output", "json"], env)
    assert res.rc == 0, res.stderr
    assert json.loads(res.stdout)["Arn"] == assumed_arn(moto_auth, "ci-chain-role", "chain-sess")
    first, second = assume.new_requests()
    assert first.access_key_id == moto_auth.user.access_key_id
    assert form(first)["RoleArn"] == moto_auth.role_arn
    assert form(first)["RoleSessionName"] == SESSION
    assert second.access_key_id.startswith("ASIA")
    assert "X-Amz-Security-Token" in {k.title() for k in second.headers}
    assert form(second)["RoleArn"] == moto_auth.chain_role_arn
    assert form(second)["RoleSessionName"] == "chain-sess"


def test_source_keys_in_config_file(aws_env, moto_auth):
    aws_env.profile("base", aws_access_key_id=moto_auth.user.access_key_id,
                    aws_secret_access_key=moto_auth.user.secret_access_key)
    aws_env.sts_proc_profile("p", moto_auth.role_arn, "base", session_name="cfg-sess")
    assert aws_env.credentials_path.read_text() == ""
    doc = parse_credentials(run_sts_proc(["--profile", "p"], aws_env))
    assert caller_arn(doc, moto_auth.endpoint) == assumed_arn(moto_auth, "ci-role", "cfg-sess")


def test_services_section_endpoint(aws_env, moto_auth):
    del aws_env["AWS_ENDPOINT_URL_STS"]
    aws_env.credentials("base", moto_auth.user)
    aws_env.sts_proc_profile("p", moto_auth.role_arn, "base", session_name="svc-sess",
                             services="local-moto")
    aws_env.append_config(f"[services local-moto]\nsts =\n  endpoint_url = {moto_auth.endpoint}\n")
    assume = Counter(moto_auth)
    res = run_aws(["sts", "get-caller-identity", "--profile", "p", "--output", "json"], aws_env)
    assert res.rc == 0, res.stderr
    assert json.loads(res.stdout)["Arn"] == assumed_arn(moto_auth, "ci-role", "svc-sess")
    assert assume.delta == 1


def test_external_id_is_passed(env, moto_auth):
    env.sts_proc_profile("ext", moto_auth.extid_role_arn, "base", session_name="ext-sess",
                         external_id=moto_auth.external_id)
    assume = Counter(moto_auth)
    doc = parse_credentials(run_sts_proc(["--profile", "ext"], env))
    (ar,) = assume.new_requests()
    assert form(ar)["ExternalId"] == moto_auth.external_id
    assert caller_arn(doc, moto_auth.endpoint) == assumed_arn(moto_auth, "ci-extid-role", "ext-sess")


def test_retry_after_one_5xx_then_success(env, moto_auth):
    assume = Counter(moto_auth)
    with moto_auth.injected(500, HTML_500_BODY, content_type="text/html"):
        parse_credentials(run_sts_proc(["--profile", "p"], env))
    assert assume.delta == 2  # the injected 500, then the real answer


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help(flag, aws_env):
    res = run_sts_proc([flag], aws_env)
    assert res.rc == 0, res.stderr
    assert res.stdout.strip()
    if flag == "--help":
        assert "--profile" in res.stdout
    else:
        assert len(res.stdout.strip().splitlines()) == 1


# =========================================================================== bad configuration
# Every configuration error: rc 2, one stderr line, no request reaches STS.

def config_failure(env, moto, profile, contains, args=None):
    sts = Counter(moto, None)
    res = run_sts_proc(args if args is not None else ["--profile", profile], env)
    line = assert_failure(res, profile, 2, contains, secrets=[moto.user.secret_access_key])
    assert sts.delta == 0, f"a configuration error still called STS: {line}"
    return line


def test_unknown_profile(env, moto_auth):
    config_failure(env, moto_auth, "nosuch", ["nosuch", "not found"])


def test_missing_config_file(env, moto_auth):
    missing = env.home / "no-such-dir" / "config"
    env["AWS_CONFIG_FILE"] = str(missing)
    config_failure(env, moto_auth, "p", [str(missing)])


def test_config_path_is_a_directory(env, moto_auth):
    env["AWS_CONFIG_FILE"] = str(env.home)
    config_failure(env, moto_auth, "p", ["cannot read", str(env.home)])


def test_malformed_ini(aws_env, moto_auth):
    aws_env.credentials("base", moto_auth.user)
    aws_env.append_config("[profile p]\nregion = us-east-1\nthis line has no delimiter\n"
                          f"sts_proc_role_arn = {moto_auth.role_arn}\n")
    config_failure(aws_env, moto_auth, "p", ["line 3", str(aws_env.config_path)])


@pytest.mark.parametrize("arn", ["not-an-arn", "ci-role"])
def test_invalid_role_arn(env, moto_auth, arn):
    env.sts_proc_profile("bad", arn, "base")
    config_failure(env, moto_auth, "bad", ["role_arn"])


@pytest.mark.parametrize("seconds", ["60", "899", "43201", "50000", "one-hour"])
def test_duration_out_of_range(env, moto_auth, seconds):
    env.sts_proc_profile("bad", moto_auth.role_arn, "base", duration_seconds=seconds)
    config_failure(env, moto_auth, "bad", ["duration_seconds"])


@pytest.mark.parametrize("name", ["x", "has space", "slash/name", "n" * 65])
def test_invalid_session_name(env, moto_auth, name):
    env.sts_proc_profile("bad", moto_auth.role_arn, "base", session_name=name)
    config_failure(env, moto_auth, "bad", ["role_session_name"])


def test_source_profile_cycle(env, moto_auth):
    env.sts_proc_profile("a", moto_auth.role_arn, "b")
    env.sts_proc_profile("b", moto_auth.role_arn, "a")
    config_failure(env, moto_auth, "a", ["cycle"])


def test_source_profile_without_keys(env, moto_auth):
    env.profile("empty", region="us-east-1")
    env.sts_proc_profile("bad", moto_auth.role_arn, "empty")
    config_failure(env, moto_auth, "bad", ["empty"])


def test_source_profile_and_credential_source(env, moto_auth):
    env.sts_proc_profile("bad", moto_auth.role_arn, "base", credential_source="Environment")
    config_failure(env, moto_auth, "bad", ["source_profile", "credential_source"])


# =========================================================================== STS refuses
# rc 1, the STS code and message in the line, exactly one request (no retry on auth errors).

def refused(env, moto, keys: Keys, contains, secrets):
    env.credentials("base", keys)
    env.sts_proc_profile("p", moto.role_arn, "base", session_name=SESSION)
    assume = Counter(moto)
    res = run_sts_proc(["--profile", "p"], env)
    assert_failure(res, "p", 1, contains, secrets=secrets + [keys.secret_access_key])
    assert assume.delta == 1


def test_access_denied(aws_env, moto_auth, secrets):
    refused(aws_env, moto_auth, moto_auth.nopriv,
            ["AccessDenied", "is not authorized to perform: sts:AssumeRole"], secrets)


def test_signature_does_not_match(aws_env, moto_auth, secrets):
    u = moto_auth.user
    wrong = Keys(u.user_name, u.arn, u.access_key_id, u.secret_access_key[:-6] + "WRONG0")
    refused(aws_env, moto_auth, wrong, ["SignatureDoesNotMatch"], secrets)


def test_invalid_client_token_id(aws_env, moto_auth, secrets):
    u = moto_auth.user
    unknown = Keys("ghost", "-", "AKIAE2EUNKNOWNKEY000", u.secret_access_key)
    refused(aws_env, moto_auth, unknown, ["InvalidClientTokenId"], secrets)


# =========================================================================== STS unusable
# rc 3 within a bounded time.

def unusable(env, endpoint: str, contains=(), secrets=(), max_seconds=10.0):
    env["AWS_ENDPOINT_URL_STS"] = endpoint
    res = run_sts_proc(["--profile", "p"], env)
    return assert_failure(res, "p", 3, contains, secrets=list(secrets), max_seconds=max_seconds)


def test_endpoint_answers_html_500(env, html500_server, secrets):
    hits = Counter(html500_server, None)
    unusable(env, html500_server.url, ["500"], secrets)
    assert hits.delta == 3  # max_attempts defaults to 3, and 5xx is retried


def test_max_attempts_one(env, moto_auth, html500_server, secrets):
    env.sts_proc_profile("once", moto_auth.role_arn, "base", session_name=SESSION,
                         max_attempts="1")
    env["AWS_ENDPOINT_URL_STS"] = html500_server.url
    hits = Counter(html500_server, None)
    assert_failure(run_sts_proc(["--profile", "once"], env), "once", 3, ["500"], secrets)
    assert hits.delta == 1


def test_endpoint_answers_garbage(env, garbage_server, secrets):
    hits = Counter(garbage_server, None)
    unusable(env, garbage_server.url, ["a body that is not XML"], secrets)
    assert hits.delta == 1  # an unreadable 200 is not retried


def test_endpoint_answers_truncated_xml(env, truncated_xml_server, secrets):
    hits = Counter(truncated_xml_server, None)
    unusable(env, truncated_xml_server.url, ["malformed or truncated XML"], secrets + [TRUNCATED_SECRET])
    assert hits.delta == 1


def test_connection_refused(env, refusing_port, secrets):
    unusable(env, refusing_port.url, ["cannot connect"], secrets, max_seconds=10)


def test_session_token_with_a_line_break_is_refused_before_sending(aws_env, moto_auth, secrets):
    # A token continued over two lines of the credentials file would otherwise start a
    # request header of its own.
    u = moto_auth.user
    aws_env.append_credentials(f"[base]\naws_access_key_id = {u.access_key_id}\n"
                               f"aws_secret_access_key = {u.secret_access_key}\n"
                               "aws_session_token = FwoGZXIvYXdzEPART1\n    PART2\n")
    aws_env.sts_proc_profile("p", moto_auth.role_arn, "base", session_name=SESSION)
    sent = Counter(moto_auth, None)
    res = run_sts_proc(["--profile", "p"], aws_env)
    # Refused as a pasted key that no credential holds (exit 2), before any request.
    assert_failure(res, "p", 2, ["unusable keys in profile base", "line break"],
                   secrets=secrets + ["FwoGZXIvYXdzEPART1", "PART2"])
    assert sent.delta == 0


def test_tls_unknown_ca(env, tls_moto, secrets):
    hits = Counter(tls_moto, None)
    unusable(env, tls_moto.url, ["ca_bundle"], secrets)
    assert hits.delta == 0  # the handshake failed; no request was made


def test_tls_with_ca_bundle(env, tls_moto, moto_auth):
    env.sts_proc_profile("tls", moto_auth.role_arn, "base", session_name="tls-sess",
                         ca_bundle=tls_moto.cert_path)
    env["AWS_ENDPOINT_URL_STS"] = tls_moto.url
    assume = Counter(tls_moto)
    doc = parse_credentials(run_sts_proc(["--profile", "tls"], env))
    assert assume.delta == 1
    assert caller_arn(doc, moto_auth.endpoint) == assumed_arn(moto_auth, "ci-role", "tls-sess")


def test_tls_with_aws_ca_bundle_variable(env, tls_moto, moto_auth):
    env["AWS_ENDPOINT_URL_STS"] = tls_moto.url
    env["AWS_CA_BUNDLE"] = tls_moto.cert_path
    assume = Counter(tls_moto)
    doc = parse_credentials(run_sts_proc(["--profile", "p"], env))
    assert assume.delta == 1
    assert caller_arn(doc, moto_auth.endpoint) == assumed_arn(moto_auth, "ci-role", SESSION)


def test_fast_path_forms_match_the_parsed_command(env, moto_auth):
    """`--profile NAME` and `--profile=NAME` skip the argument parser; `credentials
    --profile NAME` goes through it. All three must behave the same, errors included."""
    outputs = [run_sts_proc(args, env) for args in (["--profile", "p"], ["--profile=p"], ["credentials", "--profile", "p"])]
    for res in outputs:
        parse_credentials(res)
    for args in (["--profile", "nope"], ["--profile=nope"], ["credentials", "--profile", "nope"]):
        assert_failure(run_sts_proc(args, env), "nope", 2, contains=["not found"])
    # Anything else is the parser's: a flag where the name should be is a usage error.
    res = run_sts_proc(["--profile", "--refresh"], env)
    assert res.rc == 64 and res.stdout == ""


def test_one_deadline_bounds_the_whole_run_against_a_silent_sts(aws_env, moto_auth):
    """An STS that accepts the connection and never answers: the run ends at its deadline
    (sts_proc_timeout, here 5 s) with one line, however many attempts and waiters."""
    aws_env.credentials("base", moto_auth.user)
    aws_env.sts_proc_profile("p", moto_auth.role_arn, "base", session_name=SESSION, cache=None,
                             sts_proc_timeout="5", max_attempts="10")
    moto_auth.hold(30, times=50)
    try:
        started = time.monotonic()
        processes = [subprocess.Popen([sts_proc_bin(), "--profile", "p"], env=aws_env, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
        results = [(p.communicate(timeout=30), p.returncode) for p in processes]
        elapsed = time.monotonic() - started
        # The AWS CLI shows the same line.
        cli = run_aws(["sts", "get-caller-identity", "--profile", "p"], aws_env)
    finally:
        moto_auth.clear_injections()
    assert elapsed < 9, f"the callers took {elapsed:.1f} s against a 5 s deadline"
    for (out, err), rc in results:
        assert rc == 3 and out == "", err
        assert len(err.splitlines()) == 1, err
        assert "gave up at the run's deadline of 5 s" in err, err
    assert cli.rc != 0 and "deadline" in cli.stderr, cli.stderr


def test_without_a_named_profile_the_document_is_refused_not_defaults(env, moto_auth):
    """A credential_process line without --profile under [profile p] must not print
    [default]'s credentials: the SDK never says which profile it resolves."""
    env.credentials("default", moto_auth.user)
    env.pop("AWS_PROFILE", None)
    counter = Counter(moto_auth)
    res = run_sts_proc([], env)
    assert res.rc == 2 and res.stdout == "" and res.stderr.count("\n") == 1
    assert "no profile named" in res.stderr and "--profile NAME" in res.stderr
    assert counter.delta == 0
    # The commands a person reads still fall back to default, as the AWS CLI does.
    assert run_sts_proc(["env"], env).rc == 0


def test_bare_sts_proc_at_a_terminal_shows_the_usage(env):
    import pexpect
    child = pexpect.spawn(sts_proc_bin(), [], env=dict(env), encoding="utf-8", timeout=20)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "USAGE:" in child.before and "SUBCOMMANDS" in child.before and "not found" not in child.before
