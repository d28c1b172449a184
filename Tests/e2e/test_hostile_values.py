"""End-to-end tests of what a hostile STS (or a hostile file) could do through sts-proc's
outputs: run code in the user's shell through `eval "$(sts-proc env)"`, or add sections to
the shared credentials file through `write`. Each was a real finding; each test fails on
the build before its fix."""

from __future__ import annotations

import configparser
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from e2e_support import CHAIN_HOP_SESSION, assert_failure, parse_credentials, run_sts_proc, sts_proc_bin
from test_assume_role import Counter
from test_cache import env  # noqa: F401  (fixture: profile p, ci-role from base, cached)

pytestmark = pytest.mark.usefixtures("empty_keyring")


def assume_role_answer(token: str, secret: str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY") -> bytes:
    return (
        '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>'
        "<Credentials><AccessKeyId>ASIAHOSTILEEXAMPLE01</AccessKeyId>"
        f"<SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}</SessionToken>"
        "<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>"
        "<AssumedRoleUser><AssumedRoleId>AROA:x</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/r/x</Arn>"
        "</AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>"
        "</AssumeRoleResponse>").encode()


# A quote plus a combining mark is one Swift Character: quoting by Characters left it bare.
SHELL_INJECTION = "x'\u0301; touch pwned; echo '\u0301"
# A line break in a value: `write` would have added a [default] section with these keys.
SECTION_INJECTION = "tok&#10;[default]&#10;aws_access_key_id = AKIAEVILEXAMPLE0001&#10;aws_secret_access_key = evil"


def test_a_token_that_would_run_code_in_the_shell_is_refused(env, moto_auth, tmp_path):
    workdir = tmp_path / "shell"
    workdir.mkdir()
    script = f'eval "$({shlex.quote(sts_proc_bin())} env --profile p)"'
    with moto_auth.injected(200, assume_role_answer(SHELL_INJECTION)):
        res = subprocess.run(["bash", "-c", script], env=env, cwd=workdir, capture_output=True, text=True, timeout=60,
                             stdin=subprocess.DEVNULL)
    assert not (workdir / "pwned").exists(), "the credential ran a command in the shell"
    assert res.stdout == ""
    assert "STS answered an unusable credential" in res.stderr and "session token holds a quote" in res.stderr
    assert "touch" not in res.stderr, "the token's text reached stderr"
    # Nothing was cached: the next call reaches STS and gets moto's credential.
    counter = Counter(moto_auth)
    assert parse_credentials(run_sts_proc(["--profile", "p"], env))["AccessKeyId"] != "ASIAHOSTILEEXAMPLE01"
    assert counter.delta == 1


@pytest.mark.parametrize("command", [["--profile", "p"], ["env", "--profile", "p"],
                                     ["env", "--profile", "p", "--format", "powershell"]])
def test_every_output_refuses_an_unusable_credential_with_exit_3(env, moto_auth, command):
    with moto_auth.injected(200, assume_role_answer(SHELL_INJECTION)):
        res = run_sts_proc(command, env)
    assert_failure(res, "p", 3, contains=["STS answered an unusable credential"], secrets=[SHELL_INJECTION, "pwned"])


def test_a_token_with_a_line_break_cannot_add_sections_to_the_credentials_file(env, moto_auth):
    before = env.credentials_path.read_bytes()
    with moto_auth.injected(200, assume_role_answer(SECTION_INJECTION)):
        res = run_sts_proc(["write", "--profile", "p", "--to", "ci-static"], env)
    assert_failure(res, "p", 3, contains=["unusable credential", "line break"], secrets=["AKIAEVILEXAMPLE0001"])
    assert env.credentials_path.read_bytes() == before
    assert not Path(str(env.credentials_path) + ".bak").exists()


@pytest.mark.parametrize("layout", [
    "indented-header", "cr-line-ends", "mixed-line-ends", "form-feed-indent", "nel-indent", "indented-next-header"])
def test_write_edits_files_the_cli_reads_into_exactly_one_section(env, moto_auth, layout):
    base = env.credentials_path.read_text()  # [base] with the user's keys, written by the fixture
    stale = "aws_access_key_id = ASIASTALE\naws_secret_access_key = old\naws_session_token = old\n"
    tail = {
        "indented-header": "  [ci-static]\n" + stale,
        "cr-line-ends": ("[ci-static]\n" + stale + "[after]\nk = v\n").replace("\n", "\r"),
        # A lone \r right before the next header: the old editor swallowed [after].
        "mixed-line-ends": "[ci-static]\r\n" + stale.replace("\n", "\r\n").rstrip("\n") + "[after]\r\nk = v\n",
        "form-feed-indent": "\f[ci-static]\n" + stale,
        "nel-indent": "\u0085[ci-static]\n" + stale,
        "indented-next-header": "   [ci-static]\n   " + stale.replace("\n", "\n   ").rstrip(" ") + "  [after]\n  k = v\n",
    }[layout]
    # The target first: an indented header after a setting would continue its value.
    env.credentials_path.write_bytes((tail + base).encode())
    res = run_sts_proc(["write", "--profile", "p", "--to", "ci-static"], env)
    assert res.rc == 0, res.stderr
    text = env.credentials_path.read_bytes().decode()
    assert text.endswith(base), "the sections after the target changed"
    parser = configparser.RawConfigParser()  # what botocore reads the file with
    parser.read(env.credentials_path)
    assert parser.get("ci-static", "aws_access_key_id").startswith("ASIA")
    assert parser.get("ci-static", "aws_access_key_id") != "ASIASTALE"
    if "after" in tail:
        assert dict(parser.items("after")) == {"k": "v"}
    # The AWS CLI reads the file and the written keys work.
    cli = subprocess.run([sys.executable, "-m", "awscli", "sts", "get-caller-identity", "--profile", "ci-static",
                          "--query", "Arn", "--output", "text"], env=dict(env, AWS_DEFAULT_REGION="us-east-1"),
                         capture_output=True, text=True, timeout=60)
    assert cli.returncode == 0, cli.stderr
    assert cli.stdout.strip().endswith(f"/ci-role/{CHAIN_HOP_SESSION}")


@pytest.mark.parametrize("name", ["a\rb", "x\n[default]", "DEFAULT", "a]b", " padded"])
def test_write_refuses_section_names_that_would_make_another_section(env, moto_auth, name):
    before = env.credentials_path.read_bytes()
    counter = Counter(moto_auth)
    res = run_sts_proc(["write", "--profile", "p", "--to", name], env)
    assert_failure(res, "p", 2, contains=["invalid --to"])
    assert env.credentials_path.read_bytes() == before
    assert counter.delta == 0, "a bad --to must be refused before any request"


def test_an_sts_message_that_echoes_the_token_never_reaches_stderr(aws_env, moto_open, tmp_path):
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm9yZy9hcHA6cmVmOnJlZnMvaGVhZHMvbWFpbiJ9.c2lnbmF0dXJl"
    (tmp_path / "token").write_text(token)
    aws_env["AWS_ENDPOINT_URL_STS"] = moto_open.endpoint
    aws_env.profile("w", sts_proc_role_arn="arn:aws:iam::123456789012:role/ci", sts_proc_role_session_name="s1",
                    sts_proc_web_identity_token_file=str(tmp_path / "token"), sts_proc_cache="none", region="us-east-1")
    body = ("<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>"
            f"<Message>The token {token} (prefix {token[:40]}) is not valid</Message></Error></ErrorResponse>")
    with moto_open.injected(400, body.encode()):
        res = run_sts_proc(["--profile", "w"], aws_env)
    line = assert_failure(res, "w", 1, contains=["InvalidIdentityToken", "[redacted]"], secrets=[token, token[:40], token[-30:]])
    assert "is not valid" in line


def test_closed_standard_streams_never_receive_a_file(env, moto_auth):
    # stderr closed and no Secret Service, so that a note is printed after the lock file is
    # opened: it must not land in the lock file (which took descriptor 2 before the fix).
    script = f'{shlex.quote(sts_proc_bin())} --profile p 2>&-'
    no_bus = {k: v for k, v in env.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    res = subprocess.run(["bash", "-c", script], env=no_bus, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0
    lock_folder = Path(env.get("XDG_RUNTIME_DIR", "/nonexistent")) / "sts-proc"
    for lock in lock_folder.glob("*.lock") if lock_folder.exists() else []:
        assert lock.read_bytes() == b"", f"{lock} received output"
