"""End-to-end tests of the everyday commands: env (eval'd in bash and fish), write,
whoami, doctor (including on every file of config-examples/), completions and man page."""

from __future__ import annotations

import configparser
import json
import os
import re
import shlex
import stat
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import keyring_control
from e2e_support import CHAIN_HOP_SESSION, assert_failure, parse_credentials, run_sts_proc, sts_proc_bin
from test_assume_role import Counter, assumed_arn
from test_cache import env  # noqa: F401  (fixture: profile p, ci-role from base, cached)
from test_federation import SAML_PROVIDER, SAML_ROLE, saml_response

REPO = Path(__file__).resolve().parents[2]
SESSION = CHAIN_HOP_SESSION
AWS_CLI = f"{shlex.quote(sys.executable)} -m awscli"


pytestmark = pytest.mark.usefixtures("empty_keyring")




def shell(argv: list[str], env: dict) -> subprocess.CompletedProcess:
    env = dict(env, AWS_DEFAULT_REGION="us-east-1")  # bare credentials carry no region
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                          start_new_session=True)


# ----------------------------------------------------------------------------- env

def test_env_evaluated_in_bash_gives_the_aws_cli_the_role(env, moto_auth):
    script = f'eval "$({shlex.quote(sts_proc_bin())} env --profile p)" && {AWS_CLI} sts get-caller-identity --query Arn --output text'
    res = shell(["bash", "-c", script], env)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == assumed_arn(moto_auth, "ci-role", SESSION)


def test_env_evaluated_in_fish_gives_the_aws_cli_the_role(env, moto_auth):
    script = f'{shlex.quote(sts_proc_bin())} env --profile p --format fish | source; and {AWS_CLI} sts get-caller-identity --query Arn --output text'
    res = shell(["fish", "--no-config", "-c", script], env)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == assumed_arn(moto_auth, "ci-role", SESSION)


