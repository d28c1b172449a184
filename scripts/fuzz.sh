#!/usr/bin/env bash
# Fuzzing (README, "Fuzzing"): builds the libFuzzer targets of fuzz/ with
# -sanitize=fuzzer,address and runs each for a bounded time, seeded from the test fixtures,
# config-examples/ and fuzz/seeds/. Prints one line per target; fails when any target
# crashed (every broken property traps), hung or ran out of memory, naming the saved input.
#
#   scripts/fuzz.sh [--debug] [SECONDS] [TARGET...]
#
# SECONDS is each target's time (default 30); TARGETs default to all of them. --debug
# builds without optimization: a minute less to build, two to four times fewer runs a
# second, which suits the test command's short run (scripts/test.sh). The corpus
# grows in fuzz/corpus/TARGET and is kept between runs; failing inputs land in
# fuzz/artifacts/TARGET/, the fuzzer's output in fuzz/artifacts/TARGET.log. Neither is in git.
set -euo pipefail
shopt -s nullglob
cd "$(dirname "${BASH_SOURCE[0]}")/.."

all_targets=(ini sts-response saml cached-credential sso-token utc-time credentials-editor)
usage() {
  echo "usage: scripts/fuzz.sh [--debug] [SECONDS] [TARGET...]; targets: ${all_targets[*]}" >&2
  exit 2
}

configuration=release
if [ "${1:-}" = --debug ]; then
  configuration=debug
  shift
fi
seconds=30
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
[ "$seconds" -gt 0 ] || usage
targets=("${all_targets[@]}")
if [ $# -gt 0 ]; then
  for target in "$@"; do
    [[ " ${all_targets[*]} " == *" $target "* ]] || usage
  done
  targets=("$@")
fi

fixtures=Tests/STSProcCoreTests/Fixtures
# The inputs each target starts from, besides its own fuzz/seeds/TARGET/.
seed_files() {
  case $1 in
    ini | credentials-editor) echo config-examples/*.ini ;;
    sts-response) echo "$fixtures"/*.xml "$fixtures"/*.html ;;
    saml) echo "$fixtures"/saml-response.xml "$fixtures"/saml-response.b64 ;;
  esac
  if [ -d "fuzz/seeds/$1" ]; then echo "fuzz/seeds/$1"/*; fi
}
dictionary() {
  case $1 in
    ini | credentials-editor) echo fuzz/dictionaries/ini.dict ;;
    cached-credential | sso-token) echo fuzz/dictionaries/json.dict ;;
    *) echo "fuzz/dictionaries/$1.dict" ;;
  esac
}

mkdir -p fuzz/artifacts
build_log=fuzz/artifacts/build.log
started=$SECONDS
# -enable-testing: the targets reach STSProcCore's internal parsers with @testable import.
if ! swift build --package-path fuzz -c "$configuration" -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing \
    >"$build_log" 2>&1; then
  tail -n 30 "$build_log" >&2
  echo "fuzz: the build failed (whole output in $build_log)" >&2
  exit 1
fi
echo "fuzz: built the targets ($configuration) in $((SECONDS - started)) s; each runs ${seconds} s"
bin=fuzz/.build/$configuration

failed=0
for target in "${targets[@]}"; do
  corpus=fuzz/corpus/$target
  artifacts=fuzz/artifacts/$target
  log=$artifacts.log
  mkdir -p "$corpus" "$artifacts"
  for seed in $(seed_files "$target"); do
    cp "$seed" "$corpus/seed-${seed##*/}"
  done
  before=$(find "$corpus" -type f | wc -l)
  status=0
  # The Swift runtime's backtracer would fight ASan over the crash; libFuzzer reports it.
  # No allocation stacks while fuzzing (a third faster); a reproduction shows them.
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0} \
    "$bin/fuzz-$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -dict="$(dictionary "$target")" -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || status=$?
  after=$(find "$corpus" -type f | wc -l)
  if [ "$status" -eq 0 ]; then
    runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$log")
    printf '%-26s ok: %s, corpus %d inputs (%d new)\n' "fuzz-$target" "${runs:-?}" "$after" "$((after - before))"
  else
    failed=1
    input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    why=$(grep -m 1 -o -E 'Fatal error: .{0,300}|ERROR: [A-Za-z]+: .{0,200}' "$log" || true)
    printf '%-26s FAILED: %s; input: %s; log: %s\n' "fuzz-$target" "${why:-exit status $status}" \
      "${input:-none saved}" "$log"
  fi
done
if [ "$failed" -ne 0 ]; then
  echo "fuzz: reproduce a failure with SWIFT_BACKTRACE=enable=no $bin/fuzz-TARGET INPUT" >&2
fi
exit "$failed"
