"""Table definitions: every validation rule, line numbers, and the CreateTable request."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from ddbtool.errors import InputFileError
from ddbtool.tables.definition import load_definitions
from ddbtool.tables.diff import differences
from ddbtool.tables.live import parse
from ddbtool.tables.spec import TableSpec

from ..support import SCHEMAS

VALID = """\
table: things
attributes:
  pk: S
  sk: S
key:
  partition: pk
  sort: sk
"""


def write(tmp_path: Path, text: str, name: str = "table.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(InputFileError) as caught:
        load_definitions([write(tmp_path, text)])
    return caught.value.lines()


def only_problem(tmp_path: Path, text: str) -> str:
    found = problems(tmp_path, text)
    assert len(found) == 1, found
    return found[0]


def test_bundled_definition_matches_the_data_model() -> None:
    [spec] = load_definitions([SCHEMAS / "cruddur-messages.yaml"])
    request = spec.create_request()
    assert request["TableName"] == "cruddur-messages"
    assert request["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert {a["AttributeName"]: a["AttributeType"] for a in request["AttributeDefinitions"]} == {
        "pk": "S",
        "sk": "S",
        "message_group_uuid": "S",
    }
    assert request["BillingMode"] == "PROVISIONED"
    assert request["ProvisionedThroughput"] == {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    assert request["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    [index] = request["GlobalSecondaryIndexes"]
    assert index == {
        "IndexName": "message-group-sk-index",
        "KeySchema": [
            {"AttributeName": "message_group_uuid", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "ALL"},
        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    }


def test_minimal_definition_defaults_to_on_demand(tmp_path: Path) -> None:
    [spec] = load_definitions([write(tmp_path, VALID)])
    assert spec.billing == "PAY_PER_REQUEST"
    assert "ProvisionedThroughput" not in spec.create_request()
    assert "StreamSpecification" not in spec.create_request()


def test_every_option_reaches_the_request(tmp_path: Path) -> None:
    text = VALID.replace("  pk: S\n", "  pk: S\n  other: N\n") + textwrap.dedent("""\
        billing: PAY_PER_REQUEST
        stream: NEW_AND_OLD_IMAGES
        ttl: expires_at
        deletion_protection: true
        tags: {team: chat, cost: 12}
        local_indexes:
          - name: by-other
            key: {sort: other}
            projection: INCLUDE
            include: [a, b]
        """)
    [spec] = load_definitions([write(tmp_path, text)])
    request = spec.create_request()
    assert request["DeletionProtectionEnabled"] is True
    assert request["Tags"] == [{"Key": "team", "Value": "chat"}, {"Key": "cost", "Value": "12"}]
    assert request["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert spec.ttl == "expires_at"
    [lsi] = request["LocalSecondaryIndexes"]
    assert lsi["KeySchema"][0] == {"AttributeName": "pk", "KeyType": "HASH"}
    assert lsi["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "b"]}


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    found = only_problem(tmp_path, "table: things\nkey: [unclosed\n")
    assert found.startswith(f"{tmp_path / 'table.yaml'}:")
    assert "YAML error" in found


def test_duplicate_yaml_key_is_an_error(tmp_path: Path) -> None:
    found = only_problem(tmp_path, VALID + "table: again\n")
    assert ":8:" in found and "duplicate key 'table'" in found


def test_unknown_field_suggests_the_near_one(tmp_path: Path) -> None:
    found = only_problem(tmp_path, VALID + "stream_view: NEW_IMAGE\n")
    assert ":8: stream_view: unknown field; did you mean 'stream'?" in found


def test_unknown_field_inside_an_index(tmp_path: Path) -> None:
    text = VALID + "global_indexes:\n  - name: by-sk\n    key: {partition: sk}\n    projecton: ALL\n"
    found = only_problem(tmp_path, text)
    assert "global_indexes[0].projecton: unknown field; did you mean 'projection'?" in found


def test_attribute_type_must_be_s_n_or_b(tmp_path: Path) -> None:
    found = only_problem(tmp_path, VALID.replace("sk: S", "sk: BOOL", 1))
    assert ":4: attributes.sk: type 'BOOL' is not a key type" in found


def test_key_naming_an_untyped_attribute(tmp_path: Path) -> None:
    found = problems(tmp_path, VALID.replace("sort: sk", "sort: created_at"))
    assert any(":7: key.sort: 'created_at' has no type" in p for p in found)


def test_typed_attribute_that_no_key_uses(tmp_path: Path) -> None:
    found = only_problem(tmp_path, VALID.replace("  sk: S\n", "  sk: S\n  extra: N\n", 1))
    assert ":5: attributes.extra: no key or index uses it" in found


@pytest.mark.parametrize("name", ["ab", "x" * 256, "bad name!", "émoji"])
def test_table_name_rules(tmp_path: Path, name: str) -> None:
    found = only_problem(tmp_path, VALID.replace("table: things", f"table: '{name}'"))
    assert ":1: table:" in found and "3 to 255" in found


def test_index_name_rules(tmp_path: Path) -> None:
    text = VALID + "global_indexes:\n  - name: ix\n    key: {partition: sk}\n"
    assert "global_indexes[0].name:" in only_problem(tmp_path, text)


def test_provisioned_without_units(tmp_path: Path) -> None:
    found = only_problem(tmp_path, VALID + "billing: PROVISIONED\n")
    assert "capacity: PROVISIONED needs" in found


def test_provisioned_index_without_units(tmp_path: Path) -> None:
    text = (
        VALID
        + "billing: PROVISIONED\ncapacity: {read: 1, write: 1}\n"
        + ("global_indexes:\n  - name: by-sk\n    key: {partition: sk}\n")
    )
    assert "global_indexes[0].capacity: PROVISIONED needs" in only_problem(tmp_path, text)


def test_units_on_an_on_demand_table(tmp_path: Path) -> None:
    found = only_problem(tmp_path, VALID + "capacity: {read: 1, write: 1}\n")
    assert "PAY_PER_REQUEST tables take no read/write units" in found


def test_units_must_be_positive_whole_numbers(tmp_path: Path) -> None:
    found = problems(tmp_path, VALID + "billing: PROVISIONED\ncapacity: {read: 0, write: 2.5}\n")
    assert len(found) == 2 and all("whole number" in p for p in found)


def test_lsi_partition_key_must_be_the_tables(tmp_path: Path) -> None:
    text = VALID.replace("  sk: S\n", "  sk: S\n  other: S\n", 1) + (
        "local_indexes:\n  - name: by-other\n    key: {partition: other, sort: sk}\n"
    )
    found = problems(tmp_path, text)
    assert any(
        "local_indexes[0].key.partition: a local index shares the table's partition key 'pk'" in p
        for p in found
    )


def test_lsi_needs_a_sort_key_on_the_table(tmp_path: Path) -> None:
    text = "table: things\nattributes: {pk: S, other: S}\nkey: {partition: pk}\n" + (
        "local_indexes:\n  - name: by-other\n    key: {sort: other}\n"
    )
    assert "local indexes need a table with a sort key" in only_problem(tmp_path, text)


def test_duplicate_index_names(tmp_path: Path) -> None:
    text = VALID + (
        "global_indexes:\n  - name: twice\n    key: {partition: sk}\n"
        "local_indexes:\n  - name: twice\n    key: {sort: pk}\n"
    )
    found = problems(tmp_path, text)
    assert any("index name 'twice' is used twice" in p for p in found)


def test_more_than_20_global_indexes(tmp_path: Path) -> None:
    indexes = "".join(f"  - name: index-{i}\n    key: {{partition: sk}}\n" for i in range(21))
    found = only_problem(tmp_path, VALID + "global_indexes:\n" + indexes)
    assert "21 indexes; DynamoDB allows at most 20" in found


def test_more_than_5_local_indexes(tmp_path: Path) -> None:
    indexes = "".join(f"  - name: index-{i}\n    key: {{sort: sk}}\n" for i in range(6))
    found = problems(tmp_path, VALID + "local_indexes:\n" + indexes)
    assert any("6 indexes; DynamoDB allows at most 5" in p for p in found)


def test_include_projection_needs_attributes(tmp_path: Path) -> None:
    text = VALID + "global_indexes:\n  - name: by-sk\n    key: {partition: sk}\n    projection: INCLUDE\n"
    assert "INCLUDE needs `include:`" in only_problem(tmp_path, text)


def test_key_attribute_names_are_at_most_255_bytes(tmp_path: Path) -> None:
    fits, too_long = "é" * 127 + "a", "é" * 128  # 255 and 256 bytes, 128 characters each
    text = (
        f"table: things\nattributes:\n  {fits}: S\n  {too_long}: S\n"
        f"key:\n  partition: {fits}\n  sort: {too_long}\n"
        f"global_indexes:\n  - name: by-it\n    key: {{partition: {fits}}}\n"
        f"    projection: INCLUDE\n    include: [ok, {too_long}]\n"
    )
    path = tmp_path / "table.yaml"
    assert problems(tmp_path, text) == [
        f"{path}:4: attributes.{too_long}: a key attribute's name is 1 to 255 bytes of text",
        f"{path}:12: global_indexes[0].include[1]: "
        "a key attribute's name is 1 to 255 bytes of text, projected ones too",
    ]


def test_at_most_50_tags(tmp_path: Path) -> None:
    tags = "".join(f"  tag{n}: v\n" for n in range(51))
    assert only_problem(tmp_path, VALID + "tags:\n" + tags).endswith(
        ":8: tags: 51 tags; DynamoDB allows at most 50 on a table"
    )
    assert load_definitions([write(tmp_path, VALID + "tags:\n" + tags.split("  tag50")[0])])[0].tags


def test_bad_stream_view_and_billing(tmp_path: Path) -> None:
    found = problems(tmp_path, VALID + "stream: NEW\nbilling: FREE\n")
    assert any("stream: 'NEW' is not one of" in p for p in found)
    assert any("billing: 'FREE' is not one of" in p for p in found)


def test_every_problem_in_every_file_is_reported(tmp_path: Path) -> None:
    first = write(tmp_path, VALID.replace("sk: S", "sk: X", 1), "a.yaml")
    second = write(tmp_path, VALID + "colour: blue\n", "b.yaml")
    with pytest.raises(InputFileError) as caught:
        load_definitions([first, second])
    assert {p.file for p in caught.value.problems} == {str(first), str(second)}


def test_same_table_in_two_files(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        load_definitions([write(tmp_path, VALID, "a.yaml"), write(tmp_path, VALID, "b.yaml")])
    assert "table 'things' is also defined in" in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        load_definitions([tmp_path / "nope.yaml"])


def test_differences_name_each_changed_setting(tmp_path: Path) -> None:
    [spec] = load_definitions([write(tmp_path, VALID)])
    described = spec.create_request()
    described["BillingModeSummary"] = {"BillingMode": described.pop("BillingMode")}
    same = parse(described)
    stream = {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    streaming = parse(described | {"StreamSpecification": stream})
    assert differences(spec, streaming) == ["stream: the file says nothing, the table has KEYS_ONLY"]
    assert differences(spec, same) == []
    assert differences(spec, replace(same, ttl="expires")) == [
        "ttl: the file says nothing, the table has expires"
    ]


def test_spec_is_hashable_data() -> None:
    [spec] = load_definitions([SCHEMAS / "cruddur-messages.yaml"])
    assert isinstance(spec, TableSpec) and spec.source.endswith("cruddur-messages.yaml")


def test_a_missing_key_is_reported_once(tmp_path: Path) -> None:
    found = problems(tmp_path, "table: things\nattributes: {pk: S}\n")
    assert [p for p in found if ": key" in p] == [
        f"{tmp_path / 'table.yaml'}:1: key: missing; this field is required"
    ]


def test_table_class_and_point_in_time_recovery(tmp_path: Path) -> None:
    [plain] = load_definitions([write(tmp_path, VALID)])
    assert (plain.table_class, plain.point_in_time_recovery) == ("STANDARD", False)
    assert "TableClass" not in plain.create_request()
    text = VALID + "table_class: STANDARD_INFREQUENT_ACCESS\npoint_in_time_recovery: true\n"
    [spec] = load_definitions([write(tmp_path, text)])
    assert (spec.table_class, spec.point_in_time_recovery) == ("STANDARD_INFREQUENT_ACCESS", True)
    assert spec.create_request()["TableClass"] == "STANDARD_INFREQUENT_ACCESS"


def test_bad_table_class_and_point_in_time_recovery(tmp_path: Path) -> None:
    path = tmp_path / "table.yaml"
    assert problems(tmp_path, VALID + "table_class: COLD\npoint_in_time_recovery: yes please\n") == [
        f"{path}:8: table_class: 'COLD' is not one of STANDARD, STANDARD_INFREQUENT_ACCESS",
        f"{path}:9: point_in_time_recovery: expected true or false",
    ]
