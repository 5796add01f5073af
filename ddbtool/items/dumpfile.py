"""Dump files: one item a line, in DynamoDB's typed JSON or as plain JSON, gzipped or not.

Two line shapes:

- `dynamodb`: `{"Item": {"pk": {"S": "..."}, "n": {"N": "1.50"}, ...}}`, the line
  shape of AWS's own S3 exports. Sets, binary (base64) and every digit of a
  number survive.
- `plain`: the item as plain JSON (numbers as JSON numbers with every digit,
  sets as lists, binary as base64 text). Easy to read and to feed to jq, but a
  set comes back as a list and binary as text.

Lines are written canonically (attributes and set members sorted) so that two
dumps of the same items are equal byte for byte once their lines are sorted.

Reading tells the shapes apart line by line: a line whose only field is `Item`
is typed, anything else is plain. gzip is recognised by its first bytes, not by
the file name, so the `.json.gz` data files of an S3 export read as they are.
A gzip file may hold many members one after another (`cat a.gz b.gz`); the
exporter writes one member per page, so a file can be cut after any page.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal, DecimalException
from pathlib import Path
from typing import IO, Any, Literal

from ddbtool.values import from_dynamo, from_dynamo_value, json_text

Format = Literal["dynamodb", "plain"]
FORMATS: tuple[Format, ...] = ("dynamodb", "plain")
GZIP_MAGIC = b"\x1f\x8b"
# How hard gzip works on each page: level 6 is zlib's default balance; 9 is slower for ~1% less.
GZIP_LEVEL = 6


class LineError(ValueError):
    """A line that is not an item: `line` is its number from 1 in its file."""

    def __init__(self, line: int, field: str, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.field = field


# --- writing --------------------------------------------------------------------------


def line_writer(form: Format) -> Callable[[Mapping[str, Any]], str]:
    """How one typed item (as the low-level client returns it) becomes one line, without its newline."""
    if form == "plain":
        return lambda item: json_text(_sorted_maps(from_dynamo(item)))
    return typed_line


def _sorted_maps(value: Any) -> Any:
    """Maps with their keys in order, at every level (json_text already sorts set members)."""
    if isinstance(value, dict):
        return {key: _sorted_maps(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted_maps(member) for member in value]
    return value


def typed_line(item: Mapping[str, Any]) -> str:
    """A typed item as one `{"Item": ...}` line, attributes and set members sorted."""
    return json.dumps(
        {"Item": typed_to_json(item)}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )


def typed_to_json(item: Mapping[str, Any]) -> dict[str, Any]:
    """A typed item (binary as bytes) as JSON-ready typed values: binary as base64, sets sorted."""
    return {name: _typed_value(value) for name, value in item.items()}


def _typed_value(value: Mapping[str, Any]) -> dict[str, Any]:
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": _b64(inner)}
    if kind == "BS":
        return {"BS": [_b64(member) for member in sorted(inner)]}
    if kind == "SS":
        return {"SS": sorted(inner)}
    if kind == "NS":
        return {"NS": sorted(inner, key=Decimal)}
    if kind == "M":
        return {"M": typed_to_json(inner)}
    if kind == "L":
        return {"L": [_typed_value(member) for member in inner]}
    return {kind: inner}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def encode_page(lines: list[str], compress: bool) -> bytes:
    """A page of lines as the bytes to append to a dump: one gzip member per page when compressed."""
    data = ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0) if compress and data else data


# --- reading --------------------------------------------------------------------------


@contextmanager
def open_dump(path: Path) -> Iterator[IO[bytes]]:
    """The file's bytes, decompressed if it starts like gzip; streamed."""
    with path.open("rb") as raw:
        compressed = raw.read(2) == GZIP_MAGIC
        raw.seek(0)
        if compressed:
            with gzip.GzipFile(fileobj=raw, mode="rb") as unpacked:
                yield unpacked  # type: ignore[misc]  # a GzipFile is a binary stream
        else:
            yield raw


def read_items(path: Path, start_after: int = 0) -> Iterator[tuple[int, dict[str, Any] | LineError]]:
    """Each non-blank line of a dump as (line number, plain item), or (line number, LineError).

    Lines up to `start_after` are skipped unparsed (a resumed import).
    Errors are yielded rather than raised so that one pass can report them all.
    """
    number = 0
    try:
        with open_dump(path) as stream:
            for number, raw in enumerate(stream, start=1):
                if number <= start_after or not raw.strip():
                    continue
                try:
                    yield number, parse_line(raw, number)
                except LineError as problem:
                    yield number, problem
    except (OSError, EOFError, zlib.error) as exc:  # a damaged or cut-short gzip file
        yield number + 1, LineError(number + 1, "", f"cannot read on from here: {exc}")


# One decoder for every line (json.loads with options builds a new one each call).
_DECODER = json.JSONDecoder(parse_float=Decimal, parse_int=Decimal)


def parse_line(raw: bytes, number: int = 0) -> dict[str, Any]:
    """One line as a plain item; LineError saying what is wrong with it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise LineError(number, "", "not UTF-8 text") from None
    try:
        document = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise LineError(number, "", f"not JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(document, dict):
        raise LineError(number, "", "an item is a JSON object, one a line")
    if set(document) == {"Item"}:
        return _typed_item(document["Item"], number)
    return document


def _typed_item(item: Any, number: int) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise LineError(number, "Item", "must be an object of typed attributes")
    plain: dict[str, Any] = {}
    for name, value in item.items():
        try:
            plain[name] = from_dynamo_value(typed_from_json(value))
        except DecimalException:
            raise LineError(
                number, name, "not a number DynamoDB can store (text, at most 38 digits)"
            ) from None
        except (TypeError, ValueError, KeyError, AttributeError, binascii.Error) as exc:
            raise LineError(number, name, f"not a typed DynamoDB value ({exc})") from None
    return plain


def _require_number(text: Any) -> None:
    try:
        finite = isinstance(text, str) and Decimal(text).is_finite()
    except DecimalException:
        finite = False
    if not finite:
        raise ValueError(f"{text!r} is not a number")


_TYPES = frozenset({"S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"})


def typed_from_json(value: Any) -> dict[str, Any]:
    """A typed value read from JSON as the client's typed form: base64 decoded to bytes.

    ValueError when it is not exactly one known type with a value of the right shape.
    """
    if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in _TYPES:
        raise ValueError(f"expected one of {', '.join(sorted(_TYPES))} as its only field")
    ((kind, inner),) = value.items()
    if kind in ("S", "N") and not isinstance(inner, str):
        raise ValueError(f"{kind} holds text")
    if kind in ("SS", "NS", "BS", "L") and not isinstance(inner, list):
        raise ValueError(f"{kind} holds a list")
    if kind in ("NULL", "BOOL") and not isinstance(inner, bool):
        raise ValueError(f"{kind} holds true or false")
    if kind in ("N", "NS"):
        for text in [inner] if kind == "N" else inner:
            _require_number(text)
    if kind == "B":
        return {"B": base64.b64decode(inner, validate=True)}
    if kind == "BS":
        return {"BS": [base64.b64decode(member, validate=True) for member in inner]}
    if kind == "M":
        if not isinstance(inner, dict):
            raise ValueError("M holds an object")
        return {"M": {key: typed_from_json(member) for key, member in inner.items()}}
    if kind == "L":
        return {"L": [typed_from_json(member) for member in inner]}
    return {kind: inner}
