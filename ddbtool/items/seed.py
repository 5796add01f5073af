"""Write a validated seed plan so that running it again always ends in the same table.

Plain items, and the kinds of app items an app names as batched, belong to the
seed alone: they go through the batch writer, since BatchWriteItem replaces an
item whole and the same files give the same items. An app's other items are
written by the app (`App.write_seeds`), which may converge with what its other
commands wrote rather than replace it. Such writes take round trips one after
another (a read, then a write), so they run in a thread beside the batches, not
after them, with calls in flight of their own (`Pace.beside`); a failure or
Ctrl-C in either stops both (a shared stop signal).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from ddbtool.apps import installed
from ddbtool.errors import Interrupted
from ddbtool.items.batch import RetryPolicy, one_failure, write_items
from ddbtool.items.pace import Pace
from ddbtool.items.seedfile import PLAIN_KIND
from ddbtool.tables.live import require
from ddbtool.values import to_dynamo

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from ddbtool.items.seedfile import SeedItem, SeedPlan


@dataclass(frozen=True)
class SeedWrite:
    """What `write_seeds` is given: the app's seed items of one table and how to write them."""

    client: DynamoDBClient
    table: str
    seeds: Sequence[SeedItem]
    key: Sequence[str]
    # on_progress, pace, policy and stop, as the batch writer takes them. write_seeds
    # runs while the batched items are written, so it must not read them.
    options: Mapping[str, Any]


@dataclass(frozen=True)
class SeedResult:
    items: int
    seconds: float | None = None  # None: nothing was written (the dry run)
    notes: list[str] = field(default_factory=list)  # what the apps' writers want said


class SeedExecutor(Protocol):
    """One way to carry out a seed plan: write it, or (the dry run) only report it."""

    def __call__(
        self,
        client: DynamoDBClient,
        plan: SeedPlan,
        *,
        on_start: Callable[[list[str]], None],
        on_progress: Callable[[int], None],
        pace: Pace,
    ) -> SeedResult: ...


def check_seed(client: DynamoDBClient, plan: SeedPlan, **_: Any) -> SeedResult:
    """The dry run: the plan is already valid, so report it and write nothing."""
    return SeedResult(len(plan.items))


def write_seed(
    client: DynamoDBClient,
    plan: SeedPlan,
    *,
    on_start: Callable[[list[str]], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    pace: Pace | None = None,
    policy: RetryPolicy | None = None,
) -> SeedResult:
    """Write every item of `plan`; see the module's docstring.

    Checks first that every table exists, then calls `on_start(tables)`. Raises
    UnwrittenItemsError at the retry bound, and Interrupted on Ctrl-C saying how
    many items were written.
    """
    tables = plan.tables()
    for table in tables:
        require(client, table)
    if on_start is not None:
        on_start(tables)
    done = [0]

    counting = threading.Lock()

    def landed(count: int) -> None:  # from the batches' threads and the apps' at once
        with counting:
            done[0] += count
            if on_progress is not None:
                on_progress(count)

    # One pace for every table and kind: what it learns carries over.
    options: dict[str, Any] = {
        "on_progress": landed,
        "pace": pace or Pace(),
        "policy": policy,
        "stop": threading.Event(),
    }
    notes: list[str] = []
    started = time.perf_counter()
    try:
        for table in tables:
            seeds = [seed for seed in plan.items if seed.table == table]
            notes += _seed_table(client, table, seeds, plan.keys[table].names, options)
    except KeyboardInterrupt:
        raise Interrupted(
            f"interrupted: {done[0]} of {len(plan.items)} items written; "
            "run the same command again to complete it (seeding is idempotent)"
        ) from None
    return SeedResult(len(plan.items), time.perf_counter() - started, notes)


def _seed_table(
    client: DynamoDBClient, table: str, seeds: list[SeedItem], key: Sequence[str], options: dict[str, Any]
) -> list[str]:
    batched = {PLAIN_KIND, *(kind for app in installed() for kind in app.seed_batch_kinds)}
    items = [seed.item for seed in seeds if seed.kind in batched or seed.by_entity]
    writes = []
    for app in installed():
        own = [
            seed
            for seed in seeds
            if seed.kind in app.seed_kinds and seed.kind not in batched and not seed.by_entity
        ]
        if own and app.write_seeds is not None:
            beside = {**options, "pace": options["pace"].beside()}
            writes.append(partial(app.write_seeds, SeedWrite(client, table, own, key, beside)))
    failures: list[BaseException] = []
    notes: list[str] = []
    with ThreadPoolExecutor(max_workers=max(1, len(writes)), thread_name_prefix="ddbtool-app") as pool:
        running = [pool.submit(write) for write in writes]
        try:
            write_items(client, table, items, key, **options, checked=True)  # load_seeds checked them
        except BaseException as exc:
            options["stop"].set()  # the apps' writes start no new call; the pool waits for them
            failures.append(exc)
        for future in running:
            try:
                notes += future.result()
            except BaseException as exc:  # the app's failure, or Ctrl-C while waiting for it
                options["stop"].set()
                failures.append(exc)
    if failures:
        raise one_failure(table, failures)
    return notes


def update_attributes(
    client: DynamoDBClient, table: str, item: Mapping[str, Any], key: Sequence[str]
) -> None:
    """Create the item or set the attributes it gives, leaving every other attribute alone."""
    names = [name for name in item if name not in key]
    if not names:
        client.put_item(TableName=table, Item=to_dynamo(item))
        return
    client.update_item(
        TableName=table,
        Key=to_dynamo({name: item[name] for name in key}),
        UpdateExpression="SET " + ", ".join(f"#a{n} = :a{n}" for n in range(len(names))),
        ExpressionAttributeNames={f"#a{n}": name for n, name in enumerate(names)},
        ExpressionAttributeValues=to_dynamo({f":a{n}": item[name] for n, name in enumerate(names)}),
    )
