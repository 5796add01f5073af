"""Write a validated seed plan so that running it again always ends in the same table.

Plain items and messages belong to the seed alone: they go through the batch
writer, since BatchWriteItem replaces an item whole and the same files give the
same items. Two kinds share their items with other commands, and are written so
that a re-run converges instead of undoing their work:

- a user item gets an UpdateItem of the attributes the seed gives, so the
  `cognito_user_id` that `update-cognito-ids` wrote survives a seed without one;
- a conversation's group items sit at the time of its last message, which the
  stream moves on as messages arrive: each participant ends with exactly one group
  item, at the seed's last message or a newer one (groups.converge_groups).

Messages go first and group items last, so a group never names a message that
is not yet written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ddbtool.apps.cruddur.inbox import converge_groups
from ddbtool.items.batch import RetryPolicy, write_each, write_items
from ddbtool.values import to_dynamo

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from ddbtool.items.seedfile import SeedItem, SeedPlan


@dataclass(frozen=True)
class SeedResult:
    items: int
    kept_newer: int  # group items left at a newer message than the seed's last


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
    kept_newer = 0
    for table in plan.tables():
        seeds = [seed for seed in plan.items if seed.table == table]
        kept_newer += _seed_table(client, table, seeds, plan.keys[table].names, options)
    return SeedResult(len(plan.items), kept_newer)


def _seed_table(
    client: DynamoDBClient, table: str, seeds: list[SeedItem], key: Sequence[str], options: dict[str, Any]
) -> int:
    plain = [seed.item for seed in seeds if seed.kind in ("message", "item")]
    write_items(client, table, plain, key, **options)

    users = [[seed.item] for seed in seeds if seed.kind == "user"]
    write_each(table, users, lambda unit: update_attributes(client, table, unit[0], key), key, **options)

    conversations: dict[str, list[Mapping[str, Any]]] = {}
    for seed in seeds:
        if seed.kind == "group":
            conversations.setdefault(seed.item["message_group_uuid"], []).append(seed.item)
    units = list(conversations.values())
    return sum(write_each(table, units, lambda unit: converge_groups(client, table, unit), key, **options))


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
