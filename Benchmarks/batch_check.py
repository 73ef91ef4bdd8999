#!/usr/bin/env python3
"""Checks and times `scheduler cron next --batch`.

usage: batch_check.py SCHEDULER CASES.jsonl [--time]

1. Runs the batch on CASES.jsonl and checks the protocol: one JSON line per input line, in
   order, with the expected fire times.
2. With --time, runs 60 queries x 1,000 fire times (typical expressions in UTC, New York and
   Berlin) several times and prints the best wall time per fire time, output included, with and
   without the process start (measured on an empty batch).
"""
import json
import subprocess
import sys
import tempfile
import time

scheduler, cases = sys.argv[1], sys.argv[2]

with open(cases) as handle:
    queries = [json.loads(line) for line in handle if line.strip()]
result = subprocess.run([scheduler, "cron", "next", "--batch", cases], capture_output=True, text=True, check=True)
answers = [json.loads(line) for line in result.stdout.splitlines()]
assert len(answers) == len(queries), (len(answers), len(queries))
for query, answer in zip(queries, answers):
    assert answer["id"] == query["id"], (query, answer)
    if "next" in query:
        assert answer.get("next") == query["next"], (query, answer)
print(f"batch protocol: {len(queries)} queries answered in order, all fire times as expected")

if "--time" in sys.argv:
    expressions = [
        "* * * * *", "*/5 * * * *", "*/15 * * * *", "0 * * * *", "0 */2 * * *", "0 0 * * *", "30 2 * * *",
        "0 6 * * 1-5", "0 9-17 * * MON-FRI", "0 0 1 * *", "0 0 L * *", "0 12 * * 5L", "0 10 * * 1#2",
        "0 0 * * 0", "0 30 2 * * *", "*/30 * * * * *", "15 14 1 * *", "0 0 1 1 *", "*/10 9-17 * * 1-5", "30 * * * *",
    ]
    zones = ["UTC", "America/New_York", "Europe/Berlin"]
    lines = [
        json.dumps({"id": f"q{i}", "expr": e, "tz": z, "after": "2026-01-01T00:00:00Z", "count": 1000})
        for i, (e, z) in enumerate((e, z) for z in zones for e in expressions)
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as big, \
            tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as empty:
        big.write("\n".join(lines) + "\n")
    def best(path, runs=15):
        times = []
        for _ in range(runs):
            begin = time.perf_counter()
            subprocess.run([scheduler, "cron", "next", "--batch", path], stdout=subprocess.DEVNULL, check=True)
            times.append(time.perf_counter() - begin)
        return min(times)
    full, startup = best(big.name), best(empty.name)
    fires = len(lines) * 1000
    print(f"batch: {len(lines)} queries x 1000 fire times: {full * 1e3:.1f} ms wall, "
          f"{full / fires * 1e9:.0f} ns per fire time including process start, "
          f"{(full - startup) / fires * 1e9:.0f} ns excluding it (start alone {startup * 1e3:.1f} ms)")
