"""The `ddbtool` command line: importing this package registers every command."""

from ddbtool.cli import conversations, data, local, messaging, tables
from ddbtool.cli.app import app, main

__all__ = ["app", "conversations", "data", "local", "main", "messaging", "tables"]
