#!/usr/bin/env bash
# Usage: scripts/clean-root.sh cache
#        scripts/clean-root.sh prepare DIR
#        scripts/clean-root.sh install DEB DIR
#
# A minimal Debian 12 system in a folder, to prove the package on a machine that has never
# seen a Swift toolchain (Tests/e2e/test_debian_package.py).
#   cache    makes .cache/clean-root/bookworm-minbase.tar once, with
#            `debootstrap --variant=minbase bookworm` from the Debian mirror (about two
#            minutes and 40 MB of downloads); later runs reuse it. Remove the folder to
#            start again from the mirror's current packages.
#   prepare  unpacks that root into DIR (a new or empty folder) and updates its package
#            lists (scripts/test.sh does this while the build runs).
#   install  installs DEB in the root in DIR (preparing it first if DIR is empty) with apt,
#            which has to fetch the libraries the package depends on from the mirror.
# Needs root (debootstrap, chroot), debootstrap, and network access to the mirror
# ($STS_PROC_DEBIAN_MIRROR, default http://deb.debian.org/debian). /proc and /dev/pts are
# mounted only in a mount namespace of their own, so nothing stays mounted when this ends.
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

# apt-get inside the root, as on a running system (with /proc and /dev/pts).
apt_in_root() {
  local dir=$1; shift
  unshare --mount --fork -- sh -ec '
    dir=$1; shift
    mount -t proc proc "$dir/proc"
    mount -t devpts -o newinstance,ptmxmode=0666 devpts "$dir/dev/pts"  # dpkg logs through a pty
    exec chroot "$dir" "$@"' \
    clean-root "$dir" env DEBIAN_FRONTEND=noninteractive apt-get "$@"
}

prepare() {
  local dir=$1
  make_cache
  mkdir -p "$dir"
  if [ -n "$(ls -A "$dir")" ]; then echo "clean-root: $dir is not empty" >&2; exit 73; fi
  tar -C "$dir" --numeric-owner -xpf "$tarball"
  chmod 0755 "$dir"  # else apt's unprivileged downloader cannot reach its folders
  # The tarball's resolv.conf is that of the day it was made.
  cp -L /etc/resolv.conf "$dir/etc/resolv.conf"
  apt_in_root "$dir" update -qq
}

case "${1:-}" in
  cache)
    make_cache ;;
  prepare)
    prepare "${2:?usage: $0 prepare DIR}" ;;
  install)
    deb=${2:?usage: $0 install DEB DIR} dir=${3:?usage: $0 install DEB DIR}
    [ -f "$deb" ] || { echo "clean-root: no package at $deb" >&2; exit 66; }
    [ -e "$dir/etc/debian_version" ] || prepare "$dir"
    cp "$deb" "$dir/tmp/"
    apt_in_root "$dir" install -y -q "/tmp/$(basename "$deb")"
    rm -f "$dir/tmp/$(basename "$deb")" "$dir"/var/cache/apt/archives/*.deb ;;
  *)
    echo "usage: $0 cache | prepare DIR | install DEB DIR" >&2
    exit 64 ;;
esac
