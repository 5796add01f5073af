"""Dump lines: typed and plain JSON, canonical order, gzip members, located errors."""

from __future__ import annotations

import gzip
from decimal import Decimal
from pathlib import Path

import pytest

from ddbtool.items.dumpfile import LineError, encode_page, line_writer, parse_line, read_items, typed_line
from ddbtool.values import to_dynamo

from ..transfer import RICH_ITEM, typed_client_form


def test_typed_line_round_trips_every_type_exactly() -> None:
    line = typed_line(typed_client_form(RICH_ITEM))
    assert parse_line(line.encode()) == RICH_ITEM


def test_typed_line_is_canonical_whatever_the_order_of_attributes_and_set_members() -> None:
    one = {"b": {"SS": ["z", "a"]}, "a": {"NS": ["10", "-2", "3.5"]}, "c": {"BS": [b"\xff", b"\x00"]}}
    other = {"c": {"BS": [b"\x00", b"\xff"]}, "a": {"NS": ["3.5", "10", "-2"]}, "b": {"SS": ["a", "z"]}}
    assert typed_line(one) == typed_line(other)
    assert (
        typed_line(one)
        == '{"Item":{"a":{"NS":["-2","3.5","10"]},"b":{"SS":["a","z"]},"c":{"BS":["AA==","/w=="]}}}'
    )


def test_plain_line_keeps_every_digit() -> None:
    write = line_writer("plain")
    line = write(to_dynamo({"pk": "a", "n": Decimal("12345678901234567890.123456789")}))
    assert line == '{"n": 12345678901234567890.123456789, "pk": "a"}'
    assert parse_line(line.encode()) == {"pk": "a", "n": Decimal("12345678901234567890.123456789")}


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        (b"{not json", "", "not JSON"),
        (b"[1, 2]", "", "an item is a JSON object"),
        (b'{"Item": [1]}', "Item", "an object of typed attributes"),
        (b'{"Item": {"pk": {"Q": "x"}}}', "pk", "not a typed DynamoDB value"),
        (b'{"Item": {"pk": {"S": 1}}}', "pk", "S holds text"),
        (b'{"Item": {"b": {"B": "not base64!"}}}', "b", "not a typed DynamoDB value"),
        (b'{"Item": {"n": {"N": "abc"}}}', "n", "not a number"),
        (b"\xff\xfe", "", "not UTF-8"),
    ],
)
def test_bad_lines_say_what_is_wrong(line: bytes, field: str, message: str) -> None:
    with pytest.raises(LineError) as caught:
        parse_line(line, 7)
    assert caught.value.line == 7
    assert caught.value.field == field
    assert message in str(caught.value)


def test_read_items_numbers_lines_skips_blanks_and_reports_errors_in_place(tmp_path: Path) -> None:
    dump = tmp_path / "items.jsonl"
    dump.write_text('{"pk": "a", "sk": "1"}\n\n{oops\n{"Item": {"pk": {"S": "b"}, "sk": {"S": "2"}}}\n')
    found = list(read_items(dump))
    assert [number for number, _ in found] == [1, 3, 4]
    assert found[0][1] == {"pk": "a", "sk": "1"}
    assert isinstance(found[1][1], LineError)
    assert found[2][1] == {"pk": "b", "sk": "2"}
    assert [number for number, _ in read_items(dump, start_after=3)] == [4]


def test_gzip_is_recognised_by_its_bytes_and_pages_are_members(tmp_path: Path) -> None:
    write = line_writer("dynamodb")
    pages = [
        encode_page([write(to_dynamo({"pk": f"p{n}", "sk": "s"})) for n in range(start, start + 3)], True)
        for start in (0, 3)
    ]
    dump = tmp_path / "no-extension"
    dump.write_bytes(b"".join(pages))
    assert gzip.decompress(pages[0]).count(b"\n") == 3
    assert [item["pk"] for _, item in read_items(dump)] == [f"p{n}" for n in range(6)]  # type: ignore[index]


def test_a_cut_short_gzip_file_is_a_located_error_not_a_crash(tmp_path: Path) -> None:
    text = "".join(f'{{"pk": "p{n}", "sk": "s"}}\n' for n in range(2000)).encode()
    packed = gzip.compress(text)
    dump = tmp_path / "cut.jsonl.gz"
    dump.write_bytes(packed[: len(packed) // 2])
    found = list(read_items(dump))
    number, last = found[-1]
    assert isinstance(last, LineError) and "cannot read on from here" in str(last)
    assert all(isinstance(item, dict) for _, item in found[:-1])
    assert number == len(found)
