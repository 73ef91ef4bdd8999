#!/usr/bin/env python3
"""Differential check of `scheduler cron next --batch` against cronsim, the reference.

usage: cron_differential.py SCHEDULER [SEED] [CASES]

Generates random expressions (fixed-time, periodic, 6-field, L/LW/dL/#), zones with and without
daylight saving (both hemispheres, 30- and 45-minute offsets, midnight transitions) and instants
clustered around transitions; asks cronsim and the scheduler for the next fire times; prints
the mismatches and exits 1 if there are any. cronsim has no `nW`, so the generator omits it.
"""
import json, os, random, subprocess, sys, tempfile
from datetime import datetime, timezone, timedelta
from zoneinfo import ZoneInfo
from cronsim import CronSim, CronSimError

scheduler = sys.argv[1]
random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
wanted = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
queries_path = os.path.join(tempfile.mkdtemp(), "queries.jsonl")
zones = ["America/New_York","Europe/Berlin","UTC","Asia/Tehran","America/Chicago","Australia/Sydney",
         "Pacific/Chatham","Europe/London","Asia/Kolkata","America/Sao_Paulo","America/Havana","America/Santiago","Asia/Beirut","Pacific/Auckland"]
def field(lo, hi, names=None):
    parts=[]
    for _ in range(random.choice([1,1,1,2,3])):
        k=random.random()
        if k<0.3: parts.append("*")
        elif k<0.45: parts.append(f"*/{random.randint(1,hi-lo+1)}")
        elif k<0.6:
            a=random.randint(lo,hi); b=random.randint(a,hi); parts.append(f"{a}-{b}")
        elif k<0.7:
            a=random.randint(lo,hi); parts.append(f"{a}/{random.randint(1,10)}")
        else:
            parts.append(str(random.randint(lo,hi)))
    return ",".join(parts)
def expr():
    k=random.random()
    if k<0.35:  # fixed-time typical
        return f"{random.randint(0,59)} {random.choice([str(random.randint(0,23)), '1', '2', '3', '0,1,2,3', '1-3', '2'])} {random.choice(['*','*','1','L','LW','15','*/2','1-7'])} {random.choice(['*','*','3','10,11','*/3'])} {random.choice(['*','*','0','1-5','5L','0#2','SUN','7','MON#1'])}"
    if k<0.5:
        return f"{random.choice(['*/15','*/30','0','30','*','*/7','0,30'])} {random.choice(['*','*/2','1-3','*/5'])} * * *"
    fs=[field(0,59), field(0,23), field(1,31), field(1,12), field(0,7)]
    if random.random()<0.2: fs=[field(0,59)]+fs
    return " ".join(fs)
def rand_after():
    if random.random()<0.6:
        # near a DST transition in 2026-2040
        y=random.randint(2026,2040); m=random.choice([3,4,9,10,11]); d=random.randint(1,28)
        base=datetime(y,m,d,tzinfo=timezone.utc)+timedelta(minutes=random.randint(0,1440))
    else:
        base=datetime(2026,1,1,tzinfo=timezone.utc)+timedelta(seconds=random.randint(0,20*365*86400))
    return base.replace(second=random.choice([0,0,random.randint(0,59)]))
queries=[]; expected=[]
while len(queries) < wanted:
    e=expr(); tz=random.choice(zones); after=rand_after(); count=random.randint(1,8)
    try:
        it=CronSim(e, after.astimezone(ZoneInfo(tz)))
        res=[]
        for _ in range(count):
            r=next(it); res.append(r.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    except (CronSimError, StopIteration):
        continue
    queries.append({"id":str(len(queries)),"expr":e,"tz":tz,"after":after.strftime("%Y-%m-%dT%H:%M:%SZ"),"count":count})
    expected.append(res)
open(queries_path,"w").write("\n".join(json.dumps(q) for q in queries)+"\n")
out=subprocess.run([scheduler,"cron","next","--batch",queries_path],capture_output=True,text=True).stdout.splitlines()
bad=0
for q,e,o in zip(queries,expected,out):
    g=json.loads(o)
    if g.get("next")!=e:
        bad+=1
        if bad<=12: print(q,"\n  ref",e,"\n  got",g.get("next",g.get("error")))
print(f"cron differential: {len(queries)} cases against cronsim, {bad} mismatches")
sys.exit(1 if bad else 0)
