"""The `ddbtool` command line. Commands register on `app` from their modules, which
the root command imports when a command is looked up (ddbtool.cli.catalog)."""

from ddbtool.cli.app import app, main

__all__ = ["app", "main"]
