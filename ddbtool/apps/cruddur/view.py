"""How scan's table view shows the messaging app's items."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ddbtool.apps import ViewRow
from ddbtool.apps.cruddur.model import kind_of


def view(item: Mapping[str, Any]) -> ViewRow | None:
    """Groups show the other participant, the conversation and the last message;
    messages their sender, uuid and text; users their handle, uuid and Cognito id.
    Items of no kind of this app are left to the generic view.
    """
    kind = kind_of(dict(item))
    person = f"@{item.get('user_handle')} ({item.get('user_display_name')})"
    if kind == "group":
        return kind, [f"with {person}", item.get("message_group_uuid"), item.get("message")]
    if kind == "message":
        return kind, [f"from {person}", item.get("message_uuid"), item.get("message")]
    if kind == "user":
        cognito = item.get("cognito_user_id")
        return kind, [person, item.get("user_uuid"), f"cognito {cognito}" if cognito else ""]
    return None
