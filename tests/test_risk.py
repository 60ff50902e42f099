"""The first risk score: noisy-OR of the red flags, damped by counter-signals; and a table of
real-looking texts per language through the whole assess() pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from waspada import assess
from waspada.analyzer import default_analyzer
from waspada.scoring.risk import HIGH_AT, MEDIUM_AT, level_of, noisy_or, score
from waspada.types import IndicatorHit


def hit(iid: str, cat: str, w: float) -> IndicatorHit:
    return IndicatorHit(id=iid, category=cat, weight=w, description=iid)


def test_noisy_or() -> None:
    assert noisy_or([]) == 0.0
    assert noisy_or([0.5]) == pytest.approx(0.5)
    assert noisy_or([0.5, 0.5]) == pytest.approx(0.75)
    assert noisy_or([1.0, 0.2]) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("risk", "level"),
    [(0, "low"), (39, "low"), (40, "medium"), (69, "medium"), (70, "high"), (100, "high")],
)
def test_levels(risk: int, level: str) -> None:
    assert (MEDIUM_AT, HIGH_AT) == (40, 70)
    assert level_of(risk) == level


def test_no_hits_is_low_and_benign() -> None:
    r = score([], [], None)
    assert (r.risk, r.level, r.category, r.advisory) == (0, "low", "benign", False)


def test_red_flags_combine_and_pick_the_stronger_category() -> None:
    r = score([hit("a", "recruitment_lure", 0.5), hit("b", "recruitment_lure", 0.4),
               hit("c", "scam", 0.3)], [], None)
    # 1 - 0.5 * 0.6 * 0.7 = 0.79
    assert (r.risk, r.level, r.category) == (79, "high", "recruitment_lure")
    assert r.scores == {"recruitment_lure": 0.7, "scam": 0.3}


def test_below_medium_the_category_is_benign() -> None:
    r = score([hit("a", "scam", 0.3)], [], None)
    assert (r.risk, r.level, r.category) == (30, "low", "benign")


def test_counter_signals_damp_and_mark_an_advisory() -> None:
    flags = [hit("a", "recruitment_lure", 0.5), hit("b", "recruitment_lure", 0.5)]
    r = score([*flags, hit("w", "counter", 0.6), hit("n", "counter", 0.4)], [], None)
    # 0.75 * (1 - (1 - 0.4 * 0.6)) = 0.75 * 0.24 = 0.18
    assert (r.risk, r.level, r.category, r.advisory) == (18, "low", "benign", True)
    alone = score([hit("w", "counter", 0.6)], [], None)
    assert (alone.risk, alone.advisory) == (0, False)


LURE_ID = (
    "Lowongan kerja ke Kamboja! Dibutuhkan customer service, gaji USD 1.200 per bulan, tanpa "
    "pengalaman, tiket pesawat dan mess gratis. Langsung berangkat minggu ini. Hubungi Telegram "
    "@loker_kamboja"
)
LURE_VI = (
    "Tuyển nhân viên chăm sóc khách hàng làm việc tại Campuchia, việc nhẹ lương cao 1500 "
    "USD/tháng, không cần kinh nghiệm, bao ăn ở, bao vé máy bay. Liên hệ Zalo 0912345678"
)
LURE_TH = (
    "รับสมัครแอดมินออนไลน์ ตอบแชทลูกค้า ทำงานที่กัมพูชา รายได้สูง 50,000 บาท "
    "ไม่ต้องมีประสบการณ์ มีที่พักและอาหารให้ บินทันที ติดต่อไลน์ @job2024"
)
LURE_ZH = "高薪招聘客服,月入过万,免经验,包吃包住包机票,工作地点西港,有意者加微信 abc123"
LURE_TL = (
    "HIRING! Customer service sa Cambodia, malaking sahod, libreng plane ticket at tirahan, "
    "walang experience ok. Tourist visa lang. PM lang sa Telegram"
)
TASK_EN = (
    "Hi! We are hiring for a part-time job: like and follow videos and earn commission per task, "
    "200-500 USD daily. Salary paid on the same day. Pay a small deposit first to unlock VIP "
    "tasks. WhatsApp +6281234567890"
)
MAMA_ID = (
    "Mama minta pulsa 50rb ke nomor ini ya nak, ini nomor baru mama. Penting, nanti mama ganti"
)
PRIZE_ID = (
    "Selamat! Anda pemenang undian cek tunai Rp 100 juta dari Telkomsel. PIN pemenang: 7Y7R8. "
    "Info klik www.undian-telkomsel.blogspot.com"
)
PRIZE_EN = (
    "URGENT! You have won a guaranteed cash prize of $2000. To claim, call 09061701461 now. "
    "Claim code KL341."
)
ADVISORY_ID = (
    "KBRI Phnom Penh mengimbau WNI agar waspada dan jangan tergiur tawaran kerja di Kamboja "
    "sebagai customer service dengan gaji tinggi USD 1.000, tanpa pengalaman, tiket pesawat gratis "
    "dan visa turis. Modus penipuan ini membuat banyak WNI menjadi korban TPPO di Sihanoukville. "
    "Laporkan ke BP2MI atau hotline KBRI."
)
POLICE_VI = (
    "Công an tỉnh Gia Lai cảnh báo thủ đoạn tuyển người sang Campuchia 'việc nhẹ lương cao', "
    "không cần kinh nghiệm, bao ăn ở. Nhiều nạn nhân bị giam giữ, bị bán cho công ty khác. "
    "Người dân tuyệt đối không tin."
)
JOB_AD_ID = (
    "Dibutuhkan Staff Admin Gudang di Bekasi. Kualifikasi: pria, usia maks 30 tahun, pendidikan "
    "min SMA, pengalaman 1 tahun. Gaji Rp 4.500.000 + tunjangan. Kirim CV via WhatsApp "
    "0812-3456-7890"
)

R = "recruit."
S = "scam."


@pytest.mark.parametrize(
    ("text", "level", "category", "must_fire"),
    [
        (LURE_ID, "high", "recruitment_lure",
         {R + "high_pay", R + "no_experience", R + "employer_pays_all", R + "risky_country",
          R + "quick_departure", R + "vague_role"}),
        (LURE_VI, "high", "recruitment_lure",
         {R + "high_pay", R + "no_experience", R + "employer_pays_all", R + "risky_country"}),
        (LURE_TH, "high", "recruitment_lure",
         {R + "high_pay", R + "no_experience", R + "employer_pays_all", R + "quick_departure"}),
        (LURE_ZH, "high", "recruitment_lure",
         {R + "high_pay", R + "no_experience", R + "employer_pays_all", R + "hotspot_destination"}),
        (LURE_TL, "high", "recruitment_lure",
         {R + "high_pay", R + "no_experience", R + "employer_pays_all", R + "tourist_visa_route"}),
        (TASK_EN, "high", "scam", {S + "task_commission", S + "upfront_fee"}),
        (MAMA_ID, "medium", "scam", {S + "family_new_number"}),
        (PRIZE_ID, "medium", "scam", {S + "prize", S + "click_link"}),
        (PRIZE_EN, "medium", "scam", {S + "prize"}),
        (ADVISORY_ID, "low", "benign",
         {"counter.advisory", "counter.official_source", R + "high_pay", R + "tourist_visa_route"}),
        (POLICE_VI, "low", "benign", {"counter.advisory", "counter.news_report"}),
        (JOB_AD_ID, "low", "benign", set()),
    ],
    ids=["lure-id", "lure-vi", "lure-th", "lure-zh", "lure-tl", "task-en", "mama-pulsa-id",
         "prize-id", "prize-en", "advisory-id", "police-warning-vi", "job-ad-id"],
)
def test_real_looking_texts(text: str, level: str, category: str, must_fire: set[str]) -> None:
    # The indicator-only score of scoring/risk.py (the learned model is tested in test_model.py
    # and, through the whole pipeline, below).
    ctx, entities, hits = default_analyzer().analyse(text)
    r = score(hits, entities, ctx)
    fired = {h.id for h in hits}
    assert (r.level, r.category) == (level, category), (r.risk, sorted(fired))
    assert must_fire <= fired
    for h in hits:
        for s in h.evidence:
            assert text[s.start:s.end] == s.text


_RANK = {"low": 0, "medium": 1, "high": 2}


@pytest.mark.parametrize(
    ("text", "category"),
    [(LURE_ID, "recruitment_lure"), (LURE_VI, "recruitment_lure"), (LURE_TH, "recruitment_lure"),
     (LURE_ZH, "recruitment_lure"), (LURE_TL, "recruitment_lure"), (TASK_EN, "scam"),
     (MAMA_ID, "scam"), (PRIZE_ID, "scam"), (PRIZE_EN, "scam")],
    ids=["lure-id", "lure-vi", "lure-th", "lure-zh", "lure-tl", "task-en", "mama-pulsa-id",
         "prize-id", "prize-en"],
)
def test_the_whole_pipeline_never_rates_a_red_flagged_text_lower(text: str, category: str) -> None:
    ctx, entities, hits = default_analyzer().analyse(text)
    indicator_level = score(hits, entities, ctx).level
    a = assess(text)
    assert _RANK[a.level] >= max(_RANK[indicator_level], _RANK["medium"])
    assert a.category == category


@pytest.mark.parametrize("text", [ADVISORY_ID, POLICE_VI], ids=["advisory-id", "police-vi"])
def test_the_whole_pipeline_keeps_warnings_about_scams_low(text: str) -> None:
    a = assess(text)
    assert (a.level, a.category) == ("low", "benign"), a.risk


def test_the_whole_pipeline_keeps_an_ordinary_job_ad_low() -> None:
    assert assess(JOB_AD_ID).level == "low"


def test_daily_duties_and_a_sales_commission_are_no_task_scam() -> None:
    # written for this test: the words of ordinary Indonesian ads ("Tugas harian" = daily duties;
    # a sales job's commission), which fired the task-scam flag on 9 real job ads
    text = (
        "Dibutuhkan Sales Marketing untuk toko bangunan. Tugas harian: menawarkan produk ke "
        "pelanggan dan membuat laporan penjualan. Gaji pokok, dapat komisi dan BPJS."
    )
    assert "scam.task_commission" not in [h.id for h in assess(text).indicators]


def test_the_ordinary_job_ad_has_no_red_flags_at_all() -> None:
    a = assess(JOB_AD_ID)
    assert [h.id for h in a.indicators if h.category != "counter"] == []


# -- no verdict without evidence (issue 11): texts written for these tests, one per kind of
# genuine text the issue lists; each has contacts or numbers and no red flag, and each was rated
# high or medium before (risks in the issue: 85, 83, 99-100, 45, 59, 98).
GENUINE = {
    "call-a-number": "call 081-234-5678",
    "order-shipped": "Your order 1129384756 has been shipped. Tracking number 7788990011223344. "
    "Thank you for shopping with us.",
    "hundred-zeros": "0" * 100,
    "twenty-order-numbers": " ".join(f"ORD{1000000 + i}" for i in range(20)),
    "thai-otp": "รหัส OTP ของคุณคือ 482913 (Ref: ABCD) ใช้ภายใน 5 นาที ห้ามบอกรหัสนี้กับผู้อื่น",
    "tagalog-chat": "Uy pre, kita tayo mamaya sa mall ha? Text mo lang ako pag nandun ka na, "
    "0917 123 4567. Libre kita ng kape.",
    "company-ad-with-contacts": "Lowongan Kerja PT Maju Retailindo. Kualifikasi: S1 semua "
    "jurusan, pengalaman minimal 1 tahun. Kirim CV ke rekrutmen@majuretail.co.id atau WhatsApp "
    "0812-3456-7890. Tidak dipungut biaya apa pun.",
}


@pytest.mark.parametrize("text", list(GENUINE.values()), ids=list(GENUINE))
def test_numbers_and_contacts_alone_are_no_red_flag(text: str) -> None:
    a = assess(text)
    assert [h.id for h in a.indicators if h.category != "counter"] == []
    assert a.level == "low", (a.risk, a.features)
    assert "Be careful with" not in assess(text, lang="en").explanation


def test_a_hotel_vacancy_in_a_capital_is_not_a_hotspot_lure() -> None:
    text = ("Grand Harbour Hotels is hiring a Front Office Manager for our property in Phnom Penh,"
            " Cambodia. Requirements: degree in hospitality, 3 years experience, fluent English. "
            "Apply at careers@grandharbour.com")
    a = assess(text)
    ids = {h.id for h in a.indicators}
    assert "recruit.hotspot_destination" not in ids and "recruit.scam_compound_named" not in ids
    assert a.level != "high", a.risk


def test_a_named_compound_weighs_more_than_a_town_and_a_capital_nothing() -> None:
    def weight(text: str, iid: str) -> float:
        return max((h.weight for h in assess(text).indicators if h.id == iid), default=0.0)

    compound = weight("Kerja di KK Park, Myanmar", "recruit.scam_compound_named")
    town = weight("Kerja di Poipet, Kamboja", "recruit.hotspot_destination")
    assert compound > town > 0
    capital = assess("Kerja di Phnom Penh, Kamboja")
    assert {h.id for h in capital.indicators} == {"recruit.risky_country"}
    assert "recruit.scam_compound_named" in {h.id for h in assess("亚太城招聘客服").indicators}


@pytest.mark.slow
def test_no_text_of_any_data_set_is_high_without_a_red_flag(shared_data: Path) -> None:
    """Every text of every labelled data set under ../shared/data and data/public_texts.jsonl,
    with the fast stage alone and with the semantic stage at its most alarming (P(risky) = 1,
    whatever its vectors say: embedding 14,000 texts would not fit the test budget, and the rule
    must hold for any semantic score)."""
    import json

    from waspada.analyzer import default_analyzer
    from waspada.training.datasets import load_all

    corpus = Path(__file__).resolve().parents[1] / "data" / "public_texts.jsonl"
    texts = [e.text for e in load_all()]
    texts += [json.loads(line)["text"] for line in corpus.read_text("utf-8").splitlines()]
    assert len(texts) > 14_000
    an = default_analyzer()
    assert an.semantic is not None
    bad = []
    for t in texts:
        draft = an.first_stage(t)
        for p_semantic in (None, 1.0):
            a = an.finish(draft, p_semantic)
            if a.level == "high" and not any(h.category != "counter" for h in a.indicators):
                bad.append((a.risk, p_semantic))
    assert bad == [], f"{len(bad)} texts rated high without a red flag"
