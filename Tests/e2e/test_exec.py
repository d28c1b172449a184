"""`sts-proc exec`: the command gets the profile's credentials from a loopback credential
endpoint (the ECS container protocol) answered through the cache, or, with --no-server,
as variables in a process that replaces sts-proc. Driven with boto3 and the AWS CLI as
the command, against moto with signature checks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pexpect
import pytest

from e2e_support import CHAIN_HOP_SESSION, assert_failure, run_sts_proc, sts_proc_bin
from test_assume_role import Counter, assumed_arn

pytestmark = pytest.mark.usefixtures("empty_keyring")

REGION = "eu-west-2"


@pytest.fixture
def env(aws_env, moto_auth):
    aws_env.credentials("base", moto_auth.user)
    aws_env.sts_proc_profile("p", moto_auth.role_arn, "base", session_name=CHAIN_HOP_SESSION, cache=None,
                             region=REGION)
    # What exec must take away: a profile the SDKs would use before the endpoint, and keys.
    aws_env["AWS_PROFILE"] = "p"
    aws_env["AWS_ACCESS_KEY_ID"] = "AKIASTALESTALESTALE0"
    aws_env["AWS_SECRET_ACCESS_KEY"] = "stale"
    return aws_env


def python_child(code: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(code)]


REPORT = """
    import boto3, json, os
    session = boto3.Session()
    credentials = session.get_credentials()
    identity = session.client("sts").get_caller_identity()
    print(json.dumps({"method": credentials.method, "arn": identity["Arn"],
                      "region": os.environ.get("AWS_REGION"), "default_region": os.environ.get("AWS_DEFAULT_REGION"),
                      "profile": os.environ.get("AWS_PROFILE"), "key": os.environ.get("AWS_ACCESS_KEY_ID"),
                      "uri": os.environ.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"), "pid": os.getpid()}))
"""


def run_exec(args: list[str], env: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sts_proc_bin(), "exec", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def test_boto3_in_the_command_uses_the_credential_endpoint(env, moto_auth):
    res = run_exec(["--profile", "p", "--", *python_child(REPORT)], env)
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert report["method"] == "container-role"
    assert report["arn"] == assumed_arn(moto_auth, "ci-role", CHAIN_HOP_SESSION)
    assert report["region"] == REGION and report["default_region"] == REGION
    assert report["profile"] is None and report["key"] is None
    assert report["uri"].startswith("http://127.0.0.1:")


def test_the_aws_cli_as_the_command(env, moto_auth):
    res = run_exec(["--profile", "p", "--", sys.executable, "-m", "awscli", "sts", "get-caller-identity",
                    "--output", "json"], env)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["Arn"] == assumed_arn(moto_auth, "ci-role", CHAIN_HOP_SESSION)


def test_the_endpoint_demands_the_token_and_answers_through_the_cache(env, moto_auth):
    """Each request is served through the cache: after `cache clear` the next request
    brings a new credential (as one nearing its expiry would be replaced)."""
    counter = Counter(moto_auth)
    code = f"""
        import json, os, subprocess, urllib.request, urllib.error
        uri = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        token = os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
        def get(headers):
            try:
                with urllib.request.urlopen(urllib.request.Request(uri, headers=headers), timeout=20) as r:
                    return r.status, json.loads(r.read())
            except urllib.error.HTTPError as e:
                return e.code, json.loads(e.read())
        out = {{"none": get({{}})[0], "wrong": get({{"Authorization": "x" * len(token)}})[0]}}
        out["first"] = get({{"Authorization": token}})
        out["again"] = get({{"Authorization": token}})
        subprocess.run([{sts_proc_bin()!r}, "cache", "clear"], check=True)
        out["fresh"] = get({{"Authorization": token}})
        print(json.dumps(out))
    """
    res = run_exec(["--profile", "p", "--", *python_child(code)], env)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["none"] == 401 and out["wrong"] == 403
    status, first = out["first"]
    assert status == 200 and set(first) == {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}
    assert out["again"] == out["first"]
    assert out["fresh"][0] == 200 and out["fresh"][1]["AccessKeyId"] != first["AccessKeyId"]
    assert counter.delta == 2  # the fetch before the command starts, and the one after the clear


def test_exit_status_and_death_by_signal_are_the_commands(env):
    assert run_exec(["--profile", "p", "--", "sh", "-c", "exit 7"], env).returncode == 7
    assert run_exec(["--profile", "p", "--", "sh", "-c", "kill -TERM $$"], env).returncode == -signal.SIGTERM


def test_signals_sent_to_sts_proc_reach_the_command(env, tmp_path):
    marker = tmp_path / "got"
    code = f"""
        import signal, sys, time
        def handler(number, frame):
            open({str(marker)!r}, "w").write(str(number))
            sys.exit(42)
        signal.signal(signal.SIGTERM, handler)
        print("ready", flush=True)
        time.sleep(30)
    """
    process = subprocess.Popen([sts_proc_bin(), "exec", "--profile", "p", "--", *python_child(code)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    assert process.stdout.readline().strip() == "ready"
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)
    assert process.returncode == 42
    assert marker.read_text() == str(int(signal.SIGTERM))


def test_ctrl_c_reaches_the_command_once(env, tmp_path):
    """The terminal sends Ctrl-C to the whole foreground group; passing it on as well would
    deliver it twice (terraform gives up its state on a second one)."""
    code = """
        import signal, sys, time
        count = 0
        def handler(number, frame):
            global count
            count += 1
        signal.signal(signal.SIGINT, handler)
        print("ready", flush=True)
        deadline = time.time() + 1.5
        while time.time() < deadline:
            time.sleep(0.05)
        print(f"interrupts={count}", flush=True)
    """
    child = pexpect.spawn(sts_proc_bin(), ["exec", "--profile", "p", "--", *python_child(code)], env=dict(env),
                          encoding="utf-8", timeout=20)
    child.expect("ready")
    child.sendintr()
    child.expect(r"interrupts=(\d+)")
    assert child.match.group(1) == "1"
    child.expect(pexpect.EOF)


def test_no_server_exports_variables_and_becomes_the_command(env, moto_auth):
    process = subprocess.Popen([sts_proc_bin(), "exec", "--no-server", "--profile", "p", "--",
                                *python_child(REPORT)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, stdin=subprocess.DEVNULL)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    report = json.loads(out)
    assert report["pid"] == process.pid, "the command should have replaced sts-proc"
    assert report["method"] == "env" and report["uri"] is None
    assert report["key"] != "AKIASTALESTALESTALE0"
    assert report["arn"] == assumed_arn(moto_auth, "ci-role", CHAIN_HOP_SESSION)
    assert report["region"] == REGION and report["profile"] is None


def test_nesting_is_refused_unless_asked(env):
    inner = dict(env, STS_PROC_EXEC_PROFILE="other")
    res = run_sts_proc(["exec", "--profile", "p", "--", "true"], inner)
    line = assert_failure(res, "p", 2, contains=["inside `sts-proc exec`", "--nested"])
    assert "other" in line
    assert run_exec(["--nested", "--profile", "p", "--", "true"], inner).returncode == 0


def test_a_missing_command_is_127_and_a_bad_profile_runs_nothing(env, tmp_path):
    res = run_exec(["--profile", "p", "--", "no-such-command-xyz"], env)
    assert res.returncode == 127 and "no-such-command-xyz" in res.stderr and res.stdout == ""
    marker = tmp_path / "ran"
    res = run_exec(["--profile", "nope", "--", "touch", str(marker)], env)
    assert res.returncode == 2 and not marker.exists()
    assert res.stderr.count("\n") == 1 and "nope" in res.stderr


def test_help_is_help_not_a_command(env):
    res = run_sts_proc(["exec", "--help"], env)
    assert res.rc == 0 and "USAGE: sts-proc exec" in res.stdout, res
