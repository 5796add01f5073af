"""Declared access patterns run by name: the installed ddbtool on the example shop, on both engines."""

from __future__ import annotations

import csv
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ..support import ROOT

pytestmark = pytest.mark.e2e

SHOP = ROOT / "tests" / "examples" / "shop"


def parse(text: str) -> Any:
    return json.loads(text, parse_float=Decimal, parse_int=Decimal)


@pytest.fixture
def shop(ddbtool: Any, endpoint: str, tmp_path: Path) -> Any:
    """Run ddbtool in a copy of the example shop's folder, its table loaded and seeded by entity."""
    shutil.copytree(SHOP, tmp_path, dirs_exist_ok=True)

    def run(*args: str, **kwargs: Any) -> Any:
        return ddbtool(*args, "--endpoint-url", endpoint, cwd=tmp_path, **kwargs)

    assert run("schema-load").returncode == 0
    seeded = run("seed", "--output", "json")
    assert seeded.returncode == 0, seeded.stderr
    counts = json.loads(seeded.stdout)["items"]
    assert (counts["customer"], counts["order"], counts["item"]) == (2, 4, 1)
    return run


def test_seeding_by_entity_fills_table_and_index_keys(shop: Any, endpoint: str) -> None:
    items = [parse(line) for line in shop("scan", "-o", "jsonl").stdout.splitlines()]
    order = next(item for item in items if item["sk"] == "ORDER#00000012")
    assert order == {
        "pk": "CUSTOMER#c1",
        "sk": "ORDER#00000012",
        "gsi1pk": "STATUS#paid",
        "gsi1sk": "2024-03-05T16:45:00Z",
        "customer_id": "c1",
        "order_no": 12,
        "status": "paid",
        "placed_at": "2024-03-05T16:45:00Z",
        "total": 120,
    }
    customer = next(item for item in items if item["sk"] == "PROFILE" and item["customer_id"] == "c2")
    assert customer["pk"] == "CUSTOMER#c2" and "gsi1pk" not in customer
    again = shop("seed")  # the same files give the same items
    assert again.returncode == 0, again.stderr
    assert len(shop("scan", "-o", "jsonl").stdout.splitlines()) == len(items) == 7


@pytest.mark.parametrize("columns", ["80", "160"])
def test_scan_shows_items_by_entity_at_any_width(shop: Any, columns: str) -> None:
    found = shop("scan", env={"COLUMNS": columns})
    assert found.returncode == 0, found.stderr
    lines = found.stdout.splitlines()
    assert all(len(line) <= int(columns) for line in lines)
    titles = [line.strip() for line in lines if line.strip() in ("customer", "order", "other items")]
    assert titles == ["customer", "order", "other items"]
    cells = " ".join(line.replace("│", " ") for line in lines)
    for value in ("Ada", "Lovelace", "99.99", "120", "ORDER#0000", "NOTE#1", "declared"):
        assert value in cells
    if columns == "160":
        assert "email" in cells and "gsi1pk" not in cells  # index keys built from status only repeat it


def test_a_get_item_pattern_reads_one_item_and_none_is_exit_1(shop: Any) -> None:
    found = shop("query", "order", "customer_id=c1", "order_no=7", "-o", "json")
    assert found.returncode == 0, found.stderr
    [item] = parse(found.stdout)
    assert item["sk"] == "ORDER#00000007" and item["total"] == Decimal("12.50")
    assert "1 items from shop (order, GetItem)" in found.stderr

    missing = shop("query", "customer", "customer_id=c9")
    assert missing.returncode == 1
    assert missing.stderr.strip() == (
        "error: no item pk='CUSTOMER#c9', sk='PROFILE' in shop (pattern customer)"
    )
    assert missing.stdout == ""


def test_a_query_pattern_reads_newest_first_up_to_its_limit(shop: Any) -> None:
    found = shop("query", "customer-orders", "customer_id=c1", "-o", "json")
    assert found.returncode == 0, found.stderr
    assert [item["order_no"] for item in parse(found.stdout)] == [12, 8, 7]

    first = shop("query", "customer-orders", "customer_id=c1", "--limit", "1", "-o", "jsonl")
    assert [parse(line)["order_no"] for line in first.stdout.splitlines()] == [12]
    assert "there may be more: --all reads every one" in first.stderr

    oldest = shop("query", "customer-orders", "customer_id=c1", "--reverse", "--all", "-o", "csv")
    rows = list(csv.DictReader(io.StringIO(oldest.stdout)))
    assert [row["order_no"] for row in rows] == ["7", "8", "12"]


