"""Seed files: the bundled seeds, the items they become, and every validation rule."""

from __future__ import annotations

import itertools
import re
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ddbtool import limits
from ddbtool.apps.cruddur.model import parse_timestamp
from ddbtool.apps.cruddur.seeding import MESSAGING_KEY
from ddbtool.errors import InputFileError
from ddbtool.items.seedfile import SeedPlan, TableKey, load_seeds
from ddbtool.limits import MAX_ITEM_BYTES, ValueProblem, item_size

from ..support import ROOT

CRUDDUR = ROOT / "seeds" / "cruddur.yaml"
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00")
USERS = """\
table: cruddur-messages
users:
  - {uuid: 11111111-1111-4111-8111-111111111111, handle: ann, display_name: Ann}
  - {uuid: 22222222-2222-4222-8222-222222222222, handle: bob, display_name: Bob, cognito_user_id: sub-b}
"""


def seed_file(tmp_path: Path, text: str, name: str = "seed.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def load(*paths: Path, key: TableKey = MESSAGING_KEY) -> SeedPlan:
    return load_seeds(list(paths), lambda table: key)


def problems(*paths: Path, key: TableKey = MESSAGING_KEY) -> list[str]:
    with pytest.raises(InputFileError) as caught:
        load(*paths, key=key)
    return caught.value.lines()


CONVERSATION = {
    "uuid": "33333333-3333-4333-8333-333333333333",
    "participants": "[ann, bob]",
    "starts_at": "2024-01-01T00:00:00Z",
    "every": "5m",
    "transcript": '"Person 1: hi"',
}


def conversation(*changes: dict[str, str | None]) -> str:
    """USERS (lines 1-4), then `conversations:` (line 5) with one entry per dict of changes.

    Fields keep CONVERSATION's order (None drops one); a value of several lines
    becomes a `|` block, or a block list if it starts with "- ".
    """
    text = USERS + "conversations:\n"
    for change in changes:
        fields = {name: value for name, value in (CONVERSATION | change).items() if value is not None}
        for position, (name, value) in enumerate(fields.items()):
            text += ("  - " if position == 0 else "    ") + f"{name}:"
            if "\n" in value:
                block = "" if value.startswith("- ") else " |"
                text += block + "\n" + textwrap.indent(value, "      ") + "\n"
            else:
                text += f" {value}\n"
    return text


def only_messages(*lines: str) -> dict[str, str | None]:
    """Changes to CONVERSATION for a structured `messages:` list instead of a transcript."""
    return {"starts_at": None, "every": None, "transcript": None, "messages": "\n".join(lines)}


# --- the bundled seeds ---------------------------------------------------------------


def test_bundled_seeds_have_the_agreed_users_and_conversations() -> None:
    plan = load(CRUDDUR)
    users = {s.item["user_handle"]: s.item for s in plan.items if s.kind == "user"}
    assert {h: u["user_display_name"] for h, u in users.items()} == {
        "andrewbrown": "Andrew Brown",
        "bayko": "Andrew Bayko",
        "londo": "Londo Mollari",
    }
    main = [s.item for s in plan.items if s.item["pk"] == "MSG#5ae290ed-55d1-47a0-bc6d-fe2bc2700399"]
    assert len(main) >= 100
    senders = [m["user_handle"] for m in main]
    assert senders[0] == "andrewbrown"
    assert all(a != b for a, b in itertools.pairwise(senders)), "messages alternate"
    conversations = {s.item["message_group_uuid"] for s in plan.items if s.kind == "group"}
    assert len(conversations) >= 2
    assert plan.counts()["group"] == 2 * len(conversations)


def test_one_bundled_conversation_crosses_a_new_year() -> None:
    plan = load(CRUDDUR)
    by_group: dict[str, set[str]] = {}
    for seed in plan.items:
        if seed.kind == "message":
            by_group.setdefault(seed.item["pk"], set()).add(seed.item["sk"][:4])
    assert any(len(years) > 1 for years in by_group.values())


def test_group_items_carry_the_real_last_message_and_time() -> None:
    plan = load(CRUDDUR)
    for group in (s.item for s in plan.items if s.kind == "group"):
        messages = [s.item for s in plan.items if s.item["pk"] == f"MSG#{group['message_group_uuid']}"]
        last = max(messages, key=lambda m: m["sk"])
        assert (group["sk"], group["message"]) == (last["sk"], last["message"])
        assert group["user_handle"] != _owner_handle(plan, group["pk"]), "names the other participant"


def _owner_handle(plan: SeedPlan, group_pk: str) -> str:
    uuid = group_pk.removeprefix("GRP#")
    return next(s.item["user_handle"] for s in plan.items if s.kind == "user" and s.item["user_uuid"] == uuid)


def test_every_timestamp_has_one_shape() -> None:
    plan = load(CRUDDUR)
    times = [s.item["sk"] for s in plan.items if s.kind in ("group", "message")]
    assert times and all(TIMESTAMP.fullmatch(t) for t in times)


def test_loading_twice_gives_the_same_items() -> None:
    assert [s.item for s in load(CRUDDUR).items] == [s.item for s in load(CRUDDUR).items]


# --- how conversations become items --------------------------------------------------


def test_transcript_times_uuids_and_senders(tmp_path: Path) -> None:
    path = seed_file(
        tmp_path,
        conversation(
            {
                "participants": "[bob, ann]",
                "starts_at": "2023-12-31T23:59:00+01:00",
                "every": "1h30m",
                "transcript": "Person 1: first\n\nPerson 2: second: with a colon",
            }
        ),
    )
    plan = load(path)
    messages = [s for s in plan.items if s.kind == "message"]
    assert [(m.item["user_handle"], m.item["message"], m.item["sk"]) for m in messages] == [
        ("bob", "first", "2023-12-31T22:59:00.000000+00:00"),
        ("ann", "second: with a colon", "2024-01-01T00:29:00.000000+00:00"),
    ]
    assert [m.line for m in messages] == [11, 13]
    assert messages[0].item["message_uuid"] != messages[1].item["message_uuid"]
    assert messages[0].item["message_uuid"] == load(path).items[2].item["message_uuid"]
    assert "message_group_uuid" not in messages[0].item
    assert plan.counts() == {"user": 2, "group": 2, "message": 2, "item": 0}


def test_structured_messages_with_explicit_times(tmp_path: Path) -> None:
    path = seed_file(
        tmp_path,
        conversation(
            only_messages(
                '- {from: bob, text: late, at: "2024-02-01T10:00:00Z"}',
                "- {from: ann, text: early, at: 2024-01-01T10:00:00Z}",
            )
        ),
    )
    groups = [s.item for s in load(path).items if s.kind == "group"]
    assert {(g["sk"], g["message"]) for g in groups} == {("2024-02-01T10:00:00.000000+00:00", "late")}


def test_plain_items_keep_yaml_values_and_numbers_are_decimal(tmp_path: Path) -> None:
    path = seed_file(
        tmp_path,
        """\
        table: things
        items:
          - {id: 7, name: widget, price: 9.99, tags: [a, b], spec: {depth: 2, ok: true}, none: null}
        """,
    )
    [seed] = load(path, key=TableKey((("id", "N"),))).items
    assert seed.kind == "item" and seed.table == "things"
    assert seed.item == {
        "id": Decimal(7),
        "name": "widget",
        "price": Decimal("9.99"),
        "tags": ["a", "b"],
        "spec": {"depth": Decimal(2), "ok": True},
        "none": None,
    }
    assert not any(isinstance(v, float) for v in seed.item.values())
    assert type(seed.item["spec"]) is dict and type(seed.item["tags"]) is list


def test_handles_resolve_across_files(tmp_path: Path) -> None:
    users = seed_file(tmp_path, USERS, "a.yaml")
    talk = seed_file(
        tmp_path,
        """\
        table: cruddur-messages
        conversations:
          - uuid: 33333333-3333-4333-8333-333333333333
            participants: [ann, bob]
            starts_at: 2024-01-01T00:00:00Z
            every: 45s
            transcript: "Person 2: hi"
        """,
        "b.yaml",
    )
    [message] = [s for s in load(users, talk).items if s.kind == "message"]
    assert message.item["user_handle"] == "bob" and message.line == 7


@pytest.mark.parametrize(
    "value",
    [
        "text",
        "",
        Decimal("1.50"),
        Decimal("1E+126"),
        Decimal("NaN"),
        Decimal("1" * 39),
        1,
        True,
        None,
        b"\x00",
        {"a": ["x", {"b": Decimal(2)}]},
        {1: "a mapping key that is not text"},
        {"s": {"x", "y"}},
        [[[[["deep"]]]]],
        ["fine", set()],
        [1.5],
    ],
)
def test_the_quick_size_pass_agrees_with_the_full_walk(value: Any) -> None:
    problems: list[ValueProblem] = []
    size = limits._walk(value, ("a",), 2, problems)
    quick = limits._size_if_fine(value, 2)
    assert quick is None or (quick == size and not problems)
    assert problems == [] or quick is None


def test_nesting_past_the_limit_is_left_to_the_full_walk() -> None:
    value: Any = "x"
    for _ in range(40):
        value = {"m": [value]}
    assert limits._size_if_fine(value, 2) is None
    assert limits.item_problems({"pk": "a", "deep": value})


def test_item_size_follows_dynamodb_rules() -> None:
    assert item_size({"pk": "abc"}) == 2 + 3
    assert item_size({"n": Decimal("12345")}) == 1 + 3 + 1
    assert item_size({"b": b"\x00" * 10, "t": True, "z": None}) == 11 + 2 + 2
    assert item_size({"m": {"k": "v"}, "l": ["x", "y"]}) == (1 + 3 + 1 + 1 + 1) + (1 + 3 + 2 + 2)
    assert item_size({"ü": "é"}) == 2 + 2


# --- validation: one test per rule; every problem names file, line and field --------


def test_unknown_handle(tmp_path: Path) -> None:
    path = seed_file(
        tmp_path,
        conversation({"participants": "[ann, zed]"}),
    )
    assert problems(path) == [
        f"{path}:7: conversations[0].participants: unknown handle 'zed': "
        "add the user under `users:` in a seed file"
    ]


def test_bad_uuids(tmp_path: Path) -> None:
    path = seed_file(
        tmp_path,
        """\
        table: cruddur-messages
        users:
          - {uuid: not-a-uuid, handle: ann, display_name: Ann}
        conversations:
          - uuid: 1234
            participants: [ann, ann]
            messages: [{from: ann, text: hi, at: 2024-01-01T00:00:00Z}]
        """,
    )
    found = problems(path)
    assert found[0] == f"{path}:3: users[0].uuid: 'not-a-uuid' is not a uuid (8-4-4-4-12 hex)"
    assert found[1] == f"{path}:5: conversations[0].uuid: '1234' is not a uuid (8-4-4-4-12 hex)"


def test_malformed_transcript_line_is_located(tmp_path: Path) -> None:
    path = seed_file(
        tmp_path,
        conversation({"transcript": "Person 1: hi\nPerson 3: who am I\nPerson 2 hello"}),
    )
    assert problems(path) == [
        f"{path}:12: conversations[0].transcript: 'Person 3: who am I' is not "
        "`Person 1: text` or `Person 2: text`",
        f"{path}:13: conversations[0].transcript: 'Person 2 hello' is not "
        "`Person 1: text` or `Person 2: text`",
    ]


def test_bad_times(tmp_path: Path) -> None:
    path = seed_file(
        tmp_path,
        conversation(
            {"starts_at": "2024-01-01T00:00:00", "every": "5 minutes"},
            {
                "uuid": "44444444-4444-4444-8444-444444444444",
                **only_messages("[{from: ann, text: hi, at: yesterday}]"),
            },
        ),
    )
    found = problems(path)
    assert found[0].startswith(
        f"{path}:8: conversations[0].starts_at: '2024-01-01T00:00:00' has no time zone"
    )
    assert found[1].startswith(f"{path}:9: conversations[0].every: '5 minutes' is not a gap: write")
    assert found[2].startswith(f"{path}:13: conversations[1].messages[0].at: Invalid isoformat")
    assert len(found) == 3


def test_duplicate_key_within_a_file(tmp_path: Path) -> None:
    path = seed_file(
        tmp_path,
        conversation(
            only_messages(
                "- {from: ann, text: one, at: 2024-01-01T00:00:00Z}",
                '- {from: bob, text: two, at: "2024-01-01T01:00:00+01:00"}',
            )
        ),
    )
    assert problems(path) == [
        f"{path}:10: conversations[0].messages[1]: key pk='MSG#33333333-3333-4333-8333-333333333333', "
        f"sk='2024-01-01T00:00:00.000000+00:00' is also written by {path}:9 (conversations[0].messages[0])"
    ]


def test_duplicate_key_across_files(tmp_path: Path) -> None:
    first = seed_file(tmp_path, "table: t\nitems:\n  - {pk: A, sk: B, n: 1}\n", "1.yaml")
    second = seed_file(tmp_path, "table: t\nitems:\n  - {x: 1}\n  - {pk: A, sk: B, n: 2}\n", "2.yaml")
    found = problems(first, second)
    assert f"{second}:4: items[1]: key pk='A', sk='B' is also written by {first}:3 (items[0])" in found


def test_duplicate_handle_and_user_in_any_file(tmp_path: Path) -> None:
    first = seed_file(tmp_path, USERS, "1.yaml")
    second = seed_file(tmp_path, USERS.replace("1111", "9999"), "2.yaml")
    assert f"{second}:3: users[0].handle: handle 'ann' is used twice" in problems(first, second)


def test_item_over_400_kb(tmp_path: Path) -> None:
    body = "x" * (MAX_ITEM_BYTES - 5)
    path = seed_file(
        tmp_path, f"table: t\nitems:\n  - {{pk: A, sk: B, body: {body}}}\n  - {{pk: A, sk: C}}\n"
    )
    size = MAX_ITEM_BYTES + 5  # the body, plus 4 for its name and 3 each for pk and sk
    assert problems(path) == [
        f"{path}:3: items[0]: the item is {size:,} bytes; DynamoDB allows at most {MAX_ITEM_BYTES:,}"
    ]


def test_item_key_attributes_checked_against_the_table(tmp_path: Path) -> None:
    path = seed_file(tmp_path, "table: t\nitems:\n  - {id: x, at: 1}\n  - {at: 2}\n  - {id: '', at: 3}\n")
    key = TableKey((("id", "N"), ("at", "N")))
    assert problems(path, key=key) == [
        f"{path}:3: items[0]: key attribute 'id' must be a number, found str 'x'",
        f"{path}:4: items[1]: key attribute 'id' (a number) is missing",
        f"{path}:5: items[2]: key attribute 'id' must be a number, found str ''",
    ]


def test_users_need_the_messaging_key(tmp_path: Path) -> None:
    path = seed_file(tmp_path, USERS)
    [problem] = problems(path, key=TableKey((("id", "S"),)))
    assert problem == (
        f"{path}:3: users[0]: users and conversations need a table keyed by pk (S) and sk (S); "
        "'cruddur-messages' is keyed by id (S)"
    )


def test_yaml_errors(tmp_path: Path) -> None:
    path = seed_file(tmp_path, "table: t\nitems:\n  - {pk: [unclosed\n")
    [problem] = problems(path)
    assert problem.startswith(f"{path}:4: YAML error:")


def test_infinite_numbers_are_yaml_errors_not_crashes(tmp_path: Path) -> None:
    path = seed_file(tmp_path, "table: t\nitems:\n  - {pk: a, sk: b}\n  - {pk: a, sk: c, price: .inf}\n")
    assert problems(path) == [f"{path}:4: YAML error: .inf is not a number DynamoDB can store"]


def test_structure_errors_name_the_field(tmp_path: Path) -> None:
    path = seed_file(
        tmp_path,
        """\
        table: cruddur-messages
        user:
          - {}
        users:
          - {uuid: 11111111-1111-4111-8111-111111111111, handle: "a b", display_nam: A}
        conversations:
          - uuid: 33333333-3333-4333-8333-333333333333
            participants: [a]
        items: {pk: x}
        """,
    )
    assert problems(path) == [
        f"{path}:2: user: unknown field; did you mean 'users'?",
        f"{path}:5: users[0].display_nam: unknown field; did you mean 'display_name'?",
        f"{path}:5: users[0].display_name: missing; this field is required",
        f"{path}:5: users[0].handle: 'a b' is not a handle: use 1 to 64 letters, digits, '_', '.' or '-'",
        f"{path}:7: conversations[0]: give either `transcript:` or `messages:`, not both or neither",
        f"{path}:8: conversations[0].participants: expected two handles: [Person 1, Person 2]",
        f"{path}:9: items: expected a list, found a mapping",
    ]


def test_every_file_is_checked_before_failing(tmp_path: Path) -> None:
    good = seed_file(tmp_path, USERS, "good.yaml")
    bad_yaml = seed_file(tmp_path, "table: [\n", "bad.yaml")
    bad_item = seed_file(tmp_path, "table: t\nitems:\n  - {sk: B}\n", "item.yaml")
    found = problems(good, bad_yaml, bad_item)
    assert [line.split(":")[0] for line in found] == [str(bad_yaml), str(bad_item)]


def test_parse_timestamp_accepts_z() -> None:
    assert parse_timestamp("2024-01-01T00:00:00Z").utcoffset() is not None


# --- DynamoDB's rules on plain items ------------------------------------------------


def sixty_items_and(extra: str) -> str:
    """A seed file of 60 valid plain items (lines 3-62) and then `extra` (line 63 on)."""
    lines = [f"  - {{pk: 'THING#{n}', sk: META, n: {n}}}" for n in range(60)]
    return "table: t\nitems:\n" + "\n".join(lines) + "\n" + extra


def test_an_item_nested_33_levels_deep_names_file_line_and_field(tmp_path: Path) -> None:
    deep = "{a: " * 32 + "x" + "}" * 32
    path = seed_file(tmp_path, sixty_items_and(f"  - pk: DEEP\n    sk: META\n    deep: {deep}\n"))
    assert problems(path) == [
        f"{path}:65: items[60].deep" + ".a" * 31 + ": nested deeper than DynamoDB's 32 levels "
        "(the item is the first)"
    ]
    shallow = seed_file(
        tmp_path, sixty_items_and(f"  - {{pk: OK, sk: META, deep: {deep[4:-1]}}}\n"), "ok.yaml"
    )
    assert len(load(shallow).items) == 61


def test_sets_are_written_with_yaml_set_tag(tmp_path: Path) -> None:
    path = seed_file(
        tmp_path,
        """\
        table: t
        items:
          - pk: A
            sk: B
            colours: !!set {red, green}
            sizes: !!set {1, 2.5}
            blobs: !!set {!!binary AQ==}
            list: [a, a]
        """,
    )
    [seed] = load(path).items
    assert seed.item["colours"] == {"red", "green"}
    assert seed.item["sizes"] == {Decimal(1), Decimal("2.5")} and all(
        type(n) is Decimal for n in seed.item["sizes"]
    )
    assert seed.item["blobs"] == {b"\x01"} and seed.item["list"] == ["a", "a"]


def test_empty_sets_name_their_field_and_line(tmp_path: Path) -> None:
    path = seed_file(tmp_path, sixty_items_and("  - pk: A\n    sk: B\n    meta:\n      tags: !!set {}\n"))
    assert problems(path) == [
        f"{path}:66: items[60].meta.tags: an empty set; DynamoDB sets hold at least one value"
    ]


@pytest.mark.parametrize(
    ("members", "problem"),
    [
        ("{1, 1.0}", "1 is in the set twice; a set holds each value once"),
        ("{a, a}", "'a' is in the set twice; a set holds each value once"),
        ("{a, 1}", "a set holds values of one type: all text, all numbers or all binary"),
        ("{true}", "a set holds text, numbers or binary, not bool True"),
        ("{[a]}", "a set holds text, numbers or binary, not a list"),
    ],
)
def test_sets_of_duplicates_or_mixed_types_are_refused(tmp_path: Path, members: str, problem: str) -> None:
    path = seed_file(
        tmp_path, f"table: t\nitems:\n  - {{pk: A, sk: B}}\n  - {{pk: A, sk: C, s: !!set {members}}}\n"
    )
    assert problems(path) == [f"{path}:4: YAML error: {problem}"]


def test_numbers_beyond_dynamodbs_range_get_a_sentence(tmp_path: Path) -> None:
    path = seed_file(
        tmp_path,
        f"table: t\nitems:\n  - pk: A\n    sk: B\n    big: 1.0e+126\n    long: {'1' * 39}\n"
        "    small: [1.0e-131]\n",
    )
    assert problems(path) == [
        f"{path}:5: items[0].big: 1.0E+126 is too large; DynamoDB numbers stay below 1E+126",
        f"{path}:6: items[0].long: {'1' * 39} has 39 significant digits; DynamoDB keeps at most 38",
        f"{path}:7: items[0].small[0]: 1.0E-131 is too close to zero; "
        "DynamoDB numbers are 0 or at least 1E-130",
    ]


def test_index_key_attributes_are_checked_when_present(tmp_path: Path) -> None:
    path = seed_file(
        tmp_path,
        """\
        table: t
        items:
          - {pk: A, sk: B}
          - {pk: A, sk: C, message_group_uuid: ""}
          - {pk: A, sk: D, message_group_uuid: 12}
        """,
    )
    key = TableKey(MESSAGING_KEY.attributes, indexed=(("message_group_uuid", "S"),))
    assert problems(path, key=key) == [
        f"{path}:4: items[1]: key attribute 'message_group_uuid' must be at least 1 byte; "
        "an index key cannot be empty",
        f"{path}:5: items[2]: key attribute 'message_group_uuid' must be text, found number 12",
    ]
    assert len(load(path).items) == 3  # the table's key alone lets them pass
