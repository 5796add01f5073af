"""Every command's help: an example of the command itself, and metavars a person reads
(`FILE...`, `USER`, `--region REGION`), never Python types.

The commands are found by walking the click tree Typer builds, so a command
added anywhere (an app's included) is checked without being listed here.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from ddbtool.cli import app
from ddbtool.cli.catalog import load_all

# Commands load when looked up; these tests walk them all.
load_all(app)

# Typer's type labels (<str>, <list[Path]>) and its braces for required arguments ({user}).
PYTHON_TYPES = re.compile(
    r"<(str|int|float|path|list\[[^>]*\]|int range|float range)>|\{[A-Za-z_][A-Za-z_=]*(?:\.\.\.)?\}"
)


def every_command(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, sub in getattr(command, "commands", {}).items():
        found.extend(every_command(sub, (*path, name)))
    return found


COMMANDS = every_command(get_command(app))


def test_the_walk_finds_every_command() -> None:
    names = {" ".join(path) for path in COMMANDS}
    assert {"", "seed", "scan", "get", "query", "list-conversations", "local", "local start"} <= names


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(path) or "ddbtool")
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    command: Any = get_command(app)
    for name in path:
        command = command.commands[name]
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert (command.help or "").strip(), f"{path}: no help text"
    if hasattr(command, "commands"):  # a group: its commands are its examples
        assert "Commands:" in result.output
        return
    invocation = " ".join(["ddbtool", *path])
    examples = result.output.partition("Example")[2]
    assert examples, f"{invocation}: its help has no Examples section"
    assert any(line.strip().startswith(invocation) for line in examples.splitlines()), result.output


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(path) or "ddbtool")
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
