"""`ddbtool local`: which process is ours, and what a missing Java or jar says.

Stand-in processes carry the engine's mark on their command line (moto.server,
DynamoDBLocal.jar), so these run without Java; the end-to-end tests start the
real engines.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ddbtool import local
from ddbtool.cli import app

from ..support import free_port

Sleeper = Callable[..., "subprocess.Popen[bytes]"]


@pytest.fixture
def sleeper() -> Iterator[Sleeper]:
    """A process that is not a local endpoint; `mark` arguments make its cmdline look like one."""
    started: list[subprocess.Popen[bytes]] = []

    def start(*mark: str) -> subprocess.Popen[bytes]:
        code = "import time; print('ready', flush=True); time.sleep(60)"
        process = subprocess.Popen([sys.executable, "-c", code, *mark], stdout=subprocess.PIPE)
        started.append(process)
        assert process.stdout is not None and process.stdout.readline() == b"ready\n"  # exec'd
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("engine", [None, "moto", "dynamodb-local"])
def test_stop_never_ends_a_process_that_is_not_the_engine(
    sleeper: Sleeper, tmp_path: Path, engine: str | None
) -> None:
    port = free_port()
    foreign = sleeper()
    (tmp_path / f"local-{port}.pid").write_text(f"{foreign.pid} {engine or ''}\n")
    assert local.status(port, tmp_path).state == "stopped"
    assert local.stop(port, tmp_path) is None
    assert foreign.poll() is None


@pytest.mark.parametrize(
    ("engine", "mark"), [("moto", "moto.server"), ("dynamodb-local", "DynamoDBLocal.jar")]
)
def test_status_and_stop_know_each_engine_by_its_pid_file(
    sleeper: Sleeper, tmp_path: Path, engine: str, mark: str
) -> None:
    port = free_port()
    ours = sleeper(mark)
    (tmp_path / f"local-{port}.pid").write_text(f"{ours.pid} {engine}\n")
    current = local.status(port, tmp_path)
    assert (current.state, current.pid, current.engine) == ("running", ours.pid, engine)
    # A pid file naming the other engine is not ours to stop.
    other = next(e for e in local.ENGINES if e != engine)
    (tmp_path / f"local-{port}.pid").write_text(f"{ours.pid} {other}\n")
    assert local.status(port, tmp_path).state == "stopped"

    (tmp_path / f"local-{port}.pid").write_text(f"{ours.pid} {engine}\n")
    stopped = local.stop(port, tmp_path)
    assert stopped is not None and stopped.engine == engine
    with pytest.raises(ProcessLookupError):  # ended (and reaped: it is this test's child)
        os.kill(ours.pid, 0)
    assert not (tmp_path / f"local-{port}.pid").exists()


def test_a_pid_file_without_an_engine_is_moto(sleeper: Sleeper, tmp_path: Path) -> None:
    port = free_port()
    older = sleeper("moto.server")
    (tmp_path / f"local-{port}.pid").write_text(f"{older.pid}\n")
    assert local.status(port, tmp_path).engine == "moto"


def start_dynamodb_local(tmp_path: Path, *extra: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(
        app,
        ["local", "start", "--engine", "dynamodb-local", "--port", str(free_port()), *extra],
        env={"DDBTOOL_STATE_DIR": str(tmp_path / "state"), **(env or {})},
    )
    return result.exit_code, result.stderr


def test_a_jar_dir_without_the_jar_is_a_usage_error(tmp_path: Path) -> None:
    code, stderr = start_dynamodb_local(tmp_path, "--jar-dir", str(tmp_path))
    assert (code, stderr) == (
        2,
        f"error: no DynamoDBLocal.jar in {tmp_path}: pass --jar-dir a folder holding "
        "DynamoDB Local's DynamoDBLocal.jar\n",
    )
    from_env = start_dynamodb_local(tmp_path, env={"DDBTOOL_DYNAMODB_LOCAL_DIR": str(tmp_path)})
    assert from_env == (code, stderr)


def test_missing_java_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "DynamoDBLocal.jar").write_bytes(b"")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, stderr = start_dynamodb_local(tmp_path, "--jar-dir", str(tmp_path))
    assert code == 1
    assert stderr.splitlines() == [
        "error: DynamoDB Local needs Java 17 or newer: install a JRE "
        "(Debian: apt-get install default-jre-headless)"
    ]
    assert not (tmp_path / "state").exists() or not list((tmp_path / "state").glob("*.pid"))
