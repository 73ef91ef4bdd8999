#!/usr/bin/env python3
"""Crash-safety check of the daemon: SIGKILL at random moments, restart, and audit the history.

usage: crash_safety.py SCHEDULER [KILLS] [SEED]

Runs `SCHEDULER run` on a fresh SQLite state with one schedule firing every second (6-field
cron) whose job takes about 300 ms and may retry once. Kills the daemon with SIGKILL KILLS times
(default 20) at random moments, restarting it each time; then stops it with SIGTERM and reads
`SCHEDULER history --json`. Fails (exit 1) when:
  - a (schedule, occurrence) has more than one run,
  - a second between the first and the last occurrence has neither a run nor a skip entry (an
    occurrence was lost),
  - a claim is left in the store after the graceful stop,
  - a run is left scheduled or running after the graceful stop,
  - an attempt cut off by a kill is not marked interrupted, or an interrupted run that the retry
    policy allows to retry was not retried,
  - a daemon did not start cleanly (no "scheduler started" line, an error line, an early exit),
  - no kill cut a run off (the check would prove nothing).
"""
import calendar, json, os, random, shutil, signal, subprocess, sys, tempfile, time

scheduler = os.path.abspath(sys.argv[1])
kills = int(sys.argv[2]) if len(sys.argv) > 2 else 20
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 20261125)

folder = tempfile.mkdtemp(prefix="crash-safety-")
config = os.path.join(folder, "crash.yaml")
with open(config, "w") as f:
    f.write("""schedules:
  tick:
    job: { process: [sh, -c, "sleep 0.3"] }
    cron: "* * * * * *"
    overlap: skip
    retry: { attempts: 2, backoff: 1s }
""")

problems = []

def start(life):
    log = open(os.path.join(folder, f"life-{life}.log"), "w")
    process = subprocess.Popen([scheduler, "run", "--config", config, "--log-level", "info"],
                               stdout=subprocess.DEVNULL, stderr=log)
    return process, log

def check_life(life, process, expect_running):
    path = os.path.join(folder, f"life-{life}.log")
    with open(path) as f:
        text = f.read()
    if "scheduler started" not in text:
        problems.append(f"life {life}: the daemon did not start cleanly:\n{text[-2000:]}")
    errors = [line for line in text.splitlines() if " error " in line or " critical " in line]
    if errors:
        problems.append(f"life {life}: error lines:\n" + "\n".join(errors[:5]))
    if expect_running and process.returncode not in (-signal.SIGKILL,):
        problems.append(f"life {life}: the daemon exited on its own with {process.returncode}")

def wait_started(life, timeout=10.0):
    path = os.path.join(folder, f"life-{life}.log")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(path) as f:
            if "scheduler started" in f.read():
                return True
        time.sleep(0.02)
    return False

for life in range(kills):
    process, log = start(life)
    wait_started(life)
    time.sleep(rng.uniform(0.3, 2.5))
    process.send_signal(signal.SIGKILL)
    process.wait()
    log.close()
    check_life(life, process, expect_running=True)

# A last life that ends gracefully, so that every run is finished.
process, log = start(kills)
wait_started(kills)
time.sleep(3.0)
process.send_signal(signal.SIGTERM)
code = process.wait(timeout=60)
log.close()
check_life(kills, process, expect_running=False)
if code != 0:
    problems.append(f"the graceful stop exited with {code}")

history = subprocess.run([scheduler, "history", "--config", config, "--json", "--limit", "1000000"],
                         capture_output=True, text=True)
if history.returncode != 0:
    problems.append(f"history failed: {history.stderr}")
runs = [json.loads(line) for line in history.stdout.splitlines() if line.strip()]

seen = {}
for run in runs:
    key = (run["schedule"], run["occurrence"])
    seen[key] = seen.get(key, 0) + 1
duplicates = [key for key, count in seen.items() if count > 1]
if duplicates:
    problems.append(f"{len(duplicates)} occurrences ran more than once, such as {duplicates[:3]}")

skips_out = subprocess.run([scheduler, "skips", "--config", config, "--json", "--limit", "1000000"],
                           capture_output=True, text=True)
if skips_out.returncode != 0:
    problems.append(f"skips failed: {skips_out.stderr}")
skips = [json.loads(line) for line in skips_out.stdout.splitlines() if line.strip()]

def epoch(instant):
    return int(calendar.timegm(time.strptime(instant, "%Y-%m-%dT%H:%M:%SZ")))

accounted = {epoch(run["occurrence"]) for run in runs}
for skip in skips:
    first = epoch(skip["occurrence"])
    last = epoch(skip["last_occurrence"]) if skip.get("last_occurrence") else first
    accounted.update(range(first, last + 1))
lost = [second for second in range(min(accounted), max(accounted) + 1) if second not in accounted] if accounted else []
if lost:
    stamps = [time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second)) for second in lost[:3]]
    problems.append(f"{len(lost)} occurrences have neither a run nor a skip entry, such as {stamps}")

unfinished = [run for run in runs if run["status"] in ("scheduled", "running")]
if unfinished:
    problems.append(f"{len(unfinished)} runs left unfinished, such as {unfinished[:2]}")

# Attempts in detail come from the SQLite file: history --json prints the count only.
import sqlite3
state = os.path.join(folder, ".scheduler", "state.sqlite")
database = sqlite3.connect(state)
cut_off = 0
for run_id, status, attempts_json in database.execute("SELECT id, status, attempts FROM runs"):
    attempts = json.loads(attempts_json)
    for index, attempt in enumerate(attempts):
        if attempt.get("finished") is None:
            problems.append(f"run {run_id}: attempt {index + 1} was never closed")
        if attempt.get("status") == "interrupted":
            cut_off += 1
            later = attempts[index + 1:]
            real_attempts = [a for a in attempts if not a.get("isFallback")]
            if not later and len(real_attempts) < 2:
                problems.append(f"run {run_id}: interrupted at attempt {index + 1} and not retried")
            if not later and status != "interrupted":
                problems.append(f"run {run_id}: its last attempt was interrupted but the run is {status}")
claims_left = database.execute("SELECT COUNT(*) FROM claims").fetchone()[0]
if claims_left:
    problems.append(f"{claims_left} claims left after the graceful stop (each should be recorded and behind the cursor)")
integrity = database.execute("PRAGMA integrity_check").fetchone()[0]
database.close()
if integrity != "ok":
    problems.append(f"integrity check: {integrity}")
if cut_off == 0:
    problems.append("no kill cut a run off; the check proved nothing (try another seed)")

statuses = {}
for run in runs:
    statuses[run["status"]] = statuses.get(run["status"], 0) + 1
print(f"{kills} kills, {len(runs)} runs {statuses}, {cut_off} attempts cut off by a kill, "
      f"{len(duplicates)} duplicate occurrences, {len(lost)} lost")
if problems:
    print("crash-safety check FAILED:\n- " + "\n- ".join(problems))
    print(f"logs and state kept in {folder}")
    sys.exit(1)
shutil.rmtree(folder)
print("crash-safety check passed")
