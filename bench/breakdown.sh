#!/usr/bin/env bash
# Usage: bench/breakdown.sh OUTDIR STS_PROC_BIN PROFILE
#
# Where a cache hit's time goes. Called by bench/run.sh (full mode, or --breakdown-only)
# inside the testbed, with the profile's keyring item warm. Writes raw outputs into OUTDIR
# and a digest into OUTDIR/summary.txt:
#   strace -c -f; strace -f -ttt timeline (execve/openat/connect/sendmsg/recvmsg/exit);
#   LD_DEBUG=statistics and =files (shared objects loaded); ltrace -c (if it works);
#   perf stat and perf record (cpu-clock, by shared object and by symbol);
#   dbus-monitor --session --profile during one invocation (method calls per connection);
#   hyperfine of the pieces (process floor, loader floor, the same with the bus removed).
set -uo pipefail
out=$1 bin=$2 profile=$3
mkdir -p "$out"
rm -f "$out"/*
sum="$out/summary.txt"
: >"$sum"
note() { printf '%s\n' "$*" | tee -a "$sum" >&2; }

"$bin" --profile "$profile" >/dev/null || { echo "breakdown: $bin --profile $profile failed" >&2; exit 1; }

# --- syscalls
if command -v strace >/dev/null; then
  strace -c -f -o "$out/strace-c.txt" "$bin" --profile "$profile" >/dev/null
  strace -c -f -o "$out/strace-c-secret-tool.txt" secret-tool lookup application sts-proc-bench kind floor >/dev/null
  strace -f -ttt -e trace=execve,openat,connect,sendmsg,recvmsg,write,exit_group \
    -o "$out/strace-timeline.txt" "$bin" --profile "$profile" >/dev/null
  strace -f -ttt -o "$out/strace-full.txt" "$bin" --profile "$profile" >/dev/null
  note "== strace -c -f (sts-proc hit): total syscalls $(awk '/total/ {print $4}' "$out/strace-c.txt"), errors $(awk '/total/ {print $5}' "$out/strace-c.txt")"
  note "== strace -c -f (secret-tool lookup): total syscalls $(awk '/total/ {print $4}' "$out/strace-c-secret-tool.txt")"
  python3 - "$out/strace-full.txt" <<'PY' | tee -a "$sum" >&2
import re, sys
lines = open(sys.argv[1]).read().splitlines()
t = lambda l: float(l.split()[1])
t0, tend = t(lines[0]), t(lines[-1])
first = lambda pat: next((t(l) for l in lines if re.search(pat, l)), None)
last = lambda pat: next((t(l) for l in reversed(lines) if re.search(pat, l)), None)
opens = [l for l in lines if "openat(" in l and "ENOENT" not in l and ".so" in l]
conn = first(r"connect\(.*sun_path=")
print(f"== timeline under strace (slowed by tracing; proportions only), {len(lines)} syscalls")
print(f"   execve -> last shared object opened: {(t(opens[-1]) - t0) * 1000:.1f} ms ({len(opens)} .so opened)" if opens else "   no .so opened")
if conn:
    print(f"   execve -> connect to the session bus: {(conn - t0) * 1000:.1f} ms")
    lr = last(r"recvmsg\(")
    print(f"   connect -> last recvmsg (D-Bus work): {(lr - conn) * 1000:.1f} ms")
    print(f"   last recvmsg -> exit: {(tend - lr) * 1000:.1f} ms")
n = lambda pat: sum(1 for l in lines if re.search(pat, l))
print(f"   total: {(tend - t0) * 1000:.1f} ms; clone {n(r'clone3?[(]')}, sendmsg {n(r'sendmsg[(]')}, "
      f"recvmsg {n(r'recvmsg[(]')}, futex {n(r'futex[(]')}, poll {n(r'poll[(]')}, mmap {n(r'mmap[(]')}, "
      f"openat {n(r'openat[(]')} ({n(r'openat[(].*ENOENT')} ENOENT)")
PY
fi

# --- dynamic loading
LD_DEBUG=statistics "$bin" --profile "$profile" 2>"$out/ld-statistics.txt" >/dev/null
LD_DEBUG=files "$bin" --profile "$profile" 2>"$out/ld-files.txt" >/dev/null
LD_DEBUG=files "$bin" --version 2>"$out/ld-files-version.txt" >/dev/null
LD_DEBUG=files secret-tool lookup application sts-proc-bench kind floor 2>"$out/ld-files-secret-tool.txt" >/dev/null
libs() { grep -c 'calling init:' "$1"; }
note "== shared objects initialised (LD_DEBUG=files): sts-proc hit $(libs "$out/ld-files.txt"), sts-proc --version $(libs "$out/ld-files-version.txt"), secret-tool lookup $(libs "$out/ld-files-secret-tool.txt")"
note "   dlopen'ed on the hit path (empty: none): $(grep -E 'file=.*\[0\];  dynamically loaded by' "$out/ld-files.txt" | grep -v 'needed by' | sed -E 's/.*file=([^ ]*).*/\1/' | sort -u | tr '\n' ' ')"
note "== LD_DEBUG=statistics (sts-proc hit):"
grep -E 'total startup time|time needed for relocation|number of relocations|final number of relocations|relocations from cache' \
  "$out/ld-statistics.txt" | sed 's/^ *[0-9]*: */   /' | head -8 | tee -a "$sum" >&2

