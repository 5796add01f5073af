"""Fixtures the end-to-end tests share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .shop import ORDERS, SHOP


@pytest.fixture
def shop(ddbtool: Any, endpoint: str, tmp_path: Path) -> Any:
    """Run ddbtool in an app folder whose one table is the shop, loaded and holding four orders."""
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "shop.yaml").write_text(SHOP)
    (tmp_path / "orders.yaml").write_text(ORDERS)

    def run(*args: str, **kwargs: Any) -> Any:
        return ddbtool(*args, "--endpoint-url", endpoint, cwd=tmp_path, **kwargs)

    assert run("schema-load").returncode == 0
    loaded = run("put", "--file", "orders.yaml")
    assert loaded.returncode == 0, loaded.stderr
    assert "put 4 items into shop" in loaded.stderr
    return run
