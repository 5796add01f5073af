"""Items and helpers the export and import tests share."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

from ddbtool.items.dumpfile import typed_from_json
from ddbtool.values import to_dynamo

# Every kind of value, reserved words as attribute names, and numbers at DynamoDB's edges.
RICH_ITEM: dict[str, Any] = {
    "pk": "THING#rich",
    "sk": "META",
    "name": "reserved words as names",
    "status": "ok",
    "size": Decimal("12345678901234567890123456789012345678"),
    "tiny": Decimal("-0.00000000000000000000000000000000000000000000000000000000001"),
    "ratio": Decimal("12345678901234567890.123456789"),
    "zero": Decimal("0"),
    "tags": {"blue", "green", "a,b"},
    "scores": {Decimal("1.5"), Decimal("-2"), Decimal("99999999999999999999999999999999999999")},
    "blobs": {b"\x00\x01", b"\xff", b"plain"},
    "data": b"\x00\xff\x10binary",
    "nothing": None,
    "yes": True,
    "no": False,
    "nested": {
        "list": [Decimal(1), "two", {"three": [None, False, {"deep": {"x"}}]}],
        "map": {"deeper": {"deepest": b"\x01"}},
        "empty list": [],
        "empty map": {},
    },
    "text": 'héllo ✓ "quoted" \\ back\nnew line',
}


def typed_client_form(item: Mapping[str, Any]) -> dict[str, Any]:
    """The typed form a low-level client returns (binary as bytes), by way of typed JSON."""
    text = json.dumps(to_dynamo(item), default=lambda binary: base64.b64encode(bytes(binary)).decode())
    return {name: typed_from_json(value) for name, value in json.loads(text).items()}


def numbered_items(count: int, start: int = 0) -> Iterable[dict[str, Any]]:
    """`count` plain items with distinct keys and a little of every scalar type."""
    for n in range(start, start + count):
        yield {
            "pk": f"ITEM#{n:07d}",
            "sk": "META",
            "n": Decimal(n),
            "price": Decimal(f"{n}.25"),
            "label": f"item number {n}",
            "odd": n % 2 == 1,
        }


def fast_put(client: Any, table: str, items: Iterable[Mapping[str, Any]], threads: int = 4) -> int:
    """The tests' own seeding: BatchWriteItem, 25 a call, a few calls at once, unprocessed items resent."""
    batches: list[list[dict[str, Any]]] = []
    for item in items:
        if not batches or len(batches[-1]) == 25:
            batches.append([])
        batches[-1].append({"PutRequest": {"Item": to_dynamo(item)}})

    def put(batch: list[dict[str, Any]]) -> int:
        pending = batch
        while pending:
            response = client.batch_write_item(RequestItems={table: pending})
            pending = response.get("UnprocessedItems", {}).get(table, [])
        return len(batch)

    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(put, batches))
