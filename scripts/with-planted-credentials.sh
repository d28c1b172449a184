#!/usr/bin/env bash
# Usage: scripts/with-planted-credentials.sh CMD [ARGS...]
#
# Runs CMD (the test suite) and proves that it left alone the cached credentials of the
# person running it. Before CMD:
#   - a copy shaped like sts-proc's (type user, "sts-proc:<profile>:<16 hex digits>", the
#     names `sts-proc cache clear` removes) is planted in the caller's own kernel user
#     keyring, with a two-hour time limit in case this script is killed;
#   - a stand-in for the caller's desktop session is started (a D-Bus session bus with an
#     unlocked gnome-keyring over temporary folders: never the caller's real one), and a
#     cached credential and a stored key with sts-proc's attributes are planted there;
#   - inside scripts/with-testbed.sh, neither may be visible.
# CMD then runs inside the stand-in session, as it would on a desktop. After it, the copy
# and both items must be there unchanged, and ~/.aws must not have changed (names, sizes,
# times and modes are compared, never contents); then the planted things are removed.
# Exit status: CMD's, or 1 when something planted was touched. Needs keyctl (keyutils),
# secret-tool, gnome-keyring and dbus-run-session: scripts/install-deps.sh test.
set -euo pipefail
self=$(realpath "$0")
cd "$(dirname "$self")/.."

if [ "${1:-}" = --in-session ]; then
  # ---------------------------------------------------------------- inside the stand-in
  shift; probe=$1 kernel_description=$2; shift 2
  printf %s "stand-in-password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  gdbus wait --session --timeout 10 org.freedesktop.secrets
  plant() {  # KIND SECRET: an item with the attributes sts-proc gives its own
    printf %s "$2" | secret-tool store --label "sts-proc: planted $1 of $probe" application sts-proc \
      profile "$probe" kind "$1" key "planted-$1" role "arn:aws:iam::123456789012:role/planted" expires 4102444800
  }
  plant credential '{"Version":1,"AccessKeyId":"ASIAPLANTEDPLANTED00","SecretAccessKey":"planted","SessionToken":"planted","Expiration":"2099-12-31T00:00:00Z"}'
  plant access-key "AKIAPLANTEDPLANTED00 planted-secret"
  snapshot() { secret-tool search --all application sts-proc profile "$probe" 2>&1 | grep -v '^created\|^modified' | sort; }
  before=$(snapshot)
  [ "$(grep -c '^secret = ' <<<"$before")" -eq 2 ] || { echo "planted-credentials: planting in the stand-in Secret Service failed: $before" >&2; exit 1; }

  # The test bed must see neither: another Secret Service, another kernel keyring.
  visible=$(scripts/with-testbed.sh bash -c '
    secret-tool search --all application sts-proc profile "$1" 2>/dev/null | grep -q . && echo "the stand-in Secret Service item"
    keyctl search @u user "$2" >/dev/null 2>&1 && echo "the kernel keyring copy"
    true' probe "$probe" "$kernel_description" 2>/dev/null)
  if [ -n "$visible" ]; then
    echo "planted-credentials: inside scripts/with-testbed.sh the tests can see $visible" >&2
    exit 1
  fi
  echo "planted-credentials: a credential copy in your kernel keyring and two items in a stand-in Secret Service; the test bed sees neither"

  # CMD gets the original stderr (descriptor 3), not the filtered one of the bus daemon:
  # where dbus-daemon may not raise its descriptor limit it says so, harmlessly.
  status=0
  "$@" 2>&3 3>&- || status=$?
  if [ "$(snapshot)" != "$before" ]; then
    echo "planted-credentials: the items planted in the stand-in Secret Service were changed or removed" >&2
    exit 1
  fi
  exit "$status"
fi

# ---------------------------------------------------------------- outside: the caller's keyring
if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 64
fi
for tool in keyctl secret-tool gnome-keyring-daemon dbus-run-session gdbus; do
  command -v "$tool" >/dev/null || { echo "planted-credentials: $tool not found (run scripts/install-deps.sh test)" >&2; exit 69; }
done

probe="planted-$$-$RANDOM"
kernel_description="sts-proc:$probe:$(printf '%016x' "$((RANDOM * 32768 + RANDOM))")"
payload="sts-proc first-level cache v1 (planted by scripts/with-planted-credentials.sh)"
key=$(keyctl add user "$kernel_description" "$payload" @u)
keyctl timeout "$key" 7200
aws_fingerprint() { { find "$HOME/.aws" -printf '%P %s %T@ %m\n' 2>/dev/null || true; } | sort | sha256sum; }
aws_before=$(aws_fingerprint)

stand_in=$(mktemp -d "${TMPDIR:-/tmp}/sts-proc-stand-in.XXXXXX")
cleanup() { keyctl invalidate "$key" >/dev/null 2>&1 || true; rm -rf "$stand_in"; }
trap cleanup EXIT
mkdir -m 0700 "$stand_in/data" "$stand_in/run"

status=0
env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS -u GNOME_KEYRING_CONTROL \
  XDG_DATA_HOME="$stand_in/data" XDG_RUNTIME_DIR="$stand_in/run" \
  dbus-run-session -- bash "$self" --in-session "$probe" "$kernel_description" "$@" \
  3>&2 2> >(grep --line-buffered -v "Failed to set fd limit" >&2) || status=$?

touched=()
[ "$(keyctl search @u user "$kernel_description" 2>/dev/null)" = "$key" ] && [ "$(keyctl pipe "$key" 2>/dev/null)" = "$payload" ] \
  || touched+=("the copy planted in your kernel keyring (or another program of yours cleared sts-proc's copies meanwhile, such as tests of a checkout without scripts/with-own-keyring.sh)")
[ "$(aws_fingerprint)" = "$aws_before" ] || touched+=("~/.aws (a file was added, removed or changed)")
if [ ${#touched[@]} -gt 0 ]; then
  printf 'planted-credentials: the tests touched %s\n' "${touched[@]}" >&2
  exit 1
fi
[ "$status" -ne 0 ] || echo "planted-credentials: all planted credentials intact after the tests; ~/.aws unchanged"
exit "$status"
