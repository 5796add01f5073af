"""How tables (scan, query, sql) show the messaging app's items."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ddbtool.apps import ItemView
from ddbtool.apps.cruddur.model import kind_of

# What the app writes on each kind besides the key; an item without it is not the app's.
_WRITTEN = {
    "group": ("message_group_uuid", "user_handle"),
    "message": ("message_uuid", "user_handle"),
    "user": ("user_uuid", "user_handle"),
}


def view(item: Mapping[str, Any]) -> ItemView | None:
    """Groups show the other participant, the conversation and the last message;
    messages their sender, uuid and text; users their handle, uuid and Cognito id.
    Items of no kind of this app, or without the attributes the app writes on
    that kind (another design's `MSG#` items), are left to the generic view.
    """
    kind = kind_of(dict(item))
    if kind == "other" or not all(name in item for name in _WRITTEN[kind]):
        return None
    person = f"@{item.get('user_handle')} ({item.get('user_display_name')})"
    if kind == "group":
        return _columns(kind, f"with {person}", item.get("message_group_uuid"), item.get("message"))
    if kind == "message":
        return _columns(kind, f"from {person}", item.get("message_uuid"), item.get("message"))
    if kind == "user":
        cognito = item.get("cognito_user_id")
        return _columns(kind, person, item.get("user_uuid"), f"cognito {cognito}" if cognito else "")
    return None


def _columns(kind: str, who: str, uuid: Any, details: Any) -> ItemView:
    return {"kind": kind, "who": who, "uuid": uuid, "details": details}
