#!/usr/bin/env bash
# Usage: bench/run.sh [--smoke | --breakdown-only | --compare BASELINE_BIN]
#
# The sts-proc benchmark suite (issue 7, BENCHMARKS.md). Installs what it needs, builds
# the release binary, then inside a private Secret Service (scripts/with-testbed.sh)
# starts moto on 127.0.0.1 with signature checking on, creates an IAM user, key and role,
# and measures side by side with hyperfine and /usr/bin/time -v:
#   (a) cache hit, whole process   vs secret-tool lookup (same size), sts-proc --version, /bin/true
#   (a2) warm credential helpers   vs aws-export-credentials (PyPI) and the AWS CLI's own
#                                  assume-role provider (JSON cache)
#   (b) cold (cache cleared)       vs the same peers cold, and curl --aws-sigv4 (moto floor)
#   (c) 64 parallel cold calls     wall time + exact count of STS AssumeRole requests
#   (d) aws sts get-caller-identity through sts-proc vs static keys (and the peers)
#   (e) peak RSS of (a) and (b)    /usr/bin/time -v, max over several runs
#   (f) boto3, credentials in a fresh process: botocore's assume-role vs sts-proc warm/cold
#                                  vs static keys, timed inside the interpreter
# Full mode also records a hit-path breakdown (bench/breakdown.sh) and a cold-path one
# (bench/cold_breakdown.sh).
# --compare times another build (e.g. the previous commit's binary) against this tree's,
# hit (kernel copy), Secret Service hit, cold and 64 parallel cold, in alternating rounds so that a slow
# minute hits both alike.
#
# Results: bench/results/ (full run; full-run.md is the summary), bench/results/smoke/
# (--smoke: --runs 2 --warmup 0, 8 parallel callers, no thresholds). Timings are never
# asserted; the script fails only when a command fails or (c) makes more than one request.
set -euo pipefail

mode=full
case "${1:-}" in
  "") ;;
  --smoke) mode=smoke ;;
  --breakdown-only) mode=breakdown ;;
  --compare)
    mode=compare
    # Resolved before changing folder, and passed on absolute into the testbed.
    baseline=$(realpath "${2:-}" 2>/dev/null) && [ -x "$baseline" ] \
      || { echo "usage: $0 --compare BASELINE_BIN (an sts-proc executable)" >&2; exit 64; }
    set -- --compare "$baseline" ;;
  *) echo "usage: $0 [--smoke | --breakdown-only | --compare BASELINE_BIN]" >&2; exit 64 ;;
esac
self=$(realpath "${BASH_SOURCE[0]}")  # before changing folder: it may be relative
cd "$(dirname "$self")/.."

# ------------------------------------------------------------------ outside the testbed
if [ "${STS_PROC_BENCH_INSIDE:-}" != 1 ]; then
  scripts/install-deps.sh test
  export PATH="$PWD/.venv/bin:$PATH"  # the Python packages install-deps.sh put there
  # Extra tools of the suite, idempotently (same apt recipe as scripts/install-deps.sh).
  missing=()
  [ -x /usr/bin/time ] || missing+=(time)
  if [ "$mode" = full ] || [ "$mode" = breakdown ]; then
    command -v strace >/dev/null || missing+=(strace)
    command -v ltrace >/dev/null || missing+=(ltrace)
    command -v perf >/dev/null || missing+=(linux-perf)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "bench: installing Debian packages system-wide: ${missing[*]}" >&2
    $sudo apt-get update -qq
    mkdir -p /tmp/apt-archives/partial
    # linux-perf may be unavailable for some kernels: the breakdown then skips perf.
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
      -o Dir::Cache::Archives=/tmp/apt-archives "${missing[@]}" >/dev/null \
      || echo "bench: note: could not install all of: ${missing[*]}" >&2
  fi
  # The Python credential helper peer (PyPI), in its own virtualenv: its latest release
  # (0.18.0, 2023) builds botocore's ReadOnlyCredentials as a 3-tuple and crashes with the
  # botocore that the AWS CLI here uses (4 fields since account_id), so it gets the last
  # boto3 of 2024-08 that it works with.
  aec_venv="${XDG_CACHE_HOME:-$HOME/.cache}/sts-proc-bench/venv"
  if ! "$aec_venv/bin/aws-export-credentials" --version >/dev/null 2>&1; then
    rm -rf "$aec_venv"; python3 -m venv "$aec_venv"
    "$aec_venv/bin/pip" install -q --disable-pip-version-check \
      'aws-export-credentials==0.18.0' 'boto3==1.34.162'
  fi
  export STS_PROC_BENCH_AEC="$aec_venv/bin/aws-export-credentials"
  swift build -c release --product sts-proc >/dev/null
  STS_PROC_BENCH_INSIDE=1 exec scripts/with-testbed.sh bash "$self" "$@"
