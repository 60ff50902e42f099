"""One record's values as the scan stores them: the content-hash id and the posting time."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any


def content_id(text: str) -> str:
    """The document id: sha256 (hex) of the text with whitespace runs collapsed, ends stripped."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def parse_time(v: Any) -> datetime | None:
    """ISO 8601 string (date or date-time, 'Z' ok) or epoch seconds (ms if > 1e11) -> naive UTC."""
    if type(v) is str and len(v) == 20 and v[19] == "Z":
        # the common form (2026-03-05T08:00:00Z) without the tz-aware round trip; anything
        # else, or anything this does not read as a naive date-time, takes the general path
        try:
            dt = datetime.fromisoformat(v[:19])
        except ValueError:
            dt = None
        if dt is not None and dt.tzinfo is None:
            return dt
    return parse_time_plain(v)


def parse_time_plain(v: Any) -> datetime | None:
    """``parse_time`` without its fast path (the reference it is tested against)."""
    if v is None or isinstance(v, bool):
        return None
    try:
        if isinstance(v, int | float):
            secs = v / 1000 if abs(v) > 1e11 else v
            return datetime.fromtimestamp(secs, UTC).replace(tzinfo=None)
        if isinstance(v, datetime):
            dt = v
        else:
            s = str(v).strip()
            if not s:
                return None
            try:
                dt = datetime.fromisoformat(s)
            except ValueError:
                epoch = _epoch_string(s)
                if epoch is None:
                    raise
                return parse_time_plain(epoch)
        if dt.tzinfo is not None:
            dt = dt.astimezone(UTC).replace(tzinfo=None)
        return dt
    except (ValueError, OverflowError, OSError):
        return None


def _epoch_string(s: str) -> float | int | None:
    """Epoch seconds or milliseconds written as a string ("1764000000", as CSV gives them):
    at least 9 digits (1973 on), optionally signed and with a fraction; None otherwise."""
    digits = s.lstrip("+-")
    whole, _, frac = digits.partition(".")
    if len(whole) < 9 or not whole.isdigit() or (frac and not frac.isdigit()):
        return None
    return float(s) if frac else int(s)


def opt_str(v: Any) -> str | None:
    if v is None:
        return None
    return v if isinstance(v, str) else str(v)
