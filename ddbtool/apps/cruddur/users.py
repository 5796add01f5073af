"""User items: look a user up by handle with one GetItem (never a Scan)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ddbtool.apps.cruddur.model import User, user_key
from ddbtool.errors import NotFoundError
from ddbtool.values import from_dynamo, to_dynamo

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def get_user(client: DynamoDBClient, table: str, handle: str) -> User | None:
    """The user with this handle, or None."""
    response = client.get_item(TableName=table, Key=to_dynamo(user_key(handle)))
    if "Item" not in response:
        return None
    item = from_dynamo(response["Item"])
    return User(
        uuid=item["user_uuid"],
        handle=item["user_handle"],
        display_name=item["user_display_name"],
        cognito_user_id=item.get("cognito_user_id"),
    )


def require_user(client: DynamoDBClient, table: str, handle: str) -> User:
    """The user with this handle, or NotFoundError saying how to add one."""
    user = get_user(client, table, handle)
    if user is None:
        raise NotFoundError(
            f"no user with handle {handle!r} in table {table!r}; check the spelling, "
            "or add the user to a seed file and run `ddbtool seed`"
        )
    return user
