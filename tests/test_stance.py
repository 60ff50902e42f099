"""Stance (offer / warning / report / other): cases written for the purpose in nine languages,
evidence spans into the original text, the never-high rule, the cue files' checks."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada import assess
from waspada.analyzer import default_analyzer
from waspada.errors import ConfigError
from waspada.indicators import stance as stance_mod
from waspada.indicators import stance_cues
from waspada.scoring.combine import cap_for_stance
from waspada.scoring.risk import HIGH_AT, MEDIUM_AT, RiskResult
from waspada.types import STANCES

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "public_texts.jsonl"

OF, W, R = "offer", "warning", "report"

# Written for these tests (not taken from any data set). Each language has offers (including an
# offer that carries a beware line), warnings (including one that gives a hotline number) and
# reports.
CASES: list[tuple[str, str, str]] = [
    # Indonesian
    ("id", "Dicari admin di Kamboja gaji 20 juta, tiket ditanggung, chat telegram @adminkh88", OF),
    ("id", "Lowongan kerja! Dibutuhkan 5 staf gudang. Kirim lamaran ke WA 0812-3456-7890", OF),
    ("id", "Hati-hati penipuan mengatasnamakan kami! Pendaftaran resmi hanya lewat WA "
           "0812-9988-7766, hubungi admin kami sekarang.", OF),
    ("id", "Selamat! Anda memenangkan hadiah Rp 50 juta. Segera klaim di "
           "http://hadiah-bri.xyz", OF),
    ("id", "Waspada lowongan kerja ke Kamboja dengan gaji tinggi. Jangan tergiur tawaran tanpa "
           "syarat. Laporkan ke hotline BP2MI 0800-1000-8000.", W),
    ("id", "Jangan pernah membagikan kode OTP kepada siapa pun. Bank tidak pernah meminta PIN "
           "atau OTP nasabah.", W),
    ("id", "Polisi menangkap tiga tersangka perekrut 20 WNI yang dipekerjakan sebagai scammer di "
           "Kamboja, kata Kapolda, Senin (12/5/2025).", R),
    ("id", "Menurut KBRI Phnom Penh, para korban dijanjikan gaji besar namun paspor mereka disita "
           "setibanya di Sihanoukville.", R),
    # Malay
    ("ms", "Kekosongan jawatan kerani. Gaji RM2,500. Hubungi 012-345 6789 untuk temuduga.", OF),
    ("ms", "Tahniah! Anda telah memenangi RM5,000. Sila klik pautan http://hadiah-my.co "
           "untuk tuntut.", OF),
    ("ms", "Berhati-hati dengan scammer yang guna nama syarikat kami. Sila hubungi hanya talian "
           "WhatsApp rasmi kami 012-888 7777 untuk memohon jawatan.", OF),
    ("ms", "PDRM menasihatkan orang ramai supaya berwaspada dengan tawaran kerja bergaji lumayan "
           "di Kemboja. Jangan terpedaya.", W),
    ("ms", "Jangan kongsi nombor TAC anda. Bank tidak akan meminta maklumat ini. Laporkan kepada "
           "NSRC di talian 997.", W),
    ("ms", "Seramai 15 mangsa sindiket penipuan pekerjaan diselamatkan polis, katanya dalam satu "
           "kenyataan.", R),
    ("ms", "Menurut polis, mangsa ditipu oleh sindiket yang menawarkan kerja sebagai khidmat "
           "pelanggan di Myanmar.", R),
    ("ms", "Mangsa kerugian RM50,000 selepas diperdaya love scam, kata Ketua Polis Daerah.", R),
    # English
    ("en", "We are hiring! Customer service agents needed in Cambodia, USD 1,500/month, free "
           "flight. DM me on Telegram @hr_kh", OF),
    ("en", "Beware of fake accounts using our name! Contact only our official WhatsApp "
           "+63 917 123 4567 to apply.", OF),
    ("en", "Congratulations! You have won a prize. Claim it now at http://claim-prize.top", OF),
    ("en", "Your parcel is on hold. Please update your address here: http://track-parcel.cc", OF),
    ("en", "Police warned the public not to fall for job offers promising high pay for easy "
           "work abroad. Do not send your passport to recruiters.", W),
    ("en", "Never share your OTP with anyone. If in doubt, call the ScamShield hotline 1799.", W),
    ("en", "Six victims were rescued from a scam compound in Myawaddy, the Bureau of Immigration "
           "said on Monday.", R),
    ("en", "According to police, the syndicate lured 40 Malaysians with fake job offers in "
           "Cambodia.", R),
    # Tagalog
    ("tl", "Hiring! Call center agents sa Cambodia, malaking sahod. Mag-apply na, i-message "
           "lang kami sa 0917 123 4567", OF),
    ("tl", "Mag-ingat sa mga pekeng page! I-message lang kami sa aming official number "
           "0917 765 4321 para mag-apply.", OF),
    ("tl", "Congratulations! Nanalo ka ng P50,000. I-claim sa http://promo-claim.ph", OF),
    ("tl", "Nagbabala ang DMW sa publiko laban sa mga pekeng alok na trabaho sa ibang bansa. "
           "Huwag maniwala sa mga ito.", W),
    ("tl", "Huwag ibahagi ang inyong OTP o MPIN. Mag-report sa CICC hotline 1326.", W),
    ("tl", "Ayon sa Bureau of Immigration, nasagip ang apat na biktima ng human trafficking sa "
           "Myanmar.", R),
    ("tl", "Sinabi ng PNP na naaresto ang tatlong suspek sa isang scam hub sa Pasay.", R),
    ("tl", "Ayon sa mga biktima, inalok sila ng trabaho bilang encoder pero napilitang "
           "mag-scam.", R),
    # Vietnamese
    ("vi", "Tuyển gấp nhân viên chăm sóc khách hàng tại Campuchia, lương 1500 USD, liên hệ zalo "
           "0912 345 678", OF),
    ("vi", "Cảnh giác với các trang giả mạo! Liên hệ duy nhất qua số 0912 111 222 của công ty "
           "để ứng tuyển.", OF),
    ("vi", "Chúc mừng bạn trúng thưởng 10 triệu. Vui lòng truy cập http://nhanthuong.vip để "
           "nhận thưởng.", OF),
    ("vi", "Công an khuyến cáo người dân cảnh giác với chiêu trò việc nhẹ lương cao. Đừng "
           "chuyển tiền cho người lạ.", W),
    ("vi", "Ngân hàng không bao giờ yêu cầu khách hàng cung cấp mã OTP. Hãy gọi tổng đài "
           "1900 5454 khi nghi ngờ.", W),
    ("vi", "Theo công an tỉnh, 12 nạn nhân đã được giải cứu và đưa về nước.", R),
    ("vi", "Anh Nguyễn Văn H. cho biết anh bị lừa sang Campuchia làm việc cho một đường dây lừa "
           "đảo.", R),
    ("vi", "Cơ quan công an cho biết các đối tượng đã bị bắt giữ sau khi lừa đảo hàng trăm "
           "nạn nhân.", R),
    # Thai
    ("th", "รับสมัครงานด่วน แอดมินออนไลน์ เงินเดือน 30,000 บาท สนใจติดต่อ ไลน์ @job2024", OF),
    ("th", "ระวังเพจปลอม! สมัครงานกับเราได้ทางเดียว ติดต่อ LINE: @realjob", OF),
    ("th", "ยินดีด้วย คุณคือผู้โชคดี รับรางวัลได้ที่ http://rewards-th.top", OF),
    ("th", "ตำรวจไซเบอร์เตือนภัย อย่าหลงเชื่อโฆษณางานรายได้สูงในกัมพูชา แจ้งความได้ที่สายด่วน "
           "1441", W),
    ("th", "ระวังมิจฉาชีพแอบอ้างเป็นธนาคาร อย่าโอนเงินให้คนแปลกหน้า", W),
    ("th", "ผู้สื่อข่าวรายงานว่า ตำรวจจับกุมผู้ต้องหา 3 ราย ช่วยเหลือผู้เสียหายได้ 20 คน", R),
    ("th", "โฆษกสำนักงานตำรวจแห่งชาติ เปิดเผยว่า มีผู้เสียหายถูกหลอกไปทำงานในกัมพูชา", R),
    ("th", "พล.ต.ต. ผู้บัญชาการ กล่าวว่า ได้ส่งกลับคนไทยที่ตกเป็นเหยื่อค้ามนุษย์แล้ว", R),
    # Chinese
    ("zh", "急招客服,月薪两万,包吃包住,加微信 abc12345 联系", OF),
    ("zh", "谨防假冒!我司招聘只认官方渠道,请联系微信 hr_real2024 报名", OF),
    ("zh", "恭喜您中奖,请点击 http://lingjiang.cc 领取奖金", OF),
    ("zh", "警方提醒:不要轻信高薪招聘信息,切勿前往缅北", W),
    ("zh", "反诈中心提醒,如遇可疑来电,请拨打96110举报,不要转账", W),
    ("zh", "据警方介绍,受害人张某被骗至柬埔寨,目前已被解救", R),
    ("zh", "大使馆表示,已有200名受害者被遣返回国", R),
    ("zh", "记者了解到,诈骗分子以高薪为诱饵,将受害人骗至缅甸", R),
    # Khmer
    ("km", "ជ្រើសរើសបុគ្គលិក ប្រាក់ខែ ៥០០ដុល្លារ ទាក់ទង 012 345 678", OF),
    ("km", "ត្រូវការបុគ្គលិកផ្នែកលក់ ដាក់ពាក្យតាម telegram @jobs_kh", OF),
    ("km", "ប្រុងប្រយ័ត្នគណនីក្លែងក្លាយ! ទាក់ទងតែលេខផ្លូវការរបស់យើង 012 999 888", OF),
    ("km", "សូមប្រុងប្រយ័ត្នចំពោះការបោកប្រាស់តាមអនឡាញ កុំផ្ញើប្រាក់ទៅអ្នកមិនស្គាល់", W),
    ("km", "ក្រសួងព្រមានប្រជាពលរដ្ឋ កុំជឿការផ្សព្វផ្សាយការងារប្រាក់ខែខ្ពស់", W),
    ("km", "យោងតាមប៉ូលីស ជនរងគ្រោះ ១០ នាក់ត្រូវបានជួយសង្គ្រោះ", R),
    ("km", "នគរបាលបានឱ្យដឹងថា ជនសង្ស័យ ៣ នាក់ត្រូវបានចាប់ខ្លួន", R),
    ("km", "ស្ថានទូតបានបញ្ជាក់ថា ជនរងគ្រោះនៃការជួញដូរមនុស្សត្រូវបានបញ្ជូនមកវិញ", R),
    # Lao and Burmese (a few)
    ("lo", "ຮັບສະໝັກພະນັກງານ ເງິນເດືອນສູງ ຕິດຕໍ່ 020 5555 1234", OF),
    ("lo", "ລະວັງການຫຼອກລວງ ຢ່າເຊື່ອການໂຄສະນາວຽກເງິນເດືອນສູງ", W),
    ("lo", "ຕຳຫຼວດໃຫ້ຮູ້ວ່າ ຜູ້ເຄາະຮ້າຍ 10 ຄົນໄດ້ຮັບການຊ່ວຍເຫຼືອ", R),
    ("my", "ဝန်ထမ်းခေါ်ယူမည် လစာကောင်း ဆက်သွယ်ရန် 09 123 456 789", OF),
    ("my", "အွန်လိုင်းလိမ်လည်မှုကို သတိထားပါ ငွေမလွှဲပါနဲ့", W),
    ("my", "ရဲက ပြောကြားသည်မှာ လူကုန်ကူးမှု သားကောင် ၁၀ ဦး ကယ်ဆယ်ခံရသည်", R),
]


@pytest.mark.parametrize(("lang", "text", "expected"), CASES, ids=[
    f"{c[0]}-{i}-{c[2]}" for i, c in enumerate(CASES)
])
def test_stance_of_written_cases(lang: str, text: str, expected: str) -> None:
    a = assess(text)
    assert a.stance == expected, [c.to_dict() for c in a.stance_evidence]
    assert a.stance_evidence, "a decided stance shows the cues that decided it"
    for c in a.stance_evidence:
        assert text[c.start : c.end] == c.text


def test_each_language_has_at_least_eight_cases_of_all_three_stances() -> None:
    for lang in ("id", "ms", "en", "tl", "vi", "th", "zh", "km"):
        mine = [c for c in CASES if c[0] == lang]
        assert len(mine) >= 8, lang
        assert {c[2] for c in mine} == {OF, W, R}, lang


def test_an_offer_with_a_beware_line_is_an_offer_and_keeps_its_risk() -> None:
    text = ("Hati-hati penipuan! Dicari admin di Kamboja gaji 20 juta, tiket ditanggung. Hubungi "
            "hanya telegram kami @adminkh88")
    a = assess(text)
    assert a.stance == "offer"
    assert any(c.cue == "call_to_action" for c in a.stance_evidence)
    assert "warning" not in a.explanation and "peringatan" not in a.explanation


def test_a_warning_with_a_hotline_is_a_warning_and_never_high() -> None:
    text = ("Waspada lowongan kerja palsu ke Kamboja: gaji USD 1.500, tiket dan visa ditanggung, "
            "tanpa pengalaman, kontak hanya lewat Telegram. Jangan tergiur! Laporkan ke hotline "
            "BP2MI 0800-1000-8000.")
    a = assess(text)
    assert a.stance == "warning"
    assert a.level == "low"
    assert a.indicators, "the red flags it mentions stay listed"
    assert any(h.category == "recruitment_lure" for h in a.indicators)
    assert "peringatan" in a.explanation and "\u201cWaspada\u201d" in a.explanation


def test_english_explanation_of_a_report_names_it_and_quotes_the_cues() -> None:
    a = assess("Six victims were rescued from a scam compound in Myawaddy after answering a job "
               "ad promising USD 1,500 a month, the Bureau of Immigration said on Monday.")
    assert a.stance == "report"
    assert a.explanation.startswith("This reads as a report")
    assert "\u201csaid\u201d" in a.explanation or "\u201cvictims\u201d" in a.explanation


def test_a_quoted_offer_inside_a_report_is_not_the_text_soliciting() -> None:
    text = ('Polisi mengatakan iklan itu berbunyi "Dicari admin, gaji 20 juta, hubungi WA '
            '0812-3456-7890" dan para korban dijanjikan tiket gratis.')
    a = assess(text)
    assert a.stance == "report"
    assert not any(c.cue == "call_to_action" for c in a.stance_evidence)


def test_do_not_contact_is_advice_not_a_call_to_action() -> None:
    text = "Waspada! Jangan hubungi nomor 0812-3456-7890 yang mengaku dari bank. Jangan transfer."
    a = assess(text)
    assert a.stance == "warning"
    assert not any(c.cue == "call_to_action" for c in a.stance_evidence)


def test_evidence_spans_index_the_original_text_when_it_was_disguised() -> None:
    # fullwidth letters, a zero-width space and a soft hyphen: the normaliser changes offsets
    text = ("\uff37\uff41\uff53\uff50\uff41\uff44\uff41! Ja\u200bngan ter\u00adgiur gaji besar, "
            "kata polisi.")
    a = assess(text)
    assert a.stance == "warning"
    assert a.stance_evidence
    for c in a.stance_evidence:
        assert text[c.start : c.end] == c.text
    assert any(c.text.startswith("\uff37") for c in a.stance_evidence)


def test_to_dict_carries_the_stance_and_its_evidence() -> None:
    d = assess("Beware! Never share your OTP, the police said.").to_dict()
    assert d["stance"] == "warning"
    assert d["stance_evidence"] and set(d["stance_evidence"][0]) == {"cue", "start", "end", "text"}
    assert json.loads(json.dumps(d))["stance"] == "warning"


def test_plain_texts_are_other() -> None:
    for text in ("", "ok", "see you at 7 at the usual place", "Terima kasih, sampai jumpa besok"):
        assert assess(text).stance == "other"


def _result(risk: int) -> RiskResult:
    from waspada.scoring.risk import level_of
    return RiskResult(risk=risk, level=level_of(risk), category="scam")


def test_cap_for_stance_keeps_warnings_low_unless_strong_offer_cues_then_medium() -> None:
    warn = stance_mod.StanceResult("warning", [], {"offer": 0.0})
    rep = stance_mod.StanceResult("report", [], {"offer": 0.0})
    strong = stance_mod.StanceResult("warning", [], {"offer": stance_mod.STRONG_OFFER})
    offer = stance_mod.StanceResult("offer", [], {"offer": 5.0})
    assert cap_for_stance(_result(95), warn.stance, warn.strong_offer).risk == MEDIUM_AT - 1
    assert cap_for_stance(_result(95), warn.stance, warn.strong_offer).level == "low"
    assert cap_for_stance(_result(95), warn.stance, warn.strong_offer).category == "benign"
    assert cap_for_stance(_result(55), rep.stance, rep.strong_offer).level == "low"
    assert cap_for_stance(_result(95), strong.stance, strong.strong_offer).risk == HIGH_AT - 1
    assert cap_for_stance(_result(95), strong.stance, strong.strong_offer).level == "medium"
    assert cap_for_stance(_result(95), offer.stance, offer.strong_offer).risk == 95
    assert cap_for_stance(_result(12), warn.stance, warn.strong_offer).risk == 12


def _corpus() -> list[dict[str, str]]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]


#: warnings and news of the corpus still rated high, and why the stance misses them (the model
#: and the indicators rate them high; see docs/stance.md). Nothing may join this list.
KNOWN_HIGH = {
    "id-warning-037": "lists the bank's own WhatsApp, Instagram and website: read as an offer",
    "tl-warning-011": "a first-person story around a quoted lure; no cue outside the quotes",
    "tl-warning-032": "advice worded 'if you joined no promo, you hardly won': reads as an offer",
    "tl-news-016": "the whole passage is one quoted description of the scam",
    "vi-news-021": "a victim's own account with one reporting verb",
}


def test_no_warning_or_news_text_of_the_corpus_is_rated_high() -> None:
    rows = [r for r in _corpus() if r["label"] in ("warning", "news")]
    assert len(rows) >= 500
    high = {r["id"] for r in rows if assess(r["text"]).level == "high"}
    assert high <= set(KNOWN_HIGH), sorted(high - set(KNOWN_HIGH))
    assert len(high) <= 5


def test_every_warning_or_report_stance_in_the_corpus_is_not_high() -> None:
    for r in _corpus():
        a = assess(r["text"])
        if a.stance in ("warning", "report"):
            assert a.level != "high", r["id"]


def _check_detect(text: str) -> None:
    """detect() on the prepared text (analyse: normalise, recognise, indicators)."""
    ctx, ents, _ = default_analyzer().analyse(text)
    r = stance_mod.detect(default_analyzer().stance_cues, ctx, ents)
    assert r.stance in STANCES
    for c in r.evidence:
        assert 0 <= c.start <= c.end <= len(text)
        assert text[c.start : c.end] == c.text


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_even_with_lone_surrogates_gets_a_valid_stance(text: str) -> None:
    _check_detect(text)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([
    "waspada", "jangan", "hubungi", "WA 0812-3456-7890", "\ud800", "\udfff", "\u201c", "\u201d",
    '"', "korban", "kata polisi", "dicari", "@admin_kh", " ", "\n", "beware", "\u4e0d\u8981",
    "\u8054\u7cfb", "(1/5/2021)", "\uff37\uff21", "\u200b",
]), max_size=40))
def test_cue_soup_with_lone_surrogates_and_quotes_gets_a_valid_stance(parts: list[str]) -> None:
    _check_detect(" ".join(parts))


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_assess_never_rates_a_warning_or_report_high(text: str) -> None:
    a = assess(text)
    assert a.stance in STANCES
    for c in a.stance_evidence:
        assert text[c.start : c.end] == c.text
    if a.stance in ("warning", "report"):
        assert a.level != "high"


def test_detect_is_linear_in_the_text_length() -> None:
    unit = "Jangan hubungi WA 0812-3456-7890, kata polisi. \u201cDicari admin\u201d korban. "

    def best(n: int) -> float:
        ctx, ents, _ = default_analyzer().analyse(unit * n)
        times = []
        for _ in range(7):
            t0 = time.perf_counter()
            stance_mod.detect(default_analyzer().stance_cues, ctx, ents)
            times.append(time.perf_counter() - t0)
        return min(times)

    best(50)  # warm up
    # 4x the text: about 4x the time if linear, 16x if quadratic
    ratio = best(2400) / best(600)
    assert ratio < 8.0, ratio


def _write(tmp_path: Path, name: str, body: str) -> Path:
    p = tmp_path / name
    p.write_text(body, encoding="utf-8")
    return p


def test_cue_files_are_checked_and_errors_name_file_and_field(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"xx\.yaml: unknown language"):
        stance_cues.load_cues([_write(tmp_path, "xx.yaml", "beware: [a]\n")])
    with pytest.raises(ConfigError, match=r"id\.yaml: field 'bewere': unknown cue family"):
        stance_cues.load_cues([_write(tmp_path, "id.yaml", "bewere: [a]\n")])
    with pytest.raises(ConfigError, match=r"en\.yaml: field 'advice': must be a list"):
        stance_cues.load_cues([_write(tmp_path, "en.yaml", "advice: [a, '']\n")])
    with pytest.raises(ConfigError, match=r"th\.yaml: must map"):
        stance_cues.load_cues([_write(tmp_path, "th.yaml", "- a\n")])


def test_the_bundled_cue_files_cover_ten_languages_and_every_family() -> None:
    cues = stance_cues.load_cues(stance_cues.DATA_DIR.glob("*.yaml"))
    assert set(cues) == {"id", "ms", "en", "tl", "vi", "th", "km", "lo", "my", "zh"}
    for lang, fams in cues.items():
        for fam in ("beware", "advice", "report", "about", "contact", "recruit"):
            assert fams.get(fam), (lang, fam)


def test_cue_words_inside_a_link_do_not_count() -> None:
    text = ("Tolong transfer sekarang ke BNI 022-741-3681 a/n Friska, sms kalau sudah. "
            "http://berita.example.com/read/awas-modus-penipuan-kata-polisi-korban")
    a = assess(text)
    assert a.stance == "offer"
    assert not any(c.cue in ("beware", "about", "report") for c in a.stance_evidence)
