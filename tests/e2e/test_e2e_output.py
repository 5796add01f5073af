"""What read commands print, end to end: --query on JSON output, and the table view of any design.

The table is the shop (tests/e2e/shop.py, not the messaging design), with a
38-digit number, a set and binary among its items.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from .shop import BIG

pytestmark = pytest.mark.e2e


@pytest.fixture
def big_shop(shop: Any) -> Any:
    """The shop with one more item: a profile holding a 38-digit number."""
    big = f'{{"pk": "CUSTOMER#c3", "sk": "PROFILE", "name": "Big", "big": {BIG}}}'
    assert shop("put", big).returncode == 0
    return shop


def parse(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


@pytest.mark.parametrize(
    ("command", "expression", "expected"),
    [
        (["scan"], "sort_by([?status=='paid'], &order_no)[].sk", ["ORDER#1", "ORDER#2", "ORDER#4"]),
        (["scan", "--segments", "2"], "[?big].big", [Decimal(BIG)]),
        (["scan"], "[?sk=='ORDER#1'].[tags, receipt] | [0]", [["blue", "red"], "aGVsbG8="]),
        (["query", "--pk", "CUSTOMER#c1"], "length(@)", 3),
        (["get", "pk=CUSTOMER#c3", "sk=PROFILE"], "big", Decimal(BIG)),
        (["sql", 'SELECT * FROM "shop" WHERE pk = ?', "--param", "CUSTOMER#c2"], "[0].total", 999),
        (["describe-table"], "indexes[].name", ["by-status"]),
        (["list-tables"], "[?@=='shop']", ["shop"]),
    ],
    ids=["scan", "scan-parallel", "set-and-binary", "query", "get", "sql", "describe-table", "list-tables"],
)
def test_query_picks_from_json_output(
    big_shop: Any, command: list[str], expression: str, expected: Any
) -> None:
    result = big_shop(*command, "-o", "json", "--query", expression)
    assert result.returncode == 0, result.stderr
    assert parse(result.stdout) == expected


@pytest.mark.parametrize("command", [["scan"], ["describe-table"], ["get", "pk=CUSTOMER#c3", "sk=PROFILE"]])
def test_a_bad_expression_is_one_line_and_exit_2(big_shop: Any, command: list[str]) -> None:
    result = big_shop(*command, "-o", "json", "--query", "[?status=='paid'")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: --query \"[?status=='paid'\" is not a JMESPath expression: ")


def test_query_without_json_output_is_exit_2(big_shop: Any) -> None:
    result = big_shop("scan", "-o", "jsonl", "--query", "[].sk")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == "error: --query works on JSON output: add --output json\n"


def rows(text: str) -> list[list[str]]:
    lines = [line for line in text.splitlines() if line.startswith(("┃", "│"))]
    return [[cell.strip() for cell in line[1:-1].replace("┃", "│").split("│")] for line in lines]


def test_table_view_of_any_design_shows_key_then_each_attribute(big_shop: Any) -> None:
    result = big_shop("query", "--pk", "CUSTOMER#c1", "--sk-begins-with", "ORDER#1")
    assert result.returncode == 0, result.stderr
    header, row = rows(result.stdout)
    assert header[:2] == ["pk", "sk"] and header[2:] == sorted(header[2:])
    assert dict(zip(header, row, strict=True)) == {
        "pk": "CUSTOMER#c1",
        "sk": "ORDER#1",
        "count": "2",
        "order_no": "1",
        "receipt": "aGVsbG8=",
        "status": "paid",
        "tags": '["blue", "red"]',
        "total": "120.5",  # DynamoDB keeps no trailing zero
    }
    scanned = rows(big_shop("scan").stdout)
    assert scanned[0][:2] == ["pk", "sk"] and "big" in scanned[0]
    assert [cell for row in scanned[1:] for cell in row if cell == BIG] == [BIG]


def test_one_item_as_fields_key_first(big_shop: Any) -> None:
    result = big_shop("get", "pk=CUSTOMER#c3", "sk=PROFILE")
    assert result.returncode == 0, result.stderr
    assert rows(result.stdout) == [
        ["field", "value"],
        ["pk", "CUSTOMER#c3"],
        ["sk", "PROFILE"],
        ["big", BIG],
        ["name", "Big"],
    ]
