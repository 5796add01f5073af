"""`ddbtool --help` and `--version` stay fast: they must not import boto3."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import sys
from ddbtool.cli import main
sys.argv = ["ddbtool", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print("IMPORTED:", sorted(m for m in ("boto3", "botocore") if m in sys.modules))
"""


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["schema-load", "--help"], []])
def test_help_and_version_do_not_import_boto3(args: list[str]) -> None:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False)
    assert "IMPORTED: []" in result.stdout, result.stdout + result.stderr


def test_version_prints_the_package_version() -> None:
    from importlib.metadata import version

    result = subprocess.run(
        [sys.executable, "-m", "ddbtool", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout == f"ddbtool {version('ddbtool')}\n"
