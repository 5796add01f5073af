"""The contenders ddbtool is measured against, each run as its own process by bench/run.py.

    python bench/baselines.py put-loop FILE TABLE      one put_item per item (the original scripts)
    python bench/baselines.py batch-writer FILE TABLE  boto3's Table.batch_writer
    python bench/baselines.py scan TABLE               a bare boto3 paginator loop, JSON lines out
    python bench/baselines.py export TABLE FILE        the same loop writing {"Item": ...} lines to a file
    python bench/baselines.py import FILE TABLE [THREADS]   a bare BatchWriteItem loop over such a file
    python bench/baselines.py batch-loop FILE TABLE THREADS  the seed file's items in the same loop

The BatchWriteItem loops send 25 items a call from THREADS threads (default
one), with a connection pool of that size, and send unprocessed items again at
once: what a careful hand-written script does.

The writers read the same seed file through ddbtool's own parser, so every
contender pays the same parsing cost and writes exactly the same items; only
the way they write differs. The endpoint comes from AWS_ENDPOINT_URL.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
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


def import_lines(path: Path, table: str, threads: int = 1) -> None:
    with path.open() as lines:
        requests = ({"PutRequest": {"Item": json.loads(line)["Item"]}} for line in lines)
        batch_write_loop(requests, table, threads)


def batch_loop(path: Path, table: str, threads: int) -> None:
    from ddbtool.values import to_dynamo

    requests = ({"PutRequest": {"Item": to_dynamo(item)}} for item in seed_items(path, table))
    batch_write_loop(requests, table, threads)


def batch_write_loop(requests: Iterable[dict[str, Any]], table: str, threads: int) -> None:
    """25 requests a BatchWriteItem, `threads` calls at once, unprocessed items sent again at once."""
    from botocore.config import Config

    client = boto3.client("dynamodb", config=Config(max_pool_connections=max(10, threads)))

    def send(batch: list[dict[str, Any]]) -> None:
        while batch:
            response = client.batch_write_item(RequestItems={table: batch})  # type: ignore[dict-item]
            batch = response.get("UnprocessedItems", {}).get(table, [])  # type: ignore[assignment]

    batches: list[list[dict[str, Any]]] = [[]]
    for request in requests:
        if len(batches[-1]) == 25:
            batches.append([])
        batches[-1].append(request)
    if threads == 1:
        for batch in batches:
            send(batch)
        return
    with ThreadPoolExecutor(threads) as pool:
        for done in pool.map(send, batches):
            assert done is None


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
        case ["import", path, table, threads]:
            import_lines(Path(path), table, int(threads))
        case ["batch-loop", path, table, threads]:
            batch_loop(Path(path), table, int(threads))
        case _:
            sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
