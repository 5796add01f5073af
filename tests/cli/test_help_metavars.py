"""Help shows metavars a person reads (`FILE...`, `USER`, `--region REGION`), never Python types."""

from __future__ import annotations

import re
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from ddbtool.cli import app

# Typer's type labels (<str>, <list[Path]>) and its braces for required arguments ({user}).
PYTHON_TYPES = re.compile(
    r"<(str|int|float|path|list\[[^>]*\]|int range|float range)>|\{[A-Za-z_][A-Za-z_=]*(?:\.\.\.)?\}"
)


def every_command(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, sub in getattr(command, "commands", {}).items():
        found.extend(every_command(sub, (*path, name)))
    return found


@pytest.mark.parametrize("path", every_command(get_command(app)), ids=" ".join)
def test_help_shows_no_python_types(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert not PYTHON_TYPES.findall(result.output), result.output


def test_arguments_read_as_in_a_manual() -> None:
    runner = CliRunner()
    assert (
        "Usage: ddbtool schema-load [OPTIONS] [FILE...]"
        in runner.invoke(app, ["schema-load", "--help"]).output
    )
    assert (
        "Usage: ddbtool list-conversations [OPTIONS] USER"
        in runner.invoke(app, ["list-conversations", "-h"]).output
    )
    assert "--region REGION" in runner.invoke(app, ["get", "--help"]).output
    assert "-n, --limit N" in runner.invoke(app, ["query", "--help"]).output
