"""doctor follows a profile's credential_process line, and each finding about the line or
about values botocore refuses is checked against what botocore itself does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from e2e_support import run_sts_proc, sts_proc_bin
from test_assume_role import assumed_arn

SESSION = "e2e-sess"


def doctor(env, profile: str) -> tuple[int, str, set[str]]:
    res = run_sts_proc(["doctor", "--profile", profile], env)
    out = res.stdout + res.stderr
    codes = {line.split("[", 2)[1].split("]")[0] for line in out.splitlines() if "PROBLEM [" in line}
    return res.rc, out, codes


def boto3_arn(env, profile: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """GetCallerIdentity through boto3 for `profile`, run from `cwd`."""
    script = ("import boto3, sys\n"
              "print(boto3.Session(profile_name=sys.argv[1]).client('sts', region_name='us-east-1')"
              ".get_caller_identity()['Arn'])")
    return subprocess.run([sys.executable, "-c", script, profile], env=dict(env), cwd=cwd or env["HOME"],
                          capture_output=True, text=True, timeout=60)


def test_the_readme_pattern_of_a_line_for_another_profile_is_no_problem(aws_env, moto_auth):
    aws_env.credentials("base", moto_auth.user)
    aws_env.profile("ops", role_arn=moto_auth.role_arn, source_profile="base", role_session_name=SESSION, region="us-east-1")
    aws_env.profile("ops-cached", credential_process=aws_env.credential_process_line("ops"), region="us-east-1")
    rc, out, codes = doctor(aws_env, "ops-cached")
    assert rc == 0 and codes == set(), out
    assert "profile ops (credential_process of [ops-cached])" in out
    assert boto3_arn(aws_env, "ops-cached").stdout.strip() == assumed_arn(moto_auth, "ci-role", SESSION)


def test_a_line_without_profile_is_a_problem_botocore_shows_why(aws_env, moto_auth):
    # The IAM user's keys in [default]; the role settings in [d] are never used.
    aws_env.credentials("default", moto_auth.user)
    aws_env.profile("d", credential_process=sts_proc_bin(), sts_proc_role_arn=moto_auth.role_arn,
                    sts_proc_source_profile="default", region="us-east-1")
    # Without AWS_PROFILE the line fails (no profile named) rather than serve [default]...
    aws_env.pop("AWS_PROFILE", None)
    arn = boto3_arn(aws_env, "d")
    assert arn.returncode != 0 and "no profile named" in arn.stderr, arn.stderr
    # ...and with AWS_PROFILE=default it serves default: the IAM user's own keys, not [d]'s role.
    arn = boto3_arn(dict(aws_env, AWS_PROFILE="default"), "d")
    assert arn.returncode == 0, arn.stderr
    assert arn.stdout.strip() == moto_auth.user.arn, "botocore got something other than the IAM user's own keys"
    rc, out, codes = doctor(aws_env, "d")
    assert rc == 1 and "no-profile-argument" in codes, out
    assert "add --profile d" in out and "static keys of profile default" in out


def test_a_misspelt_profile_is_named_with_the_nearest_one(aws_env, moto_auth):
    aws_env.credentials("base", moto_auth.user)
    aws_env.sts_proc_profile("prod", moto_auth.role_arn, "base")
    text = aws_env.config_path.read_text().replace("--profile prod", "--profile prdo")
    aws_env.config_path.write_text(text)
    assert boto3_arn(aws_env, "prod").returncode != 0
    rc, out, codes = doctor(aws_env, "prod")
    assert rc == 1 and codes == {"unknown-profile"}, out
    assert "did you mean prod?" in out


def test_a_relative_program_path_runs_what_the_working_directory_holds(aws_env, moto_auth, tmp_path):
    aws_env.credentials("base", moto_auth.user)
    aws_env.sts_proc_profile("d", moto_auth.role_arn, "base")
    text = aws_env.config_path.read_text().replace(aws_env.credential_process_line("d"), "bin/sts-proc --profile d")
    aws_env.config_path.write_text(text)
    here, elsewhere = tmp_path / "here", tmp_path / "elsewhere"
    (here / "bin").mkdir(parents=True)
    elsewhere.mkdir()
    os.symlink(sts_proc_bin(), here / "bin" / "sts-proc")
    assert boto3_arn(aws_env, "d", cwd=here).returncode == 0
    assert boto3_arn(aws_env, "d", cwd=elsewhere).returncode != 0, "botocore found bin/sts-proc from elsewhere"
    rc, out, codes = doctor(aws_env, "d")
    assert rc == 1 and codes == {"relative-program-path"}, out


def test_a_section_without_the_profile_word(aws_env, moto_auth):
    aws_env.credentials("base", moto_auth.user)
    aws_env.append_config(f"[d]\ncredential_process = {aws_env.credential_process_line('d')}\n"
                          f"sts_proc_role_arn = {moto_auth.role_arn}\nsts_proc_source_profile = base\n")
    assert "could not be found" in boto3_arn(aws_env, "d").stderr  # botocore: ProfileNotFound
    rc, out, codes = doctor(aws_env, "d")
    assert rc == 1 and codes == {"missing-profile-prefix"}, out
    assert "[profile d]" in out
    res = run_sts_proc(["doctor"], aws_env)  # without --profile the section is found too
    assert res.rc == 1 and "PROBLEM [missing-profile-prefix]" in res.stdout


def test_an_unknown_sts_proc_key_is_named_with_the_nearest_known_one(aws_env, moto_auth):
    aws_env.credentials("base", moto_auth.user)
    aws_env.sts_proc_profile("d", moto_auth.role_arn, "base", sts_proc_duration_secnods="1800")
    rc, out, codes = doctor(aws_env, "d")
    assert rc == 1 and codes == {"unknown-setting"}, out
    assert "sts_proc_duration_secnods" in out and "did you mean sts_proc_duration_seconds?" in out


@pytest.mark.parametrize("key,value", [
    ("region", "eu west 1"), ("region", "12345"),
    ("max_attempts", "abc"), ("max_attempts", "0"), ("max_attempts", "25"),
    ("retry_mode", "Standard"),
    ("defaults_mode", "quick"), ("defaults_mode", "Standard"),
    ("endpoint_url", "localhost:9000"),
])
def test_values_botocore_refuses_agree_with_botocore(aws_env, moto_auth, key, value):
    aws_env.credentials("base", moto_auth.user)
    settings = {"credential_process": aws_env.credential_process_line("d"), "sts_proc_role_arn": moto_auth.role_arn,
                "sts_proc_source_profile": "base"}
    settings.setdefault("region", "us-east-1") if key != "region" else None
    settings[key] = value
    aws_env.profile("d", **settings)
    # botocore with explicit keys: only the profile's values are judged, not sts-proc.
    script = ("import botocore.session, sys\n"
              "try:\n"
              "    botocore.session.Session(profile='d').create_client('s3', aws_access_key_id='AKIAX', aws_secret_access_key='x')\n"
              "except Exception as e:\n"
              "    print(type(e).__name__)\n")
    refused = subprocess.run([sys.executable, "-c", script], env=dict(aws_env), capture_output=True, text=True,
                             timeout=60).stdout.strip()
    rc, out, codes = doctor(aws_env, "d")
    assert ("botocore-refuses" in codes) == bool(refused), f"botocore: {refused or 'accepted'}\n{out}"
    if refused:
        finding = next(l for l in out.splitlines() if "[botocore-refuses]" in l)
        assert refused in finding and f"{key} in [d] is '{value}'" in finding
