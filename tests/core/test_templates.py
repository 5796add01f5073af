"""Key templates: parsing, filling, matching a stored key, and telling whether two can build the same key."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ddbtool.tables.templates import Placeholder, TemplateError, overlap, overlap_all, parse


def test_parse_literal_text_placeholders_and_escaped_braces() -> None:
    template = parse("CUSTOMER#{customer_id}#{{x}}")
    assert template.parts == ("CUSTOMER#", Placeholder("customer_id"), "#{x}")
    assert template.names == ("customer_id",)
    assert template.format({"customer_id": "c1"}) == "CUSTOMER#c1#{x}"


def test_zero_padding_makes_numbers_sort_as_text() -> None:
    template = parse("ORDER#{order_no:08}")
    assert template.parts == ("ORDER#", Placeholder("order_no", 8))
    assert template.format({"order_no": Decimal(7)}) == "ORDER#00000007"
    assert template.format({"order_no": "12"}) == "ORDER#00000012"
    with pytest.raises(TemplateError, match="whole number"):
        template.format({"order_no": Decimal("7.5")})
    with pytest.raises(TemplateError, match="more than 8 digits"):
        template.format({"order_no": Decimal(123456789)})


def test_numbers_keep_every_digit_and_missing_values_are_named() -> None:
    template = parse("{a}/{b}")
    assert template.format({"a": Decimal("12345678901234567890.5"), "b": Decimal("1E+2")}) == (
        "12345678901234567890.5/100"
    )
    with pytest.raises(TemplateError, match="needs b for"):
        template.format({"a": "x"})
    with pytest.raises(TemplateError, match="text or a number"):
        template.format({"a": "x", "b": True})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("USER#{id", "not closed"),
        ("USER#}", "lone"),
        ("USER#{}", "not a placeholder"),
        ("USER#{1x}", "not a placeholder"),
        ("USER#{id:x}", "only format is zero-padding"),
        ("USER#{id:8}", "only format is zero-padding"),
    ],
)
def test_ill_formed_templates_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        parse(text)


def test_a_stored_key_matches_by_the_literal_parts() -> None:
    assert parse("CUSTOMER#{id}").matches("CUSTOMER#c1")
    assert not parse("CUSTOMER#{id}").matches("ORDER#c1")
    assert not parse("CUSTOMER#{id}").matches("CUSTOMER#")  # a placeholder stands for something
    assert parse("ORDER#{n:08}").matches("ORDER#00000007")
    assert not parse("ORDER#{n:08}").matches("ORDER#seven")
    assert parse("PROFILE").matches("PROFILE") and not parse("PROFILE").matches("PROFILES")


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("CUSTOMER#{id}", "ORDER#{id}", False),
        ("CUSTOMER#{id}", "CUSTOMER#{other}", True),
        ("{anything}", "PROFILE", True),
        ("PROFILE", "ORDER#{n}", False),
        ("A#{x}#B", "A#{y}", True),  # y can be "x#B"
        ("A#{x}#B", "A#{y}#C", False),
        ("{a}#X", "{b}#Y", False),
        ("X{a}", "{b}Y", True),
    ],
)
def test_whether_two_templates_can_build_the_same_text(first: str, second: str, expected: bool) -> None:
    assert overlap(parse(first), parse(second)) is expected
    assert overlap(parse(second), parse(first)) is expected


def test_keys_overlap_only_when_every_attribute_can() -> None:
    customer = [parse("CUSTOMER#{id}"), parse("PROFILE")]
    order = [parse("CUSTOMER#{id}"), parse("ORDER#{n:08}")]
    assert not overlap_all(customer, order)
    assert overlap_all(order, [parse("{pk}"), parse("ORDER#{x}")])
