"""Write many items with BatchWriteItem: 25 a call, retried until every one lands.

DynamoDB may write only part of a batch (UnprocessedItems), refuse a call when
it throttles, or fail one with a server error, a dropped connection or a time-out
(after botocore's own retries). All of these are retried with exponential backoff
and full jitter: a batch of puts is idempotent, so writing an item again whose
first answer was lost changes nothing. A batch gives up after
`RetryPolicy.max_stalls` calls in a row that write nothing, and the error names
how many keys were not written and the first few. Batches go in parallel (boto3
clients are thread-safe), as many at once as their `Pace` allows (pace.py:
adaptive unless fixed, optionally under a write capacity budget); no two items
share a key, so the order in which batches land does not change the result.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ddbtool.errors import DdbtoolError, transient
from ddbtool.items.pace import Pace
from ddbtool.limits import item_size, require_valid_items
from ddbtool.values import from_dynamo, to_dynamo

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

BATCH_SIZE = 25  # requests per BatchWriteItem call
MAX_BATCH_REQUESTS = 25  # DynamoDB's limit on them (moto takes more, so ddbtool keeps to it itself)
MAX_TRANSACTION_ACTIONS = 100  # DynamoDB's limit on the actions of one TransactWriteItems
INTERRUPTED = "interrupted"
NOT_ATTEMPTED = "not attempted after an earlier write failed"
T = TypeVar("T")


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
        self.table, self.reason = table, reason
        self.keys = list(keys)
        shown = "; ".join(show_key_values(key) for key in self.keys[:5])
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
    pace: Pace | None = None,
    policy: RetryPolicy | None = None,
    checked: bool = False,
    stop: threading.Event | None = None,
) -> int:
    """Put every item (plain values) into `table`; return how many were written.

    `key` names the table's key attributes; two items with the same key are an
    error, since which one won would depend on timing. `on_progress(n)` is called
    (one call at a time, from worker threads) as each group of n items lands.
    `pace` (default: adaptive, no budget) may be shared by several calls, so
    that what it learnt carries over. Raises UsageError, before anything is
    written, for an item DynamoDB would refuse (`checked`: the caller has
    already checked every item with `item_problems`, so it is not done twice); UnwrittenItemsError naming the
    keys not written once a batch stalls `policy.max_stalls` times in a row;
    other AWS errors propagate. `stop`, shared with writes running beside this
    one, is set when any of them fails or is interrupted: then none starts a call.
    """
    policy, pace = policy or RetryPolicy(), pace or Pace()
    _refuse_duplicate_keys(items, key)
    if not checked:
        require_valid_items(items, dict.fromkeys(key, ""), key)
    batches = [list(items[start : start + BATCH_SIZE]) for start in range(0, len(items), BATCH_SIZE)]
    written = _serialised(on_progress)

    def write(batch: list[Mapping[str, Any]], stop: threading.Event) -> tuple[list[Mapping[str, Any]], str]:
        return _write_batch(client, table, batch, Attempts(policy, pace, written, stop))

    _run_all(table, batches, write, key, pace.workers, stop)
    return len(items)


def write_each(
    table: str,
    units: Sequence[Sequence[Mapping[str, Any]]],
    write: Callable[[Sequence[Mapping[str, Any]]], T],
    key: Sequence[str],
    *,
    on_progress: Callable[[int], None] | None = None,
    pace: Pace | None = None,
    policy: RetryPolicy | None = None,
    stop: threading.Event | None = None,
) -> list[T]:
    """Apply `write` to each unit of items (one item, or items an app writes together), a few at once.

    `write` must be idempotent: after throttling, a server error, a dropped
    connection or a time-out it is called again, with backoff, up to
    `policy.max_stalls` times in a row. Returns what each call returned, in
    order; raises UnwrittenItemsError naming the items of every unit not done.
    `stop` is shared as write_items shares it.
    """
    policy, pace = policy or RetryPolicy(), pace or Pace()
    written = _serialised(on_progress)
    results: dict[int, T] = {}

    def attempt(unit: list[Mapping[str, Any]], stop: threading.Event) -> tuple[list[Mapping[str, Any]], str]:
        units = sum(write_units(item) for item in unit) if pace.budget else 0.0
        for retry in range(1, policy.max_stalls + 1):
            try:
                with pace.call(units) as call:
                    results[id(unit)] = write(unit)
                    call.written = len(unit)
            except Exception as exc:
                failure = transient(exc)
                if failure is None:
                    raise
                if retry == policy.max_stalls:
                    return unit, f"{failure} {retry} times in a row"
                if stop.is_set():
                    return unit, INTERRUPTED
                policy.pause(retry)
                continue
            written(len(unit))
            return [], ""
        return unit, "no attempt"  # max_stalls < 1

    lists = [list(unit) for unit in units]
    _run_all(table, lists, attempt, key, pace.workers, stop)
    return [results[id(unit)] for unit in lists]


Work = Callable[[list[Mapping[str, Any]], threading.Event], tuple[list[Mapping[str, Any]], str]]


def _run_all(
    table: str,
    units: list[list[Mapping[str, Any]]],
    work: Work,
    key: Sequence[str],
    workers: int,
    stop: threading.Event | None = None,
) -> None:
    """Run `work(unit, stop)` on every unit in `workers` threads; it returns the items left and why.

    After a unit is left unfinished, an error, or Ctrl-C, `stop` is set (here or by
    writes sharing it): calls under way finish, no new one starts. Then
    UnwrittenItemsError names every item left.
    """
    stop = stop or threading.Event()

    def run(unit: list[Mapping[str, Any]]) -> tuple[list[Mapping[str, Any]], str]:
        if stop.is_set():
            return unit, NOT_ATTEMPTED
        try:
            left, reason = work(unit, stop)
        except BaseException:
            stop.set()
            raise
        if left:
            stop.set()
        return left, reason

    unwritten: list[Mapping[str, Any]] = []
    reasons: list[str] = []
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="ddbtool-write") as pool:
        futures = [pool.submit(run, unit) for unit in units]
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
        keys = [{name: item[name] for name in key} for item in unwritten]
        raise UnwrittenItemsError(table, keys, cause_of(reasons))


def cause_of(reasons: Sequence[str]) -> str:
    """Why items were left, of the reasons each write gives: the first that is not another's stop."""
    return next((reason for reason in reasons if reason not in (NOT_ATTEMPTED, INTERRUPTED)), reasons[0])


