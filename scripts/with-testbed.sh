#!/usr/bin/env bash
# Usage: scripts/with-testbed.sh CMD [ARGS...]
#
# Runs CMD inside a private, unlocked Secret Service (gnome-keyring on its own D-Bus
# session bus, no display) and a kernel user keyring of its own (scripts/with-own-keyring.sh),
# then tears everything down: the daemon exits with the bus, the temporary XDG_DATA_HOME /
# XDG_RUNTIME_DIR are removed, and the keyring goes with its namespace. So nothing CMD does
# reaches the Secret Service or the kernel keyring of the person running it. Exit status =
# CMD's. The reasons for each step are in the comments below.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 64
fi

# First into a user namespace of our own (unless this very namespace was made for us), for
# the kernel keyring.
if [ "${STS_PROC_OWN_KEYRING:-}" != "$(readlink /proc/self/ns/user)" ]; then
  self=$(realpath "${BASH_SOURCE[0]}")
  exec "$(dirname "$self")/with-own-keyring.sh" "$self" "$@"
fi
for tool in dbus-run-session gnome-keyring-daemon gdbus; do
  command -v "$tool" >/dev/null || { echo "with-testbed: $tool not found (run scripts/install-deps.sh)" >&2; exit 69; }
done

XDG_DATA_HOME=$(mktemp -d "${TMPDIR:-/tmp}/sts-proc-testbed-data.XXXXXX")
XDG_RUNTIME_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sts-proc-testbed-run.XXXXXX")
chmod 700 "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
export XDG_DATA_HOME XDG_RUNTIME_DIR
daemon_pid_file="$XDG_RUNTIME_DIR/.testbed-keyring.pid"

cleanup() {
  # The daemon leaves when the bus goes away; wait (bounded) so it no longer writes into
  # the folders we are about to remove.
  local pid=""
  [ -f "$daemon_pid_file" ] && pid=$(cat "$daemon_pid_file" 2>/dev/null || true)
  if [ -n "$pid" ]; then
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; sleep 0.2; fi
  fi
  rm -rf "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# No display: a locked keyring must fail fast instead of prompting forever. Forget any
# outer bus or keyring so nothing reaches the user's real Secret Service.
unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL SSH_AUTH_SOCK

# In the user namespace, dbus-daemon (as root there) fails to raise its descriptor limit and
# says so; that one harmless line is left out of the daemons' stderr. CMD gets the
# original stderr (descriptor 3) untouched.
status=0
dbus-run-session -- bash -c '
  set -euo pipefail
  pid_file=$1; shift
  printf %s "testbed-password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  # --unlock returns before the name is owned; without this, runs race and start a second daemon.
  gdbus wait --session --timeout 10 org.freedesktop.secrets || {
    echo "with-testbed: org.freedesktop.secrets did not appear on the private bus" >&2; exit 70; }
  gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.GetConnectionUnixProcessID org.freedesktop.secrets \
    | sed -n "s/.*uint32 \([0-9][0-9]*\).*/\1/p" >"$pid_file" || true
  exec "$@" 2>&3 3>&-
' with-testbed "$daemon_pid_file" "$@" 3>&2 2> >(grep --line-buffered -v "Failed to set fd limit" >&2) || status=$?
exit "$status"
