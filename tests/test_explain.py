"""The explanation: verdict, red flags, identifiers and advice, in English or Indonesian."""

from __future__ import annotations

from waspada import assess
from waspada.scoring.explain import explain
from waspada.scoring.risk import RiskResult
from waspada.types import Entity, IndicatorHit

LURE = (
    "Lowongan kerja ke Kamboja! Dibutuhkan customer service, gaji fantastis, tanpa pengalaman, "
    "tiket pesawat gratis. Hubungi Telegram @loker_kamboja"
)
ADVISORY = (
    "KBRI mengimbau WNI agar waspada dan jangan tergiur tawaran kerja di Kamboja dengan gaji "
    "fantastis, tanpa pengalaman dan tiket pesawat gratis. Banyak WNI menjadi korban TPPO."
)


def test_english_and_indonesian_differ_and_name_the_red_flags() -> None:
    en = assess(LURE, lang="en")
    id_ = assess(LURE, lang="id")
    assert en.explanation != id_.explanation
    assert en.explanation.startswith("High risk") or en.explanation.startswith("Medium risk")
    assert id_.explanation.startswith("Risiko")
    top_en = max(en.indicators, key=lambda h: h.weight).description
    top_id = max(id_.indicators, key=lambda h: h.weight).description
    assert top_en in en.explanation and top_id in id_.explanation
    assert "BP2MI" in en.explanation and "DMW" in en.explanation
    assert "Jangan membayar" in id_.explanation
    # indicator descriptions themselves follow the reader's language
    en_desc = {h.description for h in en.indicators}
    assert en_desc.isdisjoint({h.description for h in id_.indicators})


def test_identifiers_to_be_careful_with_are_named() -> None:
    hits = [IndicatorHit("recruit.high_pay", "recruitment_lure", 0.4, "Pay far above the market")]
    ents = [Entity("telegram", "hr_jobs", 0, 8, "@hr_jobs"),
            Entity("money", "1000", 9, 17, "USD 1000")]
    r = RiskResult(risk=60, level="medium", category="recruitment_lure")
    text = explain(r, hits, ents, "en")
    assert "Be careful with: @hr_jobs." in text and "USD 1000" not in text
    assert "Hati-hati dengan: @hr_jobs." in explain(r, hits, ents, "id")


def test_an_advisory_reads_as_a_warning_not_an_offer() -> None:
    assert "warning about scams, not an offer" in assess(ADVISORY, lang="en").explanation
    assert "peringatan tentang penipuan, bukan tawaran" in assess(ADVISORY, lang="id").explanation


def test_clean_text() -> None:
    assert assess("Rapat jam 3 sore di kantor ya", lang="id").explanation.startswith(
        "Risiko rendah")
    assert assess("See you at 3pm", lang="en").explanation.startswith("Low risk")


def test_other_languages_fall_back_to_english() -> None:
    r = RiskResult(risk=0, level="low", category="benign")
    assert explain(r, [], [], "vi") == explain(r, [], [], "en")


def test_model_features_are_rendered_when_present() -> None:
    # n-grams carry the text's own words around them ("text"); those are quoted
    r = RiskResult(risk=80, level="high", category="scam",
                   features=[{"feature": "depo", "weight": 1.2, "text": "deposit"},
                             {"feature": "meet", "weight": -0.7, "text": "meeting"},
                             {"feature": "ommis", "weight": 0.9, "text": "commission"}])
    en = explain(r, [], [], "en")
    assert "The model also reacted to: \u201cdeposit\u201d, \u201ccommission\u201d." in en
    assert "meeting" not in en
    assert "Model juga bereaksi pada: \u201cdeposit\u201d, \u201ccommission\u201d." in explain(
        r, [], [], "id")


