#!/usr/bin/env bash
# Usage: scripts/clean-root.sh cache
#        scripts/clean-root.sh install DEB DIR
#
# A minimal Debian 12 system in a folder, to prove the package on a machine that has never
# seen a Swift toolchain (Tests/e2e/test_debian_package.py).
#   cache    makes .cache/clean-root/bookworm-minbase.tar once, with
#            `debootstrap --variant=minbase bookworm` from the Debian mirror (about two
#            minutes and 40 MB of downloads); later runs reuse it. Remove the folder to
#            start again from the mirror's current packages.
#   install  unpacks that root into DIR (a new folder) and installs DEB there with apt,
#            which has to fetch the libraries the package depends on from the mirror.
# Needs root (debootstrap, chroot), debootstrap, and network access to the mirror
# ($STS_PROC_DEBIAN_MIRROR, default http://deb.debian.org/debian). Nothing is mounted
# outside a mount namespace of its own, so nothing stays mounted when it ends.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mirror=${STS_PROC_DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache_dir=.cache/clean-root
tarball="$cache_dir/bookworm-minbase.tar"

if [ "$(id -u)" -ne 0 ]; then
  echo "clean-root: needs root (debootstrap and chroot)" >&2
  exit 77
fi

make_cache() {
  mkdir -p "$cache_dir"
  # One maker at a time; a run that waited finds the tarball made.
  exec {lock}>"$cache_dir/.lock"
  flock "$lock"
  if [ -s "$tarball" ]; then return; fi
  command -v debootstrap >/dev/null || { echo "clean-root: debootstrap not found (scripts/install-deps.sh test)" >&2; exit 69; }
  local root
  root=$(mktemp -d "$PWD/$cache_dir/debootstrap.XXXXXX")
  chmod 0755 "$root"  # a system's / is open to all; mktemp made it 0700
  trap 'rm -rf "$root"' EXIT
  echo "clean-root: debootstrap --variant=minbase bookworm from $mirror (once; cached in $tarball)"
  debootstrap --variant=minbase bookworm "$root" "$mirror"
  # The downloaded .debs are not part of a system, and only make the tarball bigger.
  rm -f "$root"/var/cache/apt/archives/*.deb
  tar -C "$root" --numeric-owner -cpf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  rm -rf "$root"
  trap - EXIT
}

case "${1:-}" in
  cache)
    make_cache ;;
  install)
    deb=${2:?usage: $0 install DEB DIR} dir=${3:?usage: $0 install DEB DIR}
    [ -f "$deb" ] || { echo "clean-root: no package at $deb" >&2; exit 66; }
    make_cache
    mkdir -p "$dir"
    if [ -n "$(ls -A "$dir")" ]; then echo "clean-root: $dir is not empty" >&2; exit 73; fi
    tar -C "$dir" --numeric-owner -xpf "$tarball"
    chmod 0755 "$dir"  # else apt's unprivileged downloader cannot reach its folders
    # The tarball's resolv.conf is that of the day it was made.
    cp -L /etc/resolv.conf "$dir/etc/resolv.conf"
    cp "$deb" "$dir/tmp/"
    unshare --mount --fork -- sh -ec '
      dir=$1 deb=$2
      mount -t proc proc "$dir/proc"
      chroot "$dir" apt-get update -qq
      DEBIAN_FRONTEND=noninteractive chroot "$dir" apt-get install -y -q "/tmp/$deb"
      rm -f "$dir/tmp/$deb" "$dir"/var/cache/apt/archives/*.deb
    ' clean-root "$dir" "$(basename "$deb")" ;;
  *)
    echo "usage: $0 cache | install DEB DIR" >&2
    exit 64 ;;
esac
