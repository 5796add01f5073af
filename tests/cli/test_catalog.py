"""The catalog lists exactly the commands there are, with the lines --help shows."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from ddbtool.apps import App
from ddbtool.cli import app
from ddbtool.cli.catalog import listing, load_all


def test_the_catalog_lists_every_command_there_is_and_no_other() -> None:
    load_all(app)
    root: Any = typer.main.get_command(app)
    assert list(root.commands) == [listed.name for listed in listing()]
    for listed in listing():
        assert root.commands[listed.name].short_help == listed.line


def test_help_lists_the_catalogs_lines() -> None:
    words = " ".join(CliRunner().invoke(app, ["--help"]).output.partition("Commands:")[2].split())
    assert words == " ".join(f"{listed.name} {listed.line}" for listed in listing())


def test_an_app_that_registers_commands_must_list_them() -> None:
    with pytest.raises(TypeError, match="lists none"):
        App(name="quiet", register_commands=lambda cli: None)
