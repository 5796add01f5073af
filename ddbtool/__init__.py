"""ddbtool: a command-line toolkit for single-table DynamoDB designs."""
