"""The only module that knows rich, JSON and CSV: data to stdout, messages to stderr.

Consoles are built with markup off, so text from a table is never read as
styling, and rich drops colour by itself when nobody is at the terminal (and
honours NO_COLOR).
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from typing import IO, TYPE_CHECKING, Any

from ddbtool.values import cell_text, json_text

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


def dumps(value: Any, *, indent: int | None = None) -> str:
    """JSON text in which every number keeps every digit (values.json_text)."""
    return json_text(value, indent)


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
    rows: Iterable[Mapping[str, Any]], leading: Sequence[str] = (), stream: IO[str] | None = None
) -> int:
    """CSV of every attribute of every row: the `leading` columns, then the others sorted.

    Nested values are JSON. The header must name attributes that only later rows
    have, so rows go to a temporary file while the columns are collected (each
    row's cells in the order its columns were first seen), and then come out
    under the full header: memory stays flat however many rows, and the table is
    read once. Returns how many rows.
    """
    import tempfile

    out = stream or sys.stdout
    seen: dict[str, int] = {name: position for position, name in enumerate(leading)}
    count = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool:
        spooled = csv.writer(spool)
        for row in rows:
            for name in row:
                seen.setdefault(str(name), len(seen))
            cells = [""] * len(seen)
            for name, value in row.items():
                cells[seen[str(name)]] = cell_text(value)
            spooled.writerow(cells)
            count += 1
        columns = [*leading, *sorted(set(seen) - set(leading))]
        order = [seen[column] for column in columns]
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        spool.seek(0)
        padding = [""] * len(seen)
        for cells in csv.reader(spool):
            cells += padding[len(cells) :]
            writer.writerow([cells[position] for position in order])
    out.flush()
    return count


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
        table.add_row(*(Text(cell_text(value)) for value in row))
        count += 1
    stdout().print(table)
    return count


def print_pairs(pairs: Iterable[tuple[str, Any]], *, title: str | None = None) -> None:
    """A two-column table of field and value."""
    print_table(["field", "value"], pairs, title=title, wrap=["value"])


@contextmanager
def progress(total: int | None, description: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr while the block runs, if stderr is a terminal.

    Yields `advance(n)`; without a terminal it does nothing, so logs stay clean.
    A total of None (not known) shows a moving bar and the count so far.
    """
    if not sys.stderr.isatty():
        yield lambda _count: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TimeRemainingColumn
    from rich.text import Text

    class ItemsPerSecond(ProgressColumn):
        def render(self, task: Any) -> Text:
            return Text(f"{task.speed:,.0f} items/s" if task.speed else "", style="progress.data.speed")

    columns = (
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        ItemsPerSecond(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=stderr(), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda count: bar.advance(task, count)


@contextmanager
def status(description: str) -> Iterator[None]:
    """A spinner and the time so far on stderr while the block runs, if stderr is a terminal."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.progress import Progress, SpinnerColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(), "{task.description}", TimeElapsedColumn(), console=stderr(), transient=True
    ) as bar:
        bar.add_task(description, total=None)
        yield
