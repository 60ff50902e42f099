"""Web recogniser: e-mail addresses and URLs, registered domains from the bundled public-suffix
list (no network), shorteners, and the dotted things that are not URLs."""

from __future__ import annotations

import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.recognizers import web

from .helpers import Expected, assert_entities, entities

KINDS = ("email", "url")

CASES: list[tuple[str, list[Expected]]] = [
    (
        "Daftar di bit.ly/abc123.",
        [("url", "http://bit.ly/abc123", "bit.ly/abc123", {"domain": "bit.ly", "shortener": True})],
    ),
    (
        "(lihat https://example.co.id/path?a=1), ok",
        [
            (
                "url",
                "https://example.co.id/path?a=1",
                "https://example.co.id/path?a=1",
                {"domain": "example.co.id", "shortener": False},
            )
        ],
    ),
    (
        "kirim CV ke HRD.Kerja@Gmail.com ya",
        [("email", "hrd.kerja@gmail.com", "HRD.Kerja@Gmail.com", {"domain": "gmail.com"})],
    ),
    ("Info: www.x.com", [("url", "http://www.x.com", "www.x.com", {"domain": "x.com"})]),
    (
        "Lamar di abc-kerja.com, segera!",
        [("url", "http://abc-kerja.com", "abc-kerja.com", {"domain": "abc-kerja.com"})],
    ),
    (
        "s.id/loker-kamboja",
        [
            (
                "url",
                "http://s.id/loker-kamboja",
                "s.id/loker-kamboja",
                {"domain": "s.id", "shortener": True},
            )
        ],
    ),
    (
        "Chat wa.me/6281234567890",
        [("url", "http://wa.me/6281234567890", "wa.me/6281234567890", {"domain": "wa.me"})],
    ),
    ("ไปที่ bit.ly/xyzเพื่อรับรางวัล", [("url", "http://bit.ly/xyz", "bit.ly/xyz", {"shortener": True})]),
    (
        "Visit HTTPS://Shop.Example.com.my/promo).",
        [
            (
                "url",
                "HTTPS://Shop.Example.com.my/promo",
                "HTTPS://Shop.Example.com.my/promo",
                {"domain": "example.com.my"},
            )
        ],
    ),
    (
        "link: https://en.wikipedia.org/wiki/Foo_(bar)",
        [
            (
                "url",
                "https://en.wikipedia.org/wiki/Foo_(bar)",
                "https://en.wikipedia.org/wiki/Foo_(bar)",
                {"domain": "wikipedia.org"},
            )
        ],
    ),
    (
        "http://192.168.1.1/login",
        [
            (
                "url",
                "http://192.168.1.1/login",
                "http://192.168.1.1/login",
                {"domain": "192.168.1.1"},
            )
        ],
    ),
    (
        "linktr.ee/kerja",
        [
            (
                "url",
                "http://linktr.ee/kerja",
                "linktr.ee/kerja",
                {"domain": "linktr.ee", "shortener": False},
            )
        ],
    ),
    (
        "tinyurl.com/y3k4 dan cutt.ly/abc",
        [
            ("url", "http://tinyurl.com/y3k4", "tinyurl.com/y3k4", {"shortener": True}),
            ("url", "http://cutt.ly/abc", "cutt.ly/abc", {"shortener": True}),
        ],
    ),
    (
        "mail: admin@kerja-asia.co.th; web: kerja-asia.co.th",
        [
            (
                "email",
                "admin@kerja-asia.co.th",
                "admin@kerja-asia.co.th",
                {"domain": "kerja-asia.co.th"},
            ),
            ("url", "http://kerja-asia.co.th", "kerja-asia.co.th", {"domain": "kerja-asia.co.th"}),
        ],
    ),
    # not URLs
    ("lihat file.txt dulu", []),
    ("versi 3.5 rilis", []),
    ("e.g. this one", []),
    ("PT.ABC Indonesia", []),  # company name: upper-case brand TLD
    ("Gaji Rp15.000.000 jam 08.00", []),
    ("no.hp dan dll.", []),
    ("user@localhost", []),
    # informal texts drop the space after a full stop
    ("transfer ke Mandiri.No rek 123", []),
    ("see you again.call me", []),
    ("Tháng 1.Thẻ tín dụng", []),
    ("Cari rumah di 99.co sekarang", [("url", "http://99.co", "99.co", {"domain": "99.co"})]),
    (
        "promo gezne.de/x1 now",
        [("url", "http://gezne.de/x1", "gezne.de/x1", {"domain": "gezne.de"})],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_web_table(text: str, expected: list[Expected]) -> None:
    assert_entities(entities(text, KINDS), expected)


def test_suffix_list_is_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """The extractor web.py uses, built fresh, never opens a socket."""

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    ext = web.offline_extractor()
    assert ext("a.b.example.co.id").top_domain_under_public_suffix == "example.co.id"
    assert ext("x.s.id").top_domain_under_public_suffix == "s.id"


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "http://",
                    "www.",
                    ".",
                    "@",
                    "/",
                    ".com",
                    ".co.id",
                    "bit.ly/",
                    " ",
                    ")",
                    "(",
                    ",",
                    "?a=1",
                    "-",
                    "xn--",
                ]
            ),
            st.text(alphabet="abcXYZ019", max_size=8),
            st.text(max_size=5),
        ),
        max_size=10,
    ).map("".join)
)
def test_property_web_never_crashes_and_maps_back(text: str) -> None:
    for e in entities(text, KINDS):
        assert text[e.start : e.end] == e.text
        if e.kind == "url":
            assert "://" in e.value
            assert e.attrs["domain"]
        else:
            assert e.value == e.value.lower() and "@" in e.value
