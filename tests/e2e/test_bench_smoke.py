"""The benchmark harness stays runnable: its quick mode, end to end (no timing is checked)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ..support import ROOT

pytestmark = pytest.mark.e2e


def test_quick_benchmark_runs_every_case() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--markdown"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    contenders = {row.split(" | ")[1] for row in rows[1:]}  # rows[0] is the header
    assert {
        "ddbtool seed",
        "put_item loop",
        "boto3 batch_writer",
        "ddbtool scan --output jsonl",
        "boto3 paginator loop",
        "ddbtool export -o FILE",
        "boto3 paginator to JSON lines",
        "ddbtool import FILE",
        "BatchWriteItem loop",
        "ddbtool --help",
    } <= contenders
    # every target gets a verdict line, whatever the verdict at these tiny sizes
    assert sum(row.endswith(("| yes |", "| no |")) for row in rows) >= 7


def test_quick_latency_mode_runs_behind_the_proxy() -> None:
    command = [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--markdown"]
    done = subprocess.run(
        [*command, "--latency", "0,5", "--backends", "moto"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = [line.split(" | ") for line in done.stdout.splitlines() if line.startswith("| moto")]
    assert {row[2] for row in rows if len(row) == 6} == {
        "ddbtool seed",
        "ddbtool import",
        "BatchWriteItem loop, 16 threads",
        "ddbtool scan --output jsonl",
        "ddbtool scan --output jsonl --segments 8",
        "boto3 paginator loop",
    }
    verdicts = [row for row in rows if row[-1] in ("yes |", "no |")]
    assert len(verdicts) == 4 and all(len(row) == 5 for row in verdicts)  # a column for 0 and for 5 ms
