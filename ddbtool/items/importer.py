"""Import dump files into a table: checked whole first, then written in chunks, resumable.

`check_files` reads every line of every file once, streamed, and collects each
bad line (not JSON, not an item, a key attribute missing or of the wrong type,
anything DynamoDB's item rules refuse) with its file and line. Only when there
is none does `import_files` read the files again and write.

Items go to the batch writer (25 a BatchWriteItem, retried, a few batches at
once) a chunk at a time, the next one starting as this one finishes; after
each chunk is acknowledged, in order, the checkpoint records the file and line
reached. `--resume` skips what the checkpoint
vouches for and writes the rest; a chunk cut short is written again whole,
which changes nothing since a put of the same item is idempotent.

Two lines with the same key: the later one wins, as puts in file order would.
Within a chunk only the later of two such lines is sent (the batch writer
refuses two items with one key, since which landed last would depend on
timing), and a chunk holding a key of the one before it waits for it to land.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ddbtool.errors import InputFileError, Interrupted, Problem, UsageError
from ddbtool.items.dumpfile import LineError, read_items
from ddbtool.limits import item_problems

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from ddbtool.items.pace import Pace

CHUNK_ITEMS = 2500  # items per checkpoint: 100 BatchWriteItem calls
MAX_REPORTED = 50  # bad lines listed before the rest are only counted


@dataclass(frozen=True)
class TableShape:
    """What an item needs for this table: its key attributes, and the type of every key attribute."""

    table: str
    key: tuple[str, ...]  # partition, then sort
    key_types: Mapping[str, str]  # key attributes of the table and its indexes: S, N or B


def check_files(
    paths: Sequence[Path], shape: TableShape, on_progress: Callable[[int], None] | None = None
) -> int:
    """Read every file once and return how many items they hold; InputFileError naming every bad line.

    `on_progress(n)` is told of lines read, a thousand at a time.
    """
    problems: list[Problem] = []
    hidden = items = 0
    for path in paths:
        _require_readable(path)
        for number, found in read_items(path):
            if isinstance(found, LineError):
                wrong = [Problem(str(path), number, found.field, str(found))]
            else:
                items += 1
                if on_progress and items % 1000 == 0:
                    on_progress(1000)
                wrong = [
                    Problem(str(path), number, p.field, p.message)
                    for p in item_problems(found, shape.key_types, shape.key)
                ]
            hidden += max(0, len(problems) + len(wrong) - MAX_REPORTED)
            problems.extend(wrong[: max(0, MAX_REPORTED - len(problems))])
    if problems:
        if hidden:
            last = problems[-1]
            problems.append(Problem(last.file, last.line, "", f"... and {hidden} more problems"))
        raise InputFileError(problems)
    return items


def _require_readable(path: Path) -> None:
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    if not os.access(path, os.R_OK):
        raise UsageError(f"{path}: cannot be read")


# --- the checkpoint ---------------------------------------------------------------------


@dataclass
class ImportCheckpoint:
    """Where an import got: every line up to `line` of file number `file` is written."""

    path: Path
    table: str
    files: list[str]
    sizes: list[int]
    file: int = 0
    line: int = 0
    items: int = 0

    def save(self) -> None:
        document = {k: getattr(self, k) for k in ("table", "files", "sizes", "file", "line", "items")}
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(document, indent=1), encoding="utf-8")
        temporary.replace(self.path)


def checkpoint_path(paths: Sequence[Path]) -> Path:
    """Beside the first file: `FILE.import-checkpoint.json`."""
    return paths[0].with_name(paths[0].name + ".import-checkpoint.json")


def _start(paths: Sequence[Path], table: str, resume: bool) -> ImportCheckpoint:
    where = checkpoint_path(paths)
    files, sizes = [str(p) for p in paths], [p.stat().st_size for p in paths]
    if where.exists() and not resume:
        raise UsageError(
            f"{where} exists: an earlier import of these files did not finish; "
            "pass --resume to go on from it, or remove it to start over"
        )
    if not resume:
        return ImportCheckpoint(where, table, files, sizes)
    if not where.exists():
        raise UsageError(f"nothing to resume: no {where}; run without --resume to start an import")
    try:
        saved = json.loads(where.read_text(encoding="utf-8"))
        checkpoint = ImportCheckpoint(where, **saved)
    except (OSError, ValueError, TypeError) as exc:
        raise UsageError(
            f"{where}: not a checkpoint ddbtool can read ({exc}); remove it to start over"
        ) from None
    if (checkpoint.table, checkpoint.files, checkpoint.sizes) != (table, files, sizes):
        raise UsageError(
            f"{where} is for table {checkpoint.table} and the files {', '.join(checkpoint.files)} "
            "as they were then; resume with those, or remove it to start over"
        )
    return checkpoint


# --- writing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    table: str
    items: int  # written by this run and any earlier one it resumed
    resumed_from: int


def import_files(
    client: DynamoDBClient,
    paths: Sequence[Path],
    shape: TableShape,
    *,
    resume: bool = False,
    pace: Pace | None = None,
    chunk_items: int = CHUNK_ITEMS,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Write every item of `paths` (already checked by check_files) into the table.

    The checkpoint beside the first file is kept after each chunk and removed
    at the end. Ctrl-C raises Interrupted; other errors leave the
    checkpoint too, so the same command with `resume` goes on.
    """
    from ddbtool.items.batch import one_failure, write_items
    from ddbtool.items.pace import Pace

    pace = pace or Pace()  # one for every chunk: what it learns carries over

    checkpoint = _start(paths, shape.table, resume)
    resumed_from = checkpoint.items
    checkpoint.save()
    if on_progress and resumed_from:
        on_progress(resumed_from)

    stop = threading.Event()  # shared by the chunks in flight: one's failure stops the other

    def write(chunk: dict[tuple[Any, ...], dict[str, Any]]) -> None:
        # check_files checked every item against DynamoDB's rules: not done twice.
        items = list(chunk.values())
        write_items(
            client, shape.table, items, shape.key, on_progress=on_progress, pace=pace, checked=True, stop=stop
        )

    def done(written: Written) -> None:
        written.future.result()
        checkpoint.file, checkpoint.line = written.position
        checkpoint.items += len(written.chunk)
        checkpoint.save()

    # A chunk starts while the one before it finishes, so the calls in flight do not drain
    # to none at every chunk's end; the checkpoint still moves a whole chunk at a time, in
    # order. A chunk holding a key of the one before waits for it: the later line wins.
    in_flight: list[Written] = []  # at most two, oldest first
    try:
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="ddbtool-chunk") as pool:
            try:
                for position, chunk in _chunks(paths, shape.key, checkpoint, chunk_items):
                    if in_flight and not in_flight[-1].chunk.keys().isdisjoint(chunk):
                        done(in_flight.pop())
                    in_flight.append(Written(pool.submit(write, chunk), position, chunk))
                    if len(in_flight) == 2:
                        done(in_flight.pop(0))
                while in_flight:
                    done(in_flight.pop(0))
            except BaseException as exc:
                stop.set()  # the chunk still in flight starts no new call
                # Its failure may be the cause of this one (it stopped the other): say the cause.
                others = [e for e in (w.future.exception() for w in in_flight) if e is not None]
                raise one_failure(shape.table, [exc, *others]) from None
    except KeyboardInterrupt:
        raise Interrupted(
            f"interrupted after {checkpoint.items:,} items; {checkpoint.path} records the line reached: "
            "run the same command with --resume to go on"
        ) from None
    checkpoint.path.unlink()
    return ImportResult(shape.table, checkpoint.items, resumed_from)


@dataclass(frozen=True)
class Written:
    """A chunk being written, and the (file, line) of its last line."""

    future: Future[None]
    position: tuple[int, int]
    chunk: dict[tuple[Any, ...], dict[str, Any]]


def _chunks(
    paths: Sequence[Path], key: Sequence[str], checkpoint: ImportCheckpoint, size: int
) -> Iterator[tuple[tuple[int, int], dict[tuple[Any, ...], dict[str, Any]]]]:
    """Chunks of items by key (the later of two with one key), each with the (file, line) of its last line."""
    chunk: dict[tuple[Any, ...], dict[str, Any]] = {}
    position = (checkpoint.file, checkpoint.line)
    for index in range(checkpoint.file, len(paths)):
        skip = checkpoint.line if index == checkpoint.file else 0
        for number, found in read_items(paths[index], start_after=skip):
            if isinstance(found, LineError):  # check_files saw none; the file changed since
                raise UsageError(f"{paths[index]}:{number}: {found}; the file changed during the import")
            chunk[tuple(repr(found[name]) for name in key)] = found
            position = (index, number)
            if len(chunk) >= size:
                yield position, chunk
                chunk = {}
    if chunk:
        yield position, chunk
