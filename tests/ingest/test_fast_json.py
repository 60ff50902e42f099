"""The scan's fast paths (orjson, the common timestamp form) give what the plain forms give.

Each fast function is checked against its plain reference (the code it replaced) on generated
input, including the cases where orjson and ``json`` disagree (integers over 64 bits, NaN, lone
surrogates, float subclasses, non-string keys): there the fast function must fall back.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.ingest.fastjson import (
    Bad,
    dumps_attrs,
    dumps_attrs_plain,
    dumps_evidence,
    dumps_evidence_plain,
    dumps_probabilities,
    dumps_probabilities_plain,
    loads_record,
    loads_record_plain,
)
from waspada.ingest.scan import parse_time, parse_time_plain
from waspada.types import Span

from ._util import SAFE

NAMES = ("text", "id", "timestamp", "source", "url")


def same(a: Any, b: Any) -> bool:
    """Equal values of equal types (1 is not 1.0 nor True; NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def same_json(fast: str | None, plain: str | None) -> bool:
    if fast is None or plain is None:
        return fast is plain
    return same(json.loads(fast), json.loads(plain))


def same_dumps(f: Any, plain: Any, x: Any) -> bool:
    """``f(x)`` is the same JSON value as ``plain(x)``, or both raise the same error."""
    try:
        want = plain(x)
    except Exception as e:
        with pytest.raises(type(e)):
            f(x)
        return True
    return same_json(f(x), want)


class Money(float):
    """A float subclass: ``json`` writes its number, orjson would call ``default``."""


scalars = (st.none() | st.booleans() | st.integers() | st.integers(2**63 - 5, 2**70)
           | st.integers(-(2**70), -(2**63) + 5) | st.floats() | st.text(max_size=12)
           | st.sampled_from(["\ud800", "a\udfffb", "ทำงาน", "😀", "\x00", "1e400"]))
values = st.recursive(scalars, lambda c: st.lists(c, max_size=3)
                      | st.dictionaries(st.text(max_size=5), c, max_size=3), max_leaves=6)


# ---- loads_record ---------------------------------------------------------------------------

def _line(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8", "surrogatepass")


records = st.dictionaries(st.sampled_from([*NAMES, "other"]), values, max_size=6)


def check_loads(line: bytes) -> None:
    fast, plain = loads_record(line, *NAMES), loads_record_plain(line, *NAMES)
    if isinstance(plain, Bad):
        assert fast == plain
    else:
        assert not isinstance(fast, Bad)
        assert same(list(fast), list(plain))


@settings(SAFE, max_examples=400)
@given(records)
def test_loads_record_matches_json_on_records(obj: dict[str, Any]) -> None:
    check_loads(_line(obj))


@settings(SAFE, max_examples=300)
@given(values)
def test_loads_record_matches_json_on_any_value(v: Any) -> None:
    check_loads(_line(v))


@settings(SAFE, max_examples=300)
@given(st.binary(max_size=60), st.sampled_from([b"", b"\n", b"\r\n"]))
def test_loads_record_matches_json_on_any_bytes(b: bytes, end: bytes) -> None:
    check_loads(b + end)


@pytest.mark.parametrize("line", [
    b'{"text": "a", "id": 123456789012345678901234567890}\n',  # orjson: a float
    b'{"text": "a", "id": -9223372036854775809}\n',
    b'{"text": "a", "timestamp": NaN}\n',  # orjson: an error
    b'{"text": "a", "timestamp": 1e400}\n',
    b'{"text": "\\ud800"}\n',  # a lone surrogate: json takes it (quarantined later)
    b'\xef\xbb\xbf{"text": "a"}\n',  # a byte order mark
    b'{"text": "a\xff"}\n',
    b'{"text": "a", "text": "b"}\r\n',
    b'{"text": 5}\n', b'{"id": 1}\n', b'[1, 2]\n', b'"text"\n', b'{"text": "a"} x\n',
    b'{"text": "a", "source": {"n": 1}, "url": [1]}\n', b'{"text": "a", "id": 1.5}\n',
])
def test_loads_record_matches_json_where_orjson_differs(line: bytes) -> None:
    check_loads(line)


def test_loads_record_takes_the_fast_answer_for_an_ordinary_record() -> None:
    line = b'{"id": 7, "text": "Gaji 20 jt", "timestamp": "2026-03-05T08:00:00Z"}\n'
    assert loads_record(line, *NAMES) == ("Gaji 20 jt", 7, "2026-03-05T08:00:00Z", None, None)


# ---- dumps ----------------------------------------------------------------------------------

attr_values = values | st.floats().map(Money) | st.just(datetime(2026, 1, 2, 3, 4)) | st.just(
    date(2026, 1, 2))


@settings(SAFE, max_examples=400)
@given(st.dictionaries(st.text(max_size=6) | st.integers(0, 3), attr_values, max_size=6))
def test_dumps_attrs_matches_json(attrs: dict[Any, Any]) -> None:
    assert same_dumps(dumps_attrs, dumps_attrs_plain, attrs)


def test_dumps_attrs_is_compact_json_with_sorted_keys() -> None:
    attrs = {"region": "ID", "amount": 15000000, "usd_month": 923.08, "hotspot": False,
             "period": None, "city": "Poipet ปอยเปต"}
    assert dumps_attrs(attrs) == (
        '{"amount":15000000,"city":"Poipet ปอยเปต","hotspot":false,"period":null,'
        '"region":"ID","usd_month":923.08}')
    assert dumps_attrs({}) is None and dumps_attrs_plain({}) is None


def test_dumps_attrs_falls_back_where_orjson_would_differ() -> None:
    for attrs in ({"x": float("nan")}, {"x": 2**64}, {"x": Money(1.5)}, {1: "a"},
                  {"x": datetime(2026, 1, 1, tzinfo=UTC)}, {"x": "\ud800"}):
        assert dumps_attrs(attrs) == dumps_attrs_plain(attrs)


spans = st.builds(Span, st.integers(0, 10**6) | st.booleans() | st.floats(),
                  st.integers(0, 2**65), st.text(max_size=8) | st.just("\udc80"))


@settings(SAFE, max_examples=300)
@given(st.lists(spans, max_size=4))
def test_dumps_evidence_matches_json(evidence: list[Span]) -> None:
    assert same_dumps(dumps_evidence, dumps_evidence_plain, evidence)


def test_dumps_evidence_is_compact() -> None:
    assert dumps_evidence([Span(3, 7, "gaji"), Span(10, 12, "WA")]) == \
        '[[3,7,"gaji"],[10,12,"WA"]]'


@settings(SAFE, max_examples=300)
@given(st.dictionaries(st.text(max_size=6) | st.integers(0, 3),
                       st.floats() | st.integers() | st.floats().map(Money), max_size=4))
def test_dumps_probabilities_matches_json(p: dict[Any, Any]) -> None:
    assert same_dumps(dumps_probabilities, dumps_probabilities_plain, p)


def test_dumps_probabilities_keeps_the_order() -> None:
    p = {"scam": 0.1785, "recruitment_lure": 0.8213, "benign": 0.0002}
    assert dumps_probabilities(p) == '{"scam":0.1785,"recruitment_lure":0.8213,"benign":0.0002}'
    assert dumps_probabilities({}) is None and dumps_probabilities_plain({}) is None


# ---- parse_time -----------------------------------------------------------------------------

zulu_like = st.text(alphabet="0123456789-:T .+WZ", min_size=19, max_size=19).map(
    lambda s: s + "Z")


@settings(SAFE, max_examples=500)
@given(zulu_like | st.datetimes().map(lambda d: d.isoformat()[:19] + "Z")
       | st.datetimes(timezones=st.just(timezone(timedelta(hours=7)))).map(
           lambda d: d.isoformat()) | st.text(max_size=25) | st.integers() | st.floats()
       | st.none() | st.booleans())
def test_parse_time_matches_the_plain_form(v: Any) -> None:
    assert parse_time(v) == parse_time_plain(v)


@pytest.mark.parametrize("v", ["2026-10-01T08:15:00Z", "2026-10-01T08+07:00Z",
                               "20260101T080000.123Z", "2026-W01-1T08:00:0Z",
                               "2026-10-01T08:15:0.Z", "2026-10-01 08:15:00Z"])
def test_parse_time_fast_form_edge_cases(v: str) -> None:
    assert parse_time(v) == parse_time_plain(v)
