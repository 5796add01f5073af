"""Entities and access patterns in a table definition: the model, and every lint rule with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddbtool.errors import InputFileError
from ddbtool.tables.definition import load_definitions
from ddbtool.tables.spec import TableSpec

from ..support import ROOT

SHOP = ROOT / "tests" / "examples" / "shop" / "schemas" / "shop.yaml"

TABLE = """\
table: shop
attributes: {pk: S, sk: S, gsi1pk: S, gsi1sk: S, total: N}
key: {partition: pk, sort: sk}
global_indexes:
  - name: by-status
    key: {partition: gsi1pk, sort: gsi1sk}
  - name: by-total
    key: {partition: gsi1pk, sort: total}
"""


def load(tmp_path: Path, design: str, table: str = TABLE) -> TableSpec:
    path = tmp_path / "shop.yaml"
    path.write_text(table + design)
    [spec] = load_definitions([path])
    return spec


def problems(tmp_path: Path, design: str, table: str = TABLE) -> list[str]:
    with pytest.raises(InputFileError) as caught:
        load(tmp_path, design, table)
    return [line.replace(str(tmp_path / "shop.yaml"), "shop.yaml") for line in caught.value.lines()]


def test_the_example_shop_declares_entities_and_patterns() -> None:
    [spec] = load_definitions([SHOP])
    assert [entity.name for entity in spec.entities] == ["customer", "order"]
    found = {p.name: (p.operation, p.parameters) for p in spec.patterns}
    assert found == {
        "customer": ("GetItem", ("customer_id",)),
        "order": ("GetItem", ("customer_id", "order_no")),
        "customer-orders": ("Query", ("customer_id",)),
        "orders-by-status": ("Query on index by-status", ("status", "from", "to")),
    }
    assert spec.warnings == ()


def test_requests_are_built_with_placeholders_typed_values_and_order(tmp_path: Path) -> None:
    [spec] = load_definitions([SHOP])
    patterns = {p.name: p for p in spec.patterns}
    assert patterns["order"].request({"customer_id": "c1", "order_no": "7"}) == {
        "TableName": "shop",
        "Key": {"pk": {"S": "CUSTOMER#c1"}, "sk": {"S": "ORDER#00000007"}},
    }
    assert patterns["customer-orders"].request({"customer_id": "c1"}) == {
        "TableName": "shop",
        "KeyConditionExpression": "#n0 = :v0 AND begins_with(#n1, :v1)",
        "ExpressionAttributeNames": {"#n0": "pk", "#n1": "sk"},
        "ExpressionAttributeValues": {":v0": {"S": "CUSTOMER#c1"}, ":v1": {"S": "ORDER#"}},
        "ScanIndexForward": False,
    }
    reversed_ = patterns["customer-orders"].request({"customer_id": "c1"}, reverse=True)
    assert "ScanIndexForward" not in reversed_
    by_status = patterns["orders-by-status"].request({"status": "paid", "from": "2024", "to": "2025"})
    assert by_status["IndexName"] == "by-status"
    assert by_status["KeyConditionExpression"] == "#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2"


def test_a_number_key_takes_its_value_as_a_number(tmp_path: Path) -> None:
    spec = load(
        tmp_path,
        "access_patterns:\n  big:\n    index: by-total\n"
        "    key: {gsi1pk: 'ALL', total: {gte: '{minimum}'}}\n",
    )
    request = spec.patterns[0].request({"minimum": "100.50"})
    assert request["ExpressionAttributeValues"][":v1"] == {"N": "100.50"}
    with pytest.raises(Exception, match="pattern big: total"):
        spec.patterns[0].request({"minimum": "lots"})


def test_arguments_are_checked_against_the_parameters() -> None:
    [spec] = load_definitions([SHOP])
    order = next(p for p in spec.patterns if p.name == "order")
    with pytest.raises(
        Exception, match=r"takes customer_id=VALUE order_no=VALUE \(missing order_no; unknown x\)"
    ):
        order.request({"customer_id": "c1", "x": "1"})
    with pytest.raises(Exception, match="whole number"):
        order.request({"customer_id": "c1", "order_no": "seven"})


# --- one test per lint rule -----------------------------------------------------------


def test_an_index_the_table_does_not_have(tmp_path: Path) -> None:
    assert problems(tmp_path, "access_patterns:\n  p:\n    index: by-date\n    key: {gsi1pk: x}\n") == [
        "shop.yaml:11: access_patterns.p.index: table 'shop' has no index 'by-date' "
        "(its indexes: by-status, by-total)"
    ]
    found = problems(
        tmp_path, "entities:\n  e:\n    key: {pk: 'E#{id}', sk: E}\n    indexes:\n      by-date: {}\n"
    )
    assert found[0].startswith("shop.yaml:13: entities.e.indexes.by-date: unknown field")


def test_key_names_that_are_not_the_key(tmp_path: Path) -> None:
    assert problems(tmp_path, "access_patterns:\n  p:\n    key: {pk: x, gsi1sk: y}\n") == [
        "shop.yaml:11: access_patterns.p.key.gsi1sk: 'gsi1sk' is not a key attribute of table 'shop': "
        "its key is pk and sk"
    ]
    assert problems(tmp_path, "entities:\n  e:\n    key: {pk: 'E#{id}', sk: E, id: x}\n") == [
        "shop.yaml:11: entities.e.key.id: 'id' is not a key attribute of the table: its key is pk and sk"
    ]


def test_a_pattern_without_its_partition_key(tmp_path: Path) -> None:
    assert problems(tmp_path, "access_patterns:\n  p:\n    key: {sk: {begins_with: ORDER#}}\n") == [
        "shop.yaml:11: access_patterns.p.key.pk: missing: every pattern gives the partition key of "
        "table 'shop'; without it the read would be a Scan"
    ]
    found = problems(tmp_path, "access_patterns:\n  p:\n    index: by-status\n    key: {gsi1sk: x}\n")
    assert "access_patterns.p.key.gsi1pk: missing" in found[0]


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("'CUSTOMER#{id'", "'{' at character 10 is not closed"),
        ("'CUSTOMER#{}'", "{} is not a placeholder"),
        ("'CUSTOMER#{id:x}'", "the only format is zero-padding"),
    ],
)
def test_ill_formed_placeholders(tmp_path: Path, template: str, message: str) -> None:
    [found] = problems(tmp_path, f"access_patterns:\n  p:\n    key:\n      pk: {template}\n")
    assert found.startswith("shop.yaml:12: access_patterns.p.key.pk: ") and message in found


def test_unknown_placeholders_when_an_entity_declares_its_attributes(tmp_path: Path) -> None:
    design = "entities:\n  e:\n    key: {pk: 'E#{id}', sk: 'E#{kind}'}\n    attributes: {id: S, n: S}\n"
    assert problems(tmp_path, design) == [
        "shop.yaml:11: entities.e.key.sk: unknown placeholder {kind}: declare it under attributes"
    ]
    padded = "entities:\n  e:\n    key: {pk: 'E#{id}', sk: 'E#{n:04}'}\n    attributes: {id: S, n: S}\n"
    assert "pads a number: declare n as N" in problems(tmp_path, padded)[0]


def test_missing_key_templates_of_an_entity(tmp_path: Path) -> None:
    assert problems(tmp_path, "entities:\n  e:\n    key: {pk: 'E#{id}'}\n") == [
        "shop.yaml:11: entities.e.key.sk: missing: the table is keyed by pk and sk"
    ]
    design = "entities:\n  e:\n    key: {pk: 'E#{id}', sk: E}\n    indexes:\n      by-status: {gsi1pk: S}\n"
    assert problems(tmp_path, design) == [
        "shop.yaml:13: entities.e.indexes.by-status.gsi1sk: missing: index 'by-status' is keyed by "
        "gsi1pk and gsi1sk"
    ]


def test_a_sort_condition_where_there_is_no_sort_key(tmp_path: Path) -> None:
    table = "table: shop\nattributes: {pk: S}\nkey: {partition: pk}\n"
    assert problems(tmp_path, "access_patterns:\n  p:\n    key: {pk: x, sk: {begins_with: A}}\n", table) == [
        "shop.yaml:6: access_patterns.p.key.sk: table 'shop' has no sort key, so there is nothing for a "
        "sort condition to work on"
    ]
    [found] = problems(tmp_path, "access_patterns:\n  p:\n    key: {pk: {begins_with: A}}\n", table)
    assert "a partition key takes one value" in found


@pytest.mark.parametrize("values", ["[a]", "[a, b, c]", "a"])
def test_between_without_exactly_two_values(tmp_path: Path, values: str) -> None:
    assert problems(tmp_path, f"access_patterns:\n  p:\n    key: {{pk: x, sk: {{between: {values}}}}}\n") == [
        "shop.yaml:11: access_patterns.p.key.sk.between: between takes exactly two values: [low, high]"
    ]


def test_two_entities_that_can_match_the_same_item(tmp_path: Path) -> None:
    design = (
        "entities:\n"
        "  customer:\n    key: {pk: 'CUSTOMER#{id}', sk: 'PROFILE'}\n"
        "  order:\n    key: {pk: 'CUSTOMER#{id}', sk: 'ORDER#{n}'}\n"
        "  anything:\n    key: {pk: '{pk}', sk: 'ORDER#{x}'}\n"
    )
    assert problems(tmp_path, design) == [
        "shop.yaml:15: entities.anything.key: an item could be both order and anything: make their keys' "
        "literal parts differ (a prefix such as ORDER# or a fixed sort key)"
    ]


def test_other_mistakes_in_patterns(tmp_path: Path) -> None:
    design = (
        "access_patterns:\n"
        "  one:\n    key: {pk: x, sk: y}\n    newest_first: true\n"
        "  two:\n    key: {pk: x, sk: {begins_with: A, gt: B}}\n    limit: 0\n"
        "  three:\n    index: by-total\n    key: {gsi1pk: x, total: {begins_with: '1'}}\n"
        "  four:\n    index: by-total\n    key: {gsi1pk: x, total: 'N#{n}'}\n"
        "  -bad:\n    key: {pk: x}\n"
        "  five:\n    key: {pk: x}\n    sort: y\n"
    )
    assert problems(tmp_path, design) == [
        "shop.yaml:12: access_patterns.one.newest_first: this pattern fixes the whole primary key: a GetItem "
        "reads one item; remove it",
        "shop.yaml:14: access_patterns.two.key.sk: give one sort condition: begins_with, between, gt, gte, "
        "lt, lte",
        "shop.yaml:15: access_patterns.two.limit: expected a whole number, 1 or more",
        "shop.yaml:18: access_patterns.three.key.total.begins_with: begins_with works on text and binary "
        "sort keys, not numbers",
        "shop.yaml:21: access_patterns.four.key.total: this key attribute is a number (N): its template is "
        "one placeholder, such as {value}",
        "shop.yaml:22: access_patterns.-bad: a pattern name is letters, digits, '_', '-' and '.', starting "
        "with a letter or digit",
        "shop.yaml:26: access_patterns.five.sort: unknown field; expected one of "
        "['description', 'index', 'key', 'newest_first', 'limit']",
    ]


def test_two_tables_cannot_declare_the_same_pattern(tmp_path: Path) -> None:
    first = tmp_path / "a.yaml"
    first.write_text(TABLE + "access_patterns:\n  p:\n    key: {pk: x}\n")
    second = tmp_path / "b.yaml"
    second.write_text(TABLE.replace("shop", "shop2") + "access_patterns:\n  p:\n    key: {pk: y}\n")
    with pytest.raises(InputFileError, match=r"b.yaml:11: access_patterns.p: a pattern of this name is also"):
        load_definitions([first, second])


def test_an_index_no_pattern_uses_is_a_warning(tmp_path: Path) -> None:
    spec = load(tmp_path, "access_patterns:\n  p:\n    index: by-status\n    key: {gsi1pk: x}\n")
    assert [str(w).replace(str(tmp_path / "shop.yaml"), "shop.yaml") for w in spec.warnings] == [
        "shop.yaml:7: access_patterns: no access pattern uses index 'by-total': declare the pattern that "
        "needs it, or remove the index (it costs a write for every item it holds)"
    ]
    assert load(tmp_path, "").warnings == ()  # no patterns declared: nothing to compare with
