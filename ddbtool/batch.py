"""Write many items with BatchWriteItem: 25 a call, retried until every one lands.

DynamoDB may write only part of a batch (UnprocessedItems) or refuse a call when
it throttles; both are retried with exponential backoff and full jitter. A batch
gives up after `RetryPolicy.max_stalls` calls in a row that write nothing, and
the error names every key that was not written. A few batches go in parallel
(boto3 clients are thread-safe); no two items share a key, so the order in
which batches land does not change the result.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ddbtool.errors import DdbtoolError
from ddbtool.items import from_dynamo, to_dynamo

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

BATCH_SIZE = 25  # BatchWriteItem's limit on requests per call
THROTTLING = frozenset(
    {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"}
)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter: sleep a random time up to base * 2^retry, capped."""

    max_stalls: int = 10
    base_seconds: float = 0.05
    cap_seconds: float = 5.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    jitter: Callable[[float, float], float] = field(default=random.uniform, compare=False)

    def ceiling(self, retry: int) -> float:
        """The longest pause before retry number `retry` (1 is the first)."""
        return float(min(self.cap_seconds, self.base_seconds * 2 ** (retry - 1)))

    def pause(self, retry: int) -> None:
        self.sleep(self.jitter(0.0, self.ceiling(retry)))


class UnwrittenItemsError(DdbtoolError):
    """Some items were still not written when the retry bound was hit."""

    def __init__(self, table: str, keys: Sequence[Mapping[str, Any]], reason: str) -> None:
        self.table = table
        self.keys = list(keys)
        shown = "; ".join(_show_key(key) for key in self.keys[:5])
        more = f" and {len(self.keys) - 5} more" if len(self.keys) > 5 else ""
        super().__init__(
            f"{len(self.keys)} items were not written to {table} ({reason}): {shown}{more}; "
            "run the command again when the table accepts writes (seeding is idempotent)"
        )


def write_items(
    client: DynamoDBClient,
    table: str,
    items: Sequence[Mapping[str, Any]],
    key: Sequence[str],
    *,
    on_progress: Callable[[int], None] | None = None,
    concurrency: int = 4,
    policy: RetryPolicy | None = None,
) -> int:
    """Put every item (plain values) into `table`; return how many were written.

    `key` names the table's key attributes; two items with the same key are an
    error, since which one won would depend on timing. `on_progress(n)` is called
    (one call at a time, from worker threads) as each group of n items lands.
    Raises UnwrittenItemsError naming the keys not written once a batch stalls
    `policy.max_stalls` times in a row; other AWS errors propagate.
    """
    policy = policy or RetryPolicy()
    _refuse_duplicate_keys(items, key)
    batches = [
        [{"PutRequest": {"Item": to_dynamo(item)}} for item in items[start : start + BATCH_SIZE]]
        for start in range(0, len(items), BATCH_SIZE)
    ]
    lock = threading.Lock()
    stop = threading.Event()

    def written(count: int) -> None:
        if on_progress and count:
            with lock:
                on_progress(count)

    def run(batch: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
        if stop.is_set():
            return batch, "not attempted after an earlier batch failed"
        left, reason = _write_batch(client, table, batch, policy, written)
        if left:
            stop.set()
        return left, reason

    unwritten: list[dict[str, Any]] = []
    reasons: list[str] = []
    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="ddbtool-write") as pool:
        futures = [pool.submit(run, batch) for batch in batches]
        try:
            for future in as_completed(futures):
                left, reason = future.result()
                unwritten.extend(left)
                if left:
                    reasons.append(reason)
        except BaseException:
            stop.set()
            raise
    if unwritten:
        keys = [{name: request["PutRequest"]["Item"][name] for name in key} for request in unwritten]
        raise UnwrittenItemsError(table, [from_dynamo(k) for k in keys], reasons[0])
    return len(items)


def _write_batch(
    client: DynamoDBClient,
    table: str,
    requests: list[dict[str, Any]],
    policy: RetryPolicy,
    written: Callable[[int], None],
) -> tuple[list[dict[str, Any]], str]:
    """Write one batch until done; return what is left (empty when done) and why."""
    from botocore.exceptions import ClientError

    pending = requests
    retries = stalls = 0
    while True:
        try:
            response = client.batch_write_item(RequestItems={table: pending})  # type: ignore[dict-item]
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code not in THROTTLING:
                raise
            left, reason = pending, f"{code} {stalls + 1} times in a row"
        else:
            left = list(response.get("UnprocessedItems", {}).get(table, []))  # type: ignore[arg-type]
            reason = f"still unprocessed after {stalls + 1} tries in a row"
            written(len(pending) - len(left))
        if not left:
            return [], ""
        stalls = stalls + 1 if len(left) == len(pending) else 0
        if stalls >= policy.max_stalls:
            return left, reason
        retries += 1
        policy.pause(retries)
        pending = left


def _refuse_duplicate_keys(items: Sequence[Mapping[str, Any]], key: Sequence[str]) -> None:
    seen: set[tuple[str, ...]] = set()
    for item in items:
        values = tuple(repr(item.get(name)) for name in key)
        if values in seen:
            raise DdbtoolError(f"two items share the key {_show_key({n: item.get(n) for n in key})}")
        seen.add(values)


def _show_key(key: Mapping[str, Any]) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in key.items())
