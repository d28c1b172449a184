"""End-to-end tests of long-term keys kept in the keyring: keys add (stdin, JSON, the
terminal), import, list, remove; every flow using them; their separation from the cache;
and the failures (keys on the command line, malformed or rejected keys, a locked keyring)."""

from __future__ import annotations

import configparser
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import keyring_control
from e2e_support import CHAIN_HOP_SESSION, assert_failure, parse_credentials, run_sts_proc
from test_assume_role import Counter, assumed_arn

pytestmark = pytest.mark.usefixtures("empty_keyring")


@pytest.fixture
def keys_env(aws_env, moto_auth):
    """Profile p: ci-role with the keys of `base`, which no file holds."""
    aws_env.sts_proc_profile("p", moto_auth.role_arn, "base", session_name=CHAIN_HOP_SESSION)
    yield aws_env
    run_sts_proc(["keys", "remove", "--profile", "base"], aws_env)


def add(env, text: str, *extra) -> "Result":  # noqa: F821
    return run_sts_proc(["keys", "add", "--profile", "base", "--stdin", *extra], env, stdin_data=text)


def cli_arn(env, profile: str = "p") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "awscli", "sts", "get-caller-identity", "--profile", profile,
                           "--query", "Arn", "--output", "text"], env=dict(env, AWS_DEFAULT_REGION="us-east-1"),
                          capture_output=True, text=True, timeout=60)


def test_a_role_through_keys_that_live_only_in_the_keyring(keys_env, moto_auth):
    user = moto_auth.user
    res = add(keys_env, f"{user.access_key_id}\n{user.secret_access_key}\n")
    assert res.rc == 0, res.stderr
    assert f"for profile base in the keyring (it is {user.arn})" in res.stdout
    assert user.secret_access_key not in res.stdout + res.stderr
    # No file holds the secret, yet the AWS CLI gets the role through sts-proc.
    for path in (keys_env.credentials_path, keys_env.config_path):
        assert user.secret_access_key not in path.read_text()
    res = cli_arn(keys_env)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == assumed_arn(moto_auth, "ci-role", CHAIN_HOP_SESSION)
    # whoami and env of the key's own profile use it too.
    env_out = run_sts_proc(["env", "--profile", "base", "--format", "json"], keys_env)
    assert json.loads(env_out.stdout)["AWS_ACCESS_KEY_ID"] == user.access_key_id
    listing = run_sts_proc(["keys", "list"], keys_env)
    assert listing.rc == 0 and listing.stdout.startswith(f"base\t{user.access_key_id[:4]}…{user.access_key_id[-4:]}\t")
    assert user.secret_access_key not in listing.stdout
    items = [i for i in keyring_control.secret_tool_items(keys_env) if i.get("attribute.kind") == "access-key"]
    assert len(items) == 1, items
    assert items[0]["attribute.profile"] == "base" and items[0]["attribute.access_key_id"] == user.access_key_id
    assert items[0]["label"].startswith("sts-proc: access key of base (")


def test_the_json_of_create_access_key_is_read_and_cache_clear_keeps_the_key(keys_env, moto_auth):
    user = moto_auth.user
    document = {"AccessKey": {"UserName": "ci-user", "AccessKeyId": user.access_key_id, "Status": "Active",
                              "SecretAccessKey": user.secret_access_key, "CreateDate": "2026-11-30T00:00:00Z"}}
    assert add(keys_env, json.dumps(document)).rc == 0
    parse_credentials(run_sts_proc(["--profile", "p"], keys_env))
    assert run_sts_proc(["cache", "clear"], keys_env).rc == 0
    assert "base\t" in run_sts_proc(["keys", "list"], keys_env).stdout, "cache clear removed a stored key"
    assert run_sts_proc(["keys", "remove", "--profile", "base"], keys_env).rc == 0
    res = run_sts_proc(["--profile", "p"], keys_env)
    assert_failure(res, "p", 2, contains=["source_profile not found", "sts-proc keys add --profile base"])


def test_the_terminal_prompt_does_not_echo_the_secret(keys_env, moto_auth):
    import pexpect
    user = moto_auth.user
    child = pexpect.spawn(os.environ["STS_PROC_BIN"], ["keys", "add", "--profile", "base"], env=keys_env,
                          encoding="utf-8", timeout=30)
    child.expect("Access key ID: ")
    child.sendline(user.access_key_id)
    child.expect("Secret access key: ")
    child.sendline(user.secret_access_key)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert user.secret_access_key not in (child.before or ""), "the secret was echoed"
    assert "stored" in child.before


