#!/usr/bin/env bash
# Usage: scripts/package-deb.sh [OUT_DIR]   (default: dist/)
#
# Builds OUT_DIR/sts-proc_<version>_<arch>.deb from a release build (made here if needed):
#   /usr/bin/sts-proc                                        stripped of its debug information
#   /usr/share/man/man1/sts-proc.1.gz                        from docs/sts-proc.1.in
#   /usr/share/bash-completion/completions/sts-proc          bash, zsh and fish completions,
#   /usr/share/zsh/vendor-completions/_sts-proc              where Debian's shells look for
#   /usr/share/fish/vendor_completions.d/sts-proc.fish       packaged ones
#   /usr/share/doc/sts-proc/{copyright, changelog.gz, README.md.gz, examples/}
# The version is the one `sts-proc --version` prints. Depends: what dpkg-shlibdeps finds
# the executable linked against, plus the libraries it opens at run time with dlopen, which
# dpkg-shlibdeps cannot see: every "lib*.so.N" named in the executable must be in the table
# below, so a new one cannot be forgotten. Then lintian checks the package and any error
# or warning stops the script. Needs: scripts/install-deps.sh package.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out=${1:-dist}
# The libraries sts-proc loads with dlopen (Sources/C*/shim.h), and their Debian packages.
# libcurl 7.75 is the first with CURLOPT_AWS_SIGV4, which signs every STS request.
declare -A opened=(
  [libcurl.so.4]="libcurl4 (>= 7.75.0)"
  [libxml2.so.2]="libxml2"
  [libsecret-1.so.0]="libsecret-1-0"
  [libmicrohttpd.so.12]="libmicrohttpd12"
)

for tool in dpkg-deb dpkg-shlibdeps strip lintian man; do
  command -v "$tool" >/dev/null || { echo "package-deb: $tool not found (run scripts/install-deps.sh package)" >&2; exit 69; }
done

