"""How bulk writes pace themselves: adaptive concurrency and a write capacity budget.

Time is a fake clock the tests move: nothing here waits or measures real time.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal
from typing import Any

import pytest

from ddbtool.items.batch import write_items
from ddbtool.items.pace import CEILING, START, Concurrency, Pace, WriteBudget
from ddbtool.tables.admin import load_table
from ddbtool.tables.spec import KeySchema, TableSpec

from .test_batch import KEY, TABLE, error_response, items, on_batch_write, stored


class Clock:
    """A clock that moves only when told to, or when something sleeps on it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def drive(gate: Concurrency, clock: Clock, calls: int, rate: Any) -> list[int]:
    """Finish `calls` calls of 25 items, each taking the time `rate(limit)` items a second allows;
    the levels the limit went through."""
    levels = [gate.limit]
    for _ in range(calls):
        clock.now += 25 / rate(gate.limit)
        gate.record(25)
        if gate.limit != levels[-1]:
            levels.append(gate.limit)
    return levels


def test_concurrency_doubles_while_throughput_grows_and_keeps_the_best_level() -> None:
    clock = Clock()
    gate = Concurrency(clock=clock)
    with gate.slot():  # the first call opens the first window
        pass
    # A server that takes up to 16 calls at once: more in flight gains nothing.
    levels = drive(gate, clock, 400, lambda limit: 100.0 * min(limit, 16))
    assert levels == [START, START * 2, START * 4, START * 2]
    assert gate.limit == 16


def test_concurrency_grows_to_its_ceiling_when_every_level_is_faster() -> None:
    clock = Clock()
    gate = Concurrency(clock=clock)
    with gate.slot():
        pass
    drive(gate, clock, 1000, lambda limit: 100.0 * limit)
    assert gate.limit == CEILING


def test_throttling_halves_concurrency_and_it_grows_back_one_at_a_time_to_the_best() -> None:
    clock = Clock()
    gate = Concurrency(clock=clock)
    with gate.slot():
        pass
    drive(gate, clock, 400, lambda limit: 100.0 * min(limit, 16))
    assert gate.limit == 16
    gate.record(0, throttled=True)
    assert gate.limit == 8
    gate.record(0, throttled=True)
    assert gate.limit == 4
    levels = drive(gate, clock, 400, lambda limit: 100.0 * limit)
    assert levels == [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]  # growth never returns to doubling


def test_a_fixed_concurrency_never_changes() -> None:
    clock = Clock()
    gate = Concurrency(3, clock=clock)
    drive(gate, clock, 100, lambda limit: 100.0 * limit)
    gate.record(0, throttled=True)
    assert gate.limit == 3


def test_no_more_calls_run_at_once_than_the_limit() -> None:
    gate = Concurrency(3)
    inside, most = [0], [0]
    lock = threading.Lock()

    def call() -> None:
        with gate.slot():
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.002)  # lets the calls overlap; nothing is measured
            with lock:
                inside[0] -= 1

    threads = [threading.Thread(target=call) for _ in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 1 <= most[0] <= 3


def call_starts(
    budget: WriteBudget, clock: Clock, calls: int, reserved: float, consumed: float
) -> list[float]:
    """When each of `calls` calls may start, each reserving and then consuming so many units."""
    starts = []
    for _ in range(calls):
        budget.reserve(reserved)
        starts.append(clock.now)
        budget.settle(reserved, consumed)
    return starts


def test_the_budget_spaces_calls_by_the_capacity_they_reserve() -> None:
    clock = Clock()
    budget = WriteBudget(50, clock=clock, sleep=clock.sleep)
    assert call_starts(budget, clock, 4, 25, 25) == [0.0, 0.5, 1.0, 1.5]


def test_the_budget_follows_what_dynamodb_reports_rather_than_the_estimate() -> None:
    clock = Clock()
    budget = WriteBudget(50, clock=clock, sleep=clock.sleep)
    # Items larger than estimated: 100 units each call, not 10.
    assert call_starts(budget, clock, 3, 10, 100) == [0.0, 2.0, 4.0]
    clock.now = 100.0  # a long pause since: no debt, no burst saved up either
    assert call_starts(budget, clock, 2, 10, 10) == [100.0, 100.2]


def test_a_budget_is_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        WriteBudget(0)


@pytest.fixture
def client(dynamodb: Any) -> Any:
    load_table(dynamodb, TableSpec(TABLE, {"pk": "S", "sk": "S"}, KeySchema("pk", "sk")))
    return dynamodb


def test_max_wcu_paces_batch_writes_by_the_consumed_capacity_dynamodb_reports(client: Any) -> None:
    clock = Clock()
    sent: list[tuple[float, Any]] = []

    def record(call: int, params: dict[str, Any], **_: Any) -> None:
        sent.append((clock.now, params.get("ReturnConsumedCapacity")))

    def report(call: int, parsed: dict[str, Any], **_: Any) -> None:
        # A table whose items cost 2 units each: 50 units for a batch of 25.
        parsed["ConsumedCapacity"] = [{"TableName": TABLE, "CapacityUnits": 50.0}]

    on_batch_write(client, "provide-client-params", record)
    on_batch_write(client, "after-call", report)
    pace = Pace(1, max_wcu=100, clock=clock, sleep=clock.sleep)
    write_items(client, TABLE, items(100), KEY, pace=pace)
    # Reserved 25 units (1 KB items), charged 50: one batch every half second, 100 units a second.
    assert sent == [(0.0, "TOTAL"), (0.5, "TOTAL"), (1.0, "TOTAL"), (1.5, "TOTAL")]
    assert stored(client) == items(100)


def test_without_a_budget_no_capacity_is_asked_for_and_nothing_waits(client: Any) -> None:
    clock = Clock()
    asked: list[Any] = []
    on_batch_write(client, "provide-client-params", lambda call, params, **_: asked.append(params))
    write_items(client, TABLE, items(60), KEY, pace=Pace(2, clock=clock, sleep=clock.sleep))
    assert len(asked) == 3 and all("ReturnConsumedCapacity" not in params for params in asked)
    assert clock.sleeps == []


def test_throttled_calls_halve_the_adaptive_concurrency_and_every_item_lands_once(client: Any) -> None:
    def throttle(call: int, **_: Any) -> Any:
        return error_response("ProvisionedThroughputExceededException") if call <= 2 else None

    calls = on_batch_write(client, "before-call", throttle)
    pace = Pace()
    write_items(client, TABLE, items(50), KEY, pace=pace, policy=quick_retries())
    assert pace.gate.limit == START // 4
    assert len(calls) == 4  # two refused, then each of the two batches once
    assert stored(client) == items(50)


def quick_retries() -> Any:
    from ddbtool.items.batch import RetryPolicy

    return RetryPolicy(sleep=lambda seconds: None)


def test_large_items_reserve_a_unit_for_every_kilobyte() -> None:
    from ddbtool.items.batch import write_units

    assert write_units({"pk": "a"}) == 1
    assert write_units({"pk": "a", "blob": b"x" * 1024}) == 2
    assert write_units({"pk": "a", "n": Decimal(1), "text": "é" * 2048}) == 5


@pytest.mark.parametrize(("concurrency", "beside"), [(None, START), (32, START), (2, 2)])
def test_writes_beside_a_bulk_write_have_calls_of_their_own_and_share_its_budget(
    concurrency: int | None, beside: int
) -> None:
    pace = Pace(concurrency, max_wcu=100)
    other = pace.beside()
    assert other.gate is not pace.gate and not other.gate.adaptive and other.gate.limit == beside
    assert other.budget is pace.budget