def test_a_pattern_on_an_index_with_between(shop: Any) -> None:
    found = shop("query", "orders-by-status", "status=paid", "from=2024-03-01", "to=2024-03-31", "-o", "json")
    assert found.returncode == 0, found.stderr
    assert [(i["customer_id"], i["order_no"]) for i in parse(found.stdout)] == [("c1", 7), ("c1", 12)]
    assert "2 items from shop index by-status (orders-by-status, Query on index by-status)" in found.stderr

    filtered = shop(
        "query",
        "orders-by-status",
        "status=paid",
        "from=2024",
        "to=2025",
        "--where",
        "total > 10",
        "--attributes",
        "order_no,total",
        "-o",
        "json",
    )
    assert filtered.returncode == 0, filtered.stderr
    assert parse(filtered.stdout) == [
        {"order_no": 7, "total": Decimal("12.5")},
        {"order_no": 12, "total": 120},
    ]


def test_table_output_shows_the_items(shop: Any) -> None:
    found = shop("query", "customer-orders", "customer_id=c1", env={"COLUMNS": "160"})
    assert found.returncode == 0, found.stderr
    assert "ORDER#00000012" in found.stdout and "ORDER#00000007" in found.stdout
    assert found.stdout.splitlines()[0].strip() == "order"  # shown by entity, as scan shows them


def test_explain_prints_the_request_and_calls_nothing(ddbtool: Any, tmp_path: Path) -> None:
    shutil.copytree(SHOP / "schemas", tmp_path / "schemas")
    nowhere = ("--endpoint-url", "http://127.0.0.1:9")  # nothing listens: a call would fail
    get = ddbtool("query", "order", "customer_id=c1", "order_no=7", "--explain", *nowhere, cwd=tmp_path)
    assert get.returncode == 0, get.stderr
    assert json.loads(get.stdout) == {
        "TableName": "shop",
        "Key": {"pk": {"S": "CUSTOMER#c1"}, "sk": {"S": "ORDER#00000007"}},
    }
    query = ddbtool("query", "customer-orders", "customer_id=c1", "--explain", *nowhere, cwd=tmp_path)
    assert query.returncode == 0, query.stderr
    assert json.loads(query.stdout) == {
        "TableName": "shop",
        "KeyConditionExpression": "#n0 = :v0 AND begins_with(#n1, :v1)",
        "ExpressionAttributeNames": {"#n0": "pk", "#n1": "sk"},
        "ExpressionAttributeValues": {":v0": {"S": "CUSTOMER#c1"}, ":v1": {"S": "ORDER#"}},
        "ScanIndexForward": False,
        "Limit": 20,
    }
    assert "aws dynamodb query --cli-input-json file://FILE --max-items 20" in query.stderr


def test_wrong_arguments_and_a_broken_definition_are_exit_2(ddbtool: Any, tmp_path: Path) -> None:
    shutil.copytree(SHOP / "schemas", tmp_path / "schemas")
    missing = ddbtool("query", "order", "customer_id=c1", cwd=tmp_path)
    assert missing.returncode == 2
    assert "pattern order takes customer_id=VALUE order_no=VALUE (missing order_no)" in missing.stderr
    both = ddbtool("query", "customer-orders", "customer_id=c1", "--pk", "x", cwd=tmp_path)
    assert both.returncode == 2 and "not both" in both.stderr

    definition = tmp_path / "schemas" / "shop.yaml"
    definition.write_text(definition.read_text().replace("index: by-status", "index: by-colour"))
    broken = ddbtool("query", "customer-orders", "customer_id=c1", cwd=tmp_path)
    assert broken.returncode == 2
    assert "schemas/shop.yaml:51: access_patterns.orders-by-status.index: table 'shop' has no index" in (
        broken.stderr
    )
    assert "Traceback" not in broken.stderr


def test_the_bundled_design_runs_patterns_a_and_b_by_name(ddbtool: Any, endpoint: str) -> None:
    def run(*args: str) -> Any:
        result = ddbtool(*args, "--endpoint-url", endpoint)
        assert result.returncode == 0, result.stderr
        return result

    run("schema-load")
    run("seed")
    andrew = "cb3ad761-ce99-4a8e-9880-1b908c735e8c"
    by_name = parse(run("query", "conversations-of-user", f"user_uuid={andrew}", "-o", "json").stdout)
    listed = parse(run("list-conversations", "andrewbrown", "-o", "json").stdout)
    assert [item["message_group_uuid"] for item in by_name] == [c["message_group_uuid"] for c in listed]
    assert len(listed) >= 2

    group = "5ae290ed-55d1-47a0-bc6d-fe2bc2700399"
    newest = parse(
        run("query", "messages-of-conversation", f"message_group_uuid={group}", "-o", "json").stdout
    )
    shown = parse(run("get-conversation", group, "-o", "json").stdout)
    assert [m["message_uuid"] for m in reversed(newest)] == [m["message_uuid"] for m in shown]
    members = parse(
        run("query", "groups-of-conversation", f"message_group_uuid={group}", "-o", "json").stdout
    )
    assert len(members) == 2 and all(m["pk"].startswith("GRP#") for m in members)
