"""An embedded local endpoint: moto's server (DynamoDB, Streams, Cognito) in the background.

The server runs on 127.0.0.1 with a pid file and a log in the state folder, so
`stop` ends the process `start` began and nothing else. Its data lives in
memory and is gone when it stops.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ddbtool.errors import DdbtoolError

HOST = "127.0.0.1"
DEFAULT_PORT = 8000
State = Literal["running", "stopped", "foreign"]


@dataclass(frozen=True)
class LocalEndpoint:
    """What is known of the local endpoint on one port."""

    port: int
    state: State
    pid: int | None
    log: Path

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"


def default_state_dir() -> Path:
    """Where pid files and logs go: $XDG_STATE_HOME/ddbtool, else ~/.local/state/ddbtool."""
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "ddbtool"


def _files(state_dir: Path, port: int) -> tuple[Path, Path]:
    return state_dir / f"local-{port}.pid", state_dir / f"local-{port}.log"


def answers(port: int, timeout: float = 1.0) -> bool:
    """True if an HTTP server answers on 127.0.0.1:port."""
    import http.client  # with ssl and email: too heavy for every command's start-up

    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", "/")
        connection.getresponse().read()
    except OSError:
        return False
    finally:
        connection.close()
    return True


def _our_pid(pid_file: Path) -> int | None:
    """The pid in the pid file, if that process is alive and is a moto server."""
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists() and b"moto.server" not in cmdline.read_bytes():
        return None  # the pid was reused by another program
    return pid


def status(port: int, state_dir: Path) -> LocalEndpoint:
    """Is our server running on `port`, is something else there, or nothing?"""
    pid_file, log = _files(state_dir, port)
    pid = _our_pid(pid_file)
    if pid is not None:
        return LocalEndpoint(port, "running", pid, log)
    return LocalEndpoint(port, "foreign" if answers(port) else "stopped", None, log)


def start(port: int, state_dir: Path, timeout: float = 30.0) -> tuple[LocalEndpoint, bool]:
    """Start the server unless it runs; return its state and whether we started it."""
    current = status(port, state_dir)
    if current.state != "stopped":
        return current, False
    if importlib.util.find_spec("moto") is None or importlib.util.find_spec("flask") is None:
        raise DdbtoolError("the local endpoint needs moto's server: pip install 'ddbtool[local]'")
    state_dir.mkdir(parents=True, exist_ok=True)
    pid_file, log = _files(state_dir, port)
    with log.open("wb") as log_stream:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=log_stream,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlive this command and its terminal
            env={**os.environ, "MOTO_PORT": str(port)},
        )
    pid_file.write_text(f"{process.pid}\n")
    deadline = time.monotonic() + timeout
    while not answers(port, timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            if process.poll() is None:
                process.kill()
            pid_file.unlink(missing_ok=True)
            last = log.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise DdbtoolError(f"the local endpoint did not start on port {port}: {last[0]} (log: {log})")
        time.sleep(0.1)
    return LocalEndpoint(port, "running", process.pid, log), True


def stop(port: int, state_dir: Path, timeout: float = 10.0) -> LocalEndpoint | None:
    """Stop the server `start` began on `port`; None if there was none."""
    pid_file, log = _files(state_dir, port)
    pid = _our_pid(pid_file)
    pid_file.unlink(missing_ok=True)
    if pid is None:
        return None
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            break
        time.sleep(0.1)
    return LocalEndpoint(port, "stopped", pid, log)


def _alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):  # reap it, should it be our child
        os.waitpid(pid, os.WNOHANG)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
