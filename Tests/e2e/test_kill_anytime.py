"""A SIGKILL at any instant leaves every file sts-proc writes as the old or the new
version, never half of one, and the keyring with at most one usable item per key, the
next run removing what a kill left over (README, "Security notes" and "Keyring cache").

Each writer runs many times (the real binary, real peers), killed after a random delay
spread from 0 to past the end of its measured run. After every kill: each file it writes
is byte for byte the old or the new content, mode 0600, read by botocore's own parser and
by sts-proc; a temporary file left next to it is a complete copy, and the next complete
run removes it. The delays come from a fixed seed, and every failure names the seed, the
writer, the run and the delay, so it replays.

The kill counts (KILLS) keep the whole file under 40 s on the 2-core machine even while
other builds load it: `write` is served from the cache in a few milliseconds a run and is killed 200
times; the writers that call STS, the portal or the keyring (30-150 ms a run) 30
times. Kills aimed at the keyring's one window, between storing the new item and removing
the old one, come from watching the bus for the store call (StoreWatch), a few per
keyring writer."""

from __future__ import annotations

import collections
import json
import os
import random
import stat
import subprocess
import threading
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

import botocore.configloader
import botocore.utils
import pytest
from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection
from jeepney.low_level import HeaderFields

import keyring_control
from e2e_support import CHAIN_HOP_SESSION, run_sts_proc, sts_proc_bin
from test_keys import make_rotator
from test_sso import START_URL, sso_env, sso_service, start_login, token_path, write_cli_token  # noqa: F401

SEED = 14  # fixed, so that a failure replays with the same delays
KILLS = {"write": 200, "runtime files": 30, "keys import": 32, "refresh": 30, "sso populate": 30,
         "sso token refresh": 30, "sso login": 30}
pytestmark = pytest.mark.usefixtures("empty_keyring")


# ----------------------------------------------------------------------------- killing

class KillRuns:
    """One writer run again and again, each run killed after a random delay. The delays are
    stratified: run i of n is killed within the i-th n-th of 0 to 1.6 times the measured
    duration (in shuffled order), so that every stretch of the run gets its kills, and a
    third of them land after its usual end however the random draws fall."""

    SPAN = 1.6

    def __init__(self, writer: str, count: int, exits: int = 0) -> None:
        self.writer = writer
        self.count = count
        self.exits = exits  # the exit status of a complete run
        self.rng = random.Random(f"{SEED}/{writer}")
        self.duration = 0.0
        self.delays: list[float] = []
        self.outcomes: collections.Counter[str] = collections.Counter()

    def measure(self, launch: Callable[[], subprocess.Popen], times: int = 3) -> None:
        """The median time from start to exit of complete runs."""
        spans = []
        for _ in range(times):
            started = time.monotonic()
            process = launch()
            _, err = process.communicate(timeout=60)
            spans.append(time.monotonic() - started)
            assert process.returncode == self.exits, f"{self.writer}: a complete run failed: {err}"
        self.set_duration(sorted(spans)[len(spans) // 2])

    def set_duration(self, seconds: float) -> None:
        self.duration = seconds
        self.delays = [self.SPAN * seconds * (i + self.rng.random()) / self.count for i in range(self.count)]
        self.rng.shuffle(self.delays)

    def kill(self, launch: Callable[[], subprocess.Popen], run: int) -> str:
        """Starts the writer, kills it after run `run`'s delay, and returns where that was,
        for failure messages. A run that ended first must have ended as a complete run does."""
        delay = self.delays[run]
        where = (f"seed {SEED}, {self.writer}, run {run}: SIGKILL after {delay * 1000:.1f} ms "
                 f"(a complete run takes {self.duration * 1000:.0f} ms)")
        process = launch()
        time.sleep(delay)
        process.kill()
        _, err = process.communicate(timeout=60)
        assert process.returncode in (self.exits, -9), f"{where}: exit status {process.returncode}: {err}"
        return where


def launcher(argv: list[str], env: dict) -> Callable[[], subprocess.Popen]:
    return lambda: subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, text=True, cwd=env["HOME"], start_new_session=True)


class StoreWatch:
    """Kills a process the moment it asks the Secret Service to create an item (seen on the
    bus as a monitor): the item will exist, and the process has not yet removed the one it
    replaces. Used as a context manager around the process's start."""

    RULE = "type='method_call',interface='org.freedesktop.Secret.Collection',member='CreateItem'"

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.killed = threading.Event()
        self.connection = open_dbus_connection(bus="SESSION")
        monitoring = DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus",
                                 interface="org.freedesktop.DBus.Monitoring")
        self.connection.send_and_get_reply(new_method_call(monitoring, "BecomeMonitor", "asu", ([self.RULE], 0)))
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        while True:
            try:
                message = self.connection.receive(timeout=30)
            except Exception:  # closed, or nothing came
                return
            if message.header.fields.get(HeaderFields.member) == "CreateItem" and self.process is not None:
                self.process.kill()
                self.killed.set()
                return

    def __enter__(self) -> "StoreWatch":
        return self

    def __exit__(self, *exc) -> None:
        self.connection.close()