# --product sts-proc, as every script here builds it: builds of all products and of this
# one, alternating, were seen to recompile everything (3 minutes each time).
swift build -c release --product sts-proc
bin="$(swift build -c release --show-bin-path)/sts-proc"
version=$("$bin" --version)
arch=$(dpkg --print-architecture)
work=$(mktemp -d "${TMPDIR:-/tmp}/sts-proc-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
root="$work/root"
umask 022
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/man/man1" "$root/usr/share/doc/sts-proc/examples" \
  "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
  "$root/usr/share/fish/vendor_completions.d"
chmod 0755 "$work" "$root"

# The executable, as dh_strip would leave it (the debug information is most of its size).
strip --remove-section=.comment --remove-section=.note -o "$root/usr/bin/sts-proc" "$bin"
chmod 0755 "$root/usr/bin/sts-proc"

scripts/generate-docs.sh "$bin" "$work/docs"
gzip -9n <"$work/docs/sts-proc.1" >"$root/usr/share/man/man1/sts-proc.1.gz"
install -m 0644 "$work/docs/sts-proc.bash" "$root/usr/share/bash-completion/completions/sts-proc"
install -m 0644 "$work/docs/_sts-proc" "$root/usr/share/zsh/vendor-completions/_sts-proc"
install -m 0644 "$work/docs/sts-proc.fish" "$root/usr/share/fish/vendor_completions.d/sts-proc.fish"
install -m 0644 packaging/deb/copyright "$root/usr/share/doc/sts-proc/copyright"
gzip -9n <README.md >"$root/usr/share/doc/sts-proc/README.md.gz"
install -m 0644 config-examples/*.ini "$root/usr/share/doc/sts-proc/examples/"

# changelog.gz in Debian's changelog format, one entry per CHANGELOG.md version; each
# "- " item of an entry becomes a "  * " item, rewrapped.
maintainer=$(sed -n 's/^Maintainer: //p' packaging/deb/control.in)
awk -v maintainer="$maintainer" '
  function wrap(text,   words, n, i, line, out) {
    n = split(text, words, " "); line = "  *"
    for (i = 1; i <= n; i++) {
      if (length(line) + 1 + length(words[i]) > 78) { out = out line "\n"; line = "   " }
      line = line " " words[i]
    }
    return out line "\n"
  }
  function flush_item() { if (item != "") { body = body wrap(item); item = "" } }
  function flush_entry() {
    flush_item()
    if (version != "") {
      cmd = "TZ=UTC date -R -d " date; cmd | getline stamp; close(cmd)
      printf "sts-proc (%s) unstable; urgency=medium\n\n%s\n -- %s  %s\n\n", version, body, maintainer, stamp
    }
    body = ""
  }
  /^## \[/ { flush_entry(); version = $2; gsub(/[][]/, "", version); date = $4; next }
  /^## / { flush_entry(); version = ""; next }
  version == "" { next }
  /^- / { flush_item(); item = substr($0, 3); next }
  /^  +[^ ]/ && item != "" { sub(/^ +/, ""); item = item " " $0; next }
  END { flush_entry() }
' CHANGELOG.md | sed '$d' | gzip -9n >"$root/usr/share/doc/sts-proc/changelog.gz"

# Depends: the linked libraries (dpkg-shlibdeps wants a debian/control to exist) ...
mkdir -p "$work/shlibs/debian"
printf 'Source: sts-proc\n\nPackage: sts-proc\nArchitecture: any\n' >"$work/shlibs/debian/control"
linked=$(cd "$work/shlibs" && dpkg-shlibdeps -O "$root/usr/bin/sts-proc" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$linked" ] || { echo "package-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
# Packed relocations need glibc 2.36, which dpkg-shlibdeps does not know: it reads symbol
# versions, and GLIBC_ABI_DT_RELR has no symbols.
if readelf -V "$root/usr/bin/sts-proc" | grep GLIBC_ABI_DT_RELR >/dev/null; then
  linked=$(sed -E 's/libc6 \(>= 2\.(3[0-5]|[12][0-9])\)/libc6 (>= 2.36)/' <<<"$linked")
fi
# ... and the opened ones: every soname the executable names but does not link.
needed=$(readelf -d "$root/usr/bin/sts-proc" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
depends=$linked
for soname in $(strings "$root/usr/bin/sts-proc" | grep -oE '\blib[A-Za-z0-9_+-]+\.so\.[0-9]+' | sort -u); do
  grep -qxF "$soname" <<<"$needed" && continue
  if [ -z "${opened[$soname]:-}" ]; then
    echo "package-deb: the executable opens $soname, which is not in the table of opened libraries:" \
         "add its Debian package to scripts/package-deb.sh" >&2
    exit 1
  fi
  depends+=", ${opened[$soname]}"
done

installed_size=$(du -sk --apparent-size "$root/usr" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@DEPENDS@/$depends/" \
    -e "s/@INSTALLED_SIZE@/$installed_size/" packaging/deb/control.in >"$root/DEBIAN/control"
(cd "$root" && find usr -type f -exec md5sum {} + | sort -k 2 >DEBIAN/md5sums)
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"

mkdir -p "$out"
deb="$out/sts-proc_${version}_${arch}.deb"
# gzip rather than xz: 5.5 MB instead of 4, in seconds instead of 20 to 40 (the test suite
# builds the package every run).
dpkg-deb --root-owner-group -Zgzip -z9 --build "$root" "$deb" >/dev/null

# lintian's verdict: errors and warnings stop the script; informational tags are named.
# (As root it says it should not be; that line is left out.)
lintian_status=0
lintian_out=$(lintian --display-info --fail-on error,warning "$deb" 2>&1) || lintian_status=$?
lintian_out=$(grep -v 'running with root privileges' <<<"$lintian_out" || true)
if [ "$lintian_status" -ne 0 ]; then
  printf 'package-deb: lintian rejects %s:\n%s\n' "$deb" "$lintian_out" >&2
  exit 1
fi
infos=$(sed -n 's/^I: [^:]*: \([a-z0-9-]*\).*/\1/p' <<<"$lintian_out" | sort -u | paste -sd, -)
echo "Depends: $depends"
echo "built $deb ($(du -h "$deb" | cut -f1)); lintian: no errors or warnings${infos:+ (informational: $infos)}"
