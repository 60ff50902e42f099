"""The CLI's shared output helpers on any string, lone surrogates and controls included."""

from __future__ import annotations

import json
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.cli.common import display, json_text

ANY_TEXT = st.text(st.characters() | st.sampled_from(["\udcff", "\ud800", "\x1b", "\r", "\x85"]))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(ANY_TEXT, ANY_TEXT | st.lists(ANY_TEXT), max_size=4))
def test_json_text_is_valid_utf8_and_gives_every_string_back(obj: dict[str, object]) -> None:
    for indent in (None, 2):
        s = json_text(obj, indent)
        s.encode("utf-8")  # strict: no lone surrogate is written raw
        assert json.loads(s) == obj


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_display_keeps_offsets_and_leaves_nothing_unprintable(s: str) -> None:
    shown = display(s)
    assert len(shown) == len(s)  # one character for one: evidence offsets still match
    shown.encode("utf-8")
    assert not [c for c in shown if c not in "\t\n" and unicodedata.category(c) in ("Cc", "Cs")]
    assert all(a == b for a, b in zip(s, shown, strict=True)
               if unicodedata.category(a) not in ("Cc", "Cs"))
