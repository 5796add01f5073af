"""The messaging design's item shapes and keys (see the README's data model).

Items here are plain Python values (str, Decimal, ...), the form
TypeDeserializer returns; turning them into DynamoDB's typed form is the
writer's job. Every timestamp is UTC ISO-8601 with offset and microseconds,
so sort keys order correctly as strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal

from ddbtool.times import parse_timestamp as parse_timestamp  # the app's times, as the core reads them

GROUP_INDEX = "message-group-sk-index"
GROUP_PREFIX = "GRP#"
MESSAGE_PREFIX = "MSG#"
USER_PREFIX = "USER#"
USER_SORT_KEY = "USER"
# The key attributes of the table and its index, with their types (as in schemas/).
TABLE_KEY = ("pk", "sk")
KEY_TYPES = {"pk": "S", "sk": "S", "message_group_uuid": "S"}

ItemKind = Literal["group", "message", "user", "other"]

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def is_uuid(text: str) -> bool:
    """True for the canonical 8-4-4-4-12 hex form the app writes (either case)."""
    return bool(_UUID.fullmatch(text))


@dataclass(frozen=True)
class User:
    uuid: str
    handle: str
    display_name: str
    cognito_user_id: str | None = None


def timestamp(moment: datetime) -> str:
    """The one timestamp shape: `2023-01-01T10:00:00.000000+00:00`."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must carry a time zone")
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def user_key(handle: str) -> dict[str, str]:
    """Users are keyed by handle, so a handle resolves to its uuid with one GetItem."""
    return {"pk": f"{USER_PREFIX}{handle}", "sk": USER_SORT_KEY}


def person(user: User) -> dict[str, str]:
    """The attributes that name a user on any item: uuid, display name, handle."""
    return {"user_uuid": user.uuid, "user_display_name": user.display_name, "user_handle": user.handle}


def user_item(user: User) -> dict[str, Any]:
    item = {**user_key(user.handle), **person(user)}
    if user.cognito_user_id:
        item["cognito_user_id"] = user.cognito_user_id
    return item


def group_item(owner: User, other: User, group_uuid: str, last_message: str, at: datetime) -> dict[str, Any]:
    """The owner's inbox entry for a conversation: it names the *other* participant."""
    return {
        "pk": f"{GROUP_PREFIX}{owner.uuid}",
        "sk": timestamp(at),
        "message_group_uuid": group_uuid,
        "message": last_message,
        **person(other),
    }


def message_item(group_uuid: str, message_uuid: str, sender: User, text: str, at: datetime) -> dict[str, Any]:
    """One message; it carries no message_group_uuid, which keeps the index sparse."""
    return {
        "pk": f"{MESSAGE_PREFIX}{group_uuid}",
        "sk": timestamp(at),
        "message_uuid": message_uuid,
        "message": text,
        **person(sender),
    }


def kind_of(item: dict[str, Any]) -> ItemKind:
    """Tell the entities of the single table apart by key prefix."""
    pk = str(item.get("pk", ""))
    if pk.startswith(GROUP_PREFIX):
        return "group"
    if pk.startswith(MESSAGE_PREFIX):
        return "message"
    if pk.startswith(USER_PREFIX) and item.get("sk") == USER_SORT_KEY:
        return "user"
    return "other"