fi

# ------------------------------------------------------------------ inside the testbed
repo=$(pwd)
built="$(swift build -c release --show-bin-path)/sts-proc"
[ -x "$built" ] || { echo "bench: no release binary at $built" >&2; exit 1; }

# Real executables, not pyenv shims (a shim adds tens of ms and breaks once HOME changes):
# the interpreter's own folder, then (for .venv, which reuses the system's packages) that of
# the Python it was made from.
py=$(python3 -c 'import sys; print(sys.executable)')
pybin=$(dirname "$py")
basebin=$(python3 -c 'import os, sys; print(os.path.join(sys.base_prefix, "bin"))')
resolve() {  # name -> absolute path of the real executable
  if [ -x "$pybin/$1" ]; then echo "$pybin/$1"
  elif [ -x "$basebin/$1" ]; then echo "$basebin/$1"
  else command -v "$1"; fi
}
aws_bin=$(resolve aws)
aec_bin=$STS_PROC_BENCH_AEC
moto_bin=$(resolve moto_server)
hf=$(command -v hyperfine)

if [ "$mode" = compare ]; then
  out="$repo/bench/results/compare"
elif [ "$mode" = smoke ]; then
  out="$repo/bench/results/smoke"; parallel_n=8; d_rounds=1; f_runs=2
  hf_opts=(--runs 2 --warmup 0); hf_slow=(--runs 2 --warmup 0); rss_runs=2
else
  out="$repo/bench/results"; parallel_n=64; d_rounds=8; f_runs=25
  hf_opts=(--warmup 5 --min-runs 30); hf_slow=(--warmup 2 --min-runs 10); rss_runs=5
