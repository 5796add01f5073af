"""What differs between a table definition and the live table of that name."""

from __future__ import annotations

from typing import Any

from ddbtool.tables.spec import TableSpec


def differences(spec: TableSpec, description: dict[str, Any], ttl_attribute: str | None) -> list[str]:
    """How a live table (DescribeTable output) differs from its definition, one line each.

    Empty when the table matches. Tags are not compared.
    """
    wanted = _comparable(spec.create_request(), spec.ttl)
    found = _comparable(description, ttl_attribute)
    return [
        f"{field}: the file says {_show(wanted.get(field))}, the table has {_show(found.get(field))}"
        for field in sorted(set(wanted) | set(found))
        if wanted.get(field) != found.get(field)
    ]


def _show(value: Any) -> str:
    return "nothing" if value is None else str(value)


def _comparable(table: dict[str, Any], ttl_attribute: str | None) -> dict[str, Any]:
    billing = (
        table.get("BillingMode") or table.get("BillingModeSummary", {}).get("BillingMode") or "PROVISIONED"
    )
    provisioned = billing == "PROVISIONED"
    stream = table.get("StreamSpecification") or {}
    result: dict[str, Any] = {
        "key": _keys(table["KeySchema"]),
        "billing": billing,
        "stream": stream.get("StreamViewType") if stream.get("StreamEnabled") else None,
        "ttl": ttl_attribute,
        "deletion_protection": bool(table.get("DeletionProtectionEnabled", False)),
    }
    if provisioned:
        result["capacity"] = _units(table.get("ProvisionedThroughput"))
    types = {a["AttributeName"]: a["AttributeType"] for a in table.get("AttributeDefinitions", [])}
    for kind, field in (("global index", "GlobalSecondaryIndexes"), ("local index", "LocalSecondaryIndexes")):
        for index in table.get(field) or []:
            projection = index.get("Projection", {})
            shape = [_keys(index["KeySchema"]), projection.get("ProjectionType")]
            if projection.get("NonKeyAttributes"):
                shape.append(sorted(projection["NonKeyAttributes"]))
            if provisioned and kind == "global index":
                shape.append(_units(index.get("ProvisionedThroughput")))
            result[f"{kind} {index['IndexName']}"] = " ".join(str(part) for part in shape)
    for name, kind in types.items():
        result[f"attribute {name}"] = kind
    return result


def _keys(schema: list[dict[str, str]]) -> str:
    return ", ".join(f"{k['AttributeName']} ({k['KeyType']})" for k in schema)


def _units(throughput: dict[str, Any] | None) -> str | None:
    if not throughput:
        return None
    return f"read {throughput.get('ReadCapacityUnits')} / write {throughput.get('WriteCapacityUnits')}"
