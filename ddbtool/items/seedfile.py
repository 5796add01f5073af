"""Seed files in YAML: users, conversations and plain items, validated into a plan.

A seed file names its table and holds any of three lists (the README documents
the format):

- `users`: uuid, handle, display_name, optional cognito_user_id;
- `conversations`: uuid, two participants by handle, `starts_at`, `every` and
  a `Person 1: ...` / `Person 2: ...` transcript or a structured `messages` list;
- `items`: plain items for any single-table design, as ordinary YAML values.

`load_seeds` validates every file completely and raises one InputFileError
naming file, line and field of every problem, so that nothing is written from a
set of files that has any problem. Everything derived is deterministic (message
uuids are uuid5 of the conversation and position, message times are
`starts_at + i * every`), so loading the same files twice writes the very same
items: seeding is idempotent.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ddbtool import yamlfile
from ddbtool.apps.cruddur import model
from ddbtool.apps.cruddur.model import User
from ddbtool.errors import InputFileError, Problem
from ddbtool.values import describe_type, from_yaml, item_problems, scalar_type
from ddbtool.yamlfile import Checker, YamlList, YamlMap, join, line_of

if TYPE_CHECKING:
    from ddbtool.tables.definition import TableSpec

SeedKind = Literal["user", "group", "message", "item"]
KINDS: tuple[SeedKind, ...] = ("user", "group", "message", "item")

_FILE_FIELDS = ("table", "users", "conversations", "items")
_USER_FIELDS = ("uuid", "handle", "display_name", "cognito_user_id")
_CONVERSATION_FIELDS = ("uuid", "participants", "starts_at", "every", "transcript", "messages")
_MESSAGE_FIELDS = ("from", "text", "at")
_HANDLE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_EVERY = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_TRANSCRIPT_LINE = re.compile(r"Person ([12]):\s*(\S.*?)\s*")


@dataclass(frozen=True)
class TableKey:
    """A table's key attributes, partition first, each with its type (S, N or B).

    `indexed` gives the other key attributes of its indexes, with their types:
    an item need not have them, but where it does DynamoDB checks their type.
    """

    attributes: tuple[tuple[str, str], ...]
    indexed: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.attributes)

    @property
    def types(self) -> dict[str, str]:
        """Every key attribute of the table and its indexes, with its type."""
        return dict((*self.attributes, *self.indexed))

    @classmethod
    def from_spec(cls, spec: TableSpec) -> TableKey:
        """From a table definition in ./schemas (where only key attributes have types)."""
        names = [name for name in (spec.key.partition, spec.key.sort) if name]
        others = tuple((name, kind) for name, kind in spec.attributes.items() if name not in names)
        return cls(tuple((name, spec.attributes[name]) for name in names), others)

    @classmethod
    def from_description(cls, table: Mapping[str, Any]) -> TableKey:
        """From DescribeTable's `Table`."""
        types = {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]}
        ordered = sorted(table["KeySchema"], key=lambda k: k["KeyType"] != "HASH")
        names = [k["AttributeName"] for k in ordered]
        others = tuple((name, kind) for name, kind in types.items() if name not in names)
        return cls(tuple((name, types[name]) for name in names), others)


MESSAGING_KEY = TableKey((("pk", "S"), ("sk", "S")))


@dataclass(frozen=True)
class SeedItem:
    """One item to write, with its kind and the place in a seed file it comes from."""

    table: str
    kind: SeedKind
    item: dict[str, Any]
    file: str
    line: int | None
    field: str
    # The item as loaded from YAML, which knows the line of each value in it.
    source: Any = None

    def problem(self, message: str, path: Sequence[str | int] = ()) -> Problem:
        """A problem with the item, or with the value at `path` inside it (then at that value's line)."""
        where, line, value = self.field, self.line, self.source
        for part in path:
            line = line_of(value, part) or line
            where = join(where, part)
            value = value[part] if _holds(value, part) else None
        return Problem(self.file, line, where, message)


def _holds(container: Any, part: str | int) -> bool:
    if isinstance(container, dict):
        return part in container
    return isinstance(container, list) and isinstance(part, int) and 0 <= part < len(container)


@dataclass
class SeedPlan:
    """Every item of a set of seed files, validated, in file order."""

    items: list[SeedItem] = field(default_factory=list)
    keys: dict[str, TableKey] = field(default_factory=dict)

    def tables(self) -> list[str]:
        return list(dict.fromkeys(seed.table for seed in self.items))

    def for_table(self, table: str) -> list[dict[str, Any]]:
        return [seed.item for seed in self.items if seed.table == table]

    def counts(self) -> dict[str, int]:
        """Items per kind, every kind listed."""
        found = Counter(seed.kind for seed in self.items)
        return {kind: found[kind] for kind in KINDS}