def kill_at_store(launch: Callable[[], subprocess.Popen], where: str) -> None:
    with StoreWatch() as watch:
        watch.process = launch()
        _, err = watch.process.communicate(timeout=60)
    assert watch.killed.is_set(), f"{where}: no item was stored"
    assert watch.process.returncode in (0, -9), f"{where}: exit status {watch.process.returncode}: {err}"


# ----------------------------------------------------------------------------- checks

def one_of(path: Path, states: dict[str, bytes | None], where: str) -> str:
    """The name of the state whose content the file has now (None: no file)."""
    content = path.read_bytes() if path.exists() else None
    for name, expected in states.items():
        if content == expected:
            return name
    shown = {name: (value or b"")[:400] for name, value in states.items()}
    raise AssertionError(f"{where}: {path} is neither {' nor '.join(states)}:\n{(content or b'')[:400]!r}\n{shown}")


def private(path: Path, where: str) -> None:
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == 0o600, f"{where}: {path} has mode {mode:o}"


def leftovers(folder: Path, known: Callable[[str], bool], complete: list[bytes | None], where: str) -> list[str]:
    """Files in `folder` that the writer does not own by name. Each must be a complete copy of
    something being written (a temporary file caught before its rename), private, never half."""
    found = []
    for name in sorted(os.listdir(folder)):
        path = folder / name
        if known(name) or not path.is_file():
            continue
        content = path.read_bytes()
        assert content in complete, f"{where}: a half-written temporary file {name} was left behind: {content[:200]!r}"
        private(path, where)
        found.append(name)
    return found


class ParseCheck:
    """The shared files as botocore (its own INI loader) and sts-proc read them, checked once
    per distinct content."""

    def __init__(self, env: dict) -> None:
        self.env = {k: v for k, v in env.items() if k != "DBUS_SESSION_BUS_ADDRESS"}  # no keyring lookups
        self.seen: set[bytes] = set()

    def __call__(self, where: str) -> None:
        files = [Path(self.env["AWS_CONFIG_FILE"]), Path(self.env["AWS_SHARED_CREDENTIALS_FILE"])]
        contents = b"\0".join(path.read_bytes() for path in files)
        if contents in self.seen:
            return
        for path in files:
            botocore.configloader.raw_config_parse(str(path))
        res = run_sts_proc(["--profile", "kill-probe"], self.env)
        assert res.rc == 2 and "profile not found" in res.stderr, f"{where}: sts-proc cannot read the files: {res.stderr}"
        self.seen.add(contents)


def aws_file(name: str) -> bool:
    return name in ("config", "credentials", "config.bak", "credentials.bak")


# ----------------------------------------------------------------------------- write

