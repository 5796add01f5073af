"""seed and scan in-process: exit codes, stdout and stderr checked separately."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from ddbtool.items.batch import write_items
from ddbtool.tables.admin import load_table
from ddbtool.tables.spec import KeySchema, TableSpec

from ..support import ROOT

SEEDED = {"user": 3, "group": 6, "message": 121, "item": 0}
TOTAL = sum(SEEDED.values())


def scanned(cli: Any, *args: str) -> list[dict[str, Any]]:
    result = cli("scan", "--output", "json", *args)
    assert result.exit_code == 0, result.stderr
    return sorted(json.loads(result.stdout), key=lambda item: (item["pk"], item["sk"]))


def test_seed_writes_every_kind_and_a_second_run_changes_nothing(cli: Any) -> None:
    assert cli("schema-load").exit_code == 0
    first = cli("seed")
    assert first.exit_code == 0, first.stderr
    assert "seeding cruddur-messages → https://dynamodb.us-east-1.amazonaws.com" in first.stderr
    assert f"wrote {TOTAL} items to cruddur-messages in " in first.stderr and "items/s)" in first.stderr
    for kind, count in SEEDED.items():
        assert f"│ {kind:<7} │ {count:<5} │" in first.stdout
    after_first = scanned(cli)
    assert len(after_first) == TOTAL

    second = cli("seed", "--output", "json")
    assert second.exit_code == 0, second.stderr
    summary = json.loads(second.stdout)
    assert summary["items"] == SEEDED and summary["total"] == TOTAL and summary["dry_run"] is False
    assert summary["seconds"] > 0 and summary["items_per_second"] > 0
    assert scanned(cli) == after_first


def test_seed_dry_run_validates_and_writes_nothing(cli: Any) -> None:
    cli("schema-load")
    result = cli("seed", "--dry-run", "--output", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["items"] == SEEDED
    assert f"dry run: {TOTAL} items in 1 files are valid; nothing was written" in result.stderr
    assert "seeding" not in result.stderr
    assert scanned(cli) == []


def test_seed_of_an_invalid_file_is_exit_2_and_writes_nothing(cli: Any, tmp_path: Path) -> None:
    cli("schema-load")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "table: cruddur-messages\nconversations:\n"
        "  - {uuid: 5ae290ed-55d1-47a0-bc6d-fe2bc2700399, participants: [andrewbrown, nobody],\n"
        "     starts_at: 2024-01-01T00:00:00Z, every: 5m, transcript: 'Person 1: hi'}\n"
    )
    result = cli("seed", str(ROOT / "seeds" / "cruddur.yaml"), str(bad))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"error: {bad}:3: conversations[0].participants: unknown handle 'nobody': "
        "add the user under `users:` in a seed file"
    ]
    assert scanned(cli) == []


def test_seed_into_a_missing_table_suggests_schema_load(cli: Any) -> None:
    result = cli("seed")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith(
        "error: table 'cruddur-messages' does not exist here; create it with `ddbtool schema-load` "
        "(DynamoDB Local keeps one database per access key and region"
    )


def test_plain_items_into_a_table_known_only_at_the_endpoint(cli: Any, dynamodb: Any, tmp_path: Path) -> None:
    load_table(dynamodb, TableSpec("things", {"id": "N"}, KeySchema("id")))
    seeds = tmp_path / "things.yaml"
    seeds.write_text("table: things\nitems:\n  - {id: 1, price: 9.99, tags: [a, b]}\n  - {id: 2}\n")
    result = cli("seed", str(seeds))
    assert result.exit_code == 0, result.stderr
    assert "│ item    │ 2     │" in result.stdout
    jsonl = cli("scan", "things", "--output", "jsonl")
    rows = sorted((json.loads(line) for line in jsonl.stdout.splitlines()), key=lambda r: r["id"])
    assert rows == [{"id": 1, "price": 9.99, "tags": ["a", "b"]}, {"id": 2}]
    assert "2 items from things" in jsonl.stderr

    seeds.write_text("table: things\nitems:\n  - {id: one}\n")
    wrong = cli("seed", str(seeds))
    assert wrong.exit_code == 2
    assert (
        wrong.stderr.strip()
        == f"error: {seeds}:3: items[0]: key attribute 'id' must be a number, found str 'one'"
    )


def test_scan_outputs(cli: Any) -> None:
    cli("schema-load")
    cli("seed")
    table = cli("scan")
    assert table.exit_code == 0, table.stderr
    # The definition declares users, groups and messages: a section each, with its own columns.
    for title in ("group", "message", "user"):
        assert f"\n{title} " in f"\n{table.stdout}"
    for text in ("Put that on a mug.", "Londo Mollari", "message_group_uuid", "message_uuid"):
        assert text in table.stdout
    assert f"{TOTAL} items from cruddur-messages" in table.stderr

    jsonl = cli("scan", "--output", "jsonl", "--segments", "3")
    assert len(jsonl.stdout.splitlines()) == TOTAL

    rows = list(csv.DictReader(io.StringIO(cli("scan", "--output", "csv").stdout)))
    assert len(rows) == TOTAL
    assert list(rows[0])[:2] == ["pk", "sk"] and "message" in rows[0]

    groups = scanned(cli, "--index", "message-group-sk-index")
    assert len(groups) == SEEDED["group"] and all(g["pk"].startswith("GRP#") for g in groups)
    assert len(scanned(cli, "--limit", "7", "--consistent")) == 7


def test_scan_errors(cli: Any) -> None:
    missing = cli("scan", "ghost")
    assert missing.exit_code == 1 and missing.stdout == ""
    assert "create it with `ddbtool schema-load`" in missing.stderr
    cli("schema-load")
    bad_index = cli("scan", "--index", "nope")
    assert bad_index.exit_code == 2 and "has no index 'nope'" in bad_index.stderr
    assert cli("scan", "--segments", "0").exit_code == 2


def test_scan_csv_has_every_attribute_even_those_first_seen_after_1000_items(cli: Any, dynamodb: Any) -> None:
    # Each item has an attribute of its own, so whatever order the scan returns them in,
    # some are first seen after the first thousand (which the CSV used to leave out).
    cli("schema-load")
    items = [{"pk": f"THING#{n}", "sk": "META", f"only_{n}": Decimal(n)} for n in range(1001)]
    write_items(dynamodb, "cruddur-messages", items, ("pk", "sk"))
    result = cli("scan", "--output", "csv")
    assert result.exit_code == 0 and "warning" not in result.stderr, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 1001 and len(rows[0]) == 2 + 1001
    for row in rows:
        n = row["pk"].removeprefix("THING#")
        assert {name: value for name, value in row.items() if value} == {
            "pk": f"THING#{n}",
            "sk": "META",
            f"only_{n}": n,
        }