KeyLookup = Callable[[str], TableKey]


def load_seeds(paths: Sequence[Path], key_of: KeyLookup) -> SeedPlan:
    """Load and validate every seed file; raise one InputFileError with every problem.

    `key_of(table)` gives the key attributes of a table the files name (from its
    definition, or the live table); it is asked once per table.
    """
    problems: list[Problem] = []
    documents: list[tuple[Checker, YamlMap, str | None]] = []
    for path in paths:
        check = Checker(str(path))
        try:
            loaded = yamlfile.load(path)
        except InputFileError as exc:
            problems.extend(exc.problems)
            continue
        doc = check.mapping(loaded, "", 1, allowed=_FILE_FIELDS, required=("table",))
        if doc is not None:
            documents.append((check, doc, check.text(doc, "table", "table")))
        problems.extend(check.problems)
        check.problems.clear()

    users: dict[str, User] = {}
    seeds: list[SeedItem] = []
    for check, doc, table in documents:
        seeds.extend(_users(check, doc, table or "", users))
    for check, doc, table in documents:
        seeds.extend(_conversations(check, doc, table or "", users))
        seeds.extend(_plain_items(check, doc, table or ""))
        problems.extend(check.problems)

    keys: dict[str, TableKey] = {}
    for table in dict.fromkeys(seed.table for seed in seeds if seed.table):
        keys[table] = key_of(table)
    problems.extend(_check_items(seeds, keys))
    if problems:
        raise InputFileError(problems)
    return SeedPlan(seeds, keys)


# --- users ---------------------------------------------------------------------------


def _users(check: Checker, doc: YamlMap, table: str, known: dict[str, User]) -> Iterable[SeedItem]:
    required = ("uuid", "handle", "display_name")
    for entry, path, line in _entries(check, doc, "users", allowed=_USER_FIELDS, required=required):
        user_uuid = _uuid(check, entry, path)
        handle = check.text(entry, "handle", join(path, "handle"))
        display_name = check.text(entry, "display_name", join(path, "display_name"))
        cognito = check.text(entry, "cognito_user_id", join(path, "cognito_user_id"))
        if handle is not None and not _HANDLE.fullmatch(handle):
            check.add(
                line_of(entry, "handle"),
                join(path, "handle"),
                f"{handle!r} is not a handle: use 1 to 64 letters, digits, '_', '.' or '-'",
            )
            handle = None
        if handle is not None and handle in known:
            check.add(line_of(entry, "handle"), join(path, "handle"), f"handle {handle!r} is used twice")
            continue
        if user_uuid and any(u.uuid == user_uuid for u in known.values()):
            check.add(line_of(entry, "uuid"), join(path, "uuid"), f"uuid {user_uuid} is used by another user")
        if user_uuid is None or handle is None or display_name is None:
            continue
        user = User(user_uuid, handle, display_name, cognito)
        known[handle] = user
        yield SeedItem(table, "user", model.user_item(user), check.file, line, path)


# --- conversations -------------------------------------------------------------------


@dataclass(frozen=True)
class _Message:
    sender: User
    text: str
    at: datetime
    line: int | None
    path: str


def _conversations(check: Checker, doc: YamlMap, table: str, users: Mapping[str, User]) -> Iterable[SeedItem]:
    required = ("uuid", "participants")
    for entry, path, line in _entries(
        check, doc, "conversations", allowed=_CONVERSATION_FIELDS, required=required
    ):
        group_uuid = _uuid(check, entry, path)
        participants = _participants(check, entry, path, users)
        messages = _messages(check, entry, path, participants)
        if group_uuid is None or participants is None or not messages:
            continue
        for index, message in enumerate(messages):
            message_uuid = str(uuid.uuid5(uuid.UUID(group_uuid), str(index)))
            item = model.message_item(group_uuid, message_uuid, message.sender, message.text, message.at)
            yield SeedItem(table, "message", item, check.file, message.line, message.path)
        last = max(messages, key=lambda m: m.at)
        first, second = participants
        for owner, other in ((first, second), (second, first)):
            item = model.group_item(owner, other, group_uuid, last.text, last.at)
            yield SeedItem(table, "group", item, check.file, line, path)


