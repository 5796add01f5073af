"""Expressions with a placeholder for every attribute name and value.

DynamoDB reserves hundreds of words (`name`, `status`, `count`, `size`, ...) and
refuses them in an expression; a `#n` placeholder for every name and a `:v`
placeholder for every value make any attribute name and any value safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ddbtool.values import to_dynamo


@dataclass
class Placeholders:
    """The names and values one request's expressions use, each behind a placeholder."""

    names: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    def name(self, attribute: str) -> str:
        """`#nN` standing for `attribute` (the same placeholder each time it is named)."""
        for placeholder, known in self.names.items():
            if known == attribute:
                return placeholder
        placeholder = f"#n{len(self.names)}"
        self.names[placeholder] = attribute
        return placeholder

    def value(self, plain: Any) -> str:
        """`:vN` standing for a plain value."""
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = plain
        return placeholder

    def request(self) -> dict[str, Any]:
        """ExpressionAttributeNames and ExpressionAttributeValues, left out when empty."""
        parameters: dict[str, Any] = {}
        if self.names:
            parameters["ExpressionAttributeNames"] = dict(self.names)
        if self.values:
            parameters["ExpressionAttributeValues"] = to_dynamo(self.values)
        return parameters


def projection(attributes: list[str], placeholders: Placeholders) -> dict[str, Any]:
    """ProjectionExpression for `--attributes a,b`, or nothing when no attribute is named."""
    if not attributes:
        return {}
    return {"ProjectionExpression": ", ".join(placeholders.name(a) for a in attributes)}


def split_attributes(text: str | None) -> list[str]:
    """`a,b, c` as attribute names; empty names are dropped."""
    return [name.strip() for name in (text or "").split(",") if name.strip()]
