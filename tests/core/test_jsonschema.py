"""The JSON Schemas editors use for definitions and seed files accept the bundled files and name mistakes."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
import yaml

from ..support import ROOT

SCHEMA_DIR = ROOT / "ddbtool" / "jsonschema"
DEFINITIONS = [ROOT / "schemas" / "cruddur-messages.yaml", ROOT / "tests/examples/shop/schemas/shop.yaml"]
SEEDS = [ROOT / "seeds" / "cruddur.yaml", ROOT / "tests/examples/shop/seeds/shop.yaml"]


def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(loaded)
    return loaded


def test_bundled_files_name_their_schema_and_follow_it() -> None:
    for paths, name in ((DEFINITIONS, "definition"), (SEEDS, "seed")):
        for path in paths:
            first = path.read_text().splitlines()[0]
            assert first.startswith("# yaml-language-server: $schema=") and first.endswith(
                f"/{name}.schema.json"
            )
            assert (path.parent / first.split("=", 1)[1]).resolve() == SCHEMA_DIR / f"{name}.schema.json"
            document = yaml.safe_load(path.read_text())
            jsonschema.validate(json.loads(json.dumps(document, default=str)), schema(name))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"billing": "ON_DEMAND"}, "is not one of"),
        ({"access_patterns": {"p": {"key": {"pk": "x"}, "sort": "y"}}}, "Additional properties"),
        ({"access_patterns": {"p": {"key": {"pk": "x", "sk": {"between": ["a"]}}}}}, "is too short"),
        ({"entities": {"e": {"key": {"pk": "E#{id}"}, "attributes": {"id": "STRING"}}}}, "is not one of"),
    ],
)
def test_the_definition_schema_finds_mistakes(change: dict[str, Any], message: str) -> None:
    document = {"table": "shop", "attributes": {"pk": "S"}, "key": {"partition": "pk"}, **change}
    with pytest.raises(jsonschema.ValidationError, match=message):
        jsonschema.validate(document, schema("definition"))
