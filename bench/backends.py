"""The endpoints the benchmarks run on, each started on a free port and stopped afterwards.

- moto: moto's server, as `ddbtool local start` runs it (one Python process);
- dynamodb-local: AWS's DynamoDB Local, in memory (installed by
  scripts/install-dynamodb-local, Java);
- dynalite: a DynamoDB implementation on Node.js, in memory, much faster per
  request than either: what is left is mostly the client's own cost. Installed
  from npm into .cache/dynalite on first use.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness import HERE, free_port

from ddbtool import local

ROOT = HERE.parent
BACKENDS = ("moto", "dynamodb-local", "dynalite")
DYNALITE = "dynalite@4.0.0"
DYNALITE_DIR = ROOT / ".cache" / "dynalite"


@contextmanager
def running(backend: str) -> Iterator[str]:
    """Start `backend` on a free port; yield its URL; stop it."""
    port = free_port()
    if backend == "dynalite":
        with _dynalite(port):
            yield f"http://127.0.0.1:{port}"
        return
    state = Path(tempfile.mkdtemp(prefix=f"ddbtool-bench-{backend}-"))
    if backend == "dynamodb-local":
        subprocess.run([str(ROOT / "scripts" / "install-dynamodb-local")], check=True)
        local.start(port, state, engine="dynamodb-local", in_memory=True)
    else:
        local.start(port, state)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        local.stop(port, state)


@contextmanager
def _dynalite(port: int) -> Iterator[None]:
    program = DYNALITE_DIR / "node_modules" / ".bin" / "dynalite"
    if not program.exists():
        subprocess.run(
            ["npm", "install", "--prefix", str(DYNALITE_DIR), "--no-save", "--no-audit", "--no-fund",
             "--loglevel=error", DYNALITE],
            check=True,
        )  # fmt: skip
    # Tables become ACTIVE at once, as on the other two.
    command = [str(program), "--host", "127.0.0.1", "--port", str(port)]
    command += ["--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not local.answers(port, timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"dynalite did not start on port {port}")
            time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)
