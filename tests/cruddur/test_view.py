"""How tables show the messaging app's items, and leave other designs' items alone."""

from __future__ import annotations

from decimal import Decimal

from ddbtool.apps import shown
from ddbtool.apps.cruddur.model import User, group_item, message_item, parse_timestamp, user_item
from ddbtool.apps.cruddur.view import view

ANN = User("11111111-1111-4111-8111-111111111111", "ann", "Ann A")
BOB = User("22222222-2222-4222-8222-222222222222", "bob", "Bob B", "sub-bob")
GROUP = "33333333-3333-4333-8333-333333333333"
AT = parse_timestamp("2024-01-01T00:00:00Z")
KEY = ("pk", "sk")


def test_each_kind_shows_its_own_way_after_the_key() -> None:
    group = shown(group_item(ANN, BOB, GROUP, "last words", AT), KEY)
    assert list(group) == ["pk", "sk", "kind", "who", "uuid", "details"]
    assert list(group.values())[2:] == ["group", "with @bob (Bob B)", GROUP, "last words"]
    message = view(message_item(GROUP, "m-1", ANN, "hello", AT))
    assert message == {"kind": "message", "who": "from @ann (Ann A)", "uuid": "m-1", "details": "hello"}
    user = shown(user_item(BOB), KEY)
    assert user == {
        "pk": "USER#bob",
        "sk": "USER",
        "kind": "user",
        "who": "@bob (Bob B)",
        "uuid": BOB.uuid,
        "details": "cognito sub-bob",
    }


def test_another_designs_items_show_every_attribute_plainly() -> None:
    # An MSG# key is not enough: the app's items carry the attributes it writes.
    other = {"sk": "2024", "pk": "MSG#1", "total": Decimal("12.50"), "status": "paid"}
    assert view(other) is None
    assert shown(other, KEY) == {"pk": "MSG#1", "sk": "2024", "status": "paid", "total": Decimal("12.50")}
    assert list(shown(other, KEY)) == ["pk", "sk", "status", "total"]
