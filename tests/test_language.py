"""waspada.text.language.detect: scripts, Latin-script languages, accuracy on the real data sets."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.errors import ConfigError
from waspada.text import language
from waspada.text.language import detect

CASES = [
    # non-Latin scripts decide the language
    ("ลุ้นรับทอง 3 บาท สมัครเลย", "th", "Thai"),
    ("ธนาคารได้อนุมัติวงเงิน50,000บาท ติดต่อ https://rb.gy/abc", "th", "Thai"),
    ("ສະບາຍດີ ທ່ານ ຕ້ອງການວຽກ", "lo", "Lao"),
    ("សួស្តី ការងារ នៅ កម្ពុជា", "km", "Khmer"),
    ("မင်္ဂလာပါ အလုပ် ခေါ်နေသည်", "my", "Myanmar"),
    ("高薪招聘，月入过万，包吃包住", "zh", "Han"),
    ("柬埔寨西港高薪招聘客服 联系 telegram", "zh", "Han"),
    ("こんにちは、仕事があります", "ja", "Hiragana"),
    ("안녕하세요 일자리 있습니다", "ko", "Hangul"),
    ("Привет, работа в Камбодже", "und", "Cyrillic"),
    # Latin-script languages by marker words
    ("Congratulations! You have won a free prize, call now to claim", "en", "Latin"),
    ("Selamat! Anda mendapatkan hadiah uang tunai, silakan hubungi nomor ini", "id", "Latin"),
    ("Dibutuhkan staf admin, gaji Rp 5 juta per bulan, kirim lamaran ke email", "id", "Latin"),
    ("Tahniah! Anda berjaya memenangi hadiah. Sila hantar nombor akaun anda", "ms", "Latin"),
    ("Kerja kosong di Kemboja, gaji lumayan, boleh mohon sekarang, hantar resume", "ms", "Latin"),
    ("Chúc mừng quý khách đã trúng thưởng 20 triệu đồng", "vi", "Latin"),
    ("Chuc mung quy khach da trung thuong 20 trieu dong, vui long lien he", "vi", "Latin"),
    ("Tuyển nhân viên làm việc tại Campuchia, lương cao", "vi", "Latin"),
    ("Nanalo ka ng 50,000 piso! I-claim mo na po ngayon", "tl", "Latin"),
    ("Hi po, hiring kami ng part time job, 500 pesos per day, message mo lang ako", "tl", "Latin"),
    # too little to tell
    ("", "und", "Common"),
    ("12345 !!!", "und", "Common"),
    ("\U0001f600\U0001f600", "und", "Common"),
    ("ok", "und", "Latin"),
    ("POEA", "und", "Latin"),
    ("https://bit.ly/3xYz", "und", "Latin"),
]


@pytest.mark.parametrize(("text", "lang", "script"), CASES)
def test_detect(text: str, lang: str, script: str) -> None:
    assert detect(text) == (lang, script)


def test_only_the_first_characters_are_read() -> None:
    text = "Chúc mừng quý khách đã trúng thưởng " * 80 + "the you your to and is " * 400
    assert detect(text) == ("vi", "Latin")


def test_bad_marker_file_is_a_config_error_naming_file_and_field() -> None:
    with pytest.raises(ConfigError, match=r"language_markers\.yaml.*'fr'"):
        language._build_markers({"fr": "le la les"})
    with pytest.raises(ConfigError, match=r"language_markers\.yaml.*'en'.*'The'"):
        language._build_markers({"en": "The you"})
    built = language._build_markers({"id_ms": "yang dan", "ms": "sila"})
    assert built.index["yang"] == ("id", "ms")
    assert built.index["sila"] == ("ms",)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_detect_never_fails(text: str) -> None:
    lang, script = detect(text)
    assert lang in {"und", "th", "lo", "km", "my", "zh", "ja", "ko", *language.LATIN_LANGUAGES}
    assert script


# -- accuracy on the real data sets ---------------------------------------------------------------
# (folder, file, accepted languages, minimum share of de-duplicated texts). "und" counts as
# wrong. Measured when written (marker lists were chosen partly by looking at these sets, so
# these are in-sample figures, not an independent estimate): UCI en 0.956, Indonesian SMS id
# 0.931, lokerid job ads id 0.956 (the rest are ads written in English), Vietnamese 0.968
# (half the texts have no diacritics), Thai 0.993 / 0.985, Philippine reports tl-or-en 0.757
# (a quarter are bare links, e-mail addresses and notes), bwandowando tl-or-en 0.988.
ACCURACY = [
    ("uci_sms_spam_collection", "data.csv", {"en"}, 0.93),
    ("indonesian_sms_spam_wibisono", "data.csv", {"id"}, 0.90),
    ("indonesian_job_postings_lokerid", "data.csv", {"id"}, 0.93),
    ("vietnamese_sms_smishing_ie403", "data.csv", {"vi"}, 0.94),
    ("thai_sms_fraud_beebuzz_kmutt", "data.csv", {"th"}, 0.97),
    ("thai_sms_scamguard", "data.csv", {"th"}, 0.97),
    ("philippines_scam_sms_reports", "scam_sms_reports.csv", {"tl", "en"}, 0.72),
    ("philippines_scam_sms_reports", "bwandowando_spam_sms.csv", {"tl", "en"}, 0.95),
]


def _texts(data: Path, folder: str, name: str) -> list[str]:
    csv.field_size_limit(1 << 30)
    with (data / folder / name).open(encoding="utf-8", newline="") as fh:
        return list(dict.fromkeys(row["text"] for row in csv.DictReader(fh)))


@pytest.mark.parametrize(("folder", "name", "accepted", "minimum"), ACCURACY)
def test_accuracy_on_real_data(
    folder: str, name: str, accepted: set[str], minimum: float, shared_data: Path
) -> None:
    texts = _texts(shared_data, folder, name)
    got = Counter(detect(t)[0] for t in texts)
    share = sum(got[lang] for lang in accepted) / len(texts)
    assert share >= minimum, f"{folder}/{name}: {share:.3f} < {minimum}; {got.most_common(5)}"


def test_tagalog_is_found_in_the_philippine_set(shared_data: Path) -> None:
    folder = "philippines_scam_sms_reports"
    got = Counter(detect(t)[0] for t in _texts(shared_data, folder, "bwandowando_spam_sms.csv"))
    got.update(detect(t)[0] for t in _texts(shared_data, folder, "scam_sms_reports.csv"))
    assert got["tl"] >= 250  # 312 measured: Tagalog and Taglish texts are not all called English
    assert got["id"] + got["ms"] + got["vi"] <= 10


# -- Malay and Indonesian in the public-text corpus ------------------------------------------------
# Corpus passages (data/public_texts.jsonl, cited by id) that the detector of b7b55ff named wrongly
# between Malay and Indonesian: its Malay-only words included `tawaran`, `negeri`, `mempunyai`,
# `kini` and `tak` (Indonesian news uses them as much), its Indonesian-only words `pekerjaan`,
# `sesuai` and `teliti` (Malay uses them too), and Malay news had few Malay-only cues. Those marked
# "held" are in the half of the corpus the revised word list was not chosen on
# (benchmarks/langid_quality.py states the split: SHA-256 of the publisher).
MS_ID_FIXED = [
    # held half
    "ms-scam-005", "ms-warning-006", "ms-warning-013", "ms-news-003", "ms-news-005",
    "ms-news-016", "ms-news-021", "ms-news-022", "ms-news-026", "ms-benign-009",
    "id-warning-024", "id-warning-039",
    # tune half
    "ms-warning-001", "ms-warning-017", "ms-news-004", "ms-news-008",
    "id-warning-003", "id-warning-012", "id-warning-017", "id-news-015", "id-news-018",
    "id-news-024", "id-news-033",
]


@pytest.fixture(scope="module")
def corpus() -> dict[str, tuple[str, str]]:
    path = Path(__file__).resolve().parents[1] / "data" / "public_texts.jsonl"
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return {row["id"]: (row["text"].strip(), row["lang"]) for row in rows}


@pytest.mark.parametrize("ref", MS_ID_FIXED)
def test_malay_and_indonesian_news_are_told_apart(
    ref: str, corpus: dict[str, tuple[str, str]]
) -> None:
    text, lang = corpus[ref]
    assert detect(text) == (lang, "Latin"), ref


_KNOWN = {"und", "th", "lo", "km", "my", "zh", "ja", "ko", *language.LATIN_LANGUAGES}
_MARKER_WORDS = sorted(language._markers().index)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(_MARKER_WORDS), st.text(min_size=1, max_size=12)),
        max_size=60,
    ),
    st.sampled_from([" ", "\n", ", ", "/", ""]),
    st.booleans(),
)
def test_detect_never_fails_on_marker_word_soup(words: list[str], sep: str, upper: bool) -> None:
    """Texts made of marker words of every language, with arbitrary strings between them."""
    text = sep.join(words)
    lang, script = detect(text.upper() if upper else text)
    assert lang in _KNOWN
    assert script
