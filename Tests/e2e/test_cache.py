"""End-to-end tests of the keyring cache against the private gnome-keyring that
scripts/with-testbed.sh starts, and moto with signature checking on.

A cache hit must make no STS request (counted at moto's proxy), serve the same
credential, and every keyring problem must still give the credential, quickly, with one
note on stderr."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

import keyring_control
from e2e_support import (CHAIN_HOP_SESSION, Result, assert_failure, parse_credentials, run_aws,
                         run_sts_proc, sts_proc_bin, wait_for_background_stores)
from test_federation import ACCESS_DENIED
from test_assume_role import Counter, assumed_arn

SESSION = CHAIN_HOP_SESSION


pytestmark = pytest.mark.usefixtures("empty_keyring")


@pytest.fixture
def env(aws_env, moto_auth):
    """Profile p: ci-role from base's keys, cached in the keyring (the default)."""
    aws_env.credentials("base", moto_auth.user)
    aws_env.sts_proc_profile("p", moto_auth.role_arn, "base", session_name=SESSION, cache=None)
    return aws_env


def test_second_call_is_served_from_the_keyring(env, moto_auth):
    counter = Counter(moto_auth)
    first = parse_credentials(run_sts_proc(["--profile", "p"], env))
    assert counter.delta == 1
    second_run = run_sts_proc(["--profile", "p"], env)
    assert parse_credentials(second_run) == first
    assert second_run.stderr == ""
    assert counter.delta == 1, "the second call reached STS"


def test_aws_cli_calls_through_the_cache(env, moto_auth):
    counter = Counter(moto_auth)
    for _ in range(2):
        res = run_aws(["sts", "get-caller-identity", "--profile", "p", "--output", "json"], env)
        assert res.rc == 0, res.stderr
        assert assumed_arn(moto_auth, "ci-role", SESSION) in res.stdout
    assert counter.delta == 1


def test_item_is_visible_to_secret_tool_and_labelled(env, moto_auth):
    creds = parse_credentials(run_sts_proc(["--profile", "p"], env))
    items = keyring_control.secret_tool_items(env)
    assert len(items) == 1, items
    item = items[0]
    assert item["attribute.application"] == "sts-proc"
    assert item["attribute.profile"] == "p"
    assert item["attribute.role"] == moto_auth.role_arn
    assert len(item["attribute.key"]) == 64
    assert item["label"] == f"sts-proc: p → {moto_auth.role_arn}"
    # No secret in the attributes, which anyone with bus access can list without unlocking.
    for key, value in item.items():
        if key.startswith("attribute."):
            assert creds["SecretAccessKey"] not in value and creds["SessionToken"] not in value
            assert moto_auth.user.secret_access_key not in value


def test_a_credential_that_cannot_outlive_min_ttl_is_never_served_from_cache(aws_env, moto_auth):
    aws_env.credentials("base", moto_auth.user)
    aws_env.sts_proc_profile("p", moto_auth.role_arn, "base", session_name=SESSION, cache=None,
                             duration_seconds="900")
    counter = Counter(moto_auth)
    first = parse_credentials(run_sts_proc(["--profile", "p"], aws_env))
    second = parse_credentials(run_sts_proc(["--profile", "p"], aws_env))
    assert counter.delta == 2
    assert first["AccessKeyId"] != second["AccessKeyId"]


def test_min_ttl_setting_is_honoured(aws_env, moto_auth):
    aws_env.credentials("base", moto_auth.user)
    aws_env.sts_proc_profile("p", moto_auth.role_arn, "base", session_name=SESSION, cache=None,
                             duration_seconds="900", sts_proc_min_ttl="300")
    counter = Counter(moto_auth)
    first = parse_credentials(run_sts_proc(["--profile", "p"], aws_env))
    assert parse_credentials(run_sts_proc(["--profile", "p"], aws_env)) == first
    assert counter.delta == 1


