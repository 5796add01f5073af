"""Seed files by entity: keys filled from the templates, and each mistake with file, line and field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ddbtool.errors import InputFileError
from ddbtool.items.entityview import entity_of, sections
from ddbtool.items.seedfile import SeedPlan, TableKey, load_seeds
from ddbtool.tables.definition import load_definitions

from ..support import ROOT

SHOP_DIR = ROOT / "tests" / "examples" / "shop"
[SHOP] = load_definitions([SHOP_DIR / "schemas" / "shop.yaml"])


def key_of(table: str) -> TableKey:
    assert table == "shop"
    return TableKey.from_spec(SHOP)


def seed(tmp_path: Path, text: str) -> SeedPlan:
    path = tmp_path / "seed.yaml"
    path.write_text(text)
    return load_seeds([path], key_of)


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(InputFileError) as caught:
        seed(tmp_path, text)
    return [line.replace(str(tmp_path / "seed.yaml"), "seed.yaml") for line in caught.value.lines()]


def test_the_example_seeds_by_entity() -> None:
    plan = load_seeds([SHOP_DIR / "seeds" / "shop.yaml"], key_of)
    counts = plan.counts()
    assert (counts["customer"], counts["order"], counts["item"]) == (2, 4, 1)
    order = next(s.item for s in plan.items if s.kind == "order")
    assert order == {
        "customer_id": "c1",
        "order_no": Decimal(7),
        "status": "paid",
        "placed_at": "2024-03-01T10:00:00Z",
        "total": Decimal("12.50"),
        "pk": "CUSTOMER#c1",
        "sk": "ORDER#00000007",
        "gsi1pk": "STATUS#paid",
        "gsi1sk": "2024-03-01T10:00:00Z",
    }


def test_a_missing_placeholder_names_file_line_and_field(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "table: shop\nentities:\n  order:\n    - {customer_id: c1, order_no: 7, placed_at: x}\n",
    )
    assert found == ["seed.yaml:4: entities.order[0].gsi1pk: needs status for STATUS#{status}"]


def test_other_mistakes_by_entity(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "table: shop\n"
        "entities:\n"
        "  order:\n"
        "    - {customer_id: c1, order_no: seven, status: paid, placed_at: x}\n"
        "    - {customer_id: c1, order_no: 8, status: paid, placed_at: x, pk: 'CUSTOMER#c2'}\n"
        "  invoice:\n"
        "    - {id: 1}\n",
    )
    assert found == [
        "seed.yaml:4: entities.order[0].order_no: order declares order_no as N; found str 'seven'",
        "seed.yaml:4: entities.order[0].sk: order_no must be a whole number, 0 or more, to be "
        "zero-padded ({order_no:08}); got 'seven'",
        "seed.yaml:5: entities.order[1].pk: pk is built from CUSTOMER#{customer_id} for order items; "
        "leave it out",
        "seed.yaml:6: entities.invoice: table 'shop' declares no entity 'invoice' in its definition (its "
        "entities: customer, order); declare it under `entities:` in ./schemas",
    ]


def test_two_entity_items_with_the_same_key_are_refused(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "table: shop\nentities:\n  customer:\n    - {customer_id: c1}\n    - {customer_id: c1, name: Ada}\n",
    )
    assert (
        len(found) == 1
        and "seed.yaml:5: entities.customer[1]: key pk='CUSTOMER#c1', sk='PROFILE'" in found[0]
    )


def test_items_are_told_apart_by_entity_and_shown_in_sections() -> None:
    plan = load_seeds([SHOP_DIR / "seeds" / "shop.yaml"], key_of)
    items = [s.item for s in plan.items]
    assert [getattr(entity_of(item, SHOP.entities), "name", None) for item in items] == [
        "customer",
        "customer",
        "order",
        "order",
        "order",
        "order",
        None,
    ]
    shown = sections(items, SHOP.entities, ("pk", "sk"), lambda i: {"pk": i["pk"], "note": "?"})
    assert [(s.title, len(s.rows)) for s in shown] == [("customer", 2), ("order", 4), ("other items", 1)]
    assert shown[0].columns == ["pk", "sk", "customer_id", "name", "email"]
    assert shown[1].columns == ["pk", "sk", "customer_id", "order_no", "status", "placed_at", "total"]
    assert shown[2].columns == ["pk", "sk", "note"]
    assert shown[2].rows == [["NOTE#1", "", "?"]]
