"""Carry out a table's plan: one call per step, waiting between steps as DynamoDB needs.

Waiting: DynamoDB takes no UpdateTable while the table or one of its global
indexes is not ACTIVE, and botocore's `table_exists` waiter looks at the table
alone, so `wait_until_active` polls DescribeTable until the table and every
global index are ACTIVE (a deleted index is gone, one being built has finished
backfilling).

Nothing here remembers a plan between runs. An apply that stops part-way (an
error, Ctrl-C, a lost connection) is finished by planning again from the live
table and applying that: the steps already done no longer appear, and an index
still being built is waited for before anything else.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ddbtool.errors import DdbtoolError, Interrupted, from_botocore
from ddbtool.tables.live import LiveTable, describe
from ddbtool.tables.plan import Step, TablePlan

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_METHODS = {
    "CreateTable": "create_table",
    "UpdateTable": "update_table",
    "UpdateTimeToLive": "update_time_to_live",
    "UpdateContinuousBackups": "update_continuous_backups",
    "TagResource": "tag_resource",
    "UntagResource": "untag_resource",
}
POLL_SECONDS = 1.0  # local endpoints are ready at once; on AWS a second between DescribeTables is cheap
WAIT_SECONDS = 3600.0  # an index on a large table backfills for a long time; a re-run waits on

OnStep = Callable[[int, Step], None]  # (1-based number, step) as each starts
OnWait = Callable[[LiveTable], None]  # each DescribeTable while waiting
AGAIN = "run `ddbtool schema-load --apply` again to finish"


def apply_plan(
    client: DynamoDBClient,
    plan: TablePlan,
    *,
    on_step: OnStep | None = None,
    on_wait: OnWait | None = None,
    poll: float = POLL_SECONDS,
    timeout: float = WAIT_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Make every step of `plan`, in order; how many were made.

    Raises DdbtoolError when the plan needs a table recreated (nothing is done)
    or a call fails, and Interrupted on Ctrl-C; both say how far it got.
    """
    if not plan.applicable:
        raise DdbtoolError(f"table {plan.table!r} needs recreating; --apply changes nothing in it")

    def wait() -> None:
        wait_until_active(client, plan.table, on_wait=on_wait, poll=poll, timeout=timeout, sleep=sleep)

    done = 0
    doing = "waiting for the table"
    try:
        if plan.steps and plan.steps[0].action != "CreateTable":
            # A previous apply may have left an index building: DynamoDB takes nothing until it is done.
            wait()
        for number, step in enumerate(plan.steps, 1):
            if on_step is not None:
                on_step(number, step)
            doing = f"step {number} ({step.change})"
            getattr(client, _METHODS[step.action])(**step.request)
            done += 1
            if step.wait == "table":
                doing = f"waiting after step {number} ({step.change})"
                wait()
    except KeyboardInterrupt:
        raise Interrupted(f"{plan.table}: interrupted after {_made(done, plan)}; {AGAIN}") from None
    except DdbtoolError as exc:
        raise DdbtoolError(f"{plan.table}: {doing}: {exc}; {_made(done, plan)}; {AGAIN}") from None
    except Exception as exc:
        failure = from_botocore(exc)
        if failure is None:
            raise
        raise DdbtoolError(
            f"{plan.table}: {doing} failed: {failure}; {_made(done, plan)}; fix the cause and {AGAIN}"
        ) from exc
    return done


def wait_until_active(
    client: DynamoDBClient,
    table: str,
    *,
    on_wait: OnWait | None = None,
    poll: float = POLL_SECONDS,
    timeout: float = WAIT_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> LiveTable:
    """Poll DescribeTable until the table and every global index are ACTIVE."""
    deadline = time.monotonic() + timeout
    while True:
        live = describe(client, table)  # None for a moment after CreateTable on some endpoints
        if live is not None:
            if on_wait is not None:
                on_wait(live)
            if live.active:
                return live
        if time.monotonic() >= deadline:
            raise DdbtoolError(f"{table} is still {waiting_on(live)} after {timeout:.0f} seconds")
        sleep(poll)


def waiting_on(live: LiveTable | None) -> str:
    """What keeps a table from taking the next change, for people: "index by-g CREATING"."""
    if live is None:
        return "not visible"
    busy = [f"index {i.name} {i.status}" for i in live.global_indexes if i.status != "ACTIVE"]
    if live.status != "ACTIVE":
        busy.insert(0, live.status)
    return ", ".join(busy) or "ACTIVE"


def _made(done: int, plan: TablePlan) -> str:
    return f"{done} of {len(plan.steps)} steps made"
