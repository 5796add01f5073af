"""lint and patterns: exit codes, stdout and stderr, from the example shop's folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ddbtool.cli import app

from ..conftest import Result
from ..support import ROOT

SHOP = ROOT / "tests" / "examples" / "shop"


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run ddbtool in-process in the example shop's folder (./schemas, ./seeds)."""
    monkeypatch.chdir(SHOP)

    def invoke(*args: str) -> Result:
        result = CliRunner().invoke(app, list(args))
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke


def test_lint_passes_the_example_and_counts_what_it_declares(run: Any) -> None:
    result = run("lint")
    assert result.exit_code == 0, result.stderr
    assert "valid: 1 tables, 2 entities, 4 access patterns" in result.stderr
    assert result.stdout == ""


def test_lint_names_file_line_and_field_of_each_problem(run: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = (SHOP / "schemas" / "shop.yaml").read_text()
    bad.write_text(
        text.replace("index: by-status", "index: by-state").replace('"{from}", "{to}"', '"{from}"')
    )
    result = run("lint", str(bad))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {bad}:")
    assert "access_patterns.orders-by-status.index: table 'shop' has no index 'by-state'" in lines[0]


def test_lint_warns_of_an_index_no_pattern_uses_and_exits_0(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "shop.yaml"
    text = (SHOP / "schemas" / "shop.yaml").read_text()
    path.write_text(text[: text.index("  orders-by-status:")])
    result = run("lint", str(path))
    assert result.exit_code == 0, result.stderr
    assert "warning: " in result.stderr and "no access pattern uses index 'by-status'" in result.stderr
    assert "; 1 warnings" in result.stderr


def test_patterns_lists_operation_and_parameters(run: Any) -> None:
    result = run("patterns", "--output", "json")
    assert result.exit_code == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [(p["name"], p["operation"], p["index"], p["parameters"]) for p in listed] == [
        ("customer", "GetItem", None, ["customer_id"]),
        ("order", "GetItem", None, ["customer_id", "order_no"]),
        ("customer-orders", "Query", None, ["customer_id"]),
        ("orders-by-status", "Query", "by-status", ["status", "from", "to"]),
    ]
    assert listed[2]["newest_first"] is True and listed[2]["limit"] == 20
    table = run("patterns")
    assert "Query on index by-status" in table.stdout and "status= from= to=" in table.stdout


def test_patterns_of_a_table_not_defined_is_exit_2(run: Any) -> None:
    result = run("patterns", "--table", "nope")
    assert result.exit_code == 2
    assert "table 'nope' is not defined in schemas/shop.yaml" in result.stderr


def test_patterns_checks_as_lint_does(run: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "shop.yaml").write_text(
        (SHOP / "schemas" / "shop.yaml").read_text().replace('sk: {begins_with: "ORDER#"}', "sk: {}")
    )
    monkeypatch.chdir(tmp_path)
    result = run("patterns")
    assert result.exit_code == 2
    assert "schemas/shop.yaml:46: access_patterns.customer-orders.key.sk: give one sort condition" in (
        result.stderr
    )


def test_completion_offers_pattern_names_then_their_parameters(run: Any) -> None:
    from types import SimpleNamespace

    from ddbtool.cli.completion import complete_pattern_words

    def complete(words: list[str], incomplete: str) -> list[str]:
        return complete_pattern_words(SimpleNamespace(params={"words": words}), incomplete)

    assert complete([], "cust") == ["customer", "customer-orders"]
    assert complete(["order"], "") == ["customer_id=", "order_no="]
    assert complete(["order", "customer_id=c1"], "") == ["order_no="]
    assert complete(["nope"], "") == []


def test_an_unknown_pattern_suggests_the_near_one(run: Any) -> None:
    result = run("query", "ordr", "customer_id=c1")
    assert result.exit_code == 2 and result.stdout == ""
    assert (
        result.stderr
        == "error: no access pattern 'ordr'; did you mean 'order'? `ddbtool patterns` lists them\n"
    )
