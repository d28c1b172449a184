#!/usr/bin/env bash
# Usage: bench/cold_breakdown.sh OUTDIR STS_PROC_BIN PROFILE KERNEL_PROFILE CURL_COMMAND
#
# Where a cold run's time goes (issue 17). Called by bench/run.sh (full mode, or
# --breakdown-only) inside the testbed, with moto answering PROFILE's AssumeRole and
# CURL_COMMAND making the same AssumeRole with curl --aws-sigv4; KERNEL_PROFILE is the same
# role with `sts_proc_cache = kernel` (no Secret Service lookup or store). Writes raw outputs into
# OUTDIR and a digest into OUTDIR/summary.txt:
#   1. the pieces, timed side by side with hyperfine (medians): the process floor, a hit
#      from the kernel copy, a hit from the Secret Service (kernel copy removed), the curl
#      AssumeRole, and the whole cold run;
#   2. 64 parallel callers: the launcher alone, 64 hits, 64 cold callers (case c);
#   3. the D-Bus method calls of one cold run (dbus-monitor);
#   4. a timeline of one cold run from the syscalls that mark its phases (strace with a
#      seccomp filter, so that untraced calls run at full speed), the median of 15 runs.
set -uo pipefail
out=$1 bin=$2 profile=$3 kernel_profile=$4 curl_cmd=$5
mkdir -p "$out"
rm -f "${out:?}"/*
sum="$out/summary.txt"
: >"$sum"
note() { printf '%s\n' "$*" | tee -a "$sum" >&2; }

"$bin" --profile "$profile" >/dev/null || { echo "cold breakdown: $bin --profile $profile failed" >&2; exit 1; }

drop_kernel_copy="bash $(dirname "$0")/drop_kernel_copy.sh $profile"

# Times commands side by side and notes their medians: side_by_side NAME TITLE RUNS
# WARMUP [--prepare CMD -n LABEL COMMAND]... (hyperfine takes one --prepare per command).
side_by_side() {
  local name=$1 title=$2 runs=$3 warmup=$4; shift 4
  hyperfine -N --style basic --warmup "$warmup" --runs "$runs" --export-json "$out/$name.json" "$@" \
    >"$out/$name.txt" 2>&1 || { tail -5 "$out/$name.txt" >&2; exit 1; }
  note "== $title (hyperfine, median ms of $runs):"
  python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("   %7.2f  %s" % (r["median"] * 1000, r["command"]))' "$out/$name.json" | tee -a "$sum" >&2
}

if command -v hyperfine >/dev/null; then
  side_by_side pieces "the pieces, side by side" 40 3 \
    --prepare /bin/true -n "process floor: sts-proc --version" "$bin --version" \
    --prepare /bin/true -n "hit from the kernel copy" "$bin --profile $profile" \
    --prepare "$drop_kernel_copy" -n "hit from the Secret Service (kernel copy removed)" "$bin --profile $profile" \
    --prepare /bin/true -n "curl --aws-sigv4 AssumeRole" "$curl_cmd" \
    --prepare "$bin cache clear --profile $profile" -n "cold (nothing cached)" "$bin --profile $profile" \
    --prepare "$bin cache clear --profile $kernel_profile" -n "cold, sts_proc_cache = kernel (no Secret Service)" "$bin --profile $kernel_profile"
  # Case (c) apart: what 64 processes cost on their own (the launcher, 64 hits), next to 64
  # cold callers of which one fetches.
  par="bash $(dirname "$0")/parallel.sh 64"
  side_by_side parallel "64 parallel callers, batches" 15 2 \
    --prepare /bin/true -n "64 x /bin/true (the launcher)" "$par /bin/true" \
    --prepare /bin/true -n "64 x sts-proc --version" "$par $bin --version" \
    --prepare "$bin --profile $profile" -n "64 x hit from the kernel copy" "$par $bin --profile $profile" \
    --prepare "$bin cache clear --profile $profile" -n "64 x cold (one fetches, 63 wait for its copy)" "$par $bin --profile $profile"
fi

# The D-Bus calls of one cold run: the Secret Service lookup before the fetch (and the
# background store's calls after it).
if command -v dbus-monitor >/dev/null; then
  "$bin" cache clear --profile "$profile"
  dbus-monitor --session --profile >"$out/dbus-monitor-cold.txt" 2>/dev/null &
  monitor=$!
  sleep 0.5
  "$bin" --profile "$profile" >/dev/null
  sleep 1
  kill "$monitor" 2>/dev/null; wait "$monitor" 2>/dev/null
  note "== D-Bus method calls during one cold run (dbus-monitor; the store process's included):"
  awk -F'\t' '$1 == "mc" && $8 != "BecomeMonitor" {n[$7 "." $8]++} END {for (k in n) printf "   %3d  %s\n", n[k], k}' \
    "$out/dbus-monitor-cold.txt" | sort -rn | tee -a "$sum" >&2
fi

if command -v strace >/dev/null; then
  for i in $(seq 15); do
    "$bin" cache clear --profile "$profile"
    strace --seccomp-bpf -f -ttt -o "$out/strace-cold-$i.txt" \
      -e trace=execve,openat,connect,sendto,sendmsg,recvfrom,recvmsg,add_key,keyctl,write,clone,clone3,vfork,exit_group \
      "$bin" --profile "$profile" >/dev/null
  done
  python3 - "$out" <<'PY' | tee -a "$sum" >&2
import glob, re, statistics, sys

def phases(path):
    """Seconds from the start of the main process to each phase mark, in one run."""
    lines = [l for l in open(path).read().splitlines() if not l.split()[2].startswith("<...")]
    main = lines[0].split()[0]
    t = lambda l: float(l.split()[1])
    t0 = t(lines[0])
    def first(pattern, pid=None):
        for l in lines:
            if (pid is None or l.split()[0] == pid) and re.search(pattern, l):
                return t(l) - t0
        return None
    marks = {
        "libsecret opened": first(r'openat\(.*libsecret-1\.so'),
        "connected to the session bus": first(r'connect\(.*AF_UNIX'),
        "connected to STS": first(r'connect\(.*AF_INET'),
        "request sent": first(r'(sendto|sendmsg)\(.*(POST|Action=)'),
        "answer received": first(r'recv(from|msg)\(.*HTTP/1\.[01] 200'),
        "kernel copy written": first(r'add_key\('),
        "credential printed": first(r'write\(1,', main),
        "store process started": None,  # set below
        "exit": first(r'exit_group\(', main),
    }
    # The background store: the last process created by the main one before it exits.
    spawns = [t(l) - t0 for l in lines if l.split()[0] == main and re.search(r'^\S+ \S+ (clone3?|vfork)\(', l)
              and "CLONE_THREAD" not in l]
    if spawns:
        marks["store process started"] = spawns[-1]
    return marks

runs = [phases(p) for p in sorted(glob.glob(sys.argv[1] + "/strace-cold-*.txt"))]
names = list(runs[0].keys())
print(f"== one cold run under strace (seccomp filter; slowed a little, and the start of a child a lot), median ms from execve")
print(f"   over {len(runs)} runs, in the order of the code (a later mark can have a smaller median):")
previous = 0.0
for name in names:
    values = [r[name] * 1000 for r in runs if r.get(name) is not None]
    if not values:
        print(f"   {'-':>7}  {name} (not seen)")
        continue
    median = statistics.median(values)
    print(f"   {median:7.2f}  {name}  (+{median - previous:.2f})")
    previous = median
PY
fi
echo "cold breakdown: raw outputs and summary.txt in $out" >&2
