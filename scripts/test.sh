#!/usr/bin/env bash
# The test command (README, CI): dependencies, release build, unit tests, a short fuzzing
# run, then the end-to-end tests of the release binary against moto, the AWS CLI and
# boto3, inside a private Secret Service (scripts/with-testbed.sh). Fails on the first
# failing step.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*" >&2; }

step "scripts/install-deps.sh"
scripts/install-deps.sh

step "swift build -c release"
swift build -c release
STS_PROC_BIN="$(swift build -c release --show-bin-path)/sts-proc"
export STS_PROC_BIN
if [ ! -x "$STS_PROC_BIN" ]; then
  echo "test.sh: release binary not found at $STS_PROC_BIN" >&2
  exit 1
fi

step "swift test"
swift test

# Each fuzz target for a few seconds (README, "Fuzzing"), so that they keep building and
# their properties keep holding; `scripts/fuzz.sh 3600` is how to fuzz for real. An
# unoptimized build, a minute quicker: the step takes about 100 s on two cores.
step "scripts/fuzz.sh --debug 8"
scripts/fuzz.sh --debug 8

step "end-to-end tests ($STS_PROC_BIN)"
scripts/with-testbed.sh python3 -m pytest -q -p no:cacheprovider Tests/e2e

# Last: the benchmark suite in smoke mode (2 runs per command, no thresholds), so it cannot
# rot. It fails only when a benchmarked command fails or parallel cold calls make more
# than one STS request; timings are never asserted.
step "bench/run.sh --smoke"
bash bench/run.sh --smoke