def test_changed_external_id_or_role_misses(env, moto_auth):
    counter = Counter(moto_auth)
    parse_credentials(run_sts_proc(["--profile", "p"], env))
    env.config_path.write_text("")
    env.sts_proc_profile("p", moto_auth.extid_role_arn, "base", session_name=SESSION, cache=None,
                         external_id=moto_auth.external_id)
    other = parse_credentials(run_sts_proc(["--profile", "p"], env))
    assert counter.delta == 2
    assert other["AccessKeyId"] != ""
    requests = counter.new_requests()
    assert "ExternalId=" + moto_auth.external_id in requests[-1].body.decode()
    # Only the external id changes now: still a miss.
    env.config_path.write_text("")
    env.sts_proc_profile("p", moto_auth.extid_role_arn, "base", session_name=SESSION, cache=None,
                         external_id=moto_auth.external_id + "-2")
    run_sts_proc(["--profile", "p"], env)
    assert counter.delta == 3


def test_refresh_flag_asks_sts_and_replaces_the_item(env, moto_auth):
    counter = Counter(moto_auth)
    first = parse_credentials(run_sts_proc(["--profile", "p"], env))
    refreshed = parse_credentials(run_sts_proc(["--profile", "p", "--refresh"], env))
    assert counter.delta == 2
    assert refreshed["AccessKeyId"] != first["AccessKeyId"]
    assert parse_credentials(run_sts_proc(["--profile", "p"], env)) == refreshed
    assert counter.delta == 2
    assert len(keyring_control.secret_tool_items(env)) == 1
    # The refreshed copy replaced the old one, and carries the 5-minute limit.
    lifetimes = keyring_control.kernel_copy_lifetimes()
    assert len(lifetimes) == 1 and 0 < lifetimes[0] <= 300, lifetimes


def test_failed_refresh_leaves_the_cached_credential_in_place(env, moto_auth):
    # The store is made ready while STS is asked; only a credential that arrived replaces the item.
    first = parse_credentials(run_sts_proc(["--profile", "p"], env))
    before = keyring_control.secret_tool_items(env)
    with moto_auth.injected(403, ACCESS_DENIED):
        res = run_sts_proc(["--profile", "p", "--refresh"], env)
    assert_failure(res, "p", 1, contains=["AccessDenied"])
    assert keyring_control.secret_tool_items(env) == before
    assert keyring_control.kernel_copy_count() == 1, "the failed refresh dropped the kernel copy"
    counter = Counter(moto_auth)
    assert parse_credentials(run_sts_proc(["--profile", "p"], env)) == first
    keyring_control.clear_kernel_copies()
    assert parse_credentials(run_sts_proc(["--profile", "p"], env)) == first
    assert counter.delta == 0


def test_corrupt_item_is_ignored_and_replaced(env, moto_auth):
    counter = Counter(moto_auth)
    parse_credentials(run_sts_proc(["--profile", "p"], env))
    item = keyring_control.secret_tool_items(env)[0]
    attributes = {k.split(".", 1)[1]: v for k, v in item.items() if k.startswith("attribute.")}
    keyring_control.secret_tool_store(env, attributes, "{not a credential")
    keyring_control.clear_kernel_copies()
    res = run_sts_proc(["--profile", "p"], env)
    repaired = parse_credentials(res)
    assert res.stderr == ""
    assert counter.delta == 2
    assert parse_credentials(run_sts_proc(["--profile", "p"], env)) == repaired
    assert counter.delta == 2
    assert len(keyring_control.secret_tool_items(env)) == 1


def test_locked_collection_still_serves_quickly_with_a_note(env, moto_auth):
    parse_credentials(run_sts_proc(["--profile", "p"], env))
    keyring_control.clear_kernel_copies()  # as after their five minutes
    keyring_control.lock_default_collection()
    assert keyring_control.is_locked()
    counter = Counter(moto_auth)
    res = run_sts_proc(["--profile", "p"], env)
    parse_credentials(res)
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("sts-proc: profile p: note: ") and "locked" in lines[0], res.stderr
    assert counter.delta == 1, "a locked collection must not be mistaken for a hit"
    assert res.seconds < 2.0, f"took {res.seconds:.2f}s"


def test_no_session_bus_still_serves_with_a_note(env, moto_auth):
    no_bus = dict(env)
    no_bus.pop("DBUS_SESSION_BUS_ADDRESS", None)
    no_bus.pop("DISPLAY", None)
    res = run_sts_proc(["--profile", "p"], no_bus)
    parse_credentials(res)
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and "note:" in lines[0] and "unavailable" in lines[0], res.stderr
    assert res.seconds < 2.0


