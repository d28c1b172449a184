"""End-to-end tests of a source profile whose base keys come from its own
credential_process (aws-vault, a password manager), as botocore resolves it."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

import pytest

from e2e_support import CHAIN_HOP_SESSION, assert_failure, parse_credentials, run_sts_proc
from test_assume_role import Counter, assumed_arn

pytestmark = pytest.mark.usefixtures("empty_keyring")


def helper(tmp_path, document: dict | str, exit_code: int = 0, stderr: str = "") -> str:
    """A stand-in for `aws-vault export --format=json base`: prints `document`."""
    script = tmp_path / "keys-helper"
    body = document if isinstance(document, str) else json.dumps(document)
    script.write_text(f"#!/bin/sh\nprintf '%s' {shlex.quote(body)}\n"
                      + (f"echo {shlex.quote(stderr)} >&2\n" if stderr else "") + f"exit {exit_code}\n")
    script.chmod(0o700)
    return str(script)


def test_the_aws_cli_assumes_the_role_with_keys_from_the_source_process(aws_env, moto_auth, tmp_path):
    keys = {"Version": 1, "AccessKeyId": moto_auth.user.access_key_id, "SecretAccessKey": moto_auth.user.secret_access_key}
    aws_env.profile("base", credential_process=helper(tmp_path, keys))
    aws_env.sts_proc_profile("p", moto_auth.role_arn, "base", session_name=CHAIN_HOP_SESSION)
    counter = Counter(moto_auth)
    res = subprocess.run([sys.executable, "-m", "awscli", "sts", "get-caller-identity", "--profile", "p", "--query", "Arn",
                          "--output", "text"], env=dict(aws_env, AWS_DEFAULT_REGION="us-east-1"),
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == assumed_arn(moto_auth, "ci-role", CHAIN_HOP_SESSION)
    assert counter.delta == 1
    # botocore agrees: its own assume-role provider with a plain role profile.
    aws_env.profile("plain", role_arn=moto_auth.role_arn, source_profile="base", role_session_name=CHAIN_HOP_SESSION,
                    region="us-east-1")
    res = subprocess.run([sys.executable, "-m", "awscli", "sts", "get-caller-identity", "--profile", "plain", "--query",
                          "Arn", "--output", "text"], env=aws_env, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and res.stdout.strip() == assumed_arn(moto_auth, "ci-role", CHAIN_HOP_SESSION)


@pytest.mark.parametrize("case", ["fails", "version-2", "not-json", "line-break"])
def test_a_failing_or_unusable_source_process_is_one_clear_line(aws_env, moto_auth, tmp_path, case):
    secret = moto_auth.user.secret_access_key
    document, code, stderr = {
        "fails": ({}, 3, "vault is locked"),
        "version-2": ({"Version": 2, "AccessKeyId": "AKIA1", "SecretAccessKey": secret}, 0, ""),
        "not-json": ("Enter passphrase:", 0, ""),
        "line-break": ({"Version": 1, "AccessKeyId": "AKIA1", "SecretAccessKey": secret + "\n[default]"}, 0, ""),
    }[case]
    aws_env.profile("base", credential_process=helper(tmp_path, document, code, stderr))
    aws_env.sts_proc_profile("p", moto_auth.role_arn, "base")
    counter = Counter(moto_auth, None)
    line = assert_failure(run_sts_proc(["--profile", "p"], aws_env), "p", 2,
                          contains=["credential_process of source profile base"], secrets=[secret])
    if case == "fails":
        assert "vault is locked" in line
    assert counter.delta == 0


def test_a_source_process_that_calls_back_into_the_chain_is_a_cycle(aws_env, moto_auth):
    aws_env.profile("base", credential_process=aws_env.credential_process_line("p"))
    aws_env.sts_proc_profile("p", moto_auth.role_arn, "base")
    assert_failure(run_sts_proc(["--profile", "p"], aws_env), "p", 2, contains=["source_profile cycle", "p → base"])
