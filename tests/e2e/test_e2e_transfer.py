"""The installed `ddbtool export` and `ddbtool import`, as a CI script runs them, on every engine."""

from __future__ import annotations

import gzip
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from ..support import aws_client
from ..transfer import RICH_ITEM, fast_put, numbered_items

pytestmark = pytest.mark.e2e

TABLE = "cruddur-messages"


@pytest.fixture
def moto_endpoint(moto_server: str) -> str:
    """moto's server alone, emptied: it also serves S3, which DynamoDB Local does not."""
    reset = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    urllib.request.urlopen(reset, timeout=10).read()
    return moto_server


def sorted_lines(path: Path) -> list[bytes]:
    data = path.read_bytes()
    return sorted((gzip.decompress(data) if path.name.endswith(".gz") else data).splitlines())


def test_export_delete_load_import_export_gives_the_same_bytes(
    ddbtool: Any, endpoint: str, tmp_path: Path
) -> None:
    target = ["--endpoint-url", endpoint]
    assert ddbtool("schema-load", *target).returncode == 0
    items = [RICH_ITEM, *numbered_items(150)]
    fast_put(aws_client("dynamodb", endpoint), TABLE, items)

    first, plain = tmp_path / "first.jsonl.gz", tmp_path / "first-plain.jsonl"
    exported = ddbtool("export", "-o", str(first), "--segments", "3", *target)
    assert exported.returncode == 0, exported.stderr
    assert f"exported {len(items)} items of {TABLE} to {first}" in exported.stderr
    assert ddbtool("export", "-t", TABLE, "--format", "plain", "-o", str(plain), *target).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first-plain.jsonl", "first.jsonl.gz"]

    assert ddbtool("delete-table", "--yes", *target).returncode == 0
    assert ddbtool("schema-load", *target).returncode == 0
    imported = ddbtool("import", str(first), *target)
    assert imported.returncode == 0, imported.stderr
    assert f"imported {len(items)} items into {TABLE}" in imported.stderr

    second = tmp_path / "second.jsonl.gz"
    assert ddbtool("export", "-o", str(second), *target).returncode == 0
    assert len(sorted_lines(second)) == len(items)
    assert sorted_lines(second) == sorted_lines(first)
    again = ddbtool("export", "--format", "plain", *target)
    assert sorted(again.stdout.encode().splitlines()) == sorted_lines(plain)


def test_a_bad_line_anywhere_is_exit_2_and_nothing_is_written(
    ddbtool: Any, endpoint: str, tmp_path: Path
) -> None:
    target = ["--endpoint-url", endpoint]
    assert ddbtool("schema-load", *target).returncode == 0
    good = tmp_path / "good.jsonl"
    good.write_text("".join(f'{{"pk": "p{n}", "sk": "s"}}\n' for n in range(30)))
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(gzip.compress(b'{"pk": "x", "sk": "y"}\n{"Item": {"pk": {"S": "x"}}}\n'))
    result = ddbtool("import", str(good), str(bad), *target)
    assert result.returncode == 2
    assert result.stderr.endswith(f"error: {bad}:2: key attribute 'sk' (text) is missing\n")
    assert "Traceback" not in result.stderr
    assert ddbtool("export", *target).stdout == ""


def test_an_unfinished_export_needs_resume_or_removal(ddbtool: Any, endpoint: str, tmp_path: Path) -> None:
    target = ["--endpoint-url", endpoint]
    assert ddbtool("schema-load", *target).returncode == 0
    output = tmp_path / "dump.jsonl"
    checkpoint = tmp_path / "dump.jsonl.checkpoint.json"
    checkpoint.write_text("{}")
    refused = ddbtool("export", "-o", str(output), *target)
    assert refused.returncode == 2
    assert f"{checkpoint} exists" in refused.stderr and "--resume" in refused.stderr
    unreadable = ddbtool("export", "-o", str(output), "--resume", *target)
    assert unreadable.returncode == 2 and "remove it to start over" in unreadable.stderr
    checkpoint.unlink()
    assert ddbtool("export", "-o", str(output), *target).returncode == 0
    assert output.read_text() == ""


def test_s3_export_and_import_end_to_end_on_motos_server(
    ddbtool: Any, moto_endpoint: str, tmp_path: Path
) -> None:
    target = ["--endpoint-url", moto_endpoint]
    assert ddbtool("schema-load", *target).returncode == 0
    client = aws_client("dynamodb", moto_endpoint)
    items = list(numbered_items(80))
    fast_put(client, TABLE, items)
    aws_client("s3", moto_endpoint).create_bucket(Bucket="backups")

    off = ddbtool("export", "--s3", "s3://backups/nightly", *target)
    assert off.returncode == 1
    assert "point-in-time recovery is off" in off.stderr and "update-continuous-backups" in off.stderr
    client.update_continuous_backups(
        TableName=TABLE, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    exported = ddbtool("export", "--s3", "s3://backups/nightly", *target)
    assert exported.returncode == 0, exported.stderr
    assert f"exported {len(items)} items of {TABLE} to s3://backups/nightly" in exported.stderr
    assert "COMPLETED" in exported.stdout
    (arn,) = [s["ExportArn"] for s in client.list_exports(TableArn=_table_arn(client))["ExportSummaries"]]
    status = ddbtool("export-status", "-o", "json", *target)
    assert status.returncode == 0 and arn in status.stdout

    definition = tmp_path / "restored.yaml"
    definition.write_text(
        Path("schemas/cruddur-messages.yaml")
        .read_text()
        .replace("table: cruddur-messages", "table: restored")
    )
    imported = ddbtool("import", "--s3", "s3://backups/nightly", str(definition), *target)
    assert imported.returncode == 0, imported.stderr
    assert f"imported {len(items)} of {len(items)} items into restored, 0 errors" in imported.stderr
    assert "then set stream NEW_IMAGE" in imported.stderr
    restored = ddbtool("describe-table", "restored", "-o", "json", *target)
    assert '"stream": "NEW_IMAGE"' in restored.stdout and f'"item_count": {len(items)}' in restored.stdout


def _table_arn(client: Any) -> str:
    return str(client.describe_table(TableName=TABLE)["Table"]["TableArn"])
