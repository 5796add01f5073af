"""PartiQL statements through ExecuteStatement, every page, with plain values in and out."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal

from ddbtool.values import from_dynamo, to_dynamo

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

StatementKind = Literal["select", "insert", "update", "delete", "other"]
_FIRST_WORD = re.compile(r"\s*([A-Za-z]+)")


def statement_kind(statement: str) -> StatementKind:
    """What a statement does, by its first word: a read, a write, or something else."""
    found = _FIRST_WORD.match(statement)
    word = found.group(1).lower() if found else ""
    if word in ("select", "insert", "update", "delete"):
        return word  # type: ignore[return-value]
    return "other"


def execute(
    client: DynamoDBClient, statement: str, parameters: Sequence[Any] = (), *, consistent: bool = False
) -> Iterator[dict[str, Any]]:
    """Run one statement; the items it returns (a SELECT's, every page) as plain values."""
    request: dict[str, Any] = {"Statement": statement, "ConsistentRead": consistent}
    if parameters:
        request["Parameters"] = list(to_dynamo({str(i): v for i, v in enumerate(parameters)}).values())
    while True:
        response = client.execute_statement(**request)
        for item in response.get("Items", []):
            yield from_dynamo(item)
        token = response.get("NextToken")
        if not token:
            return
        request["NextToken"] = token
