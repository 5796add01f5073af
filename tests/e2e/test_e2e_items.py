"""The installed item commands (get, put, update, delete, query, count, sql) on a shop table.

The shop is not the messaging design: customers and orders under pk/sk, a global
index by order status with a numeric sort key, reserved words as attribute
names (name, status, count), a 38-digit number, sets and binary.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from .shop import BIG

pytestmark = pytest.mark.e2e


def parse(text: str) -> Any:
    return json.loads(text, parse_float=Decimal, parse_int=Decimal)


def test_put_get_update_delete_one_item(shop: Any, endpoint: str) -> None:
    profile = (
        f'{{"pk": "CUSTOMER#c1", "sk": "PROFILE", "name": "Ada", "status": "new", "count": 1, "big": {BIG}}}'
    )
    put = shop("put", profile)
    assert put.returncode == 0, put.stderr
    assert f"putting 1 item into shop → {endpoint}" in put.stderr

    got = shop("get", "pk=CUSTOMER#c1", "sk=PROFILE", "-o", "json")
    assert got.returncode == 0, got.stderr
    assert BIG in got.stdout  # every digit, not a float's 17
    assert parse(got.stdout) == parse(profile)
    projected = shop("get", "pk=CUSTOMER#c1", "sk=PROFILE", "--attributes", "name,count", "-o", "json")
    assert parse(projected.stdout) == {"name": "Ada", "count": 1}
    assert shop("get", "pk=CUSTOMER#c1", "sk=PROFILE", "-o", "json", "--query", "name").stdout == '"Ada"\n'

    updated = shop(
        "update", "pk=CUSTOMER#c1", "sk=PROFILE", "--set", "status=vip", "--add", "count=2",
        "--remove", "name", "--set", "tags=!!set {a, b}", "-o", "json",
    )  # fmt: skip
    assert updated.returncode == 0, updated.stderr
    after = parse(updated.stdout)
    assert after["status"] == "vip" and after["count"] == 3 and "name" not in after
    assert sorted(after["tags"]) == ["a", "b"]
    assert parse(shop("get", "pk=CUSTOMER#c1", "sk=PROFILE", "-o", "json").stdout) == after

    missing = shop("update", "pk=CUSTOMER#c9", "sk=PROFILE", "--set", "status=vip")
    assert missing.returncode == 1
    assert missing.stderr.splitlines()[-1] == (
        "error: no item pk=CUSTOMER#c9 sk=PROFILE in shop; pass --upsert to create it"
    )
    nothing = shop("get", "pk=CUSTOMER#c9", "sk=PROFILE")
    assert (nothing.returncode, nothing.stdout) == (1, "")
    assert nothing.stderr == "error: no item pk=CUSTOMER#c9 sk=PROFILE in shop\n"
    upserted = shop("update", "pk=CUSTOMER#c9", "sk=PROFILE", "--set", "status=new", "--upsert", "-o", "json")
    assert parse(upserted.stdout) == {"pk": "CUSTOMER#c9", "sk": "PROFILE", "status": "new"}

    deleted = shop("delete", "pk=CUSTOMER#c1", "sk=PROFILE", "-o", "json")
    assert deleted.returncode == 0, deleted.stderr
    assert parse(deleted.stdout) == after
    again = shop("delete", "pk=CUSTOMER#c1", "sk=PROFILE")
    assert again.returncode == 1 and "pass --if-exists" in again.stderr
    assert shop("delete", "pk=CUSTOMER#c1", "sk=PROFILE", "--if-exists").returncode == 0


def test_sets_and_binary_survive_a_put(shop: Any) -> None:
    got = shop("get", "pk=CUSTOMER#c1", "sk=ORDER#1", "-o", "json")
    item = parse(got.stdout)
    assert sorted(item["tags"]) == ["blue", "red"]
    assert item["receipt"] == "aGVsbG8="  # binary as base64
    assert item["total"] == Decimal("120.5")


def test_put_checks_every_item_before_writing(shop: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"pk": "CUSTOMER#c5", "sk": "ORDER#9", "total": 1}\n'
        '{"pk": "CUSTOMER#c5", "status": "paid"}\n'
        f'{{"pk": "CUSTOMER#c5", "sk": "ORDER#8", "total": 1{BIG}}}\n'
    )
    result = shop("put", "--file", str(bad))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"error: {bad}:2: key attribute 'sk' (text) is missing",
        f"error: {bad}:3: total: 1{BIG} has 39 significant digits; DynamoDB keeps at most 38",
    ]
    assert shop("count", "--pk", "CUSTOMER#c5").stdout == "0\n"
    typed = shop("put", '{"pk": "CUSTOMER#c5", "sk": "ORDER#9", "order_no": "seven"}')
    assert typed.returncode == 2
    assert "key attribute 'order_no' must be a number" in typed.stderr


def test_put_if_not_exists_keeps_the_item_there(shop: Any) -> None:
    result = shop(
        "put", "-", "--if-not-exists",
        input='[{"pk": "CUSTOMER#c1", "sk": "ORDER#1", "total": 0}, {"pk": "CUSTOMER#c3", "sk": "ORDER#5"}]',
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "put 1 new item into shop; 1 already existed and were kept" in result.stderr
    kept = parse(shop("get", "pk=CUSTOMER#c1", "sk=ORDER#1", "-o", "json").stdout)
    assert kept["total"] == Decimal("120.5")
    assert shop("get", "pk=CUSTOMER#c3", "sk=ORDER#5").returncode == 0


def sks(result: Any) -> list[str]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line)["sk"] for line in result.stdout.splitlines()]


def test_query_by_key_condition_and_filters(shop: Any) -> None:
    assert sks(shop("query", "--pk", "CUSTOMER#c1", "-o", "jsonl")) == ["ORDER#1", "ORDER#2", "ORDER#3"]
    assert sks(shop("query", "--pk", "CUSTOMER#c1", "--sk", "ORDER#2", "-o", "jsonl")) == ["ORDER#2"]
    assert sks(shop("query", "--pk", "CUSTOMER#c1", "--sk-gt", "ORDER#1", "-o", "jsonl")) == [
        "ORDER#2",
        "ORDER#3",
    ]
    assert sks(shop("query", "--pk", "CUSTOMER#c1", "--sk-between", "ORDER#2", "ORDER#3", "-o", "jsonl")) == [
        "ORDER#2",
        "ORDER#3",
    ]
    assert sks(shop("query", "--pk", "CUSTOMER#c1", "--reverse", "--limit", "2", "-o", "jsonl")) == [
        "ORDER#3",
        "ORDER#2",
    ]
    # status and count are reserved words; the index's order_no is a number (typed by the table).
    paid = shop("query", "--index", "by-status", "--pk", "paid", "--sk-gte", "2", "-o", "jsonl")
    assert sks(paid) == ["ORDER#2", "ORDER#4"]
    filtered = shop(
        "query", "--pk", "CUSTOMER#c1", "--where", "status = paid", "--where", "count >= 2", "-o", "jsonl"
    )
    assert sks(filtered) == ["ORDER#1"]
    assert sks(shop("query", "--pk", "CUSTOMER#c1", "--where", "contains(tags, red)", "-o", "jsonl")) == [
        "ORDER#1"
    ]
    assert sks(shop("query", "--pk", "CUSTOMER#c1", "--where", "not_exists(tags)", "-o", "jsonl")) == [
        "ORDER#2",
        "ORDER#3",
    ]
    projected = shop(
        "query", "--pk", "CUSTOMER#c2", "--attributes", "sk,total", "-o", "json", "--query", "[0]"
    )
    assert parse(projected.stdout) == {"sk": "ORDER#4", "total": 999}
    csv = shop("query", "--pk", "CUSTOMER#c2", "-o", "csv")
    assert csv.stdout.splitlines()[0].startswith("pk,sk,")

    not_a_number = shop("query", "--index", "by-status", "--pk", "paid", "--sk-gt", "two")
    assert not_a_number.returncode == 2
    assert (
        not_a_number.stderr == "error: order_no is a number in shop: two is not a number DynamoDB can store\n"
    )
    bad_where = shop("query", "--pk", "CUSTOMER#c1", "--where", "status ~ paid")
    assert bad_where.returncode == 2 and "is not a condition" in bad_where.stderr


def test_count_every_way(shop: Any) -> None:
    def count(*args: str) -> str:
        result = shop("count", *args)
        assert result.returncode == 0, result.stderr
        return str(result.stdout)

    assert count() == "4\n"
    assert count("--segments", "3") == "4\n"
    assert count("--pk", "CUSTOMER#c1") == "3\n"
    assert count("--pk", "CUSTOMER#c1", "--sk-begins-with", "ORDER#", "--where", "total > 100") == "2\n"
    assert count("--index", "by-status", "--pk", "paid") == "3\n"
    assert count("--where", "status = open") == "1\n"


def test_sql_reads_and_writes(shop: Any, endpoint: str) -> None:
    selected = shop("sql", 'SELECT * FROM "shop" WHERE pk = ? AND sk = ?', "--param", "CUSTOMER#c2",
                    "--param", "ORDER#4", "-o", "json")  # fmt: skip
    assert selected.returncode == 0, selected.stderr
    assert [item["total"] for item in parse(selected.stdout)] == [999]

    inserted = shop(
        "sql", f"INSERT INTO \"shop\" VALUE {{'pk': 'CUSTOMER#c7', 'sk': 'ORDER#7', 'big': {BIG}}}"
    )
    assert inserted.returncode == 0, inserted.stderr
    assert f"running a PartiQL INSERT → {endpoint}" in inserted.stderr
    assert BIG in shop("get", "pk=CUSTOMER#c7", "sk=ORDER#7", "-o", "json").stdout

    updated = shop(
        "sql", "UPDATE \"shop\" SET \"status\" = 'paid' WHERE pk = 'CUSTOMER#c7' AND sk = 'ORDER#7'"
    )
    assert updated.returncode == 0, updated.stderr
    assert shop("get", "pk=CUSTOMER#c7", "sk=ORDER#7", "-o", "json", "--query", "status").stdout == '"paid"\n'

    # Literal values: moto's server answers a DELETE with parameters with an HTTP 500.
    deleted = shop("sql", "DELETE FROM \"shop\" WHERE pk = 'CUSTOMER#c7' AND sk = 'ORDER#7'")
    assert deleted.returncode == 0, deleted.stderr
    assert shop("get", "pk=CUSTOMER#c7", "sk=ORDER#7").returncode == 1


def test_put_takes_a_write_budget_or_a_fixed_concurrency_and_writes_every_item(
    shop: Any, tmp_path: Path
) -> None:
    for customer, pace in (("c7", ["--max-wcu", "1000"]), ("c8", ["--concurrency", "1"])):
        orders = tmp_path / f"{customer}.jsonl"
        lines = (f'{{"pk": "CUSTOMER#{customer}", "sk": "ORDER#{n:03}", "total": {n}}}' for n in range(60))
        orders.write_text("\n".join(lines) + "\n")
        result = shop("put", "--file", str(orders), *pace)
        assert result.returncode == 0, result.stderr
        assert "put 60 items into shop" in result.stderr
        assert shop("count", "--pk", f"CUSTOMER#{customer}").stdout == "60\n"
    refused = shop("put", '{"pk": "CUSTOMER#c9", "sk": "PROFILE"}', "--if-not-exists", "--concurrency", "2")
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        "error: --concurrency and --max-wcu pace batched puts; --if-not-exists puts one at a time"
    ]
    assert shop("count", "--pk", "CUSTOMER#c9").stdout == "0\n"