# --- library calls
if command -v ltrace >/dev/null; then
  if timeout 120 ltrace -c -f -o "$out/ltrace-c.txt" "$bin" --profile "$profile" >/dev/null 2>"$out/ltrace-stderr.txt"; then
    note "== ltrace -c -f: top calls by time:"
    sed -n '3,14p' "$out/ltrace-c.txt" | tee -a "$sum" >&2
  else
    note "== ltrace: failed or timed out (see ltrace-stderr.txt)"
  fi
fi

# --- CPU profile
if perf stat -e task-clock true >/dev/null 2>&1; then
  perf stat -r 30 -e task-clock,context-switches,cpu-migrations,page-faults \
    -o "$out/perf-stat.txt" "$bin" --profile "$profile" >/dev/null
  perf stat -r 30 -e task-clock,context-switches,cpu-migrations,page-faults \
    -o "$out/perf-stat-version.txt" "$bin" --version >/dev/null
  note "== perf stat -r 30 (hit): $(grep -E 'task-clock|page-faults|context-switches|elapsed' "$out/perf-stat.txt" | awk '{$1=$1}; 1' | tr '\n' ';')"
  note "== perf stat -r 30 (--version): $(grep -E 'task-clock|page-faults|elapsed' "$out/perf-stat-version.txt" | awk '{$1=$1}; 1' | tr '\n' ';')"
  perf record -q -F 20000 -e cpu-clock -g -o "$out/perf.data" -- \
    bash -c 'for i in $(seq 100); do "$0" --profile "$1" >/dev/null; done' "$bin" "$profile" 2>/dev/null
  # All threads of sts-proc (libsecret's "gdbus"/"gmain" threads have their own comm); not bash.
  comms=$(perf report -i "$out/perf.data" --no-children --sort comm --stdio -g none 2>/dev/null \
    | awk '/^ +[0-9.]+%/ && $NF != "bash" && $NF != "seq" {print $NF}' | paste -sd, -)
  perf report -i "$out/perf.data" --no-children --comms "$comms" --sort comm --stdio -g none 2>/dev/null \
    | grep -v '^$' >"$out/perf-by-thread.txt"
  # perf 6.1's `--sort dso` drops the kernel, libc and ld.so rows here: sum `dso,sym` instead.
  perf report -i "$out/perf.data" --no-children --comms "$comms" --sort dso,sym --stdio -g none 2>/dev/null \
    | grep -v '^$' >"$out/perf-by-symbol.txt"
  perf script -i "$out/perf.data" --comms "$comms" -F comm,ip,dso -G 2>/dev/null \
    | awk '{d = $NF; gsub(/[()]/, "", d); n = split(d, p, "/"); c[p[n]]++; t++}
           END {for (d in c) printf "%7.2f%%  %s\n", 100 * c[d] / t, d}' | sort -rn >"$out/perf-by-dso.txt"
  perf report -i "$out/perf.data" --children --comms "$comms" --sort sym --stdio -g none 2>/dev/null \
    | grep -v '^$' | head -150 >"$out/perf-children-by-symbol.txt"
  rm -f "$out/perf.data" "$out/perf.data.old"
  note "== perf record (cpu-clock, 100 hits; threads: $comms): CPU samples by thread:"
  grep -E '^ +[0-9.]+%' "$out/perf-by-thread.txt" | head -8 | tee -a "$sum" >&2
  note "   by shared object:"
  head -15 "$out/perf-by-dso.txt" | tee -a "$sum" >&2