def test_env_formats_carry_the_same_credential(env, moto_auth):
    document = parse_credentials(run_sts_proc(["--profile", "p"], env))
    as_json = json.loads(run_sts_proc(["env", "--profile", "p", "--format", "json"], env).stdout)
    assert as_json == {"AWS_ACCESS_KEY_ID": document["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": document["SecretAccessKey"],
                       "AWS_SESSION_TOKEN": document["SessionToken"], "AWS_CREDENTIAL_EXPIRATION": document["Expiration"],
                       "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"}
    dotenv = run_sts_proc(["env", "--profile", "p", "--format", "dotenv"], env).stdout
    assert f'AWS_ACCESS_KEY_ID="{document["AccessKeyId"]}"' in dotenv.splitlines()
    powershell = run_sts_proc(["env", "--profile", "p", "--format", "powershell"], env).stdout
    assert f"$Env:AWS_SESSION_TOKEN = '{document['SessionToken']}'" in powershell.splitlines()


def test_env_carries_the_profiles_region_so_nothing_else_is_needed(env, moto_auth):
    env.sts_proc_profile("west", moto_auth.role_arn, "base", session_name=SESSION, region="eu-west-2")
    bare = {k: v for k, v in env.items() if k not in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE")}
    bare["AWS_CONFIG_FILE"] = "/nonexistent"  # after eval, only the variables speak
    script = (f'eval "$(AWS_CONFIG_FILE={shlex.quote(env["AWS_CONFIG_FILE"])} {shlex.quote(sts_proc_bin())} env --profile west)"'
              f' && echo "$AWS_REGION $AWS_DEFAULT_REGION" && {AWS_CLI} sts get-caller-identity --query Arn --output text')
    res = subprocess.run(["bash", "-c", script], env=bare, capture_output=True, text=True, timeout=60,
                         stdin=subprocess.DEVNULL)
    assert res.returncode == 0, res.stderr
    regions, arn = res.stdout.splitlines()
    assert regions == "eu-west-2 eu-west-2"
    assert arn == assumed_arn(moto_auth, "ci-role", SESSION)
    # A profile without a region leaves the shell's own alone.
    env.credentials("plain", moto_auth.user)
    out = run_sts_proc(["env", "--profile", "plain"], env).stdout
    assert "AWS_REGION" not in out and "AWS_DEFAULT_REGION" not in out


def test_env_failure_follows_the_contract(env, moto_auth):
    assert_failure(run_sts_proc(["env", "--profile", "nope"], env), "nope", 2, contains=["not found"])


# ----------------------------------------------------------------------------- write

def test_write_replaces_one_section_atomically_and_the_cli_uses_it(env, moto_auth):
    env.append_credentials("# keep this comment\n[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = x\n"
                           "aws_session_token = t\n")
    before = env.credentials_path.read_text()
    for _ in range(2):
        res = run_sts_proc(["write", "--profile", "p", "--to", "ci-static"], env)
        assert res.rc == 0, res.stderr
        assert "wrote [ci-static]" in res.stdout
    text = env.credentials_path.read_text()
    assert text.startswith(before), "the other sections changed"
    assert text.count("[ci-static]") == 1
    assert stat.S_IMODE(env.credentials_path.stat().st_mode) == 0o600
    backup = Path(str(env.credentials_path) + ".bak")
    assert backup.exists() and stat.S_IMODE(backup.stat().st_mode) == 0o600
    counter = Counter(moto_auth)
    res = subprocess.run([sys.executable, "-m", "awscli", "sts", "get-caller-identity", "--profile", "ci-static",
                          "--query", "Arn", "--output", "text"], env=dict(env, AWS_DEFAULT_REGION="us-east-1"),
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == assumed_arn(moto_auth, "ci-role", SESSION)
    assert counter.delta == 0, "the written keys should be used as they are"


def test_write_refuses_to_shadow_an_sts_proc_profile_or_long_term_keys(env, moto_auth):
    before = env.credentials_path.read_text()
    res = run_sts_proc(["write", "--profile", "p", "--to", "p"], env)
    assert_failure(res, "p", 2, contains=["refusing to shadow", "--force"])
    res = run_sts_proc(["write", "--profile", "p", "--to", "base"], env)
    assert_failure(res, "p", 2, contains=["long-term", "--force"], secrets=[moto_auth.user.secret_access_key])
    assert env.credentials_path.read_text() == before
    forced = run_sts_proc(["write", "--profile", "p", "--to", "p", "--force"], env)
    assert forced.rc == 0, forced.stderr


# ----------------------------------------------------------------------------- whoami

def test_whoami(env, moto_auth):
    res = run_sts_proc(["whoami", "--profile", "p"], env)
    assert res.rc == 0, res.stderr
    assert f"Arn:     {assumed_arn(moto_auth, 'ci-role', SESSION)}" in res.stdout.splitlines()
    assert "Account: 123456789012" in res.stdout.splitlines()
    as_json = json.loads(run_sts_proc(["whoami", "--profile", "p", "--json"], env).stdout)
    assert as_json["Arn"] == assumed_arn(moto_auth, "ci-role", SESSION)
    assert as_json["UserId"].endswith(":" + SESSION)


# ----------------------------------------------------------------------------- doctor

def doctor(env, *args) -> tuple[int, str]:
    res = run_sts_proc(["doctor", *args], env)
    return res.rc, res.stdout + res.stderr


def with_binary_on_path(env) -> dict:
    env = dict(env)
    env["PATH"] = str(Path(sts_proc_bin()).parent) + os.pathsep + env.get("PATH", "")
    return env


def test_doctor_explains_a_good_profile(env, moto_auth):
    parse_credentials(run_sts_proc(["--profile", "p"], env))
    rc, out = doctor(env, "--profile", "p")
    assert rc == 0, out
    assert "AssumeRole " + moto_auth.role_arn in out
    assert "static keys of profile base" in out
    assert moto_auth.endpoint in out
    assert re.search(r"cached credential has \d+ min \d+ s left", out), out
    assert "no problems found" in out
    assert moto_auth.user.secret_access_key not in out and moto_auth.user.access_key_id not in out


@pytest.mark.parametrize("case,code", [
    ("plain-role-arn", "sdk-skips-credential-process"),
    ("credentials-file-keys", "sdk-skips-credential-process"),
    ("missing-region", "missing-region"),
    ("unreadable-token", "token-unreadable"),
    ("expired-saml", "saml-assertion-expired"),
    ("environment-keys", "environment-credentials"),
    ("locked-keyring", "keyring-unusable"),
    ("program-not-found", "program-not-found"),
    ("bad-setting", "configuration"),
])
def test_doctor_flags_each_problem(aws_env, moto_auth, tmp_path, case, code):
    env = aws_env
    env.credentials("base", moto_auth.user)
    line = env.credential_process_line("d")
    settings = {"credential_process": line, "sts_proc_role_arn": moto_auth.role_arn, "sts_proc_source_profile": "base",
                "region": "us-east-1"}
    if case == "plain-role-arn":
        settings["role_arn"] = moto_auth.role_arn
    elif case == "credentials-file-keys":
        env.credentials("d", moto_auth.user)
    elif case == "missing-region":
        del settings["region"]
    elif case == "unreadable-token":
        del settings["sts_proc_source_profile"]
        settings["sts_proc_web_identity_token_file"] = str(tmp_path / "missing-token")
    elif case == "expired-saml":
        saved = tmp_path / "saml"
        saved.write_text(saml_response([f"{SAML_ROLE},{SAML_PROVIDER}"], datetime.now(timezone.utc) - timedelta(hours=1)))
        settings = {"credential_process": line, "sts_proc_saml_assertion_file": str(saved), "region": "us-east-1"}
    elif case == "environment-keys":
        env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] = "AKIAENVIRONMENT", "x"
    elif case == "locked-keyring":
        keyring_control.lock_default_collection()
    elif case == "program-not-found":
        settings["credential_process"] = "/nonexistent/sts-proc --profile d"
    elif case == "bad-setting":
        settings["sts_proc_duration_seconds"] = "60"
    env.profile("d", **settings)
    rc, out = doctor(env, "--profile", "d")
    assert rc == 1, out
    assert f"PROBLEM [{code}]" in out, out
    problems = [l for l in out.splitlines() if "PROBLEM [" in l]
    assert all(f"[{code}]" in l for l in problems), f"unexpected extra problems: {problems}"


def test_doctor_without_profile_checks_every_sts_proc_profile(env, moto_auth):
    env.profile("other", credential_process="aws-vault exec other --json", region="us-east-1")
    env.sts_proc_profile("q", moto_auth.role_arn, "base", session_name=SESSION)
    rc, out = doctor(env)
    assert rc == 0, out
    assert "profile p (" in out and "profile q (" in out and "profile other" not in out


EXAMPLE_PROBLEMS_ALLOWED = {
    # Paths of CI/Kubernetes/IdP files that do not exist on this machine.
    "web-identity-eks-github.ini": {"token-unreadable", "environment-credentials"},
    "saml-adfs.ini": {"saml-assertion-unusable", "environment-credentials"},
    # Nobody has signed in on this machine.
    "sso-identity-center.ini": {"sso-session-expired", "environment-credentials"},
}


@pytest.mark.parametrize("example", sorted(p.name for p in (REPO / "config-examples").glob("*.ini")))
def test_doctor_on_every_config_example(aws_env, moto_auth, tmp_path, example):
    env = with_binary_on_path(aws_env)
    env["AWS_CONFIG_FILE"] = str(REPO / "config-examples" / example)
    Path(env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        "[base]\naws_access_key_id = AKIAEXAMPLEEXAMPLE01\naws_secret_access_key = example\n")
    # What a CI job, an EKS pod or an ECS task would have in its environment.
    env.update({"AWS_WEB_IDENTITY_TOKEN_FILE": str(tmp_path / "token"), "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/Pod",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/task",
                "AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE02", "AWS_SECRET_ACCESS_KEY": "example"})
    env.pop("AWS_EC2_METADATA_DISABLED", None)
    (tmp_path / "token").write_text("example-token")
    env.pop("AWS_ENDPOINT_URL_STS", None)
    rc, out = doctor(env)
    # Every profile that a credential_process line of the example runs sts-proc for is examined.
    parser = configparser.RawConfigParser()
    parser.read(env["AWS_CONFIG_FILE"])
    targets = set()
    for section in parser.sections():
        words = shlex.split(parser[section].get("credential_process", ""))
        if words and words[0].endswith("sts-proc") and "--profile" in words:
            targets.add(words[words.index("--profile") + 1])
    assert targets, f"{example} has no credential_process that runs sts-proc"
    for name in targets:
        assert f"profile {name} (" in out, out
    problems = {l.split("[", 2)[1].split("]")[0] for l in out.splitlines() if "PROBLEM [" in l}
    # The AWS_ACCESS_KEY_ID set above (for the Environment example) is a problem for any
    # profile that does not use it as its source.
    assert problems <= EXAMPLE_PROBLEMS_ALLOWED.get(example, set()) | {"environment-credentials"}, out
    assert rc == (1 if problems else 0), out


# ----------------------------------------------------------------------------- completions and man page

def test_completions_and_man_page(tmp_path):
    out = tmp_path / "docs"
    res = subprocess.run(["bash", str(REPO / "scripts" / "generate-docs.sh"), sts_proc_bin(), str(out)],
                         capture_output=True, text=True, timeout=600, cwd=REPO)
    assert res.returncode == 0, res.stderr
    bash_completion, fish_completion, zsh_completion = out / "sts-proc.bash", out / "sts-proc.fish", out / "_sts-proc"
    assert subprocess.run(["bash", "-n", str(bash_completion)]).returncode == 0
    assert subprocess.run(["fish", "--no-config", "-n", str(fish_completion)]).returncode == 0
    assert not bash_completion.read_text().startswith("#!"), "a sourced completion file has a hashbang"
    for completion in (bash_completion, fish_completion, zsh_completion):
        text = completion.read_text()
        for command in ("doctor", "whoami", "env", "write", "cache", "saml"):
            assert command in text, f"{command} missing from {completion.name}"
    man = (out / "sts-proc.1").read_text()
    version = subprocess.run([sts_proc_bin(), "--version"], capture_output=True, text=True).stdout.strip()
    assert f'"sts\\-proc {version}"' in man.splitlines()[3], man.splitlines()[3]
    sections = re.findall(r"^\.SH (.+)$", man, re.M)
    assert sections == ["NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "SETTINGS", "FILES", "ENVIRONMENT",
                        "EXIT STATUS", "EXAMPLES", "SEE ALSO"], sections
    exit_section = man.split(".SH EXIT STATUS")[1].split(".SH")[0]
    assert re.findall(r"^\.B (\d+)$", exit_section, re.M) == ["0", "1", "2", "3", "4", "64"]
    warnings = subprocess.run(["man", "--warnings", "-l", str(out / "sts-proc.1")], capture_output=True,
                              text=True, env={**os.environ, "MANWIDTH": "80", "LC_ALL": "C.UTF-8"})
    assert warnings.returncode == 0 and warnings.stderr == "", warnings.stderr


@pytest.mark.parametrize("command", ["", "env", "write", "whoami", "doctor", "cache list", "cache clear", "saml roles"])
def test_every_command_has_help_with_an_example(aws_env, command):
    res = run_sts_proc([*command.split(), "--help"], aws_env)
    assert res.rc == 0, res.stderr
    assert "sts-proc" in res.stdout
    assert "Example" in res.stdout or "credential_process = sts-proc" in res.stdout, res.stdout


# ----------------------------------------------------------------------------- error paths

def test_whoami_failure_follows_the_contract(env, moto_auth):
    assert_failure(run_sts_proc(["whoami", "--profile", "nope"], env), "nope", 2, contains=["not found"])


def test_write_that_cannot_write_leaves_nothing_behind(env, moto_auth, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the credentials folder should be")
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(blocker / "credentials")
    env.profile("base2", aws_access_key_id=moto_auth.user.access_key_id,
                aws_secret_access_key=moto_auth.user.secret_access_key)
    env.sts_proc_profile("w", moto_auth.role_arn, "base2", session_name=SESSION)
    res = run_sts_proc(["write", "--profile", "w", "--to", "w-static"], env)
    assert_failure(res, "w", 2, contains=["cannot write the credentials file", "not-a-folder"],
                   secrets=[moto_auth.user.secret_access_key])
    assert blocker.read_text().startswith("a file where")


@pytest.mark.parametrize("command", [["cache", "list"], ["cache", "clear"]])
def test_cache_commands_without_a_keyring_exit_4_with_one_line(aws_env, command):
    no_bus = dict(aws_env)
    no_bus.pop("DBUS_SESSION_BUS_ADDRESS", None)
    res = run_sts_proc(command, no_bus)
    assert res.rc == 4 and res.stdout == ""
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"sts-proc: {' '.join(command)}: ") and "unavailable" in lines[0]