def _participants(
    check: Checker, entry: YamlMap, path: str, users: Mapping[str, User]
) -> tuple[User, User] | None:
    raw = entry.get("participants")
    where, line = join(path, "participants"), line_of(entry, "participants")
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != 2 or not all(isinstance(h, str) for h in raw):
        check.add(line, where, "expected two handles: [Person 1, Person 2]")
        return None
    if raw[0] == raw[1]:
        check.add(line, where, f"{raw[0]!r} cannot talk to themselves: name two different users")
        return None
    unknown = [handle for handle in raw if handle not in users]
    for handle in unknown:
        check.add(line, where, f"unknown handle {handle!r}: add the user under `users:` in a seed file")
    if unknown:
        return None
    return users[raw[0]], users[raw[1]]


def _messages(
    check: Checker, entry: YamlMap, path: str, participants: tuple[User, User] | None
) -> list[_Message]:
    has_transcript, has_list = entry.get("transcript") is not None, entry.get("messages") is not None
    if has_transcript == has_list:
        check.add(line_of(entry), path, "give either `transcript:` or `messages:`, not both or neither")
        return []
    lines = _transcript(check, entry, path) if has_transcript else _message_list(check, entry, path)
    starts_at = every = None
    if any(line[2] is None for line in lines):
        starts_at = _time(check, entry, "starts_at", join(path, "starts_at"), required=True)
        every = _every(check, entry, join(path, "every"))
    if participants is None:
        return []
    messages = []
    for index, (who, text, at, line, where) in enumerate(lines):
        if at is None:
            if starts_at is None or every is None:
                continue
            at = starts_at + index * every
        sender = _sender(check, who, participants, line, where)
        if sender is not None:
            messages.append(_Message(sender, text, at, line, where))
    return messages if len(messages) == len(lines) else []


_Line = tuple[int | str, str, datetime | None, int | None, str]


def _transcript(check: Checker, entry: YamlMap, path: str) -> list[_Line]:
    text = entry.get("transcript")
    where = join(path, "transcript")
    if not isinstance(text, str):
        check.add(line_of(entry, "transcript"), where, "expected text: `Person 1: ...` lines in a `|` block")
        return []
    first_line = line_of(entry, "transcript") or 0
    # A `|` block starts on the line after its key, one transcript line per file line.
    offset = 1 if "\n" in text else 0
    lines: list[_Line] = []
    malformed = False
    for number, raw in enumerate(text.splitlines()):
        if not raw.strip():
            continue
        line = first_line + offset + number
        match = _TRANSCRIPT_LINE.fullmatch(raw.strip())
        if match is None:
            check.add(line, where, f"{_clip(raw)!r} is not `Person 1: text` or `Person 2: text`")
            malformed = True
            continue
        lines.append((int(match.group(1)), match.group(2), None, line, where))
    if not lines and not malformed:
        check.add(line_of(entry, "transcript"), where, "the transcript has no messages")
    return lines


def _message_list(check: Checker, entry: YamlMap, path: str) -> list[_Line]:
    where = join(path, "messages")
    if not entry["messages"]:
        check.add(line_of(entry, "messages"), where, "expected a list of {from, text, at}")
        return []
    lines: list[_Line] = []
    required = ("from", "text")
    for message, item_path, line in _entries(check, entry, where, allowed=_MESSAGE_FIELDS, required=required):
        sender = check.text(message, "from", join(item_path, "from"))
        text = check.text(message, "text", join(item_path, "text"))
        at = _time(check, message, "at", join(item_path, "at"), required=False)
        bad_time = at is None and message.get("at") is not None
        if sender is not None and text is not None and not bad_time:
            lines.append((sender, text, at, line, item_path))
    return lines


def _sender(
    check: Checker, who: int | str, participants: tuple[User, User], line: int | None, where: str
) -> User | None:
    if isinstance(who, int):
        return participants[who - 1]
    for user in participants:
        if user.handle == who:
            return user
    check.add(
        line,
        join(where, "from"),
        f"{who!r} is not in this conversation: use {participants[0].handle!r} or {participants[1].handle!r}",
    )
    return None


def _time(check: Checker, container: YamlMap, key: str, path: str, *, required: bool) -> datetime | None:
    raw = container.get(key)
    if raw is None:
        if required:
            check.add(line_of(container), path, "missing; needed to give messages their times")
        return None
    hint = "write ISO-8601 with a zone: 2023-12-31T22:00:00Z"
    if not isinstance(raw, str):
        check.add(line_of(container, key), path, f"{raw!r} is not a time; {hint}")
        return None
    try:
        return model.parse_timestamp(raw)
    except ValueError as exc:
        check.add(line_of(container, key), path, f"{exc}; {hint}")
        return None


