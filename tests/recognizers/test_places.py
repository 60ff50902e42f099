"""Places: countries and scam-compound hotspots in the region's languages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada import assess
from waspada.recognizers.places import automaton
from waspada.types import Entity


def places(text: str) -> list[Entity]:
    found = [e for e in assess(text).entities if e.kind == "place"]
    for e in found:
        assert text[e.start : e.end] == e.text
    return found


# (text, [(span, canonical name, country, hotspot)])
CASES: list[tuple[str, list[tuple[str, str, str, bool]]]] = [
    # Indonesian / Malay
    ("Lowongan kerja di Kamboja gaji besar", [("Kamboja", "Cambodia", "KH", False)]),
    ("Kerja di Kemboja, tiket ditanggung", [("Kemboja", "Cambodia", "KH", False)]),
    ("penempatan Sihanoukville", [("Sihanoukville", "Sihanoukville", "KH", True)]),
    ("berangkat ke Shinaukville minggu depan", [("Shinaukville", "Sihanoukville", "KH", True)]),
    ("lewat Bhavet", [("Bhavet", "Bavet", "KH", True)]),
    ("kerja di Segitiga Emas", [("Segitiga Emas", "Golden Triangle", "LA", True)]),
    (
        "Tiongkok dan Myanmar",
        [("Tiongkok", "China", "CN", False), ("Myanmar", "Myanmar", "MM", False)],
    ),
    # English / Tagalog
    (
        "Job offer in Phnom Penh, Cambodia",
        [("Phnom Penh", "Phnom Penh", "KH", False), ("Cambodia", "Cambodia", "KH", False)],
    ),
    (
        "rescued from KK Park in Myawaddy",
        [("KK Park", "KK Park", "MM", True), ("Myawaddy", "Myawaddy", "MM", True)],
    ),
    (
        "crossed the Moei River from Mae Sot",
        [("Moei River", "Moei River", "MM", True), ("Mae Sot", "Mae Sot", "TH", True)],
    ),
    (
        "trabaho sa Pilipinas o Thailand",
        [("Pilipinas", "Philippines", "PH", False), ("Thailand", "Thailand", "TH", False)],
    ),
    ("Shwe Kokko compound", [("Shwe Kokko", "Shwe Kokko", "MM", True)]),
    ("Wa State militia", [("Wa State", "Wa State", "MM", True)]),
    ("Tachileik casino job", [("Tachileik", "Tachileik", "MM", True)]),
    ("Poipet border", [("Poipet", "Poipet", "KH", True)]),
    ("Oddar Meanchey Province", [("Oddar Meanchey", "Oddar Meanchey", "KH", True)]),
    (
        "Bokeo province, Laos",
        [("Bokeo", "Golden Triangle", "LA", True), ("Laos", "Laos", "LA", False)],
    ),
    # Vietnamese
    ("việc nhẹ lương cao ở Campuchia", [("Campuchia", "Cambodia", "KH", False)]),
    ("sang Lào làm việc", [("Lào", "Laos", "LA", False)]),
    ("tỉnh Lào Cai", []),  # a Vietnamese province, not Laos
    ("đặc khu Tam giác vàng", [("Tam giác vàng", "Golden Triangle", "LA", True)]),
    (
        "người Việt Nam ở Nam Vang",
        [("Việt Nam", "Vietnam", "VN", False), ("Nam Vang", "Phnom Penh", "KH", False)],
    ),
    ("Miến Điện", [("Miến Điện", "Myanmar", "MM", False)]),
    # Thai
    ("งานที่ปอยเปต กัมพูชา", [("ปอยเปต", "Poipet", "KH", True), ("กัมพูชา", "Cambodia", "KH", False)]),
    ("ไปทำงานที่แม่สอด", [("แม่สอด", "Mae Sot", "TH", True)]),
    ("ข้ามไปเมียวดี", [("เมียวดี", "Myawaddy", "MM", True)]),
    ("ประเทศไทย", [("ประเทศไทย", "Thailand", "TH", False)]),
    ("สามเหลี่ยมทองคำ", [("สามเหลี่ยมทองคำ", "Golden Triangle", "LA", True)]),
    ("โอนเข้าธนาคารกรุงไทย", []),  # Krungthai Bank, not a place
    # Chinese
    ("西港高薪招聘", [("西港", "Sihanoukville", "KH", True)]),
    ("施亞努港工作", [("施亞努港", "Sihanoukville", "KH", True)]),
    ("妙瓦底园区", [("妙瓦底", "Myawaddy", "MM", True)]),
    ("缅北电诈", [("缅北", "Northern Myanmar", "MM", True)]),
    ("果敢老街", [("果敢老街", "Laukkaing", "MM", True)]),
    ("果敢", [("果敢", "Kokang", "MM", True)]),
    ("老街", []),  # alone it is Lào Cai
    ("佤邦", [("佤邦", "Wa State", "MM", True)]),
    (
        "金三角 柬埔寨",
        [("金三角", "Golden Triangle", "LA", True), ("柬埔寨", "Cambodia", "KH", False)],
    ),
    ("亚太新城", [("亚太新城", "Shwe Kokko", "MM", True)]),
    # Khmer, Lao, Burmese
    ("ការងារនៅក្រុងព្រះសីហនុ", [("ក្រុងព្រះសីហនុ", "Sihanoukville", "KH", True)]),
    ("បាវិត", [("បាវិត", "Bavet", "KH", True)]),
    ("ប្រទេសកម្ពុជា", [("កម្ពុជា", "Cambodia", "KH", False)]),
    ("ເມືອງບໍ່ແກ້ວ", [("ບໍ່ແກ້ວ", "Golden Triangle", "LA", True)]),
    ("မြဝတီမြို့", [("မြဝတီ", "Myawaddy", "MM", True)]),
    ("ရွှေကုက္ကိုလ်မြို့သစ်", [("ရွှေကုက္ကိုလ်", "Shwe Kokko", "MM", True)]),
    # boundaries
    ("Laoshan green tea", []),
    ("Chinatown food", []),
    ("wa me now", []),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_places(text: str, expected: list[tuple[str, str, str, bool]]) -> None:
    got = [(e.text, e.value, e.attrs["country"], e.attrs["hotspot"]) for e in places(text)]
    assert got == expected


def test_a_place_name_inside_an_identifier_is_not_a_mention() -> None:
    """A handle, an e-mail address or a URL names an account or a site, not the place; a hashtag
    tags the topic and stays a mention, and so does a place word next to a handle."""

    def names(text: str) -> list[tuple[str, str]]:
        return [(e.text, e.value) for e in places(text)]

    assert names("follow @loker_kamboja for info") == []
    assert names("kirim CV ke loker_kamboja@gmail.com") == []
    assert names("daftar di https://kerja-kamboja.example/daftar") == []
    assert names("info www.laos-jobs.example") == []
    assert names("#kamboja #gajibesar") == [("kamboja", "Cambodia")]
    assert names("kerja di Kamboja, hubungi @budi") == [("Kamboja", "Cambodia")]
    assert names("Kerja di Kamboja: email hr@example.com") == [("Kamboja", "Cambodia")]


def test_the_matcher_is_built_once() -> None:
    assert automaton() is automaton()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_random_text_never_crashes_and_spans_map_back(text: str) -> None:
    places(text)


def test_a_bad_places_file_is_refused_naming_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    from waspada.errors import ConfigError
    from waspada.recognizers import places as places_mod

    bad = "places:\n  - {name: Atlantis, country: atlantis, hotspot: false, aliases: [atlantis]}\n"
    monkeypatch.setattr(places_mod, "_read_data", lambda: bad)
    with pytest.raises(
        ConfigError, match=r"places\.yaml: places\[0\] \(Atlantis\): field 'country'"
    ):
        places_mod.automaton.__wrapped__()


def test_hotspots_carry_how_specific_they_are() -> None:
    got = {e.value: e.attrs.get("specificity") for e in places(
        "KK Park, Yatai, Kings Romans, Poipet, Phnom Penh, Kamboja")}
    assert got == {"KK Park": "compound", "Shwe Kokko": "compound",
                   "Golden Triangle SEZ": "compound", "Poipet": "town", "Phnom Penh": "capital",
                   "Cambodia": None}
