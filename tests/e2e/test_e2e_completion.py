"""Shell completion through the installed `ddbtool`, as bash, zsh and fish ask for it.

Each shell's script runs `ddbtool` with `_DDBTOOL_COMPLETE` set and the words so
far in the environment; these tests do the same. bash is also driven for real:
`--install-completion` writes its script, and the function it defines answers.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

DEFINITION = "table: {name}\nattributes: {{pk: S}}\nkey: {{partition: pk}}\n"


@pytest.fixture
def app_folder(tmp_path: Path) -> Path:
    (tmp_path / "schemas").mkdir()
    for name in ("orders", "customers"):
        (tmp_path / "schemas" / f"{name}.yaml").write_text(DEFINITION.format(name=name))
    return tmp_path


def complete(ddbtool: Any, folder: Path, shell: str, words: str) -> list[str]:
    """What `ddbtool` offers `shell` for the command line `words` (the cursor at its end)."""
    if shell == "bash":
        env = {"COMP_WORDS": words, "COMP_CWORD": str(len(words.split(" ")) - 1)}
    else:
        env = {"_TYPER_COMPLETE_ARGS": words, "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    result = ddbtool(cwd=folder, env={"_DDBTOOL_COMPLETE": f"complete_{shell}", **env})
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout.splitlines()


def offered(ddbtool: Any, folder: Path, shell: str, words: str) -> set[str]:
    """The values offered, without the descriptions zsh and fish show beside them."""
    lines = complete(ddbtool, folder, shell, words)
    if shell == "zsh":
        # _arguments '*: :(("scan":"Stream every item ..."\n"schema-load":"..."))': a value opens
        # the list or a line, and its description (which may wrap) follows a colon.
        return set(re.findall(r'(?:\(\(|^)"((?:[^"\\]|\\.)*)"', "\n".join(lines), re.MULTILINE))
    return {line.split("\t")[0] for line in lines}


SHELLS = ["bash", "zsh", "fish"]


@pytest.mark.parametrize("shell", SHELLS)
def test_commands_complete(ddbtool: Any, app_folder: Path, shell: str) -> None:
    assert {"scan", "schema-load"} <= offered(ddbtool, app_folder, shell, "ddbtool sc")
    assert "seed" not in offered(ddbtool, app_folder, shell, "ddbtool sc")
    assert {"start", "status", "stop"} <= offered(ddbtool, app_folder, shell, "ddbtool local st")


@pytest.mark.parametrize("shell", SHELLS)
def test_options_and_choices_complete(ddbtool: Any, app_folder: Path, shell: str) -> None:
    options = offered(ddbtool, app_folder, shell, "ddbtool scan --")
    assert {"--table", "--output", "--endpoint-url", "--prod", "--segments"} <= options
    assert {"table", "json", "jsonl", "csv"} <= offered(ddbtool, app_folder, shell, "ddbtool scan --output ")


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize(
    "words",
    ["ddbtool scan ", "ddbtool get --table ", "ddbtool describe-table -t ", "ddbtool delete-table x "],
)
def test_table_names_come_from_schemas(ddbtool: Any, app_folder: Path, shell: str, words: str) -> None:
    assert offered(ddbtool, app_folder, shell, words) == {"customers", "orders"}
    assert offered(ddbtool, app_folder, shell, words + "or") == {"orders"}


def test_bash_completion_installs_and_answers(ddbtool: Any, app_folder: Path, tmp_path: Path) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    home = tmp_path / "home"
    home.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    # `; true` keeps bash from exec'ing ddbtool, so ddbtool sees bash as its shell.
    installed = subprocess.run(
        [bash, "-c", "ddbtool --install-completion; true"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "bash completion installed" in installed.stdout, installed.stdout + installed.stderr
    script = home / ".bash_completions" / "ddbtool.sh"
    assert f"source '{script}'" in (home / ".bashrc").read_text()
    drive = (
        f"source '{script}'\n"
        'COMP_WORDS=(ddbtool describe-table ""); COMP_CWORD=2\n'
        '_ddbtool_completion ddbtool; printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    answered = subprocess.run(
        [bash, "-c", drive], cwd=app_folder, env=env, capture_output=True, text=True, check=True
    )
    assert answered.stdout.split() == ["customers", "orders"]


def test_the_completion_script_for_each_shell(ddbtool: Any, app_folder: Path) -> None:
    for shell, marker in [
        ("bash", "complete -o default -F _ddbtool_completion ddbtool"),
        ("zsh", "compdef _ddbtool_completion ddbtool"),
        ("fish", "complete --command ddbtool"),
    ]:
        result = ddbtool(cwd=app_folder, env={"_DDBTOOL_COMPLETE": f"source_{shell}"})
        assert result.returncode == 0 and marker in result.stdout, result.stdout
