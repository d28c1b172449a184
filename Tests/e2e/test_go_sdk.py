"""The Go SDKs (aws-sdk-go v1 and aws-sdk-go-v2, as Debian packages them) as consumers of
sts-proc through credential_process: the small programs in Tests/e2e/go/ load a profile
whose credential_process runs sts-proc and call GetCallerIdentity.

- Against moto with signature checks, both get working credentials.
- Against an STS that accepts connections and never answers, sts-proc ends at its own
  deadline (sts_proc_timeout = 5 here) with its one line, well before the 60 s after
  which both SDKs kill credential_process; the SDKs report sts-proc's failure, not their
  own time-out, and no sts-proc process is left behind.

The programs are built once per session in GOPATH mode (Debian's packages are GOPATH
sources, there is no module proxy offline), with a private GOCACHE."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from e2e_servers import LOOPBACK
from e2e_support import CHAIN_HOP_SESSION, sts_proc_bin
from test_assume_role import assumed_arn

GO_SOURCES = Path(__file__).resolve().parent / "go"
DEADLINE_LINE = "gave up at the run's deadline of 5 s"
SDKS = ("v1", "v2")


@pytest.fixture(scope="module")
def go_callers(tmp_path_factory) -> dict[str, str]:
    """Both programs, built once: {"v1": path, "v2": path}."""
    go = shutil.which("go")
    if go is None:
        pytest.skip("`go` is not installed (Debian golang-go; scripts/install-deps.sh installs it)")
    out = tmp_path_factory.mktemp("go-callers")
    env = {"PATH": os.environ["PATH"], "HOME": str(out), "GO111MODULE": "off", "GOPATH": "/usr/share/gocode",
           "GOCACHE": str(out / "gocache"), "GOFLAGS": ""}
    # One `go build` for both, so that what they share compiles once; cgo stays on, as
    # Debian's prebuilt standard library was built with it (CGO_ENABLED=0 rebuilds net/http).
    res = subprocess.run([go, "build", "-o", str(out) + "/", *(f"./{sdk}" for sdk in SDKS)], cwd=GO_SOURCES,
                         env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, f"building the Go callers failed (are golang-github-aws-aws-sdk-go-dev and " \
                                f"golang-github-aws-aws-sdk-go-v2-dev installed?):\n{res.stderr}"
    return {sdk: str(out / sdk) for sdk in SDKS}


def start(caller: str, profile: str, endpoint: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([caller, profile, endpoint], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=env["HOME"], start_new_session=True)


def sts_proc_processes(profile: str) -> list[str]:
    """Command lines of running sts-proc processes for `profile` (a name only this test uses)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            argv = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        words = [w.decode(errors="replace") for w in argv if w]
        if any(w.endswith("sts-proc") for w in words) and profile in words:
            found.append(" ".join(words))
    return found


def test_both_go_sdks_get_working_credentials_from_sts_proc(aws_env, moto_auth, go_callers):
    aws_env.credentials("base", moto_auth.user)
    aws_env.sts_proc_profile("go", moto_auth.role_arn, "base", session_name=CHAIN_HOP_SESSION)
    processes = {sdk: start(path, "go", moto_auth.endpoint, aws_env) for sdk, path in go_callers.items()}
    for sdk, process in processes.items():
        out, err = process.communicate(timeout=60)
        # GetCallerIdentity was signed with the credentials sts-proc printed, and moto checks signatures.
        assert process.returncode == 0, f"Go SDK {sdk}: {err}"
        assert out.strip() == assumed_arn(moto_auth, "ci-role", CHAIN_HOP_SESSION), f"Go SDK {sdk}: {out!r}"
        assert err == "", f"Go SDK {sdk} passed sts-proc's stderr through on success: {err!r}"


def test_a_silent_sts_ends_at_sts_procs_deadline_and_the_go_sdks_report_it(aws_env, moto_auth, go_callers):
    """An STS that accepts the connection and never answers (a listening socket nobody
    accepts from): the kernel completes the handshake and takes the request; no answer comes."""
    silent = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    silent.bind((LOOPBACK, 0))
    silent.listen(64)
    url = f"http://{LOOPBACK}:{silent.getsockname()[1]}"
    profile = "go-deadline-" + secrets.token_hex(4)
    aws_env["AWS_ENDPOINT_URL_STS"] = url
    aws_env.credentials("base", moto_auth.user)
    aws_env.sts_proc_profile(profile, moto_auth.role_arn, "base", session_name=CHAIN_HOP_SESSION,
                             sts_proc_timeout="5", max_attempts="10")
    try:
        started = time.monotonic()
        # Side by side: both SDKs wait out the same 5 s.
        processes = {sdk: start(path, profile, url, aws_env) for sdk, path in go_callers.items()}
        results = {sdk: process.communicate(timeout=70) + (process.returncode, time.monotonic() - started)
                   for sdk, process in processes.items()}
        left = sts_proc_processes(profile)
    finally:
        silent.close()
    for sdk, (out, err, rc, elapsed) in results.items():
        context = f"Go SDK {sdk}: rc={rc} after {elapsed:.1f} s, stdout={out!r}, stderr={err!r}"
        assert rc == 1 and out == "", context
        assert 4.5 < elapsed < 10, context
        # sts-proc's one line reaches the application's stderr (the SDKs pass it through)...
        ours = [line for line in err.splitlines() if line.startswith("sts-proc:")]
        assert len(ours) == 1 and ours[0].startswith(f"sts-proc: profile {profile}: "), context
        assert DEADLINE_LINE in ours[0], context
        # ...and the SDK's error is sts-proc's exit status 3, not its own 60 s time-out.
        sdk_error = err.replace(ours[0], "")
        assert f"go-sdk-{sdk} error:" in sdk_error and "exit status 3" in sdk_error, context
        assert "timed out" not in sdk_error, context
    assert left == [], f"sts-proc processes still running: {left}"
