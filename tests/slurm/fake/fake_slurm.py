#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A scripted stand-in for Slurm's sbatch, squeue, scancel and scontrol.

The tests put wrappers named after those commands first on PATH; chunkreel
finds them there, as it finds Slurm's. Tasks run at once as local processes.
Everything lives in $FAKE_SLURM_DIR: the jobs (jobs/ID.json), every call made
(calls.log, one command a line) and the faults to play (faults.json):

  max_array_size: N        scontrol says so; sbatch refuses larger indices
  max_job_count: N         scontrol says so (the fake records in
                           most_queued the most tasks ever queued at once)
  transient: {CMD: N}      the next N calls of CMD fail with Slurm's time-out
  lost_reply: N            the next N sbatch calls submit, then fail as if
                           the reply had been lost
  first_task: STATE        the first task started is killed half a second in
                           and left in STATE: NODE_FAIL, PREEMPTED, REQUEUED
                           (shown as PENDING, as Slurm shows a requeued task);
                           or REQUEUED_EARLY: requeued the moment it started,
                           its output file made but not a line written
                           or VANISHED (gone from squeue); or ZOMBIE: half
                           way through its frames it is paused and shown
                           requeued, beyond scancel's reach (a node cut off
                           from the controller), and goes on once the next
                           array's first task is rendering
  ignore_scancel: true     scancel says yes and does nothing
  scancel_delay: S         scancel takes S seconds to take effect
  task_seconds: S          each task waits S seconds before its script runs
"""

import fcntl
import json
import os
import signal
import subprocess
import sys
import time

STATE = os.environ["FAKE_SLURM_DIR"]
JOBS = os.path.join(STATE, "jobs")
NODES = ["fake1", "fake2"]
TIMEOUT_WORDS = "slurm_load_jobs error: Socket timed out on send/recv operation"


class Locked:
    """Holds the state folder's lock: one fake command at a time changes it."""

    def __enter__(self):
        os.makedirs(JOBS, exist_ok=True)
        self.fd = os.open(os.path.join(STATE, "lock"), os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *args):
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def read_json(path, default):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return default


def write_json(path, value):
    with open(path + ".new", "w") as f:
        json.dump(value, f)
    os.replace(path + ".new", path)


def faults():
    return read_json(os.path.join(STATE, "faults.json"), {})


def take_fault(name, command=None):
    """Uses up one of a counted fault; True if there was one."""
    all_faults = faults()
    entry = all_faults.get(name)
    if command is not None:
        entry = (entry or {}).get(command)
    if not entry:
        return False
    if command is not None:
        all_faults[name][command] = entry - 1
    else:
        all_faults[name] = entry - 1
    write_json(os.path.join(STATE, "faults.json"), all_faults)
    return True


def job_path(job_id):
    return os.path.join(JOBS, f"{job_id}.json")


def all_jobs():
    jobs = []
    for name in sorted(os.listdir(JOBS), key=lambda n: int(n.split(".")[0]) if n[0].isdigit() else 0):
        if name.endswith(".json"):
            jobs.append(read_json(os.path.join(JOBS, name), None))
    return [j for j in jobs if j]


def stamp(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) if t else "N/A"


def expand(pattern, job_id, index):
    out, i = "", 0
    while i < len(pattern):
        c = pattern[i]
        if c == "%" and i + 1 < len(pattern):
            n = pattern[i + 1]
            out += {"%": "%", "A": str(job_id), "a": str(index), "j": str(job_id)}.get(n, "%" + n)
            i += 2
            continue
        out += c
        i += 1
    return out