fi

# --- D-Bus round trips
keyring=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
  --method org.freedesktop.DBus.GetNameOwner org.freedesktop.secrets | sed -E "s/.*'(:[0-9.]+)'.*/\1/")
dbus_round() {  # file, command...
  local file=$1; shift
  dbus-monitor --session --profile >"$file" 2>/dev/null &
  local mon=$!
  sleep 0.5
  "$@" >/dev/null
  sleep 0.5
  kill "$mon" 2>/dev/null; wait "$mon" 2>/dev/null
}
dbus_round "$out/dbus-monitor-sts-proc.txt" "$bin" --profile "$profile"
dbus_round "$out/dbus-monitor-secret-tool.txt" secret-tool lookup application sts-proc-bench kind floor
python3 - "$keyring" "$out/dbus-monitor-sts-proc.txt" "$out/dbus-monitor-secret-tool.txt" <<'PY' | tee -a "$sum" >&2
import sys
keyring = sys.argv[1]
for path in sys.argv[2:]:
    calls, replies = [], {}
    monitor = None
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if f[0] == "mc" and len(f) >= 8:
            # type time serial sender destination path interface member
            if f[7] == "BecomeMonitor":
                monitor = f[3]
                continue
            calls.append(f)
        elif f[0] in ("mr", "err") and len(f) >= 6:
            replies[(f[4], f[5])] = float(f[1])  # (destination, reply serial) -> time
    mine = [c for c in calls if c[3] not in (keyring, monitor, "org.freedesktop.DBus")]
    name = "sts-proc" if "sts-proc" in path else "secret-tool lookup"
    print(f"== D-Bus method calls during one `{name}` (dbus-monitor): {len(mine)}"
          f" ({sum(1 for c in mine if c[4] == 'org.freedesktop.DBus')} to the bus itself)")
    spans = [(float(c[1]), replies.get((c[3], c[2]))) for c in mine]
    if spans and all(e for _, e in spans):
        print(f"   first call -> last reply: {(spans[-1][1] - spans[0][0]) * 1000:.2f} ms; "
              f"sum of round trips: {sum(e - s for s, e in spans) * 1000:.2f} ms "
              f"(to the keyring: {sum(e - s for (s, e), c in zip(spans, mine) if c[4] == keyring) * 1000:.2f} ms)")
    for c in mine:
        t = replies.get((c[3], c[2]))
        rt = f"{(t - float(c[1])) * 1000:6.2f} ms" if t else "   (no reply)"
        print(f"   {rt}  {c[4]:<24} {c[6]}.{c[7]}  {c[5]}")
PY

# --- hyperfine of the pieces
if command -v hyperfine >/dev/null; then
  hyperfine -N --style basic --warmup 5 --min-runs 50 --export-markdown "$out/pieces.md" --export-json "$out/pieces.json" \
    -n "sts-proc --profile $profile (hit)" "$bin --profile $profile" \
    -n "sts-proc --version (process + loader floor)" "$bin --version" \
    -n "sts-proc --version, LD_BIND_NOW=1" "env LD_BIND_NOW=1 $bin --version" \
    -n "secret-tool lookup (same-size item)" "secret-tool lookup application sts-proc-bench kind floor" \
    -n "/bin/true" "/bin/true" >/dev/null
  note "== hyperfine of the pieces (median ms):"
  python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("   %7.2f  %s" % (r["median"] * 1000, r["command"]))' "$out/pieces.json" | tee -a "$sum" >&2
fi
echo "breakdown: raw outputs and summary.txt in $out" >&2
