"""ddbtool: a command-line toolkit for single-table DynamoDB designs."""

__version__ = "0.1.0"
