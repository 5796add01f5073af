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
from itertools import islice
from typing import IO, TYPE_CHECKING, Any

from ddbtool.errors import UsageError
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


def emit(
    data: Mapping[str, Any] | Iterable[Any],
    output: str,
    *,
    leading: Sequence[str] = (),
    table: Callable[[Any], object] | None = None,
    query: str | None = None,
    stream: IO[str] | None = None,
) -> int:
    """Print `data` on stdout in the format `output` names; return how many rows were printed.

    `data` is one document (a mapping) or rows (any iterable, read once, each
    printed as it comes, so a long scan streams):

    - json: the document, or the rows as one list;
    - jsonl: one line a row (the document on one line);
    - csv: a header and a line a row, the `leading` columns first, then every
      other column any row has, sorted;
    - table: `table(data)` draws it when given; else a document is a field and
      value table and rows are `item_table`, the `leading` columns first.

    `query`, a JMESPath expression (the AWS CLI's --query), picks from the JSON
    document what to print; it needs json, and is a UsageError otherwise.
    """
    if query is not None:
        if output != "json":
            raise UsageError("--query works on JSON output: add --output json")
        document = data if isinstance(data, Mapping) else list(data)
        _print_json(search(query, document), stream)
        return len(document) if isinstance(document, list) else 1
    if isinstance(data, Mapping):
        if output == "json":
            _print_json(data, stream)
        elif output in ("jsonl", "csv"):
            emit([data], output, leading=leading, stream=stream)
        elif table is not None:
            table(data)
        else:
            print_pairs([*{**{name: data[name] for name in leading if name in data}, **data}.items()])
        return 1
    printed = [0]

    def counted() -> Iterator[Any]:
        for row in data:
            printed[0] += 1
            yield row

    if output == "json":
        _print_json_list(counted(), stream)
    elif output == "jsonl":
        _print_jsonl(counted(), stream)
    elif output == "csv":
        _print_csv(counted(), leading, stream)
    elif table is not None:
        table(counted())
    else:
        item_table(counted(), leading)
    return printed[0]


def check_query(expression: str) -> None:
    """Raise UsageError unless `expression` is a JMESPath expression."""
    from jmespath.exceptions import JMESPathError  # type: ignore[import-untyped]  # botocore's, untyped

    try:
        _compiled(expression)
    except JMESPathError as exc:
        raise UsageError(f"--query {expression!r} is not a JMESPath expression: {_first_line(exc)}") from None


def search(expression: str, document: Any) -> Any:
    """The AWS CLI's --query: what a JMESPath expression picks from a JSON document.

    It sees the document as the JSON output shows it (sets as sorted lists,
    binary as base64 text, numbers with every digit). A bad expression, or a
    function given the wrong type, is a UsageError.
    """
    from jmespath.exceptions import JMESPathError

    try:
        return _compiled(expression).search(_as_json(document))
    except JMESPathError as exc:
        raise UsageError(f"--query {expression!r}: {_first_line(exc)}") from None


@cache
def _compiled(expression: str) -> Any:
    import jmespath  # type: ignore[import-untyped]  # ships with botocore, without type hints

    return jmespath.compile(expression)


def _first_line(exc: Exception) -> str:
    """jmespath's message without the expression and caret it draws on the lines below."""
    return str(exc).splitlines()[0].removesuffix(", for expression:").rstrip(":")


def _as_json(value: Any) -> Any:
    """`value` exactly as the JSON output shows it: read back from that text, numbers as Decimal."""
    import json
    from decimal import Decimal

    return json.loads(json_text(value), parse_float=Decimal)


def _print_json(value: Any, stream: IO[str] | None = None) -> None:
    """One JSON document, indented."""
    out = stream or sys.stdout
    out.write(dumps(value, indent=2) + "\n")
    out.flush()


def _print_json_list(rows: Iterable[Any], stream: IO[str] | None = None) -> None:
    """One JSON list written as its items come (`[`, an item a line, `]`)."""
    out = stream or sys.stdout
    count = 0
    for row in rows:
        out.write(("[\n  " if count == 0 else ",\n  ") + dumps(row))
        count += 1
    out.write("\n]\n" if count else "[]\n")
    out.flush()


def _print_jsonl(rows: Iterable[Any], stream: IO[str] | None = None) -> None:
    """One JSON value a line, written as they come."""
    out = stream or sys.stdout
    for row in rows:
        out.write(dumps(row) + "\n")
    out.flush()


def _print_csv(rows: Iterable[Mapping[str, Any]], leading: Sequence[str], stream: IO[str] | None) -> None:
    """CSV of every attribute of every row: the `leading` columns, then the others sorted.

    Nested values are JSON. The header must name attributes that only later rows
    have, so rows go to a temporary file while the columns are collected (each
    row's cells in the order its columns were first seen), and then come out
    under the full header: memory stays flat however many rows, and the data is
    read once.
    """
    import tempfile

    out = stream or sys.stdout
    seen: dict[str, int] = {name: position for position, name in enumerate(leading)}
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool:
        spooled = csv.writer(spool)
        for row in rows:
            for name in row:
                seen.setdefault(str(name), len(seen))
            cells = [""] * len(seen)
            for name, value in row.items():
                cells[seen[str(name)]] = cell_text(value)
            spooled.writerow(cells)
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


# Rows per rich table when rows stream in: each chunk is drawn as soon as it is read.
_TABLE_CHUNK = 100


def item_table(rows: Iterable[Mapping[str, Any]], leading: Sequence[str] = ()) -> None:
    """Rows as tables of 100: the `leading` columns (an item's key), then every other
    attribute a row of the hundred has, in the order first seen, each value as plain text."""
    chunks = iter(rows)
    while chunk := list(islice(chunks, _TABLE_CHUNK)):
        columns = list(dict.fromkeys([*leading, *(name for row in chunk for name in row)]))
        others = columns[len(leading) :]
        print_table(columns, [[row.get(name) for name in columns] for row in chunk], wrap=others)


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
def status(description: str) -> Iterator[Callable[[str], None]]:
    """A spinner and the time so far on stderr while the block runs, if stderr is a terminal.

    Yields `update(description)`, which changes the text beside the spinner.
    """
    if not sys.stderr.isatty():
        yield lambda _description: None
        return
    from rich.progress import Progress, SpinnerColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(), "{task.description}", TimeElapsedColumn(), console=stderr(), transient=True
    ) as bar:
        task = bar.add_task(description, total=None)
        yield lambda text: bar.update(task, description=text)