@pytest.mark.parametrize("arguments", [["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG"],
                                       ["--secret-access-key", "wJalrXUtnFEMI/K7MDENG"]])
def test_keys_on_the_command_line_are_refused_without_being_repeated(keys_env, arguments):
    res = run_sts_proc(["keys", "add", "--profile", "base", *arguments], keys_env)
    assert res.rc == 64 and res.stdout == ""
    assert "never taken from the command line" in res.stderr
    assert "wJalrXUtnFEMI" not in res.stderr


@pytest.mark.parametrize("text,needle,code", [
    ("only-one-line\n", "not the key ID and the secret", 2),
    ("AKIAIOSFODNN7EXAMPLE\nsecret with space\n", "not an access key", 2),
    ("ASIAIOSFODNN7EXAMPLE\nsecret\n", "not a long-term access key", 2),
    ('{"AccessKey": {}}', "unreadable key input", 2),
])
def test_malformed_keys_are_refused_and_nothing_is_stored(keys_env, text, needle, code):
    res = add(keys_env, text)
    assert_failure(res, "base", code, contains=[needle], secrets=["secret with space"])
    assert "base\t" not in run_sts_proc(["keys", "list"], keys_env).stdout


def test_keys_sts_rejects_are_not_stored(keys_env, moto_auth):
    res = add(keys_env, f"{moto_auth.user.access_key_id}\nnot-the-secret-at-all\n")
    assert_failure(res, "base", 1, contains=["the key was not stored", "SignatureDoesNotMatch"],
                   secrets=["not-the-secret-at-all"])
    assert "base\t" not in run_sts_proc(["keys", "list"], keys_env).stdout


def test_add_refuses_a_profile_with_keys_in_a_file(keys_env, moto_auth):
    keys_env.credentials("base", moto_auth.user)
    res = add(keys_env, f"{moto_auth.user.access_key_id}\n{moto_auth.user.secret_access_key}\n")
    assert_failure(res, "base", 2, contains=["already has keys", "sts-proc keys import --profile base"],
                   secrets=[moto_auth.user.secret_access_key])


def test_import_moves_the_keys_out_of_the_file(keys_env, moto_auth):
    user = moto_auth.user
    keys_env.append_credentials("# my work keys\n[other]\naws_access_key_id = ASIAOTHEREXAMPLE0001\n"
                                "aws_secret_access_key = o\naws_session_token = t\n")
    keys_env.credentials("base", user, region="eu-west-1")
    before = keys_env.credentials_path.read_text()
    res = run_sts_proc(["keys", "import", "--all"], keys_env)
    assert res.rc == 0, res.stderr
    assert "of profile base to the keyring" in res.stdout and "other" not in res.stdout  # temporary keys stay
    text = keys_env.credentials_path.read_text()
    assert user.secret_access_key not in text and user.access_key_id not in text
    assert text.startswith("# my work keys\n[other]\n"), "other sections must stay as they were"
    parser = configparser.RawConfigParser()
    parser.read(keys_env.credentials_path)
    assert dict(parser.items("base")) == {"region": "eu-west-1"}
    backup = Path(str(keys_env.credentials_path) + ".bak")
    assert backup.read_text() == before and stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert str(backup) in res.stdout and "delete it" in res.stdout
    res = cli_arn(keys_env)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == assumed_arn(moto_auth, "ci-role", CHAIN_HOP_SESSION)


def test_import_of_a_section_that_does_not_exist(keys_env):
    before = keys_env.credentials_path.read_text()
    assert_failure(run_sts_proc(["keys", "import", "--profile", "nope"], keys_env), "nope", 2, contains=["no [nope] section"])
    assert keys_env.credentials_path.read_text() == before


def test_a_locked_keyring_fails_at_once_saying_to_unlock_it(keys_env, moto_auth):
    user = moto_auth.user
    assert add(keys_env, f"{user.access_key_id}\n{user.secret_access_key}\n").rc == 0
    keyring_control.lock_default_collection()
    try:
        counter = Counter(moto_auth, None)
        res = run_sts_proc(["--profile", "p"], keys_env)
        assert_failure(res, "p", 2, contains=["locked keyring", "Unlock it"], secrets=[user.secret_access_key])
        assert counter.delta == 0
    finally:
        keyring_control.unlock_default_collection()


def test_doctor_says_where_keys_come_from(keys_env, moto_auth):
    user = moto_auth.user
    res = run_sts_proc(["doctor", "--profile", "p"], keys_env)
    assert "PROBLEM [no-keys]" in res.stdout + res.stderr
    assert add(keys_env, f"{user.access_key_id}\n{user.secret_access_key}\n").rc == 0
    out = run_sts_proc(["doctor", "--profile", "p"], keys_env)
    assert "in the keyring, created" in out.stdout, out.stdout
    keys_env.credentials("base", user)
    out = run_sts_proc(["doctor", "--profile", "p"], keys_env)
    assert "PROBLEM [keys-in-two-places]" in out.stdout + out.stderr


