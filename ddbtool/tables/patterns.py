"""Declared access patterns: a name for one GetItem or one Query, and the request it makes.

A pattern fixes the key of the table or of one index by templates
(templates.py): the partition key always, the sort key optionally, as one
value or one condition. Its parameters are the placeholders it uses; given
their values it builds the request as DynamoDB (and the AWS CLI's JSON
input) takes it, with every name and value behind a placeholder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ddbtool.errors import UsageError
from ddbtool.items.expressions import Placeholders
from ddbtool.tables.templates import Template, TemplateError
from ddbtool.values import from_text, to_dynamo

# The sort conditions a pattern may write, and how a KeyConditionExpression says each.
SORT_CONDITIONS = {
    "begins_with": "begins_with",
    "between": "BETWEEN",
    "gt": ">",
    "gte": ">=",
    "lt": "<",
    "lte": "<=",
}
GET_ITEM = "GetItem"
QUERY = "Query"


@dataclass(frozen=True)
class KeyPart:
    """One key attribute of a pattern: its name and type, and a value (`=`) or a sort condition."""

    attribute: str
    kind: str  # S, N or B, from the table's attribute definitions
    condition: str  # "=" or one of SORT_CONDITIONS
    templates: tuple[Template, ...]

    def values(self, arguments: Mapping[str, str]) -> list[Any]:
        """The values of this part, typed by the attribute: text unless the attribute is N or B."""
        return [typed_value(self.attribute, self.kind, template, arguments) for template in self.templates]

    def describe(self) -> str:
        shown = [str(t) for t in self.templates]
        if self.condition == "=":
            return f"{self.attribute} = {shown[0]}"
        if self.condition == "between":
            return f"{self.attribute} between {shown[0]} and {shown[1]}"
        return f"{self.attribute} {self.condition} {shown[0]}"


def typed_value(attribute: str, kind: str, template: Template, arguments: Mapping[str, str]) -> Any:
    """A template filled from text arguments, as the value of a key attribute of type `kind`."""
    text = template.format(arguments)
    if kind == "S":
        return text
    try:
        return from_text(text, kind)
    except ValueError as exc:
        raise TemplateError(f"{attribute}: {exc}") from None


@dataclass(frozen=True)
class AccessPattern:
    """One declared access pattern of a table, as its definition file says it."""

    name: str
    table: str
    partition: KeyPart
    sort: KeyPart | None = None
    index: str | None = None
    description: str = ""
    get_item: bool = False
    newest_first: bool = False
    limit: int | None = None
    source: str = ""
    line: int | None = None

    @property
    def parts(self) -> tuple[KeyPart, ...]:
        return (self.partition, self.sort) if self.sort else (self.partition,)

    @property
    def parameters(self) -> tuple[str, ...]:
        """The placeholders the pattern uses, each once, in order."""
        names = (name for part in self.parts for template in part.templates for name in template.names)
        return tuple(dict.fromkeys(names))

    @property
    def operation(self) -> str:
        """GetItem, Query, or Query on index NAME: what DynamoDB is asked."""
        if self.get_item:
            return GET_ITEM
        return f"{QUERY} on index {self.index}" if self.index else QUERY

    @property
    def key_names(self) -> tuple[str, ...]:
        return tuple(part.attribute for part in self.parts)

    def summary(self) -> dict[str, Any]:
        """The pattern as plain data, for `ddbtool patterns --output json`."""
        return {
            "name": self.name,
            "table": self.table,
            "description": self.description,
            "operation": GET_ITEM if self.get_item else QUERY,
            "index": self.index,
            "parameters": list(self.parameters),
            "key": [part.describe() for part in self.parts],
            "newest_first": self.newest_first,
            "limit": self.limit,
        }

    def arguments(self, given: Mapping[str, str]) -> dict[str, str]:
        """Check NAME=VALUE arguments against the parameters; UsageError naming what is wrong."""
        wanted = self.parameters
        missing = [name for name in wanted if name not in given]
        unknown = [name for name in given if name not in wanted]
        if missing or unknown:
            form = " ".join(f"{name}=VALUE" for name in wanted) or "no parameters"
            wrong = "; ".join(
                text
                for text in (
                    f"missing {', '.join(missing)}" if missing else "",
                    f"unknown {', '.join(unknown)}" if unknown else "",
                )
                if text
            )
            raise UsageError(f"pattern {self.name} takes {form} ({wrong}); see `ddbtool patterns`")
        return dict(given)

    def request(
        self,
        given: Mapping[str, str],
        *,
        consistent: bool = False,
        reverse: bool = False,
        placeholders: Placeholders | None = None,
    ) -> dict[str, Any]:
        """The GetItem or Query request (low-level form, typed values) for these arguments.

        A Query's Limit is not in it: the reader pages up to the pattern's limit. The
        names and values go behind `placeholders`, which a filter may go on using.
        """
        arguments = self.arguments(given)
        try:
            if self.get_item:
                key = {part.attribute: part.values(arguments)[0] for part in self.parts}
                request: dict[str, Any] = {"TableName": self.table, "Key": to_dynamo(key)}
                if consistent:
                    request["ConsistentRead"] = True
                return request
            return self._query(
                arguments, placeholders or Placeholders(), consistent=consistent, reverse=reverse
            )
        except TemplateError as exc:
            raise UsageError(f"pattern {self.name}: {exc}") from None

    def _query(
        self, arguments: Mapping[str, str], placeholders: Placeholders, *, consistent: bool, reverse: bool
    ) -> dict[str, Any]:
        conditions = []
        for part in self.parts:
            name = placeholders.name(part.attribute)
            values = [placeholders.value(value) for value in part.values(arguments)]
            if part.condition == "=":
                conditions.append(f"{name} = {values[0]}")
            elif part.condition == "begins_with":
                conditions.append(f"begins_with({name}, {values[0]})")
            elif part.condition == "between":
                conditions.append(f"{name} BETWEEN {values[0]} AND {values[1]}")
            else:
                conditions.append(f"{name} {SORT_CONDITIONS[part.condition]} {values[0]}")
        request: dict[str, Any] = {"TableName": self.table}
        if self.index:
            request["IndexName"] = self.index
        request["KeyConditionExpression"] = " AND ".join(conditions)
        request |= placeholders.request()
        if self.newest_first != reverse:
            request["ScanIndexForward"] = False
        if consistent:
            request["ConsistentRead"] = True
        return request
