"""sts-proc list (no STS call, no secret) and completion of --profile, --sso-session and
--to, bash running the generated script for real."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from e2e_support import parse_credentials, run_sts_proc, sts_proc_bin
from test_assume_role import Counter

pytestmark = pytest.mark.usefixtures("empty_keyring")


def test_list_shows_flows_the_line_and_time_left_without_sts_or_secrets(aws_env, moto_auth):
    aws_env.credentials("base", moto_auth.user)
    aws_env.sts_proc_profile("p", moto_auth.role_arn, "base", cache=None)
    aws_env.profile("ops-cached", credential_process=aws_env.credential_process_line("p"))
    aws_env.profile("vault", credential_process="aws-vault exec x --json")
    document = parse_credentials(run_sts_proc(["--profile", "p"], aws_env))
    counter = Counter(moto_auth, action=None)
    res = run_sts_proc(["list", "--json"], aws_env)
    assert res.rc == 0 and res.stderr == "", res.stderr
    rows = {row["profile"]: row for row in json.loads(res.stdout)}
    assert sorted(rows) == ["base", "ops-cached", "p", "vault"]
    assert rows["p"]["flow"] == "AssumeRole" and rows["p"]["role"] == moto_auth.role_arn
    assert rows["p"]["stsProcProfile"] == "p" and rows["p"]["keys"] == "credentials file"
    assert 3000 < rows["p"]["cacheSecondsLeft"] <= 3600 and rows["p"]["cacheExpiration"] == document["Expiration"]
    assert rows["ops-cached"]["stsProcProfile"] == "p" and rows["ops-cached"]["cacheSecondsLeft"] is not None
    assert rows["base"]["flow"] == "static keys" and rows["base"]["stsProcProfile"] is None
    assert rows["vault"]["flow"] == "credential process" and rows["vault"]["source"] == "aws-vault"
    text = run_sts_proc(["list"], aws_env).stdout
    assert text.splitlines()[0].split() == ["PROFILE", "FLOW", "ROLE", "SOURCE", "STS-PROC", "KEYS", "CACHED"]
    assert counter.delta == 0, "list called STS"
    for secret in (moto_auth.user.secret_access_key, moto_auth.user.access_key_id, document["SecretAccessKey"],
                   document["SessionToken"]):
        assert secret not in res.stdout + text


# ----------------------------------------------------------------------------- completion

@pytest.fixture
def completion_env(aws_env, tmp_path):
    aws_env.profile("prod", region="us-east-1")
    aws_env.profile("preview", region="us-east-1")
    aws_env.profile("dev", region="us-east-1")
    aws_env.append_config("[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\nsso_region = eu-west-1\n")
    aws_env.append_credentials("[prod-static]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n")
    aws_env["PATH"] = str(Path(sts_proc_bin()).parent) + ":" + aws_env["PATH"]
    return aws_env


def script(shell: str, folder: Path) -> Path:
    path = folder / f"sts-proc.{shell}"
    path.write_text(subprocess.run([sts_proc_bin(), "--generate-completion-script", shell], capture_output=True,
                                   text=True, check=True).stdout)
    return path


def bash_complete(env, folder: Path, line: str) -> list[str]:
    words = line.split(" ")
    program = (f"source {script('bash', folder)}\n"
               f"COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}\n"
               "_sts-proc sts-proc \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"\n"
               "printf '%s\\n' \"${COMPREPLY[@]}\"\n")
    res = subprocess.run(["bash", "--norc", "-c", program], env=dict(env), capture_output=True, text=True, timeout=30)
    assert res.stderr == "", res.stderr
    return [word for word in res.stdout.split("\n") if word]


def test_bash_completes_profiles_sessions_and_sections(completion_env, tmp_path):
    # A credentials-file section is a profile too (botocore merges both files).
    assert bash_complete(completion_env, tmp_path, "sts-proc doctor --profile pr") == ["preview", "prod", "prod-static"]
    assert bash_complete(completion_env, tmp_path, "sts-proc env --profile d") == ["dev"]
    assert bash_complete(completion_env, tmp_path, "sts-proc sso login --sso-session c") == ["corp"]
    assert bash_complete(completion_env, tmp_path, "sts-proc write --profile prod --to p") == ["prod-static"]


def test_bash_completion_prints_nothing_on_a_broken_config(completion_env, tmp_path):
    completion_env.append_config("[profile prod]\nregion = us-east-1\n")  # a repeated section: botocore refuses the file
    assert bash_complete(completion_env, tmp_path, "sts-proc doctor --profile pr") == []
