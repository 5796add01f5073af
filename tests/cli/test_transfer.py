"""export, import, export-status and import-status in-process: options that exclude each other, status."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "--s3", "s3://bkt/p", "-o", "x.jsonl"], "leave out -o"),
        (["export", "--resume"], "--resume needs -o FILE"),
        (["export", "--no-wait"], "go with --s3"),
        (["export", "--s3", "b/p"], "s3://BUCKET/PREFIX"),
        (["export", "--segment", "2"], "go together"),
        (["export", "--s3", "s3://bkt/p", "--incremental-since", "yesterday"], "ISO-8601 time with a zone"),
        (["import"], "name the dump files"),
        (["import", "x.jsonl", "--no-wait"], "goes with --s3"),
        (["import", "--s3", "s3://bkt/p", "--resume"], "leave out --resume"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(cli: Any, args: list[str], message: str) -> None:
    assert cli("schema-load").exit_code == 0
    result = cli(*args)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


def test_export_status_lists_the_tables_exports(cli: Any, dynamodb: Any) -> None:
    # S3 follows the DynamoDB target; in-process moto answers AWS's own addresses, so: --prod.
    def aws(*args: str) -> Any:
        return cli(*args, "--prod", target=False)

    assert aws("schema-load").exit_code == 0
    dynamodb.update_continuous_backups(
        TableName="cruddur-messages",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="backups")
    empty = aws("export-status")
    assert empty.exit_code == 0 and "0 found" in empty.stderr
    started = aws("export", "--s3", "s3://backups/x", "--no-wait")
    assert started.exit_code == 0, started.stderr
    arn = next(line.split()[1] for line in started.stderr.splitlines() if line.startswith("export arn:"))
    listed = aws("export-status", "--output", "json")
    assert [row["ExportArn"] for row in json.loads(listed.stdout)] == [arn]
    described = aws("export-status", arn, "--output", "json")
    assert json.loads(described.stdout)[0]["ExportArn"] == arn
