"""Driving the private gnome-keyring of scripts/with-testbed.sh from tests: lock and
unlock the default collection without prompts, and read items with
secret-tool, the way a user would inspect them."""

from __future__ import annotations

import os
import subprocess

from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection

TESTBED_PASSWORD = b"testbed-password"  # scripts/with-testbed.sh unlocks with this
COLLECTION = "/org/freedesktop/secrets/collection/login"
_SERVICE = DBusAddress("/org/freedesktop/secrets", bus_name="org.freedesktop.secrets",
                       interface="org.freedesktop.Secret.Service")
_INTERNAL = DBusAddress("/org/freedesktop/secrets", bus_name="org.freedesktop.secrets",
                        interface="org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface")


def lock_default_collection() -> None:
    with open_dbus_connection(bus="SESSION") as conn:
        conn.send_and_get_reply(new_method_call(_SERVICE, "Lock", "ao", ([COLLECTION],)))


def unlock_default_collection() -> None:
    with open_dbus_connection(bus="SESSION") as conn:
        reply = conn.send_and_get_reply(new_method_call(_SERVICE, "OpenSession", "sv", ("plain", ("s", ""))))
        session = reply.body[1]
        conn.send_and_get_reply(new_method_call(
            _INTERNAL, "UnlockWithMasterPassword", "o(oayays)",
            (COLLECTION, (session, b"", TESTBED_PASSWORD, "text/plain"))))


def is_locked() -> bool:
    address = DBusAddress(COLLECTION, bus_name="org.freedesktop.secrets",
                          interface="org.freedesktop.DBus.Properties")
    with open_dbus_connection(bus="SESSION") as conn:
        reply = conn.send_and_get_reply(new_method_call(
            address, "Get", "ss", ("org.freedesktop.Secret.Collection", "Locked")))
        return bool(reply.body[0][1])


def secret_tool_items(env: dict) -> list[dict]:
    """`secret-tool search --all application sts-proc`, parsed into one dict per item
    (label, secret, attribute.*). secret-tool prints each item's label and secret on stdout
    and its attributes on stderr, item after item; the attribute groups are told apart by
    a key repeating."""
    res = subprocess.run(["secret-tool", "search", "--all", "application", "sts-proc"],
                         env=env, capture_output=True, text=True, timeout=10, stdin=subprocess.DEVNULL)
    items: list[dict] = []
    for line in res.stdout.splitlines():
        if line.startswith("["):
            items.append({})
        elif " = " in line and items:
            key, value = line.split(" = ", 1)
            items[-1][key.strip()] = value
    groups: list[dict] = []
    for line in res.stderr.splitlines():
        if not line.startswith("attribute.") or " = " not in line:
            continue
        key, value = line.split(" = ", 1)
        if not groups or key in groups[-1]:
            groups.append({})
        groups[-1][key.strip()] = value
    assert len(groups) == len(items), f"cannot pair secret-tool output: {res.stdout!r} {res.stderr!r}"
    for item, attributes in zip(items, groups):
        item.update(attributes)
    return items


def item_attributes(match: dict[str, str]) -> list[dict[str, str]]:
    """The attributes of every item that carries `match` (over D-Bus, in-process: no
    secret is read, and it takes a few milliseconds where secret-tool takes tens)."""
    service = DBusAddress("/org/freedesktop/secrets", bus_name="org.freedesktop.secrets",
                          interface="org.freedesktop.Secret.Service")
    with open_dbus_connection(bus="SESSION") as connection:
        unlocked, locked = connection.send_and_get_reply(new_method_call(service, "SearchItems", "a{ss}", (match,))).body
        found = []
        for path in unlocked + locked:
            item = DBusAddress(path, bus_name="org.freedesktop.secrets", interface="org.freedesktop.DBus.Properties")
            reply = connection.send_and_get_reply(new_method_call(item, "Get", "ss", ("org.freedesktop.Secret.Item",
                                                                                      "Attributes")))
            found.append(dict(reply.body[0][1]))
        return found


def secret_tool_store(env: dict, attributes: dict, secret: str, label: str = "corrupt") -> None:
    argv = ["secret-tool", "store", "--label", label]
    for key, value in attributes.items():
        argv += [key, value]
    subprocess.run(argv, env=env, input=secret, text=True, check=True, timeout=10, capture_output=True)


def secret_tool_clear(env: dict, attributes: dict) -> None:
    argv = ["secret-tool", "clear"]
    for key, value in attributes.items():
        argv += [key, value]
    subprocess.run(argv, env=env, check=True, timeout=10, capture_output=True)


def _kernel_copy_ids() -> list[int]:
    """sts-proc's first-level copies in the kernel user keyring, through the keyctl calls."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    user_keyring, keyctl_read, keyctl_describe = -4, 11, 6
    ids = (ctypes.c_int32 * 1024)()
    length = libc.syscall(_SYS_KEYCTL, keyctl_read, user_keyring, ids, ctypes.sizeof(ids))
    found = []
    for key in list(ids)[: max(0, min(length, ctypes.sizeof(ids)) // 4)]:
        buffer = ctypes.create_string_buffer(512)
        if libc.syscall(_SYS_KEYCTL, keyctl_describe, key, buffer, 512) > 0:
            if buffer.value.decode(errors="replace").split(";", 4)[-1].startswith("sts-proc:"):
                found.append(key)
    return found


_SYS_KEYCTL = 250 if os.uname().machine == "x86_64" else 219


def kernel_copy_count() -> int:
    return len(_kernel_copy_ids())


def kernel_copy_lifetimes() -> list[int]:
    """Seconds left for each of sts-proc's copies linked in the user keyring, from
    /proc/keys ("perm": no limit, as -1). A replaced copy may linger there, unlinked, until
    the kernel collects it; only linked ones count."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
    linked = set(_kernel_copy_ids())
    lifetimes = []
    with open("/proc/keys") as f:
        for line in f:
            fields = line.split(None, 8)
            if len(fields) == 9 and int(fields[0], 16) in linked:
                expiry = fields[3]
                lifetimes.append(-1 if expiry == "perm" else int(expiry[:-1]) * units[expiry[-1]])
    return lifetimes


def clear_kernel_copies() -> None:
    """Invalidate sts-proc's first-level copies in the kernel user keyring (what their
    five-minute lifetime would do)."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    keyctl_invalidate = 21
    for key in _kernel_copy_ids():
        libc.syscall(_SYS_KEYCTL, keyctl_invalidate, key)


def daemon_pid() -> int:
    """The private gnome-keyring-daemon that scripts/with-testbed.sh started."""
    with open(os.path.join(os.environ["XDG_RUNTIME_DIR"], ".testbed-keyring.pid")) as f:
        text = f.read().strip()
    assert text.isdigit(), "scripts/with-testbed.sh did not record the keyring daemon's pid"
    return int(text)
