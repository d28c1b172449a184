#!/usr/bin/env bash
# Installs what building and testing sts-proc needs on Debian 12: the three C libraries
# of the design, a headless Secret Service, and the AWS CLI / moto used as real peers,
# and Go with Debian's AWS SDKs for Go (v1 and v2), consumers the e2e tests build offline.
# Idempotent: skips what is already present, so the test command can always call it.
set -euo pipefail

apt_packages=(libcurl4-openssl-dev libxml2-dev libsecret-1-dev libmicrohttpd-dev libsecret-tools
              gnome-keyring dbus dbus-x11 pkg-config curl openssl hyperfine fish
              golang-go golang-github-aws-aws-sdk-go-dev golang-github-aws-aws-sdk-go-v2-dev)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  # This image deletes downloaded .debs after each dpkg run; give apt its own archive folder.
  mkdir -p /tmp/apt-archives/partial
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    -o Dir::Cache::Archives=/tmp/apt-archives "${missing[@]}" >/dev/null
fi

python3 - <<'PY' 2>/dev/null || python3 -m pip install -q 'moto[server]' awscli boto3 pytest jeepney pexpect
import moto, awscli, boto3, pytest, flask, jeepney, pexpect  # flask: moto_server's [server] extra; jeepney: D-Bus in tests
PY
