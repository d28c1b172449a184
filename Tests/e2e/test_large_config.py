"""A large config file (thousands of profiles, as `sso populate` writes for an
organisation) is parsed once per version: the sections a profile's plan read are kept in
the runtime folder, keyed by the file's identity, and the next run reads those instead
(README, "Large config files"). These tests check that what is kept is only what was
read, never a secret, and that every change to the file is seen, including one that keeps
its size and modification time."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

from e2e_support import caller_arn, parse_credentials, run_sts_proc

FILLER_PROFILES = 3000  # about 200 KB: well over the 32 KiB below which files are parsed each time


def filler() -> str:
    return "".join(f"[profile filler-{i:05d}]\nrole_arn = arn:aws:iam::111122223333:role/Filler{i}\n"
                   f"source_profile = base\nregion = us-east-1\n\n" for i in range(FILLER_PROFILES))


def settle(path: Path) -> None:
    """Back-dates the file and lets its change time (which only the kernel sets) age past
    three seconds: a file changed more recently is never remembered."""
    old = time.time() - 60
    os.utime(path, (old, old))
    time.sleep(3.1)


def records(aws_env) -> list[Path]:
    folder = Path(aws_env["XDG_RUNTIME_DIR"]) / "sts-proc" / "config"
    return sorted(folder.glob("subset-*")) if folder.is_dir() else []


def setup(aws_env, moto_auth, session_name: str = "first-sess") -> None:
    aws_env.credentials("base", moto_auth.user)
    aws_env.append_config(filler())
    aws_env.sts_proc_profile("big", moto_auth.role_arn, "base", session_name=session_name)
    aws_env.append_config(filler().replace("filler-", "more-"))
    settle(aws_env.config_path)


def test_the_sections_a_plan_read_are_kept_without_secrets_and_reused(aws_env, moto_auth):
    setup(aws_env, moto_auth)
    first = run_sts_proc(["--profile", "big"], aws_env)
    creds = parse_credentials(first)
    assert caller_arn(creds, moto_auth.endpoint).endswith("/first-sess")
    kept = records(aws_env)
    assert len(kept) == 1, "one record: the config file's (the credentials file is small)"
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    record = json.loads(kept[0].read_text())
    names = [section["name"] for section in record["subset"]["sections"]]
    assert names == ["profile big"], names
    assert moto_auth.user.secret_access_key not in kept[0].read_text()
    before = kept[0].stat().st_mtime_ns

    second = run_sts_proc(["--profile", "big"], aws_env)
    assert caller_arn(parse_credentials(second), moto_auth.endpoint).endswith("/first-sess")
    assert kept[0].stat().st_mtime_ns == before, "a hit rewrote the record"


def test_an_edit_that_keeps_size_and_time_is_still_seen(aws_env, moto_auth):
    setup(aws_env, moto_auth)
    parse_credentials(run_sts_proc(["--profile", "big"], aws_env))
    assert len(records(aws_env)) == 1
    # Same length, same modification time: only the change time (and content) differ.
    info = aws_env.config_path.stat()
    text = aws_env.config_path.read_text()
    assert text.count("first-sess") == 1
    aws_env.config_path.write_text(text.replace("first-sess", "other-sess"))
    os.utime(aws_env.config_path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert aws_env.config_path.stat().st_size == info.st_size
    res = run_sts_proc(["--profile", "big"], aws_env)
    assert caller_arn(parse_credentials(res), moto_auth.endpoint).endswith("/other-sess")


def test_a_file_changed_just_now_is_not_remembered(aws_env, moto_auth):
    setup(aws_env, moto_auth)
    os.utime(aws_env.config_path)  # changed just now: could change again within the same clock tick
    parse_credentials(run_sts_proc(["--profile", "big"], aws_env))
    assert records(aws_env) == []
    settle(aws_env.config_path)
    parse_credentials(run_sts_proc(["--profile", "big"], aws_env))
    assert len(records(aws_env)) == 1


def test_each_profile_has_its_record_and_a_large_credentials_file_with_keys_is_not_copied(aws_env, moto_auth):
    setup(aws_env, moto_auth)
    aws_env.sts_proc_profile("second", moto_auth.role_arn, "base", session_name="second-sess")
    # A large credentials file whose section the plan reads holds a secret: never kept.
    aws_env.append_credentials("".join(f"[pad-{i:05d}]\nregion = us-east-1\n\n" for i in range(3000)))
    os.utime(aws_env.credentials_path, (time.time() - 60, time.time() - 60))
    settle(aws_env.config_path)  # and, in the same two seconds, the credentials file
    for profile, session in (("big", "first-sess"), ("second", "second-sess"), ("big", "first-sess")):
        res = run_sts_proc(["--profile", profile], aws_env)
        assert caller_arn(parse_credentials(res), moto_auth.endpoint).endswith("/" + session)
    kept = records(aws_env)
    assert len(kept) == 2, [p.name for p in kept]
    for path in kept:
        assert moto_auth.user.secret_access_key not in path.read_text()
        assert json.loads(path.read_text())["path"] == str(aws_env.config_path)


def test_a_file_broken_after_it_was_kept_fails_as_without_the_cache(aws_env, moto_auth):
    setup(aws_env, moto_auth)
    parse_credentials(run_sts_proc(["--profile", "big"], aws_env))
    assert len(records(aws_env)) == 1
    aws_env.append_config("[profile filler-00007]\nregion = us-east-1\n")  # a repeated section
    settle(aws_env.config_path)
    res = run_sts_proc(["--profile", "big"], aws_env)
    assert res.rc != 0 and res.stdout == ""
    assert "appears twice" in res.stderr and "big" in res.stderr, res.stderr


def test_cache_clear_removes_the_records(aws_env, moto_auth):
    setup(aws_env, moto_auth)
    parse_credentials(run_sts_proc(["--profile", "big"], aws_env))
    assert len(records(aws_env)) == 1
    res = run_sts_proc(["cache", "clear"], aws_env)
    assert res.rc == 0, res.stderr
    assert records(aws_env) == []


def test_a_record_is_trusted_only_in_a_private_folder_and_never_through_a_link(aws_env, moto_auth, tmp_path):
    setup(aws_env, moto_auth)
    parse_credentials(run_sts_proc(["--profile", "big"], aws_env))
    [record] = records(aws_env)
    folder = record.parent
    planted = record.read_text().replace("first-sess", "plant-sess")
    assert planted != record.read_text()

    def session() -> str:
        res = run_sts_proc(["--profile", "big"], aws_env)
        return caller_arn(parse_credentials(res), moto_auth.endpoint).rsplit("/", 1)[1]

    # The same user may edit a record as they may edit the config: in a private folder it is used.
    record.write_text(planted)
    assert session() == "plant-sess", "the record was not read at all: the checks below would prove nothing"
    # A folder others may write to (another user could have made it first): ignored.
    folder.chmod(0o777)
    try:
        assert session() == "first-sess"
    finally:
        folder.chmod(0o700)
    # A record that is a symbolic link (to a file planted elsewhere): ignored.
    elsewhere = tmp_path / "planted-record"
    elsewhere.write_text(planted)
    record.unlink()
    record.symlink_to(elsewhere)
    assert session() == "first-sess"


def test_one_large_file_named_by_both_variables_plans_as_botocore_reads_it(aws_env, moto_auth):
    """AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE may name the same file; its config
    view ([profile x]) and credentials view ([x]) must not share a record."""
    aws_env.append_config(filler())
    aws_env.append_config(f"[base]\naws_access_key_id = {moto_auth.user.access_key_id}\n"
                          f"aws_secret_access_key = {moto_auth.user.secret_access_key}\n\n")
    aws_env.sts_proc_profile("big", moto_auth.role_arn, "base", session_name="both-sess")
    aws_env["AWS_SHARED_CREDENTIALS_FILE"] = str(aws_env.config_path)
    settle(aws_env.config_path)
    for _ in range(3):
        res = run_sts_proc(["--profile", "big"], aws_env)
        assert caller_arn(parse_credentials(res), moto_auth.endpoint).endswith("/both-sess")
    kinds = sorted(json.loads(path.read_text())["kind"] for path in records(aws_env))
    assert kinds == ["config"], "the credentials view holds the key: never kept; the config view is"


def test_records_unused_for_two_weeks_are_removed_when_another_is_written(aws_env, moto_auth):
    folder = Path(aws_env["XDG_RUNTIME_DIR"]) / "sts-proc" / "config"
    folder.mkdir(parents=True, mode=0o700)
    (Path(aws_env["XDG_RUNTIME_DIR"]) / "sts-proc").chmod(0o700)
    old, recent = folder / "subset-00000000000000aa", folder / "subset-00000000000000bb"
    for path, days in ((old, 15), (recent, 13)):
        path.write_text("{}")
        when = time.time() - days * 24 * 3600
        os.utime(path, (when, when))
    setup(aws_env, moto_auth)
    parse_credentials(run_sts_proc(["--profile", "big"], aws_env))
    names = sorted(path.name for path in records(aws_env))
    assert old.name not in names and recent.name in names and len(names) == 2, names
