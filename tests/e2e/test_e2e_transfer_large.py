"""The large test: 100,000 items out and back through the installed ddbtool, killed midway and resumed.

moto's server only (its Scan costs grow with the table, so pages of 5,000 keep
this to a couple of minutes). Items are small so that moto spends its time on
the number of items, which is what this test is about. Peak memory is read
from the kernel (wait4) for each ddbtool process, never timed.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..support import aws_client
from ..transfer import fast_put

pytestmark = [pytest.mark.e2e, pytest.mark.large]

ITEMS = 100_000
SHARE = 5  # the smaller size for memory: one segment of five, 20,000 items
PAGE = ["--page-size", "5000"]
DEFINITION = "table: {name}\nattributes:\n  pk: S\nkey:\n  partition: pk\n"
SCRIPT = Path(sys.executable).parent / "ddbtool"


@dataclass
class Run:
    returncode: int
    peak_rss_mb: float
    stderr: str


@dataclass
class Workspace:
    folder: Path
    endpoint: str

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        return subprocess.Popen(
            [str(SCRIPT), *args, "--endpoint-url", self.endpoint],
            cwd=self.folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=(self.folder / "stderr").open("wb"),
        )

    def finish(self, process: subprocess.Popen[bytes]) -> Run:
        """Wait for the process and read its peak resident memory from the kernel."""
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr = (self.folder / "stderr").read_text()
        return Run(process.returncode, usage.ru_maxrss / 1024, stderr)  # ru_maxrss is in KiB on Linux

    def run(self, *args: str) -> Run:
        return self.finish(self.start(*args))

    def load(self, table: str) -> None:
        (self.folder / "schemas" / "t.yaml").write_text(DEFINITION.format(name=table))
        assert self.run("schema-load").returncode == 0


def keys(path: Path) -> list[str]:
    lines = gzip.decompress(path.read_bytes()).splitlines()
    return [json.loads(line)["Item"]["pk"]["S"] for line in lines]


def interrupt_when(
    process: subprocess.Popen[bytes], checkpoint: Path, items: int, sig: signal.Signals
) -> None:
    """Send `sig` once the checkpoint records at least `items` items (or fail if it finishes first)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, "finished before it could be interrupted"
        try:
            saved = json.loads(checkpoint.read_text())
        except (OSError, ValueError):
            saved = {}
        states = saved.get("states", {}).values()
        done = saved.get("items", sum(state["items"] for state in states))
        if done >= items:
            process.send_signal(sig)
            return
        time.sleep(0.05)
    raise AssertionError("no progress in the checkpoint")


@pytest.fixture(scope="module")
def workspace(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """A folder whose ./schemas defines the table `big`, holding 100,000 items on moto's server."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")).read()
    folder = tmp_path_factory.mktemp("large")
    (folder / "schemas").mkdir()
    space = Workspace(folder, moto_server)
    space.load("big")
    items = ({"pk": f"ITEM#{n:06d}"} for n in range(ITEMS))
    assert fast_put(aws_client("dynamodb", moto_server), "big", items) == ITEMS
    yield space
    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")).read()


@pytest.fixture(scope="module")
def full_export(workspace: Workspace) -> tuple[Path, Run]:
    output = workspace.folder / "full.jsonl.gz"
    run = workspace.run("export", "-o", str(output), *PAGE)
    assert run.returncode == 0, run.stderr
    return output, run


def test_export_killed_midway_and_resumed_has_every_item_once(workspace: Workspace) -> None:
    output = workspace.folder / "killed.jsonl.gz"
    process = workspace.start("export", "-o", str(output), "--segments", "2", *PAGE)
    interrupt_when(process, workspace.folder / "killed.jsonl.gz.checkpoint.json", 20_000, signal.SIGKILL)
    assert workspace.finish(process).returncode == -signal.SIGKILL
    assert not output.exists()

    resumed = workspace.run("export", "-o", str(output), "--segments", "2", *PAGE, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "before the resume" in resumed.stderr
    found = keys(output)
    assert len(found) == ITEMS
    assert sorted(found) == [f"ITEM#{n:06d}" for n in range(ITEMS)]


def test_export_memory_stays_flat_as_the_table_grows(
    workspace: Workspace, full_export: tuple[Path, Run]
) -> None:
    share = workspace.folder / "share.jsonl.gz"
    small = workspace.run("export", "-o", str(share), "--segment", "0", "--total-segments", str(SHARE), *PAGE)
    assert small.returncode == 0, small.stderr
    path, large = full_export
    assert len(keys(share)) < ITEMS // 3 and len(keys(path)) == ITEMS
    # Five times the items; the same pages in memory at a time.
    assert large.peak_rss_mb < small.peak_rss_mb * 1.2, (small.peak_rss_mb, large.peak_rss_mb)


def test_import_interrupted_midway_and_resumed_writes_every_item(
    workspace: Workspace, full_export: tuple[Path, Run]
) -> None:
    path, _ = full_export
    workspace.load("copy")
    process = workspace.start("import", "-t", "copy", str(path))
    interrupt_when(process, Path(f"{path}.import-checkpoint.json"), 20_000, signal.SIGINT)
    stopped = workspace.finish(process)
    assert stopped.returncode == 130, stopped.stderr
    assert "--resume" in stopped.stderr and "Traceback" not in stopped.stderr

    resumed = workspace.run("import", "-t", "copy", str(path), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "before the resume" in resumed.stderr
    client = aws_client("dynamodb", workspace.endpoint)
    pages = client.get_paginator("scan").paginate(TableName="copy", Select="COUNT")
    assert sum(page["Count"] for page in pages) == ITEMS


def test_import_memory_stays_flat_as_the_input_grows(
    workspace: Workspace, full_export: tuple[Path, Run]
) -> None:
    path, _ = full_export
    share = workspace.folder / "share-in.jsonl.gz"
    exported = workspace.run(
        "export", "-o", str(share), "--segment", "1", "--total-segments", str(SHARE), *PAGE
    )
    assert exported.returncode == 0, exported.stderr
    workspace.load("again")
    small = workspace.run("import", "-t", "again", str(share))
    large = workspace.run("import", "-t", "again", str(path))
    assert small.returncode == 0 and large.returncode == 0, large.stderr
    assert large.peak_rss_mb < small.peak_rss_mb * 1.2, (small.peak_rss_mb, large.peak_rss_mb)
