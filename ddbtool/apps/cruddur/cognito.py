"""Link users to their Cognito users: `preferred_username` (the handle) -> `sub`.

Cognito is reached on its own, never through the DynamoDB target: developers keep
a real user pool while their table is local. botocore's chain decides where it
goes (profile, credentials, `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`,
`AWS_ENDPOINT_URL`) unless an endpoint is given.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from ddbtool.apps.cruddur.users import LinkResult, UserDirectory
from ddbtool.aws import chain_client
from ddbtool.errors import EndpointUnreachableError, UsageError

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

# `<region>_<id>`, e.g. us-east-1_AbC123xyz; the region part tells where the pool lives.
_POOL_ID = re.compile(r"^(?P<region>[\w-]+)_[0-9a-zA-Z]+$")

Result = LinkResult | Literal["skipped"]


def pool_region(user_pool_id: str) -> str:
    """The region a user pool id names; UsageError if it is not a pool id."""
    match = _POOL_ID.match(user_pool_id)
    if not match:
        raise UsageError(
            f"--user-pool-id {user_pool_id!r} is not a user pool id; it looks like us-east-1_AbC123xyz"
        )
    return match["region"]


def cognito_client(
    user_pool_id: str,
    *,
    profile: str | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
) -> CognitoIdentityProviderClient:
    """A cognito-idp client from a plain session: botocore's whole chain, no DynamoDB target.

    The region is --region, else the pool id's own; endpoint_url is passed only when
    given, so that botocore still honours its endpoint settings otherwise.
    """
    region = region or pool_region(user_pool_id)
    client: CognitoIdentityProviderClient = chain_client(
        "cognito-idp", profile=profile, region=region, endpoint_url=endpoint_url
    )
    return client


@dataclass(frozen=True)
class PoolUser:
    username: str
    sub: str | None
    preferred_username: str | None


def pool_users(client: CognitoIdentityProviderClient, user_pool_id: str) -> Iterator[PoolUser]:
    """Every user of the pool, every page (ListUsers returns at most 60 a page)."""
    from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError

    try:
        for page in client.get_paginator("list_users").paginate(UserPoolId=user_pool_id):
            for user in page.get("Users", []):
                attributes = {a["Name"]: a.get("Value") for a in user.get("Attributes", [])}
                yield PoolUser(user["Username"], attributes.get("sub"), attributes.get("preferred_username"))
    except (EndpointConnectionError, ConnectTimeoutError):
        raise EndpointUnreachableError(
            f"cannot reach Cognito at {client.meta.endpoint_url}: check --cognito-endpoint-url and "
            "AWS_ENDPOINT_URL_COGNITO_IDP, or unset them to use AWS"
        ) from None


@dataclass(frozen=True)
class Link:
    """What happened to one Cognito user."""

    cognito_username: str
    handle: str | None
    sub: str | None
    result: Result
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def link_users(directory: UserDirectory, users: Iterable[PoolUser], *, dry_run: bool = False) -> list[Link]:
    """Write each Cognito user's sub as `cognito_user_id` on the user of its handle.

    Users without preferred_username (or sub), and handles claimed by several Cognito
    users, are skipped. It never creates users. With `dry_run` it reads and
    reports what it would do.
    """
    users = list(users)
    claims = Counter(u.preferred_username for u in users if u.preferred_username)
    subs = {u.preferred_username: u.sub for u in users if u.preferred_username and u.sub}
    results = directory.link(
        {handle: sub for handle, sub in subs.items() if claims[handle] == 1}, dry_run=dry_run
    )
    links = []
    for user in users:
        handle = user.preferred_username
        if not handle or not user.sub:
            missing = "preferred_username" if not handle else "sub"
            links.append(Link(user.username, handle, user.sub, "skipped", f"no {missing}"))
        elif claims[handle] > 1:
            links.append(
                Link(user.username, handle, user.sub, "skipped", f"{claims[handle]} Cognito users claim it")
            )
        else:
            links.append(Link(user.username, handle, user.sub, results[handle]))
    return links
