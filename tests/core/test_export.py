"""Export to a file: parts, checkpoint, resume after Ctrl-C or a crash, with nothing lost or doubled."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from ddbtool.errors import Interrupted, UsageError
from ddbtool.items.dumpfile import parse_line
from ddbtool.items.export import (
    ExportPlan,
    checkpoint_path,
    export_to_file,
    export_to_stream,
    part_path,
)
from ddbtool.tables.admin import load_table
from ddbtool.tables.definition import load_definitions

from ..support import SCHEMAS
from ..transfer import RICH_ITEM, fast_put, numbered_items

TABLE = "cruddur-messages"
COUNT = 300


@pytest.fixture
def table(dynamodb: Any) -> Any:
    load_table(dynamodb, load_definitions([SCHEMAS / "cruddur-messages.yaml"])[0])
    fast_put(dynamodb, TABLE, [*numbered_items(COUNT - 1), RICH_ITEM])
    return dynamodb


def interrupt_after(client: Any, calls: int) -> None:
    """Ctrl-C arrives as the Scan call after the first `calls` ones starts."""
    seen = []

    def hook(**_: Any) -> None:
        seen.append(1)
        if len(seen) > calls:
            raise KeyboardInterrupt

    client.meta.events.register("before-call.dynamodb.Scan", hook)


def unhooked() -> Any:
    """Another client to the same in-process moto, without the interrupting hook."""
    return boto3.client("dynamodb", region_name="us-east-1")


def lines_of(path: Path) -> list[bytes]:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.splitlines()


def keys_of(lines: list[bytes]) -> list[str]:
    return sorted(parse_line(line)["pk"] for line in lines)


def test_export_writes_every_item_once_and_leaves_only_the_file(table: Any, tmp_path: Path) -> None:
    output = tmp_path / "dump.jsonl"
    result = export_to_file(table, ExportPlan(TABLE), output, page_size=40)
    lines = lines_of(output)
    assert result.items == COUNT == len(lines) == len(set(keys_of(lines)))
    assert RICH_ITEM in [parse_line(line) for line in lines]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dump.jsonl"]


@pytest.mark.parametrize(("segments", "compress"), [(1, False), (3, True)])
def test_ctrl_c_then_resume_gives_every_item_exactly_once(
    table: Any, tmp_path: Path, segments: int, compress: bool
) -> None:
    output = tmp_path / ("dump.jsonl.gz" if compress else "dump.jsonl")
    plan = ExportPlan.build(TABLE, "dynamodb", segments=segments, compress=compress)
    interrupt_after(table, 3)
    with pytest.raises(Interrupted, match="--resume"):
        export_to_file(table, plan, output, page_size=40)
    assert not output.exists()
    saved = json.loads(checkpoint_path(output).read_text())
    assert 0 < sum(state["items"] for state in saved["states"].values()) < COUNT

    with pytest.raises(UsageError, match="pass --resume"):
        export_to_file(table, plan, output, page_size=40)
    progress: list[int] = []
    result = export_to_file(unhooked(), plan, output, resume=True, page_size=40, on_progress=progress.append)
    assert 0 < result.resumed_from < COUNT
    assert progress[0] == result.resumed_from and sum(progress) == COUNT
    keys = keys_of(lines_of(output))
    assert len(keys) == COUNT and len(set(keys)) == COUNT
    assert not checkpoint_path(output).exists()


def test_resume_cuts_a_page_written_after_the_last_checkpoint(table: Any, tmp_path: Path) -> None:
    output = tmp_path / "dump.jsonl"
    interrupt_after(table, 2)
    with pytest.raises(Interrupted):
        export_to_file(table, ExportPlan(TABLE), output, page_size=40)
    # A crash between writing a page and recording it leaves the part longer than its checkpoint.
    with part_path(output, 0).open("ab") as part:
        part.write(b'{"Item":{"pk":{"S":"ITEM#0000000"},"sk":{"S":"META"}}}\n')
    export_to_file(unhooked(), ExportPlan(TABLE), output, resume=True)
    keys = keys_of(lines_of(output))
    assert len(keys) == COUNT == len(set(keys))


def test_a_crash_while_merging_is_finished_by_resume(
    table: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "dump.jsonl.gz"
    plan = ExportPlan.build(TABLE, "dynamodb", segments=2, compress=True)
    original = Path.replace

    def crash(self: Path, target: Any) -> Path:
        if Path(target) == output:
            raise KeyboardInterrupt  # the parts were appended, the rename never happened
        return original(self, target)

    monkeypatch.setattr(Path, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        export_to_file(table, plan, output)
    monkeypatch.setattr(Path, "replace", original)
    export_to_file(table, plan, output, resume=True)
    keys = keys_of(lines_of(output))
    assert len(keys) == COUNT == len(set(keys))


def test_resume_with_other_options_or_without_a_checkpoint_is_refused(table: Any, tmp_path: Path) -> None:
    output = tmp_path / "dump.jsonl"
    with pytest.raises(UsageError, match="nothing to resume"):
        export_to_file(table, ExportPlan(TABLE), output, resume=True)
    interrupt_after(table, 1)
    with pytest.raises(Interrupted):
        export_to_file(table, ExportPlan(TABLE), output, page_size=40)
    with pytest.raises(UsageError, match="is for another export"):
        export_to_file(table, ExportPlan(TABLE, "plain"), output, resume=True)


def test_shares_of_segments_together_hold_every_item_once(table: Any, tmp_path: Path) -> None:
    keys: list[str] = []
    for share in range(3):
        output = tmp_path / f"share{share}.jsonl"
        plan = ExportPlan.build(TABLE, "dynamodb", segment=share, total_segments=3)
        export_to_file(table, plan, output, page_size=25)
        keys += keys_of(lines_of(output))
    assert len(keys) == COUNT == len(set(keys))


def test_export_to_a_stream_in_plain_form(table: Any) -> None:
    out = io.BytesIO()
    result = export_to_stream(table, ExportPlan.build(TABLE, "plain", segments=2), out, page_size=50)
    lines = out.getvalue().splitlines()
    assert result.items == COUNT == len(lines)
    rich = next(line for line in lines if b"THING#rich" in line)
    assert b'"size": 12345678901234567890123456789012345678' in rich


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"segment": 1}, "go together"),
        ({"segment": 3, "total_segments": 3}, "from 0 to 2"),
        ({"segment": 0, "total_segments": 2, "segments": 2}, "leave it out"),
        ({"segments": 0}, "1 or more"),
    ],
)
def test_segment_options_are_checked(options: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        ExportPlan.build(TABLE, "dynamodb", **options)
