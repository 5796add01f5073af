"""render.emit: one way to print rows or a document as a table, JSON, JSON lines or CSV, and --query."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pytest

from ddbtool import render
from ddbtool.errors import UsageError

ROWS = [
    {
        "pk": "CUSTOMER#c1",
        "sk": "ORDER#7",
        "total": Decimal("12345678901234567890.123456789"),
        "tags": {"b", "a"},
    },
    {"sk": "PROFILE", "pk": "CUSTOMER#c1", "name": "Ada", "photo": b"\x01\x02", "note": None},
]
KEY = ("pk", "sk")


def emitted(data: Any, output: str, **options: Any) -> tuple[int, str]:
    out = io.StringIO()
    count = render.emit(data, output, stream=out, **options)
    return count, out.getvalue()


def test_rows_in_every_machine_format() -> None:
    count, text = emitted(iter(ROWS), "json")
    assert count == 2
    assert '"total": 12345678901234567890.123456789' in text
    assert json.loads(text)[1] == {
        "sk": "PROFILE",
        "pk": "CUSTOMER#c1",
        "name": "Ada",
        "photo": "AQI=",
        "note": None,
    }
    count, text = emitted(iter(ROWS), "jsonl")
    assert count == 2 and [json.loads(line)["sk"] for line in text.splitlines()] == ["ORDER#7", "PROFILE"]
    count, text = emitted(iter(ROWS), "csv", leading=KEY)
    assert count == 2
    assert text.splitlines() == [
        "pk,sk,name,note,photo,tags,total",
        'CUSTOMER#c1,ORDER#7,,,,"[""a"", ""b""]",12345678901234567890.123456789',
        "CUSTOMER#c1,PROFILE,Ada,,AQI=,,",
    ]


def test_one_document_is_an_object_a_line_or_a_row() -> None:
    assert emitted(ROWS[1], "json") == (1, json.dumps(json.loads(render.dumps(ROWS[1])), indent=2) + "\n")
    assert emitted(ROWS[1], "jsonl")[1].count("\n") == 1
    assert emitted(ROWS[1], "csv", leading=KEY)[1].splitlines()[0] == "pk,sk,name,note,photo"


def cells(text: str) -> list[list[str]]:
    """The header and rows of rich tables, cell by cell."""
    lines = [line for line in text.splitlines() if line.startswith(("┃", "│"))]
    return [[cell.strip() for cell in line[1:-1].replace("┃", "│").split("│")] for line in lines]


def test_table_view_key_first_then_every_attribute(capsys: pytest.CaptureFixture[str]) -> None:
    assert render.emit(iter(ROWS), "table", leading=KEY) == 2
    assert cells(capsys.readouterr().out) == [
        ["pk", "sk", "total", "tags", "name", "photo", "note"],
        ["CUSTOMER#c1", "ORDER#7", "12345678901234567890.123456789", '["a", "b"]', "", "", ""],
        ["CUSTOMER#c1", "PROFILE", "", "", "Ada", "AQI=", ""],
    ]


def test_a_document_table_lists_fields_key_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert render.emit(ROWS[1], "table", leading=KEY) == 1
    assert cells(capsys.readouterr().out) == [
        ["field", "value"],
        ["pk", "CUSTOMER#c1"],
        ["sk", "PROFILE"],
        ["name", "Ada"],
        ["photo", "AQI="],
        ["note", ""],
    ]


def test_a_command_draws_its_own_table(capsys: pytest.CaptureFixture[str]) -> None:
    drawn: list[Any] = []
    assert render.emit(iter(ROWS), "table", table=lambda rows: drawn.extend(rows)) == 2
    assert drawn == ROWS and capsys.readouterr().out == ""


def test_query_picks_from_the_json_document() -> None:
    assert emitted(iter(ROWS), "json", query="[].sk") == (2, '[\n  "ORDER#7",\n  "PROFILE"\n]\n')
    # Numbers keep every digit, sets are lists and binary is base64, as in the JSON output.
    assert emitted(iter(ROWS), "json", query="[0].total")[1] == "12345678901234567890.123456789\n"
    assert emitted(iter(ROWS), "json", query="[0].tags")[1] == '[\n  "a",\n  "b"\n]\n'
    assert emitted(iter(ROWS), "json", query="[?total > `100`].sk | [0]")[1] == '"ORDER#7"\n'
    assert emitted(ROWS[1], "json", query="photo")[1] == '"AQI="\n'
    assert emitted(ROWS[1], "json", query="missing")[1] == "null\n"


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("[", "--query '[' is not a JMESPath expression: Invalid jmespath expression: Incomplete expression"),
        ("a b", "--query 'a b' is not a JMESPath expression: Unexpected token: b: Parse error at column 2"),
    ],
)
def test_a_bad_expression_is_one_line(expression: str, message: str) -> None:
    with pytest.raises(UsageError) as raised:
        render.check_query(expression)
    assert str(raised.value).startswith(message) and "\n" not in str(raised.value)


def test_a_function_given_the_wrong_type_is_one_line() -> None:
    with pytest.raises(UsageError) as raised:
        render.search("sum([].sk)", ROWS)
    assert str(raised.value).startswith("--query 'sum([].sk)': In function sum(), invalid type for value: ")
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("output", ["table", "jsonl", "csv"])
def test_query_needs_json_output(output: str) -> None:
    with pytest.raises(UsageError, match="--query works on JSON output: add --output json"):
        render.emit(iter(ROWS), output, query="[].sk")
