"""A local endpoint in the background: moto's server, or AWS's DynamoDB Local.

moto (the default) serves DynamoDB, Streams and the other AWS services apps use on 127.0.0.1 from pip
packages alone; its data lives in memory. DynamoDB Local is AWS's own emulator,
a Java program: it runs from a folder holding DynamoDBLocal.jar, with -sharedDb
(one database whatever the credentials and region), and keeps its data in the
state folder unless in memory. Either way a pid file naming the engine and a log
live in the state folder, so `stop` ends the process `start` began and nothing else.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ddbtool.errors import DdbtoolError, UsageError

HOST = "127.0.0.1"
DEFAULT_PORT = 8000
State = Literal["running", "stopped", "foreign"]
Engine = Literal["moto", "dynamodb-local"]
ENGINES: tuple[Engine, ...] = ("moto", "dynamodb-local")
DEFAULT_ENGINE: Engine = "moto"
JAR = "DynamoDBLocal.jar"
# What each engine's command line holds, so a reused pid is never taken for ours.
_MARKS: dict[Engine, bytes] = {"moto": b"moto.server", "dynamodb-local": JAR.encode()}
# Where ./scripts/install-dynamodb-local puts the jar in a checkout of ddbtool.
_INSTALL_CACHE = Path(__file__).resolve().parent.parent / ".cache" / "dynamodb-local" / "jar"


@dataclass(frozen=True)
class LocalEndpoint:
    """What is known of the local endpoint on one port."""

    port: int
    state: State
    pid: int | None
    log: Path
    engine: Engine | None = None

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


def _our_process(pid_file: Path) -> tuple[int, Engine] | None:
    """The pid and engine in the pid file, if that process is alive and runs that engine."""
    try:
        pid_text, *rest = pid_file.read_text().split()
        pid = int(pid_text)
    except (OSError, ValueError):
        return None
    named = rest[0] if rest else DEFAULT_ENGINE  # pid files from before engines were named
    engine = next((known for known in ENGINES if known == named), None)
    if engine is None:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists() and _MARKS[engine] not in cmdline.read_bytes():
        return None  # the pid was reused by another program
    return pid, engine


def status(port: int, state_dir: Path) -> LocalEndpoint:
    """Is our server running on `port`, is something else there, or nothing?"""
    pid_file, log = _files(state_dir, port)
    ours = _our_process(pid_file)
    if ours is not None:
        return LocalEndpoint(port, "running", ours[0], log, ours[1])
    return LocalEndpoint(port, "foreign" if answers(port) else "stopped", None, log)


def default_jar_dir() -> Path | None:
    """The folder ./scripts/install-dynamodb-local fills in this checkout, if it exists."""
    return _INSTALL_CACHE if (_INSTALL_CACHE / JAR).is_file() else None


def data_dir(state_dir: Path, port: int) -> Path:
    """DynamoDB Local's working folder: its database (unless in memory) and metadata file."""
    return state_dir / f"dynamodb-local-{port}"


def dynamodb_local_command(jar_dir: Path | None, port: int, *, in_memory: bool) -> list[str]:
    """The command that runs DynamoDB Local from `jar_dir` on `port`, in its working folder.

    -sharedDb: one database for every access key and region, as a shared local
    endpoint should be. Raises a one-line error naming what to install.
    """
    if jar_dir is None:
        raise DdbtoolError(
            "DynamoDB Local is not installed: run ./scripts/install-dynamodb-local in a checkout of "
            "ddbtool, or pass --jar-dir DIR (or set DDBTOOL_DYNAMODB_LOCAL_DIR) to a folder holding "
            f"{JAR} from AWS"
        )
    if not (jar_dir / JAR).is_file():
        raise UsageError(f"no {JAR} in {jar_dir}: pass --jar-dir a folder holding DynamoDB Local's {JAR}")
    jar_dir = jar_dir.resolve()  # the process runs in its own working folder
    java = shutil.which("java")
    if java is None:
        raise DdbtoolError(
            "DynamoDB Local needs Java 17 or newer: install a JRE "
            "(Debian: apt-get install default-jre-headless)"
        )
    storage = ["-inMemory"] if in_memory else ["-dbPath", "."]
    return [
        java,
        f"-Djava.library.path={jar_dir / 'DynamoDBLocal_lib'}",
        "-jar",
        str(jar_dir / JAR),
        *storage,
        "-sharedDb",
        "-disableTelemetry",
        "-port",
        str(port),
    ]


def start(
    port: int,
    state_dir: Path,
    *,
    engine: Engine = DEFAULT_ENGINE,
    jar_dir: Path | None = None,
    in_memory: bool = False,
    timeout: float = 60.0,
) -> tuple[LocalEndpoint, bool]:
    """Start the server unless one runs; return its state and whether we started it.

    moto's data always lives in memory; DynamoDB Local keeps its data in
    `data_dir(state_dir, port)` unless `in_memory`.
    """
    current = status(port, state_dir)
    if current.state != "stopped":
        return current, False
    workdir = data_dir(state_dir, port) if engine == "dynamodb-local" else state_dir
    if engine == "dynamodb-local":
        command = dynamodb_local_command(jar_dir or default_jar_dir(), port, in_memory=in_memory)
    elif importlib.util.find_spec("moto") is None or importlib.util.find_spec("flask") is None:
        raise DdbtoolError("the local endpoint needs moto's server: pip install 'ddbtool[local]'")
    else:
        command = [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(port)]
    workdir.mkdir(parents=True, exist_ok=True)
    pid_file, log = _files(state_dir, port)
    with log.open("wb") as log_stream:
        process = subprocess.Popen(
            command,
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=log_stream,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlive this command and its terminal
            env={**os.environ, "MOTO_PORT": str(port)},
        )
    pid_file.write_text(f"{process.pid} {engine}\n")
    deadline = time.monotonic() + timeout
    while not answers(port, timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            if process.poll() is None:
                process.kill()
            pid_file.unlink(missing_ok=True)
            last = log.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise DdbtoolError(f"the local endpoint did not start on port {port}: {last[0]} (log: {log})")
        time.sleep(0.1)
    return LocalEndpoint(port, "running", process.pid, log, engine), True


def stop(port: int, state_dir: Path, timeout: float = 10.0) -> LocalEndpoint | None:
    """Stop the server `start` began on `port`; None if there was none."""
    pid_file, log = _files(state_dir, port)
    ours = _our_process(pid_file)
    pid_file.unlink(missing_ok=True)
    if ours is None:
        return None
    pid, engine = ours
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            break
        time.sleep(0.1)
    return LocalEndpoint(port, "stopped", pid, log, engine)


def _alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):  # reap it, should it be our child
        os.waitpid(pid, os.WNOHANG)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
