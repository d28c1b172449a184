"""Helpers shared by the e2e tests: running sts-proc / the AWS CLI / boto3 as subprocesses,
writing AWS config files, and checking the output contract (README, "Output")."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

ACCOUNT_ID = "123456789012"
# Session name of the ci-role hop in chain tests: moto's trust-policy check compares the
# caller's ARN literally (it does not understand account principals), so ci-chain-role
# trusts exactly arn:aws:sts::ACCOUNT:assumed-role/ci-role/<this>.
CHAIN_HOP_SESSION = "e2e-sess"

# Variables a subprocess may inherit from the outer environment; everything else (AWS_*,
# proxies, CA overrides, ...) is dropped so the outer machine cannot leak into a test.
_INHERITED = ("PATH", "LANG", "LANGUAGE", "TZ", "TMPDIR", "LD_LIBRARY_PATH",
              "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "XDG_DATA_HOME",
              "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
              "PYENV_ROOT", "PYENV_VERSION", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")


class Result(NamedTuple):
    rc: int
    stdout: str
    stderr: str
    seconds: float


@dataclass(frozen=True)
class Keys:
    """An IAM user's long-term access key as moto issued it."""
    user_name: str
    arn: str
    access_key_id: str
    secret_access_key: str


# --------------------------------------------------------------------------- running things

def sts_proc_bin() -> str:
    path = os.environ.get("STS_PROC_BIN", "")
    if not path or not os.path.isfile(path) or not os.access(path, os.X_OK):
        raise RuntimeError(
            f"STS_PROC_BIN={path!r} is not an executable file; run the e2e tests through "
            "scripts/test.sh or set STS_PROC_BIN to `swift build -c release --show-bin-path`/sts-proc")
    return path


def _run(argv: list[str], env: dict, timeout: float, stdin_data: str | None = None) -> Result:
    start = time.monotonic()
    try:
        proc = subprocess.run(
            argv, env=dict(env), input=stdin_data,
            stdin=None if stdin_data is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
            text=True, errors="replace",
            cwd=env.get("HOME") or None,
            start_new_session=True)  # no controlling terminal: /dev/tty cannot be opened
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(
            f"{argv[0]} did not finish within {timeout}s: {shlex.join(argv)}\n"
            f"stdout={exc.stdout!r}\nstderr={exc.stderr!r}") from None
    return Result(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start)


def run_sts_proc(args: list[str], env: dict, timeout: float = 30,
                 stdin_data: str | None = None) -> Result:
    """Run the sts-proc binary under test: Result(rc, stdout, stderr, seconds), the
    seconds being the caller's wait. Then waits for the keyring store it may have left
    running after printing, so the next step sees the stored item."""
    result = _run([sts_proc_bin(), *args], env, timeout, stdin_data)
    wait_for_background_stores(env)
    return result


def wait_for_background_stores(env: dict, limit: float = 10.0) -> None:
    """A cold run prints, then a background process stores the credential while holding
    the entry's refresh lock: done once every lock file in the runtime folder can be
    taken (a killed holder's file can)."""
    import fcntl
    folder = Path(env.get("XDG_RUNTIME_DIR", "/nonexistent")) / "sts-proc"
    deadline = time.monotonic() + limit
    while True:
        busy = False
        for lock in folder.glob("*.lock") if folder.is_dir() else []:
            try:
                fd = os.open(lock, os.O_RDONLY)
            except FileNotFoundError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(fd, fcntl.LOCK_UN)
            except BlockingIOError:
                busy = True
            finally:
                os.close(fd)
        if not busy:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"a refresh lock in {folder} was still held after {limit}s")
        time.sleep(0.01)


def run_aws(args: list[str], env: dict, timeout: float = 60) -> Result:
    """Run the AWS CLI (v1, from the same Python as pytest)."""
    return _run([sys.executable, "-m", "awscli", *args], env, timeout)


_BOTO3_CALLER = r"""
import json, sys, boto3
session = boto3.Session(profile_name=sys.argv[1])
client = session.client("sts", endpoint_url=(sys.argv[2] or None))
print(json.dumps(client.get_caller_identity()["Arn"]))
"""


def run_boto3_caller_identity(profile: str, env: dict, endpoint_url: str | None,
                              timeout: float = 60) -> Result:
    """GetCallerIdentity through boto3 in a subprocess; stdout is the JSON-quoted ARN."""
    return _run([sys.executable, "-c", _BOTO3_CALLER, profile, endpoint_url or ""],
                env, timeout)


