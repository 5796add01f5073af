"""The only module that knows rich, JSON and CSV: data to stdout, messages to stderr.

Consoles are built with markup off, so text from a table is never read as
styling, and rich drops colour by itself when nobody is at the terminal (and
honours NO_COLOR).
"""

from __future__ import annotations

import base64
import csv
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from functools import cache
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


@cache
def stdout() -> Console:
    from rich.console import Console

    # Piped tables keep every column instead of shrinking to 80 characters.
    width = None if sys.stdout.isatty() or "COLUMNS" in os.environ else 240
    return Console(markup=False, highlight=False, emoji=False, width=width)


@cache
def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, markup=False, highlight=False, emoji=False)


def info(message: str) -> None:
    stderr().print(message, style="dim", soft_wrap=True)


def success(message: str) -> None:
    stderr().print(message, style="green", soft_wrap=True)


def warn(message: str) -> None:
    stderr().print(f"warning: {message}", style="yellow", soft_wrap=True)


def error(message: str) -> None:
    stderr().print(f"error: {message}", style="red", soft_wrap=True)


def plain(value: Any) -> Any:
    """DynamoDB values as plain JSON: numbers as numbers, sets as lists, binary as base64."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (set, frozenset)):
        return sorted((plain(v) for v in value), key=lambda v: (str(type(v)), v))
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _json_default(value: Any) -> Any:
    converted = plain(value)
    if converted is value:
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")
    return converted


def dumps(value: Any, *, indent: int | None = None) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=False, default=_json_default)


def print_json(value: Any, stream: IO[str] | None = None) -> None:
    """One JSON document, indented, on stdout."""
    out = stream or sys.stdout
    out.write(dumps(value, indent=2) + "\n")
    out.flush()


def print_json_stream(rows: Iterable[Any], stream: IO[str] | None = None) -> int:
    """One JSON list written as its items come (`[`, an item a line, `]`); returns how many."""
    out = stream or sys.stdout
    count = 0
    for row in rows:
        out.write(("[\n  " if count == 0 else ",\n  ") + dumps(row))
        count += 1
    out.write("\n]\n" if count else "[]\n")
    out.flush()
    return count


def print_jsonl(rows: Iterable[Any], stream: IO[str] | None = None) -> int:
    """One JSON object a line, written as they come; returns how many."""
    out = stream or sys.stdout
    count = 0
    for row in rows:
        out.write(dumps(row) + "\n")
        count += 1
    out.flush()
    return count


def print_csv(
    columns: Sequence[str], rows: Iterable[Mapping[str, Any]], stream: IO[str] | None = None
) -> int:
    """CSV with a header; nested values as JSON. Returns how many rows."""
    out = stream or sys.stdout
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
        count += 1
    out.flush()
    return count


def _cell(value: Any) -> str:
    if value is None:
        return ""
    converted = plain(value)
    if isinstance(converted, (dict, list)):
        return dumps(converted)
    return str(converted)


def print_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str | None = None,
    wrap: Sequence[str] = (),
) -> int:
    """A rich table on stdout; `wrap` names columns that wrap rather than stay on one line."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left", expand=False)
    for column in columns:
        table.add_column(
            column, overflow="fold" if column in wrap else "ellipsis", no_wrap=column not in wrap
        )
    count = 0
    for row in rows:
        table.add_row(*(Text(_cell(value)) for value in row))
        count += 1
    stdout().print(table)
    return count


def print_pairs(pairs: Iterable[tuple[str, Any]], *, title: str | None = None) -> None:
    """A two-column table of field and value."""
    print_table(["field", "value"], pairs, title=title, wrap=["value"])


@contextmanager
def progress(total: int, description: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr while the block runs, if stderr is a terminal.

    Yields `advance(n)`; without a terminal it does nothing, so logs stay clean.
    """
    if not sys.stderr.isatty():
        yield lambda _count: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=stderr(), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda count: bar.advance(task, count)
