"""schema-load --plan and --apply: the installed `ddbtool` changing a live table, on moto's
server and on DynamoDB Local, each change checked on the table itself afterwards.

Some changes run on one engine only, because the other lacks the API (the README says so):
moto cannot turn a stream on again once it was turned off (so a new view type, off then on,
runs on DynamoDB Local); DynamoDB Local has no tagging and no point-in-time recovery (so
those run on moto). Neither keeps a table class: that is tested in tests/core.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ..faults import FaultProxy
from ..support import SCHEMAS, aws_client

pytestmark = pytest.mark.e2e

TABLE = "cruddur-messages"
BUNDLED = (SCHEMAS / "cruddur-messages.yaml").read_text()
NEW_INDEX = """\
  - name: by-user
    key:
      partition: user_uuid
      sort: sk
    projection: KEYS_ONLY
    capacity:
      read: 1
      write: 1

# The message-group update"""


def with_new_index(text: str) -> str:
    text = text.replace("  message_group_uuid: S\n", "  message_group_uuid: S\n  user_uuid: S\n")
    return text.replace("\n# The message-group update", NEW_INDEX)


@dataclass(frozen=True)
class Change:
    edit: Callable[[str], str]
    steps: list[str]  # the plan's changes, in order
    check: Callable[[Any], bool]  # on the test's own client, once applied
    engines: tuple[str, ...] = ("moto", "dynamodb-local")
    flags: tuple[str, ...] = ()


def described(client: Any) -> dict[str, Any]:
    return dict(client.describe_table(TableName=TABLE)["Table"])


def indexes(client: Any) -> dict[str, str]:
    found = described(client).get("GlobalSecondaryIndexes", [])
    return {i["IndexName"]: i["Projection"]["ProjectionType"] for i in found}


def stream(client: Any) -> str | None:
    spec = described(client).get("StreamSpecification") or {}
    return spec.get("StreamViewType") if spec.get("StreamEnabled") else None


def tags(client: Any) -> dict[str, str]:
    arn = described(client)["TableArn"]
    return {t["Key"]: t["Value"] for t in client.list_tags_of_resource(ResourceArn=arn)["Tags"]}


CHANGES = {
    "a new global index": Change(
        with_new_index,
        ["create global index by-user"],
        lambda c: indexes(c) == {"message-group-sk-index": "ALL", "by-user": "KEYS_ONLY"},
    ),
    "a global index replaced": Change(
        lambda text: text.replace("projection: ALL", "projection: KEYS_ONLY"),
        [
            "replace global index message-group-sk-index (delete)",
            "replace global index message-group-sk-index (create)",
        ],
        lambda c: indexes(c) == {"message-group-sk-index": "KEYS_ONLY"},
        flags=("--replace-indexes",),
    ),
    "capacity": Change(
        lambda text: text.replace("capacity:\n  read: 5", "capacity:\n  read: 7"),
        ["capacity read 7 / write 5"],
        lambda c: described(c)["ProvisionedThroughput"]["ReadCapacityUnits"] == 7,
    ),
    "on-demand billing": Change(
        lambda text: (
            text.replace("billing: PROVISIONED", "billing: PAY_PER_REQUEST")
            .replace("capacity:\n  read: 5\n  write: 5\n", "")
            .replace("    capacity:\n      read: 5\n      write: 5\n", "")
        ),
        ["billing PAY_PER_REQUEST"],
        lambda c: described(c).get("BillingModeSummary", {}).get("BillingMode") == "PAY_PER_REQUEST",
    ),
    "stream off": Change(
        lambda text: text.replace("stream: NEW_IMAGE\n", ""),
        ["stream off"],
        lambda c: stream(c) is None,
    ),
    "a new stream view type": Change(
        lambda text: text.replace("stream: NEW_IMAGE", "stream: NEW_AND_OLD_IMAGES"),
        ["stream off", "stream on (NEW_AND_OLD_IMAGES)"],
        lambda c: stream(c) == "NEW_AND_OLD_IMAGES",
        engines=("dynamodb-local",),
    ),
    "ttl": Change(
        lambda text: text + "ttl: expires_at\n",
        ["TTL on (expires_at)"],
        lambda c: (
            c.describe_time_to_live(TableName=TABLE)["TimeToLiveDescription"].get("AttributeName")
            == "expires_at"
        ),
    ),
    "deletion protection": Change(
        lambda text: text.replace("deletion_protection: false", "deletion_protection: true"),
        ["deletion protection on"],
        lambda c: described(c)["DeletionProtectionEnabled"] is True,
    ),
    "tags": Change(
        lambda text: text.replace("  app: cruddur", "  team: messages"),
        ["tags team=messages", "remove tags app"],
        lambda c: tags(c) == {"team": "messages"},
        engines=("moto",),
    ),
    "point-in-time recovery": Change(
        lambda text: text + "point_in_time_recovery: true\n",
        ["point-in-time recovery on"],
        lambda c: (
            c.describe_continuous_backups(TableName=TABLE)["ContinuousBackupsDescription"][
                "PointInTimeRecoveryDescription"
            ]["PointInTimeRecoveryStatus"]
            == "ENABLED"
        ),
        engines=("moto",),
    ),
}


def engine_of(request: pytest.FixtureRequest) -> str:
    return str(request.node.callspec.params["endpoint"])


@pytest.fixture
def bundled_table(ddbtool: Any, endpoint: str) -> Iterator[list[str]]:
    target = ["--endpoint-url", endpoint]
    created = ddbtool("schema-load", *target)
    assert created.returncode == 0, created.stderr
    yield target
    # Deletion protection would keep the next test's clean-up from deleting the table.
    aws_client("dynamodb", endpoint).update_table(TableName=TABLE, DeletionProtectionEnabled=False)


