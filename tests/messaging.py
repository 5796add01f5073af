"""Messaging test data written straight into a table: users, conversations, messages.

The items come from ddbtool.apps.cruddur.model, so tests read exactly the shapes the app writes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from ddbtool.apps.cruddur.model import User, group_item, message_item, user_item
from ddbtool.tables.admin import load_table
from ddbtool.tables.definition import load_definitions
from ddbtool.values import to_dynamo

from .support import SCHEMAS

ANDREW = User("8f3c1a40-5a55-4c3e-9ea7-3d9f2a3f7c11", "andrewbrown", "Andrew Brown")
BAYKO = User("b1f0e4a2-7c61-4d1b-8a0e-5e2a1c9d3f42", "bayko", "Andrew Bayko")
LONDO = User("c7d2e8b3-1a94-4f6c-9b2d-0e3f5a7c8d61", "londo", "Londo Mollari")
USERS = (ANDREW, BAYKO, LONDO)
# The same people as the app's PostgreSQL users table holds them (db/seed.sql, seeds/cruddur.yaml).
DB_ANDREW = User("cb3ad761-ce99-4a8e-9880-1b908c735e8c", "andrewbrown", "Andrew Brown", "MOCK")
DB_BAYKO = User("3efa2ae0-c1e3-40bc-82ff-aa606de97e0c", "bayko", "Andrew Bayko", "MOCK")
DB_LONDO = User("53918a61-aa9f-4bfc-9ed6-3545f3384b54", "londo", "Londo Mollari", "MOCK")

# Andrew and Bayko talk across New Year: 2022-12-31 23:50 .. 2023-01-01 00:14 UTC, one
# message a minute; Andrew and Londo last spoke on New Year's Eve.
NEW_YEAR_GROUP = "5ae290ed-55d1-47a0-bc6d-fe2bc2700399"
NEW_YEAR_START = datetime(2022, 12, 31, 23, 50, tzinfo=timezone.utc)
NEW_YEAR_MESSAGES = 25
EVE_GROUP = "2d4b6c8e-0a1b-4c3d-8e5f-7a9b0c1d2e3f"
EVE_AT = datetime(2022, 12, 31, 20, 0, tzinfo=timezone.utc)
NO_MESSAGES_GROUP = "00000000-0000-4000-8000-000000000000"
# The table schemas/cruddur-messages.yaml defines; the app itself names none (see project.table_name).
TABLE = "cruddur-messages"


def create_table(client: Any) -> str:
    [spec] = load_definitions([SCHEMAS / "cruddur-messages.yaml"])
    load_table(client, spec)
    return str(spec.name)


def write(client: Any, items: Iterable[dict[str, Any]], table: str = TABLE) -> None:
    batch: list[dict[str, Any]] = []
    for item in items:
        batch.append({"PutRequest": {"Item": to_dynamo(item)}})
        if len(batch) == 25:
            _flush(client, table, batch)
            batch = []
    if batch:
        _flush(client, table, batch)


def _flush(client: Any, table: str, batch: list[dict[str, Any]]) -> None:
    pending: dict[str, Any] = {table: batch}
    while pending:
        pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def message_text(n: int) -> str:
    return f"message {n:03d}"


def conversation(
    a: User, b: User, group: str, texts: Sequence[str], start: datetime, step: timedelta
) -> list[dict[str, Any]]:
    """Messages alternating a, b, ..., and both participants' group items."""
    items = []
    at = start
    for n, text in enumerate(texts):
        sender = a if n % 2 == 0 else b
        items.append(message_item(group, str(uuid.UUID(int=n + 1)), sender, text, at))
        at += step
    last = at - step
    items += [group_item(a, b, group, texts[-1], last), group_item(b, a, group, texts[-1], last)]
    return items


def conversation_items() -> list[dict[str, Any]]:
    """The two conversations spanning New Year, messages and group items."""
    texts = [message_text(n) for n in range(NEW_YEAR_MESSAGES)]
    minute = timedelta(minutes=1)
    return [
        *conversation(ANDREW, BAYKO, NEW_YEAR_GROUP, texts, NEW_YEAR_START, minute),
        *conversation(ANDREW, LONDO, EVE_GROUP, ["Happy New Year!"], EVE_AT, minute),
    ]


def seed(client: Any) -> str:
    """The table with three users and two conversations spanning New Year; returns its name."""
    table = create_table(client)
    write(client, [user_item(u) for u in USERS] + conversation_items())
    return table


# DynamoDB ends a query page at 1 MB: 300 items of ~4 KB need at least two pages.
BIG = 4000
MANY = 300


def big_text(n: int) -> str:
    return f"{n:04d} " + "x" * BIG
