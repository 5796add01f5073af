"""Write a validated seed plan so that running it again always ends in the same table.

Plain items belong to the seed alone: they go through the batch writer, since
BatchWriteItem replaces an item whole and the same files give the same items.
An app's items are written by the app (`App.write_seeds`), which may converge
with what its other commands wrote rather than replace it; plain items go first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ddbtool.apps import SeedWrite, installed
from ddbtool.items.batch import RetryPolicy, write_items
from ddbtool.items.seedfile import PLAIN_KIND
from ddbtool.values import to_dynamo

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from ddbtool.items.seedfile import SeedItem, SeedPlan


@dataclass(frozen=True)
class SeedResult:
    items: int
    notes: list[str] = field(default_factory=list)  # what the apps' writers want said


def write_seed(
    client: DynamoDBClient,
    plan: SeedPlan,
    *,
    on_progress: Callable[[int], None] | None = None,
    concurrency: int = 4,
    policy: RetryPolicy | None = None,
) -> SeedResult:
    """Write every item of `plan`; see the module's docstring. Raises UnwrittenItemsError at the bound."""
    options: dict[str, Any] = {"on_progress": on_progress, "concurrency": concurrency, "policy": policy}
    notes: list[str] = []
    for table in plan.tables():
        seeds = [seed for seed in plan.items if seed.table == table]
        notes += _seed_table(client, table, seeds, plan.keys[table].names, options)
    return SeedResult(len(plan.items), notes)


def _seed_table(
    client: DynamoDBClient, table: str, seeds: list[SeedItem], key: Sequence[str], options: dict[str, Any]
) -> list[str]:
    plain = [seed.item for seed in seeds if seed.kind == PLAIN_KIND]
    write_items(client, table, plain, key, **options)
    notes: list[str] = []
    for app in installed():
        own = [seed for seed in seeds if seed.kind in app.seed_kinds]
        if own and app.write_seeds is not None:
            notes += app.write_seeds(SeedWrite(client, table, own, key, options))
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