def test_write_leaves_the_old_or_the_new_credentials_file(aws_env, moto_auth):
    """Two cached role profiles written in turn into [static]: every run replaces one known
    file with another known file (and the backup with the file it replaces)."""
    env = aws_env
    env.append_credentials("# the user's own comment\n[other]\naws_access_key_id = ASIAOTHEREXAMPLE0001\n"
                           "aws_secret_access_key = o\naws_session_token = t\n")
    env.credentials("base", moto_auth.user)
    for n in (1, 2):
        env.sts_proc_profile(f"p{n}", moto_auth.role_arn, "base", session_name=f"kill-{n}", cache=None)
    credentials, backup = env.credentials_path, Path(str(env.credentials_path) + ".bak")
    argv = {p: [sts_proc_bin(), "write", "--profile", p, "--to", "static"] for p in ("p1", "p2")}
    texts = {}
    for profile in ("p1", "p2", "p1"):
        res = run_sts_proc(argv[profile][1:], env)
        assert res.rc == 0, res.stderr
        assert texts.setdefault(profile, credentials.read_bytes()) == credentials.read_bytes(), "write is not repeatable"
    parse = ParseCheck(env)
    runs = KillRuns("write", KILLS["write"])
    runs.measure(launcher(argv["p2"], env))
    for run in range(KILLS["write"]):
        old, old_backup = credentials.read_bytes(), backup.read_bytes()
        target = "p2" if old == texts["p1"] else "p1"
        where = runs.kill(launcher(argv[target], env), run)
        state = one_of(credentials, {"old": old, "new": texts[target]}, where)
        one_of(backup, {"old backup": old_backup, "new backup": old}, where)
        private(credentials, where)
        private(backup, where)
        parse(where)
        leftovers(credentials.parent, aws_file, [texts[target], old], where)
        runs.outcomes[state] += 1
    assert runs.outcomes["old"] and runs.outcomes["new"], f"the kills never landed on both sides: {runs.outcomes}"
    # The next complete run leaves no temporary file behind, whatever the kills left.
    assert run_sts_proc(argv["p1"][1:], env).rc == 0
    assert leftovers(credentials.parent, aws_file, [], "after a complete run") == []


# ----------------------------------------------------------------------------- runtime files

def test_lock_and_runtime_files_stay_whole(aws_env, moto_auth):
    """A refresh that STS refuses: the leader creates its lock file and leaves its failure
    for the callers that waited on it (`fnv-….failed`, replaced atomically)."""
    env = aws_env
    env.credentials("nopriv", moto_auth.nopriv)
    env.sts_proc_profile("denied", moto_auth.role_arn, "nopriv", session_name=CHAIN_HOP_SESSION, cache=None)
    folder = Path(env["XDG_RUNTIME_DIR"]) / "sts-proc"
    argv = [sts_proc_bin(), "--profile", "denied"]
    first = run_sts_proc(argv[1:], env)
    assert first.rc == 1 and "AccessDenied" in first.stderr, first.stderr
    runs = KillRuns("runtime files", KILLS["runtime files"], exits=1)
    runs.measure(launcher(argv, env))

    def known(name: str) -> bool:
        return name.endswith((".lock", ".failed", ".seen"))

    for run in range(KILLS["runtime files"]):
        failures = {path.name: path.read_bytes() for path in folder.glob("*.failed")}
        started = time.time()
        where = runs.kill(launcher(argv, env), run)
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, where
        for path in folder.iterdir():
            private(path, where)
            if path.name.endswith((".lock", ".seen")):
                assert path.read_bytes() == b"", f"{where}: {path.name} is not empty"
            elif path.name.endswith(".failed") and path.read_bytes() != failures.get(path.name):
                record = json.loads(path.read_bytes())  # a new record: whole, and from this run
                assert record["kind"] == "rejected" and record["profile"] == "denied", f"{where}: {record}"
                assert started - 1 <= record["at"] <= time.time(), f"{where}: {record}"
                runs.outcomes["new failure"] += 1
            elif path.name.endswith(".failed"):
                runs.outcomes["old failure"] += 1
        leftovers(folder, known, [path.read_bytes() for path in folder.glob("*.failed")], where)
    assert runs.outcomes["new failure"] and runs.outcomes["old failure"], \
        f"the kills never landed on both sides: {runs.outcomes}"
    # The next run fails as the first did (nothing a kill left confuses it) and cleans up.
    again = run_sts_proc(argv[1:], env)
    assert again.rc == 1 and again.stderr == first.stderr, again.stderr
    assert leftovers(folder, known, [], "after a complete run") == []


