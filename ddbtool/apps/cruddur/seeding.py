"""The messaging app's seed sections: `users` and `conversations`, read and written.

- `users`: uuid, handle, display_name, optional cognito_user_id;
- `conversations`: uuid, two participants by handle, `starts_at`, `every` and
  a `Person 1: ...` / `Person 2: ...` transcript or a structured `messages` list.

With the app's users in PostgreSQL (`--users-db`), users are the database's:
each handle's uuid and display name come from it, a seed file's values for a
handle must agree with it or be absent, a handle it lacks is a problem of the
file, and no user items are written.

Everything derived is deterministic (message uuids are uuid5 of the
conversation and position, message times are `starts_at + i * every`), so the
same files give the very same items.

Writing: messages belong to the seed alone and go through the seed's batch writer.
Two kinds share their items with other commands, and are written so that a
re-run converges instead of undoing their work:

- a user item gets an UpdateItem of the attributes the seed gives, so the
  `cognito_user_id` that `update-cognito-ids` wrote survives a seed without one;
- a conversation's group items sit at the time of its last message, which the
  stream moves on as messages arrive: each participant ends with exactly one group
  item, at the seed's last message or a newer one (inbox.converge_groups).

Messages go first and group items last, so a group never names a message that
is not yet written.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ddbtool.apps.cruddur import model
from ddbtool.apps.cruddur.model import User
from ddbtool.apps.cruddur.users import UsersDb
from ddbtool.items.seedfile import KeyRule, SeedDocument, SeedItem, TableKey, clip, entries
from ddbtool.yamlfile import Checker, join, line_of
from ddbtool.yamltypes import YamlMap

if TYPE_CHECKING:
    from ddbtool.items.seed import SeedWrite

MESSAGING_KEY = TableKey((("pk", "S"), ("sk", "S")))
_KEY_RULE = KeyRule(MESSAGING_KEY, "users and conversations need a table keyed by pk (S) and sk (S)")
_USER_FIELDS = ("uuid", "handle", "display_name", "cognito_user_id")
_CONVERSATION_FIELDS = ("uuid", "participants", "starts_at", "every", "transcript", "messages")
_MESSAGE_FIELDS = ("from", "text", "at")
_HANDLE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_EVERY = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_TRANSCRIPT_LINE = re.compile(r"Person ([12]):\s*(\S.*?)\s*")


def read_seeds(documents: Sequence[SeedDocument], users_db: UsersDb | None = None) -> Iterable[SeedItem]:
    """The items of every file's users, then of every file's conversations (which name those users).

    With `users_db` every handle the files name is looked up there, in one query.
    """
    database = None
    if users_db is not None:
        from ddbtool.apps.cruddur.postgres_users import PostgresUsers

        database = _Database(PostgresUsers(users_db).find(_handles(documents)), users_db.where)
    users: dict[str, User] = {}
    for document in documents:
        yield from _users(document.check, document.doc, document.table, users, database)
    known = users if database is None else {**database.users, **users}
    for document in documents:
        yield from _conversations(document.check, document.doc, document.table, known, database)


def write_seeds(write: SeedWrite) -> list[str]:
    """Write one table's users and group items (messages are batched); see the module's docstring."""
    from ddbtool.apps.cruddur.inbox import converge_groups
    from ddbtool.items.batch import write_each
    from ddbtool.items.seed import update_attributes

    client, table, key, options = write.client, write.table, write.key, write.options
    users = [[seed.item] for seed in write.seeds if seed.kind == "user"]
    write_each(table, users, lambda unit: update_attributes(client, table, unit[0], key), key, **options)

    conversations: dict[str, list[Mapping[str, object]]] = {}
    for seed in write.seeds:
        if seed.kind == "group":
            conversations.setdefault(seed.item["message_group_uuid"], []).append(seed.item)
    units = list(conversations.values())
    kept_newer = sum(
        write_each(table, units, lambda unit: converge_groups(client, table, unit), key, **options)
    )
    if not kept_newer:
        return []
    return [f"{kept_newer} group items were already at a newer message than the seed's and kept it"]


# --- users ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Database:
    """The users PostgreSQL holds for the handles the files name, and where that is."""

    users: Mapping[str, User]
    where: str


def _handles(documents: Sequence[SeedDocument]) -> list[str]:
    """Every handle the files name, read loosely: validation reports malformed entries later."""
    handles: list[str] = []
    for document in documents:
        for entry in _list(document.doc.get("users")):
            if isinstance(entry, dict) and isinstance(entry.get("handle"), str):
                handles.append(entry["handle"])
        for entry in _list(document.doc.get("conversations")):
            participants = entry.get("participants") if isinstance(entry, dict) else None
            handles += [h for h in _list(participants) if isinstance(h, str)]
    return handles


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _users(
    check: Checker, doc: YamlMap, table: str, known: dict[str, User], database: _Database | None
) -> Iterable[SeedItem]:
    required = ("uuid", "handle", "display_name") if database is None else ("handle",)
    for entry, path, line in entries(check, doc, "users", allowed=_USER_FIELDS, required=required):
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
        if database is not None and handle is not None:
            given = {"uuid": user_uuid, "display_name": display_name, "cognito_user_id": cognito}
            if (stored := _stored_user(check, entry, path, handle, given, database)) is not None:
                known[handle] = stored
            continue  # the database holds the users: no user items
        if user_uuid is None or handle is None or display_name is None:
            continue
        user = User(user_uuid, handle, display_name, cognito)
        known[handle] = user
        yield SeedItem(table, "user", model.user_item(user), check.file, line, path, key_rule=_KEY_RULE)


def _stored_user(
    check: Checker, entry: YamlMap, path: str, handle: str, given: dict[str, str | None], database: _Database
) -> User | None:
    """The database's user of `handle`, if it holds one and the file's values agree with it."""
    stored = database.users.get(handle)
    if stored is None:
        check.add(
            line_of(entry, "handle"),
            join(path, "handle"),
            f"handle {handle!r} is not in {database.where}: add the user there, or remove it here",
        )
        return None
    differ = False
    for name, value in given.items():
        if value is not None and value != getattr(stored, name):
            differ = True
            check.add(
                line_of(entry, name),
                join(path, name),
                f"{value!r} differs from {getattr(stored, name)!r}, the {name} of {handle!r} in "
                f"{database.where}: make them agree, or remove it to take the database's",
            )
    return None if differ else stored


# --- conversations -------------------------------------------------------------------


@dataclass(frozen=True)
class _Message:
    sender: User
    text: str
    at: datetime
    line: int | None
    path: str


def _conversations(
    check: Checker, doc: YamlMap, table: str, users: Mapping[str, User], database: _Database | None
) -> Iterable[SeedItem]:
    required = ("uuid", "participants")
    missing = (
        "add the user under `users:` in a seed file"
        if database is None
        else f"it is not in {database.where}: add the user there"
    )
    for entry, path, line in entries(
        check, doc, "conversations", allowed=_CONVERSATION_FIELDS, required=required
    ):
        group_uuid = _uuid(check, entry, path)
        participants = _participants(check, entry, path, users, missing)
        messages = _messages(check, entry, path, participants)
        if group_uuid is None or participants is None or not messages:
            continue
        for index, message in enumerate(messages):
            message_uuid = str(uuid.uuid5(uuid.UUID(group_uuid), str(index)))
            item = model.message_item(group_uuid, message_uuid, message.sender, message.text, message.at)
            yield SeedItem(table, "message", item, check.file, message.line, message.path, key_rule=_KEY_RULE)
        last = max(messages, key=lambda m: m.at)
        first, second = participants
        for owner, other in ((first, second), (second, first)):
            item = model.group_item(owner, other, group_uuid, last.text, last.at)
            yield SeedItem(table, "group", item, check.file, line, path, key_rule=_KEY_RULE)


def _participants(
    check: Checker, entry: YamlMap, path: str, users: Mapping[str, User], missing: str
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
        check.add(line, where, f"unknown handle {handle!r}: {missing}")
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
            check.add(line, where, f"{clip(raw)!r} is not `Person 1: text` or `Person 2: text`")
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
    for message, item_path, line in entries(check, entry, where, allowed=_MESSAGE_FIELDS, required=required):
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


def _uuid(check: Checker, entry: YamlMap, path: str) -> str | None:
    raw = entry.get("uuid")
    if raw is None:
        return None
    if isinstance(raw, str) and model.is_uuid(raw):
        return raw.lower()
    check.add(
        line_of(entry, "uuid"), join(path, "uuid"), f"{clip(str(raw))!r} is not a uuid (8-4-4-4-12 hex)"
    )
    return None
