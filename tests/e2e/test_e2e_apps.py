"""Another app plugs in through the entry point group `ddbtool.apps`, as a package would.

A temporary folder on PYTHONPATH holds a module and its `*.dist-info` with an
`entry_points.txt`: the installed `ddbtool`, run as a subprocess, finds the
app there, lists and runs its command, reads its seed section and shows its
items its way in the table view of scan.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

NOTES_APP = '''
from ddbtool.apps import App


def register_commands(cli):
    @cli.command("note-count")
    def note_count(file: str) -> None:
        """Count the notes of a seed file.

        Examples:

        \\b
          ddbtool note-count seeds/notes.yaml
        """
        import yaml

        print(len(yaml.safe_load(open(file))["notes"]), "notes")


def seed_options():
    from typing import Annotated, Optional

    import typer

    from ddbtool.cli.options import declared_params

    Tag = Annotated[Optional[str], typer.Option("--note-tag", metavar="TAG", help="Tag each note.")]

    def declared(note_tag: Tag = None) -> None:
        pass

    return declared_params(declared)


def read_seeds(documents, note_tag=None):
    from ddbtool.items.seedfile import SeedItem, entries

    for document in documents:
        found = entries(document.check, document.doc, "notes", allowed=("id", "text"), required=("id",))
        for entry, path, line in found:
            item = {"pk": "NOTE#" + str(entry["id"]), "sk": "NOTE", "text": entry.get("text", "")}
            if note_tag:
                item["tag"] = note_tag
            yield SeedItem(document.table, "note", item, document.check.file, line, path)


def write_seeds(write):
    from ddbtool.items.batch import write_items

    write_items(write.client, write.table, [seed.item for seed in write.seeds], write.key, **write.options)
    return [f"{len(write.seeds)} notes filed"]


def view(item):
    if str(item.get("pk", "")).startswith("NOTE#"):
        return {"kind": "note", "number": item["pk"][5:], "text": item.get("text")}
    return None


app = App(
    name="notes",
    register_commands=register_commands,
    commands=(("note-count", "Count the notes a seed file holds."),),
    seed_sections=("notes",),
    seed_kinds=("note",),
    read_seeds=read_seeds,
    seed_options=seed_options,
    write_seeds=write_seeds,
    view=view,
)
'''


@pytest.fixture
def with_notes_app(tmp_path: Path) -> dict[str, str]:
    """The environment that installs the notes app beside ddbtool's own."""
    site = tmp_path / "site"
    info = site / "ddbtool_notes-0.1.dist-info"
    info.mkdir(parents=True)
    (site / "ddbtool_notes.py").write_text(NOTES_APP)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: ddbtool-notes\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[ddbtool.apps]\nnotes = ddbtool_notes:app\n")
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))}


def test_an_app_from_an_entry_point_adds_its_command(
    ddbtool: Any, with_notes_app: dict[str, str], tmp_path: Path
) -> None:
    assert "note-count" not in ddbtool("--help").stdout
    listed = ddbtool("--help", env=with_notes_app)
    assert "note-count" in listed.stdout and "list-conversations" in listed.stdout
    assert "Count the notes a seed file holds." in listed.stdout
    seeds = tmp_path / "notes.yaml"
    seeds.write_text("table: cruddur-messages\nnotes:\n  - {id: 1, text: one}\n  - {id: 2}\n")
    counted = ddbtool("note-count", str(seeds), env=with_notes_app)
    assert counted.returncode == 0 and counted.stdout == "2 notes\n", counted.stderr


def test_an_apps_seed_section_is_read_written_and_viewed(
    ddbtool: Any, with_notes_app: dict[str, str], endpoint: str, tmp_path: Path
) -> None:
    target = ["--endpoint-url", endpoint]
    assert ddbtool("schema-load", *target).returncode == 0
    seeds = tmp_path / "notes.yaml"
    seeds.write_text("table: cruddur-messages\nnotes:\n  - {id: 1, text: first note}\n  - {id: 2}\n")

    unknown = ddbtool("seed", str(seeds), *target)
    assert unknown.returncode == 2 and "notes" in unknown.stderr, unknown.stderr

    seeded = ddbtool("seed", str(seeds), "-o", "json", *target, env=with_notes_app)
    assert seeded.returncode == 0, seeded.stderr
    assert json.loads(seeded.stdout)["items"] == {"user": 0, "group": 0, "message": 0, "note": 2, "item": 0}
    assert "2 notes filed" in seeded.stderr
    scanned = ddbtool("scan", "-o", "json", *target)
    assert sorted(i["pk"] for i in json.loads(scanned.stdout)) == ["NOTE#1", "NOTE#2"]

    viewed = ddbtool("scan", *target, env={**with_notes_app, "COLUMNS": "200"})
    assert viewed.returncode == 0, viewed.stderr
    rows = [line for line in viewed.stdout.splitlines() if "NOTE#1" in line]
    cells = [cell.strip() for cell in rows[0].strip("│").split("│")]
    assert len(rows) == 1 and cells[:5] == ["NOTE#1", "NOTE", "note", "1", "first note"], viewed.stdout
    plain = ddbtool("scan", *target, env={"COLUMNS": "200"})
    header = next(line for line in plain.stdout.splitlines() if line.startswith("┃"))
    row = next(line for line in plain.stdout.splitlines() if "NOTE#1" in line)
    columns = [cell.strip() for cell in header.strip("┃").split("┃")]
    assert columns == ["pk", "sk", "text"], plain.stdout  # without the app: every attribute, as stored
    assert [cell.strip() for cell in row.strip("│").split("│")] == ["NOTE#1", "NOTE", "first note"]

    # The app's own seed option: only with the app installed, its value reaching read_seeds.
    assert "--note-tag" not in ddbtool("seed", "--help").stdout
    assert "--note-tag" in ddbtool("seed", "--help", env=with_notes_app).stdout
    tagged = ddbtool("seed", str(seeds), "--note-tag", "urgent", *target, env=with_notes_app)
    assert tagged.returncode == 0, tagged.stderr
    scanned = ddbtool("scan", "-o", "json", *target)
    assert {i["pk"]: i.get("tag") for i in json.loads(scanned.stdout)} == {
        "NOTE#1": "urgent",
        "NOTE#2": "urgent",
    }
