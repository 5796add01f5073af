"""Batched writes against moto, with failures injected through botocore's public event hooks."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError

from ddbtool.errors import DdbtoolError, UsageError
from ddbtool.items.batch import (
    BATCH_SIZE,
    MAX_TRANSACTION_ACTIONS,
    NOT_ATTEMPTED,
    RetryPolicy,
    UnwrittenItemsError,
    transaction_actions,
    write_each,
    write_items,
)
from ddbtool.items.pace import Pace
from ddbtool.tables.admin import load_table
from ddbtool.tables.spec import KeySchema, TableSpec
from ddbtool.values import from_dynamo

TABLE = "batch-test"
KEY = ("pk", "sk")


@pytest.fixture
def client(dynamodb: Any) -> Any:
    load_table(dynamodb, TableSpec(TABLE, {"pk": "S", "sk": "S"}, KeySchema("pk", "sk")))
    return dynamodb


def items(count: int) -> list[dict[str, Any]]:
    return [{"pk": f"P#{n % 7}", "sk": f"{n:05d}", "n": Decimal(n)} for n in range(count)]


def stored(client: Any) -> list[dict[str, Any]]:
    pages = client.get_paginator("scan").paginate(TableName=TABLE)
    return sorted((from_dynamo(i) for p in pages for i in p["Items"]), key=lambda i: i["sk"])


class Sleeps:
    """An injected sleep: records each pause instead of waiting."""

    def __init__(self) -> None:
        self.pauses: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.pauses.append(seconds)


def policy(sleeps: Sleeps, **kwargs: Any) -> RetryPolicy:
    # The highest pause full jitter allows, so the pauses show the backoff's ceiling.
    return RetryPolicy(sleep=sleeps, jitter=lambda low, high: high, **kwargs)


def on_batch_write(client: Any, stage: str, handler: Callable[..., Any]) -> list[int]:
    """Register a hook on BatchWriteItem; returns a list that counts the calls it saw."""
    calls: list[int] = []

    def counted(**kwargs: Any) -> Any:
        calls.append(1)
        return handler(len(calls), **kwargs)

    client.meta.events.register(f"{stage}.dynamodb.BatchWriteItem", counted)
    return calls


def error_response(code: str) -> tuple[AWSResponse, dict[str, Any]]:
    http = AWSResponse("https://dynamodb.us-east-1.amazonaws.com/", 400, {}, None)
    return http, {"Error": {"Code": code, "Message": "injected"}, "ResponseMetadata": {}}


def test_batches_of_25_with_distinct_keys_and_every_item_lands(client: Any) -> None:
    sizes: list[int] = []

    def record(call: int, params: dict[str, Any], **_: Any) -> None:
        requests = params["RequestItems"][TABLE]
        keys = {(r["PutRequest"]["Item"]["pk"]["S"], r["PutRequest"]["Item"]["sk"]["S"]) for r in requests}
        assert len(keys) == len(requests), "a call holds no duplicate key"
        sizes.append(len(requests))

    on_batch_write(client, "before-parameter-build", record)
    progress: list[int] = []
    assert write_items(client, TABLE, items(60), KEY, on_progress=progress.append) == 60
    assert sorted(sizes) == [10, BATCH_SIZE, BATCH_SIZE]
    assert sum(progress) == 60
    assert stored(client) == items(60)


def test_unprocessed_items_are_retried_until_every_item_lands(client: Any) -> None:
    held_back: list[Any] = []

    def drop_half(call: int, params: dict[str, Any], **_: Any) -> None:
        if call <= 5:
            requests = params["RequestItems"][TABLE]
            held_back[:] = requests[::2]
            params["RequestItems"][TABLE] = requests[1::2]

    def report_unprocessed(call: int, parsed: dict[str, Any], **_: Any) -> None:
        if call <= 5:
            parsed["UnprocessedItems"] = {TABLE: list(held_back)}

    calls = on_batch_write(client, "before-parameter-build", drop_half)
    on_batch_write(client, "after-call", report_unprocessed)
    progress: list[int] = []
    sleeps = Sleeps()
    write_items(
        client, TABLE, items(25), KEY, on_progress=progress.append, pace=Pace(1), policy=policy(sleeps)
    )
    assert len(calls) == 6
    assert progress == [12, 6, 3, 2, 1, 1]
    assert len(sleeps.pauses) == 5
    assert stored(client) == items(25)


def test_the_bound_counts_calls_that_write_nothing(client: Any) -> None:
    def one_at_a_time(call: int, params: dict[str, Any], **_: Any) -> None:
        requests = params["RequestItems"][TABLE]
        params["RequestItems"][TABLE] = requests[:1]
        held.append(requests[1:])

    def report(call: int, parsed: dict[str, Any], **_: Any) -> None:
        if held[-1]:
            parsed["UnprocessedItems"] = {TABLE: held[-1]}

    held: list[Any] = []
    on_batch_write(client, "before-parameter-build", one_at_a_time)
    on_batch_write(client, "after-call", report)
    write_items(client, TABLE, items(5), KEY, pace=Pace(1), policy=policy(Sleeps(), max_stalls=2))
    assert stored(client) == items(5)


def test_after_the_bound_the_error_names_every_unwritten_key(client: Any) -> None:
    calls = on_batch_write(client, "before-call", lambda call, **_: error_response("ThrottlingException"))
    sleeps = Sleeps()
    with pytest.raises(UnwrittenItemsError) as caught:
        write_items(client, TABLE, items(30), KEY, pace=Pace(1), policy=policy(sleeps, max_stalls=4))
    error = caught.value
    assert len(calls) == 4, "the first batch tried four times; the second was not attempted"
    assert len(sleeps.pauses) == 3
    assert error.keys == [{"pk": i["pk"], "sk": i["sk"]} for i in items(30)]
    assert str(error).startswith(
        "30 items were not written to batch-test (ThrottlingException 4 times in a row): "
        "pk='P#0', sk='00000'; pk='P#1', sk='00001';"
    )
    assert "and 25 more; run the command again" in str(error)
    assert stored(client) == []


def server_error() -> tuple[AWSResponse, dict[str, Any]]:
    http = AWSResponse("https://dynamodb.us-east-1.amazonaws.com/", 500, {}, None)
    return http, {
        "Error": {"Code": "InternalServerError", "Message": "injected"},
        "ResponseMetadata": {"HTTPStatusCode": 500},
    }


def failing(failure: Exception) -> Callable[[], Any]:
    def fail() -> Any:
        raise failure

    return fail


THROTTLED = [
    lambda: error_response("ProvisionedThroughputExceededException"),
    lambda: error_response("ThrottlingException"),
    lambda: error_response("RequestLimitExceeded"),
]
TRANSIENT = [
    server_error,
    failing(ConnectionClosedError(endpoint_url="http://127.0.0.1:1")),
    failing(ReadTimeoutError(endpoint_url="http://127.0.0.1:1")),
]


@pytest.mark.parametrize("faults", [THROTTLED, TRANSIENT], ids=["throttling", "5xx-reset-timeout"])
def test_throttling_server_errors_resets_and_time_outs_are_retried_with_growing_backoff(
    client: Any, faults: list[Callable[[], Any]]
) -> None:
    def inject(call: int, **_: Any) -> Any:
        return faults[call - 1]() if call <= len(faults) else None

    calls = on_batch_write(client, "before-call", inject)
    sleeps = Sleeps()
    write_items(client, TABLE, items(20), KEY, pace=Pace(1), policy=policy(sleeps, base_seconds=0.1))
    assert len(calls) == 4
    assert sleeps.pauses == [0.1, 0.2, 0.4]
    assert stored(client) == items(20)


def test_server_errors_at_the_bound_say_how_many_items_and_which(client: Any) -> None:
    on_batch_write(client, "before-call", lambda call, **_: server_error())
    with pytest.raises(UnwrittenItemsError) as caught:
        write_items(client, TABLE, items(60), KEY, pace=Pace(2), policy=policy(Sleeps(), max_stalls=3))
    assert str(caught.value).startswith(
        "60 items were not written to batch-test (InternalServerError 3 times in a row): pk='P#"
    )
    assert "and 55 more; run the command again" in str(caught.value)


def test_each_unit_is_retried_and_the_ones_left_are_named(client: Any) -> None:
    attempts: list[str] = []

    def write(unit: Any) -> str:
        attempts.append(unit[0]["sk"])
        if unit[0]["sk"] == "00001":
            raise ConnectionClosedError(endpoint_url="http://127.0.0.1:1")
        if attempts.count(unit[0]["sk"]) == 1:
            raise ReadTimeoutError(endpoint_url="http://127.0.0.1:1")
        return str(unit[0]["sk"])

    progress: list[int] = []
    units = [[item] for item in items(3)]
    with pytest.raises(UnwrittenItemsError) as caught:
        write_each(TABLE, units, write, KEY, pace=Pace(1), policy=policy(Sleeps(), max_stalls=4))
    assert attempts.count("00001") == 4
    assert caught.value.keys == [{"pk": "P#1", "sk": "00001"}, {"pk": "P#2", "sk": "00002"}]
    assert "(ConnectionClosedError 4 times in a row)" in str(caught.value)

    assert write_each(
        TABLE, units[::2], write, KEY, on_progress=progress.append, policy=policy(Sleeps())
    ) == [
        "00000",
        "00002",
    ]
    assert progress == [1, 1]


def test_other_errors_are_not_retried(client: Any) -> None:
    calls = on_batch_write(client, "before-call", lambda call, **_: error_response("ValidationException"))
    with pytest.raises(ClientError, match="ValidationException"):
        write_items(client, TABLE, items(3), KEY, policy=policy(Sleeps()))
    assert len(calls) == 1


def test_duplicate_keys_are_refused_before_any_call(client: Any) -> None:
    calls = on_batch_write(client, "before-call", lambda call, **_: None)
    twice = [*items(3), {"pk": "P#1", "sk": "00001", "n": Decimal(9)}]
    with pytest.raises(DdbtoolError, match="two items share the key pk='P#1', sk='00001'"):
        write_items(client, TABLE, twice, KEY)
    assert calls == []


def test_an_item_dynamodb_would_refuse_stops_the_write_before_any_call(client: Any) -> None:
    # DynamoDB refuses the whole batch holding it, after earlier batches have landed.
    calls = on_batch_write(client, "before-call", lambda call, **_: None)
    bad = [*items(60), {"pk": "P#1", "sk": "bad", "tags": set()}]
    with pytest.raises(UsageError) as raised:
        write_items(client, TABLE, bad, KEY)
    assert raised.value.lines() == [
        "item pk='P#1', sk='bad': tags: an empty set; DynamoDB sets hold at least one value; "
        "nothing was written"
    ]
    with pytest.raises(UsageError, match="key attribute 'sk' must be 1 to 1024 bytes"):
        write_items(client, TABLE, [{"pk": "P#1", "sk": ""}], KEY)
    assert calls == [] and stored(client) == []


def test_never_more_than_25_requests_a_call_whatever_the_endpoint_takes(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # moto takes 30 requests in one BatchWriteItem; DynamoDB refuses more than 25.
    calls = on_batch_write(client, "before-call", lambda call, **_: None)
    monkeypatch.setattr("ddbtool.items.batch.BATCH_SIZE", 30)
    with pytest.raises(AssertionError, match="30 requests in one BatchWriteItem"):
        write_items(client, TABLE, items(30), KEY, pace=Pace(1))
    assert calls == []


def test_never_more_than_100_actions_a_transaction() -> None:
    actions: list[Any] = [{"ConditionCheck": {}}] * MAX_TRANSACTION_ACTIONS
    assert transaction_actions(actions) is actions
    with pytest.raises(AssertionError, match="101 actions in one TransactWriteItems"):
        transaction_actions([*actions, {"ConditionCheck": {}}])


def test_backoff_is_exponential_capped_and_fully_jittered() -> None:
    retry = RetryPolicy(base_seconds=0.5, cap_seconds=3.0)
    assert [retry.ceiling(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    asked: list[tuple[float, float]] = []
    sleeps = Sleeps()

    def jitter(low: float, high: float) -> float:
        asked.append((low, high))
        return high / 2

    RetryPolicy(base_seconds=0.5, sleep=sleeps, jitter=jitter).pause(3)
    assert asked == [(0.0, 2.0)] and sleeps.pauses == [1.0]


def test_a_write_stopped_beforehand_sends_nothing_and_names_every_item(client: Any) -> None:
    calls = on_batch_write(client, "before-call", lambda call, **_: None)
    stop = threading.Event()
    stop.set()  # another write sharing it failed, or Ctrl-C
    with pytest.raises(UnwrittenItemsError) as caught:
        write_items(client, TABLE, items(60), KEY, pace=Pace(2), stop=stop)
    assert calls == [] and len(caught.value.keys) == 60
    assert caught.value.reason == NOT_ATTEMPTED
