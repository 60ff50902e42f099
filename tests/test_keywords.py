"""The one multi-keyword search (text/keywords.py) against a brute-force reference."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.text.keywords import Keywords

ALPHABET = "ab c\u0e01\u0e32é\U0001f600"  # ASCII, Thai, Latin-1 and a non-BMP character
KEYS = st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=4), max_size=8)


def _reference(keys: list[str], text: str) -> list[tuple[int, int, int]]:
    last = {k: i for i, k in enumerate(keys)}  # a repeated key keeps its last payload
    hits = [
        (s, s + len(k), last[k])
        for k in last
        for s in range(len(text) - len(k) + 1)
        if text.startswith(k, s)
    ]
    return sorted(hits, key=lambda h: (h[1], h[0]))


@settings(max_examples=400, deadline=None)
@given(keys=KEYS, text=st.text(alphabet=ALPHABET, max_size=40))
def test_find_equals_brute_force(keys: list[str], text: str) -> None:
    kw = Keywords((k, i) for i, k in enumerate(keys))
    assert kw.find(text) == _reference(keys, text)


def test_overlapping_and_nested_occurrences_are_all_reported() -> None:
    kw = Keywords([("kerja", "K"), ("kerja di", "KD"), ("di kamboja", "DK"), ("ja", "J")])
    text = "kerja di kamboja"
    assert kw.find(text) == [
        (0, 5, "K"),  # same end: the longer first
        (3, 5, "J"),
        (0, 8, "KD"),
        (6, 16, "DK"),
        (14, 16, "J"),
    ]
    listed = set(kw.keys())
    for s, e, _ in kw.find(text):
        assert text[s:e] in listed


def test_empty_keywords_and_texts() -> None:
    assert Keywords([]).find("anything") == []
    assert Keywords([("", 1)]).find("x") == []
    assert Keywords([("a", 1)]).find("") == []
    assert len(Keywords([("a", 1), ("a", 2)])) == 1
    assert Keywords([("a", 1), ("a", 2)]).find("a") == [(0, 1, 2)]


@settings(max_examples=300, deadline=None)
@given(keys=KEYS, text=st.text(alphabet=ALPHABET + "\ud800\udbff\udc00\udfff", max_size=40))
def test_find_reads_lone_surrogates_as_unknown_characters(keys: list[str], text: str) -> None:
    # ahocorasick-rs takes valid UTF-8 only; a str may still hold lone surrogates (from
    # surrogateescape or broken JSON): they match no keyword and shift no offset
    kw = Keywords((k, i) for i, k in enumerate(keys))
    assert kw.find(text) == _reference(keys, text)
