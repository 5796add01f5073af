"""schema-load --plan and --apply in-process on moto: output, exit codes, asking first."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ..support import SCHEMAS

BUNDLED = (SCHEMAS / "cruddur-messages.yaml").read_text()


def definition(tmp_path: Path, text: str) -> str:
    path = tmp_path / "cruddur-messages.yaml"
    path.write_text(text)
    return str(path)


def test_plan_then_apply_then_up_to_date(cli: Any, tmp_path: Path) -> None:
    planned = cli("schema-load", "--plan", "-o", "json")
    assert planned.exit_code == 0, planned.stderr
    [plan] = json.loads(planned.stdout)
    assert (plan["status"], [s["action"] for s in plan["steps"]]) == ("missing", ["CreateTable"])
    assert json.loads(cli("list-tables", "-o", "json").stdout) == []  # --plan changes nothing

    applied = cli("schema-load", "--apply", "--yes")
    assert applied.exit_code == 0, applied.stderr
    assert "1/1 CreateTable: create the table" in applied.stderr
    again = cli("schema-load", "--plan")
    assert again.exit_code == 0 and "up to date" in again.stdout

    changed = definition(
        tmp_path, BUNDLED.replace("stream: NEW_IMAGE\n", "").replace("  app: cruddur", "  app: chat")
    )
    table = cli("schema-load", changed, "--plan")
    assert table.exit_code == 0
    assert "stream off" in table.stdout and "TagResource" in table.stdout and "app=chat" in table.stdout
    assert cli("schema-load", changed, "--apply", "--yes").exit_code == 0
    [done] = json.loads(cli("schema-load", changed, "--plan", "-o", "json").stdout)
    assert done["status"] == "up to date"


def test_apply_elsewhere_without_a_terminal_needs_yes(cli: Any, tmp_path: Path) -> None:
    cli("schema-load")
    changed = definition(tmp_path, BUNDLED.replace("deletion_protection: false", "deletion_protection: true"))
    refused = cli("schema-load", changed, "--apply")  # the in-process endpoint is https://dynamodb...
    assert refused.exit_code == 2
    assert "refusing to go on without a terminal" in refused.stderr and "Pass --yes" in refused.stderr
    [plan] = json.loads(cli("schema-load", changed, "--plan", "-o", "json").stdout)
    assert [s["change"] for s in plan["steps"]] == ["deletion protection on"]


def test_a_key_change_is_refused_with_nothing_changed(cli: Any, tmp_path: Path) -> None:
    cli("schema-load")
    changed = definition(
        tmp_path,
        # Without its entities and access patterns, whose keys name the sort key.
        BUNDLED.split("\n# The entities")[0]
        .replace("  sort: sk\n\nbilling", "\nbilling")
        .replace("stream: NEW_IMAGE", "stream: KEYS_ONLY"),
    )
    planned = cli("schema-load", changed, "--plan", "-o", "json")
    assert planned.exit_code == 1
    [plan] = json.loads(planned.stdout)
    assert plan["status"] == "needs recreate"
    assert plan["recreate"] == [{"what": "key", "detail": "the file says pk, the table has pk + sk"}]
    applied = cli("schema-load", changed, "--apply", "--yes")
    assert applied.exit_code == 1
    assert "cannot be changed in place" in applied.stderr and "nothing was changed" in applied.stderr
    [after] = json.loads(cli("schema-load", "--plan", "-o", "json").stdout)
    assert after["status"] == "up to date"  # the stream, too, is as it was


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--plan", "--apply"), "pass one of them"),
        (("--plan", "--dry-run"), "pass one of them"),
        (("--replace-indexes",), "--replace-indexes goes with --plan or --apply"),
    ],
)
def test_flags_that_do_not_go_together(cli: Any, args: tuple[str, ...], message: str) -> None:
    result = cli("schema-load", *args)
    assert result.exit_code == 2 and message in result.stderr
