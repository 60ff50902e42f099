"""Places: the region's countries and the scam-compound hotspots, in the region's languages.

One data file (``data/places.yaml``) and one Aho-Corasick automaton over the lower-cased text,
built once. Latin-script aliases must stand alone (``Laos`` is not in ``Laoshan``); aliases in
scripts with combining marks (Thai, Lao, Khmer, Burmese) must not end inside a cluster; block
spellings (``Lào Cai``, 老街 alone) swallow the aliases they contain.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from waspada.datafiles import parse_yaml
from waspada.errors import ConfigError
from waspada.recognizers.base import Recognizer
from waspada.text.keywords import Keywords
from waspada.text.patterns import compile_pattern, finditer_linear
from waspada.types import Context, Entity

PLACES_FILE = "places.yaml"


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    country: str
    hotspot: bool
    #: compound | town | capital (see places.yaml); None for a country
    specificity: str | None = None


#: how specific a place is, strongest first (places.yaml, field ``specificity``)
SPECIFICITIES = ("compound", "town", "capital")

_BLOCK = Place("", "", False)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch)[0] == "M"


def _is_latin(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum()
    return "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff"


def _read_data() -> str:
    return resources.files("waspada.recognizers").joinpath("data", PLACES_FILE).read_text("utf-8")


def _spellings(aliases: list[object]) -> set[str]:
    """Each alias lower-cased, as written and in NFKC (the normaliser splits Thai/Lao sara am)."""
    out: set[str] = set()
    for alias in aliases:
        key = str(alias).lower()
        out.add(key)
        out.add(unicodedata.normalize("NFKC", key))
    return out


@cache
def automaton() -> Keywords[tuple[Place, bool]]:
    """alias -> (Place, latin) keyword index built from ``places.yaml`` (checked on load)."""
    data = parse_yaml(_read_data(), PLACES_FILE)
    if not isinstance(data, dict) or not isinstance(data.get("places"), list):
        raise ConfigError(f"{PLACES_FILE}: field 'places' missing or not a list")
    entries: list[tuple[str, tuple[Place, bool]]] = []
    seen: dict[str, str] = {}
    for i, item in enumerate(data["places"]):
        where = f"{PLACES_FILE}: places[{i}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{where} is not a mapping")
        name, country, hotspot = item.get("name"), item.get("country"), item.get("hotspot")
        aliases = item.get("aliases")
        if not isinstance(name, str) or not name:
            raise ConfigError(f"{where}: field 'name' missing")
        if not isinstance(country, str) or len(country) != 2 or not country.isupper():
            raise ConfigError(f"{where} ({name}): field 'country' must be ISO 3166 alpha-2")
        if not isinstance(hotspot, bool):
            raise ConfigError(f"{where} ({name}): field 'hotspot' must be true or false")
        if not isinstance(aliases, list) or not aliases:
            raise ConfigError(f"{where} ({name}): field 'aliases' missing or empty")
        spec = item.get("specificity")
        if spec is not None and spec not in SPECIFICITIES:
            raise ConfigError(
                f"{where} ({name}): field 'specificity' must be one of {', '.join(SPECIFICITIES)}"
            )
        if hotspot and spec not in ("compound", "town"):
            raise ConfigError(
                f"{where} ({name}): a hotspot needs field 'specificity': compound or town"
            )
        if not hotspot and spec not in (None, "capital"):
            raise ConfigError(f"{where} ({name}): field 'specificity' {spec!r} needs hotspot: true")
        place = Place(name, country, hotspot, spec)
        for key in _spellings(aliases):
            if key in seen and seen[key] != name:
                raise ConfigError(f"{where} ({name}): alias {key!r} also names {seen[key]}")
            seen[key] = name
            entries.append((key, (place, _is_latin(key[0]) or _is_latin(key[-1]))))
    for key in _spellings(data.get("block") or []):
        entries.append((key, (_BLOCK, _is_latin(key[0]))))
    return Keywords(entries)


def find_places(lower: str) -> list[tuple[int, int, Place]]:
    """Non-overlapping (start, end, place) in a lower-cased text; the longest alias wins."""
    hits: list[tuple[int, int, Place]] = []
    n = len(lower)
    for start, end, (place, latin) in automaton().find(lower):
        if latin:
            if (start > 0 and _is_word_char(lower[start - 1])) or (
                end < n and _is_word_char(lower[end])
            ):
                continue
        elif end < n and unicodedata.category(lower[end])[0] == "M":
            continue  # the alias ends inside a Thai/Khmer/Lao/Burmese cluster
        hits.append((start, end, place))
    if len(hits) > 1:
        hits.sort(key=lambda h: (h[0] - h[1], h[0]))  # longest first
        taken = bytearray(n)  # linear in the text, however many hits a long text has
        kept: list[tuple[int, int, Place]] = []
        for h in hits:
            if taken.find(1, h[0], h[1]) == -1:
                taken[h[0] : h[1]] = b"\x01" * (h[1] - h[0])
                kept.append(h)
        hits = sorted(kept, key=lambda h: h[0])
    hits = [h for h in hits if h[2] is not _BLOCK]
    if hits and ("@" in lower or "://" in lower or "www." in lower):
        hits = _outside_identifiers(lower, hits)
    return hits


#: a run of the characters of a handle, an e-mail address or a URL (letters, digits, marks,
#: _ . @ / # % ? = & ~ + - and "://")
_IDENT = compile_pattern(r"(?:://|[\w\p{M}.@/#%?=&~+\-])+", name="identifier_run")


def _outside_identifiers(
    lower: str, hits: list[tuple[int, int, Place]]
) -> list[tuple[int, int, Place]]:
    """Drop the hits inside a handle, an e-mail address or a URL (``@loker_kamboja``,
    ``kamboja@gmail.com``, ``https://kamboja.example/``): a name inside an identifier is not a
    mention of the place. A hashtag (``#kamboja``) is: the writer tags the topic. One pass over
    the text and the sorted hits: linear."""
    idents = [
        (m.start(), m.end())
        for m in finditer_linear(_IDENT, lower)
        if "@" in m.group() or "://" in m.group() or m.group().startswith("www.")
    ]
    kept: list[tuple[int, int, Place]] = []
    j = 0
    for h in hits:
        while j < len(idents) and idents[j][1] <= h[0]:
            j += 1
        if j < len(idents) and idents[j][0] <= h[0] and h[1] <= idents[j][1]:
            continue
        kept.append(h)
    return kept


class PlaceRecognizer(Recognizer):
    name = "places"
    kinds = ("place",)

    def __init__(self) -> None:
        automaton()  # load and check the data at start

    def recognize(self, ctx: Context) -> list[Entity]:
        lower = ctx.lower
        return [
            ctx.entity(
                "place",
                p.name,
                s,
                e,
                recognizer=self.name,
                score=0.9,
                country=p.country,
                hotspot=p.hotspot,
                **({"specificity": p.specificity} if p.specificity else {}),
            )
            for s, e, p in find_places(lower)
        ]