def one_failure(table: str, failures: Sequence[BaseException]) -> BaseException:
    """What to raise when writes sharing a stop failed: Ctrl-C first, then a cause (not a
    write another one stopped), else every item not written, named at once."""
    interrupted = [exc for exc in failures if isinstance(exc, KeyboardInterrupt)]
    causes = [exc for exc in failures if not isinstance(exc, UnwrittenItemsError)]
    if interrupted or causes:
        return (interrupted or causes)[0]
    unwritten = [exc for exc in failures if isinstance(exc, UnwrittenItemsError)]
    reason = cause_of([exc.reason for exc in unwritten])
    return UnwrittenItemsError(table, [key for exc in unwritten for key in exc.keys], reason)


def _serialised(on_progress: Callable[[int], None] | None) -> Callable[[int], None]:
    """`on_progress`, called one call at a time from worker threads, and never with 0."""
    lock = threading.Lock()

    def written(count: int) -> None:
        if on_progress and count:
            with lock:
                on_progress(count)

    return written


@dataclass(frozen=True)
class Attempts:
    """What every batch of one write shares: its retries, its pace, progress, and the stop signal."""

    policy: RetryPolicy
    pace: Pace
    written: Callable[[int], None]
    stop: threading.Event


def write_units(item: Mapping[str, Any]) -> int:
    """The write capacity units a put of `item` consumes: one per KB, rounded up."""
    return -(-item_size(item) // 1024) or 1


def _write_batch(
    client: DynamoDBClient, table: str, items: list[Mapping[str, Any]], attempts: Attempts
) -> tuple[list[Mapping[str, Any]], str]:
    """Write one batch until done; return the items left (none when done) and why.

    Stops early, with what is left, once `stop` is set (another batch failed, or
    the user pressed Ctrl-C): a call under way is finished, none is started.
    """
    policy, pace, written, stop = attempts.policy, attempts.pace, attempts.written, attempts.stop
    pending: list[dict[str, Any]] = [{"PutRequest": {"Item": to_dynamo(item)}} for item in items]
    assert len(pending) <= MAX_BATCH_REQUESTS, f"{len(pending)} requests in one BatchWriteItem"
    # With a budget, each call reserves its estimate and DynamoDB's report corrects it.
    unit_cost = sum(write_units(item) for item in items) / len(items) if pace.budget and items else 0.0
    extra: dict[str, Any] = {"ReturnConsumedCapacity": "TOTAL"} if pace.budget else {}
    retries = stalls = 0
    while True:
        with pace.call(unit_cost * len(pending)) as call:
            try:
                response = client.batch_write_item(RequestItems={table: pending}, **extra)  # type: ignore[dict-item]
            except Exception as exc:
                failure = transient(exc)
                if failure is None:
                    raise
                call.throttled = True
                left, reason = pending, f"{failure} {stalls + 1} times in a row"
            else:
                left = list(response.get("UnprocessedItems", {}).get(table, []))  # type: ignore[arg-type]
                reason = f"still unprocessed after {stalls + 1} tries in a row"
                call.written, call.throttled = len(pending) - len(left), bool(left)
                call.consumed = consumed_units(response, table)
                written(call.written)
        if not left:
            return [], ""
        stalls = stalls + 1 if len(left) == len(pending) else 0
        if stalls >= policy.max_stalls or stop.is_set():
            plain: list[Mapping[str, Any]] = [from_dynamo(r["PutRequest"]["Item"]) for r in left]
            return plain, reason if stalls >= policy.max_stalls else INTERRUPTED
        retries += 1
        policy.pause(retries)
        pending = left


def consumed_units(response: Mapping[str, Any], table: str) -> float | None:
    """The write capacity a BatchWriteItem consumed on `table`, as DynamoDB reports it (None if not)."""
    for entry in response.get("ConsumedCapacity") or []:
        if entry.get("TableName") == table and "CapacityUnits" in entry:
            return float(entry["CapacityUnits"])
    return None


def transaction_actions(actions: list[T]) -> list[T]:
    """The actions of one TransactWriteItems call, once they are within DynamoDB's limit."""
    assert len(actions) <= MAX_TRANSACTION_ACTIONS, f"{len(actions)} actions in one TransactWriteItems"
    return actions


def _refuse_duplicate_keys(items: Sequence[Mapping[str, Any]], key: Sequence[str]) -> None:
    seen: set[tuple[str, ...]] = set()
    for item in items:
        values = tuple(repr(item.get(name)) for name in key)
        if values in seen:
            raise DdbtoolError(f"two items share the key {show_key_values({n: item.get(n) for n in key})}")
        seen.add(values)


def show_key_values(key: Mapping[str, Any]) -> str:
    """`pk='a', sk='b'`: a key as people read it in a message."""
    return ", ".join(f"{name}={value!r}" for name, value in key.items())
