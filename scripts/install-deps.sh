#!/usr/bin/env bash
# Usage: scripts/install-deps.sh [build | demo | package | test]   (default: test)
#
# Installs what one task needs on Debian 12, and nothing more:
#   build    the headers of the four C libraries sts-proc loads, and pkg-config
#   demo     build + a headless Secret Service (gnome-keyring, D-Bus), curl, python3-venv;
#            moto (the loopback STS) and the AWS CLI from PyPI
#   package  build + what scripts/package-deb.sh uses (dpkg-dev, binutils, lintian, man-db)
#   test     all of the above + what the test suite uses (secret-tool, keyctl, openssl,
#            hyperfine, zsh, fish, dash, debootstrap; Go with Debian's AWS SDKs for Go v1 and
#            v2, consumers the e2e tests build offline); boto3, pytest, jeepney and
#            pexpect from PyPI
# Debian packages are installed system-wide with apt-get (through sudo unless root), and
# listed before they are. Python packages go into .venv/ in this folder (a virtualenv that
# also sees the packages the system Python already has), never into the system Python.
# Already present things are skipped, so every script can call this. Swift itself is not
# installed here: the Swift 6 toolchain must be on PATH (README, "Install").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

task=${1:-test}
build=(libcurl4-openssl-dev libxml2-dev libsecret-1-dev libmicrohttpd-dev pkg-config)
# dbus-x11 gives gnome-keyring the session bus it depends on without pulling in systemd.
demo=("${build[@]}" gnome-keyring dbus dbus-x11 libglib2.0-bin curl python3-venv)
package=("${build[@]}" dpkg-dev binutils lintian man-db)
case "$task" in
  build) apt_packages=("${build[@]}"); python_packages=() ;;
  demo) apt_packages=("${demo[@]}"); python_packages=('moto[server]' awscli) ;;
  package) apt_packages=("${package[@]}"); python_packages=() ;;
  test) apt_packages=("${demo[@]}" dpkg-dev binutils lintian man-db libsecret-tools keyutils openssl
                      hyperfine zsh fish debootstrap dash
                      golang-go golang-github-aws-aws-sdk-go-dev golang-github-aws-aws-sdk-go-v2-dev)
        python_packages=('moto[server]' awscli boto3 pytest jeepney pexpect) ;;
  *) echo "usage: $0 [build | demo | package | test]" >&2; exit 64 ;;
esac

# Swift first: without it nothing else is of use, so say so before installing anything.
if ! command -v swift >/dev/null; then
  echo "install-deps: swift is not on PATH. sts-proc needs the Swift 6 toolchain to build:" \
       "see https://www.swift.org/install/linux/ (README, \"Install\")." >&2
  exit 69
fi
swift_major=$(swift --version 2>/dev/null | sed -n 's/.*Swift version \([0-9][0-9]*\)\..*/\1/p' | head -1)
if [ "${swift_major:-0}" -lt 6 ]; then
  echo "install-deps: $(swift --version 2>&1 | head -1) is too old: sts-proc needs Swift 6 or later." >&2
  exit 69
fi

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "install-deps: installing Debian packages system-wide: ${missing[*]}" >&2
  # apt-get update gives up at once while another apt holds the lists lock (the install
  # below can wait by itself): retry for up to 10 minutes, saying why.
  for attempt in $(seq 120); do
    if out=$($sudo apt-get update -qq 2>&1); then break; fi
    if ! grep -q 'Could not get lock' <<<"$out" || [ "$attempt" -eq 120 ]; then printf '%s\n' "$out" >&2; exit 1; fi
    [ "$attempt" -gt 1 ] || echo "install-deps: another apt is running; waiting for it to finish" >&2
    sleep 5
  done
  # Some images delete downloaded .debs after each dpkg run, which breaks installs that need
  # several; apt gets an archive folder of its own.
  mkdir -p /tmp/apt-archives/partial
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=600 -o Dir::Cache::Archives=/tmp/apt-archives "${missing[@]}" >/dev/null
fi

if [ ${#python_packages[@]} -gt 0 ]; then
  [ -x .venv/bin/python3 ] || python3 -m venv --system-site-packages .venv
  # Import names of the packages above (flask: moto_server's [server] extra).
  modules=(moto flask awscli); [ "$task" != test ] || modules+=(boto3 pytest jeepney pexpect)
  if ! .venv/bin/python3 -c "import $(IFS=,; echo "${modules[*]}")" 2>/dev/null; then
    echo "install-deps: installing from PyPI into .venv/: ${python_packages[*]}" >&2
    .venv/bin/python3 -m pip install -q --disable-pip-version-check "${python_packages[@]}"
  fi
fi