# ----------------------------------------------------------------------------- keys import

def access_key_ids(profile: str) -> list[str]:
    return [item["access_key_id"] for item in
            keyring_control.item_attributes({"application": "sts-proc", "kind": "access-key", "profile": profile})]


def key_in_use(env: dict, profile: str, empty_file: Path) -> str:
    """The access key sts-proc uses for `profile` from the keyring (no file holding keys)."""
    res = run_sts_proc(["env", "--profile", profile, "--format", "json"],
                       dict(env, AWS_SHARED_CREDENTIALS_FILE=str(empty_file)))
    assert res.rc == 0, res.stderr
    return json.loads(res.stdout)["AWS_ACCESS_KEY_ID"]


def test_keys_import_keeps_the_file_whole_and_one_usable_key(aws_env, moto_auth, tmp_path):
    """Two keys imported in turn: the credentials file goes from "with the keys" to "without",
    never losing the keys before the keyring has them; the keyring serves the key stored last."""
    env = aws_env
    empty = tmp_path / "no-credentials"
    empty.write_text("")
    keys = [moto_auth.user, moto_auth.nopriv]
    credentials, backup = env.credentials_path, Path(str(env.credentials_path) + ".bak")
    head = "# the user's own comment\n[other]\naws_access_key_id = ASIAOTHEREXAMPLE0001\naws_secret_access_key = o\n" \
           "aws_session_token = t\n\n"
    with_keys = [(head + f"[base]\naws_access_key_id = {k.access_key_id}\naws_secret_access_key = {k.secret_access_key}\n"
                  "region = eu-west-1\n").encode() for k in keys]

    def restore(text: bytes) -> None:
        temporary = credentials.with_name("test-restore")
        temporary.write_bytes(text)
        temporary.chmod(0o600)
        os.replace(temporary, credentials)

    argv = [sts_proc_bin(), "keys", "import", "--profile", "base"]
    try:
        restore(with_keys[0])
        assert run_sts_proc(argv[1:], env).rc == 0
        without = credentials.read_bytes()
        assert b"aws_secret_access_key = " + keys[0].secret_access_key.encode() not in without
        parse = ParseCheck(env)
        runs = KillRuns("keys import", KILLS["keys import"])

        def measured():
            restore(with_keys[0])
            return launcher(argv, env)()
        runs.measure(measured)
        before = {keys[0].access_key_id}  # the keyring's one key, as each run leaves it for the next
        watched = set(range(4, KILLS["keys import"], 8))  # these runs are killed at the keyring's window instead
        for run in range(KILLS["keys import"]):
            new_key = keys[run % 2]
            restore(with_keys[run % 2])
            old_backup = backup.read_bytes()
            if run in watched:
                where = f"seed {SEED}, keys import, run {run}: killed at its CreateItem call"
                kill_at_store(launcher(argv, env), where)
            else:
                where = runs.kill(launcher(argv, env), run)
            state = one_of(credentials, {"old": with_keys[run % 2], "new": without}, where)
            one_of(backup, {"old backup": old_backup, "new backup": with_keys[run % 2]}, where)
            private(credentials, where)
            private(backup, where)
            parse(where)
            leftovers(credentials.parent, aws_file, [without, with_keys[run % 2]], where)
            stored = access_key_ids("base")
            if state == "new":
                assert new_key.access_key_id in stored, f"{where}: the keys left the file before the keyring had them"
            assert set(stored) <= before | {new_key.access_key_id} and 1 <= len(stored) <= 2, f"{where}: {stored}"
            # However many items a kill left, one key is usable: the one stored last...
            in_use = key_in_use(env, "base", empty)
            expected = new_key.access_key_id if new_key.access_key_id in stored else stored[0]
            assert in_use == expected, f"{where}: the keyring holds {stored}; sts-proc used {in_use}, not {expected}"
            # ...and that run removed any other.
            assert access_key_ids("base") == [in_use], where
            before = {in_use}
            runs.outcomes[state + (" (two items)" if len(stored) == 2 else "")] += 1
        assert runs.outcomes["old"] and runs.outcomes["new"], runs.outcomes
        assert runs.outcomes["old (two items)"] + runs.outcomes["new (two items)"], \
            f"no kill landed between storing a key and removing the old one: {runs.outcomes}"
        restore(with_keys[0])
        assert run_sts_proc(argv[1:], env).rc == 0
        assert leftovers(credentials.parent, aws_file, [], "after a complete run") == []
    finally:
        run_sts_proc(["keys", "remove", "--profile", "base"], env)


