"""Import: every bad line found before any write, chunks with a checkpoint, resume, later lines win."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from ddbtool.errors import InputFileError, Interrupted, UsageError
from ddbtool.items.dumpfile import line_writer
from ddbtool.items.importer import TableShape, check_files, checkpoint_path, import_files
from ddbtool.items.pace import Pace
from ddbtool.tables.admin import load_table
from ddbtool.tables.definition import load_definitions
from ddbtool.values import from_dynamo, to_dynamo

from ..support import SCHEMAS
from ..transfer import RICH_ITEM, numbered_items

TABLE = "cruddur-messages"
SHAPE = TableShape(TABLE, ("pk", "sk"), {"pk": "S", "sk": "S", "message_group_uuid": "S"})


@pytest.fixture
def table(dynamodb: Any) -> Any:
    load_table(dynamodb, load_definitions([SCHEMAS / "cruddur-messages.yaml"])[0])
    return dynamodb


def write_dump(path: Path, items: list[dict[str, Any]], form: str = "dynamodb") -> Path:
    to_line = line_writer(form)  # type: ignore[arg-type]
    text = "".join(to_line(to_dynamo(item)) + "\n" for item in items)
    path.write_bytes(gzip.compress(text.encode()) if path.name.endswith(".gz") else text.encode())
    return path


def table_items(client: Any) -> list[dict[str, Any]]:
    pages = client.get_paginator("scan").paginate(TableName=TABLE)
    return sorted((from_dynamo(i) for page in pages for i in page["Items"]), key=lambda i: i["pk"])


def test_check_files_names_every_bad_line_with_file_line_and_field(tmp_path: Path) -> None:
    good = write_dump(tmp_path / "good.jsonl.gz", list(numbered_items(3)))
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        "\n".join(
            [
                '{"pk": "a", "sk": "1"}',
                '{"pk": "a"}',
                '{"Item": {"pk": {"N": "1"}, "sk": {"S": "x"}}}',
                "not json",
                '{"pk": "b", "sk": "2", "message_group_uuid": 5}',
                '{"Item": {"pk": {"S": "c"}, "sk": {"S": "3"}, "s": {"SS": []}}}',
                '{"pk": "d", "sk": "4", "n": 1E+200}',
            ]
        )
        + "\n"
    )
    with pytest.raises(InputFileError) as caught:
        check_files([good, bad], SHAPE)
    lines = caught.value.lines()
    assert lines[0] == f"{bad}:2: key attribute 'sk' (text) is missing"
    assert lines[1].startswith(f"{bad}:3: key attribute 'pk' must be text")
    assert lines[2].startswith(f"{bad}:4: not JSON")
    assert lines[3].startswith(f"{bad}:5: key attribute 'message_group_uuid' must be text")
    assert lines[4].startswith(f"{bad}:6: s: an empty set")
    assert lines[5].startswith(f"{bad}:7: n: 1E+200 is too large")
    assert len(lines) == 6


def test_check_files_counts_items_and_reads_both_forms(tmp_path: Path) -> None:
    typed = write_dump(tmp_path / "a.jsonl", [RICH_ITEM, *numbered_items(2)])
    plain = write_dump(tmp_path / "b.jsonl.gz", list(numbered_items(4, start=10)), "plain")
    assert check_files([typed, plain], SHAPE) == 7


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        check_files([tmp_path / "nope.jsonl"], SHAPE)


def test_import_writes_every_item_exactly_and_removes_its_checkpoint(table: Any, tmp_path: Path) -> None:
    items = [RICH_ITEM, *numbered_items(60)]
    dump = write_dump(tmp_path / "dump.jsonl.gz", items)
    progress: list[int] = []
    assert check_files([dump], SHAPE) == len(items)
    result = import_files(table, [dump], SHAPE, chunk_items=25, on_progress=progress.append)
    assert result.items == sum(progress) == len(items)
    assert table_items(table) == sorted(items, key=lambda i: i["pk"])
    assert not checkpoint_path([dump]).exists()


def test_ctrl_c_leaves_a_checkpoint_and_resume_writes_the_rest(table: Any, tmp_path: Path) -> None:
    first = write_dump(tmp_path / "one.jsonl", list(numbered_items(70)))
    second = write_dump(tmp_path / "two.jsonl", list(numbered_items(50, start=70)), "plain")
    calls = []

    def interrupt(**_: Any) -> None:
        calls.append(1)
        if len(calls) == 5:  # the fifth chunk of 25 (one call each); the fourth spans both files
            raise KeyboardInterrupt

    table.meta.events.register("before-call.dynamodb.BatchWriteItem", interrupt)
    with pytest.raises(Interrupted, match="--resume"):
        import_files(table, [first, second], SHAPE, chunk_items=25, pace=Pace(1))
    saved = json.loads(checkpoint_path([first]).read_text())
    assert (saved["file"], saved["line"], saved["items"]) == (1, 30, 100)
    with pytest.raises(UsageError, match="pass --resume"):
        import_files(table, [first, second], SHAPE)
    with pytest.raises(UsageError, match="as they were then"):
        import_files(table, [first], SHAPE, resume=True)

    progress: list[int] = []
    result = import_files(
        table, [first, second], SHAPE, chunk_items=25, resume=True, on_progress=progress.append
    )
    assert (result.resumed_from, result.items) == (100, 120)
    assert progress[0] == 100 and sum(progress) == 120  # the bar starts where the last run stopped
    assert [i["pk"] for i in table_items(table)] == [i["pk"] for i in numbered_items(120)]


def test_the_later_of_two_lines_with_one_key_wins(table: Any, tmp_path: Path) -> None:
    items = [
        {"pk": "a", "sk": "1", "v": "first"},
        {"pk": "b", "sk": "1"},
        {"pk": "a", "sk": "1", "v": "last"},
    ]
    dump = write_dump(tmp_path / "dump.jsonl", items)
    result = import_files(table, [dump], SHAPE)
    assert result.items == 2
    assert table_items(table)[0]["v"] == "last"
