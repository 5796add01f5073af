"""The mappings and lists loaded from YAML files, which know the line of every value."""

from __future__ import annotations

from typing import Any


class YamlMap(dict[Any, Any]):
    """A mapping from a YAML file, with the line of the mapping and of each key."""

    line: int = 0
    key_lines: dict[Any, int]


class YamlList(list[Any]):
    """A list from a YAML file, with the line of the list and of each item."""

    line: int = 0
    item_lines: list[int]
