"""Read a table's stream through the DynamoDB Streams API: every shard, every record.

`read_stream` yields batches of records. With `follow=False` it drains what is
there and stops; with `follow=True` it keeps polling (and picks up new shards)
until `should_stop()` says so. It always starts at TRIM_HORIZON: the handler it
feeds is idempotent, so replaying the last 24 hours is harmless.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from ddbtool.errors import DdbtoolError

# An open shard may answer an empty page before its records ("it might take multiple
# calls to get to a portion of the shard that contains stream records"): a drain ends
# on a shard only after this many empty pages in a row.
EMPTY_PAGES_AT_TIP = 3
RECORDS_PER_CALL = 1000


def shard_ids(streams: Any, arn: str) -> list[str]:
    """Every shard of the stream, parents before children, every page of DescribeStream."""
    shards: list[dict[str, Any]] = []
    start: dict[str, str] = {}
    while True:
        description = streams.describe_stream(StreamArn=arn, **start)["StreamDescription"]
        shards.extend(description.get("Shards", []))
        last = description.get("LastEvaluatedShardId")
        if not last:
            break
        start = {"ExclusiveStartShardId": last}
    known = {s["ShardId"] for s in shards}
    roots = [s["ShardId"] for s in shards if s.get("ParentShardId") not in known]
    children = [s["ShardId"] for s in shards if s.get("ParentShardId") in known]
    return roots + children


def read_stream(
    streams: Any,
    arn: str,
    *,
    follow: bool = False,
    should_stop: Callable[[], bool] = lambda: False,
    poll_seconds: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[list[dict[str, Any]]]:
    """Batches of stream records, shard by shard; see the module's docstring."""
    iterators: dict[str, str | None] = {}
    empty_pages: dict[str, int] = {}
    while not should_stop():
        for shard in shard_ids(streams, arn):
            if shard not in iterators:
                iterators[shard] = streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
                empty_pages[shard] = 0
        live = [s for s, it in iterators.items() if it and (follow or empty_pages[s] < EMPTY_PAGES_AT_TIP)]
        if not live:
            if not follow:
                return
            sleep(poll_seconds)
            continue
        got_any = False
        for shard in live:
            iterator = iterators[shard]
            try:
                page = streams.get_records(ShardIterator=iterator, Limit=RECORDS_PER_CALL)
            except streams.exceptions.ExpiredIteratorException:
                raise DdbtoolError("the stream iterator expired; run stream-sync again") from None
            iterators[shard] = page.get("NextShardIterator")  # None once a closed shard is read
            records = page.get("Records", [])
            empty_pages[shard] = 0 if records else empty_pages[shard] + 1
            if records:
                got_any = True
                yield records
            if should_stop():
                return
        if follow and not got_any:
            sleep(poll_seconds)