def test_a_rotate_killed_as_it_stores_the_new_key_is_finished_by_the_next_runs(aws_env, moto_auth):
    """`keys rotate` killed the moment it stores the new key: IAM holds both keys and the
    keyring may hold both items. The next read uses the new key and removes the old item;
    the next rotate deletes the old key in IAM first. The user ends with one key, stored."""
    env = aws_env
    name, old_id, old_secret, keys_in_iam, _ = make_rotator(moto_auth, ["iam:*AccessKey*", "sts:GetCallerIdentity"])
    env["AWS_ENDPOINT_URL_IAM"] = moto_auth.endpoint
    env.profile("base", region="us-east-1")
    try:
        added = run_sts_proc(["keys", "add", "--profile", "base", "--stdin"], env, stdin_data=f"{old_id}\n{old_secret}\n")
        assert added.rc == 0, added.stderr
        kill_at_store(launcher([sts_proc_bin(), "keys", "rotate", "--profile", "base"], env),
                      f"seed {SEED}, keys rotate: killed at its CreateItem call")
        in_iam = keys_in_iam()
        assert len(in_iam) == 2 and old_id in in_iam, in_iam
        new_id = next(key for key in in_iam if key != old_id)
        assert new_id in access_key_ids("base"), "the new key was not stored"
        whoami = run_sts_proc(["whoami", "--profile", "base"], env)
        assert whoami.rc == 0 and name in whoami.stdout, whoami.stderr
        assert access_key_ids("base") == [new_id], "the read after the kill did not remove the old item"
        finished = run_sts_proc(["keys", "rotate", "--profile", "base"], env, timeout=60)
        assert finished.rc == 0, finished.stderr
        in_iam = keys_in_iam()
        assert len(in_iam) == 1 and in_iam[0] not in (old_id, new_id), in_iam
        assert access_key_ids("base") == in_iam
    finally:
        run_sts_proc(["keys", "remove", "--profile", "base"], env)


# ----------------------------------------------------------------------------- cached credentials

def cache_items(profile: str) -> list[dict[str, str]]:
    return [item for item in keyring_control.item_attributes({"application": "sts-proc", "profile": profile})
            if item.get("kind") != "access-key"]


