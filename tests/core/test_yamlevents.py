"""The fast loader builds exactly what the full loader builds, and hands back what it cannot."""

from __future__ import annotations

import gc
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ddbtool import yamlfile
from ddbtool.gcpause import gc_paused
from ddbtool.yamlevents import NotPlain, load_plain
from ddbtool.yamltypes import YamlList, YamlMap

ROOT = Path(__file__).resolve().parents[2]

PLAIN = [
    "",
    "# only a comment\n",
    "42\n",
    "just text\n",
    "table: t\nitems:\n  - pk: A\n    sk: 1\n    n: 1.50\n    big: 123456789012345678901234567890.000001\n",
    "a: [1, 2.0, -3, 0x1f, 0o17, 1_000, .5, 1e3, +7]\n",
    "flags: [yes, no, true, False, on, Off, ~, null, '', 'yes', \"1.5\"]\n",
    "when: 2026-12-06\nat: 2026-12-06T05:00:00Z\ntext: '2026-12-06'\n",
    "nested:\n  - {a: {b: [[1, [2, {c: d}]]]}}\n  - []\n  - {}\n",
    "block: |\n  two\n  lines\nfolded: >\n  one\n  line\n",
    "keys:\n  1: int\n  1.5: number\n  false: bool\n  ~: null key\n  '1': text\n",
    "repeated values: [x, x, x, 1, 1, '1', 1.0, 1.00]\n",
    "---\nstarts: with a marker\n...\n",
    "sexagesimal: 1:30\nspaced: 'a b'\nunicode: ünïcödé ✓\n",
]

NOT_PLAIN = [
    "a: &x 1\nb: *x\n",  # anchors and aliases
    "base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n",  # a merge key
    "s: !!set {a, b}\n",  # a tag
    "s: !!str 1\n",
    "a: 1\na: 2\n",  # a repeated key: the full loader names it
    "? [1, 2]\n: list as key\n",
    "a: [1, 2\n",  # a syntax error: the full loader names it
    "--- 1\n--- 2\n",  # two documents
    "n: .inf\n",  # a number DynamoDB cannot store: the full loader says so
]


def full(text: str) -> Any:
    return yamlfile._load_full(text, "test.yaml")


def fast(text: str) -> Any:
    loader = yamlfile._Loader(text)
    try:
        return load_plain(loader, yamlfile.MAX_DEPTH - 2)
    finally:
        loader.dispose()


def shape(value: Any) -> Any:
    """A value with its types, lines and order made comparable (Decimal('1.0') == 1 is not enough)."""
    if isinstance(value, YamlMap):
        pairs = [(shape(key), value.key_lines[key], shape(item)) for key, item in value.items()]
        return ("map", value.line, pairs)
    if isinstance(value, YamlList):
        return ("list", value.line, value.item_lines, [shape(item) for item in value])
    return (type(value).__name__, str(value))


@pytest.mark.parametrize("text", PLAIN)
def test_a_plain_file_gives_the_values_and_lines_of_the_full_loader(text: str) -> None:
    assert shape(fast(text)) == shape(full(text))


def test_every_yaml_file_of_the_project_loads_the_same_both_ways() -> None:
    files = [
        path for path in ROOT.rglob("*.y*ml") if ".venv" not in path.parts and ".cache" not in path.parts
    ]
    assert len(files) >= 4
    plain = 0
    for path in files:
        text = path.read_text()
        try:
            expected = full(text)
        except Exception:
            continue
        try:
            got = fast(text)
        except NotPlain:
            continue
        assert shape(got) == shape(expected), path
        plain += 1
    assert plain >= 4  # the shipped schema and seeds, and the shop example's


def test_numbers_keep_every_digit() -> None:
    loaded = fast("n: 3.14159265358979323846264338327950288\n")
    assert loaded["n"] == Decimal("3.14159265358979323846264338327950288")


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_anything_but_plain_yaml_is_handed_to_the_full_loader(text: str) -> None:
    with pytest.raises(NotPlain):
        fast(text)


def test_nesting_near_the_limit_is_handed_to_the_full_loader() -> None:
    deep = "a: " + "[" * 98 + "]" * 98 + "\n"
    with pytest.raises(NotPlain):
        fast(deep)
    fast("a: " + "[" * 90 + "]" * 90 + "\n")


def test_load_text_gives_the_full_loaders_answer_for_what_is_not_plain() -> None:
    loaded = yamlfile.load_text("base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n", "t.yaml")
    assert loaded["use"] == {"x": 1, "y": 2}
    assert loaded["use"].key_lines == {"x": 1, "y": 4}


def test_the_collector_is_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError
    assert gc.isenabled()
