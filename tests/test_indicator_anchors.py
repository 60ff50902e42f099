"""The indicator engine runs a pattern only where one of its literal start words occurs.

``anchors`` finds those words; ``_match_at_anchors`` must give exactly what ``finditer`` gives.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.analyzer import default_analyzer
from waspada.indicators import matcher
from waspada.indicators.matcher import anchors
from waspada.text import patterns as rx


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?<!\p{L})(?:mama|papa)(?!\p{L})x", ("mama", "papa")),
        (r"\b(?:lonely|so bored)\b", ("lonely", "so bored")),
        (r"(?<![\p{L}\d])(?:kirim|beli)[^.]{0,9}pulsa", ("kirim", "beli")),
        (r"(?:kesepian|kange+n+|rindu)", ("kesepian", "kange", "rindu")),  # "e+": e required
        (r"\b(?:click|log ?in)\b", ("click", "log")),  # " ?": the space is optional
        (r"(?:pt\.?\s?kai|bumn)", ("pt", "bumn")),
        (r"nama(?: lengkap)?\s*/", ("nama",)),
        (r"phát hiện (?:giao dịch|hoạt động)", ("phát hiện ",)),
        (r"แต้ม[^\n]{0,40}?หมดอายุ", ("แต้ม",)),
        (r"(?:mama|papa)?x", None),  # the group is optional
        (r"(?:mama|p)x", None),  # one alternative has no literal of two characters
        (r"(?:m-?dpt|mendapat)", None),  # "m" alone before the optional "-"
        (r"\b\d{1,3}p\s*per", None),  # starts with a class
        (r"ab?c", None),  # "a" alone before the optional "b"
        (r"(?i)mama", None),  # inline flags: not understood, so never gated
        (r"mama|xyz", None),  # a top-level alternative may start with anything
        (r"(?:mama|papa)x|y", None),
        (r"(?:ab[)|]c|de)x", ("ab", "de")),  # "(", ")" and "|" in a class are characters
        (r"(?:ab|cd", None),  # unbalanced
    ],
)
def test_anchors(pattern: str, expected: tuple[str, ...] | None) -> None:
    assert anchors(pattern) == expected


def test_every_gated_indicator_of_the_taxonomy_has_anchors_and_most_are_gated() -> None:
    comp = default_analyzer().indicators
    with_patterns = [i for i in comp.taxonomy.indicators if i.patterns]
    assert len(comp.gated) >= len(with_patterns) - 3  # only a few start with a class or digit


_comp = default_analyzer().indicators
_words = sorted(set(_comp.anchors.keys()))
# the words the gated patterns look for after their anchors, so that random texts do match
_tails = [
    "pulsa", "kredit", "topup", "no", "nomor", "hadiah", "pin", "dari", "bukit aman", "polisi",
    "mencurigakan", "akun", "hangus", "call me", "telepon", "gọi cho em", "โทรหา", "打给我",
    "nhân sự", "ฝ่ายบุคคล", "hr", "from", "department", "/", "#", "alamat", "ktp", "expire today",
    "verify", "via", "link", "认证", "membuka", "lowongan", "is hiring",
]
_piece = st.one_of(
    st.sampled_from(_words),
    st.sampled_from(_words),  # anchors twice as often: an anchor inside a match must be skipped
    st.sampled_from(_tails),
    st.sampled_from([" ", "  ", "\n", ".", ", ", "!", "x", "ku", "0812", "a/n"]),
    st.text(alphabet="abcdeimnoprstuy ", max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_piece, max_size=30))
def test_matching_at_anchors_gives_what_finditer_gives(pieces: list[str]) -> None:
    low = "".join(pieces)
    got: dict[int, list[tuple[int, int]]] = {}
    matcher._match_at_anchors(_comp, low, got)
    want: dict[int, list[tuple[int, int]]] = {}
    for idx, pattern in _comp.gated:
        for m in rx.finditer(pattern, low):
            if m.end() > m.start():
                want.setdefault(idx, []).append((m.start(), m.end()))
    assert got == want


@pytest.mark.parametrize(
    "low",
    [
        "kakak abang topup sekarang",  # "abang" starts inside the match that "kakak" starts
        "mama papa beliin pulsa ke nomor ini. mama",
        "saya saya dari polsek",
    ],
)
def test_an_anchor_inside_a_match_starts_no_second_match(low: str) -> None:
    got: dict[int, list[tuple[int, int]]] = {}
    matcher._match_at_anchors(_comp, low, got)
    want: dict[int, list[tuple[int, int]]] = {}
    for idx, pattern in _comp.gated:
        for m in rx.finditer(pattern, low):
            want.setdefault(idx, []).append((m.start(), m.end()))
    assert want and got == want


def test_matching_at_anchors_finds_real_flags() -> None:
    # a flag known to be gated, on a text written for this test
    low = "ini mama pakai nomor teman, tolong isi pulsa 20rb ke nomor ini ya"
    got: dict[int, list[tuple[int, int]]] = {}
    matcher._match_at_anchors(_comp, low, got)
    ids = {_comp.taxonomy.indicators[i].id for i in got}
    assert "scam.family_new_number" in ids
