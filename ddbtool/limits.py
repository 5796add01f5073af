"""DynamoDB's rules on items and values: what it would refuse, found before anything is sent.

DynamoDB refuses a whole request for one bad value, after earlier requests may
have landed; `item_problems` finds what it would refuse, so that every write
path can check before its first write. Values are plain (see values.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from ddbtool.errors import UsageError
from ddbtool.values import number_text

MAX_ITEM_BYTES = 400 * 1024  # an item, counting attribute names and values
MAX_LEVELS = 32  # nesting of maps and lists, the item itself being the first level
MAX_DIGITS = 38  # significant digits of a number
MAX_EXPONENT = 125  # numbers up to 9.99...E+125 in magnitude
MIN_EXPONENT = -130  # and down to 1E-130, or zero
MAX_KEY_NAME_BYTES = 255  # the name of a table or index key attribute
KEY_VALUE_BYTES = (2048, 1024)  # a partition key value, a sort key value
KEY_TYPES = {"S": "text", "N": "a number", "B": "binary"}


@dataclass(frozen=True)
class ValueProblem:
    """What DynamoDB would refuse in an item: where (attribute, then map keys and list positions) and why.

    An empty path is the item as a whole.
    """

    path: tuple[str | int, ...]
    message: str

    @property
    def field(self) -> str:
        text = ""
        for part in self.path:
            text = f"{text}[{part}]" if isinstance(part, int) else f"{text}.{part}" if text else part
        return text


def item_problems(
    item: Mapping[str, Any], key_types: Mapping[str, str] | None = None, table_key: Sequence[str] = ()
) -> list[ValueProblem]:
    """Everything in a plain item that DynamoDB would refuse, in one walk (no request is sent).

    `key_types` gives each key attribute of the table and its indexes its type
    (S, N or B; "" if only its name is known); `table_key` names the table's
    partition and sort key, which every item must have. Checks the item's size,
    nesting, numbers and sets, and that key values have their type and are not
    empty.
    """
    problems: list[ValueProblem] = []
    size = 0
    for name, value in item.items():
        if not isinstance(name, str) or not name:
            problems.append(ValueProblem((), f"{name!r} is not an attribute name: use non-empty text"))
            continue
        fine = _size_if_fine(value, 2)
        size += len(name.encode("utf-8")) + (fine if fine is not None else _walk(value, (name,), 2, problems))
    if size > MAX_ITEM_BYTES:
        problems.append(
            ValueProblem((), f"the item is {size:,} bytes; DynamoDB allows at most {MAX_ITEM_BYTES:,}")
        )
    problems.extend(_key_problems(item, key_types or {}, table_key))
    return problems


def item_size(item: Mapping[str, Any]) -> int:
    """An item's size in bytes as DynamoDB counts it against the 400 KB limit.

    Names and strings count their UTF-8 bytes, numbers one byte per two
    significant digits plus one, lists and maps 3 bytes plus 1 per element.
    """
    return sum(len(str(name).encode("utf-8")) + _walk(value, (), 2, []) for name, value in item.items())


def _size_if_fine(value: Any, level: int) -> int | None:
    """The size of a value made of text, numbers, maps and lists that DynamoDB accepts, else None.

    The quick pass over every item: where it answers None, `_walk` looks again and
    says what is wrong and where.
    """
    kind = type(value)
    if kind is str:
        return len(value.encode("utf-8"))
    if kind is Decimal:
        size, wrong = _number_size(value)
        return None if wrong else size
    if value is None or kind is bool:
        return 1
    if (kind is dict or kind is list) and level <= MAX_LEVELS:
        total = 3
        members: Iterable[tuple[Any, Any]] = value.items() if kind is dict else enumerate(value)
        for name, member in members:
            member_size = _size_if_fine(member, level + 1)
            if member_size is None or (kind is dict and type(name) is not str):
                return None
            total += member_size + 1 + (len(name.encode("utf-8")) if kind is dict else 0)
        return total
    return None


def _walk(value: Any, path: tuple[str | int, ...], level: int, problems: list[ValueProblem]) -> int:
    """The size of `value` by DynamoDB's rules; what DynamoDB would refuse goes to `problems`."""
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    if value is None or isinstance(value, bool):
        return 1
    if isinstance(value, (Decimal, int)):
        return _number(value, path, problems)
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    if isinstance(value, (Mapping, list, tuple)):
        if level > MAX_LEVELS:
            problems.append(
                ValueProblem(
                    path, f"nested deeper than DynamoDB's {MAX_LEVELS} levels (the item is the first)"
                )
            )
            return 0
        if isinstance(value, Mapping):
            return 3 + sum(
                len(str(k).encode("utf-8")) + _walk(v, (*path, str(k)), level + 1, problems) + 1
                for k, v in value.items()
            )
        return 3 + sum(_walk(v, (*path, i), level + 1, problems) + 1 for i, v in enumerate(value))
    if isinstance(value, (set, frozenset)):
        if not value:
            problems.append(ValueProblem(path, "an empty set; DynamoDB sets hold at least one value"))
            return 0
        wrong = set_member_problem(list(value))
        if wrong:
            problems.append(ValueProblem(path, wrong))
            return 0
        return sum(_walk(v, path, level, problems) for v in value)
    if isinstance(value, float):
        problems.append(ValueProblem(path, f"{value!r} is a float; DynamoDB numbers are exact: use Decimal"))
        return 0
    problems.append(ValueProblem(path, f"{describe_type(value)} is not a DynamoDB value"))
    return 0


