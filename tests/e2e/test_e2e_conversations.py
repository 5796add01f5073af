"""The access patterns and update-cognito-ids through the installed `ddbtool`, over HTTP.

The DynamoDB target (moto's server or DynamoDB Local) is --endpoint-url; Cognito is
always moto's server, found through AWS_ENDPOINT_URL_COGNITO_IDP, as a developer
would set it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ddbtool.apps.cruddur.model import User, user_item

from ..messaging import ANDREW, EVE_GROUP, NEW_YEAR_GROUP, USERS, conversation_items, write
from ..support import FAKE_AWS, free_port
from ..support import aws_client as client

pytestmark = pytest.mark.e2e


@pytest.fixture
def loaded(ddbtool: Any, endpoint: str) -> str:
    created = ddbtool("schema-load", "--endpoint-url", endpoint)
    assert created.returncode == 0, created.stderr
    write(client("dynamodb", endpoint), [user_item(u) for u in USERS] + conversation_items())
    return endpoint


def test_list_and_get_conversation(ddbtool: Any, loaded: str) -> None:
    target = ["--endpoint-url", loaded]
    listed = ddbtool("list-conversations", "andrewbrown", "-o", "json", *target)
    assert listed.returncode == 0, listed.stderr
    assert [c["message_group_uuid"] for c in json.loads(listed.stdout)] == [NEW_YEAR_GROUP, EVE_GROUP]
    by_uuid = ddbtool("list-conversations", ANDREW.uuid, *target)
    assert by_uuid.returncode == 0
    assert "Andrew Bayko (@bayko)" in by_uuid.stdout and NEW_YEAR_GROUP in by_uuid.stdout

    shown = ddbtool("get-conversation", NEW_YEAR_GROUP, "--all", "--show-capacity", "-o", "jsonl", *target)
    assert shown.returncode == 0, shown.stderr
    times = [json.loads(line)["created_at"] for line in shown.stdout.splitlines()]
    assert len(times) == 25 and times == sorted(times)
    assert times[0].startswith("2022-12-31") and times[-1].startswith("2023-01-01")
    assert "consumed capacity:" in shown.stderr

    table = ddbtool("get-conversation", NEW_YEAR_GROUP, "-n", "2", *target)
    assert table.returncode == 0
    assert "message 023" in table.stdout and "message 024" in table.stdout
    assert "message 022" not in table.stdout


def test_errors_are_one_line_with_their_exit_codes(ddbtool: Any, loaded: str) -> None:
    target = ["--endpoint-url", loaded]
    unknown = ddbtool("list-conversations", "nobody", *target)
    assert (unknown.returncode, unknown.stdout) == (1, "")
    assert unknown.stderr.startswith("error: no user with handle 'nobody'")
    malformed = ddbtool("get-conversation", "5ae290ed", *target)
    assert (malformed.returncode, malformed.stdout) == (2, "")
    assert "Traceback" not in malformed.stderr and "is not a uuid" in malformed.stderr


def test_update_cognito_ids_through_the_cognito_variable(ddbtool: Any, loaded: str, moto_server: str) -> None:
    cognito = client("cognito-idp", moto_server)
    pool_id = cognito.create_user_pool(PoolName="cruddur")["UserPool"]["Id"]
    for user in USERS:
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=user.handle,
            UserAttributes=[{"Name": "preferred_username", "Value": user.handle}],
        )
    cognito.admin_create_user(UserPoolId=pool_id, Username="no-handle")
    env = {**FAKE_AWS, "AWS_ENDPOINT_URL_COGNITO_IDP": moto_server, "AWS_COGNITO_USER_POOL_ID": pool_id}

    first = ddbtool("update-cognito-ids", "--endpoint-url", loaded, "-o", "json", env=env)
    assert first.returncode == 0, first.stderr
    results = {row["cognito_username"]: row["result"] for row in json.loads(first.stdout)}
    assert results == {
        "andrewbrown": "updated",
        "bayko": "updated",
        "londo": "updated",
        "no-handle": "skipped",
    }
    assert f"reading user pool {pool_id} → {moto_server}" in first.stderr

    stored = client("dynamodb", loaded).get_item(
        TableName="cruddur-messages", Key={"pk": {"S": "USER#bayko"}, "sk": {"S": "USER"}}
    )["Item"]
    subs = {u["Username"]: u for u in cognito.list_users(UserPoolId=pool_id)["Users"]}
    sub = next(a["Value"] for a in subs["bayko"]["Attributes"] if a["Name"] == "sub")
    assert stored["cognito_user_id"] == {"S": sub}

    second = ddbtool("update-cognito-ids", "--endpoint-url", loaded, "-o", "json", env=env)
    assert second.returncode == 0
    assert {row["result"] for row in json.loads(second.stdout) if row["handle"]} == {"unchanged"}


def test_the_dynamodb_target_does_not_redirect_cognito(ddbtool: Any, loaded: str) -> None:
    # DynamoDB answers at the server; Cognito is pointed at a port where nothing listens.
    nobody = f"http://127.0.0.1:{free_port()}"
    write(client("dynamodb", loaded), [user_item(User("u", "solo", "Solo"))])
    env = {**FAKE_AWS, "AWS_ENDPOINT_URL_COGNITO_IDP": nobody}
    result = ddbtool(
        "update-cognito-ids", "--user-pool-id", "us-east-1_AbC123", "--endpoint-url", loaded, env=env
    )
    assert result.returncode == 1
    assert f"error: cannot reach Cognito at {nobody}" in result.stderr
