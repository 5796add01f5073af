"""Target options before the subcommand as well as after it, as the AWS CLI takes them.

`ddbtool --endpoint-url URL scan` and `ddbtool scan --endpoint-url URL` go to the
same place; given in both places, the one after the subcommand wins.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ..support import free_port

pytestmark = pytest.mark.e2e


def test_target_before_the_subcommand(ddbtool: Any, endpoint: str) -> None:
    loaded = ddbtool("--endpoint-url", endpoint, "schema-load")
    assert loaded.returncode == 0, loaded.stderr
    assert f"→ {endpoint} (region us-east-1)" in loaded.stderr
    put = ddbtool("--endpoint-url", endpoint, "put", '{"pk": "A#1", "sk": "B", "n": 7}')
    assert put.returncode == 0, put.stderr

    before = ddbtool("--endpoint-url", endpoint, "scan", "-o", "json")
    after = ddbtool("scan", "-o", "json", "--endpoint-url", endpoint)
    assert before.returncode == 0, before.stderr
    assert json.loads(before.stdout) == json.loads(after.stdout) == [{"pk": "A#1", "sk": "B", "n": 7}]


def test_after_the_subcommand_wins(ddbtool: Any, endpoint: str) -> None:
    unreachable = f"http://127.0.0.1:{free_port()}"
    assert ddbtool("schema-load", "--endpoint-url", endpoint).returncode == 0

    reached = ddbtool("--endpoint-url", unreachable, "list-tables", "-o", "json", "--endpoint-url", endpoint)
    assert reached.returncode == 0, reached.stderr
    assert json.loads(reached.stdout) == ["cruddur-messages"]

    missed = ddbtool("--endpoint-url", endpoint, "list-tables", "--endpoint-url", unreachable)
    assert missed.returncode == 1
    assert f"cannot reach {unreachable}/" in missed.stderr


def test_region_before_and_after(ddbtool: Any, endpoint: str) -> None:
    target = ["--endpoint-url", endpoint]
    try:
        root = ddbtool("--region", "eu-west-1", *target, "schema-load")
        assert root.returncode == 0, root.stderr
        assert f"→ {endpoint} (region eu-west-1)" in root.stderr
        both = ddbtool("--region", "eu-west-1", "schema-load", "--region", "eu-central-1", *target)
        assert both.returncode == 0, both.stderr
        assert f"→ {endpoint} (region eu-central-1)" in both.stderr
    finally:
        for region in ("eu-west-1", "eu-central-1"):
            gone = ddbtool("delete-table", "--if-exists", "--yes", "--region", region, *target)
            assert gone.returncode == 0, gone.stderr


def test_prod_and_profile_before_the_subcommand(ddbtool: Any, endpoint: str) -> None:
    # Checked before any request, so no AWS account is needed to see that they arrive.
    excluded = ddbtool("--prod", "list-tables", "--endpoint-url", endpoint)
    assert excluded.returncode == 2
    assert excluded.stderr.strip() == "error: --prod and --endpoint-url exclude each other: choose one target"
    not_aws = ddbtool("--prod", "--region", "localhost", "list-tables")
    assert not_aws.returncode == 2
    assert "--region 'localhost' is not a region name" in not_aws.stderr
    profile = ddbtool("--profile", "no-such-profile", "list-tables", "--endpoint-url", endpoint)
    assert profile.returncode == 2
    assert "(no-such-profile) could not be found" in profile.stderr