def test_fresh_bus_whose_secret_service_is_not_running_yet_still_serves(env, moto_auth, tmp_path):
    """A new session bus on which org.freedesktop.secrets is only activatable: starting the
    keyring daemon may take longer than sts-proc waits, and must never fail or stall it."""
    script = tmp_path / "run.sh"
    script.write_text(f'exec "{sts_proc_bin()}" --profile p\n')
    inner = dict(env)
    inner.pop("DBUS_SESSION_BUS_ADDRESS", None)
    started = time.monotonic()
    res = subprocess.run(["dbus-run-session", "--", "sh", str(script)], env=inner, capture_output=True,
                         text=True, timeout=30, stdin=subprocess.DEVNULL)
    elapsed = time.monotonic() - started
    assert res.returncode == 0, res.stderr
    assert '"Version":1' in res.stdout
    # The activated daemon shares dbus-run-session's stderr, so look for our line anywhere.
    assert res.stderr.count("sts-proc: profile p: note: ") <= 1, res.stderr
    assert res.stderr.count("sts-proc:") == res.stderr.count("sts-proc: profile p: note: "), res.stderr
    assert elapsed < 5.0


def test_64_parallel_cold_invocations_make_one_sts_request(env, moto_auth):
    counter = Counter(moto_auth)
    processes = [subprocess.Popen([sts_proc_bin(), "--profile", "p"], env=env, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(64)]
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        assert err == "", err
        outputs.append(out)
    assert len(set(outputs)) == 1, "not every caller printed the same credential"
    assert counter.delta == 1, f"{counter.delta} STS requests for 64 cold callers"


def test_parallel_callers_facing_a_wedged_keyring_do_not_queue_behind_each_other(env, moto_auth):
    # The first caller holds the lock while its search times out (750 ms); the others must
    # then go their own ways at once, not take turns timing out.
    counter = Counter(moto_auth)
    pid = keyring_control.daemon_pid()
    os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        processes = [subprocess.Popen([sts_proc_bin(), "--profile", "p"], env=env, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for _ in range(8)]
        results = [(process.communicate(timeout=30), process.returncode) for process in processes]
        elapsed = time.monotonic() - started
    finally:
        os.kill(pid, signal.SIGCONT)
    for (out, err), rc in results:
        assert rc == 0, err
        parse_credentials(Result(rc, out, err, 0.0))
    # The note is printed (once an hour: by the first to see it, maybe a few at once).
    assert any("did not answer within 750 ms" in err for (_, err), _ in results), results
    # The first caller waits out its limit (0.75 s) and fetches; the others wait for it and
    # share its credential; taking turns would need 8 x 0.75 s.
    assert elapsed < 4.0, f"8 callers took {elapsed:.1f}s against a wedged keyring"
    assert counter.delta == 1, "the burst should have shared one fetch"
    assert len({out for (out, _), _ in results}) == 1


def test_a_locked_empty_collection_does_not_turn_a_burst_into_a_queue(env, moto_auth):
    """Locked and empty, the collection looks like a plain miss; the first caller's store
    fails. Its waiters used to fetch one after another (50 requests, 34 s against a slow
    STS): they now share its credential through a kernel copy that lives a minute, and
    nothing is stored in the locked collection."""
    keyring_control.lock_default_collection()
    assert keyring_control.is_locked()
    counter = Counter(moto_auth)
    moto_auth.hold(1.0, times=1)  # a slow STS makes a queue visible
    started = time.monotonic()
    processes = [subprocess.Popen([sts_proc_bin(), "--profile", "p"], env=env, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(50)]
    results = [(process.communicate(timeout=60), process.returncode) for process in processes]
    elapsed = time.monotonic() - started
    for (out, err), rc in results:
        assert rc == 0, err
    assert len({out for (out, _), _ in results}) == 1
    assert counter.delta == 1, f"{counter.delta} STS requests for 50 callers"
    assert elapsed < 10.0, f"50 callers took {elapsed:.1f}s"
    # Waiters are served as soon as the leader's copy is there; its first-level lifetime
    # becomes a minute once the background store has failed on the locked collection.
    wait_for_background_stores(env)
    lifetimes = keyring_control.kernel_copy_lifetimes()
    assert lifetimes and max(lifetimes) <= 60, lifetimes
    keyring_control.unlock_default_collection()
    assert keyring_control.secret_tool_items(env) == [], "nothing may be stored while the collection is locked"


def test_lock_files_do_not_pile_up(env, moto_auth):
    folder = os.path.join(env["XDG_RUNTIME_DIR"], "sts-proc")
    parse_credentials(run_sts_proc(["--profile", "p"], env))
    parse_credentials(run_sts_proc(["--profile", "p", "--refresh"], env))
    assert os.path.isdir(folder)
    assert [name for name in os.listdir(folder) if name.endswith(".lock")] == []


def test_killed_lock_holder_does_not_block_the_next_caller(env, moto_auth):
    counter = Counter(moto_auth)
    moto_auth.hold(20, times=1)  # the first refresher's request hangs at "STS"
    holder = subprocess.Popen([sts_proc_bin(), "--profile", "p"], env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while counter.delta < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert counter.delta == 1, "the first caller never reached STS"
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=5)
        res = run_sts_proc(["--profile", "p"], env)
        parse_credentials(res)
        assert res.seconds < 5.0, f"the next caller waited {res.seconds:.1f}s on a dead holder's lock"
        assert counter.delta == 2
    finally:
        if holder.poll() is None:
            holder.kill()
        moto_auth.clear_injections()


def test_cache_list_and_clear(env, moto_auth):
    env.sts_proc_profile("q", moto_auth.role_arn, "base", session_name=SESSION, cache=None,
                         duration_seconds="1800")
    p = parse_credentials(run_sts_proc(["--profile", "p"], env))
    q = parse_credentials(run_sts_proc(["--profile", "q"], env))
    listing = run_sts_proc(["cache", "list"], env)
    assert listing.rc == 0, listing.stderr
    lines = listing.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["p", "q"], listing.stdout
    for line in lines:
        fields = line.split("\t")
        assert fields[1] == moto_auth.role_arn
        assert fields[3].endswith("left")
    assert "29 min" in lines[1] or "30 min" in lines[1], lines[1]
    for secret in (p["SecretAccessKey"], p["SessionToken"], q["SecretAccessKey"]):
        assert secret not in listing.stdout + listing.stderr

    assert run_sts_proc(["cache", "clear", "--profile", "p"], env).rc == 0
    remaining = run_sts_proc(["cache", "list"], env).stdout.splitlines()
    assert [line.split("\t")[0] for line in remaining] == ["q"]
    assert run_sts_proc(["cache", "clear"], env).rc == 0
    assert run_sts_proc(["cache", "list"], env).stdout == ""
    assert keyring_control.secret_tool_items(env) == []


def test_cache_none_never_touches_the_keyring(aws_env, moto_auth):
    aws_env.credentials("base", moto_auth.user)
    aws_env.sts_proc_profile("p", moto_auth.role_arn, "base", session_name=SESSION, cache="none")
    parse_credentials(run_sts_proc(["--profile", "p"], aws_env))
    assert keyring_control.secret_tool_items(aws_env) == []


def test_kernel_keyring_copies_serve_a_burst_without_the_bus(env, moto_auth):
    counter = Counter(moto_auth)
    first = parse_credentials(run_sts_proc(["--profile", "p"], env))
    no_bus = dict(env)
    no_bus.pop("DBUS_SESSION_BUS_ADDRESS", None)
    res = run_sts_proc(["--profile", "p"], no_bus)
    assert parse_credentials(res) == first
    assert res.stderr == "", "the Secret Service was consulted although a kernel copy exists"
    assert counter.delta == 1
    # `cache clear` removes the copies too.
    assert run_sts_proc(["cache", "clear"], env).rc == 0
    res = run_sts_proc(["--profile", "p"], no_bus)
    parse_credentials(res)
    assert "note:" in res.stderr and counter.delta == 2


def test_kernel_cache_off_always_asks_the_secret_service(aws_env, moto_auth):
    aws_env.credentials("base", moto_auth.user)
    aws_env.sts_proc_profile("p", moto_auth.role_arn, "base", session_name=SESSION, cache=None,
                             sts_proc_kernel_cache="off")
    parse_credentials(run_sts_proc(["--profile", "p"], aws_env))
    no_bus = dict(aws_env)
    no_bus.pop("DBUS_SESSION_BUS_ADDRESS", None)
    res = run_sts_proc(["--profile", "p"], no_bus)
    parse_credentials(res)
    assert "note:" in res.stderr


def test_a_note_is_printed_once_an_hour_per_profile(env, moto_auth):
    """The Go and Ruby SDKs show stderr on success: a keyring note must not repeat every run."""
    no_bus = {k: v for k, v in env.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    first = run_sts_proc(["--profile", "p", "--refresh"], no_bus)
    assert first.rc == 0 and "note:" in first.stderr, first.stderr
    second = run_sts_proc(["--profile", "p", "--refresh"], no_bus)
    assert second.rc == 0 and second.stderr == "", "the same note was printed again within the hour"
    env.sts_proc_profile("q", moto_auth.role_arn, "base", session_name=SESSION, cache=None)
    other = run_sts_proc(["--profile", "q", "--refresh"], no_bus)
    assert "profile q: note:" in other.stderr, "another profile's note is its own"
    # Errors are never held back.
    for _ in range(2):
        assert "not found" in run_sts_proc(["--profile", "nope"], no_bus).stderr


def test_the_leaders_failure_is_shared_with_its_waiters(env, moto_auth):
    """A burst whose leader is refused: the waiters fail at once with the same line instead
    of each asking STS again (STS refuses only once here, so a second request would succeed)."""
    counter = Counter(moto_auth)
    moto_auth.hold(1.5, times=1)  # the leader's request is slow, so the others queue behind it
    with moto_auth.injected(403, ACCESS_DENIED, times=1):
        processes = [subprocess.Popen([sts_proc_bin(), "--profile", "p"], env=env, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(16)]
        results = [(process.communicate(timeout=60), process.returncode) for process in processes]
    assert counter.delta == 1, f"{counter.delta} AssumeRole requests for one burst"
    lines = {err.strip() for (_, err), _ in results}
    assert len(lines) == 1 and "AccessDenied" in lines.pop()
    assert {rc for _, rc in results} == {1}
    # A later run, past the record's lifetime or not waiting on anyone, tries again.
    time.sleep(0.2)
    assert parse_credentials(run_sts_proc(["--profile", "p"], env))


def test_without_a_secret_service_the_kernel_keyring_keeps_the_credential(env, moto_auth):
    """Headless servers, CI runners, WSL: no Secret Service, yet a burst is one STS call."""
    keyring_control.clear_kernel_copies()
    no_bus = {k: v for k, v in env.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    counter = Counter(moto_auth)
    first = run_sts_proc(["--profile", "p"], no_bus)
    assert first.rc == 0 and "kept in the kernel keyring instead" in first.stderr, first.stderr
    again = run_sts_proc(["--profile", "p"], no_bus)
    assert parse_credentials(again) == parse_credentials(first) and again.stderr == ""
    assert counter.delta == 1
    lifetimes = keyring_control.kernel_copy_lifetimes()
    assert len(lifetimes) == 1 and lifetimes[0] > 300, lifetimes  # its whole life, not 5 minutes
    listing = run_sts_proc(["cache", "list"], no_bus)
    assert listing.rc == 0 and listing.stdout.startswith("p\t(kernel keyring)\t"), listing
    assert parse_credentials(first)["SecretAccessKey"] not in listing.stdout + listing.stderr
    assert run_sts_proc(["cache", "clear", "--profile", "p"], env).rc == 0
    assert keyring_control.kernel_copy_count() == 0


def test_sts_proc_cache_kernel_never_asks_the_secret_service(env, moto_auth):
    keyring_control.clear_kernel_copies()
    env.sts_proc_profile("k", moto_auth.role_arn, "base", session_name=SESSION, cache="kernel")
    counter = Counter(moto_auth)
    for _ in range(3):
        res = run_sts_proc(["--profile", "k"], env)
        assert res.rc == 0 and res.stderr == "", res.stderr
    assert counter.delta == 1
    assert keyring_control.secret_tool_items(env) == []
    assert keyring_control.kernel_copy_lifetimes()[0] > 300
    keyring_control.clear_kernel_copies()


def test_a_cold_run_prints_before_the_keyring_store_which_finishes_in_the_background(env, moto_auth):
    """With the keyring daemon stopped after the lookup, the caller still gets its document
    as soon as STS answers (an in-process store would first wait out its 750 ms limit); the
    store runs on in a process of its own, fails, leaves a one-minute copy for the burst and
    a note that the next run prints."""
    counter = Counter(moto_auth)
    moto_auth.hold(1.0, times=1)
    process = subprocess.Popen([sts_proc_bin(), "--profile", "p"], env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    while counter.delta < 1 and time.monotonic() < deadline:
        time.sleep(0.005)
    reached = time.monotonic()
    pid = keyring_control.daemon_pid()
    os.kill(pid, signal.SIGSTOP)
    try:
        out, err = process.communicate(timeout=30)
        answered_after = time.monotonic() - reached
        assert process.returncode == 0 and err == "", err
        assert answered_after < 1.0 + 0.5, f"the caller waited {answered_after:.2f}s for a 1 s STS"
        time.sleep(1.5)  # past the store's 750 ms limit
    finally:
        os.kill(pid, signal.SIGCONT)
    wait_for_background_stores(env)
    assert keyring_control.secret_tool_items(env) == []
    assert max(keyring_control.kernel_copy_lifetimes()) <= 60
    again = run_sts_proc(["--profile", "p"], env)
    assert again.stdout == out and counter.delta == 1
    assert "did not answer" in again.stderr and "not cached" in again.stderr, again.stderr
    stores = [p for p in os.listdir("/proc") if p.isdigit() and _is_store_process(p)]
    assert stores == [], "a background store outlived its work"


def test_waiters_are_served_by_the_leaders_copy_without_waiting_for_its_store(env, moto_auth):
    """The leader's background store holds the refresh lock until the item is stored, but
    its waiters need only the kernel copy, written before the leader prints: they end with
    the leader, not with the store (here held up by a stopped keyring daemon, up to the
    store's 750 ms limit)."""
    counter = Counter(moto_auth)
    moto_auth.hold(1.0, times=1)
    start = lambda: subprocess.Popen([sts_proc_bin(), "--profile", "p"], env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    leader = start()
    deadline = time.monotonic() + 10
    while counter.delta < 1 and time.monotonic() < deadline:
        time.sleep(0.005)
    pid = keyring_control.daemon_pid()
    os.kill(pid, signal.SIGSTOP)
    try:
        waiters = [start() for _ in range(8)]
        out, err = leader.communicate(timeout=30)
        leader_done = time.monotonic()
        assert leader.returncode == 0 and err == "", err
        for waiter in waiters:
            waiter_out, waiter_err = waiter.communicate(timeout=30)
            assert waiter.returncode == 0 and waiter_out == out, waiter_err
        waited = time.monotonic() - leader_done
        assert waited < 0.6, f"the waiters ended {waited:.2f}s after the leader: they queued behind its store"
    finally:
        os.kill(pid, signal.SIGCONT)
    wait_for_background_stores(env)
    assert counter.delta == 1


def _is_store_process(pid: str) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().split(b"\0")[:2] == [b"sts-proc", b"__store"]
    except OSError:
        return False


def test_without_kernel_copies_waiters_get_the_stored_item(env, moto_auth):
    env.sts_proc_profile("nocopy", moto_auth.role_arn, "base", session_name=SESSION, cache=None,
                         sts_proc_kernel_cache="off")
    counter = Counter(moto_auth)
    processes = [subprocess.Popen([sts_proc_bin(), "--profile", "nocopy"], env=env, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(16)]
    outputs = set()
    for process in processes:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0 and err == "", err
        outputs.add(out)
    assert len(outputs) == 1 and counter.delta == 1
    assert keyring_control.kernel_copy_count() == 0
