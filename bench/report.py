#!/usr/bin/env python3
"""Summarise one bench/run.sh run: bench/report.py RESULTS_DIR MODE > summary.md

Reads the hyperfine JSON exports, c-requests.json, e-rss.jsonl and versions.txt in
RESULTS_DIR and prints Markdown tables (medians first) plus the issue-7 targets. The
targets are reported, never asserted: timings do not fail a run.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import random
import statistics
import sys

out, mode = sys.argv[1], sys.argv[2]


def load(name: str):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def ms(seconds: float) -> str:
    v = seconds * 1000
    return f"{v:.1f}" if v >= 10 else f"{v:.2f}"


def table(name: str, title: str) -> tuple[str, list]:
    data = load(f"{name}.json")
    if data is None:
        return f"### {title}\n\n(missing: {name}.json)\n", []
    rows = data["results"]
    base = rows[0]["median"]
    lines = [f"### {title}", "",
             "| command | median ms | mean ± σ ms | min ms | max ms | runs | median vs first |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| `{r['command']}` | **{ms(r['median'])}** | {ms(r['mean'])} ± {ms(r['stddev'] or 0)} "
                     f"| {ms(r['min'])} | {ms(r['max'])} | {len(r['times'])} | {r['median'] / base:.2f}× |")
    return "\n".join(lines) + "\n", rows


def machine() -> str:
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    try:
        with open("/etc/debian_version") as f:
            debian = f.read().strip()
    except OSError:
        debian = "?"
    return (f"{os.cpu_count()} CPUs ({cpu}), {mem_kb / 1048576:.1f} GiB RAM, "
            f"Linux {platform.release()}, Debian {debian}")


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


parts = [f"# sts-proc benchmark run ({mode})", "",
         f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
         f"- machine: {machine()}"]
versions = os.path.join(out, "versions.txt")
if os.path.exists(versions):
    with open(versions) as f:
        parts += [f"- {line.strip()}" for line in f if line.strip()]
parts.append("")
if mode == "smoke":
    parts += ["Smoke mode: 2 runs per command, no warmup. These numbers are not measurements.", ""]

a, a_rows = table("a-hit", "(a) cache hit, whole process, against its floors")
a2, _ = table("a2-warm-peers", "(a) warm path of credential helpers (peers)")
b, b_rows = table("b-cold", "(b) cold: cache cleared before every run, AssumeRole against moto on loopback")
c, c_rows = table("c-parallel", "(c) parallel cold invocations (wall time of the whole batch)")
d, d_rows = table("d-cli", "(d) an AWS CLI command: sts-proc (warm) vs static keys and the peers")
parts += [a, a2, b, c]

req = load("c-requests.json")
if req:
    parts += ["STS AssumeRole requests counted by the proxy in front of moto:", "",
              "| what | AssumeRole requests | wall ms |", "|---|---:|---:|",
              f"| one batch of {req['parallel']} parallel cold `sts-proc` | **{req['sts_proc_single_batch_assume_role']}** "
              f"| {req['sts_proc_single_batch_wall_ms']} |",
              f"| all hyperfine batches above (warmups included; {req['sts_proc_hyperfine_timed_runs']} timed) "
              f"| {req['sts_proc_hyperfine_total_assume_role']} | |",
              f"| one batch of {req['parallel']} parallel cold `aws-export-credentials` (peer, no cross-process lock) "
              f"| {req['aec_single_batch_assume_role']} | {req['aec_single_batch_wall_ms']} |", ""]
parts.append(d)

# (d) pooled over the alternating rounds, with a bootstrap interval for the difference.
pairs: dict[str, list[float]] = {}
for name in sorted(n for n in os.listdir(out) if n.startswith("d-pair-") and n.endswith(".json")):
    for r in load(name)["results"]:
        pairs.setdefault(r["command"], []).extend(r["times"])
d_pooled = None
if len(pairs) == 2:
    (static_name, static), (helper_name, helper) = pairs.items()
    rng = random.Random(7)
    ratios = sorted(statistics.median(rng.choices(helper, k=len(helper)))
                    / statistics.median(rng.choices(static, k=len(static))) - 1 for _ in range(2000))
    d_pooled = (statistics.median(helper) / statistics.median(static) - 1, ratios[50], ratios[1949])
    parts += ["(d) pooled over alternating rounds (the difference of medians, with a 95 % bootstrap interval):", "",
              "| profile | median ms | runs |", "|---|---:|---:|",
              f"| {static_name} | {ms(statistics.median(static))} | {len(static)} |",
              f"| {helper_name} | {ms(statistics.median(helper))} | {len(helper)} |", "",
              f"Difference: **{d_pooled[0] * 100:+.1f} %** (95 % interval {d_pooled[1] * 100:+.1f} % … "
              f"{d_pooled[2] * 100:+.1f} %).", ""]

rss = []
rss_path = os.path.join(out, "e-rss.jsonl")
if os.path.exists(rss_path):
    with open(rss_path) as f:
        rss = [json.loads(line) for line in f if line.strip()]
    parts += ["### (e) peak RSS (`/usr/bin/time -v`, max over runs)", "",
              "| command | max RSS MB | runs |", "|---|---:|---:|"]
    parts += [f"| `{r['label']}` | **{r['max_rss_kb'] / 1024:.1f}** | {r['runs']} |" for r in rss]
    parts.append("")

# Targets of issue 7 (medians on a 2-core machine).
parts += ["### Targets (issue 7)", "", "| case | target | this run | |", "|---|---|---|---|"]
if a_rows:
    v = a_rows[0]["median"] * 1000
    parts.append(f"| (a) cache hit | ≤ 5 ms | {v:.2f} ms | {verdict(v <= 5)} |")
floor_b = next((r for r in b_rows if r["command"].startswith("C reference")), None)
if b_rows:
    v = b_rows[0]["median"] * 1000
    vs_floor = f" (C reference: {floor_b['median'] * 1000:.1f} ms)" if floor_b else ""
    parts.append(f"| (b) cold | ≤ 15 ms | {v:.1f} ms{vs_floor} | {verdict(v <= 15)} |")
if req:
    n = req["sts_proc_single_batch_assume_role"]
    parts.append(f"| (c) {req['parallel']} parallel cold | exactly 1 STS request | {n} | {verdict(n == 1)} |")
if d_pooled:
    ratio, low, high = d_pooled
    settled = "**met**" if high <= 0.05 else ("**not met**" if low > 0.05 else "not settled by this run")
    parts.append(f"| (d) CLI via sts-proc vs static keys | within 5 % | {ratio * 100:+.1f} % "
                 f"(95 %: {low * 100:+.1f} … {high * 100:+.1f} %) | {settled} |")
elif len(d_rows) >= 2:
    ratio = d_rows[1]["median"] / d_rows[0]["median"] - 1
    parts.append(f"| (d) CLI via sts-proc vs static keys | within 5 % | {ratio * 100:+.1f} % | {verdict(ratio <= 0.05)} |")
if rss:
    mx = max(r["max_rss_kb"] for r in rss if r["label"].startswith("sts-proc --profile")) / 1024
    floor_e = next((r["max_rss_kb"] / 1024 for r in rss if r["label"].startswith("C reference")), None)
    vs_floor = f" (C reference of a cold run: {floor_e:.1f} MB)" if floor_e else ""
    parts.append(f"| (e) peak RSS of (a) and (b) | ≤ 15 MB | {mx:.1f} MB{vs_floor} | {verdict(mx <= 15)} |")
parts.append("")

# Targets of issue 17 (same medians): the cold run against its two references, the
# parallel batch, and the warm process's memory.
curl_b = next((r for r in b_rows if r["command"].startswith("curl")), None)
parts += ["### Targets (issue 17)", "", "| case | target | this run | |", "|---|---|---|---|"]
if b_rows and floor_b:
    ratio = b_rows[0]["median"] / floor_b["median"]
    parts.append(f"| (b) cold vs the C reference | ≤ 0.75× | {ratio:.2f}× | {verdict(ratio <= 0.75)} |")
if b_rows and curl_b:
    ratio = b_rows[0]["median"] / curl_b["median"]
    parts.append(f"| (b) cold vs curl --aws-sigv4 | ≤ 1.6× | {ratio:.2f}× | {verdict(ratio <= 1.6)} |")
if c_rows and req:
    v = c_rows[0]["median"] * 1000
    n = req["sts_proc_single_batch_assume_role"]
    parts.append(f"| (c) {req['parallel']} parallel cold | 1 request, < 306 ms | {n}, {v:.0f} ms | {verdict(n == 1 and v < 306)} |")
if rss:
    warm = next((r["max_rss_kb"] / 1024 for r in rss if "(warm, a)" in r["label"]), None)
    if warm is not None:
        parts.append(f"| (e) peak RSS, warm | ≤ 12 MB | {warm:.1f} MB | {verdict(warm <= 12)} |")
parts.append("")

# (f), as bench/boto3_savings.py wrote it.
f_path = os.path.join(out, "f-boto3.md")
if os.path.exists(f_path):
    parts += ["### (f) credentials inside a fresh boto3 process (timed in the interpreter)", "",
              open(f_path).read().strip(), ""]
print("\n".join(parts))
