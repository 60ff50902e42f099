"""The interface languages: one message catalogue per language (``locales/<code>.json``), and
the choice of language for a request (``?lang=``, then the browser's Accept-Language, then
Indonesian).

A new language is one more JSON file with the same keys as ``en.json``
(``tests/web/test_i18n.py`` checks that every catalogue has every key). A key missing from a
catalogue falls back to English, then to the key itself.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).parent / "locales"
DEFAULT = "id"


@cache
def catalogues() -> dict[str, dict[str, str]]:
    """Every catalogue, by language code (read once)."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out[path.stem] = {str(k): str(v) for k, v in data.items()}
    return out


def languages() -> tuple[str, ...]:
    return tuple(catalogues())


def negotiate(param: str | None, accept_language: str | None) -> str:
    """The interface language: ``param`` when it names one we have, else the first language
    of Accept-Language (by q value) we have, else the default."""
    have = catalogues()
    if param and param.strip().lower() in have:
        return param.strip().lower()
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, i, tag.split("-")[0].strip().lower()))
    for q, _, code in sorted(ranked):
        if q < 0 and code in have:
            return code
    return DEFAULT


class Translator:
    """``t("key")`` in one language, with English then the key as fallbacks."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        cats = catalogues()
        self._own = cats.get(lang, {})
        self._en = cats.get("en", {})

    def __call__(self, key: str, **values: object) -> str:
        text = self._own.get(key) or self._en.get(key) or key
        return text.format(**values) if values else text
