"""Times as people and DynamoDB items write them: ISO-8601 with a zone."""

from __future__ import annotations

from datetime import datetime


def parse_timestamp(text: str) -> datetime:
    """An ISO-8601 time with a zone (`Z` accepted), as an aware datetime; ValueError if not."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone; add Z or an offset such as +00:00")
    return moment
