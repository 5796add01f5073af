"""Plans from a live table to its definition: which calls, in which order, and what cannot change."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from ddbtool.tables.definition import load_definitions
from ddbtool.tables.live import LiveTable, parse
from ddbtool.tables.plan import Step, TablePlan, plan_table
from ddbtool.tables.spec import Capacity, TableSpec

from ..support import SCHEMAS

ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/cruddur-messages"


@pytest.fixture
def spec() -> TableSpec:
    [bundled] = load_definitions([SCHEMAS / "cruddur-messages.yaml"])
    return bundled


def live_of(spec: TableSpec, **settings: Any) -> LiveTable:
    """The live table that CreateTable of `spec` gives, read with TTL, backups and tags."""
    described = spec.create_request()
    described["BillingModeSummary"] = {"BillingMode": described.pop("BillingMode")}
    described["TableArn"] = ARN
    read = {"ttl": spec.ttl, "point_in_time_recovery": False, "tags": dict(spec.tags)}
    return replace(parse(described), **(read | settings))


def changes(plan: TablePlan) -> list[str]:
    return [f"{step.action}: {step.change}" for step in plan.steps]


def with_text(tmp_path: Path, extra: str) -> TableSpec:
    text = (SCHEMAS / "cruddur-messages.yaml").read_text() + textwrap.dedent(extra)
    path = tmp_path / "table.yaml"
    path.write_text(text)
    [loaded] = load_definitions([path])
    return loaded


def test_the_table_as_created_is_up_to_date(spec: TableSpec) -> None:
    plan = plan_table(spec, live_of(spec))
    assert (plan.status, plan.steps, plan.recreate, plan.applicable) == ("up to date", (), (), True)


def test_a_missing_table_is_created_then_given_ttl_and_backups(spec: TableSpec) -> None:
    wanted = replace(spec, ttl="expires_at", point_in_time_recovery=True)
    plan = plan_table(wanted, None)
    assert plan.status == "missing"
    assert changes(plan) == [
        "CreateTable: create the table",
        "UpdateTimeToLive: TTL on (expires_at)",
        "UpdateContinuousBackups: point-in-time recovery on",
    ]
    assert plan.steps[0].request == wanted.create_request()
    assert [step.wait for step in plan.steps] == ["table", "none", "none"]


def test_a_new_global_index_is_one_update_with_its_attribute_types(spec: TableSpec) -> None:
    index = replace(spec.global_indexes[0], name="by-user", key=replace(spec.key, partition="user_uuid"))
    wanted = replace(
        spec, attributes={**spec.attributes, "user_uuid": "S"}, global_indexes=(*spec.global_indexes, index)
    )
    [step] = plan_table(wanted, live_of(spec)).steps
    assert step == Step(
        "UpdateTable",
        {
            "TableName": "cruddur-messages",
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
                {"AttributeName": "message_group_uuid", "AttributeType": "S"},
                {"AttributeName": "user_uuid", "AttributeType": "S"},
            ],
            "GlobalSecondaryIndexUpdates": [
                {
                    "Create": {
                        "IndexName": "by-user",
                        "KeySchema": [
                            {"AttributeName": "user_uuid", "KeyType": "HASH"},
                            {"AttributeName": "sk", "KeyType": "RANGE"},
                        ],
                        "Projection": {"ProjectionType": "ALL"},
                        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
                    }
                }
            ],
        },
        "create global index by-user",
    )
    assert step.waits_for == "table and indexes ACTIVE"


def test_indexes_one_per_update_deletions_before_billing_before_creations(spec: TableSpec) -> None:
    first, second = (replace(spec.global_indexes[0], name=name, capacity=None) for name in ("by-a", "by-b"))
    wanted = replace(spec, billing="PAY_PER_REQUEST", capacity=None, global_indexes=(first, second))
    plan = plan_table(wanted, live_of(spec))
    assert changes(plan) == [
        "UpdateTable: delete global index message-group-sk-index",
        "UpdateTable: billing PAY_PER_REQUEST",
        "UpdateTable: create global index by-a",
        "UpdateTable: create global index by-b",
    ]
    assert all(len(s.request.get("GlobalSecondaryIndexUpdates", [])) <= 1 for s in plan.steps)
    assert "ProvisionedThroughput" not in plan.steps[2].request["GlobalSecondaryIndexUpdates"][0]["Create"]


def test_switching_to_provisioned_gives_units_to_the_table_and_every_index(spec: TableSpec) -> None:
    on_demand = replace(
        spec,
        billing="PAY_PER_REQUEST",
        capacity=None,
        global_indexes=tuple(replace(i, capacity=None) for i in spec.global_indexes),
    )
    [step] = plan_table(spec, live_of(on_demand)).steps
    assert step.request == {
        "TableName": "cruddur-messages",
        "BillingMode": "PROVISIONED",
        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        "GlobalSecondaryIndexUpdates": [
            {
                "Update": {
                    "IndexName": "message-group-sk-index",
                    "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
                }
            }
        ],
    }


def test_capacity_names_only_what_changed(spec: TableSpec) -> None:
    wanted = replace(spec, capacity=Capacity(10, 5))
    [step] = plan_table(wanted, live_of(spec)).steps
    assert step.request == {
        "TableName": "cruddur-messages",
        "ProvisionedThroughput": {"ReadCapacityUnits": 10, "WriteCapacityUnits": 5},
    }
    index = replace(spec.global_indexes[0], capacity=Capacity(1, 2))
    [step] = plan_table(replace(spec, global_indexes=(index,)), live_of(spec)).steps
    assert step.change == "index message-group-sk-index capacity read 1 / write 2"
    assert set(step.request) == {"TableName", "GlobalSecondaryIndexUpdates"}


def test_a_new_stream_view_type_is_off_then_on(spec: TableSpec) -> None:
    plan = plan_table(replace(spec, stream="NEW_AND_OLD_IMAGES"), live_of(spec))
    assert [s.request["StreamSpecification"] for s in plan.steps] == [
        {"StreamEnabled": False},
        {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    ]
    assert [s.wait for s in plan.steps] == ["table", "table"]
    assert changes(plan_table(replace(spec, stream=None), live_of(spec))) == ["UpdateTable: stream off"]
    assert changes(plan_table(spec, live_of(replace(spec, stream=None)))) == [
        "UpdateTable: stream on (NEW_IMAGE)"
    ]


def test_ttl_on_off_and_moved(spec: TableSpec) -> None:
    assert changes(plan_table(replace(spec, ttl="expires_at"), live_of(spec))) == [
        "UpdateTimeToLive: TTL on (expires_at)"
    ]
    moved = plan_table(replace(spec, ttl="gone_at"), live_of(spec, ttl="expires_at"))
    assert [s.request["TimeToLiveSpecification"] for s in moved.steps] == [
        {"Enabled": False, "AttributeName": "expires_at"},
        {"Enabled": True, "AttributeName": "gone_at"},
    ]


def test_protection_class_backups_and_tags(spec: TableSpec) -> None:
    wanted = replace(
        spec,
        deletion_protection=True,
        table_class="STANDARD_INFREQUENT_ACCESS",
        point_in_time_recovery=True,
        tags=(("app", "cruddur"), ("team", "chat")),
    )
    live = live_of(spec, tags={"app": "old", "owner": "someone", "aws:cloudformation:stack-name": "x"})
    plan = plan_table(wanted, live)
    assert changes(plan) == [
        "UpdateTable: table class STANDARD_INFREQUENT_ACCESS",
        "UpdateTable: deletion protection on",
        "UpdateContinuousBackups: point-in-time recovery on",
        "TagResource: tags app=cruddur, team=chat",
        "UntagResource: remove tags owner",
    ]
    requests = [s.request for s in plan.steps]
    assert requests[0] == {"TableName": "cruddur-messages", "TableClass": "STANDARD_INFREQUENT_ACCESS"}
    assert requests[2] == {
        "TableName": "cruddur-messages",
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
    }
    assert requests[3]["ResourceArn"] == ARN
    assert requests[4] == {"ResourceArn": ARN, "TagKeys": ["owner"]}


def test_settings_the_endpoint_cannot_report_are_noted_not_planned(spec: TableSpec) -> None:
    wanted = replace(spec, point_in_time_recovery=True)
    plan = plan_table(wanted, live_of(spec, point_in_time_recovery=None, tags=None))
    assert plan.status == "up to date"
    assert plan.notes == (
        "point-in-time recovery: this endpoint cannot report it, so it is not compared",
        "tags: this endpoint does not support tagging, so they are not compared",
    )


def test_key_changes_need_recreating_and_nothing_else_is_applicable(spec: TableSpec) -> None:
    wanted = replace(spec, key=replace(spec.key, sort=None), stream=None)
    plan = plan_table(wanted, live_of(spec))
    assert plan.status == "needs recreate" and not plan.applicable
    assert [(r.what, r.detail) for r in plan.recreate] == [("key", "the file says pk, the table has pk + sk")]
    typed = plan_table(replace(spec, attributes={**spec.attributes, "sk": "N"}), live_of(spec))
    assert [r.what for r in typed.recreate] == ["attribute sk", "global index message-group-sk-index"]


def test_local_indexes_cannot_be_added(tmp_path: Path, spec: TableSpec) -> None:
    wanted = with_text(
        tmp_path,
        """
        local_indexes:
          - name: by-uuid
            key: {sort: message_group_uuid}
        """,
    )
    [problem] = plan_table(wanted, live_of(spec)).recreate
    assert problem.what == "local index by-uuid"
    assert "only CreateTable makes local indexes" in problem.detail


def test_a_changed_global_index_is_replaced_only_when_asked(spec: TableSpec) -> None:
    keys_only = replace(spec.global_indexes[0], projection="KEYS_ONLY")
    wanted = replace(spec, global_indexes=(keys_only,))
    refused = plan_table(wanted, live_of(spec))
    [problem] = refused.recreate
    assert problem.what == "global index message-group-sk-index" and "--replace-indexes" in problem.detail
    assert refused.steps == ()
    replaced = plan_table(wanted, live_of(spec), replace_indexes=True)
    assert replaced.applicable
    assert changes(replaced) == [
        "UpdateTable: replace global index message-group-sk-index (delete)",
        "UpdateTable: replace global index message-group-sk-index (create)",
    ]


def test_indexes_being_built_or_deleted_are_not_planned_again(spec: TableSpec) -> None:
    building = live_of(spec)
    building = replace(building, global_indexes=(replace(building.global_indexes[0], status="CREATING"),))
    assert plan_table(spec, building).steps == ()
    deleting = replace(building, global_indexes=(replace(building.global_indexes[0], status="DELETING"),))
    assert changes(plan_table(replace(spec, global_indexes=()), deleting)) == []
