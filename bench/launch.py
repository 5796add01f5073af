"""Run commands for bench/run.py and report each one's wall time and peak RSS.

On Linux a child's ru_maxrss counts the memory image it was forked from, so a
child of the harness (which has boto3 loaded) could never measure below the
harness's own size. This process imports nothing heavy and stays small, so the
children it forks measure what they use. It reads one JSON request a line on
stdin ({"argv": [...], "env": {...}}) and answers one JSON line each:
{"seconds", "peak_rss_kb", "returncode", "stderr"}.
"""

import json
import os
import subprocess
import sys
import tempfile
import time


def run(argv: list[str], env: dict[str, str]) -> dict[str, object]:
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        return {
            "seconds": seconds,
            "peak_rss_kb": usage.ru_maxrss,  # KiB on Linux
            "returncode": child.returncode,
            "stderr": errors.read().decode(errors="replace")[-2000:] if child.returncode else "",
        }


for line in sys.stdin:
    request = json.loads(line)
    print(json.dumps(run(request["argv"], request["env"])), flush=True)