def make_rotator(moto_auth, actions: list[str]):
    """An IAM user of its own (a rotate deletes keys) allowed `actions`; returns its name,
    key ID and secret, a function listing its keys in IAM, and one that changes its policy."""
    import secrets

    import boto3
    server = moto_auth.server
    name = "rotator-" + secrets.token_hex(4)
    iam = boto3.client("iam", endpoint_url=server.direct_url, region_name="us-east-1",
                       aws_access_key_id="setup", aws_secret_access_key="setup")

    def as_admin(call):
        server.set_auth(False)
        try:
            return call()
        finally:
            server.set_auth(True)

    def allow(allowed: list[str]) -> None:
        as_admin(lambda: iam.put_user_policy(UserName=name, PolicyName="self", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": allowed, "Resource": "*"}]})))

    as_admin(lambda: iam.create_user(UserName=name))
    allow(actions)
    key = as_admin(lambda: iam.create_access_key(UserName=name))["AccessKey"]
    keys_in_iam = lambda: [k["AccessKeyId"] for k in as_admin(lambda: iam.list_access_keys(UserName=name))["AccessKeyMetadata"]]  # noqa: E731
    return name, key["AccessKeyId"], key["SecretAccessKey"], keys_in_iam, allow


@pytest.fixture
def rotator(moto_auth):
    return make_rotator(moto_auth, ["iam:*AccessKey*", "sts:GetCallerIdentity"])[:4]


def test_rotate_leaves_exactly_one_working_key(keys_env, moto_auth, rotator):
    name, old_id, old_secret, keys_in_iam = rotator
    keys_env["AWS_ENDPOINT_URL_IAM"] = moto_auth.endpoint
    keys_env.profile("base", region="us-east-1")
    assert add(keys_env, f"{old_id}\n{old_secret}\n").rc == 0
    res = run_sts_proc(["keys", "rotate", "--profile", "base"], keys_env, timeout=60)
    assert res.rc == 0, res.stderr
    assert old_secret not in res.stdout + res.stderr
    in_iam = keys_in_iam()
    assert len(in_iam) == 1 and in_iam[0] != old_id
    listing = run_sts_proc(["keys", "list"], keys_env).stdout
    assert f"{in_iam[0][:4]}…{in_iam[0][-4:]}" in listing
    whoami = run_sts_proc(["whoami", "--profile", "base"], keys_env)
    assert whoami.rc == 0 and name in whoami.stdout, whoami.stderr
    # The old key no longer works.
    old = subprocess.run([sys.executable, "-m", "awscli", "sts", "get-caller-identity"], capture_output=True, text=True,
                         timeout=60, env=dict(keys_env, AWS_ACCESS_KEY_ID=old_id, AWS_SECRET_ACCESS_KEY=old_secret,
                                              AWS_DEFAULT_REGION="us-east-1", AWS_PROFILE=""))
    assert old.returncode != 0


def test_rotate_without_iam_permission_keeps_the_working_key(keys_env, moto_auth):
    user = moto_auth.user  # may call STS, not IAM
    keys_env["AWS_ENDPOINT_URL_IAM"] = moto_auth.endpoint
    assert add(keys_env, f"{user.access_key_id}\n{user.secret_access_key}\n").rc == 0
    res = run_sts_proc(["keys", "rotate", "--profile", "base"], keys_env, timeout=60)
    assert_failure(res, "base", 1, contains=["CreateAccessKey failed"], secrets=[user.secret_access_key], max_seconds=30)
    assert f"{user.access_key_id[:4]}…" in run_sts_proc(["keys", "list"], keys_env).stdout
    assert parse_credentials(run_sts_proc(["--profile", "p"], keys_env))["AccessKeyId"]


def test_without_a_secret_service_add_fails_with_one_line_and_stores_nothing(keys_env, moto_auth):
    user = moto_auth.user
    no_bus = {k: v for k, v in keys_env.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    res = run_sts_proc(["keys", "add", "--profile", "base", "--stdin"], no_bus,
                       stdin_data=f"{user.access_key_id}\n{user.secret_access_key}\n")
    assert_failure(res, "base", 2, contains=["cannot store the key", "Secret Service"], secrets=[user.secret_access_key])
    res = run_sts_proc(["--profile", "p"], no_bus)
    assert_failure(res, "p", 2, contains=["source_profile not found", "the keyring could not be asked"])


def test_no_secret_reaches_the_command_line_of_a_process_sts_proc_starts(keys_env, moto_auth, tmp_path):
    """An MFA helper started by sts-proc records every command line on the machine while
    sts-proc holds the key from the keyring."""
    user = moto_auth.user
    assert add(keys_env, f"{user.access_key_id}\n{user.secret_access_key}\n").rc == 0
    seen = tmp_path / "cmdlines"
    helper = tmp_path / "mfa-helper"
    helper.write_text(f"#!/bin/sh\ncat /proc/[0-9]*/cmdline > {seen} 2>/dev/null\necho 123456\n")
    helper.chmod(0o700)
    keys_env.profile("m", credential_process=keys_env.credential_process_line("m"), sts_proc_mfa_serial=
                     "arn:aws:iam::123456789012:mfa/ci-user", sts_proc_mfa_process=str(helper), sts_proc_source_profile="base",
                     sts_proc_role_arn=moto_auth.role_arn, sts_proc_cache="none", region="us-east-1")
    res = run_sts_proc(["--profile", "m"], keys_env)  # moto may refuse the MFA session; the helper ran either way
    assert seen.exists(), res.stderr
    recorded = seen.read_bytes()
    assert b"sts-proc" in recorded
    assert user.secret_access_key.encode() not in recorded
    assert user.secret_access_key not in res.stdout + res.stderr


def test_a_rotate_that_could_not_delete_the_old_key_is_finished_by_the_next(keys_env, moto_auth):
    """Never lose a working key: the old key stays recorded when IAM refuses to delete it,
    and the next rotate deletes it first; the user ends with one key, stored."""
    name, old_id, old_secret, keys_in_iam, allow = make_rotator(
        moto_auth, ["iam:CreateAccessKey", "iam:ListAccessKeys", "sts:GetCallerIdentity"])
    keys_env["AWS_ENDPOINT_URL_IAM"] = moto_auth.endpoint
    keys_env.profile("base", region="us-east-1")
    assert add(keys_env, f"{old_id}\n{old_secret}\n").rc == 0
    first = run_sts_proc(["keys", "rotate", "--profile", "base"], keys_env, timeout=90)
    assert first.rc == 1 and "was not deleted" in first.stderr and "run sts-proc keys rotate" in first.stderr.lower()
    assert len(keys_in_iam()) == 2
    whoami = run_sts_proc(["whoami", "--profile", "base"], keys_env)
    assert whoami.rc == 0 and name in whoami.stdout, "the stored (new) key must work"
    allow(["iam:*AccessKey*", "sts:GetCallerIdentity"])
    second = run_sts_proc(["keys", "rotate", "--profile", "base"], keys_env, timeout=90)
    assert second.rc == 0, second.stderr
    in_iam = keys_in_iam()
    assert len(in_iam) == 1 and old_id not in in_iam
    assert f"{in_iam[0][:4]}…{in_iam[0][-4:]}" in run_sts_proc(["keys", "list"], keys_env).stdout


def test_ctrl_z_at_the_secret_prompt_gives_the_shell_its_echo_back(keys_env, moto_auth):
    """dash does not reset the terminal when a job stops: without the SIGTSTP handling the
    shell was left without echo, and after `fg` the secret prompt must not echo again."""
    import pexpect
    import shutil
    if shutil.which("dash") is None:
        pytest.skip("dash is not installed")
    user = moto_auth.user
    shell = pexpect.spawn("dash", ["-i"], env=dict(keys_env, PS1="$ "), encoding="utf-8", timeout=30)
    shell.expect_exact("$ ")
    shell.sendline(f'"{os.environ["STS_PROC_BIN"]}" keys add --profile base')
    shell.expect("Access key ID: ")
    shell.sendline(user.access_key_id)
    shell.expect("Secret access key: ")
    shell.sendcontrol("z")
    shell.expect_exact("$ ")
    # The marker's text differs from the command's, which the terminal may echo.
    shell.sendline("stty -a | tr ' ' '\\n' | grep -x -e echo -e -echo; echo mark-$((40+2))")
    shell.expect_exact("mark-42")
    modes = [line.strip() for line in shell.before.splitlines()]
    assert "echo" in modes and "-echo" not in modes, shell.before
    shell.expect_exact("$ ")
    shell.sendline("fg")
    shell.expect("keys add")  # dash names the job it continues
    shell.sendline(user.secret_access_key)
    shell.expect("stored")
    assert user.secret_access_key not in shell.before, "the secret was echoed after fg"
    shell.expect_exact("$ ")
    shell.sendline("exit")
    shell.expect(pexpect.EOF)