fi
mkdir -p "$out"
[ "$mode" = breakdown ] || rm -f "$out"/*.json "$out"/*.jsonl "$out"/*.md "$out"/*.txt

work=$(mktemp -d "${TMPDIR:-/tmp}/sts-proc-bench.XXXXXX")
# A private copy: a rebuild in the work tree during the run must not change what is measured.
mkdir -p "$work/bin"; cp "$built" "$work/bin/sts-proc"; bin="$work/bin/sts-proc"
moto_pid=""; proxy_pid=""
cleanup() {
  # The Secret Service and the kernel keyring are the testbed's own (scripts/with-testbed.sh)
  # and go with it: nothing to clear.
  for pid in $proxy_pid $moto_pid; do kill "$pid" 2>/dev/null || true; done
  for pid in $proxy_pid $moto_pid; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

log() { printf '\n== %s\n' "$*" >&2; }

# moto on loopback, signature checking turned on after the IAM setup (as scripts/demo.sh).
port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
moto="http://127.0.0.1:$port"
env -u AWS_ENDPOINT_URL -u AWS_ENDPOINT_URL_STS "$moto_bin" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 200); do curl -sf -o /dev/null "$moto/moto-api/" && break; sleep 0.1; done
curl -sf -o /dev/null "$moto/moto-api/" || { echo "bench: moto did not start" >&2; cat "$work/moto.log" >&2; exit 1; }

"$py" "$repo/bench/counting_proxy.py" "$port" "$work/proxy.port" &
proxy_pid=$!
for _ in $(seq 100); do [ -s "$work/proxy.port" ] && break; sleep 0.05; done
proxy="http://127.0.0.1:$(cat "$work/proxy.port")"

setup_env=(env AWS_ACCESS_KEY_ID=setup AWS_SECRET_ACCESS_KEY=setup AWS_DEFAULT_REGION=us-east-1
           AWS_ENDPOINT_URL="$moto" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null)
allow_all='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/bench-user"},"Action":"sts:AssumeRole"}]}'
"${setup_env[@]}" "$aws_bin" iam create-user --user-name bench-user >/dev/null
"${setup_env[@]}" "$aws_bin" iam put-user-policy --user-name bench-user --policy-name all --policy-document "$allow_all"
"${setup_env[@]}" "$aws_bin" iam create-role --role-name bench-role --assume-role-policy-document "$trust" >/dev/null
"${setup_env[@]}" "$aws_bin" iam put-role-policy --role-name bench-role --policy-name all --policy-document "$allow_all"
read -r key_id secret < <("${setup_env[@]}" "$aws_bin" iam create-access-key --user-name bench-user \
  --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
curl -sf -X POST -H 'Content-Type: text/plain' --data 0 "$moto/moto-api/reset-auth" >/dev/null

role_arn=arn:aws:iam::123456789012:role/bench-role
umask 077
mkdir -p "$work/home"
cat >"$work/credentials" <<INI
[bench-base]
aws_access_key_id = $key_id
aws_secret_access_key = $secret

[static]
aws_access_key_id = $key_id
aws_secret_access_key = $secret
INI
cat >"$work/config" <<INI
[default]
region = us-east-1

[profile static]
region = us-east-1

# sts-proc (cases a-e)
[profile p]
credential_process = $bin --profile p
sts_proc_role_arn = $role_arn
sts_proc_source_profile = bench-base
sts_proc_role_session_name = bench
region = us-east-1

# sts-proc without the Secret Service (cold breakdown): the kernel keyring is the whole cache
[profile pk]
credential_process = $bin --profile pk
sts_proc_role_arn = $role_arn
sts_proc_source_profile = bench-base
sts_proc_role_session_name = bench-kernel
sts_proc_cache = kernel
region = us-east-1

# sts-proc for the parallel case (its own cache key; endpoint set to the counting proxy)
[profile pc]
credential_process = $bin --profile pc
sts_proc_role_arn = $role_arn
sts_proc_source_profile = bench-base
sts_proc_role_session_name = bench-parallel
region = us-east-1

# The AWS CLI's own assume-role provider (JSON cache in ~/.aws/cli/cache)
[profile cli-role]
role_arn = $role_arn
source_profile = bench-base
role_session_name = bench-cli
region = us-east-1

# A Python credential helper from PyPI as credential_process, with its own JSON cache
[profile aec]
credential_process = $aec_bin --profile cli-role --cache-file $work/aec-cache.json
region = us-east-1
INI
export HOME="$work/home" AWS_CONFIG_FILE="$work/config" AWS_SHARED_CREDENTIALS_FILE="$work/credentials"
export AWS_ENDPOINT_URL_STS="$moto" AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
cli_cache="$HOME/.aws/cli/cache"
aec_cache="$work/aec-cache.json"

count_reset() { curl -sf -X POST "$proxy/__bench/reset" >/dev/null; }
count_assume() { curl -sf "$proxy/__bench/counts" | "$py" -c 'import json,sys; print(json.load(sys.stdin).get("AssumeRole", 0))'; }
moto_requests() { grep -c '"POST / ' "$work/moto.log" || true; }

# Warm everything once and check each path works (any failure stops the suite).
log "warming caches"
"$bin" --profile p >/dev/null
"$aec_bin" --profile cli-role --cache-file "$aec_cache" >/dev/null
"$aws_bin" s3 presign s3://bench/key --profile cli-role >/dev/null
"$aws_bin" sts get-caller-identity --profile p --query Arn --output text >&2
"$aws_bin" sts get-caller-identity --profile static --query Arn --output text >&2
"$aws_bin" sts get-caller-identity --profile aec --query Arn --output text >&2
"$aws_bin" sts get-caller-identity --profile cli-role --query Arn --output text >&2
ls "$cli_cache"/*.json >/dev/null   # the CLI's JSON cache exists

# The libsecret floor: an item of the same size as sts-proc's cached secret.
item_size=$(secret-tool lookup application sts-proc profile p 2>/dev/null | wc -c || true)
[ "${item_size:-0}" -gt 0 ] || item_size=$("$bin" --profile p | wc -c)
head -c $((item_size * 2)) /dev/urandom | base64 -w0 | head -c "$item_size" \
  | secret-tool store --label 'sts-proc bench floor' application sts-proc-bench kind floor
floor_size=$(secret-tool lookup application sts-proc-bench kind floor | wc -c)
echo "keyring item size: sts-proc $item_size bytes, floor item $floor_size bytes" >&2

run_hf() {  # name, hyperfine args...
  local name=$1; shift
  log "hyperfine: $name"
  "$hf" --style basic --export-markdown "$out/$name.md" --export-json "$out/$name.json" "$@"
}

aws_presign() { echo "$aws_bin s3 presign s3://bench/key --profile $1"; }
# The key goes to curl in a 0600 config file (umask 077 above), never on its command line.
printf 'user = "%s:%s"\n' "$key_id" "$secret" >"$work/curl-key.cfg"
curl_assume=(curl -sf -o /dev/null --aws-sigv4 aws:amz:us-east-1:sts -K "$work/curl-key.cfg"
  -H 'Content-Type: application/x-www-form-urlencoded'
  --data "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fbench-role&RoleSessionName=bench-curl&Version=2011-06-15"
  "$moto/")
"${curl_assume[@]}"   # works under signature checking
curl_assume_cmd=$(printf '%s ' "${curl_assume[@]@Q}")

# A C reference for a cold run (bench/floor/cold_floor.c): the same three libraries making
# only the essential calls, one after another. The toolchain's clang builds it (no gcc needed).
floor="$work/bin/cold-floor"
clang -O2 -o "$floor" bench/floor/cold_floor.c $(pkg-config --cflags --libs libcurl libsecret-1 libxml-2.0)
printf '%s:%s\n' "$key_id" "$secret" >"$work/floor-key"
floor_cmd="$floor $moto/ $role_arn $work/floor-key"
floor_clear="secret-tool clear application sts-proc-floor key floor"  # exit 1 when nothing matched
$floor_clear || true   # nothing to clear yet
$floor_cmd >/dev/null   # works under signature checking

if [ "$mode" = compare ]; then
  cp "$baseline" "$work/bin/baseline"; base="$work/bin/baseline"
  "$base" --profile p >/dev/null
  for round in 1 2 3 4; do
    # Each round in the other order, so that drift within a round favours neither side.
    cold=(--prepare "$bin cache clear --profile p" -n "baseline cold" "$base --profile p"
          --prepare "$bin cache clear --profile p" -n "this tree cold" "$bin --profile p"
          --prepare "$floor_clear" -n "C reference cold" "$floor_cmd")
    hit=(-n "baseline hit" "$base --profile p" -n "this tree hit" "$bin --profile p")
    # Served by the Secret Service item: the kernel copy removed before each run.
    drop="bash bench/drop_kernel_copy.sh p"
    ss=(--prepare "$drop" -n "baseline Secret Service hit" "$base --profile p"
        --prepare "$drop" -n "this tree Secret Service hit" "$bin --profile p")
    # Case (c): 64 cold callers at once.
    par=(--prepare "$bin cache clear --profile p" -n "baseline 64 parallel cold" "bash bench/parallel.sh 64 $base --profile p"
         --prepare "$bin cache clear --profile p" -n "this tree 64 parallel cold" "bash bench/parallel.sh 64 $bin --profile p")
    if [ $((round % 2)) -eq 0 ]; then
      cold=("${cold[@]:10:5}" "${cold[@]:5:5}" "${cold[@]:0:5}"); hit=("${hit[@]:3:3}" "${hit[@]:0:3}")
      ss=("${ss[@]:5:5}" "${ss[@]:0:5}"); par=("${par[@]:5:5}" "${par[@]:0:5}")
    fi
    run_hf "compare-cold-$round" -N --warmup 2 --runs 15 "${cold[@]}"
    run_hf "compare-hit-$round" -N --warmup 5 --runs 40 "${hit[@]}"
    run_hf "compare-ss-$round" -N --warmup 2 --runs 20 "${ss[@]}"
    run_hf "compare-parallel-$round" -N --warmup 1 --runs 8 "${par[@]}"
  done
  "$py" - "$out" <<'PY' | tee "$out/summary.txt" >&2
import glob, json, statistics, sys
times = {}
for path in sorted(glob.glob(sys.argv[1] + "/compare-*.json")):
    for result in json.load(open(path))["results"]:
        times.setdefault(result["command"], []).extend(result["times"])
for name, values in times.items():
    print(f"{name:28} median {statistics.median(values) * 1000:6.2f} ms  mean {statistics.mean(values) * 1000:6.2f} ms"
          f"  ({len(values)} runs over 4 rounds)")
PY
  for label in baseline "this tree"; do
    b=$base; [ "$label" = baseline ] || b=$bin
    "$b" cache clear --profile p; cold=$(/usr/bin/time -f %M "$b" --profile p 2>&1 >/dev/null | tail -1)
    hit=$(/usr/bin/time -f %M "$b" --profile p 2>&1 >/dev/null | tail -1)
    echo "$label: max RSS cold $cold kB, hit $hit kB" | tee -a "$out/summary.txt" >&2
  done
  exit 0
fi

if [ "$mode" != breakdown ]; then
  # (a) cache hit, whole process, against its floors. Moto must see no request.
  before=$(moto_requests)
  run_hf a-hit -N "${hf_opts[@]}" \
    -n "sts-proc --profile p (warm cache)" "$bin --profile p" \
    -n "secret-tool lookup (same-size item)" "secret-tool lookup application sts-proc-bench kind floor" \
    -n "sts-proc --version" "$bin --version" \
    -n "/bin/true" "/bin/true"
  after=$(moto_requests)
  echo "moto requests during (a): $((after - before))" | tee "$out/a-hit-requests.txt" >&2
  [ "$after" -eq "$before" ] || { echo "bench: the warm path made STS requests" >&2; exit 1; }

  # (a2) warm path of credential helpers side by side (all print credential_process JSON or sign).
  run_hf a2-warm-peers -N "${hf_slow[@]}" \
    -n "sts-proc --profile p (warm keyring)" "$bin --profile p" \
    -n "aws-export-credentials (warm --cache-file)" "$aec_bin --profile cli-role --cache-file $aec_cache" \
    -n "aws s3 presign via CLI assume-role (warm JSON cache)" "$(aws_presign cli-role)" \
    -n "aws s3 presign via sts-proc (warm)" "$(aws_presign p)"

  # (b) cold: cache cleared before every run; AssumeRole against moto on loopback.
  run_hf b-cold -N "${hf_slow[@]}" \
    --prepare "$bin cache clear --profile p" -n "sts-proc --profile p (cold)" "$bin --profile p" \
    --prepare "/bin/true" -n "curl --aws-sigv4 AssumeRole (moto + HTTP floor)" "$curl_assume_cmd" \
    --prepare "$floor_clear" -n "C reference: libsecret search + libcurl AssumeRole + libxml2 + libsecret store" "$floor_cmd" \
    --prepare "rm -f $aec_cache" -n "aws-export-credentials (cold)" "$aec_bin --profile cli-role --cache-file $aec_cache" \
    --prepare "rm -rf $cli_cache" -n "aws s3 presign via CLI assume-role (cold)" "$(aws_presign cli-role)" \
    --prepare "$bin cache clear --profile p" -n "aws s3 presign via sts-proc (cold)" "$(aws_presign p)"

  # (c) N parallel cold invocations through the counting proxy.
  count_reset
  run_hf c-parallel -N "${hf_slow[@]}" \
    --prepare "$bin cache clear --profile pc" -n "$parallel_n x sts-proc --profile pc in parallel (cold)" \
    "env AWS_ENDPOINT_URL_STS=$proxy bash $repo/bench/parallel.sh $parallel_n $bin --profile pc"
  total=$(count_assume)
  runs=$("$py" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["results"][0]["times"]))' "$out/c-parallel.json")
  # The exact check: one more batch, counted on its own.
  "$bin" cache clear --profile pc; count_reset
  t0=$(date +%s%N)
  AWS_ENDPOINT_URL_STS=$proxy bash bench/parallel.sh "$parallel_n" "$bin" --profile pc
  t1=$(date +%s%N)
  one=$(count_assume)
  # Peer: the Python helper has no cross-process lock (one request per caller).
  rm -f "$aec_cache"; count_reset
  t2=$(date +%s%N)
  AWS_ENDPOINT_URL_STS=$proxy bash bench/parallel.sh "$parallel_n" "$aec_bin" --profile cli-role --cache-file "$aec_cache"
  t3=$(date +%s%N)
  aec_count=$(count_assume)
  cat >"$out/c-requests.json" <<JSON
{"parallel": $parallel_n, "sts_proc_single_batch_assume_role": $one,
 "sts_proc_single_batch_wall_ms": $(( (t1 - t0) / 1000000 )),
 "sts_proc_hyperfine_total_assume_role": $total, "sts_proc_hyperfine_timed_runs": $runs,
 "aec_single_batch_assume_role": $aec_count, "aec_single_batch_wall_ms": $(( (t3 - t2) / 1000000 ))}
JSON
  cat "$out/c-requests.json" >&2
  [ "$one" -eq 1 ] || { echo "bench: $parallel_n parallel cold calls made $one AssumeRole requests (expected 1)" >&2; exit 1; }

  # (d) an AWS CLI command through sts-proc (warm) vs static keys, and the peers.
  "$bin" --profile p >/dev/null; "$aec_bin" --profile cli-role --cache-file "$aec_cache" >/dev/null
  "$aws_bin" s3 presign s3://bench/key --profile cli-role >/dev/null
  run_hf d-cli -N "${hf_slow[@]}" \
    -n "aws sts get-caller-identity --profile static (user keys)" "$aws_bin sts get-caller-identity --profile static" \
    -n "aws sts get-caller-identity --profile p (sts-proc, warm)" "$aws_bin sts get-caller-identity --profile p" \
    -n "aws sts get-caller-identity --profile cli-role (CLI JSON cache, warm)" "$aws_bin sts get-caller-identity --profile cli-role" \
    -n "aws sts get-caller-identity --profile aec (aws-export-credentials, warm)" "$aws_bin sts get-caller-identity --profile aec"
  # The 5 % question needs more runs than the CLI's own spread allows in one go: alternating
  # rounds of the two rows, pooled by report.py with a bootstrap interval of the difference.
  for round in $(seq "$d_rounds"); do
    pair=(-n "static keys" "$aws_bin sts get-caller-identity --profile static"
          -n "sts-proc (warm)" "$aws_bin sts get-caller-identity --profile p")
    [ $((round % 2)) -eq 1 ] || pair=("${pair[@]:3:3}" "${pair[@]:0:3}")  # alternate the order
    run_hf "d-pair-$round" -N "${hf_slow[@]}" "${pair[@]}"
  done

  # (f) what a user saves: credentials resolved inside fresh boto3 processes.
  log "boto3: credentials in a fresh process ($f_runs runs each)"
  "$py" bench/boto3_savings.py "$out" "$f_runs" "$bin" | tee "$out/f-boto3.md" >&2

  # (e) peak RSS, /usr/bin/time -v, max over several runs.
  log "peak RSS (/usr/bin/time -v, $rss_runs runs each)"
  rss() {  # label, prepare command (or ""), command...
    local label=$1 prep=$2; shift 2; local max=0 kb i
    for ((i = 0; i < rss_runs; i++)); do
      [ -z "$prep" ] || eval "$prep" >/dev/null
      kb=$(/usr/bin/time -v "$@" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p')
      [ -n "$kb" ] || { echo "bench: /usr/bin/time failed for $label" >&2; exit 1; }
      if [ "$kb" -gt "$max" ]; then max=$kb; fi
    done
    printf '{"label": "%s", "max_rss_kb": %d, "runs": %d}\n' "$label" "$max" "$rss_runs" >>"$out/e-rss.jsonl"
    printf '%-55s %8d kB\n' "$label" "$max" >&2
  }
  rm -f "$out/e-rss.jsonl"
  "$bin" --profile p >/dev/null
  rss "sts-proc --profile p (warm, a)" "" "$bin" --profile p
  rss "sts-proc --profile p (cold, b)" "'$bin' cache clear --profile p" "$bin" --profile p
  rss "secret-tool lookup (same-size item)" "" secret-tool lookup application sts-proc-bench kind floor
  rss "C reference of a cold run (b)" "$floor_clear" $floor_cmd
  rss "sts-proc --version" "" "$bin" --version
  rss "aws-export-credentials (warm)" "" "$aec_bin" --profile cli-role --cache-file "$aec_cache"
  rss "aws-export-credentials (cold)" "rm -f '$aec_cache'" "$aec_bin" --profile cli-role --cache-file "$aec_cache"
  rss "aws s3 presign via CLI assume-role (warm)" "" "$aws_bin" s3 presign s3://bench/key --profile cli-role
  rss "aws s3 presign via CLI assume-role (cold)" "rm -rf '$cli_cache'" "$aws_bin" s3 presign s3://bench/key --profile cli-role

  # The commands, for BENCHMARKS.md.
  { echo "sts-proc: $built ($("$bin" --version), $(stat -c %s "$bin") bytes, copied to a temporary folder for the run)"; echo "aws: $aws_bin ($("$aws_bin" --version 2>&1))"
    echo "aws-export-credentials: $aec_bin ($("$aec_bin" --version 2>&1))"
    echo "hyperfine: $("$hf" --version)"; echo "moto: $("$py" -c 'import moto; print(moto.__version__)')"
    echo "libsecret item sizes: sts-proc $item_size bytes, floor $floor_size bytes"
  } >"$out/versions.txt"
  "$py" bench/report.py "$out" "$mode" >"$out/$([ "$mode" = smoke ] && echo smoke-run || echo full-run).md"
  log "summary: $out/$([ "$mode" = smoke ] && echo smoke-run || echo full-run).md"
fi

if [ "$mode" != smoke ]; then
  "$bin" --profile p >/dev/null
  bash bench/breakdown.sh "$out/breakdown" "$bin" p
  bash bench/cold_breakdown.sh "$out/breakdown-cold" "$bin" p pk "$curl_assume_cmd"
fi
log "bench: done ($mode)"