def sbatch(args):
    options, rest = {}, []
    for i, a in enumerate(args):
        if a.startswith("--") and "=" in a:
            k, v = a[2:].split("=", 1)
            options[k] = v
        elif a.startswith("--"):
            options[a[2:]] = True
        else:
            rest = args[i:]
            break
    spec = options.get("array", "0").split("%")[0]
    last = int(spec.split("-")[-1])
    if last >= int(faults().get("max_array_size", 1001)):
        sys.stderr.write("sbatch: error: Batch job submission failed: Invalid job array specification\n")
        return 1
    with Locked():
        next_id = read_json(os.path.join(STATE, "next_id"), 1)
        write_json(os.path.join(STATE, "next_id"), next_id + 1)
        now = time.time()
        job = {"id": next_id, "comment": options.get("comment", ""), "name": options.get("job-name", ""),
               "chdir": options.get("chdir", os.getcwd()), "output": options.get("output", "slurm-%A_%a.out"),
               "error": options.get("error", options.get("output", "slurm-%A_%a.out")),
               "command": rest, "wrap": options.get("wrap"), "tasks": []}
        for index in range(0 if "array" in options else -1, last + 1):
            job["tasks"].append({"index": index, "state": "PENDING", "node": "", "submit": now, "start": 0,
                                 "end": 0, "pid": 0})
        write_json(job_path(next_id), job)
        queued = sum(t["state"] in ("PENDING", "RUNNING") for j in all_jobs() for t in j["tasks"])
        most = read_json(os.path.join(STATE, "most_queued"), 0)
        write_json(os.path.join(STATE, "most_queued"), max(most, queued))
    for task in job["tasks"]:
        subprocess.Popen([sys.executable, os.path.abspath(__file__), "_run", str(next_id), str(task["index"])],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    zombie = read_json(os.path.join(STATE, "zombie"), 0)
    if zombie:
        os.remove(os.path.join(STATE, "zombie"))
        first_out = os.path.join(job["chdir"], expand(job["output"], next_id, job["tasks"][0]["index"]))
        subprocess.Popen([sys.executable, os.path.abspath(__file__), "_resume", str(zombie), first_out],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    if take_fault("lost_reply"):
        sys.stderr.write("sbatch: error: Batch job submission failed: Socket timed out on send/recv operation\n")
        return 1
    print(next_id)
    return 0


def wait_for_progress(out, share):
    """Waits until the worker writing `out` reports `share` of its frames done."""
    for _ in range(3000):
        try:
            for line in open(out):
                event = json.loads(line) if line.startswith("{") else {}
                if event.get("event") == "progress" and event["frames_done"] >= share * event["frames"]:
                    return
        except (FileNotFoundError, ValueError):
            pass
        time.sleep(0.01)


def update_task(job_id, index, **changes):
    with Locked():
        job = read_json(job_path(job_id), None)
        if not job:
            return None
        for task in job["tasks"]:
            if task["index"] == index:
                task.update(changes)
        write_json(job_path(job_id), job)
        return job


def run_task(job_id, index):
    job_id, index = int(job_id), int(index)
    with Locked():
        job = read_json(job_path(job_id), None)
        first = not os.path.exists(os.path.join(STATE, "first_started"))
        if first:
            open(os.path.join(STATE, "first_started"), "w").close()
    delay = float(faults().get("task_seconds", 0))
    if delay:
        time.sleep(delay)
        job = read_json(job_path(job_id), None)
        if not job or all(t["state"] != "PENDING" for t in job["tasks"] if t["index"] == index):
            return 0  # cancelled while it waited
    node = NODES[max(index, 0) % len(NODES)]
    env = dict(os.environ, SLURM_JOB_ID=str(job_id), SLURMD_NODENAME=node)
    if index >= 0:
        env.update(SLURM_ARRAY_JOB_ID=str(job_id), SLURM_ARRAY_TASK_ID=str(index))
    out = os.path.join(job["chdir"], expand(job["output"], job_id, index))
    err = os.path.join(job["chdir"], expand(job["error"], job_id, index))
    command = ["/bin/sh", "-c", job["wrap"]] if job["wrap"] else job["command"]
    fault = faults().get("first_task") if first else None
    if fault == "REQUEUED_EARLY":
        open(out, "w").close()
        open(err, "w").close()
        update_task(job_id, index, state="PENDING", node="", start=0, pid=0)
        return 0
    if fault and fault != "ZOMBIE":
        # A task that names its node, then dies there mid-run.
        command = ["/bin/sh", "-c", "printf '{\"event\":\"node\",\"node\":\"%s\",\"started_at\":0}\\n' "
                   "\"$SLURMD_NODENAME\"; exec sleep 60"]
    with open(out, "w") as o, open(err, "w") as e:
        child = subprocess.Popen(command, cwd=job["chdir"], env=env, stdout=o, stderr=e, start_new_session=True)
        update_task(job_id, index, state="RUNNING", node=node, start=time.time(), pid=child.pid)
        if fault == "ZOMBIE":
            wait_for_progress(out, 0.5)
            os.killpg(child.pid, signal.SIGSTOP)
            write_json(os.path.join(STATE, "zombie"), child.pid)
            update_task(job_id, index, state="PENDING", node="", start=0, pid=0)
            child.wait()
            return 0
        if fault:
            time.sleep(0.5)
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            if fault == "VANISHED":
                with Locked():
                    job = read_json(job_path(job_id), None)
                    job["tasks"] = [t for t in job["tasks"] if t["index"] != index]
                    write_json(job_path(job_id), job)
            elif fault == "REQUEUED":
                update_task(job_id, index, state="PENDING", node="", start=0, pid=0)
            else:
                update_task(job_id, index, state=fault, end=time.time(), pid=0)
            return 0
        code = child.wait()
    with Locked():
        job = read_json(job_path(job_id), None)
        for task in job["tasks"]:
            if task["index"] == index and task["state"] == "RUNNING":
                task.update(state="COMPLETED" if code == 0 else "FAILED", end=time.time(), pid=0)
        write_json(job_path(job_id), job)
    return 0


def squeue(args):
    ids, fmt, states = None, "%i %T", {"PENDING", "RUNNING"}
    i = 0
    while i < len(args):
        if args[i] == "-j":
            ids = set(args[i + 1].split(","))
            i += 1
        elif args[i] == "-o":
            fmt = args[i + 1]
            i += 1
        elif args[i] == "-t":
            states = None if args[i + 1] == "all" else set(s.upper() for s in args[i + 1].split(","))
            i += 1
        i += 1
    for job in all_jobs():
        if ids is not None and str(job["id"]) not in ids:
            continue
        for task in job["tasks"]:
            if states is not None and task["state"] not in states:
                continue
            task_id = f"{job['id']}_{task['index']}" if task["index"] >= 0 else str(job["id"])
            fields = {"i": task_id, "A": str(job["id"]), "T": task["state"], "N": task["node"],
                      "V": stamp(task["submit"]), "S": stamp(task["start"]), "e": stamp(task["end"]),
                      "k": job["comment"], "j": job["name"]}
            print(expand_format(fmt, fields))
    return 0


def expand_format(fmt, fields):
    out, i = "", 0
    while i < len(fmt):
        if fmt[i] == "%" and i + 1 < len(fmt):
            out += fields.get(fmt[i + 1], "")
            i += 2
        else:
            out += fmt[i]
            i += 1
    return out


def scancel(args):
    if faults().get("ignore_scancel"):
        return 0
    delay = float(faults().get("scancel_delay", 0))
    if delay:
        subprocess.Popen([sys.executable, os.path.abspath(__file__), "_cancel", str(delay)] + args,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
        return 0
    return cancel_now(args)


def cancel_now(args):
    for target in args:
        job_id, _, index = target.partition("_")
        with Locked():
            job = read_json(job_path(job_id), None)
            if not job:
                continue
            for task in job["tasks"]:
                if index and str(task["index"]) != index:
                    continue
                if task["state"] in ("PENDING", "RUNNING"):
                    if task["pid"]:
                        try:
                            os.killpg(task["pid"], signal.SIGTERM)
                        except ProcessLookupError:
                            pass
                    task.update(state="CANCELLED", end=time.time(), pid=0)
            write_json(job_path(job_id), job)
    return 0


def scontrol(args):
    print("Configuration data as of 2026-12-07T00:00:00")
    print(f"MaxArraySize            = {faults().get('max_array_size', 1001)}")
    print(f"MaxJobCount             = {faults().get('max_job_count', 10000)}")
    return 0


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "_run":
        return run_task(*args)
    if command == "_resume":
        wait_for_progress(args[1], 0)
        os.killpg(int(args[0]), signal.SIGCONT)
        return 0
    if command == "_cancel":
        time.sleep(float(args[0]))
        return cancel_now(args[1:])
    os.makedirs(JOBS, exist_ok=True)
    with open(os.path.join(STATE, "calls.log"), "a") as log:
        log.write(" ".join([command] + args) + "\n")
    if take_fault("transient", command):
        words = "Batch job submission failed: Socket timed out on send/recv operation" if command == "sbatch" \
            else TIMEOUT_WORDS
        sys.stderr.write(f"{command}: error: {words}\n")
        return 1
    return {"sbatch": sbatch, "squeue": squeue, "scancel": scancel, "scontrol": scontrol, "sinfo": sinfo}[command](args)


def sinfo(args):
    print("local* 0/2/0/2")
    return 0


if __name__ == "__main__":
    sys.exit(main())
