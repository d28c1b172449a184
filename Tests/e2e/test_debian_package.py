"""The Debian package on a clean Debian 12 system (README, "Install").

STS_PROC_CLEAN_ROOT names a minimal Debian 12 root (debootstrap --variant=minbase) in which
apt has just installed the package: scripts/test.sh makes it with scripts/package-deb.sh and
scripts/clean-root.sh. Without the variable these tests are skipped (they need root and a
Debian mirror); scripts/test.sh always sets it.

Inside the root, which has never seen a Swift toolchain, the installed /usr/bin/sts-proc
runs with a /proc of its own (as on any running system) and no Secret Service: --version,
doctor, and a signed AssumeRole against moto on the host's loopback (a chroot shares the
network). Its kernel-keyring copy lands in the test bed's own user keyring
(scripts/with-testbed.sh), never in that of the person running the tests.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from e2e_support import caller_arn, parse_credentials, sts_proc_bin, Result

ROOT = os.environ.get("STS_PROC_CLEAN_ROOT", "")
pytestmark = pytest.mark.skipif(not ROOT, reason="STS_PROC_CLEAN_ROOT is not set (scripts/test.sh sets it)")

PROFILE = "clean-root"
# The libraries the package must have made apt install: sts-proc opens them with dlopen.
OPENED_PACKAGES = ("libcurl4", "libxml2", "libsecret-1-0", "libmicrohttpd12")


def in_root(*argv: str, env: dict | None = None, timeout: float = 60) -> Result:
    """argv inside the root, as a process of that system: a clean environment, and /proc
    mounted in namespaces of its own (without /proc, the statically linked Swift runtime
    finds no arguments, and sts-proc runs its default command)."""
    root = Path(ROOT)
    variables = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root", "LANG": "C.UTF-8"}
    variables.update(env or {})
    command = ["unshare", "--mount", "--pid", "--fork", f"--mount-proc={root / 'proc'}",
               "chroot", str(root), "/usr/bin/env", "-i",
               *(f"{k}={v}" for k, v in variables.items()), *argv]
    proc = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout)
    return Result(proc.returncode, proc.stdout, proc.stderr, 0.0)


@pytest.fixture(scope="module")
def root() -> Path:
    root = Path(ROOT)
    assert (root / "etc/debian_version").read_text().startswith("12."), "not a Debian 12 root"
    assert (root / "usr/bin/sts-proc").is_file(), "the package is not installed in the root"
    return root


@pytest.fixture
def aws_files(root, moto_auth):
    """A config with a role profile that runs sts-proc, and ci-user's keys, in /root/.aws;
    the environment for in_root with a runtime folder of the test's own (notes already
    shown are recorded there, and must not carry over from an earlier run in this root)."""
    aws = root / "root/.aws"
    aws.mkdir(mode=0o700, parents=True, exist_ok=True)
    (aws / "config").write_text(
        f"[profile {PROFILE}]\n"
        f"credential_process = sts-proc --profile {PROFILE}\n"
        f"sts_proc_role_arn = {moto_auth.role_arn}\n"
        "sts_proc_source_profile = base\n"
        "sts_proc_role_session_name = clean-root\n"
        "region = us-east-1\n")
    credentials = aws / "credentials"
    credentials.write_text(f"[base]\naws_access_key_id = {moto_auth.user.access_key_id}\n"
                           f"aws_secret_access_key = {moto_auth.user.secret_access_key}\n")
    credentials.chmod(0o600)
    runtime = tempfile.mkdtemp(dir=root / "tmp")  # mode 0700
    env = {"XDG_RUNTIME_DIR": "/tmp/" + os.path.basename(runtime)}
    yield env
    in_root("sts-proc", "cache", "clear", "--profile", PROFILE, env=env)
    shutil.rmtree(runtime)
    for name in ("config", "credentials"):
        (aws / name).unlink()


def test_the_root_has_no_swift_toolchain_and_the_executable_needs_none(root):
    found = [str(p) for p in root.rglob("*") if p.name in ("swift", "swiftc") or p.name.startswith("libswift")]
    assert found == [], f"a Swift toolchain or runtime in the clean root: {found[:5]}"
    res = in_root("ldd", "/usr/bin/sts-proc")
    assert res.rc == 0, res
    assert "not found" not in res.stdout and "swift" not in res.stdout, res.stdout


def test_apt_installed_the_libraries_sts_proc_opens(root):
    # debootstrap installs with dpkg alone: apt's history holds only the package's install.
    history = (root / "var/log/apt/history.log").read_text()
    installs = re.findall(r"^Install: (.*)$", history, re.M)
    assert len(installs) == 1, history
    installed = {entry.split(":")[0].strip() for entry in re.findall(r"([^,(]+:[a-z0-9]+) \(", installs[0])}
    assert "sts-proc" in installed
    missing = [p for p in OPENED_PACKAGES if p not in installed]
    assert missing == [], f"apt did not pull in {missing}; it installed {sorted(installed)}"
    # Every library name the executable carries (those it opens included) is one the
    # dynamic loader of the root finds.
    sonames = set(re.findall(rb"lib[A-Za-z0-9_+-]+\.so\.[0-9]+", (root / "usr/bin/sts-proc").read_bytes()))
    listing = in_root("/sbin/ldconfig", "-p")
    assert listing.rc == 0 and "libc.so.6 (" in listing.stdout, listing
    cache = listing.stdout
    unknown = sorted(s.decode() for s in sonames if f"{s.decode()} (" not in cache)
    assert {"libcurl.so.4", "libxml2.so.2", "libsecret-1.so.0", "libmicrohttpd.so.12"} <= {s.decode() for s in sonames}
    assert unknown == [], f"not in the root's loader cache: {unknown}"


def test_the_man_page_and_completions_are_where_debian_looks(root):
    for path in ("usr/share/man/man1/sts-proc.1.gz", "usr/share/bash-completion/completions/sts-proc",
                 "usr/share/zsh/vendor-completions/_sts-proc", "usr/share/fish/vendor_completions.d/sts-proc.fish",
                 "usr/share/doc/sts-proc/copyright", "usr/share/doc/sts-proc/changelog.gz"):
        assert (root / path).is_file(), path


def test_version_is_the_one_built(root):
    built = subprocess.run([sts_proc_bin(), "--version"], capture_output=True, text=True).stdout
    res = in_root("sts-proc", "--version")
    assert (res.rc, res.stdout, res.stderr) == (0, built, ""), res
    assert re.fullmatch(r"\d+\.\d+\.\d+\n", built), built


def test_doctor_explains_the_profile_and_finds_only_the_missing_keyring(aws_files, moto_auth):
    res = in_root("sts-proc", "doctor", "--profile", PROFILE, env=aws_files)
    assert f"AssumeRole {moto_auth.role_arn}" in res.stdout, res
    assert "static keys of profile base" in res.stdout, res.stdout
    # The only problem this system may have: no Secret Service (exit 1 when reported).
    problems = re.findall(r"PROBLEM \[([a-z-]+)\]", res.stdout)
    assert set(problems) <= {"keyring-unusable"}, res.stdout
    assert res.rc == (1 if problems else 0), res
    assert moto_auth.user.secret_access_key not in res.stdout + res.stderr


def test_a_signed_assume_role_against_moto_on_the_hosts_loopback(aws_files, moto_auth):
    before = moto_auth.request_count("AssumeRole")
    res = in_root("sts-proc", "--profile", PROFILE, env={**aws_files, "AWS_ENDPOINT_URL_STS": moto_auth.endpoint})
    creds = parse_credentials(res)
    assert creds["AccessKeyId"].startswith("ASIA"), creds
    assert moto_auth.request_count("AssumeRole") == before + 1
    assert moto_auth.requests()[-1].access_key_id == moto_auth.user.access_key_id
    # No keyring here: one note, and the credential kept in the kernel keyring instead.
    # libsecret was found and loaded (else the note would say it could not be).
    note = res.stderr.splitlines()
    assert len(note) == 1 and note[0].startswith(f"sts-proc: profile {PROFILE}: note: the Secret Service is unavailable"), res.stderr
    assert "kept in the kernel keyring instead" in note[0] and "could not be loaded" not in note[0], note
    arn = caller_arn(creds, moto_auth.endpoint)
    assert arn == f"arn:aws:sts::{moto_auth.account_id}:assumed-role/ci-role/clean-root", arn
    assert json.loads(res.stdout)["Version"] == 1
