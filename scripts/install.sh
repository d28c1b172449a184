#!/usr/bin/env bash
# Usage: scripts/install.sh [--prefix DIR] [--uninstall]
#
# Installs the release build (run `swift build -c release` first, as yourself: this script
# does not build, so that it can run under sudo without a Swift toolchain on root's PATH)
# into a prefix, /usr/local by default:
#   PREFIX/bin/sts-proc                                   the executable, stripped
#   PREFIX/share/man/man1/sts-proc.1                      the man page
#   PREFIX/share/bash-completion/completions/sts-proc     bash completion
#   PREFIX/share/zsh/site-functions/_sts-proc             zsh completion
#   PREFIX/share/fish/vendor_completions.d/sts-proc.fish  fish completion
# --uninstall removes exactly those files. Every file written or removed is listed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

prefix=/usr/local uninstall=false
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a folder}; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --uninstall) uninstall=true; shift ;;
    *) echo "usage: $0 [--prefix DIR] [--uninstall]" >&2; exit 64 ;;
  esac
done

# source (in the docs folder made below) -> destination, mode
files=(
  "sts-proc|bin/sts-proc|0755"
  "sts-proc.1|share/man/man1/sts-proc.1|0644"
  "sts-proc.bash|share/bash-completion/completions/sts-proc|0644"
  "_sts-proc|share/zsh/site-functions/_sts-proc|0644"
  "sts-proc.fish|share/fish/vendor_completions.d/sts-proc.fish|0644"
)

if $uninstall; then
  for entry in "${files[@]}"; do
    IFS='|' read -r _ destination _ <<<"$entry"
    if [ -e "$prefix/$destination" ]; then rm -f "$prefix/$destination"; echo "removed $prefix/$destination"; fi
  done
  exit 0
fi

bin=.build/release/sts-proc
if [ ! -x "$bin" ]; then
  echo "install: no release build at $bin: run 'swift build -c release' first (README, \"Install\")" >&2
  exit 1
fi
staging=$(mktemp -d "${TMPDIR:-/tmp}/sts-proc-install.XXXXXX")
trap 'rm -rf "$staging"' EXIT
scripts/generate-docs.sh "$bin" "$staging"
# Most of the 26 MB build is debug information; the installed executable does without it.
strip --remove-section=.comment --remove-section=.note -o "$staging/sts-proc" "$bin"

for entry in "${files[@]}"; do
  IFS='|' read -r source destination mode <<<"$entry"
  install -D -m "$mode" "$staging/$source" "$prefix/$destination"
  echo "installed $prefix/$destination"
done
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "note: $prefix/bin is not on your PATH; use the full path in credential_process lines" ;;
esac
