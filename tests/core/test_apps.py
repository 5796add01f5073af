"""The seam finds apps as importlib.metadata would, without its start-up cost."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

from ddbtool.apps import _entry_points, installed


@pytest.mark.parametrize("group", ["ddbtool.apps", "console_scripts"])
def test_entry_points_read_by_hand_match_importlib_metadata(group: str) -> None:
    expected = sorted(entry.value.split("[")[0].strip() for entry in entry_points(group=group))
    assert expected
    assert sorted(_entry_points(group)) == expected


def test_the_messaging_app_is_installed_by_its_entry_point() -> None:
    assert [app.name for app in installed()] == ["cruddur"]
