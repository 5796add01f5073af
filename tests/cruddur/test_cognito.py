"""update-cognito-ids: Cognito reached on its own, every page of users, conditional writes."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from ddbtool.apps.cruddur.cognito import PoolUser, cognito_client, link_users, pool_users
from ddbtool.apps.cruddur.model import User, user_item, user_key
from ddbtool.apps.cruddur.users import DynamoUsers, get_user
from ddbtool.errors import UsageError

from ..messaging import create_table, write
from ..support import free_port

HANDLES = 64  # more than ListUsers' page of 60
WITHOUT_PREFERRED_USERNAME = ("robot-1", "robot-2")
NOT_IN_TABLE = ("ghost-1", "ghost-2")


def handle(n: int) -> str:
    return f"user{n:02d}"


@pytest.fixture
def pool(moto: None) -> tuple[Any, str]:
    """A user pool of HANDLES users with preferred_username, 2 without, 2 with no user item."""
    client = boto3.client("cognito-idp", region_name="us-east-1")
    pool_id = client.create_user_pool(PoolName="cruddur")["UserPool"]["Id"]
    for name in [*(handle(n) for n in range(HANDLES)), *NOT_IN_TABLE]:
        client.admin_create_user(
            UserPoolId=pool_id,
            Username=f"cognito-{name}",
            UserAttributes=[{"Name": "preferred_username", "Value": name}],
        )
    for name in WITHOUT_PREFERRED_USERNAME:
        client.admin_create_user(UserPoolId=pool_id, Username=name)
    return client, pool_id


@pytest.fixture
def users_table(dynamodb: Any) -> str:
    table = create_table(dynamodb)
    write(dynamodb, [user_item(User(f"uuid-{n}", handle(n), f"User {n}")) for n in range(HANDLES)])
    return table


def subs(client: Any, pool_id: str) -> dict[str, str]:
    """preferred_username -> sub, straight from Cognito."""
    return {
        u.preferred_username: u.sub for u in pool_users(client, pool_id) if u.preferred_username and u.sub
    }


def test_pool_users_reads_every_page(pool: tuple[Any, str]) -> None:
    client, pool_id = pool
    found = list(pool_users(client, pool_id))
    assert len(found) == HANDLES + len(NOT_IN_TABLE) + len(WITHOUT_PREFERRED_USERNAME) > 60
    assert {u.username for u in found if u.preferred_username is None} == set(WITHOUT_PREFERRED_USERNAME)
    assert all(u.sub for u in found)


def test_link_writes_only_existing_users_and_is_idempotent(
    pool: tuple[Any, str], dynamodb: Any, users_table: str
) -> None:
    client, pool_id = pool
    first = link_users(DynamoUsers(dynamodb, users_table), pool_users(client, pool_id))
    results = {link.handle or link.cognito_username: link.result for link in first}
    assert [results[handle(n)] for n in range(HANDLES)] == ["updated"] * HANDLES
    assert [results[name] for name in NOT_IN_TABLE] == ["no such user"] * 2
    assert [results[name] for name in WITHOUT_PREFERRED_USERNAME] == ["skipped"] * 2
    expected = subs(client, pool_id)
    for n in (0, HANDLES - 1):  # first and last page
        user = get_user(dynamodb, users_table, handle(n))
        assert user is not None and user.cognito_user_id == expected[handle(n)]
    for name in NOT_IN_TABLE:
        assert "Item" not in dynamodb.get_item(
            TableName=users_table, Key={k: {"S": v} for k, v in user_key(name).items()}
        )

    second = link_users(DynamoUsers(dynamodb, users_table), pool_users(client, pool_id))
    assert {link.result for link in second if link.handle and link.handle.startswith("user")} == {"unchanged"}


def test_a_changed_sub_is_updated(dynamodb: Any, users_table: str) -> None:
    write(dynamodb, [user_item(User("uuid-0", handle(0), "User 0", cognito_user_id="old-sub"))])
    [link] = link_users(DynamoUsers(dynamodb, users_table), [PoolUser("c0", "new-sub", handle(0))])
    assert link.result == "updated"
    user = get_user(dynamodb, users_table, handle(0))
    assert user is not None and user.cognito_user_id == "new-sub"


def test_dry_run_writes_nothing(dynamodb: Any, users_table: str) -> None:
    write(dynamodb, [user_item(User("uuid-1", handle(1), "User 1", cognito_user_id="same"))])
    links = link_users(
        DynamoUsers(dynamodb, users_table),
        [PoolUser("c0", "s0", handle(0)), PoolUser("c1", "same", handle(1)), PoolUser("g", "s", "ghost")],
        dry_run=True,
    )
    assert [link.result for link in links] == ["would update", "unchanged", "no such user"]
    user = get_user(dynamodb, users_table, handle(0))
    assert user is not None and user.cognito_user_id is None


def test_a_handle_claimed_twice_is_skipped(dynamodb: Any, users_table: str) -> None:
    links = link_users(
        DynamoUsers(dynamodb, users_table), [PoolUser("a", "s-a", handle(0)), PoolUser("b", "s-b", handle(0))]
    )
    assert [(link.result, link.reason) for link in links] == [("skipped", "2 Cognito users claim it")] * 2
    user = get_user(dynamodb, users_table, handle(0))
    assert user is not None and user.cognito_user_id is None


def test_cognito_never_follows_the_dynamodb_target(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:8000")
    pool_id = "eu-west-2_AbC123xyz"
    assert cognito_client(pool_id).meta.endpoint_url == "https://cognito-idp.eu-west-2.amazonaws.com"
    assert cognito_client(pool_id, region="us-east-1").meta.region_name == "us-east-1"
    # botocore's own variable for the service; the CLI adds AWS_ENDPOINT_URL_COGNITO_IDP.
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "http://localhost:9229")
    assert cognito_client(pool_id).meta.endpoint_url == "http://localhost:9229"
    explicit = cognito_client(pool_id, endpoint_url="http://127.0.0.1:5000")
    assert explicit.meta.endpoint_url == "http://127.0.0.1:5000"


def test_a_malformed_pool_id_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="is not a user pool id"):
        cognito_client("cruddur")


# --- the command ---------------------------------------------------------------------


def test_command_links_reports_and_is_idempotent(cli: Any, pool: tuple[Any, str], users_table: str) -> None:
    client, pool_id = pool
    result = cli("update-cognito-ids", "--user-pool-id", pool_id, "-o", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == HANDLES + 4
    by_handle = {row["handle"]: row for row in rows if row["handle"]}
    assert by_handle[handle(0)] == {
        "cognito_username": "cognito-user00",
        "handle": handle(0),
        "sub": subs(client, pool_id)[handle(0)],
        "result": "updated",
        "reason": "",
    }
    assert by_handle["ghost-1"]["result"] == "no such user"
    stderr = result.stderr
    assert f"reading user pool {pool_id} → https://cognito-idp.us-east-1.amazonaws.com" in stderr
    assert "writing cognito_user_id to cruddur-messages → https://dynamodb.us-east-1.amazonaws.com" in stderr
    assert "warning: skipped 2 Cognito user(s): robot-1 (no preferred_username), robot-2" in stderr

    again = cli("update-cognito-ids", "--user-pool-id", pool_id)
    assert again.exit_code == 0
    table_rows = [line for line in again.stdout.splitlines() if line.startswith("│ user")]
    assert len(table_rows) == HANDLES
    assert all("unchanged" in line for line in table_rows)
    assert "updated" not in again.stdout
    assert "(robot-1)" in again.stdout and "skipped: no preferred_username" in again.stdout


def test_command_reads_the_pool_from_the_environment_and_dry_runs(
    cli: Any, pool: tuple[Any, str], users_table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_COGNITO_USER_POOL_ID", pool[1])
    result = cli("update-cognito-ids", "--dry-run", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert {row["result"] for row in json.loads(result.stdout)} == {"would update", "no such user", "skipped"}
    assert "writing" not in result.stderr
    again = cli("update-cognito-ids", "--dry-run", "-o", "json")
    assert {row["result"] for row in json.loads(again.stdout)} == {"would update", "no such user", "skipped"}


def test_command_without_a_pool_is_exit_2(cli: Any, users_table: str) -> None:
    result = cli("update-cognito-ids")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "error: no user pool given: pass --user-pool-id or set AWS_COGNITO_USER_POOL_ID"
    )


def test_command_takes_cognito_from_its_own_variable(
    cli: Any, users_table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDP", nobody)
    result = cli("update-cognito-ids", "--user-pool-id", "us-east-1_AbC123")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"reading user pool us-east-1_AbC123 → {nobody}",
        f"error: cannot reach Cognito at {nobody}: check --cognito-endpoint-url and "
        "AWS_ENDPOINT_URL_COGNITO_IDP, or unset them to use AWS",
    ]
