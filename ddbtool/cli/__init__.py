"""The `ddbtool` command line: importing this package registers every command."""

# isort: skip_file
# Commands are listed in --help in the order these modules register them: tables
# first, then items and their transfer, the app's access patterns, writing, and the local endpoint.
from ddbtool.cli import tables, items, transfer, s3transfer
from ddbtool.apps.cruddur import commands, message_commands
from ddbtool.cli import local
from ddbtool.cli.app import app, main

__all__ = [
    "app",
    "commands",
    "items",
    "local",
    "main",
    "message_commands",
    "s3transfer",
    "tables",
    "transfer",
]
