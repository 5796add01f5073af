"""Plain YAML built straight from the parser's events: the fast way to load a big file.

PyYAML loads a document in two steps: libyaml's parser composes a tree of
nodes, then a Python constructor turns each node into a value. For a seed file
of 20,000 items that is 400,000 nodes, each resolved and constructed on its
own. Most files are plain (mappings, lists and untagged scalars, no anchors,
aliases, tags or merge keys), and for them this module builds the values from
the events in one pass, constructing each distinct scalar once.

Anything else raises `NotPlain`, and the caller loads the text the full way,
which gives the same values for every plain file and the exact error for a bad
one. The values are those of the full loader: the same types, the same lines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from ddbtool.yamltypes import YamlList, YamlMap

_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "null", "bool", "int", "float", "timestamp")
)
_STR_TAG = "tag:yaml.org,2002:str"
_NO_KEY = object()


class NotPlain(Exception):
    """The text needs the full loader: an anchor, alias, tag, merge key, duplicate key or error."""


def load_plain(loader: yaml.SafeLoader, max_depth: int) -> Any:
    """The document of `loader`'s text, or NotPlain; nesting deeper than `max_depth` is not plain."""
    construct = _scalar_constructor(loader)
    plain_made: dict[str, Any] = {}  # each distinct scalar's value, plain and quoted apart
    quoted_made: dict[str, Any] = {}
    get_event = loader.get_event
    scalar_event, mapping_start, sequence_start = (
        yaml.ScalarEvent,
        yaml.MappingStartEvent,
        yaml.SequenceStartEvent,
    )
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    skipped = (yaml.StreamStartEvent, yaml.DocumentEndEvent)
    root: Any = None
    documents = 0
    # The innermost open list or mapping; for a mapping, the key read but not yet
    # given its value, with that key's line. `outer` keeps the same for each
    # enclosing container, innermost last.
    top: Any = None
    is_list = False
    key: Any = _NO_KEY
    key_line = 0
    outer: list[tuple[Any, bool, Any, int]] = []
    try:
        while True:
            event = get_event()  # type: ignore[no-untyped-call]
            kind = type(event)
            if kind is scalar_event:
                if event.anchor is not None or event.tag is not None:
                    raise NotPlain
                text, plain = event.value, event.implicit[0]
                made = plain_made if plain else quoted_made
                value: Any = made.get(text, _NO_KEY)
                if value is _NO_KEY:
                    value = made[text] = construct(text, plain)
                line = event.start_mark.line + 1
                container = False
            elif kind is mapping_start or kind is sequence_start:
                if event.anchor is not None or event.tag is not None or len(outer) >= max_depth:
                    raise NotPlain
                if kind is mapping_start:
                    value = YamlMap()
                    value.key_lines = {}
                else:
                    value = YamlList()
                    value.item_lines = []
                line = value.line = event.start_mark.line + 1
                container = True
            elif kind in ends:
                top, is_list, key, key_line = outer.pop()
                continue
            elif kind in skipped:
                continue
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise NotPlain
                continue
            elif kind is yaml.StreamEndEvent:
                return root
            else:  # an alias
                raise NotPlain
            if is_list:
                top.append(value)
                top.item_lines.append(line)
            elif key is not _NO_KEY:
                top[key] = value
                top.key_lines[key] = key_line
                key = _NO_KEY
            elif top is not None:
                if container or value in top:
                    raise NotPlain  # a list or mapping as a key, or a repeated key
                key, key_line = value, line
            else:
                root = value
            if container:
                outer.append((top, is_list, key, key_line))
                top, is_list, key = value, kind is sequence_start, _NO_KEY
    except yaml.YAMLError:
        raise NotPlain from None


def _scalar_constructor(loader: yaml.SafeLoader) -> Callable[[str, bool], Any]:
    """Plain or quoted scalar text to its value, as the loader constructs it."""
    constructors = loader.yaml_constructors

    def construct(text: str, plain: bool) -> Any:
        tag = loader.resolve(yaml.ScalarNode, text, (plain, not plain)) if plain else _STR_TAG  # type: ignore[no-untyped-call]
        if tag not in _PLAIN_TAGS:
            raise NotPlain  # a merge key `<<`, or `=`
        return constructors[tag](loader, yaml.ScalarNode(tag, text))

    return construct
