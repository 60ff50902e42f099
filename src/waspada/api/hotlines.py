"""Whom to call: the official hotlines and reporting channels per country, from
``data/hotlines.yaml``, each with the page that states it and that page's date.

Checked when loaded: every channel must name its source URL and date, so that nothing without
a source can reach the page (a ``ConfigError`` naming the country and channel otherwise).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from waspada.errors import ConfigError

FILE = Path(__file__).parent / "data" / "hotlines.yaml"
_REQUIRED = ("name", "contact", "source_url", "source_date", "source_kind", "retrieved")
#: a date as a page gives it: a year, a year and month, or a day
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@cache
def hotlines(path: Path = FILE) -> dict[str, dict[str, Any]]:
    """Country code -> {"name": {lang: text}, "channels": [...]}, validated."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("countries"), dict):
        raise ConfigError(f"{path}: expected a mapping with 'countries'")
    out: dict[str, dict[str, Any]] = {}
    for code, entry in raw["countries"].items():
        channels = entry.get("channels") if isinstance(entry, dict) else None
        if not isinstance(channels, list) or not channels:
            raise ConfigError(f"{path}: country {code}: no channels")
        for i, ch in enumerate(channels):
            missing = [k for k in _REQUIRED if not ch.get(k)]
            if missing:
                raise ConfigError(f"{path}: {code} channel {i + 1}: missing {', '.join(missing)}")
            if not str(ch["source_url"]).startswith("https://") and not str(
                    ch["source_url"]).startswith("http://"):
                raise ConfigError(f"{path}: {code} channel {i + 1}: source_url is not a URL")
            for k in ("source_date", "retrieved"):
                if not _DATE.match(str(ch[k])):
                    raise ConfigError(f"{path}: {code} channel {i + 1}: {k} is not a date")
        out[str(code)] = {"name": entry.get("name", {}), "channels": channels}
    return out


def for_country(code: str | None) -> dict[str, Any] | None:
    return hotlines().get((code or "").upper())
