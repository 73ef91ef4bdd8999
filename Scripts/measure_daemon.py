#!/usr/bin/env python3
"""Measures an idle daemon: start to first scheduling decision, resident memory, idle CPU.

usage: measure_daemon.py SCHEDULER [SECONDS]

Starts `SCHEDULER run` on a fresh state with two schedules that are not due, times the start
until the "scheduler started" log line (the scheduler has loaded its schedules and set its first
timers), then reads /proc for resident memory and CPU time over SECONDS (default 60) of idling.
Linux only.
"""
import os, subprocess, sys, tempfile, time

scheduler = os.path.abspath(sys.argv[1])
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
folder = tempfile.mkdtemp(prefix="measure-daemon-")
config = os.path.join(folder, "idle.yaml")
with open(config, "w") as f:
    f.write("""schedules:
  nightly: { job: { process: ["true"] }, cron: "0 3 * * *" }
  weekly: { job: { process: ["true"] }, cron: "0 10 * * SUN", timezone: America/New_York }
""")

def cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")

def memory(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields["VmRSS"], fields["RssAnon"]

started = time.monotonic()
process = subprocess.Popen([scheduler, "run", "--config", config], stderr=subprocess.PIPE, text=True)
line = ""
while "scheduler started" not in line:
    line = process.stderr.readline()
    if not line and process.poll() is not None:
        sys.exit("the daemon exited before it started")
print(f"start to first scheduling decision: {(time.monotonic() - started) * 1000:.0f} ms")
time.sleep(5)
before = cpu(process.pid)
rss, anon = memory(process.pid)
print(f"resident memory after 5 s: {rss} (anonymous {anon})")
time.sleep(seconds)
used = cpu(process.pid) - before
print(f"idle CPU: {used:.3f} s over {seconds:.0f} s = {used * 60 / seconds:.3f} CPU-seconds per minute")
process.terminate()
process.wait()