def plan_of(ddbtool: Any, *args: str) -> tuple[int, dict[str, Any]]:
    planned = ddbtool("schema-load", *args, "--plan", "-o", "json")
    assert planned.returncode in (0, 1), planned.stderr
    [plan] = json.loads(planned.stdout)
    return planned.returncode, plan


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "cruddur-messages.yaml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("kind", list(CHANGES))
def test_each_change_is_planned_applied_then_up_to_date(
    ddbtool: Any,
    endpoint: str,
    bundled_table: list[str],
    tmp_path: Path,
    kind: str,
    request: pytest.FixtureRequest,
) -> None:
    change = CHANGES[kind]
    if engine_of(request) not in change.engines:
        pytest.skip(f"{engine_of(request)} lacks the API for this change (see the module's docstring)")
    file = write(tmp_path, change.edit(BUNDLED))
    client = aws_client("dynamodb", endpoint)

    code, plan = plan_of(ddbtool, file, *change.flags, *bundled_table)
    assert code == 0 and plan["status"] == "changes"
    assert [step["change"] for step in plan["steps"]] == change.steps
    assert not change.check(client), "the plan changed nothing"

    applied = ddbtool("schema-load", file, "--apply", *change.flags, *bundled_table)
    assert applied.returncode == 0, applied.stderr
    assert f"{TABLE}: {len(change.steps)} of {len(change.steps)} steps made" in applied.stderr
    assert change.check(client)
    assert described(client)["TableStatus"] == "ACTIVE"
    code, again = plan_of(ddbtool, file, *bundled_table)
    assert (code, again["status"], again["steps"]) == (0, "up to date", [])


def test_changes_then_back_to_the_bundled_file(
    ddbtool: Any, endpoint: str, bundled_table: list[str], tmp_path: Path
) -> None:
    changed = with_new_index(BUNDLED).replace("deletion_protection: false", "deletion_protection: true")
    file = write(tmp_path, changed + "ttl: expires_at\n")
    assert ddbtool("schema-load", file, "--apply", *bundled_table).returncode == 0
    back = ddbtool("schema-load", "--apply", "-o", "json", *bundled_table)
    assert back.returncode == 0, back.stderr
    [plan] = json.loads(back.stdout)  # the plan it made
    assert [s["change"] for s in plan["steps"]] == [
        "delete global index by-user",
        "deletion protection off",
        "TTL off (expires_at)",
    ]
    client = aws_client("dynamodb", endpoint)
    assert indexes(client) == {"message-group-sk-index": "ALL"}
    assert described(client).get("DeletionProtectionEnabled") is False
    code, plan = plan_of(ddbtool, *bundled_table)
    assert (code, plan["status"]) == (0, "up to date")


def test_a_key_change_is_refused_with_nothing_changed(
    ddbtool: Any, endpoint: str, bundled_table: list[str], tmp_path: Path
) -> None:
    client = aws_client("dynamodb", endpoint)
    before = described(client)
    # Without its entities and access patterns, whose keys name the sort key.
    table_only = BUNDLED.split("\n# The entities")[0]
    changed = with_new_index(table_only).replace("  sort: sk\n\nbilling", "\nbilling")
    file = write(tmp_path, changed)
    code, plan = plan_of(ddbtool, file, *bundled_table)
    assert code == 1 and plan["status"] == "needs recreate"
    assert [r["what"] for r in plan["recreate"]] == ["key"]
    assert [s["change"] for s in plan["steps"]] == ["create global index by-user"]  # shown, not made

    applied = ddbtool("schema-load", file, "--apply", "--yes", *bundled_table)
    assert applied.returncode == 1
    assert "cannot be changed in place" in applied.stderr and "nothing was changed" in applied.stderr
    after = described(client)
    assert {k: after[k] for k in ("KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes")} == {
        k: before[k] for k in ("KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes")
    }
    assert plan_of(ddbtool, *bundled_table)[1]["status"] == "up to date"


def test_an_interrupted_apply_completes_on_a_second_run(
    ddbtool: Any, endpoint: str, bundled_table: list[str], tmp_path: Path
) -> None:
    text = (
        with_new_index(BUNDLED).replace("capacity:\n  read: 5", "capacity:\n  read: 7") + "ttl: expires_at\n"
    )
    file = write(tmp_path, text)
    with FaultProxy(endpoint).running() as proxy:
        # The first UpdateTable (capacity) goes through; the second (the new index) fails
        # every one of botocore's attempts.
        rule = proxy.add("error500", "UpdateTable", skip=1, times=10)
        broken = ddbtool("schema-load", file, "--apply", "--endpoint-url", proxy.url)
    assert broken.returncode == 1
    assert rule.fired >= 1
    assert "step 2 (create global index by-user) failed" in broken.stderr
    assert "1 of 3 steps made" in broken.stderr and "run `ddbtool schema-load --apply` again" in broken.stderr

    _, rest = plan_of(ddbtool, file, *bundled_table)
    assert [s["change"] for s in rest["steps"]] == ["create global index by-user", "TTL on (expires_at)"]
    finished = ddbtool("schema-load", file, "--apply", *bundled_table)
    assert finished.returncode == 0, finished.stderr
    assert plan_of(ddbtool, file, *bundled_table)[1]["status"] == "up to date"
    assert "by-user" in indexes(aws_client("dynamodb", endpoint))
