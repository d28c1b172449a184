#!/usr/bin/env bash
# Usage: bench/parallel.sh N CMD [ARGS...]
# Starts N copies of CMD at once (stdout discarded), waits for all of them, and exits
# non-zero if any of them failed. Used by bench/run.sh for case (c).
n=$1; shift
pids=()
for ((i = 0; i < n; i++)); do
  "$@" >/dev/null &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do
  wait "$pid" || status=1
done
exit "$status"