def _every(check: Checker, entry: YamlMap, path: str) -> timedelta | None:
    raw = entry.get("every")
    line = line_of(entry, "every") if raw is not None else line_of(entry)
    match = _EVERY.fullmatch(raw) if isinstance(raw, str) else None
    if match and any(match.groups()):
        hours, minutes, seconds = (int(part or 0) for part in match.groups())
        gap = timedelta(hours=hours, minutes=minutes, seconds=seconds)
        if gap:
            return gap
    shown = "missing" if raw is None else f"{raw!r} is not a gap"
    check.add(line, path, f"{shown}: write the time between messages as 45s, 5m, 1h or 1h30m")
    return None


# --- plain items ---------------------------------------------------------------------


def _plain_items(check: Checker, doc: YamlMap, table: str) -> Iterable[SeedItem]:
    for raw, path, line in _entries(check, doc, "items", allowed=None):
        bad_names = [name for name in raw if not isinstance(name, str) or not name]
        for name in bad_names:
            check.add(line_of(raw, name), join(path, str(name)), "an attribute name is non-empty text")
        if not raw:
            check.add(line, path, "an item needs at least its key attributes")
        elif not bad_names:
            yield SeedItem(table, "item", from_yaml(raw), check.file, line, path, source=raw)


# --- checks across items -------------------------------------------------------------


def _check_items(seeds: Sequence[SeedItem], keys: Mapping[str, TableKey]) -> Iterable[Problem]:
    reported_designs: set[tuple[str, str]] = set()
    seen: dict[tuple[str, tuple[Any, ...]], SeedItem] = {}
    for seed in seeds:
        key = keys.get(seed.table)
        if key is None:
            continue
        if seed.kind != "item" and key != MESSAGING_KEY:
            if (seed.file, seed.table) not in reported_designs:
                reported_designs.add((seed.file, seed.table))
                yield seed.problem(
                    f"users and conversations need a table keyed by pk (S) and sk (S); "
                    f"{seed.table!r} is keyed by {_show_key(key)}"
                )
            continue
        found = item_problems(seed.item, key.types, key.names)
        yield from (seed.problem(problem.message, problem.path) for problem in found)
        if not all(scalar_type(seed.item.get(name)) == kind for name, kind in key.attributes):
            continue
        values = tuple(seed.item[name] for name in key.names)
        first = seen.setdefault((seed.table, values), seed)
        if first is not seed:
            where = f"{first.file}:{first.line}" if first.line else first.file
            yield seed.problem(f"key {_show_values(key, values)} is also written by {where} ({first.field})")


def _show_key(key: TableKey) -> str:
    return ", ".join(f"{name} ({kind})" for name, kind in key.attributes)


def _show_values(key: TableKey, values: tuple[Any, ...]) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in zip(key.names, values, strict=True))


# --- helpers -------------------------------------------------------------------------


def _entries(
    check: Checker,
    container: YamlMap,
    path: str,
    *,
    allowed: Sequence[str] | None,
    required: Sequence[str] = (),
) -> Iterable[tuple[YamlMap, str, int | None]]:
    """The mappings of the list at `path` (its last part names it in `container`).

    Yields each entry that is a mapping, its field path and line; `allowed=None`
    accepts any field. Whatever is wrong is recorded on `check`.
    """
    key = path.rsplit(".", 1)[-1]
    raw = container.get(key)
    if raw is None:
        return
    if not isinstance(raw, YamlList):
        check.add(line_of(container, key), path, f"expected a list, found {describe_type(raw)}")
        return
    for position, entry in enumerate(raw):
        entry_path, line = join(path, position), line_of(raw, position)
        fields = list(entry) if allowed is None and isinstance(entry, dict) else allowed or ()
        mapping = check.mapping(entry, entry_path, line, allowed=fields, required=required)
        if mapping is not None:
            yield mapping, entry_path, line


def _uuid(check: Checker, entry: YamlMap, path: str) -> str | None:
    raw = entry.get("uuid")
    if raw is None:
        return None
    if isinstance(raw, str) and model.is_uuid(raw):
        return raw.lower()
    check.add(
        line_of(entry, "uuid"), join(path, "uuid"), f"{_clip(str(raw))!r} is not a uuid (8-4-4-4-12 hex)"
    )
    return None


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
