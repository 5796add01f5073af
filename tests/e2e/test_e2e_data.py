"""The installed `ddbtool seed` and `ddbtool scan` against moto's server, as a CI script runs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from ..support import aws_client

pytestmark = pytest.mark.e2e


def test_schema_load_seed_scan_twice_gives_the_same_table(ddbtool: Any, endpoint: str) -> None:
    target = ["--endpoint-url", endpoint]
    results = []
    for _ in range(2):
        assert ddbtool("schema-load", *target).returncode == 0
        seeded = ddbtool("seed", *target)
        assert seeded.returncode == 0, seeded.stderr
        assert f"seeding cruddur-messages → {endpoint}" in seeded.stderr
        assert "wrote 130 items to cruddur-messages" in seeded.stderr
        assert "message" in seeded.stdout and "121" in seeded.stdout
        scanned = ddbtool("scan", "--output", "json", *target)
        assert scanned.returncode == 0, scanned.stderr
        results.append(sorted(json.loads(scanned.stdout), key=lambda i: (i["pk"], i["sk"])))
    assert len(results[0]) == 130
    assert results[0] == results[1]

    lines = ddbtool("scan", "cruddur-messages", "-o", "jsonl", "--segments", "2", *target)
    assert (
        sorted((json.loads(line) for line in lines.stdout.splitlines()), key=lambda i: (i["pk"], i["sk"]))
        == (results[0])
    )
    table = ddbtool("scan", "--limit", "5", *target)
    assert table.returncode == 0 and "5 items from cruddur-messages" in table.stderr


def test_invalid_seed_is_exit_2_and_writes_nothing(ddbtool: Any, endpoint: str, tmp_path: Path) -> None:
    target = ["--endpoint-url", endpoint]
    assert ddbtool("schema-load", *target).returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("table: cruddur-messages\nusers:\n  - {uuid: nope, handle: x, display_name: X}\n")
    result = ddbtool("seed", str(bad), *target)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"error: {bad}:3: users[0].uuid: 'nope' is not a uuid (8-4-4-4-12 hex)\n"
    assert json.loads(ddbtool("scan", "-o", "json", *target).stdout) == []


def test_numbers_keep_every_digit_in_every_output(ddbtool: Any, endpoint: str) -> None:
    target = ["--endpoint-url", endpoint]
    assert ddbtool("schema-load", *target).returncode == 0
    exact = "12345678901234567890.123456789"
    item = {"pk": {"S": "THING#1"}, "sk": {"S": "META"}, "n": {"N": exact}, "i": {"N": "42"}}
    aws_client("dynamodb", endpoint).put_item(TableName="cruddur-messages", Item=item)

    as_json = ddbtool("scan", "-o", "json", *target).stdout
    assert f'"n": {exact}' in as_json and '"i": 42' in as_json
    assert json.loads(as_json, parse_float=str)[0]["n"] == exact
    assert f'"n": {exact}' in ddbtool("scan", "-o", "jsonl", *target).stdout
    [row] = csv.DictReader(io.StringIO(ddbtool("scan", "-o", "csv", *target).stdout))
    assert row["n"] == exact and row["i"] == "42"
    table = ddbtool("scan", *target, env={"COLUMNS": "200"})
    assert table.returncode == 0 and exact in table.stdout


@pytest.mark.parametrize(
    ("value", "field", "problem"),
    [
        ("{a: " * 32 + "x" + "}" * 32, "deep" + ".a" * 31, "nested deeper than DynamoDB's 32 levels"),
        ("!!set {}", "deep", "an empty set; DynamoDB sets hold at least one value"),
    ],
)
def test_one_item_dynamodb_would_refuse_among_60_writes_nothing(
    ddbtool: Any, endpoint: str, tmp_path: Path, value: str, field: str, problem: str
) -> None:
    # Seen on DynamoDB Local before the check: 50 of the 60 written, then its raw ValidationException.
    target = ["--endpoint-url", endpoint]
    assert ddbtool("schema-load", *target).returncode == 0
    good = [f"  - {{pk: 'THING#{n}', sk: META, n: {n}}}" for n in range(60)]
    seeds = tmp_path / "things.yaml"
    seeds.write_text(
        "table: cruddur-messages\nitems:\n"
        + "\n".join(good)
        + f"\n  - pk: BAD\n    sk: META\n    deep: {value}\n"
    )
    result = ddbtool("seed", str(seeds), *target)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"error: {seeds}:65: items[60].{field}: {problem}")
    assert len(result.stderr.splitlines()) == 1
    assert json.loads(ddbtool("scan", "-o", "json", *target).stdout) == []


def test_a_write_budget_or_a_fixed_concurrency_still_writes_every_item(ddbtool: Any, endpoint: str) -> None:
    target = ["--endpoint-url", endpoint]
    assert ddbtool("schema-load", *target).returncode == 0
    # 130 items of under 1 KB: about 130 units, so at 1,000 a second nothing waits long.
    for pace in (["--max-wcu", "1000"], ["--concurrency", "1"]):
        seeded = ddbtool("seed", *pace, *target)
        assert seeded.returncode == 0, seeded.stderr
        assert "wrote 130 items to cruddur-messages" in seeded.stderr
        assert len(json.loads(ddbtool("scan", "-o", "json", *target).stdout)) == 130
    refused = ddbtool("seed", "--max-wcu", "0", *target)
    assert refused.returncode == 2 and "--max-wcu" in refused.stderr
