#!/usr/bin/env bash
# The test command (README, CI): every test, a few lines per stage and one summary; each
# stage's whole output goes to .build/test-logs/. Fails on the first failing stage.
#   dependencies   scripts/install-deps.sh test (lists what it installs system-wide)
#   build          swift build -c release (its progress lines)
#   unit tests     swift test
#   fuzzing        scripts/fuzz.sh --debug 8: each fuzz target briefly, so none can rot
#   package        scripts/package-deb.sh: the .deb in dist/, lintian
#   clean root     a minimal Debian 12 root (scripts/clean-root.sh; made while the build
#                  runs, cached in .cache/clean-root/) with the package installed by apt
#   end-to-end     Tests/e2e against the release binary, moto, the AWS CLI and boto3 in
#                  scripts/with-testbed.sh, and the package in the clean root
#   benchmark      bench/run.sh --smoke, so that it cannot rot
# All of it runs inside scripts/with-planted-credentials.sh, which proves that the tests
# leave the caller's cached credentials (kernel keyring, Secret Service) and ~/.aws alone.
# The package stages need root; without it they are skipped, and said to be.
set -euo pipefail
self=$(realpath "$0")
cd "$(dirname "$self")/.."
source scripts/lib/stage.sh
logs=.build/test-logs

if [ "${1:-}" != --planted ]; then
  rm -rf "$logs"
  stage_init "$logs"
  stage "dependencies (scripts/install-deps.sh test)" --attached -- scripts/install-deps.sh test
  exec scripts/with-planted-credentials.sh bash "$self" --planted
fi
stage_init "$logs"
export PATH="$PWD/.venv/bin:$PATH"

# The clean root is unpacked (and made with debootstrap the first time) while the build
# runs: mostly network and disk, it costs the build little.
root_dir="" root_status="$logs/clean-root.status"
if [ "$(id -u)" -eq 0 ]; then
  root_dir=$(mktemp -d "${TMPDIR:-/tmp}/sts-proc-clean-root.XXXXXX")
  # In a process group of its own, so that a stage failing meanwhile can stop all of it.
  setsid bash -c 'status=0; scripts/clean-root.sh prepare "$1" >"$2" 2>&1 || status=$?; echo "$status" >"$3"' \
    prepare "$root_dir" "$logs/clean-root-prepare.log" "$root_status" &
  prepare_pid=$!
  trap 'kill -- -"$prepare_pid" 2>/dev/null || true; wait "$prepare_pid" 2>/dev/null || true; rm -rf "$root_dir"' EXIT
fi

# --product: builds of all products and of this one, alternating, recompile everything.
stage "build (swift build -c release --product sts-proc)" \
  --show '^\[[0-9]+/[0-9]+\] (Compiling|Linking)|complete!' -- swift build -c release --product sts-proc
STS_PROC_BIN="$(swift build -c release --show-bin-path)/sts-proc"
export STS_PROC_BIN

stage "unit tests (swift test)" --result 'Test run with [0-9]+ tests' -- swift test

# Each fuzz target for a few seconds (README, "Fuzzing"), so that they keep building and
# their properties keep holding; `scripts/fuzz.sh 3600` is how to fuzz for real. An
# unoptimized build, a minute quicker: the stage takes about 100-160 s on two cores.
stage "fuzzing (scripts/fuzz.sh --debug 8)" --show '^fuzz' -- scripts/fuzz.sh --debug 8

if [ -n "$root_dir" ]; then
  stage "Debian package (scripts/package-deb.sh)" --result '^built ' -- scripts/package-deb.sh dist
  install_in_clean_root() {
    while [ ! -s "$root_status" ]; do sleep 1; done
    cat "$logs/clean-root-prepare.log"
    [ "$(cat "$root_status")" -eq 0 ] || return "$(cat "$root_status")"
    scripts/clean-root.sh install dist/sts-proc_"$("$STS_PROC_BIN" --version)"_"$(dpkg --print-architecture)".deb "$root_dir"
  }
  stage "clean Debian 12 root with the package (scripts/clean-root.sh)" --result '^Setting up sts-proc' -- install_in_clean_root
  export STS_PROC_CLEAN_ROOT="$root_dir"
else
  printf '==> Debian package and clean root\n    skipped: they need root\n'
  printf '%s\tskipped\t-\n' "Debian package and clean root (need root)" >>"$STAGE_SUMMARY"
fi

stage "end-to-end tests (Tests/e2e)" --result '[0-9]+ (passed|failed)' -- \
  scripts/with-testbed.sh python3 -m pytest -q -p no:cacheprovider Tests/e2e

# Timings are never asserted: it fails only when a benchmarked command fails or parallel
# cold calls make more than one STS request.
stage "benchmark, smoke mode (bench/run.sh --smoke)" -- bash bench/run.sh --smoke

stage_summary
