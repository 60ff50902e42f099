"""Handle recogniser: links and labelled handles of Telegram, WhatsApp groups, LINE, WeChat,
Zalo, Facebook, Instagram and TikTok, in the region's languages; and what is not a handle."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.errors import ConfigError
from waspada.recognizers import handles

from .helpers import Expected, assert_entities, entities

KINDS = ("telegram", "whatsapp", "line", "wechat", "zalo", "facebook", "instagram", "tiktok")

CASES: list[tuple[str, list[Expected]]] = [
    # Telegram
    (
        "Join t.me/LokerKamboja2024 now",
        [("telegram", "lokerkamboja2024", "t.me/LokerKamboja2024", {})],
    ),
    (
        "https://telegram.me/hrd_asia88.",
        [("telegram", "hrd_asia88", "https://telegram.me/hrd_asia88", {})],
    ),
    (
        "https://t.me/+AbCdEf12345xyz",
        [("telegram", "+AbCdEf12345xyz", "https://t.me/+AbCdEf12345xyz", {"invite": True})],
    ),
    ("telegram: @Admin_Rekrut", [("telegram", "admin_rekrut", "@Admin_Rekrut", {})]),
    ("Minat? TG @hrd_asia88 ya", [("telegram", "hrd_asia88", "@hrd_asia88", {})]),
    ("tele: hrdjob88", [("telegram", "hrdjob88", "hrdjob88", {})]),
    ("ติดต่อ เทเลแกรม @thaijob_admin", [("telegram", "thaijob_admin", "@thaijob_admin", {})]),
    (
        "DM @recruit_kh via Telegram",
        [("telegram", "recruit_kh", "@recruit_kh", {"inferred": True})],
    ),
    ("DM @recruit_kh via Telegram or IG", []),  # two @-platforms named: no guess
    ("hubungi telegram admin", []),  # no "@" nor ":": "admin" is a word, not a handle
    ("Telegram: hubungi kami", []),
    ("t.me/share/url?url=x", []),
    ("kirim ke hrd@tele.com", []),  # an e-mail, not a handle
    # WhatsApp group invite
    (
        "Gabung grup chat.whatsapp.com/AbCdEfGhIj1234",
        [("whatsapp", "AbCdEfGhIj1234", "chat.whatsapp.com/AbCdEfGhIj1234", {"group": True})],
    ),
    # LINE
    ("line.me/ti/p/~job.th99", [("line", "job.th99", "line.me/ti/p/~job.th99", {})]),
    ("line id: JobTH99", [("line", "jobth99", "JobTH99", {})]),
    ("ID line: jobth99", [("line", "jobth99", "jobth99", {})]),
    ("สนใจแอดไลน์ jobth99 ค่ะ", [("line", "jobth99", "jobth99", {})]),
    ("LINE @jobth", [("line", "jobth", "@jobth", {})]),
    # WeChat
    ("微信：abc_123x", [("wechat", "abc_123x", "abc_123x", {})]),
    ("加vx: wxid_abcd12", [("wechat", "wxid_abcd12", "wxid_abcd12", {})]),
    ("WeChat ID: Kerja_Asia", [("wechat", "kerja_asia", "Kerja_Asia", {})]),
    # Zalo: numbers become E.164, names stay names
    ("zalo: 0912 345 678", [("zalo", "+84912345678", "0912 345 678", {})]),
    ("zalo.me/0912345678", [("zalo", "+84912345678", "zalo.me/0912345678", {})]),
    ("zalo.me/tuyendung.vn", [("zalo", "tuyendung.vn", "zalo.me/tuyendung.vn", {})]),
    # Facebook
    (
        "https://www.facebook.com/profile.php?id=100012345678",
        [("facebook", "100012345678", "https://www.facebook.com/profile.php?id=100012345678", {})],
    ),
    (
        "facebook.com/groups/LokerLuarNegeri",
        [
            (
                "facebook",
                "groups/lokerluarnegeri",
                "facebook.com/groups/LokerLuarNegeri",
                {"group": True},
            )
        ],
    ),
    ("fb.com/john.doe.99", [("facebook", "john.doe.99", "fb.com/john.doe.99", {})]),
    ("m.facebook.com/sharer.php?u=x", []),
    ("FB: Maria Santos", []),  # a person's name, not a handle
    # Instagram, TikTok
    ("instagram.com/loker_id", [("instagram", "loker_id", "instagram.com/loker_id", {})]),
    ("IG: @loker.id.", [("instagram", "loker.id", "@loker.id", {})]),
    ("instagram.com/p/Cxyz123", []),
    ("tiktok.com/@kerja.kamboja", [("tiktok", "kerja.kamboja", "tiktok.com/@kerja.kamboja", {})]),
    ("tiktok: @kerja.kamboja", [("tiktok", "kerja.kamboja", "@kerja.kamboja", {})]),
    # a link whose handle is only dots is no handle (found by the property test below)
    ("tiktok.com/@..", []),
    ("instagram.com/...", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_handles_table(text: str, expected: list[Expected]) -> None:
    assert_entities(entities(text, KINDS), expected)


def test_zalo_number_is_also_a_phone_with_channel_zalo() -> None:
    found = entities("zalo: 0912 345 678", ("phone",))
    assert [(e.value, e.attrs["channel"]) for e in found] == [("+84912345678", "zalo")]
    assert found[0].attrs["region_source"] == "channel"  # no hint, no language: Zalo is VN


def test_bad_data_file_names_file_and_field() -> None:
    bad = {"links": [{"kind": "myspace", "pattern": "x(?P<value>y)"}], "labels": []}
    with pytest.raises(ConfigError, match=r"handles\.yaml: links\[0\].*kind"):
        handles.parse_handle_data(bad)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "t.me/",
                    "@",
                    "line id: ",
                    "微信：",
                    "zalo: ",
                    "fb.com/",
                    "IG: ",
                    "telegram ",
                    "tiktok.com/@",
                    " ",
                    ".",
                    "~",
                    "09",
                    "https://",
                ]
            ),
            st.text(alphabet="abcXYZ_.019", max_size=10),
            st.text(max_size=5),
        ),
        max_size=10,
    ).map("".join)
)
def test_property_handles_never_crash_and_map_back(text: str) -> None:
    for e in entities(text, KINDS):
        assert text[e.start : e.end] == e.text
        assert e.value and not e.value.startswith("@")
