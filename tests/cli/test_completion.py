"""Completion callbacks: table names from ./schemas, and the helper other name lists reuse."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.main import get_command

from ddbtool.cli import app
from ddbtool.cli.catalog import load_all
from ddbtool.cli.completion import complete_table, names_from
from ddbtool.errors import InputFileError, Problem

# Commands load when looked up; these tests walk them all.
load_all(app)

DEFINITION = "table: {name}\nattributes: {{pk: S}}\nkey: {{partition: pk}}\n"


@pytest.fixture
def app_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "schemas").mkdir()
    for name in ("orders", "customers", "order-archive"):
        (tmp_path / "schemas" / f"{name}.yaml").write_text(DEFINITION.format(name=name))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_tables_defined_in_schemas_complete_by_prefix(app_folder: Path) -> None:
    assert complete_table("") == ["customers", "order-archive", "orders"]
    assert complete_table("ord") == ["order-archive", "orders"]
    assert complete_table("x") == []


def test_a_broken_definition_leaves_out_only_its_own_table(app_folder: Path) -> None:
    (app_folder / "schemas" / "broken.yaml").write_text("table: broken\nattributes: [\n")
    (app_folder / "schemas" / "invalid.yaml").write_text("table: invalid\n")  # no key
    assert complete_table("") == ["customers", "order-archive", "orders"]


def test_no_schemas_folder_offers_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert complete_table("") == []


def test_names_from_offers_nothing_when_its_source_fails() -> None:
    def failing() -> list[str]:
        raise InputFileError([Problem("patterns.yaml", 3, "name", "missing")])

    assert names_from(failing)("") == []
    assert names_from(lambda: ["b", "a", "a", "c"])("") == ["a", "b", "c"]


def test_every_table_option_and_argument_completes_table_names(app_folder: Path) -> None:
    root = get_command(app)
    offered = {}
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        for param in getattr(command, "params", []):
            if param.name in ("table", "table_option", "tables"):
                offered[(name, param.name)] = [c.value for c in param.shell_complete(None, "o")]
    assert ("scan", "table") in offered and ("delete-table", "tables") in offered
    assert ("get", "table_option") in offered and ("list-conversations", "table") in offered
    assert all(values == ["order-archive", "orders"] for values in offered.values()), offered
