"""Applying a plan, call by call, checked with botocore's Stubber: each request as planned,
a wait for the table and its indexes between steps, and a stop that says how far it got."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from botocore.stub import Stubber

from ddbtool.errors import DdbtoolError, Interrupted
from ddbtool.tables.apply import apply_plan
from ddbtool.tables.definition import load_definitions
from ddbtool.tables.plan import TablePlan, plan_table
from ddbtool.tables.spec import TableSpec

from ..support import SCHEMAS
from .test_plan import live_of

TABLE = "cruddur-messages"


@pytest.fixture
def spec() -> TableSpec:
    [bundled] = load_definitions([SCHEMAS / "cruddur-messages.yaml"])
    return bundled


def described(spec: TableSpec, status: str = "ACTIVE", index_status: str = "ACTIVE") -> dict[str, Any]:
    table = spec.create_request()
    del table["Tags"]  # ListTagsOfResource's, not DescribeTable's
    table["BillingModeSummary"] = {"BillingMode": table.pop("BillingMode")}
    table["TableStatus"] = status
    for index in table.get("GlobalSecondaryIndexes", []):
        index["IndexStatus"] = index_status
    return {"Table": table}


def test_each_step_is_sent_as_planned_and_waited_for(stubbed: tuple[Any, Stubber], spec: TableSpec) -> None:
    client, stubber = stubbed
    wanted = replace(spec, table_class="STANDARD_INFREQUENT_ACCESS", ttl="expires_at")
    plan = plan_table(wanted, live_of(spec))
    assert [s.action for s in plan.steps] == ["UpdateTable", "UpdateTimeToLive"]
    stubber.add_response("describe_table", described(spec, index_status="CREATING"), {"TableName": TABLE})
    stubber.add_response("describe_table", described(spec), {"TableName": TABLE})
    stubber.add_response("update_table", {}, plan.steps[0].request)
    stubber.add_response("describe_table", described(spec, status="UPDATING"), {"TableName": TABLE})
    stubber.add_response("describe_table", described(spec), {"TableName": TABLE})
    stubber.add_response("update_time_to_live", {}, plan.steps[1].request)  # waits for nothing after
    started, seen, naps = [], [], []
    made = apply_plan(
        client,
        plan,
        on_step=lambda number, step: started.append((number, step.change)),
        on_wait=lambda live: seen.append((live.status, live.global_indexes[0].status)),
        sleep=naps.append,
    )
    assert made == 2
    assert started == [(1, "table class STANDARD_INFREQUENT_ACCESS"), (2, "TTL on (expires_at)")]
    # An index still being built is waited for before the first step.
    assert seen == [
        ("ACTIVE", "CREATING"),
        ("ACTIVE", "ACTIVE"),
        ("UPDATING", "ACTIVE"),
        ("ACTIVE", "ACTIVE"),
    ]
    assert naps == [1.0, 1.0]


def test_a_failed_step_says_how_far_the_apply_got(stubbed: tuple[Any, Stubber], spec: TableSpec) -> None:
    client, stubber = stubbed
    plan = plan_table(replace(spec, stream="KEYS_ONLY"), live_of(spec))
    stubber.add_response("describe_table", described(spec), {"TableName": TABLE})
    stubber.add_response("update_table", {}, plan.steps[0].request)
    stubber.add_response("describe_table", described(spec), {"TableName": TABLE})
    stubber.add_client_error("update_table", "LimitExceededException", "too many updates")
    with pytest.raises(DdbtoolError) as caught:
        apply_plan(client, plan, sleep=lambda _: None)
    assert str(caught.value) == (
        "cruddur-messages: step 2 (stream on (KEYS_ONLY)) failed: LimitExceededException: too many updates; "
        "1 of 2 steps made; fix the cause and run `ddbtool schema-load --apply` again to finish"
    )


def test_ctrl_c_says_how_far_the_apply_got(stubbed: tuple[Any, Stubber], spec: TableSpec) -> None:
    client, stubber = stubbed
    plan = plan_table(replace(spec, stream=None, deletion_protection=True), live_of(spec))
    stubber.add_response("describe_table", described(spec), {"TableName": TABLE})
    stubber.add_response("update_table", {}, plan.steps[0].request)
    stubber.add_response("describe_table", described(spec), {"TableName": TABLE})

    def impatient(number: int, step: Any) -> None:
        if number == 2:
            raise KeyboardInterrupt

    with pytest.raises(Interrupted, match="interrupted after 1 of 2 steps made; run `ddbtool schema-load"):
        apply_plan(client, plan, on_step=impatient, on_wait=lambda _: None, sleep=lambda _: None)


def test_waiting_has_a_bound(stubbed: tuple[Any, Stubber], spec: TableSpec) -> None:
    client, stubber = stubbed
    plan = plan_table(replace(spec, deletion_protection=True), live_of(spec))
    stubber.add_response("describe_table", described(spec, index_status="CREATING"), {"TableName": TABLE})
    with pytest.raises(DdbtoolError, match="is still index message-group-sk-index CREATING after 0 seconds"):
        apply_plan(client, plan, timeout=0, sleep=lambda _: None)


def test_a_plan_that_needs_recreating_changes_nothing(stubbed: tuple[Any, Stubber], spec: TableSpec) -> None:
    client, _ = stubbed
    plan = plan_table(replace(spec, key=replace(spec.key, sort=None)), live_of(spec))
    with pytest.raises(DdbtoolError, match="needs recreating"):
        apply_plan(client, plan)
    assert isinstance(plan, TablePlan) and plan.recreate