def caller_arn(creds: dict, endpoint_url: str) -> str:
    """GetCallerIdentity (in-process boto3) with credentials printed by sts-proc."""
    import boto3
    client = boto3.client(
        "sts", endpoint_url=endpoint_url, region_name="us-east-1",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"])
    return client.get_caller_identity()["Arn"]


# --------------------------------------------------------------------------- config files

class AwsEnv(dict):
    """An environment for subprocesses (a plain dict of variables) that also owns a
    private AWS config file and credentials file under `home`.

    Writers append sections; values are written verbatim (`key = value`)."""

    def __init__(self, home: Path, sts_endpoint: str | None) -> None:
        super().__init__()
        for k in _INHERITED:
            if k in os.environ:
                self[k] = os.environ[k]
        for k, v in os.environ.items():
            if k.startswith("LC_"):
                self[k] = v
        self.home = Path(home)
        aws_dir = self.home / ".aws"
        aws_dir.mkdir(mode=0o700, exist_ok=True)
        self.config_path = aws_dir / "config"
        self.credentials_path = aws_dir / "credentials"
        self.config_path.write_text("")
        self.credentials_path.write_text("")
        self.credentials_path.chmod(0o600)
        self["HOME"] = str(self.home)
        # A runtime folder per test: locks and the record of notes already shown (printed
        # once an hour) must not carry over from one test to the next.
        runtime = self.home.parent / "run"
        runtime.mkdir(mode=0o700, exist_ok=True)
        self["XDG_RUNTIME_DIR"] = str(runtime)
        self["AWS_CONFIG_FILE"] = str(self.config_path)
        self["AWS_SHARED_CREDENTIALS_FILE"] = str(self.credentials_path)
        # The CLI must never wander off to the instance metadata service when a test fails.
        self["AWS_EC2_METADATA_DISABLED"] = "true"
        if sts_endpoint:
            self["AWS_ENDPOINT_URL_STS"] = sts_endpoint

    # -- raw text
    def append_config(self, text: str) -> None:
        with self.config_path.open("a") as f:
            f.write(text if text.endswith("\n") else text + "\n")

    def append_credentials(self, text: str) -> None:
        with self.credentials_path.open("a") as f:
            f.write(text if text.endswith("\n") else text + "\n")

    # -- sections
    @staticmethod
    def _section(header: str, settings: dict) -> str:
        lines = [f"[{header}]"]
        for k, v in settings.items():
            if v is None:
                continue
            lines.append(f"{k} = {v}")
        return "\n".join(lines) + "\n\n"

    def profile(self, name: str, **settings) -> None:
        """`[profile name]` (or `[default]`) in the config file."""
        header = "default" if name == "default" else f"profile {name}"
        self.append_config(self._section(header, settings))

    def credentials(self, name: str, keys: Keys | None = None, **settings) -> None:
        """`[name]` in the credentials file, with `keys` as aws_access_key_id/secret."""
        values = {}
        if keys is not None:
            values["aws_access_key_id"] = keys.access_key_id
            values["aws_secret_access_key"] = keys.secret_access_key
        values.update(settings)
        self.append_credentials(self._section(name, values))

    def credential_process_line(self, profile: str) -> str:
        return f"{shlex.quote(sts_proc_bin())} --profile {profile}"

    def sts_proc_profile(self, name: str, role_arn: str | None, source_profile: str | None,
                         session_name: str | None = "e2e-sess", region: str = "us-east-1",
                         credential_process: bool = True, cache: str | None = "none",
                         **extra) -> None:
        """The usual sts-proc profile: credential_process line + `sts_proc_` settings,
        `sts_proc_cache = none` unless `cache` says otherwise (None: the default, keyring),
        so that tests which are not about the cache never depend on it."""
        settings = {}
        if credential_process:
            settings["credential_process"] = self.credential_process_line(name)
        settings["sts_proc_role_arn"] = role_arn
        settings["sts_proc_source_profile"] = source_profile
        settings["sts_proc_role_session_name"] = session_name
        settings["sts_proc_cache"] = cache
        settings["region"] = region
        for k, v in extra.items():
            settings[k if k.startswith("sts_proc_") or k in ("region", "services")
                     else f"sts_proc_{k}"] = v
        self.profile(name, **settings)


# --------------------------------------------------------------------------- assertions

_EXPIRATION_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def parse_credentials(res: Result) -> dict:
    """Check the success contract and return the credential document."""
    assert res.rc == 0, f"sts-proc failed rc={res.rc} stderr={res.stderr!r}"
    out = res.stdout
    assert out.strip(), f"empty stdout, stderr={res.stderr!r}"
    decoder = json.JSONDecoder()
    doc, end = decoder.raw_decode(out.lstrip())
    assert out.lstrip()[end:].strip() == "", f"more than one JSON value on stdout: {out!r}"
    assert isinstance(doc, dict), out
    assert set(doc) == {"Version", "AccessKeyId", "SecretAccessKey", "SessionToken",
                        "Expiration"}, f"unexpected keys: {sorted(doc)}"
    assert doc["Version"] == 1 and type(doc["Version"]) is int, doc["Version"]
    for k in ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"):
        assert isinstance(doc[k], str) and doc[k], f"{k} missing or empty"
    assert _EXPIRATION_RE.match(doc["Expiration"]), doc["Expiration"]
    exp = datetime.strptime(doc["Expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    left = (exp - datetime.now(timezone.utc)).total_seconds()
    assert 0 < left <= 43200 + 60, f"Expiration {doc['Expiration']} is {left:.0f}s away"
    return doc


def assert_failure(res: Result, profile: str, rc: int, contains=(), secrets=(),
                   max_seconds: float = 5.0) -> str:
    """Check the failure contract; `contains` are matched case-insensitively.
    Returns the single stderr line."""
    context = f"rc={res.rc} stdout={res.stdout!r} stderr={res.stderr!r}"
    assert res.stdout == "", f"stdout must be empty on failure; {context}"
    lines = res.stderr.splitlines()
    assert len(lines) == 1, f"expected exactly one stderr line; {context}"
    line = lines[0]
    prefix = f"sts-proc: profile {profile}: "
    assert line.startswith(prefix), f"stderr must start with {prefix!r}; {context}"
    assert len(line) > len(prefix), f"empty message; {context}"
    assert res.rc == rc, f"expected exit status {rc}; {context}"
    for needle in contains:
        assert needle.lower() in line.lower(), f"{needle!r} not in stderr; {context}"
    for secret in secrets:
        assert secret not in res.stderr and secret not in res.stdout, \
            f"a secret leaked into the output of a failure; {context}"
    assert res.seconds < max_seconds, f"took {res.seconds:.1f}s (limit {max_seconds}s); {context}"
    return line
