"""The one YAML loader: its limits on size, nesting and aliases, and merge keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddbtool import yamlfile
from ddbtool.errors import InputFileError, Problem


def laughs(levels: int, width: int = 9) -> str:
    """A billion-laughs file: each level is a list of `width` aliases of the one before."""
    lines = ["table: cruddur-messages", "a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def problems(path: Path) -> list[str]:
    with pytest.raises(InputFileError) as caught:
        yamlfile.load(path)
    return caught.value.lines()


def test_an_alias_bomb_is_refused_at_the_line_that_passes_the_limit(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(laughs(9))  # about 9**10 values once expanded, in 11 short lines
    # Each a<n> holds 9 aliases of a<n-1>: a5 stands for 597,871 values, and the first
    # alias of it on a6's line (8) takes the aliases past a million.
    assert problems(bomb) == [
        f"{bomb}:8: YAML error: aliases expand to more than 1,000,000 values, the most ddbtool "
        "accepts in one file; write the data out or use fewer aliases"
    ]


def test_aliases_within_the_limit_are_read(tmp_path: Path) -> None:
    few = tmp_path / "few.yaml"
    few.write_text(laughs(3))  # 9**4 = 6,561 values
    loaded = yamlfile.load(few)
    assert loaded["a3"][8][8][8] == ["lol"] * 9


def test_a_recursive_alias_is_refused(tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.write_text("table: t\nitems: &items\n  - *items\n")
    assert problems(loop) == [
        f"{loop}:2: YAML error: an alias refers to a list or mapping that contains it; "
        "DynamoDB cannot store that"
    ]


def test_deep_nesting_is_refused_without_a_recursion_error(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("items: " + "[" * 5000 + "]" * 5000 + "\n")
    assert problems(deep) == [f"{deep}:1: YAML error: nested more than 100 levels deep"]


def test_a_file_over_the_size_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamlfile, "MAX_YAML_BYTES", 2 * 1024 * 1024)
    big = tmp_path / "big.yaml"
    big.write_text("items:\n" + "  - x\n" * (1024 * 1024))
    assert problems(big) == [f"{big}: larger than 2 MiB, the most ddbtool reads from one YAML file; split it"]


def test_merge_keys_let_a_mapping_override_what_it_merges(tmp_path: Path) -> None:
    merged = tmp_path / "merged.yaml"
    merged.write_text("base: &base {pk: A, sk: one, n: 1}\nitem: {<<: *base, sk: two}\n")
    assert yamlfile.load(merged)["item"] == {"pk": "A", "sk": "two", "n": 1}


def test_a_repeated_own_key_is_still_an_error(tmp_path: Path) -> None:
    twice = tmp_path / "twice.yaml"
    twice.write_text("base: &base {pk: A}\nitem: {<<: *base, sk: one, sk: two}\n")
    assert problems(twice) == [f"{twice}:2: YAML error: duplicate key 'sk'"]


def test_thousands_of_problems_show_the_first_50_and_a_count() -> None:
    error = InputFileError(Problem("seed.yaml", line, "items", "bad") for line in range(1, 2001))
    lines = error.lines()
    assert len(lines) == 51
    assert lines[0] == "seed.yaml:1: items: bad" and lines[49] == "seed.yaml:50: items: bad"
    assert lines[50] == "... and 1,950 more problems; fix these and run again to see the rest"
    assert len(error.problems) == 2000
