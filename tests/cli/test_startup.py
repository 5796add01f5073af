"""`ddbtool --help` and `--version` stay fast: they must not import boto3, and a command
loads only its own module of commands (ddbtool.cli.catalog)."""

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
print("LOADED:", " ".join(sorted(m for m in sys.modules if m.startswith("ddbtool."))))
"""


def probe(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ddbtool in a fresh interpreter and report what it imported."""
    return subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False)


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["schema-load", "--help"], []])
def test_help_and_version_do_not_import_boto3(args: list[str]) -> None:
    result = probe(*args)
    assert "IMPORTED: []" in result.stdout, result.stdout + result.stderr


def test_version_prints_the_package_version() -> None:
    from importlib.metadata import version

    result = subprocess.run(
        [sys.executable, "-m", "ddbtool", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout == f"ddbtool {version('ddbtool')}\n"


ALWAYS = [
    "ddbtool.cli.app",
    "ddbtool.cli.catalog",
    "ddbtool.cli.completion",
    "ddbtool.cli.options",
    "ddbtool.cli.paramvalues",
]


@pytest.mark.parametrize(
    ("args", "loaded"),
    [
        (["--help"], []),
        (["scan", "--help"], ["ddbtool.cli.items"]),
        (["local", "status", "--help"], ["ddbtool.cli.local"]),
    ],
)
def test_a_command_loads_only_its_own_module(args: list[str], loaded: list[str]) -> None:
    result = probe(*args)
    modules = result.stdout.rpartition("LOADED:")[2].split()
    assert [m for m in modules if m.startswith("ddbtool.cli.") and m not in ALWAYS] == loaded, (
        result.stdout + result.stderr
    )


def test_an_app_command_loads_the_apps_commands_only() -> None:
    result = probe("get-conversation", "--help")
    modules = result.stdout.rpartition("LOADED:")[2].split()
    assert "ddbtool.apps.cruddur.commands" in modules and "ddbtool.cli.items" not in modules, result.stdout
