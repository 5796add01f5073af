"""Export a table to one dump file, page by page, resumable after a crash or Ctrl-C.

How a resumed export never loses or doubles an item:

- Each scan segment appends to its own part file beside the output
  (`FILE.part-I`), one page at a time. After a page is written and synced, the
  checkpoint (`FILE.checkpoint.json`, replaced atomically) records the part's
  length and the page's LastEvaluatedKey.
- `--resume` cuts each part back to its recorded length (dropping a page
  written after the last checkpoint) and scans on from the recorded key, so
  every page is in the part exactly once.
- When every segment is done, the parts are appended to the first one, which is
  then renamed to FILE: the output appears only when complete, and one segment
  needs no copy at all. A crash while merging is resumed by merging again from
  the recorded lengths.

Memory stays flat: a segment holds one page (at most 1 MB of items) while it
formats it, and a bounded queue holds at most two pages per segment between
the scanning threads and the one thread that writes. Merging copies in blocks.

Compressed dumps write each page as its own gzip member; concatenated members
are one valid gzip file, so a part can be cut after any page and parts can be
joined by appending bytes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ddbtool.errors import DdbtoolError, Interrupted, UsageError
from ddbtool.items.dumpfile import Format, encode_page, line_writer, typed_from_json, typed_to_json
from ddbtool.items.scan import interleave

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import PaginatorConfigTypeDef

CHECKPOINT_VERSION = 1


@dataclass(frozen=True)
class ExportPlan:
    """What to export: the table, the line format, and which scan segments of how many."""

    table: str
    form: Format = "dynamodb"
    segments: tuple[int, ...] = (0,)
    total_segments: int = 1
    compress: bool = False

    @classmethod
    def build(
        cls,
        table: str,
        form: Format,
        *,
        segments: int = 1,
        segment: int | None = None,
        total_segments: int | None = None,
        compress: bool = False,
    ) -> ExportPlan:
        """Check the segment options: `segments` in parallel, or one `segment` of `total_segments`."""
        if (segment is None) != (total_segments is None):
            raise UsageError("--segment and --total-segments go together: --segment I --total-segments N")
        if segment is not None and total_segments is not None:
            if segments != 1:
                raise UsageError("--segments reads the whole table; with --segment, leave it out")
            if not 0 <= segment < total_segments:
                raise UsageError(f"--segment must be from 0 to {total_segments - 1} (--total-segments - 1)")
            return cls(table, form, (segment,), total_segments, compress)
        if segments < 1:
            raise UsageError("--segments must be 1 or more")
        return cls(table, form, tuple(range(segments)), segments, compress)


@dataclass
class SegmentState:
    """How far one segment got: bytes of its part written, items in them, where to scan on."""

    bytes: int = 0
    items: int = 0
    key: dict[str, Any] | None = None  # LastEvaluatedKey, typed JSON (binary as base64)
    done: bool = False


@dataclass
class Checkpoint:
    """The checkpoint file beside the output: the plan and each segment's state."""

    path: Path
    plan: ExportPlan
    states: dict[int, SegmentState] = field(default_factory=dict)

    @classmethod
    def fresh(cls, path: Path, plan: ExportPlan) -> Checkpoint:
        return cls(path, plan, {segment: SegmentState() for segment in plan.segments})

    @classmethod
    def load(cls, path: Path, plan: ExportPlan) -> Checkpoint:
        """The checkpoint at `path`; UsageError if it is unreadable or for other options."""
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            recorded = ExportPlan(
                saved["table"],
                saved["format"],
                tuple(saved["segments"]),
                saved["total_segments"],
                saved["compress"],
            )
            states = {int(k): SegmentState(**v) for k, v in saved["states"].items()}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UsageError(
                f"{path}: not a checkpoint ddbtool can read ({exc}); remove it to start over"
            ) from None
        if recorded != plan:
            raise UsageError(
                f"{path} is for another export ({_describe(recorded)}); "
                f"resume with those options, or remove it to start over"
            )
        return cls(path, plan, states)

    def save(self) -> None:
        document = {
            "version": CHECKPOINT_VERSION,
            "table": self.plan.table,
            "format": self.plan.form,
            "segments": list(self.plan.segments),
            "total_segments": self.plan.total_segments,
            "compress": self.plan.compress,
            "states": {str(k): asdict(v) for k, v in self.states.items()},
        }
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(document, indent=1), encoding="utf-8")
        temporary.replace(self.path)

    @property
    def items(self) -> int:
        return sum(state.items for state in self.states.values())


