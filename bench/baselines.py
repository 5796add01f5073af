"""The contenders ddbtool is measured against, each run as its own process by bench/run.py.

    python bench/baselines.py put-loop FILE TABLE      one put_item per item (the original scripts)
    python bench/baselines.py batch-writer FILE TABLE  boto3's Table.batch_writer
    python bench/baselines.py scan TABLE               a bare boto3 paginator loop, JSON lines out
    python bench/baselines.py export TABLE FILE        the same loop writing {"Item": ...} lines to a file
    python bench/baselines.py import FILE TABLE        a bare BatchWriteItem loop over such a file

The writers read the same seed file through ddbtool's own parser, so every
contender pays the same parsing cost and writes exactly the same items; only
the way they write differs. The endpoint comes from AWS_ENDPOINT_URL.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import boto3


def seed_items(path: Path, table: str) -> list[dict[str, Any]]:
    from ddbtool.items.seedfile import load_seeds

    return load_seeds([path], lambda name: None).for_table(table)


def put_loop(path: Path, table: str) -> None:
    client = boto3.client("dynamodb")
    from ddbtool.values import to_dynamo

    for item in seed_items(path, table):
        client.put_item(TableName=table, Item=to_dynamo(item))


def batch_writer(path: Path, table: str) -> None:
    with boto3.resource("dynamodb").Table(table).batch_writer() as writer:
        for item in seed_items(path, table):
            writer.put_item(Item=item)


def scan(table: str) -> None:
    out = sys.stdout
    for page in boto3.client("dynamodb").get_paginator("scan").paginate(TableName=table):
        for item in page["Items"]:
            out.write(json.dumps(item) + "\n")


def export(table: str, path: Path) -> None:
    with path.open("w") as out:
        for page in boto3.client("dynamodb").get_paginator("scan").paginate(TableName=table):
            for item in page["Items"]:
                out.write(json.dumps({"Item": item}) + "\n")


def import_lines(path: Path, table: str) -> None:
    """25 items a BatchWriteItem, one call at a time, unprocessed items sent again at once."""
    client = boto3.client("dynamodb")

    def send(batch: list[dict[str, Any]]) -> None:
        while batch:
            response = client.batch_write_item(RequestItems={table: batch})  # type: ignore[dict-item]
            batch = response.get("UnprocessedItems", {}).get(table, [])  # type: ignore[assignment]

    batch: list[dict[str, Any]] = []
    with path.open() as lines:
        for line in lines:
            batch.append({"PutRequest": {"Item": json.loads(line)["Item"]}})
            if len(batch) == 25:
                send(batch)
                batch = []
    send(batch)


def main(argv: list[str]) -> None:
    match argv:
        case ["put-loop", path, table]:
            put_loop(Path(path), table)
        case ["batch-writer", path, table]:
            batch_writer(Path(path), table)
        case ["scan", table]:
            scan(table)
        case ["export", table, path]:
            export(table, Path(path))
        case ["import", path, table]:
            import_lines(Path(path), table)
        case _:
            sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
