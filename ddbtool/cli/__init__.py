"""The `ddbtool` command line: importing this package registers every command."""

# isort: skip_file
# Commands are listed in --help in the order they are registered: tables first,
# then items, single items and queries, their transfer, the commands of the
# installed apps, and the local endpoint.
from ddbtool.cli import tables, designcmds, items, itemcmds, querycmds, transfer, s3transfer
from ddbtool.cli.app import app, main, register_apps

register_apps()

from ddbtool.cli import local  # noqa: E402

__all__ = [
    "app",
    "designcmds",
    "itemcmds",
    "items",
    "local",
    "main",
    "querycmds",
    "s3transfer",
    "tables",
    "transfer",
]