# -- what the model reacted to, in words (issue 11): no feature ids, no digit n-grams
FEATURES = [
    {"feature": "ent:telegram", "weight": 2.0},
    {"feature": "shape:longdigits", "weight": 1.5},
    {"feature": "000-.", "weight": 1.4, "text": ""},  # an n-gram inside a phone number
    {"feature": "aji ", "weight": 1.0, "text": "gaji"},
    {"feature": "ent:phone:whatsapp", "weight": 0.9},
    {"feature": "shape:len7", "weight": 0.8},  # a length bucket: nothing a reader can weigh
    {"feature": "ind:scam.prize", "weight": 0.7},  # already listed as a red flag
    {"feature": "shape:upper1", "weight": 0.6},  # few capitals: not worth saying
]


def test_model_features_become_phrases_in_the_readers_language() -> None:
    r = RiskResult(risk=50, level="medium", category="scam", features=FEATURES)
    en = explain(r, [], [], "en")
    assert ("The model also reacted to: a Telegram contact, long digit runs, \u201cgaji\u201d, "
            "a WhatsApp contact.") in en
    id_ = explain(r, [], [], "id")
    assert ("Model juga bereaksi pada: kontak Telegram, deretan angka panjang, \u201cgaji\u201d, "
            "kontak WhatsApp.") in id_
    for text in (en, id_):
        assert "ent:" not in text and "shape:" not in text and "ind:" not in text
        assert "000" not in text


def test_identifiers_are_named_only_next_to_a_red_flag() -> None:
    ents = [Entity("email", "hr@company.co.id", 0, 16, "hr@company.co.id"),
            Entity("whatsapp", "6281234567890", 20, 34, "0812-3456-7890")]
    r = RiskResult(risk=60, level="medium", category="scam")
    assert "Be careful with" not in explain(r, [], ents, "en")
    assert "Hati-hati dengan" not in explain(r, [], ents, "id")
    hits = [IndicatorHit("scam.upfront_fee", "scam", 0.35, "Asks for a fee first")]
    assert "Be careful with: hr@company.co.id, 0812-3456-7890." in explain(r, hits, ents, "en")


def test_an_e_mail_is_not_called_a_link() -> None:
    # the model's web-address feature fires on the domain of an e-mail; a vacancy whose only
    # address is an e-mail must not read "the model also reacted to: a link"
    r = RiskResult(risk=7, level="low", category="benign",
                   features=[{"feature": "shape:url", "weight": 0.21}])
    mail = [Entity("email", "rekrutmen@alfamart.co.id", 0, 24, "rekrutmen@alfamart.co.id")]
    assert "an e-mail address" in explain(r, [], mail, "en")
    assert "link" not in explain(r, [], mail, "en")
    assert "tautan" not in explain(r, [], mail, "id")
    link = [*mail, Entity("url", "https://x.co.id/", 30, 45, "https://x.co.id/")]
    assert "a link" in explain(r, [], link, "en")  # with a real link, it is one
    text = ("Lowongan kerja Staff Akuntansi di PT Sumber Alfaria Trijaya. Syarat: S1 Akuntansi, "
            "pengalaman minimal 1 tahun. Kirim CV ke rekrutmen@alfamart.co.id.")
    assert "tautan" not in assess(text, lang="id", semantic="off").explanation


def test_the_pipeline_explains_a_text_without_feature_ids() -> None:
    text = "Hubungi Telegram @kerja_cepat atau WA 0812-3456-7890, call 081-234-5678 sekarang"
    for lang in ("en", "id"):
        explanation = assess(text, lang=lang).explanation
        assert "ent:" not in explanation and "shape:" not in explanation, explanation
        assert "000" not in explanation, explanation


def test_ngrams_are_quoted_as_the_texts_own_words_never_as_parts_of_numbers_or_links() -> None:
    from waspada.scoring.model import words_at

    text = "win a prize now\nat www.skillgame.com or mail hr@x.co.id, call 0812-3456"
    at = text.index
    assert words_at(text, at("riz"), at("riz") + 3) == "prize"  # widened to the whole word
    assert words_at(text, at("e no"), at("e no") + 4) == "prize now"
    assert words_at(text, at("com"), at("com") + 3) == ""  # part of a link
    assert words_at(text, at("x.co"), at("x.co") + 4) == ""  # part of an e-mail address
    assert words_at(text, at("12-3"), at("12-3") + 4) == ""  # part of a phone number
