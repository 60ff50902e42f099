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
    r = RiskResult(risk=80, level="high", category="scam",
                   features=[{"feature": "deposit", "weight": 1.2},
                             {"feature": "meeting", "weight": -0.7},
                             {"feature": "commission", "weight": 0.9}])
    en = explain(r, [], [], "en")
    assert "The words that pushed the score most: deposit, commission." in en
    assert "meeting" not in en
    assert "Kata-kata yang paling menaikkan skor: deposit, commission." in explain(r, [], [], "id")
