"""A table as ddbtool means it: key, indexes, capacity, stream, TTL, tags...; and its CreateTable request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ddbtool.errors import Problem
    from ddbtool.tables.design import Entity
    from ddbtool.tables.patterns import AccessPattern


@dataclass(frozen=True)
class KeySchema:
    partition: str
    sort: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The key's attribute names, partition first."""
        return (self.partition, self.sort) if self.sort else (self.partition,)

    def request(self) -> list[dict[str, str]]:
        keys = [{"AttributeName": self.partition, "KeyType": "HASH"}]
        if self.sort:
            keys.append({"AttributeName": self.sort, "KeyType": "RANGE"})
        return keys


@dataclass(frozen=True)
class Capacity:
    read: int
    write: int

    def request(self) -> dict[str, int]:
        return {"ReadCapacityUnits": self.read, "WriteCapacityUnits": self.write}


@dataclass(frozen=True)
class IndexSpec:
    name: str
    key: KeySchema
    projection: str = "ALL"
    include: tuple[str, ...] = ()
    capacity: Capacity | None = None

    def request(self) -> dict[str, Any]:
        projection: dict[str, Any] = {"ProjectionType": self.projection}
        if self.include:
            projection["NonKeyAttributes"] = list(self.include)
        request: dict[str, Any] = {
            "IndexName": self.name,
            "KeySchema": self.key.request(),
            "Projection": projection,
        }
        if self.capacity:
            request["ProvisionedThroughput"] = self.capacity.request()
        return request


@dataclass(frozen=True)
class TableSpec:
    """A validated table definition."""

    name: str
    attributes: dict[str, str]
    key: KeySchema
    source: str = ""
    billing: str = "PAY_PER_REQUEST"
    capacity: Capacity | None = None
    global_indexes: tuple[IndexSpec, ...] = ()
    local_indexes: tuple[IndexSpec, ...] = ()
    stream: str | None = None
    ttl: str | None = None
    deletion_protection: bool = False
    table_class: str = "STANDARD"
    point_in_time_recovery: bool = False  # set after creation: CreateTable cannot
    tags: tuple[tuple[str, str], ...] = ()
    # The design the definition declares (design.py), and what lint only warns about.
    entities: tuple[Entity, ...] = field(default=(), compare=False)
    patterns: tuple[AccessPattern, ...] = field(default=(), compare=False)
    warnings: tuple[Problem, ...] = field(default=(), compare=False)

    def create_request(self) -> dict[str, Any]:
        """The CreateTable request for this table, as boto3 takes it."""
        request: dict[str, Any] = {
            "TableName": self.name,
            "AttributeDefinitions": [
                {"AttributeName": name, "AttributeType": kind} for name, kind in self.attributes.items()
            ],
            "KeySchema": self.key.request(),
            "BillingMode": self.billing,
        }
        if self.capacity:
            request["ProvisionedThroughput"] = self.capacity.request()
        if self.global_indexes:
            request["GlobalSecondaryIndexes"] = [i.request() for i in self.global_indexes]
        if self.local_indexes:
            request["LocalSecondaryIndexes"] = [i.request() for i in self.local_indexes]
        if self.stream:
            request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": self.stream}
        if self.deletion_protection:
            request["DeletionProtectionEnabled"] = True
        if self.table_class != "STANDARD":
            request["TableClass"] = self.table_class
        if self.tags:
            request["Tags"] = [{"Key": k, "Value": v} for k, v in self.tags]
        return request
