"""What a user saves (issue 17): resolving credentials inside a fresh boto3 process,
timed inside the interpreter so that Python's own start-up does not drown the difference:
`boto3.Session(profile_name=…).get_credentials().get_frozen_credentials()` for

  botocore's assume-role provider (STS in every new process), sts-proc warm, sts-proc cold
  (cache cleared before each process), and static keys.

Usage: boto3_savings.py OUT_DIR RUNS STS_PROC_BIN  (profiles cli-role, p, static of the
bench config). Writes OUT_DIR/f-boto3.json and prints a markdown table with the ratios."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

CHILD = """
import time, boto3
start = time.perf_counter()
boto3.Session(profile_name={profile!r}).get_credentials().get_frozen_credentials()
print((time.perf_counter() - start) * 1000)
"""

CASES = [
    ("botocore assume-role provider (STS in every process)", "cli-role", None),
    ("credential_process = sts-proc (warm)", "p", None),
    ("credential_process = sts-proc (cold)", "p", "clear"),
    ("static keys", "static", None),
]


def main() -> None:
    out, runs, sts_proc = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    results = {}
    for label, profile, prepare in CASES:
        subprocess.run([sys.executable, "-c", CHILD.format(profile=profile)], check=True, capture_output=True)
        times = []
        for _ in range(runs):
            if prepare == "clear":
                subprocess.run([sts_proc, "cache", "clear", "--profile", profile], check=True)
            child = subprocess.run([sys.executable, "-c", CHILD.format(profile=profile)], check=True,
                                   capture_output=True, text=True)
            times.append(float(child.stdout.strip()))
        results[label] = {"profile": profile, "runs": runs, "median_ms": statistics.median(times),
                          "min_ms": min(times), "max_ms": max(times)}
    with open(f"{out}/f-boto3.json", "w") as f:
        json.dump(results, f, indent=1)
    baseline = results[CASES[0][0]]["median_ms"]
    print("| resolving credentials in a fresh boto3 process | median | vs botocore's assume-role |")
    print("|---|---:|---:|")
    for label, values in results.items():
        print(f"| {label} | {values['median_ms']:.1f} ms | {values['median_ms'] / baseline:.2f}× |")


if __name__ == "__main__":
    main()