def _number(value: Decimal | int, path: tuple[str | int, ...], problems: list[ValueProblem]) -> int:
    size, wrong = _number_size(Decimal(value))
    if wrong:
        problems.append(ValueProblem(path, wrong))
    return size


def _number_size(number: Decimal) -> tuple[int, str | None]:
    """A number's size, and why DynamoDB would refuse it (or None)."""
    if not number.is_finite():
        return 0, f"{number} is not a number DynamoDB can store"
    significant = len("".join(map(str, number.as_tuple().digits)).strip("0")) or 1
    wrong = None
    if significant > MAX_DIGITS:
        wrong = f"{number} has {significant} significant digits; DynamoDB keeps at most {MAX_DIGITS}"
    elif number and number.adjusted() > MAX_EXPONENT:
        wrong = f"{number} is too large; DynamoDB numbers stay below 1E+126"
    elif number and number.adjusted() < MIN_EXPONENT:
        wrong = f"{number} is too close to zero; DynamoDB numbers are 0 or at least 1E-130"
    return (significant + 1) // 2 + 1, wrong


def _key_problems(
    item: Mapping[str, Any], key_types: Mapping[str, str], table_key: Sequence[str]
) -> Iterable[ValueProblem]:
    limits, rules = _key_rules(tuple(table_key), tuple(key_types.items()))
    for name, kind, expected in rules:
        value = item.get(name)
        if name not in item:
            if name in limits:  # index keys may be absent: the item is left out of the index
                yield ValueProblem((), f"key attribute {name!r} ({expected}) is missing")
        elif scalar_type(value) not in ((kind,) if kind else ("S", "N", "B")):
            yield ValueProblem((), f"key attribute {name!r} must be {expected}, found {describe_type(value)}")
        elif isinstance(value, (str, bytes, bytearray)):
            length = len(value.encode("utf-8") if isinstance(value, str) else value)
            most = limits.get(name)
            if not length or (most and length > most):
                bounds = f"1 to {most} bytes" if most else "at least 1 byte; an index key cannot be empty"
                yield ValueProblem((), f"key attribute {name!r} must be {bounds}")


@cache
def _key_rules(
    table_key: tuple[str, ...], key_types: tuple[tuple[str, str], ...]
) -> tuple[dict[str, int], tuple[tuple[str, str, str], ...]]:
    """Each key attribute's most bytes (table keys only), and its name, type and the type in words."""
    types = dict(key_types)
    rules = []
    for name in dict.fromkeys([*table_key, *types]):
        kind = types.get(name, "")
        rules.append((name, kind, KEY_TYPES.get(kind, "text, a number or binary")))
    return dict(zip(table_key, KEY_VALUE_BYTES, strict=False)), tuple(rules)


def key_name_problem(name: str) -> str | None:
    """Why DynamoDB refuses `name` for a key attribute or a projected attribute, or None."""
    if not name or len(name.encode("utf-8")) > MAX_KEY_NAME_BYTES:
        return f"a key attribute's name is 1 to {MAX_KEY_NAME_BYTES} bytes of text"
    return None


def require_valid_items(
    items: Iterable[Mapping[str, Any]],
    key_types: Mapping[str, str] | None = None,
    table_key: Sequence[str] = (),
) -> None:
    """Raise UsageError naming an item DynamoDB would refuse and why; call before the first write."""
    for item in items:
        problems = item_problems(item, key_types, table_key)
        if problems:
            shown = ", ".join(f"{name}={_show(item[name])}" for name in table_key if name in item)
            where = f"item {shown}" if shown else "an item"
            first = problems[0]
            field = f"{first.field}: " if first.field else ""
            more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
            raise UsageError(f"{where}: {field}{first.message}{more}; nothing was written")


def set_member_problem(members: Sequence[Any]) -> str | None:
    """Why these values cannot form one DynamoDB set (duplicates, mixed or wrong types), or None.

    Numbers that differ only in how they are written (1 and 1.0) are the same
    member to DynamoDB, as they are to Python.
    """
    kinds = {scalar_type(member) for member in members}
    if None in kinds:
        wrong = next(m for m in members if scalar_type(m) is None)
        return f"a set holds text, numbers or binary, not {describe_type(wrong)}"
    if len(kinds) > 1:
        return "a set holds values of one type: all text, all numbers or all binary"
    seen: set[Any] = set()
    for member in members:
        if member in seen:
            return f"{_show(member)} is in the set twice; a set holds each value once"
        seen.add(member)
    return None


def scalar_type(value: Any) -> str | None:
    """DynamoDB's type for a value that a key or a set can hold (S, N or B), or None."""
    if isinstance(value, str):
        return "S"
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return "N"
    return "B" if isinstance(value, (bytes, bytearray)) else None


def describe_type(value: Any) -> str:
    """A value's kind, in words, for a problem report."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return f"number {number_text(value)}"
    return f"{type(value).__name__} {value!r}"


def _show(value: Any) -> str:
    return number_text(value) if isinstance(value, (int, Decimal)) else repr(value)
