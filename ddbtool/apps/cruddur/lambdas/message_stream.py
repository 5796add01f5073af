"""Lambda entry point for pattern E: `ddbtool.apps.cruddur.lambdas.message_stream.handler`.

Attach it to the table's stream (NEW_IMAGE). Every record of every batch is
read; each new message moves its conversation's group items (see
ddbtool.apps.cruddur.inbox). Replays and out-of-order records never move a group
backwards, so Lambda's at-least-once delivery is safe. An error fails the
batch, and Lambda retries it.

The table comes from each record's event source ARN, or from TABLE_NAME.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Mapping
from functools import cache
from typing import Any

from ddbtool.apps.cruddur.inbox import apply_records
from ddbtool.aws import chain_client


@cache
def _client() -> Any:
    # Built on the first invocation and reused by the warm container; never at import.
    return chain_client("dynamodb")


def table_of(record: Mapping[str, Any]) -> str:
    """`arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL` -> NAME."""
    arn = str(record.get("eventSourceARN", ""))
    if ":table/" in arn:
        return arn.split(":table/", 1)[1].split("/", 1)[0]
    name = os.environ.get("TABLE_NAME")
    if not name:
        raise ValueError("a record has no eventSourceARN; set TABLE_NAME")
    return name


def handler(event: Mapping[str, Any], context: Any = None, client: Any = None) -> dict[str, int]:
    """Apply every record of a stream batch; return counts for the logs."""
    records = event.get("Records", [])
    by_table: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for record in records:
        by_table[table_of(record)].append(record)
    dynamodb = client or _client()
    moved = sum(len(apply_records(dynamodb, table, batch)) for table, batch in by_table.items())
    return {"records": len(records), "groups_moved": moved}
