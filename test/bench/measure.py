#!/usr/bin/env python3
"""The bench's process runner: wall time and exact peak RSS of one child per request.

`npm run bench` keeps one of these running and writes one JSON job per line on its stdin:
  {"argv": [...], "env": {...}, "stdout": PATH, "stderr": PATH}
For each it forks, execs argv (stdin /dev/null, stdout and stderr to the files), reaps the child with
os.wait4 and answers one JSON line:
  {"wall_ms": float, "maxrss_kib": int, "status": int}

wall_ms runs from just before fork to the return of wait4 (time.perf_counter_ns). maxrss_kib is the
child's ru_maxrss from wait4, exact for that child (Linux reports KiB). One caveat, stated in the
bench's output: Linux keeps the high-water mark across exec, so a value below this runner's own RSS at
fork time (printed at start-up as "runner") cannot be seen; every measured command is far above it.

A long-lived runner rather than one per job: the bench's Node process runs the emulators and must not
block, and a Python start-up per measurement would only add noise.
"""
import json
import os
import resource
import signal
import sys
import threading
import time

# A job that runs longer is killed (its row then fails): a hung child must not hang the bench.
JOB_LIMIT_S = 120


def main():
    print(json.dumps({"runner_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}), flush=True)
    devnull = os.open(os.devnull, os.O_RDONLY)
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        out = os.open(job["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        err = os.open(job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        start = time.perf_counter_ns()
        pid = os.fork()
        if pid == 0:
            try:
                os.dup2(devnull, 0)
                os.dup2(out, 1)
                os.dup2(err, 2)
                os.execvpe(job["argv"][0], job["argv"], job["env"])
            except BaseException as error:  # noqa: BLE001 - the child must never return into the loop
                os.write(2, f"measure.py: cannot run {job['argv'][0]}: {error}\n".encode())
            finally:
                os._exit(127)
        killer = threading.Timer(job.get("limit_s", JOB_LIMIT_S), lambda: os.kill(pid, signal.SIGKILL))
        killer.start()
        _, status, usage = os.wait4(pid, 0)
        killer.cancel()
        wall_ms = (time.perf_counter_ns() - start) / 1e6
        os.close(out)
        os.close(err)
        reply = {"wall_ms": wall_ms, "maxrss_kib": usage.ru_maxrss, "status": os.waitstatus_to_exitcode(status)}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