def test_a_refresh_killed_anywhere_leaves_one_usable_cached_credential(aws_env, moto_auth):
    """`--refresh` stores a new item, then removes the old one. Killed anywhere, the next run
    serves the newest item and removes the other."""
    env = aws_env
    env.credentials("base", moto_auth.user)
    env.sts_proc_profile("r", moto_auth.role_arn, "base", session_name=CHAIN_HOP_SESSION, cache=None,
                         sts_proc_kernel_cache="off")  # every run reads the Secret Service
    argv = [sts_proc_bin(), "--refresh", "--profile", "r"]
    runs = KillRuns("refresh", KILLS["refresh"])
    runs.measure(launcher(argv, env))
    watched = set(range(3, KILLS["refresh"], 10))  # these runs are killed at the keyring's window instead
    for run in range(KILLS["refresh"]):
        if run in watched:
            where = f"seed {SEED}, refresh, run {run}: killed at its CreateItem call"
            # Into the next second first: a credential with the same expiry as the stored
            # one replaces it in place (same attributes), and there is no old item to leave.
            time.sleep(1.05 - time.time() % 1)
            kill_at_store(launcher(argv, env), where)
        else:
            where = runs.kill(launcher(argv, env), run)
        items = cache_items("r")
        assert 1 <= len(items) <= 2 and len({i["key"] for i in items}) == 1, f"{where}: {items}"
        newest = max(int(i["expires"]) for i in items)  # one item per expiry: the same one replaces in place
        res = run_sts_proc(["--profile", "r"], env)
        assert res.rc == 0, f"{where}: {res.stderr}"
        served = datetime.strptime(json.loads(res.stdout)["Expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        assert served.timestamp() == newest, f"{where}: of {items}, the newest was not the one served"
        after = cache_items("r")
        assert len(after) == 1, f"{where}: the next run left {len(after)} items for one key"
        runs.outcomes["two items" if len(items) == 2 else "one item"] += 1
    assert runs.outcomes["two items"], f"no kill landed between storing and removing: {runs.outcomes}"


# ----------------------------------------------------------------------------- IAM Identity Center

def sso_file(name: str) -> bool:
    return name.endswith(".json")


def test_sso_populate_leaves_the_old_or_the_new_config_file(sso_env, sso_service):
    """Populate with two prefixes in turn: each run replaces the other prefix's profiles."""
    env = sso_env
    write_cli_token(env, sso_service, left=timedelta(hours=8))
    env.config_path.chmod(0o600)
    config, backup = env.config_path, Path(str(env.config_path) + ".bak")
    argv = {prefix: [sts_proc_bin(), "sso", "populate", "--sso-session", "my-sso", "--prefix", prefix]
            for prefix in ("a-", "b-")}
    texts = {}
    for prefix in ("a-", "b-", "a-", "b-"):
        res = run_sts_proc(argv[prefix][1:], env)
        assert res.rc == 0, res.stderr
        assert texts.setdefault(prefix, config.read_bytes()) == config.read_bytes(), "populate is not repeatable"
    parse = ParseCheck(env)
    runs = KillRuns("sso populate", KILLS["sso populate"])
    runs.measure(launcher(argv["a-"], env))
    for run in range(KILLS["sso populate"]):
        old, old_backup = config.read_bytes(), backup.read_bytes()
        target = "b-" if old == texts["a-"] else "a-"
        where = runs.kill(launcher(argv[target], env), run)
        state = one_of(config, {"old": old, "new": texts[target]}, where)
        one_of(backup, {"old backup": old_backup, "new backup": old}, where)
        private(config, where)
        private(backup, where)
        parse(where)
        leftovers(config.parent, lambda n: aws_file(n) or n == "sso", [texts[target], old], where)
        runs.outcomes[state] += 1
    assert runs.outcomes["old"] and runs.outcomes["new"], runs.outcomes
    assert run_sts_proc(argv["a-"][1:], env).rc == 0
    assert leftovers(config.parent, lambda n: aws_file(n) or n == "sso", [], "after a complete run") == []


TOKEN_KEYS = ["startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret", "registrationExpiresAt",
              "refreshToken"]


def check_new_token(content: bytes, old: dict | None, service, where: str) -> None:
    """A token file sts-proc wrote: whole, in the AWS CLI's layout, with a token the stand-in
    issued, readable by botocore's own token loader."""
    document = json.loads(content)
    assert list(document) == TOKEN_KEYS, f"{where}: {list(document)}"
    assert json.dumps(document).encode() == content, f"{where}: not the layout sts-proc writes: {content!r}"
    assert document["accessToken"] in service.tokens and document["refreshToken"] in service.refresh_tokens, where
    if old is not None:
        assert document["accessToken"] != old["accessToken"], where
        for key in ("startUrl", "region", "clientId", "clientSecret", "registrationExpiresAt"):
            assert document[key] == old[key], f"{where}: {key}"
    expires = datetime.strptime(document["expiresAt"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert abs((expires - datetime.now(timezone.utc)).total_seconds() - 3600) < 60, f"{where}: {document['expiresAt']}"


def whole_sso_files(folder: Path, known: Callable[[str], bool], service) -> list[bytes]:
    """Temporary files in `folder` that hold a whole token or registration the stand-in
    issued: a writer killed between naming its file and renaming it over the real one
    leaves such a copy (removed by the next write), whose new token the test cannot know
    in advance. Anything else left behind is checked by `leftovers`."""
    whole = []
    for path in folder.iterdir():
        if known(path.name) or not path.is_file():
            continue
        content = path.read_bytes()
        try:
            document = json.loads(content)
        except ValueError:
            continue
        if (isinstance(document, dict) and json.dumps(document).encode() == content
                and (document.get("accessToken") in service.tokens or document.get("clientId") in service.clients)):
            whole.append(content)
    return whole


def botocore_reads_token(env: dict, where: str) -> None:
    cache = botocore.utils.JSONFileCache(str(Path(env["HOME"]) / ".aws" / "sso" / "cache"))
    token = botocore.utils.SSOTokenLoader(cache=cache)(START_URL, session_name="my-sso")
    assert token["accessToken"], where


def test_sso_token_refresh_leaves_the_old_or_the_new_token_file(sso_env, sso_service):
    """A token near expiry, refreshed by credential_process: the file is the old token or
    the refreshed one."""
    env = sso_env
    env.append_config("[profile dev-uncached]\n"
                      f"credential_process = {env.credential_process_line('dev-uncached')}\n"
                      "sts_proc_sso_session = my-sso\nsts_proc_sso_account_id = 111100000000\n"
                      "sts_proc_sso_role_name = Admin\nsts_proc_cache = none\nregion = us-east-1\n")
    path = token_path(env)
    argv = [sts_proc_bin(), "--profile", "dev-uncached"]

    def fresh() -> bytes:
        write_cli_token(env, sso_service, left=timedelta(minutes=5), fraction=False)
        path.chmod(0o600)
        return path.read_bytes()

    runs = KillRuns("sso token refresh", KILLS["sso token refresh"])
    runs.measure(lambda: (fresh(), launcher(argv, env)())[1])
    runtime = Path(env["XDG_RUNTIME_DIR"]) / "sts-proc"
    for run in range(KILLS["sso token refresh"]):
        old = fresh()
        where = runs.kill(launcher(argv, env), run)
        content = path.read_bytes()
        if content == old:
            runs.outcomes["old"] += 1
        else:
            check_new_token(content, json.loads(old), sso_service, where)
            runs.outcomes["new"] += 1
        private(path, where)
        botocore_reads_token(env, where)
        leftovers(path.parent, sso_file, [content, old, *whole_sso_files(path.parent, sso_file, sso_service)], where)
        for lock in runtime.glob("*.lock"):
            private(lock, where)
            assert lock.read_bytes() == b"", where
    assert runs.outcomes["old"] and runs.outcomes["new"], runs.outcomes
    fresh()
    assert run_sts_proc(argv[1:], env).rc == 0
    assert leftovers(path.parent, sso_file, [], "after a complete run") == []


def test_sso_login_leaves_the_old_or_the_new_token_and_registration(sso_env, sso_service):
    """`sso login` (authorization code, the test as the browser) writes the client
    registration before it prints the URL, and the token once the browser comes back. Runs
    killed after a random delay from their start (without a registration) or from the
    browser's request leave each file as it was or whole and new."""
    env = sso_env
    path = token_path(env)
    argv = [sts_proc_bin(), "sso", "login", "--profile", "dev", "--no-browser"]

    def browse(url: str) -> None:
        try:
            with urllib.request.urlopen(url, timeout=10) as page:
                page.read()
        except OSError:
            pass  # the listener was killed first

    def login(kill_after: float | None) -> tuple[float, int]:
        """The whole login, killed `kill_after` seconds after the browser's request."""
        process, url = start_login(env)
        browser = threading.Thread(target=browse, args=(url,), daemon=True)
        started = time.monotonic()
        browser.start()
        if kill_after is not None:
            time.sleep(kill_after)
            process.kill()
        process.communicate(timeout=60)
        browser.join(timeout=15)
        return time.monotonic() - started, process.returncode

    def register(kill_after: float | None) -> tuple[float, int]:
        """A login killed `kill_after` seconds after its start, or once it asks for the browser."""
        process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, cwd=env["HOME"], start_new_session=True)
        started = time.monotonic()
        if kill_after is None:
            assert "open http" in process.stderr.readline()
        else:
            time.sleep(kill_after)
        span = time.monotonic() - started
        process.kill()
        process.communicate(timeout=60)
        return span, process.returncode

    half = KILLS["sso login"] // 2  # odd runs: the token; even runs: the registration
    token_runs, registration_runs = KillRuns("sso login", half), KillRuns("sso client registration", half)
    token_runs.set_duration(sorted(login(None)[0] for _ in range(3))[1])
    registrations = [p for p in path.parent.glob("*.json") if p != path]
    assert len(registrations) == 1, sorted(os.listdir(path.parent))
    registration = registrations[0]
    spans = []
    for _ in range(3):
        registration.unlink()
        spans.append(register(None)[0])
        assert registration.exists()
    registration_runs.set_duration(sorted(spans)[1])
    for run in range(2 * half):
        old_token = path.read_bytes()
        if run % 2:
            delay = token_runs.delays[run // 2]
            where = f"seed {SEED}, sso login, run {run}: SIGKILL {delay * 1000:.1f} ms after the browser's request"
            _, rc = login(delay)
        else:
            registration.unlink(missing_ok=True)  # so that this login registers its client anew
            delay = registration_runs.delays[run // 2]
            where = f"seed {SEED}, sso login, run {run}: SIGKILL {delay * 1000:.1f} ms after its start"
            _, rc = register(delay)
        assert rc in (0, -9), f"{where}: exit status {rc}"
        token = path.read_bytes()
        if token != old_token:
            check_new_token(token, None, sso_service, where)
        private(path, where)
        botocore_reads_token(env, where)
        if run % 2:
            token_runs.outcomes["new token" if token != old_token else "old token"] += 1
        elif registration.exists():
            text = registration.read_bytes()
            document = json.loads(text)  # whole, in the layout sts-proc writes, from the stand-in
            assert json.dumps(document).encode() == text and document["clientId"] in sso_service.clients, where
            private(registration, where)
            registration_runs.outcomes["new"] += 1
        else:
            registration_runs.outcomes["none yet"] += 1
        complete = [token] + ([registration.read_bytes()] if registration.exists() else [])
        leftovers(path.parent, sso_file, complete + whole_sso_files(path.parent, sso_file, sso_service), where)
    for runs in (token_runs, registration_runs):
        assert len(runs.outcomes) == 2, f"{runs.writer}: the kills never landed on both sides: {runs.outcomes}"
    assert login(None)[1] == 0
    assert leftovers(path.parent, sso_file, [], "after a complete run") == []
