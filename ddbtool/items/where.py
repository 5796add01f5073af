"""`--where` conditions as one FilterExpression, with a placeholder for every name and value.

The mini-language, one condition per --where (they are ANDed):

    status = paid          NAME OP VALUE, OP one of = <> < <= > >=
    begins_with(sk, ORDER#)
    contains(tags, red)
    exists(shipped_at)     not_exists(shipped_at)

Values are typed like every value on the command line (keys.TableKeys.value):
by the table's attribute definitions, else read as YAML (`100` is a number,
`'"100"'` the text "100").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ddbtool.errors import UsageError
from ddbtool.items.expressions import Placeholders
from ddbtool.items.keys import TableKeys

_COMPARISON = re.compile(r"\s*(?P<name>[^\s=<>()!,]+)\s*(?P<op><>|<=|>=|=|<|>)\s*(?P<value>.*?)\s*")
_TWO_ARGUMENTS = re.compile(
    r"\s*(?P<function>begins_with|contains)\s*\(\s*(?P<name>[^\s,()]+)\s*,\s*(?P<value>.*?)\s*\)\s*"
)
_ONE_ARGUMENT = re.compile(r"\s*(?P<function>exists|not_exists)\s*\(\s*(?P<name>[^\s,()]+)\s*\)\s*")
FORMS = (
    "NAME = VALUE (or <>, <, <=, >, >=), begins_with(NAME, VALUE), contains(NAME, VALUE), "
    "exists(NAME) or not_exists(NAME)"
)


def filter_expression(conditions: Sequence[str], keys: TableKeys, placeholders: Placeholders) -> str | None:
    """The conditions ANDed as a FilterExpression, or None when there are none."""
    parts = [_condition(text, keys, placeholders) for text in conditions]
    return " AND ".join(parts) if parts else None


def _condition(text: str, keys: TableKeys, placeholders: Placeholders) -> str:
    if found := _ONE_ARGUMENT.fullmatch(text):
        function = "attribute_exists" if found["function"] == "exists" else "attribute_not_exists"
        return f"{function}({placeholders.name(found['name'])})"
    if found := _TWO_ARGUMENTS.fullmatch(text):
        value = keys.value(found["name"], found["value"])
        return f"{found['function']}({placeholders.name(found['name'])}, {placeholders.value(value)})"
    if found := _COMPARISON.fullmatch(text):
        if not found["value"]:
            raise UsageError(f"--where {text!r} has no value after {found['op']}")
        value = keys.value(found["name"], found["value"])
        return f"{placeholders.name(found['name'])} {found['op']} {placeholders.value(value)}"
    raise UsageError(f"--where {text!r} is not a condition; write {FORMS}")
