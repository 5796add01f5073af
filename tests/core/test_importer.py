"""Import: every bad line found before any write, chunks with a checkpoint, resume, later lines win."""

from __future__ import annotations

import gzip
import json
import threading
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from botocore.exceptions import ClientError

from ddbtool.errors import InputFileError, Interrupted, UsageError
from ddbtool.items.dumpfile import line_writer
from ddbtool.items.importer import ImportCheckpoint, TableShape, check_files, checkpoint_path, import_files
from ddbtool.items.pace import Pace
from ddbtool.tables.admin import load_table
from ddbtool.tables.definition import load_definitions
from ddbtool.values import from_dynamo, to_dynamo

from ..support import SCHEMAS
from ..transfer import RICH_ITEM, numbered_items
from .test_batch import error_response

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
    interrupted: list[bool] = []

    def interrupt(params: dict[str, Any], **_: Any) -> None:
        # The fifth chunk of 25 (one call each) starts at item 100; the fourth spans both files.
        keys = [r["PutRequest"]["Item"]["pk"] for r in params["RequestItems"][TABLE]]
        if {"S": "ITEM#0000100"} in keys and not interrupted:
            interrupted.append(True)
            raise KeyboardInterrupt

    table.meta.events.register("before-parameter-build.dynamodb.BatchWriteItem", interrupt)
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


def test_the_next_chunk_starts_before_this_one_lands_and_the_checkpoint_keeps_their_order(
    table: Any, tmp_path: Path
) -> None:
    dump = write_dump(tmp_path / "dump.jsonl", list(numbered_items(100)))
    second_chunk = threading.Event()
    overlapped: list[bool] = []
    saved: list[int] = []

    def hold(params: dict[str, Any], **_: Any) -> None:
        keys = [r["PutRequest"]["Item"]["pk"]["S"] for r in params["RequestItems"][TABLE]]
        if "ITEM#0000050" in keys:  # the second chunk's first call
            second_chunk.set()
        if "ITEM#0000049" in keys:  # the first chunk's last call waits for the second chunk's
            overlapped.append(second_chunk.wait(10))

    table.meta.events.register("before-parameter-build.dynamodb.BatchWriteItem", hold)
    real_save = ImportCheckpoint.save

    def save(checkpoint: ImportCheckpoint) -> None:
        saved.append(checkpoint.items)
        real_save(checkpoint)

    with patch.object(ImportCheckpoint, "save", save):
        result = import_files(table, [dump], SHAPE, chunk_items=50, pace=Pace(4))
    assert overlapped == [True]
    assert saved == [0, 50, 100] and result.items == 100
    assert [i["pk"] for i in table_items(table)] == [i["pk"] for i in numbered_items(100)]


def test_a_chunk_holding_a_key_of_the_one_before_waits_for_it(table: Any, tmp_path: Path) -> None:
    items = [{"pk": f"K#{n}", "sk": "1", "v": "first"} for n in range(50)]
    items += [{"pk": "K#49", "sk": "1", "v": "last"}, *({"pk": f"L#{n}", "sk": "1"} for n in range(49))]
    dump = write_dump(tmp_path / "dump.jsonl", items)
    sent: list[str] = []
    second_chunk = threading.Event()

    def record(params: dict[str, Any], **_: Any) -> None:
        keys = [r["PutRequest"]["Item"]["pk"]["S"] for r in params["RequestItems"][TABLE]]
        if "L#0" in keys:
            second_chunk.set()
        if "K#48" in keys:  # the first chunk's last call: a second chunk let go would overtake it
            second_chunk.wait(1)
        for r in params["RequestItems"][TABLE]:
            item = r["PutRequest"]["Item"]
            sent.append(item["pk"]["S"] + item.get("v", {}).get("S", ""))

    table.meta.events.register("before-parameter-build.dynamodb.BatchWriteItem", record)
    import_files(table, [dump], SHAPE, chunk_items=50, pace=Pace(4))
    assert sent.index("K#49last") > max(sent.index(f"K#{n}first") for n in range(50))
    assert next(i for i in table_items(table) if i["pk"] == "K#49")["v"] == "last"


def test_a_chunk_that_fails_while_the_one_before_is_in_flight_is_named_as_the_cause(
    table: Any, tmp_path: Path
) -> None:
    dump = write_dump(tmp_path / "dump.jsonl", list(numbered_items(200)))

    def answer(params: dict[str, Any], **_: Any) -> Any:
        requests = json.loads(params["body"])["RequestItems"][TABLE]
        numbers = [int(r["PutRequest"]["Item"]["pk"]["S"][5:]) for r in requests]
        if 100 in numbers:  # the second chunk's first call: refused outright
            return error_response("ValidationException")
        if max(numbers) < 100:  # the first chunk is throttled until the second's failure stops it
            return error_response("ProvisionedThroughputExceededException")
        return None

    table.meta.events.register("before-call.dynamodb.BatchWriteItem", answer)
    # The first chunk, stopped, is left "interrupted"; what is raised is what stopped it.
    with pytest.raises(ClientError, match="ValidationException"):
        import_files(table, [dump], SHAPE, chunk_items=100, pace=Pace(2))
    assert json.loads(checkpoint_path([dump]).read_text())["items"] == 0
