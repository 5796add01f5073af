"""Read a whole table page by page, as plain items, without holding it in memory.

Pages come from botocore's paginator, which follows LastEvaluatedKey whatever
ended a page (the 1 MB limit, Limit, or a filter). Each segment (one, unless
the scan is parallel) is read in a thread of its own, ahead of the reader
(unless a limit may make the next page unneeded), so
that the next page's round trip overlaps writing out this one; the threads hand
pages over through a bounded queue, so at most two pages per segment are held
at any time.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from ddbtool.errors import UsageError
from ddbtool.items.keys import TableKeys
from ddbtool.tables.live import require
from ddbtool.values import from_dynamo

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import PaginatorConfigTypeDef

Page = dict[str, Any]  # one Scan or Query answer: Items, Count, LastEvaluatedKey


@dataclass
class Scan:
    """A scan under way: the key attributes of what is read, and the items as they come."""

    table: str
    key: tuple[str, ...]
    items: Iterator[dict[str, Any]]


def scan(
    client: DynamoDBClient,
    table: str,
    *,
    index: str | None = None,
    consistent: bool = False,
    segments: int = 1,
    limit: int | None = None,
    page_size: int | None = None,
) -> Scan:
    """Start scanning `table` (or one of its indexes); items come as plain values.

    `limit` caps the total number of items; `page_size` is the Limit of each
    Scan call; `segments` > 1 is a parallel scan. Raises NotFoundError for a
    missing table and UsageError for an unknown index or impossible options.
    """
    if segments < 1:
        raise UsageError("--segments must be 1 or more")
    if limit is not None and limit < 1:
        raise UsageError("--limit must be 1 or more")
    key = TableKeys.from_live(require(client, table)).key_of(index, consistent=consistent).names
    params: dict[str, Any] = {"TableName": table, "ConsistentRead": consistent}
    if index:
        params["IndexName"] = index
    if limit is not None:
        page_size = min(limit, page_size or limit)
    if segments == 1 and limit is not None:
        found = pages(client, "scan", params, page_size)  # no page read that may not be needed
    elif segments == 1:
        # A thread reads the next page while this one is written out: the round trip and
        # the server's work overlap the client's, as the segments of a parallel scan do.
        found = interleave([lambda: pages(client, "scan", params, page_size)])
    else:
        found = parallel_pages(client, params, segments, page_size)
    return Scan(table, key, items_of(found, limit))


def items_of(pages: Iterator[Page], limit: int | None) -> Iterator[dict[str, Any]]:
    """The items of every page as plain values, stopping after `limit`."""
    count = 0
    try:
        for page in pages:
            for item in page.get("Items", []):
                if limit is not None and count >= limit:
                    return
                count += 1
                yield from_dynamo(item)
            if limit is not None and count >= limit:
                return
    finally:
        close = getattr(pages, "close", None)
        if close:
            close()


def pages(
    client: DynamoDBClient, operation: Literal["scan", "query"], params: dict[str, Any], page_size: int | None
) -> Iterator[Page]:
    """Every page of a Scan or Query, through botocore's paginator."""
    paginator = client.get_paginator(operation)
    config: PaginatorConfigTypeDef = {"PageSize": page_size} if page_size else {}
    yield from paginator.paginate(**params, PaginationConfig=config)  # type: ignore[misc]


_DONE = object()
T = TypeVar("T")


def parallel_pages(
    client: DynamoDBClient, params: dict[str, Any], segments: int, page_size: int | None
) -> Iterator[Page]:
    """Every page of a parallel Scan with `segments` segments, in the order they arrive."""

    def segment(number: int) -> Callable[[], Iterator[Page]]:
        return lambda: pages(
            client, "scan", {**params, "Segment": number, "TotalSegments": segments}, page_size
        )

    return interleave([segment(n) for n in range(segments)])


def interleave(sources: Sequence[Callable[[], Iterator[T]]]) -> Iterator[T]:
    """What every source yields, each source read in its own thread, in the order values arrive.

    A bounded queue holds at most two values per source, so memory stays flat
    however fast the sources are. The first error in a source is raised to the
    reader; when the reader stops (an error, Ctrl-C, or it closes the iterator),
    the sources stop after the value they are working on.
    """
    handoff: queue.Queue[Any] = queue.Queue(maxsize=2 * len(sources))
    stop = threading.Event()

    def put(value: Any) -> bool:
        while not stop.is_set():
            try:
                handoff.put(value, timeout=0.1)
            except queue.Full:
                continue
            return True
        return False

    def run(source: Callable[[], Iterator[T]]) -> None:
        try:
            for value in source():
                if not put(value):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the reader, which raises it
            put(exc)

    threads = [
        threading.Thread(target=run, args=(source,), name=f"ddbtool-scan-{n}", daemon=True)
        for n, source in enumerate(sources)
    ]
    for thread in threads:
        thread.start()
    finished = 0
    try:
        while finished < len(sources):
            value = handoff.get()
            if value is _DONE:
                finished += 1
            elif isinstance(value, BaseException):
                raise value
            else:
                yield value
    finally:
        stop.set()
        for thread in threads:
            thread.join()