def _describe(plan: ExportPlan) -> str:
    share = (
        f"segment {plan.segments[0]} of {plan.total_segments}"
        if len(plan.segments) != plan.total_segments
        else f"{plan.total_segments} segments"
    )
    return f"table {plan.table}, format {plan.form}, {share}, {'gzip' if plan.compress else 'not compressed'}"


@dataclass(frozen=True)
class ExportResult:
    table: str
    items: int
    resumed_from: int  # items already exported before this run
    bytes: int
    output: str


def checkpoint_path(output: Path) -> Path:
    return output.with_name(output.name + ".checkpoint.json")


def part_path(output: Path, segment: int) -> Path:
    return output.with_name(f"{output.name}.part-{segment}")


def export_to_file(
    client: DynamoDBClient,
    plan: ExportPlan,
    output: Path,
    *,
    resume: bool = False,
    page_size: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ExportResult:
    """Export to `output` through part files and a checkpoint (see the module docstring).

    Without `resume` an existing checkpoint is a UsageError; with it, a missing one is.
    Ctrl-C leaves the checkpoint consistent and raises Interrupted.
    """
    where = checkpoint_path(output)
    if where.exists() and not resume:
        raise UsageError(
            f"{where} exists: an earlier export to {output} did not finish; "
            "pass --resume to go on from it, or remove it to start over"
        )
    if resume and not where.exists():
        raise UsageError(f"nothing to resume: no {where}; run without --resume to start an export")
    checkpoint = Checkpoint.load(where, plan) if resume else Checkpoint.fresh(where, plan)
    resumed_from = checkpoint.items
    if not resume:
        checkpoint.save()
    if on_progress and resumed_from:
        on_progress(resumed_from)
    if all(state.done for state in checkpoint.states.values()) and _already_merged(output, checkpoint):
        return _finished(checkpoint, output, resumed_from)
    parts = {
        segment: _open_part(part_path(output, segment), state.bytes)
        for segment, state in checkpoint.states.items()
    }
    try:
        starts = {s: state.key for s, state in checkpoint.states.items() if not state.done}
        for page in _pages(client, plan, starts, page_size):
            part = parts[page.segment]
            part.write(page.data)
            part.flush()
            os.fsync(part.fileno())
            state = checkpoint.states[page.segment]
            state.bytes += len(page.data)
            state.items += page.count
            state.key = page.last_key
            state.done = page.last_key is None
            checkpoint.save()
            if on_progress:
                on_progress(page.count)
    except KeyboardInterrupt:
        raise Interrupted(
            f"interrupted after {checkpoint.items:,} items; {where} records each segment's place: "
            "run the same command with --resume to go on"
        ) from None
    except OSError as exc:  # a full disk, a lost mount: what is recorded is still whole
        raise DdbtoolError(
            f"cannot write beside {output} ({exc.strerror or exc}) after {checkpoint.items:,} items; "
            "fix that, then run the same command with --resume"
        ) from None
    finally:
        for part in parts.values():
            part.close()
    _merge(output, checkpoint)
    return _finished(checkpoint, output, resumed_from)


def _open_part(path: Path, length: int) -> IO[bytes]:
    """The part file open for appending after its first `length` bytes (what the checkpoint vouches for)."""
    part = path.open("r+b" if path.exists() else "w+b")
    part.truncate(length)
    part.seek(length)
    return part


def _already_merged(output: Path, checkpoint: Checkpoint) -> bool:
    """True when a run finished merging (the output exists, the first part is gone) but not cleaning up."""
    first = part_path(output, checkpoint.plan.segments[0])
    return output.exists() and not first.exists()


def _merge(output: Path, checkpoint: Checkpoint) -> None:
    """Append every other part to the first, cut to their recorded lengths, and rename it to `output`."""
    first, *others = checkpoint.plan.segments
    with part_path(output, first).open("r+b") as target:
        target.truncate(checkpoint.states[first].bytes)
        target.seek(0, os.SEEK_END)
        for segment in others:
            with part_path(output, segment).open("rb") as source:
                _copy(source, target, checkpoint.states[segment].bytes)
        target.flush()
        os.fsync(target.fileno())
    part_path(output, first).replace(output)


def _copy(source: IO[bytes], target: IO[bytes], length: int) -> None:
    left = length
    while left:
        block = source.read(min(left, 1 << 20))
        if not block:
            raise DdbtoolError(
                f"{source.name} is shorter than its checkpoint says; remove the checkpoint and export again"
            )
        target.write(block)
        left -= len(block)


def _finished(checkpoint: Checkpoint, output: Path, resumed_from: int) -> ExportResult:
    checkpoint.path.unlink(missing_ok=True)
    for segment in checkpoint.plan.segments:
        part_path(output, segment).unlink(missing_ok=True)
    size = sum(state.bytes for state in checkpoint.states.values())
    return ExportResult(checkpoint.plan.table, checkpoint.items, resumed_from, size, str(output))


def export_to_stream(
    client: DynamoDBClient,
    plan: ExportPlan,
    out: IO[bytes],
    *,
    page_size: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ExportResult:
    """Export to a stream (stdout) as pages come; no checkpoint, since a stream cannot be cut back."""
    items = size = 0
    for page in _pages(client, plan, dict.fromkeys(plan.segments), page_size):
        try:
            out.write(page.data)
            out.flush()
        except BrokenPipeError:
            raise  # the reader stopped reading (`| head`): not worth a message
        except OSError as exc:
            raise DdbtoolError(f"cannot write to standard output ({exc.strerror or exc})") from None
        items += page.count
        size += len(page.data)
        if on_progress:
            on_progress(page.count)
    return ExportResult(plan.table, items, 0, size, "-")


# --- reading pages ----------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    segment: int
    data: bytes
    count: int
    last_key: dict[str, Any] | None  # typed JSON; None once the segment is done


def _pages(
    client: DynamoDBClient,
    plan: ExportPlan,
    starts: dict[int, dict[str, Any] | None],
    page_size: int | None = None,
) -> Iterator[Page]:
    """Every page of the segments in `starts`, each from its start key, formatted and encoded."""
    sources = [_segment(client, plan, segment, start, page_size) for segment, start in starts.items()]
    return interleave(sources)  # one segment too: its next page is read while this one is written


def _segment(
    client: DynamoDBClient,
    plan: ExportPlan,
    segment: int,
    start: dict[str, Any] | None,
    page_size: int | None,
) -> Callable[[], Iterator[Page]]:
    params: dict[str, Any] = {"TableName": plan.table}
    if plan.total_segments > 1:
        params |= {"Segment": segment, "TotalSegments": plan.total_segments}
    if start is not None:
        params["ExclusiveStartKey"] = {name: typed_from_json(value) for name, value in start.items()}
    config: PaginatorConfigTypeDef = {"PageSize": page_size} if page_size else {}
    to_line = line_writer(plan.form)

    def pages() -> Iterator[Page]:
        # The paginator follows LastEvaluatedKey; each page's own key is what the checkpoint records.
        for response in client.get_paginator("scan").paginate(**params, PaginationConfig=config):
            items = response.get("Items", [])
            last = response.get("LastEvaluatedKey")
            data = encode_page([to_line(item) for item in items], plan.compress)
            yield Page(segment, data, len(items), typed_to_json(last) if last else None)

    return pages


def approximate_count(client: DynamoDBClient, table: str) -> int:
    """DynamoDB's approximate item count (updated about every six hours; 0 when unknown)."""
    from ddbtool.tables.live import require

    return require(client, table).item_count or 0
