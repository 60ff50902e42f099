"""Fast JSON for the scan workers (orjson), each with the plain ``json`` form as its reference.

The scan decodes one JSON line and encodes an entity's attrs, an indicator hit's evidence and an
assessment's probabilities for every record: with the standard library that was about a third of
the worker's cost over ``assess()``. Each function here takes orjson's path only where its
result is the same value as the plain form's, and otherwise runs the plain form itself:

- ``loads_record``: orjson turns an integer outside 64 bits into a float and rejects NaN,
  Infinity and lone surrogates, which ``json`` accepts. Its answer is used only when it is a
  dict whose text field is a string and whose other named fields are str, int, bool or None
  (so no such integer became a float); anything else (including every error) goes through
  ``loads_record_plain``, so the record is kept, and quarantined with the same reason, as ever.
- ``dumps_attrs`` / ``dumps_evidence`` / ``dumps_probabilities``: compact separators
  (``{"a":1}`` rather than ``{"a": 1}``): the same JSON value, which is what every reader (the
  store's queries, ``json_extract_string`` in linking) sees. orjson is used when every value is
  of a plain type (str, int, bool, None, finite float; [int, int, str] spans); a float
  subclass, NaN, a non-string key, an integer over 64 bits etc. take ``json.dumps`` as before.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

_SORT = orjson.OPT_SORT_KEYS
_NONE = type(None)
#: the field types taken from orjson's parse as they are (a float may be a rounded big int)
_FIELD_TYPES = frozenset({str, int, bool, _NONE})


class Bad:
    """A record that cannot be taken: the quarantine ``reason`` and the ``raw`` excerpt."""

    __slots__ = ("raw", "reason")

    def __init__(self, reason: str, raw: bytes | str) -> None:
        self.reason = reason
        self.raw = raw

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Bad) and (self.reason, self.raw) == (other.reason, other.raw)

    def __repr__(self) -> str:
        return f"Bad({self.reason!r}, {self.raw!r})"


#: (text, external id, posted, source, url) of one JSON record; text is not yet validated
Fields5 = tuple[Any, Any, Any, Any, Any]


def loads_record_plain(item: bytes, text: str, id_: str, time: str, source: str,
                       url: str) -> Fields5 | Bad:
    """The reference form: decode UTF-8, ``json.loads``, pick the named fields."""
    try:
        s = item.decode("utf-8")
    except UnicodeDecodeError as e:
        return Bad(f"invalid UTF-8 at byte {e.start}", item)
    try:
        obj = json.loads(s.rstrip("\r\n"))
    except json.JSONDecodeError as e:
        return Bad(f"broken JSON: {e.msg} (column {e.colno})", item)
    if not isinstance(obj, dict):
        return Bad("JSON value is not an object", item)
    t = obj.get(text)
    if t is None:
        return Bad(f"missing text field {text!r}", item)
    rec = (t, obj.get(id_), obj.get(time), obj.get(source), obj.get(url))
    for name, v in zip((id_, time, source, url), rec[1:], strict=True):
        # a lone surrogate (json reads "\ud800"; orjson refuses it, so only this path sees one)
        # cannot be stored as UTF-8; the text field's own check is the scan's
        if type(v) is str:
            try:
                v.encode("utf-8")
            except UnicodeEncodeError as e:
                return Bad(f"invalid Unicode in field {name!r} (lone surrogate at character "
                           f"{e.start})", item)
    return rec


def loads_record(item: bytes, text: str, id_: str, time: str, source: str,
                 url: str) -> Fields5 | Bad:
    """The same answer as ``loads_record_plain``, by orjson where that is safe."""
    try:
        obj = orjson.loads(item)
    except orjson.JSONDecodeError:
        return loads_record_plain(item, text, id_, time, source, url)
    if type(obj) is dict:
        t = obj.get(text)
        if type(t) is str:
            e, p, s, u = obj.get(id_), obj.get(time), obj.get(source), obj.get(url)
            ft = _FIELD_TYPES
            if type(e) in ft and type(p) in ft and type(s) in ft and type(u) in ft:
                return t, e, p, s, u
    return loads_record_plain(item, text, id_, time, source, url)


def _plain_value(v: Any) -> bool:
    t = type(v)
    return t is str or t is int or t is bool or v is None or (t is float and v - v == 0.0)


def dumps_attrs_plain(attrs: Mapping[str, Any]) -> str | None:
    return json.dumps(attrs, ensure_ascii=False, sort_keys=True, default=str) if attrs else None


def dumps_attrs(attrs: Mapping[str, Any]) -> str | None:
    """An entity's attrs as JSON (keys sorted), None when empty."""
    if not attrs:
        return None
    if type(attrs) is dict:
        for v in attrs.values():
            if not _plain_value(v):
                break
        else:
            try:
                return orjson.dumps(attrs, option=_SORT).decode()
            except TypeError:  # a non-string key, an integer over 64 bits, a lone surrogate
                pass
    return dumps_attrs_plain(attrs)


def dumps_evidence_plain(evidence: Sequence[Any]) -> str:
    return json.dumps([[s.start, s.end, s.text] for s in evidence], ensure_ascii=False)


def dumps_evidence(evidence: Sequence[Any]) -> str:
    """An indicator hit's evidence spans as ``[[start, end, text], ...]``."""
    rows = [[s.start, s.end, s.text] for s in evidence]
    for a, b, t in rows:
        if type(a) is not int or type(b) is not int or type(t) is not str:
            return json.dumps(rows, ensure_ascii=False)
    try:
        return orjson.dumps(rows).decode()
    except TypeError:
        return json.dumps(rows, ensure_ascii=False)


def dumps_probabilities_plain(p: Mapping[str, float]) -> str | None:
    return json.dumps(p) if p else None


def dumps_probabilities(p: Mapping[str, float]) -> str | None:
    """Class probabilities as JSON (insertion order), None when empty."""
    if not p:
        return None
    if type(p) is dict:
        for v in p.values():
            if type(v) is not float or v - v != 0.0:
                break
        else:
            try:
                return orjson.dumps(p).decode()
            except TypeError:
                pass
    return json.dumps(p)
