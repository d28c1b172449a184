#!/usr/bin/env bash
# Usage: scripts/with-own-keyring.sh CMD [ARGS...]
#
# Runs CMD with a kernel user keyring of its own, so that the copies sts-proc keeps there
# (README, "Keyring cache") are never those of the person running CMD: CMD neither sees,
# creates nor clears theirs. Since Linux 5.3 the kernel keeps one user keyring per user
# namespace; CMD runs in a new user namespace, as the same user ID (mapped onto itself),
# whose keyring starts empty and is gone when CMD ends. Exit status = CMD's.
#
# Inside, files of other users show as owned by "nobody" and nothing can gain privileges
# (sudo, setuid programs): install what CMD needs before, not inside. CMD finds the
# namespace's identity in STS_PROC_OWN_KEYRING (see scripts/with-testbed.sh).
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 64
fi

IFS=. read -r major minor _ < <(uname -r)
if [ "$major" -lt 5 ] || { [ "$major" -eq 5 ] && [ "$minor" -lt 3 ]; }; then
  echo "with-own-keyring: Linux $(uname -r) shares one user keyring across user namespaces (5.3 and later do not);" \
       "refusing to run tests that would use your own kernel keyring" >&2
  exit 69
fi

# --map-current-user (util-linux 2.38, Debian 12) keeps the user ID, and root stays root.
if ! unshare --user --map-current-user true 2>/dev/null; then
  echo "with-own-keyring: cannot create a user namespace ($(unshare --user --map-current-user true 2>&1 | head -1))." >&2
  echo "  Without one the tests would use your own kernel keyring, so they do not run. Run them as root," \
       "or allow unprivileged user namespaces (Ubuntu: sysctl kernel.apparmor_restrict_unprivileged_userns=0)." >&2
  exit 69
fi

exec unshare --user --map-current-user bash -c '
  STS_PROC_OWN_KEYRING=$(readlink /proc/self/ns/user)
  export STS_PROC_OWN_KEYRING
  exec "$@"
' with-own-keyring "$@"
